"""`mlc.tensor.random.RandomStream(seed)`: random variables sampled inside compiled code.

Each call (`uniform`, `normal`, `binomial`, `randint`/`integers`/`random_integers`,
`choice`, `permutation`) creates a random state, a shared int64 vector `[key, counter,
stream]` = `[seed, 0, k]` for the stream's k-th variable, and returns the output of an
`mt.random_*` op on it (dialects/mt/random.py). The state's `default_update` adds the
number of draws to the counter, so every call of a compiled function that uses the
variable gives new numbers (Theano's implicit update), while one call sees one value.

The generator is Philox4x32-10, counter-based: element i of a draw uses the counter
`counter + i`, so numbers depend only on (seed, variable, call, position), never on the
process, the thread or the order of evaluation. `docs/random.md` documents the exact
mapping from seed to numbers. `RandomStreams` is the same class (Theano's name).
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from mlc.config import config
from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.dialects.dtypes import DYN
from mlc.sharedvalue import SharedVariable, shared
from mlc.srcloc import at
from mlc.tensor.basic import as_tensor_variable, constant
from mlc.tensor.elemwise import add, cast, mul
from mlc.tensor.structure import dimshuffle
from mlc.tensor.variable import Constant, Variable, apply

Shape = tuple[tuple[int, ...], list[Variable]]
"""A result shape: static entries (-1 = dynamic) and one 0-d int64 variable per -1."""


def _check_seed(seed: Any) -> int:
    if seed is None:
        return int(np.random.SeedSequence().entropy) % 2**64
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"RandomStream: the seed must be an integer, got {seed!r}")
    if not 0 <= int(seed) < 2**64:
        raise ValueError(f"RandomStream: the seed must be in [0, 2**64), got {seed}")
    return int(seed)


def _state_value(seed: int, stream: int) -> np.ndarray:
    key = seed - 2**64 if seed >= 2**63 else seed
    return np.array([key, 0, stream], np.int64)


def _size_entry(s: Any, fn: str) -> int | Variable:
    if isinstance(s, Constant) and s.ndim == 0:
        s = s.data.item()
    if isinstance(s, (int, np.integer)) and not isinstance(s, (bool, np.bool_)):
        if s < 0:
            raise ValueError(f"{fn}: negative dimensions are not allowed, got size {s}" + at())
        return int(s)
    if isinstance(s, Variable) and s.ndim == 0 and dt.is_int(s.dtype):
        return s if s.dtype == "int64" else cast(s, "int64")
    raise TypeError(f"{fn}: a size must be a tuple of non-negative ints or 0-d integer "
                    f"variables, got the entry {s!r}" + at())


def _parse_size(size: Any, fn: str) -> Shape:
    if isinstance(size, Variable) and size.ndim == 1:
        if isinstance(size, Constant):
            size = tuple(size.data.tolist())
        elif size.type.dims[0] == DYN:
            raise TypeError(f"{fn}: a symbolic size vector needs a static length (like "
                            "x.shape); pass a tuple of 0-d variables instead" + at())
        else:
            size = tuple(size[i] for i in range(size.type.dims[0]))
    if isinstance(size, np.ndarray):
        size = size.tolist()
    if not isinstance(size, (tuple, list)):
        size = (size,)
    entries = [_size_entry(s, fn) for s in size]
    return (tuple(DYN if isinstance(e, Variable) else e for e in entries),
            [e for e in entries if isinstance(e, Variable)])


def _broadcast_shape(params: Sequence[Variable], fn: str) -> Shape:
    """The shape the parameters broadcast to (size=None), by Theano's rule."""
    rank = max((p.ndim for p in params), default=0)
    static: list[int] = []
    dynamic: list[Variable] = []
    for axis in range(rank):
        dims = [(p, p.type.dims[axis - rank + p.ndim]) for p in params if axis - rank + p.ndim >= 0]
        sizes = {d for _, d in dims if d not in (1, DYN)}
        if len(sizes) > 1:
            raise ValueError(f"{fn}: parameters of sizes {sorted(sizes)} along axis {axis} do "
                             "not broadcast" + at())
        free = [p for p, d in dims if d == DYN]
        if sizes or not free:
            static.append(sizes.pop() if sizes else 1)
        else:
            static.append(DYN)
            dynamic.append(free[0].shape[axis - rank + free[0].ndim])
    return tuple(static), dynamic


def _align(p: Variable, rank: int, fn: str) -> Variable:
    if p.ndim > rank:
        raise ValueError(f"{fn}: a parameter of rank {p.ndim} does not fit a result of rank "
                         f"{rank}; give a size of rank >= {p.ndim}" + at())
    return p if p.ndim == rank else dimshuffle(p, *(["x"] * (rank - p.ndim)), *range(p.ndim))


def _draws(shape: Shape) -> int | Variable:
    static, dynamic = shape
    count: int | Variable = int(np.prod([d for d in static if d >= 0], dtype=object))
    for v in dynamic:
        count = mul(count, v) if count != 1 else v
    return count


def _param(x: Any, dtype: str, what: str = "") -> Variable:
    """A parameter: Python numbers become constants of `dtype` (they are weak); arrays
    and lists keep their own dtype."""
    if isinstance(x, float) and dt.is_int(dtype):
        raise TypeError(f"{what} must be an integer, got {x!r}" + at())
    if isinstance(x, (bool, int, float)):
        return constant(np.asarray(x, dtype=dtype))
    return as_tensor_variable(x)


def _plus_one(x: Any) -> Any:
    return x + 1 if isinstance(x, (int, np.integer)) else add(x, 1)


def _check_ndim(ndim: Optional[int], shape: Shape, fn: str) -> None:
    if ndim is not None and ndim != len(shape[0]):
        raise ValueError(f"{fn}: ndim={ndim} but the size has {len(shape[0])} dimensions" + at())


class RandomStream:
    """A source of random variables; `seed` fixes all their numbers (None: random)."""

    def __init__(self, seed: Optional[int] = None) -> None:
        self.default_instance_seed = _check_seed(seed)
        self.state_updates: list[tuple[SharedVariable, Variable]] = []

    def seed(self, seed: Optional[int] = None) -> None:
        """Restart every variable of this stream as if it were built with `seed`."""
        self.default_instance_seed = value = _check_seed(seed)
        for k, (state, _) in enumerate(self.state_updates):
            state.set_value(_state_value(value, k))

    def updates(self) -> list[tuple[SharedVariable, Variable]]:
        """(state, new state) of every variable made so far: Theano's list of updates."""
        return list(self.state_updates)

    def _sample(self, op: type, params: Sequence[Variable], shape: Shape, draws: int | Variable,
                fn: str, **op_params: Any) -> Variable:
        k = len(self.state_updates)
        state = shared(_state_value(self.default_instance_seed, k), name=f"random_state_{k}")
        out = apply(op, [state, *params, *shape[1]], fn, shape=shape[0], **op_params)
        if isinstance(draws, int):
            step: Any = constant(np.array([0, draws % 2**64 - (draws % 2**64 >= 2**63) * 2**64, 0],
                                          np.int64))
        else:
            step = mul(draws, constant(np.array([0, 1, 0], np.int64)))
        state.default_update = add(state, step)
        self.state_updates.append((state, state.default_update))
        return out

    def _elementwise(self, op: type, fn: str, size: Any, params: list[Variable], ndim: Optional[int],
                     dtype: str) -> Variable:
        shape = _broadcast_shape(params, fn) if size is None else _parse_size(size, fn)
        _check_ndim(ndim, shape, fn)
        aligned = [_align(p, len(shape[0]), fn) for p in params]
        return self._sample(op, aligned, shape, _draws(shape), fn, dtype=dtype)

    def _float_dtype(self, dtype: Any, params: Sequence[Any]) -> str:
        if dtype is not None:
            return dt.check_dtype(dtype)
        strong = (p for p in params if isinstance(p, (Variable, np.ndarray, np.generic)))
        return dt.upcast(config.floatX, *(p.dtype for p in strong))

    def uniform(self, size: Any = None, low: Any = 0.0, high: Any = 1.0, ndim: Optional[int] = None,
                dtype: Any = None) -> Variable:
        """Floats in [low, high) (dtype: floatX upcast with the parameters')."""
        d = self._float_dtype(dtype, (low, high))
        return self._elementwise(mt.RandomUniformOp, "uniform", size, [_param(low, d), _param(high, d)],
                                 ndim, d)

    def normal(self, size: Any = None, avg: Any = 0.0, std: Any = 1.0, ndim: Optional[int] = None,
               dtype: Any = None) -> Variable:
        """Gaussian samples of mean `avg` and standard deviation `std`."""
        d = self._float_dtype(dtype, (avg, std))
        return self._elementwise(mt.RandomNormalOp, "normal", size, [_param(avg, d), _param(std, d)],
                                 ndim, d)

    def binomial(self, size: Any = None, n: Any = 1, p: Any = 0.5, ndim: Optional[int] = None,
                 dtype: Any = "int64") -> Variable:
        """Successes in n trials of probability p (dtype may be a float: dropout masks)."""
        params = [_param(n, "int64", "binomial: n"), _param(p, "float64")]
        return self._elementwise(mt.RandomBinomialOp, "binomial", size, params, ndim, dt.check_dtype(dtype))

    def randint(self, low: Any, high: Any = None, size: Any = None, dtype: Any = "int64") -> Variable:
        """Integers in [low, high), or [0, low) without `high` (NumPy's randint)."""
        if high is None:
            low, high = 0, low
        params = [_param(low, "int64", "randint: low"), _param(high, "int64", "randint: high")]
        return self._elementwise(mt.RandomIntegersOp, "randint", size, params, None, dt.check_dtype(dtype))

    def integers(self, low: Any, high: Any = None, size: Any = None, dtype: Any = "int64",
                 endpoint: bool = False) -> Variable:
        """NumPy Generator's integers: [low, high), or [low, high] with endpoint=True."""
        if high is None:
            low, high = 0, low
        return self.randint(low, _plus_one(high) if endpoint else high, size, dtype)

    def random_integers(self, size: Any = None, low: Any = 0, high: Any = 1, ndim: Optional[int] = None,
                        dtype: Any = "int64") -> Variable:
        """Theano's random_integers: integers in [low, high], both ends included."""
        high = _plus_one(high)
        params = [_param(low, "int64", "random_integers: low"),
                  _param(high, "int64", "random_integers: high")]
        return self._elementwise(mt.RandomIntegersOp, "random_integers", size, params, ndim,
                                 dt.check_dtype(dtype))

    def choice(self, a: Any, size: Any = None, replace: bool = True, p: Any = None,
               ndim: Optional[int] = None, dtype: Any = None) -> Variable:
        """`size` draws of `a` (an int n: of 0..n-1; a tensor: of its rows), with or
        without replacement, uniformly or with probabilities `p` (NumPy's choice)."""
        pool = _param(a, "int64", "choice: a")
        shape = ((), []) if size is None else _parse_size(size, "choice")
        _check_ndim(ndim, shape, "choice")
        if p is None:
            population = pool.data.item() if isinstance(pool, Constant) and not pool.ndim else pool
            draws = _draws(shape) if replace else (pool.shape[0] if pool.ndim else population)
            out = self._sample(mt.RandomChoiceOp, [pool], shape, draws, "choice", replace=replace)
        else:
            probs = p if isinstance(p, Variable) else constant(np.asarray(p, dtype=np.float64))
            out = self._sample(mt.RandomWeightedChoiceOp, [pool, probs], shape, _draws(shape),
                               "choice", replace=replace)
        return out if dtype is None else cast(out, dtype)

    def permutation(self, n: Any = 1, size: Any = None, ndim: Optional[int] = None,
                    dtype: Any = "int64") -> Variable:
        """A random permutation of 0..n-1 (of shape size + (n,): one per row), or of the
        rows of a tensor `n` (NumPy's permutation(x))."""
        if isinstance(n, Variable) and n.ndim > 0 or isinstance(n, (np.ndarray, list)):
            x = as_tensor_variable(n)
            if size is not None:
                raise ValueError("permutation: size is not supported when shuffling a tensor" + at())
            return self.choice(x, (x.shape[0],), replace=False)
        static, dynamic = ((), []) if size is None else _parse_size(size, "permutation")
        last = _size_entry(n, "permutation")
        shape = (static + (DYN if isinstance(last, Variable) else last,),
                 dynamic + ([last] if isinstance(last, Variable) else []))
        _check_ndim(None if ndim is None else ndim + 1, shape, "permutation")
        return self._sample(mt.RandomPermutationOp, [], shape, _draws(shape), "permutation",
                            dtype=dt.check_dtype(dtype))


RandomStreams = RandomStream
"""Theano's name (`theano.tensor.shared_randomstreams.RandomStreams`)."""

__all__ = ["RandomStream", "RandomStreams"]
