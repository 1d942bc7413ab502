"""Architecture tests: imports flow one way, no import circle inside a layer, files and
functions stay small, no placeholders.

DESIGN.md: `mlc` (frontend, CLI) -> `passes` -> `runtime` -> `dialects`. The folders
install as `mlc.dialects`, `mlc.passes`, `mlc.runtime`; code always imports them by those
names, never as top-level `dialects`/`passes`/`runtime` (which would load the op classes
twice). Inside the frontend, `mlc/tensor` (graph nodes and op constructors) never imports
`mlc/compile`. STYLE.md: files under ~800 lines and functions of at most 40 lines,
enforced here.
"""

from __future__ import annotations

import ast
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_LINES = 800
MAX_FUNCTION_LINES = 40
LAYERS = {
    "dialects": ("mlc.dialects",),
    "runtime": ("mlc.runtime", "mlc.dialects"),
    "passes": ("mlc.passes", "mlc.runtime", "mlc.dialects"),
}
TOP_LEVEL_FORBIDDEN = ("dialects", "passes", "runtime")
CYCLE_FREE = ("dialects", "runtime", "passes", os.path.join("mlc", "compile"), os.path.join("mlc", "tensor"))
"""Folders inside which no two modules import each other, directly or through others."""
FORBIDDEN_WITHIN_FRONTEND = {os.path.join("mlc", "tensor"): ("mlc.compile",)}
COMPILER = ("mlc", "dialects", "passes", "runtime")


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


def _imports(path: str) -> list[tuple[int, str, list[str]]]:
    """(line, absolute module, imported names) of every import statement in a file,
    inside functions too; `import a.b` gives ("a.b", []), `from .m import x` resolves the
    relative module against the file's installed package. The one resolver both views
    below read."""
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        tree = ast.parse(f.read(), filename=path)
    pkg = package_of(path).split(".")
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(pkg[:len(pkg) - (node.level - 1)] + ([node.module] if node.module else []))
            out.append((node.lineno, base, [a.name for a in node.names]))
    return out


def imported_modules(path: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import statement in a file (for `from m
    import x`, the module m)."""
    return [(line, base) for line, base, _ in _imports(path)]


def module_name(path: str) -> str:
    """Installed dotted name of a source file: passes/mt_to_loop/__init__.py -> mlc.passes.mt_to_loop."""
    parts = os.path.splitext(path)[0].split(os.sep)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(["mlc", *parts] if parts[0] in LAYERS else parts)


def import_graph(folder: str) -> dict[str, set[str]]:
    """module -> the modules of the same folder it imports (`from pkg import name` counts as
    an import of pkg.name when that is a module, else of pkg)."""
    modules = {module_name(p): p for p in python_files(folder)}
    graph: dict[str, set[str]] = {}
    for mod, path in modules.items():
        deps = set()
        for target in imported_targets(path):
            if _is_extension(target):
                continue  # a compiled module (runtime/_rt.cpp): it imports nothing of ours
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != mod:
                deps.add(target)
        graph[mod] = deps
    return graph


def _is_extension(target: str) -> bool:
    """Whether a dotted name is a pybind11 module built from a .cpp of ours (mlc.runtime._rt)."""
    parts = target.split(".")
    if parts[0] != "mlc" or len(parts) < 3 or parts[1] not in LAYERS:
        return False
    return os.path.exists(os.path.join(ROOT, *parts[1:-1], parts[-1] + ".cpp"))


def imported_targets(path: str) -> list[str]:
    """Every `module` and `module.name` a file imports (inside functions too)."""
    return [f"{base}.{n}" for _, base, names in _imports(path) for n in names] + \
        [base for _, base, names in _imports(path) if not names]


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while not component or component[-1] != v:
                component.append(stack.pop())
            if len(component) > 1:
                cycles.append(sorted(component))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


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


@pytest.mark.parametrize("folder", CYCLE_FREE)
def test_no_import_circle_inside_a_layer(folder):
    cycles = import_cycles(import_graph(folder))
    assert not cycles, f"import circles inside {folder}/:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_the_cycle_finder_finds_a_cycle():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("folder", list(FORBIDDEN_WITHIN_FRONTEND))
def test_frontend_graph_layer_does_not_import_the_compiler(folder):
    bad = [f"{path}:{line} imports {mod}" for path in python_files(folder)
           for line, mod in imported_modules(path) if _within(mod, FORBIDDEN_WITHIN_FRONTEND[folder])]
    assert not bad, f"{folder}/ may not import {FORBIDDEN_WITHIN_FRONTEND[folder]}:\n" + "\n".join(bad)


def test_functions_stay_short():
    long = []
    for folder in COMPILER:
        for path in python_files(folder):
            with open(os.path.join(ROOT, path), encoding="utf-8") as f:
                tree = ast.parse(f.read(), filename=path)
            long += [f"{path}:{n.lineno} {n.name}: {n.end_lineno - n.lineno + 1} lines" for n in ast.walk(tree)
                     if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and n.end_lineno - n.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines (split them):\n" + "\n".join(long)


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
