// Must not compile: a Trainer built on a temporary sampler (it keeps a reference, which would dangle).
// expect: deleted (function|constructor)
#include <tms/models/linear_model.hpp>
#include <tms/optim/trainer.hpp>
#include <tms/sampling/importance.hpp>
#include <tms/sampling/sparse_feature_sampler.hpp>

int main() {
    tms::LinearModel<float> model(20, 5);
    tms::Trainer trainer(model, tms::SparseFeatureSampler<float>(20, 0.1), tms::uniform_importance<float>(20),
                         tms::TrainOptions{});
    return 0;
}
