"""The paper's figures as SVG (include/tms/plot): objects that Jupyter shows inline and that save to .svg."""

from __future__ import annotations

import os
from typing import Sequence

import numpy as np

from . import _tms
from . import analysis
from .models import Model
from .training import TrainResult

__all__ = ["Figure", "weights_and_norms", "weight_matrix", "neuron_stacks", "vectors_2d", "dimensionality",
           "learning_dynamics"]


class Figure:
    """An SVG figure: displayed inline by Jupyter (``_repr_svg_``), ``svg`` is the document, ``save(path)`` writes it."""

    def __init__(self, svg: str, title: str = ""):
        self.svg = svg
        self.title = title

    def _repr_svg_(self) -> str:
        return self.svg

    def save(self, path: str | os.PathLike) -> None:
        """Writes the SVG document to ``path`` atomically, as every tms output is written.

        Raises
        ------
        OSError
            ``path`` is a symbolic link, FIFO, device or directory (refused, never written through), or the write
            failed (a full disk); the file at ``path`` is then unchanged.
        """
        _tms._write_file(os.fspath(path), self.svg)

    def __str__(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return f"tms.plot.Figure({self.title!r}, {len(self.svg)} bytes of SVG)"


def _figure_weights(W) -> np.ndarray:
    array = np.asarray(W.feature_weights if isinstance(W, Model) else W, dtype=np.float64)
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"W must have shape (hidden, features), got {array.shape}")
    return np.asfortranarray(array)


def weights_and_norms(W, b=None, *, title: str = "") -> Figure:
    """WᵀW beside b, and the feature norms ‖W_i‖ coloured by superposition (the paper's basic-results figure).

    Parameters
    ----------
    W : Model or array_like, shape (hidden, features)
    b : array_like, shape (features,), optional
        The bias; taken from the model when ``W`` is a model, zeros otherwise.
    """
    if b is None:
        b = W.b if isinstance(W, Model) else np.zeros(np.shape(W)[-1])
    return Figure(_tms._weights_and_norms_figure(_figure_weights(W), np.asarray(b, dtype=np.float64), title), title)


def weight_matrix(W, *, title: str = "") -> Figure:
    """W (hidden, features) as a matrix on a diverging colour scale."""
    return Figure(_tms._weight_matrix_figure(_figure_weights(W), title), title)


def neuron_stacks(W, *, title: str = "", order: Sequence[int] | None = None) -> Figure:
    """One stack per neuron (row of W, hidden × features) of |W_ji| coloured by feature, labelled mono/poly/dead."""
    return Figure(_tms._neuron_stack_figure(_figure_weights(W), title, [] if order is None else list(order)), title)


def vectors_2d(W, *, title: str = "") -> Figure:
    """W's columns as vectors in the hidden plane (W of shape (2, features))."""
    weights = _figure_weights(W)
    if weights.shape[0] != 2:
        raise ValueError(f"vectors_2d needs W of shape (2, features), got {weights.shape}")
    return Figure(_tms._vectors_2d_figure(weights, title), title)


def dimensionality(probabilities, weights, *, title: str = "") -> Figure:
    """Feature dimensionality D_i against 1/p, with m/‖W‖_F² as a line and the paper's reference fractions.

    Parameters
    ----------
    probabilities : sequence of float, shape (points,)
    weights : sequence of models or of W arrays (hidden, features), one per probability
    """
    probabilities = [float(p) for p in probabilities]
    weights = list(weights)
    dims = [list(map(float, analysis.feature_dimensionality(w))) for w in weights]
    per_feature = [float(analysis.dimensions_per_feature(w)) for w in weights]
    return Figure(_tms._dimensionality_figure(probabilities, dims, per_feature, title), title)


def learning_dynamics(steps: TrainResult | Sequence[int] | np.ndarray, dimensionality=None,
                      loss: Sequence[float] | np.ndarray | None = None, *, title: str = "",
                      last_step_shown: int = 0) -> Figure:
    """Each feature's dimensionality D_i against the training step (one line per feature, broken where it is not
    represented) with dashed lines at the energy levels 1, 3/4, 2/3, 1/2, 2/5, 3/8, beside the loss on a log axis.

    Parameters
    ----------
    steps : array_like of int, shape (snapshots,), or TrainResult
        The snapshots' steps, strictly increasing. A :class:`tms.TrainResult` trained with ``snapshot_every``
        gives all three: its ``snapshot_steps``, D_i of its ``snapshots``, and its ``loss_history`` at the
        snapshot steps it was logged at (``log_every``; NaN at the others).
    dimensionality : array_like, shape (snapshots, features), or (snapshots, hidden, features)
        D_i at each snapshot (NaN: not represented), or the weights at each snapshot, from which D_i is computed
        (see :func:`tms.analysis.dimensionality_jumps`).
    loss : array_like, shape (snapshots,), optional
        The loss at each snapshot (NaN: none, e.g. at step 0); without it the loss panel is empty.
    last_step_shown : int, default 0
        If positive, both x axes end there (where the dynamics happen early in a long run); 0 shows every step.
    """
    if isinstance(steps, TrainResult):
        result = steps
        if dimensionality is not None or loss is not None:
            raise ValueError("learning_dynamics(result) takes the dimensionality and loss from the TrainResult")
        if result.snapshots is None:
            raise ValueError("learning_dynamics needs a TrainResult trained with snapshot_every=K > 0")
        steps, dimensionality = result.snapshot_steps, result.snapshots
        logged = dict(zip(np.asarray(result.loss_steps).tolist(), np.asarray(result.loss_history).tolist()))
        loss = [logged.get(int(step), float("nan")) for step in steps]
    elif dimensionality is None:
        raise ValueError("learning_dynamics needs the dimensionality at each step (or a TrainResult)")
    if int(last_step_shown) < 0:
        raise ValueError(f"last_step_shown must be non-negative, got {last_step_shown}")
    values, step_list = analysis._dimensionality_over_time(dimensionality, steps)
    losses = analysis._loss_per_snapshot(loss, len(step_list))
    return Figure(_tms._learning_dynamics_figure(step_list, values, losses, title, int(last_step_shown)), title)
