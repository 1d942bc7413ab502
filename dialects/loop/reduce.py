"""The reduce family of `loop`: kernels that fold along axes beyond the generic
`loop.reduce` of core.py. `loop.arg_reduce` gives the position of the preferred element
over a set of axes (argmax, argmin); `loop.accumulate` is a running fold along one axis
(cumsum, cumprod). Both become `scf.for` nests in `convert-loop-to-scf`
(passes/loop_to_scf/reduce.py).

    loop.arg_reduce ins(%x : memref<?x?xf64>) outs(%o : memref<?xi64>) {axes = array<i64: 1>, init = -inf : f64} {
    ^bb0(%best : f64, %v : f64):
      %t = arith.cmpf ogt, %v, %best : f64
      loop.yield %t : i1
    }
"""

from __future__ import annotations

from xdsl.dialects.builtin import DenseArrayBase, IntegerAttr
from xdsl.ir import Attribute
from xdsl.irdl import irdl_op_definition, prop_def

from mlc.dialects.loop.core import KernelOp


@irdl_op_definition
class ArgReduceOp(KernelOp):
    """out[kept...] = C-order position, within the reduced `axes`, of the element the body
    prefers: the body maps (best so far, element) -> i1 "the element replaces the best".
    The best starts at `init` and position 0; the caller checks that no axis is empty."""

    name = "loop.arg_reduce"
    axes = prop_def(DenseArrayBase)
    init = prop_def(Attribute)

    def get_axes(self) -> tuple[int, ...]:
        return tuple(self.axes.get_values())  # type: ignore[arg-type]


@irdl_op_definition
class AccumulateOp(KernelOp):
    """out[..., i, ...] = fold(body, init, in[..., 0..i, ...]) along `axis`: a running
    reduction (cumsum, cumprod). The body maps (accumulator, element) -> accumulator of
    the output's element type."""

    name = "loop.accumulate"
    axis = prop_def(IntegerAttr)
    init = prop_def(Attribute)


REDUCE_OPS = (ArgReduceOp, AccumulateOp)
