"""Tests of what `mlc.function` does before compiling: argument checks, updates and
givens (mlc/compile/fgraph.py), the `mt` module it emits, the structural graph hash,
shared variables, the argument converter, and the memory cost of building graphs.
"""

from __future__ import annotations

import gc
import tracemalloc

import numpy as np
import pytest

import mlc
import mlc.tensor as T
from mlc.compile.convert import make_converter
from mlc.tensor.values import filter_value as convert
from mlc.compile.fgraph import MissingInputError, UnusedInputError, build, toposort
from mlc.compile.hashing import graph_hash
from mlc.compile.translate import to_module


def module_text(inputs, outputs, **kw) -> str:
    module = to_module(build(inputs, outputs, **kw))
    module.verify()
    return str(module)


# -- the mt module -------------------------------------------------------------------------

def test_module_layout_inputs_shared_outputs_updates() -> None:
    x = T.dvector("x")
    w = mlc.shared(np.zeros(3), name="w")
    fg = build([x], [x * w, x.sum()], updates={w: w + x})
    assert fg.shared == [w] and fg.updates == [0] and not fg.single
    text = module_text([x], [x * w, x.sum()], updates={w: w + x})
    assert "func.func @main(%x: tensor<?xf64>, %w: tensor<?xf64>) -> " \
           "(tensor<?xf64>, tensor<f64>, tensor<?xf64>)" in text
    assert text.count("mt.add") == 1 and text.count("mt.mul") == 1


def test_equal_constants_are_emitted_once() -> None:
    x = T.dvector("x")
    text = module_text([x], [x + 2.0, x * 2.0, x - 3.0])
    assert text.count("mt.constant") == 2


def test_output_that_is_an_input_or_a_constant() -> None:
    x = T.dvector("x")
    fg = build([x], [x, T.constant(1.0)])
    module = to_module(fg)
    module.verify()
    assert "func.return %x" in str(module)


def test_scalar_graphs_translate(ref_eval) -> None:
    s = T.dscalar("s")
    out = ref_eval([s], [s * 2, 1.5 + s, T.constant(3), s.dimshuffle("x")], [1.5])
    assert [o.shape for o in out] == [(), (), (), (1,)]
    assert out[0] == 3.0 and out[1] == 3.0 and out[2] == 3


def test_deep_graph_needs_no_recursion() -> None:
    x = T.dscalar("x")
    y = x
    for _ in range(5000):
        y = y + 1.0
    fg = build([x], y)
    assert len(fg.nodes) == 5000
    assert len(graph_hash(fg)) == 40


# -- function arguments --------------------------------------------------------------------

def test_inputs_must_be_plain_symbolic_variables() -> None:
    x = T.dvector()
    with pytest.raises(TypeError, match="is a constant"):
        build([T.constant(1.0)], x)
    with pytest.raises(TypeError, match="shared variable"):
        build([mlc.shared(1.0)], x)
    with pytest.raises(TypeError, match="not a symbolic variable"):
        build([np.ones(3)], x)
    with pytest.raises(TypeError, match="list"):
        build(x, x)
    with pytest.raises(ValueError, match="twice"):
        build([x, x], x)


def test_missing_input_names_the_variable_and_line() -> None:
    x, y = T.dvector("x"), T.dvector("y")
    with pytest.raises(MissingInputError, match=r"\by\b.*test_frontend_graph\.py:\d+"):
        build([x], x + y)


def test_unused_inputs() -> None:
    x, y = T.dvector("x"), T.dvector("y")
    with pytest.raises(UnusedInputError, match="input 1 \\(y"):
        build([x, y], x * 2)
    with pytest.warns(UserWarning, match="not used"):
        build([x, y], x * 2, on_unused_input="warn")
    assert build([x, y], x * 2, on_unused_input="ignore").inputs == [x, y]
    with pytest.raises(ValueError, match="on_unused_input"):
        build([x], x, on_unused_input="never")
    assert isinstance(UnusedInputError("m"), ValueError)


def test_intermediate_variable_as_input_cuts_the_graph() -> None:
    x = T.dvector("x")
    h = T.exp(x)
    fg = build([h], h * 2)
    assert [n.op.name for n in fg.nodes] == ["mt.mul"]


def test_updates_are_checked() -> None:
    x = T.dvector("x")
    w = mlc.shared(np.zeros(3, np.float32), name="w")
    with pytest.raises(TypeError, match="shared variable w.*float64.*float32"):
        build([x], x, updates={w: w + x})
    with pytest.raises(TypeError, match="only target shared variables"):
        build([x], x, updates={x: x})
    with pytest.raises(ValueError, match="updated twice"):
        build([x], x, updates=[(w, w * 2), (w, w * 3)])
    with pytest.raises(TypeError, match="dimensions"):
        build([x], x, updates={w: w.sum()})
    with pytest.raises(TypeError, match="pairs"):
        build([x], x, updates=[w])
    fg = build([x], None, updates=[(w, T.cast(w + x, "float32"))])
    assert fg.outputs == [] and len(fg.update_values) == 1


def test_update_of_a_shared_variable_the_outputs_do_not_read() -> None:
    x = T.dvector("x")
    a, b = mlc.shared(np.zeros(2), name="a"), mlc.shared(np.zeros(2), name="b")
    fg = build([x], x.sum(), updates={b: a + x})
    assert fg.shared == [a, b] and fg.updates == [1]
    assert build([x], x.sum(), updates={b: [0, 1]}).update_values[0].dtype == "float64"
    n = mlc.shared(0, name="n")
    assert build([], None, updates={n: 5}).update_values[0].dtype == "int64"
    with pytest.raises(TypeError, match="update of shared variable n.*1.5"):
        build([], None, updates={n: 1.5})
    with pytest.raises(TypeError, match="update of shared variable b.*0-d"):
        build([], None, updates={b: 0})


def test_givens_replace_variables_and_retype() -> None:
    x, y = T.dvector("x"), T.dvector("y")
    z = T.exp(x) + 1
    fg = build([y], z, givens={x: y * 2})
    assert [n.op.name for n in fg.nodes][0] == "mt.mul"
    assert z.owner.inputs[0].owner.inputs[0] is x  # the original graph is untouched
    data = mlc.shared(np.arange(10.0), name="data")
    i = T.dvector("i")
    fg = build([], (i * 2).sum(), givens=[(i, data[2:5])])
    assert fg.shared == [data] and fg.inputs == []
    with pytest.raises(UnusedInputError):  # a replaced input is no longer used
        build([i], (i * 2).sum(), givens=[(i, data[2:5])])


def test_givens_type_mismatch() -> None:
    x = T.dvector("x")
    with pytest.raises(TypeError, match="dtype float32"):
        build([], x * 2, givens={x: T.fvector()})
    with pytest.raises(TypeError, match="dimensions"):
        build([], x * 2, givens={x: T.dmatrix()})
    r = T.drow("r")
    with pytest.raises(TypeError, match="axis 0"):
        build([], r + 1, givens={r: T.dmatrix()})


def test_toposort_orders_nodes_after_their_inputs() -> None:
    x = T.dvector()
    a = T.exp(x)
    b = a + a
    c = b * a
    order = toposort([c, b])
    assert order.index(a.owner) < order.index(b.owner) < order.index(c.owner)
    assert len(order) == 3


# -- structural hash -----------------------------------------------------------------------

def _graph(const: float = 1.0, axis: int = 0, swap: bool = False):
    x, y = T.dmatrix("x"), T.dmatrix("y")
    z = (T.exp(x) * const + y).sum(axis=axis)
    return build([y, x] if swap else [x, y], [z])


def test_graph_hash_is_structural() -> None:
    assert graph_hash(_graph()) == graph_hash(_graph())
    assert graph_hash(_graph()) != graph_hash(_graph(const=2.0))
    assert graph_hash(_graph()) != graph_hash(_graph(axis=1))
    assert graph_hash(_graph()) != graph_hash(_graph(swap=True))


def test_graph_hash_distinguishes_types_updates_and_output_form() -> None:
    def fn(dtype: str, single: bool = True, update: bool = False):
        x = T.vector("x", dtype=dtype)
        w = mlc.shared(np.zeros(2), name="w")
        out = x * 2 if single else [x * 2]
        return build([x], out, updates={w: w + 1} if update else None)
    base = graph_hash(fn("float64"))
    assert base == graph_hash(fn("float64"))
    assert base != graph_hash(fn("float32"))
    assert base != graph_hash(fn("float64", single=False))
    assert base != graph_hash(fn("float64", update=True))


def test_graph_hash_does_not_touch_xdsl(monkeypatch) -> None:
    from mlc.dialects.mt import MtOp

    def forbidden(*a, **k):
        raise AssertionError("xDSL op built while hashing")
    monkeypatch.setattr(MtOp, "build", classmethod(forbidden))
    monkeypatch.setattr(MtOp, "create", classmethod(forbidden))
    assert len(graph_hash(_graph())) == 40


# -- shared variables ----------------------------------------------------------------------

def test_shared_types() -> None:
    assert mlc.shared(1.5).type == T.TensorType("float64", shape=())
    assert mlc.shared(3).dtype == "int64" and mlc.shared(True).dtype == "bool"
    assert mlc.shared(np.float32(1)).dtype == "float32"
    m = mlc.shared(np.ones((1, 3), np.float32), name="m")
    assert m.broadcastable == (False, False) and m.name == "m" and repr(m) == "m"
    with pytest.raises(TypeError, match="numeric"):
        mlc.shared("abc")
    with pytest.raises(TypeError, match="symbolic"):
        mlc.shared(T.dvector())
    with pytest.raises(TypeError, match="not supported"):
        mlc.shared(np.ones(2, np.uint8))


def test_shared_get_and_set_value_copy_unless_borrowed() -> None:
    value = np.arange(3.0)
    s = mlc.shared(value)
    value[0] = 99
    assert s.get_value()[0] == 0
    s.get_value()[1] = 99
    assert s.get_value()[1] == 1
    s.get_value(borrow=True)[2] = 7
    assert s.get_value()[2] == 7
    b = mlc.shared(value, borrow=True)
    assert b.get_value(borrow=True) is value
    new = np.ones(5)
    s.set_value(new)
    new[0] = 5
    assert s.get_value()[0] == 1 and s.get_value().shape == (5,)
    s.set_value(new, borrow=True)
    assert s.get_value(borrow=True) is new


def test_shared_set_value_validation() -> None:
    f = mlc.shared(np.zeros(2, np.float32), name="f")
    f.set_value([1.5, 2.25])  # Python floats into float32: allowed (Theano)
    assert f.get_value().dtype == np.float32
    f.set_value(np.array([1, 2], np.int8))  # a safe cast
    assert f.get_value().dtype == np.float32
    with pytest.raises(TypeError, match="shared variable f.*float64"):
        f.set_value(np.array([0.1, 0.2]))
    with pytest.raises(TypeError, match="1-d float32 array, got 2-d"):
        f.set_value(np.zeros((2, 2), np.float32))
    with pytest.raises(TypeError, match="numeric"):
        f.set_value("xy")
    i = mlc.shared(np.zeros(2, np.int32), name="i")
    with pytest.raises(TypeError, match="int64"):
        i.set_value(np.array([1, 2], np.int64))  # by dtype, as for function arguments
    with pytest.raises(TypeError, match="1.5"):
        i.set_value([1.5, 2.0])
    i.set_value([3.0, 4.0])
    assert i.get_value().tolist() == [3, 4] and i.get_value().dtype == np.int32
    s = mlc.shared(0.0)
    s.set_value(2)
    assert s.get_value() == 2.0 and s.get_value().dtype == np.float64


# -- the argument converter ----------------------------------------------------------------

def _ty(dtype: str, shape: tuple):
    return T.TensorType(dtype, shape=shape)


def test_converter_lossless_and_python_values() -> None:
    assert convert(np.arange(3, dtype=np.int32), _ty("float64", (None,)), "x").dtype == np.float64
    assert convert([1.5, 2.5], _ty("float32", (None,)), "x").dtype == np.float32
    assert convert(0.1, _ty("float32", ()), "x").dtype == np.float32
    assert convert(3, _ty("int8", ()), "x") == 3
    assert convert([2.0, 3.0], _ty("int32", (None,)), "x").tolist() == [2, 3]
    assert convert(True, _ty("int32", ()), "x") == 1
    assert convert(1, _ty("bool", ()), "x").dtype == np.bool_


@pytest.mark.parametrize("value, ty, error, match", [
    (np.ones(3), ("float32", (None,)), TypeError, "float64.*float32|float32.*float64"),
    (np.float64(1.0), ("float32", ()), TypeError, "float64"),
    (300, ("int8", ()), TypeError, "300"),
    (1.5, ("int32", ()), TypeError, "1.5"),
    (1e300, ("float32", ()), TypeError, "float32"),
    ("abc", ("float64", ()), TypeError, "not numeric"),
    (None, ("float64", ()), TypeError, "not numeric"),
    (np.ones(3), ("float64", (None, None)), TypeError, "2-d"),
    (np.ones((2, 3)), ("float64", (1, None)), ValueError, "broadcastable"),
    (np.ones(4), ("float64", (3,)), ValueError, "static size 3"),
    (1 + 2j, ("float64", ()), TypeError, "not numeric"),
])
def test_converter_errors_name_the_input(value, ty, error, match: str) -> None:
    x = T.TensorType(ty[0], shape=ty[1])("x")
    conv = make_converter([T.dscalar(), x])
    with pytest.raises(error, match=match) as info:
        conv(1, value)
    assert "input 'x' (argument 1)" in str(info.value)


def test_converter_rejects_symbolic_values_and_names_unnamed_inputs() -> None:
    conv = make_converter([T.dvector()])
    with pytest.raises(TypeError, match=r"input \(argument 0\).*symbolic"):
        conv(0, T.dvector())


# -- memory: graphs built on a long-lived shared variable die with their last reference ----

def test_graphs_on_a_shared_variable_are_collected() -> None:
    w = mlc.shared(np.zeros(10), name="w")
    x = T.dvector("x")

    def build_once() -> None:
        y = T.tanh(T.dot(x, w) + 1.0) * w.sum()
        build([x], y)

    for _ in range(200):
        build_once()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(2000):
        build_once()
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert grown < 200_000, f"{grown} bytes retained after 2000 graph builds"
