// RUN: mlc-opt %s -p convert-mt-to-loop | filecheck %s

// A size read from `mt.shape` comes from the descriptor: no shape buffer, no load;
// a constant fill value becomes a literal body with no inputs.
// CHECK-LABEL: func.func @alloc_from_shape
// CHECK:         %[[N:.*]] = memref.dim %x, %{{.*}}
// CHECK-NOT:     memref.alloc
// CHECK-NOT:     memref.load
// CHECK:         %[[O:.*]] = loop.alloc_output(%[[N]]) {index = 0 : i64} : memref<?x3xf64>
// CHECK-NEXT:    loop.elemwise ins() outs(%[[O]] : memref<?x3xf64>) {
// CHECK-NEXT:      arith.constant 0.000000e+00 : f64
func.func @alloc_from_shape(%x: tensor<?x?xf64>) -> tensor<?x3xf64> {
  %s = mt.shape %x : tensor<?x?xf64> -> tensor<2xi64>
  %n = mt.subtensor %s {starts = array<i64: 0>, stops = array<i64: 1>, steps = array<i64: 1>, squeeze = array<i64: 0>} : tensor<2xi64> -> tensor<i64>
  %z = mt.constant {value = dense<0.0> : tensor<f64>} : tensor<f64>
  %r = mt.alloc %z, %n {shape = array<i64: -1, 3>} : tensor<f64>, tensor<i64> -> tensor<?x3xf64>
  func.return %r : tensor<?x3xf64>
}

// A size that is an input is loaded and checked; a tensor value is broadcast and copied.
// CHECK-LABEL: func.func @alloc_from_shape_no_match
// CHECK:         %[[V:.*]] = memref.load %n[]
// CHECK-NEXT:    %[[N:.*]] = arith.index_cast %[[V]] : i64 to index
// CHECK:         loop.check {{.*}} message = "mt.alloc: negative dimensions are not allowed (got {0})"
// CHECK:         loop.check {{.*}} message = "mt.alloc: array is too big
// CHECK:         %[[O:.*]] = loop.alloc_output(%[[N]])
// CHECK:         loop.check {{.*}} message = "mt.alloc: input 'v' has size {1} along axis 1 where the result has size {0}"
// CHECK-NEXT:    %[[B:.*]] = loop.broadcast
// CHECK-NEXT:    loop.elemwise ins(%[[B]] : {{.*}}) outs(%[[O]]
func.func @alloc_from_shape_no_match(%v: tensor<?xf32>, %n: tensor<i64>) -> tensor<?x5xf32> {
  %r = mt.alloc %v, %n {shape = array<i64: -1, 5>} : tensor<?xf32>, tensor<i64> -> tensor<?x5xf32>
  func.return %r : tensor<?x5xf32>
}

// A run-time -1 is inferred from the element count; only the dynamic entry is checked.
// CHECK-LABEL: func.func @dyn_reshape
// CHECK:         memref.load %n[]
// CHECK:         loop.check {{.*}} message = "mt.dyn_reshape: negative dimensions are not allowed (got {0})"
// CHECK-NOT:     negative dimensions
// CHECK:         loop.check {{.*}} message = "mt.dyn_reshape: can only specify one unknown dimension (-1)"
// CHECK:         loop.check {{.*}} message = "mt.dyn_reshape: cannot reshape an array of size {0} into the requested shape"
// CHECK:         loop.reshape {{.*}} : memref<?x?xf64> -> memref<?x4xf64>
func.func @dyn_reshape(%x: tensor<?x?xf64>, %n: tensor<i64>) -> tensor<?x4xf64> {
  %r = mt.dyn_reshape %x, %n {shape = array<i64: -1, 4>} : tensor<?x?xf64>, tensor<i64> -> tensor<?x4xf64>
  func.return %r : tensor<?x4xf64>
}

// Each operand is converted into its box of one fresh buffer.
// CHECK-LABEL: func.func @join
// CHECK:         %[[O:.*]] = loop.alloc_output
// CHECK:         %[[A:.*]] = loop.slice %[[O]][
// CHECK-NEXT:    loop.elemwise ins(%a : {{.*}}) outs(%[[A]]
// CHECK:           arith.extf
// CHECK:         %[[B:.*]] = loop.slice %[[O]][
// CHECK-NEXT:    loop.elemwise ins(%b : {{.*}}) outs(%[[B]]
func.func @join(%a: tensor<?x3xf32>, %b: tensor<?x3xf64>) -> tensor<?x3xf64> {
  %r = mt.join %a, %b {axis = 0 : i64} : tensor<?x3xf32>, tensor<?x3xf64> -> tensor<?x3xf64>
  func.return %r : tensor<?x3xf64>
}

// CHECK-LABEL: func.func @eye
// CHECK:         loop.elemwise ins() outs(
// CHECK-NEXT:      %[[I:.*]] = loop.index {dim = 0 : index}
// CHECK-NEXT:      %[[J:.*]] = loop.index {dim = 1 : index}
// CHECK:           arith.subi %[[J]], %[[I]] : index
func.func @eye(%n: tensor<i64>) -> tensor<?x4xf32> {
  %r = mt.eye %n {shape = array<i64: -1, 4>, k = 1 : i64} : (tensor<i64>) -> tensor<?x4xf32>
  func.return %r : tensor<?x4xf32>
}

// Integer lengths use exact unsigned arithmetic after the zero-step check.
// CHECK-LABEL: func.func @arange
// CHECK:         loop.check {{.*}} message = "mt.arange: step cannot be zero"
// CHECK:         arith.divui
// CHECK:         loop.check {{.*}} message = "mt.arange: maximum allowed size exceeded
// CHECK:         loop.elemwise ins() outs(
// CHECK-NEXT:      loop.index {dim = 0 : index}
// CHECK:           arith.trunci {{.*}} : i64 to i32
func.func @arange(%a: tensor<i32>, %b: tensor<i32>, %s: tensor<i32>) -> tensor<?xi32> {
  %r = mt.arange %a, %b, %s : tensor<i32>, tensor<i32>, tensor<i32> -> tensor<?xi32>
  func.return %r : tensor<?xi32>
}

// Two loops in the function: sum and check the counts, then copy broadcast slices.
// CHECK-LABEL: func.func @repeat
// CHECK:         scf.for
// CHECK:           loop.check {{.*}} message = "mt.repeat: negative repeat count {0}"
// CHECK:         %[[O:.*]] = loop.alloc_output
// CHECK:         scf.for
// CHECK:           %[[S:.*]] = loop.slice %x[
// CHECK-NEXT:      %[[B:.*]] = loop.broadcast %[[S]]
// CHECK-NEXT:      %[[D:.*]] = loop.slice %[[O]][
// CHECK-NEXT:      loop.elemwise ins(%[[B]] : {{.*}}) outs(%[[D]]
func.func @repeat(%x: tensor<?x2xf64>, %c: tensor<?xi64>) -> tensor<?x2xf64> {
  %r = mt.repeat %x, %c {axis = 0 : i64} : tensor<?x2xf64>, tensor<?xi64> -> tensor<?x2xf64>
  func.return %r : tensor<?x2xf64>
}

// CHECK-LABEL: func.func @alloc_diag
// CHECK:         %[[O:.*]] = loop.alloc_output
// CHECK:         %[[D:.*]] = loop.diagonal %[[O]][
// CHECK-NEXT:    loop.elemwise ins(%v : {{.*}}) outs(%[[D]]
func.func @alloc_diag(%v: tensor<?xf64>) -> tensor<?x?xf64> {
  %r = mt.alloc_diag %v {offset = 1 : i64} : tensor<?xf64> -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @extract_diag
// CHECK:         loop.diagonal %x[{{.*}}] : memref<?x?xf64, {{.*}}> -> memref<?xf64, strided<[?], offset: ?>>
// CHECK-NOT:     loop.elemwise ins(%x
func.func @extract_diag(%x: tensor<?x?xf64>) -> tensor<?xf64> {
  %r = mt.extract_diag %x {offset = -1 : i64} : tensor<?x?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// Piece 1 starts after piece 0: a view of x after the sizes are checked.
// CHECK-LABEL: func.func @split
// CHECK:         %[[S0:.*]] = arith.index_cast
// CHECK:         loop.check {{.*}} message = "mt.split: split sizes must be non-negative (got {0})"
// CHECK:         %[[S1:.*]] = arith.index_cast
// CHECK:         %[[OFF:.*]] = arith.addi %{{.*}}, %[[S0]]
// CHECK:         loop.check {{.*}} message = "mt.split: the split sizes sum to {0}, but the axis has size {1}"
// CHECK-NEXT:    loop.slice %x[%[[OFF]], %[[S1]], %{{.*}}] {keep = array<i64: 0>}
func.func @split(%x: tensor<?xf64>, %s: tensor<2xi64>) -> tensor<?xf64> {
  %r = mt.split %x, %s {axis = 0 : i64, n = 2 : i64, index = 1 : i64} : tensor<?xf64>, tensor<2xi64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// The refined type is a view; each dim is checked.
// CHECK-LABEL: func.func @specify_shape
// CHECK:         loop.check {{.*}} message = "mt.specify_shape: input 'x' has size {1} along axis 0, but size {0} was specified"
// CHECK:         loop.check {{.*}} message = "mt.specify_shape: input 'x' has size {1} along axis 1, but size {0} was specified"
// CHECK-NEXT:    loop.slice %x[{{.*}}] {keep = array<i64: 0, 1>} : {{.*}} -> memref<?x1xf64, strided<[?, ?], offset: ?>>
func.func @specify_shape(%x: tensor<?x?xf64>, %n: tensor<i64>) -> tensor<?x1xf64> {
  %r = mt.specify_shape %x, %n {shape = array<i64: -1, 1>} : tensor<?x?xf64>, tensor<i64> -> tensor<?x1xf64>
  func.return %r : tensor<?x1xf64>
}

// Equal types need no view.
// CHECK-LABEL: func.func @specify_shape_no_match
// CHECK-NOT:     loop.slice
// CHECK:         loop.elemwise ins(%x
func.func @specify_shape_no_match(%x: tensor<?x1xf64>, %n: tensor<i64>) -> tensor<?x1xf64> {
  %r = mt.specify_shape %x, %n {shape = array<i64: -1, 1>} : tensor<?x1xf64>, tensor<i64> -> tensor<?x1xf64>
  func.return %r : tensor<?x1xf64>
}

// A static shape needs no size operand and no size check.
// CHECK-LABEL: func.func @eye_static_no_match
// CHECK-NOT:     loop.check
// CHECK:         loop.alloc_output() {index = 0 : i64} : memref<2x2xi8>
func.func @eye_static_no_match() -> tensor<2x2xi8> {
  %r = mt.eye {shape = array<i64: 2, 2>, k = 0 : i64} : () -> tensor<2x2xi8>
  func.return %r : tensor<2x2xi8>
}
