"""ctest driver for issue 15 and the CLI-consistency cases of issue 14: `tms train` and `tms sweep` never destroy a
file that is not theirs, never read without bound, report each model's outcome, reject sizes and values with one
line naming the option, and exit 2 for a usage error, 1 for a failure at run time. Every case failed on 2d4e400.
Everything happens in a fresh temporary directory; a FIFO stands for a device."""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading

tms = os.path.abspath(sys.argv[1])
work = tempfile.mkdtemp(prefix="tms_hardening_")
os.chdir(work)
TINY = ["-n", "4", "-m", "2", "--steps", "100", "--batch", "16"]


def run(*args, **kwargs):
    return subprocess.run([tms, *args], capture_output=True, text=True, timeout=120, **kwargs)


def expect_error(result, code, *fragments):
    message = result.stderr.strip()
    assert result.returncode == code, (result.args, result.returncode, code, message)
    last = message.splitlines()[-1] if message else ""
    assert last.startswith("tms: error: "), (result.args, message)
    for fragment in fragments:
        assert fragment in last, (result.args, fragment, last)
    return last


def endless_fifo(path):
    """A FIFO fed with zeros forever (until the reader closes it), like /dev/zero."""
    os.mkfifo(path)

    def feed():
        try:
            with open(path, "wb") as f:
                while True:
                    f.write(bytes(1 << 16))
        except (BrokenPipeError, OSError):
            pass

    threading.Thread(target=feed, daemon=True).start()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def read(path):
    with open(path) as f:
        return f.read()


GRID = {"models": ["relu_output"], "n": 4, "m": 2, "probabilities": [0.1], "seeds": [0], "steps": 20,
        "batch_size": 16}
write("g.json", json.dumps(GRID))

# 1. sweep --out refuses a file that is not a results file (no trailing newline is not a torn line), the grid
#    itself, a symbolic link and a FIFO; none of them is changed.
write("notes.txt", "precious")
expect_error(run("sweep", "--grid", "g.json", "--out", "notes.txt"), 1, "notes.txt", "not a tms sweep results file")
assert read("notes.txt") == "precious"
grid_text = read("g.json")
expect_error(run("sweep", "--grid", "g.json", "--out", "g.json"), 1, "g.json")
assert read("g.json") == grid_text
os.symlink("notes.txt", "link.jsonl")
expect_error(run("sweep", "--grid", "g.json", "--out", "link.jsonl"), 1, "link.jsonl", "symbolic link")
assert read("notes.txt") == "precious"
os.mkfifo("out.fifo")
expect_error(run("sweep", "--grid", "g.json", "--out", "out.fifo"), 1, "out.fifo", "FIFO")
# A real results file with a torn last line is still repaired and resumed.
assert run("sweep", "--grid", "g.json", "--out", "r.jsonl", "--quiet").returncode == 0
good = read("r.jsonl")
with open("r.jsonl", "a") as f:
    f.write('{"id":"0123456789abcdef","point"')
resumed = run("sweep", "--grid", "g.json", "--out", "r.jsonl", "--quiet")
assert resumed.returncode == 0 and "torn last line" in resumed.stdout, resumed
assert read("r.jsonl") == good

# 2. An atomic save never replaces a FIFO (standing for /dev/null) or a directory.
os.mkfifo("ckpt.fifo")
expect_error(run("train", *TINY, "--checkpoint", "ckpt.fifo", "--checkpoint-every", "50"), 1, "ckpt.fifo", "FIFO")
assert stat.S_ISFIFO(os.lstat("ckpt.fifo").st_mode)
os.mkdir("ckpt.dir")
expect_error(run("train", *TINY, "--checkpoint", "ckpt.dir", "--checkpoint-every", "50"), 1, "ckpt.dir")
assert os.path.isdir("ckpt.dir")

# 5. Thread counts above the machine's are rejected (the pool's own failure path is tests/parallel).
for command in (["train", *TINY], ["sweep", "--grid", "g.json", "--out", "t.jsonl"]):
    expect_error(run(*command, "--threads", "100000"), 2, "--threads", "100000", "hardware threads")
assert not os.path.exists("t.jsonl")

# 6. One diverging model does not discard the others: p = 0 trains, p = 1 diverges; both are reported.
result = run("train", "-n", "20", "-m", "5", "-p", "0,1", "--lr", "1e8", "--optimizer", "adam", "--steps", "50",
             "--batch", "64", "--json")
assert result.returncode == 1, result
models = [json.loads(line) for line in result.stdout.splitlines()]
assert [m["probability"] for m in models] == [0, 1], models
assert not models[0].get("diverged") and models[0]["final_loss"] is not None, models[0]
assert models[1]["diverged"] and models[1]["final_loss"] is None, models[1]
assert all(x == x for row in models[1]["W"] for x in row), "the last finite weights are reported"
assert "model 1 (p 1, seed 0) diverged at step" in result.stderr, result.stderr
assert "1 of 2 models diverged" in result.stderr.splitlines()[-1], result.stderr
table = run("train", "-n", "20", "-m", "5", "-p", "0,1", "--lr", "1e8", "--optimizer", "adam", "--steps", "50",
            "--batch", "64")
assert table.returncode == 1 and len(table.stdout.splitlines()) == 3 and "diverged" in table.stdout, table

# 7. Unbounded reads: an endless FIFO (standing for /dev/zero) as checkpoint, grid or results file.
endless_fifo("zero1")
expect_error(run("train", *TINY, "--resume", "zero1"), 1, "--resume", "zero1", "longer than")
endless_fifo("zero2")
expect_error(run("sweep", "--grid", "zero2", "--out", "z.jsonl"), 1, "--grid", "zero2", "larger than the limit")
assert not os.path.exists("z.jsonl")
endless_fifo("zero3")
expect_error(run("sweep", "--aggregate", "zero3"), 1, "zero3", "FIFO")

# 8. --aggregate of a missing file, a directory, a malformed line, or into a closed stdout fails.
expect_error(run("sweep", "--aggregate", "missing.jsonl"), 1, "missing.jsonl")
expect_error(run("sweep", "--aggregate", "ckpt.dir"), 1, "ckpt.dir")
line = json.loads(good.splitlines()[0])
line["config"] = 7
write("bad.jsonl", good + json.dumps(line, separators=(",", ":")) + "\n")
expect_error(run("sweep", "--aggregate", "bad.jsonl"), 1, "bad.jsonl:2: malformed results line")
closed = subprocess.run(["bash", "-c", '"$0" sweep --aggregate r.jsonl >&-', tms], capture_output=True, text=True)
assert closed.returncode == 1 and "standard output" in closed.stderr, closed

# 9. Sizes are bounded before anything is allocated.
for args, option in [(["--features", "100000000", "--hidden", "100000"], "--features"),
                     (["--features", "100000", "--hidden", "100000"], "--features x --hidden"),
                     (["--instances", "100000000"], "--instances"),
                     (["--steps", "9223372036854775807"], "--steps"),
                     (["--batch", "9223372036854775807"], "--batch"),
                     (["--steps", "1000000000", "--log-every", "1"], "--log-every")]:
    base = {"--features": "4", "--hidden": "2"}
    for name in args[::2]:
        base.pop(name, None)
    expect_error(run("train", *[x for pair in base.items() for x in pair], *args), 2, option, "limit")
for grid, key in [(dict(GRID, n=10**12), "n"), (dict(GRID, seeds={"count": 10**9}), "seeds.count"),
                  (dict(GRID, seeds={"count": 1000}, probabilities=[0.1] * 1, learning_rates=[1e-3 * (i + 1) for i in range(200)]), "grid"),
                  (dict(GRID, batch_size=2**62), "batch_size"), (dict(GRID, steps=2**62), "steps")]:
    write("big.json", json.dumps(grid))
    expect_error(run("sweep", "--grid", "big.json", "--out", "big.jsonl"), 2, "big.json", key, "limit" if key != "grid" else "configurations")
    assert not os.path.exists("big.jsonl")

# 14. CLI consistency: usage errors exit 2 with one line naming the option and the value; run-time failures exit 1.
for args, expected in [(["--seed", "-1"], "--seed: '-1'"), (["--threads", "-1"], "--threads: '-1'"),
                       (["--momentum", "0.9", "--optimizer", "adam"], "--momentum"),
                       (["--momentum", "0.9", "--optimizer", "adamw"], "--momentum"),
                       (["--weight-decay", "nan"], "--weight-decay: nan"),
                       (["--schedule", "warmup_cosine:20000"], "--schedule: a warm-up of 20000"),
                       (["--steps", "0"], "--steps: must be at least 1, got 0"),
                       (["--features", "abc"], "--features: 'abc'"),
                       (["--seed", "18446744073709551615", "--instances", "3"], "overflows")]:
    base = {"--features": "4", "--hidden": "2", "--steps": "100"}
    for option in args[::2]:
        base.pop(option, None)
    result = run("train", *[x for pair in base.items() for x in pair], *args)
    assert "\n" not in result.stderr.strip(), result.stderr
    expect_error(result, 2, expected)
expect_error(run("train", *TINY, "--resume", "missing.ckpt"), 1, "--resume", "missing.ckpt")
expect_error(run("sweep", "--grid", "missing.json", "--out", "m.jsonl"), 1, "missing.json")

shutil.rmtree(work, ignore_errors=True)
print("tms hardening checks passed")
