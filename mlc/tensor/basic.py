"""Constants, casts, shape-moving functions and the elementwise broadcasting helper.

`elemwise` is where Theano's broadcasting meets NumPy's promotion: lower-rank operands
get leading broadcastable axes through `mt.dimshuffle`, and Python scalars are NEP 50
"weak" (`fvector + 2.0` stays float32), with Theano's twist that a Python float next to
integers takes `config.floatX` into the promotion. Dtype rules themselves live in
`mlc.dialects.dtypes` and are applied by the op classes' `infer`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Optional, Sequence

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


def cast(x: Any, dtype: Any) -> Variable:
    """`x` converted to `dtype` (C/NumPy `astype` semantics); `x` itself if already so."""
    if str(dtype).startswith("complex"):
        raise TypeError(f"T.cast: complex dtypes are not supported yet (got {dtype})")
    target = dt.check_dtype(dtype)
    x = as_tensor_variable(x)
    if x.dtype == target:
        return x
    return apply(mt.CastOp, [x], "T.cast", dtype=target)


def _parse_pattern(x: Variable, pattern: Sequence[Any]) -> tuple[int, ...]:
    if len(pattern) == 1 and isinstance(pattern[0], (list, tuple)):
        pattern = pattern[0]
    out = []
    for p in pattern:
        if p == "x":
            out.append(-1)
        elif isinstance(p, (int, np.integer)) and not isinstance(p, bool) and 0 <= p < x.ndim:
            out.append(int(p))
        else:
            raise ValueError(f"dimshuffle: invalid entry {p!r} in pattern {list(pattern)} for a "
                             f"{x.ndim}-d input (entries are input axes or 'x')" + at())
    return tuple(out)


def dimshuffle(x: Any, *pattern: Any) -> Variable:
    """Theano's DimShuffle: `x.dimshuffle(1, 'x', 0)` reorders axes and inserts
    broadcastable ones; axes left out must be broadcastable."""
    x = as_tensor_variable(x)
    perm = _parse_pattern(x, pattern)
    if perm == tuple(range(x.ndim)):
        return x
    return apply(mt.DimShuffleOp, [x], "dimshuffle", pattern=perm)


def transpose(x: Any, axes: Optional[Sequence[int]] = None) -> Variable:
    """Permute the axes (reverse them by default), like `numpy.transpose`."""
    x = as_tensor_variable(x)
    if axes is None:
        axes = tuple(reversed(range(x.ndim)))
    norm = tuple(int(a) + x.ndim if int(a) < 0 else int(a) for a in axes)
    if sorted(norm) != list(range(x.ndim)):
        raise ValueError(f"transpose: axes {tuple(axes)} are not a permutation of the "
                         f"{x.ndim} axes" + at())
    return dimshuffle(x, norm)


def _static_shape(shape: Any) -> tuple[int, ...]:
    if isinstance(shape, Constant):
        shape = shape.data.tolist()
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"reshape: the shape must be a tuple of ints (symbolic shapes are not "
                        f"supported yet), got {shape!r}" + at())
    dims = []
    for s in shape:
        if isinstance(s, Constant) and s.ndim == 0:
            s = s.data.item()
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"reshape: shape entries must be ints (symbolic sizes are not "
                            f"supported yet), got {s!r}" + at())
        dims.append(int(s))
    return tuple(dims)


def reshape(x: Any, shape: Any, ndim: Optional[int] = None) -> Variable:
    """C-order reshape to a tuple of ints or symbolic integer scalars (such as
    `x.shape[0]`), one of which may be -1."""
    x = as_tensor_variable(x)
    if _symbolic_shape(shape):
        from mlc.tensor.structure2 import symbolic_reshape

        return symbolic_reshape(x, shape, ndim)
    dims = _static_shape(shape)
    if ndim is not None and ndim != len(dims):
        raise ValueError(f"reshape: ndim={ndim} but the shape {dims} has {len(dims)} "
                         "entries" + at())
    if dims == x.type.dims:
        return x
    return apply(mt.ReshapeOp, [x], "reshape", shape=dims)


def _symbolic_shape(shape: Any) -> bool:
    if isinstance(shape, Variable):
        return not isinstance(shape, Constant)
    return isinstance(shape, (list, tuple)) and any(
        isinstance(s, Variable) and not isinstance(s, Constant) for s in shape)


def shape(x: Any) -> Variable:
    """The symbolic shape of `x`: an int64 vector of static length `x.ndim`."""
    return apply(mt.ShapeOp, [as_tensor_variable(x)], "shape")


def switch(cond: Any, ift: Any, iff: Any) -> Variable:
    """Elementwise `ift if cond else iff`, all three broadcast; a non-bool condition is
    true where it is nonzero (Theano)."""
    if isinstance(cond, Variable) and cond.dtype != "bool":
        cond = elemwise(mt.NeqOp, [cond, 0], "switch")
    elif not isinstance(cond, Variable):
        cond = constant(np.asarray(cond).astype(bool))
    return elemwise(mt.SelectOp, [cond, ift, iff], "switch", weak_from=(1, 2))


where = switch
