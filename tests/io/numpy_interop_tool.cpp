// Helper of tests/io/numpy_interop.py: `write DIR` saves known arrays and a model with tms; `read DIR` loads what
// NumPy wrote (np_*.npy, np_bundle.npz, np_model.npz) and saves it back with tms as back_*, and checks that the
// numpy.savez_compressed archive is rejected naming DEFLATE.
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <string>

#include <tms/io/model_file.hpp>
#include <tms/io/npy.hpp>
#include <tms/io/npz.hpp>
#include <tms/core.hpp>

namespace fs = std::filesystem;

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: numpy_interop_tool write|read DIR\n";
        return 2;
    }
    const std::string mode = argv[1];
    const fs::path dir = argv[2];
    try {
        if (mode == "write") {
            Eigen::MatrixXf m(3, 4);  // m(i, j) = 10 i + j + 0.25, with a NaN at (2, 3)
            for (int i = 0; i < 3; ++i)
                for (int j = 0; j < 4; ++j) m(i, j) = static_cast<float>(10 * i + j) + 0.25f;
            m(2, 3) = std::numeric_limits<float>::quiet_NaN();
            tms::save_npy(dir / "tms_matrix.npy", m);
            tms::save_npy(dir / "tms_vector.npy", Eigen::Vector3d(0.1, -2.0, 1e-300));
            tms::AbsValueModel<double> model(4, 2);
            for (int i = 0; i < 2; ++i)
                for (int j = 0; j < 4; ++j) {
                    model.W1()(i, j) = 1.0 * i + 0.1 * j;
                    model.W2()(j, i) = -1.0 * i - 0.1 * j;
                }
            model.b() << 0.5, 0.25, 0.125, 0.0625;
            tms::save_model(dir / "tms_model.npz", model, tms::geometric_importance<double>(4, 0.5), 0.01);
            return 0;
        }
        if (mode == "read") {
            for (const char* name : {"c", "fortran", "vector", "f4_from_f8"}) {
                const fs::path in = dir / (std::string("np_") + name + ".npy");
                const fs::path out = dir / (std::string("back_") + name + ".npy");
                if (std::string(name) == "f4_from_f8") tms::save_npy(out, tms::load_npy<float>(in));
                else if (std::string(name) == "vector") tms::save_npy(out, tms::load_npy<Eigen::VectorXd>(in));
                else tms::save_npy(out, tms::load_npy<double>(in));
            }
            const tms::NpzReader bundle = tms::NpzReader::open(dir / "np_bundle.npz");
            tms::NpzWriter back;
            back.add("a", bundle.get<double>("a")).add("b", bundle.get<Eigen::VectorXf>("b"));
            back.save(dir / "back_bundle.npz");
            tms::ReluOutputModel<float> model(1, 1);
            const tms::TrainingTask<float> task = tms::load_model(dir / "np_model.npz", model);
            tms::save_model(dir / "back_model.npz", model, task.importance, task.probabilities);
            try {
                (void)tms::NpzReader::open(dir / "np_compressed.npz");
                std::cerr << "np_compressed.npz was accepted\n";
                return 1;
            } catch (const tms::format_error& e) {
                std::cout << e.what() << "\n";
                if (std::string(e.what()).find("DEFLATE") == std::string::npos) return 1;
            }
            return 0;
        }
    } catch (const std::exception& e) {
        std::cerr << "numpy_interop_tool: " << e.what() << "\n";
        return 1;
    }
    std::cerr << "unknown mode " << mode << "\n";
    return 2;
}
