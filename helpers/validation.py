"""Input checks shared by the helpers.

Each check raises an error that names what was wrong and how to fix it, so a
student sees one clear sentence instead of a traceback from deep inside
TensorFlow or statsmodels.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CourseInputError", "as_float_array", "check_bool", "check_index", "check_keras_model",
           "check_no_nans", "check_positive_int", "check_regular"]


class CourseInputError(ValueError):
    """A helper was given input it cannot use; the message says how to fix it.

    Not used in a notebook; every helper raises it for bad input, with the fix in the message.
    """


def _non_numeric_columns(frame: pd.DataFrame) -> list[str]:
    """Columns of ``frame`` that are not numbers (or booleans)."""
    return [
        str(column)
        for column, dtype in frame.dtypes.items()
        if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype))
    ]


def as_float_array(values: Any, name: str = "values") -> np.ndarray:
    """Convert ``values`` (list, NumPy array, pandas Series/DataFrame) to a float array.

    Not used in a notebook; the helpers check their array inputs with it.

    >>> as_float_array([1, 2])
    array([1., 2.])

    Raises:
        CourseInputError: when the values are missing (``None``), hold ``None`` entries,
            are not numeric (dates or durations, as values or columns; text, complex
            numbers) or are ragged lists.
    """
    if values is None:
        raise CourseInputError(
            f"{name} is None: pass the numbers themselves (a list, NumPy array or pandas "
            "object). A function that only prints or plots returns None; check that the "
            "variable holds what you expect."
        )
    if isinstance(values, pd.DataFrame):
        bad = _non_numeric_columns(values)
        if bad:
            dates = [c for c in bad if pd.api.types.is_datetime64_any_dtype(values[c].dtype)]
            fix = (
                f" Column {dates[0]!r} holds dates: make it the index with "
                f"df.set_index({dates[0]!r})."
                if dates
                else f" Select the numeric columns, e.g. df.drop(columns={bad!r})."
            )
            raise CourseInputError(f"{name} has non-numeric column(s) {bad}.{fix}")
    dtype = getattr(values, "dtype", None)
    if dtype is not None and (pd.api.types.is_datetime64_any_dtype(dtype)
                              or pd.api.types.is_timedelta64_dtype(dtype)
                              or isinstance(dtype, pd.PeriodDtype)):
        what = "durations" if pd.api.types.is_timedelta64_dtype(dtype) else "dates"
        raise CourseInputError(
            f"{name} holds {what}, not measurements; as numbers they would be nanosecond counts. "
            "Pass the values you want to model, with the dates as the index: e.g. "
            "df.set_index('date')['sales'] (or series.index for the dates themselves).")
    if isinstance(values, pd.Series | pd.DataFrame):
        values = values.to_numpy()
    if isinstance(values, dict | set | str | bytes):
        raise CourseInputError(
            f"{name} must be numbers (a list, NumPy array or pandas object), got a "
            f"{type(values).__name__}."
        )
    if isinstance(values, list | tuple) or (
        isinstance(values, np.ndarray) and values.dtype == object
    ):
        try:
            raw = np.asarray(values, dtype=object)
        except ValueError:
            raw = None
        if raw is not None and any(v is None for v in raw.ravel()):
            raise CourseInputError(
                f"{name} contains None, which is not a number. Replace missing values with "
                "real ones (or drop them) before passing the data."
            )
    dtype = getattr(values, "dtype", None)
    if isinstance(dtype, np.dtype) and np.issubdtype(dtype, np.complexfloating):
        raise CourseInputError(
            f"{name} holds complex numbers; pass real numbers (e.g. np.real(values) or "
            "np.abs(values), whichever you mean)."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            array = np.asarray(values, dtype="float64")
    except (TypeError, ValueError, np.exceptions.ComplexWarning) as err:
        if "inhomogeneous" in str(err) or "sequence" in str(err):
            raise CourseInputError(
                f"{name} is a list whose rows have different lengths, so it is not a "
                "rectangular array. Make every row (window) the same length, or pad them."
            ) from None
        raise CourseInputError(
            f"{name} must be numeric (a list, NumPy array or pandas object of numbers); "
            f"converting it to floats failed: {err}"
        ) from None
    return array


def check_no_nans(array: np.ndarray, name: str = "values") -> None:
    """Raise when ``array`` holds NaN or infinite values, saying where the first one is.

    Not used in a notebook; the helpers check their array inputs with it.

    >>> import numpy as np
    >>> check_no_nans(np.array([1.0, np.nan]), "y")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    helpers.validation.CourseInputError: y contains 1 NaN or infinite value(s), the first at position 1. ...
    """
    bad = ~np.isfinite(array)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        position = first[0] if len(first) == 1 else first
        raise CourseInputError(
            f"{name} contains {int(bad.sum())} NaN or infinite value(s), the first at "
            f"position {position}. Fill or drop them first (for example "
            "series.interpolate() or series.dropna()) and make sure the gaps are real."
        )


def _label(value: Any) -> str:
    """A date as ``2020-01-01`` (without a time of midnight), anything else with str()."""
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return str(value.date())
    return str(value)


def _text_dates(index: pd.Index) -> pd.DatetimeIndex | None:
    """The dates an index of text such as '2020-01' stands for, or None when it is not dates."""
    if not (pd.api.types.is_object_dtype(index.dtype) or pd.api.types.is_string_dtype(index.dtype)):
        return None
    if len(index) == 0 or not all(isinstance(v, str) for v in index):
        return None
    if not all(len(v) >= 6 and any(ch.isdigit() for ch in v) and any(sep in v for sep in "-/.: ")
               for v in index):
        return None  # names such as 'north' or '12': not dates
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = pd.to_datetime(pd.Index(index), format="mixed")
    except (ValueError, TypeError, OverflowError):
        return None
    return None if parsed.hasnans else pd.DatetimeIndex(parsed)


def check_index(index: pd.Index, name: str = "series") -> None:
    """Raise when the index of a time series cannot be in time order.

    Not used in a notebook; the helpers check a series' dates with it.

    Dates (``DatetimeIndex``, ``PeriodIndex``, or text that reads as dates such as
    ``'2020-01'``) must have no missing value (NaT), no duplicates and be increasing.
    Other indexes that are not the default 0, 1, 2, ... must be increasing too: a
    shuffled integer index means the rows are not in time order. A MultiIndex (several
    series stacked, e.g. one per store) is refused.

    >>> import pandas as pd
    >>> check_index(pd.DatetimeIndex(["2020-01-02", "2020-01-01"]), "sales")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    helpers.validation.CourseInputError: sales dates are not in increasing order ...
    """
    if isinstance(index, pd.RangeIndex):
        if index.step < 0:
            raise CourseInputError(
                f"{name} has a decreasing index ({index.start}, {index.start + index.step}, "
                "...): its rows run backwards in time. Sort it first with series.sort_index()."
            )
        return
    if isinstance(index, pd.MultiIndex):
        raise CourseInputError(
            f"{name} has a MultiIndex with levels {list(index.names)}: several series stacked "
            "in one (e.g. one per store), whose windows would run from one into the next. "
            "Select one series first, e.g. df.xs('A', level='store'), and handle each "
            "series on its own.")
    text_dates = _text_dates(index)
    if text_dates is not None:
        index = text_dates
    dated = isinstance(index, pd.DatetimeIndex | pd.PeriodIndex)
    if not dated and not pd.api.types.is_numeric_dtype(index.dtype):
        return  # labels such as names: no time order to check
    if dated and index.hasnans:
        position = int(np.argmax(index.isna()))
        raise CourseInputError(
            f"{name} has {int(index.isna().sum())} missing date(s) (NaT) in its index, the "
            f"first at position {position}. Fix or drop those rows first, e.g. "
            "series = series[series.index.notna()], and check how the dates were parsed."
        )
    if index.has_duplicates:
        dup = index[index.duplicated()][0]
        what = "dates" if dated else "index values"
        raise CourseInputError(
            f"{name} has duplicate {what} (first: {_label(dup)}). Aggregate them, for "
            "example with series.groupby(level=0).mean()."
        )
    if not index.is_monotonic_increasing:
        numbers = index.asi8 if dated else np.asarray(index, dtype="float64")
        position = int(np.argmax(np.diff(numbers) < 0)) + 1
        what = "dates are" if dated else "index is"
        raise CourseInputError(
            f"{name} {what} not in increasing order (at position {position}: "
            f"{_label(index[position - 1])} is followed by {_label(index[position])}), so "
            "its rows are not in time order. Sort it first with series.sort_index()."
        )


def check_regular(index: pd.Index, name: str = "series") -> None:
    """Raise when dates without a frequency have gaps (a missing month, day, ...).

    Not used in a notebook; the helpers check that dates are evenly spaced with it.

    Windows and forecasts treat consecutive rows as consecutive time steps, so a
    missing date silently joins two periods that are not neighbours. A DatetimeIndex
    with a frequency (``index.freq``) is regular by construction; otherwise the
    frequency is inferred from the dates (text dates are parsed first), which fails
    when they have gaps. A PeriodIndex must have consecutive periods.

    >>> import pandas as pd
    >>> check_regular(pd.DatetimeIndex(["2020-01-01", "2020-01-02", "2020-01-05"]), "sales")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    helpers.validation.CourseInputError: The dates of sales are not evenly spaced: ...
    """
    if isinstance(index, pd.PeriodIndex) and len(index) >= 2:
        check_index(index, name)
        steps = np.diff(index.asi8)
        if np.any(steps != 1):
            position = int(np.argmax(steps != 1)) + 1
            raise CourseInputError(
                f"The dates of {name} are not evenly spaced: {index[position - 1]} is followed "
                f"by {index[position]}, so {int(steps[position - 1]) - 1} period(s) are "
                "missing. Consecutive rows would be treated as consecutive time steps across "
                "the gap. Fill the gap first, e.g. series.reindex(pd.period_range(series.index[0], "
                "series.index[-1], freq=series.index.freq)).interpolate(), or pass "
                "series.to_numpy() if the rows really are consecutive steps.")
        return
    text_dates = _text_dates(index)
    if text_dates is not None:
        index = text_dates
    if not isinstance(index, pd.DatetimeIndex) or index.freq is not None or len(index) < 3:
        return
    check_index(index, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        freq = pd.infer_freq(index)
    if freq is not None:
        return
    steps = np.asarray(index[1:] - index[:-1])
    typical = np.median(steps)
    position = int(np.argmax(steps) if steps.max() > 1.5 * typical else np.argmin(steps)) + 1
    step = pd.Timedelta(typical)
    step_text = f"{step.days} day(s)" if step == step.floor("D") and step.days else str(step)
    raise CourseInputError(
        f"The dates of {name} are not evenly spaced: {_label(index[position - 1])} is "
        f"followed by {_label(index[position])}, while the typical step is "
        f"{step_text}. Consecutive rows would be treated as consecutive time "
        "steps across the gap. Make the dates regular first, e.g. "
        "series.asfreq('MS').interpolate() for monthly data (or .asfreq('D') for daily); "
        "if the rows really are consecutive steps, pass series.to_numpy()."
    )


def check_positive_int(value: Any, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int, raising when it is not an integer >= ``minimum``.

    Not used in a notebook; the helpers check counts such as window and horizon with it.

    >>> check_positive_int(12, "window")
    12
    >>> check_positive_int(0, "window")
    Traceback (most recent call last):
    helpers.validation.CourseInputError: window must be >= 1, got 0.
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        hint = ""
        if isinstance(value, float | np.floating) and float(value).is_integer():
            hint = f" Pass a whole number without a decimal point: {name}={int(value)}."
        elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
            hint = f" Pass a number, not text: {name}={int(value)}."
        raise CourseInputError(f"{name} must be an integer >= {minimum}, got {value!r}.{hint}")
    if value < minimum:
        raise CourseInputError(f"{name} must be >= {minimum}, got {value}.")
    return int(value)


def check_keras_model(model: Any, name: str = "model") -> None:
    """Raise unless ``model`` is a Keras model (``keras.Sequential`` or ``keras.Model``).

    Not used in a notebook; the helpers that take a model (``fit``, ``snapshot``,
    ``predictor``, ``StepTrainer``) check it with this, so a wrong argument gets one clear
    message instead of a traceback from inside Keras.

    >>> check_keras_model([0.5, 0.2])
    Traceback (most recent call last):
    helpers.validation.CourseInputError: model must be a Keras model (keras.Sequential or keras.Model), got list. Pass the model itself, not its output or its weights.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise CourseInputError(
            f"{name} must be a Keras model (keras.Sequential or keras.Model), got "
            f"{type(model).__name__}. Pass the model itself, not its output or its weights."
        )


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` as a bool, raising when it is not True or False (e.g. the text ``'no'``).

    Not used in a notebook; the helpers check their flag arguments with it.

    >>> check_bool("no", "shuffle")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    helpers.validation.CourseInputError: shuffle must be True or False, got 'no'. ...
    """
    if not isinstance(value, bool | np.bool_):
        raise CourseInputError(
            f"{name} must be True or False, got {value!r}. Note that a text such as 'no' "
            "or 'False' counts as true in Python."
        )
    return bool(value)
