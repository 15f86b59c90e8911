"""Tests for helpers.figures: the course style, readable dates and alt text on every figure."""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")

from helpers.baselines import seasonal_naive_forecast
from helpers.data import load
from helpers.figures import COURSE_RC, _wrap, describe_figure
from helpers.intervals import fan_chart, seasonal_naive_intervals
from helpers.plotting import bar_chart, plot_forecast, plot_per_horizon, plot_training
from helpers.validation import CourseInputError

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def sales():
    return load("wine_sales")


def test_import_helpers_sets_the_course_style():
    petroff = matplotlib.style.library["petroff10"]["axes.prop_cycle"].by_key()["color"]
    assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"] == petroff
    for key, value in COURSE_RC.items():
        assert matplotlib.rcParams[key] == value, key
    fig, ax = plt.subplots()
    assert matplotlib.colors.to_hex(fig.get_facecolor()) == "#ffffff"
    (line,) = ax.plot([0, 1])
    assert matplotlib.colors.to_hex(line.get_color()) == "#3f90da"  # Petroff blue, not C0 default


# --- every plot the helpers draw, described from the figure ----------------------------

def helper_plots(sales):
    """(name, draw(title) -> Axes, words the description must contain) for each helper plot."""
    train, test = sales.iloc[:-12], sales.iloc[-12:]
    history = {"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.7, 0.8]}
    table = pd.DataFrame({"RMSE": [3.0, 2.0]}, index=pd.Index(["naive", "LSTM"], name="model"))
    intervals = seasonal_naive_intervals(train, 12, 12)
    return [
        ("plot_forecast",
         lambda title: plot_forecast(train, {"seasonal naive": seasonal_naive_forecast(train, 12, 12)},
                                     truth=test, last_n=36, title=title),
         ["Line chart", "x axis: date, from", "Legend: history, truth, seasonal naive"]),
        ("plot_training", lambda title: plot_training(history, title=title),
         ["Line chart", "x axis: epoch, from 1 to 3", "train loss", "best val_loss: epoch 2"]),
        ("plot_per_horizon",
         lambda title: plot_per_horizon({"naive": [1, 2, 3], "LSTM": [1, 1.5, 2]}, title=title),
         ["x axis: forecast step (horizon), from 1 to 3", "y axis: RMSE", "Legend: naive, LSTM"]),
        ("bar_chart", lambda title: bar_chart(table, "RMSE", title=title),
         ["Bar chart", "bars for naive, LSTM", "y axis: RMSE"]),
        ("fan_chart", lambda title: fan_chart(train, intervals, truth=test, title=title,
                                              ylabel="sales"),
         ["Line chart with shaded bands", "x axis: date, from", "95 % interval", "truth"]),
    ]


@pytest.mark.parametrize("index", range(5))
def test_every_helper_plot_is_described_from_the_figure(sales, index):
    name, draw, words = helper_plots(sales)[index]
    ax = draw(f"{name} title")
    text = describe_figure(ax.figure)
    assert f'titled "{name} title"' in text
    for word in words:
        assert word in text, (name, word, text)


@pytest.mark.parametrize("index", range(4))
def test_a_helper_plot_without_title_is_refused(sales, index):
    name, draw, _ = helper_plots(sales)[index]  # fan_chart always has a title
    ax = draw(None)
    with pytest.raises(CourseInputError, match="no title: ax.set_title"):
        describe_figure(ax.figure)


def test_the_date_range_is_in_dates(sales):
    ax = plot_forecast(sales.iloc[:-12], sales.iloc[-12:].rename("f"), title="t", last_n=24)
    assert "from 1991-09 to 1994-08" in describe_figure(ax.figure)


def test_pandas_time_axes_are_described_in_dates(sales):
    fig, ax = plt.subplots()
    sales.iloc[-24:].plot(ax=ax, title="Last two years", xlabel="month", ylabel="bottles")
    ax.set_yscale("log")
    text = describe_figure(fig)
    assert "x axis: month, from 1992-09 to 1994-08" in text, text
    assert "y axis: bottles (log scale)." in text
    ax.set_ylabel("bottles (log scale)")
    assert "(log scale) (log scale)" not in describe_figure(fig)


def test_unlabelled_axes_are_refused_with_the_fix():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3])
    ax.set_title("Something")
    with pytest.raises(CourseInputError) as err:
        describe_figure(fig)
    assert "no x axis label: ax.set_xlabel" in str(err.value)
    assert "no y axis label: ax.set_ylabel" in str(err.value)
    lax = describe_figure(fig, strict=False)
    assert "x axis: unlabelled" in lax and "y axis: unlabelled" in lax


def test_shared_axes_and_suptitle_count_as_labelled():
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True)
    top.plot([1, 2], [3, 4], label="a")
    bottom.bar(["x", "y"], [1, 2])
    top.set_ylabel("level")
    bottom.set(xlabel="case", ylabel="count")
    fig.suptitle("Two views")
    text = describe_figure(fig)
    assert text.startswith('Figure titled "Two views" with 2 plots.')
    assert "Plot 1: Line chart" in text and "Plot 2: Bar chart" in text


def test_a_stack_of_panels_needs_one_title_and_one_x_label():
    """08 and 09 stack one panel per variable, sharing the date axis, titled on top."""
    fig, axes = plt.subplots(3, 1, sharex=True)
    for ax, name in zip(axes, ["rain (mm)", "wind (m/s)", "temp (°C)"], strict=True):
        ax.plot([1, 2, 3], [1, 3, 2])
        ax.set_ylabel(name)
    axes[0].set_title("Weather")
    with pytest.raises(CourseInputError, match="no x axis label"):
        describe_figure(fig)
    axes[-1].set_xlabel("day")
    text = describe_figure(fig)
    assert "Plot 2: Line chart. x axis: day, from 1 to 3. y axis: wind (m/s)." in text
    fig, (left, right) = plt.subplots(1, 2)  # side by side, not sharing x: each needs a title
    for ax in (left, right):
        ax.plot([1, 2], [1, 2])
        ax.set(xlabel="x", ylabel="y")
    left.set_title("Left")
    with pytest.raises(CourseInputError, match="plot 2 of 2 has no title"):
        describe_figure(fig)


def test_junk_is_refused():
    with pytest.raises(CourseInputError, match="needs a matplotlib Figure"):
        describe_figure("not a figure")
    with pytest.raises(CourseInputError, match="no axes"):
        describe_figure(plt.figure())


def test_png_formatter_attaches_alt_and_warns_on_a_bad_figure():
    fake_png = _wrap(lambda fig: "PNGDATA")
    fig, ax = plt.subplots()
    ax.plot([1, 2], [1, 2])
    ax.set(title="Good", xlabel="x (s)", ylabel="y (m)")
    data, metadata = fake_png(fig)
    assert data == "PNGDATA" and metadata["alt"] == describe_figure(fig)
    ax.set_title("")
    with pytest.warns(UserWarning, match="no title"):
        _, metadata = fake_png(fig)
    assert metadata["alt"].startswith("Line chart. x axis: x (s)")
    # metadata the wrapped formatter already returns (retina sizes) is kept
    retina = _wrap(lambda fig: ("PNG", {"width": 10}))
    ax.set_title("Back")
    assert retina(fig) == ("PNG", {"width": 10, "alt": describe_figure(fig)})


def _overlaps(labels):
    boxes = [t.get_window_extent() for t in labels if t.get_visible() and t.get_text()]
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]


@pytest.mark.parametrize("width", [15 / 3, 9])
def test_date_tick_labels_do_not_overlap(sales, width):
    """10's fan charts sit three in a row (15 x 4 inches): the dates must still be readable."""
    train, test = sales.iloc[:-12], sales.iloc[-12:]
    for draw in (
        lambda ax: fan_chart(train, seasonal_naive_intervals(train, 12, 12), truth=test, ax=ax),
        lambda ax: plot_forecast(train, {"s": seasonal_naive_forecast(train, 12, 12)}, truth=test,
                                 ax=ax, title="t"),
        lambda ax: plot_forecast(train, {"s": seasonal_naive_forecast(train, 12, 12)}, ax=ax,
                                 title="whole history"),
    ):
        fig, ax = plt.subplots(figsize=(width, 4))
        draw(ax)
        fig.canvas.draw()
        labels = ax.get_xticklabels() + [ax.xaxis.get_offset_text()]
        assert len([t for t in labels if t.get_text()]) >= 3
        assert not _overlaps(labels), [t.get_text() for t in labels]
        plt.close(fig)


def test_the_overlap_check_can_fail():
    """Without concise dates, full ISO dates on a narrow axis do collide."""
    fig, ax = plt.subplots(figsize=(3, 2))
    index = pd.date_range("1990-01-01", periods=60, freq="MS")
    ax.plot(index, np.arange(60))
    ax.xaxis.set_major_locator(matplotlib.dates.MonthLocator(interval=3))
    ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%Y-%m-%d"))
    fig.canvas.draw()
    assert _overlaps(ax.get_xticklabels())


@pytest.mark.slow
def test_alt_text_reaches_a_real_notebook_output(tmp_path):
    """In a Jupyter kernel, a figure shown after ``import helpers`` carries its alt text."""
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import helpers\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots()\n"
        "ax.plot([1, 2, 3], [3, 1, 2], label='a')\n"
        "ax.set(title='Demo', xlabel='step', ylabel='value (units)')\nax.legend()\nplt.show()")]
    env_backend = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    saved = {k: os.environ.get(k) for k in env_backend}
    os.environ.update(env_backend)
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    images = [o for o in nb.cells[0].outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1, nb.cells[0].outputs
    alt = images[0]["metadata"]["image/png"]["alt"]
    assert alt == ('Line chart titled "Demo". x axis: step, from 1 to 3. y axis: value (units). '
                   "Legend: a.")
