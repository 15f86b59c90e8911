"""Small training experiments on synthetic data: the plumbing of notebook 02's tests.

Notebook 02 turns claims about recurrent networks into experiments that could fail:
clipping rescues an RNN whose gradient explodes through time; shorter windows forecast
a slow cycle worse; layer normalisation costs time at every step. The lesson code (the
models, the cell with layer normalisation, the comparisons) stays in the notebook; the
data generators and a hand-written training loop that records every step live here.

>>> x, y = adding_problem(4, steps=6, seed=0)
>>> x.shape, y.shape
((4, 6, 2), (4, 1))
>>> bool(np.allclose(y[:, 0], (x[:, :, 0] * x[:, :, 1]).sum(axis=1)))
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from helpers.validation import (
    CourseInputError,
    as_float_array,
    check_keras_model,
    check_positive_int,
)

import keras
import numpy as np

__all__ = ["StepTrainer", "TrainingTrace", "adding_problem", "mean_sd", "two_cycle_series"]


def adding_problem(n: int, steps: int, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The adding problem: ``n`` sequences of ``steps`` random numbers, two of them marked.

    Taught in 02 §4.

    Channel 0 holds numbers drawn uniformly from [0, 1); channel 1 is 1 at two steps,
    one in each half of the sequence, and 0 elsewhere. The target is the sum of the
    two marked numbers, so a model must remember the first marked number over up to
    ``steps - 1`` steps. Always answering 1 (the mean) gives an MSE of about 1/6,
    the variance of a sum of two uniform numbers.

    Args:
        n: number of sequences (>= 1).
        steps: sequence length (>= 2, so that each half holds a marker).
        seed: seed of the NumPy generator; the same seed gives the same data.

    Returns:
        ``(x, y)`` as float32 arrays of shapes ``(n, steps, 2)`` and ``(n, 1)``.

    >>> x, y = adding_problem(1000, steps=50, seed=1)
    >>> x[:, :, 1].sum(axis=1).min(), x[:, :, 1].sum(axis=1).max()
    (np.float32(2.0), np.float32(2.0))
    >>> round(float(y.var()), 2)  # about 1/6
    0.17
    >>> adding_problem(10, steps=1)
    Traceback (most recent call last):
    helpers.validation.CourseInputError: steps must be >= 2, got 1.
    """
    n = check_positive_int(n, "n")
    steps = check_positive_int(steps, "steps", minimum=2)
    rng = np.random.default_rng(seed)
    x = np.zeros((n, steps, 2), dtype="float32")
    x[:, :, 0] = rng.uniform(0, 1, size=(n, steps))
    rows = np.arange(n)
    first = rng.integers(0, steps // 2, size=n)
    second = rng.integers(steps // 2, steps, size=n)
    x[rows, first, 1] = x[rows, second, 1] = 1.0
    return x, (x[rows, first, 0] + x[rows, second, 0])[:, None]


def two_cycle_series(
    n: int,
    long_period: float = 60.0,
    short_period: float = 7.0,
    noise: float = 0.2,
    seed: int | None = None,
) -> np.ndarray:
    """A synthetic series with a slow cycle, a fast cycle and Gaussian noise.

    First used in 02 §4.

    ``y_t = sin(2 pi t / long_period) + 0.5 sin(2 pi t / short_period) + noise * e_t``
    with ``e_t`` standard normal. The slow cycle is the "longer trend" a short window
    can see only a small piece of.

    Args:
        n: number of time steps (>= 1).
        long_period, short_period: the cycles' periods, in steps (> 0).
        noise: standard deviation of the noise (>= 0).
        seed: seed of the NumPy generator.

    Returns:
        A float32 array of shape ``(n,)``.

    >>> y = two_cycle_series(600, noise=0.0)
    >>> y.shape, round(float(y.max()), 1) <= 1.5
    ((600,), True)
    >>> two_cycle_series(10, long_period=0)
    Traceback (most recent call last):
    helpers.validation.CourseInputError: long_period must be a positive number of steps, got 0.
    """
    n = check_positive_int(n, "n")
    for name, period in (("long_period", long_period), ("short_period", short_period)):
        if isinstance(period, bool) or not isinstance(period, int | float) or not period > 0:
            raise CourseInputError(f"{name} must be a positive number of steps, got {period!r}.")
    if isinstance(noise, bool) or not isinstance(noise, int | float) or not noise >= 0:
        raise CourseInputError(f"noise must be a standard deviation >= 0, got {noise!r}.")
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    y = (np.sin(2 * np.pi * t / long_period) + 0.5 * np.sin(2 * np.pi * t / short_period)
         + noise * rng.normal(size=n))
    return y.astype("float32")


def mean_sd(values: Any, digits: int = 3) -> str:
    """``"mean ± sd"`` of a few numbers (sample standard deviation, ``ddof=1``).

    First used in 02 §4.

    >>> mean_sd([0.1, 0.2, 0.3])
    '0.200 ± 0.100'
    >>> mean_sd([2.0], digits=1)
    '2.0 ± nan'
    """
    array = as_float_array(values, "values").ravel()
    sd = array.std(ddof=1) if array.size > 1 else float("nan")
    return f"{array.mean():.{digits}f} ± {sd:.{digits}f}"


@dataclass
class TrainingTrace:
    """What :meth:`StepTrainer.run` recorded: one entry per step, or per epoch.

    Not used in a notebook; :meth:`StepTrainer.run` returns it (02 §4 and §5).

    ``losses`` holds the training loss of every mini-batch step (before its update),
    ``grad_norms`` the global norm of all gradients at that step (before any clipping),
    ``epoch_seconds`` the wall time of every epoch (the first epoch of a new input shape
    also pays for compiling the step). Timings depend on the machine and
    its load: print them, never assert them.
    """

    losses: np.ndarray = field(default_factory=lambda: np.zeros(0))
    grad_norms: np.ndarray = field(default_factory=lambda: np.zeros(0))
    epoch_seconds: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def diverged(self) -> bool:
        """True when some loss or gradient norm was ``nan`` or infinite."""
        return bool(~np.isfinite(self.losses).all() or ~np.isfinite(self.grad_norms).all())

    @property
    def first_bad_step(self) -> int | None:
        """The first step whose loss is ``nan`` or infinite, or None."""
        bad = ~np.isfinite(self.losses)
        return int(np.argmax(bad)) if bad.any() else None


class StepTrainer:
    """Mini-batch training written out by hand, recording the loss and gradient of every step.

    Taught in 02 §4.

    The step (forward pass on a ``GradientTape``, gradients, ``optimizer.apply``) is
    compiled once with ``tf.function`` for any batch size and sequence length, so a
    model with a variable-length input (``keras.Input((None, features))``) trains on
    sequences of several lengths without recompiling; the time of each epoch is then
    the time of the training steps alone. Needs Keras's TensorFlow backend.

    >>> import keras
    >>> model = keras.Sequential([keras.Input((None, 2)), keras.layers.SimpleRNN(3),
    ...                           keras.layers.Dense(1)])
    >>> trainer = StepTrainer(model, keras.optimizers.SGD(0.01, clipnorm=1.0))
    >>> x, y = adding_problem(32, steps=5, seed=0)
    >>> trace = trainer.run(x, y, epochs=2, batch_size=16)
    >>> trace.losses.shape, trace.epoch_seconds.shape, trace.diverged
    ((4,), (2,), False)
    >>> longer = trainer.run(*adding_problem(16, steps=9, seed=1), batch_size=16)
    >>> len(longer.losses)
    1
    >>> trainer.run(x, y[:5])
    Traceback (most recent call last):
    helpers.validation.CourseInputError: x has 32 sequences but y has 5 targets: pass one target row per sequence.
    """

    def __init__(self, model: Any, optimizer: Any, loss: Any = "mse") -> None:
        import tensorflow as tf

        check_keras_model(model)
        self.model, self.optimizer = model, optimizer
        self.loss = keras.losses.get(loss)
        optimizer.build(model.trainable_variables)  # the optimiser's state, created up front

        def step(xb: Any, yb: Any) -> tuple[Any, Any]:
            with tf.GradientTape() as tape:
                value = keras.ops.mean(self.loss(yb, model(xb, training=True)))
            grads = tape.gradient(value, model.trainable_variables)
            optimizer.apply(grads, model.trainable_variables)  # clipping, if any, happens here
            return value, tf.linalg.global_norm(grads)

        self._step = tf.function(step, reduce_retracing=True)

    def run(self, x: Any, y: Any, epochs: int = 1, batch_size: int = 64) -> TrainingTrace:
        """Train for ``epochs`` passes over ``(x, y)`` in order (no shuffling)."""
        epochs = check_positive_int(epochs, "epochs")
        batch_size = check_positive_int(batch_size, "batch_size")
        x, y = np.asarray(x, dtype="float32"), np.asarray(y, dtype="float32")
        if len(x) != len(y):
            raise CourseInputError(f"x has {len(x)} sequences but y has {len(y)} targets: "
                                   "pass one target row per sequence.")
        losses, norms, seconds = [], [], []
        for _ in range(epochs):
            start = time.perf_counter()
            for begin in range(0, len(x), batch_size):
                value, norm = self._step(x[begin:begin + batch_size], y[begin:begin + batch_size])
                losses.append(float(value))
                norms.append(float(norm))
            seconds.append(time.perf_counter() - start)
        return TrainingTrace(np.array(losses), np.array(norms), np.array(seconds))
