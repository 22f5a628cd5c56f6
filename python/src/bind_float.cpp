// The float32 models, sampler and training jobs.
#include "bind_models.hpp"

namespace tms::python {
void bind_float(py::module_& m) { bind_scalar<float>(m); }
std::unique_ptr<Job> make_job_float(py::handle model, const py::dict& spec) { return make_job<float>(model, spec); }
}  // namespace tms::python
