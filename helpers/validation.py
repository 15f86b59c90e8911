"""Input checks shared by the helpers.

Each check raises an error that names what was wrong and how to fix it, so a
student sees one clear sentence instead of a traceback from deep inside
TensorFlow or statsmodels.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


class CourseInputError(ValueError):
    """A helper was given input it cannot use; the message says how to fix it."""


def as_float_array(values: Any, name: str = "values") -> np.ndarray:
    """Convert ``values`` (list, NumPy array, pandas Series/DataFrame) to a float array.

    Raises:
        CourseInputError: when the values are not numeric.
    """
    if isinstance(values, pd.Series | pd.DataFrame):
        values = values.to_numpy()
    try:
        array = np.asarray(values, dtype="float64")
    except (TypeError, ValueError) as err:
        raise CourseInputError(
            f"{name} must be numeric (a list, NumPy array or pandas object of numbers); "
            f"converting it to floats failed: {err}"
        ) from None
    return array


def check_no_nans(array: np.ndarray, name: str = "values") -> None:
    """Raise when ``array`` holds NaN or infinite values, saying where the first one is."""
    bad = ~np.isfinite(array)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        position = first[0] if len(first) == 1 else first
        raise CourseInputError(
            f"{name} contains {int(bad.sum())} NaN or infinite value(s), the first at "
            f"position {position}. Fill or drop them first (for example "
            "series.interpolate() or series.dropna()) and make sure the gaps are real."
        )


def check_index(index: pd.Index, name: str = "series") -> None:
    """Raise when a DatetimeIndex is not strictly increasing or has duplicates."""
    if not isinstance(index, pd.DatetimeIndex):
        return
    if index.has_duplicates:
        dup = index[index.duplicated()][0]
        raise CourseInputError(
            f"{name} has duplicate dates (first: {dup.date()}). Aggregate them, for "
            "example with series.groupby(level=0).mean()."
        )
    if not index.is_monotonic_increasing:
        position = int(np.argmax(np.diff(index.asi8) < 0)) + 1
        raise CourseInputError(
            f"{name} dates are not in increasing order (at position {position}: "
            f"{index[position - 1].date()} is followed by {index[position].date()}). "
            "Sort it first with series.sort_index()."
        )


def check_positive_int(value: Any, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int, raising when it is not an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise CourseInputError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    if value < minimum:
        raise CourseInputError(f"{name} must be >= {minimum}, got {value}.")
    return int(value)
