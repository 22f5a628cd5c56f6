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


def test_reproduce_pruned_best_of_is_labelled_and_trains_fewer_steps(tmp_path):
    out = tmp_path / "pruned"
    summary = tms.reproduce(out, quick=True, steps=20, best_of=4, pruned_best_of=True)
    assert summary["config"]["pruned_best_of"] == {"first_cut": 0.1, "cuts": 2, "keep": 0.25}
    section = summary["experiments"]["relu_hidden"]
    assert "not the paper's protocol" in section["protocol"]
    # Cuts at steps 2 and 6 of 20, keeping a quarter (rounded up): 4 seeds to step 2, 1 to 6, 1 to 20.
    assert [p["trained_steps"] for p in section["points"]] == [4 * 2 + 1 * 4 + 1 * 14] * len(section["points"])
    assert "not the paper's protocol" in (out / "report.html").read_text()
    plain = tms.reproduce(tmp_path / "plain", quick=True, steps=20, best_of=4)
    assert plain["config"]["pruned_best_of"] is None
    assert [p["trained_steps"] for p in plain["experiments"]["relu_hidden"]["points"]] == [4 * 20] * 6
