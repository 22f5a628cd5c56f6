"""tms.training: train, train_many, grid, best_of, snapshots, callbacks, optimizers, schedules, checkpoints,
divergence, and bit-identical weights against the C++ API (`tms train --json` of the same build)."""
import json
import subprocess

import numpy as np
import pytest

import tms


def test_train_learns_superposition_and_reports():
    model = tms.ReluOutputModel(20, 5, seed=0)
    before = model.loss(tms.SparseFeatureSampler(0.01, 20).sample(4096, seed=7), importance=0.7 ** np.arange(20))
    result = tms.train(model, probability=0.01, importance=0.7, steps=3000, log_every=500)
    assert result.model is model and result.steps_completed == 3000 and not result.stopped_early
    assert list(result.loss_steps) == [0, 500, 1000, 1500, 2000, 2500, 2999]
    assert result.loss_history.shape == (7,) and np.all(np.isfinite(result.loss_history))
    assert 0 < result.final_loss < before
    assert result.represented > 5  # more features than dimensions: superposition
    assert result.W.shape == (5, 20) and result.feature_norms.shape == (20,)
    np.testing.assert_allclose(result.importance, 0.7 ** np.arange(20), rtol=1e-6)


def test_same_seed_same_weights_any_thread_count():
    configs = tms.grid(model=["relu_output", "abs_value"], features=8, hidden=3, probability=[0.1, 0.5],
                       seed=range(2), steps=200)
    assert len(configs) == 8
    one = tms.train_many(configs, threads=1)
    two = tms.train_many(configs, threads=2)
    for a, b in zip(one, two):
        assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b) and a.final_loss == b.final_loss
    alone = tms.ReluOutputModel(8, 3, seed=1)
    tms.train(alone, probability=0.1, steps=200, seed=1)
    assert np.array_equal(alone.W, one[1].W)
    assert not np.array_equal(one[0].W, one[1].W)


def test_matches_the_cpp_api_bit_for_bit(tms_cli):
    for kind, precision in [("relu_output", []), ("relu_hidden", ["--double"]), ("abs_value", [])]:
        out = subprocess.run([tms_cli, "train", "--model", kind, "-n", "12", "-m", "4", "--importance", "0.8",
                              "-p", "0.05", "--steps", "300", "--seed", "3", "--optimizer", "adamw",
                              "--schedule", "cosine", "--json", *precision],
                             capture_output=True, text=True, check=True).stdout
        expected = json.loads(out.splitlines()[0])
        dtype = np.float64 if precision else np.float32
        model = tms.model(kind, 12, 4, dtype=dtype, seed=3)
        result = tms.train(model, probability=0.05, importance=0.8, steps=300, seed=3, schedule="cosine")
        names = ["W1", "W2"] if kind == "abs_value" else ["W"]
        for name in names:
            assert np.array_equal(getattr(model, name), np.array(expected[name], dtype=dtype)), (kind, name)
        assert np.array_equal(model.b, np.array(expected["b"], dtype=dtype))
        assert result.final_loss == expected["final_loss"]


def test_snapshots_and_callback():
    seen = []

    def callback(info):
        seen.append((info["step"], float(info["loss"])))
        assert info["model"].n_features == 6

    model = tms.ReluOutputModel(6, 2, seed=0)
    initial = model.W.copy()
    result = tms.train(model, probability=0.2, steps=100, snapshot_every=25, callback=callback, callback_every=50)
    assert result.snapshots.shape == (5, 2, 6) and result.snapshots.dtype == np.float32
    assert list(result.snapshot_steps) == [0, 25, 50, 75, 100]
    assert np.array_equal(result.snapshots[0], initial) and np.array_equal(result.snapshots[-1], model.W)
    assert [s for s, _ in seen] == [0, 50, 100]  # before the first step (loss NaN), then every 50
    assert np.isnan(seen[0][1])


def test_callback_can_stop_and_its_exception_propagates():
    model = tms.ReluOutputModel(6, 2, seed=0)
    result = tms.train(model, steps=1000, callback=lambda info: info["step"] < 30, callback_every=10)
    assert result.stopped_early and result.steps_completed == 30

    def boom(info):
        raise RuntimeError("from the callback")

    with pytest.raises(RuntimeError, match="from the callback"):
        tms.train(tms.ReluOutputModel(6, 2, seed=0), steps=100, callback=boom)


def test_optimizers_and_schedules():
    for optimizer, extra in [("sgd", dict(momentum=0.9, learning_rate=0.05)), ("adam", {}), ("adamw", dict(weight_decay=0.0))]:
        model = tms.ReluOutputModel(10, 3, seed=0)
        result = tms.train(model, probability=0.3, steps=300, optimizer=optimizer, schedule="warmup_cosine:50", **extra)
        assert result.loss_history[-1] < result.loss_history[0], optimizer
    with pytest.raises(ValueError, match="optimizer must be 'adamw', 'adam' or 'sgd', got 'rmsprop'"):
        tms.train(tms.ReluOutputModel(4, 2), optimizer="rmsprop")
    with pytest.raises(ValueError, match="schedule"):
        tms.train(tms.ReluOutputModel(4, 2), schedule="exponential")
    with pytest.raises(ValueError, match="batch size"):
        tms.train(tms.ReluOutputModel(4, 2), batch_size=0)
    with pytest.raises(ValueError, match=r"probability must be a float64 array of shape \(4,\)"):
        tms.train(tms.ReluOutputModel(4, 2), probability=[0.1, 0.2])


def test_per_feature_probability_and_sampler():
    p = np.linspace(0.05, 0.5, 8)
    a = tms.ReluOutputModel(8, 3, seed=0)
    tms.train(a, probability=p, steps=100)
    b = tms.ReluOutputModel(8, 3, seed=0)
    tms.train(b, sampler=tms.SparseFeatureSampler(p), steps=100)
    assert np.array_equal(a.W, b.W)
    with pytest.raises(ValueError, match="float32 SparseFeatureSampler"):
        tms.train(tms.ReluOutputModel(8, 3), sampler=tms.SparseFeatureSampler(p, dtype=np.float64))


def test_correlated_sets_match_the_cli_and_train_many(tms_cli):
    # tms train --correlated-sets 1x2 --anticorrelated-sets 1x2@0.1: the same sampler, the same weights bit for bit.
    out = subprocess.run([tms_cli, "train", "--model", "relu_output", "-n", "6", "-m", "2", "-p", "0.05",
                          "--importance", "1", "--correlated-sets", "1x2", "--anticorrelated-sets", "1x2@0.1",
                          "--steps", "200", "--seed", "4", "--json"], capture_output=True, text=True, check=True).stdout
    expected = json.loads(out.splitlines()[0])
    sets = [("correlated", 2, 0.05), ("anticorrelated", 2, 0.1)]
    model = tms.ReluOutputModel(6, 2, seed=4)
    tms.train(model, sampler=tms.CorrelatedFeatureSampler(sets, 2, 0.05), steps=200, seed=4)
    assert np.array_equal(model.W, np.array(expected["W"], dtype=np.float32))
    [many] = tms.train_many([tms.TrainConfig(features=6, hidden=2, probability=0.05, steps=200, seed=4,
                                             sets=[("correlated", 2, None), ("anticorrelated", 2, 0.1)])])
    assert np.array_equal(many.W, model.W)
    independent = tms.ReluOutputModel(6, 2, seed=4)
    tms.train(independent, probability=0.05, steps=200, seed=4)
    assert not np.array_equal(independent.W, model.W)
    with pytest.raises(ValueError, match="the feature sets hold 8 features but the model has 6"):
        tms.train_many([tms.TrainConfig(features=6, hidden=2, sets=[("correlated", 4, 0.1)] * 2)])


def test_divergence_raises_and_keeps_finite_weights():
    model = tms.ReluOutputModel(6, 3, seed=0)
    with pytest.raises(tms.DivergenceError, match="diverged"):
        tms.train(model, probability=1.0, steps=200, optimizer="sgd", learning_rate=1e30)
    assert np.all(np.isfinite(model.W))
    results = tms.train_many([dict(features=6, hidden=3, probability=1.0, steps=200, optimizer="sgd",
                                   learning_rate=1e30)])
    assert results[0].diverged and np.isnan(results[0].final_loss) and "diverged" in results[0].error
    assert issubclass(tms.DivergenceError, RuntimeError)


def test_best_of_picks_the_lowest_loss_per_point():
    configs = tms.grid(features=8, hidden=3, probability=[0.1, 0.3], seed=range(3), steps=150)
    results = tms.train_many(configs)
    best = tms.best_of(results)
    assert len(best) == 2
    for point in best:
        same = [r for r in results if r.config.probability == point.config.probability]
        assert point.final_loss == min(r.final_loss for r in same)


def test_checkpoint_resume_is_bit_identical(tmp_path):
    straight = tms.ReluHiddenModel(10, 4, seed=2)
    tms.train(straight, probability=0.2, steps=200, seed=2)
    path = tmp_path / "run.ckpt"
    first = tms.ReluHiddenModel(10, 4, seed=2)
    tms.train(first, probability=0.2, steps=200, seed=2, checkpoint=path, checkpoint_every=50,
              callback=lambda info: info["step"] < 100, callback_every=50)
    resumed = tms.ReluHiddenModel(10, 4, seed=2)
    result = tms.train(resumed, probability=0.2, steps=200, seed=2, resume=path)
    assert result.steps_completed == 200
    assert np.array_equal(resumed.W, straight.W)
    with pytest.raises(FileNotFoundError, match="missing.ckpt"):
        tms.train(tms.ReluHiddenModel(10, 4), resume=tmp_path / "missing.ckpt")


def test_train_many_validates_configs():
    with pytest.raises(ValueError, match="unknown TrainConfig field"):
        tms.train_many([dict(featurez=3)])
    with pytest.raises(ValueError, match="model kind"):
        tms.train_many([tms.TrainConfig(model="relu")])
    with pytest.raises(ValueError, match="unknown TrainConfig field"):
        tms.grid(probabilty=[0.1])
