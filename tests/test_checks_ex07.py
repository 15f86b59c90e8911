"""Exercise 07's checks: right answers pass, placeholders wait, realistic mistakes get hints."""

from __future__ import annotations

from helpers.checks import CORRECT, NOT_ATTEMPTED, WRONG
from helpers.checks import ex07_monthly_sales as ex07
from helpers.data import load

import keras
import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import MinMaxScaler, StandardScaler

# --- reference answers, written independently of the checks module ---

SERIES = load("elec_equip")
TRAIN, TEST = SERIES.iloc[:233], SERIES.iloc[233:]
WINDOW = 12


def fitted_scaler(values=TRAIN):
    return MinMaxScaler().fit(np.asarray(values, dtype="float64").reshape(-1, 1))


def scaled(values=TRAIN, scaler=None):
    scaler = scaler or fitted_scaler()
    return scaler.transform(np.asarray(values, dtype="float64").reshape(-1, 1))[:, 0]


def windows(series, window=WINDOW):
    n = len(series) - window
    X = np.stack([series[i : i + window] for i in range(n)])[:, :, None]
    y = np.asarray(series[window:])[:, None]
    return X, y


@pytest.fixture(scope="module")
def trained():
    """A tiny LSTM trained for one epoch, its History and its scaler."""
    keras.utils.set_random_seed(0)
    scaler = fitted_scaler()
    X, y = windows(scaled(scaler=scaler))
    model = keras.Sequential([keras.Input((WINDOW, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(X, y, epochs=1, batch_size=64, validation_split=0.1, verbose=0)
    return model, history, scaler


@pytest.fixture(scope="module")
def seasonal_model():
    """A hand-weighted model: next value = 0.5 * (first + last value of the window).

    Its output depends strongly on its input, so a forecast fed with predictions
    and one fed with the true test values differ clearly.
    """
    model = keras.Sequential([keras.Input((WINDOW, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(1)])
    kernel = np.zeros((WINDOW, 1), dtype="float32")
    kernel[0, 0] = kernel[-1, 0] = 0.5
    model.layers[-1].set_weights([kernel, np.zeros(1, dtype="float32")])
    return model, fitted_scaler()


def recursive(model, history, steps):
    buffer = list(np.asarray(history, dtype="float32"))
    for _ in range(steps):
        x = np.asarray(buffer[-WINDOW:], dtype="float32").reshape(1, WINDOW, 1)
        buffer.append(float(keras.ops.convert_to_numpy(model(x))[0, 0]))
    return np.asarray(buffer[-steps:])


def unscale(scaler, values):
    return scaler.inverse_transform(np.asarray(values).reshape(-1, 1))[:, 0]


def rmse(a, b):
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def snaive_rmse(season=12):
    values = TRAIN.to_numpy()[-season:]
    forecast = np.array([values[i % season] for i in range(24)])
    return rmse(TEST, forecast)


JUNK = [None, 3, "text", [1, 2], {"a": 1}, np.zeros(3), object(), pd.Series(dtype=float),
        pd.DataFrame({"a": [1.0]}), lambda *a: 1 / 0]


def is_wrong(verdict, text):
    assert verdict.status == WRONG, verdict
    assert text in verdict.message, verdict.message


# --- task 1 ---

def test_task1_load():
    assert ex07.check_load(load("elec_equip")).status == CORRECT
    assert ex07.check_load(...).status == NOT_ATTEMPTED
    is_wrong(ex07.check_load(load("wine_sales")), "wine sales")
    is_wrong(ex07.check_load(SERIES.to_frame()), "DataFrame")
    is_wrong(ex07.check_load(SERIES.iloc[:-24]), "257 months")
    is_wrong(ex07.check_load(SERIES.reset_index(drop=True)), "not by dates")
    is_wrong(ex07.check_load(SERIES / 100), "values differ")


# --- task 2 ---

def test_task2_split():
    assert ex07.check_split(TRAIN, TEST).status == CORRECT
    assert ex07.check_split(..., ...).status == NOT_ATTEMPTED
    assert ex07.check_split(TRAIN, ...).status == NOT_ATTEMPTED
    is_wrong(ex07.check_split(SERIES.iloc[:-12], SERIES.iloc[-12:]), "last 24")
    shuffled = SERIES.sample(frac=1.0, random_state=0)
    is_wrong(ex07.check_split(shuffled.iloc[:-24], shuffled.iloc[-24:]), "shuffled")
    is_wrong(ex07.check_split(SERIES.iloc[24:], SERIES.iloc[:24]), "BEFORE")
    is_wrong(ex07.check_split(SERIES, TEST), "share dates")
    is_wrong(ex07.check_split(SERIES.iloc[:-36], TEST), "no gap")


# --- task 3 ---

def test_task3_scaling():
    scaler = fitted_scaler()
    assert ex07.check_scaling(scaler, scaled(scaler=scaler)).status == CORRECT
    standard = StandardScaler().fit(TRAIN.to_numpy().reshape(-1, 1))
    assert ex07.check_scaling(standard, scaled(scaler=standard)).status == CORRECT
    assert ex07.check_scaling(..., ...).status == NOT_ATTEMPTED
    # The index's lowest and highest months are in the training part, so a MinMaxScaler
    # fitted on all the data learns the same range; a StandardScaler shows the leak.
    on_all = StandardScaler().fit(SERIES.to_numpy().reshape(-1, 1))
    is_wrong(ex07.check_scaling(on_all, scaled(scaler=on_all)), "fitted on all the data")
    on_test = fitted_scaler(TEST)
    is_wrong(ex07.check_scaling(on_test, scaled(scaler=on_test)), "fitted on the test set")
    is_wrong(ex07.check_scaling(scaler, TRAIN.to_numpy()), "original units")
    is_wrong(ex07.check_scaling(MinMaxScaler(), TRAIN.to_numpy()), "not fitted yet")


# --- task 4 ---

def test_task4_windows():
    series = scaled()
    X, y = windows(series)
    assert ex07.check_windows(WINDOW, X, y, series).status == CORRECT
    assert ex07.check_windows(WINDOW, X, y[:, 0], series).status == CORRECT
    X24, y24 = windows(series, 24)
    assert ex07.check_windows(24, X24, y24, series).status == CORRECT
    assert ex07.check_windows(..., ..., ..., series).status == NOT_ATTEMPTED
    X6, y6 = windows(series, 6)
    is_wrong(ex07.check_windows(6, X6, y6, series), "shorter than one seasonal cycle")
    is_wrong(ex07.check_windows(WINDOW, X[:, :, 0], y, series), "feature axis")
    Xu, yu = windows(TRAIN.to_numpy())
    is_wrong(ex07.check_windows(WINDOW, Xu, yu, series), "original units")
    is_wrong(ex07.check_windows(WINDOW, X, X[:, -1, :], series), "right AFTER")
    n = len(series) - WINDOW - 23
    multi = np.stack([series[i + WINDOW : i + WINDOW + 24] for i in range(n)])
    is_wrong(ex07.check_windows(WINDOW, X[:n], multi, series), "horizon=1")


# --- task 5 ---

def test_task5_model(trained):
    model, history, _ = trained
    assert ex07.check_model(model, history, WINDOW).status == CORRECT
    assert ex07.check_model(..., ..., WINDOW).status == NOT_ATTEMPTED
    fresh = keras.Sequential([keras.Input((WINDOW, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)])
    fresh.compile(optimizer="adam", loss="mse")
    is_wrong(ex07.check_model(fresh, history, WINDOW), "different model")
    dense = keras.Sequential([keras.Input((WINDOW, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    is_wrong(ex07.check_model(dense, history, WINDOW), "no recurrent layer")
    wide = keras.Sequential([keras.Input((WINDOW, 1)), keras.layers.LSTM(2), keras.layers.Dense(24)])
    is_wrong(ex07.check_model(wide, history, WINDOW), "Dense(1)")
    is_wrong(ex07.check_model(model, history, 24), "keras.Input(shape=(WINDOW, 1))")
    uncompiled = keras.Sequential([keras.Input((WINDOW, 1)), keras.layers.LSTM(2),
                                   keras.layers.Dense(1)])
    is_wrong(ex07.check_model(uncompiled, history, WINDOW), "not compiled")


def test_task5_untrained_model_is_recognised():
    model = keras.Sequential([keras.Input((WINDOW, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    history = keras.callbacks.History()
    history.set_model(model)
    history.history = {"loss": [0.1], "val_loss": [0.1]}
    is_wrong(ex07.check_model(model, history, WINDOW), "untrained")


# --- task 6 ---

def test_task6_forecast(seasonal_model):
    model, scaler = seasonal_model
    good = unscale(scaler, recursive(model, scaled(scaler=scaler), 24))
    assert ex07.check_forecast(pd.Series(good, index=TEST.index), model, scaler).status == CORRECT
    assert ex07.check_forecast(good, model, scaler).status == CORRECT
    assert ex07.check_forecast(good).status == CORRECT
    assert ex07.check_forecast(..., ..., ...).status == NOT_ATTEMPTED
    still_scaled = recursive(model, scaled(scaler=scaler), 24)
    is_wrong(ex07.check_forecast(still_scaled, model, scaler), "scaled units")
    is_wrong(ex07.check_forecast(good[:12], model, scaler), "24")
    shifted = pd.Series(good, index=TEST.index - pd.DateOffset(months=1))
    is_wrong(ex07.check_forecast(shifted, model, scaler), "test.index")
    # one-step predictions from windows that hold the true test values
    full = scaled(SERIES, scaler)
    leaked = [float(keras.ops.convert_to_numpy(model(full[t - WINDOW : t].reshape(1, WINDOW, 1)))[0, 0])
              for t in range(len(TRAIN), len(SERIES))]
    is_wrong(ex07.check_forecast(unscale(scaler, leaked), model, scaler), "TRUE test values")
    is_wrong(ex07.check_forecast(good + 5.0, model, scaler), "not the recursive forecast")
    is_wrong(ex07.check_forecast(TEST, model, scaler), "test values themselves")
    is_wrong(ex07.check_forecast(good, model, StandardScaler()), "could not recompute")


# --- task 7 ---

def test_task7_rmse(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "0")
    forecast = TEST.to_numpy() + np.linspace(-3, 3, 24)
    good, base = rmse(TEST, forecast), snaive_rmse()
    assert ex07.check_rmse(good, base, forecast).status == CORRECT
    assert ex07.check_rmse(..., ..., forecast).status == NOT_ATTEMPTED
    is_wrong(ex07.check_rmse(good**2, base, forecast), "mean squared error")
    is_wrong(ex07.check_rmse(float(np.mean(np.abs(forecast - TEST.to_numpy()))), base, forecast),
             "mean absolute error")
    naive = rmse(TEST, np.repeat(TRAIN.iloc[-1], 24))
    is_wrong(ex07.check_rmse(good, naive, forecast), "plain naive")
    is_wrong(ex07.check_rmse(good, snaive_rmse(24), forecast), "season of 24")
    far = TEST.to_numpy() + 30.0
    far_verdict = ex07.check_rmse(rmse(TEST, far), base, far)
    is_wrong(far_verdict, "far above the seasonal naive")
    assert "training curve" in far_verdict.message


def test_task7_fast_mode_skips_the_quality_check(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_FAST", "1")
    far = TEST.to_numpy() + 30.0
    assert ex07.check_rmse(rmse(TEST, far), snaive_rmse(), far).status == CORRECT
    assert "fast mode" in capsys.readouterr().out


# --- task 8 ---

def test_task8_future():
    dates = pd.date_range("2016-06-01", periods=12, freq="MS")
    values = np.linspace(95.0, 110.0, 12)
    assert ex07.check_future(pd.Series(values, index=dates)).status == CORRECT
    assert ex07.check_future(...).status == NOT_ATTEMPTED
    is_wrong(ex07.check_future(values), "without dates")
    is_wrong(ex07.check_future(pd.Series(values, index=TEST.index[:12])), "test period starts")
    is_wrong(ex07.check_future(pd.Series(np.r_[values, values], index=pd.date_range(
        "2016-06-01", periods=24, freq="MS"))), "next 12")
    is_wrong(ex07.check_future(pd.Series(values / 200, index=dates)), "scaled units")
    is_wrong(ex07.check_future(pd.Series(values, index=dates + pd.DateOffset(months=1))),
             "2016-06-01")


# --- junk never crashes a check ---

@pytest.mark.parametrize("junk", JUNK, ids=lambda j: type(j).__name__)
def test_no_check_raises_on_junk(junk):
    verdicts = [
        ex07.check_load(junk),
        ex07.check_split(junk, junk),
        ex07.check_scaling(junk, junk),
        ex07.check_windows(junk, junk, junk, junk),
        ex07.check_model(junk, junk, junk),
        ex07.check_forecast(junk, junk, junk),
        ex07.check_rmse(junk, junk, junk),
        ex07.check_future(junk),
    ]
    for verdict in verdicts:
        assert verdict.status in (NOT_ATTEMPTED, WRONG), verdict
