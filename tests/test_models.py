"""Tests for helpers.models.model_shape, the one reader of a model's declared shapes."""

from __future__ import annotations

import helpers  # noqa: F401  (sets the Keras backend before keras is imported)
from helpers import checks
from helpers.checks import ex09_multivariate_lstm_vs_var as ex09
from helpers.forecasting import _model_input_shape
from helpers.models import model_shape
from helpers.training import _known_shape
from helpers.validation import CourseInputError

import keras
import pytest


def one_input(window=12, features=1, units=3):
    return keras.Sequential([keras.Input(shape=(window, features)), keras.layers.Dense(units)])


def two_inputs():
    a, b = keras.Input(shape=(12, 1)), keras.Input(shape=(4,))
    out = keras.layers.Concatenate()([keras.layers.Flatten()(a), b])
    return keras.Model([a, b], out)


def listed_input():
    """A model built with ``inputs=[x]``: Keras may report its shape as a one-element list."""
    x = keras.Input(shape=(7, 2))
    return keras.Model([x], keras.layers.Dense(1)(x))


class Raises:
    def __init__(self, error):
        self.error = error

    @property
    def input_shape(self):
        raise self.error("not built")


class Declares:
    def __init__(self, shape):
        self.input_shape = shape
        self.output_shape = shape


def test_a_built_model_gives_its_input_and_output_shapes():
    model = one_input(window=5, features=2, units=4)
    assert model_shape(model) == (None, 5, 2)
    assert model_shape(model, "output_shape") == (None, 5, 4)
    assert model_shape(model, single=True) == (None, 5, 2)


@pytest.mark.parametrize("error", [AttributeError, ValueError, RuntimeError])
def test_an_unknown_shape_is_none_not_an_exception(error):
    assert model_shape(Raises(error)) is None
    assert model_shape(keras.Sequential()) is None  # not built
    assert model_shape("a string") is None
    assert model_shape(Declares(None)) is None
    assert model_shape(Declares("(None, 3)")) is None  # neither a tuple nor a list


def test_several_inputs_stay_a_list_even_with_single():
    model = two_inputs()
    assert model_shape(model) == [(None, 12, 1), (None, 4)]
    assert model_shape(model, single=True) == [(None, 12, 1), (None, 4)]


def test_a_one_element_list_is_unwrapped_only_when_asked():
    fake = Declares([(None, 7, 2)])
    assert model_shape(fake) == [(None, 7, 2)]
    assert model_shape(fake, single=True) == (None, 7, 2)
    assert model_shape(Declares([None]), single=True) is None
    assert model_shape(listed_input(), single=True) == (None, 7, 2)


def test_every_caller_reads_the_same_shape():
    model = one_input(window=6, features=3)
    assert checks.model_shape(model, "input_shape") == (None, 6, 3)
    assert ex09._shape(model, "input_shape") == (None, 6, 3)
    assert _known_shape(model, "input_shape") == (6, 3)
    assert _model_input_shape(model) == (None, 6, 3)


def test_the_callers_keep_their_own_reading_of_several_inputs():
    model = two_inputs()
    assert checks.model_shape(model, "input_shape") == ((None, 12, 1), (None, 4))
    assert ex09._shape(model, "input_shape") == ((None, 12, 1), (None, 4))
    assert _known_shape(model, "input_shape") is None
    with pytest.raises(CourseInputError, match="2 inputs"):
        _model_input_shape(model)
    fake = Declares([(None, 7, 2)])
    assert checks.model_shape(fake, "input_shape") == ((None, 7, 2),)
    assert ex09._shape(fake, "input_shape") == (None, 7, 2)
    assert _known_shape(fake, "input_shape") is None
    assert _model_input_shape(_Callable([(None, 7, 2)])) == (None, 7, 2)
    with pytest.raises(CourseInputError, match="0 inputs"):
        _model_input_shape(_Callable([]))


def test_unknown_shapes_are_none_for_every_caller():
    for model in (keras.Sequential(), Raises(RuntimeError)):
        assert checks.model_shape(model, "input_shape") is None
        assert ex09._shape(model, "input_shape") is None
        assert _known_shape(model, "input_shape") is None
    assert _model_input_shape(keras.Sequential()) is None
    with pytest.raises(CourseInputError, match="Keras model"):
        _model_input_shape("not callable")


class _Callable(Declares):
    def __call__(self, x):
        return x


def test_a_misspelt_attribute_is_refused_not_read_as_unknown():
    """Issue 28 §4: None would make every caller skip its checks."""
    model = keras.Sequential([keras.Input(shape=(12, 1)), keras.layers.Dense(1)])
    with pytest.raises(CourseInputError, match=r"'input_shape' or 'output_shape', got 'inputs_shape'"):
        model_shape(model, "inputs_shape")
