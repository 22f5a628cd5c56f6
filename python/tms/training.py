"""Training: ``train`` for one model, ``train_many`` for many models and seeds on every core, ``grid``, ``best_of``.

Training runs in C++ with the GIL released; Ctrl-C (KeyboardInterrupt) stops every model within a few steps,
leaving each at its last complete step, and is raised once they have all stopped.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from . import _tms
from . import analysis
from .models import MODEL_KINDS, CorrelatedFeatureSampler, Model, model as make_model

__all__ = ["TrainConfig", "TrainResult", "train", "train_many", "grid", "best_of"]

_DEFAULTS = dict(steps=10_000, batch_size=1024, learning_rate=1e-3, optimizer="adamw", weight_decay=None,
                 momentum=0.0, nesterov=False, schedule="constant", log_every=100, final_loss_window=100)


@dataclasses.dataclass
class TrainConfig:
    """One model to train: its kind and sizes, its data and how to train it (the notebook's defaults).

    Attributes
    ----------
    model : str
        "linear", "relu_output", "relu_hidden" or "abs_value".
    features, hidden : int
        n and m.
    probability : float or array_like of shape (features,)
        Feature presence probability p = 1 − S, one for all features or one per feature (with ``sets``: for the
        independent features after the sets, one for all or one per independent feature).
    sets : list of (correlation, size, probability), optional
        Feature sets drawn together (:class:`tms.CorrelatedFeatureSampler`) on the first features, e.g.
        ``[("correlated", 2, 0.05)] * 2``; a probability of None takes ``probability`` (which must then be a number).
    importance : float or array_like of shape (features,)
        A ratio r (I_i = r^i) or the n importances.
    steps, batch_size, learning_rate, optimizer, weight_decay, momentum, nesterov, schedule, log_every,
    final_loss_window
        As for :func:`train`.
    seed : int
        Seeds the initial weights (stream 0) and the data (stream 1), as ``tms train --seed``.
    dtype : numpy dtype
        float32 (default) or float64.
    """

    model: str = "relu_output"
    features: int = 20
    hidden: int = 5
    probability: Any = 0.01
    importance: Any = 1.0
    sets: Any = None
    steps: int = 10_000
    batch_size: int = 1024
    learning_rate: float = 1e-3
    optimizer: str = "adamw"
    weight_decay: float | None = None
    momentum: float = 0.0
    nesterov: bool = False
    schedule: str = "constant"
    seed: int = 0
    dtype: Any = np.float32
    log_every: int = 100
    final_loss_window: int = 100

    def point_key(self) -> tuple:
        """Everything but the seed: configs that differ only in their seed share it (see :func:`best_of`)."""
        values = []
        for field in dataclasses.fields(self):
            if field.name == "seed":
                continue
            value = getattr(self, field.name)
            if field.name == "sets" and value is not None:
                value = tuple(tuple(s) for s in value)
            elif isinstance(value, (np.ndarray, list)):
                value = tuple(np.asarray(value).ravel().tolist())
            elif field.name == "dtype":
                value = np.dtype(value).name
            values.append((field.name, value))
        return tuple(values)


@dataclasses.dataclass
class TrainResult:
    """One trained model with its loss curve and analyses.

    Attributes
    ----------
    model : Model
        The trained model (at its last complete step if training stopped early or diverged).
    config : TrainConfig or None
        The config it was trained from (``train_many``), or None (``train``).
    final_loss : float
        Mean batch loss over the last ``final_loss_window`` steps; NaN if training diverged.
    loss_steps : ndarray of int64, shape (records,)
        The steps at which the batch loss was recorded (every ``log_every`` steps and the last).
    loss_history : ndarray of float64, shape (records,)
        The batch loss at those steps.
    steps_completed : int
        The model's step count (including a resumed checkpoint's).
    stopped_early, interrupted, diverged : bool
        A callback returned False or Ctrl-C stopped it; Ctrl-C stopped it; the loss became non-finite.
    error : str
        The divergence message, or "".
    snapshots : ndarray, shape (snapshots, hidden, features), or None
        The feature weights at ``snapshot_steps`` (with ``snapshot_every=K``: steps 0, K, 2K, ...).
    snapshot_steps : ndarray of int64, shape (snapshots,), or None
    importance, probabilities : ndarray, shape (features,)
        The task it was trained on.
    seconds : float
        Wall time of training.
    """

    model: Model
    config: TrainConfig | None
    final_loss: float
    loss_steps: np.ndarray
    loss_history: np.ndarray
    steps_completed: int
    stopped_early: bool
    interrupted: bool
    diverged: bool
    error: str
    snapshots: np.ndarray | None
    snapshot_steps: np.ndarray | None
    importance: np.ndarray
    probabilities: np.ndarray
    seconds: float

    @property
    def W(self) -> np.ndarray:
        """The feature weights, shape (hidden, features) (W, or W1 of the abs-value model), as a copy."""
        return np.array(self.model.feature_weights)

    @property
    def b(self) -> np.ndarray:
        """b, shape (features,), as a copy."""
        return np.array(self.model.b)

    @property
    def feature_norms(self) -> np.ndarray:
        """‖W_i‖, shape (features,)."""
        return analysis.feature_norms(self.model)

    @property
    def superposition(self) -> np.ndarray:
        """Σ_{j≠i} (Ŵ_i·W_j)², shape (features,)."""
        return analysis.superposition(self.model)

    @property
    def represented(self) -> int:
        """Features with ‖W_i‖ > 0.5."""
        return analysis.represented_features(self.model)

    @property
    def dimensionality(self) -> np.ndarray:
        """D_i, shape (features,)."""
        return analysis.feature_dimensionality(self.model)

    @property
    def dimensions_per_feature(self) -> float:
        """m / ‖W‖_F²."""
        return analysis.dimensions_per_feature(self.model)

    @property
    def neurons(self) -> dict[str, int]:
        """Counts of dead, monosemantic and polysemantic neurons (rows of W)."""
        return analysis.count_neurons(self.model)


def _per_feature(value):
    """A number (numpy scalars included) as a Python float, anything else as a float64 array."""
    if value is None:
        return None
    if np.ndim(value) == 0:
        return float(value)
    return np.asarray(value, dtype=np.float64)


def _spec(model_object, *, probability, importance, sampler, steps, batch_size, learning_rate, optimizer,
          weight_decay, momentum, nesterov, schedule, seed, log_every, final_loss_window, snapshot_every, callback,
          callback_every, checkpoint, checkpoint_every, resume, raise_divergence) -> dict:
    probability, importance = _per_feature(probability), _per_feature(importance)
    return dict(model=model_object, probability=probability, importance=importance, sampler=sampler,
                steps=int(steps), batch_size=int(batch_size), learning_rate=float(learning_rate),
                optimizer=str(optimizer), weight_decay=weight_decay, momentum=float(momentum),
                nesterov=bool(nesterov), schedule=str(schedule), seed=int(seed), log_every=int(log_every),
                final_loss_window=int(final_loss_window), snapshot_every=int(snapshot_every), callback=callback,
                callback_every=int(callback_every), checkpoint=None if checkpoint is None else str(checkpoint),
                checkpoint_every=int(checkpoint_every), resume=None if resume is None else str(resume),
                raise_divergence=raise_divergence)


def _result(report: dict, config: TrainConfig | None) -> TrainResult:
    return TrainResult(config=config, **report)


def train(model: Model, *, probability=0.01, importance=1.0, sampler=None, steps: int = 10_000,
          batch_size: int = 1024, learning_rate: float = 1e-3, optimizer: str = "adamw",
          weight_decay: float | None = None, momentum: float = 0.0, nesterov: bool = False,
          schedule: str = "constant", seed: int = 0, log_every: int = 100, final_loss_window: int = 100,
          snapshot_every: int = 0, callback: Callable[[dict], Any] | None = None, callback_every: int = 0,
          checkpoint=None, checkpoint_every: int = 0, resume=None) -> TrainResult:
    """Trains ``model`` in place on sparse synthetic features with the importance-weighted MSE.

    Parameters
    ----------
    model : Model
        Any model; it is trained from its current weights (call ``model.initialize(seed)`` first).
    probability : float or array_like of shape (features,), default 0.01
        Feature presence probability p = 1 − S (values uniform on [0, 1), or [-1, 1) for the abs-value model).
    importance : float or array_like of shape (features,), default 1.0
        A ratio r giving I_i = r^i (the paper's 0.7), or the n importances.
    sampler : SparseFeatureSampler or CorrelatedFeatureSampler, optional
        The data instead of ``probability`` (same dtype and features as the model).
    steps, batch_size, learning_rate : int, int, float
        The notebook's 10,000 steps of 1024 samples at lr 1e-3 by default.
    optimizer : {"adamw", "adam", "sgd"}
        PyTorch's semantics and defaults; ``weight_decay`` (None: the optimizer's default, AdamW 0.01),
        ``momentum`` and ``nesterov`` (SGD).
    schedule : {"constant", "linear", "cosine", "warmup_cosine:K"}
        Learning-rate schedule.
    seed : int
        Seeds the data stream (stream 1 of the seed).
    log_every : int
        Record the batch loss every this many steps (and at the last).
    final_loss_window : int
        ``final_loss`` averages the batch loss over this many final steps.
    snapshot_every : int
        If K > 0, ``result.snapshots`` holds the feature weights at steps 0, K, 2K, ... as one array of shape
        (snapshots, hidden, features).
    callback : callable, optional
        ``callback(info)`` before the first step (``loss`` NaN) and every ``callback_every`` steps (default 1 when
        given) with a dict of ``step``,
        ``total_steps``, ``loss``, ``learning_rate`` and ``model`` (current weights); returning False stops
        training. It runs with the GIL, so keep ``callback_every`` large for speed.
    checkpoint : path, optional
        Save the trainer's state here every ``checkpoint_every`` steps and at the end (include/tms/io).
    resume : path, optional
        Start from this checkpoint (which must match the model and options).

    Returns
    -------
    TrainResult

    Raises
    ------
    ValueError
        Invalid options, or arrays of the wrong dtype or shape (the message names the expected one).
    tms.DivergenceError
        The loss became non-finite; the model keeps its last finite weights.
    KeyboardInterrupt
        Ctrl-C; the model is left at its last complete step.
    """
    if not isinstance(model, Model):
        raise TypeError(f"train: model must be a tms model, got {type(model).__name__}")
    spec = _spec(model, probability=probability, importance=importance, sampler=sampler, steps=steps,
                 batch_size=batch_size, learning_rate=learning_rate, optimizer=optimizer, weight_decay=weight_decay,
                 momentum=momentum, nesterov=nesterov, schedule=schedule, seed=seed, log_every=log_every,
                 final_loss_window=final_loss_window, snapshot_every=snapshot_every, callback=callback,
                 callback_every=callback_every, checkpoint=checkpoint, checkpoint_every=checkpoint_every,
                 resume=resume, raise_divergence=True)
    return _result(_tms._run_jobs([spec], 1)[0], None)


def _as_config(item) -> TrainConfig:
    if isinstance(item, TrainConfig):
        return item
    if isinstance(item, dict):
        unknown = set(item) - {f.name for f in dataclasses.fields(TrainConfig)}
        if unknown:
            raise ValueError(f"unknown TrainConfig field(s): {', '.join(sorted(unknown))}")
        return TrainConfig(**item)
    raise TypeError(f"train_many: each config must be a TrainConfig or a dict, got {type(item).__name__}")


def _sets_sampler(config: TrainConfig):
    """The CorrelatedFeatureSampler of a config with ``sets`` (None without)."""
    if not config.sets:
        return None
    scalar = np.ndim(config.probability) == 0
    sets = []
    for entry in config.sets:
        if len(entry) != 3:
            raise ValueError(f"each set must be a (correlation, size, probability) tuple, got {entry!r}")
        correlation, size, probability = entry
        if probability is None:
            if not scalar:
                raise ValueError("a set without a probability takes the config's, which is a per-feature list")
            probability = float(config.probability)
        sets.append((correlation, int(size), float(probability)))
    in_sets = sum(size for _, size, _ in sets)
    if in_sets > config.features:
        raise ValueError(f"the feature sets hold {in_sets} features but the model has {config.features}")
    independent = config.features - in_sets if scalar else np.asarray(config.probability, dtype=np.float64)
    return CorrelatedFeatureSampler(sets, independent, float(config.probability) if scalar else 0.0,
                                    symmetric=config.model == "abs_value", dtype=config.dtype)


def train_many(configs: Iterable[TrainConfig | dict], *, threads: int = 0, snapshot_every: int = 0,
               callback: Callable[[dict], Any] | None = None, callback_every: int = 0) -> list[TrainResult]:
    """Trains one model per config, in parallel on ``threads`` threads (0: every core).

    Each model is built from its config (``model(kind, features, hidden, dtype)``, ``initialize(seed)``) and
    trained as :func:`train` would, so a result is bit-identical to training that config alone, on any thread
    count, and to ``tms train`` with the same arguments.

    Parameters
    ----------
    configs : iterable of TrainConfig or dict
        For example :func:`grid`'s output.
    threads : int
        Threads to train on, 0 for all cores.
    snapshot_every, callback, callback_every
        As for :func:`train`; the callback's dict also has ``model`` (and is called from worker threads, one at a
        time, holding the GIL).

    Returns
    -------
    list of TrainResult
        One per config, in order. A model that diverged has ``diverged=True``, its ``error`` and NaN
        ``final_loss`` (no exception: re-running would diverge again).
    """
    configs = [_as_config(c) for c in configs]
    if threads < 0:
        raise ValueError(f"threads must be non-negative, got {threads}")
    specs = []
    for config in configs:
        if config.model not in MODEL_KINDS:
            raise ValueError(f"model kind must be one of {', '.join(MODEL_KINDS)}, got {config.model!r}")
        model_object = make_model(config.model, config.features, config.hidden, dtype=config.dtype,
                                  seed=config.seed)
        specs.append(_spec(model_object, probability=config.probability, importance=config.importance,
                           sampler=_sets_sampler(config), steps=config.steps, batch_size=config.batch_size,
                           learning_rate=config.learning_rate, optimizer=config.optimizer,
                           weight_decay=config.weight_decay, momentum=config.momentum, nesterov=config.nesterov,
                           schedule=config.schedule, seed=config.seed, log_every=config.log_every,
                           final_loss_window=config.final_loss_window, snapshot_every=snapshot_every,
                           callback=callback, callback_every=callback_every, checkpoint=None,
                           checkpoint_every=0, resume=None, raise_divergence=False))
    reports = _tms._run_jobs(specs, int(threads))
    return [_result(report, config) for report, config in zip(reports, configs)]


def grid(**axes) -> list[TrainConfig]:
    """Every combination of the given TrainConfig fields.

    A list, tuple or range is an axis of alternatives; anything else (a number, a string, a numpy array such as
    per-feature probabilities) is one fixed value. Combinations are in row-major order of the arguments.

    >>> configs = tms.grid(model="relu_output", probability=list(20.0 ** -np.linspace(0, 1, 10)),
    ...                    importance=0.7, seed=range(3), steps=2000)
    """
    names = {f.name for f in dataclasses.fields(TrainConfig)}
    unknown = set(axes) - names
    if unknown:
        raise ValueError(f"unknown TrainConfig field(s): {', '.join(sorted(unknown))}")
    keys = list(axes)
    values = [list(v) if isinstance(v, (list, tuple, range)) else [v] for v in axes.values()]
    return [TrainConfig(**dict(zip(keys, combination))) for combination in itertools.product(*values)]


def best_of(results: Sequence[TrainResult]) -> list[TrainResult]:
    """For each group of results whose configs differ only in their seed, the one of lowest final loss.

    Diverged results are never chosen unless a whole group diverged. Groups are in order of first appearance.
    """
    groups: dict[tuple, TrainResult] = {}
    for result in results:
        if result.config is None:
            raise ValueError("best_of needs results of train_many (with configs)")
        key = result.config.point_key()
        best = groups.get(key)
        loss = np.inf if result.diverged else result.final_loss
        if best is None or loss < (np.inf if best.diverged else best.final_loss):
            groups[key] = result
    return list(groups.values())
