"""Comparison tables: one row per model, and means and spreads over seeds.

>>> results = {
...     "seasonal naive": {"RMSE": 3000.0, "MAE": 2500.0},
...     "SARIMA": {"RMSE": 2400.0, "MAE": 1900.0},
... }
>>> comparison_table(results, relative_to="seasonal naive")  # doctest: +NORMALIZE_WHITESPACE
                  RMSE     MAE  RMSE vs seasonal naive (%)
model
SARIMA          2400.0  1900.0                       -20.0
seasonal naive  3000.0  2500.0                         0.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from helpers.validation import CourseInputError, check_positive_int

import numpy as np
import pandas as pd

__all__ = ["comparison_table", "format_mean_std", "mean_std", "seed_summary"]


def _as_number(value: Any, where: str) -> float:
    if isinstance(value, bool):
        raise CourseInputError(f"{where} is a boolean ({value}); metrics must be numbers.")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise CourseInputError(
            f"{where} is {value!r}, which is not a number; metrics must be numbers, e.g. "
            "the dict returned by helpers.metrics.evaluate()."
        ) from None


def _check_same_keys(records: Sequence[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """Return the metric names of the first record; raise if another record differs.

    Each record is ``(label, metrics)``, the label saying where it came from.
    """
    first_name, first = records[0]
    keys = list(first)
    if not keys:
        raise CourseInputError(f"{first_name} has no metrics.")
    for name, metrics in records[1:]:
        if set(metrics) != set(keys):
            lacks = [k for k in keys if k not in metrics]
            extra = [k for k in metrics if k not in keys]
            parts = []
            if lacks:
                parts.append(f"lacks {lacks}")
            if extra:
                parts.append(f"has extra {extra}")
            raise CourseInputError(
                f"Inconsistent metrics: {name} {' and '.join(parts)} compared with "
                f"{first_name} ({keys}). Compute the same metrics for every model, e.g. "
                "with helpers.metrics.evaluate() and the same y_train."
            )
    return keys


def comparison_table(
    results: Mapping[str, Mapping[str, Any]] | Sequence[Mapping[str, Any]],
    sort_by: str | None = "RMSE",
    relative_to: str | None = None,
) -> pd.DataFrame:
    """Put the metrics of several models side by side, best first.

    First used in 07 §3.

    Args:
        results: ``{model name: {metric: value}}`` (e.g. values of
            :func:`helpers.metrics.evaluate`), or a list of dicts each with a
            ``"model"`` key and the metrics.
        sort_by: the metric to sort by, ascending (lower error first); ``None``
            keeps the given order.
        relative_to: a model name (usually the best baseline); adds the column
            ``"<sort_by> vs <model> (%)"``, the percentage change of ``sort_by``
            against that model (negative = better).

    Returns:
        A DataFrame indexed by model, one column per metric.

    Raises:
        CourseInputError: empty input, metrics that differ between models, an
            unknown ``sort_by`` or ``relative_to``.
    """
    if isinstance(results, Mapping):
        if not results:
            raise CourseInputError("results is empty; pass {model name: {metric: value}}.")
        records = []
        for name, metrics in results.items():
            if not isinstance(metrics, Mapping):
                raise CourseInputError(
                    f"results[{name!r}] must be a dict {{metric: value}}, got "
                    f"{type(metrics).__name__}."
                )
            records.append((f"model {name!r}", dict(metrics)))
    elif isinstance(results, Sequence) and not isinstance(results, str):
        if len(results) == 0:
            raise CourseInputError(
                "results is empty; pass a list of dicts like {'model': 'naive', 'RMSE': 3.1}."
            )
        records = []
        for i, row in enumerate(results):
            if not isinstance(row, Mapping) or "model" not in row:
                raise CourseInputError(
                    f"results[{i}] must be a dict with a 'model' key, e.g. "
                    f"{{'model': 'naive', 'RMSE': 3.1}}; got {row!r:.80}."
                )
            metrics = {k: v for k, v in row.items() if k != "model"}
            records.append((f"model {row['model']!r}", metrics))
        names = [str(row["model"]) for row in results]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise CourseInputError(
                f"Model(s) {duplicated} appear more than once. To average runs over seeds "
                "use seed_summary(runs); otherwise give each row a distinct 'model'."
            )
    else:
        raise CourseInputError(
            "results must be a dict {model name: {metric: value}} or a list of dicts with "
            f"a 'model' key, got {type(results).__name__}."
        )

    keys = _check_same_keys(records)
    if isinstance(results, Mapping):
        pairs = [(str(name), metrics) for name, metrics in results.items()]
    else:
        pairs = [(str(row["model"]), row) for row in results]
    data = {
        name: {k: _as_number(metrics[k], f"model {name!r}, metric {k!r},") for k in keys}
        for name, metrics in pairs
    }
    table = pd.DataFrame.from_dict(data, orient="index", columns=keys)
    table.index.name = "model"

    if sort_by is not None and not isinstance(sort_by, str):
        raise CourseInputError(
            f"sort_by must be one metric name such as 'RMSE' (or None), got {sort_by!r}."
        )
    if relative_to is not None and not isinstance(relative_to, str):
        raise CourseInputError(
            f"relative_to must be one model name such as 'seasonal naive', got {relative_to!r}."
        )
    if relative_to is not None and sort_by is None:
        raise CourseInputError(
            "relative_to compares the sort_by metric; set sort_by too, e.g. sort_by='RMSE'."
        )
    if sort_by is not None:
        if sort_by not in table.columns:
            raise CourseInputError(
                f"Cannot sort by {sort_by!r}: no such metric. Available: {keys}."
            )
        if relative_to is not None:
            if relative_to not in table.index:
                raise CourseInputError(
                    f"relative_to={relative_to!r} is not one of the models: {list(table.index)}."
                )
            reference = table.loc[relative_to, sort_by]
            if reference == 0 or not np.isfinite(reference):
                raise CourseInputError(
                    f"{relative_to!r} has {sort_by} = {reference}, so a percentage change "
                    "against it is undefined; compare with another model."
                )
            column = f"{sort_by} vs {relative_to} (%)"
            table[column] = (table[sort_by] / reference - 1.0) * 100.0
        table = table.sort_values(sort_by, kind="stable", na_position="last")
    return table


def seed_summary(
    runs: Sequence[Mapping[str, Any]], group: str = "model", seed_key: str = "seed"
) -> pd.DataFrame:
    """Mean and standard deviation of each metric over repeated runs (seeds) per model.

    First used in 05 §8.

    Args:
        runs: one dict per run, e.g. ``{"model": "LSTM", "seed": 1, "RMSE": 2612.0}``.
            Keys other than ``group`` and ``seed_key`` are metrics.
        group: the key that names the model.
        seed_key: the key holding the seed, ignored in the statistics (optional).

    Returns:
        One row per model, in first-seen order, with columns ``"<metric> mean"``,
        ``"<metric> std"`` (sample standard deviation, NaN for one seed) and
        ``"n seeds"``. Render it with :func:`format_mean_std`.

    >>> runs = [{"model": "LSTM", "seed": s, "RMSE": r} for s, r in [(1, 10.0), (2, 14.0)]]
    >>> seed_summary(runs).loc["LSTM"].tolist()
    [12.0, 2.8284271247461903, 2.0]
    """
    if isinstance(runs, Mapping) or not isinstance(runs, Sequence) or isinstance(runs, str):
        raise CourseInputError(
            "runs must be a list of dicts, one per run, like "
            f"{{'{group}': 'LSTM', 'seed': 1, 'RMSE': 2612.0}}; got {type(runs).__name__}."
        )
    if len(runs) == 0:
        raise CourseInputError("runs is empty; pass one dict per trained model and seed.")
    records = []
    for i, run in enumerate(runs):
        if not isinstance(run, Mapping) or group not in run:
            raise CourseInputError(
                f"runs[{i}] must be a dict with a {group!r} key naming the model; got {run!r:.80}."
            )
        metrics = {k: v for k, v in run.items() if k not in (group, seed_key)}
        records.append((f"runs[{i}] ({run[group]})", metrics))
    keys = _check_same_keys(records)
    seen: dict[tuple[str, Any], int] = {}
    for i, run in enumerate(runs):
        if seed_key in run:
            key = (str(run[group]), run[seed_key])
            if key in seen:
                raise CourseInputError(
                    f"runs[{seen[key]}] and runs[{i}] are both {group} {key[0]!r} with "
                    f"{seed_key} {key[1]!r}: the same run counted twice would shrink the "
                    "spread. Keep one row per model and seed (re-running a cell appends again: "
                    "start with runs = [] in the same cell)."
                )
            seen[key] = i
    frame = pd.DataFrame(
        [
            {
                group: str(run[group]),
                **{k: _as_number(run[k], f"runs[{i}][{k!r}]") for k in keys},
            }
            for i, run in enumerate(runs)
        ]
    )
    grouped = frame.groupby(group, sort=False)
    summary = pd.DataFrame(index=pd.Index(list(grouped.groups), name=group))
    means, stds = grouped[keys].mean(), grouped[keys].std(ddof=1)
    for k in keys:
        summary[f"{k} mean"] = means[k]
        summary[f"{k} std"] = stds[k]
    summary["n seeds"] = grouped.size()
    return summary


def _decimals(mean: float, std: float) -> int:
    """Decimals that show two significant digits of the spread (three of the mean without one)."""
    if np.isfinite(std) and std > 0:
        return max(0, 1 - math.floor(math.log10(std)))
    if np.isfinite(mean) and mean != 0:
        return max(0, 2 - math.floor(math.log10(abs(mean))))
    return 0


def mean_std(mean: float, std: float, decimals: int | None = None) -> str:
    """Render a mean and a spread as ``"2,612 ± 158"``.

    Not used in a notebook; format_mean_std() writes every cell with it.

    With ``decimals=None`` the precision shows two significant digits of ``std``.
    A NaN ``std`` (a single seed) renders the mean alone.

    >>> mean_std(2612.4, 158.2)
    '2,612 ± 158'
    >>> mean_std(0.03421, 0.00212)
    '0.0342 ± 0.0021'
    """
    mean = _as_number(mean, "mean")
    std = _as_number(std, "std")
    if std < 0:
        raise CourseInputError(
            f"std is {std}, but a standard deviation cannot be negative. Pass the spread "
            "itself (e.g. np.std(values, ddof=1)), not a difference."
        )
    if decimals is None:
        decimals = _decimals(mean, std)
    else:
        decimals = check_positive_int(decimals, "decimals", minimum=0)
    if not np.isfinite(mean):
        return "n/a"
    text = f"{mean:,.{decimals}f}"
    if np.isfinite(std):
        text += f" ± {std:,.{decimals}f}"
    return text


def format_mean_std(summary: pd.DataFrame, decimals: int | None = None) -> pd.DataFrame:
    """Turn a :func:`seed_summary` table into text columns like ``"2,612 ± 158"``.

    First used in 05 §8.

    >>> runs = [{"model": "LSTM", "seed": s, "RMSE": r} for s, r in [(1, 10.0), (2, 14.0)]]
    >>> format_mean_std(seed_summary(runs)).loc["LSTM", "RMSE"]
    '12.0 ± 2.8'

    Returns:
        One column per metric (strings) plus ``"n seeds"``, ready to show in a notebook.
    """
    if not isinstance(summary, pd.DataFrame):
        raise CourseInputError(
            f"summary must be the DataFrame returned by seed_summary, got {type(summary).__name__}."
        )
    metrics = [c[: -len(" mean")] for c in summary.columns if c.endswith(" mean")]
    missing = [f"{m} std" for m in metrics if f"{m} std" not in summary.columns]
    if not metrics or missing:
        raise CourseInputError(
            "summary needs '<metric> mean' and '<metric> std' columns, as seed_summary makes; "
            f"got {list(summary.columns)}."
        )
    out = pd.DataFrame(index=summary.index)
    for m in metrics:
        out[m] = [
            mean_std(mean, std, decimals)
            for mean, std in zip(summary[f"{m} mean"], summary[f"{m} std"], strict=True)
        ]
    if "n seeds" in summary.columns:
        out["n seeds"] = summary["n seeds"]
    return out
