// RUN: mlc-opt %s --pipeline lower -t c | filecheck %s

// One static C function per kernel; the entry follows runtime/mlc_abi.h; the innermost
// stride of a contiguous output is the literal 1; user text never reaches the C.
// CHECK:       static void main_k0(double *restrict p0, int64_t p0_n0, int64_t p0_s0, double *restrict p1, int64_t p1_n0) {
// CHECK:         for (int64_t [[I:v[0-9]+]] = {{.*}}; [[I]] < p1_n0; [[I]] += {{.*}}) {
// CHECK-NEXT:      const double [[X:v[0-9]+]] = p0[[[I]] * p0_s0];
// CHECK-NEXT:      const double [[E:v[0-9]+]] = exp([[X]]);
// CHECK-NEXT:      p1[[[I]]] = [[E]];
// CHECK:       int64_t mlc_entry(mlc_ctx *ctx, char **data, const int64_t *shapes, const int64_t *strides) {
// CHECK:         ctx->alloc_output(ctx, 0,
// CHECK:         main_k0(
// CHECK-NOT:     model.py
// CHECK:       mlc_fail:
func.func @main(%x: tensor<?xf64>) -> tensor<?xf64> {
  %r = mt.exp %x : tensor<?xf64> -> tensor<?xf64> loc("model.py":3:1)
  func.return %r : tensor<?xf64>
}
