"""`mt` ops that exist for differentiation: `mt.second` (broadcast a value to another's
shape) and the gradient-only identities `mt.disconnected_grad`, `mt.zero_grad` and
`mt.grad_clip`. The identities compute their input unchanged; only their pullbacks
differ, and `canonicalize` removes them once no gradient is taken any more.

    %g = mt.second %x, %s : tensor<?x3xf64>, tensor<f64> -> tensor<?x3xf64>
    %y = mt.grad_clip %x, %lo, %hi : tensor<?xf64>, tensor<f64>, tensor<f64> -> tensor<?xf64>
"""

from __future__ import annotations

from typing import Any, Sequence

from xdsl.dialects.builtin import TensorType
from xdsl.irdl import irdl_op_definition, operand_def, result_def, traits_def
from xdsl.traits import Pure

from mlc.dialects import dtypes as dt
from mlc.dialects.mt.base import MtOp
from mlc.dialects.mt.elemwise import BinaryOp


def _second(*dtypes: str) -> str:
    return dtypes[1]


@irdl_op_definition
class SecondOp(BinaryOp):
    """`mt.second %x, %y`: y broadcast to the shape of x (Theano's `second`/`fill`)."""

    name = "mt.second"
    DTYPE_RULE = staticmethod(_second)


class _GradIdentity(MtOp):
    input = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` type($input) `->` type($result)"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        return [in_types[0]]


@irdl_op_definition
class DisconnectedGradOp(_GradIdentity):
    """`mt.disconnected_grad %x`: x; no gradient flows back through it."""

    name = "mt.disconnected_grad"


@irdl_op_definition
class ZeroGradOp(_GradIdentity):
    """`mt.zero_grad %x`: x; its gradient is zero (connected, unlike disconnected_grad)."""

    name = "mt.zero_grad"


@irdl_op_definition
class GradClipOp(MtOp):
    """`mt.grad_clip %x, %lo, %hi`: x; the gradient flowing back is clipped to [lo, hi]."""

    name = "mt.grad_clip"
    input = operand_def(TensorType)
    lo = operand_def(TensorType)
    hi = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = ("$input `,` $lo `,` $hi attr-dict `:` type($input) `,` type($lo) `,` "
                       "type($hi) `->` type($result)")

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        for t in in_types[1:]:
            if dt.shape_of(t) != ():
                raise dt.MtTypeError("mt.grad_clip: the bounds must be scalars")
        return [in_types[0]]


GRAD_OPS = (SecondOp, DisconnectedGradOp, ZeroGradOp, GradClipOp)
GRAD_IDENTITIES = (DisconnectedGradOp, ZeroGradOp, GradClipOp)
