// RUN: mlc-opt %s --split-input-file -p autodiff | filecheck %s

// Reverse mode: d sum(x*x) / dx = 2x, accumulated from both uses of %x.
// CHECK-LABEL: func.func @vjp_square
// CHECK-NOT:     ad.vjp
// CHECK:         %[[S:.*]] = mt.second %y, %{{.*}} : tensor<?xf64>, tensor<1xf64> -> tensor<?xf64>
// CHECK-NEXT:    %[[A:.*]] = mt.mul %[[S]], %x
// CHECK-NEXT:    %[[B:.*]] = mt.mul %[[S]], %x
// CHECK-NEXT:    %[[G:.*]] = mt.add %[[A]], %[[B]]
// CHECK-NEXT:    func.return %[[G]]
func.func @vjp_square(%x: tensor<?xf64>) -> tensor<?xf64> {
  %y = mt.mul %x, %x : tensor<?xf64>, tensor<?xf64> -> tensor<?xf64>
  %c = mt.sum %y {axes = array<i64: 0>} : tensor<?xf64> -> tensor<f64>
  %one = mt.constant {value = dense<1.0> : tensor<f64>} : tensor<f64>
  %g = ad.vjp outs(%c : tensor<f64>) seeds(%one : tensor<f64>) wrt(%x : tensor<?xf64>) : tensor<?xf64>
  func.return %g : tensor<?xf64>
}

// -----

// A wrt the output does not depend on gets zeros shaped like it.
// CHECK-LABEL: func.func @vjp_disconnected_no_match
// CHECK-NOT:     ad.vjp
// CHECK:         %[[Z:.*]] = mt.constant {value = dense<0.000000e+00> : tensor<1xf64>}
// CHECK-NEXT:    %[[G:.*]] = mt.second %w, %[[Z]]
// CHECK-NEXT:    func.return %[[G]]
func.func @vjp_disconnected_no_match(%x: tensor<?xf64>, %w: tensor<?xf64>) -> tensor<?xf64> {
  %c = mt.sum %x {axes = array<i64: 0>} : tensor<?xf64> -> tensor<f64>
  %one = mt.constant {value = dense<1.0> : tensor<f64>} : tensor<f64>
  %g = ad.vjp outs(%c : tensor<f64>) seeds(%one : tensor<f64>) wrt(%w : tensor<?xf64>) : tensor<?xf64>
  func.return %g : tensor<?xf64>
}

// -----

// Forward mode: d exp(x) . v = v * exp(x).
// CHECK-LABEL: func.func @jvp_exp
// CHECK:         %[[Y:.*]] = mt.exp %x
// CHECK-NEXT:    %[[T:.*]] = mt.mul %v, %[[Y]]
// CHECK-NOT:     ad.jvp
func.func @jvp_exp(%x: tensor<?xf64>, %v: tensor<?xf64>) -> tensor<?xf64> {
  %y = mt.exp %x : tensor<?xf64> -> tensor<?xf64>
  %t = ad.jvp outs(%y : tensor<?xf64>) wrt(%x : tensor<?xf64>) tangents(%v : tensor<?xf64>) : tensor<?xf64>
  func.return %t : tensor<?xf64>
}

// -----

// A broadcast operand's gradient is summed over the broadcast axis.
// CHECK-LABEL: func.func @vjp_broadcast
// CHECK:         %[[S:.*]] = mt.sum %{{.*}} {axes = array<i64: 0>} : tensor<?x3xf64> -> tensor<3xf64>
// CHECK-NEXT:    %[[G:.*]] = mt.dimshuffle %[[S]] {pattern = array<i64: -1, 0>} : tensor<3xf64> -> tensor<1x3xf64>
// CHECK-NEXT:    func.return %[[G]]
func.func @vjp_broadcast(%x: tensor<?x3xf64>, %b: tensor<1x3xf64>) -> tensor<1x3xf64> {
  %y = mt.add %x, %b : tensor<?x3xf64>, tensor<1x3xf64> -> tensor<?x3xf64>
  %c = mt.sum %y {axes = array<i64: 0, 1>} : tensor<?x3xf64> -> tensor<f64>
  %one = mt.constant {value = dense<1.0> : tensor<f64>} : tensor<f64>
  %g = ad.vjp outs(%c : tensor<f64>) seeds(%one : tensor<f64>) wrt(%b : tensor<1x3xf64>) : tensor<1x3xf64>
  func.return %g : tensor<1x3xf64>
}
