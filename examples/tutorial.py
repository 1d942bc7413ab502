"""The first steps of Theano's tutorial, run by mlc (`python examples/tutorial.py`).

Every `mlc.function` below is optimized as an `mt` graph, lowered through the `loop`
dialect and scf to C, compiled by gcc (cached on disk) and called natively.
"""

import numpy as np

import mlc as theano
import mlc.tensor as T

# Adding two scalars.
a = T.dscalar("a")
b = T.dscalar("b")
add = theano.function([a, b], a + b)
print("1.5 + 2.5 =", add(1.5, 2.5))

# Elementwise arithmetic on matrices with broadcasting: a row vector adds to every row.
x = T.dmatrix("x")
r = T.drow("r")
f = theano.function([x, r], T.exp(-(x - r) ** 2).sum(axis=1))
xs = np.arange(6.0).reshape(2, 3)
rs = np.array([[1.0, 2.0, 3.0]])
print("sum(exp(-(x - r)**2), axis=1) =", f(xs, rs), "numpy:", np.exp(-(xs - rs) ** 2).sum(axis=1))

# The logistic function, elementwise.
s = 1 / (1 + T.exp(-x))
logistic = theano.function([x], s)
print("logistic([[0, 1], [-1, -2]]) =\n", logistic([[0, 1], [-1, -2]]))

# Shared state and updates: an accumulator.
state = theano.shared(0)
inc = T.iscalar("inc")
accumulator = theano.function([inc], state, updates=[(state, state + inc)])
for step in (1, 300, 2):
    accumulator(step)
print("accumulated:", state.get_value())

# Matrix products and the IR of each compilation stage (replayable with mlc-opt).
W = T.dmatrix("W")
v = T.dvector("v")
mv = theano.function([W, v], T.dot(W, v) + 1.0)
print("W @ v + 1 =", mv(np.eye(2) * 2, [1.0, 2.0]))
print("--- the mt graph after optimization ---")
print(mv.ir("mt"))
