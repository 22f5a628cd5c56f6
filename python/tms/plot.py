"""The paper's figures as SVG (include/tms/plot): objects that Jupyter shows inline and that save to .svg."""

from __future__ import annotations

import os
from typing import Sequence

import numpy as np

from . import _tms
from . import analysis
from .models import Model

__all__ = ["Figure", "weights_and_norms", "weight_matrix", "neuron_stacks", "vectors_2d", "dimensionality"]


class Figure:
    """An SVG figure: displayed inline by Jupyter (``_repr_svg_``), ``svg`` is the document, ``save(path)`` writes it."""

    def __init__(self, svg: str, title: str = ""):
        self.svg = svg
        self.title = title

    def _repr_svg_(self) -> str:
        return self.svg

    def save(self, path: str | os.PathLike) -> None:
        """Writes the SVG document to ``path``."""
        with open(path, "w", encoding="utf-8") as out:
            out.write(self.svg)

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
