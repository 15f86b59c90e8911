"""Baseline forecasts the neural networks have to beat, and a backtest helper.

Every forecaster has the same call shape, ``f(train, horizon, ...)``, and returns a
pandas Series (a DataFrame for the multivariate ones) indexed by the ``horizon``
dates that follow the last date of ``train``. ``train`` needs a ``DatetimeIndex``
with a frequency, which the course's datasets have:

>>> from helpers.data import load
>>> sales = load("wine_sales")
>>> train, test = sales.iloc[:-12], sales.iloc[-12:]
>>> forecasts = {
...     "naive": naive_forecast(train, 12),
...     "seasonal naive": seasonal_naive_forecast(train, 12, season=12),
...     "SARIMA": sarimax_forecast(train, 12),
... }
>>> all(f.index.equals(test.index) for f in forecasts.values())
True

The statistical models come from statsmodels. Their fits run quietly; when the
optimizer stops before converging you get one :class:`FitWarning` that says in
plain words what that means, instead of statsmodels' raw warnings.

:func:`rolling_origin` repeats a forecast from several origins (an expanding
window), so that a ranking of models does not rest on one test window.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

# Classical forecasts with intervals live in helpers.intervals (notebook 10); re-exported here.
from helpers.forecasting import future_index
from helpers.intervals import ets_intervals, sarima_intervals, seasonal_naive_intervals
from helpers.validation import (
    CourseInputError,
    as_float_array,
    check_bool,
    check_index,
    check_no_nans,
)
from helpers.validation import check_positive_int as _check_positive_int

import numpy as np
import pandas as pd

__all__ = [
    "BacktestFold",
    "FitWarning",
    "adf_table",
    "ets_intervals",
    "sarima_intervals",
    "seasonal_naive_intervals",
    "backtest_scores",
    "difference",
    "ets_forecast",
    "naive_forecast",
    "rolling_origin",
    "sarimax_forecast",
    "seasonal_naive_forecast",
    "undifference",
    "var_forecast",
    "varmax_forecast",
]


class FitWarning(UserWarning):
    """A statistical model's fit needs attention; the message explains what it means.

    Not used in a notebook by name: 09 §2 counts these warnings with
    :func:`count_fit_warnings`, one line per kind.

    Silence it in a notebook cell with
    ``warnings.simplefilter("ignore", helpers.baselines.FitWarning)`` once you
    have read it.
    """


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------


def _check_train(train: Any, name: str = "train", *, kind: str = "any") -> None:
    """Check that ``train`` is a Series/DataFrame of numbers with dated, regular rows.

    ``kind`` is ``"series"``, ``"frame"`` or ``"any"``.
    """
    wanted = {
        "series": (pd.Series, "a pandas Series"),
        "frame": (pd.DataFrame, "a pandas DataFrame (one column per variable)"),
        "any": (pd.Series | pd.DataFrame, "a pandas Series or DataFrame"),
    }[kind]
    if not isinstance(train, wanted[0]):
        hint = ""
        if kind == "frame" and isinstance(train, pd.Series):
            hint = (
                " This model is multivariate: pass several columns, e.g. "
                "df[['realgdp', 'realcons']]; for one series use sarimax_forecast."
            )
        elif isinstance(train, np.ndarray | list):
            hint = " Wrap NumPy values with pd.Series(values, index=dates)."
        raise CourseInputError(
            f"{name} must be {wanted[1]} with a DatetimeIndex, got {type(train).__name__}.{hint}"
        )
    if len(train) == 0:
        raise CourseInputError(f"{name} is empty; pass at least one observation.")
    if not isinstance(train.index, pd.DatetimeIndex):
        raise CourseInputError(
            f"{name} must be indexed by dates (a DatetimeIndex) so the forecast can be "
            f"dated, but its index is a {type(train.index).__name__}. Load it with "
            "helpers.data.load(...), or set one with "
            "series.index = pd.date_range(start, periods=len(series), freq='MS')."
        )
    check_index(train.index, name=name)
    if train.index.freq is None:
        inferred = None
        if len(train) >= 3:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pandas' notice about a future return type
                found = pd.infer_freq(train.index)
            inferred = getattr(found, "freqstr", found)
        fix = (
            f"{name}.asfreq({inferred!r}) (pandas infers {inferred!r} from the dates)"
            if inferred
            else f"{name}.asfreq('MS') with the right frequency (the dates look irregular: "
            "resample them first, e.g. .resample('MS').mean())"
        )
        raise CourseInputError(
            f"{name}'s DatetimeIndex has no frequency, so the dates after it cannot be "
            f"worked out. Set it with {fix}. Slicing with .iloc or .loc keeps the "
            "frequency; filtering rows with a boolean mask can lose it."
        )
    values = as_float_array(train, name)
    check_no_nans(values, name)


def _like(train: pd.Series | pd.DataFrame, values: np.ndarray, horizon: int) -> Any:
    """Wrap forecast values in a Series/DataFrame shaped like ``train`` over future dates."""
    index = future_index(train.index, horizon)
    if isinstance(train, pd.DataFrame):
        return pd.DataFrame(np.asarray(values, dtype="float64"), index=index, columns=train.columns)
    return pd.Series(np.asarray(values, dtype="float64"), index=index, name=train.name)


def _check_int_tuple(value: Any, length: int, name: str, example: str) -> tuple[int, ...]:
    if (
        not isinstance(value, Sequence)
        or len(value) != length
        or any(isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 0 for v in value)
    ):
        raise CourseInputError(
            f"{name} must be a tuple of {length} non-negative integers, e.g. {example}; "
            f"got {value!r}."
        )
    return tuple(int(v) for v in value)


# ---------------------------------------------------------------------------
# Quiet fitting of statsmodels models
# ---------------------------------------------------------------------------

# statsmodels warns about the *starting* values it computes and then moves away
# from them; these say nothing about the fitted model.
_HARMLESS = (
    "Non-stationary starting",
    "Non-invertible starting",
)


def _fit_quietly(fit: Callable[[], Any], model_name: str) -> tuple[Any, bool]:
    """Run ``fit()`` with statsmodels' warnings caught; re-issue them explained.

    Returns the fit result and whether the optimizer converged.
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    # One BLAS thread: the matrices of these fits are tiny, and two threads spinning over
    # them made 13 SARIMA refits several times slower (05 §8) for the same numbers.
    with warnings.catch_warnings(record=True) as caught, threadpool_limits(1, user_api="blas"):
        warnings.simplefilter("always")
        result = fit()
    retvals = getattr(result, "mle_retvals", None) or {}
    converged = bool(retvals.get("converged", True))
    seen: set[str] = set()
    for warning in caught:
        message = str(warning.message)
        if issubclass(warning.category, ConvergenceWarning):
            converged = False
            continue
        if message.startswith(_HARMLESS) or message in seen:
            continue
        seen.add(message)
        if "VARMA(p,q)" in message:
            text = (
                f"{model_name} has both autoregressive and moving-average terms. Such "
                "VARMA models are often not identified (different parameters give the "
                "same fit), so the estimates can be unstable. Prefer order=(p, 0)."
            )
        else:
            text = f"While fitting {model_name}, statsmodels warned: {message}"
        warnings.warn(text, FitWarning, stacklevel=3)
    if not converged:
        warnings.warn(
            f"{model_name}: the optimizer stopped before reaching its tolerance (statsmodels "
            "calls this a ConvergenceWarning). The parameters are close to, but not exactly "
            "at, the best fit, so the forecast may still be usable: compare its error with "
            "the baselines. If it looks wrong, try a simpler order, a log transform, or a "
            "larger maxiter.",
            FitWarning,
            stacklevel=3,
        )
    return result, converged


# ---------------------------------------------------------------------------
# Simple baselines
# ---------------------------------------------------------------------------


def naive_forecast(train: pd.Series | pd.DataFrame, horizon: int) -> pd.Series | pd.DataFrame:
    """Repeat the last observed value ``horizon`` times (the random-walk forecast).

    First used in 05 §6.

    >>> import pandas as pd
    >>> s = pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2020-01-01", periods=3, freq="MS"))
    >>> naive_forecast(s, 2)
    2020-04-01    3.0
    2020-05-01    3.0
    Freq: MS, dtype: float64
    """
    _check_train(train)
    horizon = _check_positive_int(horizon, "horizon")
    last = as_float_array(train)[-1]
    values = np.repeat(last[np.newaxis, ...], horizon, axis=0)
    forecast = _like(train, values, horizon)
    forecast.attrs["model"] = "naive"
    return forecast


def seasonal_naive_forecast(
    train: pd.Series | pd.DataFrame, horizon: int, season: int
) -> pd.Series | pd.DataFrame:
    """Repeat the last full season: the forecast for a date is the value one season earlier.

    First used in 05 §6.

    >>> import pandas as pd
    >>> s = pd.Series(range(1, 25), index=pd.date_range("2020-01-01", periods=24, freq="MS"), dtype=float)
    >>> seasonal_naive_forecast(s, 3, season=12).tolist()   # January to March of the last year again
    [13.0, 14.0, 15.0]

    Args:
        train: the history, with a DatetimeIndex that has a frequency.
        horizon: how many steps to forecast; beyond one season the pattern repeats.
        season: the season length in steps (12 for monthly data with a yearly cycle).

    Raises:
        CourseInputError: ``train`` is shorter than one season.
    """
    _check_train(train)
    horizon = _check_positive_int(horizon, "horizon")
    season = _check_positive_int(season, "season")
    if len(train) < season:
        raise CourseInputError(
            f"seasonal_naive_forecast needs at least one full season ({season} rows) of "
            f"train, but it has {len(train)}. Use a longer training period or "
            "naive_forecast."
        )
    last_season = as_float_array(train)[-season:]
    positions = np.arange(horizon) % season
    forecast = _like(train, last_season[positions], horizon)
    forecast.attrs["model"] = f"seasonal naive (season={season})"
    return forecast


# ---------------------------------------------------------------------------
# SARIMAX
# ---------------------------------------------------------------------------


def _sarima_name(order: tuple[int, ...], seasonal_order: tuple[int, ...], exog: bool) -> str:
    p, d, q = order
    big_p, big_d, big_q, s = seasonal_order
    seasonal = s > 0 and (big_p or big_d or big_q)
    name = ("SARIMA" if seasonal else "ARIMA") + ("X" if exog else "")
    name += f"({p},{d},{q})"
    if seasonal:
        name += f"({big_p},{big_d},{big_q},{s})"
    return name


def _exog_array(values: Any, rows: int, name: str, index: pd.DatetimeIndex | None) -> np.ndarray:
    if isinstance(values, pd.Series | pd.DataFrame) and isinstance(values.index, pd.DatetimeIndex):
        if index is not None and not values.index.equals(index):
            raise CourseInputError(
                f"{name}'s dates ({values.index[0].date()}..{values.index[-1].date()}) do "
                f"not match the dates it must cover ({index[0].date()}..{index[-1].date()})."
                " Select the same period, e.g. exog.loc[train.index]."
            )
    array = as_float_array(values, name)
    if array.ndim == 1:
        array = array[:, np.newaxis]
    if array.ndim != 2 or len(array) != rows:
        raise CourseInputError(
            f"{name} must have {rows} rows (one per date it covers), got shape {array.shape}."
        )
    check_no_nans(array, name)
    return array


def sarimax_forecast(
    train: pd.Series,
    horizon: int,
    order: tuple[int, int, int] = (0, 1, 1),
    seasonal_order: tuple[int, int, int, int] = (0, 1, 1, 12),
    log: bool = False,
    exog: Any = None,
    future_exog: Any = None,
    maxiter: int = 50,
) -> pd.Series:
    """Fit a (seasonal) ARIMA model with statsmodels' SARIMAX and forecast ``horizon`` steps.

    First used in 05 §6.

    The defaults are the "airline model" SARIMA(0,1,1)(0,1,1,12) for monthly data.

    Args:
        train: the history, a Series with a DatetimeIndex that has a frequency.
        horizon: how many steps to forecast.
        order: ``(p, d, q)``, the non-seasonal AR order, differences and MA order.
        seasonal_order: ``(P, D, Q, s)``, the same for the season of length ``s``;
            ``(0, 0, 0, 0)`` for a plain ARIMA.
        log: fit on ``log(train)`` and return ``exp`` of the forecast (the median
            forecast on the original scale). Useful when the seasonal swings grow
            with the level. Needs all values > 0.
        exog: optional regressors over the training dates (array or Series/DataFrame
            with ``len(train)`` rows); then ``future_exog`` must give their values
            over the ``horizon`` forecast dates.
        future_exog: the regressors over the forecast dates.
        maxiter: the optimizer's iteration limit.

    Returns:
        The forecast Series, with ``attrs``: ``"model"`` (e.g. ``"SARIMA(0,1,1)(0,1,1,12)"``),
        ``"aic"`` (on the log scale when ``log=True``, so compare AICs only between
        models fitted on the same scale), ``"converged"`` and ``"log"``.

    Warns:
        FitWarning: the optimizer did not converge (explained in the message).
    """
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    _check_train(train, kind="series")
    horizon = _check_positive_int(horizon, "horizon")
    order = _check_int_tuple(order, 3, "order", "(0, 1, 1)")
    seasonal_order = _check_int_tuple(seasonal_order, 4, "seasonal_order", "(0, 1, 1, 12)")
    maxiter = _check_positive_int(maxiter, "maxiter")
    log = check_bool(log, "log")
    p, d, q = order
    big_p, big_d, big_q, s = seasonal_order
    if (big_p or big_d or big_q) and s < 2:
        raise CourseInputError(
            f"seasonal_order={seasonal_order} has seasonal terms but a season length of {s}; "
            "set the last number to the season length (12 for monthly data), or use "
            "seasonal_order=(0, 0, 0, 0) for no seasonality."
        )
    needed = d + big_d * s + max(p + big_p * s, q + big_q * s) + 2
    if len(train) < needed:
        raise CourseInputError(
            f"{_sarima_name(order, seasonal_order, False)} needs at least {needed} "
            f"observations in train, but it has {len(train)}. Use more data or a smaller "
            "order (fewer differences and lags)."
        )
    if exog is None and future_exog is not None:
        raise CourseInputError("future_exog was given without exog; pass both or neither.")
    exog_train = exog_future = None
    if exog is not None:
        if future_exog is None:
            raise CourseInputError(
                "exog was given, so the model also needs the regressors' values over the "
                f"{horizon} forecast dates: pass future_exog with {horizon} rows."
            )
        exog_train = _exog_array(exog, len(train), "exog", train.index)
        exog_future = _exog_array(
            future_exog, horizon, "future_exog", future_index(train.index, horizon)
        )
        if exog_future.shape[1] != exog_train.shape[1]:
            raise CourseInputError(
                f"exog has {exog_train.shape[1]} column(s) but future_exog has "
                f"{exog_future.shape[1]}; give the same regressors for both periods."
            )

    endog = train.astype("float64")
    if log:
        if (endog <= 0).any():
            bad = endog[endog <= 0]
            raise CourseInputError(
                f"log=True needs all values > 0, but train has {len(bad)} value(s) <= 0 "
                f"(first: {bad.iloc[0]} on {bad.index[0].date()}). Use log=False, or shift "
                "the series so it is positive."
            )
        endog = np.log(endog)

    name = _sarima_name(order, seasonal_order, exog is not None)
    result, converged = _fit_quietly(
        lambda: SARIMAX(endog, exog=exog_train, order=order, seasonal_order=seasonal_order).fit(
            disp=False, maxiter=maxiter
        ),
        name + (" on log(train)" if log else ""),
    )
    values = np.asarray(result.forecast(horizon, exog=exog_future), dtype="float64")
    if log:
        values = np.exp(values)
    forecast = _like(train, values, horizon)
    forecast.attrs.update(
        {
            "model": name + (" (log)" if log else ""),
            "aic": float(result.aic),
            "converged": converged,
            "log": bool(log),
        }
    )
    return forecast


# ---------------------------------------------------------------------------
# VAR and VARMAX
# ---------------------------------------------------------------------------

_ICS = ("aic", "bic", "hqic", "fpe")


def _check_multivariate(train_df: Any, name: str = "train_df") -> None:
    _check_train(train_df, name, kind="frame")
    duplicated = train_df.columns[train_df.columns.duplicated()]
    if len(duplicated):   # first: with a repeated name, train_df[c] is a frame, not a column
        raise CourseInputError(
            f"{name} has the column {str(duplicated[0])!r} twice; select each variable once, "
            f"e.g. {name}.loc[:, ~{name}.columns.duplicated()]."
        )
    if train_df.shape[1] < 2:
        raise CourseInputError(
            f"{name} has {train_df.shape[1]} column; a vector model needs at least two "
            "variables. For one series use sarimax_forecast."
        )
    constant = [str(c) for c in train_df.columns if train_df[c].nunique() <= 1]
    if constant:
        raise CourseInputError(
            f"Column(s) {constant} of {name} are constant, so a vector model cannot estimate "
            "their equations (nothing varies to explain). Drop them, e.g. "
            f"{name}.drop(columns={constant!r}); a constant's forecast is the constant."
        )


def var_forecast(
    train_df: pd.DataFrame, horizon: int, maxlags: int = 8, ic: str | None = "aic"
) -> pd.DataFrame:
    """Fit a vector autoregression (statsmodels VAR) and forecast every column.

    Taught in 09 §5.

    The lag order is chosen by the information criterion ``ic`` among 0..``maxlags``.
    VAR assumes stationary data: difference trending series first
    (:func:`difference`, check with :func:`adf_table`) and undo it with
    :func:`undifference`.

    Args:
        train_df: the history, one column per variable, DatetimeIndex with a frequency.
        horizon: how many steps to forecast.
        maxlags: the largest lag order considered.
        ic: ``"aic"``, ``"bic"``, ``"hqic"``, ``"fpe"``, or ``None`` to use ``maxlags``.

    Returns:
        The forecast DataFrame, same columns, with ``attrs``: ``"model"`` (``"VAR(p)"``),
        ``"lag_order"``, ``"ic"``, ``"aic"`` and ``"stable"``.

    Raises:
        CourseInputError: too few rows to estimate ``maxlags`` lags.
    """
    from statsmodels.tsa.api import VAR

    _check_multivariate(train_df)
    horizon = _check_positive_int(horizon, "horizon")
    maxlags = _check_positive_int(maxlags, "maxlags")
    if isinstance(ic, str):
        ic = ic.lower()
    if ic is not None and ic not in _ICS:
        raise CourseInputError(f"ic must be one of {list(_ICS)} or None, got {ic!r}.")
    k = train_df.shape[1]
    # Every equation estimates k*maxlags coefficients and a constant from
    # len - maxlags rows; at least one degree of freedom must be left.
    needed = (k + 1) * maxlags + 2
    if len(train_df) < needed:
        most = max((len(train_df) - 2) // (k + 1), 0)
        raise CourseInputError(
            f"VAR with maxlags={maxlags} on {k} variables needs at least {needed} rows, "
            f"but train_df has {len(train_df)}. Use maxlags <= {most} or more data."
        )
    data = train_df.astype("float64")
    result, _ = _fit_quietly(lambda: VAR(data).fit(maxlags=maxlags, ic=ic), "VAR")
    lag = int(result.k_ar)
    values = data.to_numpy()
    values = result.forecast(values[len(values) - lag :], steps=horizon)
    stable = bool(result.is_stable()) if lag > 0 else True
    if not stable:
        warnings.warn(
            f"The fitted VAR({lag}) is not stable: its forecasts can grow without bound. "
            "This usually means some series are not stationary; check with adf_table() "
            "and model difference(train_df) instead.",
            FitWarning,
            stacklevel=2,
        )
    forecast = _like(train_df, values, horizon)
    forecast.attrs.update(
        {
            "model": f"VAR({lag})",
            "lag_order": lag,
            "ic": ic,
            "aic": float(result.aic),
            "stable": stable,
        }
    )
    return forecast


def varmax_forecast(
    train_df: pd.DataFrame,
    horizon: int,
    order: tuple[int, int] = (1, 0),
    trend: str = "c",
    maxiter: int = 50,
) -> pd.DataFrame:
    """Fit a VARMA model by maximum likelihood (statsmodels VARMAX) and forecast.

    First used in 09 §6.

    Slower than :func:`var_forecast` (state-space likelihood) but the same call
    shape; keep the order small. Fits run quietly as in :func:`sarimax_forecast`.

    Args:
        train_df: the history, one column per variable, DatetimeIndex with a frequency.
        horizon: how many steps to forecast.
        order: ``(p, q)``, the autoregressive and moving-average orders.
        trend: ``"c"`` (constant), ``"n"`` (none), ``"t"`` or ``"ct"``.
        maxiter: the optimizer's iteration limit.

    Returns:
        The forecast DataFrame with ``attrs`` ``"model"``, ``"aic"`` and ``"converged"``.

    Warns:
        FitWarning: the optimizer did not converge, or ``q > 0`` makes the model
        hard to identify (explained in the message).
    """
    from statsmodels.tsa.statespace.varmax import VARMAX

    _check_multivariate(train_df)
    horizon = _check_positive_int(horizon, "horizon")
    order = _check_int_tuple(order, 2, "order", "(1, 0)")
    maxiter = _check_positive_int(maxiter, "maxiter")
    p, q = order
    if p == 0 and q == 0:
        raise CourseInputError("order=(0, 0) has no dynamics; use p >= 1, e.g. order=(1, 0).")
    if isinstance(trend, str):
        trend = trend.lower()
    if trend not in ("c", "n", "t", "ct"):
        raise CourseInputError(f"trend must be 'c', 'n', 't' or 'ct', got {trend!r}.")
    k = train_df.shape[1]
    needed = p + k * (p + q) + 3
    if len(train_df) < needed:
        raise CourseInputError(
            f"VARMAX with order={order} on {k} variables needs at least {needed} rows, but "
            f"train_df has {len(train_df)}. Use a smaller order or more data."
        )
    name = f"VARMAX({p},{q})"
    data = train_df.astype("float64")
    result, converged = _fit_quietly(
        lambda: VARMAX(data, order=order, trend=trend).fit(disp=False, maxiter=maxiter), name
    )
    values = np.asarray(result.forecast(horizon), dtype="float64")
    forecast = _like(train_df, values, horizon)
    forecast.attrs.update({"model": name, "aic": float(result.aic), "converged": converged})
    return forecast


# ---------------------------------------------------------------------------
# Differencing and stationarity
# ---------------------------------------------------------------------------


def difference(df: pd.Series | pd.DataFrame, periods: int = 1) -> pd.Series | pd.DataFrame:
    """Differences ``y[t] - y[t - periods]``, with the first ``periods`` rows (NaN) dropped.

    First used in 09 §4.

    ``periods`` is the lag, as in ``DataFrame.diff``: 1 for first differences,
    12 for seasonal differences of monthly data. Undo it with :func:`undifference`,
    passing the last ``periods`` rows of the undifferenced data.

    >>> import pandas as pd
    >>> difference(pd.Series([1.0, 3.0, 6.0])).tolist()   # the first row has no predecessor
    [2.0, 3.0]
    """
    if not isinstance(df, pd.Series | pd.DataFrame):
        raise CourseInputError(
            f"difference expects a pandas Series or DataFrame, got {type(df).__name__}."
        )
    periods = _check_positive_int(periods, "periods")
    if len(df) <= periods:
        raise CourseInputError(
            f"difference with periods={periods} needs more than {periods} rows, got {len(df)}."
        )
    check_no_nans(as_float_array(df, "df"), "df")
    return df.diff(periods).iloc[periods:]


def undifference(
    diff_forecast: pd.Series | pd.DataFrame, last_values: Any, periods: int | None = None
) -> pd.Series | pd.DataFrame:
    """Turn a forecast of differences back into levels.

    First used in 09 §5.

    For first differences this is the cumulative sum of the forecast anchored at
    the last observed level: ``level[h] = last + diff[1] + ... + diff[h]``.

    Args:
        diff_forecast: the forecast of the differenced data (Series or DataFrame).
        last_values: the last observed level(s) before the forecast: for
            ``difference(df, periods=1)`` the last row (``df.iloc[-1]``, or a number
            for a Series); for ``difference(df, periods=L)``, the last ``L`` rows
            (``df.iloc[-L:]``) or the whole history, with ``periods=L``.
        periods: the lag of the differences, as given to :func:`difference`. Needed
            when ``last_values`` has more rows than the forecast has steps (a lag-12
            forecast of 6 months): without it, those rows could also be a whole history
            passed by mistake for first differences, so the call is refused.

    >>> import pandas as pd
    >>> undifference(pd.Series([1.0, 2.0, -1.0]), last_values=10.0).tolist()
    [11.0, 13.0, 12.0]

    The round trip at lag 12, for a forecast shorter than the lag:

    >>> s = pd.Series(range(36), dtype=float)
    >>> steps = difference(s, 12).iloc[-6:]          # pretend these six are a forecast
    >>> undifference(steps, s.iloc[-18:-6], periods=12).tolist() == s.iloc[-6:].tolist()
    True
    """
    if not isinstance(diff_forecast, pd.Series | pd.DataFrame):
        raise CourseInputError(
            "diff_forecast must be a pandas Series or DataFrame (the forecast of the "
            f"differenced data), got {type(diff_forecast).__name__}."
        )
    if len(diff_forecast) == 0:
        raise CourseInputError("diff_forecast is empty.")
    diffs = as_float_array(diff_forecast, "diff_forecast")
    check_no_nans(diffs, "diff_forecast")

    if isinstance(diff_forecast, pd.DataFrame):
        columns = list(diff_forecast.columns)
        if isinstance(last_values, pd.Series | pd.DataFrame):
            have = list(
                last_values.index if isinstance(last_values, pd.Series) else last_values.columns
            )
            if set(have) != set(columns):
                raise CourseInputError(
                    f"last_values has columns {have} but diff_forecast has {columns}; pass "
                    "the last row(s) of the same variables, e.g. df.iloc[-1]."
                )
            last_values = last_values[columns]
        levels = as_float_array(last_values, "last_values")
        if levels.ndim == 1:
            levels = levels[np.newaxis, :]
        if levels.ndim != 2 or levels.shape[1] != len(columns):
            raise CourseInputError(
                f"last_values must hold one value per column ({len(columns)}), for example "
                f"df.iloc[-1]; got shape {levels.shape}."
            )
    else:
        levels = as_float_array(last_values, "last_values")
        if levels.ndim > 1:
            raise CourseInputError(
                "For a Series forecast, last_values must be a number or the last rows of "
                f"the series, got shape {levels.shape}."
            )
        levels = levels.reshape(-1, 1)
        diffs = diffs[:, np.newaxis]
    if len(levels) == 0:
        raise CourseInputError("last_values is empty; pass the last observed level(s).")
    if periods is not None:
        periods = _check_positive_int(periods, "periods")
        if len(levels) < periods:
            raise CourseInputError(
                f"periods={periods} needs the last {periods} observed rows in last_values, "
                f"but it has {len(levels)}. Pass df.iloc[-{periods}:] (or the whole history)."
            )
        levels = levels[-periods:]
    elif len(levels) > max(len(diffs), 1):
        raise CourseInputError(
            f"last_values has {len(levels)} rows but the forecast only {len(diffs)} steps, "
            f"so the lag of the differences is unclear: lag {len(levels)}, or a whole history "
            "given for first differences (the forecast would then be anchored at the start "
            "of last_values, not at its end). Say it with periods=: "
            f"undifference(forecast, last_values, periods={len(levels)}) for "
            f"difference(df, {len(levels)}), or periods=1 (or only df.iloc[-1]) for first "
            "differences."
        )
    check_no_nans(levels, "last_values")

    lag = len(levels)
    out = np.empty_like(diffs)
    for t in range(len(diffs)):
        previous = levels[t] if t < lag else out[t - lag]
        out[t] = previous + diffs[t]
    if isinstance(diff_forecast, pd.DataFrame):
        return pd.DataFrame(out, index=diff_forecast.index, columns=diff_forecast.columns)
    return pd.Series(out[:, 0], index=diff_forecast.index, name=diff_forecast.name)


def adf_table(df: pd.Series | pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Augmented Dickey-Fuller test for each column (statsmodels ``adfuller``).

    First used in 09 §4.

    The null hypothesis is a unit root (non-stationary); a p-value below ``alpha``
    rejects it.

    Returns:
        One row per column with ``"ADF statistic"``, ``"p-value"``, ``"lags used"``
        and ``"stationary at 5%"`` (True/False; the label follows ``alpha``).
    """
    from statsmodels.tsa.stattools import adfuller

    if isinstance(df, pd.Series):
        df = df.to_frame(name=df.name if df.name is not None else "series")
    if not isinstance(df, pd.DataFrame):
        raise CourseInputError(
            f"adf_table expects a pandas Series or DataFrame, got {type(df).__name__}."
        )
    if (
        isinstance(alpha, bool)
        or not isinstance(alpha, int | float | np.number)
        or not 0 < alpha < 1
    ):
        raise CourseInputError(
            f"alpha must be a number between 0 and 1, e.g. alpha=0.05; got {alpha!r}."
        )
    check_no_nans(as_float_array(df, "df"), "df")
    if len(df) < 10:
        raise CourseInputError(
            f"The ADF test needs at least 10 observations per column, got {len(df)}."
        )
    label = f"stationary at {alpha:.0%}"
    rows = {}
    for column in df.columns:
        if df[column].nunique() == 1:
            raise CourseInputError(
                f"Column {column!r} is constant, so the ADF test cannot run on it (a constant "
                "is trivially stationary). Drop it from the table, e.g. df.drop(columns=...)."
            )
        result = adfuller(df[column].to_numpy(dtype="float64"), autolag="AIC", result_object=True)
        rows[column] = {
            "ADF statistic": float(result.statistic),
            "p-value": float(result.pvalue),
            "lags used": int(result.lags),
            label: bool(result.pvalue < alpha),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "variable"
    return table


# ---------------------------------------------------------------------------
# Backtesting
# ---------------------------------------------------------------------------


class BacktestFold(NamedTuple):
    """One forecast of a backtest: where training ended, the forecast and the truth.

    First used in 07 §7.
    """

    train_end: pd.Timestamp
    forecast: pd.Series | pd.DataFrame
    truth: pd.Series | pd.DataFrame


def _check_call_shape(
    forecaster: Callable[..., Any], name: str, series: Any, horizon: int, kwargs: dict[str, Any]
) -> None:
    """Raise before the first fit when ``forecaster(train, horizon, **kwargs)`` cannot be called."""
    import inspect

    try:
        signature = inspect.signature(forecaster)
    except (TypeError, ValueError):
        return  # builtins and some C functions have no signature: just call them
    try:
        signature.bind(series, horizon, **kwargs)
    except TypeError as err:
        missing = [
            p.name
            for p in list(signature.parameters.values())[2:]
            if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
            and p.name not in kwargs
        ]
        fix = (
            f" Pass {', '.join(f'{m}=...' for m in missing)} to rolling_origin, which hands "
            f"it on, e.g. rolling_origin(series, {name}, horizon, origins, {missing[0]}=12)."
            if missing
            else " rolling_origin calls forecaster(train, horizon, **kwargs); give it a "
            "function with that call shape (wrap others in a small def or lambda)."
        )
        raise CourseInputError(
            f"{name} cannot be called as {name}(train, horizon"
            + "".join(f", {k}=..." for k in kwargs)
            + f"): {err}.{fix}"
        ) from None


def rolling_origin(
    series: pd.Series | pd.DataFrame,
    forecaster: Callable[..., pd.Series | pd.DataFrame],
    horizon: int,
    origins: int,
    step: int | None = None,
    min_train: int | None = None,
    **kwargs: Any,
) -> list[BacktestFold]:
    """Backtest a forecaster from several origins with an expanding training window.

    Taught in 05 §6.

    The last origin leaves exactly ``horizon`` observations after it; earlier
    origins are ``step`` observations apart. At each origin the forecaster is
    called as ``forecaster(series up to the origin, horizon, **kwargs)``.

    Args:
        series: the full data (training and test), DatetimeIndex with a frequency.
        forecaster: any function with the call shape ``f(train, horizon, ...)``,
            e.g. :func:`seasonal_naive_forecast` or a wrapper around a neural network.
        horizon: steps forecast from each origin.
        origins: how many origins (forecasts).
        step: observations between origins; defaults to ``horizon`` (test windows
            that do not overlap).
        min_train: the fewest training rows allowed at the first origin.
        **kwargs: passed on to the forecaster (e.g. ``season=12``).

    Returns:
        A list of :class:`BacktestFold` ``(train_end, forecast, truth)``, oldest
        first. Score them with :func:`backtest_scores`.

    >>> from helpers.data import load
    >>> folds = rolling_origin(load("wine_sales"), seasonal_naive_forecast, 12, origins=3, season=12)
    >>> [str(fold.train_end.date()) for fold in folds]
    ['1991-08-01', '1992-08-01', '1993-08-01']
    """
    _check_train(series, "series")
    if not callable(forecaster):
        raise CourseInputError(
            "forecaster must be a function f(train, horizon, ...), e.g. naive_forecast; "
            f"got {type(forecaster).__name__}."
        )
    horizon = _check_positive_int(horizon, "horizon")
    origins = _check_positive_int(origins, "origins")
    step = horizon if step is None else _check_positive_int(step, "step")
    min_train = 1 if min_train is None else _check_positive_int(min_train, "min_train")
    n = len(series)
    last_end = n - horizon
    first_end = last_end - (origins - 1) * step
    if first_end < min_train:
        fit = max((last_end - min_train) // step + 1, 0)
        raise CourseInputError(
            f"{origins} origins {step} steps apart with horizon={horizon} would leave only "
            f"{max(first_end, 0)} training rows at the first origin (min_train={min_train}) "
            f"out of {n} rows. Use at most {fit} origin(s), a smaller step, or more data."
        )
    name = getattr(forecaster, "__name__", "forecaster")
    _check_call_shape(forecaster, name, series, horizon, kwargs)
    folds = []
    for end in range(first_end, last_end + 1, step):
        train = series.iloc[:end]
        truth = series.iloc[end : end + horizon]
        forecast = forecaster(train, horizon, **kwargs)
        if not isinstance(forecast, pd.Series | pd.DataFrame) or not forecast.index.equals(
            truth.index
        ):
            got = (
                f"a {type(forecast).__name__} indexed {forecast.index[0]}..{forecast.index[-1]}"
                if isinstance(forecast, pd.Series | pd.DataFrame) and len(forecast)
                else f"a {type(forecast).__name__}"
            )
            raise CourseInputError(
                f"{name} returned {got}, but rolling_origin needs a Series or DataFrame "
                f"indexed by the {horizon} dates after train ({truth.index[0].date()}.."
                f"{truth.index[-1].date()}). Follow the call shape f(train, horizon) -> "
                "pd.Series indexed by the future dates."
            )
        folds.append(BacktestFold(train.index[-1], forecast, truth))
    return folds


def _check_same_data(series: pd.Series | pd.DataFrame, fold: BacktestFold) -> None:
    """Raise when ``series`` is not the data the fold was cut from (MASE would be scaled wrongly)."""
    truth = fold.truth
    if not truth.index.isin(series.index).all() or fold.train_end not in series.index:
        raise CourseInputError(
            f"series does not cover the fold that ends training on {fold.train_end.date()}; "
            "pass the same series that was given to rolling_origin()."
        )
    part = series.loc[truth.index]
    if isinstance(truth, pd.DataFrame) != isinstance(part, pd.DataFrame) or (
        isinstance(truth, pd.DataFrame) and list(truth.columns) != list(part.columns)
    ):
        raise CourseInputError(
            "series has other variables than the folds' truth; pass the same series (or "
            "DataFrame) that was given to rolling_origin()."
        )
    have = part.to_numpy(dtype="float64").reshape(len(part), -1)
    want = truth.to_numpy(dtype="float64").reshape(len(truth), -1)
    close = np.isclose(have, want)
    if not close.all():
        row, col = (int(i) for i in np.argwhere(~close)[0])
        raise CourseInputError(
            f"series does not match the folds' truth (on {truth.index[row].date()} it has "
            f"{have[row, col]:.6g} where the fold has {want[row, col]:.6g}): MASE would be "
            "scaled on other data, such as a log or scaled copy. Pass the same series that "
            "was given to rolling_origin()."
        )


def backtest_scores(
    folds: Sequence[BacktestFold],
    column: str | None = None,
    series: pd.Series | pd.DataFrame | None = None,
    season: int = 1,
) -> pd.DataFrame:
    """Score each fold of :func:`rolling_origin` with :func:`helpers.metrics.evaluate`.

    First used in 07 §7.

    Args:
        folds: the list returned by :func:`rolling_origin`.
        column: for multivariate forecasts, the variable to score.
        series: the data passed to :func:`rolling_origin`; when given, MASE is added,
            scaled on the training part of each fold (up to ``train_end``).
        season: the seasonal period of the MASE scale (12 for monthly data).

    Returns:
        One row per origin (indexed by ``train_end``) with RMSE, MAE, MAPE (and MASE);
        take ``.mean()`` for a ranking that does not rest on a single window.
    """
    from helpers.metrics import evaluate

    if isinstance(folds, BacktestFold):
        raise CourseInputError(
            "folds is a single BacktestFold; pass the whole list returned by "
            "rolling_origin() (or [fold] for one fold)."
        )
    if not isinstance(folds, Sequence) or isinstance(folds, str):
        raise CourseInputError(
            f"folds must be the list returned by rolling_origin(), got {type(folds).__name__}."
        )
    if len(folds) == 0:
        raise CourseInputError("folds is empty; pass the list returned by rolling_origin().")
    for i, fold in enumerate(folds):
        if not isinstance(fold, BacktestFold):
            raise CourseInputError(
                f"folds[{i}] is a {type(fold).__name__}, not a BacktestFold; pass the list "
                "returned by rolling_origin()."
            )
    if series is not None:
        _check_train(series, "series")
    season = _check_positive_int(season, "season")
    rows = {}
    for fold in folds:
        forecast, truth = fold.forecast, fold.truth
        history = None
        if series is not None:
            _check_same_data(series, fold)
            history = series.loc[: fold.train_end]
        if isinstance(truth, pd.DataFrame):
            if column is None:
                raise CourseInputError(
                    "The forecasts are multivariate; choose the variable to score with "
                    f"column=..., one of {list(truth.columns)}."
                )
            if column not in truth.columns:
                raise CourseInputError(
                    f"column {column!r} is not in the forecasts; available: {list(truth.columns)}."
                )
            forecast, truth = forecast[column], truth[column]
            if history is not None:
                history = history[column]
        rows[fold.train_end] = evaluate(truth, forecast, y_train=history, season=season)
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "train_end"
    return table


ETS_FORMS = {
    "ETS(A,N,A)": {"error": "add", "trend": None, "damped_trend": False, "seasonal": "add"},
    "ETS(A,Ad,A)": {"error": "add", "trend": "add", "damped_trend": True, "seasonal": "add"},
    "ETS(M,N,M)": {"error": "mul", "trend": None, "damped_trend": False, "seasonal": "mul"},
    "ETS(M,Ad,M)": {"error": "mul", "trend": "add", "damped_trend": True, "seasonal": "mul"},
}


def ets_forecast(
    train: pd.Series, horizon: int, season: int = 12, form: str = "ETS(M,Ad,M)"
) -> pd.Series:
    """Exponential smoothing (statsmodels ``ETSModel``): the point forecast of one ETS form.

    First used in 07 §3.

    ``form`` names the model in the ETS(error, trend, season) notation of Hyndman &
    Athanasopoulos: A additive, M multiplicative, N none, Ad additive damped. The forms
    offered are the keys of ``ETS_FORMS``. The returned Series carries the fitted model's
    ``aicc`` (and ``aic``) in ``attrs``, so forms can be compared on the training data:

    >>> from helpers.data import load
    >>> train = load("wine_sales").iloc[:-12]
    >>> forecast = ets_forecast(train, 12, form="ETS(A,N,A)")
    >>> len(forecast), forecast.index[0].strftime("%Y-%m"), forecast.attrs["aicc"] > 0
    (12, '1993-09', True)

    Raises:
        CourseInputError: an unknown form, a multiplicative form on values that are not
            all positive, fewer than two seasons of data, or a non-seasonal period.
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    _check_train(train, "train")
    if isinstance(train, pd.DataFrame):
        raise CourseInputError("ets_forecast models one series; pass a Series (one column).")
    horizon = _check_positive_int(horizon, "horizon")
    season = _check_positive_int(season, "season")
    if season < 2:
        raise CourseInputError(f"season must be at least 2 (12 for monthly data), got {season}.")
    if form not in ETS_FORMS:
        raise CourseInputError(f"form must be one of {list(ETS_FORMS)}, got {form!r}.")
    if len(train) < 2 * season:
        raise CourseInputError(f"ETS with season={season} needs at least {2 * season} "
                               f"observations; train has {len(train)}.")
    spec = ETS_FORMS[form]
    values = train.astype("float64")
    if "mul" in (spec["error"], spec["seasonal"]) and (values <= 0).any():
        raise CourseInputError(f"{form} is multiplicative and needs strictly positive values; "
                               "use an additive form such as 'ETS(A,N,A)'.")
    model = ETSModel(values, seasonal_periods=season, **spec)
    from threadpoolctl import threadpool_limits

    with warnings.catch_warnings(), threadpool_limits(1, user_api="blas"):  # tiny matrices
        warnings.simplefilter("ignore")
        fitted = model.fit(disp=False)
    forecast = pd.Series(np.asarray(fitted.forecast(horizon), dtype="float64"),
                         index=future_index(train.index, horizon), name=form)
    forecast.attrs.update({"aicc": float(fitted.aicc), "aic": float(fitted.aic), "form": form})
    return forecast


# ---------------------------------------------------------------------------
# Calendar regressors: Fourier terms of the day of the year
# ---------------------------------------------------------------------------


def fourier_terms(dates: Any, pairs: int, period: float = 365.25) -> pd.DataFrame:
    """Sine/cosine pairs of the day of the year, regressors for a smooth yearly cycle.

    First used in 08 §4. Also used in 08 §6 and 09 §4.

    Pair ``k`` is ``sin(k * angle)`` and ``cos(k * angle)`` with
    ``angle = 2 * pi * (day_of_year - 1) / period``: one pair draws the year as a circle
    (08 §6), more pairs let the fitted cycle take a less sinusoidal shape. They depend
    only on the date, so their future values are known when a forecast is made.

    Args:
        dates: a ``DatetimeIndex`` (or anything ``pd.DatetimeIndex`` accepts).
        pairs: how many pairs (1, 2, ...); the columns are ``sin1, cos1, sin2, cos2, ...``.
        period: the length of the cycle in days (365.25 keeps leap years in step).

    Returns:
        A DataFrame indexed by ``dates`` with ``2 * pairs`` columns.

    Raises:
        CourseInputError: dates that are not dates, or a ``pairs`` or ``period`` that is
        not a positive number.

    >>> import pandas as pd
    >>> terms = fourier_terms(pd.date_range("2015-01-01", periods=3, freq="D"), pairs=2)
    >>> list(terms.columns)
    ['sin1', 'cos1', 'sin2', 'cos2']
    >>> terms.iloc[0].round(3).tolist()  # 1 January: angle 0
    [0.0, 1.0, 0.0, 1.0]
    """
    if isinstance(dates, pd.Series | pd.DataFrame):
        dates = dates.index
    try:
        dates = pd.DatetimeIndex(dates)
    except (TypeError, ValueError) as error:
        raise CourseInputError(
            "fourier_terms needs dates, e.g. series.index of a daily series with a "
            f"DatetimeIndex; got {type(dates).__name__} ({error})."
        ) from None
    if dates.hasnans:
        raise CourseInputError("fourier_terms: the dates contain missing values (NaT); drop them first.")
    pairs = _check_positive_int(pairs, "pairs")
    if isinstance(period, bool) or not isinstance(period, int | float) or not np.isfinite(period) or period <= 0:
        raise CourseInputError(f"period must be a positive number of days, e.g. 365.25; got {period!r}.")
    angle = 2 * np.pi * (dates.day_of_year.to_numpy() - 1) / period
    columns = {}
    for k in range(1, pairs + 1):
        columns[f"sin{k}"] = np.sin(k * angle)
        columns[f"cos{k}"] = np.cos(k * angle)
    return pd.DataFrame(columns, index=dates)


__all__ += ["fourier_terms"]


# ---------------------------------------------------------------------------
# Many fits, one line per kind of warning
# ---------------------------------------------------------------------------


@contextmanager
def count_fit_warnings(fits: int, print_fn: Callable[[str], Any] = print) -> Iterator[dict[str, int]]:
    """Collect the FitWarnings raised in a block; print each kind once, with its count.

    Taught in 09 §2.

    A rolling-origin backtest fits a model at every origin, and a warning that every fit
    raises would be printed dozens of times. Inside ``with count_fit_warnings(fits=n):``
    each :class:`FitWarning` is recorded instead; when the block ends, one line per
    distinct message says how many of the ``n`` fits raised it. Nothing is hidden: every
    other warning is re-issued unchanged, and the counts are also returned.

    Args:
        fits: how many fits the block makes (the ``origins`` of :func:`rolling_origin`),
            quoted in the summary line.
        print_fn: the function that prints a line (``print`` by default).

    Yields:
        A dict ``{message: count}``, filled when the block ends.

    Raises:
        CourseInputError: ``fits`` is not a positive whole number, or ``print_fn`` is
        not a function.

    >>> with count_fit_warnings(fits=3) as counts:
    ...     for _ in range(3):
    ...         warnings.warn("VARMAX: the optimizer stopped early", FitWarning)
    FitWarning in 3 of 3 fits: VARMAX: the optimizer stopped early
    >>> counts
    {'VARMAX: the optimizer stopped early': 3}
    """
    fits = _check_positive_int(fits, "fits")
    if not callable(print_fn):
        raise CourseInputError(
            "print_fn must be a function that prints one line, such as print or "
            f"lines.append; got {type(print_fn).__name__}."
        )
    counts: dict[str, int] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield counts
    others = []
    for warning in caught:
        if issubclass(warning.category, FitWarning):
            message = str(warning.message)
            counts[message] = counts.get(message, 0) + 1
        else:
            others.append(warning)
    for message, count in counts.items():
        print_fn(f"FitWarning in {count} of {fits} fits: {message}")
    for warning in others:  # everything else is shown as usual
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)


__all__ += ["count_fit_warnings"]
