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
        ({"a": {"k": 1}}, [True, False], "must be ints"),
        ({"a": {"k": 1}}, np.array([1, 1]), "repeat a seed"),
    ],
)
def test_grid_search_rejects_bad_grids_and_seeds(grid, seeds, message):
    with pytest.raises(CourseInputError, match=message):
        grid_search(lambda seed, **settings: 1.0, grid, seeds)


@pytest.mark.parametrize(("returned", "message"),
                         [(None, "must return one number"), (math.nan, "diverged"),
                          (math.inf, "diverged"), (True, "must return one number"),
                          (np.bool_(False), "must return one number"),
                          (np.array([1.0, 2.0]), "must return one number")])
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
    assert cache(series.iloc[:24], 12, season=12).equals(first)
    assert cache(series.iloc[:24].copy(), 12, season=12).equals(first)   # equal data, new object
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
    assert all(a.forecast.equals(b.forecast) for a, b in zip(again[1:], folds, strict=True))
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


# Issue 28 §2: selection and caching never change a result silently.
def test_grid_search_accepts_numpy_integer_seeds():
    table = grid_search(lambda seed, k: float(k + seed), {"a": {"k": 1}}, np.array([0, 2]))
    assert list(table.columns[-4:]) == ["RMSE seed 0", "RMSE seed 2", "RMSE mean", "RMSE std"]
    table = grid_search(lambda seed, k: float(k + seed), {"a": {"k": 1}}, [np.int64(3)])
    assert table.loc["a", "RMSE seed 3"] == 4.0


def test_grid_search_names_a_score_whose_parameters_differ_from_the_grid():
    def score(seed, units):
        return float(units)

    with pytest.raises(CourseInputError, match=r"score\(seed=\.\.\., \*\*grid\['a'\]\).*"
                       r"parameters are \['seed', 'units'\].*\['seed', 'lr'\]"):
        grid_search(score, {"a": {"lr": 0.1}}, seeds=[0])
    grid_search(lambda seed, **settings: 1.0, {"a": {"lr": 0.1}}, seeds=[0])   # **settings: fine


def test_cache_returns_copies_so_an_edit_changes_no_later_answer():
    cache = ForecastCache(seasonal_naive_forecast)
    series = monthly(np.arange(36.0))
    first = cache(series.iloc[:24], 12, season=12)
    first.iloc[:] = -1.0                                  # the student edits the forecast
    again = cache(series.iloc[:24], 12, season=12)
    assert again.equals(seasonal_naive_forecast(series.iloc[:24], 12, season=12))
    again.iloc[0] = 99.0
    assert cache(series.iloc[:24], 12, season=12).iloc[0] == 12.0


def test_cache_keys_on_row_order_column_names_and_series_name():
    def second_row(train, horizon):
        return train.iloc[1].copy() if isinstance(train, pd.DataFrame) else train.iloc[1:2].copy()

    cache = ForecastCache(second_row)
    a = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [5.0, 6.0, 7.0, 8.0]},
                     index=pd.date_range("2020-01-01", periods=4, freq="MS"))
    assert cache(a, 1)["x"] == 2.0
    renamed = a.rename(columns={"x": "p", "y": "q"})         # same numbers, other names
    assert list(cache(renamed, 1).index) == ["p", "q"]
    middle_swapped = a.iloc[[0, 2, 1, 3]]                   # same first and last row
    assert cache(middle_swapped, 1)["x"] == 3.0
    named = cache(a["x"].rename("sales"), 1)
    assert cache(a["x"].rename("temperature"), 1).name == "temperature" and named.name == "sales"
    assert cache.computed == 5


def test_model_pool_restores_a_learning_rate_a_callback_lowered():
    import helpers
    from helpers.selection import ModelPool

    import keras

    pool = ModelPool(_tiny)
    helpers.seed_everything(0)
    first = pool(units=4)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 3)), rng.normal(size=(32, 1))
    lower = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.1, patience=0,
                                              min_delta=1e9, verbose=0)   # lowers every epoch
    first.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[lower])
    assert float(first.optimizer.learning_rate.numpy()) < 0.005
    helpers.seed_everything(1)
    again = pool(units=4)
    assert again is first
    assert float(again.optimizer.learning_rate.numpy()) == pytest.approx(0.01)
    helpers.seed_everything(1)
    new = _tiny(units=4)
    trained_pooled, trained_new = _train(again), _train(new)
    assert all(np.allclose(a, b, atol=1e-6) for a, b in zip(trained_pooled, trained_new, strict=True))


def test_model_pool_refuses_a_build_that_compiles_differently():
    from helpers.selection import ModelPool

    import keras

    calls = []

    def build(units):
        calls.append(units)
        model = _tiny(units=units, lr=0.01 if len(calls) == 1 else 0.001)
        if len(calls) > 2:
            model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mae")
        return model

    pool = ModelPool(build)
    pool(units=4)
    with pytest.raises(CourseInputError, match="compiled the model differently"):
        pool(units=4)
    with pytest.raises(CourseInputError, match="compiled the model differently"):
        pool(units=4)
