"""The builder of `convert-loop-to-scf`'s kernel functions: `KernelBuilder` appends the ops
of one outlined kernel and builds perfect `scf.for` nests over given bounds (a flat outer
loop above `MAX_NEST` dims); `inline_body` clones a kernel's scalar region at a position.
The rules of each kernel op, one module per op family, build on it.
"""

from __future__ import annotations

from typing import Callable, Sequence

from xdsl.dialects import arith, memref, scf
from xdsl.dialects.builtin import DYNAMIC_INDEX, IndexType, IntegerAttr
from xdsl.ir import Block, Operation, Region, SSAValue

from mlc.dialects import loop


MAX_NEST = 8
"""Deepest scf.for nest a kernel gets; higher ranks share a flat outer loop."""


Body = Callable[[list[Operation], list[SSAValue], list[SSAValue]], list[SSAValue]]
"""Builds the innermost ops given (ops to append to, loop ivs, carried values) and
returns the values to carry on (empty for plain nests)."""


class KernelBuilder:
    """Builds the body of one outlined kernel function."""

    def __init__(self, block: Block):
        self.block = block
        self.ops: list[Operation] = []
        self.zero = self.add(arith.ConstantOp(IntegerAttr(0, IndexType())))
        self.one = self.add(arith.ConstantOp(IntegerAttr(1, IndexType())))

    def add(self, op: Operation) -> SSAValue:
        self.ops.append(op)
        return op.results[0]

    def sizes(self, m: SSAValue) -> list[SSAValue]:
        out = []
        for i, d in enumerate(m.type.get_shape()):  # type: ignore[attr-defined]
            c = self.add(arith.ConstantOp(IntegerAttr(i if d == DYNAMIC_INDEX else d, IndexType())))
            out.append(self.add(memref.DimOp(m, c)) if d == DYNAMIC_INDEX else c)
        return out

    def nest(self, ops: list[Operation], ubs: Sequence[SSAValue], carried: list[SSAValue],
             body: Body, ivs: list[SSAValue] | None = None) -> list[SSAValue]:
        """A perfect scf.for nest over [0, ub) for each ub; returns the carried results.
        Above MAX_NEST loops, the leading dims share one flat loop (see flat_nest)."""
        if ivs is None and len(ubs) > MAX_NEST:
            return self.flat_nest(ops, ubs, carried, body)
        ivs = list(ivs or [])
        if not ubs:
            return body(ops, ivs, carried)
        block = Block(arg_types=[IndexType()] + [v.type for v in carried])
        inner: list[Operation] = []
        results = self.nest(inner, ubs[1:], list(block.args[1:]), body, ivs + [block.args[0]])
        inner.append(scf.YieldOp(*results))
        block.add_ops(inner)
        loop_op = scf.ForOp(self.zero, ubs[0], self.one, carried, block)
        ops.append(loop_op)
        return list(loop_op.results)


    def flat_nest(self, ops: list[Operation], ubs: Sequence[SSAValue], carried: list[SSAValue],
                  body: Body) -> list[SSAValue]:
        """The nest with its leading len(ubs) - MAX_NEST + 1 dims collapsed into one loop
        over their product, the indices recovered by div/rem once per flat step: the
        nesting depth (and gcc's time, superlinear in it) stays at MAX_NEST whatever the
        rank. A zero size makes the product zero, so no division by zero runs."""
        lead, rest = list(ubs[:len(ubs) - MAX_NEST + 1]), list(ubs[len(ubs) - MAX_NEST + 1:])
        total = lead[0]
        for ub in lead[1:]:
            total = emit(ops, arith.MuliOp(total, ub))

        def delinearize(ops2: list[Operation], flat_iv: list[SSAValue], carried2: list[SSAValue]):
            ivs, rem = [], flat_iv[0]
            for ub in reversed(lead[1:]):
                ivs.append(emit(ops2, arith.RemUIOp(rem, ub)))
                rem = emit(ops2, arith.DivUIOp(rem, ub))
            ivs.append(rem)
            return self.nest(ops2, rest, carried2, body, ivs[::-1])
        return self.nest(ops, [total], carried, delinearize, [])


def emit(ops: list[Operation], op: Operation) -> SSAValue:
    ops.append(op)
    return op.results[0]


def inline_body(ops: list[Operation], region: Region, args: Sequence[SSAValue],
                mapping: dict[SSAValue, SSAValue], ivs: Sequence[SSAValue] = ()) -> SSAValue:
    """Clone a kernel's scalar body after `ops`, returning the yielded value;
    `loop.index {dim = d}` becomes the loop variable ivs[d]."""
    block = region.block
    mapping = dict(mapping)
    mapping.update(zip(block.args, args))
    for op in block.ops:
        if isinstance(op, loop.YieldOp):
            return mapping[op.values[0]]
        if isinstance(op, loop.IndexOp):
            mapping[op.result] = ivs[op.dim.value.data]
            continue
        new = op.clone(value_mapper=mapping)
        ops.append(new)
    raise ValueError("kernel body has no loop.yield")
