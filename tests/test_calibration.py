"""The machine-speed calibration of make results (tools.calibration) and its report."""

from __future__ import annotations

import pytest

from tools import calibration, report


def test_the_workload_runs_and_takes_a_positive_time(monkeypatch):
    # every line of the real workload runs, with 2 of its 20 epochs (make results runs all 20)
    shorter = calibration.WORKLOAD.replace("epochs=20,", "epochs=2,")
    assert shorter.count("epochs=2,") == 1, "the workload's fit changed: update this test"
    monkeypatch.setattr(calibration, "WORKLOAD", shorter)
    seconds = calibration.measure()
    assert 0 < seconds < 600


def test_multiples_and_the_budget():
    assert calibration.multiple(50.0, 5.0) == 10.0
    assert calibration.multiple(50.0, None) is None and calibration.multiple(50.0, 0) is None
    assert calibration.BUDGET_MULTIPLE == pytest.approx(calibration.BUDGET_S / calibration.REFERENCE_S)


def results(multiple_a: float, multiple_b: float) -> dict:
    return {"machine": {"cpu cores": 2, "python": "3.11.7"}, "total_wall_time_s": 300,
            "calibration_s": 10.0, "notebooks": {
                "notebooks/05_x.ipynb": {"status": "ok", "wall_time_s": 200.0, "multiple": multiple_a},
                "solutions/05_x_solution.ipynb": {"status": "ok", "wall_time_s": 100.0,
                                                  "multiple": multiple_b}}}


def test_reports_show_multiples_and_flag_the_budget():
    over = calibration.BUDGET_MULTIPLE + 1
    text = report.render_markdown(results(over, 2.0))
    assert f"| `notebooks/05_x.ipynb` | ok | 200 | {over:.1f} (over budget) |" in text
    assert "| `solutions/05_x_solution.ipynb` | ok | 100 | 2.0 |" in text
    assert "took 10.0 s in the latest run" in text
    timing = report.render_timing(results(3.0, 2.0))
    assert "| 05 | `notebooks/05_x.ipynb` | 3.3 | 3.0 | 1.7 | 2.0 |" in timing


def test_results_without_calibration_still_render():
    data = results(1.0, 1.0)
    del data["calibration_s"]
    assert "not measured in this run" in report.render_markdown(data)
