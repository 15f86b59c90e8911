"""Checks for exercise 05: windows by hand, a Keras time-series dataset, the recursive loop.

Conventions (the same as :mod:`helpers.windows`): window ``i`` of a series is
``values[i : i + window]`` and its label is the next ``horizon`` values,
``values[i + window : i + window + horizon]``, so a series of ``T`` values gives
``T - window - horizon + 1`` pairs.
"""

from __future__ import annotations

from typing import Any

from helpers.checks import (
    Wrong,
    as_array,
    as_int,
    as_number,
    call_student,
    check,
    expect_close,
    expect_shape,
    require,
    require_function,
    task_count,
)

import numpy as np

EXERCISE = "05_windows_and_recursion"
SEASON = 12  # months in a year: the exercise's data is monthly


# ---------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------


def reference_pairs(values: Any, window: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """``X`` of shape (N, window, 1) and ``y`` of shape (N, horizon), by plain slicing."""
    values = np.asarray(values, dtype="float64").ravel()
    n = len(values) - window - horizon + 1
    X = np.stack([values[i : i + window] for i in range(n)])[:, :, np.newaxis]
    y = np.stack([values[i + window : i + window + horizon] for i in range(n)])
    return X, y


def _shifted_labels_match(y: np.ndarray, values: np.ndarray, window: int, horizon: int,
                          shift: int) -> bool:
    """True when ``y`` holds labels that start ``shift`` steps late (negative: early).

    Only the rows whose shifted labels fit inside the series are compared.
    """
    start = window + shift
    rows = [i for i in range(len(y)) if 0 <= i + start and i + start + horizon <= len(values)]
    if not rows:
        return False
    shifted = np.stack([values[i + start : i + start + horizon] for i in rows])
    return bool(np.allclose(y[rows], shifted))


def tiny_model(window: int = 3, weights: tuple[float, ...] = (0.3, -0.4, 0.9), bias: float = 0.25):
    """A hand-weighted Keras model: the next value is a weighted sum of the window plus a bias.

    ``weights[j]`` multiplies the window's ``j``-th value (oldest first). Used to
    test recursive forecasting loops without training anything.
    """
    import keras

    if len(weights) != window:
        raise ValueError("one weight per step of the window")
    model = keras.Sequential([
        keras.Input(shape=(window, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(1),
    ])
    model.layers[-1].set_weights([np.asarray(weights, dtype="float32").reshape(window, 1),
                                  np.asarray([bias], dtype="float32")])
    return model


def reference_recursive(weights: Any, bias: float, history: Any, steps: int) -> np.ndarray:
    """What :func:`tiny_model` forecasts recursively from ``history``, computed in NumPy."""
    weights = np.asarray(weights, dtype="float64")
    buffer = list(np.asarray(history, dtype="float64").ravel()[-len(weights):])
    out = []
    for _ in range(steps):
        value = float(np.dot(weights, buffer[-len(weights):]) + bias)
        out.append(value)
        buffer.append(value)
    return np.asarray(out)


def _as_int(value: Any, name: str) -> int:
    """A whole number given as an int or NumPy integer (a float window is a slip worth naming)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise Wrong(f"`{name}` should be a whole number, got {value!r}.")
    return int(value)


# ---------------------------------------------------------------------------
# Task 1: windows by hand
# ---------------------------------------------------------------------------


@check(EXERCISE, 1)
def check_windows(X: Any, y: Any, values: Any, window: int, horizon: int) -> str:
    """Task 1: ``X`` (samples, window, 1) and ``y`` (samples, horizon) cut from ``values``."""
    require(X, "X")
    require(y, "y")
    values = as_array(values, "values").ravel()
    window, horizon = _as_int(window, "window"), _as_int(horizon, "horizon")
    X_ref, y_ref = reference_pairs(values, window, horizon)
    n = len(X_ref)
    X, y = as_array(X, "X"), as_array(y, "y")
    if X.shape == (n, window):
        raise Wrong(f"`X` has shape {X.shape}: the feature axis is missing. Recurrent layers read "
                    f"(samples, window, features), so add it with X[..., np.newaxis] to get "
                    f"{(n, window, 1)}.")
    if X.ndim == 3 and X.shape[1:] == (window, 1) and X.shape[0] != n:
        if X.shape[0] == n - 1:
            raise Wrong(f"`X` has {X.shape[0]} windows, one too few: the last window ends "
                        f"{horizon} step(s) before the end of the series. A series of {len(values)} "
                        f"values gives len(values) - window - horizon + 1 = {n} pairs.")
        raise Wrong(f"`X` has {X.shape[0]} windows, but a series of {len(values)} values gives "
                    f"len(values) - window - horizon + 1 = {n} pairs.")
    expect_shape(X, (n, window, 1), "X", "samples, window, features")
    if y.shape == (n, horizon, 1):
        raise Wrong(f"`y` has shape {y.shape}; make it 2-D (samples, horizon) = {(n, horizon)}, "
                    "the shape a Dense(horizon) output layer produces.")
    if y.shape == (n, window):
        raise Wrong(f"`y` has shape {y.shape}: each label should hold the next {horizon} value(s), "
                    "not a whole window. Are X and y swapped?")
    expect_shape(y, (n, horizon), "y", "samples, horizon")
    expect_close(X, X_ref, "X")
    if _shifted_labels_match(y, values, window, horizon, -1):
        raise Wrong("the labels are off by one: each label starts at the window's last value, so "
                    "the model would be asked for a value it already sees. The label starts right "
                    "after the window: values[i + window : i + window + horizon].")
    if _shifted_labels_match(y, values, window, horizon, 1):
        raise Wrong("the labels skip a step: they start one value after the one that follows the "
                    "window. Use values[i + window : i + window + horizon].")
    expect_close(y, y_ref, "y")
    return (f"{n} pairs: window {window} in, the next {horizon} value(s) out, "
            "with the feature axis RNNs need.")


# ---------------------------------------------------------------------------
# Task 2: a window for monthly data
# ---------------------------------------------------------------------------


def reference_one_step_rmse(window: int, fit_values: Any, scored_values: Any) -> float:
    """A linear model (weights on the window plus a constant) fitted by least squares on the
    windows of ``fit_values``; its one-step RMSE on ``scored_values``, each value predicted
    from the ``window`` values before it (the first ones reach back into ``fit_values``)."""
    fit_values = np.asarray(fit_values, dtype="float64").ravel()
    scored = np.asarray(scored_values, dtype="float64").ravel()
    X = np.stack([fit_values[i : i + window] for i in range(len(fit_values) - window)])
    weights, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(len(X))]), fit_values[window:],
                                  rcond=None)
    history = np.concatenate([fit_values, scored])
    inputs = np.stack([history[t - window : t] for t in range(len(fit_values), len(history))])
    prediction = np.column_stack([inputs, np.ones(len(inputs))]) @ weights
    return float(np.sqrt(np.mean((scored - prediction) ** 2)))


def _scores(window_scores: Any, candidates: list[int]) -> dict[int, float]:
    """The student's scores as {window: RMSE}, or Wrong saying what is off."""
    if hasattr(window_scores, "to_dict"):
        window_scores = window_scores.to_dict()
    if not isinstance(window_scores, dict):
        raise Wrong("`window_scores` should be a dict (or a pandas Series) from each candidate "
                    f"window length to its validation RMSE, not a {type(window_scores).__name__}.")
    try:
        keys = sorted(int(k) for k in window_scores)
    except (TypeError, ValueError):
        raise Wrong("the keys of `window_scores` should be the window lengths (whole numbers), "
                    f"e.g. {candidates[0]}.") from None
    if keys != sorted(candidates):
        raise Wrong(f"`window_scores` should score every candidate in CANDIDATES = {candidates} "
                    f"once; it has {keys}.")
    return {int(k): as_number(v, f"window_scores[{k}]") for k, v in window_scores.items()}


def _same_shape(scores: dict[int, float], reference: dict[int, float]) -> bool:
    """True when ``scores`` equal ``reference`` up to one common factor (e.g. scaled units),
    as RMSEs or as MSEs."""
    for power in (1.0, 0.5):
        ratios = np.array([scores[w] ** power / reference[w] for w in reference if reference[w] > 0])
        if ratios.size and np.all(ratios > 0) and np.ptp(ratios) < 1e-4 * ratios.mean():
            return True
    return False


@check(EXERCISE, 2)
def check_window_length(window: Any, window_scores: Any = None, train: Any = None,
                        test: Any = None, n_val: int = 24,
                        candidates: tuple[int, ...] = (3, 6, 9, 12, 18, 24)) -> str:
    """Task 2: scores on the validation period for every candidate, and the window with the lowest.

    The scores are recomputed from ``train`` (and ``test``, to recognise a test-period leak).
    Scores in scaled units, and MSEs, are accepted: they rank the windows the same way.
    """
    window_scores = require(window_scores, "window_scores")
    window = require(window, "WINDOW")
    candidates = [int(c) for c in candidates]
    scores = _scores(window_scores, candidates)
    if any(value < 0 for value in scores.values()):
        raise Wrong("an RMSE cannot be negative; `window_scores` should hold validation RMSEs.")
    values = np.asarray(train, dtype="float64").ravel()
    fit_values, val_values = values[:-n_val], values[-n_val:]
    reference = {w: reference_one_step_rmse(w, fit_values, val_values) for w in candidates}
    if test is not None:
        on_test = {w: reference_one_step_rmse(w, values, np.asarray(test, dtype="float64"))
                   for w in candidates}
        if _same_shape(scores, on_test) and not _same_shape(scores, reference):
            raise Wrong("these are the scores on the **test** period. The test period decides "
                        "nothing: fit on the months before the validation period and score on "
                        f"the validation period, the last {n_val} training months.")
    refit = {w: reference_one_step_rmse(w, values, val_values) for w in candidates}
    in_sample = {w: _in_sample_rmse(w, fit_values) for w in candidates}
    if _same_shape(scores, refit) and not _same_shape(scores, reference):
        raise Wrong("the linear model was fitted on the validation months too (on all of "
                    "`train`), so it is scored on months it learned from. Fit it on "
                    f"`train` without its last {n_val} months.")
    if _same_shape(scores, in_sample):
        raise Wrong("these are the errors on the months the model was fitted on (training "
                    "error): they shrink with every extra weight. Score on the validation "
                    "period instead.")
    if not _same_shape(scores, reference):
        raise Wrong("`window_scores` do not match the one-step RMSE on the validation period "
                    f"(the last {n_val} training months) of a linear model fitted on the "
                    "months before it; use one_step_rmse(window, fit_values, val_values).")
    chosen = as_int(window, "WINDOW")
    best = min(scores, key=scores.get)
    if chosen != best:
        raise Wrong(f"`WINDOW` = {chosen}, but the lowest validation score is for {best} "
                    "months. Choose it in code, e.g. WINDOW = min(window_scores, "
                    "key=window_scores.get), not by typing a number.")
    return (f"{chosen} months has the lowest validation RMSE ({scores[chosen]:.3g} in your "
            "units), and the test period played no part in the choice.")


def _in_sample_rmse(window: int, fit_values: np.ndarray) -> float:
    """Training error of the linear model on the windows it was fitted on."""
    X = np.stack([fit_values[i : i + window] for i in range(len(fit_values) - window)])
    design = np.column_stack([X, np.ones(len(X))])
    weights, *_ = np.linalg.lstsq(design, fit_values[window:], rcond=None)
    return float(np.sqrt(np.mean((fit_values[window:] - design @ weights) ** 2)))


# ---------------------------------------------------------------------------
# Task 3: the tf.data dataset
# ---------------------------------------------------------------------------


def _all_batches(ds: Any) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Every batch of ``ds``: all windows, all labels, and the size of each batch."""
    import tensorflow as tf

    if not isinstance(ds, tf.data.Dataset):
        raise Wrong(f"`ds` should be the tf.data.Dataset that keras.utils."
                    f"timeseries_dataset_from_array returns, not a {type(ds).__name__}.")
    xs, ys, sizes = [], [], []
    for batch in ds:
        if not isinstance(batch, tuple | list) or len(batch) != 2:
            raise Wrong("each batch of `ds` should be a pair (windows, labels): pass the labels "
                        "with targets=... .")
        x, labels = as_array(batch[0], "the batch's windows"), as_array(batch[1], "the labels")
        xs.append(x)
        ys.append(labels.reshape(labels.shape[0], -1) if labels.ndim > 1 else labels[:, None])
        sizes.append(x.shape[0] if x.ndim else 0)
    if not xs:
        raise Wrong("`ds` is empty: the series is shorter than one window. Pass the whole "
                    "training series as data.")
    shapes = {x.shape[1:] for x in xs}
    if len(shapes) != 1 or len({y.shape[1:] for y in ys}) != 1:
        raise Wrong("the batches of `ds` have different shapes; build it with a single call to "
                    "keras.utils.timeseries_dataset_from_array.")
    return np.concatenate(xs), np.concatenate(ys), sizes


@check(EXERCISE, 3)
def check_dataset(ds: Any, values: Any, window: Any, batch_size: int) -> str:
    """Task 3: every batch of ``ds``, in order: windows of the training series and their next values."""
    require(ds, "ds")
    require(window, "WINDOW")
    values = as_array(values, "values").ravel()
    window, batch_size = _as_int(window, "WINDOW"), _as_int(batch_size, "batch_size")
    x, labels, sizes = _all_batches(ds)
    n_pairs = len(values) - window
    if x.ndim == 2:
        raise Wrong(f"the windows have shape {x.shape[1:]}: the feature axis is missing. Pass "
                    "the series as a column, data=values[:, np.newaxis], so a batch is "
                    "(batch, window, 1).")
    if x.ndim != 3 or x.shape[2] != 1:
        raise Wrong(f"the windows have shape {x.shape[1:]} each, expected (window, 1) = "
                    f"{(window, 1)}.")
    if x.shape[1] != window:
        raise Wrong(f"the windows are {x.shape[1]} steps long: set sequence_length=WINDOW "
                    f"({window}).")
    if any(size != batch_size for size in sizes[:-1]) or sizes[-1] > batch_size:
        raise Wrong(f"the batches hold {sorted(set(sizes), reverse=True)} windows: set "
                    f"batch_size={batch_size}.")
    got_x = x[:, :, 0]
    all_windows = np.stack([values[i : i + window] for i in range(n_pairs + 1)])
    known = np.array([bool(np.any(np.all(np.isclose(all_windows, row, atol=1e-5), axis=1)))
                      for row in got_x])
    if not np.all(known):
        first_bad = int(np.argmin(known))
        if len(got_x) > n_pairs and np.all(known[:n_pairs]):
            raise Wrong(f"`ds` holds {len(got_x)} windows, but the training series gives only "
                        f"{n_pairs}: windows after the training period use test data, a leak. "
                        "Build the dataset from scaled_train alone.")
        raise Wrong(f"window number {first_bad} is not a slice of the training series: pass "
                    "scaled_train itself as data (the windows must not reach into the test "
                    "period).")
    expected_x = all_windows[:n_pairs]
    # one window more or less than expected, otherwise in order: Keras cut the windows to fit
    # targets of the wrong length, which the label diagnosis below explains best
    count_off = len(got_x) in (n_pairs - 1, n_pairs + 1) and \
        np.allclose(got_x, all_windows[: len(got_x)], atol=1e-5)
    if count_off:
        rows = min(len(got_x), n_pairs)
        got_x, labels, expected_x = got_x[:rows], labels[:rows], expected_x[:rows]
    rows = len(got_x)
    if not count_off and (len(got_x) != n_pairs or not np.allclose(got_x, expected_x, atol=1e-5)):
        starts = [int(np.argmax(np.all(np.isclose(all_windows, row, atol=1e-5), axis=1)))
                  for row in got_x]
        steps = np.diff(starts)
        if len(steps) and np.all(steps == steps[0]) and steps[0] > 1:
            raise Wrong(f"consecutive windows start {steps[0]} steps apart (sequence_stride="
                        f"{steps[0]}?): keep the default stride of 1 so every window is used.")
        if len(got_x) == n_pairs and sorted(starts) == list(range(n_pairs)):
            raise Wrong("the windows are right but in a shuffled order: leave shuffle=False "
                        "here so the check can follow the series in order.")
        if len(got_x) < n_pairs:
            raise Wrong(f"`ds` holds {len(got_x)} windows; the training series gives "
                        f"{n_pairs} (all of it, minus one window). Pass the whole series.")
        raise Wrong("the windows are not the consecutive slices of the series, in order: "
                    "pass the training series itself as data, with the default stride.")
    if labels.shape[1] != 1:
        raise Wrong(f"each window has {labels.shape[1]} labels: one label per window is "
                    "expected. Use targets=values[WINDOW:].")
    got_y = labels[:, 0]

    def after(shift: int) -> np.ndarray | None:
        start = window + shift
        chunk = values[start : start + rows] if start >= 0 else None
        return chunk if chunk is not None and len(chunk) == rows else None

    for shift, hint in [
        (-window, "each window got its own FIRST value as label (targets=values). The label "
                  "is the value right after the window: targets=values[WINDOW:]."),
        (-1, "the labels are off by one: each one is the window's last value, which the model "
             "already sees. Use targets=values[WINDOW:]."),
        (1, "the labels skip a step: use targets=values[WINDOW:], not values[WINDOW + 1:]."),
    ]:
        candidate = after(shift)
        if candidate is not None and np.allclose(got_y, candidate, atol=1e-5):
            raise Wrong(hint)
    if not np.allclose(got_y, values[window : window + rows], atol=1e-5):
        raise Wrong("the labels do not match the values that follow each window: use "
                    "targets=values[WINDOW:].")
    if count_off:
        raise Wrong(f"`ds` holds {len(sizes) and sum(sizes)} windows; the training series gives "
                    f"{n_pairs}, one per value after the first window. Use "
                    "targets=values[WINDOW:].")
    return (f"{len(sizes)} batches of up to {batch_size} windows of shape ({window}, 1), all "
            f"{n_pairs} windows in order, each labelled with the value that follows it.")


# ---------------------------------------------------------------------------
# Task 4: the recursive loop
# ---------------------------------------------------------------------------

_CASES = [
    # (weights oldest first, bias, history, steps)
    ((0.3, -0.4, 0.9), 0.25, np.array([0.5, 1.0, 0.2, 0.8, 0.4, 0.6]), 6),
    ((0.5, 0.2, 0.1), -0.1, np.array([2.0, 1.0, 0.0, -1.0, 0.5]), 4),
]


@check(EXERCISE, 4)
def check_recursive(forecast_recursively: Any) -> str:
    """Task 4: ``forecast_recursively(model, history, steps, window)`` feeds predictions back."""
    require_function(forecast_recursively, "forecast_recursively")
    for weights, bias, history, steps in _CASES:
        window = len(weights)
        model = tiny_model(window, weights, bias)
        result = call_student(forecast_recursively, model, history.copy(), steps, window,
                              name="forecast_recursively(model, history, steps, window)")
        got = as_array(result, "forecast_recursively(...)")
        if got.ndim == 2 and got.shape[1] == 1:
            got = got[:, 0]
        if got.ndim != 1:
            raise Wrong(f"it returned shape {got.shape}; return a 1-D array with one value per "
                        "step, e.g. np.array(predictions).")
        if got.shape[0] == len(history) + steps:
            raise Wrong(f"it returned {got.shape[0]} values, the history plus the forecast: "
                        f"return only the {steps} new predictions.")
        if got.shape[0] != steps:
            raise Wrong(f"it returned {got.shape[0]} values for steps={steps}: make exactly one "
                        "prediction per step.")
        expected = reference_recursive(weights, bias, history, steps)
        if np.allclose(got, expected, atol=1e-4):
            continue
        if np.allclose(got, expected[0], atol=1e-4):
            raise Wrong("every step repeats the first prediction: the window never moves. After "
                        "each prediction, append it to the window and drop the oldest value, "
                        "then predict again from the new window.")
        if np.allclose(got, reference_recursive(weights, bias, history[:window], steps), atol=1e-4):
            raise Wrong("it starts from the FIRST window of the history; a forecast continues "
                        "from the end, so start from history[-window:].")
        if np.isclose(got[0], expected[0], atol=1e-4):
            raise Wrong("the first step is right but the later ones are not: check how the "
                        "window slides (drop the oldest value, append the newest prediction).")
        raise Wrong("the first prediction already differs from the model's: call the model on "
                    "the last `window` values of history, shaped (1, window, 1).")
    return ("the loop predicts one step, appends it, slides the window and repeats, exactly "
            "like the reference on two tiny models.")


TASKS = task_count(EXERCISE)
