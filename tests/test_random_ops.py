"""The random `mt` ops compiled through the whole backend, against their NumPy twin
(runtime/reference/random.py), and Philox4x32-10 against the published test vectors.

The reference reproduces the C samplers bit for bit (same words, same arithmetic in the
same order), so integer results, uniforms and binomials must be equal; normals may
differ in the last bit where NumPy's log/cos differ from libm's. Shapes are dynamic
(size operands), so one compiled function serves every size of a test, including 0 and
1; broadcasting parameters have static 1s.
"""

from __future__ import annotations

import ctypes
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from opharness import run_mt  # noqa: E402

from xdsl.ir import Block  # noqa: E402

from mlc.dialects import dtypes as dt  # noqa: E402
from mlc.dialects import mt  # noqa: E402
from mlc.dialects.dtypes import MtTypeError  # noqa: E402
from mlc.passes.emit.emitter import CEmitter  # noqa: E402
from mlc.runtime import compile_c  # noqa: E402
from mlc.runtime.reference.random import RANDOM_REFERENCE, Words, philox4x32  # noqa: E402

KNOWN_ANSWERS = [  # Random123's kat_vectors for philox4x32_10: counter, key, result
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]

STATE = np.array([-7, 2**40 - 3, 3], np.int64)


@pytest.mark.parametrize("counter, key, expected", KNOWN_ANSWERS)
def test_reference_philox_known_answers(counter, key, expected):
    assert tuple(int(x) for x in philox4x32(counter, key)) == expected


@pytest.fixture(scope="module")
def c_philox(tmp_path_factory):
    """The emitted C prelude's Philox, called through a tiny exported wrapper."""
    src = CEmitter.prelude + ("void test_philox(const uint32_t *in, const uint32_t *key, uint32_t *out) "
                     "{ mlc_philox4x32(in, key[0], key[1], out); }\n")
    lib = ctypes.CDLL(compile_c(src, cache_dir=str(tmp_path_factory.mktemp("philox"))))

    def run(counter, key):
        out = (ctypes.c_uint32 * 4)()
        lib.test_philox((ctypes.c_uint32 * 4)(*counter), (ctypes.c_uint32 * 2)(*key), out)
        return tuple(out)
    return run


def test_c_philox_known_answers_and_agreement(c_philox):
    for counter, key, expected in KNOWN_ANSWERS:
        assert c_philox(counter, key) == expected
    rng = np.random.default_rng(3)
    words = rng.integers(0, 2**32, (200, 6), dtype=np.uint64)
    ref = philox4x32(words[:, :4].T, words[:, 4:].T)
    for row, *x in zip(words, *ref):
        assert c_philox(row[:4], row[4:]) == tuple(int(v) for v in x)


def test_words_follow_the_documented_layout():
    """Element e's word 2j+1 is (x3 << 32 | x2) of block j at counter + e (docs/random.md)."""
    w = Words(STATE, 4)
    c, key = 2**40 - 3 + 2, 2**64 - 7
    x = philox4x32((c & 0xFFFFFFFF, c >> 32, 3, 1), (key & 0xFFFFFFFF, key >> 32))
    assert int(w.word(3)[2]) == int(x[3]) << 32 | int(x[2])


def _compare(op, arrays, static, exact=True, **params):
    out = run_mt(op, arrays, static, **params)
    ref = RANDOM_REFERENCE[op](*[np.asarray(a) for a in arrays], **params)
    assert out.dtype == ref.dtype and out.shape == ref.shape
    if exact:
        np.testing.assert_array_equal(out, ref)
    else:
        np.testing.assert_allclose(out, ref, rtol=1e-13, atol=1e-13)
    return out


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("rows, cols", [(0, 3), (1, 1), (4, 5), (3, 0)])
def test_uniform_matches_reference(dtype, rows, cols):
    lo = np.array([[-2.0]], dtype)
    hi = np.linspace(1, 3, max(cols, 1), dtype=dtype)[None, :cols] if cols else np.ones((1, 0), dtype)
    out = _compare(mt.RandomUniformOp, [STATE, lo, hi, np.array(rows), np.array(cols)],
                   [None, (1, 1), (1, -1), None, None], shape=(-1, -1), dtype=dtype)
    assert np.all((out >= lo) & (out <= hi))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_normal_matches_reference(dtype):
    mean, std = np.arange(6, dtype=dtype), np.array([0.5], dtype)
    for n in (0, 1, 6):
        _compare(mt.RandomNormalOp, [STATE, mean[:n], std, np.array(n)], [None, None, (1,), None],
                 exact=False, shape=(-1,), dtype=dtype)


@pytest.mark.parametrize("dtype", ["int64", "int8", "int32"])
def test_integers_match_reference(dtype):
    lo, hi = np.array([[-5], [0], [2]], np.int16), np.array([[3, 7, 120, 101]], np.int64)
    _compare(mt.RandomIntegersOp, [STATE, lo, hi], [None, (3, 1), (1, 4)], shape=(3, 4), dtype=dtype)


def test_integers_full_width_ranges():
    lo, hi = np.array([-(2**63), 2**62]), np.array([2**63 - 1, 2**62 + 1])
    out = _compare(mt.RandomIntegersOp, [STATE, lo, hi], [None, (2,), (2,)], shape=(2,), dtype="int64")
    assert out[1] == 2**62


def test_binomial_matches_reference_in_both_regimes():
    n = np.array([0, 1, 5, 30, 1000, 10**6, 7, 40, 2**40])
    p = np.array([0.5, 0.1, 0.5, 0.5, 0.3, 0.9, 1.0, 0.0, 1e-9])
    out = _compare(mt.RandomBinomialOp, [STATE, n, p], [None, None, None], shape=(9,), dtype="int64")
    assert out[0] == 0 and out[6] == 7 and out[7] == 0
    _compare(mt.RandomBinomialOp, [STATE, np.array([25], np.int32), np.array([0.6]), np.array(300)],
             [None, (1,), (1,), None], shape=(-1,), dtype="float32")


@pytest.mark.parametrize("rows, n", [(3, 10), (1, 1), (2, 0), (0, 4)])
def test_permutation_matches_reference(rows, n):
    out = _compare(mt.RandomPermutationOp, [STATE, np.array(rows), np.array(n)], [None, None, None],
                   shape=(-1, -1), dtype="int64")
    assert np.array_equal(np.sort(out, axis=-1), np.broadcast_to(np.arange(n), (rows, n)))


@pytest.mark.parametrize("replace", [True, False])
def test_choice_of_a_count_matches_reference(replace):
    for n, k in ((7, 5), (1, 1), (3, 0), (0, 0)):
        out = _compare(mt.RandomChoiceOp, [STATE, np.array(n, np.int32), np.array(k)], [None, None, None],
                       shape=(-1,), replace=replace)
        assert replace or len(set(out.tolist())) == k


@pytest.mark.parametrize("replace", [True, False])
def test_choice_of_rows_matches_reference(replace):
    a = np.arange(24, dtype=np.float32).reshape(6, 2, 2)
    _compare(mt.RandomChoiceOp, [STATE, a], [None, None], shape=(2, 2), replace=replace)
    view = a[::-1, :, 1]  # strided population
    _compare(mt.RandomChoiceOp, [STATE, view], [None, None], shape=(2, 2), replace=replace)


@pytest.mark.parametrize("replace", [True, False])
def test_weighted_choice_matches_reference(replace):
    p = np.array([0.1, 0.0, 0.6, 0.3])
    out = _compare(mt.RandomWeightedChoiceOp, [STATE, np.array(4), p, np.array(3)], [None, None, None, None],
                   shape=(-1,), replace=replace)
    assert 1 not in out
    a = np.array([True, False, True, False])
    _compare(mt.RandomWeightedChoiceOp, [STATE, a, p.astype(np.float32), np.array(2)],
             [None, None, None, None], shape=(-1,), replace=replace)


def test_ops_are_deterministic_functions_of_the_state():
    arrays = [STATE, np.zeros((1,)), np.ones((1,)), np.array(5)]
    a = run_mt(mt.RandomUniformOp, arrays, [None, (1,), (1,), None], shape=(-1,), dtype="float64")
    b = run_mt(mt.RandomUniformOp, arrays, [None, (1,), (1,), None], shape=(-1,), dtype="float64")
    moved = STATE + np.array([0, 2, 0])  # counter + 2: the same stream, shifted by two elements
    c = run_mt(mt.RandomUniformOp, [moved, *arrays[1:]], [None, (1,), (1,), None], shape=(-1,), dtype="float64")
    other = STATE + np.array([0, 0, 1])
    d = run_mt(mt.RandomUniformOp, [other, *arrays[1:]], [None, (1,), (1,), None], shape=(-1,), dtype="float64")
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a[2:], c[:3])
    assert not np.any(a == d)


def _types(*types):
    block = Block(arg_types=[dt.tensor_type(d, s) for d, s in types])
    return list(block.args)


@pytest.mark.parametrize("op, types, params, match", [
    (mt.RandomUniformOp, [("int32", (3,)), ("float64", (1,)), ("float64", (1,))], {"shape": (2,), "dtype": "float64"},
     "random state must be an int64 vector"),
    (mt.RandomUniformOp, [("int64", (-1,)), ("float64", (1,)), ("float64", (2,))], {"shape": (3,), "dtype": "float64"},
     "does not broadcast"),
    (mt.RandomUniformOp, [("int64", (-1,)), ("float64", (1,)), ("float64", (1,))], {"shape": (-1,), "dtype": "float64"},
     "one size operand per dynamic"),
    (mt.RandomUniformOp, [("int64", (-1,)), ("float64", (1,)), ("float64", (1,))], {"shape": (2,), "dtype": "int64"},
     "dtype int64 is not one of"),
    (mt.RandomIntegersOp, [("int64", (-1,)), ("float64", (1,)), ("int64", (1,))], {"shape": (2,), "dtype": "int64"},
     "low must be an integer"),
    (mt.RandomNormalOp, [("int64", (-1,)), ("float64", ()), ("float64", ())], {"shape": (2,), "dtype": "float64"},
     "has rank 0"),
    (mt.RandomPermutationOp, [("int64", (-1,))], {"shape": (), "dtype": "int64"}, "at least one axis"),
    (mt.RandomChoiceOp, [("int64", (-1,)), ("float64", ())], {"shape": (2,), "replace": True},
     "0-d population must be an integer"),
    (mt.RandomWeightedChoiceOp, [("int64", (-1,)), ("int64", ()), ("int64", (-1,))], {"shape": (2,), "replace": True},
     "p must be a float vector"),
])
def test_type_errors_name_the_op(op, types, params, match):
    with pytest.raises(MtTypeError, match=match) as info:
        op.make(_types(*types), **params)
    assert str(info.value).startswith(op.name)


VERIFY_CASES = [
    (mt.RandomUniformOp, [("int64", (-1,)), ("float32", (1, 1)), ("float32", (1, -1)), ("int32", ())],
     {"shape": (-1, 3), "dtype": "float32"}),
    (mt.RandomNormalOp, [("int64", (3,)), ("float64", (-1,)), ("float64", (1,))], {"shape": (2,), "dtype": "float64"}),
    (mt.RandomBinomialOp, [("int64", (-1,)), ("int8", (-1,)), ("float32", (1,))], {"shape": (4,), "dtype": "float64"}),
    (mt.RandomIntegersOp, [("int64", (-1,)), ("int64", (1,)), ("int16", (-1,))], {"shape": (4,), "dtype": "int8"}),
    (mt.RandomPermutationOp, [("int64", (-1,)), ("int64", ())], {"shape": (3, -1), "dtype": "int16"}),
    (mt.RandomChoiceOp, [("int64", (-1,)), ("bool", (-1, 2))], {"shape": (2,), "replace": False}),
    (mt.RandomChoiceOp, [("int64", (-1,)), ("int32", ())], {"shape": (2, 2), "replace": True}),
    (mt.RandomWeightedChoiceOp, [("int64", (-1,)), ("float64", (-1,)), ("float32", (-1,))],
     {"shape": (2,), "replace": True}),
]


@pytest.mark.parametrize("op, types, params", VERIFY_CASES, ids=lambda v: getattr(v, "name", ""))
def test_lowering_verifies_after_every_pass(op, types, params):
    """convert-mt-to-loop and convert-loop-to-scf produce IR that verifies (DebugMode's
    check), and the C emitter can emit all of it."""
    from xdsl.dialects import func
    from xdsl.dialects.builtin import ModuleOp
    from xdsl.ir import Region

    from mlc.passes.emit.emitter import emit_c
    from mlc.passes.pipelines import GRAPH_PIPELINES, TO_LOOP, TO_SCF, run_passes

    block = Block(arg_types=[dt.tensor_type(d, s) for d, s in types])
    node = op.make(list(block.args), **params)
    block.add_ops([node, func.ReturnOp(node.result)])
    f = func.FuncOp("main", ([a.type for a in block.args], [node.result.type]), Region(block))
    module = ModuleOp([f])
    module.verify()
    run_passes(module, GRAPH_PIPELINES["DebugMode"] + TO_LOOP + TO_SCF, verify=True)
    assert "mlc_entry" in emit_c(module).source


def test_debug_mode_runs_the_same_numbers():
    arrays = [STATE, np.zeros((1,)), np.ones((1,)), np.array(6)]
    fast = run_mt(mt.RandomUniformOp, arrays, [None, (1,), (1,), None], shape=(-1,), dtype="float64")
    debug = run_mt(mt.RandomUniformOp, arrays, [None, (1,), (1,), None], "DebugMode", shape=(-1,), dtype="float64")
    np.testing.assert_array_equal(fast, debug)
