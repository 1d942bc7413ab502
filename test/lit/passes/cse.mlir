// RUN: mlc-opt %s -p cse | filecheck %s

// Two identical mt.exp of the same input merge into one.
// CHECK-LABEL: func.func @merge
// CHECK:         %[[E:.*]] = mt.exp %x
// CHECK-NOT:     mt.exp
// CHECK:         mt.add %[[E]], %[[E]]
func.func @merge(%x: tensor<?xf64>) -> tensor<?xf64> {
  %a = mt.exp %x : tensor<?xf64> -> tensor<?xf64>
  %b = mt.exp %x : tensor<?xf64> -> tensor<?xf64>
  %s = mt.add %a, %b : tensor<?xf64>, tensor<?xf64> -> tensor<?xf64>
  func.return %s : tensor<?xf64>
}

// Different reduction axes are different computations.
// CHECK-LABEL: func.func @merge_no_match
// CHECK:         mt.sum %x {axes = array<i64: 0>}
// CHECK:         mt.sum %x {axes = array<i64: 1>}
func.func @merge_no_match(%x: tensor<?x?xf64>) -> (tensor<?xf64>, tensor<?xf64>) {
  %a = mt.sum %x {axes = array<i64: 0>} : tensor<?x?xf64> -> tensor<?xf64>
  %b = mt.sum %x {axes = array<i64: 1>} : tensor<?x?xf64> -> tensor<?xf64>
  func.return %a, %b : tensor<?xf64>, tensor<?xf64>
}
