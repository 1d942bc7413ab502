"""The frontend graph: `Variable`, `Constant` and `Apply` nodes.

Graphs are light Python objects (DESIGN.md option (b), see docs/architecture.md): an
`Apply` names an `mt` op class, its inputs and parameters; its output types come from the
op class's own `infer`, so the dialect holds the single typing rule. `mlc.function`
translates the graph reachable from its outputs into `mt` ops in one walk. Nodes hold no
xDSL values, so a graph dies with its last Python reference, even when it was built on a
long-lived shared variable.

The nodes know no op constructors: the Python operators and methods of `Variable`
(`x + y`, `x.sum()`, `x[i]`, ...) are installed by operators.py, which sits above the
function modules that build nodes. Calling a `TensorType` makes a `Variable` through
`TensorType.variable_class`, set here.

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

    __hash__ = object.__hash__  # `==` stays identity (operators.py defines no __eq__)

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


TensorType.variable_class = Variable

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

