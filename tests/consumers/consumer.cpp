// A downstream program: trains a tiny model through the installed or embedded tms::tms target.
#include <iostream>

#include <tms/tms.hpp>

int main() {
    tms::ReluOutputModel<float, 6, 2> model;
    tms::initialize(model, 1);
    tms::TrainOptions options;
    options.steps = 300;
    const auto report =
        tms::train(model, tms::SparseFeatureSampler<float>(6, 0.1), tms::geometric_importance<float>(6, 0.9), options);
    std::cout << "consumer: tms " << tms::version_string << ", loss " << report.final_loss << "\n";
    return report.final_loss > 0.0 && report.final_loss < 1.0 ? 0 : 1;
}
