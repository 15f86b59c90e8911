"""Checks for exercise 06: a daily cycle measured every hour, forecast with a small RNN.

The exercise's series is a sine wave with a 24-hour period around a level of
about 20 (like a temperature), so a forecast left in scaled units (between 0
and 1) is easy to tell from one in the data's units.
"""

from __future__ import annotations

from typing import Any

from helpers.checks import Wrong, as_array, check, is_placeholder, require, task_count
from helpers.checks.forecast import (
    expect_model_forecast,
    expect_near_baseline,
    expect_not_mse_or_mae,
    expect_scaler_fitted_on_train,
    expect_unscaled_forecast,
)
from helpers.mode import fast_mode

import numpy as np
import pandas as pd

EXERCISE = "06_sine_wave"
PERIOD = 24  # hours in one cycle of the exercise's series
FULL_MODE_FACTOR = 3.0  # a trained model's RMSE must stay below 3 x seasonal naive's
FAST_MODE_FACTOR = 2.5  # a barely trained one only below 2.5 x naive's


def _rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.ravel(a) - np.ravel(b)) ** 2)))


# ---------------------------------------------------------------------------
# Task 1: a chronological split and a scaler fitted on the training part
# ---------------------------------------------------------------------------


def _expect_series(value: Any, name: str) -> pd.Series:
    require(value, name)
    if not isinstance(value, pd.Series):
        raise Wrong(f"`{name}` should stay a pandas Series with its dates (slice the series with "
                    f".iloc), not a {type(value).__name__}.")
    return value


@check(EXERCISE, 1)
def check_split(train: Any, test: Any, scaler: Any, train_scaled: Any, series: Any,
                n_test: int) -> str:
    """Task 1: ``train``/``test`` split ``series`` in time order; ``scaler`` learned from ``train``.

    ``train_scaled`` must be the training values transformed by ``scaler``.
    """
    train = _expect_series(train, "train")
    test = _expect_series(test, "test")
    require(scaler, "scaler")
    require(train_scaled, "train_scaled")
    if not isinstance(series, pd.Series):
        raise Wrong("`series` should be the pandas Series the exercise defines.")
    if len(train) + len(test) != len(series):
        raise Wrong(f"`train` and `test` hold {len(train)} + {len(test)} values, but the series "
                    f"has {len(series)}: every hour belongs to exactly one of them.")
    if len(test) != n_test:
        raise Wrong(f"`test` has {len(test)} values; it should be the last {n_test} hours.")
    if not (train.index.is_monotonic_increasing and test.index.is_monotonic_increasing):
        raise Wrong("the split is shuffled: the hours are out of order. A forecast is tested on "
                    "the future, so cut the series in time order (series.iloc[:-n_test] and "
                    "series.iloc[-n_test:], or train_test_split(..., shuffle=False)).")
    if not train.index.max() < test.index.min():
        if test.index.max() < train.index.min():
            raise Wrong("`test` is the FIRST part of the series; the test period must be the last "
                        f"{n_test} hours, after everything the model trains on.")
        raise Wrong("the training and test hours are interleaved: the split is shuffled. Take the "
                    f"last {n_test} hours as the test set with series.iloc[-n_test:].")
    if not (train.equals(series.iloc[:-n_test]) and test.equals(series.iloc[-n_test:])):
        raise Wrong("`train` and `test` are in time order but their values differ from the "
                    "series: slice the series itself, without changing it.")
    expect_scaler_fitted_on_train(scaler, train, test, "scaler")
    scaled = as_array(train_scaled, "train_scaled")
    if scaled.size != len(train):
        raise Wrong(f"`train_scaled` has {scaled.size} values; it should be the {len(train)} "
                    "training values, scaled.")
    scaled = scaled.ravel()
    if np.allclose(scaled, train.to_numpy()):
        raise Wrong("`train_scaled` is still in the data's units: use "
                    "scaler.transform(train.to_numpy().reshape(-1, 1)).")
    expected = scaler.transform(train.to_numpy().reshape(-1, 1)).ravel()
    if not np.allclose(scaled, expected, atol=1e-5):
        raise Wrong("`train_scaled` is not scaler.transform of the training values: transform "
                    "train with the scaler you fitted, then flatten it with .ravel().")
    return (f"{len(train)} training hours, then the last {len(test)} for testing, and a scaler "
            "that has only seen the training hours.")


# ---------------------------------------------------------------------------
# Task 2: windows and a small recurrent model
# ---------------------------------------------------------------------------

_RECURRENT = ("SimpleRNN", "LSTM", "GRU", "RNN", "Bidirectional")


@check(EXERCISE, 2)
def check_model(window: Any, X_train: Any, y_train: Any, model: Any, train_scaled: Any) -> str:
    """Task 2: windows of ``train_scaled`` and a recurrent model reading them."""
    import keras

    require(window, "WINDOW")
    require(X_train, "X_train")
    require(y_train, "y_train")
    require(model, "model")
    if isinstance(window, bool) or not isinstance(window, int | np.integer):
        raise Wrong(f"`WINDOW` should be a whole number of hours, got {window!r}.")
    window = int(window)
    if window < PERIOD:
        raise Wrong(f"`WINDOW` = {window} hours is shorter than one cycle ({PERIOD} hours): the "
                    "model cannot see a whole day. Use at least 24.")
    values = as_array(train_scaled, "train_scaled").ravel()
    n = len(values) - window
    X, y = as_array(X_train, "X_train"), as_array(y_train, "y_train")
    if X.shape == (n, window):
        raise Wrong(f"`X_train` has shape {X.shape}: add the feature axis, (samples, window, 1), "
                    "e.g. with make_windows or X[..., np.newaxis].")
    if X.shape != (n, window, 1):
        raise Wrong(f"`X_train` has shape {X.shape}, expected {(n, window, 1)}: windows of "
                    f"WINDOW hours cut from train_scaled, one step apart.")
    if np.nanmax(np.abs(X)) > 2:
        raise Wrong("`X_train` holds unscaled values: cut the windows from train_scaled.")
    expected_X = np.stack([values[i : i + window] for i in range(n)])[:, :, None]
    if not np.allclose(X, expected_X, atol=1e-5):
        raise Wrong("`X_train` does not hold consecutive windows of train_scaled, in order.")
    if y.size != n or not np.allclose(y.ravel(), values[window:], atol=1e-5):
        raise Wrong("`y_train` should hold the hour right after each window, "
                    "train_scaled[WINDOW:] (make_windows(train_scaled, WINDOW) returns it).")
    if not isinstance(model, keras.Model):
        raise Wrong(f"`model` should be a Keras model, e.g. keras.Sequential([...]), not a "
                    f"{type(model).__name__}.")
    try:
        input_shape, output_shape = tuple(model.input_shape), tuple(model.output_shape)
    except (AttributeError, ValueError, TypeError):
        raise Wrong("`model` has no input shape yet: start it with "
                    "keras.Input(shape=(WINDOW, 1)).") from None
    if not any(type(layer).__name__ in _RECURRENT for layer in model.layers):
        raise Wrong("`model` has no recurrent layer: use keras.layers.SimpleRNN (or LSTM/GRU).")
    if input_shape == (None, window):
        raise Wrong(f"the model reads inputs of shape {input_shape}: recurrent layers need a "
                    "feature axis, keras.Input(shape=(WINDOW, 1)).")
    if input_shape != (None, window, 1):
        raise Wrong(f"the model reads inputs of shape {input_shape}, but the windows are "
                    f"(samples, {window}, 1): use keras.Input(shape=(WINDOW, 1)).")
    if len(output_shape) == 3:
        raise Wrong(f"the model outputs {output_shape}, one value per time step: drop "
                    "return_sequences=True from the last recurrent layer.")
    if output_shape != (None, 1):
        raise Wrong(f"the model outputs {output_shape}; it should predict one value, the next "
                    "hour: end with keras.layers.Dense(1).")
    params = model.count_params()
    if params > 100_000:
        raise Wrong(f"the model has {params:,} weights, far more than a sine wave needs; 16 to "
                    "32 units are plenty.")
    return (f"{n} windows of {window} hours and a model from {input_shape} to {output_shape} "
            f"with {params:,} weights.")


# ---------------------------------------------------------------------------
# Task 3: an inverse-scaled forecast of the test hours
# ---------------------------------------------------------------------------


def _near(score: float, baseline: float, factor: float, name: str) -> None:
    try:
        expect_near_baseline(score, baseline, "forecast RMSE", factor=factor, baseline_name=name)
    except Wrong as err:
        raise Wrong(f"{err} A model trained for only a few epochs also does this: train it "
                    "longer.") from None


@check(EXERCISE, 3)
def check_forecast(forecast: Any, test: Any, train: Any, window: Any = None, model: Any = None,
                   scaler: Any = None, train_scaled: Any = None) -> str:
    """Task 3: a recursive forecast of the test hours, in the data's units, that beats baselines.

    With ``model``, ``scaler`` and ``train_scaled`` the check recomputes the model's own
    recursive forecast from the end of the training data and requires ``forecast`` to
    equal it (a check that never sees the model cannot tell a leak from a forecast).
    """
    require(forecast, "forecast")
    truth = as_array(test, "test").ravel()
    history = as_array(train, "train").ravel()
    values = as_array(forecast, "forecast").ravel()
    if isinstance(window, int | np.integer) and values.size == truth.size - int(window):
        raise Wrong(f"`forecast` has {values.size} values, len(test) - WINDOW: it looks like "
                    "predictions on windows cut from the test data, which uses the true test "
                    "values. Forecast recursively from the end of the training data instead.")
    values = expect_unscaled_forecast(values, truth, "forecast")
    if np.allclose(values, truth):
        raise Wrong("`forecast` is the test data itself: forecast it from the training data.")
    if model is not None:
        require(model, "model")
        require(scaler, "scaler")
        require(train_scaled, "train_scaled")
        expect_model_forecast(values, model, scaler, train_scaled, truth, "forecast", season=PERIOD)
    score = _rmse(truth, values)
    if fast_mode():
        naive = _rmse(truth, np.full_like(truth, history[-1]))
        _near(score, naive, FAST_MODE_FACTOR, "naive")
        return (f"in the data's units, test RMSE {score:.2f} (fast mode: the model is barely "
                "trained, so it is only compared with a generous multiple of the naive error).")
    seasonal = _rmse(truth, history[-PERIOD:][np.arange(truth.size) % PERIOD])
    _near(score, seasonal, FULL_MODE_FACTOR, "seasonal naive")
    return (f"in the data's units, test RMSE {score:.2f} against {seasonal:.2f} for seasonal "
            "naive.")


# ---------------------------------------------------------------------------
# Task 4: the test RMSE
# ---------------------------------------------------------------------------


@check(EXERCISE, 4)
def check_rmse(test_rmse: Any, test: Any, forecast: Any, scaler: Any = None) -> str:
    """Task 4: the root mean squared error of ``forecast`` against ``test``, in the data's units."""
    require(test_rmse, "test_rmse")
    require(forecast, "forecast")
    if isinstance(test_rmse, bool | str | bytes):
        raise Wrong(f"`test_rmse` should be one number, got {test_rmse!r}.")
    try:
        value = float(np.asarray(test_rmse))
    except (TypeError, ValueError):
        raise Wrong(f"`test_rmse` should be one number, got {type(test_rmse).__name__}.") from None
    if np.isnan(value):
        raise Wrong("`test_rmse` is NaN. Subtracting two pandas Series whose indexes differ "
                    "(dates vs 0, 1, 2...) aligns them by index and leaves NaN: compare plain "
                    "values, e.g. metrics.rmse(test.to_numpy(), np.ravel(forecast)).")
    truth = as_array(test, "test").ravel()
    predicted = as_array(forecast, "forecast").ravel()
    if truth.shape != predicted.shape:
        raise Wrong(f"`forecast` has {predicted.size} values but `test` has {truth.size}: "
                    "finish task 3 first.")
    errors = truth - predicted
    expected = float(np.sqrt(np.mean(errors**2)))
    if np.isclose(value, expected, rtol=1e-4):
        return f"the test RMSE is {expected:.3f}, in the units of the data."
    expect_not_mse_or_mae(value, errors, "test_rmse")
    scale = getattr(scaler, "scale_", None)
    if scale is not None and np.isclose(value, expected * float(np.ravel(scale)[0]), rtol=1e-4):
        raise Wrong("that RMSE is in scaled units: compare the inverse-scaled forecast with the "
                    "test values themselves.")
    raise Wrong(f"`test_rmse` = {value:.4g}, but the RMSE of `forecast` against `test` is "
                f"{expected:.4g}: use metrics.rmse(test, forecast).")


@check(EXERCISE, 5)
def check_origins(origin_rmse: Any, model: Any, scaler: Any, series: Any, origins: Any,
                  steps: int = 24) -> str:
    """Task 5: the RMSE of a ``steps``-hour recursive forecast from each origin, in degrees.

    Recomputed from the student's own model and scaler: at each origin the history is the
    series before it, scaled with the scaler fitted on the training part (transform only).
    """
    from helpers.forecasting import inverse_scale, recursive_forecast

    require(origin_rmse, "origin_rmse")
    if model is None or is_placeholder(model):
        raise Wrong("finish task 2 first: `model` is still missing.")
    if isinstance(origin_rmse, str | bytes | dict) or np.ndim(origin_rmse) != 1:
        raise Wrong("`origin_rmse` should be a list (or 1-D array) with one RMSE per origin, "
                    f"in the order of ORIGINS; got {type(origin_rmse).__name__}.")
    got = as_array(origin_rmse, "origin_rmse")
    origins = [int(o) for o in origins]
    if got.size != len(origins):
        raise Wrong(f"`origin_rmse` has {got.size} values but there are {len(origins)} origins: "
                    "one RMSE per origin, in the order of ORIGINS.")
    if not np.all(np.isfinite(got)):
        raise Wrong("`origin_rmse` contains NaN: compare plain values (e.g. .to_numpy()), not "
                    "Series with different indexes.")
    values = as_array(series, "temperature").ravel()
    scaled = np.asarray(scaler.transform(values.reshape(-1, 1))).ravel().astype("float32")
    truth = [values[o : o + steps] for o in origins]
    forecasts = [inverse_scale(scaler, recursive_forecast(model, scaled[:o], steps)) for o in origins]
    expected = np.array([np.sqrt(np.mean((t - f) ** 2)) for t, f in zip(truth, forecasts, strict=True)])
    if np.allclose(got, expected, rtol=1e-3, atol=1e-6):
        return (f"RMSE from {len(origins)} origins: {expected.min():.2f} to {expected.max():.2f} "
                f"(mean {expected.mean():.2f}); one origin alone would have given any of these.")
    # leaks first: one-step forecasts from windows of TRUE values after the origin
    window = int(model.input_shape[1])
    forced = []
    for o, t in zip(origins, truth, strict=True):
        inputs = np.stack([scaled[i - window : i] for i in range(o, o + steps)])[..., None]
        one_step = inverse_scale(scaler, np.asarray(model(inputs, training=False)).ravel())
        forced.append(np.sqrt(np.mean((t - one_step) ** 2)))
    if np.allclose(got, forced, rtol=1e-3):
        raise Wrong("these forecasts read TRUE values after the origin (each step predicted "
                    "from a window of observed hours): the future is not known at the origin. "
                    "Feed each prediction back in: recursive_forecast(model, history, steps).")
    if np.allclose(got, expected**2, rtol=1e-3):
        raise Wrong("these are mean squared errors: take the square root of each.")
    if np.allclose(got, expected * float(np.ravel(scaler.scale_)[0]), rtol=1e-3):
        raise Wrong("these RMSEs are in scaled units: inverse-scale each forecast before "
                    "comparing it with the temperatures.")
    if np.ptp(got) < 1e-9 and np.ptp(expected) > 1e-6:
        raise Wrong("every origin has the same RMSE: each forecast must start from its own "
                    "origin, with the history `scaled[:origin]`, not from the end of `train`.")
    raise Wrong(f"`origin_rmse` = {np.round(got, 3).tolist()}, but forecasting {steps} hours "
                f"from each origin gives {np.round(expected, 3).tolist()}. Scale the whole "
                "series with your scaler (transform only), forecast recursively from "
                "`scaled[:origin]`, inverse-scale, and compare with the next hours.")


TASKS = task_count(EXERCISE)
