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
    assert no_gru.status == NOT_ATTEMPTED
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
    ]
    for verdict in verdicts:
        assert verdict.status in (NOT_ATTEMPTED, WRONG)
