"""The Python operators and methods of `Variable`: `x + y`, `x @ y`, `-x`, `x < y`,
`x & y`, `x[...]`, `x.shape`, `x.T`, `x.sum()`, `x.reshape(...)`, `x.argmax()`, ...

variable.py defines the graph nodes without them, so every function module can import
the nodes it builds; this module sits above all function modules, and
`install_operators(Variable)` (called by `mlc.tensor` at import) copies each operator
and method of `VariableOperators` onto the class. Each is one call of the function of
the op's family (elemwise, math, reduce, sort, linalg, structure, indexing, subtensor).
`==` stays identity (variables are dict keys): use `T.eq`.
"""

from __future__ import annotations

from typing import Any, Optional

from mlc.tensor import elemwise as _elemwise
from mlc.tensor import indexing as _indexing
from mlc.tensor import linalg as _linalg
from mlc.tensor import math as _math
from mlc.tensor import reduce as _reduce
from mlc.tensor import sort as _sort
from mlc.tensor import structure as _structure
from mlc.tensor import subtensor as _subtensor
from mlc.tensor.variable import Variable


class VariableOperators:
    """The operators and methods that `install_operators` puts on `Variable`; `self` is
    always a Variable (this class is never instantiated)."""

    __slots__ = ()

    @property
    def shape(self) -> Variable:
        """The symbolic shape, an int64 vector of length ndim (`x.shape[0]` works)."""
        return _structure.shape(self)

    @property
    def T(self) -> Variable:
        return _structure.transpose(self)

    # -- arithmetic -------------------------------------------------------------------
    def __add__(self, other: Any) -> Variable:
        return _elemwise.add(self, other)

    def __radd__(self, other: Any) -> Variable:
        return _elemwise.add(other, self)

    def __sub__(self, other: Any) -> Variable:
        return _elemwise.sub(self, other)

    def __rsub__(self, other: Any) -> Variable:
        return _elemwise.sub(other, self)

    def __mul__(self, other: Any) -> Variable:
        return _elemwise.mul(self, other)

    def __rmul__(self, other: Any) -> Variable:
        return _elemwise.mul(other, self)

    def __truediv__(self, other: Any) -> Variable:
        return _elemwise.true_div(self, other)

    def __rtruediv__(self, other: Any) -> Variable:
        return _elemwise.true_div(other, self)

    def __floordiv__(self, other: Any) -> Variable:
        return _elemwise.int_div(self, other)

    def __rfloordiv__(self, other: Any) -> Variable:
        return _elemwise.int_div(other, self)

    def __mod__(self, other: Any) -> Variable:
        return _elemwise.mod(self, other)

    def __rmod__(self, other: Any) -> Variable:
        return _elemwise.mod(other, self)

    def __pow__(self, other: Any) -> Variable:
        return _elemwise.pow(self, other)

    def __rpow__(self, other: Any) -> Variable:
        return _elemwise.pow(other, self)

    def __matmul__(self, other: Any) -> Variable:
        return _linalg.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Variable:
        return _linalg.matmul(other, self)

    def __neg__(self) -> Variable:
        return _elemwise.neg(self)

    def __pos__(self) -> Variable:
        return self

    def __abs__(self) -> Variable:
        return _elemwise.abs(self)

    # -- comparisons and bitwise ops (`==` stays identity: use T.eq) ------------------
    def __lt__(self, other: Any) -> Variable:
        return _elemwise.lt(self, other)

    def __le__(self, other: Any) -> Variable:
        return _elemwise.le(self, other)

    def __gt__(self, other: Any) -> Variable:
        return _elemwise.gt(self, other)

    def __ge__(self, other: Any) -> Variable:
        return _elemwise.ge(self, other)

    def __and__(self, other: Any) -> Variable:
        return _elemwise.and_(self, other)

    def __rand__(self, other: Any) -> Variable:
        return _elemwise.and_(other, self)

    def __or__(self, other: Any) -> Variable:
        return _elemwise.or_(self, other)

    def __ror__(self, other: Any) -> Variable:
        return _elemwise.or_(other, self)

    def __xor__(self, other: Any) -> Variable:
        return _elemwise.xor(self, other)

    def __rxor__(self, other: Any) -> Variable:
        return _elemwise.xor(other, self)

    def __invert__(self) -> Variable:
        return _elemwise.invert(self)


    # -- methods ----------------------------------------------------------------------
    def __getitem__(self, index: Any) -> Variable:
        return _subtensor.getitem(self, index)

    def set(self, y: Any) -> Variable:
        """`x[idx].set(y)` = `T.set_subtensor(x[idx], y)`."""
        return _indexing.set_subtensor(self, y)

    def inc(self, y: Any) -> Variable:
        """`x[idx].inc(y)` = `T.inc_subtensor(x[idx], y)`."""
        return _indexing.inc_subtensor(self, y)

    def sum(self, axis: Any = None, keepdims: bool = False) -> Variable:
        return _reduce.sum(self, axis, keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Variable:
        return _reduce.mean(self, axis, keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Variable:
        return _reduce.max(self, axis, keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Variable:
        return _reduce.min(self, axis, keepdims)

    def prod(self, axis: Any = None, keepdims: bool = False) -> Variable:
        return _reduce.prod(self, axis, keepdims)

    def dot(self, other: Any) -> Variable:
        return _linalg.dot(self, other)

    def clip(self, a_min: Any, a_max: Any) -> Variable:
        return _elemwise.clip(self, a_min, a_max)

    def round(self, mode: Optional[str] = None) -> Variable:
        return _math.round(self, mode)

    def astype(self, dtype: Any) -> Variable:
        return _elemwise.cast(self, dtype)

    def reshape(self, *shape: Any, ndim: Optional[int] = None) -> Variable:
        return _structure.reshape(self, shape[0] if len(shape) == 1 else shape, ndim=ndim)

    def dimshuffle(self, *pattern: Any) -> Variable:
        return _structure.dimshuffle(self, *pattern)

    def transpose(self, *axes: Any) -> Variable:
        return _structure.transpose(self, axes[0] if len(axes) == 1 else (axes or None))

    def flatten(self, ndim: int = 1, outdim: Optional[int] = None) -> Variable:
        return _structure.flatten(self, ndim, outdim)

    def ravel(self) -> Variable:
        return _structure.flatten(self)

    def squeeze(self, axis: Any = None) -> Variable:
        return _structure.squeeze(self, axis)

    def repeat(self, repeats: Any, axis: Optional[int] = None) -> Variable:
        return _structure.repeat(self, repeats, axis)

    def argmax(self, axis: Any = None, keepdims: bool = False) -> Variable:
        return _reduce.argmax(self, axis, keepdims)

    def argmin(self, axis: Any = None, keepdims: bool = False) -> Variable:
        return _reduce.argmin(self, axis, keepdims)

    def any(self, axis: Any = None, keepdims: bool = False) -> Variable:
        return _reduce.any(self, axis, keepdims)

    def all(self, axis: Any = None, keepdims: bool = False) -> Variable:
        return _reduce.all(self, axis, keepdims)

    def var(self, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Variable:
        return _reduce.var(self, axis, ddof, keepdims)

    def std(self, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Variable:
        return _reduce.std(self, axis, ddof, keepdims)

    def cumsum(self, axis: Optional[int] = None) -> Variable:
        return _reduce.cumsum(self, axis)

    def cumprod(self, axis: Optional[int] = None) -> Variable:
        return _reduce.cumprod(self, axis)

    def sort(self, axis: Optional[int] = -1, kind: str = "quicksort", order: Any = None) -> Variable:
        return _sort.sort(self, axis, kind, order)

    def argsort(self, axis: Optional[int] = -1, kind: str = "quicksort", order: Any = None) -> Variable:
        return _sort.argsort(self, axis, kind, order)

    def nonzero(self, return_matrix: bool = False) -> Any:
        return _indexing.nonzero(self, return_matrix)


_CLASS_BOOKKEEPING = frozenset({"__module__", "__qualname__", "__doc__", "__slots__", "__dict__",
                                "__weakref__", "__firstlineno__", "__static_attributes__"})


def install_operators(cls: type[Variable]) -> None:
    """Put every operator and method of `VariableOperators` on cls (Variable)."""
    for name, member in vars(VariableOperators).items():
        if name not in _CLASS_BOOKKEEPING:
            setattr(cls, name, member)
