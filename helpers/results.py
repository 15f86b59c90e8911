"""Publish a notebook's headline results for ``make results``.

A forecasting notebook ends by calling :func:`publish` with its comparison
table. In a normal session this only prints a note; under ``make results``
(which sets ``COURSE_RESULTS_DIR``) it also writes the table as JSON, and the
runner gathers every notebook's part into ``results/results.json`` and
``results/RESULTS.md`` (rendered by :mod:`tools.report`). Numbers therefore come
from the notebook's own variables, never from scraping printed output.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import warnings
from pathlib import Path
from typing import Any

from helpers.validation import CourseInputError

import numpy as np
import pandas as pd

RESULTS_ENV = "COURSE_RESULTS_DIR"


def _clean_number(value: Any) -> Any:
    if isinstance(value, float | int) and not isinstance(value, bool):
        if isinstance(value, float) and math.isinf(value):
            raise CourseInputError(
                f"publish() got an infinite value ({value}) in the table. An infinite error usually "
                "means a division by zero (e.g. MASE with a constant training series) or an "
                "overflowing forecast: fix the computation, or drop that cell, before publishing.")
        return None if isinstance(value, float) and math.isnan(value) else round(float(value), 6)
    if hasattr(value, "item"):
        return _clean_number(value.item())
    return value if value is None or isinstance(value, str | bool) else str(value)


def _missing_date(value: Any) -> bool:
    """True for None, NaT, NaN and text that pandas reads as a missing date ('', 'NaT', 'nan')."""
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _period_point(value: Any, where: str) -> tuple[str | int, Any, Any]:
    """One end of a period: ``(recorded value, first instant, last instant)``.

    Integer sample positions and Timestamps are their own first and last instant. A date
    given as text or as a pandas Period covers a span:
    ``'2014'`` the whole year, ``'2014-12'`` December, ``'2014-12-31'`` that day, so the
    selection's end is compared by the last instant it covers and the test's start by its
    first. Missing or unparseable dates are refused.
    """
    fix = "give an ISO date such as '2014-12' or '2014-12-31', or an integer sample position"
    if isinstance(value, bool | np.bool_):
        raise CourseInputError(f"publish(): {where} is a bool; {fix}.")
    if isinstance(value, int | np.integer):
        if int(value) < 0:
            raise CourseInputError(f"publish(): {where} = {int(value)} is a negative sample position.")
        return int(value), int(value), int(value)
    if _missing_date(value):
        raise CourseInputError(
            f"publish(): {where} = {value!r} is a missing date (empty, NaT or NaN), which no "
            f"comparison can place in time; {fix}. Check the variable it came from (an empty "
            "slice gives NaT for its first date).")
    if isinstance(value, pd.Period):
        return str(value), value.start_time, value.end_time
    if isinstance(value, datetime.datetime | datetime.date | np.datetime64) and not isinstance(
            value, pd.Timestamp):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):  # an instant (a date's text, below, is a span)
        naive_midnight = value.tz is None and value == value.normalize()
        return (value.date().isoformat() if naive_midnight else value.isoformat()), value, value
    if isinstance(value, str):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pandas' note on quarter strings such as '2014-Q4'
                stamp = pd.Timestamp(value)
        except (ValueError, TypeError, OverflowError):
            stamp = pd.NaT
        if stamp is pd.NaT:
            what = ("an empty or missing date" if value.strip().lower() in {"", "nat", "nan", "none"}
                    else "not an ISO date")
            raise CourseInputError(f"publish(): {where} = {value!r} is {what}; {fix}.") from None
        if stamp.tz is not None:
            return value, stamp, stamp
        try:
            period = pd.Period(value)
        except (ValueError, TypeError):
            return value, stamp, stamp
        return value, period.start_time, period.end_time
    raise CourseInputError(
        f"publish(): {where} must be an ISO date string (e.g. '2014-12-31') or an integer sample "
        f"position, not {type(value).__name__} ({value!r:.40}).")


def _before(a: Any, b: Any, what: str) -> bool:
    """``a < b`` for two instants, refusing a time-zone-aware and a naive one."""
    if isinstance(a, pd.Timestamp) and isinstance(b, pd.Timestamp) and (a.tz is None) != (b.tz is None):
        raise CourseInputError(
            f"publish(): {what} mixes a date with a time zone and one without, so they cannot be "
            "compared. Give every date with a time zone (e.g. '2014-12-31T00:00+00:00') or none.")
    return bool(a < b)


def check_periods(selection: Any, test: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate a table's selection and test periods; return them cleaned.

    Not used in a notebook; publish() checks every selection and test period with it.

    ``selection`` is ``{"on": "<what was compared, on what>", "start": ..., "end": ...}`` and
    ``test`` is ``{"start": ..., "end": ...}``, each end an ISO date string, a pandas
    Timestamp or Period, or an integer sample position (both periods the same kind). A date
    as text or Period stands for the span it names (``'2014'`` is the whole year, a
    Timestamp is one instant), and the selection period
    must end, with the last instant it covers, before the test period starts: choices made
    on the test period are not honest.

    >>> check_periods({"on": "window length on 2014", "start": "2014-01-01",
    ...                "end": "2014-12-31"}, {"start": "2015-01-01", "end": "2015-12-31"})[1]
    {'start': '2015-01-01', 'end': '2015-12-31'}
    >>> check_periods({"on": "x", "start": "2013", "end": "2014"},
    ...               {"start": "2014-06", "end": "2015"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    helpers.validation.CourseInputError: publish(): the selection period ends at 2014, which is not before ...
    """
    if not isinstance(selection, dict) or not isinstance(test, dict):
        raise CourseInputError(
            'publish() needs selection={"on": "...", "start": ..., "end": ...} and '
            'test={"start": ..., "end": ...} as dicts.')
    on = selection.get("on")
    if not isinstance(on, str) or not on.strip():
        raise CourseInputError(
            'publish(): selection["on"] must say in words what was compared, on what data, '
            'e.g. "window length by validation RMSE on 2014".')
    clean, spans = {}, {}
    for name, period in (("selection", selection), ("test", test)):
        missing = [k for k in ("start", "end") if k not in period]
        if missing:
            raise CourseInputError(f"publish(): {name} is missing {missing}.")
        start, start_first, _ = _period_point(period["start"], f'{name}["start"]')
        end, _, end_last = _period_point(period["end"], f'{name}["end"]')
        if isinstance(start, int) != isinstance(end, int):
            raise CourseInputError(f"publish(): {name} mixes a sample position and a date.")
        if _before(end_last, start_first, f"{name}"):
            raise CourseInputError(f"publish(): {name} starts ({start}) after it ends ({end}).")
        clean[name] = {"start": start, "end": end}
        spans[name] = (start_first, end_last)
    if isinstance(clean["selection"]["end"], int) != isinstance(clean["test"]["start"], int):
        raise CourseInputError("publish(): give selection and test both as dates or both as "
                               "sample positions.")
    if not _before(spans["selection"][1], spans["test"][0], "selection and test"):
        raise CourseInputError(
            f"publish(): the selection period ends at {clean['selection']['end']}, which is not "
            f"before the test period starts ({clean['test']['start']}); a date stands for the "
            "whole span it names ('2014' is the year, '2014-12' the month). Choices (window, "
            "units, learning rate, which model is best) must be made on data that ends before "
            "the test period; move the selection to a validation period or to earlier rolling "
            "origins.")
    return {"on": on.strip(), **clean["selection"]}, clean["test"]


def _check_seeds(seeds: Any) -> list[int]:
    """The seeds as a list of distinct Python ints; text, fractions and repeats are refused."""
    if seeds is None:
        return []
    if isinstance(seeds, int | np.integer) and not isinstance(seeds, bool | np.bool_):
        seeds = [seeds]
    if isinstance(seeds, str | bytes) or not isinstance(seeds, list | tuple | range | np.ndarray | pd.Series | pd.Index):
        raise CourseInputError(
            f"publish(): seeds must be a list of whole numbers such as [0, 1, 2], got "
            f"{type(seeds).__name__} {seeds!r:.40}. Text such as '42' is not a seed: pass [42].")
    values = list(np.asarray(seeds).ravel()) if isinstance(seeds, np.ndarray | pd.Series | pd.Index) else list(seeds)
    clean = []
    for seed in values:
        if isinstance(seed, bool | np.bool_) or not isinstance(seed, int | np.integer | float | np.floating):
            raise CourseInputError(
                f"publish(): seed {seed!r} is not a whole number; seeds must be ints such as [0, 1, 2].")
        if isinstance(seed, float | np.floating) and not float(seed).is_integer():
            raise CourseInputError(
                f"publish(): seed {seed!r} is not a whole number (it would be recorded as "
                f"{int(seed)}); pass the seeds the models were really trained with, as ints.")
        clean.append(int(seed))
    if len(set(clean)) != len(clean):
        raise CourseInputError(f"publish(): seeds {clean} repeat a seed; list each seed once.")
    return clean


def table_to_json(table: pd.DataFrame) -> dict[str, Any]:
    """A DataFrame (index = model) as ``{"columns": [...], "rows": [{"model": ..., ...}]}``."""
    frame = table.reset_index()
    frame = frame.rename(columns={frame.columns[0]: "model"})
    rows = [{str(k): _clean_number(v) for k, v in row.items()} for row in frame.to_dict("records")]
    return {"columns": [str(c) for c in frame.columns], "rows": rows}


def publish(
    notebook: str | os.PathLike,
    table: pd.DataFrame,
    *,
    dataset: str,
    split: str,
    horizon: int | str,
    metric: str,
    baselines: list[str],
    selection: dict[str, Any],
    test: dict[str, Any],
    seeds: list[int] | None = None,
    note: str = "",
) -> dict[str, Any]:
    """Record a notebook's comparison table (models as index) for ``make results``.

    First used in 05 §8. Taught in 07 §9.

    Args:
        notebook: the notebook's path from the repository root, e.g.
            ``"notebooks/07_monthly_sales.ipynb"``.
        table: one row per model (baselines included), metric columns such as
            ``"RMSE mean"`` and ``"RMSE std"``.
        dataset, split, horizon, metric: what the numbers measure, in words.
        baselines: a list of the rows of ``table`` that are baselines (they must exist).
        selection: how the models were chosen: ``{"on": "<what was compared, on what>",
            "start": ..., "end": ...}``; see :func:`check_periods`.
        test: the period the table scores, ``{"start": ..., "end": ...}``. It must start
            after the selection period ends.
        seeds: the seeds the neural models were trained with: a list (or NumPy array) of
            distinct whole numbers; text such as ``'42'`` and fractions are refused.
        note: one sentence to print under the table.

    Returns:
        The published record. It is written to ``$COURSE_RESULTS_DIR`` only when
        that variable is set (``make results`` sets it).
    """
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise CourseInputError("publish() needs a non-empty pandas DataFrame with one row per model.")
    if isinstance(baselines, str) or not isinstance(baselines, list | tuple):
        raise CourseInputError(
            f"publish(): baselines must be a list of row names of the table, e.g. "
            f"baselines=[{baselines!r}] rather than baselines={baselines!r:.40}. "
            f"Rows are: {list(table.index)}.")
    missing = [b for b in baselines if b not in table.index]
    if not baselines or missing:
        raise CourseInputError(
            f"publish() needs the baseline rows in the table; missing: {missing or 'none named'}. "
            f"Rows are: {list(table.index)}."
        )
    from helpers.mode import fast_mode

    selection, test = check_periods(selection, test)
    seeds = _check_seeds(seeds)
    notebook = Path(notebook).as_posix()
    record = {
        "notebook": notebook,
        "mode": "fast" if fast_mode() else "full",
        "dataset": dataset,
        "split": split,
        "horizon": horizon,
        "metric": metric,
        "baselines": list(baselines),
        "seeds": seeds,
        "selection": selection,
        "test": test,
        "note": note,
        "table": table_to_json(table),
    }
    target = os.environ.get(RESULTS_ENV)
    if target:
        folder = Path(target)
        folder.mkdir(parents=True, exist_ok=True)
        name = notebook.replace("/", "__").replace(".ipynb", ".json")
        (folder / name).write_text(json.dumps(record, indent=2, allow_nan=False))
        print(f"Results for {notebook} recorded for `make results`.")
    else:
        print(f"Headline table of {notebook} ({record['mode']} mode); "
              "`make results` collects it into results/RESULTS.md.")
    return record
