"""`ScanBody`: the graph of one step of an `mt.scan` loop, built from a Theano step function.

The step function is called once, on fresh variables that stand for one row of every
sequence tap and every state tap; the nodes between those and what it returns are the
body (`Body`), and every outside value the body reads becomes a capture. Shared variables
the step updates (its returned updates, and the implicit update of a random stream's
state) become states of the loop too: each step sees the value the previous one wrote,
and the last value is the update the caller applies. `scan_node` makes the `mt.scan`
node; `ScanBody.outputs` slices its results into Theano's return values.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable, Optional, Sequence

from mlc.dialects import mt
from mlc.sharedvalue import SharedVariable
from mlc.srcloc import describe
from mlc.tensor.basic import as_tensor_variable
from mlc.tensor.elemwise import minimum
from mlc.tensor.body import Body, dependent_nodes
from mlc.tensor.graph import clone_replace, toposort
from mlc.tensor.type import TensorType
from mlc.tensor.variable import Variable, apply_node


def _row_variable(x: Variable, name: str) -> Variable:
    """A fresh variable with the type of one row of x."""
    return TensorType(x.dtype, shape=x.type.shape[1:])(name)  # type: ignore[attr-defined]


def _like(x: Variable, name: str) -> Variable:
    return TensorType(x.dtype, shape=x.type.shape)(name)  # type: ignore[attr-defined]


def _length(x: Variable) -> Variable:
    return x.shape[0]


class ScanBody(Body):
    """A step's graph plus how the `mt.scan` node's operands and results map onto
    Theano's arguments: `seqs` (tap slices), `inits` (k initial rows per state),
    `taps` per state, `n_outs` plain outputs, `n_declared` states from outputs_info (the
    rest update shared variables: `updated`), `kinds` (per output of fn: state or plain)."""

    __slots__ = ("seqs", "inits", "taps", "n_outs", "captures", "updated", "kinds", "fn_name", "n_auto")

    @classmethod
    def from_step(cls, fn: Callable, seqs: list[tuple[Variable, list[int]]],
                  outs: list[tuple[Optional[Variable], list[int]]], non_seqs: list[Variable],
                  go_backwards: bool, strict: bool, fn_name: str, loc: Any) -> "ScanBody":
        where = f"\n  at {describe(loc)}"
        seq_slices, seq_args = _sequence_slices(seqs, go_backwards)
        inits, taps, tap_args, kinds = _states(outs, fn_name)
        first_new = SharedVariable.created
        returned, updates = split_step_result(fn(*seq_args, *tap_args, *non_seqs))
        returned = [as_tensor_variable(r) for r in returned]
        if not outs:  # outputs_info None: every output is plain
            outs, kinds = [(None, [])] * len(returned), ["plain"] * len(returned)
        if len(returned) != len(outs):
            raise TypeError(f"{fn_name}: the step function returned {len(returned)} outputs, but "
                            f"outputs_info describes {len(outs)}{where}")
        states = [r for r, kd in zip(returned, kinds) if kd == "state"]
        plain = [r for r, kd in zip(returned, kinds) if kd == "plain"]
        _check_states(states, inits, [k for k, kd in enumerate(kinds) if kd == "state"], fn_name, where)
        leaves0 = seq_args + tap_args
        updates = updates + _random_updates(first_new, states + plain + [u for _, u in updates], updates)
        shared = [s for s, _ in updates]
        share_args = [_like(s, s.name or "shared") for s in shared]
        values = clone_replace(states + [as_tensor_variable(u).astype(s.dtype) for s, u in updates] + plain,
                               dict(zip(shared, share_args)))
        nodes, captures = dependent_nodes(leaves0 + share_args, values)
        if strict:
            _check_strict(captures, non_seqs, fn_name, where)
        body = cls(leaves0 + share_args + captures, values, nodes)
        body.seqs, body.n_outs = seq_slices, len(plain)
        body.inits = inits + [s.dimshuffle("x", *range(s.ndim)) for s in shared]
        body.taps = taps + [(-1,)] * len(shared)
        body.captures, body.updated, body.kinds, body.fn_name = captures, shared, kinds, fn_name
        body.n_auto = len(states)
        return body

    def outputs(self, results: Sequence[Variable], return_list: bool) -> tuple[Any, OrderedDict]:
        """Theano's (outputs, updates) from the `mt.scan` node's results."""
        n_states = len(self.taps)
        states, plain = list(results[:n_states]), list(results[n_states:])
        declared = iter(r[max(-t for t in ts):] for r, ts in zip(states, self.taps))
        plain_it = iter(plain)
        outs = [next(declared) if kd == "state" else next(plain_it) for kd in self.kinds]
        updates = OrderedDict((s, r[-1]) for s, r in zip(self.updated, states[self.n_auto:]))
        if len(outs) == 1 and not return_list:
            return outs[0], updates
        return outs, updates


def split_step_result(result: Any) -> tuple[list, list]:
    """(outputs, update pairs) of what a step function returned."""
    def is_updates(x: Any) -> bool:
        return isinstance(x, dict) or (isinstance(x, (list, tuple)) and bool(x) and
                                       all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], SharedVariable)
                                           for p in x))
    if isinstance(result, tuple) and len(result) == 2 and is_updates(result[1]):
        outs, ups = result
    elif isinstance(result, tuple) and len(result) == 2 and is_updates(result[0]):
        ups, outs = result
    elif is_updates(result):
        outs, ups = [], result
    else:
        outs, ups = result, []
    pairs = list(ups.items()) if isinstance(ups, dict) else list(ups)
    return list(outs) if isinstance(outs, (list, tuple)) else [outs], pairs


def _sequence_slices(seqs: list[tuple[Variable, list[int]]], go_backwards: bool) -> tuple[list, list]:
    """One slice per sequence tap (row t of slice j is x[t + tap_j - min tap]) and the
    fresh variables that stand for their rows in the step function."""
    slices, args = [], []
    for k, (x, taps) in enumerate(seqs):
        if go_backwards:
            x = x[::-1]
        lo, hi = min(taps), max(taps)
        for tap in taps:
            start, cut = tap - lo, hi - tap
            piece = x[start:] if cut == 0 else x[start:_length(x) - cut]
            slices.append(piece)
            args.append(_row_variable(x, f"seq{k}[t{tap:+d}]"))
    return slices, args


def _states(outs: list[tuple[Optional[Variable], list[int]]], fn_name: str) -> tuple[list, list, list, list]:
    """(initial rows, taps, tap variables) of the states among outputs_info, and the
    kind ("state" or "plain") of each output."""
    inits, taps, tap_args, kinds = [], [], [], []
    for k, (init, ts) in enumerate(outs):
        kinds.append("plain" if init is None else "state")
        if init is not None:
            rows, args = _state_rows(init, ts, f"{fn_name}.out{k}")
            inits.append(rows)
            taps.append(tuple(ts))
            tap_args += args
    return inits, taps, tap_args, kinds


def _state_rows(init: Variable, taps: list[int], name: str) -> tuple[Variable, list[Variable]]:
    """The k initial rows of a state and the variables of its taps. A state with the
    single tap -1 starts from `init` itself (Theano's sit-sot); with other taps, `init`
    holds the first k rows (init[j] stands for step j - k)."""
    k = max(-t for t in taps)
    if list(taps) == [-1]:
        rows = init.dimshuffle("x", *range(init.ndim))
        return rows, [_like(init, f"{name}[t-1]")]
    if init.ndim == 0:
        raise TypeError(f"scan: {name} has taps {taps} but its initial value is a scalar; it needs "
                        f"{k} rows")
    return init[:k], [_row_variable(init, f"{name}[t{t:+d}]") for t in taps]


def _check_states(states: list[Variable], inits: list[Variable], index: list[int], fn: str, where: str) -> None:
    for r, init, k in zip(states, inits, index):
        want = TensorType(init.dtype, shape=init.type.shape[1:])  # type: ignore[attr-defined]
        if r.dtype != want.dtype or r.ndim != len(want.shape):
            raise TypeError(f"{fn}: output {k} of the step function is {r.type}, but its initial value "
                            f"(outputs_info[{k}]) makes it {want}; the step must return the state's "
                            f"dtype and rank{where}")


def _random_updates(first_new: int, values: list[Variable], explicit: list) -> list:
    """(state, default update) of each random state that the step function made (serial
    from `first_new` on) and does not update itself: each step must draw new numbers."""
    done, found = {s for s, _ in explicit}, []
    for node in toposort(values):
        for v in node.inputs:
            if (isinstance(v, SharedVariable) and v.serial >= first_new and v.default_update is not None
                    and v not in done):
                done.add(v)
                found.append((v, v.default_update))
    return found


def _check_strict(captures: list[Variable], non_seqs: list[Variable], fn: str, where: str) -> None:
    for v in captures:
        if isinstance(v, SharedVariable) and v not in non_seqs:
            raise TypeError(f"{fn}: strict=True, but the step function uses the shared variable "
                            f"{v.name or v!r} that is not in non_sequences{where}")


def scan_node(body: ScanBody, n_steps: Any, loc: Any) -> list[Variable]:
    """The `mt.scan` node's results: n steps, n given or the shortest sequence slice."""
    if n_steps is None:
        n = _length(body.seqs[0])
        for s in body.seqs[1:]:
            m = _length(s)
            n = minimum(n, m)
    else:
        n = as_tensor_variable(n_steps)
        if n.ndim != 0 or not n.dtype.startswith(("int", "uint")):
            raise TypeError(f"{body.fn_name}: n_steps must be an integer scalar, got {n.type}\n"
                            f"  at {describe(loc)}")
    n = as_tensor_variable(n).astype("int64")
    inputs = [n, *body.seqs, *body.inits, *body.captures]
    node = apply_node(mt.ScanOp, inputs, {"n_seqs": len(body.seqs), "n_outs": body.n_outs,
                                         "taps": tuple(body.taps), "body": body}, body.fn_name, loc)
    return node.outputs

