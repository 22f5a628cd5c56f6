// Must compile: the correct uses next to abs_value_zero_hidden, sampler_double_batch_into_float,
// train_non_model and trainer_temporary_sampler, so each of those fails only for the misuse it names.
// expect:
#include <tms/models/abs_value_model.hpp>
#include <tms/models/linear_model.hpp>
#include <tms/optim/trainer.hpp>
#include <tms/sampling/importance.hpp>
#include <tms/sampling/sparse_feature_sampler.hpp>

int main() {
    tms::AbsValueModel<double, 20, 5> abs_model;
    const tms::SparseFeatureSampler<float> sampler(20, 0.1);
    tms::RandomEngine engine(1);
    Eigen::MatrixXf batch(20, 8);
    sampler.sample(engine, batch);
    tms::LinearModel<float> model(20, 5);
    tms::TrainOptions options;
    options.steps = 1;
    (void)tms::train(model, sampler, tms::uniform_importance<float>(20), options);
    tms::Trainer trainer(model, sampler, tms::uniform_importance<float>(20), options);
    return static_cast<int>(abs_model.features() + batch.cols()) - 28;
}
