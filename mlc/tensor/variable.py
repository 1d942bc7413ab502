"""The frontend graph: `Variable`, `Constant` and `Apply` nodes, and the Python operators.

Graphs are light Python objects (DESIGN.md option (b), see docs/architecture.md): an
`Apply` names an `mt` op class, its inputs and parameters; its output types come from the
op class's own `infer`, so the dialect holds the single typing rule. `mlc.function`
translates the graph reachable from its outputs into `mt` ops in one walk. Nodes hold no
xDSL values, so a graph dies with its last Python reference, even when it was built on a
long-lived shared variable.

The graph knows nothing of compilation: `x.eval()` calls the evaluator that
`mlc.compile` registers when it is imported (`set_evaluator`; `import mlc` does), so
`mlc.tensor` imports nothing from `mlc.compile`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional, Sequence

import numpy as np
from xdsl.dialects.builtin import FileLineColLoc

from mlc.dialects.dtypes import DYN, MAX_RANK, MtTypeError
from mlc.srcloc import describe, user_location
from mlc.tensor.slots import SlotState
from mlc.tensor.type import TensorType

if TYPE_CHECKING:
    from mlc.dialects.mt import MtOp


class Apply(SlotState):
    """One application of an `mt` op class to input variables, with Python parameters."""

    __slots__ = ("op", "inputs", "params", "outputs", "loc")

    def __init__(self, op: "type[MtOp]", inputs: Sequence["Variable"], params: dict[str, Any],
                 outputs: list["Variable"], loc: FileLineColLoc) -> None:
        self.op = op
        self.inputs = tuple(inputs)
        self.params = params
        self.outputs = outputs
        self.loc = loc

    def __repr__(self) -> str:
        return f"Apply({self.op.name}, {list(self.inputs)}, {self.params})"


class Variable(SlotState):
    """A symbolic tensor: a graph input (no owner) or output `index` of `owner`."""

    __slots__ = ("type", "owner", "index", "name", "loc", "__weakref__")
    __array_ufunc__ = None  # `ndarray + var` defers to Variable.__radd__

    def __init__(self, type: TensorType, owner: Optional[Apply] = None, index: Optional[int] = None,
                 name: Optional[str] = None, loc: Optional[FileLineColLoc] = None) -> None:
        self.type = type
        self.owner = owner
        self.index = index
        self.name = name
        self.loc = loc if loc is not None else user_location()

    # -- metadata ---------------------------------------------------------------------
    @property
    def dtype(self) -> str:
        return self.type.dtype

    @property
    def ndim(self) -> int:
        return len(self.type.dims)

    @property
    def broadcastable(self) -> tuple[bool, ...]:
        return self.type.broadcastable

    @property
    def shape(self) -> "Variable":
        """The symbolic shape, an int64 vector of length ndim (`x.shape[0]` works)."""
        return _structure.shape(self)

    @property
    def T(self) -> "Variable":
        return _structure.transpose(self)

    def __repr__(self) -> str:
        if self.name:
            return self.name
        if self.owner is not None:
            return f"{self.owner.op.name.removeprefix('mt.')}.{self.index}"
        return f"<{self.type}>"

    def __str__(self) -> str:
        return self.__repr__()

    def __bool__(self) -> bool:
        raise TypeError("a symbolic variable has no truth value: use T.switch / T.where "
                        "for conditionals, or T.eq for comparisons")

    def __len__(self) -> int:
        return _static_length(self)

    def __iter__(self) -> Iterator["Variable"]:
        for i in range(_static_length(self)):
            yield self[i]

    # -- arithmetic -------------------------------------------------------------------
    def __add__(self, other: Any) -> "Variable":
        return _elemwise.add(self, other)

    def __radd__(self, other: Any) -> "Variable":
        return _elemwise.add(other, self)

    def __sub__(self, other: Any) -> "Variable":
        return _elemwise.sub(self, other)

    def __rsub__(self, other: Any) -> "Variable":
        return _elemwise.sub(other, self)

    def __mul__(self, other: Any) -> "Variable":
        return _elemwise.mul(self, other)

    def __rmul__(self, other: Any) -> "Variable":
        return _elemwise.mul(other, self)

    def __truediv__(self, other: Any) -> "Variable":
        return _elemwise.true_div(self, other)

    def __rtruediv__(self, other: Any) -> "Variable":
        return _elemwise.true_div(other, self)

    def __floordiv__(self, other: Any) -> "Variable":
        return _elemwise.int_div(self, other)

    def __rfloordiv__(self, other: Any) -> "Variable":
        return _elemwise.int_div(other, self)

    def __mod__(self, other: Any) -> "Variable":
        return _elemwise.mod(self, other)

    def __rmod__(self, other: Any) -> "Variable":
        return _elemwise.mod(other, self)

    def __pow__(self, other: Any) -> "Variable":
        return _elemwise.pow(self, other)

    def __rpow__(self, other: Any) -> "Variable":
        return _elemwise.pow(other, self)

    def __matmul__(self, other: Any) -> "Variable":
        return _linalg.matmul(self, other)

    def __rmatmul__(self, other: Any) -> "Variable":
        return _linalg.matmul(other, self)

    def __neg__(self) -> "Variable":
        return _elemwise.neg(self)

    def __pos__(self) -> "Variable":
        return self

    def __abs__(self) -> "Variable":
        return _elemwise.abs(self)

    # -- comparisons and bitwise ops (`==` stays identity: use T.eq) ------------------
    def __lt__(self, other: Any) -> "Variable":
        return _elemwise.lt(self, other)

    def __le__(self, other: Any) -> "Variable":
        return _elemwise.le(self, other)

    def __gt__(self, other: Any) -> "Variable":
        return _elemwise.gt(self, other)

    def __ge__(self, other: Any) -> "Variable":
        return _elemwise.ge(self, other)

    def __and__(self, other: Any) -> "Variable":
        return _elemwise.and_(self, other)

    def __rand__(self, other: Any) -> "Variable":
        return _elemwise.and_(other, self)

    def __or__(self, other: Any) -> "Variable":
        return _elemwise.or_(self, other)

    def __ror__(self, other: Any) -> "Variable":
        return _elemwise.or_(other, self)

    def __xor__(self, other: Any) -> "Variable":
        return _elemwise.xor(self, other)

    def __rxor__(self, other: Any) -> "Variable":
        return _elemwise.xor(other, self)

    def __invert__(self) -> "Variable":
        return _elemwise.invert(self)

    __hash__ = object.__hash__

    # -- methods ----------------------------------------------------------------------
    def __getitem__(self, index: Any) -> "Variable":
        return _subtensor.getitem(self, index)

    def set(self, y: Any) -> "Variable":
        """`x[idx].set(y)` = `T.set_subtensor(x[idx], y)`."""
        return _indexing.set_subtensor(self, y)

    def inc(self, y: Any) -> "Variable":
        """`x[idx].inc(y)` = `T.inc_subtensor(x[idx], y)`."""
        return _indexing.inc_subtensor(self, y)

    def sum(self, axis: Any = None, keepdims: bool = False) -> "Variable":
        return _reduce.sum(self, axis, keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> "Variable":
        return _reduce.mean(self, axis, keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> "Variable":
        return _reduce.max(self, axis, keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> "Variable":
        return _reduce.min(self, axis, keepdims)

    def prod(self, axis: Any = None, keepdims: bool = False) -> "Variable":
        return _reduce.prod(self, axis, keepdims)

    def dot(self, other: Any) -> "Variable":
        return _linalg.dot(self, other)

    def clip(self, a_min: Any, a_max: Any) -> "Variable":
        return _elemwise.clip(self, a_min, a_max)

    def round(self, mode: Optional[str] = None) -> "Variable":
        return _math.round(self, mode)

    def astype(self, dtype: Any) -> "Variable":
        return _elemwise.cast(self, dtype)

    def reshape(self, *shape: Any, ndim: Optional[int] = None) -> "Variable":
        return _structure.reshape(self, shape[0] if len(shape) == 1 else shape, ndim=ndim)

    def dimshuffle(self, *pattern: Any) -> "Variable":
        return _structure.dimshuffle(self, *pattern)

    def transpose(self, *axes: Any) -> "Variable":
        return _structure.transpose(self, axes[0] if len(axes) == 1 else (axes or None))

    def flatten(self, ndim: int = 1, outdim: Optional[int] = None) -> "Variable":
        return _structure.flatten(self, ndim, outdim)

    def ravel(self) -> "Variable":
        return _structure.flatten(self)

    def squeeze(self, axis: Any = None) -> "Variable":
        return _structure.squeeze(self, axis)

    def repeat(self, repeats: Any, axis: Optional[int] = None) -> "Variable":
        return _structure.repeat(self, repeats, axis)

    def argmax(self, axis: Any = None, keepdims: bool = False) -> "Variable":
        return _reduce.argmax(self, axis, keepdims)

    def argmin(self, axis: Any = None, keepdims: bool = False) -> "Variable":
        return _reduce.argmin(self, axis, keepdims)

    def any(self, axis: Any = None, keepdims: bool = False) -> "Variable":
        return _reduce.any(self, axis, keepdims)

    def all(self, axis: Any = None, keepdims: bool = False) -> "Variable":
        return _reduce.all(self, axis, keepdims)

    def var(self, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> "Variable":
        return _reduce.var(self, axis, ddof, keepdims)

    def std(self, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> "Variable":
        return _reduce.std(self, axis, ddof, keepdims)

    def cumsum(self, axis: Optional[int] = None) -> "Variable":
        return _reduce.cumsum(self, axis)

    def cumprod(self, axis: Optional[int] = None) -> "Variable":
        return _reduce.cumprod(self, axis)

    def sort(self, axis: Optional[int] = -1, kind: str = "quicksort", order: Any = None) -> "Variable":
        return _sort.sort(self, axis, kind, order)

    def argsort(self, axis: Optional[int] = -1, kind: str = "quicksort", order: Any = None) -> "Variable":
        return _sort.argsort(self, axis, kind, order)

    def nonzero(self, return_matrix: bool = False) -> Any:
        return _indexing.nonzero(self, return_matrix)

    def eval(self, inputs_to_values: Optional[dict] = None, **kwargs: Any) -> np.ndarray:
        """The value of this variable for `{input: value}` (Theano's `x.eval()`): it is
        compiled with `mlc.function(list(inputs_to_values), self, **kwargs)`, which the
        in-memory cache serves without recompiling when the graph was seen before."""
        if _EVALUATOR is None:
            raise RuntimeError("x.eval() needs the compiler: import mlc first")
        return _EVALUATOR(self, inputs_to_values, **kwargs)


class Constant(Variable):
    """A literal tensor; `data` is a read-only ndarray of exactly the variable's dtype."""

    __slots__ = ("data",)

    def __init__(self, data: np.ndarray, name: Optional[str] = None,
                 loc: Optional[FileLineColLoc] = None) -> None:
        ty = TensorType.make(data.dtype.name, tuple(data.shape))
        super().__init__(ty, None, None, name, loc)
        data = np.array(data, copy=True)
        data.flags.writeable = False
        self.data = data

    def __repr__(self) -> str:
        if self.name:
            return self.name
        return f"Constant({np.array2string(self.data, threshold=8)}, {self.dtype})"


_EVALUATOR: Optional[Callable[..., np.ndarray]] = None
"""What `Variable.eval` calls; `mlc.compile` registers it at import (`set_evaluator`)."""


def set_evaluator(fn: Callable[..., np.ndarray]) -> None:
    """Register `fn(var, inputs_to_values, **kwargs)` as the evaluator of `x.eval()`."""
    global _EVALUATOR
    _EVALUATOR = fn


def _static_length(x: Variable) -> int:
    if x.ndim == 0:
        raise TypeError("len() of a 0-d (scalar) symbolic variable")
    if x.type.dims[0] == DYN:
        raise TypeError(f"len() of {x!r}: its first dimension is only known at run time; "
                        "use x.shape[0]")
    return x.type.dims[0]


def apply(op: "type[MtOp]", inputs: Sequence[Variable], fn: str, loc: Optional[FileLineColLoc] = None,
          **params: Any) -> Variable:
    """Apply `op` to `inputs` and return its (single) output, typed by `op.infer`.

    A typing error becomes a TypeError that names the frontend function `fn`, the mt op
    and the user's source line."""
    return apply_node(op, inputs, params, fn, loc).outputs[0]


def apply_node(op: "type[MtOp]", inputs: Sequence[Variable], params: dict[str, Any], fn: str,
               loc: Optional[FileLineColLoc] = None) -> Apply:
    if loc is None:
        loc = user_location()
    try:
        out_types = op.infer([v.type.mt for v in inputs], **params)
    except MtTypeError as e:
        raise TypeError(f"{fn}: {e}\n  at {describe(loc)}") from None
    for t in out_types:
        if t.get_num_dims() > MAX_RANK:  # type: ignore[attr-defined]
            raise ValueError(f"{fn} ({op.name}): the result would have {t.get_num_dims()} "  # type: ignore[attr-defined]
                             f"dimensions; mlc supports at most {MAX_RANK}, as NumPy does\n"
                             f"  at {describe(loc)}")
    node = Apply(op, inputs, params, [], loc)
    node.outputs = [Variable(TensorType.from_mt(t), node, i, None, loc) for i, t in enumerate(out_types)]
    return node


# Operator methods dispatch to the function modules, which import this one first.
from mlc.tensor import elemwise as _elemwise  # noqa: E402
from mlc.tensor import indexing as _indexing  # noqa: E402
from mlc.tensor import linalg as _linalg  # noqa: E402
from mlc.tensor import math as _math  # noqa: E402
from mlc.tensor import reduce as _reduce  # noqa: E402
from mlc.tensor import sort as _sort  # noqa: E402
from mlc.tensor import structure as _structure  # noqa: E402
from mlc.tensor import subtensor as _subtensor  # noqa: E402
