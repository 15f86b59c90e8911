"""Publishing a notebook's results (helpers.results); the rendering is in test_report.py."""

from __future__ import annotations

import json
from pathlib import Path

import helpers  # noqa: F401
from helpers.results import RESULTS_ENV, publish, table_to_json
from helpers.validation import CourseInputError

import numpy as np
import pandas as pd
import pytest

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


# Issue 28 §1: the honesty guard compares spans, refuses missing dates and normalises seeds.
@pytest.mark.parametrize("end, message", [
    ("", "empty or missing date"),
    ("NaT", "empty or missing date"),
    (pd.NaT, "missing date"),
    (None, "missing date"),
    (np.datetime64("NaT"), "missing date"),
    (float("nan"), "missing date"),
    ("2014-13-45", "not an ISO date"),
])
def test_publish_refuses_missing_or_unparseable_selection_ends(end, message):
    with pytest.raises(CourseInputError, match=message):
        _publish(selection={"on": "x", "start": "2013-01", "end": end},
                 test={"start": "2015-01", "end": "2015-12"})


@pytest.mark.parametrize("end", ["2014", pd.Period("2014-06", "M"), "2014-06", "2014-Q2",
                                 pd.Period("2014", "Y")])
def test_a_selection_end_covers_its_whole_span(end):
    """A month or a year that overlaps the test period is refused, compared by its last day."""
    with pytest.raises(CourseInputError, match="not before the test period"):
        _publish(selection={"on": "x", "start": "2013-01", "end": end},
                 test={"start": "2014-06-15", "end": "2015-12"})


def test_a_selection_end_just_before_the_test_is_accepted():
    for end, start in [("2014", "2015-01-01"), (pd.Period("2014-12", "M"), "2015-01"),
                       ("2014-12-31", pd.Timestamp("2015-01-01")),
                       (pd.Timestamp("2014-12-31 23:00"), "2015-01-01")]:
        record = _publish(selection={"on": "x", "start": "2013-01", "end": end},
                          test={"start": start, "end": "2015-12"})
        assert record["selection"]["end"] == str(end) or isinstance(end, pd.Timestamp)
    record = _publish(selection={"on": "x", "start": pd.Period("2013-01", "M"),
                                 "end": pd.Period("2014-12", "M")},
                      test={"start": "2015-01", "end": "2015-12"})
    assert record["selection"]["end"] == "2014-12"


def test_time_zones_are_compared_as_instants_and_never_mixed_with_naive_dates():
    # 2015-01-01 00:30 in Paris is 2014-12-31 23:30 UTC: the selection ends after it starts.
    with pytest.raises(CourseInputError, match="not before"):
        _publish(selection={"on": "x", "start": pd.Timestamp("2014-01-01 12:00", tz="UTC"),
                            "end": pd.Timestamp("2014-12-31 23:45", tz="UTC")},
                 test={"start": pd.Timestamp("2015-01-01 00:30", tz="Europe/Paris"),
                       "end": pd.Timestamp("2015-12-31 12:00", tz="UTC")})
    ok = _publish(selection={"on": "x", "start": pd.Timestamp("2014-01-01 12:00", tz="UTC"),
                             "end": pd.Timestamp("2014-12-31 22:45", tz="UTC")},
                  test={"start": "2015-01-01T00:30+01:00", "end": "2015-12-31T12:00+00:00"})
    assert ok["test"]["start"] == "2015-01-01T00:30+01:00"
    with pytest.raises(CourseInputError, match="time zone and one without"):
        _publish(selection={"on": "x", "start": "2014-01", "end": "2014-06"},
                 test={"start": pd.Timestamp("2015-01-01 12:00", tz="UTC"), "end": "2015-12"})


@pytest.mark.parametrize("seeds, recorded", [
    (np.array([0, 1, 2]), [0, 1, 2]), ((3, 4), [3, 4]), ([np.int64(5), 6.0], [5, 6]),
    (7, [7]), (None, []), (range(2), [0, 1]),
])
def test_publish_normalises_valid_seeds(seeds, recorded):
    record = publish("n.ipynb", TABLE, dataset="d", split="s", horizon=1, metric="m",
                     baselines=["SARIMA"], seeds=seeds, **PERIODS)
    assert record["seeds"] == recorded and all(type(s) is int for s in record["seeds"])


@pytest.mark.parametrize("seeds, message", [
    ("42", "Text such as '42' is not a seed"), ([0.5, 1], "not a whole number"),
    ([1, 1], "repeat a seed"), (["1", "2"], "not a whole number"), ([True], "not a whole number"),
    ({"a": 1}, "list of whole numbers"),
])
def test_publish_refuses_seeds_it_would_record_wrongly(seeds, message):
    with pytest.raises(CourseInputError, match=message):
        publish("n.ipynb", TABLE, dataset="d", split="s", horizon=1, metric="m",
                baselines=["SARIMA"], seeds=seeds, **PERIODS)


def test_publish_names_baselines_given_as_text():
    with pytest.raises(CourseInputError, match=r"baselines=\['SARIMA'\]"):
        publish("n.ipynb", TABLE, dataset="d", split="s", horizon=1, metric="m",
                baselines="SARIMA", **PERIODS)
