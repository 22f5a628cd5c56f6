"""Ctrl-C: SIGINT to a process training in tms raises KeyboardInterrupt within 1 s and the process exits cleanly;
tms.train leaves its model (trained in place) at a complete step: finite and no longer its initial weights.
tms.train_many builds its models from the configs, so an interrupted call has no model to check."""
import os
import signal
import subprocess
import sys
import textwrap
import time

SCRIPT = textwrap.dedent("""
    import sys, time
    import numpy as np
    import tms
    models = None
    configs = tms.grid(model="relu_hidden", features=100, hidden=40, probability=0.5, steps=10_000_000,
                       seed=range({models}))
    model = tms.ReluHiddenModel(100, 40, seed=0)
    initial = np.array(model.W, copy=True)
    print("ready", flush=True)
    try:
        if {models} == 1:
            tms.train(model, probability=0.5, steps=10_000_000)
        else:
            tms.train_many(configs, threads=2)
    except KeyboardInterrupt:
        print("interrupted", time.monotonic(), flush=True)
        if {models} == 1:
            assert np.all(np.isfinite(model.W)) and not np.array_equal(model.W, initial)
            print("model", tms.feature_norms(model).shape, flush=True)
        sys.exit(0)
    sys.exit(3)
""")


def run(models):
    env = dict(os.environ)
    process = subprocess.Popen([sys.executable, "-c", SCRIPT.format(models=models)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    assert process.stdout.readline().strip() == "ready"
    time.sleep(1.0)  # well into training
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, (process.returncode, out, err)
    line = next(l for l in out.splitlines() if l.startswith("interrupted"))
    latency = float(line.split()[1]) - sent
    assert latency < 1.0, f"KeyboardInterrupt {latency:.2f} s after SIGINT"
    if models == 1:
        assert "model (100,)" in out, out


def test_sigint_stops_train():
    run(1)


def test_sigint_stops_train_many():
    run(3)
