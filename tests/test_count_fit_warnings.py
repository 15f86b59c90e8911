"""helpers.baselines.count_fit_warnings: one line per kind of FitWarning, nothing hidden."""

from __future__ import annotations

import warnings

from helpers.baselines import FitWarning, count_fit_warnings, rolling_origin, varmax_forecast
from helpers.data import load
from helpers.validation import CourseInputError

import pytest


def test_counts_each_message_once_and_prints_one_line_per_kind():
    lines = []
    with count_fit_warnings(fits=5, print_fn=lines.append) as counts:
        for i in range(5):
            warnings.warn("did not converge", FitWarning, stacklevel=1)
            if i % 2 == 0:
                warnings.warn("not identified", FitWarning, stacklevel=1)
    assert counts == {"did not converge": 5, "not identified": 3}
    assert lines == ["FitWarning in 5 of 5 fits: did not converge",
                     "FitWarning in 3 of 5 fits: not identified"]


def test_no_fit_warning_prints_nothing():
    lines = []
    with count_fit_warnings(fits=2, print_fn=lines.append) as counts:
        pass
    assert counts == {} and lines == []


def test_other_warnings_are_reissued_unchanged():
    lines = []
    with warnings.catch_warnings(record=True) as outer:
        warnings.simplefilter("always")
        with count_fit_warnings(fits=1, print_fn=lines.append):
            warnings.warn("a pandas change is coming", FutureWarning, stacklevel=1)
            warnings.warn("stopped early", FitWarning, stacklevel=1)
    assert [(w.category, str(w.message)) for w in outer] == [(FutureWarning, "a pandas change is coming")]
    assert lines == ["FitWarning in 1 of 1 fits: stopped early"]


def test_counts_real_varmax_warnings_in_a_backtest():
    growth = load("us_macro")[["realgdp", "realcons"]].pct_change().dropna() * 100
    lines = []
    with count_fit_warnings(fits=2, print_fn=lines.append) as counts:
        folds = rolling_origin(growth.iloc[-60:], varmax_forecast, 1, origins=2,
                               order=(1, 1), maxiter=3)
    assert len(folds) == 2
    assert counts and all(count == 2 for count in counts.values())  # each fit warns alike
    assert len(lines) == len(counts) and all(line.startswith("FitWarning in 2 of 2 fits: ")
                                             for line in lines)


@pytest.mark.parametrize("fits", [0, -1, 2.5, "3", None, True])
def test_bad_fits_is_a_clear_error(fits):
    with pytest.raises(CourseInputError, match="fits"):
        with count_fit_warnings(fits=fits):
            pass


def test_bad_print_fn_is_a_clear_error():
    with pytest.raises(CourseInputError, match="print_fn"):
        with count_fit_warnings(fits=1, print_fn="print"):
            pass
