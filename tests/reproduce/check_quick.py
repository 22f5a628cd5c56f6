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
    with tempfile.TemporaryDirectory() as out:
        # TMS_TEST_STEPS (the sanitizer build): every code path on fewer steps, without the convergence claims.
        short = os.environ.get("TMS_TEST_STEPS")
        extra = ["--steps", short, "--best-of", "2"] if short else []
        subprocess.run([tms, "reproduce", "--quick", "--out", out] + extra, check=True)
        with open(os.path.join(out, "summary.json")) as f:
            summary = json.load(f)
        experiments = summary["experiments"]
        if not short:
            check_claims(experiments)
        check_files(out, summary, experiments)
    print(f"ok: {'claims hold, ' if not short else ''}SVGs parse, .npy files load")


def check_claims(experiments):
    # 1) relu_output: represented features never fewer as sparsity increases; m at p = 1; more than m at p <= 0.01.
    basic = experiments["basic_results"]
    m = basic["config"]["m"]
    relu = sorted(basic["models"]["relu_output"], key=lambda e: -e["probability"])
    counts = [e["represented"] for e in relu]
    assert counts == sorted(counts), f"relu_output represented not non-decreasing with sparsity: {counts}"
    assert relu[0]["probability"] == 1 and relu[0]["represented"] == m, f"dense relu_output: {relu[0]['represented']} != {m}"
    for e in relu:
        if e["probability"] <= 0.01:
            assert e["represented"] > m, f"p={e['probability']}: {e['represented']} represented, expected > {m}"

    # 2) n = 5, m = 2: 2 orthogonal features when dense, two antipodal pairs at 1 - S = 0.2, a pentagon at 0.1.
    def gaps(W):
        W = np.array(W)
        kept = np.linalg.norm(W, axis=0) > 0.5
        angles = np.sort(np.degrees(np.arctan2(W[1, kept], W[0, kept])))
        return np.diff(np.append(angles, angles[0] + 360))
    planar = {e["probability"]: gaps(e["W"]) for e in experiments["two_dimensional"]["points"]}
    assert len(planar[1]) == 2 and abs(planar[1].min() - 90) < 8, f"dense 2-D model: gaps {planar[1]}, expected 90, 270"
    for p, k in ((0.2, 4), (0.1, 5)):
        g = planar[p]
        assert len(g) == k and np.all(np.abs(g - 360 / k) < 8), f"2-D model at 1-S={p}: gaps {g}, expected {k} x {360 / k}"

    # 3) relu_hidden: every neuron monosemantic at the densest point.
    hidden = experiments["relu_hidden"]
    densest = max(hidden["points"], key=lambda e: e["probability"])
    assert densest["neurons"]["monosemantic"] == hidden["config"]["m"], f"densest relu_hidden: {densest['neurons']}"

    # 4) abs_value: monosemantic neurons never more as sparsity increases.
    absv = sorted(experiments["abs_value"]["points"], key=lambda e: -e["probability"])
    mono = [e["neurons"]["monosemantic"] for e in absv]
    assert mono == sorted(mono, reverse=True), f"abs_value monosemantic not non-increasing: {mono}"


def check_files(out, summary, experiments):
    # Every SVG parses and has a <title>; report.html exists.
    svgs = [f for f in os.listdir(out) if f.endswith(".svg")]
    assert len(svgs) == len(summary["figures"]) > 0
    for name in svgs:
        root = ET.parse(os.path.join(out, name)).getroot()
        title = root.find(SVG + "title")
        assert title is not None and title.text, f"{name}: no <title>"
    assert os.path.getsize(os.path.join(out, "report.html")) > 0

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
    basic = experiments["basic_results"]
    dense = max(basic["models"]["relu_output"], key=lambda e: e["probability"])
    W = np.load(os.path.join(out, dense["npy"]["W"]["file"]))
    assert W.shape == (basic["config"]["m"], basic["config"]["n"])
    assert np.array_equal(W, np.array(dense["W"], dtype=np.float32))


if __name__ == "__main__":
    main()
