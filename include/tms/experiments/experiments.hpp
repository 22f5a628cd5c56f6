#pragma once
/// \file experiments/experiments.hpp
/// The paper's experiments, each a configuration in, typed results out and claims over them:
/// basic results, the 2-D pictures, the privileged basis (ReLU hidden layer), computation in superposition
/// (absolute value), feature dimensionality, the extra-feature phase diagrams, the perturbed pentagon, correlated
/// features and learning dynamics. `tms reproduce` runs them and renders their figures.

#include "basic_results.hpp"
#include "computation.hpp"
#include "correlated_features.hpp"
#include "dimensionality.hpp"
#include "evaluation.hpp"
#include "experiment.hpp"
#include "learning_dynamics.hpp"
#include "pentagon_perturbation.hpp"
#include "phase_diagram.hpp"
#include "privileged_basis.hpp"
#include "two_dimensional.hpp"
