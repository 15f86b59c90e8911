"""Checks for exercise 10: the pinball loss, a quantile head, coverage and a conformal margin.

The exercise works on ``helpers.data.load("elec_equip")`` (monthly, 1995-01..2016-05),
in index points:

* the network trains on the months up to ``FIT_END`` (2011-05), standardised with
  the mean and standard deviation of those months, on windows of ``WINDOW`` = 24
  months and labels of the next ``HORIZON`` = 12;
* its 10/50/90 % forecasts are scored from ``SCORED_ORIGINS`` (2014-05 and 2015-05),
  whose 24 months of truth are the last two years of the data;
* the conformal margin comes from every monthly origin from ``FIT_END`` on whose
  12 months of truth end before the scored months start (2011-05..2013-05,
  ``CAL_ORIGINS``).

Every check recomputes what the task asks from the student's own objects: it calls
their functions on cases it knows the answer to, runs their model, and recomputes
their coverage and margin from the arrays they pass.
"""

from __future__ import annotations

import math
from typing import Any

from helpers.checks import (
    NotAttempted,
    Wrong,
    as_array,
    as_number,
    call_student,
    check,
    close,
    describe_error,
    is_placeholder,
    model_shape,
    require,
    require_function,
)

import numpy as np
import pandas as pd

EXERCISE = "10_forecast_uncertainty"

DATASET = "elec_equip"
HORIZON, WINDOW = 12, 24
LEVELS = (0.1, 0.5, 0.9)
ALPHA = 0.2                                   # the 80 % interval
FIT_END = pd.Timestamp("2011-05-01")
SCORED_ORIGINS = pd.DatetimeIndex(["2014-05-01", "2015-05-01"])
SCORED_START = pd.Timestamp("2014-06-01")     # the first scored month
LAST_CAL_ORIGIN = pd.Timestamp("2013-05-01")  # its 12 months end just before SCORED_START
CAL_ORIGINS = pd.date_range(FIT_END, LAST_CAL_ORIGIN, freq="MS")   # every origin the task asks for
COVER_RANGE = (0.5, 0.99)                     # "roughly covers" on the training windows, full mode


# ---------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------


def _series() -> pd.Series:
    from helpers.data import load

    return load(DATASET)


def _fast() -> bool:
    from helpers.mode import fast_mode

    return fast_mode()


def scaling() -> tuple[float, float]:
    """Mean and standard deviation of the months up to ``FIT_END`` (the network's scaling)."""
    fit = _series().loc[:FIT_END]
    return float(fit.mean()), float(fit.std())


def standardised() -> np.ndarray:
    """The whole series standardised with :func:`scaling`, as float32."""
    mu, sd = scaling()
    return ((_series() - mu) / sd).to_numpy(dtype="float32")


def reference_windows() -> tuple[np.ndarray, np.ndarray]:
    """The training windows ``(N, WINDOW, 1)`` and labels ``(N, HORIZON)`` up to ``FIT_END``."""
    from helpers.windows import make_windows

    n_fit = _series().index.get_loc(FIT_END) + 1
    return make_windows(standardised()[:n_fit], WINDOW, horizon=HORIZON)


def reference_pinball(y: Any, f: Any, q: float) -> float:
    """Mean pinball loss: ``q * (y - f)`` above the forecast, ``(1 - q) * (f - y)`` below."""
    diff = np.asarray(y, dtype="float64") - np.asarray(f, dtype="float64")
    return float(np.mean(np.maximum(q * diff, (q - 1) * diff)))


def reference_quantiles(model: Any, origins: Any) -> np.ndarray:
    """``model``'s 10/50/90 % forecasts from each origin, in index points, sorted per month.

    The same computation as the exercise's ``quantile_forecasts``: shape
    ``(len(origins), HORIZON, 3)``.
    """
    index = _series().index
    z = standardised()
    ends = [index.get_loc(pd.Timestamp(o)) + 1 for o in origins]
    windows = np.stack([z[end - WINDOW : end, None] for end in ends])
    mu, sd = scaling()
    out = np.asarray(model(windows, training=False), dtype="float64")
    return np.sort(out * sd + mu, axis=-1)


def reference_truth(origins: Any, shift: int = 0, standardise: bool = False) -> np.ndarray:
    """The true values of the ``HORIZON`` months after each origin: ``(len(origins), HORIZON)``.

    ``shift`` moves the months (``-1`` starts at the origin itself), and
    ``standardise`` gives them in the network's units; both describe mistakes.
    """
    series = _series()
    values = standardised() if standardise else series.to_numpy(dtype="float64")
    rows = []
    for origin in origins:
        start = series.index.get_loc(pd.Timestamp(origin)) + 1 + shift
        rows.append(values[start : start + HORIZON] if start >= 0 else values[:0])
    if any(len(row) != HORIZON for row in rows):
        raise ValueError("the shifted months run past the ends of the series")
    return np.asarray(rows, dtype="float64")


def conformity_scores(quantiles: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """``max(lower - y, y - upper)`` of the 80 % interval (10 % to 90 %), for every month."""
    return np.maximum(quantiles[..., 0] - truth, truth - quantiles[..., -1])


def margin_bounds(scores: Any, alpha: float = ALPHA) -> tuple[float, float]:
    """The split-conformal margins a correct formula can give from ``scores``.

    The textbook margin is the ``k``-th smallest score, ``k = ceil((n + 1)(1 - alpha))``.
    ``np.quantile(scores, k / n, method="higher")``, a common way to write it, gives the
    ``(k + 1)``-th, and interpolating methods land in between; all of them keep the
    coverage guarantee. Returns the smallest and the largest of those margins.
    """
    s = np.sort(np.asarray(scores, dtype="float64").ravel())
    n = s.size
    k = math.ceil((n + 1) * (1 - alpha) - 1e-9)
    if k > n:
        raise Wrong(f"{n} scores are too few for an {1 - alpha:.0%} margin: the rank "
                    f"ceil((n + 1)(1 - alpha)) = {k} is larger than n. Use more calibration "
                    "origins.")
    return float(s[k - 1]), float(s[min(k, n - 1)])


# ---------------------------------------------------------------------------
# Task 1: the pinball loss in NumPy
# ---------------------------------------------------------------------------


def _pinball_cases() -> list[tuple[np.ndarray, np.ndarray, float]]:
    rng = np.random.default_rng(10)
    y = rng.normal(100.0, 10.0, size=40)
    f = y + rng.normal(2.0, 8.0, size=40)
    small = rng.normal(size=7).astype("float32")
    return [
        (y, f, 0.9),                                   # q far from 1/2 first: a swap shows
        (y, f, 0.1),
        (small, np.zeros(7, dtype="float32"), 0.3),    # float32 input
        (y, np.full_like(y, y.mean()), 0.5),           # a constant forecast
        (np.array([5.0, 1.0]), np.array([2.0, 2.0]), 0.75),
    ]


@check(EXERCISE, 1)
def check_pinball(pinball: Any) -> str:
    """Task 1: ``pinball(y, f, q)`` returns the mean pinball loss of forecasts ``f``."""
    require_function(pinball, "pinball")
    for y, f, q in _pinball_cases():
        call = f"pinball(y, f, q={q})"
        got = call_student(pinball, y.copy(), f.copy(), q, name=call)
        values = as_array(got, call)
        if values.size == y.size and y.size > 1:
            raise Wrong(f"{call} returns {values.size} values, one per point: return their "
                        "mean (np.mean), one number.")
        got = as_number(got, call)
        want = reference_pinball(y, f, q)
        if close(got, want, rtol=1e-5, atol=1e-6):
            continue
        diff = np.asarray(y, dtype="float64") - np.asarray(f, dtype="float64")
        if q != 0.5 and close(got, reference_pinball(y, f, 1 - q), rtol=1e-5, atol=1e-6):
            raise Wrong(f"{call} gives the loss of the {1 - q:g} quantile: q and 1 - q are "
                        "swapped (or y and f). When the truth is ABOVE the forecast (y - f > 0) the cost is "
                        "q * (y - f); below it, (1 - q) * (f - y).")
        if close(got, float(np.mean(np.abs(diff))), rtol=1e-5):
            raise Wrong(f"{call} is the mean absolute error: q is ignored. Weight the errors "
                        "above the forecast by q and those below by 1 - q.")
        if close(got, -want, rtol=1e-5):
            raise Wrong(f"{call} is negative ({got:.4g}): a loss is never below zero. Use "
                        "np.maximum(q * diff, (q - 1) * diff) with diff = y - f.")
        if close(got, want * y.size, rtol=1e-5):
            raise Wrong(f"{call} is the SUM over the {y.size} points; return the mean.")
        if close(got, float(np.mean(np.maximum(q * diff, (q - 1) * diff) ** 2)), rtol=1e-5) \
                or close(got, float(np.mean(np.where(diff >= 0, q, 1 - q) * diff**2)), rtol=1e-5):
            raise Wrong(f"{call} squares the errors; the pinball loss weights the plain "
                        "(absolute) errors by q or 1 - q.")
        raise Wrong(f"{call} returned {got:.6g}, but the mean pinball loss is {want:.6g} on "
                    "this test case. For each point: q * (y - f) when y >= f, else "
                    "(1 - q) * (f - y); then the mean.")
    return ("the mean pinball loss: an error above the forecast costs q per unit, one below "
            "costs 1 - q.")


# ---------------------------------------------------------------------------
# Task 2: a quantile head trained with a Keras pinball loss
# ---------------------------------------------------------------------------


def _loss_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(20)
    cases = []
    for _ in range(3):
        y_true = rng.normal(size=(6, HORIZON)).astype("float32")
        y_pred = (y_true[..., None] + rng.normal(size=(6, HORIZON, len(LEVELS)))).astype("float32")
        cases.append((y_true, y_pred))
    return cases


def _reference_loss(y_true: np.ndarray, y_pred: np.ndarray, levels: Any = LEVELS) -> float:
    diff = np.asarray(y_true, dtype="float64")[..., None] - np.asarray(y_pred, dtype="float64")
    q = np.asarray(levels, dtype="float64")
    return float(np.mean(np.maximum(q * diff, (q - 1) * diff)))


def _is_builtin_loss(loss: Any) -> bool:
    """True for a loss named by a string or taken from Keras itself (mse, mae, ...)."""
    import inspect

    if isinstance(loss, str):
        return True
    owner = loss if inspect.isfunction(loss) or inspect.ismethod(loss) else type(loss)
    return str(getattr(owner, "__module__", "")).startswith("keras")


def _check_loss(loss: Any, name: str) -> None:
    """Raise Wrong unless ``loss(y_true, y_pred)`` is a positive multiple of the mean pinball loss.

    Keras averages a per-sample loss over the batch, so the mean of what ``loss`` returns
    is compared. A constant factor (a sum over the three levels instead of their mean)
    trains the same quantiles and is accepted.
    """
    import keras

    call = f"{name}(y_true, y_pred)"
    values, wants = [], []
    for y_true, y_pred in _loss_cases():
        got = call_student(loss, keras.ops.convert_to_tensor(y_true),
                           keras.ops.convert_to_tensor(y_pred), name=call)
        array = as_array(got, call)
        if array.size == 0 or not np.all(np.isfinite(array)):
            raise Wrong(f"{call} gives NaN or no value on a small test batch.")
        values.append(float(np.mean(array)))
        wants.append(_reference_loss(y_true, y_pred))
    ratios = np.asarray(values) / np.asarray(wants)
    if ratios[0] > 0 and np.allclose(ratios, ratios[0], rtol=1e-4):
        return
    y_true, y_pred = _loss_cases()[0]
    value, want = values[0], wants[0]
    diff = y_true[..., None].astype("float64") - y_pred
    if close(value, _reference_loss(y_true, y_pred, LEVELS[::-1]), rtol=1e-4):
        raise Wrong(f"{name} trains the first output for the 90 % quantile and the last for "
                    "the 10 %: use diff = y_true - y_pred (truth minus forecast) and the "
                    "levels in the order (0.1, 0.5, 0.9).")
    if close(value, float(np.mean(np.abs(diff))), rtol=1e-4) \
            or close(value, 0.5 * float(np.mean(np.abs(diff))), rtol=1e-4):
        raise Wrong(f"{name} treats the three outputs alike (an absolute error), so all "
                    "three would learn the median: weight each output's errors by its "
                    "own level q, as in the pinball loss.")
    if close(value, float(np.mean(diff**2)), rtol=1e-4):
        raise Wrong(f"{name} is the mean squared error: every output would learn the "
                    "mean. Use the pinball loss of each output's level.")
    raise Wrong(f"{call} is not the pinball loss averaged over the levels {LEVELS}: on a "
                f"test batch it gives {value:.5g}, expected {want:.5g}. Expand y_true to "
                "(batch, 12, 1), take diff = y_true - y_pred and average "
                "maximum(q * diff, (q - 1) * diff).")


def _layers(model: Any) -> list[Any]:
    found = []
    for layer in getattr(model, "layers", []):
        found.append(layer)
        found.extend(_layers(layer))
    return found


@check(EXERCISE, 2)
def check_quantile_model(model: Any, quantile_loss: Any) -> str:
    """Task 2: a trained LSTM whose output is (batch, 12, 3), compiled with a pinball loss."""
    import keras

    require(model, "model")
    require_function(quantile_loss, "quantile_loss")
    _check_loss(quantile_loss, "quantile_loss")
    if not isinstance(model, keras.Model):
        raise Wrong(f"`model` should be a Keras model (keras.Sequential([...])), not a "
                    f"{type(model).__name__}.")
    recurrent = (keras.layers.LSTM, keras.layers.GRU, keras.layers.RNN, keras.layers.Bidirectional)
    if not any(isinstance(layer, recurrent) for layer in _layers(model)):
        raise Wrong("the model has no recurrent layer: put a keras.layers.LSTM between the "
                    "input and the Dense head.")
    shape_in = model_shape(model, "input_shape")
    if shape_in is not None and (len(shape_in) != 3 or shape_in[1] not in (WINDOW, None)
                                 or shape_in[2] != 1):
        raise Wrong(f"the model reads inputs of shape {shape_in}; the windows are (batch, "
                    f"{WINDOW}, 1): start it with keras.Input(shape=(WINDOW, 1)).")
    try:
        out = np.asarray(model(np.zeros((2, WINDOW, 1), dtype="float32"), training=False))
    except Exception as err:
        raise Wrong(f"the model fails on a batch of two windows of shape ({WINDOW}, 1): "
                    f"{describe_error(err)} Start it with keras.Input(shape=(WINDOW, 1)).") from None
    expected = (2, HORIZON, len(LEVELS))
    if out.shape != expected:
        hint = "."
        if out.shape == (2, HORIZON * len(LEVELS)):
            hint = (": the 36 values are there, but flat. End the model with "
                    "keras.layers.Reshape((HORIZON, 3)).")
        elif out.shape == (2, len(LEVELS), HORIZON):
            hint = ": the axes are swapped. Reshape to (HORIZON, 3), months first."
        elif out.shape == (2, HORIZON):
            hint = ": one value per month; the head needs three per month, Dense(HORIZON * 3) " \
                   "followed by Reshape((HORIZON, 3))."
        raise Wrong(f"on a batch of two windows the model returns shape {out.shape}, expected "
                    f"{expected} (batch, 12 months, the 10/50/90 % quantiles){hint}")
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        raise Wrong("the model is not compiled: model.compile(optimizer=..., "
                    "loss=quantile_loss).")
    loss = getattr(model, "loss", None)
    if isinstance(loss, list | tuple) and len(loss) == 1:   # loss=[quantile_loss] works too
        loss = loss[0]
    if loss is None or _is_builtin_loss(loss):
        raise Wrong(f"the model is compiled with loss={loss!r}; compile it with your pinball "
                    "loss, loss=quantile_loss, so each output learns its quantile.")
    if isinstance(loss, list | tuple | dict):
        raise Wrong("the model has one output: compile it with a single loss, "
                    "loss=quantile_loss.")
    _check_loss(loss, "the model's loss")
    if int(np.asarray(model.optimizer.iterations.value)) == 0:
        raise Wrong("the model has not been trained: call model.fit(X_train, y_train, ...). "
                    "(If fit raised an error, read it: a Keras loss must use keras.ops, not "
                    "NumPy.)")
    if _fast():
        return ("a (12, 3) quantile head, compiled with a pinball loss and trained (fast mode: "
                "in full mode the check also looks at the quantiles themselves).")
    X, y = reference_windows()
    raw = np.asarray(model(X, training=False), dtype="float64")
    low, mid, high = raw[..., 0], raw[..., 1], raw[..., 2]
    if not (np.mean(mid - low) > 0 and np.mean(high - mid) > 0):
        raise Wrong("on the training windows the outputs are not in order on average (10 % "
                    "below 50 % below 90 %): check the order of the levels in quantile_loss "
                    "and train for EPOCHS epochs.")
    cover = float(np.mean((y >= low) & (y <= high)))
    if not COVER_RANGE[0] <= cover <= COVER_RANGE[1]:
        raise Wrong(f"on the training windows the 10-90 % band holds {cover:.0%} of the "
                    "labels, far from 80 %: train for EPOCHS epochs with the learning rate of "
                    "the task, and check the levels in quantile_loss.")
    return (f"a (12, 3) quantile head trained with a pinball loss; on its training windows "
            f"the quantiles are in order and the 10-90 % band holds {cover:.0%} of the labels.")


# ---------------------------------------------------------------------------
# Task 3: empirical coverage of the 80 % interval
# ---------------------------------------------------------------------------


def _expect_quantiles(q_test: Any) -> np.ndarray:
    if is_placeholder(q_test):
        raise NotAttempted("`q_test` is not computed yet: it comes from the cell after task 2. "
                           "Solve task 2 and run that cell.")
    q = as_array(q_test, "q_test")
    if q.shape != (len(SCORED_ORIGINS), HORIZON, len(LEVELS)):
        raise Wrong(f"`q_test` has shape {q.shape}, expected {(len(SCORED_ORIGINS), HORIZON, 3)}: "
                    "re-run the cell after task 2 (and fix task 2 first).")
    return q


def _expect_truth(truth_after: Any, origins: pd.DatetimeIndex) -> np.ndarray:
    """Call ``truth_after(origins)``; raise Wrong with a hint unless it gives the right months."""
    call = f"truth_after({len(origins)} origins)"
    got = as_array(call_student(truth_after, origins, name=call), call)
    want = reference_truth(origins)
    if got.shape == (len(origins), HORIZON + 1):
        raise Wrong(f"{call} gives {HORIZON + 1} months per origin: .loc[start:end] includes "
                    "both ends. Take the 12 months from origin + 1 month to origin + 12 months.")
    if got.shape != want.shape:
        raise Wrong(f"{call} has shape {got.shape}, expected {want.shape}: one row per origin, "
                    f"the {HORIZON} months after it.")
    for shift, hint in [
        (-1, "starts at the origin month itself; the forecasts start the month AFTER the origin "
             "(origin + pd.DateOffset(months=1))."),
        (1, "starts two months after the origin, one month late: the first forecast month is "
            "origin + 1 month."),
    ]:
        try:
            shifted = reference_truth(origins, shift=shift)
        except ValueError:
            continue
        if close(got, shifted):
            raise Wrong(f"{call} {hint}")
    if close(got, reference_truth(origins, standardise=True), rtol=1e-4, atol=1e-5):
        raise Wrong(f"{call} gives standardised values; the truth is in index points: take it "
                    "from `series`.")
    if not close(got, want):
        raise Wrong(f"{call} does not give the values of `series` in the 12 months after each "
                    "origin: series.loc[origin + 1 month : origin + 12 months].")
    return got


@check(EXERCISE, 3)
def check_coverage(coverage_80: Any, truth_after: Any, lower_test: Any, upper_test: Any,
                   q_test: Any) -> str:
    """Task 3: ``coverage_80``, the share of scored months inside [lower_test, upper_test]."""
    require_function(truth_after, "truth_after")
    require(lower_test, "lower_test")
    require(upper_test, "upper_test")
    require(coverage_80, "coverage_80")
    q = _expect_quantiles(q_test)
    _expect_truth(truth_after, pd.DatetimeIndex(["2012-02-01", "2012-03-01", "2013-05-01"]))
    truth = _expect_truth(truth_after, SCORED_ORIGINS)
    lower, upper = as_array(lower_test, "lower_test"), as_array(upper_test, "upper_test")
    shape = q.shape[:2]
    for name, got in (("lower_test", lower), ("upper_test", upper)):
        if got.shape != shape:
            raise Wrong(f"`{name}` has shape {got.shape}, expected {shape}: one row per scored "
                        "origin, like q_test[..., 0].")
    if close(lower, q[..., 2]) and close(upper, q[..., 0]):
        raise Wrong("lower_test and upper_test are swapped: the lower bound is the 10 % "
                    "quantile, q_test[..., 0].")
    if close(lower, q[..., 1]) or close(upper, q[..., 1]):
        raise Wrong("one bound is the median (q_test[..., 1]); the 80 % interval runs from the "
                    "10 % quantile (q_test[..., 0]) to the 90 % quantile (q_test[..., 2]).")
    if not close(lower, q[..., 0]):
        raise Wrong("`lower_test` is not the 10 % quantile of the forecasts: q_test[..., 0].")
    if not close(upper, q[..., 2]):
        raise Wrong("`upper_test` is not the 90 % quantile of the forecasts: q_test[..., 2].")
    got = as_number(coverage_80, "coverage_80")
    inside = (truth >= lower) & (truth <= upper)
    share = float(np.mean(inside))
    strict = float(np.mean((truth > lower) & (truth < upper)))
    if close(got, share) or close(got, strict):
        width = float(np.mean(upper - lower))
        return (f"{share:.0%} of the {truth.size} scored months fall inside the 80 % interval "
                f"(mean width {width:.1f} index points).")
    if close(got, 100 * share):
        raise Wrong(f"coverage_80 = {got:g} is a percentage; give the share between 0 and 1 "
                    f"({share:.3f}).")
    if close(got, float(np.sum(inside))):
        raise Wrong(f"coverage_80 = {got:g} counts the months inside; the coverage is their "
                    f"share: divide by the {truth.size} months (np.mean).")
    if close(got, 1 - share):
        raise Wrong("coverage_80 is the share of months OUTSIDE the interval; coverage counts "
                    "those inside: lower <= truth <= upper.")
    if any(close(got, float(np.mean(row))) for row in inside):
        raise Wrong("coverage_80 covers one scored origin only; average over all "
                    f"{truth.size} months of both origins.")
    raise Wrong(f"coverage_80 = {got:.4g}, but with your truth_after, lower_test and upper_test "
                f"the share of months with lower <= truth <= upper is {share:.4g}.")


# ---------------------------------------------------------------------------
# Task 4: a split-conformal margin from a calibration period
# ---------------------------------------------------------------------------


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _as_origins(value: Any, name: str) -> pd.DatetimeIndex:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise Wrong(f"`{name}` should be a list of monthly dates (pd.date_range(..., freq='MS')), "
                    f"not {value!r}.")
    try:
        origins = pd.DatetimeIndex(list(value))
    except (TypeError, ValueError):
        raise Wrong(f"`{name}` should hold dates, like pd.date_range('2011-05', '2013-05', "
                    "freq='MS').") from None
    if len(origins) == 0:
        raise Wrong(f"`{name}` is empty.")
    if origins.has_duplicates:
        raise Wrong(f"`{name}` repeats some dates: take each calibration origin once.")
    index = _series().index
    missing = origins.difference(index)
    if len(missing):
        raise Wrong(f"`{name}` holds {missing[0]:%Y-%m-%d}, which is not a month of the series: "
                    "use first-of-month dates (freq='MS').")
    return origins


def _expect_every_origin(origins: pd.DatetimeIndex) -> None:
    """Raise Wrong unless ``origins`` are every month from FIT_END to LAST_CAL_ORIGIN.

    Called after the leak checks, so every origin here lies in that range already.
    """
    origins = origins.sort_values()
    if origins.equals(CAL_ORIGINS):
        return
    every = (f"The task asks for every monthly origin from FIT_END ({FIT_END:%Y-%m}) to "
             f"{LAST_CAL_ORIGIN:%Y-%m}, {len(CAL_ORIGINS)} origins: pd.date_range(FIT_END, "
             f"'{LAST_CAL_ORIGIN:%Y-%m}', freq='MS').")
    missing = CAL_ORIGINS.difference(origins)
    if origins[0] > FIT_END and CAL_ORIGINS[CAL_ORIGINS >= origins[0]].equals(origins):
        raise Wrong(f"CAL_ORIGINS starts at {origins[0]:%Y-%m}, so it leaves out the "
                    f"{len(missing)} origin(s) from FIT_END on: the margin would rest on the last "
                    f"{len(origins)} origins only, fewer and less varied scores. {every}")
    if origins[-1] < LAST_CAL_ORIGIN and CAL_ORIGINS[CAL_ORIGINS <= origins[-1]].equals(origins):
        raise Wrong(f"CAL_ORIGINS stops at {origins[-1]:%Y-%m}; the forecast from "
                    f"{LAST_CAL_ORIGIN:%Y-%m} also ends before the scored months, and the most "
                    f"recent forecasts are the most useful ones. {every}")
    raise Wrong(f"CAL_ORIGINS skips {len(missing)} month(s), the first {missing[0]:%Y-%m}: use "
                f"every month, not a selection. {every}")


@check(EXERCISE, 4)
def check_conformal(margin: Any, cal_scores: Any, cal_origins: Any, model: Any) -> str:
    """Task 4: conformity scores from calibration origins that end before the scored months, and
    the split-conformal margin at the 80 % level."""
    require(cal_origins, "CAL_ORIGINS")
    require(cal_scores, "cal_scores")
    require(margin, "margin")
    require(model, "model")
    origins = _as_origins(cal_origins, "CAL_ORIGINS")
    scored = origins.intersection(SCORED_ORIGINS)
    if len(scored):
        raise Wrong(f"CAL_ORIGINS includes the scored origin {scored[0]:%Y-%m}: calibrating on "
                    "the forecasts you then score is a leak, the test decides the margin. "
                    f"Calibrate on origins up to {LAST_CAL_ORIGIN:%Y-%m}.")
    late = origins[origins > LAST_CAL_ORIGIN]
    if len(late):
        reach = late[-1] + pd.DateOffset(months=HORIZON)
        raise Wrong(f"the forecast from {late[-1]:%Y-%m} runs to {reach:%Y-%m}, into the scored "
                    f"months (from {SCORED_START:%Y-%m}): a leak. The last calibration origin "
                    f"is {LAST_CAL_ORIGIN:%Y-%m}, whose 12 months end just before them.")
    early = origins[origins < FIT_END]
    if len(early):
        raise Wrong(f"CAL_ORIGINS starts at {early[0]:%Y-%m}, inside the network's training "
                    f"period (up to {FIT_END:%Y-%m}): the network has seen those months, so "
                    "its errors there are too small. Start at FIT_END.")
    _expect_every_origin(origins)
    scores = as_array(cal_scores, "cal_scores").ravel()
    try:
        q_cal = reference_quantiles(model, origins)
        q_scored = reference_quantiles(model, SCORED_ORIGINS)
    except Exception as err:
        raise Wrong(f"the model from task 2 cannot forecast from CAL_ORIGINS: "
                    f"{describe_error(err)} Solve task 2 first.") from None
    if q_cal.shape[1:] != (HORIZON, len(LEVELS)):
        raise Wrong("the model from task 2 does not give 12 x 3 quantiles: solve task 2 first.")
    truth = reference_truth(origins)
    want = conformity_scores(q_cal, truth).ravel()
    test_scores = conformity_scores(q_scored, reference_truth(SCORED_ORIGINS)).ravel()

    def same(a: np.ndarray, b: np.ndarray) -> bool:
        return a.size == b.size and close(np.sort(a), np.sort(b), rtol=1e-5, atol=1e-4)

    if same(scores, test_scores) or same(scores, np.concatenate([want, test_scores])):
        raise Wrong("cal_scores come from the scored forecasts (q_test against the last two "
                    "years): a leak, the test would choose its own margin. Compute them from "
                    "quantile_forecasts(model, CAL_ORIGINS) and truth_after(CAL_ORIGINS).")
    if not same(scores, want):
        lower, upper, log_truth = q_cal[..., 0], q_cal[..., -1], np.log(truth)
        with np.errstate(invalid="ignore", divide="ignore"):
            log_scores = np.maximum(np.log(lower) - log_truth, log_truth - np.log(upper)).ravel()
        if same(scores, -want):
            raise Wrong("cal_scores have the wrong sign: the score is max(lower - truth, "
                        "truth - upper), negative when the truth is inside.")
        if same(scores, log_scores):
            raise Wrong("cal_scores are on the log scale, as in notebook 10; this exercise works "
                        "in index points: max(lower - truth, truth - upper).")
        if same(scores, np.abs(truth - q_cal[..., 1]).ravel()):
            raise Wrong("cal_scores are distances to the median; for an interval the score is "
                        "max(lower - truth, truth - upper), with lower and upper the 10 % and "
                        "90 % quantiles.")
        if same(scores, (truth - upper).ravel()) or same(scores, (lower - truth).ravel()):
            raise Wrong("cal_scores look at one side of the interval only; take the larger of "
                        "the two: max(lower - truth, truth - upper) (np.maximum).")
        if scores.size != want.size:
            raise Wrong(f"cal_scores has {scores.size} values; {len(origins)} origins x "
                        f"{HORIZON} months give {want.size}: one score per calibration month.")
        raise Wrong("cal_scores are not max(lower - truth, truth - upper) for the forecasts from "
                    "CAL_ORIGINS: use q_cal = quantile_forecasts(model, CAL_ORIGINS), "
                    "truth_after(CAL_ORIGINS) and np.maximum.")
    got = as_number(margin, "margin")
    low, high = margin_bounds(scores)
    tol = 1e-6 * max(1.0, abs(low), abs(high))
    n = scores.size
    k = math.ceil((n + 1) * (1 - ALPHA) - 1e-9)
    if low - tol <= got <= high + tol:
        which = f"the {_ordinal(k)} smallest score" if abs(got - low) <= tol else \
            f"above the {_ordinal(k)} smallest score but not above the next one (a valid, " \
            "slightly wider margin, as np.quantile(..., method='higher') gives)"
        return (f"{n} calibration scores from {len(origins)} origins ({origins[0]:%Y-%m}.."
                f"{origins[-1]:%Y-%m}), all before the scored months; the margin, "
                f"{got:+.2f} index points, is {which}. The scores of overlapping origins are "
                "dependent, so this margin estimates the 80 % one well but does not guarantee it.")
    leak_low, leak_high = margin_bounds(test_scores)
    if leak_low - tol <= got <= leak_high + tol:
        raise Wrong("margin is the conformal margin of the SCORED forecasts: a leak. Compute it "
                    "from cal_scores.")
    if close(got, -low) or close(got, -high):
        raise Wrong("margin has the wrong sign: it is the k-th smallest score itself.")
    s = np.sort(scores)
    if any(close(got, float(np.quantile(s, ALPHA, method=m))) for m in ("linear", "higher", "lower")):
        raise Wrong(f"margin is a low quantile of the scores (level alpha = {ALPHA}); an 80 % "
                    f"interval needs the high one: the ceil((n + 1)(1 - alpha))-th smallest, "
                    f"here the {_ordinal(k)} of {n}.")
    rows = len(origins)
    k_rows = math.ceil((rows + 1) * (1 - ALPHA) - 1e-9)
    if k_rows <= n and close(got, float(s[k_rows - 1])):
        raise Wrong(f"margin is the {_ordinal(k_rows)} smallest score: n was taken as the "
                    f"{rows} origins, but the rank is taken among all the scores, so n counts "
                    f"the scores, {rows} origins x {HORIZON} months = {n} (use cal_scores.size). "
                    "With n = origins the margin is a low quantile of the scores.")
    if got < low:
        raise Wrong(f"margin = {got:.4g} is below the {_ordinal(k)} smallest of your {n} scores "
                    f"({low:.4g}), so the interval would cover less than 80 %. Use the rank "
                    "ceil((n + 1) * (1 - alpha)), not the plain (1 - alpha) quantile: the + 1 "
                    "is the finite-sample correction. It makes the guarantee exact only for "
                    "exchangeable scores; these come from overlapping origins and depend on "
                    "each other, so it is a sensible safety margin here, not a promise.")
    raise Wrong(f"margin = {got:.4g} is above the {_ordinal(k)} smallest of your {n} scores ({low:.4g}): "
                "the interval would be wider than it needs to be. Take the "
                "ceil((n + 1) * (1 - alpha))-th smallest score.")
