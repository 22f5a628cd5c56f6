#pragma once
/// \file tms.hpp
/// Umbrella header: every public header of tms that needs nothing beyond Eigen and xsimd (everything but tms/mpi/,
/// which needs MPI, and tms/simd/, the kernels the rest is built on): tms/core.hpp plus the drivers, sweep/ and
/// experiments/, which cost about 10 s of compile time per translation unit (see core.hpp).

#include "core.hpp"
#include "experiments/experiments.hpp"
#include "sweep/pruned_best_of.hpp"
#include "sweep/run_config.hpp"
#include "sweep/run_sweep.hpp"
#include "sweep/sweep_config.hpp"
