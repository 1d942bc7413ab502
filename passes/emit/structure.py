"""C of the structure ops that reach the emitter: `loop` views, descriptor arithmetic only.

Each handler derives the result's pointer, sizes and strides from the source descriptor:
broadcast = stride 0, dimshuffle = a permutation (new axes of size 1, stride 0), reshape
= contiguous strides of the new sizes, diagonal = one dim whose stride is the row stride
plus the column stride. No element is copied.
"""

from __future__ import annotations

from xdsl.ir import Operation

from mlc.dialects import loop
from mlc.passes.emit.writer import CWriter, Handler


def emit_broadcast(em: CWriter, op: loop.BroadcastOp) -> None:
    src = em.descs[op.source]
    shape = op.source.type.get_shape()
    strides = ["0" if d == 1 else st for d, st in zip(shape, src.strides)]
    em.set_desc(op.result, src.ptr, [em.name(s) for s in op.sizes], strides)


def emit_dimshuffle(em: CWriter, op: loop.DimShuffleOp) -> None:
    src = em.descs[op.source]
    pattern = op.pattern.get_values()
    sizes = ["1" if p == -1 else src.sizes[p] for p in pattern]
    strides = ["0" if p == -1 else src.strides[p] for p in pattern]
    em.set_desc(op.result, src.ptr, sizes, strides)


def emit_reshape(em: CWriter, op: loop.ReshapeOp) -> None:
    em.contiguous(op.result, em.descs[op.source].ptr, [em.name(s) for s in op.sizes])


def emit_diagonal(em: CWriter, op: loop.DiagonalOp) -> None:
    src = em.descs[op.source]
    row, col, length = (em.name(v) for v in (op.row, op.col, op.length))
    ptr = em.fresh("view")
    el = em.ctype(op.result.type.element_type)  # type: ignore[attr-defined]
    em.line(f"{el} *{ptr} = {src.ptr} + ({row} * {src.strides[0]} + {col} * {src.strides[1]});")
    stride = em.let("int64_t", f"{src.strides[0]} + {src.strides[1]}")
    em.set_desc(op.result, ptr, [length], [stride])


HANDLERS: dict[type[Operation], Handler] = {
    loop.BroadcastOp: emit_broadcast, loop.DimShuffleOp: emit_dimshuffle,
    loop.ReshapeOp: emit_reshape, loop.DiagonalOp: emit_diagonal,
}
