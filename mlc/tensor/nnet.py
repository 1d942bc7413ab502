"""`T.nnet`: neural-network helpers built from `mt` ops (Theano's `theano.tensor.nnet`).

Only functions whose ops exist in the `mt` dialect live here; each one builds frontend
nodes like the rest of `mlc.tensor`.
"""

from __future__ import annotations

from typing import Any

from mlc.tensor.basic import as_tensor_variable
from mlc.tensor.math import abs, maximum, mul, sigmoid
from mlc.tensor.variable import Variable


def relu(x: Any, alpha: float = 0) -> Variable:
    """max(x, 0), or the leaky form `x if x > 0 else alpha * x` when alpha != 0 (Theano)."""
    x = as_tensor_variable(x)
    if alpha == 0:
        return maximum(x, 0)
    half_sum, half_diff = 0.5 * (1 + alpha), 0.5 * (1 - alpha)
    return mul(half_sum, x) + mul(half_diff, abs(x))


__all__ = ["sigmoid", "relu"]
