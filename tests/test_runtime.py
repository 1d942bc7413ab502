"""Tests of mlc's runtime (runtime/): gcc compilation with its disk cache, and calling
hand-written C that implements the ABI of runtime/mlc_abi.h through `mlc.runtime._rt`.

These tests stand in for the C emitter: each C source below is what an emitter could
produce for a small function, so the runtime is tested without any other part of mlc.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
import weakref

import numpy as np
import pytest

from mlc.runtime import CompileError, cache_get, cache_put, compile_c, load_library
from mlc.runtime import compile as rt_compile
from mlc.runtime import _rt

F64 = np.dtype(np.float64).num

MESSAGES = [
    ("RuntimeError", "unused"),
    ("MemoryError", "out of memory"),
    ("ValueError", "shape mismatch: {0} vs {1} ({{literal}})"),
]

# out = a + b on float64 vectors; sizes must agree (error 2 otherwise).
VEC_ADD = r"""
#include "mlc_abi.h"
int64_t mlc_entry(mlc_ctx *ctx, char **data, const int64_t *shapes, const int64_t *strides) {
    int64_t n = shapes[0];
    if (shapes[1] != n) {
        ctx->err_code = 2; ctx->err_vals[0] = n; ctx->err_vals[1] = shapes[1];
        return 2;
    }
    const double *a = (const double *)data[0], *b = (const double *)data[1];
    double *out = (double *)ctx->alloc_output(ctx, 0, &n);
    if (!out) { ctx->err_code = MLC_ERR_ALLOC; return MLC_ERR_ALLOC; }
    for (int64_t i = 0; i < n; ++i) out[i] = a[i * strides[0]] + b[i * strides[1]];
    return 0;
}
"""

# out = a + b on 0-d inputs of any one C type T.
SCALAR_ADD = r"""
#include "mlc_abi.h"
#include <stdbool.h>
int64_t mlc_entry(mlc_ctx *ctx, char **data, const int64_t *shapes, const int64_t *strides) {
    T *out = (T *)ctx->alloc_output(ctx, 0, 0);
    if (!out) { ctx->err_code = MLC_ERR_ALLOC; return MLC_ERR_ALLOC; }
    *out = *(const T *)data[0] + *(const T *)data[1];
    return 0;
}
"""

# (a + b, a * b) on float64 matrices of equal shape (the second matrix may be a row).
MAT_TWO = r"""
#include "mlc_abi.h"
int64_t mlc_entry(mlc_ctx *ctx, char **data, const int64_t *shapes, const int64_t *strides) {
    int64_t m = shapes[0], n = shapes[1];
    const double *a = (const double *)data[0], *b = (const double *)data[1];
    int64_t sa0 = strides[0], sa1 = strides[1], sb0 = strides[2], sb1 = strides[3];
    if (shapes[2] == 1 && m != 1) sb0 = 0;  /* b is a broadcastable row */
    double *s = (double *)ctx->alloc_output(ctx, 0, shapes);
    if (!s) { ctx->err_code = MLC_ERR_ALLOC; return MLC_ERR_ALLOC; }
    double *p = (double *)ctx->alloc_output(ctx, 1, shapes);
    if (!p) { ctx->err_code = MLC_ERR_ALLOC; return MLC_ERR_ALLOC; }
    for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
            double x = a[i * sa0 + j * sa1], y = b[i * sb0 + j * sb1];
            s[i * n + j] = x + y;
            p[i * n + j] = x * y;
        }
    return 0;
}
"""

# Explicit input x, shared vector acc: returns acc + x and updates acc <- acc + x.
ACCUMULATE = r"""
#include "mlc_abi.h"
int64_t mlc_entry(mlc_ctx *ctx, char **data, const int64_t *shapes, const int64_t *strides) {
    int64_t n = shapes[0];
    if (shapes[1] != n) {
        ctx->err_code = 2; ctx->err_vals[0] = n; ctx->err_vals[1] = shapes[1];
        return 2;
    }
    const double *x = (const double *)data[0], *acc = (const double *)data[1];
    double *ret = (double *)ctx->alloc_output(ctx, 0, &n);
    if (!ret) { ctx->err_code = MLC_ERR_ALLOC; return MLC_ERR_ALLOC; }
    double *upd = (double *)ctx->alloc_output(ctx, 1, &n);
    if (!upd) { ctx->err_code = MLC_ERR_ALLOC; return MLC_ERR_ALLOC; }
    for (int64_t i = 0; i < n; ++i)
        ret[i] = upd[i] = acc[i * strides[1]] + x[i * strides[0]];
    return 0;
}
"""

# No explicit input; shared 0-d counter c: returns c + 1 and updates c <- c + 1.
COUNTER = r"""
#include "mlc_abi.h"
int64_t mlc_entry(mlc_ctx *ctx, char **data, const int64_t *shapes, const int64_t *strides) {
    double *ret = (double *)ctx->alloc_output(ctx, 0, 0);
    if (!ret) { ctx->err_code = MLC_ERR_ALLOC; return MLC_ERR_ALLOC; }
    double *upd = (double *)ctx->alloc_output(ctx, 1, 0);
    if (!upd) { ctx->err_code = MLC_ERR_ALLOC; return MLC_ERR_ALLOC; }
    *ret = *upd = *(const double *)data[0] + 1.0;
    return 0;
}
"""

# Sums the first element of N float64 inputs of any rank into a 0-d result.
SUM_FIRST = r"""
#include "mlc_abi.h"
int64_t mlc_entry(mlc_ctx *ctx, char **data, const int64_t *shapes, const int64_t *strides) {
    double *out = (double *)ctx->alloc_output(ctx, 0, 0);
    if (!out) { ctx->err_code = MLC_ERR_ALLOC; return MLC_ERR_ALLOC; }
    *out = 0.0;
    for (int k = 0; k < N; ++k) *out += *(const double *)data[k];
    return 0;
}
"""

# Misbehaving code: MODE selects the ABI violation to survive.
ROGUE = r"""
#include "mlc_abi.h"
int64_t mlc_entry(mlc_ctx *ctx, char **data, const int64_t *shapes, const int64_t *strides) {
    int64_t huge[1] = {(int64_t)1 << 62}, neg[1] = {-3};
    switch (MODE) {
    case 0: return ctx->alloc_output(ctx, 0, huge) ? 0 : (ctx->err_code = MLC_ERR_ALLOC);
    case 1: ctx->alloc_output(ctx, 0, neg); return 0;
    case 2: ctx->alloc_output(ctx, 0, shapes); ctx->alloc_output(ctx, 0, shapes); return 0;
    case 3: return 0;  /* never produces its result */
    case 4: ctx->err_code = 99; return 99;
    case 6: ctx->err_code = MLC_ERR_ALLOC; return MLC_ERR_ALLOC;
    default: ctx->alloc_output(ctx, 7, shapes); return 0;
    }
}
"""


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("mlc-cache"))


@pytest.fixture(scope="module")
def build(cache_dir):
    """build(source, inputs, outputs, **kw) -> _rt.Function over a freshly compiled .so."""

    def make(source, inputs, outputs, *, shared=(), n_returned=None, targets=(),
             messages=MESSAGES, converter=None, single=None, defines=""):
        lib = load_library(compile_c(defines + source, cache_dir=cache_dir))
        n_ret = len(outputs) - len(targets) if n_returned is None else n_returned
        single = n_ret == 1 if single is None else single
        return _rt.Function(lib, list(inputs), list(shared), list(outputs), n_ret,
                            list(targets), list(messages), converter, single)

    return make


def as_dtype(dtype):
    """A converter like the frontend's: np.asarray with a dtype check."""
    calls = []

    def convert(i, value):
        calls.append(i)
        arr = np.asarray(value)
        if arr.dtype != dtype:
            raise TypeError(f"argument {i}: wrong dtype {arr.dtype}")
        return arr

    convert.calls = calls
    return convert


@pytest.fixture
def vec_add(build):
    conv = as_dtype(np.float64)
    fn = build(VEC_ADD, [(F64, (-1,), "a"), (F64, (-1,), "b")], [(F64, 1)], converter=conv)
    fn.conv = conv
    return fn


@pytest.fixture
def scalar_add(build):
    return build(SCALAR_ADD, [(F64, (), "x"), (F64, (), "y")], [(F64, 0)],
                 converter=as_dtype(np.float64), defines="#define T double\n")


@pytest.fixture
def mat_two(build):
    return build(MAT_TWO, [(F64, (-1, -1), "a"), (F64, (1, -1), "row")],
                 [(F64, 2), (F64, 2)], single=False)


def accumulate(build, acc, target):
    return build(ACCUMULATE, [(F64, (-1,), "x")], [(F64, 1), (F64, 1)],
                 shared=[(F64, (-1,), "acc", acc)], targets=[target])


# ----------------------------------------------------------------------------- calls


def test_vector_add_matches_numpy_and_returns_fresh_arrays(vec_add):
    a, b = np.arange(5.0), np.linspace(0, 1, 5)
    out1, out2 = vec_add(a, b), vec_add(a, b)
    np.testing.assert_array_equal(out1, a + b)
    assert out1 is not out2 and not np.shares_memory(out1, out2)
    assert out1.flags.c_contiguous and out1.flags.writeable and out1.dtype == np.float64


def test_scalar_add_python_floats_take_the_fast_path(scalar_add):
    out = scalar_add(1.5, 2.25)
    assert out.shape == () and out.dtype == np.float64 and float(out) == 3.75
    assert float(scalar_add(np.float64(1.0), 2)) == 3.0  # np.float64 and exact int
    assert float(scalar_add(np.array(1.0), np.array(2.0))) == 3.0


def test_inexact_int_for_float64_goes_to_converter(build):
    conv = as_dtype(np.float64)
    fn = build(SCALAR_ADD, [(F64, (), "x"), (F64, (), "y")], [(F64, 0)], converter=conv,
               defines="#define T double\n")
    assert float(fn(2**60, 0.0)) == 2.0**60 and conv.calls == []
    with pytest.raises(TypeError, match="argument 0: wrong dtype"):
        fn(2**60 + 1, 0.0)
    assert conv.calls == [0]


@pytest.mark.parametrize(
    "ctype, dtype, good, bad",
    [
        ("float", np.float32, (1.5, np.float32(2.0)), (np.float64(1.0), True)),
        ("long", np.int64, (3, np.int64(4)), (1.5, 2**70, True)),
        ("signed char", np.int8, (-128, np.int8(5)), (128, -129)),
        ("bool", np.bool_, (True, np.bool_(True)), (1, 1.0)),
    ],
)
def test_scalar_fast_path_per_dtype(build, ctype, dtype, good, bad):
    num = np.dtype(dtype).num
    conv_calls = []

    def refuse(i, value):
        conv_calls.append(i)
        raise TypeError(f"refused {value!r}")

    fn = build(SCALAR_ADD, [(num, (), "x"), (num, (), "y")], [(num, 0)], converter=refuse,
               defines=f"#define T {ctype}\n")
    for value in good:
        out = fn(value, value)
        assert out.dtype == dtype and out == np.asarray(value + value).astype(dtype)
    assert conv_calls == []
    for value in bad:
        with pytest.raises(TypeError, match="refused"):
            fn(value, good[0])


def test_two_outputs_and_list_return(mat_two):
    a = np.arange(12.0).reshape(3, 4)
    row = np.arange(4.0).reshape(1, 4)
    s, p = mat_two(a, row)
    np.testing.assert_array_equal(s, a + row)
    np.testing.assert_array_equal(p, a * row)


def test_non_contiguous_and_negative_strides(mat_two, vec_add):
    base = np.arange(60.0).reshape(6, 10)
    a = base[::-2, 1::3]  # negative and non-unit strides
    row = base[:1, ::-3][:, : a.shape[1]]
    s, p = mat_two(a, row)
    np.testing.assert_array_equal(s, a + row)
    np.testing.assert_array_equal(p, a * row)
    x = np.arange(20.0)[::-4]
    np.testing.assert_array_equal(vec_add(x, x.T.copy()), x + x)
    np.testing.assert_array_equal(mat_two(a.T, row)[0], a.T + row)


def test_misaligned_byteswapped_and_readonly_inputs_are_copied(vec_add):
    raw = np.zeros(8 * 5 + 1, dtype=np.uint8)
    mis = raw[1:].view(np.float64)
    mis[:] = np.arange(5.0)
    assert not mis.flags.aligned
    swapped = np.arange(5.0).astype(">f8")
    ro = np.arange(5.0)
    ro.flags.writeable = False
    odd_stride = np.lib.stride_tricks.as_strided(raw[:40].view(np.float64), (4,), (9,))
    np.testing.assert_array_equal(vec_add(mis, swapped), np.arange(5.0) * 2)
    np.testing.assert_array_equal(vec_add(ro, ro), np.arange(5.0) * 2)
    np.testing.assert_array_equal(vec_add(odd_stride, odd_stride), odd_stride * 2)


def test_zero_size_inputs(vec_add, mat_two):
    assert vec_add(np.zeros(0), np.zeros(0)).shape == (0,)
    s, p = mat_two(np.zeros((0, 3)), np.zeros((1, 3)))
    assert s.shape == (0, 3) and p.shape == (0, 3)


def test_keyword_arguments_by_input_name(vec_add):
    a = np.arange(3.0)
    np.testing.assert_array_equal(vec_add(a, b=a), 2 * a)
    np.testing.assert_array_equal(vec_add(b=a, a=a + 1), 2 * a + 1)
    for kwargs, msg in [({"c": a}, "unexpected keyword"), ({"a": a}, "multiple values"),
                        ({}, "missing input 'b'")]:
        with pytest.raises(TypeError, match=msg):
            vec_add(a, **kwargs) if kwargs else vec_add(a=a)


@pytest.mark.parametrize("ndim", [0, 4])
def test_many_arguments_use_the_heap_buffers(build, ndim):
    n = 24  # more arguments and shape entries than the stack buffers hold
    fn = build(SUM_FIRST, [(F64, (-1,) * ndim, f"x{k}") for k in range(n)], [(F64, 0)],
               defines=f"#define N {n}\n")
    args = [float(k) if ndim == 0 else np.full((1, 2, 1, 1), float(k)) for k in range(n)]
    assert float(fn(*args)) == sum(range(n))


# ----------------------------------------------------------------------------- checks


def test_wrong_argument_count(vec_add):
    with pytest.raises(TypeError, match=r"expected 2 arguments \(a, b\), got 3"):
        vec_add(np.zeros(2), np.zeros(2), np.zeros(2))
    with pytest.raises(TypeError, match="got 0"):
        vec_add()


def test_wrong_dtype_calls_converter(vec_add):
    ints = np.arange(3)
    with pytest.raises(TypeError, match="argument 1: wrong dtype int64"):
        vec_add(np.zeros(3), ints)
    assert vec_add.conv.calls == [1]
    np.testing.assert_array_equal(vec_add([1.0, 2.0], np.ones(2)), [2.0, 3.0])


def test_converter_result_is_validated_again(build):
    fn = build(VEC_ADD, [(F64, (-1,), "a"), (F64, (-1,), "b")], [(F64, 1)],
               converter=lambda i, v: np.asarray(v))
    with pytest.raises(TypeError, match=r"input 'b' \(argument 1\): expected a float64 array "
                                        r"with 1 dimension\(s\), got after conversion a int64"):
        fn(np.zeros(2), np.arange(2))
    with pytest.raises(TypeError, match="got after conversion an object of type"):
        build(VEC_ADD, [(F64, (-1,), "a"), (F64, (-1,), "b")], [(F64, 1)],
              converter=lambda i, v: "nope")(np.zeros(2), np.zeros(2).astype(int))


def test_wrong_ndim_without_converter(build):
    fn = build(VEC_ADD, [(F64, (-1,), "a"), (F64, (-1,), "b")], [(F64, 1)])
    with pytest.raises(TypeError, match=r"input 'a' \(argument 0\): expected a float64 array "
                                        r"with 1 dimension\(s\), got a float64 array with 2"):
        fn(np.zeros((2, 2)), np.zeros(2))


def test_broadcastable_dim_must_be_one(mat_two):
    with pytest.raises(ValueError, match=r"input 'row' \(argument 1\): dimension 0 must have "
                                         r"size 1 \(broadcastable\), got 3"):
        mat_two(np.zeros((3, 2)), np.zeros((3, 2)))


@pytest.mark.parametrize(
    "bad",
    [None, "text", object(), [[1.0, 2.0], [3.0]], {"a": 1}, np.zeros((1,) * 32),
     np.array(["a", "b"]), np.zeros(2, dtype=object), np.float32(1.0), 1j, b"xx"],
    ids=lambda v: type(v).__name__,
)
@pytest.mark.parametrize("with_converter", [False, True])
def test_bad_arguments_raise_instead_of_crashing(build, bad, with_converter):
    conv = (lambda i, v: np.asarray(v, dtype=np.float64)) if with_converter else None
    fn = build(VEC_ADD, [(F64, (-1,), "a"), (F64, (-1,), "b")], [(F64, 1)], converter=conv)
    for trust in (False, True):
        fn.trust_input = trust
        try:
            out = fn(bad, np.zeros(2))
        except (TypeError, ValueError):
            continue
        assert out.shape == (2,)


def test_error_code_maps_to_formatted_exception(vec_add):
    with pytest.raises(ValueError, match=r"^shape mismatch: 3 vs 2 \(\{literal\}\)$"):
        vec_add(np.zeros(3), np.zeros(2))


def test_alloc_error_without_message_is_memory_error(build):
    fn = build(ROGUE, [(F64, (-1,), "a")], [(F64, 1)], messages=[],
               defines="#define MODE 6\n")
    with pytest.raises(MemoryError):
        fn(np.zeros(3))


@pytest.mark.parametrize(
    "mode, exc, msg",
    [(0, (MemoryError, ValueError), None), (1, ValueError, "negative"),
     (2, RuntimeError, "requested result 0"), (3, RuntimeError, "did not produce result 0"),
     (4, RuntimeError, "error code 99"), (5, RuntimeError, "requested result 7")],
)
def test_misbehaving_compiled_code_raises(build, mode, exc, msg):
    fn = build(ROGUE, [(F64, (-1,), "a")], [(F64, 1)], defines=f"#define MODE {mode}\n")
    with pytest.raises(exc, match=msg):
        fn(np.zeros(3))


def test_constructor_rejects_bad_specs(build, cache_dir):
    lib = load_library(compile_c(VEC_ADD, cache_dir=cache_dir))
    good = dict(library=lib, inputs=[(F64, (-1,), "a")], shared=[], outputs=[(F64, 1)],
                n_returned=1, update_targets=[], messages=[], converter=None, single=True)
    bad_cases = [
        dict(library="lib"), dict(inputs=[(9999, (), "a")]), dict(inputs=[(F64, (-2,), "a")]),
        dict(outputs=[(F64, 1), (F64, 1)]), dict(messages=[("KeyError", "x")]),
        dict(converter=3), dict(single=True, n_returned=0, outputs=[]),
        dict(shared=[(F64, (), "s", [])]), dict(inputs=[(np.dtype(object).num, (), "o")]),
    ]
    for change in bad_cases:
        with pytest.raises((TypeError, ValueError)):
            _rt.Function(**{**good, **change})


def test_library_load_errors(tmp_path, cache_dir):
    with pytest.raises(OSError, match="cannot load '.*missing.so'"):
        _rt.Library(str(tmp_path / "missing.so"))
    no_entry = compile_c("int other(void) { return 1; }\n", cache_dir=cache_dir)
    with pytest.raises(OSError, match="no symbol mlc_entry"):
        _rt.Library(no_entry)


# ----------------------------------------------------------------------------- shared


def test_updates_applied_on_success(build):
    acc = [np.zeros(3)]
    target = acc  # the update writes back into the same container
    fn = accumulate(build, acc, target)
    out = fn(np.ones(3))
    np.testing.assert_array_equal(out, np.ones(3))
    fn(np.arange(3.0))
    np.testing.assert_array_equal(acc[0], np.ones(3) + np.arange(3.0))
    assert acc[0] is not out


def test_failing_call_leaves_shared_containers_unchanged(build):
    acc = [np.zeros(3)]
    before = acc[0]
    fn = accumulate(build, acc, acc)
    with pytest.raises(ValueError, match="shape mismatch: 2 vs 3"):
        fn(np.ones(2))
    assert acc[0] is before and not before.any()
    with pytest.raises(TypeError):
        fn("bad")
    assert acc[0] is before


def test_shared_value_is_validated(build):
    acc = [np.zeros(3)]
    fn = accumulate(build, acc, acc)
    for bad in (np.zeros(3, dtype=np.int32), np.zeros((3, 1)), None):
        acc[0] = bad
        with pytest.raises(TypeError, match="shared variable 'acc'"):
            fn(np.ones(3))
        assert acc[0] is bad
    acc[0] = np.arange(6.0)[::-2]  # non-contiguous shared values are fine
    np.testing.assert_array_equal(fn(np.ones(3)), np.arange(6.0)[::-2] + 1)
    acc.append(1)
    with pytest.raises(RuntimeError, match="container"):
        fn(np.ones(3))


def test_run_n_loops_in_native_code(build):
    count = [np.array(0.0)]
    fn = build(COUNTER, [], [(F64, 0), (F64, 0)], shared=[(F64, (), "c", count)],
               targets=[count])
    assert fn.run_n(0) is None
    last = fn.run_n(5)
    assert float(last) == 5.0 and float(count[0]) == 5.0
    assert float(fn()) == 6.0
    with pytest.raises(ValueError):
        fn.run_n(-1)


def test_run_n_needs_no_explicit_inputs(vec_add):
    with pytest.raises(TypeError, match="without explicit inputs"):
        vec_add.run_n(3)


# ----------------------------------------------------------------------------- trust


def test_trust_input_skips_checks_but_not_conversion(build):
    fn = build(MAT_TWO, [(F64, (-1, -1), "a"), (F64, (1, -1), "row")], [(F64, 2), (F64, 2)],
               single=False, converter=lambda i, v: np.asarray(v, dtype=np.float64))
    assert fn.trust_input is False
    fn.trust_input = True
    a = np.ones((2, 2))
    with pytest.raises(ValueError, match="dimension 0 must have size 1"):
        fn(a, np.ones((2, 2)))  # static sizes guard memory: checked even when trusted
    s, _ = fn([[1.0, 2.0]], np.ones((1, 2)))  # not an ndarray: converted anyway
    np.testing.assert_array_equal(s, [[2.0, 3.0]])
    with pytest.raises(TypeError, match="expected 2 arguments"):
        fn(a)


# ----------------------------------------------------------------------------- python


def test_python_subclass_is_called_without_python_frame(cache_dir):
    lib = load_library(compile_c(VEC_ADD, cache_dir=cache_dir))

    class Function(_rt.Function):
        def __init__(self):
            super().__init__(lib, [(F64, (-1,), "a"), (F64, (-1,), "b")], [], [(F64, 1)], 1,
                             [], MESSAGES, self.convert, True)
            self.label = "sub"

        def convert(self, i, value):
            return np.asarray(value, dtype=np.float64)

    fn = Function()
    events, a = [], np.ones(2)
    sys.setprofile(lambda frame, event, arg: events.append((event, frame.f_code.co_name)))
    try:
        out = fn(a, a)
    finally:
        sys.setprofile(None)
    assert [e for e in events if e[0] == "call"] == []
    np.testing.assert_array_equal(out, [2.0, 2.0])
    assert fn.label == "sub" and fn.input_names == ("a", "b")
    np.testing.assert_array_equal(fn([1.0], [2.0]), [3.0])

    ref = weakref.ref(fn)  # fn -> bound method -> fn is a cycle: the GC must free it
    del fn
    gc.collect()
    assert ref() is None


def test_subclass_without_super_init_raises(cache_dir):
    class Broken(_rt.Function):
        def __init__(self):
            pass

    with pytest.raises(TypeError):
        Broken()()


# ----------------------------------------------------------------------------- compile


def run_python(code: str, cache_dir: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MLC_COMPILEDIR": cache_dir}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, timeout=120)


def test_disk_cache_hit_in_new_process_runs_no_gcc(tmp_path):
    cache = str(tmp_path / "cache")
    source = VEC_ADD + "/* disk cache test */\n"
    path = compile_c(source, cache_dir=cache)
    mtime = os.stat(path).st_mtime_ns
    r = run_python(f"""
        from mlc.runtime import compile as c
        path = c.compile_c({source!r})
        c.load_library(path)
        print(path, c.stats["gcc_runs"])
    """, cache)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [path, "0"]
    assert os.stat(path).st_mtime_ns == mtime


def test_concurrent_compiles_of_the_same_source(tmp_path):
    cache = str(tmp_path / "cache")
    code = f"""
        import numpy as np
        from mlc.runtime import compile_c, load_library, _rt
        lib = load_library(compile_c({(VEC_ADD + "/* race */").__repr__()}))
        fn = _rt.Function(lib, [({F64}, (-1,), "a"), ({F64}, (-1,), "b")], [], [({F64}, 1)],
                          1, [], [], None, True)
        print(fn(np.ones(2), np.ones(2)).sum())
    """
    env = {**os.environ, "MLC_COMPILEDIR": cache}
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert [o[0].strip() for o in outs] == ["4.0", "4.0"]
    assert [f for f in os.listdir(cache) if f.startswith(".tmp-")] == []


def test_compile_error_keeps_source_and_reports_stderr(tmp_path):
    with pytest.raises(CompileError) as info:
        compile_c("int mlc_entry(void) { return missing_name; }\n", cache_dir=str(tmp_path))
    err = info.value
    assert isinstance(err, RuntimeError) and "missing_name" in err.stderr
    assert os.path.exists(err.source_path) and err.source_path in str(err)
    assert "missing_name" in open(err.source_path).read()


def test_cache_key_covers_flags(tmp_path):
    a = compile_c(VEC_ADD, cache_dir=str(tmp_path))
    b = compile_c(VEC_ADD, cache_dir=str(tmp_path), flags=("-O1",))
    assert a != b and compile_c(VEC_ADD, cache_dir=str(tmp_path)) == a


def test_default_cache_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MLC_COMPILEDIR", str(tmp_path / "env-cache"))
    path = compile_c(VEC_ADD)
    assert os.path.dirname(path) == str(tmp_path / "env-cache")
    monkeypatch.delenv("MLC_COMPILEDIR")
    assert rt_compile.default_cache_dir().split(os.sep)[-2] == "mlc"


def test_key_value_cache_round_trip(tmp_path):
    cache = str(tmp_path)
    assert cache_get("graph-1", cache_dir=cache) is None
    cache_put("graph-1", b"\x00meta", cache_dir=cache)
    assert cache_get("graph-1", cache_dir=cache) == b"\x00meta"
    cache_put("graph-1", b"new", cache_dir=cache)
    r = run_python("from mlc.runtime import cache_get; print(cache_get('graph-1'))", cache)
    assert r.stdout.strip() == "b'new'", r.stderr
    with pytest.raises(TypeError):
        cache_put("k", "not bytes", cache_dir=cache)


def test_load_library_caches_by_path(cache_dir):
    path = compile_c(VEC_ADD, cache_dir=cache_dir)
    assert load_library(path) is load_library(os.path.relpath(path))


def test_scratch_arena_is_reused_and_grows():
    """Intermediate buffers come from a per-function arena: calls of growing and shrinking
    sizes stay correct, and results never alias the arena (outputs are fresh arrays)."""
    import mlc
    import mlc.tensor as T

    x = T.dvector("x")
    f = mlc.function([x], (T.exp(x) * 2).sum() + T.exp(x).max())  # intermediates: scratch
    g = mlc.function([x], T.exp(x) + 1)
    outs = []
    for n in (5, 1000, 3, 0, 2000, 7):
        v = np.linspace(-1, 1, n)
        ref = (np.exp(v) * 2).sum() + (np.exp(v).max() if n else -np.inf)
        if n:
            np.testing.assert_allclose(f(v), ref, rtol=1e-12)
        outs.append((g(v), np.exp(v) + 1))
    for got, want in outs:  # earlier outputs were not overwritten by later calls
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_huge_broadcast_shapes_cannot_wrap_a_scratch_allocation(tmp_path):
    """Stride-0 inputs can carry shapes whose product overflows 64 bits; the scratch size
    saturates, so the call raises MemoryError instead of under-allocating (a crash)."""
    import subprocess
    import sys

    script = tmp_path / "huge.py"
    script.write_text(
        "import numpy as np, mlc, mlc.tensor as T\n"
        "x, y = T.dcol('x'), T.drow('y')\n"
        "f = mlc.function([x, y], (x * y).sum())\n"
        "a = np.broadcast_to(np.ones((1, 1)), (2**33, 1))\n"
        "b = np.broadcast_to(np.ones((1, 1)), (1, 2**31))\n"
        "try:\n    f(a, b)\nexcept MemoryError:\n    print('MemoryError')\n")
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "MemoryError" in r.stdout, (r.returncode, r.stderr[-2000:])


# ----------------------------------------------------------------------------- layout


VEC_ADD_LAYOUT = VEC_ADD + 'const char mlc_layout[] = "args=f8:1,f8:1;results=f8:1;messages=3";\n'


def test_library_states_its_layout(cache_dir):
    assert load_library(compile_c(VEC_ADD_LAYOUT, cache_dir=cache_dir)).layout == (
        "args=f8:1,f8:1;results=f8:1;messages=3")
    assert load_library(compile_c(VEC_ADD, cache_dir=cache_dir)).layout is None


@pytest.mark.parametrize("change", [
    dict(inputs=[(F64, (-1, -1), "a"), (F64, (-1,), "b")]),
    dict(inputs=[(np.dtype(np.float32).num, (-1,), "a"), (F64, (-1,), "b")]),
    dict(inputs=[(F64, (-1,), "a")]),
    dict(outputs=[(F64, 0)]),
    dict(messages=MESSAGES[:2]),
])
def test_library_is_never_called_with_another_layout(build, change):
    good = dict(inputs=[(F64, (-1,), "a"), (F64, (-1,), "b")], outputs=[(F64, 1)])
    fn = build(VEC_ADD_LAYOUT, **good)
    np.testing.assert_array_equal(fn(np.ones(2), np.ones(2)), [2.0, 2.0])
    with pytest.raises(_rt.LayoutError, match=r"compiled for the layout 'args=f8:1,f8:1;"
                                              r"results=f8:1;messages=3', but this function"):
        build(VEC_ADD_LAYOUT, **{**good, **change})


def test_emitted_code_states_the_layout_of_its_function():
    import mlc
    import mlc.tensor as T

    x, n = T.dmatrix("x"), T.lscalar("n")
    f = mlc.function([x, n], [x.sum(axis=0) * n, T.eq(x, 0)])
    layout = f._art.library.layout
    assert layout.startswith("args=f8:2,i8:0;results=f8:1,b1:2;messages=")
    assert layout.endswith(f"messages={len(f._art.messages)}")


# ----------------------------------------------------------------------------- unloading


def test_release_runs_before_the_library_is_unloaded(tmp_path):
    marker = tmp_path / "released"
    source = VEC_ADD + textwrap.dedent(f"""
        #include <stdio.h>
        void mlc_release(void) {{ FILE *f = fopen("{marker}", "w"); if (f) fclose(f); }}
    """)
    lib = load_library(compile_c(source, cache_dir=str(tmp_path)))
    fn = _rt.Function(lib, [(F64, (-1,), "a"), (F64, (-1,), "b")], [], [(F64, 1)], 1, [],
                      MESSAGES, None, True)
    del lib
    gc.collect()
    assert not marker.exists()  # the function still uses it
    del fn
    gc.collect()
    assert marker.exists()


def test_libraries_nothing_uses_are_unloaded(tmp_path):
    """500 distinct libraries loaded, called and dropped leave the mappings bounded."""
    def maps() -> int:
        with open("/proc/self/maps") as f:
            return sum(1 for _ in f)

    path = compile_c(VEC_ADD_LAYOUT + "/* copied */\n", cache_dir=str(tmp_path))
    baseline = None
    for i in range(500):
        copy = tmp_path / f"copy{i}.so"  # another file: dlopen maps it anew
        copy.write_bytes(open(path, "rb").read())
        fn = _rt.Function(load_library(str(copy)), [(F64, (-1,), "a"), (F64, (-1,), "b")], [],
                          [(F64, 1)], 1, [], MESSAGES, None, True)
        assert fn(np.ones(2), np.ones(2)).tolist() == [2.0, 2.0]
        del fn
        if i == 10:
            baseline = maps()
    assert maps() <= baseline + 10, (baseline, maps())
