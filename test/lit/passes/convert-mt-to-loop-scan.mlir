// RUN: mlc-opt %s -p convert-mt-to-loop | filecheck %s

// mt.scan becomes one scf.for over the steps: the state lives in one buffer of k + n rows
// (its initial row copied first; a static single row needs no size check), the body reads row t of the sequence and row t + k - 1 of
// the state as views, and each step's new row is copied into row t + k.
// CHECK-LABEL: func.func @elman
// CHECK:         loop.check {{.*}} message = "mt.scan: the step count {0} is negative"
// CHECK:         loop.check {{.*}} message = "mt.scan: sequence 0 has {0} rows for {1} steps"
// CHECK:         %[[S:.*]] = loop.alloc_output
// CHECK:         %[[INIT:.*]] = loop.slice %[[S]]
// CHECK:         loop.elemwise ins(%{{.*}}) outs(%[[INIT]]
// CHECK:         scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:           %[[XT:.*]] = loop.slice %{{.*}}[%[[T]], %{{.*}}] {keep = array<i64: 1>}
// CHECK:           %[[PREV:.*]] = arith.addi %[[T]], %{{.*}} : index
// CHECK:           loop.slice %[[S]][%[[PREV]], %{{.*}}] {keep = array<i64: 1>}
// CHECK:           loop.matmul
// CHECK:           %[[NEXT:.*]] = arith.addi %[[T]], %{{.*}} : index
// CHECK:           %[[ROW:.*]] = loop.slice %[[S]][%[[NEXT]], %{{.*}}] {keep = array<i64: 1>}
// CHECK:           loop.elemwise ins(%{{.*}}) outs(%[[ROW]]
func.func @elman(%n: tensor<i64>, %x: tensor<?x?xf64>, %h0: tensor<1x?xf64>, %w: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %s = mt.scan %n, %x, %h0, %w {
  ^bb0(%xt: tensor<?xf64>, %h: tensor<?xf64>, %wc: tensor<?x?xf64>):
    %d = mt.dot %h, %wc : tensor<?xf64>, tensor<?x?xf64> -> tensor<?xf64>
    %a = mt.add %xt, %d : tensor<?xf64>, tensor<?xf64> -> tensor<?xf64>
    %y = mt.tanh %a : tensor<?xf64> -> tensor<?xf64>
    mt.scan_yield %y : tensor<?xf64>
  } {n_seqs = 1 : i64, n_outs = 0 : i64, taps = array<i64: -1>, tap_counts = array<i64: 1>} : (tensor<i64>, tensor<?x?xf64>, tensor<1x?xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
  func.return %s : tensor<?x?xf64>
}

// A scan with no state and one plain output: nothing is copied in before the loop, and
// the output's row size (that of the capture's last axis) is computed before the loop
// from the sizes alone (no kernel of the body runs outside it).
// CHECK-LABEL: func.func @plain_output_no_match
// CHECK-NOT:     message = "mt.scan: state 0
// CHECK:         memref.dim
// CHECK-NOT:     loop.matmul
// CHECK:         scf.for
// CHECK:           loop.matmul
// CHECK:         func.return
func.func @plain_output_no_match(%n: tensor<i64>, %x: tensor<?x?xf64>, %w: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %y = mt.scan %n, %x, %w {
  ^bb0(%xt: tensor<?xf64>, %wc: tensor<?x?xf64>):
    %d = mt.dot %xt, %wc : tensor<?xf64>, tensor<?x?xf64> -> tensor<?xf64>
    mt.scan_yield %d : tensor<?xf64>
  } {n_seqs = 1 : i64, n_outs = 1 : i64, taps = array<i64>, tap_counts = array<i64>} : (tensor<i64>, tensor<?x?xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
  func.return %y : tensor<?x?xf64>
}
