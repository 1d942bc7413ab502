"""Architecture tests: imports flow one way, files stay small, no placeholders.

DESIGN.md: `mlc` (frontend, CLI) -> `passes` -> `runtime` -> `dialects`. The folders
install as `mlc.dialects`, `mlc.passes`, `mlc.runtime`; code always imports them by those
names, never as top-level `dialects`/`passes`/`runtime` (which would load the op classes
twice). STYLE.md: files under ~800 lines, enforced here.
"""

from __future__ import annotations

import ast
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_LINES = 800
LAYERS = {
    "dialects": ("mlc.dialects",),
    "runtime": ("mlc.runtime", "mlc.dialects"),
    "passes": ("mlc.passes", "mlc.runtime", "mlc.dialects"),
}
TOP_LEVEL_FORBIDDEN = ("dialects", "passes", "runtime")


def tracked(*patterns: str) -> list[str]:
    out = subprocess.run(["git", "ls-files", "--", *patterns], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    return [p for p in out.splitlines() if os.path.exists(os.path.join(ROOT, p))]


def python_files(folder: str) -> list[str]:
    """Every .py file under folder, tracked or not (work in progress counts too)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, folder)):
        dirnames[:] = [d for d in dirnames if d != "__pycache__" and not d.startswith(".")]
        found += [os.path.relpath(os.path.join(dirpath, f), ROOT) for f in filenames if f.endswith(".py")]
    return sorted(found)


def package_of(path: str) -> str:
    """Dotted installed package of a source file: dialects/mt/base.py -> mlc.dialects.mt."""
    parts = os.path.dirname(path).split(os.sep)
    if parts[0] in LAYERS:
        parts = ["mlc", *parts]
    return ".".join(parts)


def imported_modules(path: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a file, relative ones resolved,
    including imports inside functions."""
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        tree = ast.parse(f.read(), filename=path)
    pkg = package_of(path)
    mods = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            mods += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[:len(base) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
                mods += [(node.lineno, f"{name}.{a.name}" if not node.module else name) for a in node.names]
            else:
                mods.append((node.lineno, node.module or ""))
    return mods


def _within(module: str, allowed: tuple[str, ...]) -> bool:
    return any(module == a or module.startswith(a + ".") for a in allowed)


@pytest.mark.parametrize("layer", list(LAYERS))
def test_imports_flow_one_way(layer):
    files = python_files(layer)
    assert files, f"no Python files under {layer}/"
    bad = []
    for path in files:
        for line, mod in imported_modules(path):
            if (mod == "mlc" or mod.startswith("mlc.")) and not _within(mod, LAYERS[layer]):
                bad.append(f"{path}:{line} imports {mod}")
    allowed = ", ".join(LAYERS[layer])
    assert not bad, f"{layer}/ may import only {allowed} of ours:\n" + "\n".join(bad)


def test_nothing_imports_layers_as_top_level_packages():
    bad = []
    for path in tracked("*.py") + python_files("mlc") + python_files("dialects") + \
            python_files("passes") + python_files("runtime"):
        if path.startswith("tests/") and os.path.basename(path) == "test_layering.py":
            continue
        try:
            mods = imported_modules(path)
        except SyntaxError:
            continue  # a file mid-edit elsewhere; the other tests catch real syntax errors
        for line, mod in mods:
            if mod.split(".")[0] in TOP_LEVEL_FORBIDDEN:
                bad.append(f"{path}:{line} imports {mod} (use mlc.{mod})")
    assert not bad, "\n".join(sorted(set(bad)))


def test_relative_import_resolution():
    """The resolver above maps package-relative imports onto installed names."""
    assert package_of(os.path.join("dialects", "mt", "base.py")) == "mlc.dialects.mt"
    assert package_of(os.path.join("runtime", "compile.py")) == "mlc.runtime"
    assert package_of(os.path.join("mlc", "compile", "cache.py")) == "mlc.compile"


def test_source_files_stay_under_the_line_cap():
    long = []
    for path in tracked("*.py", "*.cpp", "*.c", "*.h"):
        with open(os.path.join(ROOT, path), encoding="utf-8", errors="replace") as f:
            n = sum(1 for _ in f)
        if n > MAX_LINES:
            long.append(f"{path}: {n} lines")
    assert not long, f"files over {MAX_LINES} lines (split them by concept):\n" + "\n".join(long)


MARKERS = ("NotImplementedError", "TODO", "FIXME")


def test_no_placeholders_in_the_compiler():
    found = []
    for folder in ("mlc", "dialects", "passes", "runtime"):
        for path in tracked(f"{folder}/*.py", f"{folder}/*.cpp", f"{folder}/*.c", f"{folder}/*.h"):
            with open(os.path.join(ROOT, path), encoding="utf-8", errors="replace") as f:
                for i, line in enumerate(f, 1):
                    found += [f"{path}:{i}: {m}" for m in MARKERS if m in line]
    assert not found, "unfinished code:\n" + "\n".join(found)
