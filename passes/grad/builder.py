"""What differentiation rules build with: `Expr`, a value wrapped with its builder so a
rule reads like the math (`g / (z * 2)`), and helpers: dtype/shape queries, literals
shaped like a value, casts, re-inserting reduced axes and summing over broadcast axes.
Shared by every family module of passes/grad (elemwise, math, nnet, ...).

An arithmetic operator on an `Expr` makes the mt op (`+` AddOp, `-` SubOp, `*` MulOp,
`/` TrueDivOp, `**` PowOp, unary `-` NegOp); a Python number beside it becomes a literal
of the Expr's dtype and rank (`const`), so `x + 1` is `add(x, [1.0])` broadcast. The
methods `cast`, `dimshuffle`, `sum`, `expand`, `flip` and the functions `apply`, `exp`,
`log`, ... build the other ops; `dtype`, `shape`, `rank` query the value."""

from __future__ import annotations

from typing import Any, Union

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.passes.grad.core import ZERO, Builder, Node, materialize


def dtype(b: Builder, v: Any) -> str:
    return dt.dtype_of(b.type_of(v))


def shape(b: Builder, v: Any) -> tuple[int, ...]:
    return dt.shape_of(b.type_of(v))


def const(b: Builder, value: float, like: Any) -> Any:
    """A literal with like's dtype and rank (all dims broadcastable)."""
    return b.constant(np.full((1,) * len(shape(b, like)), value, dtype=dtype(b, like)))


def mk(b: Builder, op: type, *inputs: Any, **params: Any) -> Any:
    return b.make(op, list(inputs), **params)


def cast(b: Builder, v: Any, to: str) -> Any:
    return v if dtype(b, v) == to else mk(b, mt.CastOp, v, dtype=to)


def expand(b: Builder, g: Any, axes: tuple[int, ...], rank: int) -> Any:
    """Re-insert reduced `axes` as broadcastable dims (the inverse of a reduction)."""
    if not axes:
        return g
    it = iter(range(rank - len(axes)))
    return mk(b, mt.DimShuffleOp, g, pattern=tuple(-1 if a in axes else next(it) for a in range(rank)))


def unbroadcast(b: Builder, g: Any, x: Any) -> Any:
    """Sum g over the axes along which x was broadcast; give it x's dtype."""
    xs, gs = shape(b, x), shape(b, g)
    axes = tuple(a for a, (n, m) in enumerate(zip(xs, gs)) if n == 1 and m != 1)
    if axes:
        g = expand(b, mk(b, mt.SumOp, g, axes=axes), axes, len(xs))
    return cast(b, g, dtype(b, x))


def count(b: Builder, x: Any, axes: tuple[int, ...], like: Any) -> Any:
    """The number of elements reduced over `axes`, as a scalar of like's dtype and rank."""
    shp = mk(b, mt.ShapeOp, x)
    n: Any = None
    for a in axes:
        size = mk(b, mt.SubtensorOp, shp, starts=(a,), stops=(a + 1,), steps=(1,), squeeze=(0,))
        n = size if n is None else mk(b, mt.MulOp, n, size)
    n = cast(b, n if n is not None else b.constant(np.array(1, np.int64)), dtype(b, like))
    rank = len(shape(b, like))
    return mk(b, mt.DimShuffleOp, n, pattern=(-1,) * rank) if rank else n


def reduce_to(b: Builder, g: Any, y: Any) -> Any:
    """g summed down to the shape and dtype of y, which g's shape broadcasts from (leading
    axes y lacks, then y's broadcastable axes)."""
    extra = len(shape(b, g)) - len(shape(b, y))
    if extra > 0:
        g = mk(b, mt.SumOp, g, axes=tuple(range(extra)))
    return unbroadcast(b, g, y)


def active(t: Any) -> bool:
    """Whether a gradient or tangent carries anything (is neither absent nor ZERO)."""
    return t is not None and t is not ZERO


def zero_grads(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    """Pullback of a piecewise-constant or integer-valued op: connected, zero."""
    return [ZERO] * len(n.inputs)


def linear_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    """Pushforward of an op linear in its first input (structure, indexing reads): the
    same op applied to the tangent, with the other operands and parameters unchanged."""
    t = tins[0]
    return [None if t is None or t is ZERO else mk(b, n.op, t, *n.inputs[1:], **n.params)]


def i64(b: Builder, v: int) -> Any:
    """A 0-d int64 literal."""
    return b.constant(np.array(v, dtype=np.int64))


def size_of(b: Builder, x: Any, axis: int) -> Any:
    """x.shape[axis] as a 0-d int64 value (a literal when static)."""
    n = shape(b, x)[axis]
    if n >= 0:
        return i64(b, n)
    shp = mk(b, mt.ShapeOp, x)
    return mk(b, mt.SubtensorOp, shp, starts=(axis,), stops=(axis + 1,), steps=(1,), squeeze=(0,))


def arange_along(b: Builder, x: Any, axis: int, rank: int) -> Any:
    """0..x.shape[axis]-1 as int64, shaped to broadcast along `axis` of a rank-`rank` array."""
    r = mk(b, mt.ArangeOp, i64(b, 0), size_of(b, x, axis), i64(b, 1))
    if rank == 1:
        return r
    return mk(b, mt.DimShuffleOp, r, pattern=tuple(0 if d == axis else -1 for d in range(rank)))


def flip(b: Builder, v: Any, axis: int) -> Any:
    """v reversed along axis."""
    hi, lo = mt.NONE_HI, mt.NONE_LO
    return mk(b, mt.SubtensorOp, v, starts=(0,) * axis + (hi,), stops=(hi,) * axis + (lo,),
              steps=(1,) * axis + (-1,), squeeze=())


def scatter(b: Builder, x: Any, g: Any, index: list[Any], axes: tuple[int, ...]) -> Any:
    """Zeros like x with g added at `index` (repeated indices accumulate)."""
    return mk(b, mt.AdvancedIncSubtensorOp, materialize(b, ZERO, x), g, *index, axes=axes)


class Expr:
    """A value and the builder that made it; operators build mt ops (see the module doc)."""

    __slots__ = ("b", "v")

    def __init__(self, b: Builder, v: Any) -> None:
        self.b, self.v = b, v

    def _other(self, o: "Operand") -> Any:
        if isinstance(o, Expr):
            return o.v
        return const(self.b, float(o), self.v) if isinstance(o, (int, float)) else o

    def _bin(self, op: type, o: "Operand", reflected: bool = False) -> "Expr":
        ov = self._other(o)
        return Expr(self.b, mk(self.b, op, ov, self.v) if reflected else mk(self.b, op, self.v, ov))

    def __add__(self, o: "Operand") -> "Expr": return self._bin(mt.AddOp, o)
    def __radd__(self, o: "Operand") -> "Expr": return self._bin(mt.AddOp, o, True)
    def __sub__(self, o: "Operand") -> "Expr": return self._bin(mt.SubOp, o)
    def __rsub__(self, o: "Operand") -> "Expr": return self._bin(mt.SubOp, o, True)
    def __mul__(self, o: "Operand") -> "Expr": return self._bin(mt.MulOp, o)
    def __rmul__(self, o: "Operand") -> "Expr": return self._bin(mt.MulOp, o, True)
    def __truediv__(self, o: "Operand") -> "Expr": return self._bin(mt.TrueDivOp, o)
    def __rtruediv__(self, o: "Operand") -> "Expr": return self._bin(mt.TrueDivOp, o, True)
    def __pow__(self, o: "Operand") -> "Expr": return self._bin(mt.PowOp, o)
    def __neg__(self) -> "Expr": return Expr(self.b, mk(self.b, mt.NegOp, self.v))

    @property
    def dtype(self) -> str:
        return dtype(self.b, self.v)

    @property
    def shape(self) -> tuple[int, ...]:
        return shape(self.b, self.v)

    @property
    def rank(self) -> int:
        return len(self.shape)

    def cast(self, to: str) -> "Expr":
        """This value as dtype `to` (itself when it has it already)."""
        return Expr(self.b, cast(self.b, self.v, to))

    def dimshuffle(self, *pattern: int) -> "Expr":
        return Expr(self.b, mk(self.b, mt.DimShuffleOp, self.v, pattern=pattern))

    def sum(self, axes: tuple[int, ...]) -> "Expr":
        return Expr(self.b, mk(self.b, mt.SumOp, self.v, axes=axes))

    def expand(self, axes: tuple[int, ...], rank: int) -> "Expr":
        """The reduced `axes` re-inserted as broadcastable dims (see `expand`)."""
        return Expr(self.b, expand(self.b, self.v, axes, rank))

    def flip(self, axis: int) -> "Expr":
        return Expr(self.b, flip(self.b, self.v, axis))


Operand = Union[Expr, Any, float]


def apply(op: type, *args: Operand, **params: Any) -> Expr:
    """The mt op `op` applied to Exprs (and raw values), as an Expr."""
    e = next(a for a in args if isinstance(a, Expr))
    return Expr(e.b, mk(e.b, op, *(a.v if isinstance(a, Expr) else a for a in args), **params))


def lit(e: Expr, value: float) -> Expr:
    """A literal with e's dtype and rank (all dims broadcastable)."""
    return Expr(e.b, const(e.b, value, e.v))


def zeros_like(e: Expr) -> Expr:
    """A zero tensor shaped like e (a materialized ZERO gradient)."""
    return Expr(e.b, materialize(e.b, ZERO, e.v))


def exp(e: Expr) -> Expr: return apply(mt.ExpOp, e)
def log(e: Expr) -> Expr: return apply(mt.LogOp, e)
def sqrt(e: Expr) -> Expr: return apply(mt.SqrtOp, e)
def sin(e: Expr) -> Expr: return apply(mt.SinOp, e)
def cos(e: Expr) -> Expr: return apply(mt.CosOp, e)
def sign(e: Expr) -> Expr: return apply(mt.SignOp, e)
def sigmoid(e: Expr) -> Expr: return apply(mt.SigmoidOp, e)
def second(like: Expr, e: Expr) -> Expr: return apply(mt.SecondOp, like, e)


def partial(f: Any) -> Any:
    """A `PARTIAL` entry from `f(i, g, *ins, z)` over Exprs: the inputs, then the output."""
    def rule(b: Builder, n: Node, i: int, g: Any) -> Any:
        ins = [Expr(b, v) for v in n.inputs]
        out = f(i, Expr(b, g), *ins, Expr(b, n.outputs[0]))
        return out.v if isinstance(out, Expr) else out
    return rule


def unary(f: Any) -> Any:
    """A unary `PARTIAL` entry from `f(g, x, z)` over Exprs (x the input, z the output)."""
    return partial(lambda i, g, x, z: f(g, x, z))
