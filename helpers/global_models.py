"""One model for many series: per-series scaling, global windows, panel baselines and scores.

Notebook 11 trains a single network on windows cut from many series at once (a *global*
model). The plumbing it needs lives here:

* :func:`fit_series_scales` / :func:`scale_panel` / :func:`unscale`: every series divided by
  the mean of its own training part (DeepAR's mean scaling), and forecasts turned back per series;
* :func:`global_windows`: windows cut from every series separately (never across two series),
  with month-of-year inputs and the series' number, plus each window's label positions for
  purged validation; :func:`origin_windows` gives the last window of every series at an origin;
* :func:`naive_panel`, :func:`seasonal_naive_panel`, :func:`ets_panel`: local baselines for
  every series at once (ETS estimated once per series, then only filtered forward);
* :func:`panel_scores`, :func:`paired_comparison`: MASE and RMSSE per series, and how two
  models compare across series (share won, Wilcoxon signed-rank test).

A *panel* here is a DataFrame with one column per series and a monthly ``DatetimeIndex``,
as ``helpers.data.load("us_employment")`` returns it.

>>> import numpy as np, pandas as pd
>>> months = pd.date_range("2000-01-01", periods=30, freq="MS")
>>> panel = pd.DataFrame({"a": np.arange(30.0) + 1, "b": 100 + np.arange(30.0)}, index=months)
>>> scales = fit_series_scales(panel, train_end="2000-12")
>>> scales.round(1).to_dict()
{'a': 6.5, 'b': 105.5}
>>> w = global_windows(scale_panel(panel, scales), window=6, horizon=3)
>>> w.X.shape, w.y.shape, sorted(set(w.series.tolist()))
((44, 6, 3), (44, 3), [0, 1])
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from helpers.validation import CourseInputError, check_positive_int

import numpy as np
import pandas as pd

__all__ = [
    "PairedComparison",
    "PanelWindows",
    "ets_panel",
    "fit_series_scales",
    "global_windows",
    "naive_panel",
    "origin_windows",
    "paired_comparison",
    "panel_scores",
    "scale_panel",
    "seasonal_naive_panel",
    "unscale",
]


def _check_panel(panel: Any, name: str = "panel") -> pd.DataFrame:
    """A DataFrame with a monthly-like DatetimeIndex, numeric columns and no gaps or blanks."""
    if isinstance(panel, pd.Series):
        raise CourseInputError(
            f"{name} is a single Series; pass a DataFrame with one column per series "
            f"(for one series: {name}.to_frame())."
        )
    if not isinstance(panel, pd.DataFrame):
        raise CourseInputError(
            f"{name} must be a pandas DataFrame with one column per series and dates as the "
            f"index, got {type(panel).__name__}."
        )
    if not isinstance(panel.index, pd.DatetimeIndex):
        raise CourseInputError(
            f"{name} needs a DatetimeIndex (dates as rows), got {type(panel.index).__name__}. "
            "Load the data with helpers.data.load, or set the index with df.set_index('date')."
        )
    if panel.shape[1] == 0 or len(panel) == 0:
        raise CourseInputError(f"{name} is empty (shape {panel.shape}).")
    if not all(pd.api.types.is_numeric_dtype(t) for t in panel.dtypes):
        raise CourseInputError(f"{name} has columns that are not numbers: keep only the series.")
    if panel.isna().to_numpy().any():
        column = panel.columns[panel.isna().any().to_numpy()][0]
        raise CourseInputError(
            f"{name} has blank values (first in column {column!r}); fill or drop that series first."
        )
    if not panel.index.is_monotonic_increasing or not panel.index.is_unique:
        raise CourseInputError(f"{name}'s dates are not in increasing order without repeats.")
    return panel


def _position(panel: pd.DataFrame, when: Any, name: str) -> int:
    """Row position of the last row at or before ``when`` (a date, 'YYYY-MM' or a Timestamp)."""
    if isinstance(when, (int, np.integer)) and not isinstance(when, bool):
        raise CourseInputError(f"{name} must be a date such as '2015-09', got the integer {when}.")
    try:
        period = pd.Period(when, freq="M")
    except (TypeError, ValueError):
        raise CourseInputError(f"{name} must be a date such as '2015-09', got {when!r}.") from None
    stamp = period.to_timestamp(how="end")
    position = int(panel.index.searchsorted(stamp, side="right")) - 1
    if position < 0 or period.to_timestamp() > panel.index[-1]:
        raise CourseInputError(
            f"{name}={when!r} is outside the data ({panel.index[0]:%Y-%m} .. {panel.index[-1]:%Y-%m})."
        )
    return position


def fit_series_scales(panel: pd.DataFrame, train_end: Any) -> pd.Series:
    """The mean of each series over its training part (up to and including ``train_end``).

    Taught in 11 §2.

    Dividing each series by its own training mean (DeepAR's *mean scaling*) puts series of
    13 and 150,000 employees on the same footing while keeping zero at zero and ratios
    intact. Only rows up to ``train_end`` are used, so nothing from the validation or test
    months leaks into the scale.

    Raises:
        CourseInputError: not a panel, ``train_end`` outside it, or a series whose training
            mean is not positive (mean scaling needs positive data).
    """
    panel = _check_panel(panel)
    end = _position(panel, train_end, "train_end")
    scales = panel.iloc[: end + 1].mean()
    bad = scales[~(scales > 0)]
    if len(bad):
        raise CourseInputError(
            f"mean scaling needs series with a positive training mean; {bad.index[0]!r} has "
            f"{bad.iloc[0]:.3g}. Drop it, or shift it to positive values first."
        )
    scales.name = "scale"
    return scales


def _check_scales(panel: pd.DataFrame, scales: Any) -> pd.Series:
    if not isinstance(scales, pd.Series):
        raise CourseInputError(
            "scales must be a pandas Series indexed by the series' names, as fit_series_scales "
            f"returns it, got {type(scales).__name__}."
        )
    missing = [c for c in panel.columns if c not in scales.index]
    if missing:
        raise CourseInputError(f"scales has no entry for the series {missing[0]!r}.")
    return scales.loc[list(panel.columns)].astype("float64")


def scale_panel(panel: pd.DataFrame, scales: pd.Series) -> pd.DataFrame:
    """Every series divided by its own scale (from :func:`fit_series_scales`).

    Taught in 11 §2.
    """
    panel = _check_panel(panel)
    return panel / _check_scales(panel, scales)


def unscale(forecast: Any, scales: pd.Series, columns: Any = None) -> np.ndarray:
    """Turn scaled forecasts back into each series' own units.

    Taught in 11 §2.

    Args:
        forecast: shape ``(n_series, horizon)``, one row per series in the order of ``columns``
            (or of ``scales`` when ``columns`` is None).
        scales: the Series from :func:`fit_series_scales`.
        columns: the series, in the order of the forecast's rows.

    >>> unscale(np.ones((2, 3)), pd.Series({"a": 2.0, "b": 10.0}))
    array([[ 2.,  2.,  2.],
           [10., 10., 10.]])
    """
    if not isinstance(scales, pd.Series):
        raise CourseInputError("scales must be the Series that fit_series_scales returned.")
    values = np.asarray(forecast, dtype="float64")
    order = scales if columns is None else scales.loc[list(columns)]
    if values.ndim != 2 or values.shape[0] != len(order):
        raise CourseInputError(
            f"forecast must have one row per series, shape ({len(order)}, horizon); got "
            f"{values.shape}. A Keras prediction for the series at one origin has that shape."
        )
    return values * order.to_numpy(dtype="float64")[:, None]


def _month_features(index: pd.DatetimeIndex) -> np.ndarray:
    """sin and cos of the month of year, shape (len(index), 2)."""
    angle = 2 * np.pi * (index.month.to_numpy() - 1) / 12
    return np.column_stack([np.sin(angle), np.cos(angle)])


@dataclass(frozen=True)
class PanelWindows:
    """Windows cut from many series, each from one series only.

    Not used in a notebook by name; global_windows() returns it.

    Attributes:
        X: inputs, shape ``(n, window, 3)``: the scaled value, then sin and cos of the month.
        y: labels, shape ``(n, horizon)``: the next ``horizon`` scaled values.
        series: the series' column number for each window, shape ``(n,)``.
        first_label, last_label: row positions (in the panel) of each window's first and
            last label, for purged train/validation masks.
    """

    X: np.ndarray
    y: np.ndarray
    series: np.ndarray
    first_label: np.ndarray
    last_label: np.ndarray

    def __len__(self) -> int:
        return len(self.y)

    def subset(self, mask: Any) -> PanelWindows:
        """The windows where ``mask`` (boolean, one entry per window) is True."""
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != (len(self),):
            raise CourseInputError(f"mask must be boolean with one entry per window ({len(self)}).")
        return PanelWindows(self.X[mask], self.y[mask], self.series[mask], self.first_label[mask],
                            self.last_label[mask])


def global_windows(scaled: pd.DataFrame, window: int, horizon: int, end: Any = None) -> PanelWindows:
    """Cut ``window`` -> ``horizon`` windows from every series, never across two series.

    Taught in 11 §3.

    Window i of a series reads rows i .. i+window-1 (the scaled value and the month of
    year as sin/cos) and predicts rows i+window .. i+window+horizon-1. Only rows up to
    ``end`` (a date; default: all) are used, so no label lies after it. Stacking the
    series' windows gives one training set; ``series`` says where each window came from.
    """
    scaled = _check_panel(scaled, "scaled")
    window = check_positive_int(window, "window")
    horizon = check_positive_int(horizon, "horizon")
    stop = len(scaled) if end is None else _position(scaled, end, "end") + 1
    n = stop - window - horizon + 1
    if n < 1:
        raise CourseInputError(
            f"the panel has {stop} rows up to end, too few for window={window} plus "
            f"horizon={horizon}: make the window shorter or end later."
        )
    values = scaled.to_numpy(dtype="float32")[:stop]
    months = _month_features(scaled.index[:stop]).astype("float32")
    starts = np.arange(n)
    steps = starts[:, None] + np.arange(window)                  # (n, window)
    ahead = starts[:, None] + window + np.arange(horizon)        # (n, horizon)
    X, y = [], []
    for column in range(values.shape[1]):
        X.append(np.concatenate([values[steps, column, None], months[steps]], axis=-1))
        y.append(values[ahead, column])
    k = values.shape[1]
    first = np.tile(starts + window, k)
    return PanelWindows(np.concatenate(X), np.concatenate(y), np.repeat(np.arange(k), n),
                        first, first + horizon - 1)


def origin_windows(scaled: pd.DataFrame, origin: Any, window: int) -> np.ndarray:
    """The last ``window`` months up to ``origin`` of every series: shape ``(n_series, window, 3)``.

    First used in 11 §5.

    Same features as :func:`global_windows`; row i belongs to column i of ``scaled``.
    """
    scaled = _check_panel(scaled, "scaled")
    window = check_positive_int(window, "window")
    end = _position(scaled, origin, "origin") + 1
    if end < window:
        raise CourseInputError(f"only {end} months up to origin {origin!r}, fewer than window={window}.")
    values = scaled.to_numpy(dtype="float32")[end - window : end]            # (window, k)
    months = _month_features(scaled.index[end - window : end]).astype("float32")
    k = values.shape[1]
    return np.concatenate([values.T[:, :, None], np.broadcast_to(months, (k, window, 2))], axis=-1)


def _future(panel: pd.DataFrame, horizon: int) -> pd.DatetimeIndex:
    return pd.date_range(panel.index[-1], periods=horizon + 1, freq="MS")[1:]


def naive_panel(history: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Every series' last value, repeated ``horizon`` months ahead (rows: dates, columns: series).

    Taught in 11 §4.
    """
    history = _check_panel(history, "history")
    horizon = check_positive_int(horizon, "horizon")
    values = np.repeat(history.to_numpy()[-1:], horizon, axis=0)
    return pd.DataFrame(values, index=_future(history, horizon), columns=history.columns)


def seasonal_naive_panel(history: pd.DataFrame, horizon: int, season: int = 12) -> pd.DataFrame:
    """Every series' last ``season`` values, repeated (rows: dates, columns: series).

    Taught in 11 §4.
    """
    history = _check_panel(history, "history")
    horizon = check_positive_int(horizon, "horizon")
    season = check_positive_int(season, "season")
    if len(history) < season:
        raise CourseInputError(f"history has {len(history)} rows, fewer than one season ({season}).")
    last = history.to_numpy()[-season:]
    values = last[np.arange(horizon) % season]
    return pd.DataFrame(values, index=_future(history, horizon), columns=history.columns)


_ETS_KEYS = ("smoothing_level", "smoothing_trend", "smoothing_seasonal", "damping_trend",
             "initial_level", "initial_trend", "initial_seasons")


def ets_panel(history: pd.DataFrame, horizon: int, season: int = 12,
              params: dict[str, dict[str, Any]] | None = None) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    """ETS forecasts for every series: additive damped trend and additive seasonality on logs.

    Not used in a notebook; 11 §4 fits this form among three with
    ``helpers.local_models.select_ets``, which estimates it the same way.

    One fixed model for every series (on the log scale, so the seasonal swing is a
    proportion of the level): statsmodels' Holt-Winters ``ExponentialSmoothing`` with
    ``trend="add", damped_trend=True, seasonal="add"``. Without ``params`` each series'
    smoothing parameters and initial states are estimated on ``history`` (the slow part,
    about a tenth of a second per series); with the ``params`` returned by an earlier call
    they are kept and only the states are run forward over the longer history, as one
    would do between re-estimations. Forecasts are ``exp`` of the log forecast (a median).

    Returns:
        ``(forecast, params)``: forecast with rows = the next ``horizon`` months and one
        column per series; params to pass to later calls.
    """
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    from threadpoolctl import threadpool_limits

    history = _check_panel(history, "history")
    horizon = check_positive_int(horizon, "horizon")
    season = check_positive_int(season, "season")
    if (history <= 0).to_numpy().any():
        raise CourseInputError("ets_panel works on logs: every value must be positive.")
    if len(history) < 2 * season + 2:
        raise CourseInputError(f"ets_panel needs at least {2 * season + 2} months of history.")
    if params is not None:
        if not isinstance(params, dict):
            raise CourseInputError("params must be the dict an earlier ets_panel call returned.")
        for column in history.columns:
            if not isinstance(params.get(column), dict) or set(params[column]) != set(_ETS_KEYS):
                raise CourseInputError(
                    f"params has no entry for the series {column!r} (or not the one ets_panel "
                    "returned): pass the params of an earlier call on the same series.")
    out, fitted = {}, {}
    logs = np.log(history)
    for column in history.columns:
        kept = None if params is None else params[column]
        model_args = dict(trend="add", damped_trend=True, seasonal="add", seasonal_periods=season)
        # one BLAS thread: the matrices are tiny, and threads fighting over two cores
        # made each fit several times slower
        with warnings.catch_warnings(), threadpool_limits(1):
            warnings.simplefilter("ignore")
            if kept is None:
                result = ExponentialSmoothing(logs[column].to_numpy(), **model_args).fit()
            else:
                model = ExponentialSmoothing(
                    logs[column].to_numpy(), initialization_method="known",
                    initial_level=kept["initial_level"], initial_trend=kept["initial_trend"],
                    initial_seasonal=kept["initial_seasons"], **model_args)
                result = model.fit(smoothing_level=kept["smoothing_level"],
                                   smoothing_trend=kept["smoothing_trend"],
                                   smoothing_seasonal=kept["smoothing_seasonal"],
                                   damping_trend=kept["damping_trend"], optimized=False)
        fitted[column] = kept if kept is not None else {key: result.params[key] for key in _ETS_KEYS}
        out[column] = np.exp(result.forecast(horizon))
    return pd.DataFrame(out, index=_future(history, horizon)), fitted


def _aligned(truth: Any, forecast: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    truth = _check_panel(truth, "truth")
    forecast = _check_panel(forecast, "forecast")
    if not truth.index.equals(forecast.index) or list(truth.columns) != list(forecast.columns):
        raise CourseInputError(
            "truth and forecast must have the same dates and the same series in the same "
            f"order; got {truth.shape} and {forecast.shape}. Build both from the same months "
            "and columns (forecast = forecast[truth.columns])."
        )
    return truth, forecast


def panel_scores(truth: pd.DataFrame, forecast: pd.DataFrame, history: pd.DataFrame,
                 season: int = 12) -> pd.DataFrame:
    """MASE and RMSSE of each series (rows: series; columns ``MASE``, ``RMSSE``).

    Taught in 11 §6.

    Each series' errors are divided by that series' own in-sample seasonal naive error on
    ``history``: its mean absolute error for MASE, its root mean squared error for RMSSE
    (the M5 competition's scale). A score of 1 means "as far off as last year's value was
    for this month, on average, in the history", whatever the series' size, so scores can
    be averaged across series.

    >>> months = pd.date_range("2000-01-01", periods=4, freq="MS")
    >>> history = pd.DataFrame({"a": [1.0, 2.0, 4.0, 5.0]}, index=months)
    >>> truth = pd.DataFrame({"a": [7.0]}, index=pd.date_range("2000-05-01", periods=1, freq="MS"))
    >>> panel_scores(truth, truth + 3, history, season=2).to_dict("index")
    {'a': {'MASE': 1.0, 'RMSSE': 1.0}}
    """
    truth, forecast = _aligned(truth, forecast)
    history = _check_panel(history, "history")
    season = check_positive_int(season, "season")
    missing = [c for c in truth.columns if c not in history.columns]
    if missing:
        raise CourseInputError(f"history has no series {missing[0]!r}.")
    past = history[truth.columns].to_numpy()
    if len(past) <= season:
        raise CourseInputError(f"history needs more than season={season} rows.")
    seasonal_diff = past[season:] - past[:-season]
    mae_scale = np.abs(seasonal_diff).mean(axis=0)
    rmse_scale = np.sqrt((seasonal_diff ** 2).mean(axis=0))
    if (mae_scale == 0).any():
        raise CourseInputError("a series repeats itself exactly every season: its scale is 0.")
    err = truth.to_numpy() - forecast.to_numpy()
    return pd.DataFrame({"MASE": np.abs(err).mean(axis=0) / mae_scale,
                         "RMSSE": np.sqrt((err ** 2).mean(axis=0)) / rmse_scale},
                        index=truth.columns)


@dataclass(frozen=True)
class PairedComparison:
    """Model A against model B over the same series.

    Not used in a notebook by name; paired_comparison() returns it.

    Attributes:
        share_a_better: share of series where A's score is lower.
        median_ratio: median over series of A's score / B's score.
        statistic, p_value: Wilcoxon signed-rank test (two-sided) of the per-series differences.
        n: number of series.
    """

    share_a_better: float
    median_ratio: float
    statistic: float
    p_value: float
    n: int

    def __str__(self) -> str:
        return (f"A better on {self.share_a_better:.0%} of {self.n} series, median ratio "
                f"{self.median_ratio:.2f}, Wilcoxon p = {self.p_value:.3g}")


def paired_comparison(score_a: pd.Series, score_b: pd.Series) -> PairedComparison:
    """Compare two models' per-series scores (lower is better) across the same series.

    Taught in 11 §6.

    The Wilcoxon signed-rank test asks whether the per-series differences are centred on
    zero; it uses their signs and ranks, so a few huge series cannot dominate it.
    """
    from scipy.stats import wilcoxon

    for name, value in (("score_a", score_a), ("score_b", score_b)):
        if not isinstance(value, pd.Series):
            raise CourseInputError(f"{name} must be a pandas Series of scores indexed by series.")
    if not score_a.index.equals(score_b.index):
        raise CourseInputError("score_a and score_b must cover the same series in the same order.")
    a, b = score_a.to_numpy(dtype="float64"), score_b.to_numpy(dtype="float64")
    if len(a) < 2 or not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise CourseInputError("need at least two series with finite scores.")
    test = wilcoxon(a, b) if (a != b).any() else None
    return PairedComparison(float(np.mean(a < b)), float(np.median(a / b)),
                            float("nan") if test is None else float(test.statistic),
                            1.0 if test is None else float(test.pvalue), len(a))
