"""Checks for exercise 09: stationarity, a VAR forecast in levels, a multivariate LSTM, RMSE per variable.

The references are computed here from the data the student's notebook passes in,
with the same statsmodels calls that ``helpers.baselines`` makes:

* the columns to difference are those whose ADF p-value is at least 0.05
  (:func:`helpers.baselines.adf_table`);
* the VAR is ``statsmodels.tsa.api.VAR(differenced).fit(maxlags=14, ic="aic")``,
  forecast from its last ``k_ar`` rows and undifferenced from the last training level.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from helpers.checks import Wrong, check, close, require, task_count
from helpers.models import model_shape

import numpy as np
import pandas as pd

EXERCISE = "09_multivariate_lstm_vs_var"
MAXLAGS = 14
ALPHA = 0.05

_CACHE: dict[tuple[str, str], Any] = {}


# ---------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------


def _fingerprint(frame: pd.DataFrame) -> str:
    digest = hashlib.sha1(np.ascontiguousarray(frame.to_numpy(dtype="float64")).tobytes())
    digest.update(repr((list(frame.columns), str(frame.index[0]), len(frame))).encode())
    return digest.hexdigest()


def _one_blas_thread():
    """statsmodels' many tiny matrix products run much faster on one BLAS thread."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def _check_train(train: Any) -> pd.DataFrame:
    if not isinstance(train, pd.DataFrame) or train.shape[1] < 2 or len(train) < 50:
        raise Wrong("the check needs the training DataFrame `train` from the setup cell as its "
                    "last argument; did you overwrite `train`?")
    return train


def reference_needs_diff(train: pd.DataFrame) -> list[str]:
    """The columns of ``train`` whose ADF test does not reject a unit root at 5%."""
    key = ("needs", _fingerprint(train))
    if key not in _CACHE:
        from helpers.baselines import adf_table

        with _one_blas_thread():
            table = adf_table(train, alpha=ALPHA)
        _CACHE[key] = [str(c) for c in table.index[table["p-value"] >= ALPHA]]
    return list(_CACHE[key])


def reference_stationary(train: pd.DataFrame) -> pd.DataFrame:
    """``train`` with the non-stationary columns differenced and the first row dropped."""
    needs = reference_needs_diff(train)
    out = train.copy()
    out[needs] = train[needs].diff()
    return out.iloc[1:]


def _var_forecast(data: pd.DataFrame, horizon: int, maxlags: int | None, ic: str | None
                  ) -> pd.DataFrame:
    """Fit statsmodels' VAR like helpers.baselines.var_forecast and forecast ``horizon`` rows."""
    key = ("var", f"{_fingerprint(data)}-{horizon}-{maxlags}-{ic}")
    if key not in _CACHE:
        from statsmodels.tsa.api import VAR

        values = data.to_numpy(dtype="float64")
        with _one_blas_thread():
            result = VAR(values).fit(maxlags=maxlags, ic=ic)
        lag = int(result.k_ar)
        forecast = result.forecast(values[len(values) - lag:], steps=horizon)
        _CACHE[key] = pd.DataFrame(forecast, columns=data.columns)
    return _CACHE[key].copy()


def _undifference(diffs: pd.DataFrame, last: pd.Series) -> pd.DataFrame:
    return diffs.cumsum() + last[diffs.columns].to_numpy()


def reference_var_levels(train: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """The VAR forecast (lag order by AIC, maxlags=14) in levels, indexed by the future dates."""
    needs = reference_needs_diff(train)
    diff_fc = _var_forecast(reference_stationary(train), horizon, MAXLAGS, "aic")
    levels = diff_fc.copy()
    levels[needs] = _undifference(diff_fc[needs], train.iloc[-1])
    levels.index = _future(train, horizon)
    return levels[list(train.columns)]


def _future(train: pd.DataFrame, horizon: int) -> pd.DatetimeIndex:
    from helpers.forecasting import future_index

    return future_index(train.index, horizon)


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _names(value: Any, name: str) -> list[str]:
    if isinstance(value, str):
        raise Wrong(f"`{name}` should be a list of column names such as ['a', 'b'], not one "
                    f"string {value!r}.")
    if isinstance(value, pd.DataFrame):
        raise Wrong(f"`{name}` should be a list of column names, not a DataFrame: take them "
                    "from the ADF table's index, e.g. adf.index[...].tolist().")
    if not isinstance(value, Iterable):
        raise Wrong(f"`{name}` should be a list of column names, got {type(value).__name__}.")
    items = list(value)
    if not all(isinstance(item, str) for item in items):
        raise Wrong(f"`{name}` should hold column names (strings), got {items!r:.80}.")
    if len(set(items)) != len(items):
        raise Wrong(f"`{name}` lists a column twice: {items}.")
    return items


def _close(a: Any, b: Any, tol: float = 1e-6) -> bool:
    return close(a, b, rtol=tol, atol=tol)


def _frame(value: Any, name: str, like: str) -> pd.DataFrame:
    if isinstance(value, pd.Series):
        raise Wrong(f"`{name}` is a Series; it should be a DataFrame with {like}.")
    if not isinstance(value, pd.DataFrame):
        raise Wrong(f"`{name}` should be a pandas DataFrame with {like}, got "
                    f"{type(value).__name__}.")
    return value


def _numeric(frame: pd.DataFrame, name: str) -> np.ndarray:
    text = [str(c) for c, dtype in frame.dtypes.items()
            if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)]
    if text:
        raise Wrong(f"`{name}` has column(s) {text} that do not hold numbers (text or "
                    "booleans, which only look like numbers); compute them from train, e.g. "
                    "with train[col].diff(), so that every column stays numeric.")
    try:
        values = frame.to_numpy(dtype="float64")
    except (TypeError, ValueError):
        raise Wrong(f"`{name}` should contain numbers only.") from None
    return values


# ---------------------------------------------------------------------------
# Task 1: which columns to difference, and the stationary frame
# ---------------------------------------------------------------------------


@check(EXERCISE, 1)
def check_stationarity(needs_diff: Any, train_stationary: Any, train: Any) -> str:
    """Task 1: ``needs_diff`` (columns the ADF test flags) and ``train_stationary``."""
    require(needs_diff, "needs_diff")
    require(train_stationary, "train_stationary")
    train = _check_train(train)
    columns = [str(c) for c in train.columns]
    needs = _names(needs_diff, "needs_diff")
    unknown = [c for c in needs if c not in columns]
    if unknown:
        raise Wrong(f"`needs_diff` names {unknown}, which are not columns of train {columns}.")
    expected = reference_needs_diff(train)
    stationary_cols = [c for c in columns if c not in expected]
    if set(needs) != set(expected):
        if expected and stationary_cols and set(needs) == set(stationary_cols):
            raise Wrong("`needs_diff` lists exactly the columns that are already stationary. The "
                        "ADF null hypothesis is a unit root: a p-value BELOW 0.05 rejects it "
                        "(stationary); the columns with a large p-value need differencing.")
        if set(needs) == set(columns):
            raise Wrong("not every column needs differencing: those with an ADF p-value below "
                        "0.05 are stationary already, and differencing them again "
                        "(over-differencing) only adds noise. Read the 'stationary at 5%' column.")
        if not needs:
            raise Wrong("`needs_diff` is empty, but some columns have an ADF p-value above "
                        "0.05: they are not stationary and need differencing.")
        raise Wrong(f"`needs_diff` = {needs} does not match the ADF table: list the columns "
                    "whose 'stationary at 5%' is False (p-value >= 0.05).")

    frame = _frame(train_stationary, "train_stationary", "the same columns as train")
    if set(map(str, frame.columns)) != set(columns):
        if set(map(str, frame.columns)) == set(expected):
            raise Wrong("`train_stationary` holds only the differenced columns; keep the "
                        f"stationary ones ({stationary_cols}) too, undifferenced, so the VAR "
                        "sees every variable.")
        raise Wrong(f"`train_stationary` has columns {list(frame.columns)}; it should have "
                    f"the same columns as train, {columns} (in any order).")
    values = _numeric(frame, "train_stationary")
    if np.isnan(values).any():
        raise Wrong("`train_stationary` contains NaN: differencing leaves the first row empty. "
                    "Drop it (helpers.baselines.difference does, or use .dropna()).")
    if len(frame) != len(train) - 1:
        raise Wrong(f"`train_stationary` has {len(frame)} rows; after a first difference it "
                    f"should have {len(train) - 1} (one fewer than train).")
    if not frame.index.equals(train.index[1:]):
        raise Wrong("`train_stationary` should keep the training dates from the second day "
                    "on as its index (no shifting, no reset_index).")
    for column in columns:
        got = frame[column].to_numpy(dtype="float64")
        level = train[column].to_numpy(dtype="float64")[1:]
        diff = np.diff(train[column].to_numpy(dtype="float64"))
        if column in expected and not _close(got, diff):
            if _close(got, level):
                raise Wrong(f"`{column}` in train_stationary is not differenced; it needs "
                            "differencing according to the ADF table.")
            raise Wrong(f"`{column}` should be the first difference train[{column!r}].diff() "
                        "(today minus yesterday), with the first row dropped.")
        if column not in expected and not _close(got, level):
            if _close(got, diff):
                raise Wrong(f"`{column}` was differenced although it is stationary already; "
                            "difference only the columns in needs_diff.")
            raise Wrong(f"`{column}` should be left as it is in train (minus the first row).")
    return (f"{expected} need differencing; the others are stationary. train_stationary has "
            f"{len(frame)} rows, the first day dropped.")


# ---------------------------------------------------------------------------
# Task 2: the VAR forecast, back in levels
# ---------------------------------------------------------------------------


def _diagnose_var(got: pd.DataFrame, train: pd.DataFrame, horizon: int) -> str | None:
    needs = reference_needs_diff(train)
    others = [c for c in train.columns if c not in needs]
    stationary = reference_stationary(train)
    diff_fc = _var_forecast(stationary, horizon, MAXLAGS, "aic")
    ref = reference_var_levels(train, horizon)
    got_values = got[list(train.columns)].reset_index(drop=True)
    ref_values = ref.reset_index(drop=True)
    if needs and _close(got_values[needs], diff_fc[needs], 1e-5):
        return (f"the forecasts of {needs} are still differences (day-to-day changes, near 0), "
                "not levels. Undo the differencing: undifference(forecast[needs_diff], "
                "train[needs_diff].iloc[-1]).")
    if others and needs and _close(got_values[needs], ref_values[needs], 1e-5):
        undone = _undifference(diff_fc[others], train.iloc[-1])
        if _close(got_values[others], undone, 1e-5):
            return (f"you also undid a differencing on {others}, which were never "
                    "differenced: apply undifference to the needs_diff columns only.")
    if needs:
        offset = (got_values[needs] - ref_values[needs]).to_numpy()
        if np.allclose(offset, offset[0], atol=1e-5) and not np.allclose(offset[0], 0, atol=1e-5):
            return ("the cumulative sum starts from the wrong level: anchor it at the last "
                    "training observation, train[needs_diff].iloc[-1].")
    if _close(got_values, _var_forecast(train, horizon, MAXLAGS, "aic"), 1e-5):
        return ("this VAR was fitted to the raw levels; fit it to train_stationary (the "
                "differenced data) and undo the differencing afterwards.")
    all_diffed = _var_forecast(train.diff().iloc[1:], horizon, MAXLAGS, "aic")
    if _close(got_values, _undifference(all_diffed, train.iloc[-1]), 1e-5):
        return (f"this VAR was fitted with every column differenced; {others} are stationary "
                "already, so difference only the needs_diff columns (task 1).")
    variants = {
        "the lag order was fixed at maxlags=14 instead of being chosen by AIC (use ic='aic')":
            (MAXLAGS, None),
        "the lag order was chosen by BIC; the task asks for AIC (ic='aic')": (MAXLAGS, "bic"),
        "the lag order was not chosen by AIC among 1..14: use maxlags=14, ic='aic'": (None, None),
    }
    for hint, (maxlags, ic) in variants.items():
        variant = _var_forecast(stationary, horizon, maxlags, ic)
        levels = variant.copy()
        levels[needs] = _undifference(variant[needs], train.iloc[-1])
        if _close(got_values, levels[list(train.columns)], 1e-5):
            return hint
    return None


@check(EXERCISE, 2)
def check_var_forecast(var_levels: Any, train: Any, horizon: Any) -> str:
    """Task 2: the VAR's ``horizon``-day forecast of every variable, in levels."""
    require(var_levels, "var_levels")
    train = _check_train(train)
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon < 1:
        raise Wrong(f"the check expects HORIZON (a positive int) as its last argument, got "
                    f"{horizon!r}.")
    horizon = int(horizon)
    columns = [str(c) for c in train.columns]
    frame = _frame(var_levels, "var_levels", "one column per variable and the forecast dates as "
                   "index (var_forecast returns one)")
    if set(map(str, frame.columns)) != set(columns):
        raise Wrong(f"`var_levels` has columns {list(frame.columns)}; it should forecast every "
                    f"variable: {columns}.")
    if len(frame) != horizon:
        raise Wrong(f"`var_levels` has {len(frame)} rows; forecast exactly HORIZON = "
                    f"{horizon} days.")
    values = _numeric(frame, "var_levels")
    if not np.isfinite(values).all():
        raise Wrong("`var_levels` contains NaN or infinite values.")
    future = _future(train, horizon)
    if not (isinstance(frame.index, pd.DatetimeIndex) and frame.index.equals(future)):
        raise Wrong(f"`var_levels` should be indexed by the {horizon} days after the training "
                    f"data, {future[0].date()}..{future[-1].date()} (var_forecast does this).")
    ref = reference_var_levels(train, horizon)
    if _close(frame[columns], ref, 1e-5):
        lag = _var_lag(train)
        return (f"AIC chose a VAR({lag}) on the differenced data, and your forecast is back in "
                "degrees, millimetres and m/s.")
    hint = _diagnose_var(frame, train, horizon)
    if hint:
        raise Wrong(hint)
    worst = float(np.max(np.abs(frame[columns].to_numpy(dtype="float64") - ref.to_numpy())))
    raise Wrong(f"`var_levels` differs from the reference by up to {worst:.3g}. Fit the VAR on "
                "train_stationary with maxlags=14 and ic='aic', forecast HORIZON steps, and "
                "undifference the needs_diff columns from train[needs_diff].iloc[-1].")


def _var_lag(train: pd.DataFrame) -> int:
    from statsmodels.tsa.api import VAR

    with _one_blas_thread():
        return int(VAR(reference_stationary(train).to_numpy()).fit(maxlags=MAXLAGS, ic="aic").k_ar)


# ---------------------------------------------------------------------------
# Task 3: the multivariate LSTM
# ---------------------------------------------------------------------------


def _shape(model: Any, attribute: str) -> tuple[Any, ...] | None:
    shape = model_shape(model, attribute, single=True)
    return tuple(shape) if shape is not None else None


@check(EXERCISE, 3)
def check_lstm_model(model: Any, window: Any, n_features: Any) -> str:
    """Task 3: an LSTM reading (window, n_features) and outputting n_features values."""
    import keras

    require(model, "model")
    if not isinstance(model, keras.Model):
        raise Wrong(f"`model` should be a Keras model (keras.Sequential([...])), got "
                    f"{type(model).__name__}.")
    window, n_features = int(window), int(n_features)
    expected_in = (None, window, n_features)
    got_in = _shape(model, "input_shape")
    if got_in is None:
        raise Wrong("the model's input shape is unknown: start it with "
                    f"keras.Input(shape=(WINDOW, N_FEATURES)) = keras.Input(shape={expected_in[1:]}).")
    if len(got_in) != 3:
        raise Wrong(f"the input shape is {got_in}; a recurrent model reads "
                    f"(batch, window, features) = {expected_in}.")
    if got_in[2] == 1 and n_features != 1:
        raise Wrong(f"the input has 1 feature per time step ({got_in}); a multivariate LSTM "
                    f"reads all {n_features} variables: keras.Input(shape=(WINDOW, N_FEATURES)).")
    if got_in[2] != n_features:
        raise Wrong(f"the input has {got_in[2]} features per step but the data has "
                    f"{n_features}: use keras.Input(shape=(WINDOW, N_FEATURES)).")
    if got_in[1] != window:
        raise Wrong(f"the input window is {got_in[1]} steps; the data is cut into windows of "
                    f"WINDOW = {window}.")
    if not any(isinstance(layer, keras.layers.LSTM) for layer in model.layers):
        raise Wrong("the model has no keras.layers.LSTM layer; this task is about an LSTM.")
    got_out = _shape(model, "output_shape")
    if got_out is None:
        raise Wrong("the model's output shape is unknown; build it with keras.Input first.")
    if len(got_out) == 3:
        raise Wrong(f"the output {got_out} still has a time axis: the last LSTM layer should "
                    "keep return_sequences=False, so only its final state reaches the Dense layer.")
    if len(got_out) != 2:
        raise Wrong(f"the output shape is {got_out}; it should be (None, {n_features}).")
    if got_out[1] == 1 and n_features != 1:
        raise Wrong("the output has 1 unit, so the model predicts a single variable. A "
                    "multivariate model needs one output per variable: "
                    "keras.layers.Dense(N_FEATURES).")
    if got_out[1] != n_features:
        raise Wrong(f"the output has {got_out[1]} units; it needs one per variable, "
                    f"N_FEATURES = {n_features}.")
    last = model.layers[-1]
    activation = getattr(getattr(last, "activation", None), "__name__", "linear")
    if activation not in ("linear", None):
        raise Wrong(f"the last layer uses the {activation!r} activation; standardised values "
                    "are negative half of the time and unbounded, so leave the output linear "
                    "(Dense(N_FEATURES) without activation).")
    return (f"input {got_in}, output {got_out}: one window of all {n_features} variables in, "
            "tomorrow's value of each variable out.")


# ---------------------------------------------------------------------------
# Task 4: RMSE per model and variable
# ---------------------------------------------------------------------------


@check(EXERCISE, 4)
def check_rmse_table(rmse_table: Any, forecasts: Any, truth: Any) -> str:
    """Task 4: a DataFrame of RMSEs, one row per model, one column per variable."""
    require(rmse_table, "rmse_table")
    if not isinstance(forecasts, dict) or not forecasts:
        raise Wrong("the check needs the `forecasts` dict {model name: DataFrame} as its "
                    "second argument.")
    truth = _frame(truth, "test", "one column per variable")
    variables = [str(c) for c in truth.columns]
    models = [str(m) for m in forecasts]
    ref = pd.DataFrame(
        {name: np.sqrt(((fc[variables].to_numpy(dtype="float64")
                         - truth.to_numpy(dtype="float64")) ** 2).mean(axis=0))
         for name, fc in forecasts.items()},
        index=variables,
    ).T
    table = _frame(rmse_table, "rmse_table", "one row per model and one column per variable")
    rows, cols = list(map(str, table.index)), list(map(str, table.columns))
    if set(rows) == set(variables) and set(cols) == set(models):
        raise Wrong("the table is transposed: put the models in the rows and the variables in "
                    "the columns (add .T).")
    if set(cols) != set(variables):
        if len(cols) == 1 or isinstance(rmse_table, pd.Series):
            raise Wrong("there is one number per model; compute one RMSE per variable, so the "
                        "table has a column for each of " + ", ".join(variables) + ".")
        raise Wrong(f"the columns are {cols}; they should be the variables {variables}.")
    if set(rows) != set(models):
        missing = [m for m in models if m not in rows]
        raise Wrong(f"the rows are {rows}; there should be one per model in forecasts: {models}"
                    + (f" (missing {missing})." if missing else "."))
    got = table.loc[models, variables]
    got_values = _numeric(got, "rmse_table")
    if _close(got_values, ref.to_numpy(), 1e-6):
        best = {v: str(ref[v].idxmin()) for v in variables}
        return "RMSE per model and variable match; lowest per variable: " + ", ".join(
            f"{v}: {m}" for v, m in best.items()) + "."
    if _close(got_values, ref.to_numpy() ** 2, 1e-6):
        raise Wrong("these are mean squared errors: take the square root (RMSE = sqrt(MSE)), "
                    "so the errors are in the variables' units.")
    mae = pd.DataFrame(
        {name: np.abs(fc[variables].to_numpy(dtype="float64")
                      - truth.to_numpy(dtype="float64")).mean(axis=0)
         for name, fc in forecasts.items()}, index=variables).T
    if _close(got_values, mae.to_numpy(), 1e-6):
        raise Wrong("these are mean absolute errors (MAE); the task asks for the RMSE, the "
                    "square root of the mean squared error.")
    overall = np.array([[np.sqrt(np.mean((fc[variables].to_numpy(dtype="float64")
                                          - truth.to_numpy(dtype="float64")) ** 2))]
                        for fc in forecasts.values()])
    if _close(got_values, np.repeat(overall, len(variables), axis=1), 1e-6):
        raise Wrong("every column holds the same number: an RMSE over all variables together. "
                    "Compute it per variable (mean over the days, one column at a time).")
    if np.isnan(got_values).any():
        raise Wrong("the table holds NaN. pandas lines rows up by their index before "
                    "subtracting: a forecast whose dates (or 0, 1, 2...) differ from test's "
                    "gives NaN. Check that every forecast is indexed by test.index.")
    positional = np.array([np.sqrt(((np.asarray(fc.to_numpy(dtype="float64"))
                                     - truth.to_numpy(dtype="float64")) ** 2).mean(axis=0))
                           if np.shape(fc) == truth.shape else np.full(len(variables), np.nan)
                           for fc in forecasts.values()])
    if _close(got_values, positional, 1e-6):
        raise Wrong("the numbers pair each forecast's columns with test's by POSITION, but the "
                    "forecasts list their columns in another order (the VAR's differenced "
                    "columns come first). Subtract DataFrames, or select forecast[test.columns] "
                    "first, so each variable meets its own column.")
    worst = float(np.max(np.abs(got_values - ref.to_numpy())))
    raise Wrong(f"the values differ from the RMSE per variable by up to {worst:.3g}; compare "
                "each model's forecast with `test` over the same days, column by column.")


TASKS = task_count(EXERCISE)
