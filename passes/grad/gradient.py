"""Differentiation rules of the gradient family (dialects/mt/gradient.py): `mt.second`
(the value of its second input at the shape of its first), `zero_grad`, `grad_clip` and
`disconnected_grad`, the ops with which users and rules steer a gradient."""

from __future__ import annotations

from typing import Any, Callable

from mlc.dialects import mt
from mlc.passes.grad.builder import Expr, apply, zero_grads
from mlc.passes.grad.core import ZERO, Builder, Node


def _grad_clip_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    """g clipped to [lo, hi] (the scalar bounds broadcast to g's rank)."""
    g, lo, hi = Expr(b, gouts[0]), Expr(b, n.inputs[1]), Expr(b, n.inputs[2])
    if g.rank:
        lo, hi = lo.dimshuffle(*(-1,) * g.rank), hi.dimshuffle(*(-1,) * g.rank)
    return [apply(mt.MinimumOp, apply(mt.MaximumOp, g, lo), hi).v, None, None]


GRADIENT_PARTIAL: dict[type, Callable] = {
    mt.SecondOp: lambda b, n, i, g: ZERO if i == 0 else apply(mt.SecondOp, Expr(b, n.outputs[0]), g).v,
}
GRADIENT_DISCONNECTED_OPS = (mt.DisconnectedGradOp,)
GRADIENT_PULLBACK: dict[type, Callable] = {
    mt.ZeroGradOp: zero_grads,
    mt.GradClipOp: _grad_clip_pullback,
}
GRADIENT_PUSHFORWARD: dict[type, Callable] = {
    mt.ZeroGradOp: lambda b, n, t: [t[0]],
    mt.GradClipOp: lambda b, n, t: [t[0]],
}
