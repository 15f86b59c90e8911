"""Checks for exercise 07: forecasting the monthly electrical-equipment index with an LSTM.

The exercise repeats notebook 07's workflow on ``helpers.data.load("elec_equip")``
(monthly, 1995-01..2016-05): hold out the last 24 months, scale on the training
part only, cut 12-month windows, train a one-step LSTM, forecast the 24 test
months recursively, compare its RMSE with the seasonal-naive forecast and
finally forecast the 12 months after the data.

Each check compares the student's answer with a reference computed here from
the data file, and recognises the usual mistakes (a shuffled split, a scaler
fitted on the test set, a forecast still in scaled units or fed with the true
test values, MSE instead of RMSE, a future forecast on the test dates...).
"""

from __future__ import annotations

from typing import Any

from helpers.checks import Wrong, as_array, check, model_shape, require
from helpers.checks.forecast import (
    expect_near_baseline,
    expect_not_mse_or_mae,
    expect_scaler_fitted_on_train,
    expect_unscaled_forecast,
    expect_window_covers_season,
)

import numpy as np
import pandas as pd

EXERCISE = "07_monthly_sales"
TASKS = 8

DATASET = "elec_equip"
N_ROWS = 257
FIRST, LAST = pd.Timestamp("1995-01-01"), pd.Timestamp("2016-05-01")
TEST_MONTHS = 24
SEASON = 12
FUTURE_MONTHS = 12
FUTURE_START = pd.Timestamp("2016-06-01")
NEAR_BASELINE_FACTOR = 1.5


def _series() -> pd.Series:
    from helpers.data import load

    return load(DATASET)


def reference_split() -> tuple[pd.Series, pd.Series]:
    """The expected ``(train, test)``: everything but the last 24 months, and those 24."""
    series = _series()
    return series.iloc[:-TEST_MONTHS], series.iloc[-TEST_MONTHS:]


def reference_seasonal_naive_rmse() -> float:
    """RMSE of the seasonal-naive forecast (season 12) over the 24 test months."""
    from helpers.baselines import seasonal_naive_forecast
    from helpers.metrics import rmse

    train, test = reference_split()
    return rmse(test, seasonal_naive_forecast(train, TEST_MONTHS, season=SEASON))


def _fast() -> bool:
    from helpers.mode import fast_mode

    return fast_mode()


def _as_number(value: Any, name: str) -> float:
    if isinstance(value, bool):
        raise Wrong(f"`{name}` should be a number, got {value!r}.")
    try:
        number = float(np.asarray(value, dtype="float64"))
    except (TypeError, ValueError):
        raise Wrong(f"`{name}` should be one number, got a {type(value).__name__}.") from None
    if not np.isfinite(number):
        raise Wrong(f"`{name}` is {number}: it should be a finite number.")
    return number


def _dates(value: Any, name: str) -> pd.DatetimeIndex:
    if not isinstance(value, pd.Series):
        raise Wrong(f"`{name}` should be a pandas Series indexed by dates, got a "
                    f"{type(value).__name__}. Slice the loaded series with .iloc.")
    if not isinstance(value.index, pd.DatetimeIndex):
        raise Wrong(f"`{name}` is indexed by a {type(value.index).__name__}, not by dates: "
                    "keep the DatetimeIndex that helpers.data.load gives.")
    return value.index


# ---------------------------------------------------------------------------
# Task 1 · load
# ---------------------------------------------------------------------------


@check(EXERCISE, 1)
def check_load(series: Any) -> str:
    """Task 1: ``series = data.load("elec_equip")``, 257 months from 1995-01 to 2016-05."""
    require(series, "series")
    if isinstance(series, pd.DataFrame):
        raise Wrong("`series` is a DataFrame; helpers.data.load('elec_equip') returns the "
                    "single column as a Series. Use it as it is.")
    index = _dates(series, "series")
    if len(series) == 176 and index[0] == pd.Timestamp("1980-01-01"):
        raise Wrong("this is the wine sales series from the notebook; load 'elec_equip'.")
    if len(series) != N_ROWS or index[0] != FIRST or index[-1] != LAST:
        span = f"{index[0]:%Y-%m}..{index[-1]:%Y-%m}" if len(index) else "no dates"
        raise Wrong(f"`series` has {len(series)} months ({span}); the electrical-equipment "
                    f"data has {N_ROWS} months, {FIRST:%Y-%m}..{LAST:%Y-%m}. Load it whole "
                    "with data.load('elec_equip').")
    if index.freqstr != "MS":
        raise Wrong("the index has lost its monthly frequency (freq='MS'); use the series "
                    "exactly as data.load returns it.")
    values = as_array(series, "series")
    if not np.allclose(values, _series().to_numpy()):
        raise Wrong("the dates are right but the values differ from the data file: load it "
                    "with data.load('elec_equip') and do not transform it yet.")
    return f"{N_ROWS} months of the turnover index, {FIRST:%Y-%m} to {LAST:%Y-%m}, frequency MS."


# ---------------------------------------------------------------------------
# Task 2 · split
# ---------------------------------------------------------------------------


@check(EXERCISE, 2)
def check_split(train: Any, test: Any) -> str:
    """Task 2: ``train`` is everything before the last 24 months, ``test`` those 24 months."""
    require(train, "train")
    require(test, "test")
    ref_train, ref_test = reference_split()
    train_index, test_index = _dates(train, "train"), _dates(test, "test")
    if not (train_index.is_monotonic_increasing and test_index.is_monotonic_increasing):
        raise Wrong("the dates are shuffled: a forecasting split must stay in time order. "
                    "Do not use train_test_split; slice with .iloc[:-24] and .iloc[-24:].")
    if len(train_index) and len(test_index) and train_index.intersection(test_index).size:
        raise Wrong("train and test share dates: each month belongs to exactly one of them.")
    if len(test) != TEST_MONTHS:
        raise Wrong(f"`test` has {len(test)} months; hold out the last {TEST_MONTHS} "
                    f"(two years) with series.iloc[-{TEST_MONTHS}:].")
    if len(train_index) and len(test_index) and test_index[0] < train_index[0]:
        raise Wrong("the test months come BEFORE the training months. A forecast predicts the "
                    "future, so the test set is the LAST 24 months.")
    if not test_index.equals(ref_test.index):
        raise Wrong(f"`test` covers {test_index[0]:%Y-%m}..{test_index[-1]:%Y-%m}; it should be "
                    f"the last {TEST_MONTHS} months, {ref_test.index[0]:%Y-%m}.."
                    f"{ref_test.index[-1]:%Y-%m}.")
    if not train_index.equals(ref_train.index):
        raise Wrong(f"`train` should be every month before the test period, "
                    f"{ref_train.index[0]:%Y-%m}..{ref_train.index[-1]:%Y-%m} "
                    f"({len(ref_train)} months), with no gap; it has {len(train)}.")
    if not (np.allclose(as_array(train, "train"), ref_train.to_numpy())
            and np.allclose(as_array(test, "test"), ref_test.to_numpy())):
        raise Wrong("the dates are right but the values are not the data's: split the loaded "
                    "series itself, before scaling it.")
    return (f"train {ref_train.index[0]:%Y-%m}..{ref_train.index[-1]:%Y-%m} "
            f"({len(ref_train)} months), test the last {TEST_MONTHS} months, in time order.")


# ---------------------------------------------------------------------------
# Task 3 · scale
# ---------------------------------------------------------------------------


@check(EXERCISE, 3)
def check_scaling(scaler: Any, train_scaled: Any) -> str:
    """Task 3: ``scaler`` fitted on the training part only; ``train_scaled`` = its transform."""
    require(scaler, "scaler")
    require(train_scaled, "train_scaled")
    ref_train, ref_test = reference_split()
    expect_scaler_fitted_on_train(scaler, ref_train, ref_test)
    got = as_array(train_scaled, "train_scaled")
    if got.size != len(ref_train):
        raise Wrong(f"`train_scaled` has {got.size} values but train has {len(ref_train)}: "
                    "scale the training series (only), all of it.")
    expected = np.asarray(scaler.transform(ref_train.to_numpy().reshape(-1, 1)))[:, 0]
    if np.allclose(got.ravel(), ref_train.to_numpy()):
        raise Wrong("`train_scaled` is still in the original units: use "
                    "scaler.transform(train.to_numpy().reshape(-1, 1)).")
    if not np.allclose(got.ravel(), expected, atol=1e-6):
        raise Wrong("`train_scaled` is not scaler.transform(train): transform the training "
                    "values with the scaler you fitted on them.")
    return "the scaler learned its statistics from the training months only."


# ---------------------------------------------------------------------------
# Task 4 · windows
# ---------------------------------------------------------------------------


@check(EXERCISE, 4)
def check_windows(window: Any, X: Any, y: Any, train_scaled: Any) -> str:
    """Task 4: a window of at least 12 months; ``X`` (N, window, 1) and one-step labels ``y``."""
    require(window, "WINDOW")
    require(X, "X")
    require(y, "y")
    window = expect_window_covers_season(window, SEASON, "WINDOW")
    series = as_array(require(train_scaled, "train_scaled"), "train_scaled").ravel()
    X = as_array(X, "X")
    y = as_array(y, "y")
    n = len(series) - window
    if X.ndim == 2 and X.shape == (n, window):
        raise Wrong(f"`X` has shape {X.shape}: a recurrent layer reads (samples, time steps, "
                    "features), so add the feature axis: X[..., np.newaxis] (make_windows "
                    "does it for you).")
    if X.ndim != 3 or X.shape[1:] != (window, 1):
        raise Wrong(f"`X` has shape {X.shape}; windows of {window} months of one series have "
                    f"shape (samples, {window}, 1). Use make_windows(train_scaled, WINDOW).")
    if y.ndim == 2 and y.shape[1] > 1:
        raise Wrong(f"`y` has {y.shape[1]} labels per window; the recursive forecast needs a "
                    "one-step model, so cut the windows with horizon=1.")
    if X.shape[0] != n or y.shape[0] != n:
        raise Wrong(f"`X` has {X.shape[0]} windows and `y` {y.shape[0]} labels; a series of "
                    f"{len(series)} values gives {n} windows of {window} with one label each. "
                    "Cut them from train_scaled only (not from the test months).")
    if np.allclose(X[0, :, 0], series[:window]):
        pass
    elif np.max(np.abs(X)) > 5 * max(1.0, float(np.max(np.abs(series)))):
        raise Wrong("`X` is in the original units: cut the windows from train_scaled.")
    else:
        raise Wrong("the first window should be the first WINDOW values of train_scaled; "
                    "use make_windows(train_scaled, WINDOW).")
    labels = y.reshape(n)
    if np.allclose(labels, series[window - 1 : window - 1 + n]):
        raise Wrong("each label is the last value of its window; it should be the value "
                    "right AFTER the window (the month to predict).")
    if not np.allclose(labels, series[window:]):
        raise Wrong("`y` is not the value following each window; use make_windows.")
    return f"{n} windows of {window} months, each labelled with the month that follows."


# ---------------------------------------------------------------------------
# Task 5 · model
# ---------------------------------------------------------------------------


@check(EXERCISE, 5)
def check_model(model: Any, history: Any, window: Any) -> str:
    """Task 5: a trained recurrent model taking (window, 1) and predicting one value."""
    import keras

    require(model, "model")
    require(history, "history")
    if not isinstance(model, keras.Model):
        raise Wrong(f"`model` should be a Keras model (keras.Sequential), not a "
                    f"{type(model).__name__}.")
    recurrent = (keras.layers.LSTM, keras.layers.GRU, keras.layers.SimpleRNN, keras.layers.RNN)
    if not any(isinstance(layer, recurrent) for layer in model.layers):
        raise Wrong("the model has no recurrent layer: put a keras.layers.LSTM(...) before "
                    "the Dense output layer.")
    inputs = model_shape(model, "input_shape")
    if inputs is None:
        raise Wrong("the model's input shape is unknown: start it with "
                    "keras.Input(shape=(WINDOW, 1)).")
    if isinstance(window, int | np.integer) and not isinstance(window, bool) \
            and inputs[1:] != (int(window), 1):
        raise Wrong(f"the model reads inputs of shape {inputs}, but the windows have shape "
                    f"(None, {int(window)}, 1): use keras.Input(shape=(WINDOW, 1)).")
    outputs = model_shape(model, "output_shape")
    if outputs is None or outputs[1:] != (1,):
        raise Wrong(f"the model outputs shape {outputs}; a one-step model for recursive "
                    "forecasting ends with Dense(1).")
    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", False):
        raise Wrong("the model is not compiled: call model.compile(optimizer='adam', "
                    "loss='mse') and then train it.")
    logs = getattr(history, "history", None)
    if not isinstance(logs, dict) or not logs.get("loss"):
        raise Wrong("`history` should be what fit(...) returned (a keras History with a "
                    "'loss' list).")
    if getattr(history, "model", model) is not model:
        raise Wrong("`history` comes from training a different model: keep the History "
                    "returned when you trained `model`.")
    steps = int(np.asarray(model.optimizer.iterations.numpy()))
    if steps == 0:
        raise Wrong("the optimizer has taken no step: the model is untrained. Train it with "
                    "fit(model, X, y, ...).")
    if "val_loss" not in logs:
        raise Wrong("there is no validation loss: keep the last part of the windows for "
                    "validation (validation_split=0.1) so early stopping can watch it.")
    losses = np.asarray(logs["loss"], dtype="float64")
    if not np.all(np.isfinite(losses)):
        raise Wrong("the training loss became NaN or infinite: check the scaling of X and y.")
    return (f"a recurrent model {inputs} -> {outputs}, trained for {len(losses)} epoch(s) "
            f"({steps} gradient steps).")


# ---------------------------------------------------------------------------
# Task 6 · forecast
# ---------------------------------------------------------------------------


def _teacher_forced(model: Any, scaler: Any, window: int) -> np.ndarray | None:
    """One-step predictions on windows that contain the true test values (the leak)."""
    from helpers.windows import make_windows

    series = _series().to_numpy().reshape(-1, 1)
    scaled = np.asarray(scaler.transform(series))[:, 0]
    X, _ = make_windows(scaled[-(TEST_MONTHS + window) :], window)
    X = X[:TEST_MONTHS]
    pred = np.asarray(model.predict(X, verbose=0)).reshape(-1, 1)
    return np.asarray(scaler.inverse_transform(pred))[:, 0]


@check(EXERCISE, 6)
def check_forecast(forecast: Any, model: Any = None, scaler: Any = None) -> str:
    """Task 6: the recursive 24-month forecast, back in index units, on the test dates.

    With ``model`` and ``scaler`` the check also recomputes the recursive forecast
    and recognises one made from windows holding the true test values.
    """
    require(forecast, "forecast")
    ref_train, ref_test = reference_split()
    values = expect_unscaled_forecast(forecast, ref_test, "forecast")
    if isinstance(forecast, pd.Series | pd.DataFrame):
        if not isinstance(forecast.index, pd.DatetimeIndex) or \
                not forecast.index.equals(ref_test.index):
            first = forecast.index[0] if len(forecast.index) else None
            raise Wrong(f"`forecast` is indexed from {first} but the test months are "
                        f"{ref_test.index[0]:%Y-%m}..{ref_test.index[-1]:%Y-%m}: build it with "
                        "pd.Series(values, index=test.index).")
    if np.allclose(values, ref_test.to_numpy()):
        raise Wrong("`forecast` equals the test values themselves; forecast them with the "
                    "model instead.")
    inputs = model_shape(model, "input_shape")
    if model is None or scaler is None or not hasattr(model, "predict") or \
            inputs is None or len(inputs) != 3 or not isinstance(inputs[1], int):
        return "24 forecast months, in index units, on the test dates."
    from helpers.forecasting import inverse_scale, recursive_forecast

    window = inputs[1]
    try:
        scaled = np.asarray(scaler.transform(ref_train.to_numpy().reshape(-1, 1)))[:, 0]
        expected = inverse_scale(scaler, recursive_forecast(model, scaled, TEST_MONTHS))
    except Exception as err:  # the model or scaler from the earlier tasks does not fit
        raise Wrong(f"could not recompute the forecast with your `model` and `scaler` "
                    f"({type(err).__name__}: {err}). Check tasks 3 and 5 first.") from None
    tolerance = 1e-3 * max(1.0, float(np.mean(np.abs(expected))))
    if np.allclose(values, expected, atol=tolerance):
        return "the model's own recursive 24-month forecast, in index units, on the test dates."
    try:
        leaked = _teacher_forced(model, scaler, window)
    except Exception:  # only a diagnosis: without it the generic hint below still applies
        leaked = None
    if leaked is not None and np.allclose(values, leaked, atol=tolerance):
        raise Wrong("these are one-step predictions from windows that contain the TRUE test "
                    "values, which a real forecast cannot see. Start from the end of "
                    "train_scaled and feed each prediction back: recursive_forecast(model, "
                    "train_scaled, 24).")
    raise Wrong("`forecast` is not the recursive forecast of `model` from the end of the "
                "training data: use recursive_forecast(model, train_scaled, 24), then "
                "inverse_scale(scaler, ...).")


# ---------------------------------------------------------------------------
# Task 7 · RMSE against the seasonal naive forecast
# ---------------------------------------------------------------------------


@check(EXERCISE, 7)
def check_rmse(lstm_rmse: Any, snaive_rmse: Any, forecast: Any) -> str:
    """Task 7: the LSTM's RMSE over the test months and the seasonal-naive RMSE."""
    require(lstm_rmse, "lstm_rmse")
    require(snaive_rmse, "snaive_rmse")
    require(forecast, "forecast")
    ref_train, ref_test = reference_split()
    truth = ref_test.to_numpy()
    values = as_array(forecast, "forecast").ravel()
    if values.shape != truth.shape:
        raise Wrong(f"`forecast` has {values.size} values; task 6 needs {truth.size}.")
    errors = values - truth
    score = _as_number(lstm_rmse, "lstm_rmse")
    expected = float(np.sqrt(np.mean(errors**2)))
    if not np.isclose(score, expected, rtol=1e-6):
        expect_not_mse_or_mae(score, errors, "lstm_rmse", rtol=1e-6)
        raise Wrong(f"`lstm_rmse` = {score:.4g}, but the RMSE of your forecast against the "
                    f"test months is {expected:.4g}: use metrics.rmse(test, forecast).")
    baseline = reference_seasonal_naive_rmse()
    naive = _as_number(snaive_rmse, "snaive_rmse")
    if not np.isclose(naive, baseline, rtol=1e-6):
        from helpers.baselines import naive_forecast, seasonal_naive_forecast
        from helpers.metrics import rmse

        slips = {
            "the plain naive forecast (the last value repeated); use "
            "seasonal_naive_forecast(train, 24, season=12)": naive_forecast(ref_train, TEST_MONTHS),
            "a season of 24; the yearly cycle of monthly data is season=12":
                seasonal_naive_forecast(ref_train, TEST_MONTHS, season=2 * SEASON),
        }
        for hint, candidate in slips.items():
            if np.isclose(naive, rmse(ref_test, candidate), rtol=1e-6):
                raise Wrong(f"`snaive_rmse` is the RMSE of {hint}.")
        raise Wrong(f"`snaive_rmse` = {naive:.4g} is not the seasonal-naive RMSE over the test "
                    "months: forecast with seasonal_naive_forecast(train, 24, season=12) and "
                    "compare with test.")
    if _fast():
        print("Note: fast mode trains the model for a few epochs only, so its RMSE is not "
              "compared with the baseline; run in full mode for that.")
    else:
        try:
            expect_near_baseline(score, baseline, "lstm_rmse", factor=NEAR_BASELINE_FACTOR)
        except Wrong as err:
            raise Wrong(f"{err} Look at the training curve too: if training stopped after a "
                        "few epochs, the network never learned the yearly pattern (use "
                        "Adam(learning_rate=0.01) as the task suggests).") from None
    verdict = "below" if score < baseline else "above"
    return (f"LSTM RMSE {score:.2f} vs seasonal naive {baseline:.2f}: the LSTM is {verdict} "
            "the baseline.")


# ---------------------------------------------------------------------------
# Task 8 · the future
# ---------------------------------------------------------------------------


@check(EXERCISE, 8)
def check_future(future: Any) -> str:
    """Task 8: a 12-month forecast after the last month of data, on dates 2016-06..2017-05."""
    require(future, "future")
    if not isinstance(future, pd.Series):
        values = as_array(future, "future")
        raise Wrong(f"`future` is a {type(future).__name__} of {values.size} values without "
                    "dates; put it on the months after the data with "
                    "to_series(values, series.index).")
    index = future.index
    if not isinstance(index, pd.DatetimeIndex):
        raise Wrong("`future` is not indexed by dates; use to_series(values, series.index) or "
                    "future_index(series.index, 12).")
    if len(future) != FUTURE_MONTHS:
        raise Wrong(f"`future` has {len(future)} months; forecast the next {FUTURE_MONTHS}.")
    if index[0] != FUTURE_START:
        _, ref_test = reference_split()
        if index[0] == ref_test.index[0]:
            raise Wrong("`future` starts where the test period starts: retrain on ALL the data "
                        "and forecast from its last month, so the forecast starts 2016-06.")
        raise Wrong(f"`future` starts {index[0]:%Y-%m-%d}; the month after the data is "
                    f"{FUTURE_START:%Y-%m-%d}.")
    expected = pd.date_range(FUTURE_START, periods=FUTURE_MONTHS, freq="MS")
    if not index.equals(expected):
        raise Wrong("the dates are not consecutive months starting 2016-06-01: build them with "
                    "future_index(series.index, 12).")
    values = as_array(future, "future")
    if not np.all(np.isfinite(values)):
        raise Wrong("`future` contains NaN or infinite values.")
    level = float(_series().iloc[-24:].abs().mean())
    if np.max(np.abs(values)) <= 3:
        raise Wrong(f"`future` is still in scaled units (around {np.mean(values):.2f}, while the "
                    f"index is around {level:.0f}): apply the scaler's inverse_transform.")
    return (f"12 monthly forecasts from {FUTURE_START:%Y-%m} to {expected[-1]:%Y-%m}, "
            "in index units.")
