"""`ad`: differentiation requests in IR, expanded by the `autodiff` pass.

`mlc.grad`, `mlc.Lop` and `mlc.Rop` apply the same pullback/pushforward tables
directly to the frontend graph; these ops let `mlc-opt` run the very same transform
on textual IR:

    %gx, %gw = ad.vjp outs(%cost : tensor<f64>) seeds(%one : tensor<f64>)
                      wrt(%x, %w : tensor<?xf64>, tensor<?xf64>) : tensor<?xf64>, tensor<?xf64>
    %t = ad.jvp outs(%y : tensor<?xf64>) wrt(%x : tensor<?xf64>)
                tangents(%v : tensor<?xf64>) : tensor<?xf64>

`ad.vjp` (reverse mode) returns sum_k seed_k^T d out_k / d wrt_i for each wrt_i;
`ad.jvp` (forward mode) returns d out_k / d wrt . tangents for each out_k.
"""

from __future__ import annotations

from xdsl.dialects.builtin import TensorType
from xdsl.ir import Dialect
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_op_definition,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException


@irdl_op_definition
class VjpOp(IRDLOperation):
    """Vector-Jacobian product (pullback of `seeds` through `outs` to each `wrt`)."""

    name = "ad.vjp"
    outs = var_operand_def(TensorType)
    seeds = var_operand_def(TensorType)
    wrt = var_operand_def(TensorType)
    grads = var_result_def(TensorType)
    traits = traits_def(Pure())
    irdl_options = (AttrSizedOperandSegments(as_property=True),)
    assembly_format = ("`outs` `(` $outs `:` type($outs) `)` `seeds` `(` $seeds `:` type($seeds) `)` "
                       "`wrt` `(` $wrt `:` type($wrt) `)` attr-dict `:` type($grads)")

    def verify_(self) -> None:
        if len(self.outs) != len(self.seeds) or len(self.wrt) != len(self.grads):
            raise VerifyException("ad.vjp: one seed per output and one gradient per wrt")
        for o, s in zip(self.outs, self.seeds):
            if o.type.get_shape() != s.type.get_shape() and len(o.type.get_shape()) != len(s.type.get_shape()):  # type: ignore[attr-defined]
                raise VerifyException("ad.vjp: a seed must have its output's rank")


@irdl_op_definition
class JvpOp(IRDLOperation):
    """Jacobian-vector product (pushforward of `tangents` at `wrt` to each `outs`)."""

    name = "ad.jvp"
    outs = var_operand_def(TensorType)
    wrt = var_operand_def(TensorType)
    tangents = var_operand_def(TensorType)
    results_ = var_result_def(TensorType)
    traits = traits_def(Pure())
    irdl_options = (AttrSizedOperandSegments(as_property=True),)
    assembly_format = ("`outs` `(` $outs `:` type($outs) `)` `wrt` `(` $wrt `:` type($wrt) `)` "
                       "`tangents` `(` $tangents `:` type($tangents) `)` attr-dict `:` type($results_)")

    def verify_(self) -> None:
        if len(self.wrt) != len(self.tangents) or len(self.outs) != len(self.results_):
            raise VerifyException("ad.jvp: one tangent per wrt and one result per output")


AD = Dialect("ad", [VjpOp, JvpOp], [])
