"""`mlc.scan` (Theano's `theano.scan`) and its shorthands `map`, `reduce`, `foldl`, `foldr`:
symbolic loops compiled into one `mt.scan` op (dialects/mt/scan.py), so that no Python
runs between steps. The loop's graph is `mlc.tensor.scan.ScanBody`; this module turns
Theano's arguments (sequences with taps, outputs_info with taps or None, non_sequences,
n_steps, go_backwards, updates returned by the step function) into that op.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable, Optional

from mlc.srcloc import describe, user_location
from mlc.tensor.basic import as_tensor_variable
from mlc.tensor.scan import ScanBody, scan_node
from mlc.tensor.variable import Variable


class ScanArgumentError(TypeError):
    """`scan` was called with arguments that do not describe a loop."""


def _as_list(x: Any) -> list:
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _sequence(entry: Any, k: int) -> tuple[Variable, list[int]]:
    if isinstance(entry, dict):
        if "input" not in entry:
            raise ScanArgumentError(f"scan: sequences[{k}] is a dict without 'input'")
        x, taps = entry["input"], list(entry.get("taps", [0]))
    else:
        x, taps = entry, [0]
    x = as_tensor_variable(x)
    if x.ndim == 0:
        raise ScanArgumentError(f"scan: sequences[{k}] is a scalar; a sequence needs an axis to loop over")
    if not taps or not all(isinstance(t, int) for t in taps):
        raise ScanArgumentError(f"scan: sequences[{k}] has taps {taps!r}; taps are a list of integers")
    return x, taps


def _output(entry: Any, k: int) -> tuple[Optional[Variable], list[int]]:
    """(initial value, taps) of an outputs_info entry; (None, []) for a plain output."""
    if entry is None:
        return None, []
    if isinstance(entry, dict):
        if entry.get("initial") is None:
            return None, []
        init, taps = entry["initial"], list(entry.get("taps", [-1]))
    else:
        init, taps = entry, [-1]
    if not taps or not all(isinstance(t, int) and t < 0 for t in taps):
        raise ScanArgumentError(f"scan: outputs_info[{k}] has taps {taps!r}; an output's taps must be "
                                "negative integers (past steps)")
    return as_tensor_variable(init), taps


def scan(fn: Callable, sequences: Any = None, outputs_info: Any = None, non_sequences: Any = None,
         n_steps: Any = None, truncate_gradient: int = -1, go_backwards: bool = False, mode: Any = None,
         name: Optional[str] = None, strict: bool = False, return_list: bool = False) -> tuple[Any, OrderedDict]:
    """Theano's `scan`: (outputs, updates). See docs/control_flow.md for the semantics and
    what is not supported yet."""
    loc = user_location()
    where = f"\n  at {describe(loc)}"
    if truncate_gradient != -1:
        raise ScanArgumentError("scan: truncate_gradient: gradients through scan are not available yet, so "
                                f"truncating them has no meaning; leave it at -1{where}")
    seqs = [_sequence(e, k) for k, e in enumerate(_as_list(sequences))]
    outs = [_output(e, k) for k, e in enumerate(_as_list(outputs_info))]
    non_seqs = _as_list(non_sequences)
    for k, v in enumerate(non_seqs):
        if not isinstance(v, Variable):
            raise ScanArgumentError(f"scan: non_sequences[{k}] is {v!r}, not a symbolic variable{where}")
    if not seqs and n_steps is None:
        raise ScanArgumentError(f"scan: give sequences or n_steps (the number of steps){where}")
    body = ScanBody.from_step(fn, seqs, outs, non_seqs, go_backwards, strict, name or "scan", loc)
    return body.outputs(scan_node(body, n_steps, loc), return_list)


def map(fn: Callable, sequences: Any, non_sequences: Any = None, truncate_gradient: int = -1,
        go_backwards: bool = False, mode: Any = None, name: Optional[str] = None) -> tuple[Any, OrderedDict]:
    """fn applied to each row of the sequences: Theano's `theano.map`."""
    return scan(fn, sequences=sequences, outputs_info=None, non_sequences=non_sequences,
                truncate_gradient=truncate_gradient, go_backwards=go_backwards, mode=mode, name=name)


def _fold(fn: Callable, sequences: Any, outputs_info: Any, non_sequences: Any, go_backwards: bool,
          mode: Any, name: Optional[str]) -> tuple[Any, OrderedDict]:
    outs, updates = scan(fn, sequences=sequences, outputs_info=outputs_info, non_sequences=non_sequences,
                         go_backwards=go_backwards, mode=mode, name=name, return_list=True)
    last = [o[-1] for o in outs]
    return (last[0] if len(last) == 1 else last), updates


def reduce(fn: Callable, sequences: Any, outputs_info: Any, non_sequences: Any = None,
           go_backwards: bool = False, mode: Any = None, name: Optional[str] = None) -> tuple[Any, OrderedDict]:
    """The last value of a scan's outputs: Theano's `theano.reduce`."""
    return _fold(fn, sequences, outputs_info, non_sequences, go_backwards, mode, name)


def foldl(fn: Callable, sequences: Any, outputs_info: Any, non_sequences: Any = None, mode: Any = None,
          name: Optional[str] = None) -> tuple[Any, OrderedDict]:
    """reduce from the first row to the last."""
    return _fold(fn, sequences, outputs_info, non_sequences, False, mode, name)


def foldr(fn: Callable, sequences: Any, outputs_info: Any, non_sequences: Any = None, mode: Any = None,
          name: Optional[str] = None) -> tuple[Any, OrderedDict]:
    """reduce from the last row to the first."""
    return _fold(fn, sequences, outputs_info, non_sequences, True, mode, name)


__all__ = ["ScanArgumentError", "foldl", "foldr", "map", "reduce", "scan"]
