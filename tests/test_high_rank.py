"""Tensors of up to 64 dimensions (NumPy 2's limit) compile in seconds and give NumPy's
values: kernels above 8 loops share a flat outer loop (convert-loop-to-scf), so gcc's
time does not grow with the rank. A graph that would need more than 64 dimensions is
refused where it is built, naming the op and the user's line."""

from __future__ import annotations

import time

import numpy as np
import pytest

import mlc
import mlc.tensor as T

RNG = np.random.default_rng(32)


def _tensor(rank: int):
    return T.TensorType("float64", shape=(None,) * rank)("x")


def _value(rank: int) -> np.ndarray:
    """A rank-d array with a few sizes above 1 (2**32 elements would not fit in memory)."""
    shape = (2, 3, 2, 1, 2, 2, 1, 3, 2) + (1,) * (rank - 9)
    return RNG.standard_normal(shape[:rank]) if rank >= 9 else RNG.standard_normal((2,) * rank)


@pytest.mark.parametrize("rank", [32, 33, 64])
def test_high_rank_elementwise_and_reductions_match_numpy(rank):
    x = _tensor(rank)
    axes = tuple(range(0, rank, 3))
    start = time.perf_counter()
    f = mlc.function([x], [T.sin(x) * 2.0 + 1.0, x.sum(), (x * 2.0).sum(axis=axes)])
    elapsed = time.perf_counter() - start
    a = _value(rank)
    got = f(a)
    want = [np.sin(a) * 2.0 + 1.0, a.sum(), (a * 2.0).sum(axis=axes)]
    for g, w in zip(got, want):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)
    assert elapsed < 30, f"rank {rank}: {elapsed:.1f} s to compile"


def test_a_strided_high_rank_input():
    x = _tensor(33)
    f = mlc.function([x], x.sum(axis=1) + 0.5)
    a = _value(33)
    b = np.swapaxes(a, 0, 1)[::-1]  # negative and permuted strides
    np.testing.assert_allclose(f(b), b.sum(axis=1) + 0.5, rtol=1e-12)


def test_a_result_above_64_dimensions_names_the_op_and_line():
    x = _tensor(64)
    with pytest.raises(ValueError, match=r"(?s)dimshuffle \(mt.dimshuffle\).*65 dimensions.*"
                                         r"at most 64.*test_high_rank.py:\d+: y = x.dimshuffle"):
        y = x.dimshuffle(*range(64), "x")  # noqa: F841


def test_a_type_above_64_dimensions_names_the_line():
    with pytest.raises(ValueError, match=r"(?s)65 dimensions.*test_high_rank.py:\d+"):
        T.TensorType("float64", shape=(None,) * 65)
