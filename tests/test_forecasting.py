"""Tests for helpers.forecasting with tiny hand-set Keras models (no training)."""

from __future__ import annotations

import helpers  # noqa: F401  (sets the Keras backend before keras is imported)
from helpers.forecasting import (
    AmbiguousShapeWarning,
    direct_forecast,
    future_index,
    inverse_scale,
    predictor,
    recursive_forecast,
    to_series,
)
from helpers.validation import CourseInputError

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import MinMaxScaler, StandardScaler

keras = pytest.importorskip("keras")

WINDOW = 4
RNG = np.random.default_rng(1)
HISTORY_1D = RNG.normal(size=15)
HISTORY_2D = RNG.normal(size=(15, 2))
MIX = np.array([[0.5, -0.2], [0.3, 0.9]])  # next row = 0.8 * last row @ MIX + mean row * 0.1
BIAS = np.array([0.1, -0.05])


def dense_model(kernel, bias, window=WINDOW, n_features=1):
    """Flatten the window and apply one Dense layer with the given weights."""
    model = keras.Sequential(
        [
            keras.Input((window, n_features)),
            keras.layers.Flatten(),
            keras.layers.Dense(len(bias)),
        ]
    )
    model.layers[-1].set_weights([np.asarray(kernel, "float32"), np.asarray(bias, "float32")])
    return model


def last_value_model(window=WINDOW):
    kernel = np.zeros((window, 1))
    kernel[-1, 0] = 1.0
    return dense_model(kernel, [0.0], window)


def mean_model(window=WINDOW):
    return dense_model(np.full((window, 1), 1.0 / window), [0.0], window)


def mixing_model(window=WINDOW):
    """Multivariate one-step model: next = 0.8 * last @ MIX + 0.1 * mean + BIAS."""
    n_features = 2
    kernel = np.zeros((window * n_features, n_features))
    for t in range(window):  # Flatten orders the inputs as (time step, feature)
        for f in range(n_features):
            kernel[t * n_features + f, f] += 0.1 / window
    kernel[(window - 1) * n_features : window * n_features] += 0.8 * MIX
    return dense_model(kernel, BIAS, window, n_features)


def numpy_recursive(step_fn, history, steps, window):
    values = [np.asarray(row, dtype="float64") for row in np.asarray(history, dtype="float64")]
    out = []
    for _ in range(steps):
        nxt = step_fn(np.array(values[-window:]))
        values.append(nxt)
        out.append(nxt)
    return np.array(out)


# ------------------------------------------------------------------- recursive_forecast


def test_last_value_model_repeats_the_last_value():
    forecast = recursive_forecast(last_value_model(), HISTORY_1D, steps=5)
    assert forecast.shape == (5,)
    np.testing.assert_allclose(forecast, np.full(5, HISTORY_1D[-1]), rtol=1e-6)


def test_mean_model_matches_numpy_loop():
    forecast = recursive_forecast(mean_model(), HISTORY_1D, steps=9)
    expected = numpy_recursive(lambda w: w.mean(), HISTORY_1D, 9, WINDOW)
    assert forecast.shape == (9,)
    np.testing.assert_allclose(forecast, expected, rtol=1e-5, atol=1e-6)


def test_series_and_column_history():
    series = pd.Series(HISTORY_1D, index=pd.date_range("2000-01-01", periods=15, freq="MS"))
    expected = numpy_recursive(lambda w: w.mean(), HISTORY_1D, 3, WINDOW)
    np.testing.assert_allclose(recursive_forecast(mean_model(), series, 3), expected, rtol=1e-5)
    column = recursive_forecast(mean_model(), HISTORY_1D[:, None], 3)
    assert column.shape == (3, 1)
    np.testing.assert_allclose(column[:, 0], expected, rtol=1e-5)


def test_multivariate_matches_numpy_loop():
    forecast = recursive_forecast(mixing_model(), HISTORY_2D, steps=6)

    def step(w):
        return 0.8 * w[-1] @ MIX + 0.1 * w.mean(axis=0) + BIAS

    expected = numpy_recursive(step, HISTORY_2D, 6, WINDOW)
    assert forecast.shape == (6, 2)
    np.testing.assert_allclose(forecast, expected, rtol=1e-5, atol=1e-6)


def test_window_for_model_with_open_length():
    model = keras.Sequential(
        [keras.Input((None, 1)), keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)]
    )
    model.layers[-1].set_weights([np.ones((1, 1), "float32"), np.zeros(1, "float32")])
    with pytest.raises(CourseInputError, match=r"leaves the window length open.*window=12"):
        recursive_forecast(model, HISTORY_1D, steps=3)
    forecast = recursive_forecast(model, HISTORY_1D, steps=4, window=6)
    expected = numpy_recursive(lambda w: w.mean(), HISTORY_1D, 4, 6)
    np.testing.assert_allclose(forecast, expected, rtol=1e-5, atol=1e-6)


def test_flat_input_model():
    model = keras.Sequential([keras.Input((WINDOW,)), keras.layers.Dense(1)])
    model.layers[-1].set_weights(
        [np.full((WINDOW, 1), 1.0 / WINDOW, "float32"), np.zeros(1, "float32")]
    )
    expected = numpy_recursive(lambda w: w.mean(), HISTORY_1D, 3, WINDOW)
    np.testing.assert_allclose(recursive_forecast(model, HISTORY_1D, 3), expected, rtol=1e-5)


def test_recursive_errors():
    model = last_value_model()
    with pytest.raises(CourseInputError, match=r"steps must be >= 1, got 0"):
        recursive_forecast(model, HISTORY_1D, steps=0)
    with pytest.raises(
        CourseInputError, match=r"only 3 time steps but the model needs a window of 4"
    ):
        recursive_forecast(model, HISTORY_1D[:3], steps=2)
    with pytest.raises(CourseInputError, match=r"NaN or infinite.*position 2"):
        recursive_forecast(model, [1.0, 2.0, np.nan, 4.0, 5.0], steps=2)
    with pytest.raises(CourseInputError, match=r"got 3-D with shape \(1, 15, 1\)"):
        recursive_forecast(model, HISTORY_1D[None, :, None], steps=2)
    with pytest.raises(CourseInputError, match=r"expects 1 feature\(s\).*history has 2"):
        recursive_forecast(model, HISTORY_2D, steps=2)
    with pytest.raises(
        CourseInputError, match=r"window=3 but the model was built for windows of 4"
    ):
        recursive_forecast(model, HISTORY_1D, steps=2, window=3)


def test_recursive_refuses_multi_output_model():
    model = dense_model(np.zeros((WINDOW, 3)), np.zeros(3))
    with pytest.raises(
        CourseInputError,
        match=r"the model predicts 3 values per step .* but the series has 1 feature.*"
        r"one value per feature",
    ):
        recursive_forecast(model, HISTORY_1D, steps=2)


def test_recursive_subclassed_model_needs_window():
    class LastValue(keras.Model):
        def call(self, x):
            return x[:, -1, :]

    with pytest.raises(CourseInputError, match=r"input shape is unknown.*window="):
        recursive_forecast(LastValue(), HISTORY_1D, steps=2)
    forecast = recursive_forecast(LastValue(), HISTORY_1D, steps=2, window=3)
    np.testing.assert_allclose(forecast, [HISTORY_1D[-1]] * 2, rtol=1e-6)


# ------------------------------------------------------------------- direct_forecast


def test_direct_forecast_univariate():
    horizon = 3
    kernel = np.zeros((WINDOW, horizon))
    kernel[-1, :] = [1.0, 2.0, 3.0]  # predicts (1, 2, 3) * last value
    model = dense_model(kernel, np.zeros(horizon))
    forecast = direct_forecast(model, HISTORY_1D)
    assert forecast.shape == (horizon,)
    np.testing.assert_allclose(forecast, HISTORY_1D[-1] * np.array([1, 2, 3]), rtol=1e-6)


def test_direct_forecast_multi_target():
    horizon, n_targets = 3, 2
    model = keras.Sequential(
        [
            keras.Input((WINDOW, 2)),
            keras.layers.Flatten(),
            keras.layers.Dense(horizon * n_targets),
            keras.layers.Reshape((horizon, n_targets)),
        ]
    )
    kernel = np.zeros((WINDOW * 2, horizon * n_targets), "float32")
    kernel[-2:, :] = 1.0  # every output = sum of the last row
    model.layers[1].set_weights([kernel, np.zeros(horizon * n_targets, "float32")])
    forecast = direct_forecast(model, HISTORY_2D)
    assert forecast.shape == (horizon, n_targets)
    np.testing.assert_allclose(forecast, np.full((3, 2), HISTORY_2D[-1].sum()), rtol=1e-5)


def test_direct_forecast_errors():
    with pytest.raises(CourseInputError, match=r"only 2 time steps"):
        direct_forecast(last_value_model(), HISTORY_1D[:2])
    with pytest.raises(CourseInputError, match=r"expects 1 feature"):
        direct_forecast(last_value_model(), HISTORY_2D)


# ------------------------------------------------------------------- inverse_scale


@pytest.mark.parametrize("scaler_class", [MinMaxScaler, StandardScaler])
def test_inverse_scale_round_trip_univariate(scaler_class):
    train = RNG.normal(10, 3, size=(40, 1))
    scaler = scaler_class().fit(train)
    scaled = scaler.transform(train)
    np.testing.assert_allclose(inverse_scale(scaler, scaled[:, 0]), train[:, 0])
    np.testing.assert_allclose(inverse_scale(scaler, scaled, column="all"), train)
    # (N, h): several horizons of a univariate model, every column unscaled
    multi = np.column_stack([scaled[:, 0], scaled[::-1, 0], scaled[:, 0] * 0])
    restored = inverse_scale(scaler, multi)
    assert restored.shape == (40, 3)
    np.testing.assert_allclose(restored[:, 0], train[:, 0])
    np.testing.assert_allclose(restored[:, 1], train[::-1, 0])
    np.testing.assert_allclose(restored[:, 2], scaler.inverse_transform(np.zeros((40, 1)))[:, 0])


@pytest.mark.parametrize("scaler_class", [MinMaxScaler, StandardScaler])
def test_inverse_scale_round_trip_multivariate(scaler_class):
    train = RNG.normal([0, 100, -5], [1, 20, 2], size=(30, 3))
    scaler = scaler_class().fit(train)
    scaled = scaler.transform(train)
    np.testing.assert_allclose(inverse_scale(scaler, scaled, column="all"), train)
    stacked = np.stack([scaled[:10], scaled[10:20]])  # (2, 10, 3), e.g. (N, h, F)
    np.testing.assert_allclose(inverse_scale(scaler, stacked), np.stack([train[:10], train[10:20]]))


def test_inverse_scale_errors():
    with pytest.raises(CourseInputError, match=r"not fitted.*scaler\.fit"):
        inverse_scale(MinMaxScaler(), np.zeros(3))
    scaler = StandardScaler().fit(np.zeros((5, 3)) + np.arange(5)[:, None])
    with pytest.raises(CourseInputError, match=r"fitted on 3 column\(s\) but values has 2"):
        inverse_scale(scaler, np.zeros((4, 2)))
    with pytest.raises(CourseInputError, match=r"fitted on 3 column\(s\) but values has 1"):
        inverse_scale(scaler, np.zeros(4))
    with pytest.raises(CourseInputError, match=r"no inverse_transform"):
        inverse_scale("scaler", np.zeros(4))


# ------------------------------------------------------------------- dates


def test_future_index_monthly():
    index = pd.date_range("1994-01-01", "1994-08-01", freq="MS", name="date")
    future = future_index(index, 5)
    expected = pd.date_range("1994-09-01", periods=5, freq="MS")
    assert future.equals(expected)
    assert future.freqstr == "MS" and future.name == "date"


def test_future_index_daily_inferred():
    index = pd.DatetimeIndex(["2015-12-29", "2015-12-30", "2015-12-31"])
    assert index.freq is None
    future = future_index(index, 3)
    assert list(future) == list(pd.to_datetime(["2016-01-01", "2016-01-02", "2016-01-03"]))


def test_future_index_accepts_series():
    series = pd.Series(range(4), index=pd.date_range("2020-01-01", periods=4, freq="D"))
    assert future_index(series, 1)[0] == pd.Timestamp("2020-01-05")


def test_future_index_errors():
    irregular = pd.DatetimeIndex(["2020-01-01", "2020-01-02", "2020-01-05", "2020-01-06"])
    with pytest.raises(CourseInputError, match=r"no frequency.*asfreq"):
        future_index(irregular, 2)
    with pytest.raises(CourseInputError, match=r"no frequency"):
        future_index(pd.DatetimeIndex(["2020-01-01", "2020-01-02"]), 2)
    with pytest.raises(CourseInputError, match=r"need a DatetimeIndex, got RangeIndex"):
        future_index(pd.RangeIndex(10), 2)
    with pytest.raises(CourseInputError, match=r"steps must be >= 1"):
        future_index(pd.date_range("2020", periods=3, freq="D"), 0)


def test_to_series():
    index = pd.date_range("2020-01-01", periods=6, freq="MS")
    series = to_series(np.array([1.0, 2.0, 3.0]), index, name="sales")
    assert series.name == "sales"
    assert series.index.equals(pd.date_range("2020-07-01", periods=3, freq="MS"))
    assert series.tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(CourseInputError, match=r"needs a 1-D forecast.*DataFrame"):
        to_series(np.zeros((3, 2)), index, name="x")


# ------------------------------------------------------------------- speed of the model calls


def test_recursive_forecast_uses_the_compiled_predict_path(monkeypatch):
    """Each step goes through predict_on_batch (compiled), not an eager call, same numbers."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((WINDOW, 1)), keras.layers.SimpleRNN(3), keras.layers.Dense(1)]
    )
    eager = numpy_recursive(
        lambda window: np.asarray(model(window[None, :, None].astype("float32")))[0, 0],
        HISTORY_1D,
        5,
        WINDOW,
    )
    calls = []
    original = model.predict_on_batch
    monkeypatch.setattr(model, "predict_on_batch", lambda x: calls.append(1) or original(x))
    forecast = recursive_forecast(model, HISTORY_1D, steps=5)
    assert len(calls) == 5
    np.testing.assert_allclose(forecast, eager, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------ ambiguous and slipped shapes


def weather_scaler():
    frame = pd.DataFrame(
        RNG.normal([10, 20, 5, 3], [2, 5, 3, 1], size=(50, 4)),
        columns=["precipitation", "temp_max", "temp_min", "wind"],
    )
    return MinMaxScaler().fit(frame), frame


def test_inverse_scale_h_steps_of_one_column_with_a_multi_column_scaler():
    scaler, frame = weather_scaler()
    steps = scaler.transform(frame)[:4, 1]  # 4 steps of temp_max, and 4 columns
    predicted = np.tile(steps, (3, 1))  # (N=3, h=4), like a direct model's predict()
    with pytest.raises(CourseInputError, match=r"read two ways.*column='all'.*column='name'"):
        inverse_scale(scaler, predicted)  # rows of 4 columns, or 4 steps of one? refused
    assert not issubclass(AmbiguousShapeWarning, CourseInputError)   # kept for old imports
    rows = inverse_scale(scaler, scaler.transform(frame)[:3], column="all")
    np.testing.assert_allclose(rows, frame.to_numpy()[:3])
    restored = inverse_scale(scaler, predicted, column="temp_max")
    np.testing.assert_allclose(restored[0], frame["temp_max"].to_numpy()[:4])
    np.testing.assert_allclose(inverse_scale(scaler, predicted, column=1), restored)


def test_inverse_scale_other_horizons_point_to_column():
    scaler, frame = weather_scaler()
    with pytest.raises(
        CourseInputError, match=r"fitted on 4 column\(s\) but values has 3.*column='name'"
    ):
        inverse_scale(scaler, np.zeros((2, 3)))
    with pytest.raises(CourseInputError, match="not one of the scaler's columns"):
        inverse_scale(scaler, np.zeros(3), column="temp")
    with pytest.raises(CourseInputError, match="out of range"):
        inverse_scale(scaler, np.zeros(3), column=4)


def test_inverse_scale_dataframe_columns_are_checked():
    scaler, frame = weather_scaler()
    scaled = pd.DataFrame(scaler.transform(frame), columns=frame.columns)
    np.testing.assert_allclose(inverse_scale(scaler, scaled), frame.to_numpy())  # no warning
    with pytest.raises(CourseInputError, match=r"another order.*feature_names_in_"):
        inverse_scale(scaler, scaled[frame.columns[::-1]])


def test_to_series_on_a_predict_row_says_take_row_zero():
    index = pd.date_range("2020-01-01", periods=12, freq="MS")
    with pytest.raises(CourseInputError, match=r"shape \(1, 3\).*values\[0\]"):
        to_series(np.zeros((1, 3)), index)
    with pytest.raises(CourseInputError, match="values is None"):
        to_series(None, index)
    assert len(to_series(np.zeros((3, 1)), index)) == 3


def test_history_row_vector_gets_the_ravel_hint():
    with pytest.raises(CourseInputError, match=r"shape \(1, 20\).*history.ravel\(\)"):
        recursive_forecast(last_value_model(), np.zeros((1, 20)), steps=2)


def test_history_with_a_missing_month_is_refused():
    dates = pd.date_range("2000-01-01", periods=30, freq="MS").delete(20)
    with pytest.raises(CourseInputError, match="not evenly spaced"):
        recursive_forecast(last_value_model(), pd.Series(np.zeros(29), index=dates), steps=2)


def test_predictor_is_predict_on_batch_compiled_even_where_keras_runs_eagerly():
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((WINDOW, 1)), keras.layers.LSTM(3), keras.layers.Dense(2)])
    x = RNG.normal(size=(5, WINDOW, 1)).astype("float32")
    before = tf.config.functions_run_eagerly()
    tf.config.run_functions_eagerly(True)  # as fast mode runs Keras
    try:
        got = predictor(model)(x)
        assert tf.config.functions_run_eagerly()  # restored
    finally:
        tf.config.run_functions_eagerly(before)
    assert model.predict_function.experimental_get_tracing_count() == 1  # compiled, not eager
    assert isinstance(got, np.ndarray) and got.shape == (5, 2)
    np.testing.assert_allclose(got, np.asarray(model.predict_on_batch(x)), rtol=1e-6)


def test_predictor_needs_a_keras_model():
    with pytest.raises(CourseInputError, match="must be a Keras model .*got ndarray"):
        predictor(np.zeros(3))
