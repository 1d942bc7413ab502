"""`T.set_subtensor` / `T.inc_subtensor` (and `x[idx].set/inc`) through compiled
functions, against NumPy: basic indices with constant and symbolic bounds, advanced
indices where repeated entries accumulate (`np.add.at`) or the last write wins, boolean
masks, slices mixed with arrays, new axes; y broadcasting and dtype rules; errors name
the op and this file's line. Each compiled function serves many inputs.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlc
import mlc.tensor as T

HERE = "test_indexing_writes.py"
LINES: dict[str, int] = {}
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def line() -> int:
    return inspect.currentframe().f_back.f_lineno  # type: ignore[union-attr]


def same(got, want) -> None:
    want = np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape, (got, want)
    np.testing.assert_array_equal(got, want)


def numpy_write(x, index, y, inc):
    out = x.copy()
    if inc:
        np.add.at(out, index, y)
    else:
        out[index] = y
    return out


# -- basic indices ---------------------------------------------------------------------

@functools.cache
def basic_fn():
    x, row, i, a, b, s = T.dmatrix("x"), T.dvector("row"), T.lscalar("i"), T.iscalar("a"), \
        T.bscalar("b"), T.lscalar("s")
    outs = [T.set_subtensor(x[i], row), T.inc_subtensor(x[i], row), T.set_subtensor(x[a:b], 7.0),
            T.inc_subtensor(x[::s, 1:], 1.0), T.set_subtensor(x[:, ::-1], x), T.inc_subtensor(x[1:3, -1], 2),
            x[a:b:s].inc(x[a:b:s]), x[None, i].set(row[None])]
    return mlc.function([x, row, i, a, b, s], outs)


@SETTINGS
@given(r=st.integers(1, 5), c=st.integers(2, 4), data=st.data())
def test_basic_writes(r, c, data):
    x = np.arange(r * c, dtype=np.float64).reshape(r, c)
    row = np.arange(c, dtype=np.float64) * 10
    i = data.draw(st.integers(-r, r - 1))
    a, b = data.draw(st.integers(-6, 6)), data.draw(st.integers(-6, 6))
    s = data.draw(st.integers(-3, 3).filter(bool))
    want = []
    for index, y, inc in [(i, row, False), (i, row, True), (slice(a, b), 7.0, False),
                          ((slice(None, None, s), slice(1, None)), 1.0, True),
                          ((slice(None), slice(None, None, -1)), x, False),
                          ((slice(1, 3), -1), 2.0, True), (slice(a, b, s), x[a:b:s], True),
                          (i, row, False)]:
        out = x.copy()
        out[index] = out[index] + y if inc else y
        want.append(out)
    for got, w in zip(basic_fn()(x, row, i, a, b, s), want):
        same(got, w)


def test_basic_write_errors():
    with pytest.raises(IndexError, match="mt.set_subtensor .*index 4 is out of bounds for axis 0"):
        basic_fn()(np.zeros((4, 2)), np.zeros(2), 4, 0, 1, 1)
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        basic_fn()(np.zeros((4, 2)), np.zeros(2), 0, 0, 1, 0)
    with pytest.raises(ValueError, match=r"the value has size 3 along axis 0 where the indexed "
                                         r"subtensor has size 2"):
        basic_fn()(np.zeros((4, 2)), np.zeros(3), 0, 0, 1, 1)


# -- advanced indices ------------------------------------------------------------------

@functools.cache
def advanced_fn():
    x, v, w, y, z = T.dmatrix("x"), T.lvector("v"), T.bvector("w"), T.dvector("y"), T.dscalar("z")
    LINES["advanced"] = line() + 1
    outs = [T.inc_subtensor(x[v], 1.0), T.set_subtensor(x[v], z), T.inc_subtensor(x[v, w], y),
            T.set_subtensor(x[v, w], y), T.inc_subtensor(x[:, w], 2.0), T.inc_subtensor(x[1:, w], 1.0),
            T.inc_subtensor(x[x > 2], -x[x > 2]), x[v, ::-1].inc(3.0), T.inc_subtensor(x[0, w], y),
            T.set_subtensor(x[None, v], -1.0)]
    return mlc.function([x, v, w, y, z], outs)


@SETTINGS
@given(r=st.integers(2, 5), c=st.integers(1, 4), n=st.integers(0, 8), seed=st.integers(0, 2**16))
def test_repeated_advanced_indices_accumulate(r, c, n, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(-5, 6, (r, c)).astype(np.float64)
    v = rng.integers(-r, r, n)  # repeats are likely: n up to 8 entries among r <= 5 rows
    w = rng.integers(-c, c, n).astype(np.int8)
    y = rng.integers(-9, 10, n).astype(np.float64)
    want = [numpy_write(x, v, 1.0, True), numpy_write(x, v, -4.5, False),
            numpy_write(x, (v, w), y, True), numpy_write(x, (v, w), y, False),
            numpy_write(x, (slice(None), w), 2.0, True), numpy_write(x, (slice(1, None), w), 1.0, True),
            numpy_write(x, x > 2, -x[x > 2], True), numpy_write(x, (v, slice(None, None, -1)), 3.0, True),
            numpy_write(x, (0, w), y, True), numpy_write(x, (None, v), -1.0, False)]
    if n:  # with repeated (v, w) pairs the last write wins
        want[3] = x.copy()
        for k in range(n):
            want[3][v[k], w[k]] = y[k]
    for got, wnt in zip(advanced_fn()(x, v, w, y, -4.5), want):
        same(got, wnt)


def test_advanced_write_errors_name_the_op_and_line():
    x = np.zeros((3, 2))
    with pytest.raises(IndexError) as info:
        advanced_fn()(x, np.array([0, 7]), np.zeros(2, np.int8), np.zeros(2), 0.0)
    msg = str(info.value)
    assert "index 7 is out of bounds for axis 0 with size 3" in msg
    assert "mt.advanced_inc_subtensor" in msg and f"{HERE}:{LINES['advanced']}" in msg
    with pytest.raises(IndexError, match="index -3 is out of bounds for axis 1 with size 2"):
        advanced_fn()(x, np.array([0]), np.array([-3], np.int8), np.zeros(1), 0.0)
    with pytest.raises(ValueError, match="the value has size 3 along axis 0 where the indexed "
                                         "subtensor has size 2"):
        advanced_fn()(x, np.array([0, 1]), np.zeros(2, np.int8), np.zeros(3), 0.0)


@pytest.mark.parametrize("dtype", ["float32", "int32", "int8", "bool"])
def test_write_dtypes(dtype):
    x, v = T.TensorType(dtype, shape=(None,))("x"), T.lvector("v")
    y = T.TensorType(dtype, shape=(None,))("y")
    f = mlc.function([x, v, y], [T.inc_subtensor(x[v], y), T.set_subtensor(x[v], y),
                                 T.inc_subtensor(x[1:], y[0])])
    xv = (np.arange(5) % 3).astype(dtype)
    vv, yv = np.array([0, 2, 0, -1]), (np.arange(4) % 2 + 1).astype(dtype)
    got = f(xv, vv, yv)
    same(got[0], numpy_write(xv, vv, yv, True))
    same(got[1], numpy_write(xv, vv, yv, False))
    want = xv.copy()
    want[1:] += yv[0]
    same(got[2], want)


def test_value_dtype_rules():
    x, f, v = T.ivector("x"), T.dvector("f"), T.lvector("v")
    assert T.set_subtensor(x[v], f).dtype == "int32"  # assignment casts (NumPy)
    assert T.inc_subtensor(x[v], T.lvector()).dtype == "int32"  # same kind
    with pytest.raises(TypeError, match="cannot add a float64 value to a int32 tensor"):
        T.inc_subtensor(x[v], f)
    with pytest.raises(TypeError, match="cannot add"):
        T.inc_subtensor(x[0], 1.5)
    with pytest.raises(OverflowError, match="out of bounds for int8"):
        T.set_subtensor(T.bvector()[0], 300)
    g = mlc.function([x, f], T.set_subtensor(x[:2], f))
    same(g(np.array([5, 5, 5], np.int32), np.array([1.9, -2.7])), np.array([1, -2, 5], np.int32))


def test_build_time_errors():
    x, v = T.dmatrix(), T.lvector()
    with pytest.raises(TypeError, match="is not the result of indexing") as info:
        T.set_subtensor(x, 1.0)
    assert HERE in str(info.value)
    with pytest.raises(TypeError, match="rank 3, more than the rank 2"):
        T.set_subtensor(x[v], T.dtensor3())
    fixed = T.TensorType("float64", shape=(4, 3))()
    with pytest.raises(TypeError, match="the value has size 2 along axis 0"):
        T.set_subtensor(fixed[1:], T.TensorType("float64", shape=(2, 3))())
    with pytest.raises(IndexError, match="index 9 is out of bounds"):
        T.set_subtensor(fixed[9], 0.0)


def test_masks_and_new_axes_in_writes():
    x3, m = T.dtensor3("x3"), T.TensorType("bool", shape=(None, None))("m")
    i = T.lscalar("i")
    outs = [T.set_subtensor(x3[:, m], 0.0), T.inc_subtensor(x3[m, ::2], 1.0),
            T.inc_subtensor(x3[i, None, m], 5.0), T.set_subtensor(x3[True], x3 + 1),
            T.inc_subtensor(x3[..., None, 0], x3[:, 0, 0].dimshuffle(0, "x", "x"))]
    f = mlc.function([x3, m, i], outs)
    rng = np.random.default_rng(3)
    for n in (0, 1, 3):
        xv = rng.normal(size=(n, n, n))
        mv = rng.random((n, n)) < 0.5
        iv = n - 1 if n else 0
        if not n:
            with pytest.raises(IndexError, match="out of bounds"):
                f(xv, mv, iv)
            continue
        want = [numpy_write(xv, (slice(None), mv), 0.0, False),
                numpy_write(xv, (mv, slice(None, None, 2)), 1.0, True),
                numpy_write(xv, (iv, mv), 5.0, True), xv + 1,
                numpy_write(xv, (Ellipsis, 0), xv[:, :1, 0], True)]
        for got, w in zip(f(xv, mv, iv), want):
            np.testing.assert_allclose(got, w, rtol=0, atol=0)


@pytest.mark.parametrize("index", [(Ellipsis,), (slice(None),), (slice(None), slice(None)),
                                   (Ellipsis, 0), (0, Ellipsis)])
def test_write_through_trivial_and_ellipsis_indices(index):
    x = T.dmatrix("x")
    a = np.arange(6.0).reshape(2, 3)
    f = mlc.function([x], [T.set_subtensor(x[index], 7.0), T.inc_subtensor(x[index], 1.5)])
    want_set, want_inc = a.copy(), a.copy()
    want_set[index] = 7.0
    want_inc[index] += 1.5
    got_set, got_inc = f(a)
    same(got_set, want_set)
    same(got_inc, want_inc)
