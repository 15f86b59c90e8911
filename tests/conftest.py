"""Shared test fixtures, and how `make test` spreads the tests over its two workers."""

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


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``--dist loadgroup`` (`make test`) each file runs on one worker, as with
    ``--dist loadfile``: a notebook's cells share its kernel, a module's fixtures are built
    once. Only tests that carry an ``xdist_group`` mark of their own (each exercise/solution
    pair in test_exercise_notebooks.py) are scheduled apart from the rest of their file.
    Runs on the workers before pytest-xdist reads the marks (``tryfirst``)."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))
