// RUN: mlc-opt %s -p convert-mt-to-loop | filecheck %s
// The indexing rules of convert-mt-to-loop (passes/lower_indexing.py, lower_advanced.py).

// Symbolic bounds: loaded, widened to index; a run-time step is checked non-zero and
// picks the omitted stop by its sign; Python's slice rules in loop.slice_bounds.
// CHECK-LABEL: func.func @dynamic_slice
// CHECK:         %[[A:.*]] = memref.load %a[] : memref<i32, strided<[], offset: ?>>
// CHECK-NEXT:    %[[A64:.*]] = arith.extsi %[[A]] : i32 to i64
// CHECK-NEXT:    %[[START:.*]] = arith.index_cast %[[A64]] : i64 to index
// CHECK:         loop.check %{{.*}} {kind = "ValueError", message = "mt.dynamic_subtensor: slice step cannot be zero"}
// CHECK:         %[[STOP:.*]] = arith.select
// CHECK-NEXT:    %[[B:.*]], %[[L:.*]] = loop.slice_bounds %{{.*}}, %[[START]], %[[STOP]], %{{.*}}
// CHECK-NEXT:    loop.slice %x[%[[B]], %{{.*}}, %[[L]], %{{.*}}] {keep = array<i64: 0, 1>}
func.func @dynamic_slice(%x: tensor<?x?xf64>, %a: tensor<i32>, %s: tensor<i64>) -> tensor<?x?xf64> {
  %r = mt.dynamic_subtensor %x[%a, %s] {starts = array<i64: 0>, stops = array<i64: 9223372036854775807>, steps = array<i64: 0>, squeeze = array<i64>, dynamic = array<i64: 0, 2>} : (tensor<?x?xf64>, tensor<i32>, tensor<i64>) -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// A constant step needs no zero check and no choice of omitted bounds.
// CHECK-LABEL: func.func @dynamic_slice_no_match
// CHECK-NOT:     loop.check
// CHECK-NOT:     arith.select
// CHECK:         loop.slice_bounds
func.func @dynamic_slice_no_match(%x: tensor<?xf64>, %a: tensor<i64>) -> tensor<?xf64> {
  %r = mt.dynamic_subtensor %x[%a] {starts = array<i64: 0>, stops = array<i64: 9223372036854775807>, steps = array<i64: 2>, squeeze = array<i64>, dynamic = array<i64: 0>} : (tensor<?xf64>, tensor<i64>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// An integer index wraps when negative and is checked against the size (IndexError).
// CHECK-LABEL: func.func @dynamic_index
// CHECK:         %[[NEG:.*]] = arith.cmpi slt, %[[I:.*]], %{{.*}} : index
// CHECK:         %[[W:.*]] = arith.select %[[NEG]]
// CHECK-NEXT:    %[[OK:.*]] = arith.cmpi ult, %[[W]], %{{.*}} : index
// CHECK-NEXT:    loop.check %[[OK]], %[[I]], {{.*}} {kind = "IndexError", message = "mt.dynamic_subtensor: index {0} is out of bounds for axis {1} with size {2}"}
// CHECK:         loop.slice %x[%[[W]], {{.*}}] {keep = array<i64: 1>}
func.func @dynamic_index(%x: tensor<?x?xf64>, %i: tensor<i8>) -> tensor<?xf64> {
  %r = mt.dynamic_subtensor %x[%i] {starts = array<i64: 0>, stops = array<i64: 0>, steps = array<i64: 1>, squeeze = array<i64: 0>, dynamic = array<i64: 0>} : (tensor<?x?xf64>, tensor<i8>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// inc_subtensor: copy x into the result, then add into a view of the copy, reading
// the same view of x (no aliasing between the kernel's input and output).
// CHECK-LABEL: func.func @inc
// CHECK:         %[[O:.*]] = loop.alloc_output
// CHECK-NEXT:    loop.elemwise ins(%x : {{.*}}) outs(%[[O]] : memref<?xf32>)
// CHECK:         %[[DST:.*]] = loop.slice %[[O]]
// CHECK:         %[[Y:.*]] = loop.broadcast
// CHECK-NEXT:    %[[SRC:.*]] = loop.slice %x
// CHECK-NEXT:    loop.elemwise ins(%[[SRC]], %[[Y]] : {{.*}}) outs(%[[DST]] : {{.*}})
// CHECK:           arith.addf
func.func @inc(%x: tensor<?xf32>, %y: tensor<f32>) -> tensor<?xf32> {
  %r = mt.inc_subtensor %x[], %y {starts = array<i64: 1>, stops = array<i64: 9223372036854775807>, steps = array<i64: 2>, squeeze = array<i64>, dynamic = array<i64>} : (tensor<?xf32>, tensor<f32>) -> tensor<?xf32>
  func.return %r : tensor<?xf32>
}

// set_subtensor writes y without reading the old values.
// CHECK-LABEL: func.func @set_no_match
// CHECK:         loop.elemwise ins(%y : {{.*}}) outs(%{{.*}} : memref<?xi8, strided<[?], offset: ?>>)
// CHECK-NOT:       arith.addi
func.func @set_no_match(%x: tensor<?x?xi8>, %y: tensor<?xi8>) -> tensor<?x?xi8> {
  %r = mt.set_subtensor %x[], %y {starts = array<i64: -1>, stops = array<i64: 9223372036854775807>, steps = array<i64: 1>, squeeze = array<i64: 0>, dynamic = array<i64>} : (tensor<?x?xi8>, tensor<?xi8>) -> tensor<?x?xi8>
  func.return %r : tensor<?x?xi8>
}

// Integer index arrays: one reduce finds the entry farthest out of range, checked
// unless the broadcast index shape is empty; then one gather.
// CHECK-LABEL: func.func @gather
// CHECK:         %[[EMPTY:.*]] = arith.cmpi eq
// CHECK:         loop.reduce ins(%i : {{.*}}) outs(%{{.*}} : memref<i64>) attributes {axes = array<i64: 0>, init = 0 : i64}
// CHECK:         %[[MAG:.*]] = arith.select %{{.*}} : index
// CHECK-NEXT:    %[[IN:.*]] = arith.cmpi slt, %[[MAG]], %{{.*}} : index
// CHECK-NEXT:    %[[OK:.*]] = arith.ori %[[IN]], %[[EMPTY]] : i1
// CHECK-NEXT:    loop.check %[[OK]], {{.*}} {kind = "IndexError", message = "mt.advanced_subtensor: index {0} is out of bounds for axis {1} with size {2}"}
// CHECK:         loop.gather ins(%x, %i : {{.*}}) outs(%{{.*}} : memref<?x?xf64>) attributes {axes = array<i64: 1>, bstart = 1 : i64}
func.func @gather(%x: tensor<?x?xf64>, %i: tensor<?xi32>) -> tensor<?x?xf64> {
  %r = mt.advanced_subtensor %x[%i] {axes = array<i64: 1>} : (tensor<?x?xf64>, tensor<?xi32>) -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// Separated index arrays put B first (bstart = 0); a static-1 index broadcasts.
// CHECK-LABEL: func.func @gather_separated
// CHECK:         loop.check {{.*}} message = "mt.advanced_subtensor: shape mismatch: indexing arrays could not be broadcast together (sizes {0} and {1} along dim 0)"
// CHECK:         %[[J:.*]] = loop.broadcast %j
// CHECK:         loop.gather ins(%x, %{{.*}}, %[[J]] : {{.*}}) {{.*}} attributes {axes = array<i64: 0, 2>, bstart = 0 : i64}
func.func @gather_separated(%x: tensor<?x?x?xf64>, %i: tensor<?x?xi64>, %j: tensor<?x1xi64>) -> tensor<?x?x?xf64> {
  %r = mt.advanced_subtensor %x[%i, %j] {axes = array<i64: 0, 2>} : (tensor<?x?x?xf64>, tensor<?x?xi64>, tensor<?x1xi64>) -> tensor<?x?x?xf64>
  func.return %r : tensor<?x?x?xf64>
}

// A boolean mask: shape checks, a count, loop.nonzero into count + 1 rows, one
// column view per mask axis; the positions need no range check.
// CHECK-LABEL: func.func @mask
// CHECK:         loop.check {{.*}} {kind = "IndexError", message = "mt.advanced_subtensor: boolean index did not match indexed array along axis 0;
// CHECK:         loop.check {{.*}} message = "mt.advanced_subtensor: boolean index did not match indexed array along axis 1;
// CHECK:         loop.reduce ins(%m : {{.*}}) outs(%{{.*}} : memref<i64>) attributes {axes = array<i64: 0, 1>, init = 0 : i64}
// CHECK:         %[[N:.*]] = arith.index_cast
// CHECK-NEXT:    %[[ROWS:.*]] = arith.addi %[[N]]
// CHECK:         %[[BUF:.*]] = memref.alloc(%[[ROWS]]) : memref<?x2xi64>
// CHECK-NEXT:    loop.nonzero ins(%m : {{.*}}) outs(%[[BUF]] : memref<?x2xi64>)
// CHECK:         %[[C0:.*]] = loop.slice %[[BUF]]
// CHECK-NEXT:    %[[C1:.*]] = loop.slice %[[BUF]]
// CHECK-NOT:     loop.reduce
// CHECK:         loop.gather ins(%x, %[[C0]], %[[C1]] : {{.*}}) {{.*}} attributes {axes = array<i64: 0, 1>, bstart = 0 : i64}
func.func @mask(%x: tensor<?x?xf64>, %m: tensor<?x?xi1>) -> tensor<?xf64> {
  %r = mt.advanced_subtensor %x[%m] {axes = array<i64: 0>} : (tensor<?x?xf64>, tensor<?x?xi1>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// A 0-d mask is only counted: no positions to write, no index arrays.
// CHECK-LABEL: func.func @mask_no_match
// CHECK-NOT:     loop.nonzero
// CHECK:         loop.gather ins(%x : {{.*}}) outs(%{{.*}} : memref<?x?xf64>) attributes {axes = array<i64>, bstart = 0 : i64}
func.func @mask_no_match(%x: tensor<?xf64>, %m: tensor<i1>) -> tensor<?x?xf64> {
  %r = mt.advanced_subtensor %x[%m] {axes = array<i64: 0>} : (tensor<?xf64>, tensor<i1>) -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// advanced_inc_subtensor: copy x, then scatter with an accumulating body.
// CHECK-LABEL: func.func @scatter_add
// CHECK:         loop.check {{.*}} message = "mt.advanced_inc_subtensor: index {0} is out of bounds for axis {1} with size {2}"}
// CHECK:         loop.check {{.*}} {kind = "ValueError", message = "mt.advanced_inc_subtensor: the value has size {1} along axis 0 where the indexed subtensor has size {0}"}
// CHECK:         %[[O:.*]] = loop.alloc_output
// CHECK-NEXT:    loop.elemwise ins(%x : {{.*}}) outs(%[[O]] : memref<?xi64>)
// CHECK:         loop.scatter ins(%y, %i : {{.*}}) outs(%[[O]] : memref<?xi64>) attributes {axes = array<i64: 0>, bstart = 0 : i64}
// CHECK-NEXT:    ^bb0(%[[OLD:.*]]: i64, %[[NEW:.*]]: i64):
// CHECK-NEXT:      %[[S:.*]] = arith.addi %[[OLD]], %[[NEW]] : i64
// CHECK-NEXT:      loop.yield %[[S]] : i64
func.func @scatter_add(%x: tensor<?xi64>, %y: tensor<?xi64>, %i: tensor<?xi64>) -> tensor<?xi64> {
  %r = mt.advanced_inc_subtensor %x[%i], %y {axes = array<i64: 0>} : (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  func.return %r : tensor<?xi64>
}

// advanced_set_subtensor: the body yields the new value; bool adds are logical or.
// CHECK-LABEL: func.func @scatter_set_no_match
// CHECK:         loop.scatter
// CHECK-NEXT:    ^bb0(%{{.*}}: i1, %[[NEW:.*]]: i1):
// CHECK-NEXT:      loop.yield %[[NEW]] : i1
func.func @scatter_set_no_match(%x: tensor<?xi1>, %y: tensor<i1>, %i: tensor<?xi64>) -> tensor<?xi1> {
  %r = mt.advanced_set_subtensor %x[%i], %y {axes = array<i64: 0>} : (tensor<?xi1>, tensor<i1>, tensor<?xi64>) -> tensor<?xi1>
  func.return %r : tensor<?xi1>
}

// Count first, then write the positions into a buffer of that many rows (+1 scratch
// row), viewed transposed as one row per axis.
// CHECK-LABEL: func.func @nonzero
// CHECK:         %[[C:.*]] = memref.alloc() : memref<i64>
// CHECK-NEXT:    loop.reduce ins(%x : {{.*}}) outs(%[[C]] : memref<i64>) attributes {axes = array<i64: 0, 1>, init = 0 : i64}
// CHECK:           arith.cmpf une
// CHECK:         %[[V:.*]] = memref.load %[[C]][]
// CHECK-NEXT:    %[[N:.*]] = arith.index_cast %[[V]] : i64 to index
// CHECK:         %[[R:.*]] = arith.addi %[[N]], %{{.*}} : index
// CHECK:         %[[B:.*]] = memref.alloc(%[[R]]) : memref<?x2xi64>
// CHECK-NEXT:    loop.nonzero ins(%x : {{.*}}) outs(%[[B]] : memref<?x2xi64>)
// CHECK:         loop.slice %[[B]][{{.*}}] {keep = array<i64: 1, 0>} : memref<?x2xi64> -> memref<2x?xi64, strided<[?, ?], offset: ?>>
func.func @nonzero(%x: tensor<?x?xf32>) -> tensor<2x?xi64> {
  %r = mt.nonzero %x : tensor<?x?xf32> -> tensor<2x?xi64>
  func.return %r : tensor<2x?xi64>
}
