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

import os
import random
from typing import TypeVar

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def fast_mode() -> bool:
    """Return True when the environment variable ``COURSE_FAST`` asks for fast mode.

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


def pick(full: T, fast: T) -> T:
    """Return ``fast`` in fast mode and ``full`` otherwise.

    Read the environment each call, so a test can switch modes with
    ``monkeypatch.setenv``.

    >>> pick(full=200, fast=2) in (200, 2)
    True
    """
    return fast if fast_mode() else full


def seed_everything(seed: int = 42, deterministic: bool = True) -> int:
    """Seed Python, NumPy and Keras/TensorFlow, and make TensorFlow ops deterministic.

    Call it at the top of a notebook and again before building each model whose
    numbers the text quotes, so re-running a single cell reproduces them.

    Args:
        seed: the seed for every random number generator.
        deterministic: also call ``tf.config.experimental.enable_op_determinism()``,
            which makes results repeatable on the same machine at a small speed cost.

    Returns:
        The seed, so a notebook can print or record it.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}.")
    import keras
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - students' code may use the legacy global generator
    keras.utils.set_random_seed(seed)
    if deterministic:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    return seed
