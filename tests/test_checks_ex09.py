"""Exercise 09's checks: stationarity, VAR forecast in levels, multivariate LSTM, RMSE table."""

from __future__ import annotations

from helpers.checks import CORRECT, NOT_ATTEMPTED, WRONG
from helpers.checks import ex09_multivariate_lstm_vs_var as ex09
from helpers.data import load

import keras
import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.api import VAR
from statsmodels.tsa.stattools import adfuller
from threadpoolctl import threadpool_limits

HORIZON = 7
WINDOW, N_FEATURES = 5, 4


@pytest.fixture(scope="module", autouse=True)
def _one_blas_thread():
    # statsmodels' small matrix products are much faster on one BLAS thread.
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture(scope="module")
def train():
    return load("seattle_weather").loc[:"2014"]


# --- reference answers, written independently of the check module ---


@pytest.fixture(scope="module")
def needs(train):
    return [c for c in train.columns
            if adfuller(train[c].to_numpy(), autolag="AIC", result_object=True).pvalue >= 0.05]


@pytest.fixture(scope="module")
def stationary(train, needs):
    frame = train.copy()
    for column in needs:
        frame[column] = frame[column] - frame[column].shift(1)
    return frame.iloc[1:]


def _var(data, maxlags=14, ic="aic"):
    result = VAR(data.to_numpy()).fit(maxlags=maxlags, ic=ic)
    out = result.forecast(data.to_numpy()[-result.k_ar:], HORIZON)
    dates = pd.date_range("2015-01-01", periods=HORIZON, freq="D")
    return pd.DataFrame(out, index=dates, columns=data.columns)


@pytest.fixture(scope="module")
def diff_forecast(stationary):
    return _var(stationary)


def _levels(diffs, train, needs, columns=None):
    out = diffs.copy()
    for column in columns if columns is not None else needs:
        out[column] = train[column].iloc[-1] + np.cumsum(diffs[column].to_numpy())
    return out


def test_reference_needs_differencing_the_temperatures(needs):
    assert needs == ["temp_max", "temp_min"]


# --- task 1 ---


def test_task1_correct_placeholder_and_wrong_answers(train, needs, stationary):
    assert ex09.check_stationarity(needs, stationary, train).status == CORRECT
    reordered = stationary[["wind", "temp_min", "precipitation", "temp_max"]]
    assert ex09.check_stationarity(tuple(reversed(needs)), reordered, train).status == CORRECT
    assert ex09.check_stationarity(..., ..., train).status == NOT_ATTEMPTED
    assert ex09.check_stationarity(needs, ..., train).status == NOT_ATTEMPTED

    backwards = ex09.check_stationarity(["precipitation", "wind"], stationary, train)
    assert backwards.status == WRONG and "already stationary" in backwards.message
    everything = ex09.check_stationarity(list(train.columns), stationary, train)
    assert everything.status == WRONG and "over-differencing" in everything.message
    one_string = ex09.check_stationarity("temp_max", stationary, train)
    assert one_string.status == WRONG and "list of column names" in one_string.message

    all_diffed = train.diff().iloc[1:]
    over = ex09.check_stationarity(needs, all_diffed, train)
    assert over.status == WRONG and "stationary already" in over.message
    with_nan = train.copy()
    with_nan[needs] = train[needs].diff()
    kept_nan = ex09.check_stationarity(needs, with_nan, train)
    assert kept_nan.status == WRONG and "NaN" in kept_nan.message
    only_diffed = ex09.check_stationarity(needs, train[needs].diff().iloc[1:], train)
    assert only_diffed.status == WRONG and "keep the stationary ones" in only_diffed.message
    not_diffed = ex09.check_stationarity(needs, train.iloc[1:], train)
    assert not_diffed.status == WRONG and "not differenced" in not_diffed.message


# --- task 2 ---


def test_task2_correct_placeholder_and_wrong_answers(train, needs, stationary, diff_forecast):
    good = _levels(diff_forecast, train, needs)
    verdict = ex09.check_var_forecast(good, train, HORIZON)
    assert verdict.status == CORRECT, verdict.message
    shuffled = good[["wind", "precipitation", "temp_min", "temp_max"]]
    assert ex09.check_var_forecast(shuffled, train, HORIZON).status == CORRECT
    assert ex09.check_var_forecast(..., train, HORIZON).status == NOT_ATTEMPTED

    in_differences = ex09.check_var_forecast(diff_forecast, train, HORIZON)
    assert in_differences.status == WRONG and "still differences" in in_differences.message
    all_undone = _levels(diff_forecast, train, needs, columns=list(train.columns))
    too_much = ex09.check_var_forecast(all_undone, train, HORIZON)
    assert too_much.status == WRONG and "never differenced" in too_much.message
    wrong_anchor = diff_forecast.copy()
    for column in needs:
        wrong_anchor[column] = train[column].iloc[0] + diff_forecast[column].cumsum()
    anchor = ex09.check_var_forecast(wrong_anchor, train, HORIZON)
    assert anchor.status == WRONG and "wrong level" in anchor.message
    fixed_lag = _levels(_var(stationary, maxlags=14, ic=None), train, needs)
    no_aic = ex09.check_var_forecast(fixed_lag, train, HORIZON)
    assert no_aic.status == WRONG and "chosen by AIC" in no_aic.message
    on_levels = ex09.check_var_forecast(_var(train), train, HORIZON)
    assert on_levels.status == WRONG and "raw levels" in on_levels.message
    everything = _levels(_var(train.diff().iloc[1:]), train, needs, columns=list(train.columns))
    over = ex09.check_var_forecast(everything, train, HORIZON)
    assert over.status == WRONG and "every column differenced" in over.message
    too_long = ex09.check_var_forecast(pd.concat([good, good]), train, HORIZON)
    assert too_long.status == WRONG and "exactly HORIZON" in too_long.message
    as_array = ex09.check_var_forecast(good.to_numpy(), train, HORIZON)
    assert as_array.status == WRONG and "DataFrame" in as_array.message


# --- task 3 ---


def _model(window=WINDOW, features=N_FEATURES, outputs=N_FEATURES, sequences=False,
           activation=None, recurrent=keras.layers.LSTM):
    layers = [keras.Input(shape=(window, features))]
    if recurrent is None:
        layers.append(keras.layers.Flatten())
    else:
        layers.append(recurrent(3, return_sequences=sequences))
    layers.append(keras.layers.Dense(outputs, activation=activation))
    return keras.Sequential(layers)


def test_task3_correct_placeholder_and_wrong_answers():
    assert ex09.check_lstm_model(_model(), WINDOW, N_FEATURES).status == CORRECT
    assert ex09.check_lstm_model(..., WINDOW, N_FEATURES).status == NOT_ATTEMPTED

    one_output = ex09.check_lstm_model(_model(outputs=1), WINDOW, N_FEATURES)
    assert one_output.status == WRONG and "1 unit" in one_output.message
    univariate = ex09.check_lstm_model(_model(features=1), WINDOW, N_FEATURES)
    assert univariate.status == WRONG and "1 feature" in univariate.message
    sequences = ex09.check_lstm_model(_model(sequences=True), WINDOW, N_FEATURES)
    assert sequences.status == WRONG and "return_sequences" in sequences.message
    short = ex09.check_lstm_model(_model(window=3), WINDOW, N_FEATURES)
    assert short.status == WRONG and "window" in short.message
    relu = ex09.check_lstm_model(_model(activation="relu"), WINDOW, N_FEATURES)
    assert relu.status == WRONG and "linear" in relu.message
    gru = ex09.check_lstm_model(_model(recurrent=keras.layers.GRU), WINDOW, N_FEATURES)
    assert gru.status == WRONG and "no keras.layers.LSTM" in gru.message
    unbuilt = keras.Sequential([keras.layers.LSTM(3), keras.layers.Dense(N_FEATURES)])
    no_input = ex09.check_lstm_model(unbuilt, WINDOW, N_FEATURES)
    assert no_input.status == WRONG and "keras.Input" in no_input.message


# --- task 4 ---


def _rmse_case():
    rng = np.random.default_rng(0)
    dates = pd.date_range("2015-01-01", periods=HORIZON, freq="D")
    columns = ["precipitation", "temp_max", "temp_min", "wind"]
    truth = pd.DataFrame(rng.normal(10, 3, (HORIZON, 4)), index=dates, columns=columns)
    forecasts = {name: truth + rng.normal(0, scale, truth.shape)
                 for name, scale in [("naive", 2.0), ("VAR", 1.0), ("LSTM", 1.5)]}
    table = pd.DataFrame(
        [[float(np.sqrt(np.mean((forecasts[m][c].to_numpy() - truth[c].to_numpy()) ** 2)))
          for c in columns] for m in forecasts],
        index=list(forecasts), columns=columns)
    return truth, forecasts, table


def test_task4_correct_placeholder_and_wrong_answers():
    truth, forecasts, table = _rmse_case()
    assert ex09.check_rmse_table(table, forecasts, truth).status == CORRECT
    reordered = table.loc[["LSTM", "naive", "VAR"], ["wind", "temp_max", "precipitation",
                                                     "temp_min"]]
    assert ex09.check_rmse_table(reordered, forecasts, truth).status == CORRECT
    assert ex09.check_rmse_table(..., forecasts, truth).status == NOT_ATTEMPTED

    transposed = ex09.check_rmse_table(table.T, forecasts, truth)
    assert transposed.status == WRONG and "transposed" in transposed.message
    mse = ex09.check_rmse_table(table ** 2, forecasts, truth)
    assert mse.status == WRONG and "square root" in mse.message
    mae = pd.DataFrame({m: (forecasts[m] - truth).abs().mean() for m in forecasts}).T
    as_mae = ex09.check_rmse_table(mae, forecasts, truth)
    assert as_mae.status == WRONG and "MAE" in as_mae.message
    overall = pd.DataFrame({m: {c: float(np.sqrt(((forecasts[m] - truth) ** 2).to_numpy().mean()))
                                for c in truth.columns} for m in forecasts}).T
    pooled = ex09.check_rmse_table(overall, forecasts, truth)
    assert pooled.status == WRONG and "per variable" in pooled.message
    one_column = ex09.check_rmse_table(overall.iloc[:, :1], forecasts, truth)
    assert one_column.status == WRONG and "one number per model" in one_column.message
    missing = ex09.check_rmse_table(table.drop(index="LSTM"), forecasts, truth)
    assert missing.status == WRONG and "missing ['LSTM']" in missing.message


# --- junk ---

JUNK = [None, ..., 3, "text", [1, 2], {"a": 1}, np.zeros(3), pd.DataFrame(), object(),
        lambda *a: 1 / 0]


@pytest.mark.parametrize("junk", JUNK, ids=lambda j: type(j).__name__)
def test_no_check_raises_on_junk(junk, train):
    truth, forecasts, _ = _rmse_case()
    verdicts = [
        ex09.check_stationarity(junk, junk, junk),
        ex09.check_stationarity(junk, junk, train),
        ex09.check_var_forecast(junk, junk, junk),
        ex09.check_var_forecast(junk, train, HORIZON),
        ex09.check_lstm_model(junk, junk, junk),
        ex09.check_lstm_model(junk, WINDOW, N_FEATURES),
        ex09.check_rmse_table(junk, junk, junk),
        ex09.check_rmse_table(junk, forecasts, truth),
    ]
    for verdict in verdicts:
        assert verdict.status in (NOT_ATTEMPTED, WRONG)


# --- attempt table for task 4 ---

from helpers.checks.attempts import JUNK as J  # noqa: E402
from helpers.checks.attempts import MISTAKE as M  # noqa: E402
from helpers.checks.attempts import VALID as V  # noqa: E402
from helpers.checks.attempts import Attempt, ids, judge, too_thin  # noqa: E402


def _case_var_order():
    """Like the notebook: the VAR's forecast lists the differenced temperatures first."""
    truth, forecasts, _ = _rmse_case()
    forecasts["VAR"] = forecasts["VAR"][["temp_max", "temp_min", "precipitation", "wind"]]
    return truth, forecasts


def _t4(build, case=_case_var_order):
    truth, forecasts = case()
    return ex09.check_rmse_table(build(truth, forecasts), forecasts, truth)


def _pandas(truth, forecasts):
    return pd.DataFrame({n: np.sqrt(((f - truth) ** 2).mean()) for n, f in forecasts.items()}).T


def _rows(truth, forecasts):
    rows = {}
    for name, fc in forecasts.items():
        rows[name] = {c: float(np.sqrt(np.mean((fc[c] - truth[c]) ** 2))) for c in truth.columns}
    return pd.DataFrame.from_dict(rows, orient="index")


def _sklearn(truth, forecasts):
    from sklearn.metrics import mean_squared_error

    return pd.DataFrame([np.sqrt(mean_squared_error(truth, f[truth.columns], multioutput="raw_values"))
                         for f in forecasts.values()], index=list(forecasts), columns=truth.columns)


def _positional(truth, forecasts):
    return pd.DataFrame([np.sqrt(((f.to_numpy() - truth.to_numpy()) ** 2).mean(axis=0))
                         for f in forecasts.values()], index=list(forecasts), columns=truth.columns)


def _misaligned(truth, forecasts):
    forecasts["LSTM"] = forecasts["LSTM"].reset_index(drop=True)   # lost its dates
    return _pandas(truth, forecasts)


def _misaligned_case():
    truth, forecasts = _case_var_order()
    forecasts["LSTM"] = forecasts["LSTM"].reset_index(drop=True)
    return truth, forecasts


TABLE09 = [
    Attempt(4, V, "pandas, as the hint says", lambda: _t4(_pandas)),
    Attempt(4, V, "dict of dicts", lambda: _t4(_rows)),
    Attempt(4, V, "sklearn raw_values", lambda: _t4(_sklearn)),
    Attempt(4, M, "columns paired by position", lambda: _t4(_positional), "POSITION"),
    Attempt(4, M, "NaN from a forecast without dates", lambda: _t4(_pandas, _misaligned_case), "index"),
    Attempt(4, M, "MSE", lambda: _t4(lambda t, f: _pandas(t, f) ** 2), "square root"),
    Attempt(4, M, "transposed", lambda: _t4(lambda t, f: _pandas(t, f).T), "transposed"),
    Attempt(4, M, "one RMSE per model", lambda: _t4(lambda t, f: pd.DataFrame(
        {"rmse": [float(np.sqrt(((x - t) ** 2).to_numpy().mean())) for x in f.values()]}, index=list(f))),
            "per variable"),
    Attempt(4, J, "placeholder", lambda: _t4(lambda t, f: ...), status=NOT_ATTEMPTED),
    Attempt(4, J, "a dict", lambda: _t4(lambda t, f: {"naive": 1.0})),
    Attempt(4, J, "a number", lambda: _t4(lambda t, f: 2.5)),
]


@pytest.mark.parametrize("attempt", TABLE09, ids=ids(TABLE09))
def test_attempt_table(attempt):
    assert judge(attempt) is None, judge(attempt)


def test_table_covers_task_4():
    assert too_thin(TABLE09) == {}


# --- attempt tables for tasks 1 to 3 ---

import functools  # noqa: E402

_W = load("seattle_weather")
_TRAIN = _W.loc[:"2014"]
_NEEDS = ["temp_max", "temp_min"]   # what the ADF test flags (asserted above)


@functools.cache
def _stationary():
    frame = _TRAIN.copy()
    frame[_NEEDS] = frame[_NEEDS].diff()
    return frame.dropna()


@functools.cache
def _diff_var():
    return _var(_stationary())


def _t1(needs, stationary=None):
    return ex09.check_stationarity(needs, _stationary() if stationary is None else stationary,
                                   _TRAIN)


def _t2(levels):
    return ex09.check_var_forecast(levels, _TRAIN, HORIZON)


def _t3(model):
    return ex09.check_lstm_model(model, WINDOW, N_FEATURES)


def _functional():
    inputs = keras.Input(shape=(WINDOW, N_FEATURES))
    return keras.Model(inputs, keras.layers.Dense(N_FEATURES)(keras.layers.LSTM(4)(inputs)))


def _stacked():
    return keras.Sequential([keras.Input(shape=(WINDOW, N_FEATURES)),
                             keras.layers.LSTM(4, return_sequences=True), keras.layers.LSTM(4),
                             keras.layers.Dense(N_FEATURES)])


TABLE09_123 = [
    # task 1
    Attempt(1, V, "list, diff().dropna()", lambda: _t1(list(_NEEDS))),
    Attempt(1, V, "tuple, shift, columns reordered", lambda: _t1(
        ("temp_min", "temp_max"), (lambda f: f.assign(
            temp_max=f.temp_max - f.temp_max.shift(1),
            temp_min=f.temp_min - f.temp_min.shift(1)).iloc[1:])(
            _TRAIN[["wind", "temp_min", "precipitation", "temp_max"]]))),
    Attempt(1, V, "a pandas Index of names", lambda: _t1(_TRAIN.columns[[1, 2]])),
    Attempt(1, M, "differenced over every year, test included", lambda: _t1(
        _NEEDS, _W.assign(**{c: _W[c].diff() for c in _NEEDS}).dropna())),
    Attempt(1, M, "the stationary columns named", lambda: _t1(["precipitation", "wind"]),
            "already stationary"),
    Attempt(1, M, "every column differenced", lambda: _t1(_NEEDS, _TRAIN.diff().dropna()),
            "stationary already"),
    Attempt(1, M, "NaN row kept", lambda: _t1(_NEEDS, _TRAIN.assign(
        **{c: _TRAIN[c].diff() for c in _NEEDS})), "NaN"),
    Attempt(1, M, "only the differenced columns kept", lambda: _t1(
        _NEEDS, _TRAIN[_NEEDS].diff().dropna()), "keep the stationary ones"),
    Attempt(1, M, "one name as a string", lambda: _t1("temp_max"), "list of column names"),
    Attempt(1, J, "the right frame as text", lambda: _t1(_NEEDS, _stationary().astype(str)),
            "do not hold numbers"),
    Attempt(1, J, "one column as text", lambda: _t1(_NEEDS, _stationary().assign(
        wind=lambda f: f["wind"].astype(str))), "['wind']"),
    Attempt(1, V, "float32 columns", lambda: _t1(_NEEDS, _stationary().astype("float32"))),
    Attempt(1, J, "placeholders", lambda: _t1(..., ...), status=NOT_ATTEMPTED),
    Attempt(1, J, "a number", lambda: _t1(2)),
    Attempt(1, J, "a dict", lambda: _t1({"temp_max": True})),
    # task 2
    Attempt(2, V, "cumsum from the last training day", lambda: _t2(
        _levels(_diff_var(), _TRAIN, _NEEDS))),
    Attempt(2, V, "pandas cumsum, columns reordered", lambda: _t2((lambda d: d.assign(**{
        c: _TRAIN[c].iloc[-1] + d[c].cumsum() for c in _NEEDS}))(_diff_var())[
        ["wind", "temp_min", "temp_max", "precipitation"]])),
    Attempt(2, V, "float32 values", lambda: _t2(_levels(_diff_var(), _TRAIN, _NEEDS).astype(
        "float32"))),
    Attempt(2, M, "VAR fitted on the test year too", lambda: _t2(_levels(_var(
        _W.assign(**{c: _W[c].diff() for c in _NEEDS}).dropna().loc[:"2015-06"]), _TRAIN,
        _NEEDS))),
    Attempt(2, M, "still in differences", lambda: _t2(_diff_var()), "still differences"),
    Attempt(2, M, "anchored on the first day", lambda: _t2(_diff_var().assign(**{
        c: _TRAIN[c].iloc[0] + _diff_var()[c].cumsum() for c in _NEEDS})), "wrong level"),
    Attempt(2, M, "fixed lag order", lambda: _t2(_levels(_var(_stationary(), ic=None), _TRAIN,
                                                         _NEEDS)), "AIC"),
    Attempt(2, M, "VAR on raw levels", lambda: _t2(_var(_TRAIN)), "raw levels"),
    Attempt(2, M, "an array", lambda: _t2(_levels(_diff_var(), _TRAIN, _NEEDS).to_numpy()),
            "DataFrame"),
    Attempt(2, J, "placeholder", lambda: _t2(...), status=NOT_ATTEMPTED),
    Attempt(2, J, "a string", lambda: _t2("VAR")),
    Attempt(2, J, "a number", lambda: _t2(7)),
    # task 3
    Attempt(3, V, "Sequential", lambda: _t3(_model())),
    Attempt(3, V, "functional", lambda: _t3(_functional())),
    Attempt(3, V, "two stacked LSTMs", lambda: _t3(_stacked())),
    Attempt(3, M, "one output", lambda: _t3(_model(outputs=1)), "1 unit"),
    Attempt(3, M, "one input variable", lambda: _t3(_model(features=1)), "1 feature"),
    Attempt(3, M, "return_sequences on the last LSTM", lambda: _t3(_model(sequences=True)),
            "return_sequences"),
    Attempt(3, M, "relu output", lambda: _t3(_model(activation="relu")), "linear"),
    Attempt(3, M, "GRU instead of LSTM", lambda: _t3(_model(recurrent=keras.layers.GRU)),
            "LSTM"),
    Attempt(3, J, "placeholder", lambda: _t3(...), status=NOT_ATTEMPTED),
    Attempt(3, J, "a string", lambda: _t3("LSTM(32)")),
    Attempt(3, J, "a list of layers", lambda: _t3([keras.layers.LSTM(4), keras.layers.Dense(4)])),
]


@pytest.mark.parametrize("attempt", TABLE09_123, ids=ids(TABLE09_123))
def test_attempt_table_tasks_1_to_3(attempt):
    with threadpool_limits(limits=1, user_api="blas"):
        assert judge(attempt) is None, judge(attempt)


def test_tables_cover_every_task():
    assert too_thin(TABLE09 + TABLE09_123) == {}
    assert sorted({a.task for a in TABLE09 + TABLE09_123}) == list(range(1, ex09.TASKS + 1))
