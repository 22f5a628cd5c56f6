// tms::precompiled: the explicit instantiation definitions include/tms/precompiled.hpp declares.
#define TMS_PRECOMPILED_EXTERN
#include <tms/precompiled.hpp>
