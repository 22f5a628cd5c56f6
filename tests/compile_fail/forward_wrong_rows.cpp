// Must not compile: a batch with 10 rows into a model with 20 features, both fixed at compile time.
// expect: the input batch must have one row per feature of the model
#include <tms/models/relu_output_model.hpp>

int main() {
    const tms::ReluOutputModel<float, 20, 5> model;
    const Eigen::Matrix<float, 10, Eigen::Dynamic> batch = Eigen::Matrix<float, 10, Eigen::Dynamic>::Zero(10, 4);
    return static_cast<int>(model.forward(batch).cols());
}
