"""Per-step conformal margins, CRPS from quantiles and recursive sample paths (notebook 10)."""

from __future__ import annotations

import helpers  # noqa: F401
from helpers import intervals
from helpers.validation import CourseInputError

import numpy as np
import pytest
from scipy.stats import norm

RNG = np.random.default_rng(22)


# --- conformal_margins_by_step ---

def test_each_step_gets_the_pooled_margin_of_its_own_column():
    scores = RNG.normal(size=(30, 4)) * np.arange(1, 5)          # spread grows with the step
    margins = intervals.conformal_margins_by_step(scores, alpha=0.2)
    for step in range(4):
        assert margins[step] == intervals.conformal_margin(scores[:, step], alpha=0.2)
    assert np.all(np.diff(margins) > 0), "wider scores at later steps give wider margins"


def test_margins_by_step_cover_exchangeable_data():
    hits = []
    for trial in range(200):
        rng = np.random.default_rng(trial)
        cal, new = rng.normal(size=(19, 3)), rng.normal(size=(1, 3))
        hits.append(new <= intervals.conformal_margins_by_step(cal, alpha=0.1))
    assert np.mean(hits) >= 0.85, "at least 1 - alpha on average (0.9), up to sampling noise"


def test_too_few_origins_raise_unless_capped():
    scores = RNG.normal(size=(13, 12))
    with pytest.raises(CourseInputError, match="too few"):
        intervals.conformal_margins_by_step(scores, alpha=0.05)
    capped = intervals.conformal_margins_by_step(scores, alpha=0.05, cap=True)
    np.testing.assert_array_equal(capped, scores.max(axis=0))


@pytest.mark.parametrize("bad", [np.arange(5.0), np.zeros((0, 3)), [[1.0, np.nan]] * 9, "scores"])
def test_margins_by_step_reject_bad_scores(bad):
    with pytest.raises(CourseInputError):
        intervals.conformal_margins_by_step(bad, alpha=0.2)


def test_margins_by_step_reject_a_percent_alpha():
    with pytest.raises(CourseInputError, match="0.2"):
        intervals.conformal_margins_by_step(np.zeros((9, 2)), alpha=20)


# --- quantile_crps ---

def test_quantile_crps_with_many_levels_is_the_gaussian_crps():
    y = RNG.normal(size=200)
    levels = np.linspace(0.0005, 0.9995, 1000)
    quantiles = norm.ppf(levels)[None, :].repeat(y.size, axis=0)
    got = intervals.quantile_crps(y, quantiles, levels)
    want = intervals.crps_gaussian(y, np.zeros_like(y), np.ones_like(y))
    assert got == pytest.approx(want, rel=2e-3)


def test_quantile_crps_is_twice_the_weighted_pinball():
    y = RNG.normal(size=40)
    table = np.sort(RNG.normal(size=(40, 5)), axis=1)
    weights = np.array([0.0625, 0.2375, 0.4, 0.2375, 0.0625])      # cells around 2.5/10/50/90/97.5 %
    want = 2 * sum(w * intervals.pinball_loss(y, table[:, k], q)
                   for k, (w, q) in enumerate(zip(weights, intervals.QUANTILES, strict=True)))
    assert intervals.quantile_crps(y, table) == pytest.approx(want)
    per = intervals.quantile_crps(y, table, per_point=True)
    assert per.shape == (40,) and per.mean() == pytest.approx(want)


def test_quantile_crps_of_a_point_forecast_is_the_absolute_error():
    y, f = RNG.normal(size=30), RNG.normal(size=30)
    table = np.repeat(f[:, None], 5, axis=1)
    assert intervals.quantile_crps(y, table) == pytest.approx(np.mean(np.abs(y - f)))


@pytest.mark.parametrize("levels", [(0.5, 0.1), (0.1, 1.2), ()])
def test_quantile_crps_rejects_bad_levels(levels):
    with pytest.raises(CourseInputError):
        intervals.quantile_crps([0.0], [[0.0] * max(len(levels), 1)], levels)


def test_quantile_crps_rejects_a_shape_mismatch():
    with pytest.raises(CourseInputError, match="shape of y_true plus one axis of 5"):
        intervals.quantile_crps(np.zeros(4), np.zeros((4, 3)))


# --- recursive_paths ---

def test_recursive_paths_feed_each_draw_back():
    phi = 0.5

    def ar1(batch):
        return phi * batch[:, -1, :]

    noise = RNG.normal(size=(6, 4))            # one fixed shock per (row, step)
    step = iter(range(4))

    def draw(rng, out):
        return out[:, 0] + noise[:, next(step)]

    windows = RNG.normal(size=(3, 5, 1))
    paths = intervals.recursive_paths(ar1, windows, horizon=4, n_paths=2, draw=draw)
    assert paths.shape == (3, 2, 4)
    last = np.repeat(windows[:, -1, 0], 2)     # rows: origin 0 path 0, origin 0 path 1, ...
    for h in range(4):
        last = phi * last + noise[:, h]
        np.testing.assert_allclose(paths[:, :, h].ravel(), last, rtol=1e-5, atol=1e-6)


def test_recursive_paths_are_reproducible_and_vary_with_the_seed():
    def model(batch):
        return batch[:, -1, :]

    def draw(rng, out):
        return out[:, 0] + rng.normal(size=len(out))

    windows = np.zeros((2, 3, 1))
    a = intervals.recursive_paths(model, windows, 5, 50, draw, seed=1)
    b = intervals.recursive_paths(model, windows, 5, 50, draw, seed=1)
    c = intervals.recursive_paths(model, windows, 5, 50, draw, seed=2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a[:, :, -1].std() > a[:, :, 0].std(), "a random walk's paths spread out"


def test_recursive_paths_reject_bad_input():
    def model(batch):
        return batch[:, -1, :]

    def draw(rng, out):
        return out[:, 0]

    with pytest.raises(CourseInputError, match="origins, window, 1"):
        intervals.recursive_paths(model, np.zeros((3, 4)), 2, 2, draw)
    with pytest.raises(CourseInputError, match="functions"):
        intervals.recursive_paths("model", np.zeros((1, 3, 1)), 2, 2, draw)
    with pytest.raises(CourseInputError, match="one value per path"):
        intervals.recursive_paths(model, np.zeros((1, 3, 1)), 2, 2, lambda rng, out: out[:1, 0])
