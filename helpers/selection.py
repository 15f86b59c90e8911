"""Choose a recipe on validation data, and reuse every forecast already computed.

Two small tools for honest model selection on a budget:

* :func:`grid_search` scores a handful of settings over several seeds with a
  function *you* write (it trains on data before a validation period and
  returns the error there), and returns one row per setting with the mean and
  spread over seeds. The winner is then ``table["RMSE mean"].idxmin()``: a
  choice made in code, on data that ends before the test period.
* :class:`ModelPool` hands out compiled Keras models re-initialised as if newly
  built. Keras traces a model's training step the first time it trains, which on
  a small series costs more than the epochs themselves; a pooled model is traced
  once per architecture and then reused, with the same results as a new one.
* :class:`ForecastCache` wraps a forecaster ``f(train, horizon, **settings)``
  and remembers its forecasts. The grid's runs on the validation split, the
  test-year runs and the rolling-origin backtest often ask for the very same
  network (same data, settings and seed); the cache trains it once.

>>> import pandas as pd
>>> from helpers.baselines import seasonal_naive_forecast
>>> series = pd.Series(range(36), dtype=float,
...                    index=pd.date_range("2020-01-01", periods=36, freq="MS"))
>>> snaive = ForecastCache(seasonal_naive_forecast)
>>> first = snaive(series.iloc[:24], 12, season=12)
>>> again = snaive(series.iloc[:24], 12, season=12)
>>> again.equals(first), again is first, snaive.computed, snaive.reused
(True, False, 1, 1)
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import json
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

from helpers.validation import CourseInputError

import numpy as np
import pandas as pd

__all__ = ["ForecastCache", "ModelPool", "grid_search"]


def _fingerprint(train: Any) -> tuple[Any, ...]:
    """What determines a forecast from ``train``: its kind, names, dates and values, in order.

    The row hashes are combined in their order (a reordered series is another series) and
    the column names, dtypes and the Series' name are part of the key, so two frames with
    the same numbers under different columns are never confused.
    """
    if not isinstance(train, pd.Series | pd.DataFrame):
        raise CourseInputError(
            f"ForecastCache needs the training data as a pandas Series or DataFrame with a "
            f"DatetimeIndex (the call shape f(train, horizon, ...)), got {type(train).__name__}."
        )
    if len(train) == 0:
        raise CourseInputError("train is empty; pass at least one observation.")
    rows = pd.util.hash_pandas_object(train, index=True).to_numpy()
    digest = hashlib.sha256(rows.tobytes()).hexdigest()
    if isinstance(train, pd.DataFrame):
        names: Any = ("frame", tuple(map(repr, train.columns)), tuple(map(str, train.dtypes)))
    else:
        names = ("series", repr(train.name), str(train.dtype))
    index = train.index
    return (names, type(index).__name__, str(index.dtype), len(train), digest)


def _copy(value: Any) -> Any:
    """An independent copy of a stored forecast, so that editing it changes nothing stored."""
    if isinstance(value, pd.Series | pd.DataFrame | np.ndarray):
        return value.copy()
    try:
        return copy.deepcopy(value)
    except (TypeError, copy.Error, RecursionError):
        return copy.copy(value)


class ForecastCache:
    """Remember a forecaster's results, keyed by its training data, horizon and settings.

    First used in 07 §3. Taught in 07 §5.

    Call the cache exactly like the forecaster, ``cache(train, horizon, **settings)``.
    The first call with a given ``train`` (same dates and values), ``horizon`` and
    keyword settings runs the forecaster; later identical calls return a copy of the stored
    forecast (editing what you get back never changes a later answer). The key is what
    determines the answer: the data's values in their row order, its dates, column names
    and dtypes, the horizon and the settings. Settings must therefore be passed as keywords with
    hashable values (numbers, strings, tuples), e.g. ``seed=0, units=32``.

    Attributes:
        forecaster: the wrapped function.
        computed: how many times the forecaster actually ran.
        reused: how many calls were answered from the cache.
    """

    def __init__(self, forecaster: Callable[..., Any]) -> None:
        if not callable(forecaster):
            raise CourseInputError(
                "ForecastCache wraps a function f(train, horizon, **settings), e.g. "
                f"seasonal_naive_forecast; got {type(forecaster).__name__}."
            )
        self.forecaster = forecaster
        self.__name__ = getattr(forecaster, "__name__", "forecaster")
        self.computed = 0
        self.reused = 0
        self._store: dict[tuple[Any, ...], Any] = {}

    def _key(self, train: Any, horizon: int, settings: Mapping[str, Any]) -> tuple[Any, ...]:
        for name, value in settings.items():
            if not isinstance(value, Hashable):
                raise CourseInputError(
                    f"ForecastCache: setting {name}={value!r} is a {type(value).__name__}, "
                    "which cannot be a cache key. Pass settings as numbers, strings or tuples "
                    "(e.g. a tuple instead of a list)."
                )
        if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer):
            raise CourseInputError(f"horizon must be a whole number of steps, got {horizon!r}.")
        return (_fingerprint(train), int(horizon), tuple(sorted(settings.items())))

    def __call__(self, train: Any, horizon: int, **settings: Any) -> Any:
        """Return ``forecaster(train, horizon, **settings)``, computing it at most once."""
        key = self._key(train, horizon, settings)
        if key in self._store:
            self.reused += 1
            return _copy(self._store[key])
        forecast = self.forecaster(train, horizon, **settings)
        self.computed += 1
        self._store[key] = _copy(forecast)
        return forecast

    def __len__(self) -> int:
        return len(self._store)


class ModelPool:
    """Compiled models re-initialised as if new, traced by Keras only once per settings.

    Taught in 08 §5. :mod:`helpers.recipes` uses it too, so that
    notebook 07's recipes are traced by Keras once per architecture.

    ``pool(**settings)`` calls ``build(**settings)``, which must return a compiled
    ``keras.Model`` with fresh random weights (seed first, e.g. with
    :func:`helpers.seed_everything`). The first model for given settings is kept and
    returned. Later calls with the same settings build a new model only for its initial
    values: they are copied into the kept model (every variable, weights and random
    states), its optimizer state is reset to the new model's (step count and moments
    zeroed, the learning rate set back to the new model's, even if a callback such as
    ``ReduceLROnPlateau`` lowered it), and the kept model is returned. The new model must
    be compiled the same way (optimizer and its settings, loss, metrics), otherwise the
    pool refuses it. Training it then gives the same result as
    training the new one, without Keras tracing the training step again.

    Only one model per settings exists, so finish with a model (forecast with it) before
    asking the pool for the next one with the same settings.

    Attributes:
        build: the function that builds and compiles a model.
        built: how many distinct models the pool holds.
        reused: how many times a kept model was handed out again.
    """

    def __init__(self, build: Callable[..., Any]) -> None:
        if not callable(build):
            raise CourseInputError(
                "ModelPool wraps a function build(**settings) that returns a compiled Keras "
                f"model; got {type(build).__name__}."
            )
        self.build = build
        self.built = 0
        self.reused = 0
        self._kept: dict[tuple[Any, ...], Any] = {}
        self._compiled: dict[tuple[Any, ...], str] = {}

    def __call__(self, **settings: Any) -> Any:
        """A compiled model for ``settings``, with fresh initial weights and optimizer state."""
        import keras

        fresh = self.build(**settings)
        if not isinstance(fresh, keras.Model) or not getattr(fresh, "compiled", False):
            raise CourseInputError(
                "ModelPool: build(**settings) must return a compiled keras.Model (call "
                f"model.compile(...) inside it); got {type(fresh).__name__}."
            )
        for name, value in settings.items():
            if not isinstance(value, Hashable):
                raise CourseInputError(
                    f"ModelPool: setting {name}={value!r} cannot be a key; pass numbers, "
                    "strings or tuples.")
        key = tuple(sorted(settings.items()))
        kept = self._kept.get(key)
        if kept is None:
            self._kept[key] = fresh
            self._compiled[key] = _compile_signature(fresh)
            self.built += 1
            return fresh
        if _compile_signature(fresh) != self._compiled[key]:
            raise CourseInputError(
                f"ModelPool: build({settings}) compiled the model differently (optimizer, "
                "learning rate, loss or metrics) from the first one built with the same "
                "settings; build must depend only on its settings (pass the learning rate as "
                "one of them).")
        if len(kept.variables) != len(fresh.variables) or any(
            tuple(a.shape) != tuple(b.shape)
            for a, b in zip(kept.variables, fresh.variables, strict=True)
        ):
            raise CourseInputError(
                f"ModelPool: build({settings}) returned a model whose variables differ from "
                "the first one built with the same settings; build must depend only on them."
            )
        for target, source in zip(kept.variables, fresh.variables, strict=True):
            target.assign(source.value)
        rate = getattr(fresh.optimizer, "_learning_rate", None)
        for variable in kept.optimizer.variables:
            if variable.path.endswith("learning_rate"):
                if isinstance(rate, keras.Variable):
                    variable.assign(rate.value)
            else:
                variable.assign(keras.ops.zeros(variable.shape, variable.dtype))
        kept.stop_training = False
        kept.reset_metrics()
        self.reused += 1
        return kept


def _check_score_accepts(score: Callable[..., float], name: Any, settings: Mapping[str, Any]) -> None:
    """Refuse a score function whose parameters do not match ``seed`` plus a grid row."""
    try:
        signature = inspect.signature(score)
    except (TypeError, ValueError):  # a builtin without a signature: let the call decide
        return
    try:
        signature.bind(seed=0, **settings)
    except TypeError as err:
        raise CourseInputError(
            f"score cannot be called as score(seed=..., **grid[{name!r}]): {err}. Its "
            f"parameters are {list(signature.parameters)}, the grid row gives "
            f"{['seed', *settings]}; name the parameters exactly as the grid's settings (plus "
            "seed), or add **settings to the function."
        ) from None


def _compile_signature(model: Any) -> str:
    """How a model was compiled (optimizer class and settings, loss, metrics) as text."""
    try:
        config = model.get_compile_config() or {}
    except Exception:
        config = {"optimizer": repr(model.optimizer.get_config()), "loss": repr(model.loss)}
    optimizer = config.get("optimizer")
    if isinstance(optimizer, dict) and isinstance(optimizer.get("config"), dict):
        optimizer["config"].pop("name", None)
    return json.dumps(config, sort_keys=True, default=repr)


def grid_search(
    score: Callable[..., float],
    grid: Mapping[str, Mapping[str, Any]],
    seeds: Sequence[int] | np.ndarray,
    metric: str = "RMSE",
) -> pd.DataFrame:
    """Score every setting of ``grid`` with every seed; one row per setting.

    First used in 07 §5.

    Args:
        score: a function called as ``score(seed=seed, **settings)`` that trains on
            data before the validation period and returns one error there (lower is
            better). It must never look at the test period.
        grid: ``{name: {setting: value}}``, e.g.
            ``{"32 units": {"units": 32, "lr": 3e-3}, "16 units": {"units": 16, "lr": 3e-3}}``.
        seeds: the seeds each setting is trained with.
        metric: the name of the error, used in the column names.

    Returns:
        A DataFrame indexed by setting name (in the grid's order) with one column per
        setting, one ``"<metric> seed <s>"`` column per seed, then ``"<metric> mean"`` and
        ``"<metric> std"`` (sample standard deviation over seeds, NaN for one seed). Pick
        the winner with ``table[f"{metric} mean"].idxmin()``.

    Raises:
        CourseInputError: an empty grid or seed list, repeated or non-integer seeds, a
            setting that is not a dict, a score whose parameters do not match the grid, or
            a score that is not one finite number (a bool or an array is refused).

    >>> table = grid_search(lambda seed, units: units / 10 + seed, {"small": {"units": 10},
    ...                     "large": {"units": 30}}, seeds=[0, 2])
    >>> table["RMSE mean"].idxmin(), float(table.loc["large", "RMSE seed 2"])
    ('small', 5.0)
    """
    if not callable(score):
        raise CourseInputError(
            f"score must be a function score(seed=..., **settings) -> float, got "
            f"{type(score).__name__}."
        )
    if not isinstance(grid, Mapping) or not grid:
        raise CourseInputError(
            'grid must be a non-empty dict {name: {setting: value}}, e.g. '
            '{"32 units": {"units": 32}}.'
        )
    if isinstance(seeds, np.ndarray | pd.Index | pd.Series):
        seeds = list(np.asarray(seeds).ravel())
    if isinstance(seeds, str | bytes) or not isinstance(seeds, Sequence) or len(seeds) == 0:
        raise CourseInputError(f"seeds must be a non-empty list of ints, e.g. [0, 1]; got {seeds!r}.")
    if any(isinstance(s, bool | np.bool_) or not isinstance(s, int | np.integer) for s in seeds):
        raise CourseInputError(f"seeds must be ints, got {list(seeds)!r}.")
    seeds = [int(s) for s in seeds]
    if len(set(seeds)) != len(seeds):
        raise CourseInputError(f"seeds {list(seeds)} repeat a seed; each seed once, e.g. [0, 1].")
    rows = {}
    for name, settings in grid.items():
        if not isinstance(settings, Mapping):
            raise CourseInputError(
                f"grid[{name!r}] must be a dict of settings such as {{'units': 32}}, got "
                f"{type(settings).__name__}."
            )
        if "seed" in settings:
            raise CourseInputError(
                f"grid[{name!r}] sets 'seed'; seeds are given separately with seeds=[...].")
        _check_score_accepts(score, name, settings)
        row: dict[str, Any] = dict(settings)
        values = []
        for seed in seeds:
            value = score(seed=seed, **settings)
            try:
                if isinstance(value, bool | np.bool_) or np.ndim(value) != 0:
                    raise TypeError
                value = float(value)
            except (TypeError, ValueError):
                raise CourseInputError(
                    f"score(seed={seed}, **grid[{name!r}]) returned {value!r}; it must return "
                    "one number, the error on the validation period."
                ) from None
            if not math.isfinite(value):
                raise CourseInputError(
                    f"score(seed={seed}, **grid[{name!r}]) returned {value}; a diverged run? "
                    "Lower the learning rate or check the data for NaNs."
                )
            row[f"{metric} seed {seed}"] = value
            values.append(value)
        series = pd.Series(values, dtype="float64")
        row[f"{metric} mean"] = float(series.mean())
        row[f"{metric} std"] = float(series.std()) if len(values) > 1 else math.nan
        rows[name] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "setting"
    return table
