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

from helpers.checks import Wrong, as_array, as_number, check, model_shape, require, task_count
from helpers.checks.forecast import (
    expect_model_forecast,
    expect_near_baseline,
    expect_not_mse_or_mae,
    expect_scaler_fitted_on_train,
    expect_unscaled_forecast,
    expect_window_covers_season,
)

import numpy as np
import pandas as pd

EXERCISE = "07_monthly_sales"

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


def _dates(value: Any, name: str) -> pd.DatetimeIndex:
    if not isinstance(value, pd.Series):
        raise Wrong(f"`{name}` should be a pandas Series indexed by dates, got a "
                    f"{type(value).__name__}. Slice the loaded series with .iloc.")
    if not isinstance(value.index, pd.DatetimeIndex):
        raise Wrong(f"`{name}` is indexed by a {type(value.index).__name__}, not by dates: "
                    "keep the DatetimeIndex that helpers.data.load gives.")
    return value.index


# ---------------------------------------------------------------------------
# What a trained model saw: recomputed from the model, its History and the scaler
# ---------------------------------------------------------------------------

BATCH_SIZES = (8, 16, 32, 64, 128, 256)


def _window_losses(model: Any, scaled: np.ndarray, window: int) -> np.ndarray | None:
    """The model's loss on every one-step window of ``scaled`` (None when it cannot be computed)."""
    from helpers.windows import make_windows

    import keras

    try:
        X, y = make_windows(scaled, window)
        pred = np.asarray(keras.ops.convert_to_numpy(model(X, training=False)), dtype="float64")
        pred = pred.reshape(len(X), -1)
    except Exception:  # a model that does not read these windows: other checks explain why
        return None
    if pred.shape[1] != 1:
        return None
    loss = getattr(model, "loss", "mse")
    name = loss if isinstance(loss, str) else getattr(loss, "name", type(loss).__name__)
    errors = pred[:, 0] - np.asarray(y, dtype="float64").reshape(-1)
    if str(name).lower() in ("mae", "mean_absolute_error"):
        return np.abs(errors)
    if str(name).lower() in ("mse", "mean_squared_error"):
        return errors**2
    return None   # another loss: the check cannot recompute it


def _watched(model: Any, history: Any, scaled: np.ndarray, window: int,
             ends: tuple[int, ...]) -> tuple[int, int] | None:
    """``(end, k)`` when early stopping watched the last ``k`` windows before window ``end``.

    The model's loss on those windows equals the History's best (restored weights) or last
    validation loss. ``None`` when no such stretch matches, or the loss is not MSE/MAE.
    """
    losses = _window_losses(model, scaled, window)
    logs = getattr(history, "history", {}) or {}
    recorded = [float(v) for v in logs.get("val_loss", []) if np.isfinite(v)]
    if losses is None or not recorded:
        return None
    targets = {min(recorded), recorded[-1]}
    for end in ends:
        sums = np.cumsum(losses[:end][::-1])        # sums[k - 1]: the last k windows before end
        means = sums / np.arange(1, end + 1)
        for target in targets:
            close = np.flatnonzero(np.abs(means - target) <= 2e-4 * max(abs(target), 1e-8))
            if close.size:
                return end, int(close[0]) + 1
    return None


def _steps_fit(steps: int, n_windows: int) -> bool:
    """Could an epoch of ``steps`` batches come from ``n_windows`` training windows?"""
    return any(-(-n_windows // batch) == steps for batch in BATCH_SIZES)


# ---------------------------------------------------------------------------
# Task 1 · load
# ---------------------------------------------------------------------------


def _history_logs(history: Any, model: Any, name: str, model_name: str) -> dict:
    """The logs of ``history``; Wrong unless it is the History of training ``model``."""
    logs = getattr(history, "history", None)
    if not isinstance(logs, dict) or not logs.get("loss"):
        raise Wrong(f"`{name}` should be what fit({model_name}, ...) returned (a keras "
                    "History with a 'loss' list).")
    if getattr(history, "model", model) is not model:
        raise Wrong(f"`{name}` comes from training a different model: keep the History "
                    f"returned when you trained `{model_name}`.")
    return logs


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
def check_model(model: Any, history: Any, window: Any, scaler: Any) -> str:
    """Task 5: a trained recurrent model taking (window, 1), predicting one value.

    Besides the model's shape, the check recomputes from the student's ``model``,
    ``history`` and ``scaler`` which windows early stopping watched: the model's loss on
    the last k windows of the series (scaled with ``scaler``) must equal the best (or
    last) validation loss in ``history``. So a model trained on windows of the whole
    series, test months included, or one whose early stopping watched windows it also
    trained on, is recognised.
    """
    import keras

    require(model, "model")
    require(history, "history")
    require(scaler, "scaler")
    if not isinstance(model, keras.Model):
        raise Wrong(f"`model` should be a Keras model (keras.Sequential), not a "
                    f"{type(model).__name__}.")
    recurrent = (keras.layers.LSTM, keras.layers.GRU, keras.layers.SimpleRNN, keras.layers.RNN,
                 keras.layers.Bidirectional)
    if not any(isinstance(layer, recurrent) for layer in _all_layers(model)):
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
    logs = _history_logs(history, model, "history", "model")
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
    _expect_held_out(model, history, scaler, int(inputs[1]))
    return (f"a recurrent model {inputs} -> {outputs}, trained for {len(losses)} epoch(s) "
            f"({steps} gradient steps), early stopping on the last training windows.")


def _all_layers(model: Any) -> list[Any]:
    """Every layer of ``model``, nested models and wrappers (Bidirectional...) included."""
    found, stack = [], list(getattr(model, "layers", []))
    while stack:
        layer = stack.pop()
        found.append(layer)
        stack.extend(getattr(layer, "layers", []) or [])
        for attribute in ("layer", "forward_layer"):
            inner = getattr(layer, attribute, None)
            if inner is not None:
                stack.append(inner)
    return found


def _scaled_series(scaler: Any) -> np.ndarray | None:
    try:
        values = _series().to_numpy().reshape(-1, 1)
        return np.asarray(scaler.transform(values), dtype="float64")[:, 0]
    except Exception:  # not a fitted scaler: task 3's check explains
        return None


def _expect_held_out(model: Any, history: Any, scaler: Any, window: int) -> None:
    """Wrong when early stopping watched test months, or windows the model trained on."""
    scaled = _scaled_series(scaler)
    if scaled is None:
        raise Wrong("could not scale the series with your `scaler`; check task 3 first.")
    n_all = len(scaled) - window                      # windows of the whole series
    n_train = n_all - TEST_MONTHS                     # windows whose label is a training month
    found = _watched(model, history, scaled, window, ends=(n_train, n_all))
    if found is None:
        raise Wrong("the validation losses in `history` are not the model's error on the last "
                    "windows of the training months, so early stopping did not watch them (or "
                    "the model was trained again afterwards). Train once with fit(model, X, y, "
                    "..., validation_split=0.1, patience=PATIENCE) and keep what it returns.")
    end, k = found
    if end == n_all:
        raise Wrong(f"early stopping watched the last {k} windows of the WHOLE series, whose "
                    "labels are test months: the model was trained on windows cut from the "
                    "test period too. Cut X, y from train_scaled only (task 4) and train on them.")
    steps = getattr(history, "params", {}).get("steps")
    if k >= n_train or (isinstance(steps, int) and _steps_fit(steps, n_train)
                        and not _steps_fit(steps, n_train - k)):
        raise Wrong(f"early stopping watched the last {k} windows, but the model also trained "
                    "on them, so it watched an in-sample loss. Keep them out of training: "
                    "validation_split=0.1 does that (or train on X[:-k] and validate on X[-k:]).")


# ---------------------------------------------------------------------------
# Task 6 · forecast
# ---------------------------------------------------------------------------


def _keras_model(model: Any, name: str) -> tuple:
    """The input shape of a one-step Keras model reading (window, 1); Wrong otherwise."""
    import keras

    if not isinstance(model, keras.Model):
        raise Wrong(f"`{name}` should be the Keras model you trained, not a "
                    f"{type(model).__name__}.")
    inputs = model_shape(model, "input_shape")
    if inputs is None or len(inputs) != 3 or not isinstance(inputs[1], int) or inputs[2] != 1:
        raise Wrong(f"`{name}` reads inputs of shape {inputs}; it should read windows of "
                    "shape (WINDOW, 1): build it with build_model(WINDOW).")
    return inputs


@check(EXERCISE, 6)
def check_forecast(forecast: Any, model: Any, scaler: Any) -> str:
    """Task 6: ``model``'s recursive 24-month forecast, in index units, as a Series on the test dates.

    The check recomputes the recursive forecast from the end of the training months
    with the student's own ``model`` and ``scaler`` and compares, so a copy of the
    seasonal-naive forecast, one-step predictions on windows holding the true test
    values, or a forecast started from the first window are recognised. The forecast
    must be a Series on the test dates because the plot cell below draws it on them.
    """
    require(forecast, "forecast")
    require(model, "model")
    require(scaler, "scaler")
    ref_train, ref_test = reference_split()
    if isinstance(forecast, pd.DataFrame):
        raise Wrong("`forecast` is a DataFrame; the plot below draws one line per Series. "
                    "Build a Series: pd.Series(values, index=test.index).")
    values = expect_unscaled_forecast(forecast, ref_test, "forecast")
    if np.allclose(values, ref_test.to_numpy()):
        raise Wrong("`forecast` equals the test values themselves; forecast them with the "
                    "model instead.")
    _keras_model(model, "model")
    try:
        history = np.asarray(scaler.transform(ref_train.to_numpy().reshape(-1, 1)),
                             dtype="float64")[:, 0]
    except Exception as err:  # an unfitted scaler, or not a scaler at all
        from helpers.checks import describe_error

        raise Wrong(f"could not scale the training months with your `scaler` "
                    f"({describe_error(err)}). Check task 3 first.") from None
    expect_model_forecast(values, model, scaler, history, ref_test, "forecast", season=SEASON)
    if not isinstance(forecast, pd.Series):
        raise Wrong(f"`forecast` holds the right values, but it is a {type(forecast).__name__} "
                    "without dates, and the plot below needs them: "
                    "pd.Series(values, index=test.index).")
    if not isinstance(forecast.index, pd.DatetimeIndex) or \
            not forecast.index.equals(ref_test.index):
        first = forecast.index[0] if len(forecast.index) else None
        raise Wrong(f"`forecast` holds the right values but is indexed from {first}, while "
                    f"the test months are {ref_test.index[0]:%Y-%m}..{ref_test.index[-1]:%Y-%m}: "
                    "build it with pd.Series(values, index=test.index).")
    return "the model's own recursive 24-month forecast, in index units, on the test dates."


def _rmse_number(value: Any, name: str) -> float:
    """``as_number``, with a hint for the NaN that misaligned pandas indexes produce."""
    if isinstance(value, float | np.floating) and np.isnan(value) or \
            isinstance(value, pd.Series | pd.DataFrame) and value.size == 1 and \
            bool(np.isnan(np.asarray(value, dtype="float64")).all()):
        raise Wrong(f"`{name}` is NaN. Subtracting two pandas Series whose indexes differ "
                    "(dates vs 0, 1, 2...) pairs them by index and leaves NaN: use "
                    "metrics.rmse(test, forecast), or compare plain arrays.")
    return as_number(value, name)


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
    score = _rmse_number(lstm_rmse, "lstm_rmse")
    expected = float(np.sqrt(np.mean(errors**2)))
    if not np.isclose(score, expected, rtol=1e-6):
        expect_not_mse_or_mae(score, errors, "lstm_rmse", rtol=1e-6)
        raise Wrong(f"`lstm_rmse` = {score:.4g}, but the RMSE of your forecast against the "
                    f"test months is {expected:.4g}: use metrics.rmse(test, forecast).")
    baseline = reference_seasonal_naive_rmse()
    naive = _rmse_number(snaive_rmse, "snaive_rmse")
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


def _scaler_on_all(full_scaler: Any) -> np.ndarray:
    """``full_scaler.transform(series)``; Wrong unless it was fitted on the whole series."""
    from helpers.checks.forecast import _learned_stats, _stats_of

    series = _series().to_numpy().reshape(-1, 1)
    learned = _learned_stats(full_scaler)
    if learned is None:
        if hasattr(full_scaler, "fit"):
            raise Wrong("`full_scaler` is not fitted: fit it on the whole series, "
                        "full_scaler.fit(series.to_numpy().reshape(-1, 1)).")
        raise Wrong("`full_scaler` should be a scikit-learn scaler such as StandardScaler, "
                    f"not a {type(full_scaler).__name__}.")
    own = learned[1]
    on_all = _stats_of(full_scaler, series)
    if on_all is None or on_all.shape != own.shape or not np.allclose(on_all, own):
        on_train = _stats_of(full_scaler, series[:-TEST_MONTHS])
        if on_train is not None and on_train.shape == own.shape and np.allclose(on_train, own):
            raise Wrong("`full_scaler` learned its statistics from the training months only "
                        "(it is the task-3 scaler, or fitted like it). For the final forecast "
                        "there is no test set left: fit a new scaler on the whole series.")
        raise Wrong("`full_scaler` was not fitted on the whole series: "
                    "full_scaler = StandardScaler().fit(series.to_numpy().reshape(-1, 1)).")
    try:
        return np.asarray(full_scaler.transform(series), dtype="float64")[:, 0]
    except Exception as err:  # pragma: no cover - a fitted scaler transforms its own data
        from helpers.checks import describe_error

        raise Wrong(f"`full_scaler` could not transform the series ({describe_error(err)}).") \
            from None


@check(EXERCISE, 8)
def check_future(future: Any, final_model: Any, full_scaler: Any, final_history: Any,
                 model: Any = None) -> str:
    """Task 8: the retrained model's 12-month forecast after the data, on 2016-06..2017-05.

    The check recomputes ``inverse_scale(full_scaler, recursive_forecast(final_model,
    scaled series, 12))`` with the student's objects, after checking that
    ``full_scaler`` was fitted on the whole series, that ``final_model`` is a new,
    trained model and not ``model``, the one trained on the training months in task 5,
    and, from ``final_history``, that it was trained on the windows of the whole series:
    its early stopping watched the last windows of the series, scaled with ``full_scaler``.
    """
    from helpers.forecasting import inverse_scale, recursive_forecast

    require(future, "future")
    require(final_model, "final_model")
    require(full_scaler, "full_scaler")
    require(final_history, "final_history")
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
    expected_dates = pd.date_range(FUTURE_START, periods=FUTURE_MONTHS, freq="MS")
    if not index.equals(expected_dates):
        raise Wrong("the dates are not consecutive months starting 2016-06-01: build them with "
                    "future_index(series.index, 12).")
    values = as_array(future, "future")
    if not np.all(np.isfinite(values)):
        raise Wrong("`future` contains NaN or infinite values.")
    series = _series()
    level = float(series.iloc[-24:].abs().mean())
    if np.max(np.abs(values)) <= 3:
        raise Wrong(f"`future` is still in scaled units (around {np.mean(values):.2f}, while the "
                    f"index is around {level:.0f}): apply the scaler's inverse_transform.")
    if np.allclose(values, series.to_numpy()[-FUTURE_MONTHS:], atol=1e-6):
        raise Wrong("`future` is the last 12 months of data copied onto the next 12 dates "
                    "(a seasonal-naive forecast), not your model's forecast.")
    if np.ptp(values) < 1e-6:
        raise Wrong("`future` is one constant value repeated; it should be the retrained "
                    "model's recursive forecast.")
    if model is not None and final_model is model:
        raise Wrong("`final_model` is `model`, the network trained in task 5 without the "
                    "last 24 months. Build a new one with build_model(WINDOW) and train it on "
                    "the windows of the whole series.")
    _keras_model(final_model, "final_model")
    optimizer = getattr(final_model, "optimizer", None)
    iterations = getattr(optimizer, "iterations", None)
    if iterations is None or int(np.asarray(_numpy(iterations))) == 0:
        raise Wrong("`final_model` has never been trained: fit it on the windows of the "
                    "whole series (X_all, y_all) as in task 5.")
    scaled = _scaler_on_all(full_scaler)
    _expect_trained_on_all(final_model, final_history, scaled)
    try:
        expected = np.ravel(inverse_scale(full_scaler,
                                          recursive_forecast(final_model, scaled, FUTURE_MONTHS)))
    except Exception as err:  # the model does not fit the scaled series
        from helpers.checks import describe_error

        raise Wrong(f"could not recompute the forecast with `final_model` and `full_scaler` "
                    f"({describe_error(err)}).") from None
    tolerance = 2e-5 * max(1.0, float(np.mean(np.abs(expected))))
    if np.allclose(values, expected, atol=tolerance):
        return (f"final_model's recursive forecast of the 12 months {FUTURE_START:%Y-%m} to "
                f"{expected_dates[-1]:%Y-%m}, in index units.")
    diagnoses: list[tuple[str, Any]] = []
    if model is not None and model is not final_model:
        diagnoses.append((
            "`future` is the forecast of `model`, the task-5 network that never saw the last "
            "24 months; forecast with `final_model`, retrained on all the data.",
            lambda: inverse_scale(full_scaler, recursive_forecast(model, scaled, FUTURE_MONTHS))))
    diagnoses.append((
        "`future` was turned back into index points with a scaler fitted on the training "
        "months only (the task-3 `scaler`), while the model reads values scaled with "
        "`full_scaler`: inverse_scale(full_scaler, ...).",
        lambda: _with_train_scaler(full_scaler, recursive_forecast(final_model, scaled,
                                                                   FUTURE_MONTHS))))
    diagnoses.append((
        "`future` continues from the end of the TRAINING months (2014-05), not from the end "
        "of the series: recursive_forecast(final_model, series_scaled, 12).",
        lambda: inverse_scale(full_scaler, recursive_forecast(
            final_model, scaled[:-TEST_MONTHS], FUTURE_MONTHS))))
    for hint, make in diagnoses:
        try:
            candidate = np.ravel(make())
        except Exception:  # only a diagnosis; the generic hint below still applies
            continue
        if np.allclose(values, candidate, atol=tolerance):
            raise Wrong(hint)
    raise Wrong("`future` is not the recursive forecast of `final_model` from the end of the "
                "series: future_values = inverse_scale(full_scaler, recursive_forecast("
                "final_model, series_scaled, 12)), then to_series(future_values, series.index).")


def _with_train_scaler(full_scaler: Any, scaled_forecast: Any) -> np.ndarray:
    """``scaled_forecast`` inverse-scaled by a scaler like ``full_scaler`` fitted on train only."""
    from helpers.forecasting import inverse_scale

    from sklearn.base import clone

    ref_train, _ = reference_split()
    on_train = clone(full_scaler).fit(ref_train.to_numpy().reshape(-1, 1))
    return inverse_scale(on_train, scaled_forecast)


def _expect_trained_on_all(final_model: Any, final_history: Any, scaled: np.ndarray) -> None:
    """Wrong unless ``final_history`` shows training on the windows of the whole series."""
    logs = _history_logs(final_history, final_model, "final_history", "final_model")
    if "val_loss" not in logs:
        raise Wrong("`final_history` has no validation loss: train final_model as in task 5, "
                    "with validation_split=0.1 and early stopping.")
    inputs = model_shape(final_model, "input_shape")
    window = int(inputs[1])
    n_all = len(scaled) - window
    found = _watched(final_model, final_history, scaled, window, ends=(n_all, n_all - TEST_MONTHS))
    if found is None or found[0] != n_all:
        raise Wrong("`final_model` was not trained on the windows of the whole series: its "
                    "early stopping did not watch the last windows of the series scaled with "
                    "`full_scaler` (trained on the task-4 windows, or on windows scaled with "
                    "the task-3 scaler?). Cut X_all, y_all = make_windows(series_scaled, WINDOW) "
                    "and train final_model on them.")


# ---------------------------------------------------------------------------
# Task 9 · choose the classical model on a validation period
# ---------------------------------------------------------------------------

VALIDATION_MONTHS = 24


def reference_validation() -> tuple[pd.Series, pd.Series]:
    """``(fit_part, val_part)``: the training months before the last 24, and those 24."""
    train, _ = reference_split()
    return train.iloc[:-VALIDATION_MONTHS], train.iloc[-VALIDATION_MONTHS:]


def _forecast_series(value: Any, name: str, dates: pd.DatetimeIndex, period: str) -> np.ndarray:
    """The values of a forecast Series on ``dates``; Wrong, with the fix, otherwise."""
    if not isinstance(value, pd.Series):
        raise Wrong(f"{name} should be a pandas Series on the {period} dates (what the "
                    f"baselines return), not a {type(value).__name__}.")
    if not isinstance(value.index, pd.DatetimeIndex) or not value.index.equals(dates):
        _, ref_test = reference_split()
        if len(value.index) and value.index[0] in ref_test.index:
            raise Wrong(f"{name} forecasts TEST months ({value.index[0]:%Y-%m}..): a choice made "
                        "there lets the test period decide. Fit on fit_part and forecast the "
                        f"{period} months, {dates[0]:%Y-%m}..{dates[-1]:%Y-%m}.")
        raise Wrong(f"{name} should be indexed by the {len(dates)} {period} months "
                    f"{dates[0]:%Y-%m}..{dates[-1]:%Y-%m}: forecast {len(dates)} months from the "
                    "end of the data it was fitted on.")
    values = as_array(value, name)
    if not np.all(np.isfinite(values)):
        raise Wrong(f"{name} contains NaN or infinite values.")
    return values


@check(EXERCISE, 9)
def check_choice(val_forecasts: Any, chosen: Any) -> str:
    """Task 9: forecasts of the validation months from ``fit_part`` and the lowest-RMSE choice.

    The check recomputes every RMSE from the student's forecasts and the validation
    months, recognises forecasts of the test months or of the validation months from data
    that include them, and makes sure ``chosen`` is the lowest.
    """
    require(val_forecasts, "val_forecasts")
    require(chosen, "chosen")
    if not isinstance(val_forecasts, dict) or len(val_forecasts) < 3:
        raise Wrong("`val_forecasts` should be a dict {model name: forecast Series} with at "
                    "least three candidates: seasonal naive, SARIMA and ETS.")
    names = " ".join(str(k).lower() for k in val_forecasts)
    if "sarima" not in names or "ets" not in names:
        raise Wrong("compare SARIMA and ETS (name the keys so, e.g. 'SARIMA', 'ETS(M,Ad,M)') "
                    "with seasonal naive.")
    fit_part, val_part = reference_validation()
    truth = val_part.to_numpy()
    series = _series()
    in_sample_naive = series.shift(SEASON).loc[val_part.index].to_numpy()
    scores = {}
    for name, forecast in val_forecasts.items():
        values = _forecast_series(forecast, f"val_forecasts[{name!r}]", val_part.index, "validation")
        if np.allclose(values, truth):
            raise Wrong(f"val_forecasts[{name!r}] is the validation months themselves.")
        if np.allclose(values, in_sample_naive):
            raise Wrong(f"val_forecasts[{name!r}] repeats each month of the year before, also "
                        "inside the validation period, so its second year uses validation "
                        "months: seasonal_naive_forecast(fit_part, 24, season=12) instead.")
        scores[name] = float(np.sqrt(np.mean((values - truth) ** 2)))
    if not isinstance(chosen, str) or chosen not in scores:
        raise Wrong(f"`chosen` should be one of the keys of val_forecasts {list(scores)}, "
                    f"got {chosen!r}.")
    best = min(scores, key=scores.get)
    if chosen != best:
        raise Wrong(f"`chosen` is {chosen!r} (RMSE {scores[chosen]:.2f} on the validation "
                    f"months) but {best!r} has the lowest RMSE there ({scores[best]:.2f}). "
                    "Choose in code: min(val_rmse, key=val_rmse.get).")
    shown = ", ".join(f"{k} {v:.2f}" for k, v in sorted(scores.items(), key=lambda kv: kv[1]))
    return f"validation RMSE: {shown}; chosen on the validation months: {chosen}."


# ---------------------------------------------------------------------------
# Task 10 · a rolling-origin comparison
# ---------------------------------------------------------------------------

MIN_ORIGINS = 3


@check(EXERCISE, 10)
def check_backtest(folds: Any, backtest: Any) -> str:
    """Task 10: rolling-origin folds for seasonal naive, SARIMA and ETS, and their RMSE table.

    The check verifies every fold against the series (the truth, the forecast dates, the
    end of training), that all models share the same origins, recomputes the seasonal-naive
    forecasts, and recomputes the table of RMSEs from the student's folds.
    """
    from helpers.baselines import BacktestFold, seasonal_naive_forecast

    require(folds, "folds")
    require(backtest, "backtest")
    if not isinstance(folds, dict) or len(folds) < 3:
        raise Wrong("`folds` should be a dict {model name: rolling_origin(...)} with seasonal "
                    "naive, SARIMA and ETS.")
    names = " ".join(str(k).lower() for k in folds)
    if "sarima" not in names or "ets" not in names or "naive" not in names:
        raise Wrong("the backtest should compare seasonal naive, SARIMA and ETS (keys naming "
                    "them).")
    series = _series()
    rmse: dict[str, dict[pd.Timestamp, float]] = {}
    origins = None
    for name, model_folds in folds.items():
        if not isinstance(model_folds, list) or not all(isinstance(f, BacktestFold)
                                                        for f in model_folds):
            raise Wrong(f"folds[{name!r}] should be the list that rolling_origin returns.")
        if len(model_folds) < MIN_ORIGINS:
            raise Wrong(f"folds[{name!r}] has {len(model_folds)} origin(s); use at least "
                        f"{MIN_ORIGINS} (origins=4), so the comparison does not rest on one year.")
        ends = [f.train_end for f in model_folds]
        if origins is None:
            origins = ends
        elif ends != origins:
            raise Wrong(f"folds[{name!r}] starts from other origins than the first model: every "
                        "model must be scored from the same origins, on the same months.")
        rmse[name] = {}
        for fold in model_folds:
            truth = fold.truth
            if not isinstance(truth, pd.Series) or not truth.index.isin(series.index).all() or \
                    not np.allclose(truth.to_numpy(), series.loc[truth.index].to_numpy()):
                raise Wrong(f"the truth of folds[{name!r}] is not the series itself: pass "
                            "`series` (unscaled) to rolling_origin.")
            position = series.index.get_loc(fold.train_end)
            if truth.index[0] != series.index[position + 1]:
                raise Wrong(f"in folds[{name!r}], the forecast from {fold.train_end:%Y-%m} does "
                            "not start the month after training ends.")
            values = _forecast_series(fold.forecast, f"a forecast of folds[{name!r}]",
                                      truth.index, "forecast")
            if "seasonal naive" in str(name).lower():
                expected = seasonal_naive_forecast(series.loc[:fold.train_end], len(truth),
                                                   season=SEASON).to_numpy()
                if not np.allclose(values, expected):
                    raise Wrong(f"folds[{name!r}] is not the seasonal-naive forecast from each "
                                "origin: rolling_origin(series, seasonal_naive_forecast, 12, "
                                "origins=4, season=12).")
            if np.allclose(values, truth.to_numpy()):
                raise Wrong(f"a forecast of folds[{name!r}] equals the truth: it saw the months "
                            "it forecasts.")
            rmse[name][fold.train_end] = float(np.sqrt(np.mean((values - truth.to_numpy()) ** 2)))
    expected_table = pd.DataFrame(rmse)
    if not isinstance(backtest, pd.DataFrame):
        raise Wrong("`backtest` should be a DataFrame of RMSEs, one row per origin and one "
                    "column per model: pd.DataFrame({name: backtest_scores(f)['RMSE'] ...}).")
    table = backtest
    if set(map(str, table.index)) == set(map(str, expected_table.columns)):
        table = table.T
    if set(map(str, table.columns)) != set(map(str, expected_table.columns)) or \
            len(table) != len(expected_table):
        raise Wrong(f"`backtest` should have one column per model {list(rmse)} and one row per "
                    f"origin ({len(expected_table)}).")
    got = table[list(expected_table.columns)].to_numpy(dtype="float64")
    if not np.allclose(got, expected_table.to_numpy(), rtol=1e-6):
        if np.allclose(got, expected_table.to_numpy() ** 2, rtol=1e-6):
            raise Wrong("`backtest` holds squared errors (MSE); take the RMSE.")
        raise Wrong("`backtest` is not the RMSE of each fold: backtest_scores(folds[name])['RMSE'].")
    means = expected_table.mean().sort_values()
    return ("mean RMSE over the origins: " + ", ".join(f"{k} {v:.2f}" for k, v in means.items())
            + f" ({len(expected_table)} origins, every model on the same months).")


# ---------------------------------------------------------------------------
# Task 11 · sample noise: is the gap larger than the test period's own noise?
# ---------------------------------------------------------------------------


@check(EXERCISE, 11)
def check_noise(dm: Any, gap_is_real: Any, forecast: Any, sarima_test: Any) -> str:
    """Task 11: a Diebold-Mariano test of the LSTM against SARIMA on the test months.

    The check recomputes the test from the student's ``forecast`` (task 6) and
    ``sarima_test`` (the airline SARIMA on log values, fitted on ``train``), accepts
    squared or absolute errors in either order, and checks the verdict ``gap_is_real``.
    """
    from helpers.significance import DMResult, diebold_mariano

    require(dm, "dm")
    require(forecast, "forecast")
    require(sarima_test, "sarima_test")
    require(gap_is_real, "gap_is_real")
    ref_train, ref_test = reference_split()
    lstm = _forecast_series(forecast, "`forecast`", ref_test.index, "test")
    sarima = _forecast_series(sarima_test, "`sarima_test`", ref_test.index, "test")
    if not any(np.allclose(sarima, reference, rtol=1e-4) for reference in _airline_test()):
        raise Wrong("`sarima_test` is not the airline SARIMA fitted on the log of `train` "
                    "(its median, or its bias-adjusted mean): baselines.sarimax_forecast(train, "
                    "24, order=(0, 1, 1), seasonal_order=(0, 1, 1, 12), log=True).")
    if not isinstance(dm, DMResult):
        raise Wrong("`dm` should be what diebold_mariano(...) returns.")
    truth = ref_test.to_numpy()
    candidates = {}
    for loss_name, loss in (("squared", np.square), ("absolute", np.abs)):
        a, b = loss(lstm - truth), loss(sarima - truth)
        candidates[(loss_name, "lstm first")] = diebold_mariano(a, b)
        candidates[(loss_name, "sarima first")] = diebold_mariano(b, a)
    match = next((key for key, r in candidates.items()
                  if np.isclose(r.statistic, dm.statistic, rtol=1e-4, atol=1e-9)
                  and np.isclose(r.p_value, dm.p_value, rtol=1e-4, atol=1e-9)), None)
    if match is None:
        if dm.horizon != 1:
            raise Wrong(f"`dm` was computed with horizon={dm.horizon}; the losses here are one "
                        "per test month, so use the default horizon=1.")
        raise Wrong("`dm` is not the Diebold-Mariano test of your LSTM forecast (task 6) against "
                    "`sarima_test` on the test months: diebold_mariano(squared_errors(test, "
                    "forecast), squared_errors(test, sarima_test)).")
    if not isinstance(gap_is_real, bool | np.bool_):
        raise Wrong(f"`gap_is_real` should be True or False, not {gap_is_real!r}.")
    significant = dm.p_value < 0.05
    if bool(gap_is_real) != significant:
        if significant:
            raise Wrong(f"p = {dm.p_value:.3f} is below 0.05: the gap is larger than the test "
                        "period's sample noise, so gap_is_real should be True.")
        raise Wrong(f"p = {dm.p_value:.3f}: a gap this size could come from the test months' "
                    "noise alone, so gap_is_real should be False (the test cannot tell the two "
                    "forecasts apart).")
    winner = "SARIMA" if (dm.mean_diff > 0) == (match[1] == "lstm first") else "the LSTM"
    verdict = (f"{winner} is more accurate, beyond sample noise" if significant
               else "the test months cannot tell them apart")
    return f"DM = {dm.statistic:.2f}, p = {dm.p_value:.3f} ({match[0]} errors): {verdict}."


# ---------------------------------------------------------------------------
# Task 12 · seed noise: is the gap larger than the spread over seeds?
# ---------------------------------------------------------------------------


def _seed_rmses(seed_rmse: Any, seeds: list[Any]) -> np.ndarray:
    """The student's RMSE per seed, in the order of ``seeds`` (Series/dict by seed, or a list)."""
    if isinstance(seed_rmse, dict | pd.Series):
        keys = list(seed_rmse.keys())
        if sorted(map(str, keys)) != sorted(map(str, seeds)):
            raise Wrong(f"`seed_rmse` has the seeds {keys}, `seed_forecasts` has {seeds}: one "
                        "RMSE per forecast, under the same seed.")
        by_key = {str(k): v for k, v in seed_rmse.items()}
        values = [by_key[str(seed)] for seed in seeds]
    else:
        values = seed_rmse
    values = as_array(values, "`seed_rmse`").astype(float).ravel()
    if len(values) != len(seeds):
        raise Wrong(f"`seed_rmse` has {len(values)} values for {len(seeds)} seeds.")
    return values


@check(EXERCISE, 12)
def check_seed_noise(seed_forecasts: Any, seed_rmse: Any, beyond_seeds: Any, forecast: Any,
                     sarima_test: Any) -> str:
    """Task 12: three or more seeds of the task-5 recipe, their RMSEs, and the seed-noise verdict.

    The check needs the task-6 ``forecast`` among ``seed_forecasts`` and no two forecasts
    alike (each seed trains a new network), recomputes every RMSE on the test months, and
    checks ``beyond_seeds``: the LSTM-SARIMA gap in RMSE is larger than twice the standard
    deviation of the seeds' RMSEs (the sample or the population standard deviation: either
    is accepted when they disagree).
    """
    require(seed_forecasts, "seed_forecasts")
    require(seed_rmse, "seed_rmse")
    require(beyond_seeds, "beyond_seeds")
    require(forecast, "forecast")
    require(sarima_test, "sarima_test")
    _, ref_test = reference_split()
    lstm = _forecast_series(forecast, "`forecast`", ref_test.index, "test")
    sarima = _forecast_series(sarima_test, "`sarima_test`", ref_test.index, "test")
    if not isinstance(seed_forecasts, dict):
        raise Wrong("`seed_forecasts` should be a dict: seed -> forecast of the test months.")
    if len(seed_forecasts) < 3:
        raise Wrong(f"`seed_forecasts` holds {len(seed_forecasts)} forecast(s): train at least "
                    "three seeds (your task-5 model and two more) to see a spread.")
    seeds = list(seed_forecasts)
    values = [_forecast_series(v, f"`seed_forecasts[{k!r}]`", ref_test.index, "test")
              for k, v in seed_forecasts.items()]
    if not any(np.allclose(v, lstm, rtol=1e-6) for v in values):
        raise Wrong("your task-6 `forecast` is not among `seed_forecasts`: include it under "
                    "the seed its model was trained with.")
    for i in range(len(values)):
        for j in range(i + 1, len(values)):
            if np.allclose(values[i], values[j], rtol=1e-6):
                raise Wrong(f"the forecasts of seeds {seeds[i]!r} and {seeds[j]!r} are the same: "
                            "each seed must train a new model (seed_everything(seed), then "
                            "build_model and fit again).")
    truth = ref_test.to_numpy()
    expected = np.array([np.sqrt(np.mean((v - truth) ** 2)) for v in values])
    given = _seed_rmses(seed_rmse, seeds)
    if not np.allclose(given, expected, rtol=1e-4):
        if np.allclose(given, expected ** 2, rtol=1e-4):
            raise Wrong("`seed_rmse` holds squared errors (MSE): take the square root.")
        raise Wrong("`seed_rmse` is not the RMSE of each seed's forecast on the test months: "
                    "metrics.rmse(test, f) for each forecast f.")
    if not isinstance(beyond_seeds, bool | np.bool_):
        raise Wrong(f"`beyond_seeds` should be True or False, not {beyond_seeds!r}.")
    gap = abs(np.sqrt(np.mean((lstm - truth) ** 2)) - np.sqrt(np.mean((sarima - truth) ** 2)))
    spreads = {np.std(expected, ddof=1), np.std(expected, ddof=0)}
    verdicts = {gap > 2 * spread for spread in spreads}
    if bool(beyond_seeds) not in verdicts:
        spread = np.std(expected, ddof=1)
        raise Wrong(f"the gap to SARIMA is {gap:.3f} and twice the seeds' standard deviation "
                    f"is {2 * spread:.3f}, so `beyond_seeds` should be {not bool(beyond_seeds)}.")
    spread = np.std(expected, ddof=1)
    where = "beyond" if bool(beyond_seeds) else "within"
    return (f"{len(seeds)} seeds, RMSE {expected.mean():.3f} ± {spread:.3f}; the gap to SARIMA "
            f"({gap:.3f}) is {where} the seed noise.")


def _airline_test() -> tuple[np.ndarray, np.ndarray]:
    """The airline SARIMA on log(train): the median exp(mu) and the mean exp(mu + var/2)."""
    from helpers.baselines import sarimax_forecast

    from statsmodels.tsa.statespace.sarimax import SARIMAX

    ref_train, _ = reference_split()
    median = sarimax_forecast(ref_train, TEST_MONTHS, order=(0, 1, 1),
                              seasonal_order=(0, 1, 1, SEASON), log=True).to_numpy()
    fitted = SARIMAX(np.log(ref_train), order=(0, 1, 1), seasonal_order=(0, 1, 1, SEASON))
    log_forecast = fitted.fit(disp=False, maxiter=50).get_forecast(TEST_MONTHS)
    mean = np.exp(log_forecast.predicted_mean + log_forecast.var_pred_mean / 2).to_numpy()
    return median, mean


def _numpy(value: Any) -> Any:
    """A Keras variable's value as NumPy (plain values pass through)."""
    return value.numpy() if hasattr(value, "numpy") else value


TASKS = task_count(EXERCISE)
