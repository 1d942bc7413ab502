"""Differentiation rules of the elemwise family (arithmetic, comparisons, logic, select,
cast: dialects/mt/elemwise.py), and the two rules every elementwise op shares.

Elementwise ops share one description: `PARTIAL[op](b, node, i, g)` is g times the
partial derivative of the output by input i, at the output's shape. The pullback sums it
back over broadcast axes (`unbroadcast`); the pushforward adds the partials of all
inputs. `elemwise_rules(partial)` makes both rules from the merged `PARTIAL` table of
passes/grad/__init__.py. Rules build values only through the `Builder`, so they serve
both the frontend graph (`mlc.grad`) and IR (`autodiff` pass).
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.passes.grad.builder import (Expr, apply, cast, dtype, lit, log, mk, partial, second, sign, unary,
                                     unbroadcast)
from mlc.passes.grad.core import ZERO, Builder, Node

Partial = Callable[[Builder, Node, int, Any], Any]


def _div(i: int, g: Expr, x: Expr, y: Expr, z: Expr) -> Expr:
    return g / y if i == 0 else -(g * z / y)


def _pow(i: int, g: Expr, x: Expr, y: Expr, z: Expr) -> Expr:
    return g * (y * x ** (y - 1)) if i == 0 else g * (z * log(x))


def _extremum(i: int, g: Expr, x: Expr, y: Expr, z: Expr) -> Expr:
    """Theano's rule: every input equal to the result gets the gradient (ties share)."""
    return g * apply(mt.EqOp, z, (x, y)[i]).cast(z.dtype)


def _mod(i: int, g: Expr, x: Expr, y: Expr, z: Expr) -> Expr:
    return second(z, g) if i == 0 else -(g * apply(mt.IntDivOp, x, y))


def _select(i: int, g: Expr, c: Expr, x: Expr, y: Expr, z: Expr) -> Optional[Expr]:
    if i == 0:
        return None
    zero = lit(g, 0.0)
    return apply(mt.SelectOp, c, *((g, zero) if i == 1 else (zero, g)))


ELEMWISE_PARTIAL: dict[type, Partial] = {
    mt.AddOp: lambda b, n, i, g: g,
    mt.SubOp: partial(lambda i, g, x, y, z: g if i == 0 else -g),
    mt.MulOp: partial(lambda i, g, x, y, z: g * (y, x)[i]),
    mt.TrueDivOp: partial(_div),
    mt.PowOp: partial(_pow),
    mt.ModOp: partial(_mod),
    mt.MaximumOp: partial(_extremum),
    mt.MinimumOp: partial(_extremum),
    mt.SelectOp: partial(_select),
    mt.NegOp: unary(lambda g, x, z: -g),
    mt.AbsOp: unary(lambda g, x, z: g * sign(x)),
}

ELEMWISE_ZERO_GRADIENT_OPS = (mt.SignOp, mt.IntDivOp, mt.EqOp, mt.NeqOp, mt.LtOp, mt.LeOp,
                              mt.GtOp, mt.GeOp, mt.AndOp, mt.OrOp, mt.XorOp)
"""Piecewise-constant ops: connected, with zero derivative (as in Theano)."""


def elemwise_rules(partials: dict[type, Partial]) -> tuple[Callable, Callable]:
    """The pullback and pushforward shared by every op of `partials` (the merged PARTIAL)."""

    def pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
        g = gouts[0]
        out = []
        for i, x in enumerate(n.inputs):
            if not dt.is_float(dtype(b, x)):
                out.append(ZERO)
                continue
            p = partials[n.op](b, n, i, cast(b, g, dtype(b, n.outputs[0])))
            out.append(p if p is None or p is ZERO else unbroadcast(b, p, x))
        return out

    def pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
        total: Optional[Any] = None
        for i, t in enumerate(tins):
            if t is None or t is ZERO:
                continue
            p = partials[n.op](b, n, i, cast(b, t, dtype(b, n.outputs[0])))
            if p is not None and p is not ZERO:
                p = mk(b, mt.SecondOp, n.outputs[0], p)
                total = p if total is None else mk(b, mt.AddOp, total, p)
        return [total]

    return pullback, pushforward


def _cast_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x = n.inputs[0]
    return [cast(b, gouts[0], dtype(b, x)) if dt.is_float(dtype(b, x)) else ZERO]


def _cast_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    to = dtype(b, n.outputs[0])
    return [cast(b, tins[0], to) if dt.is_float(to) else None]


ELEMWISE_PULLBACK: dict[type, Callable] = {mt.CastOp: _cast_pullback}
ELEMWISE_PUSHFORWARD: dict[type, Callable] = {mt.CastOp: _cast_pushforward}
