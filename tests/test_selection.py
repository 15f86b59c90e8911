"""Tests for helpers.selection: the grid search and the forecast cache."""

from __future__ import annotations

import math

from helpers.baselines import naive_forecast, seasonal_naive_forecast
from helpers.selection import ForecastCache, grid_search
from helpers.validation import CourseInputError

import numpy as np
import pandas as pd
import pytest


def monthly(values, start="2020-01-01"):
    return pd.Series(np.asarray(values, dtype=float),
                     index=pd.date_range(start, periods=len(values), freq="MS"))


def test_grid_search_scores_every_setting_and_seed():
    calls = []

    def score(seed, units, lr):
        calls.append((seed, units, lr))
        return units * lr + seed

    grid = {"a": {"units": 10, "lr": 0.1}, "b": {"units": 40, "lr": 0.1}}
    table = grid_search(score, grid, seeds=[0, 3])
    assert sorted(calls) == [(0, 10, 0.1), (0, 40, 0.1), (3, 10, 0.1), (3, 40, 0.1)]
    assert list(table.index) == ["a", "b"] and table.index.name == "setting"
    assert list(table.columns) == ["units", "lr", "RMSE seed 0", "RMSE seed 3",
                                   "RMSE mean", "RMSE std"]
    assert table.loc["a", "RMSE seed 3"] == pytest.approx(4.0)
    assert table.loc["b", "RMSE mean"] == pytest.approx(5.5)
    assert table.loc["b", "RMSE std"] == pytest.approx(np.std([4.0, 7.0], ddof=1))
    assert table["RMSE mean"].idxmin() == "a"


def test_grid_search_one_seed_has_no_spread_and_custom_metric_name():
    table = grid_search(lambda seed, k: float(k), {"x": {"k": 2}}, seeds=[5], metric="MAE")
    assert table.loc["x", "MAE mean"] == 2.0 and math.isnan(table.loc["x", "MAE std"])


@pytest.mark.parametrize(
    ("grid", "seeds", "message"),
    [
        ({}, [0], "non-empty dict"),
        ({"a": [1, 2]}, [0], "must be a dict of settings"),
        ({"a": {"seed": 1}}, [0], "seeds are given separately"),
        ({"a": {"k": 1}}, [], "non-empty list"),
        ({"a": {"k": 1}}, [0, 0], "repeat a seed"),
        ({"a": {"k": 1}}, [0.5], "must be ints"),
    ],
)
def test_grid_search_rejects_bad_grids_and_seeds(grid, seeds, message):
    with pytest.raises(CourseInputError, match=message):
        grid_search(lambda seed, **settings: 1.0, grid, seeds)


@pytest.mark.parametrize(("returned", "message"),
                         [(None, "must return one number"), (math.nan, "diverged"),
                          (math.inf, "diverged")])
def test_grid_search_rejects_a_score_that_is_not_a_finite_number(returned, message):
    with pytest.raises(CourseInputError, match=message):
        grid_search(lambda seed, k: returned, {"a": {"k": 1}}, seeds=[0])


def test_cache_computes_once_per_data_horizon_and_settings():
    series = monthly(np.arange(36.0))
    calls = []

    def forecaster(train, horizon, season):
        calls.append((len(train), horizon, season))
        return seasonal_naive_forecast(train, horizon, season=season)

    cache = ForecastCache(forecaster)
    first = cache(series.iloc[:24], 12, season=12)
    assert cache(series.iloc[:24], 12, season=12) is first
    assert cache(series.iloc[:24].copy(), 12, season=12) is first   # equal data, new object
    cache(series.iloc[:24], 6, season=12)        # another horizon
    cache(series.iloc[:24], 12, season=6)        # another setting
    cache(series.iloc[:30], 12, season=12)       # more data
    assert calls == [(24, 12, 12), (24, 6, 12), (24, 12, 6), (30, 12, 12)]
    assert (cache.computed, cache.reused, len(cache)) == (4, 2, 4)
    assert first.equals(seasonal_naive_forecast(series.iloc[:24], 12, season=12))


def test_cache_tells_apart_equal_dates_with_different_values():
    cache = ForecastCache(naive_forecast)
    a = cache(monthly([1.0, 2.0, 3.0]), 2)
    b = cache(monthly([1.0, 2.0, 4.0]), 2)
    assert a.iloc[0] == 3.0 and b.iloc[0] == 4.0 and cache.computed == 2


def test_cache_works_inside_rolling_origin():
    from helpers.baselines import rolling_origin

    series = monthly(np.arange(48.0))
    cache = ForecastCache(seasonal_naive_forecast)
    folds = rolling_origin(series, cache, 12, origins=2, season=12)
    again = rolling_origin(series, cache, 12, origins=3, season=12)
    assert all(a.forecast is b.forecast for a, b in zip(again[1:], folds, strict=True))
    assert (cache.computed, cache.reused) == (3, 2)


def test_cache_rejects_bad_forecasters_data_and_settings():
    with pytest.raises(CourseInputError, match="wraps a function"):
        ForecastCache("naive")
    cache = ForecastCache(naive_forecast)
    with pytest.raises(CourseInputError, match="pandas Series or DataFrame"):
        cache(np.arange(5.0), 2)
    with pytest.raises(CourseInputError, match="empty"):
        cache(monthly([]), 2)
    with pytest.raises(CourseInputError, match="tuple instead of a list"):
        cache(monthly([1.0, 2.0]), 2, units=[32, 16])


def _tiny(units=4, lr=0.01):
    import keras

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(units),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="mse")
    return model


def _train(model):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 3)), rng.normal(size=(32, 1))
    model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    return [w.copy() for w in model.get_weights()]


def test_model_pool_reuses_one_model_and_trains_like_a_new_one():
    import helpers
    from helpers.selection import ModelPool

    pool = ModelPool(_tiny)
    helpers.seed_everything(0)
    first = pool(units=4)
    _train(first)
    helpers.seed_everything(1)
    again = pool(units=4)
    assert again is first and (pool.built, pool.reused) == (1, 1)
    assert int(again.optimizer.iterations.numpy()) == 0
    assert again.optimizer.learning_rate.numpy() == pytest.approx(0.01)
    helpers.seed_everything(1)
    new = _tiny(units=4)
    assert all(np.array_equal(a, b) for a, b in zip(again.get_weights(), new.get_weights(),
                                                    strict=True))
    trained_pooled, trained_new = _train(again), _train(new)
    assert all(np.allclose(a, b, atol=1e-6)
               for a, b in zip(trained_pooled, trained_new, strict=True))
    other = pool(units=8)
    assert other is not first and pool.built == 2


def test_model_pool_rejects_bad_builders_and_settings():
    from helpers.selection import ModelPool

    with pytest.raises(CourseInputError, match="returns a compiled Keras"):
        ModelPool(None)
    with pytest.raises(CourseInputError, match="compiled keras.Model"):
        ModelPool(lambda **kw: "model")()
    with pytest.raises(CourseInputError, match="cannot be a key"):
        ModelPool(lambda units: _tiny(units=units[0]))(units=[4])
