"""Is a gap between two forecasts larger than the test period's own noise?

Two models scored on the same 36 months differ by a few per cent. Retrain with other seeds
and the gap moves (seed noise); score on another 36 months and it moves too (sample noise),
usually by more, because consecutive errors of a forecast are correlated and a short test
period holds few independent pieces of evidence. Two tools answer the question from the
losses of the two forecasts at the same time points:

- :func:`diebold_mariano`: the Diebold-Mariano test of equal accuracy, with a long-run
  (HAC) variance for h-step forecasts and the Harvey-Leybourne-Newbold small-sample
  correction;
- :func:`loss_differential_bootstrap`: a moving-block bootstrap interval for the mean loss
  difference, which keeps neighbouring errors together.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> truth = rng.normal(size=200)
>>> good, bad = truth + rng.normal(0, 1.0, 200), truth + rng.normal(0, 1.5, 200)
>>> result = diebold_mariano(squared_errors(truth, good), squared_errors(truth, bad))
>>> result.mean_diff < 0, result.p_value < 0.01
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from helpers.validation import CourseInputError, as_float_array, check_no_nans, check_positive_int

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["BootstrapResult", "DMResult", "absolute_errors", "diebold_mariano",
           "loss_differential_bootstrap", "squared_errors"]


def _errors(y_true: Any, y_pred: Any) -> Any:
    from helpers.metrics import _pair  # metrics re-exports this module: import late

    true, pred = _pair(y_true, y_pred)
    errors = true - pred
    pandas = pd.Series | pd.DataFrame
    index = next((v.index for v in (y_true, y_pred) if isinstance(v, pandas)), None)
    if errors.ndim == 1 and index is not None and len(index) == len(errors):
        return pd.Series(errors, index=index)
    return errors


def squared_errors(y_true: Any, y_pred: Any) -> Any:
    """Squared forecast errors at each time point, for :func:`diebold_mariano`.

    First used in 07 §6. The truth and the forecast are checked as
    :func:`helpers.metrics.rmse` checks them (same dates, same shape, no NaN); a
    Series keeps its dates.

    >>> squared_errors([1.0, 2.0, 3.0], [1.0, 0.0, 4.0]).tolist()
    [0.0, 4.0, 1.0]
    """
    return _errors(y_true, y_pred) ** 2


def absolute_errors(y_true: Any, y_pred: Any) -> Any:
    """Absolute forecast errors at each time point (the loss behind MAE).

    First used in 08 §10.

    >>> absolute_errors([1.0, 2.0, 3.0], [1.0, 0.0, 4.0]).tolist()
    [0.0, 2.0, 1.0]
    """
    return abs(_errors(y_true, y_pred))


def _differential(loss_a: Any, loss_b: Any) -> np.ndarray:
    """The loss difference a - b per time point (per origin for a 2-D input)."""
    pandas = pd.Series | pd.DataFrame
    if isinstance(loss_a, pandas) and isinstance(loss_b, pandas):
        if not loss_a.index.equals(loss_b.index):
            raise CourseInputError(
                "loss_a and loss_b are indexed by different dates or labels, so the losses "
                "would be paired wrongly. Compute both on the same time points, e.g. "
                "loss_b = loss_b.loc[loss_a.index]."
            )
    a = as_float_array(loss_a, "loss_a")
    b = as_float_array(loss_b, "loss_b")
    if a.shape != b.shape:
        raise CourseInputError(
            f"loss_a has shape {a.shape} but loss_b has shape {b.shape}: pass the losses of "
            "the two forecasts at the same time points."
        )
    if a.ndim not in (1, 2):
        raise CourseInputError(
            f"Pass 1-D losses (one per time point) or 2-D losses (origins x steps); got "
            f"{a.ndim} dimensions."
        )
    check_no_nans(a, "loss_a")
    check_no_nans(b, "loss_b")
    if np.any(a < 0) or np.any(b < 0):
        raise CourseInputError(
            "Losses are never negative; you probably passed errors (truth - forecast). Square "
            "them or take their absolute value first: squared_errors(truth, forecast)."
        )
    d = a - b
    return d.mean(axis=1) if d.ndim == 2 else d


def _long_run_variance(d: np.ndarray, lags: int) -> float:
    """HAC variance of the mean's numerator: rectangular kernel, Bartlett if not positive."""
    n = len(d)
    centred = d - d.mean()
    gammas = [float(centred[k:] @ centred[: n - k]) / n for k in range(lags + 1)]
    variance = gammas[0] + 2 * sum(gammas[1:])
    if variance <= 0:  # the rectangular kernel can go negative; Bartlett cannot
        variance = gammas[0] + 2 * sum((1 - k / (lags + 1)) * g for k, g in enumerate(gammas) if k)
    return variance


@dataclass(frozen=True)
class DMResult:
    """The outcome of :func:`diebold_mariano`.

    Not used in a notebook; :func:`diebold_mariano` returns it.

    Attributes:
        statistic: the HLN-corrected statistic (negative: forecast a has the smaller loss).
        p_value: from Student's t with n - 1 degrees of freedom.
        mean_diff: mean of loss_a - loss_b.
        n: number of loss differences (time points, or origins for 2-D input).
        horizon: the forecast horizon that set the HAC lags (horizon - 1).
        alternative: "two-sided", "less" (a is better) or "greater" (b is better).
    """

    statistic: float
    p_value: float
    mean_diff: float
    n: int
    horizon: int
    alternative: str

    def __str__(self) -> str:
        side = "" if self.alternative == "two-sided" else f", {self.alternative}"
        return (f"DM = {self.statistic:.2f}, p = {self.p_value:.3f} "
                f"(HLN, h = {self.horizon}, n = {self.n}{side})")


def diebold_mariano(loss_a: Any, loss_b: Any, horizon: int = 1,
                    alternative: str = "two-sided") -> DMResult:
    """Diebold-Mariano test that two forecasts are equally accurate.

    First used in 02 §4. Taught in 05 §8.

    ``d_t = loss_a[t] - loss_b[t]``; under equal accuracy its mean is zero. h-step
    forecast errors are correlated up to lag h - 1, so the variance of the mean is a
    long-run (HAC) variance with h - 1 lags (Diebold & Mariano 1995), and the statistic
    is scaled by the Harvey-Leybourne-Newbold (1997) factor
    ``sqrt((n + 1 - 2h + h(h - 1)/n) / n)`` and compared with Student's t(n - 1), which
    holds its size far better on short test periods.

    Args:
        loss_a, loss_b: losses of the two forecasts at the same time points (squared or
            absolute errors, pinball loss...), 1-D; pandas objects must share their index.
            A 2-D input (origins x steps) is averaged over the steps of each origin first;
            then pass ``horizon`` = the number of steps, because consecutive origins'
            forecasts overlap.
        horizon: h of the h-step forecasts (1 for one-step-ahead losses).
        alternative: "two-sided" (default), "less" (a is more accurate) or "greater".

    >>> print(diebold_mariano([1.0, 2.0, 1.5, 0.5, 1.0, 2.0], [2.0, 2.5, 1.0, 1.5, 2.0, 2.0]))
    DM = -1.94, p = 0.111 (HLN, h = 1, n = 6)
    """
    horizon = check_positive_int(horizon, "horizon")
    if alternative not in ("two-sided", "less", "greater"):
        raise CourseInputError(
            f"alternative must be 'two-sided', 'less' or 'greater', got {alternative!r}."
        )
    d = _differential(loss_a, loss_b)
    n = len(d)
    factor = (n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n if n else 0.0
    if n < 3 or factor <= 0:
        raise CourseInputError(
            f"{n} loss differences are too few for a test at horizon {horizon}: the "
            "Harvey-Leybourne-Newbold correction needs n + 1 - 2h + h(h - 1)/n > 0; score more "
            "time points."
        )
    variance = _long_run_variance(d, horizon - 1)
    mean = float(d.mean())
    if variance <= 1e-300:
        if mean == 0:
            statistic = 0.0
        else:
            raise CourseInputError(
                "The loss difference is the same at every time point, so it has no variance "
                "and the test is undefined; the two forecasts differ by a constant."
            )
    else:
        statistic = mean / np.sqrt(variance / n) * np.sqrt(factor)
    t = stats.t(df=n - 1)
    p = {"two-sided": 2 * t.sf(abs(statistic)), "less": t.cdf(statistic),
         "greater": t.sf(statistic)}[alternative]
    return DMResult(float(statistic), float(min(p, 1.0)), mean, n, horizon, alternative)


@dataclass(frozen=True)
class BootstrapResult:
    """The outcome of :func:`loss_differential_bootstrap`.

    Not used in a notebook; :func:`loss_differential_bootstrap` returns it.

    Attributes:
        mean_diff: mean of loss_a - loss_b on the data.
        low, high: the percentile interval's bounds.
        level: its nominal level (0.95 for a 95 % interval).
        block: block length in time points.
        n: number of loss differences.
    """

    mean_diff: float
    low: float
    high: float
    level: float
    block: int
    n: int

    @property
    def excludes_zero(self) -> bool:
        """True when the interval lies entirely on one side of zero."""
        return self.low > 0 or self.high < 0

    def __str__(self) -> str:
        return (f"mean difference {self.mean_diff:.4g}, {self.level:.0%} block-bootstrap "
                f"interval [{self.low:.4g}, {self.high:.4g}] (block {self.block}, n = {self.n})")


def loss_differential_bootstrap(loss_a: Any, loss_b: Any, horizon: int = 1,
                                block: int | None = None, n_boot: int = 2000,
                                level: float = 0.95, seed: int = 0) -> BootstrapResult:
    """Moving-block bootstrap interval for the mean loss difference ``loss_a - loss_b``.

    First used in 03 §5.

    Resamples blocks of ``block`` consecutive loss differences (Künsch 1989), so the
    correlation between neighbouring errors survives, and reports the percentile
    interval of the resampled means. ``block`` defaults to ``max(horizon, round(n **
    (1/3)))``. An interval that excludes zero says the gap is larger than the test
    period's sample noise at that level.

    >>> r = loss_differential_bootstrap([1.0, 2, 1.5, 0.5, 1, 2] * 5, [2.0, 2.5, 1, 1.5, 2, 2] * 5)
    >>> r.mean_diff, r.excludes_zero
    (-0.5, True)
    """
    horizon = check_positive_int(horizon, "horizon")
    n_boot = check_positive_int(n_boot, "n_boot", minimum=100)
    if not isinstance(level, float | int) or isinstance(level, bool) or not 0 < level < 1:
        raise CourseInputError(f"level must be a number between 0 and 1 such as 0.95, got {level!r}.")
    d = _differential(loss_a, loss_b)
    n = len(d)
    if n < 4:
        raise CourseInputError(f"{n} loss differences are too few to bootstrap; score more time points.")
    block = max(horizon, round(n ** (1 / 3))) if block is None else check_positive_int(block, "block")
    if block > n // 2:
        raise CourseInputError(
            f"block={block} is more than half of the {n} time points: too few blocks to "
            "resample. Use a shorter block or a longer test period."
        )
    rng = np.random.default_rng(seed)
    n_blocks = -(-n // block)
    starts = rng.integers(0, n - block + 1, size=(n_boot, n_blocks))
    positions = (starts[:, :, None] + np.arange(block)).reshape(n_boot, -1)[:, :n]
    means = d[positions].mean(axis=1)
    tail = (1 - level) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return BootstrapResult(float(d.mean()), float(low), float(high), float(level), int(block), n)
