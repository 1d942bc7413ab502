"""Reverse mode (vjp) and forward mode (jvp) over any graph of `mt` op applications.

The same two walks serve `mlc.grad`/`Lop`/`Rop` on the frontend graph and the
`autodiff` pass on `ad.vjp`/`ad.jvp` IR: a graph is a topologically ordered list of
nodes (`op`, `inputs`, `outputs`, `params`, `loc`), and new nodes are made through a
`Builder`. The per-op rules are the tables of `passes/grad/__init__.py`.

Gradients are values or `ZERO` (connected but identically zero; materialized only
when needed) or absent (disconnected: `None`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Protocol, Sequence

import numpy as np
from xdsl.dialects.builtin import TensorType

from mlc.dialects import dtypes as dt
from mlc.dialects import mt


class _Zero:
    """The gradient of a value that is connected to the cost but has zero derivative."""

    def __repr__(self) -> str:
        return "ZERO"


ZERO: Any = _Zero()


class Node(Protocol):
    op: type
    inputs: Sequence[Any]
    outputs: Sequence[Any]
    params: dict[str, Any]
    loc: Any


class Builder(Protocol):
    """How rules create values: `make` applies an mt op class, `constant` a literal."""

    def make(self, op: type, inputs: Sequence[Any], **params: Any) -> Any: ...
    def type_of(self, v: Any) -> TensorType: ...
    def constant(self, value: np.ndarray) -> Any: ...
    def at(self, loc: Any) -> None: ...
    def producer(self, v: Any) -> Optional[tuple[type, list[Any], dict[str, Any]]]:
        """(op class, inputs, params) of the node that computed v, or None for a leaf."""
        ...


class NotDifferentiableError(TypeError):
    """An op on the path from an output to a wrt has no differentiation rule."""


def _describe(node: Node) -> str:
    loc = node.loc
    where = f" ({loc.filename.data}:{loc.line.data})" if hasattr(loc, "filename") else ""
    return f"{node.op.name}{where}"


@dataclass
class Bypass:
    """A pullback's answer for an input that it differentiated together with the input's
    producer (a composite rule, e.g. log(softmax(x)): see passes/grad/nnet.py): the
    gradients `grads` of the producer's own inputs, which skip the values `through`.
    If one of those is held constant (consider_constant) or is itself a wrt, `fallback()`
    gives the plain gradient of the input instead."""

    grads: list[tuple[Any, Any]]
    through: tuple[Any, ...]
    fallback: Callable[[], Any]


def accumulate(b: Builder, table: dict, v: Any, g: Any) -> None:
    """Add gradient g into table[v] (None: nothing flows; ZERO: connected zero)."""
    if g is None:
        return
    old = table.get(v)
    if old is None or old is ZERO:
        table[v] = g
    elif g is not ZERO:
        table[v] = b.make(mt.AddOp, [old, g])


def vjp(b: Builder, nodes: Sequence[Node], seeds: Sequence[tuple[Any, Any]],
        wrt: Sequence[Any], pullbacks: dict, stop: frozenset = frozenset()) -> list[Any]:
    """Pull each (output, seed) back through `nodes`; one gradient (or ZERO/None) per wrt.
    Values in `stop` receive gradients but do not pass them on (consider_constant)."""
    adj: dict[Any, Any] = {}
    for out, seed in seeds:
        accumulate(b, adj, out, seed)
    exact = stop | frozenset(wrt)  # values a composite rule must not skip
    for node in reversed(nodes):
        gouts = [adj.get(o) for o in node.outputs]
        if all(g is None for g in gouts) or any(o in stop for o in node.outputs):
            continue
        rule = pullbacks.get(node.op)
        if all(g is None or g is ZERO for g in gouts):
            gins: list[Any] = [ZERO] * len(node.inputs)  # zero flows on without any rule
        elif rule is None:
            raise NotDifferentiableError(
                f"{_describe(node)} has no gradient rule; it lies between the cost and a wrt")
        else:
            b.at(node.loc)
            gins = rule(b, node, gouts)
        for v, g in zip(node.inputs, gins):
            if isinstance(g, Bypass):
                if not any(t in exact for t in g.through):
                    for u, gu in g.grads:
                        _accumulate_input(b, adj, u, gu)
                    continue
                g = g.fallback()
            _accumulate_input(b, adj, v, g)
    return [adj.get(w) for w in wrt]


def _accumulate_input(b: Builder, adj: dict, v: Any, g: Any) -> None:
    if g is not None and not dt.is_float(dt.dtype_of(b.type_of(v))):
        g = ZERO  # integers carry no gradient (Theano gives them zeros)
    accumulate(b, adj, v, g)


def jvp(b: Builder, nodes: Sequence[Node], tangents: dict[Any, Any], outputs: Sequence[Any],
        pushforwards: dict) -> list[Any]:
    """Push tangents at some leaves forward through `nodes`; one tangent per output
    (None where the output does not depend on any of them)."""
    tan: dict[Any, Any] = dict(tangents)
    for node in nodes:
        tins = [tan.get(v) for v in node.inputs]
        if all(t is None for t in tins):
            continue
        rule = pushforwards.get(node.op)
        if rule is None:
            raise NotDifferentiableError(
                f"{_describe(node)} has no forward-mode (Rop) rule; it lies between a wrt "
                "and an output")
        b.at(node.loc)
        for o, t in zip(node.outputs, rule(b, node, tins)):
            if t is not None:
                tan[o] = t
    return [tan.get(o) for o in outputs]


def materialize(b: Builder, g: Any, like: Any, dtype: Optional[str] = None) -> Any:
    """A ZERO gradient as an actual zero tensor shaped like `like`."""
    if g is not ZERO:
        return g
    t = b.type_of(like)
    rank = len(dt.shape_of(t))
    zero = b.constant(np.zeros((1,) * rank, dtype=dtype or dt.dtype_of(t)))
    return b.make(mt.SecondOp, [like, zero])


Rule = Callable[[Builder, Node, list[Any]], list[Any]]
