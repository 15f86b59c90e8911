"""Forecast intervals: how to make them and how to score them (taught in notebook 10).

A probabilistic forecast is stored as an :class:`IntervalForecast`: for each future
date, a few quantiles (2.5 %, 10 %, 50 %, 90 %, 97.5 % by default), and, where the
method draws them, sample paths. The 80 % interval runs from the 10 % to the 90 %
quantile, the 95 % interval from 2.5 % to 97.5 %.

Scores (truth first, as in :mod:`helpers.metrics`):

>>> coverage([1, 2, 3, 4], lower=[0, 0, 0, 0], upper=[2, 2, 2, 5])
0.75
>>> pinball_loss([10.0], [8.0], q=0.9)   # the truth is above the 90 % quantile: costly
1.8
>>> round(interval_score([5.0], [4.0], [6.0], alpha=0.2), 6)   # inside: just the width
2.0

Classical models with intervals: :func:`seasonal_naive_intervals`,
:func:`sarima_intervals` and :func:`ets_intervals`. Calibration:
:func:`conformal_margin`. Picture: :func:`fan_chart`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

from helpers.forecasting import future_index
from helpers.validation import (
    CourseInputError,
    as_float_array,
    check_index,
    check_no_nans,
    check_positive_int,
    check_regular,
)

import numpy as np
import pandas as pd

__all__ = [
    "QUANTILES",
    "IntervalForecast",
    "conformal_margin",
    "coverage",
    "crps_from_samples",
    "crps_gaussian",
    "ets_intervals",
    "fan_chart",
    "interval_score",
    "mean_width",
    "pinball_loss",
    "sarima_intervals",
    "seasonal_naive_intervals",
]

QUANTILES: tuple[float, ...] = (0.025, 0.1, 0.5, 0.9, 0.975)
LEVELS = {80: (0.1, 0.9), 95: (0.025, 0.975)}


def _pair(name_a: str, a: Any, name_b: str, b: Any) -> tuple[np.ndarray, np.ndarray]:
    """Two aligned inputs as float arrays: pandas labels (dates, columns) must line up.

    The same guard as the point metrics (:func:`helpers.metrics.rmse`): a shifted or
    reordered forecast is refused instead of being scored by position.
    """
    from helpers.metrics import _check_aligned  # metrics imports this module

    try:
        _check_aligned(a, b)
    except CourseInputError as err:
        raise CourseInputError(
            str(err).replace("y_true", name_a).replace("y_pred", name_b)) from None
    x, y = as_float_array(a, name_a), as_float_array(b, name_b)
    if x.shape != y.shape:
        squeezable = x.size == y.size and x.squeeze().shape == y.squeeze().shape
        hint = " Flatten both with np.ravel() (one is (n, 1), the other (n,))." if squeezable else ""
        raise CourseInputError(f"{name_a} has shape {x.shape} but {name_b} has shape {y.shape}; "
                               f"they must match point by point.{hint}")
    check_no_nans(x, name_a)
    check_no_nans(y, name_b)
    if x.size == 0:
        raise CourseInputError(f"{name_a} is empty: there is nothing to score.")
    return x, y


def _level(q: Any, name: str = "q") -> float:
    if isinstance(q, bool) or not isinstance(q, int | float | np.floating | np.integer):
        raise CourseInputError(f"{name} must be a number between 0 and 1 (e.g. 0.9), got {q!r}.")
    if not 0 < float(q) < 1:
        hint = f" Did you mean {q / 100:g}?" if 1 < float(q) < 100 else ""
        raise CourseInputError(f"{name} must be strictly between 0 and 1, got {q}.{hint}")
    return float(q)


def pinball_loss(y_true: Any, y_quantile: Any, q: float) -> float:
    """Mean pinball (quantile) loss of a forecast of the ``q`` quantile.

    First used in 10 §6.

    For each point, ``q * (y - f)`` when the truth ``y`` is above the forecast ``f``
    and ``(1 - q) * (f - y)`` when it is below. Minimising it makes ``f`` the ``q``
    quantile, just as squared error makes a forecast the mean.

    >>> pinball_loss([1.0, 3.0], [2.0, 2.0], q=0.5)   # half the absolute error
    0.5
    """
    y, f = _pair("y_true", y_true, "y_quantile", y_quantile)
    q = _level(q)
    diff = y - f
    return float(np.mean(np.maximum(q * diff, (q - 1) * diff)))


def _bounds(y_true: Any, lower: Any, upper: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y, lo = _pair("y_true", y_true, "lower", lower)
    _, hi = _pair("y_true", y_true, "upper", upper)
    if np.any(lo > hi + 1e-12):
        worst = int(np.argmax(lo - hi))
        raise CourseInputError(
            f"lower is above upper at position {worst} ({lo.ravel()[worst]:g} > "
            f"{hi.ravel()[worst]:g}): did you swap the two bounds?")
    return y, lo, hi


def coverage(y_true: Any, lower: Any, upper: Any) -> float:
    """Share of the true values that fall inside ``[lower, upper]`` (bounds included).

    First used in 10 §6.
    """
    y, lo, hi = _bounds(y_true, lower, upper)
    return float(np.mean((y >= lo) & (y <= hi)))


def mean_width(lower: Any, upper: Any) -> float:
    """Mean width ``upper - lower`` of a set of intervals.

    First used in 10 §6.

    >>> mean_width([0, 1], [2, 5])
    3.0
    """
    lo, hi = _pair("lower", lower, "upper", upper)
    if np.any(lo > hi + 1e-12):
        worst = int(np.argmax(lo - hi))
        raise CourseInputError(
            f"lower is above upper at position {worst} ({lo.ravel()[worst]:g} > "
            f"{hi.ravel()[worst]:g}), which would give a negative width: did you swap the two "
            "bounds? Call mean_width(lower, upper).")
    return float(np.mean(hi - lo))


def interval_score(y_true: Any, lower: Any, upper: Any, alpha: float) -> float:
    """Mean interval (Winkler) score of central ``(1 - alpha)`` intervals; lower is better.

    First used in 10 §6.

    The width of the interval, plus ``2 / alpha`` times how far the truth falls outside
    it. A narrow interval is rewarded only as long as the truth stays inside.
    """
    y, lo, hi = _bounds(y_true, lower, upper)
    alpha = _level(alpha, "alpha")
    penalty = (2 / alpha) * (np.clip(lo - y, 0, None) + np.clip(y - hi, 0, None))
    return float(np.mean(hi - lo + penalty))


def crps_from_samples(y_true: Any, samples: Any) -> float:
    """Mean continuous ranked probability score of sampled forecasts; lower is better.

    First used in 10 §6.

    ``samples`` has one more axis than ``y_true``, the last one: the draws for each
    point. CRPS is ``E|X - y| - E|X - X'| / 2`` for independent draws ``X, X'``; for a
    single draw it is the absolute error, so it generalises the MAE to distributions.

    >>> crps_from_samples([0.0], [[1.0]])   # one draw: the absolute error
    1.0
    """
    y = as_float_array(y_true, "y_true")
    x = as_float_array(samples, "samples")
    if x.ndim != y.ndim + 1 or x.shape[:-1] != y.shape:
        raise CourseInputError(
            f"samples must have the shape of y_true plus one last axis of draws: y_true is "
            f"{y.shape}, so samples should be {(*y.shape, 'n_draws')}, got {x.shape}.")
    check_no_nans(y, "y_true")
    check_no_nans(x, "samples")
    n = x.shape[-1]
    if y.size == 0 or n == 0:
        raise CourseInputError("crps_from_samples needs at least one point and one draw.")
    x = np.sort(x, axis=-1)
    spread_weights = (2 * np.arange(1, n + 1) - n - 1) / n**2     # E|X - X'| from sorted draws
    first = np.mean(np.abs(x - y[..., None]), axis=-1)
    second = np.sum(x * spread_weights, axis=-1)
    return float(np.mean(first - second))


def crps_gaussian(y_true: Any, mean: Any, std: Any) -> float:
    """Mean CRPS of Gaussian forecasts ``N(mean, std**2)``, from the closed form.

    Not used in a notebook; the closed form for a normal forecast, which the tests compare crps_from_samples() with.

    >>> round(crps_gaussian([0.0], [0.0], [1.0]), 4)   # sigma * (sqrt(2) - 1) / sqrt(pi)
    0.2337
    >>> round(crps_gaussian([0.0, 0.0], [0.0, 0.0], 1.0), 4)   # one std for every point
    0.2337
    """
    from scipy.stats import norm

    y, mu = _pair("y_true", y_true, "mean", mean)
    if np.ndim(std) == 0 and not isinstance(std, str | bytes):   # one std for every point
        sigma = np.full_like(y, as_float_array(std, "std").item())
        check_no_nans(sigma, "std")
    else:
        _, sigma = _pair("y_true", y_true, "std", std)
    if np.any(sigma <= 0):
        raise CourseInputError("std must be positive everywhere (a standard deviation).")
    z = (y - mu) / sigma
    return float(np.mean(sigma * (z * (2 * norm.cdf(z) - 1) + 2 * norm.pdf(z) - 1 / math.sqrt(math.pi))))


def conformal_margin(scores: Any, alpha: float) -> float:
    """Split-conformal margin: widen an interval by this much to reach ``1 - alpha`` coverage.

    First used in 10 §5.

    ``scores`` are conformity scores from a calibration period that ends before the
    period you will forecast, usually ``max(lower - y, y - upper)`` for each
    calibration point (negative when the truth is inside). The margin is their
    ``ceil((n + 1)(1 - alpha)) / n`` empirical quantile; with exchangeable data the
    widened interval ``[lower - m, upper + m]`` covers at least ``1 - alpha`` of new
    points on average. A negative margin narrows an interval that was too wide.

    >>> conformal_margin(np.arange(1.0, 10.0), alpha=0.2)   # n = 9: the 8th smallest of 9
    8.0
    """
    s = as_float_array(scores, "scores").ravel()
    check_no_nans(s, "scores")
    alpha = _level(alpha, "alpha")
    n = s.size
    rank = math.ceil((n + 1) * (1 - alpha))
    if n == 0 or rank > n:
        raise CourseInputError(
            f"{n} calibration scores are too few for a {1 - alpha:.0%} interval: it needs at "
            f"least {math.ceil(1 / alpha) - 1}. Use a longer calibration period.")
    return float(np.sort(s)[rank - 1])


@dataclass
class IntervalForecast:
    """Quantiles (and optionally sample paths) of a forecast, one row per future date.

    First used in 10 §4a. Taught in 10 §4d.

    Attributes:
        quantiles: DataFrame indexed by date, one column per quantile level in (0, 1).
        samples: optional array ``(horizon, n_draws)`` of sampled values.
        name: the method, for tables and legends.
    """

    quantiles: pd.DataFrame
    samples: np.ndarray | None = None
    name: str = "forecast"
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.quantiles, pd.DataFrame) or self.quantiles.empty:
            raise CourseInputError("IntervalForecast needs a non-empty DataFrame of quantiles.")
        try:
            levels = [float(c) for c in self.quantiles.columns]
        except (TypeError, ValueError):
            raise CourseInputError(
                f"quantile columns must be levels between 0 and 1 such as 0.1 and 0.9, got "
                f"{list(self.quantiles.columns)}.") from None
        if len(set(levels)) != len(levels):
            repeated = sorted({q for q in levels if levels.count(q) > 1})
            raise CourseInputError(
                f"quantile level(s) {repeated} appear twice among the columns {levels}; keep "
                "one column per level.")
        if sorted(levels) != levels or not all(0 < q < 1 for q in levels):
            raise CourseInputError(
                f"quantile columns must be increasing levels between 0 and 1, got {levels}.")
        values = as_float_array(self.quantiles, "quantiles")
        bad = ~np.isfinite(values)
        if bad.any():
            row, col = (int(i) for i in np.argwhere(bad)[0])
            raise CourseInputError(
                f"the quantiles hold {int(bad.sum())} NaN or infinite value(s), the first on "
                f"{self.quantiles.index[row]} at level {levels[col]}: a forecast with a missing "
                "quantile cannot be scored. Check the method that produced them.")
        if np.any(np.diff(values, axis=1) < -1e-9):
            raise CourseInputError(
                "the quantiles cross: a higher level has a lower value on some date. Sort each "
                "row (np.sort(..., axis=1)) or check the order of the columns.")
        if self.samples is not None and np.asarray(self.samples).shape[0] != len(self.quantiles):
            raise CourseInputError(
                f"samples must have one row per date ({len(self.quantiles)}), got shape "
                f"{np.asarray(self.samples).shape}.")

    @classmethod
    def from_samples(cls, samples: Any, index: pd.Index, name: str = "forecast",
                     levels: tuple[float, ...] = QUANTILES) -> IntervalForecast:
        """Quantiles taken from sample paths ``(horizon, n_draws)``."""
        x = as_float_array(samples, "samples")
        if x.ndim != 2 or x.shape[0] != len(index):
            raise CourseInputError(
                f"samples must be (horizon, n_draws) = ({len(index)}, n), got {x.shape}.")
        check_no_nans(x, "samples")
        table = pd.DataFrame(np.quantile(x, levels, axis=1).T, index=index, columns=list(levels))
        return cls(table, samples=x, name=name)

    def quantile(self, q: float) -> pd.Series:
        """The forecast of the ``q`` quantile, one value per date."""
        q = _level(q)
        matches = [c for c in self.quantiles.columns if abs(float(c) - q) < 1e-9]
        if not matches:
            raise CourseInputError(
                f"{self.name} has no {q} quantile; it has {list(self.quantiles.columns)}.")
        return self.quantiles[matches[0]].rename(f"{self.name} q{q:g}")

    @property
    def median(self) -> pd.Series:
        return self.quantile(0.5)

    def interval(self, level: int) -> tuple[pd.Series, pd.Series]:
        """``(lower, upper)`` of the central ``level`` % interval (80 or 95)."""
        if level not in LEVELS:
            raise CourseInputError(f"level must be one of {sorted(LEVELS)} (percent), got {level!r}.")
        low, high = LEVELS[level]
        return self.quantile(low), self.quantile(high)

    def widened(self, margins: dict[int, Any], name: str | None = None) -> IntervalForecast:
        """A copy whose 80 % / 95 % bounds move out by ``margins[level]`` (conformal).

        A margin is one number for every step, or one number per step (an array as long
        as the forecast: per-step conformal margins, 10 §5).

        A negative margin narrows an interval; a bound is never moved past the median
        or past the bound of a narrower interval (it stops there), so every other
        column, the median included, stays as it was.
        """
        if not isinstance(margins, dict):
            raise CourseInputError(
                f"margins must be a dict {{level: margin}}, e.g. {{80: 120.0, 95: 310.0}}, got "
                f"{type(margins).__name__}.")
        table = self.quantiles.copy()
        for level, margin in margins.items():
            if level not in LEVELS:
                raise CourseInputError(
                    f"widened() got a margin for a {level!r} % interval; the levels are "
                    f"{sorted(LEVELS)} (percent), e.g. widened({{80: m80, 95: m95}}).")
            low, high = LEVELS[level]
            missing = [q for q in (low, high) if not any(abs(float(c) - q) < 1e-9 for c in table.columns)]
            if missing:
                raise CourseInputError(
                    f"{self.name} has no {missing} quantile(s), so its {level} % interval cannot "
                    f"be widened; it has the levels {list(table.columns)}. Build it with those "
                    "levels, or pass margins only for the intervals it has.")
            value = _margin(margin, level, len(table))
            column = {q: [c for c in table.columns if abs(float(c) - q) < 1e-9][0] for q in (low, high)}
            table[column[low]] = table[column[low]] - value
            table[column[high]] = table[column[high]] + value
        levels = np.array([float(c) for c in table.columns])
        values = table.to_numpy(dtype=float)
        centre = int(np.argmin(np.abs(levels - 0.5)))
        for j in range(centre - 1, -1, -1):                 # below the median: at most the next
            values[:, j] = np.minimum(values[:, j], values[:, j + 1])
        for j in range(centre + 1, len(levels)):             # above it: at least the previous
            values[:, j] = np.maximum(values[:, j], values[:, j - 1])
        table = pd.DataFrame(values, index=table.index, columns=table.columns)
        return IntervalForecast(table, None, name or f"{self.name} + conformal")


def _margin(margin: Any, level: int, steps: int) -> float | np.ndarray:
    """One finite margin, or one per step (length ``steps``); a clear error otherwise."""
    shape = np.shape(margin)
    if isinstance(margin, bool | np.bool_) or shape not in ((), (steps,)):
        raise CourseInputError(
            f"margins[{level}] must be one finite number (the conformal margin) or one per "
            f"step ({steps} values), got {margin!r:.60}.")
    values = as_float_array(margin, f"margins[{level}]")
    if not np.all(np.isfinite(values)):
        raise CourseInputError(f"margins[{level}] must be one finite number or one per step; it "
                               f"has NaN or infinite values: {margin!r:.60}.")
    return float(values) if values.ndim == 0 else values


def _series(train: Any, name: str = "train") -> pd.Series:
    if not isinstance(train, pd.Series) or not isinstance(train.index, pd.DatetimeIndex):
        raise CourseInputError(f"{name} must be a pandas Series with a DatetimeIndex, "
                               f"got {type(train).__name__}.")
    check_index(train.index, name)       # duplicated, unsorted or missing dates: named as such
    if train.index.freq is None and len(train) >= 3:
        check_regular(train.index, name)  # a gap: named, with the dates around it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # pandas' note on infer_freq's future return type
        inferred = None if len(train) < 3 else pd.infer_freq(train.index)
    if train.index.freq is None and inferred is None:
        raise CourseInputError(f"{name}'s dates have no frequency and too few rows to infer one; "
                               f"set it with {name}.asfreq('MS') (monthly) or load the data with "
                               "helpers.data.load.")
    check_no_nans(train.to_numpy(dtype=float), name)
    return train


def _future(train: pd.Series, horizon: int) -> pd.DatetimeIndex:
    """The dates after ``train``; unnamed, as the interval tables have always been."""
    return future_index(train.index, horizon).rename(None)


def _normal_table(center: np.ndarray, std: np.ndarray, index: pd.Index,
                  levels: tuple[float, ...]) -> pd.DataFrame:
    from scipy.stats import norm

    return pd.DataFrame({q: center + norm.ppf(q) * std for q in levels}, index=index)


def _normal_samples(center: np.ndarray, std: np.ndarray, n_samples: int, seed: int) -> np.ndarray | None:
    if not n_samples:
        return None
    n_samples = check_positive_int(n_samples, "n_samples")
    rng = np.random.default_rng(seed)
    return center[:, None] + std[:, None] * rng.standard_normal((len(center), n_samples))


def seasonal_naive_intervals(train: pd.Series, horizon: int, season: int,
                             levels: tuple[float, ...] = QUANTILES, n_samples: int = 0,
                             seed: int = 0) -> IntervalForecast:
    """Seasonal naive forecast with normal intervals from its own in-sample residuals.

    First used in 10 §2.

    The residuals are ``y[t] - y[t - season]`` over the training data; with their
    standard deviation ``s``, the ``h``-step forecast has standard deviation
    ``s * sqrt(k + 1)``, where ``k`` is the number of whole seasons before step ``h``
    (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 5.5).
    With ``n_samples > 0`` it also draws that many values per step from the same
    normal distributions (for sample-based scores such as the CRPS).
    """
    train = _series(train)
    horizon = check_positive_int(horizon, "horizon")
    season = check_positive_int(season, "season")
    values = train.to_numpy(dtype=float)
    if len(values) < 2 * season:
        raise CourseInputError(f"seasonal naive intervals need two full seasons ({2 * season} "
                               f"values) to estimate residuals, got {len(values)}.")
    residuals = values[season:] - values[:-season]
    s = float(np.std(residuals, ddof=1))
    steps = np.arange(1, horizon + 1)
    center = values[-season:][(steps - 1) % season]
    std = s * np.sqrt((steps - 1) // season + 1)
    table = _normal_table(center, std, _future(train, horizon), levels)
    return IntervalForecast(table, samples=_normal_samples(center, std, n_samples, seed),
                            name="seasonal naive", extra={"residual_std": s})


def sarima_intervals(train: pd.Series, horizon: int, order: tuple[int, int, int],
                     seasonal_order: tuple[int, int, int, int], log: bool = False,
                     levels: tuple[float, ...] = QUANTILES, n_samples: int = 0,
                     seed: int = 0) -> IntervalForecast:
    """SARIMA quantiles from statsmodels' ``get_forecast`` (normal forecast errors).

    First used in 10 §2.

    With ``log=True`` the model is fitted on ``log(train)`` and every quantile is
    transformed back with ``exp``: quantiles survive a monotone transform, so the
    0.5 column is the *median* forecast. ``extra["mean"]`` holds the bias-adjusted
    mean ``exp(mu + sigma**2 / 2)`` for comparison. With ``n_samples > 0`` it also
    draws that many values per step from the forecast distribution.
    """
    from helpers.baselines import _check_int_tuple, _sarima_name

    from statsmodels.tsa.statespace.sarimax import SARIMAX

    train = _series(train)
    horizon = check_positive_int(horizon, "horizon")
    if not isinstance(log, bool):
        raise CourseInputError(f"log must be True or False, got {log!r}.")
    order = _check_int_tuple(order, 3, "order", "(0, 1, 1)")
    seasonal_order = _check_int_tuple(seasonal_order, 4, "seasonal_order", "(0, 1, 1, 12)")
    (p, d, q), (big_p, big_d, big_q, s) = order, seasonal_order
    if (big_p or big_d or big_q) and s < 2:
        raise CourseInputError(
            f"seasonal_order={seasonal_order} has seasonal terms but a season length of {s}; "
            "set the last number to the season length (12 for monthly data).")
    needed = d + big_d * s + max(p + big_p * s, q + big_q * s) + 2   # as sarimax_forecast
    if len(train) < needed:
        raise CourseInputError(
            f"{_sarima_name(order, seasonal_order, False)} needs at least {needed} "
            f"observations in train, but it has {len(train)}. Use more data or a smaller "
            "order (fewer differences and lags).")
    values = train.to_numpy(dtype=float)
    if log and np.any(values <= 0):
        raise CourseInputError("log=True needs strictly positive values; this series has zeros "
                               "or negatives. Use log=False.")
    endog = pd.Series(np.log(values) if log else values, index=train.index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = SARIMAX(endog, order=order, seasonal_order=seasonal_order).fit(disp=False)
    prediction = fitted.get_forecast(horizon)
    mu = prediction.predicted_mean.to_numpy()
    sigma = np.sqrt(prediction.var_pred_mean.to_numpy())
    table = _normal_table(mu, sigma, _future(train, horizon), levels)
    samples = _normal_samples(mu, sigma, n_samples, seed)
    mean = mu
    if log:
        table = np.exp(table)
        mean = np.exp(mu + sigma**2 / 2)
        samples = None if samples is None else np.exp(samples)
    return IntervalForecast(table, samples=samples, name="SARIMA",
                            extra={"mean": pd.Series(mean, index=table.index), "fitted": fitted})


def ets_intervals(train: pd.Series, horizon: int, season: int = 12, n_paths: int = 500,
                  seed: int = 0, levels: tuple[float, ...] = QUANTILES) -> IntervalForecast:
    """ETS(M, Ad, M) (Holt-Winters with multiplicative errors and seasonality, damped trend).

    First used in 10 §2.

    Fitted with statsmodels' ``ETSModel``; the quantiles come from ``n_paths`` simulated
    future paths (``simulate(..., anchor="end")``), which are kept as samples.
    ``extra["point"]`` holds the model's own point forecast.
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    train = _series(train)
    horizon = check_positive_int(horizon, "horizon")
    season = check_positive_int(season, "season", minimum=2)
    n_paths = check_positive_int(n_paths, "n_paths", minimum=20)
    if np.any(train.to_numpy(dtype=float) <= 0):
        raise CourseInputError("multiplicative ETS needs strictly positive values.")
    model = ETSModel(train.astype(float), error="mul", trend="add", damped_trend=True,
                     seasonal="mul", seasonal_periods=season)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = model.fit(disp=False)
    paths = fitted.simulate(horizon, repetitions=n_paths, anchor="end",
                           rng=np.random.default_rng(seed))
    paths = np.asarray(paths, dtype=float).reshape(horizon, n_paths)
    forecast = IntervalForecast.from_samples(paths, _future(train, horizon), "ETS", levels)
    forecast.extra["point"] = pd.Series(np.asarray(fitted.forecast(horizon)), index=forecast.quantiles.index)
    forecast.extra["fitted"] = fitted
    return forecast


def fan_chart(history: pd.Series, forecast: IntervalForecast, truth: pd.Series | None = None,
              last_n: int = 36, ax: Any = None, title: str = "Forecast with 80 % and 95 % intervals",
              ylabel: str = "value") -> Any:
    """Plot the recent history, the median forecast and its 80 % and 95 % bands.

    First used in 10 §2.

    Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    if not isinstance(forecast, IntervalForecast):
        raise CourseInputError("fan_chart needs an IntervalForecast (e.g. from sarima_intervals).")
    history = _series(history, "history")
    last_n = check_positive_int(last_n, "last_n")
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    recent = history.iloc[-last_n:]
    ax.plot(recent.index, recent.to_numpy(), color="black", linewidth=1.2, label="history")
    dates = forecast.quantiles.index
    # Not colour alone: the 95 % band is also hatched, the median dashed, the truth marked.
    for level, alpha, hatch in ((95, 0.18, "///"), (80, 0.35, None)):
        low, high = forecast.interval(level)
        ax.fill_between(dates, low.to_numpy(), high.to_numpy(), facecolor="C0", alpha=alpha,
                        edgecolor="C0" if hatch else "none", hatch=hatch, linewidth=0,
                        label=f"{level} % interval")
    ax.plot(dates, forecast.median.to_numpy(), color="C0", linewidth=1.6, linestyle="--",
            label=f"{forecast.name} median")
    if truth is not None:
        if not isinstance(truth, pd.Series) or not isinstance(truth.index, pd.DatetimeIndex):
            kind = type(truth.index).__name__ if isinstance(truth, pd.Series) else type(truth).__name__
            raise CourseInputError(
                f"fan_chart: truth must be a pandas Series indexed by dates, got {kind}; without "
                "dates it would be drawn at positions 0, 1, 2, ... (in 1970 on a date axis). "
                "Pass the test months, e.g. test or pd.Series(values, "
                "index=forecast.quantiles.index).")
        ax.plot(truth.index, truth.to_numpy(), color="C2", marker="o", markersize=3,
                linewidth=1, label="truth")
    ax.set(title=title, xlabel="date", ylabel=ylabel)
    ax.legend(loc="upper left", fontsize="small")
    return ax


# ---------------------------------------------------------------------------
# Per-step conformal margins, CRPS from quantiles and recursive sample paths
# ---------------------------------------------------------------------------

__all__ += ["conformal_margins_by_step", "quantile_crps", "recursive_paths"]


def conformal_margins_by_step(scores: Any, alpha: float, cap: bool = False) -> np.ndarray:
    """Split-conformal margins, one per forecast step: one column of ``scores`` each.

    First used in 10 §5.

    ``scores`` has shape ``(n_origins, horizon)``: the conformity score of each
    calibration origin at each step. Each step gets the ``ceil((n + 1)(1 - alpha))``-th
    smallest of its own ``n`` scores, so the margin may grow with the step (one margin
    per step, as in Stankeviciute et al., 2021, instead of one pooled over all steps).
    With exchangeable scores each step's widened interval covers at least ``1 - alpha``.

    When that rank is larger than ``n`` (19 scores are needed for 95 %), no margin
    reaches ``1 - alpha``: by default that is an error; with ``cap=True`` the largest
    score is used, which promises only ``n / (n + 1)``.

    >>> s = np.arange(1.0, 19.0).reshape(9, 2)   # 9 origins, 2 steps
    >>> conformal_margins_by_step(s, alpha=0.2)   # the 8th smallest of each column
    array([15., 16.])
    >>> conformal_margins_by_step(s, alpha=0.05, cap=True)   # rank 10 > 9: the largest
    array([17., 18.])
    """
    s = as_float_array(scores, "scores")
    if s.ndim != 2 or s.shape[0] == 0 or s.shape[1] == 0:
        raise CourseInputError(
            f"scores must be a 2-D array (n_origins, horizon), one row per calibration origin; "
            f"got shape {s.shape}. For one pooled margin use conformal_margin().")
    check_no_nans(s, "scores")
    alpha = _level(alpha, "alpha")
    n = s.shape[0]
    rank = math.ceil((n + 1) * (1 - alpha) - 1e-9)
    if rank > n and not cap:
        raise CourseInputError(
            f"{n} calibration origins are too few for a {1 - alpha:.0%} margin per step: the "
            f"rank ceil((n + 1)(1 - alpha)) = {rank} is larger than n. Use at least "
            f"{math.ceil(1 / alpha) - 1} origins, or cap=True to take the largest score "
            f"(which promises only n / (n + 1) = {n / (n + 1):.0%}).")
    return np.sort(s, axis=0)[min(rank, n) - 1]


def _quantile_weights(levels: Any) -> np.ndarray:
    """Each level's share of (0, 1): the cell of levels closest to it (midpoint rule)."""
    q = np.asarray([_level(v, "levels") for v in levels], dtype=float)
    if q.size == 0 or np.any(np.diff(q) <= 0):
        raise CourseInputError(f"levels must be increasing numbers between 0 and 1, got {list(levels)}.")
    edges = np.concatenate([[0.0], (q[1:] + q[:-1]) / 2, [1.0]])
    return np.diff(edges)


def quantile_crps(y_true: Any, quantiles: Any, levels: Any = QUANTILES,
                  per_point: bool = False) -> Any:
    """CRPS from a few quantiles: twice the pinball loss integrated over the levels.

    First used in 10 §6.

    The CRPS of a forecast distribution equals ``2 * integral_0^1 pinball_q dq``: the
    pinball loss of its ``q`` quantile, averaged over every level ``q``, times two. With
    forecasts at a few ``levels`` only, each level stands for the levels closest to it
    (weights that sum to 1). With many levels this is the CRPS; with the five of
    :data:`QUANTILES` it is a coarse but common approximation that every method can be
    scored with, also those that give quantiles and no samples.

    ``quantiles`` has the shape of ``y_true`` plus one last axis, one value per level.
    Returns the mean, or one value per point with ``per_point=True``.

    >>> round(quantile_crps([0.0], [[-1.0, 0.0, 1.0]], levels=(0.25, 0.5, 0.75)), 4)
    0.375
    """
    y = as_float_array(y_true, "y_true")
    f = as_float_array(quantiles, "quantiles")
    weights = _quantile_weights(levels)
    if f.shape != (*y.shape, weights.size):
        raise CourseInputError(
            f"quantiles must have the shape of y_true plus one axis of {weights.size} levels: "
            f"y_true is {y.shape}, so quantiles should be {(*y.shape, weights.size)}, got {f.shape}.")
    check_no_nans(y, "y_true")
    check_no_nans(f, "quantiles")
    if y.size == 0:
        raise CourseInputError("y_true is empty: there is nothing to score.")
    q = np.asarray(levels, dtype=float)
    diff = y[..., None] - f
    per = 2 * np.sum(weights * np.maximum(q * diff, (q - 1) * diff), axis=-1)
    return per if per_point else float(np.mean(per))


def recursive_paths(predict: Any, windows: Any, horizon: int, n_paths: int, draw: Any,
                    seed: int = 0) -> np.ndarray:
    """Sample paths of a one-step model run recursively: shape ``(origins, n_paths, horizon)``.

    First used in 10 §4d.

    Each of the ``origins`` windows ``(window, 1)`` is repeated ``n_paths`` times. At every
    step ``predict(batch)`` gives the model's outputs for the batch ``(B, window, 1)``
    (one row per path), ``draw(rng, outputs)`` turns them into one next value per path
    (the forecast plus some noise), and that value is appended to the window, so the
    next step reads it as if it had been observed. ``draw`` decides the method: a
    resampled residual added to a point forecast (bootstrap paths, as for FPP's
    NNAR) or a draw from a predicted distribution (DeepAR-style).

    >>> last = lambda batch: batch[:, -1, :]                  # persistence: repeat the last value
    >>> plus_one = lambda rng, out: out[:, 0] + 1.0           # ... and add one each step
    >>> recursive_paths(last, np.zeros((1, 3, 1)), horizon=3, n_paths=2, draw=plus_one)[0]
    array([[1., 2., 3.],
           [1., 2., 3.]])
    """
    x = as_float_array(windows, "windows")
    if x.ndim != 3 or x.shape[-1] != 1 or x.shape[0] == 0:
        raise CourseInputError(
            f"windows must be (origins, window, 1), one window per origin; got shape {x.shape}.")
    check_no_nans(x, "windows")
    horizon = check_positive_int(horizon, "horizon")
    n_paths = check_positive_int(n_paths, "n_paths")
    if not callable(predict) or not callable(draw):
        raise CourseInputError("predict and draw must be functions: predict(batch) -> outputs, "
                               "draw(rng, outputs) -> one next value per row.")
    rng = np.random.default_rng(seed)
    width = x.shape[1]
    batch = np.repeat(x, n_paths, axis=0).astype("float32")
    for _ in range(horizon):
        out = np.asarray(predict(batch[:, -width:]), dtype="float64").reshape(len(batch), -1)
        nxt = np.asarray(draw(rng, out), dtype="float64").reshape(-1)
        if nxt.shape != (len(batch),):
            raise CourseInputError(
                f"draw(rng, outputs) must give one value per path ({len(batch)}), got {nxt.size}.")
        batch = np.concatenate([batch, nxt[:, None, None].astype("float32")], axis=1)
    return batch[:, width:, 0].astype("float64").reshape(x.shape[0], n_paths, horizon)
