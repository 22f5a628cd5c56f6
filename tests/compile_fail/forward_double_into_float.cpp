// Must not compile: a double batch into a float model (the caller must cast explicitly).
// expect: the input batch must have the model's scalar type
#include <tms/models/relu_output_model.hpp>

int main() {
    const tms::ReluOutputModel<float, 20, 5> model;
    const Eigen::MatrixXd batch = Eigen::MatrixXd::Zero(20, 4);
    return static_cast<int>(model.forward(batch).cols());
}
