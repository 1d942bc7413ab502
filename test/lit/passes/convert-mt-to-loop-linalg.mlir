// RUN: mlc-opt %s -p convert-mt-to-loop | filecheck %s

// CHECK-LABEL: func.func @batched_dot
// CHECK:         loop.check {{.*}} message = "mt.batched_dot: the batch sizes differ: {0} and {1}"
// CHECK:         loop.batch_matmul ins(%a, %b
// CHECK:           arith.mulf
// CHECK-NEXT:      arith.addf
func.func @batched_dot(%a: tensor<?x?x?xf64>, %b: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %r = mt.batched_dot %a, %b : tensor<?x?x?xf64>, tensor<?x?xf64> -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}
