// RUN: mlc-opt %s -p convert-mt-to-loop | filecheck %s

// A strided input is copied to a contiguous buffer first.
// CHECK-LABEL: func.func @argsort
// CHECK:         %[[C:.*]] = memref.alloc
// CHECK-NEXT:    loop.elemwise ins(%x
// CHECK:         %[[O:.*]] = loop.alloc_output
// CHECK-NEXT:    loop.sort %[[C]], %[[O]] {axis = 0 : i64, arg = true}
func.func @argsort(%x: tensor<?x?xf32>) -> tensor<?x?xi64> {
  %r = mt.argsort %x {axis = 0 : i64} : tensor<?x?xf32> -> tensor<?x?xi64>
  func.return %r : tensor<?x?xi64>
}
