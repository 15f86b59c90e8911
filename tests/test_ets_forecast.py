"""helpers.baselines.ets_forecast: each ETS form, its AICc, and clear errors."""

from __future__ import annotations

from helpers.baselines import ETS_FORMS, ets_forecast
from helpers.data import load
from helpers.validation import CourseInputError

import numpy as np
import pandas as pd
import pytest

SALES = load("wine_sales")


@pytest.mark.parametrize("form", list(ETS_FORMS))
def test_every_form_forecasts_the_dates_after_train(form):
    forecast = ets_forecast(SALES.iloc[:-12], 12, form=form)
    assert forecast.index.equals(SALES.index[-12:]) and forecast.name == form
    assert np.isfinite(forecast).all() and np.isfinite(forecast.attrs["aicc"])
    assert forecast.attrs["aicc"] >= forecast.attrs["aic"]   # the small-sample correction adds


def test_a_pure_seasonal_pattern_is_continued():
    pattern = np.r_[10.0, 12.0, 9.0, 14.0, 20.0, 18.0, 11.0, 10.0, 13.0, 15.0, 16.0, 25.0]
    rng = np.random.default_rng(0)
    values = np.tile(pattern, 8) + rng.normal(0, 0.01, 96)
    series = pd.Series(values, index=pd.date_range("2000-01-01", periods=96, freq="MS"))
    forecast = ets_forecast(series, 12, form="ETS(A,N,A)")
    assert np.allclose(forecast, pattern, atol=0.1)
    assert forecast.idxmax().month == 12 and forecast.idxmin().month == 3


def test_the_multiplicative_forms_fit_wine_sales_better():
    aicc = {form: ets_forecast(SALES.iloc[:-12], 12, form=form).attrs["aicc"] for form in ETS_FORMS}
    assert min(aicc, key=aicc.get).startswith("ETS(M")


def test_bad_input_gets_a_clear_error():
    with pytest.raises(CourseInputError, match="form must be one of"):
        ets_forecast(SALES, 12, form="ETS(M,M,M)")
    with pytest.raises(CourseInputError, match="strictly positive"):
        ets_forecast(SALES - SALES.mean(), 12, form="ETS(M,N,M)")
    with pytest.raises(CourseInputError, match="at least 24"):
        ets_forecast(SALES.iloc[:20], 12)
    with pytest.raises(CourseInputError, match="season"):
        ets_forecast(SALES, 12, season=1)
    with pytest.raises(CourseInputError, match="one series"):
        ets_forecast(SALES.to_frame(), 12)
