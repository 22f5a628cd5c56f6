// A sweep built in code and run on this machine's cores: how the sparsity of the data decides how many features a
// ReLU output model represents (the paper's section 2), three seeds per point, best of three reported.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <tms/sweep/run_sweep.hpp>

int main() {
    tms::SweepGrid grid;
    grid.base.model = "relu_output";
    grid.base.features = 20;
    grid.base.hidden = 5;
    grid.base.importance = 0.7;  // I_i = 0.7^i
    grid.base.steps = 1500;
    grid.base.learning_rate = 3e-3;
    grid.probabilities = {1.0, 0.1, 0.01};  // dense, sparse, very sparse
    grid.seeds = {0, 1, 2};
    const std::vector<tms::ModelConfig> configs = grid.expand();  // 9 configs, seeds innermost

    // The best (lowest-loss) seed of each point, as results arrive on this thread.
    std::map<std::string, tms::SweepResult> best;
    tms::run_sweep(configs, /*threads=*/0, [&](tms::Index, const tms::SweepResult& result) {
        std::printf("%s  p=%-5g seed=%llu  loss %.5f  represented %2lld\n", result.config.id().c_str(),
                    std::get<double>(result.config.probability),
                    static_cast<unsigned long long>(result.config.seed), result.final_loss,
                    static_cast<long long>(result.represented));
        auto [it, inserted] = best.try_emplace(result.config.point_id(), result);
        if (!inserted && result.final_loss < it->second.final_loss) it->second = result;
    });

    std::printf("\nbest of %zu seeds per point:\n", grid.seeds.size());
    long long dense = -1, sparsest = -1;
    for (const auto& [point, result] : best) {
        const double p = std::get<double>(result.config.probability);
        std::printf("  p=%-5g loss %.5f represented %lld of 20\n", p, result.final_loss,
                    static_cast<long long>(result.represented));
        if (p == 1.0) dense = result.represented;
        if (p == 0.01) sparsest = result.represented;
    }
    // Dense data: about m = 5 features, no superposition; sparse data: many more than m.
    return best.size() == 3 && dense <= 6 && sparsest > 5 ? 0 : 1;
}
