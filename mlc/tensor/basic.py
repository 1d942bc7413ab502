"""The machinery every function module of `mlc.tensor` builds on: constants, Python
scalars, the elementwise broadcasting helper, axis normalization and the factories of
one-op functions.

`elemwise` is where Theano's broadcasting meets NumPy's promotion: lower-rank operands
get leading broadcastable axes through `mt.dimshuffle`, and Python scalars are NEP 50
"weak" (`fvector + 2.0` stays float32), with Theano's twist that a Python float next to
integers takes `config.floatX` into the promotion. Dtype rules themselves live in
`mlc.dialects.dtypes` and are applied by the op classes' `infer`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Optional, Sequence

import numpy as np

from mlc.config import config
from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.srcloc import at, user_location
from mlc.tensor.variable import Constant, Variable, apply


_upcast = lru_cache(maxsize=1024)(dt.upcast)
WEAK_TYPES = (bool, int, float)
"""Python scalars (not NumPy scalars) are weakly typed in arithmetic (NEP 50)."""


def _is_weak(x: Any) -> bool:
    return type(x) in WEAK_TYPES


def _python_array(x: Any) -> np.ndarray:
    """A Python scalar or nested list as an array: Python floats become floatX."""
    if isinstance(x, complex) or (isinstance(x, (list, tuple)) and _has_symbolic(x)):
        what = "complex numbers are" if isinstance(x, complex) else "lists of symbolic variables are"
        raise TypeError(f"cannot make a tensor constant from {x!r}: {what} not supported yet")
    arr = np.asarray(x)
    if arr.dtype == np.float64 and not isinstance(x, np.ndarray):
        arr = arr.astype(config.floatX)
    return arr


def _has_symbolic(seq: Any) -> bool:
    if isinstance(seq, Variable):
        return True
    return isinstance(seq, (list, tuple)) and any(_has_symbolic(s) for s in seq)


def constant(x: Any, name: Optional[str] = None, ndim: Optional[int] = None,
             dtype: Any = None) -> Constant:
    """A constant tensor. NumPy values keep their dtype; Python floats take floatX."""
    if isinstance(x, Variable):
        raise TypeError(f"T.constant: {x!r} is already a symbolic variable")
    arr = _python_array(x) if not isinstance(x, (np.ndarray, np.generic)) else np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"T.constant: cannot make a tensor constant from {x!r} "
                        f"(dtype {arr.dtype} is not numeric)")
    target = dt.check_dtype(arr.dtype if dtype is None else dtype)
    if ndim is not None and arr.ndim != ndim:
        if arr.ndim > ndim:
            raise TypeError(f"T.constant: value has {arr.ndim} dims, expected {ndim}")
        arr = arr.reshape((1,) * (ndim - arr.ndim) + arr.shape)
    return Constant(arr.astype(target, copy=False), name, user_location())


def as_tensor_variable(x: Any, name: Optional[str] = None, ndim: Optional[int] = None) -> Variable:
    """`x` itself if it is a symbolic variable, else a constant (see `constant`)."""
    if isinstance(x, Variable):
        if ndim is not None and x.ndim != ndim:
            raise TypeError(f"as_tensor_variable: {x!r} has {x.ndim} dims, expected {ndim}")
        return x
    return constant(x, name=name, ndim=ndim)


def weak_dtype(value: Any, strong: Optional[str], fn: str, widen_ints: bool = False) -> str:
    """The dtype a Python scalar takes beside tensors of (promoted) dtype `strong`."""
    kind = type(value)
    if strong is None:
        return "bool" if kind is bool else ("int64" if kind is int else config.floatX)
    if kind is bool:
        return strong
    if kind is float:
        return strong if dt.is_float(strong) else dt.upcast(strong, config.floatX)
    if strong == "bool":
        return "int64"
    if dt.is_int(strong):
        info = np.iinfo(strong)
        if not info.min <= value <= info.max:
            if widen_ints:
                return "int64"
            raise OverflowError(f"{fn}: Python integer {value} is out of bounds for {strong} "
                                f"(cast the tensor or wrap the number in np.int64)" + at())
    return strong


def elemwise(op: type, args: Sequence[Any], fn: str, weak_from: Optional[Sequence[int]] = None,
             widen_ints: bool = False) -> Variable:
    """Apply an elementwise op with Theano broadcasting and NEP 50 weak Python scalars.

    `weak_from`: indices of the operands whose dtypes decide the dtype of Python scalars
    (all operands by default; `switch` excludes its condition)."""
    loc = user_location()
    strong = [a if isinstance(a, Variable) else constant(a) if not _is_weak(a) else None for a in args]
    picked = range(len(args)) if weak_from is None else weak_from
    common = None
    if any(v is None for v in strong):
        dtypes = tuple(strong[i].dtype for i in picked if strong[i] is not None)  # type: ignore[union-attr]
        common = _upcast(*dtypes) if dtypes else None
    rank = max((v.ndim for v in strong if v is not None), default=0)
    operands = []
    for i, (a, v) in enumerate(zip(args, strong)):
        if v is None:
            d = weak_dtype(a, common if i in picked else None, fn, widen_ints)
            v = Constant(np.array(a, dtype=d).reshape((1,) * rank), None, loc)
        elif v.ndim < rank:
            v = _expand(v, rank, fn, loc)
        operands.append(v)
    return apply(op, operands, fn, loc)


def _expand(v: Variable, rank: int, fn: str, loc: Any) -> Variable:
    if isinstance(v, Constant):
        return Constant(v.data.reshape((1,) * (rank - v.ndim) + v.data.shape), v.name, loc)
    pattern = (-1,) * (rank - v.ndim) + tuple(range(v.ndim))
    return apply(mt.DimShuffleOp, [v], fn, loc, pattern=pattern)


def normalize_axes(axis: Any, ndim: int, fn: str) -> tuple[int, ...]:
    """Sorted non-negative axes from None, an int or a sequence of ints (NumPy rules)."""
    if axis is None:
        return tuple(range(ndim))
    items = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for a in items:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{fn}: axis must be None, an int or a tuple of ints, "
                            f"got {axis!r}" + at())
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(f"{fn}: axis {a} is out of bounds for a {ndim}-d "
                                          "tensor" + at())
        out.append(int(a) % ndim if ndim else int(a))
    if len(set(out)) != len(out):
        raise ValueError(f"{fn}: duplicate value in axis {axis!r}" + at())
    return tuple(sorted(out))


def unary_function(op: type, name: str, doc: str) -> Callable[[Any], Variable]:
    """`T.<name>(x)`: one `op` on x, documented by `doc`."""
    def fn(x: Any) -> Variable:
        return apply(op, [as_tensor_variable(x)], f"T.{name}")
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


def binary_function(op: type, name: str, doc: str, widen_ints: bool = False) -> Callable[[Any, Any], Variable]:
    """`T.<name>(x, y)`: one elementwise `op` on x and y, broadcast (see `elemwise`)."""
    def fn(x: Any, y: Any) -> Variable:
        return elemwise(op, (x, y), f"T.{name}", widen_ints=widen_ints)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn
