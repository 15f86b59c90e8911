"""The self-check machinery and exercise 01's checks."""

from __future__ import annotations

from helpers import checks
from helpers.checks import CORRECT, NOT_ATTEMPTED, WRONG
from helpers.checks import ex01_rnn_basics as ex01

import numpy as np
import pytest

# --- reference answers (written independently of the solution notebook) ---

def good_step(x_t, h_prev, W, U, b):
    return np.tanh(x_t @ W + h_prev @ U + b)


def good_forward(inputs, W, U, b, return_sequences=False):
    h = np.zeros((inputs.shape[0], W.shape[1]))
    seq = []
    for t in range(inputs.shape[1]):
        h = good_step(inputs[:, t], h, W, U, b)
        seq.append(h)
    return np.stack(seq, 1) if return_sequences else h


def stub(*args, **kwargs):
    return ...


JUNK = [None, ..., 3, "text", [1, 2], {"a": 1}, np.zeros(3), object(), lambda *a: 1 / 0]


# --- core ---

def test_verdict_is_printed_logged_and_truthy(capsys):
    @checks.check("demo", 1)
    def ok(x):
        return "fine"

    verdict = ok(1)
    assert verdict and verdict.status == CORRECT
    assert "✅ Task 1 correct: fine" in capsys.readouterr().out
    checks.assert_all_correct("demo", 1)
    with pytest.raises(AssertionError, match=r"never checked: \[2\]"):
        checks.assert_all_correct("demo", 2)


def test_exceptions_inside_a_check_become_wrong_verdicts(capsys):
    @checks.check("demo", 1)
    def explode(x):
        raise KeyError("boom")

    verdict = explode(1)
    assert verdict.status == WRONG and "KeyError" in verdict.message
    with pytest.raises(AssertionError, match="checks failed"):
        checks.assert_all_correct("demo", 1)


def test_waiting(capsys):
    assert checks.waiting(3, 1, ...) is True
    assert "waiting for task 3" in capsys.readouterr().out
    assert checks.waiting(3, 1, np.zeros(2)) is False


def test_summary_counts(capsys):
    ex01.check_shapes((32, 10, 16), (32, 16))
    ex01.check_step(stub)
    verdicts = checks.summary(ex01.EXERCISE)
    assert [v.status for v in verdicts] == [NOT_ATTEMPTED, CORRECT]
    assert "1 of 2 checked tasks correct" in capsys.readouterr().out


def test_expect_shape_hints():
    with pytest.raises(checks.Wrong, match="transposed"):
        checks.expect_shape(np.zeros((5, 3)), (3, 5), "a")
    with pytest.raises(checks.Wrong, match="batch dimension"):
        checks.expect_shape(np.zeros(5), (3, 5), "a")
    with pytest.raises(checks.Wrong, match="reshape"):
        checks.expect_shape(np.zeros((15,)), (3, 5, 1), "a")


# --- exercise 01 ---

def test_task1_correct_placeholder_and_wrong_answers():
    assert ex01.check_step(good_step).status == CORRECT
    assert ex01.check_step(...).status == NOT_ATTEMPTED
    assert ex01.check_step(stub).status == NOT_ATTEMPTED
    no_tanh = ex01.check_step(lambda x, h, W, U, b: x @ W + h @ U + b)
    assert no_tanh.status == WRONG and "tanh" in no_tanh.message
    sigmoid = ex01.check_step(lambda x, h, W, U, b: 1 / (1 + np.exp(-(x @ W + h @ U + b))))
    assert sigmoid.status == WRONG and "sigmoid" in sigmoid.message
    no_bias = ex01.check_step(lambda x, h, W, U, b: np.tanh(x @ W + h @ U))
    assert no_bias.status == WRONG and "bias" in no_bias.message
    no_memory = ex01.check_step(lambda x, h, W, U, b: np.tanh(x @ W + b))
    assert no_memory.status == WRONG and "h_prev" in no_memory.message
    swapped = ex01.check_step(lambda x, h, W, U, b: np.tanh(x @ U + h @ W + b))
    assert swapped.status == WRONG and "raised" in swapped.message


def test_task2_correct_placeholder_and_wrong_answers():
    assert ex01.check_forward(good_forward).status == CORRECT
    assert ex01.check_forward(stub).status == NOT_ATTEMPTED
    always_seq = ex01.check_forward(lambda i, W, U, b, return_sequences=False:
                                    good_forward(i, W, U, b, True))
    assert always_seq.status == WRONG and "only the final state" in always_seq.message
    first = ex01.check_forward(lambda i, W, U, b, return_sequences=False:
                               good_forward(i, W, U, b, True)[:, 0] if not return_sequences
                               else good_forward(i, W, U, b, True))
    assert first.status == WRONG and "FIRST step" in first.message
    time_major = ex01.check_forward(lambda i, W, U, b, return_sequences=False:
                                    good_forward(i, W, U, b, True).transpose(1, 0, 2)
                                    if return_sequences else good_forward(i, W, U, b))
    assert time_major.status == WRONG and "axis=1" in time_major.message


def _built_layer(W, U, b, weights=None):
    import keras

    layer = keras.layers.SimpleRNN(W.shape[1], return_sequences=True)
    layer(np.zeros((1, 2, W.shape[0]), dtype="float32"))
    layer.set_weights(weights if weights is not None else [W, U, b])
    return layer


def test_task3_correct_placeholder_and_wrong_answers():
    rng = np.random.default_rng(0)
    W, U, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), rng.normal(size=4)
    W, U, b = (a.astype("float32") for a in (W, U, b))
    assert ex01.check_keras_match(_built_layer(W, U, b), W, U, b, 3e-7).status == CORRECT
    assert ex01.check_keras_match(..., W, U, b, ...).status == NOT_ATTEMPTED
    import keras

    unbuilt = ex01.check_keras_match(keras.layers.SimpleRNN(4), W, U, b, 0.0)
    assert unbuilt.status == WRONG and "no weights yet" in unbuilt.message
    fresh = _built_layer(W, U, b, weights=None)
    fresh.set_weights([W * 2, U, b])
    not_set = ex01.check_keras_match(fresh, W, U, b, 0.0)
    assert not_set.status == WRONG and "set_weights" in not_set.message
    big_diff = ex01.check_keras_match(_built_layer(W, U, b), W, U, b, 0.3)
    assert big_diff.status == WRONG and "disagree" in big_diff.message
    wrong_type = ex01.check_keras_match(keras.layers.Dense(4), W, U, b, 0.0)
    assert wrong_type.status == WRONG and "SimpleRNN" in wrong_type.message


def test_task4_correct_placeholder_and_wrong_answers():
    assert ex01.check_shapes((32, 10, 16), (32, 16)).status == CORRECT
    assert ex01.check_shapes([32, 10, 16], np.array([32, 16])).status == CORRECT
    assert ex01.check_shapes(..., (32, 16)).status == NOT_ATTEMPTED
    swapped = ex01.check_shapes((32, 16), (32, 10, 16))
    assert swapped.status == WRONG and "swapped" in swapped.message
    no_batch = ex01.check_shapes((10, 16), (32, 16))
    assert no_batch.status == WRONG and "batch dimension" in no_batch.message
    features = ex01.check_shapes((32, 10, 8), (32, 8))
    assert features.status == WRONG and "units" in features.message


@pytest.mark.parametrize("junk", JUNK, ids=lambda j: type(j).__name__)
def test_no_check_raises_on_junk(junk):
    verdicts = [
        ex01.check_step(junk),
        ex01.check_forward(junk),
        ex01.check_keras_match(junk, junk, junk, junk, junk),
        ex01.check_shapes(junk, junk),
    ]
    for verdict in verdicts:
        assert verdict.status in (NOT_ATTEMPTED, WRONG)
