"""Tests for helpers.experiments: the data generators and the hand-written step trainer."""

from __future__ import annotations

from helpers.experiments import (
    StepTrainer,
    TrainingTrace,
    adding_problem,
    mean_sd,
    two_cycle_series,
)
from helpers.validation import CourseInputError

import keras
import numpy as np
import pytest


def test_adding_problem_marks_one_step_in_each_half_and_sums_them():
    x, y = adding_problem(200, steps=11, seed=3)
    markers = x[:, :, 1]
    assert set(np.unique(markers)) == {0.0, 1.0}
    assert (markers.sum(axis=1) == 2).all()
    assert (markers[:, :5].sum(axis=1) == 1).all() and (markers[:, 5:].sum(axis=1) == 1).all()
    assert np.allclose(y[:, 0], (x[:, :, 0] * markers).sum(axis=1))
    assert ((x[:, :, 0] >= 0) & (x[:, :, 0] < 1)).all()


def test_adding_problem_is_reproducible_and_seed_dependent():
    a, b, c = (adding_problem(5, 8, seed=s)[0] for s in (1, 1, 2))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize("n, steps", [(0, 5), (5, 1), (2.5, 5), ("10", 5)])
def test_adding_problem_rejects_bad_sizes(n, steps):
    with pytest.raises(CourseInputError):
        adding_problem(n, steps)


def test_two_cycle_series_is_the_sum_of_its_parts():
    y = two_cycle_series(100, long_period=50, short_period=5, noise=0.0)
    t = np.arange(100)
    expected = np.sin(2 * np.pi * t / 50) + 0.5 * np.sin(2 * np.pi * t / 5)
    assert y.dtype == np.float32 and np.allclose(y, expected, atol=1e-6)
    noisy = two_cycle_series(5000, long_period=50, short_period=5, noise=0.3, seed=0)
    t = np.arange(5000)
    residual = noisy - (np.sin(2 * np.pi * t / 50) + 0.5 * np.sin(2 * np.pi * t / 5))
    assert 0.28 < residual.std() < 0.32


@pytest.mark.parametrize("kwargs", [{"long_period": -1}, {"short_period": "7"}, {"noise": -0.1},
                                    {"noise": float("nan")}])
def test_two_cycle_series_rejects_bad_arguments(kwargs):
    with pytest.raises(CourseInputError):
        two_cycle_series(10, **kwargs)


def test_mean_sd_uses_the_sample_standard_deviation():
    assert mean_sd([1.0, 3.0], digits=2) == "2.00 ± 1.41"
    with pytest.raises(CourseInputError):
        mean_sd(["a", "b"])


def test_trace_flags_divergence():
    trace = TrainingTrace(np.array([1.0, 2.0, np.nan]), np.array([1.0, np.inf, np.nan]), np.zeros(1))
    assert trace.diverged and trace.first_bad_step == 2
    calm = TrainingTrace(np.array([1.0, 0.5]), np.array([1.0, 1.0]), np.zeros(1))
    assert not calm.diverged and calm.first_bad_step is None


def _tiny_model(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((None, 2)), keras.layers.SimpleRNN(4), keras.layers.Dense(1)])


def test_step_trainer_records_every_step_and_learns():
    x, y = adding_problem(64, steps=4, seed=0)
    model = _tiny_model()
    trace = StepTrainer(model, keras.optimizers.Adam(0.05)).run(x, y, epochs=6, batch_size=16)
    assert trace.losses.shape == (24,) and trace.grad_norms.shape == (24,)
    assert trace.epoch_seconds.shape == (6,) and (trace.epoch_seconds > 0).all()
    assert trace.losses[-4:].mean() < trace.losses[:4].mean()  # it trains
    # the recorded loss is the loss of the batch before its update
    fresh = _tiny_model()
    first = float(np.mean((keras.ops.convert_to_numpy(fresh(x[:16])) - y[:16]) ** 2))
    assert np.isclose(trace.losses[0], first, rtol=1e-4)


def test_step_trainer_reports_the_gradient_norm_before_clipping():
    x, y = adding_problem(16, steps=4, seed=0)
    y = y + 100.0  # a huge error, so a huge gradient
    model = _tiny_model()
    before = [w.copy() for w in model.get_weights()]
    trace = StepTrainer(model, keras.optimizers.SGD(1.0, global_clipnorm=1.0)).run(x, y, batch_size=16)
    assert trace.grad_norms[0] > 10  # measured before clipping
    moved = np.sqrt(sum(((a - b) ** 2).sum() for a, b in zip(model.get_weights(), before, strict=True)))
    assert np.isclose(moved, 1.0, rtol=1e-3)  # the step itself was clipped to norm 1


def test_step_trainer_rejects_mismatched_data_and_non_models():
    trainer = StepTrainer(_tiny_model(), keras.optimizers.SGD(0.01))
    x, y = adding_problem(8, steps=4, seed=0)
    with pytest.raises(CourseInputError, match="8 sequences but y has 3"):
        trainer.run(x, y[:3])
    with pytest.raises(CourseInputError):
        trainer.run(x, y, epochs=0)
    with pytest.raises(CourseInputError, match="Keras model"):
        StepTrainer("model", keras.optimizers.SGD(0.01))
