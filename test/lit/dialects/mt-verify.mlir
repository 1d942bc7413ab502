// RUN: mlc-opt %s --verify-diagnostics --split-input-file | filecheck %s

// Type inference runs in the verifier: a wrong result type is reported with the right one.
// CHECK: mt.add: result type should be tensor<?xf64>, got tensor<?xf32>
func.func @bad_result(%x: tensor<?xf64>, %y: tensor<?xf64>) -> tensor<?xf32> {
  %r = mt.add %x, %y : tensor<?xf64>, tensor<?xf64> -> tensor<?xf32>
  func.return %r : tensor<?xf32>
}

// -----

// CHECK: mt.add: dimension 0 has sizes [2, 3], which do not broadcast
func.func @bad_broadcast(%x: tensor<2xf64>, %y: tensor<3xf64>) -> tensor<2xf64> {
  %r = mt.add %x, %y : tensor<2xf64>, tensor<3xf64> -> tensor<2xf64>
  func.return %r : tensor<2xf64>
}

// -----

// CHECK: mt.dot: operands must be vectors or matrices
func.func @bad_dot(%x: tensor<?x?x?xf64>, %y: tensor<?x?x?xf64>) -> tensor<?xf64> {
  %r = mt.dot %x, %y : tensor<?x?x?xf64>, tensor<?x?x?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}
