// RUN: mlc-opt %s --pipeline lower -t c --split-input-file | filecheck %s

// One static C function per kernel; the entry follows runtime/mlc_abi.h; the innermost
// stride of a contiguous output is the literal 1; user text never reaches the C.
// A loop of run-time length is strip-mined: after each chunk it adds its work to
// mlc_work and polls for signals (MLC_POLL), returning from the kernel when interrupted;
// the entry stops after a kernel that set err_code.
// CHECK:       static void main_k0(double *restrict p0, int64_t p0_n0, int64_t p0_s0, double *restrict p1, int64_t p1_n0) {
// CHECK-NEXT:    int64_t mlc_work = 0;
// CHECK:         const int64_t [[W:v[0-9]+_work]] = 1;
// CHECK-NEXT:    const int64_t [[S:v[0-9]+_span]] = mlc_chunk_span({{.*}}, [[W]]);
// CHECK-NEXT:    for (int64_t [[C:v[0-9]+_c]] = {{.*}}; [[C]] < p1_n0; [[C]] += [[S]]) {
// CHECK-NEXT:      const int64_t [[END:v[0-9]+_end]] = p1_n0 - [[C]] > [[S]] ? [[C]] + [[S]] : p1_n0;
// CHECK-NEXT:      for (int64_t [[I:v[0-9]+]] = [[C]]; [[I]] < [[END]]; [[I]] += {{.*}}) {
// CHECK-NEXT:        const double [[X:v[0-9]+]] = p0[[[I]] * p0_s0];
// CHECK-NEXT:        const double [[E:v[0-9]+]] = mlc_exp([[X]]);
// CHECK-NEXT:        p1[[[I]]] = [[E]];
// CHECK-NEXT:      }
// CHECK-NEXT:      if (MLC_POLL(mlc_smul64(([[END]] - [[C]]) / {{.*}}, [[W]]))) return;
// CHECK-NEXT:    }
// CHECK:       int64_t mlc_entry(mlc_ctx *ctx, char **data, const int64_t *shapes, const int64_t *strides) {
// CHECK-NEXT:    int64_t mlc_rc = 0, mlc_work = 0;
// CHECK-NEXT:    mlc_self = ctx;
// CHECK:         ctx->alloc_output(ctx, 0,
// CHECK:         main_k0(
// CHECK-NEXT:    if (ctx->err_code) goto mlc_fail;
// CHECK-NOT:     model.py
// CHECK:       mlc_fail:
func.func @main(%x: tensor<?xf64>) -> tensor<?xf64> {
  %r = mt.exp %x : tensor<?xf64> -> tensor<?xf64> loc("model.py":3:1)
  func.return %r : tensor<?xf64>
}

// -----

// Only the outermost long loop of a nest polls; one of its iterations counts the
// iterations of the loops inside it (here a row of run-time length).
// CHECK:       static void main_k0(
// CHECK:         const int64_t [[W:v[0-9]+_work]] = 1 + mlc_smul64(1, mlc_trips({{.*}}, p0_n1, {{.*}}));
// CHECK:         for (int64_t [[C:v[0-9]+_c]] =
// CHECK-NEXT:      const int64_t
// CHECK-NEXT:      for (int64_t [[ROW:v[0-9]+]] =
// CHECK-NEXT:        double
// CHECK-NEXT:        for (int64_t
// CHECK-NEXT:          const double
// CHECK-NEXT:          const double
// CHECK-NEXT:          v{{[0-9]+}} = v{{[0-9]+}};
// CHECK-NEXT:        }
// CHECK-NEXT:        p1[[[ROW]]] =
// CHECK-NEXT:      }
// CHECK-NEXT:      if (MLC_POLL(mlc_smul64({{.*}}, [[W]]))) return;
func.func @main(%x: tensor<?x?xf64>) -> tensor<?xf64> {
  %r = mt.sum %x {axes = array<i64: 1>} : tensor<?x?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// -----

// _no_match: loops of short constant length never poll.
// CHECK:       static void main_k0(
// CHECK-NOT:     mlc_work
// CHECK-NOT:     MLC_POLL
// CHECK:       int64_t mlc_entry(
func.func @main(%x: tensor<4x3xf64>) -> tensor<4x3xf64> {
  %r = mt.exp %x : tensor<4x3xf64> -> tensor<4x3xf64>
  func.return %r : tensor<4x3xf64>
}
