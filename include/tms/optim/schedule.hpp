#pragma once
/// \file optim/schedule.hpp
/// Learning-rate schedules: the factor that multiplies the base learning rate at each step.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <string_view>

#include "../config.hpp"
#include "../detail/validate.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// A learning-rate schedule; factor(step, total) scales the base rate at step ∈ [0, total).
class Schedule {
public:
    enum class Kind { constant, linear_decay, cosine_decay, warmup_cosine };

    /// factor 1 throughout (the notebook's default).
    [[nodiscard]] static Schedule constant() noexcept { return Schedule(Kind::constant, 0); }
    /// 1 − step/total, reaching 0 after the last step (the notebook's linear_lr).
    [[nodiscard]] static Schedule linear_decay() noexcept { return Schedule(Kind::linear_decay, 0); }
    /// ½(1 + cos(π step/total)): cosine annealing to 0 (torch's CosineAnnealingLR with η_min = 0).
    [[nodiscard]] static Schedule cosine_decay() noexcept { return Schedule(Kind::cosine_decay, 0); }
    /// Linear warm-up from lr/warmup to lr over \p warmup_steps, then cosine decay over the rest.
    [[nodiscard]] static Schedule warmup_cosine(std::int64_t warmup_steps) {
        detail::require(warmup_steps >= 0, "warm-up steps must be non-negative, got ", warmup_steps);
        return Schedule(Kind::warmup_cosine, warmup_steps);
    }

    /// Parses "constant", "linear", "cosine" or "warmup_cosine:K" (K warm-up steps).
    [[nodiscard]] static Schedule parse(std::string_view text) {
        if (text == "constant") return constant();
        if (text == "linear" || text == "linear_decay") return linear_decay();
        if (text == "cosine" || text == "cosine_decay") return cosine_decay();
        constexpr std::string_view warmup_prefix = "warmup_cosine:";
        if (text.starts_with(warmup_prefix)) {
            const std::string count(text.substr(warmup_prefix.size()));
            std::size_t used = 0;
            long long steps = -1;
            try {
                steps = std::stoll(count, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            detail::require(used == count.size() && !count.empty() && steps >= 0, "schedule '", text,
                            "': warm-up steps must be a non-negative integer");
            return warmup_cosine(steps);
        }
        throw std::invalid_argument(detail::concat(
            "unknown schedule '", text, "' (expected constant, linear, cosine or warmup_cosine:STEPS)"));
    }

    [[nodiscard]] Kind kind() const noexcept { return kind_; }
    [[nodiscard]] std::int64_t warmup_steps() const noexcept { return warmup_; }

    /// The name parse() accepts for this schedule.
    [[nodiscard]] std::string name() const {
        switch (kind_) {
            case Kind::constant: return "constant";
            case Kind::linear_decay: return "linear";
            case Kind::cosine_decay: return "cosine";
            case Kind::warmup_cosine: return "warmup_cosine:" + std::to_string(warmup_);
        }
        return "constant";
    }

    /// The multiplier of the base learning rate at \p step of \p total steps.
    [[nodiscard]] double factor(std::int64_t step, std::int64_t total) const noexcept {
        const double t = static_cast<double>(step);
        const double span = static_cast<double>(total > 0 ? total : 1);
        switch (kind_) {
            case Kind::constant: return 1.0;
            case Kind::linear_decay: return 1.0 - t / span;
            case Kind::cosine_decay: return 0.5 * (1.0 + std::cos(std::numbers::pi * t / span));
            case Kind::warmup_cosine: {
                if (step < warmup_) return (t + 1.0) / static_cast<double>(warmup_);
                const double rest = static_cast<double>(total > warmup_ ? total - warmup_ : 1);
                return 0.5 * (1.0 + std::cos(std::numbers::pi * (t - static_cast<double>(warmup_)) / rest));
            }
        }
        return 1.0;
    }

    friend bool operator==(const Schedule&, const Schedule&) = default;

private:
    Schedule(Kind kind, std::int64_t warmup) noexcept : kind_(kind), warmup_(warmup) {}
    Kind kind_;
    std::int64_t warmup_;
};

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
