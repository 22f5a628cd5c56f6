"""tms.models: construction, dtypes, W/b views, forward/hidden/loss, errors naming the expected dtype and shape."""
import copy

import numpy as np
import pytest

import tms

KINDS = [tms.LinearModel, tms.ReluOutputModel, tms.ReluHiddenModel, tms.AbsValueModel]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_construct_any_size_and_dtype(kind, dtype):
    model = kind(7, 3, dtype=dtype)
    assert isinstance(model, kind) and isinstance(model, tms.Model)
    assert model.n_features == 7 and model.n_hidden == 3
    assert model.dtype == np.dtype(dtype)
    assert model.feature_weights.shape == (3, 7) and model.b.shape == (7,)
    assert model.feature_weights.dtype == np.dtype(dtype)
    assert not np.any(model.feature_weights)  # zero until initialised
    assert model.initialize(3) is model
    assert np.any(model.feature_weights) and not np.any(model.b)


def test_initialize_is_deterministic_and_seeded():
    a = tms.ReluOutputModel(20, 5, seed=1)
    b = tms.ReluOutputModel(20, 5).initialize(1)
    c = tms.ReluOutputModel(20, 5, seed=2)
    assert np.array_equal(a.W, b.W) and a == b
    assert not np.array_equal(a.W, c.W)
    # Xavier normal: variance 2 / (n + m)
    big = tms.LinearModel(400, 100, dtype=np.float64, seed=0)
    assert abs(big.W.var() - 2 / 500) < 0.1 * 2 / 500


def test_W_is_a_writable_view_in_paper_layout():
    model = tms.ReluOutputModel(4, 2)
    W = model.W
    W[1, 3] = 5.0
    assert model.W[1, 3] == 5.0
    assert model.feature_weights[1, 3] == 5.0
    model.W = np.arange(8, dtype=np.float32).reshape(2, 4)
    assert model.W[1, 0] == 4.0  # row-major numpy input: W[j, i]
    model.b[:] = 1.5
    assert np.all(model.b == 1.5)
    abs_model = tms.AbsValueModel(4, 2)
    assert abs_model.W1.shape == (2, 4) and abs_model.W2.shape == (4, 2)
    assert not hasattr(abs_model, "W")


def test_forward_matches_the_formulas():
    rng = np.random.default_rng(0)
    x = rng.random((6, 5))
    for kind in KINDS:
        model = kind(5, 3, dtype=np.float64, seed=4)
        model.b[:] = rng.normal(size=5)
        y = model.forward(x)
        assert y.shape == (6, 5)
        if kind is tms.AbsValueModel:
            h = np.maximum(model.W1 @ x.T, 0)
            expected = np.maximum(model.W2 @ h + model.b[:, None], 0).T
        else:
            W = model.W
            h = W @ x.T
            if kind is tms.ReluHiddenModel:
                h = np.maximum(h, 0)
            expected = W.T @ h + model.b[:, None]
            expected = expected.T if kind is tms.LinearModel else np.maximum(expected, 0).T
        np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)
        relu_hidden = kind in (tms.ReluHiddenModel, tms.AbsValueModel)
        expected_h = (np.maximum(model.feature_weights @ x.T, 0) if relu_hidden else model.feature_weights @ x.T).T
        np.testing.assert_allclose(model.hidden(x), expected_h, rtol=1e-12, atol=1e-12)


def test_loss_is_importance_weighted_mse():
    model = tms.ReluOutputModel(5, 2, dtype=np.float64, seed=0)
    x = np.random.default_rng(1).random((8, 5))
    importance = 0.7 ** np.arange(5)
    expected = np.mean(importance * (x - model.forward(x)) ** 2)
    assert model.loss(x, importance=importance) == pytest.approx(expected, rel=1e-12)
    assert model.loss(x, importance=0.7) == pytest.approx(expected, rel=1e-6)  # a ratio, as in train
    assert model.loss(x) == pytest.approx(np.mean((x - model.forward(x)) ** 2), rel=1e-12)
    abs_model = tms.AbsValueModel(5, 2, dtype=np.float64, seed=0)
    xs = x * 2 - 1
    assert abs_model.loss(xs) == pytest.approx(np.mean((np.abs(xs) - abs_model.forward(xs)) ** 2), rel=1e-12)


def test_wrong_dtype_and_shape_are_rejected_naming_the_expected_one():
    model = tms.ReluOutputModel(20, 5)
    with pytest.raises(ValueError, match=r"x must be a float32 array of shape \(batch, 20\), got float64"):
        model.forward(np.zeros((3, 20)))
    with pytest.raises(ValueError, match=r"x must be a float32 array of shape \(batch, 20\), got float32 array of shape \(3, 19\)"):
        model.forward(np.zeros((3, 19), dtype=np.float32))
    with pytest.raises(ValueError, match=r"W must be a float32 array of shape \(5, 20\)"):
        model.W = np.zeros((20, 5), dtype=np.float32)
    with pytest.raises(ValueError, match=r"b must be a float32 array of shape \(20,\)"):
        model.b = np.zeros(20)
    with pytest.raises(ValueError, match="features"):
        tms.ReluOutputModel(0, 5)
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        tms.ReluOutputModel(2, 1, dtype=np.int32)
    with pytest.raises(ValueError, match="model kind"):
        tms.model("relu", 2, 1)
    # lists convert
    assert model.forward([[0.0] * 20]).shape == (1, 20)


def test_copy_is_independent():
    model = tms.ReluHiddenModel(6, 3, seed=0)
    for other in (model.copy(), copy.copy(model), copy.deepcopy(model)):
        assert other == model
        other.W[0, 0] += 1
        assert other != model


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layout_helpers(dtype):
    models = [tms.ReluOutputModel(6, 2, dtype=dtype, seed=s) for s in range(3)]
    stack = tms.stack_weights(models)
    assert stack.shape == (3, 2, 6) and stack.dtype == np.dtype(dtype)
    notebook = tms.to_notebook(stack)
    assert notebook.shape == (3, 6, 2)
    assert notebook[1, 4, 0] == models[1].W[0, 4]
    assert np.array_equal(tms.from_notebook(notebook), stack)
    assert np.array_equal(tms.to_arena(stack), stack) and np.array_equal(tms.from_arena(stack), stack)
    assert tms.to_notebook(models[0].W).shape == (6, 2)
    with pytest.raises(ValueError, match="instances"):
        tms.to_notebook(np.zeros(3))
