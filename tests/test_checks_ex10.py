"""Exercise 10's checks: pinball loss, quantile head, coverage, conformal margin.

Most of the file is the attempt table: answers written as students would write them
(valid alternatives, realistic mistakes with leaks first, junk), each with the verdict
a teacher would give. Task 2 runs in fast mode there (the structural part); the
full-mode judgement of the quantiles is tested on hand-weighted models below.
"""

from __future__ import annotations

import math

import helpers  # noqa: F401  (sets the Keras backend before keras is imported)
from helpers import checks, data, intervals
from helpers.checks import NOT_ATTEMPTED, WRONG
from helpers.checks import ex10_forecast_uncertainty as ex10
from helpers.checks.attempts import JUNK as J
from helpers.checks.attempts import MISTAKE as M
from helpers.checks.attempts import VALID as V
from helpers.checks.attempts import Attempt, counts, ids, judge, too_thin

import keras
import numpy as np
import pandas as pd
import pytest

HORIZON, WINDOW, ALPHA = 12, 24, 0.2
LEVELS = np.array([0.1, 0.5, 0.9], dtype="float32")
FIT_END = pd.Timestamp("2011-05-01")
SCORED = pd.DatetimeIndex(["2014-05-01", "2015-05-01"])
series = data.load("elec_equip")
n_fit = series.index.get_loc(FIT_END) + 1
mu, sd = series.iloc[:n_fit].mean(), series.iloc[:n_fit].std()
z = ((series - mu) / sd).to_numpy(dtype="float32")


@pytest.fixture
def fast_mode(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")


@pytest.fixture
def full_mode(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "0")


# --- what the exercise's given cells do ---

def quantile_forecasts(model, origins):
    ends = [series.index.get_loc(origin) + 1 for origin in origins]
    windows = np.stack([z[end - WINDOW : end, None] for end in ends])
    return np.sort(np.asarray(model(windows, training=False)) * sd + mu, axis=-1)


def windows():
    from helpers.windows import make_windows

    return make_windows(z[:n_fit], WINDOW, horizon=HORIZON)


# --- task 1: pinball ---

def pinball_maximum(y, f, q):
    d = y - f
    return np.mean(np.maximum(q * d, (q - 1) * d))


def pinball_where(y, f, q):
    err = np.asarray(y) - np.asarray(f)
    return float(np.where(err >= 0, q * err, (1 - q) * -err).mean())


def pinball_loop(y, f, q):
    total = 0.0
    for yi, fi in zip(y, f, strict=True):
        total += q * (yi - fi) if yi >= fi else (1 - q) * (fi - yi)
    return total / len(y)


def pinball_keras(y, f, q):
    d = keras.ops.convert_to_tensor(y - f)
    return keras.ops.mean(keras.ops.maximum(q * d, (q - 1) * d))


def pinball_swapped(y, f, q):
    d = f - y                                       # forecast minus truth
    return np.mean(np.maximum(q * d, (q - 1) * d))


def pinball_abs(y, f, q):
    return np.mean(np.abs(y - f))


def pinball_sum(y, f, q):
    d = y - f
    return np.sum(np.maximum(q * d, (q - 1) * d))


def pinball_per_point(y, f, q):
    d = y - f
    return np.maximum(q * d, (q - 1) * d)


def pinball_no_return(y, f, q):
    d = y - f
    loss = np.mean(np.maximum(q * d, (q - 1) * d))  # noqa: F841


def pinball_np_max(y, f, q):
    d = y - f
    return np.mean(np.max(q * d, (q - 1) * d))


def pinball_squared(y, f, q):
    d = y - f
    return np.mean(np.where(d >= 0, q, 1 - q) * d**2)


# --- task 2: quantile head ---

def loss_good(y_true, y_pred):
    diff = keras.ops.expand_dims(y_true, -1) - y_pred
    return keras.ops.mean(keras.ops.maximum(LEVELS * diff, (LEVELS - 1) * diff))


def loss_where_list(y_true, y_pred):
    qs = [0.1, 0.5, 0.9]
    err = y_true[..., None] - y_pred
    return keras.ops.mean(keras.ops.where(err >= 0, keras.ops.convert_to_tensor(qs) * err,
                                          (keras.ops.convert_to_tensor(qs) - 1) * err))


def loss_sum_levels(y_true, y_pred):
    y = keras.ops.reshape(y_true, (-1, HORIZON, 1))
    terms = []
    for i, q in enumerate((0.1, 0.5, 0.9)):
        d = y[:, :, 0] - y_pred[:, :, i]
        terms.append(keras.ops.mean(keras.ops.maximum(q * d, (q - 1) * d), axis=-1))
    return terms[0] + terms[1] + terms[2]            # per sample, summed over the levels


class PinballLoss(keras.losses.Loss):
    def call(self, y_true, y_pred):
        d = keras.ops.expand_dims(y_true, -1) - y_pred
        return keras.ops.mean(keras.ops.maximum(LEVELS * d, (LEVELS - 1) * d), axis=(-2, -1))


def loss_reversed(y_true, y_pred):
    q = np.array([0.9, 0.5, 0.1], dtype="float32")
    diff = keras.ops.expand_dims(y_true, -1) - y_pred
    return keras.ops.mean(keras.ops.maximum(q * diff, (q - 1) * diff))


def loss_sign_flipped(y_true, y_pred):
    diff = y_pred - keras.ops.expand_dims(y_true, -1)
    return keras.ops.mean(keras.ops.maximum(LEVELS * diff, (LEVELS - 1) * diff))


def loss_abs(y_true, y_pred):
    return keras.ops.mean(keras.ops.abs(keras.ops.expand_dims(y_true, -1) - y_pred))


def loss_no_return(y_true, y_pred):
    diff = keras.ops.expand_dims(y_true, -1) - y_pred
    keras.ops.mean(keras.ops.maximum(LEVELS * diff, (LEVELS - 1) * diff))


def head(kind="solution", loss=loss_good, fit=True, units=4, lr=0.01):
    """A small model as a student would build it, trained for one short epoch."""
    keras.utils.set_random_seed(0)
    if kind == "any length":
        model = keras.Sequential([keras.Input(shape=(None, 1)), keras.layers.LSTM(units),
                                  keras.layers.Dense(HORIZON * 3), keras.layers.Reshape((HORIZON, 3))])
    elif kind == "input (12, 1)":
        model = keras.Sequential([keras.Input(shape=(12, 1)), keras.layers.LSTM(units),
                                  keras.layers.Dense(HORIZON * 3), keras.layers.Reshape((HORIZON, 3))])
    elif kind == "functional":
        inputs = keras.Input(shape=(WINDOW, 1))
        hidden = keras.layers.LSTM(units)(inputs)
        outputs = keras.layers.Reshape((HORIZON, 3))(keras.layers.Dense(HORIZON * 3)(hidden))
        model = keras.Model(inputs, outputs)
    else:
        layers = {
            "solution": [keras.layers.LSTM(units), keras.layers.Dense(HORIZON * 3),
                         keras.layers.Reshape((HORIZON, 3))],
            "two dense": [keras.layers.LSTM(units), keras.layers.Dense(8, activation="relu"),
                          keras.layers.Dense(HORIZON * 3), keras.layers.Reshape((HORIZON, 3))],
            "flat": [keras.layers.LSTM(units), keras.layers.Dense(HORIZON * 3)],
            "one per month": [keras.layers.LSTM(units), keras.layers.Dense(HORIZON)],
            "swapped axes": [keras.layers.LSTM(units), keras.layers.Dense(HORIZON * 3),
                             keras.layers.Reshape((3, HORIZON))],
            "no lstm": [keras.layers.Flatten(), keras.layers.Dense(HORIZON * 3),
                        keras.layers.Reshape((HORIZON, 3))],
        }[kind]
        model = keras.Sequential([keras.Input(shape=(WINDOW, 1)), *layers])
    if loss is not None:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss=loss)
    if fit:
        X, y = windows()
        model.fit(X[:16], y[:16], epochs=1, batch_size=16, verbose=0)
    return model


def hand_weighted(biases, trained=True):
    """A model whose LSTM outputs zeros and whose head outputs fixed (12, 3) biases."""
    model = keras.Sequential([keras.Input(shape=(WINDOW, 1)),
                              keras.layers.LSTM(2, kernel_initializer="zeros",
                                                recurrent_initializer="zeros"),
                              keras.layers.Dense(HORIZON * 3, kernel_initializer="zeros"),
                              keras.layers.Reshape((HORIZON, 3))])
    model.layers[1].set_weights([np.zeros((2, HORIZON * 3), "float32"),
                                 np.tile(np.asarray(biases, "float32"), HORIZON)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.0), loss=loss_good)
    if trained:
        X, y = windows()
        model.fit(X[:16], y[:16], epochs=1, batch_size=16, verbose=0)
    return model


# --- tasks 3 and 4: a fixed network (any weights will do: the checks recompute) ---

keras.utils.set_random_seed(3)
NET = keras.Sequential([keras.Input(shape=(WINDOW, 1)), keras.layers.LSTM(4),
                        keras.layers.Dense(HORIZON * 3), keras.layers.Reshape((HORIZON, 3))])
Q_TEST = quantile_forecasts(NET, SCORED)
LOWER, UPPER = Q_TEST[..., 0], Q_TEST[..., 2]


def truth_loc(origins):
    return np.stack([series.loc[o + pd.DateOffset(months=1): o + pd.DateOffset(months=12)].to_numpy()
                     for o in origins])


def truth_iloc(origins):
    rows = []
    for o in origins:
        i = series.index.get_loc(o)
        rows.append(list(series.iloc[i + 1 : i + 13]))
    return rows


def truth_frame(origins):
    return pd.DataFrame({o: series[series.index > o].head(12).to_numpy() for o in origins}).T


def truth_from_origin(origins):
    return np.stack([series.loc[o: o + pd.DateOffset(months=11)].to_numpy() for o in origins])


def truth_both_ends(origins):
    return np.stack([series.loc[o: o + pd.DateOffset(months=12)].to_numpy() for o in origins])


def truth_standardised(origins):
    zs = pd.Series(z, index=series.index)
    return np.stack([zs.loc[o + pd.DateOffset(months=1): o + pd.DateOffset(months=12)].to_numpy()
                     for o in origins])


def truth_no_return(origins):
    np.stack([series.loc[o + pd.DateOffset(months=1): o + pd.DateOffset(months=12)].to_numpy()
              for o in origins])


def cover(truth, lower=LOWER, upper=UPPER):
    t = np.asarray(truth_loc(SCORED)) if truth is None else truth
    return np.mean((t >= lower) & (t <= upper))


TRUTH = truth_loc(SCORED)


def t3(coverage, truth_after=truth_loc, lower=LOWER, upper=UPPER, q_test=Q_TEST):
    return lambda: ex10.check_coverage(coverage, truth_after, lower, upper, q_test)


# --- task 4 ---

CAL = pd.date_range(FIT_END, "2013-05-01", freq="MS")


_EVERY_ORIGIN = {}


def scores_for(origins, model=NET):
    """Conformal scores at ``origins``: the model's quantiles at every origin are computed in
    one call, once per model (the attempts below need dozens of origin sets at collection)."""
    if id(model) not in _EVERY_ORIGIN:
        every = series.index[WINDOW - 1:]
        _EVERY_ORIGIN[id(model)] = (model, quantile_forecasts(model, every))
    rows = [series.index.get_loc(o) - (WINDOW - 1) for o in pd.DatetimeIndex(origins)]
    q = _EVERY_ORIGIN[id(model)][1][rows]
    t = truth_loc(origins)
    return np.maximum(q[..., 0] - t, t - q[..., 2])


def k_th(scores, alpha=ALPHA):
    s = np.sort(np.ravel(scores))
    return s[math.ceil((s.size + 1) * (1 - alpha)) - 1]


def t4(margin, scores, origins=CAL, model=NET):
    return lambda: ex10.check_conformal(margin, scores, origins, model)


def _valid_quantile_higher():
    s = scores_for(CAL).ravel()
    n = len(s)
    return ex10.check_conformal(np.quantile(s, np.ceil((n + 1) * (1 - ALPHA)) / n,
                                            method="higher"), s, CAL, NET)


def _valid_helper_and_strings():
    origins = [f"{year}-{month:02d}-01" for year in (2011, 2012, 2013) for month in range(1, 13)
               if "2011-05-01" <= f"{year}-{month:02d}-01" <= "2013-05-01"]
    scores = pd.DataFrame(scores_for(pd.DatetimeIndex(origins)))
    return ex10.check_conformal(intervals.conformal_margin(scores.to_numpy(), 0.2), scores,
                                origins, NET)


def _valid_inverted_cdf_list():
    s = [float(v) for v in scores_for(CAL).ravel()]
    level = (1 - ALPHA) * (1 + 1 / len(s))
    return ex10.check_conformal(np.quantile(s, level, method="inverted_cdf"), s, list(CAL), NET)


def _leak_scores_on_test():
    scores = np.maximum(LOWER - TRUTH, TRUTH - UPPER)
    return ex10.check_conformal(k_th(scores), scores, CAL, NET)


def _leak_scores_cal_and_test():
    scores = np.concatenate([scores_for(CAL).ravel(), np.maximum(LOWER - TRUTH, TRUTH - UPPER).ravel()])
    return ex10.check_conformal(k_th(scores), scores, CAL, NET)


def _leak_margin_from_test():
    scores = scores_for(CAL)
    return ex10.check_conformal(k_th(np.maximum(LOWER - TRUTH, TRUTH - UPPER)), scores, CAL, NET)


def _log_scores():
    q, t = quantile_forecasts(NET, CAL), truth_loc(CAL)
    with np.errstate(invalid="ignore"):
        scores = np.maximum(np.log(q[..., 0]) - np.log(t), np.log(t) - np.log(q[..., 2]))
    return ex10.check_conformal(k_th(scores), scores, CAL, NET)


def _median_scores():
    q, t = quantile_forecasts(NET, CAL), truth_loc(CAL)
    scores = np.abs(t - q[..., 1])
    return ex10.check_conformal(k_th(scores), scores, CAL, NET)


def _one_sided():
    q, t = quantile_forecasts(NET, CAL), truth_loc(CAL)
    scores = t - q[..., 2]
    return ex10.check_conformal(k_th(scores), scores, CAL, NET)


TABLE10 = [
    # task 1: pinball
    Attempt(1, V, "np.maximum, numpy scalar", lambda: ex10.check_pinball(pinball_maximum)),
    Attempt(1, V, "np.where, float", lambda: ex10.check_pinball(pinball_where)),
    Attempt(1, V, "plain loop", lambda: ex10.check_pinball(pinball_loop)),
    Attempt(1, V, "keras.ops, a tensor", lambda: ex10.check_pinball(pinball_keras)),
    Attempt(1, M, "q and 1 - q swapped", lambda: ex10.check_pinball(pinball_swapped), "swapped"),
    Attempt(1, M, "absolute error", lambda: ex10.check_pinball(pinball_abs), "q is ignored"),
    Attempt(1, M, "sum instead of mean", lambda: ex10.check_pinball(pinball_sum), "SUM"),
    Attempt(1, M, "one loss per point", lambda: ex10.check_pinball(pinball_per_point), "mean"),
    Attempt(1, M, "forgot return", lambda: ex10.check_pinball(pinball_no_return), "return"),
    Attempt(1, M, "np.max instead of np.maximum", lambda: ex10.check_pinball(pinball_np_max),
            "raised"),
    Attempt(1, M, "squared errors", lambda: ex10.check_pinball(pinball_squared), "squares"),
    Attempt(1, J, "placeholder", lambda: ex10.check_pinball(...), status=NOT_ATTEMPTED),
    Attempt(1, J, "stub function", lambda: ex10.check_pinball(lambda y, f, q: ...),
            status=NOT_ATTEMPTED),
    Attempt(1, J, "a number", lambda: ex10.check_pinball(0.5)),
    Attempt(1, J, "returns a string", lambda: ex10.check_pinball(lambda y, f, q: "loss")),
    Attempt(1, J, "crashes", lambda: ex10.check_pinball(lambda y, f, q: 1 / 0)),
    # task 2: quantile head (fast mode)
    Attempt(2, V, "Sequential + Reshape", lambda: ex10.check_quantile_model(head(), loss_good)),
    Attempt(2, V, "functional API, keras.ops.where, list levels", lambda: ex10.check_quantile_model(
        head("functional", loss_where_list), loss_where_list)),
    Attempt(2, V, "per-sample loss summed over the levels", lambda: ex10.check_quantile_model(
        head(loss=loss_sum_levels), loss_sum_levels)),
    Attempt(2, V, "a Loss subclass, two Dense layers", lambda: ex10.check_quantile_model(
        head("two dense", PinballLoss()), PinballLoss())),
    Attempt(2, V, "loss given as a one-element list", lambda: ex10.check_quantile_model(
        head(loss=[loss_good]), loss_good)),
    Attempt(2, V, "keras.Input(shape=(None, 1))", lambda: ex10.check_quantile_model(
        head("any length"), loss_good)),
    Attempt(2, M, "levels reversed", lambda: ex10.check_quantile_model(
        head(loss=loss_reversed), loss_reversed), "order (0.1, 0.5, 0.9)"),
    Attempt(2, M, "truth and forecast swapped", lambda: ex10.check_quantile_model(
        head(loss=loss_sign_flipped), loss_sign_flipped), "y_true - y_pred"),
    Attempt(2, M, "absolute error for every output", lambda: ex10.check_quantile_model(
        head(loss=loss_abs), loss_abs), "median"),
    Attempt(2, M, "compiled with mae, fit failed", lambda: ex10.check_quantile_model(
        head(loss="mae", fit=False), loss_good), "loss=quantile_loss"),
    Attempt(2, M, "no Reshape: 36 flat outputs", lambda: ex10.check_quantile_model(
        head("flat", fit=False), loss_good), "Reshape"),
    Attempt(2, M, "Dense(12): one value per month", lambda: ex10.check_quantile_model(
        head("one per month", loss=None, fit=False), loss_good), "three per month"),
    Attempt(2, M, "Reshape((3, 12))", lambda: ex10.check_quantile_model(
        head("swapped axes", fit=False), loss_good), "swapped"),
    Attempt(2, M, "never trained", lambda: ex10.check_quantile_model(
        head(fit=False), loss_good), "not been trained"),
    Attempt(2, M, "windows of 12 months", lambda: ex10.check_quantile_model(
        head("input (12, 1)", fit=False), loss_good), "keras.Input(shape=(WINDOW, 1))"),
    Attempt(2, M, "no LSTM", lambda: ex10.check_quantile_model(head("no lstm"), loss_good),
            "recurrent"),
    Attempt(2, M, "loss forgot return", lambda: ex10.check_quantile_model(
        head(), loss_no_return), "return"),
    Attempt(2, J, "placeholders", lambda: ex10.check_quantile_model(..., ...),
            status=NOT_ATTEMPTED),
    Attempt(2, J, "model is a string", lambda: ex10.check_quantile_model("lstm", loss_good)),
    Attempt(2, J, "loss is a string", lambda: ex10.check_quantile_model(head(fit=False), "pinball")),
    Attempt(2, J, "numbers", lambda: ex10.check_quantile_model(3, lambda a, b: 1 / 0)),
    # task 3: coverage
    Attempt(3, V, ".loc slices, np.mean", t3(cover(TRUTH))),
    Attempt(3, V, "iloc positions, lists, sum / size", t3(
        float(((TRUTH >= LOWER) & (TRUTH <= UPPER)).sum() / TRUTH.size), truth_iloc)),
    Attempt(3, V, "DataFrames, strict inequalities", t3(
        float(np.logical_and(TRUTH > LOWER, TRUTH < UPPER).mean()), truth_frame,
        pd.DataFrame(LOWER), pd.DataFrame(UPPER))),
    Attempt(3, V, "keras tensor", t3(keras.ops.mean(keras.ops.cast(
        (TRUTH >= LOWER) & (TRUTH <= UPPER), "float32")))),
    Attempt(3, M, "truth starts at the origin month", t3(cover(truth_from_origin(SCORED)),
                                                         truth_from_origin), "origin month"),
    Attempt(3, M, ".loc includes both ends", t3(cover(TRUTH), truth_both_ends), "both ends"),
    Attempt(3, M, "standardised truth", t3(cover(truth_standardised(SCORED)), truth_standardised),
            "standardised"),
    Attempt(3, M, "bounds swapped", t3(cover(TRUTH, UPPER, LOWER), lower=UPPER, upper=LOWER),
            "swapped"),
    Attempt(3, M, "median as the upper bound", t3(cover(TRUTH, LOWER, Q_TEST[..., 1]),
                                                  upper=Q_TEST[..., 1]), "median"),
    Attempt(3, M, "a percentage", t3(100 * cover(TRUTH)), "percentage"),
    Attempt(3, M, "the share outside", t3(1 - cover(TRUTH)), "OUTSIDE"),
    Attempt(3, M, "a count", t3(float(((TRUTH >= LOWER) & (TRUTH <= UPPER)).sum())), "share"),
    Attempt(3, M, "truth_after forgot return", t3(cover(TRUTH), truth_no_return), "return"),
    Attempt(3, M, "first origin only", t3(cover(TRUTH[0], LOWER[0], UPPER[0])), "one scored origin"),
    Attempt(3, J, "placeholders", t3(..., lower=..., upper=...), status=NOT_ATTEMPTED),
    Attempt(3, J, "q_test not computed", t3(0.5, q_test=...), status=NOT_ATTEMPTED),
    Attempt(3, J, "strings", t3("80%", lower="low", upper="high")),
    Attempt(3, J, "truth_after is an array", t3(cover(TRUTH), TRUTH)),
    Attempt(3, J, "NaN coverage", t3(float("nan"))),
    # task 4: conformal
    Attempt(4, V, "sorted scores, rank ceil((n+1)(1-alpha))", t4(k_th(scores_for(CAL)), scores_for(CAL))),
    Attempt(4, V, "np.quantile(k / n, method='higher')", _valid_quantile_higher),
    Attempt(4, V, "helpers.intervals.conformal_margin, string dates, DataFrame",
            _valid_helper_and_strings),
    Attempt(4, V, "inverted_cdf at (1-alpha)(1+1/n), lists", _valid_inverted_cdf_list),
    Attempt(4, M, "calibrates on the scored origins", t4(
        k_th(scores_for(CAL.append(SCORED))), scores_for(CAL.append(SCORED)), CAL.append(SCORED)),
        "leak"),
    Attempt(4, M, "calibration forecasts run into the scored months", t4(
        k_th(scores_for(pd.date_range(FIT_END, "2013-12-01", freq="MS"))),
        scores_for(pd.date_range(FIT_END, "2013-12-01", freq="MS")),
        pd.date_range(FIT_END, "2013-12-01", freq="MS")), "leak"),
    Attempt(4, M, "scores from the scored forecasts", _leak_scores_on_test, "leak"),
    Attempt(4, M, "scores from calibration and scored forecasts", _leak_scores_cal_and_test, "leak"),
    Attempt(4, M, "margin from the scored forecasts", _leak_margin_from_test, "leak"),
    Attempt(4, M, "calibration inside the training period", t4(
        k_th(scores_for(pd.date_range("2008-01-01", "2013-05-01", freq="MS"))),
        scores_for(pd.date_range("2008-01-01", "2013-05-01", freq="MS")),
        pd.date_range("2008-01-01", "2013-05-01", freq="MS")), "training period"),
    Attempt(4, M, "plain 80 % quantile, no finite-sample rank", t4(
        np.quantile(scores_for(CAL), 0.8), scores_for(CAL)), "finite-sample"),
    Attempt(4, M, "quantile at alpha", t4(np.quantile(scores_for(CAL), ALPHA), scores_for(CAL)),
            "low quantile"),
    Attempt(4, M, "log-scale scores as in notebook 10", _log_scores, "log scale"),
    Attempt(4, M, "distance to the median", _median_scores, "median"),
    Attempt(4, M, "one side only", _one_sided, "one side"),
    Attempt(4, M, "yearly origins only", t4(
        k_th(scores_for(pd.DatetimeIndex(["2011-05-01", "2012-05-01", "2013-05-01"]))),
        scores_for(pd.DatetimeIndex(["2011-05-01", "2012-05-01", "2013-05-01"])),
        pd.DatetimeIndex(["2011-05-01", "2012-05-01", "2013-05-01"])), "every month"),
    Attempt(4, M, "only the last 12 calibration origins (issue 28)", t4(
        k_th(scores_for(CAL[-12:])), scores_for(CAL[-12:]), CAL[-12:]), "from FIT_END"),
    Attempt(4, M, "calibration origins start a year late", t4(
        k_th(scores_for(CAL[12:])), scores_for(CAL[12:]), CAL[12:]), "leaves out the 12"),
    Attempt(4, M, "calibration origins stop five months early", t4(
        k_th(scores_for(CAL[:-5])), scores_for(CAL[:-5]), CAL[:-5]), "stops at 2012-12"),
    Attempt(4, M, "every other month", t4(
        k_th(scores_for(CAL[::2])), scores_for(CAL[::2]), CAL[::2]), "skips 12 month"),
    Attempt(4, V, "every origin, newest first", t4(
        k_th(scores_for(CAL[::-1])), scores_for(CAL[::-1]), list(CAL[::-1]))),
    Attempt(4, M, "n counted in origins, not scores", t4(
        np.sort(scores_for(CAL).ravel())[math.ceil((len(CAL) + 1) * (1 - ALPHA)) - 1],
        scores_for(CAL)), "n counts the scores"),
    Attempt(4, M, "the largest score", t4(np.max(scores_for(CAL)), scores_for(CAL)), "wider"),
    Attempt(4, J, "placeholders", t4(..., ..., ...), status=NOT_ATTEMPTED),
    Attempt(4, J, "origins as one string", t4(1.0, scores_for(CAL), "2011-05")),
    Attempt(4, J, "margin is a string", t4("4.0", scores_for(CAL))),
    Attempt(4, J, "model is a number", t4(k_th(scores_for(CAL)), scores_for(CAL), CAL, 3)),
    Attempt(4, J, "dates that are not months", t4(1.0, scores_for(CAL),
                                                  pd.date_range("2011-05-03", periods=25, freq="D"))),
]


_QUANTILES, _REAL_QUANTILES = {}, ex10.reference_quantiles


def _quantiles_once(model, origins):
    """``ex10.reference_quantiles``, computed once per model and origins: the table's networks
    never change once built, and the conformal check would otherwise run them eagerly, again,
    for every attempt. The model is kept with the answer, so its ``id`` is never reused."""
    try:
        key = (id(model), tuple(pd.DatetimeIndex(origins)))
    except (TypeError, ValueError):  # origins the real function must judge itself
        return _REAL_QUANTILES(model, origins)
    if key not in _QUANTILES:
        _QUANTILES[key] = (model, _REAL_QUANTILES(model, origins))
    return _QUANTILES[key][1].copy()


@pytest.mark.parametrize("attempt", TABLE10, ids=ids(TABLE10))
def test_attempt_table(attempt, fast_mode, monkeypatch):
    monkeypatch.setattr(ex10, "reference_quantiles", _quantiles_once)
    assert judge(attempt) is None, judge(attempt)


def test_table_covers_every_task():
    assert too_thin(TABLE10) == {}, counts(TABLE10)
    assert sorted({a.task for a in TABLE10}) == list(range(1, checks.task_count(ex10.EXERCISE) + 1))


# --- task 2 in full mode: the quantiles themselves ---

def _label_quantiles(levels):
    _, y = windows()
    return np.quantile(y, levels)


@pytest.mark.usefixtures("full_mode")
def test_full_mode_accepts_ordered_covering_quantiles():
    model = hand_weighted(_label_quantiles([0.1, 0.5, 0.9]))
    verdict = ex10.check_quantile_model(model, loss_good)
    assert verdict, verdict.message
    assert "in order" in verdict.message


@pytest.mark.usefixtures("full_mode")
def test_full_mode_rejects_crossed_quantiles():
    model = hand_weighted(_label_quantiles([0.9, 0.5, 0.1]))
    verdict = ex10.check_quantile_model(model, loss_good)
    assert verdict.status == WRONG and "not in order" in verdict.message


@pytest.mark.usefixtures("full_mode")
def test_full_mode_rejects_a_band_that_does_not_cover():
    model = hand_weighted(_label_quantiles([0.45, 0.5, 0.55]))
    verdict = ex10.check_quantile_model(model, loss_good)
    assert verdict.status == WRONG and "far from 80 %" in verdict.message


@pytest.mark.usefixtures("fast_mode")
def test_fast_mode_does_not_judge_the_quantiles():
    model = hand_weighted(_label_quantiles([0.9, 0.5, 0.1]))
    verdict = ex10.check_quantile_model(model, loss_good)
    assert verdict and "fast mode" in verdict.message


# --- references against independent ones ---

def test_margin_bounds_match_the_course_helper_and_numpy():
    rng = np.random.default_rng(0)
    for n in (9, 36, 300, 301):
        scores = rng.normal(size=n)
        low, high = ex10.margin_bounds(scores, 0.2)
        assert low == intervals.conformal_margin(scores, 0.2)
        assert low <= np.quantile(scores, math.ceil((n + 1) * 0.8) / n, method="higher") <= high
        assert np.quantile(scores, 0.8) < low      # the plain quantile is below: rejected


def test_reference_pinball_matches_the_course_helper():
    rng = np.random.default_rng(1)
    y, f = rng.normal(size=20), rng.normal(size=20)
    for q in (0.1, 0.5, 0.9):
        assert math.isclose(ex10.reference_pinball(y, f, q), intervals.pinball_loss(y, f, q))


def test_reference_quantiles_are_the_given_cells():
    np.testing.assert_allclose(ex10.reference_quantiles(NET, SCORED), Q_TEST, rtol=1e-6)
    np.testing.assert_allclose(ex10.reference_truth(SCORED), TRUTH)
    assert TRUTH.shape == (2, 12) and ex10.reference_truth(SCORED)[-1, -1] == series.iloc[-1]


def test_last_calibration_origin_ends_before_the_scored_months():
    reach = ex10.LAST_CAL_ORIGIN + pd.DateOffset(months=HORIZON)
    assert reach < ex10.SCORED_START == SCORED[0] + pd.DateOffset(months=1)
    assert reach + pd.DateOffset(months=1) == ex10.SCORED_START


# --- a ✅ guarantees that the given cells after it run, whatever valid form the answer took ---

def _exercise_cells():
    from tools import nbtools

    path = nbtools.repo_root() / "exercises" / "10_forecast_uncertainty_exercise.ipynb"
    return [c.source for c in nbtools.read(path).cells if c.cell_type == "code"]


def _given(marker):
    return next(source for source in _exercise_cells() if marker in source
                and "YOUR CODE HERE" not in source)


@pytest.fixture(scope="module")
def setup_namespace():
    import matplotlib

    matplotlib.use("Agg")
    namespace: dict = {}
    exec(_exercise_cells()[0], namespace)                   # the setup cell
    exec(_given("def quantile_forecasts"), namespace)        # the data cell
    return namespace


def _run_given(namespace, marker, **answers):
    import matplotlib.pyplot as plt

    scope = dict(namespace, **answers)
    exec(_given(marker), scope)
    plt.close("all")
    return scope


@pytest.mark.parametrize("pinball", [pinball_maximum, pinball_where, pinball_keras])
def test_task1_given_cell_runs(setup_namespace, pinball, capsys, fast_mode):
    assert ex10.check_pinball(pinball)
    _run_given(setup_namespace, "best constant", pinball=pinball)
    assert "best constant" in capsys.readouterr().out


@pytest.mark.parametrize("kind", ["functional", "two dense"])
def test_task2_given_cell_runs(setup_namespace, kind, fast_mode):
    loss = loss_where_list if kind == "functional" else PinballLoss()
    model = head(kind, loss)
    assert ex10.check_quantile_model(model, loss)
    scope = _run_given(setup_namespace, "q_test = quantile_forecasts", model=model)
    assert scope["q_test"].shape == (2, HORIZON, 3)


@pytest.mark.parametrize(("coverage", "truth_after", "lower", "upper"), [
    (cover(TRUTH), truth_loc, LOWER, UPPER),
    (keras.ops.mean(keras.ops.cast((TRUTH >= LOWER) & (TRUTH <= UPPER), "float32")), truth_iloc,
     pd.DataFrame(LOWER), pd.DataFrame(UPPER)),
    ([cover(TRUTH)], truth_frame, LOWER.tolist(), UPPER.tolist()),
])
def test_task3_and_task4_given_cells_run(setup_namespace, coverage, truth_after, lower, upper,
                                         capsys):
    assert ex10.check_coverage(coverage, truth_after, lower, upper, Q_TEST)
    _run_given(setup_namespace, "binomial standard errors", coverage_80=coverage)
    right = float(k_th(scores_for(CAL)))
    for margin in (right, keras.ops.convert_to_tensor(right), np.array([right]), [right]):
        assert ex10.check_conformal(margin, scores_for(CAL), CAL, NET)
        _run_given(setup_namespace, "lower_conf", coverage_80=coverage, truth_after=truth_after,
                   lower_test=lower, upper_test=upper, margin=margin)
    assert "conformal: coverage" in capsys.readouterr().out
