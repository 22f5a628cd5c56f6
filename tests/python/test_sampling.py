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
