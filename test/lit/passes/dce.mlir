// RUN: mlc-opt %s -p dce | filecheck %s

// CHECK-LABEL: func.func @dead
// CHECK-NOT:     mt.
// CHECK:         func.return %x
func.func @dead(%x: tensor<?xf64>) -> tensor<?xf64> {
  %e = mt.exp %x : tensor<?xf64> -> tensor<?xf64>
  %l = mt.log %e : tensor<?xf64> -> tensor<?xf64>
  func.return %x : tensor<?xf64>
}

// CHECK-LABEL: func.func @live_no_match
// CHECK:         mt.exp
func.func @live_no_match(%x: tensor<?xf64>) -> tensor<?xf64> {
  %e = mt.exp %x : tensor<?xf64> -> tensor<?xf64>
  func.return %e : tensor<?xf64>
}
