"""`convert-loop-to-scf`: outline every `loop` kernel into its own function of `scf.for`
nests over `memref.load`/`memref.store`, called from the original function.

One function per kernel is what keeps gcc fast (DESIGN.md: compile time is superlinear
in function size). Scalars that a kernel body uses from outside become extra arguments.
View, check and allocation ops of the `loop` dialect are left for the emitter.

    loop.elemwise ins(%x : memref<?xf64>) outs(%o : memref<?xf64>) { math.exp }
  ->
    func.func private @main_k0(%x: memref<?xf64>, %o: memref<?xf64>) {
      scf.for %i = %c0 to %n step %c1 {
        %v = memref.load %x[%i]  %e = math.exp %v  memref.store %e, %o[%i]
      }
    }
    func.call @main_k0(%x, %o) : (memref<?xf64>, memref<?xf64>) -> ()
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from xdsl.context import Context
from xdsl.dialects import arith, func, memref, scf
from xdsl.dialects.builtin import DYNAMIC_INDEX, FloatAttr, IndexType, IntegerAttr, IntegerType, ModuleOp
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass

from mlc.dialects import loop
from mlc.passes.indexing_kernels import INDEXING_KERNELS
from mlc.passes.scf_random import RANDOM_KERNELS
from mlc.passes.scf_structure2 import STRUCTURE2_KERNELS

MAX_NEST = 8
"""Deepest scf.for nest a kernel gets; higher ranks share a flat outer loop."""

Body = Callable[[list[Operation], list[SSAValue], list[SSAValue]], list[SSAValue]]
"""Builds the innermost ops given (ops to append to, loop ivs, carried values) and
returns the values to carry on (empty for plain nests)."""


def free_values(op: Operation) -> list[SSAValue]:
    """Values used inside op's regions but defined outside op, in first-use order."""
    inside: set[SSAValue] = set()
    seen: dict[SSAValue, None] = {}
    for inner in op.walk():
        if inner is op:
            continue
        for region in inner.regions:
            for block in region.blocks:
                inside.update(block.args)
        inside.update(inner.results)
    for region in op.regions:
        for block in region.blocks:
            inside.update(block.args)
    for inner in op.walk():
        if inner is op:
            continue
        for v in inner.operands:
            if v not in inside:
                seen.setdefault(v)
    return list(seen)


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
            total = _emit(ops, arith.MuliOp(total, ub))

        def delinearize(ops2: list[Operation], flat_iv: list[SSAValue], carried2: list[SSAValue]):
            ivs, rem = [], flat_iv[0]
            for ub in reversed(lead[1:]):
                ivs.append(_emit(ops2, arith.RemUIOp(rem, ub)))
                rem = _emit(ops2, arith.DivUIOp(rem, ub))
            ivs.append(rem)
            return self.nest(ops2, rest, carried2, body, ivs[::-1])
        return self.nest(ops, [total], carried, delinearize, [])


def _emit(ops: list[Operation], op: Operation) -> SSAValue:
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


def _elemwise(kb: KernelBuilder, op: loop.ElemwiseOp, ins, out, mapping) -> None:
    def body(ops, ivs, carried):
        loads = [memref.LoadOp.get(m, ivs) for m in ins]
        ops.extend(loads)
        r = inline_body(ops, op.body, [l.res for l in loads], mapping, ivs)
        ops.append(memref.StoreOp.get(r, out, ivs))
        return []
    kb.nest(kb.ops, kb.sizes(out), [], body)


def _reduce(kb: KernelBuilder, op: loop.ReduceOp, ins, out, mapping) -> None:
    axes = op.get_axes()
    x = ins[0]
    in_sizes = kb.sizes(x)
    rank = len(in_sizes)
    kept = [a for a in range(rank) if a not in axes]
    init = kb.add(arith.ConstantOp(op.init))

    def outer(ops, kept_ivs, _):
        def inner(ops2, red_ivs, carried):
            pos = dict(zip(kept, kept_ivs)) | dict(zip(axes, red_ivs))
            full = [pos[a] for a in range(rank)]
            loads = [memref.LoadOp.get(m, full) for m in ins]  # every input in x's index space
            ops2.extend(loads)
            return [inline_body(ops2, op.body, [carried[0], *(l.res for l in loads)], mapping, full)]
        acc = kb.nest(ops, [in_sizes[a] for a in axes], [init], inner)[0]
        if acc.type != out.type.element_type:  # a wider accumulator (float32 sums)
            acc = _narrow(ops, acc, out.type.element_type)
        ops.append(memref.StoreOp.get(acc, out, kept_ivs))
        return []
    kb.nest(kb.ops, [in_sizes[a] for a in kept], [], outer)


def _matmul(kb: KernelBuilder, op: loop.MatmulOp, ins, out, mapping) -> None:
    a, b = ins
    a_sizes, b_sizes = kb.sizes(a), kb.sizes(b)
    el = a.type.element_type
    zero = IntegerAttr(0, el) if isinstance(el, IntegerType) else FloatAttr(0.0, el)
    init = kb.add(arith.ConstantOp(zero))
    n_rows = len(a_sizes) - 1

    def outer(ops, out_ivs, _):
        def inner(ops2, k_iv, carried):
            la = memref.LoadOp.get(a, out_ivs[:n_rows] + k_iv)
            lb = memref.LoadOp.get(b, k_iv + out_ivs[n_rows:])
            ops2.extend([la, lb])
            return [inline_body(ops2, op.body, [carried[0], la.res, lb.res], mapping, out_ivs + k_iv)]
        acc = kb.nest(ops, [a_sizes[-1]], [init], inner)
        ops.append(memref.StoreOp.get(acc[0], out, out_ivs))
        return []
    kb.nest(kb.ops, kb.sizes(out), [], outer)


def _narrow(ops: list[Operation], v: SSAValue, to: Attribute) -> SSAValue:
    op = arith.TruncFOp(v, to)
    ops.append(op)
    return op.result


KERNELS: dict[type, Callable] = {
    loop.ElemwiseOp: _elemwise, loop.ReduceOp: _reduce, loop.MatmulOp: _matmul,
    **INDEXING_KERNELS, **STRUCTURE2_KERNELS, **RANDOM_KERNELS,
}


def outline(op: loop.KernelOp, name: str) -> tuple[func.FuncOp, func.CallOp]:
    buffers = list(op.inputs) + [op.output]
    scalars = free_values(op)
    args = buffers + scalars
    block = Block(arg_types=[v.type for v in args])
    for a, v in zip(block.args, args):
        a.name_hint = v.name_hint
    kb = KernelBuilder(block)
    n = len(op.inputs)
    mapping = dict(zip(scalars, block.args[n + 1:]))
    KERNELS[type(op)](kb, op, list(block.args[:n]), block.args[n], mapping)
    kb.ops.append(func.ReturnOp())
    block.add_ops(kb.ops)
    kernel = func.FuncOp(name, ([v.type for v in args], []), Region(block), "private")
    return kernel, func.CallOp(name, args, [])


@dataclass(frozen=True)
class ConvertLoopToScfPass(ModulePass):
    """Outline each loop kernel into a private function of scf.for nests."""

    name = "convert-loop-to-scf"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for f in [f for f in op.ops if isinstance(f, func.FuncOp)]:
            kernels = [k for k in f.walk() if isinstance(k, loop.KernelOp)]
            for i, k in enumerate(kernels):
                kernel, call = outline(k, f"{f.sym_name.data}_k{i}")
                kernel.location = call.location = k.location
                op.body.block.insert_op_before(kernel, f)
                k.parent_block().insert_op_before(call, k)  # type: ignore[union-attr]
                k.detach()
                k.erase()
