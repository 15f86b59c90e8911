"""A DeepAR-style global probabilistic forecaster, and baselines scored the same way.

Notebook 12 trains one small recurrent network on many series at once that outputs a
whole distribution for the next month (DeepAR, Salinas et al. 2020). The plumbing:

* :func:`sequence_windows`: sequences cut from every series separately, each divided by
  the mean of its own conditioning range (DeepAR's per-window mean scaling), with the
  previous value and the month of year as inputs and the value itself as the target
  at every step (*teacher forcing*);
* :func:`nll_loss`: the negative log-likelihood of a Gaussian or Student-t head, as a
  Keras loss (``mu``, then ``sigma`` and ``df`` through softplus);
* :func:`build_deepar`: the training network and a one-step network sharing its weights;
* :func:`sample_paths`: forecasts by sampling, each drawn value fed back as the next input,
  vectorised over series x paths;
* :func:`seasonal_naive_quantiles`, :func:`ets_paths`: the baselines' distributions;
* :func:`probabilistic_scores`: per-series scaled CRPS, pinball loss and 80 % coverage.

>>> import numpy as np, pandas as pd
>>> months = pd.date_range("2000-01-01", periods=40, freq="MS")
>>> panel = pd.DataFrame({"a": 1.0 + np.arange(40.0), "b": np.full(40, 5.0)}, index=months)
>>> w = sequence_windows(panel, context=6, horizon=3, lag=0)
>>> w.inputs.shape, w.targets.shape, w.scale[:2].round(2).tolist()
((64, 8, 3), (64, 8), [3.5, 4.5])
>>> [round(float(v), 3) for v in w.targets[0, :3]]    # the values 2, 3, 4 of series a over its context mean 3.5
[0.571, 0.857, 1.143]
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from helpers.global_models import _check_panel, _position
from helpers.validation import CourseInputError, check_positive_int

import numpy as np
import pandas as pd

__all__ = [
    "DISTRIBUTIONS",
    "LEVELS",
    "SequenceWindows",
    "build_deepar",
    "ets_paths",
    "forecast_quantiles",
    "negative_log_likelihood",
    "nll_loss",
    "probabilistic_scores",
    "sample_paths",
    "seasonal_naive_quantiles",
    "sequence_windows",
]

DISTRIBUTIONS = ("gaussian", "student-t")
LEVELS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
_SIGMA_FLOOR = 1e-4


def _check_distribution(distribution: Any) -> str:
    if distribution not in DISTRIBUTIONS:
        raise CourseInputError(
            f"distribution must be one of {DISTRIBUTIONS}, got {distribution!r}.")
    return distribution


def _months(index: pd.DatetimeIndex) -> np.ndarray:
    angle = 2 * np.pi * (index.month.to_numpy() - 1) / 12
    return np.column_stack([np.sin(angle), np.cos(angle)]).astype("float32")


@dataclass(frozen=True)
class SequenceWindows:
    """Sequences for teacher forcing, cut from many series, each from one series only.

    Not used in a notebook by name; sequence_windows() returns it.

    Attributes:
        inputs: shape ``(n, context + horizon - 1, features)``: at step t the scaled value
            of month t - 1, the value of month t - lag (when lag > 0), then sin and cos of
            month t's month of year.
        targets: shape ``(n, context + horizon - 1)``: the scaled value of month t.
        scale: each sequence's scale, the mean of its ``context`` conditioning months.
        series: the series' column number for each sequence.
        first_label, last_label: panel row positions of the first and last label of the
            *prediction range* (the last ``horizon`` targets), for purged masks.
    """

    inputs: np.ndarray
    targets: np.ndarray
    scale: np.ndarray
    series: np.ndarray
    first_label: np.ndarray
    last_label: np.ndarray

    def __len__(self) -> int:
        return len(self.targets)

    def subset(self, mask: Any) -> SequenceWindows:
        """The sequences where ``mask`` (boolean, one entry per sequence) is True."""
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != (len(self),):
            raise CourseInputError(f"mask must be boolean with one entry per sequence ({len(self)}).")
        return SequenceWindows(self.inputs[mask], self.targets[mask], self.scale[mask],
                               self.series[mask], self.first_label[mask], self.last_label[mask])


def _features(full: np.ndarray, months: np.ndarray, steps: np.ndarray, lag: int) -> np.ndarray:
    """Inputs at the positions ``steps`` of ``full`` (..., positions): previous value, the value
    ``lag`` months back (when lag > 0), then sin and cos of the month being predicted."""
    parts = [full[..., steps - 1, None]]
    if lag:
        parts.append(full[..., steps - lag, None])
    calendar = np.broadcast_to(months[..., steps, :], (*full.shape[:-1], len(steps), 2))
    return np.concatenate(parts + [calendar], axis=-1).astype("float32")


def sequence_windows(panel: pd.DataFrame, context: int, horizon: int, lag: int = 12,
                     end: Any = None, stride: int = 1) -> SequenceWindows:
    """Sequences of ``context + horizon`` months from every series, for teacher forcing.

    Taught in 12 §2.

    A sequence covers ``context + horizon`` months (plus the ``lag`` months before them,
    read as inputs only). It is divided by the mean of its first ``context`` values (its
    *conditioning range*: what the network will have seen at a forecast origin), so a
    sequence's scale never uses a month after its own origin. At every step the network
    reads the previous value, the value ``lag`` months back (as DeepAR feeds lagged values;
    ``lag=0``: none) and the month of year, and predicts the value; the last ``horizon``
    steps are the *prediction range*. Only rows up to ``end`` (a date; default: all) are
    used. ``stride`` keeps every stride-th start.

    Raises:
        CourseInputError: not a panel, too short, or a conditioning range whose mean is
            not positive.
    """
    panel = _check_panel(panel)
    context = check_positive_int(context, "context")
    horizon = check_positive_int(horizon, "horizon")
    stride = check_positive_int(stride, "stride")
    lag = _check_lag(lag)
    if context < 2:
        raise CourseInputError("context must be at least 2 months (one to read, one to predict).")
    stop = len(panel) if end is None else _position(panel, end, "end") + 1
    length = lag + context + horizon
    starts = np.arange(0, stop - length + 1, stride)
    if starts.size == 0:
        raise CourseInputError(
            f"the panel has {stop} rows up to end, too few for lag={lag}, context={context} and "
            f"horizon={horizon}: shorten them or end later.")
    values = panel.to_numpy(dtype="float64")[:stop]
    months = _months(panel.index[:stop])
    rows = starts[:, None] + np.arange(length)                          # (n, length)
    k = values.shape[1]
    seq = values[rows].transpose(2, 0, 1).reshape(-1, length)            # series-major
    scale = seq[:, lag:lag + context].mean(axis=1)
    if not (scale > 0).all():
        raise CourseInputError(
            "a conditioning range has a mean that is not positive; mean scaling needs positive "
            "series (drop that series, or shift it to positive values first).")
    z = seq / scale[:, None]
    steps = np.arange(lag + 1, length)
    calendar = np.tile(months[rows], (k, 1, 1))
    inputs = _features(z, calendar, steps, lag)
    first = np.tile(starts + lag + context, k)
    return SequenceWindows(inputs, z[:, steps].astype("float32"), scale,
                           np.repeat(np.arange(k), starts.size), first, first + horizon - 1)


def _check_lag(lag: Any) -> int:
    if isinstance(lag, bool) or not isinstance(lag, (int, np.integer)) or lag < 0:
        raise CourseInputError(f"lag must be a whole number of months >= 0 (0: no lag input), got {lag!r}.")
    return int(lag)


def _params(raw: Any, distribution: str, ops: Any) -> tuple[Any, Any, Any]:
    """mu, sigma (> 0) and df (> 2, Student-t only) from the head's raw outputs."""
    mu = raw[..., 0]
    sigma = ops.softplus(raw[..., 1]) + _SIGMA_FLOOR
    df = ops.softplus(raw[..., 2]) + 2.0 if distribution == "student-t" else None
    return mu, sigma, df


def _lgamma(x: Any, ops: Any) -> Any:
    """log Gamma(x) for x > 0 (keras.ops has no lgamma): Stirling's series at x + 6, shifted back."""
    shifted = x + 6.0
    product = x * (x + 1.0) * (x + 2.0) * (x + 3.0) * (x + 4.0) * (x + 5.0)
    inv = 1.0 / shifted
    series = inv / 12.0 - inv ** 3 / 360.0 + inv ** 5 / 1260.0
    return ((shifted - 0.5) * ops.log(shifted) - shifted + 0.5 * np.log(2 * np.pi) + series
            - ops.log(product))


def _nll(y: Any, raw: Any, distribution: str, ops: Any) -> Any:
    mu, sigma, df = _params(raw, distribution, ops)
    u = (y - mu) / sigma
    if distribution == "gaussian":
        return 0.5 * u * u + ops.log(sigma) + 0.5 * np.log(2 * np.pi)
    half = (df + 1.0) / 2.0
    return (-_lgamma(half, ops) + _lgamma(df / 2.0, ops) + 0.5 * ops.log(df * np.pi)
            + ops.log(sigma) + half * ops.log1p(u * u / df))


class _NumpyOps:
    """The few keras.ops functions _nll needs, in NumPy (for checking and sampling)."""

    @staticmethod
    def softplus(x: Any) -> Any:
        return np.logaddexp(0.0, x)

    log, log1p = staticmethod(np.log), staticmethod(np.log1p)


def negative_log_likelihood(y: Any, raw: Any, distribution: str = "gaussian") -> np.ndarray:
    """The negative log-likelihood of each ``y`` under the head's raw outputs, in NumPy.

    Taught in 12 §1.

    ``raw[..., 0]`` is the mean ``mu``, ``softplus(raw[..., 1])`` the scale ``sigma`` and,
    for ``"student-t"``, ``2 + softplus(raw[..., 2])`` the degrees of freedom (above 2, so
    the variance is finite). The same formula as :func:`nll_loss`, for checking it.

    >>> round(float(negative_log_likelihood(0.0, [0.0, 100.0])), 3)   # N(0, 100): -log pdf(0)
    5.524
    """
    distribution = _check_distribution(distribution)
    y = np.asarray(y, dtype="float64")
    raw = np.asarray(raw, dtype="float64")
    width = 2 if distribution == "gaussian" else 3
    if raw.ndim == 0 or raw.shape[-1] != width or raw.shape[:-1] != y.shape:
        raise CourseInputError(
            f"raw must have the shape of y plus one last axis of {width} parameters for "
            f"{distribution!r}; y is {y.shape}, raw is {raw.shape}.")
    return _nll(y, raw, distribution, _NumpyOps)


def nll_loss(distribution: str = "gaussian") -> Any:
    """A Keras loss: the mean negative log-likelihood of the targets under the head's outputs.

    Taught in 12 §3.

    Targets that are NaN are left out of the mean, so a validation set can score only the
    prediction range of each sequence (NaN on the conditioning range).
    """
    from keras import ops

    distribution = _check_distribution(distribution)

    def loss(y_true: Any, y_pred: Any) -> Any:
        y_true = ops.cast(y_true, y_pred.dtype)
        known = ops.logical_not(ops.isnan(y_true))
        y = ops.where(known, y_true, ops.zeros_like(y_true))
        per = _nll(y, y_pred, distribution, ops)
        weight = ops.cast(known, y_pred.dtype)
        return ops.sum(per * weight) / ops.maximum(ops.sum(weight), 1.0)

    loss.__name__ = f"{distribution.replace('-', '_')}_nll"
    return loss


def build_deepar(units: int = 32, distribution: str = "gaussian", n_features: int = 4,
                 seed: int = 0) -> tuple[Any, Any]:
    """The training network and a one-step network that share the same weights.

    Taught in 12 §3.

    A GRU reads the sequence and a ``Dense`` head gives, at every step, the raw parameters
    of the next value's distribution (2 for Gaussian, 3 for Student-t). The training
    network maps ``(batch, steps, n_features)`` to ``(batch, steps, n_params)``. The
    one-step network takes ``[inputs, state]`` and returns ``[params, new_state]``, so
    sampling can carry the state from step to step instead of re-reading the window.

    >>> train, step = build_deepar(units=4)
    >>> train.output_shape, [tuple(s) for s in step.output_shape]
    ((None, None, 2), [(None, None, 2), (None, 4)])
    """
    import keras

    units = check_positive_int(units, "units")
    n_features = check_positive_int(n_features, "n_features")
    distribution = _check_distribution(distribution)
    keras.utils.set_random_seed(seed)
    gru = keras.layers.GRU(units, return_sequences=True, return_state=True, name="gru")
    head = keras.layers.Dense(2 if distribution == "gaussian" else 3, name="distribution")
    x = keras.Input(shape=(None, n_features))
    seq, _ = gru(x)
    train = keras.Model(x, head(seq), name=f"deepar_{distribution.replace('-', '_')}")
    x1, h0 = keras.Input(shape=(None, n_features)), keras.Input(shape=(units,))
    seq1, h1 = gru(x1, initial_state=h0)
    step = keras.Model([x1, h0], [head(seq1), h1], name="deepar_step")
    return train, step


def _draw(rng: np.random.Generator, raw: np.ndarray, distribution: str) -> np.ndarray:
    mu, sigma, df = _params(raw.astype("float64"), distribution, _NumpyOps)
    if distribution == "gaussian":
        return mu + sigma * rng.standard_normal(mu.shape)
    return mu + sigma * rng.standard_t(df)


def sample_paths(step: Any, history: pd.DataFrame, context: int, horizon: int, n_paths: int,
                 lag: int = 12, distribution: str = "gaussian", seed: int = 0) -> np.ndarray:
    """Sample paths of every series after the last row of ``history``: ``(n_series, n_paths, horizon)``.

    Taught in 12 §4.

    Each series' last ``context`` months are divided by their mean (as in
    :func:`sequence_windows`) and read by the network to set its state; then, ``horizon``
    times, the network gives the next month's distribution, one value is drawn for each
    of ``n_paths`` paths, and that draw is the next step's input (the network's own
    output replaces the truth it was trained on). All series x paths run as one batch,
    the network's state carried from step to step. Paths are in the series' own units.
    """
    history = _check_panel(history, "history")
    context = check_positive_int(context, "context")
    horizon = check_positive_int(horizon, "horizon")
    n_paths = check_positive_int(n_paths, "n_paths")
    lag = _check_lag(lag)
    distribution = _check_distribution(distribution)
    if len(history) < lag + context or context < 2:
        raise CourseInputError(f"history has {len(history)} months; lag + context = {lag + context} "
                               "needs at least that many (and context at least 2).")
    if step.input_shape[0][-1] != (4 if lag else 3):
        raise CourseInputError(f"the network reads {step.input_shape[0][-1]} features per step, but "
                               f"lag={lag} gives {4 if lag else 3}: pass the lag it was trained with.")
    values = history.to_numpy(dtype="float64")[-(lag + context):].T       # (k, lag + context)
    scale = values[:, lag:].mean(axis=1)
    if not (scale > 0).all():
        raise CourseInputError("a series' last context months have a mean that is not positive.")
    k, start = len(values), lag + context
    dates = pd.date_range(history.index[-start], periods=start + horizon, freq="MS")
    months = _months(dates)
    z = np.concatenate([values / scale[:, None], np.zeros((k, horizon))], axis=1)
    warm = _features(z, months, np.arange(lag + 1, start), lag)
    _, state = step.predict_on_batch([warm, np.zeros((k, step.input_shape[1][-1]), "float32")])
    state = np.repeat(np.asarray(state), n_paths, axis=0)
    z = np.repeat(z, n_paths, axis=0)                                      # (k * n_paths, ...)
    rng = np.random.default_rng(seed)
    for t in range(start, start + horizon):
        raw, state = step.predict_on_batch([_features(z, months, np.array([t]), lag), state])
        z[:, t] = _draw(rng, np.asarray(raw)[:, -1], distribution)
    return z[:, start:].reshape(k, n_paths, horizon) * scale[:, None, None]


def forecast_quantiles(paths: Any, levels: Any = LEVELS) -> np.ndarray:
    """Quantiles of sample paths ``(n_series, n_paths, horizon)``: ``(n_series, horizon, n_levels)``.

    Taught in 12 §4.

    >>> forecast_quantiles(np.arange(5.0).reshape(1, 5, 1), levels=(0.5,)).tolist()
    [[[2.0]]]
    """
    paths = np.asarray(paths, dtype="float64")
    if paths.ndim != 3:
        raise CourseInputError(f"paths must be (n_series, n_paths, horizon), got shape {paths.shape}.")
    return np.moveaxis(np.quantile(paths, np.asarray(levels), axis=1), 0, -1)


def seasonal_naive_quantiles(history: pd.DataFrame, horizon: int, season: int = 12,
                             levels: Any = LEVELS) -> np.ndarray:
    """Seasonal naive quantiles from each series' own past seasonal ratios: ``(n_series, horizon, n_levels)``.

    Taught in 12 §5.

    The point forecast is the value of the same month last year; its uncertainty is the
    empirical distribution of that series' ratios ``y[t] / y[t - season]`` over
    ``history``, so a series that moved by up to 5 % a year in the past gets a band of
    about that width. For ``horizon <= season`` every step is one seasonal step ahead,
    so every step gets the same relative band.

    >>> months = pd.date_range("2000-01-01", periods=5, freq="MS")
    >>> h = pd.DataFrame({"a": [1.0, 2.0, 1.1, 2.2, 1.2]}, index=months)
    >>> seasonal_naive_quantiles(h, horizon=2, season=2, levels=(0.5,)).round(3).tolist()
    [[[2.42], [1.32]]]
    """
    history = _check_panel(history, "history")
    horizon = check_positive_int(horizon, "horizon")
    season = check_positive_int(season, "season")
    if horizon > season:
        raise CourseInputError(f"horizon={horizon} is longer than one season ({season}).")
    values = history.to_numpy(dtype="float64")
    if len(values) < 2 * season or (values <= 0).any():
        raise CourseInputError(f"need at least {2 * season} positive months of history.")
    ratios = values[season:] / values[:-season]                         # (n - season, k)
    q = np.quantile(ratios, np.asarray(levels), axis=0)                 # (levels, k)
    point = values[-season:][np.arange(horizon) % season]              # (horizon, k)
    return (point.T[:, :, None] * q.T[:, None, :])


_ETS_KEYS = ("smoothing_level", "smoothing_trend", "smoothing_seasonal", "damping_trend",
             "initial_level", "initial_trend", "initial_seasons")


def ets_paths(history: pd.DataFrame, horizon: int, n_paths: int, season: int = 12,
              params: dict[str, dict[str, Any]] | None = None,
              seed: int = 0, jobs: int = 1) -> tuple[np.ndarray, dict[str, dict[str, Any]]]:
    """Simulated ETS paths for every series: ``(n_series, n_paths, horizon)``, and the parameters.

    Taught in 12 §5.

    The model of notebook 11 (``helpers.global_models.ets_panel``): Holt-Winters on log
    employees with a damped additive trend and additive seasonality, estimated per series
    (or, with ``params`` from an earlier call, kept and only run forward). Paths come from
    statsmodels' ``simulate``: future errors drawn from a normal distribution with the
    spread of the series' own in-sample one-step errors, pushed through the model's
    equations, then ``exp``. ``jobs`` worker processes share the series
    (``helpers.local_models.per_series``); the paths do not depend on it.
    """

    history = _check_panel(history, "history")
    horizon = check_positive_int(horizon, "horizon")
    n_paths = check_positive_int(n_paths, "n_paths")
    if (history <= 0).to_numpy().any():
        raise CourseInputError("ets_paths works on logs: every value must be positive.")
    if len(history) < 2 * season + 2:
        raise CourseInputError(f"ets_paths needs at least {2 * season + 2} months of history.")
    if params is not None and (not isinstance(params, dict)
                               or any(not isinstance(params.get(c), dict) for c in history.columns)):
        raise CourseInputError("params must be the dict an earlier ets_paths call returned for "
                               "the same series.")
    from helpers.local_models import per_series

    rng = np.random.default_rng(seed)
    states = [int(rng.integers(2**31)) for _ in history.columns]     # one per series, in order
    tasks = [(np.log(history[column].to_numpy(dtype="float64")), horizon, n_paths, season,
              None if params is None else params[column], state)
             for column, state in zip(history.columns, states, strict=True)]
    results = per_series(_ets_paths_one, tasks, jobs)
    out = np.stack([paths for paths, _ in results])
    fitted = {column: kept for column, (_, kept) in zip(history.columns, results, strict=True)}
    return out, fitted


def _ets_paths_one(logs: np.ndarray, horizon: int, n_paths: int, season: int,
                   kept: dict[str, Any] | None, state: int) -> tuple[np.ndarray, dict[str, Any]]:
    """:func:`ets_paths` for one series' log values: its paths and its parameters."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    from threadpoolctl import threadpool_limits

    spec = dict(trend="add", damped_trend=True, seasonal="add", seasonal_periods=season)
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")
        if kept is None:
            result = ExponentialSmoothing(logs, **spec).fit()
        else:
            result = ExponentialSmoothing(
                logs, initialization_method="known", initial_level=kept["initial_level"],
                initial_trend=kept["initial_trend"], initial_seasonal=kept["initial_seasons"],
                **spec).fit(**{key: kept[key] for key in _ETS_KEYS[:4]}, optimized=False)
        sims = result.simulate(horizon, repetitions=n_paths, error="add", anchor="end",
                               random_state=state)
    fitted = kept if kept is not None else {key: result.params[key] for key in _ETS_KEYS}
    return np.exp(np.asarray(sims).reshape(horizon, n_paths).T), fitted


def probabilistic_scores(truth: pd.DataFrame, quantiles: Any, history: pd.DataFrame,
                         levels: Any = LEVELS, season: int = 12) -> pd.DataFrame:
    """Per-series scaled CRPS and pinball loss, and the 80 % interval's coverage.

    Taught in 12 §6.

    ``quantiles`` has shape ``(n_series, len(truth), n_levels)`` (series in the order of
    ``truth``'s columns). CRPS comes from the quantiles (``helpers.intervals.quantile_crps``);
    the pinball loss is averaged over the levels. Both are divided by the series' mean
    absolute seasonal difference over ``history`` (the scale of MASE), so they can be
    averaged across series. Coverage: the share of months inside [q 0.1, q 0.9].

    >>> months = pd.date_range("2001-01-01", periods=1, freq="MS")
    >>> past = pd.DataFrame({"a": [1.0, 2.0, 3.0]}, index=pd.date_range("2000-01-01", periods=3, freq="MS"))
    >>> s = probabilistic_scores(pd.DataFrame({"a": [5.0]}, index=months), [[[4.0, 5.0, 6.0]]], past,
    ...                          levels=(0.1, 0.5, 0.9), season=1)
    >>> s.round(3).to_dict("index")
    {'a': {'CRPS': 0.12, 'pinball': 0.067, 'coverage 80%': 1.0}}
    """
    from helpers.intervals import quantile_crps

    truth = _check_panel(truth, "truth")
    history = _check_panel(history, "history")
    levels = tuple(float(v) for v in levels)
    f = np.asarray(quantiles, dtype="float64")
    if f.shape != (truth.shape[1], len(truth), len(levels)):
        raise CourseInputError(
            f"quantiles must be (n_series, months, levels) = {(truth.shape[1], len(truth), len(levels))}, "
            f"got {f.shape}; stack each model's forecasts in the order of truth's columns.")
    if 0.1 not in levels or 0.9 not in levels:
        raise CourseInputError("levels must include 0.1 and 0.9 (the 80 % interval).")
    missing = [c for c in truth.columns if c not in history.columns]
    if missing:
        raise CourseInputError(f"history has no series {missing[0]!r}.")
    past = history[truth.columns].to_numpy(dtype="float64")
    scale = np.abs(past[season:] - past[:-season]).mean(axis=0)
    if len(past) <= season or (scale == 0).any():
        raise CourseInputError("history must be longer than a season, with series that change.")
    y = truth.to_numpy(dtype="float64").T                                 # (k, months)
    crps = quantile_crps(y, f, levels=levels, per_point=True).mean(axis=1)
    q = np.asarray(levels)
    diff = y[..., None] - f
    pinball = np.maximum(q * diff, (q - 1) * diff).mean(axis=(1, 2))
    lo, hi = f[..., levels.index(0.1)], f[..., levels.index(0.9)]
    return pd.DataFrame({"CRPS": crps / scale, "pinball": pinball / scale,
                         "coverage 80%": ((y >= lo) & (y <= hi)).mean(axis=1)}, index=truth.columns)
