"""helpers.deepar: sequences for teacher forcing, the likelihood loss, sampling, baselines, scores."""

from __future__ import annotations

from helpers import deepar as da
from helpers.validation import CourseInputError

import numpy as np
import pandas as pd
import pytest
from scipy import stats


def make_panel(k=3, n=60, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    columns = {}
    for j in range(k):
        season = 1 + 0.1 * np.sin(2 * np.pi * t / 12 + j)
        columns[f"s{j}"] = 10.0 ** (j + 1) * season * (1 + 0.003 * t) * np.exp(rng.normal(0, 0.01, n))
    return pd.DataFrame(columns, index=pd.date_range("2000-01-01", periods=n, freq="MS"))


# --- sequence_windows -----------------------------------------------------------------------

def test_sequence_shapes_labels_and_teacher_forcing():
    panel = make_panel()
    w = da.sequence_windows(panel, context=6, horizon=3, lag=12)
    per_series = 60 - (12 + 6 + 3) + 1
    assert w.inputs.shape == (3 * per_series, 6 + 3 - 1, 4)
    assert w.targets.shape == (3 * per_series, 8)
    assert np.allclose(w.inputs[:, 1:, 0], w.targets[:, :-1])        # input t = target t-1
    assert w.first_label[0] == 12 + 6 and (w.last_label - w.first_label == 2).all()
    # first sequence of series s1: values of rows 13..20 over the mean of rows 12..17
    s1 = panel["s1"].to_numpy()
    first = np.flatnonzero(w.series == 1)[0]
    scale = s1[12:18].mean()
    assert np.isclose(w.scale[first], scale)
    assert np.allclose(w.targets[first], s1[13:21] / scale, rtol=1e-6)
    assert np.allclose(w.inputs[first, :, 1], s1[1:9] / scale, rtol=1e-6)   # 12 months back
    months = panel.index[13:21].month.to_numpy()
    assert np.allclose(w.inputs[first, :, 2], np.sin(2 * np.pi * (months - 1) / 12), atol=1e-6)


def test_sequences_never_cross_series_and_never_pass_end():
    panel = make_panel()
    w = da.sequence_windows(panel, context=6, horizon=3, lag=0, end="2003-12")
    assert w.last_label.max() == panel.index.get_loc(pd.Timestamp("2003-12-01"))
    for j in range(3):
        rows = w.series == j
        # each series' values sit near 10 ** (j + 1) before scaling: a sequence mixing series
        # would show a jump of a factor 10 inside it
        assert np.all(w.targets[rows] < 2) and np.all(w.targets[rows] > 0.5)
    stride = da.sequence_windows(panel, context=6, horizon=3, lag=0, stride=4)
    assert len(stride) == 3 * len(range(0, 60 - 9 + 1, 4))


def test_the_scale_ignores_the_prediction_range():
    panel = make_panel()
    changed = panel.copy()
    changed.iloc[-3:] *= 100                    # only the last sequence's prediction range
    a = da.sequence_windows(panel, 6, 3, lag=0)
    b = da.sequence_windows(changed, 6, 3, lag=0)
    assert np.allclose(a.scale, b.scale)


def test_sequence_windows_errors():
    panel = make_panel()
    with pytest.raises(CourseInputError, match="too few"):
        da.sequence_windows(panel, context=40, horizon=12, lag=12)
    with pytest.raises(CourseInputError, match="lag"):
        da.sequence_windows(panel, 6, 3, lag=-1)
    with pytest.raises(CourseInputError, match="positive"):
        da.sequence_windows(panel - 1000, 6, 3)
    with pytest.raises(CourseInputError, match="single Series"):
        da.sequence_windows(panel["s0"], 6, 3)
    with pytest.raises(CourseInputError, match="mask"):
        da.sequence_windows(panel, 6, 3).subset([True])


# --- likelihood -------------------------------------------------------------------------------

def test_gaussian_nll_equals_scipy():
    rng = np.random.default_rng(1)
    y, mu, raw_sigma = rng.normal(size=20), rng.normal(size=20), rng.normal(size=20)
    sigma = np.log1p(np.exp(raw_sigma)) + 1e-4
    ours = da.negative_log_likelihood(y, np.stack([mu, raw_sigma], -1), "gaussian")
    assert np.allclose(ours, -stats.norm.logpdf(y, mu, sigma))


def test_student_t_nll_equals_scipy():
    rng = np.random.default_rng(2)
    y, mu, raw_sigma, raw_df = (rng.normal(size=20) for _ in range(4))
    sigma = np.log1p(np.exp(raw_sigma)) + 1e-4
    df = np.log1p(np.exp(raw_df)) + 2.0
    ours = da.negative_log_likelihood(y, np.stack([mu, raw_sigma, raw_df], -1), "student-t")
    assert np.allclose(ours, -stats.t.logpdf(y, df, mu, sigma))


@pytest.mark.parametrize("distribution", da.DISTRIBUTIONS)
def test_keras_loss_matches_numpy_and_skips_nan_labels(distribution):
    rng = np.random.default_rng(3)
    width = 2 if distribution == "gaussian" else 3
    y = rng.normal(size=(4, 5)).astype("float32")
    raw = rng.normal(size=(4, 5, width)).astype("float32")
    loss = da.nll_loss(distribution)
    expected = da.negative_log_likelihood(y, raw, distribution).mean()
    assert np.isclose(float(loss(y, raw)), expected, rtol=1e-4)
    masked = y.copy()
    masked[:, :2] = np.nan
    expected_tail = da.negative_log_likelihood(y[:, 2:], raw[:, 2:], distribution).mean()
    assert np.isclose(float(loss(masked, raw)), expected_tail, rtol=1e-4)


def test_likelihood_errors():
    with pytest.raises(CourseInputError, match="distribution"):
        da.nll_loss("poisson")
    with pytest.raises(CourseInputError, match="3 parameters"):
        da.negative_log_likelihood([0.0], [[0.0, 1.0]], "student-t")
    with pytest.raises(CourseInputError, match="shape"):
        da.negative_log_likelihood([0.0, 1.0], [[0.0, 1.0]])


# --- network and sampling ----------------------------------------------------------------------

def test_training_and_step_models_share_weights_and_agree():
    model, step = da.build_deepar(units=4, n_features=4, seed=0)
    assert model.output_shape == (None, None, 2)
    x = np.random.default_rng(0).normal(size=(2, 7, 4)).astype("float32")
    whole = np.asarray(model(x))
    # the step model fed one step at a time, carrying its state, gives the same outputs
    state = np.zeros((2, 4), "float32")
    for t in range(7):
        out, state = step.predict_on_batch([x[:, t:t + 1], state])
        assert np.allclose(np.asarray(out)[:, 0], whole[:, t], atol=1e-5)
    _, t_step = da.build_deepar(units=3, distribution="student-t", n_features=3)
    assert t_step.output_shape[0] == (None, None, 3)


def test_sample_paths_shapes_units_and_seed():
    panel = make_panel()
    _, step = da.build_deepar(units=4, n_features=4, seed=0)
    a = da.sample_paths(step, panel, context=6, horizon=5, n_paths=7, lag=12, seed=0)
    b = da.sample_paths(step, panel, context=6, horizon=5, n_paths=7, lag=12, seed=0)
    c = da.sample_paths(step, panel, context=6, horizon=5, n_paths=7, lag=12, seed=1)
    assert a.shape == (3, 7, 5)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    # paths come back in each series' own units: the series differ by factors of 10
    centre = np.median(a, axis=(1, 2))
    last_mean = panel.iloc[-6:].mean().to_numpy()
    assert np.all(np.abs(np.log10(np.abs(centre) / last_mean)) < 1)


def test_sample_paths_follow_a_known_network():
    """A head that ignores the GRU (zero kernel) with mu = 1 and sigma at its floor: every
    path is the mean of the series' last ``context`` months, its scale."""
    panel = make_panel()
    _, step = da.build_deepar(units=2, n_features=4, seed=0)
    step.get_layer("distribution").set_weights([np.zeros((2, 2), "float32"),
                                                np.array([1.0, -30.0], "float32")])
    paths = da.sample_paths(step, panel, context=6, horizon=3, n_paths=4, lag=12)
    scale = panel.iloc[-6:].mean().to_numpy()
    assert np.allclose(paths, scale[:, None, None], rtol=1e-3)


def test_sample_paths_errors():
    panel = make_panel()
    _, step = da.build_deepar(units=2, n_features=4)
    with pytest.raises(CourseInputError, match="features"):
        da.sample_paths(step, panel, context=6, horizon=3, n_paths=2, lag=0)
    with pytest.raises(CourseInputError, match="history"):
        da.sample_paths(step, panel.iloc[:10], context=6, horizon=3, n_paths=2, lag=12)
    with pytest.raises(CourseInputError, match="n_paths"):
        da.sample_paths(step, panel, context=6, horizon=3, n_paths=0)
    with pytest.raises(CourseInputError, match="paths must be"):
        da.forecast_quantiles(np.zeros((2, 3)))


def test_forecast_quantiles_are_the_sample_quantiles():
    paths = np.random.default_rng(0).normal(size=(2, 501, 3))
    q = da.forecast_quantiles(paths)
    assert q.shape == (2, 3, 9)
    assert np.allclose(q[1, 2], np.quantile(paths[1, :, 2], da.LEVELS))
    assert np.all(np.diff(q, axis=-1) >= 0)


# --- baselines ----------------------------------------------------------------------------------

def test_seasonal_naive_quantiles_are_last_year_times_past_ratios():
    panel = make_panel()
    q = da.seasonal_naive_quantiles(panel, horizon=12)
    assert q.shape == (3, 12, 9)
    ratios = panel["s2"].to_numpy()[12:] / panel["s2"].to_numpy()[:-12]
    assert np.allclose(q[2, 3], panel["s2"].iloc[-12 + 3] * np.quantile(ratios, da.LEVELS))
    with pytest.raises(CourseInputError, match="longer than one season"):
        da.seasonal_naive_quantiles(panel, horizon=13)
    with pytest.raises(CourseInputError, match="positive"):
        da.seasonal_naive_quantiles(-panel, horizon=12)


def test_ets_paths_shapes_seed_and_kept_parameters():
    panel = make_panel(k=2)
    paths, params = da.ets_paths(panel.iloc[:48], horizon=6, n_paths=50, seed=0)
    again, _ = da.ets_paths(panel.iloc[:48], horizon=6, n_paths=50, seed=0)
    assert paths.shape == (2, 50, 6) and np.array_equal(paths, again)
    assert (paths > 0).all()
    # the paths sit around the series' level, and spread out with the horizon
    assert np.all(np.abs(np.log(np.median(paths[:, :, 0], axis=1) / panel.iloc[36].to_numpy())) < 0.3)
    later, kept = da.ets_paths(panel, horizon=6, n_paths=50, params=params)
    assert kept == params and later.shape == (2, 50, 6)
    with pytest.raises(CourseInputError, match="params"):
        da.ets_paths(panel, horizon=6, n_paths=5, params={"s0": params["s0"]})
    with pytest.raises(CourseInputError, match="positive"):
        da.ets_paths(-panel, horizon=6, n_paths=5)


# --- scores -------------------------------------------------------------------------------------

def test_probabilistic_scores_recompute_crps_pinball_and_coverage():
    panel = make_panel()
    history, truth = panel.iloc[:48], panel.iloc[48:]
    rng = np.random.default_rng(0)
    q = np.sort(truth.to_numpy().T[..., None] * (1 + rng.normal(0, 0.02, (3, 12, 9))), axis=-1)
    s = da.probabilistic_scores(truth, q, history)
    scale = history.diff(12).abs().mean().to_numpy()
    y = truth.to_numpy().T
    levels = np.array(da.LEVELS)
    diff = y[..., None] - q
    pinball = np.maximum(levels * diff, (levels - 1) * diff).mean(axis=(1, 2)) / scale
    assert np.allclose(s["pinball"], pinball)
    inside = (y >= q[..., 0]) & (y <= q[..., -1])
    assert np.allclose(s["coverage 80%"], inside.mean(axis=1))
    # a perfect point forecast at every level scores 0; a worse one scores more
    perfect = np.repeat(y[..., None], 9, axis=-1)
    assert np.allclose(da.probabilistic_scores(truth, perfect, history)["CRPS"], 0)
    assert (da.probabilistic_scores(truth, perfect * 1.1, history)["CRPS"] > s["CRPS"]).all()


def test_probabilistic_scores_errors():
    panel = make_panel()
    history, truth = panel.iloc[:48], panel.iloc[48:]
    with pytest.raises(CourseInputError, match="n_series, months, levels"):
        da.probabilistic_scores(truth, np.zeros((12, 3, 9)), history)
    with pytest.raises(CourseInputError, match="0.1 and 0.9"):
        da.probabilistic_scores(truth, np.zeros((3, 12, 3)), history, levels=(0.2, 0.5, 0.8))
    with pytest.raises(CourseInputError, match="no series"):
        da.probabilistic_scores(truth, np.zeros((3, 12, 9)), history.iloc[:, :2])


def test_log_gamma_matches_scipy():
    from scipy.special import gammaln

    x = np.array([0.3, 1.0, 1.5, 2.0, 7.5, 40.0, 1e4])
    assert np.allclose(da._lgamma(x, da._NumpyOps), gammaln(x), atol=1e-9)
