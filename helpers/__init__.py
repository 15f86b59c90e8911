"""Shared helpers for the RNN forecasting course.

Notebooks, exercises and solutions all import from here, so the plumbing
(loading data, windowing, metrics, baselines, plotting, seeding, fast mode)
is written, documented and tested once. The lesson code stays in the notebooks.

Importing ``helpers`` quietens TensorFlow's C++ start-up log (unless you set
``TF_CPP_MIN_LOG_LEVEL`` yourself) and selects the TensorFlow backend for Keras.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from helpers.mode import FAST, fast_mode, pick, seed_everything

__all__ = ["FAST", "fast_mode", "pick", "seed_everything"]
