"""tms.analysis on models, numpy W and stacks, against numpy formulas."""
import numpy as np
import pytest

import tms


def reference(W):
    G = W.T @ W
    norms = np.linalg.norm(W, axis=0)
    safe = np.where(np.diag(G) > 0, np.diag(G), 1)
    interference = np.where(np.diag(G) > 0, ((G ** 2).sum(axis=1) - np.diag(G) ** 2) / safe, 0)
    dims = np.where(np.diag(G) > 0, np.diag(G) ** 2 / np.where((G ** 2).sum(axis=1) > 0, (G ** 2).sum(axis=1), 1), 0)
    return G, norms, interference, dims


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_W_matches_formulas(dtype):
    W = np.random.default_rng(0).normal(size=(3, 7)).astype(dtype)
    W[:, 2] = 0
    G, norms, interference, dims = reference(W.astype(np.float64))
    tol = dict(rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-6)
    np.testing.assert_allclose(tms.gram(W), G, **tol)
    assert tms.gram(W).dtype == np.dtype(dtype)
    np.testing.assert_allclose(tms.feature_norms(W), norms, **tol)
    np.testing.assert_allclose(tms.superposition(W), interference, **tol)
    np.testing.assert_allclose(tms.feature_dimensionality(W), dims, **tol)
    assert tms.dimensions_per_feature(W) == pytest.approx(3 / np.sum(W.astype(np.float64) ** 2), rel=1e-5)
    assert tms.represented_features(W) == int(np.sum(norms > 0.5))


def test_models_and_stacks():
    models = [tms.ReluOutputModel(6, 2, seed=s) for s in range(3)]
    stack = tms.stack_weights(models)
    np.testing.assert_array_equal(tms.feature_norms(stack)[1], tms.feature_norms(models[1]))
    assert tms.gram(stack).shape == (3, 6, 6)
    assert tms.represented_features(stack).shape == (3,)
    abs_model = tms.AbsValueModel(5, 3, seed=0)
    np.testing.assert_array_equal(tms.gram(abs_model), tms.gram(abs_model.W1))


def test_neurons():
    W = np.array([[1.0, 0.0, 0.0], [0.5, 0.6, 0.0], [0.0, 0.0, 0.05]])
    assert list(tms.neuron_feature_counts(W)) == [1, 2, 0]
    assert tms.classify_neurons(W) == ["monosemantic", "polysemantic", "dead"]
    assert tms.count_neurons(W) == {"dead": 1, "monosemantic": 1, "polysemantic": 1}
    assert tms.count_neurons(W, threshold=0.01)["dead"] == 0
    with pytest.raises(ValueError, match="threshold"):
        tms.count_neurons(W, threshold=2)


def test_bad_W():
    with pytest.raises(ValueError, match=r"shape \(hidden, features\)"):
        tms.gram(np.zeros(4))
    with pytest.raises(ValueError, match="numeric"):
        tms.gram(np.array([["a"]]))
    assert tms.gram([[1, 2]]).dtype == np.float64  # integers and lists convert to float64
