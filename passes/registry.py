"""The pass registry: every pass name that `mlc.function` pipelines and `mlc-opt -p` accept.

Entries import lazily (as xDSL's `get_all_passes` does) so that listing passes is cheap.
mlc's own `canonicalize` replaces xDSL's: it runs xDSL's canonicalization patterns plus
the `mt` rewrites.
"""

from __future__ import annotations

from typing import Callable

from xdsl.passes import ModulePass


def _canonicalize() -> type[ModulePass]:
    from mlc.passes.canonicalize import CanonicalizePass
    return CanonicalizePass


def _cse() -> type[ModulePass]:
    from xdsl.transforms.common_subexpression_elimination import CommonSubexpressionElimination
    return CommonSubexpressionElimination


def _dce() -> type[ModulePass]:
    from xdsl.transforms.dead_code_elimination import DeadCodeElimination
    return DeadCodeElimination


def _mt_to_loop() -> type[ModulePass]:
    from mlc.passes.convert_mt_to_loop import ConvertMtToLoopPass
    return ConvertMtToLoopPass


def _loop_to_scf() -> type[ModulePass]:
    from mlc.passes.convert_loop_to_scf import ConvertLoopToScfPass
    return ConvertLoopToScfPass


def _fuse_elemwise() -> type[ModulePass]:
    from mlc.passes.fuse_elemwise import FuseElemwisePass
    return FuseElemwisePass


def _insert_blas() -> type[ModulePass]:
    from mlc.passes.insert_blas import InsertBlasPass
    return InsertBlasPass


def _autodiff() -> type[ModulePass]:
    from mlc.passes.autodiff import AutodiffPass
    return AutodiffPass


def _stabilize() -> type[ModulePass]:
    from mlc.passes.stabilize import StabilizePass
    return StabilizePass


MLC_PASSES: dict[str, Callable[[], type[ModulePass]]] = {
    "autodiff": _autodiff,
    "canonicalize": _canonicalize,
    "cse": _cse,
    "dce": _dce,
    "stabilize": _stabilize,
    "convert-mt-to-loop": _mt_to_loop,
    "convert-loop-to-scf": _loop_to_scf,
    "insert-blas": _insert_blas,
    "fuse-elemwise": _fuse_elemwise,
}


def get_pass(name: str) -> type[ModulePass]:
    try:
        return MLC_PASSES[name]()
    except KeyError:
        raise ValueError(f"unknown pass {name!r}; passes are {', '.join(sorted(MLC_PASSES))}") from None
