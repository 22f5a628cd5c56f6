"""tms.plot: figures are SVG documents, shown inline by Jupyter and saved to files."""
import os
import stat
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import tms


def check_svg(figure, title):
    root = ET.fromstring(figure._repr_svg_())
    assert root.tag.endswith("svg")
    assert title in figure.svg
    return root


def test_figures(tmp_path):
    model = tms.ReluHiddenModel(6, 3, seed=0)
    check_svg(tms.plot.weights_and_norms(model, title="basic"), "basic")
    check_svg(tms.plot.weights_and_norms(model.W, np.zeros(6), title="from W"), "from W")
    check_svg(tms.plot.weight_matrix(model, title="matrix"), "matrix")
    stacks = tms.plot.neuron_stacks(model, title="stacks", order=[2, 0, 1])
    check_svg(stacks, "stacks")
    check_svg(tms.plot.vectors_2d(tms.ReluOutputModel(5, 2, seed=0), title="2d"), "2d")
    models = [tms.ReluOutputModel(5, 2, seed=s) for s in range(3)]
    check_svg(tms.plot.dimensionality([1.0, 0.1, 0.01], models, title="dims"), "dims")
    path = tmp_path / "stacks.svg"
    stacks.save(path)
    assert path.read_text(encoding="utf-8") == stacks.svg


def test_save_never_writes_through_a_link_or_fifo(tmp_path):
    figure = tms.plot.weight_matrix(tms.ReluOutputModel(5, 2, seed=0), title="w")
    precious = tmp_path / "notes.txt"
    precious.write_text("precious", encoding="utf-8")
    link = tmp_path / "figure.svg"
    link.symlink_to(precious)
    with pytest.raises(OSError, match="symbolic link"):
        figure.save(link)
    assert precious.read_text(encoding="utf-8") == "precious" and link.is_symlink()
    fifo = tmp_path / "fifo.svg"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="FIFO"):
        figure.save(fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo.svg", "figure.svg", "notes.txt"]  # no temporaries


def test_bad_figure_input():
    with pytest.raises(ValueError, match=r"shape \(2, features\)"):
        tms.plot.vectors_2d(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="order: neuron 5"):
        tms.plot.neuron_stacks(np.ones((3, 4)), order=[5])
    with pytest.raises(ValueError, match=r"b must have shape \(4,\)"):
        tms.plot.weights_and_norms(np.ones((2, 4)), np.zeros(3))
