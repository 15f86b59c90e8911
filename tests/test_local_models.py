"""helpers.local_models: ETS and SARIMA chosen per series by AICc, and local networks."""

from __future__ import annotations

from helpers import global_models as gm
from helpers import local_models as lm
from helpers.validation import CourseInputError

import numpy as np
import pandas as pd
import pytest


def make_panel(n=72, seed=0):
    """Two positive monthly series: one flat and seasonal, one growing 1 % a month."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    season = 1 + 0.1 * np.sin(2 * np.pi * t / 12)
    flat = 100 * season * np.exp(rng.normal(0, 0.01, n))
    growing = 50 * season * np.exp(0.01 * t + rng.normal(0, 0.002, n))
    return pd.DataFrame({"flat": flat, "growing": growing},
                        index=pd.date_range("2000-01-01", periods=n, freq="MS"))


def test_select_ets_picks_a_trend_only_where_there_is_one():
    fits = lm.select_ets(make_panel())
    assert fits["flat"]["form"] == "no trend"
    assert fits["growing"]["form"] in {"trend", "damped trend"}
    for fit in fits.values():
        assert fit["form"] == min(fit["aicc"], key=fit["aicc"].get)
        assert set(fit["aicc"]) == set(lm.ETS_FORMS) == set(fit["params"])


def test_known_params_give_the_same_aicc_and_forecasts_as_ets_panel():
    panel = make_panel()
    forecast, params = gm.ets_panel(panel, 12)
    fitted = lm.select_ets(panel)
    reused = lm.select_ets(panel, known={"damped trend": params})
    for column in panel:
        assert reused[column]["aicc"]["damped trend"] == pytest.approx(fitted[column]["aicc"]["damped trend"])
    damped = lm.ets_forecasts(panel, 12, reused, form="damped trend")
    assert np.allclose(damped.to_numpy(), forecast.to_numpy())
    assert damped.index[0] == pd.Timestamp("2006-01-01")


def test_ets_forecasts_keep_the_choice_and_run_forward_over_new_months():
    panel = make_panel()
    fits = lm.select_ets(panel.iloc[:48])
    later = lm.ets_forecasts(panel.iloc[:60], 12, fits)
    assert later.index[0] == panel.index[60]
    truth = panel.iloc[60:72].to_numpy()
    assert np.abs(later.to_numpy() / truth - 1).max() < 0.05, "the states followed the new months"
    changed = panel.copy()
    changed.iloc[48:] *= 3                      # months after the selection cannot change it
    again = lm.select_ets(changed.iloc[:48])
    assert {c: (f["form"], f["aicc"]) for c, f in again.items()} == \
        {c: (f["form"], f["aicc"]) for c, f in fits.items()}


def test_sarima_selection_and_forecasts():
    panel = make_panel(n=84)
    fits, n_warnings = lm.select_sarima(panel.iloc[:72])
    assert isinstance(n_warnings, int) and n_warnings >= 0
    for fit in fits.values():
        assert fit["order"][1] == 1 and fit["seasonal_order"][1] == 1 and fit["seasonal_order"][3] == 12
        assert set(fit["order"][::2] + fit["seasonal_order"][:3:2]) <= {0, 1}
    forecast = lm.sarima_forecasts(panel.iloc[:72], 12, fits)
    assert forecast.shape == (12, 2) and forecast.index[0] == panel.index[72]
    assert np.abs(forecast.to_numpy() / panel.iloc[72:].to_numpy() - 1).max() < 0.05


def test_bad_input_gets_clear_errors():
    panel = make_panel()
    with pytest.raises(CourseInputError, match="positive"):
        lm.select_ets(panel - 200)
    with pytest.raises(CourseInputError, match="at least"):
        lm.select_ets(panel.iloc[:20])
    fits = lm.select_ets(panel[["flat"]])
    with pytest.raises(CourseInputError, match="no series 'growing'"):
        lm.ets_forecasts(panel, 12, fits)
    with pytest.raises(CourseInputError, match="form"):
        lm.ets_forecasts(panel[["flat"]], 12, fits, form="multiplicative")
    with pytest.raises(CourseInputError, match="known"):
        lm.select_ets(panel, known={"holt": {}})
    with pytest.raises(CourseInputError, match="DataFrame"):
        lm.select_sarima(panel["flat"])


def test_by_series_lays_windows_out_by_time_then_series():
    values = np.arange(12.0).reshape(6, 2)
    out = lm.by_series(values, np.array([3, 3, 3, 7, 7, 7]))
    assert out.shape == (3, 2, 2)
    assert np.array_equal(out[:, 0], values[:3]) and np.array_equal(out[:, 1], values[3:])
    with pytest.raises(CourseInputError, match="same number"):
        lm.by_series(np.arange(5.0), np.array([0, 0, 0, 1, 1]))
    with pytest.raises(CourseInputError, match="same number"):
        lm.by_series(np.arange(4.0), np.array([0, 1, 0, 1]))          # interleaved, not blocks
    with pytest.raises(CourseInputError, match="one entry per window"):
        lm.by_series(np.arange(4.0), np.array([0, 1]))


def test_by_series_matches_global_windows():
    panel = make_panel(n=40)
    w = gm.global_windows(panel, window=6, horizon=3)
    X = lm.by_series(w.X, w.series)
    assert X.shape == (len(w) // 2, 2, 6, 3)
    assert np.allclose(X[0, 1, :, 0], panel["growing"].iloc[:6])
    assert np.allclose(X[5, 0, :, 0], panel["flat"].iloc[5:11])


def test_local_networks_are_separate_networks():
    import keras

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2, 5, 3)).astype("float32")
    y = rng.normal(size=(40, 2, 4)).astype("float32")

    def trained(y):
        model = lm.local_networks(2, 5, 3, 4, units=3, seed=1)
        model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
        model.fit(X, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
        return model

    a = trained(y)
    other = y.copy()
    other[:, 1] *= -5                            # series 1's targets change
    b = trained(other)
    out_a, out_b = np.asarray(a(X)), np.asarray(b(X))
    assert np.allclose(out_a[:, 0], out_b[:, 0], atol=1e-6), "series 0's network did not notice"
    assert not np.allclose(out_a[:, 1], out_b[:, 1]), "series 1's network learned its own targets"
    moved = X.copy()
    moved[:, 1] += 10                            # series 1's inputs cannot reach network 0
    assert np.allclose(np.asarray(a(moved))[:, 0], out_a[:, 0])
