// RUN: mlc-opt %s -p convert-loop-to-scf | filecheck %s

// a[b, i, k] * b[b, k] summed over k.
// CHECK-LABEL: func.func private @bmm_k0
// CHECK:         scf.for %[[B:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:        %[[S:.*]] = scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK-NEXT:          memref.load %{{.*}}[%[[B]], %[[I]], %[[K]]]
// CHECK-NEXT:          memref.load %{{.*}}[%[[B]], %[[K]]]
// CHECK:           memref.store %[[S]], %{{.*}}[%[[B]], %[[I]]]
func.func @bmm(%a: memref<?x?x?xf32>, %b: memref<?x?xf32>, %o: memref<?x?xf32>) {
  loop.batch_matmul ins(%a, %b : memref<?x?x?xf32>, memref<?x?xf32>) outs(%o : memref<?x?xf32>) {
  ^bb0(%acc: f32, %p: f32, %q: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    loop.yield %s : f32
  }
  func.return
}
