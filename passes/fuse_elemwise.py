"""`fuse-elemwise`: merge trees of `loop.elemwise` kernels into one pass over memory.

Runs on loop-level IR, after `convert-mt-to-loop` and before `convert-loop-to-scf`.
A producer kernel A whose output is a fresh `memref.alloc` M that only one consumer
kernel B reads (directly, as one or more of its `ins`) is inlined into B: the fused
kernel reads B's other inputs and A's inputs (each distinct buffer, or equal view of one,
once), computes A's body, then B's body with M's element replaced by A's scalar; A and M
disappear. The pass takes each kernel, last first, as the root of a group, gathers every
producer that can join it (producers of producers too), and builds the fused kernel once,
moving (not copying) each member's body ops into it: a chain or tree of n kernels costs
O(n log n), not one copy of the growing body per step.

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
    loop.elemwise ins(%x, %y : memref<?xf64>, memref<?xf64>) outs(%o : memref<?xf64>) {
    ^bb0(%a : f64, %c : f64):
      %e = math.exp %a : f64
      %s = arith.addf %e, %c : f64
      loop.yield %s : f64
    }

The fused kernel's inputs come in the order the unfused kernels read them (the root's
inputs, each fused buffer replaced by its producer's inputs). Its body holds the members'
bodies in program order.

Fusion moves A's reads of its inputs to the root's position, interleaved with the root's
writes, so it is refused unless that cannot change a value: A and the root sit in the same
block (A first, and before its consumer), nothing between A and the root writes a buffer
that A reads (looked up in a per-block index of write positions), and the root's output is
not (a view of) a buffer that A reads. A and the root have the same iteration space: M has
the root output's static shape, and its dynamic sizes equal the root's by the contract of
`loop.elemwise` (every input has the output's sizes, which the `loop.check`s that
`convert-mt-to-loop` emits establish at run time; they stay where they are). A broadcast
or any other view of M is not a direct read: A is then left alone (its elements would be
recomputed once per broadcast copy).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Hashable

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


@dataclass
class WriteIndex:
    """Positions of one block's ops, and for each base buffer the sorted positions of the
    ops that write it. Fusion keeps it valid: the fused kernel takes its root's position
    and writes the root's output; the members it absorbs wrote only their own scratch
    buffers, which nothing else reads (so their stale entries are never asked about)."""

    position: dict[Operation, int] = field(default_factory=dict)
    writes: dict[SSAValue, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, block: Block) -> "WriteIndex":
        index = cls()
        for i, op in enumerate(block.ops):
            index.position[op] = i
            for buf in written_buffers(op):
                index.writes.setdefault(buf, []).append(i)
        return index

    def written_between(self, buffers: set[SSAValue], first: Operation, last: Operation) -> bool:
        """Whether an op strictly between first and last writes one of buffers."""
        lo, hi = self.position[first], self.position[last]
        for buf in buffers:
            at = self.writes.get(buf, ())
            i = bisect_right(at, lo)  # type: ignore[arg-type]
            if i < len(at) and at[i] < hi:
                return True
        return False


def _producer(m: SSAValue, consumer: loop.ElemwiseOp) -> loop.ElemwiseOp | None:
    """The elemwise kernel A that fills fresh buffer m, when consumer is m's only reader."""
    if not isinstance(m.owner, memref.AllocOp):
        return None
    a = None
    for use in m.uses:  # stops at a second other user: a buffer read by many is not fused
        if use.operation is not consumer:
            if a is not None and use.operation is not a:
                return None
            a = use.operation
    if not isinstance(a, loop.ElemwiseOp) or a.output is not m or m in a.inputs \
            or consumer.output is m:
        return None
    return a


def _can_join(a: loop.ElemwiseOp, consumer: loop.ElemwiseOp, root: loop.ElemwiseOp,
              m: SSAValue, index: WriteIndex) -> bool:
    """Whether producer a (of m, read by consumer) can be computed at root's position."""
    if a.parent_block() is not root.parent_block():
        return False
    if m.type.get_shape() != root.output.type.get_shape():  # type: ignore[attr-defined]
        return False
    if not index.position[a] < index.position[consumer]:
        return False
    reads = {base_buffer(v) for v in a.inputs}
    return base_buffer(root.output) not in reads and not index.written_between(reads, a, root)


def fusion_group(root: loop.ElemwiseOp, index: WriteIndex) -> dict[SSAValue, loop.ElemwiseOp]:
    """Every producer that can join root's kernel, keyed by the scratch buffer it fills."""
    producers: dict[SSAValue, loop.ElemwiseOp] = {}
    pending = [root]
    while pending:
        consumer = pending.pop()
        for m in dict.fromkeys(consumer.inputs):
            if m in producers:
                continue
            a = _producer(m, consumer)
            if a is not None and _can_join(a, consumer, root, m, index):
                producers[m] = a
                pending.append(a)
    return producers


def _view_key(v: SSAValue) -> Hashable:
    """Equal views of one buffer (the same view op on the same operands) read the same
    elements; the fused kernel reads them once."""
    op = v.owner
    if not isinstance(op, loop.ViewOp):
        return v
    return (op.name, tuple(op.operands), tuple(sorted(op.properties.items())), v.type)


def external_inputs(root: loop.ElemwiseOp,
                    producers: dict[SSAValue, loop.ElemwiseOp]) -> dict[SSAValue, SSAValue]:
    """Each buffer the group reads from outside -> its representative (one per equal view),
    in the order the unfused kernels read them: root's inputs, a fused buffer replaced
    by its producer's inputs (an explicit stack: chains are thousands deep)."""
    first: dict[Hashable, SSAValue] = {}
    rep: dict[SSAValue, SSAValue] = {}
    expanded: set[SSAValue] = set()
    stack = [iter(root.inputs)]
    while stack:
        v = next(stack[-1], None)
        if v is None:
            stack.pop()
        elif v in producers:
            if v not in expanded:  # a buffer read twice is computed once
                expanded.add(v)
                stack.append(iter(producers[v].inputs))
        elif v not in rep:
            rep[v] = first.setdefault(_view_key(v), v)
    return rep


def _move_body(kernel: loop.ElemwiseOp, dest: Block, value_of: dict[SSAValue, SSAValue]) -> SSAValue:
    """Move kernel's body ops (but its yield) to the end of dest, its block arguments
    replaced by value_of[input]; returns the yielded scalar."""
    body = kernel.body.block
    for arg, v in zip(body.args, kernel.inputs):
        arg.replace_all_uses_with(value_of[v])
    for op in list(body.ops):
        if isinstance(op, loop.YieldOp):
            return op.values[0]
        op.detach()
        dest.add_op(op)
    raise ValueError("loop.elemwise body has no loop.yield")


def fuse_group(root: loop.ElemwiseOp, producers: dict[SSAValue, loop.ElemwiseOp],
               index: WriteIndex) -> loop.ElemwiseOp:
    """Replace root and its producers by one kernel at root's place; erase their buffers."""
    members = sorted([root, *producers.values()], key=index.position.__getitem__)
    rep = external_inputs(root, producers)
    inputs = list(dict.fromkeys(rep.values()))
    block = Block(arg_types=[v.type.element_type for v in inputs])  # type: ignore[attr-defined]
    value_of: dict[SSAValue, SSAValue] = dict(zip(inputs, block.args))
    value_of.update((v, value_of[r]) for v, r in rep.items())
    for kernel in members:
        value_of[kernel.output] = _move_body(kernel, block, value_of)
    block.add_op(loop.YieldOp(value_of[root.output]))
    fused = loop.ElemwiseOp(inputs, root.output, Region(block), dict(root.properties))
    fused.location = root.location
    root.parent_block().insert_op_before(fused, root)  # type: ignore[union-attr]
    index.position[fused] = index.position[root]
    for dead in [*members, *(m.owner for m in producers)]:
        dead.detach()  # type: ignore[union-attr]
        dead.erase()  # type: ignore[union-attr]
    return fused


@dataclass(frozen=True)
class FuseElemwisePass(ModulePass):
    """Fuse producer/consumer `loop.elemwise` kernels to a fixed point."""

    name = "fuse-elemwise"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        changed = True
        while changed:
            changed = False
            indexes: dict[Block, WriteIndex] = {}
            for root in reversed([k for k in op.walk() if isinstance(k, loop.ElemwiseOp)]):
                block = root.parent_block()
                if block is None:
                    continue
                index = indexes.get(block) or indexes.setdefault(block, WriteIndex.of(block))
                producers = fusion_group(root, index)
                if producers:
                    fuse_group(root, producers, index)
                    changed = True
