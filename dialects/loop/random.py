"""`loop` ops of the random samplers (mt/random.py): scalar draws and two kernels.

A scalar draw maps (key, counter, stream, a, b) to one sample of the element whose
Philox counter is `counter` (docs/random.md); it is pure, so a kernel body may compute
any element in any order. The C emitter calls the helpers of passes/emit/random.py.

    %u = loop.rand_uniform %key, %ctr, %stream, %lo, %hi : f64, f64 -> f64

`loop.shuffle` and `loop.weighted_choice` are sequential kernels (convert-loop-to-scf
builds their loops): Fisher-Yates shuffles of every row of the output, and draws of
indices with probabilities given by a weight buffer.

    loop.shuffle ins() outs(%perm : memref<?x?xi64>) {
      %i = loop.index {dim = 1 : index}
      ...
      loop.yield %j : i64          // the swap partner of position i, in [i, n)
    }
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import AnyFloatConstr, IntegerAttr, MemRefType, f64, i64
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    VarConstraint,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.ir import SSAValue
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from mlc.dialects.loop.core import KernelOp


class RandScalarOp(IRDLOperation):
    """A draw of one element: `key`, `counter`, `stream` (i64) and two parameters `a`, `b`.
    Subclasses declare all five operands (IRDL orders operands by declaration)."""

    traits = traits_def(Pure())
    assembly_format = ("$key `,` $counter `,` $stream `,` $a `,` $b attr-dict `:` type($a) `,` "
                       "type($b) `->` type($result)")

    def __init__(self, key: SSAValue, counter: SSAValue, stream: SSAValue, a: SSAValue, b: SSAValue):
        super().__init__(operands=[key, counter, stream, a, b], result_types=[self.result_type(a)])

    @staticmethod
    def result_type(a: SSAValue):
        return a.type


class FloatRandOp(RandScalarOp):
    T: ClassVar = VarConstraint("T", AnyFloatConstr)
    key = operand_def(i64)
    counter = operand_def(i64)
    stream = operand_def(i64)
    a = operand_def(T)
    b = operand_def(T)
    result = result_def(T)


@irdl_op_definition
class RandUniformOp(FloatRandOp):
    """`loop.rand_uniform %key, %ctr, %stream, %lo, %hi : f64, f64 -> f64`: a float in
    [lo, hi) (53 random bits for f64, 24 for f32)."""

    name = "loop.rand_uniform"


@irdl_op_definition
class RandNormalOp(FloatRandOp):
    """`loop.rand_normal %key, %ctr, %stream, %mean, %std : f64, f64 -> f64`: a Gaussian
    sample (Box-Muller in double precision)."""

    name = "loop.rand_normal"


@irdl_op_definition
class RandIntegersOp(RandScalarOp):
    """`loop.rand_integers %key, %ctr, %stream, %lo, %hi : i64, i64 -> i64`: an integer
    in [lo, hi) without bias (lo < hi; otherwise lo)."""

    name = "loop.rand_integers"
    key = operand_def(i64)
    counter = operand_def(i64)
    stream = operand_def(i64)
    a = operand_def(i64)
    b = operand_def(i64)
    result = result_def(i64)


@irdl_op_definition
class RandBinomialOp(RandScalarOp):
    """`loop.rand_binomial %key, %ctr, %stream, %n, %p : i64, f64 -> i64`: successes in n
    trials of probability p (0 for n <= 0 or p <= 0; n for p >= 1)."""

    name = "loop.rand_binomial"
    key = operand_def(i64)
    counter = operand_def(i64)
    stream = operand_def(i64)
    a = operand_def(i64)
    b = operand_def(f64)
    result = result_def(i64)

    @staticmethod
    def result_type(a: SSAValue):
        return i64


@irdl_op_definition
class ShuffleOp(KernelOp):
    """`loop.shuffle ins() outs(%perm)`: every row of %perm (its last axis, length n)
    becomes 0..n-1, then for i = 0..n-1 position i swaps with the body's value at
    `loop.index` (row..., i), an i64 that must lie in [i, n) (it is clamped to it)."""

    name = "loop.shuffle"

    def verify_(self) -> None:
        out = self.output.type
        if self.inputs or not isinstance(out, MemRefType) or out.get_num_dims() < 1 \
                or out.element_type != i64:
            raise VerifyException("loop.shuffle: no inputs and an i64 output of rank >= 1")


@irdl_op_definition
class WeightedChoiceOp(KernelOp):
    """`loop.weighted_choice ins(%w : memref<?xf64>) outs(%idx) {replace}`: for each
    position of %idx in row-major order, the body yields u in [0, 1) and the kernel
    stores the first j with w[0] + ... + w[j] > u * sum(w) and w[j] > 0 (the last
    positive weight if rounding finds none). Without replacement it sets w[j] to 0 after
    the draw, so %w must be a scratch buffer the kernel may write."""

    name = "loop.weighted_choice"
    replace = prop_def(IntegerAttr)
    irdl_options = (ParsePropInAttrDict(),)

    def verify_(self) -> None:
        if len(self.inputs) != 1 or self.inputs[0].type.get_num_dims() != 1:  # type: ignore[attr-defined]
            raise VerifyException("loop.weighted_choice: one input, the weight vector")
        if self.output.type.element_type != i64:  # type: ignore[attr-defined]
            raise VerifyException("loop.weighted_choice: the output holds i64 indices")


RANDOM_OPS = (RandUniformOp, RandNormalOp, RandIntegersOp, RandBinomialOp, ShuffleOp,
              WeightedChoiceOp)

__all__ = ["RANDOM_OPS", "RandScalarOp", *(cls.__name__ for cls in RANDOM_OPS)]
