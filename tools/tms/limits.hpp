#pragma once
// The sizes the `tms` CLI accepts, checked before anything is allocated or any file is created, each with a
// message naming the option (or grid key) and the limit. docs/robustness.md lists them with the reason for each:
// they keep one model (weights, optimizer state, a batch) within a few GiB and the bookkeeping of a run (loss
// records, the list of models or configurations) within a few hundred MiB.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <tms/fwd.hpp>

namespace tms::cli::limits {

inline constexpr std::int64_t max_features = 1'000'000;           ///< n
inline constexpr std::int64_t max_hidden = 100'000;               ///< m
inline constexpr std::int64_t max_weights = std::int64_t{1} << 26; ///< n·m (W, its gradient and Adam's moments ≈ 1 GiB in float)
inline constexpr std::int64_t max_batch = std::int64_t{1} << 20;   ///< batch size
inline constexpr std::int64_t max_batch_elements = std::int64_t{1} << 28;  ///< batch·n (a dense batch ≈ 1 GiB)
inline constexpr std::int64_t max_steps = 1'000'000'000'000;      ///< 10^12 training steps
inline constexpr std::int64_t max_loss_records = 10'000'000;      ///< steps / log_every
inline constexpr std::int64_t max_snapshot_values = std::int64_t{1} << 26;  ///< snapshots·n·m of one model (≈ 256 MiB in float)
inline constexpr std::int64_t max_models = 100'000;               ///< models of one `tms train` (probabilities × instances)
inline constexpr std::int64_t max_configs = 100'000;              ///< configurations of one grid
inline constexpr std::uint64_t max_grid_bytes = std::uint64_t{1} << 24;  ///< a grid file (16 MiB)

/// Throws std::invalid_argument "<what>: <value> is above the limit of <limit> (<reason>)" if \p value > \p limit.
inline void require_at_most(std::int64_t value, std::int64_t limit, std::string_view what, std::string_view reason) {
    if (value > limit)
        throw std::invalid_argument(std::string(what) + ": " + std::to_string(value) + " is above the limit of " +
                                    std::to_string(limit) + " (" + std::string(reason) + ")");
}

/// The size checks one model needs: n, m, n·m, batch, batch·n, steps. \p prefix names the options, e.g. "--" or
/// "grid.json: ".
inline void require_model_sizes(std::int64_t features, std::int64_t hidden, std::int64_t batch, std::int64_t steps,
                                std::string_view features_name, std::string_view hidden_name,
                                std::string_view batch_name, std::string_view steps_name) {
    require_at_most(features, max_features, features_name, "features");
    require_at_most(hidden, max_hidden, hidden_name, "hidden dimensions");
    require_at_most(features * hidden, max_weights,
                    std::string(features_name) + " x " + std::string(hidden_name), "weights of one model");
    require_at_most(batch, max_batch, batch_name, "batch size");
    require_at_most(batch * features, max_batch_elements, std::string(batch_name) + " x " + std::string(features_name),
                    "values in one batch");
    require_at_most(steps, max_steps, steps_name, "training steps");
}

}  // namespace tms::cli::limits
