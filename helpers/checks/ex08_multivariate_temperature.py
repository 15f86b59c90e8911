"""Checks for exercise 08: next-day ``temp_max`` from the four Seattle weather variables.

The exercise splits ``helpers.data.load("seattle_weather")`` by year (train
2012-2013, validation 2014, test 2015), standardises it with a scaler fitted on
the training years, cuts 14-day windows of all four variables with the next
day's scaled ``temp_max`` as label, scores the naive forecast "tomorrow = today"
on 2015, trains a small LSTM, and turns a residual model's predicted change into
a forecast in °C. The references are computed here from the bundled data (or,
for the models, from the student's own model and scaler), independently of the
student's code.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

from helpers.checks import (
    NotAttempted,
    Wrong,
    as_array,
    as_number,
    check,
    expect_close,
    expect_shape,
    model_shape,
    require,
    task_count,
)
from helpers.checks.forecast import expect_scaler_fitted_on_train
from helpers.mode import compiled_graphs

import numpy as np
import pandas as pd

EXERCISE = "08_multivariate_temperature"
WINDOW = 14
FEATURES = ["precipitation", "temp_max", "temp_min", "wind"]
TARGET = "temp_max"
PERIODS = {
    "train_df": ("2012-01-01", "2013-12-31"),
    "val_df": ("2014-01-01", "2014-12-31"),
    "test_df": ("2015-01-01", "2015-12-31"),
}


@functools.cache
def _weather() -> pd.DataFrame:
    from helpers.data import load

    return load("seattle_weather")


def _part(name: str) -> pd.DataFrame:
    start, end = PERIODS[name]
    return _weather().loc[start:end]


def _period(frame: pd.DataFrame) -> str:
    return f"{frame.index[0].date()}..{frame.index[-1].date()} ({len(frame)} days)"


def reference_naive_mae() -> float:
    """MAE in °C of "tomorrow = today" over every day of 2015 (2015-01-01 uses 2014-12-31)."""
    temp = _weather()[TARGET]
    errors = (temp - temp.shift(1)).loc[PERIODS["test_df"][0]:PERIODS["test_df"][1]]
    return float(np.mean(np.abs(errors)))


# --- task 1 -----------------------------------------------------------------


def _check_part(name: str, part: Any) -> pd.DataFrame:
    if not isinstance(part, pd.DataFrame):
        raise Wrong(f"`{name}` should be a pandas DataFrame of rows of `weather` (for example "
                    f"weather.loc['2014']), but it is a {type(part).__name__}.")
    if list(part.columns) != FEATURES:
        raise Wrong(f"`{name}` has columns {list(part.columns)}; keep all four weather "
                    f"variables {FEATURES} in every part.")
    if not isinstance(part.index, pd.DatetimeIndex) or len(part) == 0:
        raise Wrong(f"`{name}` should keep the dates as its index: select rows of `weather` "
                    "with .loc by date.")
    if not part.index.is_monotonic_increasing:
        raise Wrong(f"the dates in `{name}` are not in order: the rows were shuffled (for "
                    "example by train_test_split, which shuffles by default). Split a time "
                    "series by date, without shuffling.")
    return part


def _same_stats(scaler: Any, data: np.ndarray) -> bool:
    from sklearn.base import clone

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fresh = clone(scaler).fit(data)
    return all(np.allclose(np.ravel(getattr(fresh, a)), np.ravel(getattr(scaler, a)))
               for a in ("mean_", "scale_"))


@check(EXERCISE, 1)
def check_split(train_df: Any, val_df: Any, test_df: Any, scaler: Any) -> str:
    """Task 1: a chronological split by year and a StandardScaler fitted on the training years."""
    parts = {"train_df": train_df, "val_df": val_df, "test_df": test_df}
    for name, part in parts.items():
        require(part, name)
    require(scaler, "scaler")
    parts = {name: _check_part(name, part) for name, part in parts.items()}
    names = list(parts)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            shared = parts[first].index.intersection(parts[second].index)
            if len(shared):
                raise Wrong(f"`{first}` and `{second}` share {len(shared)} day(s) (first: "
                            f"{shared[0].date()}); each day belongs to exactly one part.")
    for earlier, later in zip(names, names[1:], strict=False):
        if parts[earlier].index[-1] >= parts[later].index[0]:
            raise Wrong(f"`{earlier}` ends on {parts[earlier].index[-1].date()}, after "
                        f"`{later}` starts ({parts[later].index[0].date()}): the dates are "
                        "interleaved, as after a shuffled split. Training comes first, then "
                        "validation, then test, each a block of whole years.")
    for name, part in parts.items():
        expected = _part(name)
        if not part.index.equals(expected.index):
            raise Wrong(f"`{name}` covers {_period(part)}; it should cover {_period(expected)}. "
                        "Use train 2012-2013, validation 2014 and test 2015.")
        if not np.allclose(part.to_numpy(dtype="float64"), expected.to_numpy()):
            raise Wrong(f"`{name}` has the right dates but not the raw weather values: keep the "
                        "parts unscaled here; the scaler is applied in the next cell.")
    from sklearn.preprocessing import StandardScaler

    if not isinstance(scaler, StandardScaler):
        raise Wrong(f"`scaler` should be a StandardScaler (mean 0, standard deviation 1), not "
                    f"a {type(scaler).__name__}.")
    if getattr(scaler, "mean_", None) is None:
        raise Wrong("`scaler` is not fitted yet: call scaler.fit(train_df).")
    columns = getattr(scaler, "n_features_in_", None)
    if columns != len(FEATURES):
        raise Wrong(f"`scaler` was fitted on {columns} column(s); fit it on all four columns "
                    "of train_df, so that every input variable is scaled.")
    train_val = pd.concat([_part("train_df"), _part("val_df")]).to_numpy()
    if _same_stats(scaler, train_val):
        raise Wrong("`scaler` was fitted on the training and validation years together. Fit it "
                    "on train_df only: the validation year must look as new to the model as the "
                    "test year.")
    if _same_stats(scaler, _part("test_df").to_numpy()):
        raise Wrong("`scaler` was fitted on the test year. Fit it on train_df only, then only "
                    "transform the other parts with it.")
    # "all" in this check means the training years plus everything after them.
    expect_scaler_fitted_on_train(scaler, _part("train_df").to_numpy(),
                                  pd.concat([_part("val_df"), _part("test_df")]).to_numpy())
    return ("train 2012-2013, validation 2014, test 2015, and a scaler that learnt its means and "
            "standard deviations from the training years only.")


# --- task 2 -----------------------------------------------------------------


def _windows(data: np.ndarray, window: int) -> np.ndarray:
    n = len(data) - window
    return np.stack([data[i:i + window] for i in range(n)])


@check(EXERCISE, 2)
def check_windows(X_train: Any, y_train: Any, train_df: Any, scaler: Any) -> str:
    """Task 2: 14-day windows of the four scaled variables, labelled with the next day's temp_max."""
    require(X_train, "X_train")
    require(y_train, "y_train")
    if train_df is None or train_df is Ellipsis or scaler is None or scaler is Ellipsis:
        raise NotAttempted("task 2 needs `train_df` and `scaler` from task 1 first.")
    if not isinstance(train_df, pd.DataFrame) or not hasattr(scaler, "transform"):
        raise Wrong("task 2 needs the DataFrame `train_df` and the fitted `scaler` of task 1: "
                    "solve task 1 first.")
    X = as_array(X_train, "X_train")
    y = as_array(y_train, "y_train")
    raw = train_df.to_numpy(dtype="float64")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fitted with or without column names: same numbers
        scaled = np.asarray(scaler.transform(train_df), dtype="float64")
    n = len(scaled) - WINDOW
    if X.ndim != 3:
        raise Wrong(f"`X_train` has shape {X.shape}; it should be 3-D (samples, window, "
                    f"features) = ({n}, {WINDOW}, {len(FEATURES)}).")
    if X.shape[-1] == 1:
        raise Wrong("`X_train` has one variable per day; the inputs should be all four scaled "
                    "variables (targets='temp_max' only chooses the label).")
    if X.shape[1:] == (len(FEATURES), WINDOW):
        raise Wrong(f"`X_train` has shape {X.shape}: days and variables are swapped. Windows "
                    f"are (samples, {WINDOW} days, {len(FEATURES)} variables).")
    if X.shape[1] != WINDOW:
        raise Wrong(f"the windows in `X_train` are {X.shape[1]} days long; use WINDOW = {WINDOW}.")
    if X.shape[0] > n:
        raise Wrong(f"`X_train` has {X.shape[0]} windows, but the training years allow only "
                    f"{n} ({len(scaled)} days minus the window of {WINDOW}). Build the training "
                    "windows from the scaled training part only, not from the whole series.")
    expect_shape(X, (n, WINDOW, len(FEATURES)), "X_train", "samples, window, features")
    if np.allclose(X, _windows(raw, WINDOW), atol=1e-4):
        raise Wrong("`X_train` holds the raw values (mm, °C, m/s); window the scaled training "
                    "data, scaler.transform(train_df).")
    expect_close(X, _windows(scaled, WINDOW), "X_train", atol=1e-4)

    column = FEATURES.index(TARGET)
    if y.ndim == 2 and y.shape[1] == len(FEATURES):
        raise Wrong(f"`y_train` has {y.shape[1]} columns, one per variable; the label is only "
                    "the next day's temp_max: make_windows(..., targets='temp_max').")
    if y.shape not in ((n,), (n, 1)):
        expect_shape(y, (n, 1), "y_train", "one label per window")
    got = y.reshape(n)
    slips = {
        "`y_train` is in °C while the inputs are scaled: take the label from the scaled data as "
        "well (the model then predicts a scaled value, which you turn back into °C only to "
        "score it).": raw[WINDOW:, column],
        "`y_train` is off by one: y_train[i] is the temp_max of the LAST day inside window i "
        "(today). The label is the day AFTER the window, values[i + window].":
            scaled[WINDOW - 1:-1, column],
        "`y_train` is off by one AND in °C: the label is the next day's scaled temp_max.":
            raw[WINDOW - 1:-1, column],
    }
    for k, name in enumerate(FEATURES):
        if name != TARGET:
            slips[f"`y_train` is the next day's {name}, not its temp_max."] = scaled[WINDOW:, k]
    for hint, candidate in slips.items():
        if np.allclose(got, candidate, atol=1e-4):
            raise Wrong(hint)
    expect_close(got, scaled[WINDOW:, column], "y_train", atol=1e-4)
    return (f"{n} windows of {WINDOW} days x {len(FEATURES)} scaled variables, each labelled "
            "with the next day's scaled temp_max.")


# --- task 3 -----------------------------------------------------------------


@check(EXERCISE, 3)
def check_naive_mae(naive_mae: Any) -> str:
    """Task 3: the test MAE (°C) of the common-sense forecast "tomorrow = today" over 2015."""
    require(naive_mae, "naive_mae")
    value = as_number(naive_mae, "naive_mae")
    expected = reference_naive_mae()
    tolerance = 5e-5
    if abs(value - expected) <= tolerance:
        return (f"the naive forecast misses 2015's maximum temperature by {value:.3f} °C on "
                "average: that is the number to beat.")
    temp = _weather()[TARGET]
    test = slice(*PERIODS["test_df"])
    errors = (temp - temp.shift(1)).loc[test]
    train = _part("train_df")[TARGET]
    slips = {
        "it looks like the MAE in scaled units: compare forecasts and truth in °C (the raw "
        "temp_max, or scaled values turned back with the scaler).":
            [expected / train.std(ddof=0), expected / train.std(ddof=1)],
        "it is averaged over 364 days: 1 January 2015 has a forecast too, made from 31 December "
        "2014, which lies in the validation year but is known on the morning of 1 January.":
            [float(np.mean(np.abs(errors.iloc[1:])))],
        "that is the root mean squared error; the task asks for the mean ABSOLUTE error.":
            [float(np.sqrt(np.mean(errors**2)))],
        "you averaged signed errors, which cancel out; take their absolute values first.":
            [float(np.mean(errors)), float(-np.mean(errors))],
        "that is the error of 'same day last year'; common sense for next-day forecasts is "
        "'tomorrow = today' (shift by one day).":
            [float(np.mean(np.abs((temp - temp.shift(365)).loc[test])))],
        "that is the validation year 2014; score the test year 2015.":
            [float(np.mean(np.abs((temp - temp.shift(1)).loc[slice(*PERIODS["val_df"])])))],
        "that is averaged over all four years; score only the test year 2015.":
            [float(np.mean(np.abs((temp - temp.shift(1)).dropna())))],
    }
    for hint, candidates in slips.items():
        if any(abs(value - c) <= tolerance for c in candidates):
            raise Wrong(f"`naive_mae` = {value:.4f}: {hint}")
    raise Wrong(f"`naive_mae` = {value:.4f} is not the naive forecast's MAE over 2015. Compare "
                "weather['temp_max'] with weather['temp_max'].shift(1) on the 365 days of 2015 "
                "and average the absolute differences.")


# --- task 4 -----------------------------------------------------------------


def _expect_own_mae(value: float, model: Any, X_test: Any, test_df: Any, scaler: Any,
                    baseline: float) -> None:
    """Raise Wrong unless ``value`` is the MAE in °C of ``model``'s predictions on ``X_test``."""
    X = as_array(X_test, "X_test")
    if X.shape != (365, WINDOW, len(FEATURES)):
        raise Wrong(f"`X_test` has shape {X.shape}; the given cell makes (365, {WINDOW}, "
                    f"{len(FEATURES)}). Run it again after task 1.")
    if not isinstance(test_df, pd.DataFrame) or TARGET not in test_df.columns:
        raise Wrong("the check needs `test_df` (task 1) with its temp_max column.")
    mean, scale = (np.ravel(getattr(scaler, a, [])) for a in ("mean_", "scale_"))
    if mean.size != len(FEATURES) or scale.size != len(FEATURES):
        raise Wrong("the check needs the StandardScaler fitted in task 1.")
    column = FEATURES.index(TARGET)
    with compiled_graphs():  # one traced predict per model, also in fast mode
        scaled = np.ravel(np.asarray(model.predict(X, verbose=0), dtype="float64"))
    truth = test_df[TARGET].to_numpy(dtype="float64")
    own = float(np.mean(np.abs(truth - (scaled * scale[column] + mean[column]))))
    if np.isclose(value, own, rtol=1e-4, atol=1e-6):
        return
    slips = {
        "the naive forecast's MAE, not your model's": baseline,
        "in scaled units: turn the predictions back into °C (times scale_[1], plus mean_[1]) "
        "before comparing": float(np.mean(np.abs(truth - scaled))),
        "in scaled units (scaled predictions against the scaled truth): turn the predictions "
        "back into °C (times scale_[1], plus mean_[1]) and compare them with test_df's "
        "temp_max": own / float(scale[column]),
        "measured with the statistics of another column: temp_max is column 1 of the scaler "
        "(scale_[1], mean_[1])": float(np.mean(np.abs(truth - (scaled * scale[0] + mean[0])))),
        "a broadcasting slip: subtracting a (365, 1) array from a (365,) one gives a "
        "365 x 365 table of differences. Take [:, 0] of the predictions first":
            float(np.mean(np.abs(truth[None, :] - (scaled * scale[column] + mean[column])[:, None]))),
    }
    for hint, candidate in slips.items():
        if np.isclose(value, candidate, rtol=1e-4, atol=1e-6):
            raise Wrong(f"`lstm_mae` = {value:.3f} is {hint}.")
    raise Wrong(f"`lstm_mae` = {value:.3f}, but your model's predictions on X_test give an MAE "
                f"of {own:.3f} °C against 2015's temp_max: compute it from model.predict(X_test).")


@check(EXERCISE, 4)
def check_lstm(model: Any, lstm_mae: Any, X_test: Any = None, test_df: Any = None,
               scaler: Any = None) -> str:
    """Task 4: an LSTM taking (14, 4) windows with one output, and its test MAE in °C.

    With ``X_test``, ``test_df`` and ``scaler`` the check predicts ``X_test`` with the
    student's model itself and requires ``lstm_mae`` to be that forecast's MAE in °C.
    """
    from helpers.mode import fast_mode

    import keras

    require(model, "model")
    require(lstm_mae, "lstm_mae")
    if not isinstance(model, keras.Model):
        raise Wrong(f"`model` should be a Keras model (keras.Sequential([...])), not a "
                    f"{type(model).__name__}.")
    expected_in = (None, WINDOW, len(FEATURES))
    shape_in = model_shape(model, "input_shape")
    if shape_in is None:
        raise Wrong("the model's input shape is unknown: start it with "
                    f"keras.Input(shape=({WINDOW}, {len(FEATURES)})).")
    if shape_in != expected_in:
        hint = ""
        if shape_in[1:] == (len(FEATURES), WINDOW):
            hint = " Days and variables are swapped: the shape is (window, features)."
        elif len(shape_in) == 3 and shape_in[-1] == 1:
            hint = " It reads one variable per day; the windows carry all four."
        raise Wrong(f"the model's input shape is {shape_in}, expected {expected_in}.{hint}")
    shape_out = model_shape(model, "output_shape")
    if shape_out != (None, 1):
        hint = " End the model with Dense(1): one number, tomorrow's scaled temp_max."
        if shape_out is not None and len(shape_out) == 3:
            hint = (" It outputs one value per day of the window: the LSTM feeding the output "
                    "should keep the default return_sequences=False.")
        raise Wrong(f"the model's output shape is {shape_out}, expected (None, 1).{hint}")
    if not any(isinstance(layer, keras.layers.LSTM) for layer in model.layers):
        kinds = ", ".join(type(layer).__name__ for layer in model.layers)
        raise Wrong(f"the model has no LSTM layer (its layers: {kinds}); use "
                    "keras.layers.LSTM(16).")
    value = as_number(lstm_mae, "lstm_mae")
    baseline = reference_naive_mae()
    if X_test is not None:
        _expect_own_mae(value, model, X_test, test_df, scaler, baseline)
    if value <= 0:
        raise Wrong(f"`lstm_mae` should be a positive error in °C, got {value}.")
    if value < 0.5 * baseline:
        raise Wrong(f"`lstm_mae` = {value:.3f} is implausibly small next to the naive forecast's "
                    f"{baseline:.2f} °C: it looks like an error in scaled units. Turn the "
                    "predictions back into °C (times the scaler's scale_, plus its mean_, for "
                    "temp_max) before comparing them with 2015's temp_max.")
    if fast_mode():
        return (f"the model reads (14 days, 4 variables) and outputs one value. Fast mode trains "
                f"too briefly to judge its error ({value:.2f} °C); run in full mode to compare "
                f"it with the naive forecast's {baseline:.2f} °C.")
    if value > 1.1 * baseline:
        raise Wrong(f"`lstm_mae` = {value:.2f} °C is well above the naive forecast's "
                    f"{baseline:.2f} °C. Check that the model trained (validation data, enough "
                    "epochs), that its predictions were turned back into °C with temp_max's "
                    "mean and scale, and that they are compared with the same 365 days of 2015.")
    verdict = "beats" if value < baseline else "comes close to"
    return (f"the LSTM {verdict} the naive forecast: {value:.3f} °C against {baseline:.3f} °C "
            "on 2015.")


# --- task 5 -----------------------------------------------------------------


def _scaler_stats(scaler: Any) -> tuple[float, float]:
    mean, scale = (np.ravel(getattr(scaler, a, [])) for a in ("mean_", "scale_"))
    if mean.size != len(FEATURES) or scale.size != len(FEATURES):
        raise Wrong("the check needs the StandardScaler of task 1, fitted on the four columns.")
    column = FEATURES.index(TARGET)
    return float(mean[column]), float(scale[column])


@check(EXERCISE, 5)
def check_residual(residual_forecast: Any, residual_mae: Any, change_model: Any = None,
                   X_test: Any = None, test_df: Any = None, scaler: Any = None) -> str:
    """Task 5: the residual model's 2015 forecasts in °C (today + predicted change) and their MAE.

    The check predicts ``X_test`` with ``change_model`` itself, adds the change to
    today's scaled ``temp_max`` (the last day of each window) and turns the sum back
    into °C with the task-1 scaler; any formulation that gives the same numbers (for
    instance today's °C value plus the change times the scale) is accepted.
    """
    import keras

    require(residual_forecast, "residual_forecast")
    require(residual_mae, "residual_mae")
    for name, value in [("change_model", change_model), ("X_test", X_test),
                        ("test_df", test_df), ("scaler", scaler)]:
        if value is None or value is Ellipsis:
            raise NotAttempted(f"task 5 needs `{name}` from the cells above: run them first.")
    if not isinstance(change_model, keras.Model):
        raise Wrong("`change_model` should be the Keras model trained in the given cell above.")
    if not isinstance(test_df, pd.DataFrame) or TARGET not in test_df.columns:
        raise Wrong("the check needs `test_df` (task 1) with its temp_max column.")
    mean, scale = _scaler_stats(scaler)
    X = as_array(X_test, "X_test")
    if X.shape != (365, WINDOW, len(FEATURES)):
        raise Wrong(f"`X_test` has shape {X.shape}; the given cell makes (365, {WINDOW}, "
                    f"{len(FEATURES)}). Run it again after task 1.")
    got = as_array(residual_forecast, "residual_forecast")
    if got.ndim == 2 and 1 in got.shape:
        got = got.reshape(-1)
    if got.shape != (365,):
        raise Wrong(f"`residual_forecast` has shape {got.shape}; it should hold one forecast in °C "
                    "for each of the 365 days of 2015. Take [:, 0] of the model's predictions.")
    if not np.all(np.isfinite(got)):
        raise Wrong("`residual_forecast` contains NaN or infinite values: the first day of 2015 "
                    "needs a forecast too (today = 31 December 2014, the last day of its window).")
    column = FEATURES.index(TARGET)
    with compiled_graphs():  # one traced predict per model, also in fast mode
        change = np.ravel(np.asarray(change_model.predict(X, verbose=0), dtype="float64"))
    if change.shape != (365,):
        raise Wrong("`change_model` should output one number per window (Dense(1)).")
    today = X[:, -1, column]
    truth = test_df[TARGET].to_numpy(dtype="float64")
    expected = (today + change) * scale + mean
    atol = 1e-3  # °C; float32 predictions
    if not np.allclose(got, expected, atol=atol):
        test_stats = test_df[FEATURES].to_numpy(dtype="float64")
        t_mean, t_scale = test_stats[:, column].mean(), test_stats[:, column].std()
        slips = {
            "it adds the change to the temperature of the day being forecast (test_df's "
            "temp_max): that is the answer itself, a leak no real forecast can use. Add the "
            "change to TODAY's value, the last day of each window, X_test[:, -1, 1]":
                truth + change * scale,
            "it is the change alone, turned into °C as if it were a temperature: add it to "
            "today's value first (the model predicts tomorrow minus today)":
                change * scale + mean,
            "it is the naive forecast (today's value) without the predicted change: add "
            "change_model.predict(X_test) to it": today * scale + mean,
            "it adds the scaled change to today's °C value: the change is in scaled units, "
            "multiply it by scale_[1] first (but do not add mean_[1]: a change has no offset)":
                today * scale + mean + change,
            "it adds the mean twice: today's °C value already contains mean_[1]; a change is "
            "turned into °C by multiplying with scale_[1] only":
                today * scale + mean + change * scale + mean,
            "it starts from the FIRST day of each window (X_test[:, 0, 1]), two weeks ago; "
            "the residual is added to the LAST day, today (X_test[:, -1, 1])":
                (X[:, 0, column] + change) * scale + mean,
            "it is turned back into °C with statistics of the test year: a scaler fitted on "
            "2015 leaks the test period into the forecast. Use the task-1 scaler (fitted on "
            "2012-2013) and its mean_[1] and scale_[1]":
                (today + change) * t_scale + t_mean,
        }
        for k, name in enumerate(FEATURES):
            if k != column:
                slips[f"it starts from today's {name} (column {k}); temp_max is column "
                      f"{column}: X_test[:, -1, {column}]"] = (X[:, -1, k] + change) * scale + mean
        for hint, candidate in slips.items():
            if np.allclose(got, candidate, atol=atol, equal_nan=False):
                raise Wrong(f"`residual_forecast`: {hint}.")
        if np.allclose(got[1:], expected[:-1], atol=atol) or np.allclose(got[:-1], expected[1:], atol=atol):
            raise Wrong("`residual_forecast` is shifted by one day against 2015's dates: forecast "
                        "i belongs to window i, whose label is day i of 2015.")
        worst = int(np.argmax(np.abs(got - expected)))
        raise Wrong(f"`residual_forecast` differs from today's temp_max plus the model's change "
                    f"(in °C) by up to {abs(got[worst] - expected[worst]):.2f} °C (day {worst} of "
                    "2015). Compute X_test[:, -1, 1] + change_model.predict(X_test)[:, 0], then "
                    "times scale_[1] plus mean_[1].")
    value = as_number(residual_mae, "residual_mae")
    own = float(np.mean(np.abs(truth - got)))
    if not np.isclose(value, own, rtol=1e-4, atol=1e-5):
        slips_mae = {
            "in scaled units: compare the forecasts in °C with test_df's temp_max": own / scale,
            "the root mean squared error; the task asks for the MEAN ABSOLUTE error":
                float(np.sqrt(np.mean((truth - got) ** 2))),
            "the naive forecast's MAE, not the residual model's": reference_naive_mae(),
            "an average of signed errors, which cancel out: take absolute values first":
                float(np.mean(truth - got)),
        }
        for hint, candidate in slips_mae.items():
            if np.isclose(value, candidate, rtol=1e-4, atol=1e-5) or np.isclose(value, -candidate, rtol=1e-4, atol=1e-5):
                raise Wrong(f"`residual_mae` = {value:.3f} is {hint}.")
        raise Wrong(f"`residual_mae` = {value:.3f}, but your `residual_forecast` misses 2015's "
                    f"temp_max by {own:.3f} °C on average: compute the MAE of that forecast.")
    baseline = reference_naive_mae()
    verdict = "beats" if own < baseline else "does not beat"
    return (f"today's value plus the predicted change: {own:.3f} °C on 2015, which {verdict} the "
            f"naive forecast ({baseline:.3f} °C).")


TASKS = task_count(EXERCISE)
