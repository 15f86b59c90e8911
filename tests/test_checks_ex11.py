"""Exercise 11's checks: per-series scaling, global windows, back-transform, aggregated MASE.

Most of the file is the attempt table: answers written as students would write them
(valid alternatives, realistic mistakes with leaks first, junk), each with the verdict
a teacher would give. Nothing here trains a network: the scaled forecast of task 3 is a
fixed array, since the checks judge the arithmetic, not the model.
"""

from __future__ import annotations

from helpers import checks
from helpers.checks import NOT_ATTEMPTED
from helpers.checks import ex11_global_models as ex11
from helpers.checks.attempts import JUNK as J
from helpers.checks.attempts import MISTAKE as M
from helpers.checks.attempts import VALID as V
from helpers.checks.attempts import Attempt, counts, ids, judge, too_thin
from helpers.windows import make_windows

import numpy as np
import pandas as pd
import pytest

SERIES, W, H = ex11.SERIES, ex11.WINDOW, ex11.HORIZON
panel = ex11.panel()
train = panel.loc[: ex11.TRAIN_END]
scales = train.mean()
scaled = train / scales


# --- task 1 ---

def t1(s, st=None):
    return lambda: ex11.check_scaling(s, scaled if st is None else st)


# --- task 2 ---

def windows_per_series():
    parts = [make_windows(scaled[name].to_numpy(), W, horizon=H) for name in SERIES]
    X = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    return X, y, np.repeat(np.arange(len(SERIES)), len(parts[0][1]))


def windows_loop_names():
    X, y, names = [], [], []
    values = scaled.to_numpy()
    for j, name in enumerate(SERIES):
        for start in range(len(values) - W - H + 1):
            X.append(values[start : start + W, j])
            y.append(values[start + W : start + W + H, j])
            names.append(name)
    return np.array(X), np.array(y), names


def windows_time_major():
    X, y, s = windows_per_series()
    order = np.lexsort((s, np.tile(np.arange(len(X) // len(SERIES)), len(SERIES))))
    return X[order], y[order], pd.Series(s[order])


def windows_crossing():
    X, y = make_windows(scaled.to_numpy().T.ravel(), W, horizon=H)
    return X, y, np.arange(len(y)) // (len(y) // len(SERIES) + 1)


def windows_whole_panel():
    whole = panel / scales
    parts = [make_windows(whole[name].to_numpy(), W, horizon=H) for name in SERIES]
    X = np.concatenate([p[0] for p in parts])
    return X, np.concatenate([p[1] for p in parts]), np.repeat(np.arange(len(SERIES)), len(parts[0][1]))


def windows_unscaled():
    parts = [make_windows(train[name].to_numpy(), W, horizon=H) for name in SERIES]
    X = np.concatenate([p[0] for p in parts])
    return X, np.concatenate([p[1] for p in parts]), np.repeat(np.arange(len(SERIES)), len(parts[0][1]))


def windows_one_step():
    parts = [make_windows(scaled[name].to_numpy(), W, horizon=1) for name in SERIES]
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            np.repeat(np.arange(len(SERIES)), len(parts[0][1])))


def t2(make, change=None):
    def run():
        X, y, s = make()
        if change:
            X, y, s = change(X, y, s)
        return ex11.check_windows(X, y, s)
    return run


# --- task 3 ---

SCALED_FORECAST = 1 + 0.01 * np.arange(len(SERIES) * H, dtype="float32").reshape(len(SERIES), H)
MONTHS = pd.date_range("2016-10-01", periods=H, freq="MS")
RIGHT = pd.DataFrame(SCALED_FORECAST.T * scales.to_numpy(), index=MONTHS, columns=SERIES)


def t3(forecast):
    return lambda: ex11.check_back_transform(forecast, SCALED_FORECAST)


# --- task 4 ---

truth = panel.loc[MONTHS]
snaive_mae = (train - train.shift(12)).abs().mean()
RIGHT_MASE = (truth - RIGHT).abs().mean() / snaive_mae


def t4(per_series, mean=None, forecast=RIGHT):
    return lambda: ex11.check_mase(per_series, per_series.mean() if mean is None else mean, forecast)


def mase_loop():
    values = []
    for name in SERIES:
        history = train[name].to_numpy()
        scale = np.mean(np.abs(history[12:] - history[:-12]))
        values.append(np.mean(np.abs(truth[name].to_numpy() - RIGHT[name].to_numpy())) / scale)
    return values


def mase_helpers():
    from helpers.metrics import mase

    return {name: mase(truth[name], RIGHT[name], train[name], season=12) for name in SERIES}


TEST_SCALE = (truth - RIGHT).abs().mean() / (truth - train.iloc[-12:].set_axis(MONTHS)).abs().mean()
SEASON1 = (truth - RIGHT).abs().mean() / train.diff().abs().mean()
POOLED = float((truth - RIGHT).abs().to_numpy().mean() / train.diff(12).abs().to_numpy()[12:].mean())

TABLE11 = [
    # task 1: scales and scaled training months
    Attempt(1, V, "pandas .mean() and division", t1(scales)),
    Attempt(1, V, "dict of means", t1(scales.to_dict())),
    Attempt(1, V, "numpy array, column order", t1(train.to_numpy().mean(axis=0),
                                                   train.to_numpy() / train.to_numpy().mean(axis=0))),
    Attempt(1, V, "one-row DataFrame, transposed array",
            t1(train.mean().to_frame().T, (train / train.mean()).to_numpy().T)),
    Attempt(1, M, "leak: mean of the whole series", t1(panel.mean(), train / panel.mean()), "leak"),
    Attempt(1, M, "one global scaler", t1(pd.Series(train.to_numpy().mean(), index=SERIES),
                                          train / train.to_numpy().mean()), "global scaler"),
    Attempt(1, M, "a single number", t1(float(train.to_numpy().mean())), "single number"),
    Attempt(1, M, "standard deviation", t1(train.std()), "standard deviations"),
    Attempt(1, M, ".iloc end excluded", t1(train.iloc[:-1].mean()), "up to and including"),
    Attempt(1, M, "scaled_train not divided", t1(scales, train), "still in thousands"),
    Attempt(1, M, "scaled_train covers every month", t1(scales, panel / scales), "all months"),
    Attempt(1, J, "placeholder", t1(...), status=NOT_ATTEMPTED),
    Attempt(1, J, "a string", t1("mean")),
    Attempt(1, J, "wrong length", t1([1.0, 2.0, 3.0])),
    Attempt(1, J, "scaled_train is None", t1(scales, ...), status=NOT_ATTEMPTED),
    # task 2: windows
    Attempt(2, V, "make_windows per series, numeric ids", t2(windows_per_series)),
    Attempt(2, V, "loop, 2-D X, names as ids", t2(windows_loop_names)),
    Attempt(2, V, "time-major order, ids as a Series", t2(windows_time_major)),
    Attempt(2, V, "float64 X with a feature axis, y (n, 12, 1)",
            t2(windows_per_series, lambda X, y, s: (X.astype("float64"), y[:, :, None], s))),
    Attempt(2, M, "leak: labels past the training months", t2(windows_whole_panel), "stop at"),
    Attempt(2, M, "windows cross from one series into the next", t2(windows_crossing),
            "into the start of the next"),
    Attempt(2, M, "ids shuffled", t2(windows_per_series, lambda X, y, s: (X, y, s[::-1])),
            "must be its own series"),
    Attempt(2, M, "ids all zero", t2(windows_per_series, lambda X, y, s: (X, y, np.zeros_like(s))),
            "must be its own series"),
    Attempt(2, M, "unscaled values", t2(windows_unscaled), "no window matches"),
    Attempt(2, M, "one-step labels", t2(windows_one_step), "next 12 months"),
    Attempt(2, M, "every second window", t2(windows_per_series, lambda X, y, s: (X[::2], y[::2], s[::2])),
            "missing"),
    Attempt(2, M, "each series twice", t2(windows_per_series, lambda X, y, s: (
        np.concatenate([X, X]), np.concatenate([y, y]), np.concatenate([s, s]))), "twice"),
    Attempt(2, J, "placeholder", lambda: ex11.check_windows(..., ..., ...), status=NOT_ATTEMPTED),
    Attempt(2, J, "a list of strings", lambda: ex11.check_windows(["a"], ["b"], ["c"])),
    Attempt(2, J, "wrong shapes", lambda: ex11.check_windows(np.zeros((3, 5)), np.zeros((3, 12)), [0, 1, 2])),
    Attempt(2, J, "ids of the wrong length", t2(windows_per_series, lambda X, y, s: (X, y, s[:5]))),
    # task 3: back-transform
    Attempt(3, V, "DataFrame, dates x series", t3(RIGHT)),
    Attempt(3, V, "array (series, months)", t3(SCALED_FORECAST * scales.to_numpy()[:, None])),
    Attempt(3, V, "array (months, series)", t3(SCALED_FORECAST.T * scales.to_numpy())),
    Attempt(3, V, "DataFrame built with .mul", t3(pd.DataFrame(SCALED_FORECAST.T, index=MONTHS,
                                                               columns=SERIES).mul(scales, axis=1))),
    Attempt(3, M, "still scaled", t3(SCALED_FORECAST), "still scaled"),
    Attempt(3, M, "divided instead of multiplied", t3(SCALED_FORECAST / scales.to_numpy()[:, None]),
            "multiply"),
    Attempt(3, M, "one scale for all", t3(SCALED_FORECAST * scales.mean()), "same number"),
    Attempt(3, M, "scales in alphabetical order",
            t3(SCALED_FORECAST * scales.sort_index().to_numpy()[:, None]), "scale of"),
    Attempt(3, M, "wrong dates", t3(RIGHT.set_axis(MONTHS - pd.DateOffset(years=1))), "index"),
    Attempt(3, J, "placeholder", t3(...), status=NOT_ATTEMPTED),
    Attempt(3, J, "a number", t3(3.0)),
    Attempt(3, J, "a string", t3("forecast")),
    # task 4: MASE
    Attempt(4, V, "pandas, Series", t4(RIGHT_MASE)),
    Attempt(4, V, "loop, list", t4(mase_loop(), float(np.mean(mase_loop())))),
    Attempt(4, V, "helpers.metrics.mase, dict", t4(mase_helpers(), float(np.mean(list(mase_helpers().values()))))),
    Attempt(4, V, "forecast given as array (series, months)",
            t4(RIGHT_MASE, forecast=RIGHT.to_numpy().T)),
    Attempt(4, M, "leak: scale from the test year", t4(TEST_SCALE), "leak"),
    Attempt(4, M, "pooled before scaling", t4(RIGHT_MASE, POOLED), "pools"),
    Attempt(4, M, "season 1 scale", t4(SEASON1), "season 1"),
    Attempt(4, M, "unscaled MAE", t4((truth - RIGHT).abs().mean()), "not scaled"),
    Attempt(4, M, "median instead of mean", t4(RIGHT_MASE, RIGHT_MASE.median()), "median"),
    Attempt(4, J, "placeholder", t4(..., 1.0), status=NOT_ATTEMPTED),
    Attempt(4, J, "a string", t4("mase", 1.0)),
    Attempt(4, J, "wrong length", t4([1.0, 2.0], 1.5)),
]


@pytest.mark.parametrize("attempt", TABLE11, ids=ids(TABLE11))
def test_attempt_table(attempt):
    assert judge(attempt) is None, judge(attempt)


def test_table_covers_every_task():
    assert too_thin(TABLE11) == {}, counts(TABLE11)
    assert sorted({a.task for a in TABLE11}) == list(range(1, checks.task_count(ex11.EXERCISE) + 1))


def test_reference_mase_matches_the_course_helper():
    from helpers.metrics import mase

    for name in SERIES:
        assert RIGHT_MASE[name] == pytest.approx(mase(truth[name], RIGHT[name], train[name], season=12))
