"""Theano semantics of `mlc.function` beyond plain calls: `mlc.In` (defaults, keyword
names, mutable/borrow), `mlc.Out`, keyword errors, `fn(n_calls)` with defaults,
`on_unused_input` through `mlc.function`, shared values with `borrow`, `Variable.eval`,
`f.copy`, pickling (in process and from a warm disk cache in a new process),
`mlc.printing.debugprint` and `f.ir(stage, debuginfo=True)` replayed by `mlc-opt`.

Compiled functions are built once per module (fixtures) and reused across tests:
every distinct graph costs a gcc run.
"""

from __future__ import annotations

import inspect
import io
import os
import pickle
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import mlc
import mlc.tensor as T
from mlc.compile import cache
from mlc.compile.hashing import graph_hash


@pytest.fixture(scope="module")
def theano_doc_fn():
    """The example of Theano's documentation of `In`: z = (x + y) * w."""
    x, y, w = T.dscalar("x"), T.dscalar("y"), T.dscalar("w")
    return mlc.function([x, mlc.In(y, value=1), mlc.In(w, value=2, name="w_by_name")],
                        (x + y) * w)


@pytest.fixture(scope="module")
def counter():
    """count += step; returns the old count; `step` defaults to 1."""
    count = mlc.shared(np.int64(0), name="count")
    step = T.lscalar("step")
    f = mlc.function([mlc.In(step, value=1)], count, updates={count: count + step},
                     name="tick")
    return f, count


# -- mlc.In: defaults and keyword names ---------------------------------------------------

def test_in_defaults_by_position_and_keyword(theano_doc_fn) -> None:
    f = theano_doc_fn
    assert f(33) == 68.0
    assert f(33, 2) == 70.0
    assert f(33, 0, 1) == 33.0
    assert f(33, w_by_name=1) == 34.0
    assert f(33, w_by_name=1, y=0) == 33.0
    assert f(x=33) == 68.0
    assert [None if d is None else float(d) for d in f.defaults] == [None, 1.0, 2.0]
    f.trust_input = True
    try:
        assert f(np.array(33.0)) == 68.0
        assert f(np.array(33.0), w_by_name=np.array(1.0)) == 34.0
    finally:
        f.trust_input = False


def test_in_name_replaces_the_variable_name(theano_doc_fn) -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'w'"):
        theano_doc_fn(33, w=1)
    with pytest.raises(TypeError, match="input 'w_by_name' \\(argument 2\\)"):
        theano_doc_fn(33, 1, "not a number")


@pytest.mark.parametrize("args, kwargs, match", [
    ((), {}, "expected 1 to 3 arguments \\(x, y=..., w_by_name=...\\), got 0"),
    ((1, 2, 3, 4), {}, "expected 1 to 3 arguments"),
    ((1,), {"x": 2}, "multiple values for 'x'"),
    ((), {"y": 2}, "missing input 'x' \\(argument 0\\)"),
    ((1, 2, 3, 4), {"y": 1}, "expected 1 to 3 arguments"),
])
def test_bad_calls_with_defaults(theano_doc_fn, args, kwargs, match) -> None:
    with pytest.raises(TypeError, match=match):
        theano_doc_fn(*args, **kwargs)


def test_required_input_after_a_default_needs_a_keyword_or_position() -> None:
    a, b = T.dvector("a"), T.dvector("b")
    f = mlc.function([mlc.In(a, value=np.arange(3.0)), b], a - b)
    np.testing.assert_array_equal(f(b=np.ones(3)), [-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(f(np.ones(3), np.ones(3)), np.zeros(3))
    with pytest.raises(TypeError, match="expected 2 arguments \\(a=..., b\\), got 1"):
        f(np.ones(3))


def test_ambiguous_keyword_names_raise() -> None:
    a, b = T.dscalar("v"), T.dscalar("v")
    f = mlc.function([a, b], a - b)
    assert f(5.0, 2.0) == 3.0
    with pytest.raises(TypeError, match="ambiguous keyword argument 'v': inputs 0 and 1"):
        f(5.0, v=2.0)


def test_default_values_are_converted_once_and_private() -> None:
    v = T.fvector("v")
    user = np.array([1.0, 2.0], np.float32)
    f = mlc.function([mlc.In(v, value=user)], v * 2)
    user[:] = 100.0  # the function holds its own copy
    out = f()
    assert out.dtype == np.float32 and out.tolist() == [2.0, 4.0]
    assert not f.defaults[0].flags.writeable
    with pytest.raises(TypeError, match="default value of input 'v' \\(argument 0\\)"):
        mlc.function([mlc.In(v, value=np.ones(2))], v)  # float64 does not fit float32
    with pytest.raises(TypeError, match="expected a 1-d float32 array"):
        mlc.function([mlc.In(v, value=1.0)], v)
    s = T.fscalar("s")
    assert mlc.function([mlc.In(s, value=0.1)], s)().dtype == np.float32  # Python float


def test_floatx_types_inputs_and_their_defaults(floatx) -> None:
    floatx("float32")
    v = T.vector("v")
    f = mlc.function([mlc.In(v, value=[0.5, 1.5])], v * 2.5)
    assert f.defaults[0].dtype == np.float32
    out = f()
    assert out.dtype == np.float32 and out.tolist() == [1.25, 3.75]
    assert f([1.0]).dtype == np.float32


def test_in_argument_checks() -> None:
    x = T.dvector("x")
    with pytest.raises(ValueError, match="mutable=True with borrow=False"):
        mlc.In(x, mutable=True, borrow=False)
    with pytest.raises(TypeError, match="expected a symbolic variable"):
        mlc.In(np.ones(2))
    with pytest.raises(TypeError, match="symbolic variable"):
        mlc.In(x, value=x)
    with pytest.raises(TypeError, match="name must be a string"):
        mlc.In(x, name=3)
    assert mlc.In(x, autoname=False).name is None and mlc.In(x).name == "x"
    assert repr(mlc.In(x, value=1.0)) == "In(x, value=1.0)"
    w = mlc.shared(np.ones(2), name="w")
    with pytest.raises(TypeError, match="shared variable"):
        mlc.function([mlc.In(w)], w * 2)


def test_mutable_borrow_and_out_keep_inputs_and_outputs_separate() -> None:
    x = T.dvector("x")
    f = mlc.function([mlc.In(x, mutable=True, borrow=True)],
                     [mlc.Out(x, borrow=True), mlc.Out(x * 2.0), x + 1.0])
    xv = np.arange(3.0)
    first = f(xv)
    assert xv.tolist() == [0.0, 1.0, 2.0]
    assert not any(np.shares_memory(o, xv) for o in first)
    second = f(xv)
    assert not any(np.shares_memory(a, b) for a, b in zip(first, second))
    g = mlc.function([x], mlc.Out(x.sum(), borrow=True))
    assert isinstance(g(xv), np.ndarray) and g(xv) == 3.0
    assert repr(mlc.Out(x, borrow=True)) == "Out(x, borrow=True)"


# -- fn(n_calls), on_unused_input, shared values -------------------------------------------

def test_fn_runs_with_defaults_natively(counter) -> None:
    f, count = counter
    count.set_value(0)
    assert f.fn(n_calls=10) == 9 and count.get_value() == 10
    assert f(5) == 10 and f() == 15 and count.get_value() == 16
    x = T.dscalar("x")
    g = mlc.function([x, mlc.In(T.dscalar("y"), value=1.0)], x, on_unused_input="ignore")
    with pytest.raises(TypeError, match="inputs all have default values"):
        g.fn(n_calls=2)


def test_on_unused_input_through_function() -> None:
    x, y = T.dvector("x"), T.dvector("y")
    with pytest.raises(mlc.compile.UnusedInputError, match="input 1 \\(y"):
        mlc.function([x, y], x * 3.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f = mlc.function([x, y], x * 3.0, on_unused_input="warn")
    assert len(caught) == 1 and caught[0].filename == __file__
    assert f(np.ones(2), np.ones(5)).tolist() == [3.0, 3.0]
    with pytest.raises(TypeError, match="input 'y'"):  # an unused input is still checked
        f(np.ones(2), "abc")


def test_shared_borrow_aliases_and_copies() -> None:
    arr = np.arange(3.0)
    aliased = mlc.shared(arr, name="aliased", borrow=True)
    copied = mlc.shared(arr, name="copied")
    arr[0] = 10.0
    assert aliased.get_value()[0] == 10.0 and copied.get_value()[0] == 0.0
    inner = aliased.get_value(borrow=True, return_internal_type=True)
    assert inner is arr and aliased.get_value() is not arr
    new = np.ones(3)
    aliased.set_value(new, borrow=True)
    new[1] = 7.0
    assert aliased.get_value()[1] == 7.0
    copied.set_value(new)
    new[2] = 8.0
    assert copied.get_value()[2] == 1.0
    copied.set_value([1, 2, 3])  # Python ints convert exactly into float64
    assert copied.get_value().dtype == np.float64
    with pytest.raises(TypeError, match="copied"):
        copied.set_value(np.ones((2, 2)))
    with pytest.raises(TypeError, match="float32"):
        mlc.shared(np.ones(2, np.float32), name="f32").set_value(np.ones(2))


def test_update_replaces_the_borrowed_array(counter) -> None:
    f, count = counter
    before = count.get_value(borrow=True)
    old = int(before)
    f()
    assert int(before) == old and count.get_value() == old + 1


# -- Variable.eval ------------------------------------------------------------------------

def test_eval_compiles_once_per_graph() -> None:
    x = T.dvector("x")
    y = T.exp(x) * 2.0
    np.testing.assert_allclose(y.eval({x: np.array([0.0, 1.0])}), [2.0, 2 * np.e])
    before = cache.stats["compile_module"]
    np.testing.assert_allclose(y.eval({x: [2.0]}), [2 * np.exp(2.0)])
    assert cache.stats["compile_module"] == before
    s = mlc.shared(np.array([1.0, 2.0]), name="s")
    assert s.eval().tolist() == [1.0, 2.0] and (s * x).sum().eval({x: [3.0, 4.0]}) == 11.0
    assert T.constant(np.arange(3)).eval().tolist() == [0, 1, 2]
    with pytest.raises(TypeError, match="keys of inputs_to_values"):
        y.eval({"x": np.ones(2)})
    z = T.dvector("z")
    with pytest.raises(mlc.compile.UnusedInputError):
        y.eval({x: np.ones(1), z: np.ones(1)})
    assert y.eval({x: np.zeros(1), z: np.ones(1)}, on_unused_input="ignore").tolist() == [2.0]


# -- f.copy -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stepper():
    """out = x + m + z with updates m += 1, z += 1 (Theano's copy test, simplified)."""
    x = T.dscalar("x")
    m, z = mlc.shared(0.0, name="m"), mlc.shared(2.0, name="z")
    f = mlc.function([mlc.In(x, value=0.5)], x + m + z, updates=[(m, m + 1.0), (z, z + 1.0)],
                     name="step")
    return f, m, z


def test_copy_shares_shared_variables_like_theano(stepper) -> None:
    f, m, z = stepper
    m.set_value(0.0), z.set_value(2.0)
    c = f.copy()
    assert c.name == "step copy" and f.copy(name="other").name == "other"
    assert f(1.0) == 3.0 and c(1.0) == 5.0 and c() == 6.5  # defaults are copied too
    assert m.get_value() == 3.0 and z.get_value() == 5.0
    before = dict(cache.stats)
    f.copy(share_memory=True)
    assert cache.stats["compile_module"] == before["compile_module"]


def test_copy_swap_and_delete_updates(stepper) -> None:
    f, m, z = stepper
    m.set_value(0.0), z.set_value(2.0)
    z2 = mlc.shared(40.0, name="z_rpl")
    swapped = f.copy(swap={z: z2})
    assert swapped(1.0) == 41.0
    assert (m.get_value(), z.get_value(), z2.get_value()) == (1.0, 2.0, 41.0)
    frozen = f.copy(delete_updates=True)
    assert frozen(1.0) == 4.0 and frozen(1.0) == 4.0 and m.get_value() == 1.0
    assert frozen.updates == [] and swapped.updates[1][0] is z2


def test_copy_swap_errors(stepper) -> None:
    f, m, z = stepper
    with pytest.raises(ValueError, match="not a shared variable of this function"):
        f.copy(swap={mlc.shared(1.0, name="other"): mlc.shared(2.0)})
    with pytest.raises(TypeError, match="must be replaced by a shared variable"):
        f.copy(swap={z: T.dscalar()})
    with pytest.raises(TypeError, match="has 1 dimensions"):
        f.copy(swap={z: mlc.shared(np.ones(2), name="vec")})


# -- pickling -----------------------------------------------------------------------------

def test_pickle_round_trip_keeps_values_defaults_and_options(stepper) -> None:
    f, m, z = stepper
    m.set_value(10.0), z.set_value(20.0)
    f.trust_input = True
    try:
        g, m2 = pickle.loads(pickle.dumps((f, m)))
    finally:
        f.trust_input = False
    assert g.trust_input and g.name == "step" and float(g.defaults[0]) == 0.5
    before = dict(cache.stats)
    assert g() == 30.5 and g(x=1.0) == 33.0
    assert cache.stats["compile_module"] == before["compile_module"]  # memory cache hit
    assert m2.get_value() == 12.0 and m.get_value() == 10.0 and z.get_value() == 20.0
    assert g.updates[0][0] is m2


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_every_pickle_protocol(protocol) -> None:
    x, k = T.dvector("x"), T.dscalar("k")
    w = mlc.shared(np.array([1.0, 2.0]), name="w")
    y = (x * w).sum() * k
    f = mlc.function([x, mlc.In(k, value=3.0)], y, updates={w: w + 1})
    for item in (x, y, x.type, mlc.In(x, value=1.0), mlc.Out(y), w):
        assert type(pickle.loads(pickle.dumps(item, protocol=protocol))) is type(item)
    g, w2 = pickle.loads(pickle.dumps((f, w), protocol=protocol))
    assert g(np.array([1.0, 1.0])) == 9.0 and w2.get_value().tolist() == [2.0, 3.0]
    y2 = pickle.loads(pickle.dumps(y, protocol=protocol))
    assert y2.type == y.type and y2.owner.op is y.owner.op


def test_pickled_graph_of_any_depth_hashes_like_the_original() -> None:
    from mlc.compile.fgraph import build
    from mlc.compile.rebuild import graph_from_state, graph_state
    x, w = T.dvector("x"), mlc.shared(np.ones(2), name="w")
    y = x
    for i in range(400):  # direct pickling of the nodes recurses past ~200 levels
        y = y * w + float(i % 3)
    fg = build([x], [y, y.sum()], updates={w: w * 0.5})
    back = graph_from_state(pickle.loads(pickle.dumps(graph_state(fg))))
    assert graph_hash(back) == graph_hash(fg) and len(back.nodes) == len(fg.nodes)
    assert back.shared[0].get_value().tolist() == [1.0, 1.0] and back.shared[0] is not w


UNPICKLE = textwrap.dedent("""
    import pickle, sys
    from mlc.compile import cache
    from mlc.runtime import compile as rt
    with open(sys.argv[1], "rb") as fh:
        f, w = pickle.load(fh)
    print("OUT", f([1.0, 2.0]).tolist(), f([1.0, 2.0]).tolist(), w.get_value().tolist())
    print("STATS", cache.stats["compile_module"], cache.stats["disk_hits"], rt.stats["gcc_runs"])
""")


def test_unpickling_in_a_new_process_skips_passes_and_gcc(tmp_path) -> None:
    # The disk key includes a hash of the compiler's sources, taken once per process:
    # take it again, so that both processes hash the same sources even in a long session.
    cache.compiler_fingerprint.cache_clear()
    x = T.dvector("x")
    w = mlc.shared(np.array([1.0, 3.0]), name="w")
    f = mlc.function([x], (x * w).sum(), updates={w: w + 1.0})
    (tmp_path / "f.pkl").write_bytes(pickle.dumps((f, w)))
    (tmp_path / "load.py").write_text(UNPICKLE)
    env = dict(os.environ, MLC_COMPILEDIR=mlc.config.compiledir)
    env.pop("MLC_FLAGS", None)
    out = subprocess.run([sys.executable, str(tmp_path / "load.py"), str(tmp_path / "f.pkl")],
                         env=env, capture_output=True, text=True, check=True).stdout
    lines = dict(line.split(" ", 1) for line in out.splitlines())
    assert lines["OUT"] == "7.0 10.0 [3.0, 5.0]"
    assert lines["STATS"] == "0 1 0"  # no passes, one disk hit, no gcc


# -- debugprint and IR with locations -----------------------------------------------------

def test_debugprint_of_a_variable_in_theano_format() -> None:
    x, y = T.dvector("x"), T.dvector("y")
    s = x + y
    z = (s * 2.0 - s).sum()
    z.name = "z"
    text = mlc.printing.debugprint(z, file="str")
    assert text == textwrap.dedent("""\
        mt.sum{axes=(0,)} [id A] 'z'
         |mt.sub [id B] ''
           |mt.mul [id C] ''
           | |mt.add [id D] ''
           | | |x [id E]
           | | |y [id F]
           | |TensorConstant{(1,) of 2.0} [id G]
           |mt.add [id D] ''
        """)
    assert mlc.printing.debugprint(z, file="str", depth=2, ids="int").splitlines() == [
        "mt.sum{axes=(0,)} [id 0] 'z'", " |mt.sub [id 1] ''"]
    typed = mlc.printing.debugprint([s, x], file="str", ids="", print_type=True)
    assert typed.splitlines() == ["mt.add <tensor<?xf64>> ''", " |x <tensor<?xf64>>",
                                  " |y <tensor<?xf64>>", "x <tensor<?xf64>>"]
    named_root = mlc.printing.debugprint(z, file="str", stop_on_name=True)
    assert named_root == "mt.sum{axes=(0,)} [id A] 'z'\n"
    stream = io.StringIO()
    assert mlc.printing.debugprint(x, file=stream) is stream and stream.getvalue() == "x [id A]\n"


def test_debugprint_source_lines_and_errors() -> None:
    x = T.dvector("x")
    line = inspect.currentframe().f_lineno; y = T.exp(x)  # noqa: E702
    text = mlc.printing.debugprint(y, file="str", print_loc=True)
    assert f"mt.exp [id A] ''  at test_function_semantics.py:{line}" in text
    with pytest.raises(ValueError, match="ids must be"):
        mlc.printing.debugprint(y, ids="hex")
    with pytest.raises(TypeError, match="expected a variable"):
        mlc.printing.debugprint(42)


def test_debugprint_of_a_function_shows_the_optimized_graph() -> None:
    x = T.dvector("x")
    acc = mlc.shared(np.zeros(2), name="acc")
    f = mlc.function([x], (-(-x)) * 3.0, updates={acc: acc + x})
    text = mlc.printing.debugprint(f, file="str")
    assert text == textwrap.dedent("""\
        mt.mul [id A] ''   1
         |x [id B]
         |TensorConstant{(1,) of 3.0} [id C]
        mt.add [id D] ''   2
         |acc [id E]
         |x [id B]
        """)
    assert "mt.neg" in mlc.printing.debugprint(-(-x), file="str")  # the graph as built
    located = mlc.printing.debugprint(f, file="str", print_loc=True).splitlines()
    assert located[0].startswith("mt.mul [id A] ''   1  at test_function_semantics.py:")
    assert located[2].startswith(" |TensorConstant{(1,) of 3.0} [id C]  at test_function_semantics")


def test_ir_with_debuginfo_is_replayed_by_mlc_opt(tmp_path) -> None:
    from xdsl.parser import Parser

    from mlc.passes.pipelines import make_context, print_ir
    x = T.dmatrix("x")
    line = inspect.currentframe().f_lineno; y = T.tanh(x).sum(axis=1) * 2.0  # noqa: E702
    f = mlc.function([x], [y, x[1:, ::2]])
    mt_text = f.ir("mt", debuginfo=True)
    assert f'test_function_semantics.py":{line}:' in mt_text and "loc(" not in f.ir("mt")
    for stage in ("loop", "scf"):  # parsed back to the same text, locations included
        text = f.ir(stage, debuginfo=True)
        assert print_ir(Parser(make_context(), text).parse_module(), debuginfo=True) == text
    (tmp_path / "f.mlir").write_text(mt_text)
    out = subprocess.run([sys.executable, "-m", "mlc.opt", str(tmp_path / "f.mlir"),
                          "--print-debuginfo"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == mt_text.strip()


def replay_graph(kind: str):
    """A function whose IR holds one family of ops that needs its own dialect or lowering."""
    from mlc.tensor.shared_randomstreams import RandomStreams
    x, w, idx = T.dmatrix("x"), T.dmatrix("w"), T.lvector("idx")
    if kind == "blas":
        return [x, w], T.dot(x, w) + 1.0, "blas.gemm"
    if kind == "random":
        noise = RandomStreams(seed=3).normal(size=x.shape, avg=1.0, std=2.0)
        return [x], x * noise, "loop.rand_normal"
    if kind == "indexing":
        return [x, idx], T.inc_subtensor(x[idx], x[idx] * 2.0)[1:, ::2], "loop.scatter"
    if kind == "scan":
        hs, _ = mlc.scan(lambda r, h, w: T.tanh(r + T.dot(h, w)), sequences=x, outputs_info=x[0],
                         non_sequences=w)
        return [x, w], hs, "scf.for"
    cost = (T.tanh(T.dot(x, w))[idx] * T.sort(w, axis=0)[0]).max()
    return [x, w, idx], mlc.grad(cost, [x, w]), "loop.sort"


@pytest.mark.parametrize("kind", ["blas", "random", "indexing", "gradient", "scan"])
def test_every_stage_replays_through_mlc_opt(tmp_path, kind) -> None:
    """mlc-opt knows every dialect f.ir prints (blas, random and indexing ops included):
    each stage's text, run through the next stage's passes, gives the next stage's text,
    down to the same C."""
    from mlc.passes.pipelines import TO_LOOP, TO_SCF
    inputs, outputs, marker = replay_graph(kind)
    f = mlc.function(inputs, outputs)
    assert marker in f.ir("loop")
    steps = (("mt", TO_LOOP, "loop"), ("loop", TO_SCF, "scf"))
    for stage, passes, nxt in steps:
        (tmp_path / f"{stage}.mlir").write_text(f.ir(stage, debuginfo=True))
        out = subprocess.run([sys.executable, "-m", "mlc.opt", str(tmp_path / f"{stage}.mlir"),
                              "-p", ",".join(passes), "--print-debuginfo"], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == f.ir(nxt, debuginfo=True).strip(), stage
    (tmp_path / "scf.mlir").write_text(f.ir("scf", debuginfo=True))
    out = subprocess.run([sys.executable, "-m", "mlc.opt", str(tmp_path / "scf.mlir"), "-t", "c"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f.ir("c").strip()


def test_ad_requests_replay_through_mlc_opt(tmp_path) -> None:
    """An `ad.vjp` in textual IR runs through the autodiff transform and then the whole
    FAST_RUN pipeline and lowering in mlc-opt, to C that compiles."""
    ir = ("func.func @main(%x: tensor<?xf64>) -> tensor<?xf64> {\n"
          "  %y = mt.tanh %x : tensor<?xf64> -> tensor<?xf64>\n"
          "  %c = mt.sum %y {axes = array<i64: 0>} : tensor<?xf64> -> tensor<f64>\n"
          "  %one = mt.constant {value = dense<1.0> : tensor<f64>} : tensor<f64>\n"
          "  %g = ad.vjp outs(%c : tensor<f64>) seeds(%one : tensor<f64>) wrt(%x : tensor<?xf64>)"
          " : tensor<?xf64>\n"
          "  func.return %g : tensor<?xf64>\n}\n")
    from mlc.passes.pipelines import GRAPH_PIPELINES, TO_LOOP, TO_SCF
    from mlc.runtime.compile import compile_c
    (tmp_path / "ad.mlir").write_text(ir)
    out = subprocess.run([sys.executable, "-m", "mlc.opt", str(tmp_path / "ad.mlir"), "-p", "autodiff"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "ad.vjp" not in out.stdout and "mt.tanh" in out.stdout
    passes = ("autodiff",) + GRAPH_PIPELINES["FAST_RUN"] + TO_LOOP + TO_SCF
    out = subprocess.run([sys.executable, "-m", "mlc.opt", str(tmp_path / "ad.mlir"), "-p", ",".join(passes),
                          "-t", "c"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "int64_t mlc_entry(" in out.stdout
    compile_c(out.stdout)


def test_ir_of_code_in_a_non_ascii_path_is_replayed_by_mlc_opt(tmp_path) -> None:
    source = "x = T.dvector('x')\nf = mlc.function([x], T.exp(x) * 2.0)\n"
    scope = {"T": T, "mlc": mlc}
    exec(compile(source, "/tmp/données/modèle «1».py", "exec"), scope)  # noqa: S102
    for stage in ("mt", "loop", "scf"):
        text = scope["f"].ir(stage, debuginfo=True)
        assert 'loc("/tmp/données/modèle «1».py":2:' in text
        (tmp_path / f"{stage}.mlir").write_text(text, encoding="utf-8")
        out = subprocess.run([sys.executable, "-m", "mlc.opt", str(tmp_path / f"{stage}.mlir"),
                              "--print-debuginfo"], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == text.strip()
