"""tms.analysis beyond the basic measures: angle structure, interference by feature set, asymmetric superposition,
the extra-feature phases and the jumps of the dimensionality over training. The expected values are those of the
C++ tests of the same functions (tests/analysis/*.test.cpp, tests/experiments/learning_dynamics.test.cpp) and the
closed forms, so a binding that mixed up fields, axes or defaults fails here."""
import dataclasses
import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import tms

PI = math.pi


def same(a, b):
    """Field-by-field equality of two results (dataclasses or lists of them), NaN equal to NaN."""
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if dataclasses.is_dataclass(a):
        return type(a) is type(b) and all(same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=np.asarray(a).dtype.kind == "f")


def directions(angles, norm=1.0, dtype=np.float64):
    angles = np.asarray(angles, dtype=np.float64)
    return (norm * np.stack([np.cos(angles), np.sin(angles)])).astype(dtype)


# ---------------------------------------------------------------------------------------------------------------
# angle_structure


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_regular_pentagon(dtype):
    W = directions(0.3 + 2 * PI / 5 * np.arange(5), dtype=dtype)
    s = tms.analysis.angle_structure(W)
    assert s.represented == 5
    np.testing.assert_allclose(s.gaps, np.full(5, 2 * PI / 5), rtol=1e-6)
    assert s.max_gap_deviation < (1e-6 if dtype == np.float32 else 1e-12)
    assert s.antipodal_pairs == []
    assert s.angles.dtype == np.float64 and s.angles.shape == (5,)
    assert s.angles[0] == pytest.approx(0.3, rel=1e-6)
    assert list(s.order) == [0, 1, 2, 3, 4]


def test_antipodal_pairs_closest_to_pi_first():
    # 0 and 2 exactly antipodal; 1 and 3 within 0.1 of pi; 4 is 0.05 from being antipodal to 0 too.
    W = directions([0.0, PI / 2, PI, 3 * PI / 2 + 0.1, PI - 0.05])
    s = tms.angle_structure(W)
    assert s.antipodal_pairs == [(0, 2), (1, 3)]
    assert list(s.order) == [0, 1, 4, 2, 3]
    assert s.gaps.sum() == pytest.approx(2 * PI)
    assert tms.angle_structure(W, antipodal_tolerance=0.04).antipodal_pairs == [(0, 2)]
    # One antipodal pair alone: that pair, two gaps of pi.
    pair = tms.angle_structure(directions([0.7, 0.7 + PI]))
    assert pair.antipodal_pairs == [(0, 1)]
    np.testing.assert_allclose(pair.gaps, [PI, PI])
    assert pair.max_gap_deviation == pytest.approx(0.0, abs=1e-12)


def test_unrepresented_features_and_threshold():
    W = directions([0.0, 1.0, -1.0])
    W[:, 1] *= 0.4
    s = tms.angle_structure(W)
    assert math.isnan(s.angles[1])
    assert s.angles[2] == pytest.approx(2 * PI - 1.0)
    assert s.represented == 2
    assert tms.angle_structure(W, represented_threshold=0.3).represented == 3
    W[:, 2] *= 0.4
    single = tms.angle_structure(W)
    np.testing.assert_allclose(single.gaps, [2 * PI])
    W[:, 0] *= 0.4
    none = tms.angle_structure(W)
    assert none.represented == 0 and none.gaps.shape == (0,) and math.isnan(none.max_gap_deviation)
    assert np.isnan(none.angles).all()


def test_angle_structure_on_models_and_stacks():
    model = tms.ReluOutputModel(5, 2, seed=0)
    assert same(tms.angle_structure(model), tms.angle_structure(np.array(model.W)))
    stack = tms.stack_weights([tms.ReluOutputModel(5, 2, seed=s) for s in range(3)])
    results = tms.angle_structure(stack)
    assert len(results) == 3 and same(results[2], tms.angle_structure(stack[2]))
    assert not same(results[1], results[2])
    # The abs-value model through its effective weights, invariant under the rescaling symmetry.
    abs_model = tms.AbsValueModel(4, 2, dtype=np.float64, seed=1)
    before = tms.angle_structure(abs_model, represented_threshold=0.0)
    np.testing.assert_array_equal(before.angles, tms.angle_structure(tms.effective_weights(abs_model), 0.0).angles)
    abs_model.W1[0] *= 10
    abs_model.W2[:, 0] /= 10
    np.testing.assert_allclose(tms.angle_structure(abs_model, represented_threshold=0.0).angles, before.angles)


def test_trained_pentagon():
    # The C++ test's run: n = 5, m = 2, uniform importance, 1 - S = 0.05, initial weights and data from seed 0.
    model = tms.ReluOutputModel(5, 2, seed=0)
    before = tms.angle_structure(model)
    assert not (before.represented == 5 and before.max_gap_deviation < 0.1)
    tms.train(model, probability=0.05, importance=1.0, steps=10_000, seed=0)
    after = tms.angle_structure(model)
    assert after.represented == 5
    assert after.max_gap_deviation < 0.1
    assert after.antipodal_pairs == []


def test_angle_structure_bad_input():
    with pytest.raises(ValueError, match=r"shape \(2, features\).*got \(3, 3\)"):
        tms.angle_structure(np.eye(3))
    with pytest.raises(ValueError, match=r"tolerance"):
        tms.angle_structure(np.eye(2), antipodal_tolerance=2.0)
    with pytest.raises(ValueError, match=r"shape \(hidden, features\)"):
        tms.angle_structure(np.array([["a", "b"], ["c", "d"]]))
    with pytest.raises(ValueError, match=r"shape \(hidden, features\)"):
        tms.angle_structure(np.zeros(5))


# ---------------------------------------------------------------------------------------------------------------
# set_interference


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_set_interference_classes(dtype):
    # Correlated pair {0, 1} orthogonal; anticorrelated pair {2, 3} antipodal; independent feature 4.
    W = np.array([[1, 0, 0, 0, 0.6], [0, 1, 0, 0, 0.8], [0, 0, 1, -1, 0]], dtype=dtype)
    s = tms.analysis.set_interference(W, [("correlated", 2, 0.1), ("anticorrelated", 2, 0.1)])
    assert s.within_correlated.pairs == 1
    assert s.within_correlated.mean == pytest.approx(0.0, abs=1e-7)
    assert s.within_correlated.mean_abs_cosine == pytest.approx(0.0, abs=1e-7)
    assert s.within_anticorrelated.pairs == 1
    assert s.within_anticorrelated.mean == pytest.approx(-1.0)
    assert s.within_anticorrelated.mean_cosine == pytest.approx(-1.0)
    assert s.within_anticorrelated.fraction_negative == 1.0
    assert s.across_sets.pairs == 4
    assert s.across_sets.mean_abs_cosine == pytest.approx(0.0, abs=1e-7)
    assert s.with_independent.pairs == 4
    assert s.with_independent.mean == pytest.approx(0.35, rel=1e-6)
    assert s.with_independent.fraction_negative == 0.0


def test_set_interference_scale_threshold_and_empty_classes():
    W = np.array([[2, -2, 0.1, 0], [0, 0, 0, 0.3]])
    sets = [("correlated", 2, 0.05)] * 2  # as ARENA's n_correlated_pairs=2
    s = tms.set_interference(W, sets)
    assert s.within_correlated.pairs == 1  # {2, 3} has no represented feature
    assert s.within_correlated.mean == pytest.approx(-4.0)
    assert s.within_correlated.mean_cosine == pytest.approx(-1.0)
    assert s.across_sets.pairs == 0 and math.isnan(s.across_sets.mean)
    assert math.isnan(s.within_anticorrelated.mean_cosine)
    low = tms.set_interference(W, sets, represented_threshold=0.05)
    assert (low.across_sets.pairs, low.within_correlated.pairs) == (4, 2)
    # TrainConfig's form (probability None) and a sampler give the same sets.
    assert same(tms.set_interference(W, [("correlated", 2, None)] * 2), s)
    assert same(tms.set_interference(W, tms.CorrelatedFeatureSampler(sets, 0)), s)
    assert not same(low, s)


def test_set_interference_bad_sets():
    W = np.ones((2, 3))
    with pytest.raises(ValueError, match="feature set 1 of size 2 does not fit in the 3 features of W after 2"):
        tms.set_interference(W, [("anticorrelated", 2, 0.05)] * 2)
    with pytest.raises(ValueError, match="'correlated' or 'anticorrelated'"):
        tms.set_interference(W, [("both", 2, 0.05)])
    with pytest.raises(ValueError, match=r"\(correlation, size, probability\)"):
        tms.set_interference(W, [("correlated", 2)])
    with pytest.raises(ValueError, match="size must be an integer"):
        tms.set_interference(W, [("correlated", 1.5, 0.1)])


def test_set_interference_trained_anticorrelated_pairs_are_antipodal():
    # The C++ test's run: two anticorrelated pairs, m = 2, p = 0.05, seed 0.
    config = tms.TrainConfig(features=4, hidden=2, sets=[("anticorrelated", 2, 0.05)] * 2, importance=1.0,
                             probability=0.05, steps=10_000, seed=0)
    result = tms.train_many([config])[0]
    after = tms.set_interference(result.model, config.sets)
    assert after.within_anticorrelated.pairs == 2
    assert after.within_anticorrelated.mean_cosine < -0.95
    assert after.across_sets.mean_abs_cosine < 0.1
    before = tms.set_interference(tms.ReluOutputModel(4, 2, seed=0), config.sets)
    assert not (before.within_anticorrelated.pairs == 2 and before.within_anticorrelated.mean_cosine < -0.95)


# ---------------------------------------------------------------------------------------------------------------
# find_asymmetric_superposition


def motif(dtype=np.float64):
    """The C++ fixture: s = 0 and w = 1 in neuron 0 as W1 = [2, -1/2] with output weights [1/2, 2]; neuron 1 fires
    on s and inhibits w's output; neuron 2 is an ordinary absolute-value neuron for feature 2."""
    model = tms.AbsValueModel(3, 3, dtype=dtype)
    model.W1 = np.array([[2.0, -0.5, 0.0], [0.4, 0.0, 0.0], [0.0, 0.0, 1.0]], dtype=dtype)
    model.W2 = np.array([[0.5, 0.0, 0.0], [2.0, -5.0, 0.0], [0.0, 0.0, 1.0]], dtype=dtype)
    return model


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_motif_found_with_its_neurons_and_ratios(dtype):
    model = motif(dtype)
    found = tms.analysis.find_asymmetric_superposition(model)
    assert len(found) == 1
    m = found[0]
    assert (m.neuron, m.strong_feature, m.weak_feature, m.inhibitor) == (0, 0, 1, 1)
    assert m.input_ratio == pytest.approx(4.0)
    assert m.output_ratio == pytest.approx(4.0)
    assert m.interference == pytest.approx(4.0)
    assert m.inhibition == pytest.approx(0.5)
    # The same from the arrays, and with mixed dtypes.
    assert tms.find_asymmetric_superposition(np.array(model.W1), np.array(model.W2)) == found
    assert len(tms.find_asymmetric_superposition(np.array(model.W1, dtype=np.float32),
                                                 np.array(model.W2, dtype=np.float64))) == 1


def test_each_part_of_the_motif_is_required_and_thresholds_apply():
    model = motif()
    model.W2[1, 1] = -1.0  # the inhibitor cancels only 10% of the interference
    assert tms.find_asymmetric_superposition(model) == []
    assert len(tms.find_asymmetric_superposition(model, min_inhibition=0.05)) == 1
    model = motif()
    model.W2[0, 0] = 2.0  # symmetric output weights: ordinary superposition
    assert tms.find_asymmetric_superposition(model) == []
    model = motif()
    model.W1[1, 0] = -0.4  # the would-be inhibitor fires on the other sign of s
    assert tms.find_asymmetric_superposition(model) == []
    model = motif()
    model.W1 = -np.array(model.W1)  # both neurons negated: B still fires with A, the motif stays
    assert len(tms.find_asymmetric_superposition(model)) == 1
    assert tms.find_asymmetric_superposition(motif(), min_asymmetry=5.0) == []
    assert tms.find_asymmetric_superposition(motif(), min_gain=1.5) == []


def test_rescaling_symmetry_changes_nothing():
    model = motif()
    for j, factor in enumerate([10.0, 0.1, 3.0]):
        model.W1[j] *= factor
        model.W2[:, j] /= factor
    found = tms.find_asymmetric_superposition(model)
    assert len(found) == 1 and found[0].inhibition == pytest.approx(0.5)


def test_no_motif_in_initial_weights_or_a_monosemantic_layer():
    for seed in range(20):
        assert tms.find_asymmetric_superposition(tms.AbsValueModel(100, 40, seed=seed)) == []
    W1 = np.zeros((8, 4))
    W2 = np.zeros((4, 8))
    for i in range(4):
        W1[2 * i, i], W1[2 * i + 1, i] = 1.0, -1.0
        W2[i, 2 * i] = W2[i, 2 * i + 1] = 1.0
    assert tms.find_asymmetric_superposition(W1, W2) == []


def test_asymmetric_superposition_bad_input():
    with pytest.raises(ValueError, match=r"W2 must have shape \(features, hidden\) = \(3, 2\)"):
        tms.find_asymmetric_superposition(np.zeros((2, 3)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="needs W2"):
        tms.find_asymmetric_superposition(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="abs-value model"):
        tms.find_asymmetric_superposition(tms.ReluHiddenModel(3, 2))
    with pytest.raises(ValueError, match="taken from the model"):
        tms.find_asymmetric_superposition(motif(), np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"W1 must have shape \(hidden, features\)"):
        tms.find_asymmetric_superposition(np.zeros(3), np.zeros(3))


# ---------------------------------------------------------------------------------------------------------------
# The extra-feature phases


@pytest.mark.parametrize("r, s", [(0.2, 0.1), (4.0, 0.4), (1.0, 1.0), (0.5, 0.57)])
def test_two_feature_losses_closed_forms(r, s):
    losses = tms.analysis.two_feature_losses(r, s)
    assert losses.ignore_extra == pytest.approx(r * (s / 3 - s * s / 4), rel=1e-14)
    assert losses.dedicate_extra == pytest.approx(s / 3 - s * s / 4, rel=1e-14)
    assert losses.antipodal == pytest.approx((1 + r) * s * s / 6, rel=1e-14)
    assert tms.dropped_feature_loss(r, s) == pytest.approx(r * (s / 3 - s * s / 4), rel=1e-14)


def test_two_feature_losses_match_the_model_by_monte_carlo():
    # The closed forms against the ReLU output model itself; the model's loss is half the per-sample sum.
    r, s = 0.5, 0.4
    x = tms.SparseFeatureSampler(s, 2, dtype=np.float64).sample(400_000, seed=5)
    losses = tms.two_feature_losses(r, s)
    model = tms.ReluOutputModel(2, 1, dtype=np.float64)
    for W, b, exact in [((1, 0), (0, s / 2), losses.ignore_extra), ((0, 1), (s / 2, 0), losses.dedicate_extra),
                        ((1, -1), (0, 0), losses.antipodal)]:
        model.W = np.array([W], dtype=np.float64)
        model.b = np.array(b, dtype=np.float64)
        assert 2 * model.loss(x, importance=np.array([1.0, r])) == pytest.approx(exact, rel=0.03)


def test_phase_boundaries_and_names():
    for r in (0.1, 0.3, 1.0, 2.0, 10.0):
        boundary = tms.antipodal_boundary_density(r)
        assert boundary == pytest.approx(4 * r / (2 + 5 * r) if r <= 1 else 4 / (5 + 2 * r), rel=1e-14)
        assert boundary == pytest.approx(tms.antipodal_boundary_density(1 / r), rel=1e-12)
        losses = tms.two_feature_losses(r, boundary)
        assert losses.antipodal == pytest.approx(losses.ignore_extra if r <= 1 else losses.dedicate_extra, rel=1e-12)
        assert tms.analytic_two_feature_phase(r, 0.9 * boundary) == "superposition"
        assert tms.analytic_two_feature_phase(r, min(1.0, 1.1 * boundary)) != "superposition"
    assert tms.antipodal_boundary_density(1.0) == pytest.approx(4 / 7)
    assert tms.analytic_two_feature_phase(0.5, 1.0) == "ignore extra"
    assert tms.analytic_two_feature_phase(2.0, 1.0) == "dedicate to extra"
    assert tms.analytic_two_feature_phase(1.0, 1.0) == "ignore extra"
    assert set(tms.analysis.PHASES) == {"ignore extra", "dedicate to extra", "superposition", "unclassified"}


def test_phase_functions_broadcast_over_arrays():
    r = np.array([0.5, 1.0, 2.0])
    s = np.array([[0.1], [0.9]])
    losses = tms.two_feature_losses(r, s)
    assert losses.antipodal.shape == (2, 3)
    np.testing.assert_allclose(losses.antipodal, (1 + r) * s ** 2 / 6)
    np.testing.assert_allclose(losses.ignore_extra, r * (s / 3 - s ** 2 / 4))
    phases = tms.analytic_two_feature_phase(r, s)
    assert phases.shape == (2, 3)
    assert phases[0].tolist() == ["superposition"] * 3
    assert phases[1].tolist() == ["ignore extra", "ignore extra", "dedicate to extra"]
    np.testing.assert_allclose(tms.antipodal_boundary_density(r), [4 * 0.5 / 4.5, 4 / 7, 4 / 9])
    np.testing.assert_allclose(tms.dropped_feature_loss([1.0, 2.0], 1.0), [1 / 12, 2 / 12])


def test_phase_bad_points():
    with pytest.raises(ValueError, match="extra feature importance r must be finite and positive, got 0"):
        tms.two_feature_losses(0.0, 0.5)
    with pytest.raises(ValueError, match=r"feature density 1 - S must be in \(0, 1\], got 1.5"):
        tms.two_feature_losses(1.0, 1.5)
    with pytest.raises(ValueError, match="density"):
        tms.analytic_two_feature_phase([1.0, 1.0], [0.5, 0.0])
    with pytest.raises(ValueError, match="importance"):
        tms.antipodal_boundary_density(-1.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_classify_extra_feature_n2_m1(dtype):
    def phase(*w):
        return tms.analysis.classify_extra_feature(np.array([w], dtype=dtype), 1)

    assert phase(1, 0) == "ignore extra"
    assert phase(0.3, 1.02) == "dedicate to extra"  # residual interference 0.09 < 0.25
    assert phase(0.98, -1.01) == "superposition"
    assert phase(0.98, 1.01) == "unclassified"  # positive interference
    assert phase(0.1, -0.2) == "unclassified"  # nothing represented


def test_classify_extra_feature_thresholds_and_n3_m2():
    assert tms.classify_extra_feature(np.array([[1.0, 0.5]]), 1) == "ignore extra"
    assert tms.classify_extra_feature(np.array([[1.0, -0.51]]), 1) == "superposition"
    W = np.array([[-0.49, 1.0]])  # interference 0.49² = 0.2401
    assert tms.classify_extra_feature(W, 1) == "dedicate to extra"
    assert tms.classify_extra_feature(W, 1, shared_threshold=0.2) == "superposition"
    assert tms.classify_extra_feature(W, 1, represented_threshold=1.5) == "unclassified"
    assert tms.classify_extra_feature(np.array([[1.0, 0, 0], [0, 1, 0]]), 2) == "ignore extra"
    assert tms.classify_extra_feature(np.array([[1.0, 0, 0], [0, 0, 1]]), 2) == "dedicate to extra"
    assert tms.classify_extra_feature(np.array([[1.0, 0, -1], [0, 1, 0]]), -1) == "superposition"
    triangle = directions(2 * PI / 3 * np.arange(3))
    assert tms.classify_extra_feature(triangle, 0) == "superposition"
    model = tms.ReluOutputModel(2, 1, dtype=np.float64, seed=3)
    assert tms.classify_extra_feature(model, 1) == tms.classify_extra_feature(np.array(model.W), 1)
    with pytest.raises(ValueError, match="extra feature 2 is not one of the 2 features"):
        tms.classify_extra_feature(np.array([[1.0, 0.0]]), 2)


def test_trained_two_feature_models_land_in_the_analytic_phase():
    # Two of the C++ test's points (best of 3 seeds, 4000 steps at lr 3e-3): dense, then sparse.
    for r, s in [(3.0, 1.0), (1.0, 0.05)]:
        configs = [tms.TrainConfig(features=2, hidden=1, probability=s, importance=[1.0, r], steps=4000,
                                   learning_rate=3e-3, seed=seed, dtype=np.float64) for seed in range(3)]
        best = min(tms.train_many(configs), key=lambda result: result.final_loss)
        assert tms.classify_extra_feature(best.model, 1) == tms.analytic_two_feature_phase(r, s)


# ---------------------------------------------------------------------------------------------------------------
# dimensionality_jumps and the learning-dynamics figure


def trajectory(from_level, leave, to_level, arrive):
    """The C++ test's trajectory as (D, steps, loss): one feature's D over steps 0, 10, ..., 2000 (a linear move
    between the levels); the loss halves halfway through the move and is NaN at step 0."""
    steps = np.arange(0, 2001, 10)
    d = np.where(steps <= leave, from_level,
                 np.where(steps >= arrive, to_level,
                          from_level + (to_level - from_level) * (steps - leave) / (arrive - leave)))
    loss = np.where(steps < (leave + arrive) / 2, 2.0, 1.0)
    loss[0] = np.nan
    return d[:, None], steps, loss


def test_one_jump_with_its_loss():
    d, steps, loss = trajectory(0.5, 800, 0.4, 1000)
    jumps = tms.analysis.dimensionality_jumps(d, steps, loss)
    assert len(jumps) == 1
    j = jumps[0]
    assert (j.feature, j.from_level, j.to_level, j.from_first, j.to_last) == (0, 0.5, 0.4, 0, 2000)
    assert 830 <= j.from_last <= 840 and 960 <= j.to_first <= 970
    assert (j.loss_before, j.loss_after, j.loss_dwell_start) == pytest.approx((2.0, 1.0, 2.0))
    no_loss = tms.dimensionality_jumps(d, steps)
    assert len(no_loss) == 1 and math.isnan(no_loss[0].loss_before)
    # The parameters reach the C++: a longer required dwell or a shorter allowed transition removes the jump.
    assert tms.dimensionality_jumps(d, steps, dwell_steps=900) == []
    assert tms.dimensionality_jumps(d, steps, max_transition_steps=100) == []
    assert len(tms.dimensionality_jumps(d, steps, level_tolerance=0.001)) == 1
    assert tms.analysis.ENERGY_LEVELS == pytest.approx((1.0, 0.75, 2 / 3, 0.5, 0.4, 0.375))


def test_what_is_not_a_jump():
    assert tms.dimensionality_jumps(*trajectory(0.4, 800, 0.375, 900)) == []  # levels too close
    assert len(tms.dimensionality_jumps(*trajectory(0.4, 800, 0.375, 900), min_level_change=0.02)) == 1
    assert tms.dimensionality_jumps(*trajectory(0.5, 500, 0.4, 1500)) == []  # too slow
    assert tms.dimensionality_jumps(*trajectory(0.5, 200, 0.4, 300)) == []  # too short a dwell
    d, steps, loss = trajectory(0.5, 800, 0.4, 1000)
    d[:70, 0] = np.nan  # not represented for most of the first level
    assert tms.dimensionality_jumps(d, steps, loss) == []


def test_jumps_bad_input():
    d, steps, loss = trajectory(0.5, 800, 0.4, 1000)
    with pytest.raises(ValueError, match=r"dimensionality must have shape \(2, features\)"):
        tms.dimensionality_jumps(d, [0, 10])
    with pytest.raises(ValueError, match=r"loss must have shape \(201,\)"):
        tms.dimensionality_jumps(d, steps, loss[:-1])
    with pytest.raises(ValueError, match="strictly increasing"):
        tms.dimensionality_jumps(d, steps[::-1])
    with pytest.raises(ValueError, match="dwell_steps"):
        tms.dimensionality_jumps(d, steps, dwell_steps=-1)


def polyline_count(figure):
    return sum(1 for e in ET.fromstring(figure.svg).iter() if e.tag.endswith("polyline"))


def test_learning_dynamics_from_a_training_run():
    model = tms.ReluOutputModel(5, 2, seed=0)
    result = tms.train(model, probability=0.05, importance=1.0, steps=2000, snapshot_every=10, log_every=10)
    # A stack of W is the same as its D_i.
    d = tms.feature_dimensionality(result.snapshots)
    assert d.shape == (201, 5)
    assert same(tms.dimensionality_jumps(result.snapshots, result.snapshot_steps),
                tms.dimensionality_jumps(d, result.snapshot_steps))
    figure = tms.plot.learning_dynamics(result, title="pentagon forming")
    assert isinstance(figure, tms.plot.Figure)
    titles = [e.text for e in ET.fromstring(figure.svg).iter() if e.tag.endswith("title")]
    assert titles[0] == "pentagon forming"
    polylines = polyline_count(figure)
    assert polylines >= 2  # at least one feature's D_i and the loss curve
    explicit = tms.plot.learning_dynamics(result.snapshot_steps, d, title="pentagon forming")
    assert polyline_count(explicit) == polylines - 1  # no loss given: no loss curve
    with pytest.raises(ValueError, match="snapshot_every"):
        tms.plot.learning_dynamics(tms.train(model, steps=10))
    with pytest.raises(ValueError, match=r"dimensionality must have shape \(3, features\)"):
        tms.plot.learning_dynamics([0, 10, 20], d)
    with pytest.raises(ValueError, match="last_step_shown"):
        tms.plot.learning_dynamics(result, last_step_shown=-1)
