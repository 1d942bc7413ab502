// RUN: mlc-opt %s --verify-diagnostics --split-input-file | filecheck %s

// CHECK: loop.special: unknown function 'sinc'; expected one of erfc, erfinv, erfcinv, gamma, gammaln, psi
func.func @unknown(%x: f64) -> f64 {
  %y = loop.special %x {fn = "sinc"} : f64
  func.return %y : f64
}

// -----

// CHECK-LABEL: func.func @known
// CHECK:         loop.special %x {fn = "gammaln"} : f32
func.func @known(%x: f32) -> f32 {
  %y = loop.special %x {fn = "gammaln"} : f32
  func.return %y : f32
}
