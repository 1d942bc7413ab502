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

The kernel rules, one module per op family, are in passes/loop_to_scf/.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass

from mlc.dialects import loop
from mlc.passes.loop_to_scf import KERNELS
from mlc.passes.loop_to_scf.builder import KernelBuilder


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
