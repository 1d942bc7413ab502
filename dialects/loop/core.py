"""The core of `loop`, shared by every op family: the kernel base class, the two generic
kernels that lowerings of every family build, and the buffer plumbing.

After `convert-mt-to-loop` every tensor is a memref. Compute is expressed by kernel ops
(`KernelOp`) whose scalar body is a region of `arith`/`math` ops: `loop.elemwise` (a map)
and `loop.reduce` (a fold over axes) here, the other kernels in their family modules;
`convert-loop-to-scf` turns each kernel into its own function of `scf.for` nests. Kernel
bodies use `loop.yield`, `loop.index` and `loop.fmod`. The remaining ops manipulate buffer descriptors and survive down to
the C emitter: views (`loop.broadcast`, `loop.dimshuffle`, `loop.subview`, `loop.slice`,
`loop.reshape`) change sizes/strides/offset without copying; `loop.constant` is a
literal buffer; `loop.alloc_output` asks the runtime for result k; `loop.check` raises
a Python error by index when its condition is false.

    loop.elemwise ins(%a, %b : memref<?xf64>, memref<?xf64>) outs(%o : memref<?xf64>) {
    ^bb0(%x : f64, %y : f64):
      %s = arith.addf %x, %y : f64
      loop.yield %s : f64
    }
"""

from __future__ import annotations

from typing import ClassVar, Sequence

from xdsl.dialects.builtin import (
    AnyFloatConstr,
    DYNAMIC_INDEX,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    NoneAttr,
    StridedLayoutAttr,
    StringAttr,
)
from xdsl.ir import Attribute, Region, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    VarConstraint,
    irdl_op_definition,
    operand_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.traits import IsTerminator, Pure
from xdsl.utils.exceptions import VerifyException


def strided_type(elem: Attribute, shape: Sequence[int]) -> MemRefType:
    """A memref type with dynamic strides and offset: the type of every view."""
    layout = StridedLayoutAttr([None] * len(shape), None)
    return MemRefType(elem, _dims(shape), layout)


def contiguous_type(elem: Attribute, shape: Sequence[int]) -> MemRefType:
    return MemRefType(elem, _dims(shape))


def _dims(shape: Sequence[int]) -> list[int]:
    return [DYNAMIC_INDEX if d < 0 else d for d in shape]


def is_contiguous(t: MemRefType) -> bool:
    """Identity layout: row-major and dense (fresh buffers, constants, reshapes)."""
    return isinstance(t.layout, NoneAttr)


def _ints(attr: DenseArrayBase) -> tuple[int, ...]:
    return tuple(attr.get_values())  # type: ignore[arg-type]


@irdl_op_definition
class FModOp(IRDLOperation):
    """`loop.fmod %a, %b : f64`: C's fmod (the remainder of truncated division, exact).
    MLIR's arith.remf, which xDSL 0.74's arith lacks; mt.mod and mt.int_div need it."""

    name = "loop.fmod"
    T: ClassVar = VarConstraint("T", AnyFloatConstr)
    lhs = operand_def(T)
    rhs = operand_def(T)
    result = result_def(T)
    traits = traits_def(Pure())
    assembly_format = "$lhs `,` $rhs attr-dict `:` type($result)"

    def __init__(self, lhs: SSAValue, rhs: SSAValue):
        super().__init__(operands=[lhs, rhs], result_types=[lhs.type])


@irdl_op_definition
class YieldOp(IRDLOperation):
    """`loop.yield %v : f64`: the scalar result of a kernel body."""

    name = "loop.yield"
    values = var_operand_def()
    traits = traits_def(IsTerminator(), Pure())
    assembly_format = "$values attr-dict `:` type($values)"

    def __init__(self, *values: SSAValue):
        super().__init__(operands=[list(values)])


@irdl_op_definition
class IndexOp(IRDLOperation):
    """`loop.index {dim = d} : index`: inside a kernel body, the current position along
    dimension d of the kernel's iteration space (the output's index space)."""

    name = "loop.index"
    dim = prop_def(IntegerAttr)
    result = result_def(IndexType)
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "attr-dict"

    def __init__(self, dim: int):
        super().__init__(result_types=[IndexType()], properties={"dim": IntegerAttr(dim, IndexType())})


class KernelOp(IRDLOperation):
    """A loop nest over the output's index space with a scalar body."""

    inputs = var_operand_def(MemRefType)
    output = operand_def(MemRefType)
    body = region_def("single_block")
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = ("`ins` `(` ($inputs^ `:` type($inputs))? `)` `outs` `(` $output `:` "
                       "type($output) `)` attr-dict-with-keyword $body")

    def __init__(self, inputs: Sequence[SSAValue], output: SSAValue, body: Region,
                 properties: dict[str, Attribute] | None = None):
        super().__init__(operands=[list(inputs), output], regions=[body],
                         properties=properties or {})


@irdl_op_definition
class ElemwiseOp(KernelOp):
    """out[i...] = body(in_0[i...], in_1[i...], ...); every input has the output's rank
    and sizes (broadcasting is done beforehand with `loop.broadcast` views). The body may
    use scalars defined above the op and `loop.index` (the position i)."""

    name = "loop.elemwise"

    def verify_(self) -> None:
        out = self.output.type
        for v in self.inputs:
            if v.type.get_num_dims() != out.get_num_dims():  # type: ignore[attr-defined]
                raise VerifyException("loop.elemwise: inputs must have the output's rank")
        if len(self.body.block.args) != len(self.inputs):
            raise VerifyException("loop.elemwise: one block argument per input")


@irdl_op_definition
class ReduceOp(KernelOp):
    """out[kept...] = fold(body, init, in_0[...], in_1[...], ...) over `axes`; the body maps
    (accumulator, element of each input) -> accumulator. Every input has the first one's
    index space (e.g. a per-row value broadcast along the reduced axes, as softmax's
    sum(exp(x - max)) uses). The accumulator has init's type, which may be wider than the
    output's element type (float32 sums accumulate in float64)."""

    name = "loop.reduce"
    axes = prop_def(DenseArrayBase)
    init = prop_def(Attribute)

    def get_axes(self) -> tuple[int, ...]:
        return _ints(self.axes)


class ViewOp(IRDLOperation):
    """A new descriptor (sizes, strides, offset) over the source buffer: no copy.
    Subclasses declare `source` first (IRDL orders operands by declaration)."""

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)


@irdl_op_definition
class BroadcastOp(ViewOp):
    """`loop.broadcast %m, %sizes...`: dims of static size 1 in the source take the given
    size with stride 0; the other dims must already have it."""

    name = "loop.broadcast"
    source = operand_def(MemRefType)
    result = result_def(MemRefType)
    sizes = var_operand_def(IndexType)
    assembly_format = "$source `to` `(` $sizes `)` attr-dict `:` type($source) `->` type($result)"


@irdl_op_definition
class DimShuffleOp(ViewOp):
    """`loop.dimshuffle`: permute axes, insert size-1 axes (-1), drop size-1 axes."""

    name = "loop.dimshuffle"
    source = operand_def(MemRefType)
    result = result_def(MemRefType)
    pattern = prop_def(DenseArrayBase)
    assembly_format = "$source attr-dict `:` type($source) `->` type($result)"


@irdl_op_definition
class SubviewOp(ViewOp):
    """`loop.subview`: Python basic slicing with constant bounds (see `mt.subtensor`);
    an integer index out of range raises the Python error numbered `error`."""

    name = "loop.subview"
    source = operand_def(MemRefType)
    result = result_def(MemRefType)
    starts = prop_def(DenseArrayBase)
    stops = prop_def(DenseArrayBase)
    steps = prop_def(DenseArrayBase)
    squeeze = prop_def(DenseArrayBase)
    error = prop_def(StringAttr)
    assembly_format = "$source attr-dict `:` type($source) `->` type($result)"


@irdl_op_definition
class SliceOp(ViewOp):
    """`loop.slice %m, %offsets..., %sizes..., %steps... {keep}`: the general view.
    result[i_0, ..., i_k] = m[offsets + sum_j steps[j] * i_j * e(keep[j])]: one offset per
    source dim, one size and step per result dim, `keep[j]` the source dim that result
    dim j walks. No bounds checks: the lowering that builds it emits `loop.check`s."""

    name = "loop.slice"
    source = operand_def(MemRefType)
    result = result_def(MemRefType)
    keep = prop_def(DenseArrayBase)
    operands_ = var_operand_def(IndexType)
    assembly_format = ("$source `[` $operands_ `]` attr-dict `:` type($source) `->` "
                       "type($result)")

    def split(self) -> tuple[list[SSAValue], list[SSAValue], list[SSAValue]]:
        """(offsets, sizes, steps)."""
        src_rank = self.source.type.get_num_dims()  # type: ignore[attr-defined]
        vals = list(self.operands_)
        n = len(_ints(self.keep))
        return vals[:src_rank], vals[src_rank:src_rank + n], vals[src_rank + n:]

    def verify_(self) -> None:
        src_rank = self.source.type.get_num_dims()  # type: ignore[attr-defined]
        keep = _ints(self.keep)
        if len(self.operands_) != src_rank + 2 * len(keep):
            raise VerifyException("loop.slice: expected one offset per source dim and one "
                                  "size and step per result dim")
        if len(keep) != self.result.type.get_num_dims() or any(  # type: ignore[attr-defined]
                not 0 <= k < src_rank for k in keep):
            raise VerifyException("loop.slice: keep must name one source dim per result dim")


@irdl_op_definition
class ReshapeOp(ViewOp):
    """`loop.reshape %m, %sizes...`: a contiguous source seen with new sizes."""

    name = "loop.reshape"
    source = operand_def(MemRefType)
    result = result_def(MemRefType)
    sizes = var_operand_def(IndexType)
    assembly_format = "$source `to` `(` $sizes `)` attr-dict `:` type($source) `->` type($result)"

    def verify_(self) -> None:
        if not is_contiguous(self.source.type):  # type: ignore[arg-type]
            raise VerifyException("loop.reshape: the source must be contiguous")


@irdl_op_definition
class ConstantOp(IRDLOperation):
    """`loop.constant`: a read-only literal buffer."""

    name = "loop.constant"
    value = prop_def(DenseIntOrFPElementsAttr)
    result = result_def(MemRefType)
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "attr-dict `:` type($result)"


@irdl_op_definition
class AllocOutputOp(IRDLOperation):
    """`loop.alloc_output %sizes... {index = k}`: the runtime's fresh buffer for result k."""

    name = "loop.alloc_output"
    sizes = var_operand_def(IndexType)
    index = prop_def(IntegerAttr)
    result = result_def(MemRefType)
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "`(` $sizes `)` attr-dict `:` type($result)"

    def verify_(self) -> None:
        dyn = sum(1 for d in self.result.type.get_shape() if d == DYNAMIC_INDEX)  # type: ignore[attr-defined]
        if dyn != len(self.sizes):
            raise VerifyException("loop.alloc_output: one size operand per dynamic dim")


@irdl_op_definition
class CheckOp(IRDLOperation):
    """`loop.check %ok, %v... {kind, message}`: if %ok is false the compiled function
    stops and Python raises `kind(message.format(*v))`. The message stays in the IR and
    in a Python-side table; emitted C only sees its index."""

    name = "loop.check"
    cond = operand_def(IntegerType(1))
    values = var_operand_def(IndexType)
    kind = prop_def(StringAttr)
    message = prop_def(StringAttr)
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$cond (`,` $values^)? attr-dict"

    KINDS: ClassVar[tuple[str, ...]] = ("ValueError", "IndexError", "RuntimeError")

    def verify_(self) -> None:
        if self.kind.data not in self.KINDS:
            raise VerifyException(f"loop.check: kind must be one of {self.KINDS}")
        if len(self.values) > 4:
            raise VerifyException("loop.check: at most 4 values")


CORE_OPS = (FModOp, YieldOp, IndexOp, ElemwiseOp, ReduceOp, BroadcastOp, DimShuffleOp, SubviewOp,
            SliceOp, ReshapeOp, ConstantOp, AllocOutputOp, CheckOp)
