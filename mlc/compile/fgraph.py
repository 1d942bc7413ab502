"""What `mlc.function` compiles: inputs, outputs, updates and givens checked and resolved
into one `FunctionGraph` with its nodes in topological order.

This is the frontend's last step before xDSL: `translate.py` turns a FunctionGraph into
an `mt` module and `hashing.py` fingerprints it. Every error a user can make in the
arguments of `mlc.function` (a constant as input, an input the outputs do not use, an
update of the wrong dtype, a variable missing from the inputs) is raised here, naming
the variable and the source line that built it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

from mlc.sharedvalue import SharedVariable
from mlc.srcloc import describe, user_location
from mlc.tensor.basic import as_tensor_variable
from mlc.tensor.graph import clone_replace, toposort
from mlc.tensor.type import TensorType
from mlc.tensor.values import filter_value
from mlc.tensor.variable import Apply, Constant, Variable


class UnusedInputError(ValueError):
    """An explicit input that no output or update depends on (on_unused_input='raise')."""


class MissingInputError(ValueError):
    """The outputs depend on a symbolic variable that is not among the inputs."""


@dataclass
class FunctionGraph:
    """A resolved function: leaves (inputs, shared, constants) and nodes in topo order.

    `values` = `outputs` then the update values, in the order the runtime returns them;
    `updates[k]` is the index in `shared` of the variable that `values[len(outputs) + k]`
    replaces."""

    inputs: list[Variable]
    outputs: list[Variable]
    single: bool
    shared: list[SharedVariable] = field(default_factory=list)
    update_values: list[Variable] = field(default_factory=list)
    updates: list[int] = field(default_factory=list)
    nodes: list[Apply] = field(default_factory=list)

    @property
    def values(self) -> list[Variable]:
        return self.outputs + self.update_values


def _where(v: Variable) -> str:
    return f" (built at {describe(v.loc)})" if v.loc is not None else ""


def _check_inputs(inputs: Any) -> list[Variable]:
    if isinstance(inputs, Variable) or not isinstance(inputs, (list, tuple)):
        raise TypeError("mlc.function: inputs must be a list of symbolic variables, got "
                        f"{inputs!r}")
    for i, v in enumerate(inputs):
        if isinstance(v, SharedVariable):
            raise TypeError(f"mlc.function: input {i} ({v!r}) is a shared variable; shared "
                            "variables are implicit inputs: remove it from the inputs list")
        if isinstance(v, Constant):
            raise TypeError(f"mlc.function: input {i} ({v!r}) is a constant; inputs must be "
                            "symbolic variables such as T.dvector()")
        if not isinstance(v, Variable):
            raise TypeError(f"mlc.function: input {i} is {v!r}, not a symbolic variable")
    if len({id(v) for v in inputs}) != len(inputs):
        dup = next(v for i, v in enumerate(inputs) if any(w is v for w in inputs[:i]))
        raise ValueError(f"mlc.function: variable {dup!r} appears twice in the inputs")
    return list(inputs)


def _check_outputs(outputs: Any) -> tuple[list[Variable], bool]:
    if outputs is None:
        return [], False
    single = not isinstance(outputs, (list, tuple))
    items = [outputs] if single else list(outputs)
    return [as_tensor_variable(o) for o in items], single


def check_compatible(target: TensorType, new: TensorType, what: str) -> None:
    """`new` may stand for `target`: same dtype and rank, and the same size on every
    axis whose size `target` fixes (a broadcastable axis must stay broadcastable)."""
    if new.dtype != target.dtype:
        raise TypeError(f"{what} has dtype {new.dtype}, but {target.dtype} is required; "
                        f"convert it with T.cast(..., '{target.dtype}')")
    if new.ndim != target.ndim:
        raise TypeError(f"{what} has {new.ndim} dimensions, but {target.ndim} are required")
    for axis, (t, n) in enumerate(zip(target.dims, new.dims)):
        if t >= 0 and n != t:
            shown = "?" if n < 0 else n
            raise TypeError(f"{what} has size {shown} on axis {axis}, but size {t} is required "
                            f"(type {target} vs {new})")


def _as_replacement(value: Any, target: Variable, what: str) -> Variable:
    """A variable for `value`; numbers become a constant of `target`'s type, converted by
    the rules of function arguments (no silent truncation)."""
    if isinstance(value, Variable):
        return value
    return Constant(filter_value(value, target.type, what), None, user_location())


def _pairs(mapping: Any, what: str) -> list[tuple[Any, Any]]:
    if mapping is None:
        return []
    items = list(mapping.items()) if isinstance(mapping, dict) else list(mapping)
    for item in items:
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise TypeError(f"mlc.function: {what} must be a dict or a list of (variable, "
                            f"value) pairs, got the entry {item!r}")
    return items


def _check_updates(updates: Any) -> list[tuple[SharedVariable, Variable]]:
    out: list[tuple[SharedVariable, Variable]] = []
    for target, value in _pairs(updates, "updates"):
        if not isinstance(target, SharedVariable):
            raise TypeError(f"mlc.function: updates can only target shared variables; "
                            f"{target!r} is not one")
        if any(t is target for t, _ in out):
            raise ValueError(f"mlc.function: shared variable {target!r} is updated twice")
        what = f"the update of shared variable {target!r}"
        value = _as_replacement(value, target, what)
        check_compatible(target.type, value.type, f"{what}{_where(value)}")
        out.append((target, value))
    return out


def _check_givens(givens: Any) -> dict[Variable, Variable]:
    out: dict[Variable, Variable] = {}
    for key, value in _pairs(givens, "givens"):
        if not isinstance(key, Variable) or isinstance(key, Constant):
            raise TypeError(f"mlc.function: givens keys must be symbolic variables, got {key!r}")
        what = f"the givens replacement of {key!r}"
        value = _as_replacement(value, key, what)
        check_compatible(key.type, value.type, what)
        out[key] = value
    return out


def _leaves(fg: FunctionGraph) -> tuple[set[Variable], list[Variable]]:
    """Explicit inputs used; shared variables and free variables in walk order."""
    explicit = set(fg.inputs)
    used: set[Variable] = set()
    others: list[Variable] = []
    seen: set[Variable] = set()
    for v in fg.values + [i for n in fg.nodes for i in n.inputs]:
        if v in explicit:
            used.add(v)
        elif v.owner is None and v not in seen:
            seen.add(v)
            others.append(v)
    return used, others


def _check_unused(fg: FunctionGraph, used: set[Variable], policy: str) -> None:
    unused = [(i, v) for i, v in enumerate(fg.inputs) if v not in used]
    if not unused or policy == "ignore":
        return
    names = ", ".join(f"input {i} ({v!r}{_where(v)})" for i, v in unused)
    msg = (f"mlc.function: {names} is not used to compute the outputs; pass "
           "on_unused_input='warn' or 'ignore' to allow it")
    if policy == "warn":
        warnings.warn(msg, stacklevel=4)
    else:
        raise UnusedInputError(msg)


def _default_updates(roots: list[Variable], explicit: list[tuple[SharedVariable, Variable]],
                     skip: Any, stop: set[Variable]) -> list[tuple[SharedVariable, Variable]]:
    """(v, v.default_update) for every shared variable v that the graph of `roots` uses,
    that has a default update and that neither `explicit` nor `skip` (True: all, or a
    list of shared variables: Theano's `no_default_updates`) names; an update's own
    graph may use more."""
    if skip is True:
        return []
    taken = {id(t) for t, _ in explicit} | {id(v) for v in (skip or ())}
    found: list[tuple[SharedVariable, Variable]] = []
    while roots:
        leaves = list(roots) + [i for n in toposort(roots, stop) for i in n.inputs]
        roots = []
        for v in leaves:
            if isinstance(v, SharedVariable) and v.default_update is not None and id(v) not in taken:
                taken.add(id(v))
                value = _as_replacement(v.default_update, v, f"the default update of {v!r}")
                check_compatible(v.type, value.type, f"the default update of shared variable {v!r}")
                found.append((v, value))
                roots.append(value)
    return found


def build(inputs: Any, outputs: Any, updates: Any = None, givens: Any = None,
          on_unused_input: str = "raise", no_default_updates: Any = False) -> FunctionGraph:
    """Check the arguments of `mlc.function` and resolve them into a FunctionGraph."""
    if on_unused_input not in ("raise", "warn", "ignore"):
        raise ValueError("mlc.function: on_unused_input must be 'raise', 'warn' or 'ignore', "
                         f"got {on_unused_input!r}")
    fg = FunctionGraph(_check_inputs(inputs), *_check_outputs(outputs))
    pairs = _check_updates(updates)
    pairs += _default_updates(fg.outputs + [v for _, v in pairs], pairs, no_default_updates,
                              set(fg.inputs))
    values = fg.outputs + [v for _, v in pairs]
    replace = _check_givens(givens)
    if replace:
        values = clone_replace(values, replace)
    fg.outputs, fg.update_values = values[:len(fg.outputs)], values[len(fg.outputs):]
    fg.nodes = toposort(values, stop=set(fg.inputs))
    used, others = _leaves(fg)
    _check_unused(fg, used, on_unused_input)
    for v in others:
        if not isinstance(v, (Constant, SharedVariable)):
            raise MissingInputError(f"mlc.function: the outputs depend on {v!r}{_where(v)}, "
                                    "which is not in the inputs list")
    fg.shared = [v for v in others if isinstance(v, SharedVariable)]
    fg.shared += [t for t, _ in pairs if t not in fg.shared]
    fg.updates = [fg.shared.index(t) for t, _ in pairs]
    return fg
