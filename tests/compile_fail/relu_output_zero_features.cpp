// Must not compile: a model with zero features at compile time.
// expect: a toy model needs at least one feature
#include <tms/models/relu_output_model.hpp>

int main() {
    tms::ReluOutputModel<float, 0, 5> model;
    return static_cast<int>(model.features());
}
