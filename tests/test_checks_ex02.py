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


def test_task1_accepts_the_textbook_formula_whatever_it_does_at_800():
    # the task never asks about |z| = 800, so the overflow there is not judged
    verdict = ex02.check_sigmoid_derivative(lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2)
    assert verdict.status == CORRECT


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
        ex02.check_predicted_growth(junk),
    ]
    for verdict in verdicts:
        assert verdict.status in (NOT_ATTEMPTED, WRONG)


# --- attempt tables: valid answers, realistic mistakes, junk ---

from helpers.checks.attempts import JUNK as J  # noqa: E402
from helpers.checks.attempts import MISTAKE as M  # noqa: E402
from helpers.checks.attempts import VALID as V  # noqa: E402
from helpers.checks.attempts import Attempt, ids, judge, too_thin  # noqa: E402


def _deriv_tf(z):
    s = tf.sigmoid(tf.constant(z, dtype=tf.float32))
    return s * (1 - s)


def _deriv_no_return(z):
    s = 1 / (1 + np.exp(-z))
    s * (1 - s)


def _norms_list_of_tensors(model, x, y):
    with tf.GradientTape() as tape:
        loss = keras.ops.mean(keras.ops.square(model(x) - y))
    kernels = [layer.kernel for layer in model.layers]
    return [tf.norm(g) for g in tape.gradient(loss, kernels)]


def _norms_trainable_every_other(model, x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(y - model(x, training=False)))
    grads = tape.gradient(loss, model.trainable_variables)
    return np.array([np.sqrt(np.sum(g.numpy() ** 2)) for g in grads[::2]])


def _norms_no_return(model, x, y):
    with tf.GradientTape() as tape:
        loss = keras.ops.mean(keras.ops.square(model(x) - y))
    tape.gradient(loss, [layer.kernel for layer in model.layers])


def _norms_sum_loss(model, x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(model(x) - y))
    return [float(tf.norm(g)) for g in tape.gradient(loss, [la.kernel for la in model.layers])]


GOOD_DICT = {"relu": "he_normal", "leaky_relu": "he_uniform", "tanh": "glorot_uniform",
             "sigmoid": "glorot_normal"}

TABLE02 = [
    Attempt(1, V, "s * (1 - s)", lambda: ex02.check_sigmoid_derivative(good_derivative)),
    Attempt(1, V, "textbook exp(-z) / (1 + exp(-z))**2",
            lambda: ex02.check_sigmoid_derivative(lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2)),
    Attempt(1, V, "tensorflow float32", lambda: ex02.check_sigmoid_derivative(_deriv_tf)),
    Attempt(1, V, "scipy expit", lambda: ex02.check_sigmoid_derivative(
        lambda z: __import__("scipy.special").special.expit(z) * (1 - __import__("scipy.special").special.expit(z)))),
    Attempt(1, M, "forgot return", lambda: ex02.check_sigmoid_derivative(_deriv_no_return), "return"),
    Attempt(1, M, "the sigmoid itself", lambda: ex02.check_sigmoid_derivative(
        lambda z: 1 / (1 + np.exp(-z))), "sigmoid itself"),
    Attempt(1, M, "plus sign", lambda: ex02.check_sigmoid_derivative(
        lambda z: (1 / (1 + np.exp(-z))) * (1 + 1 / (1 + np.exp(-z)))), "sign"),
    Attempt(1, M, "tanh slope", lambda: ex02.check_sigmoid_derivative(lambda z: 1 - np.tanh(z) ** 2), "tanh"),
    Attempt(1, M, "math.exp on an array", lambda: ex02.check_sigmoid_derivative(
        lambda z: __import__("math").exp(-z)), "TypeError"),
    Attempt(1, J, "placeholder", lambda: ex02.check_sigmoid_derivative(stub), status=NOT_ATTEMPTED),
    Attempt(1, J, "a number", lambda: ex02.check_sigmoid_derivative(0.25)),
    Attempt(1, J, "returns text", lambda: ex02.check_sigmoid_derivative(lambda z: "slope")),
    # task 2
    Attempt(2, V, "independent reference", lambda: ex02.check_gradient_norms(good_norms)),
    Attempt(2, V, "list of tensors", lambda: ex02.check_gradient_norms(_norms_list_of_tensors)),
    Attempt(2, V, "every other trainable variable", lambda: ex02.check_gradient_norms(
        _norms_trainable_every_other)),
    Attempt(2, M, "forgot return", lambda: ex02.check_gradient_norms(_norms_no_return), "return"),
    Attempt(2, M, "reversed", lambda: ex02.check_gradient_norms(
        lambda m, x, y: good_norms(m, x, y, reverse=True)), "reverse"),
    Attempt(2, M, "biases", lambda: ex02.check_gradient_norms(
        lambda m, x, y: good_norms(m, x, y, kind="bias")), "bias"),
    Attempt(2, M, "summed loss", lambda: ex02.check_gradient_norms(_norms_sum_loss), "batch size"),
    Attempt(2, M, "notebook 02's hidden layers only", lambda: ex02.check_gradient_norms(
        lambda m, x, y: good_norms(m, x, y)[:-1]), "hidden_layer_gradient_norms"),
    Attempt(2, M, "squared norms", lambda: ex02.check_gradient_norms(
        lambda m, x, y: good_norms(m, x, y, square=True)), "squared"),
    Attempt(2, J, "placeholder", lambda: ex02.check_gradient_norms(stub), status=NOT_ATTEMPTED),
    Attempt(2, J, "a list", lambda: ex02.check_gradient_norms([1.0, 2.0])),
    Attempt(2, J, "crashes", lambda: ex02.check_gradient_norms(lambda m, x, y: m.nothing)),
    # task 3
    Attempt(3, V, "keyword arguments", lambda: ex02.check_clipping(
        keras.optimizers.SGD(learning_rate=0.1, clipnorm=1.0))),
    Attempt(3, V, "positional rate, int clipnorm", lambda: ex02.check_clipping(
        keras.optimizers.SGD(0.1, clipnorm=1))),
    Attempt(3, V, "explicit momentum 0", lambda: ex02.check_clipping(
        keras.optimizers.SGD(learning_rate=0.1, momentum=0.0, clipnorm=1.0))),
    Attempt(3, M, "momentum 0.9", lambda: ex02.check_clipping(
        keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, clipnorm=1.0)), "momentum"),
    Attempt(3, M, "Adam", lambda: ex02.check_clipping(
        keras.optimizers.Adam(learning_rate=0.1, clipnorm=1.0)), "plain SGD"),
    Attempt(3, M, "clipvalue", lambda: ex02.check_clipping(
        keras.optimizers.SGD(learning_rate=0.1, clipvalue=1.0)), "clipvalue"),
    Attempt(3, M, "global_clipnorm", lambda: ex02.check_clipping(
        keras.optimizers.SGD(learning_rate=0.1, global_clipnorm=1.0)), "global_clipnorm"),
    Attempt(3, M, "default learning rate", lambda: ex02.check_clipping(
        keras.optimizers.SGD(clipnorm=1.0)), "learning rate"),
    Attempt(3, J, "placeholder", lambda: ex02.check_clipping(...), status=NOT_ATTEMPTED),
    Attempt(3, J, "a string", lambda: ex02.check_clipping("sgd")),
    Attempt(3, J, "the class", lambda: ex02.check_clipping(keras.optimizers.SGD)),
    # task 4
    Attempt(4, V, "names", lambda: ex02.check_initializers(GOOD_DICT)),
    Attempt(4, V, "instances", lambda: ex02.check_initializers({
        "relu": keras.initializers.HeNormal(), "leaky_relu": keras.initializers.HeNormal(seed=1),
        "tanh": keras.initializers.GlorotUniform(), "sigmoid": keras.initializers.GlorotNormal()})),
    Attempt(4, V, "classes", lambda: ex02.check_initializers({
        "relu": keras.initializers.HeUniform, "leaky_relu": keras.initializers.HeNormal,
        "tanh": keras.initializers.GlorotUniform, "sigmoid": keras.initializers.GlorotUniform})),
    Attempt(4, M, "Glorot everywhere", lambda: ex02.check_initializers(
        dict.fromkeys(GOOD_DICT, "glorot_uniform")), "Glorot for relu"),
    Attempt(4, M, "He everywhere", lambda: ex02.check_initializers(
        dict.fromkeys(GOOD_DICT, "he_normal")), "He for tanh"),
    Attempt(4, M, "swapped families", lambda: ex02.check_initializers(
        {"relu": "glorot_uniform", "leaky_relu": "glorot_uniform", "tanh": "he_normal",
         "sigmoid": "he_normal"})),
    Attempt(4, M, "fixed normal", lambda: ex02.check_initializers(
        {**GOOD_DICT, "relu": keras.initializers.RandomNormal(stddev=0.05)}), "fixed"),
    Attempt(4, M, "zeros", lambda: ex02.check_initializers({**GOOD_DICT, "tanh": "zeros"}), "constant"),
    Attempt(4, M, "one missing", lambda: ex02.check_initializers(
        {k: v for k, v in GOOD_DICT.items() if k != "leaky_relu"}), "leaky_relu"),
    Attempt(4, J, "placeholder", lambda: ex02.check_initializers(...), status=NOT_ATTEMPTED),
    Attempt(4, J, "a list", lambda: ex02.check_initializers(["he_normal"])),
    Attempt(4, J, "unknown names", lambda: ex02.check_initializers(dict.fromkeys(GOOD_DICT, "best"))),
    # task 5: the linear picture's growth of the lag-50 gradient with U scaled by 1.3
    Attempt(5, V, "1.3 ** 50", lambda: ex02.check_predicted_growth(1.3**50)),
    Attempt(5, V, "exp(50 ln 1.3)", lambda: ex02.check_predicted_growth(np.exp(50 * np.log(1.3)))),
    Attempt(5, V, "counted 51 factors", lambda: ex02.check_predicted_growth(1.3**51)),
    Attempt(5, V, "rounded", lambda: ex02.check_predicted_growth(5e5)),
    Attempt(5, V, "a NumPy scalar", lambda: ex02.check_predicted_growth(np.float32(1.3) ** 50)),
    Attempt(5, M, "added, not multiplied", lambda: ex02.check_predicted_growth(1.3 * 50), "multiply"),
    Attempt(5, M, "base and exponent swapped", lambda: ex02.check_predicted_growth(50**1.3), "swapped"),
    Attempt(5, M, "shrinks", lambda: ex02.check_predicted_growth(1.3**-50), "grow, not shrink"),
    Attempt(5, M, "one step", lambda: ex02.check_predicted_growth(1.3), "one step"),
    Attempt(5, M, "lag 100", lambda: ex02.check_predicted_growth(1.3**100), "100"),
    Attempt(5, M, "no growth at all", lambda: ex02.check_predicted_growth(1.0), "50 times"),
    Attempt(5, J, "placeholder", lambda: ex02.check_predicted_growth(...), status=NOT_ATTEMPTED),
    Attempt(5, J, "text", lambda: ex02.check_predicted_growth("huge")),
    Attempt(5, J, "negative", lambda: ex02.check_predicted_growth(-3.0), "positive"),
    Attempt(5, J, "infinite", lambda: ex02.check_predicted_growth(float("inf")), "finite"),
]


@pytest.mark.parametrize("attempt", TABLE02, ids=ids(TABLE02))
def test_attempt_table(attempt):
    assert judge(attempt) is None, judge(attempt)


def test_table_covers_every_task():
    assert too_thin(TABLE02) == {}
