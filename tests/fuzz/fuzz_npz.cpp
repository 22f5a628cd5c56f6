// libFuzzer target: tms::NpzReader and tms::model_from_npz on arbitrary bytes must return or throw
// tms::format_error / std::invalid_argument, never crash, read out of bounds or over-allocate.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <tms/io/model_file.hpp>
#include <tms/models/abs_value_model.hpp>
#include <tms/models/relu_output_model.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    try {
        const tms::NpzReader in(bytes);
        for (const std::string& key : in.keys()) {
            try {
                (void)in.get<float>(key);
            } catch (const tms::format_error&) {
            }
        }
    } catch (const tms::format_error&) {
    }
    try {
        tms::ReluOutputModel<float> model(1, 1);
        (void)tms::model_from_npz(bytes, model);
    } catch (const tms::format_error&) {
    } catch (const std::invalid_argument&) {
    }
    try {
        tms::AbsValueModel<double> model(1, 1);
        (void)tms::model_from_npz(bytes, model);
    } catch (const tms::format_error&) {
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
