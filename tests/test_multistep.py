"""Tests for helpers.multistep: the oracle against statsmodels and a hand computation, the figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import helpers  # noqa: F401  (sets the Keras backend before keras is imported)
from helpers.multistep import oracle_forecasts, plot_rolling_origins, plot_sequence_targets
from helpers.validation import CourseInputError

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.statespace.sarimax import SARIMAX


def simulate(n, seed, ar=0.9, level_sd=1.0, noise_sd=1.0):
    """The recipe of notebook 05: a known mean, an AR(1) level and white noise."""
    rng = np.random.default_rng(seed)
    mean = 100 + np.tile([-6, -9, -4, -2, 0, 1, 4, 3, 0, 2, 7, 16.0], n // 12 + 2)[: n + 24]
    level = np.zeros(n)
    for t in range(1, n):
        level[t] = ar * level[t - 1] + rng.normal(0, level_sd)
    return mean[:n] + level + rng.normal(0, noise_sd, n), mean


def test_oracle_equals_statsmodels_forecast_refitted_at_each_origin():
    values, mean = simulate(240, seed=1)
    origins = [100, 150, 231]
    oracle = oracle_forecasts(values, mean, origins, 6, ar=0.9, level_sd=1.0, noise_sd=1.0)
    for row, origin in enumerate(origins):
        reference = SARIMAX(values[:origin] - mean[:origin], order=(1, 0, 0), trend="n",
                            measurement_error=True).filter([0.9, 1.0, 1.0]).get_forecast(6)
        np.testing.assert_allclose(oracle.forecasts[row], reference.predicted_mean + mean[origin : origin + 6])
        np.testing.assert_allclose(oracle.error_sd[row], np.sqrt(reference.var_pred_mean))


def test_oracle_without_noise_is_the_ar_forecast_by_hand():
    # With no measurement noise the level is observed exactly: the forecast is ar**h times the
    # last deviation, and the error variance is level_sd**2 * (1 + ar**2 + ... + ar**(2h-2)).
    values, mean = simulate(120, seed=2, noise_sd=0.0)
    oracle = oracle_forecasts(values, mean, [60, 90], 3, ar=0.9, level_sd=2.0, noise_sd=0.0)
    for row, origin in enumerate([60, 90]):
        deviation = values[origin - 1] - mean[origin - 1]
        np.testing.assert_allclose(oracle.forecasts[row], mean[origin : origin + 3]
                                   + deviation * 0.9 ** np.arange(1, 4), atol=1e-6)
    np.testing.assert_allclose(oracle.error_sd[0], 2.0 * np.sqrt([1, 1 + 0.81, 1 + 0.81 + 0.81**2]),
                               rtol=1e-6)


def test_oracle_realised_error_matches_its_expected_error_over_many_series():
    squared = []
    for seed in range(60):
        values, mean = simulate(120, seed=100 + seed)
        oracle = oracle_forecasts(values, mean, [100, 108], 12, ar=0.9, level_sd=1.0, noise_sd=1.0)
        truth = np.stack([values[100:112], values[108:120]])
        squared.append((truth - oracle.forecasts) ** 2)
    realised = np.sqrt(np.mean(squared))
    assert realised == pytest.approx(oracle.expected_rmse, rel=0.12)
    # a model that ignores the level (the known mean alone) is clearly worse
    assert oracle.expected_rmse < np.sqrt(1 / (1 - 0.81) + 1.0)


def test_expected_error_grows_with_the_step():
    values, mean = simulate(200, seed=3)
    oracle = oracle_forecasts(values, mean, np.arange(150, 180, 3), 12, ar=0.9, level_sd=1.0,
                              noise_sd=1.0)
    assert oracle.forecasts.shape == oracle.error_sd.shape == (10, 12)
    assert (np.diff(oracle.expected_rmse_per_step) > 0).all()
    assert oracle.expected_rmse_per_step[-1] < np.sqrt(1 / (1 - 0.81) + 1.0)   # the unconditional sd


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"origins": [1]}, "between 2 and"),
        ({"origins": [500]}, "between 2 and"),
        ({"origins": [10.5]}, "1-D list of integers"),
        ({"horizon": 0}, "positive integer"),
        ({"ar": 1.0}, "-1 < ar < 1"),
        ({"level_sd": 0.0}, "level_sd > 0"),
        ({"mean": np.zeros(50)}, "covering the values"),
    ],
)
def test_oracle_bad_input_is_explained(kwargs, message):
    values, mean = simulate(120, seed=4)
    arguments = {"values": values, "mean": mean, "origins": [100], "horizon": 12, "ar": 0.9,
                 "level_sd": 1.0, "noise_sd": 1.0, **kwargs}
    with pytest.raises(CourseInputError, match=message):
        oracle_forecasts(**arguments)


def test_oracle_refuses_missing_values():
    values, mean = simulate(120, seed=5)
    values[50] = np.nan
    with pytest.raises(CourseInputError, match="finite"):
        oracle_forecasts(values, mean, [100], 12, ar=0.9, level_sd=1.0, noise_sd=1.0)


def test_rolling_origin_schematic_labels_every_origin():
    index = pd.date_range("2000-01-01", periods=120, freq="MS")
    ax = plot_rolling_origins(index, fit_end=72, train_end=96, origins=[96, 102, 108], horizon=12)
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert labels == ["networks", "origin 2008-12", "origin 2008-06", "origin 2007-12"]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert len(ax.patches) == 2 + 2 * 3
    plt.close("all")
    with pytest.raises(CourseInputError, match="fit_end"):
        plot_rolling_origins(index, fit_end=100, train_end=96, origins=[96], horizon=12)


def test_sequence_targets_grid():
    ax = plot_sequence_targets(4, 3)
    grid = ax.images[0].get_array()
    assert grid.shape == (4, 7)
    # row t: inputs 1..t read, targets t+1..t+3
    assert grid[0].tolist() == [1, 2, 2, 2, 0, 0, 0]
    assert grid[3].tolist() == [1, 1, 1, 1, 2, 2, 2]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    plt.close("all")
    with pytest.raises(CourseInputError, match="window"):
        plot_sequence_targets(0, 3)
