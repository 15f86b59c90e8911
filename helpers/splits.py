"""Purged train/validation windows: validation labels start after the last training label.

A window for horizon ``h`` has ``h`` labels. Cut a series at a date and keep every window
whose *inputs* end before it for training, and the last ``h - 1`` training windows have
labels on the far side of the cut: the validation windows then share those months with the
training windows, and early stopping watches a partly in-sample loss. The rule this module
enforces: **every validation label comes after the last training label.** Windows that
straddle the boundary (``h - 1`` of them for horizon ``h``) are dropped: the *purge gap*.

>>> import numpy as np
>>> split = purged_split(np.arange(20.0), window=4, horizon=3, train_end=11)
>>> split.train_last_label, split.val_first_label, split.n_purged
(11, 12, 2)
>>> split.y_train[-1].tolist(), split.y_val[0].tolist()   # no label in both sets
([9.0, 10.0, 11.0], [12.0, 13.0, 14.0])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from helpers.validation import CourseInputError, check_positive_int
from helpers.windows import Targets, make_windows

import numpy as np
import pandas as pd

__all__ = ["PurgedSplit", "check_held_out", "label_bounds", "purge_masks", "purged_split"]


def label_bounds(n_windows: int, window: int, horizon: int = 1,
                 first_offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the first and last label of each window cut like ``make_windows``.

    Not used in a notebook; :func:`purged_split` uses it, and it is the building block
    for windows cut by hand.

    Window ``i`` has inputs ``i .. i + window - 1`` and labels ``i + window ..
    i + window + horizon - 1``; ``first_offset`` shifts every position (the position of
    the series' first value in a longer series).

    >>> first, last = label_bounds(3, window=4, horizon=2)
    >>> first.tolist(), last.tolist()
    ([4, 5, 6], [5, 6, 7])
    """
    n = check_positive_int(n_windows, "n_windows", minimum=0)
    window = check_positive_int(window, "window")
    horizon = check_positive_int(horizon, "horizon")
    first = np.arange(n) + window + int(first_offset)
    return first, first + horizon - 1


def purge_masks(first_label: Any, last_label: Any, train_end: int,
                val_end: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks over windows: training windows, and purged validation windows.

    Not used in a notebook; :func:`purged_split` uses it. Use it directly when the
    labels of a window are not the ``horizon`` values after it (a label at every
    input step, for example): pass each window's first and last label position.

    A window trains when *every* label is at or before position ``train_end``; it
    validates when every label is after ``train_end`` (and at or before ``val_end``).
    Windows with labels on both sides belong to neither.

    >>> train, val = purge_masks([4, 5, 6, 7], [6, 7, 8, 9], train_end=6)
    >>> train.tolist(), val.tolist()   # the middle two straddle position 6: purged
    ([True, False, False, False], [False, False, False, True])
    """
    first = np.asarray(first_label)
    last = np.asarray(last_label)
    if first.shape != last.shape or first.ndim != 1:
        raise CourseInputError(
            f"first_label and last_label must be 1-D and of the same length (one position per "
            f"window); got shapes {first.shape} and {last.shape}."
        )
    if first.size and not (np.issubdtype(first.dtype, np.integer)
                           and np.issubdtype(last.dtype, np.integer)):
        raise CourseInputError(
            "first_label and last_label must be integer time-step positions; convert dates "
            "to positions first (series.index.get_loc(date))."
        )
    if np.any(last < first):
        raise CourseInputError(
            "Some windows have their last label before their first; pass (first_label, "
            "last_label) in that order."
        )
    train_end = _position(train_end, "train_end")
    train = last <= train_end
    val = first > train_end
    if val_end is not None:
        val_end = _position(val_end, "val_end")
        if val_end <= train_end:
            raise CourseInputError(
                f"val_end ({val_end}) must come after train_end ({train_end}): the validation "
                "period follows the training period."
            )
        val &= last <= val_end
    return train, val


def _position(value: Any, name: str) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        raise CourseInputError(f"{name} must be an integer position, got {value!r}.")
    return int(value)


def check_held_out(train_last_label: Any, val_first_label: Any) -> None:
    """Raise unless validation labels start strictly after the last training label.

    Not used in a notebook; :func:`purged_split` calls it, and notebooks that cut their
    windows by hand can call it on their own boundaries. Takes two positions or two
    dates (Timestamps, Periods or date strings).

    >>> check_held_out(11, 12)   # fine: nothing printed
    >>> check_held_out("1989-08", "1989-08")
    Traceback (most recent call last):
    ...
    helpers.validation.CourseInputError: The validation labels start at 1989-08, which is not after the last training label 1989-08: early stopping would watch months the model also trains on. Start the validation windows later (purge the h - 1 windows whose labels straddle the boundary), e.g. with helpers.splits.purged_split.
    """
    a, b = _comparable(train_last_label, val_first_label)
    if not b > a:
        raise CourseInputError(
            f"The validation labels start at {_show(val_first_label)}, which is not after the "
            f"last training label {_show(train_last_label)}: early stopping would watch months "
            "the model also trains on. Start the validation windows later (purge the h - 1 "
            "windows whose labels straddle the boundary), e.g. with "
            "helpers.splits.purged_split."
        )


def _show(value: Any) -> str:
    if isinstance(value, pd.Timestamp):
        return str(value.date()) if value == value.normalize() else str(value)
    return str(value)


def _comparable(a: Any, b: Any) -> tuple[Any, Any]:
    numbers = int | np.integer
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool | np.bool_) \
            and not isinstance(b, bool | np.bool_):
        return int(a), int(b)
    if isinstance(a, numbers) or isinstance(b, numbers):
        raise CourseInputError(
            f"Cannot compare a position with a date ({a!r} against {b!r}); pass two positions "
            "or two dates."
        )
    # A date stands for the period it names: compare the first instants of two periods
    # of the same kind (two months, two days) as periods, so '1989-08' == '1989-08'.
    pa, pb = _as_period(a), _as_period(b)
    if pa.freqstr != pb.freqstr:
        return pa.end_time, pb.start_time
    return pa, pb


def _as_period(value: Any) -> pd.Period:
    if isinstance(value, pd.Period):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 4 and text.isdigit():
                return pd.Period(text, freq="Y")
            if len(text) == 7:
                return pd.Period(text, freq="M")
            stamp = pd.Timestamp(text)
        except (ValueError, TypeError):
            stamp = pd.NaT
    else:
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError):
            stamp = pd.NaT
    if stamp is pd.NaT or pd.isna(stamp):
        raise CourseInputError(
            f"Cannot read {value!r} as a date; pass an ISO date such as '1989-08-31' or a "
            "pandas Timestamp/Period."
        )
    if stamp.tz is not None:
        raise CourseInputError(
            f"{value!r} has a time zone; the course's series are naive. Drop it with "
            ".tz_localize(None)."
        )
    if stamp == stamp.normalize():
        return pd.Period(stamp, freq="D")
    return pd.Period(stamp, freq="s")


@dataclass(frozen=True)
class PurgedSplit:
    """Training and validation windows whose labels do not overlap.

    Not used in a notebook; :func:`purged_split` returns it.

    Attributes:
        X_train, y_train, X_val, y_val: arrays as :func:`helpers.windows.make_windows`
            returns them.
        train_last_label, val_first_label: the last training label and the first
            validation label (dates when the series is dated, else positions).
        n_purged: windows dropped because their labels straddle ``train_end``.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    train_last_label: Any
    val_first_label: Any
    n_purged: int

    def describe(self) -> str:
        """One line: how many windows each side has, their label boundary and the gap."""
        return (
            f"{len(self.X_train)} training windows (labels up to {_show(self.train_last_label)}), "
            f"{len(self.X_val)} validation windows (labels from {_show(self.val_first_label)}), "
            f"{self.n_purged} purged"
        )


def _train_end_position(index: pd.Index | None, n: int, value: Any, name: str) -> int:
    """The last position at or before ``value`` (a date means the end of its period)."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
        position = int(value)
        if not 0 <= position < n:
            raise CourseInputError(f"{name}={position} is outside the series (0..{n - 1}).")
        return position
    if index is None:
        raise CourseInputError(
            f"{name}={value!r} is a date but the series has no dates; pass a position, or a "
            "pandas Series/DataFrame with a DatetimeIndex or PeriodIndex."
        )
    end = _as_period(value).end_time
    stamps = index.to_timestamp(how="start") if isinstance(index, pd.PeriodIndex) else index
    if getattr(stamps, "tz", None) is not None:
        raise CourseInputError(
            "The series has a time-zone-aware index; drop the zone with .tz_localize(None)."
        )
    position = int(np.searchsorted(stamps.values, np.datetime64(end), side="right")) - 1
    if position < 0:
        raise CourseInputError(
            f"{name}={value!r} comes before the series starts ({stamps[0].date()})."
        )
    return position


def purged_split(values: Any, window: int, horizon: int = 1, *, train_end: Any,
                 val_end: Any = None, targets: Targets = None) -> PurgedSplit:
    """Cut ``values`` into training and purged validation windows.

    First used in 10 §3. It implements the course's rule for early stopping and
    validation windows.

    Training windows have every label at or before ``train_end``; validation windows
    have every label after it (and at or before ``val_end``, default: the end of the
    series). The ``horizon - 1`` windows in between are dropped. Validation *inputs*
    may reach back into the training period: only labels must be new.

    Args:
        values: the (already scaled) series, as for :func:`helpers.windows.make_windows`.
        window, horizon, targets: as for :func:`helpers.windows.make_windows`.
        train_end: the last time step that may be a training label: a position, or,
            for a dated series, a date, Timestamp or Period. A period means its last
            instant: ``'1989-08'`` includes all of August 1989, ``'2014'`` all of 2014.
        val_end: the last time step that may be a validation label (same forms).

    Raises:
        CourseInputError: no training or no validation window is left, bounds outside
            the series or in the wrong order, or a date bound for an undated series.
    """
    X, y = make_windows(values, window, horizon, targets)
    window, horizon = int(window), int(horizon)
    index = values.index if isinstance(values, pd.Series | pd.DataFrame) else None
    if index is not None and not isinstance(index, pd.DatetimeIndex | pd.PeriodIndex):
        index = None
    n = len(X) + window + horizon - 1
    end = _train_end_position(index, n, train_end, "train_end")
    stop = None if val_end is None else _train_end_position(index, n, val_end, "val_end")
    first, last = label_bounds(len(X), window, horizon)
    train, val = purge_masks(first, last, end, stop)
    if not train.any():
        raise CourseInputError(
            f"No training window has all its labels at or before train_end={train_end!r}: "
            f"the first window's labels end at step {last[0]}. Move train_end later or use a "
            "shorter window or horizon."
        )
    if not val.any():
        raise CourseInputError(
            f"No validation window has all its labels after train_end={train_end!r}"
            f"{'' if val_end is None else f' and at or before val_end={val_end!r}'}: the "
            f"its labels need {horizon} steps after train_end (inputs may overlap the training "
            "period; labels may not). Move train_end earlier or val_end later."
        )
    train_last, val_first = int(last[train].max()), int(first[val].min())
    check_held_out(train_last, val_first)
    if index is not None:
        train_last, val_first = index[train_last], index[val_first]
    straddling = (first <= end) & (last > end)
    return PurgedSplit(X[train], y[train], X[val], y[val], train_last, val_first,
                       int(straddling.sum()))
