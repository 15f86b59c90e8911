"""Published results, the RESULTS.md rendering, and the committed results files."""

from __future__ import annotations

import json
from pathlib import Path

import helpers  # noqa: F401
from helpers import nbtools
from helpers.results import (
    HEADLINE_END,
    HEADLINE_START,
    RESULTS_ENV,
    check_periods,
    publish,
    render_headline,
    render_markdown,
    table_to_json,
    update_readme,
)
from helpers.validation import CourseInputError

import numpy as np
import pandas as pd
import pytest

ROOT = nbtools.repo_root()
PERIODS = {"selection": {"on": "settings by validation RMSE", "start": "1990-01", "end": "1992-08"},
           "test": {"start": "1993-09", "end": "1994-08"}}
TABLE = pd.DataFrame(
    {"RMSE mean": [3100.0, 2500.0, 2600.5], "RMSE std": [0.0, 0.0, 160.25]},
    index=pd.Index(["seasonal naive", "SARIMA", "LSTM"], name="model"),
)


def test_table_to_json_keeps_rows_and_columns():
    data = table_to_json(TABLE)
    assert data["columns"] == ["model", "RMSE mean", "RMSE std"]
    assert data["rows"][2] == {"model": "LSTM", "RMSE mean": 2600.5, "RMSE std": 160.25}


def test_publish_writes_only_when_asked(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(RESULTS_ENV, raising=False)
    record = publish("notebooks/07_x.ipynb", TABLE, dataset="wine", split="last 12",
                     horizon=12, metric="RMSE", baselines=["seasonal naive"], seeds=[1, 2, 3],
                     **PERIODS)
    assert record["table"]["rows"][0]["model"] == "seasonal naive"
    assert "make results" in capsys.readouterr().out
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path))
    publish(Path("notebooks/07_x.ipynb"), TABLE, dataset="wine", split="last 12", horizon=12,
            metric="RMSE", baselines=["seasonal naive"], **PERIODS)
    written = json.loads((tmp_path / "notebooks__07_x.json").read_text())
    assert written["dataset"] == "wine" and written["horizon"] == 12


def test_publish_requires_baselines_and_a_table():
    with pytest.raises(CourseInputError, match="missing: \\['naive'\\]"):
        publish("n.ipynb", TABLE, dataset="d", split="s", horizon=1, metric="m", baselines=["naive"],
                **PERIODS)
    with pytest.raises(CourseInputError, match="non-empty"):
        publish("n.ipynb", pd.DataFrame(), dataset="d", split="s", horizon=1, metric="m",
                baselines=["x"], **PERIODS)


def _publish(**periods):
    return publish("n.ipynb", TABLE, dataset="d", split="s", horizon=1, metric="m",
                   baselines=["SARIMA"], **periods)


def test_publish_requires_selection_and_test_periods():
    with pytest.raises(TypeError):
        publish("n.ipynb", TABLE, dataset="d", split="s", horizon=1, metric="m",
                baselines=["SARIMA"])
    record = _publish(**PERIODS)
    assert record["selection"] == {"on": "settings by validation RMSE", "start": "1990-01",
                                   "end": "1992-08"}
    assert record["test"] == {"start": "1993-09", "end": "1994-08"}
    ints = _publish(selection={"on": "window by validation RMSE", "start": 0, "end": 599},
                    test={"start": np.int64(600), "end": 719})
    assert ints["test"] == {"start": 600, "end": 719}
    stamps = _publish(selection={"on": "x", "start": pd.Timestamp("2014-01-01"),
                                 "end": pd.Timestamp("2014-12-31")},
                      test={"start": pd.Timestamp("2015-01-01"), "end": "2015-12-31"})
    assert stamps["selection"]["end"] == "2014-12-31"


@pytest.mark.parametrize("selection, test, message", [
    ({"on": "best model by test RMSE", "start": "1990-01", "end": "1994-08"},
     {"start": "1993-09", "end": "1994-08"}, "not before the test period"),
    ({"on": "x", "start": "2015-01-01", "end": "2015-06-30"},
     {"start": "2015-06-30", "end": "2015-12-31"}, "not before the test period"),
    ({"on": "x", "start": 0, "end": 650}, {"start": 648, "end": 719}, "not before"),
    ({"on": "", "start": 0, "end": 10}, {"start": 11, "end": 20}, "in words"),
    ({"start": 0, "end": 10}, {"start": 11, "end": 20}, "in words"),
    ({"on": "x", "start": 0}, {"start": 11, "end": 20}, "missing \\['end'\\]"),
    ({"on": "x", "start": 0, "end": 10}, {"start": "2015-01-01", "end": "2015-12-31"},
     "both as dates"),
    ({"on": "x", "start": 5, "end": 1}, {"start": 11, "end": 20}, "starts \\(5\\) after"),
    ({"on": "x", "start": "last year", "end": "2014"}, {"start": "2015", "end": "2016"},
     "not an ISO date"),
    ({"on": "x", "start": 0, "end": 10}, {"start": 11.5, "end": 20}, "ISO date string"),
    ("2014", {"start": 11, "end": 20}, "as dicts"),
])
def test_publish_refuses_bad_or_overlapping_periods(selection, test, message):
    with pytest.raises(CourseInputError, match=message):
        _publish(selection=selection, test=test)


def test_publish_refuses_infinite_values_and_writes_valid_json(tmp_path, monkeypatch):
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path))
    bad = TABLE.assign(**{"RMSE mean": [np.inf, 1.0, 2.0]})
    with pytest.raises(CourseInputError, match="infinite"):
        publish("n.ipynb", bad, dataset="d", split="s", horizon=1, metric="m",
                baselines=["SARIMA"], **PERIODS)
    _publish(**PERIODS)
    json.loads((tmp_path / "n.json").read_text())


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


RESULTS_JSON = ROOT / "results" / "results.json"


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
