"""Property tests: the helpers that take time series never answer by position when dates exist.

For any series, and any permutation, shift, reindexing, column reorder, NaN, duplicated
date or gap applied to it, a helper either returns the answer it gives for the aligned
input or raises a CourseInputError that names the problem (issue 28 §7). Hypothesis draws
the inputs; a fixed, small number of examples, derandomised and without an example
database, keeps the run to a few seconds and identical on every machine.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from helpers import intervals, metrics
from helpers.baselines import naive_forecast, seasonal_naive_forecast
from helpers.selection import ForecastCache
from helpers.validation import CourseInputError
from helpers.windows import make_windows

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

FEW = settings(max_examples=20, deadline=None, derandomize=True, database=None)

values = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)


@st.composite
def dated_pair(draw: Any, min_size: int = 4, max_size: int = 24) -> tuple[pd.Series, pd.Series]:
    """A truth and a forecast on the same monthly dates."""
    n = draw(st.integers(min_size, max_size))
    start = draw(st.integers(0, 240))
    index = pd.date_range("2000-01-01", periods=n, freq="MS") + pd.DateOffset(months=start)
    truth = pd.Series(draw(st.lists(values, min_size=n, max_size=n)), index=index)
    forecast = pd.Series(draw(st.lists(values, min_size=n, max_size=n)), index=index)
    return truth, forecast


@st.composite
def disturbed(draw: Any, series: pd.Series) -> tuple[str, pd.Series]:
    """``series`` after one of the edits a student's code can make by accident."""
    n = len(series)
    kind = draw(st.sampled_from(["permute", "shift", "reindex", "nan", "duplicate", "gap",
                                 "positions"]))
    if kind == "permute":
        order = draw(st.permutations(range(n)))
        return kind, series.iloc[list(order)]
    if kind == "shift":
        k = draw(st.integers(-3, 3).filter(lambda k: k != 0))
        return kind, series.set_axis(series.index + pd.DateOffset(months=k))
    if kind == "reindex":
        extra = series.index[-1] + pd.DateOffset(months=1)
        return kind, series.reindex(series.index.append(pd.DatetimeIndex([extra])))
    if kind == "nan":
        position = draw(st.integers(0, n - 1))
        edited = series.copy()
        edited.iloc[position] = math.nan
        return kind, edited
    if kind == "duplicate":
        position = draw(st.integers(1, n - 1))
        index = series.index.tolist()
        index[position] = index[position - 1]
        return kind, series.set_axis(pd.DatetimeIndex(index))
    if kind == "gap":
        position = draw(st.integers(1, n - 2))
        return kind, series.drop(series.index[position])
    return kind, series.reset_index(drop=True)   # "positions": the dates thrown away


def same_or_refused(call: Callable[[], Any], aligned: Any) -> None:
    """The call gives the aligned answer or a CourseInputError with a sentence of advice."""
    try:
        answer = call()
    except CourseInputError as err:
        assert len(str(err)) > 30, f"an error that names nothing: {err}"
        return
    if isinstance(aligned, pd.Series | pd.DataFrame):
        assert answer.equals(aligned), f"{answer} != aligned {aligned}"
    else:
        assert answer == pytest.approx(aligned, rel=1e-9, abs=1e-9), (
            f"answered {answer} instead of the aligned {aligned} or a clear refusal")


SCORES: dict[str, Callable[[pd.Series, pd.Series], float]] = {
    "rmse": metrics.rmse,
    "mae": metrics.mae,
    "pinball_loss": lambda y, f: intervals.pinball_loss(y, f, q=0.9),
    "coverage": lambda y, f: intervals.coverage(y, f - 1.0, f + 1.0),
    "interval_score": lambda y, f: intervals.interval_score(y, f - 1.0, f + 1.0, alpha=0.2),
    "crps_gaussian": lambda y, f: intervals.crps_gaussian(y, f, 2.0),
    "mean_width": lambda y, f: intervals.mean_width(y - 5.0, f + 1e4),   # lower from y, upper from f
}


@pytest.mark.parametrize("name", sorted(SCORES))
@FEW
@given(data=st.data())
def test_a_score_never_depends_on_position_when_dates_exist(name, data):
    score = SCORES[name]
    truth, forecast = data.draw(dated_pair())
    aligned = score(truth, forecast)
    kind, edited = data.draw(disturbed(forecast))
    if kind == "positions":   # no dates on one side: by position is all there is, and right
        same_or_refused(lambda: score(truth, edited), aligned)
        return
    same_or_refused(lambda: score(truth, edited), aligned)
    kind, edited_truth = data.draw(disturbed(truth))
    if kind != "positions":
        same_or_refused(lambda: score(edited_truth, forecast), aligned)


@pytest.mark.parametrize("name", ["rmse", "mae", "pinball_loss"])
@FEW
@given(data=st.data(), order=st.permutations(["a", "b", "c"]))
def test_a_score_of_frames_never_pairs_the_wrong_columns(name, data, order):
    score = SCORES[name]
    truth_a, forecast_a = data.draw(dated_pair(min_size=5, max_size=5))
    frame_truth = pd.DataFrame({c: truth_a * (i + 1) for i, c in enumerate("abc")})
    frame_forecast = pd.DataFrame({c: forecast_a - i for i, c in enumerate("abc")})
    aligned = score(frame_truth, frame_forecast)
    same_or_refused(lambda: score(frame_truth, frame_forecast[list(order)]), aligned)


@st.composite
def regular_series(draw: Any, periods: bool = False) -> pd.Series:
    n = draw(st.integers(8, 30))
    index = (pd.period_range("2001-01", periods=n, freq="M") if periods
             else pd.date_range("2001-01-01", periods=n, freq="MS"))
    return pd.Series(draw(st.lists(values, min_size=n, max_size=n)), index=index, name="sales")


@pytest.mark.parametrize("periods", [False, True], ids=["DatetimeIndex", "PeriodIndex"])
@FEW
@given(data=st.data())
def test_windows_are_cut_from_consecutive_dates_only(periods, data):
    series = data.draw(regular_series(periods=periods))
    X, y = make_windows(series, window=3, horizon=2)
    kind, edited = data.draw(disturbed(series.to_timestamp() if periods else series))
    if periods and isinstance(edited.index, pd.DatetimeIndex):
        edited = edited.set_axis(edited.index.to_period("M"))
    consecutive = kind in ("shift", "positions") or (
        kind == "permute" and edited.index.is_monotonic_increasing)
    if consecutive:   # the same values on consecutive steps: the same windows
        X2, y2 = make_windows(edited, window=3, horizon=2)
        assert np.array_equal(X2, X) and np.array_equal(y2, y)
    else:             # reordered, duplicated, gapped or NaN: refused
        with pytest.raises(CourseInputError):
            make_windows(edited, window=3, horizon=2)


FORECASTERS = {
    "naive": lambda train: naive_forecast(train, 3),
    "seasonal naive": lambda train: seasonal_naive_forecast(train, 3, season=4),
    "seasonal naive intervals": lambda train: intervals.seasonal_naive_intervals(
        train, 3, season=2).quantiles,
}


@pytest.mark.parametrize("name", sorted(FORECASTERS))
@FEW
@given(data=st.data())
def test_a_forecaster_refuses_what_is_not_a_regular_dated_series(name, data):
    forecast = FORECASTERS[name]
    series = data.draw(regular_series())
    aligned = forecast(series)
    kind, edited = data.draw(disturbed(series))
    if kind == "shift":   # the same values a few months later: the same forecast, moved
        try:
            moved = forecast(edited)
        except CourseInputError as err:   # the shift dropped the index's freq: it says so
            assert "frequency" in str(err)
            return
        assert np.allclose(moved.to_numpy(), aligned.to_numpy())
        assert (moved.index > edited.index[-1]).all()
        return
    if kind == "permute" and edited.index.equals(series.index):
        same_or_refused(lambda: forecast(edited), aligned)
        return
    with pytest.raises(CourseInputError):
        forecast(edited)


@FEW
@given(data=st.data())
def test_the_cache_answers_what_the_forecaster_answers(data):
    """Whatever was cached before, the cache's answer is the forecaster's own answer."""
    cache = ForecastCache(lambda train, horizon: train.iloc[-horizon:].reset_index(drop=True))
    series = data.draw(regular_series())
    cache(series, 2)
    order = data.draw(st.permutations(range(len(series))))
    reordered = series.iloc[list(order)]
    assert cache(reordered, 2).equals(reordered.iloc[-2:].reset_index(drop=True))
    renamed = series.rename("other")
    assert cache(renamed, 2).name == "other"
    edited = cache(series, 2)
    edited.iloc[:] = math.nan
    assert cache(series, 2).equals(series.iloc[-2:].reset_index(drop=True))
