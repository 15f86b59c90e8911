"""Tests for helpers.multistep: the oracle against statsmodels and a hand computation, the figures,
restarted training and validation batches."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import helpers  # sets the Keras backend before keras is imported
from helpers.multistep import (
    oracle_forecasts,
    plot_rolling_origins,
    plot_sequence_targets,
    restart_training,
    validation_batches,
)
from helpers.training import fit
from helpers.validation import CourseInputError

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.statespace.sarimax import SARIMAX


def simulate(n, seed, ar=0.9, level_sd=1.0, noise_sd=1.0):
    """The recipe of notebook 05: a known mean, an AR(1) level and white noise."""
    rng = np.random.default_rng(seed)
    mean = 100 + np.tile([-6, -9, -4, -2, 0, 1, 4, 3, 0, 2, 7, 16.0], n // 12 + 2)[: n + 24]
    level = np.zeros(n)
    for t in range(1, n):
        level[t] = ar * level[t - 1] + rng.normal(0, level_sd)
    return mean[:n] + level + rng.normal(0, noise_sd, n), mean


def test_oracle_equals_statsmodels_forecast_refitted_at_each_origin():
    values, mean = simulate(240, seed=1)
    origins = [100, 150, 231]
    oracle = oracle_forecasts(values, mean, origins, 6, ar=0.9, level_sd=1.0, noise_sd=1.0)
    for row, origin in enumerate(origins):
        reference = SARIMAX(values[:origin] - mean[:origin], order=(1, 0, 0), trend="n",
                            measurement_error=True).filter([0.9, 1.0, 1.0]).get_forecast(6)
        np.testing.assert_allclose(oracle.forecasts[row], reference.predicted_mean + mean[origin : origin + 6])
        np.testing.assert_allclose(oracle.error_sd[row], np.sqrt(reference.var_pred_mean))


def test_oracle_without_noise_is_the_ar_forecast_by_hand():
    # With no measurement noise the level is observed exactly: the forecast is ar**h times the
    # last deviation, and the error variance is level_sd**2 * (1 + ar**2 + ... + ar**(2h-2)).
    values, mean = simulate(120, seed=2, noise_sd=0.0)
    oracle = oracle_forecasts(values, mean, [60, 90], 3, ar=0.9, level_sd=2.0, noise_sd=0.0)
    for row, origin in enumerate([60, 90]):
        deviation = values[origin - 1] - mean[origin - 1]
        np.testing.assert_allclose(oracle.forecasts[row], mean[origin : origin + 3]
                                   + deviation * 0.9 ** np.arange(1, 4), atol=1e-6)
    np.testing.assert_allclose(oracle.error_sd[0], 2.0 * np.sqrt([1, 1 + 0.81, 1 + 0.81 + 0.81**2]),
                               rtol=1e-6)


def test_oracle_realised_error_matches_its_expected_error_over_many_series():
    squared = []
    for seed in range(60):
        values, mean = simulate(120, seed=100 + seed)
        oracle = oracle_forecasts(values, mean, [100, 108], 12, ar=0.9, level_sd=1.0, noise_sd=1.0)
        truth = np.stack([values[100:112], values[108:120]])
        squared.append((truth - oracle.forecasts) ** 2)
    realised = np.sqrt(np.mean(squared))
    assert realised == pytest.approx(oracle.expected_rmse, rel=0.12)
    # a model that ignores the level (the known mean alone) is clearly worse
    assert oracle.expected_rmse < np.sqrt(1 / (1 - 0.81) + 1.0)


def test_expected_error_grows_with_the_step():
    values, mean = simulate(200, seed=3)
    oracle = oracle_forecasts(values, mean, np.arange(150, 180, 3), 12, ar=0.9, level_sd=1.0,
                              noise_sd=1.0)
    assert oracle.forecasts.shape == oracle.error_sd.shape == (10, 12)
    assert (np.diff(oracle.expected_rmse_per_step) > 0).all()
    assert oracle.expected_rmse_per_step[-1] < np.sqrt(1 / (1 - 0.81) + 1.0)   # the unconditional sd


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"origins": [1]}, "between 2 and"),
        ({"origins": [500]}, "between 2 and"),
        ({"origins": [10.5]}, "1-D list of integers"),
        ({"horizon": 0}, "positive integer"),
        ({"ar": 1.0}, "-1 < ar < 1"),
        ({"level_sd": 0.0}, "level_sd > 0"),
        ({"mean": np.zeros(50)}, "covering the values"),
    ],
)
def test_oracle_bad_input_is_explained(kwargs, message):
    values, mean = simulate(120, seed=4)
    arguments = {"values": values, "mean": mean, "origins": [100], "horizon": 12, "ar": 0.9,
                 "level_sd": 1.0, "noise_sd": 1.0, **kwargs}
    with pytest.raises(CourseInputError, match=message):
        oracle_forecasts(**arguments)


def test_oracle_refuses_missing_values():
    values, mean = simulate(120, seed=5)
    values[50] = np.nan
    with pytest.raises(CourseInputError, match="finite"):
        oracle_forecasts(values, mean, [100], 12, ar=0.9, level_sd=1.0, noise_sd=1.0)


def test_rolling_origin_schematic_labels_every_origin():
    index = pd.date_range("2000-01-01", periods=120, freq="MS")
    ax = plot_rolling_origins(index, fit_end=72, train_end=96, origins=[96, 102, 108], horizon=12)
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert labels == ["networks", "origin 2008-12", "origin 2008-06", "origin 2007-12"]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert len(ax.patches) == 2 + 2 * 3
    plt.close("all")
    with pytest.raises(CourseInputError, match="fit_end"):
        plot_rolling_origins(index, fit_end=100, train_end=96, origins=[96], horizon=12)


def test_sequence_targets_grid():
    ax = plot_sequence_targets(4, 3)
    grid = ax.images[0].get_array()
    assert grid.shape == (4, 7)
    # row t: inputs 1..t read, targets t+1..t+3
    assert grid[0].tolist() == [1, 2, 2, 2, 0, 0, 0]
    assert grid[3].tolist() == [1, 1, 1, 1, 2, 2, 2]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    plt.close("all")
    with pytest.raises(CourseInputError, match="window"):
        plot_sequence_targets(0, 3)


# --- restart_training -------------------------------------------------------------------


class _Feedback(keras.Model):
    """A small subclassed model (built on its first call), like 05's FeedbackGRU."""

    def __init__(self):
        super().__init__()
        self.cell = keras.layers.GRUCell(3)
        self.warmup = keras.layers.RNN(self.cell, return_state=True)
        self.head = keras.layers.Dense(1)

    def call(self, window, training=False):
        output, state = self.warmup(window, training=training)
        first = self.head(output)
        output, _ = self.cell(first, states=state, training=training)
        return keras.ops.concatenate([first, self.head(output)], axis=1)


def _restart_data(outputs):
    """Three batches of 8 (the last execution of steps_per_execution=2 is a partial one)."""
    rng = np.random.default_rng(3)
    x = rng.random((24, 6, 1)).astype("float32")
    y = rng.random((24, outputs)).astype("float32")
    return x, y, x[:8] + 0.1, y[:8]


def _sequential():
    return keras.Sequential([keras.Input(shape=(6, 1)), keras.layers.GRU(3), keras.layers.Dense(1)])


def _compile(model, learning_rate=0.01, clipnorm=None):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, clipnorm=clipnorm),
                  loss="mse", steps_per_execution=2)
    return model


def _train(model, data):
    x, y, x_val, y_val = data
    return fit(model, x, y, epochs=3, batch_size=8, validation_data=(x_val, y_val), patience=2,
               verbose_every=0)


@pytest.mark.parametrize(("build", "outputs", "clipnorm"), [(_sequential, 1, None), (_Feedback, 2, 1.0)])
def test_restart_training_trains_exactly_like_a_new_model(build, outputs, clipnorm):
    data = _restart_data(outputs)
    helpers.seed_everything(1)
    new = _compile(build(), learning_rate=0.003, clipnorm=clipnorm)
    new_run = _train(new, data)
    helpers.seed_everything(0)                        # another seed and learning rate first
    reused = _compile(build(), learning_rate=0.01, clipnorm=clipnorm)
    _train(reused, data)
    helpers.seed_everything(1)
    same = restart_training(reused, build(), learning_rate=0.003, clipnorm=clipnorm, sample=data[0][:1])
    assert same is reused
    run = _train(reused, data)
    assert run.history == new_run.history
    for a, b in zip(reused.get_weights(), new.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_restart_training_without_the_optimizer_reset_would_differ():
    """The reset matters: only copying the weights keeps Adam's moments and step count."""
    data = _restart_data(1)
    helpers.seed_everything(1)
    new = _compile(_sequential())
    _train(new, data)
    helpers.seed_everything(0)
    reused = _compile(_sequential())
    _train(reused, data)
    helpers.seed_everything(1)
    reused.set_weights(_sequential().get_weights())  # weights only, the optimizer state kept
    _train(reused, data)
    assert any(not np.array_equal(a, b) for a, b in zip(reused.get_weights(), new.get_weights(), strict=True))


def test_restart_training_refuses_what_it_cannot_restart():
    data = _restart_data(1)
    helpers.seed_everything(0)
    trained = _compile(_sequential())
    _train(trained, data)
    with pytest.raises(CourseInputError, match="compiled"):
        restart_training(_sequential(), _sequential())
    with pytest.raises(CourseInputError, match="not the compiled model"):
        restart_training(trained, trained)
    with pytest.raises(CourseInputError, match="clipnorm"):
        restart_training(trained, _sequential(), clipnorm=1.0)
    with pytest.raises(CourseInputError, match="learning_rate"):
        restart_training(trained, _sequential(), learning_rate=-1)
    with pytest.raises(CourseInputError, match="sample"):
        restart_training(trained, _Feedback())
    wider = keras.Sequential([keras.Input(shape=(6, 1)), keras.layers.GRU(4), keras.layers.Dense(1)])
    with pytest.raises(CourseInputError, match="same function"):
        restart_training(trained, wider)


def validation_pairs(n=37, steps=5, weights=False, seed=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, steps, 1)).astype("float32")
    y = rng.normal(size=(n, steps, 2) if weights else (n, 2)).astype("float32")
    w = (rng.uniform(size=(n, steps)) > 0.4).astype("float32") if weights else None
    return x, y, w


@pytest.mark.parametrize("weights", [False, True])
def test_validation_batches_give_keras_the_same_validation_loss_as_the_arrays(weights):
    x, y, w = validation_pairs(n=70, weights=weights, seed=1)
    x_val, y_val, w_val = validation_pairs(n=37, weights=weights, seed=2)
    losses = {}
    for kind in ["arrays", "dataset"]:
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((5, 1)), keras.layers.GRU(3, return_sequences=weights),
                                  keras.layers.Dense(2)])
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        validation = (x_val, y_val) if w_val is None else (x_val, y_val, w_val)
        if kind == "dataset":
            validation = validation_batches(x_val, y_val, w_val, batch_size=16)
        history = fit(model, x, y, epochs=2, batch_size=16, validation_data=validation, verbose_every=0)
        losses[kind] = history.history["val_loss"]
    assert len(losses["arrays"]) == 2 and losses["dataset"] == losses["arrays"]  # bit for bit


def test_validation_batches_keep_the_order_and_the_batch_size():
    x, y, w = validation_pairs(n=37, weights=True)
    batches = list(validation_batches(x, y, w, batch_size=16))
    assert [len(batch[0]) for batch in batches] == [16, 16, 5] and len(batches[0]) == 3
    np.testing.assert_array_equal(np.concatenate([b[0].numpy() for b in batches]), x)
    np.testing.assert_array_equal(np.concatenate([b[1].numpy() for b in batches]), y)
    np.testing.assert_array_equal(np.concatenate([b[2].numpy() for b in batches]), w)
    pairs = list(validation_batches(x.astype("float64"), y))
    assert len(pairs) == 2 and len(pairs[0]) == 2 and pairs[0][0].dtype == "float32"


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((np.zeros((5, 3, 1)), np.zeros((4, 1))), {}, "lengths"),
        ((np.zeros((5, 3, 1)), np.zeros((5, 1)), np.ones(6)), {}, "lengths"),
        ((np.zeros((0, 3, 1)), np.zeros((0, 1))), {}, "one entry per"),
        ((np.zeros((5, 3, 1)), np.zeros((5, 1))), {"batch_size": 0}, "batch_size"),
        ((np.zeros((5, 3, 1)), np.zeros((5, 1))), {"batch_size": 2.5}, "batch_size"),
        ((np.zeros((5, 3, 1)), ["a"] * 5), {}, "y"),
        ((None, np.zeros((5, 1))), {}, "x"),
    ],
)
def test_validation_batches_explain_bad_input(args, kwargs, message):
    with pytest.raises(CourseInputError, match=message):
        validation_batches(*args, **kwargs)
