"""mlc's xDSL dialects: `mt` (tensor graph), `loop` (kernels over memrefs), `ad`
(differentiation requests) and `blas` (BLAS calls on memrefs).

Imports flow one way (DESIGN.md): dialects import nothing else of mlc. Always import
them as `mlc.dialects...` so that op classes are loaded once.

`MLC_DIALECTS` and `XDSL_DIALECTS` are the one list of dialects mlc's IR uses: the
pipelines' context (`mlc.passes.pipelines.make_context`) and `mlc-opt` both read it, so
every stage `f.ir(stage)` prints parses back in `mlc-opt`. The factories import lazily
so that importing this package stays cheap (xDSL's `get_all_dialects` does the same).
"""

from __future__ import annotations

from typing import Callable

from xdsl.ir import Dialect


def _mt() -> Dialect:
    from mlc.dialects.mt import MT
    return MT


def _loop() -> Dialect:
    from mlc.dialects.loop import LOOP
    return LOOP


def _ad() -> Dialect:
    from mlc.dialects.ad import AD
    return AD


def _blas() -> Dialect:
    from mlc.dialects.blas import BLAS
    return BLAS


MLC_DIALECTS: dict[str, Callable[[], Dialect]] = {"mt": _mt, "loop": _loop, "ad": _ad, "blas": _blas}
XDSL_DIALECTS: tuple[str, ...] = ("builtin", "func", "arith", "math", "memref", "scf")
"""The xDSL dialects mlc's stages use, by their names in `xdsl.dialects.get_all_dialects()`."""


def all_dialects() -> list[Dialect]:
    """Every dialect mlc's IR uses, xDSL's first."""
    from xdsl.dialects import get_all_dialects

    xdsl = get_all_dialects()
    return [xdsl[name]() for name in XDSL_DIALECTS] + [factory() for factory in MLC_DIALECTS.values()]
