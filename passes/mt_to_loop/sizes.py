"""Symbolic sizes in `convert-mt-to-loop`: reading 0-d int64 size operands as `index`
values, checking user-given sizes at run time, and dropping buffers nobody reads.

A size operand is usually `x.shape[i]`, a constant, or a little arithmetic on those.
`size_index` reads such values straight from the buffer descriptors (no load), so the
`mt.shape` buffer they came from is often left unread; `drop_dead_buffers` then removes
it, with its stores and the kernels that only fill it:

    %s = mt.shape %x   %n = mt.subtensor %s {squeeze 0}   %z = mt.alloc %c, %n
  ->
    %n = memref.dim %x, %c0      %z = memref.alloc(%n)      (no shape buffer)
"""

from __future__ import annotations

from typing import Sequence

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import (IndexType)
from xdsl.ir import Operation, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.dialects.mt.structure import SIZE_TYPE
from mlc.passes.mt_to_loop.builder import FuncLowering, where


MAX_ELEMENTS = 2**60
"""Largest element count of a buffer whose sizes come from user values: its byte size
then fits in 63 bits for every dtype, so no size computation can wrap."""


_ARITH = {mt.AddOp: arith.AddiOp, mt.SubOp: arith.SubiOp, mt.MulOp: arith.MuliOp}


def size_index(L: FuncLowering, v: SSAValue) -> SSAValue:
    """The `index` value of a 0-d int64 mt value (a size operand)."""
    owner = v.owner
    if isinstance(owner, mt.ConstantOp):
        return L.index(int(owner.array()))
    dim = _shape_entry(owner)
    if dim is not None:
        return L.sizes(L.buf[dim[0]])[dim[1]]
    if type(owner) in _ARITH and all(o.type == SIZE_TYPE for o in owner.operands):  # type: ignore[union-attr]
        a, b = (size_index(L, o) for o in owner.operands)  # type: ignore[union-attr]
        return L.emit(_ARITH[type(owner)](a, b))  # type: ignore[index]
    value = L.emit(memref.LoadOp.get(L.buf[v], []))
    return L.emit(arith.IndexCastOp(value, IndexType()))


def _shape_entry(op: object) -> tuple[SSAValue, int] | None:
    """(x, i) when op is `mt.subtensor` taking entry i of `mt.shape %x`."""
    if not isinstance(op, mt.SubtensorOp) or not isinstance(op.input.owner, mt.ShapeOp):
        return None
    p = op.params()
    if p["squeeze"] != (0,):
        return None
    x = op.input.owner.input
    rank = x.type.get_num_dims()  # type: ignore[attr-defined]
    return x, p["starts"][0] % rank


def check_sizes(L: FuncLowering, op: Operation, sizes: Sequence[SSAValue]) -> None:
    """ValueError unless every size is >= 0 and the buffer stays below MAX_ELEMENTS
    (sizes read from buffer descriptors are known to be >= 0)."""
    dynamic = [s for s in sizes if not isinstance(s.owner, arith.ConstantOp)]
    for k, s in enumerate(dynamic):
        if isinstance(s.owner, memref.DimOp) or s in dynamic[:k]:
            continue
        ok = L.emit(arith.CmpiOp(s, L.index(0), "sge"))
        L.check(ok, [s], f"{op.name}{where(op)}: negative dimensions are not allowed (got {{0}})")
    if dynamic:
        checked_product(L, op, sizes)


def checked_product(L: FuncLowering, op: Operation, sizes: Sequence[SSAValue]) -> SSAValue:
    """The product of non-negative `sizes`, with a ValueError when the product of their
    non-zero entries exceeds MAX_ELEMENTS (so loops over them stay bounded)."""
    bound = L.index(1)
    for s in sizes:
        factor = L.emit(arith.MaxSIOp(s, L.index(1)))
        room = L.emit(arith.DivUIOp(L.index(MAX_ELEMENTS), factor))
        ok = L.emit(arith.CmpiOp(bound, room, "ule"))
        L.check(ok, [], f"{op.name}{where(op)}: array is too big (more than 2**60 elements)")
        bound = L.emit(arith.MuliOp(bound, factor))
    return L.product(sizes)


def alloc_result(L: FuncLowering, op: Operation, sizes: Sequence[SSAValue]) -> SSAValue:
    """A fresh buffer typed like op's (single) result, with the given sizes."""
    t = op.results[0].type
    return L.alloc(t.element_type, dt.shape_of(t), sizes)  # type: ignore[attr-defined, arg-type]


def select_index(L: FuncLowering, cond: SSAValue, a: SSAValue, b: SSAValue) -> SSAValue:
    return L.emit(arith.SelectOp(cond, a, b))


def drop_dead_buffers(ops: list[Operation]) -> list[Operation]:
    """`ops` without the buffers that nothing reads: fresh allocations and views whose
    only uses are stores into them, kernels writing them, or other dead views."""
    dead: set[Operation] = set()
    for op in reversed(ops):
        if not isinstance(op, (memref.AllocOp, loop.ViewOp)):
            continue
        users = [u.operation for u in op.results[0].uses]
        # a write into a view writes its source buffer: only fresh buffers die by writes
        written_only = isinstance(op, memref.AllocOp)
        if all(u in dead or written_only and _writes_only(u, op.results[0]) for u in users):
            dead.add(op)
            dead.update(users)
    for op in dead:
        op.drop_all_references()
    return [op for op in ops if op not in dead]


def _writes_only(user: Operation, buf: SSAValue) -> bool:
    if isinstance(user, memref.StoreOp):
        return user.memref is buf and user.value is not buf
    if isinstance(user, loop.KernelOp):
        return user.output is buf and buf not in user.inputs
    return False
