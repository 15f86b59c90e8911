"""Shared test fixtures."""

from __future__ import annotations

import pytest


def pytest_configure(config):
    """Import ``helpers`` first (quiet TensorFlow import, Keras backend), before any test
    module imports keras: in every process that runs tests, not in the pytest-xdist
    controller of `make test`, which only hands tests to its workers (importing TensorFlow
    there kept both workers waiting about five seconds before they started)."""
    controller = (getattr(config, "workerinput", None) is None
                  and config.getoption("numprocesses", default=None))
    if not controller:
        import helpers  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_check_log():
    """Every test starts and ends with an empty log of exercise verdicts."""
    from helpers import checks

    checks.reset()
    yield
    checks.reset()


def pytest_collection_modifyitems(items):
    """Schedule the notebook classes of test_exercise_notebooks.py before everything else.

    They are the longest scopes of `make test` (a kernel each, two notebooks with their
    solutions and exercises); under ``--dist loadscope --no-loadscope-reorder`` (see the
    Makefile) the scopes are handed out in this order to whichever worker is nearly free, so
    the long ones start first and the many short test files after them let the two workers
    finish together.
    """
    first = [item for item in items if "test_exercise_notebooks.py::TestNotebook" in item.nodeid]
    chosen = set(map(id, first))
    items[:] = first + [item for item in items if id(item) not in chosen]
