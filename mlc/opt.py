"""`mlc-opt`: xDSL's optimizer driver with mlc's dialects, passes and the C target.

    mlc-opt model.mlir -p canonicalize,cse,convert-mt-to-loop
    mlc-opt model.mlir --pipeline FAST_RUN,lower -t c
    mlc-opt --list-passes

It runs the same pass objects, from the same registry, as `mlc.function`, so the IR of
any compiled function (`f.ir("mt")`) can be replayed stage by stage.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from xdsl.xdsl_opt_main import xDSLOptMain

from mlc.dialects import MLC_DIALECTS
from mlc.passes import pipelines
from mlc.passes.emit.emitter import CTarget
from mlc.passes.emit.mlir import MLIRTextTarget
from mlc.passes.registry import MLC_PASSES

NAMED_PIPELINES: dict[str, tuple[str, ...]] = {
    **pipelines.GRAPH_PIPELINES,
    "lower": pipelines.TO_LOOP + pipelines.TO_SCF,
}


class MlcOptMain(xDSLOptMain):
    def register_all_dialects(self) -> None:
        super().register_all_dialects()
        for name, factory in MLC_DIALECTS.items():  # the list make_context loads too
            if name not in self.ctx.registered_dialect_names:
                self.ctx.register_dialect(name, factory)

    def register_all_passes(self) -> None:
        super().register_all_passes()
        for name, factory in MLC_PASSES.items():
            self.register_pass(name, factory)

    def register_all_targets(self) -> None:
        super().register_all_targets()
        self.available_targets["c"] = lambda: CTarget
        self.available_targets["mlir"] = lambda: MLIRTextTarget

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser) -> None:
        super().register_all_arguments(arg_parser)
        arg_parser.add_argument(
            "--pipeline", default="",
            help="comma-separated named pipelines run before -p: "
                 + ", ".join(f"{k} ({','.join(v)})" for k, v in NAMED_PIPELINES.items()))
        arg_parser.add_argument("--list-passes", action="store_true",
                                help="list mlc's passes and pipelines, then exit")

    def setup_pipeline(self) -> None:
        names = []
        for p in filter(None, self.args.pipeline.split(",")):
            if p not in NAMED_PIPELINES:
                raise SystemExit(f"mlc-opt: unknown pipeline {p!r}; choose from "
                                 f"{', '.join(NAMED_PIPELINES)}")
            names += NAMED_PIPELINES[p]
        if names:
            self.args.passes = ",".join(names + ([self.args.passes] if self.args.passes else []))
        super().setup_pipeline()


XDSL_DESCRIPTIONS = {
    "cse": "Merge identical side-effect-free ops (xDSL's common subexpression elimination).",
    "dce": "Remove ops whose results are unused (xDSL's dead code elimination).",
}
"""One-line descriptions of the xDSL passes whose classes have no docstring."""


def list_passes() -> str:
    lines = ["mlc passes:"]
    for name, factory in MLC_PASSES.items():
        doc = (factory().__doc__ or "").strip().splitlines()
        lines.append(f"  {name:22s} {doc[0] if doc else XDSL_DESCRIPTIONS.get(name, '')}")
    lines.append("pipelines (--pipeline NAME):")
    for name, passes in NAMED_PIPELINES.items():
        lines.append(f"  {name:22s} {','.join(passes)}")
    lines.append("targets (-t NAME): c (the C that mlc.function compiles), mlir (default)")
    lines.append("dialects: mt, loop, and all of xDSL's (func, arith, math, memref, scf, ...)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--list-passes" in args:
        print(list_passes())
        return
    MlcOptMain(description="mlc-opt: run mlc/xDSL passes on IR", args=args).run()


if __name__ == "__main__":
    main()
