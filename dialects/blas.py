"""`blas`: BLAS level-2/3 calls on memrefs, between `loop` kernels and the C emitter.

`insert-blas` (passes/insert_blas.py) rewrites float32/float64 `loop.matmul` kernels into
these ops; `convert-loop-to-scf` leaves them alone and the C emitter (passes/emit/blas.py)
calls OpenBLAS (the `scipy-openblas64` wheel) on them. The operands may have any strides:
the emitted C reads the strides at run time and copies an operand to a dense buffer when
BLAS cannot take its layout (negative or zero strides, neither dim of unit stride).

    blas.gemm %a, %b, %c {alpha = 1.0 : f64, beta = 0.0 : f64, trans_a = false, trans_b = false}
        : memref<?x?xf64, strided<[?, ?], offset: ?>>, memref<?x?xf64>, memref<?x?xf64>
    // c = alpha * op(a) @ op(b) + beta * c, op(x) = x.T when trans_x
"""

from __future__ import annotations

from xdsl.dialects.builtin import BoolAttr, Float32Type, Float64Type, FloatAttr, MemRefType, f64
from xdsl.ir import Attribute, Dialect, SSAValue
from xdsl.irdl import IRDLOperation, ParsePropInAttrDict, irdl_op_definition, operand_def, prop_def
from xdsl.utils.exceptions import VerifyException


def _verify_operands(op: IRDLOperation, ranks: tuple[int, ...]) -> None:
    """Ranks as given and one float32/float64 element type for every operand."""
    types = [v.type for v in op.operands]
    for t, r in zip(types, ranks):
        if t.get_num_dims() != r:  # type: ignore[attr-defined]
            raise VerifyException(f"{op.name}: operand ranks must be {ranks}")
    el = types[0].element_type  # type: ignore[attr-defined]
    if not isinstance(el, (Float32Type, Float64Type)):
        raise VerifyException(f"{op.name}: element type must be f32 or f64, got {el}")
    if any(t.element_type != el for t in types):  # type: ignore[attr-defined]
        raise VerifyException(f"{op.name}: every operand must have the element type {el}")


def _scales(alpha: float, beta: float) -> dict[str, Attribute]:
    return {"alpha": FloatAttr(alpha, f64), "beta": FloatAttr(beta, f64)}


class BlasOp(IRDLOperation):
    """Common accessors: alpha and beta as Python floats."""

    alpha = prop_def(FloatAttr)
    beta = prop_def(FloatAttr)
    irdl_options = (ParsePropInAttrDict(),)

    def scales(self) -> tuple[float, float]:
        return float(self.alpha.value.data), float(self.beta.value.data)


@irdl_op_definition
class GemmOp(BlasOp):
    """`c = alpha * op(a) @ op(b) + beta * c` on rank-2 memrefs (xGEMM)."""

    name = "blas.gemm"
    a = operand_def(MemRefType)
    b = operand_def(MemRefType)
    c = operand_def(MemRefType)
    trans_a = prop_def(BoolAttr)
    trans_b = prop_def(BoolAttr)
    assembly_format = "$a `,` $b `,` $c attr-dict `:` type($a) `,` type($b) `,` type($c)"

    def __init__(self, a: SSAValue, b: SSAValue, c: SSAValue, alpha: float = 1.0,
                 beta: float = 0.0, trans_a: bool = False, trans_b: bool = False):
        props = _scales(alpha, beta) | {"trans_a": BoolAttr.from_bool(trans_a),
                                        "trans_b": BoolAttr.from_bool(trans_b)}
        super().__init__(operands=[a, b, c], properties=props)

    def verify_(self) -> None:
        _verify_operands(self, (2, 2, 2))


@irdl_op_definition
class GemvOp(BlasOp):
    """`y = alpha * op(a) @ x + beta * y` with a rank-2 `a`, vectors x and y (xGEMV)."""

    name = "blas.gemv"
    a = operand_def(MemRefType)
    x = operand_def(MemRefType)
    y = operand_def(MemRefType)
    trans = prop_def(BoolAttr)
    assembly_format = "$a `,` $x `,` $y attr-dict `:` type($a) `,` type($x) `,` type($y)"

    def __init__(self, a: SSAValue, x: SSAValue, y: SSAValue, alpha: float = 1.0,
                 beta: float = 0.0, trans: bool = False):
        props = _scales(alpha, beta) | {"trans": BoolAttr.from_bool(trans)}
        super().__init__(operands=[a, x, y], properties=props)

    def verify_(self) -> None:
        _verify_operands(self, (2, 1, 1))


@irdl_op_definition
class DotOp(BlasOp):
    """`out[] = alpha * sum(x * y) + beta * out[]` on two vectors and a rank-0 memref (xDOT)."""

    name = "blas.dot"
    x = operand_def(MemRefType)
    y = operand_def(MemRefType)
    out = operand_def(MemRefType)
    assembly_format = "$x `,` $y `,` $out attr-dict `:` type($x) `,` type($y) `,` type($out)"

    def __init__(self, x: SSAValue, y: SSAValue, out: SSAValue, alpha: float = 1.0, beta: float = 0.0):
        super().__init__(operands=[x, y, out], properties=_scales(alpha, beta))

    def verify_(self) -> None:
        _verify_operands(self, (1, 1, 0))


ALL_OPS = (GemmOp, GemvOp, DotOp)

BLAS = Dialect("blas", list(ALL_OPS), [])
