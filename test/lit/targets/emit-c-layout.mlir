// RUN: mlc-opt %s --pipeline lower -t c | filecheck %s

// The emitted library states its argument layout for the runtime's check (dtype kind and
// item size, then rank, per argument and result; the size of the message table), and
// frees its scratch arena in mlc_release, which the runtime calls before dlclose.
// CHECK:       static void *mlc_arena[[[N:[0-9]+]]];
// CHECK:       int64_t mlc_entry(
// CHECK:       void mlc_release(void) {
// CHECK-NEXT:    for (int k = 0; k < [[N]]; ++k) {
// CHECK-NEXT:      free(mlc_arena[k]);
// CHECK:       const char mlc_layout[] = "args=f8:2,i4:0;results=f8:1,b1:2;messages={{[0-9]+}}";
func.func @main(%x: tensor<?x?xf64>, %n: tensor<i32>) -> (tensor<?xf64>, tensor<?x?xi1>) {
  %0 = mt.exp %x : tensor<?x?xf64> -> tensor<?x?xf64>
  %1 = mt.sum %0 {axes = array<i64: 0>} : tensor<?x?xf64> -> tensor<?xf64>
  %2 = mt.dimshuffle %n {pattern = array<i64: -1>} : tensor<i32> -> tensor<1xi32>
  %3 = mt.mul %1, %2 : tensor<?xf64>, tensor<1xi32> -> tensor<?xf64>
  %4 = mt.constant {value = dense<0.000000e+00> : tensor<1x1xf64>} : tensor<1x1xf64>
  %5 = mt.eq %x, %4 : tensor<?x?xf64>, tensor<1x1xf64> -> tensor<?x?xi1>
  func.return %3, %5 : tensor<?xf64>, tensor<?x?xi1>
}
