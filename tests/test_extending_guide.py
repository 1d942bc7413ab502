"""docs/extending.md cannot rot: every path, table and name it mentions exists.

Checked in the guide's `code spans`: paths (a family placeholder `X` must name an
existing folder), ALL_CAPS table names and CamelCase classes (defined at the top level
or in a class body of a module of ours, or, for a few, exported by xDSL), and dotted
names (`mlc.grad`, `mt.ALL_OPS`, `T.cbrt`, `CEmitter.handlers`), which must resolve
to an attribute.
"""

from __future__ import annotations

import ast
import importlib
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUIDE = os.path.join(ROOT, "docs", "extending.md")
SOURCES = ("mlc", "dialects", "passes", "runtime", "tests")
INSTALLED = {"dialects": "mlc.dialects", "passes": "mlc.passes", "runtime": "mlc.runtime"}
ALIASES = {"mlc": "mlc", "mt": "mlc.dialects.mt", "T": "mlc.tensor", "math": "xdsl.dialects.math",
           "arith": "xdsl.dialects.arith", "np": "numpy"}
INSTANCES = {"em": ("mlc.passes.emit.writer", "CWriter"), "L": ("mlc.passes.mt_to_loop.builder", "FuncLowering"),
             "kb": ("mlc.passes.loop_to_scf.builder", "KernelBuilder"), "x": ("mlc.tensor", "Variable")}
"""The guide's names for the objects a rule receives."""
XDSL_NAMES = {"ModulePass", "DenseArrayBase", "TensorType"}
PATH = re.compile(r"^[\w.<>-]+(/[\w.<>-]+)+/?$")
CAPS = re.compile(r"^[A-Z][A-Z0-9]*_[A-Z0-9_]+$|^[A-Z]{4,}$")
CAMEL = re.compile(r"^(?=\w*[a-z])(?=[A-Z]\w*[A-Z])[A-Z][A-Za-z0-9]+$")  # two capitals or more: a class
DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+(?=$|[(\[ ])")


def spans() -> list[str]:
    with open(GUIDE, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # code blocks are examples, not references
    return sorted({s.strip() for s in re.findall(r"`([^`\n]+)`", text)})


def module_of(path: str) -> str:
    parts = os.path.splitext(path)[0].split(os.sep)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if parts[0] in INSTALLED:
        parts = INSTALLED[parts[0]].split(".") + parts[1:]
    return ".".join(parts)


def definitions() -> dict[str, tuple[str, str | None]]:
    """Name -> (the module that defines it, the class whose body does, or None), for
    top-level and class-body names."""
    found: dict[str, tuple[str, str | None]] = {}
    for top in SOURCES:
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for name in files:
                if not name.endswith(".py"):
                    continue
                path = os.path.relpath(os.path.join(dirpath, name), ROOT)
                with open(os.path.join(ROOT, path), encoding="utf-8") as f:
                    tree = ast.parse(f.read())
                bodies = [(tree.body, None)] + [(n.body, n.name) for n in tree.body if isinstance(n, ast.ClassDef)]
                for body, owner in bodies:
                    for node in body:
                        for target in _names(node):
                            found.setdefault(target, (module_of(path), owner))
    return found


def _names(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def ir_op_names() -> set[str]:
    from mlc.passes.pipelines import make_context
    ctx = make_context()
    return {op.name for d in ctx.loaded_dialects for op in d.operations}


def instance_attributes(cls: type) -> set[str]:
    """`self.x = ...` names of a class and its bases (set in their methods)."""
    import inspect
    found = set()
    for klass in cls.__mro__:
        if klass.__module__.startswith("mlc."):
            found |= set(re.findall(r"self\.(\w+)(?:: [^=]+)? = ", inspect.getsource(klass)))
    return found


def resolve(dotted: str, defs: dict[str, str]) -> bool:
    head, *rest = dotted.split(".")
    if head in INSTANCES:
        module, name = INSTANCES[head]
        cls = getattr(importlib.import_module(module), name)
        return len(rest) == 1 and (hasattr(cls, rest[0]) or rest[0] in instance_attributes(cls))
    if head in ALIASES:
        obj = importlib.import_module(ALIASES[head])
    elif head in defs:
        module, owner = defs[head]
        obj = importlib.import_module(module)
        for attr in ([owner] if owner else []) + [head]:
            obj = getattr(obj, attr, None)
    else:
        return False
    for attr in rest:
        obj = getattr(obj, attr, None)
    return obj is not None


def test_every_path_the_guide_mentions_exists():
    paths = [s.split(" ")[0] for s in spans() if PATH.match(s.split(" ")[0])]
    assert len(paths) > 20
    missing = []
    for p in paths:
        if "<" in p:
            continue  # a pattern, like test/lit/passes/<pass-name>.mlir
        where = os.path.dirname(p) if os.path.basename(p) == "X.py" else p
        if not os.path.exists(os.path.join(ROOT, where)):
            missing.append(p)
    assert not missing, f"docs/extending.md names paths that do not exist: {missing}"


def test_every_table_and_class_the_guide_mentions_exists():
    defs = definitions()
    names = [s for s in spans() if CAPS.match(s) or CAMEL.match(s)]
    assert {"LOWERINGS", "SCALAR_RULES", "PULLBACK", "CEmitter"} <= set(names)
    missing = [n for n in names if n not in defs and n not in XDSL_NAMES]
    assert not missing, f"docs/extending.md names tables or classes that do not exist: {missing}"


def test_every_dotted_name_the_guide_mentions_resolves():
    defs = definitions()
    dotted = [m.group(0) for s in spans() if (m := DOTTED.match(s)) and not PATH.match(s)
              and not re.search(r"\.(py|mlir|md|h)$", m.group(0))]
    assert {"mt.ALL_OPS", "CEmitter.code_for_op", "em.name", "loop.broadcast"} <= set(dotted)
    ops = ir_op_names()
    missing = [d for d in dotted if not resolve(d, defs) and d not in ops]
    assert not missing, f"docs/extending.md names things that do not resolve: {missing}"


@pytest.mark.parametrize("span", ["passes/emit/nothing.py", "NO_SUCH_TABLE", "mt.NoSuchOp", "em.nothing",
                                  "loop.nothing"])
def test_the_checks_catch_a_wrong_name(span):
    defs = definitions()
    if PATH.match(span):
        assert not os.path.exists(os.path.join(ROOT, span))
    elif CAPS.match(span):
        assert span not in defs
    else:
        assert not resolve(span, defs) and span not in ir_op_names()
