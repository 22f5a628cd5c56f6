"""tms.analysis on models, numpy W and stacks, against numpy formulas."""
import numpy as np
import pytest

import tms


def reference(W):
    G = W.T @ W
    norms = np.linalg.norm(W, axis=0)
    represented = norms > 0.5  # superposition and dimensionality are NaN for the others
    safe = np.where(represented, np.diag(G), 1)
    interference = np.where(represented, ((G ** 2).sum(axis=1) - np.diag(G) ** 2) / safe, np.nan)
    dims = np.where(represented, np.diag(G) ** 2 / np.where((G ** 2).sum(axis=1) > 0, (G ** 2).sum(axis=1), 1), np.nan)
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
    effective = abs_model.W1 * np.linalg.norm(abs_model.W2, axis=0)[:, None]
    np.testing.assert_allclose(tms.gram(abs_model), effective.T @ effective, rtol=1e-5)
    # The rescaling symmetry (row j of W1 times c, column j of W2 over c) changes no analysis of the model.
    norms = tms.feature_norms(abs_model)
    abs_model.W1[0] *= 10
    abs_model.W2[:, 0] /= 10
    np.testing.assert_allclose(tms.feature_norms(abs_model), norms, rtol=1e-5)


def test_neurons():
    # Judged per neuron: row 1's weights are small but its own; row 2 is below the floor; row 3 cannot fire on x >= 0.
    W = np.array([[10.0, 0.0, 0.0], [0.5, 0.6, 0.0], [0.0, 0.0, 0.05], [-1.0, -2.0, 0.0]])
    assert list(tms.neuron_feature_counts(W)) == [1, 2, 0, 0]
    assert tms.classify_neurons(W) == ["monosemantic", "polysemantic", "dead", "dead"]
    assert tms.count_neurons(W) == {"dead": 2, "monosemantic": 1, "polysemantic": 1}
    assert tms.count_neurons(W, floor=0.01)["dead"] == 1
    assert tms.classify_neurons(W, range="symmetric")[3] == "polysemantic"
    with pytest.raises(ValueError, match="threshold"):
        tms.count_neurons(W, threshold=2)
    with pytest.raises(ValueError, match="range"):
        tms.count_neurons(W, range="positive")
