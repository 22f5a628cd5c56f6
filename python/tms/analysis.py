"""The paper's analyses on a model, on a numpy W of shape (hidden, features), or on a stack of shape
(instances, hidden, features) (the result then gains a leading instances axis).

For the abs-value model the analyses use its effective weights W1 * ||W2[:, j]|| (row j of W1 scaled by the norm
of column j of W2), which the model's rescaling symmetry leaves unchanged, as the C++ model overloads do.
Superposition and feature dimensionality are NaN ("not applicable") for features that are not represented.

The structural analyses (:func:`angle_structure`, :func:`set_interference`, :func:`classify_extra_feature`) return
result objects, a list of them for a stack; :func:`find_asymmetric_superposition` reads an abs-value model's W1 and
W2; the n = 2, m = 1 phase functions take numbers (or arrays) rather than weights; :func:`dimensionality_jumps`
takes the dimensionality over a training run.
"""

from __future__ import annotations

import dataclasses
import operator
from typing import Any, Sequence

import numpy as np

from . import _tms
from .models import CorrelatedFeatureSampler, Model

__all__ = ["gram", "feature_norms", "represented_features", "superposition", "feature_dimensionality",
           "dimensions_per_feature", "neuron_feature_counts", "classify_neurons", "count_neurons",
           "DEFAULT_NEURON_THRESHOLD", "DEFAULT_NEURON_FLOOR", "effective_weights",
           "angle_structure", "AngleStructure", "set_interference", "SetInterference", "InterferenceSummary",
           "find_asymmetric_superposition", "AsymmetricSuperposition", "classify_extra_feature", "PHASES",
           "two_feature_losses", "TwoFeatureLosses", "analytic_two_feature_phase", "antipodal_boundary_density",
           "dropped_feature_loss", "dimensionality_jumps", "DimensionalityJump", "ENERGY_LEVELS"]

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


# ---------------------------------------------------------------------------------------------------------------
# Geometry of the feature directions: angles in a 2-D hidden space, interference by feature set.


def _each(function, W, *args):
    """``function`` on W (2-D), or a list of its results over a stack (3-D)."""
    array = _weights(W)
    if array.ndim == 3:
        return [function(np.asfortranarray(w), *args) for w in array]
    return function(np.asfortranarray(array), *args)


@dataclasses.dataclass(frozen=True, eq=False)
class AngleStructure:
    """The angles of the represented features of a W of shape (2, features) (the pentagon and its break-up).
    (Compare its fields, not the objects: ``==`` is identity, as the fields are numpy arrays.)

    Attributes
    ----------
    angles : ndarray of float64, shape (features,)
        Feature i's angle atan2(W[1, i], W[0, i]) in [0, 2π); NaN where the feature is not represented.
    order : ndarray of int64, shape (represented,)
        The represented features in increasing angle.
    gaps : ndarray of float64, shape (represented,)
        gaps[k]: the angle from ``order[k]`` counter-clockwise to ``order[k + 1]`` (cyclically); they sum to 2π.
        One represented feature gives [2π], none gives an empty array.
    antipodal_pairs : list of (int, int)
        Represented pairs (i < j) whose angles differ by π within the tolerance, each feature in at most one pair
        (closest to π first), sorted.
    max_gap_deviation : float
        max_k |gaps[k] − 2π/K| over the K represented features: 0 for a regular polygon; NaN if K = 0.
    """

    angles: np.ndarray
    order: np.ndarray
    gaps: np.ndarray
    antipodal_pairs: list[tuple[int, int]]
    max_gap_deviation: float

    @property
    def represented(self) -> int:
        """K, the number of represented features."""
        return len(self.order)


def _angle_structure(w, represented_threshold, antipodal_tolerance) -> AngleStructure:
    raw = _tms._angle_structure(w, represented_threshold, antipodal_tolerance)
    return AngleStructure(angles=raw["angles"], order=np.asarray(raw["order"], dtype=np.int64),
                          gaps=np.asarray(raw["gaps"], dtype=np.float64),
                          antipodal_pairs=[(int(a), int(b)) for a, b in raw["antipodal_pairs"]],
                          max_gap_deviation=float(raw["max_gap_deviation"]))


def angle_structure(W, represented_threshold: float = 0.5,
                    antipodal_tolerance: float = 0.15) -> AngleStructure | list[AngleStructure]:
    """The angle structure of the feature directions in a 2-D hidden space: each represented feature's angle, the
    gaps between neighbours around the circle and the antipodal pairs.

    Parameters
    ----------
    W : Model or array_like, shape (2, features) or (instances, 2, features)
        A model with two hidden dimensions (the abs-value model through its effective weights) or its W; a stack
        gives a list of results.
    represented_threshold : float, default 0.5
        Features with ‖W_i‖ > this take part; the others' directions are noise (angle NaN).
    antipodal_tolerance : float, default 0.15
        Two represented features whose angles differ by π ± this (radians, in [0, π/2)) are antipodal.

    Returns
    -------
    AngleStructure
        ``angles``, ``order``, ``gaps``, ``antipodal_pairs``, ``represented``, ``max_gap_deviation``.

    Raises
    ------
    ValueError
        W does not have shape (2, features), or the tolerance is outside [0, π/2).
    """
    return _each(_angle_structure, W, float(represented_threshold), float(antipodal_tolerance))


@dataclasses.dataclass(frozen=True)
class InterferenceSummary:
    """Statistics of W_i · W_j over one class of feature pairs i < j with both features represented.

    ``pairs`` is the number of pairs counted; with 0 pairs the other fields are NaN. ``mean`` is the mean WᵀW entry,
    ``mean_cosine`` the mean of Ŵ_i · Ŵ_j (−1 antipodal, 0 orthogonal, 1 parallel), ``mean_abs_cosine`` the mean of
    its absolute value (0 only if every pair is orthogonal), ``fraction_negative`` the share of pairs with
    W_i · W_j < 0.
    """

    pairs: int
    mean: float
    mean_cosine: float
    mean_abs_cosine: float
    fraction_negative: float


@dataclasses.dataclass(frozen=True)
class SetInterference:
    """WᵀW summarised over four classes of pairs of represented features: both in the same correlated set, both in
    the same anticorrelated set, in two different sets, and at least one an independent feature."""

    within_correlated: InterferenceSummary
    within_anticorrelated: InterferenceSummary
    across_sets: InterferenceSummary
    with_independent: InterferenceSummary


def _feature_sets(sets) -> list[tuple[str, int, float]]:
    """``sets`` as the (correlation, size, probability) tuples the C++ takes (the probability may be None)."""
    if isinstance(sets, CorrelatedFeatureSampler):
        return list(sets.sets)
    if isinstance(sets, (str, bytes)) or not hasattr(sets, "__iter__"):
        raise ValueError(f"sets must be a list of (correlation, size, probability) tuples or a "
                         f"CorrelatedFeatureSampler, got {type(sets).__name__}")
    out = []
    for entry in sets:
        if isinstance(entry, (str, bytes)) or not hasattr(entry, "__len__") or len(entry) != 3:
            raise ValueError(f"each set must be a (correlation, size, probability) tuple, got {entry!r}")
        correlation, size, probability = entry
        try:
            size = operator.index(size)
        except TypeError:
            raise ValueError(f"a set's size must be an integer, got {size!r}") from None
        out.append((str(correlation), size, 0.0 if probability is None else float(probability)))
    return out


def _set_interference(w, sets, represented_threshold) -> SetInterference:
    raw = _tms._set_interference(w, sets, represented_threshold)

    def summary(values):
        pairs, mean, mean_cosine, mean_abs_cosine, fraction_negative = values
        return InterferenceSummary(int(pairs), float(mean), float(mean_cosine), float(mean_abs_cosine),
                                   float(fraction_negative))

    return SetInterference(**{name: summary(values) for name, values in raw.items()})


def set_interference(W, sets, represented_threshold: float = 0.5) -> SetInterference | list[SetInterference]:
    """WᵀW summarised by feature sets (the paper's correlated-features findings: correlated features prefer
    orthogonality, anticorrelated ones negative interference).

    Parameters
    ----------
    W : Model or array_like, shape (hidden, features) or (instances, hidden, features)
    sets : list of (correlation, size, probability), or a CorrelatedFeatureSampler
        As :class:`tms.CorrelatedFeatureSampler` and ``TrainConfig(sets=...)`` take them: "correlated" or
        "anticorrelated" sets on consecutive features from feature 0, in the order given; the features after the
        last set are independent. The probability is not used here (it may be None).
    represented_threshold : float, default 0.5
        Only pairs of features with ‖W_i‖ > this count.

    Returns
    -------
    SetInterference
        ``within_correlated``, ``within_anticorrelated``, ``across_sets``, ``with_independent``, each an
        :class:`InterferenceSummary` (``pairs``, ``mean``, ``mean_cosine``, ``mean_abs_cosine``,
        ``fraction_negative``).

    Raises
    ------
    ValueError
        A malformed set, or sets holding more features than W has.
    """
    return _each(_set_interference, W, _feature_sets(sets), float(represented_threshold))


# ---------------------------------------------------------------------------------------------------------------
# Asymmetric superposition with inhibition (the abs-value model).


@dataclasses.dataclass(frozen=True)
class AsymmetricSuperposition:
    """One instance of asymmetric superposition with inhibition.

    Attributes
    ----------
    neuron : int
        A, the neuron storing both features.
    strong_feature, weak_feature : int
        s, the larger input weight into A, and w, the smaller one (s interferes with w).
    inhibitor : int
        B, the neuron that fires on s and inhibits w's output.
    input_ratio : float
        |W1[A, s]| / |W1[A, w]|.
    output_ratio : float
        W2[w, A] / W2[s, A].
    interference : float
        W2[w, A] · |W1[A, s]|: what s adds to w's output through A, per unit of s.
    inhibition : float
        −W2[w, B] · |W1[B, s]| / interference: the share of it B cancels.
    """

    neuron: int
    strong_feature: int
    weak_feature: int
    inhibitor: int
    input_ratio: float
    output_ratio: float
    interference: float
    inhibition: float


def _float_matrix(value, name: str, shape_text: str) -> np.ndarray:
    array = np.asarray(value)
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
        raise ValueError(f"{name} must be a real array of shape {shape_text}, got dtype {array.dtype}")
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"{name} must have shape {shape_text}, got {array.shape}")
    return array


def find_asymmetric_superposition(model_or_W1, W2=None, min_asymmetry: float = 2.0, min_gain: float = 0.25,
                                  min_inhibition: float = 0.5) -> list[AsymmetricSuperposition]:
    """Every instance of the paper's "asymmetric superposition with inhibition" motif in an abs-value model.

    Neuron A stores a strong feature s and a weak feature w with input weights differing by at least
    ``min_asymmetry`` and reads them out at the reciprocal ratio (also at least ``min_asymmetry``), both gains
    W2·|W1| through A at least ``min_gain``; a second neuron B fires on s with A's sign and writes negatively into
    w's output, cancelling at least ``min_inhibition`` of s's interference with w. For each (A, s, w) the
    inhibitor is the neuron that cancels the largest share. Invariant under the model's rescaling symmetry.

    Parameters
    ----------
    model_or_W1 : AbsValueModel or array_like, shape (hidden, features)
        The model (its W1 and W2 are read), or its encoder W1.
    W2 : array_like, shape (features, hidden)
        The decoder; required with an array W1, not allowed with a model.
    min_asymmetry, min_gain, min_inhibition : float
        The thresholds (defaults 2, 0.25 and 0.5 as in the C++ ``AsymmetricSuperpositionCriteria``).

    Returns
    -------
    list of AsymmetricSuperposition
        In the order (A, s, w) is scanned: by neuron, then strong feature, then weak feature.
    """
    if isinstance(model_or_W1, Model):
        if not hasattr(model_or_W1, "W2"):
            raise ValueError(f"find_asymmetric_superposition needs an abs-value model (W1 and W2), got "
                             f"{type(model_or_W1).__name__}")
        if W2 is not None:
            raise ValueError("find_asymmetric_superposition: W2 is taken from the model; do not pass it too")
        W1, W2 = model_or_W1.W1, model_or_W1.W2
    else:
        if W2 is None:
            raise ValueError("find_asymmetric_superposition needs W2 (features, hidden) with an array W1")
        W1 = model_or_W1
    W1 = _float_matrix(W1, "W1", "(hidden, features)")
    hidden, features = W1.shape
    W2 = _float_matrix(W2, "W2", f"(features, hidden) = ({features}, {hidden})")
    if W2.shape != (features, hidden):
        raise ValueError(f"W2 must have shape (features, hidden) = ({features}, {hidden}) for W1 of shape "
                         f"{W1.shape}, got {W2.shape}")
    dtype = np.float32 if W1.dtype == np.float32 and W2.dtype == np.float32 else np.float64
    found = _tms._find_asymmetric_superposition(np.asfortranarray(W1, dtype=dtype), np.asfortranarray(W2, dtype=dtype),
                                                float(min_asymmetry), float(min_gain), float(min_inhibition))
    return [AsymmetricSuperposition(*map(int, item[:4]), *map(float, item[4:])) for item in found]


# ---------------------------------------------------------------------------------------------------------------
# The extra-feature phases (n = 2, m = 1 exactly; any W by classification).

#: The phase names of the extra-feature phase diagrams, as the C++ ``phase_name`` spells them.
PHASES = ("ignore extra", "dedicate to extra", "superposition", "unclassified")


def classify_extra_feature(W, extra: int, represented_threshold: float = 0.5,
                           shared_threshold: float = 0.25) -> str | list[str]:
    """Which solution W found for feature ``extra``: "ignore extra", "dedicate to extra", "superposition" or
    "unclassified" (the phases of the paper's n = 2, m = 1 and n = 3, m = 2 diagrams), from W alone:

    - ``extra`` not represented (‖W_e‖ ≤ ``represented_threshold``): "ignore extra" if another feature is
      represented, else "unclassified";
    - represented with Σ_{j≠e} (Ŵ_e · W_j)² < ``shared_threshold``: "dedicate to extra";
    - otherwise "superposition" if the feature j with the largest |W_e · W_j| has W_e · W_j < 0, else
      "unclassified".

    Parameters
    ----------
    W : Model or array_like, shape (hidden, features) or (instances, hidden, features)
    extra : int
        The extra feature's column (negative counts from the end, as in Python: -1 is the last feature).
    represented_threshold, shared_threshold : float
        The C++ ``PhaseThresholds`` (0.5 and 0.25).
    """
    array = _weights(W)
    features = array.shape[-1]
    extra = operator.index(extra)
    if not -features <= extra < features:
        raise ValueError(f"extra feature {extra} is not one of the {features} features")
    return _each(_tms._classify_extra_feature, W, extra % features, float(represented_threshold),
                 float(shared_threshold))


@dataclasses.dataclass(frozen=True)
class TwoFeatureLosses:
    """Expected per-sample losses E Σ_i I_i (y_i − x_i)² of the three n = 2, m = 1 solutions (half of them is the
    trainer's loss, a mean over the features too): floats, or arrays for array arguments."""

    ignore_extra: Any
    dedicate_extra: Any
    antipodal: Any


def _broadcast(function, *args, dtype=np.float64, trailing: tuple[int, ...] = ()):
    """``function`` of Python floats, or element-wise over the broadcast of array arguments (each result of shape
    ``trailing``)."""
    if all(np.ndim(a) == 0 for a in args):
        return function(*(float(a) for a in args))
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in args))
    results = [function(*(float(a) for a in values)) for values in zip(*(a.ravel() for a in arrays))]
    return np.array(results, dtype=dtype).reshape(arrays[0].shape + trailing)


def two_feature_losses(extra_importance, density) -> TwoFeatureLosses:
    """The exact expected losses of the three solutions of the ReLU output model with n = 2, m = 1: feature 1 of
    importance 1 and the extra feature of importance r, each present with probability s = 1 − S, uniform on [0, 1).

    - ``ignore_extra`` (W = (1, 0), b = (0, s/2)): r (s/3 − s²/4);
    - ``dedicate_extra`` (W = (0, 1), b = (s/2, 0)): s/3 − s²/4;
    - ``antipodal`` (W = (1, −1), b = 0): (1 + r) s²/6 (exact at that point; an upper bound on the best antipodal
      loss, tight as s → 0).

    Parameters
    ----------
    extra_importance : float or array_like
        r > 0.
    density : float or array_like
        s = 1 − S in (0, 1]; arrays broadcast against ``extra_importance``.

    Raises
    ------
    ValueError
        r is not finite and positive, or s is outside (0, 1].
    """
    values = _broadcast(_tms._two_feature_losses, extra_importance, density, trailing=(3,))
    if isinstance(values, np.ndarray):
        return TwoFeatureLosses(values[..., 0], values[..., 1], values[..., 2])
    return TwoFeatureLosses(*map(float, values))


def analytic_two_feature_phase(extra_importance, density):
    """The n = 2, m = 1 solution of lowest loss (:func:`two_feature_losses`): "superposition" (the antipodal pair)
    when strictly lowest, else "ignore extra" for r ≤ 1 and "dedicate to extra" for r > 1 (at r = 1 both cost the
    same; "ignore extra" is reported). A str, or an array of str for array arguments."""
    return _broadcast(_tms._analytic_two_feature_phase, extra_importance, density, dtype=str)


def antipodal_boundary_density(extra_importance):
    """The density s below which the antipodal pair has the lowest loss: 4r/(2 + 5r) for r ≤ 1, 4/(5 + 2r) above
    (symmetric under r → 1/r, 4/7 at r = 1). A float, or an array for an array ``extra_importance``."""
    return _broadcast(_tms._antipodal_boundary_density, extra_importance)


def dropped_feature_loss(importance, density):
    """I (s/3 − s²/4): the expected loss of a dropped feature of importance I and density s, whose output is the
    best constant s/2. A float, or an array for array arguments (which broadcast)."""
    return _broadcast(_tms._dropped_feature_loss, importance, density)


# ---------------------------------------------------------------------------------------------------------------
# Learning dynamics: jumps of the feature dimensionality between energy levels.

#: The energy levels of D_i (the uniform-superposition geometries' fractions): 1, 3/4, 2/3, 1/2, 2/5, 3/8.
ENERGY_LEVELS: tuple[float, ...] = tuple(_tms._energy_levels)


@dataclasses.dataclass(frozen=True)
class DimensionalityJump:
    """One feature moving from one energy level to another: D_i sat within the tolerance of ``from_level`` over
    steps [``from_first``, ``from_last``], then of ``to_level`` over [``to_first``, ``to_last``].

    ``loss_dwell_start``, ``loss_before`` and ``loss_after`` are the mean loss over the first and the last
    ``loss_window_steps`` on the old level and the first on the new one (NaN without a loss)."""

    feature: int
    from_level: float
    from_first: int
    from_last: int
    to_level: float
    to_first: int
    to_last: int
    loss_dwell_start: float
    loss_before: float
    loss_after: float


def _dimensionality_over_time(dimensionality, steps) -> tuple[np.ndarray, list[int]]:
    """D_i over training as a float64 (snapshots, features) array, from D_i or from a (snapshots, hidden, features)
    stack of W, and the steps as a list of ints (strictly increasing, one per snapshot)."""
    array = np.asarray(dimensionality)
    if array.ndim == 3:
        array = feature_dimensionality(array)
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
        raise ValueError(f"dimensionality must be a real array of shape (snapshots, features), got dtype {array.dtype}")
    if array.ndim != 2 or array.shape[1] == 0:
        raise ValueError(f"dimensionality must have shape (snapshots, features) (or be a (snapshots, hidden, "
                         f"features) stack of W), got {array.shape}")
    step_array = np.asarray(steps)
    if step_array.ndim != 1 or (step_array.size and not np.issubdtype(step_array.dtype, np.integer)):
        raise ValueError(f"steps must be a 1-D array of integer steps, got shape {step_array.shape} and dtype "
                         f"{step_array.dtype}")
    if step_array.size != array.shape[0]:
        raise ValueError(f"dimensionality must have shape ({step_array.size}, features), one row per step, got "
                         f"{array.shape}")
    if np.any(np.diff(step_array) <= 0):
        raise ValueError("steps must be strictly increasing")
    return np.ascontiguousarray(array, dtype=np.float64), [int(k) for k in step_array]


def _loss_per_snapshot(loss, snapshots: int) -> list[float]:
    if loss is None:
        return []
    values = np.asarray(loss, dtype=np.float64)
    if values.shape != (snapshots,):
        raise ValueError(f"loss must have shape ({snapshots},), one per step, got {values.shape}")
    return values.tolist()


def dimensionality_jumps(dimensionality_over_time, steps: Sequence[int], loss: Sequence[float] | None = None, *,
                         level_tolerance: float = 0.02, dwell_steps: int = 300, max_transition_steps: int = 600,
                         min_level_change: float = 0.05, loss_window_steps: int = 100) -> list[DimensionalityJump]:
    """The jumps of each feature's dimensionality D_i between the energy levels (:data:`ENERGY_LEVELS`) over
    training: per feature, the maximal runs of snapshots within ``level_tolerance`` of one level lasting at least
    ``dwell_steps``; two consecutive runs form a jump when their levels differ by at least ``min_level_change`` and
    the second starts at most ``max_transition_steps`` after the first ends. The defaults are the C++
    ``LearningDynamicsConfig``'s.

    Parameters
    ----------
    dimensionality_over_time : array_like, shape (snapshots, features), or (snapshots, hidden, features)
        D_i at each snapshot (NaN: not represented), or the weights at each snapshot (``TrainResult.snapshots``),
        from which D_i is computed.
    steps : array_like of int, shape (snapshots,)
        The snapshots' training steps, strictly increasing (``TrainResult.snapshot_steps``).
    loss : array_like, shape (snapshots,), optional
        The loss at each snapshot (NaN: none): fills the jumps' loss fields, which are NaN without it.
    level_tolerance, dwell_steps, max_transition_steps, min_level_change, loss_window_steps
        As described above; ``loss_window_steps`` is the window the losses are averaged over.

    Returns
    -------
    list of DimensionalityJump
        By feature, then in time.
    """
    for name, value in (("level_tolerance", level_tolerance), ("dwell_steps", dwell_steps),
                        ("max_transition_steps", max_transition_steps), ("min_level_change", min_level_change),
                        ("loss_window_steps", loss_window_steps)):
        if not value >= 0:
            raise ValueError(f"{name} must be non-negative, got {value}")
    values, step_list = _dimensionality_over_time(dimensionality_over_time, steps)
    found = _tms._dimensionality_jumps(values, step_list, _loss_per_snapshot(loss, len(step_list)),
                                       float(level_tolerance), int(dwell_steps), int(max_transition_steps),
                                       float(min_level_change), int(loss_window_steps))
    return [DimensionalityJump(int(j[0]), float(j[1]), int(j[2]), int(j[3]), float(j[4]), int(j[5]), int(j[6]),
                               float(j[7]), float(j[8]), float(j[9])) for j in found]
