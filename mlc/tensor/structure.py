"""The structure family of the frontend: shapes, reshapes, dimshuffles and the
functions that build, join and cut tensors (`T.shape`, `T.reshape`, `T.dimshuffle`,
`T.transpose`, `T.flatten`, `T.squeeze`, `T.expand_dims`, `T.concatenate`/`T.join`,
`T.stack`, `T.split`, `T.repeat`, `T.tile`, `T.alloc`, `T.zeros`/`T.ones` (and
`_like`), `T.fill`, `T.arange`, `T.eye`, `T.identity_like`, `T.diag`,
`T.specify_shape`), and the size helpers the other families share.

Sizes may be Python ints or symbolic integer scalars such as `x.shape[0]`; a symbolic
vector of static length (such as `x.shape`) stands for its entries. Sizes known at
build time (ints, constants, `x.shape[i]` of a static dim) go into the result type; the
others become 0-d int64 operands of the `mt` op. Repeat and tile are `mt.alloc` of a
broadcast view followed by a reshape, one pass over the result.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from mlc.config import config
from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.srcloc import at
from mlc.tensor.basic import as_tensor_variable, constant, normalize_axes, weak_dtype
from mlc.tensor.elemwise import cast, mul
from mlc.tensor.variable import Constant, Variable, apply


Size = Union[int, Variable]
"""A size: a static int or a 0-d int64 variable."""


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


def _static_dim(v: Variable) -> Optional[int]:
    """The value of `x.shape[i]` when x's dim i is static, else None."""
    node = v.owner
    if node is None or node.op is not mt.SubtensorOp or node.params["squeeze"] != (0,):
        return None
    shape_node = node.inputs[0].owner
    if shape_node is None or shape_node.op is not mt.ShapeOp:
        return None
    x = shape_node.inputs[0]
    d = x.type.dims[node.params["starts"][0] % x.ndim]
    return d if d >= 0 else None


def as_size(entry: Any, fn: str, allow_infer: bool = False) -> Size:
    """One shape entry as a static int (>= 0, or -1 with `allow_infer`) or an int64 scalar."""
    if isinstance(entry, Constant) and entry.ndim == 0 and entry.dtype.startswith("int"):
        entry = entry.data.item()
    if isinstance(entry, (int, np.integer)) and not isinstance(entry, (bool, np.bool_)):
        n = int(entry)
        if n < 0 and not (allow_infer and n == -1):
            raise ValueError(f"{fn}: negative dimensions are not allowed, got {n}" + at())
        return n
    if isinstance(entry, Variable) and entry.ndim == 0 and entry.dtype.startswith("int"):
        static = _static_dim(entry)
        if static is not None:
            return static
        return entry if entry.dtype == "int64" else cast(entry, "int64")
    raise TypeError(f"{fn}: shape entries must be ints or symbolic integer scalars, got "
                    f"{entry!r}" + at())


def shape_entries(shape: Any, fn: str) -> list[Any]:
    """The entries of a shape given as an int, a sequence, or a vector of static length."""
    if isinstance(shape, Constant) and shape.ndim == 1:
        return list(shape.data)
    if isinstance(shape, Variable):
        if shape.ndim == 0:
            return [shape]
        if shape.ndim == 1 and shape.type.dims[0] >= 0:
            return [shape[i] for i in range(shape.type.dims[0])]
        raise TypeError(f"{fn}: a symbolic shape must be a vector of static length (such as "
                        f"x.shape), got {shape!r} of type {shape.type}" + at())
    if isinstance(shape, np.ndarray) and shape.ndim <= 1:
        return list(shape.reshape(-1))
    if isinstance(shape, (list, tuple)):
        return list(shape)
    return [shape]


def size_operands(sizes: Sequence[Size]) -> tuple[tuple[int, ...], list[Variable]]:
    """(`shape` parameter with -1 for symbolic entries, the symbolic entries)."""
    static = tuple(-1 if isinstance(s, Variable) else s for s in sizes)
    return static, [s for s in sizes if isinstance(s, Variable)]


def dim(x: Variable, i: int) -> Size:
    """Size of axis i of x: its static size, or `x.shape[i]`."""
    d = x.type.dims[i]
    return d if d >= 0 else x.shape[i]


def mul_sizes(a: Size, b: Size) -> Size:
    if isinstance(a, int) and isinstance(b, int):
        return a * b
    if a == 1 or b == 1:
        return b if a == 1 else a
    return mul(a, b)


def axes_size(x: Variable, axes: Sequence[int]) -> Size:
    """The number of elements of x over `axes`: an int when all their sizes are static."""
    n: Size = 1
    for a in axes:
        n = mul_sizes(n, dim(x, a))
    return n


def along_axis(op: type, x: Any, axis: Any, fn: str) -> Variable:
    """`op` applied along one axis of x, or along the flattened x when `axis` is None
    (NumPy's rule for cumsum and sort)."""
    x = as_tensor_variable(x)
    if axis is None:
        x, ax = flatten(x), 0
    else:
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError(f"{fn}: axis must be None or an int, got {axis!r}" + at())
        ax = normalize_axes(axis, x.ndim, fn)[0]
    return apply(op, [x], fn, axis=ax)


def reshape_to(x: Variable, sizes: Sequence[Size], fn: str) -> Variable:
    """x reshaped to sizes that are all known (no -1 entries)."""
    if all(isinstance(s, int) for s in sizes):
        if tuple(sizes) == x.type.dims:
            return x
        return apply(mt.ReshapeOp, [x], fn, shape=tuple(sizes))
    static, operands = size_operands(sizes)
    return apply(mt.DynReshapeOp, [x, *operands], fn, shape=static)


def symbolic_reshape(x: Variable, shape: Any, ndim: Optional[int] = None) -> Variable:
    """`x.reshape(shape)` where entries may be symbolic (one entry may be -1, also at run
    time, as in NumPy)."""
    sizes = [as_size(e, "reshape", allow_infer=True) for e in shape_entries(shape, "reshape")]
    if ndim is not None and ndim != len(sizes):
        raise ValueError(f"reshape: ndim={ndim} but the shape has {len(sizes)} entries" + at())
    if sum(1 for s in sizes if isinstance(s, int) and s == -1) > 1:
        raise ValueError("reshape: can only specify one unknown dimension (-1)" + at())
    if all(isinstance(s, int) for s in sizes):
        return apply(mt.ReshapeOp, [x], "reshape", shape=tuple(sizes))
    operands = [s if isinstance(s, Variable) else constant(np.int64(-1)) for s in sizes
                if isinstance(s, Variable) or s == -1]
    static = tuple(-1 if isinstance(s, Variable) else s for s in sizes)
    return apply(mt.DynReshapeOp, [x, *operands], "reshape", shape=static)


def specify_shape(x: Any, shape: Any) -> Variable:
    """x itself, checked at run time to have `shape` (PyTensor); None entries are free."""
    x = as_tensor_variable(x)
    entries = shape_entries(shape, "specify_shape")
    if len(entries) != x.ndim:
        raise ValueError(f"specify_shape: {x.ndim}-d input, but {len(entries)} sizes" + at())
    sizes = [dim(x, i) if e is None else as_size(e, "specify_shape") for i, e in enumerate(entries)]
    static, operands = size_operands(sizes)
    if static == x.type.dims and not operands:
        return x
    return apply(mt.SpecifyShapeOp, [x, *operands], "specify_shape", shape=static)


def flatten(x: Any, ndim: int = 1, outdim: Optional[int] = None) -> Variable:
    """Collapse the trailing axes so the result has `ndim` dims (Theano's flatten)."""
    x = as_tensor_variable(x)
    nd = outdim if outdim is not None else ndim
    if not 1 <= nd <= max(x.ndim, 1):
        raise ValueError(f"flatten: ndim must be in [1, {max(x.ndim, 1)}], got {nd}" + at())
    if nd == x.ndim:
        return x
    last: Size = 1
    for i in range(nd - 1, x.ndim):
        last = mul_sizes(last, dim(x, i))
    return reshape_to(x, [dim(x, i) for i in range(nd - 1)] + [last], "flatten")


ravel = flatten


def squeeze(x: Any, axis: Any = None) -> Variable:
    """Drop axes of size 1: the broadcastable ones by default, or those in `axis` (a
    dynamic axis is checked to be 1 at run time)."""
    x = as_tensor_variable(x)
    if axis is None:
        axes = tuple(i for i, d in enumerate(x.type.dims) if d == 1)
    else:
        axes = normalize_axes(axis, x.ndim, "squeeze")
    for a in axes:
        if x.type.dims[a] not in (1, dt.DYN):
            raise ValueError(f"squeeze: cannot select an axis to squeeze out which has size "
                             f"{x.type.dims[a]} (axis {a})" + at())
    x = specify_shape(x, [1 if i in axes else None for i in range(x.ndim)])
    return dimshuffle(x, [i for i in range(x.ndim) if i not in axes])


def expand_dims(a: Any, axis: Any) -> Variable:
    """New broadcastable axes at the positions `axis` of the result (NumPy)."""
    a = as_tensor_variable(a)
    count = len(axis) if isinstance(axis, (tuple, list)) else 1
    new = normalize_axes(axis, a.ndim + count, "expand_dims")
    kept = iter(range(a.ndim))
    return dimshuffle(a, ["x" if i in new else next(kept) for i in range(a.ndim + count)])


def shape_padleft(t: Any, n_ones: int = 1) -> Variable:
    """`n_ones` broadcastable axes in front."""
    t = as_tensor_variable(t)
    return dimshuffle(t, ["x"] * n_ones + list(range(t.ndim)))


def shape_padright(t: Any, n_ones: int = 1) -> Variable:
    """`n_ones` broadcastable axes at the end."""
    t = as_tensor_variable(t)
    return dimshuffle(t, list(range(t.ndim)) + ["x"] * n_ones)


def shape_padaxis(t: Any, axis: int) -> Variable:
    """A broadcastable axis at position `axis` (negative counts from the end)."""
    return expand_dims(t, axis)


def _join_axis(axis: Any, ndim: int, fn: str) -> int:
    if isinstance(axis, Variable) and not isinstance(axis, Constant):
        raise TypeError(f"{fn}: the axis must be a constant integer, got {axis!r}" + at())
    if ndim == 0:
        raise ValueError(f"{fn}: zero-dimensional arrays cannot be concatenated" + at())
    return normalize_axes(int(as_size_int(axis, fn)), ndim, fn)[0]


def as_size_int(v: Any, fn: str) -> int:
    if isinstance(v, Constant) and v.ndim == 0:
        v = v.data.item()
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{fn}: expected a constant integer, got {v!r}" + at())
    return int(v)


def as_size_entry(e: Any) -> Variable:
    """A split size as an integer tensor (symbolic entries stay as they are)."""
    return e if isinstance(e, Variable) else constant(np.int64(e))


def concatenate(tensor_list: Sequence[Any], axis: int = 0) -> Variable:
    """Join tensors of equal rank along an existing axis (dtype: their promotion)."""
    if isinstance(tensor_list, Variable) or not isinstance(tensor_list, (list, tuple)) or not tensor_list:
        raise TypeError("concatenate: expects a non-empty list of tensors" + at())
    tensors = [as_tensor_variable(t) for t in tensor_list]
    ax = _join_axis(axis, tensors[0].ndim, "concatenate")
    if len(tensors) == 1:
        return tensors[0]
    return apply(mt.JoinOp, tensors, "concatenate", axis=ax)


def join(axis: int, *tensors_list: Any) -> Variable:
    """Theano's `join(axis, *tensors)`: `concatenate(tensors, axis)`."""
    return concatenate(list(tensors_list), axis)


def stack(*tensors: Any, axis: int = 0) -> Variable:
    """Join tensors of equal shape along a new axis: `stack([a, b], axis=0)` or Theano's
    older `stack(a, b, c)` (scalars make a vector)."""
    listed = len(tensors) == 2 and isinstance(tensors[0], (list, tuple))
    if listed and not isinstance(tensors[1], (list, tuple)):  # stack([a, b], 1)
        tensors, axis = tuple(tensors[0]), tensors[1]
    elif len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise ValueError("stack: needs at least one tensor" + at())
    vs = [as_tensor_variable(t) for t in tensors]
    ax = normalize_axes(as_size_int(axis, "stack"), vs[0].ndim + 1, "stack")[0]
    expanded = [expand_dims(v, ax) for v in vs]
    if len(expanded) == 1:
        return expanded[0]
    return apply(mt.JoinOp, expanded, "stack", axis=ax)


def split(x: Any, splits_size: Any, n_splits: int, axis: int = 0) -> list[Variable]:
    """Cut x along `axis` into `n_splits` consecutive pieces of the given sizes (a list
    or an integer vector, checked at run time to sum to the axis size)."""
    x = as_tensor_variable(x)
    n = as_size_int(n_splits, "split")
    ax = normalize_axes(as_size_int(axis, "split"), x.ndim, "split")[0]
    if n < 1:
        raise ValueError(f"split: n_splits must be positive, got {n}" + at())
    if isinstance(splits_size, (list, tuple)) and any(isinstance(e, Variable) for e in splits_size):
        if len(splits_size) != n:
            raise ValueError(f"split: expected {n} split sizes, got {len(splits_size)}" + at())
        splits_size = stack([cast(as_size_entry(e), "int64") for e in splits_size])
    if not isinstance(splits_size, Variable):
        sizes = np.asarray(splits_size)
        if sizes.ndim != 1 or sizes.dtype.kind not in "iu" or len(sizes) != n:
            raise ValueError(f"split: expected {n} integer split sizes, got {splits_size!r}" + at())
        splits_size = constant(sizes.astype(np.int64))
    if splits_size.ndim != 1 or not splits_size.dtype.startswith("int"):
        raise TypeError(f"split: split sizes must be an integer vector, got {splits_size!r}" + at())
    s = cast(splits_size, "int64")
    return [apply(mt.SplitOp, [x, s], "split", axis=ax, n=n, index=i) for i in range(n)]


def repeat(x: Any, repeats: Any, axis: Optional[int] = None) -> Variable:
    """Repeat each element of x along `axis` (the flattened x by default): `repeats` is a
    count for all, or an integer vector with one count per element (NumPy)."""
    x = as_tensor_variable(x)
    if axis is None:
        x, ax = flatten(x), 0
    else:
        ax = normalize_axes(as_size_int(axis, "repeat"), x.ndim, "repeat")[0]
    if isinstance(repeats, (list, tuple, np.ndarray)):
        repeats = constant(np.asarray(repeats, dtype=np.int64).reshape(-1))
    if isinstance(repeats, Constant) and repeats.ndim == 1 and repeats.data.size == 1:
        repeats = constant(repeats.data.reshape(()))
    if isinstance(repeats, Variable) and repeats.ndim == 1:
        if not repeats.dtype.startswith("int"):
            raise TypeError(f"repeat: repeats must be integers, got {repeats!r}" + at())
        return apply(mt.RepeatOp, [x, cast(repeats, "int64")], "repeat", axis=ax)
    r = as_size(repeats, "repeat")
    if r == 1:
        return x
    sizes = [dim(x, i) for i in range(x.ndim)]
    xe = dimshuffle(x, list(range(ax + 1)) + ["x"] + list(range(ax + 1, x.ndim)))
    wide = alloc(xe, *sizes[:ax + 1], r, *sizes[ax + 1:])
    return reshape_to(wide, sizes[:ax] + [mul_sizes(sizes[ax], r)] + sizes[ax + 1:], "repeat")


def tile(x: Any, reps: Any, ndim: Optional[int] = None) -> Variable:
    """x repeated `reps[i]` times along axis i (NumPy's tile; x gets leading axes or reps
    leading 1s to match)."""
    x = as_tensor_variable(x)
    counts = [as_size(r, "tile") for r in shape_entries(reps, "tile")]
    d = max(len(counts), x.ndim, ndim or 0)
    x = shape_padleft(x, d - x.ndim) if d > x.ndim else x
    counts = [1] * (d - len(counts)) + counts
    if all(isinstance(r, int) and r == 1 for r in counts):
        return x
    pattern: list[Any] = []
    wide: list[Size] = []
    for i, r in enumerate(counts):
        if not (isinstance(r, int) and r == 1):
            pattern.append("x")
            wide.append(r)
        pattern.append(i)
        wide.append(dim(x, i))
    big = alloc(dimshuffle(x, pattern), *wide)
    return reshape_to(big, [mul_sizes(r, dim(x, i)) for i, r in enumerate(counts)], "tile")


def alloc(value: Any, *shape: Any) -> Variable:
    """A tensor of `shape` filled with `value` (which broadcasts over the trailing axes)."""
    value = as_tensor_variable(value)
    entries = [e for s in shape for e in shape_entries(s, "alloc")] if len(shape) == 1 else list(shape)
    static, operands = size_operands([as_size(e, "alloc") for e in entries])
    return apply(mt.AllocOp, [value, *operands], "alloc", shape=static)


def _filled(fill_value: int, shape: Any, dtype: Any, fn: str) -> Variable:
    dtype = dt.check_dtype(config.floatX if dtype is None else dtype)
    static, operands = size_operands([as_size(e, fn) for e in shape_entries(shape, fn)])
    value = constant(np.array(fill_value, dtype=dtype))
    return apply(mt.AllocOp, [value, *operands], fn, shape=static)


def zeros(shape: Any, dtype: Any = None) -> Variable:
    """A tensor of zeros (dtype floatX by default)."""
    return _filled(0, shape, dtype, "zeros")


def ones(shape: Any, dtype: Any = None) -> Variable:
    """A tensor of ones (dtype floatX by default)."""
    return _filled(1, shape, dtype, "ones")


def _like(model: Any, fill_value: int, dtype: Any, fn: str) -> Variable:
    model = as_tensor_variable(model)
    sizes = [dim(model, i) for i in range(model.ndim)]
    return _filled(fill_value, sizes, model.dtype if dtype is None else dtype, fn)


def zeros_like(model: Any, dtype: Any = None, opt: bool = False) -> Variable:
    """Zeros of model's shape (and dtype, unless given)."""
    return _like(model, 0, dtype, "zeros_like")


def ones_like(model: Any, dtype: Any = None, opt: bool = False) -> Variable:
    """Ones of model's shape (and dtype, unless given)."""
    return _like(model, 1, dtype, "ones_like")


def fill(model: Any, value: Any) -> Variable:
    """`value` broadcast to the shape of `model` (Theano's fill/second); a Python number
    takes model's dtype."""
    model = as_tensor_variable(model)
    if type(value) in (bool, int, float):
        value = constant(np.array(value, dtype=weak_dtype(value, model.dtype, "fill")))
    value = as_tensor_variable(value)
    rank = max(model.ndim, value.ndim)
    sizes: list[Size] = []
    for k in range(rank):
        m, v = k - (rank - model.ndim), k - (rank - value.ndim)
        if m >= 0 and model.type.dims[m] != 1:
            sizes.append(dim(model, m))
        else:
            sizes.append(dim(value, v) if v >= 0 else 1)
    return alloc(value, *sizes)


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: Any = None) -> Variable:
    """NumPy's arange with constant or symbolic scalar bounds; integer bounds give int64
    (Theano), and the bounds are cast to the dtype first."""
    if stop is None:
        start, stop = 0, start
    args = [start, stop, step]
    for a in args:
        if isinstance(a, Variable) and a.ndim != 0:
            raise TypeError(f"arange: start, stop and step must be scalars, got {a!r}" + at())
    if dtype is None:
        kinds = [a.dtype if isinstance(a, Variable) else np.asarray(a).dtype.name
                 if not isinstance(a, float) else config.floatX for a in args]
        target = dt.upcast(*kinds)
        target = target if dt.is_float(target) else "int64"
    else:
        target = dt.check_dtype(dtype)
    if target == "bool":
        raise TypeError("arange: bool is not a valid dtype" + at())
    vals = [cast(a, target) if isinstance(a, Variable) else constant(np.array(a).astype(target))
            for a in args]
    if isinstance(vals[2], Constant) and vals[2].data == 0:
        raise ValueError("arange: step cannot be zero" + at())
    return apply(mt.ArangeOp, vals, "arange")


def eye(n: Any, m: Any = None, k: int = 0, dtype: Any = None) -> Variable:
    """An n x m matrix with ones on diagonal k (dtype floatX by default)."""
    sizes = [as_size(n, "eye"), as_size(n if m is None else m, "eye")]
    static, operands = size_operands(sizes)
    dtype = dt.check_dtype(config.floatX if dtype is None else dtype)
    return apply(mt.EyeOp, operands, "eye", shape=static, k=as_size_int(k, "eye"), dtype=dtype)


def identity_like(x: Any, dtype: Any = None) -> Variable:
    """The identity matrix of x's shape (x a matrix) and dtype."""
    x = as_tensor_variable(x)
    if x.ndim != 2:
        raise TypeError(f"identity_like: x must be a matrix, got {x.ndim} dims" + at())
    return eye(dim(x, 0), dim(x, 1), 0, x.dtype if dtype is None else dtype)


def diag(v: Any, k: int = 0) -> Variable:
    """A vector's square diagonal matrix, or a matrix's diagonal k (NumPy's diag)."""
    v = as_tensor_variable(v)
    offset = as_size_int(k, "diag")
    if v.ndim == 1:
        return apply(mt.AllocDiagOp, [v], "diag", offset=offset)
    if v.ndim == 2:
        return apply(mt.ExtractDiagOp, [v], "diag", offset=offset)
    raise ValueError(f"diag: the input must be 1-d or 2-d, got {v.ndim} dims" + at())


__all__ = [
    "shape", "reshape", "dimshuffle", "transpose", "specify_shape", "flatten", "ravel",
    "squeeze", "expand_dims", "shape_padleft", "shape_padright", "shape_padaxis",
    "concatenate", "join", "stack", "split", "repeat", "tile", "alloc", "zeros", "ones",
    "zeros_like", "ones_like", "fill", "arange", "eye", "identity_like", "diag",
]
