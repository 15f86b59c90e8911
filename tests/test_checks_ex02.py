"""Exercise 02's checks: sigmoid slope, per-layer gradient norms, clipping, initialisers."""

from __future__ import annotations

import helpers  # noqa: F401  (sets the Keras backend before keras is imported)
from helpers.checks import CORRECT, NOT_ATTEMPTED, WRONG
from helpers.checks import ex02_gradients as ex02

import keras
import numpy as np
import pytest
import tensorflow as tf


def stub(*args, **kwargs):
    return ...


JUNK = [None, ..., 3, "text", [1, 2], {"a": 1}, np.zeros(3), object(), lambda *a: 1 / 0]


# --- independent reference answers ---

def good_derivative(z):
    return np.exp(-np.logaddexp(0, -z)) * np.exp(-np.logaddexp(0, z))  # sigma(z) * sigma(-z)


def good_norms(model, x, y, *, kind="kernel", reverse=False, scale=1.0, square=False):
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    variables = [layer.kernel if kind == "kernel" else layer.bias for layer in dense]
    with tf.GradientTape() as tape:
        loss = scale * tf.reduce_mean((model(x) - y) ** 2)
    norms = [float(tf.norm(g)) for g in tape.gradient(loss, variables)]
    norms = [n**2 for n in norms] if square else norms
    return norms[::-1] if reverse else norms


# --- task 1 ---

def test_task1_sigmoid_derivative():
    assert ex02.check_sigmoid_derivative(good_derivative).status == CORRECT
    assert ex02.check_sigmoid_derivative(...).status == NOT_ATTEMPTED
    assert ex02.check_sigmoid_derivative(stub).status == NOT_ATTEMPTED

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    itself = ex02.check_sigmoid_derivative(sigmoid)
    assert itself.status == WRONG and "sigmoid itself" in itself.message
    plus = ex02.check_sigmoid_derivative(lambda z: sigmoid(z) * (1 + sigmoid(z)))
    assert plus.status == WRONG and "sign inside" in plus.message
    on_z = ex02.check_sigmoid_derivative(lambda z: z * (1 - z))
    assert on_z.status == WRONG and "instead of to sigma(z)" in on_z.message
    tanh = ex02.check_sigmoid_derivative(lambda z: 1 - np.tanh(z) ** 2)
    assert tanh.status == WRONG and "slope of tanh" in tanh.message
    scalar = ex02.check_sigmoid_derivative(lambda z: 0.25)
    assert scalar.status == WRONG and "one number" in scalar.message


def test_task1_flags_a_formula_that_overflows_to_nan():
    with np.errstate(all="ignore"):
        verdict = ex02.check_sigmoid_derivative(lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2)
    assert verdict.status == WRONG and "far from 0" in verdict.message


# --- task 2 ---

def test_task2_gradient_norms():
    assert ex02.check_gradient_norms(good_norms).status == CORRECT
    assert ex02.check_gradient_norms(...).status == NOT_ATTEMPTED
    assert ex02.check_gradient_norms(stub).status == NOT_ATTEMPTED
    reversed_ = ex02.check_gradient_norms(lambda m, x, y: good_norms(m, x, y, reverse=True))
    assert reversed_.status == WRONG and "reverse order" in reversed_.message
    weights = ex02.check_gradient_norms(
        lambda m, x, y: [np.linalg.norm(layer.kernel.numpy()) for layer in m.layers])
    assert weights.status == WRONG and "not of their gradients" in weights.message
    biases = ex02.check_gradient_norms(lambda m, x, y: good_norms(m, x, y, kind="bias"))
    assert biases.status == WRONG and "biases" in biases.message
    summed = ex02.check_gradient_norms(lambda m, x, y: good_norms(m, x, y, scale=len(x)))
    assert summed.status == WRONG and "batch size" in summed.message
    squared = ex02.check_gradient_norms(lambda m, x, y: good_norms(m, x, y, square=True))
    assert squared.status == WRONG and "squared norms" in squared.message


def test_task2_wrong_number_of_norms():
    def with_biases(m, x, y):
        return good_norms(m, x, y) + good_norms(m, x, y, kind="bias")

    both = ex02.check_gradient_norms(with_biases)
    assert both.status == WRONG and "biases are included" in both.message
    no_output = ex02.check_gradient_norms(lambda m, x, y: good_norms(m, x, y)[:-1])
    assert no_output.status == WRONG and "output layer" in no_output.message


def test_task2_gradient_tensors_instead_of_norms():
    def tensors(m, x, y):
        kernels = [layer.kernel for layer in m.layers]
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((m(x) - y) ** 2)
        return tape.gradient(loss, kernels)

    verdict = ex02.check_gradient_norms(tensors)
    assert verdict.status == WRONG and "np.linalg.norm" in verdict.message


# --- task 3 ---

def test_task3_clipping():
    assert ex02.check_clipping(keras.optimizers.SGD(learning_rate=0.1, clipnorm=1.0)).status == CORRECT
    assert ex02.check_clipping(...).status == NOT_ATTEMPTED
    by_value = ex02.check_clipping(keras.optimizers.SGD(learning_rate=0.1, clipvalue=1.0))
    assert by_value.status == WRONG and "clipvalue" in by_value.message
    unclipped = ex02.check_clipping(keras.optimizers.SGD(learning_rate=0.1))
    assert unclipped.status == WRONG and "does not clip" in unclipped.message
    global_ = ex02.check_clipping(keras.optimizers.SGD(learning_rate=0.1, global_clipnorm=1.0))
    assert global_.status == WRONG and "global_clipnorm" in global_.message
    adam = ex02.check_clipping(keras.optimizers.Adam(learning_rate=0.1, clipnorm=1.0))
    assert adam.status == WRONG and "plain SGD" in adam.message
    norm5 = ex02.check_clipping(keras.optimizers.SGD(learning_rate=0.1, clipnorm=5.0))
    assert norm5.status == WRONG and "clipnorm is 5" in norm5.message
    lr = ex02.check_clipping(keras.optimizers.SGD(learning_rate=0.01, clipnorm=1.0))
    assert lr.status == WRONG and "learning rate" in lr.message
    the_class = ex02.check_clipping(keras.optimizers.SGD)
    assert the_class.status == WRONG and "calling it" in the_class.message


def test_task3_leaves_the_students_optimizer_untouched():
    optimizer = keras.optimizers.SGD(learning_rate=0.1, clipnorm=1.0)
    ex02.check_clipping(optimizer)
    assert int(optimizer.iterations) == 0


# --- task 4 ---

GOOD_INITS = {"relu": "he_normal", "leaky_relu": keras.initializers.HeUniform(),
              "tanh": "glorot_uniform", "sigmoid": keras.initializers.GlorotNormal}


def test_task4_initializers():
    assert ex02.check_initializers(GOOD_INITS).status == CORRECT
    assert ex02.check_initializers(...).status == NOT_ATTEMPTED
    assert ex02.check_initializers({**GOOD_INITS, "tanh": ...}).status == NOT_ATTEMPTED
    glorot_relu = ex02.check_initializers({**GOOD_INITS, "relu": "glorot_uniform"})
    assert glorot_relu.status == WRONG and "Use He" in glorot_relu.message
    he_tanh = ex02.check_initializers({**GOOD_INITS, "sigmoid": "he_normal"})
    assert he_tanh.status == WRONG and "use Glorot" in he_tanh.message
    naive = ex02.check_initializers(
        {**GOOD_INITS, "relu": keras.initializers.RandomNormal(stddev=1.0)})
    assert naive.status == WRONG and "fixed standard deviation" in naive.message
    zeros = ex02.check_initializers({**GOOD_INITS, "tanh": "zeros"})
    assert zeros.status == WRONG and "identical" in zeros.message
    missing = ex02.check_initializers({"relu": "he_normal"})
    assert missing.status == WRONG and "no entry" in missing.message
    not_init = ex02.check_initializers({**GOOD_INITS, "relu": "relu"})
    assert not_init.status == WRONG and "not a Keras initialiser" in not_init.message
    factory = ex02.check_initializers({**GOOD_INITS, "relu": lambda: keras.initializers.HeNormal()})
    assert factory.status == WRONG and "lambda" in factory.message


# --- robustness ---

@pytest.mark.parametrize("junk", JUNK, ids=lambda j: type(j).__name__)
def test_no_check_raises_on_junk(junk):
    verdicts = [
        ex02.check_sigmoid_derivative(junk),
        ex02.check_gradient_norms(junk),
        ex02.check_clipping(junk),
        ex02.check_initializers(junk),
        ex02.check_initializers(dict.fromkeys(ex02.ACTIVATIONS, junk)),
    ]
    for verdict in verdicts:
        assert verdict.status in (NOT_ATTEMPTED, WRONG)
