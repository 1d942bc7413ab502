"""`mlc.In` and `mlc.Out`: per-input and per-output options of `mlc.function` (Theano's
`theano.In` / `theano.Out`), resolved here before the graph is built.

    f = mlc.function([x, mlc.In(y, value=1.0), mlc.In(w, value=2.0, name="w_by_name")], z)
    f(33.0); f(33.0, w_by_name=1.0, y=0.0)

An input's default value is converted once, at compile time, to an array of the input's
type; the runtime (`_rt.Function.defaults`) fills it in only when a call omits the
argument, so a call that passes every argument takes the same native path as before.

`mutable` and `borrow` are accepted for Theano compatibility and change nothing, because
they only grant permissions that mlc never uses: compiled functions never write into
their inputs (an in-place kernel works on its own buffers), and every output is a fresh
array, never a view of an input or of internal storage. Theano's rule that
`mutable=True` needs `borrow=True` still raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from mlc.compile.convert import input_label
from mlc.tensor.slots import SlotState
from mlc.tensor.values import filter_value
from mlc.tensor.variable import Variable


class In(SlotState):
    """A function input with options: `name` (the keyword that passes it; default: the
    variable's name), `value` (used when a call omits the argument; None: required),
    `mutable` and `borrow` (accepted, no effect: see the module docstring)."""

    __slots__ = ("variable", "name", "value", "mutable", "borrow")

    def __init__(self, variable: Variable, name: Optional[str] = None, value: Any = None,
                 mutable: Optional[bool] = None, borrow: Optional[bool] = None,
                 autoname: bool = True) -> None:
        if not isinstance(variable, Variable):
            raise TypeError(f"mlc.In: expected a symbolic variable, got {variable!r}")
        if isinstance(value, Variable):
            raise TypeError(f"mlc.In({variable!r}): value must be a number or an array, got "
                            f"the symbolic variable {value!r}")
        name = variable.name if autoname and name is None else name
        if name is not None and not isinstance(name, str):
            raise TypeError(f"mlc.In({variable!r}): name must be a string, got {name!r}")
        borrow = bool(mutable) if borrow is None else bool(borrow)
        if mutable and not borrow:
            raise ValueError(f"mlc.In({variable!r}): mutable=True with borrow=False is "
                             "contradictory (a mutable input may also be aliased)")
        self.variable, self.name, self.value = variable, name, value
        self.mutable, self.borrow = bool(mutable), borrow

    def __repr__(self) -> str:
        default = "" if self.value is None else f", value={self.value!r}"
        return f"In({self.variable!r}{default})"


class Out(SlotState):
    """A function output with Theano's `borrow` flag; mlc returns a fresh array either
    way, which satisfies both borrow=True and borrow=False."""

    __slots__ = ("variable", "borrow")

    def __init__(self, variable: Any, borrow: bool = False) -> None:
        self.variable, self.borrow = variable, bool(borrow)

    def __repr__(self) -> str:
        return f"Out({self.variable!r}, borrow={self.borrow})"


@dataclass(frozen=True)
class InputSpec:
    """What the runtime needs per explicit input besides its type."""

    name: Optional[str]
    default: Optional[np.ndarray]  # converted to the input's type; None: required


def unpack_inputs(inputs: Any) -> tuple[Any, list[InputSpec]]:
    """Variables for `fgraph.build` and one InputSpec per input (defaults converted)."""
    if isinstance(inputs, (Variable, In)) or not isinstance(inputs, (list, tuple)):
        return inputs, []  # fgraph.build raises the error about the inputs argument
    variables, specs = [], []
    for i, item in enumerate(inputs):
        if not isinstance(item, In):
            variables.append(item)
            specs.append(InputSpec(getattr(item, "name", None), None))
            continue
        var = item.variable
        default = None
        if item.value is not None:
            what = f"mlc.In: the default value of {input_label(var, i)}"
            # a private read-only copy: the caller keeps no handle on the default
            default = np.array(filter_value(item.value, var.type, what), copy=True)
            default.flags.writeable = False
        variables.append(var)
        specs.append(InputSpec(item.name, default))
    return variables, specs


def unpack_outputs(outputs: Any) -> Any:
    """`outputs` with every `Out` replaced by its variable (same single/list shape)."""
    if isinstance(outputs, Out):
        return outputs.variable
    if isinstance(outputs, (list, tuple)):
        return [o.variable if isinstance(o, Out) else o for o in outputs]
    return outputs

