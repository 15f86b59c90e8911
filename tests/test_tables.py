"""Tests for helpers.tables: comparison tables, seed summaries and their formatting."""

from __future__ import annotations

import math

from helpers.tables import comparison_table, format_mean_std, mean_std, seed_summary
from helpers.validation import CourseInputError

import numpy as np
import pandas as pd
import pytest

RESULTS = {
    "naive": {"RMSE": 7720.0, "MAE": 6500.0},
    "seasonal naive": {"RMSE": 3000.0, "MAE": 2500.0},
    "SARIMA": {"RMSE": 2400.0, "MAE": 1900.0},
    "LSTM": {"RMSE": 2700.0, "MAE": 2000.0},
}


def test_comparison_table_sorted_best_first():
    table = comparison_table(RESULTS)
    assert list(table.index) == ["SARIMA", "LSTM", "seasonal naive", "naive"]
    assert list(table.columns) == ["RMSE", "MAE"]
    assert table.index.name == "model"
    assert table.loc["LSTM", "MAE"] == 2000.0


def test_comparison_table_sort_by_other_metric_and_no_sort():
    assert comparison_table(RESULTS, sort_by="MAE").index[:2].tolist() == ["SARIMA", "LSTM"]
    assert list(comparison_table(RESULTS, sort_by=None).index) == list(RESULTS)


def test_comparison_table_relative_to_a_baseline():
    table = comparison_table(RESULTS, relative_to="seasonal naive")
    column = "RMSE vs seasonal naive (%)"
    assert column in table.columns
    assert table.loc["SARIMA", column] == pytest.approx(-20.0)
    assert table.loc["LSTM", column] == pytest.approx(-10.0)
    assert table.loc["seasonal naive", column] == pytest.approx(0.0)
    assert table.loc["naive", column] == pytest.approx(157.3333, rel=1e-4)


def test_comparison_table_from_a_list_of_rows():
    rows = [
        {"model": "a", "RMSE": 2.0, "MAE": 1.0},
        {"model": "b", "RMSE": 1.0, "MAE": 3.0},
    ]
    table = comparison_table(rows)
    assert list(table.index) == ["b", "a"]
    assert table.loc["a", "RMSE"] == 2.0


def test_comparison_table_keeps_nan_last():
    table = comparison_table({"a": {"MAPE": float("nan")}, "b": {"MAPE": 5.0}}, sort_by="MAPE")
    assert list(table.index) == ["b", "a"]


def test_comparison_table_errors():
    with pytest.raises(CourseInputError, match="results is empty"):
        comparison_table({})
    with pytest.raises(CourseInputError, match="results is empty"):
        comparison_table([])
    with pytest.raises(CourseInputError, match=r"Cannot sort by 'MASE'.*\['RMSE', 'MAE'\]"):
        comparison_table(RESULTS, sort_by="MASE")
    with pytest.raises(CourseInputError, match=r"model 'b' lacks \['MAE'\]"):
        comparison_table({"a": {"RMSE": 1.0, "MAE": 1.0}, "b": {"RMSE": 2.0}})
    with pytest.raises(CourseInputError, match=r"has extra \['MASE'\]"):
        comparison_table({"a": {"RMSE": 1.0}, "b": {"RMSE": 2.0, "MASE": 1.0}})
    with pytest.raises(CourseInputError, match="relative_to='GRU' is not one of the models"):
        comparison_table(RESULTS, relative_to="GRU")
    with pytest.raises(CourseInputError, match="set sort_by too"):
        comparison_table(RESULTS, sort_by=None, relative_to="naive")
    with pytest.raises(CourseInputError, match=r"\['a'\] appear more than once.*seed_summary"):
        comparison_table([{"model": "a", "RMSE": 1.0}, {"model": "a", "RMSE": 2.0}])
    with pytest.raises(CourseInputError, match="'model' key"):
        comparison_table([{"name": "a", "RMSE": 1.0}])
    with pytest.raises(CourseInputError, match="not a number"):
        comparison_table({"a": {"RMSE": "low"}})
    with pytest.raises(CourseInputError, match="percentage change against it is undefined"):
        comparison_table({"a": {"RMSE": 0.0}, "b": {"RMSE": 1.0}}, relative_to="a")


RUNS = [
    {"model": "LSTM", "seed": 1, "RMSE": 2500.0, "MAE": 2000.0},
    {"model": "LSTM", "seed": 2, "RMSE": 2700.0, "MAE": 2100.0},
    {"model": "LSTM", "seed": 3, "RMSE": 2636.0, "MAE": 2050.0},
    {"model": "GRU", "seed": 1, "RMSE": 2400.0, "MAE": 1900.0},
    {"model": "GRU", "seed": 2, "RMSE": 2600.0, "MAE": 1950.0},
]


def test_seed_summary_mean_std_and_count():
    summary = seed_summary(RUNS)
    assert list(summary.index) == ["LSTM", "GRU"]
    assert list(summary.columns) == ["RMSE mean", "RMSE std", "MAE mean", "MAE std", "n seeds"]
    assert summary.loc["LSTM", "RMSE mean"] == pytest.approx(2612.0)
    assert summary.loc["LSTM", "RMSE std"] == pytest.approx(np.std([2500, 2700, 2636], ddof=1))
    assert summary.loc["GRU", "MAE std"] == pytest.approx(math.sqrt(1250.0))
    assert summary.loc["LSTM", "n seeds"] == 3
    assert summary.loc["GRU", "n seeds"] == 2


def test_seed_summary_single_seed_has_nan_std():
    summary = seed_summary([{"model": "a", "RMSE": 1.0}])
    assert math.isnan(summary.loc["a", "RMSE std"])
    assert format_mean_std(summary).loc["a", "RMSE"] == "1.00"


def test_seed_summary_with_another_group_key():
    runs = [{"arch": "x", "RMSE": 1.0}, {"arch": "x", "RMSE": 3.0}]
    summary = seed_summary(runs, group="arch")
    assert summary.index.name == "arch"
    assert summary.loc["x", "RMSE mean"] == 2.0


def test_seed_summary_errors():
    with pytest.raises(CourseInputError, match="runs is empty"):
        seed_summary([])
    with pytest.raises(CourseInputError, match=r"runs\[1\] must be a dict with a 'model' key"):
        seed_summary([{"model": "a", "RMSE": 1.0}, {"RMSE": 2.0}])
    with pytest.raises(CourseInputError, match=r"runs\[1\] \(a\) lacks \['MAE'\]"):
        seed_summary([{"model": "a", "RMSE": 1.0, "MAE": 1.0}, {"model": "a", "RMSE": 2.0}])
    with pytest.raises(CourseInputError, match="list of dicts"):
        seed_summary({"model": "a", "RMSE": 1.0})


def test_mean_std_formatting():
    assert mean_std(2612.4, 158.2) == "2,612 ± 158"
    assert mean_std(0.03421, 0.00212) == "0.0342 ± 0.0021"
    assert mean_std(12.345, 1.5) == "12.3 ± 1.5"
    assert mean_std(12.345, 1.5, decimals=2) == "12.35 ± 1.50"
    assert mean_std(5.0, float("nan")) == "5.00"
    assert mean_std(float("nan"), 1.0) == "n/a"


def test_format_mean_std_renders_a_summary():
    text = format_mean_std(seed_summary(RUNS))
    assert list(text.columns) == ["RMSE", "MAE", "n seeds"]
    std = np.std([2500, 2700, 2636], ddof=1)
    assert text.loc["LSTM", "RMSE"] == f"2,612 ± {std:.0f}"
    assert text.loc["GRU", "RMSE"] == "2,500 ± 141"


def test_format_mean_std_errors():
    with pytest.raises(CourseInputError, match="'<metric> mean' and '<metric> std'"):
        format_mean_std(pd.DataFrame({"RMSE": [1.0]}))
    with pytest.raises(CourseInputError, match="returned by seed_summary"):
        format_mean_std([1, 2])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((2.5, -0.1), "cannot be negative"),
        (("n/a", 0.1), "not a number"),
        ((None, 0.1), "not a number"),
        ((2.5, 0.1, -1), "decimals must be >= 0"),
    ],
)
def test_mean_std_refuses_impossible_input(args, message):
    with pytest.raises(CourseInputError, match=message):
        mean_std(*args)


def test_mean_std_keeps_numpy_numbers():
    assert mean_std(np.float64(2.5), np.float64(0.1)) == "2.50 ± 0.10"


def test_seed_summary_refuses_the_same_run_twice():
    runs = [{"model": "LSTM", "seed": 1, "RMSE": 2.0}, {"model": "LSTM", "seed": 1, "RMSE": 2.0}]
    with pytest.raises(
        CourseInputError, match=r"runs\[0\] and runs\[1\] are both model 'LSTM' with seed 1"
    ):
        seed_summary(runs)
    runs[1]["seed"] = 2
    assert seed_summary(runs).loc["LSTM", "n seeds"] == 2


def test_comparison_table_sort_by_must_be_one_name():
    with pytest.raises(CourseInputError, match="sort_by must be one metric name"):
        comparison_table({"a": {"RMSE": 1.0}}, sort_by=["RMSE"])
