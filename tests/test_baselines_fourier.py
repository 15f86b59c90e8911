"""Tests for helpers.baselines.fourier_terms (the calendar regressors of 08 and 09)."""

from __future__ import annotations

from helpers.baselines import fourier_terms
from helpers.validation import CourseInputError

import numpy as np
import pandas as pd
import pytest


def test_values_follow_the_formula():
    dates = pd.date_range("2014-12-30", periods=5, freq="D")
    terms = fourier_terms(dates, pairs=3)
    assert list(terms.columns) == ["sin1", "cos1", "sin2", "cos2", "sin3", "cos3"]
    assert terms.index.equals(dates)
    angle = 2 * np.pi * (dates.day_of_year.to_numpy() - 1) / 365.25
    for k in (1, 2, 3):
        np.testing.assert_allclose(terms[f"sin{k}"], np.sin(k * angle))
        np.testing.assert_allclose(terms[f"cos{k}"], np.cos(k * angle))


def test_first_pair_is_a_circle_and_new_year_neighbours_stay_close():
    terms = fourier_terms(pd.date_range("2012-01-01", "2015-12-31", freq="D"), pairs=1)
    np.testing.assert_allclose(terms["sin1"] ** 2 + terms["cos1"] ** 2, 1.0)
    new_year = terms.loc[["2014-12-31", "2015-01-01"]].to_numpy()
    assert np.linalg.norm(new_year[0] - new_year[1]) < 0.03
    summer = terms.loc["2015-07-02"].to_numpy()
    assert np.linalg.norm(new_year[1] - summer) > 1.99


def test_accepts_a_series_and_a_custom_period():
    series = pd.Series(1.0, index=pd.date_range("2020-01-01", periods=8, freq="D"))
    terms = fourier_terms(series, pairs=1, period=7)
    np.testing.assert_allclose(terms["sin1"].iloc[7], 0.0, atol=1e-12)  # one week later: same point
    np.testing.assert_allclose(terms["cos1"].iloc[7], 1.0)


@pytest.mark.parametrize(
    ("dates", "pairs", "period", "message"),
    [
        (["not a date"], 1, 365.25, "needs dates"),
        (pd.DatetimeIndex(["2020-01-01", None]), 1, 365.25, "missing values"),
        (pd.date_range("2020-01-01", periods=3), 0, 365.25, "pairs"),
        (pd.date_range("2020-01-01", periods=3), 1.5, 365.25, "pairs"),
        (pd.date_range("2020-01-01", periods=3), 1, 0, "period"),
        (pd.date_range("2020-01-01", periods=3), 1, "365", "period"),
        (pd.date_range("2020-01-01", periods=3), 1, float("nan"), "period"),
    ],
)
def test_bad_input_gets_a_clear_error(dates, pairs, period, message):
    with pytest.raises(CourseInputError, match=message):
        fourier_terms(dates, pairs=pairs, period=period)
