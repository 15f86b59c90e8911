"""The results pages rendered by tools.report, and the committed ones in sync with results.json."""

from __future__ import annotations

import json

from helpers.results import check_periods, publish

import pandas as pd
import pytest

from tools import nbtools
from tools.report import (
    HEADLINE_END,
    HEADLINE_START,
    TIMING_END,
    TIMING_START,
    render_headline,
    render_markdown,
    render_timing,
    update_readme,
    update_teaching_guide,
)

ROOT = nbtools.repo_root()
PERIODS = {"selection": {"on": "settings by validation RMSE", "start": "1990-01", "end": "1992-08"},
           "test": {"start": "1993-09", "end": "1994-08"}}
TABLE = pd.DataFrame(
    {"RMSE mean": [3100.0, 2500.0, 2600.5], "RMSE std": [0.0, 0.0, 160.25]},
    index=pd.Index(["seasonal naive", "SARIMA", "LSTM"], name="model"),
)
RESULTS_JSON = ROOT / "results" / "results.json"
GUIDE = ROOT / "docs" / "teaching.md"


def test_update_readme_accepts_a_str_path(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"a\n{HEADLINE_START}\n{HEADLINE_END}\n")
    assert update_readme(str(readme), {"machine": {}, "notebooks": {}}) is True


def test_render_markdown_shows_times_and_tables():
    record = publish("notebooks/07_x.ipynb", TABLE, dataset="wine", split="last 12", horizon=12,
                     metric="RMSE", baselines=["seasonal naive"], seeds=[1, 2], **PERIODS)
    text = render_markdown({"machine": {"cpu cores": 2}, "total_wall_time_s": 600,
                            "notebooks": {"notebooks/07_x.ipynb": {
                                "status": "ok", "wall_time_s": 120.0, "published": [record]}}})
    assert "| `notebooks/07_x.ipynb` | ok | 120 |" in text
    assert "| LSTM | 2,600 | 160.2 |" in text
    assert "| SARIMA | 2,500 | 0 |" in text  # whole numbers print without decimals
    assert "10.0 min" in text
    assert ("Chosen on: settings by validation RMSE (1990-01 to 1992-08). Scored once on the test "
            "period: 1993-09 to 1994-08.") in text


def test_render_markdown_flags_a_long_silence():
    quiet = {"status": "ok", "wall_time_s": 90.0, "longest_silence_s": 31.2,
             "longest_silence_cell": 12}
    chatty = {"status": "ok", "wall_time_s": 80.0, "longest_silence_s": 24.0,
              "longest_silence_cell": 7}
    text = render_markdown({"notebooks": {"notebooks/05_x.ipynb": quiet, "notebooks/06_x.ipynb": chatty,
                                          "notebooks/07_x.ipynb": {"status": "ok", "wall_time_s": 5.0}}})
    assert "| 31 (cell 12) (over 30 s: no progress shown) |" in text
    assert "| 24 (cell 7) |" in text
    assert "| `notebooks/07_x.ipynb` | ok | 5 |  |  |" in text  # not measured: empty


@pytest.mark.skipif(not RESULTS_JSON.exists(), reason="no results committed yet (make results)")
def test_committed_results_are_in_sync_and_complete():
    data = json.loads(RESULTS_JSON.read_text())
    assert (ROOT / "results" / "RESULTS.md").read_text() == render_markdown(data), \
        "results/RESULTS.md is not the rendering of results.json: re-run `make results`"
    assert data["mode"] == "full"
    forecasting = [
        str(p.relative_to(ROOT)) for p in sorted((ROOT / "notebooks").glob("*.ipynb"))
        if "results.publish(" in p.read_text() or "publish(" in p.read_text()
    ]
    for name in forecasting:
        assert name in data["notebooks"], f"{name} is missing from results.json"
        assert data["notebooks"][name]["published"], f"{name} published no table"
        assert data["notebooks"][name]["status"] == "ok"
        for record in data["notebooks"][name]["published"]:
            check_periods(record["selection"], record["test"])
    readme = (ROOT / "README.md").read_text()
    assert render_headline(data) in readme, "README's results section is stale: run `make results`"


def test_readme_has_a_results_section():
    readme = (ROOT / "README.md").read_text()
    assert HEADLINE_START in readme and HEADLINE_END in readme


def test_update_readme_replaces_only_the_section(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{HEADLINE_START}\nold\n{HEADLINE_END}\noutro\n")
    data = {"machine": {"cpu cores": 2, "platform": "Linux", "python": "3.11"},
            "total_wall_time_s": 60, "notebooks": {}}
    assert update_readme(readme, data) is True
    text = readme.read_text()
    assert text.startswith("intro\n") and text.endswith("outro\n") and "old" not in text
    assert "2 CPU cores" in text
    assert update_readme(readme, data) is False


def test_a_page_without_markers_is_refused(tmp_path):
    page = tmp_path / "teaching.md"
    page.write_text("no markers here\n")
    with pytest.raises(ValueError, match="timing:start"):
        update_teaching_guide(page, {"notebooks": {}})
    assert page.read_text() == "no markers here\n"


def test_timing_rows_pair_each_notebook_with_its_solution():
    data = {"machine": {"cpu cores": 4, "python": "3.12.1"}, "total_wall_time_s": 390.0,
            "notebooks": {
                "notebooks/00_start.ipynb": {"status": "ok", "wall_time_s": 12.0},
                "notebooks/03_cells.ipynb": {"status": "ok", "wall_time_s": 216.0},
                "solutions/03_cells_solution.ipynb": {"status": "ok", "wall_time_s": 33.0},
                "notebooks/04_layers.ipynb": {"status": "failed: ValueError: x",
                                              "wall_time_s": 129.0}}}
    text = render_timing(data)
    assert text.startswith(TIMING_START) and text.endswith(TIMING_END)
    assert "4 CPU cores, Python 3.12.1" in text and "6.5 min" in text
    rows = [line for line in text.splitlines() if line.startswith("| 0")]
    assert rows == ["| 00 | `notebooks/00_start.ipynb` | 0.2 |  |  |  |",
                    "| 03 | `notebooks/03_cells.ipynb` | 3.6 |  | 0.6 |  |",
                    "| 04 | `notebooks/04_layers.ipynb` | 2.1 (failed) |  |  |  |"]


def test_update_teaching_guide_replaces_only_the_table(tmp_path):
    guide = tmp_path / "teaching.md"
    guide.write_text(f"# Guide\n{TIMING_START}\nold rows\n{TIMING_END}\n## Live\n")
    data = {"machine": {}, "total_wall_time_s": 60,
            "notebooks": {"notebooks/01_a.ipynb": {"status": "ok", "wall_time_s": 60.0}}}
    assert update_teaching_guide(guide, data) is True
    text = guide.read_text()
    assert text.startswith("# Guide\n") and text.endswith("\n## Live\n")
    assert "old rows" not in text and "| 01 | `notebooks/01_a.ipynb` | 1.0 |  |" in text
    assert update_teaching_guide(guide, data) is False


@pytest.mark.skipif(not RESULTS_JSON.exists(), reason="no results committed yet (make results)")
def test_teaching_guide_run_times_match_results_json():
    data = json.loads(RESULTS_JSON.read_text())
    guide = GUIDE.read_text()
    assert render_timing(data) in guide, \
        "docs/teaching.md's run-time table is stale: run `make results` (or `make timing`)"
    listed = {line.split("`")[1] for line in guide.splitlines()
              if line.startswith("| ") and "`notebooks/" in line}
    on_disk = {str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert listed == on_disk, "the run-time table lists other notebooks than notebooks/ holds"
