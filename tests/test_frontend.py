"""Tests of the Python frontend's graph building (mlc/tensor): constructors and types,
dtype promotion with weak Python scalars, broadcasting flags, shapes, reductions, dot,
indexing, and build-time errors that name the op and this file's line.

No compilation happens here: numeric semantics are checked through the `mt`
translation with the NumPy reference of each op (the `ref_eval` fixture).
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import mlc
import mlc.tensor as T
from mlc.tensor.variable import Constant, Variable

HERE = "test_frontend.py"
PREFIXES = {"b": "int8", "w": "int16", "i": "int32", "l": "int64", "f": "float32", "d": "float64"}
KINDS = {"scalar": (), "vector": (False,), "matrix": (False, False), "row": (True, False),
         "col": (False, True), "tensor3": (False,) * 3, "tensor4": (False,) * 4}


def line() -> int:
    """The caller's line number."""
    return inspect.currentframe().f_back.f_lineno  # type: ignore[union-attr]


def op_name(v: Variable) -> str:
    assert v.owner is not None
    return v.owner.op.name


# -- constructors and types ---------------------------------------------------------------

@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("kind", KINDS)
def test_typed_constructors(prefix: str, kind: str) -> None:
    v = getattr(T, prefix + kind)("v")
    assert v.dtype == PREFIXES[prefix]
    assert v.broadcastable == KINDS[kind]
    assert v.ndim == len(KINDS[kind])
    assert v.name == "v" and v.owner is None


@pytest.mark.parametrize("kind", KINDS)
def test_generic_constructors_default_to_floatx(kind: str, floatx) -> None:
    assert getattr(T, kind)().dtype == "float64"
    assert getattr(T, kind)(dtype="int16").dtype == "int16"
    floatx("float32")
    assert getattr(T, kind)(name="a").dtype == "float32"


@pytest.mark.parametrize("name", ["cscalar", "zmatrix", "cvector", "ztensor4"])
def test_complex_constructors_raise_clearly(name: str) -> None:
    with pytest.raises(TypeError, match="complex.*not supported yet"):
        getattr(T, name)()
    with pytest.raises(TypeError, match="complex"):
        T.matrix(dtype="complex128")


def test_tensor_type_broadcastable_and_shape() -> None:
    a = T.TensorType("float32", broadcastable=(False, True))
    b = T.TensorType("float32", shape=(None, 1))
    assert a == b and hash(a) == hash(b)
    assert a.broadcastable == (False, True) and a.shape == (None, 1) and a.ndim == 2
    x = a("x")
    assert isinstance(x, Variable) and x.type == a and x.name == "x"
    c = T.TensorType("int64", shape=(3, -1))
    assert c.shape == (3, None) and str(c) == "tensor<3x?xi64>"
    with pytest.raises(TypeError, match="exactly one"):
        T.TensorType("float64")
    with pytest.raises(TypeError, match="exactly one"):
        T.TensorType("float64", broadcastable=(), shape=())
    with pytest.raises(TypeError, match="not supported"):
        T.TensorType("uint8", shape=(2,))


def test_variable_metadata() -> None:
    x = T.fmatrix("x")
    assert (x.dtype, x.ndim, x.broadcastable, x.name) == ("float32", 2, (False, False), "x")
    y = x + 1
    assert y.name is None
    y.name = "y"
    assert repr(y) == "y"


def test_equality_stays_identity_and_eq_builds_a_node() -> None:
    x, y = T.dvector(), T.dvector()
    assert (x == x) is True and (x == y) is False
    assert len({x, y, x}) == 2
    e = T.eq(x, y)
    assert op_name(e) == "mt.eq" and e.dtype == "bool"
    assert op_name(T.neq(x, 1)) == "mt.neq"


def test_numpy_values_on_the_left_defer_to_the_variable() -> None:
    x = T.fvector()
    r = np.ones(3) + x
    assert isinstance(r, Variable) and r.dtype == "float64" and r.type.shape == (3,)
    s = np.float32(2.0) * x
    assert isinstance(s, Variable) and s.dtype == "float32"
    assert isinstance(np.int8(1) < x, Variable)
    assert sum([x, x]).dtype == "float32"  # starts from the weak 0


def test_truth_value_is_an_error() -> None:
    x = T.dscalar()
    with pytest.raises(TypeError, match="no truth value"):
        bool(x > 0)


# -- operators and dtypes -----------------------------------------------------------------

@pytest.mark.parametrize("expr, op", [
    (lambda x, y: x + y, "mt.add"), (lambda x, y: x - y, "mt.sub"),
    (lambda x, y: x * y, "mt.mul"), (lambda x, y: x / y, "mt.true_div"),
    (lambda x, y: x // y, "mt.int_div"), (lambda x, y: x % y, "mt.mod"),
    (lambda x, y: x ** y, "mt.pow"), (lambda x, y: x < y, "mt.lt"),
    (lambda x, y: x <= y, "mt.le"), (lambda x, y: x > y, "mt.gt"),
    (lambda x, y: x >= y, "mt.ge"), (lambda x, y: x @ y, "mt.dot"),
    (lambda x, y: -x, "mt.neg"), (lambda x, y: abs(x), "mt.abs"),
    (lambda x, y: T.maximum(x, y), "mt.maximum"), (lambda x, y: T.minimum(x, y), "mt.minimum"),
])
def test_operators_build_mt_ops(expr, op: str) -> None:
    assert op_name(expr(T.dmatrix(), T.dmatrix())) == op


@pytest.mark.parametrize("expr, op", [
    (lambda x, y: x & y, "mt.and"), (lambda x, y: x | y, "mt.or"), (lambda x, y: x ^ y, "mt.xor"),
    (lambda x, y: ~x, "mt.xor"),
])
@pytest.mark.parametrize("dtype", ["bool", "int32"])
def test_bitwise_operators(expr, op: str, dtype: str) -> None:
    r = expr(T.vector(dtype=dtype), T.vector(dtype=dtype))
    assert op_name(r) == op and r.dtype == dtype


def test_bitwise_on_floats_is_a_type_error() -> None:
    x = T.dvector()
    with pytest.raises(TypeError, match=r"mt\.and.*float64"):
        x & x
    with pytest.raises(TypeError, match="invert"):
        ~x


@pytest.mark.parametrize("fn, op", [
    (T.exp, "mt.exp"), (T.log, "mt.log"), (T.log1p, "mt.log1p"), (T.expm1, "mt.expm1"),
    (T.sqrt, "mt.sqrt"), (T.abs, "mt.abs"), (T.sin, "mt.sin"), (T.cos, "mt.cos"),
    (T.tanh, "mt.tanh"), (T.sigmoid, "mt.sigmoid"), (T.nnet.sigmoid, "mt.sigmoid"),
    (T.sgn, "mt.sign"), (T.sign, "mt.sign"), (T.neg, "mt.neg"),
])
def test_unary_math(fn, op: str) -> None:
    r = fn(T.fmatrix())
    assert op_name(r) == op and r.dtype == "float32" and r.ndim == 2


@pytest.mark.parametrize("make, scalar, dtype", [
    (T.fvector, 2.0, "float32"), (T.fvector, 2, "float32"), (T.fvector, True, "float32"),
    (T.ivector, 1, "int32"), (T.ivector, 1.5, "float64"), (T.ivector, True, "int32"),
    (T.bvector, 3, "int8"), (T.bvector, 1.5, "float64"), (T.dvector, 2.0, "float64"),
    (T.lvector, 2, "int64"),
    (lambda: T.vector(dtype="bool"), 1, "int64"), (lambda: T.vector(dtype="bool"), True, "int8"),
    (T.fvector, np.float64(2.0), "float64"), (T.ivector, np.int64(1), "int64"),
    (T.fvector, np.array([1.0]), "float64"), (T.ivector, np.float32(1), "float64"),
])
def test_weak_python_scalars(make, scalar, dtype: str) -> None:
    x = make()
    assert (x + scalar).dtype == dtype
    assert (scalar * x).dtype == dtype


def test_weak_scalars_on_the_left_and_in_true_div() -> None:
    f, i = T.fvector(), T.ivector()
    assert (2.0 - f).dtype == "float32" and (1 - i).dtype == "int32"
    assert (i / 2).dtype == "float64" and (f / 2).dtype == "float32"
    assert (f ** 2).dtype == "float32" and (2 ** i).dtype == "int32"
    assert (i // 2).dtype == "int32" and (f % 2).dtype == "float32"


def test_weak_float_with_integers_uses_floatx(floatx) -> None:
    floatx("float32")
    assert (T.bvector() + 1.5).dtype == "float32"
    assert (T.ivector() + 1.5).dtype == "float64"  # int32 and float32 promote to float64
    assert T.constant(1.5).dtype == "float32"
    assert T.as_tensor_variable([1.0, 2.0]).dtype == "float32"
    assert T.constant(np.float64(1.5)).dtype == "float64"


def test_out_of_range_python_int() -> None:
    b = T.bvector()
    with pytest.raises(OverflowError, match="1000.*int8"):
        b + 1000
    assert (b < 1000).dtype == "bool"  # comparisons widen instead


@pytest.mark.parametrize("a, b, dtype", [
    ("float32", "float64", "float64"), ("int32", "float32", "float64"),
    ("int8", "int16", "int16"), ("int8", "float32", "float32"), ("int64", "float32", "float64"),
    ("bool", "bool", "int8"), ("bool", "int16", "int16"), ("int32", "int32", "int32"),
])
def test_tensor_promotion(a: str, b: str, dtype: str) -> None:
    assert (T.vector(dtype=a) + T.vector(dtype=b)).dtype == dtype


def test_dtype_rules_of_math_and_reductions() -> None:
    assert T.exp(T.ivector()).dtype == "float64"
    assert T.exp(T.bvector()).dtype == "float32"
    assert (T.bvector() & T.bvector()).dtype == "int8"
    assert (T.vector(dtype="bool") & T.vector(dtype="bool")).dtype == "bool"
    assert (T.fvector() < T.dvector()).dtype == "bool"
    assert T.ivector().mean().dtype == "float64"
    assert T.bvector().sum().dtype == "int64"
    assert T.fvector().sum().dtype == "float32"
    assert T.ivector().max().dtype == "int32"
    assert (T.ivector() / T.ivector()).dtype == "float64"


def test_cast_and_astype() -> None:
    x = T.dvector()
    assert x.astype("float64") is x
    y = x.astype("int32")
    assert op_name(y) == "mt.cast" and y.dtype == "int32"
    assert T.cast(x, np.float32).dtype == "float32"
    with pytest.raises(TypeError, match="complex"):
        x.astype("complex64")
    with pytest.raises(TypeError, match="not supported"):
        x.astype("uint16")


def test_constants() -> None:
    c = T.constant([1, 2, 3])
    assert isinstance(c, Constant) and c.dtype == "int64" and c.type.shape == (3,)
    assert c.broadcastable == (False,)
    assert T.constant(np.ones((1, 2), np.float32)).broadcastable == (True, False)
    assert T.constant(True).dtype == "bool"
    assert T.constant(5, dtype="int8").dtype == "int8"
    assert T.constant(2.0, ndim=2).type.shape == (1, 1)
    assert T.as_tensor_variable(np.arange(3)).dtype == "int64"
    x = T.dvector()
    assert T.as_tensor_variable(x) is x
    with pytest.raises(TypeError, match="dims"):
        T.as_tensor_variable(x, ndim=2)
    with pytest.raises(TypeError, match="not numeric"):
        T.constant("abc")
    with pytest.raises(TypeError, match="symbolic"):
        T.as_tensor_variable([x, x])
    with pytest.raises(TypeError, match="complex"):
        T.constant(1j)
    c.data  # read-only copy
    with pytest.raises(ValueError):
        c.data[0] = 5


# -- broadcasting -------------------------------------------------------------------------

def test_lower_rank_operand_gets_leading_broadcastable_axes() -> None:
    m, v = T.dmatrix(), T.dvector()
    r = m + v
    assert r.broadcastable == (False, False)
    shuffled = r.owner.inputs[1]
    assert op_name(shuffled) == "mt.dimshuffle"
    assert shuffled.owner.params["pattern"] == (-1, 0)
    assert shuffled.broadcastable == (True, False)


def test_broadcast_flags() -> None:
    assert (T.drow() + T.dcol()).broadcastable == (False, False)
    assert (T.drow() * T.drow()).broadcastable == (True, False)
    assert (T.dscalar() + T.dtensor3()).broadcastable == (False,) * 3
    assert (T.dscalar() + 1).broadcastable == ()
    assert (T.drow() + 1).broadcastable == (True, False)
    weak = (T.dmatrix() + 2.0).owner.inputs[1]
    assert isinstance(weak, Constant) and weak.type.shape == (1, 1)


def test_static_shapes_propagate_and_mismatch_names_op_and_line() -> None:
    a = T.TensorType("float64", shape=(3, None))()
    b = T.TensorType("float64", shape=(None, 4))()
    assert (a + b).type.shape == (3, 4)
    c = T.TensorType("float64", shape=(5, 4))()
    where = line() + 2
    with pytest.raises(TypeError) as info:
        a + c
    msg = str(info.value)
    assert "mt.add" in msg and "3" in msg and "5" in msg
    assert f"{HERE}:{where}" in msg


def test_switch_and_where() -> None:
    c, x = T.vector(dtype="bool"), T.fmatrix()
    r = T.switch(c, x, 0)
    assert op_name(r) == "mt.select" and r.dtype == "float32" and r.ndim == 2
    assert T.where(c, x, 0.5).dtype == "float32"
    nonbool = T.switch(T.ivector(), 1.0, x)
    cond = nonbool.owner.inputs[0]  # broadcast to rank 2 by a dimshuffle
    assert op_name(cond) == "mt.dimshuffle" and op_name(cond.owner.inputs[0]) == "mt.neq"
    assert T.switch(True, T.ivector(), 2).dtype == "int32"


def test_nnet_relu() -> None:
    x = T.fmatrix()
    r = T.nnet.relu(x)
    assert op_name(r) == "mt.maximum" and r.dtype == "float32"
    assert T.nnet.relu(x, alpha=0.1).dtype == "float32"


def test_clip_and_sqr() -> None:
    x = T.ivector()
    assert T.clip(x, 0, 5).dtype == "int32" and x.clip(0, 5).dtype == "int32"
    assert op_name(T.sqr(x)) == "mt.mul"
    assert op_name(T.add(x, x, x)) == "mt.add"


# -- reductions ----------------------------------------------------------------------------

@pytest.mark.parametrize("axis, keepdims, shape", [
    (None, False, ()), (0, False, (None, 4)), (-1, False, (3, None)), ((0, 2), False, (None,)),
    ((-1, 0), False, (None,)), (1, True, (3, 1, 4)), (None, True, (1, 1, 1)),
    ((), False, (3, None, 4)),
])
def test_reduction_shapes(axis, keepdims: bool, shape: tuple) -> None:
    x = T.TensorType("float64", shape=(3, None, 4))()
    for fn in (T.sum, T.mean, T.max, T.min, T.prod):
        assert fn(x, axis=axis, keepdims=keepdims).type.shape == shape
    assert x.sum(axis, keepdims).type.shape == shape


def test_reduction_axis_errors() -> None:
    x = T.dmatrix()
    where = line() + 2
    with pytest.raises(np.exceptions.AxisError, match=f"(?s)out of bounds.*{HERE}:{where}"):
        x.sum(axis=2)
    with pytest.raises(ValueError, match="duplicate"):
        x.sum(axis=(0, -2))
    with pytest.raises(TypeError, match="axis"):
        x.sum(axis=1.0)


# -- dot -----------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b, shape", [
    ((2, 3), (3, 4), (2, 4)), ((2, 3), (3,), (2,)), ((3,), (3, 4), (4,)), ((3,), (3,), ()),
    ((None, None), (None, 5), (None, 5)),
])
def test_dot_shapes(a: tuple, b: tuple, shape: tuple) -> None:
    x = T.TensorType("float32", shape=a)()
    y = T.TensorType("float64", shape=b)()
    for r in (T.dot(x, y), x.dot(y), x @ y):
        assert op_name(r) == "mt.dot" and r.type.shape == shape and r.dtype == "float64"


def test_dot_errors_name_op_and_line() -> None:
    a, b = T.dtensor3(), T.dtensor3()
    where = line() + 2
    with pytest.raises(TypeError) as info:
        T.dot(a, b)
    assert "mt.dot" in str(info.value) and f"{HERE}:{where}" in str(info.value)
    x = T.TensorType("float64", shape=(2, 3))()
    with pytest.raises(TypeError, match="contraction sizes differ"):
        x.dot(x)
    with pytest.raises(ValueError, match="matmul"):
        x @ T.dscalar()


def test_dot_with_a_scalar_multiplies() -> None:
    x = T.fmatrix()
    assert op_name(T.dot(x, 2.0)) == "mt.mul" and T.dot(x, 2.0).dtype == "float32"
    assert op_name(T.dot(T.dscalar(), x)) == "mt.mul"


# -- shape ops -----------------------------------------------------------------------------

def test_dimshuffle() -> None:
    x = T.dmatrix()
    y = x.dimshuffle(1, "x", 0)
    assert y.broadcastable == (False, True, False) and op_name(y) == "mt.dimshuffle"
    assert y.owner.params["pattern"] == (1, -1, 0)
    assert x.dimshuffle((1, 0)).ndim == 2 and x.dimshuffle(0, 1) is x
    assert T.drow().dimshuffle(1).broadcastable == (False,)
    with pytest.raises(TypeError, match="cannot drop axis"):
        x.dimshuffle(0)
    with pytest.raises(ValueError, match="invalid entry"):
        x.dimshuffle(0, 2)


def test_transpose() -> None:
    x = T.TensorType("float64", shape=(2, 3, 4))()
    assert x.T.type.shape == (4, 3, 2)
    assert x.transpose(1, 0, 2).type.shape == (3, 2, 4)
    assert T.transpose(x, (2, 0, 1)).type.shape == (4, 2, 3)
    assert x.transpose((-1, 0, 1)).type.shape == (4, 2, 3)
    assert T.dvector().T.ndim == 1
    with pytest.raises(ValueError, match="permutation"):
        x.transpose(0, 0, 1)


def test_reshape() -> None:
    x = T.TensorType("float64", shape=(2, 6))()
    assert x.reshape((3, -1)).type.shape == (3, 4)
    assert x.reshape(3, -1).type.shape == (3, 4)
    assert x.reshape(12).type.shape == (12,)
    assert x.reshape((2, 6)) is x
    assert T.reshape(T.dmatrix(), (2, -1)).type.shape == (2, None)
    assert T.dvector().reshape(T.constant([2, 3])).ndim == 2
    with pytest.raises(TypeError, match="cannot reshape"):
        x.reshape((5, -1))
    with pytest.raises(TypeError, match="symbolic"):
        x.reshape(T.lvector())
    assert op_name(x.reshape((T.lscalar(), 2))) == "mt.dyn_reshape"
    with pytest.raises(TypeError, match="integer"):
        x.reshape((T.dscalar(), 2))


def test_symbolic_shape() -> None:
    x = T.dmatrix()
    s = x.shape
    assert op_name(s) == "mt.shape" and s.dtype == "int64" and s.type.shape == (2,)
    n = x.shape[0]
    assert n.ndim == 0 and n.dtype == "int64" and op_name(n) == "mt.subtensor"
    rows, cols = x.shape
    assert rows.ndim == cols.ndim == 0
    assert len(x.shape) == 2
    with pytest.raises(TypeError, match="run time"):
        len(x)
    assert len(T.TensorType("int8", shape=(3,))()) == 3


# -- indexing ------------------------------------------------------------------------------

@pytest.mark.parametrize("index, shape", [
    ((slice(1, None), slice(None, None, 2), 0), (4, 3)),
    (-1, (6, 7)), (Ellipsis, (5, 6, 7)), ((Ellipsis, 0), (5, 6)),
    ((0, Ellipsis, slice(2, 4)), (6, 2)), ((slice(None, None, -1),), (5, 6, 7)),
    ((None, 1), (1, 6, 7)), ((slice(None), None), (5, 1, 6, 7)), ((1, 2, 3), ()),
    ((slice(10, 20),), (0, 6, 7)), (np.int64(2), (6, 7)),
])
def test_basic_indexing_shapes(index, shape: tuple) -> None:
    x = T.TensorType("float64", shape=(5, 6, 7))()
    assert x[index].type.shape == shape


def test_trivial_indexing_is_a_view_of_the_whole_variable() -> None:
    x = T.dmatrix()
    for y in (x[...], x[:], x[:, :]):
        assert y is not x and y.type == x.type  # a variable of its own, as in Theano
        assert y.owner.inputs[0] is x


@pytest.mark.parametrize("index, error, match", [
    ((0, 0, 0), IndexError, "too many indices"),
    ((Ellipsis, Ellipsis), IndexError, "single ellipsis"),
    ([0.5, 1], IndexError, r"integer \(or boolean\) type"),
    (np.ones((3, 3, 3), bool), IndexError, "too many indices"),
    (slice(0, 1.5), TypeError, "slice indices must be integers"),
    (slice(None, None, 0), ValueError, "step cannot be zero"),
    ("a", IndexError, "valid indices"),
    (1.5, IndexError, "valid indices"),
])
def test_bad_indices(index, error, match: str) -> None:
    x = T.dmatrix()
    with pytest.raises(error, match=match):
        x[index]


def test_float_symbolic_indices_are_a_clear_error() -> None:
    x, f = T.dmatrix(), T.dscalar()
    where = line() + 2
    with pytest.raises(IndexError, match=r"integer \(or boolean\) type") as info:
        x[f]
    assert f"{HERE}:{where}" in str(info.value)
    with pytest.raises(TypeError, match="slice indices must be integers"):
        x[1:f]


def test_static_index_out_of_bounds() -> None:
    x = T.TensorType("float64", shape=(3, None))()
    with pytest.raises(IndexError, match="index 3 is out of bounds for axis 0 with size 3"):
        x[3]
    assert x[-3].ndim == 1 and x[0, 100].ndim == 0  # dynamic axis: checked at run time


# -- source locations and errors -----------------------------------------------------------

def test_every_variable_records_the_user_line() -> None:
    x = T.dvector(); first = line()  # noqa: E702
    y = T.exp(x) + x.sum(); second = line()  # noqa: E702
    assert x.loc.filename.data.endswith(HERE) and x.loc.line.data == first
    assert y.loc.line.data == second and y.owner.loc.line.data == second
    inner = y.owner.inputs[0]
    assert inner.loc.line.data == second and inner.loc.column.data > 1


def test_locations_reach_the_mt_ops() -> None:
    from mlc.compile.fgraph import build
    from mlc.compile.translate import to_module
    x = T.dvector("x")
    y = T.tanh(x); where = line()  # noqa: E702
    module = to_module(build([x], y))
    tanh = next(op for op in module.walk() if op.name == "mt.tanh")
    assert tanh.location.line.data == where and tanh.location.filename.data.endswith(HERE)


def test_errors_from_helpers_name_the_user_line() -> None:
    def helper(a):
        return T.dot(a, a)
    with pytest.raises(TypeError) as info:
        helper(T.dtensor4())
    assert "mt.dot" in str(info.value) and "return T.dot(a, a)" in str(info.value)


# -- numeric semantics through the mt translation (NumPy reference) ------------------------

def test_broadcasting_semantics(ref_eval) -> None:
    m, v, s = T.dmatrix("m"), T.dvector("v"), T.dscalar("s")
    mv, vv, sv = np.arange(6.0).reshape(2, 3), np.array([1.0, 2.0, 3.0]), 2.5
    out = ref_eval([m, v, s], [m + v, v * s - 1, T.switch(m > 2, m, v), m.dimshuffle(1, "x", 0)],
                   [mv, vv, sv])
    np.testing.assert_allclose(out[0], mv + vv)
    np.testing.assert_allclose(out[1], vv * sv - 1)
    np.testing.assert_allclose(out[2], np.where(mv > 2, mv, vv))
    assert out[3].shape == (3, 1, 2)


def test_reduction_semantics(ref_eval) -> None:
    x = T.dtensor3("x")
    xv = np.random.default_rng(0).normal(size=(2, 3, 4))
    out = ref_eval([x], [x.sum(axis=(0, -1), keepdims=True), x.max(-1), x.mean(), x.prod(1, True)],
                   [xv])
    np.testing.assert_allclose(out[0], xv.sum(axis=(0, 2), keepdims=True))
    np.testing.assert_allclose(out[1], xv.max(-1))
    np.testing.assert_allclose(out[2], xv.mean())
    np.testing.assert_allclose(out[3], xv.prod(1, keepdims=True))


def test_indexing_and_reshape_semantics(ref_eval) -> None:
    x = T.dmatrix("x")
    xv = np.arange(20.0).reshape(4, 5)
    exprs = [x[1:, ::2], x[-1], x[::-1, 3], x[..., None], x.reshape((2, -1)), x.T, x.shape,
             x.shape[1], x[2:0:-1, -2:]]
    expected = [xv[1:, ::2], xv[-1], xv[::-1, 3], xv[..., None], xv.reshape(2, -1), xv.T,
                np.array(xv.shape), np.int64(5), xv[2:0:-1, -2:]]
    for got, want in zip(ref_eval([x], exprs, [xv]), expected):
        np.testing.assert_array_equal(got, want)


def test_weak_scalar_and_dot_semantics(ref_eval) -> None:
    f, i, a = T.fvector("f"), T.ivector("i"), T.dmatrix("a")
    fv, iv, av = np.array([1.5, 2.5], np.float32), np.array([1, 2], np.int32), np.ones((2, 2))
    out = ref_eval([f, i, a], [f + 2.0, i * True, i + 1.5, a @ f, f.dot(f), ~i, -i // 2, i % -2],
                   [fv, iv, av])
    assert [o.dtype for o in out[:3]] == [np.float32, np.int32, np.float64]
    np.testing.assert_allclose(out[2], iv + 1.5)
    np.testing.assert_allclose(out[3], av @ fv)
    np.testing.assert_allclose(out[4], fv @ fv)
    np.testing.assert_array_equal(out[5], ~iv)
    np.testing.assert_array_equal(out[6], -iv // 2)
    np.testing.assert_array_equal(out[7], iv % -2)


def test_mlc_flags_are_read_at_import_and_import_stays_light() -> None:
    code = ("import sys, mlc; print(mlc.config.floatX, mlc.config.compiledir); "
            "print(any(m.startswith(('mlc.passes', 'mlc.runtime._rt')) for m in sys.modules))")
    env = dict(os.environ, MLC_FLAGS="floatX=float32,compiledir=/tmp/mlc-flags,bogus=1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["float32", "/tmp/mlc-flags", "False"]
    assert "unknown flag 'bogus'" in out.stderr


def test_config_flags_and_validation() -> None:
    from mlc.config import Config
    cfg = Config()
    cfg.apply_flags("floatX=float32, openmp=true,compiledir=/tmp/x")
    assert (cfg.floatX, cfg.openmp, cfg.compiledir) == ("float32", True, "/tmp/x")
    with pytest.warns(UserWarning, match="unknown flag 'flaotX'"):
        cfg.apply_flags("flaotX=float32")
    with pytest.raises(ValueError, match="floatX"):
        cfg.floatX = "float16"
    with pytest.raises(AttributeError, match="no option"):
        cfg.floatx = "float32"
    with pytest.raises(ValueError, match="mode"):
        cfg.mode = "FAST"
    assert "floatX" in str(mlc.config) and mlc.config.device == "cpu"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Config().apply_flags("")


def test_config_flag_values_in_quotes_may_hold_commas() -> None:
    from mlc.config import Config
    cfg = Config()
    cfg.apply_flags("compiledir='/tmp/a,b',floatX=float32")
    assert (cfg.compiledir, cfg.floatX) == ("/tmp/a,b", "float32")
    cfg.apply_flags('compiledir="/tmp/c, d"')
    assert cfg.compiledir == "/tmp/c, d"
    with pytest.raises(ValueError, match="unterminated"):
        cfg.apply_flags("compiledir='/tmp/e")
