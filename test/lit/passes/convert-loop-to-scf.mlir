// RUN: mlc-opt %s --split-input-file -p convert-loop-to-scf | filecheck %s

// Each kernel becomes a private function of scf.for nests, called in its place.
// CHECK-LABEL: func.func private @exp_k0(%x: memref<?xf64, strided<[?], offset: ?>>, %{{.*}}: memref<?xf64>)
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[V:.*]] = memref.load %x[%[[I]]]
// CHECK-NEXT:      %[[E:.*]] = math.exp %[[V]] : f64
// CHECK-NEXT:      memref.store %[[E]], %{{.*}}[%[[I]]]
// CHECK-LABEL: func.func @exp
// CHECK:         func.call @exp_k0(%x, %{{.*}})
// CHECK-NOT:     loop.elemwise
func.func @exp(%x: memref<?xf64, strided<[?], offset: ?>>) -> memref<?xf64> {
  %0 = arith.constant 0 : index
  %1 = memref.dim %x, %0 : memref<?xf64, strided<[?], offset: ?>>
  %2 = loop.alloc_output(%1) {index = 0 : i64} : memref<?xf64>
  loop.elemwise ins(%x : memref<?xf64, strided<[?], offset: ?>>) outs(%2 : memref<?xf64>) {
  ^bb0(%3: f64):
    %4 = math.exp %3 : f64
    loop.yield %4 : f64
  }
  func.return %2 : memref<?xf64>
}

// -----

// A reduction carries its accumulator through scf.for iter_args; scalars used by a
// kernel body from outside become kernel arguments.
// CHECK-LABEL: func.func private @mean_k0
// CHECK:         scf.for
// CHECK:           %{{.*}} = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[A:.*]] = %{{.*}}) -> (f64) {
// CHECK:             arith.addf %[[A]]
// CHECK-LABEL: func.func private @mean_k1
// CHECK-SAME:    (%{{.*}}: memref<?xf64>, %{{.*}}: memref<?xf64>, %[[S:[^:]*]]: f64)
// CHECK:           arith.divf %{{.*}}, %[[S]] : f64
// CHECK-LABEL: func.func @mean
// CHECK:         func.call @mean_k0
// CHECK:         func.call @mean_k1({{.*}}, %scale)
func.func @mean(%x: memref<?x?xf64, strided<[?, ?], offset: ?>>, %scale: f64) -> memref<?xf64> {
  %0 = arith.constant 0 : index
  %1 = memref.dim %x, %0 : memref<?x?xf64, strided<[?, ?], offset: ?>>
  %t = memref.alloc(%1) : memref<?xf64>
  loop.reduce ins(%x : memref<?x?xf64, strided<[?, ?], offset: ?>>) outs(%t : memref<?xf64>) attributes {axes = array<i64: 1>, init = 0.000000e+00 : f64} {
  ^bb0(%a: f64, %v: f64):
    %s = arith.addf %a, %v : f64
    loop.yield %s : f64
  }
  %o = loop.alloc_output(%1) {index = 0 : i64} : memref<?xf64>
  loop.elemwise ins(%t : memref<?xf64>) outs(%o : memref<?xf64>) {
  ^bb0(%v: f64):
    %d = arith.divf %v, %scale : f64
    loop.yield %d : f64
  }
  func.return %o : memref<?xf64>
}

// -----

// Descriptor ops are left for the emitter.
// CHECK-LABEL: func.func @views_no_match
// CHECK-NEXT:    loop.dimshuffle
// CHECK-NOT:     func.call
func.func @views_no_match(%x: memref<?x?xf64, strided<[?, ?], offset: ?>>) -> memref<?x?xf64, strided<[?, ?], offset: ?>> {
  %t = loop.dimshuffle %x {pattern = array<i64: 1, 0>} : memref<?x?xf64, strided<[?, ?], offset: ?>> -> memref<?x?xf64, strided<[?, ?], offset: ?>>
  func.return %t : memref<?x?xf64, strided<[?, ?], offset: ?>>
}

// -----

// A reduction over two inputs loads both at the same position (softmax's sum(exp(x - m))
// with m broadcast along the reduced axis).
// CHECK-LABEL: func.func private @sum_exp_k0
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to
// CHECK:           scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[A:.*]] = %{{.*}}) -> (f64) {
// CHECK-NEXT:        %[[X:.*]] = memref.load %x[%[[I]], %[[J]]]
// CHECK-NEXT:        %[[M:.*]] = memref.load %m[%[[I]], %[[J]]]
// CHECK-NEXT:        %[[D:.*]] = arith.subf %[[X]], %[[M]] : f64
func.func @sum_exp(%x: memref<?x?xf64, strided<[?, ?], offset: ?>>, %m: memref<?x?xf64, strided<[?, ?], offset: ?>>) -> memref<?xf64> {
  %0 = arith.constant 0 : index
  %1 = memref.dim %x, %0 : memref<?x?xf64, strided<[?, ?], offset: ?>>
  %o = loop.alloc_output(%1) {index = 0 : i64} : memref<?xf64>
  loop.reduce ins(%x, %m : memref<?x?xf64, strided<[?, ?], offset: ?>>, memref<?x?xf64, strided<[?, ?], offset: ?>>) outs(%o : memref<?xf64>) attributes {axes = array<i64: 1>, init = 0.000000e+00 : f64} {
  ^bb0(%a: f64, %v: f64, %w: f64):
    %d = arith.subf %v, %w : f64
    %e = math.exp %d : f64
    %s = arith.addf %a, %e : f64
    loop.yield %s : f64
  }
  func.return %o : memref<?xf64>
}

// -----

// Above 8 loops, the leading dims share one flat loop over their product (here dims 0
// and 1 of a 9-d kernel), their indices recovered by rem/div: the nest stays 8 deep.
// CHECK-LABEL: func.func private @rank9_k0
// CHECK:         %[[N:.*]] = arith.muli %[[D0:.*]], %[[D1:.*]] : index
// CHECK-NEXT:    scf.for %[[F:.*]] = %{{.*}} to %[[N]] step %{{.*}} {
// CHECK-NEXT:      %[[I1:.*]] = arith.remui %[[F]], %[[D1]] : index
// CHECK-NEXT:      %[[I0:.*]] = arith.divui %[[F]], %[[D1]] : index
// CHECK-COUNT-7:   scf.for
// CHECK:           memref.load %x[%[[I0]], %[[I1]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}]
// CHECK-NOT:       scf.for
// CHECK:           math.sin
// CHECK-LABEL: func.func @rank9
func.func @rank9(%x: memref<?x?x?x?x?x?x?x?x?xf64>) -> memref<?x?x?x?x?x?x?x?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %c6 = arith.constant 6 : index
  %c7 = arith.constant 7 : index
  %c8 = arith.constant 8 : index
  %d0 = memref.dim %x, %c0 : memref<?x?x?x?x?x?x?x?x?xf64>
  %d1 = memref.dim %x, %c1 : memref<?x?x?x?x?x?x?x?x?xf64>
  %d2 = memref.dim %x, %c2 : memref<?x?x?x?x?x?x?x?x?xf64>
  %d3 = memref.dim %x, %c3 : memref<?x?x?x?x?x?x?x?x?xf64>
  %d4 = memref.dim %x, %c4 : memref<?x?x?x?x?x?x?x?x?xf64>
  %d5 = memref.dim %x, %c5 : memref<?x?x?x?x?x?x?x?x?xf64>
  %d6 = memref.dim %x, %c6 : memref<?x?x?x?x?x?x?x?x?xf64>
  %d7 = memref.dim %x, %c7 : memref<?x?x?x?x?x?x?x?x?xf64>
  %d8 = memref.dim %x, %c8 : memref<?x?x?x?x?x?x?x?x?xf64>
  %o = loop.alloc_output(%d0, %d1, %d2, %d3, %d4, %d5, %d6, %d7, %d8) {index = 0 : i64} : memref<?x?x?x?x?x?x?x?x?xf64>
  loop.elemwise ins(%x : memref<?x?x?x?x?x?x?x?x?xf64>) outs(%o : memref<?x?x?x?x?x?x?x?x?xf64>) {
  ^bb0(%v: f64):
    %s = math.sin %v : f64
    loop.yield %s : f64
  }
  func.return %o : memref<?x?x?x?x?x?x?x?x?xf64>
}
