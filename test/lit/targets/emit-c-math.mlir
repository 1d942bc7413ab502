// RUN: mlc-opt %s --pipeline lower -t c | filecheck %s

// exp, expm1, log, log1p and tanh call mlc's own straight-line routines
// (passes/emit/math.py), which gcc vectorizes, so the vector body and the scalar tail of a
// loop compute every element alike; float32 calls the _f form (double inside, one
// rounding). sin stays a libm call. sgn maps -0.0 to +0.0: NaN is the only value
// that passes through.
// CHECK:       static inline double mlc_expm1_poly(double r) {
// CHECK:       static inline double mlc_exp(double x) {
// CHECK:       static inline double mlc_log(double x) {
// CHECK:       static inline float mlc_tanh_f(float x) {
// CHECK-LABEL: static void routines_k0(
// CHECK:         = mlc_exp(
// CHECK:         = mlc_log(
// CHECK:         = mlc_log1p(
// CHECK:         = mlc_expm1(
// CHECK:         = mlc_tanh(
// CHECK:         = sin(
// CHECK-LABEL: static void narrow_k0(
// CHECK:         = mlc_tanh_f(
// CHECK-LABEL: static void sgn_k0(
// CHECK:         const double [[ZERO:v[0-9]+]] = 0.0;
// CHECK:         const double [[X:v[0-9]+]] = p0[
// CHECK:         const uint8_t [[UNO:v[0-9]+]] = ([[X]] != [[X]] || [[X]] != [[X]]);
// CHECK-NEXT:    const double {{v[0-9]+}} = [[UNO]] ? [[X]] : [[ZERO]];
func.func @routines(%x: tensor<?xf64>) -> tensor<?xf64> {
  %a = mt.exp %x : tensor<?xf64> -> tensor<?xf64>
  %b = mt.log %a : tensor<?xf64> -> tensor<?xf64>
  %c = mt.log1p %b : tensor<?xf64> -> tensor<?xf64>
  %d = mt.expm1 %c : tensor<?xf64> -> tensor<?xf64>
  %e = mt.tanh %d : tensor<?xf64> -> tensor<?xf64>
  %r = mt.sin %e : tensor<?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}
func.func @narrow(%x: tensor<?xf32>) -> tensor<?xf32> {
  %r = mt.tanh %x : tensor<?xf32> -> tensor<?xf32>
  func.return %r : tensor<?xf32>
}
func.func @sgn(%x: tensor<?xf64>) -> tensor<?xf64> {
  %r = mt.sign %x : tensor<?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}
