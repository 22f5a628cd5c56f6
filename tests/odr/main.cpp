// Two translation units that use the same tms templates, built with different -march flags, linked into one program:
// each must run the code of its own instruction set (include/tms/config.hpp, TMS_ARCH_NAMESPACE). Both are built
// with -fno-inline so the templates' code is emitted as linker-mergeable symbols, as it is in a large program.
#include <cmath>
#include <cstdio>
#include <cstring>

#include "report.hpp"

tms_odr::Report baseline_report();
tms_odr::Report avx2_report();

int main() {
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
        std::puts("odr.two_march: this CPU has no AVX2 + FMA; skipped");
        return 77;
    }
    const tms_odr::Report reports[] = {baseline_report(), avx2_report()};
    int failures = 0;
    for (const tms_odr::Report& r : reports) {
        std::printf("xsimd %-10s tms namespace %-16s padding expected %ld, GradientCore %ld, loss %g\n", r.xsimd_arch,
                    r.tms_namespace, r.expected_padding, r.gradient_core_padding, r.trained_loss);
        if (r.gradient_core_padding != r.expected_padding) {
            std::printf("FAIL: the %s translation unit ran GradientCore code built for another instruction set\n",
                        r.xsimd_arch);
            ++failures;
        }
        if (!std::isfinite(r.trained_loss) || r.trained_loss <= 0.0) {
            std::printf("FAIL: training in the %s translation unit gave loss %g\n", r.xsimd_arch, r.trained_loss);
            ++failures;
        }
    }
    // The test means something only if the two translation units really differ.
    if (std::strcmp(reports[0].xsimd_arch, reports[1].xsimd_arch) == 0 ||
        reports[0].expected_padding == reports[1].expected_padding) {
        std::puts("FAIL: both translation units were built for the same instruction set");
        ++failures;
    }
    if (std::strcmp(reports[0].tms_namespace, reports[1].tms_namespace) == 0) {
        std::puts("FAIL: both translation units put tms in the same inline namespace");
        ++failures;
    }
    return failures == 0 ? 0 : 1;
}
