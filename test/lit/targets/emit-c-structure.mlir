// RUN: mlc-opt %s -t c | filecheck %s

// Views only rewrite descriptors: a diagonal view steps by the sum of the strides.
// CHECK-LABEL: int64_t mlc_entry
// CHECK:         double *[[V:view[0-9]+]] = [[O:.*]] + ({{.*}} * {{.*}} + {{.*}} * 1);
// CHECK-NEXT:    const int64_t {{.*}} = {{.*}} + 1;
func.func @main(%x: memref<?x?xf64>) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n0 = memref.dim %x, %c0 : memref<?x?xf64>
  %n1 = memref.dim %x, %c1 : memref<?x?xf64>
  %o = loop.alloc_output(%n0, %n1) {index = 0 : i64} : memref<?x?xf64>
  %d = loop.diagonal %o [%c1, %c0, %c1] : memref<?x?xf64> -> memref<?xf64, strided<[?], offset: ?>>
  func.return %o : memref<?x?xf64>
}
