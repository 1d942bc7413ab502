"""The math family of `loop`: scalar special functions inside kernel bodies, `loop.special`.

xDSL 0.74's `math` dialect covers libm's elementary functions (exp2, log10, tan, asinh,
erf, ...) but not the special functions of `scipy.special` that Theano users meet:
erfc, erfinv, erfcinv, gamma, gammaln and psi. `convert-mt-to-loop` puts one
`loop.special` in the body of `loop.elemwise` for each; the C emitter calls a helper of
passes/emit/math.py (libm's erfc/tgamma/lgamma_r, or our own erfinv/erfcinv/digamma).

    %y = loop.special %x {fn = "erfinv"} : f64
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import AnyFloatConstr, StringAttr
from xdsl.ir import SSAValue
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
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException


@irdl_op_definition
class SpecialOp(IRDLOperation):
    """`loop.special %x {fn = "erfc"} : f64`: a special function of one float, in the
    operand's precision. One op with a checked function name rather than one op per
    function: the six functions have one shape (float -> same float, pure, total), and
    every pass treats them alike, so they differ only in the C helper the emitter calls.
    """

    name = "loop.special"
    FUNCTIONS: ClassVar[tuple[str, ...]] = ("erfc", "erfinv", "erfcinv", "gamma", "gammaln", "psi")
    T: ClassVar = VarConstraint("T", AnyFloatConstr)
    input = operand_def(T)
    result = result_def(T)
    fn = prop_def(StringAttr)
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$input attr-dict `:` type($result)"

    def __init__(self, fn: str, x: SSAValue):
        super().__init__(operands=[x], result_types=[x.type], properties={"fn": StringAttr(fn)})

    def verify_(self) -> None:
        if self.fn.data not in self.FUNCTIONS:
            raise VerifyException(f"loop.special: unknown function {self.fn.data!r}; expected "
                                  f"one of {', '.join(self.FUNCTIONS)}")


MATH_OPS = (SpecialOp,)
