"""`fuse-elemwise`: merge chains of `loop.elemwise` kernels into one pass over memory.

Runs on loop-level IR, after `convert-mt-to-loop` and before `convert-loop-to-scf`.
A producer kernel A whose output is a fresh `memref.alloc` M that only one consumer
kernel B reads (directly, as one or more of its `ins`) is inlined into B: the fused
kernel reads B's other inputs and A's inputs (each distinct buffer once), computes A's
body, then B's body with M's element replaced by A's scalar; A and M disappear.
Applied in program order, a chain of kernels ends up as one.

    %m = memref.alloc(%n) : memref<?xf64>
    loop.elemwise ins(%x : memref<?xf64>) outs(%m : memref<?xf64>) {
    ^bb0(%a : f64):
      %e = math.exp %a : f64
      loop.yield %e : f64
    }
    loop.elemwise ins(%m, %y : memref<?xf64>, memref<?xf64>) outs(%o : memref<?xf64>) {
    ^bb0(%b : f64, %c : f64):
      %s = arith.addf %b, %c : f64
      loop.yield %s : f64
    }
  ->
    loop.elemwise ins(%y, %x : memref<?xf64>, memref<?xf64>) outs(%o : memref<?xf64>) {
    ^bb0(%c : f64, %a : f64):
      %e = math.exp %a : f64
      %s = arith.addf %e, %c : f64
      loop.yield %s : f64
    }

Fusion moves A's reads of its inputs to B's position, interleaved with B's writes, so
it is refused unless that cannot change a value: A and B sit in the same block (A
first), nothing between A and B writes a buffer that A reads, and B's output is not
(a view of) a buffer that A reads. A and B have the same iteration space: M has B's
output's static shape, and its dynamic sizes equal B's by the contract of
`loop.elemwise` (every input has the output's sizes, which the `loop.check`s that
`convert-mt-to-loop` emits before B establish at run time; they stay where they are).
A broadcast or any other view of M is not a direct read: A is then left alone (its
elements would be recomputed once per broadcast copy).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import memref
from xdsl.dialects.builtin import MemRefType, ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass

from mlc.dialects import loop

_NO_WRITE = (loop.ViewOp, loop.CheckOp, loop.ConstantOp, loop.AllocOutputOp, memref.AllocOp,
             memref.DimOp, memref.LoadOp)
"""Ops that take buffers but never write them (everything else is assumed to write)."""


def base_buffer(v: SSAValue) -> SSAValue:
    """The buffer that a view (of a view ...) looks into."""
    while isinstance(v.owner, loop.ViewOp):
        v = v.owner.source  # type: ignore[attr-defined]
    return v


def written_buffers(op: Operation) -> set[SSAValue]:
    """Base buffers that op (or any op nested in it) may write; conservative."""
    out: set[SSAValue] = set()
    for inner in op.walk():
        if isinstance(inner, loop.KernelOp):
            out.add(base_buffer(inner.output))
        elif isinstance(inner, memref.StoreOp):
            out.add(base_buffer(inner.memref))
        elif not isinstance(inner, _NO_WRITE):
            out.update(base_buffer(v) for v in inner.operands if isinstance(v.type, MemRefType))
    return out


def _producer(m: SSAValue, consumer: loop.ElemwiseOp) -> loop.ElemwiseOp | None:
    """The elemwise kernel A that fills fresh buffer m, when consumer is m's only reader."""
    if not isinstance(m.owner, memref.AllocOp):
        return None
    users = {u.operation for u in m.uses}
    writers = [u for u in users if u is not consumer]
    if len(writers) != 1 or not isinstance(writers[0], loop.ElemwiseOp):
        return None
    a = writers[0]
    if a.output is not m or m in a.inputs or consumer.output is m:
        return None
    return a


def _can_fuse(a: loop.ElemwiseOp, b: loop.ElemwiseOp, m: SSAValue) -> bool:
    block = b.parent_block()
    if block is None or a.parent_block() is not block:
        return False
    if m.type.get_shape() != b.output.type.get_shape():  # type: ignore[attr-defined]
        return False
    reads = {base_buffer(v) for v in a.inputs}
    if base_buffer(b.output) in reads:
        return False
    op = a.next_op
    while op is not None and op is not b:
        if written_buffers(op) & reads:
            return False
        op = op.next_op
    return op is b


def fuse(a: loop.ElemwiseOp, b: loop.ElemwiseOp, m: SSAValue) -> loop.ElemwiseOp:
    """Replace b by one kernel computing a's body then b's; erase a and m."""
    inputs: list[SSAValue] = []
    for v in [v for v in b.inputs if v is not m] + list(a.inputs):
        if v not in inputs:
            inputs.append(v)
    block = Block(arg_types=[v.type.element_type for v in inputs])  # type: ignore[attr-defined]
    arg_of = dict(zip(inputs, block.args))
    mapping: dict[SSAValue, SSAValue] = {x: arg_of[v] for x, v in zip(a.body.block.args, a.inputs)}
    produced = _clone_body(block, a.body.block, mapping)
    mapping = {x: (produced if v is m else arg_of[v]) for x, v in zip(b.body.block.args, b.inputs)}
    block.add_op(loop.YieldOp(_clone_body(block, b.body.block, mapping)))
    fused = loop.ElemwiseOp(inputs, b.output, Region(block), dict(b.properties))
    fused.location = b.location
    b.parent_block().insert_op_before(fused, b)  # type: ignore[union-attr]
    for dead in (b, a, m.owner):
        dead.detach()  # type: ignore[union-attr]
        dead.erase()  # type: ignore[union-attr]
    return fused


def _clone_body(dest: Block, body: Block, mapping: dict[SSAValue, SSAValue]) -> SSAValue:
    """Clone body's ops (but its yield) into dest; returns the yielded value."""
    for op in body.ops:
        if isinstance(op, loop.YieldOp):
            return mapping.get(op.values[0], op.values[0])
        dest.add_op(op.clone(value_mapper=mapping))
    raise ValueError("loop.elemwise body has no loop.yield")


def fuse_into(b: loop.ElemwiseOp) -> tuple[loop.ElemwiseOp, bool]:
    """Fuse b with one fusable producer; returns (the kernel now at b's place, changed)."""
    for m in dict.fromkeys(b.inputs):
        a = _producer(m, b)
        if a is not None and _can_fuse(a, b, m):
            return fuse(a, b, m), True
    return b, False


@dataclass(frozen=True)
class FuseElemwisePass(ModulePass):
    """Fuse producer/consumer `loop.elemwise` kernels to a fixed point."""

    name = "fuse-elemwise"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        changed = True
        while changed:
            changed = False
            for b in [k for k in op.walk() if isinstance(k, loop.ElemwiseOp)]:
                if b.parent is None:
                    continue
                fused = True
                while fused:
                    b, fused = fuse_into(b)
                    changed |= fused
