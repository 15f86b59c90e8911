"""Probes for recurrent models on a memory task: recall on held-out data, gradient by lag.

Notebook 03 §5 trains SimpleRNN, LSTM and GRU layers to recall a value seen k - 1 steps
earlier. Two measurements there are plumbing rather than lesson, so they live here:

- :class:`RecallTracker`, a Keras callback that times every epoch, scores the answer at
  the last step on held-out validation sequences (R², 1 = perfect recall) and stops
  training early once that score is reached, or once it has stopped improving;
- :func:`gradient_by_lag`, the size of the gradient of the last output with respect to
  every earlier input step, averaged over sequences: notebook 02 §4's curve, here for
  any (trained) model and any input channel;
- :func:`snapshot`, a copy of a trained model with its own weights, so that one compiled model
  per cell type can be trained again and again (Keras traces its training step once)
  while the trained models are kept for the later sections.

>>> import keras
>>> import numpy as np
>>> keras.utils.set_random_seed(0)
>>> model = keras.Sequential([keras.Input((6, 2)), keras.layers.SimpleRNN(3, return_sequences=True),
...                           keras.layers.Dense(1)])
>>> curve = gradient_by_lag(model, np.ones((4, 6, 2)), channel=0)
>>> curve.shape, bool((curve >= 0).all())
((6,), True)
"""

from __future__ import annotations

from typing import Any

from helpers.training import EpochTimer
from helpers.validation import (
    CourseInputError,
    as_float_array,
    check_keras_model,
    check_positive_int,
)

import keras
import numpy as np

__all__ = ["RecallTracker", "gradient_by_lag", "recall_r2", "snapshot"]


def recall_r2(answer: Any, target: Any) -> float:
    """R² of an answer against its target: 1 - MSE / variance of the target.

    Taught in 03 §5. 1 is perfect recall; 0 is no better than answering the target's
    mean every time; below 0 is worse than that.

    >>> recall_r2([1.0, -1.0, 0.5], [1.0, -1.0, 0.5])
    1.0
    >>> recall_r2([0.0, 0.0], [1.0, -1.0])
    0.0
    >>> recall_r2([1.0], [1.0])
    Traceback (most recent call last):
    ...
    helpers.validation.CourseInputError: recall_r2 needs at least two targets that differ ...
    """
    answer = as_float_array(answer, "answer").ravel()
    target = as_float_array(target, "target").ravel()
    if answer.shape != target.shape:
        raise CourseInputError(
            f"answer has {answer.size} values but target has {target.size}: pass one answer "
            "per target, e.g. model(x)[:, -1, 0] against y[:, -1, 0]."
        )
    variance = float(target.var())
    if target.size < 2 or variance == 0.0:
        raise CourseInputError(
            "recall_r2 needs at least two targets that differ (R² divides by their variance); "
            f"got {target.size} target(s) with variance {variance}."
        )
    return float(1.0 - np.mean((answer - target) ** 2) / variance)


class RecallTracker(EpochTimer):
    """Time every epoch, score the last step on validation data, and stop early.

    Taught in 03 §5. After every epoch the callback runs the model on ``x_val``
    (``predict_on_batch``: one compiled call, the validation set is small), keeps :func:`recall_r2` of the answer
    at the last step against ``y_val[:, -1, 0]`` in ``r2``, and the epoch's seconds in
    ``seconds`` (from :class:`helpers.training.EpochTimer`). Training stops after the
    epoch in which the validation R² reaches ``stop_at``, or when it has not improved
    by more than ``min_delta`` for ``patience`` epochs (the model is not learning in
    this budget). Only validation sequences decide when to stop; the test sequences
    score the model once, afterwards.

    Args:
        x_val: validation inputs, shape (sequences, steps, features).
        y_val: validation targets, shape (sequences, steps, 1).
        stop_at: stop once the validation R² is at least this (``None``: never).
        patience: stop after this many epochs without improvement (``None``: never).
        min_delta: the smallest rise of the best R² that counts as improvement.

    >>> import keras
    >>> import numpy as np
    >>> keras.utils.set_random_seed(0)
    >>> x = np.random.default_rng(0).normal(size=(32, 4, 1)).astype("float32")
    >>> y = np.repeat(x[:, :1], 4, axis=1)
    >>> model = keras.Sequential([keras.Input((4, 1)), keras.layers.SimpleRNN(2, return_sequences=True),
    ...                           keras.layers.Dense(1)])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> tracker = RecallTracker(x, y, stop_at=-1e9)  # any score stops training
    >>> _ = model.fit(x, y, epochs=5, verbose=0, callbacks=[tracker])
    >>> len(tracker.r2), tracker.stopped_early, tracker.epochs_to(-1e9)
    (1, True, 1)
    """

    def __init__(self, x_val: Any, y_val: Any, stop_at: float | None = None,
                 patience: int | None = None, min_delta: float = 0.01) -> None:
        super().__init__()
        self.x_val = as_float_array(x_val, "x_val")
        y_val = as_float_array(y_val, "y_val")
        if self.x_val.ndim != 3 or y_val.ndim != 3 or len(y_val) != len(self.x_val):
            raise CourseInputError(
                f"x_val and y_val must be (sequences, steps, features) and (sequences, steps, 1) "
                f"with the same number of sequences; got {self.x_val.shape} and {y_val.shape}."
            )
        self.target = y_val[:, -1, 0]
        self.stop_at = stop_at
        self.patience = None if patience is None else check_positive_int(patience, "patience")
        self.min_delta = float(min_delta)
        self.r2: list[float] = []
        self.stopped_early = False

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        super().on_train_begin(logs)
        self.r2, self.stopped_early = [], False

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        super().on_epoch_end(epoch, logs)
        answer = np.asarray(self.model.predict_on_batch(self.x_val))[:, -1, 0]  # compiled: quick
        self.r2.append(recall_r2(answer, self.target))
        reached = self.stop_at is not None and self.r2[-1] >= self.stop_at
        best_before = max(self.r2[: -self.patience], default=None) if self.patience else None
        stalled = (best_before is not None
                   and max(self.r2[-self.patience:]) < best_before + self.min_delta)
        if reached or stalled:
            self.model.stop_training = True
            self.stopped_early = True

    def epochs_to(self, level: float) -> int | None:
        """First epoch (counting from 1) whose validation R² reached ``level``; None if none did."""
        reached = np.flatnonzero(np.asarray(self.r2) >= level)
        return int(reached[0]) + 1 if reached.size else None


def gradient_by_lag(model: Any, x: Any, channel: int = 0) -> np.ndarray:
    """Mean |d last output / d input| at every lag, for one input channel.

    Taught in 03 §5. Notebook 02 §4 measures the same curve at initialisation. The
    model's output after the last step (``model(x)[:, -1, 0]`` for a model that returns
    sequences, ``model(x)[:, 0]`` otherwise) is differentiated with respect to every
    step of channel ``channel`` of ``x``; the absolute values are averaged over the
    sequences. Index ``lag`` of the result is the input ``lag`` steps before the last
    one, so index 0 is the last step and index ``steps - 1`` the first. Each sequence's
    output depends only on its own inputs, so the gradient of the batch's sum gives every
    sequence its own gradient. Needs Keras's TensorFlow backend (the course's default):
    it uses ``tf.GradientTape``.

    Args:
        model: a Keras model (or layer) mapping (sequences, steps, features) to
            (sequences, steps, 1) or (sequences, 1).
        x: the input sequences, shape (sequences, steps, features).
        channel: which input feature to differentiate with respect to.

    Returns:
        An array of ``steps`` non-negative numbers, indexed by lag.
    """
    if keras.backend.backend() != "tensorflow":
        raise CourseInputError(
            "gradient_by_lag uses tf.GradientTape and needs Keras's TensorFlow backend; "
            f"this session runs '{keras.backend.backend()}'. Set KERAS_BACKEND=tensorflow "
            "before importing keras (import helpers first does this)."
        )
    x = as_float_array(x, "x")
    if x.ndim != 3:
        raise CourseInputError(
            f"x must have shape (sequences, steps, features); got {x.shape}. "
            "Add a feature axis with x[..., None] for a single feature."
        )
    if isinstance(channel, bool) or not isinstance(channel, (int, np.integer)) \
            or not 0 <= channel < x.shape[2]:
        raise CourseInputError(
            f"channel must be an integer from 0 to {x.shape[2] - 1} (x has {x.shape[2]} features); "
            f"got {channel!r}."
        )
    import tensorflow as tf

    inputs = tf.constant(x.astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        output = model(inputs)
        if len(output.shape) == 3:
            output = output[:, -1, 0]
        elif len(output.shape) == 2:
            output = output[:, 0]
        else:
            raise CourseInputError(
                f"the model's output has shape {tuple(output.shape)}; expected "
                "(sequences, steps, 1) or (sequences, 1)."
            )
    grad = tape.gradient(output, inputs)
    if grad is None:
        raise CourseInputError("the model's output does not depend on x: is it a Keras model?")
    by_step = np.abs(grad.numpy()[:, :, channel]).mean(axis=0)
    return by_step[::-1].copy()  # reverse time: index = lag


def snapshot(model: Any) -> keras.Model:
    """A copy of ``model`` with its current weights, which later training leaves alone.

    First used in 03 §5. Keras traces a model's training step into a graph the first
    time the model trains, and for a small recurrent network that costs more than many
    epochs. Notebook 03 therefore trains every run of one cell type in the same compiled
    model, reset to the next seed's initial weights with
    :func:`helpers.multistep.restart_training`; the trained models that later cells look
    inside (gates, gradients, fine-tuning) are kept as snapshots. A snapshot is a new
    model of the same architecture (``keras.models.clone_model``) holding a copy of the
    weights: training or resetting ``model`` afterwards leaves it unchanged. Call it
    (``copy(x)``) or use ``predict_on_batch``. If ``model`` was compiled, the copy is
    compiled the same way with a new optimizer (no steps taken, no traced graph).

    Args:
        model: a built Keras model (trained or called once, or created with an
            ``keras.Input``).

    Returns:
        The copy, a ``keras.Model`` with the same kinds of layers and equal weights.

    Raises:
        CourseInputError: ``model`` is not a Keras model, or has not been built.

    >>> keras.utils.set_random_seed(0)
    >>> model = keras.Sequential([keras.Input((None, 2)), keras.layers.GRU(3),
    ...                           keras.layers.Dense(1)])
    >>> copy = snapshot(model)
    >>> copy is model, all(np.array_equal(a, b) for a, b in zip(copy.get_weights(), model.get_weights()))
    (False, True)
    >>> _ = model.layers[-1].bias.assign(np.ones(1, "float32"))  # change the original ...
    >>> float(copy.layers[-1].bias.numpy()[0])  # ... the snapshot keeps its weights
    0.0
    """
    check_keras_model(model)
    if not getattr(model, "built", False):
        raise CourseInputError(
            "the model has not been built yet, so it has no weights to copy: give it a "
            "keras.Input, or call it on a batch (model(x[:1])) first."
        )
    try:
        copy = keras.models.clone_model(model)
    except (ValueError, TypeError, NotImplementedError) as err:
        raise CourseInputError(
            f"this model cannot be copied from its configuration ({err}); a subclassed model "
            "needs get_config: keep its weights instead, weights = model.get_weights()."
        ) from None
    if not getattr(copy, "built", False):
        raise CourseInputError(
            "the copy of this model could not be built from its configuration; start the "
            "model with keras.Input(shape) so that its copy knows its input shape."
        )
    copy.set_weights(model.get_weights())
    return copy
