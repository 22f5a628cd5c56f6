"""tms/io against NumPy itself: numpy.load reads what tms writes (bitwise), tms reads what numpy.save/savez write
(round trip bitwise), numpy.savez_compressed is rejected naming DEFLATE.

usage: numpy_interop.py TOOL WORKDIR
"""
import os
import shutil
import subprocess
import sys

import numpy as np

tool, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


# tms writes, NumPy reads.
subprocess.run([tool, "write", work], check=True)
m = np.load(os.path.join(work, "tms_matrix.npy"))
expected = (10 * np.arange(3)[:, None] + np.arange(4)[None, :] + 0.25).astype(np.float32)
expected[2, 3] = np.nan
check(same_bits(m, expected), f"tms_matrix.npy reads as {m!r}")
v = np.load(os.path.join(work, "tms_vector.npy"))
check(same_bits(v, np.array([0.1, -2.0, 1e-300])), f"tms_vector.npy reads as {v!r}")
with np.load(os.path.join(work, "tms_model.npz")) as z:
    check(sorted(z.files) == sorted(["tms_format", "kind", "n", "m", "W1", "W2", "b", "importance", "probability"]),
          f"tms_model.npz members {z.files}")
    check(str(z["kind"]) == "abs_value" and int(z["n"]) == 4 and int(z["m"]) == 2 and int(z["tms_format"]) == 1,
          "tms_model.npz config")
    W1 = np.array([[0.1 * j + 1.0 * i for j in range(4)] for i in range(2)])
    check(same_bits(z["W1"], W1), f"W1 {z['W1']!r}")
    check(same_bits(z["W2"], -W1.T), f"W2 {z['W2']!r}")
    check(same_bits(z["b"], np.array([0.5, 0.25, 0.125, 0.0625])), "b")
    check(same_bits(z["importance"], 0.5 ** np.arange(4.0)), f"importance {z['importance']!r}")
    check(same_bits(z["probability"], np.full(4, 0.01)), "probability")

# NumPy writes, tms reads and writes back.
rng = np.random.default_rng(0)
arrays = {
    "c": rng.standard_normal((5, 3)),
    "fortran": np.asfortranarray(rng.standard_normal((4, 2))),
    "vector": rng.standard_normal(6),
}
for name, a in arrays.items():
    np.save(os.path.join(work, f"np_{name}.npy"), a)
np.save(os.path.join(work, "np_f4_from_f8.npy"), np.array([[0.1, 1e-50], [3.0, -7.5]]))
bundle = {"a": rng.standard_normal((2, 7)), "b": rng.standard_normal(3).astype(np.float32)}
np.savez(os.path.join(work, "np_bundle.npz"), **bundle)
np.savez_compressed(os.path.join(work, "np_compressed.npz"), a=np.ones(3))
model = {
    "tms_format": np.array(1), "kind": np.array("relu_output"), "n": np.array(5), "m": np.array(2),
    "W": rng.standard_normal((2, 5)).astype(np.float32), "b": rng.standard_normal(5).astype(np.float32),
    "importance": (0.9 ** np.arange(5)).astype(np.float32), "probability": np.full(5, 0.05, dtype=np.float32),
}
np.savez(os.path.join(work, "np_model.npz"), **model)
result = subprocess.run([tool, "read", work], capture_output=True, text=True)
check(result.returncode == 0, f"tool read failed: {result.stdout} {result.stderr}")
print(result.stdout.strip())
if result.returncode == 0:
    for name, a in arrays.items():
        back = np.load(os.path.join(work, f"back_{name}.npy"))
        check(same_bits(back, np.ascontiguousarray(a)), f"np_{name}.npy came back as {back!r}")
    back = np.load(os.path.join(work, "back_f4_from_f8.npy"))
    check(same_bits(back, np.array([[0.1, 1e-50], [3.0, -7.5]], dtype=np.float32)), f"f8 -> f4 gave {back!r}")
    with np.load(os.path.join(work, "back_bundle.npz")) as z:
        for key, a in bundle.items():
            check(same_bits(z[key], a), f"bundle {key}")
    with np.load(os.path.join(work, "back_model.npz")) as z:
        for key, a in model.items():
            check(same_bits(np.asarray(z[key]), np.asarray(a)) or (key == "kind" and str(z[key]) == str(a)),
                  f"model member {key}: {z[key]!r} vs {a!r}")

print("numpy interop:", "FAILED" if failures else "ok", f"({len(failures)} failures)")
sys.exit(1 if failures else 0)
