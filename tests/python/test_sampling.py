"""tms.SparseFeatureSampler: ranges, per-feature probabilities, determinism."""
import numpy as np
import pytest

import tms


def test_unit_range_and_probability():
    sampler = tms.SparseFeatureSampler(0.1, 50)
    x = sampler.sample(4000, seed=0)
    assert x.shape == (4000, 50) and x.dtype == np.float32
    assert x.min() >= 0 and x.max() < 1
    assert abs(np.mean(x != 0) - 0.1) < 0.01


def test_symmetric_range_and_float64():
    sampler = tms.SparseFeatureSampler(1.0, 10, symmetric=True, dtype=np.float64)
    x = sampler.sample(2000, engine=tms.RandomEngine(3))
    assert x.dtype == np.float64 and sampler.symmetric
    assert x.min() >= -1 and x.max() < 1 and x.min() < -0.9 and x.max() > 0.9


def test_per_feature_probabilities():
    p = np.array([1.0, 0.5, 0.0, 0.25])
    sampler = tms.SparseFeatureSampler(p)
    assert sampler.n_features == 4
    np.testing.assert_allclose(sampler.probabilities, p)
    x = sampler.sample(20000, seed=1)
    np.testing.assert_allclose(np.mean(x != 0, axis=0), p, atol=0.02)


def test_engine_advances_and_seed_repeats():
    sampler = tms.SparseFeatureSampler(0.5, 8)
    engine = tms.RandomEngine(5)
    a, b = sampler.sample(10, engine), sampler.sample(10, engine)
    assert not np.array_equal(a, b)
    assert np.array_equal(sampler.sample(10, seed=9), sampler.sample(10, seed=9))


def test_bad_arguments():
    with pytest.raises(ValueError, match="probability"):
        tms.SparseFeatureSampler(1.5, 4)
    with pytest.raises(ValueError, match="features must be given"):
        tms.SparseFeatureSampler(0.5)
    with pytest.raises(ValueError, match="3 entries but features is 4"):
        tms.SparseFeatureSampler([0.1, 0.2, 0.3], 4)
    with pytest.raises(ValueError, match="exactly one of engine"):
        tms.SparseFeatureSampler(0.5, 4).sample(3)


def test_correlated_sets_exact_structure_and_marginals():
    sets = [("correlated", 2, 0.1), ("anticorrelated", 3, 0.2)]
    sampler = tms.CorrelatedFeatureSampler(sets, independent=2, independent_probability=0.3)
    assert sampler.n_features == 7 and sampler.first_independent_feature == 5
    assert sampler.sets == sets
    np.testing.assert_allclose(sampler.probabilities, [0.1, 0.1, 0.2, 0.2, 0.2, 0.3, 0.3], rtol=1e-6)
    x = sampler.sample(40000, seed=0)
    assert x.shape == (40000, 7) and x.dtype == np.float32
    present = x != 0
    # A correlated set: both members or neither, exactly; an anticorrelated set: never two members at once.
    assert np.array_equal(present[:, 0], present[:, 1])
    assert present[:, 2:5].sum(axis=1).max() == 1
    # Marginals within 5 standard errors.
    p = sampler.probabilities
    np.testing.assert_array_less(np.abs(present.mean(axis=0) - p), 5 * np.sqrt(p * (1 - p) / len(x)))


def test_correlated_per_feature_independent_probabilities_and_range():
    sampler = tms.CorrelatedFeatureSampler([("correlated", 2, 1.0)], independent=[0.0, 1.0], symmetric=True,
                                           dtype=np.float64)
    x = sampler.sample(500, engine=tms.RandomEngine(2))
    assert x.dtype == np.float64 and sampler.symmetric
    assert np.all(x[:, 0] != 0) and np.all(x[:, 2] == 0) and np.all(x[:, 3] != 0)
    assert x.min() >= -1 and x.min() < -0.9


def test_correlated_bad_arguments():
    with pytest.raises(ValueError, match="'correlated' or 'anticorrelated'"):
        tms.CorrelatedFeatureSampler([("together", 2, 0.1)])
    with pytest.raises(ValueError, match="would fire with probability 1.5"):
        tms.CorrelatedFeatureSampler([("anticorrelated", 3, 0.5)])
    with pytest.raises(ValueError, match="tuple"):
        tms.CorrelatedFeatureSampler([("correlated", 2)])
    with pytest.raises(ValueError, match="probability"):
        tms.CorrelatedFeatureSampler([("correlated", 2, 1.5)])
