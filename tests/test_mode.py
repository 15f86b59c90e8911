"""Fast mode switch and seeding."""

from __future__ import annotations

import helpers
from helpers.mode import fast_mode, pick, seed_everything

import numpy as np
import pytest


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("yes", True), ("0", False), ("", False)])
def test_fast_mode_values(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_FAST", value)
    assert fast_mode() is expected
    assert pick(full=200, fast=2) == (2 if expected else 200)


def test_unset_means_full_mode(monkeypatch):
    monkeypatch.delenv("COURSE_FAST", raising=False)
    assert pick(full="full", fast="fast") == "full"


def test_unclear_value_is_an_error(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "maybe")
    with pytest.raises(ValueError, match="COURSE_FAST='maybe' is not understood"):
        fast_mode()


def test_seed_everything_repeats_numpy_and_keras():
    import keras

    def draw():
        seed_everything(7)
        layer = keras.layers.Dense(3)
        layer.build((None, 4))
        return np.random.rand(3), np.asarray(layer.kernel)  # noqa: NPY002

    (a1, k1), (a2, k2) = draw(), draw()
    np.testing.assert_array_equal(a1, a2)
    np.testing.assert_array_equal(k1, k2)
    seed_everything(8)
    assert not np.array_equal(np.random.rand(3), a1)  # noqa: NPY002


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_seed_must_be_a_non_negative_int(bad):
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        seed_everything(bad)


def test_seed_everything_accepts_numpy_integers_as_the_same_seed():
    assert seed_everything(np.int64(7)) == 7
    a = np.random.rand(3)  # noqa: NPY002
    seed_everything(7)
    np.testing.assert_array_equal(a, np.random.rand(3))  # noqa: NPY002


def test_seed_everything_large_seeds_are_repeatable_and_distinct():
    import random

    def draw(seed):
        assert seed_everything(seed) == seed
        return np.random.rand(3), random.random()  # noqa: NPY002

    (a1, p1), (a2, p2) = draw(2**40), draw(2**40)
    np.testing.assert_array_equal(a1, a2)
    assert p1 == p2
    b, _ = draw(2**40 + 1)
    assert not np.array_equal(a1, b)
    c, _ = draw(0)  # not simply seed % 2**32
    assert not np.array_equal(a1, c)


@pytest.mark.parametrize(
    ("bad", "hint"), [(7.0, r"seed_everything\(7\)"), ("3", "not text"), (-1, "non-negative")]
)
def test_seed_errors_name_the_fix(bad, hint):
    from helpers.validation import CourseInputError

    with pytest.raises(CourseInputError, match=hint):
        seed_everything(bad)


def test_seed_everything_deterministic_must_be_a_bool():
    from helpers.validation import CourseInputError

    with pytest.raises(CourseInputError, match="deterministic must be True or False"):
        seed_everything(1, deterministic="no")


def test_fast_mode_runs_keras_eagerly_and_full_mode_compiles():
    import tensorflow as tf

    assert tf.config.functions_run_eagerly() is helpers.FAST


def test_eager_switch_trains_and_silences_only_the_tf_data_note():
    import warnings

    import keras
    import tensorflow as tf

    with warnings.catch_warnings():
        helpers.mode.run_eagerly_for_speed()
        assert tf.config.functions_run_eagerly()
        silenced = [f for f in warnings.filters if f[0] == "ignore" and f[1] is not None
                    and f[1].match("Even though the `tf.config.experimental_run_functions_eagerly` "
                                   "option is set, this option does not apply to tf.data functions.")]
        assert silenced and silenced[0][2] is UserWarning
        try:
            model = keras.Sequential([keras.Input((3, 1)), keras.layers.GRU(2), keras.layers.Dense(1)])
            model.compile(optimizer="adam", loss="mse")
            x, y = np.zeros((8, 3, 1), "float32"), np.zeros((8, 1), "float32")
            history = model.fit(x, y, epochs=1, verbose=0)
            assert np.isfinite(history.history["loss"][0])
        finally:
            tf.config.run_functions_eagerly(helpers.FAST)


def test_compiled_graphs_restores_the_eager_setting():
    from helpers.mode import compiled_graphs

    import tensorflow as tf

    for setting in (True, False):
        tf.config.run_functions_eagerly(setting)
        try:
            with compiled_graphs():
                assert not tf.config.functions_run_eagerly()
            assert tf.config.functions_run_eagerly() is setting
            with pytest.raises(KeyError), compiled_graphs():
                raise KeyError("an error inside the block")
            assert tf.config.functions_run_eagerly() is setting
        finally:
            tf.config.run_functions_eagerly(helpers.FAST)


def test_tensor_float_32_is_off_after_import_and_after_seeding():
    """TensorFloat-32 would round float32 products to 10 mantissa bits on recent GPUs."""
    import tensorflow as tf

    assert not tf.config.experimental.tensor_float_32_execution_enabled(), \
        "import helpers must switch TensorFloat-32 off"
    tf.config.experimental.enable_tensor_float_32_execution(True)
    try:
        seed_everything(1)
        assert not tf.config.experimental.tensor_float_32_execution_enabled(), \
            "seed_everything must switch TensorFloat-32 off again"
    finally:
        tf.config.experimental.enable_tensor_float_32_execution(False)
