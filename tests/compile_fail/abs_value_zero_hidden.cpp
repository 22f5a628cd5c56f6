// Must not compile: an untied model with zero hidden dimensions at compile time.
// expect: a toy model needs at least one hidden dimension
#include <tms/models/abs_value_model.hpp>

int main() {
    tms::AbsValueModel<double, 20, 0> model;
    return static_cast<int>(model.features());
}
