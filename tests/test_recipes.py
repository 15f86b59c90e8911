"""helpers.recipes: the transform undoes itself, early stopping is held out, the recipes run."""

from __future__ import annotations

from helpers.baselines import BacktestFold
from helpers.data import load
from helpers.recipes import (
    SeriesTransform,
    _Network,
    _one_step_fitted,
    fine_tuned_backtest,
    lstm_forecast,
    lstm_residuals,
    stop_split,
)
from helpers.validation import CourseInputError
from helpers.windows import make_windows

import numpy as np
import pandas as pd
import pytest

SALES = load("wine_sales")
TINY = {"epochs": 1, "patience": 1, "units": 2}


def monthly(values, start="2000-01-01"):
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"), dtype=float)


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("deseasonalise", [False, True])
@pytest.mark.parametrize("scaler", ["standard", "min-max"])
def test_transform_round_trip(log, deseasonalise, scaler):
    t = SeriesTransform(log=log, deseasonalise=deseasonalise, scaler=scaler).fit(SALES.iloc[:100])
    scaled = t.transform(SALES)
    assert np.allclose(t.inverse(scaled, SALES.index), SALES, rtol=1e-5)


def test_transform_learns_only_from_the_months_it_is_fitted_on():
    early, late = SALES.iloc[:100], SALES.iloc[100:]
    t = SeriesTransform(log=True, deseasonalise=True).fit(early)
    changed = SeriesTransform(log=True, deseasonalise=True).fit(pd.concat([early, late * 3]).iloc[:100])
    assert np.allclose(t.scaler_.mean_, changed.scaler_.mean_)
    assert np.allclose(t.profile_, changed.profile_)
    assert t.fitted_on_[2] == 100


def test_deseasonalise_recovers_a_known_season():
    season = np.tile(np.r_[6.0, -6.0, np.zeros(10)], 6)
    t = SeriesTransform(deseasonalise=True).fit(monthly(50 + season + 0.1 * np.arange(72)))
    expected = np.r_[6.0, -6.0, np.zeros(10)] - 0.0   # the profile is centred to sum to zero
    assert np.allclose(t.profile_.to_numpy(), expected, atol=1e-9)
    # the deseasonalised series is the trend: its scaled values increase month by month
    scaled = t.transform(monthly(50 + season + 0.1 * np.arange(72)))
    assert np.all(np.diff(scaled) > 0)


def test_transform_refuses_bad_input():
    with pytest.raises(CourseInputError, match="scaler"):
        SeriesTransform(scaler="robust")
    with pytest.raises(CourseInputError, match="positive"):
        SeriesTransform(log=True).fit(monthly(np.tile([1.0, -1.0], 15)))
    with pytest.raises(CourseInputError, match="24"):
        SeriesTransform(deseasonalise=True).fit(monthly(np.ones(20)))
    with pytest.raises(CourseInputError, match="monthly"):
        SeriesTransform().fit(pd.Series(np.ones(30)))
    with pytest.raises(CourseInputError, match="fit"):
        SeriesTransform().transform(SALES)


@pytest.mark.parametrize("horizon", [1, 3, 12])
def test_stop_split_holds_early_stopping_out(horizon):
    n, window, stop_months = 60, 12, 12
    train, stop = stop_split(n, window, horizon, stop_months)
    X, y = make_windows(np.arange(float(n)), window, horizon)
    labels_train, labels_stop = y[train].reshape(-1), y[stop].reshape(-1)
    assert labels_train.max() < labels_stop.min() == n - stop_months   # held out, in order
    assert labels_stop.max() == n - 1
    assert (~train & ~stop).sum() == horizon - 1                       # the purge
    assert len(X) == len(train) == len(stop)


def test_stop_split_refuses_too_few_stop_months():
    with pytest.raises(CourseInputError, match="stop_months >= 12"):
        stop_split(60, 12, 12, 6)
    with pytest.raises(CourseInputError, match="cannot give windows"):
        stop_split(20, 12, 12, 6)


@pytest.mark.parametrize("settings", [{}, {"strategy": "direct", "log": True, "deseasonalise": True}])
def test_lstm_forecast_is_dated_repeatable_and_seed_dependent(settings):
    history = SALES.iloc[:120]
    first = lstm_forecast(history, 12, seed=0, **TINY, **settings)
    again = lstm_forecast(history, 12, seed=0, **TINY, **settings)
    other = lstm_forecast(history, 12, seed=1, **TINY, **settings)
    assert first.index.equals(SALES.index[120:132]) and first.attrs["epochs"] == 1
    assert np.allclose(first, again) and not np.allclose(first, other)
    assert np.all(np.isfinite(first)) and (first > 0).all()


@pytest.mark.parametrize("strategy", ["recursive", "direct"])
def test_one_step_fit_is_the_forecast_of_each_month_from_the_months_before(strategy):
    history = SALES.iloc[:60]
    net = _Network(0, 12, 12, strategy, log=True, deseasonalise=True, scaler="standard",
                   units=2, lr=3e-3)
    net.train(history, epochs=1, patience=1, stop_months=12, batch=16, fit_transform=True)
    fitted = _one_step_fitted(net, history)
    assert fitted.index.equals(history.index[12:])
    for month in (12, 30, 59):   # the first, a middle and the last month with a full window
        forecast = net.forecast(history.iloc[:month], 1)
        assert forecast.index[0] == history.index[month]
        assert np.isclose(fitted.iloc[month - 12], forecast.iloc[0], rtol=1e-5)


def test_lstm_residuals_are_observed_minus_fitted_and_repeatable():
    history = SALES.iloc[:120]
    settings = {"strategy": "direct", "log": True, "deseasonalise": True, **TINY}
    first = lstm_residuals(history, 12, seed=0, **settings)
    again = lstm_residuals(history, 12, seed=0, **settings)
    assert first.index.equals(history.index[12:]) and first.attrs["epochs"] == 1
    assert np.allclose(first, again) and np.all(np.isfinite(first))
    # same seed and recipe as lstm_forecast: the residuals come from that very network
    forecast = lstm_forecast(history, 12, seed=0, **settings)
    assert first.attrs["epochs"] == forecast.attrs["epochs"]


def test_lstm_forecast_refuses_an_unknown_strategy():
    with pytest.raises(CourseInputError, match="strategy"):
        lstm_forecast(SALES.iloc[:120], 12, seed=0, strategy="seq2seq", **TINY)


def test_fine_tuned_backtest_sees_every_month_up_to_each_origin():
    folds = fine_tuned_backtest(SALES, 12, 3, seed=0, fine_tune_epochs=1, **TINY)
    assert [f.train_end for f in folds] == list(SALES.index[[-37, -25, -13]])
    assert all(isinstance(f, BacktestFold) and f.forecast.index.equals(f.truth.index) for f in folds)
    frozen = fine_tuned_backtest(SALES, 12, 1, seed=0, **TINY)   # the same network, not fine-tuned
    # the last origin's network was fine-tuned on two more years, so it differs from a fresh one
    assert not np.allclose(folds[-1].forecast, frozen[0].forecast)
    with pytest.raises(CourseInputError, match="unknown"):
        fine_tuned_backtest(SALES, 12, 2, seed=0, dropout=0.1)
