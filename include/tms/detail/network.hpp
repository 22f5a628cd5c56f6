#pragma once
/// \file detail/network.hpp
/// Moved to models/network_spec.hpp (tms::NetworkSpec, tms::ParameterLayout, tms::Target); kept for old includes.

#include "../models/network_spec.hpp"
