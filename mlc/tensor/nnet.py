"""`T.nnet`: neural-network functions (Theano's `theano.tensor.nnet`), plus `logsumexp`
(exported as `T.logsumexp`).

Each function builds frontend nodes of `mt` ops. Softmax, log-softmax, softplus and
logsumexp are ops of their own (dialects/mt/nnet.py) with numerically stable
lowerings; the cross-entropies are compositions written so that the `stabilize` pass
and the composite pullbacks of passes/grad/nnet.py keep their values and gradients
finite when probabilities underflow (e.g. `categorical_crossentropy(softmax(x), y)`
for logits like [[1000, 0]]).
"""

from __future__ import annotations

from typing import Any, Optional

from mlc.config import config
from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.srcloc import at
from mlc.tensor.basic import as_tensor_variable, normalize_axes
from mlc.tensor.elemwise import abs, cast, maximum, mul, switch
from mlc.tensor.math import log, sigmoid
from mlc.tensor.reduce import reduction, sum
from mlc.tensor.structure import reshape
from mlc.tensor.variable import Variable, apply


def relu(x: Any, alpha: float = 0) -> Variable:
    """max(x, 0), or the leaky form `x if x > 0 else alpha * x` when alpha != 0 (Theano)."""
    x = as_tensor_variable(x)
    if alpha == 0:
        return maximum(x, 0)
    half_sum, half_diff = 0.5 * (1 + alpha), 0.5 * (1 - alpha)
    return mul(half_sum, x) + mul(half_diff, abs(x))


def softplus(x: Any) -> Variable:
    """log(1 + exp(x)), computed without overflow (softplus(1000) is 1000.0)."""
    return apply(mt.SoftplusOp, [as_tensor_variable(x)], "T.nnet.softplus")


def _one_axis(x: Variable, axis: Any, fn: str) -> int:
    if x.ndim == 0:
        raise TypeError(f"{fn}: needs a tensor of at least 1 dimension, got a scalar" + at())
    if axis is None or isinstance(axis, (tuple, list)):
        raise TypeError(f"{fn}: axis must be one int, got {axis!r}" + at())
    return normalize_axes(axis, x.ndim, fn)[0]


def softmax(c: Any, axis: int = -1) -> Variable:
    """exp(c) / sum(exp(c)) along `axis` (the last by default, Theano's rows of a
    matrix), computed with the maximum subtracted (scipy.special.softmax)."""
    c = as_tensor_variable(c)
    return apply(mt.SoftmaxOp, [c], "T.nnet.softmax", axis=_one_axis(c, axis, "T.nnet.softmax"))


def log_softmax(c: Any, axis: int = -1) -> Variable:
    """log(softmax(c, axis)), computed as (c - max) - log(sum(exp(c - max)))."""
    c = as_tensor_variable(c)
    fn = "T.nnet.log_softmax"
    return apply(mt.LogSoftmaxOp, [c], fn, axis=_one_axis(c, axis, fn))


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Variable:
    """log(sum(exp(x), axis)) without overflow (scipy.special.logsumexp): a row of -inf
    gives -inf, an empty reduction -inf."""
    return reduction(mt.LogSumExpOp, x, axis, keepdims, "T.logsumexp")


def to_one_hot(y: Any, nb_class: Any, dtype: Optional[str] = None) -> Variable:
    """The one-hot encoding of integer labels y: shape y.shape + (nb_class,), 1 at
    [..., y[...]] (dtype floatX by default, as Theano). Labels outside [0, nb_class)
    raise IndexError when the function runs."""
    y = as_tensor_variable(y)
    fn = "T.nnet.to_one_hot"
    if not dt.is_int(y.dtype):
        raise TypeError(f"{fn}: labels must be integers, got {y.dtype}" + at())
    n = as_tensor_variable(nb_class)
    if n.ndim != 0 or not dt.is_int(n.dtype):
        raise TypeError(f"{fn}: nb_class must be an integer scalar, got {n!r}" + at())
    return _one_hot(y, reshape(cast(n, "int64"), (1,)), 0, dtype or config.floatX, fn)


def _one_hot(y: Variable, sizes: Variable, axis: int, dtype: str, fn: str) -> Variable:
    """One-hot of y over sizes[axis] classes (sizes: an int64 vector of static length)."""
    return apply(mt.OneHotOp, [y, sizes], fn, axis=axis, dtype=dt.check_dtype(dtype))


def _is_softmax(v: Variable) -> bool:
    node = v.owner
    return node is not None and node.op is mt.SoftmaxOp and node.params["axis"] == v.ndim - 1


def _picked_log_prob(coding: Variable, labels: Variable) -> Variable:
    """log(coding[..., labels]) along the last axis, by a one-hot mask."""
    hot = _one_hot(labels, coding.shape, coding.ndim - 1, "bool", "T.nnet.categorical_crossentropy")
    if _is_softmax(coding):  # log of every class: stabilize and the composite pullback see log(softmax)
        return sum(switch(hot, log(coding), 0), axis=-1)
    # pick first: a zero probability of another class then costs no log(0) and no 0/0
    return log(sum(switch(hot, coding, 0), axis=-1))


def categorical_crossentropy(coding_dist: Any, true_dist: Any) -> Variable:
    """-sum(true_dist * log(coding_dist), axis=-1) per row (Theano). true_dist is either
    a distribution of coding_dist's shape (e.g. one-hot rows) or integer class labels
    with one dimension less: then the result is -log(coding_dist[i, true_dist[i]])."""
    fn = "T.nnet.categorical_crossentropy"
    coding, true = as_tensor_variable(coding_dist), as_tensor_variable(true_dist)
    if coding.ndim == 0:
        raise TypeError(f"{fn}: coding_dist must have at least 1 dimension" + at())
    if true.ndim == coding.ndim:
        return -sum(mul(true, log(coding)), axis=-1)
    if true.ndim == coding.ndim - 1 and dt.is_int(true.dtype):
        return -_picked_log_prob(coding, true)
    raise TypeError(f"{fn}: true_dist must have coding_dist's {coding.ndim} dimensions, or "
                    f"{coding.ndim - 1} with integer labels; got ndim {true.ndim} ({true.dtype})"
                    + at())


def binary_crossentropy(output: Any, target: Any) -> Variable:
    """-(target * log(output) + (1 - target) * log(1 - output)), elementwise (Theano).
    With output = sigmoid(z), `stabilize` makes it finite for any z."""
    output, target = as_tensor_variable(output), as_tensor_variable(target)
    return -(mul(target, log(output)) + mul(1 - target, log(1 - output)))


__all__ = ["sigmoid", "relu", "softplus", "softmax", "log_softmax", "logsumexp", "to_one_hot",
           "categorical_crossentropy", "binary_crossentropy"]
