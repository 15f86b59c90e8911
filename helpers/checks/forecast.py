"""Building blocks for forecasting-exercise checks: the mistakes students really make.

Each function raises :class:`helpers.checks.Wrong` with a specific hint, so an
exercise's check (decorated with :func:`helpers.checks.check`) can chain them:

* :func:`expect_scaler_fitted_on_train` — a scaler fitted on the test set or on
  all the data leaks the future into training;
* :func:`expect_unscaled_forecast` — a forecast still in scaled units was not
  passed through ``scaler.inverse_transform``;
* :func:`expect_window_covers_season` — a window shorter than one seasonal cycle
  cannot see the seasonality;
* :func:`expect_near_baseline` — an error far above the seasonal-naive baseline
  means something upstream went wrong.
"""

from __future__ import annotations

from typing import Any

from helpers.checks import Wrong, as_array, require

import numpy as np


def _learned_stats(scaler: Any) -> tuple[str, np.ndarray] | None:
    for attrs in (("data_min_", "data_max_"), ("mean_", "scale_"), ("center_", "scale_")):
        if all(getattr(scaler, a, None) is not None for a in attrs):
            return attrs[0], np.concatenate([np.ravel(getattr(scaler, a)) for a in attrs])
    return None


def _stats_of(scaler: Any, data: np.ndarray) -> np.ndarray | None:
    from sklearn.base import clone

    try:
        fresh = clone(scaler).fit(data.reshape(len(data), -1))
    except (TypeError, ValueError):
        return None
    learned = _learned_stats(fresh)
    return None if learned is None else learned[1]


def expect_scaler_fitted_on_train(scaler: Any, train: Any, test: Any, name: str = "scaler") -> None:
    """Raise Wrong unless ``scaler`` learned its statistics from ``train`` only."""
    require(scaler, name)
    learned = _learned_stats(scaler)
    if learned is None:
        if hasattr(scaler, "fit"):
            raise Wrong(f"`{name}` is not fitted yet: call {name}.fit(...) on the training data.")
        raise Wrong(f"`{name}` should be a scikit-learn scaler such as MinMaxScaler.")
    train = as_array(train, "train")
    test = as_array(test, "test")
    own = learned[1]
    candidates = {
        "train": _stats_of(scaler, train),
        "test": _stats_of(scaler, test),
        "all": _stats_of(scaler, np.concatenate([train.reshape(len(train), -1),
                                                 test.reshape(len(test), -1)])),
    }
    def same(key: str) -> bool:
        other = candidates[key]
        return other is not None and other.shape == own.shape and bool(np.allclose(other, own))

    if same("train"):
        return
    if same("test"):
        raise Wrong(f"`{name}` was fitted on the test set. Fit it on the training data only, "
                    "then only transform the test data.")
    if same("all"):
        raise Wrong(f"`{name}` was fitted on all the data, so the training data 'knows' the "
                    "test period's range. Fit it on the training part only.")
    raise Wrong(f"`{name}` was not fitted on the training data: use {name}.fit(train values).")


def expect_unscaled_forecast(forecast: Any, truth: Any, name: str = "forecast") -> np.ndarray:
    """Raise Wrong when ``forecast`` looks like it is still in scaled units; return it as array."""
    require(forecast, name)
    values = as_array(forecast, name).ravel()
    reference = as_array(truth, "truth").ravel()
    if values.shape != reference.shape:
        raise Wrong(f"`{name}` has {values.size} values but the period to forecast has "
                    f"{reference.size}: forecast exactly that many steps.")
    if not np.all(np.isfinite(values)):
        raise Wrong(f"`{name}` contains NaN or infinite values.")
    level = float(np.mean(np.abs(reference)))
    if level > 5 and np.max(np.abs(values)) <= 3 and np.max(np.abs(values)) < 0.2 * level:
        raise Wrong(f"`{name}` is still in scaled units (values around "
                    f"{np.mean(values):.2f}, while the data is around {np.mean(reference):,.0f}). "
                    "Apply scaler.inverse_transform before comparing with the truth.")
    return values


def expect_window_covers_season(window: Any, season: int, name: str = "window") -> int:
    """Raise Wrong when ``window`` is not an int of at least one seasonal cycle."""
    require(window, name)
    if isinstance(window, bool) or not isinstance(window, int | np.integer):
        raise Wrong(f"`{name}` should be a whole number of time steps, got {window!r}.")
    if window < season:
        raise Wrong(f"`{name}` = {window} is shorter than one seasonal cycle ({season} steps): "
                    f"the model could never see the same month a year earlier. Use at least {season}.")
    return int(window)


def expect_near_baseline(score: Any, baseline: float, name: str = "rmse",
                         factor: float = 1.5, baseline_name: str = "seasonal naive") -> float:
    """Raise Wrong when ``score`` is more than ``factor`` times the baseline's error."""
    require(score, name)
    try:
        value = float(np.asarray(score))
    except (TypeError, ValueError):
        raise Wrong(f"`{name}` should be one number, got {type(score).__name__}.") from None
    if not np.isfinite(value) or value < 0:
        raise Wrong(f"`{name}` should be a non-negative number, got {value!r}.")
    if value > factor * baseline:
        raise Wrong(f"`{name}` = {value:,.1f} is far above the {baseline_name} baseline "
                    f"({baseline:,.1f}). Check the scaling, the window and that the forecast is "
                    "aligned with the test dates.")
    return value


def expect_not_mse_or_mae(value: float, errors: Any, name: str = "rmse", rtol: float = 1e-4) -> None:
    """Raise Wrong when ``value`` is the MSE or the MAE of ``errors`` instead of their RMSE."""
    errors = as_array(errors, "errors").ravel()
    rmse = float(np.sqrt(np.mean(errors**2)))
    if np.isclose(value, rmse**2, rtol=rtol) and not np.isclose(rmse, 1.0, rtol=rtol):
        raise Wrong(f"`{name}` is the mean squared error: take its square root "
                    "(or use helpers.metrics.rmse).")
    if np.isclose(value, float(np.mean(np.abs(errors))), rtol=rtol) and \
            not np.isclose(value, rmse, rtol=rtol):
        raise Wrong(f"`{name}` is the mean absolute error; the RMSE squares the errors, "
                    "averages them and takes the square root.")


def expect_model_forecast(forecast: Any, model: Any, scaler: Any, history_scaled: Any,
                          truth: Any, name: str = "forecast", season: int | None = None) -> None:
    """Raise Wrong unless ``forecast`` is ``model``'s recursive forecast from the end of the history.

    The check recomputes ``inverse_scale(scaler, recursive_forecast(model, history_scaled,
    len(truth)))`` with the student's own objects and compares. When they differ it names
    the usual shortcut: one-step predictions on windows holding the true values (teacher
    forcing), a seasonal-naive copy, a start from the first window, or scaled units.
    """
    from helpers.forecasting import inverse_scale, recursive_forecast

    values = as_array(forecast, name).ravel()
    truth_values = as_array(truth, "truth").ravel()
    history = as_array(history_scaled, "the scaled training values").ravel()
    steps = truth_values.size
    try:
        scaled = recursive_forecast(model, history, steps)
        expected = np.ravel(inverse_scale(scaler, scaled))
    except Exception as err:  # the objects from the earlier tasks do not fit together
        from helpers.checks import describe_error

        raise Wrong(f"could not recompute the forecast with your model and scaler "
                    f"({describe_error(err)}). Check the earlier tasks first.") from None
    tolerance = 1e-3 * max(1.0, float(np.mean(np.abs(expected))))

    def same(candidate: Any) -> bool:
        other = np.ravel(np.asarray(candidate, dtype="float64"))
        return other.shape == values.shape and bool(np.allclose(values, other, atol=tolerance))

    if same(expected):
        return
    if same(scaled):
        raise Wrong(f"`{name}` is the model's forecast still in scaled units: apply "
                    "scaler.inverse_transform (or inverse_scale) before comparing.")
    window = int(model.input_shape[1])
    diagnoses: list[tuple[str, Any]] = []
    try:
        truth_scaled = np.ravel(scaler.transform(truth_values.reshape(-1, 1)))
        joined = np.concatenate([history, truth_scaled]).astype("float32")
        X = np.stack([joined[i : i + window] for i in range(len(history) - window,
                                                              len(joined) - window)])
        forced = np.ravel(model.predict(X[:, :, None], verbose=0))
        diagnoses.append((
            f"`{name}` holds one-step predictions from windows that contain the TRUE values of "
            "the period being forecast, which a real forecast cannot see. Start from the end "
            "of the training data and feed each prediction back (recursive_forecast).",
            inverse_scale(scaler, forced)))
    except Exception:  # only a diagnosis; the generic hint below still applies
        pass
    if season:
        raw = np.ravel(inverse_scale(scaler, history))
        diagnoses.append((
            f"`{name}` is the seasonal-naive forecast (the last {season} values repeated), not "
            "your model's forecast.", raw[-season:][np.arange(steps) % season]))
    try:
        diagnoses.append((
            f"`{name}` starts from the FIRST window of the training data; a forecast continues "
            "from its end: recursive_forecast(model, train_scaled, steps).",
            inverse_scale(scaler, recursive_forecast(model, history[:window], steps))))
    except Exception:  # pragma: no cover - only a diagnosis
        pass
    for hint, candidate in diagnoses:
        if same(candidate):
            raise Wrong(hint)
    if values.shape != expected.shape:
        raise Wrong(f"`{name}` has {values.size} values; forecast exactly {steps}.")
    raise Wrong(f"`{name}` is not the recursive forecast of your `model` from the end of the "
                "training data: use recursive_forecast(model, train_scaled, steps), then "
                "inverse_scale(scaler, ...).")
