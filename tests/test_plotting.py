"""Tests for helpers.plotting: labels, legends, lines, and input errors (Agg backend)."""

from __future__ import annotations

import matplotlib
import matplotlib.container

matplotlib.use("Agg")

from helpers.plotting import bar_chart, plot_forecast, plot_per_horizon, plot_training
from helpers.tables import comparison_table, seed_summary
from helpers.validation import CourseInputError

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def series():
    index = pd.date_range("2020-01-01", periods=36, freq="MS", name="date")
    values = 100 + 10 * np.sin(np.arange(36) * 2 * np.pi / 12)
    return pd.Series(values, index=index, name="sales")


def legend_texts(ax):
    legend = ax.get_legend()
    assert legend is not None, "the plot has no legend"
    return [text.get_text() for text in legend.get_texts()]


# --- plot_forecast ------------------------------------------------------------------


def test_plot_forecast_lines_labels_and_origin(series):
    train, test = series.iloc[:-6], series.iloc[-6:]
    forecasts = {
        "naive": pd.Series(train.iloc[-1], index=test.index),
        "perfect": test.copy(),
    }
    ax = plot_forecast(train, forecasts, truth=test, title="Sales")
    # history, truth, two forecasts, and the origin line
    assert len(ax.get_lines()) == 5
    assert legend_texts(ax) == ["history", "truth", "naive", "perfect"]
    assert ax.get_xlabel() == "date"
    assert ax.get_ylabel() == "sales"
    assert ax.get_title() == "Sales"
    styles = [line.get_linestyle() for line in ax.get_lines()[2:4]]
    assert styles[0] != styles[1]
    origin = ax.get_lines()[-1]
    assert origin.get_linestyle() == ":"
    x_origin = origin.get_xdata()[0]
    assert matplotlib.dates.date2num(x_origin) == matplotlib.dates.date2num(train.index[-1])


def test_plot_forecast_single_series_last_n_and_custom_labels(series):
    train = series.iloc[:-6]
    forecast = pd.Series(1.0, index=series.index[-6:], name="LSTM")
    _, ax = plt.subplots()
    returned = plot_forecast(train, forecast, ax=ax, last_n=12, ylabel="litres", xlabel="month")
    assert returned is ax
    assert legend_texts(ax) == ["history", "LSTM"]
    assert len(ax.get_lines()[0].get_xdata()) == 12
    assert ax.get_ylabel() == "litres"
    assert ax.get_xlabel() == "month"


def test_plot_forecast_unnamed_history_gets_value_label(series):
    history = series.rename(None)
    ax = plot_forecast(history.iloc[:-3], pd.Series(0.0, index=series.index[-3:]))
    assert ax.get_ylabel() == "value"
    assert legend_texts(ax) == ["history", "forecast"]


def test_plot_forecast_errors(series):
    train = series.iloc[:-6]
    with pytest.raises(CourseInputError, match="forecasts is empty"):
        plot_forecast(train, {})
    with pytest.raises(CourseInputError, match=r"forecasts\['lstm'\] must be a pandas Series"):
        plot_forecast(train, {"lstm": np.ones(6)})
    with pytest.raises(CourseInputError, match=r"RangeIndex.*index=test.index"):
        plot_forecast(train, {"lstm": pd.Series(np.ones(6))})
    with pytest.raises(CourseInputError, match="history must be a pandas Series"):
        plot_forecast(train.to_numpy(), {"x": series.iloc[-6:]})
    with pytest.raises(CourseInputError, match="last_n must be >= 1"):
        plot_forecast(train, {"x": series.iloc[-6:]}, last_n=0)


# --- plot_training ------------------------------------------------------------------

LOGS = {
    "loss": [1.0, 0.6, 0.4, 0.3, 0.25],
    "val_loss": [1.1, 0.7, 0.5, 0.55, 0.6],
    "mae": [0.9, 0.7, 0.5, 0.45, 0.4],
    "val_mae": [1.0, 0.8, 0.6, 0.65, 0.7],
}


class FakeHistory:
    """Stands in for keras.callbacks.History: only the .history dict is used."""

    def __init__(self, history):
        self.history = history


def test_plot_training_train_val_and_best_epoch():
    ax = plot_training(FakeHistory(LOGS), title="loss")
    assert len(ax.get_lines()) == 3  # train, val, best-epoch marker
    assert legend_texts(ax) == ["train loss", "val_loss", "best val_loss: epoch 3"]
    best = ax.get_lines()[2]
    assert list(best.get_xdata()) == [3]
    assert list(best.get_ydata()) == [0.5]
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [1, 2, 3, 4, 5])
    assert ax.get_xlabel() == "epoch"
    assert ax.get_ylabel() == "loss"


def test_plot_training_several_metrics_from_a_dict_and_log_scale():
    ax = plot_training(LOGS, metrics=("loss", "mae"), logy=True)
    assert len(ax.get_lines()) == 6
    assert ax.get_ylabel() == "loss, mae"
    assert ax.get_yscale() == "log"


def test_plot_training_without_validation():
    ax = plot_training({"loss": [3.0, 2.0]}, metrics="loss")
    assert len(ax.get_lines()) == 1
    assert legend_texts(ax) == ["train loss"]


def test_plot_training_errors():
    with pytest.raises(CourseInputError, match=r"no metric 'rmse'. Available: \['loss', 'mae'\]"):
        plot_training(LOGS, metrics=("rmse",))
    with pytest.raises(CourseInputError, match="has not been trained"):
        plot_training(FakeHistory({}))
    with pytest.raises(CourseInputError, match="keras History"):
        plot_training([1.0, 2.0])


# --- plot_per_horizon and bar_chart -------------------------------------------------


def test_plot_per_horizon_one_line_per_model():
    errors = {"naive": [1.0, 2.0, 3.0], "LSTM": pd.Series([0.5, 1.0, 1.2], index=[1, 2, 3])}
    ax = plot_per_horizon(errors, metric="MAE")
    assert len(ax.get_lines()) == 2
    assert legend_texts(ax) == ["naive", "LSTM"]
    np.testing.assert_array_equal(ax.get_lines()[1].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), [0.5, 1.0, 1.2])
    assert ax.get_xlabel() == "forecast step (horizon)"
    assert ax.get_ylabel() == "MAE"


def test_plot_per_horizon_errors():
    with pytest.raises(CourseInputError, match="non-empty dict"):
        plot_per_horizon({})
    with pytest.raises(CourseInputError, match=r"errors\['x'\] must be a 1-D array"):
        plot_per_horizon({"x": np.ones((2, 3))})


def test_bar_chart_from_a_comparison_table():
    table = comparison_table({"a": {"RMSE": 2.0}, "b": {"RMSE": 1.0}, "c": {"RMSE": 3.0}})
    ax = bar_chart(table, "RMSE")
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == [1.0, 2.0, 3.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["b", "a", "c"]
    assert ax.get_xlabel() == "model"
    assert ax.get_ylabel() == "RMSE"


def test_bar_chart_with_error_bars_from_a_seed_summary():
    runs = [
        {"model": "LSTM", "RMSE": 10.0},
        {"model": "LSTM", "RMSE": 14.0},
        {"model": "GRU", "RMSE": 9.0},
        {"model": "GRU", "RMSE": 11.0},
    ]
    summary = seed_summary(runs)
    ax = bar_chart(summary, "RMSE", error_col="RMSE std")
    assert [patch.get_height() for patch in ax.patches] == [12.0, 10.0]
    assert ax.get_ylabel() == "RMSE mean (± RMSE std)"
    bars = next(c for c in ax.containers if isinstance(c, matplotlib.container.BarContainer))
    segments = bars.errorbar.lines[2][0].get_segments()  # one vertical bar per model
    spread = np.sqrt(8.0)  # sample std of (10, 14)
    np.testing.assert_allclose(segments[0][:, 1], [12.0 - spread, 12.0 + spread])
    np.testing.assert_allclose(segments[1][:, 1], [10.0 - np.sqrt(2.0), 10.0 + np.sqrt(2.0)])


def test_bar_chart_errors():
    table = pd.DataFrame({"RMSE": [1.0, np.nan]}, index=pd.Index(["a", "b"], name="model"))
    with pytest.raises(CourseInputError, match=r"no column 'MAE'. Available: \['RMSE'\]"):
        bar_chart(table, "MAE")
    with pytest.raises(CourseInputError, match=r"missing \(NaN\) for \['b'\]"):
        bar_chart(table, "RMSE")
    with pytest.raises(CourseInputError, match="no column 'RMSE std'"):
        bar_chart(table, "RMSE", error_col="RMSE std")
    with pytest.raises(CourseInputError, match="non-empty DataFrame"):
        bar_chart(pd.DataFrame(), "RMSE")


def test_positions_mixed_with_dates_are_refused(series):
    train = series.iloc[:-12]
    dated = series.iloc[-12:]
    positional = pd.Series(train.to_numpy())
    with pytest.raises(
        CourseInputError,
        match=r"forecasts\['naive'\] is indexed by dates but history by positions.*1970",
    ):
        plot_forecast(positional, {"naive": dated})
    with pytest.raises(CourseInputError, match="truth by positions"):
        plot_forecast(train, {"naive": dated}, truth=pd.Series(dated.to_numpy()))


def test_dataframe_forecast_asks_for_one_column(series):
    frame = series.iloc[-12:].to_frame()
    with pytest.raises(
        CourseInputError, match=r"pick a column, e.g. forecasts\['VAR'\]\['sales'\]"
    ):
        plot_forecast(series.iloc[:-12], {"VAR": frame})


@pytest.mark.parametrize(
    ("bad_ax", "hint"),
    [("figure", "This is the figure"), ("array", "several axes"), ("text", "plt.subplots()")],
)
def test_ax_must_be_one_axes(series, bad_ax, hint):
    fig, axes = plt.subplots(1, 2)
    ax = {"figure": fig, "array": axes, "text": "left"}[bad_ax]
    with pytest.raises(CourseInputError, match=hint):
        plot_forecast(series.iloc[:-12], series.iloc[-12:], ax=ax)


def test_plot_training_metrics_must_be_names():
    with pytest.raises(CourseInputError, match="metrics must be a metric name"):
        plot_training({"loss": [1.0, 0.5]}, metrics=5)
