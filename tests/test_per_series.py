"""helpers.local_models.per_series: the same results, in the same order, with worker processes."""

import math

from helpers import local_models as lm
from helpers.validation import CourseInputError

import numpy as np
import pandas as pd
import pytest


def test_worker_processes_return_the_serial_results_in_task_order():
    tasks = [(float(x), 0.5) for x in range(1, 12)]
    # math.pow lives in a module the workers import in no time, so the pool itself is tested
    assert lm.per_series(math.pow, tasks, jobs=2) == [math.pow(*t) for t in tasks]


def test_too_few_tasks_for_the_workers_run_here(monkeypatch):
    import joblib

    monkeypatch.setattr(joblib, "Parallel", None)       # a pool would fail: there is none
    assert lm.per_series(divmod, [(7, 2), (9, 4), (5, 5)], jobs=2) == [(3, 1), (2, 1), (1, 0)]


@pytest.mark.parametrize("jobs", [0, -1, 1.5, "2"])
def test_jobs_must_be_a_positive_whole_number(jobs):
    with pytest.raises(CourseInputError, match="jobs"):
        lm.per_series(divmod, [(1, 1)], jobs=jobs)


@pytest.mark.parametrize("select", [lm.select_ets, lambda p, jobs: lm.select_sarima(p, jobs=jobs)[0]])
def test_the_selections_hand_their_jobs_to_per_series(monkeypatch, select):
    months = pd.date_range("2000-01-01", periods=60, freq="MS")
    t = np.arange(60)
    panel = pd.DataFrame({"s0": 50 + 5 * np.sin(2 * np.pi * t / 12) + 0.1 * t}, index=months)
    seen = []

    def serial(function, tasks, jobs=1):
        seen.append((jobs, len(tasks)))
        return [function(*task) for task in tasks]

    monkeypatch.setattr(lm, "per_series", serial)
    got = select(panel, jobs=3)
    assert seen == [(3, 1)]
    assert list(got) == ["s0"] and {"params", "aicc"} <= set(got["s0"])


def _imports_tensorflow(_):
    import sys

    import helpers  # noqa: F401

    return "tensorflow" in sys.modules


def test_workers_import_helpers_without_tensorflow():
    # a worker only fits statistical models; importing TensorFlow would cost it seconds
    assert lm.per_series(_imports_tensorflow, [(i,) for i in range(4)], jobs=2) == [False] * 4
    import sys

    assert "tensorflow" in sys.modules, "the main process still imports it"


def test_ets_paths_are_the_same_with_worker_processes():
    from helpers import deepar

    months = pd.date_range("2000-01-01", periods=48, freq="MS")
    t = np.arange(48)
    panel = pd.DataFrame({f"s{i}": 50 + 5 * np.sin(2 * np.pi * t / 12) + 0.2 * i * t
                          for i in range(4)}, index=months)
    serial, params = deepar.ets_paths(panel, 3, 5, seed=1)
    shared, same = deepar.ets_paths(panel, 3, 5, seed=1, jobs=2)
    assert np.array_equal(serial, shared) and serial.shape == (4, 5, 3)
    assert list(same) == list(params)


def test_ets_forecasts_are_the_same_with_worker_processes():
    months = pd.date_range("2000-01-01", periods=48, freq="MS")
    t = np.arange(48)
    panel = pd.DataFrame({f"s{i}": 50 + 5 * np.sin(2 * np.pi * t / 12) + 0.2 * i * t
                          for i in range(4)}, index=months)
    fits = lm.select_ets(panel.iloc[:40])
    for form in (None, "damped trend"):
        serial = lm.ets_forecasts(panel, 6, fits, form)
        assert serial.equals(lm.ets_forecasts(panel, 6, fits, form, jobs=2))
        assert serial.shape == (6, 4)
