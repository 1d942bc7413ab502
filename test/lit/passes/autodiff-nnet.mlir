// RUN: mlc-opt %s --split-input-file -p autodiff,dce | filecheck %s

// The composite pullbacks of passes/autodiff_nnet.py: the gradient of log(softmax(x))
// is g - s * sum(g, axis), with no division by the probabilities s.
// CHECK-LABEL: func.func @vjp_log_softmax
// CHECK:         %[[G:[0-9]+]] = mt.mul %{{[0-9]+}}, %w
// CHECK-NEXT:    %[[S:.*]] = mt.sum %[[G]] {axes = array<i64: 1>}
// CHECK-NEXT:    %[[E:.*]] = mt.dimshuffle %[[S]] {pattern = array<i64: 0, -1>}
// CHECK-NEXT:    %[[M:.*]] = mt.mul %s, %[[E]]
// CHECK-NEXT:    %[[R:.*]] = mt.sub %[[G]], %[[M]]
// CHECK-NEXT:    func.return %[[R]]
// CHECK-NOT:     mt.true_div
func.func @vjp_log_softmax(%x: tensor<?x?xf64>, %w: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %s = mt.softmax %x {axis = 1 : i64} : tensor<?x?xf64> -> tensor<?x?xf64>
  %l = mt.log %s : tensor<?x?xf64> -> tensor<?x?xf64>
  %p = mt.mul %l, %w : tensor<?x?xf64>, tensor<?x?xf64> -> tensor<?x?xf64>
  %c = mt.sum %p {axes = array<i64: 0, 1>} : tensor<?x?xf64> -> tensor<f64>
  %one = mt.constant {value = dense<1.0> : tensor<f64>} : tensor<f64>
  %g = ad.vjp outs(%c : tensor<f64>) seeds(%one : tensor<f64>) wrt(%x : tensor<?x?xf64>) : tensor<?x?xf64>
  func.return %g : tensor<?x?xf64>
}

// -----

// log(1 - sigmoid(x)): -g * sigmoid(x), read through the constant 1.
// CHECK-LABEL: func.func @vjp_log_one_minus_sigmoid
// CHECK:         %[[Y:[0-9]+]] = mt.sigmoid %x
// CHECK-NEXT:    %[[M:.*]] = mt.mul %{{.*}}, %[[Y]]
// CHECK-NEXT:    %[[R:.*]] = mt.neg %[[M]]
// CHECK-NEXT:    func.return %[[R]]
func.func @vjp_log_one_minus_sigmoid(%x: tensor<?xf64>) -> tensor<?xf64> {
  %one1 = mt.constant {value = dense<1.0> : tensor<1xf64>} : tensor<1xf64>
  %s = mt.sigmoid %x : tensor<?xf64> -> tensor<?xf64>
  %d = mt.sub %one1, %s : tensor<1xf64>, tensor<?xf64> -> tensor<?xf64>
  %l = mt.log %d : tensor<?xf64> -> tensor<?xf64>
  %c = mt.sum %l {axes = array<i64: 0>} : tensor<?xf64> -> tensor<f64>
  %one = mt.constant {value = dense<1.0> : tensor<f64>} : tensor<f64>
  %g = ad.vjp outs(%c : tensor<f64>) seeds(%one : tensor<f64>) wrt(%x : tensor<?xf64>) : tensor<?xf64>
  func.return %g : tensor<?xf64>
}

// -----

// 2 - sigmoid(x) is no composite: the plain chain rule divides by it.
// CHECK-LABEL: func.func @vjp_log_two_minus_sigmoid_no_match
// CHECK:         mt.true_div
func.func @vjp_log_two_minus_sigmoid_no_match(%x: tensor<?xf64>) -> tensor<?xf64> {
  %two = mt.constant {value = dense<2.0> : tensor<1xf64>} : tensor<1xf64>
  %s = mt.sigmoid %x : tensor<?xf64> -> tensor<?xf64>
  %d = mt.sub %two, %s : tensor<1xf64>, tensor<?xf64> -> tensor<?xf64>
  %l = mt.log %d : tensor<?xf64> -> tensor<?xf64>
  %c = mt.sum %l {axes = array<i64: 0>} : tensor<?xf64> -> tensor<f64>
  %one = mt.constant {value = dense<1.0> : tensor<f64>} : tensor<f64>
  %g = ad.vjp outs(%c : tensor<f64>) seeds(%one : tensor<f64>) wrt(%x : tensor<?xf64>) : tensor<?xf64>
  func.return %g : tensor<?xf64>
}

// -----

// log(exp(x)) has no composite rule: g / exp(x) * exp(x), as the chain rule says.
// CHECK-LABEL: func.func @vjp_log_exp_no_match
// CHECK:         %[[D:.*]] = mt.true_div %{{.*}}, %e
// CHECK-NEXT:    mt.mul %[[D]], %e
func.func @vjp_log_exp_no_match(%x: tensor<?xf64>) -> tensor<?xf64> {
  %e = mt.exp %x : tensor<?xf64> -> tensor<?xf64>
  %l = mt.log %e : tensor<?xf64> -> tensor<?xf64>
  %c = mt.sum %l {axes = array<i64: 0>} : tensor<?xf64> -> tensor<f64>
  %one = mt.constant {value = dense<1.0> : tensor<f64>} : tensor<f64>
  %g = ad.vjp outs(%c : tensor<f64>) seeds(%one : tensor<f64>) wrt(%x : tensor<?xf64>) : tensor<?xf64>
  func.return %g : tensor<?xf64>
}

// -----

// log(sum(exp(x))): g * exp(x - logsumexp(x)), the softmax over the summed axes.
// CHECK-LABEL: func.func @vjp_log_sum_exp
// CHECK:         %[[L:.*]] = mt.logsumexp %x {axes = array<i64: 0>}
// CHECK:         mt.sub %x,
// CHECK-NEXT:    mt.exp
// CHECK-NEXT:    mt.mul
// CHECK-NOT:     mt.true_div
func.func @vjp_log_sum_exp(%x: tensor<?xf64>) -> tensor<?xf64> {
  %e = mt.exp %x : tensor<?xf64> -> tensor<?xf64>
  %s = mt.sum %e {axes = array<i64: 0>} : tensor<?xf64> -> tensor<f64>
  %c = mt.log %s : tensor<f64> -> tensor<f64>
  %one = mt.constant {value = dense<1.0> : tensor<f64>} : tensor<f64>
  %g = ad.vjp outs(%c : tensor<f64>) seeds(%one : tensor<f64>) wrt(%x : tensor<?xf64>) : tensor<?xf64>
  func.return %g : tensor<?xf64>
}
