"""Pipelines: the explicit, ordered pass lists shared by `mlc.function` and `mlc-opt`.

`GRAPH_PIPELINES[mode]` optimizes `mt` graphs; `LOWERING` takes `mt` to scf-level IR;
`compile_module` runs both and the C emitter, keeping the IR text of each stage for
`f.ir(stage)` and for replay with `mlc-opt`.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import Sequence

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from mlc.dialects import all_dialects
from mlc.passes.registry import get_pass

GRAPH_PIPELINES: dict[str, tuple[str, ...]] = {
    "FAST_RUN": ("canonicalize", "stabilize", "canonicalize", "cse", "dce"),
    "FAST_COMPILE": ("dce",),
    "DebugMode": ("canonicalize", "stabilize", "canonicalize", "cse", "dce"),
}
VERIFYING_MODES = frozenset({"DebugMode"})
"""Modes that verify the IR after every pass (slower; catches pass bugs at their source)."""
TO_LOOP: tuple[str, ...] = ("convert-mt-to-loop", "fuse-elemwise", "insert-blas")
TO_SCF: tuple[str, ...] = ("convert-loop-to-scf", "canonicalize", "cse")
STAGES = ("mt", "loop", "scf", "c")


def make_context() -> Context:
    """A context with every dialect that mlc's IR uses loaded (`mlc.dialects.all_dialects`)."""
    ctx = Context()
    for d in all_dialects():
        ctx.load_dialect(d)
    return ctx


def parse_pipeline(names: Sequence[str]) -> list[ModulePass]:
    return [get_pass(n)() for n in names]


def run_passes(module: ModuleOp, names: Sequence[str], ctx: Context | None = None,
               verify: bool = False) -> None:
    ctx = ctx or make_context()
    for p in parse_pipeline(names):
        p.apply(ctx, module)
        if verify:
            module.verify()


@dataclass
class Compiled:
    """What the runtime needs from a compiled graph, plus the IR of every stage."""

    c_source: str
    messages: list[tuple[str, str]]
    stages: dict[str, str] = field(default_factory=dict)

    def stage(self, name: str) -> str:
        if name not in STAGES:
            raise ValueError(f"unknown stage {name!r}; stages are {', '.join(STAGES)}")
        return self.stages[name]


def print_ir(module: ModuleOp, debuginfo: bool = False) -> str:
    """The IR text of `module`; with `debuginfo`, each op and block argument is followed
    by its location (`loc("model.py":12:5)`), which the parser (and mlc-opt) reads back."""
    if not debuginfo:
        return str(module)
    from io import StringIO

    from mlc.passes.emit.mlir import IRPrinter
    out = StringIO()
    IRPrinter(stream=out, print_debuginfo=True).print_op(module)
    return out.getvalue()


def compile_module(module: ModuleOp, mode: str = "FAST_RUN", keep_stages: bool = True,
                   debuginfo: bool = False) -> Compiled:
    """Optimize and lower an `mt` module (in place) and emit C.

    The module holds one public `func.func`; its arguments are the inputs then the
    shared variables, its results the outputs then the update values (the ABI order).
    Kept stages carry source locations when `debuginfo` is set."""
    from mlc.passes.emit.emitter import emit_c

    if mode not in GRAPH_PIPELINES:
        raise ValueError(f"unknown mode {mode!r}; modes are {', '.join(GRAPH_PIPELINES)}")
    stages: dict[str, str] = {}
    frozen = gc.isenabled()
    gc.disable()
    try:
        for stage, names in (("mt", GRAPH_PIPELINES[mode]), ("loop", TO_LOOP), ("scf", TO_SCF)):
            run_passes(module, names, verify=mode in VERIFYING_MODES)
            if keep_stages:
                stages[stage] = print_ir(module, debuginfo)
        c = emit_c(module)
    finally:
        if frozen:
            gc.enable()
    stages["c"] = c.source
    return Compiled(c.source, c.messages, stages)
