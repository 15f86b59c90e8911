"""Exercise 05's checks: windows by hand, a Keras dataset, the window length, the recursive loop."""

from __future__ import annotations

import helpers  # noqa: F401  (sets the Keras backend before keras is imported)
from helpers.checks import CORRECT, NOT_ATTEMPTED, WRONG
from helpers.checks import ex05_windows_and_recursion as ex05

import keras
import numpy as np
import pandas as pd
import pytest

VALUES = np.array([3.0, 5.0, 4.0, 8.0, 6.0, 9.0, 7.0, 11.0, 10.0, 12.0])
SERIES = (0.4 * np.sin(np.arange(60) / 12 * 2 * np.pi) + 0.005 * np.arange(60) + 0.3).astype("float32")
JUNK = [None, ..., 3, "text", [1, 2], {"a": 1}, np.zeros(3), object(), lambda *a: 1 / 0]


# --- independent reference answers ---

def good_pairs(values, window, horizon):
    X, y = [], []
    for start in range(len(values) - window - horizon + 1):
        X.append(values[start : start + window])
        y.append(values[start + window : start + window + horizon])
    return np.array(X)[..., None], np.array(y)


def good_recursive(model, history, steps, window):
    frame = np.array(history[-window:], dtype="float32")
    out = []
    for _ in range(steps):
        value = float(np.asarray(model(frame.reshape(1, window, 1)))[0, 0])
        out.append(value)
        frame = np.append(frame[1:], value)
    return np.array(out)


def dataset(values, window, batch_size, targets=None, column=True, shuffle=False):
    data = values[:, None] if column else values
    return keras.utils.timeseries_dataset_from_array(
        data=data, targets=values[window:] if targets is None else targets,
        sequence_length=window, batch_size=batch_size, shuffle=shuffle, seed=3)


# --- task 1 ---

def test_windows_correct_and_placeholder():
    X, y = good_pairs(VALUES, 4, 2)
    assert X.shape == (5, 4, 1) and y.shape == (5, 2)
    assert ex05.check_windows(X, y, VALUES, 4, 2).status == CORRECT
    assert ex05.check_windows(..., ..., VALUES, 4, 2).status == NOT_ATTEMPTED
    assert ex05.check_windows(X, ..., VALUES, 4, 2).status == NOT_ATTEMPTED


def test_windows_other_lengths_are_accepted():
    X, y = good_pairs(VALUES, 3, 1)
    assert ex05.check_windows(X, y, VALUES, 3, 1).status == CORRECT


def test_windows_wrong_answers():
    X, y = good_pairs(VALUES, 4, 2)
    overlap = np.array([VALUES[i + 3 : i + 5] for i in range(5)])
    verdict = ex05.check_windows(X, overlap, VALUES, 4, 2)
    assert verdict.status == WRONG and "off by one" in verdict.message
    verdict = ex05.check_windows(X[:, :, 0], y, VALUES, 4, 2)
    assert verdict.status == WRONG and "feature axis" in verdict.message
    verdict = ex05.check_windows(X[:-1], y[:-1], VALUES, 4, 2)
    assert verdict.status == WRONG and "one too few" in verdict.message
    verdict = ex05.check_windows(X, y[..., None], VALUES, 4, 2)
    assert verdict.status == WRONG and "2-D" in verdict.message
    verdict = ex05.check_windows(X + 1, y, VALUES, 4, 2)
    assert verdict.status == WRONG and "differ" in verdict.message


def test_windows_label_skipping_a_step():
    values = np.arange(20.0)
    X, _ = good_pairs(values, 4, 2)
    skipped = X[:, 0, 0:1] + np.array([5.0, 6.0])   # labels one step too late
    verdict = ex05.check_windows(X, skipped, values, 4, 2)
    assert verdict.status == WRONG and "skip a step" in verdict.message


# --- task 2 ---

# The exercise's monthly series (seed 5): 96 training months, 12 test months.
_MONTHS = np.arange(108)
_SALES = (50 + 8 * np.sin(2 * np.pi * _MONTHS / 12) + 0.1 * _MONTHS
          + np.random.default_rng(5).normal(0, 1.0, 108))
TRAIN5, TEST5 = _SALES[:96], _SALES[96:]
CANDIDATES = (3, 6, 9, 12, 18, 24)


def sklearn_scores(fit_values, scored_values, candidates=CANDIDATES):
    """One-step RMSE of a least-squares linear model, written with scikit-learn."""
    from sklearn.linear_model import LinearRegression

    out = {}
    for w in candidates:
        X = np.lib.stride_tricks.sliding_window_view(fit_values, w)[:-1]
        model = LinearRegression().fit(X, fit_values[w:])
        history = np.concatenate([fit_values, scored_values])
        inputs = np.lib.stride_tricks.sliding_window_view(history, w)[len(fit_values) - w : -1]
        out[w] = float(np.sqrt(np.mean((scored_values - model.predict(inputs)) ** 2)))
    return out


VAL_SCORES = sklearn_scores(TRAIN5[:-24], TRAIN5[-24:])
TEST_SCORES = sklearn_scores(TRAIN5, TEST5)
REFIT_SCORES = sklearn_scores(TRAIN5, TRAIN5[-24:])
VAL_CHOICE = min(VAL_SCORES, key=VAL_SCORES.get)


def window_check(window, scores):
    return ex05.check_window_length(window, scores, TRAIN5, TEST5, n_val=24, candidates=CANDIDATES)


def test_window_choice_reference():
    # the exercise's data chooses 12 months on validation and would choose 24 on the test
    assert VAL_CHOICE == 12 and min(TEST_SCORES, key=TEST_SCORES.get) == 24
    for w in CANDIDATES:
        assert ex05.reference_one_step_rmse(w, TRAIN5[:-24], TRAIN5[-24:]) == pytest.approx(VAL_SCORES[w])


def test_window_length():
    assert window_check(VAL_CHOICE, VAL_SCORES).status == CORRECT
    assert window_check(..., VAL_SCORES).status == NOT_ATTEMPTED
    assert window_check(12, ...).status == NOT_ATTEMPTED
    typed = window_check(24, VAL_SCORES)
    assert typed.status == WRONG and "lowest validation score" in typed.message
    leak = window_check(24, TEST_SCORES)
    assert leak.status == WRONG and "test" in leak.message
    fraction = window_check(12.5, VAL_SCORES)
    assert fraction.status == WRONG and "whole number" in fraction.message


# --- task 3 ---

def test_dataset_correct_and_placeholder():
    assert ex05.check_dataset(dataset(SERIES, 12, 16), SERIES, 12, 16).status == CORRECT
    assert ex05.check_dataset(..., SERIES, 12, 16).status == NOT_ATTEMPTED
    assert ex05.check_dataset(dataset(SERIES, 12, 16), SERIES, ..., 16).status == NOT_ATTEMPTED
    column_targets = dataset(SERIES, 12, 16, targets=SERIES[12:, None])
    assert ex05.check_dataset(column_targets, SERIES, 12, 16).status == CORRECT


def test_dataset_wrong_labels():
    first_value = ex05.check_dataset(dataset(SERIES, 12, 16, targets=SERIES), SERIES, 12, 16)
    assert first_value.status == WRONG and "FIRST value" in first_value.message
    overlap = ex05.check_dataset(dataset(SERIES, 12, 16, targets=SERIES[11:]), SERIES, 12, 16)
    assert overlap.status == WRONG and "off by one" in overlap.message
    late = ex05.check_dataset(dataset(SERIES, 12, 16, targets=SERIES[13:]), SERIES, 12, 16)
    assert late.status == WRONG and "skip a step" in late.message


def test_dataset_wrong_shapes_and_order():
    flat = ex05.check_dataset(dataset(SERIES, 12, 16, column=False), SERIES, 12, 16)
    assert flat.status == WRONG and "feature axis" in flat.message
    batch = ex05.check_dataset(dataset(SERIES, 12, 8), SERIES, 12, 16)
    assert batch.status == WRONG and "batch_size=16" in batch.message
    length = ex05.check_dataset(dataset(SERIES, 6, 16), SERIES, 12, 16)
    assert length.status == WRONG and "sequence_length" in length.message
    shuffled = ex05.check_dataset(dataset(SERIES, 12, 16, shuffle=True), SERIES, 12, 16)
    assert shuffled.status == WRONG and "shuffle" in shuffled.message
    no_targets = keras.utils.timeseries_dataset_from_array(SERIES[:, None], None, 12, batch_size=16)
    verdict = ex05.check_dataset(no_targets, SERIES, 12, 16)
    assert verdict.status == WRONG and "targets" in verdict.message
    verdict = ex05.check_dataset(np.zeros((16, 12, 1)), SERIES, 12, 16)
    assert verdict.status == WRONG and "tf.data.Dataset" in verdict.message


# --- task 4 ---

def test_tiny_model_matches_its_numpy_reference():
    model = ex05.tiny_model()
    history = np.array([0.1, 0.7, 0.3, 0.9])
    np.testing.assert_allclose(good_recursive(model, history, 5, 3),
                               ex05.reference_recursive((0.3, -0.4, 0.9), 0.25, history, 5),
                               rtol=1e-5)


def test_recursive_correct_and_placeholder():
    assert ex05.check_recursive(good_recursive).status == CORRECT
    column = ex05.check_recursive(lambda m, h, s, w: good_recursive(m, h, s, w)[:, None])
    assert column.status == CORRECT
    assert ex05.check_recursive(...).status == NOT_ATTEMPTED
    assert ex05.check_recursive(lambda m, h, s, w: ...).status == NOT_ATTEMPTED


def no_slide(model, history, steps, window):
    x = np.asarray(history[-window:], dtype="float32").reshape(1, window, 1)
    first = float(np.asarray(model(x))[0, 0])
    return np.full(steps, first)


def first_window(model, history, steps, window):
    return good_recursive(model, np.asarray(history)[:window], steps, window)


def with_history(model, history, steps, window):
    return np.concatenate([history, good_recursive(model, history, steps, window)])


def one_short(model, history, steps, window):
    return good_recursive(model, history, steps - 1, window)


def wrong_slide(model, history, steps, window):
    frame = np.asarray(history[-window:], dtype="float32")
    out = []
    for _ in range(steps):
        value = float(np.asarray(model(frame.reshape(1, window, 1)))[0, 0])
        out.append(value)
        frame = np.concatenate([[value], frame[:-1]])   # the prediction goes in at the wrong end
    return np.array(out)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [(no_slide, "repeats the first prediction"), (first_window, "FIRST window"),
     (with_history, "history plus the forecast"), (one_short, "exactly one prediction per step"),
     (wrong_slide, "how the window slides")],
)
def test_recursive_wrong_answers(answer, hint):
    verdict = ex05.check_recursive(answer)
    assert verdict.status == WRONG and hint in verdict.message


def test_recursive_not_a_function():
    verdict = ex05.check_recursive(np.zeros(3))
    assert verdict.status == WRONG and "function" in verdict.message


# --- junk ---

@pytest.mark.parametrize("junk", JUNK, ids=lambda j: type(j).__name__)
def test_no_check_raises_on_junk(junk):
    verdicts = [
        ex05.check_windows(junk, junk, VALUES, 4, 2),
        ex05.check_windows(junk, junk, junk, junk, junk),
        ex05.check_window_length(junk),
        window_check(junk, junk),
        window_check(12, junk),
        ex05.check_dataset(junk, SERIES, 12, 16),
        ex05.check_dataset(junk, junk, junk, junk),
        ex05.check_recursive(junk),
    ]
    for verdict in verdicts:
        assert verdict.status in (NOT_ATTEMPTED, WRONG)


# --- attempt tables: valid answers, realistic mistakes, junk ---

from helpers.checks.attempts import JUNK as J  # noqa: E402
from helpers.checks.attempts import MISTAKE as M  # noqa: E402
from helpers.checks.attempts import VALID as V  # noqa: E402
from helpers.checks.attempts import Attempt, ids, judge, too_thin  # noqa: E402

TEST_PART = (0.4 * np.sin(np.arange(60, 72) / 12 * 2 * np.pi) + 0.3).astype("float32")


def _pairs_stride_tricks():
    view = np.lib.stride_tricks.sliding_window_view(VALUES, 6)
    return ex05.check_windows(view[:, :4, None], view[:, 4:], VALUES, 4, 2)


def _pairs_lists():
    X = [[[v] for v in VALUES[i:i + 4]] for i in range(5)]
    y = [list(VALUES[i + 4:i + 6]) for i in range(5)]
    return ex05.check_windows(X, y, VALUES, 4, 2)


def _recursive_deque(model, history, steps, window):
    from collections import deque

    frame = deque(np.asarray(history, dtype="float32")[-window:], maxlen=window)
    preds = []
    for _ in range(steps):
        preds.append(float(model.predict(np.array(frame).reshape(1, window, 1), verbose=0)[0, 0]))
        frame.append(preds[-1])
    return preds


def _recursive_concat(model, history, steps, window):
    series = np.asarray(history, dtype="float32")
    for _ in range(steps):
        nxt = np.asarray(model(series[-window:][None, :, None]))[0, 0]
        series = np.concatenate([series, [nxt]])
    return series[-steps:]


def _recursive_no_return(model, history, steps, window):
    good_recursive(model, history, steps, window)


def _recursive_teacher_forced(model, history, steps, window):
    # uses the true history for every step instead of its own predictions
    h = np.asarray(history, dtype="float32")
    return np.array([float(np.asarray(model(h[i:i + window][None, :, None]))[0, 0])
                     for i in range(len(h) - window - steps + 1, len(h) - window + 1)][:steps])


TABLE05 = [
    Attempt(1, V, "list comprehension", lambda: ex05.check_windows(*good_pairs(VALUES, 4, 2), VALUES, 4, 2)),
    Attempt(1, V, "sliding_window_view", _pairs_stride_tricks),
    Attempt(1, V, "nested lists", _pairs_lists),
    Attempt(1, M, "no feature axis", lambda: ex05.check_windows(
        good_pairs(VALUES, 4, 2)[0][..., 0], good_pairs(VALUES, 4, 2)[1], VALUES, 4, 2)),
    Attempt(1, M, "labels overlap the window", lambda: ex05.check_windows(
        good_pairs(VALUES, 4, 2)[0], np.stack([VALUES[i + 3:i + 5] for i in range(5)]), VALUES, 4, 2)),
    Attempt(1, M, "one pair short", lambda: ex05.check_windows(
        good_pairs(VALUES, 4, 2)[0][:4], good_pairs(VALUES, 4, 2)[1][:4], VALUES, 4, 2)),
    Attempt(1, M, "horizon 1 labels", lambda: ex05.check_windows(
        good_pairs(VALUES, 4, 2)[0], good_pairs(VALUES, 4, 2)[1][:, :1], VALUES, 4, 2)),
    Attempt(1, J, "placeholders", lambda: ex05.check_windows(..., ..., VALUES, 4, 2), status=NOT_ATTEMPTED),
    Attempt(1, J, "strings", lambda: ex05.check_windows("X", "y", VALUES, 4, 2)),
    Attempt(1, J, "numbers", lambda: ex05.check_windows(4, 2, VALUES, 4, 2)),
    # task 2
    Attempt(2, V, "dict", lambda: window_check(VAL_CHOICE, VAL_SCORES)),
    Attempt(2, V, "pandas Series", lambda: window_check(np.int64(VAL_CHOICE), pd.Series(VAL_SCORES))),
    Attempt(2, V, "scaled units", lambda: window_check(VAL_CHOICE, {w: v / 17.3 for w, v in VAL_SCORES.items()})),
    Attempt(2, V, "MSE instead of RMSE", lambda: window_check(VAL_CHOICE, {w: v**2 for w, v in VAL_SCORES.items()})),
    Attempt(2, M, "scored on the test period", lambda: window_check(24, TEST_SCORES), "test"),
    Attempt(2, M, "test scores, validation choice typed", lambda: window_check(12, TEST_SCORES), "test"),
    Attempt(2, M, "fitted on the validation months", lambda: window_check(
        min(REFIT_SCORES, key=REFIT_SCORES.get), REFIT_SCORES), "fitted on the validation months"),
    Attempt(2, M, "training error", lambda: window_check(24, {
        w: float(np.sqrt(np.mean((TRAIN5[:-24][w:] - np.lib.stride_tricks.sliding_window_view(
            TRAIN5[:-24], w)[:-1] @ np.linalg.lstsq(np.lib.stride_tricks.sliding_window_view(
                TRAIN5[:-24], w)[:-1], TRAIN5[:-24][w:], rcond=None)[0]) ** 2)))
        for w in CANDIDATES}), "validation"),
    Attempt(2, M, "typed a number", lambda: window_check(24, VAL_SCORES), "in code"),
    Attempt(2, M, "a candidate missing", lambda: window_check(
        12, {w: v for w, v in VAL_SCORES.items() if w != 3}), "every candidate"),
    Attempt(2, J, "placeholder", lambda: window_check(..., ...), status=NOT_ATTEMPTED),
    Attempt(2, J, "a string", lambda: window_check("12", VAL_SCORES)),
    Attempt(2, J, "a bool", lambda: window_check(True, VAL_SCORES)),
    Attempt(2, J, "scores as a list", lambda: window_check(12, list(VAL_SCORES.values()))),
    Attempt(2, J, "negative scores", lambda: window_check(12, {w: -v for w, v in VAL_SCORES.items()})),
    # task 3
    Attempt(3, V, "column and targets", lambda: ex05.check_dataset(dataset(SERIES, 12, 16), SERIES, 12, 16)),
    Attempt(3, V, "reshape(-1, 1) and 2-D targets", lambda: ex05.check_dataset(
        keras.utils.timeseries_dataset_from_array(SERIES.reshape(-1, 1), SERIES[12:].reshape(-1, 1),
                                                  sequence_length=12, batch_size=16), SERIES, 12, 16)),
    Attempt(3, V, "data cut to the last label", lambda: ex05.check_dataset(
        keras.utils.timeseries_dataset_from_array(SERIES[:-1, None], SERIES[12:], 12, batch_size=16),
        SERIES, 12, 16)),
    Attempt(3, M, "train and test together", lambda: ex05.check_dataset(
        dataset(np.concatenate([SERIES, TEST_PART]), 12, 16), SERIES, 12, 16), "test"),
    Attempt(3, M, "test data only in later batches", lambda: ex05.check_dataset(
        dataset(np.concatenate([SERIES, TEST_PART])[:70], 12, 16), SERIES, 12, 16), "test"),
    Attempt(3, M, "sequence_stride=2", lambda: ex05.check_dataset(
        keras.utils.timeseries_dataset_from_array(SERIES[:, None], SERIES[12:], 12, sequence_stride=2,
                                                  batch_size=16), SERIES, 12, 16), "stride"),
    Attempt(3, M, "shuffled", lambda: ex05.check_dataset(dataset(SERIES, 12, 16, shuffle=True),
                                                         SERIES, 12, 16), "shuffled"),
    Attempt(3, M, "labels are the window's first value", lambda: ex05.check_dataset(
        dataset(SERIES, 12, 16, targets=SERIES), SERIES, 12, 16), "FIRST"),
    Attempt(3, M, "batch size 32", lambda: ex05.check_dataset(dataset(SERIES, 12, 32), SERIES, 12, 16),
            "batch_size"),
    Attempt(3, J, "placeholder", lambda: ex05.check_dataset(..., SERIES, 12, 16), status=NOT_ATTEMPTED),
    Attempt(3, J, "a numpy array", lambda: ex05.check_dataset(SERIES, SERIES, 12, 16)),
    Attempt(3, J, "a list of batches", lambda: ex05.check_dataset(list(dataset(SERIES, 12, 16)), SERIES, 12, 16)),
    # task 4
    Attempt(4, V, "independent loop", lambda: ex05.check_recursive(good_recursive)),
    Attempt(4, V, "deque and predict, returns a list", lambda: ex05.check_recursive(_recursive_deque)),
    Attempt(4, V, "growing array", lambda: ex05.check_recursive(_recursive_concat)),
    Attempt(4, M, "forgot return", lambda: ex05.check_recursive(_recursive_no_return), "return"),
    Attempt(4, M, "window never slides", lambda: ex05.check_recursive(no_slide), "never moves"),
    Attempt(4, M, "starts from the first window", lambda: ex05.check_recursive(first_window), "FIRST"),
    Attempt(4, M, "history returned too", lambda: ex05.check_recursive(with_history), "history"),
    Attempt(4, M, "true values instead of predictions", lambda: ex05.check_recursive(_recursive_teacher_forced)),
    Attempt(4, J, "placeholder", lambda: ex05.check_recursive(lambda *a: ...), status=NOT_ATTEMPTED),
    Attempt(4, J, "a number", lambda: ex05.check_recursive(4)),
    Attempt(4, J, "crashes", lambda: ex05.check_recursive(lambda m, h, s, w: m.nothing)),
]


@pytest.mark.parametrize("attempt", TABLE05, ids=ids(TABLE05))
def test_attempt_table(attempt):
    assert judge(attempt) is None, judge(attempt)


def test_table_covers_every_task():
    assert too_thin(TABLE05) == {}
