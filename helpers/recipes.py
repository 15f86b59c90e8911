"""A small recurrent forecaster for one seasonal series, its recipe given as settings.

Notebook 07 first builds an LSTM forecaster by hand (scale, window, train with early
stopping, forecast recursively), then compares *recipes* on a validation year. The
recipe's choices are the keyword settings of :func:`lstm_forecast`:

* ``log``: model log values (seasonal swings proportional to the level become additive);
* ``deseasonalise``: subtract each calendar month's average deviation from a centred
  12-month moving average, estimated on the training months, and add it back to the
  forecast (:class:`SeriesTransform`);
* ``strategy``: ``"recursive"`` (a one-step model fed its own forecasts) or ``"direct"``
  (one model with ``horizon`` outputs, 05's best strategy);
* ``scaler``, ``units``, ``lr``, ``stop_months``: the scaler, the LSTM's size, Adam's
  learning rate, and how many of the last months early stopping watches.

Early stopping is held out for real: the windows it watches have every label after the
last training label, so for a direct model the ``horizon - 1`` windows straddling the
boundary are dropped (:func:`stop_split`). The transform (log, season, scaler) is fitted
on the months the network trains on, not on the early-stopping months.

:func:`fine_tuned_backtest` gives a network the same information as a re-fitted
baseline at every origin of a rolling-origin backtest: trained from scratch at the first
origin, then warm-started from the previous origin's weights and trained for a few more
epochs on every month up to the next origin.
"""

from __future__ import annotations

from typing import Any

from helpers.validation import CourseInputError, check_positive_int

import numpy as np
import pandas as pd

__all__ = ["SeriesTransform", "fine_tuned_backtest", "lstm_forecast", "lstm_residuals", "stop_split"]

STRATEGIES = ("recursive", "direct")
SCALERS = ("standard", "min-max")


def _monthly(series: Any, name: str) -> pd.Series:
    if not isinstance(series, pd.Series) or not isinstance(series.index, pd.DatetimeIndex):
        raise CourseInputError(f"{name} must be a pandas Series with a DatetimeIndex (monthly), "
                               f"got {type(series).__name__}.")
    if series.index.freqstr not in ("MS", "M", "ME"):
        raise CourseInputError(f"{name} must be monthly (freq 'MS'); got freq "
                               f"{series.index.freqstr!r}. Use the series as helpers.data.load "
                               "returns it.")
    return series.astype("float64")


class SeriesTransform:
    """Log, deseasonalise and scale a monthly series; undo it on a forecast.

    Not used in a notebook directly; :func:`lstm_forecast` (07 §5) uses it.

    ``fit(values)`` learns everything from ``values`` only (the months a network
    trains on): the seasonal profile (each calendar month's mean deviation from a
    centred 2x12 moving average, centred to sum to zero) and the scaler's statistics.
    ``transform`` applies the same steps to any stretch of the series (earlier or later
    months too), and ``inverse`` turns network outputs on given dates back into the
    original units.

    >>> idx = pd.date_range("2000-01-01", periods=48, freq="MS")
    >>> season = np.tile([10.0, -10.0] + [0.0] * 10, 4)
    >>> y = pd.Series(100 + season + np.arange(48.0), index=idx)
    >>> t = SeriesTransform(deseasonalise=True).fit(y)
    >>> round(float(t.profile_[1]), 1), round(float(t.profile_[2]), 1)
    (10.0, -10.0)
    >>> bool(np.allclose(t.inverse(t.transform(y), y.index), y))
    True
    """

    def __init__(self, log: bool = False, deseasonalise: bool = False,
                 scaler: str = "standard", season: int = 12) -> None:
        if scaler not in SCALERS:
            raise CourseInputError(f"scaler must be one of {SCALERS}, got {scaler!r}.")
        if season != 12:
            raise CourseInputError("SeriesTransform handles monthly data with a yearly "
                                   f"cycle (season=12); got season={season}.")
        self.log, self.deseasonalise, self.scaler, self.season = log, deseasonalise, scaler, season

    def _level(self, values: pd.Series) -> pd.Series:
        if self.log:
            if (values <= 0).any():
                raise CourseInputError("log=True needs strictly positive values.")
            return np.log(values)
        return values

    def fit(self, values: Any) -> SeriesTransform:
        """Learn the seasonal profile and the scaler from ``values`` (monthly Series)."""
        from sklearn.preprocessing import MinMaxScaler, StandardScaler

        values = _monthly(values, "values")
        level = self._level(values)
        self.profile_ = pd.Series(0.0, index=range(1, 13))
        if self.deseasonalise:
            if len(values) < 2 * self.season:
                raise CourseInputError(f"deseasonalise=True needs at least {2 * self.season} "
                                       f"months to estimate the season; got {len(values)}.")
            trend = level.rolling(12, center=True).mean().rolling(2).mean().shift(-1)
            deviation = (level - trend).dropna()
            profile = deviation.groupby(deviation.index.month).mean()
            self.profile_ = (profile - profile.mean()).reindex(range(1, 13), fill_value=0.0)
        self.scaler_ = (StandardScaler() if self.scaler == "standard"
                        else MinMaxScaler(feature_range=(-1, 1)))
        self.scaler_.fit(self._seasonal_out(level).to_numpy().reshape(-1, 1))
        self.fitted_on_ = (values.index[0], values.index[-1], len(values))
        return self

    def _seasonal_out(self, level: pd.Series) -> pd.Series:
        return level - self.profile_.loc[level.index.month].to_numpy()

    def transform(self, values: Any) -> np.ndarray:
        """The network's input scale for ``values`` (1-D float32 array)."""
        if not hasattr(self, "scaler_"):
            raise CourseInputError("call fit(values) before transform().")
        level = self._seasonal_out(self._level(_monthly(values, "values")))
        return self.scaler_.transform(level.to_numpy().reshape(-1, 1))[:, 0].astype("float32")

    def inverse(self, scaled: Any, index: pd.DatetimeIndex) -> pd.Series:
        """Network outputs on the dates ``index`` back in the series' units."""
        scaled = np.asarray(scaled, dtype="float64").reshape(-1)
        if len(scaled) != len(index):
            raise CourseInputError(f"{len(scaled)} values for {len(index)} dates.")
        level = self.scaler_.inverse_transform(scaled.reshape(-1, 1))[:, 0]
        level = level + self.profile_.loc[index.month].to_numpy()
        return pd.Series(np.exp(level) if self.log else level, index=index)


def stop_split(n_values: int, window: int, horizon: int, stop_months: int) -> tuple[np.ndarray, np.ndarray]:
    """Masks over ``make_windows`` windows: training, and early stopping held out for real.

    Not used in a notebook directly; :func:`lstm_forecast` (07 §5) uses it.

    The last ``stop_months`` values are for early stopping. A window trains when all its
    labels lie before them, and is watched by early stopping when all its labels lie in
    them; the ``horizon - 1`` windows whose labels straddle the boundary are used by
    neither (the purge, :func:`helpers.splits.purge_masks`).

    >>> train, stop = stop_split(40, window=12, horizon=3, stop_months=6)
    >>> int(train.sum()), int(stop.sum()), int((~train & ~stop).sum())
    (20, 4, 2)
    """
    from helpers.splits import label_bounds, purge_masks

    n_windows = n_values - window - horizon + 1
    if n_windows <= 0 or not 0 < stop_months < n_values - window:
        raise CourseInputError(f"{n_values} values cannot give windows of {window} with "
                               f"{horizon} labels and {stop_months} early-stopping months.")
    first, last = label_bounds(n_windows, window, horizon)
    train, stop = purge_masks(first, last, train_end=n_values - stop_months - 1)
    if not stop.any():
        raise CourseInputError(f"stop_months={stop_months} leaves no early-stopping window "
                               f"with {horizon} labels; use stop_months >= {horizon}.")
    return train, stop


def _as_dataset(X: np.ndarray, y: np.ndarray, batch: int, shuffle_seed: int | None = None) -> Any:
    """Batches of (window, label) kept in memory; reshuffled each epoch when a seed is given.

    The same pipeline as notebook 07 §4 writes by hand, so a network trained here is
    the network trained there.
    """
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((X, y)).cache()
    if shuffle_seed is not None:
        dataset = dataset.shuffle(len(X), seed=shuffle_seed)
    return dataset.batch(batch)


def _build(window: int, outputs: int, units: int, lr: float) -> Any:
    import keras

    model = keras.Sequential([keras.Input(shape=(window, 1)), keras.layers.LSTM(units),
                              keras.layers.Dense(outputs)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="mse")
    return model


_POOL: Any = None


def _model(window: int, outputs: int, units: int, lr: float) -> Any:
    """A fresh model from a shared ModelPool (Keras traces each architecture once)."""
    global _POOL
    from helpers.selection import ModelPool

    if _POOL is None:
        _POOL = ModelPool(lambda **s: _build(**s))
    return _POOL(window=window, outputs=outputs, units=units, lr=lr)


class _Network:
    """A trained network with its transform; forecasts from the end of any history."""

    def __init__(self, seed: int, window: int, horizon: int, strategy: str, log: bool,
                 deseasonalise: bool, scaler: str, units: int, lr: float) -> None:
        if strategy not in STRATEGIES:
            raise CourseInputError(f"strategy must be one of {STRATEGIES}, got {strategy!r}.")
        import helpers

        helpers.seed_everything(seed)
        self.seed, self.window, self.strategy = seed, window, strategy
        self.outputs = horizon if strategy == "direct" else 1
        self.transform = SeriesTransform(log=log, deseasonalise=deseasonalise, scaler=scaler)
        self.model = _model(window, self.outputs, units, lr)

    def train(self, history: pd.Series, epochs: int, patience: int | None, stop_months: int,
              batch: int, fit_transform: bool) -> int:
        from helpers.training import fit
        from helpers.windows import make_windows

        n = len(history)
        if fit_transform:   # the months the network trains on: everything before the stop part
            self.transform.fit(history.iloc[: n - stop_months] if patience else history)
        scaled = self.transform.transform(history)
        X, y = make_windows(scaled, self.window, horizon=self.outputs)
        if patience:
            train, stop = stop_split(n, self.window, self.outputs, stop_months)
            val = _as_dataset(X[stop], y[stop], batch)
        else:
            train, val = np.ones(len(X), dtype=bool), None
        run = fit(self.model, _as_dataset(X[train], y[train], batch, shuffle_seed=self.seed),
                  epochs=epochs, validation_data=val, patience=patience, verbose_every=0,
                  shuffle=False)
        return len(run.epoch)

    def forecast(self, history: pd.Series, horizon: int) -> pd.Series:
        from helpers.forecasting import direct_forecast, future_index, recursive_forecast

        scaled = self.transform.transform(history)
        if self.strategy == "direct":
            out = direct_forecast(self.model, scaled, self.window)[:horizon]
        else:
            out = recursive_forecast(self.model, scaled, horizon)
        return self.transform.inverse(out, future_index(history.index, horizon))


def lstm_forecast(history: pd.Series, horizon: int, seed: int, *, window: int = 12,
                  strategy: str = "recursive", log: bool = False, deseasonalise: bool = False,
                  scaler: str = "standard", units: int = 32, lr: float = 3e-3,
                  stop_months: int = 12, epochs: int = 150, patience: int = 10,
                  batch: int = 16) -> pd.Series:
    """Train an LSTM on ``history`` with one recipe and forecast the next ``horizon`` months.

    Taught in 07 §5.

    The call shape is the baselines' ``f(train, horizon, ...)``, so it works with
    :func:`helpers.baselines.rolling_origin` and :class:`helpers.selection.ForecastCache`.
    The last ``stop_months`` months are watched by early stopping (held out: see
    :func:`stop_split`); the transform is fitted on the months before them. The returned
    Series is indexed by the forecast dates; ``attrs["epochs"]`` holds the epochs run.
    """
    history = _monthly(history, "history")
    horizon = check_positive_int(horizon, "horizon")
    net = _Network(seed, window, horizon, strategy, log, deseasonalise, scaler, units, lr)
    epochs_run = net.train(history, epochs, patience, stop_months, batch, fit_transform=True)
    forecast = net.forecast(history, horizon).rename(f"LSTM seed {seed}")
    forecast.attrs["epochs"] = epochs_run
    return forecast


def _one_step_fitted(net: _Network, history: pd.Series) -> pd.Series:
    """Each month of ``history`` after the first window, predicted from the months before it."""
    from helpers.windows import make_windows

    X, _ = make_windows(net.transform.transform(history), net.window, horizon=1)
    first_step = np.asarray(net.model.predict_on_batch(X))[:, 0]
    return net.transform.inverse(first_step, history.index[net.window:])


def lstm_residuals(history: pd.Series, horizon: int, seed: int, *, window: int = 12,
                   strategy: str = "recursive", log: bool = False, deseasonalise: bool = False,
                   scaler: str = "standard", units: int = 32, lr: float = 3e-3,
                   stop_months: int = 12, epochs: int = 150, patience: int = 10,
                   batch: int = 16) -> pd.Series:
    """One-step residuals of the network :func:`lstm_forecast` trains, on its own history.

    Taught in 07 §6.

    Trains the same network as ``lstm_forecast(history, horizon, seed, **settings)``
    (same seed, same recipe, so the same weights), then predicts every month of
    ``history`` from the ``window`` months before it (for a direct network, its first
    output) and returns observed minus predicted, in the series' units, indexed by month.
    These are the residuals a classical model's ``resid`` holds: the first ``window``
    months have none, and the last ``stop_months`` months were watched by early stopping,
    not fitted. ``attrs["epochs"]`` holds the epochs run.
    """
    history = _monthly(history, "history")
    horizon = check_positive_int(horizon, "horizon")
    net = _Network(seed, window, horizon, strategy, log, deseasonalise, scaler, units, lr)
    epochs_run = net.train(history, epochs, patience, stop_months, batch, fit_transform=True)
    residuals = (history.iloc[window:] - _one_step_fitted(net, history)).rename(
        f"LSTM seed {seed} residuals")
    residuals.attrs["epochs"] = epochs_run
    return residuals


def fine_tuned_backtest(series: pd.Series, horizon: int, origins: int, seed: int, *,
                        fine_tune_epochs: int = 10, **recipe: Any) -> list:
    """Rolling-origin folds of a network fine-tuned at every origin (warm start).

    Taught in 07 §7.

    At the first origin the network is trained from scratch with ``recipe`` (the
    settings of :func:`lstm_forecast`, early stopping included). At each later origin it
    keeps its weights and its transform and trains ``fine_tune_epochs`` more epochs on the
    windows of every month up to that origin, so it has seen the same months as a
    baseline re-fitted there. Returns :class:`helpers.baselines.BacktestFold` objects,
    oldest first, like :func:`helpers.baselines.rolling_origin`.
    """
    from helpers.baselines import BacktestFold

    series = _monthly(series, "series")
    horizon = check_positive_int(horizon, "horizon")
    origins = check_positive_int(origins, "origins")
    fine_tune_epochs = check_positive_int(fine_tune_epochs, "fine_tune_epochs")
    settings = {k: recipe.pop(k) for k in ("window", "strategy", "log", "deseasonalise",
                                           "scaler", "units", "lr") if k in recipe}
    train_args = {"epochs": recipe.pop("epochs", 150), "patience": recipe.pop("patience", 10),
                  "stop_months": recipe.pop("stop_months", 12), "batch": recipe.pop("batch", 16)}
    if recipe:
        raise CourseInputError(f"unknown recipe settings {sorted(recipe)}.")
    defaults = {"window": 12, "strategy": "recursive", "log": False, "deseasonalise": False,
                "scaler": "standard", "units": 32, "lr": 3e-3}
    net = _Network(seed, horizon=horizon, **{**defaults, **settings})
    ends = [len(series) - horizon * (origins - k) for k in range(origins)]
    folds = []
    for k, end in enumerate(ends):
        history = series.iloc[:end]
        if k == 0:
            net.train(history, fit_transform=True, **train_args)
        else:
            net.train(history, fine_tune_epochs, None, train_args["stop_months"],
                      train_args["batch"], fit_transform=False)
        folds.append(BacktestFold(history.index[-1], net.forecast(history, horizon),
                                  series.iloc[end:end + horizon]))
    return folds
