"""Published results, the RESULTS.md rendering, and the committed results files."""

from __future__ import annotations

import json

import helpers  # noqa: F401
from helpers import nbtools
from helpers.results import (
    HEADLINE_END,
    HEADLINE_START,
    RESULTS_ENV,
    publish,
    render_headline,
    render_markdown,
    table_to_json,
    update_readme,
)
from helpers.validation import CourseInputError

import pandas as pd
import pytest

ROOT = nbtools.repo_root()
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
                     horizon=12, metric="RMSE", baselines=["seasonal naive"], seeds=[1, 2, 3])
    assert record["table"]["rows"][0]["model"] == "seasonal naive"
    assert "make results" in capsys.readouterr().out
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path))
    publish("notebooks/07_x.ipynb", TABLE, dataset="wine", split="last 12", horizon=12,
            metric="RMSE", baselines=["seasonal naive"])
    written = json.loads((tmp_path / "notebooks__07_x.json").read_text())
    assert written["dataset"] == "wine" and written["horizon"] == 12


def test_publish_requires_baselines_and_a_table():
    with pytest.raises(CourseInputError, match="missing: \\['naive'\\]"):
        publish("n.ipynb", TABLE, dataset="d", split="s", horizon=1, metric="m", baselines=["naive"])
    with pytest.raises(CourseInputError, match="non-empty"):
        publish("n.ipynb", pd.DataFrame(), dataset="d", split="s", horizon=1, metric="m",
                baselines=["x"])


def test_render_markdown_shows_times_and_tables():
    record = publish("notebooks/07_x.ipynb", TABLE, dataset="wine", split="last 12", horizon=12,
                     metric="RMSE", baselines=["seasonal naive"], seeds=[1, 2])
    text = render_markdown({"machine": {"cpu cores": 2}, "total_wall_time_s": 600,
                            "notebooks": {"notebooks/07_x.ipynb": {
                                "status": "ok", "wall_time_s": 120.0, "published": [record]}}})
    assert "| `notebooks/07_x.ipynb` | ok | 120 |" in text
    assert "| LSTM | 2,600 | 160.2 |" in text
    assert "| SARIMA | 2,500 | 0 |" in text  # whole numbers print without decimals
    assert "10.0 min" in text


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
