// RUN: mlc-opt %s -t c | filecheck %s

// One sort helper per element type, written once, before the entry point; sort and
// argsort call it with (outer, n, inner) of the contiguous buffers.
// CHECK:       #define MLC_ISNAN_f64(v) ((v) != (v))
// CHECK:       static int mlc_sort_f64(const double *src, double *dst, int64_t *arg, int64_t outer, int64_t n, int64_t inner) {
// CHECK-NOT:   static int mlc_sort_f64(
// CHECK:       #define MLC_ISNAN_i32(v) 0
// CHECK:       static int mlc_sort_i32(
// CHECK-LABEL: int64_t mlc_entry
// CHECK:         if (mlc_sort_f64([[X:.*]], [[O:.*]], NULL, (int64_t)1 * [[N0:.*]], [[N1:.*]], (int64_t)1)) { ctx->err_code = 1; goto mlc_fail; }
// CHECK:         if (mlc_sort_f64([[X]], NULL, {{.*}}, (int64_t)1, [[N0]], (int64_t)1 * [[N1]])) { ctx->err_code = 1; goto mlc_fail; }
// CHECK:         if (mlc_sort_i32(
func.func @main(%x: memref<?x?xf64>, %i: memref<?xi32>) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n0 = memref.dim %x, %c0 : memref<?x?xf64>
  %n1 = memref.dim %x, %c1 : memref<?x?xf64>
  %o = loop.alloc_output(%n0, %n1) {index = 0 : i64} : memref<?x?xf64>
  loop.sort %x, %o {axis = 1 : i64, arg = false} : memref<?x?xf64>, memref<?x?xf64>
  %p = memref.alloc(%n0, %n1) : memref<?x?xi64>
  loop.sort %x, %p {axis = 0 : i64, arg = true} : memref<?x?xf64>, memref<?x?xi64>
  %m = memref.dim %i, %c0 : memref<?xi32>
  %q = memref.alloc(%m) : memref<?xi32>
  loop.sort %i, %q {axis = 0 : i64, arg = false} : memref<?xi32>, memref<?xi32>
  func.return %o : memref<?x?xf64>
}
