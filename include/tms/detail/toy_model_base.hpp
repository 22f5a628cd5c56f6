#pragma once
/// \file detail/toy_model_base.hpp
/// Moved to models/toy_model_base.hpp (tms::ToyModelBase); this header keeps old includes working.

#include "../models/toy_model_base.hpp"
