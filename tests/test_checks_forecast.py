"""Forecasting check building blocks: each detects its mistake and accepts the right answer."""

from __future__ import annotations

import helpers  # noqa: F401
from helpers.checks import Wrong
from helpers.checks import forecast as fc

import numpy as np
import pytest
from sklearn.preprocessing import MinMaxScaler, StandardScaler

rng = np.random.default_rng(0)
SERIES = 1000 + 3 * np.arange(120) + 100 * np.sin(np.arange(120) / 12 * 2 * np.pi) + rng.normal(0, 10, 120)
TRAIN, TEST = SERIES[:96], SERIES[96:]


@pytest.mark.parametrize("kind", [MinMaxScaler, StandardScaler])
def test_scaler_fitted_on_train_passes(kind):
    fc.expect_scaler_fitted_on_train(kind().fit(TRAIN.reshape(-1, 1)), TRAIN, TEST)


@pytest.mark.parametrize(
    ("data", "message"),
    [(TEST, "fitted on the test set"), (SERIES, "fitted on all the data"),
     (TRAIN[:50], "not fitted on the training data")],
)
def test_scaler_mistakes(data, message):
    scaler = MinMaxScaler().fit(data.reshape(-1, 1))
    with pytest.raises(Wrong, match=message):
        fc.expect_scaler_fitted_on_train(scaler, TRAIN, TEST)


def test_unfitted_scaler_and_non_scaler():
    with pytest.raises(Wrong, match="not fitted yet"):
        fc.expect_scaler_fitted_on_train(MinMaxScaler(), TRAIN, TEST)
    with pytest.raises(Wrong, match="scikit-learn scaler"):
        fc.expect_scaler_fitted_on_train("minmax", TRAIN, TEST)


def test_unscaled_forecast():
    np.testing.assert_array_equal(fc.expect_unscaled_forecast(TEST + 5, TEST), TEST + 5)
    scaled = MinMaxScaler().fit(TRAIN.reshape(-1, 1)).transform(TEST.reshape(-1, 1))
    with pytest.raises(Wrong, match="still in scaled units"):
        fc.expect_unscaled_forecast(scaled, TEST)
    with pytest.raises(Wrong, match="24 values but the period to forecast has 12"):
        fc.expect_unscaled_forecast(np.ones(24), TEST[:12])


def test_window_covers_season():
    assert fc.expect_window_covers_season(12, 12) == 12
    with pytest.raises(Wrong, match="shorter than one seasonal cycle"):
        fc.expect_window_covers_season(6, 12)
    with pytest.raises(Wrong, match="whole number"):
        fc.expect_window_covers_season(12.5, 12)


def test_near_baseline():
    assert fc.expect_near_baseline(90.0, 100.0) == 90.0
    with pytest.raises(Wrong, match="far above the seasonal naive baseline"):
        fc.expect_near_baseline(400.0, 100.0)
    with pytest.raises(Wrong, match="one number"):
        fc.expect_near_baseline("low", 100.0)


def test_rmse_slips():
    errors = np.array([1.0, -2.0, 3.0])
    rmse = float(np.sqrt(np.mean(errors**2)))
    fc.expect_not_mse_or_mae(rmse, errors)
    with pytest.raises(Wrong, match="mean squared error"):
        fc.expect_not_mse_or_mae(rmse**2, errors, "r")
    with pytest.raises(Wrong, match="mean absolute error"):
        fc.expect_not_mse_or_mae(2.0, errors, "r")
