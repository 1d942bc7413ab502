"""Test harness: compile one `mt` op into a callable and run it on NumPy arrays.

Builds `func.func @main` with one tensor argument per input (dynamic dims by default),
applies `Op.make(args, **params)`, returns its result, then runs the real backend:
`compile_module` (graph pipeline, lowering, C emission), `compile_c` (gcc into a
per-session temporary cache) and `_rt.Function`. Compiled functions are cached by
(op class, input dtypes, static shapes, params, mode), so one gcc run serves every
example of the same graph; only the shapes and values of the arrays vary.

Imported by tests via `sys.path.insert(0, os.path.dirname(__file__))` (tests/ is not a
package; xDSL installs a package named `tests`). Depends only on `mlc.dialects`,
`mlc.passes` and `mlc.runtime`, never on the frontend.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from typing import Any, Sequence

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Region

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.passes.pipelines import GRAPH_PIPELINES, compile_module, run_passes
from mlc.runtime import _rt, compile_c, load_library

CACHE_DIR = tempfile.mkdtemp(prefix="mlc-optest-")
atexit.register(shutil.rmtree, CACHE_DIR, True)

_FUNCTIONS: dict[tuple, Any] = {}
stats = {"compiled": 0}


def _freeze(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return tuple(_freeze(x) for x in v)
    if isinstance(v, np.dtype) or isinstance(v, type):
        return np.dtype(v).name
    return v


def build_module(op_class: type, in_types: Sequence, params: dict,
                 constants: Sequence[np.ndarray] = ()) -> tuple[ModuleOp, Any]:
    """`func.func @main(%x0, %x1, ...) { return op(%x0, ...) }` and the op; with
    `constants`, the operands are `mt.constant`s instead of arguments."""
    block = Block(arg_types=list(in_types))
    for i, a in enumerate(block.args):
        a.name_hint = f"x{i}"
    lits = [mt.ConstantOp.from_array(c) for c in constants]
    if op_class is mt.ConstantOp:
        op = mt.ConstantOp.from_array(params["value"])
    else:
        op = op_class.make([c.result for c in lits] or list(block.args), **params)
    block.add_ops([*lits, op, func.ReturnOp(op.results[0])])
    f = func.FuncOp("main", (list(in_types), [op.results[0].type]), Region(block))
    return ModuleOp([f]), op


def compiled(op_class: type, dtypes: Sequence[str], shapes: Sequence[tuple[int, ...]],
             mode: str = "FAST_RUN", **params: Any):
    """The cached `_rt.Function` of `op_class` on tensors of the given static types."""
    key_params = tuple(sorted((k, _freeze(v) if k != "value" else
                               (v.dtype.name, v.shape, v.tobytes())) for k, v in params.items()))
    key = (op_class, tuple(dtypes), tuple(map(tuple, shapes)), mode, key_params)
    fn = _FUNCTIONS.get(key)
    if fn is not None:
        return fn
    in_types = [dt.tensor_type(d, tuple(s)) for d, s in zip(dtypes, shapes)]
    module, op = build_module(op_class, in_types, params)
    module.verify()
    out_type = op.results[0].type
    c = compile_module(module, mode, keep_stages=False)
    lib = load_library(compile_c(c.c_source, cache_dir=CACHE_DIR))
    inputs = [(np.dtype(d).num, tuple(s), f"x{i}") for i, (d, s) in enumerate(zip(dtypes, shapes))]
    outputs = [(np.dtype(dt.dtype_of(out_type)).num, len(dt.shape_of(out_type)))]
    fn = _rt.Function(lib, inputs, [], outputs, 1, [], c.messages, None, True)
    fn.out_dtype = np.dtype(dt.dtype_of(out_type))  # type: ignore[attr-defined]
    fn.out_shape = dt.shape_of(out_type)  # type: ignore[attr-defined]
    stats["compiled"] += 1
    _FUNCTIONS[key] = fn
    return fn


def result_type(op_class: type, dtypes: Sequence[str], shapes: Sequence[tuple[int, ...]],
                **params: Any) -> tuple[str, tuple[int, ...]]:
    """(dtype, static shape) that type inference gives, without compiling."""
    in_types = [dt.tensor_type(d, tuple(s)) for d, s in zip(dtypes, shapes)]
    t = op_class.infer(in_types, **params)[0]
    return dt.dtype_of(t), dt.shape_of(t)


def run_mt(op_class: type, arrays: Sequence[np.ndarray],
           static_shapes: Sequence[Sequence[int] | None] | None = None,
           mode: str = "FAST_RUN", **params: Any) -> np.ndarray:
    """Compile `op_class` over tensor arguments typed like `arrays` and call it on them.

    `static_shapes[i]` gives argument i's type shape (-1 = dynamic); `None` (for all or
    for one argument) means every dim dynamic. Arrays keep their strides (views are
    passed as they are)."""
    arrays = [np.asarray(a) for a in arrays]
    if static_shapes is None:
        static_shapes = [None] * len(arrays)
    shapes = [tuple(s) if s is not None else (-1,) * a.ndim for a, s in zip(arrays, static_shapes)]
    dtypes = [a.dtype.name for a in arrays]
    fn = compiled(op_class, dtypes, shapes, mode, **params)
    out = fn(*arrays)
    assert isinstance(out, np.ndarray)
    assert out.dtype == fn.out_dtype, (out.dtype, fn.out_dtype)
    assert out.ndim == len(fn.out_shape)
    for got, static in zip(out.shape, fn.out_shape):
        assert static < 0 or got == static, (out.shape, fn.out_shape)
    return out


def run_folded(op_class: type, arrays: Sequence[np.ndarray], **params: Any) -> np.ndarray:
    """`op(mt.constant a0, mt.constant a1, ...)` compiled in FAST_RUN, where
    canonicalize folds it through the NumPy reference (not cached: tests of folding)."""
    arrays = [np.asarray(a) for a in arrays]
    module, op = build_module(op_class, [], params, constants=arrays)
    module.verify()
    out_type = op.results[0].type
    run_passes(module, GRAPH_PIPELINES["FAST_RUN"])
    module.verify()  # folding must keep the function's types
    c = compile_module(module, "FAST_RUN", keep_stages=False)
    lib = load_library(compile_c(c.c_source, cache_dir=CACHE_DIR))
    outputs = [(np.dtype(dt.dtype_of(out_type)).num, len(dt.shape_of(out_type)))]
    return _rt.Function(lib, [], [], outputs, 1, [], c.messages, None, True)()


def run_const(value: np.ndarray) -> np.ndarray:
    """A function of no inputs returning `mt.constant value`."""
    fn = compiled(mt.ConstantOp, [], [], "FAST_COMPILE", value=np.asarray(value))
    return fn()
