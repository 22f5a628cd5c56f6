// Must not compile: int is not a real scalar (only float and double are).
// expect: real_scalar
#include <tms/models/relu_output_model.hpp>

int main() {
    tms::ReluOutputModel<int, 20, 5> model;
    return static_cast<int>(model.features());
}
