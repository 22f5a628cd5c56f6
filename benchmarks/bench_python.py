#!/usr/bin/python3
"""Instance-steps per second of tms.train_many on the paper's intro sweep, against the C++ API (`tms train`) and,
if torch is importable, the paper notebook's PyTorch loop in the same process.

    PYTHONPATH=build/release/python /usr/bin/python3 benchmarks/bench_python.py --tms build/release/tools/tms

(or after `pip install .`, without PYTHONPATH). Measure a Release build (the release preset, or pip's): the dev
preset builds -O2 with debug info.

The sweep: ReLU output models, n = 20, m = 5, I_i = 0.7^i, ten probabilities p = 20^-linspace(0, 1, 10), batch
1024, AdamW lr 1e-3. An instance-step is one optimizer step of one model on a full batch. tms (Python and C++)
trains the ten models on --threads threads; each side runs --repeats times and the best is kept. The C++ time is
the `tms train` process's wall time (start-up included, a few ms). The issue's targets: Python >= 95% of the C++
rate, and >= 30x the PyTorch loop.
"""

import argparse
import json
import shutil
import subprocess
import sys
import time

import numpy as np

N, M, RATIO, BATCH = 20, 5, 0.7, 1024
PROBABILITIES = [float(p) for p in 20.0 ** -np.linspace(0, 1, 10)]


def bench_python(steps, threads, repeats):
    import tms

    configs = tms.grid(model="relu_output", features=N, hidden=M, importance=RATIO, probability=PROBABILITIES,
                       steps=steps, batch_size=BATCH, seed=0)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        results = tms.train_many(configs, threads=threads)
        best = min(best, time.perf_counter() - start)
        assert all(r.steps_completed == steps for r in results)
    return len(configs) * steps / best, results


def bench_cpp(cli, steps, threads, repeats):
    command = [cli, "train", "--model", "relu_output", "-n", str(N), "-m", str(M), "--importance", str(RATIO),
               "-p", ",".join(repr(p) for p in PROBABILITIES), "--steps", str(steps), "--batch", str(BATCH),
               "--threads", str(threads), "--json"]
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        best = min(best, time.perf_counter() - start)
    lines = [json.loads(line) for line in out.splitlines()]
    return len(PROBABILITIES) * steps / best, lines


def bench_torch(steps, threads):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(max(threads, 1) if threads else torch.get_num_threads())
    k = len(PROBABILITIES)
    W = torch.nn.Parameter(torch.nn.init.xavier_normal_(torch.empty(k, N, M)))
    b = torch.nn.Parameter(torch.zeros(k, N))
    optimizer = torch.optim.AdamW([W, b], lr=1e-3)
    importance = torch.tensor([RATIO ** i for i in range(N)])
    p = torch.tensor(PROBABILITIES)[:, None]

    def step():
        x = torch.rand(BATCH, k, N)
        x = torch.where(torch.rand(BATCH, k, N) <= p, x, torch.zeros(()))
        h = torch.einsum("bif,ifh->bih", x, W)
        out = torch.relu(torch.einsum("bih,ifh->bif", h, W) + b)
        loss = (importance * (x - out) ** 2).mean(dim=(0, 2)).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    for _ in range(20):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return k * steps / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tms", default=shutil.which("tms"), help="the tms program of the same build (C++ API)")
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--torch-steps", type=int, default=500)
    parser.add_argument("--threads", type=int, default=0, help="0: every core")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the rates as one JSON object")
    args = parser.parse_args()

    python_rate, results = bench_python(args.steps, args.threads, args.repeats)
    rates = {"python": python_rate}
    if args.tms:
        cpp_rate, lines = bench_cpp(args.tms, args.steps, args.threads, args.repeats)
        rates["cpp"] = cpp_rate
        # Same seeds and options: the weights must agree bit for bit.
        for result, line in zip(results, lines):
            if not np.array_equal(result.W, np.array(line["W"], dtype=np.float32)):
                sys.exit(f"bench_python: weights differ from tms train at p = {line['probability']}")
    torch_rate = bench_torch(args.torch_steps, args.threads)
    if torch_rate is not None:
        rates["torch"] = torch_rate
    if args.json:
        print(json.dumps(rates))
        return
    print(f"intro sweep: relu_output n={N} m={M} I=0.7^i, {len(PROBABILITIES)} probabilities, batch {BATCH}, "
          f"{args.steps} steps, threads={args.threads or 'all'}")
    print(f"  tms.train_many   {python_rate:12.0f} instance-steps/s")
    if "cpp" in rates:
        print(f"  tms train (C++)  {rates['cpp']:12.0f} instance-steps/s   Python/C++ = {python_rate / rates['cpp']:.3f}")
    else:
        print("  tms train (C++)  not measured (give --tms build/release/tools/tms)")
    if torch_rate is not None:
        print(f"  PyTorch loop     {torch_rate:12.0f} instance-steps/s   tms/PyTorch = {python_rate / torch_rate:.1f}x")
    else:
        print("  PyTorch loop     not measured (torch is not importable)")


if __name__ == "__main__":
    main()
