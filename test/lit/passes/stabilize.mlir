// RUN: mlc-opt %s -p stabilize --split-input-file | filecheck %s

// CHECK-LABEL: func.func @log_one_plus_exp
// CHECK-NEXT:    %[[R:.*]] = mt.softplus %x : tensor<?xf64> -> tensor<?xf64>
// CHECK-NEXT:    func.return %[[R]]
func.func @log_one_plus_exp(%x: tensor<?xf64>) -> tensor<?xf64> {
  %one = mt.constant {value = dense<1.0> : tensor<1xf64>} : tensor<1xf64>
  %e = mt.exp %x : tensor<?xf64> -> tensor<?xf64>
  %a = mt.add %one, %e : tensor<1xf64>, tensor<?xf64> -> tensor<?xf64>
  %r = mt.log %a : tensor<?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// -----

// The 1 may come second; integer inputs compute in float like exp does.
// CHECK-LABEL: func.func @log_exp_plus_one
// CHECK-NEXT:    %[[R:.*]] = mt.softplus %x : tensor<?x?xi32> -> tensor<?x?xf64>
// CHECK-NEXT:    func.return %[[R]]
func.func @log_exp_plus_one(%x: tensor<?x?xi32>) -> tensor<?x?xf64> {
  %one = mt.constant {value = dense<1.0> : tensor<1x1xf64>} : tensor<1x1xf64>
  %e = mt.exp %x : tensor<?x?xi32> -> tensor<?x?xf64>
  %a = mt.add %e, %one : tensor<?x?xf64>, tensor<1x1xf64> -> tensor<?x?xf64>
  %r = mt.log %a : tensor<?x?xf64> -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// -----

// 2 + exp(x) is not softplus.
// CHECK-LABEL: func.func @log_one_plus_exp_no_match
// CHECK:         mt.exp
// CHECK-NEXT:    mt.add
// CHECK-NEXT:    mt.log
// CHECK-NOT:     mt.softplus
func.func @log_one_plus_exp_no_match(%x: tensor<?xf64>) -> tensor<?xf64> {
  %two = mt.constant {value = dense<2.0> : tensor<1xf64>} : tensor<1xf64>
  %e = mt.exp %x : tensor<?xf64> -> tensor<?xf64>
  %a = mt.add %two, %e : tensor<1xf64>, tensor<?xf64> -> tensor<?xf64>
  %r = mt.log %a : tensor<?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// -----

// The 1 broadcasts exp(x) to a larger shape: softplus(x) would have another type.
// CHECK-LABEL: func.func @log_one_plus_exp_broadcast_no_match
// CHECK:         mt.add
// CHECK-NEXT:    mt.log
// CHECK-NOT:     mt.softplus
func.func @log_one_plus_exp_broadcast_no_match(%x: tensor<1xf64>) -> tensor<3xf64> {
  %one = mt.constant {value = dense<1.0> : tensor<3xf64>} : tensor<3xf64>
  %e = mt.exp %x : tensor<1xf64> -> tensor<1xf64>
  %a = mt.add %one, %e : tensor<3xf64>, tensor<1xf64> -> tensor<3xf64>
  %r = mt.log %a : tensor<3xf64> -> tensor<3xf64>
  func.return %r : tensor<3xf64>
}

// -----

// CHECK-LABEL: func.func @log1p_exp
// CHECK-NEXT:    %[[R:.*]] = mt.softplus %x : tensor<?xf32> -> tensor<?xf32>
// CHECK-NEXT:    func.return %[[R]]
func.func @log1p_exp(%x: tensor<?xf32>) -> tensor<?xf32> {
  %e = mt.exp %x : tensor<?xf32> -> tensor<?xf32>
  %r = mt.log1p %e : tensor<?xf32> -> tensor<?xf32>
  func.return %r : tensor<?xf32>
}

// -----

// CHECK-LABEL: func.func @log1p_exp_no_match
// CHECK-NEXT:    mt.expm1
// CHECK-NEXT:    mt.log1p
func.func @log1p_exp_no_match(%x: tensor<?xf32>) -> tensor<?xf32> {
  %e = mt.expm1 %x : tensor<?xf32> -> tensor<?xf32>
  %r = mt.log1p %e : tensor<?xf32> -> tensor<?xf32>
  func.return %r : tensor<?xf32>
}

// -----

// CHECK-LABEL: func.func @log_sigmoid
// CHECK-NEXT:    %[[N:.*]] = mt.neg %x : tensor<?xf64> -> tensor<?xf64>
// CHECK-NEXT:    %[[P:.*]] = mt.softplus %[[N]]
// CHECK-NEXT:    %[[R:.*]] = mt.neg %[[P]]
// CHECK-NEXT:    func.return %[[R]]
func.func @log_sigmoid(%x: tensor<?xf64>) -> tensor<?xf64> {
  %s = mt.sigmoid %x : tensor<?xf64> -> tensor<?xf64>
  %r = mt.log %s : tensor<?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// -----

// Negating an integer input could overflow (-(-128) in int8): left alone.
// CHECK-LABEL: func.func @log_sigmoid_no_match
// CHECK-NEXT:    mt.sigmoid
// CHECK-NEXT:    mt.log
func.func @log_sigmoid_no_match(%x: tensor<?xi8>) -> tensor<?xf32> {
  %s = mt.sigmoid %x : tensor<?xi8> -> tensor<?xf32>
  %r = mt.log %s : tensor<?xf32> -> tensor<?xf32>
  func.return %r : tensor<?xf32>
}

// -----

// CHECK-LABEL: func.func @log_one_minus_sigmoid
// CHECK-NEXT:    %[[P:.*]] = mt.softplus %x : tensor<?xf64> -> tensor<?xf64>
// CHECK-NEXT:    %[[R:.*]] = mt.neg %[[P]]
// CHECK-NEXT:    func.return %[[R]]
func.func @log_one_minus_sigmoid(%x: tensor<?xf64>) -> tensor<?xf64> {
  %one = mt.constant {value = dense<1.0> : tensor<1xf64>} : tensor<1xf64>
  %s = mt.sigmoid %x : tensor<?xf64> -> tensor<?xf64>
  %d = mt.sub %one, %s : tensor<1xf64>, tensor<?xf64> -> tensor<?xf64>
  %r = mt.log %d : tensor<?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// -----

// sigmoid(x) - 1 is not 1 - sigmoid(x).
// CHECK-LABEL: func.func @log_one_minus_sigmoid_no_match
// CHECK:         mt.sigmoid
// CHECK-NEXT:    mt.sub
// CHECK-NEXT:    mt.log
func.func @log_one_minus_sigmoid_no_match(%x: tensor<?xf64>) -> tensor<?xf64> {
  %one = mt.constant {value = dense<1.0> : tensor<1xf64>} : tensor<1xf64>
  %s = mt.sigmoid %x : tensor<?xf64> -> tensor<?xf64>
  %d = mt.sub %s, %one : tensor<?xf64>, tensor<1xf64> -> tensor<?xf64>
  %r = mt.log %d : tensor<?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// -----

// CHECK-LABEL: func.func @log_softmax
// CHECK-NEXT:    %[[R:.*]] = mt.log_softmax %x {axis = 0 : i64} : tensor<?x?xf32> -> tensor<?x?xf32>
// CHECK-NEXT:    func.return %[[R]]
func.func @log_softmax(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %s = mt.softmax %x {axis = 0 : i64} : tensor<?x?xf32> -> tensor<?x?xf32>
  %r = mt.log %s : tensor<?x?xf32> -> tensor<?x?xf32>
  func.return %r : tensor<?x?xf32>
}

// -----

// CHECK-LABEL: func.func @log_softmax_no_match
// CHECK-NEXT:    mt.softmax
// CHECK-NEXT:    mt.log1p
func.func @log_softmax_no_match(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %s = mt.softmax %x {axis = 1 : i64} : tensor<?x?xf32> -> tensor<?x?xf32>
  %r = mt.log1p %s : tensor<?x?xf32> -> tensor<?x?xf32>
  func.return %r : tensor<?x?xf32>
}

// -----

// CHECK-LABEL: func.func @logsumexp
// CHECK-NEXT:    %[[R:.*]] = mt.logsumexp %x {axes = array<i64: 0, 2>} : tensor<?x?x?xf64> -> tensor<?xf64>
// CHECK-NEXT:    func.return %[[R]]
func.func @logsumexp(%x: tensor<?x?x?xf64>) -> tensor<?xf64> {
  %e = mt.exp %x : tensor<?x?x?xf64> -> tensor<?x?x?xf64>
  %s = mt.sum %e {axes = array<i64: 0, 2>} : tensor<?x?x?xf64> -> tensor<?xf64>
  %r = mt.log %s : tensor<?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// -----

// A maximum of exponentials is not a sum.
// CHECK-LABEL: func.func @logsumexp_no_match
// CHECK-NEXT:    mt.exp
// CHECK-NEXT:    mt.max
// CHECK-NEXT:    mt.log
func.func @logsumexp_no_match(%x: tensor<?x?xf64>) -> tensor<?xf64> {
  %e = mt.exp %x : tensor<?x?xf64> -> tensor<?x?xf64>
  %s = mt.max %e {axes = array<i64: 1>} : tensor<?x?xf64> -> tensor<?xf64>
  %r = mt.log %s : tensor<?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// -----

// CHECK-LABEL: func.func @reciprocal_one_plus_exp
// CHECK:         %[[N:.*]] = mt.neg %t
// CHECK-NEXT:    %[[S:.*]] = mt.sigmoid %[[N]]
// CHECK-NEXT:    func.return %[[S]]
func.func @reciprocal_one_plus_exp(%t: tensor<?xf64>) -> tensor<?xf64> {
  %one = mt.constant {value = dense<1.0> : tensor<1xf64>} : tensor<1xf64>
  %e = mt.exp %t : tensor<?xf64> -> tensor<?xf64>
  %a = mt.add %one, %e : tensor<1xf64>, tensor<?xf64> -> tensor<?xf64>
  %r = mt.true_div %one, %a : tensor<1xf64>, tensor<?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// -----

// The numerator is not 1: no logistic to rewrite.
// CHECK-LABEL: func.func @reciprocal_one_plus_exp_no_match
// CHECK:         mt.true_div
// CHECK-NOT:     mt.sigmoid
func.func @reciprocal_one_plus_exp_no_match(%t: tensor<?xf64>) -> tensor<?xf64> {
  %one = mt.constant {value = dense<1.0> : tensor<1xf64>} : tensor<1xf64>
  %two = mt.constant {value = dense<2.0> : tensor<1xf64>} : tensor<1xf64>
  %e = mt.exp %t : tensor<?xf64> -> tensor<?xf64>
  %a = mt.add %one, %e : tensor<1xf64>, tensor<?xf64> -> tensor<?xf64>
  %r = mt.true_div %two, %a : tensor<1xf64>, tensor<?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}
