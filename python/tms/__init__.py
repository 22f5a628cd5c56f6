"""tms: Toy Models of Superposition (Elhage et al., 2022) at C++ speed.

>>> import tms, numpy as np
>>> model = tms.ReluOutputModel(20, 5, seed=0)             # W: (hidden, features) = (5, 20)
>>> result = tms.train(model, probability=0.01, importance=0.7, steps=5000)
>>> tms.feature_norms(model), tms.plot.weights_and_norms(model)

Conventions: ``W`` has shape (hidden, features) as in the paper; a batch ``x`` has shape (batch, features);
stacks of models are [instances, hidden, features] (ARENA's layout; see ``to_notebook`` for the notebook's).
"""

from . import _tms
from ._tms import DivergenceError, Error, FormatError, RandomEngine, __version__
from . import analysis, io, models, plot, training
from .analysis import (DEFAULT_NEURON_FLOOR, DEFAULT_NEURON_THRESHOLD, analytic_two_feature_phase, angle_structure,
                       antipodal_boundary_density, classify_extra_feature, classify_neurons, count_neurons,
                       dimensionality_jumps, dimensions_per_feature, dropped_feature_loss, effective_weights,
                       feature_dimensionality, feature_norms, find_asymmetric_superposition, gram,
                       neuron_feature_counts, represented_features, set_interference, superposition,
                       two_feature_losses)
from .io import LoadedModel, load_model, save_model
from .models import (MODEL_KINDS, AbsValueModel, CorrelatedFeatureSampler, LinearModel, Model, ReluHiddenModel,
                     ReluOutputModel, SparseFeatureSampler, from_arena, from_notebook, model, stack_weights, to_arena,
                     to_notebook)
from .training import TrainConfig, TrainResult, best_of, grid, train, train_many
from .reproduction import reproduce

LinearModelF32 = _tms.LinearModelF32
LinearModelF64 = _tms.LinearModelF64
ReluOutputModelF32 = _tms.ReluOutputModelF32
ReluOutputModelF64 = _tms.ReluOutputModelF64
ReluHiddenModelF32 = _tms.ReluHiddenModelF32
ReluHiddenModelF64 = _tms.ReluHiddenModelF64
AbsValueModelF32 = _tms.AbsValueModelF32
AbsValueModelF64 = _tms.AbsValueModelF64
SparseFeatureSamplerF32 = _tms.SparseFeatureSamplerF32
SparseFeatureSamplerF64 = _tms.SparseFeatureSamplerF64
CorrelatedFeatureSamplerF32 = _tms.CorrelatedFeatureSamplerF32
CorrelatedFeatureSamplerF64 = _tms.CorrelatedFeatureSamplerF64

__all__ = [
    "__version__", "Error", "DivergenceError", "FormatError", "RandomEngine",
    "Model", "LinearModel", "ReluOutputModel", "ReluHiddenModel", "AbsValueModel", "model", "MODEL_KINDS",
    "LinearModelF32", "LinearModelF64", "ReluOutputModelF32", "ReluOutputModelF64", "ReluHiddenModelF32",
    "ReluHiddenModelF64", "AbsValueModelF32", "AbsValueModelF64",
    "SparseFeatureSampler", "SparseFeatureSamplerF32", "SparseFeatureSamplerF64",
    "CorrelatedFeatureSampler", "CorrelatedFeatureSamplerF32", "CorrelatedFeatureSamplerF64",
    "to_notebook", "from_notebook", "to_arena", "from_arena", "stack_weights",
    "TrainConfig", "TrainResult", "train", "train_many", "grid", "best_of",
    "gram", "feature_norms", "represented_features", "superposition", "feature_dimensionality",
    "dimensions_per_feature", "neuron_feature_counts", "classify_neurons", "count_neurons",
    "DEFAULT_NEURON_THRESHOLD", "save_model", "load_model", "LoadedModel",
    "analysis", "io", "models", "plot", "training", "reproduce", "effective_weights", "DEFAULT_NEURON_FLOOR",
    "angle_structure", "set_interference", "find_asymmetric_superposition", "classify_extra_feature",
    "two_feature_losses", "analytic_two_feature_phase", "antipodal_boundary_density", "dropped_feature_loss",
    "dimensionality_jumps",
]
