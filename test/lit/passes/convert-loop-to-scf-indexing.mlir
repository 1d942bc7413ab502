// RUN: mlc-opt %s -p convert-loop-to-scf | filecheck %s
// RUN: mlc-opt %s -p convert-loop-to-scf,canonicalize -t c | filecheck %s --check-prefix=C
// The indexing kernels of convert-loop-to-scf (passes/indexing_kernels.py) and the C of
// loop.slice_bounds (passes/emit/indexing.py).

// gather: the index array is read at the dims of B (here out dim 1, bstart = 1),
// sign-extended, wrapped when negative, and addresses axis 1 of x.
// CHECK-LABEL: func.func private @gather_k0
// CHECK:         memref.dim %x
// CHECK-NEXT:    arith.constant 1 : index
// CHECK-NEXT:    %[[N1:.*]] = memref.dim %x, %{{.*}} : memref<?x?xf64, strided<[?, ?], offset: ?>>
// CHECK:         scf.for %[[P0:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      scf.for %[[P1:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:        %[[V:.*]] = memref.load %i[%[[P1]]]
// CHECK-NEXT:        %[[V64:.*]] = arith.extsi %[[V]] : i32 to i64
// CHECK-NEXT:        %[[K:.*]] = arith.index_cast %[[V64]] : i64 to index
// CHECK-NEXT:        %[[NEG:.*]] = arith.cmpi slt, %[[K]], %{{.*}} : index
// CHECK-NEXT:        %[[UP:.*]] = arith.addi %[[K]], %[[N1]] : index
// CHECK-NEXT:        %[[W:.*]] = arith.select %[[NEG]], %[[UP]], %[[K]] : index
// CHECK-NEXT:        %[[E:.*]] = memref.load %x[%[[P0]], %[[W]]]
// CHECK-NEXT:        memref.store %[[E]], %o[%[[P0]], %[[P1]]]
func.func @gather(%x: memref<?x?xf64, strided<[?, ?], offset: ?>>, %i: memref<?xi32, strided<[?], offset: ?>>, %o: memref<?x?xf64>) {
  loop.gather ins(%x, %i : memref<?x?xf64, strided<[?, ?], offset: ?>>, memref<?xi32, strided<[?], offset: ?>>) outs(%o : memref<?x?xf64>) attributes {axes = array<i64: 1>, bstart = 1 : i64} {
  ^bb0(%v: f64):
    loop.yield %v : f64
  }
  func.return
}

// gather with B first (bstart = 0) and an int64 index: no sign extension.
// CHECK-LABEL: func.func private @gather_no_match_k0
// CHECK:         scf.for %[[P0:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      scf.for %[[P1:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:        %[[V:.*]] = memref.load %i[%[[P0]]]
// CHECK-NOT:         arith.extsi
// CHECK:             memref.load %x[%[[P1]], %{{.*}}]
func.func @gather_no_match(%x: memref<?x?xf64, strided<[?, ?], offset: ?>>, %i: memref<?xi64, strided<[?], offset: ?>>, %o: memref<?x?xf64>) {
  loop.gather ins(%x, %i : memref<?x?xf64, strided<[?, ?], offset: ?>>, memref<?xi64, strided<[?], offset: ?>>) outs(%o : memref<?x?xf64>) attributes {axes = array<i64: 1>, bstart = 0 : i64} {
  ^bb0(%v: f64):
    loop.yield %v : f64
  }
  func.return
}

// scatter: C order over y; each step reads the current value, so repeats accumulate.
// CHECK-LABEL: func.func private @scatter_k0
// CHECK:         scf.for %[[P:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:           %[[W:.*]] = arith.select
// CHECK-NEXT:      %[[OLD:.*]] = memref.load %o[%[[W]]] : memref<?xi64>
// CHECK-NEXT:      %[[NEW:.*]] = memref.load %y[%[[P]]]
// CHECK-NEXT:      %[[S:.*]] = arith.addi %[[OLD]], %[[NEW]] : i64
// CHECK-NEXT:      memref.store %[[S]], %o[%[[W]]] : memref<?xi64>
func.func @scatter(%y: memref<?xi64, strided<[?], offset: ?>>, %i: memref<?xi64, strided<[?], offset: ?>>, %o: memref<?xi64>) {
  loop.scatter ins(%y, %i : memref<?xi64, strided<[?], offset: ?>>, memref<?xi64, strided<[?], offset: ?>>) outs(%o : memref<?xi64>) attributes {axes = array<i64: 0>, bstart = 0 : i64} {
  ^bb0(%old: i64, %new: i64):
    %s = arith.addi %old, %new : i64
    loop.yield %s : i64
  }
  func.return
}

// nonzero: a carried counter; unselected elements write the scratch row N (no branch).
// CHECK-LABEL: func.func private @nonzero_k0
// CHECK:         %[[ROWS:.*]] = memref.dim %o
// CHECK:         %[[SCRATCH:.*]] = arith.subi %[[ROWS]], %{{.*}} : index
// CHECK:         scf.for %[[P0:.*]] = {{.*}} iter_args(%[[CNT0:.*]] = %{{.*}}) -> (index) {
// CHECK-NEXT:      scf.for %[[P1:.*]] = {{.*}} iter_args(%[[CNT:.*]] = %[[CNT0]]) -> (index) {
// CHECK-NEXT:        %[[M:.*]] = memref.load %m[%[[P0]], %[[P1]]]
// CHECK-NEXT:        %[[ROW:.*]] = arith.select %[[M]], %[[CNT]], %[[SCRATCH]] : index
// CHECK-NEXT:        %[[I0:.*]] = arith.index_cast %[[P0]] : index to i64
// CHECK-NEXT:        memref.store %[[I0]], %o[%[[ROW]], %{{.*}}]
// CHECK-NEXT:        %[[I1:.*]] = arith.index_cast %[[P1]] : index to i64
// CHECK-NEXT:        memref.store %[[I1]], %o[%[[ROW]], %{{.*}}]
// CHECK-NEXT:        %[[STEP:.*]] = arith.select %[[M]]
// CHECK-NEXT:        %[[NEXT:.*]] = arith.addi %[[CNT]], %[[STEP]] : index
// CHECK-NEXT:        scf.yield %[[NEXT]] : index
func.func @nonzero(%m: memref<?x?xi1, strided<[?, ?], offset: ?>>, %o: memref<?x2xi64>) {
  loop.nonzero ins(%m : memref<?x?xi1, strided<[?, ?], offset: ?>>) outs(%o : memref<?x2xi64>) {
  ^bb0(%e: i1):
    loop.yield %e : i1
  }
  func.return
}

// slice_bounds stays for the emitter: Python's slice.indices through mlc_slice, and an
// empty slice starts at 0 so that its view stays inside the buffer.
// CHECK-LABEL: func.func @bounds
// CHECK:         %[[B:.*]], %[[L:.*]] = loop.slice_bounds
// C-LABEL: int64_t mlc_entry
// C:         int64_t [[B:v[0-9]+]], [[L:v[0-9]+]]; mlc_slice({{.*}}, &[[B]], &[[L]]);
// C-NEXT:    if ([[L]] == 0) [[B]] = 0;
// C-NEXT:    double *view{{[0-9]+}} = {{.*}} + ([[B]] * {{.*}});
func.func @bounds(%x: memref<?xf64, strided<[?], offset: ?>>) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cm = arith.constant -1 : index
  %n = memref.dim %x, %c0 : memref<?xf64, strided<[?], offset: ?>>
  %b, %l = loop.slice_bounds %n, %c1, %n, %cm
  %v = loop.slice %x[%b, %l, %cm] {keep = array<i64: 0>} : memref<?xf64, strided<[?], offset: ?>> -> memref<?xf64, strided<[?], offset: ?>>
  %r = loop.alloc_output(%l) {index = 0 : i64} : memref<?xf64>
  loop.elemwise ins(%v : memref<?xf64, strided<[?], offset: ?>>) outs(%r : memref<?xf64>) {
  ^bb0(%e: f64):
    loop.yield %e : f64
  }
  func.return %r : memref<?xf64>
}
