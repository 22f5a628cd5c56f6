"""The paper's four toy models at float32 and float64, the feature sampler, and weight-layout helpers.

Layout: ``W`` has shape ``(hidden, features)`` as in the paper (column ``W[:, i]`` is feature i's direction), and
a stack of models is ``[instances, hidden, features]`` (ARENA's layout). The paper's notebook stores
``[instances, features, hidden]``; :func:`to_notebook` and :func:`from_notebook` convert.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from . import _tms

__all__ = [
    "Model", "LinearModel", "ReluOutputModel", "ReluHiddenModel", "AbsValueModel", "SparseFeatureSampler",
    "CorrelatedFeatureSampler", "RandomEngine", "model", "MODEL_KINDS", "to_notebook", "from_notebook", "to_arena", "from_arena", "stack_weights",
]

RandomEngine = _tms.RandomEngine

#: The model kinds, as named in files, configs and the ``tms`` command line.
MODEL_KINDS = ("linear", "relu_output", "relu_hidden", "abs_value")


def _dtype_key(dtype) -> str:
    try:
        resolved = np.dtype(dtype)
    except TypeError as error:
        raise ValueError(f"dtype must be float32 or float64, got {dtype!r}") from error
    if resolved == np.float32:
        return "F32"
    if resolved == np.float64:
        return "F64"
    raise ValueError(f"dtype must be float32 or float64, got {resolved}")


class Model(abc.ABC):
    """Any of the eight model classes (four kinds at float32 and float64).

    Every model has ``n_features`` (n), ``n_hidden`` (m), ``dtype``, ``kind``, writable numpy views ``b``
    (features,) and ``feature_weights`` (hidden, features), and ``forward(x)``, ``hidden(x)``, ``loss(x)`` on
    batches ``x`` of shape (batch, features). Tied models have ``W`` (hidden, features); the abs-value model has
    ``W1`` (hidden, features) and ``W2`` (features, hidden).
    """

    # Declarations for type checkers and editors (the C++ classes registered below implement them).
    kind: str
    n_features: int
    n_hidden: int
    dtype: np.dtype
    parameter_count: int
    b: np.ndarray
    feature_weights: np.ndarray
    W: np.ndarray
    W1: np.ndarray
    W2: np.ndarray

    if TYPE_CHECKING:
        def initialize(self, seed: int) -> "Model": ...
        def forward(self, x: ArrayLike) -> np.ndarray: ...
        def hidden(self, x: ArrayLike) -> np.ndarray: ...
        def loss(self, x: ArrayLike, *, importance: ArrayLike | float | None = None) -> float: ...
        def copy(self) -> "Model": ...


class _ModelKind(Model):
    _cpp_name = ""

    def __new__(cls, features: int, hidden: int, *, dtype=np.float32, seed: int | None = None):
        concrete = getattr(_tms, cls._cpp_name + _dtype_key(dtype))
        instance = concrete(features, hidden)
        if seed is not None:
            instance.initialize(seed)
        return instance


class LinearModel(_ModelKind):
    """The linear model x' = WᵀWx + b.

    Parameters
    ----------
    features : int
        n, the number of input features.
    hidden : int
        m, the number of hidden dimensions.
    dtype : numpy dtype, default float32
        float32 or float64.
    seed : int, optional
        If given, draw Xavier-normal weights from this seed (as ``initialize(seed)``); otherwise all zeros.

    Returns an instance of ``tms.LinearModelF32`` or ``tms.LinearModelF64`` (both are ``tms.LinearModel``).
    """

    _cpp_name = "LinearModel"


class ReluOutputModel(_ModelKind):
    """The ReLU output model x' = ReLU(WᵀWx + b); parameters as :class:`LinearModel`."""

    _cpp_name = "ReluOutputModel"


class ReluHiddenModel(_ModelKind):
    """The ReLU hidden-layer model x' = ReLU(Wᵀ ReLU(Wx) + b); parameters as :class:`LinearModel`."""

    _cpp_name = "ReluHiddenModel"


class AbsValueModel(_ModelKind):
    """The absolute-value model y = ReLU(W₂ ReLU(W₁x) + b) on x in [-1, 1], target |x|; as :class:`LinearModel`.

    ``W1`` has shape (hidden, features), ``W2`` (features, hidden).
    """

    _cpp_name = "AbsValueModel"


_KIND_CLASSES = {"linear": LinearModel, "relu_output": ReluOutputModel, "relu_hidden": ReluHiddenModel,
                 "abs_value": AbsValueModel}
for _kind_class in _KIND_CLASSES.values():
    for _suffix in ("F32", "F64"):
        _kind_class.register(getattr(_tms, _kind_class._cpp_name + _suffix))


def model(kind: str, features: int, hidden: int, *, dtype=np.float32, seed: int | None = None) -> Model:
    """A model of ``kind`` ("linear", "relu_output", "relu_hidden", "abs_value"); see :class:`LinearModel`."""
    if kind not in _KIND_CLASSES:
        raise ValueError(f"model kind must be one of {', '.join(MODEL_KINDS)}, got {kind!r}")
    return _KIND_CLASSES[kind](features, hidden, dtype=dtype, seed=seed)


class SparseFeatureSampler(abc.ABC):
    """The paper's synthetic data: x_i = 0 with probability 1 − p_i, else uniform on [0, 1) (or [-1, 1)).

    Parameters
    ----------
    probability : float or array_like of shape (features,)
        p_i = 1 − S_i, one for every feature or one per feature, each in [0, 1].
    features : int, optional
        n; required with a single probability.
    symmetric : bool, default False
        Values on [-1, 1) (the absolute-value task) instead of [0, 1).
    dtype : numpy dtype, default float32

    ``sample(batch, engine)`` returns an array of shape (batch, features) drawn from ``engine``
    (a :class:`RandomEngine`, advanced by the draw) or from ``seed=`` (a fresh engine for stream 1 of the seed).
    """

    def __new__(cls, probability, features: int | None = None, *, symmetric: bool = False, dtype=np.float32):
        concrete = getattr(_tms, "SparseFeatureSampler" + _dtype_key(dtype))
        return concrete(probability, -1 if features is None else int(features), bool(symmetric))


for _suffix in ("F32", "F64"):
    SparseFeatureSampler.register(getattr(_tms, "SparseFeatureSampler" + _suffix))


class CorrelatedFeatureSampler(abc.ABC):
    """Features drawn in sets, as in the paper's "Superposition with correlated features": the members of a
    correlated set are all present or all absent, at most one member of an anticorrelated set is present; then
    independent features. Values of present features are uniform on [0, 1) (or [-1, 1)), drawn independently.

    Parameters
    ----------
    sets : list of (correlation, size, probability)
        ``correlation`` is "correlated" or "anticorrelated"; the set takes ``size`` consecutive features, in the
        order given, before the independent ones; each member is present with marginal ``probability`` (so an
        anticorrelated set fires with size × probability, which must be ≤ 1). ARENA's ``n_correlated_pairs=k`` is
        ``[("correlated", 2, p)] * k``.
    independent : int or array_like, default 0
        The number of independent features after the sets (each present with ``independent_probability``), or
        their per-feature probabilities.
    independent_probability : float, default 0.0
    symmetric : bool, default False
        Values on [-1, 1) (the absolute-value task).
    dtype : numpy dtype, default float32

    ``sample(batch, engine)`` / ``sample(batch, seed=...)`` as :class:`SparseFeatureSampler`; ``sets``,
    ``probabilities`` (each feature's marginal), ``first_independent_feature``. Pass it to :func:`tms.train` as
    ``sampler=``, or give a :class:`tms.TrainConfig` ``sets=``.
    """

    def __new__(cls, sets, independent=0, independent_probability: float = 0.0, *, symmetric: bool = False,
                dtype=np.float32):
        concrete = getattr(_tms, "CorrelatedFeatureSampler" + _dtype_key(dtype))
        if isinstance(independent, (bool, np.bool_)):
            raise ValueError("independent must be a count or per-feature probabilities, got a bool")
        if isinstance(independent, (int, np.integer)):
            independent = int(independent)
        return concrete(list(sets), independent, float(independent_probability), bool(symmetric))


for _suffix in ("F32", "F64"):
    CorrelatedFeatureSampler.register(getattr(_tms, "CorrelatedFeatureSampler" + _suffix))


def _sample(self, batch: int, engine: RandomEngine | None = None, *, seed: int | None = None) -> np.ndarray:
    """Draws ``batch`` samples, shape (batch, features), from ``engine`` or a fresh engine for ``seed``."""
    if (engine is None) == (seed is None):
        raise ValueError("sample needs exactly one of engine (a tms.RandomEngine) or seed=")
    if engine is None:
        engine = RandomEngine(seed, 1)
    return self._sample(batch, engine)


for _suffix in ("F32", "F64"):
    for _name in ("SparseFeatureSampler", "CorrelatedFeatureSampler"):
        _cls = getattr(_tms, _name + _suffix)
        _cls._sample = _cls.sample
        _cls.sample = _sample


def _check_stack(weights, name: str, ndim_hint: str) -> np.ndarray:
    array = np.asarray(weights)
    if array.ndim not in (2, 3):
        raise ValueError(f"{name} must have shape {ndim_hint} or the same without the instance axis, "
                         f"got shape {array.shape}")
    return array


def to_notebook(W) -> np.ndarray:
    """[instances, hidden, features] (or one (hidden, features) W) → the notebook's [instances, features, hidden]."""
    return np.ascontiguousarray(np.swapaxes(_check_stack(W, "W", "[instances, hidden, features]"), -1, -2))


def from_notebook(W) -> np.ndarray:
    """The notebook's [instances, features, hidden] → tms's [instances, hidden, features] (also 2-D)."""
    return np.ascontiguousarray(np.swapaxes(_check_stack(W, "W", "[instances, features, hidden]"), -1, -2))


def to_arena(W) -> np.ndarray:
    """tms's layout → ARENA's [instances, hidden, features]: the same layout, as a C-contiguous copy."""
    return np.array(_check_stack(W, "W", "[instances, hidden, features]"), order="C")


def from_arena(W) -> np.ndarray:
    """ARENA's [instances, hidden, features] → tms's layout: the same layout, as a C-contiguous copy."""
    return np.array(_check_stack(W, "W", "[instances, hidden, features]"), order="C")


def stack_weights(models) -> np.ndarray:
    """The feature weights of ``models`` (same sizes and dtype) as one [instances, hidden, features] array."""
    models = list(models)
    if not models:
        raise ValueError("stack_weights needs at least one model")
    return np.stack([np.asarray(m.feature_weights) for m in models])
