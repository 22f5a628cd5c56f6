#pragma once
// The four toy models chosen at run time: the library's registry (tms/models/model_kind.hpp) under the names the
// tool has always used.
//
//     const tms::cli::ModelKind kind = tms::cli::parse_model_kind("relu_hidden");   // throws on a bad name
//     tms::cli::with_model_type(kind, tms::cli::Precision::single, [&]<class Model>(std::type_identity<Model>) {
//         Model model(n, m);                       // e.g. tms::ReluHiddenModel<float> (dynamic sizes)
//         ...
//     });

#include <tms/models/model_kind.hpp>
#include <tms/core.hpp>

namespace tms::cli {

using tms::all_model_kinds;
using tms::feature_range;
using tms::model_kind_name;
using tms::ModelKind;
using tms::ModelType;
using tms::parse_model_kind;
using tms::Precision;
using tms::precision_name;
using tms::with_model_type;

}  // namespace tms::cli
