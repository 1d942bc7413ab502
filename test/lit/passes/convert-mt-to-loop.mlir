// RUN: mlc-opt %s -p convert-mt-to-loop | filecheck %s

// A fresh result buffer is the runtime's output buffer: no copy.
// CHECK-LABEL: func.func @exp(%x: memref<?xf64, strided<[?], offset: ?>>) -> memref<?xf64>
// CHECK:         %[[N:.*]] = memref.dim %x
// CHECK-NEXT:    %[[O:.*]] = loop.alloc_output(%[[N]]) {index = 0 : i64} : memref<?xf64>
// CHECK-NEXT:    loop.elemwise ins(%x : {{.*}}) outs(%[[O]] : memref<?xf64>)
// CHECK:           math.exp
// CHECK-NOT:     loop.elemwise
// CHECK:         func.return %[[O]]
func.func @exp(%x: tensor<?xf64>) -> tensor<?xf64> {
  %r = mt.exp %x : tensor<?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// A static-1 dim broadcasts through a stride-0 view; dynamic dims are checked at run time.
// CHECK-LABEL: func.func @broadcast
// CHECK:         %[[EQ:.*]] = arith.cmpi eq
// CHECK-NEXT:    loop.check %[[EQ]], {{.*}} {kind = "ValueError", message = "mt.add: input 'b' has size {1} along axis 1
// CHECK-NEXT:    %[[B:.*]] = loop.broadcast %b to
// CHECK:         loop.elemwise ins(%x, %[[B]]
// CHECK:           arith.addf {{.*}} : f32
func.func @broadcast(%x: tensor<?x?xf32>, %b: tensor<1x?xf32>) -> tensor<?x?xf32> {
  %r = mt.add %x, %b : tensor<?x?xf32>, tensor<1x?xf32> -> tensor<?x?xf32>
  func.return %r : tensor<?x?xf32>
}

// Equal static shapes need neither checks nor broadcasts.
// CHECK-LABEL: func.func @broadcast_no_match
// CHECK-NOT:     loop.check
// CHECK-NOT:     loop.broadcast
// CHECK:         loop.elemwise
func.func @broadcast_no_match(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = mt.add %x, %y : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sum
// CHECK:         loop.reduce ins(%x : {{.*}}) outs({{.*}}) attributes {axes = array<i64: 1>, init = 0.000000e+00 : f64}
// CHECK:           arith.addf
func.func @sum(%x: tensor<?x?xf64>) -> tensor<?xf64> {
  %r = mt.sum %x {axes = array<i64: 1>} : tensor<?x?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// A view is not a fresh buffer: the result is copied into the output.
// CHECK-LABEL: func.func @view_result
// CHECK:         %[[T:.*]] = loop.dimshuffle %x {pattern = array<i64: 1, 0>}
// CHECK:         %[[O:.*]] = loop.alloc_output
// CHECK-NEXT:    loop.elemwise ins(%[[T]] : {{.*}}) outs(%[[O]]
func.func @view_result(%x: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %r = mt.dimshuffle %x {pattern = array<i64: 1, 0>} : tensor<?x?xf64> -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @dot
// CHECK:         loop.check {{.*}} message = "mt.dot: shapes are not aligned
// CHECK:         loop.matmul ins(%a, %v
// CHECK:           arith.mulf
// CHECK-NEXT:      arith.addf
func.func @dot(%a: tensor<?x?xf64>, %v: tensor<?xf64>) -> tensor<?xf64> {
  %r = mt.dot %a, %v : tensor<?x?xf64>, tensor<?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// CHECK-LABEL: func.func @slice_reshape
// CHECK:         loop.subview %x {{{.*}}squeeze = array<i64: 1>
// CHECK:         memref.alloc
// CHECK:         loop.check {{.*}} message = "mt.reshape: cannot reshape an array of size {0} into shape (-1,)"
// CHECK:         loop.reshape
func.func @slice_reshape(%x: tensor<?x?xf64>) -> tensor<?xf64> {
  %s = mt.subtensor %x {starts = array<i64: 1, 0>, stops = array<i64: 9223372036854775807, 0>, steps = array<i64: 2, 1>, squeeze = array<i64: 1>} : tensor<?x?xf64> -> tensor<?xf64>
  %r = mt.reshape %s {shape = array<i64: -1>} : tensor<?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}
