"""ctest driver for `tms train`: JSON fields and shapes, determinism across thread counts, one-line errors; the data
options (--feature-probabilities, --correlated-sets, --anticorrelated-sets) and the .npz output (--out,
--snapshot-every).

    check_train.py <tms> <work dir>
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

tms = sys.argv[1]
work = Path(sys.argv[2])
if work.exists():
    shutil.rmtree(work)
work.mkdir(parents=True)


def run(*args):
    return subprocess.run([tms, "train", *args], capture_output=True, text=True)


def lines(result):
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


base = ["--model", "relu_output", "-n", "20", "-m", "5", "--importance", "0.7", "-p", "1,0.01",
        "--instances", "2", "--steps", "400", "--json"]
one = lines(run(*base, "--threads", "1"))
two = lines(run(*base, "--threads", "2"))
assert len(one) == 4, len(one)
assert [(d["probability"], d["seed"]) for d in one] == [(1, 0), (1, 1), (0.01, 0), (0.01, 1)]
for d in one:
    for key in ["model", "n", "m", "probability", "seed", "steps", "final_loss", "W", "b", "feature_norms",
                "superposition", "seconds", "importance", "loss_history", "represented"]:
        assert key in d, key
    assert d["model"] == "relu_output" and d["n"] == 20 and d["m"] == 5 and d["steps"] == 400
    assert len(d["W"]) == 5 and all(len(row) == 20 for row in d["W"])
    assert len(d["b"]) == 20 and len(d["feature_norms"]) == 20 and len(d["superposition"]) == 20
    assert d["final_loss"] > 0
    # D_i: null exactly for the features that are not represented, else in (0, 1].
    assert len(d["dimensionality"]) == 20
    assert sum(x is not None for x in d["dimensionality"]) == d["represented"], d
    assert all(0 < x <= 1 + 1e-6 for x in d["dimensionality"] if x is not None), d["dimensionality"]
for a, b in zip(one, two):  # bit-identical apart from the wall time
    a.pop("seconds"), b.pop("seconds")
    assert a == b, "1 and 2 threads differ"
assert one[0]["W"] != one[1]["W"], "different seeds gave the same model"

abs_model = lines(run("--model", "abs_value", "-n", "8", "-m", "3", "-p", "0.5", "--steps", "50", "--json"))[0]
assert len(abs_model["W1"]) == 3 and len(abs_model["W1"][0]) == 8
assert len(abs_model["W2"]) == 8 and len(abs_model["W2"][0]) == 3
assert "W" not in abs_model and "neurons" in abs_model

for bad, expected in [(["-p", "1.5"], "--probability"), (["--model", "mlp"], "unknown model 'mlp'"),
                      (["--importance", "0.7,0.5"], "--importance"), (["--lr", "nan"], "--lr"),
                      (["--hidden", "0"], "--hidden"), (["--features", "abc"], "--features"),
                      (["--optimizer", "lbfgs"], "--optimizer"), (["--schedule", "cosine:x"], "--schedule")]:
    result = run(*bad, "--steps", "10")
    assert result.returncode != 0, bad
    message = result.stderr.strip()
    assert "\n" not in message and expected in message, (bad, message)
# Per-feature probabilities: the sampler gets them (the archive records what the model was trained on).
small = ["--model", "relu_output", "-n", "6", "-m", "2", "--steps", "100", "--json"]
per_feature = lines(run(*small, "--feature-probabilities", "1,1,0.5,0.5,0,0", "--out", str(work / "pf.npz")))[0]
assert per_feature["probability"] is None and per_feature["feature_probabilities"] == [1, 1, 0.5, 0.5, 0, 0]
with np.load(work / "pf.npz") as z:
    assert z["probability"].tolist() == [1, 1, 0.5, 0.5, 0, 0] and z["W"].shape == (2, 6)
    assert np.array_equal(z["W"], np.array(per_feature["W"], dtype=np.float32))
    assert "snapshots" not in z.files

# Correlated and anticorrelated sets: the JSON names them and the data differs from independent features.
independent = lines(run(*small, "-p", "0.2"))[0]
sets = lines(run(*small, "-p", "0.2", "--correlated-sets", "1x2", "--anticorrelated-sets", "1x2@0.1"))[0]
assert sets["correlated_sets"] == "1x2" and sets["anticorrelated_sets"] == "1x2@0.1"
assert sets["feature_probabilities"] == [0.2, 0.2, 0.1, 0.1, 0.2, 0.2], sets["feature_probabilities"]
assert sets["W"] != independent["W"], "the sets did not change the training data"

# --out and --snapshot-every: W at steps 0, 25, ..., 100, the last one the final W; one file per model with {}.
snapped = lines(run(*small, "-p", "0.1,0.3", "--snapshot-every", "25", "--out", str(work / "model_{}.npz")))
for k, d in enumerate(snapped):
    with np.load(work / f"model_{k}.npz") as z:
        assert z["snapshots"].shape == (5, 2, 6) and z["snapshots"].dtype == np.float32
        assert z["snapshot_steps"].tolist() == [0, 25, 50, 75, 100] and z["snapshot_steps"].dtype == np.int64
        assert np.array_equal(z["snapshots"][-1], z["W"]) and not np.array_equal(z["snapshots"][0], z["W"])
        assert np.array_equal(z["W"], np.array(d["W"], dtype=np.float32))
        assert z["probability"].tolist() == [np.float32(d["probability"])] * 6
abs_snapped = lines(run("--model", "abs_value", "-n", "4", "-m", "2", "-p", "0.5", "--steps", "20", "--json",
                        "--snapshot-every", "10", "--out", str(work / "abs.npz")))[0]
with np.load(work / "abs.npz") as z:
    assert z["snapshots"].shape == (3, 2, 4) and np.array_equal(z["snapshots"][-1], z["W1"])

for bad, expected in [(["--feature-probabilities", "0.1,0.2", "-p", "0.1"], "--feature-probabilities"),
                      (["--feature-probabilities", "0.1,0.2"], "2 values given but --features is 6"),
                      (["--feature-probabilities", "0.1,0.2,0.3,0.4,0.5,2"], "--feature-probabilities"),
                      (["--correlated-sets", "2x4"], "'2x4' holds 2 sets of 4 features, more than the 6 features there are"),
                      (["--correlated-sets", "1x4", "--anticorrelated-sets", "1x3@0.1"],
                       "the sets hold 7 features but --features is 6"),
                      (["--correlated-sets", "1000000000000x2"], "more than the 6 features there are"),
                      (["--correlated-sets", "2"], "--correlated-sets: expected COUNTxSIZE"),
                      (["--anticorrelated-sets", "1x4@0.5"], "--anticorrelated-sets"),
                      (["--snapshot-every", "10"], "--snapshot-every: needs --out"),
                      (["-p", "0.1,0.2", "--out", str(work / "one.npz")], "--out"),
                      (["--out", str(work / "no_such_dir" / "x.npz")], "x.npz")]:
    result = run(*small, *bad)
    assert result.returncode != 0, bad
    message = result.stderr.strip()
    assert "\n" not in message and expected in message, (bad, message)
assert not (work / "one.npz").exists()
print("tms train checks passed")
