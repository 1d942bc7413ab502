"""Linear algebra on `mt` tensors: `mt.dot` (NumPy's dot for ranks 1 and 2) and
`mt.batched_dot`.

    %c = mt.dot %a, %b : tensor<?x?xf64>, tensor<?xf64> -> tensor<?xf64>
"""

from __future__ import annotations

from typing import Any, Sequence

from xdsl.dialects.builtin import TensorType
from xdsl.irdl import irdl_op_definition, operand_def, result_def, traits_def
from xdsl.traits import Pure

from mlc.dialects import dtypes as dt
from mlc.dialects.dtypes import MtTypeError
from mlc.dialects.mt.base import MtOp


@irdl_op_definition
class DotOp(MtOp):
    """`mt.dot %a, %b`: matrix-matrix, matrix-vector, vector-matrix or inner product;
    the contraction is over the last axis of `a` and the first axis of `b`."""

    name = "mt.dot"
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        a, b = (dt.shape_of(t) for t in in_types)
        if len(a) not in (1, 2) or len(b) not in (1, 2):
            raise MtTypeError(f"mt.dot: operands must be vectors or matrices, got ranks "
                              f"{len(a)} and {len(b)} (use tensordot for higher ranks)")
        ka, kb = a[-1], b[0]
        if ka >= 0 and kb >= 0 and ka != kb:
            raise MtTypeError(f"mt.dot: contraction sizes differ: {ka} and {kb}")
        shape = a[:-1] + b[1:]
        dtype = dt.arith_dtype(dt.dtype_of(in_types[0]), dt.dtype_of(in_types[1]))
        return [dt.tensor_type(dtype, shape)]


@irdl_op_definition
class BatchedDotOp(MtOp):
    """`mt.batched_dot %a, %b`: `mt.dot` of a[i] and b[i] for each i along the leading
    (batch) axis; each operand has rank 2 or 3 (Theano's batched_dot).

        %c = mt.batched_dot %a, %b : tensor<?x?x?xf64>, tensor<?x?xf64> -> tensor<?x?xf64>
    """

    name = "mt.batched_dot"
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        a, b = (dt.shape_of(t) for t in in_types)
        if len(a) not in (2, 3) or len(b) not in (2, 3):
            raise MtTypeError(f"mt.batched_dot: operands must have rank 2 or 3, got ranks "
                              f"{len(a)} and {len(b)}")
        for what, x, y in (("batch", a[0], b[0]), ("contraction", a[-1], b[1])):
            if x >= 0 and y >= 0 and x != y:
                raise MtTypeError(f"mt.batched_dot: {what} sizes differ: {x} and {y}")
        shape = (a[0] if a[0] >= 0 else b[0],) + a[1:-1] + b[2:]
        dtype = dt.arith_dtype(dt.dtype_of(in_types[0]), dt.dtype_of(in_types[1]))
        return [dt.tensor_type(dtype, shape)]


LINALG_OPS = (DotOp, BatchedDotOp)
