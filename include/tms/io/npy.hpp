#pragma once
/// \file io/npy.hpp
/// NumPy's .npy format: save Eigen matrices and vectors so `numpy.load` reads them, and load what NumPy saves.
///
///     tms::save_npy("W.npy", model.W());                  // 2-D, C order, dtype '<f4' or '<f8'
///     Eigen::MatrixXf W = tms::load_npy<float>("W.npy");  // any 0-, 1- or 2-D '<f4'/'<f8' array
///     auto b = tms::load_npy<Eigen::Vector4d>("b.npy");    // checks the shape against the fixed size
///
/// Layout on disk: Eigen stores column-major and NumPy defaults to C (row-major) order, so writing transposes the
/// storage order (not the matrix): `W[i, j]` in Python is `W(i, j)` in C++. Reading accepts both
/// 'fortran_order': False and True. Vectors (Eigen types that are vectors at compile time) are written as 1-D
/// arrays of shape (n,); a 1-D array loads as an n×1 column. Format versions 1.0 is written (2.0 when a header
/// would exceed 64 KiB); 1.0, 2.0 and 3.0 are read. Every byte of a float or double is kept: a save/load round
/// trip is bitwise exact, NaN payloads included.
///
/// Loading a '<f8' file as float rounds each value to nearest; loading '<f4' as double is exact.
/// Every malformed input (bad magic, truncated header or data, a header that is not NumPy's dict, an unsupported
/// dtype, a shape whose byte count overflows or exceeds the data present) throws tms::format_error naming the
/// input and the bad value, before any allocation sized by the file.

#include <cstdint>
#include <filesystem>
#include <istream>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../config.hpp"
#include "../fwd.hpp"
#include "detail/bytes.hpp"
#include "file.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// The parsed header of a .npy file.
struct NpyHeader {
    int major_version = 1;
    int minor_version = 0;
    std::string descr;  ///< NumPy's dtype string, e.g. "<f8"
    bool fortran_order = false;
    std::vector<std::uint64_t> shape;
    std::uint64_t item_size = 0;       ///< bytes per element, from descr
    std::uint64_t element_count = 1;   ///< product of shape (1 for a 0-d array)
    std::size_t data_offset = 0;       ///< where the data starts in the file
};

namespace detail {

inline constexpr std::string_view npy_magic = "\x93NUMPY";
/// NumPy refuses arrays of more dimensions than this; so do we (it bounds the header parser's work).
inline constexpr std::size_t npy_max_dimensions = 64;
/// The largest dimension of an empty array tms reads: such a dimension describes no data, so only the cost of
/// looping over it bounds it (2^24 empty outer iterations take milliseconds).
inline constexpr std::uint64_t npy_max_empty_dimension = std::uint64_t{1} << 24;

/// Bytes per element of \p descr for the dtypes tms reads: floats, signed and unsigned integers, booleans and
/// fixed-width unicode ('<U<k>'); 0 for anything else.
[[nodiscard]] inline std::uint64_t npy_item_size(std::string_view descr) {
    if (descr.size() < 3) return 0;
    const char order = descr[0];
    if (order != '<' && order != '>' && order != '|' && order != '=') return 0;
    const char kind = descr[1];
    std::uint64_t count = 0;
    for (const char c : descr.substr(2)) {
        if (c < '0' || c > '9' || count > 1'000'000) return 0;
        count = count * 10 + static_cast<std::uint64_t>(c - '0');
    }
    switch (kind) {
        case 'f': return count == 2 || count == 4 || count == 8 || count == 16 ? count : 0;
        case 'i':
        case 'u': return count == 1 || count == 2 || count == 4 || count == 8 ? count : 0;
        case 'b': return count == 1 ? 1 : 0;
        case 'U': return count >= 1 && count <= 1'000'000 ? 4 * count : 0;
        default: return 0;
    }
}

/// A cursor over the header text, which is a Python dict literal.
class NpyHeaderParser {
public:
    NpyHeaderParser(std::string_view text, std::string_view what) : text_(text), what_(what) {}

    NpyHeader parse() {
        NpyHeader header;
        bool have_descr = false, have_order = false, have_shape = false;
        skip_space();
        expect('{');
        for (;;) {
            skip_space();
            if (peek() == '}') break;
            const std::string key = string_literal("a key");
            skip_space();
            expect(':');
            skip_space();
            if (key == "descr") {
                fail_unless(!have_descr, "header repeats 'descr'");
                fail_unless(peek() != '[', "structured (record) dtypes are not supported");
                header.descr = string_literal("'descr'");
                have_descr = true;
            } else if (key == "fortran_order") {
                fail_unless(!have_order, "header repeats 'fortran_order'");
                header.fortran_order = boolean();
                have_order = true;
            } else if (key == "shape") {
                fail_unless(!have_shape, "header repeats 'shape'");
                header.shape = shape();
                have_shape = true;
            } else {
                fail(concat("header has the unexpected key '", key, "'"));
            }
            skip_space();
            if (peek() == ',') {
                ++position_;
                continue;
            }
            fail_unless(peek() == '}', concat("header expects ',' or '}' at character ", position_));
        }
        ++position_;  // '}'
        skip_space();
        fail_unless(position_ == text_.size(), concat("header has trailing text after the dict at character ",
                                                      position_));
        fail_unless(have_descr && have_order && have_shape,
                    "header lacks one of 'descr', 'fortran_order' and 'shape'");
        return header;
    }

private:
    [[nodiscard]] char peek() const noexcept { return position_ < text_.size() ? text_[position_] : '\0'; }
    void skip_space() noexcept {
        while (position_ < text_.size() &&
               (text_[position_] == ' ' || text_[position_] == '\n' || text_[position_] == '\t' || text_[position_] == '\r'))
            ++position_;
    }
    [[noreturn]] void fail(const std::string& message) const {
        throw format_error(concat(what_, ": not a valid .npy file: ", message));
    }
    void fail_unless(bool condition, const std::string& message) const {
        if (!condition) fail(message);
    }
    void expect(char c) {
        fail_unless(peek() == c, concat("header expects '", c, "' at character ", position_));
        ++position_;
    }

    std::string string_literal(std::string_view role) {
        const char quote = peek();
        fail_unless(quote == '\'' || quote == '"', concat("header expects ", role, " as a quoted string at character ",
                                                          position_));
        ++position_;
        const std::size_t end = text_.find(quote, position_);
        fail_unless(end != std::string_view::npos, "header has an unterminated string");
        const std::string_view raw = text_.substr(position_, end - position_);
        fail_unless(raw.find('\\') == std::string_view::npos, "header strings with escapes are not supported");
        // Escaped as read: keys and dtypes from the file end up in messages printed to a terminal.
        std::string value = printable(raw);
        position_ = end + 1;
        return value;
    }

    bool boolean() {
        if (text_.substr(position_, 4) == "True") {
            position_ += 4;
            return true;
        }
        if (text_.substr(position_, 5) == "False") {
            position_ += 5;
            return false;
        }
        fail(concat("'fortran_order' must be True or False (at character ", position_, ")"));
    }

    std::vector<std::uint64_t> shape() {
        std::vector<std::uint64_t> dims;
        expect('(');
        for (;;) {
            skip_space();
            if (peek() == ')') break;
            fail_unless(peek() >= '0' && peek() <= '9', concat("'shape' expects a non-negative integer at character ",
                                                              position_));
            std::uint64_t value = 0;
            while (peek() >= '0' && peek() <= '9') {
                const auto digit = static_cast<std::uint64_t>(peek() - '0');
                fail_unless(value <= (std::numeric_limits<std::uint64_t>::max() - digit) / 10,
                            "'shape' has a dimension that overflows 64 bits");
                value = value * 10 + digit;
                ++position_;
            }
            if (peek() == 'L') ++position_;  // Python 2 longs
            fail_unless(dims.size() < npy_max_dimensions, concat("'shape' has more than ", npy_max_dimensions,
                                                                 " dimensions"));
            dims.push_back(value);
            skip_space();
            if (peek() == ',') {
                ++position_;
                continue;
            }
            fail_unless(peek() == ')', concat("'shape' expects ',' or ')' at character ", position_));
        }
        ++position_;  // ')'
        return dims;
    }

    std::string_view text_;
    std::string_view what_;
    std::size_t position_ = 0;
};

[[nodiscard]] inline std::string shape_string(const std::vector<std::uint64_t>& shape) {
    std::string out = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        out += std::to_string(shape[i]);
        if (i + 1 < shape.size() || shape.size() == 1) out += shape.size() == 1 ? "," : ", ";
    }
    return out + ")";
}

/// A complete .npy file: header for \p descr and \p shape (C order), then \p data (already little-endian).
[[nodiscard]] inline std::string npy_file(std::string_view descr, const std::vector<std::uint64_t>& shape,
                                          std::string_view data) {
    std::string dict = concat("{'descr': '", descr, "', 'fortran_order': False, 'shape': ", shape_string(shape), ", }");
    // Pad with spaces and end with '\n' so the data starts on a 64-byte boundary (NumPy's alignment).
    const bool version2 = dict.size() + 1 + 10 > 65535;
    const std::size_t prefix = version2 ? 12 : 10;
    const std::size_t total = (prefix + dict.size() + 1 + 63) / 64 * 64;
    dict.append(total - prefix - dict.size() - 1, ' ');
    dict.push_back('\n');
    std::string out(npy_magic);
    out.push_back(static_cast<char>(version2 ? 2 : 1));
    out.push_back(0);
    if (version2)
        put_le<std::uint32_t>(out, static_cast<std::uint32_t>(dict.size()));
    else
        put_le<std::uint16_t>(out, static_cast<std::uint16_t>(dict.size()));
    out += dict;
    out += data;
    return out;
}

/// A plain (storage-owning) Eigen matrix or vector of float or double, fixed or dynamic size.
template <class Matrix>
concept eigen_plain_matrix =
    std::is_base_of_v<Eigen::PlainObjectBase<Matrix>, Matrix> && real_scalar<typename Matrix::Scalar>;

/// Matrix (or vector) \p m as C-order little-endian bytes, the data section of a .npy file.
template <class Derived>
[[nodiscard]] std::string npy_data(const Eigen::MatrixBase<Derived>& m) {
    using Scalar = typename Derived::Scalar;
    using RowMajor = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const RowMajor rows = m;
    std::string out;
    out.reserve(static_cast<std::size_t>(rows.size()) * sizeof(Scalar));
    put_le_array(out, rows.data(), static_cast<std::size_t>(rows.size()));
    return out;
}

template <real_scalar Scalar>
[[nodiscard]] constexpr std::string_view npy_descr() noexcept {
    return std::is_same_v<Scalar, float> ? "<f4" : "<f8";
}

/// Converts the array's data (checked by parse_npy_header) to a rows×cols Eigen matrix.
template <real_scalar Scalar, class Source>
[[nodiscard]] MatrixX<Scalar> npy_matrix_from(std::string_view bytes, const NpyHeader& header, Index rows,
                                              Index cols) {
    const char* data = bytes.data() + header.data_offset;
    MatrixX<Scalar> out(rows, cols);
    if (header.fortran_order) {
        Eigen::Matrix<Source, Eigen::Dynamic, Eigen::Dynamic> source(rows, cols);
        get_le_array(data, static_cast<std::size_t>(source.size()), source.data());
        out = source.template cast<Scalar>();
    } else {
        Eigen::Matrix<Source, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> source(rows, cols);
        get_le_array(data, static_cast<std::size_t>(source.size()), source.data());
        out = source.template cast<Scalar>();
    }
    return out;
}

}  // namespace detail

/// Parses and checks the header of the .npy file \p bytes: magic, version, the dict, the dtype's item size and
/// that exactly shape-product × item-size bytes of data follow. \p what names the input in error messages.
/// \throws tms::format_error naming \p what and the problem.
[[nodiscard]] inline NpyHeader parse_npy_header(std::string_view bytes, std::string_view what = "npy data") {
    detail::ByteReader reader(bytes, what);
    detail::require_format(bytes.size() >= 8 && bytes.substr(0, 6) == detail::npy_magic, what,
                           ": not a .npy file (the magic string \\x93NUMPY is missing)");
    (void)reader.bytes(6, "magic");
    NpyHeader header;
    header.major_version = reader.read<std::uint8_t>("major version");
    header.minor_version = reader.read<std::uint8_t>("minor version");
    detail::require_format(header.major_version >= 1 && header.major_version <= 3 && header.minor_version == 0, what,
                           ": unsupported .npy format version ", header.major_version, ".", header.minor_version,
                           " (tms reads 1.0, 2.0 and 3.0)");
    const std::uint64_t header_length = header.major_version == 1 ? reader.read<std::uint16_t>("header length")
                                                                  : reader.read<std::uint32_t>("header length");
    const std::string_view text = reader.bytes(header_length, "header");
    NpyHeader parsed = detail::NpyHeaderParser(text, what).parse();
    parsed.major_version = header.major_version;
    parsed.minor_version = header.minor_version;
    parsed.data_offset = reader.offset();
    parsed.item_size = detail::npy_item_size(parsed.descr);
    detail::require_format(parsed.item_size != 0, what, ": unsupported dtype '", parsed.descr, "'");
    for (const std::uint64_t dim : parsed.shape)
        detail::require_format(detail::checked_multiply(parsed.element_count, dim, parsed.element_count), what,
                               ": shape ", detail::shape_string(parsed.shape), " has more elements than 2^64");
    std::uint64_t data_bytes = 0;
    detail::require_format(detail::checked_multiply(parsed.element_count, parsed.item_size, data_bytes), what,
                           ": shape ", detail::shape_string(parsed.shape), " of dtype '", parsed.descr,
                           "' needs more than 2^64 bytes");
    detail::require_format(data_bytes == reader.remaining(), what, ": shape ", detail::shape_string(parsed.shape),
                           " of dtype '", parsed.descr, "' needs ", data_bytes, " bytes of data but ",
                           reader.remaining(), " follow the header");
    return parsed;
}

/// The .npy bytes of \p m: dtype '<f4' or '<f8', C order; 1-D if \p m is a vector at compile time, else 2-D.
template <class Derived>
[[nodiscard]] std::string to_npy(const Eigen::MatrixBase<Derived>& m) {
    using Scalar = typename Derived::Scalar;
    static_assert(real_scalar<Scalar>, "tms::save_npy writes float and double matrices only");
    std::vector<std::uint64_t> shape;
    if constexpr (Derived::IsVectorAtCompileTime)
        shape = {static_cast<std::uint64_t>(m.size())};
    else
        shape = {static_cast<std::uint64_t>(m.rows()), static_cast<std::uint64_t>(m.cols())};
    return detail::npy_file(detail::npy_descr<Scalar>(), shape, detail::npy_data(m));
}

/// The .npy bytes of a 1-D int64 array ('<i8'), e.g. the training steps of snapshots.
[[nodiscard]] inline std::string to_npy(const std::vector<std::int64_t>& values) {
    std::string data;
    data.reserve(values.size() * sizeof(std::int64_t));
    for (const std::int64_t value : values) detail::put_le<std::int64_t>(data, value);
    return detail::npy_file("<i8", {values.size()}, data);
}

/// The .npy bytes of equally sized matrices stacked along a new first axis: shape (count, rows, cols), C order, as
/// `np.stack(matrices)` (e.g. W over training, one matrix per snapshot).
/// \throws std::invalid_argument if \p matrices is empty or their sizes differ.
template <real_scalar Scalar>
[[nodiscard]] std::string stacked_to_npy(const std::vector<MatrixX<Scalar>>& matrices) {
    detail::require(!matrices.empty(), "stacked_to_npy: no matrices to stack");
    const Index rows = matrices.front().rows(), cols = matrices.front().cols();
    std::string data;
    data.reserve(matrices.size() * static_cast<std::size_t>(rows * cols) * sizeof(Scalar));
    for (const MatrixX<Scalar>& m : matrices) {
        detail::require(m.rows() == rows && m.cols() == cols, "stacked_to_npy: a ", m.rows(), "x", m.cols(),
                        " matrix among ", rows, "x", cols, " ones");
        data += detail::npy_data(m);
    }
    return detail::npy_file(detail::npy_descr<Scalar>(),
                            {matrices.size(), static_cast<std::uint64_t>(rows), static_cast<std::uint64_t>(cols)}, data);
}

/// Saves \p m to \p path as a .npy file (atomically: see write_file_atomically).
/// \throws std::system_error if the file cannot be written.
template <class Derived>
void save_npy(const std::filesystem::path& path, const Eigen::MatrixBase<Derived>& m) {
    write_file_atomically(path, to_npy(m));
}

/// The 0-, 1- or 2-D float array in the .npy bytes \p bytes as a matrix (0-D: 1×1, 1-D of n: n×1).
/// \throws tms::format_error naming \p what for malformed data, a dtype other than '<f4'/'<f8' or more than two
///         dimensions.
template <class Scalar>
    requires real_scalar<Scalar>
[[nodiscard]] MatrixX<Scalar> parse_npy(std::string_view bytes, std::string_view what = "npy data") {
    const NpyHeader header = parse_npy_header(bytes, what);
    detail::require_format(header.descr == "<f4" || header.descr == "<f8", what, ": dtype '", header.descr,
                           "' is not supported (tms reads little-endian float32 '<f4' and float64 '<f8'",
                           header.descr.size() > 1 && header.descr[0] == '>' ? "; big-endian data needs byteswapping"
                                                                             : "",
                           ")");
    detail::require_format(header.shape.size() <= 2, what, ": array of shape ", detail::shape_string(header.shape),
                           " has ", header.shape.size(), " dimensions; tms reads 0-, 1- and 2-dimensional arrays");
    // The data-size check bounds every dimension of a non-empty array by the file size. An empty array may still
    // name a huge one, and Eigen loops over the outer dimension of every copy even when the inner one is 0: a
    // (0, 2^40) header would hang the reader (and any code that copies the result).
    if (header.element_count == 0)
        for (const std::uint64_t dim : header.shape)
            detail::require_format(dim <= detail::npy_max_empty_dimension, what, ": dimension ", dim,
                                   " of the empty array of shape ", detail::shape_string(header.shape),
                                   " is too large (tms reads empty arrays with dimensions up to ",
                                   detail::npy_max_empty_dimension, ")");
    const Index rows = header.shape.empty() ? 1 : static_cast<Index>(header.shape[0]);
    const Index cols = header.shape.size() == 2 ? static_cast<Index>(header.shape[1]) : 1;
    if (header.element_count == 0) return MatrixX<Scalar>(rows, cols);
    if (header.descr == "<f4") return detail::npy_matrix_from<Scalar, float>(bytes, header, rows, cols);
    return detail::npy_matrix_from<Scalar, double>(bytes, header, rows, cols);
}

/// parse_npy into a plain Eigen type \p Matrix (fixed or dynamic sizes), checking the shape it can hold.
/// A vector type accepts a 1-D array or a 2-D array of its orientation.
/// \throws tms::format_error for malformed data; std::invalid_argument if the shape does not fit \p Matrix.
template <class Matrix>
    requires detail::eigen_plain_matrix<Matrix>
[[nodiscard]] Matrix parse_npy(std::string_view bytes, std::string_view what = "npy data") {
    using Scalar = typename Matrix::Scalar;
    const NpyHeader header = parse_npy_header(bytes, what);
    MatrixX<Scalar> loaded = parse_npy<Scalar>(bytes, what);
    if constexpr (Matrix::IsVectorAtCompileTime && Matrix::RowsAtCompileTime == 1) {
        if (header.shape.size() == 1) loaded.transposeInPlace();
    }
    const bool rows_fit = Matrix::RowsAtCompileTime == Eigen::Dynamic || loaded.rows() == Matrix::RowsAtCompileTime;
    const bool cols_fit = Matrix::ColsAtCompileTime == Eigen::Dynamic || loaded.cols() == Matrix::ColsAtCompileTime;
    detail::require(rows_fit && cols_fit, what, ": array of shape ", detail::shape_string(header.shape),
                    " does not fit a ", Matrix::RowsAtCompileTime == Eigen::Dynamic ? std::string("X")
                                                                                    : std::to_string(Matrix::RowsAtCompileTime),
                    "x",
                    Matrix::ColsAtCompileTime == Eigen::Dynamic ? std::string("X")
                                                                : std::to_string(Matrix::ColsAtCompileTime),
                    " matrix");
    return Matrix(loaded);
}

/// parse_npy_header of raw bytes (what a fuzzer or a memory-mapped file hands over).
[[nodiscard]] inline NpyHeader parse_npy_header(std::span<const std::byte> bytes, std::string_view what = "npy data") {
    return parse_npy_header(detail::as_chars(bytes), what);
}

/// parse_npy of raw bytes (what a fuzzer or a memory-mapped file hands over).
template <class T>
    requires real_scalar<T> || detail::eigen_plain_matrix<T>
[[nodiscard]] auto parse_npy(std::span<const std::byte> bytes, std::string_view what = "npy data") {
    return parse_npy<T>(detail::as_chars(bytes), what);
}

/// parse_npy of the file \p path (\p T is float, double or a plain Eigen matrix type).
/// \throws std::system_error if the file cannot be read; otherwise as parse_npy.
template <class T>
    requires real_scalar<T> || detail::eigen_plain_matrix<T>
[[nodiscard]] auto load_npy(const std::filesystem::path& path) {
    return parse_npy<T>(read_file(path), path.string());
}

/// parse_npy of the rest of \p in.
template <class T>
    requires real_scalar<T> || detail::eigen_plain_matrix<T>
[[nodiscard]] auto load_npy(std::istream& in) {
    return parse_npy<T>(read_stream(in), "npy stream");
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
