"""Shared test fixtures."""

from __future__ import annotations

import helpers  # noqa: F401  (quiet TensorFlow import, Keras backend)
from helpers import checks

import pytest


@pytest.fixture(autouse=True)
def _fresh_check_log():
    """Every test starts and ends with an empty log of exercise verdicts."""
    checks.reset()
    yield
    checks.reset()

