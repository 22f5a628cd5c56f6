"""The paper's analyses on a model, on a numpy W of shape (hidden, features), or on a stack of shape
(instances, hidden, features) (the result then gains a leading instances axis).

For the abs-value model the analyses use its effective weights W1 * ||W2[:, j]|| (row j of W1 scaled by the norm
of column j of W2), which the model's rescaling symmetry leaves unchanged, as the C++ model overloads do.
Superposition and feature dimensionality are NaN ("not applicable") for features that are not represented.
"""

from __future__ import annotations

import numpy as np

from . import _tms
from .models import Model

__all__ = ["gram", "feature_norms", "represented_features", "superposition", "feature_dimensionality",
           "dimensions_per_feature", "neuron_feature_counts", "classify_neurons", "count_neurons",
           "DEFAULT_NEURON_THRESHOLD", "DEFAULT_NEURON_FLOOR", "effective_weights"]

#: A feature counts for a neuron when its weight reaches this fraction of that neuron's largest weight ...
DEFAULT_NEURON_THRESHOLD = 0.2
#: ... and exceeds this absolute floor (initialisation-sized weights are noise, not features).
DEFAULT_NEURON_FLOOR = 0.1


def effective_weights(model) -> np.ndarray:
    """The (hidden, features) weights the analyses read: W, or for the abs-value model W1 with row j scaled by
    ||W2[:, j]||, invariant under the rescaling symmetry (row j of W1 times c, column j of W2 divided by c)."""
    if hasattr(model, "W2"):
        return np.asfortranarray(model.W1 * np.linalg.norm(model.W2, axis=0)[:, None])
    return model.feature_weights


def _weights(W) -> np.ndarray:
    """W as a float32/float64 Fortran-ordered 2-D or 3-D array (a model's view is used as it is)."""
    if isinstance(W, Model):
        return effective_weights(W)
    array = np.asarray(W)
    if array.dtype not in (np.float32, np.float64):
        if not np.issubdtype(array.dtype, np.number):
            raise ValueError(f"W must be a numeric array of shape (hidden, features), got dtype {array.dtype}")
        array = array.astype(np.float64)
    if array.ndim not in (2, 3):
        raise ValueError(f"W must have shape (hidden, features) or (instances, hidden, features), got {array.shape}")
    if 0 in array.shape:
        raise ValueError(f"W must not be empty, got shape {array.shape}")
    return array


def _apply(function, W, *args):
    array = _weights(W)
    if array.ndim == 3:
        results = [function(np.asfortranarray(w), *args) for w in array]
        return np.array(results) if not isinstance(results[0], list) else results
    return function(np.asfortranarray(array), *args)


def gram(W) -> np.ndarray:
    """WᵀW, shape (features, features): entry (i, j) is W_i · W_j.

    Parameters
    ----------
    W : Model or array_like, shape (hidden, features) or (instances, hidden, features)
    """
    return _apply(_tms._gram, W)


def feature_norms(W) -> np.ndarray:
    """‖W_i‖ for every feature, shape (features,): ≈1 represented, ≈0 not. ``W`` as for :func:`gram`."""
    return _apply(_tms._feature_norms, W)


def represented_features(W, threshold: float = 0.5):
    """The number of features with ‖W_i‖ > ``threshold`` (the paper's "represented"); an int, or (instances,)."""
    return _apply(_tms._represented_features, W, float(threshold))


def superposition(W) -> np.ndarray:
    """Σ_{j≠i} (Ŵ_i·W_j)² per feature, shape (features,); 0 for a zero column. ``W`` as for :func:`gram`."""
    return _apply(_tms._superposition, W)


def feature_dimensionality(W) -> np.ndarray:
    """D_i = ‖W_i‖² / Σ_j (Ŵ_i·W_j)², shape (features,): 1 orthogonal, 1/2 antipodal, 2/5 pentagon; 0 for a zero
    column."""
    return _apply(_tms._feature_dimensionality, W)


def dimensions_per_feature(W):
    """m / ‖W‖_F², the paper's dimensions per feature (+inf for W = 0); a float, or (instances,)."""
    return _apply(_tms._dimensions_per_feature, W)


def _symmetric(W, range):
    if range is None:
        return isinstance(W, Model) and hasattr(W, "W2")  # the abs-value task: x in [-1, 1)
    if range not in ("unit", "symmetric"):
        raise ValueError(f"range must be 'unit' or 'symmetric', got {range!r}")
    return range == "symmetric"


def neuron_feature_counts(W, threshold: float = DEFAULT_NEURON_THRESHOLD, floor: float = DEFAULT_NEURON_FLOOR,
                          range: str | None = None) -> np.ndarray:
    """For each neuron (row of W) how many features count for it, shape (hidden,).

    Feature i counts for neuron j when W_ji ≥ ``threshold`` × the neuron's own largest weight and W_ji > ``floor``.
    On ``range="unit"`` data (x ≥ 0, the reconstruction tasks) only positive weights count, so a neuron whose
    weights are all ≤ 0 cannot fire and is dead; on ``"symmetric"`` data (the abs-value task) |W_ji| counts. By
    default the range is the model's (symmetric for an AbsValueModel), and "unit" for a numpy W.
    """
    return np.asarray(_apply(_tms._neuron_feature_counts, W, float(threshold), float(floor), _symmetric(W, range)),
                      dtype=np.int64)


def classify_neurons(W, threshold: float = DEFAULT_NEURON_THRESHOLD, floor: float = DEFAULT_NEURON_FLOOR,
                     range: str | None = None):
    """"dead", "monosemantic" or "polysemantic" for each neuron (row of W): a list of hidden strings.
    See :func:`neuron_feature_counts` for when a feature counts."""
    counts = neuron_feature_counts(W, threshold, floor, range)

    def name(count):
        return "dead" if count == 0 else "monosemantic" if count == 1 else "polysemantic"

    if counts.ndim == 2:
        return [[name(c) for c in row] for row in counts]
    return [name(c) for c in counts]


def count_neurons(W, threshold: float = DEFAULT_NEURON_THRESHOLD, floor: float = DEFAULT_NEURON_FLOOR,
                  range: str | None = None) -> dict[str, int]:
    """How many neurons of W (hidden, features) are dead, monosemantic and polysemantic."""
    counts = neuron_feature_counts(W, threshold, floor, range)
    if counts.ndim != 1:
        raise ValueError("count_neurons takes one W (hidden, features) or one model")
    return {"dead": int(np.sum(counts == 0)), "monosemantic": int(np.sum(counts == 1)),
            "polysemantic": int(np.sum(counts > 1))}
