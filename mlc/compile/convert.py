"""Argument conversion for compiled functions: the `converter(i, value)` that the
runtime calls for an argument that is not already an ndarray of exactly the right dtype
and rank. The rules are `mlc.tensor.values.filter_value`; this module names the inputs.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from mlc.tensor.values import filter_value
from mlc.tensor.variable import Variable


def input_label(var: Variable, i: int) -> str:
    """How messages name explicit input i (as the runtime does)."""
    return f"input '{var.name}' (argument {i})" if var.name else f"input (argument {i})"


def make_converter(inputs: Sequence[Variable]) -> Callable[[int, Any], np.ndarray]:
    """The runtime's `converter(i, value)` for explicit inputs `inputs`."""
    specs = [(v.type, input_label(v, i)) for i, v in enumerate(inputs)]

    def converter(i: int, value: Any) -> np.ndarray:
        ty, label = specs[i]
        return filter_value(value, ty, label)
    return converter
