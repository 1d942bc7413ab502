// RUN: mlc-opt %s --pipeline lower -t c | filecheck %s

// loop.special calls a helper of passes/emit/math.py: the float32 one rounds once from
// double; math ops call libm's float or double function; ties-to-even is nearbyint.
// CHECK:       static double mlc_psi(double x) {
// CHECK-LABEL: static void erfinv_k0(
// CHECK:         = mlc_erfinv_f(
// CHECK-LABEL: static void psi_k0(
// CHECK:         = mlc_psi(
// CHECK-LABEL: static void libm_k0(
// CHECK:         = asinhf(
// CHECK:         = nearbyintf(
// CHECK:         = cbrtf(
func.func @erfinv(%x: tensor<?xf32>) -> tensor<?xf32> {
  %r = mt.erfinv %x : tensor<?xf32> -> tensor<?xf32>
  func.return %r : tensor<?xf32>
}
func.func @psi(%x: tensor<?xf64>) -> tensor<?xf64> {
  %r = mt.psi %x : tensor<?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}
func.func @libm(%x: tensor<?xf32>) -> tensor<?xf32> {
  %a = mt.arcsinh %x : tensor<?xf32> -> tensor<?xf32>
  %b = mt.round_half_to_even %a : tensor<?xf32> -> tensor<?xf32>
  %r = mt.cbrt %b : tensor<?xf32> -> tensor<?xf32>
  func.return %r : tensor<?xf32>
}
