"""Checks for exercise 04: what recurrent layers return, stacking, Bidirectional, final states,
return_sequences in a stack, when Bidirectional is legal, and a forecaster that reads no future.

The exercise feeds a batch ``x`` of shape (32, 10, 8) (32 sequences, 10 steps, 8
features) to layers of 16 units.
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
    check,
    is_placeholder,
    model_shape,
    require,
    task_count,
)

import numpy as np

EXERCISE = "04_keras_recurrent_layers"
BATCH, STEPS, FEATURES, UNITS = 32, 10, 8, 16


# ---------------------------------------------------------------------------
# Task 1: the outputs of LSTM(16, return_sequences=True, return_state=True)
# ---------------------------------------------------------------------------


@check(EXERCISE, 1)
def check_lstm_shapes(lstm_shapes: Any) -> str:
    """Task 1: the three output shapes (sequence, h, c) of the LSTM on a (32, 10, 8) batch."""
    require(lstm_shapes, "lstm_shapes")
    if isinstance(lstm_shapes, str) or not hasattr(lstm_shapes, "__len__"):
        raise Wrong("`lstm_shapes` should be a tuple of three shapes, one per output, like "
                    "((32, 10, 16), ..., ...).")
    if len(lstm_shapes) > 0 and all(isinstance(d, int | np.integer) for d in lstm_shapes):
        raise Wrong(f"`lstm_shapes` = {tuple(lstm_shapes)} is a single shape; with "
                    "return_state=True the layer returns a list of tensors: give the shape of "
                    "each.")
    if len(lstm_shapes) == 2:
        raise Wrong("an LSTM with return_state=True returns three tensors: the output sequence, "
                    "the final hidden state h and the final carry (cell) state c.")
    if len(lstm_shapes) != 3:
        raise Wrong(f"`lstm_shapes` has {len(lstm_shapes)} entries; the layer returns three "
                    "tensors (sequence, h, c).")
    shapes = [as_shape(s, f"lstm_shapes[{k}]") for k, s in enumerate(lstm_shapes)]
    sequence, state = (BATCH, STEPS, UNITS), (BATCH, UNITS)
    expected = [sequence, state, state]
    if shapes == expected:
        return ("(batch, steps, units) for the sequence, then (batch, units) for h and for c: "
                "the states are the values after the last step only.")
    if shapes[0] == state and sequence in shapes[1:]:
        raise Wrong("the sequence comes first: the layer returns [sequence, h, c].")
    if shapes[0] == state:
        raise Wrong("the first output is the whole sequence: with return_sequences=True it keeps "
                    f"the time axis, {sequence}.")
    for shape, want in zip(shapes, expected, strict=True):
        if shape == want[1:]:
            raise Wrong(batch_dimension_hint(shape, want, subject=f"{shape}"))
        if FEATURES in shape[1:] and UNITS not in shape:
            raise Wrong(f"{shape}: the last axis is the number of units ({UNITS}), not the "
                        f"number of input features ({FEATURES}).")
    if shapes[1] == sequence or shapes[2] == sequence:
        raise Wrong("return_sequences applies to the output only; the states h and c are the "
                    f"final states, each (batch, units) = {state}.")
    raise Wrong(f"the shapes {shapes} are not what the layer returns; call it on `x` and print "
                "each output's .shape.")


# ---------------------------------------------------------------------------
# Task 2: a stacked GRU
# ---------------------------------------------------------------------------


@check(EXERCISE, 2)
def check_stacked_gru(model: Any) -> str:
    """Task 2: >= 2 GRUs, sequences between them, recurrent dropout, Dropout, Dense(1), compiled."""
    import keras

    require(model, "model")
    if not isinstance(model, keras.Model):
        raise Wrong(f"`model` should be a Keras model (keras.Sequential([...])), not a "
                    f"{type(model).__name__}.")
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    grus = [layer for layer in layers if isinstance(layer, keras.layers.GRU)]
    others = [layer for layer in layers if isinstance(layer, keras.layers.RNN | keras.layers.Bidirectional)
              and not isinstance(layer, keras.layers.GRU)]
    if len(grus) < 2:
        if others:
            raise Wrong(f"the model has {type(others[0]).__name__} layers; the task asks for a "
                        "stack of GRU layers (keras.layers.GRU).")
        raise Wrong(f"the model has {len(grus)} GRU layer(s); stack at least two.")
    for position, gru in enumerate(grus[:-1], start=1):
        if not gru.return_sequences:
            raise Wrong(f"GRU number {position} feeds another GRU, so it must pass on the whole "
                        "sequence: set return_sequences=True on it.")
    if grus[-1].return_sequences:
        raise Wrong("the last GRU has return_sequences=True, so the head would forecast at every "
                    "step; the last recurrent layer should return only its final output.")
    if not any(gru.recurrent_dropout > 0 for gru in grus):
        raise Wrong("no GRU has recurrent_dropout: give at least one of them "
                    "recurrent_dropout=0.2, which drops entries of the state h_prev in training.")
    last_gru = layers.index(grus[-1])
    head = layers[-1]
    if not isinstance(head, keras.layers.Dense) or head.units != 1:
        raise Wrong("the model should end with keras.layers.Dense(1), one forecast per window.")
    activation = getattr(head.activation, "__name__", str(head.activation))
    if activation not in ("linear", "identity"):
        raise Wrong(f"the Dense(1) head has activation={activation!r}, which bounds (or bends) "
                    "the forecast; this is a regression, so leave the head linear: "
                    "keras.layers.Dense(1) with no activation.")
    dropouts = [layer for layer in layers[last_gru + 1:-1] if isinstance(layer, keras.layers.Dropout)]
    if dropouts and not any(float(layer.rate) > 0 for layer in dropouts):
        raise Wrong("the Dropout after the last GRU has rate 0, so it drops nothing; give it a "
                    "rate such as keras.layers.Dropout(0.2).")
    if not dropouts:
        if any(isinstance(layer, keras.layers.Dropout) for layer in layers[:last_gru]):
            raise Wrong("the Dropout layer sits before the last GRU; put it after the last GRU, "
                        "right before the Dense(1) output.")
        raise Wrong("add a keras.layers.Dropout(...) between the last GRU and the Dense(1) "
                    "output.")
    if not getattr(model, "compiled", False):
        raise Wrong("the model is not compiled yet: call model.compile(optimizer='adam', "
                    "loss='mse').")
    optimizer = getattr(model, "optimizer", None)
    if not isinstance(optimizer, keras.optimizers.Adam):
        raise Wrong(f"the model is compiled with {type(optimizer).__name__}; the task asks for "
                    "the Adam optimiser: model.compile(optimizer='adam', loss='mse').")
    if not _is_mse(getattr(model, "loss", None)):
        raise Wrong(f"the loss is {getattr(model, 'loss', None)!r}; the task asks for the mean "
                    "squared error, loss='mse'.")
    shape_in = model_shape(model, "input_shape")
    # Input(shape=(10, 8)), Input(shape=(None, 8)) (any length) and a model built lazily on
    # its first call (no Input: no declared shape) all read the (batch, 10, 8) windows.
    if shape_in is not None and (len(shape_in) != 3 or not isinstance(shape_in[1], int | None)
                                 or shape_in[1] not in (None, STEPS)
                                 or shape_in[2] != FEATURES):
        raise Wrong(f"the model reads inputs of shape {shape_in}, but the windows are "
                    f"(batch, {STEPS}, {FEATURES}): start it with keras.Input(shape=({STEPS}, "
                    f"{FEATURES})).")
    try:
        out = model(np.zeros((2, STEPS, FEATURES), dtype="float32"))
    except Exception as err:  # a lazily built model meets its first input here
        raise Wrong(f"the model cannot read a (2, {STEPS}, {FEATURES}) batch of windows "
                    f"({type(err).__name__}); start it with keras.Input(shape=({STEPS}, "
                    f"{FEATURES})).") from None
    shape = tuple(out.shape)
    if shape != (2, 1):
        raise Wrong(f"on a (2, {STEPS}, {FEATURES}) batch the model returns shape {shape}, "
                    "expected (2, 1): one forecast per window. Check keras.Input(shape=(10, 8)).")
    return (f"{len(grus)} stacked GRUs ({model.count_params():,} weights) with sequences between "
            "them, recurrent dropout, and Dropout before the Dense(1) head.")


def _is_mse(loss: Any) -> bool:
    """True for every way of naming the mean squared error in model.compile."""
    import keras

    if isinstance(loss, str):
        return loss.lower() in ("mse", "mean_squared_error", "meansquarederror")
    if isinstance(loss, keras.losses.MeanSquaredError):
        return True
    return getattr(loss, "__name__", "") in ("mean_squared_error", "mse")


# ---------------------------------------------------------------------------
# Task 3: Bidirectional shapes and weights
# ---------------------------------------------------------------------------


def gru_params(features: int, units: int) -> int:
    """Weights of a default (reset_after=True) GRU layer."""
    return 3 * units * (units + features + 2)


@check(EXERCISE, 3)
def check_bidirectional(shape_concat: Any, shape_sum: Any, n_params: Any) -> str:
    """Task 3: Bidirectional(GRU(16, return_sequences=True)) on (32, 10, 8): shapes and weights."""
    require(shape_concat, "shape_concat")
    require(shape_sum, "shape_sum")
    require(n_params, "n_params")
    concat = as_shape(shape_concat, "shape_concat")
    summed = as_shape(shape_sum, "shape_sum")
    want_concat, want_sum = (BATCH, STEPS, 2 * UNITS), (BATCH, STEPS, UNITS)
    if concat == want_sum and summed == want_concat:
        raise Wrong("the two shapes are swapped: concat puts the two directions side by side "
                    f"(width {2 * UNITS}), sum adds them (width {UNITS}).")
    for name, got, want in (("shape_concat", concat, want_concat), ("shape_sum", summed, want_sum)):
        if got == want:
            continue
        if got == want[1:]:
            raise Wrong(batch_dimension_hint(got, want, subject=f"`{name}` = {got}"))
        if got == (BATCH, want[2]):
            raise Wrong(f"`{name}` = {got} has no time axis: the wrapped GRU has "
                        "return_sequences=True, so the output keeps every step.")
        if name == "shape_concat" and got == want_sum:
            raise Wrong("with merge_mode='concat' the forward and backward outputs are put side "
                        f"by side, so the width doubles: {want_concat}.")
        if name == "shape_sum" and got == want_concat:
            raise Wrong("merge_mode='sum' adds the two directions element by element, so the "
                        f"width stays {UNITS}: {want_sum}.")
        raise Wrong(f"`{name}` = {got} is not what the layer returns; print the output's .shape.")
    try:
        n_params = as_number(n_params, "n_params")
    except Wrong:
        raise Wrong(f"`n_params` should be a number (use .count_params()), got {n_params!r}.") from None
    one = gru_params(FEATURES, UNITS)
    if n_params == 2 * one:
        return (f"concat doubles the width to {2 * UNITS}, sum keeps {UNITS}; the layer holds "
                f"two GRUs, {2 * one:,} weights.")
    if n_params == one:
        raise Wrong(f"{one} is the weight count of one GRU(16); Bidirectional adds a second copy "
                    "with its own weights for the backward direction.")
    if n_params == gru_params(FEATURES, 2 * UNITS):
        raise Wrong("that is one GRU of 32 units; Bidirectional holds two GRUs of 16 units "
                    "each, with their own weights.")
    if n_params == 4 * one:
        raise Wrong("that counts the weights of both merge modes' layers; give the count for "
                    "one Bidirectional layer (the merge mode does not change it).")
    raise Wrong(f"`n_params` = {n_params}, but the layer has {2 * one:,} weights; build it and "
                "call .count_params().")


# ---------------------------------------------------------------------------
# Task 4: the last step of the sequence and the final state
# ---------------------------------------------------------------------------


def _as_bool(value: Any) -> bool | None:
    """A Python bool from a bool, NumPy bool or a one-element boolean tensor/array; else None."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if hasattr(value, "numpy") and callable(value.numpy):
        value = np.asarray(value.numpy())
    if isinstance(value, np.ndarray | np.bool_) and value.dtype == bool and value.size == 1:
        return bool(value.reshape(()))
    return None


@check(EXERCISE, 4)
def check_last_step(sequence: Any, h: Any, c: Any, max_abs_diff: Any, same: Any) -> str:
    """Task 4: ``sequence[:, -1]`` equals ``h``; ``max_abs_diff`` measures it, ``same`` says so."""
    for value, name in ((sequence, "sequence"), (h, "h"), (c, "c"),
                        (max_abs_diff, "max_abs_diff"), (same, "same")):
        require(value, name)
    sequence, h, c = as_array(sequence, "sequence"), as_array(h, "h"), as_array(c, "c")
    if sequence.ndim == 2:
        raise Wrong(f"`sequence` has shape {sequence.shape}, no time axis: create the layer with "
                    "return_sequences=True.")
    if sequence.ndim != 3:
        raise Wrong(f"`sequence` should be 3-D (batch, steps, units), got shape {sequence.shape}.")
    batch, _, units = sequence.shape
    if h.shape != (batch, units) or c.shape != (batch, units):
        raise Wrong(f"`h` and `c` should each have shape (batch, units) = {(batch, units)}, got "
                    f"{h.shape} and {c.shape}. Unpack the three outputs: sequence, h, c = "
                    "layer(x).")
    last = sequence[:, -1, :]
    true_diff = float(np.max(np.abs(last - h)))
    if true_diff > 1e-5:
        if np.allclose(last, c, atol=1e-5):
            raise Wrong("`h` and `c` are swapped: the layer returns [sequence, h, c], and h is "
                        "the output of the last step.")
        raise Wrong("`sequence` and `h` do not come from the same call of the same layer; call "
                    "it once and unpack: sequence, h, c = layer(x).")
    try:
        measured = as_number(max_abs_diff, "max_abs_diff")
    except NotAttempted:
        raise
    except Wrong as err:
        raise Wrong(f"{err} `max_abs_diff` should be one number: "
                    "np.max(np.abs(sequence[:, -1] - h)).") from None
    first_step = float(np.max(np.abs(sequence[:, 0, :] - h)))
    every_step = float(np.max(np.abs(sequence - h[:, None, :])))
    with_carry = float(np.max(np.abs(last - c)))

    def matches(value: float) -> bool:
        return bool(np.isclose(measured, value, rtol=1e-5, atol=1e-7))

    if abs(measured - true_diff) > 1e-6:
        if matches(with_carry):
            raise Wrong("close, but you compared with the carry c; the output of a step is the "
                        "hidden state h, so compare with h.")
        if matches(first_step) and matches(every_step):
            raise Wrong("close, but you compared h with the first step (or with every step); "
                        "only the last step, sequence[:, -1], should equal it.")
        if matches(first_step):
            raise Wrong("close, but you compared the FIRST step, sequence[:, 0]; the final state "
                        "belongs to the last step, sequence[:, -1].")
        if matches(every_step):
            raise Wrong("close, but you compared every step with h; only the last one, "
                        "sequence[:, -1], should equal it.")
        raise Wrong(f"`max_abs_diff` = {measured:.3g}, but the largest |sequence[:, -1] - h| is "
                    f"{true_diff:.1e}; measure it with np.max(np.abs(sequence[:, -1] - h)).")
    answer = _as_bool(same)
    if answer is None:
        raise Wrong(f"`same` should be True or False, not {same!r}: write it as a comparison, "
                    "e.g. same = max_abs_diff < 1e-6.")
    if not answer:
        raise Wrong(f"the difference is {measured:.1e}, float round-off at most, so `same` should "
                    "be True: the final state h IS the last output.")
    return (f"the last output and h agree to {measured:.1e}: return_state hands you the last "
            "step's output again (and, for an LSTM, the carry c as well).")



# ---------------------------------------------------------------------------
# Task 5: predict return_sequences for every layer of a stack
# ---------------------------------------------------------------------------

STACK = (("LSTM", 32), ("GRU", 16), ("LSTM", 8))  # then Dense(1): one forecast per window
STACK_STEPS, STACK_FEATURES = 24, 3


@check(EXERCISE, 5)
def check_stack_flags(stack_flags: Any) -> str:
    """Task 5: return_sequences of LSTM(32), GRU(16), LSTM(8) before Dense(1), input side first."""
    require(stack_flags, "stack_flags")
    form = ("`stack_flags` should be a list of three True/False values, one per recurrent "
            "layer, input side first, e.g. [True, False, False].")
    if isinstance(stack_flags, str | bytes | dict) or not hasattr(stack_flags, "__len__"):
        raise Wrong(form)
    values = list(np.asarray(stack_flags).reshape(-1)) if isinstance(stack_flags, np.ndarray) else list(stack_flags)
    if len(values) != len(STACK):
        raise Wrong(f"`stack_flags` has {len(values)} entries; the stack has {len(STACK)} recurrent "
                    "layers (Dense(1) has no return_sequences).")
    flags = [bool(value) if isinstance(value, int | np.integer) and value in (0, 1) else _as_bool(value)
             for value in values]  # True/False, or 1/0 (Keras accepts those too)
    if any(flag is None for flag in flags):
        raise Wrong(form)
    for k, flag in enumerate(flags[:-1]):
        (name, units), (next_name, _) = STACK[k], STACK[k + 1]
        if not flag:
            raise Wrong(f"layer {k + 1}, {name}({units}), would return only its last output, shape "
                        f"(batch, {units}), but layer {k + 2}, {next_name}, is recurrent and needs a "
                        "sequence (batch, steps, features): Keras refuses with 'expected ndim=3, "
                        "found ndim=2'.")
    if flags[-1]:
        raise Wrong(f"with return_sequences=True on the last layer, Dense(1) is applied at every "
                    f"step and the model returns (batch, {STACK_STEPS}, 1): one number per step, "
                    "not one forecast per window.")
    return (f"the first two layers hand every step to the next one; the last returns (batch, "
            f"{STACK[-1][1]}), and Dense(1) makes one forecast per window.")


# ---------------------------------------------------------------------------
# Task 6: predict whether a Bidirectional layer is legal and useful
# ---------------------------------------------------------------------------

SETUPS = ("window", "every_step", "gap", "encoder")
VERDICTS = ("leak", "legal", "useful")
# The rubric: "leak" when some output is trained against a value the backward half has read;
# "useful" when the backward half brings values the forward half has not read when it
# answers; "legal" when every value read is known before the target, but the forward half
# has already read them all (the backward half adds an order, not information).
RUBRIC = {"window": "legal", "every_step": "leak", "gap": "useful", "encoder": "legal"}
_REASONS = {
    ("window", "leak"): "every value in the window is known before the target x_(t+1), and the "
                        "target is not in the input: nothing from the future is read.",
    ("window", "useful"): "when the layer answers, its forward half has already read every value "
                          "of the window; the backward half reads the same values in another "
                          "order and brings no new one (notebook 08 measured no gain).",
    ("encoder", "leak"): "the encoder reads only the past window, which is known when the "
                         "forecast is made; the decoder's targets come after it.",
    ("encoder", "useful"): "the encoder hands on its final states, and by then its forward half "
                           "has read the whole window already: the backward half brings no new "
                           "value, only another order.",
    ("every_step", "legal"): "at step t the target is x_(t+1), the input of step t+1, and the "
                             "backward half has read it: the model is trained to copy its answer.",
    ("every_step", "useful"): "it looks useful, because training drives the error towards zero, "
                              "but at step t the backward half has read x_(t+1), the target itself: "
                              "a leak.",
    ("gap", "leak"): "the whole sequence is recorded, so the values after the gap are known when "
                     "the gap is filled: reading them is allowed.",
    ("gap", "legal"): "it is legal, and more: at the gap the forward half has read only the values "
                      "before it, the backward half brings those after it, which tell a lot about "
                      "the missing value (notebook 04 §3).",
}


def _verdict_word(value: Any) -> str | None:
    if isinstance(value, np.str_):
        value = str(value)
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    return word if word in VERDICTS else None


@check(EXERCISE, 6)
def check_bidirectional_verdicts(verdicts: Any) -> str:
    """Task 6: "leak", "legal" or "useful" for a Bidirectional layer in each of four setups."""
    require(verdicts, "verdicts")
    form = ('`verdicts` should be a dict with one word per setup, "leak", "legal" or "useful": '
            '{"window": ..., "every_step": ..., "gap": ..., "encoder": ...}.')
    if not isinstance(verdicts, dict):
        raise Wrong(form)
    if verdicts and all(is_placeholder(value) for value in verdicts.values()):
        raise NotAttempted("`verdicts` still holds `...` for every setup. Write your four words "
                           "under # YOUR CODE HERE.")
    missing = [name for name in SETUPS if name not in verdicts]
    if missing:
        raise Wrong(f"`verdicts` has no entry for {', '.join(repr(m) for m in missing)}. " + form)
    words = {}
    for name in SETUPS:
        word = _verdict_word(verdicts[name])
        if word is None:
            raise Wrong(f'verdicts["{name}"] = {verdicts[name]!r}: write one of "leak", "legal" '
                        'or "useful".')
        words[name] = word
    wrong = [name for name in SETUPS if words[name] != RUBRIC[name]]
    if wrong:
        name = wrong[0]
        more = f" ({len(wrong) - 1} more setup(s) to rethink)" if len(wrong) > 1 else ""
        raise Wrong(f'setup "{name}" is not "{words[name]}": {_REASONS[(name, words[name])]}{more}')
    return ("a backward half is legal wherever every value it reads is known before the target, "
            "useful only where it brings values the forward half has not read yet (the gap), and "
            "a leak where it reads the target itself (every step).")


# ---------------------------------------------------------------------------
# Task 7: a forecaster for every step that reads no future value
# ---------------------------------------------------------------------------

CAUSAL_STEPS = 16


def future_reach(model: Any, steps: int = CAUSAL_STEPS, seed: int = 0) -> np.ndarray:
    """How much each output step moves when one input step is changed: matrix [input s, output t].

    Entry (s, t) is the largest change of the output at step t (over its features and a
    batch of 8 random sequences) when the input at step s is raised by 1. A model that reads no future
    value has zeros wherever s > t, below the diagonal.

    >>> import keras
    >>> layer = keras.layers.SimpleRNN(2, return_sequences=True)
    >>> forward = keras.Sequential([keras.Input((4, 1)), layer])
    >>> bool(np.all(np.tril(future_reach(forward, steps=4), k=-1) == 0))
    True
    >>> both = keras.Sequential([keras.Input((4, 1)), keras.layers.Bidirectional(layer)])
    >>> bool(np.all(np.tril(future_reach(both, steps=4), k=-1) == 0))
    False
    """
    x = np.random.default_rng(seed).normal(size=(8, steps, 1)).astype("float32")
    batch = [x]
    for s in range(steps):
        moved = x.copy()
        moved[:, s, 0] += 1.0
        batch.append(moved)
    out = np.asarray(model(np.concatenate(batch)), dtype="float64").reshape(steps + 1, 8, steps, -1)
    return np.max(np.abs(out[1:] - out[:1]), axis=(1, 3))  # (input s, output t)


def _all_layers(model: Any) -> list:
    """Every layer inside ``model``, nested models included."""
    found, todo = [], list(getattr(model, "layers", []))
    while todo:
        layer = todo.pop()
        found.append(layer)
        todo.extend(getattr(layer, "layers", []))
    return found


@check(EXERCISE, 7, points=2)
def check_causal_model(causal_model: Any) -> str:
    """Task 7: a model mapping (batch, 16, 1) to (batch, 16, 1) whose output at step t reads no input after t."""
    import keras

    require(causal_model, "causal_model")
    if not isinstance(causal_model, keras.Model):
        raise Wrong(f"`causal_model` should be a Keras model (keras.Sequential([...])), not a "
                    f"{type(causal_model).__name__}.")
    probe = np.zeros((2, CAUSAL_STEPS, 1), dtype="float32")
    try:
        out = causal_model(probe)
    except Exception as err:  # any failure is the student's to fix
        raise Wrong(f"the model cannot read a batch of shape (2, {CAUSAL_STEPS}, 1): "
                    f"{str(err).strip().splitlines()[0][:200]}. Start it with "
                    f"keras.Input(shape=({CAUSAL_STEPS}, 1)).") from None
    if isinstance(out, list | tuple | dict):
        raise Wrong("the model returns several outputs; it should return one tensor, the "
                    "forecasts (batch, steps, 1).")
    shape = tuple(out.shape)
    if shape == (2, 1):
        raise Wrong(f"the model returns {shape}: one forecast per sequence. This task needs one "
                    "forecast at every step: return_sequences=True on the last recurrent layer.")
    if shape != (2, CAUSAL_STEPS, 1):
        raise Wrong(f"on a batch of shape (2, {CAUSAL_STEPS}, 1) the model returns {shape}; it "
                    f"should return (2, {CAUSAL_STEPS}, 1), one next-value forecast per step "
                    "(a recurrent layer with return_sequences=True, then Dense(1)).")
    reach = future_reach(causal_model)
    if not np.all(np.isfinite(reach)):
        raise Wrong("the model's outputs contain NaN or infinity on random inputs.")
    ahead = np.tril(reach, k=-1)  # input step s after output step t
    if np.max(ahead) > 1e-5:
        own = np.diagonal(reach, offset=-1)  # (s = t + 1, t): the input that is t's own target
        if np.max(own) > 1e-5:
            t = int(np.argmax(own))
            where = (f"the forecast at step {t + 1} changes when the input at step {t + 2}, its "
                     "own target, changes")
        else:
            s, t = np.unravel_index(int(np.argmax(ahead)), ahead.shape)
            where = (f"the forecast at step {t + 1} changes when the input at step {s + 1}, "
                     "still in its future, changes")
        bidirectional = any(isinstance(layer, keras.layers.Bidirectional)
                            for layer in _all_layers(causal_model))
        cause = ("A Bidirectional layer's backward half reads every later step; use a "
                 "one-directional recurrent layer." if bidirectional
                 else "Look for a layer that reads the whole window at once (Bidirectional, "
                      "Conv1D with padding='same', Flatten).")
        raise Wrong(f"a leak: {where}. {cause}")
    if reach[0, -1] < 1e-7:
        raise Wrong(f"the forecast at the last step does not depend on the first input at all: "
                    f"the model has no memory over the {CAUSAL_STEPS} steps. Use a recurrent "
                    "layer (SimpleRNN, LSTM or GRU) with return_sequences=True.")
    return (f"every forecast reads only the inputs up to its own step (checked by changing each "
            f"of the {CAUSAL_STEPS} inputs in turn), and the last one remembers the first.")


TASKS = task_count(EXERCISE)
