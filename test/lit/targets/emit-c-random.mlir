// RUN: mlc-opt %s -p convert-loop-to-scf -t c | filecheck %s

// The loop.rand_* draws call the Philox samplers of the C prelude, by element type.
// CHECK:       static void mlc_philox4x32(
// CHECK:       static double mlc_rand_uniform_f64(
// CHECK-LABEL: static void draws_k0(
// CHECK:         = mlc_rand_uniform_f64(p{{[0-9]+}}, p{{[0-9]+}}, p{{[0-9]+}}, {{.*}});
// CHECK:         = mlc_rand_normal_f64(
// CHECK-LABEL: static void draws_k1(
// CHECK:         const float {{.*}} = mlc_rand_uniform_f32(
// CHECK:         const float {{.*}} = mlc_rand_normal_f32(
// CHECK-LABEL: static void draws_k2(
// CHECK:         const int64_t {{.*}} = mlc_rand_integers(
// CHECK:         const int64_t {{.*}} = mlc_rand_binomial(
// CHECK-LABEL: int64_t mlc_entry
func.func @draws(%st: memref<3xi64>, %o64: memref<?xf64>, %o32: memref<?xf32>, %oi: memref<?xi64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %k = memref.load %st[%c0] : memref<3xi64>
  %c = memref.load %st[%c1] : memref<3xi64>
  %s = memref.load %st[%c2] : memref<3xi64>
  %lo = arith.constant 0.0 : f64
  %hi = arith.constant 1.0 : f64
  %lo32 = arith.constant 0.0 : f32
  %n = arith.constant 10 : i64
  loop.elemwise ins() outs(%o64 : memref<?xf64>) {
    %u = loop.rand_uniform %k, %c, %s, %lo, %hi : f64, f64 -> f64
    %z = loop.rand_normal %k, %c, %s, %lo, %u : f64, f64 -> f64
    loop.yield %z : f64
  }
  loop.elemwise ins() outs(%o32 : memref<?xf32>) {
    %u = loop.rand_uniform %k, %c, %s, %lo32, %lo32 : f32, f32 -> f32
    %z = loop.rand_normal %k, %c, %s, %u, %lo32 : f32, f32 -> f32
    loop.yield %z : f32
  }
  loop.elemwise ins() outs(%oi : memref<?xi64>) {
    %i = loop.rand_integers %k, %c, %s, %n, %n : i64, i64 -> i64
    %b = loop.rand_binomial %k, %c, %s, %i, %hi : i64, f64 -> i64
    loop.yield %b : i64
  }
  func.return
}
