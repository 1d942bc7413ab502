"""NumPy reference of the random `mt` ops: the bit-exact twin of the C samplers in
`passes/emit/random.py`, and the test oracle of the compiled code.

The generator is Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as
1, 2, 3", SC'11). A state `[key, counter, stream]` gives element e of a result (row-major)
the 64-bit words w_0, w_1, ... where block j = philox(ctr = (lo32(c), hi32(c),
lo32(stream), j), key = (lo32(key), hi32(key))) with c = counter + e (mod 2**64), and
w_2j = x1 << 32 | x0, w_2j+1 = x3 << 32 | x2. The samplers turn words into numbers
exactly as the C helpers do (docs/random.md); only libm's log/cos/sqrt can differ in the
last bit from NumPy's, which the tests allow for.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from mlc.dialects import mt
from mlc.runtime.reference.core import Ref

_M32 = np.uint64(0xFFFFFFFF)
_MUL = (np.uint64(0xD2511F53), np.uint64(0xCD9E8D57))
_BUMP = (np.uint64(0x9E3779B9), np.uint64(0xBB67AE85))
_S32, _S11, _S40 = np.uint64(32), np.uint64(11), np.uint64(40)


def philox4x32(ctr: Sequence[Any], key: Sequence[Any]) -> tuple[np.ndarray, ...]:
    """Philox4x32-10 of counters (4 arrays of 32-bit words) under key (2 words)."""
    c = [np.asarray(v, np.uint64) & _M32 for v in ctr]
    k0, k1 = (np.asarray(v, np.uint64) & _M32 for v in key)
    with np.errstate(over="ignore"):
        for _ in range(10):
            p0, p1 = _MUL[0] * c[0], _MUL[1] * c[2]
            c = [(p1 >> _S32) ^ c[1] ^ k0, p1 & _M32, (p0 >> _S32) ^ c[3] ^ k1, p0 & _M32]
            k0, k1 = (k0 + _BUMP[0]) & _M32, (k1 + _BUMP[1]) & _M32
    return tuple(c)


class Words:
    """The per-element word streams of `count` elements drawn from `state`."""

    def __init__(self, state: np.ndarray, count: int) -> None:
        state = np.asarray(state)
        if state.shape != (3,):
            raise ValueError(f"a random state must have 3 entries, got shape {state.shape}")
        key, ctr, stream = (np.uint64(int(v) % 2**64) for v in state)
        with np.errstate(over="ignore"):
            self.ctr = ctr + np.arange(count, dtype=np.uint64)
        self.key = (key & _M32, key >> _S32)
        self.stream = stream & _M32

    def word(self, w: int, elems: Any = slice(None)) -> np.ndarray:
        """Word w of the elements `elems` (an index array or a slice)."""
        c = self.ctr[elems]
        x = philox4x32((c & _M32, c >> _S32, np.full(c.shape, self.stream), np.full(c.shape, w // 2)),
                       self.key)
        lo, hi = (x[0], x[1]) if w % 2 == 0 else (x[2], x[3])
        return (hi << _S32) | lo


def unit_double(w: np.ndarray) -> np.ndarray:
    """[0, 1) with 53 random bits."""
    return (w >> _S11).astype(np.float64) * 2.0 ** -53


def unit_float(w: np.ndarray) -> np.ndarray:
    """[0, 1) float32 with 24 random bits."""
    return (w >> _S40).astype(np.float32) * np.float32(2.0 ** -24)


def _mulhi(x: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(high, low) 64-bit halves of the 128-bit products x * r (uint64 arrays)."""
    x0, x1, r0, r1 = x & _M32, x >> _S32, r & _M32, r >> _S32
    with np.errstate(over="ignore"):
        p00, p01, p10, p11 = x0 * r0, x0 * r1, x1 * r0, x1 * r1
        mid = (p00 >> _S32) + (p01 & _M32) + (p10 & _M32)
        return p11 + (p01 >> _S32) + (p10 >> _S32) + (mid >> _S32), x * r


MAX_REJECTIONS = 64
"""Bound of the rejection loops of `bounded`; P(reaching it) < 2**-64 per element."""


def bounded(words: Words, ranges: np.ndarray) -> np.ndarray:
    """Lemire's unbiased integers in [0, range) (uint64 ranges > 0), one per element."""
    r = np.asarray(ranges, np.uint64)
    hi, lo = _mulhi(words.word(0), r)
    with np.errstate(over="ignore"):
        threshold = (np.uint64(0) - r) % r
    todo = np.nonzero(lo < threshold)[0]
    for w in range(1, MAX_REJECTIONS + 1):
        if todo.size == 0:
            break
        h, l = _mulhi(words.word(w, todo), r[todo])
        hi[todo], lo[todo] = h, l
        todo = todo[l < threshold[todo]]
    return hi


def _resolve_shape(shape: Sequence[int], sizes: Sequence[np.ndarray]) -> tuple[int, ...]:
    it = iter(sizes)
    out = tuple(int(next(it)) if d == -1 else d for d in shape)
    if any(d < 0 for d in out):
        raise ValueError(f"negative dimensions are not allowed: {out}")
    return out


def _params(params: Sequence[np.ndarray], shape: tuple[int, ...]) -> list[np.ndarray]:
    return [np.broadcast_to(p, shape).ravel() for p in params]


def uniform(state, low, high, *sizes, shape, dtype):
    shape = _resolve_shape(shape, sizes)
    lo, hi = (p.astype(dtype) for p in _params([low, high], shape))
    words = Words(state, lo.size).word(0)
    u = unit_float(words) if dtype == "float32" else unit_double(words)
    return (lo + (hi - lo) * u).reshape(shape)


def normal(state, mean, std, *sizes, shape, dtype):
    shape = _resolve_shape(shape, sizes)
    m, s = (p.astype(dtype).astype(np.float64) for p in _params([mean, std], shape))
    if np.any(s < 0):
        raise ValueError("normal: std < 0")
    words = Words(state, m.size)
    u1 = unit_double(words.word(0)) + 2.0 ** -53
    u2 = unit_double(words.word(1))
    z = np.sqrt(-2.0 * np.log(u1)) * np.cos(6.283185307179586 * u2)
    return (m + s * z).astype(dtype).reshape(shape)


def integers(state, low, high, *sizes, shape, dtype):
    shape = _resolve_shape(shape, sizes)
    lo, hi = (p.astype(np.int64) for p in _params([low, high], shape))
    if np.any(lo >= hi):
        raise ValueError("randint: low >= high")
    with np.errstate(over="ignore"):
        r = hi.view(np.uint64) - lo.view(np.uint64)
        out = (lo.view(np.uint64) + bounded(Words(state, lo.size), r)).view(np.int64)
    return out.astype(dtype).reshape(shape)


def shuffled_rows(words: Words, rows: int, n: int) -> np.ndarray:
    """`rows` Fisher-Yates shuffles of 0..n-1; position i of row r draws its swap
    partner in [i, n) from element r*n + i."""
    out = np.tile(np.arange(n, dtype=np.int64), (rows, 1))
    if rows * n == 0:
        return out
    offsets = bounded(words, np.tile(np.arange(n, 0, -1, dtype=np.uint64), rows)).reshape(rows, n)
    r = np.arange(rows)
    for i in range(n):
        j = i + offsets[:, i].astype(np.int64)
        out[r, i], out[r, j] = out[r, j], out[r, i].copy()
    return out


def permutation(state, *sizes, shape, dtype):
    shape = _resolve_shape(shape, sizes)
    n, rows = shape[-1], int(np.prod(shape[:-1], dtype=np.int64))
    return shuffled_rows(Words(state, rows * n), rows, n).astype(dtype).reshape(shape)


def _population(a: np.ndarray, k: int) -> int:
    n = int(a) if a.ndim == 0 else a.shape[0]
    if n <= 0 and k > 0:
        raise ValueError("choice: a must be a positive integer or a non-empty array unless "
                         "no samples are taken")
    return n


def _gather(a: np.ndarray, idx: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    if a.ndim == 0:
        return idx.reshape(shape)
    return a[idx].reshape(shape + a.shape[1:])


def choice(state, a, *sizes, shape, replace):
    shape = _resolve_shape(shape, sizes)
    k = int(np.prod(shape, dtype=np.int64))
    n = _population(a, k)
    if replace:
        idx = bounded(Words(state, k), np.full(k, n, np.uint64)).astype(np.int64)
    else:
        if k > n:
            raise ValueError("choice: cannot take a larger sample than the population when "
                             "replace=False")
        idx = shuffled_rows(Words(state, n), 1, n)[0, :k]
    return _gather(a, idx, shape)


def check_probabilities(p: np.ndarray, n: int, k: int, replace: bool) -> np.ndarray:
    """p as float64 after NumPy's checks (length, sign, sum within sqrt(eps))."""
    if p.shape[0] != n:
        raise ValueError("choice: a and p must have the same size")
    atol = max(np.sqrt(np.finfo(np.float64).eps), np.sqrt(np.finfo(p.dtype).eps))
    w = p.astype(np.float64)
    if not np.all(w >= 0):
        raise ValueError("choice: probabilities are not non-negative")
    if abs(np.cumsum(w)[-1:].sum() - 1.0) > atol:
        raise ValueError("choice: probabilities do not sum to 1")
    if not replace and np.count_nonzero(w) < k:
        raise ValueError("choice: fewer non-zero entries in p than size")
    return w


def weighted_choice(state, a, p, *sizes, shape, replace):
    shape = _resolve_shape(shape, sizes)
    k = int(np.prod(shape, dtype=np.int64))
    n = _population(a, k)
    w = check_probabilities(p, n, k, replace).copy()
    u = unit_double(Words(state, k).word(0))
    idx = np.zeros(k, np.int64)
    for t in range(k):
        cdf = np.cumsum(w)  # the running sum of the C scan, same rounding
        hit = (cdf > u[t] * cdf[-1]) & (w > 0)
        idx[t] = np.argmax(hit) if hit.any() else np.nonzero(w > 0)[0][-1]
        if not replace:
            w[idx[t]] = 0.0
    return _gather(a, idx, shape)


def binomial(state, n, p, *sizes, shape, dtype):
    shape = _resolve_shape(shape, sizes)
    ns, ps = (x.ravel() for x in _params([n.astype(np.int64), p.astype(np.float64)], shape))
    if np.any(ns < 0) or not np.all((ps >= 0) & (ps <= 1)):
        raise ValueError("binomial: n < 0, or p < 0, p > 1 or p is NaN")
    words = Words(state, ns.size)
    out = [_binomial_one(_Stream(words, e), int(ns[e]), float(ps[e])) for e in range(ns.size)]
    return np.array(out, np.int64).astype(dtype).reshape(shape)


class _Stream:
    """One element's doubles in [0, 1), in order (the C `mlc_rng`)."""

    def __init__(self, words: Words, e: int) -> None:
        self.words, self.e, self.w = words, np.array([e]), 0

    def next(self) -> float:
        v = float(unit_double(self.words.word(self.w, self.e))[0])
        self.w += 1
        return v


_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
         0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
         0.00925546218271273, 0.00833056343336287)


def _stirling_tail(k: float) -> float:
    """log(k!) - (k + 1/2) log(k + 1) + (k + 1) - log(2 pi) / 2."""
    if k <= 9:
        return _TAIL[int(k)]
    kp1sq = (k + 1.0) * (k + 1.0)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1.0)


def _binomial_one(g: _Stream, n: int, p: float) -> int:
    if p > 0.5:
        return n - _binomial_one(g, n, 1.0 - p)
    if n == 0 or p == 0.0:
        return 0
    if n * p < 10.0:
        return _binomial_inversion(g, n, p)
    return _binomial_btrs(g, n, p)


def _binomial_inversion(g: _Stream, n: int, p: float) -> int:
    logq, total, x = math.log1p(-p), 0.0, 0
    for _ in range(n + 1):
        u = g.next()
        geom = math.inf if u == 0.0 else math.ceil(math.log(u) / logq)
        total += geom
        if total > n:
            break
        x += 1
    return x


MAX_BTRS_ROUNDS = 1000
"""Bound of BTRS's rejection loop (acceptance > 0.7 per round: never reached)."""


def _binomial_btrs(g: _Stream, n: int, p: float) -> int:
    spq = math.sqrt(n * p * (1.0 - p))
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    r = p / (1.0 - p)
    alpha = (2.83 + 5.1 / b) * spq
    m = math.floor((n + 1) * p)
    for _ in range(MAX_BTRS_ROUNDS):
        u = g.next() - 0.5
        v = g.next()
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + c)
        if k < 0 or k > n:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        v = math.log(v * alpha / (a / (us * us) + b)) if v > 0 else -math.inf
        bound = ((m + 0.5) * math.log((m + 1.0) / (r * (n - m + 1.0)))
                 + (n + 1.0) * math.log((n - m + 1.0) / (n - k + 1.0))
                 + (k + 0.5) * math.log(r * (n - k + 1.0) / (k + 1.0))
                 + _stirling_tail(m) + _stirling_tail(n - m) - _stirling_tail(k) - _stirling_tail(n - k))
        if v <= bound:
            return k
    return m


RANDOM_REFERENCE: dict[type, Ref] = {
    mt.RandomUniformOp: uniform, mt.RandomNormalOp: normal, mt.RandomBinomialOp: binomial,
    mt.RandomIntegersOp: integers, mt.RandomPermutationOp: permutation,
    mt.RandomChoiceOp: choice, mt.RandomWeightedChoiceOp: weighted_choice,
}
