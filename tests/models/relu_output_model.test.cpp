#include <doctest/doctest.h>
#include <tms/models/relu_output_model.hpp>

TEST_CASE("ReluOutputModel has the paper's shapes") {
    tms::ReluOutputModel<float, 20, 5> model;
    CHECK(model.W().rows() == 5);
    CHECK(model.W().cols() == 20);
    CHECK(model.b().size() == 20);
    CHECK(model.parameter_count() == 120);
}
