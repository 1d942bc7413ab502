"""Shared state of `convert-mt-to-loop` while it rewrites one function.

`FuncLowering` maps each `mt` value to the memref that holds it, appends the new ops in
order (with the `mt` op's source location), caches index constants and buffer sizes,
and builds the runtime checks whose messages name the op and the user's source line
(or template tokens for them: passes/emit/messages.py).


`lower_elemwise` is the lowering every elementwise op shares: operands broadcast as views,
one `loop.elemwise` whose body is the op's scalar rule.
"""

from __future__ import annotations

from typing import Callable, Sequence

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import (DYNAMIC_INDEX, IndexType, IntegerAttr, MemRefType, StringAttr)
from xdsl.ir import Attribute, Block, BlockArgument, Operation, Region, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop
from mlc.passes.emit.messages import input_text, input_token, site_of, where_text, where_token
from mlc.passes.mt_to_loop.scalar import Rule, ScalarBuilder, compute_dtypes


Lowering = Callable[["FuncLowering", Operation], SSAValue]


def where(op: Operation) -> str:
    """` (file.py:12)` for an op built from user code, else ''; a template token for an
    op with a site location (passes/emit/messages.py)."""
    site = site_of(op.location)
    return where_text(op.location) if site is None else where_token(site)


def describe(v: SSAValue, position: int) -> str:
    """How an error message names an operand: the user's input name when known (a
    template token for a block argument with a site location)."""
    if isinstance(v, BlockArgument):
        site = site_of(v.location)
        if site is not None:
            return input_token(site, position)
        if v.name_hint:
            return input_text(v.name_hint, position)
    return f"operand {position}"


class FuncLowering:
    """Builds the loop-level body of one function."""

    def __init__(self) -> None:
        self.ops: list[Operation] = []
        self.buf: dict[SSAValue, SSAValue] = {}
        self.fresh: dict[SSAValue, Operation] = {}
        self._sizes: dict[SSAValue, list[SSAValue]] = {}
        self._consts: dict[int, SSAValue] = {}
        self.location: Attribute | None = None

    def emit(self, op: Operation) -> SSAValue:
        if self.location is not None:
            op.location = self.location
        self.ops.append(op)
        return op.results[0] if op.results else None  # type: ignore[return-value]

    def index(self, n: int) -> SSAValue:
        if n not in self._consts:
            self._consts[n] = self.emit(arith.ConstantOp(IntegerAttr(n, IndexType())))
        return self._consts[n]

    def sizes(self, m: SSAValue) -> list[SSAValue]:
        """One index value per dim of memref m (constants for static dims)."""
        if m not in self._sizes:
            shape = m.type.get_shape()  # type: ignore[attr-defined]
            self._sizes[m] = [self.index(d) if d != DYNAMIC_INDEX
                              else self.emit(memref.DimOp(m, self.index(i)))
                              for i, d in enumerate(shape)]
        return self._sizes[m]

    def child(self) -> "FuncLowering":
        """A lowering of a nested region (a loop body): it sees this one's buffers, keeps
        its own ops, constants and size caches, and its buffers never become results."""
        sub = FuncLowering()
        sub.buf = dict(self.buf)
        sub.location = self.location
        return sub

    def set_sizes(self, m: SSAValue, sizes: Sequence[SSAValue]) -> None:
        self._sizes[m] = list(sizes)

    def alloc(self, elem: Attribute, shape: Sequence[int], sizes: Sequence[SSAValue]) -> SSAValue:
        """A fresh contiguous buffer (freed by the emitter, or handed to the runtime
        if it becomes a result)."""
        ty = loop.contiguous_type(elem, shape)
        dyn = [s for s, d in zip(sizes, shape) if d < 0]
        op = memref.AllocOp(dyn, [], ty)
        m = self.emit(op)
        self.fresh[m] = op
        self.set_sizes(m, sizes)
        return m

    def check(self, cond: SSAValue, values: Sequence[SSAValue], message: str,
              kind: str = "ValueError") -> None:
        self.emit(loop.CheckOp.create(
            operands=[cond, *values],
            properties={"kind": StringAttr(kind), "message": StringAttr(message)}))

    def check_equal(self, a: SSAValue, b: SSAValue, message: str) -> None:
        if a is b:
            return
        self.check(self.emit(arith.CmpiOp(a, b, "eq")), [a, b], message)

    def product(self, values: Sequence[SSAValue]) -> SSAValue:
        total = self.index(1)
        for v in values:
            total = self.emit(arith.MuliOp(total, v))
        return total

    def memref_type(self, m: SSAValue) -> MemRefType:
        return m.type  # type: ignore[return-value]


def bind_results(L: FuncLowering, op: Operation, lowered: SSAValue | list[SSAValue]) -> None:
    """Record the buffers a lowering returned for op's results (one, or a list for an op
    with several results such as `mt.scan`)."""
    for r, m in zip(op.results, lowered if isinstance(lowered, list) else [lowered]):
        L.buf[r] = m


def elemwise_kernel(L: FuncLowering, ins: list[SSAValue], out: SSAValue,
                    in_dtypes: list[str], body: Callable[[ScalarBuilder, list[SSAValue]], SSAValue]) -> None:
    """Emit `loop.elemwise ins(...) outs(out)` whose scalar body is built by `body`."""
    block = Block(arg_types=[v.type.element_type for v in ins])  # type: ignore[attr-defined]
    sb = ScalarBuilder()
    result = body(sb, list(block.args))
    block.add_ops(sb.ops + [loop.YieldOp(result)])
    L.emit(loop.ElemwiseOp(ins, out, Region(block)))


def copy_to_fresh(L: FuncLowering, m: SSAValue, elem=None, dtypes=("", "")) -> SSAValue:
    """A contiguous copy of buffer m, optionally converted between dtypes."""
    t = L.memref_type(m)
    out = L.alloc(elem or t.element_type, t.get_shape(), L.sizes(m))
    elemwise_kernel(L, [m], out, [], lambda sb, a: sb.convert(a[0], *dtypes) if elem else a[0])
    return out


def _broadcast_sizes(L: FuncLowering, op: Operation, ins: list[SSAValue]) -> list[SSAValue]:
    shape = dt.shape_of(op.results[0].type)
    sizes = []
    for axis, static in enumerate(shape):
        cands = [i for i, v in enumerate(op.operands) if dt.shape_of(v.type)[axis] != 1]
        size = L.index(static) if static >= 0 else L.sizes(ins[cands[0]])[axis]
        for i in cands:
            msg = (f"{op.name}{where(op)}: {describe(op.operands[i], i)} has size {{1}} along "
                   f"axis {axis} where the other operands have size {{0}}; a dimension "
                   "broadcasts only when its size is statically 1 (broadcastable)")
            L.check_equal(size, L.sizes(ins[i])[axis], msg)
        sizes.append(size)
    return sizes


def lower_elemwise(L: FuncLowering, op: Operation, rule: Rule) -> SSAValue:
    """Broadcast the operands (views), then one `loop.elemwise` whose body is `rule`."""
    ins = [L.buf[v] for v in op.operands]
    shape = dt.shape_of(op.results[0].type)
    sizes = _broadcast_sizes(L, op, ins)
    for i, v in enumerate(op.operands):
        if any(d == 1 and s != 1 for d, s in zip(dt.shape_of(v.type), shape)):
            ty = loop.strided_type(L.memref_type(ins[i]).element_type, shape)
            ins[i] = L.emit(loop.BroadcastOp.create(operands=[ins[i], *sizes], result_types=[ty]))
            L.set_sizes(ins[i], sizes)
    out = L.alloc(op.results[0].type.element_type, shape, sizes)  # type: ignore[attr-defined]
    conv_to, cdtype = compute_dtypes(op)  # type: ignore[arg-type]
    src = [dt.dtype_of(v.type) for v in op.operands]

    def body(sb: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        return rule(sb, [sb.convert(a, s, d) for a, s, d in zip(args, src, conv_to)], cdtype)

    elemwise_kernel(L, ins, out, src, body)
    return out


def elementwise(rule: Rule) -> Lowering:
    """The lowering of an elementwise op whose scalar body is `rule`."""
    return lambda L, op: lower_elemwise(L, op, rule)
