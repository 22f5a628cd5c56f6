// The extension module tms._tms: exceptions, the random engine, analyses, files, figures and the training runner.
// The models and samplers of each precision are bound in bind_float.cpp and bind_double.cpp.
#include <cerrno>
#include <cstdio>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>

#include <tms/analysis/asymmetric_superposition.hpp>
#include <tms/analysis/dimensionality.hpp>
#include <tms/analysis/extra_feature_phase.hpp>
#include <tms/analysis/feature_angles.hpp>
#include <tms/analysis/feature_norms.hpp>
#include <tms/analysis/gram.hpp>
#include <tms/analysis/neurons.hpp>
#include <tms/analysis/set_interference.hpp>
#include <tms/analysis/superposition.hpp>
#include <tms/analysis/two_feature_phase_diagram.hpp>
#include <tms/config.hpp>
#include <tms/detail/validate.hpp>
#include <tms/errors.hpp>
#include <tms/experiments/learning_dynamics.hpp>
#include <tms/io/file.hpp>
#include <tms/io/model_file.hpp>
#include <tms/io/npz.hpp>
#include <tms/models/abs_value_model.hpp>
#include <tms/models/linear_model.hpp>
#include <tms/models/relu_hidden_model.hpp>
#include <tms/models/relu_output_model.hpp>
#include <tms/parallel/thread_pool.hpp>
#include <tms/plot/figures.hpp>
#include <tms/sampling/feature_range.hpp>
#include <tms/sampling/importance.hpp>
#include <tms/sampling/random_engine.hpp>

#include "binding.hpp"

#ifdef TMS_PYTHON_WITH_REPRODUCE
#include "reproduce.hpp"
#endif

namespace tms::python {
namespace {

template <class Scalar>
using WeightsArray = py::array_t<Scalar, py::array::f_style>;

/// W (hidden, features) in Fortran order as an Eigen map (no copy; the Python wrapper makes it Fortran-ordered).
template <class Scalar>
Eigen::Map<const MatrixX<Scalar>> weights_of(const WeightsArray<Scalar>& w) {
    if (w.ndim() != 2) throw py::value_error("W must be a 2-D array of shape (hidden, features), got shape " + shape_text(w));
    return {w.data(), w.shape(0), w.shape(1)};
}

template <class Scalar>
VectorX<Scalar> vector_of(const py::array_t<Scalar, py::array::c_style | py::array::forcecast>& v, Index size,
                          const char* name) {
    if (v.ndim() != 1 || v.shape(0) != size)
        throw py::value_error(std::string(name) + " must have shape (" + std::to_string(size) + ",), got " + shape_text(v));
    return Eigen::Map<const VectorX<Scalar>>(v.data(), size);
}

/// Defines `name` for float32 and float64 W (exact dtype, Fortran order: no conversion happens here).
template <class Fn>
void def_analysis(py::module_& m, const char* name, Fn fn, const char* doc) {
    m.def(name, [fn](const WeightsArray<float>& w) { return fn(weights_of(w)); }, py::arg("W").noconvert(), doc);
    m.def(name, [fn](const WeightsArray<double>& w) { return fn(weights_of(w)); }, py::arg("W").noconvert(), doc);
}

template <class Derived>
py::array_t<typename Derived::Scalar> vector_array(const Eigen::MatrixBase<Derived>& v) {
    using Scalar = typename Derived::Scalar;
    return copy_vector<Scalar>(v.template cast<Scalar>());
}

std::string svg_text(const plot::SvgDocument& doc) { return doc.str(); }

/// \p object, each feature's dimensionality D_i over training as a float64 array of shape (snapshots, features)
/// (NaN where a feature is not represented), as the snapshots × features matrix the C++ takes.
Eigen::MatrixXd dimensionality_over_time(py::handle object, std::size_t snapshots) {
    const auto rows = static_cast<py::ssize_t>(snapshots);
    const auto array = checked_array<double>(object, "dimensionality", {rows, -1},
                                             "(" + std::to_string(snapshots) + ", features), one row per step");
    return Eigen::Map<const Eigen::Matrix<double, Dynamic, Dynamic, Eigen::RowMajor>>(array.data(), array.shape(0),
                                                                                      array.shape(1));
}

/// An InterferenceSummary as (pairs, mean, mean_cosine, mean_abs_cosine, fraction_negative).
py::tuple summary_tuple(const InterferenceSummary& s) {
    return py::make_tuple(s.pairs, s.mean, s.mean_cosine, s.mean_abs_cosine, s.fraction_negative);
}

/// The analyses of W's structure for one scalar type of W (exact dtype, Fortran order, as def_analysis).
template <class Scalar>
void bind_structure_analyses(py::module_& m) {
    m.def(
        "_angle_structure",
        [](const WeightsArray<Scalar>& w, double represented_threshold, double antipodal_tolerance) {
            const auto W = weights_of(w);
            if (W.rows() != 2)
                throw py::value_error("angle_structure needs W of shape (2, features): a 2-dimensional hidden space, got " +
                                      shape_text(w));
            const AngleStructure result = angle_structure(W, represented_threshold, antipodal_tolerance);
            py::list pairs;
            for (const auto& [a, b] : result.antipodal_pairs) pairs.append(py::make_tuple(a, b));
            py::dict out;
            out["angles"] = copy_vector<double>(result.angles);
            out["order"] = result.order;
            out["gaps"] = result.gaps;
            out["antipodal_pairs"] = pairs;
            out["max_gap_deviation"] = result.max_gap_deviation();
            return out;
        },
        py::arg("W").noconvert(), py::arg("represented_threshold"), py::arg("antipodal_tolerance"),
        "Angles, neighbour gaps and antipodal pairs of the represented features of a 2 x n W.");
    m.def(
        "_set_interference",
        [](const WeightsArray<Scalar>& w, const py::iterable& sets, double represented_threshold) {
            const SetInterference result = set_interference(weights_of(w), feature_sets_from(sets), represented_threshold);
            py::dict out;
            out["within_correlated"] = summary_tuple(result.within_correlated);
            out["within_anticorrelated"] = summary_tuple(result.within_anticorrelated);
            out["across_sets"] = summary_tuple(result.across_sets);
            out["with_independent"] = summary_tuple(result.with_independent);
            return out;
        },
        py::arg("W").noconvert(), py::arg("sets"), py::arg("represented_threshold"),
        "W^T W summarised over pairs within correlated sets, within anticorrelated sets, across sets and with "
        "independent features.");
    m.def(
        "_find_asymmetric_superposition",
        [](const WeightsArray<Scalar>& w1, const WeightsArray<Scalar>& w2, double min_asymmetry, double min_gain,
           double min_inhibition) {
            AsymmetricSuperpositionCriteria criteria;
            criteria.min_asymmetry = min_asymmetry;
            criteria.min_gain = min_gain;
            criteria.min_inhibition = min_inhibition;
            if (w2.ndim() != 2)
                throw py::value_error("W2 must be a 2-D array of shape (features, hidden), got shape " + shape_text(w2));
            const Eigen::Map<const MatrixX<Scalar>> W2(w2.data(), w2.shape(0), w2.shape(1));
            py::list out;
            for (const AsymmetricSuperposition& found : find_asymmetric_superposition(weights_of(w1), W2, criteria))
                out.append(py::make_tuple(found.neuron, found.strong_feature, found.weak_feature, found.inhibitor,
                                          found.input_ratio, found.output_ratio, found.interference, found.inhibition));
            return out;
        },
        py::arg("W1").noconvert(), py::arg("W2").noconvert(), py::arg("min_asymmetry"), py::arg("min_gain"),
        py::arg("min_inhibition"),
        "Every instance of asymmetric superposition with inhibition in an abs-value model's W1 (hidden, features) "
        "and W2 (features, hidden).");
    m.def(
        "_classify_extra_feature",
        [](const WeightsArray<Scalar>& w, Index extra, double represented, double shared) {
            PhaseThresholds thresholds;
            thresholds.represented = represented;
            thresholds.shared = shared;
            return std::string(phase_name(classify_extra_feature(weights_of(w), extra, thresholds)));
        },
        py::arg("W").noconvert(), py::arg("extra"), py::arg("represented"), py::arg("shared"),
        "'ignore extra', 'dedicate to extra', 'superposition' or 'unclassified' for feature `extra` of W.");
}

/// Calls \p body(model) with \p object cast to whichever of the eight model types it is.
template <class Body>
auto with_model(py::handle object, Body&& body) {
    if (py::isinstance<LinearModel<float>>(object)) return body(object.cast<LinearModel<float>&>());
    if (py::isinstance<ReluOutputModel<float>>(object)) return body(object.cast<ReluOutputModel<float>&>());
    if (py::isinstance<ReluHiddenModel<float>>(object)) return body(object.cast<ReluHiddenModel<float>&>());
    if (py::isinstance<AbsValueModel<float>>(object)) return body(object.cast<AbsValueModel<float>&>());
    if (py::isinstance<LinearModel<double>>(object)) return body(object.cast<LinearModel<double>&>());
    if (py::isinstance<ReluOutputModel<double>>(object)) return body(object.cast<ReluOutputModel<double>&>());
    if (py::isinstance<ReluHiddenModel<double>>(object)) return body(object.cast<ReluHiddenModel<double>&>());
    if (py::isinstance<AbsValueModel<double>>(object)) return body(object.cast<AbsValueModel<double>&>());
    throw py::type_error("expected a tms model, got " + std::string(py::str(py::type::of(object).attr("__name__"))));
}

template <class Model>
py::tuple load_as(std::string bytes, const std::string& path) {
    Model model(1, 1);
    const auto task = model_from_npz(std::move(bytes), model, path);
    using Scalar = typename Model::Scalar;
    return py::make_tuple(py::cast(std::move(model)), copy_vector<Scalar>(task.importance),
                          copy_vector<Scalar>(task.probabilities));
}

template <class Scalar>
py::tuple load_kind(const std::string& kind, std::string bytes, const std::string& path) {
    if (kind == "linear") return load_as<LinearModel<Scalar>>(std::move(bytes), path);
    if (kind == "relu_output") return load_as<ReluOutputModel<Scalar>>(std::move(bytes), path);
    if (kind == "relu_hidden") return load_as<ReluHiddenModel<Scalar>>(std::move(bytes), path);
    if (kind == "abs_value") return load_as<AbsValueModel<Scalar>>(std::move(bytes), path);
    throw format_error(path + ": unknown model kind '" + kind + "'");
}

/// Loads a model archive of any kind and precision: (model, importance, probabilities).
py::tuple load_model_file(const std::string& path) {
    std::string bytes = read_file(path);
    const NpzReader reader(bytes, path);
    const std::string kind = detail::read_npy_string(reader, "kind");
    const std::string descr = reader.header("b").descr;
    if (descr == "<f8") return load_kind<double>(kind, std::move(bytes), path);
    return load_kind<float>(kind, std::move(bytes), path);
}

/// Runs \p jobs on \p threads threads with the GIL released; the calling thread wakes every 50 ms to run Python's
/// signal handlers, so Ctrl-C sets the stop flag, every job stops at its next check (a few steps), and the
/// KeyboardInterrupt is raised here once all have stopped. A job's exception stops the others too.
py::list run_jobs(const py::list& specs, unsigned threads) {
    std::vector<std::unique_ptr<Job>> jobs;
    for (const py::handle spec_handle : specs) {
        const auto spec = py::reinterpret_borrow<py::dict>(spec_handle);
        const py::object model = spec["model"];
        std::unique_ptr<Job> job = make_job_float(model, spec);
        if (!job) job = make_job_double(model, spec);
        if (!job)
            throw py::type_error("expected a tms model, got " + std::string(py::str(py::type::of(model).attr("__name__"))));
        jobs.push_back(std::move(job));
    }
    StopFlag flag;
    std::exception_ptr failure;
    std::optional<py::error_already_set> interrupt;
    {
        py::gil_scoped_release release;
        std::mutex mutex;
        std::condition_variable finished;
        bool done = false;
        std::thread worker([&] {
            try {
                parallel_for(static_cast<Index>(jobs.size()), threads, [&](Index k) {
                    try {
                        jobs[static_cast<std::size_t>(k)]->run(flag);
                    } catch (...) {
                        flag.stop.store(true);
                        throw;
                    }
                });
            } catch (...) {
                failure = std::current_exception();
            }
            std::lock_guard lock(mutex);
            done = true;
            finished.notify_all();
        });
        for (;;) {
            {
                std::unique_lock lock(mutex);
                if (finished.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; })) break;
            }
            if (interrupt) continue;
            py::gil_scoped_acquire acquire;
            if (PyErr_CheckSignals() != 0) {
                interrupt.emplace();
                flag.stop.store(true);
            }
        }
        worker.join();
    }
    if (interrupt) throw *interrupt;
    if (failure) std::rethrow_exception(failure);
    py::list reports;
    for (const auto& job : jobs) reports.append(job->report());
    return reports;
}

}  // namespace
}  // namespace tms::python

PYBIND11_MODULE(_tms, m) {
    using namespace tms;
    using namespace tms::python;
    m.doc() = "tms._tms: the C++ core of the tms package (use `import tms`).";
    m.attr("__version__") = TMS_PYTHON_VERSION;
    m.attr("library_version") = tms::version_string;

    // Exceptions: tms.Error (RuntimeError) for run-time failures, DivergenceError, FormatError (also a ValueError).
    static py::object error_type = py::reinterpret_steal<py::object>(PyErr_NewExceptionWithDoc(
        "tms.Error", "Base of tms's run-time failures that are not caller mistakes.", PyExc_RuntimeError, nullptr));
    static py::object divergence_type = py::reinterpret_steal<py::object>(PyErr_NewExceptionWithDoc(
        "tms.DivergenceError", "Training produced a non-finite loss or gradient; the model keeps its last finite weights.",
        error_type.ptr(), nullptr));
    static py::object format_type = py::reinterpret_steal<py::object>(PyErr_NewExceptionWithDoc(
        "tms.FormatError", "A file is truncated, corrupt or of the wrong dtype or shape.",
        py::make_tuple(error_type, py::handle(PyExc_ValueError)).ptr(), nullptr));
    m.attr("Error") = error_type;
    m.attr("DivergenceError") = divergence_type;
    m.attr("FormatError") = format_type;
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const divergence_error& e) {
            PyErr_SetString(divergence_type.ptr(), e.what());
        } catch (const format_error& e) {
            PyErr_SetString(format_type.ptr(), e.what());
        } catch (const tms::error& e) {
            PyErr_SetString(error_type.ptr(), e.what());
        } catch (const std::system_error& e) {
            const int code = e.code().value();
            PyObject* type = code == ENOENT   ? PyExc_FileNotFoundError
                             : code == EACCES ? PyExc_PermissionError
                             : code == EISDIR ? PyExc_IsADirectoryError
                                              : PyExc_OSError;
            PyErr_SetString(type, e.what());
        }
    });

    py::class_<RandomEngine>(m, "RandomEngine",
                             "xoshiro256++ seeded through SplitMix64: (seed, stream) determines every draw.")
        .def(py::init<std::uint64_t, std::uint64_t>(), py::arg("seed") = 0, py::arg("stream") = 0)
        .def_property_readonly("seed", &RandomEngine::seed)
        .def_property_readonly("stream", &RandomEngine::stream)
        .def("split", &RandomEngine::split, py::arg("stream"), "An independent engine for sub-stream `stream`.")
        .def("next", [](RandomEngine& e) { return e(); }, "The next 64 random bits.")
        .def("uniform", [](RandomEngine& e) { return e.uniform<double>(); }, "Uniform on [0, 1).")
        .def("normal", &RandomEngine::normal, "A standard normal draw.")
        .def("__repr__", [](const RandomEngine& e) {
            return "tms.RandomEngine(seed=" + std::to_string(e.seed()) + ", stream=" + std::to_string(e.stream()) + ")";
        });

    bind_float(m);
    bind_double(m);

    m.def("_run_jobs", &run_jobs, py::arg("specs"), py::arg("threads"));

#ifdef TMS_PYTHON_WITH_REPRODUCE
    m.def(
        "_reproduce",
        [](const std::string& out, bool quick, unsigned threads, Index best_of, std::int64_t steps, bool verbose,
           bool pruned_best_of) {
            tms::cli::ReproduceOptions options;
            options.out = out;
            options.quick = quick;
            options.threads = threads;
            options.best_of = best_of;
            options.steps = steps;
            options.pruned_best_of = pruned_best_of;
            if (verbose) options.log = [](const std::string& line) { std::fputs(line.c_str(), stderr); };
            tms::cli::ReproduceOutcome outcome;
            {
                py::gil_scoped_release release;
                outcome = tms::cli::reproduce(options);
            }
            py::dict result;
            result["figures"] = outcome.figures;
            result["claims"] = outcome.claims;
            result["reproduced"] = outcome.reproduced;
            result["discriminating"] = outcome.discriminating;
            result["seconds"] = outcome.seconds;
            return result;
        },
        py::arg("out"), py::arg("quick"), py::arg("threads"), py::arg("best_of"), py::arg("steps"), py::arg("verbose"),
        py::arg("pruned_best_of"));
#endif

    // Analyses on W (hidden, features); the Python wrappers accept models and stacks too.
    def_analysis(m, "_gram", [](const auto& w) { return copy_matrix<typename std::decay_t<decltype(w)>::Scalar>(gram(w)); },
                 "W^T W, shape (features, features).");
    def_analysis(m, "_feature_norms", [](const auto& w) { return vector_array(feature_norms(w)); }, "||W_i||.");
    def_analysis(m, "_superposition", [](const auto& w) { return vector_array(superposition(w)); },
                 "sum_{j != i} (W_i_hat . W_j)^2.");
    def_analysis(m, "_feature_dimensionality", [](const auto& w) { return vector_array(feature_dimensionality(w)); },
                 "D_i.");
    def_analysis(m, "_dimensions_per_feature", [](const auto& w) { return dimensions_per_feature(w); },
                 "m / ||W||_F^2.");
    const auto bind_thresholds = [&]<class Scalar>(std::type_identity<Scalar>) {
        m.def(
            "_represented_features",
            [](const WeightsArray<Scalar>& w, double threshold) {
                return represented_features(weights_of(w), threshold);
            },
            py::arg("W").noconvert(), py::arg("threshold"));
        m.def(
            "_neuron_feature_counts",
            [](const WeightsArray<Scalar>& w, double relative_threshold, double absolute_floor, bool symmetric) {
                NeuronCriteria criteria;
                criteria.relative_threshold = relative_threshold;
                criteria.absolute_floor = absolute_floor;
                criteria.range = symmetric ? FeatureRange::symmetric : FeatureRange::unit;
                return neuron_feature_counts(weights_of(w), criteria);
            },
            py::arg("W").noconvert(), py::arg("relative_threshold"), py::arg("absolute_floor"), py::arg("symmetric"));
    };
    bind_thresholds(std::type_identity<float>{});
    bind_thresholds(std::type_identity<double>{});
    bind_structure_analyses<float>(m);
    bind_structure_analyses<double>(m);

    // The exact n = 2, m = 1 losses and phases (analysis/two_feature_phase_diagram.hpp).
    m.def(
        "_two_feature_losses",
        [](double extra_importance, double density) {
            const TwoFeatureLosses losses = two_feature_losses(extra_importance, density);
            return py::make_tuple(losses.ignore_extra, losses.dedicate_extra, losses.antipodal);
        },
        py::arg("extra_importance"), py::arg("density"),
        "(ignore_extra, dedicate_extra, antipodal): the expected per-sample losses of the three solutions.");
    m.def(
        "_analytic_two_feature_phase",
        [](double extra_importance, double density) {
            return std::string(phase_name(analytic_two_feature_phase(extra_importance, density)));
        },
        py::arg("extra_importance"), py::arg("density"), "The phase name of the solution of lowest loss.");
    m.def("_antipodal_boundary_density", &antipodal_boundary_density, py::arg("extra_importance"),
          "The density below which the antipodal pair has the lowest loss.");
    m.def("_dropped_feature_loss", &dropped_feature_loss, py::arg("importance"), py::arg("density"),
          "I (s/3 - s^2/4): the expected loss of a dropped feature.");
    m.def(
        "_dimensionality_jumps",
        [](py::handle dimensionality, const std::vector<std::int64_t>& steps, const std::vector<double>& loss,
           double level_tolerance, std::int64_t dwell_steps, std::int64_t max_transition_steps,
           double min_level_change, std::int64_t loss_window_steps) {
            const Eigen::MatrixXd d = dimensionality_over_time(dimensionality, steps.size());
            experiments::LearningDynamicsConfig config;
            config.level_tolerance = level_tolerance;
            config.dwell_steps = dwell_steps;
            config.max_transition_steps = max_transition_steps;
            config.min_level_change = min_level_change;
            config.loss_window_steps = loss_window_steps;
            py::list out;
            for (const experiments::DimensionalityJump& jump : experiments::dimensionality_jumps(d, steps, loss, config))
                out.append(py::make_tuple(jump.feature, jump.from_level, jump.from_first, jump.from_last, jump.to_level,
                                          jump.to_first, jump.to_last, jump.loss_dwell_start, jump.loss_before,
                                          jump.loss_after));
            return out;
        },
        py::arg("dimensionality"), py::arg("steps"), py::arg("loss"), py::arg("level_tolerance"),
        py::arg("dwell_steps"), py::arg("max_transition_steps"), py::arg("min_level_change"),
        py::arg("loss_window_steps"),
        "Each feature's jumps between the energy levels of D_i over training, as tuples (feature, from_level, "
        "from_first, from_last, to_level, to_first, to_last, loss_dwell_start, loss_before, loss_after).");
    {
        py::list levels;
        for (const double level : experiments::reference_fractions) levels.append(level);
        m.attr("_energy_levels") = py::tuple(levels);
    }

    // Files.
    m.def(
        "_save_model",
        [](const std::string& path, py::handle model, py::handle importance, py::handle probability) {
            with_model(model, [&](auto& typed) {
                using Scalar = typename std::decay_t<decltype(typed)>::Scalar;
                const Index n = typed.features();
                const VectorX<Scalar> importances = per_feature<Scalar>(importance, n, "importance", false);
                const VectorX<Scalar> probabilities = per_feature<Scalar>(probability, n, "probability", false);
                validate_importance(importances);
                for (Index i = 0; i < n; ++i)
                    detail::require_probability(static_cast<double>(probabilities[i]),
                                                detail::concat("probability of feature ", i));
                save_model(path, typed, importances, probabilities);
            });
        },
        py::arg("path"), py::arg("model"), py::arg("importance"), py::arg("probability"));
    m.def("_load_model", &load_model_file, py::arg("path"));
    // The checked writer every tms output goes through: atomic, never through a link, FIFO or device.
    m.def(
        "_write_file",
        [](const std::string& path, const std::string& text) {
            py::gil_scoped_release release;
            write_file_atomically(path, text);
        },
        py::arg("path"), py::arg("text"));

    // Figures (SVG text); W is float64 (hidden, features) in Fortran order.
    using FigureW = WeightsArray<double>;
    m.def(
        "_weights_and_norms_figure",
        [](const FigureW& w, const py::array_t<double, py::array::c_style | py::array::forcecast>& b,
           const std::string& title) {
            const auto W = weights_of(w);
            const VectorX<double> bias = vector_of<double>(b, W.cols(), "b");
            return svg_text(plot::weights_and_norms_figure(W, bias, feature_norms(W), superposition(W), title));
        },
        py::arg("W"), py::arg("b"), py::arg("title"));
    m.def("_weight_matrix_figure", [](const FigureW& w, const std::string& title) {
        return svg_text(plot::weight_matrix_figure(weights_of(w), title));
    });
    m.def("_neuron_stack_figure", [](const FigureW& w, const std::string& title, std::vector<Eigen::Index> order) {
        for (const Eigen::Index j : order)
            if (j < 0 || j >= w.shape(0))
                throw py::value_error("order: neuron " + std::to_string(j) + " is outside [0, " +
                                      std::to_string(w.shape(0)) + ")");
        return svg_text(plot::neuron_stack_figure(weights_of(w), title, std::move(order)));
    });
    m.def("_vectors_2d_figure", [](const FigureW& w, const std::string& title) {
        return svg_text(plot::vectors_2d_figure(weights_of(w), title));
    });
    m.def(
        "_learning_dynamics_figure",
        [](const std::vector<std::int64_t>& steps, py::handle dimensionality, const std::vector<double>& loss,
           const std::string& title, std::int64_t last_step_shown) {
            const Eigen::MatrixXd d = dimensionality_over_time(dimensionality, steps.size());
            if (!loss.empty() && loss.size() != steps.size())
                throw py::value_error("learning dynamics figure: " + std::to_string(loss.size()) + " losses but " +
                                      std::to_string(steps.size()) + " steps (give one loss per snapshot, or none)");
            if (last_step_shown < 0)
                throw py::value_error("last_step_shown must be non-negative, got " + std::to_string(last_step_shown));
            return svg_text(plot::learning_dynamics_figure(steps, d, loss, title, last_step_shown));
        },
        py::arg("steps"), py::arg("dimensionality"), py::arg("loss"), py::arg("title"), py::arg("last_step_shown"));
    m.def("_dimensionality_figure", [](const std::vector<double>& probabilities,
                                       const std::vector<std::vector<double>>& dimensionalities,
                                       const std::vector<double>& dimensions_per_feature, const std::string& title) {
        if (dimensionalities.size() != probabilities.size() || dimensions_per_feature.size() != probabilities.size())
            throw py::value_error("dimensionality figure: " + std::to_string(probabilities.size()) +
                                  " probabilities need as many rows of dimensionalities and dimensions per feature");
        for (const double p : probabilities)
            if (!(p > 0.0 && p <= 1.0)) throw py::value_error("dimensionality figure: probability " + std::to_string(p) + " is outside (0, 1]");
        return svg_text(plot::dimensionality_figure(probabilities, dimensionalities, dimensions_per_feature, title));
    });
}
