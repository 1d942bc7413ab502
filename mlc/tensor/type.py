"""`TensorType` (dtype + static rank + per-dim static size or dynamic) and the typed
constructors `T.dscalar`, `T.fmatrix`, `T.vector(dtype=...)`, ...

A frontend type is a thin, hashable view of the builtin xDSL `TensorType` that the `mt`
dialect uses (DESIGN.md "Types"): `.mt` is that type, so type inference for frontend
nodes runs the dialect's own `infer` rules. Theano's broadcastable flag is a static 1.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, ClassVar, Optional, Sequence

from mlc.config import config
from mlc.dialects import dtypes as dt
from mlc.dialects.dtypes import DYN, MAX_RANK
from mlc.srcloc import at, user_location
from mlc.tensor.slots import SlotState


def _normalise_dims(broadcastable: Optional[Sequence[Any]], shape: Optional[Sequence[Any]]) -> tuple[int, ...]:
    if (broadcastable is None) == (shape is None):
        raise TypeError("TensorType needs exactly one of broadcastable=(...) or shape=(...)")
    if broadcastable is not None:
        return tuple(1 if bool(b) else DYN for b in broadcastable)
    dims = []
    for d in shape:  # type: ignore[union-attr]
        if d is None or (isinstance(d, int) and d == -1):
            dims.append(DYN)
        elif isinstance(d, int) and not isinstance(d, bool) and d >= 0:
            dims.append(int(d))
        else:
            raise TypeError(f"TensorType: shape entries must be non-negative ints or None, got {d!r}")
    if len(dims) > MAX_RANK:
        raise ValueError(f"TensorType: {len(dims)} dimensions; mlc supports at most {MAX_RANK}, "
                         f"as NumPy does{at()}")
    return tuple(dims)


class TensorType(SlotState):
    """A tensor type; calling it makes a fresh symbolic variable of that type.

    `TensorType('float32', broadcastable=(False, True))` (Theano) and
    `TensorType('float32', shape=(None, 1))` (PyTensor) are the same type.
    """

    __slots__ = ("dtype", "dims", "mt")
    variable_class: ClassVar[Callable[..., Any]]
    """The class that calling a type instantiates: `Variable`, set by variable.py where
    it is defined (Theano's `TensorType.Variable`), so types never import the nodes."""

    def __init__(self, dtype: Any, broadcastable: Optional[Sequence[Any]] = None,
                 shape: Optional[Sequence[Any]] = None) -> None:
        name = dt.check_dtype(dtype)
        dims = _normalise_dims(broadcastable, shape)
        self.dtype: str = name
        self.dims: tuple[int, ...] = dims
        self.mt = dt.tensor_type(name, dims)

    @staticmethod
    @lru_cache(maxsize=4096)
    def make(dtype: str, dims: tuple[int, ...]) -> "TensorType":
        """Interned type from a checked dtype name and a -1-for-dynamic shape."""
        return TensorType(dtype, shape=dims)

    @staticmethod
    @lru_cache(maxsize=4096)
    def from_mt(t: Any) -> "TensorType":
        """The frontend type of a builtin xDSL tensor type."""
        return TensorType.make(dt.dtype_of(t), dt.shape_of(t))

    @property
    def ndim(self) -> int:
        return len(self.dims)

    @property
    def broadcastable(self) -> tuple[bool, ...]:
        return tuple(d == 1 for d in self.dims)

    @property
    def shape(self) -> tuple[Optional[int], ...]:
        """Static shape with None for dynamic dims (PyTensor's `type.shape`)."""
        return tuple(None if d == DYN else d for d in self.dims)

    def __call__(self, name: Optional[str] = None) -> Any:
        """A fresh graph input of this type (a `Variable`)."""
        return self.variable_class(self, None, None, name, user_location())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TensorType) and (self.dtype, self.dims) == (other.dtype, other.dims)

    def __hash__(self) -> int:
        return hash((self.dtype, self.dims))

    def __repr__(self) -> str:
        return f"TensorType({self.dtype}, shape={self.shape})"

    def __str__(self) -> str:
        return str(self.mt)


_PREFIX_DTYPES = {"b": "int8", "w": "int16", "i": "int32", "l": "int64",
                  "f": "float32", "d": "float64", "c": "complex64", "z": "complex128"}
_KIND_DIMS = {"scalar": (), "vector": (DYN,), "matrix": (DYN, DYN), "row": (1, DYN),
              "col": (DYN, 1), "tensor3": (DYN,) * 3, "tensor4": (DYN,) * 4}


def _variable(kind: str, dtype: Any, name: Optional[str]) -> Any:
    if dtype is None:
        dtype = config.floatX
    if str(dtype).startswith("complex"):
        raise TypeError(f"complex dtypes are not supported yet: cannot make a {dtype} {kind}")
    return TensorType.make(dt.check_dtype(dtype), _KIND_DIMS[kind])(name)


def _generic(kind: str) -> Callable[..., Any]:
    def make(name: Optional[str] = None, dtype: Any = None) -> Any:
        return _variable(kind, dtype, name)
    make.__name__ = make.__qualname__ = kind
    make.__doc__ = f"A symbolic {kind}; dtype defaults to mlc.config.floatX."
    return make


def _typed(prefix: str, kind: str) -> Callable[..., Any]:
    dtype = _PREFIX_DTYPES[prefix]

    def make(name: Optional[str] = None) -> Any:
        return _variable(kind, dtype, name)
    make.__name__ = make.__qualname__ = prefix + kind
    make.__doc__ = f"A symbolic {dtype} {kind}."
    return make


CONSTRUCTORS: dict[str, Callable[..., Any]] = {
    kind: _generic(kind) for kind in _KIND_DIMS}
CONSTRUCTORS.update({p + kind: _typed(p, kind) for p in _PREFIX_DTYPES for kind in _KIND_DIMS})
