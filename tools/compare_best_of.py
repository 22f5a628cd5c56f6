#!/usr/bin/python3
"""The ReLU hidden points of two `tms reproduce` runs side by side: the paper's best-of against a pruned one.

Usage: tools/compare_best_of.py FULL/summary.json PRUNED/summary.json
Per sparsity: each run's winning seed, final loss and (represented, monosemantic, polysemantic) regime, whether the
regimes agree, the pruned winner's loss relative to the full one, and the training steps each took; then the
agreement rate, the largest loss gap, the compute ratio and the relu_hidden claims of each run.
"""
import json
import sys


def relu_hidden(path):
    with open(path) as f:
        summary = json.load(f)
    return summary, summary["experiments"]["relu_hidden"]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: tools/compare_best_of.py FULL/summary.json PRUNED/summary.json")
    full_summary, full = relu_hidden(sys.argv[1])
    pruned_summary, pruned = relu_hidden(sys.argv[2])
    if full_summary["config"].get("pruned_best_of") is not None:
        sys.exit(f"{sys.argv[1]}: not a run of the paper's protocol (it was pruned)")
    if pruned_summary["config"].get("pruned_best_of") is None:
        sys.exit(f"{sys.argv[2]}: not a pruned run (no --pruned-best-of)")
    print("| 1−S | full: seed, loss, regime | pruned: seed, loss, regime | same regime | loss gap | steps full / pruned |")
    print("| ---: | --- | --- | --- | ---: | ---: |")
    agree, gaps, steps_full, steps_pruned = 0, [], 0, 0
    for a in full["points"]:  # summaries written before trained_steps was recorded: seeds × steps
        a.setdefault("trained_steps", full["best_of"] * full_summary["config"]["relu_hidden_steps"])
    for a, b in zip(full["points"], pruned["points"]):
        same = a["regime"] == b["regime"]
        agree += same
        gap = b["final_loss"] / a["final_loss"] - 1.0
        gaps.append(gap)
        steps_full += a["trained_steps"]
        steps_pruned += b["trained_steps"]
        print(f"| {a['probability']:g} | {a['seed']}, {a['final_loss']:.4g}, {tuple(a['regime'])} | "
              f"{b['seed']}, {b['final_loss']:.4g}, {tuple(b['regime'])} | {'yes' if same else 'NO'} | "
              f"{100 * gap:+.3f}% | {a['trained_steps']:,} / {b['trained_steps']:,} |")
    within = sum(abs(g) <= 0.01 for g in gaps)
    print()
    print(f"same regime at {agree}/{len(gaps)} sparsities; loss within 1% at {within}/{len(gaps)} "
          f"(largest gap {100 * max(gaps, key=abs):+.3f}%); compute {steps_pruned / steps_full:.3f} of the full "
          f"protocol's steps")
    for name, summary in (("full", full_summary), ("pruned", pruned_summary)):
        claims = [c for c in summary["claims"] if c["experiment"] == "relu_hidden"]
        print(f"{name}: {sum(c['reproduced'] for c in claims)}/{len(claims)} relu_hidden claims reproduced")


if __name__ == "__main__":
    main()
