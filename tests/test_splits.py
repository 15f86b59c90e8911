"""Purged train/validation windows (helpers.splits)."""

from __future__ import annotations

from helpers.splits import check_held_out, label_bounds, purge_masks, purged_split
from helpers.validation import CourseInputError
from helpers.windows import make_windows

import numpy as np
import pandas as pd
import pytest


def label_positions(n, window, horizon):
    """Every label position of every window, computed independently of label_bounds."""
    return [set(range(i + window, i + window + horizon)) for i in range(n)]


def test_a_naive_split_overlaps_and_the_purged_one_does_not():
    values = np.arange(40.0)
    window, horizon, train_end = 6, 4, 25
    X, y = make_windows(values, window, horizon)
    labels = label_positions(len(X), window, horizon)
    # The naive split: training windows are those whose inputs end at or before train_end;
    # validation windows are the rest. Their label sets overlap.
    naive_train = {p for i, ls in enumerate(labels) if i + window - 1 <= train_end for p in ls}
    naive_val = {p for i, ls in enumerate(labels) if i + window - 1 > train_end for p in ls}
    assert naive_train & naive_val, "the naive split should share labels"
    split = purged_split(values, window, horizon, train_end=train_end)
    train_labels = set(split.y_train.ravel().astype(int).tolist())
    val_labels = set(split.y_val.ravel().astype(int).tolist())
    assert not train_labels & val_labels
    assert max(train_labels) == train_end == split.train_last_label
    assert min(val_labels) == train_end + 1 == split.val_first_label
    assert split.n_purged == horizon - 1
    # Nothing is lost but the purged windows: training + validation + purged = all.
    assert len(split.X_train) + len(split.X_val) + split.n_purged == len(X)


def test_horizon_one_purges_nothing():
    split = purged_split(np.arange(20.0), window=3, horizon=1, train_end=10)
    assert split.n_purged == 0
    assert split.y_train[-1].tolist() == [10.0] and split.y_val[0].tolist() == [11.0]


def test_val_end_bounds_the_validation_labels():
    split = purged_split(np.arange(40.0), window=4, horizon=3, train_end=20, val_end=30)
    assert split.y_val.max() == 30 and split.y_val.min() == 21


def test_dates_mean_the_end_of_their_period():
    index = pd.date_range("1980-01-01", periods=60, freq="MS")
    series = pd.Series(np.arange(60.0), index=index)
    split = purged_split(series, window=12, horizon=3, train_end="1983-06", val_end="1984")
    assert split.train_last_label == pd.Timestamp("1983-06-01")
    assert split.val_first_label == pd.Timestamp("1983-07-01")
    assert split.y_val.max() == 59  # 1984-12 is the series' last month
    yearly = purged_split(series, window=12, horizon=3, train_end="1982")
    assert yearly.train_last_label == pd.Timestamp("1982-12-01")
    assert "purged" in yearly.describe() and "1982-12-01" in yearly.describe()


def test_period_index_works_like_dates():
    index = pd.period_range("1980-01", periods=60, freq="M")
    series = pd.Series(np.arange(60.0), index=index)
    split = purged_split(series, window=12, horizon=2, train_end=pd.Period("1983-06", "M"))
    assert split.train_last_label == pd.Period("1983-06", "M")
    assert split.val_first_label == pd.Period("1983-07", "M")


def test_label_bounds_and_masks_agree_with_the_windows():
    X, y = make_windows(np.arange(30.0), window=5, horizon=3)
    first, last = label_bounds(len(X), 5, 3)
    assert first.tolist() == y[:, 0].astype(int).tolist()
    assert last.tolist() == y[:, -1].astype(int).tolist()
    train, val = purge_masks(first, last, train_end=15)
    assert y[train].max() <= 15 < y[val].min()
    assert not (train & val).any()


def test_sequence_targets_purge_with_their_own_label_positions():
    # A label at every input step (05's sequence model): window i's labels are i+1 .. i+window.
    window, n = 8, 20
    first = np.arange(n) + 1
    last = first + window - 1
    train, val = purge_masks(first, last, train_end=15)
    assert last[train].max() <= 15 < first[val].min()
    assert (~(train | val)).sum() == window - 1


@pytest.mark.parametrize("kwargs, words", [
    ({"train_end": 2}, "No training window"),
    ({"train_end": 38}, "No validation window"),
    ({"train_end": 50}, "outside the series"),
    ({"train_end": "1990-01"}, "no dates"),
    ({"train_end": 20, "val_end": 10}, "must come after"),
])
def test_clear_errors(kwargs, words):
    with pytest.raises(CourseInputError, match=words):
        purged_split(np.arange(40.0), window=4, horizon=3, **kwargs)


def test_check_held_out_refuses_overlap_and_accepts_a_gap():
    check_held_out(10, 11)
    check_held_out(pd.Timestamp("2014-12-31"), pd.Timestamp("2015-01-01"))
    check_held_out("2014", "2015-01-01")
    with pytest.raises(CourseInputError, match="not after the last training label"):
        check_held_out(11, 11)
    with pytest.raises(CourseInputError, match="not after"):
        check_held_out("2014", "2014-06-01")  # 2014 runs to December
    with pytest.raises(CourseInputError, match="position with a date"):
        check_held_out(3, "2014-01-01")
    with pytest.raises(CourseInputError, match="Cannot read"):
        check_held_out("", "2014-01-01")


def test_masks_refuse_junk():
    with pytest.raises(CourseInputError, match="same length"):
        purge_masks([1, 2], [3], train_end=2)
    with pytest.raises(CourseInputError, match="integer"):
        purge_masks([1.5, 2.5], [3.5, 4.5], train_end=2)
    with pytest.raises(CourseInputError, match="integer position"):
        purge_masks([1, 2], [3, 4], train_end="2")
