// RUN: mlc-opt %s --verify-diagnostics --split-input-file | filecheck %s
// Type inference of the indexing ops (dialects/mt/indexing.py) runs in the verifier.

// CHECK: mt.advanced_subtensor: boolean index did not match indexed array along axis 1; size of axis is 4 but size of corresponding boolean axis is 3
func.func @mask_shape(%x: tensor<2x4xf64>, %m: tensor<2x3xi1>) -> tensor<?xf64> {
  %r = mt.advanced_subtensor %x[%m] {axes = array<i64: 0>} : (tensor<2x4xf64>, tensor<2x3xi1>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// -----

// CHECK: mt.advanced_subtensor: shape mismatch: indexing arrays could not be broadcast together with shapes (2,) (3,)
func.func @broadcast(%x: tensor<?x?xf64>, %i: tensor<2xi64>, %j: tensor<3xi64>) -> tensor<?xf64> {
  %r = mt.advanced_subtensor %x[%i, %j] {axes = array<i64: 0, 1>} : (tensor<?x?xf64>, tensor<2xi64>, tensor<3xi64>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// -----

// Separated index arrays put the broadcast dims first.
// CHECK: mt.advanced_subtensor: result type should be tensor<5x?xf64>, got tensor<?x5xf64>
func.func @placement(%x: tensor<?x?x?xf64>, %i: tensor<5xi64>, %j: tensor<5xi8>) -> tensor<?x5xf64> {
  %r = mt.advanced_subtensor %x[%i, %j] {axes = array<i64: 0, 2>} : (tensor<?x?x?xf64>, tensor<5xi64>, tensor<5xi8>) -> tensor<?x5xf64>
  func.return %r : tensor<?x5xf64>
}

// -----

// CHECK: mt.inc_subtensor: the value has dtype float32, x has float64
func.func @value_dtype(%x: tensor<?xf64>, %y: tensor<f32>) -> tensor<?xf64> {
  %r = mt.inc_subtensor %x[], %y {starts = array<i64: 0>, stops = array<i64: 9223372036854775807>, steps = array<i64: 1>, squeeze = array<i64>, dynamic = array<i64>} : (tensor<?xf64>, tensor<f32>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// -----

// CHECK: mt.dynamic_subtensor: a symbolic bound must be a 0-d integer tensor, got tensor<f64>
func.func @float_bound(%x: tensor<?xf64>, %a: tensor<f64>) -> tensor<?xf64> {
  %r = mt.dynamic_subtensor %x[%a] {starts = array<i64: 0>, stops = array<i64: 9223372036854775807>, steps = array<i64: 1>, squeeze = array<i64>, dynamic = array<i64: 0>} : (tensor<?xf64>, tensor<f64>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}
