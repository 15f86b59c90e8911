"""Checks for exercise 03: an LSTM step, a GRU step, parameter counts, the forget-gate bias,
the half-life of the carry.

Keras' layout, which the references follow:

* LSTM: ``kernel`` (features, 4u), ``recurrent_kernel`` (u, 4u), ``bias`` (4u,), gate
  blocks in the order **i, f, c, o** (input, forget, candidate, output);
  ``c_t = f * c_prev + i * tanh(z_c)`` and ``h_t = o * tanh(c_t)``.
* GRU with ``reset_after=True`` (the default): ``kernel`` (features, 3u),
  ``recurrent_kernel`` (u, 3u), ``bias`` (2, 3u) with row 0 for the input part and row 1
  for the recurrent part, blocks in the order **z, r, h** (update, reset, candidate);
  the reset gate multiplies ``h_prev @ U_h + b_h`` *after* the product and
  ``h_t = z * h_prev + (1 - z) * candidate``.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from typing import Any

from helpers.checks import (
    NotAttempted,
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

EXERCISE = "03_lstm_gru_cells"
OPEN_FORGET_BIAS = 3.0
OPEN_UNITS, OPEN_FEATURES = 8, 2  # task 4's LSTM(8) for inputs with 2 features
LSTM_GATES = ("i", "f", "c", "o")
GATE_NAMES = {"i": "input gate", "f": "forget gate", "c": "candidate", "o": "output gate"}


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


# ---------------------------------------------------------------------------
# Task 1: one LSTM step
# ---------------------------------------------------------------------------


def reference_lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias,
                        order: tuple[int, ...] = (0, 1, 2, 3)) -> tuple[np.ndarray, np.ndarray]:
    """One LSTM step in Keras' layout; ``order`` picks which block plays i, f, c, o."""
    blocks = np.split(x_t @ kernel + h_prev @ recurrent_kernel + bias, 4, axis=-1)
    z_i, z_f, z_c, z_o = (blocks[k] for k in order)
    c = _sigmoid(z_f) * c_prev + _sigmoid(z_i) * np.tanh(z_c)
    return _sigmoid(z_o) * np.tanh(c), c


def lstm_case(seed: int = 5, batch: int = 4, features: int = 3, units: int = 2):
    """Random inputs, states and weights (scale 0.8) for testing an LSTM step."""
    rng = np.random.default_rng(seed)
    x_t = rng.normal(size=(batch, features))
    h_prev = np.tanh(rng.normal(size=(batch, units)))
    c_prev = rng.normal(size=(batch, units))
    kernel = rng.normal(scale=0.8, size=(features, 4 * units))
    recurrent_kernel = rng.normal(scale=0.8, size=(units, 4 * units))
    bias = rng.normal(scale=0.8, size=4 * units)
    return x_t, h_prev, c_prev, kernel, recurrent_kernel, bias


def _lstm_slips(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias) -> dict[str, tuple]:
    z_i, z_f, z_c, z_o = np.split(x_t @ kernel + h_prev @ recurrent_kernel + bias, 4, axis=-1)
    i, f, o, g = _sigmoid(z_i), _sigmoid(z_f), _sigmoid(z_o), np.tanh(z_c)
    c = f * c_prev + i * g
    slips: dict[str, tuple] = {}
    for perm in itertools.permutations(range(4)):
        if perm == (0, 1, 2, 3):
            continue
        used = "".join(LSTM_GATES[k] for k in perm)
        slips[f"the gate blocks are in the wrong order: you read them as "
              f"{', '.join(used)}, but Keras packs them as i, f, c, o "
              f"(np.split(z, 4, axis=-1) gives i, f, c, o)"] = reference_lstm_step(
            x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, order=perm)
    c_no_forget = c_prev + i * g
    slips["the old cell state is not multiplied by the forget gate: c = f * c_prev + i * "
          "candidate"] = (o * np.tanh(c_no_forget), c_no_forget)
    c_tanh_gates = np.tanh(z_f) * c_prev + np.tanh(z_i) * g
    slips["the gates use tanh; gates are sigmoids (values between 0 and 1), only the "
          "candidate and the output squashing use tanh"] = (np.tanh(z_o) * np.tanh(c_tanh_gates),
                                                            c_tanh_gates)
    c_sig_cand = f * c_prev + i * _sigmoid(z_c)
    slips["the candidate uses a sigmoid; it uses tanh so it can write negative values"] = (
        o * np.tanh(c_sig_cand), c_sig_cand)
    slips["h = o * c is missing the tanh: h = o * tanh(c)"] = (o * c, c)
    slips["the output gate is missing: h = o * tanh(c)"] = (np.tanh(c), c)
    c_no_input = f * c_prev + g
    slips["the candidate is not multiplied by the input gate: c = f * c_prev + i * "
          "candidate"] = (o * np.tanh(c_no_input), c_no_input)
    return slips


@check(EXERCISE, 1)
def check_lstm_step(lstm_step: Any) -> str:
    """Task 1: ``lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)`` -> ``(h, c)``."""
    require_function(lstm_step, "lstm_step")
    case = lstm_case()
    batch, units = case[1].shape
    result = call_student(lstm_step, *(a.copy() for a in case), name="lstm_step(...)")
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise Wrong("`lstm_step` should return two arrays, the new hidden state and the new cell "
                    "state: `return h, c`.")
    h = as_array(require(result[0], "h"), "h")
    c = as_array(require(result[1], "c"), "c")
    expect_shape(h, (batch, units), "h", "batch, units")
    expect_shape(c, (batch, units), "c", "batch, units")
    want_h, want_c = reference_lstm_step(*case)

    def same(a: np.ndarray, b: np.ndarray) -> bool:
        return close(a, b, atol=1e-6)

    if same(h, want_h) and same(c, want_c):
        return "h and c match the reference; the gate order i, f, c, o is right."
    if same(h, want_c) and same(c, want_h):
        raise Wrong("h and c are swapped: return the hidden state first, `return h, c`.")
    for hint, (slip_h, slip_c) in _lstm_slips(*case).items():
        if same(h, slip_h) and same(c, slip_c):
            raise Wrong(f"close, but {hint}.")
    if same(c, want_c):
        raise Wrong("c is right but h is not: h = o * tanh(c), with the output gate "
                    "o = sigmoid(block 4) and the NEW cell state c.")
    raise Wrong("h and c differ from the reference. Compute z = x_t @ kernel + h_prev @ "
                "recurrent_kernel + bias, split it in four (i, f, c, o), then "
                "c = f * c_prev + i * tanh(z_c) and h = o * tanh(c).")


# ---------------------------------------------------------------------------
# Task 2: one GRU step (reset_after=True)
# ---------------------------------------------------------------------------


def reference_gru_step(x_t, h_prev, kernel, recurrent_kernel, bias, variant: str = "keras"):
    """One GRU step, Keras' reset_after=True layout; ``variant`` gives common mistakes."""
    x_z, x_r, x_h = np.split(x_t @ kernel + bias[0], 3, axis=-1)
    r_z, r_r, r_h = np.split(h_prev @ recurrent_kernel + bias[1], 3, axis=-1)
    z, r = _sigmoid(x_z + r_z), _sigmoid(x_r + r_r)
    if variant == "swap_zr":
        z, r = r, z
    u_h = recurrent_kernel[:, 2 * recurrent_kernel.shape[0]:]
    b_h = bias[1, 2 * recurrent_kernel.shape[0]:]
    if variant == "reset_before":
        candidate = np.tanh(x_h + (r * h_prev) @ u_h + b_h)
    elif variant == "bias_outside_reset":
        candidate = np.tanh(x_h + r * (h_prev @ u_h) + b_h)
    elif variant == "no_reset":
        candidate = np.tanh(x_h + r_h)
    elif variant == "no_tanh":
        candidate = x_h + r * r_h
    else:
        candidate = np.tanh(x_h + r * r_h)
    if variant == "mix_reversed":
        return (1.0 - z) * h_prev + z * candidate
    return z * h_prev + (1.0 - z) * candidate


def gru_case(seed: int = 6, batch: int = 4, features: int = 3, units: int = 2):
    """Random inputs, state and weights (bias shape (2, 3u)) for testing a GRU step."""
    rng = np.random.default_rng(seed)
    x_t = rng.normal(size=(batch, features))
    h_prev = np.tanh(rng.normal(size=(batch, units)))
    kernel = rng.normal(scale=0.8, size=(features, 3 * units))
    recurrent_kernel = rng.normal(scale=0.8, size=(units, 3 * units))
    bias = rng.normal(scale=0.8, size=(2, 3 * units))
    return x_t, h_prev, kernel, recurrent_kernel, bias


GRU_HINTS = {
    "reset_before": "the reset gate is applied before the matrix product, (r * h_prev) @ U_h; "
                    "Keras' default (reset_after=True) applies it after: r * (h_prev @ U_h + b_h)",
    "mix_reversed": "z and 1 - z are swapped: Keras keeps z of the old state, "
                    "h = z * h_prev + (1 - z) * candidate",
    "swap_zr": "the update and reset blocks are swapped: Keras packs them as z, r, h",
    "bias_outside_reset": "the recurrent bias of the candidate sits outside the reset gate; "
                          "with reset_after=True it is inside: r * (h_prev @ U_h + b_h), "
                          "with b_h from bias[1]",
    "no_reset": "the reset gate is not used in the candidate: multiply the recurrent part by r",
    "no_tanh": "the candidate is missing its tanh",
}


@check(EXERCISE, 2)
def check_gru_step(gru_step: Any) -> str:
    """Task 2: ``gru_step(x_t, h_prev, kernel, recurrent_kernel, bias)`` -> new ``h``."""
    require_function(gru_step, "gru_step")
    case = gru_case()
    batch, units = case[1].shape
    result = call_student(gru_step, *(a.copy() for a in case), name="gru_step(...)")
    if isinstance(result, tuple | list) and len(result) == 2 and not np.isscalar(result[0]):
        raise Wrong("`gru_step` should return only the new state h (a GRU has no separate cell "
                    "state).")
    h = as_array(result, "gru_step(...)")
    expect_shape(h, (batch, units), "gru_step(...)", "batch, units")
    if np.allclose(h, reference_gru_step(*case), atol=1e-6):
        return "the GRU step matches Keras' reset_after=True formula."
    for variant, hint in GRU_HINTS.items():
        if np.allclose(h, reference_gru_step(*case, variant=variant), atol=1e-6):
            raise Wrong(f"close, but {hint}.")
    raise Wrong("the new state differs from the reference. Split x_t @ kernel + bias[0] and "
                "h_prev @ recurrent_kernel + bias[1] into z, r, h blocks; z and r are sigmoids "
                "of the sums, the candidate is tanh(input part + r * recurrent part).")


# ---------------------------------------------------------------------------
# Task 3: parameter counts
# ---------------------------------------------------------------------------

KINDS = ("SimpleRNN", "LSTM", "GRU")
COUNT_CASES = ((1, 8), (3, 16), (8, 5))


def keras_param_count(kind: str, features: int, units: int) -> int:
    """What Keras counts for a default ``kind`` layer of ``units`` reading ``features``."""
    import keras

    layer = getattr(keras.layers, kind)(units)
    layer.build((None, None, features))
    return int(layer.count_params())


def _count_slips(kind: str, f: int, u: int) -> dict[int, str]:
    gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[kind]
    slips = {
        gates * u * (u + f): "the bias is missing: each gate also has one bias per unit, "
                             "u * (u + f + 1) per gate",
        gates * f * (f + u + 1): "features and units are swapped: the recurrent kernel is "
                                 "u x u, the kernel f x u",
        gates * u * (f + 1): "the recurrent kernel (u x u) is missing",
        gates * (u * u + f + 1): "the kernel is f x u, so it has f * u weights, not f",
    }
    if kind == "GRU":
        slips[3 * u * (u + f + 1)] = ("that is the GRU with reset_after=False; Keras' default "
                                      "reset_after=True has a second bias per gate, "
                                      "3u(u + f + 2)")
        slips[4 * u * (u + f + 1)] = "a GRU has three blocks (z, r, h), not four"
    if kind == "LSTM":
        slips[3 * u * (u + f + 1)] = "an LSTM has four blocks (i, f, c, o), not three"
    return slips


@contextlib.contextmanager
def _layers_built() -> Iterator[list[str]]:
    """Record the Keras layers created inside the block (their class names)."""
    import keras

    created: list[str] = []
    original = keras.layers.Layer.__init__

    def recording(self: Any, *args: Any, **kwargs: Any) -> None:
        created.append(type(self).__name__)
        original(self, *args, **kwargs)

    keras.layers.Layer.__init__ = recording
    try:
        yield created
    finally:
        keras.layers.Layer.__init__ = original


@check(EXERCISE, 3)
def check_param_count(param_count: Any) -> str:
    """Task 3: ``param_count(kind, features, units)`` for SimpleRNN, LSTM and GRU."""
    require_function(param_count, "param_count")
    for kind in KINDS:
        for f, u in COUNT_CASES:
            call = f"param_count({kind!r}, features={f}, units={u})"
            with _layers_built() as built:
                result = call_student(param_count, kind, f, u, name=call)
            if built:
                raise Wrong(f"{call} builds a Keras layer ({built[0]}) to count its weights; the "
                            "task asks for the formula itself: write the count from f and u "
                            "(each block is a dense layer from u + f inputs to u units, plus a "
                            "bias), without Keras.")
            try:
                got = as_number(result, call)
            except (Wrong, NotAttempted):
                raise Wrong(f"{call} returned {result!r}; it should return a whole number.") from None
            want = keras_param_count(kind, f, u)
            if got == want:
                continue
            hint = _count_slips(kind, f, u).get(int(got)) if float(got).is_integer() else None
            if hint:
                raise Wrong(f"{call} = {got}, Keras counts {want}: {hint}.")
            raise Wrong(f"{call} = {got}, but Keras counts {want}. Each block is a dense layer "
                        "from the u + f numbers of [h_prev, x_t] to u units, plus a bias.")
    return ("the formulas u(u+f+1), 4u(u+f+1) and 3u(u+f+2) match count_params() for "
            f"{len(KINDS) * len(COUNT_CASES)} layers.")


# ---------------------------------------------------------------------------
# Task 4: opening the forget gate
# ---------------------------------------------------------------------------


@check(EXERCISE, 4)
def check_opened_forget_gate(opened: Any) -> str:
    """Task 4: a built ``keras.layers.LSTM`` whose forget-gate bias block is 3, the rest default."""
    import keras

    require(opened, "opened")
    if not isinstance(opened, keras.layers.LSTM):
        raise Wrong(f"`opened` should be a keras.layers.LSTM layer, not a {type(opened).__name__}.")
    weights = opened.get_weights()
    if not weights:
        raise Wrong("`opened` has no weights yet: build it first (opened.build((None, None, "
                    "features)) or call it once on an input), then change its bias.")
    units = opened.units
    if units != OPEN_UNITS:
        raise Wrong(f"`opened` has {units} units; the task asks for keras.layers.LSTM("
                    f"{OPEN_UNITS}), and the cells below feed it states of {OPEN_UNITS} units.")
    kernel = np.asarray(weights[0])
    if kernel.shape != (OPEN_FEATURES, 4 * units):
        raise Wrong(f"the kernel has shape {kernel.shape}: the layer was built for "
                    f"{kernel.shape[0]} input feature(s), but the inputs have {OPEN_FEATURES}. "
                    f"Build it with opened.build((None, None, {OPEN_FEATURES})).")
    bias = np.asarray(weights[-1], dtype="float64")
    if bias.shape != (4 * units,):
        raise Wrong(f"the bias has shape {bias.shape}, expected {(4 * units,)}; keep use_bias=True.")
    blocks = dict(zip(LSTM_GATES, np.split(bias, 4), strict=True))
    is_open = {gate: bool(np.allclose(block, OPEN_FORGET_BIAS)) for gate, block in blocks.items()}
    if all(is_open.values()):
        raise Wrong("every block of the bias is 3: only the forget gate's block, "
                    "bias[units:2 * units], should change.")
    if not is_open["f"]:
        others = [GATE_NAMES[g] for g in LSTM_GATES if is_open[g]]
        if others:
            raise Wrong(f"you opened the {others[0]}: Keras packs the blocks as i, f, c, o, so "
                        "the forget gate's bias is the second block, bias[units:2 * units].")
        if np.allclose(blocks["f"], 1.0):
            raise Wrong("the forget-gate bias is still Keras' default of 1: after changing the "
                        "array from get_weights(), hand it back with opened.set_weights(...).")
        raise Wrong(f"the forget-gate block bias[units:2 * units] is {blocks['f'].round(3)}; "
                    "set all of it to 3.")
    changed = [GATE_NAMES[g] for g in ("i", "c", "o") if not np.allclose(blocks[g], 0.0)]
    if changed:
        raise Wrong(f"the forget gate is open, but the {', '.join(changed)} bias changed too; "
                    "leave the other blocks at Keras' default of 0.")
    resting = 1.0 / (1.0 + np.exp(-OPEN_FORGET_BIAS))
    return (f"with zero input the forget gate now sits at sigmoid(3) = {resting:.3f} instead of "
            f"sigmoid(1) = {1.0 / (1.0 + np.exp(-1.0)):.3f}.")



# ---------------------------------------------------------------------------
# Task 5: predict, then measure: the half-life of the carry
# ---------------------------------------------------------------------------

HALF_LIFE = float(np.log(0.5) / np.log(1.0 / (1.0 + np.exp(-OPEN_FORGET_BIAS))))  # about 14.2 steps
# Accepted: the exact value, rounded (14), with sigma(3) rounded to 0.95 (13.5), or counted
# in whole steps until the carry is at or below half (15).
HALF_LIFE_RANGE = (13.4, 15.05)


@check(EXERCISE, 5)
def check_half_life(half_life: Any) -> str:
    """Task 5: the predicted half-life of the carry with forget gate sigmoid(3): ln 0.5 / ln sigmoid(3)."""
    value = as_number(half_life, "half_life")
    keep = 1.0 / (1.0 + np.exp(-OPEN_FORGET_BIAS))
    low, high = HALF_LIFE_RANGE
    if low <= value <= high:
        return (f"after n steps the carry is sigmoid(3)^n = {keep:.4f}^n of its start, which is "
                f"one half at n = ln 0.5 / ln {keep:.4f} = {HALF_LIFE:.1f} steps.")
    slips = {
        float(np.log(0.5) / np.log(1.0 / (1.0 + np.exp(-1.0)))):
            "that is the half-life with Keras' default forget bias of 1; task 4 opened it to 3.",
        float(np.log(0.5) / np.log(1.0 - keep)):
            f"1 - sigmoid(3) = {1 - keep:.3f} is the share forgotten at each step; the carry keeps "
            f"sigmoid(3) = {keep:.3f} of itself.",
        float(np.log(keep) / np.log(0.5)): "the ratio is upside down: solve keep^n = 0.5 for n.",
        float(0.5 / (1.0 - keep)):
            "the carry does not lose a fixed amount per step but a fixed share: it is "
            "multiplied by sigmoid(3) each step, so solve sigmoid(3)^n = 0.5.",
        float(-1.0 / np.log(keep)):
            "that is the time to fall to 1/e (about 37 %), not to one half: multiply by ln 2.",
        float(1.0 / (1.0 - keep)):
            "1 / (1 - sigmoid(3)) is the mean lifetime of a geometric decay, not the half-life: "
            "solve sigmoid(3)^n = 0.5 for n.",
    }
    for wrong, hint in slips.items():
        if abs(value - wrong) <= 0.02 * abs(wrong) + 0.02:
            raise Wrong(f"{value:.3g} steps: {hint}")
    if value <= 0:
        raise Wrong(f"{value:.3g}: a half-life is a positive number of steps.")
    raise Wrong(f"{value:.3g} steps is not it: after n steps the carry is sigmoid(3)^n of its start "
                "(the forget gate multiplies it once per step); find the n at which that is 0.5.")


# ---------------------------------------------------------------------------
# Task 6: one long-gap comparison of LSTM and GRU, three seeds
# ---------------------------------------------------------------------------

MEMORY_GAP = 20  # steps per sequence: the first value must survive 19 distractors
MEMORY_TEST_SIZE = 1000
MEMORY_TRAIN_SEED, MEMORY_TEST_SEED = 0, 1
CELLS = ("LSTM", "GRU")


def memory_task(n: int, k: int = MEMORY_GAP, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Notebook 03 §5's memory task: n sequences of k steps, two channels; target = the first value.

    Channel 0 holds the value to remember (uniform in [-1, 1]) at the first step and
    distractors (uniform in [-3, 3]) after it; channel 1 marks the first step. The
    target, at every step, is the first value: ``y`` has shape (n, k, 1).

    >>> x, y = memory_task(3, k=5, seed=0)
    >>> x.shape, y.shape, bool(np.all(y[:, :, 0] == x[:, :1, 0]))
    ((3, 5, 2), (3, 5, 1), True)
    """
    rng = np.random.default_rng(seed)
    x = np.zeros((n, k, 2), dtype="float32")
    x[:, :, 0] = rng.uniform(-3, 3, size=(n, k))
    x[:, 0, 0] = rng.uniform(-1, 1, size=n)
    x[:, 0, 1] = 1.0
    return x, np.repeat(x[:, :1, :1], k, axis=1)


def _answers(model: Any, x: np.ndarray) -> np.ndarray:
    """The model's answers as a float64 array (batch, steps) or (batch, 1)."""
    import keras

    out = keras.ops.convert_to_numpy(model(x)).astype("float64")
    return out[:, :, 0] if out.ndim == 3 else out.reshape(len(x), -1)[:, :1]


def last_step_r2(model: Any, x: np.ndarray, y: np.ndarray) -> float:
    """R² of the model's answer at the last step: 1 - MSE / Var(first value).

    Accepts a model that answers at every step (batch, k, 1) or only at the end (batch, 1).

    >>> import keras
    >>> x, y = memory_task(50, k=4, seed=0)
    >>> copy_first = keras.Sequential([keras.Input((4, 2)), keras.layers.Lambda(lambda t: t[:, :1, :1])])
    >>> last_step_r2(copy_first, x, y)
    1.0
    """
    return _r2(_answers(model, x)[:, -1], np.asarray(y, dtype="float64")[:, -1, 0])


def _r2(answer: np.ndarray, target: np.ndarray) -> float:
    return float(1.0 - np.mean((answer - target) ** 2) / target.var())


def _runs_by_cell(runs: Any) -> dict[str, dict[Any, Any]]:
    """``{cell: {seed: model}}`` from ``{(cell, seed): model}`` or ``{cell: {seed: model}}``."""
    form = ('`runs` should be a dict {("LSTM", seed): model, ("GRU", seed): model, ...} with the '
            "trained models, three seeds per cell.")
    if not isinstance(runs, dict) or not runs:
        raise Wrong(form)
    by_cell: dict[str, dict[Any, Any]] = {}
    for key, value in runs.items():
        if isinstance(key, tuple) and len(key) == 2:
            by_cell.setdefault(str(key[0]), {})[key[1]] = value
        elif isinstance(key, str) and isinstance(value, dict):
            by_cell.setdefault(key, {}).update(value)
        else:
            raise Wrong(form)
    extra = sorted(set(by_cell) - set(CELLS))
    if extra:
        raise Wrong(f"`runs` has runs for {extra}; name the cells exactly \"LSTM\" and \"GRU\".")
    for cell in CELLS:
        if cell not in by_cell:
            raise Wrong(f"`runs` has no {cell} runs: train both cells, three seeds each.")
    return by_cell


def scores_by_cell(runs: Any, x: np.ndarray, y: np.ndarray) -> dict[str, list[float]]:
    """``{"LSTM": [R², ...], "GRU": [...]}``: the last-step R² of every run in ``runs``, per cell.

    ``runs`` maps ``(cell, seed)`` to a trained model, or ``cell`` to ``{seed: model}``.

    >>> import keras
    >>> x, y = memory_task(50, k=4, seed=0)
    >>> first = keras.Sequential([keras.Input((4, 2)), keras.layers.Lambda(lambda t: t[:, :1, :1])])
    >>> scores_by_cell({("LSTM", 1): first, ("GRU", 1): first}, x, y)
    {'LSTM': [1.0], 'GRU': [1.0]}
    """
    return {cell: [last_step_r2(model, x, y) for model in models.values()]
            for cell, models in _runs_by_cell(runs).items()}


def _recurrent_layers(model: Any) -> list:
    import keras

    found, todo = [], list(getattr(model, "layers", []))
    while todo:
        layer = todo.pop(0)
        if isinstance(layer, keras.layers.RNN | keras.layers.Bidirectional):
            found.append(layer)
        todo.extend(getattr(layer, "layers", []))
    return found


def _train_scores(models: Any, x_mem: Any, y_mem: Any) -> np.ndarray | None:
    """Last-step R² of each model on the training sequences, or None when they are unusable."""
    try:
        x, y = np.asarray(x_mem, dtype="float32"), np.asarray(y_mem, dtype="float64")
        if x.ndim != 3 or x.shape[1:] != (MEMORY_GAP, 2) or y.shape != (len(x), MEMORY_GAP, 1):
            return None
        return np.array([last_step_r2(m, x, y) for m in models])
    except Exception:  # only a diagnosis; the verdict does not depend on it
        return None


def _pair(value: Any, name: str) -> tuple[float, float]:
    if isinstance(value, dict):
        keys = {k.lower(): k for k in value if isinstance(k, str)}
        if "mean" in keys and ("sd" in keys or "std" in keys):
            value = (value[keys["mean"]], value[keys.get("sd", keys.get("std"))])
    if isinstance(value, str | bytes) or not hasattr(value, "__len__") or len(value) != 2:
        raise Wrong(f"`summary[\"{name}\"]` should be a pair (mean, sd) of the three R² values, "
                    f"not {value!r}.")
    return as_number(value[0], f'summary["{name}"][0]'), as_number(value[1], f'summary["{name}"][1]')


@check(EXERCISE, 6, points=2)
def check_seed_comparison(runs: Any, summary: Any, x_mem: Any = None, y_mem: Any = None) -> str:
    """Task 6: LSTM and GRU trained with three seeds each on the memory task; mean and sd of R².

    The check scores every trained model itself on the exercise's test sequences (which
    it draws again) and recomputes mean and sd (either ddof) from those scores. The
    training sequences ``x_mem, y_mem`` serve only to recognise a score taken on them.
    """
    import keras

    require(runs, "runs")
    require(summary, "summary")
    by_cell = _runs_by_cell(runs)
    for cell in CELLS:
        models = by_cell[cell]
        if len(models) < 3:
            raise Wrong(f"{cell} has {len(models)} run(s); train it with three different seeds.")
        for seed, model in models.items():
            if not isinstance(model, keras.Model):
                raise Wrong(f"runs[(\"{cell}\", {seed!r})] should be the trained Keras model, not a "
                            f"{type(model).__name__}.")
            layers = _recurrent_layers(model)
            kinds = {type(layer).__name__ for layer in layers}
            if cell not in kinds:
                raise Wrong(f"the model stored under (\"{cell}\", {seed!r}) has no {cell} layer "
                            f"(it has {sorted(kinds) or 'no recurrent layer'}).")
            optimizer = getattr(model, "optimizer", None)
            if optimizer is None or int(keras.ops.convert_to_numpy(optimizer.iterations)) == 0:
                raise Wrong(f"the {cell} model with seed {seed!r} was never trained: compile it "
                            "and call model.fit(x_mem, y_mem, ...) before storing it.")
        ids_ = [id(m) for m in models.values()]
        if len(set(ids_)) < len(ids_):
            raise Wrong(f"the same {cell} model object is stored under several seeds: build a "
                        "new model inside the loop, after setting each seed.")
        firsts = [np.concatenate([np.ravel(w) for w in m.get_weights()]) for m in models.values()]
        for a in range(len(firsts)):
            for b in range(a + 1, len(firsts)):
                if firsts[a].shape == firsts[b].shape and np.array_equal(firsts[a], firsts[b]):
                    raise Wrong(f"two {cell} runs have identical weights: the seed did not change. "
                                "Call keras.utils.set_random_seed(seed) with each seed before "
                                "building the model.")
    if not isinstance(summary, dict) or any(cell not in summary for cell in CELLS):
        raise Wrong('`summary` should be a dict {"LSTM": (mean, sd), "GRU": (mean, sd)}.')
    x_test, y_test = memory_task(MEMORY_TEST_SIZE, MEMORY_GAP, MEMORY_TEST_SEED)
    target = y_test[:, -1, 0].astype("float64")
    lines = []
    for cell in CELLS:
        try:
            answers = [_answers(m, x_test) for m in by_cell[cell].values()]
        except Exception as err:  # the model cannot read the task
            raise Wrong(f"a {cell} model cannot read the memory task's sequences (batch, "
                        f"{MEMORY_GAP}, 2): {str(err).strip().splitlines()[0][:200]}") from None
        scores = np.array([_r2(a[:, -1], target) for a in answers])
        mean, sd = _pair(summary[cell], cell)
        sds = (float(scores.std(ddof=0)), float(scores.std(ddof=1)))
        tol = 2e-3
        if abs(mean - scores.mean()) <= tol and any(abs(sd - s) <= tol for s in sds):
            lines.append(f"{cell} R² {mean:.3f} ± {sd:.3f}")
            continue
        if abs(sd - scores.mean()) <= tol and any(abs(mean - s) <= tol for s in sds):
            raise Wrong(f"summary[\"{cell}\"] is (sd, mean); give (mean, sd).")
        on_train = _train_scores(by_cell[cell].values(), x_mem, y_mem)
        if on_train is not None and abs(mean - on_train.mean()) <= tol:
            raise Wrong(f"the {cell} mean {mean:.3f} is the score on the training sequences; score "
                        "each model on the test sequences (x_mem_test, y_mem_test), which it "
                        "never saw.")
        if any(abs(sd - s * s) <= tol * 0.1 for s in sds) and abs(mean - scores.mean()) <= tol:
            raise Wrong(f"the {cell} sd {sd:.4f} is a variance: take its square root (np.std).")
        if all(a.shape[1] == MEMORY_GAP for a in answers):
            first_var = y_test[:, 0, 0].astype("float64").var()
            every_step = [float(np.mean(1 - np.mean((a - target[:, None]) ** 2, axis=0) / first_var))
                          for a in answers]
            if abs(mean - np.mean(every_step)) <= tol:
                raise Wrong(f"the {cell} mean {mean:.3f} averages R² over every step; score the "
                            "answer at the last step only, after the longest gap (last_step_r2).")
        mse = (1 - scores) * target.var()
        if abs(mean - mse.mean()) <= tol:
            raise Wrong(f"the {cell} mean {mean:.3f} is a mean squared error; report R² "
                        "(last_step_r2), where 1 is perfect recall.")
        raise Wrong(f"summary[\"{cell}\"] = ({mean:.3f}, {sd:.3f}), but your {len(scores)} {cell} "
                    f"models score R² {np.round(scores, 3).tolist()} at the last step on the test "
                    f"sequences: mean {scores.mean():.3f}, sd {sds[1]:.3f} (or {sds[0]:.3f} with "
                    "ddof=0).")
    return ("recomputed from your trained models on the test sequences: " + "; ".join(lines) + ".")


TASKS = task_count(EXERCISE)
