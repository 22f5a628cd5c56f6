"""ctest driver for `tms train`: JSON fields and shapes, determinism across thread counts, one-line errors."""
import json
import subprocess
import sys

tms = sys.argv[1]


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
print("tms train checks passed")
