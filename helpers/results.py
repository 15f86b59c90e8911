"""Publish a notebook's headline results for ``make results``.

A forecasting notebook ends by calling :func:`publish` with its comparison
table. In a normal session this only prints a note; under ``make results``
(which sets ``COURSE_RESULTS_DIR``) it also writes the table as JSON, and the
runner gathers every notebook's part into ``results/results.json`` and
``results/RESULTS.md`` (rendered by :mod:`tools.report`). Numbers therefore come
from the notebook's own variables, never from scraping printed output.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from helpers.validation import CourseInputError

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


def _period_point(value: Any, where: str) -> str | int:
    """One end of a selection or test period: an ISO date string or an integer sample position."""
    if isinstance(value, bool):
        raise CourseInputError(f"publish(): {where} is a bool; give an ISO date or a sample position.")
    if isinstance(value, int) or (hasattr(value, "dtype") and value.dtype.kind in "iu"):
        if int(value) < 0:
            raise CourseInputError(f"publish(): {where} = {int(value)} is a negative sample position.")
        return int(value)
    if isinstance(value, pd.Period):
        return str(value)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, str):
        try:
            pd.Timestamp(value)
        except (ValueError, TypeError):
            raise CourseInputError(
                f"publish(): {where} = {value!r} is not an ISO date such as '1993-08' or "
                "'2014-12-31'.") from None
        return value
    raise CourseInputError(
        f"publish(): {where} must be an ISO date string (e.g. '2014-12-31') or an integer sample "
        f"position, not {type(value).__name__}.")


def _as_time(value: str | int) -> Any:
    return value if isinstance(value, int) else pd.Timestamp(value)


def check_periods(selection: Any, test: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate a table's selection and test periods; return them cleaned.

    Not used in a notebook; publish() checks every selection and test period with it.

    ``selection`` is ``{"on": "<what was compared, on what>", "start": ..., "end": ...}`` and
    ``test`` is ``{"start": ..., "end": ...}``, each end an ISO date string or an integer sample
    position (both periods the same kind). The selection period must end before the test
    period starts: choices made on the test period are not honest.

    >>> check_periods({"on": "window length on 2014", "start": "2014-01-01",
    ...                "end": "2014-12-31"}, {"start": "2015-01-01", "end": "2015-12-31"})[1]
    {'start': '2015-01-01', 'end': '2015-12-31'}
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
    clean = {}
    for name, period in (("selection", selection), ("test", test)):
        missing = [k for k in ("start", "end") if k not in period]
        if missing:
            raise CourseInputError(f"publish(): {name} is missing {missing}.")
        start = _period_point(period["start"], f'{name}["start"]')
        end = _period_point(period["end"], f'{name}["end"]')
        if isinstance(start, int) != isinstance(end, int):
            raise CourseInputError(f"publish(): {name} mixes a sample position and a date.")
        if _as_time(start) > _as_time(end):
            raise CourseInputError(f"publish(): {name} starts ({start}) after it ends ({end}).")
        clean[name] = {"start": start, "end": end}
    if isinstance(clean["selection"]["end"], int) != isinstance(clean["test"]["start"], int):
        raise CourseInputError("publish(): give selection and test both as dates or both as "
                               "sample positions.")
    if _as_time(clean["selection"]["end"]) >= _as_time(clean["test"]["start"]):
        raise CourseInputError(
            f"publish(): the selection period ends at {clean['selection']['end']}, which is not "
            f"before the test period starts ({clean['test']['start']}). Choices (window, units, "
            "learning rate, which model is best) must be made on data that ends before the test "
            "period; move the selection to a validation period or to earlier rolling origins.")
    return {"on": on.strip(), **clean["selection"]}, clean["test"]


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
        baselines: the rows of ``table`` that are baselines (they must exist).
        selection: how the models were chosen: ``{"on": "<what was compared, on what>",
            "start": ..., "end": ...}``; see :func:`check_periods`.
        test: the period the table scores, ``{"start": ..., "end": ...}``. It must start
            after the selection period ends.
        seeds: the seeds the neural models were trained with.
        note: one sentence to print under the table.

    Returns:
        The published record. It is written to ``$COURSE_RESULTS_DIR`` only when
        that variable is set (``make results`` sets it).
    """
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise CourseInputError("publish() needs a non-empty pandas DataFrame with one row per model.")
    missing = [b for b in baselines if b not in table.index]
    if not baselines or missing:
        raise CourseInputError(
            f"publish() needs the baseline rows in the table; missing: {missing or 'none named'}. "
            f"Rows are: {list(table.index)}."
        )
    from helpers.mode import fast_mode

    selection, test = check_periods(selection, test)
    notebook = Path(notebook).as_posix()
    record = {
        "notebook": notebook,
        "mode": "fast" if fast_mode() else "full",
        "dataset": dataset,
        "split": split,
        "horizon": horizon,
        "metric": metric,
        "baselines": list(baselines),
        "seeds": [int(s) for s in (seeds or [])],
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
