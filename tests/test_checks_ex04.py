"""Exercise 04's checks: LSTM outputs, a stacked GRU, Bidirectional, final state vs last output."""

from __future__ import annotations

import helpers  # noqa: F401  (sets the Keras backend before keras is imported)
from helpers.checks import CORRECT, NOT_ATTEMPTED, WRONG
from helpers.checks import ex04_keras_recurrent_layers as ex04

import keras
import numpy as np
import pytest

JUNK = [None, ..., 3, "text", [1, 2], {"a": 1}, np.zeros(3), object(), lambda *a: 1 / 0]


# --- task 1 ---

def test_task1_lstm_shapes():
    good = ((32, 10, 16), (32, 16), (32, 16))
    assert ex04.check_lstm_shapes(good).status == CORRECT
    assert ex04.check_lstm_shapes([[32, 10, 16], np.array([32, 16]), (32, 16)]).status == CORRECT
    assert ex04.check_lstm_shapes(...).status == NOT_ATTEMPTED
    two = ex04.check_lstm_shapes(((32, 10, 16), (32, 16)))
    assert two.status == WRONG and "three tensors" in two.message
    no_batch = ex04.check_lstm_shapes(((10, 16), (16,), (16,)))
    assert no_batch.status == WRONG and "batch dimension" in no_batch.message
    order = ex04.check_lstm_shapes(((32, 16), (32, 16), (32, 10, 16)))
    assert order.status == WRONG and "sequence comes first" in order.message
    last_only = ex04.check_lstm_shapes(((32, 16), (32, 16), (32, 16)))
    assert last_only.status == WRONG and "keeps the time axis" in last_only.message
    state_seq = ex04.check_lstm_shapes(((32, 10, 16), (32, 10, 16), (32, 10, 16)))
    assert state_seq.status == WRONG and "final states" in state_seq.message
    features = ex04.check_lstm_shapes(((32, 10, 8), (32, 8), (32, 8)))
    assert features.status == WRONG and "number of units" in features.message
    single = ex04.check_lstm_shapes((32, 10, 16))
    assert single.status == WRONG and "single shape" in single.message
    tensors = ex04.check_lstm_shapes(
        keras.layers.LSTM(16, return_sequences=True, return_state=True)(np.zeros((32, 10, 8))))
    assert tensors.status == WRONG and "give only its shape" in tensors.message


# --- task 2 ---

def stacked(first_sequences=True, last_sequences=False, recurrent_dropout=0.2, dropout="end",
            kind=keras.layers.GRU, compiled=True, head_units=1):
    layers = [keras.Input(shape=(10, 8))]
    if dropout == "start":
        layers.append(keras.layers.Dropout(0.2))
    layers.append(kind(4, return_sequences=first_sequences, recurrent_dropout=recurrent_dropout))
    if first_sequences:
        layers.append(kind(4, return_sequences=last_sequences))
    if dropout == "end":
        layers.append(keras.layers.Dropout(0.2))
    layers.append(keras.layers.Dense(head_units))
    model = keras.Sequential(layers)
    if compiled:
        model.compile(optimizer="adam", loss="mse")
    return model


def test_task2_stacked_gru():
    assert ex04.check_stacked_gru(stacked()).status == CORRECT
    assert ex04.check_stacked_gru(...).status == NOT_ATTEMPTED
    one = ex04.check_stacked_gru(stacked(first_sequences=False))
    assert one.status == WRONG and "stack at least two" in one.message
    last = ex04.check_stacked_gru(stacked(last_sequences=True))
    assert last.status == WRONG and "last GRU has return_sequences=True" in last.message
    no_rd = ex04.check_stacked_gru(stacked(recurrent_dropout=0.0))
    assert no_rd.status == WRONG and "recurrent_dropout" in no_rd.message
    no_dropout = ex04.check_stacked_gru(stacked(dropout=None))
    assert no_dropout.status == WRONG and "add a keras.layers.Dropout" in no_dropout.message
    early = ex04.check_stacked_gru(stacked(dropout="start"))
    assert early.status == WRONG and "before the last GRU" in early.message
    lstm = ex04.check_stacked_gru(stacked(kind=keras.layers.LSTM))
    assert lstm.status == WRONG and "GRU" in lstm.message
    not_compiled = ex04.check_stacked_gru(stacked(compiled=False))
    assert not_compiled.status == WRONG and "not compiled" in not_compiled.message
    head = ex04.check_stacked_gru(stacked(head_units=3))
    assert head.status == WRONG and "Dense(1)" in head.message


def test_task2_inner_layer_without_sequences():
    # without keras.Input the mistake is not caught when the model is created
    model = keras.Sequential([
        keras.layers.GRU(4, recurrent_dropout=0.2),
        keras.layers.GRU(4),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(1),
    ])
    verdict = ex04.check_stacked_gru(model)
    assert verdict.status == WRONG and "GRU number 1" in verdict.message


# --- task 3 ---

def test_task3_bidirectional():
    assert ex04.check_bidirectional((32, 10, 32), (32, 10, 16), 2496).status == CORRECT
    assert ex04.check_bidirectional(..., (32, 10, 16), 2496).status == NOT_ATTEMPTED
    assert ex04.check_bidirectional((32, 10, 32), (32, 10, 16), ...).status == NOT_ATTEMPTED
    concat = ex04.check_bidirectional((32, 10, 16), (32, 10, 16), 2496)
    assert concat.status == WRONG and "width doubles" in concat.message
    summed = ex04.check_bidirectional((32, 10, 32), (32, 10, 32), 2496)
    assert summed.status == WRONG and "element by element" in summed.message
    swapped = ex04.check_bidirectional((32, 10, 16), (32, 10, 32), 2496)
    assert swapped.status == WRONG and "swapped" in swapped.message
    no_time = ex04.check_bidirectional((32, 32), (32, 16), 2496)
    assert no_time.status == WRONG and "no time axis" in no_time.message
    one_gru = ex04.check_bidirectional((32, 10, 32), (32, 10, 16), 1248)
    assert one_gru.status == WRONG and "second copy" in one_gru.message
    wide = ex04.check_bidirectional((32, 10, 32), (32, 10, 16), 3 * 32 * (32 + 8 + 2))
    assert wide.status == WRONG and "one GRU of 32 units" in wide.message


def test_task3_reference_count_is_keras():
    layer = keras.layers.Bidirectional(keras.layers.GRU(16, return_sequences=True))
    layer.build((None, 10, 8))
    assert layer.count_params() == 2 * ex04.gru_params(8, 16)


# --- task 4 ---

def lstm_outputs():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 5, 2)).astype("float32")
    keras.utils.set_random_seed(0)
    sequence, h, c = keras.layers.LSTM(4, return_sequences=True, return_state=True)(x)
    return np.asarray(sequence), np.asarray(h), np.asarray(c)


def test_task4_last_step():
    seq, h, c = lstm_outputs()
    diff = float(np.max(np.abs(seq[:, -1] - h)))
    assert ex04.check_last_step(seq, h, c, diff, diff < 1e-6).status == CORRECT
    assert ex04.check_last_step(seq, h, c, ..., ...).status == NOT_ATTEMPTED
    first = float(np.max(np.abs(seq[:, 0] - h)))
    first_step = ex04.check_last_step(seq, h, c, first, False)
    assert first_step.status == WRONG and "first step" in first_step.message
    carry = float(np.max(np.abs(seq[:, -1] - c)))
    with_c = ex04.check_last_step(seq, h, c, carry, False)
    assert with_c.status == WRONG and "carry c" in with_c.message
    every = float(np.max(np.abs(seq - h[:, None])))
    every_step = ex04.check_last_step(seq, h, c, every, False)
    assert every_step.status == WRONG and "every step" in every_step.message
    swapped = ex04.check_last_step(seq, c, h, 0.0, True)
    assert swapped.status == WRONG and "swapped" in swapped.message
    not_bool = ex04.check_last_step(seq, h, c, diff, "yes")
    assert not_bool.status == WRONG and "True or False" in not_bool.message
    false = ex04.check_last_step(seq, h, c, diff, False)
    assert false.status == WRONG and "should be True" in false.message
    no_time = ex04.check_last_step(seq[:, -1], h, c, diff, True)
    assert no_time.status == WRONG and "return_sequences=True" in no_time.message


def test_task4_first_and_every_step_told_apart():
    seq, h, c = lstm_outputs()
    seq = seq.copy()
    seq[:, 2] += 5.0  # the largest gap to h is now at step 2, not at the first step
    first = float(np.max(np.abs(seq[:, 0] - h)))
    first_step = ex04.check_last_step(seq, h, c, first, False)
    assert first_step.status == WRONG and "FIRST step" in first_step.message
    every = float(np.max(np.abs(seq - h[:, None])))
    every_step = ex04.check_last_step(seq, h, c, every, False)
    assert every_step.status == WRONG and "compared every step" in every_step.message


# --- robustness ---

@pytest.mark.parametrize("junk", JUNK, ids=lambda j: type(j).__name__)
def test_no_check_raises_on_junk(junk):
    seq, h, c = lstm_outputs()
    verdicts = [
        ex04.check_lstm_shapes(junk),
        ex04.check_lstm_shapes((junk, junk, junk)),
        ex04.check_stacked_gru(junk),
        ex04.check_bidirectional(junk, junk, junk),
        ex04.check_bidirectional((32, 10, 32), (32, 10, 16), junk),
        ex04.check_last_step(junk, junk, junk, junk, junk),
        ex04.check_last_step(seq, h, c, junk, junk),
        ex04.check_stack_flags(junk),
        ex04.check_stack_flags([junk, junk, junk]),
        ex04.check_bidirectional_verdicts(junk),
        ex04.check_bidirectional_verdicts(dict.fromkeys(ex04.SETUPS, junk)),
        ex04.check_causal_model(junk),
    ]
    for verdict in verdicts:
        assert verdict.status in (NOT_ATTEMPTED, WRONG)


# --- attempt tables: valid answers, realistic mistakes, junk ---

from helpers.checks.attempts import JUNK as J  # noqa: E402
from helpers.checks.attempts import MISTAKE as M  # noqa: E402
from helpers.checks.attempts import VALID as V  # noqa: E402
from helpers.checks.attempts import Attempt, ids, judge, too_thin  # noqa: E402

X04 = np.random.default_rng(4).normal(size=(32, 10, 8)).astype("float32")


def _shapes_from_layer(as_lists=False):
    outputs = keras.layers.LSTM(16, return_sequences=True, return_state=True)(X04)
    shapes = [o.shape for o in outputs]
    return ex04.check_lstm_shapes([list(s) for s in shapes] if as_lists else shapes)


def _functional(optimizer="adam", loss="mse", input_shape=(10, 8)):
    inputs = keras.Input(shape=input_shape)
    hidden = keras.layers.GRU(8, return_sequences=True)(inputs)
    hidden = keras.layers.GRU(8, recurrent_dropout=0.2)(hidden)
    hidden = keras.layers.Dropout(0.3)(hidden)
    model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
    model.compile(optimizer=optimizer, loss=loss)
    return model


def _any_length():
    model = keras.Sequential([keras.Input(shape=(None, 8)),
                              keras.layers.GRU(8, return_sequences=True, recurrent_dropout=0.2),
                              keras.layers.GRU(4), keras.layers.Dropout(0.2), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


def _lazy(head=None, rate=0.2):
    """No keras.Input: Keras builds the model on its first call."""
    model = keras.Sequential([keras.layers.GRU(8, return_sequences=True, recurrent_dropout=0.2),
                              keras.layers.GRU(4), keras.layers.Dropout(rate),
                              head or keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


def _built_on(features):
    model = _lazy()
    model(np.zeros((1, 10, features), dtype="float32"))
    return model


def _three_grus():
    model = keras.Sequential([keras.Input(shape=(10, 8)),
                              keras.layers.GRU(8, return_sequences=True, recurrent_dropout=0.2),
                              keras.layers.GRU(8, return_sequences=True),
                              keras.layers.GRU(4), keras.layers.Dropout(0.2), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.MeanSquaredError())
    return model


def _task4(sequence_from=None, diff=None, same=None, tensors=False):
    keras.utils.set_random_seed(0)
    layer = keras.layers.LSTM(16, return_sequences=True, return_state=True)
    seq, h, c = layer(X04)
    if not tensors:
        seq, h, c = (np.asarray(t) for t in (seq, h, c))
    measured = keras.ops.max(keras.ops.abs(seq[:, -1, :] - h)) if tensors else \
        float(np.max(np.abs(seq[:, -1] - h)))
    if diff is not None:
        measured = diff(np.asarray(seq), np.asarray(h), np.asarray(c))
    verdict = measured < 1e-6 if same is None else same
    if sequence_from == "second_call":
        seq = np.asarray(layer(X04)[0]) * 0 + np.asarray(keras.layers.LSTM(16, return_sequences=True)(X04))
    return ex04.check_last_step(seq, h, c, measured, verdict)


TABLE04 = [
    Attempt(1, V, "tuples", lambda: ex04.check_lstm_shapes(((32, 10, 16), (32, 16), (32, 16)))),
    Attempt(1, V, "TensorShapes from the layer", lambda: _shapes_from_layer()),
    Attempt(1, V, "lists from the layer", lambda: _shapes_from_layer(as_lists=True)),
    Attempt(1, M, "only h and c", lambda: ex04.check_lstm_shapes(((32, 16), (32, 16))), "three"),
    Attempt(1, M, "sequence last", lambda: ex04.check_lstm_shapes(((32, 16), (32, 16), (32, 10, 16))),
            "first"),
    Attempt(1, M, "states with time axis", lambda: ex04.check_lstm_shapes(
        ((32, 10, 16), (32, 10, 16), (32, 10, 16))), "final states"),
    Attempt(1, M, "no batch axis", lambda: ex04.check_lstm_shapes(((10, 16), (16,), (16,))), "batch"),
    Attempt(1, M, "one shape only", lambda: ex04.check_lstm_shapes((32, 10, 16)), "single shape"),
    Attempt(1, J, "placeholder", lambda: ex04.check_lstm_shapes(...), status=NOT_ATTEMPTED),
    Attempt(1, J, "a string", lambda: ex04.check_lstm_shapes("(32, 10, 16)")),
    Attempt(1, J, "the tensors themselves", lambda: ex04.check_lstm_shapes(
        [np.zeros((32, 10, 16)), np.zeros((32, 16)), np.zeros((32, 16))])),
    # task 2
    Attempt(2, V, "Sequential", lambda: ex04.check_stacked_gru(stacked())),
    Attempt(2, V, "functional", lambda: ex04.check_stacked_gru(_functional())),
    Attempt(2, V, "three GRUs, objects in compile", lambda: ex04.check_stacked_gru(_three_grus())),
    Attempt(2, V, "Input(shape=(None, 8)): any length", lambda: ex04.check_stacked_gru(_any_length())),
    Attempt(2, V, "built lazily, no Input", lambda: ex04.check_stacked_gru(_lazy())),
    Attempt(2, M, "sigmoid head on a regression", lambda: ex04.check_stacked_gru(
        _lazy(head=keras.layers.Dense(1, activation="sigmoid"))), "linear"),
    Attempt(2, M, "relu head", lambda: ex04.check_stacked_gru(
        _lazy(head=keras.layers.Dense(1, activation="relu"))), "linear"),
    Attempt(2, M, "Dropout(0.0) drops nothing", lambda: ex04.check_stacked_gru(_lazy(rate=0.0)),
            "rate 0"),
    Attempt(2, M, "lazy model fed 5 features", lambda: ex04.check_stacked_gru(
        _built_on(5)), "keras.Input"),
    Attempt(2, M, "SGD instead of Adam", lambda: ex04.check_stacked_gru(_functional(optimizer="sgd")),
            "Adam"),
    Attempt(2, M, "MAE loss", lambda: ex04.check_stacked_gru(_functional(loss="mae")), "mean squared"),
    Attempt(2, M, "wrong Input shape", lambda: ex04.check_stacked_gru(_functional(input_shape=(8, 10))),
            "keras.Input"),
    Attempt(2, M, "first GRU without sequences", lambda: ex04.check_stacked_gru(
        stacked(first_sequences=False)), "GRU"),
    Attempt(2, M, "no recurrent dropout", lambda: ex04.check_stacked_gru(
        stacked(recurrent_dropout=0.0)), "recurrent_dropout"),
    Attempt(2, M, "Dense(8) head", lambda: ex04.check_stacked_gru(stacked(head_units=8)), "Dense(1)"),
    Attempt(2, M, "not compiled", lambda: ex04.check_stacked_gru(stacked(compiled=False)), "compile"),
    Attempt(2, J, "placeholder", lambda: ex04.check_stacked_gru(...), status=NOT_ATTEMPTED),
    Attempt(2, J, "a list of layers", lambda: ex04.check_stacked_gru([keras.layers.GRU(4)])),
    Attempt(2, J, "a string", lambda: ex04.check_stacked_gru("model")),
    # task 3
    Attempt(3, V, "tuples and int", lambda: ex04.check_bidirectional((32, 10, 32), (32, 10, 16), 2496)),
    Attempt(3, V, "lists and numpy int", lambda: ex04.check_bidirectional(
        [32, 10, 32], [32, 10, 16], np.int64(2496))),
    Attempt(3, V, "TensorShapes and float", lambda: ex04.check_bidirectional(
        keras.layers.Bidirectional(keras.layers.GRU(16, return_sequences=True))(X04).shape,
        keras.layers.Bidirectional(keras.layers.GRU(16, return_sequences=True), merge_mode="sum")(X04).shape,
        2496.0)),
    Attempt(3, M, "shapes swapped", lambda: ex04.check_bidirectional((32, 10, 16), (32, 10, 32), 2496),
            "swapped"),
    Attempt(3, M, "one GRU's weights", lambda: ex04.check_bidirectional((32, 10, 32), (32, 10, 16), 1248),
            "second copy"),
    Attempt(3, M, "no time axis", lambda: ex04.check_bidirectional((32, 32), (32, 16), 2496), "time axis"),
    Attempt(3, M, "both layers counted", lambda: ex04.check_bidirectional(
        (32, 10, 32), (32, 10, 16), 4992), "both"),
    Attempt(3, J, "placeholders", lambda: ex04.check_bidirectional(..., ..., ...), status=NOT_ATTEMPTED),
    Attempt(3, J, "strings", lambda: ex04.check_bidirectional("a", "b", "c")),
    Attempt(3, J, "count as text", lambda: ex04.check_bidirectional((32, 10, 32), (32, 10, 16), "2496")),
    # task 4
    Attempt(4, V, "numpy", lambda: _task4()),
    Attempt(4, V, "tensors, tensor boolean", lambda: _task4(tensors=True)),
    Attempt(4, V, "np.isclose style", lambda: _task4(same=None, diff=lambda s, h, c: np.abs(s[:, -1, :] - h).max())),
    Attempt(4, M, "compared with c", lambda: _task4(diff=lambda s, h, c: float(np.max(np.abs(s[:, -1] - c)))),
            "carry"),
    Attempt(4, M, "compared the first step", lambda: _task4(diff=lambda s, h, c: float(np.max(np.abs(s[:, 0] - h)))),
            "FIRST"),
    Attempt(4, M, "same written False", lambda: _task4(same=False), "True"),
    Attempt(4, M, "NaN difference", lambda: _task4(diff=lambda s, h, c: float("nan"), same=True), "nan"),
    Attempt(4, M, "sequence from another layer", lambda: _task4(sequence_from="second_call"), "same call"),
    Attempt(4, J, "placeholders", lambda: ex04.check_last_step(..., ..., ..., ..., ...), status=NOT_ATTEMPTED),
    Attempt(4, J, "strings", lambda: ex04.check_last_step("s", "h", "c", "0", "yes")),
    Attempt(4, J, "same as text", lambda: _task4(same="True")),
    # task 5: return_sequences of LSTM(32) -> GRU(16) -> LSTM(8) -> Dense(1)
    Attempt(5, V, "list of bools", lambda: ex04.check_stack_flags([True, True, False])),
    Attempt(5, V, "tuple", lambda: ex04.check_stack_flags((True, True, False))),
    Attempt(5, V, "numpy bool array", lambda: ex04.check_stack_flags(np.array([True, True, False]))),
    Attempt(5, V, "numpy bools in a list", lambda: ex04.check_stack_flags([np.True_, np.True_, np.False_])),
    Attempt(5, M, "all False (the default)", lambda: ex04.check_stack_flags([False, False, False]), "ndim=3"),
    Attempt(5, M, "all True", lambda: ex04.check_stack_flags([True, True, True]), "one number per step"),
    Attempt(5, M, "only the first", lambda: ex04.check_stack_flags([True, False, False]), "layer 2, GRU(16)"),
    Attempt(5, M, "only the last two", lambda: ex04.check_stack_flags([False, True, False]), "layer 1, LSTM(32)"),
    Attempt(5, M, "Dense counted", lambda: ex04.check_stack_flags([True, True, False, False]), "Dense(1)"),
    Attempt(5, J, "placeholder", lambda: ex04.check_stack_flags(...), status=NOT_ATTEMPTED),
    Attempt(5, J, "text", lambda: ex04.check_stack_flags("True, True, False")),
    Attempt(5, V, "ones and zeros", lambda: ex04.check_stack_flags([1, 1, 0])),
    Attempt(5, J, "Nones", lambda: ex04.check_stack_flags([None, None, None]), "True/False"),
    Attempt(5, J, "a dict", lambda: ex04.check_stack_flags({"LSTM": True})),
    # task 6: leak / legal / useful for a Bidirectional layer in four setups
    Attempt(6, V, "the rubric", lambda: ex04.check_bidirectional_verdicts(dict(RUBRIC))),
    Attempt(6, V, "capitals and spaces", lambda: ex04.check_bidirectional_verdicts(
        {k: f" {v.upper()} " for k, v in RUBRIC.items()})),
    Attempt(6, V, "another order, NumPy strings", lambda: ex04.check_bidirectional_verdicts(
        {k: np.str_(RUBRIC[k]) for k in reversed(list(RUBRIC))})),
    Attempt(6, M, "the leak called useful (validation looks great)", lambda: ex04.check_bidirectional_verdicts(
        {**RUBRIC, "every_step": "useful"}), "a leak"),
    Attempt(6, M, "the leak called legal", lambda: ex04.check_bidirectional_verdicts(
        {**RUBRIC, "every_step": "legal"}), "copy its answer"),
    Attempt(6, M, "every bidirectional layer leaks", lambda: ex04.check_bidirectional_verdicts(
        dict.fromkeys(RUBRIC, "leak")), "nothing from the future"),
    Attempt(6, M, "the window called useful", lambda: ex04.check_bidirectional_verdicts(
        {**RUBRIC, "window": "useful"}), "no new one"),
    Attempt(6, M, "the gap only legal", lambda: ex04.check_bidirectional_verdicts(
        {**RUBRIC, "gap": "legal"}), "after it"),
    Attempt(6, M, "the encoder leaks", lambda: ex04.check_bidirectional_verdicts(
        {**RUBRIC, "encoder": "leak"}), "only the past window"),
    Attempt(6, M, "a setup missing", lambda: ex04.check_bidirectional_verdicts(
        {k: v for k, v in RUBRIC.items() if k != "gap"}), "'gap'"),
    Attempt(6, J, "placeholder", lambda: ex04.check_bidirectional_verdicts(...), status=NOT_ATTEMPTED),
    Attempt(6, J, "the exercise's stub", lambda: ex04.check_bidirectional_verdicts(
        dict.fromkeys(RUBRIC, ...)), status=NOT_ATTEMPTED),
    Attempt(6, J, "half filled in", lambda: ex04.check_bidirectional_verdicts(
        {**dict.fromkeys(RUBRIC, ...), "gap": "useful"}), "one of"),
    Attempt(6, J, "booleans", lambda: ex04.check_bidirectional_verdicts(dict.fromkeys(RUBRIC, True)), "one of"),
    Attempt(6, J, "a list", lambda: ex04.check_bidirectional_verdicts(list(RUBRIC.values()))),
    # task 7: a forecaster for every step that reads no future value
    Attempt(7, V, "GRU + Dense", lambda: ex04.check_causal_model(_causal(keras.layers.GRU(8, return_sequences=True)))),
    Attempt(7, V, "stacked LSTMs", lambda: ex04.check_causal_model(_causal(
        keras.layers.LSTM(8, return_sequences=True), keras.layers.LSTM(4, return_sequences=True)))),
    Attempt(7, V, "causal convolution, then SimpleRNN", lambda: ex04.check_causal_model(_causal(
        keras.layers.Conv1D(4, 3, padding="causal"), keras.layers.SimpleRNN(8, return_sequences=True)))),
    Attempt(7, V, "functional API, compiled and trained", lambda: ex04.check_causal_model(_functional_trained())),
    Attempt(7, M, "the leak: Bidirectional", lambda: ex04.check_causal_model(_causal(
        keras.layers.Bidirectional(keras.layers.GRU(8, return_sequences=True)))), "its own target"),
    Attempt(7, M, "the leak: a Bidirectional layer after a GRU", lambda: ex04.check_causal_model(_causal(
        keras.layers.GRU(8, return_sequences=True),
        keras.layers.Bidirectional(keras.layers.SimpleRNN(4, return_sequences=True)))), "Bidirectional"),
    Attempt(7, M, "the leak: Conv1D padding='same'", lambda: ex04.check_causal_model(_causal(
        keras.layers.Conv1D(4, 3, padding="same"), keras.layers.GRU(8, return_sequences=True))), "padding='same'"),
    Attempt(7, M, "the leak: go_backwards", lambda: ex04.check_causal_model(_causal(
        keras.layers.GRU(8, return_sequences=True, go_backwards=True))), "a leak"),
    Attempt(7, M, "one forecast per window", lambda: ex04.check_causal_model(_causal(keras.layers.GRU(8))),
            "return_sequences=True"),
    Attempt(7, M, "Dense only: no memory", lambda: ex04.check_causal_model(_causal(keras.layers.Dense(8))),
            "no memory"),
    Attempt(7, M, "wrong input shape", lambda: ex04.check_causal_model(keras.Sequential([
        keras.Input((16, 2)), keras.layers.GRU(8, return_sequences=True), keras.layers.Dense(1)])), "(16, 1)"),
    Attempt(7, M, "two outputs per step", lambda: ex04.check_causal_model(keras.Sequential([
        keras.Input((16, 1)), keras.layers.GRU(8, return_sequences=True), keras.layers.Dense(2)])), "(2, 16, 1)"),
    Attempt(7, J, "placeholder", lambda: ex04.check_causal_model(...), status=NOT_ATTEMPTED),
    Attempt(7, J, "a layer, not a model", lambda: ex04.check_causal_model(keras.layers.GRU(8)), "Keras model"),
    Attempt(7, J, "a string", lambda: ex04.check_causal_model("GRU")),
]

RUBRIC = {"window": "legal", "every_step": "leak", "gap": "useful", "encoder": "legal"}


def _causal(*layers):
    return keras.Sequential([keras.Input((16, 1)), *layers, keras.layers.Dense(1)])


def _functional_trained():
    inputs = keras.Input((16, 1))
    outputs = keras.layers.Dense(1)(keras.layers.GRU(4, return_sequences=True)(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).normal(size=(8, 17, 1)).astype("float32")
    model.fit(x[:, :-1], x[:, 1:], epochs=1, verbose=0)
    return model


def test_future_reach_sees_the_leak_and_only_the_leak():
    """future_reach is zero above the step for a one-directional layer, non-zero for Bidirectional."""
    keras.utils.set_random_seed(0)
    forward = _causal(keras.layers.GRU(4, return_sequences=True))
    reach = ex04.future_reach(forward)
    assert reach.shape == (16, 16)
    assert np.all(np.tril(reach, k=-1) == 0) and np.all(np.diagonal(reach) > 0)
    both = _causal(keras.layers.Bidirectional(keras.layers.GRU(4, return_sequences=True)))
    assert np.all(np.diagonal(ex04.future_reach(both), offset=-1) > 0)


@pytest.mark.parametrize("attempt", TABLE04, ids=ids(TABLE04))
def test_attempt_table(attempt):
    assert judge(attempt) is None, judge(attempt)


def test_table_covers_every_task():
    assert too_thin(TABLE04) == {}
