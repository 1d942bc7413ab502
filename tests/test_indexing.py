"""Reading with `x[...]` through compiled functions, against NumPy: basic slicing with
symbolic bounds (Python's slice rules, random bounds from hypothesis including huge and
negative ones), integer-array and boolean-mask advanced indexing (where NumPy puts the
advanced dims), and the errors: out-of-range indices raise IndexError naming the op and
this file's line, a zero step ValueError, and nothing ever reads out of bounds.

Each compiled function is built once (module-level cache) and called on many inputs:
one function serves every shape. Writes are in test_indexing_writes.py.
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

HERE = "test_indexing.py"
I64 = np.iinfo(np.int64)
HUGE = [2**31, -(2**31) - 1, 2**62, -(2**62), int(I64.max), int(I64.min), int(I64.max) - 1]
BOUND = st.one_of(st.integers(-12, 12), st.sampled_from(HUGE))
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LINES: dict[str, int] = {}


def line() -> int:
    """The caller's line number."""
    return inspect.currentframe().f_back.f_lineno  # type: ignore[union-attr]


def same(got, want) -> None:
    want = np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape, (got, want)
    np.testing.assert_array_equal(got, want)


# -- basic indexing with symbolic bounds ---------------------------------------------------

@functools.cache
def slices_fn():
    x, a, b, s = T.dvector("x"), T.lscalar("a"), T.lscalar("b"), T.lscalar("s")
    LINES["slices"] = line() + 1
    outs = [x[a:b:s], x[a::s], x[:b:s], x[::s], x[a:b], x[a:], x[:b], x[a:-1:s], x[3:b:-1]]
    return mlc.function([x, a, b, s], outs)


def slices_want(x, a, b, s):
    return [x[a:b:s], x[a::s], x[:b:s], x[::s], x[a:b], x[a:], x[:b], x[a:-1:s], x[3:b:-1]]


@SETTINGS
@given(n=st.integers(0, 9), a=BOUND, b=BOUND, s=BOUND)
def test_symbolic_slices_follow_python(n, a, b, s):
    x = np.arange(n, dtype=np.float64) * 1.5
    if s == 0:
        with pytest.raises(ValueError, match="mt.dynamic_subtensor .*slice step cannot be zero"):
            slices_fn()(x, a, b, s)
        return
    for got, want in zip(slices_fn()(x, a, b, s), slices_want(x, a, b, s)):
        same(got, want)


def test_zero_step_error_names_the_op_and_line():
    with pytest.raises(ValueError) as info:
        slices_fn()(np.arange(3.0), 0, 1, 0)
    msg = str(info.value)
    assert "mt.dynamic_subtensor" in msg and f"{HERE}:{LINES['slices']}" in msg
    assert "slice step cannot be zero" in msg


@functools.cache
def narrow_fn():
    x = T.dmatrix("x")
    a, b, s, i = T.bscalar("a"), T.wscalar("b"), T.iscalar("s"), T.bscalar("i")
    outs = [x[a:b:s, ::-1], x[i, a:], x[::-1, s::-2], x[b:a:s, i]]
    return mlc.function([x, a, b, s, i], outs)


SMALL = st.integers(-7, 7)


@SETTINGS
@given(r=st.integers(0, 5), c=st.integers(1, 5), a=SMALL, b=SMALL, s=SMALL.filter(bool),
       i=st.integers(-5, 4), data=st.data())
def test_bounds_of_every_integer_dtype(r, c, a, b, s, i, data):
    x = np.arange(r * c, dtype=np.float64).reshape(r, c)
    i = data.draw(st.integers(-r, r - 1)) if r else 0
    if not r or not -c <= i < c:
        with pytest.raises(IndexError, match="out of bounds"):
            narrow_fn()(x, a, b, s, i)
        return
    want = [x[a:b:s, ::-1], x[i, a:], x[::-1, s::-2], x[b:a:s, i]]
    for got, w in zip(narrow_fn()(x, np.int8(a), np.int16(b), np.int32(s), np.int8(i)), want):
        same(got, w)


@functools.cache
def scalar_index_fn():
    x, i, j = T.dmatrix("x"), T.lscalar("i"), T.iscalar("j")
    LINES["scalar"] = line() + 1
    return mlc.function([x, i, j], [x[i], x[i, j], x[-1, j]])


@SETTINGS
@given(r=st.integers(0, 4), c=st.integers(0, 4), i=BOUND, j=st.integers(-6, 6))
def test_symbolic_integer_indices(r, c, i, j):
    x = np.arange(r * c, dtype=np.float64).reshape(r, c)
    try:
        want = [x[i], x[i, j], x[-1, j]]
    except IndexError:
        with pytest.raises(IndexError) as info:
            scalar_index_fn()(x, i, j)
        msg = str(info.value)
        assert "mt.dynamic_subtensor" in msg and f"{HERE}:{LINES['scalar']}" in msg
        assert "is out of bounds for axis" in msg
        return
    for got, w in zip(scalar_index_fn()(x, i, j), want):
        same(got, w)


def test_index_error_names_the_value_axis_and_size():
    with pytest.raises(IndexError, match=r"index -9 is out of bounds for axis 0 with size 4"):
        scalar_index_fn()(np.zeros((4, 2)), -9, 0)
    with pytest.raises(IndexError, match=rf"index {I64.min} is out of bounds for axis 0"):
        scalar_index_fn()(np.zeros((4, 2)), int(I64.min), 0)


def test_huge_constant_bounds_are_clamped_like_python():
    x = T.dvector("x")
    big = 2**70
    f = mlc.function([x], [x[big:], x[-big:], x[::big], x[::-big], x[5:-big:-1], x[-big:big:3]])
    xv = np.arange(7.0)
    for got, want in zip(f(xv), [xv[big:], xv[-big:], xv[::big], xv[::-big], xv[5:-big:-1],
                                 xv[-big:big:3]]):
        same(got, want)
    with pytest.raises(IndexError, match="out of bounds"):
        x[big]
    with pytest.raises(IndexError, match="out of bounds"):
        x[-big]


def test_symbolic_shapes_and_types():
    x, i = T.TensorType("float32", shape=(5, 1, 3))(), T.lscalar()
    assert x[i].type.shape == (1, 3) and x[i].dtype == "float32"
    assert x[i:].type.shape == (None, 1, 3)
    assert x[1:3, :, i].type.shape == (2, 1)
    assert x[::i].owner.op.name == "mt.dynamic_subtensor"
    assert x[1:3].owner.op.name == "mt.subtensor"
    with pytest.raises(TypeError, match="slice indices"):
        x[T.dscalar():]
    with pytest.raises(IndexError, match="integer"):
        x[T.fvector()]


# -- advanced indexing -------------------------------------------------------------------

@functools.cache
def int_arrays_fn():
    x = T.dmatrix("x")
    vs = [T.TensorType(d, shape=(None,))(f"v{d}") for d in ("int8", "int16", "int32", "int64")]
    m = T.lmatrix("m")
    LINES["ints"] = line() + 1
    outs = [x[v] for v in vs] + [x[:, vs[0]], x[m], x[m, 0], x[1:, vs[3]], x[vs[1], ::-1]]
    return mlc.function([x, *vs, m], outs)


@SETTINGS
@given(r=st.integers(2, 5), c=st.integers(1, 4), k=st.integers(0, 6), seed=st.integers(0, 2**16))
def test_integer_array_indices_of_every_dtype(r, c, k, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(r, c))
    v = rng.integers(-min(r, c), min(r, c), k)
    m = rng.integers(-r, r, (k, 2))
    args = [v.astype(d) for d in (np.int8, np.int16, np.int32, np.int64)]
    want = [x[a] for a in args] + [x[:, args[0]], x[m], x[m, 0], x[1:, args[3]], x[args[1], ::-1]]
    for got, w in zip(int_arrays_fn()(x, *args, m), want):
        same(got, w)


@functools.cache
def placement_fn():
    x = T.dtensor3("x")
    p, q, r = T.lvector("p"), T.ivector("q"), T.bvector("r")
    outs = [x[p, q], x[:, q, r], x[p, :, r], x[p, 1:, r], x[None, p, ::-1, r], x[p[:, None], q],
            x[0, :, r], x[..., r], x[p, q, r], x[:, None, q, r], x[p, None, q]]
    return mlc.function([x, p, q, r], outs)


@SETTINGS
@given(shape=st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4)),
       n=st.integers(0, 5), seed=st.integers(0, 2**16))
def test_where_advanced_dims_go(shape, n, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    p, q, r = (rng.integers(-s, s, n).astype(d) for s, d in zip(shape, (np.int64, np.int32, np.int8)))
    want = [x[p, q], x[:, q, r], x[p, :, r], x[p, 1:, r], x[None, p, ::-1, r], x[p[:, None], q],
            x[0, :, r], x[..., r], x[p, q, r], x[:, None, q, r], x[p, None, q]]
    for got, w in zip(placement_fn()(x, p, q, r), want):
        same(got, w)


def test_advanced_static_shapes():
    x = T.TensorType("float64", shape=(5, 6, 7))()
    p, q = T.lvector(), T.TensorType("int32", shape=(1, 3))()
    assert x[p].type.shape == (None, 6, 7)
    assert x[:, q].type.shape == (5, 1, 3, 7)
    assert x[q, :, p].type.shape == (1, 3, 6)  # p must have size 3 at run time
    assert x[x > 0].type.shape == (None,) and x[x[:, :, 0] > 0].type.shape == (None, 7)
    assert x[[0, 2], 1].type.shape == (2, 7) and x[1, [[0], [2]]].type.shape == (2, 1, 7)
    with pytest.raises(IndexError, match="shape mismatch"):
        x[T.TensorType("int64", shape=(2,))(), T.TensorType("int64", shape=(3,))()]
    with pytest.raises(IndexError, match="boolean index did not match"):
        x[np.ones(4, bool)]
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 5"):
        x[5, [0]]


@functools.cache
def masks_fn():
    x, x3 = T.dmatrix("x"), T.dtensor3("x3")
    m, m2 = T.TensorType("bool", shape=(None, None))("m"), T.TensorType("bool", shape=(None,))("m2")
    outs = [x[x > 0], x[m], x[m2], x3[m], x3[m2, :, 0], x[True], x[False], x[m2, -1],
            x.sum()[x.sum() > 0]]
    return mlc.function([x, m, x3, m2], outs)


@SETTINGS
@given(r=st.integers(0, 4), c=st.integers(1, 4), d=st.integers(1, 3), density=st.floats(0, 1),
       seed=st.integers(0, 2**16))
def test_boolean_masks(r, c, d, density, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, (r, c)).astype(np.float64)  # exact sums for x.sum()[x.sum() > 0]
    x3 = rng.normal(size=(r, c, d))
    m, m2 = rng.random((r, c)) < density, rng.random(r) < density
    want = [x[x > 0], x[m], x[m2], x3[m], x3[m2, :, 0], x[True], x[False], x[m2, -1],
            x.sum()[x.sum() > 0]]
    for got, w in zip(masks_fn()(x, m, x3, m2), want):
        same(got, w)


@functools.cache
def mask_fn():
    x, m = T.dtensor3("x"), T.TensorType("bool", shape=(None, None))("m")
    return mlc.function([x, m], [x[m], x[:, m], x[m, 1:], x[..., ::-1][:, m]])


@SETTINGS
@given(shape=st.tuples(st.integers(0, 4)), density=st.floats(0, 1), seed=st.integers(0, 2**16))
def test_two_dimensional_masks(shape, density, seed):
    a = shape[0]
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(a, a, a))
    m = rng.random((a, a)) < density
    want = [x[m], x[:, m], x[m, 1:], x[..., ::-1][:, m]]
    for got, w in zip(mask_fn()(x, m), want):
        same(got, w)


def test_mask_shape_mismatch_is_an_index_error():
    x = np.zeros((3, 2, 2))
    with pytest.raises(IndexError, match=r"size of axis is 3 but size of corresponding boolean "
                                         r"axis is 2") as info:
        mask_fn()(x, np.ones((2, 2), bool))
    assert "mt.advanced_subtensor" in str(info.value)


@pytest.mark.parametrize("bad", [5, -6, 2**40, int(I64.max), int(I64.min), -(2**63) + 1])
def test_out_of_range_array_indices_raise_index_error(bad):
    x = np.arange(20.0).reshape(5, 4)
    v = np.array([0, bad, 1], dtype=np.int64)
    with pytest.raises(IndexError) as info:
        int_arrays_fn()(x, *(np.zeros(3, d) for d in (np.int8, np.int16, np.int32)), v,
                        np.zeros((1, 2), np.int64))
    msg = str(info.value)
    assert f"index {bad} is out of bounds for axis 0 with size 5" in msg
    assert "mt.advanced_subtensor" in msg and f"{HERE}:{LINES['ints']}" in msg


def test_narrow_index_dtypes_check_their_extremes():
    x = np.arange(4.0).reshape(4, 1)
    for d in (np.int8, np.int16, np.int32):
        v = np.array([np.iinfo(d).min], d)
        args = [np.zeros(1, t) if t is not d else v for t in (np.int8, np.int16, np.int32)]
        with pytest.raises(IndexError, match=f"index {np.iinfo(d).min} is out of bounds"):
            int_arrays_fn()(x, *args, np.zeros(1, np.int64), np.zeros((1, 2), np.int64))


def test_empty_broadcast_shape_skips_the_range_check():
    x, v, w = T.dmatrix(), T.TensorType("int64", shape=(1,))(), T.lvector()
    f = mlc.function([x, v, w], x[v, w])
    assert f(np.zeros((2, 3)), np.array([5]), np.zeros(0, np.int64)).shape == (0,)
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 2"):
        f(np.zeros((2, 3)), np.array([5]), np.array([0]))
    with pytest.raises(IndexError, match="index 0 is out of bounds for axis 0 with size 0"):
        f(np.zeros((0, 3)), np.array([0]), np.array([0]))


def test_index_arrays_broadcast_by_theano_rules():
    x, v, w = T.dmatrix(), T.lvector(), T.lvector()
    f = mlc.function([x, v, w], x[v, w])
    with pytest.raises(IndexError, match="shape mismatch: indexing arrays could not be broadcast"):
        f(np.zeros((2, 3)), np.array([0, 1]), np.array([0, 1, 2]))
    with pytest.raises(IndexError, match="shape mismatch"):  # a run-time 1 does not broadcast
        f(np.zeros((2, 3)), np.array([0, 1]), np.array([2]))
    g = mlc.function([x, v], x[v, T.constant([2])])  # a static 1 does
    same(g(np.arange(6.0).reshape(2, 3), np.array([1, 0, 1])), np.array([5.0, 2.0, 5.0]))


def test_python_lists_and_arrays_as_indices():
    x = T.dmatrix("x")
    xv = np.arange(12.0).reshape(3, 4)
    idx = [[0, 2], np.array([[1], [2]], np.uint8), [True, False, True], [],
           (0, [1, 3]), ([0, 2], slice(None, None, -2))]
    f = mlc.function([x], [x[i] for i in idx])
    for got, i in zip(f(xv), idx):
        same(got, xv[i])


def test_dtypes_of_gathered_values():
    for dtype in ("float32", "int8", "bool", "int64"):
        x, v = T.TensorType(dtype, shape=(None, None))(), T.lvector()
        f = mlc.function([x, v], [x[v], x[x > 0] if dtype != "bool" else x[x]])
        xv = (np.arange(12).reshape(3, 4) % 3 - 1).astype(dtype)
        got = f(xv, np.array([2, -1]))
        same(got[0], xv[[2, -1]])
        same(got[1], xv[xv > 0] if dtype != "bool" else xv[xv])


def test_arange_and_labels_pick_one_entry_per_row():
    p, y = T.dmatrix("p"), T.lvector("y")
    rows = T.arange(y.shape[0])
    f = mlc.function([p, y], [-T.log(p)[rows, y], p[rows, y[::-1]], p[rows[:, None], y]])
    rng = np.random.default_rng(0)
    for n in (0, 1, 5):
        pv, yv = rng.random((n, 3)) + 0.1, rng.integers(0, 3, n)
        want = [-np.log(pv)[np.arange(n), yv], pv[np.arange(n), yv[::-1]], pv[np.arange(n)[:, None], yv]]
        for got, w in zip(f(pv, yv), want):
            np.testing.assert_allclose(got, w)
    with pytest.raises(IndexError, match="index 3 is out of bounds for axis 1 with size 3"):
        f(np.ones((2, 3)), np.array([0, 3]))
