// Must compile: the control for the compile_fail tests (include paths and flags are right, so the other
// snippets fail for the reason they name). Same code as the failing snippets, used correctly.
// expect:
#include <tms/models/relu_output_model.hpp>

int main() {
    const tms::ReluOutputModel<float, 20, 5> model;
    const Eigen::MatrixXd batch = Eigen::MatrixXd::Zero(20, 4);
    return static_cast<int>(model.forward(batch.cast<float>()).cols());
}
