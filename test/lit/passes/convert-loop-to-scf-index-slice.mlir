// RUN: mlc-opt %s -p convert-loop-to-scf | filecheck %s
// RUN: mlc-opt %s -p convert-loop-to-scf,canonicalize -t c | filecheck %s --check-prefix=C

// loop.index becomes the loop variable of its dimension.
// CHECK-LABEL: func.func private @iota_k0
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[V:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK-NEXT:      memref.store %[[V]], %{{.*}}[%[[I]]]

// A slice view: pointer offset from the source strides, steps scale the strides.
// C-LABEL: int64_t mlc_entry
// C:         int64_t *view{{[0-9]+}} = {{.*}} + ({{.*}} * {{.*}});
func.func @iota(%x: memref<?xi64, strided<[?], offset: ?>>) -> memref<?xi64> {
  %0 = arith.constant 0 : index
  %o = arith.constant 1 : index
  %n = arith.constant 2 : index
  %s = arith.constant 3 : index
  %v = loop.slice %x [%o, %n, %s] {keep = array<i64: 0>} : memref<?xi64, strided<[?], offset: ?>> -> memref<?xi64, strided<[?], offset: ?>>
  %1 = memref.dim %v, %0 : memref<?xi64, strided<[?], offset: ?>>
  %r = loop.alloc_output(%1) {index = 0 : i64} : memref<?xi64>
  loop.elemwise ins() outs(%r : memref<?xi64>) {
    %i = loop.index {dim = 0 : index}
    %c = arith.index_cast %i : index to i64
    loop.yield %c : i64
  }
  func.return %r : memref<?xi64>
}
