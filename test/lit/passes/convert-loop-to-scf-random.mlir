// RUN: mlc-opt %s -p convert-loop-to-scf | filecheck %s

// loop.shuffle: every row is filled with 0..n-1, then position i swaps with the body's
// value clamped into [i, n - 1].
// CHECK-LABEL: func.func private @shuffle_k0(%p: memref<2x?xi64>, %n: i64)
// CHECK:         %[[N:.*]] = memref.dim %p, %{{.*}} : memref<2x?xi64>
// CHECK:         %[[LAST:.*]] = arith.subi %[[N]], %{{.*}} : index
// CHECK:         scf.for %[[R:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:           scf.for %[[I:.*]] = %{{.*}} to %[[N]] step %{{.*}} {
// CHECK-NEXT:        %[[V:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK-NEXT:        memref.store %[[V]], %p[%[[R]], %[[I]]] : memref<2x?xi64>
// CHECK:           scf.for %[[K:.*]] = %{{.*}} to %[[N]] step %{{.*}} {
// CHECK:             %[[J0:.*]] = arith.index_cast %n : i64 to index
// CHECK-NEXT:        %[[J1:.*]] = arith.maxsi %[[J0]], %[[K]] : index
// CHECK-NEXT:        %[[J:.*]] = arith.minsi %[[J1]], %[[LAST]] : index
// CHECK-NEXT:        %[[A:.*]] = memref.load %p[%[[R]], %[[K]]]
// CHECK-NEXT:        %[[B:.*]] = memref.load %p[%[[R]], %[[J]]]
// CHECK-NEXT:        memref.store %[[B]], %p[%[[R]], %[[K]]]
// CHECK-NEXT:        memref.store %[[A]], %p[%[[R]], %[[J]]]
func.func @shuffle(%p: memref<2x?xi64>, %n: i64) {
  loop.shuffle ins() outs(%p : memref<2x?xi64>) {
    loop.yield %n : i64
  }
  func.return
}

// -----
// loop.weighted_choice: per draw, the total weight, then the first positive weight whose
// running sum exceeds u * total (or the last positive one); without replacement the
// drawn weight is zeroed.
// CHECK-LABEL: func.func private @weighted_choice_k0(%w: memref<?xf64>, %idx: memref<?xi64>, %u: f64)
// CHECK:         scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:           %[[TOTAL:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}) -> (f64) {
// CHECK:           %[[TARGET:.*]] = arith.mulf %u, %[[TOTAL]] : f64
// CHECK:           %{{.*}}, %[[HIT:.*]], %[[POS:.*]] = scf.for {{.*}} -> (f64, index, index) {
// CHECK:             arith.cmpf olt, %[[TARGET]], %{{.*}} : f64
// CHECK:           %[[PICK:.*]] = arith.select %{{.*}}, %[[POS]], %[[HIT]] : index
// CHECK:           memref.store %{{.*}}, %idx[%[[T]]] : memref<?xi64>
// CHECK-NEXT:      memref.store %{{.*}}, %w[%[[PICK]]] : memref<?xf64>
func.func @weighted_choice(%w: memref<?xf64>, %idx: memref<?xi64>, %u: f64) {
  loop.weighted_choice ins(%w : memref<?xf64>) outs(%idx : memref<?xi64>) attributes {replace = false} {
    loop.yield %u : f64
  }
  func.return
}

// -----
// With replacement the weights are only read.
// CHECK-LABEL: func.func private @weighted_choice_replace_no_match_k0
// CHECK:         memref.store %{{.*}}, %idx[%{{.*}}] : memref<?xi64>
// CHECK-NOT:     memref.store
// CHECK:         func.return
func.func @weighted_choice_replace_no_match(%w: memref<?xf64>, %idx: memref<?xi64>, %u: f64) {
  loop.weighted_choice ins(%w : memref<?xf64>) outs(%idx : memref<?xi64>) attributes {replace = true} {
    loop.yield %u : f64
  }
  func.return
}
