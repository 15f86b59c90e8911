"""The bundled data: files, checksums, README table and the loader's errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from helpers import data
from helpers.data import DATASETS, DataFileError, load, sha256_of, verify
from helpers.validation import CourseInputError

import pandas as pd
import pytest

DATA = Path(data.__file__).resolve().parent.parent / "data"

EXPECTED = {
    # name: (rows, first, last, freq, columns)
    "wine_sales": (176, "1980-01-01", "1994-08-01", "MS", ["sales"]),
    "elec_equip": (257, "1995-01-01", "2016-05-01", "MS", ["index"]),
    "seattle_weather": (
        1461,
        "2012-01-01",
        "2015-12-31",
        "D",
        ["precipitation", "temp_max", "temp_min", "wind"],
    ),
    "us_macro": (203, "1959-01-01", "2009-07-01", "QS-JAN", None),
    "us_employment": (357, "1990-01-01", "2019-09-01", "MS", None),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_load_shape_dates_and_frequency(name):
    rows, first, last, freq, columns = EXPECTED[name]
    loaded = load(name)
    assert len(loaded) == rows
    assert loaded.index[0] == pd.Timestamp(first)
    assert loaded.index[-1] == pd.Timestamp(last)
    assert isinstance(loaded.index, pd.DatetimeIndex)
    assert loaded.index.freqstr == freq
    assert not loaded.isna().to_numpy().any()
    if columns == ["sales"] or columns == ["index"]:
        assert isinstance(loaded, pd.Series)
        assert loaded.name == columns[0]
    elif columns is not None:
        assert list(loaded.columns) == columns


def test_macro_has_growth_ingredients():
    macro = load("us_macro")
    assert {"realgdp", "realcons", "realinv"} <= set(macro.columns)
    assert "year" not in macro.columns


def test_employment_panel_is_complete_small_and_named_by_title():
    panel = load("us_employment")
    assert panel.shape[1] == 145 and panel.columns.is_unique
    assert panel.columns[0] == "Total Private"
    assert "Mining and Logging: Mining, Except Oil and Gas" in panel.columns  # quoted header
    assert (panel > 0).all().all()
    # the totals are sums of their parts (up to BLS rounding): the panel is a hierarchy
    parts = panel["Goods-Producing"] + panel["Private Service-Providing"]
    assert ((parts - panel["Total Private"]).abs() <= 2).all()
    assert (DATA / "us_employment_monthly.csv").stat().st_size < 1_000_000


def test_first_column_is_iso_date():
    for info in DATASETS.values():
        header, first_row = (DATA / info.filename).read_text().splitlines()[:2]
        assert header.split(",")[0] == "date"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", first_row.split(",")[0])


def test_checksums_readme_and_files_agree():
    sums = data.expected_checksums(DATA)
    readme = (DATA / "README.md").read_text()
    assert set(sums) == {info.filename for info in DATASETS.values()}
    for filename, digest in sums.items():
        assert sha256_of(DATA / filename) == digest, filename
        assert f"| `{filename}` | `{digest}` |" in readme, f"README checksum row for {filename}"


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    for path in DATA.iterdir():
        if path.suffix == ".csv" or path.name == "SHA256SUMS":
            shutil.copy(path, tmp_path / path.name)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    return tmp_path


def test_unknown_name_lists_the_available_ones():
    with pytest.raises(CourseInputError, match=r"Unknown dataset 'wine'.*wine_sales"):
        load("wine")


def test_file_name_given_instead_of_dataset_name_gets_a_hint():
    with pytest.raises(CourseInputError, match=r"Did you mean 'wine_sales'"):
        load("wine_sales_monthly.csv")


def test_missing_file_says_how_to_restore(data_copy):
    (data_copy / "wine_sales_monthly.csv").unlink()
    with pytest.raises(DataFileError, match=r"not found.*git checkout -- data/wine_sales_monthly.csv"):
        load("wine_sales")


def test_edited_file_is_refused(data_copy):
    path = data_copy / "elec_equip_monthly.csv"
    path.write_text(path.read_text().replace("66.19", "66.20"))
    with pytest.raises(DataFileError, match=r"was changed: its SHA-256"):
        load("elec_equip")
    assert len(load("elec_equip", check=False)) == 257  # readable when the check is off


def test_missing_checksum_list(data_copy):
    (data_copy / "SHA256SUMS").unlink()
    with pytest.raises(DataFileError, match="checksum list"):
        verify("wine_sales")


def test_gap_in_dates_is_reported(data_copy):
    path = data_copy / "wine_sales_monthly.csv"
    lines = path.read_text().splitlines()
    del lines[5]  # drop 1980-05
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataFileError, match=r"one row per MS period \(first missing: 1980-05-01\)"):
        load("wine_sales", check=False)


def test_unsorted_dates_are_reported(data_copy):
    path = data_copy / "wine_sales_monthly.csv"
    lines = path.read_text().splitlines()
    lines[2], lines[3] = lines[3], lines[2]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CourseInputError, match="not in increasing order"):
        load("wine_sales", check=False)


def test_describe_flags_a_problem(data_copy):
    (data_copy / "us_macro_quarterly.csv").unlink()
    table = data.describe()
    assert table.loc["wine_sales", "checksum"] == "ok"
    assert table.loc["us_macro", "checksum"].startswith("PROBLEM")


def test_windows_line_endings_still_verify(data_copy):
    path = data_copy / "wine_sales_monthly.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    sums = data_copy / "SHA256SUMS"
    sums.write_bytes(sums.read_bytes().replace(b"\n", b"\r\n"))
    assert b"\r\n" in path.read_bytes()
    assert verify("wine_sales") == data.expected_checksums(data_copy)["wine_sales_monthly.csv"]
    assert len(load("wine_sales")) == 176


def test_a_changed_value_with_crlf_is_still_refused(data_copy):
    path = data_copy / "wine_sales_monthly.csv"
    text = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(text.replace(b"1980-01-01,", b"1980-01-01,1", 1))
    with pytest.raises(DataFileError, match="was changed"):
        verify("wine_sales")


def test_gitattributes_keeps_data_and_notebooks_byte_exact():
    attributes = (DATA.parent / ".gitattributes").read_text().splitlines()
    for pattern in ("data/*.csv", "data/SHA256SUMS", "*.ipynb"):
        assert f"{pattern} -text" in attributes


def test_expected_checksums_accepts_a_str_path():
    assert data.expected_checksums(str(DATA)) == data.expected_checksums(DATA)


def test_malformed_checksum_line_is_named(data_copy):
    sums = data_copy / "SHA256SUMS"
    sums.write_text(sums.read_text() + "not-a-digest\n")
    with pytest.raises(DataFileError, match=r"Line 6 of .*SHA256SUMS is not '<SHA-256"):
        data.expected_checksums(data_copy)


def test_blank_cell_is_refused_even_without_the_checksum(data_copy):
    path = data_copy / "seattle_weather_daily.csv"
    lines = path.read_text().splitlines()
    cells = lines[3].split(",")
    cells[2] = ""
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataFileError, match=r"blank cell\(s\), the first in column 'temp_max'"):
        load("seattle_weather", check=False)


def test_text_in_a_number_cell_is_refused(data_copy):
    path = data_copy / "wine_sales_monthly.csv"
    lines = path.read_text().splitlines()
    lines[4] = lines[4].split(",")[0] + ",n/a?"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataFileError, match="not a number: column 'sales' on 1980-04-01"):
        load("wine_sales", check=False)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (["wine_sales"], "must be a string"),
        (None, "must be a string"),
        ("Wine Sales", "Did you mean 'wine_sales'"),
    ],
)
def test_bad_dataset_names(name, message):
    with pytest.raises(CourseInputError, match=message):
        load(name)


def test_check_must_be_a_bool():
    with pytest.raises(CourseInputError, match="check must be True or False"):
        load("wine_sales", check="no")
