"""Lowering of the gradient-helper ops (dialects/mt/gradient.py): `mt.second` is
elementwise (its scalar body yields the second operand, broadcast to both shapes), and
the gradient markers (`mt.disconnected_grad`, `mt.zero_grad`, `mt.grad_clip`, ...) are
the identity on their first operand: they only change what `autodiff` does.
"""

from __future__ import annotations



from mlc.dialects import mt
from mlc.passes.mt_to_loop.builder import Lowering
from mlc.passes.mt_to_loop.scalar import Rule


SCALAR_RULES: dict[type, Rule] = {mt.SecondOp: lambda b, a, dtype: a[1]}


LOWERINGS: dict[type, Lowering] = {
    **{cls: (lambda L, op: L.buf[op.operands[0]]) for cls in mt.GRAD_IDENTITIES},
}
