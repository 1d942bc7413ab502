// RUN: mlc-opt %s -p canonicalize | filecheck %s

// CHECK-LABEL: func.func @double_neg
// CHECK-NEXT:    func.return %x : tensor<?xf64>
func.func @double_neg(%x: tensor<?xf64>) -> tensor<?xf64> {
  %n = mt.neg %x : tensor<?xf64> -> tensor<?xf64>
  %nn = mt.neg %n : tensor<?xf64> -> tensor<?xf64>
  func.return %nn : tensor<?xf64>
}

// CHECK-LABEL: func.func @double_neg_no_match
// CHECK-NEXT:    %[[N:.*]] = mt.neg %x
// CHECK-NEXT:    func.return %[[N]]
func.func @double_neg_no_match(%x: tensor<?xf64>) -> tensor<?xf64> {
  %n = mt.neg %x : tensor<?xf64> -> tensor<?xf64>
  func.return %n : tensor<?xf64>
}

// CHECK-LABEL: func.func @mul_div
// CHECK-NEXT:    func.return %y : tensor<?xf64>
func.func @mul_div(%x: tensor<?xf64>, %y: tensor<?xf64>) -> tensor<?xf64> {
  %m = mt.mul %x, %y : tensor<?xf64>, tensor<?xf64> -> tensor<?xf64>
  %d = mt.true_div %m, %x : tensor<?xf64>, tensor<?xf64> -> tensor<?xf64>
  func.return %d : tensor<?xf64>
}

// The divisor is not a factor of the product: nothing cancels.
// CHECK-LABEL: func.func @mul_div_no_match
// CHECK:         mt.mul
// CHECK-NEXT:    mt.true_div
func.func @mul_div_no_match(%x: tensor<?xf64>, %y: tensor<?xf64>, %z: tensor<?xf64>) -> tensor<?xf64> {
  %m = mt.mul %x, %y : tensor<?xf64>, tensor<?xf64> -> tensor<?xf64>
  %d = mt.true_div %m, %z : tensor<?xf64>, tensor<?xf64> -> tensor<?xf64>
  func.return %d : tensor<?xf64>
}

// CHECK-LABEL: func.func @fold_constants
// CHECK-NEXT:    %[[C:.*]] = mt.constant {value = dense<[3.000000e+00, 5.000000e+00]> : tensor<2xf64>} : tensor<2xf64>
// CHECK-NEXT:    func.return %[[C]]
func.func @fold_constants() -> tensor<2xf64> {
  %a = mt.constant {value = dense<[1.0, 2.0]> : tensor<2xf64>} : tensor<2xf64>
  %b = mt.constant {value = dense<[2.0, 3.0]> : tensor<2xf64>} : tensor<2xf64>
  %s = mt.add %a, %b : tensor<2xf64>, tensor<2xf64> -> tensor<2xf64>
  func.return %s : tensor<2xf64>
}

// A dynamic operand cannot be folded.
// CHECK-LABEL: func.func @fold_constants_no_match
// CHECK:         mt.add
func.func @fold_constants_no_match(%x: tensor<?xf64>) -> tensor<?xf64> {
  %a = mt.constant {value = dense<1.0> : tensor<1xf64>} : tensor<1xf64>
  %s = mt.add %x, %a : tensor<?xf64>, tensor<1xf64> -> tensor<?xf64>
  func.return %s : tensor<?xf64>
}

// CHECK-LABEL: func.func @dead_op
// CHECK-NOT:     mt.exp
// CHECK:         func.return %x
func.func @dead_op(%x: tensor<?xf64>) -> tensor<?xf64> {
  %e = mt.exp %x : tensor<?xf64> -> tensor<?xf64>
  func.return %x : tensor<?xf64>
}

// CHECK-LABEL: func.func @square_pow
// CHECK-NEXT:    %[[M:.*]] = mt.mul %x, %x : tensor<?xf64>, tensor<?xf64> -> tensor<?xf64>
// CHECK-NEXT:    func.return %[[M]]
func.func @square_pow(%x: tensor<?xf64>) -> tensor<?xf64> {
  %two = mt.constant {value = dense<2.0> : tensor<1xf64>} : tensor<1xf64>
  %p = mt.pow %x, %two : tensor<?xf64>, tensor<1xf64> -> tensor<?xf64>
  func.return %p : tensor<?xf64>
}

// CHECK-LABEL: func.func @cube_pow_no_match
// CHECK:         mt.pow
func.func @cube_pow_no_match(%x: tensor<?xf64>) -> tensor<?xf64> {
  %three = mt.constant {value = dense<3.0> : tensor<1xf64>} : tensor<1xf64>
  %p = mt.pow %x, %three : tensor<?xf64>, tensor<1xf64> -> tensor<?xf64>
  func.return %p : tensor<?xf64>
}

// CHECK-LABEL: func.func @mul_one_and_second
// CHECK-NEXT:    func.return %x
func.func @mul_one_and_second(%x: tensor<?xf64>, %y: tensor<?xf64>) -> tensor<?xf64> {
  %one = mt.constant {value = dense<1.0> : tensor<1xf64>} : tensor<1xf64>
  %m = mt.mul %x, %one : tensor<?xf64>, tensor<1xf64> -> tensor<?xf64>
  %s = mt.second %y, %m : tensor<?xf64>, tensor<?xf64> -> tensor<?xf64>
  func.return %s : tensor<?xf64>
}

// Multiplying by ones broadcasts x: the product must stay.
// CHECK-LABEL: func.func @mul_one_no_match
// CHECK:         mt.mul
func.func @mul_one_no_match(%x: tensor<1xf64>) -> tensor<3xf64> {
  %one = mt.constant {value = dense<1.0> : tensor<3xf64>} : tensor<3xf64>
  %m = mt.mul %x, %one : tensor<1xf64>, tensor<3xf64> -> tensor<3xf64>
  func.return %m : tensor<3xf64>
}

// CHECK-LABEL: func.func @pow_one
// CHECK-NEXT:    func.return %x
func.func @pow_one(%x: tensor<?xf64>) -> tensor<?xf64> {
  %one = mt.constant {value = dense<1.0> : tensor<1xf64>} : tensor<1xf64>
  %p = mt.pow %x, %one : tensor<?xf64>, tensor<1xf64> -> tensor<?xf64>
  func.return %p : tensor<?xf64>
}
