"""Argument conversion for compiled functions: the `converter(i, value)` that the
runtime calls for an argument that is not already an ndarray of exactly the right dtype
and rank. The rules are `mlc.tensor.values.filter_value`; this module names the inputs.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import numpy as np

from mlc.tensor.values import filter_value
from mlc.tensor.variable import Variable


def input_label(var: Variable, i: int, name: Optional[str] = None) -> str:
    """How messages name explicit input i (as the runtime does); `name` overrides the
    variable's name (mlc.In(x, name=...))."""
    name = var.name if name is None else name
    return f"input '{name}' (argument {i})" if name else f"input (argument {i})"


def make_converter(inputs: Sequence[Variable], names: Optional[Sequence[Optional[str]]] = None
                   ) -> Callable[[int, Any], np.ndarray]:
    """The runtime's `converter(i, value)` for explicit inputs `inputs` (called `names`)."""
    names = names or [None] * len(inputs)
    specs = [(v.type, input_label(v, i, n)) for i, (v, n) in enumerate(zip(inputs, names))]

    def converter(i: int, value: Any) -> np.ndarray:
        ty, label = specs[i]
        return filter_value(value, ty, label)
    return converter
