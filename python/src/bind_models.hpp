#pragma once
// The four models, the sampler and the training job for one scalar type (included by bind_float.cpp and
// bind_double.cpp, so the two precisions compile in parallel).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include <tms/errors.hpp>
#include <tms/io/checkpoint.hpp>
#include <tms/models/abs_value_model.hpp>
#include <tms/models/initialization.hpp>
#include <tms/models/linear_model.hpp>
#include <tms/models/relu_hidden_model.hpp>
#include <tms/models/relu_output_model.hpp>
#include <tms/optim/adam.hpp>
#include <tms/optim/schedule.hpp>
#include <tms/optim/sgd.hpp>
#include <tms/optim/trainer.hpp>
#include <tms/sampling/correlated_feature_sampler.hpp>
#include <tms/sampling/random_engine.hpp>
#include <tms/sampling/sparse_feature_sampler.hpp>

#include "binding.hpp"

namespace tms::python {

template <class Scalar>
inline const char* suffix = std::is_same_v<Scalar, float> ? "F32" : "F64";

/// The batch \p x (batch, features) as the features × batch Eigen matrix the models take (no copy).
template <class Scalar>
struct BatchView {
    py::array_t<Scalar, py::array::c_style> array;
    Eigen::Map<const MatrixX<Scalar>> matrix;
};

template <class Scalar>
BatchView<Scalar> batch_view(py::handle x, Index features) {
    auto array = checked_array<Scalar>(x, "x", {-1, features}, "(batch, " + std::to_string(features) + ")");
    if (array.shape(0) == 0) throw py::value_error("x is empty: it has 0 samples, expected shape (batch, " +
                                                   std::to_string(features) + ") with batch >= 1");
    Eigen::Map<const MatrixX<Scalar>> matrix(array.data(), features, array.shape(0));
    return {std::move(array), matrix};
}

/// Replaces the matrix \p target by \p value of the same shape (a numpy array of the model's dtype).
template <class Scalar, int Rows, int Cols>
void assign_matrix(Eigen::Matrix<Scalar, Rows, Cols>& target, py::handle value, const char* name) {
    if constexpr (Cols == 1) {
        const auto array = checked_array<Scalar>(value, name, {target.rows()}, "(" + std::to_string(target.rows()) + ",)");
        target = Eigen::Map<const Eigen::Matrix<Scalar, Rows, Cols>>(array.data(), target.rows());
    } else {
        const auto array = checked_array<Scalar>(value, name, {target.rows(), target.cols()},
                                                 "(" + std::to_string(target.rows()) + ", " + std::to_string(target.cols()) + ")");
        target = Eigen::Map<const Eigen::Matrix<Scalar, Rows, Cols, Eigen::RowMajor>>(array.data(), target.rows(),
                                                                                       target.cols());
    }
}

template <class Model>
void bind_model(py::module_& m, const std::string& name, const char* doc) {
    using Scalar = typename Model::Scalar;
    py::class_<Model> cls(m, name.c_str(), doc);
    cls.def(py::init([](Index features, Index hidden) { return Model(features, hidden); }), py::arg("features"),
            py::arg("hidden"), "A zero model with `features` inputs (n) and `hidden` hidden dimensions (m).")
        .def_property_readonly_static("kind", [](py::object) { return Model::kind_name; },
                                      "The model's name in files and configs.")
        .def_property_readonly("n_features", [](const Model& model) { return model.features(); },
                               "n, the number of features.")
        .def_property_readonly("n_hidden", [](const Model& model) { return model.hidden(); },
                               "m, the number of hidden dimensions.")
        .def_property_readonly_static("dtype", [](py::object) { return py::dtype::of<Scalar>(); },
                                      "numpy.float32 or numpy.float64.")
        .def_property_readonly("parameter_count", [](const Model& model) { return model.parameter_count(); })
        .def(
            "initialize",
            [](py::object self, std::uint64_t seed) {
                initialize(self.cast<Model&>(), seed);
                return self;
            },
            py::arg("seed"), "Draws Xavier-normal weights from `seed` (stream 0 of the seed) and zeroes b; returns self.")
        .def_property(
            "b", [](py::object self) { return matrix_view(self.cast<Model&>().b(), self); },
            [](Model& model, py::handle value) { assign_matrix(model.b(), value, "b"); },
            "b, shape (features,): the output bias (a writable view).")
        .def_property_readonly(
            "feature_weights",
            [](py::object self) {
                auto& model = self.cast<Model&>();
                if constexpr (Model::tied_weights) return matrix_view(model.W(), self);
                else return matrix_view(model.W1(), self);
            },
            "The matrix whose column i is feature i's direction, shape (hidden, features): W, or W1 of the "
            "abs-value model (a writable view).")
        .def(
            "forward",
            [](const Model& model, py::handle x) {
                const auto batch = batch_view<Scalar>(x, model.features());
                MatrixX<Scalar> out;
                {
                    py::gil_scoped_release release;
                    out = model.forward(batch.matrix);
                }
                return transposed_copy(out);
            },
            py::arg("x"), "The model's output y, shape (batch, features), for inputs x of shape (batch, features).")
        .def(
            "hidden",
            [](const Model& model, py::handle x) {
                const auto batch = batch_view<Scalar>(x, model.features());
                MatrixX<Scalar> h = model.feature_weights() * batch.matrix;
                if constexpr (!Model::Spec::HiddenActivation::is_identity) h = h.cwiseMax(Scalar(0));
                return transposed_copy(h);
            },
            py::arg("x"),
            "The hidden activations h, shape (batch, hidden), for inputs x of shape (batch, features): Wx for the "
            "linear and ReLU output models, ReLU(Wx) (ReLU(W1 x)) for the ReLU hidden (abs-value) model.")
        .def(
            "loss",
            [](const Model& model, py::handle x, py::object importance) {
                const auto batch = batch_view<Scalar>(x, model.features());
                const VectorX<Scalar> weights = importance.is_none()
                                                    ? uniform_importance<Scalar>(model.features())
                                                    : per_feature<Scalar>(importance, model.features(), "importance", true);
                validate_importance(weights);
                return static_cast<double>(model.loss(batch.matrix, weights));
            },
            py::arg("x"), py::kw_only(), py::arg("importance") = py::none(),
            "The importance-weighted loss: the mean over samples and features of I_i (target_i - y_i)^2 for x of "
            "shape (batch, features); importance a ratio r (I_i = r^i, as in train) or shape (features,) "
            "(default: ones).")
        .def("copy", [](const Model& model) { return Model(model); }, "An independent copy of the model.")
        .def("__copy__", [](const Model& model) { return Model(model); })
        .def("__deepcopy__", [](const Model& model, py::object) { return Model(model); }, py::arg("memo"))
        .def("__eq__", [](const Model& a, const Model& b) { return a == b; }, py::is_operator())
        .def("__repr__", [name](const Model& model) {
            return "tms." + name + "(features=" + std::to_string(model.features()) + ", hidden=" +
                   std::to_string(model.hidden()) + ")";
        });
    cls.attr("__hash__") = py::none();
    if constexpr (Model::tied_weights) {
        cls.def_property(
            "W", [](py::object self) { return matrix_view(self.cast<Model&>().W(), self); },
            [](Model& model, py::handle value) { assign_matrix(model.W(), value, "W"); },
            "W, shape (hidden, features) as in the paper: column i is feature i's direction (a writable view; "
            "assigning copies an array of the same shape and dtype).");
    } else {
        cls.def_property(
               "W1", [](py::object self) { return matrix_view(self.cast<Model&>().W1(), self); },
               [](Model& model, py::handle value) { assign_matrix(model.W1(), value, "W1"); },
               "W1, shape (hidden, features): the input weights, column i is feature i's direction (a writable view).")
            .def_property(
                "W2", [](py::object self) { return matrix_view(self.cast<Model&>().W2(), self); },
                [](Model& model, py::handle value) { assign_matrix(model.W2(), value, "W2"); },
                "W2, shape (features, hidden): the output weights (a writable view).");
    }
}

template <class Scalar>
void bind_sampler(py::module_& m) {
    using Sampler = SparseFeatureSampler<Scalar>;
    const std::string name = std::string("SparseFeatureSampler") + suffix<Scalar>;
    py::class_<Sampler>(m, name.c_str(),
                        "Sparse synthetic features: x_i = 0 with probability 1 - p_i, else uniform on [0, 1) or [-1, 1).")
        .def(py::init([](py::handle probability, Index features, bool symmetric) {
                 const FeatureRange range = symmetric ? FeatureRange::symmetric : FeatureRange::unit;
                 if (py::isinstance<py::float_>(probability) || py::isinstance<py::int_>(probability)) {
                     if (features < 1) throw py::value_error("features must be given (>= 1) with a single probability");
                     return Sampler(features, probability.cast<double>(), range);
                 }
                 const auto values = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(probability);
                 if (!values || values.ndim() != 1)
                     throw py::value_error("probability must be a number or a 1-D array of per-feature probabilities");
                 if (features >= 1 && values.shape(0) != features)
                     throw py::value_error("probability has " + std::to_string(values.shape(0)) +
                                           " entries but features is " + std::to_string(features));
                 return Sampler(Eigen::Map<const VectorX<double>>(values.data(), values.shape(0)), range);
             }),
             py::arg("probability"), py::arg("features"), py::arg("symmetric"))
        .def_property_readonly("n_features", &Sampler::features)
        .def_property_readonly("probabilities", [](const Sampler& s) { return copy_vector<Scalar>(s.probabilities()); },
                               "p_i, shape (features,).")
        .def_property_readonly("symmetric", [](const Sampler& s) { return s.range() == FeatureRange::symmetric; },
                               "True for values on [-1, 1), False for [0, 1).")
        .def_property_readonly_static("dtype", [](py::object) { return py::dtype::of<Scalar>(); })
        .def(
            "sample",
            [](const Sampler& s, Index batch, RandomEngine& engine) {
                if (batch < 1) throw py::value_error("batch must be at least 1, got " + std::to_string(batch));
                MatrixX<Scalar> out(s.features(), batch);
                s.sample(engine, out);
                return transposed_copy(out);
            },
            py::arg("batch"), py::arg("engine"));
}

template <class Scalar>
void bind_correlated_sampler(py::module_& m) {
    using Sampler = CorrelatedFeatureSampler<Scalar>;
    const std::string name = std::string("CorrelatedFeatureSampler") + suffix<Scalar>;
    py::class_<Sampler>(m, name.c_str(),
                        "Features drawn in sets (all members present or none; at most one present), then independent "
                        "features.")
        .def(py::init([](const py::iterable& sets, py::handle independent, double independent_probability,
                         bool symmetric) {
                 const FeatureRange range = symmetric ? FeatureRange::symmetric : FeatureRange::unit;
                 std::vector<FeatureSet> parsed = feature_sets_from(sets);
                 if (py::isinstance<py::int_>(independent))
                     return Sampler(std::move(parsed), independent.cast<Index>(), independent_probability, range);
                 const auto values = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(independent);
                 if (!values || values.ndim() != 1)
                     throw py::value_error("independent must be a count or a 1-D array of per-feature probabilities");
                 return Sampler(std::move(parsed), Eigen::Map<const VectorX<double>>(values.data(), values.shape(0)),
                                range);
             }),
             py::arg("sets"), py::arg("independent"), py::arg("independent_probability"), py::arg("symmetric"))
        .def_property_readonly("n_features", &Sampler::features)
        .def_property_readonly("probabilities", [](const Sampler& s) { return copy_vector<Scalar>(s.probabilities()); },
                               "Each feature's marginal presence probability, shape (features,).")
        .def_property_readonly("symmetric", [](const Sampler& s) { return s.range() == FeatureRange::symmetric; },
                               "True for values on [-1, 1), False for [0, 1).")
        .def_property_readonly("first_independent_feature", &Sampler::first_independent_feature,
                               "The number of features in sets: the independent features start here.")
        .def_property_readonly(
            "sets",
            [](const Sampler& s) {
                py::list out;
                for (const FeatureSet& set : s.sets())
                    out.append(py::make_tuple(set.correlation == SetCorrelation::correlated ? "correlated"
                                                                                            : "anticorrelated",
                                              set.size, set.probability));
                return out;
            },
            "The sets as (correlation, size, probability) tuples, in feature order.")
        .def_property_readonly_static("dtype", [](py::object) { return py::dtype::of<Scalar>(); })
        .def(
            "sample",
            [](const Sampler& s, Index batch, RandomEngine& engine) {
                if (batch < 1) throw py::value_error("batch must be at least 1, got " + std::to_string(batch));
                MatrixX<Scalar> out(s.features(), batch);
                s.sample(engine, out);
                return transposed_copy(out);
            },
            py::arg("batch"), py::arg("engine"));
}

/// Training job for Model: the Trainer, a Python callback every callback_every steps, snapshots of the feature
/// weights every snapshot_every steps (step 0 included), checkpoints, and the shared stop flag checked every few
/// steps (Trainer's callback_every is the gcd of those periods, at most check_every).
template <class Model, class Sampler>
class TrainJob final : public Job {
public:
    using Scalar = typename Model::Scalar;
    static constexpr std::int64_t check_every = 8;

    TrainJob(py::handle model, const py::dict& spec) : model_object_(py::reinterpret_borrow<py::object>(model)),
                                                         model_(model.cast<Model&>()) {
        const Index n = model_.features();
        const py::object sampler = spec["sampler"];
        if (!sampler.is_none()) {
            // make_job picked Sampler from the object's type.
            sampler_object_ = sampler;
            sampler_ = &sampler.cast<const Sampler&>();
            if (sampler_->features() != n)
                throw py::value_error("sampler draws " + std::to_string(sampler_->features()) +
                                      " features but the model has " + std::to_string(n));
        } else if constexpr (std::is_same_v<Sampler, SparseFeatureSampler<Scalar>>) {
            const FeatureRange range = Model::absolute_value_task ? FeatureRange::symmetric : FeatureRange::unit;
            const py::object p = spec["probability"];
            if (py::isinstance<py::float_>(p) || py::isinstance<py::int_>(p))
                owned_sampler_.emplace(n, p.cast<double>(), range);
            else
                owned_sampler_.emplace(per_feature<double>(p, n, "probability", false), range);
            sampler_ = &*owned_sampler_;
        } else {
            throw py::value_error("a training job on feature sets needs its sampler");
        }
        importance_ = per_feature<Scalar>(spec["importance"], n, "importance", true);

        options_.steps = spec["steps"].cast<std::int64_t>();
        options_.batch_size = spec["batch_size"].cast<Index>();
        options_.learning_rate = spec["learning_rate"].cast<double>();
        options_.seed = spec["seed"].cast<std::uint64_t>();
        options_.log_every = spec["log_every"].cast<std::int64_t>();
        options_.final_loss_window = spec["final_loss_window"].cast<std::int64_t>();
        options_.schedule = Schedule::parse(spec["schedule"].cast<std::string>());
        options_.optimizer = optimizer_options(spec);
        snapshot_every_ = spec["snapshot_every"].cast<std::int64_t>();
        callback_every_ = spec["callback_every"].cast<std::int64_t>();
        checkpoint_every_ = spec["checkpoint_every"].cast<std::int64_t>();
        callback_ = spec["callback"];
        if (!spec["checkpoint"].is_none()) checkpoint_ = spec["checkpoint"].cast<std::string>();
        if (!spec["resume"].is_none()) resume_ = spec["resume"].cast<std::string>();
        raise_divergence_ = spec["raise_divergence"].cast<bool>();
        for (const auto& [value, what] : {std::pair{snapshot_every_, "snapshot_every"}, {callback_every_, "callback_every"},
                                          {checkpoint_every_, "checkpoint_every"}})
            if (value < 0) throw py::value_error(std::string(what) + " must be non-negative, got " + std::to_string(value));
        if (checkpoint_every_ > 0 && checkpoint_.empty())
            throw py::value_error("checkpoint_every needs checkpoint (a file path)");
        if (!callback_.is_none() && callback_every_ == 0) callback_every_ = 1;
        std::int64_t every = check_every;
        for (const std::int64_t period : {snapshot_every_, callback_every_, checkpoint_every_})
            if (period > 0) every = std::gcd(every, period);
        options_.callback_every = every;
        validate(options_);
        // Built here so that every invalid argument is reported before any thread starts.
        trainer_.emplace(model_, *sampler_, importance_, options_);
    }

    void run(StopFlag& flag) override {
        auto& trainer = *trainer_;
        if (!resume_.empty()) load_checkpoint(resume_, trainer);
        // The Trainer calls the callback itself before the first step of a fresh run; a resumed run starts later.
        if (snapshot_every_ > 0 && trainer.step() != 0 && trainer.step() % snapshot_every_ == 0) snapshot(trainer.step());
        const auto callback = [&](const TrainingProgress& progress, const Model&) -> bool {
            if (snapshot_every_ > 0 && progress.step % snapshot_every_ == 0) snapshot(progress.step);
            if (checkpoint_every_ > 0 && progress.step % checkpoint_every_ == 0) save_checkpoint(checkpoint_, trainer);
            if (callback_every_ > 0 && progress.step % callback_every_ == 0 && !callback_.is_none()) {
                py::gil_scoped_acquire acquire;
                py::dict info;
                info["step"] = progress.step;
                info["total_steps"] = progress.total_steps;
                info["loss"] = progress.loss;
                info["learning_rate"] = progress.learning_rate;
                info["model"] = model_object_;
                const py::object answer = callback_(info);
                if (!answer.is_none() && !answer.cast<bool>()) return false;
            }
            return !flag.stop.load(std::memory_order_relaxed);
        };
        try {
            report_ = trainer.run(callback);
        } catch (const divergence_error& e) {
            if (raise_divergence_) throw;
            diverged_ = true;
            error_ = e.what();
            report_.final_loss = std::nan("");
        }
        interrupted_ = flag.stop.load(std::memory_order_relaxed) && trainer.step() < options_.steps;
        if (!checkpoint_.empty()) save_checkpoint(checkpoint_, trainer);
    }

    py::dict report() override {
        py::dict out;
        out["model"] = model_object_;
        out["final_loss"] = report_.final_loss;
        out["steps_completed"] = trainer_->step();
        out["stopped_early"] = report_.stopped_early || interrupted_;
        out["interrupted"] = interrupted_;
        out["diverged"] = diverged_;
        out["error"] = error_;
        out["seconds"] = report_.seconds;
        py::array_t<std::int64_t> steps(static_cast<py::ssize_t>(report_.loss_history.size()));
        py::array_t<double> losses(static_cast<py::ssize_t>(report_.loss_history.size()));
        for (std::size_t i = 0; i < report_.loss_history.size(); ++i) {
            steps.mutable_at(static_cast<py::ssize_t>(i)) = report_.loss_history[i].step;
            losses.mutable_at(static_cast<py::ssize_t>(i)) = report_.loss_history[i].loss;
        }
        out["loss_steps"] = steps;
        out["loss_history"] = losses;
        if (snapshot_every_ > 0) {
            const auto m = static_cast<py::ssize_t>(model_.hidden()), n = static_cast<py::ssize_t>(model_.features());
            const auto count = static_cast<py::ssize_t>(snapshot_steps_.size());
            py::array_t<Scalar> snapshots({count, m, n});
            std::copy(snapshots_.begin(), snapshots_.end(), snapshots.mutable_data());
            out["snapshots"] = snapshots;
            out["snapshot_steps"] = py::array_t<std::int64_t>(count, snapshot_steps_.data());
        } else {
            out["snapshots"] = py::none();
            out["snapshot_steps"] = py::none();
        }
        out["importance"] = copy_vector<Scalar>(importance_);
        out["probabilities"] = copy_vector<Scalar>(sampler_->probabilities());
        return out;
    }

private:
    static OptimizerOptions optimizer_options(const py::dict& spec) {
        const auto name = spec["optimizer"].cast<std::string>();
        const py::object decay = spec["weight_decay"];
        const auto set_decay = [&](auto& o) {
            if (decay.is_none()) return;
            const double value = decay.cast<double>();
            if (!(std::isfinite(value) && value >= 0.0))
                throw py::value_error("weight_decay must be finite and non-negative, got " + std::to_string(value));
            o.weight_decay = value;
        };
        if (name == "adamw") {
            AdamWOptions o;
            set_decay(o);
            return o;
        }
        if (name == "adam") {
            AdamOptions o;
            set_decay(o);
            return o;
        }
        if (name == "sgd") {
            SgdOptions o;
            o.momentum = spec["momentum"].cast<double>();
            o.nesterov = spec["nesterov"].cast<bool>();
            set_decay(o);
            return o;
        }
        throw py::value_error("optimizer must be 'adamw', 'adam' or 'sgd', got '" + name + "'");
    }

    void snapshot(std::int64_t step) {
        const auto& w = model_.feature_weights();
        // C order (hidden, features) per snapshot.
        const Eigen::Matrix<Scalar, Dynamic, Dynamic, Eigen::RowMajor> rows = w;
        snapshots_.insert(snapshots_.end(), rows.data(), rows.data() + rows.size());
        snapshot_steps_.push_back(step);
    }

    py::object model_object_;
    Model& model_;
    py::object sampler_object_;
    std::optional<Sampler> owned_sampler_;
    const Sampler* sampler_ = nullptr;
    VectorX<Scalar> importance_;
    TrainOptions options_;
    std::optional<Trainer<Model, Sampler>> trainer_;
    std::int64_t snapshot_every_ = 0, callback_every_ = 0, checkpoint_every_ = 0;
    py::object callback_;
    std::string checkpoint_, resume_;
    bool raise_divergence_ = true;
    TrainReport report_;
    bool diverged_ = false, interrupted_ = false;
    std::string error_;
    std::vector<Scalar> snapshots_;
    std::vector<std::int64_t> snapshot_steps_;
};

/// The job for a model of Scalar (nullptr for a model of the other scalar type) on the spec's sampler: the
/// independent SparseFeatureSampler (given, or built from the probability) or a CorrelatedFeatureSampler.
template <class Scalar>
std::unique_ptr<Job> make_job(py::handle model, const py::dict& spec) {
    const auto for_model = [&]<class Sampler>(std::type_identity<Sampler>) -> std::unique_ptr<Job> {
        if (py::isinstance<LinearModel<Scalar>>(model))
            return std::make_unique<TrainJob<LinearModel<Scalar>, Sampler>>(model, spec);
        if (py::isinstance<ReluOutputModel<Scalar>>(model))
            return std::make_unique<TrainJob<ReluOutputModel<Scalar>, Sampler>>(model, spec);
        if (py::isinstance<ReluHiddenModel<Scalar>>(model))
            return std::make_unique<TrainJob<ReluHiddenModel<Scalar>, Sampler>>(model, spec);
        if (py::isinstance<AbsValueModel<Scalar>>(model))
            return std::make_unique<TrainJob<AbsValueModel<Scalar>, Sampler>>(model, spec);
        return nullptr;
    };
    const bool ours = py::isinstance<LinearModel<Scalar>>(model) || py::isinstance<ReluOutputModel<Scalar>>(model) ||
                      py::isinstance<ReluHiddenModel<Scalar>>(model) || py::isinstance<AbsValueModel<Scalar>>(model);
    if (!ours) return nullptr;
    const py::object sampler = spec["sampler"];
    if (sampler.is_none() || py::isinstance<SparseFeatureSampler<Scalar>>(sampler))
        return for_model(std::type_identity<SparseFeatureSampler<Scalar>>{});
    if (py::isinstance<CorrelatedFeatureSampler<Scalar>>(sampler))
        return for_model(std::type_identity<CorrelatedFeatureSampler<Scalar>>{});
    throw py::value_error(std::string("sampler must be a ") + dtype_name<Scalar> +
                          " SparseFeatureSampler or CorrelatedFeatureSampler for a " + dtype_name<Scalar> + " model");
}

template <class Scalar>
void bind_scalar(py::module_& m) {
    const std::string s = suffix<Scalar>;
    bind_model<LinearModel<Scalar>>(m, "LinearModel" + s, "The linear model: x' = W^T W x + b.");
    bind_model<ReluOutputModel<Scalar>>(m, "ReluOutputModel" + s, "The ReLU output model: x' = ReLU(W^T W x + b).");
    bind_model<ReluHiddenModel<Scalar>>(m, "ReluHiddenModel" + s,
                                        "The ReLU hidden-layer model: x' = ReLU(W^T ReLU(W x) + b).");
    bind_model<AbsValueModel<Scalar>>(m, "AbsValueModel" + s,
                                      "The absolute-value model: y = ReLU(W2 ReLU(W1 x) + b), target |x| on [-1, 1].");
    bind_sampler<Scalar>(m);
    bind_correlated_sampler<Scalar>(m);
}

}  // namespace tms::python
