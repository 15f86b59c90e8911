"""Tests for helpers.baselines: forecasts, their dates and attrs, and every input error."""

from __future__ import annotations

import warnings

from helpers.baselines import (
    BacktestFold,
    FitWarning,
    adf_table,
    backtest_scores,
    difference,
    naive_forecast,
    rolling_origin,
    sarimax_forecast,
    seasonal_naive_forecast,
    undifference,
    var_forecast,
    varmax_forecast,
)
from helpers.data import load
from helpers.forecasting import future_index
from helpers.metrics import rmse
from helpers.validation import CourseInputError

import numpy as np
import pandas as pd
import pytest


def monthly(values, start="2020-01-01", name="y"):
    index = pd.date_range(start, periods=len(values), freq="MS", name="date")
    return pd.Series(np.asarray(values, dtype=float), index=index, name=name)


@pytest.fixture(scope="module")
def wine():
    return load("wine_sales")


@pytest.fixture(scope="module")
def var_data():
    """A stationary VAR(1) with two variables, 150 quarters."""
    rng = np.random.default_rng(0)
    coef = np.array([[0.5, 0.2], [-0.1, 0.4]])
    values = np.zeros((150, 2))
    for t in range(1, 150):
        values[t] = coef @ values[t - 1] + rng.normal(size=2)
    index = pd.date_range("1980-01-01", periods=150, freq="QS")
    return pd.DataFrame(values + [10.0, 5.0], index=index, columns=["a", "b"])


def caught_warnings(func, *args, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func(*args, **kwargs)
    return result, caught


# --- naive and seasonal naive ----------------------------------------------------


def test_naive_repeats_last_value_on_the_following_dates():
    train = monthly([1.0, 2.0, 7.0], start="2021-10-01")
    forecast = naive_forecast(train, 3)
    assert forecast.tolist() == [7.0, 7.0, 7.0]
    assert list(forecast.index.strftime("%Y-%m-%d")) == ["2022-01-01", "2022-02-01", "2022-03-01"]
    assert forecast.index.freqstr == "MS"
    assert forecast.name == "y"
    assert forecast.attrs["model"] == "naive"


def test_naive_on_a_dataframe_repeats_each_column():
    df = pd.DataFrame(
        {"a": [1.0, 2.0], "b": [5.0, 4.0]}, index=pd.date_range("2020-01-01", periods=2, freq="D")
    )
    forecast = naive_forecast(df, 2)
    assert list(forecast.columns) == ["a", "b"]
    assert forecast.to_numpy().tolist() == [[2.0, 4.0], [2.0, 4.0]]
    assert forecast.index[0] == pd.Timestamp("2020-01-03")


def test_seasonal_naive_repeats_the_last_season_with_correct_dates():
    train = monthly(np.arange(1.0, 25.0))  # 2020-01 .. 2021-12, values 1..24
    forecast = seasonal_naive_forecast(train, 15, season=12)
    # The last season is 13..24 (2021); it repeats, then wraps round.
    assert forecast.tolist() == list(np.arange(13.0, 25.0)) + [13.0, 14.0, 15.0]
    assert forecast.index[0] == pd.Timestamp("2022-01-01")
    assert forecast.index[-1] == pd.Timestamp("2023-03-01")
    assert forecast.attrs["model"] == "seasonal naive (season=12)"


def test_seasonal_naive_on_wine_matches_the_values_a_year_earlier(wine):
    train = wine.iloc[:-12]
    forecast = seasonal_naive_forecast(train, 12, season=12)
    assert forecast.index.equals(wine.index[-12:])
    np.testing.assert_array_equal(forecast.to_numpy(), train.iloc[-12:].to_numpy())


def test_seasonal_naive_needs_one_season():
    with pytest.raises(CourseInputError, match=r"one full season \(12 rows\).*has 5"):
        seasonal_naive_forecast(monthly(np.ones(5)), 3, season=12)


def test_train_without_datetime_index():
    with pytest.raises(CourseInputError, match="indexed by dates.*RangeIndex"):
        naive_forecast(pd.Series([1.0, 2.0, 3.0]), 2)


def test_train_without_freq_suggests_asfreq():
    train = monthly([1.0, 2.0, 3.0, 4.0])
    train.index = pd.DatetimeIndex(list(train.index))  # same dates, frequency dropped
    assert train.index.freq is None
    with pytest.raises(CourseInputError, match=r"no frequency.*asfreq\('MS'\)"):
        naive_forecast(train, 2)


def test_train_with_irregular_dates():
    train = pd.Series(
        [1.0, 2.0, 3.0], index=pd.DatetimeIndex(["2020-01-01", "2020-01-05", "2020-03-01"])
    )
    with pytest.raises(CourseInputError, match="resample"):
        naive_forecast(train, 2)


def test_train_that_is_not_pandas_or_has_nans():
    with pytest.raises(CourseInputError, match=r"pandas Series or DataFrame.*ndarray.*pd.Series"):
        naive_forecast(np.arange(5.0), 2)
    with pytest.raises(CourseInputError, match="train contains 1 NaN"):
        naive_forecast(monthly([1.0, np.nan, 3.0]), 2)
    with pytest.raises(CourseInputError, match="train is empty"):
        naive_forecast(monthly([]), 2)


def test_horizon_must_be_a_positive_int():
    with pytest.raises(CourseInputError, match="horizon must be >= 1"):
        naive_forecast(monthly([1.0, 2.0]), 0)
    with pytest.raises(CourseInputError, match="horizon must be an integer"):
        seasonal_naive_forecast(monthly([1.0, 2.0]), 2.5, season=1)


# --- SARIMAX -------------------------------------------------------------------


def test_airline_model_beats_naive_on_the_last_year_of_wine_sales(wine):
    train, test = wine.iloc[:-12], wine.iloc[-12:]
    forecast, caught = caught_warnings(sarimax_forecast, train, 12)
    assert forecast.index.equals(test.index)
    assert forecast.name == "sales"
    assert forecast.attrs["model"] == "SARIMA(0,1,1)(0,1,1,12)"
    assert forecast.attrs["converged"] is True
    assert np.isfinite(forecast.attrs["aic"])
    assert [w for w in caught if issubclass(w.category, FitWarning)] == []
    assert rmse(test, forecast) < 0.6 * rmse(test, naive_forecast(train, 12))


def test_sarimax_log_back_transforms_to_the_original_scale(wine):
    train = wine.iloc[:-12]
    forecast = sarimax_forecast(train, 12, log=True)
    assert forecast.attrs["model"] == "SARIMA(0,1,1)(0,1,1,12) (log)"
    assert forecast.attrs["log"] is True
    # On the original scale, the forecast lies within the data's range (not ~10 as logs would).
    assert train.min() < forecast.min() and forecast.max() < 1.2 * train.max()


def test_sarimax_log_needs_positive_values():
    train = monthly(np.r_[np.arange(1.0, 30.0), 0.0])
    with pytest.raises(CourseInputError, match=r"log=True needs all values > 0.*1 value"):
        sarimax_forecast(train, 3, order=(1, 0, 0), seasonal_order=(0, 0, 0, 0), log=True)


def test_non_convergence_gives_one_explained_warning(wine):
    train = wine.iloc[:-12]
    forecast, caught = caught_warnings(sarimax_forecast, train, 12, log=True, maxiter=2)
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    assert not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    ours = [w for w in caught if issubclass(w.category, FitWarning)]
    assert len(ours) == 1
    assert "stopped before reaching its tolerance" in str(ours[0].message)
    assert "simpler order" in str(ours[0].message)
    assert forecast.attrs["converged"] is False
    assert len(forecast) == 12


def test_plain_arima_and_exogenous_regressors():
    rng = np.random.default_rng(1)
    x = rng.normal(size=80)
    y = 3.0 * x + rng.normal(scale=0.1, size=80)
    series = monthly(y)
    future_x = np.array([1.0, -1.0, 2.0])
    forecast = sarimax_forecast(
        series, 3, order=(0, 0, 0), seasonal_order=(0, 0, 0, 0), exog=x, future_exog=future_x
    )
    assert forecast.attrs["model"] == "ARIMAX(0,0,0)"
    np.testing.assert_allclose(forecast.to_numpy(), 3.0 * future_x, atol=0.2)


def test_sarimax_input_errors(wine):
    train = wine.iloc[:-12]
    with pytest.raises(CourseInputError, match=r"order must be a tuple of 3 non-negative"):
        sarimax_forecast(train, 12, order=(1, 1))
    with pytest.raises(CourseInputError, match="season length of 0"):
        sarimax_forecast(train, 12, seasonal_order=(0, 1, 1, 0))
    with pytest.raises(CourseInputError, match="pass future_exog with 12 rows"):
        sarimax_forecast(train, 12, exog=np.ones(len(train)))
    with pytest.raises(CourseInputError, match="future_exog was given without exog"):
        sarimax_forecast(train, 12, future_exog=np.ones(12))
    with pytest.raises(CourseInputError, match=r"exog must have 164 rows"):
        sarimax_forecast(train, 12, exog=np.ones(10), future_exog=np.ones(12))
    with pytest.raises(CourseInputError, match=r"needs at least 28 observations.*has 20"):
        sarimax_forecast(train.iloc[:20], 12)
    with pytest.raises(CourseInputError, match="must be a pandas Series"):
        sarimax_forecast(train.to_frame(), 12)


# --- VAR and VARMAX ----------------------------------------------------------------


def test_var_forecast_shape_dates_and_attrs(var_data):
    forecast = var_forecast(var_data, 4, maxlags=4)
    assert forecast.shape == (4, 2)
    assert list(forecast.columns) == ["a", "b"]
    expected = pd.date_range("2017-07-01", periods=4, freq="QS")
    assert forecast.index.equals(expected)
    lag = forecast.attrs["lag_order"]
    assert 1 <= lag <= 4
    assert forecast.attrs["model"] == f"VAR({lag})"
    assert forecast.attrs["ic"] == "aic"
    assert forecast.attrs["stable"] is True
    # A stationary VAR's forecasts head back towards the mean (10, 5).
    assert abs(forecast["a"].iloc[-1] - 10.0) < 2.0
    assert abs(forecast["b"].iloc[-1] - 5.0) < 2.0


def test_var_without_ic_uses_maxlags(var_data):
    forecast = var_forecast(var_data, 2, maxlags=3, ic=None)
    assert forecast.attrs["lag_order"] == 3
    assert forecast.attrs["model"] == "VAR(3)"


def test_var_input_errors(var_data):
    with pytest.raises(
        CourseInputError, match=r"maxlags=8 on 2 variables needs at least 26 rows.*20"
    ):
        var_forecast(var_data.iloc[:20], 2, maxlags=8)
    with pytest.raises(CourseInputError, match="at least two variables"):
        var_forecast(var_data[["a"]], 2)
    with pytest.raises(CourseInputError, match="multivariate"):
        var_forecast(var_data["a"], 2)
    with pytest.raises(CourseInputError, match="ic must be one of"):
        var_forecast(var_data, 2, ic="r2")


def test_varmax_forecast_shape_dates_and_attrs(var_data):
    train = var_data.iloc[:40]
    # A few iterations keep the test fast; not converging must give our warning only.
    forecast, caught = caught_warnings(varmax_forecast, train, 3, order=(1, 0), maxiter=5)
    assert forecast.shape == (3, 2)
    assert list(forecast.columns) == ["a", "b"]
    assert forecast.index.equals(var_data.index[40:43])
    assert forecast.attrs["model"] == "VARMAX(1,0)"
    assert np.isfinite(forecast.attrs["aic"])
    assert isinstance(forecast.attrs["converged"], bool)
    assert all(issubclass(w.category, FitWarning) for w in caught)
    assert np.isfinite(forecast.to_numpy()).all()


def test_varmax_with_ma_terms_warns_in_plain_words(var_data):
    _, caught = caught_warnings(varmax_forecast, var_data.iloc[:40], 2, order=(1, 1), maxiter=3)
    messages = [str(w.message) for w in caught if issubclass(w.category, FitWarning)]
    assert any("not identified" in m for m in messages)
    assert all(issubclass(w.category, FitWarning) for w in caught)


def test_varmax_input_errors(var_data):
    with pytest.raises(CourseInputError, match="no dynamics"):
        varmax_forecast(var_data, 2, order=(0, 0))
    with pytest.raises(CourseInputError, match="trend must be"):
        varmax_forecast(var_data, 2, trend="x")
    with pytest.raises(CourseInputError, match="order must be a tuple of 2"):
        varmax_forecast(var_data, 2, order=(1, 0, 0))


# --- differencing and ADF --------------------------------------------------------


def test_difference_and_undifference_round_trip(var_data):
    levels = var_data.cumsum()  # two random-walk-like series
    diffs = difference(levels)
    assert len(diffs) == len(levels) - 1
    assert diffs.index[0] == levels.index[1]
    np.testing.assert_allclose(diffs.iloc[0], levels.iloc[1] - levels.iloc[0])
    # Pretend the last 5 differences are a forecast made at row -6.
    restored = undifference(diffs.iloc[-5:], last_values=levels.iloc[-6])
    pd.testing.assert_frame_equal(restored, levels.iloc[-5:])


def test_undifference_is_a_cumulative_sum_from_the_last_level():
    forecast = monthly([1.0, 2.0, -1.0], start="2021-01-01")
    restored = undifference(forecast, last_values=10.0)
    assert restored.tolist() == [11.0, 13.0, 12.0]
    assert restored.index.equals(forecast.index)


def test_seasonal_difference_round_trip(wine):
    diffs = difference(wine, periods=12)
    assert len(diffs) == len(wine) - 12
    restored = undifference(diffs.iloc[-15:], last_values=wine.iloc[-27:-15])
    pd.testing.assert_series_equal(restored, wine.iloc[-15:])


def test_difference_and_undifference_errors(var_data):
    with pytest.raises(CourseInputError, match="more than 3 rows"):
        difference(var_data.iloc[:3], periods=3)
    with pytest.raises(CourseInputError, match="Series or DataFrame"):
        difference(np.arange(5.0))
    with pytest.raises(CourseInputError, match=r"columns \['a', 'c'\].*\['a', 'b'\]"):
        undifference(var_data.iloc[:3], pd.Series({"a": 1.0, "c": 2.0}))
    with pytest.raises(CourseInputError, match="one value per column"):
        undifference(var_data.iloc[:3], np.ones(3))
    with pytest.raises(CourseInputError, match="last_values contains 1 NaN"):
        undifference(var_data["a"].iloc[:3], np.nan)


def test_adf_table_tells_stationary_from_random_walk():
    rng = np.random.default_rng(3)
    noise = rng.normal(size=300)
    df = pd.DataFrame({"noise": noise, "walk": np.cumsum(noise)})
    table = adf_table(df)
    assert list(table.columns) == ["ADF statistic", "p-value", "lags used", "stationary at 5%"]
    assert list(table.index) == ["noise", "walk"]
    assert bool(table.loc["noise", "stationary at 5%"]) is True
    assert bool(table.loc["walk", "stationary at 5%"]) is False
    assert table.loc["noise", "p-value"] < 0.01 < table.loc["walk", "p-value"]
    assert adf_table(df["walk"]).index.tolist() == ["walk"]


def test_adf_table_errors():
    with pytest.raises(CourseInputError, match="at least 10 observations"):
        adf_table(pd.Series(np.arange(5.0), name="x"))
    with pytest.raises(CourseInputError, match="'c' is constant"):
        adf_table(pd.DataFrame({"c": np.ones(20), "x": np.arange(20.0)}))
    with pytest.raises(CourseInputError, match="df contains 1 NaN"):
        adf_table(pd.Series([1.0, np.nan] + [0.0] * 20))


# --- rolling origin ----------------------------------------------------------------


def test_rolling_origin_expanding_windows(wine):
    folds = rolling_origin(wine, seasonal_naive_forecast, 12, origins=3, season=12)
    assert len(folds) == 3
    assert all(isinstance(fold, BacktestFold) for fold in folds)
    assert [fold.train_end for fold in folds] == list(
        pd.to_datetime(["1991-08-01", "1992-08-01", "1993-08-01"])
    )
    last_end, forecast, truth = folds[-1]
    assert truth.index.equals(wine.index[-12:])
    pd.testing.assert_series_equal(truth, wine.iloc[-12:])
    np.testing.assert_array_equal(forecast.to_numpy(), wine.iloc[-24:-12].to_numpy())
    assert last_end == wine.index[-13]


def test_rolling_origin_step_and_scores(wine):
    folds = rolling_origin(wine, naive_forecast, 6, origins=4, step=1)
    assert [fold.train_end for fold in folds] == list(wine.index[-10:-6])
    scores = backtest_scores(folds, series=wine, season=12)
    assert list(scores.columns) == ["RMSE", "MAE", "MAPE", "MASE"]
    assert list(scores.index) == [fold.train_end for fold in folds]
    first = folds[0]
    assert scores["RMSE"].iloc[0] == pytest.approx(rmse(first.truth, first.forecast))


def test_rolling_origin_errors(wine):
    with pytest.raises(CourseInputError, match=r"at most 14 origin"):
        rolling_origin(wine, naive_forecast, 12, origins=20)
    with pytest.raises(CourseInputError, match="min_train=100"):
        rolling_origin(wine, naive_forecast, 12, origins=8, min_train=100)
    with pytest.raises(CourseInputError, match="forecaster must be a function"):
        rolling_origin(wine, "naive", 12, origins=2)

    def undated(train, horizon):
        return pd.Series(np.zeros(horizon))

    with pytest.raises(CourseInputError, match=r"undated returned.*call shape"):
        rolling_origin(wine, undated, 12, origins=2)


def test_backtest_scores_for_multivariate_folds(var_data):
    folds = rolling_origin(var_data, naive_forecast, 4, origins=2)
    with pytest.raises(CourseInputError, match=r"column=.*\['a', 'b'\]"):
        backtest_scores(folds)
    with pytest.raises(CourseInputError, match="'z' is not in"):
        backtest_scores(folds, column="z")
    scores = backtest_scores(folds, column="b")
    assert scores.shape == (2, 3)
    with pytest.raises(CourseInputError, match="folds is empty"):
        backtest_scores([])


# --- silently wrong before: now refused with the fix --------------------------------


def test_undifference_refuses_the_whole_history_without_periods():
    train = monthly(np.arange(1.0, 37.0))
    diffs = pd.Series([1.0, 1.0, 1.0])
    with pytest.raises(CourseInputError, match=r"anchored at the start.*periods=36\).*periods=1"):
        undifference(diffs, train)
    # with periods the whole history works, anchored at its end
    assert undifference(diffs, train, periods=1).tolist() == [37.0, 38.0, 39.0]
    assert undifference(diffs, train.iloc[-1]).tolist() == [37.0, 38.0, 39.0]
    with pytest.raises(CourseInputError, match="needs the last 12 observed rows"):
        undifference(diffs, train.iloc[-2:], periods=12)


def test_undifference_seasonal_with_periods_uses_the_last_season():
    train = monthly(np.arange(24.0) % 12 + np.repeat([0.0, 100.0], 12))
    diffs = pd.Series(np.full(3, 100.0))
    expected = (train.iloc[-12:-9] + 100.0).tolist()
    assert undifference(diffs, train, periods=12).tolist() == expected
    assert undifference(diffs, train.iloc[-12:].to_numpy()[:3]).tolist() == expected


def test_backtest_scores_refuses_a_series_that_is_not_the_folds_data(wine):
    folds = rolling_origin(wine, seasonal_naive_forecast, 12, origins=2, season=12)
    with pytest.raises(
        CourseInputError, match=r"does not match the folds' truth.*log or scaled copy"
    ):
        backtest_scores(folds, series=np.log(wine), season=12)
    with pytest.raises(CourseInputError, match="does not cover the fold"):
        backtest_scores(folds, series=wine.iloc[:100], season=12)
    assert backtest_scores(folds, series=wine, season=12)["MASE"].notna().all()


def test_backtest_scores_single_fold_or_other_things(wine):
    folds = rolling_origin(wine, naive_forecast, 12, origins=2)
    with pytest.raises(CourseInputError, match=r"single BacktestFold.*\[fold\]"):
        backtest_scores(folds[0])
    assert len(backtest_scores([folds[0]])) == 1
    with pytest.raises(CourseInputError, match=r"folds\[0\] is a DataFrame"):
        backtest_scores([pd.DataFrame()])


def test_rolling_origin_missing_keyword_is_named_before_fitting(wine):
    with pytest.raises(CourseInputError, match=r"Pass season=\.\.\. to rolling_origin"):
        rolling_origin(wine, seasonal_naive_forecast, 12, origins=2)
    with pytest.raises(CourseInputError, match="unexpected keyword"):
        rolling_origin(wine, naive_forecast, 12, origins=2, season=12)


def test_sarimax_log_must_be_a_bool(wine):
    with pytest.raises(CourseInputError, match="log must be True or False, got 'no'"):
        sarimax_forecast(wine, 12, log="no")


def test_vector_models_refuse_a_constant_column(var_data):
    data = var_data.assign(c=1.0)
    for func in (var_forecast, varmax_forecast):
        with pytest.raises(CourseInputError, match=r"Column\(s\) \['c'\] of train_df are constant"):
            func(data, 4)


def test_adf_alpha_must_be_a_number(wine):
    with pytest.raises(
        CourseInputError,
        match="alpha must be a number between 0 and 1, e.g. alpha=0.05; got '0.05'",
    ):
        adf_table(wine, alpha="0.05")


def test_information_criterion_is_case_insensitive(var_data):
    assert var_forecast(var_data, 2, maxlags=2, ic="AIC").attrs["ic"] == "aic"


@pytest.mark.parametrize("freq", ["MS", "QS", "D", "B", "W-SUN", "h"])
def test_baseline_forecasts_are_dated_by_future_index(freq):
    index = pd.date_range("2021-03-01", periods=30, freq=freq, name="when")
    train = pd.Series(np.arange(30.0), index=index, name="y")
    for forecast in (naive_forecast(train, 4), seasonal_naive_forecast(train, 4, season=7)):
        assert forecast.index.equals(future_index(index, 4))
        assert forecast.index.name == "when" and forecast.index.freqstr == index.freqstr
        assert forecast.index[0] == index[-1] + index.freq


def test_undifference_round_trip_at_a_lag_longer_than_the_forecast():
    """Issue 28 §4: difference(s, 12), then the last 12 rows with periods=12, for 6 steps."""
    series = monthly(np.arange(1.0, 37.0) ** 1.5)
    diffs = difference(series, 12).iloc[-6:]
    back = undifference(diffs, series.iloc[-18:-6], periods=12)
    np.testing.assert_allclose(back.to_numpy(), series.iloc[-6:].to_numpy())
    back = undifference(diffs, series.iloc[:-6], periods=12)        # the whole history
    np.testing.assert_allclose(back.to_numpy(), series.iloc[-6:].to_numpy())


def test_var_forecast_names_a_column_given_twice():
    """Issue 28 §5: not pandas' 'truth value of a Series is ambiguous'."""
    from helpers.baselines import var_forecast

    index = pd.date_range("2020-01-01", periods=30, freq="MS")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(30, 2)), index=index, columns=["a", "b"])
    with pytest.raises(CourseInputError, match=r"column 'a' twice.*duplicated"):
        var_forecast(frame[["a", "b", "a"]], 3)
