"""Checks for exercise 02: the sigmoid's slope, per-layer gradient norms, clipping, initialisers.

Conventions the checks rely on:

* task 2's function is called as ``layer_gradient_norms(model, x, y)`` and returns one
  number per ``Dense`` layer (the output layer included), input side first: the norm
  of the gradient of the mean squared error with respect to that layer's kernel;
* task 3 asks for ``keras.optimizers.SGD(learning_rate=0.1, clipnorm=1.0)``;
* task 4 maps the activations ``relu``, ``leaky_relu``, ``tanh`` and ``sigmoid`` to a
  Keras initialiser (a name such as ``"he_normal"``, an instance or the class).
"""

from __future__ import annotations

from typing import Any

from helpers.checks import (
    Wrong,
    as_array,
    as_number,
    call_student,
    check,
    close,
    expect_shape,
    require,
    require_function,
    task_count,
)

import numpy as np

EXERCISE = "02_gradients"

CLIP_LEARNING_RATE = 0.1
CLIP_NORM = 1.0
ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid")
HE_FAMILY = ("relu", "leaky_relu")


# ---------------------------------------------------------------------------
# Task 1: the sigmoid's derivative
# ---------------------------------------------------------------------------


def reference_sigmoid_derivative(z: Any) -> np.ndarray:
    """sigma'(z) = sigma(z) (1 - sigma(z)), in float64."""
    s = 1.0 / (1.0 + np.exp(-np.asarray(z, dtype="float64")))
    return s * (1.0 - s)


@check(EXERCISE, 1)
def check_sigmoid_derivative(sigmoid_derivative: Any) -> str:
    """Task 1: ``sigmoid_derivative(z)`` works element-wise on a NumPy array."""
    require_function(sigmoid_derivative, "sigmoid_derivative")
    z = np.linspace(-6.0, 6.0, 25)
    with np.errstate(all="ignore"):
        result = call_student(sigmoid_derivative, z.copy(), name="sigmoid_derivative(z)")
    got = as_array(result, "sigmoid_derivative(z)")
    if got.shape == ():
        raise Wrong("`sigmoid_derivative(z)` returned one number for an array of 25 inputs: "
                    "use NumPy operations (np.exp) that work element by element.")
    expect_shape(got, z.shape, "sigmoid_derivative(z)", "one value per input")
    s = 1.0 / (1.0 + np.exp(-z))
    slips = {
        "this is the sigmoid itself, not its slope: multiply sigma(z) by (1 - sigma(z))": s,
        "the sign inside is wrong: the derivative is sigma(z) * (1 - sigma(z)), "
        "not sigma(z) * (1 + sigma(z))": s * (1 + s),
        "you applied the formula to z instead of to sigma(z): compute s = 1 / (1 + np.exp(-z)) "
        "first, then s * (1 - s)": z * (1 - z),
        "this is 1 - sigma(z); the derivative is the product sigma(z) * (1 - sigma(z))": 1 - s,
        "this is the slope of tanh (1 - tanh(z)**2); the task asks for the sigmoid's": 1 - np.tanh(z) ** 2,
        "this is sigma(z)**2; the derivative is sigma(z) * (1 - sigma(z))": s ** 2,
    }
    for hint, candidate in slips.items():
        if close(got, candidate, atol=1e-6):
            raise Wrong(f"close, but {hint}.")
    if not np.all(np.isfinite(got)):
        raise Wrong("`sigmoid_derivative(z)` contains NaN or infinite values.")
    diff = float(np.max(np.abs(got - reference_sigmoid_derivative(z))))
    if diff > 1e-6:
        raise Wrong(f"the values differ from sigma(z) * (1 - sigma(z)) by up to {diff:.3g}; the "
                    "largest slope should be 0.25, at z = 0.")
    return "the slope peaks at 0.25 (z = 0) and is almost 0 once |z| passes 5."


# ---------------------------------------------------------------------------
# Task 2: per-layer gradient norms
# ---------------------------------------------------------------------------


def check_model(depth: int = 6, width: int = 8, features: int = 5, seed: int = 3):
    """A small deep sigmoid MLP (``depth`` hidden Dense layers, then Dense(1)), seeded."""
    import keras

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(features,))])
    for _ in range(depth):
        model.add(keras.layers.Dense(width, activation="sigmoid"))
    model.add(keras.layers.Dense(1))
    return model


def _check_batch(features: int = 5, batch: int = 16, seed: int = 4):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, features)).astype("float32")
    y = rng.normal(size=(batch, 1)).astype("float32")
    return x, y


def reference_gradient_norms(model: Any, x: Any, y: Any, what: str = "kernel") -> np.ndarray:
    """Norm of d(mean squared error)/d(kernel or bias) for every Dense layer, input side first."""
    import keras
    import tensorflow as tf

    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    variables = [getattr(layer, what) for layer in dense]
    with tf.GradientTape() as tape:
        loss = keras.ops.mean(keras.ops.square(model(x) - y))
    grads = tape.gradient(loss, variables)
    return np.array([np.linalg.norm(np.asarray(g, dtype="float64")) for g in grads])


@check(EXERCISE, 2)
def check_gradient_norms(layer_gradient_norms: Any) -> str:
    """Task 2: ``layer_gradient_norms(model, x, y)`` gives one kernel-gradient norm per Dense layer."""
    import keras

    require_function(layer_gradient_norms, "layer_gradient_norms")
    model = check_model()
    x, y = _check_batch()
    n = len([layer for layer in model.layers if isinstance(layer, keras.layers.Dense)])
    result = call_student(layer_gradient_norms, model, x, y, name="layer_gradient_norms(model, x, y)")
    try:
        got = as_array([np.asarray(v) for v in result] if isinstance(result, list | tuple)
                       else result, "layer_gradient_norms(...)").ravel()
    except Wrong:
        raise Wrong("`layer_gradient_norms(...)` should return numbers (a list or a 1-D array "
                    "with one norm per Dense layer), not the gradient tensors themselves: take "
                    "np.linalg.norm of each.") from None
    kernels = reference_gradient_norms(model, x, y)
    biases = reference_gradient_norms(model, x, y, what="bias")
    if got.size == 2 * n:
        raise Wrong(f"you returned {got.size} norms for {n} Dense layers: the biases are "
                    "included. Keep only each layer's kernel (layer.kernel).")
    if got.size == n - 1:
        raise Wrong(f"you returned {got.size} norms for {n} Dense layers: include the output "
                    "layer too (every Dense layer, input side first). Notebook 02's "
                    "hidden_layer_gradient_norms leaves it out; this task counts it.")
    if got.size != n:
        raise Wrong(f"the model has {n} Dense layers, so expect {n} norms, but you returned "
                    f"{got.size}.")
    if not np.all(np.isfinite(got)):
        raise Wrong("the norms contain NaN or infinite values.")

    def same(a: np.ndarray, b: np.ndarray) -> bool:
        return close(a, b, rtol=1e-3, atol=1e-12)

    if same(got, kernels):
        spread = kernels[-2] / kernels[0]
        return (f"{n} kernel-gradient norms, input side first; in this 6-layer sigmoid net the "
                f"last hidden layer's gradient is {spread:.0f} times the first's.")
    if same(got, kernels[::-1]):
        raise Wrong("the right norms in reverse order: list them input side first, in the order "
                    "of model.layers, so the first number belongs to the first hidden layer.")
    weights = np.array([np.linalg.norm(layer.kernel.numpy()) for layer in model.layers
                        if isinstance(layer, keras.layers.Dense)])
    if same(got, weights):
        raise Wrong("these are the norms of the kernels themselves, not of their gradients: "
                    "use tape.gradient(loss, kernels) and take the norms of the result.")
    if same(got, biases):
        raise Wrong("these are the gradient norms of the biases; use each layer's kernel.")
    if same(got, kernels ** 2):
        raise Wrong("these are squared norms: take the square root (np.linalg.norm does it).")
    ratio = got / kernels
    if np.all(np.isfinite(ratio)) and same(ratio, np.full(n, ratio[0])):
        if np.isclose(ratio[0], len(x), rtol=1e-3):
            raise Wrong(f"every norm is {len(x)} times too large, the batch size: average the "
                        "squared errors over the batch (a mean, not a sum) so the loss is one "
                        "number.")
        raise Wrong(f"every norm is off by the same factor ({ratio[0]:.3g}): use the mean "
                    "squared error, keras.ops.mean(keras.ops.square(model(x) - y)), as the loss.")
    raise Wrong("the norms differ from the gradients of the mean squared error with respect to "
                "each Dense kernel. Record model(x) and the loss inside the GradientTape.")


# ---------------------------------------------------------------------------
# Task 3: gradient clipping
# ---------------------------------------------------------------------------


@check(EXERCISE, 3)
def check_clipping(optimizer: Any) -> str:
    """Task 3: ``keras.optimizers.SGD(learning_rate=0.1, clipnorm=1.0)``."""
    import keras

    require(optimizer, "optimizer")
    if isinstance(optimizer, type):
        raise Wrong(f"`optimizer` is the class {optimizer.__name__}; create an optimizer by "
                    "calling it: keras.optimizers.SGD(learning_rate=0.1, clipnorm=1.0).")
    if isinstance(optimizer, str):
        raise Wrong(f"`optimizer` is the string {optimizer!r}, which cannot carry clipping "
                    "options: create keras.optimizers.SGD(learning_rate=0.1, clipnorm=1.0).")
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise Wrong("`optimizer` should be a Keras optimizer, e.g. keras.optimizers.SGD(...), "
                    f"not a {type(optimizer).__name__}.")
    if not isinstance(optimizer, keras.optimizers.SGD):
        raise Wrong(f"this is {type(optimizer).__name__}; the task asks for plain SGD, so that "
                    "the step is simply the learning rate times the (clipped) gradient.")
    momentum = float(getattr(optimizer, "momentum", 0.0) or 0.0)
    if momentum != 0.0 or getattr(optimizer, "nesterov", False):
        raise Wrong(f"this SGD uses momentum ({momentum:g}"
                    f"{', Nesterov' if getattr(optimizer, 'nesterov', False) else ''}); the task "
                    "asks for plain SGD, so leave momentum at its default of 0.")
    clipnorm = getattr(optimizer, "clipnorm", None)
    if clipnorm is None:
        if getattr(optimizer, "clipvalue", None) is not None:
            raise Wrong("clipvalue caps every entry separately, which can turn the gradient's "
                        "direction; clipnorm=1.0 scales the whole gradient down and keeps its "
                        "direction.")
        if getattr(optimizer, "global_clipnorm", None) is not None:
            raise Wrong("global_clipnorm clips all the gradients together by their joint norm; "
                        "the task asks for clipnorm=1.0, which clips each weight tensor's "
                        "gradient on its own.")
        raise Wrong("this optimizer does not clip: pass clipnorm=1.0.")
    if not np.isclose(float(clipnorm), CLIP_NORM):
        raise Wrong(f"clipnorm is {clipnorm}; the task asks for 1.0.")
    learning_rate = float(np.asarray(optimizer.learning_rate))
    if not np.isclose(learning_rate, CLIP_LEARNING_RATE, rtol=1e-5):
        raise Wrong(f"the learning rate is {learning_rate:g}; the task asks for "
                    f"{CLIP_LEARNING_RATE}.")
    # behaviour, on a fresh copy so the student's optimizer is left untouched
    copy = type(optimizer).from_config(optimizer.get_config())
    weights = keras.Variable(np.zeros(2, dtype="float32"))
    copy.apply([keras.ops.convert_to_tensor(np.array([30.0, 40.0], dtype="float32"))], [weights])
    step = -np.asarray(weights)
    if not np.allclose(step, [0.06, 0.08], atol=1e-6):
        raise Wrong(f"one step with the gradient [30, 40] moved the weights by {step}, expected "
                    "[0.06, 0.08] (learning rate 0.1 times the gradient scaled to norm 1).")
    return ("a gradient of norm 50 becomes one of norm 1 with the same direction, so no step "
            "is longer than the learning rate.")


# ---------------------------------------------------------------------------
# Task 4: initialisers
# ---------------------------------------------------------------------------


def initializer_family(value: Any) -> str:
    """Classify a Keras initialiser: 'he', 'glorot', 'lecun', 'fixed', 'constant' or 'other'."""
    import keras

    if isinstance(value, type):
        value = value()
    init = keras.initializers.get(value)
    if not isinstance(init, keras.initializers.Initializer):
        return "function" if callable(init) else "other"
    if isinstance(init, keras.initializers.VarianceScaling):
        scale, mode = float(init.scale), init.mode
        if np.isclose(scale, 2.0) and mode == "fan_in":
            return "he"
        if np.isclose(scale, 1.0) and mode == "fan_avg":
            return "glorot"
        if np.isclose(scale, 1.0) and mode == "fan_in":
            return "lecun"
        return "other"
    if isinstance(init, keras.initializers.RandomNormal | keras.initializers.RandomUniform
                  | keras.initializers.TruncatedNormal):
        return "fixed"
    if isinstance(init, keras.initializers.Constant | keras.initializers.Zeros
                  | keras.initializers.Ones):
        return "constant"
    return "other"


@check(EXERCISE, 4)
def check_initializers(initializers: Any) -> str:
    """Task 4: a dict activation -> initialiser, He for the ReLU family, Glorot for tanh/sigmoid."""
    require(initializers, "initializers")
    if not isinstance(initializers, dict):
        raise Wrong("`initializers` should be a dict such as {'relu': 'he_normal', ...}, not a "
                    f"{type(initializers).__name__}.")
    missing = [name for name in ACTIVATIONS if name not in initializers]
    if missing:
        raise Wrong(f"`initializers` has no entry for {missing}: give one for each of "
                    f"{list(ACTIVATIONS)}.")
    for name in ACTIVATIONS:
        value = require(initializers[name], f"initializers[{name!r}]")
        try:
            family = initializer_family(value)
        except (ValueError, TypeError):
            raise Wrong(f"initializers[{name!r}] = {value!r} is not a Keras initialiser; use a "
                        "name such as 'he_normal' or 'glorot_uniform', or an object such as "
                        "keras.initializers.HeNormal().") from None
        want = "he" if name in HE_FAMILY else "glorot"
        if family == want:
            continue
        if family == "glorot":
            raise Wrong(f"Glorot for {name}: ReLU-type units zero about half of their inputs, so "
                        "Glorot's variance lets the signal shrink layer after layer. Use He "
                        "(variance 2 / fan_in).")
        if family == "he":
            raise Wrong(f"He for {name}: its variance is twice Glorot's to make up for ReLU "
                        f"zeroing half its inputs; {name} zeroes nothing, so use Glorot.")
        if family == "fixed":
            raise Wrong(f"initializers[{name!r}] draws with a fixed standard deviation whatever "
                        "the layer's size; use a scaled initialiser (He or Glorot).")
        if family == "constant":
            raise Wrong(f"initializers[{name!r}] is constant: every unit would start (and stay) "
                        "identical. Use a random, scaled initialiser.")
        if family == "function":
            raise Wrong(f"initializers[{name!r}] is a function that is not an initialiser (a "
                        "lambda?); give the initialiser itself, e.g. 'he_normal' or "
                        "keras.initializers.HeNormal().")
        if family == "lecun":
            raise Wrong(f"LeCun (variance 1 / fan_in) for {name}: it is meant for SELU. Use "
                        f"{'He' if want == 'he' else 'Glorot'}.")
        raise Wrong(f"initializers[{name!r}] is neither He nor Glorot; use "
                    f"{'He' if want == 'he' else 'Glorot'} for {name}.")
    return "He for relu and leaky_relu, Glorot for tanh and sigmoid."



# ---------------------------------------------------------------------------
# Task 5: predict, then measure: the gradient through time with U scaled by 1.3
# ---------------------------------------------------------------------------

U_SCALE, LAG = 1.3, 50


@check(EXERCISE, 5)
def check_predicted_growth(predicted_growth: Any) -> str:
    """Task 5: the linear picture's growth of the lag-50 gradient when U is scaled: 1.3 ** 50."""
    value = as_number(predicted_growth, "predicted_growth")
    if value <= 0:
        raise Wrong(f"{value:.3g}: a ratio of two gradient sizes is a positive number.")
    exact = U_SCALE**LAG
    if abs(np.log(value) - np.log(exact)) <= np.log(U_SCALE) + 1e-9:  # 1.3^49 to 1.3^51
        return (f"in the linear picture every one of the {LAG} steps multiplies by {U_SCALE}, so the "
                f"lag-{LAG} gradient grows {U_SCALE}^{LAG} = {exact:.2e} times.")
    slips = {
        U_SCALE * LAG: f"the factor {U_SCALE} is applied once per step, so the {LAG} factors multiply "
                       f"({U_SCALE}^{LAG}), they do not add up.",
        LAG**U_SCALE: f"base and exponent are swapped: {U_SCALE} per step for {LAG} steps is "
                      f"{U_SCALE}^{LAG}.",
        1 / exact: f"scaling U by {U_SCALE} (more than 1) makes the product grow, not shrink.",
        U_SCALE: f"that is one step; the lag-{LAG} path goes through U {LAG} times.",
        U_SCALE**2 * LAG: f"the factor compounds: {U_SCALE}^{LAG}, not {U_SCALE}^2 x {LAG}.",
        U_SCALE ** (2 * LAG): f"the lag-{LAG} path goes through U {LAG} times, not {2 * LAG}.",
    }
    for wrong, hint in slips.items():
        if abs(np.log(value) - np.log(wrong)) <= 0.02:
            raise Wrong(f"{value:.3g}: {hint}")
    raise Wrong(f"{value:.3g} is not it: in notebook 01's linear picture the lag-{LAG} path goes "
                f"through U {LAG} times, and an orthogonal U scaled by {U_SCALE} stretches every "
                f"direction by {U_SCALE} each time.")


TASKS = task_count(EXERCISE)
