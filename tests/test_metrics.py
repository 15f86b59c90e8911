"""Tests for helpers.metrics: values against hand computations, and every input error."""

from __future__ import annotations

import math

from helpers.metrics import evaluate, mae, mape, mase, per_horizon_errors, rmse
from helpers.validation import CourseInputError

import numpy as np
import pandas as pd
import pytest


def dated(values, start="2020-01-01", freq="MS", name="y"):
    return pd.Series(
        values, index=pd.date_range(start, periods=len(values), freq=freq), name=name, dtype=float
    )


# --- hand-computed values ----------------------------------------------------


def test_rmse_hand_computed():
    # errors 0, 0, 2 -> mean square 4/3
    assert rmse([1, 2, 3], [1, 2, 5]) == pytest.approx(math.sqrt(4 / 3))


def test_mae_hand_computed():
    assert mae([1, 2, 3], [1, 2, 5]) == pytest.approx(2 / 3)
    assert mae([10, -10], [7, -6]) == pytest.approx(3.5)


def test_mape_is_in_percent():
    # |10/100| and |20/200| -> 10 %
    assert mape([100, 200], [110, 180]) == pytest.approx(10.0)
    assert mape([-50, 50], [-25, 75]) == pytest.approx(50.0)


def test_perfect_forecast_scores_zero():
    y = [3.0, 1.5, 2.0]
    assert rmse(y, y) == 0.0
    assert mae(y, y) == 0.0
    assert mape(y, y) == 0.0


def test_metrics_accept_arrays_series_and_2d():
    true = np.array([[1.0, 2.0], [3.0, 4.0]])
    pred = true + np.array([[1.0, -1.0], [0.0, 2.0]])
    assert rmse(true, pred) == pytest.approx(math.sqrt(6 / 4))
    assert mae(pd.Series([1.0, 2.0]), np.array([2.0, 2.0])) == pytest.approx(0.5)


def test_mase_against_manual_computation():
    train = np.array([10.0, 12.0, 11.0, 15.0, 14.0, 18.0])
    # seasonal naive with season 2 on train: |11-10|, |15-12|, |14-11|, |18-15| -> mean 2.5
    true, pred = np.array([20.0, 19.0]), np.array([18.0, 20.0])
    assert mase(true, pred, train, season=2) == pytest.approx(1.5 / 2.5)
    # season 1: |2|, |1|, |4|, |1|, |4| -> mean 2.4
    assert mase(true, pred, train) == pytest.approx(1.5 / 2.4)


def test_mase_below_one_for_a_forecast_better_than_naive_scale():
    train = dated(np.arange(1, 25.0))  # naive in-sample MAE = 1
    assert mase([25.0, 26.0], [25.0, 26.5], train) == pytest.approx(0.25)


def test_mase_errors():
    with pytest.raises(CourseInputError, match=r"longer than 12 values.*has 12"):
        mase([1.0], [1.0], y_train=np.arange(12.0), season=12)
    with pytest.raises(CourseInputError, match="scale, is 0"):
        mase([1.0], [2.0], y_train=[5.0, 5.0, 5.0])
    with pytest.raises(CourseInputError, match="one-dimensional"):
        mase([1.0], [2.0], y_train=np.ones((4, 2)))
    with pytest.raises(CourseInputError, match="y_train contains 1 NaN"):
        mase([1.0], [2.0], y_train=[1.0, np.nan, 3.0])
    with pytest.raises(CourseInputError, match="season must be >= 1"):
        mase([1.0], [2.0], y_train=[1.0, 2.0, 3.0], season=0)


def test_per_horizon_errors_one_value_per_step():
    true = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    pred = np.array([[1.0, 3.0, 6.0], [4.0, 3.0, 2.0]])
    result = per_horizon_errors(true, pred)
    # step 1: no error; step 2: errors 1 and 2; step 3: errors 3 and 4
    np.testing.assert_allclose(result, [0.0, math.sqrt(2.5), math.sqrt(12.5)])
    assert list(result.index) == [1, 2, 3]
    assert result.index.name == "step"
    assert result.name == "RMSE"
    np.testing.assert_allclose(per_horizon_errors(true, pred, metric="MAE"), [0.0, 1.5, 3.5])


def test_per_horizon_errors_with_a_function():
    true = np.array([[1.0, 2.0], [3.0, 5.0]])
    pred = np.array([[2.0, 2.0], [3.0, 1.0]])

    def max_error(t, p):
        return float(np.max(np.abs(t - p)))

    result = per_horizon_errors(true, pred, metric=max_error)
    np.testing.assert_allclose(result, [1.0, 4.0])
    assert result.name == "max_error"


def test_per_horizon_errors_bad_input():
    with pytest.raises(CourseInputError, match=r"2-D arrays.*\(4,\)"):
        per_horizon_errors(np.ones(4), np.ones(4))
    with pytest.raises(CourseInputError, match=r"y\[\.\.\., 0\]"):
        per_horizon_errors(np.ones((3, 4, 1)), np.ones((3, 4, 1)))
    with pytest.raises(CourseInputError, match="Unknown metric 'r2'"):
        per_horizon_errors(np.ones((3, 4)), np.ones((3, 4)), metric="r2")
    with pytest.raises(CourseInputError, match=r"\(3, 4\).*\(3, 5\)"):
        per_horizon_errors(np.ones((3, 4)), np.ones((3, 5)))


def test_evaluate_returns_all_metrics():
    result = evaluate([1, 2, 3], [1, 2, 5], y_train=[1, 2, 3, 4])
    assert list(result) == ["RMSE", "MAE", "MAPE", "MASE"]
    assert result["RMSE"] == pytest.approx(math.sqrt(4 / 3))
    assert result["MAE"] == pytest.approx(2 / 3)
    assert result["MAPE"] == pytest.approx(100 * (2 / 3) / 3)
    assert result["MASE"] == pytest.approx(2 / 3)
    assert all(isinstance(v, float) for v in result.values())


def test_evaluate_without_train_has_no_mase():
    assert list(evaluate([1.0, 2.0], [1.0, 3.0])) == ["RMSE", "MAE", "MAPE"]


def test_evaluate_seasonal_mase():
    train = [1.0, 5.0, 2.0, 6.0, 3.0, 7.0]  # season-2 naive errors are all 1
    assert evaluate([4.0, 8.0], [5.0, 8.0], y_train=train, season=2)["MASE"] == pytest.approx(0.5)


def test_evaluate_mape_is_nan_when_truth_has_zeros():
    result = evaluate([0.0, 2.0], [1.0, 2.0])
    assert math.isnan(result["MAPE"])
    assert result["MAE"] == pytest.approx(0.5)


# --- input errors ---------------------------------------------------------------


def test_mape_zero_error_names_position_and_alternative():
    with pytest.raises(
        CourseInputError, match=r"1 zero\(s\), the first at position 1.*MAE or MASE"
    ):
        mape([3.0, 0.0, 2.0], [3.0, 1.0, 2.0])


@pytest.mark.parametrize("metric", [rmse, mae, mape])
def test_shape_mismatch_says_both_shapes(metric):
    with pytest.raises(CourseInputError, match=r"shape \(3,\) but y_pred has shape \(2,\)"):
        metric([1.0, 2.0, 3.0], [1.0, 2.0])


def test_shape_mismatch_with_extra_axis_suggests_ravel():
    with pytest.raises(CourseInputError, match=r"\(3, 1\).*np\.ravel"):
        rmse([1.0, 2.0, 3.0], np.ones((3, 1)))


@pytest.mark.parametrize("metric", [rmse, mae, mape])
def test_empty_input(metric):
    with pytest.raises(CourseInputError, match="empty"):
        metric([], [])


def test_nans_in_either_argument():
    with pytest.raises(CourseInputError, match=r"y_true contains 1 NaN.*position 2"):
        rmse([1.0, 2.0, np.nan], [1.0, 2.0, 3.0])
    with pytest.raises(CourseInputError, match=r"y_pred contains 2 NaN.*position 0"):
        mae([1.0, 2.0, 3.0], [np.nan, np.nan, 3.0])
    with pytest.raises(CourseInputError, match="y_pred contains"):
        evaluate([1.0, 2.0], [1.0, np.inf])


def test_non_numeric_input():
    with pytest.raises(CourseInputError, match="y_pred must be numeric"):
        rmse([1.0, 2.0], ["a", "b"])


def test_misaligned_dates_are_refused():
    truth = dated([1.0, 2.0, 3.0], start="2020-01-01")
    shifted = dated([1.0, 2.0, 3.0], start="2020-02-01")
    with pytest.raises(
        CourseInputError, match=r"do not match.*2020-01-01\.\.2020-03-01.*2020-02-01\.\.2020-04-01"
    ):
        rmse(truth, shifted)
    with pytest.raises(CourseInputError, match="do not match"):
        evaluate(truth, shifted)


def test_aligned_dates_and_plain_arrays_are_accepted():
    truth = dated([1.0, 2.0, 3.0])
    forecast = dated([1.0, 2.0, 5.0], name="forecast")
    assert rmse(truth, forecast) == pytest.approx(math.sqrt(4 / 3))
    # A NumPy forecast has no dates to compare, so only the shape is checked.
    assert rmse(truth, forecast.to_numpy()) == pytest.approx(math.sqrt(4 / 3))
    # The same dates at another resolution are the same dates.
    other_unit = forecast.copy()
    other_unit.index = other_unit.index.as_unit("ns")
    assert mae(truth, other_unit) == pytest.approx(2 / 3)


def _frame(columns):
    dates = pd.date_range("2020-01-01", periods=4, freq="D")
    data = {"temp_max": [10.0, 12.0, 11.0, 13.0], "temp_min": [1.0, 2.0, 0.0, 3.0]}
    return pd.DataFrame({c: data[c] for c in columns}, index=dates)


def test_dataframes_with_columns_in_another_order_are_refused():
    truth, pred = _frame(["temp_max", "temp_min"]), _frame(["temp_min", "temp_max"])
    with pytest.raises(CourseInputError, match=r"different order.*y_pred\[y_true.columns\]"):
        rmse(truth, pred)
    assert rmse(truth, pred[truth.columns]) == 0.0


def test_dataframes_with_other_columns_are_refused():
    with pytest.raises(CourseInputError, match="Select the same variables"):
        mae(_frame(["temp_max"]), _frame(["temp_min"]))


def test_reordered_rows_are_refused():
    truth = pd.Series([1.0, 2.0, 3.0], index=[10, 11, 12])
    with pytest.raises(CourseInputError, match=r"different order.*y_pred.loc\[y_true.index\]"):
        rmse(truth, truth.iloc[::-1])
    assert rmse(truth, pd.Series([1.0, 2.0, 4.0])) == pytest.approx(np.sqrt(1 / 3))  # by position


def test_shifted_period_index_is_refused():
    months = pd.period_range("2020-01", periods=3, freq="M")
    truth = pd.Series([1.0, 2.0, 3.0], index=months)
    with pytest.raises(CourseInputError, match="forecast dates do not match"):
        mae(truth, pd.Series([1.0, 2.0, 3.0], index=months + 1))


def test_mase_accepts_a_column_shaped_y_train():
    flat = mase([3, 5], [4, 4], y_train=[1, 2, 4])
    assert mase([3, 5], [4, 4], y_train=np.array([[1], [2], [4]])) == flat
    assert evaluate([3, 5], [4, 4], y_train=pd.DataFrame({"a": [1, 2, 4]}))["MASE"] == flat


def test_mase_row_shaped_y_train_gets_the_ravel_hint():
    with pytest.raises(CourseInputError, match=r"single row: pass np.ravel\(y_train\)"):
        mase([3, 5], [4, 4], y_train=np.array([[1, 2, 4]]))


def test_metric_function_must_return_a_number():
    with pytest.raises(CourseInputError, match="must return one number"):
        per_horizon_errors([[1, 2], [3, 4]], [[1, 2], [3, 5]], metric=lambda t, p: t - p)


# Issue 28 §5: a mismatch of index kind or time zone is named, not shown as equal ranges.
def test_rmse_names_a_period_index_against_timestamps_of_the_same_months():
    months = pd.date_range("2020-01-01", periods=3, freq="MS")
    truth = pd.Series([1.0, 2.0, 3.0], index=months.to_period("M"))
    with pytest.raises(CourseInputError, match=r"y_true is indexed by periods.*to_timestamp"):
        rmse(truth, pd.Series([1.0, 2.0, 3.0], index=months))


def test_rmse_names_a_time_zone_mismatch():
    hours = pd.date_range("2020-01-01", periods=3, freq="h")
    truth = pd.Series([1.0, 2.0, 3.0], index=hours.tz_localize("UTC"))
    with pytest.raises(CourseInputError, match=r"time zone UTC and y_pred's have None.*tz_"):
        rmse(truth, pd.Series([1.0, 2.0, 3.0], index=hours))
    with pytest.raises(CourseInputError, match="time zone"):
        rmse(truth, pd.Series([1.0, 2.0, 3.0], index=hours.tz_localize("Europe/Paris")))
    assert rmse(truth, truth.tz_convert("Europe/Paris").tz_convert("UTC")) == 0.0
