// RUN: mlc-opt %s -p convert-loop-to-scf | filecheck %s

// The reduction nest carries (best value, best position, position).
// CHECK-LABEL: func.func private @argmax_k0
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %{{[0-9]+}}, %[[R:[0-9]+]], %{{[0-9]+}} = scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[B:.*]] = %{{.*}}, %[[BI:.*]] = %{{.*}}, %[[K:.*]] = %{{.*}}) -> (f64, index, index) {
// CHECK-NEXT:        %[[V:.*]] = memref.load %{{.*}}[%[[I]], %[[J]]]
// CHECK-NEXT:        %[[T:.*]] = arith.cmpf ogt, %[[V]], %[[B]] : f64
// CHECK-NEXT:        %[[NB:.*]] = arith.select %[[T]], %[[V]], %[[B]] : f64
// CHECK-NEXT:        %[[NI:.*]] = arith.select %[[T]], %[[K]], %[[BI]] : index
// CHECK-NEXT:        %[[NK:.*]] = arith.addi %[[K]], %{{.*}} : index
// CHECK-NEXT:        scf.yield %[[NB]], %[[NI]], %[[NK]] : f64, index, index
// CHECK:           %[[C:.*]] = arith.index_cast %[[R]] : index to i64
// CHECK-NEXT:      memref.store %[[C]], %{{.*}}[%[[I]]]
// CHECK-LABEL: func.func @argmax
// CHECK:         func.call @argmax_k0
func.func @argmax(%x: memref<?x?xf64>, %o: memref<?xi64>) {
  loop.arg_reduce ins(%x : memref<?x?xf64>) outs(%o : memref<?xi64>) attributes {axes = array<i64: 1>, init = 0xfff0000000000000 : f64} {
  ^bb0(%best: f64, %v: f64):
    %t = arith.cmpf ogt, %v, %best : f64
    loop.yield %t : i1
  }
  func.return
}

// Every running value is stored along the scanned axis (here axis 0, the inner loop).
// CHECK-LABEL: func.func private @cumsum_k0
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %{{.*}} = scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[A:.*]] = %{{.*}}) -> (i64) {
// CHECK-NEXT:        %[[V:.*]] = memref.load %{{.*}}[%[[J]], %[[I]]]
// CHECK-NEXT:        %[[S:.*]] = arith.addi %[[A]], %[[V]] : i64
// CHECK-NEXT:        memref.store %[[S]], %{{.*}}[%[[J]], %[[I]]]
// CHECK-NEXT:        scf.yield %[[S]] : i64
func.func @cumsum(%x: memref<?x?xi64>, %o: memref<?x?xi64>) {
  loop.accumulate ins(%x : memref<?x?xi64>) outs(%o : memref<?x?xi64>) attributes {axis = 0 : i64, init = 0 : i64} {
  ^bb0(%acc: i64, %v: i64):
    %s = arith.addi %acc, %v : i64
    loop.yield %s : i64
  }
  func.return
}
