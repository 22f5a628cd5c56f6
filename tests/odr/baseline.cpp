// Built with -march=x86-64 (SSE2): see tests/odr/main.cpp.
#include "make_report.hpp"

tms_odr::Report baseline_report() { return tms_odr::make_report(); }
