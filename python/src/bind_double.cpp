// The float64 models, sampler and training jobs.
#include "bind_models.hpp"

namespace tms::python {
void bind_double(py::module_& m) { bind_scalar<double>(m); }
std::unique_ptr<Job> make_job_double(py::handle model, const py::dict& spec) { return make_job<double>(model, spec); }
}  // namespace tms::python
