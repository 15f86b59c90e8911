"""Fast mode and reproducibility.

The course runs in two modes:

* **full mode** (the default): notebooks train for real and assert the claims
  their text makes;
* **fast mode** (environment variable ``COURSE_FAST=1``, set by ``make test``):
  epochs and data shrink so that every notebook runs in seconds, which proves
  that the code runs but not that the models are good.

:func:`pick` is how a notebook chooses a size: ``EPOCHS = pick(full=200, fast=2)``.
"""

from __future__ import annotations

import contextlib
import os
import random
from collections.abc import Iterator
from typing import TypeVar

__all__ = ["FAST", "fast_mode", "pick", "seed_everything"]

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def fast_mode() -> bool:
    """Return True when the environment variable ``COURSE_FAST`` asks for fast mode.

    Not used in a notebook; it sets helpers.FAST once at import.

    Accepted values are ``1/true/yes/on`` (fast) and ``0/false/no/off`` or unset
    (full). Anything else raises ``ValueError`` rather than guessing.
    """
    raw = os.environ.get("COURSE_FAST", "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(
        f"COURSE_FAST={raw!r} is not understood: use COURSE_FAST=1 for fast mode "
        "or leave it unset (or 0) for full mode."
    )


FAST: bool = fast_mode()
"""Fast mode as it was when ``helpers`` was first imported."""


def run_eagerly_for_speed() -> None:
    """Run Keras and ``tf.function`` code eagerly, without building graphs (fast mode only).

    Not used in a notebook: importing ``helpers`` calls it when ``COURSE_FAST=1``.

    ``fit``, ``predict`` and ``evaluate`` normally trace a TensorFlow graph the first
    time each model runs; for the one- or two-epoch trainings of fast mode that tracing
    costs more than the training (``make test`` builds hundreds of small models). Eager
    execution computes the same thing step by step in Python, so fast mode still proves
    that the code runs. Full mode keeps compiled graphs: ``make results`` runs every
    notebook that way. tf.data pipelines stay compiled either way, and TensorFlow's
    warning saying so is silenced.
    """
    import warnings

    import tensorflow as tf

    tf.config.run_functions_eagerly(True)
    warnings.filterwarnings(
        "ignore", message="Even though the `tf.config.experimental_run_functions_eagerly`",
        category=UserWarning)


def full_precision_float32() -> None:
    """Make float32 mean float32 on every device: switch TensorFloat-32 off.

    Not used in a notebook: importing ``helpers`` calls it, and so does
    :func:`seed_everything`. 00 §2 explains why.

    NVIDIA GPUs since Ampere (A100, RTX 30xx, H100...) run float32 matrix products in
    *TensorFloat-32* by default: the inputs are rounded to 10 mantissa bits instead of
    float32's 23, which is about three decimal digits. That is fine for training, but this
    course checks equations: 01 and 03 rebuild SimpleRNN, LSTM and GRU in NumPy and compare
    them with Keras to a few millionths, and TensorFloat-32 alone moves an LSTM by about
    1e-4. On a CPU the switch changes nothing. The Keras backends JAX and PyTorch have the
    same default; they are switched too when Keras runs on them.
    """
    import tensorflow as tf

    tf.config.experimental.enable_tensor_float_32_execution(False)
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if backend == "jax":
        import jax

        jax.config.update("jax_default_matmul_precision", "highest")
    elif backend == "torch":
        import torch

        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False


@contextlib.contextmanager
def compiled_graphs() -> Iterator[None]:
    """Run ``tf.function`` code as compiled graphs inside the block, also in fast mode.

    Not used in a notebook; the recursive forecasters use it for their many small calls.

    Eager execution saves the tracing of a graph, which pays off for a model trained for
    an epoch or two; a model called hundreds of times, once per forecast step, is quicker
    compiled. Restores the previous setting on exit.

    >>> import tensorflow as tf
    >>> with compiled_graphs():
    ...     tf.config.functions_run_eagerly()
    False
    """
    import tensorflow as tf

    before = tf.config.functions_run_eagerly()
    if before:
        tf.config.run_functions_eagerly(False)
    try:
        yield
    finally:
        if before:
            tf.config.run_functions_eagerly(True)


def pick(full: T, fast: T) -> T:
    """Return ``fast`` in fast mode and ``full`` otherwise.

    Taught in 00 §4.

    Read the environment each call, so a test can switch modes with
    ``monkeypatch.setenv``.

    >>> pick(full=200, fast=2) in (200, 2)
    True
    """
    return fast if fast_mode() else full


def seed_everything(seed: int = 42, deterministic: bool = True) -> int:
    """Seed Python, NumPy and Keras/TensorFlow, and make TensorFlow ops deterministic.

    Taught in 00 §5.

    Call it at the top of a notebook and again before building each model whose
    numbers the text quotes, so re-running a single cell reproduces them.

    Args:
        seed: the seed for every random number generator, any non-negative integer
            (a Python ``int`` or a NumPy integer such as ``np.int64(7)``). NumPy and
            TensorFlow take seeds below 2**32; a larger seed is mapped to one of those
            with ``np.random.SeedSequence``, so different large seeds still give
            different, repeatable runs (Python's ``random`` gets the seed itself).
        deterministic: also call ``tf.config.experimental.enable_op_determinism()``,
            which makes results repeatable on the same machine at a small speed cost.

    Returns:
        The seed, as a Python ``int``, so a notebook can print or record it.

    Raises:
        CourseInputError: the seed is not a non-negative integer, or ``deterministic``
            is not True/False.
    """
    from helpers.validation import CourseInputError, check_bool

    import numpy as np

    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        hint = ""
        if isinstance(seed, float) and seed.is_integer():
            hint = f" Write it without a decimal point: seed_everything({int(seed)})."
        elif isinstance(seed, str) and seed.strip().isdigit():
            hint = f" Pass a number, not text: seed_everything({int(seed)})."
        raise CourseInputError(f"seed must be a non-negative integer, got {seed!r}.{hint}")
    seed = int(seed)
    if seed < 0:
        raise CourseInputError(f"seed must be a non-negative integer, got {seed}.")
    deterministic = check_bool(deterministic, "deterministic")
    import keras

    # NumPy's legacy seed (and so keras.utils.set_random_seed) accepts 0 <= seed < 2**32.
    small = seed if seed < 2**32 else int(np.random.SeedSequence(seed).generate_state(1)[0])
    np.random.seed(small)  # noqa: NPY002 - students' code may use the legacy global generator
    keras.utils.set_random_seed(small)
    random.seed(seed)  # after Keras, which seeds Python's random with the small seed
    if deterministic:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    full_precision_float32()  # again, in case code since the import switched it back on
    return seed
