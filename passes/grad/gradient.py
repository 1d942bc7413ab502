"""Differentiation rules of the gradient family (dialects/mt/grad_ops.py): `mt.second`
(the value of its second input at the shape of its first), `zero_grad`, `grad_clip` and
`disconnected_grad`, the ops with which users and rules steer a gradient."""

from __future__ import annotations

from typing import Any, Callable

from mlc.dialects import mt
from mlc.passes.grad.builder import mk, shape, zero_grads
from mlc.passes.grad.core import ZERO, Builder, Node


def _grad_clip_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x, lo, hi = n.inputs
    g = gouts[0]
    rank = len(shape(b, g))
    lo_b = mk(b, mt.DimShuffleOp, lo, pattern=(-1,) * rank) if rank else lo
    hi_b = mk(b, mt.DimShuffleOp, hi, pattern=(-1,) * rank) if rank else hi
    return [mk(b, mt.MinimumOp, mk(b, mt.MaximumOp, g, lo_b), hi_b), None, None]


GRADIENT_PARTIAL: dict[type, Callable] = {
    mt.SecondOp: lambda b, n, i, g: ZERO if i == 0 else mk(b, mt.SecondOp, n.outputs[0], g),
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
