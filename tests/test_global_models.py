"""helpers.global_models: per-series scaling, global windows, panel baselines and scores."""

from __future__ import annotations

from helpers import global_models as gm
from helpers.validation import CourseInputError

import numpy as np
import pandas as pd
import pytest

MONTHS = pd.date_range("2000-01-01", periods=48, freq="MS")


def make_panel(k=3, n=48, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    columns = {}
    for j in range(k):
        level = 10.0 ** (j + 1)
        season = 1 + 0.1 * np.sin(2 * np.pi * t / 12 + j)
        columns[f"s{j}"] = level * season * (1 + 0.002 * t) * np.exp(rng.normal(0, 0.01, n))
    return pd.DataFrame(columns, index=pd.date_range("2000-01-01", periods=n, freq="MS"))


def test_scales_use_only_the_training_rows():
    panel = make_panel()
    scales = gm.fit_series_scales(panel, "2001-12")
    assert np.allclose(scales, panel.iloc[:24].mean())
    changed = panel.copy()
    changed.iloc[24:] *= 1000                      # the future cannot move the scale
    assert np.allclose(gm.fit_series_scales(changed, "2001-12"), scales)
    scaled = gm.scale_panel(panel, scales)
    assert np.allclose(scaled.iloc[:24].mean(), 1.0)


def test_unscale_inverts_scaling_per_series_and_follows_the_column_order():
    panel = make_panel()
    scales = gm.fit_series_scales(panel, "2001-12")
    scaled = gm.scale_panel(panel, scales)
    back = gm.unscale(scaled.T.to_numpy(), scales, scaled.columns)
    assert np.allclose(back, panel.T.to_numpy())
    reordered = ["s2", "s0"]
    assert np.allclose(gm.unscale(scaled[reordered].T.to_numpy(), scales, reordered),
                       panel[reordered].T.to_numpy())


def test_global_windows_never_cross_series():
    values = np.arange(20.0)
    panel = pd.DataFrame({"a": values, "b": 1000 + values}, index=MONTHS[:20])
    w = gm.global_windows(panel, window=4, horizon=2)
    per_series = 20 - 4 - 2 + 1
    assert len(w) == 2 * per_series
    for X, y, s in zip(w.X, w.y, w.series, strict=True):
        both = np.concatenate([X[:, 0], y])
        assert np.all(np.diff(both) == 1), "one window reads consecutive months of one series"
        assert (both >= 1000).all() == (s == 1)
    assert w.first_label[0] == 4 and w.last_label[0] == 5
    assert (w.last_label - w.first_label == 1).all()


def test_global_windows_month_features_and_end():
    panel = make_panel(k=2)
    w = gm.global_windows(panel, window=12, horizon=3, end="2002-06")
    stop = panel.index.get_loc(pd.Timestamp("2002-06-01"))
    assert w.last_label.max() == stop
    january = w.X[0, 0, 1:]                         # first window starts in January
    assert np.allclose(january, [0.0, 1.0])
    assert np.allclose(w.X[0, 1, 1:], [np.sin(2 * np.pi / 12), np.cos(2 * np.pi / 12)])


def test_origin_windows_match_the_last_training_window():
    panel = make_panel(k=2)
    w = gm.global_windows(panel, window=6, horizon=1, end="2003-12")
    X = gm.origin_windows(panel, "2003-11", window=6)
    last_of_each = [np.flatnonzero(w.series == s)[-1] for s in (0, 1)]
    assert np.allclose(X, w.X[last_of_each])


def test_subset_and_purge_masks_work_together():
    from helpers.splits import purge_masks

    panel = make_panel(k=2)
    w = gm.global_windows(panel, window=6, horizon=3, end="2003-12")
    train_end = panel.index.get_loc(pd.Timestamp("2002-12-01"))
    tr, va = purge_masks(w.first_label, w.last_label, train_end)
    assert w.subset(tr).last_label.max() < w.subset(va).first_label.min()
    assert (~(tr | va)).sum() == 2 * 2               # h - 1 purged per series
    with pytest.raises(CourseInputError, match="boolean"):
        w.subset([1, 0])


def test_naive_and_seasonal_naive_panels():
    panel = make_panel(k=2)
    naive = gm.naive_panel(panel, 5)
    assert naive.index[0] == panel.index[-1] + pd.DateOffset(months=1)
    assert np.allclose(naive.to_numpy(), panel.iloc[-1].to_numpy())
    snaive = gm.seasonal_naive_panel(panel, 14, season=12)
    assert np.allclose(snaive.iloc[:12].to_numpy(), panel.iloc[-12:].to_numpy())
    assert np.allclose(snaive.iloc[12:].to_numpy(), panel.iloc[-12:-10].to_numpy())


def test_ets_panel_reuses_its_parameters():
    panel = make_panel(k=2, n=60)
    first, params = gm.ets_panel(panel.iloc[:48], 12)
    again, same = gm.ets_panel(panel.iloc[:48], 12, params=params)
    assert np.allclose(first, again) and same == params
    later, _ = gm.ets_panel(panel, 12, params=params)
    assert later.index[0] == panel.index[-1] + pd.DateOffset(months=1)
    # a seasonal series with a mild trend: ETS beats the naive forecast on the truth it knows
    truth = panel.iloc[48:]
    errors = (first.set_axis(truth.index) - truth).abs().mean()
    naive = (gm.naive_panel(panel.iloc[:48], 12).set_axis(truth.index) - truth).abs().mean()
    assert (errors < naive).all()


def test_panel_scores_match_helpers_metrics_mase():
    from helpers.metrics import mase

    panel = make_panel()
    history, truth = panel.iloc[:36], panel.iloc[36:]
    forecast = gm.seasonal_naive_panel(history, 12).set_axis(truth.index)
    scores = gm.panel_scores(truth, forecast, history, season=12)
    for column in panel:
        assert scores.loc[column, "MASE"] == pytest.approx(
            mase(truth[column], forecast[column], history[column], season=12))
    # scale-free: multiplying a series by 1000 leaves its scores unchanged
    big = gm.panel_scores(truth * 1000, forecast * 1000, history * 1000, season=12)
    assert np.allclose(big, scores)


def test_paired_comparison():
    a = pd.Series([1.0, 0.5, 0.8, 0.9, 0.7, 0.6, 0.4, 0.95], index=list("abcdefgh"))
    b = pd.Series(1.0, index=a.index)
    result = gm.paired_comparison(a, b)
    assert result.share_a_better == pytest.approx(7 / 8)
    assert result.p_value < 0.05 and result.n == 8
    assert "Wilcoxon" in str(result)
    assert gm.paired_comparison(b, b).p_value == 1.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: gm.fit_series_scales(p["s0"], "2001-12"), "single Series"),
        (lambda p: gm.fit_series_scales(p.to_numpy(), "2001-12"), "DataFrame"),
        (lambda p: gm.fit_series_scales(p.reset_index(drop=True), "2001-12"), "DatetimeIndex"),
        (lambda p: gm.fit_series_scales(p, "2030-01"), "outside the data"),
        (lambda p: gm.fit_series_scales(p, 24), "must be a date"),
        (lambda p: gm.fit_series_scales(p - 1e6, "2001-12"), "positive training mean"),
        (lambda p: gm.scale_panel(p, {"s0": 1.0}), "pandas Series"),
        (lambda p: gm.scale_panel(p, pd.Series({"s0": 1.0})), "no entry for the series 's1'"),
        (lambda p: gm.unscale(np.ones((2, 3)), pd.Series({"s0": 1.0, "s1": 1.0, "s2": 1.0})),
         "one row per series"),
        (lambda p: gm.global_windows(p, 40, 12), "too few"),
        (lambda p: gm.global_windows(p.where(p > 11), 6, 1), "blank values"),
        (lambda p: gm.panel_scores(p.iloc[36:], p.iloc[36:, ::-1], p.iloc[:36]), "same order"),
        (lambda p: gm.ets_panel(-p, 12), "positive"),
        (lambda p: gm.ets_panel(p, 12, params={"s0": {}}), "no entry for the series 's0'"),
        (lambda p: gm.paired_comparison([1, 2], [1, 2]), "pandas Series"),
    ],
)
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises(CourseInputError, match=message):
        call(make_panel())
