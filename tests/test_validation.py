"""The shared input checks: each bad input gets a message naming the problem and the fix."""

from __future__ import annotations

from helpers.validation import (
    CourseInputError,
    as_float_array,
    check_bool,
    check_index,
    check_positive_int,
    check_regular,
)

import numpy as np
import pandas as pd
import pytest


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (None, "values is None: pass the numbers"),
        ([1.0, None, 3.0], "contains None"),
        (np.array([1.0, None], dtype=object), "contains None"),
        ([[1, 2], [3]], "rows have different lengths"),
        ("123", "got a str"),
        ({"a": 1}, "got a dict"),
        (np.array([1 + 2j]), "complex numbers"),
        (pd.DataFrame({"w": ["rain", "sun"], "x": [1, 2]}), r"non-numeric column\(s\) \['w'\]"),
        (
            pd.DataFrame({"date": pd.date_range("2000", periods=2), "x": [1, 2]}),
            r"make it the index with df.set_index\('date'\)",
        ),
    ],
)
def test_as_float_array_refuses_what_is_not_numbers(bad, message):
    with pytest.raises(CourseInputError, match=message):
        as_float_array(bad)


def test_as_float_array_keeps_numbers():
    np.testing.assert_array_equal(as_float_array([1, 2]), [1.0, 2.0])
    np.testing.assert_array_equal(as_float_array(np.array([1, 2], dtype=object)), [1.0, 2.0])
    np.testing.assert_array_equal(as_float_array(pd.DataFrame({"a": [True, False]})), [[1], [0]])


@pytest.mark.parametrize(
    ("index", "message"),
    [
        (pd.DatetimeIndex(["2020-01-01", None, "2020-03-01"]), r"missing date\(s\) \(NaT\)"),
        (pd.Index([3, 1, 2]), r"index is not in increasing order .*sort_index\(\)"),
        (pd.period_range("2000-01", periods=3, freq="M")[::-1], "2000-03 is followed by 2000-02"),
        (pd.RangeIndex(5, 0, -1), "decreasing index"),
        (pd.PeriodIndex(["2000-01", "2000-01"], freq="M"), "duplicate dates"),
    ],
)
def test_check_index_names_the_problem(index, message):
    with pytest.raises(CourseInputError, match=message):
        check_index(index)


def test_check_index_accepts_ordered_and_label_indexes():
    check_index(pd.RangeIndex(5))
    check_index(pd.Index([10, 11, 12]))
    check_index(pd.Index(["b", "a"]))  # names, not time
    check_index(pd.period_range("2000-01", periods=3, freq="M"))


def test_check_regular_finds_a_missing_month():
    dates = pd.date_range("2000-01-01", periods=24, freq="MS").delete(5)
    with pytest.raises(CourseInputError, match="2000-05-01 is followed by 2000-07-01.*asfreq"):
        check_regular(dates)
    check_regular(pd.DatetimeIndex(pd.date_range("2000", periods=24, freq="MS").tolist()))


@pytest.mark.parametrize(
    ("bad", "message"),
    [(12.0, "without a decimal point: window=12"), ("12", "not text"), (True, "integer")],
)
def test_check_positive_int_hints(bad, message):
    with pytest.raises(CourseInputError, match=message):
        check_positive_int(bad, "window")


def test_check_bool_refuses_text():
    with pytest.raises(CourseInputError, match="'no' or 'False' counts as true"):
        check_bool("no", "log")
    assert check_bool(np.bool_(True), "log") is True


def test_check_regular_finds_a_missing_period():
    gap = pd.PeriodIndex(["2020-01", "2020-02", "2020-04"], freq="M")
    with pytest.raises(CourseInputError, match="1 period\\(s\\) are missing"):
        check_regular(gap, "sales")
    check_regular(pd.period_range("2020-01", periods=5, freq="M"), "sales")


def test_check_index_refuses_a_multiindex_and_reads_text_dates():
    stacked = pd.MultiIndex.from_product([["A", "B"], [1, 2]], names=["store", "t"])
    with pytest.raises(CourseInputError, match="MultiIndex"):
        check_index(stacked, "sales")
    with pytest.raises(CourseInputError, match="duplicate dates"):
        check_index(pd.Index(["2020-01-01", "2020-01-01", "2020-01-02"]), "sales")
    check_index(pd.Index(["b", "a", "c"]), "sales")   # names: no order to check
