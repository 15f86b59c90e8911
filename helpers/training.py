"""Train Keras models with a compact progress display and early input checks.

:func:`fit` wraps ``model.fit``: it checks the inputs first (so a wrong shape is
explained in one sentence rather than a TensorFlow traceback), prints one short
line every few epochs through :class:`EpochLogger` instead of Keras' progress
bars, and adds early stopping when you give a ``patience``.

>>> import keras
>>> import numpy as np
>>> model = keras.Sequential([keras.Input(shape=(12, 1)), keras.layers.SimpleRNN(4),
...                           keras.layers.Dense(1)])
>>> model.compile(optimizer="adam", loss="mse")
>>> fit(model, np.zeros((8, 12, 2)), np.zeros((8, 1)), epochs=1)
Traceback (most recent call last):
...
helpers.validation.CourseInputError: The model expects inputs of shape (samples, 12, 1) [...] but x has shape (8, 12, 2). ...
>>> history = fit(model, np.zeros((8, 12, 1)), np.zeros((8, 1)), epochs=3, verbose_every=0)
>>> len(history.history["loss"])
3

With ``verbose_every=10`` (the default for ``epochs=100``) it prints lines such as
``epoch  10/100  loss 0.0213  val_loss 0.0187  1.2 s``.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable, Sequence
from typing import Any

from helpers.models import model_shape
from helpers.validation import (
    CourseInputError,
    as_float_array,
    check_bool,
    check_keras_model,
    check_no_nans,
    check_positive_int,
)

import keras
import numpy as np

__all__ = ["EpochLogger", "EpochTimer", "fit"]


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

    Not used in a notebook; fit(..., verbose_every=N) prints through it.

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
        if not callable(print_fn):
            raise CourseInputError(
                f"print_fn must be a function that prints one line, such as print or "
                f"lines.append; got {type(print_fn).__name__}."
            )
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


class EpochTimer(keras.callbacks.Callback):
    """Record the wall time of every training epoch, in seconds.

    Not used in a notebook (02 §5 times its epochs with ``helpers.experiments.StepTrainer``).

    After ``model.fit(..., callbacks=[timer])``, ``timer.seconds`` holds one number per
    epoch and ``timer.median_seconds`` their median, leaving out the first epoch when
    there are several (it also pays for compiling the model). Timings depend on the
    machine and its load: print them, never assert them.

    >>> import keras
    >>> import numpy as np
    >>> model = keras.Sequential([keras.Input(shape=(5, 1)), keras.layers.SimpleRNN(2),
    ...                           keras.layers.Dense(1)])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> timer = EpochTimer()
    >>> _ = model.fit(np.zeros((8, 5, 1)), np.zeros((8, 1)), epochs=3, verbose=0, callbacks=[timer])
    >>> len(timer.seconds), timer.median_seconds > 0
    (3, True)
    """

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []
        self._start = 0.0

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.seconds = []

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.seconds.append(time.perf_counter() - self._start)

    @property
    def median_seconds(self) -> float:
        """Median seconds per epoch, without the first epoch when there are several."""
        if not self.seconds:
            raise CourseInputError("No epoch was timed yet: pass the timer to model.fit(..., callbacks=[timer]).")
        return float(np.median(self.seconds[1:] if len(self.seconds) > 1 else self.seconds))


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------


def _is_array_like(value: Any) -> bool:
    """NumPy arrays and pandas objects, which :func:`fit` checks before training.

    Datasets, generators and lists of several inputs go to Keras; lists of
    numbers for a single-input model are converted to arrays first.
    """
    return isinstance(value, np.ndarray) or hasattr(value, "to_numpy")


def _is_dataset(value: Any) -> bool:
    import tensorflow as tf

    return isinstance(value, tf.data.Dataset)


def _known_shape(model: Any, attribute: str) -> tuple[int | None, ...] | None:
    """``model.input_shape``/``output_shape`` without the batch axis, or None if unknown."""
    shape = model_shape(model, attribute)
    if not isinstance(shape, tuple) or any(isinstance(d, tuple | list) for d in shape):
        return None  # unbuilt, or several inputs/outputs
    return tuple(shape[1:])


def _as_arrays(model: Any, value: Any, name: str) -> Any:
    """Turn a list of numbers into an array for a single-input model; leave the rest alone."""
    if isinstance(value, list | tuple) and (
        _known_shape(model, "input_shape") is not None
        or not any(hasattr(item, "shape") for item in value)
    ):
        return as_float_array(value, name).astype("float32")
    return value


def _shape_text(shape: Sequence[int | None]) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def _shape_fix(expected: tuple[int | None, ...], got: tuple[int | None, ...]) -> str:
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


def _dims_match(expected: Sequence[int | None], got: Sequence[int | None]) -> bool:
    return len(expected) == len(got) and all(
        e is None or g is None or e == g for e, g in zip(expected, got, strict=True)
    )


def _check_input_dims(model: Any, got: tuple[int | None, ...], name: str, full: str) -> None:
    """Compare one sample's input shape ``got`` with the model's; ``full`` shows the whole."""
    expected = _known_shape(model, "input_shape")
    if expected is None or _dims_match(expected, got):
        return
    raise CourseInputError(
        f"The model expects inputs of shape (samples, {', '.join(map(str, expected))}) "
        f"[model.input_shape = {(None, *expected)}] but {name} has shape {full}."
        + _shape_fix(expected, got)
    )


def _sparse_loss(model: Any) -> bool:
    """Sparse losses compare one class index with a vector of class scores."""
    loss = getattr(model, "loss", None)
    text = loss if isinstance(loss, str) else type(loss).__name__
    return "sparse" in str(text).lower()


def _check_target_dims(model: Any, got: tuple[int | None, ...], name: str, full: str) -> None:
    """Refuse targets that Keras would broadcast against the model's output.

    Keras drops a trailing axis of size 1 when the ranks differ by one, as in
    ``y`` of shape (N,) against an output of (N, 1); otherwise it broadcasts,
    so a one-output model trained on 3-step labels would silently average over
    the wrong pairs. Any other difference in shape is an error here.
    """
    expected = _known_shape(model, "output_shape")
    if expected is None or _sparse_loss(model):
        return
    want, have = list(expected), list(got)
    if len(have) == len(want) + 1 and have[-1] == 1:
        have = have[:-1]
    elif len(want) == len(have) + 1 and want[-1] == 1:
        want = want[:-1]
    if _dims_match(want, have):
        return
    raise CourseInputError(
        f"The model outputs shape {_shape_text((None, *expected))} but {name} has shape "
        f"{full}; Keras would broadcast one against the other and train on the wrong "
        f"pairs. Make the last Dense layer output what one target holds "
        f"({_shape_text(got)} per sample), or build targets for the model's output "
        f"({_shape_text(expected)} per sample, e.g. make_windows(..., horizon=...))."
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
    _check_input_dims(model, tuple(x_array.shape[1:]), x_name, str(x_array.shape))
    _check_target_dims(model, tuple(y_array.shape[1:]), y_name, str(y_array.shape))


def _check_dataset(model: Any, dataset: Any, name: str) -> None:
    """Check a ``tf.data.Dataset``'s element shapes against the model, without reading it."""
    spec = dataset.element_spec
    if not isinstance(spec, tuple):
        raise CourseInputError(
            f"{name} yields single tensors, but training needs (inputs, targets) pairs. "
            "Build it with helpers.windows.windows_dataset(...), or zip inputs with targets: "
            "tf.data.Dataset.zip((x_ds, y_ds))."
        )
    if len(spec) not in (2, 3):
        raise CourseInputError(
            f"{name} yields {len(spec)} tensors per element; it must yield (inputs, targets) "
            "or (inputs, targets, sample_weights)."
        )
    x_shape = getattr(spec[0], "shape", None)
    y_shape = getattr(spec[1], "shape", None)
    expected = _known_shape(model, "input_shape")
    if x_shape is None or x_shape.rank is None:
        return  # dicts of inputs or unknown ranks: Keras checks them
    x_dims = tuple(x_shape.as_list())
    if expected is not None and len(x_dims) == len(expected):
        raise CourseInputError(
            f"{name} yields single windows of shape {_shape_text(x_dims)}, not batches of "
            f"them: the model expects (batch, {', '.join(map(str, expected))}). Batch it "
            "with dataset.batch(32) (windows_dataset(...) batches for you)."
        )
    _check_input_dims(model, x_dims[1:], f"{name}'s inputs", _shape_text(x_dims))
    if y_shape is not None and y_shape.rank is not None and y_shape.rank >= 1:
        y_dims = tuple(y_shape.as_list())
        _check_target_dims(model, y_dims[1:], f"{name}'s targets", _shape_text(y_dims))


def _check_callbacks(callbacks: Any) -> list[keras.callbacks.Callback]:
    if callbacks is None:
        return []
    if isinstance(callbacks, keras.callbacks.Callback):
        return [callbacks]  # one callback without a list around it
    if not isinstance(callbacks, list | tuple):
        raise CourseInputError(
            f"callbacks must be a list of Keras callbacks, got {type(callbacks).__name__}; "
            "e.g. callbacks=[keras.callbacks.ReduceLROnPlateau()]."
        )
    for item in callbacks:
        if isinstance(item, type) and issubclass(item, keras.callbacks.Callback):
            raise CourseInputError(
                f"callbacks holds the class {item.__name__}, not a callback: create one with "
                f"{item.__name__}(...) (note the brackets)."
            )
        if not isinstance(item, keras.callbacks.Callback):
            raise CourseInputError(
                f"callbacks must hold Keras callbacks, but one is a {type(item).__name__}; "
                "e.g. callbacks=[keras.callbacks.ReduceLROnPlateau()]."
            )
    return list(callbacks)


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

    First used in 05 §5. Taught in 07 §4.

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
        callbacks: more Keras callbacks to run (a list; a single callback is accepted).
        shuffle: shuffle the order of the training samples (arrays only: a dataset is
            shuffled when it is built, e.g. ``windows_dataset(..., shuffle=True)``).
            Once a seed is set (``helpers.seed_everything``, ``keras.utils.set_random_seed``),
            Keras 3 on TensorFlow draws the same order in every epoch; without a seed it
            draws a new one each epoch.

    Returns:
        The ``keras.callbacks.History``; plot it with
        :func:`helpers.plotting.plot_training`.

    Raises:
        CourseInputError: mismatched lengths, NaNs, a shape the model cannot read
            (for a dataset, its ``element_spec`` is checked against the model),
            targets the model's output would be broadcast against, ``patience``
            without validation data, or an uncompiled model.
    """
    check_keras_model(model)
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
    shuffle = check_bool(shuffle, "shuffle")
    extra_callbacks = _check_callbacks(callbacks)
    if (
        isinstance(validation_split, bool)
        or not isinstance(validation_split, numbers.Real)
        or not 0.0 <= float(validation_split) < 1.0
    ):
        raise CourseInputError(
            f"validation_split must be a fraction in [0, 1), e.g. 0.2; got {validation_split!r}."
        )
    if patience is not None and validation_data is None and validation_split == 0:
        raise CourseInputError(
            f"patience={patience} stops training when the validation loss stops improving, "
            "but there is no validation data. Pass validation_data=(x_val, y_val) or "
            "validation_split=0.2, or leave patience out."
        )
    if x is None:
        raise CourseInputError("x is None: pass the training inputs, fit(model, x, y, ...).")

    dataset = _is_dataset(x)
    if dataset:
        if y is not None:
            raise CourseInputError(
                "x is a tf.data.Dataset, which already yields (inputs, targets); leave y out: "
                "fit(model, dataset, epochs=...)."
            )
        if validation_split:
            raise CourseInputError(
                "validation_split cannot split a tf.data.Dataset; build a separate validation "
                "dataset from the later part of the series and pass validation_data=val_ds."
            )
        _check_dataset(model, x, "the training dataset")
        # A dataset batches and shuffles itself (windows_dataset(..., shuffle=True));
        # Keras ignores batch_size and shuffle for it and warns about shuffle=True.
        batch_size, shuffle = None, False
    else:
        x = _as_arrays(model, x, "x")
        if _is_array_like(x) and isinstance(y, list | tuple):
            y = as_float_array(y, "y").astype("float32")
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
    if validation_data is not None:
        if _is_dataset(validation_data):
            _check_dataset(model, validation_data, "the validation dataset")
        elif isinstance(validation_data, tuple | list) and len(validation_data) in (2, 3):
            x_val = _as_arrays(model, validation_data[0], "validation x")
            y_val = validation_data[1]
            if _is_array_like(x_val):
                if isinstance(y_val, list | tuple):
                    y_val = as_float_array(y_val, "validation y").astype("float32")
                _check_pair(model, x_val, y_val, "validation x", "validation y")
            validation_data = (x_val, y_val, *validation_data[2:])
        else:
            what = (
                f"a tuple of {len(validation_data)}"
                if isinstance(validation_data, tuple | list)
                else f"a {type(validation_data).__name__}"
                + (
                    f" of shape {validation_data.shape}"
                    if hasattr(validation_data, "shape")
                    else ""
                )
            )
            raise CourseInputError(
                f"validation_data must be the pair (x_val, y_val) or a tf.data.Dataset, got "
                f"{what}. Pass validation_data=(x_val, y_val) with the targets too."
            )

    all_callbacks = extra_callbacks
    if verbose_every:
        all_callbacks.append(EpochLogger(verbose_every))
    stopper = None
    if patience is not None:
        stopper = keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=patience, restore_best_weights=True
        )
        all_callbacks.append(stopper)

    # Arrays: say how many batches an epoch has. Keras then keeps the batch iterator it
    # prepares at the end of one epoch for the next, instead of preparing a second one
    # (about a tenth of each epoch for these small models; the training is the same).
    steps_per_epoch = None
    if _is_array_like(x) and batch_size:
        n_train = math.floor(len(x) * (1.0 - validation_split)) if validation_split else len(x)
        steps_per_epoch = math.ceil(n_train / batch_size)
    history = model.fit(
        x,
        y,
        epochs=epochs,
        batch_size=batch_size,
        steps_per_epoch=steps_per_epoch,
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
