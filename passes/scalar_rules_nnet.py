"""Scalar bodies of the elementwise nnet ops (dialects/mt/nnet.py), merged into
`scalar_rules.SCALAR_RULES` (used by `convert-mt-to-loop` inside `loop.elemwise`).

    mt.softplus (f64)  ->  log1p(exp(-|x|)) + max(x, 0)
                           (math.absf, arith.negf, math.exp, math.log1p, arith.maximumf, arith.addf)

The stable form never overflows: exp only sees non-positive arguments, and for large
|x| the log1p term vanishes exactly, so softplus(1000) is 1000.0 and softplus(-1000) is
0.0 (the tail exp(-1000) underflows, as it does in NumPy's `logaddexp(0, x)`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from xdsl.dialects import arith, math
from xdsl.ir import SSAValue

from mlc.dialects import mt

if TYPE_CHECKING:  # scalar_rules imports this module to merge the table
    from mlc.passes.scalar_rules import ScalarBuilder

Rule = Callable[["ScalarBuilder", list[SSAValue], str], SSAValue]


def softplus(b: "ScalarBuilder", a: list[SSAValue], dtype: str) -> SSAValue:
    x = a[0]
    tail = b.add(math.Log1pOp(b.add(math.ExpOp(b.add(arith.NegfOp(b.add(math.AbsFOp(x))))))))
    return b.add(arith.AddfOp(tail, b.add(arith.MaximumfOp(x, b.const(0.0, dtype)))))


NNET_SCALAR_RULES: dict[type, Rule] = {
    mt.SoftplusOp: softplus,
}
