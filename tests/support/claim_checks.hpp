#pragma once
/// \file tests/support/claim_checks.hpp
/// The check every experiment's untrained-control test runs on its claims.

#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include <tms/experiments/experiment.hpp>

namespace tms_test {

/// Every claim fails (a claim that initial weights satisfy is no claim), says what it checks and what it measured,
/// and has an id under \p id_prefix ("relu_hidden.").
inline void check_every_claim_fails(const std::vector<tms::experiments::Claim>& claims, std::string_view id_prefix) {
    for (const tms::experiments::Claim& claim : claims) {
        CAPTURE(claim.id);
        CAPTURE(claim.measured);
        CHECK_FALSE(claim.holds);
        CHECK_FALSE(claim.text.empty());
        CHECK_FALSE(claim.measured.empty());
        CHECK(claim.id.rfind(id_prefix, 0) == 0);
    }
}

}  // namespace tms_test
