"""Models as .npz files NumPy opens directly (include/tms/io/model_file.hpp): W (or W1, W2), b, importance,
probability, kind, n, m, tms_format. Checkpoints of a training run are written by ``train(checkpoint=...)`` and
read by ``train(resume=...)``.
"""

from __future__ import annotations

import os
from typing import NamedTuple

import numpy as np

from . import _tms
from .models import Model

__all__ = ["save_model", "load_model", "LoadedModel"]


class LoadedModel(NamedTuple):
    """What :func:`load_model` returns: the model and the task it was trained on."""

    model: Model
    importance: np.ndarray
    """I_i, shape (features,)."""
    probabilities: np.ndarray
    """p_i, shape (features,)."""


def save_model(path: str | os.PathLike, model: Model, *, importance=1.0, probability=0.01) -> None:
    """Saves ``model`` and its task to ``path`` (.npz, written atomically).

    Parameters
    ----------
    importance, probability : float or array_like of shape (features,)
        One value for every feature or one per feature (the importance is stored per feature, not as a ratio).
    """
    if not isinstance(model, Model):
        raise TypeError(f"save_model: model must be a tms model, got {type(model).__name__}")
    def per_feature(value):
        return float(value) if np.ndim(value) == 0 else np.asarray(value, dtype=np.float64)

    _tms._save_model(os.fspath(path), model, per_feature(importance), per_feature(probability))


def load_model(path: str | os.PathLike) -> LoadedModel:
    """Loads a model saved by :func:`save_model` or ``tms`` (any kind, float32 or float64).

    Raises
    ------
    FileNotFoundError
        No such file.
    tms.FormatError
        A malformed or inconsistent archive (also a ValueError).
    """
    model, importance, probabilities = _tms._load_model(os.fspath(path))
    return LoadedModel(model, importance, probabilities)
