"""`fuse-elemwise` end to end: fused functions give NumPy's values (float32/float64/int/
bool mixes, broadcasting, non-contiguous and empty inputs) and make as few elementwise
kernels as the rules of the pass allow, counted in `f.ir("loop")`."""

from __future__ import annotations

import numpy as np
import pytest

import mlc
import mlc.tensor as T
from mlc.passes import pipelines

RNG = np.random.default_rng(7)


def kernels(f) -> int:
    return f.ir("loop").count("loop.elemwise")


def design(x):
    """DESIGN.md's fusion benchmark, for mlc variables and NumPy arrays alike."""
    lib = T if isinstance(x, T.TensorVariable) else np
    return lib.exp(-x ** 2) * lib.sin(x) + lib.log1p(abs(x)) * 0.5 - lib.tanh(x)


@pytest.fixture(scope="module")
def design_f64():
    x = T.dvector("x")
    return mlc.function([x], design(x))


def test_design_expression_is_one_kernel(design_f64):
    assert kernels(design_f64) == 1


@pytest.mark.parametrize("n", [0, 1, 7, 1000])
def test_design_expression_matches_numpy(design_f64, n):
    a = RNG.standard_normal(n) * 3
    np.testing.assert_allclose(design_f64(a), design(a), rtol=1e-13, atol=1e-15)


def test_non_contiguous_input(design_f64):
    a = RNG.standard_normal(40)[::-3]
    np.testing.assert_allclose(design_f64(a), design(a), rtol=1e-13, atol=1e-15)


def test_without_the_pass_gives_the_same_values(monkeypatch):
    x = T.dvector("x")
    fused = mlc.function([x], design(x) * 3)
    assert kernels(fused) == 1
    monkeypatch.setattr(pipelines, "TO_LOOP", ("convert-mt-to-loop",))
    plain = mlc.function([x], design(x) * 3)
    assert kernels(plain) == 12
    a = RNG.standard_normal(257)
    # every element runs the same math routines in either form (passes/emit/math.py), and
    # fusion keeps the order of operations: bit for bit equal
    np.testing.assert_array_equal(fused(a), plain(a))


@pytest.fixture(scope="module")
def mixed():
    x, i, b = T.fvector("x"), T.ivector("i"), T.bvector("b")
    out = T.exp(x) * i + T.switch(T.gt(b, 0), x, -x) - (i // 3) * T.sqrt(abs(x))
    return mlc.function([x, i, b], out)


def _mixed_numpy(x, i, b):
    return np.exp(x) * i + np.where(b > 0, x, -x) - (i // 3) * np.sqrt(abs(x))


@pytest.mark.parametrize("n", [0, 1, 33])
def test_mixed_dtypes_match_numpy(mixed, n):
    x = RNG.standard_normal(n).astype(np.float32)
    i = RNG.integers(-9, 9, n).astype(np.int32)
    b = RNG.integers(-1, 2, n).astype(np.int8)
    got, want = mixed(x, i, b), _mixed_numpy(x, i, b)
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    assert kernels(mixed) == 1


def test_bool_results_fuse():
    x, y = T.dvector("x"), T.dvector("y")
    f = mlc.function([x, y], T.and_(T.gt(T.exp(x), y), T.lt(x * y, 1.0)))
    a, c = RNG.standard_normal(50), RNG.standard_normal(50)
    got = f(a, c)
    assert got.dtype == np.bool_
    np.testing.assert_array_equal(got, (np.exp(a) > c) & (a * c < 1.0))
    assert kernels(f) == 1


@pytest.fixture(scope="module")
def broadcast():
    r, m = T.drow("r"), T.dmatrix("m")
    return mlc.function([r, m], T.exp(r) * T.sin(m) + T.cos(m) * 2)


@pytest.mark.parametrize("shape", [(3, 4), (0, 5), (1, 1), (5, 0)])
def test_broadcast_views_are_not_fused_through(broadcast, shape):
    r = RNG.standard_normal((1, shape[1]))
    m = RNG.standard_normal(shape)
    np.testing.assert_allclose(broadcast(r, m), np.exp(r) * np.sin(m) + np.cos(m) * 2, rtol=1e-14)
    # exp(r) is computed once at the row's size; everything else is one kernel
    assert kernels(broadcast) == 2


def test_transposed_input(broadcast):
    r = RNG.standard_normal((1, 3))
    m = RNG.standard_normal((3, 4)).T[:, ::-1]
    np.testing.assert_allclose(broadcast(r, m), np.exp(r) * np.sin(m) + np.cos(m) * 2, rtol=1e-14)


def test_shared_intermediate_is_computed_once():
    x = T.dvector("x")
    t = T.exp(x) + 1
    f = mlc.function([x], [T.sin(t), T.cos(t)])
    a = RNG.standard_normal(20)
    s, c = f(a)
    np.testing.assert_allclose(s, np.sin(np.exp(a) + 1), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(c, np.cos(np.exp(a) + 1), rtol=1e-12, atol=1e-14)
    assert kernels(f) == 3


def test_writes_into_views_keep_their_order():
    x = T.dvector("x")
    y = T.set_subtensor(x[1:], T.exp(x[:-1]) * 2)
    z = T.inc_subtensor(y[:-1], T.sin(y[1:]) + y[:-1])
    f = mlc.function([x], [y, z * 3])
    a = RNG.standard_normal(9)
    want_y = a.copy()
    want_y[1:] = np.exp(a[:-1]) * 2
    want_z = want_y.copy()
    want_z[:-1] += np.sin(want_y[1:]) + want_y[:-1]
    got_y, got_z = f(a)
    np.testing.assert_allclose(got_y, want_y, rtol=1e-14)
    np.testing.assert_allclose(got_z, want_z * 3, rtol=1e-14)
