// tms::save_npy / load_npy / parse_npy: exact round trips, NumPy's layouts, and every kind of bad input.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <tms/io/npy.hpp>

#include "../support/contains.hpp"
#include "../support/temporary_directory.hpp"

namespace {

/// A .npy file with a hand-written header dict (for inputs NumPy would write, or never would).
std::string npy_with_header(const std::string& dict, const std::string& data, int major = 1) {
    std::string header = dict;
    const std::size_t prefix = major == 1 ? 10 : 12;
    while ((prefix + header.size() + 1) % 64 != 0) header.push_back(' ');
    header.push_back('\n');
    std::string out("\x93NUMPY", 6);
    out.push_back(static_cast<char>(major));
    out.push_back(0);
    if (major == 1) {
        tms::detail::put_le<std::uint16_t>(out, static_cast<std::uint16_t>(header.size()));
    } else {
        tms::detail::put_le<std::uint32_t>(out, static_cast<std::uint32_t>(header.size()));
    }
    return out + header + data;
}

template <class T>
std::string raw(std::initializer_list<T> values) {
    std::string out;
    for (const T v : values) tms::detail::put_le<T>(out, v);
    return out;
}

template <class Scalar>
bool bitwise_equal(const Eigen::MatrixBase<Scalar>& a, const Eigen::MatrixBase<Scalar>& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           (a.size() == 0 ||  // memcmp must not be given the null data() of an empty matrix
            std::memcmp(a.derived().data(), b.derived().data(), sizeof(typename Scalar::Scalar) * a.size()) == 0);
}

template <class Scalar>
tms::MatrixX<Scalar> awkward_values(tms::Index rows, tms::Index cols) {
    tms::MatrixX<Scalar> m(rows, cols);
    for (tms::Index j = 0; j < cols; ++j)
        for (tms::Index i = 0; i < rows; ++i) m(i, j) = static_cast<Scalar>(std::pow(-1.7, double(i + 3 * j)) / 3.0);
    if (m.size() > 3) {
        m(0, 0) = std::numeric_limits<Scalar>::quiet_NaN();
        m(m.rows() - 1, 0) = -std::numeric_limits<Scalar>::infinity();
        m(0, m.cols() - 1) = std::numeric_limits<Scalar>::denorm_min();
        m(m.rows() - 1, m.cols() - 1) = -Scalar(0);
    }
    return m;
}

void check_rejects(const std::string& bytes, const std::string& expected) {
    CAPTURE(expected);
    CHECK_THROWS_WITH_AS(tms::parse_npy<double>(bytes, "bad.npy"), tms_test::contains(expected), tms::format_error);
}

}  // namespace

TEST_CASE_TEMPLATE("save_npy then load_npy is a bitwise round trip (NaN, infinities, denormals, -0)", Scalar, float,
                   double) {
    const auto dir = tms_test::fresh_directory("round_trip");
    for (const auto& [rows, cols] : {std::pair<tms::Index, tms::Index>{3, 5}, {1, 1}, {7, 1}, {1, 9}, {0, 4}}) {
        CAPTURE(rows);
        CAPTURE(cols);
        const tms::MatrixX<Scalar> m = awkward_values<Scalar>(rows, cols);
        tms::save_npy(dir / "m.npy", m);
        const tms::MatrixX<Scalar> back = tms::load_npy<Scalar>(dir / "m.npy");
        CHECK(bitwise_equal(m, back));
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("the file is C order: row i of the matrix is row i of the array on disk") {
    Eigen::Matrix<double, 2, 3> m;
    m << 1, 2, 3, 4, 5, 6;
    const std::string bytes = tms::to_npy(m);
    const tms::NpyHeader header = tms::parse_npy_header(bytes);
    CHECK(header.descr == "<f8");
    CHECK_FALSE(header.fortran_order);
    CHECK(header.shape == std::vector<std::uint64_t>{2, 3});
    CHECK(header.data_offset % 64 == 0);
    CHECK(bytes.substr(header.data_offset) == raw<double>({1, 2, 3, 4, 5, 6}));
    CHECK(bytes.substr(0, header.data_offset).find("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }") !=
          std::string::npos);
}

TEST_CASE("stacked_to_npy stacks matrices along a new first axis (np.stack); to_npy writes int64 steps") {
    Eigen::MatrixXf first(2, 3), second(2, 3);
    first << 1, 2, 3, 4, 5, 6;
    second << 7, 8, 9, 10, 11, 12;
    const std::string bytes = tms::stacked_to_npy<float>({first, second});
    const tms::NpyHeader header = tms::parse_npy_header(bytes);
    CHECK(header.descr == "<f4");
    CHECK(header.shape == std::vector<std::uint64_t>{2, 2, 3});
    CHECK(bytes.substr(header.data_offset) == raw<float>({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
    CHECK_THROWS_WITH_AS(static_cast<void>(tms::stacked_to_npy<float>({first, Eigen::MatrixXf(3, 2)})),
                         doctest::Contains("a 3x2 matrix among 2x3 ones"), std::invalid_argument);
    CHECK_THROWS_AS(static_cast<void>(tms::stacked_to_npy<float>({})), std::invalid_argument);

    const std::string steps = tms::to_npy(std::vector<std::int64_t>{0, 25, -1});
    const tms::NpyHeader steps_header = tms::parse_npy_header(steps);
    CHECK(steps_header.descr == "<i8");
    CHECK(steps_header.shape == std::vector<std::uint64_t>{3});
    CHECK(steps.substr(steps_header.data_offset) == raw<std::int64_t>({0, 25, -1}));
}

TEST_CASE("vectors are 1-D; fixed-size types load with a shape check") {
    Eigen::Vector4f v(1.5f, -2.f, 0.25f, 8.f);
    const std::string bytes = tms::to_npy(v);
    CHECK(tms::parse_npy_header(bytes).shape == std::vector<std::uint64_t>{4});
    CHECK(tms::parse_npy<Eigen::Vector4f>(bytes) == v);
    CHECK(tms::parse_npy<Eigen::VectorXf>(bytes) == v);
    const Eigen::RowVector4f row = tms::parse_npy<Eigen::RowVector4f>(bytes);
    CHECK(row == v.transpose());
    CHECK(tms::parse_npy<float>(bytes).rows() == 4);
    CHECK_THROWS_WITH_AS((void)tms::parse_npy<Eigen::Vector3f>(bytes, "v.npy"),
                         "v.npy: array of shape (4,) does not fit a 3x1 matrix", std::invalid_argument);
    const Eigen::Matrix<float, 2, 3> fixed = Eigen::Matrix<float, 2, 3>::Random();
    using Fixed = Eigen::Matrix<float, 2, 3>;
    CHECK(tms::parse_npy<Fixed>(tms::to_npy(fixed)) == fixed);
    using Transposed = Eigen::Matrix<float, 3, 2>;
    CHECK_THROWS_AS((void)tms::parse_npy<Transposed>(tms::to_npy(fixed)), std::invalid_argument);
}

TEST_CASE("reads fortran order, 0-d arrays, versions 2.0 and 3.0, and converts between float widths") {
    // (2, 3) in Fortran order: the data is column-major.
    const auto fortran = npy_with_header("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }",
                                         raw<double>({1, 4, 2, 5, 3, 6}));
    Eigen::MatrixXd expected(2, 3);
    expected << 1, 2, 3, 4, 5, 6;
    CHECK(tms::parse_npy<double>(fortran) == expected);
    const auto scalar = npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", raw<float>({2.5f}));
    CHECK(tms::parse_npy<double>(scalar) == Eigen::MatrixXd::Constant(1, 1, 2.5));
    for (const int major : {2, 3}) {
        const auto v = npy_with_header("{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2,)}",
                                       raw<double>({0.1, 0.2}), major);
        CHECK(tms::parse_npy_header(v).major_version == major);
        CHECK(tms::parse_npy<double>(v) == Eigen::Vector2d(0.1, 0.2));
    }
    // float64 → float32 rounds to nearest; float32 → float64 is exact.
    CHECK(tms::parse_npy<float>(tms::to_npy(Eigen::Vector2d(0.1, 1e300)))(0) == 0.1f);
    CHECK(std::isinf(tms::parse_npy<float>(tms::to_npy(Eigen::Vector2d(0.1, 1e300)))(1)));
    CHECK(tms::parse_npy<double>(tms::to_npy(Eigen::Vector2f(0.1f, 3.f)))(0) == double(0.1f));
}

TEST_CASE("load_npy from a stream and from a missing file") {
    std::istringstream in(tms::to_npy(Eigen::Vector3d(1, 2, 3)));
    CHECK(tms::load_npy<double>(in) == Eigen::Vector3d(1, 2, 3));
    CHECK_THROWS_WITH_AS((void)tms::load_npy<double>("/nonexistent/tms/x.npy"),
                         tms_test::contains("cannot open '/nonexistent/tms/x.npy'"), std::system_error);
    CHECK_THROWS_WITH_AS((void)tms::load_npy<double>(std::filesystem::temp_directory_path()),
                         tms_test::contains("cannot read"), std::system_error);
}

TEST_CASE("bad .npy input throws tms::format_error naming the problem") {
    const std::string good = tms::to_npy(Eigen::Matrix<double, 2, 3>::Ones());
    const std::size_t data = tms::parse_npy_header(good).data_offset;

    SUBCASE("empty, random and truncated files") {
        check_rejects("", "bad.npy: not a .npy file");
        check_rejects("PK\x03\x04 this is a zip", "not a .npy file");
        check_rejects(std::string("\x93NUMPY\x01", 7), "not a .npy file");
        check_rejects(good.substr(0, 9), "bad.npy: truncated: header length");
        check_rejects(good.substr(0, 40), "bad.npy: truncated: header needs 118 bytes at offset 10 but only 30 remain");
        check_rejects(good.substr(0, good.size() - 1), "shape (2, 3) of dtype '<f8' needs 48 bytes of data but 47 follow");
        check_rejects(good + "x", "needs 48 bytes of data but 49 follow");
    }
    SUBCASE("versions") {
        std::string v = good;
        v[6] = 4;
        check_rejects(v, "unsupported .npy format version 4.0");
        v[6] = 1;
        v[7] = 1;
        check_rejects(v, "unsupported .npy format version 1.1");
    }
    SUBCASE("dtypes") {
        check_rejects(npy_with_header("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", raw<double>({1})),
                      "dtype '>f8' is not supported (tms reads little-endian float32 '<f4' and float64 '<f8'; "
                      "big-endian data needs byteswapping)");
        check_rejects(npy_with_header("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", raw<std::int32_t>({1, 2})),
                      "dtype '<i4' is not supported");
        check_rejects(npy_with_header("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", std::string(2, '\0')),
                      "dtype '<f2' is not supported");
        check_rejects(npy_with_header("{'descr': 'O', 'fortran_order': False, 'shape': (1,), }", std::string(8, '\0')),
                      "unsupported dtype 'O'");
        check_rejects(npy_with_header("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", raw<double>({1})),
                      "structured (record) dtypes are not supported");
    }
    SUBCASE("shapes that overflow, exceed the data or have too many dimensions") {
        check_rejects(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", ""),
                      "shape (4294967296, 4294967296) has more elements than 2^64");
        check_rejects(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,), }", ""),
                      "of dtype '<f8' needs more than 2^64 bytes");
        check_rejects(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }", ""),
                      "'shape' has a dimension that overflows 64 bits");
        check_rejects(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }", raw<double>({1})),
                      "needs 8000000000000 bytes of data but 8 follow");
        check_rejects(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 9223372036854775807), }", ""),
                      "dimension 9223372036854775807 of the empty array of shape (0, 9223372036854775807) is too large");
        const auto at_bound = tms::parse_npy<float>(
            npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 16777216), }", ""));
        CHECK((at_bound.rows() == 0 && at_bound.cols() == 16777216));
        // Found by the fuzzer: Eigen loops over an empty matrix's outer dimension, so this hung the reader.
        check_rejects(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 1099511627776), }", ""),
                      "dimension 1099511627776 of the empty array of shape (0, 1099511627776) is too large (tms reads "
                      "empty arrays with dimensions up to 16777216)");
        check_rejects(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 2), }", raw<double>({1, 2})),
                      "array of shape (1, 1, 2) has 3 dimensions; tms reads 0-, 1- and 2-dimensional arrays");
        std::string many = "(";
        for (int i = 0; i < 65; ++i) many += "1,";
        check_rejects(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': " + many + "), }", raw<double>({1})),
                      "'shape' has more than 64 dimensions");
    }
    SUBCASE("malformed header dicts") {
        const std::string one = raw<double>({1});
        check_rejects(npy_with_header("{'descr': '<f8', 'shape': (1,), }", one), "header lacks one of");
        check_rejects(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}", one),
                      "header has the unexpected key 'x'");
        check_rejects(npy_with_header("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", one),
                      "header repeats 'descr'");
        // A key from the file is escaped before it reaches the message (no raw newline or terminal escape).
        check_rejects(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x\x1b[2J': 1}", one),
                      "header has the unexpected key 'x\\x1b[2J'");
        check_rejects(npy_with_header("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (1,)}", one),
                      "'fortran_order' must be True or False");
        check_rejects(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}", one),
                      "'shape' expects a non-negative integer");
        check_rejects(npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)} trailing", one),
                      "header has trailing text after the dict");
        check_rejects(npy_with_header("{'descr: '<f8'", one), "header expects ':'");
        check_rejects(npy_with_header("{'descr", one), "unterminated string");
        check_rejects(npy_with_header("[1, 2]", one), "header expects '{'");
    }
    (void)data;
}

TEST_CASE("parse_npy and parse_npy_header take raw bytes (std::span<const std::byte>) too") {
    const std::string file = tms::to_npy(Eigen::Vector3f(1.f, -2.f, 0.5f));
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(file.data()), file.size());
    CHECK(tms::parse_npy_header(bytes).shape == std::vector<std::uint64_t>{3});
    CHECK(tms::parse_npy<float>(bytes) == Eigen::Vector3f(1.f, -2.f, 0.5f));
    CHECK(tms::parse_npy<Eigen::Vector3d>(bytes) == Eigen::Vector3d(1, -2, 0.5));
    CHECK_THROWS_WITH_AS((void)tms::parse_npy<double>(bytes.first(20), "cut.npy"), tms_test::contains("truncated"),
                         tms::format_error);
}

namespace {
/// Runs \p script with /usr/bin/python3 -c (arguments after it); true if it exits 0.
bool python(const std::string& script, const std::string& args = "") {
    const std::string command = "/usr/bin/python3 -c '" + script + "' " + args;
    return std::system(command.c_str()) == 0;
}
}  // namespace

TEST_CASE("NumPy loads what save_npy writes and save_npy's reader loads what numpy.save writes (bitwise)") {
    if (!std::filesystem::exists("/usr/bin/python3") || !python("import numpy", ">/dev/null 2>&1")) {
        MESSAGE("skipped: /usr/bin/python3 with numpy is not available");
        return;
    }
    const auto dir = tms_test::fresh_directory("numpy");
    const std::string d = dir.string() + "/";

    // tms → NumPy: values, dtype, shape (C order) and 1-D vectors as numpy sees them.
    Eigen::MatrixXd m(3, 5);
    for (tms::Index i = 0; i < 3; ++i)
        for (tms::Index j = 0; j < 5; ++j) m(i, j) = 10.0 * double(i) + double(j) + 0.25;
    tms::save_npy(d + "ours_f8.npy", m);
    tms::save_npy(d + "ours_f4.npy", Eigen::Matrix<float, 2, 3>(m.topLeftCorner(2, 3).cast<float>()));
    tms::save_npy(d + "ours_vec.npy", Eigen::VectorXf::LinSpaced(4, -1.5f, 3.f));
    CHECK(python("import numpy as np, sys\n"
                 "a = np.load(sys.argv[1]); f = np.load(sys.argv[2]); v = np.load(sys.argv[3])\n"
                 "e = np.fromfunction(lambda i, j: 10 * i + j + 0.25, (3, 5))\n"
                 "assert a.dtype == np.float64 and a.shape == (3, 5) and (a == e).all(), a\n"
                 "assert f.dtype == np.float32 and f.shape == (2, 3) and (f == e[:2, :3]).all(), f\n"
                 "assert v.dtype == np.float32 and v.shape == (4,) and (v == [-1.5, 0, 1.5, 3]).all(), v\n",
                 d + "ours_f8.npy " + d + "ours_f4.npy " + d + "ours_vec.npy"));

    // NumPy → tms: C and Fortran order, 1-D, float32 and float64.
    REQUIRE(python("import numpy as np, sys\n"
                   "a = (np.arange(12, dtype=\"<f4\").reshape(3, 4) * 0.5 - 3).astype(\"<f4\")\n"
                   "np.save(sys.argv[1] + \"np_c_f4.npy\", a)\n"
                   "np.save(sys.argv[1] + \"np_f_f8.npy\", np.asfortranarray(a.astype(\"<f8\")))\n"
                   "np.save(sys.argv[1] + \"np_vec_f8.npy\", np.array([1.5, -2.0, 3.0]))\n",
                   d));
    Eigen::MatrixXf expected(3, 4);
    for (tms::Index i = 0; i < 3; ++i)
        for (tms::Index j = 0; j < 4; ++j) expected(i, j) = float(4 * i + j) * 0.5f - 3.f;
    CHECK(tms::load_npy<float>(d + "np_c_f4.npy") == expected);
    CHECK(tms::load_npy<double>(d + "np_f_f8.npy") == expected.cast<double>());
    CHECK(tms::load_npy<Eigen::Vector3d>(d + "np_vec_f8.npy") == Eigen::Vector3d(1.5, -2, 3));

    // tms → NumPy → tms, bitwise with NaN, infinities, denormals and -0.
    const tms::MatrixX<float> awkward_f = awkward_values<float>(4, 6);
    const tms::MatrixX<double> awkward_d = awkward_values<double>(5, 3);
    tms::save_npy(d + "awkward_f4.npy", awkward_f);
    tms::save_npy(d + "awkward_f8.npy", awkward_d);
    REQUIRE(python("import numpy as np, sys\n"
                   "for name in (\"awkward_f4\", \"awkward_f8\"):\n"
                   "    np.save(sys.argv[1] + name + \"_back.npy\", np.load(sys.argv[1] + name + \".npy\"))\n",
                   d));
    CHECK(bitwise_equal(tms::load_npy<float>(d + "awkward_f4_back.npy"), awkward_f));
    CHECK(bitwise_equal(tms::load_npy<double>(d + "awkward_f8_back.npy"), awkward_d));
    std::filesystem::remove_all(dir);
}
