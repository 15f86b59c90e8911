"""Exercise 05's checks: windows by hand, a Keras dataset, the window length, the recursive loop."""

from __future__ import annotations

import helpers  # noqa: F401  (sets the Keras backend before keras is imported)
from helpers.checks import CORRECT, NOT_ATTEMPTED, WRONG
from helpers.checks import ex05_windows_and_recursion as ex05

import keras
import numpy as np
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

def test_window_length():
    assert ex05.check_window_length(12).status == CORRECT
    assert ex05.check_window_length(24).status == CORRECT
    assert ex05.check_window_length(...).status == NOT_ATTEMPTED
    short = ex05.check_window_length(6)
    assert short.status == WRONG and "shorter than one seasonal cycle" in short.message
    long = ex05.check_window_length(60, n_train=96)
    assert long.status == WRONG and "more than half" in long.message
    fraction = ex05.check_window_length(12.0)
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
        ex05.check_dataset(junk, SERIES, 12, 16),
        ex05.check_dataset(junk, junk, junk, junk),
        ex05.check_recursive(junk),
    ]
    for verdict in verdicts:
        assert verdict.status in (NOT_ATTEMPTED, WRONG)
