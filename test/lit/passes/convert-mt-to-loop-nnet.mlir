// RUN: mlc-opt %s --split-input-file -p convert-mt-to-loop | filecheck %s

// softmax: a max reduction, a sum of exp(x - max) over two inputs (x and the row max
// broadcast back), then one normalizing kernel; float32 sums accumulate in float64.
// CHECK-LABEL: func.func @softmax
// CHECK:         loop.reduce ins(%x : {{.*}}) outs(%[[M:.*]] : memref<?xf32>) attributes {axes = array<i64: 1>, init = 0xff800000 : f32}
// CHECK:           arith.maximumf
// CHECK:         %[[MV:.*]] = loop.dimshuffle %[[M]] {pattern = array<i64: 0, -1>}
// CHECK-NEXT:    %[[MB:.*]] = loop.broadcast %[[MV]] to
// CHECK:         loop.reduce ins(%x, %[[MB]] : {{.*}}) outs(%[[S:.*]] : memref<?xf32>) attributes {axes = array<i64: 1>, init = 0.000000e+00 : f64}
// CHECK:           arith.subf
// CHECK-NEXT:      math.exp
// CHECK-NEXT:      arith.extf
// CHECK-NEXT:      arith.addf {{.*}} : f64
// CHECK:         %[[O:.*]] = loop.alloc_output
// CHECK-NEXT:    loop.elemwise ins(%x, %[[MB]], %{{.*}} : {{.*}}) outs(%[[O]] : memref<?x?xf32>)
// CHECK:           math.exp
// CHECK-NEXT:      arith.divf
// CHECK-NOT:     loop.reduce
func.func @softmax(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %r = mt.softmax %x {axis = 1 : i64} : tensor<?x?xf32> -> tensor<?x?xf32>
  func.return %r : tensor<?x?xf32>
}

// -----

// float64 needs no conversion and no wider accumulator.
// CHECK-LABEL: func.func @softmax_f64_no_match
// CHECK-NOT:     arith.extf
// CHECK-NOT:     arith.sitofp
// CHECK:         func.return
func.func @softmax_f64_no_match(%x: tensor<?xf64>) -> tensor<?xf64> {
  %r = mt.softmax %x {axis = 0 : i64} : tensor<?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// -----

// log_softmax: a non-finite row max is replaced by 0; integers convert inside the
// kernel bodies (no copy); the output is (x - m) - log(s).
// CHECK-LABEL: func.func @log_softmax
// CHECK:         loop.reduce ins(%x : {{.*}}) {{.*}} {axes = array<i64: 0>
// CHECK:           arith.sitofp
// CHECK-NEXT:      arith.maximumf
// CHECK:         loop.elemwise
// CHECK:           math.absf
// CHECK:           arith.cmpf olt
// CHECK:           arith.select
// CHECK:         loop.reduce ins(%x, %{{.*}})
// CHECK:         loop.elemwise
// CHECK:           math.log
// CHECK:         loop.elemwise ins(%x,
// CHECK:           arith.sitofp
// CHECK-NEXT:      arith.subf
// CHECK-NEXT:      arith.subf
func.func @log_softmax(%x: tensor<?x?xi32>) -> tensor<?x?xf64> {
  %r = mt.log_softmax %x {axis = 0 : i64} : tensor<?x?xi32> -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// -----

// logsumexp ends with log(s) + m on the reduced shape.
// CHECK-LABEL: func.func @logsumexp
// CHECK:         loop.reduce ins(%x : {{.*}}) {{.*}} {axes = array<i64: 0, 2>
// CHECK:         loop.reduce ins(%x, %{{.*}}) {{.*}} {axes = array<i64: 0, 2>
// CHECK:         %[[O:.*]] = loop.alloc_output
// CHECK-NEXT:    loop.elemwise ins({{.*}}) outs(%[[O]] : memref<?xf64>)
// CHECK:           math.log
// CHECK-NEXT:      arith.addf
func.func @logsumexp(%x: tensor<?x?x?xf64>) -> tensor<?xf64> {
  %r = mt.logsumexp %x {axes = array<i64: 0, 2>} : tensor<?x?x?xf64> -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// -----

// softplus is elementwise: log1p(exp(-|x|)) + max(x, 0).
// CHECK-LABEL: func.func @softplus
// CHECK:         loop.elemwise
// CHECK:           math.absf
// CHECK-NEXT:      arith.negf
// CHECK-NEXT:      math.exp
// CHECK-NEXT:      math.log1p
// CHECK:           arith.maximumf
// CHECK-NEXT:      arith.addf
func.func @softplus(%x: tensor<?xf32>) -> tensor<?xf32> {
  %r = mt.softplus %x : tensor<?xf32> -> tensor<?xf32>
  func.return %r : tensor<?xf32>
}

// -----

// one_hot: the class count (here the size of %p's axis 1) is checked, the labels' min
// and max are range-checked, then the class position (loop.index) is compared with the label.
// CHECK-LABEL: func.func @one_hot
// CHECK:         %[[N:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<2xi64>
// CHECK:         loop.check {{.*}} {kind = "ValueError", message = "mt.one_hot: the number of classes must be >= 0, got {0}"}
// CHECK:         arith.minsi
// CHECK:         loop.check {{.*}} {kind = "IndexError", message = "mt.one_hot: label {0} is out of range for {1} classes"}
// CHECK:         arith.maxsi
// CHECK:         loop.check {{.*}} {kind = "IndexError"
// CHECK:         loop.elemwise
// CHECK:           loop.index {dim = 1 : index}
// CHECK:           arith.cmpi eq
// CHECK-NEXT:      arith.uitofp {{.*}} : i1 to f32
func.func @one_hot(%y: tensor<?xi32>, %p: tensor<?x?xf64>) -> tensor<?x?xf32> {
  %s = mt.shape %p : tensor<?x?xf64> -> tensor<2xi64>
  %r = mt.one_hot %y, %s {axis = 1 : i64} : tensor<?xi32>, tensor<2xi64> -> tensor<?x?xf32>
  func.return %r : tensor<?x?xf32>
}
