"""Load the course's bundled datasets, checking that each file is intact.

>>> from helpers.data import load
>>> sales = load("wine_sales")            # pandas Series, monthly DatetimeIndex
>>> weather = load("seattle_weather")     # pandas DataFrame, daily DatetimeIndex
>>> load("us_employment").shape           # 145 monthly series, one column each
(357, 145)

The CSV files live in ``data/`` at the top of the repository (override with the
environment variable ``COURSE_DATA_DIR``). Their SHA-256 checksums are listed in
``data/SHA256SUMS``; a file that was edited by accident is refused with a
message saying how to restore it. The checksum is taken over the text with
Windows line endings (CRLF) turned into LF, so a checkout made by Git for
Windows with ``core.autocrlf`` still verifies (``.gitattributes`` also asks Git
to keep the files byte-exact).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from helpers.validation import CourseInputError, check_index

import pandas as pd

__all__ = ["DataFileError", "describe", "expected_checksums", "load", "sha256_of", "verify"]

RESTORE_HINT = "Restore it with `git checkout -- data/{file}` (or re-clone the course)."


class DataFileError(CourseInputError):
    """A data file is missing, was edited, or its dates are not what the course expects.

    Not used in a notebook; load() and verify() raise it when a data file is missing or changed.
    """


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
        DatasetInfo(
            "us_employment",
            "us_employment_monthly.csv",
            "MS",
            "US employees by industry (145 BLS series, thousands), monthly 1990-01..2019-09",
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
    if not isinstance(name, str):
        raise CourseInputError(
            f"The dataset name must be a string such as 'wine_sales', got {name!r}. "
            f"Available: {', '.join(sorted(DATASETS))}."
        )
    if name not in DATASETS:
        known = ", ".join(sorted(DATASETS))
        hint = ""
        for candidate in DATASETS.values():
            spelled = name.strip().lower().replace("-", "_").replace(" ", "_")
            if spelled in (candidate.name, candidate.filename, Path(candidate.filename).stem):
                hint = f" Did you mean {candidate.name!r}?"
        raise CourseInputError(f"Unknown dataset {name!r}. Available: {known}.{hint}")
    return DATASETS[name]


def expected_checksums(directory: Path | str | None = None) -> dict[str, str]:
    """Read ``SHA256SUMS`` into ``{filename: hex digest}``.

    Not used in a notebook; verify() and the tests read the recorded checksums through it.

    Args:
        directory: the folder holding ``SHA256SUMS`` (a ``Path`` or a string);
            the data folder by default.

    Raises:
        DataFileError: the list is missing or a line is not ``<64 hex digits>  <file name>``.
    """
    path = Path(directory if directory is not None else data_dir()) / "SHA256SUMS"
    if not path.exists():
        raise DataFileError(
            f"The checksum list {path} is missing. " + RESTORE_HINT.format(file="SHA256SUMS")
        )
    sums = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(maxsplit=1)
        digest = parts[0].lower()
        if len(parts) != 2 or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise DataFileError(
                f"Line {number} of {path} is not '<SHA-256 as 64 hex digits>  <file name>': "
                f"{line.strip()[:80]!r}. " + RESTORE_HINT.format(file="SHA256SUMS")
            )
        sums[parts[1].strip().lstrip("*")] = digest
    return sums


def sha256_of(path: Path | str, *, normalise_newlines: bool = False) -> str:
    """Hex SHA-256 of a file's bytes.

    Not used in a notebook; verify() and the tests hash the data files with it.

    With ``normalise_newlines=True`` Windows line endings (CRLF) count as LF, so a
    text file checked out with ``core.autocrlf`` has the same digest as the original.
    """
    content = Path(path).read_bytes()
    if normalise_newlines:
        content = content.replace(b"\r\n", b"\n")
    return hashlib.sha256(content).hexdigest()


def dataset_path(name: str) -> Path:
    """Path of a dataset's CSV file (it may not exist)."""
    return data_dir() / _info(name).filename


def verify(name: str) -> str:
    """Check that a dataset's file exists and matches its checksum; return the digest.

    Not used in a notebook; load() calls it on every load, and describe() for every dataset.
    """
    info = _info(name)
    path = data_dir() / info.filename
    if not path.exists():
        raise DataFileError(
            f"Data file for {name!r} not found at {path}. The course ships it in data/; "
            + RESTORE_HINT.format(file=info.filename)
            + " If you moved the data folder, set COURSE_DATA_DIR to its new location."
        )
    expected = expected_checksums(path.parent).get(info.filename)
    actual = sha256_of(path, normalise_newlines=True)
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

    First used in 00 §3. Taught in 07 §1.

    Args:
        name: one of ``wine_sales``, ``elec_equip`` (returned as a ``Series``),
            ``seattle_weather``, ``us_macro`` or ``us_employment`` (returned as a
            ``DataFrame``; ``us_employment`` has one column per industry series).
        check: verify the file's SHA-256 first (default). Only tests turn this off.

    Raises:
        CourseInputError: the name is unknown.
        DataFileError: the file is missing, was edited, or its dates have gaps.
    """
    info = _info(name)
    if not isinstance(check, bool):
        raise CourseInputError(f"check must be True or False, got {check!r}.")
    if check:
        verify(name)
    path = data_dir() / info.filename
    if not path.exists():
        raise DataFileError(f"Data file for {name!r} not found at {path}.")
    try:
        frame = pd.read_csv(path, parse_dates=["date"], index_col="date")
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DataFileError(
            f"{info.filename} cannot be read as the course's CSV (a 'date' column and "
            f"numbers): {err}. " + RESTORE_HINT.format(file=info.filename)
        ) from None
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise DataFileError(
            f"{info.filename} has entries in its date column that are not dates. "
            + RESTORE_HINT.format(file=info.filename)
        )
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
        frame = frame[[info.column]]
    values = frame.apply(pd.to_numeric, errors="coerce")
    broken = values.isna() & frame.notna()
    if broken.any().any():
        column = broken.any().idxmax()
        date = broken[column].idxmax()
        raise DataFileError(
            f"{info.filename} has a cell that is not a number: column {column!r} on "
            f"{date.date()} holds {frame.loc[date, column]!r}. "
            + RESTORE_HINT.format(file=info.filename)
        )
    if values.isna().any().any():
        column = values.isna().any().idxmax()
        date = values[column].isna().idxmax()
        raise DataFileError(
            f"{info.filename} has {int(values.isna().sum().sum())} blank cell(s), the first in "
            f"column {column!r} on {date.date()}; the course's data has none. "
            + RESTORE_HINT.format(file=info.filename)
        )
    frame = values.astype("float64")
    if info.column is not None:
        series = frame[info.column]
        series.name = info.column
        return series
    return frame


def describe() -> pd.DataFrame:
    """One row per dataset: file, rows, first and last date, frequency, checksum status.

    First used in 00 §3.
    """
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
