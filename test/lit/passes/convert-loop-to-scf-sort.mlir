// RUN: mlc-opt %s -p convert-loop-to-scf | filecheck %s

// Sorting and diagonal views are not kernels: they stay for the C emitter.
// CHECK-LABEL: func.func @sort_no_match
// CHECK-NEXT:    loop.sort %x, %o {axis = 1 : i64, arg = false}
// CHECK-NEXT:    loop.diagonal
// CHECK-NOT:     func.call
func.func @sort_no_match(%x: memref<?x?xf64>, %o: memref<?x?xf64>, %n: index) {
  loop.sort %x, %o {axis = 1 : i64, arg = false} : memref<?x?xf64>, memref<?x?xf64>
  %d = loop.diagonal %o [%n, %n, %n] : memref<?x?xf64> -> memref<?xf64, strided<[?], offset: ?>>
  func.return
}
