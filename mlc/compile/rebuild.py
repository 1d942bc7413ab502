"""Rebuilding the graph of a compiled function: `f.copy(swap=..., delete_updates=...)`
and pickling (`pickle.dumps(f)`).

Both produce a new `FunctionGraph` and hand it to the caches of `cache.py`: an unchanged
graph hashes the same, so a copy reuses the loaded library and an unpickled function in
a new process finds its C and its shared object on disk (no passes, no gcc).

A pickled graph is flat: leaves (inputs, shared variables with their values, constants)
then one record per node in topological order, whose inputs are indices. Pickling the
`Variable`/`Apply` objects directly would recurse once per level of the graph and fail
on deep graphs (a few hundred chained ops exceed Python's recursion limit).
"""

from __future__ import annotations

from typing import Any, Optional

from mlc.compile.fgraph import FunctionGraph, build, check_compatible
from mlc.sharedvalue import SharedVariable
from mlc.tensor.graph import clone_replace
from mlc.tensor.variable import Variable, apply_node


def _outputs_arg(fg: FunctionGraph) -> Any:
    return fg.outputs[0] if fg.single else list(fg.outputs)


def copy_graph(fg: FunctionGraph, swap: Optional[dict] = None,
               delete_updates: bool = False) -> FunctionGraph:
    """`fg` with shared variables replaced by `swap` ({old: new}) and, with
    `delete_updates`, without its updates (Theano's `Function.copy`)."""
    swap = dict(swap or {})
    for old, new in swap.items():
        if not isinstance(old, SharedVariable) or old not in fg.shared:
            raise ValueError(f"copy(swap=...): {old!r} is not a shared variable of this function")
        if not isinstance(new, SharedVariable):
            raise TypeError(f"copy(swap=...): {old!r} must be replaced by a shared variable, "
                            f"got {new!r}")
        check_compatible(old.type, new.type, f"copy(swap=...): the replacement {new!r} of {old!r}")
    updates = [(fg.shared[k], v) for k, v in zip(fg.updates, fg.update_values)]
    if delete_updates:
        updates = []
    values = clone_replace(fg.outputs + [v for _, v in updates], swap)
    outputs = values[0] if fg.single else values[:len(fg.outputs)]
    new_updates = [(swap.get(t, t), v) for (t, _), v in zip(updates, values[len(fg.outputs):])]
    return build(list(fg.inputs), outputs, new_updates, None, on_unused_input="ignore",
                 no_default_updates=True)  # fg's updates already hold its default ones


def graph_state(fg: FunctionGraph) -> dict[str, Any]:
    """A flat, picklable description of `fg` (see the module docstring)."""
    ids: dict[Variable, int] = {}
    leaves: list[Variable] = []

    def ref(v: Variable) -> int:
        if v not in ids:
            ids[v] = len(ids)
            leaves.append(v if v.owner is None else Variable(v.type, None, None, v.name, v.loc))
        return ids[v]

    for v in [*fg.inputs, *fg.shared]:
        ref(v)
    nodes = []
    for node in fg.nodes:
        args = [ref(v) for v in node.inputs]
        nodes.append((node.op, args, node.params, node.loc, [o.name for o in node.outputs]))
        for out in node.outputs:
            ids[out] = len(ids)
            leaves.append(None)  # produced by the node: rebuilt, not pickled
    return {"leaves": leaves, "nodes": nodes, "n_inputs": len(fg.inputs),
            "n_shared": len(fg.shared), "outputs": [ref(v) for v in fg.outputs],
            "single": fg.single, "update_values": [ref(v) for v in fg.update_values],
            "updates": list(fg.updates)}


def graph_from_state(state: dict[str, Any]) -> FunctionGraph:
    """The FunctionGraph that `graph_state` described; its nodes are typed again by
    the op classes' own inference, so they hash exactly like the original's."""
    values: list[Any] = list(state["leaves"])
    nodes = []
    position = 0
    for op, args, params, loc, names in state["nodes"]:
        while values[position] is not None:
            position += 1
        node = apply_node(op, [values[a] for a in args], params, op.name, loc)
        for k, (out, name) in enumerate(zip(node.outputs, names)):
            out.name = name
            values[position + k] = out
        nodes.append(node)
    n_in, n_sh = state["n_inputs"], state["n_shared"]
    fg = FunctionGraph(values[:n_in], [values[i] for i in state["outputs"]], state["single"])
    fg.shared = values[n_in:n_in + n_sh]
    fg.update_values = [values[i] for i in state["update_values"]]
    fg.updates = list(state["updates"])
    fg.nodes = nodes
    return fg
