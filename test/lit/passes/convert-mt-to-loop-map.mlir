// RUN: mlc-opt %s -p convert-mt-to-loop | filecheck %s

// mt.map becomes one scf.for over the count; the body is lowered inside it and each row
// is copied into its slice of the stacked result.
// CHECK-LABEL: func.func @rows
// CHECK:         %[[N:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK:         loop.check {{.*}} message = "mt.map: the count {0} is negative"
// CHECK:         %[[OUT:.*]] = loop.alloc_output(%[[N]], %{{.*}})
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %[[N]] step %{{.*}} {
// CHECK:           memref.store
// CHECK:           loop.elemwise
// CHECK:           %[[ROW:.*]] = loop.slice %[[OUT]][%[[I]], %{{.*}}] {keep = array<i64: 1>}
// CHECK:           loop.elemwise ins(%{{.*}}) outs(%[[ROW]]
func.func @rows(%n: tensor<i64>, %x: tensor<?xf64>) -> tensor<?x?xf64> {
  %m = mt.map %n, %x captures(%x) {
  ^bb0(%i: tensor<i64>, %c: tensor<?xf64>):
    %f = mt.cast %i : tensor<i64> -> tensor<f64>
    %b = mt.dimshuffle %f {pattern = array<i64: -1>} : tensor<f64> -> tensor<1xf64>
    %r = mt.mul %c, %b : tensor<?xf64>, tensor<1xf64> -> tensor<?xf64>
    mt.yield %r : tensor<?xf64>
  } : (tensor<i64>, tensor<?xf64>, tensor<?xf64>) -> tensor<?x?xf64>
  func.return %m : tensor<?x?xf64>
}

// A body that ignores the index stores nothing into the index buffer.
// CHECK-LABEL: func.func @constant_rows_no_match
// CHECK:         scf.for
// CHECK-NOT:       memref.store
// CHECK:         func.return
func.func @constant_rows_no_match(%n: tensor<i64>, %x: tensor<?xf64>) -> tensor<?x?xf64> {
  %m = mt.map %n, %x captures(%x) {
  ^bb0(%i: tensor<i64>, %c: tensor<?xf64>):
    mt.yield %c : tensor<?xf64>
  } : (tensor<i64>, tensor<?xf64>, tensor<?xf64>) -> tensor<?x?xf64>
  func.return %m : tensor<?x?xf64>
}
