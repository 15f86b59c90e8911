"""Checks for exercise 01: the simple-RNN forward pass in NumPy and in Keras.

The reference follows Keras' layout: ``W`` (the kernel) has shape
``(features, units)``, ``U`` (the recurrent kernel) ``(units, units)`` and
``b`` ``(units,)``, so one step is ``h_t = tanh(x_t @ W + h_prev @ U + b)``.
"""

from __future__ import annotations

from typing import Any

from helpers.checks import (
    Wrong,
    as_array,
    check,
    expect_close,
    expect_shape,
    require,
    require_function,
)

import numpy as np

EXERCISE = "01_rnn_basics"
TASKS = 4


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
    result = require(rnn_step(x_t, h_prev, W, U, b), "the value rnn_step returns")
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
    last = require(rnn_forward(inputs, W, U, b, return_sequences=False), "rnn_forward(...)")
    last = as_array(last, "rnn_forward(..., return_sequences=False)")
    if last.shape == (batch, time, units):
        raise Wrong("with return_sequences=False it should return only the final state, "
                    f"shape (batch, units) = {(batch, units)}, not every step.")
    expect_shape(last, (batch, units), "rnn_forward(..., return_sequences=False)", "batch, units")
    if np.allclose(last, full[:, 0, :], atol=1e-6):
        raise Wrong("it returns the state after the FIRST step; return the state after the last.")
    expect_close(last, full[:, -1, :], "rnn_forward(..., return_sequences=False)")
    seq = as_array(rnn_forward(inputs, W, U, b, return_sequences=True),
                   "rnn_forward(..., return_sequences=True)")
    if seq.shape == (time, batch, units):
        raise Wrong("with return_sequences=True the time axis should come second: stack the "
                    "states with np.stack(states, axis=1) to get (batch, time, units).")
    expect_shape(seq, (batch, time, units), "rnn_forward(..., return_sequences=True)",
                 "batch, time, units")
    expect_close(seq, full, "rnn_forward(..., return_sequences=True)")
    return "both return_sequences=False and True match the reference."


@check(EXERCISE, 3)
def check_keras_match(layer: Any, W: Any, U: Any, b: Any, max_abs_diff: Any) -> str:
    """Task 3: a ``keras.layers.SimpleRNN`` with weights (W, U, b) and the measured difference."""
    import keras

    require(layer, "layer")
    require(max_abs_diff, "max_abs_diff")
    if not isinstance(layer, keras.layers.SimpleRNN):
        raise Wrong(f"`layer` should be a keras.layers.SimpleRNN, not a {type(layer).__name__}.")
    weights = layer.get_weights()
    if not weights:
        raise Wrong("the layer has no weights yet: build it (call it on the inputs once) and "
                    "then call layer.set_weights([W, U, b]).")
    W, U, b = (np.asarray(w) for w in (W, U, b))
    if len(weights) != 3 or any(w.shape != v.shape for w, v in zip(weights, (W, U, b), strict=False)):
        shapes = [w.shape for w in weights]
        raise Wrong(f"the layer's weights have shapes {shapes}, but W, U, b have shapes "
                    f"{[W.shape, U.shape, b.shape]}: create it with units={W.shape[1]}.")
    if not all(np.allclose(w, v) for w, v in zip(weights, (W, U, b), strict=True)):
        def same(a: np.ndarray, c: np.ndarray) -> bool:
            return a.shape == c.shape and bool(np.allclose(a, c))

        if same(weights[0], U) or same(weights[1], W):
            raise Wrong("W and U are swapped: Keras expects [kernel W, recurrent kernel U, bias b].")
        raise Wrong("the layer's weights are not W, U, b: call layer.set_weights([W, U, b]).")
    if not isinstance(max_abs_diff, int | float | np.floating | np.integer):
        try:
            max_abs_diff = float(np.asarray(max_abs_diff))
        except (TypeError, ValueError):
            raise Wrong("`max_abs_diff` should be one number (use np.max(np.abs(a - b))).") from None
    if not np.isfinite(max_abs_diff) or max_abs_diff < 0:
        raise Wrong(f"`max_abs_diff` should be a non-negative number, got {max_abs_diff!r}.")
    if max_abs_diff > 1e-5:
        raise Wrong(f"`max_abs_diff` is {max_abs_diff:.3g}: your NumPy forward pass and the layer "
                    "disagree. Compare the same setting of return_sequences on the same inputs.")
    return (f"Keras' SimpleRNN and your NumPy code agree (max difference {max_abs_diff:.1e}), "
            "so the layer computes exactly the recurrence you wrote.")


@check(EXERCISE, 4)
def check_shapes(shape_sequences: Any, shape_last: Any) -> str:
    """Task 4: output shapes of SimpleRNN(16) on a (32, 10, 8) input, with and without sequences."""
    require(shape_sequences, "shape_sequences")
    require(shape_last, "shape_last")
    answers = {}
    for name, value in (("shape_sequences", shape_sequences), ("shape_last", shape_last)):
        try:
            answers[name] = tuple(int(d) for d in value)
        except (TypeError, ValueError):
            raise Wrong(f"`{name}` should be a tuple of ints like (32, 16), got {value!r}.") from None
    expected = {"shape_sequences": (32, 10, 16), "shape_last": (32, 16)}
    if answers["shape_sequences"] == expected["shape_last"] and \
            answers["shape_last"] == expected["shape_sequences"]:
        raise Wrong("the two shapes are swapped: return_sequences=True keeps the time axis.")
    for name, want in expected.items():
        got = answers[name]
        if got == want:
            continue
        if got == want[1:]:
            raise Wrong(f"`{name}` = {got} is missing the batch dimension (32) at the front.")
        if 8 in got and 16 not in got:
            raise Wrong(f"`{name}` = {got}: the last axis is the number of units (16), "
                        "not the number of input features (8).")
        raise Wrong(f"`{name}` = {got} is not what the layer returns; print the output's .shape.")
    return "return_sequences=True gives (batch, time, units); False gives (batch, units)."
