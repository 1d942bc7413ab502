"""C of `loop.sort` (sort and argsort along one axis): a call of a per-dtype C helper.

The sort helper is stable (merge sort over 16-element insertion-sorted runs), puts NaNs
last in their order (as NumPy), reads each line through `inner`-strided positions that
stay inside the (outer, n, inner) buffer, and allocates its own scratch: a failed
allocation returns 1, which the caller turns into MemoryError. It is written into the
translation unit only when a function sorts that dtype.
"""

from __future__ import annotations

from xdsl.ir import Operation

from mlc.dialects import loop
from mlc.passes.emit.writer import CWriter, Handler

SORT_HELPER = r"""
static @T *mlc_msort_@N(@T *k, @T *k2, int64_t *p, int64_t *p2, int64_t m, int64_t **pout) {
  /* Stable merge sort of k[0, m) (and positions p when p != NULL), no NaNs: 16-element
     insertion-sorted runs, then merge passes between the two halves of each buffer.
     Returns the buffer holding the sorted keys; *pout the one holding the positions. */
  for (int64_t lo = 0; lo < m; lo += 16) {
    const int64_t hi = lo + 16 < m ? lo + 16 : m;
    for (int64_t i = lo + 1; i < hi; ++i) {
      const @T kv = k[i]; const int64_t pv = p ? p[i] : 0; int64_t j = i;
      while (j > lo && kv < k[j - 1]) { k[j] = k[j - 1]; if (p) p[j] = p[j - 1]; --j; }
      k[j] = kv; if (p) p[j] = pv;
    }
  }
  for (int64_t w = 16; w < m; w *= 2) {
    for (int64_t lo = 0; lo < m; lo += 2 * w) {
      const int64_t mid = lo + w < m ? lo + w : m, hi = lo + 2 * w < m ? lo + 2 * w : m;
      int64_t i = lo, j = mid, t = lo;
      if (p) {
        while (i < mid && j < hi) {
          if (k[j] < k[i]) { k2[t] = k[j]; p2[t++] = p[j++]; } else { k2[t] = k[i]; p2[t++] = p[i++]; }
        }
        while (i < mid) { k2[t] = k[i]; p2[t++] = p[i++]; }
        while (j < hi) { k2[t] = k[j]; p2[t++] = p[j++]; }
      } else {
        while (i < mid && j < hi) k2[t++] = k[j] < k[i] ? k[j++] : k[i++];
        while (i < mid) k2[t++] = k[i++];
        while (j < hi) k2[t++] = k[j++];
      }
    }
    @T *ks = k; k = k2; k2 = ks;
    int64_t *ps = p; p = p2; p2 = ps;
  }
  *pout = p;
  return k;
}

static int mlc_sort_@N(const @T *src, @T *dst, int64_t *arg, int64_t outer, int64_t n, int64_t inner) {
  /* Sort each line src[o, :, c] of an (outer, n, inner) buffer into dst (values) or arg
     (stable positions). NaNs are moved to the end first, in order, so the sort itself
     compares with < only. */
  if (n == 0 || outer == 0 || inner == 0) return 0;
  @T *keys = (@T *)malloc(mlc_bytes(sizeof(@T), mlc_smul(2, (size_t)n)));
  int64_t *pos = arg ? (int64_t *)malloc(mlc_bytes(sizeof(int64_t), mlc_smul(2, (size_t)n))) : NULL;
  if (!keys || (arg && !pos)) { free(keys); free(pos); return 1; }
  for (int64_t o = 0; o < outer; ++o) for (int64_t c = 0; c < inner; ++c) {
    const int64_t base = o * n * inner + c;
    int64_t m = 0;
    for (int64_t i = 0; i < n; ++i) {
      const @T v = src[base + i * inner];
      if (!MLC_ISNAN_@N(v)) { keys[m] = v; if (arg) pos[m] = i; ++m; }
    }
    for (int64_t i = 0, t = m; i < n; ++i) {
      const @T v = src[base + i * inner];
      if (MLC_ISNAN_@N(v)) { keys[t] = v; if (arg) pos[t] = i; ++t; }
    }
    int64_t *ps = NULL;
    const @T *ks = mlc_msort_@N(keys, keys + n, pos, arg ? pos + n : NULL, m, &ps);
    for (int64_t i = 0; i < n; ++i) {
      if (arg) arg[base + i * inner] = i < m ? ps[i] : pos[i];
      else dst[base + i * inner] = i < m ? ks[i] : keys[i];
    }
  }
  free(keys); free(pos);
  return 0;
}
"""

_SUFFIX = {"double": "f64", "float": "f32", "int8_t": "i8", "int16_t": "i16", "int32_t": "i32",
           "int64_t": "i64", "uint8_t": "u8"}


def sort_helper(c_type: str) -> tuple[str, str]:
    """(function name, C definition) of the sort helper for one element C type."""
    n = _SUFFIX[c_type]
    isnan = "((v) != (v))" if c_type in ("double", "float") else "0"
    return f"mlc_sort_{n}", (f"#define MLC_ISNAN_{n}(v) {isnan}"
                             + SORT_HELPER.replace("@T", c_type).replace("@N", n))


def emit_sort(em: CWriter, op: loop.SortOp) -> None:
    src, out = em.descs[op.source], em.descs[op.out]
    axis = op.axis.value.data
    name, code = sort_helper(em.ctype(op.source.type.element_type))  # type: ignore[attr-defined]
    em.require(name, code)
    outer = " * ".join(["(int64_t)1"] + src.sizes[:axis])
    inner = " * ".join(["(int64_t)1"] + src.sizes[axis + 1:])
    arg = op.arg.value.data != 0
    dst, positions = ("NULL", out.ptr) if arg else (out.ptr, "NULL")
    call = f"{name}({src.ptr}, {dst}, {positions}, {outer}, {src.sizes[axis]}, {inner})"
    em.line(f"if ({call}) {em.fail(1, [])}")


HANDLERS: dict[type[Operation], Handler] = {loop.SortOp: emit_sort}
