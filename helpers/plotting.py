"""Plots the course draws again and again: forecasts, training curves, model comparisons.

Each function draws on ``ax`` (a new figure when it is ``None``), labels both
axes, adds a legend where there is more than one line, and returns the Axes so a
notebook can adjust it. None of them calls ``plt.show()``.

>>> from helpers.data import load
>>> from helpers.baselines import seasonal_naive_forecast
>>> sales = load("wine_sales")
>>> train, test = sales.iloc[:-12], sales.iloc[-12:]
>>> ax = plot_forecast(train, {"seasonal naive": seasonal_naive_forecast(train, 12, 12)},
...                    truth=test, last_n=48)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from helpers.intervals import fan_chart
from helpers.validation import CourseInputError, as_float_array, check_positive_int

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

__all__ = ["bar_chart", "fan_chart", "plot_forecast", "plot_per_horizon", "plot_training"]

# Line styles for forecasts, so they stay distinguishable in black and white.
_FORECAST_STYLES = ["--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 2)), (0, (1, 1))]
_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
# Metrics where a higher value is better; for the rest (losses, errors) lower is better.
_HIGHER_IS_BETTER = ("accuracy", "acc", "auc", "r2", "r2_score", "precision", "recall")


def check_axes(ax: Any) -> Axes:
    """Return ``ax`` when it is one matplotlib Axes; otherwise raise with the fix.

    A common slip is passing the figure, or the array of axes that
    ``plt.subplots(1, 2)`` returns, where one Axes is needed.
    """
    if isinstance(ax, Axes):
        return ax
    if isinstance(ax, np.ndarray) or isinstance(ax, list | tuple):
        hint = (
            " It looks like several axes: pick one, e.g. axes[0] from "
            "fig, axes = plt.subplots(1, 2)."
        )
    elif type(ax).__name__ in ("Figure", "SubFigure"):
        hint = (
            " This is the figure: pass one of its axes, e.g. fig, ax = plt.subplots(), then ax=ax."
        )
    else:
        hint = " Make one with fig, ax = plt.subplots(), or leave ax out for a new figure."
    raise CourseInputError(f"ax must be a matplotlib Axes, got {type(ax).__name__}.{hint}")


def _new_axes(ax: Axes | None, figsize: tuple[float, float] = (9, 4)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
        return ax
    return check_axes(ax)


def _check_series(value: Any, name: str) -> pd.Series:
    if isinstance(value, pd.DataFrame):
        raise CourseInputError(
            f"{name} is a DataFrame with columns {list(value.columns)}; this plot draws one "
            f"variable, so pick a column, e.g. {name}[{str(value.columns[0])!r}]."
            if len(value.columns)
            else f"{name} is an empty DataFrame; there is nothing to plot."
        )
    if not isinstance(value, pd.Series):
        raise CourseInputError(
            f"{name} must be a pandas Series indexed by dates, got {type(value).__name__}. "
            "Wrap model output with pd.Series(values.ravel(), index=test.index)."
        )
    if len(value) == 0:
        raise CourseInputError(f"{name} is empty; there is nothing to plot.")
    as_float_array(value, name)
    return value


def _index_kind(index: pd.Index) -> str:
    if isinstance(index, pd.DatetimeIndex | pd.PeriodIndex):
        return "dates"
    return "positions"


def plot_forecast(
    history: pd.Series,
    forecasts: Mapping[str, pd.Series] | pd.Series,
    truth: pd.Series | None = None,
    *,
    title: str | None = None,
    ylabel: str | None = None,
    xlabel: str = "date",
    ax: Axes | None = None,
    last_n: int | None = None,
) -> Axes:
    """Plot the history, the truth over the forecast period and one line per forecast.

    First used in 05 §8.

    Args:
        history: the observed series up to the forecast origin.
        forecasts: ``{label: forecast Series}``, or one Series (labelled by its name).
        truth: the actual values over the forecast period, if known.
        title: the plot title.
        ylabel: the y-axis label; defaults to ``history.name``.
        xlabel: the x-axis label.
        ax: the Axes to draw on; a new figure when ``None``.
        last_n: show only the last ``last_n`` points of the history, to zoom in.

    Returns:
        The Axes. Its lines are the history, the truth (if given), the forecasts in
        order, and a dotted vertical line at the forecast origin.
    """
    history = _check_series(history, "history")
    if isinstance(forecasts, pd.Series):
        label = forecasts.name if forecasts.name is not None else "forecast"
        forecasts = {str(label): forecasts}
    if not isinstance(forecasts, Mapping):
        raise CourseInputError(
            "forecasts must be a dict {label: Series} or a single Series, got "
            f"{type(forecasts).__name__}."
        )
    if len(forecasts) == 0:
        raise CourseInputError(
            "forecasts is empty; pass at least one, e.g. {'naive': naive_forecast(train, 12)}."
        )
    named = {"history": history}
    for label, forecast in forecasts.items():
        named[f"forecasts[{label!r}]"] = _check_series(forecast, f"forecasts[{label!r}]")
    if truth is not None:
        named["truth"] = _check_series(truth, "truth")
    kinds = {name: _index_kind(series.index) for name, series in named.items()}
    if len(set(kinds.values())) > 1:
        dated = [name for name, kind in kinds.items() if kind == "dates"]
        undated = [name for name, kind in kinds.items() if kind != "dates"]
        raise CourseInputError(
            f"{', '.join(dated)} {'is' if len(dated) == 1 else 'are'} indexed by dates but "
            f"{', '.join(undated)} by "
            f"positions ({type(named[undated[0]].index).__name__}), so they cannot share an "
            "x-axis (positions would be drawn as dates in 1970). Put every Series on dates, "
            "e.g. pd.Series(values.ravel(), index=test.index) for a forecast."
        )
    if last_n is not None:
        last_n = check_positive_int(last_n, "last_n")
        history = history.iloc[-last_n:]

    ax = _new_axes(ax)
    ax.plot(history.index, history.to_numpy(), color="C0", linewidth=1.5, label="history")
    if truth is not None:
        ax.plot(truth.index, truth.to_numpy(), color="black", linewidth=1.5, label="truth")
    for i, (label, forecast) in enumerate(forecasts.items()):
        ax.plot(
            forecast.index,
            forecast.to_numpy(),
            color=f"C{(i + 1) % 10}",
            linestyle=_FORECAST_STYLES[i % len(_FORECAST_STYLES)],
            marker=_MARKERS[i % len(_MARKERS)] if len(forecast) <= 36 else None,
            markersize=4,
            linewidth=1.5,
            label=str(label),
        )
    ax.axvline(history.index[-1], color="grey", linestyle=":", linewidth=1, label="_origin")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel or (str(history.name) if history.name is not None else "value"))
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def _history_dict(history: Any) -> dict[str, list[float]]:
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise CourseInputError(
            "history must be what model.fit() returns (a keras History) or its .history "
            f"dict, got {type(history).__name__}."
        )
    if not logs:
        raise CourseInputError(
            "history is empty: the model has not been trained yet. Plot the object that "
            "model.fit() (or helpers.training.fit) returned."
        )
    return dict(logs)


def _best_index(values: np.ndarray, metric: str) -> int:
    higher = metric.lower() in _HIGHER_IS_BETTER
    return int(np.nanargmax(values) if higher else np.nanargmin(values))


def plot_training(
    history: Any,
    metrics: str | Sequence[str] = ("loss",),
    ax: Axes | None = None,
    title: str | None = None,
    logy: bool = False,
) -> Axes:
    """Plot training and validation curves per epoch.

    First used in 06 §3.

    Args:
        history: the ``keras.callbacks.History`` that ``fit`` returned, or its
            ``.history`` dict ``{"loss": [...], "val_loss": [...], ...}``.
        metrics: the metric(s) to plot; each gets its training curve and, when
            recorded, its ``val_`` curve.
        ax: the Axes to draw on; a new figure when ``None``.
        title: the plot title.
        logy: use a logarithmic y-axis (losses often fall by orders of magnitude).

    Returns:
        The Axes. The best validation epoch of each metric (lowest, or highest for
        accuracy-like metrics) is marked with a point.

    Raises:
        CourseInputError: a requested metric was not recorded (the message lists those that were).
    """
    logs = _history_dict(history)
    if isinstance(metrics, str):
        metrics = (metrics,)
    if not isinstance(metrics, Sequence) or not all(isinstance(m, str) for m in metrics):
        raise CourseInputError(
            f"metrics must be a metric name or a list of names, e.g. ('loss',); got {metrics!r}."
        )
    metrics = list(metrics)
    if not metrics:
        raise CourseInputError("metrics is empty; ask for at least one, e.g. ('loss',).")
    missing = [m for m in metrics if m not in logs]
    if missing:
        available = [k for k in logs if not k.startswith("val_")]
        raise CourseInputError(
            f"history has no metric {missing[0]!r}. Available: {available} (validation "
            "curves are drawn automatically). Metrics other than the loss must be asked "
            "for in model.compile(..., metrics=[...])."
        )

    ax = _new_axes(ax, figsize=(7, 4))
    for i, metric in enumerate(metrics):
        color = f"C{(2 * i) % 10}"
        train_values = np.asarray(logs[metric], dtype="float64")
        epochs = np.arange(1, len(train_values) + 1)
        ax.plot(epochs, train_values, color=color, label=f"train {metric}")
        val_key = f"val_{metric}"
        if val_key in logs:
            val_values = np.asarray(logs[val_key], dtype="float64")
            val_epochs = np.arange(1, len(val_values) + 1)
            ax.plot(val_epochs, val_values, color=color, linestyle="--", label=val_key)
            if np.isfinite(val_values).any():
                best = _best_index(val_values, metric)
                ax.plot(
                    val_epochs[best],
                    val_values[best],
                    marker="o",
                    linestyle="none",
                    color=color,
                    markersize=7,
                    label=f"best {val_key}: epoch {best + 1}",
                )
    ax.set_xlabel("epoch")
    ax.set_ylabel(", ".join(metrics))
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def plot_per_horizon(
    errors: Mapping[str, Any],
    metric: str = "RMSE",
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Plot an error metric against the forecast step for several models.

    First used in 05 §7.

    Args:
        errors: ``{model name: errors per step}``, e.g. from
            :func:`helpers.metrics.per_horizon_errors`; step 1 comes first.
        metric: the metric's name, for the y-axis label.
        ax: the Axes to draw on; a new figure when ``None``.
        title: the plot title.
    """
    if not isinstance(errors, Mapping) or len(errors) == 0:
        raise CourseInputError(
            "errors must be a non-empty dict {model name: error per horizon step}, got "
            f"{errors!r:.80}."
        )
    ax = _new_axes(ax, figsize=(7, 4))
    for i, (name, values) in enumerate(errors.items()):
        array = as_float_array(values, f"errors[{name!r}]")
        if array.ndim != 1 or array.size == 0:
            raise CourseInputError(
                f"errors[{name!r}] must be a 1-D array with one value per horizon step, got "
                f"shape {array.shape}. per_horizon_errors(y_true, y_pred) returns one."
            )
        steps = np.arange(1, len(array) + 1)
        ax.plot(
            steps,
            array,
            marker=_MARKERS[i % len(_MARKERS)],
            linestyle=["-", "--", "-.", ":"][i % 4],
            label=str(name),
        )
    ax.set_xlabel("forecast step (horizon)")
    ax.set_ylabel(metric)
    ax.xaxis.get_major_locator().set_params(integer=True)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def bar_chart(
    table: pd.DataFrame,
    metric: str,
    error_col: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Bar chart of one metric per model, with optional error bars.

    First used in 07 §6.

    Args:
        table: one row per model (the index gives the names), e.g. from
            :func:`helpers.tables.comparison_table` or :func:`helpers.tables.seed_summary`.
        metric: the column to draw. For a ``seed_summary`` table, ``"RMSE"`` finds
            ``"RMSE mean"``.
        error_col: the column with the half-length of the error bars, e.g.
            ``"RMSE std"`` (the spread over seeds).
        ax: the Axes to draw on; a new figure when ``None``.
        title: the plot title.
    """
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise CourseInputError(
            "table must be a non-empty DataFrame with one row per model, e.g. "
            "comparison_table(results)."
        )
    available = list(table.columns)
    if not isinstance(metric, str):
        raise CourseInputError(f"metric must be a column name such as 'RMSE', got {metric!r}.")
    column = metric if metric in table.columns else f"{metric} mean"
    if column not in table.columns:
        raise CourseInputError(f"table has no column {metric!r}. Available: {available}.")
    if error_col is not None and error_col not in table.columns:
        raise CourseInputError(
            f"table has no column {error_col!r} for the error bars. Available: {available}."
        )
    values = as_float_array(table[column], column)
    if not np.isfinite(values).all():
        bad = [str(m) for m, v in zip(table.index, values, strict=True) if not np.isfinite(v)]
        raise CourseInputError(
            f"{column} is missing (NaN) for {bad}; drop those rows first, e.g. "
            f"table.dropna(subset=[{column!r}])."
        )
    yerr = None
    if error_col is not None:
        yerr = np.nan_to_num(as_float_array(table[error_col], error_col), nan=0.0)

    ax = _new_axes(ax, figsize=(max(4.0, 1.1 * len(table) + 2), 4))
    names = [str(name) for name in table.index]
    positions = np.arange(len(names))
    bars = ax.bar(positions, values, yerr=yerr, capsize=4 if yerr is not None else 0, color="C0")
    ax.bar_label(bars, fmt="{:,.4g}", padding=2)
    rotate = max(map(len, names)) > 10
    ax.set_xticks(
        positions, names, rotation=30 if rotate else 0, ha="right" if rotate else "center"
    )
    ax.set_xlabel(table.index.name or "model")
    ax.set_ylabel(column if error_col is None else f"{column} (± {error_col})")
    if title:
        ax.set_title(title)
    return ax
