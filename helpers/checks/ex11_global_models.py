"""Checks for exercise 11: one network for many series.

The exercise works on eight of the US employment series (``helpers.data.load("us_employment")``):
scale each series by the mean of its own training part (up to 2016-09), cut windows from
every series without crossing from one into the next (with each window's series number),
turn a global network's scaled forecast back into thousands of employees per series,
and score it with MASE per series and its mean.

Each check recomputes the expected answer from the data file and from the student's own
objects, and recognises the usual mistakes: a scale computed on the whole series (a
leak), one scale for all series, windows that run from one series into the next or
whose labels reach past the training period, a forecast multiplied by another series'
scale, a MASE scaled by the test period's own errors or pooled across series.
"""

from __future__ import annotations

from typing import Any

from helpers.checks import Wrong, as_array, as_number, check, require

import numpy as np
import pandas as pd

EXERCISE = "11_global_models"

SERIES = ["Construction", "Retail Trade", "Leisure and Hospitality", "Utilities", "Information",
          "Durable Goods: Wood Products", "Nondurable Goods: Food Manufacturing",
          "All Employees, Temporary Help Services"]
TRAIN_END = pd.Timestamp("2016-09-01")
WINDOW, HORIZON, SEASON = 24, 12, 12


def panel() -> pd.DataFrame:
    """The eight series of the exercise, 1990-01 .. 2019-09."""
    from helpers.data import load

    return load("us_employment")[SERIES]


def train_part() -> pd.DataFrame:
    """The training months, up to and including TRAIN_END."""
    return panel().loc[:TRAIN_END]


def test_part() -> pd.DataFrame:
    """The twelve months after TRAIN_END."""
    return panel().loc[TRAIN_END + pd.DateOffset(months=1):].iloc[:HORIZON]


def reference_scales() -> pd.Series:
    """Each series' mean over its training months."""
    return train_part().mean()


def _per_series(value: Any, name: str, what: str) -> np.ndarray:
    """One number per series, in the order of SERIES, from a Series, dict, array or one-row frame."""
    if isinstance(value, pd.DataFrame):
        if len(value) != 1:
            raise Wrong(f"`{name}` is a DataFrame with {len(value)} rows; give one {what} per "
                        "series, e.g. a pandas Series indexed by the series' names.")
        value = value.iloc[0]
    if isinstance(value, dict):
        value = pd.Series(value)
    if isinstance(value, pd.Series) and not pd.api.types.is_integer_dtype(value.index):
        missing = [s for s in SERIES if s not in value.index]
        if missing:
            raise Wrong(f"`{name}` has no entry for {missing[0]!r}: give one {what} per series, "
                        "indexed by the column names of `panel`.")
        value = value[SERIES]
    array = as_array(value, name).ravel()
    if array.size == 1:
        raise Wrong(f"`{name}` is a single number: that is one {what} for all eight series. "
                    f"Compute one per series (a pandas Series: one {what} per column).")
    if array.size != len(SERIES):
        raise Wrong(f"`{name}` has {array.size} values; give one {what} per series "
                    f"({len(SERIES)}), in the order of panel's columns.")
    return array


# ---------------------------------------------------------------------------
# Task 1 · per-series scaling
# ---------------------------------------------------------------------------


@check(EXERCISE, 1)
def check_scaling(scales: Any, scaled_train: Any) -> str:
    """Task 1: each series' training mean, and the training months divided by it."""
    require(scales, "scales")
    require(scaled_train, "scaled_train")
    got = _per_series(scales, "scales", "scale")
    train, whole = train_part(), panel()
    expected = train.mean().to_numpy()
    if np.allclose(got, got[0]) and not np.allclose(expected, expected[0]):
        raise Wrong("every series got the same scale: that is one global scaler, and the large "
                    "series would dominate the loss. Divide each series by its OWN training mean.")
    if np.allclose(got, whole.mean().to_numpy()):
        raise Wrong("these are the means of the WHOLE series, test months included: a leak. "
                    "Use only the training months, panel.loc[:TRAIN_END].mean().")
    if np.allclose(got, train.std().to_numpy()) or np.allclose(got, train.std(ddof=0).to_numpy()):
        raise Wrong("these are standard deviations; mean scaling divides by each series' mean.")
    if np.allclose(got, train.iloc[:-1].mean().to_numpy(), rtol=1e-9) or np.allclose(
            got, train.iloc[:-HORIZON].mean().to_numpy(), rtol=1e-9):
        raise Wrong("the scale leaves out the last training months: use every month up to and "
                    "including TRAIN_END (.loc includes its end).")
    if not np.allclose(got, expected, rtol=1e-6):
        raise Wrong("`scales` is not each series' mean over its training months "
                    f"(up to {TRAIN_END:%Y-%m}): use panel.loc[:TRAIN_END].mean().")
    values = as_array(scaled_train, "scaled_train")
    if values.shape == (len(SERIES), len(train)):
        values = values.T
    if values.shape == (len(whole), len(SERIES)):
        raise Wrong("`scaled_train` covers all months: keep only the training months "
                    f"(up to {TRAIN_END:%Y-%m}).")
    if values.shape != (len(train), len(SERIES)):
        raise Wrong(f"`scaled_train` has shape {values.shape}; expected the {len(train)} training "
                    f"months x {len(SERIES)} series.")
    if isinstance(scaled_train, pd.DataFrame) and list(scaled_train.columns) != SERIES:
        raise Wrong("`scaled_train` has its columns in another order than `panel`; keep panel's order.")
    if np.allclose(values, train.to_numpy()):
        raise Wrong("`scaled_train` is still in thousands of employees: divide by the scales.")
    if not np.allclose(values, train.to_numpy() / expected, rtol=1e-5):
        raise Wrong("`scaled_train` is not the training months divided by each series' scale: "
                    "panel.loc[:TRAIN_END] / scales divides every column by its own scale.")
    return (f"each of the {len(SERIES)} series divided by its own training mean "
            f"(from {expected.min():,.0f} to {expected.max():,.0f} thousand).")


# ---------------------------------------------------------------------------
# Task 2 · global windows with a series identifier
# ---------------------------------------------------------------------------


def _all_windows(scaled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every allowed (inputs + labels) window of every series, and its series number."""
    n = len(scaled) - WINDOW - HORIZON + 1
    steps = np.arange(n)[:, None] + np.arange(WINDOW + HORIZON)
    windows = np.concatenate([scaled[steps, s] for s in range(scaled.shape[1])])
    return windows, np.repeat(np.arange(scaled.shape[1]), n)


def _match(windows: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """For each window, the row of ``reference`` it equals (float32 rounding allowed), or -1."""
    order = np.argsort(reference[:, 0], kind="stable")
    firsts = reference[order, 0]
    low = np.searchsorted(firsts, windows[:, 0] - 1e-4, side="left")
    high = np.searchsorted(firsts, windows[:, 0] + 1e-4, side="right")
    found = np.full(len(windows), -1)
    for i, (lo, hi) in enumerate(zip(low, high, strict=True)):
        for row in order[lo:hi]:
            if np.abs(windows[i] - reference[row]).max() <= 1e-4:
                found[i] = row
                break
    return found


def _series_numbers(ids: Any, n: int) -> np.ndarray:
    if isinstance(ids, (pd.Series, pd.Index)):
        ids = ids.to_numpy()
    ids = np.asarray(ids).ravel()
    if ids.size != n:
        raise Wrong(f"`ids` has {ids.size} entries but there are {n} windows: one series "
                    "identifier per window.")
    if ids.dtype.kind in "OUS":
        unknown = sorted({str(i) for i in ids} - set(SERIES))
        if unknown:
            raise Wrong(f"`ids` holds {unknown[0]!r}, which is not one of the series' names.")
        return np.array([SERIES.index(str(i)) for i in ids])
    if ids.dtype.kind not in "iuf" or not np.all(np.equal(np.mod(ids, 1), 0)):
        raise Wrong("`ids` should hold each window's series: its column number (0..7) or name.")
    ids = ids.astype(int)
    if ids.min() < 0 or ids.max() >= len(SERIES):
        raise Wrong(f"`ids` runs from {ids.min()} to {ids.max()}; series numbers are 0..7, the "
                    "column positions in `panel`.")
    return ids


@check(EXERCISE, 2)
def check_windows(X: Any, y: Any, ids: Any) -> str:
    """Task 2: 24-month windows and 12-month labels from every series, never across two."""
    require(X, "X")
    require(y, "y")
    require(ids, "ids")
    scaled = (train_part() / reference_scales()).to_numpy()
    X, y = as_array(X, "X"), as_array(y, "y")
    if X.ndim == 3 and X.shape[2] == 1:
        X = X[:, :, 0]
    if X.ndim != 2 or X.shape[1] != WINDOW:
        raise Wrong(f"`X` has shape {X.shape}; expected (windows, {WINDOW}) or (windows, {WINDOW}, 1): "
                    f"{WINDOW} months of one series per window.")
    if y.ndim == 3 and y.shape[2] == 1:
        y = y[:, :, 0]
    if y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1):
        raise Wrong(f"`y` has one label per window; each window needs the next {HORIZON} months.")
    if y.ndim != 2 or y.shape[1] != HORIZON or len(y) != len(X):
        raise Wrong(f"`y` has shape {y.shape}; expected ({len(X)}, {HORIZON}).")
    per_series = len(scaled) - WINDOW - HORIZON + 1
    reference, owner = _all_windows(scaled)
    rows = _match(np.concatenate([X, y], axis=1), reference)
    if (rows < 0).all():
        raise Wrong("no window matches `scaled_train`: cut the windows from the scaled training "
                    "months (each series divided by its own training mean), not from raw, "
                    "standardised or shuffled values.")
    unmatched = np.flatnonzero(rows < 0)
    if len(unmatched):
        i = unmatched[0]
        whole, _ = _all_windows((panel() / reference_scales()).to_numpy())
        if _match(np.concatenate([X, y], axis=1)[i : i + 1], whole)[0] >= 0:
            raise Wrong(f"window {i} has labels after {TRAIN_END:%Y-%m}, in the test months: a "
                        f"leak. Cut the windows from the training months only (stop at "
                        f"{TRAIN_END:%Y-%m}).")
        if len(X) > len(SERIES) * per_series and len(X) <= len(SERIES) * per_series + 10 * (WINDOW + HORIZON):
            raise Wrong(f"window {i} runs from the end of one series into the start of the next: "
                        "cut the windows from each series separately, then stack them.")
        raise Wrong(f"window {i} (inputs and labels together) is not {WINDOW + HORIZON} "
                    "consecutive training months of one scaled series. If you cut the whole "
                    f"panel, stop at {TRAIN_END:%Y-%m}: no label may lie after the training months.")
    if len(X) > len(SERIES) * per_series:
        raise Wrong("some windows appear twice: cut each series once.")
    if len(set(rows.tolist())) < len(SERIES) * per_series:
        missing = len(SERIES) * per_series - len(set(rows.tolist()))
        raise Wrong(f"{missing} possible windows are missing: cut every start position of every "
                    f"series ({per_series} per series, {len(SERIES) * per_series} in all).")
    numbers = _series_numbers(ids, len(X))
    wrong_id = np.flatnonzero(owner[rows] != numbers)
    if len(wrong_id):
        i = wrong_id[0]
        raise Wrong(f"window {i} comes from {SERIES[owner[rows[i]]]!r} but `ids` says "
                    f"{SERIES[numbers[i]]!r}: each window's id must be its own series.")
    return (f"{len(X):,} windows, {per_series} from each of the {len(SERIES)} series, none "
            "crossing from one series into the next, each labelled with its series.")


# ---------------------------------------------------------------------------
# Task 3 · back to thousands of employees, per series
# ---------------------------------------------------------------------------


@check(EXERCISE, 3)
def check_back_transform(forecast: Any, scaled_forecast: Any) -> str:
    """Task 3: ``forecast`` = the network's scaled forecast times each series' own scale."""
    require(forecast, "forecast")
    scaled_forecast = as_array(require(scaled_forecast, "scaled_forecast"), "scaled_forecast")
    if scaled_forecast.shape != (len(SERIES), HORIZON):
        raise Wrong("re-run the given cell that computes `scaled_forecast`.")
    scales = reference_scales().to_numpy()
    expected = scaled_forecast * scales[:, None]                     # (series, months)
    if isinstance(forecast, pd.DataFrame):
        if list(forecast.columns) != SERIES:
            raise Wrong("`forecast` should have the series as columns, in panel's order.")
        if not forecast.index.equals(test_part().index):
            raise Wrong(f"`forecast`'s index should be the 12 months after {TRAIN_END:%Y-%m} "
                        f"({test_part().index[0]:%Y-%m} .. {test_part().index[-1]:%Y-%m}).")
        got = forecast.to_numpy(dtype="float64").T
    else:
        got = as_array(forecast, "forecast")
        if got.shape == (HORIZON, len(SERIES)) and HORIZON != len(SERIES):
            got = got.T
    if got.shape != expected.shape:
        raise Wrong(f"`forecast` has shape {got.shape}; expected {HORIZON} months for each of "
                    f"the {len(SERIES)} series.")
    if np.allclose(got, scaled_forecast):
        raise Wrong("`forecast` is still scaled (around 1): multiply each series by its scale.")
    if np.allclose(got, scaled_forecast / scales[:, None]):
        raise Wrong("you divided by the scales again; to undo the scaling, multiply.")
    if np.allclose(got, scaled_forecast * scales.mean()):
        raise Wrong("every series was multiplied by the same number: use each series' own scale.")
    if not np.allclose(got, expected, rtol=1e-5):
        ratio = got / scaled_forecast
        for row in range(len(SERIES)):
            other = np.flatnonzero(np.isclose(ratio[row, 0], scales, rtol=1e-5))
            if len(other) and other[0] != row:
                raise Wrong(f"the row of {SERIES[row]!r} was multiplied by the scale of "
                            f"{SERIES[other[0]]!r}: keep the scales in the order of the rows "
                            "(the order of panel's columns).")
        raise Wrong("`forecast` is not scaled_forecast times each series' scale.")
    return "the global forecast is back in thousands of employees, series by series."


# ---------------------------------------------------------------------------
# Task 4 · MASE per series and its mean
# ---------------------------------------------------------------------------


def _mase_parts(forecast_rows: np.ndarray) -> dict[str, np.ndarray]:
    """Per-series MASE and the usual wrong variants, for a (series, months) forecast."""
    train, truth = train_part().to_numpy(), test_part().to_numpy().T
    abs_err = np.abs(truth - forecast_rows)
    scale = np.abs(train[SEASON:] - train[:-SEASON]).mean(axis=0)
    return {
        "right": abs_err.mean(axis=1) / scale,
        "season 1": abs_err.mean(axis=1) / np.abs(np.diff(train, axis=0)).mean(axis=0),
        "test scale": abs_err.mean(axis=1) / np.abs(truth - train[-SEASON:].T).mean(axis=1),
        "mae": abs_err.mean(axis=1),
        "rmsse": np.sqrt(((truth - forecast_rows) ** 2).mean(axis=1))
        / np.sqrt(((train[SEASON:] - train[:-SEASON]) ** 2).mean(axis=0)),
    }


@check(EXERCISE, 4)
def check_mase(mase_per_series: Any, mase_mean: Any, forecast: Any) -> str:
    """Task 4: MASE of ``forecast`` for each series (seasonal naive scale on the training
    months), and their mean."""
    require(mase_per_series, "mase_per_series")
    require(mase_mean, "mase_mean")
    require(forecast, "forecast")
    rows = (forecast.to_numpy(dtype="float64").T if isinstance(forecast, pd.DataFrame)
            else as_array(forecast, "forecast"))
    if rows.shape == (HORIZON, len(SERIES)) and HORIZON != len(SERIES):
        rows = rows.T
    if rows.shape != (len(SERIES), HORIZON):
        raise Wrong("solve task 3 first: `forecast` must hold 12 months for each of the 8 series.")
    parts = _mase_parts(rows)
    mean = as_number(mase_mean, "mase_mean")
    pooled = (np.abs(test_part().to_numpy().T - rows).mean()
              / np.abs(train_part().diff(SEASON).dropna().to_numpy()).mean())
    if np.isclose(mean, pooled, rtol=1e-6) and not np.isclose(mean, parts["right"].mean()):
        raise Wrong("`mase_mean` pools the errors of all series before scaling, so the largest "
                    "series decide it. Scale each series by its own error first, then average.")
    got = _per_series(mase_per_series, "mase_per_series", "MASE")
    for label, hint in [
        ("test scale", "the scale uses the test months' own errors: a leak. Scale by the seasonal "
                       "naive error on the TRAINING months, mean(|y[t] - y[t-12]|)."),
        ("season 1", "the scale compares each month with the month before (season 1); the course's "
                     "MASE for monthly data compares with the same month a year earlier (season 12)."),
        ("mae", "these are mean absolute errors in thousands, not scaled: divide each by its "
                "series' seasonal naive error on the training months."),
        ("rmsse", "this is the RMSSE (squared errors); MASE uses absolute errors."),
    ]:
        if np.allclose(got, parts[label], rtol=1e-5) and not np.allclose(got, parts["right"], rtol=1e-5):
            raise Wrong(hint)
    if not np.allclose(got, parts["right"], rtol=1e-5):
        raise Wrong("`mase_per_series` is not each series' MAE over the test months divided by its "
                    "seasonal naive MAE (season 12) on the training months.")
    if np.isclose(mean, np.median(got), rtol=1e-6) and not np.isclose(mean, got.mean(), rtol=1e-6):
        raise Wrong("`mase_mean` is the median; the task asks for the mean over series.")
    if not np.isclose(mean, got.mean(), rtol=1e-6):
        raise Wrong(f"`mase_mean` is {mean:.4f}, but the mean of your per-series MASE is "
                    f"{got.mean():.4f}.")
    return (f"MASE from {got.min():.2f} to {got.max():.2f} across the {len(SERIES)} series, "
            f"mean {got.mean():.2f}.")
