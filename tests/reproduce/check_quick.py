#!/usr/bin/python3
"""`tms reproduce --quick`: the paper's qualitative findings hold in summary.json, every SVG is well-formed XML
with a <title>, and every .npy loads with numpy in the shape summary.json records.

Usage: check_quick.py path/to/tms
"""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import numpy as np

SVG = "{http://www.w3.org/2000/svg}"


def main():
    tms = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "quick")
        # TMS_TEST_STEPS (the sanitizer build): every code path on fewer steps, without the convergence claims.
        short = os.environ.get("TMS_TEST_STEPS")
        extra = ["--steps", short, "--best-of", "2"] if short else []
        subprocess.run([tms, "reproduce", "--quick", "--out", out] + extra, check=True)
        with open(os.path.join(out, "summary.json")) as f:
            summary = json.load(f)
        experiments = summary["experiments"]
        if not short:
            check_claims(summary)
            check_untrained_run(tms, tmp)
        check_files(out, summary, experiments)
    print(f"ok: {'claims reproduced and discriminating, ' if not short else ''}SVGs parse, .npy files load")


def check_claims(summary):
    """The claims are the library's predicates (tms/experiments); tms reproduce records each on the trained models
    and on both controls. Every one must hold on the trained models and fail on untrained weights and wrong data."""
    claims = summary["claims"]
    assert len(claims) >= 20, f"only {len(claims)} claims"
    for c in claims:
        assert c["holds"], f"{c['id']} does not hold: {c['measured']}"
        assert c["fails_untrained"], f"{c['id']} holds on untrained weights: {c['untrained_measured']}"
        assert c["fails_wrong_data"], f"{c['id']} holds on wrong data: {c['wrong_data_measured']}"
        assert c["reproduced"]
    assert summary["verdict"].startswith(f"{len(claims)}/{len(claims)} claims reproduced"), summary["verdict"]
    # The regime table and the motif are in the report.
    hidden = summary["experiments"]["relu_hidden"]["points"]
    assert [p["regime"] for p in hidden] == [[5, 5, 0], [6, 3, 2], [7, 2, 3], [7, 1, 4], [8, 0, 5], [10, 0, 5]]
    assert any(p["asymmetric_superposition"] for p in summary["experiments"]["abs_value"]["points"])


def check_untrained_run(tms, tmp):
    """One step of training leaves the initial weights: no claim may be reproduced."""
    out = os.path.join(tmp, "one_step")
    subprocess.run([tms, "reproduce", "--quick", "--steps", "1", "--out", out], check=True)
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    held = [c["id"] for c in summary["claims"] if c["holds"] or c["reproduced"]]
    assert not held, f"claims holding after one training step: {held}"
    assert summary["verdict"].startswith(f"0/{len(summary['claims'])}"), summary["verdict"]


def check_files(out, summary, experiments):
    # Every SVG parses and has a <title>; report.html exists.
    svgs = [f for f in os.listdir(out) if f.endswith(".svg")]
    assert len(svgs) == len(summary["figures"]) > 0
    for name in svgs:
        root = ET.parse(os.path.join(out, name)).getroot()
        title = root.find(SVG + "title")
        assert title is not None and title.text, f"{name}: no <title>"
    assert os.path.getsize(os.path.join(out, "report.html")) > 0
    assert os.path.isfile(os.path.join(out, ".tms-complete")), "no completion marker"

    # Every .npy loads as float32 in the recorded shape.
    checked = 0
    def check_npy(node):
        nonlocal checked
        if isinstance(node, dict):
            if set(node) == {"file", "shape"}:
                array = np.load(os.path.join(out, node["file"]))
                assert array.dtype == np.float32, f"{node['file']}: {array.dtype}"
                assert list(array.shape) == node["shape"], f"{node['file']}: {array.shape} != {node['shape']}"
                checked += 1
            for value in node.values():
                check_npy(value)
        elif isinstance(node, list):
            for value in node:
                check_npy(value)
    check_npy(experiments)
    npys = [f for f in os.listdir(out) if f.endswith(".npy")]
    assert checked == len(npys) > 0, f"{checked} .npy checked, {len(npys)} written"
    # Learning dynamics: W over training as [snapshots, m, n], one snapshot per recorded step and loss.
    dynamics = experiments["learning_dynamics"]
    W_over_training = np.load(os.path.join(out, dynamics["npy"]["W"]["file"]))
    assert W_over_training.shape == (len(dynamics["snapshot_steps"]), dynamics["m"], dynamics["n"])
    assert len(dynamics["snapshot_loss"]) == len(dynamics["snapshot_steps"])
    assert dynamics["snapshot_steps"][0] == 0 and dynamics["snapshot_steps"][-1] == dynamics["steps"]
    basic = experiments["basic_results"]
    dense = max(basic["models"]["relu_output"], key=lambda e: e["probability"])
    W = np.load(os.path.join(out, dense["npy"]["W"]["file"]))
    assert W.shape == (basic["m"], basic["n"])
    assert np.array_equal(W, np.array(dense["W"], dtype=np.float32))


if __name__ == "__main__":
    main()
