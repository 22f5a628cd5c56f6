// Built with -march=x86-64-v3 (AVX2 + FMA): see tests/odr/main.cpp.
#include "make_report.hpp"

tms_odr::Report avx2_report() { return tms_odr::make_report(); }
