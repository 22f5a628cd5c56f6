// Writes valid .npy, .npz and checkpoint files into <dir>/{npy,npz,checkpoint}/ as the fuzzers' seed corpus.
#include <filesystem>
#include <iostream>
#include <string>

#include <tms/io/checkpoint.hpp>
#include <tms/io/model_file.hpp>
#include <tms/io/npy.hpp>
#include <tms/core.hpp>

#include "fuzz_setup.hpp"

namespace {
template <class Scalar>
void write_checkpoints(const std::filesystem::path& dir, const char* tag) {
    auto& setup = tms_fuzz::CheckpointSetup<Scalar>::get();
    auto& trainer = setup.fresh_trainer();
    tms::save_checkpoint(dir / (std::string(tag) + "_step0.ckpt"), trainer);
    trainer.run();
    tms::save_checkpoint(dir / (std::string(tag) + "_step8.ckpt"), trainer);
}
}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: make_seed_corpus DIR\n";
        return 2;
    }
    const std::filesystem::path root = argv[1];
    for (const char* sub : {"npy", "npz", "checkpoint"}) std::filesystem::create_directories(root / sub);
    Eigen::MatrixXf m = Eigen::MatrixXf::Random(3, 4);
    tms::save_npy(root / "npy" / "matrix_f4.npy", m);
    tms::save_npy(root / "npy" / "vector_f8.npy", Eigen::Vector3d(1, -2, 3.5));
    tms::save_npy(root / "npy" / "empty.npy", Eigen::MatrixXd(0, 2));

    tms::ReluOutputModel<float> relu(5, 2);
    tms::initialize(relu, 1);
    tms::save_model(root / "npz" / "relu_output.npz", relu, tms::geometric_importance<float>(5, 0.9), 0.1);
    tms::AbsValueModel<double> abs(4, 2);
    tms::initialize(abs, 2);
    tms::save_model(root / "npz" / "abs_value.npz", abs, tms::uniform_importance<double>(4), 0.5);

    write_checkpoints<float>(root / "checkpoint", "float");
    write_checkpoints<double>(root / "checkpoint", "double");
    std::cout << "seed corpus written to " << root << "\n";
    return 0;
}
