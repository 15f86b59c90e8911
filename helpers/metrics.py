"""Forecast error metrics: RMSE, MAE, MAPE, MASE, errors per horizon step.

Every metric takes the truth first and the forecast second, as lists, NumPy
arrays or pandas objects of the same shape:

>>> rmse([1, 2, 3], [1, 2, 5])
1.1547005383792515
>>> evaluate([10, 20, 30], [12, 18, 30])["MAE"]
1.3333333333333333

When both arguments are pandas objects with a ``DatetimeIndex`` their dates must
match, which catches a forecast that was shifted by one step against the truth.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Scores of interval and distribution forecasts live in helpers.intervals (notebook 10);
# they are re-exported here so that every metric can be imported from one place.
from helpers.intervals import (
    coverage,
    crps_from_samples,
    crps_gaussian,
    interval_score,
    mean_width,
    pinball_loss,
)
from helpers.validation import CourseInputError, as_float_array, check_no_nans, check_positive_int

import numpy as np
import pandas as pd

__all__ = ["coverage", "crps_from_samples", "crps_gaussian", "evaluate", "interval_score", "mae",
           "mape", "mase", "mean_width", "per_horizon_errors", "pinball_loss", "rmse"]


def _describe_dates(index: pd.Index) -> str:
    if len(index) == 0:
        return "no dates"
    first, last = index[0], index[-1]
    if isinstance(index, pd.DatetimeIndex) and (index == index.normalize()).all() and index.tz is None:
        first, last = first.date(), last.date()
    return f"{len(index)} dates {first}..{last}"


def _check_aligned(y_true: Any, y_pred: Any) -> None:
    """Raise when two pandas objects would be compared on the wrong dates or columns.

    Metrics compare values by position. That is only right when pandas labels,
    where both have them, line up: the same dates (a forecast shifted by one step
    is caught), the same columns in the same order, and no reordered rows.
    """
    pandas_types = pd.Series | pd.DataFrame
    if not (isinstance(y_true, pandas_types) and isinstance(y_pred, pandas_types)):
        return
    if isinstance(y_true, pd.DataFrame) and isinstance(y_pred, pd.DataFrame):
        true_columns, pred_columns = list(y_true.columns), list(y_pred.columns)
        if true_columns != pred_columns:
            if sorted(map(str, true_columns)) == sorted(map(str, pred_columns)):
                fix = (
                    "They hold the same variables in a different order, so values would be "
                    "compared with the wrong variable. Reorder one: y_pred[y_true.columns]."
                )
            else:
                fix = (
                    "Select the same variables in both, e.g. "
                    "y_true[cols] and y_pred[cols] with the same list cols."
                )
            raise CourseInputError(
                f"y_true has columns {true_columns} but y_pred has {pred_columns}. {fix}"
            )
    true_index, pred_index = y_true.index, y_pred.index
    dated = pd.DatetimeIndex | pd.PeriodIndex
    if isinstance(true_index, dated) and isinstance(pred_index, dated):
        if true_index.equals(pred_index):
            return
        if type(true_index) is not type(pred_index):
            period = true_index if isinstance(true_index, pd.PeriodIndex) else pred_index
            which = "y_true" if period is true_index else "y_pred"
            raise CourseInputError(
                f"{which} is indexed by periods (a PeriodIndex, {_describe_dates(period)}) and "
                "the other by timestamps (a DatetimeIndex), so their dates never match even "
                "for the same months. Use one kind for both, e.g. "
                f"{which}.index = {which}.index.to_timestamp() (or .to_period('M') on the other)."
            )
        true_tz, pred_tz = getattr(true_index, "tz", None), getattr(pred_index, "tz", None)
        if str(true_tz) != str(pred_tz):
            raise CourseInputError(
                f"y_true's dates have time zone {true_tz} and y_pred's have {pred_tz}, so they "
                "never match as dates. Put both in the same zone, e.g. "
                "y_pred.index = y_pred.index.tz_convert(y_true.index.tz) (or .tz_localize(...) "
                "for dates without a zone)."
            )
        raise CourseInputError(
            "The forecast dates do not match the truth dates: y_true has "
            f"{_describe_dates(true_index)}, y_pred has {_describe_dates(pred_index)}. "
            "Compare a forecast with the truth for the same dates, for example "
            "truth = series.loc[forecast.index], or build the forecast Series with "
            "pd.Series(values, index=truth.index)."
        )
    if (
        len(true_index) == len(pred_index)
        and not true_index.equals(pred_index)
        and not true_index.has_duplicates
        and set(true_index) == set(pred_index)
    ):
        raise CourseInputError(
            "y_true and y_pred have the same index labels in a different order, so values "
            "would be compared with the wrong rows. Align them first: "
            "y_pred = y_pred.loc[y_true.index] (or sort both with .sort_index())."
        )


def _pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validate a truth/forecast pair and return both as float arrays of the same shape."""
    _check_aligned(y_true, y_pred)
    true = as_float_array(y_true, "y_true")
    pred = as_float_array(y_pred, "y_pred")
    if true.shape != pred.shape:
        hint = ""
        if true.size == pred.size:
            hint = (
                " They hold the same number of values, so one probably has an extra axis: "
                "flatten both with np.ravel() (a Keras model's predict() returns shape "
                "(samples, 1) for one output)."
            )
        raise CourseInputError(
            f"y_true has shape {true.shape} but y_pred has shape {pred.shape}; they must "
            f"have the same shape.{hint}"
        )
    if true.size == 0:
        raise CourseInputError(
            "y_true and y_pred are empty; pass at least one value to compare "
            "(check the slice that selects the test period)."
        )
    check_no_nans(true, "y_true")
    check_no_nans(pred, "y_pred")
    return true, pred


def rmse(y_true: Any, y_pred: Any) -> float:
    """Root mean squared error, in the units of the data.

    First used in 05 §4.

    >>> round(rmse([1, 2, 3], [1, 2, 5]), 4)
    1.1547
    """
    true, pred = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((true - pred) ** 2)))


def mae(y_true: Any, y_pred: Any) -> float:
    """Mean absolute error, in the units of the data.

    First used in 05 §8.

    >>> mae([1, 2, 3], [1, 2, 5])
    0.6666666666666666
    """
    true, pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(true - pred)))


def mape(y_true: Any, y_pred: Any) -> float:
    """Mean absolute percentage error, in percent (``5.0`` means 5 %).

    Not used in a notebook; evaluate() reports it as MAPE.

    Raises:
        CourseInputError: ``y_true`` contains zeros, where a percentage error is undefined.

    >>> mape([100, 200], [110, 180])
    10.0
    """
    true, pred = _pair(y_true, y_pred)
    zeros = true == 0
    if zeros.any():
        first = tuple(int(i) for i in np.argwhere(zeros)[0])
        position = first[0] if len(first) == 1 else first
        raise CourseInputError(
            f"MAPE is undefined because y_true contains {int(zeros.sum())} zero(s), the "
            f"first at position {position} (a percentage of zero divides by zero). Use "
            "MAE or MASE for series that can be zero, such as daily precipitation."
        )
    return float(np.mean(np.abs((true - pred) / true)) * 100.0)


def _seasonal_naive_scale(y_train: Any, season: int) -> float:
    season = check_positive_int(season, "season")
    train = as_float_array(y_train, "y_train")
    if train.ndim == 2 and train.shape[1] == 1:
        train = train[:, 0]  # one column, e.g. scaler-shaped (n, 1) or a 1-column DataFrame
    if train.ndim != 1:
        hint = (
            " It is a single row: pass np.ravel(y_train)."
            if train.ndim == 2 and train.shape[0] == 1
            else " Pass the single training series the forecasts continue, e.g. "
            "train.to_numpy() (or one column of a DataFrame, train['col'])."
        )
        raise CourseInputError(
            f"y_train must be one-dimensional (the training series), got shape {train.shape}.{hint}"
        )
    check_no_nans(train, "y_train")
    if len(train) <= season:
        raise CourseInputError(
            f"MASE with season={season} needs y_train longer than {season} values to compute "
            f"the seasonal naive scale, but y_train has {len(train)}. Pass the whole "
            "training series, or use season=1."
        )
    scale = float(np.mean(np.abs(train[season:] - train[:-season])))
    if scale == 0:
        raise CourseInputError(
            f"MASE is undefined: the seasonal naive forecast (season={season}) is exact on "
            "y_train, so its mean absolute error, the scale, is 0. This happens when the "
            "training series is constant; use MAE instead."
        )
    return scale


def mase(y_true: Any, y_pred: Any, y_train: Any, season: int = 1) -> float:
    """Mean absolute scaled error (Hyndman and Koehler, 2006).

    Not used in a notebook; evaluate() reports it as MASE when given y_train.

    The forecast's MAE divided by the in-sample MAE of the seasonal naive forecast
    on the training series, ``mean(|y_train[t] - y_train[t - season]|)``. Below 1
    means the forecast beats that naive method's one-step error on the training data.

    Args:
        y_true: the true values over the forecast period.
        y_pred: the forecast, same shape as ``y_true``.
        y_train: the training series the forecast continues, 1-D or one column
            of shape (n, 1).
        season: the seasonal period of the naive scale (12 for monthly data,
            1 for the plain naive forecast).

    Raises:
        CourseInputError: ``y_train`` is not longer than ``season`` or the scale is 0.

    >>> mase([3, 5], [4, 4], y_train=[1, 2, 3])
    1.0
    """
    true, pred = _pair(y_true, y_pred)
    scale = _seasonal_naive_scale(y_train, season)
    return float(np.mean(np.abs(true - pred)) / scale)


_METRICS: dict[str, Callable[[Any, Any], float]] = {"rmse": rmse, "mae": mae, "mape": mape}


def per_horizon_errors(
    y_true: Any,
    y_pred: Any,
    metric: str | Callable[[np.ndarray, np.ndarray], float] = "rmse",
) -> pd.Series:
    """One error value per forecast step for multi-step forecasts.

    First used in 02 §4.

    Args:
        y_true: array of shape ``(n_origins, horizon)``: row ``i`` holds the truth
            for the forecast made at origin ``i``, column ``h`` the step ``h + 1``.
        y_pred: the forecasts, same shape.
        metric: ``"rmse"``, ``"mae"``, ``"mape"`` or a function ``f(true, pred) -> float``
            applied to each column.

    Returns:
        A Series of length ``horizon`` indexed by step ``1..horizon`` (index name
        ``"step"``), named after the metric. It usually grows with the step.

    >>> per_horizon_errors([[1, 2], [3, 4]], [[1, 3], [3, 6]], metric="mae").tolist()
    [0.0, 1.5]
    """
    true, pred = _pair(y_true, y_pred)
    if true.ndim != 2:
        hint = ""
        if true.ndim == 3 and true.shape[-1] == 1:
            hint = " Drop the trailing feature axis first, for example y[..., 0]."
        elif true.ndim == 1:
            hint = (
                " For a single forecast use rmse()/mae() directly, or stack several "
                "forecasts into rows with np.vstack."
            )
        raise CourseInputError(
            f"per_horizon_errors needs 2-D arrays of shape (n_origins, horizon), got "
            f"shape {true.shape}.{hint}"
        )
    if isinstance(metric, str):
        key = metric.lower()
        if key not in _METRICS:
            raise CourseInputError(
                f"Unknown metric {metric!r}; use one of {sorted(_METRICS)} or pass a "
                "function f(true, pred) -> float."
            )
        func: Callable[[Any, Any], float] = _METRICS[key]
        name = key.upper()
    elif callable(metric):
        func = metric
        name = getattr(metric, "__name__", "error")
    else:
        raise CourseInputError(
            f"metric must be a name such as 'rmse' or a function, got {type(metric).__name__}."
        )
    values = []
    for h in range(true.shape[1]):
        value = func(true[:, h], pred[:, h])
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise CourseInputError(
                f"metric {name!r} returned {value!r:.60} ({type(value).__name__}) for step "
                f"{h + 1}; it must return one number, like rmse(true, pred)."
            )
        values.append(float(value))
    index = pd.RangeIndex(1, true.shape[1] + 1, name="step")
    return pd.Series(values, index=index, name=name, dtype="float64")


def evaluate(y_true: Any, y_pred: Any, y_train: Any = None, season: int = 1) -> dict[str, float]:
    """All the course's metrics at once, ready for :func:`helpers.tables.comparison_table`.

    First used in 06 §5.

    Returns:
        ``{"RMSE": ..., "MAE": ..., "MAPE": ...}`` plus ``"MASE"`` when ``y_train``
        is given. MAPE is ``nan`` (not an error) when ``y_true`` contains zeros, so
        every model gets the same keys.

    >>> evaluate([1, 2, 3], [1, 2, 5], y_train=[1, 2, 3, 4])
    {'RMSE': 1.1547005383792515, 'MAE': 0.6666666666666666, 'MAPE': 22.22222222222222, 'MASE': 0.6666666666666666}
    """
    true, pred = _pair(y_true, y_pred)
    result = {"RMSE": rmse(true, pred), "MAE": mae(true, pred)}
    result["MAPE"] = mape(true, pred) if not (true == 0).any() else float("nan")
    if y_train is not None:
        result["MASE"] = mase(true, pred, y_train, season=season)
    return result


# Tests of whether a gap between two forecasts exceeds the test period's noise live in
# helpers.significance; they are re-exported here with the other scores.
from helpers.significance import (  # noqa: E402
    absolute_errors,
    diebold_mariano,
    loss_differential_bootstrap,
    squared_errors,
)

__all__ += ["absolute_errors", "diebold_mariano", "loss_differential_bootstrap", "squared_errors"]
