"""Checks for exercise 01: the simple-RNN forward pass in NumPy and in Keras.

The reference follows Keras' layout: ``W`` (the kernel) has shape
``(features, units)``, ``U`` (the recurrent kernel) ``(units, units)`` and
``b`` ``(units,)``, so one step is ``h_t = tanh(x_t @ W + h_prev @ U + b)``.
"""

from __future__ import annotations

from typing import Any

from helpers.checks import (
    NotAttempted,
    Wrong,
    as_array,
    as_number,
    as_shape,
    batch_dimension_hint,
    call_student,
    check,
    close,
    expect_close,
    expect_shape,
    require,
    require_function,
    task_count,
)

import numpy as np

EXERCISE = "01_rnn_basics"


def reference_step(x_t: np.ndarray, h_prev: np.ndarray, W: np.ndarray, U: np.ndarray,
                   b: np.ndarray) -> np.ndarray:
    """One simple-RNN step, the reference the checks compare with."""
    return np.tanh(x_t @ W + h_prev @ U + b)


def reference_forward(inputs: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray,
                      return_sequences: bool = False) -> np.ndarray:
    """Run :func:`reference_step` over ``inputs`` of shape (batch, time, features)."""
    state = np.zeros((inputs.shape[0], W.shape[1]))
    outputs = []
    for t in range(inputs.shape[1]):
        state = reference_step(inputs[:, t, :], state, W, U, b)
        outputs.append(state)
    return np.stack(outputs, axis=1) if return_sequences else state


def _case(seed: int = 1, batch: int = 3, time: int = 5, features: int = 4, units: int = 6):
    rng = np.random.default_rng(seed)
    inputs = rng.normal(size=(batch, time, features))
    W = rng.normal(scale=0.5, size=(features, units))
    U = rng.normal(scale=0.5, size=(units, units))
    b = rng.normal(scale=0.5, size=(units,))
    return inputs, W, U, b


def _diagnose_step(got: np.ndarray, x_t, h_prev, W, U, b) -> str | None:
    pre = x_t @ W + h_prev @ U + b
    slips = {
        "you forgot to apply tanh to the sum": pre,
        "you used the sigmoid; a simple RNN uses tanh": 1 / (1 + np.exp(-pre)),
        "you used ReLU; a simple RNN uses tanh": np.maximum(pre, 0),
        "the bias b is missing": np.tanh(x_t @ W + h_prev @ U),
        "h_prev is ignored: the recurrent term h_prev @ U is missing": np.tanh(x_t @ W + b),
        "the input term x_t @ W is missing": np.tanh(h_prev @ U + b),
    }
    for hint, candidate in slips.items():
        if candidate.shape == got.shape and np.allclose(candidate, got, atol=1e-6):
            return hint
    return None


@check(EXERCISE, 1)
def check_step(rnn_step: Any) -> str:
    """Task 1: ``rnn_step(x_t, h_prev, W, U, b)`` returns the next state."""
    require_function(rnn_step, "rnn_step")
    inputs, W, U, b = _case()
    x_t = inputs[:, 0, :]
    h_prev = np.tanh(np.random.default_rng(2).normal(size=(inputs.shape[0], W.shape[1])))
    result = call_student(rnn_step, x_t, h_prev, W, U, b, name="rnn_step(...)")
    got = as_array(result, "rnn_step(...)")
    expect_shape(got, (x_t.shape[0], W.shape[1]), "rnn_step(...)", "batch, units")
    hint = _diagnose_step(got, x_t, h_prev, W, U, b)
    if hint:
        raise Wrong(f"close, but {hint}.")
    expect_close(got, reference_step(x_t, h_prev, W, U, b), "rnn_step(...)")
    return "one step of the recurrence matches the reference on a batch of 3."


@check(EXERCISE, 2)
def check_forward(rnn_forward: Any) -> str:
    """Task 2: ``rnn_forward(inputs, W, U, b, return_sequences)`` runs the whole sequence."""
    require_function(rnn_forward, "rnn_forward")
    inputs, W, U, b = _case(seed=3)
    batch, time, _ = inputs.shape
    units = W.shape[1]
    full = reference_forward(inputs, W, U, b, return_sequences=True)
    last = call_student(rnn_forward, inputs, W, U, b, return_sequences=False,
                        name="rnn_forward(..., return_sequences=False)")
    last = as_array(last, "rnn_forward(..., return_sequences=False)")
    if last.shape == (batch, time, units):
        raise Wrong("with return_sequences=False it should return only the final state, "
                    f"shape (batch, units) = {(batch, units)}, not every step.")
    expect_shape(last, (batch, units), "rnn_forward(..., return_sequences=False)", "batch, units")
    if np.allclose(last, full[:, 0, :], atol=1e-6):
        raise Wrong("it returns the state after the FIRST step; return the state after the last.")
    expect_close(last, full[:, -1, :], "rnn_forward(..., return_sequences=False)")
    seq = as_array(call_student(rnn_forward, inputs, W, U, b, return_sequences=True,
                                name="rnn_forward(..., return_sequences=True)"),
                   "rnn_forward(..., return_sequences=True)")
    if seq.shape == (time, batch, units):
        raise Wrong("with return_sequences=True the time axis should come second: stack the "
                    "states with np.stack(states, axis=1) to get (batch, time, units).")
    expect_shape(seq, (batch, time, units), "rnn_forward(..., return_sequences=True)",
                 "batch, time, units")
    expect_close(seq, full, "rnn_forward(..., return_sequences=True)")
    return "both return_sequences=False and True match the reference."


@check(EXERCISE, 3)
def check_keras_match(layer: Any, W: Any, U: Any, b: Any, max_abs_diff: Any,
                      inputs: Any = None) -> str:
    """Task 3: a ``keras.layers.SimpleRNN`` with weights (W, U, b) and the measured difference.

    With ``inputs`` the check runs the layer itself and recomputes the largest
    difference from the NumPy reference, so ``max_abs_diff`` must be measured, not typed.
    """
    import keras

    require(layer, "layer")
    require(max_abs_diff, "max_abs_diff")
    if not isinstance(layer, keras.layers.SimpleRNN):
        raise Wrong(f"`layer` should be a keras.layers.SimpleRNN, not a {type(layer).__name__}.")
    weights = layer.get_weights()
    if not weights:
        raise Wrong("the layer has no weights yet: build it (call it on the inputs once) and "
                    "then call layer.set_weights([W, U, b]).")
    W, U, b = (as_array(v, n) for v, n in ((W, "W"), (U, "U"), (b, "b")))
    if len(weights) != 3 or any(w.shape != v.shape for w, v in zip(weights, (W, U, b), strict=False)):
        shapes = [w.shape for w in weights]
        raise Wrong(f"the layer's weights have shapes {shapes}, but W, U, b have shapes "
                    f"{[W.shape, U.shape, b.shape]}: create it with units={W.shape[1]}.")
    if not all(close(w, v, atol=1e-6) for w, v in zip(weights, (W, U, b), strict=True)):
        if close(weights[0], U) or close(weights[1], W):
            raise Wrong("W and U are swapped: Keras expects [kernel W, recurrent kernel U, bias b].")
        raise Wrong("the layer's weights are not W, U, b: call layer.set_weights([W, U, b]).")
    if not getattr(layer, "return_sequences", False):
        raise Wrong("create the layer with return_sequences=True, so that it returns every "
                    "state and can be compared with rnn_forward(..., return_sequences=True).")
    try:
        measured = as_number(max_abs_diff, "max_abs_diff")
    except NotAttempted:
        raise
    except Wrong:
        raise Wrong(f"`max_abs_diff` should be one number, the largest absolute difference "
                    f"(np.max(np.abs(a - b))), not {max_abs_diff!r}.") from None
    if measured < 0:
        raise Wrong(f"`max_abs_diff` = {measured:g} is negative: take the absolute value of the "
                    "differences before the maximum.")
    if measured > 1e-5:
        raise Wrong(f"`max_abs_diff` is {measured:.3g}: your NumPy forward pass and the layer "
                    "disagree. Compare the same setting of return_sequences on the same inputs.")
    if inputs is not None:
        x = as_array(inputs, "inputs")
        if x.ndim != 3 or x.shape[2] != W.shape[0]:
            raise Wrong(f"`inputs` has shape {x.shape}; expected (batch, time, {W.shape[0]}).")
        ours = np.asarray(layer(x.astype("float32")), dtype="float64")
        diffs = []
        for dtype in ("float64", "float32"):
            cast = [a.astype(dtype) for a in (x, W, U, b)]
            ref = np.asarray(reference_forward(*cast, return_sequences=True), dtype="float64")
            diffs.append(float(np.max(np.abs(ours - ref))))
        low, high = min(diffs), max(diffs)
        if measured == 0.0 and low > 0.0:
            raise Wrong("`max_abs_diff` is exactly 0, but the layer and the NumPy loop differ by "
                        f"about {high:.1e} (float32 round-off). Did you compare the layer's "
                        "output with itself? Subtract rnn_forward(inputs, W, U, b, True).")
        if not (low / 20 <= measured <= 20 * high + 1e-12):
            raise Wrong(f"`max_abs_diff` = {measured:.2e}, but the layer and the NumPy loop "
                        f"differ by about {high:.1e} on `inputs`: compute it from the two "
                        "outputs, np.max(np.abs(keras_states - numpy_states)).")
    return (f"Keras' SimpleRNN and your NumPy code agree (max difference {measured:.1e}), "
            "so the layer computes exactly the recurrence you wrote.")


@check(EXERCISE, 4)
def check_shapes(shape_sequences: Any, shape_last: Any) -> str:
    """Task 4: output shapes of SimpleRNN(16) on a (32, 10, 8) input, with and without sequences."""
    require(shape_sequences, "shape_sequences")
    require(shape_last, "shape_last")
    answers = {name: as_shape(value, name) for name, value in
               (("shape_sequences", shape_sequences), ("shape_last", shape_last))}
    expected = {"shape_sequences": (32, 10, 16), "shape_last": (32, 16)}
    if answers["shape_sequences"] == expected["shape_last"] and \
            answers["shape_last"] == expected["shape_sequences"]:
        raise Wrong("the two shapes are swapped: return_sequences=True keeps the time axis.")
    for name, want in expected.items():
        got = answers[name]
        if got == want:
            continue
        if got == want[1:]:
            raise Wrong(batch_dimension_hint(got, want, subject=f"`{name}` = {got}"))
        if 8 in got and 16 not in got:
            raise Wrong(f"`{name}` = {got}: the last axis is the number of units (16), "
                        "not the number of input features (8).")
        raise Wrong(f"`{name}` = {got} is not what the layer returns; print the output's .shape.")
    return "return_sequences=True gives (batch, time, units); False gives (batch, units)."


# ---------------------------------------------------------------------------
# Task 5: predict, then measure: the echo of a pulse
# ---------------------------------------------------------------------------

ECHO_W, ECHO_U, ECHO_PULSE, ECHO_STEPS = 2.0, 0.7, 0.05, 10


def echo_states(w: float = ECHO_W, u: float = ECHO_U, pulse: float = ECHO_PULSE,
                steps: int = ECHO_STEPS) -> np.ndarray:
    """States h_1..h_steps of a one-unit simple RNN (tanh, no bias) fed ``pulse`` at step 1, then zeros.

    >>> round(float(echo_states()[-1]), 5)
    0.00401
    """
    h, states = 0.0, []
    for t in range(steps):
        h = float(np.tanh(w * (pulse if t == 0 else 0.0) + u * h))
        states.append(h)
    return np.array(states)


@check(EXERCISE, 5)
def check_echo_prediction(predicted_h10: Any) -> str:
    """Task 5: the predicted last state h_10 of SimpleRNN(1) (w = 2, u = 0.7) after a pulse of 0.05.

    Accepted within 2 %: the linear picture x_1 w u^9 (tanh(z) is about z for a small z)
    and the exact value with the tanh, which is 0.6 % smaller.
    """
    value = as_number(predicted_h10, "predicted_h10")
    exact = float(echo_states()[-1])
    linear = ECHO_PULSE * ECHO_W * ECHO_U ** (ECHO_STEPS - 1)
    if any(abs(value - good) <= 0.02 * good for good in (exact, linear)):
        return (f"h_10 = tanh(w x_1) u^9, about {ECHO_PULSE} * {ECHO_W:g} * {ECHO_U}^9 = {linear:.5f}: "
                f"the pulse's echo is multiplied by u = {ECHO_U} at each of the 9 steps after it "
                f"(the tanh shaves off {100 * (1 - exact / linear):.1f} %).")
    first = ECHO_PULSE * ECHO_W
    slips = {
        first * ECHO_U ** ECHO_STEPS:
            "that is u^10; the pulse enters at step 1, so from h_1 to h_10 the state passes "
            "through the recurrent weight 9 times, not 10.",
        first * ECHO_U ** (ECHO_STEPS - 2):
            "that is u^8; from h_1 to h_10 the state passes through the recurrent weight 9 times.",
        ECHO_PULSE * ECHO_U ** (ECHO_STEPS - 1):
            f"the kernel w = {ECHO_W:g} is missing: the pulse enters the state as w x_1 = {first:g}.",
        ECHO_PULSE * ECHO_U ** ECHO_STEPS:
            f"the kernel w = {ECHO_W:g} is missing (the pulse enters as w x_1), and from h_1 to "
            "h_10 the state passes through u 9 times, not 10.",
        ECHO_W * ECHO_U ** (ECHO_STEPS - 1):
            f"the size of the pulse, x_1 = {ECHO_PULSE}, is missing: h_1 = tanh(w x_1).",
        first: "that is h_1: after the pulse the input is zero, so each step multiplies the "
               f"state by u = {ECHO_U} (tanh(u h) is about u h for a small h).",
        float(np.tanh(first)): "that is h_1: after the pulse the input is zero, so each step "
                               f"multiplies the state by u = {ECHO_U}.",
        first * (1 - ECHO_U) ** (ECHO_STEPS - 1):
            f"the state keeps u = {ECHO_U} of itself per step, not 1 - u.",
    }
    for wrong, hint in slips.items():
        if abs(value - wrong) <= 0.02 * abs(wrong):
            raise Wrong(f"{value:.3g}: {hint}")
    if value == 0:
        raise Wrong("0 would be a network without memory; here the state is fed back with "
                    f"u = {ECHO_U}, so the pulse echoes on: h_t = tanh(x_t w + h_(t-1) u).")
    if value < 0:
        raise Wrong(f"{value:.3g}: the pulse and both weights are positive, so every state is positive.")
    raise Wrong(f"{value:.3g} is not it: write h_1 from the pulse, then h_t = tanh(u h_(t-1)) for "
                "the zero inputs; for a small state tanh(z) is about z.")


TASKS = task_count(EXERCISE)
