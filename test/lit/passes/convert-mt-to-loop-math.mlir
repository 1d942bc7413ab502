// RUN: mlc-opt %s -p convert-mt-to-loop --split-input-file | filecheck %s

// A special function that xDSL's math dialect lacks becomes one loop.special.
// CHECK-LABEL: func.func @erfinv
// CHECK:         loop.elemwise
// CHECK-NEXT:    ^bb0(%[[X:.*]]: f32):
// CHECK-NEXT:      %[[Y:.*]] = loop.special %[[X]] {fn = "erfinv"} : f32
// CHECK-NEXT:      loop.yield %[[Y]] : f32
func.func @erfinv(%x: tensor<?xf32>) -> tensor<?xf32> {
  %r = mt.erfinv %x : tensor<?xf32> -> tensor<?xf32>
  func.return %r : tensor<?xf32>
}

// -----

// Integer inputs are converted first; psi computes in float64 for int32.
// CHECK-LABEL: func.func @psi_int
// CHECK:         arith.sitofp %{{.*}} : i32 to f64
// CHECK-NEXT:    loop.special %{{.*}} {fn = "psi"} : f64
func.func @psi_int(%x: tensor<?xi32>) -> tensor<?xf64> {
  %r = mt.psi %x : tensor<?xi32> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// -----

// Functions that the math dialect has stay math ops.
// CHECK-LABEL: func.func @special_no_match
// CHECK-NOT:     loop.special
// CHECK:         math.erf
// CHECK:         math.atan2
// CHECK:         math.roundeven
// CHECK:         math.cbrt
func.func @special_no_match(%x: tensor<?xf64>) -> tensor<?xf64> {
  %a = mt.erf %x : tensor<?xf64> -> tensor<?xf64>
  %b = mt.arctan2 %a, %x : tensor<?xf64>, tensor<?xf64> -> tensor<?xf64>
  %c = mt.round_half_to_even %b : tensor<?xf64> -> tensor<?xf64>
  %d = mt.cbrt %c : tensor<?xf64> -> tensor<?xf64>
  func.return %d : tensor<?xf64>
}

// -----

// Rounding an integer is the identity: the body yields its argument.
// CHECK-LABEL: func.func @floor_int
// CHECK:         ^bb0(%[[X:.*]]: i32):
// CHECK-NEXT:      loop.yield %[[X]] : i32
func.func @floor_int(%x: tensor<?xi32>) -> tensor<?xi32> {
  %r = mt.floor %x : tensor<?xi32> -> tensor<?xi32>
  func.return %r : tensor<?xi32>
}

// -----

// CHECK-LABEL: func.func @floor_int_no_match
// CHECK:         math.floor %{{.*}} : f32
func.func @floor_int_no_match(%x: tensor<?xf32>) -> tensor<?xf32> {
  %r = mt.floor %x : tensor<?xf32> -> tensor<?xf32>
  func.return %r : tensor<?xf32>
}

// -----

// isnan/isinf compute in the input's dtype: NaN is the unordered self-compare, and an
// integer is never NaN nor infinite.
// CHECK-LABEL: func.func @isnan
// CHECK:         %[[N:.*]] = arith.cmpf uno, %[[X:.*]], %[[X]] : f64
// CHECK-NEXT:    loop.yield %[[N]] : i1
// CHECK-LABEL: func.func @isinf_int
// CHECK:         ^bb0(%{{.*}}: i8):
// CHECK-NEXT:      %[[F:.*]] = arith.constant false
// CHECK-NEXT:      loop.yield %[[F]] : i1
func.func @isnan(%x: tensor<?xf64>) -> tensor<?xi1> {
  %r = mt.isnan %x : tensor<?xf64> -> tensor<?xi1>
  func.return %r : tensor<?xi1>
}
func.func @isinf_int(%x: tensor<?xi8>) -> tensor<?xi1> {
  %r = mt.isinf %x : tensor<?xi8> -> tensor<?xi1>
  func.return %r : tensor<?xi1>
}
