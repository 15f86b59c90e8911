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
    model, history, scaler = trained
    assert ex07.check_model(model, history, WINDOW, scaler).status == CORRECT
    assert ex07.check_model(..., ..., WINDOW, scaler).status == NOT_ATTEMPTED
    fresh = keras.Sequential([keras.Input((WINDOW, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)])
    fresh.compile(optimizer="adam", loss="mse")
    is_wrong(ex07.check_model(fresh, history, WINDOW, scaler), "different model")
    dense = keras.Sequential([keras.Input((WINDOW, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    is_wrong(ex07.check_model(dense, history, WINDOW, scaler), "no recurrent layer")
    wide = keras.Sequential([keras.Input((WINDOW, 1)), keras.layers.LSTM(2), keras.layers.Dense(24)])
    is_wrong(ex07.check_model(wide, history, WINDOW, scaler), "Dense(1)")
    is_wrong(ex07.check_model(model, history, 24, scaler), "keras.Input(shape=(WINDOW, 1))")
    uncompiled = keras.Sequential([keras.Input((WINDOW, 1)), keras.layers.LSTM(2),
                                   keras.layers.Dense(1)])
    is_wrong(ex07.check_model(uncompiled, history, WINDOW, scaler), "not compiled")


def test_task5_untrained_model_is_recognised():
    model = keras.Sequential([keras.Input((WINDOW, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    history = keras.callbacks.History()
    history.set_model(model)
    history.history = {"loss": [0.1], "val_loss": [0.1]}
    is_wrong(ex07.check_model(model, history, WINDOW, fitted_scaler()), "untrained")


# --- task 6 ---

def test_task6_forecast(seasonal_model):
    model, scaler = seasonal_model
    good = unscale(scaler, recursive(model, scaled(scaler=scaler), 24))
    assert ex07.check_forecast(pd.Series(good, index=TEST.index), model, scaler).status == CORRECT
    assert ex07.check_forecast(..., ..., ...).status == NOT_ATTEMPTED
    assert ex07.check_forecast(pd.Series(good, index=TEST.index), ..., ...).status == NOT_ATTEMPTED
    is_wrong(ex07.check_forecast(good, model, scaler), "without dates")
    still_scaled = recursive(model, scaled(scaler=scaler), 24)
    is_wrong(ex07.check_forecast(still_scaled, model, scaler), "scaled units")
    is_wrong(ex07.check_forecast(good[:12], model, scaler), "24")
    shifted = pd.Series(good, index=TEST.index - pd.DateOffset(months=1))
    is_wrong(ex07.check_forecast(shifted, model, scaler), "test.index")
    # one-step predictions from windows that hold the true test values
    full = scaled(SERIES, scaler)
    leaked = [float(keras.ops.convert_to_numpy(model(full[t - WINDOW : t].reshape(1, WINDOW, 1)))[0, 0])
              for t in range(len(TRAIN), len(SERIES))]
    is_wrong(ex07.check_forecast(pd.Series(unscale(scaler, leaked), index=TEST.index), model,
                                 scaler), "TRUE values")
    is_wrong(ex07.check_forecast(good + 5.0, model, scaler), "not the recursive forecast")
    is_wrong(ex07.check_forecast(TEST, model, scaler), "test values themselves")
    is_wrong(ex07.check_forecast(good, model, StandardScaler()), "Check task 3")


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

def trained_copy(model):
    """The same hand-weighted model, compiled and 'trained' one step at learning rate 0."""
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    copy.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    X, y = windows(scaled())
    copy.fit(X[:8], y[:8], epochs=1, verbose=0)
    return copy


def trained_on(model, scaler, values=SERIES, **fit_args):
    """A copy of ``model`` 'trained' at learning rate 0 on the windows of ``values``, and its History."""
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    copy.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    X, y = windows(scaled(values, scaler))
    history = copy.fit(X, y, epochs=1, verbose=0, batch_size=fit_args.pop("batch_size", 16),
                       **({"validation_split": 0.1} | fit_args))
    return copy, history


def test_task8_future(seasonal_model):
    model, _ = seasonal_model
    full_scaler = StandardScaler().fit(SERIES.to_numpy().reshape(-1, 1))
    final, final_history = trained_on(model, full_scaler)
    values = unscale(full_scaler, recursive(final, scaled(SERIES, full_scaler), 12))
    dates = pd.date_range("2016-06-01", periods=12, freq="MS")
    assert ex07.check_future(pd.Series(values, index=dates), final, full_scaler,
                             final_history).status == CORRECT
    assert ex07.check_future(..., ..., ..., ...).status == NOT_ATTEMPTED
    on_train_windows, its_history = trained_on(model, fitted_scaler(), TRAIN)
    is_wrong(ex07.check_future(pd.Series(values, index=dates), on_train_windows, full_scaler,
                               its_history), "whole series")
    h = final_history
    is_wrong(ex07.check_future(values, final, full_scaler, h), "without dates")
    is_wrong(ex07.check_future(pd.Series(values, index=TEST.index[:12]), final, full_scaler, h),
             "test period starts")
    is_wrong(ex07.check_future(pd.Series(np.r_[values, values], index=pd.date_range(
        "2016-06-01", periods=24, freq="MS")), final, full_scaler, h), "next 12")
    is_wrong(ex07.check_future(pd.Series(values / 200, index=dates), final, full_scaler, h),
             "scaled units")
    is_wrong(ex07.check_future(pd.Series(values, index=dates + pd.DateOffset(months=1)), final,
                               full_scaler, h), "2016-06-01")
    is_wrong(ex07.check_future(pd.Series(values, index=dates), model, full_scaler, h),
             "never been trained")


# --- junk never crashes a check ---

@pytest.mark.parametrize("junk", JUNK, ids=lambda j: type(j).__name__)
def test_no_check_raises_on_junk(junk):
    verdicts = [
        ex07.check_load(junk),
        ex07.check_split(junk, junk),
        ex07.check_scaling(junk, junk),
        ex07.check_windows(junk, junk, junk, junk),
        ex07.check_model(junk, junk, junk, junk),
        ex07.check_forecast(junk, junk, junk),
        ex07.check_rmse(junk, junk, junk),
        ex07.check_future(junk, junk, junk, junk),
        ex07.check_future(junk, junk, junk, junk, junk),
        ex07.check_choice(junk, junk),
        ex07.check_backtest(junk, junk),
        ex07.check_noise(junk, junk, junk, junk),
        ex07.check_seed_noise(junk, junk, junk, junk, junk),
    ]
    for verdict in verdicts:
        assert verdict.status in (NOT_ATTEMPTED, WRONG), verdict


# --- attempt tables: what students submit, and the verdict a teacher gives ---

from helpers.checks.attempts import JUNK as J  # noqa: E402
from helpers.checks.attempts import MISTAKE as M  # noqa: E402
from helpers.checks.attempts import VALID as V  # noqa: E402
from helpers.checks.attempts import Attempt, ids, judge, too_thin  # noqa: E402
from helpers.forecasting import future_index, inverse_scale, recursive_forecast, to_series  # noqa: E402
from helpers.windows import make_windows  # noqa: E402

from sklearn.model_selection import train_test_split  # noqa: E402


def _hand_model(first=0.5):
    """first * the first month + (1 - first) * the last: cheap, and sensitive to its input."""
    model = keras.Sequential([keras.Input((WINDOW, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(1)])
    kernel = np.zeros((WINDOW, 1), dtype="float32")
    kernel[0, 0], kernel[-1, 0] = first, 1 - first
    model.layers[-1].set_weights([kernel, np.zeros(1, dtype="float32")])
    return model


HAND = _hand_model()
STD = StandardScaler().fit(TRAIN.to_numpy().reshape(-1, 1))
STD_SCALED = STD.transform(TRAIN.to_numpy().reshape(-1, 1))[:, 0]
GOOD6 = inverse_scale(STD, recursive_forecast(HAND, STD_SCALED, 24))
FULL = StandardScaler().fit(SERIES.to_numpy().reshape(-1, 1))
FULL_SCALED = FULL.transform(SERIES.to_numpy().reshape(-1, 1))[:, 0]
_TRAINED = {}


def _final():
    """The 'retrained' model of task 8 (built once, on first use)."""
    if "final" not in _TRAINED:
        _TRAINED["final"] = trained_on(_hand_model(0.7), FULL)
    return _TRAINED["final"][0]


def _final_history():
    _final()
    return _TRAINED["final"][1]


def _future(model=None, scaler=FULL, history=None):
    model = model or _final()
    history = FULL_SCALED if history is None else history
    return to_series(inverse_scale(scaler, recursive_forecast(model, history, 12)), SERIES.index)


def _t6(forecast, model=HAND, scaler=STD):
    return ex07.check_forecast(forecast, model, scaler)


def _t8(future, final=None, scaler=FULL, model=HAND, history=None):
    return ex07.check_future(future, final or _final(), scaler, history or _final_history(), model)


def _on_test(values):
    return pd.Series(np.ravel(values), index=TEST.index)


def _forced():
    full = STD.transform(SERIES.to_numpy().reshape(-1, 1))[:, 0]
    X, _ = make_windows(full[-(24 + WINDOW):], WINDOW)
    return inverse_scale(STD, HAND.predict(X[:24], verbose=0))


def _small_rnn(layer, functional=False, validation=True, windows_of=None, stop=None,
               train_on_stop=False, early_stopping=False, batch_size=64):
    """A tiny recurrent model trained one epoch (or a few, with early stopping) on ``windows_of``.

    Batches of 64 (one of the check's BATCH_SIZES) keep the eager training to a few steps."""
    keras.utils.set_random_seed(1)
    if functional:
        inputs = keras.Input((WINDOW, 1))
        model = keras.Model(inputs, keras.layers.Dense(1)(layer(3)(inputs)))
    else:
        model = keras.Sequential([keras.Input((WINDOW, 1)), layer(3), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    X, y = make_windows(STD_SCALED if windows_of is None else windows_of, WINDOW)
    args = {"epochs": 1, "batch_size": batch_size, "verbose": 0}
    if early_stopping:
        args.update(epochs=4, callbacks=[keras.callbacks.EarlyStopping(
            patience=1, restore_best_weights=True)])
    if stop is None:
        history = model.fit(X, y, validation_split=0.1 if validation else 0.0, **args)
    else:
        fit_part = slice(None) if train_on_stop else slice(None, -stop)
        history = model.fit(X[fit_part], y[fit_part], validation_data=(X[-stop:], y[-stop:]),
                            **args)
    return model, history


def _t5(build, scaler=STD, **kwargs):
    model, history = build(**kwargs)
    return ex07.check_model(model, history, WINDOW, scaler)


def _bidirectional(units):
    return keras.layers.Bidirectional(keras.layers.LSTM(units))


def _rmse7(lstm, snaive=None, forecast=None):
    forecast = _on_test(GOOD6) if forecast is None else forecast
    return ex07.check_rmse(lstm, snaive_rmse() if snaive is None else snaive, forecast)


# --- tasks 9-11: validation choice, rolling origins, sample noise ---

from helpers.baselines import (  # noqa: E402
    BacktestFold,
    ets_forecast,
    rolling_origin,
    sarimax_forecast,
    seasonal_naive_forecast,
)
from helpers.significance import diebold_mariano, squared_errors  # noqa: E402

FIT, VAL = TRAIN.iloc[:-24], TRAIN.iloc[-24:]
_LAZY = {}


def _lazy(key, make):
    if key not in _LAZY:
        _LAZY[key] = make()
    return _LAZY[key]


def _val_forecasts(**extra):
    base = _lazy("val", lambda: {
        "seasonal naive": seasonal_naive_forecast(FIT, 24, season=12),
        "SARIMA": sarimax_forecast(FIT, 24, log=True),
        "ETS(M,Ad,M)": ets_forecast(FIT, 24, form="ETS(M,Ad,M)")})
    return {**base, **extra}


def _best(forecasts, worst=False):
    scores = {k: rmse(VAL, f) for k, f in forecasts.items()}
    return (max if worst else min)(scores, key=scores.get)


def _t9(forecasts=None, chosen=None, worst=False):
    forecasts = _val_forecasts() if forecasts is None else forecasts
    return ex07.check_choice(forecasts, _best(forecasts, worst) if chosen is None else chosen)


def _folds():
    return _lazy("folds", lambda: {
        "seasonal naive": rolling_origin(SERIES, seasonal_naive_forecast, 12, origins=4, season=12),
        "SARIMA": rolling_origin(SERIES, sarimax_forecast, 12, origins=4, log=True),
        "ETS": rolling_origin(SERIES, ets_forecast, 12, origins=4, form="ETS(M,Ad,M)")})


def _table(folds, power=1):
    return pd.DataFrame({name: {f.train_end: rmse(f.truth, f.forecast) ** power for f in fs}
                         for name, fs in folds.items()})


def _t10(folds=None, table=None, transpose=False):
    folds = _folds() if folds is None else folds
    table = _table(folds) if table is None else table
    return ex07.check_backtest(folds, table.T if transpose else table)


def _with(name, new_folds):
    return {**_folds(), name: new_folds}


def _sarima_test():
    return _lazy("sarima_test", lambda: sarimax_forecast(TRAIN, 24, log=True))


def _t11(loss=squared_errors, swap=False, verdict=None, sarima=None, **dm_args):
    forecast, sarima = _on_test(GOOD6), _sarima_test() if sarima is None else sarima
    a, b = (sarima, forecast) if swap else (forecast, sarima)
    dm = diebold_mariano(loss(TEST, a), loss(TEST, b), **dm_args)
    return ex07.check_noise(dm, dm.p_value < 0.05 if verdict is None else verdict, forecast, sarima)


def _abs_errors(truth, forecast):
    return (truth - forecast).abs()


def _in_sample_sarima():
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    fitted = SARIMAX(np.log(SERIES), order=(0, 1, 1), seasonal_order=(0, 1, 1, 12)).fit(disp=False)
    return np.exp(fitted.predict(start=TEST.index[0], end=TEST.index[-1]))


def _seeds(*scales):
    """Task-6's forecast under seed 0 and, per scale, another seed's (a shifted copy)."""
    base = _on_test(GOOD6)
    return {0: base, **{seed: base * scale for seed, scale in enumerate(scales, start=1)}}


def _t12(forecasts=None, rmses=None, verdict=None, power=1):
    forecasts = _seeds(1.01, 0.985) if forecasts is None else forecasts
    scores = pd.Series({k: rmse(TEST, f) ** power for k, f in forecasts.items()})
    rmses = scores if rmses is None else rmses
    gap = abs(rmse(TEST, _on_test(GOOD6)) - rmse(TEST, _sarima_test()))
    if verdict is None:
        verdict = bool(gap > 2 * pd.Series({k: rmse(TEST, f) for k, f in forecasts.items()}).std())
    return ex07.check_seed_noise(forecasts, rmses, verdict, _on_test(GOOD6), _sarima_test())


def _t12_scores(forecasts):
    return pd.Series({k: rmse(TEST, f) for k, f in forecasts.items()})


def _t12_verdict():
    gap = abs(rmse(TEST, _on_test(GOOD6)) - rmse(TEST, _sarima_test()))
    return bool(gap > 2 * _t12_scores(_seeds(1.01, 0.985)).std())


_GOOD_RMSE7 = rmse(TEST, GOOD6)
_X, _Y = make_windows(STD_SCALED, WINDOW)

TABLE07 = [
    # task 1
    Attempt(1, V, "data.load", lambda: ex07.check_load(load("elec_equip"))),
    Attempt(1, V, "a copy", lambda: ex07.check_load(load("elec_equip").copy())),
    Attempt(1, V, "renamed", lambda: ex07.check_load(load("elec_equip").rename("index"))),
    Attempt(1, M, "the notebook's wine series", lambda: ex07.check_load(load("wine_sales")),
            "wine"),
    Attempt(1, M, "as a DataFrame", lambda: ex07.check_load(SERIES.to_frame()), "DataFrame"),
    Attempt(1, M, "the last 24 months cut off", lambda: ex07.check_load(SERIES.iloc[:-24]),
            "257 months"),
    Attempt(1, M, "index reset", lambda: ex07.check_load(SERIES.reset_index(drop=True)), "dates"),
    Attempt(1, M, "already scaled", lambda: ex07.check_load(SERIES / SERIES.max()), "values"),
    Attempt(1, J, "placeholder", lambda: ex07.check_load(...), status=NOT_ATTEMPTED),
    Attempt(1, J, "the name as a string", lambda: ex07.check_load("elec_equip")),
    Attempt(1, J, "a number", lambda: ex07.check_load(257)),
    # task 2
    Attempt(2, V, "iloc", lambda: ex07.check_split(SERIES.iloc[:-24], SERIES.iloc[-24:])),
    Attempt(2, V, "train_test_split without shuffling", lambda: ex07.check_split(
        *train_test_split(SERIES, test_size=24, shuffle=False))),
    Attempt(2, V, "by date labels", lambda: ex07.check_split(SERIES[:"2014-05"],
                                                             SERIES["2014-06":])),
    Attempt(2, V, "head and tail", lambda: ex07.check_split(SERIES.head(len(SERIES) - 24),
                                                            SERIES.tail(24))),
    Attempt(2, M, "test months also in train", lambda: ex07.check_split(SERIES, SERIES.iloc[-24:]),
            "share dates"),
    Attempt(2, M, "shuffled split", lambda: ex07.check_split(
        *train_test_split(SERIES, test_size=24, random_state=0)), "shuffled"),
    Attempt(2, M, "test first", lambda: ex07.check_split(SERIES.iloc[24:], SERIES.iloc[:24]),
            "BEFORE"),
    Attempt(2, M, "one test year", lambda: ex07.check_split(SERIES.iloc[:-12], SERIES.iloc[-12:]),
            "last 24"),
    Attempt(2, M, "plain arrays", lambda: ex07.check_split(SERIES.to_numpy()[:-24],
                                                           SERIES.to_numpy()[-24:]), "Series"),
    Attempt(2, J, "placeholders", lambda: ex07.check_split(..., ...), status=NOT_ATTEMPTED),
    Attempt(2, J, "strings", lambda: ex07.check_split("train", "test")),
    Attempt(2, J, "numbers", lambda: ex07.check_split(233, 24)),
    # task 3
    Attempt(3, V, "StandardScaler", lambda: ex07.check_scaling(STD, STD_SCALED)),
    Attempt(3, V, "MinMaxScaler with fit_transform", lambda: (lambda sc: ex07.check_scaling(
        sc, sc.fit_transform(TRAIN.to_frame()).ravel()))(MinMaxScaler())),
    Attempt(3, V, "a column (n, 1)", lambda: ex07.check_scaling(
        STD, STD.transform(TRAIN.to_numpy().reshape(-1, 1)))),
    Attempt(3, M, "fitted on the whole series", lambda: ex07.check_scaling(
        FULL, FULL.transform(TRAIN.to_numpy().reshape(-1, 1)).ravel()), "all the data"),
    Attempt(3, M, "fitted on the test months", lambda: (lambda sc: ex07.check_scaling(
        sc, sc.transform(TRAIN.to_numpy().reshape(-1, 1)).ravel()))(
        StandardScaler().fit(TEST.to_numpy().reshape(-1, 1))), "test set"),
    Attempt(3, M, "train_scaled not scaled", lambda: ex07.check_scaling(STD, TRAIN.to_numpy()),
            "original units"),
    Attempt(3, M, "the whole series scaled", lambda: ex07.check_scaling(
        STD, STD.transform(SERIES.to_numpy().reshape(-1, 1)).ravel()), "training series"),
    Attempt(3, M, "scaler never fitted", lambda: ex07.check_scaling(StandardScaler(), STD_SCALED),
            "not fitted"),
    Attempt(3, J, "placeholders", lambda: ex07.check_scaling(..., ...), status=NOT_ATTEMPTED),
    Attempt(3, J, "a string", lambda: ex07.check_scaling("StandardScaler", STD_SCALED)),
    Attempt(3, J, "numbers", lambda: ex07.check_scaling(1.0, 2.0)),
    # task 4
    Attempt(4, V, "make_windows", lambda: ex07.check_windows(WINDOW, *make_windows(
        STD_SCALED, WINDOW), STD_SCALED)),
    Attempt(4, V, "a loop, flat labels", lambda: ex07.check_windows(
        WINDOW, windows(STD_SCALED)[0], STD_SCALED[WINDOW:], STD_SCALED)),
    Attempt(4, V, "two years", lambda: ex07.check_windows(24, *make_windows(STD_SCALED, 24),
                                                          STD_SCALED)),
    Attempt(4, M, "windows over the test months too", lambda: ex07.check_windows(
        WINDOW, *make_windows(STD.transform(SERIES.to_numpy().reshape(-1, 1))[:, 0], WINDOW),
        STD_SCALED), "train_scaled only"),
    Attempt(4, M, "half a year", lambda: ex07.check_windows(6, *make_windows(STD_SCALED, 6),
                                                            STD_SCALED), "seasonal cycle"),
    Attempt(4, M, "no feature axis", lambda: ex07.check_windows(WINDOW, _X[:, :, 0], _Y,
                                                                STD_SCALED), "feature axis"),
    Attempt(4, M, "unscaled windows", lambda: ex07.check_windows(
        WINDOW, *make_windows(TRAIN.to_numpy(), WINDOW), STD_SCALED), "original units"),
    Attempt(4, M, "label inside the window", lambda: ex07.check_windows(
        WINDOW, _X, _X[:, -1, 0], STD_SCALED), "right AFTER"),
    Attempt(4, J, "placeholders", lambda: ex07.check_windows(..., ..., ..., STD_SCALED),
            status=NOT_ATTEMPTED),
    Attempt(4, J, "window as a string", lambda: ex07.check_windows("12", _X, _Y, STD_SCALED)),
    Attempt(4, J, "numbers", lambda: ex07.check_windows(WINDOW, 1, 2, STD_SCALED)),
    # task 5
    Attempt(5, V, "LSTM", lambda: _t5(_small_rnn, layer=keras.layers.LSTM)),
    Attempt(5, V, "GRU", lambda: _t5(_small_rnn, layer=keras.layers.GRU)),
    Attempt(5, V, "functional LSTM", lambda: _t5(_small_rnn, layer=keras.layers.LSTM,
                                                 functional=True)),
    Attempt(5, V, "Bidirectional(LSTM(16)) over the past window", lambda: _t5(
        _small_rnn, layer=_bidirectional)),
    Attempt(5, V, "explicit validation_data: the last 22 windows, kept out of training",
            lambda: _t5(_small_rnn, layer=keras.layers.LSTM, stop=22)),
    Attempt(5, V, "EarlyStopping callback restoring the best weights", lambda: _t5(
        _small_rnn, layer=keras.layers.GRU, early_stopping=True)),
    Attempt(5, M, "trained on windows of the whole series, test months included", lambda: _t5(
        _small_rnn, layer=keras.layers.LSTM,
        windows_of=STD.transform(SERIES.to_numpy().reshape(-1, 1))[:, 0]), "WHOLE series"),
    # batches of 16: 14 steps an epoch for all 221 windows, 13 without the 22 watched ones, so
    # the step count shows they were trained on too (with 64 both are 4 steps and it cannot)
    Attempt(5, M, "early stopping watches windows it also trains on", lambda: _t5(
        _small_rnn, layer=keras.layers.LSTM, stop=22, train_on_stop=True, batch_size=16),
        "also trained"),
    Attempt(5, M, "validation_data = the training windows themselves", lambda: _t5(
        _small_rnn, layer=keras.layers.LSTM, stop=len(_X), train_on_stop=True), "also trained"),
    Attempt(5, M, "no validation split", lambda: _t5(_small_rnn, layer=keras.layers.LSTM,
                                                     validation=False), "validation"),
    Attempt(5, M, "never trained", lambda: ex07.check_model(
        (lambda m: (m.compile(optimizer="adam", loss="mse"), m)[1])(keras.Sequential(
            [keras.Input((WINDOW, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)])),
        _small_rnn(keras.layers.LSTM)[1], WINDOW, STD), "different model"),
    Attempt(5, M, "no recurrent layer", lambda: ex07.check_model(
        HAND, _small_rnn(keras.layers.LSTM)[1], WINDOW, STD), "no recurrent layer"),
    Attempt(5, M, "24 outputs", lambda: _t5(lambda: (lambda m: (m.compile(
        optimizer="adam", loss="mse"), m, m.fit(_X[:, :, :], np.zeros((len(_X), 24)),
                                                epochs=1, verbose=0, validation_split=0.1))[1:])(
        keras.Sequential([keras.Input((WINDOW, 1)), keras.layers.LSTM(2),
                          keras.layers.Dense(24)]))), "Dense(1)"),
    Attempt(5, J, "placeholders", lambda: ex07.check_model(..., ..., WINDOW, STD),
            status=NOT_ATTEMPTED),
    Attempt(5, J, "a string", lambda: ex07.check_model("LSTM", "history", WINDOW, STD)),
    Attempt(5, J, "a dict", lambda: ex07.check_model({"units": 32}, {"loss": [1.0]}, WINDOW, STD)),
    Attempt(5, J, "the scaler as a string", lambda: _t5(_small_rnn, scaler="StandardScaler",
                                                        layer=keras.layers.LSTM)),
    # task 6
    Attempt(6, V, "solution's Series", lambda: _t6(_on_test(GOOD6))),
    Attempt(6, V, "inverse_transform column", lambda: _t6(_on_test(STD.inverse_transform(
        recursive_forecast(HAND, STD_SCALED, 24).reshape(-1, 1))))),
    Attempt(6, V, "to_series after train", lambda: _t6(to_series(GOOD6, TRAIN.index))),
    Attempt(6, V, "float32 values", lambda: _t6(_on_test(GOOD6.astype("float32")))),
    Attempt(6, M, "teacher forcing on the test windows", lambda: _t6(_on_test(_forced())),
            "TRUE values"),
    Attempt(6, M, "seasonal-naive copy", lambda: _t6(_on_test(
        TRAIN.to_numpy()[-12:][np.arange(24) % 12])), "seasonal-naive"),
    Attempt(6, M, "from the first window", lambda: _t6(_on_test(inverse_scale(
        STD, recursive_forecast(HAND, STD_SCALED[:WINDOW], 24)))), "FIRST"),
    Attempt(6, M, "still scaled", lambda: _t6(_on_test(recursive_forecast(HAND, STD_SCALED, 24))),
            "scaled"),
    Attempt(6, M, "bare ndarray (the plot needs dates)", lambda: _t6(GOOD6), "without dates"),
    Attempt(6, M, "positions instead of dates", lambda: _t6(pd.Series(GOOD6)), "test.index"),
    Attempt(6, M, "a one-column DataFrame", lambda: _t6(_on_test(GOOD6).to_frame()), "DataFrame"),
    Attempt(6, J, "placeholder", lambda: _t6(...), status=NOT_ATTEMPTED),
    Attempt(6, J, "a string", lambda: _t6("forecast")),
    Attempt(6, J, "a number", lambda: _t6(100.0)),
    # task 7
    Attempt(7, V, "metrics.rmse", lambda: _rmse7(_GOOD_RMSE7)),
    Attempt(7, V, "numpy float32", lambda: _rmse7(np.float32(_GOOD_RMSE7))),
    Attempt(7, V, "sklearn root of MSE", lambda: _rmse7(float(np.sqrt(
        __import__("sklearn.metrics").metrics.mean_squared_error(TEST, GOOD6))))),
    Attempt(7, M, "NaN from misaligned indexes", lambda: _rmse7(float(np.sqrt(
        ((TEST - pd.Series(GOOD6)) ** 2).mean()))), "index"),
    Attempt(7, M, "MSE", lambda: _rmse7(_GOOD_RMSE7 ** 2), "square root"),
    Attempt(7, M, "MAE", lambda: _rmse7(float(np.mean(np.abs(TEST.to_numpy() - GOOD6)))),
            "absolute"),
    Attempt(7, M, "plain naive baseline", lambda: _rmse7(_GOOD_RMSE7, rmse(
        TEST, np.repeat(TRAIN.iloc[-1], 24))), "plain naive"),
    Attempt(7, M, "season 24", lambda: _rmse7(_GOOD_RMSE7, snaive_rmse(24)), "season"),
    Attempt(7, J, "placeholders", lambda: _rmse7(..., ...), status=NOT_ATTEMPTED),
    Attempt(7, J, "a string", lambda: _rmse7("3.2")),
    Attempt(7, J, "a list", lambda: _rmse7([1.0, 2.0])),
    # task 8
    Attempt(8, V, "solution's to_series", lambda: _t8(_future())),
    Attempt(8, V, "future_index and inverse_transform", lambda: _t8(pd.Series(
        FULL.inverse_transform(recursive_forecast(_final(), FULL_SCALED, 12).reshape(-1, 1))[:, 0],
        index=future_index(SERIES.index, 12)))),
    Attempt(8, V, "MinMaxScaler on all", lambda: (lambda sc, fh: _t8(_future(
        fh[0], scaler=sc, history=sc.transform(SERIES.to_frame().to_numpy())[:, 0]), final=fh[0],
        scaler=sc, history=fh[1]))(*(lambda sc: (sc, trained_on(_hand_model(0.7), sc)))(
            MinMaxScaler().fit(SERIES.to_numpy().reshape(-1, 1))))),
    Attempt(8, V, "without passing the old model", lambda: ex07.check_future(
        _future(), _final(), FULL, _final_history())),
    Attempt(8, M, "final model trained on the task-4 windows only", lambda: (lambda fh: _t8(
        _future(fh[0]), final=fh[0], history=fh[1]))(trained_on(_hand_model(0.7), STD, TRAIN)),
        "whole series"),
    Attempt(8, M, "inverse-scaled with the task-3 scaler", lambda: _t8(to_series(inverse_scale(
        STD, recursive_forecast(_final(), FULL_SCALED, 12)), SERIES.index)), "task-3"),
    Attempt(8, M, "the old model, never retrained", lambda: _t8(_future(HAND), final=HAND),
            "task 5"),
    Attempt(8, M, "the old model's forecast", lambda: _t8(_future(HAND)), "task-5"),
    Attempt(8, M, "the task-3 scaler", lambda: _t8(_future(scaler=STD, history=STD.transform(
        SERIES.to_numpy().reshape(-1, 1))[:, 0]), scaler=STD), "training months only"),
    Attempt(8, M, "the last 12 months copied", lambda: _t8(to_series(SERIES.to_numpy()[-12:],
                                                                     SERIES.index)), "copied"),
    Attempt(8, M, "a constant", lambda: _t8(to_series(np.full(12, SERIES.mean()), SERIES.index)),
            "constant"),
    Attempt(8, M, "from the end of the training months", lambda: _t8(to_series(
        inverse_scale(FULL, recursive_forecast(_final(), FULL_SCALED[:-24], 12)),
        SERIES.index)), "TRAINING months"),
    Attempt(8, M, "on the test dates", lambda: _t8(pd.Series(_future().to_numpy(),
                                                             index=TEST.index[:12])), "test"),
    Attempt(8, M, "still scaled", lambda: _t8(to_series(recursive_forecast(
        _final(), FULL_SCALED, 12), SERIES.index)), "scaled"),
    Attempt(8, J, "placeholders", lambda: _t8(..., final=...), status=NOT_ATTEMPTED),
    Attempt(8, J, "a string", lambda: _t8("next year")),
    Attempt(8, J, "a number", lambda: _t8(100.0)),
    Attempt(8, J, "final_history as a dict", lambda: _t8(_future(), history={"loss": [1.0]})),
    # task 9
    Attempt(9, V, "three candidates, the lowest chosen in code", lambda: _t9()),
    Attempt(9, V, "a fourth candidate, ETS(A,Ad,A)", lambda: _t9(_val_forecasts(
        **{"ETS(A,Ad,A)": ets_forecast(FIT, 24, form="ETS(A,Ad,A)")}))),
    Attempt(9, V, "lower-case names", lambda: _t9({k.lower(): v for k, v in _val_forecasts().items()})),
    Attempt(9, M, "forecasts of the test months (the test decides)", lambda: _t9({
        "seasonal naive": seasonal_naive_forecast(TRAIN, 24, season=12),
        "SARIMA": sarimax_forecast(TRAIN, 24, log=True),
        "ETS": ets_forecast(TRAIN, 24, form="ETS(M,Ad,M)")}), "TEST months"),
    Attempt(9, M, "seasonal naive with lags inside the validation months", lambda: _t9(
        _val_forecasts(**{"seasonal naive": SERIES.shift(12).loc[VAL.index]})), "validation months"),
    Attempt(9, M, "the validation truth as a forecast", lambda: _t9(_val_forecasts(
        **{"seasonal naive": VAL.copy()})), "themselves"),
    Attempt(9, M, "the highest RMSE chosen", lambda: _t9(worst=True), "lowest"),
    Attempt(9, M, "no ETS candidate", lambda: _t9({"seasonal naive": _val_forecasts()["seasonal naive"],
                                                   "SARIMA": _val_forecasts()["SARIMA"],
                                                   "naive": FIT.iloc[[-1] * 24].set_axis(VAL.index)}),
            "ETS"),
    Attempt(9, M, "chosen is not a candidate", lambda: _t9(chosen="LSTM"), "one of the keys"),
    Attempt(9, J, "placeholders", lambda: ex07.check_choice(..., ...), status=NOT_ATTEMPTED),
    Attempt(9, J, "a list", lambda: ex07.check_choice([1, 2, 3], "SARIMA")),
    Attempt(9, J, "strings as forecasts", lambda: ex07.check_choice(
        {"seasonal naive": "a", "SARIMA": "b", "ETS": "c"}, "SARIMA")),
    # task 10
    Attempt(10, V, "origins as rows", lambda: _t10()),
    Attempt(10, V, "models as rows", lambda: _t10(transpose=True)),
    Attempt(10, V, "the table from backtest_scores with MASE", lambda: _t10(table=pd.DataFrame({
        name: __import__("helpers.baselines").baselines.backtest_scores(
            fs, series=SERIES, season=12)["RMSE"] for name, fs in _folds().items()}))),
    Attempt(10, M, "a forecast that saw the months it forecasts", lambda: _t10(_with("ETS", [
        BacktestFold(f.train_end, f.truth.copy(), f.truth) for f in _folds()["ETS"]])),
        "equals the truth"),
    Attempt(10, M, "ETS from other origins than the others", lambda: _t10(_with("ETS", rolling_origin(
        SERIES, seasonal_naive_forecast, 12, origins=4, step=6, season=12))), "same origins"),
    Attempt(10, M, "a scaled series", lambda: _t10(_with("seasonal naive", rolling_origin(
        SERIES / 100, seasonal_naive_forecast, 12, origins=4, season=12))), "series itself"),
    Attempt(10, M, "one origin only", lambda: _t10({k: v[-1:] for k, v in _folds().items()}),
            "at least 3"),
    Attempt(10, M, "a table of MSE", lambda: _t10(table=_table(_folds(), power=2)), "squared"),
    Attempt(10, M, "seasonal naive with season 24", lambda: _t10(_with("seasonal naive", rolling_origin(
        SERIES, seasonal_naive_forecast, 12, origins=4, season=24))), "seasonal-naive"),
    Attempt(10, J, "placeholders", lambda: ex07.check_backtest(..., ...), status=NOT_ATTEMPTED),
    Attempt(10, J, "a string", lambda: ex07.check_backtest("folds", "table")),
    Attempt(10, J, "lists of numbers", lambda: ex07.check_backtest(
        {"seasonal naive": [1], "SARIMA": [2], "ETS": [3]}, pd.DataFrame())),
    # task 11
    Attempt(11, V, "squared errors", lambda: _t11()),
    Attempt(11, V, "absolute errors", lambda: _t11(loss=_abs_errors)),
    Attempt(11, V, "SARIMA first", lambda: _t11(swap=True)),
    Attempt(11, V, "SARIMA's bias-adjusted mean", lambda: _t11(sarima=pd.Series(
        ex07._airline_test()[1], index=TEST.index))),
    Attempt(11, M, "SARIMA fitted on the whole series, in-sample on the test months", lambda: _t11(
        sarima=_in_sample_sarima()), "log of `train`"),
    Attempt(11, M, "the verdict reversed", lambda: (lambda dm: ex07.check_noise(
        dm, not dm.p_value < 0.05, _on_test(GOOD6), _sarima_test()))(diebold_mariano(
            squared_errors(TEST, _on_test(GOOD6)), squared_errors(TEST, _sarima_test()))), "p ="),
    Attempt(11, M, "horizon 12 for one loss per month", lambda: _t11(horizon=12), "horizon"),
    Attempt(11, M, "a SARIMA without the log", lambda: _t11(sarima=sarimax_forecast(TRAIN, 24)),
            "log"),
    Attempt(11, J, "placeholders", lambda: ex07.check_noise(..., ..., ..., ...),
            status=NOT_ATTEMPTED),
    Attempt(11, J, "a number as dm", lambda: ex07.check_noise(0.05, True, _on_test(GOOD6),
                                                              _sarima_test())),
    Attempt(11, J, "strings", lambda: ex07.check_noise("dm", "yes", "forecast", "sarima")),
    # task 12
    Attempt(12, V, "three seeds, RMSEs as a Series", lambda: _t12()),
    Attempt(12, V, "RMSEs as a list in seed order", lambda: _t12(rmses=list(
        _t12_scores(_seeds(1.01, 0.985))))),
    Attempt(12, V, "RMSEs as a dict", lambda: _t12(rmses=dict(_t12_scores(_seeds(1.01, 0.985))))),
    Attempt(12, V, "five seeds", lambda: _t12(_seeds(1.01, 0.985, 1.02, 0.99))),
    Attempt(12, V, "seeds that differ a lot", lambda: _t12(_seeds(1.2, 0.8))),
    Attempt(12, M, "one forecast copied under three seeds", lambda: _t12(
        {0: _on_test(GOOD6), 1: _on_test(GOOD6), 2: _on_test(GOOD6)}), "are the same"),
    Attempt(12, M, "the task-6 forecast left out", lambda: _t12(
        {1: _on_test(GOOD6) * 1.01, 2: _on_test(GOOD6) * 0.985, 3: _on_test(GOOD6) * 1.02}),
        "not among"),
    Attempt(12, M, "two seeds only", lambda: _t12(_seeds(1.01)), "at least three"),
    Attempt(12, M, "MSE instead of RMSE", lambda: _t12(power=2), "square root"),
    Attempt(12, M, "the verdict reversed", lambda: _t12(verdict=not _t12_verdict()), "should be"),
    Attempt(12, M, "RMSEs under other seeds", lambda: _t12(rmses=pd.Series(
        [1.0, 2.0, 3.0], index=[5, 6, 7])), "has the seeds"),
    Attempt(12, M, "forecasts of the training months", lambda: _t12(
        {k: pd.Series(v.to_numpy(), index=TRAIN.index[-24:]) for k, v in _seeds(1.01, 0.985).items()}),
        "indexed by"),
    Attempt(12, J, "placeholders", lambda: ex07.check_seed_noise(..., ..., ..., ..., ...),
            status=NOT_ATTEMPTED),
    Attempt(12, J, "strings", lambda: ex07.check_seed_noise("a", "b", "c", "d", "e")),
    Attempt(12, J, "a list of numbers as forecasts", lambda: ex07.check_seed_noise(
        [1, 2, 3], [1, 2, 3], True, _on_test(GOOD6), _sarima_test())),
]


@pytest.mark.parametrize("attempt", TABLE07, ids=ids(TABLE07))
def test_attempt_table(attempt, monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")
    assert judge(attempt) is None, judge(attempt)


def test_attempt_table_covers_every_task():
    assert too_thin(TABLE07) == {}
    assert sorted({a.task for a in TABLE07}) == list(range(1, ex07.TASKS + 1))
