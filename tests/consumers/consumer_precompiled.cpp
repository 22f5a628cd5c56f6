// A downstream program linking tms::precompiled: a run-time-sized model whose Trainer and train() come from the
// library (extern templates in tms/precompiled.hpp), so a missing or mismatched library is a link error.
#include <iostream>

#include <tms/core.hpp>

int main() {
    tms::ReluOutputModelXf model(6, 2);
    tms::initialize(model, 1);
    tms::TrainOptions options;
    options.steps = 300;
    const auto report = tms::train(model, tms::SparseFeatureSampler<float>(6, 0.1),
                                   tms::geometric_importance<float>(6, 0.9), options);
    std::cout << "consumer (precompiled): loss " << report.final_loss << "\n";
    return report.final_loss > 0.0 && report.final_loss < 1.0 ? 0 : 1;
}
