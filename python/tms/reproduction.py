"""tms.reproduce: the paper's experiments, as `tms reproduce` runs them, from Python."""

from __future__ import annotations

import json
import os

from . import _tms

__all__ = ["reproduce"]


def reproduce(out_dir, *, quick: bool = True, threads: int = 0, best_of: int = 0, steps: int = 0,
              verbose: bool = False, pruned_best_of: bool = False) -> dict:
    """Re-run the paper's experiments and write SVG figures, .npy weights, summary.json and report.html to
    ``out_dir`` (the same driver as the ``tms reproduce`` command).

    Every claim is checked on the trained models, on their untrained weights and on models trained on data of the
    wrong regime; it counts as reproduced only if it holds on the first and fails on both controls.
    ``out_dir`` must be absent, empty or an earlier run's output: files appear complete or not at all.

    Parameters
    ----------
    out_dir : str or os.PathLike
    quick : bool
        Fewer steps and seeds (a few minutes of CPU); ``False`` is the paper's protocol (best of 1000 seeds).
    threads, best_of, steps : int
        0 means the default (every core; 1000 or quick 50 relu_hidden seeds; 10,000 or quick 3,000 steps, but
        relu_hidden and abs_value train 10,000 steps in a quick run too).
    verbose : bool
        Print progress lines to stderr.
    pruned_best_of : bool
        **Not the paper's protocol**: the ReLU hidden experiment picks its best seed by successive halving (all seeds
        to 10% of the steps, the best quarter to 32%, the best quarter of those to the end; about a fifth of the
        training). ``summary["config"]["pruned_best_of"]`` and the report say so.

    Returns
    -------
    dict
        ``summary.json`` as a dict (``claims``, ``experiments``, ``figures``, ``verdict``), plus ``out_dir``.
    """
    if not hasattr(_tms, "_reproduce"):
        raise RuntimeError("this build of tms has no reproduction driver (it needs nlohmann-json at build time)")
    for name, value in (("threads", threads), ("best_of", best_of), ("steps", steps)):
        if int(value) < 0:
            raise ValueError(f"{name} must be non-negative (0: the default), got {value}")
    out = os.fspath(out_dir)
    _tms._reproduce(out, bool(quick), int(threads), int(best_of), int(steps), bool(verbose), bool(pruned_best_of))
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    summary["out_dir"] = out
    return summary
