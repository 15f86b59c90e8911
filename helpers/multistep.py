"""Multi-step forecasting aids for notebook 05: the known-process oracle and two schematics.

Notebook 05 forecasts a synthetic series whose data-generating process is known: a fixed
yearly pattern, plus a level that follows an AR(1) process, plus white noise. For such a
series the best possible forecast (the conditional mean given everything observed) can be
computed: :func:`oracle_forecasts` runs the Kalman filter of statsmodels' state-space
``SARIMAX`` with the *true* parameters and gives, for each forecast origin, the optimal
forecast and the variance of its error. No model trained on the data can beat it in
expectation, so it is the floor every per-step error curve should be read against.

The two figures draw what the notebook's text describes: :func:`plot_rolling_origins`
shows which months each model learns from and which months each origin forecasts, and
:func:`plot_sequence_targets` shows the targets of a "sequence" model (a 12-month target
at every input step) next to what a causal recurrent layer has read at that step.

:func:`restart_training` lets one compiled Keras model train again from a new model's
initial weights, with a fresh optimizer state, so that Keras does not trace its training
step again for every seed or setting; :func:`validation_batches` hands Keras the
validation pairs as a ready dataset, so that scoring them after every epoch does not
rebuild an input pipeline each time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from helpers.validation import CourseInputError

import numpy as np

__all__ = [
    "OracleForecasts",
    "oracle_forecasts",
    "plot_rolling_origins",
    "plot_sequence_targets",
    "restart_training",
    "validation_batches",
]


@dataclass(frozen=True)
class OracleForecasts:
    """The optimal forecasts of a known AR(1)-plus-noise process.

    Not used in a notebook; :func:`oracle_forecasts` returns it.

    Attributes:
        forecasts: ``(origins, horizon)`` array, the conditional means in the series' units.
        error_sd: ``(origins, horizon)`` array, the standard deviation of each forecast's
            error under the true process.
        origins: the origins (the number of observed values before each forecast).
    """

    forecasts: np.ndarray
    error_sd: np.ndarray
    origins: np.ndarray

    @property
    def expected_rmse_per_step(self) -> np.ndarray:
        """The RMSE the oracle has on average over many test periods, for each step."""
        return np.sqrt(np.mean(self.error_sd**2, axis=0))

    @property
    def expected_rmse(self) -> float:
        """The RMSE over all origins and steps the oracle has on average."""
        return float(np.sqrt(np.mean(self.error_sd**2)))


def _check_origins(origins: Any, n: int, horizon: int) -> np.ndarray:
    array = np.asarray(origins)
    if array.ndim != 1 or array.size == 0 or not np.issubdtype(array.dtype, np.integer):
        raise CourseInputError(
            "origins must be a 1-D list of integers (how many values are observed before each "
            f"forecast), e.g. np.arange(324, 349, 2); got {origins!r}."
        )
    if array.min() < 2 or array.max() > n:
        raise CourseInputError(
            f"every origin must lie between 2 and len(values) = {n}; got {array.min()} .. "
            f"{array.max()}. An origin is the number of observed values before the forecast."
        )
    return array.astype(int)


def oracle_forecasts(
    values: Sequence[float] | np.ndarray,
    mean: Sequence[float] | np.ndarray,
    origins: Sequence[int] | np.ndarray,
    horizon: int,
    *,
    ar: float,
    level_sd: float,
    noise_sd: float,
) -> OracleForecasts:
    """Optimal forecasts of ``values = mean + level + noise`` with a known AR(1) ``level``.

    First used in 05 §6.

    The deviation ``values - mean`` is an AR(1) level (coefficient ``ar``, shocks with
    standard deviation ``level_sd``) observed with white noise (``noise_sd``). That is
    statsmodels' ``SARIMAX(order=(1, 0, 0), measurement_error=True)``; its Kalman filter,
    run once with the true parameters, gives the filtered level after each month. From the
    filtered level :math:`a_t` with variance :math:`P_t`, the forecast ``h`` steps ahead is
    ``mean + ar**h * a_t`` and its error variance is
    :math:`ar^{2h} P_t + \\sigma_{level}^2 \\sum_{j<h} ar^{2j} + \\sigma_{noise}^2`, exactly
    what the model's own ``get_forecast`` returns when refitted on the data up to the origin.

    Args:
        values: the observed series (1-D, no NaN).
        mean: the known deterministic part (e.g. level plus yearly pattern), same length,
            or longer: forecasts use ``mean`` up to ``max(origins) + horizon``.
        origins: how many values are observed before each forecast (forecast origin).
        horizon: the number of steps forecast from each origin.
        ar, level_sd, noise_sd: the true parameters.

    Returns:
        :class:`OracleForecasts` with the forecasts and their error standard deviations.

    >>> rng = np.random.default_rng(0)
    >>> level = np.zeros(200)
    >>> for t in range(1, 200):
    ...     level[t] = 0.9 * level[t - 1] + rng.normal()
    >>> values = 10 + level + rng.normal(size=200)
    >>> oracle = oracle_forecasts(values, np.full(200, 10.0), [150, 160], 3,
    ...                           ar=0.9, level_sd=1.0, noise_sd=1.0)
    >>> oracle.forecasts.shape, bool((np.diff(oracle.error_sd, axis=1) > 0).all())
    ((2, 3), True)
    """
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    y = np.asarray(values, dtype=float)
    mu = np.asarray(mean, dtype=float)
    if y.ndim != 1 or len(y) < 3 or not np.isfinite(y).all():
        raise CourseInputError("values must be a 1-D series of at least 3 finite numbers.")
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon < 1:
        raise CourseInputError(f"horizon must be a positive integer, e.g. 12; got {horizon!r}.")
    steps = _check_origins(origins, len(y), horizon)
    if mu.ndim != 1 or len(mu) < max(len(y), steps.max() + horizon) or not np.isfinite(mu).all():
        raise CourseInputError(
            f"mean must be a 1-D array of finite numbers covering the values and the forecasts: "
            f"at least {max(len(y), steps.max() + horizon)} entries; got shape {mu.shape}."
        )
    if not -1 < ar < 1 or level_sd <= 0 or noise_sd < 0:
        raise CourseInputError(
            f"the true parameters must satisfy -1 < ar < 1, level_sd > 0, noise_sd >= 0; got "
            f"ar={ar}, level_sd={level_sd}, noise_sd={noise_sd}."
        )
    model = SARIMAX(y - mu[: len(y)], order=(1, 0, 0), trend="n", measurement_error=True)
    result = model.filter(np.array([ar, noise_sd**2, level_sd**2]))  # ar.L1, measurement, sigma2
    level = result.filtered_state[0, steps - 1]  # filtered level after the last observed value
    level_var = result.filtered_state_cov[0, 0, steps - 1]
    h = np.arange(1, horizon + 1)
    forecasts = mu[steps[:, None] + h - 1] + level[:, None] * ar ** h
    shock_var = level_sd**2 * np.cumsum(ar ** (2 * (h - 1)))
    error_var = level_var[:, None] * ar ** (2 * h) + shock_var + noise_sd**2
    return OracleForecasts(forecasts=forecasts, error_sd=np.sqrt(error_var), origins=steps)


def plot_rolling_origins(
    index: Any,
    *,
    fit_end: int,
    train_end: int,
    origins: Sequence[int] | np.ndarray,
    horizon: int,
    ax: Any = None,
) -> Any:
    """Who sees which months: the networks' training and stopping periods and every origin.

    First used in 05 §6.

    Args:
        index: the series' dates (a ``DatetimeIndex``); positions below refer to it.
        fit_end: the networks train on positions ``0 .. fit_end - 1``.
        train_end: early stopping watches ``fit_end .. train_end - 1``; the test follows.
        origins: number of observed values before each forecast.
        horizon: months forecast from each origin.
        ax: a Matplotlib axes to draw on (a new figure when None).

    Returns:
        The Matplotlib axes.
    """
    import matplotlib.pyplot as plt

    starts = _check_origins(origins, len(index), horizon)
    if not 0 < fit_end < train_end <= starts.min():
        raise CourseInputError(
            "need 0 < fit_end < train_end <= the first origin; got "
            f"fit_end={fit_end}, train_end={train_end}, first origin {starts.min()}."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 0.32 * len(starts) + 1.8))
    dates = np.asarray(index)
    width = dates[1] - dates[0]

    def bar(row: float, start: int, stop: int, **style: Any) -> None:
        ax.barh(row, dates[min(stop, len(dates) - 1)] - dates[start] + (width if stop >= len(dates) else 0),
                left=dates[start], height=0.7, **style)

    rows = len(starts)
    bar(rows + 1, 0, fit_end, color="tab:blue", label="networks train on these months")
    bar(rows + 1, fit_end, train_end, color="tab:orange", label="early stopping (validation)")
    for row, origin in enumerate(starts[::-1]):
        bar(row, 0, origin, color="lightgrey", label="observed at the origin" if row == 0 else None)
        bar(row, origin, origin + horizon, color="black",
            label=f"forecast and scored ({horizon} months)" if row == 0 else None)
    ax.axvline(dates[train_end], color="red", linestyle="--", label="start of the test period")
    dated = hasattr(index[0], "strftime")
    ax.set_yticks([rows + 1, *range(rows)],
                  ["networks", *[f"origin {index[o - 1]:%Y-%m}" if dated else f"origin {o}"
                                 for o in starts[::-1]]])
    ax.set_xlim(dates[max(0, train_end - 3 * horizon)], dates[-1] + width)
    ax.set(title="Rolling origins: what each forecast may use", xlabel="month",
           ylabel="forecast origin (last observed month)")
    ax.legend(loc="upper left", fontsize="small", ncol=2, bbox_to_anchor=(0, -0.25))
    return ax


def plot_sequence_targets(window: int, horizon: int, ax: Any = None) -> Any:
    """The targets of one window of a model with a target at every step, as a grid.

    First used in 05 §5c.

    Row ``t`` is the output after input step ``t``: the cells it has read (a causal
    recurrent layer sees inputs ``1 .. t`` only) and the ``horizon`` values it must
    forecast (``t + 1 .. t + horizon``). The last row is the direct model's target.

    Args:
        window: input steps per window.
        horizon: values forecast at each step.
        ax: a Matplotlib axes (a new figure when None).

    Returns:
        The Matplotlib axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    for name, value in (("window", window), ("horizon", horizon)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise CourseInputError(f"{name} must be a positive integer; got {value!r}.")
    grid = np.zeros((window, window + horizon))
    for t in range(window):
        grid[t, : t + 1] = 1                      # inputs read so far
        grid[t, t + 1 : t + 1 + horizon] = 2      # targets of this step
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.18 * window + 1.8))
    cmap = ListedColormap(["white", "tab:blue", "tab:orange"])
    ax.imshow(grid, cmap=cmap, aspect="auto", vmin=0, vmax=2, interpolation="nearest",
              extent=(0.5, window + horizon + 0.5, window + 0.5, 0.5))
    ax.axvline(window + 0.5, color="black", linewidth=1)
    ax.bar(0, 0, color="tab:blue", label="inputs the GRU has read")
    ax.bar(0, 0, color="tab:orange", label=f"its {horizon} target values")
    ax.set(title=f"Targets of one window: {window} steps x {horizon} values",
           xlabel="position in the series (months from the window's start; the window ends at the line)",
           ylabel="input step t")
    ax.legend(loc="lower left", fontsize="small")
    return ax


def restart_training(
    model: Any,
    initial: Any,
    *,
    learning_rate: float = 0.01,
    clipnorm: float | None = None,
    sample: Any = None,
) -> Any:
    """Reset a compiled model to ``initial``'s weights and a new optimizer state.

    First used in 03 §5 (one compiled model per cell type for the memory task's 28
    trainings). Taught in 05 §5.

    Keras traces a model's training step into a TensorFlow graph the first time the
    model trains; for a small recurrent network that takes longer than many epochs.
    Training the same network again for another seed or learning rate need not pay for
    it: build a *new* model (its initial weights come from the seed), copy those weights
    into the model that is already compiled, and set every optimizer variable back to
    its starting value (step counter and Adam's moment estimates to zero, the learning
    rate to ``learning_rate``). ``model.fit`` then runs the graph it traced before, and
    the training is the same as the new model's would have been, bit for bit
    (``tests/test_multistep.py`` checks it).

    Args:
        model: a compiled Keras model that has been built (trained or called once).
        initial: a new, uncompiled model of the same architecture, built after the
            seed was set; only its weights are used.
        learning_rate: the learning rate of the next training.
        clipnorm: the gradient clipping of the next training; it is part of the traced
            step, so it must equal the one ``model`` was compiled with.
        sample: a batch of inputs, e.g. ``x[:1]``, to build ``initial`` by calling it
            when it is not built yet (subclassed models are built on their first call).

    Returns:
        ``model``, ready for ``model.fit``.

    >>> import keras
    >>> x, y = np.zeros((8, 5, 1), "float32"), np.zeros((8, 1), "float32")
    >>> def new_model():
    ...     return keras.Sequential([keras.Input(shape=(5, 1)), keras.layers.GRU(2),
    ...                              keras.layers.Dense(1)])
    >>> model = new_model()
    >>> model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    >>> _ = model.fit(x, y, epochs=2, verbose=0)
    >>> initial = new_model()
    >>> model = restart_training(model, initial, learning_rate=0.003)
    >>> all(np.array_equal(a, b) for a, b in zip(model.get_weights(), initial.get_weights()))
    True
    >>> int(model.optimizer.iterations), round(float(model.optimizer.learning_rate), 4)
    (0, 0.003)
    """
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not hasattr(optimizer, "variables"):
        raise CourseInputError(
            "model must be a compiled Keras model: call model.compile(...) and train it once "
            "before restarting it (a model that was never compiled can simply be compiled)."
        )
    if not getattr(model, "built", False):
        raise CourseInputError(
            "model has not been built yet: train it once (or call it on a batch) first."
        )
    if model is initial:
        raise CourseInputError(
            "initial must be a new model built after setting the seed, not the compiled model "
            "itself; e.g. restart_training(model, build_model(), ...)."
        )
    if not getattr(initial, "built", False):
        if sample is None:
            raise CourseInputError(
                "initial has not been built yet (a subclassed model is built on its first call): "
                "pass sample=x[:1] so it can be built, or call initial(x[:1]) first."
            )
        initial(sample)
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, int | float) or learning_rate <= 0:
        raise CourseInputError(f"learning_rate must be a positive number, e.g. 0.01; got {learning_rate!r}.")
    compiled_clipnorm = getattr(optimizer, "clipnorm", None)
    if clipnorm != compiled_clipnorm:
        raise CourseInputError(
            f"model was compiled with clipnorm={compiled_clipnorm} but clipnorm={clipnorm} was asked "
            "for; clipping is part of the traced training step, so compile a new model for it."
        )
    new_weights = initial.get_weights()
    shapes = [tuple(w.shape) for w in model.get_weights()]
    if shapes != [tuple(w.shape) for w in new_weights]:
        raise CourseInputError(
            f"initial's weights {[tuple(w.shape) for w in new_weights]} do not match model's "
            f"{shapes}: build initial with the same function (same layers and sizes) as model."
        )
    model.set_weights(new_weights)
    for variable in optimizer.variables:  # step counter, moment estimates, learning rate
        variable.assign(np.zeros(variable.shape, dtype=variable.dtype))
    optimizer.learning_rate = float(learning_rate)
    return model


def validation_batches(x: Any, y: Any, sample_weight: Any = None, *, batch_size: int = 32) -> Any:
    """The validation pairs as a batched ``tf.data.Dataset``, in their order.

    First used in 05 §5. Keras scores ``validation_data`` after every epoch. Given
    arrays, it builds its input pipeline for them anew each time (the one that can
    shuffle and slice training data), and for a few dozen validation windows that
    costs more than the scoring itself. This dataset holds the same batches of
    ``batch_size`` pairs in the same order, so the validation loss is the same, bit for
    bit (``tests/test_multistep.py`` checks it), and in notebook 05 an epoch takes about
    a quarter less time. Pass it as ``validation_data``.

    Args:
        x: the validation inputs, e.g. windows of shape ``(samples, timesteps, features)``.
        y: the targets, one row per sample of ``x``.
        sample_weight: optional weights, one per sample (or one per sample and step for
            a model with a target at every step), as Keras's third element of
            ``validation_data``.
        batch_size: the batch size Keras would use for the arrays (``fit``'s
            ``batch_size``, which ``validation_data`` arrays share).

    Returns:
        A ``tf.data.Dataset`` of ``(x, y)`` or ``(x, y, sample_weight)`` batches, float32.

    Raises:
        CourseInputError: arrays of different lengths, an empty or non-numeric array,
            or a batch size that is not a positive integer.

    >>> x, y = np.zeros((36, 4, 1)), np.ones((36, 2))
    >>> [tuple(batch[0].shape) for batch in validation_batches(x, y)]
    [(32, 4, 1), (4, 4, 1)]
    """
    from helpers.validation import as_float_array, check_positive_int

    batch_size = check_positive_int(batch_size, "batch_size")
    parts = {"x": x, "y": y}
    if sample_weight is not None:
        parts["sample_weight"] = sample_weight
    arrays = {name: as_float_array(value, name).astype("float32") for name, value in parts.items()}
    for name, array in arrays.items():
        if array.ndim == 0 or len(array) == 0:
            raise CourseInputError(
                f"{name} must hold one entry per validation sample; got shape {array.shape}."
            )
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise CourseInputError(
            f"x, y (and sample_weight) must have one entry per validation sample; got lengths "
            f"{lengths}. Cut them from the same windows (e.g. a purged_split's X_val, y_val)."
        )
    import tensorflow as tf

    return tf.data.Dataset.from_tensor_slices(tuple(arrays.values())).batch(batch_size)
