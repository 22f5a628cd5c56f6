#pragma once
// Shared by the binding translation units: numpy conversions with checked dtype and shape, and the training job
// that runs with the GIL released while the calling thread watches for Ctrl-C.

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

// The specific headers, not <tms/tms.hpp>: the umbrella also brings sweep/ and experiments/, whose inline functions
// instantiate every model's training in every translation unit that includes it (about 10 s of compile each).
// Each .cpp includes the headers of what it binds on top of these; experiments/learning_dynamics.hpp (for
// dimensionality_jumps) only module.cpp.
#include <tms/config.hpp>
#include <tms/fwd.hpp>
#include <tms/sampling/correlated_feature_sampler.hpp>
#include <tms/sampling/importance.hpp>

namespace tms::python {

namespace py = pybind11;

template <class Scalar>
inline constexpr const char* dtype_name = std::is_same_v<Scalar, float> ? "float32" : "float64";

/// "(3, 20)" for a shape.
inline std::string shape_text(const py::array& array) {
    std::ostringstream out;
    out << "(";
    for (py::ssize_t d = 0; d < array.ndim(); ++d) out << (d ? ", " : "") << array.shape(d);
    out << (array.ndim() == 1 ? ",)" : ")");
    return out.str();
}

/// \p object as a C-contiguous array of \p Scalar with \p expected_shape (-1: any size), or ValueError naming the
/// expected dtype and shape. A numpy array must already have the dtype (no silent precision change); a list or a
/// Python number is converted.
template <class Scalar>
py::array_t<Scalar, py::array::c_style> checked_array(py::handle object, const char* name,
                                                      const std::vector<py::ssize_t>& expected_shape,
                                                      const std::string& expected_text) {
    const auto complain = [&](const std::string& got) {
        throw py::value_error(std::string(name) + " must be a " + dtype_name<Scalar> + " array of shape " +
                              expected_text + ", got " + got);
    };
    py::array array;
    if (py::isinstance<py::array>(object)) {
        array = py::reinterpret_borrow<py::array>(object);
        if (!array.dtype().is(py::dtype::of<Scalar>()))
            complain(std::string(py::str(array.dtype())) + " array of shape " + shape_text(array));
    } else {
        try {
            array = py::array_t<Scalar, py::array::c_style | py::array::forcecast>::ensure(object);
        } catch (const py::error_already_set&) {
            array = py::array();
        }
        if (!array) complain(std::string("a ") + std::string(py::str(py::type::of(object).attr("__name__"))));
    }
    bool shape_ok = array.ndim() == static_cast<py::ssize_t>(expected_shape.size());
    for (std::size_t d = 0; shape_ok && d < expected_shape.size(); ++d)
        shape_ok = expected_shape[d] < 0 || array.shape(static_cast<py::ssize_t>(d)) == expected_shape[d];
    if (!shape_ok) complain(std::string(dtype_name<Scalar>) + " array of shape " + shape_text(array));
    return py::array_t<Scalar, py::array::c_style>::ensure(array);
}

/// A per-feature vector from a number (every feature) or an array of \p features entries.
template <class Scalar>
VectorX<Scalar> per_feature(py::handle object, Index features, const char* name, bool ratio_is_geometric) {
    if (py::isinstance<py::float_>(object) || py::isinstance<py::int_>(object)) {
        const double value = object.cast<double>();
        if (ratio_is_geometric) return geometric_importance<Scalar>(features, value);
        return VectorX<Scalar>::Constant(features, static_cast<Scalar>(value));
    }
    // Per-feature values are given in double; cast like the C++ API's importance.cast<Scalar>().
    const auto values = checked_array<double>(py::array_t<double, py::array::forcecast>::ensure(object), name,
                                              {features}, "(" + std::to_string(features) + ",)");
    return Eigen::Map<const VectorX<double>>(values.data(), features).template cast<Scalar>();
}

/// A numpy view of an Eigen column-major matrix owned by \p owner (writes go to the matrix).
template <class Scalar, int Rows, int Cols>
py::array matrix_view(Eigen::Matrix<Scalar, Rows, Cols>& matrix, py::handle owner) {
    const auto item = static_cast<py::ssize_t>(sizeof(Scalar));
    if constexpr (Cols == 1) return py::array_t<Scalar>({matrix.rows()}, {item}, matrix.data(), owner);
    else
        return py::array_t<Scalar>({matrix.rows(), matrix.cols()}, {item, item * matrix.rows()}, matrix.data(), owner);
}

/// A fresh C-order numpy array (rows, cols) holding the column-major cols×rows matrix \p m transposed, i.e. the
/// same memory order: a features×batch Eigen batch becomes a (batch, features) array.
template <class Scalar>
py::array_t<Scalar> transposed_copy(const MatrixX<Scalar>& m) {
    py::array_t<Scalar> out({m.cols(), m.rows()});
    std::copy_n(m.data(), m.size(), out.mutable_data());
    return out;
}

/// A fresh (rows, cols) numpy array with the values of \p m.
template <class Scalar>
py::array_t<Scalar> copy_matrix(const MatrixX<Scalar>& m) {
    py::array_t<Scalar> out({m.rows(), m.cols()});
    Eigen::Map<Eigen::Matrix<Scalar, Dynamic, Dynamic, Eigen::RowMajor>>(out.mutable_data(), m.rows(), m.cols()) = m;
    return out;
}

template <class Scalar>
py::array_t<Scalar> copy_vector(const VectorX<Scalar>& v) {
    py::array_t<Scalar> out(v.size());
    std::copy_n(v.data(), v.size(), out.mutable_data());
    return out;
}

/// The (correlation, size, probability) tuples of \p sets (the samplers' and set_interference's feature sets).
inline std::vector<FeatureSet> feature_sets_from(const py::iterable& sets) {
    std::vector<FeatureSet> out;
    for (const py::handle item : sets) {
        const auto tuple = py::reinterpret_borrow<py::object>(item);
        if (!py::isinstance<py::tuple>(tuple) && !py::isinstance<py::list>(tuple))
            throw py::value_error("each set must be a (correlation, size, probability) tuple, got " +
                                  std::string(py::repr(tuple)));
        const py::sequence fields = tuple;
        if (fields.size() != 3)
            throw py::value_error("each set must be a (correlation, size, probability) tuple, got " +
                                  std::string(py::repr(tuple)));
        const std::string kind = py::str(fields[0]);
        FeatureSet set;
        if (kind == "correlated") set.correlation = SetCorrelation::correlated;
        else if (kind == "anticorrelated") set.correlation = SetCorrelation::anticorrelated;
        else throw py::value_error("set correlation must be 'correlated' or 'anticorrelated', got '" + kind + "'");
        set.size = fields[1].cast<Index>();
        set.probability = fields[2].cast<double>();
        out.push_back(set);
    }
    return out;
}

/// Shared by the jobs of one train/train_many call: set when Ctrl-C (or a callback's exception) stops them all.
struct StopFlag {
    std::atomic<bool> stop{false};
};

/// One model's training run, prepared under the GIL, run without it, and reported under it again.
class Job {
public:
    virtual ~Job() = default;
    /// Trains (GIL released); stops at the next check after \p flag is set.
    virtual void run(StopFlag& flag) = 0;
    /// The run's report as a dict (GIL held).
    virtual py::dict report() = 0;
};

/// A job for \p model (a model object of \p Scalar, else nullptr) with the options in \p spec.
std::unique_ptr<Job> make_job_float(py::handle model, const py::dict& spec);
std::unique_ptr<Job> make_job_double(py::handle model, const py::dict& spec);

void bind_float(py::module_& m);
void bind_double(py::module_& m);

}  // namespace tms::python
