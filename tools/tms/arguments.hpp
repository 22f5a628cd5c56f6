#pragma once
// Parsing and checking of command-line values that CLI11 cannot check on its own: comma lists of numbers,
// probabilities, importance (a ratio or n values). Every error is a std::invalid_argument whose message starts
// with the option's name and quotes the bad value, e.g. "--probability: 1.5 is outside [0, 1]".
//
//     parse_number_list("0.1, 0.01", "--probability")   -> {0.1, 0.01}
//     parse_probabilities("0.1,2", "--probability")      -> throws "--probability: 2 is outside [0, 1]"
//     parse_importance("0.7", 20, "--importance")        -> 0.7^i, i = 0..19
//     parse_importance("1,0.5,0.25", 3, "--importance")  -> {1, 0.5, 0.25}

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <thread>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <tms/core.hpp>

namespace tms::cli {

namespace detail {
[[nodiscard]] inline std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

[[nodiscard]] inline std::string format_number(double value) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}
}  // namespace detail

/// The number \p text spells (the whole of it, surrounding blanks allowed); "nan" and "inf" parse, so callers
/// check finiteness. \throws std::invalid_argument "<what>: 'text' is not a number".
[[nodiscard]] inline double parse_number(std::string_view text, std::string_view what) {
    const std::string_view trimmed = detail::trim(text);
    double value = 0.0;
    const char* first = trimmed.data();
    const char* last = trimmed.data() + trimmed.size();
    if (!trimmed.empty() && *first == '+') ++first;  // from_chars rejects a leading '+'
    const auto [end, error] = std::from_chars(first, last, value);
    if (trimmed.empty() || error != std::errc{} || end != last)
        throw std::invalid_argument(std::string(what) + ": '" + std::string(text) + "' is not a number");
    return value;
}

/// The comma-separated numbers in \p text, in order. \throws std::invalid_argument naming \p what and the
/// offending entry for an empty entry or a non-number.
[[nodiscard]] inline std::vector<double> parse_number_list(std::string_view text, std::string_view what) {
    std::vector<double> values;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = text.find(',', start);
        const std::string_view item = text.substr(start, comma == std::string_view::npos ? comma : comma - start);
        if (detail::trim(item).empty())
            throw std::invalid_argument(std::string(what) + ": empty entry in '" + std::string(text) + "'");
        values.push_back(parse_number(item, what));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return values;
}

/// A comma list of presence probabilities, each in [0, 1].
/// \throws std::invalid_argument "<what>: 1.5 is outside [0, 1]" (or a parse error).
[[nodiscard]] inline std::vector<double> parse_probabilities(std::string_view text, std::string_view what) {
    std::vector<double> values = parse_number_list(text, what);
    for (const double p : values)
        if (!(p >= 0.0 && p <= 1.0))
            throw std::invalid_argument(std::string(what) + ": " + detail::format_number(p) + " is outside [0, 1]");
    return values;
}

/// Feature importance from \p text: one number r gives I_i = r^i (r finite and positive); a comma list gives the
/// \p features values themselves (each finite and non-negative).
/// \throws std::invalid_argument naming \p what for a bad ratio, a bad entry or a list of the wrong length.
[[nodiscard]] inline VectorX<double> parse_importance(std::string_view text, Index features, std::string_view what) {
    const std::vector<double> values = parse_number_list(text, what);
    if (values.size() == 1) {
        const double ratio = values.front();
        if (!(std::isfinite(ratio) && ratio > 0.0))
            throw std::invalid_argument(std::string(what) + ": ratio " + detail::format_number(ratio) +
                                        " must be finite and positive");
        return geometric_importance<double>(features, ratio);
    }
    if (static_cast<Index>(values.size()) != features)
        throw std::invalid_argument(std::string(what) + ": " + std::to_string(values.size()) +
                                    " values given but there are " + std::to_string(features) +
                                    " features (give one ratio r for r^i, or one value per feature)");
    VectorX<double> importance(features);
    for (Index i = 0; i < features; ++i) {
        const double value = values[static_cast<std::size_t>(i)];
        if (!(std::isfinite(value) && value >= 0.0))
            throw std::invalid_argument(std::string(what) + ": entry " + std::to_string(i) + " (" +
                                        detail::format_number(value) + ") must be finite and non-negative");
        importance[i] = value;
    }
    return importance;
}

/// A seed: a decimal integer in [0, 2^64). \throws std::invalid_argument "<what>: '-1' is not an integer in
/// [0, 2^64)" for a sign, a fraction, text or an overflow (CLI11 would wrap -1 to 2^64 - 1).
[[nodiscard]] inline std::uint64_t parse_seed(std::string_view text, std::string_view what) {
    const std::string_view trimmed = detail::trim(text);
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
    if (trimmed.empty() || error != std::errc{} || end != trimmed.data() + trimmed.size())
        throw std::invalid_argument(std::string(what) + ": '" + std::string(text) + "' is not an integer in [0, 2^64)");
    return value;
}

/// The machine's hardware threads (at least 1).
[[nodiscard]] inline unsigned hardware_threads() noexcept { return std::max(1u, std::thread::hardware_concurrency()); }

/// A thread count: 0 (all cores) up to the machine's hardware threads; more only slows training down and, under a
/// process or memory limit, cannot be started. \throws std::invalid_argument naming \p what and the limit.
inline void require_thread_count(unsigned threads, std::string_view what) {
    if (threads > hardware_threads())
        throw std::invalid_argument(std::string(what) + ": " + std::to_string(threads) + " is more than the " +
                                    std::to_string(hardware_threads()) + " hardware threads of this machine");
}

}  // namespace tms::cli
