"""Exercise 08's checks: split and scaler, windows, naive baseline, LSTM, residual forecast."""

from __future__ import annotations

from helpers.checks import CORRECT, NOT_ATTEMPTED, WRONG
from helpers.checks import ex08_multivariate_temperature as ex08
from helpers.data import load

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import MinMaxScaler, StandardScaler

WINDOW = 14
TEMP = 1  # position of temp_max among the columns


# --- reference answers, computed here independently of the check module ---

@pytest.fixture(scope="module")
def weather():
    return load("seattle_weather")


@pytest.fixture(scope="module")
def parts(weather):
    # by position: 2012 is a leap year, so 2012-2013 is 366 + 365 days
    return weather.iloc[:731], weather.iloc[731:1096], weather.iloc[1096:]


@pytest.fixture(scope="module")
def scaler(parts):
    return StandardScaler().fit(parts[0])


def window_by_hand(data, window=WINDOW):
    X = np.array([data[i:i + window] for i in range(len(data) - window)])
    y = data[window:, TEMP][:, None]
    return X.astype("float32"), y.astype("float32")


@pytest.fixture(scope="module")
def windows(parts, scaler):
    return window_by_hand(scaler.transform(parts[0]))


@pytest.fixture(scope="module")
def naive_mae(weather):
    temp = weather["temp_max"].to_numpy()
    return float(np.mean(np.abs(np.diff(temp)[-365:])))  # the last 365 days are 2015


def lstm(input_shape=(WINDOW, 4), units=1, return_sequences=False, layer="LSTM"):
    import keras

    recurrent = getattr(keras.layers, layer)(4, return_sequences=return_sequences)
    return keras.Sequential([keras.Input(shape=input_shape), recurrent, keras.layers.Dense(units)])


JUNK = [None, ..., 3, "text", [1, 2], {"a": 1}, np.zeros(3), object(), pd.DataFrame()]


# --- task 1 ---

def test_task1_correct_and_placeholder(parts, scaler):
    train, val, test = parts
    assert ex08.check_split(train, val, test, scaler).status == CORRECT
    fitted_on_frame = StandardScaler().fit(train.to_numpy())
    assert ex08.check_split(train, val, test, fitted_on_frame).status == CORRECT
    assert ex08.check_split(..., ..., ..., ...).status == NOT_ATTEMPTED
    assert ex08.check_split(train, val, test, ...).status == NOT_ATTEMPTED


def test_task1_shuffled_or_overlapping_splits(weather, parts, scaler):
    shuffled = weather.sample(frac=1.0, random_state=0)
    train, val, test = shuffled.iloc[:731], shuffled.iloc[731:1096], shuffled.iloc[1096:]
    verdict = ex08.check_split(train, val, test, StandardScaler().fit(train))
    assert verdict.status == WRONG and "shuffled" in verdict.message
    resorted = ex08.check_split(train.sort_index(), val.sort_index(), test.sort_index(),
                                StandardScaler().fit(train))
    assert resorted.status == WRONG and "interleaved" in resorted.message
    overlapping = weather.loc["2012":"2014"]
    verdict = ex08.check_split(overlapping, parts[1], parts[2],
                               StandardScaler().fit(overlapping))
    assert verdict.status == WRONG and "share 365 day(s)" in verdict.message
    by_fraction = ex08.check_split(weather.iloc[:1000], weather.iloc[1000:1200],
                                   weather.iloc[1200:], scaler)
    assert by_fraction.status == WRONG and "2012-2013" in by_fraction.message


def test_task1_scaler_leaks(weather, parts):
    train, val, test = parts
    on_all = ex08.check_split(train, val, test, StandardScaler().fit(weather))
    assert on_all.status == WRONG and "all the data" in on_all.message
    on_test = ex08.check_split(train, val, test, StandardScaler().fit(test))
    assert on_test.status == WRONG and "test year" in on_test.message
    on_train_val = ex08.check_split(train, val, test, StandardScaler().fit(pd.concat([train, val])))
    assert on_train_val.status == WRONG and "validation" in on_train_val.message
    one_column = ex08.check_split(train, val, test, StandardScaler().fit(train[["temp_max"]]))
    assert one_column.status == WRONG and "all four columns" in one_column.message
    unfitted = ex08.check_split(train, val, test, StandardScaler())
    assert unfitted.status == WRONG and "not fitted" in unfitted.message
    minmax = ex08.check_split(train, val, test, MinMaxScaler().fit(train))
    assert minmax.status == WRONG and "StandardScaler" in minmax.message


def test_task1_parts_already_scaled(parts, scaler):
    train, val, test = parts
    scaled = pd.DataFrame(scaler.transform(train), index=train.index, columns=train.columns)
    verdict = ex08.check_split(scaled, val, test, scaler)
    assert verdict.status == WRONG and "raw weather values" in verdict.message


# --- task 2 ---

def test_task2_correct_and_placeholder(parts, scaler, windows):
    X, y = windows
    assert ex08.check_windows(X, y, parts[0], scaler).status == CORRECT
    assert ex08.check_windows(X, y[:, 0], parts[0], scaler).status == CORRECT
    assert ex08.check_windows(..., ..., parts[0], scaler).status == NOT_ATTEMPTED
    assert ex08.check_windows(X, y, ..., ...).status == NOT_ATTEMPTED


def test_task2_label_mistakes(parts, scaler, windows):
    X, y = windows
    train = parts[0]
    raw = train.to_numpy()
    scaled = scaler.transform(train)
    off_by_one = scaled[WINDOW - 1:-1, TEMP][:, None]
    verdict = ex08.check_windows(X, off_by_one, train, scaler)
    assert verdict.status == WRONG and "off by one" in verdict.message
    in_celsius = raw[WINDOW:, TEMP][:, None]
    verdict = ex08.check_windows(X, in_celsius, train, scaler)
    assert verdict.status == WRONG and "°C" in verdict.message
    all_columns = scaled[WINDOW:]
    verdict = ex08.check_windows(X, all_columns, train, scaler)
    assert verdict.status == WRONG and "targets='temp_max'" in verdict.message
    temp_min = scaled[WINDOW:, 2][:, None]
    verdict = ex08.check_windows(X, temp_min, train, scaler)
    assert verdict.status == WRONG and "temp_min" in verdict.message


def test_task2_input_mistakes(weather, parts, scaler, windows):
    X, y = windows
    train = parts[0]
    raw_X, _ = window_by_hand(train.to_numpy())
    verdict = ex08.check_windows(raw_X, y, train, scaler)
    assert verdict.status == WRONG and "raw values" in verdict.message
    verdict = ex08.check_windows(X[:, :, TEMP:TEMP + 1], y, train, scaler)
    assert verdict.status == WRONG and "all four" in verdict.message
    verdict = ex08.check_windows(X.transpose(0, 2, 1), y, train, scaler)
    assert verdict.status == WRONG and "swapped" in verdict.message
    everything, labels = window_by_hand(scaler.transform(weather))
    verdict = ex08.check_windows(everything, labels, train, scaler)
    assert verdict.status == WRONG and "training part only" in verdict.message
    verdict = ex08.check_windows(X[:, -7:], y, train, scaler)
    assert verdict.status == WRONG and "WINDOW = 14" in verdict.message


# --- task 3 ---

def test_task3_correct_and_placeholder(naive_mae):
    assert ex08.check_naive_mae(naive_mae).status == CORRECT
    assert ex08.check_naive_mae(np.float32(naive_mae)).status == CORRECT
    assert ex08.check_naive_mae(np.array([naive_mae])).status == CORRECT
    assert ex08.check_naive_mae(...).status == NOT_ATTEMPTED


def test_task3_wrong_answers(weather, naive_mae, scaler):
    temp = weather["temp_max"].to_numpy()
    errors = np.diff(temp)[-365:]
    scaled_units = ex08.check_naive_mae(naive_mae / scaler.scale_[TEMP])
    assert scaled_units.status == WRONG and "scaled units" in scaled_units.message
    short = ex08.check_naive_mae(float(np.mean(np.abs(errors[1:]))))
    assert short.status == WRONG and "364 days" in short.message
    rmse = ex08.check_naive_mae(float(np.sqrt(np.mean(errors**2))))
    assert rmse.status == WRONG and "ABSOLUTE" in rmse.message
    signed = ex08.check_naive_mae(float(np.mean(errors)))
    assert signed.status == WRONG and "signed" in signed.message
    last_year = ex08.check_naive_mae(float(np.mean(np.abs(temp[-365:] - temp[-730:-365]))))
    assert last_year.status == WRONG and "last year" in last_year.message
    validation = ex08.check_naive_mae(float(np.mean(np.abs(np.diff(temp)[-730:-365]))))
    assert validation.status == WRONG and "2014" in validation.message
    other = ex08.check_naive_mae(1.0)
    assert other.status == WRONG and "shift(1)" in other.message
    several = ex08.check_naive_mae(np.abs(errors))
    assert several.status == WRONG and "one number" in several.message


# --- task 4 ---

def test_task4_correct_and_placeholder(monkeypatch, naive_mae):
    model = lstm()
    monkeypatch.setenv("COURSE_FAST", "0")
    full = ex08.check_lstm(model, 0.95 * naive_mae)
    assert full.status == CORRECT and "beats" in full.message
    assert ex08.check_lstm(model, 1.05 * naive_mae).status == CORRECT
    monkeypatch.setenv("COURSE_FAST", "1")
    fast = ex08.check_lstm(model, 3.0 * naive_mae)
    assert fast.status == CORRECT and "full mode" in fast.message
    assert ex08.check_lstm(..., ...).status == NOT_ATTEMPTED
    assert ex08.check_lstm(model, ...).status == NOT_ATTEMPTED


def test_task4_wrong_models():
    transposed = ex08.check_lstm(lstm(input_shape=(4, WINDOW)), 2.2)
    assert transposed.status == WRONG and "swapped" in transposed.message
    one_feature = ex08.check_lstm(lstm(input_shape=(WINDOW, 1)), 2.2)
    assert one_feature.status == WRONG and "all four" in one_feature.message
    sequences = ex08.check_lstm(lstm(return_sequences=True), 2.2)
    assert sequences.status == WRONG and "return_sequences=False" in sequences.message
    two_outputs = ex08.check_lstm(lstm(units=2), 2.2)
    assert two_outputs.status == WRONG and "Dense(1)" in two_outputs.message
    gru = ex08.check_lstm(lstm(layer="GRU"), 2.2)
    assert gru.status == WRONG and "no LSTM layer" in gru.message
    import keras

    unbuilt = ex08.check_lstm(keras.Sequential([keras.layers.LSTM(4), keras.layers.Dense(1)]), 2.2)
    assert unbuilt.status == WRONG and "keras.Input" in unbuilt.message


def test_task4_wrong_errors(monkeypatch, naive_mae):
    model = lstm()
    scaled_units = ex08.check_lstm(model, naive_mae / 7.3)
    assert scaled_units.status == WRONG and "scaled units" in scaled_units.message
    monkeypatch.setenv("COURSE_FAST", "0")
    far_above = ex08.check_lstm(model, 1.5 * naive_mae)
    assert far_above.status == WRONG and "well above" in far_above.message
    monkeypatch.setenv("COURSE_FAST", "1")
    assert ex08.check_lstm(model, 1.5 * naive_mae).status == CORRECT  # too short to judge


# --- junk ---

@pytest.mark.parametrize("junk", JUNK, ids=lambda j: type(j).__name__)
def test_no_check_raises_on_junk(junk, parts, scaler, monkeypatch):
    # Full mode: in fast mode any plausible error (such as the int 3) is accepted for task 4.
    monkeypatch.setenv("COURSE_FAST", "0")
    verdicts = [
        ex08.check_split(junk, junk, junk, junk),
        ex08.check_split(*parts, junk),
        ex08.check_windows(junk, junk, junk, junk),
        ex08.check_windows(junk, junk, parts[0], scaler),
        ex08.check_naive_mae(junk),
        ex08.check_lstm(junk, junk),
        ex08.check_lstm(lstm(), junk),
        ex08.check_residual(junk, junk),
        ex08.check_residual(junk, junk, junk, junk, junk, junk),
        ex08.check_residual(junk, 2.0, lstm(), np.zeros((365, WINDOW, 4)), parts[2], scaler),
    ]
    for verdict in verdicts:
        assert verdict.status in (NOT_ATTEMPTED, WRONG)


# --- attempt table: what students submit, and the verdict a teacher gives ---

from helpers.checks.attempts import JUNK as J  # noqa: E402
from helpers.checks.attempts import MISTAKE as M  # noqa: E402
from helpers.checks.attempts import VALID as V  # noqa: E402
from helpers.checks.attempts import Attempt, ids, judge, too_thin  # noqa: E402
from helpers.windows import make_windows  # noqa: E402

from sklearn.metrics import mean_absolute_error  # noqa: E402

W = load("seattle_weather")
TR, VA, TE = W.loc["2012":"2013"], W.loc["2014"], W.loc["2015"]
SC = StandardScaler().fit(TR)


def _scaled(frame, scaler=SC):
    return pd.DataFrame(scaler.transform(frame), index=frame.index, columns=frame.columns)


XW, YW = make_windows(_scaled(TR), window=WINDOW, horizon=1, targets="temp_max")
X_TEST, _ = make_windows(pd.concat([_scaled(VA).iloc[-WINDOW:], _scaled(TE)]), window=WINDOW,
                         horizon=1, targets="temp_max")
_T = W["temp_max"]
NAIVE = float(np.mean(np.abs(_T.loc["2015"] - _T.shift(1).loc["2015"])))
_MODELS = {}


def _model(functional=False):
    import keras

    if functional not in _MODELS:
        keras.utils.set_random_seed(3)
        if functional:
            inputs = keras.Input(shape=(WINDOW, 4))
            _MODELS[functional] = keras.Model(inputs, keras.layers.Dense(1)(
                keras.layers.LSTM(4)(inputs)))
        else:
            _MODELS[functional] = lstm()
    return _MODELS[functional]


_PREDICTIONS = {}


def _pred(model=None):
    """The model's predictions on X_TEST, computed once per model (the models never change)."""
    model = model or _model()
    if id(model) not in _PREDICTIONS:
        _PREDICTIONS[id(model)] = (model, np.asarray(model.predict(X_TEST, verbose=0), dtype="float64"))
    return _PREDICTIONS[id(model)][1].copy()


def _celsius(scaled):
    return scaled * SC.scale_[1] + SC.mean_[1]


def _t4(mae, model=None):
    return ex08.check_lstm(model or _model(), mae, X_TEST, TE, SC)


TRUTH = TE["temp_max"].to_numpy()


def _change_model():
    import keras

    if "change" not in _MODELS:
        keras.utils.set_random_seed(5)
        _MODELS["change"] = lstm()  # untrained, but with non-zero weights: changes differ from 0
    return _MODELS["change"]


def _change():
    return _pred(_change_model())[:, 0]


def _r5():
    return _celsius(X_TEST[:, -1, 1] + _change())


def _t5(forecast, mae=None):
    if mae is None:
        mae = float(np.mean(np.abs(TRUTH - np.ravel(forecast))))
    return ex08.check_residual(forecast, mae, _change_model(), X_TEST, TE, SC)


TABLE08 = [
    # task 1
    Attempt(1, V, "loc by year", lambda: ex08.check_split(TR, VA, TE, SC)),
    Attempt(1, V, "by position", lambda: ex08.check_split(
        W.iloc[:731], W.iloc[731:1096], W.iloc[1096:], StandardScaler().fit(W.iloc[:731]))),
    Attempt(1, V, "boolean masks, fitted on an array", lambda: ex08.check_split(
        W[W.index.year <= 2013], W[W.index.year == 2014], W[W.index.year == 2015],
        StandardScaler().fit(W[W.index.year <= 2013].to_numpy()))),
    Attempt(1, M, "scaler fitted on train + validation", lambda: ex08.check_split(
        TR, VA, TE, StandardScaler().fit(pd.concat([TR, VA]))), "validation"),
    Attempt(1, M, "scaler fitted on the test year", lambda: ex08.check_split(
        TR, VA, TE, StandardScaler().fit(TE)), "test year"),
    Attempt(1, M, "scaler fitted on everything", lambda: ex08.check_split(
        TR, VA, TE, StandardScaler().fit(W)), "train"),
    Attempt(1, M, "shuffled split", lambda: (lambda s: ex08.check_split(
        s.iloc[:731], s.iloc[731:1096], s.iloc[1096:], StandardScaler().fit(s.iloc[:731])))(
        W.sample(frac=1.0, random_state=1)), "shuffled"),
    Attempt(1, M, "parts already scaled", lambda: ex08.check_split(
        _scaled(TR), _scaled(VA), _scaled(TE), SC), "unscaled"),
    Attempt(1, M, "MinMaxScaler", lambda: ex08.check_split(TR, VA, TE, MinMaxScaler().fit(TR)),
            "StandardScaler"),
    Attempt(1, J, "placeholders", lambda: ex08.check_split(..., ..., ..., ...),
            status=NOT_ATTEMPTED),
    Attempt(1, J, "year strings", lambda: ex08.check_split("2012", "2014", "2015", SC)),
    Attempt(1, J, "numbers", lambda: ex08.check_split(731, 365, 365, 0)),
    # task 2
    Attempt(2, V, "make_windows", lambda: ex08.check_windows(XW, YW, TR, SC)),
    Attempt(2, V, "by hand, flat labels", lambda: (lambda X, y: ex08.check_windows(
        X, y[:, 0], TR, SC))(*window_by_hand(SC.transform(TR)))),
    Attempt(2, V, "float64 arrays", lambda: ex08.check_windows(
        np.asarray(XW, "float64"), np.asarray(YW, "float64"), TR, SC)),
    Attempt(2, M, "windows over every year", lambda: ex08.check_windows(
        *make_windows(_scaled(W), window=WINDOW, horizon=1, targets="temp_max"), TR, SC),
            "training part only"),
    Attempt(2, M, "raw values", lambda: ex08.check_windows(
        *make_windows(TR, window=WINDOW, horizon=1, targets="temp_max"), TR, SC), "raw"),
    Attempt(2, M, "label is today", lambda: ex08.check_windows(XW, XW[:, -1, 1], TR, SC),
            "off by one"),
    Attempt(2, M, "label in °C", lambda: ex08.check_windows(
        XW, TR["temp_max"].to_numpy()[WINDOW:], TR, SC), "°C"),
    Attempt(2, M, "all four labels", lambda: ex08.check_windows(
        *make_windows(_scaled(TR), window=WINDOW, horizon=1), TR, SC), "one per variable"),
    Attempt(2, M, "only temp_max as input", lambda: ex08.check_windows(
        XW[:, :, 1:2], YW, TR, SC), "one variable per day"),
    Attempt(2, J, "placeholders", lambda: ex08.check_windows(..., ..., TR, SC),
            status=NOT_ATTEMPTED),
    Attempt(2, J, "strings", lambda: ex08.check_windows("X", "y", TR, SC)),
    Attempt(2, J, "numbers", lambda: ex08.check_windows(1, 2, TR, SC)),
    # task 3
    Attempt(3, V, "shift(1)", lambda: ex08.check_naive_mae(NAIVE)),
    Attempt(3, V, "diff on the whole series", lambda: ex08.check_naive_mae(
        _T.diff().loc["2015"].abs().mean())),
    Attempt(3, V, "sklearn", lambda: ex08.check_naive_mae(mean_absolute_error(
        _T.loc["2015"], _T.shift(1).loc["2015"]))),
    Attempt(3, V, "numpy float32", lambda: ex08.check_naive_mae(np.float32(NAIVE))),
    Attempt(3, M, "the validation year", lambda: ex08.check_naive_mae(
        _T.diff().loc["2014"].abs().mean()), "validation year"),
    Attempt(3, M, "364 days (shift inside 2015)", lambda: ex08.check_naive_mae(
        TE["temp_max"].diff().abs().mean()), "364"),
    Attempt(3, M, "RMSE", lambda: ex08.check_naive_mae(float(np.sqrt(
        (_T.diff().loc["2015"] ** 2).mean()))), "squared"),
    Attempt(3, M, "signed errors", lambda: ex08.check_naive_mae(_T.diff().loc["2015"].mean()),
            "absolute"),
    Attempt(3, M, "in scaled units", lambda: ex08.check_naive_mae(
        _scaled(W)["temp_max"].diff().loc["2015"].abs().mean()), "scaled"),
    Attempt(3, J, "placeholder", lambda: ex08.check_naive_mae(...), status=NOT_ATTEMPTED),
    Attempt(3, J, "a string", lambda: ex08.check_naive_mae("2.5")),
    Attempt(3, J, "the errors themselves", lambda: ex08.check_naive_mae(
        _T.diff().loc["2015"].abs()), "one number"),
    # task 4
    Attempt(4, V, "solution's formula", lambda: _t4(float(np.mean(np.abs(
        TRUTH - _celsius(_pred()[:, 0])))))),
    Attempt(4, V, "inverse_transform of a padded array", lambda: _t4((lambda p: float(
        mean_absolute_error(TRUTH, SC.inverse_transform(np.repeat(p, 4, axis=1))[:, 1])))(
        _pred()))),
    Attempt(4, V, "functional model", lambda: _t4(float(np.mean(np.abs(
        TRUTH - _celsius(_pred(_model(True))[:, 0])))), model=_model(True))),
    Attempt(4, V, "numpy float32", lambda: _t4(np.float32(np.mean(np.abs(
        TRUTH - _celsius(_pred()[:, 0])))))),
    Attempt(4, M, "the naive MAE copied", lambda: _t4(NAIVE), "naive"),
    Attempt(4, M, "MAE on the validation year", lambda: _t4(float(np.mean(np.abs(
        VA["temp_max"].to_numpy()[WINDOW:] - _celsius(_model().predict(
            make_windows(_scaled(VA), window=WINDOW, horizon=1, targets="temp_max")[0],
            verbose=0)[:, 0]))))), "model.predict(X_test)"),
    Attempt(4, M, "in scaled units", lambda: _t4(float(np.mean(np.abs(
        _scaled(TE)["temp_max"].to_numpy() - _pred()[:, 0])))), "scaled"),
    Attempt(4, M, "inverse scaling with column 0", lambda: _t4(float(np.mean(np.abs(
        TRUTH - (_pred()[:, 0] * SC.scale_[0] + SC.mean_[0]))))), "column"),
    Attempt(4, M, "(365, 1) minus (365,)", lambda: _t4(float(np.mean(np.abs(
        TRUTH - _celsius(_pred()))))), "broadcasting"),
    Attempt(4, J, "placeholder", lambda: _t4(...), status=NOT_ATTEMPTED),
    Attempt(4, J, "a string", lambda: _t4("2.1")),
    Attempt(4, J, "a list of errors", lambda: _t4([2.0, 2.5])),
    # task 5
    Attempt(5, V, "solution's formula", lambda: _t5(_r5())),
    Attempt(5, V, "today in °C from weather, plus change times scale", lambda: _t5(
        _T.shift(1).loc["2015"] + _change() * SC.scale_[1])),
    Attempt(5, V, "inverse_transform of a padded array", lambda: _t5(SC.inverse_transform(
        np.repeat((X_TEST[:, -1, 1] + _change())[:, None], 4, axis=1))[:, 1])),
    Attempt(5, V, "a (365, 1) column", lambda: _t5(_r5()[:, None])),
    Attempt(5, M, "leak: change added to the day being forecast", lambda: _t5(
        TRUTH + _change() * SC.scale_[1]), "leak"),
    Attempt(5, M, "scaler refitted on the test year", lambda: (lambda t: _t5(
        (X_TEST[:, -1, 1] + _change()) * t.scale_[1] + t.mean_[1]))(StandardScaler().fit(TE)),
        "test year"),
    Attempt(5, M, "naive forecast, change forgotten", lambda: _t5(_celsius(X_TEST[:, -1, 1])),
            "without the predicted change"),
    Attempt(5, M, "change alone", lambda: _t5(_celsius(_change())), "change alone"),
    Attempt(5, M, "scaled change added to °C", lambda: _t5(
        _celsius(X_TEST[:, -1, 1]) + _change()), "multiply it by scale_"),
    Attempt(5, M, "first day of the window", lambda: _t5(
        _celsius(X_TEST[:, 0, 1] + _change())), "FIRST day"),
    Attempt(5, M, "today's temp_min", lambda: _t5(_celsius(X_TEST[:, -1, 2] + _change())),
            "temp_min"),
    Attempt(5, M, "MAE in scaled units", lambda: _t5(_r5(), float(np.mean(np.abs(
        TRUTH - _r5()))) / SC.scale_[1]), "scaled units"),
    Attempt(5, M, "NaN on 1 January (today taken inside 2015)", lambda: _t5(
        TE["temp_max"].shift(1).to_numpy() + _change() * SC.scale_[1]), "NaN"),
    Attempt(5, J, "placeholders", lambda: ex08.check_residual(
        ..., ..., _change_model(), X_TEST, TE, SC), status=NOT_ATTEMPTED),
    Attempt(5, J, "strings", lambda: ex08.check_residual(
        "forecast", "2.1", _change_model(), X_TEST, TE, SC)),
    Attempt(5, J, "three numbers", lambda: _t5(np.array([10.0, 11.0, 12.0]), 2.0), "365"),
    Attempt(5, J, "the given objects missing", lambda: ex08.check_residual(
        _r5(), 2.0), status=NOT_ATTEMPTED),
]


@pytest.mark.parametrize("attempt", TABLE08, ids=ids(TABLE08))
def test_attempt_table(attempt, monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")
    assert judge(attempt) is None, judge(attempt)


def test_attempt_table_covers_every_task():
    assert too_thin(TABLE08) == {}
    assert sorted({a.task for a in TABLE08}) == list(range(1, ex08.TASKS + 1))
