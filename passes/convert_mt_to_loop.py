"""`convert-mt-to-loop`: bufferize `mt` functions into `loop` kernels over memrefs.

Every `mt` value gets a buffer: elementwise ops, reductions and `dot` allocate a fresh
contiguous result and run one `loop` kernel; dimshuffle, slicing and reshape become
views (no copy). Dynamic sizes are checked at run time by `loop.check` ops whose
messages name the op, the user's source line and, where known, the input. Function
results are handed to the runtime with `loop.alloc_output` (written in place when the
value is a fresh buffer, copied otherwise), so outputs are always fresh arrays.

    %r = mt.exp %x : tensor<?xf64> -> tensor<?xf64>
  ->
    %n = memref.dim %x, %c0 : memref<?xf64, strided<[?], offset: ?>>
    %r = loop.alloc_output(%n) {index = 0 : i64} : memref<?xf64>
    loop.elemwise ins(%x : ...) outs(%r : memref<?xf64>) { ... math.exp ... }
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import IntegerAttr, ModuleOp, TensorType, i64
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass

from mlc.dialects import loop
from mlc.passes.mt_to_loop import LOWERINGS
from mlc.passes.mt_to_loop.builder import FuncLowering, bind_results, elemwise_kernel
from mlc.passes.mt_to_loop.sizes import drop_dead_buffers


def _lower_results(L: FuncLowering, ret: func.ReturnOp) -> list[SSAValue]:
    """Hand every result to the runtime: fresh buffers become outputs in place (a buffer
    returned twice is copied the second time). One pass over the results and the ops."""
    outs: list[SSAValue] = []
    moved: dict[SSAValue, SSAValue] = {}  # fresh buffer -> the output that replaced it
    replaced: dict[Operation, Operation] = {}  # its alloc -> the loop.alloc_output
    for k, v in enumerate(ret.operands):
        m = moved.get(L.buf[v], L.buf[v])
        t = L.memref_type(m)
        ty = loop.contiguous_type(t.element_type, t.get_shape())
        dyn = [s for s, d in zip(L.sizes(m), t.get_shape()) if d < 0]
        new = loop.AllocOutputOp.create(operands=dyn, result_types=[ty],
                                        properties={"index": IntegerAttr(k, i64)})
        alloc = L.fresh.pop(m, None)
        if alloc is not None:
            new.location = alloc.location
            replaced[alloc] = new
            alloc.drop_all_references()  # else its size operands keep a detached user
            res = new.results[0]
            m.replace_all_uses_with(res)
            L.set_sizes(res, L.sizes(m))
            moved[m] = res
            outs.append(res)
        else:
            out = L.emit(new)
            elemwise_kernel(L, [m], out, [], lambda sb, a: a[0])
            outs.append(out)
    if replaced:
        L.ops = [replaced.get(op, op) for op in L.ops]
    return outs


def lower_func(f: func.FuncOp) -> func.FuncOp:
    old = f.body.block
    arg_types = [loop.strided_type(a.type.element_type, a.type.get_shape())  # type: ignore[attr-defined]
                 if isinstance(a.type, TensorType) else a.type for a in old.args]
    block = Block(arg_types=arg_types)
    L = FuncLowering()
    for a, b in zip(old.args, block.args):
        b.name_hint = a.name_hint
        L.buf[a] = b
    outs: list[SSAValue] = []
    for op in old.ops:
        L.location = op.location
        if isinstance(op, func.ReturnOp):
            outs = _lower_results(L, op)
            L.emit(func.ReturnOp(*outs))
        else:
            bind_results(L, op, LOWERINGS[type(op)](L, op))
    block.add_ops(drop_dead_buffers(L.ops))
    new = func.FuncOp(f.sym_name.data, (arg_types, [o.type for o in outs]), Region(block))
    new.location = f.location
    return new


@dataclass(frozen=True)
class ConvertMtToLoopPass(ModulePass):
    """Bufferize every `mt` function into `loop` kernels, views and runtime checks."""

    name = "convert-mt-to-loop"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for f in [f for f in op.ops if isinstance(f, func.FuncOp) and not f.is_declaration]:
            new = lower_func(f)
            op.body.block.insert_op_before(new, f)
            f.detach()
            f.erase(safe_erase=False)
