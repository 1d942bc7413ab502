"""Random tensor programs for the differential fuzz test (tests/test_fuzz.py).

A program is a list of steps `v<k> = op(v<i>, ..., params)` over a few typed inputs. The
generator draws one step at a time and evaluates it at once with NumPy (`OPS[op].ref`),
so every value has a concrete shape, dtype and magnitude when the next step is drawn:
a step whose reference raises, overflows or leaves moderate magnitudes is dropped.
`build` then turns the same step list into an `mlc.tensor` graph (`OPS[op].sym`) without
looking at the NumPy values, so the reference is independent of mlc's own
runtime/reference/.

Each value carries an `exact` flag: it was computed only by correctly rounded operations
that gcc cannot contract into an FMA (add/sub, abs, max/min, casts, layout, integer math).
Discontinuous steps (comparisons, `//`, `%`, casts to integers, argsort) only read exact
values, so a last-ulp difference of `exp` or a reassociated sum never flips a branch and
every mismatch is a real one.

mlc's deliberate differences from NumPy are part of the reference, as the README states
them: integer inputs to transcendental functions and `/` compute in float32 (bool, int8,
int16) or float64 (int32, int64), sums of float32 accumulate in float64, a Python scalar
is weak (NEP 50), and broadcasting needs a static size of 1 (`T.row`, `dimshuffle('x')`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

import mlc.tensor as T

FLOATS = ("float32", "float64")
INTS = ("int32", "int64")
DTYPES = FLOATS + INTS + ("bool",)
FLOAT_CAP, INT_CAP = 1e4, 1e6


def float_of(dtype: str) -> str:
    """The dtype mlc computes a transcendental function (and `/`) of `dtype` in."""
    if dtype in FLOATS:
        return dtype
    return "float64" if dtype in ("int32", "int64") else "float32"


@dataclass
class Op:
    """One step kind: `sym` builds it on mlc variables, `ref` on NumPy arrays (both take the
    argument list and the step's params); `kinds` are the dtype families it accepts."""
    sym: Callable[..., Any]
    ref: Callable[..., np.ndarray]
    kinds: tuple[str, ...] = ("float", "int", "bool")
    arity: int = 1
    exact: bool = True          # result exactly rounded when the arguments are exact
    needs_exact: bool = False   # discontinuous: only drawn on exact arguments


def _tf(np_fn: Callable, pre: Callable = lambda a: a) -> Callable:
    """A transcendental reference: integer inputs are computed in `float_of` their dtype."""
    def ref(args: list, p: dict) -> np.ndarray:
        a = args[0]
        return np_fn(pre(a.astype(float_of(a.dtype.name))))
    return ref


def _sigmoid(a: np.ndarray) -> np.ndarray:
    one = a.dtype.type(1)
    return one / (one + np.exp(-a))


def _sum_ref(args: list, p: dict) -> np.ndarray:
    a = args[0]
    if a.dtype == np.float32:  # mlc accumulates float32 sums in float64
        return np.sum(a, axis=p["axis"], keepdims=p["keepdims"], dtype="float64").astype("float32")
    return np.sum(a, axis=p["axis"], keepdims=p["keepdims"])


def _mean_ref(args: list, p: dict) -> np.ndarray:
    a = args[0]
    acc = "float64" if a.dtype.kind in "iub" or a.dtype == np.float32 else None
    out = np.mean(a, axis=p["axis"], keepdims=p["keepdims"], dtype=acc)
    return out.astype("float32") if a.dtype == np.float32 else out


def _softmax(a: np.ndarray) -> np.ndarray:
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _div_ref(args: list, p: dict) -> np.ndarray:
    a, b = args
    dt = np.result_type(a, b).name
    dt = float_of(dt) if dt not in FLOATS else dt
    return a.astype(dt) / (np.abs(b) + b.dtype.type(1)).astype(dt)


def _reduce(name: str) -> Op:
    fn = getattr(T, name)
    ref = {"sum": _sum_ref, "mean": _mean_ref}.get(
        name, lambda args, p: getattr(np, name)(args[0], axis=p["axis"], keepdims=p["keepdims"]))
    kinds = ("float", "int", "bool") if name == "sum" else ("float", "int")
    return Op(lambda a, p: fn(a[0], axis=p["axis"], keepdims=p["keepdims"]), ref, kinds,
              exact=name in ("max", "min"))


UNARY = {
    "exp": Op(lambda a, p: T.exp(T.clip(a[0], -4, 4)), _tf(np.exp, lambda x: np.clip(x, -4, 4)),
              ("float", "int"), exact=False),
    "log_abs1": Op(lambda a, p: T.log(abs(a[0]) + 1), _tf(lambda x: np.log(np.abs(x) + 1)),
                   ("float", "int"), exact=False),
    "sin": Op(lambda a, p: T.sin(a[0]), _tf(np.sin), ("float", "int"), exact=False),
    "tanh": Op(lambda a, p: T.tanh(a[0]), _tf(np.tanh), ("float", "int"), exact=False),
    "sigmoid": Op(lambda a, p: T.sigmoid(a[0]), _tf(_sigmoid), ("float", "int"), exact=False),
    "sqrt_abs": Op(lambda a, p: T.sqrt(abs(a[0])), _tf(lambda x: np.sqrt(np.abs(x))),
                   ("float", "int"), exact=False),
    "abs": Op(lambda a, p: abs(a[0]), lambda a, p: np.abs(a[0])),
    "neg": Op(lambda a, p: -a[0], lambda a, p: -a[0], ("float", "int")),
    "sgn": Op(lambda a, p: T.sgn(a[0]), lambda a, p: np.sign(a[0]), ("float", "int")),
    "sqr": Op(lambda a, p: T.sqr(a[0]), lambda a, p: a[0] * a[0], ("float", "int"), exact=False),
    "cast": Op(lambda a, p: T.cast(a[0], p["dtype"]), lambda a, p: a[0].astype(p["dtype"]),
               needs_exact=True),
    "softmax": Op(lambda a, p: T.nnet.softmax(a[0]), lambda a, p: _softmax(a[0]), ("float",),
                  exact=False),
}

BINARY = {
    "add": Op(lambda a, p: a[0] + a[1], lambda a, p: a[0] + a[1], ("float", "int"), arity=2),
    "sub": Op(lambda a, p: a[0] - a[1], lambda a, p: a[0] - a[1], ("float", "int"), arity=2),
    "mul": Op(lambda a, p: a[0] * a[1], lambda a, p: a[0] * a[1], ("float", "int"), arity=2,
              exact=False),
    "div_safe": Op(lambda a, p: a[0] / (abs(a[1]) + 1), _div_ref, ("float", "int"), arity=2,
                   exact=False),
    "maximum": Op(lambda a, p: T.maximum(a[0], a[1]), lambda a, p: np.maximum(a[0], a[1]),
                  ("float", "int"), arity=2),
    "minimum": Op(lambda a, p: T.minimum(a[0], a[1]), lambda a, p: np.minimum(a[0], a[1]),
                  ("float", "int"), arity=2),
    "lt": Op(lambda a, p: T.lt(a[0], a[1]), lambda a, p: a[0] < a[1], ("float", "int"), 2,
             needs_exact=True),
    "ge": Op(lambda a, p: T.ge(a[0], a[1]), lambda a, p: a[0] >= a[1], ("float", "int"), 2,
             needs_exact=True),
    "eq": Op(lambda a, p: T.eq(a[0], a[1]), lambda a, p: a[0] == a[1], ("int", "bool"), 2),
    "and": Op(lambda a, p: a[0] & a[1], lambda a, p: a[0] & a[1], ("int", "bool"), 2),
    "xor": Op(lambda a, p: a[0] ^ a[1], lambda a, p: a[0] ^ a[1], ("int", "bool"), 2),
    "floordiv": Op(lambda a, p: a[0] // a[1], lambda a, p: _int_floor(a, np.floor_divide),
                   ("int",), 2),
    "mod": Op(lambda a, p: a[0] % a[1], lambda a, p: _int_floor(a, np.mod), ("int",), 2),
    "floordiv_f": Op(lambda a, p: a[0] // (abs(a[1]) + 0.5),
                     lambda a, p: a[0] // (np.abs(a[1]) + a[1].dtype.type(0.5)), ("float",), 2,
                     needs_exact=True),
    "mod_f": Op(lambda a, p: a[0] % (abs(a[1]) + 0.5),
                lambda a, p: a[0] % (np.abs(a[1]) + a[1].dtype.type(0.5)), ("float",), 2,
                needs_exact=True),
}


def _int_floor(a: list, fn: Callable) -> np.ndarray:
    """Python floor semantics; mlc (and NumPy) give 0 for `x // 0` and `x % 0`."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return fn(a[0], a[1])


REDUCE = {name: _reduce(name) for name in ("sum", "max", "min", "prod", "mean")}


@dataclass
class Value:
    ref: np.ndarray
    bcast: tuple[bool, ...]
    exact: bool
    f32_error: bool = False  # carries float32 rounding error, even if widened to float64

    def tolerance_dtype(self) -> str:
        return "float32" if self.f32_error else self.ref.dtype.name


@dataclass
class Program:
    """Inputs are steps too (`op == "input"`); `outputs` index into `steps`."""
    seed: int
    steps: list[tuple[str, tuple[int, ...], dict]] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)

    def text(self) -> str:
        lines = [f"seed={self.seed}"]
        for k, (op, args, p) in enumerate(self.steps):
            v = self.values[k].ref
            args_s = ", ".join(f"v{i}" for i in args)
            lines.append(f"  v{k} = {op}({args_s}{', ' if args and p else ''}{p if p else ''})"
                         f"  # {v.dtype}{list(v.shape)}")
        lines.append(f"  outputs: {['v%d' % i for i in self.outputs]}")
        return "\n".join(lines)

    def inputs(self) -> list[int]:
        return [k for k, s in enumerate(self.steps) if s[0] == "input"]


def _dimshuffle_ref(a: np.ndarray, pattern: tuple) -> np.ndarray:
    kept = [d for d in pattern if d != "x"]
    out = np.transpose(a, kept)
    for pos, d in enumerate(pattern):
        if d == "x":
            out = np.expand_dims(out, pos)
    return out


def _slices(p: dict) -> tuple:
    return tuple(slice(*s) if isinstance(s, tuple) else s for s in p["index"])


LAYOUT = {
    "index": Op(lambda a, p: a[0][_slices(p)], lambda a, p: a[0][_slices(p)]),
    "reshape": Op(lambda a, p: a[0].reshape(p["shape"]), lambda a, p: a[0].reshape(p["shape"])),
    "transpose": Op(lambda a, p: a[0].transpose(p["axes"]),
                    lambda a, p: np.transpose(a[0], p["axes"])),
    "dimshuffle": Op(lambda a, p: a[0].dimshuffle(*p["pattern"]),
                     lambda a, p: _dimshuffle_ref(a[0], p["pattern"])),
    "concat": Op(lambda a, p: T.concatenate(list(a), axis=p["axis"]),
                 lambda a, p: np.concatenate(a, axis=p["axis"]), arity=2),
    "cumsum": Op(lambda a, p: T.cumsum(a[0], axis=p["axis"]),
                 lambda a, p: np.cumsum(a[0], axis=p["axis"]), ("float", "int"), exact=False),
    "sort": Op(lambda a, p: T.sort(a[0], axis=p["axis"]),
               lambda a, p: np.sort(a[0], axis=p["axis"], kind="stable"), ("float", "int")),
    "argsort": Op(lambda a, p: T.argsort(a[0], axis=p["axis"]),
                  lambda a, p: np.argsort(a[0], axis=p["axis"], kind="stable"),
                  ("float", "int"), needs_exact=True),
    "dot": Op(lambda a, p: T.dot(a[0], a[1]), lambda a, p: np.dot(a[0], a[1]), ("float",),
              arity=2, exact=False),
    "switch": Op(lambda a, p: T.switch(a[0], a[1], a[2]), lambda a, p: np.where(*a), arity=3),
}
OPS: dict[str, Op] = {**UNARY, **BINARY, **REDUCE, **LAYOUT}


def kind(dtype: Any) -> str:
    d = np.dtype(dtype)
    return "bool" if d == np.bool_ else "int" if d.kind in "iu" else "float"


def broadcastable(a: Value, b: Value) -> bool:
    """Theano's rule: sizes differ only where the differing operand is static-1."""
    if a.ref.ndim < b.ref.ndim:
        a, b = b, a
    pad = a.ref.ndim - b.ref.ndim
    bb = (True,) * pad + b.bcast
    bs = (1,) * pad + b.ref.shape
    for sa, ba, sb, bbk in zip(a.ref.shape, a.bcast, bs, bb):
        if sa != sb and not ((sa == 1 and ba) or (sb == 1 and bbk)):
            return False
    return True


def join_bcast(a: Value, b: Value) -> tuple[bool, ...]:
    n = max(a.ref.ndim, b.ref.ndim)
    pa = (True,) * (n - a.ref.ndim) + a.bcast
    pb = (True,) * (n - b.ref.ndim) + b.bcast
    return tuple(x and y for x, y in zip(pa, pb))


class Generator:
    """Draws one random program (`generate(seed)`); see the module docstring."""

    def __init__(self, seed: int, max_steps: int = 9) -> None:
        self.rng = np.random.default_rng(seed)
        self.prog = Program(seed)
        self.max_steps = max_steps

    def add(self, op: str, args: tuple[int, ...], p: dict, value: Value) -> int:
        self.prog.steps.append((op, args, p))
        self.prog.values.append(value)
        return len(self.prog.steps) - 1

    def new_input(self, dtype: str | None = None, shape: tuple | None = None) -> int:
        r = self.rng
        dtype = dtype or str(r.choice(DTYPES))
        if shape is None:
            shape = tuple(int(s) for s in r.integers(1, 5, int(r.integers(0, 4))))
        bcast = tuple(bool(s == 1 and r.random() < 0.5) for s in shape)
        if dtype == "bool":
            ref = r.random(shape) < 0.5
        elif dtype in INTS:
            ref = r.integers(-20, 21, shape).astype(dtype)
        else:
            ref = (r.standard_normal(shape) * 2).astype(dtype)
        return self.add("input", (), {"dtype": dtype, "bcast": bcast}, Value(ref, bcast, True))

    def pick(self, kinds: tuple[str, ...], exact: bool = False, ndim_min: int = 0) -> int | None:
        vals = self.prog.values
        ok = [k for k, v in enumerate(vals) if kind(v.ref.dtype) in kinds
              and (v.exact or not exact) and v.ref.ndim >= ndim_min]
        return int(self.rng.choice(ok)) if ok else None

    def partner(self, a: int, kinds: tuple[str, ...], exact: bool) -> int:
        """A value that broadcasts with `a` (a fresh input of a's shape when none does)."""
        va = self.prog.values[a]
        ok = [k for k, v in enumerate(self.prog.values) if kind(v.ref.dtype) in kinds
              and (v.exact or not exact) and broadcastable(va, v)]
        if ok and self.rng.random() < 0.7:
            return int(self.rng.choice(ok))
        dt = str(self.rng.choice([d for d in DTYPES if kind(d) in kinds]))
        return self.new_input(dt, va.ref.shape)

    def step(self) -> None:
        r = self.rng
        group = r.choice(["unary", "binary", "reduce", "layout"], p=[0.3, 0.3, 0.15, 0.25])
        table = {"unary": UNARY, "binary": BINARY, "reduce": REDUCE, "layout": LAYOUT}[group]
        name = str(r.choice(list(table)))
        op = OPS[name]
        a = self.pick(op.kinds, op.needs_exact)
        if a is None:
            return
        args, p = self.arguments(name, op, a)
        if args is None:
            return
        self.try_add(name, op, args, p)

    def try_add(self, name: str, op: Op, args: tuple[int, ...], p: dict) -> None:
        vals = [self.prog.values[i] for i in args]
        with np.errstate(all="ignore"):
            try:
                ref = np.asarray(op.ref([v.ref for v in vals], p))
            except (ValueError, IndexError, TypeError):
                return
        if not moderate(ref):
            return
        exact = op.exact and all(v.exact for v in vals)
        f32 = any(v.f32_error for v in vals) or not op.exact and any(
            x.dtype == np.float32 for x in [ref] + [v.ref for v in vals])
        self.add(name, args, p, Value(ref, result_bcast(name, vals, p, ref), exact, f32))

    def generate(self) -> Program:
        for _ in range(int(self.rng.integers(1, 3))):
            self.new_input()
        for _ in range(int(self.rng.integers(3, self.max_steps + 1))):
            self.step()
        computed = [k for k, s in enumerate(self.prog.steps) if s[0] != "input"]
        if not computed:
            a = self.pick(("float", "int", "bool"))
            self.try_add("abs", OPS["abs"], (a,), {})
            computed = [len(self.prog.steps) - 1]
        extra = [int(k) for k in self.rng.choice(computed, min(2, len(computed)), replace=False)]
        self.prog.outputs = sorted({computed[-1], *extra})
        return self.prog


def moderate(ref: np.ndarray) -> bool:
    if ref.size > 4000:
        return False
    k = kind(ref.dtype)
    if k == "float":
        return bool(np.all(np.isfinite(ref)) and (ref.size == 0 or np.abs(ref).max() < FLOAT_CAP))
    if k == "int":
        return ref.size == 0 or int(np.abs(ref).max()) < INT_CAP
    return True


def _arguments(self: Generator, name: str, op: Op, a: int) -> tuple[Any, dict]:
    """The arguments and params of one step whose first argument is `a`."""
    r, va = self.rng, self.prog.values[a]
    nd, shape = va.ref.ndim, va.ref.shape
    if name == "cast":
        return (a,), {"dtype": str(r.choice(DTYPES))}
    if name in UNARY:
        return ((a,), {}) if name != "softmax" or nd >= 1 else (None, {})
    if name in REDUCE:
        axis = None if nd == 0 or r.random() < 0.3 else (
            int(r.integers(-nd, nd)) if r.random() < 0.6
            else tuple(int(x) for x in r.choice(nd, int(r.integers(1, nd + 1)), replace=False)))
        return (a,), {"axis": axis, "keepdims": bool(r.random() < 0.4)}
    if name == "switch":
        c = self.partner(a, ("bool",), False)
        b = self.partner(a, (kind(va.ref.dtype),), False)
        if not broadcastable(self.prog.values[c], self.prog.values[b]):  # a fresh b of the
            shape = np.broadcast_shapes(va.ref.shape, self.prog.values[c].ref.shape)  # joint shape
            b = self.new_input(str(va.ref.dtype), tuple(int(n) for n in shape))
        return (c, a, b), {}
    if op.arity == 2 and name not in ("concat", "dot"):
        return (a, self.partner(a, op.kinds, op.needs_exact)), {}
    return _layout_arguments(self, name, a, nd, shape)


def _layout_arguments(self: Generator, name: str, a: int, nd: int, shape: tuple) -> tuple:
    r = self.rng
    if nd == 0 and name != "dimshuffle":
        return None, {}
    if name == "index":
        index = []
        for s in shape[: int(r.integers(1, nd + 1))]:
            if s and r.random() < 0.3:  # an integer index needs a non-empty axis
                index.append(int(r.integers(-s, s)))
            else:
                step = int(r.choice([1, 1, 2, -1, -2]))
                index.append((int(r.integers(-s - 1, s + 1)), None if r.random() < 0.4
                              else int(r.integers(-s - 1, s + 2)), step))
        return (a,), {"index": tuple(index)}
    if name == "reshape":
        n = int(np.prod(shape))
        first = int(r.choice([d for d in range(1, n + 1) if n % d == 0])) if n else 1
        return (a,), {"shape": (first, -1) if r.random() < 0.5 else (-1,)}
    if name == "transpose":
        return (a,), {"axes": tuple(int(x) for x in r.permutation(nd))}
    if name == "dimshuffle":
        pattern: list = [int(x) for x in r.permutation(nd)]
        pattern.insert(int(r.integers(0, nd + 1)), "x")
        return (a,), {"pattern": tuple(pattern)}
    if name == "dot":
        return _dot_arguments(self, a, shape)
    axis = int(r.integers(-nd, nd))
    if name == "concat":
        other = self.new_input(str(self.prog.values[a].ref.dtype), shape)
        return (a, other), {"axis": axis}
    return (a,), {"axis": axis}


def _dot_arguments(self: Generator, a: int, shape: tuple) -> tuple:
    if len(shape) > 2:
        return None, {}
    r = self.rng
    k = shape[-1]
    other_shape = (k,) if r.random() < 0.4 else (k, int(r.integers(1, 5)))
    b = self.new_input(str(self.prog.values[a].ref.dtype), other_shape)
    return (a, b), {}


Generator.arguments = _arguments  # type: ignore[attr-defined]


def result_bcast(name: str, vals: list[Value], p: dict, ref: np.ndarray) -> tuple[bool, ...]:
    """A conservative static broadcast pattern: True only where mlc surely knows size 1."""
    a = vals[0]
    if name in UNARY or name in ("cumsum", "sort", "argsort"):
        return a.bcast if ref.ndim == a.ref.ndim else (False,) * ref.ndim
    if name in BINARY:
        return join_bcast(a, vals[1])
    if name == "switch":
        ab = Value(np.broadcast_to(a.ref, np.broadcast_shapes(a.ref.shape, vals[1].ref.shape)),
                   join_bcast(a, vals[1]), True)
        return join_bcast(ab, vals[2])
    if name == "transpose":
        return tuple(a.bcast[i] for i in p["axes"])
    if name == "dimshuffle":
        return tuple(True if d == "x" else a.bcast[d] for d in p["pattern"])
    if name in REDUCE and p["keepdims"]:
        axes = range(a.ref.ndim) if p["axis"] is None else np.atleast_1d(p["axis"]) % a.ref.ndim
        return tuple(True if i in set(axes) else b for i, b in enumerate(a.bcast))
    if name in REDUCE:
        return (False,) * ref.ndim if p["axis"] is not None else ()
    return (False,) * ref.ndim


def build(prog: Program) -> tuple[list, list]:
    """The mlc graph of `prog`: (input variables, output variables)."""
    syms: list = []
    for op, args, p in prog.steps:
        if op == "input":
            syms.append(T.TensorType(p["dtype"], broadcastable=p["bcast"])())
        else:
            syms.append(OPS[op].sym([syms[i] for i in args], p))
    return [syms[k] for k in prog.inputs()], [syms[k] for k in prog.outputs]
