// RUN: mlc-opt %s | mlc-opt | filecheck %s

// mt.scan and mt.scan_yield print and parse back (two taps of one state, one plain output).
// CHECK-LABEL: func.func @fibonacci
// CHECK:         %{{.*}}, %{{.*}} = mt.scan %{{.*}}, %{{.*}} {
// CHECK:         ^{{.*}}(%[[A:.*]]: tensor<f64>, %[[B:.*]]: tensor<f64>):
// CHECK:           mt.scan_yield %{{.*}}, %{{.*}} : tensor<f64>, tensor<f64>
// CHECK:         } {n_seqs = 0 : i64, n_outs = 1 : i64, taps = array<i64: -2, -1>, tap_counts = array<i64: 2>}
func.func @fibonacci(%n: tensor<i64>, %init: tensor<2xf64>) -> tensor<?xf64> {
  %s, %y = mt.scan %n, %init {
  ^bb0(%a: tensor<f64>, %b: tensor<f64>):
    %c = mt.add %a, %b : tensor<f64>, tensor<f64> -> tensor<f64>
    %d = mt.mul %a, %b : tensor<f64>, tensor<f64> -> tensor<f64>
    mt.scan_yield %c, %d : tensor<f64>, tensor<f64>
  } {n_seqs = 0 : i64, n_outs = 1 : i64, taps = array<i64: -2, -1>, tap_counts = array<i64: 2>} : (tensor<i64>, tensor<2xf64>) -> (tensor<?xf64>, tensor<?xf64>)
  func.return %s : tensor<?xf64>
}
