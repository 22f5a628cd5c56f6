#!/usr/bin/python3
"""Training speed and final loss: the paper notebook's PyTorch loop against `tms train`, on the issue's configurations.

Run with Debian's python (it has torch and numpy; the pyenv `python3` on PATH does not):

    /usr/bin/python3 benchmarks/compare_pytorch.py --tms build/release/tools/tms

PyTorch side: the notebook's loop. W is one [instances, n, m] parameter (plus W2 [instances, m, n] for the abs-value
model), b is [instances, n]; h = einsum('...if,ifh->...ih', x, W), out = relu(einsum('...ih,ifh->...if', h, W) + b)
(ReLU hidden: h = relu(...); abs value: h = relu(x W1), out = relu(h W2 + b) with target |x|); the loss is the
importance-weighted squared error, mean over batch and features, summed over instances; autograd;
torch.optim.AdamW(lr=1e-3) (weight decay 0.01, as tms's AdamW default); batch 1024 drawn as in the notebook,
torch.where(torch.rand(...) <= p, torch.rand(...), 0) (2·rand − 1 for the abs-value task).

Speed: PyTorch runs --warmup untimed steps, then --steps timed steps (fewer if the warm-up's rate says they would
take more than --torch-max-seconds: the 1000-instance configuration 4 runs ~3 steps/s); tms runs a short probe to estimate its rate,
then enough steps for about --tms-seconds of wall time (process start-up included). An instance-step is one
optimizer step of one model on a full batch, so one PyTorch step of k stacked instances counts k.

Final losses in the speed table come from those timed runs, whose step counts differ (both are printed). For an
honest loss comparison, --final-loss-steps trains both frameworks for the same number of steps from --seeds seeds
and prints, per instance, the mean ± standard deviation over seeds of the final loss: the mean batch loss over the
last 100 steps (tms's TrainReport::final_loss window), per instance.
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import torch

FINAL_LOSS_WINDOW = 100
BATCH = 1024


def config_table(quick):
    """The issue's four configurations: model kind, n, m, importance ratio, per-instance probabilities."""
    config1_p = [20.0 ** -x for x in np.linspace(0, 1, 10)]
    return {
        1: dict(label="1: ReLU output n=20 m=5 I=0.7^i, 10 p=20^-linspace(0,1,10)",
                model="relu_output", n=20, m=5, ratio=0.7, probabilities=config1_p),
        2: dict(label="2: abs value n=100 m=40 I=0.8^i, 7 p=1..0.001",
                model="abs_value", n=100, m=40, ratio=0.8, probabilities=[1, .3, .1, .03, .01, .003, .001]),
        3: dict(label="3: ReLU output n=20 m=5 I=0.7^i, 10 x p=0.01",
                model="relu_output", n=20, m=5, ratio=0.7, probabilities=[0.01] * 10),
        4: dict(label="4: ReLU hidden n=10 m=5 I=0.75^i, %d x p=0.1" % (100 if quick else 1000),
                model="relu_hidden", n=10, m=5, ratio=0.75, probabilities=[0.1] * (100 if quick else 1000)),
    }


# ------------------------------------------------------------------------------------------------------------------
# PyTorch: the notebook's loop.
# ------------------------------------------------------------------------------------------------------------------

class NotebookModel(torch.nn.Module):
    def __init__(self, kind, n, m, probabilities, ratio, init):
        super().__init__()
        k = len(probabilities)
        self.kind = kind
        self.W = torch.nn.Parameter(torch.empty((k, n, m)))
        self.W2 = torch.nn.Parameter(torch.empty((k, m, n))) if kind == "abs_value" else None
        self.b_final = torch.nn.Parameter(torch.zeros((k, n)))
        for w in [self.W] + ([self.W2] if self.W2 is not None else []):
            if init == "notebook":
                torch.nn.init.xavier_normal_(w)  # fans of the stacked 3-D tensor, as the notebook does
            else:
                with torch.no_grad():  # Xavier normal of each m×n matrix: what tms::initialize draws
                    w.normal_(0.0, math.sqrt(2.0 / (n + m)))
        self.register_buffer("feature_probability", torch.tensor(probabilities, dtype=torch.float32)[:, None])
        self.register_buffer("importance", torch.tensor([ratio ** i for i in range(n)], dtype=torch.float32)[None, :])

    def forward(self, x):
        h = torch.einsum("...if,ifh->...ih", x, self.W)
        if self.kind in ("relu_hidden", "abs_value"):
            h = torch.relu(h)
        if self.kind == "abs_value":
            out = torch.einsum("...ih,ihf->...if", h, self.W2)
        else:
            out = torch.einsum("...ih,ifh->...if", h, self.W)
        return torch.relu(out + self.b_final)

    def generate_batch(self, n_batch):
        k, n = self.feature_probability.shape[0], self.W.shape[1]
        values = torch.rand((n_batch, k, n))
        if self.kind == "abs_value":
            values = 2 * values - 1
        return torch.where(torch.rand((n_batch, k, n)) <= self.feature_probability, values, torch.zeros(()))

    def instance_losses(self, batch, out):
        target = batch.abs() if self.kind == "abs_value" else batch
        error = self.importance * (target - out) ** 2
        return error.mean(dim=(0, 2))  # einops.reduce(error, 'b i f -> i', 'mean')


def torch_train(config, steps, warmup, seed, init, record_losses, max_seconds=None):
    """Trains one stack of instances; returns (timed seconds, timed steps, per-instance final loss or None).

    With \p max_seconds, the timed steps are cut to what the warm-up's rate says fits in that time."""
    torch.manual_seed(seed)
    model = NotebookModel(config["model"], config["n"], config["m"], config["probabilities"], config["ratio"], init)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    recent = []

    def step():
        optimizer.zero_grad(set_to_none=True)
        batch = model.generate_batch(BATCH)
        per_instance = model.instance_losses(batch, model(batch))
        per_instance.sum().backward()
        optimizer.step()
        return per_instance.detach()

    for w in range(warmup):
        if w == 1:
            warm_start = time.perf_counter()
        step()
    if max_seconds is not None and warmup >= 3:
        per_step = (time.perf_counter() - warm_start) / (warmup - 1)
        steps = max(FINAL_LOSS_WINDOW if record_losses else 10, min(steps, int(max_seconds / per_step)))
    start = time.perf_counter()
    for s in range(steps):
        losses = step()
        if record_losses and s >= steps - FINAL_LOSS_WINDOW:
            recent.append(losses)
    seconds = time.perf_counter() - start
    final = torch.stack(recent).mean(dim=0).tolist() if recent else None
    return seconds, steps, final


# ------------------------------------------------------------------------------------------------------------------
# tms: the command-line tool.
# ------------------------------------------------------------------------------------------------------------------

def tms_command(args, config, steps, seed):
    probabilities = config["probabilities"]
    command = [args.tms, "train", "--model", config["model"], "--features", str(config["n"]),
               "--hidden", str(config["m"]), "--importance", repr(config["ratio"]), "--steps", str(steps),
               "--batch", str(BATCH), "--threads", str(args.tms_threads), "--seed", str(1000 * seed), "--json"]
    if len(set(probabilities)) == 1:
        command += ["--probability", repr(probabilities[0]), "--instances", str(len(probabilities))]
    else:
        command += ["--probability", ",".join(repr(p) for p in probabilities)]
    return command


def tms_train(args, config, steps, seed):
    """Runs `tms train`; returns (wall seconds, steps, per-instance final losses in instance order)."""
    command = tms_command(args, config, steps, seed)
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit("tms failed (%d): %s\n%s" % (result.returncode, " ".join(command), result.stderr))
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip().startswith("{")]
    if len(records) != len(config["probabilities"]):
        sys.exit("tms printed %d JSON records for %d instances: %s" %
                 (len(records), len(config["probabilities"]), " ".join(command)))
    for key in ("instance", "index", "model_index"):
        if all(key in r for r in records):
            records.sort(key=lambda r: r[key])
            break
    return seconds, steps, [float(r["final_loss"]) for r in records]


def tms_steps_for(args, config):
    """Steps for about --tms-seconds of wall time, from a short probe run."""
    probe_steps = 20 if args.quick else 50
    seconds, _, _ = tms_train(args, config, probe_steps, 0)
    instances = len(config["probabilities"])
    rate = instances * probe_steps / seconds
    return max(probe_steps, int(math.ceil(args.tms_seconds * rate / instances)))


# ------------------------------------------------------------------------------------------------------------------

def summary(values):
    return "%.4g" % statistics.mean(values) if values else "-"


def mean_sd(values):
    mean = statistics.mean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return mean, sd


def speed_table(args, configs):
    rows = []
    for key in args.configs:
        config = configs[key]
        instances = len(config["probabilities"])
        torch_seconds, torch_steps, torch_final = torch_train(config, args.steps, args.warmup, 0, args.torch_init,
                                                              True, args.torch_max_seconds)
        torch_rate = instances * torch_steps / torch_seconds
        if args.skip_tms:
            tms_rate, tms_steps, tms_final = float("nan"), 0, []
        else:
            tms_steps = args.tms_steps or tms_steps_for(args, config)
            tms_seconds, _, tms_final = tms_train(args, config, tms_steps, 0)
            tms_rate = instances * tms_steps / tms_seconds
        rows.append((config["label"], torch_rate, tms_rate, tms_rate / torch_rate, torch_steps, tms_steps,
                     summary(torch_final), summary(tms_final)))
        print("  done: %s" % config["label"], file=sys.stderr, flush=True)
    print("\n## Speed (instance-steps/s; batch %d; torch threads %d, tms threads %d)\n" %
          (BATCH, args.torch_threads, args.tms_threads))
    print("| configuration | PyTorch inst-steps/s | tms inst-steps/s | tms/PyTorch | PyTorch steps | tms steps "
          "| PyTorch final loss (mean over inst.) | tms final loss (mean over inst.) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, torch_rate, tms_rate, ratio, torch_steps, tms_steps, torch_final, tms_final in rows:
        print("| %s | %.0f | %.0f | %.1f× | %d | %d | %s | %s |" %
              (label, torch_rate, tms_rate, ratio, torch_steps, tms_steps, torch_final, tms_final))


def loss_table(args, configs):
    for key in args.final_loss_configs:
        config = configs[key]
        torch_runs, tms_runs = [], []
        for seed in range(args.seeds):
            torch_runs.append(torch_train(config, args.final_loss_steps, 0, seed, args.torch_init, True)[2])
            if not args.skip_tms:
                tms_runs.append(tms_train(args, config, args.final_loss_steps, seed)[2])
            print("  done: loss comparison %s seed %d" % (config["label"], seed), file=sys.stderr, flush=True)
        print("\n## Final loss after %d steps, config %s: mean ± sd over %d seeds (loss averaged over the last %d "
              "steps)\n" % (args.final_loss_steps, config["label"], args.seeds, FINAL_LOSS_WINDOW))
        # (tms − PyTorch) / sd compares the difference with one run's spread; t divides it by the standard error of
        # the difference of the two means (Welch), so |t| ≳ 2 on one instance, or a sum of t over k independent
        # instances beyond ≈ 2√k, would be a difference that more seeds do not explain.
        print("| instance | p | PyTorch | tms | (tms − PyTorch) / sd | t |")
        print("|---:|---:|---:|---:|---:|---:|")
        t_values = []
        for i, p in enumerate(config["probabilities"]):
            torch_values = [run[i] for run in torch_runs]
            tm, ts = mean_sd(torch_values)
            if tms_runs:
                tms_values = [run[i] for run in tms_runs]
                mm, ms = mean_sd(tms_values)
                pooled = math.sqrt((ts * ts + ms * ms) / 2) or float("nan")
                error = math.sqrt(ts * ts / len(torch_values) + ms * ms / len(tms_values)) or float("nan")
                t_values.append((mm - tm) / error)
                print("| %d | %.4g | %.4g ± %.2g | %.4g ± %.2g | %+.1f | %+.1f |" %
                      (i, p, tm, ts, mm, ms, (mm - tm) / pooled, t_values[-1]))
            else:
                print("| %d | %.4g | %.4g ± %.2g | - | - | - |" % (i, p, tm, ts))
        if t_values:
            print("\nΣt / √k over the %d instances: %+.2f (about N(0, 1) when the two agree)" %
                  (len(t_values), sum(t_values) / math.sqrt(len(t_values))))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tms", default=os.path.join("build", "release", "tools", "tms"),
                        help="the tms binary (default: %(default)s; a directory is searched for `tms`)")
    parser.add_argument("--configs", default="1,2,3,4", help="configurations to time (default: %(default)s)")
    parser.add_argument("--torch-threads", type=int, default=1, help="torch.set_num_threads (default: 1)")
    parser.add_argument("--tms-threads", type=int, default=1, help="tms train --threads (default: 1)")
    parser.add_argument("--steps", type=int, default=None, help="timed PyTorch steps (default: 300; quick: 30)")
    parser.add_argument("--torch-max-seconds", type=float, default=None,
                        help="cap on the timed PyTorch run, from the warm-up's rate (default: 30; quick: 5)")
    parser.add_argument("--warmup", type=int, default=None, help="untimed PyTorch warm-up steps (default: 20)")
    parser.add_argument("--tms-seconds", type=float, default=None,
                        help="target wall time of the timed tms run (default: 2; quick: 0.5)")
    parser.add_argument("--tms-steps", type=int, default=0, help="fixed tms steps instead of --tms-seconds")
    parser.add_argument("--final-loss-steps", type=int, default=None,
                        help="steps of the equal-step loss comparison (default: 10000; quick: 1000; 0 skips it)")
    parser.add_argument("--final-loss-configs", default="1", help="configurations for it (default: %(default)s)")
    parser.add_argument("--seeds", type=int, default=None, help="seeds for it (default: 3; quick: 2)")
    parser.add_argument("--torch-init", choices=["per-instance", "notebook"], default="per-instance",
                        help="per-instance: N(0, 2/(n+m)) per m×n matrix, as tms::initialize; notebook: "
                             "xavier_normal_ on the stacked tensor (default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (fewer steps, seeds, instances)")
    parser.add_argument("--skip-tms", action="store_true", help="PyTorch only (to test this script)")
    args = parser.parse_args()

    def default(value, normal, quick):
        return value if value is not None else (quick if args.quick else normal)

    args.steps = default(args.steps, 300, 30)
    args.warmup = default(args.warmup, 20, 3)
    args.torch_max_seconds = default(args.torch_max_seconds, 30.0, 5.0)
    args.tms_seconds = default(args.tms_seconds, 2.0, 0.5)
    args.final_loss_steps = default(args.final_loss_steps, 10000, 1000)
    args.seeds = default(args.seeds, 3, 2)
    args.configs = [int(c) for c in args.configs.split(",") if c]
    args.final_loss_configs = [int(c) for c in args.final_loss_configs.split(",") if c]
    if os.path.isdir(args.tms):
        args.tms = os.path.join(args.tms, "tms")
    if not args.skip_tms and not os.access(args.tms, os.X_OK):
        sys.exit("no tms binary at %s (build target tms_cli, or pass --tms PATH)" % args.tms)
    torch.set_num_threads(args.torch_threads)

    configs = config_table(args.quick)
    print("# PyTorch %s (%d threads) vs tms (%s, %d threads); %s" %
          (torch.__version__, args.torch_threads, args.tms, args.tms_threads, time.strftime("%Y-%m-%d %H:%M")))
    speed_table(args, configs)
    if args.final_loss_steps > 0:
        loss_table(args, configs)


if __name__ == "__main__":
    main()
