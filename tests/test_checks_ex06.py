"""Exercise 06's checks: chronological split and scaling, windows and model, forecast, RMSE, origins."""

from __future__ import annotations

import helpers  # noqa: F401  (sets the Keras backend before keras is imported)
from helpers.checks import CORRECT, NOT_ATTEMPTED, WRONG
from helpers.checks import ex06_sine_wave as ex06

import keras
import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler


@pytest.fixture
def full_mode(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "0")


@pytest.fixture
def fast_mode(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")


N_TEST = 48
_hours = np.arange(8 * 24)
SERIES = pd.Series(20 + 5 * np.sin(2 * np.pi * _hours / 24)
                   + np.random.default_rng(0).normal(0, 0.5, len(_hours)),
                   index=pd.date_range("2024-06-01", periods=len(_hours), freq="h"), name="t")
SERIES.iloc[-18] = SERIES.max() + 0.2   # a test-day peak (hour 6) is the highest value
TRAIN, TEST = SERIES.iloc[:-N_TEST], SERIES.iloc[-N_TEST:]
SCALER = MinMaxScaler().fit(TRAIN.to_numpy().reshape(-1, 1))
TRAIN_SCALED = SCALER.transform(TRAIN.to_numpy().reshape(-1, 1)).ravel()
JUNK = [None, ..., 3, "text", [1, 2], {"a": 1}, np.zeros(3), object(), lambda *a: 1 / 0]


def windows(values, window):
    X = np.array([values[i : i + window] for i in range(len(values) - window)])[..., None]
    return X, values[window:].reshape(-1, 1)


def rnn(window=24, units=8, sequences=False, features=1, out=1):
    shape = (window, features) if features else (window,)
    layers = [keras.Input(shape=shape)]
    if not features:
        layers.append(keras.layers.Reshape((window, 1)))
    layers += [keras.layers.SimpleRNN(units, return_sequences=sequences), keras.layers.Dense(out)]
    return keras.Sequential(layers)


# --- task 1 ---

def test_split_correct_and_placeholder():
    args = (TRAIN, TEST, SCALER, TRAIN_SCALED, SERIES, N_TEST)
    assert ex06.check_split(*args).status == CORRECT
    no_shuffle = train_test_split(SERIES, test_size=N_TEST, shuffle=False)
    assert ex06.check_split(*no_shuffle, SCALER, TRAIN_SCALED, SERIES, N_TEST).status == CORRECT
    assert ex06.check_split(..., ..., ..., ..., SERIES, N_TEST).status == NOT_ATTEMPTED
    assert ex06.check_split(TRAIN, TEST, SCALER, ..., SERIES, N_TEST).status == NOT_ATTEMPTED


def test_split_shuffled_or_reversed():
    train, test = train_test_split(SERIES, test_size=N_TEST, random_state=0)
    verdict = ex06.check_split(train, test, SCALER, TRAIN_SCALED, SERIES, N_TEST)
    assert verdict.status == WRONG and "shuffled" in verdict.message
    first = ex06.check_split(SERIES.iloc[N_TEST:], SERIES.iloc[:N_TEST], SCALER, TRAIN_SCALED,
                             SERIES, N_TEST)
    assert first.status == WRONG and "FIRST part" in first.message
    size = ex06.check_split(SERIES.iloc[:-24], SERIES.iloc[-24:], SCALER, TRAIN_SCALED,
                            SERIES, N_TEST)
    assert size.status == WRONG and "last 48 hours" in size.message
    arrays = ex06.check_split(TRAIN.to_numpy(), TEST.to_numpy(), SCALER, TRAIN_SCALED,
                              SERIES, N_TEST)
    assert arrays.status == WRONG and "pandas Series" in arrays.message


def test_split_scaler_mistakes():
    on_all = MinMaxScaler().fit(SERIES.to_numpy().reshape(-1, 1))
    verdict = ex06.check_split(TRAIN, TEST, on_all, TRAIN_SCALED, SERIES, N_TEST)
    assert verdict.status == WRONG and "all the data" in verdict.message
    on_test = MinMaxScaler().fit(TEST.to_numpy().reshape(-1, 1))
    verdict = ex06.check_split(TRAIN, TEST, on_test, TRAIN_SCALED, SERIES, N_TEST)
    assert verdict.status == WRONG and "test set" in verdict.message
    unscaled = ex06.check_split(TRAIN, TEST, SCALER, TRAIN.to_numpy(), SERIES, N_TEST)
    assert unscaled.status == WRONG and "still in the data's units" in unscaled.message
    other = MinMaxScaler(feature_range=(-1, 1)).fit(TRAIN.to_numpy().reshape(-1, 1))
    mismatch = other.transform(TRAIN.to_numpy().reshape(-1, 1)).ravel()
    verdict = ex06.check_split(TRAIN, TEST, SCALER, mismatch, SERIES, N_TEST)
    assert verdict.status == WRONG and "not scaler.transform" in verdict.message


# --- task 2 ---

def test_model_correct_and_placeholder():
    X, y = windows(TRAIN_SCALED, 24)
    assert ex06.check_model(24, X, y, rnn(), TRAIN_SCALED).status == CORRECT
    assert ex06.check_model(24, X, y[:, 0], rnn(), TRAIN_SCALED).status == CORRECT
    X48, y48 = windows(TRAIN_SCALED, 48)
    assert ex06.check_model(48, X48, y48, rnn(48), TRAIN_SCALED).status == CORRECT
    assert ex06.check_model(..., ..., ..., ..., TRAIN_SCALED).status == NOT_ATTEMPTED
    assert ex06.check_model(24, X, y, ..., TRAIN_SCALED).status == NOT_ATTEMPTED


def test_model_wrong_shapes():
    X, y = windows(TRAIN_SCALED, 24)
    sequences = ex06.check_model(24, X, y, rnn(sequences=True), TRAIN_SCALED)
    assert sequences.status == WRONG and "return_sequences" in sequences.message
    flat_input = ex06.check_model(24, X, y, rnn(features=0), TRAIN_SCALED)
    assert flat_input.status == WRONG and "feature axis" in flat_input.message
    many_outputs = ex06.check_model(24, X, y, rnn(out=24), TRAIN_SCALED)
    assert many_outputs.status == WRONG and "Dense(1)" in many_outputs.message
    dense = keras.Sequential([keras.Input((24, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    verdict = ex06.check_model(24, X, y, dense, TRAIN_SCALED)
    assert verdict.status == WRONG and "no recurrent layer" in verdict.message
    other_window = ex06.check_model(24, X, y, rnn(window=12), TRAIN_SCALED)
    assert other_window.status == WRONG and "keras.Input(shape=(WINDOW, 1))" in other_window.message


def test_model_wrong_windows():
    X12, y12 = windows(TRAIN_SCALED, 12)
    short = ex06.check_model(12, X12, y12, rnn(12), TRAIN_SCALED)
    assert short.status == WRONG and "shorter than one cycle" in short.message
    X, y = windows(TRAIN_SCALED, 24)
    flat = ex06.check_model(24, X[:, :, 0], y, rnn(), TRAIN_SCALED)
    assert flat.status == WRONG and "feature axis" in flat.message
    raw, raw_y = windows(TRAIN.to_numpy(), 24)
    unscaled = ex06.check_model(24, raw, raw_y, rnn(), TRAIN_SCALED)
    assert unscaled.status == WRONG and "unscaled" in unscaled.message
    overlap = ex06.check_model(24, X, X[:, -1, :], rnn(), TRAIN_SCALED)
    assert overlap.status == WRONG and "the hour right after each window" in overlap.message


# --- task 3 ---

def good_forecast(scale=0.2):
    return TEST.to_numpy() + np.random.default_rng(1).normal(0, scale, N_TEST)


@pytest.mark.usefixtures("full_mode")
def test_forecast_correct_and_placeholder_full_mode():
    assert ex06.check_forecast(good_forecast(), TEST, TRAIN, 24).status == CORRECT
    as_series = pd.Series(good_forecast(), index=TEST.index)
    assert ex06.check_forecast(as_series, TEST, TRAIN, 24).status == CORRECT
    assert ex06.check_forecast(..., TEST, TRAIN, 24).status == NOT_ATTEMPTED


@pytest.mark.usefixtures("full_mode")
def test_forecast_wrong_answers():
    scaled = SCALER.transform(good_forecast().reshape(-1, 1)).ravel()
    verdict = ex06.check_forecast(scaled, TEST, TRAIN, 24)
    assert verdict.status == WRONG and "still in scaled units" in verdict.message
    on_test_windows = good_forecast()[24:]
    verdict = ex06.check_forecast(on_test_windows, TEST, TRAIN, 24)
    assert verdict.status == WRONG and "windows cut from the test data" in verdict.message
    flat = np.full(N_TEST, TRAIN.mean())
    verdict = ex06.check_forecast(flat, TEST, TRAIN, 24)
    assert verdict.status == WRONG and "far above the seasonal naive" in verdict.message
    verdict = ex06.check_forecast(TEST.to_numpy(), TEST, TRAIN, 24)
    assert verdict.status == WRONG and "test data itself" in verdict.message


@pytest.mark.usefixtures("fast_mode")
def test_forecast_fast_mode_only_compares_with_naive():
    flat = np.full(N_TEST, TRAIN.mean())   # what a barely trained model produces
    verdict = ex06.check_forecast(flat, TEST, TRAIN, 24)
    assert verdict.status == CORRECT and "fast mode" in verdict.message
    wild = TEST.to_numpy() + 40
    verdict = ex06.check_forecast(wild, TEST, TRAIN, 24)
    assert verdict.status == WRONG and "naive" in verdict.message


# --- task 4 ---

def test_rmse():
    forecast = good_forecast(0.3)
    errors = TEST.to_numpy() - forecast
    value = float(np.sqrt(np.mean(errors**2)))
    assert ex06.check_rmse(value, TEST, forecast, SCALER).status == CORRECT
    assert ex06.check_rmse(np.float32(value), TEST, forecast, SCALER).status == CORRECT
    assert ex06.check_rmse(..., TEST, forecast, SCALER).status == NOT_ATTEMPTED
    mse = ex06.check_rmse(value**2, TEST, forecast, SCALER)
    assert mse.status == WRONG and "square root" in mse.message
    mae = ex06.check_rmse(float(np.mean(np.abs(errors))), TEST, forecast, SCALER)
    assert mae.status == WRONG and "mean absolute error" in mae.message
    scaled_truth = SCALER.transform(TEST.to_numpy().reshape(-1, 1)).ravel()
    scaled_forecast = SCALER.transform(forecast.reshape(-1, 1)).ravel()
    scaled = float(np.sqrt(np.mean((scaled_truth - scaled_forecast) ** 2)))
    verdict = ex06.check_rmse(scaled, TEST, forecast, SCALER)
    assert verdict.status == WRONG and "scaled units" in verdict.message
    verdict = ex06.check_rmse("low", TEST, forecast, SCALER)
    assert verdict.status == WRONG and "one number" in verdict.message


# --- junk ---

@pytest.mark.parametrize("junk", JUNK, ids=lambda j: type(j).__name__)
def test_no_check_raises_on_junk(junk):
    verdicts = [
        ex06.check_split(junk, junk, junk, junk, SERIES, N_TEST),
        ex06.check_split(TRAIN, TEST, junk, junk, junk, junk),
        ex06.check_model(junk, junk, junk, junk, TRAIN_SCALED),
        ex06.check_model(24, *windows(TRAIN_SCALED, 24), junk, junk),
        ex06.check_forecast(junk, TEST, TRAIN, 24),
        ex06.check_forecast(junk, junk, junk, junk),
        ex06.check_rmse(junk, TEST, good_forecast(), SCALER),
        ex06.check_rmse(1.0, junk, junk, junk),
        ex06.check_origins(junk, junk, junk, junk, junk),
        ex06.check_origins([1.0, 2.0], junk, junk, junk, [1, 2]),
    ]
    for verdict in verdicts:
        assert verdict.status in (NOT_ATTEMPTED, WRONG)


# --- attempt tables for tasks 3 and 4: the check sees the model ---

from helpers.checks.attempts import JUNK as J  # noqa: E402
from helpers.checks.attempts import MISTAKE as M  # noqa: E402
from helpers.checks.attempts import VALID as V  # noqa: E402
from helpers.checks.attempts import Attempt, ids, judge, too_thin  # noqa: E402
from helpers.forecasting import inverse_scale, recursive_forecast  # noqa: E402


def _near_seasonal_model(window=24):
    """A linear one-step model: mostly the value a day earlier, a little of the last hour."""
    model = keras.Sequential([keras.Input(shape=(window, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(1)])
    kernel = np.zeros((window, 1), dtype="float32")
    kernel[0, 0], kernel[-1, 0] = 0.9, 0.1
    model.layers[-1].set_weights([kernel, np.array([0.0], dtype="float32")])
    return model


MODEL06 = _near_seasonal_model()
GOOD06 = inverse_scale(SCALER, recursive_forecast(MODEL06, TRAIN_SCALED, N_TEST))


def _t3(forecast, model=MODEL06):
    return ex06.check_forecast(forecast, TEST, TRAIN, 24, model, SCALER, TRAIN_SCALED)


def _teacher_forced():
    joined = np.concatenate([TRAIN_SCALED, SCALER.transform(TEST.to_numpy().reshape(-1, 1)).ravel()])
    X = np.stack([joined[i:i + 24] for i in range(len(TRAIN_SCALED) - 24, len(joined) - 24)])
    return inverse_scale(SCALER, MODEL06.predict(X[..., None], verbose=0))


def _rmse4(value, forecast=GOOD06):
    return ex06.check_rmse(value, TEST, forecast, SCALER)


_GOOD_RMSE = float(np.sqrt(np.mean((TEST.to_numpy() - np.ravel(GOOD06)) ** 2)))

ORIGINS = [len(TRAIN) + k for k in range(0, N_TEST - 24 + 1, 6)]
_SCALED_ALL = SCALER.transform(SERIES.to_numpy().reshape(-1, 1)).ravel()


def _origin_rmse(forecast_from, square=False, scale=1.0):
    """Per-origin RMSE written independently: a plain loop over the origins."""
    out = []
    for origin in ORIGINS:
        forecast = forecast_from(origin) * scale
        error = (SERIES.to_numpy()[origin : origin + 24] * scale - forecast)
        mse = float(np.mean(error**2))
        out.append(mse if square else mse**0.5)
    return out


def _recursive_from(origin):
    return inverse_scale(SCALER, recursive_forecast(MODEL06, _SCALED_ALL[:origin], 24))


def _one_step_true_windows(origin):
    X = np.stack([_SCALED_ALL[i - 24 : i] for i in range(origin, origin + 24)])[..., None]
    return inverse_scale(SCALER, MODEL06.predict(X, verbose=0).ravel())


def _refit_scaler_from(origin):
    refit = MinMaxScaler().fit(SERIES.to_numpy()[:origin].reshape(-1, 1))
    history = refit.transform(SERIES.to_numpy()[:origin].reshape(-1, 1)).ravel()
    return inverse_scale(refit, recursive_forecast(MODEL06, history, 24))


def _t5(answer, model=MODEL06):
    return ex06.check_origins(answer, model, SCALER, SERIES, ORIGINS, 24)


_GOOD_ORIGINS = _origin_rmse(_recursive_from)

TABLE06 = [
    Attempt(3, V, "array", lambda: _t3(GOOD06)),
    Attempt(3, V, "Series on the test dates", lambda: _t3(pd.Series(np.ravel(GOOD06), index=TEST.index))),
    Attempt(3, V, "scaler.inverse_transform column", lambda: _t3(SCALER.inverse_transform(
        recursive_forecast(MODEL06, TRAIN_SCALED, N_TEST).reshape(-1, 1)))),
    Attempt(3, M, "teacher forcing on test windows", lambda: _t3(_teacher_forced()), "TRUE values"),
    Attempt(3, M, "seasonal-naive copy", lambda: _t3(TRAIN.to_numpy()[-24:][np.arange(N_TEST) % 24]),
            "seasonal-naive"),
    Attempt(3, M, "from the first training window", lambda: _t3(inverse_scale(
        SCALER, recursive_forecast(MODEL06, TRAIN_SCALED[:24], N_TEST))), "FIRST"),
    Attempt(3, M, "still scaled", lambda: _t3(recursive_forecast(MODEL06, TRAIN_SCALED, N_TEST)), "scaled"),
    Attempt(3, M, "another model's forecast", lambda: _t3(GOOD06 + 0.3)),
    Attempt(3, J, "placeholder", lambda: _t3(...), status=NOT_ATTEMPTED),
    Attempt(3, J, "a string", lambda: _t3("forecast")),
    Attempt(3, J, "a number", lambda: _t3(20.0)),
    Attempt(4, V, "metrics.rmse", lambda: _rmse4(_GOOD_RMSE)),
    Attempt(4, V, "sklearn root of MSE", lambda: _rmse4(np.sqrt(
        __import__("sklearn.metrics").metrics.mean_squared_error(TEST, np.ravel(GOOD06))))),
    Attempt(4, V, "numpy float32", lambda: _rmse4(np.float32(_GOOD_RMSE))),
    Attempt(4, M, "NaN from misaligned indexes", lambda: _rmse4(float(np.sqrt(
        ((TEST - pd.Series(np.ravel(GOOD06))) ** 2).mean()))), "index"),
    Attempt(4, M, "MSE", lambda: _rmse4(_GOOD_RMSE ** 2), "square root"),
    Attempt(4, M, "MAE", lambda: _rmse4(float(np.mean(np.abs(TEST.to_numpy() - np.ravel(GOOD06))))),
            "absolute"),
    Attempt(4, M, "in scaled units", lambda: _rmse4(_GOOD_RMSE * float(SCALER.scale_[0])), "scaled"),
    Attempt(4, J, "placeholder", lambda: _rmse4(...), status=NOT_ATTEMPTED),
    Attempt(4, J, "a string", lambda: _rmse4("0.5")),
    Attempt(4, J, "a list", lambda: _rmse4([0.5, 0.6])),
    Attempt(5, V, "list", lambda: _t5(_GOOD_ORIGINS)),
    Attempt(5, V, "numpy array", lambda: _t5(np.array(_GOOD_ORIGINS, dtype="float32"))),
    Attempt(5, V, "pandas Series by origin", lambda: _t5(pd.Series(_GOOD_ORIGINS, index=SERIES.index[ORIGINS]))),
    Attempt(5, M, "true values after the origin", lambda: _t5(_origin_rmse(_one_step_true_windows)),
            "TRUE values"),
    Attempt(5, M, "every forecast from the end of train", lambda: _t5(
        [_GOOD_ORIGINS[0]] * len(ORIGINS)), "same RMSE"),
    Attempt(5, M, "MSE", lambda: _t5(_origin_rmse(_recursive_from, square=True)), "square root"),
    Attempt(5, M, "in scaled units", lambda: _t5(
        [v * float(SCALER.scale_[0]) for v in _GOOD_ORIGINS]), "scaled"),
    Attempt(5, V, "scaler refitted on the data up to each origin (same range here)",
            lambda: _t5(_origin_rmse(_refit_scaler_from))),
    Attempt(5, M, "history one hour too long", lambda: _t5([
        float(np.sqrt(np.mean((SERIES.to_numpy()[o : o + 24] - inverse_scale(
            SCALER, recursive_forecast(MODEL06, _SCALED_ALL[: o + 1], 24))) ** 2))) for o in ORIGINS]),
            "scaled[:origin]"),
    Attempt(5, M, "one origin only", lambda: _t5(_GOOD_ORIGINS[:1]), "one RMSE per origin"),
    Attempt(5, J, "placeholder", lambda: _t5(...), status=NOT_ATTEMPTED),
    Attempt(5, J, "a number", lambda: _t5(0.5)),
    Attempt(5, J, "a string", lambda: _t5("low")),
    Attempt(5, J, "a dict", lambda: _t5({0: 0.5})),
    Attempt(5, J, "NaN", lambda: _t5([float("nan")] * len(ORIGINS))),
]


@pytest.mark.parametrize("attempt", TABLE06, ids=ids(TABLE06))
def test_attempt_table(attempt, fast_mode):
    assert judge(attempt) is None, judge(attempt)


def test_table_covers_tasks_3_and_4():
    assert too_thin(TABLE06) == {}


# --- attempt tables for tasks 1 and 2 ---

def _t1(train, test, scaler=SCALER, train_scaled=TRAIN_SCALED):
    return ex06.check_split(train, test, scaler, train_scaled, SERIES, N_TEST)


def _fit_on(values):
    return MinMaxScaler().fit(np.asarray(values).reshape(-1, 1))


def _t2(window, X, y, model):
    return ex06.check_model(window, X, y, model, TRAIN_SCALED)


def _functional_rnn(window=24):
    inputs = keras.Input(shape=(window, 1))
    return keras.Model(inputs, keras.layers.Dense(1)(keras.layers.LSTM(8)(inputs)))


_X24, _Y24 = windows(TRAIN_SCALED, 24)
_X36, _Y36 = windows(TRAIN_SCALED, 36)
_WHOLE = SCALER.transform(SERIES.to_numpy().reshape(-1, 1)).ravel()

TABLE06_12 = [
    # task 1
    Attempt(1, V, "iloc and MinMaxScaler", lambda: _t1(TRAIN, TEST)),
    Attempt(1, V, "train_test_split without shuffling", lambda: _t1(
        *train_test_split(SERIES, test_size=N_TEST, shuffle=False))),
    Attempt(1, V, "StandardScaler, scaled as a column", lambda: (lambda sc: _t1(
        TRAIN, TEST, sc, sc.transform(TRAIN.to_frame().to_numpy())))(
        __import__("sklearn.preprocessing").preprocessing.StandardScaler().fit(
            TRAIN.to_numpy().reshape(-1, 1)))),
    Attempt(1, M, "scaler fitted on the whole series", lambda: _t1(
        TRAIN, TEST, _fit_on(SERIES), _fit_on(SERIES).transform(
            TRAIN.to_numpy().reshape(-1, 1)).ravel()), "all the data"),
    Attempt(1, M, "scaler fitted on the test hours", lambda: _t1(
        TRAIN, TEST, _fit_on(TEST), _fit_on(TEST).transform(
            TRAIN.to_numpy().reshape(-1, 1)).ravel()), "test set"),
    Attempt(1, M, "shuffled split", lambda: _t1(
        *train_test_split(SERIES, test_size=N_TEST, random_state=0)), "shuffled"),
    Attempt(1, M, "test first", lambda: _t1(SERIES.iloc[N_TEST:], SERIES.iloc[:N_TEST]),
            "FIRST part"),
    Attempt(1, M, "train_scaled not scaled", lambda: _t1(TRAIN, TEST, SCALER, TRAIN.to_numpy()),
            "still in the data's units"),
    Attempt(1, J, "placeholders", lambda: _t1(..., ..., ..., ...), status=NOT_ATTEMPTED),
    Attempt(1, J, "strings", lambda: _t1("train", "test", "minmax", "scaled")),
    Attempt(1, J, "numbers", lambda: _t1(144, 48, 1, 2)),
    # task 2
    Attempt(2, V, "window of a day, column labels", lambda: _t2(24, _X24, _Y24, rnn())),
    Attempt(2, V, "a day and a half, flat labels", lambda: _t2(36, _X36, _Y36[:, 0], rnn(36))),
    Attempt(2, V, "functional LSTM", lambda: _t2(24, _X24, _Y24, _functional_rnn())),
    Attempt(2, M, "windows cut over the test hours too", lambda: _t2(
        24, *windows(_WHOLE, 24), rnn())),
    Attempt(2, M, "half a day", lambda: _t2(12, *windows(TRAIN_SCALED, 12), rnn(12)),
            "shorter than one cycle"),
    Attempt(2, M, "no feature axis", lambda: _t2(24, _X24[:, :, 0], _Y24, rnn()), "feature axis"),
    Attempt(2, M, "label inside the window", lambda: _t2(24, _X24, _X24[:, -1, :], rnn()),
            "the hour right after each window"),
    Attempt(2, M, "return_sequences on the last layer", lambda: _t2(
        24, _X24, _Y24, rnn(sequences=True)), "return_sequences"),
    Attempt(2, M, "no recurrent layer", lambda: _t2(24, _X24, _Y24, _near_seasonal_model()),
            "no recurrent layer"),
    Attempt(2, J, "placeholders", lambda: _t2(..., ..., ..., ...), status=NOT_ATTEMPTED),
    Attempt(2, J, "window as a string", lambda: _t2("24", _X24, _Y24, rnn())),
    Attempt(2, J, "numbers", lambda: _t2(24, 1, 2, 3)),
]


@pytest.mark.parametrize("attempt", TABLE06_12, ids=ids(TABLE06_12))
def test_attempt_table_tasks_1_and_2(attempt, fast_mode):
    assert judge(attempt) is None, judge(attempt)


def test_tables_cover_every_task():
    assert too_thin(TABLE06 + TABLE06_12) == {}
    assert sorted({a.task for a in TABLE06 + TABLE06_12}) == list(range(1, ex06.TASKS + 1))
