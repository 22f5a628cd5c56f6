"""Reads what examples/07_numpy.cpp wrote, with NumPy only. Usage: 07_numpy.py <directory>"""
import sys

import numpy as np

z = np.load(f"{sys.argv[1]}/abs_value.npz")
W1, W2, b = z["W1"], z["W2"], z["b"]
print("kind", str(z["kind"]), "n", int(z["n"]), "m", int(z["m"]), "dtype", W1.dtype)
print("W1 shape", W1.shape, "W2 shape", W2.shape, "b shape", b.shape)
assert str(z["kind"]) == "abs_value" and W1.shape == (4, 10) and W2.shape == (10, 4) and b.shape == (10,)
assert W1.dtype == np.float32 and np.isfinite(W1).all()
# The model's output on one sample, computed in NumPy: ReLU(W2 ReLU(W1 x) + b).
x = np.zeros(10, dtype=np.float32)
x[0] = -0.5
y = np.maximum(W2 @ np.maximum(W1 @ x, 0) + b, 0)
print("output for x_0 = -0.5:", np.round(y, 3))
