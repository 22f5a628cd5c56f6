#pragma once
// JSON spellings of numbers, vectors and matrices shared by the `tms` subcommands (nlohmann-json).

#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include <tms/fwd.hpp>

namespace tms::cli::detail {

/// The float as the shortest decimal that reads back as it, held in a double so the JSON shows that decimal
/// ("0.1", not "0.10000000149011612").
[[nodiscard]] inline nlohmann::ordered_json json_float(float value) {
    if (!std::isfinite(value)) return nullptr;
    char buffer[32];
    const auto written = std::to_chars(buffer, buffer + sizeof buffer, value);
    double widened = 0.0;
    std::from_chars(buffer, written.ptr, widened);
    return widened;
}

/// A double, or null when it is not finite (JSON has no NaN or infinity).
[[nodiscard]] inline nlohmann::ordered_json json_double(double value) {
    if (!std::isfinite(value)) return nullptr;
    return value;
}

/// A scalar of either precision: floats as their shortest decimal, doubles as they are.
[[nodiscard]] inline nlohmann::ordered_json json_scalar(float value) { return json_float(value); }
[[nodiscard]] inline nlohmann::ordered_json json_scalar(double value) { return json_double(value); }

template <class Vector>
[[nodiscard]] nlohmann::ordered_json json_vector(const Vector& v) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (Index i = 0; i < v.size(); ++i) out.push_back(json_scalar(v[i]));
    return out;
}

template <class Matrix>
[[nodiscard]] nlohmann::ordered_json json_rows(const Matrix& m) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (Index r = 0; r < m.rows(); ++r) out.push_back(json_vector(m.row(r)));
    return out;
}

}  // namespace tms::cli::detail
