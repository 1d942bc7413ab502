// RUN: mlc-opt %s --split-input-file -p insert-blas | filecheck %s

// A float64 matrix-matrix multiply-accumulate becomes one blas.gemm on the same buffers.
// CHECK-LABEL: func.func @gemm
// CHECK:         blas.gemm %a, %b, %{{.*}} {alpha = 1.000000e+00 : f64, beta = 0.000000e+00 : f64, trans_a = false, trans_b = false}
// CHECK-NOT:     loop.matmul
func.func @gemm(%a: memref<?x?xf64, strided<[?, ?], offset: ?>>, %b: memref<?x?xf64>, %m: index, %n: index) -> memref<?x?xf64> {
  %c = loop.alloc_output(%m, %n) {index = 0 : i64} : memref<?x?xf64>
  loop.matmul ins(%a, %b : memref<?x?xf64, strided<[?, ?], offset: ?>>, memref<?x?xf64>) outs(%c : memref<?x?xf64>) {
  ^bb0(%acc: f64, %x: f64, %y: f64):
    %p = arith.mulf %x, %y : f64
    %s = arith.addf %acc, %p : f64
    loop.yield %s : f64
  }
  func.return %c : memref<?x?xf64>
}

// -----

// Strides need no static check (here neither inner stride is unit): the emitted C reads
// them at run time and copies an operand BLAS cannot take. Operands of the body's ops
// may come in either order.
// CHECK-LABEL: func.func @gemm_strided_f32
// CHECK:         blas.gemm %a, %b, %{{.*}} {{.*}} : memref<4x3xf32, strided<[6, 2]>>, memref<3x5xf32, strided<[1, 3]>>, memref<4x5xf32>
// CHECK-NOT:     loop.matmul
func.func @gemm_strided_f32(%a: memref<4x3xf32, strided<[6, 2]>>, %b: memref<3x5xf32, strided<[1, 3]>>) -> memref<4x5xf32> {
  %c = memref.alloc() : memref<4x5xf32>
  loop.matmul ins(%a, %b : memref<4x3xf32, strided<[6, 2]>>, memref<3x5xf32, strided<[1, 3]>>) outs(%c : memref<4x5xf32>) {
  ^bb0(%acc: f32, %x: f32, %y: f32):
    %p = arith.mulf %y, %x : f32
    %s = arith.addf %p, %acc : f32
    loop.yield %s : f32
  }
  func.return %c : memref<4x5xf32>
}

// -----

// Matrix-vector is gemv; vector-matrix is gemv on the transposed matrix; vector-vector
// is dot into a rank-0 buffer.
// CHECK-LABEL: func.func @gemv_dot
// CHECK:         blas.gemv %a, %v, %{{.*}} {alpha = 1.000000e+00 : f64, beta = 0.000000e+00 : f64, trans = false}
// CHECK:         blas.gemv %a, %w, %{{.*}} {alpha = 1.000000e+00 : f64, beta = 0.000000e+00 : f64, trans = true}
// CHECK:         blas.dot %v, %v, %{{.*}} {alpha = 1.000000e+00 : f64, beta = 0.000000e+00 : f64}
// CHECK-NOT:     loop.matmul
func.func @gemv_dot(%a: memref<4x3xf64>, %v: memref<3xf64>, %w: memref<4xf64>) -> (memref<4xf64>, memref<3xf64>, memref<f64>) {
  %y = memref.alloc() : memref<4xf64>
  loop.matmul ins(%a, %v : memref<4x3xf64>, memref<3xf64>) outs(%y : memref<4xf64>) {
  ^bb0(%acc: f64, %x: f64, %z: f64):
    %p = arith.mulf %x, %z : f64
    %s = arith.addf %acc, %p : f64
    loop.yield %s : f64
  }
  %u = memref.alloc() : memref<3xf64>
  loop.matmul ins(%w, %a : memref<4xf64>, memref<4x3xf64>) outs(%u : memref<3xf64>) {
  ^bb0(%acc: f64, %x: f64, %z: f64):
    %p = arith.mulf %x, %z : f64
    %s = arith.addf %acc, %p : f64
    loop.yield %s : f64
  }
  %d = memref.alloc() : memref<f64>
  loop.matmul ins(%v, %v : memref<3xf64>, memref<3xf64>) outs(%d : memref<f64>) {
  ^bb0(%acc: f64, %x: f64, %z: f64):
    %p = arith.mulf %x, %z : f64
    %s = arith.addf %acc, %p : f64
    loop.yield %s : f64
  }
  func.return %y, %u, %d : memref<4xf64>, memref<3xf64>, memref<f64>
}

// -----

// Integer products stay loops: BLAS has no integer GEMM.
// CHECK-LABEL: func.func @int_no_match
// CHECK:         loop.matmul
// CHECK-NOT:     blas.
func.func @int_no_match(%a: memref<4x3xi64>, %b: memref<3x5xi64>) -> memref<4x5xi64> {
  %c = memref.alloc() : memref<4x5xi64>
  loop.matmul ins(%a, %b : memref<4x3xi64>, memref<3x5xi64>) outs(%c : memref<4x5xi64>) {
  ^bb0(%acc: i64, %x: i64, %y: i64):
    %p = arith.muli %x, %y : i64
    %s = arith.addi %acc, %p : i64
    loop.yield %s : i64
  }
  func.return %c : memref<4x5xi64>
}

// -----

// A body other than acc + x * y (here a max-plus product) is not a GEMM.
// CHECK-LABEL: func.func @maxplus_no_match
// CHECK:         loop.matmul
// CHECK-NOT:     blas.
func.func @maxplus_no_match(%a: memref<4x3xf64>, %b: memref<3x5xf64>) -> memref<4x5xf64> {
  %c = memref.alloc() : memref<4x5xf64>
  loop.matmul ins(%a, %b : memref<4x3xf64>, memref<3x5xf64>) outs(%c : memref<4x5xf64>) {
  ^bb0(%acc: f64, %x: f64, %y: f64):
    %p = arith.addf %x, %y : f64
    %s = arith.maximumf %acc, %p : f64
    loop.yield %s : f64
  }
  func.return %c : memref<4x5xf64>
}

// -----

// x * x + acc squares one operand: not a product of the two inputs.
// CHECK-LABEL: func.func @square_no_match
// CHECK:         loop.matmul
// CHECK-NOT:     blas.
func.func @square_no_match(%a: memref<4x3xf64>, %b: memref<3x5xf64>) -> memref<4x5xf64> {
  %c = memref.alloc() : memref<4x5xf64>
  loop.matmul ins(%a, %b : memref<4x3xf64>, memref<3x5xf64>) outs(%c : memref<4x5xf64>) {
  ^bb0(%acc: f64, %x: f64, %y: f64):
    %p = arith.mulf %x, %x : f64
    %s = arith.addf %acc, %p : f64
    loop.yield %s : f64
  }
  func.return %c : memref<4x5xf64>
}
