"""Exercise 03's checks: LSTM step, GRU step, parameter counts, the forget-gate bias."""

from __future__ import annotations

import helpers  # noqa: F401  (sets the Keras backend before keras is imported)
from helpers.checks import CORRECT, NOT_ATTEMPTED, WRONG
from helpers.checks import ex03_lstm_gru_cells as ex03

import keras
import numpy as np
import pytest


def stub(*args, **kwargs):
    return ...


JUNK = [None, ..., 3, "text", [1, 2], {"a": 1}, np.zeros(3), object(), lambda *a: 1 / 0]


def sig(z):
    return 0.5 * (1 + np.tanh(z / 2))  # the logistic function, written differently


# --- independent reference answers, with switches for the usual mistakes ---

def lstm(x, h, c, W, U, b, order="ifco", gate=sig, forget=True, squash_c=True):
    n = U.shape[0]
    z = x @ W + h @ U + b
    block = {name: z[:, k * n : (k + 1) * n] for k, name in enumerate(order)}
    i, f, o = gate(block["i"]), gate(block["f"]), gate(block["o"])
    new_c = (f * c if forget else c) + i * np.tanh(block["c"])
    return o * (np.tanh(new_c) if squash_c else new_c), new_c


def gru(x, h, W, U, b, reset_after=True, reversed_mix=False):
    n = U.shape[0]
    xz, xr, xh = (x @ W[:, k * n : (k + 1) * n] + b[0, k * n : (k + 1) * n] for k in range(3))
    hz, hr = (h @ U[:, k * n : (k + 1) * n] + b[1, k * n : (k + 1) * n] for k in range(2))
    z, r = sig(xz + hz), sig(xr + hr)
    Uh, bh = U[:, 2 * n :], b[1, 2 * n :]
    cand = np.tanh(xh + r * (h @ Uh + bh)) if reset_after else np.tanh(xh + (r * h) @ Uh + bh)
    return (1 - z) * h + z * cand if reversed_mix else z * h + (1 - z) * cand


# --- task 1 ---

def test_task1_lstm_step():
    assert ex03.check_lstm_step(lstm).status == CORRECT
    assert ex03.check_lstm_step(...).status == NOT_ATTEMPTED
    assert ex03.check_lstm_step(stub).status == NOT_ATTEMPTED
    order = ex03.check_lstm_step(lambda *a: lstm(*a, order="icfo"))
    assert order.status == WRONG and "wrong order" in order.message and "i, c, f, o" in order.message
    no_forget = ex03.check_lstm_step(lambda *a: lstm(*a, forget=False))
    assert no_forget.status == WRONG and "forget gate" in no_forget.message
    tanh_gates = ex03.check_lstm_step(lambda *a: lstm(*a, gate=np.tanh))
    assert tanh_gates.status == WRONG and "gates use tanh" in tanh_gates.message
    no_squash = ex03.check_lstm_step(lambda *a: lstm(*a, squash_c=False))
    assert no_squash.status == WRONG and "missing the tanh" in no_squash.message
    swapped = ex03.check_lstm_step(lambda *a: lstm(*a)[::-1])
    assert swapped.status == WRONG and "swapped" in swapped.message
    only_h = ex03.check_lstm_step(lambda *a: lstm(*a)[0])
    assert only_h.status == WRONG and "return h, c" in only_h.message


# --- task 2 ---

def test_task2_gru_step():
    assert ex03.check_gru_step(gru).status == CORRECT
    assert ex03.check_gru_step(...).status == NOT_ATTEMPTED
    assert ex03.check_gru_step(stub).status == NOT_ATTEMPTED
    before = ex03.check_gru_step(lambda *a: gru(*a, reset_after=False))
    assert before.status == WRONG and "before the matrix product" in before.message
    mix = ex03.check_gru_step(lambda *a: gru(*a, reversed_mix=True))
    assert mix.status == WRONG and "z and 1 - z are swapped" in mix.message
    pair = ex03.check_gru_step(lambda *a: (gru(*a), gru(*a)))
    assert pair.status == WRONG and "only the new state" in pair.message
    shape = ex03.check_gru_step(lambda *a: gru(*a).T)
    assert shape.status == WRONG and "shape" in shape.message


# --- task 3 ---

def good_count(kind, features, units):
    per_block = units * units + features * units + units
    return {"SimpleRNN": per_block, "LSTM": 4 * per_block, "GRU": 3 * (per_block + units)}[kind]


def test_task3_param_count():
    assert ex03.check_param_count(good_count).status == CORRECT
    assert ex03.check_param_count(...).status == NOT_ATTEMPTED
    assert ex03.check_param_count(stub).status == NOT_ATTEMPTED
    no_bias = ex03.check_param_count(lambda k, f, u: good_count(k, f, u) - u * (3 if k == "GRU" else 1))
    assert no_bias.status == WRONG and "bias is missing" in no_bias.message

    def gru_reset_before(kind, f, u):
        return 3 * u * (u + f + 1) if kind == "GRU" else good_count(kind, f, u)

    old_gru = ex03.check_param_count(gru_reset_before)
    assert old_gru.status == WRONG and "reset_after=False" in old_gru.message
    swapped = ex03.check_param_count(lambda k, f, u: good_count(k, u, f))
    assert swapped.status == WRONG and "swapped" in swapped.message
    no_gru = ex03.check_param_count(lambda k, f, u: good_count(k, f, u) if k != "GRU" else None)
    assert no_gru.status == WRONG and "return" in no_gru.message
    text = ex03.check_param_count(lambda k, f, u: str(good_count(k, f, u)))
    assert text.status == WRONG and "whole number" in text.message


def test_task3_reference_is_keras():
    assert ex03.keras_param_count("GRU", 3, 16) == 3 * 16 * (16 + 3 + 2)


# --- task 4 ---

def lstm_layer(units=8, features=2, blocks=None, set_back=True):
    layer = keras.layers.LSTM(units)
    layer.build((None, None, features))
    kernel, recurrent, bias = layer.get_weights()
    changed = bias.copy()
    for block in blocks or []:
        changed[block * units : (block + 1) * units] = 3.0
    if set_back:
        layer.set_weights([kernel, recurrent, changed])
    return layer


def test_task4_forget_gate():
    assert ex03.check_opened_forget_gate(lstm_layer(blocks=[1])).status == CORRECT
    assert ex03.check_opened_forget_gate(...).status == NOT_ATTEMPTED
    input_gate = ex03.check_opened_forget_gate(lstm_layer(blocks=[0]))
    assert input_gate.status == WRONG and "opened the input gate" in input_gate.message
    output_gate = ex03.check_opened_forget_gate(lstm_layer(blocks=[3]))
    assert output_gate.status == WRONG and "output gate" in output_gate.message
    everything = ex03.check_opened_forget_gate(lstm_layer(blocks=[0, 1, 2, 3]))
    assert everything.status == WRONG and "every block" in everything.message
    not_set = ex03.check_opened_forget_gate(lstm_layer(blocks=[1], set_back=False))
    assert not_set.status == WRONG and "set_weights" in not_set.message
    too_much = ex03.check_opened_forget_gate(lstm_layer(blocks=[1, 2]))
    assert too_much.status == WRONG and "candidate bias changed too" in too_much.message
    unbuilt = ex03.check_opened_forget_gate(keras.layers.LSTM(8))
    assert unbuilt.status == WRONG and "no weights yet" in unbuilt.message
    gru_layer = ex03.check_opened_forget_gate(keras.layers.GRU(8))
    assert gru_layer.status == WRONG and "keras.layers.LSTM" in gru_layer.message


# --- robustness ---

@pytest.mark.parametrize("junk", JUNK, ids=lambda j: type(j).__name__)
def test_no_check_raises_on_junk(junk):
    verdicts = [
        ex03.check_lstm_step(junk),
        ex03.check_gru_step(junk),
        ex03.check_param_count(junk),
        ex03.check_opened_forget_gate(junk),
        ex03.check_half_life(junk),
        ex03.check_seed_comparison(junk, junk),
        ex03.check_seed_comparison({("LSTM", 1): junk}, {"LSTM": junk}),
    ]
    for verdict in verdicts:
        assert verdict.status in (NOT_ATTEMPTED, WRONG)


# --- attempt tables: valid answers, realistic mistakes, junk ---

from helpers.checks.attempts import JUNK as J  # noqa: E402
from helpers.checks.attempts import MISTAKE as M  # noqa: E402
from helpers.checks.attempts import VALID as V  # noqa: E402
from helpers.checks.attempts import Attempt, ids, judge, too_thin  # noqa: E402


def _lstm_split(x, h, c, W, U, b):
    z = np.dot(x, W) + np.dot(h, U) + b
    i, f, g, o = np.split(z, 4, axis=1)
    c_new = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c_new), c_new


def _lstm_keras_ops(x, h, c, W, U, b):
    z = keras.ops.matmul(x, W) + keras.ops.matmul(h, U) + b
    i, f, g, o = keras.ops.split(z, 4, axis=-1)
    c_new = keras.ops.sigmoid(f) * c + keras.ops.sigmoid(i) * keras.ops.tanh(g)
    return [keras.ops.sigmoid(o) * keras.ops.tanh(c_new), c_new]


def _lstm_no_return(x, h, c, W, U, b):
    lstm(x, h, c, W, U, b)


def _gru_loops(x, h, W, U, b):
    n = U.shape[0]
    parts = [x @ W[:, k * n:(k + 1) * n] + b[0, k * n:(k + 1) * n] for k in range(3)]
    rec = [h @ U[:, k * n:(k + 1) * n] + b[1, k * n:(k + 1) * n] for k in range(3)]
    z = sig(parts[0] + rec[0])
    r = sig(parts[1] + rec[1])
    return h * z + (1 - z) * np.tanh(parts[2] + r * rec[2])


def _gru_float32(x, h, W, U, b):
    x, h, W, U, b = (np.asarray(a, dtype="float32") for a in (x, h, W, U, b))
    return gru(x, h, W, U, b)


def _count_dict(kind, features, units):
    gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[kind]
    biases = 2 if kind == "GRU" else 1
    return gates * (units * units + units * features + biases * units)


def _count_keras(kind, features, units):
    layer = getattr(keras.layers, kind)(units)
    layer.build((None, None, features))
    return layer.count_params()


def _count_weights(kind, features, units):
    layer = getattr(keras.layers, kind)(units)
    layer.build((None, None, features))
    return sum(int(np.prod(w.shape)) for w in layer.weights)


def _count_no_return(kind, features, units):
    _count_dict(kind, features, units)


TABLE03 = [
    Attempt(1, V, "independent reference", lambda: ex03.check_lstm_step(lstm)),
    Attempt(1, V, "np.split", lambda: ex03.check_lstm_step(_lstm_split)),
    Attempt(1, V, "keras.ops, returns a list", lambda: ex03.check_lstm_step(_lstm_keras_ops)),
    Attempt(1, M, "forgot return", lambda: ex03.check_lstm_step(_lstm_no_return), "return"),
    Attempt(1, M, "gate order i, f, o, c", lambda: ex03.check_lstm_step(
        lambda *a: lstm(*a, order="ifoc"))),
    Attempt(1, M, "forget gate unused", lambda: ex03.check_lstm_step(
        lambda *a: lstm(*a, forget=False))),
    Attempt(1, M, "h without tanh(c)", lambda: ex03.check_lstm_step(
        lambda *a: lstm(*a, squash_c=False))),
    Attempt(1, M, "returns only h", lambda: ex03.check_lstm_step(lambda *a: lstm(*a)[0]), "two"),
    Attempt(1, J, "placeholder", lambda: ex03.check_lstm_step(stub), status=NOT_ATTEMPTED),
    Attempt(1, J, "a string", lambda: ex03.check_lstm_step("lstm")),
    Attempt(1, J, "crashes", lambda: ex03.check_lstm_step(lambda *a: a[10])),
    # task 2
    Attempt(2, V, "independent reference", lambda: ex03.check_gru_step(gru)),
    Attempt(2, V, "lists of blocks", lambda: ex03.check_gru_step(_gru_loops)),
    Attempt(2, V, "float32", lambda: ex03.check_gru_step(_gru_float32)),
    Attempt(2, M, "forgot return", lambda: ex03.check_gru_step(lambda *a: None), "return"),
    Attempt(2, M, "reset before the product", lambda: ex03.check_gru_step(
        lambda *a: gru(*a, reset_after=False))),
    Attempt(2, M, "mix the wrong way round", lambda: ex03.check_gru_step(
        lambda *a: gru(*a, reversed_mix=True))),
    Attempt(2, M, "one bias row for both parts", lambda: ex03.check_gru_step(
        lambda x, h, W, U, b: gru(x, h, W, U, np.stack([b[0], b[0]])))),
    Attempt(2, J, "placeholder", lambda: ex03.check_gru_step(...), status=NOT_ATTEMPTED),
    Attempt(2, J, "a number", lambda: ex03.check_gru_step(1.0)),
    Attempt(2, J, "returns a string", lambda: ex03.check_gru_step(lambda *a: "h")),
    # task 3
    Attempt(3, V, "formula", lambda: ex03.check_param_count(good_count)),
    Attempt(3, V, "dict of gates", lambda: ex03.check_param_count(_count_dict)),
    Attempt(3, M, "asked Keras (count_params) instead of the formula", lambda: ex03.check_param_count(
        _count_keras), "formula"),
    Attempt(3, M, "summed a built layer's weights", lambda: ex03.check_param_count(_count_weights),
            "formula"),
    Attempt(3, V, "formula with numpy ints", lambda: ex03.check_param_count(
        lambda k, f, u: np.int64(good_count(k, f, u)))),
    Attempt(3, M, "forgot return", lambda: ex03.check_param_count(_count_no_return), "return"),
    Attempt(3, M, "no bias", lambda: ex03.check_param_count(
        lambda k, f, u: good_count(k, f, u) - u * (3 if k == "GRU" else 1)), "bias"),
    Attempt(3, M, "one GRU bias row", lambda: ex03.check_param_count(
        lambda k, f, u: 3 * u * (u + f + 1) if k == "GRU" else good_count(k, f, u)), "reset_after"),
    Attempt(3, M, "features and units swapped", lambda: ex03.check_param_count(
        lambda k, f, u: good_count(k, u, f)), "swapped"),
    Attempt(3, M, "LSTM counted as 3 blocks", lambda: ex03.check_param_count(
        lambda k, f, u: 3 * u * (u + f + 1) if k == "LSTM" else good_count(k, f, u))),
    Attempt(3, J, "placeholder", lambda: ex03.check_param_count(stub), status=NOT_ATTEMPTED),
    Attempt(3, J, "returns text", lambda: ex03.check_param_count(lambda k, f, u: "many")),
    Attempt(3, J, "a dict", lambda: ex03.check_param_count({"LSTM": 4})),
    # task 4
    Attempt(4, V, "slice assignment", lambda: ex03.check_opened_forget_gate(lstm_layer(blocks=[1]))),
    Attempt(4, V, "called on an input to build", lambda: ex03.check_opened_forget_gate(_built_by_call())),
    Attempt(4, V, "reshape to (4, units)", lambda: ex03.check_opened_forget_gate(_opened_by_reshape())),
    Attempt(4, M, "16 units", lambda: ex03.check_opened_forget_gate(lstm_layer(units=16, blocks=[1])), "8"),
    Attempt(4, M, "3 input features", lambda: ex03.check_opened_forget_gate(
        lstm_layer(features=3, blocks=[1])), "feature"),
    Attempt(4, M, "opened the input gate", lambda: ex03.check_opened_forget_gate(
        lstm_layer(blocks=[0])), "input gate"),
    Attempt(4, M, "never set back", lambda: ex03.check_opened_forget_gate(
        lstm_layer(blocks=[1], set_back=False)), "set_weights"),
    Attempt(4, M, "a GRU", lambda: ex03.check_opened_forget_gate(keras.layers.GRU(8)), "LSTM"),
    Attempt(4, J, "placeholder", lambda: ex03.check_opened_forget_gate(...), status=NOT_ATTEMPTED),
    Attempt(4, J, "a number", lambda: ex03.check_opened_forget_gate(3.0)),
    Attempt(4, J, "an unbuilt layer", lambda: ex03.check_opened_forget_gate(keras.layers.LSTM(8))),
    # task 5: predict the half-life of the carry, sigma(3) = 0.9526 per step
    Attempt(5, V, "ln 0.5 / ln sigma(3)", lambda: ex03.check_half_life(np.log(0.5) / np.log(sig(3.0)))),
    Attempt(5, V, "rounded to 14", lambda: ex03.check_half_life(14)),
    Attempt(5, V, "whole steps until at or below half", lambda: ex03.check_half_life(
        int(np.argmax(sig(3.0) ** np.arange(40) <= 0.5)))),
    Attempt(5, V, "sigma(3) rounded to 0.95", lambda: ex03.check_half_life(np.log(0.5) / np.log(0.95))),
    Attempt(5, V, "log base 2", lambda: ex03.check_half_life(-1 / np.log2(sig(3.0)))),
    Attempt(5, M, "default forget bias 1", lambda: ex03.check_half_life(np.log(0.5) / np.log(sig(1.0))),
            "default"),
    Attempt(5, M, "1 - sigma(3)", lambda: ex03.check_half_life(np.log(0.5) / np.log(1 - sig(3.0))),
            "share forgotten"),
    Attempt(5, M, "ratio upside down", lambda: ex03.check_half_life(np.log(sig(3.0)) / np.log(0.5)),
            "upside down"),
    Attempt(5, M, "linear decay", lambda: ex03.check_half_life(0.5 / (1 - sig(3.0))), "fixed share"),
    Attempt(5, M, "time to 1/e", lambda: ex03.check_half_life(-1 / np.log(sig(3.0))), "1/e"),
    Attempt(5, M, "mean lifetime", lambda: ex03.check_half_life(1 / (1 - sig(3.0))), "mean lifetime"),
    Attempt(5, M, "a guess", lambda: ex03.check_half_life(30), "sigmoid(3)^n"),
    Attempt(5, J, "placeholder", lambda: ex03.check_half_life(...), status=NOT_ATTEMPTED),
    Attempt(5, J, "text", lambda: ex03.check_half_life("about 14")),
    Attempt(5, J, "a list", lambda: ex03.check_half_life([14, 15])),
    Attempt(5, J, "negative", lambda: ex03.check_half_life(-14.3), "positive"),
    # task 6: LSTM and GRU, three seeds each, on the memory task; mean and sd of the last-step R²
    Attempt(6, V, "(cell, seed) keys, sd with ddof=1", lambda: _task6()),
    Attempt(6, V, "nested dicts, sd with ddof=0", lambda: _task6(nested=True, ddof=0)),
    Attempt(6, V, "summary as dicts with mean and sd", lambda: _task6(as_dicts=True)),
    Attempt(6, V, "four seeds", lambda: _task6(seeds=(1, 2, 3, 4))),
    Attempt(6, M, "scored on the training sequences", lambda: _task6(score_on="train"), "training sequences"),
    Attempt(6, M, "one seed for every run", lambda: _task6(same_seed=True), "seed did not change"),
    Attempt(6, M, "one model object stored three times", lambda: _task6(same_object=True), "same LSTM model"),
    Attempt(6, M, "never trained", lambda: _task6(untrained=True), "never trained"),
    Attempt(6, M, "cells swapped in the keys", lambda: _task6(swap_cells=True), "has no LSTM layer"),
    Attempt(6, M, "two seeds", lambda: _task6(seeds=(1, 2)), "three different seeds"),
    Attempt(6, M, "mean squared error instead of R²", lambda: _task6(metric="mse"), "mean squared error"),
    Attempt(6, M, "R² over every step", lambda: _task6(metric="every_step"), "every step"),
    Attempt(6, M, "variance instead of sd", lambda: _task6(spread="var"), "variance"),
    Attempt(6, M, "(sd, mean)", lambda: _task6(order="sd_mean"), "(sd, mean)"),
    Attempt(6, M, "summary typed, not measured", lambda: _task6(summary={"LSTM": (0.9, 0.05), "GRU": (0.9, 0.05)}),
            "your 3 LSTM models score"),
    Attempt(6, J, "placeholders", lambda: ex03.check_seed_comparison(..., ...), status=NOT_ATTEMPTED),
    Attempt(6, J, "strings", lambda: ex03.check_seed_comparison("runs", "summary")),
    Attempt(6, J, "a list of models", lambda: ex03.check_seed_comparison([_trained("LSTM", 1)], {})),
    Attempt(6, J, "summary a number", lambda: _task6(summary=0.9), "dict"),
]

X_MEM, Y_MEM = ex03.memory_task(64, ex03.MEMORY_GAP, seed=0)
X_MEM_TEST, Y_MEM_TEST = ex03.memory_task(1000, ex03.MEMORY_GAP, seed=1)
_TRAINED = {}


def _trained(cell, seed, fit=True):
    """A small memory-task model (4 units, 2 epochs on 64 sequences), cached per cell, seed and fit."""
    key = (cell, seed, fit)
    if key not in _TRAINED:
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([keras.Input((ex03.MEMORY_GAP, 2)),
                                  getattr(keras.layers, cell)(4, return_sequences=True),
                                  keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
        if fit:
            model.fit(X_MEM, Y_MEM, epochs=2, batch_size=32, verbose=0)
        _TRAINED[key] = model
    return _TRAINED[key]


_SCORES = {}


def _score(model, metric, on):
    """The model's score, computed once per model, metric and data (the models never change)."""
    key = (id(model), metric, on)
    if key not in _SCORES:
        _SCORES[key] = (model, _compute_score(model, metric, on))  # the model kept: ids stay unique
    return _SCORES[key][1]


def _compute_score(model, metric, on):
    x, y = (X_MEM, Y_MEM) if on == "train" else (X_MEM_TEST, Y_MEM_TEST)
    out = np.asarray(model(x), dtype="float64")
    if metric == "every_step":
        return float(np.mean(1 - np.mean((out - y) ** 2, axis=(0, 2)) / y[:, 0, 0].var()))
    r2 = ex03.last_step_r2(model, x, y)
    return (1 - r2) * y[:, -1, 0].var() if metric == "mse" else r2


def _task6(seeds=(1, 2, 3), nested=False, ddof=1, as_dicts=False, score_on="test", same_seed=False,
           same_object=False, untrained=False, swap_cells=False, metric="r2", spread="sd",
           order="mean_sd", summary=None):
    runs, made = {}, {}
    for cell in ("LSTM", "GRU"):
        for seed in seeds:
            model = _trained(cell, 1 if same_seed else seed, fit=not untrained)
            if same_object:
                model = made.setdefault(cell, model)
            if same_seed:  # a fresh model with the same seed: the same weights
                keras.utils.set_random_seed(1)
                model = keras.models.clone_model(_trained(cell, 1))
                model.set_weights(_trained(cell, 1).get_weights())
                model.compile(optimizer="adam", loss="mse")
                model.optimizer.iterations.assign(1)
            label = {"LSTM": "GRU", "GRU": "LSTM"}[cell] if swap_cells else cell
            if nested:
                runs.setdefault(label, {})[seed] = model
            else:
                runs[(label, seed)] = model
    if summary is None:
        summary = {}
        for cell in ("LSTM", "GRU"):
            models = runs[cell].values() if nested else [m for (c, _), m in runs.items() if c == cell]
            scores = [_score(m, metric, score_on) for m in models]
            sd = float(np.std(scores, ddof=ddof))
            pair = (float(np.mean(scores)), sd * sd if spread == "var" else sd)
            pair = pair[::-1] if order == "sd_mean" else pair
            summary[cell] = {"mean": pair[0], "sd": pair[1]} if as_dicts else pair
    return ex03.check_seed_comparison(runs, summary, X_MEM, Y_MEM)


def _built_by_call():
    layer = keras.layers.LSTM(8)
    layer(np.zeros((1, 5, 2), dtype="float32"))
    weights = layer.get_weights()
    weights[2][8:16] = 3
    layer.set_weights(weights)
    return layer


def _opened_by_reshape():
    layer = keras.layers.LSTM(8)
    layer.build((None, 10, 2))
    kernel, recurrent, bias = layer.get_weights()
    blocks = bias.reshape(4, 8)
    blocks[1] = 3.0
    layer.set_weights([kernel, recurrent, blocks.reshape(-1)])
    return layer


_ANSWERS, _REAL_ANSWERS = {}, ex03._answers


def _answers_once(model, x):
    """``ex03._answers``, computed once per model and input: the table's models never change
    after training, and task 6's check would otherwise run each of them eagerly, again, for
    every attempt. The model is kept with its answers, so its ``id`` is never reused."""
    key = (id(model), x.shape, hash(np.ascontiguousarray(x).tobytes()))
    if key not in _ANSWERS:
        _ANSWERS[key] = (model, _REAL_ANSWERS(model, x))
    return _ANSWERS[key][1].copy()


@pytest.mark.parametrize("attempt", TABLE03, ids=ids(TABLE03))
def test_attempt_table(attempt, monkeypatch):
    monkeypatch.setattr(ex03, "_answers", _answers_once)
    assert judge(attempt) is None, judge(attempt)


def test_table_covers_every_task():
    assert too_thin(TABLE03) == {}


def test_scores_by_cell_reads_both_forms_the_check_accepts():
    """The cell after task 6's check scores runs given as (cell, seed) keys or as nested dicts."""
    flat = {(cell, seed): _trained(cell, seed) for cell in ("LSTM", "GRU") for seed in (1, 2)}
    nested = {cell: {seed: _trained(cell, seed) for seed in (1, 2)} for cell in ("LSTM", "GRU")}
    a = ex03.scores_by_cell(flat, X_MEM_TEST, Y_MEM_TEST)
    b = ex03.scores_by_cell(nested, X_MEM_TEST, Y_MEM_TEST)
    assert a == b and set(a) == {"LSTM", "GRU"} and all(len(v) == 2 for v in a.values())
    assert a["LSTM"][0] == ex03.last_step_r2(_trained("LSTM", 1), X_MEM_TEST, Y_MEM_TEST)
