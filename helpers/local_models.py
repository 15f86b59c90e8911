"""Models fitted to each series on its own, for comparison with a global model.

Notebook 11 puts a global network (one set of weights for all series) against models that
each see one series only. This module holds the local side:

* :func:`select_ets` / :func:`ets_forecasts`: per series, an exponential smoothing model on
  logs chosen by AICc among a few forms (:data:`ETS_FORMS`), estimated once and then only
  run forward over the new months;
* :func:`select_sarima` / :func:`sarima_forecasts`: per series, a seasonal ARIMA
  ``(p,1,q)(P,1,Q)12`` on logs chosen by AICc over ``p, q, P, Q`` in {0, 1};
* :func:`by_series` and :func:`local_networks`: one small LSTM per series, all trained in
  one Keras call (separate weights, separate losses), so a panel of local networks costs
  one compilation instead of one per series.

A *panel* is a DataFrame with one column per series and a monthly ``DatetimeIndex``.

>>> import numpy as np, pandas as pd
>>> months = pd.date_range("2000-01-01", periods=48, freq="MS")
>>> t = np.arange(48)
>>> panel = pd.DataFrame({"a": 50 * (1 + 0.1 * np.sin(2 * np.pi * t / 12)) + 0.2 * t}, index=months)
>>> fits = select_ets(panel)
>>> sorted(fits["a"]["aicc"]) == sorted(ETS_FORMS)
True
>>> ets_forecasts(panel, horizon=3, fits=fits).shape
(3, 1)
>>> by_series(np.arange(6.0), np.array([0, 0, 0, 1, 1, 1])).tolist()
[[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
"""

from __future__ import annotations

import itertools
import warnings
from typing import Any

from helpers.validation import CourseInputError, check_positive_int

import numpy as np
import pandas as pd

__all__ = [
    "ETS_FORMS",
    "by_series",
    "ets_forecasts",
    "local_networks",
    "per_series",
    "sarima_forecasts",
    "select_ets",
    "select_sarima",
]

#: The exponential smoothing forms :func:`select_ets` chooses from, all with additive
#: seasonality on the log scale (so the seasonal swing is a proportion of the level).
ETS_FORMS: dict[str, dict[str, Any]] = {
    "damped trend": {"trend": "add", "damped_trend": True},
    "trend": {"trend": "add", "damped_trend": False},
    "no trend": {"trend": None, "damped_trend": False},
}

_ETS_KEYS = ("smoothing_level", "smoothing_trend", "smoothing_seasonal", "damping_trend",
             "initial_level", "initial_trend", "initial_seasons")


def _logs(history: Any, name: str, season: int, minimum: int) -> pd.DataFrame:
    from helpers.global_models import _check_panel

    history = _check_panel(history, name)
    if (history <= 0).to_numpy().any():
        raise CourseInputError(f"{name}: the models work on logs, so every value must be positive.")
    if len(history) < minimum:
        raise CourseInputError(f"{name} has {len(history)} months; these models need at least "
                               f"{minimum} (two seasons of {season} and a few more).")
    return np.log(history)


def _future(history: pd.DataFrame, horizon: int) -> pd.DatetimeIndex:
    return pd.date_range(history.index[-1], periods=horizon + 1, freq="MS")[1:]


def _holt_winters(values: np.ndarray, form: str, season: int, kept: dict[str, Any] | None):
    """One Holt-Winters fit (kept is None) or filter with kept parameters, on log values."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    from threadpoolctl import threadpool_limits

    args = dict(ETS_FORMS[form], seasonal="add", seasonal_periods=season)
    # one BLAS thread: the matrices are tiny, and threads fighting over two cores slow each fit
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")
        if kept is None:
            return ExponentialSmoothing(values, **args).fit()
        trend = kept["initial_trend"] if args["trend"] else None
        model = ExponentialSmoothing(values, initialization_method="known",
                                     initial_level=kept["initial_level"], initial_trend=trend,
                                     initial_seasonal=kept["initial_seasons"], **args)
        given = {key: kept[key] for key in ("smoothing_level", "smoothing_seasonal")}
        if args["trend"]:
            given["smoothing_trend"] = kept["smoothing_trend"]
        if args["damped_trend"]:
            given["damping_trend"] = kept["damping_trend"]
        return model.fit(**given, optimized=False)


def _select_one_ets(values: np.ndarray, season: int,
                    known: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """:func:`select_ets` for one series' log values (run in a worker process when jobs > 1)."""
    aicc, params = {}, {}
    for form in ETS_FORMS:
        kept = known.get(form)
        result = _holt_winters(values, form, season, kept)
        aicc[form] = float(result.aicc)
        params[form] = kept if kept is not None else {key: result.params[key] for key in _ETS_KEYS}
    return {"form": min(aicc, key=aicc.get), "aicc": aicc, "params": params}


def per_series(function: Any, tasks: list[tuple[Any, ...]], jobs: int = 1) -> list[Any]:
    """``[function(*task) for task in tasks]``, shared among ``jobs`` worker processes.

    Not used in a notebook; :func:`select_ets` and :func:`select_sarima` (11 §4) run on it.

    Fitting a statistical model to each of many series is work that splits cleanly: no
    fit needs another's result. With ``jobs`` above 1 the tasks go to that many worker
    processes (joblib's reusable pool: the workers start once, each importing the course
    code, a few seconds, and stay for the next call), so two cores fit two series at a
    time. The results come back in the order of ``tasks`` and are the same as with one
    process. With ``jobs=1``, or fewer than two tasks per worker, everything runs here.

    >>> per_series(divmod, [(7, 2), (9, 4)])
    [(3, 1), (2, 1)]
    """
    jobs = check_positive_int(jobs, "jobs")
    if jobs == 1 or len(tasks) < 2 * jobs:
        return [function(*task) for task in tasks]
    from joblib import Parallel, delayed

    return Parallel(n_jobs=jobs)(delayed(function)(*task) for task in tasks)


def select_ets(history: pd.DataFrame, season: int = 12,
               known: dict[str, dict[str, dict[str, Any]]] | None = None,
               jobs: int = 1) -> dict[str, dict[str, Any]]:
    """Choose each series' exponential smoothing form by AICc, on logs of ``history``.

    Taught in 11 §4.

    Every form in :data:`ETS_FORMS` is estimated on each series' ``history`` (pass only the
    months before the test) and the one with the lowest AICc (Akaike's criterion with the
    small-sample correction: fit minus a penalty per estimated parameter and initial
    state) is kept. Forms whose parameters are already estimated on the same ``history``
    can be passed in ``known`` (``{form: {series: params}}``, e.g. the params that
    ``helpers.global_models.ets_panel`` returns for "damped trend"): they are only filtered
    to get their AICc, not estimated again. ``jobs`` worker processes share the series
    (:func:`per_series`); the result does not depend on it.

    Returns:
        ``{series: {"form": chosen form, "aicc": {form: AICc}, "params": {form: params}}}``,
        to pass to :func:`ets_forecasts`; ``params["damped trend"]`` is what
        ``ets_panel`` estimates.
    """
    season = check_positive_int(season, "season")
    logs = _logs(history, "history", season, 2 * season + 2)
    known = {} if known is None else known
    if not isinstance(known, dict) or any(form not in ETS_FORMS for form in known):
        raise CourseInputError(f"known must map forms among {list(ETS_FORMS)} to params per series.")
    tasks = [(logs[column].to_numpy(), season, {form: known[form].get(column) for form in known})
             for column in logs.columns]
    return dict(zip(logs.columns, per_series(_select_one_ets, tasks, jobs), strict=True))


def _check_fits(fits: Any, columns: pd.Index, what: str) -> None:
    if not isinstance(fits, dict):
        raise CourseInputError(f"fits must be the dict that {what} returned.")
    missing = [c for c in columns if c not in fits]
    if missing:
        raise CourseInputError(f"fits has no series {missing[0]!r}: select on the same series first "
                               f"({what}), or forecast only the series you selected.")


def ets_forecasts(history: pd.DataFrame, horizon: int, fits: dict[str, dict[str, Any]],
                  form: str | None = None, season: int = 12, jobs: int = 1) -> pd.DataFrame:
    """Forecasts of every series with the parameters chosen by :func:`select_ets`.

    Taught in 11 §4.

    Each series uses its chosen form (or ``form`` for every series, to compare one fixed
    form), with the parameters and initial states estimated once; over a longer ``history``
    the states are only run forward through the new months. Forecasts are ``exp`` of the log
    forecast, rows = the next ``horizon`` months, one column per series. ``jobs`` worker
    processes share the series (:func:`per_series`); the forecasts do not depend on it.
    """
    horizon = check_positive_int(horizon, "horizon")
    logs = _logs(history, "history", season, 2 * season + 2)
    _check_fits(fits, logs.columns, "select_ets")
    if form is not None and form not in ETS_FORMS:
        raise CourseInputError(f"form must be None (each series' choice) or one of {list(ETS_FORMS)}.")
    tasks = []
    for column in logs.columns:
        chosen = form or fits[column]["form"]
        tasks.append((logs[column].to_numpy(), chosen, season, fits[column]["params"][chosen], horizon))
    paths = per_series(_ets_forecast_one, tasks, jobs)
    return pd.DataFrame(dict(zip(logs.columns, paths, strict=True)), index=_future(history, horizon))


def _ets_forecast_one(values: np.ndarray, form: str, season: int, params: dict[str, Any],
                      horizon: int) -> np.ndarray:
    """:func:`ets_forecasts` for one series' log values."""
    return np.exp(_holt_winters(values, form, season, params).forecast(horizon))


def select_sarima(history: pd.DataFrame, season: int = 12,
                  jobs: int = 1) -> tuple[dict[str, dict[str, Any]], int]:
    """Choose each series' seasonal ARIMA ``(p,1,q)(P,1,Q)`` on logs by AICc.

    Taught in 11 §4.

    All 16 orders with ``p, q, P, Q`` in {0, 1} are estimated on each series' ``history``
    (one month-to-month and one year-to-year difference, so trend and seasonality are
    differenced away). The estimation works on the differenced series directly
    (``simple_differencing=True``, several times faster, and the AICc of the 16 candidates
    stay comparable because they share the same differenced data); :func:`sarima_forecasts`
    then runs the chosen parameters on the undifferenced logs. ``jobs`` worker processes
    share the series (:func:`per_series`); the result does not depend on it.

    Returns:
        ``(fits, n_warnings)``: ``{series: {"order", "seasonal_order", "params", "aicc"}}``
        and how many warnings (non-convergence, non-invertible starts) statsmodels raised.
    """
    season = check_positive_int(season, "season")
    logs = _logs(history, "history", season, 4 * season)
    chosen = per_series(_select_one_sarima, [(logs[c].to_numpy(), season) for c in logs.columns], jobs)
    fits = {column: fit for column, (fit, _) in zip(logs.columns, chosen, strict=True)}
    return fits, sum(n for _, n in chosen)


def _select_one_sarima(values: np.ndarray, season: int) -> tuple[dict[str, Any], int]:
    """:func:`select_sarima` for one series' log values: (its fit, how many warnings)."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX
    from threadpoolctl import threadpool_limits

    aicc, results, n_warnings = {}, {}, 0
    for p, q, P, Q in itertools.product((0, 1), repeat=4):
        order, seasonal = (p, 1, q), (P, 1, Q, season)
        with warnings.catch_warnings(record=True) as caught, threadpool_limits(1):
            warnings.simplefilter("always")
            result = SARIMAX(values, order=order, seasonal_order=seasonal,
                             simple_differencing=True).fit(disp=False)
        n_warnings += len(caught)
        aicc[(order, seasonal)] = float(result.aicc)
        results[(order, seasonal)] = result.params
    best = min(aicc, key=aicc.get)
    return {"order": best[0], "seasonal_order": best[1], "params": results[best],
            "aicc": aicc[best]}, n_warnings


def sarima_forecasts(history: pd.DataFrame, horizon: int, fits: dict[str, dict[str, Any]],
                     season: int = 12) -> pd.DataFrame:
    """Forecasts of every series with the orders and parameters from :func:`select_sarima`.

    Taught in 11 §4.

    The parameters are kept; the Kalman filter only runs them over ``history`` (which may be
    longer than the one they were estimated on). Forecasts are ``exp`` of the log forecast.
    """
    from statsmodels.tsa.statespace.sarimax import SARIMAX
    from threadpoolctl import threadpool_limits

    horizon = check_positive_int(horizon, "horizon")
    logs = _logs(history, "history", season, 4 * season)
    _check_fits(fits, logs.columns, "select_sarima")
    out = {}
    for column in logs.columns:
        fit = fits[column]
        with warnings.catch_warnings(), threadpool_limits(1):
            warnings.simplefilter("ignore")
            model = SARIMAX(logs[column].to_numpy(), order=fit["order"],
                            seasonal_order=fit["seasonal_order"])
            out[column] = np.exp(model.filter(fit["params"]).forecast(horizon))
    return pd.DataFrame(out, index=_future(history, horizon))


def by_series(values: Any, series: Any) -> np.ndarray:
    """Rearrange stacked windows ``(k * n, ...)`` into ``(n, k, ...)``: row t holds window t of every series.

    Taught in 11 §7.

    ``series`` gives each window's series number, as ``PanelWindows.series`` does; every
    series must have the same number of windows, stacked one series after the other (what
    ``global_windows`` and its purged subsets give).
    """
    values = np.asarray(values)
    series = np.asarray(series)
    if series.ndim != 1 or len(series) != len(values) or len(series) == 0:
        raise CourseInputError("series must have one entry per window (the first axis of values).")
    k = len(np.unique(series))
    if len(series) % k or not (series.reshape(k, -1) == np.unique(series)[:, None]).all():
        raise CourseInputError(
            "by_series needs the windows of each series stacked in one block, every series with "
            "the same number of windows, as global_windows returns them (after the same mask).")
    return np.swapaxes(values.reshape((k, -1) + values.shape[1:]), 0, 1)


def _block_mask(rows: int, cols: int, n: int, repeat: int = 1) -> np.ndarray:
    """1 where row block i meets column block i (in each of ``repeat`` column groups), else 0."""
    mask = np.kron(np.eye(n), np.ones((rows, cols)))
    return np.tile(mask, (1, repeat)).astype("float32")


def local_networks(n_series: int, window: int, features: int, horizon: int, units: int,
                   seed: int = 0):
    """One LSTM(units) -> Dense(horizon) network per series, as one Keras model.

    Taught in 11 §7.

    Input ``(batch, n_series, window, features)``, output ``(batch, n_series, horizon)``:
    series i goes only through network i. The networks sit side by side in one wide LSTM
    and one Dense layer whose weight matrices are *block-diagonal*: every weight that
    would connect series i to network j (j != i) is zero at the start and set back to zero
    after every update (a Keras weight constraint), so network i computes with series i's
    inputs alone, and its gradient comes from series i's errors alone (Adam scales each
    weight's step on its own). Training this model therefore trains ``n_series`` separate
    networks, each starting from its own random weights, at the cost of one wide network
    instead of ``n_series`` compilations. The one thing they share is the number of epochs,
    if early stopping is used.

    >>> model = local_networks(n_series=2, window=4, features=3, horizon=2, units=3)
    >>> tuple(model.output.shape), model.count_params()  # 2 x (LSTM(3) on 3 inputs + Dense(2)) ...
    ((None, 2, 2), 340)
    >>> 2 * (4 * 3 * (3 + 3 + 1) + 3 * 2 + 2)               # ... plus the zeros between them
    184
    """
    import keras

    n_series = check_positive_int(n_series, "n_series")
    window = check_positive_int(window, "window")
    features = check_positive_int(features, "features")
    horizon = check_positive_int(horizon, "horizon")
    units = check_positive_int(units, "units")

    class _Blocks(keras.constraints.Constraint):
        def __init__(self, mask):
            self.mask = mask

        def __call__(self, w):
            return w * keras.ops.convert_to_tensor(self.mask, dtype=w.dtype)

    masks = {"kernel": _block_mask(features, units, n_series, 4),
             "recurrent": _block_mask(units, units, n_series, 4),
             "dense": _block_mask(units, horizon, n_series)}
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(n_series, window, features))
    steps = keras.layers.Reshape((window, n_series * features))(keras.layers.Permute((2, 1, 3))(inputs))
    lstm = keras.layers.LSTM(n_series * units, kernel_constraint=_Blocks(masks["kernel"]),
                             recurrent_constraint=_Blocks(masks["recurrent"]))
    dense = keras.layers.Dense(n_series * horizon, kernel_constraint=_Blocks(masks["dense"]))
    outputs = keras.layers.Reshape((n_series, horizon))(dense(lstm(steps)))
    model = keras.Model(inputs, outputs, name="local_networks")
    # each network starts from its own small-network initial weights, the rest from zero
    glorot, orthogonal = keras.initializers.GlorotUniform(seed), keras.initializers.Orthogonal(seed + 1)
    kernel, recurrent, bias = (np.zeros(w.shape, "float32") for w in lstm.get_weights())
    dense_kernel = np.zeros((n_series * units, n_series * horizon), "float32")
    for i in range(n_series):
        k = np.asarray(glorot((features, 4 * units)))
        r = np.asarray(orthogonal((units, 4 * units)))
        for g in range(4):                                  # the gates: input, forget, cell, output
            cols = slice(g * n_series * units + i * units, g * n_series * units + (i + 1) * units)
            kernel[i * features:(i + 1) * features, cols] = k[:, g * units:(g + 1) * units]
            recurrent[i * units:(i + 1) * units, cols] = r[:, g * units:(g + 1) * units]
        dense_kernel[i * units:(i + 1) * units, i * horizon:(i + 1) * horizon] = np.asarray(
            glorot((units, horizon)))
    bias[n_series * units:2 * n_series * units] = 1.0       # Keras' unit forget bias
    lstm.set_weights([kernel, recurrent, bias])
    dense.set_weights([dense_kernel, np.zeros(n_series * horizon, "float32")])
    return model
