"""Interval helpers, each checked against an independent reference."""

from __future__ import annotations

import helpers  # noqa: F401
from helpers import intervals
from helpers.data import load
from helpers.intervals import IntervalForecast
from helpers.validation import CourseInputError

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")
RNG = np.random.default_rng(0)


def test_pinball_matches_scikit_learn():
    from sklearn.metrics import mean_pinball_loss

    y, f = RNG.normal(size=50), RNG.normal(size=50)
    for q in (0.1, 0.5, 0.9):
        assert intervals.pinball_loss(y, f, q) == pytest.approx(mean_pinball_loss(y, f, alpha=q))


def test_pinball_is_minimised_by_the_quantile():
    y = RNG.normal(size=4000)
    grid = np.linspace(-2, 2, 81)
    losses = [intervals.pinball_loss(y, np.full_like(y, c), 0.9) for c in grid]
    assert grid[int(np.argmin(losses))] == pytest.approx(np.quantile(y, 0.9), abs=0.06)


def test_coverage_width_and_interval_score_by_hand():
    y, lo, hi = np.array([1.0, 5.0, -3.0]), np.array([0.0, 0.0, 0.0]), np.array([2.0, 4.0, 1.0])
    assert intervals.coverage(y, lo, hi) == pytest.approx(1 / 3)
    assert intervals.mean_width(lo, hi) == pytest.approx(7 / 3)
    # widths 2, 4, 1; misses 1 above and 3 below, each times 2/alpha = 20
    assert intervals.interval_score(y, lo, hi, alpha=0.1) == pytest.approx((7 + 20 * 4) / 3)


def test_crps_of_gaussian_samples_matches_the_closed_form():
    y = np.array([0.3, -1.2, 2.0])
    mu, sigma = np.array([0.0, 0.5, 1.0]), np.array([1.0, 2.0, 0.5])
    draws = mu[:, None] + sigma[:, None] * RNG.standard_normal((3, 200_000))
    assert intervals.crps_from_samples(y, draws) == pytest.approx(
        intervals.crps_gaussian(y, mu, sigma), rel=0.01)


def test_crps_gaussian_matches_numerical_integration():
    from scipy.integrate import quad
    from scipy.stats import norm

    y, mu, sigma = 0.7, -0.2, 1.3
    integral = quad(lambda x: norm.cdf(x, mu, sigma) ** 2, -np.inf, y)[0] + \
        quad(lambda x: (1 - norm.cdf(x, mu, sigma)) ** 2, y, np.inf)[0]
    assert intervals.crps_gaussian([y], [mu], [sigma]) == pytest.approx(integral, rel=1e-6)


def test_crps_of_one_draw_is_the_absolute_error():
    assert intervals.crps_from_samples([1.0, 4.0], [[3.0], [2.0]]) == pytest.approx(2.0)


def test_conformal_margin_gives_coverage_on_exchangeable_data():
    hits = []
    for seed in range(300):
        rng = np.random.default_rng(seed)
        calibration, new = rng.normal(size=39), rng.normal()
        margin = intervals.conformal_margin(np.abs(calibration) - 0.5, alpha=0.2)  # interval ±0.5
        hits.append(abs(new) <= 0.5 + margin)
    assert 0.75 < np.mean(hits) < 0.87


def test_conformal_margin_refuses_too_few_scores():
    with pytest.raises(CourseInputError, match="too few"):
        intervals.conformal_margin([0.1, 0.2, 0.3], alpha=0.05)


@pytest.mark.parametrize("call, message", [
    (lambda: intervals.pinball_loss([1, 2], [1, 2], q=90), "Did you mean 0.9"),
    (lambda: intervals.pinball_loss([1, 2], [1], q=0.5), "must match"),
    (lambda: intervals.coverage([1, 2], [3, 3], [0, 0]), "swap"),
    (lambda: intervals.coverage([1, np.nan], [0, 0], [3, 3]), "NaN"),
    (lambda: intervals.crps_from_samples([1.0, 2.0], [1.0, 2.0]), "one last axis"),
    (lambda: intervals.crps_gaussian([0.0], [0.0], [0.0]), "positive"),
    (lambda: intervals.interval_score([1], [0], [2], alpha=1.5), "between 0 and 1"),
])
def test_bad_input_is_named(call, message):
    with pytest.raises(CourseInputError, match=message):
        call()


def test_seasonal_naive_intervals_follow_the_fpp_formula():
    sales = load("wine_sales").iloc[:120]
    forecast = intervals.seasonal_naive_intervals(sales, 24, season=12)
    residuals = sales.to_numpy()[12:] - sales.to_numpy()[:-12]
    s = np.std(residuals, ddof=1)
    median = forecast.median.to_numpy()
    assert np.array_equal(median[:12], sales.to_numpy()[-12:])
    lo, hi = forecast.interval(95)
    assert (hi - lo).iloc[0] == pytest.approx(2 * 1.959964 * s, rel=1e-5)
    assert (hi - lo).iloc[12] == pytest.approx(2 * 1.959964 * s * np.sqrt(2), rel=1e-5)
    assert forecast.quantiles.index[0] == sales.index[-1] + pd.offsets.MonthBegin(1)


def test_sarima_intervals_match_statsmodels_conf_int():
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    sales = load("wine_sales").iloc[:120]
    forecast = intervals.sarima_intervals(sales, 12, (0, 1, 1), (0, 1, 1, 12), log=True)
    reference = SARIMAX(np.log(sales), order=(0, 1, 1),
                        seasonal_order=(0, 1, 1, 12)).fit(disp=False).get_forecast(12)
    bounds = np.exp(reference.conf_int(alpha=0.2).to_numpy())
    lo, hi = forecast.interval(80)
    np.testing.assert_allclose(lo.to_numpy(), bounds[:, 0], rtol=1e-6)
    np.testing.assert_allclose(hi.to_numpy(), bounds[:, 1], rtol=1e-6)
    np.testing.assert_allclose(forecast.median.to_numpy(),
                               np.exp(reference.predicted_mean.to_numpy()), rtol=1e-6)
    assert (forecast.extra["mean"] > forecast.median).all()   # exp(mu + s^2/2) > exp(mu)


def test_ets_intervals_agree_with_statsmodels_prediction_intervals():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    sales = load("wine_sales").iloc[:120].astype(float)
    forecast = intervals.ets_intervals(sales, 12, n_paths=2000, seed=1)
    fitted = ETSModel(sales, error="mul", trend="add", damped_trend=True, seasonal="mul",
                      seasonal_periods=12).fit(disp=False)
    frame = fitted.get_prediction(start=120, end=131, method="simulated",
                                  simulate_repetitions=4000).summary_frame(alpha=0.2)
    lo, hi = forecast.interval(80)
    np.testing.assert_allclose(lo.to_numpy(), frame["pi_lower"].to_numpy(), rtol=0.05)
    np.testing.assert_allclose(hi.to_numpy(), frame["pi_upper"].to_numpy(), rtol=0.05)
    assert forecast.samples.shape == (12, 2000)


def test_interval_forecast_refuses_crossing_quantiles_and_widens():
    index = pd.date_range("2020-01-01", periods=2, freq="MS")
    with pytest.raises(CourseInputError, match="cross"):
        IntervalForecast(pd.DataFrame({0.1: [1.0, 5.0], 0.5: [2.0, 4.0]}, index=index))
    table = pd.DataFrame({q: [float(i)] * 2 for i, q in enumerate(intervals.QUANTILES)}, index=index)
    wider = IntervalForecast(table).widened({80: 1.0})
    assert wider.interval(80)[0].iloc[0] == 0.0 and wider.interval(80)[1].iloc[0] == 4.0
    assert wider.interval(95)[0].iloc[0] == 0.0 and wider.median.iloc[0] == 2.0


def test_fan_chart_draws_both_bands():
    sales = load("wine_sales").iloc[:120]
    forecast = intervals.seasonal_naive_intervals(sales, 12, season=12)
    ax = intervals.fan_chart(sales, forecast, ylabel="bottles")
    labels = ax.get_legend_handles_labels()[1]
    assert {"80 % interval", "95 % interval", "history"} <= set(labels)
    assert ax.get_title() and ax.get_ylabel() == "bottles"


def test_samples_follow_the_quantiles():
    sales = load("wine_sales").iloc[:120]
    for forecast in (intervals.sarima_intervals(sales, 12, (0, 1, 1), (0, 1, 1, 12), log=True,
                                                n_samples=20_000, seed=3),
                     intervals.seasonal_naive_intervals(sales, 12, 12, n_samples=20_000, seed=3)):
        empirical = np.quantile(forecast.samples, [0.1, 0.9], axis=1)
        lo, hi = forecast.interval(80)
        np.testing.assert_allclose(empirical[0], lo.to_numpy(), rtol=0.02)
        np.testing.assert_allclose(empirical[1], hi.to_numpy(), rtol=0.02)
    assert intervals.seasonal_naive_intervals(sales, 12, 12).samples is None


def test_interval_helpers_are_reachable_from_metrics_plotting_and_baselines():
    from helpers import baselines, metrics, plotting

    for module, names in [(metrics, ["pinball_loss", "coverage", "interval_score", "crps_from_samples",
                                     "crps_gaussian", "mean_width"]),
                          (plotting, ["fan_chart"]),
                          (baselines, ["seasonal_naive_intervals", "sarima_intervals", "ets_intervals"])]:
        for name in names:
            assert getattr(module, name) is getattr(intervals, name) and name in module.__all__


@pytest.mark.parametrize("drop_freq", [False, True])
def test_interval_tables_are_dated_by_future_index(drop_freq):
    from helpers.forecasting import future_index

    sales = load("wine_sales").iloc[:60].rename_axis("month")
    if drop_freq:  # the frequency is inferred from the dates, as before
        sales.index = pd.DatetimeIndex(list(sales.index), name="month")
    forecast = intervals.seasonal_naive_intervals(sales, 5, season=12)
    dates = forecast.quantiles.index
    assert dates.equals(future_index(sales.index, 5))
    assert dates[0] == sales.index[-1] + pd.offsets.MonthBegin(1) and dates.freqstr == "MS"
    assert dates.name is None  # the interval tables' dates stay unnamed


# Issue 28 §3: interval scores are held to the standard of the point metrics.
def _dated(values, start="2020-01-01"):
    return pd.Series(np.asarray(values, dtype=float),
                     index=pd.date_range(start, periods=len(values), freq="MS"))


@pytest.mark.parametrize("score", [
    lambda y, f: intervals.pinball_loss(y, f, q=0.9),
    lambda y, f: intervals.coverage(y, f - 1, f + 1),
    lambda y, f: intervals.interval_score(y, f - 1, f + 1, alpha=0.2),
    lambda y, f: intervals.crps_gaussian(y, f, 1.0),
])
def test_interval_scores_refuse_misaligned_dates_and_reordered_rows(score):
    y = _dated([1.0, 2.0, 3.0, 4.0])
    assert np.isfinite(score(y, _dated([1.5, 2.5, 2.0, 4.0])))
    with pytest.raises(CourseInputError, match="dates do not match"):
        score(y, _dated([1.5, 2.5, 2.0, 4.0], start="2020-02-01"))
    with pytest.raises(CourseInputError, match="different order"):
        score(y.reset_index(drop=True), _dated([1.5, 2.5, 2.0, 4.0]).reset_index(drop=True)[::-1])


def test_interval_scores_refuse_reordered_columns():
    index = pd.date_range("2020-01-01", periods=3, freq="MS")
    y = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [10.0, 20.0, 30.0]}, index=index)
    with pytest.raises(CourseInputError, match=r"y_pred\[y_true.columns\]|y_quantile\[y_true"):
        intervals.pinball_loss(y, y[["b", "a"]], q=0.5)
    assert intervals.pinball_loss(y, y[["b", "a"]][y.columns], q=0.5) == 0.0


def test_mean_width_refuses_swapped_bounds():
    with pytest.raises(CourseInputError, match="swap the two bounds"):
        intervals.mean_width([2.0, 5.0], [0.0, 1.0])


def test_crps_gaussian_takes_one_constant_std():
    assert intervals.crps_gaussian([0.0, 1.0], [0.0, 1.0], 2.0) == pytest.approx(
        intervals.crps_gaussian([0.0, 1.0], [0.0, 1.0], [2.0, 2.0]))
    with pytest.raises(CourseInputError, match="positive"):
        intervals.crps_gaussian([0.0, 1.0], [0.0, 1.0], -1.0)


def test_interval_forecast_refuses_nan_quantiles_and_repeated_levels():
    index = pd.date_range("2020-01-01", periods=2, freq="MS")
    with pytest.raises(CourseInputError, match="NaN or infinite"):
        IntervalForecast(pd.DataFrame({0.1: [1.0, np.nan], 0.9: [2.0, 4.0]}, index=index))
    repeated = pd.DataFrame([[1.0, 2.0, 3.0]] * 2, index=index, columns=[0.1, 0.5, 0.5])
    with pytest.raises(CourseInputError, match="appear twice"):
        IntervalForecast(repeated)


def test_widened_with_a_negative_margin_keeps_the_median_and_names_missing_levels():
    index = pd.date_range("2020-01-01", periods=2, freq="MS")
    table = pd.DataFrame({0.025: [0.0, 0.0], 0.1: [1.0, 1.0], 0.5: [2.0, 5.0],
                          0.9: [3.0, 9.0], 0.975: [4.0, 10.0]}, index=index)
    narrower = IntervalForecast(table).widened({80: -1.5, 95: -0.5})
    assert narrower.median.tolist() == [2.0, 5.0]                      # the median never moves
    low80, high80 = narrower.interval(80)
    assert low80.tolist() == [2.0, 2.5] and high80.tolist() == [2.0, 7.5]  # stopped at the median
    low95, high95 = narrower.interval(95)
    assert (low95 <= low80).all() and (high95 >= high80).all()
    with pytest.raises(CourseInputError, match=r"levels are \[80, 95\]"):
        IntervalForecast(table).widened({90: 1.0})
    with pytest.raises(CourseInputError, match=r"no \[0.025, 0.975\] quantile"):
        IntervalForecast(table[[0.1, 0.5, 0.9]]).widened({95: 1.0})
    with pytest.raises(CourseInputError, match="one finite number"):
        IntervalForecast(table).widened({80: float("nan")})


def test_widened_takes_one_margin_per_step():
    index = pd.date_range("2020-01-01", periods=2, freq="MS")
    table = pd.DataFrame({0.025: [0.0, 0.0], 0.1: [1.0, 1.0], 0.5: [2.0, 5.0],
                          0.9: [3.0, 9.0], 0.975: [4.0, 10.0]}, index=index)
    wider = IntervalForecast(table).widened({80: np.array([0.5, 2.0])})
    low80, high80 = wider.interval(80)
    assert low80.tolist() == [0.5, -1.0] and high80.tolist() == [3.5, 11.0]
    assert wider.median.tolist() == [2.0, 5.0]
    with pytest.raises(CourseInputError, match="one per step \\(2 values\\)"):
        IntervalForecast(table).widened({80: np.array([0.5, 2.0, 1.0])})
    with pytest.raises(CourseInputError, match="NaN or infinite"):
        IntervalForecast(table).widened({95: np.array([0.5, np.inf])})


def test_sarima_intervals_refuse_too_short_a_series_as_sarimax_forecast_does():
    from helpers.baselines import sarimax_forecast

    short = _dated(np.arange(1.0, 11.0))
    with pytest.raises(CourseInputError, match="needs at least") as baseline:
        sarimax_forecast(short, 3, (0, 1, 1), (0, 1, 1, 12))
    with pytest.raises(CourseInputError, match="needs at least") as ours:
        intervals.sarima_intervals(short, 3, (0, 1, 1), (0, 1, 1, 12))
    assert str(ours.value) == str(baseline.value)


def test_fan_chart_refuses_truth_without_dates():
    sales = load("wine_sales").iloc[:120]
    forecast = intervals.seasonal_naive_intervals(sales, 12, season=12)
    with pytest.raises(CourseInputError, match="indexed by dates.*1970"):
        intervals.fan_chart(sales, forecast, truth=pd.Series(np.arange(12.0)))
    with pytest.raises(CourseInputError, match="indexed by dates"):
        intervals.fan_chart(sales, forecast, truth=np.arange(12.0))
    intervals.fan_chart(sales, forecast, truth=load("wine_sales").iloc[120:132])


@pytest.mark.parametrize("index, message", [
    (pd.DatetimeIndex(["2020-01-01", "2020-01-01", "2020-02-01", "2020-03-01"]), "duplicate dates"),
    (pd.DatetimeIndex(["2020-02-01", "2020-01-01", "2020-03-01", "2020-04-01"]), "sort_index"),
    (pd.DatetimeIndex(["2020-01-01", "2020-02-01", "2020-04-01", "2020-05-01"]), "not evenly spaced"),
])
def test_interval_models_name_duplicated_unsorted_or_gapped_dates(index, message):
    with pytest.raises(CourseInputError, match=message):
        intervals.seasonal_naive_intervals(pd.Series([1.0, 2.0, 3.0, 4.0], index=index), 2, season=1)
