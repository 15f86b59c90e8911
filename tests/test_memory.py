"""Tests for helpers.memory: recall R², the early-stopping recall tracker, gradient by lag,
snapshots of trained models."""

from __future__ import annotations

from helpers.memory import RecallTracker, gradient_by_lag, recall_r2, snapshot
from helpers.validation import CourseInputError

import keras
import numpy as np
import pytest


def sequence_model(steps=6, features=2, units=3, layer=keras.layers.SimpleRNN, sequences=True):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((steps, features)),
                              layer(units, return_sequences=sequences), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    return model


def recall_data(n=64, steps=6, seed=0):
    rng = np.random.default_rng(seed)
    x = np.zeros((n, steps, 2), dtype="float32")
    x[:, :, 0] = rng.uniform(-1, 1, size=(n, steps))
    x[:, 0, 1] = 1.0
    return x, np.repeat(x[:, :1, :1], steps, axis=1)


def test_recall_r2_values_and_errors():
    target = np.array([1.0, -1.0, 0.0, 2.0])
    assert recall_r2(target, target) == 1.0
    assert recall_r2(np.full(4, target.mean()), target) == pytest.approx(0.0)
    assert recall_r2(target + 1.0, target) == pytest.approx(1 - 1 / target.var())
    with pytest.raises(CourseInputError, match="one answer per target"):
        recall_r2([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(CourseInputError, match="differ"):
        recall_r2([1.0, 2.0], [3.0, 3.0])


def test_recall_tracker_scores_the_last_step_against_a_direct_computation():
    x, y = recall_data()
    model = sequence_model()
    tracker = RecallTracker(x, y)
    model.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[tracker])
    assert len(tracker.r2) == len(tracker.seconds) == 3 and not tracker.stopped_early
    answer = model(x).numpy()[:, -1, 0]
    assert tracker.r2[-1] == pytest.approx(recall_r2(answer, y[:, -1, 0]), abs=1e-6)


def test_recall_tracker_stops_at_the_target_and_when_stalled():
    x, y = recall_data()
    reached = RecallTracker(x, y, stop_at=-1e9)
    sequence_model().fit(x, y, epochs=6, verbose=0, callbacks=[reached])
    assert len(reached.r2) == 1 and reached.stopped_early and reached.epochs_to(-1e9) == 1
    assert reached.epochs_to(2.0) is None
    # a learning rate of zero never improves: stop after `patience` epochs beyond the first
    frozen = sequence_model()
    frozen.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    stalled = RecallTracker(x, y, patience=2)
    frozen.fit(x, y, epochs=10, verbose=0, callbacks=[stalled])
    assert len(stalled.r2) == 3 and stalled.stopped_early
    # an improving model with generous patience trains on
    patient = RecallTracker(x, y, patience=50)
    sequence_model().fit(x, y, epochs=4, verbose=0, callbacks=[patient])
    assert len(patient.r2) == 4 and not patient.stopped_early


def test_recall_tracker_rejects_bad_shapes():
    x, y = recall_data()
    with pytest.raises(CourseInputError, match="same number of sequences"):
        RecallTracker(x, y[:10])
    with pytest.raises(CourseInputError, match=r"\(sequences, steps, 1\)"):
        RecallTracker(x[:, :, 0], y)
    with pytest.raises(CourseInputError, match="patience"):
        RecallTracker(x, y, patience=0)


def test_gradient_by_lag_matches_a_linear_model_exactly():
    # a Dense(1) on the flattened input: the gradient is the kernel, reversed in time
    steps, features = 5, 2
    model = keras.Sequential([keras.Input((steps, features)), keras.layers.Flatten(),
                              keras.layers.Dense(1)])
    kernel = np.arange(1, steps * features + 1, dtype="float32")[:, None] * np.where(
        np.arange(steps * features) % 2, -1, 1)[:, None]
    model.layers[-1].set_weights([kernel, np.zeros(1, dtype="float32")])
    x = np.random.default_rng(1).normal(size=(3, steps, features))
    for channel in range(features):
        expected = np.abs(kernel[channel::features, 0])[::-1]
        np.testing.assert_allclose(gradient_by_lag(model, x, channel=channel), expected, rtol=1e-6)


def test_gradient_by_lag_reads_the_last_step_of_a_sequence_model():
    x, _ = recall_data(n=8)
    model = sequence_model()
    curve = gradient_by_lag(model, x, channel=0)
    assert curve.shape == (6,) and np.all(curve >= 0) and curve[0] > 0
    # the same curve from a model that returns only the last step's output
    last_only = sequence_model(sequences=False)
    last_only.set_weights(model.get_weights())
    np.testing.assert_allclose(gradient_by_lag(last_only, x, channel=0), curve, rtol=1e-5)
    # the marker channel is another derivative, not the same numbers
    assert not np.allclose(gradient_by_lag(model, x, channel=1), curve)


def test_gradient_by_lag_rejects_bad_input():
    model = sequence_model()
    x, _ = recall_data(n=4)
    with pytest.raises(CourseInputError, match="x must have shape"):
        gradient_by_lag(model, x[:, :, 0])
    for bad in (2, -1, 0.5, True):
        with pytest.raises(CourseInputError, match="channel must be an integer"):
            gradient_by_lag(model, x, channel=bad)


@pytest.mark.parametrize("layer", [keras.layers.SimpleRNN, keras.layers.LSTM, keras.layers.GRU])
def test_snapshot_answers_like_the_model_and_keeps_its_weights_when_the_model_trains_on(layer):
    x, y = recall_data()
    model = sequence_model(layer=layer)
    model.fit(x, y, epochs=2, batch_size=len(x), verbose=0)   # two steps: enough to move
    copy = snapshot(model)
    assert copy is not model and copy.optimizer is not model.optimizer
    assert int(model.optimizer.iterations) > 0 and int(copy.optimizer.iterations) == 0
    assert [type(a) for a in copy.layers] == [type(a) for a in model.layers]
    np.testing.assert_array_equal(copy(x).numpy(), model(x).numpy())
    np.testing.assert_array_equal(copy.predict_on_batch(x), model.predict_on_batch(x))
    before = copy(x).numpy()
    model.fit(x, y, epochs=1, batch_size=len(x), verbose=0)  # the original moves on
    assert not np.allclose(model(x).numpy(), before)
    np.testing.assert_array_equal(copy(x).numpy(), before)


def test_snapshot_of_a_model_that_reads_any_length():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((None, 2)), keras.layers.GRU(3, return_sequences=True),
                              keras.layers.Dense(1)])
    copy = snapshot(model)
    for steps in (4, 9):
        x, _ = recall_data(n=5, steps=steps)
        np.testing.assert_array_equal(copy(x).numpy(), model(x).numpy())


def test_snapshot_rejects_what_it_cannot_copy():
    with pytest.raises(CourseInputError, match="Keras model"):
        snapshot(keras.layers.GRU(3))
    with pytest.raises(CourseInputError, match="Keras model"):
        snapshot([np.zeros(3)])
    unbuilt = keras.Sequential([keras.layers.GRU(3), keras.layers.Dense(1)])
    with pytest.raises(CourseInputError, match="not been built"):
        snapshot(unbuilt)

    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

    subclassed = Subclassed()
    subclassed(np.zeros((1, 2), "float32"))
    with pytest.raises(CourseInputError, match="get_weights"):
        snapshot(subclassed)
