"""The differentiation rules of every mt op, one module per op family (elemwise, math,
nnet, reduce, sort, linalg, structure, indexing, gradient), merged here into the tables that
the walks of `core` (`vjp`, `jvp`) read: `PULLBACK` (reverse mode), `PUSHFORWARD`
(forward mode), the elementwise `PARTIAL`s, and the marks `ZERO_GRADIENT_OPS`,
`DISCONNECTED_OPS` and `NOT_DIFFERENTIABLE`. Used by the `autodiff` pass
(passes/autodiff.py) and by `mlc.grad`/`Lop`/`Rop` (mlc/gradient.py).

Family modules build with `builder` (the `Expr` wrapper and shape/dtype helpers) and
`core`; they never import this module.
"""

from __future__ import annotations

from typing import Callable

from mlc.dialects import mt
from mlc.passes.grad.builder import linear_pushforward, zero_grads
from mlc.passes.grad.core import Builder, Node
from mlc.passes.grad.elemwise import (ELEMWISE_PARTIAL, ELEMWISE_PULLBACK, ELEMWISE_PUSHFORWARD,
                                      ELEMWISE_ZERO_GRADIENT_OPS, Partial, elemwise_rules)
from mlc.passes.grad.gradient import (GRADIENT_DISCONNECTED_OPS, GRADIENT_PARTIAL, GRADIENT_PULLBACK,
                                      GRADIENT_PUSHFORWARD)
from mlc.passes.grad.indexing import INDEXING_PULLBACK, INDEXING_PUSHFORWARD, INDEXING_ZERO_GRADIENT_OPS
from mlc.passes.grad.linalg import LINALG_PULLBACK, LINALG_PUSHFORWARD
from mlc.passes.grad.math import MATH_NOT_DIFFERENTIABLE, MATH_PARTIAL, MATH_ZERO_GRADIENT_OPS
from mlc.passes.grad.nnet import (NNET_DISCONNECTED_OPS, NNET_PARTIAL, NNET_PULLBACK,
                                  NNET_PUSHFORWARD, with_composites)
from mlc.passes.grad.reduce import REDUCE_PULLBACK, REDUCE_PUSHFORWARD, REDUCE_ZERO_GRADIENT_OPS
from mlc.passes.grad.sort import SORT_PULLBACK, SORT_PUSHFORWARD, SORT_ZERO_GRADIENT_OPS
from mlc.passes.grad.structure import (STRUCTURE_DISCONNECTED_OPS, STRUCTURE_PULLBACK,
                                       STRUCTURE_PUSHFORWARD, STRUCTURE_ZERO_GRADIENT_OPS)

PARTIAL: dict[type, Partial] = {**ELEMWISE_PARTIAL, **GRADIENT_PARTIAL, **NNET_PARTIAL, **MATH_PARTIAL}
"""g times the partial derivative of an elementwise op's output by its input i."""
ZERO_GRADIENT_OPS = (ELEMWISE_ZERO_GRADIENT_OPS + MATH_ZERO_GRADIENT_OPS + REDUCE_ZERO_GRADIENT_OPS
                     + SORT_ZERO_GRADIENT_OPS + INDEXING_ZERO_GRADIENT_OPS + STRUCTURE_ZERO_GRADIENT_OPS)
"""Piecewise-constant ops: connected, with zero derivative (as in Theano)."""
DISCONNECTED_OPS = (STRUCTURE_DISCONNECTED_OPS + GRADIENT_DISCONNECTED_OPS + NNET_DISCONNECTED_OPS
                    + mt.RANDOM_OPS)
"""Ops through which no gradient flows at all (a wrt reached only through them is
disconnected)."""
NOT_DIFFERENTIABLE = MATH_NOT_DIFFERENTIABLE + (mt.MapOp, mt.ScanOp)
"""Ops with no rule on purpose: a gradient through them raises NotDifferentiableError."""

_elemwise_pullback, _elemwise_pushforward = elemwise_rules(PARTIAL)


def _disconnected(b: Builder, n: Node, g: list) -> list:
    return [None] * len(n.inputs)


PULLBACK: dict[type, Callable] = {
    **{op: _elemwise_pullback for op in PARTIAL},
    **{op: zero_grads for op in ZERO_GRADIENT_OPS},
    **{op: _disconnected for op in DISCONNECTED_OPS},
    **ELEMWISE_PULLBACK, **REDUCE_PULLBACK, **LINALG_PULLBACK, **GRADIENT_PULLBACK,
    **NNET_PULLBACK,
    **{op: with_composites(_elemwise_pullback) for op in (mt.LogOp, mt.Log1pOp)},
    **INDEXING_PULLBACK, **SORT_PULLBACK,
    **STRUCTURE_PULLBACK,
}
"""Reverse-mode rules: (builder, node, output gradients) -> one gradient per input."""

PUSHFORWARD: dict[type, Callable] = {
    **{op: _elemwise_pushforward for op in PARTIAL},
    **{op: (lambda b, n, t: [None]) for op in ZERO_GRADIENT_OPS + DISCONNECTED_OPS},
    **ELEMWISE_PUSHFORWARD, **REDUCE_PUSHFORWARD, **LINALG_PUSHFORWARD, **GRADIENT_PUSHFORWARD,
    **NNET_PUSHFORWARD,
    **INDEXING_PUSHFORWARD, **SORT_PUSHFORWARD,
    **STRUCTURE_PUSHFORWARD,
}
"""Forward-mode rules: (builder, node, input tangents) -> one tangent per output."""

__all__ = ["PARTIAL", "PULLBACK", "PUSHFORWARD", "ZERO_GRADIENT_OPS", "DISCONNECTED_OPS",
           "NOT_DIFFERENTIABLE", "linear_pushforward"]
