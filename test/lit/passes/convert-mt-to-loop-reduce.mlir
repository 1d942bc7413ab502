// RUN: mlc-opt %s -p convert-mt-to-loop | filecheck %s

// The first NaN wins: a NaN beats every non-NaN best.
// CHECK-LABEL: func.func @argmax
// CHECK:         loop.check {{.*}} message = "mt.argmax: attempt to get argmax of an empty sequence
// CHECK:         loop.arg_reduce ins(%x : {{.*}}) outs({{.*}}) attributes {axes = array<i64: 1>, init = 0xfff0000000000000 : f64}
// CHECK:           arith.cmpf ogt
// CHECK:           arith.cmpf uno
func.func @argmax(%x: tensor<?x?xf64>) -> tensor<?xi64> {
  %r = mt.argmax %x {axes = array<i64: 1>} : tensor<?x?xf64> -> tensor<?xi64>
  func.return %r : tensor<?xi64>
}

// CHECK-LABEL: func.func @argmin_int_no_nan
// CHECK:         loop.arg_reduce
// CHECK:           arith.cmpi slt
// CHECK-NOT:       arith.cmpf
func.func @argmin_int_no_nan(%x: tensor<?xi16>) -> tensor<i64> {
  %r = mt.argmin %x {axes = array<i64: 0>} : tensor<?xi16> -> tensor<i64>
  func.return %r : tensor<i64>
}

// CHECK-LABEL: func.func @cumsum
// CHECK:         loop.accumulate ins(%x : {{.*}}) outs({{.*}}) attributes {axis = 1 : i64, init = 0 : i64}
// CHECK:           arith.extsi {{.*}} : i8 to i64
// CHECK-NEXT:      arith.addi
func.func @cumsum(%x: tensor<?x?xi8>) -> tensor<?x?xi64> {
  %r = mt.cumsum %x {axis = 1 : i64} : tensor<?x?xi8> -> tensor<?x?xi64>
  func.return %r : tensor<?x?xi64>
}
