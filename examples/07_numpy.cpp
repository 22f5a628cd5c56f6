// Reading results in NumPy: tms::save_model writes a .npz archive that numpy.load reads directly
// (examples/07_numpy.py does, run by the example's test). Usage: example_07_numpy <output directory>
#include <cstdio>
#include <filesystem>

#include <tms/core.hpp>

int main(int argc, char** argv) {
    const std::filesystem::path directory = argc > 1 ? argv[1] : ".";
    std::filesystem::create_directories(directory);
    tms::AbsValueModelXf model(10, 4);
    tms::initialize(model, 3);
    const auto importance = tms::geometric_importance<float>(10, 0.9);
    tms::TrainOptions options;
    options.steps = 500;
    tms::train(model, tms::SparseFeatureSampler<float>(10, 0.1, tms::FeatureRange::symmetric), importance, options);
    tms::save_model(directory / "abs_value.npz", model, importance, /*probability=*/0.1);
    // In Python: z = np.load("abs_value.npz"); z["W1"] (m×n), z["W2"] (n×m), z["b"], str(z["kind"]), ...
    std::printf("wrote %s (W1 %lldx%lld)\n", (directory / "abs_value.npz").c_str(),
                static_cast<long long>(model.W1().rows()), static_cast<long long>(model.W1().cols()));
    return 0;
}
