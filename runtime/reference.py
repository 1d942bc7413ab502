"""NumPy reference semantics of every `mt` op: the test oracle and the constant folder.

One entry per op class in `REFERENCE`; each takes the operand arrays and the op's
parameters (`op.params()`) and returns the result array with exactly the dtype that
type inference gives. `evaluate(op, arrays)` applies it and checks that dtype.
Passes import this table only for constant folding (DESIGN.md).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.runtime.reference_indexing import INDEXING_REFERENCE
from mlc.runtime.reference_math import MATH_REFERENCE
from mlc.runtime.reference_nnet import NNET_REFERENCE
from mlc.runtime.reference_random import RANDOM_REFERENCE
from mlc.runtime.reference_structure2 import STRUCTURE2_REFERENCE

Ref = Callable[..., np.ndarray]


def _floor_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind in "iu":  # C truncates and traps on /0; Python floors, we give 0
        with np.errstate(divide="ignore"):
            return np.floor_divide(a, np.where(b == 0, 1, b)) * (b != 0)
    return np.floor_divide(a, b)


def _mod(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind in "iu":
        return np.mod(a, np.where(b == 0, 1, b)) * (b != 0)
    return np.mod(a, b)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return (1 / (1 + np.exp(-x))).astype(x.dtype)


def _subtensor(x: np.ndarray, starts: tuple, stops: tuple, steps: tuple, squeeze: tuple) -> np.ndarray:
    index: list[Any] = []
    for axis, (s, e, st) in enumerate(zip(starts, stops, steps)):
        if axis in squeeze:
            if not -x.shape[axis] <= s < x.shape[axis]:
                raise IndexError(f"index {s} is out of bounds for axis {axis} with size {x.shape[axis]}")
            index.append(s)
        else:
            index.append(slice(s, e, st))
    return x[tuple(index)]


def _dimshuffle(x: np.ndarray, pattern: tuple) -> np.ndarray:
    kept = [p for p in pattern if p != -1]
    dropped = tuple(a for a in range(x.ndim) if a not in kept)
    y = np.transpose(x.squeeze(dropped), [sorted(kept).index(p) for p in kept])
    return y.reshape([1 if p == -1 else x.shape[p] for p in pattern])


def _reduce(fn: Callable, empty_error: bool = False) -> Ref:
    def ref(x: np.ndarray, axes: tuple) -> np.ndarray:
        if empty_error and any(x.shape[a] == 0 for a in axes):
            raise ValueError("zero-size array to a reduction with no identity")
        return np.asarray(fn(x, axis=tuple(axes)))
    return ref


REFERENCE: dict[type, Ref] = {
    mt.MapOp: lambda *a: None,  # a region: interpreted by `evaluate_map`
    mt.NegOp: np.negative, mt.AbsOp: np.abs, mt.SignOp: np.sign,
    mt.ExpOp: np.exp, mt.LogOp: np.log, mt.Log1pOp: np.log1p, mt.Expm1Op: np.expm1,
    mt.SqrtOp: np.sqrt, mt.SinOp: np.sin, mt.CosOp: np.cos, mt.TanhOp: np.tanh,
    mt.SigmoidOp: _sigmoid,
    mt.AddOp: np.add, mt.SubOp: np.subtract, mt.MulOp: np.multiply,
    mt.TrueDivOp: np.true_divide, mt.IntDivOp: _floor_div, mt.ModOp: _mod, mt.PowOp: np.power,
    mt.MaximumOp: np.maximum, mt.MinimumOp: np.minimum,
    mt.EqOp: np.equal, mt.NeqOp: np.not_equal, mt.LtOp: np.less, mt.LeOp: np.less_equal,
    mt.GtOp: np.greater, mt.GeOp: np.greater_equal,
    mt.AndOp: np.bitwise_and, mt.OrOp: np.bitwise_or, mt.XorOp: np.bitwise_xor,
    mt.SelectOp: np.where,
    mt.CastOp: lambda x, dtype: x.astype(dtype),
    mt.SumOp: _reduce(np.sum), mt.ProdOp: _reduce(np.prod),
    mt.MaxOp: _reduce(np.max, True), mt.MinOp: _reduce(np.min, True),
    mt.MeanOp: lambda x, axes: np.asarray(np.mean(x, axis=tuple(axes), dtype=np.float64))
    .astype(dt.float_dtype(x.dtype.name)),
    mt.DotOp: np.dot,
    mt.ConstantOp: lambda: None,  # evaluated from its literal by `evaluate`
    mt.DimShuffleOp: _dimshuffle,
    mt.ReshapeOp: lambda x, shape: x.reshape(shape),
    mt.SubtensorOp: _subtensor,
    **INDEXING_REFERENCE,
    **MATH_REFERENCE,
    **NNET_REFERENCE,
    **RANDOM_REFERENCE,
    **STRUCTURE2_REFERENCE,
    mt.ShapeOp: lambda x: np.array(x.shape, dtype=np.int64),
    mt.SecondOp: lambda x, y: np.broadcast_to(y, np.broadcast_shapes(x.shape, y.shape)).copy(),
    mt.DisconnectedGradOp: lambda x: x, mt.ZeroGradOp: lambda x: x,
    mt.GradClipOp: lambda x, lo, hi: x,
}


def evaluate_map(op: mt.MapOp, arrays: list[np.ndarray]) -> np.ndarray:
    """mt.map: interpret the body with the references, once per index, and stack."""
    count, like, *captures = arrays
    block = op.body.block
    rows = []
    for i in range(int(count)):
        env = dict(zip(block.args, [np.array(i, np.int64), *captures]))
        for inner in block.ops:
            if isinstance(inner, mt.MapYieldOp):
                rows.append(env[inner.value])
            else:
                env[inner.results[0]] = evaluate(inner, [env[v] for v in inner.operands])
    out_dtype = dt.dtype_of(op.result.type)
    return np.stack(rows).astype(out_dtype) if rows else np.zeros((0, *like.shape), out_dtype)


def evaluate(op: mt.MtOp, arrays: list[np.ndarray]) -> np.ndarray:
    """Run op's reference on arrays, with operands first cast to the computation dtype."""
    if isinstance(op, mt.ConstantOp):
        return op.array()
    if isinstance(op, mt.MapOp):
        return evaluate_map(op, arrays)
    out_dtype = dt.dtype_of(op.results[0].type)
    if isinstance(op, mt.ElemwiseOp) and not isinstance(op, (mt.CompareOp, mt.SelectOp, mt.LogicOp,
                                                             mt.ClassifyOp)):
        arrays = [a.astype(out_dtype) for a in arrays]
    if isinstance(op, (mt.CompareOp, mt.DotOp)):
        common = dt.arith_dtype(*(a.dtype.name for a in arrays)) if isinstance(op, mt.DotOp) \
            else dt.upcast(*(a.dtype.name for a in arrays))
        arrays = [a.astype(common) for a in arrays]
    with np.errstate(all="ignore"):
        result = REFERENCE[type(op)](*arrays, **op.params())
    return np.asarray(result).astype(out_dtype, copy=False)
