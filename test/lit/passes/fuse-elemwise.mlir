// RUN: mlc-opt %s --split-input-file -p fuse-elemwise | filecheck %s

// A chain of three kernels becomes one: exp, then the add (with its f32 -> f64
// conversion), then sin; %x, read by the first and the last kernel, is read once.
// The intermediate buffers are gone.
// CHECK-LABEL: func.func @chain
// CHECK-NOT:     memref.alloc
// CHECK:         %[[O:.*]] = loop.alloc_output
// CHECK-NEXT:    loop.elemwise ins(%x, %y : memref<?xf64, strided<[?], offset: ?>>, memref<?xf32, strided<[?], offset: ?>>) outs(%[[O]] : memref<?xf64>) {
// CHECK-NEXT:    ^bb0(%[[A:.*]]: f64, %[[B:.*]]: f32):
// CHECK-NEXT:      %[[E:.*]] = math.exp %[[A]] : f64
// CHECK-NEXT:      %[[W:.*]] = arith.extf %[[B]] : f32 to f64
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[E]], %[[W]] : f64
// CHECK-NEXT:      %[[N:.*]] = math.sin %[[S]] : f64
// CHECK-NEXT:      %[[M:.*]] = arith.mulf %[[N]], %[[A]] : f64
// CHECK-NEXT:      loop.yield %[[M]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[O]]
func.func @chain(%x: memref<?xf64, strided<[?], offset: ?>>, %y: memref<?xf32, strided<[?], offset: ?>>) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?xf64, strided<[?], offset: ?>>
  %a = memref.alloc(%n) : memref<?xf64>
  loop.elemwise ins(%x : memref<?xf64, strided<[?], offset: ?>>) outs(%a : memref<?xf64>) {
  ^bb0(%v: f64):
    %e = math.exp %v : f64
    loop.yield %e : f64
  }
  %b = memref.alloc(%n) : memref<?xf64>
  loop.elemwise ins(%a, %y : memref<?xf64>, memref<?xf32, strided<[?], offset: ?>>) outs(%b : memref<?xf64>) {
  ^bb0(%v: f64, %w: f32):
    %w64 = arith.extf %w : f32 to f64
    %s = arith.addf %v, %w64 : f64
    loop.yield %s : f64
  }
  %o = loop.alloc_output(%n) {index = 0 : i64} : memref<?xf64>
  loop.elemwise ins(%b, %x : memref<?xf64>, memref<?xf64, strided<[?], offset: ?>>) outs(%o : memref<?xf64>) {
  ^bb0(%v: f64, %u: f64):
    %s = math.sin %v : f64
    %m = arith.mulf %s, %u : f64
    loop.yield %m : f64
  }
  func.return %o : memref<?xf64>
}

// -----

// A consumer that reads the intermediate twice (t * t) and uses loop.index still fuses;
// both reads see the producer's scalar.
// CHECK-LABEL: func.func @square_of_producer
// CHECK:         loop.elemwise ins(%x : memref<4xf64>) outs(%{{.*}} : memref<4xf64>) {
// CHECK-NEXT:    ^bb0(%[[A:.*]]: f64):
// CHECK-NEXT:      %[[T:.*]] = math.tanh %[[A]] : f64
// CHECK-NEXT:      %[[I:.*]] = loop.index {dim = 0 : index}
// CHECK-NEXT:      %[[Q:.*]] = arith.mulf %[[T]], %[[T]] : f64
// CHECK-NEXT:      loop.yield %[[Q]] : f64
// CHECK-NOT:     loop.elemwise
func.func @square_of_producer(%x: memref<4xf64>) -> memref<4xf64> {
  %a = memref.alloc() : memref<4xf64>
  loop.elemwise ins(%x : memref<4xf64>) outs(%a : memref<4xf64>) {
  ^bb0(%v: f64):
    %t = math.tanh %v : f64
    loop.yield %t : f64
  }
  %o = loop.alloc_output() {index = 0 : i64} : memref<4xf64>
  loop.elemwise ins(%a, %a : memref<4xf64>, memref<4xf64>) outs(%o : memref<4xf64>) {
  ^bb0(%p: f64, %q: f64):
    %i = loop.index {dim = 0 : index}
    %s = arith.mulf %p, %q : f64
    loop.yield %s : f64
  }
  func.return %o : memref<4xf64>
}

// -----

// The intermediate has two consumers: it is computed once, not fused into either.
// CHECK-LABEL: func.func @two_users_no_match
// CHECK:         %[[A:.*]] = memref.alloc
// CHECK-NEXT:    loop.elemwise ins(%x : memref<4xf64>) outs(%[[A]] : memref<4xf64>)
// CHECK:         loop.elemwise ins(%[[A]] : memref<4xf64>)
// CHECK:         loop.elemwise ins(%[[A]] : memref<4xf64>)
func.func @two_users_no_match(%x: memref<4xf64>) -> (memref<4xf64>, memref<4xf64>) {
  %a = memref.alloc() : memref<4xf64>
  loop.elemwise ins(%x : memref<4xf64>) outs(%a : memref<4xf64>) {
  ^bb0(%v: f64):
    %e = math.exp %v : f64
    loop.yield %e : f64
  }
  %o = loop.alloc_output() {index = 0 : i64} : memref<4xf64>
  loop.elemwise ins(%a : memref<4xf64>) outs(%o : memref<4xf64>) {
  ^bb0(%v: f64):
    %s = math.sin %v : f64
    loop.yield %s : f64
  }
  %p = loop.alloc_output() {index = 1 : i64} : memref<4xf64>
  loop.elemwise ins(%a : memref<4xf64>) outs(%p : memref<4xf64>) {
  ^bb0(%v: f64):
    %s = math.cos %v : f64
    loop.yield %s : f64
  }
  func.return %o, %p : memref<4xf64>, memref<4xf64>
}

// -----

// A broadcast view of the intermediate is not a direct read: fusing would recompute
// the producer once per broadcast copy.
// CHECK-LABEL: func.func @broadcast_no_match
// CHECK:         %[[A:.*]] = memref.alloc
// CHECK-NEXT:    loop.elemwise ins(%x : memref<1xf64>) outs(%[[A]] : memref<1xf64>)
// CHECK:         %[[B:.*]] = loop.broadcast %[[A]]
// CHECK:         loop.elemwise ins(%[[B]], %y :
func.func @broadcast_no_match(%x: memref<1xf64>, %y: memref<?xf64>) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %n = memref.dim %y, %c0 : memref<?xf64>
  %a = memref.alloc() : memref<1xf64>
  loop.elemwise ins(%x : memref<1xf64>) outs(%a : memref<1xf64>) {
  ^bb0(%v: f64):
    %e = math.exp %v : f64
    loop.yield %e : f64
  }
  %b = loop.broadcast %a to(%n) : memref<1xf64> -> memref<?xf64, strided<[?], offset: ?>>
  %o = loop.alloc_output(%n) {index = 0 : i64} : memref<?xf64>
  loop.elemwise ins(%b, %y : memref<?xf64, strided<[?], offset: ?>>, memref<?xf64>) outs(%o : memref<?xf64>) {
  ^bb0(%v: f64, %w: f64):
    %s = arith.addf %v, %w : f64
    loop.yield %s : f64
  }
  func.return %o : memref<?xf64>
}

// -----

// A different static shape is a different iteration space. (Dynamic sizes of a direct
// input equal the output's by the loop.elemwise contract, checked by loop.check.)
// CHECK-LABEL: func.func @other_space_no_match
// CHECK:         loop.elemwise ins(%x : memref<4xf64>) outs(%a : memref<4xf64>)
// CHECK:         loop.elemwise ins(%a : memref<4xf64>) outs(%o : memref<3xf64>)
func.func @other_space_no_match(%x: memref<4xf64>) -> memref<3xf64> {
  %a = memref.alloc() : memref<4xf64>
  loop.elemwise ins(%x : memref<4xf64>) outs(%a : memref<4xf64>) {
  ^bb0(%v: f64):
    %e = math.exp %v : f64
    loop.yield %e : f64
  }
  %o = loop.alloc_output() {index = 0 : i64} : memref<3xf64>
  loop.elemwise ins(%a : memref<4xf64>) outs(%o : memref<3xf64>) {
  ^bb0(%v: f64):
    %s = math.sin %v : f64
    loop.yield %s : f64
  }
  func.return %o : memref<3xf64>
}

// -----

// The intermediate is a function result (loop.alloc_output), not a fresh scratch buffer.
// CHECK-LABEL: func.func @result_no_match
// CHECK:         %[[A:.*]] = loop.alloc_output() {index = 0 : i64}
// CHECK-NEXT:    loop.elemwise ins(%x : memref<4xf64>) outs(%[[A]] : memref<4xf64>)
// CHECK:         loop.elemwise ins(%[[A]] : memref<4xf64>)
func.func @result_no_match(%x: memref<4xf64>) -> (memref<4xf64>, memref<4xf64>) {
  %a = loop.alloc_output() {index = 0 : i64} : memref<4xf64>
  loop.elemwise ins(%x : memref<4xf64>) outs(%a : memref<4xf64>) {
  ^bb0(%v: f64):
    %e = math.exp %v : f64
    loop.yield %e : f64
  }
  %o = loop.alloc_output() {index = 1 : i64} : memref<4xf64>
  loop.elemwise ins(%a : memref<4xf64>) outs(%o : memref<4xf64>) {
  ^bb0(%v: f64):
    %s = math.sin %v : f64
    loop.yield %s : f64
  }
  func.return %a, %o : memref<4xf64>, memref<4xf64>
}

// -----

// A kernel between producer and consumer writes (a view of) the buffer that the
// producer reads: moving the producer's reads after it would see the new values.
// CHECK-LABEL: func.func @write_between_no_match
// CHECK:         loop.elemwise ins(%c : memref<4xf64>) outs(%a : memref<4xf64>)
// CHECK:         loop.elemwise ins(%x : memref<4xf64>) outs(%s : memref<2xf64, strided<[?], offset: ?>>)
// CHECK:         loop.elemwise ins(%a : memref<4xf64>) outs(%o
func.func @write_between_no_match(%x: memref<4xf64>) -> memref<4xf64> {
  %c = memref.alloc() : memref<4xf64>
  loop.elemwise ins(%x : memref<4xf64>) outs(%c : memref<4xf64>) {
  ^bb0(%v: f64):
    loop.yield %v : f64
  }
  %a = memref.alloc() : memref<4xf64>
  loop.elemwise ins(%c : memref<4xf64>) outs(%a : memref<4xf64>) {
  ^bb0(%v: f64):
    %e = math.exp %v : f64
    loop.yield %e : f64
  }
  %s = loop.subview %c {starts = array<i64: 0>, stops = array<i64: 2>, steps = array<i64: 1>, squeeze = array<i64>, error = ""} : memref<4xf64> -> memref<2xf64, strided<[?], offset: ?>>
  loop.elemwise ins(%x : memref<4xf64>) outs(%s : memref<2xf64, strided<[?], offset: ?>>) {
  ^bb0(%v: f64):
    loop.yield %v : f64
  }
  %o = loop.alloc_output() {index = 0 : i64} : memref<4xf64>
  loop.elemwise ins(%a : memref<4xf64>) outs(%o : memref<4xf64>) {
  ^bb0(%v: f64):
    %e = math.sin %v : f64
    loop.yield %e : f64
  }
  func.return %o : memref<4xf64>
}

// -----

// The consumer writes into a view of the buffer that the producer reads (an in-place
// update): fused, it would overwrite elements the producer has yet to read.
// CHECK-LABEL: func.func @output_aliases_input_no_match
// CHECK:         loop.elemwise ins(%c : memref<4xf64>) outs(%a : memref<4xf64>)
// CHECK:         %[[V:.*]] = loop.dimshuffle %c
// CHECK-NEXT:    loop.elemwise ins(%a : memref<4xf64>) outs(%[[V]] :
func.func @output_aliases_input_no_match(%x: memref<4xf64>) -> memref<4xf64> {
  %c = loop.alloc_output() {index = 0 : i64} : memref<4xf64>
  loop.elemwise ins(%x : memref<4xf64>) outs(%c : memref<4xf64>) {
  ^bb0(%v: f64):
    loop.yield %v : f64
  }
  %a = memref.alloc() : memref<4xf64>
  loop.elemwise ins(%c : memref<4xf64>) outs(%a : memref<4xf64>) {
  ^bb0(%v: f64):
    %e = math.exp %v : f64
    loop.yield %e : f64
  }
  %v = loop.dimshuffle %c {pattern = array<i64: 0>} : memref<4xf64> -> memref<4xf64, strided<[?], offset: ?>>
  loop.elemwise ins(%a : memref<4xf64>) outs(%v : memref<4xf64, strided<[?], offset: ?>>) {
  ^bb0(%v2: f64):
    loop.yield %v2 : f64
  }
  func.return %c : memref<4xf64>
}

// -----

// A tree of kernels (two producers, one of them fed by a third) becomes one kernel,
// built in one go: inputs in the order the unfused kernels read them, bodies in
// program order.
// CHECK-LABEL: func.func @tree
// CHECK-NOT:     memref.alloc
// CHECK:         loop.elemwise ins(%x, %y : memref<4xf64>, memref<4xf64>) outs(%{{.*}} : memref<4xf64>) {
// CHECK-NEXT:    ^bb0(%[[X:.*]]: f64, %[[Y:.*]]: f64):
// CHECK-NEXT:      %[[E:.*]] = math.exp %[[X]] : f64
// CHECK-NEXT:      %[[S:.*]] = math.sin %[[Y]] : f64
// CHECK-NEXT:      %[[C:.*]] = math.cos %[[S]] : f64
// CHECK-NEXT:      %[[A:.*]] = arith.addf %[[E]], %[[C]] : f64
// CHECK-NEXT:      loop.yield %[[A]] : f64
// CHECK-NEXT:    }
// CHECK-NOT:     loop.elemwise
func.func @tree(%x: memref<4xf64>, %y: memref<4xf64>) -> memref<4xf64> {
  %a = memref.alloc() : memref<4xf64>
  loop.elemwise ins(%x : memref<4xf64>) outs(%a : memref<4xf64>) {
  ^bb0(%v: f64):
    %e = math.exp %v : f64
    loop.yield %e : f64
  }
  %s = memref.alloc() : memref<4xf64>
  loop.elemwise ins(%y : memref<4xf64>) outs(%s : memref<4xf64>) {
  ^bb0(%v: f64):
    %e = math.sin %v : f64
    loop.yield %e : f64
  }
  %b = memref.alloc() : memref<4xf64>
  loop.elemwise ins(%s : memref<4xf64>) outs(%b : memref<4xf64>) {
  ^bb0(%v: f64):
    %e = math.cos %v : f64
    loop.yield %e : f64
  }
  %o = loop.alloc_output() {index = 0 : i64} : memref<4xf64>
  loop.elemwise ins(%a, %b : memref<4xf64>, memref<4xf64>) outs(%o : memref<4xf64>) {
  ^bb0(%v: f64, %w: f64):
    %e = arith.addf %v, %w : f64
    loop.yield %e : f64
  }
  func.return %o : memref<4xf64>
}

// -----

// Two equal broadcasts of one constant (the same view op on the same operands) are
// read once by the fused kernel.
// CHECK-LABEL: func.func @equal_views
// CHECK:         %[[B1:.*]] = loop.broadcast %[[C:.*]] to
// CHECK:         loop.elemwise ins(%x, %[[B1]] : memref<?xf64>, memref<?xf64, strided<[?], offset: ?>>) outs(
// CHECK-NEXT:    ^bb0(%[[X:.*]]: f64, %[[K:.*]]: f64):
// CHECK-NEXT:      %[[M:.*]] = arith.mulf %[[X]], %[[K]] : f64
// CHECK-NEXT:      %[[A:.*]] = arith.addf %[[M]], %[[K]] : f64
// CHECK-NEXT:      loop.yield %[[A]] : f64
func.func @equal_views(%x: memref<?xf64>) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?xf64>
  %c = loop.constant {value = dense<2.000000e+00> : tensor<1xf64>} : memref<1xf64>
  %b1 = loop.broadcast %c to(%n) : memref<1xf64> -> memref<?xf64, strided<[?], offset: ?>>
  %b2 = loop.broadcast %c to(%n) : memref<1xf64> -> memref<?xf64, strided<[?], offset: ?>>
  %a = memref.alloc(%n) : memref<?xf64>
  loop.elemwise ins(%x, %b1 : memref<?xf64>, memref<?xf64, strided<[?], offset: ?>>) outs(%a : memref<?xf64>) {
  ^bb0(%v: f64, %k: f64):
    %m = arith.mulf %v, %k : f64
    loop.yield %m : f64
  }
  %o = loop.alloc_output(%n) {index = 0 : i64} : memref<?xf64>
  loop.elemwise ins(%a, %b2 : memref<?xf64>, memref<?xf64, strided<[?], offset: ?>>) outs(%o : memref<?xf64>) {
  ^bb0(%v: f64, %k: f64):
    %s = arith.addf %v, %k : f64
    loop.yield %s : f64
  }
  func.return %o : memref<?xf64>
}

// -----

// Producers far from their consumers, with other kernels between, still fuse: each
// consumer takes the producer it alone reads.
// CHECK-LABEL: func.func @interleaved
// CHECK-NOT:     memref.alloc
// CHECK:         loop.elemwise ins(%x : memref<4xf64>) outs(%{{.*}} : memref<4xf64>) {
// CHECK-NEXT:    ^bb0(%[[X:.*]]: f64):
// CHECK-NEXT:      %[[S:.*]] = math.sin %[[X]] : f64
// CHECK-NEXT:      %[[C:.*]] = math.cos %[[S]] : f64
// CHECK:         loop.elemwise ins(%x : memref<4xf64>) outs(%{{.*}} : memref<4xf64>) {
// CHECK-NEXT:    ^bb0(%[[X2:.*]]: f64):
// CHECK-NEXT:      %[[E:.*]] = math.exp %[[X2]] : f64
// CHECK-NEXT:      %[[T:.*]] = math.tanh %[[E]] : f64
func.func @interleaved(%x: memref<4xf64>) -> (memref<4xf64>, memref<4xf64>) {
  %a1 = memref.alloc() : memref<4xf64>
  loop.elemwise ins(%x : memref<4xf64>) outs(%a1 : memref<4xf64>) {
  ^bb0(%v: f64):
    %e = math.exp %v : f64
    loop.yield %e : f64
  }
  %a2 = memref.alloc() : memref<4xf64>
  loop.elemwise ins(%x : memref<4xf64>) outs(%a2 : memref<4xf64>) {
  ^bb0(%v: f64):
    %e = math.sin %v : f64
    loop.yield %e : f64
  }
  %o1 = loop.alloc_output() {index = 0 : i64} : memref<4xf64>
  loop.elemwise ins(%a2 : memref<4xf64>) outs(%o1 : memref<4xf64>) {
  ^bb0(%v: f64):
    %e = math.cos %v : f64
    loop.yield %e : f64
  }
  %o2 = loop.alloc_output() {index = 1 : i64} : memref<4xf64>
  loop.elemwise ins(%a1 : memref<4xf64>) outs(%o2 : memref<4xf64>) {
  ^bb0(%v: f64):
    %e = math.tanh %v : f64
    loop.yield %e : f64
  }
  func.return %o1, %o2 : memref<4xf64>, memref<4xf64>
}

// -----

// A producer joins a group only if its reads can move to the root: %c is written
// between the exp kernel and the root, so the exp kernel stays; the sin kernel between
// them reads only the exp kernel's buffer and joins.
// CHECK-LABEL: func.func @write_before_root_no_match
// CHECK:         loop.elemwise ins(%c : memref<4xf64>) outs(%[[A:.*]] : memref<4xf64>)
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      math.exp
// CHECK:         loop.elemwise ins(%x : memref<4xf64>) outs(%s :
// CHECK:         loop.elemwise ins(%[[A]] : memref<4xf64>) outs(%o : memref<4xf64>) {
// CHECK-NEXT:    ^bb0(%[[V:.*]]: f64):
// CHECK-NEXT:      %[[S:.*]] = math.sin %[[V]] : f64
// CHECK-NEXT:      %[[C:.*]] = math.cos %[[S]] : f64
func.func @write_before_root_no_match(%x: memref<4xf64>) -> (memref<4xf64>, memref<4xf64>) {
  %c = loop.alloc_output() {index = 0 : i64} : memref<4xf64>
  loop.elemwise ins(%x : memref<4xf64>) outs(%c : memref<4xf64>) {
  ^bb0(%v: f64):
    loop.yield %v : f64
  }
  %a = memref.alloc() : memref<4xf64>
  loop.elemwise ins(%c : memref<4xf64>) outs(%a : memref<4xf64>) {
  ^bb0(%v: f64):
    %e = math.exp %v : f64
    loop.yield %e : f64
  }
  %b = memref.alloc() : memref<4xf64>
  loop.elemwise ins(%a : memref<4xf64>) outs(%b : memref<4xf64>) {
  ^bb0(%v: f64):
    %e = math.sin %v : f64
    loop.yield %e : f64
  }
  %s = loop.subview %c {starts = array<i64: 0>, stops = array<i64: 2>, steps = array<i64: 1>, squeeze = array<i64>, error = ""} : memref<4xf64> -> memref<2xf64, strided<[?], offset: ?>>
  loop.elemwise ins(%x : memref<4xf64>) outs(%s : memref<2xf64, strided<[?], offset: ?>>) {
  ^bb0(%v: f64):
    loop.yield %v : f64
  }
  %o = loop.alloc_output() {index = 1 : i64} : memref<4xf64>
  loop.elemwise ins(%b : memref<4xf64>) outs(%o : memref<4xf64>) {
  ^bb0(%v: f64):
    %e = math.cos %v : f64
    loop.yield %e : f64
  }
  func.return %c, %o : memref<4xf64>, memref<4xf64>
}
