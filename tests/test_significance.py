"""Diebold-Mariano and the block bootstrap (helpers.significance), against independent references."""

from __future__ import annotations

import math

from helpers import metrics
from helpers.significance import (
    absolute_errors,
    diebold_mariano,
    loss_differential_bootstrap,
    squared_errors,
)
from helpers.validation import CourseInputError

import numpy as np
import pandas as pd
import pytest
from scipy import stats


def dm_by_hand(a, b, h):
    """The textbook formulas, written out with loops (no code shared with the helper)."""
    d = [x - y for x, y in zip(a, b, strict=True)]
    n = len(d)
    mean = sum(d) / n
    def gamma(k):
        return sum((d[t] - mean) * (d[t - k] - mean) for t in range(k, n)) / n
    variance = gamma(0) + 2 * sum(gamma(k) for k in range(1, h))
    dm = mean / math.sqrt(variance / n)
    hln = math.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
    stat = dm * hln
    return stat, 2 * stats.t.sf(abs(stat), n - 1)


@pytest.mark.parametrize("h", [1, 2, 4])
def test_matches_a_hand_computation(h):
    rng = np.random.default_rng(h)
    a, b = rng.gamma(2.0, size=40), rng.gamma(2.2, size=40)
    stat, p = dm_by_hand(a.tolist(), b.tolist(), h)
    result = diebold_mariano(a, b, horizon=h)
    assert result.statistic == pytest.approx(stat, rel=1e-12)
    assert result.p_value == pytest.approx(p, rel=1e-10)
    assert result.mean_diff == pytest.approx(float(np.mean(a - b)))
    assert (result.n, result.horizon) == (40, h)


def simulate_p_values(n, h, shift, replicates=400, seed=0):
    """p-values of DM on MA(h-1) loss differentials with mean ``shift``."""
    rng = np.random.default_rng(seed)
    p = []
    for _ in range(replicates):
        e = rng.normal(size=n + h - 1)
        d = np.convolve(e, np.ones(h) / np.sqrt(h), mode="valid") + shift  # MA(h-1)
        base = rng.gamma(3.0, size=n) + 10
        p.append(diebold_mariano(base + d, base, horizon=h).p_value)
    return np.array(p)


@pytest.mark.parametrize("h", [1, 3])
def test_p_values_are_uniform_under_equal_accuracy(h):
    p = simulate_p_values(n=120, h=h, shift=0.0)
    assert stats.kstest(p, "uniform").pvalue > 0.01
    assert 0.02 <= np.mean(p < 0.05) <= 0.09


def test_power_grows_with_the_sample():
    rejections = [np.mean(simulate_p_values(n, 3, shift=0.3, replicates=200) < 0.05)
                  for n in (30, 120, 480)]
    assert rejections[0] < rejections[1] < rejections[2]
    assert rejections[2] > 0.9


def test_alternatives_and_2d_input():
    rng = np.random.default_rng(1)
    a = rng.gamma(2.0, size=(30, 12))
    b = a + 0.5 + rng.normal(0, 0.2, size=(30, 12))
    two = diebold_mariano(a, b, horizon=12)
    assert two.n == 30 and two.mean_diff == pytest.approx(float((a - b).mean()))
    less = diebold_mariano(a, b, horizon=12, alternative="less")
    greater = diebold_mariano(a, b, horizon=12, alternative="greater")
    assert less.p_value < 0.01 < greater.p_value
    assert less.p_value == pytest.approx(two.p_value / 2)
    assert "HLN, h = 12, n = 30" in str(two)


def test_bootstrap_interval_covers_the_true_mean_about_as_often_as_it_says():
    rng = np.random.default_rng(2)
    hits = 0
    for _ in range(150):
        e = rng.normal(size=121)
        d = 0.6 * e[1:] + 0.8 * e[:-1] + 0.25  # MA(1) with mean 0.25
        base = np.full(120, 5.0)
        r = loss_differential_bootstrap(base + d, base, n_boot=400, seed=int(rng.integers(1e9)))
        hits += r.low <= 0.25 <= r.high
    assert 0.85 <= hits / 150 <= 0.99


def test_bootstrap_is_reproducible_and_detects_a_clear_gap():
    a = np.tile([1.0, 2.0, 1.5, 0.5, 1.0, 2.0], 10)
    b = a + 0.5 + np.tile([0.1, -0.1], 30)
    first, second = loss_differential_bootstrap(a, b, seed=3), loss_differential_bootstrap(a, b, seed=3)
    assert first == second and first.excludes_zero and first.high < 0
    assert "block-bootstrap interval" in str(first)
    equal = loss_differential_bootstrap(a, a[::-1].copy())
    assert not equal.excludes_zero


def test_losses_from_errors_keep_dates_and_check_alignment():
    dates = pd.date_range("2015-01-01", periods=5, freq="D")
    truth = pd.Series([1.0, 2, 3, 4, 5], index=dates)
    forecast = pd.Series([1.0, 1, 3, 6, 5], index=dates)
    sq = squared_errors(truth, forecast)
    assert sq.index.equals(dates) and sq.tolist() == [0, 1, 0, 4, 0]
    assert absolute_errors(truth, forecast).tolist() == [0, 1, 0, 2, 0]
    with pytest.raises(CourseInputError, match="dates do not match"):
        squared_errors(truth, forecast.shift(1, freq="D"))


def test_clear_errors():
    with pytest.raises(CourseInputError, match="never negative"):
        diebold_mariano([1.0, -2.0, 3.0, 1.0], [1.0, 2.0, 3.0, 2.0])
    with pytest.raises(CourseInputError, match="same time points"):
        diebold_mariano([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(CourseInputError, match="too few"):
        diebold_mariano([1.0, 2.0, 3.0, 4.0], [2.0, 1.0, 3.0, 4.0], horizon=5)
    with pytest.raises(CourseInputError, match="no variance"):
        diebold_mariano([2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0])
    with pytest.raises(CourseInputError, match="alternative"):
        diebold_mariano([1.0, 2.0, 3.0, 4.0], [2.0, 1.0, 3.0, 4.0], alternative="smaller")
    dates = pd.date_range("2015-01-01", periods=4, freq="D")
    a = pd.Series([1.0, 2, 3, 4], index=dates)
    with pytest.raises(CourseInputError, match="different dates"):
        diebold_mariano(a, a.shift(1, freq="D"))
    with pytest.raises(CourseInputError, match="more than half"):
        loss_differential_bootstrap(np.ones(10), np.ones(10) * 2 + np.arange(10), block=6)


def test_identical_forecasts_are_not_different():
    a = np.array([1.0, 2.0, 3.0, 4.0])
    result = diebold_mariano(a, a.copy())
    assert result.statistic == 0.0 and result.p_value == 1.0


def test_reexported_from_metrics():
    assert metrics.diebold_mariano is diebold_mariano
    assert "loss_differential_bootstrap" in metrics.__all__
