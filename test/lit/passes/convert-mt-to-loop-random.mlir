// RUN: mlc-opt %s -p convert-mt-to-loop | filecheck %s

// A sampler reads key, counter and stream from its state and draws element f at
// counter + f inside one elementwise kernel; a state of dynamic length is checked first.
// CHECK-LABEL: func.func @uniform
// CHECK:         loop.check {{.*}}the random state must have {0} entries
// CHECK-DAG:     %[[KEY:.*]] = memref.load %s[%{{.*}}]
// CHECK-DAG:     %[[CTR:.*]] = memref.load %s[%{{.*}}]
// CHECK-DAG:     %[[STREAM:.*]] = memref.load %s[%{{.*}}]
// CHECK:         loop.elemwise ins(%{{.*}}, %{{.*}} : {{.*}}) outs(%{{.*}} : memref<4xf64>)
// CHECK:           %[[F:.*]] = loop.index {dim = 0 : index}
// CHECK:           %[[F64:.*]] = arith.index_cast %[[F]] : index to i64
// CHECK:           %[[C:.*]] = arith.addi %[[CTR]], %[[F64]] : i64
// CHECK:           loop.rand_uniform %[[KEY]], %[[C]], %[[STREAM]], %{{.*}}, %{{.*}} : f64, f64 -> f64
func.func @uniform(%s: tensor<?xi64>, %lo: tensor<1xf64>, %hi: tensor<1xf64>) -> tensor<4xf64> {
  %u = mt.random_uniform %s, %lo, %hi {shape = array<i64: 4>} : (tensor<?xi64>, tensor<1xf64>, tensor<1xf64>) -> tensor<4xf64>
  func.return %u : tensor<4xf64>
}

// -----
// A dynamic size comes from a 0-d operand (checked >= 0); a parameter that is not a
// constant is checked by a reduction before the draws.
// CHECK-LABEL: func.func @normal_checks_std
// CHECK:         arith.extsi %{{.*}} : i32 to i64
// CHECK:         loop.check {{.*}}negative dimensions are not allowed
// CHECK:         loop.reduce ins(%sd : {{.*}}) outs(%{{.*}} : memref<i64>)
// CHECK:           arith.cmpf uge
// CHECK:         loop.check {{.*}}std must not be negative
// CHECK:         loop.rand_normal {{.*}} : f32, f32 -> f32
func.func @normal_checks_std(%s: tensor<?xi64>, %m: tensor<1xf32>, %sd: tensor<?xf32>, %n: tensor<i32>) -> tensor<?xf32> {
  %z = mt.random_normal %s, %m, %sd, %n {shape = array<i64: -1>} : (tensor<?xi64>, tensor<1xf32>, tensor<?xf32>, tensor<i32>) -> tensor<?xf32>
  func.return %z : tensor<?xf32>
}

// -----
// A valid constant parameter and a state of static length 3 need no run-time checks.
// CHECK-LABEL: func.func @normal_checks_std_no_match
// CHECK-NOT:     loop.check
// CHECK-NOT:     loop.reduce
// CHECK:         loop.rand_normal {{.*}} : f64, f64 -> f64
// CHECK:         func.return
func.func @normal_checks_std_no_match(%s: tensor<3xi64>, %m: tensor<1xf64>) -> tensor<2xf64> {
  %sd = mt.constant {value = dense<[0.5]> : tensor<1xf64>} : tensor<1xf64>
  %z = mt.random_normal %s, %m, %sd {shape = array<i64: 2>} : (tensor<3xi64>, tensor<1xf64>, tensor<1xf64>) -> tensor<2xf64>
  func.return %z : tensor<2xf64>
}

// -----
// Two parameters tested together (low < high) get a verdict kernel over the broadcast
// index space; the draw is in i64 and narrowed to the result's dtype.
// CHECK-LABEL: func.func @integers
// CHECK:         loop.elemwise ins({{.*}}) outs(%{{.*}} : memref<2x3xi1>)
// CHECK:           arith.cmpi slt
// CHECK:         loop.check {{.*}}low must be less than high
// CHECK:         loop.rand_integers {{.*}} : i64, i64 -> i64
// CHECK-NEXT:    arith.trunci %{{.*}} : i64 to i32
func.func @integers(%s: tensor<?xi64>, %lo: tensor<1x1xi8>, %hi: tensor<1x?xi64>) -> tensor<2x3xi32> {
  %r = mt.random_integers %s, %lo, %hi {shape = array<i64: 2, 3>} : (tensor<?xi64>, tensor<1x1xi8>, tensor<1x?xi64>) -> tensor<2x3xi32>
  func.return %r : tensor<2x3xi32>
}

// -----
// CHECK-LABEL: func.func @binomial
// CHECK:         loop.check {{.*}}n must not be negative
// CHECK:         loop.check {{.*}}p must be in [0, 1]
// CHECK:         %[[P:.*]] = arith.extf %{{.*}} : f32 to f64
// CHECK:         %[[B:.*]] = loop.rand_binomial %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[P]] : i64, f64 -> i64
// CHECK:         arith.sitofp %[[B]] : i64 to f32
func.func @binomial(%s: tensor<?xi64>, %n: tensor<1xi64>, %p: tensor<1xf32>) -> tensor<5xf32> {
  %b = mt.random_binomial %s, %n, %p {shape = array<i64: 5>} : (tensor<?xi64>, tensor<1xi64>, tensor<1xf32>) -> tensor<5xf32>
  func.return %b : tensor<5xf32>
}

// -----
// Each row is shuffled in place in the result; position i of row r swaps with a draw in
// [i, n) at counter + r*n + i.
// CHECK-LABEL: func.func @permutation
// CHECK:         %[[OUT:.*]] = loop.alloc_output(%{{.*}}) {index = 0 : i64} : memref<2x?xi64>
// CHECK:         loop.shuffle ins() outs(%[[OUT]] : memref<2x?xi64>) {
// CHECK:           %[[I:.*]] = loop.index {dim = 1 : index}
// CHECK:           %[[LO:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK:           arith.muli
// CHECK:           %[[J:.*]] = loop.rand_integers %{{.*}}, %{{.*}}, %{{.*}}, %[[LO]], %{{.*}} : i64, i64 -> i64
// CHECK-NEXT:      loop.yield %[[J]] : i64
func.func @permutation(%s: tensor<?xi64>, %n: tensor<i64>) -> tensor<2x?xi64> {
  %p = mt.random_permutation %s, %n {shape = array<i64: 2, -1>} : (tensor<?xi64>, tensor<i64>) -> tensor<2x?xi64>
  func.return %p : tensor<2x?xi64>
}

// -----
// Without replacement: a shuffled index buffer, then a kernel reading rows of `a`.
// CHECK-LABEL: func.func @choice_without_replacement
// CHECK:         loop.check {{.*}}the population must not be empty
// CHECK:         loop.check {{.*}}cannot take a sample of {0} from a population of {1} without replacement
// CHECK:         %[[IDX:.*]] = memref.alloc(%{{.*}}) : memref<?xi64>
// CHECK:         loop.shuffle ins() outs(%[[IDX]] : memref<?xi64>)
// CHECK:         loop.elemwise ins() outs(%{{.*}} : memref<3x2xf64>) {
// CHECK:           %[[J:.*]] = memref.load %[[IDX]][%{{.*}}] : memref<?xi64>
// CHECK:           %[[ROW:.*]] = arith.index_cast %[[J]] : i64 to index
// CHECK:           %[[COL:.*]] = loop.index {dim = 1 : index}
// CHECK:           memref.load %a[%[[ROW]], %[[COL]]]
func.func @choice_without_replacement(%s: tensor<?xi64>, %a: tensor<?x2xf64>) -> tensor<3x2xf64> {
  %c = mt.random_choice %s, %a {shape = array<i64: 3>, replace = false} : (tensor<?xi64>, tensor<?x2xf64>) -> tensor<3x2xf64>
  func.return %c : tensor<3x2xf64>
}

// -----
// With replacement from a count: no shuffle, the kernel draws each index directly.
// CHECK-LABEL: func.func @choice_with_replacement_no_match
// CHECK-NOT:     loop.shuffle
// CHECK-NOT:     without replacement
// CHECK:         loop.elemwise ins() outs(%{{.*}} : memref<3xi64>) {
// CHECK:           %[[J:.*]] = loop.rand_integers {{.*}} : i64, i64 -> i64
// CHECK-NEXT:      loop.yield %[[J]] : i64
func.func @choice_with_replacement_no_match(%s: tensor<?xi64>, %a: tensor<i64>) -> tensor<3xi64> {
  %c = mt.random_choice %s, %a {shape = array<i64: 3>, replace = true} : (tensor<?xi64>, tensor<i64>) -> tensor<3xi64>
  func.return %c : tensor<3xi64>
}

// -----
// p becomes a float64 scratch copy, checked like NumPy, then loop.weighted_choice.
// CHECK-LABEL: func.func @weighted_choice
// CHECK:         loop.check {{.*}}a and p must have the same size
// CHECK:         %[[W:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK:         arith.extf
// CHECK:         loop.check {{.*}}probabilities must not be negative or NaN
// CHECK:         math.absf
// CHECK:         loop.check {{.*}}probabilities do not sum to 1 (within 0.000345)
// CHECK:         loop.check {{.*}}probabilities are non-zero
// CHECK:         loop.weighted_choice ins(%[[W]] : memref<?xf64>) outs(%{{.*}} : memref<?xi64>) attributes {replace = false} {
// CHECK:           loop.rand_uniform {{.*}} : f64, f64 -> f64
func.func @weighted_choice(%s: tensor<?xi64>, %a: tensor<i64>, %p: tensor<?xf32>) -> tensor<3xi64> {
  %c = mt.random_weighted_choice %s, %a, %p {shape = array<i64: 3>, replace = false} : (tensor<?xi64>, tensor<i64>, tensor<?xf32>) -> tensor<3xi64>
  func.return %c : tensor<3xi64>
}
