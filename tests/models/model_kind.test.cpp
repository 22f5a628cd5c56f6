// tms/models/model_kind.hpp: the one registry of model names maps every name to its type and back, and rejects an
// unknown name by name.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <type_traits>

#include <tms/models/model_kind.hpp>
#include <tms/sweep/sweep_config.hpp>

TEST_CASE("every model kind's name is its type's kind_name, and parses back to the kind") {
    for (const tms::ModelKind kind : tms::all_model_kinds) {
        for (const tms::Precision precision : {tms::Precision::single, tms::Precision::double_}) {
            const std::string type_name = tms::with_model_type(kind, precision, []<class Model>(std::type_identity<Model>) {
                return std::string(Model::kind_name);
            });
            CHECK(type_name == tms::model_kind_name(kind));
            const bool is_double = tms::with_model_type(kind, precision, []<class Model>(std::type_identity<Model>) {
                return std::is_same_v<typename Model::Scalar, double>;
            });
            CHECK(is_double == (precision == tms::Precision::double_));
        }
        CHECK(tms::parse_model_kind(tms::model_kind_name(kind)) == kind);
        CHECK(tms::is_model_kind_name(tms::model_kind_name(kind)));
    }
    static_assert(std::is_same_v<tms::ModelType<tms::ModelKind::relu_hidden, float>, tms::ReluHiddenModelXf>);
    static_assert(std::is_same_v<tms::ModelType<tms::ModelKind::abs_value, double>, tms::AbsValueModelXd>);
    CHECK(tms::has_hidden_neurons(tms::ModelKind::abs_value));
    CHECK_FALSE(tms::has_hidden_neurons(tms::ModelKind::relu_output));
    CHECK(tms::feature_range(tms::ModelKind::abs_value) == tms::FeatureRange::symmetric);
    // The sweep configuration's names are the registry's.
    CHECK(tms::sweep_model_names == tms::model_kind_names);
}

TEST_CASE("an unknown model name throws naming it") {
    CHECK_FALSE(tms::is_model_kind_name("relu"));
    CHECK_THROWS_WITH_AS((void)tms::parse_model_kind("relu"),
                         "unknown model 'relu' (expected linear, relu_output, relu_hidden or abs_value)",
                         std::invalid_argument);
}
