// The training loop allocates nothing after its first step: every buffer is sized once and reused.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include <tms/core.hpp>

namespace {
std::atomic<long> allocations{0};
}

void* operator new(std::size_t size) {
    ++allocations;
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t alignment) {
    ++allocations;
    const auto a = static_cast<std::size_t>(alignment);
    if (void* p = std::aligned_alloc(a, (size + a - 1) / a * a)) return p;
    throw std::bad_alloc();
}
// GCC 12 pairs the std::vector's `new` expression with the std::free inlined from this replacement and warns
// (-Wmismatched-new-delete); the pair is correct here, since these replacements own both ends.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {
template <class Model>
long allocations_in_steady_state(Model model, double probability, tms::FeatureRange range, const tms::OptimizerOptions& optimizer) {
    tms::initialize(model, 1);
    const tms::SparseFeatureSampler<typename Model::Scalar> data(model.features(), probability, range);
    const auto importance = tms::geometric_importance<typename Model::Scalar>(model.features(), 0.8);
    tms::TrainOptions options;
    options.steps = 60;
    options.batch_size = 300;  // a partial last tile too
    options.log_every = 1'000'000;  // the loss history would grow; keep it to the first step
    options.callback_every = 10;
    options.optimizer = optimizer;
    long at_step_10 = -1, at_last = -1;
    tms::train(model, data, importance, options, [&](const tms::TrainingProgress& progress, const Model&) {
        if (progress.step == 10) at_step_10 = allocations.load();
        if (progress.step == 60) at_last = allocations.load();
        return true;
    });
    return at_last - at_step_10;
}
}  // namespace

TEST_CASE("no allocation inside the training loop, for every tile path and optimizer") {
    using tms::FeatureRange;
    for (const double p : {1.0, 0.3, 0.1, 0.02, 0.003}) {
        CAPTURE(p);
        CHECK(allocations_in_steady_state(tms::ReluOutputModelXf(20, 5), p, FeatureRange::unit, tms::AdamWOptions{}) == 0);
        CHECK(allocations_in_steady_state(tms::ReluHiddenModelXd(10, 5), p, FeatureRange::unit, tms::AdamOptions{}) == 0);
        CHECK(allocations_in_steady_state(tms::AbsValueModelXf(40, 12), p, FeatureRange::symmetric,
                                          tms::SgdOptions{0.9}) == 0);
        CHECK(allocations_in_steady_state(tms::LinearModel<float, 20, 5>(), p, FeatureRange::unit, tms::AdamWOptions{}) == 0);
    }
}
