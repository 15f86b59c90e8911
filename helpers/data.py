"""Load the course's bundled datasets, checking that each file is intact.

>>> from helpers.data import load
>>> sales = load("wine_sales")            # pandas Series, monthly DatetimeIndex
>>> weather = load("seattle_weather")     # pandas DataFrame, daily DatetimeIndex

The CSV files live in ``data/`` at the top of the repository (override with the
environment variable ``COURSE_DATA_DIR``). Their SHA-256 checksums are listed in
``data/SHA256SUMS``; a file that was edited by accident is refused with a
message saying how to restore it.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from helpers.validation import CourseInputError, check_index

import pandas as pd

RESTORE_HINT = "Restore it with `git checkout -- data/{file}` (or re-clone the course)."


class DataFileError(CourseInputError):
    """A data file is missing, was edited, or its dates are not what the course expects."""


@dataclass(frozen=True)
class DatasetInfo:
    """What the loader knows about one bundled dataset."""

    name: str
    filename: str
    freq: str
    description: str
    column: str | None = None  # set for one-column datasets, which load as a Series


DATASETS: dict[str, DatasetInfo] = {
    info.name: info
    for info in [
        DatasetInfo(
            "wine_sales",
            "wine_sales_monthly.csv",
            "MS",
            "Australian wine sales, monthly 1980-01..1994-08",
            column="sales",
        ),
        DatasetInfo(
            "elec_equip",
            "elec_equip_monthly.csv",
            "MS",
            "Euro-area electrical equipment turnover index, monthly 1995-01..2016-05",
            column="index",
        ),
        DatasetInfo(
            "seattle_weather",
            "seattle_weather_daily.csv",
            "D",
            "Seattle daily precipitation, temp_max, temp_min, wind, 2012-2015",
        ),
        DatasetInfo(
            "us_macro",
            "us_macro_quarterly.csv",
            "QS-JAN",
            "US quarterly macroeconomic data, 1959Q1..2009Q3",
        ),
    ]
}


def data_dir() -> Path:
    """The folder holding the CSV files: ``$COURSE_DATA_DIR`` or the repository's ``data/``."""
    override = os.environ.get("COURSE_DATA_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "data"


def _info(name: str) -> DatasetInfo:
    if name not in DATASETS:
        known = ", ".join(sorted(DATASETS))
        hint = ""
        for candidate in DATASETS.values():
            if name == candidate.filename or name == Path(candidate.filename).stem:
                hint = f" Did you mean {candidate.name!r}?"
        raise CourseInputError(f"Unknown dataset {name!r}. Available: {known}.{hint}")
    return DATASETS[name]


def expected_checksums(directory: Path | None = None) -> dict[str, str]:
    """Read ``SHA256SUMS`` into ``{filename: hex digest}``."""
    path = (directory or data_dir()) / "SHA256SUMS"
    if not path.exists():
        raise DataFileError(
            f"The checksum list {path} is missing. " + RESTORE_HINT.format(file="SHA256SUMS")
        )
    sums = {}
    for line in path.read_text().splitlines():
        if line.strip():
            digest, filename = line.split(maxsplit=1)
            sums[filename.strip().lstrip("*")] = digest
    return sums


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dataset_path(name: str) -> Path:
    """Path of a dataset's CSV file (it may not exist)."""
    return data_dir() / _info(name).filename


def verify(name: str) -> str:
    """Check that a dataset's file exists and matches its checksum; return the digest."""
    info = _info(name)
    path = data_dir() / info.filename
    if not path.exists():
        raise DataFileError(
            f"Data file for {name!r} not found at {path}. The course ships it in data/; "
            + RESTORE_HINT.format(file=info.filename)
            + " If you moved the data folder, set COURSE_DATA_DIR to its new location."
        )
    expected = expected_checksums(path.parent).get(info.filename)
    actual = sha256_of(path)
    if expected is None:
        raise DataFileError(f"{info.filename} is not listed in {path.parent / 'SHA256SUMS'}.")
    if actual != expected:
        raise DataFileError(
            f"{path} was changed: its SHA-256 is {actual[:12]}..., expected {expected[:12]}.... "
            + RESTORE_HINT.format(file=info.filename)
            + " To work on a modified copy, save it under another name and read it with pandas."
        )
    return actual


def load(name: str, *, check: bool = True) -> pd.Series | pd.DataFrame:
    """Load a bundled dataset with a ``DatetimeIndex`` whose frequency is set.

    Args:
        name: one of ``wine_sales``, ``elec_equip`` (returned as a ``Series``),
            ``seattle_weather`` or ``us_macro`` (returned as a ``DataFrame``).
        check: verify the file's SHA-256 first (default). Only tests turn this off.

    Raises:
        CourseInputError: the name is unknown.
        DataFileError: the file is missing, was edited, or its dates have gaps.
    """
    info = _info(name)
    if check:
        verify(name)
    path = data_dir() / info.filename
    if not path.exists():
        raise DataFileError(f"Data file for {name!r} not found at {path}.")
    frame = pd.read_csv(path, parse_dates=["date"], index_col="date")
    check_index(frame.index, name=info.filename)
    full = pd.date_range(frame.index[0], frame.index[-1], freq=info.freq)
    if len(full) != len(frame) or not full.equals(frame.index):
        missing = full.difference(frame.index)
        where = f" (first missing: {missing[0].date()})" if len(missing) else ""
        raise DataFileError(
            f"{info.filename} does not have one row per {info.freq} period{where}. "
            + RESTORE_HINT.format(file=info.filename)
        )
    frame.index = full
    frame.index.name = "date"
    if info.column is not None:
        series = frame[info.column].astype("float64")
        series.name = info.column
        return series
    return frame.astype("float64")


def describe() -> pd.DataFrame:
    """One row per dataset: file, rows, first and last date, frequency, checksum status."""
    rows = []
    for name, info in DATASETS.items():
        path = data_dir() / info.filename
        try:
            verify(name)
            status = "ok"
            data = load(name, check=False)
            rows.append(
                {
                    "dataset": name,
                    "file": info.filename,
                    "rows": len(data),
                    "first": data.index[0].date(),
                    "last": data.index[-1].date(),
                    "freq": info.freq,
                    "checksum": status,
                }
            )
        except DataFileError as err:
            rows.append({"dataset": name, "file": str(path.name), "checksum": f"PROBLEM: {err}"})
    return pd.DataFrame(rows).set_index("dataset")
