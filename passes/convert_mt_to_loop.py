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
from typing import Callable

from xdsl.context import Context
from xdsl.dialects import arith, func, memref
import numpy as np
from xdsl.dialects.builtin import IndexType, IntegerAttr, ModuleOp, StringAttr, TensorType, i64
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.dialects.mt.base import int_array
from mlc.passes.lower_advanced import ADVANCED_LOWERINGS
from mlc.passes.lower_generate import GENERATE_LOWERINGS
from mlc.passes.lower_indexing import INDEXING_LOWERINGS
from mlc.passes.lower_nnet import NNET_LOWERINGS
from mlc.passes.lower_random_choice import RANDOM_LOWERINGS
from mlc.passes.lower_map import lower_map
from mlc.passes.lower_sizes import drop_dead_buffers
from mlc.passes.lower_sortscan import SORTSCAN_LOWERINGS
from mlc.passes.lower_structure2 import STRUCTURE2_LOWERINGS
from mlc.passes.lowering_context import FuncLowering, copy_to_fresh, describe, elemwise_kernel, where
from mlc.passes.reduce_rules import lower_dot, lower_reduce
from mlc.passes.scalar_rules import SCALAR_RULES, ScalarBuilder, compute_dtypes

Lowering = Callable[[FuncLowering, Operation], SSAValue]


def _view_type(op: Operation) -> loop.MemRefType:
    t = op.results[0].type
    return loop.strided_type(t.element_type, t.get_shape())  # type: ignore[attr-defined]


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


def lower_elemwise(L: FuncLowering, op: Operation) -> SSAValue:
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
    rule = SCALAR_RULES[type(op)]

    def body(sb: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        return rule(sb, [sb.convert(a, s, d) for a, s, d in zip(args, src, conv_to)], cdtype)

    elemwise_kernel(L, ins, out, src, body)
    return out


def lower_pow(L: FuncLowering, op: mt.PowOp) -> SSAValue:
    """x ** y, and for integers NumPy's error when an exponent is negative: a min
    reduction over y (skipped when y is a constant without negative values)."""
    out = lower_elemwise(L, op)
    ydtype = dt.dtype_of(op.rhs.type)
    if dt.is_float(dt.dtype_of(op.result.type)) or ydtype == "bool":
        return out
    if isinstance(op.rhs.owner, mt.ConstantOp) and (op.rhs.owner.array() >= 0).all():
        return out
    y = L.buf[op.rhs]
    el = dt.elem_type(ydtype)
    low = L.alloc(el, (), [])
    block = Block(arg_types=[el, el])
    sb = ScalarBuilder()
    smallest = SCALAR_RULES[mt.MinimumOp](sb, list(block.args), ydtype)
    block.add_ops([*sb.ops, loop.YieldOp(smallest)])
    props = {"axes": int_array(range(len(dt.shape_of(op.rhs.type)))),
             "init": IntegerAttr(int(np.iinfo(ydtype).max), el)}
    L.emit(loop.ReduceOp([y], low, Region(block), props))
    value = L.emit(memref.LoadOp.get(low, []))
    ok = L.emit(arith.CmpiOp(value, L.emit(arith.ConstantOp(IntegerAttr(0, el))), "sge"))
    L.check(ok, [L.emit(arith.IndexCastOp(value, IndexType()))],
            f"{op.name}{where(op)}: integers to negative integer powers are not allowed "
            f"({describe(op.rhs, 1)} holds {{0}})")
    return out


def lower_constant(L: FuncLowering, op: mt.ConstantOp) -> SSAValue:
    t = op.result.type
    ty = loop.contiguous_type(t.element_type, t.get_shape())
    return L.emit(loop.ConstantOp.create(properties={"value": op.value}, result_types=[ty]))


def lower_dimshuffle(L: FuncLowering, op: mt.DimShuffleOp) -> SSAValue:
    return L.emit(loop.DimShuffleOp.create(
        operands=[L.buf[op.input]], result_types=[_view_type(op)],
        properties={"pattern": int_array(op.params()["pattern"])}))


def lower_subtensor(L: FuncLowering, op: mt.SubtensorOp) -> SSAValue:
    props = {k: int_array(v) for k, v in op.params().items()}
    props["error"] = StringAttr(f"{op.name}{where(op)}: index {{0}} is out of bounds for "
                                f"axis {{1}} with size {{2}}")
    return L.emit(loop.SubviewOp.create(operands=[L.buf[op.input]],
                                        result_types=[_view_type(op)], properties=props))


def lower_reshape(L: FuncLowering, op: mt.ReshapeOp) -> SSAValue:
    src = L.buf[op.input]
    if not loop.is_contiguous(L.memref_type(src)):
        src = copy_to_fresh(L, src)
    target = op.params()["shape"]
    known = 1
    for s in target:
        known *= s if s != -1 else 1
    total = L.product(L.sizes(src))
    msg = f"{op.name}{where(op)}: cannot reshape an array of size {{0}} into shape {tuple(target)}"
    if -1 in target:
        ok = known != 0
        rem = L.emit(arith.RemUIOp(total, L.index(max(known, 1))))
        cond = L.emit(arith.CmpiOp(rem, L.index(0), "eq") if ok else
                      arith.CmpiOp(total, total, "ne"))  # shape (0, -1) is never valid
        L.check(cond, [total], msg)
        inferred = L.emit(arith.DivUIOp(total, L.index(max(known, 1))))
        sizes = [inferred if s == -1 else L.index(s) for s in target]
    else:
        L.check(L.emit(arith.CmpiOp(total, L.index(known), "eq")), [total], msg)
        sizes = [L.index(s) for s in target]
    t = op.result.type
    ty = loop.contiguous_type(t.element_type, t.get_shape())
    out = L.emit(loop.ReshapeOp.create(operands=[src, *sizes], result_types=[ty]))
    L.set_sizes(out, sizes)
    return out


def lower_shape(L: FuncLowering, op: mt.ShapeOp) -> SSAValue:
    sizes = L.sizes(L.buf[op.input])
    out = L.alloc(i64, (len(sizes),), [L.index(len(sizes))])
    for k, s in enumerate(sizes):
        v = L.emit(arith.IndexCastOp(s, i64))
        L.emit(memref.StoreOp.get(v, out, [L.index(k)]))
    return out


LOWERINGS: dict[type, Lowering] = {
    **{cls: lower_elemwise for cls in mt.ELEMWISE_OPS},
    **{cls: lower_reduce for cls in mt.REDUCE_OPS},
    mt.PowOp: lower_pow,
    mt.DotOp: lower_dot,
    mt.ConstantOp: lower_constant,
    mt.DimShuffleOp: lower_dimshuffle,
    mt.SubtensorOp: lower_subtensor,
    **INDEXING_LOWERINGS, **ADVANCED_LOWERINGS,
    **RANDOM_LOWERINGS,
    **NNET_LOWERINGS,
    **STRUCTURE2_LOWERINGS, **GENERATE_LOWERINGS, **SORTSCAN_LOWERINGS,
    mt.ReshapeOp: lower_reshape,
    mt.ShapeOp: lower_shape,
    mt.SecondOp: lower_elemwise,
    mt.MapOp: lower_map,
    **{cls: (lambda L, op: L.buf[op.operands[0]]) for cls in mt.GRAD_IDENTITIES},
}


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
            L.buf[op.results[0]] = LOWERINGS[type(op)](L, op)
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
