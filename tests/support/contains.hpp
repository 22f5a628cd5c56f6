#pragma once
/// \file tests/support/contains.hpp
/// doctest::Contains from a std::string (doctest's own takes only its String type).

#include <string>

#include <doctest/doctest.h>

namespace tms_test {

[[nodiscard]] inline doctest::Contains contains(const std::string& text) {
    return doctest::Contains(doctest::String(text.c_str()));
}

}  // namespace tms_test
