"""Turn a trained model into a forecast of the future, in the original units and dates.

Two strategies reach several steps ahead:

* **recursive** (:func:`recursive_forecast`): a one-step model predicts t+1, the
  prediction is appended to the window as if it had been observed, and the model
  is called again; errors can pile up, but one model serves every horizon;
* **direct** (:func:`direct_forecast`): a model trained on ``horizon`` labels
  predicts all of them in one call.

Models work on scaled data, so :func:`inverse_scale` maps a forecast back to the
original units, and :func:`future_index` / :func:`to_series` put it on the dates
that follow the end of the series.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helpers.models import model_shape
from helpers.validation import (
    CourseInputError,
    as_float_array,
    check_index,
    check_keras_model,
    check_no_nans,
    check_positive_int,
    check_regular,
)

import numpy as np
import pandas as pd

__all__ = [
    "AmbiguousShapeWarning",
    "direct_forecast",
    "future_index",
    "inverse_scale",
    "predictor",
    "recursive_forecast",
    "to_series",
]


class AmbiguousShapeWarning(UserWarning):
    """An array's shape fits two readings; the message says which one was used and how to choose.

    Not used in a notebook; no longer raised: inverse_scale() now refuses an ambiguous
    shape with a CourseInputError. Kept so that code importing it still runs.
    """


def _history_array(history: Any) -> tuple[np.ndarray, bool]:
    """Validate ``history``; return it as float32 of shape (T, F), and whether it was 1-D."""
    if isinstance(history, pd.Series | pd.DataFrame):
        check_index(history.index, name="history")
        check_regular(history.index, name="history")
    array = as_float_array(history, "history")
    if array.ndim not in (1, 2):
        raise CourseInputError(
            f"history must be the scaled series itself, 1-D (time,) or 2-D (time, features); "
            f"got {array.ndim}-D with shape {array.shape}. Pass the series, not windows cut "
            "from it (for a single window X[i], use X[i] with shape (window, features))."
        )
    if array.ndim == 2 and array.shape[0] == 1 and array.shape[1] > 1:
        raise CourseInputError(
            f"history has shape {array.shape}: one time step with {array.shape[1]} features. "
            "If it is one series stored as a row, pass history.ravel(); rows must be time "
            "steps and columns features."
        )
    check_no_nans(array, "history")
    one_d = array.ndim == 1
    if one_d:
        array = array[:, None]
    return array.astype("float32"), one_d


def _model_input_shape(model: Any) -> tuple[Any, ...] | None:
    """The model's input shape such as (None, window, features), or None when unknown."""
    if not callable(model):
        raise CourseInputError(
            f"model must be a Keras model (something you can call on a batch), got "
            f"{type(model).__name__}."
        )
    shape = model_shape(model, "input_shape", single=True)  # None: subclassed or not built
    if isinstance(shape, list):
        raise CourseInputError(
            f"The model has {len(shape)} inputs {shape}; forecasting here needs a model "
            "with a single input, the window of past values."
        )
    return shape


def _resolve_window(model: Any, data: np.ndarray, window: int | None) -> tuple[int, bool]:
    """Check the model against the data; return (window, whether inputs are flat)."""
    n_features = data.shape[1]
    shape = _model_input_shape(model)
    flat = False
    model_window = None
    if shape is not None:
        if len(shape) == 3:
            model_window = shape[1]
            model_features = shape[2]
            if model_features is not None and model_features != n_features:
                raise CourseInputError(
                    f"The model expects {model_features} feature(s) per time step (input "
                    f"shape {shape}) but history has {n_features}. Pass the same columns, in "
                    "the same order, that the model was trained on."
                )
        elif len(shape) == 2 and n_features == 1:
            flat = True  # e.g. a Dense model on windows of shape (batch, window)
            model_window = shape[1]
        else:
            raise CourseInputError(
                f"The model's input shape is {shape}; forecasting needs a model that takes "
                f"windows of shape (batch, window, features) = (batch, window, {n_features})."
            )
    if window is None:
        if model_window is None:
            reason = (
                "its input shape is unknown (a subclassed or unbuilt model)"
                if shape is None
                else f"its input shape {shape} leaves the window length open"
            )
            raise CourseInputError(
                f"Cannot tell how many past steps to feed the model: {reason}. Pass the "
                "window length you trained with, for example window=12."
            )
        window = int(model_window)
    else:
        window = check_positive_int(window, "window")
        if model_window is not None and window != model_window:
            raise CourseInputError(
                f"window={window} but the model was built for windows of {model_window} "
                f"steps (input shape {shape}). Leave window=None to use {model_window}."
            )
    if data.shape[0] < window:
        raise CourseInputError(
            f"history has only {data.shape[0]} time steps but the model needs a window of "
            f"{window}; pass a longer history (for example the whole scaled series)."
        )
    return window, flat


def _call(model: Any, x: np.ndarray) -> np.ndarray:
    """Call the model once on a batch of one window and return its output as NumPy.

    Keras models go through ``predict_on_batch``, which runs the model's compiled
    inference function (built on the first call). Calling a model directly runs it
    eagerly, op by op; for a recurrent layer that is tens of times slower, which a
    recursive forecast pays once per step. So the compiled function is used even in
    fast mode, where Keras otherwise runs eagerly (:func:`helpers.mode.compiled_graphs`).
    """
    from helpers.mode import compiled_graphs

    import keras

    if isinstance(model, keras.Model):
        with compiled_graphs():
            out = model.predict_on_batch(x)
    else:
        out = model(x, training=False)
    if isinstance(out, list | tuple | dict):
        raise CourseInputError(
            f"The model returned {len(out)} outputs; forecasting needs a model with a "
            "single output."
        )
    return np.asarray(keras.ops.convert_to_numpy(out), dtype="float32")


def predictor(model: Any) -> Callable[[Any], np.ndarray]:
    """``model``'s compiled inference as a function ``predict(batch) -> np.ndarray``.

    First used in 10 §4d. The sampled paths of the DeepAR-style network there and of the
    bootstrap in 10 §4e come from it.

    ``predict(batch)`` is ``np.asarray(model.predict_on_batch(batch))``: the whole batch in
    one call, without the progress bar and batching of ``model.predict``, through the
    model's compiled inference function (traced on the first call). A loop that calls one
    model many times, once per forecast step, wants exactly that: calling ``model(batch)``
    runs the layers eagerly, op by op, and for a recurrent layer that is tens of times
    slower. Fast mode, where Keras otherwise runs eagerly, compiles it too
    (:func:`helpers.mode.compiled_graphs`); the numbers are the same either way.

    >>> import keras
    >>> model = keras.Sequential([keras.Input(shape=(3, 1)), keras.layers.Dense(2)])
    >>> predict = predictor(model)
    >>> predict(np.zeros((4, 3, 1), dtype="float32")).shape
    (4, 3, 2)
    """
    from helpers.mode import compiled_graphs

    check_keras_model(model)

    def predict(batch: Any) -> np.ndarray:
        with compiled_graphs():
            return np.asarray(model.predict_on_batch(batch))

    return predict


def recursive_forecast(
    model: Any, history: Any, steps: int, window: int | None = None
) -> np.ndarray:
    """Forecast ``steps`` values by feeding each one-step prediction back into the window.

    Taught in 05 §5a.

    Each step takes the last ``window`` rows of the (growing) series, predicts the
    next row, and appends it. Every feature is predicted, so for a multivariate
    series the model must output one value per column.

    >>> def last_plus_one(x, training=False):   # a stand-in for a trained one-step model
    ...     return x[:, -1] + 1
    >>> recursive_forecast(last_plus_one, [1.0, 2.0, 3.0], steps=3, window=2).tolist()
    [4.0, 5.0, 6.0]

    Args:
        model: a one-step Keras model taking ``(batch, window, F)`` and returning
            ``(batch, F)`` (``(batch, 1)`` for a univariate series).
        history: the scaled series so far, shape (T,) or (T, F).
        steps: how many future steps to predict.
        window: how many past steps the model sees. Defaults to the model's
            input length ``model.input_shape[1]``.

    Returns:
        The forecast, still scaled: shape (steps,) for 1-D history, (steps, F) for 2-D.

    Raises:
        CourseInputError: steps < 1, bad history (NaNs, wrong shape, shorter than
            the window), a model whose input or output does not fit the series.
    """
    steps = check_positive_int(steps, "steps")
    data, one_d = _history_array(history)
    n_features = data.shape[1]
    window, flat = _resolve_window(model, data, window)

    buffer = np.empty((window + steps, n_features), dtype="float32")
    buffer[:window] = data[-window:]
    for step in range(steps):
        x = buffer[step : step + window]
        x = x.reshape(1, window) if flat else x[None]
        out = _call(model, x)
        if out.size != n_features or (out.ndim > 1 and out.shape[0] != 1):
            per_step = out.size if out.ndim < 2 else int(np.prod(out.shape[1:]))
            raise CourseInputError(
                f"the model predicts {per_step} values per step (output shape {out.shape}) "
                f"but the series has {n_features} feature(s); recursive forecasting needs a "
                "one-step model whose output has one value per feature. For a multi-step "
                "model use direct_forecast instead."
            )
        if not np.all(np.isfinite(out)):
            raise CourseInputError(
                f"The model predicted NaN or infinity at step {step + 1}; check that the "
                "model trained properly and that history is scaled like the training data."
            )
        buffer[window + step] = out.reshape(n_features)
    forecast = buffer[window:]
    return forecast[:, 0].copy() if one_d else forecast.copy()


def direct_forecast(model: Any, history: Any, window: int | None = None) -> np.ndarray:
    """Forecast the whole horizon with one call of a multi-output model.

    First used in 05 §6.

    >>> import numpy as np
    >>> def two_ahead(x, training=False):   # a stand-in for a trained two-step model
    ...     return np.stack([x[:, -1, 0] + 1, x[:, -1, 0] + 2], axis=1)
    >>> direct_forecast(two_ahead, [1.0, 2.0, 3.0], window=2).tolist()
    [4.0, 5.0]

    Args:
        model: a Keras model trained on windows from :func:`helpers.windows.make_windows`
            with ``horizon > 1``; it outputs ``(batch, h)`` or ``(batch, h, n_targets)``.
        history: the scaled series so far, shape (T,) or (T, F).
        window: past steps the model sees; defaults to ``model.input_shape[1]``.

    Returns:
        The scaled forecast for the window that ends at the last row of ``history``:
        shape (h,) for a single target, (h, n_targets) for several.
    """
    data, _ = _history_array(history)
    window, flat = _resolve_window(model, data, window)
    x = data[-window:]
    out = _call(model, x.reshape(1, window) if flat else x[None])
    if out.ndim == 0 or out.shape[0] != 1 or out.ndim > 3:
        raise CourseInputError(
            f"The model returned shape {out.shape} for one window; direct forecasting "
            "expects (1, horizon) or (1, horizon, n_targets)."
        )
    result = out[0]
    if result.ndim == 2 and result.shape[1] == 1:
        result = result[:, 0]
    if not np.all(np.isfinite(result)):
        raise CourseInputError(
            "The model predicted NaN or infinity; check that the model trained properly and "
            "that history is scaled like the training data."
        )
    return np.atleast_1d(result)


def _scaler_column(scaler: Any, column: str | int, n_columns: int | None) -> int:
    """The position of ``column`` (a name or a position) among the scaler's columns."""
    names = [str(n) for n in getattr(scaler, "feature_names_in_", [])]
    if isinstance(column, str):
        if not names:
            raise CourseInputError(
                f"column={column!r} is a name, but this scaler was fitted on a NumPy array "
                "and does not know its column names. Pass the column's position instead, "
                "e.g. column=0."
            )
        if column not in names:
            raise CourseInputError(f"column={column!r} is not one of the scaler's columns {names}.")
        return names.index(column)
    if isinstance(column, bool) or not isinstance(column, int | np.integer):
        raise CourseInputError(
            f"column must be a column name, a position, or 'all', got {column!r}."
        )
    width = n_columns or 1
    if not -width <= int(column) < width:
        raise CourseInputError(
            f"column={column} is out of range: the scaler was fitted on {width} column(s)."
        )
    return int(column) % width


def inverse_scale(scaler: Any, values: Any, column: str | int | None = None) -> np.ndarray:
    """Undo a fitted scikit-learn scaler, for forecasts of any of the usual shapes.

    First used in 05 §6. Taught in 07 §4.

    Accepted shapes:

    * (n,) for a scaler fitted on one column;
    * (n, F) where F is the number of columns the scaler was fitted on;
    * (N, h) for a scaler fitted on one column: every entry is unscaled (for
      example the multi-step predictions of a univariate model);
    * (N, h, F) for a scaler fitted on F columns;
    * any shape with ``column=``: every entry is a value of that one column.

    >>> from sklearn.preprocessing import MinMaxScaler
    >>> scaler = MinMaxScaler().fit([[0.0], [10.0]])
    >>> inverse_scale(scaler, [0.5, 1.0]).tolist()
    [5.0, 10.0]

    Args:
        scaler: the fitted scaler (MinMaxScaler, StandardScaler, ...).
        values: the scaled forecast.
        column: for a scaler fitted on several columns, the one variable that
            ``values`` holds (its name when the scaler was fitted on a DataFrame, or
            its position), e.g. the ``h`` steps of a direct forecast of
            ``"temp_max"``. ``"all"`` says the last axis holds every column, as
            in ``recursive_forecast`` output. ``None`` (default) reads the shape:
            a 2-D array as wide as the scaler's columns (with several columns) is
            ambiguous and refused: pass ``column`` to say which reading you mean.

    Returns:
        A float64 array with the same shape as ``values``.

    Raises:
        CourseInputError: the scaler is not fitted, the number of columns does not
            match the number it was fitted on, ``column`` is unknown, or a NumPy
            (N, n_columns) array is given without ``column`` (ambiguous).
    """
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    if not hasattr(scaler, "inverse_transform"):
        raise CourseInputError(
            f"scaler must be a scikit-learn scaler such as MinMaxScaler or StandardScaler, "
            f"got {type(scaler).__name__} (it has no inverse_transform method)."
        )
    not_fitted = CourseInputError(
        f"This {type(scaler).__name__} is not fitted yet, so it cannot undo the scaling. "
        "Call scaler.fit(train) on the training data first (fit it once, and only on "
        "the training part), then use the same scaler here."
    )
    try:
        check_is_fitted(scaler)
    except NotFittedError:
        raise not_fitted from None
    n_columns = getattr(scaler, "n_features_in_", None)
    named = isinstance(values, pd.DataFrame)
    if named:
        fitted_names = [str(n) for n in getattr(scaler, "feature_names_in_", [])]
        given = [str(c) for c in values.columns]
        if fitted_names and column is None and given != fitted_names:
            same = sorted(given) == sorted(fitted_names)
            raise CourseInputError(
                f"values has columns {given} but the scaler was fitted on {fitted_names}"
                + (
                    " (the same columns in another order); reorder them with "
                    "values[scaler.feature_names_in_]."
                    if same
                    else "; pass the same columns, or column='name' for a forecast of one variable."
                )
            )
    array = as_float_array(values, "values")
    shape = array.shape

    def mismatch(width: int) -> CourseInputError:
        return CourseInputError(
            f"The scaler was fitted on {n_columns} column(s) but values has {width} "
            f"(shape {shape}). If values holds one variable (e.g. the steps of a forecast "
            "of one target), say which with column='name' (or its position); otherwise "
            "use the scaler fitted on exactly these columns."
        )

    if array.ndim == 0:
        raise CourseInputError(
            "values is a single number; pass an array, for example np.array([value])."
        )
    if array.ndim > 3:
        raise CourseInputError(
            f"values must have 1 to 3 dimensions, got shape {shape}; reshape it first."
        )
    if column is not None and not (isinstance(column, str) and column == "all"):
        position = _scaler_column(scaler, column, n_columns)
        width = n_columns or 1
        flat = np.zeros((array.size, width))
        flat[:, position] = array.reshape(-1)
        try:
            restored = scaler.inverse_transform(flat)
        except NotFittedError:
            raise not_fitted from None
        return np.asarray(restored, dtype="float64")[:, position].reshape(shape)
    if array.ndim == 1:
        if n_columns not in (None, 1):
            raise mismatch(1)
        flat = array.reshape(-1, 1)
    elif n_columns == 1 and column is None:
        flat = array.reshape(-1, 1)  # every entry is a value of the single scaled column
    elif n_columns is None or shape[-1] == n_columns:
        if array.ndim == 2 and n_columns and n_columns > 1 and column is None and not named:
            raise CourseInputError(
                f"values has shape {shape} and the scaler was fitted on {n_columns} columns, "
                f"so it can be read two ways: each row one time step of all {n_columns} "
                f"columns (as recursive_forecast returns), or each row {n_columns} forecast "
                "steps of one variable (a direct model's predict()). Say which: "
                "column='all' for the first, column='name' (or its position) for the second."
            )
        flat = array.reshape(-1, shape[-1])
    else:
        raise mismatch(shape[-1])
    try:
        restored = scaler.inverse_transform(flat)
    except NotFittedError:
        raise not_fitted from None
    return np.asarray(restored, dtype="float64").reshape(shape)


def future_index(index: pd.DatetimeIndex, steps: int) -> pd.DatetimeIndex:
    """The ``steps`` dates that follow the end of ``index``, at its frequency.

    First used in 06 §6.

    >>> idx = pd.date_range("2020-01-01", periods=3, freq="MS")
    >>> future_index(idx, 2).strftime("%Y-%m-%d").tolist()
    ['2020-04-01', '2020-05-01']

    Args:
        index: the dates of the series (a Series or DataFrame is also accepted,
            its index is used). Its ``freq`` is used, or inferred from the dates.
        steps: how many future dates.

    Raises:
        CourseInputError: not a DatetimeIndex, or no frequency can be found.
    """
    steps = check_positive_int(steps, "steps")
    if isinstance(index, pd.Series | pd.DataFrame):
        index = index.index
    if not isinstance(index, pd.DatetimeIndex):
        raise CourseInputError(
            f"Forecast dates need a DatetimeIndex, got {type(index).__name__}. Load the data "
            "with helpers.data.load(...) or set one, e.g. series.index = pd.to_datetime(...)."
        )
    if len(index) == 0:
        raise CourseInputError("The index is empty, so there is no last date to continue from.")
    check_index(index, name="index")
    freq = index.freq
    if freq is None:
        # freq="infer" guesses it from the dates (needs at least three), else leaves None.
        freq = pd.DatetimeIndex(index, freq="infer").freq
    if freq is None:
        raise CourseInputError(
            f"The index has no frequency (index.freq is None) and none can be inferred from "
            f"its {len(index)} date(s), so the future dates are unknown. Set one, for example "
            "series = series.asfreq('MS') for monthly data or .asfreq('D') for daily data."
        )
    start = index[-1] + freq
    return pd.date_range(start=start, periods=steps, freq=freq, name=index.name)


def to_series(values: Any, last_date_index: pd.DatetimeIndex, name: str = "forecast") -> pd.Series:
    """Put a 1-D forecast on the dates that follow ``last_date_index``.

    Not used in a notebook; exercise 07 puts its future forecast on dates with it.

    >>> forecast = to_series([1.5, 2.5], pd.date_range("2020-01-01", periods=3, freq="MS"))
    >>> forecast.index.strftime("%Y-%m-%d").tolist(), forecast.tolist()
    (['2020-04-01', '2020-05-01'], [1.5, 2.5])

    Args:
        values: the forecast, shape (steps,) (or (steps, 1)).
        last_date_index: the index of the series the forecast continues.
        name: the name of the returned Series.

    Returns:
        A Series indexed by :func:`future_index` ``(last_date_index, len(values))``.
    """
    array = as_float_array(values, "values")
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim == 2 and array.shape[0] == 1:
        raise CourseInputError(
            f"values has shape {array.shape}: one row holding {array.shape[1]} steps, as "
            "model.predict() returns for a single window. Take that row with values[0] "
            "(or np.ravel(values)) to get shape "
            f"({array.shape[1]},)."
        )
    if array.ndim == 0:
        raise CourseInputError(
            "values is a single number; pass the forecast as an array, e.g. np.array([value])."
        )
    if array.size == 0:
        raise CourseInputError("values is empty; there is no forecast to put on dates.")
    if array.ndim != 1:
        raise CourseInputError(
            f"to_series needs a 1-D forecast, got shape {array.shape}. For several targets "
            "build a DataFrame: pd.DataFrame(values, index=future_index(index, len(values)), "
            "columns=names)."
        )
    return pd.Series(array, index=future_index(last_date_index, len(array)), name=name)
