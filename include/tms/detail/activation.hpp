#pragma once
/// \file detail/activation.hpp
/// Moved to models/activation.hpp (tms::Identity, tms::Relu); kept for old includes.

#include "../models/activation.hpp"
