"""Tests for helpers.windows: windows agree with a plain-loop reference, errors are clear."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import helpers  # noqa: F401  (sets the Keras backend before keras is imported)
from helpers.validation import CourseInputError
from helpers.windows import Windows, make_windows, windows_dataset

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest


def reference_windows(values, window, horizon, targets=None):
    """Plain-loop windowing, written independently of helpers.windows."""
    data = np.asarray(values, dtype="float64")
    if data.ndim == 1:
        data = data.reshape(-1, 1)
    n_steps, n_features = data.shape
    if targets is None:
        targets = list(range(n_features))
    elif isinstance(targets, int):
        targets = [targets]
    n = n_steps - window - horizon + 1
    xs, ys = [], []
    for i in range(n):
        x = []
        for t in range(i, i + window):
            x.append([data[t, f] for f in range(n_features)])
        xs.append(x)
        label = []
        for t in range(i + window, i + window + horizon):
            label.append([data[t, f] for f in targets])
        ys.append(label)
    X = np.array(xs, dtype="float32")
    y = np.array(ys, dtype="float32")  # (N, horizon, n_targets)
    if len(targets) == 1:
        y = y[:, :, 0]
    elif horizon == 1:
        y = y[:, 0, :]
    return X, y


def collect(dataset):
    xs, ys = [], []
    for x, y in dataset:
        xs.append(x.numpy())
        ys.append(y.numpy())
    return np.concatenate(xs), np.concatenate(ys)


RNG = np.random.default_rng(0)
SERIES_1D = RNG.normal(size=23)
SERIES_2D = RNG.normal(size=(23, 3))

CASES_1D = [(1, 1, None), (3, 1, None), (5, 4, None), (20, 3, 0), (22, 1, None)]
CASES_2D = [
    (1, 1, None),
    (4, 1, None),
    (4, 1, 2),
    (4, 3, 1),
    (6, 2, [0, 2]),
    (5, 4, None),
    (3, 3, [2, 0]),
    (21, 2, [1, 2]),
]


@pytest.mark.parametrize(("window", "horizon", "targets"), CASES_1D)
def test_1d_matches_reference(window, horizon, targets):
    X_ref, y_ref = reference_windows(SERIES_1D, window, horizon, targets)
    X, y = make_windows(SERIES_1D, window, horizon, targets)
    assert X.dtype == np.float32 and y.dtype == np.float32
    assert X.shape == (23 - window - horizon + 1, window, 1)
    assert np.array_equal(X, X_ref) and np.array_equal(y, y_ref)
    X_ds, y_ds = collect(windows_dataset(SERIES_1D, window, horizon, targets, batch_size=4))
    assert np.array_equal(X_ds, X_ref) and np.array_equal(y_ds, y_ref)


@pytest.mark.parametrize(("window", "horizon", "targets"), CASES_2D)
def test_2d_matches_reference(window, horizon, targets):
    X_ref, y_ref = reference_windows(SERIES_2D, window, horizon, targets)
    X, y = make_windows(SERIES_2D, window, horizon, targets)
    assert np.array_equal(X, X_ref) and np.array_equal(y, y_ref)
    X_ds, y_ds = collect(windows_dataset(SERIES_2D, window, horizon, targets, batch_size=5))
    assert X_ds.dtype == np.float32 and y_ds.dtype == np.float32
    assert np.array_equal(X_ds, X_ref) and np.array_equal(y_ds, y_ref)


@pytest.mark.parametrize(
    ("horizon", "targets", "y_shape"),
    [(1, 1, (18, 1)), (3, "b", (16, 3)), (1, None, (18, 3)), (3, ["a", "c"], (16, 3, 2))],
)
def test_y_has_dense_output_shape(horizon, targets, y_shape):
    frame = pd.DataFrame(SERIES_2D, columns=["a", "b", "c"])
    X, y = make_windows(frame, window=5, horizon=horizon, targets=targets)
    assert X.shape == (y_shape[0], 5, 3)
    assert y.shape == y_shape


def test_zero_to_nine_example():
    X, y = make_windows(list(range(10)), window=3, horizon=2)
    expected_X = np.array(
        [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6], [5, 6, 7]], dtype="float32"
    )[:, :, None]
    expected_y = np.array([[3, 4], [4, 5], [5, 6], [6, 7], [7, 8], [8, 9]], dtype="float32")
    assert np.array_equal(X, expected_X)
    assert np.array_equal(y, expected_y)
    X_ds, y_ds = collect(windows_dataset(np.arange(10), window=3, horizon=2, batch_size=4))
    assert np.array_equal(X_ds, expected_X) and np.array_equal(y_ds, expected_y)


def test_zero_to_nine_one_step():
    X, y = make_windows(np.arange(10), window=4)
    assert X.shape == (6, 4, 1)
    assert np.array_equal(y, np.arange(4, 10, dtype="float32")[:, None])


def test_dataframe_targets_by_name_match_positions():
    frame = pd.DataFrame(
        SERIES_2D,
        columns=["a", "b", "c"],
        index=pd.date_range("2020-01-01", periods=23, freq="D"),
    )
    by_name = make_windows(frame, 4, 2, targets=["c", "a"])
    by_position = make_windows(SERIES_2D, 4, 2, targets=[2, 0])
    assert np.array_equal(by_name[0], by_position[0])
    assert np.array_equal(by_name[1], by_position[1])
    series_windows = make_windows(frame["b"], 4, 2)
    assert np.array_equal(series_windows[1], make_windows(SERIES_2D, 4, 2, targets=1)[1])


def test_negative_target_position_counts_from_end():
    assert np.array_equal(
        make_windows(SERIES_2D, 3, 1, targets=-1)[1], make_windows(SERIES_2D, 3, 1, targets=2)[1]
    )


def test_smallest_series_works_in_dataset():
    X_ds, y_ds = collect(windows_dataset([1.0, 2.0], window=1, horizon=1))
    assert np.array_equal(X_ds, [[[1.0]]]) and np.array_equal(y_ds, [[2.0]])


def test_shuffled_dataset_has_same_windows():
    X_ref, y_ref = make_windows(SERIES_2D, 4, 2, targets=0)
    dataset = windows_dataset(SERIES_2D, 4, 2, targets=0, batch_size=4, shuffle=True, seed=1)
    X_ds, y_ds = collect(dataset)
    order = np.lexsort(X_ds[:, :, 0].T[::-1])
    ref_order = np.lexsort(X_ref[:, :, 0].T[::-1])
    assert np.array_equal(X_ds[order], X_ref[ref_order])
    assert np.array_equal(y_ds[order], y_ref[ref_order])
    again = collect(windows_dataset(SERIES_2D, 4, 2, targets=0, batch_size=4, shuffle=True, seed=1))
    assert np.array_equal(again[0], X_ds)


def test_batch_sizes():
    dataset = windows_dataset(np.arange(20), window=5, horizon=1, batch_size=4)
    sizes = [len(x) for x, _ in dataset]
    assert sizes == [4, 4, 4, 3]  # N = 20 - 5 - 1 + 1 = 15


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"window": 0}, r"window must be >= 1, got 0"),
        ({"window": 2.5}, r"window must be an integer"),
        ({"window": 3, "horizon": 0}, r"horizon must be >= 1, got 0"),
        (
            {"window": 12, "horizon": 3},
            r"window \(12\) \+ horizon \(3\) = 15 steps, but the series has only 10 values; "
            r"use a shorter window/horizon or more data",
        ),
        ({"window": 10}, r"= 11 steps, but the series has only 10 values"),
    ],
)
def test_bad_window_or_horizon(kwargs, message):
    with pytest.raises(CourseInputError, match=message):
        make_windows(np.arange(10), **kwargs)
    with pytest.raises(CourseInputError, match=message):
        windows_dataset(np.arange(10), **kwargs)
    with pytest.raises(CourseInputError, match=message):
        Windows(np.arange(10), **kwargs)


def test_nan_is_reported_with_position():
    values = np.arange(10.0)
    values[6] = np.nan
    with pytest.raises(CourseInputError, match=r"NaN or infinite.*position 6"):
        make_windows(values, 3)
    values_2d = np.zeros((10, 2))
    values_2d[4, 1] = np.inf
    with pytest.raises(CourseInputError, match=r"position \(4, 1\)"):
        windows_dataset(values_2d, 3)


def test_unsorted_dates_are_refused():
    index = pd.date_range("2020-01-01", periods=10, freq="D")[[0, 1, 2, 4, 3, 5, 6, 7, 8, 9]]
    series = pd.Series(np.arange(10.0), index=index)
    with pytest.raises(CourseInputError, match=r"not in increasing order.*sort_index"):
        make_windows(series, 3)


def test_duplicate_dates_are_refused():
    index = pd.DatetimeIndex(["2020-01-01", "2020-01-02", "2020-01-02", "2020-01-03"])
    frame = pd.DataFrame({"a": [1.0, 2, 3, 4]}, index=index)
    with pytest.raises(CourseInputError, match=r"duplicate dates"):
        windows_dataset(frame, 2)


def test_unknown_target_name_lists_columns():
    frame = pd.DataFrame(SERIES_2D, columns=["temp", "wind", "rain"])
    with pytest.raises(CourseInputError, match=r"Unknown target column 'tmp'.*'temp', 'wind'"):
        make_windows(frame, 3, targets="tmp")
    with pytest.raises(CourseInputError, match=r"Unknown target column 'x'"):
        Windows(frame, 3, targets=["temp", "x"])


@pytest.mark.parametrize("targets", [3, [0, 5], -4])
def test_target_position_out_of_range(targets):
    with pytest.raises(CourseInputError, match=r"out of range.*from 0 to 2"):
        make_windows(SERIES_2D, 3, targets=targets)


def test_bad_target_types():
    with pytest.raises(CourseInputError, match=r"empty list"):
        make_windows(SERIES_2D, 3, targets=[])
    with pytest.raises(CourseInputError, match=r"listed twice"):
        make_windows(SERIES_2D, 3, targets=[1, 1])
    with pytest.raises(CourseInputError, match=r"column name \(str\) or position \(int\)"):
        make_windows(SERIES_2D, 3, targets=[1.5])


def test_3d_input_is_refused():
    with pytest.raises(CourseInputError, match=r"got 3-D with shape \(4, 3, 1\)"):
        make_windows(np.zeros((4, 3, 1)), 2)


def test_non_numeric_input_is_refused():
    with pytest.raises(CourseInputError, match=r"must be numeric"):
        make_windows(["a", "b", "c"], 1)


def test_bad_dataset_arguments():
    with pytest.raises(CourseInputError, match=r"batch_size must be >= 1"):
        windows_dataset(np.arange(10), 3, batch_size=0)
    with pytest.raises(CourseInputError, match=r"shuffle must be True or False"):
        windows_dataset(np.arange(10), 3, shuffle="yes")
    with pytest.raises(CourseInputError, match=r"seed must be"):
        Windows(np.arange(10), 3).dataset(seed=-1)


# ---------------------------------------------------------------------------- Windows


@pytest.fixture
def weather():
    return pd.DataFrame(
        SERIES_2D,
        columns=["temp_max", "wind", "rain"],
        index=pd.date_range("2015-01-01", periods=23, freq="D"),
    )


def test_windows_attributes(weather):
    w = Windows(weather, window=12, horizon=3, targets="temp_max")
    X, y = make_windows(weather, 12, 3, "temp_max")
    assert np.array_equal(w.X, X) and np.array_equal(w.y, y)
    assert (w.window, w.horizon, w.n_samples) == (12, 3, 23 - 12 - 3 + 1)
    assert w.feature_names == ["temp_max", "wind", "rain"]
    assert w.target_names == ["temp_max"]
    X_ds, y_ds = collect(w.dataset(batch_size=3))
    assert np.array_equal(X_ds, X) and np.array_equal(y_ds, y)


def test_default_names():
    assert Windows(np.zeros((10, 2)), 3).feature_names == ["x0", "x1"]
    assert Windows(np.zeros((10, 2)), 3, targets=1).target_names == ["x1"]
    assert Windows(np.zeros(10), 3).feature_names == ["x0"]
    assert Windows(pd.Series(np.zeros(10), name="sales"), 3).target_names == ["sales"]


def test_windows_repr(weather):
    text = repr(Windows(weather, window=12, horizon=3, targets=["temp_max", "rain"]))
    assert "window=12" in text and "horizon=3" in text
    assert "temp_max" in text and "wind" in text and "rain" in text
    assert "samples:  9" in text
    assert "(9, 12, 3)" in text and "(9, 3, 2)" in text
    assert "inputs: t-11 .. t | labels: t+1 .. t+3" in text
    assert len(text.splitlines()) > 4


def test_windows_repr_one_step():
    text = repr(Windows(np.arange(10), window=1))
    assert "inputs: t | labels: t+1" in text
    assert "(9, 1, 1)" in text and "(9, 1)" in text


def test_plot_returns_labelled_axes(weather):
    w = Windows(weather, window=6, horizon=2, targets=["wind", "rain"])
    ax = w.plot(n=3)
    try:
        assert ax.get_xlabel() == "time step in window"
        assert ax.get_ylabel() == "wind"
        assert ax.get_legend() is not None
        assert len(ax.get_lines()) >= 6  # inputs and labels for three windows
    finally:
        plt.close(ax.figure)
    fig, ax2 = plt.subplots()
    try:
        assert w.plot(n=50, ax=ax2, target="rain") is ax2
        assert ax2.get_ylabel() == "rain"
    finally:
        plt.close(fig)


def test_plot_rejects_unknown_target(weather):
    w = Windows(weather, window=6, targets="wind")
    with pytest.raises(CourseInputError, match=r"not one of the targets"):
        w.plot(target="temp_max")


# --- series whose rows are not consecutive time steps, and other slips ---------


def test_missing_month_is_refused():
    dates = pd.date_range("2000-01-01", periods=30, freq="MS").delete(10)
    series = pd.Series(np.arange(29.0), index=dates)
    with pytest.raises(
        CourseInputError, match=r"not evenly spaced: 2000-10-01 is followed by 2000-12-01"
    ):
        make_windows(series, window=3)
    # the same dates with the month present, but no freq set, are fine
    regular = pd.Series(
        np.arange(30.0), index=pd.DatetimeIndex(list(pd.date_range("2000", periods=30, freq="MS")))
    )
    assert make_windows(regular, window=3)[0].shape == (27, 3, 1)


def test_shuffled_integer_index_is_refused():
    series = pd.Series(np.arange(20.0)).sample(frac=1.0, random_state=0)
    with pytest.raises(CourseInputError, match=r"index is not in increasing order.*sort_index"):
        make_windows(series, window=3)


def test_unsorted_period_index_is_refused():
    months = pd.period_range("2000-01", periods=20, freq="M")
    series = pd.Series(np.arange(20.0), index=months[::-1])
    with pytest.raises(CourseInputError, match="dates are not in increasing order"):
        windows_dataset(series, window=3)


def test_nat_in_the_index_is_named_as_such():
    dates = pd.DatetimeIndex(["2000-01-01", "NaT", "2000-03-01", "2000-04-01"])
    with pytest.raises(CourseInputError, match=r"missing date\(s\) \(NaT\)"):
        make_windows(pd.Series([1.0, 2.0, 3.0, 4.0], index=dates), window=2)


def test_row_vector_gets_the_ravel_hint():
    with pytest.raises(CourseInputError, match=r"shape \(1, 50\).*values.ravel\(\)"):
        make_windows(np.arange(50.0).reshape(1, -1), window=12)


def test_none_is_named():
    with pytest.raises(CourseInputError, match="values is None"):
        make_windows(None, window=3)


def test_huge_windows_are_refused_before_allocating():
    with pytest.raises(CourseInputError, match=r"would need [\d,.]+ GiB.*windows_dataset"):
        make_windows(np.zeros(200_000), 50_000)
    with pytest.raises(CourseInputError, match="GiB"):
        Windows(np.zeros(200_000), 50_000)
    ds = windows_dataset(np.zeros(200_000), 50_000, batch_size=2)  # lazy: fine
    x, y = next(iter(ds))
    assert tuple(x.shape) == (2, 50_000, 1) and tuple(y.shape) == (2, 1)


def test_plot_accepts_numpy_integer_and_negative_targets():
    frame = pd.DataFrame({"a": np.arange(20.0), "b": -np.arange(20.0)})
    w = Windows(frame, window=4, horizon=2, targets=["a", "b"])
    assert w.plot(target=np.int64(1)).get_ylabel() == "b"
    assert w.plot(target=-2).get_ylabel() == "a"
    plt.close("all")


def test_plot_refuses_a_figure_as_ax():
    fig, _ = plt.subplots()
    with pytest.raises(CourseInputError, match="This is the figure"):
        Windows(np.arange(20.0), window=4).plot(ax=fig)
    plt.close("all")


def test_shuffle_text_is_refused():
    with pytest.raises(CourseInputError, match="shuffle must be True or False"):
        windows_dataset(np.arange(20.0), window=3, shuffle="yes")


# Issue 28 §4: every index a window could silently run across is refused, with the fix.
@pytest.mark.parametrize("values, message", [
    (pd.Series(np.arange(6.0), index=pd.PeriodIndex(
        ["2020-01", "2020-02", "2020-04", "2020-05", "2020-06", "2020-07"], freq="M")),
     r"2020-02 is followed by 2020-04.*period_range"),
    (pd.Series(np.arange(6.0), index=pd.MultiIndex.from_product(
        [["A", "B"], pd.date_range("2020-01-01", periods=3, freq="MS")], names=["store", "date"])),
     r"MultiIndex.*\['store', 'date'\].*xs"),
    (pd.Series(np.arange(4.0), index=["2020-02", "2020-01", "2020-03", "2020-04"]),
     "not in increasing order.*sort_index"),
    (pd.Series(np.arange(4.0), index=["2020-01", "2020-02", "2020-04", "2020-05"]),
     "not evenly spaced"),
    (pd.Series(pd.date_range("2020-01-01", periods=8, freq="D")), "holds dates, not measurements"),
    (pd.Series(pd.to_timedelta(np.arange(8), unit="D")), "holds durations"),
])
def test_make_windows_refuses_indexes_that_join_what_is_not_consecutive(values, message):
    with pytest.raises(CourseInputError, match=message):
        make_windows(values, window=2)


def test_make_windows_accepts_regular_periods_and_text_dates():
    periods = pd.Series(np.arange(6.0), index=pd.period_range("2020-01", periods=6, freq="M"))
    text = pd.Series(np.arange(6.0), index=[f"2020-0{m}" for m in range(1, 7)])
    for values in (periods, text):
        X, y = make_windows(values, window=2)
        assert X.shape == (4, 2, 1) and y[:, 0].tolist() == [2.0, 3.0, 4.0, 5.0]
    names = pd.Series(np.arange(4.0), index=["north", "south", "east", "west"])
    assert make_windows(names, window=2)[0].shape == (2, 2, 1)   # labels, not dates
