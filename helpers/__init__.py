"""Shared helpers for the RNN forecasting course.

Notebooks, exercises and solutions all import from here, so the plumbing
(loading data, windowing, metrics, baselines, plotting, seeding, fast mode)
is written, documented and tested once. The lesson code stays in the notebooks.
Every public helper's docstring says where the course first uses it or teaches it
("First used in 05 §6.", "Taught in 05 §5a." or "Not used in a notebook; ..."), which
tests/test_docstrings.py checks against the notebooks, and its examples run under
``pytest --doctest-modules helpers``.

Importing ``helpers`` selects the TensorFlow backend for Keras and imports
TensorFlow with its C++ start-up messages silenced ("Could not find cuda
drivers", "oneDNN custom operations are on", ...). Those lines are harmless on
a CPU-only machine but look like errors in a notebook. Set ``COURSE_TF_LOGS=1``
to see them.

Importing ``helpers`` also switches TensorFloat-32 off
(:func:`helpers.mode.full_precision_float32`), so float32 products keep full precision
on recent NVIDIA GPUs and the course's NumPy-against-Keras comparisons hold there too.

In fast mode (``COURSE_FAST=1``) importing ``helpers`` also switches Keras to eager
execution (:func:`helpers.mode.run_eagerly_for_speed`): the tiny trainings of fast mode
then skip graph tracing, which is most of their cost.

None of that happens in a worker process that multiprocessing or joblib started
(``helpers.local_models.per_series`` fits statistical models in such workers): there
importing ``helpers`` leaves TensorFlow alone, which saves each worker a few seconds.

Importing ``helpers`` also sets the course's figure style and gives every figure shown
in a notebook alt text (:mod:`helpers.figures`).
"""

from __future__ import annotations

import os


def _import_tensorflow_quietly() -> None:
    """Import TensorFlow and probe its devices with the process's stderr sent to /dev/null."""
    if os.environ.get("COURSE_TF_LOGS"):
        return
    # Level 3 also hides C++ "E0000 ... NodeDef mentions attribute use_unbounded_threadpool"
    # lines that tf.data prints at every fit/predict once seed_everything() has made ops
    # deterministic. They are harmless; real failures still raise Python exceptions.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        saved = os.dup(2)
    except OSError:  # no usable stderr file descriptor: nothing to silence
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow as tf

        tf.config.list_physical_devices()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _in_worker_process() -> bool:
    """True in a process that multiprocessing or joblib started for the course's own work.

    Such workers (``helpers.local_models.per_series``) fit statistical models, one series
    after another, so they skip importing TensorFlow: a few seconds saved per worker. Code
    that runs in a worker can still ``import keras``; only the quieting is skipped.
    """
    import multiprocessing

    return multiprocessing.parent_process() is not None


os.environ.setdefault("KERAS_BACKEND", "tensorflow")
_WORKER = _in_worker_process()
if not _WORKER:
    _import_tensorflow_quietly()

from helpers.mode import FAST, fast_mode, full_precision_float32, pick, seed_everything  # noqa: E402

if not _WORKER:
    # float32 stays float32 on GPUs too (no TensorFloat-32): the NumPy = Keras checks need it.
    full_precision_float32()

if FAST and not _WORKER:
    from helpers.mode import run_eagerly_for_speed

    run_eagerly_for_speed()

# Figures for everyone (helpers.figures): Petroff 10 colours, white backgrounds, concise
# dates, and alt text on every figure a notebook shows.
from helpers.figures import install as _install_figures  # noqa: E402

_install_figures()

__all__ = ["FAST", "fast_mode", "pick", "seed_everything"]
