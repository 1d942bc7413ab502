"""Registry tests: every `mt` op has an entry in every per-op table (DESIGN.md, "Per-op
rules live in tables"), and the tables agree with each other.

- every op in `mt.ALL_OPS` has a NumPy reference (runtime/reference/) and a lowering
  (passes/mt_to_loop/); every elementwise op has a scalar rule;
- every `arith`/`math` op that a scalar rule (or a reduction's combine rule, or a dtype
  conversion) can produce, for every dtype it supports, can be emitted as C;
- every op lowered to scf-level IR yields only ops the C emitter knows;
- every op class documents itself, naming its IR spelling;
- the reference's result has the dtype and shape that `infer` promises.

Imports only `mlc.dialects`, `mlc.passes` and `mlc.runtime` (not the frontend).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from xdsl.dialects import func, scf
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Region

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.dialects.dtypes import SUPPORTED_DTYPES, MtTypeError
from mlc.passes.mt_to_loop import LOWERINGS, SCALAR_RULES
from mlc.passes.emit.emitter import CEmitter
from mlc.passes.pipelines import TO_LOOP, TO_SCF, run_passes
from mlc.passes.mt_to_loop.reduce import COMBINE, IDENTITY
from mlc.passes.mt_to_loop.scalar import ScalarBuilder, compute_dtypes
from mlc.runtime import reference
from mlc.runtime.reference import REFERENCE, evaluate

ALL_OPS = list(mt.ALL_OPS)
EMITTABLE = set(CEmitter.code_for_op) | set(CEmitter.handlers)
# Structural ops the emitter handles itself rather than per op.
CONTAINERS = (ModuleOp, func.FuncOp, scf.YieldOp)


def ident(v) -> str:
    return v.name if isinstance(v, type) else str(v)


def test_all_ops_is_complete_and_unique():
    assert len(set(ALL_OPS)) == len(ALL_OPS)
    families = (mt.ELEMWISE_OPS + mt.REDUCE_OPS + mt.ARG_REDUCE_OPS + mt.SCAN_OPS + mt.SORT_OPS
                + mt.LINALG_OPS + mt.STRUCTURE_OPS + mt.INDEXING_OPS + mt.RANDOM_OPS + mt.NNET_OPS
                + mt.GRAD_OPS + mt.MAP_OPS + mt.SCAN_LOOP_OPS)
    assert set(families) == set(ALL_OPS)
    assert set(mt.MT.operations) == set(ALL_OPS) | {mt.MapYieldOp, mt.ScanYieldOp}  # the region terminators


@pytest.mark.parametrize("op", ALL_OPS, ids=ident)
def test_op_has_reference_and_lowering(op):
    assert op in REFERENCE, f"{op.name} has no NumPy reference in runtime/reference/"
    assert op in LOWERINGS, f"{op.name} has no lowering in passes/mt_to_loop/"


@pytest.mark.parametrize("op", mt.ELEMWISE_OPS, ids=ident)
def test_elemwise_op_has_scalar_rule(op):
    assert op in SCALAR_RULES, f"{op.name} has no scalar rule in passes/mt_to_loop/ (SCALAR_RULES of its family)"


def test_tables_have_no_stray_entries():
    for table, name in ((REFERENCE, "REFERENCE"), (LOWERINGS, "LOWERINGS"),
                        (SCALAR_RULES, "SCALAR_RULES")):
        stray = [k for k in table if k not in ALL_OPS]
        assert not stray, f"{name} has entries for classes that are not mt ops: {stray}"
    assert set(COMBINE) == set(mt.REDUCE_OPS) == set(IDENTITY)


@pytest.mark.parametrize("op", ALL_OPS, ids=ident)
def test_op_docstring_names_its_ir(op):
    doc = op.__dict__.get("__doc__") or ""
    assert len(doc.strip()) >= 10, f"{op.__name__} needs a docstring with an IR example"
    assert op.name in doc, f"{op.__name__}'s docstring should show its IR spelling {op.name}"

# ------------------------------------------------ every produced scalar op is emittable


def _elemwise_instances(op_class):
    """(op, operand dtypes) for every dtype combination the op accepts."""
    n = {mt.SelectOp: 3, mt.CastOp: 1}.get(op_class, 1 if issubclass(op_class, mt.UnaryOp) else 2)
    for dtypes in itertools.product(SUPPORTED_DTYPES, repeat=min(n, 2)):
        if op_class is mt.SelectOp:
            dtypes = ("bool", *dtypes)
        block = Block(arg_types=[dt.tensor_type(d, (-1,)) for d in dtypes])
        targets = SUPPORTED_DTYPES if op_class is mt.CastOp else [None]
        for target in targets:
            params = {"dtype": target} if target else {}
            try:
                yield op_class.make(list(block.args), **params), dtypes
            except MtTypeError:
                continue


def _unemittable(ops) -> list[str]:
    return [o.name for o in ops if type(o) not in EMITTABLE]


@pytest.mark.parametrize("op_class", mt.ELEMWISE_OPS, ids=ident)
def test_scalar_rules_produce_emittable_ops(op_class):
    count = 0
    for op, src in _elemwise_instances(op_class):
        conv_to, cdtype = compute_dtypes(op)
        block = Block(arg_types=[dt.elem_type(d) for d in src])
        sb = ScalarBuilder()
        args = [sb.convert(a, s, d) for a, s, d in zip(block.args, src, conv_to)]
        SCALAR_RULES[op_class](sb, args, cdtype)
        bad = _unemittable(sb.ops)
        assert not bad, f"{op_class.name} on {src} produces ops without C code: {bad}"
        count += 1
    assert count > 0


@pytest.mark.parametrize("op_class", mt.REDUCE_OPS, ids=ident)
def test_reduce_combine_rules_produce_emittable_ops(op_class):
    for d in SUPPORTED_DTYPES:
        block = Block(arg_types=[dt.tensor_type(d, (-1,))])
        op = op_class.make([block.args[0]], axes=(0,))
        acc = dt.dtype_of(op.result.type)
        sb = ScalarBuilder()
        vals = Block(arg_types=[dt.elem_type(acc), dt.elem_type(d)])
        COMBINE[op_class](sb, vals.args[0], sb.convert(vals.args[1], d, acc), acc)
        assert not _unemittable(sb.ops), f"{op_class.name} on {d}: {_unemittable(sb.ops)}"
        IDENTITY[op_class](acc)


def test_every_dtype_conversion_is_emittable():
    for src, dst in itertools.product(SUPPORTED_DTYPES, repeat=2):
        block = Block(arg_types=[dt.elem_type(src)])
        sb = ScalarBuilder()
        sb.convert(block.args[0], src, dst)
        assert not _unemittable(sb.ops), f"{src} -> {dst}: {_unemittable(sb.ops)}"

# ------------------------------------------------------------ samples for every op

SAMPLES: dict[type, list[tuple[list[np.ndarray], dict]]] = {}
_rng = np.random.default_rng(7)


def _arr(dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    if dtype == "bool":
        return _rng.random(shape) < 0.5
    if dtype.startswith("int"):
        return _rng.integers(1, 5, shape).astype(dtype)
    return _rng.uniform(0.5, 2.0, shape).astype(dtype)


for _op in mt.UNARY_OPS:
    SAMPLES[_op] = [([_arr(d, (3, 4))], {}) for d in ("float64", "float32", "int8", "int32", "bool")]
for _op in mt.BINARY_OPS:
    pairs = ([("int32", "int32"), ("bool", "int8"), ("bool", "bool")]
             if issubclass(_op, mt.LogicOp) else
             [("float64", "float32"), ("int32", "int32"), ("int8", "int16"), ("bool", "bool"),
              ("int64", "float32")])
    SAMPLES[_op] = [([_arr(a, (3, 4)), _arr(b, (1, 4))], {}) for a, b in pairs]
SAMPLES[mt.SelectOp] = [([_arr("bool", (3, 1)), _arr(a, (3, 4)), _arr(b, (1, 4))], {})
                        for a, b in (("float64", "float32"), ("int8", "int32"), ("bool", "bool"))]
SAMPLES[mt.CastOp] = [([_arr(s, (2, 3))], {"dtype": d}) for s in ("float64", "int16", "bool")
                      for d in SUPPORTED_DTYPES]
for _op in mt.REDUCE_OPS:
    SAMPLES[_op] = [([_arr(d, (3, 4, 2))], {"axes": axes}) for d in ("float64", "float32", "int8", "bool")
                    for axes in ((), (1,), (0, 2), (0, 1, 2))]
SAMPLES[mt.DotOp] = [([_arr(a, sa), _arr(b, sb)], {})
                     for sa, sb in (((3, 4), (4, 2)), ((3, 4), (4,)), ((4,), (4, 2)), ((4,), (4,)))
                     for a, b in (("float64", "float64"), ("int32", "float32"), ("int8", "int8"))]
SAMPLES[mt.ConstantOp] = [([], {"value": v}) for v in (np.arange(6.0).reshape(2, 3),
                                                       np.array(1.5, np.float32), np.array([True]),
                                                       np.array(7, np.int64), np.zeros((0, 2), np.int8))]
SAMPLES[mt.DimShuffleOp] = [([_arr("float64", (3, 4))], {"pattern": (1, -1, 0)}),
                            ([_arr("int8", (1, 4))], {"pattern": (1,)}),
                            ([_arr("bool", ())], {"pattern": (-1, -1)})]
SAMPLES[mt.ReshapeOp] = [([_arr("float64", (3, 4))], {"shape": (2, -1)}),
                         ([_arr("int32", (3, 4))], {"shape": (12,)}),
                         ([_arr("float32", (1, 1))], {"shape": ()})]
SAMPLES[mt.SubtensorOp] = [([_arr("float64", (5, 4))], {"starts": (1, -1), "stops": (mt.NONE_HI, 0),
                                                        "steps": (2, 1), "squeeze": (1,)}),
                           ([_arr("int16", (6,))], {"starts": (mt.NONE_HI,), "stops": (mt.NONE_LO,),
                                                    "steps": (-2,), "squeeze": ()})]
SAMPLES[mt.ShapeOp] = [([_arr("float64", (3, 4))], {}), ([_arr("int8", ())], {})]
class _RowTimesIndex:
    """An mt.map body for the registry: row i = capture * i (in the capture's dtype)."""

    def __init__(self, like_type):
        self.result_types = [like_type]

    def build(self, block):
        i, cap = block.args[0], block.args[1]
        ops = [mt.CastOp.make([i], dtype=dt.dtype_of(cap.type))]
        rank = len(dt.shape_of(cap.type))
        ops.append(mt.DimShuffleOp.make([ops[-1]], pattern=(-1,) * rank) if rank else ops[-1])
        ops.append(mt.MulOp.make([cap, ops[-1]]))
        block.add_ops([o for k, o in enumerate(ops) if k != 1 or rank])
        return [ops[-1].results[0]]


def _map_sample(d: str, shape: tuple) -> tuple:
    x = _arr(d, shape)
    return ([np.array(3, np.int64), x, x], {"body": _RowTimesIndex(dt.tensor_type(d, tuple(-1 for _ in shape)))})


SAMPLES[mt.MapOp] = [_map_sample("float64", (2, 3)), _map_sample("int32", (4,))]


class _AccumulateScaled:
    """An mt.scan body for the registry: state h <- h + x_t * w, plain output x_t * w."""

    def __init__(self, row_type):
        self.result_types = [row_type, row_type]

    def build(self, block):
        x, h, w = block.args
        xw = mt.MulOp.make([x, w])
        total = mt.AddOp.make([h, xw])
        block.add_ops([xw, total])
        return [total.results[0], xw.results[0]]


def _scan_sample(d: str, row: tuple) -> tuple:
    seq, init, w = _arr(d, (4, *row)), _arr(d, (1, *row)), _arr(d, row)
    body = _AccumulateScaled(dt.tensor_type(d, tuple(-1 for _ in row)))
    return ([np.array(3, np.int64), seq, init, w], {"n_seqs": 1, "n_outs": 1, "taps": ((-1,),), "body": body})


SAMPLES[mt.ScanOp] = [_scan_sample("float64", (2,)), _scan_sample("int32", (3, 2))]
SAMPLES[mt.SecondOp] = [([_arr("float64", (3, 1)), _arr(d, (1, 4))], {}) for d in ("float32", "int8", "bool")]
for _op in (mt.DisconnectedGradOp, mt.ZeroGradOp):
    SAMPLES[_op] = [([_arr(d, (3, 4))], {}) for d in ("float64", "int32")]
SAMPLES[mt.GradClipOp] = [([_arr("float64", (3, 4)), np.array(-1.0), np.array(1.0)], {})]
_BASIC = {"starts": (0, mt.NONE_HI), "stops": (0, mt.NONE_LO), "steps": (1, 0), "squeeze": (0,),
          "dynamic": (0, 5)}
SAMPLES[mt.DynamicSubtensorOp] = [([_arr(d, (5, 4)), np.array(-2, i), np.array(-1, i)], _BASIC)
                                  for d, i in (("float64", np.int8), ("bool", np.int64))]
for _op in (mt.SetSubtensorOp, mt.IncSubtensorOp):
    SAMPLES[_op] = [([_arr(d, (5, 4)), _arr(d, (1,)), np.array(3, np.int32), np.array(-1, np.int16)],
                     _BASIC) for d in ("float32", "int16", "bool")]
_ADVANCED = [([np.array([[0, -1], [2, 2]]), np.array([1, -3], np.int8)], (0, 2)),
             ([_arr("bool", (4, 3))], (1,)), ([np.array(True), np.array(1, np.int32)], (1, 1))]
SAMPLES[mt.AdvancedSubtensorOp] = [([_arr(d, (3, 4, 3)), *idx], {"axes": axes})
                                   for d in ("float64", "int8") for idx, axes in _ADVANCED]
for _op in (mt.AdvancedSetSubtensorOp, mt.AdvancedIncSubtensorOp):
    SAMPLES[_op] = [([_arr(d, (3, 4, 3)), _arr(d, (1,)), *idx], {"axes": axes})
                    for d in ("float64", "int32", "bool") for idx, axes in _ADVANCED[:2]]

_i64 = np.int64
SAMPLES[mt.AllocOp] = [([_arr(d, (1, 3)), np.array(2, _i64)], {"shape": (-1, 3)}) for d in ("float64", "bool")]
SAMPLES[mt.AllocOp] += [([_arr("int8", ())], {"shape": (2, 0)})]
SAMPLES[mt.DynReshapeOp] = [([_arr("float32", (3, 4)), np.array(2, _i64), np.array(-1, _i64)],
                             {"shape": (-1, 3, -1)})]
SAMPLES[mt.SpecifyShapeOp] = [([_arr("int16", (3, 4)), np.array(3, _i64)], {"shape": (-1, 4)})]
SAMPLES[mt.JoinOp] = [([_arr("float32", (2, 3)), _arr("int32", (4, 3))], {"axis": 0}),
                      ([_arr("bool", (2, 1)), _arr("bool", (2, 3))], {"axis": 1})]
SAMPLES[mt.SplitOp] = [([_arr("float64", (5, 2)), np.array([2, 3], _i64)], {"axis": 0, "n": 2, "index": i})
                       for i in (0, 1)]
SAMPLES[mt.EyeOp] = [([np.array(3, _i64)], {"shape": (-1, 4), "k": 1, "dtype": "float32"}),
                     ([], {"shape": (2, 2), "k": -1, "dtype": "int8"})]
SAMPLES[mt.ArangeOp] = [([np.array(a, d), np.array(b, d), np.array(c, d)], {})
                        for a, b, c, d in ((0.5, 3, 0.5, np.float64), (7, -2, -3, np.int16))]
SAMPLES[mt.RepeatOp] = [([_arr(d, (3, 2)), np.array([1, 0, 2], _i64)], {"axis": 0}) for d in ("float32", "bool")]
SAMPLES[mt.AllocDiagOp] = [([_arr("float64", (3,))], {"offset": 1}), ([_arr("int8", (2,))], {"offset": -2})]
SAMPLES[mt.ExtractDiagOp] = [([_arr("float64", (3, 4))], {"offset": k}) for k in (-1, 0, 3, 5)]
for _op in (mt.ArgMaxOp, mt.ArgMinOp):
    SAMPLES[_op] = [([_arr(d, (3, 4, 2))], {"axes": axes}) for d in ("float64", "int8", "bool")
                    for axes in ((), (1,), (0, 2))]
for _op in (mt.CumsumOp, mt.CumprodOp, mt.SortOp, mt.ArgSortOp):
    SAMPLES[_op] = [([_arr(d, (3, 4))], {"axis": a}) for d in ("float32", "int8", "bool") for a in (0, 1)]
SAMPLES[mt.NonzeroOp] = [([_arr(d, (3, 4))], {}) for d in ("float64", "int8", "bool")]
SAMPLES[mt.BatchedDotOp] = [([_arr(a, sa), _arr(b, sb)], {})
                            for sa, sb in (((2, 3, 4), (2, 4, 5)), ((2, 3, 4), (2, 4)), ((2, 4), (2, 4, 3)),
                                           ((2, 4), (2, 4)))
                            for a, b in (("float64", "float64"), ("int32", "float32"), ("bool", "bool"))]

_state = np.array([5, 0, 1], np.int64)
SAMPLES[mt.RandomUniformOp] = [([_state, _arr("float32", (1, 1)), _arr("float64", (1, 3)), np.array(2, np.int64)],
                                {"shape": (-1, 3), "dtype": d}) for d in ("float32", "float64")]
SAMPLES[mt.RandomNormalOp] = [([_state, _arr("int8", (1,)), _arr("float32", (4,))], {"shape": (4,), "dtype": "float32"})]
SAMPLES[mt.RandomBinomialOp] = [([_state, np.array([[3]], np.int32), np.full((1, 2), 0.3)],
                                 {"shape": (2, 2), "dtype": d}) for d in ("int64", "float32")]
SAMPLES[mt.RandomIntegersOp] = [([_state, np.array([[-2]], np.int8), np.array([[5]]), np.array(3, np.int16)],
                                 {"shape": (-1, 4), "dtype": "int16"})]
SAMPLES[mt.RandomPermutationOp] = [([_state, np.array(4, np.int32)], {"shape": (2, -1), "dtype": "int64"})]
SAMPLES[mt.RandomChoiceOp] = [([_state, np.array(5)], {"shape": (3,), "replace": False}),
                              ([_state, _arr("float32", (4, 2)), np.array(3)], {"shape": (-1,), "replace": True})]
SAMPLES[mt.RandomWeightedChoiceOp] = [([_state, np.array(3), np.array([0.2, 0.3, 0.5])], {"shape": (2,), "replace": False}),
                                      ([_state, _arr("int8", (3,)), np.array([0.5, 0, 0.5], np.float32)],
                                       {"shape": (4,), "replace": True})]
for _op in (mt.SoftmaxOp, mt.LogSoftmaxOp):
    SAMPLES[_op] = [([_arr(d, (3, 4))], {"axis": a}) for d in ("float32", "float64", "int16") for a in (0, 1)]
SAMPLES[mt.LogSumExpOp] = [([_arr(d, (3, 4, 2))], {"axes": axes}) for d in ("float32", "float64", "int32")
                           for axes in ((), (1,), (0, 2))]
SAMPLES[mt.OneHotOp] = [([np.array(y, d), np.array([2, 4], _i64)], {"axis": 1, "dtype": o})
                        for y, d in (([0, 3, 1], np.int32), ([[2]], np.int8)) for o in ("float32", "int64")]


def _make(op_class, arrays, params, static: bool):
    types = [dt.tensor_type(a.dtype.name, a.shape if static else (-1,) * a.ndim) for a in arrays]
    block = Block(arg_types=types)
    if op_class is mt.ConstantOp:
        return mt.ConstantOp.from_array(params["value"]), block
    if not static:  # broadcasting operands keep their static 1s
        types = [dt.tensor_type(a.dtype.name, tuple(1 if s == 1 else -1 for s in a.shape))
                 for a in arrays]
        block = Block(arg_types=types)
    return op_class.make(list(block.args), **params), block


def test_every_op_has_a_sample():
    missing = [op.name for op in ALL_OPS if op not in SAMPLES]
    assert not missing, f"add samples to tests/test_registry.py for {missing}"


@pytest.mark.parametrize("op_class", ALL_OPS, ids=ident)
def test_reference_agrees_with_infer(op_class, monkeypatch):
    """The raw reference entry (on operands prepared by `evaluate`) returns exactly the
    dtype `infer` gives (runtime/reference/'s contract), and its shape matches the inferred
    static shape; with dynamic dims, the rank matches."""
    raw: list[np.ndarray] = []
    entry = REFERENCE[op_class]

    def spy(*args, **kwargs):
        r = entry(*args, **kwargs)
        raw.append(np.asarray(r))
        return r

    monkeypatch.setitem(reference.REFERENCE, op_class, spy)
    for arrays, params in SAMPLES[op_class]:
        for static in (True, False):
            op, _ = _make(op_class, arrays, params, static)
            want_dtype, want_shape = dt.dtype_of(op.results[0].type), dt.shape_of(op.results[0].type)
            raw.clear()
            got = evaluate(op, [a.copy() for a in arrays])
            got = got[0] if isinstance(got, list) else got  # an op with several results: the first
            what = f"{op_class.name} on {[a.dtype.name + str(a.shape) for a in arrays]} {params}"
            assert got.dtype.name == want_dtype, f"{what}: evaluate gives {got.dtype}, infer {want_dtype}"
            assert got.ndim == len(want_shape), f"{what}: shape {got.shape}, infer {want_shape}"
            assert all(w < 0 or w == g for w, g in zip(want_shape, got.shape)), \
                f"{what}: shape {got.shape}, infer {want_shape}"
            if raw and op_class is not mt.ConstantOp:
                assert raw[0].dtype.name == want_dtype, \
                    f"{what}: the reference entry returns {raw[0].dtype}, infer says {want_dtype}"


@pytest.mark.parametrize("value", [np.array(2.5), np.array(True), np.array(3, np.int8),
                                   np.zeros((0, 3)), np.ones((1, 2), np.float32)],
                         ids=lambda v: f"{v.dtype}{v.shape}")
def test_constant_type_matches_its_literal(value):
    op = mt.ConstantOp.from_array(value)
    assert dt.shape_of(op.result.type) == value.shape
    assert dt.dtype_of(op.result.type) == value.dtype.name
    np.testing.assert_array_equal(op.array(), value)
    assert op.array().shape == value.shape

# ----------------------------------------- lowered IR contains only emittable ops


@pytest.mark.parametrize("op_class", ALL_OPS, ids=ident)
def test_lowered_ops_are_emittable(op_class):
    """Lower one function per sample to scf level and check that the C emitter has a
    handler or a `code_for_op` entry for every op in it."""
    for arrays, params in SAMPLES[op_class]:
        for static in (True, False):
            op, block = _make(op_class, arrays, params, static)
            block.add_ops([op, func.ReturnOp(op.results[0])])
            f = func.FuncOp("main", ([a.type for a in block.args], [op.results[0].type]), Region(block))
            module = ModuleOp([f])
            run_passes(module, TO_LOOP + TO_SCF)
            bad = sorted({o.name for o in module.walk()
                          if not isinstance(o, CONTAINERS) and type(o) not in EMITTABLE})
            assert not bad, f"{op_class.name}: no C emission for {bad}"
