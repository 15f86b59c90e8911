"""Train Keras models with a compact progress display and early input checks.

:func:`fit` wraps ``model.fit``: it checks the inputs first (so a wrong shape is
explained in one sentence rather than a TensorFlow traceback), prints one short
line every few epochs through :class:`EpochLogger` instead of Keras' progress
bars, and adds early stopping when you give a ``patience``.

>>> history = fit(model, x_train, y_train, epochs=50,
...               validation_data=(x_val, y_val), patience=5)  # doctest: +SKIP
epoch   5/50  loss 0.0213  val_loss 0.0187  1.2 s
...
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from helpers.validation import CourseInputError, as_float_array, check_no_nans, check_positive_int

import keras
import numpy as np

__all__ = ["EpochLogger", "fit"]


def _format_logs(logs: dict[str, Any]) -> str:
    """``loss 0.0213  val_loss 0.0187`` with training metrics before validation ones."""
    keys = [k for k in logs if k != "learning_rate"]
    keys.sort(key=lambda k: (k.startswith("val_"), k != "loss" and k != "val_loss"))
    parts = []
    for key in keys:
        try:
            parts.append(f"{key} {float(logs[key]):.4g}")
        except (TypeError, ValueError):
            continue
    return "  ".join(parts)


class EpochLogger(keras.callbacks.Callback):
    """Print one compact line every ``every`` epochs and after the last epoch.

    Each line shows the epoch, the loss, the validation loss (and any other
    metrics) and the seconds since training started::

        epoch  10/100  loss 0.0123  val_loss 0.0150  3.2 s

    Use it with ``model.fit(..., verbose=0, callbacks=[EpochLogger(10)])``; it
    keeps notebook output short where Keras' progress bars would fill pages.

    Args:
        every: print every ``every`` epochs (the first line after epoch ``every``).
        print_fn: the function that prints a line (``print`` by default).
    """

    def __init__(self, every: int = 10, print_fn: Callable[[str], Any] = print) -> None:
        super().__init__()
        self.every = check_positive_int(every, "every")
        self.print_fn = print_fn
        self._start = 0.0
        self._last_epoch = -1
        self._last_logs: dict[str, Any] = {}
        self._printed_epoch = -1

    def _total(self) -> int | None:
        params = getattr(self, "params", None) or {}
        return params.get("epochs")

    def _line(self, epoch: int, logs: dict[str, Any]) -> str:
        total = self._total()
        width = len(str(total)) if total else 1
        counter = f"{epoch + 1:>{width}}/{total}" if total else f"{epoch + 1}"
        elapsed = time.perf_counter() - self._start
        metrics = _format_logs(logs)
        if metrics:
            return f"epoch {counter}  {metrics}  {elapsed:.1f} s"
        return f"epoch {counter}  {elapsed:.1f} s"

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._start = time.perf_counter()
        self._last_epoch = -1
        self._last_logs = {}
        self._printed_epoch = -1

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._last_epoch = epoch
        self._last_logs = dict(logs or {})
        if (epoch + 1) % self.every == 0:
            self.print_fn(self._line(epoch, self._last_logs))
            self._printed_epoch = epoch

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if self._last_epoch < 0:
            return
        if self._printed_epoch != self._last_epoch:
            self.print_fn(self._line(self._last_epoch, self._last_logs))
        total = self._total()
        if total and self._last_epoch + 1 < total:
            self.print_fn(f"stopped after epoch {self._last_epoch + 1} of {total}")


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------


def _is_array_like(value: Any) -> bool:
    """NumPy arrays and pandas objects, which :func:`fit` checks before training.

    Datasets, generators and lists (e.g. several inputs) go to Keras unchecked.
    """
    return isinstance(value, np.ndarray) or hasattr(value, "to_numpy")


def _known_shape(model: Any, attribute: str) -> tuple[int | None, ...] | None:
    """``model.input_shape``/``output_shape`` without the batch axis, or None if unknown."""
    try:
        shape = getattr(model, attribute)
    except (AttributeError, ValueError, RuntimeError):
        return None
    if not isinstance(shape, tuple) or any(isinstance(d, tuple | list) for d in shape):
        return None  # unbuilt, or several inputs/outputs
    return tuple(shape[1:])


def _shape_fix(expected: tuple[int | None, ...], got: tuple[int, ...]) -> str:
    if len(expected) == 2 and len(got) == 1 and expected[1] == 1:
        return (
            " The model reads sequences of one feature: add the feature axis with "
            "x[..., np.newaxis] to get (samples, timesteps, 1)."
        )
    if len(expected) == 2 and len(got) != 2:
        return (
            " Recurrent layers read 3-D input (samples, timesteps, features): reshape x "
            "to that, e.g. x.reshape(len(x), timesteps, features)."
        )
    if len(expected) == len(got) and len(got) >= 2 and expected[:-1] == got[:-1]:
        return (
            f" The model expects {expected[-1]} feature(s) per step but x has {got[-1]}: "
            "build the model's Input with shape=x.shape[1:], or window the same columns."
        )
    if len(expected) == len(got):
        return (
            " Build the model's Input with shape=x.shape[1:] (None allows any length "
            "along that axis), or make the windows the size the model expects."
        )
    return " Reshape x, or rebuild the model with keras.Input(shape=x.shape[1:])."


def _check_input_shape(model: Any, x: np.ndarray, name: str) -> None:
    expected = _known_shape(model, "input_shape")
    if expected is None:
        return
    got = tuple(x.shape[1:])
    if len(expected) == len(got) and all(
        e is None or e == g for e, g in zip(expected, got, strict=True)
    ):
        return
    raise CourseInputError(
        f"The model expects inputs of shape (samples, {', '.join(map(str, expected))}) "
        f"[model.input_shape = {(None, *expected)}] but {name} has shape {x.shape}."
        + _shape_fix(expected, got)
    )


def _check_target_shape(model: Any, y: np.ndarray, name: str) -> None:
    expected = _known_shape(model, "output_shape")
    if expected is None or any(d is None for d in expected):
        return
    want = int(np.prod(expected)) if expected else 1
    have = int(np.prod(y.shape[1:])) if y.ndim > 1 else 1
    if want != have:
        raise CourseInputError(
            f"The model outputs shape {(None, *expected)} ({want} value(s) per sample) but "
            f"{name} has shape {y.shape} ({have} value(s) per sample). Make the last "
            f"Dense layer output {have} unit(s), or build targets for {want} step(s)."
        )


def _check_pair(model: Any, x: Any, y: Any, x_name: str, y_name: str) -> None:
    x_array = as_float_array(x, x_name)
    y_array = as_float_array(y, y_name)
    if x_array.ndim == 0 or y_array.ndim == 0:
        raise CourseInputError(f"{x_name} and {y_name} must be arrays with one row per sample.")
    if len(x_array) != len(y_array):
        raise CourseInputError(
            f"{x_name} has {len(x_array)} samples but {y_name} has {len(y_array)}; they must "
            "have one target per input window. Build both from the same windows."
        )
    if len(x_array) == 0:
        raise CourseInputError(f"{x_name} is empty; there is nothing to train on.")
    check_no_nans(x_array, x_name)
    check_no_nans(y_array, y_name)
    _check_input_shape(model, x_array, x_name)
    _check_target_shape(model, y_array, y_name)


def fit(
    model: keras.Model,
    x: Any,
    y: Any = None,
    *,
    epochs: int,
    validation_data: Any = None,
    validation_split: float = 0.0,
    patience: int | None = None,
    batch_size: int | None = 32,
    verbose_every: int | None = None,
    callbacks: Sequence[keras.callbacks.Callback] | None = None,
    shuffle: bool = True,
) -> keras.callbacks.History:
    """Train ``model`` quietly, with a short progress line and optional early stopping.

    Args:
        model: a compiled Keras model.
        x: the inputs, e.g. windows of shape ``(samples, timesteps, features)``, or a
            ``tf.data.Dataset`` yielding ``(inputs, targets)`` (then leave ``y`` out).
        y: the targets, one row per sample of ``x``.
        epochs: the largest number of passes over the data.
        validation_data: ``(x_val, y_val)`` (or a dataset), scored after each epoch.
        validation_split: alternatively, the fraction of the *last* samples of ``x``
            kept for validation (Keras takes it before shuffling).
        patience: stop after this many epochs without improvement of ``val_loss``
            and restore the best weights (needs validation data).
        batch_size: samples per gradient step (ignored for datasets).
        verbose_every: print a line every this many epochs; the default is
            ``max(1, epochs // 10)``, and 0 prints nothing.
        callbacks: more Keras callbacks to run.
        shuffle: shuffle the training samples each epoch.

    Returns:
        The ``keras.callbacks.History``; plot it with
        :func:`helpers.plotting.plot_training`.

    Raises:
        CourseInputError: mismatched lengths, NaNs, a shape the model cannot read,
            ``patience`` without validation data, or an uncompiled model.
    """
    if not isinstance(model, keras.Model):
        raise CourseInputError(
            f"model must be a Keras model (keras.Sequential or keras.Model), got "
            f"{type(model).__name__}."
        )
    if not getattr(model, "compiled", False):
        raise CourseInputError(
            "The model is not compiled. Call model.compile(optimizer='adam', loss='mse') "
            "before training it."
        )
    epochs = check_positive_int(epochs, "epochs")
    if verbose_every is None:
        verbose_every = max(1, epochs // 10)
    else:
        verbose_every = check_positive_int(verbose_every, "verbose_every", minimum=0)
    if patience is not None:
        patience = check_positive_int(patience, "patience")
    if batch_size is not None:
        batch_size = check_positive_int(batch_size, "batch_size")
    if isinstance(validation_split, bool) or not 0.0 <= float(validation_split) < 1.0:
        raise CourseInputError(
            f"validation_split must be a fraction in [0, 1), e.g. 0.2; got {validation_split!r}."
        )
    if patience is not None and validation_data is None and validation_split == 0:
        raise CourseInputError(
            f"patience={patience} stops training when the validation loss stops improving, "
            "but there is no validation data. Pass validation_data=(x_val, y_val) or "
            "validation_split=0.2, or leave patience out."
        )

    if _is_array_like(x):
        if y is None:
            raise CourseInputError(
                "y is missing: pass the targets as fit(model, x, y, ...). Only a "
                "tf.data.Dataset carries its own targets."
            )
        _check_pair(model, x, y, "x", "y")
        if validation_split and int(len(x) * validation_split) < 1:
            raise CourseInputError(
                f"validation_split={validation_split} of {len(x)} samples leaves no "
                "validation sample; use a larger fraction or validation_data."
            )
    if isinstance(validation_data, tuple | list) and len(validation_data) >= 2:
        x_val, y_val = validation_data[0], validation_data[1]
        if _is_array_like(x_val):
            _check_pair(model, x_val, y_val, "validation x", "validation y")

    all_callbacks = list(callbacks or [])
    if verbose_every:
        all_callbacks.append(EpochLogger(verbose_every))
    stopper = None
    if patience is not None:
        stopper = keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=patience, restore_best_weights=True
        )
        all_callbacks.append(stopper)

    history = model.fit(
        x,
        y,
        epochs=epochs,
        batch_size=batch_size,
        validation_data=validation_data,
        validation_split=validation_split,
        callbacks=all_callbacks,
        shuffle=shuffle,
        verbose=0,
    )
    trained = len(history.epoch)
    if stopper is not None and verbose_every and stopper.best_epoch + 1 < trained:
        best = stopper.best
        value = f" (val_loss {float(best):.4g})" if best is not None else ""
        print(f"restored the weights of the best epoch, {stopper.best_epoch + 1}{value}")
    return history
