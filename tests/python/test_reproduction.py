"""tms.reproduce: the C++ driver from Python; one training step leaves untrained weights, so no claim holds."""
import json
import os

import pytest

import tms


def test_reproduce_writes_the_report_and_no_claim_survives_one_step(tmp_path):
    out = tmp_path / "rep"
    summary = tms.reproduce(out, quick=True, steps=1, best_of=1)
    assert summary["out_dir"] == os.fspath(out)
    for name in ("summary.json", "report.html", ".tms-complete"):
        assert (out / name).is_file(), name
    with open(out / "summary.json") as f:
        assert json.load(f)["verdict"] == summary["verdict"]
    claims = summary["claims"]
    assert len(claims) >= 20
    assert not [c["id"] for c in claims if c["holds"]], "claims hold on (nearly) untrained weights"
    assert summary["verdict"].startswith(f"0/{len(claims)}")


def test_reproduce_refuses_a_directory_that_is_not_its_own(tmp_path):
    (tmp_path / "notes.txt").write_text("precious")
    with pytest.raises(OSError, match="notes|not empty|marker|tms"):
        tms.reproduce(tmp_path, quick=True, steps=1, best_of=1)
    assert (tmp_path / "notes.txt").read_text() == "precious"
    with pytest.raises(ValueError, match="steps"):
        tms.reproduce(tmp_path / "x", steps=-1)
