"""The self-check machinery and exercise 01's checks."""

from __future__ import annotations

from helpers import checks
from helpers.checks import CORRECT, NOT_ATTEMPTED, WRONG
from helpers.checks import ex01_rnn_basics as ex01
from helpers.checks.attempts import JUNK as J
from helpers.checks.attempts import MISTAKE as M
from helpers.checks.attempts import VALID as V
from helpers.checks.attempts import Attempt, ids, judge, too_thin

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
    with pytest.raises(checks.Wrong, match=r"missing the batch dimension at the front: the batch size, 3,"):
        checks.expect_shape(np.zeros((4, 5)), (3, 4, 5), "a")


def test_batch_dimension_hint_is_one_sentence_for_every_check():
    hint = checks.batch_dimension_hint
    assert hint([10, 16], (32, 10, 16), subject="`s` = (10, 16)") == (
        "`s` = (10, 16) is missing the batch dimension at the front: the batch size, 32, comes first.")
    assert hint((10,), (32, 10)).startswith("It is missing the batch dimension")
    assert hint((16, 10), (32, 10, 16)) == "One dimension is missing (the batch dimension?)."
    assert hint((32, 10, 16), (32, 10, 16)) == ""
    assert hint((10, 16, 1), (32, 10, 16)) == ""  # one too many, not one too few
    assert hint((), (32,)) == "It is missing the batch dimension at the front: the batch size, 32, comes first."
    assert hint((), ()) == ""
    # exercises 01 and 04 say it with the same sentence
    assert ex01.check_shapes((10, 16), (32, 16)).message.endswith(hint((10, 16), (32, 10, 16), "`shape_sequences` = (10, 16)"))


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


# --- exercise 01: attempt tables (valid answers, realistic mistakes, junk) ---



def _step_dot(x, h, W, U, b):
    return np.tanh(np.dot(x, W) + np.dot(h, U) + b)


def _step_tf(x, h, W, U, b):
    import tensorflow as tf

    return tf.tanh(tf.matmul(x, W) + tf.matmul(h, U) + b)


def _step_float32(x, h, W, U, b):
    x, h, W, U, b = (np.asarray(a, dtype="float32") for a in (x, h, W, U, b))
    return np.tanh(b + h @ U + x @ W)


def _step_print(x, h, W, U, b):
    print(np.tanh(x @ W + h @ U + b))


def _forward_list(inputs, W, U, b, return_sequences=False):
    h = np.zeros((len(inputs), U.shape[0]))
    states = []
    for x_t in np.transpose(inputs, (1, 0, 2)):
        h = good_step(x_t, h, W, U, b)
        states += [h]
    return np.array(states).transpose(1, 0, 2) if return_sequences else states[-1]


def _forward_prealloc(inputs, W, U, b, return_sequences=False):
    batch, time, _ = inputs.shape
    out = np.empty((batch, time, W.shape[1]))
    h = np.zeros((batch, W.shape[1]))
    for t in range(time):
        h = np.tanh(inputs[:, t] @ W + h @ U + b)
        out[:, t] = h
    if return_sequences:
        return out
    return out[:, -1]


def _forward_no_return(inputs, W, U, b, return_sequences=False):
    h = np.zeros((inputs.shape[0], W.shape[1]))
    for t in range(inputs.shape[1]):
        h = good_step(inputs[:, t], h, W, U, b)


def _forward_ones_state(inputs, W, U, b, return_sequences=False):
    h = np.ones((inputs.shape[0], W.shape[1]))
    seq = []
    for t in range(inputs.shape[1]):
        h = good_step(inputs[:, t], h, W, U, b)
        seq.append(h)
    return np.stack(seq, 1) if return_sequences else h


def _forward_fixed_step(inputs, W, U, b, return_sequences=False):
    h = np.zeros((inputs.shape[0], W.shape[1]))
    seq = []
    for _ in range(inputs.shape[1]):
        h = good_step(inputs[:, 0], h, W, U, b)   # always the first step's input
        seq.append(h)
    return np.stack(seq, 1) if return_sequences else h


_rng01 = np.random.default_rng(11)
IN01 = _rng01.normal(size=(4, 20, 3)).astype("float32")
W01 = _rng01.normal(scale=0.6, size=(3, 5)).astype("float32")
U01 = _rng01.normal(scale=0.4, size=(5, 5)).astype("float32")
B01 = np.zeros(5, dtype="float32")


def _task3(diff_of=None, layer=None, weights=None, sequences=True, value=None):
    """A student's task-3 cell: build, set weights, measure; `diff_of` picks what is compared."""
    import keras

    lay = layer or keras.layers.SimpleRNN(5, return_sequences=sequences)
    lay(IN01)
    lay.set_weights(weights or [W01, U01, B01])
    keras_out = np.asarray(lay(IN01))
    mine = good_forward(IN01, W01, U01, B01, return_sequences=sequences)
    diff = {
        None: lambda: float(np.max(np.abs(keras_out - mine))),
        "abs_max_method": lambda: np.abs(mine - keras_out).max(),
        "tensor": lambda: keras.ops.max(keras.ops.abs(lay(IN01) - mine)),
        "itself": lambda: float(np.max(np.abs(keras_out - np.asarray(lay(IN01))))),
        "signed": lambda: float(np.max(keras_out - mine) - 1e-3),
    }[diff_of]()
    return ex01.check_keras_match(lay, W01, U01, B01, diff if value is None else value, IN01)


TABLE01 = [
    # task 1
    Attempt(1, V, "textbook", lambda: ex01.check_step(good_step)),
    Attempt(1, V, "np.dot", lambda: ex01.check_step(_step_dot)),
    Attempt(1, V, "tensorflow ops", lambda: ex01.check_step(_step_tf)),
    Attempt(1, V, "float32 and reordered sum", lambda: ex01.check_step(_step_float32)),
    Attempt(1, M, "printed instead of returned", lambda: ex01.check_step(_step_print), "return"),
    Attempt(1, M, "no tanh", lambda: ex01.check_step(lambda x, h, W, U, b: x @ W + h @ U + b), "tanh"),
    Attempt(1, M, "relu", lambda: ex01.check_step(
        lambda x, h, W, U, b: np.maximum(0, x @ W + h @ U + b)), "relu"),
    Attempt(1, M, "no bias", lambda: ex01.check_step(lambda x, h, W, U, b: np.tanh(x @ W + h @ U)), "bias"),
    Attempt(1, M, "W and U swapped", lambda: ex01.check_step(
        lambda x, h, W, U, b: np.tanh(x @ U + h @ W + b)), "shapes"),
    Attempt(1, J, "placeholder", lambda: ex01.check_step(stub), status=NOT_ATTEMPTED),
    Attempt(1, J, "a string", lambda: ex01.check_step("tanh")),
    Attempt(1, J, "crashes", lambda: ex01.check_step(lambda *a: 1 / 0)),
    # task 2
    Attempt(2, V, "loop and stack", lambda: ex01.check_forward(good_forward)),
    Attempt(2, V, "time-major loop, transposed", lambda: ex01.check_forward(_forward_list)),
    Attempt(2, V, "preallocated array", lambda: ex01.check_forward(_forward_prealloc)),
    Attempt(2, M, "forgot return", lambda: ex01.check_forward(_forward_no_return), "return"),
    Attempt(2, M, "always every state", lambda: ex01.check_forward(
        lambda i, W, U, b, return_sequences=False: good_forward(i, W, U, b, True)), "final state"),
    Attempt(2, M, "state starts at ones", lambda: ex01.check_forward(_forward_ones_state)),
    Attempt(2, M, "always the first input", lambda: ex01.check_forward(_forward_fixed_step)),
    Attempt(2, M, "time axis first", lambda: ex01.check_forward(
        lambda i, W, U, b, return_sequences=False: good_forward(i, W, U, b, True).transpose(1, 0, 2)
        if return_sequences else good_forward(i, W, U, b)), "axis=1"),
    Attempt(2, J, "placeholder", lambda: ex01.check_forward(...), status=NOT_ATTEMPTED),
    Attempt(2, J, "a number", lambda: ex01.check_forward(3)),
    Attempt(2, J, "returns a string", lambda: ex01.check_forward(lambda *a, **k: "done")),
    # task 3
    Attempt(3, V, "solution", lambda: _task3()),
    Attempt(3, V, "abs().max() as numpy float32", lambda: _task3("abs_max_method")),
    Attempt(3, V, "a keras tensor", lambda: _task3("tensor")),
    Attempt(3, M, "typed 0.0", lambda: _task3(value=0.0), "exactly 0"),
    Attempt(3, M, "layer compared with itself", lambda: _task3("itself"), "itself"),
    Attempt(3, M, "set_weights never called", lambda: _task3(weights=_fresh_weights()),
            "set_weights"),
    Attempt(3, M, "return_sequences left False", lambda: _task3(sequences=False), "return_sequences"),
    Attempt(3, M, "typed a made-up tiny number", lambda: _task3(value=1e-12)),
    Attempt(3, J, "placeholders", lambda: ex01.check_keras_match(..., W01, U01, B01, ..., IN01),
            status=NOT_ATTEMPTED),
    Attempt(3, J, "a string difference", lambda: _task3(value="3e-7")),
    Attempt(3, J, "a list of differences", lambda: _task3(value=[1e-7, 2e-7])),
    # task 4
    Attempt(4, V, "tuples", lambda: ex01.check_shapes((32, 10, 16), (32, 16))),
    Attempt(4, V, "lists", lambda: ex01.check_shapes([32, 10, 16], [32, 16])),
    Attempt(4, V, "TensorShape and array", lambda: _shapes_from_keras()),
    Attempt(4, M, "swapped", lambda: ex01.check_shapes((32, 16), (32, 10, 16)), "swapped"),
    Attempt(4, M, "no batch", lambda: ex01.check_shapes((10, 16), (32, 16)), "batch"),
    Attempt(4, M, "features instead of units", lambda: ex01.check_shapes((32, 10, 8), (32, 8)), "units"),
    Attempt(4, M, "None batch from a model summary", lambda: ex01.check_shapes((None, 10, 16), (None, 16))),
    Attempt(4, J, "placeholder", lambda: ex01.check_shapes(..., ...), status=NOT_ATTEMPTED),
    Attempt(4, J, "strings", lambda: ex01.check_shapes("(32, 10, 16)", "(32, 16)")),
    Attempt(4, J, "numbers", lambda: ex01.check_shapes(32, 16)),
    # task 5: predict h_10 of SimpleRNN(1), w = 2, u = 0.7, after a pulse of 0.05 at step 1
    Attempt(5, V, "linear picture x w u^9", lambda: ex01.check_echo_prediction(0.05 * 2 * 0.7**9)),
    Attempt(5, V, "tanh(w x) u^9", lambda: ex01.check_echo_prediction(np.tanh(0.1) * 0.7**9)),
    Attempt(5, V, "looped by hand with the tanh", lambda: ex01.check_echo_prediction(_echo_by_loop())),
    Attempt(5, V, "rounded to 0.004", lambda: ex01.check_echo_prediction(0.004)),
    Attempt(5, V, "a NumPy scalar", lambda: ex01.check_echo_prediction(np.float32(0.1) * np.float32(0.7) ** 9)),
    Attempt(5, M, "u^10 (one step too many)", lambda: ex01.check_echo_prediction(0.1 * 0.7**10), "9 times"),
    Attempt(5, M, "u^8", lambda: ex01.check_echo_prediction(0.1 * 0.7**8), "9 times"),
    Attempt(5, M, "kernel w forgotten", lambda: ex01.check_echo_prediction(0.05 * 0.7**9), "w = 2"),
    Attempt(5, M, "pulse size forgotten", lambda: ex01.check_echo_prediction(2 * 0.7**9), "x_1 = 0.05"),
    Attempt(5, M, "no memory", lambda: ex01.check_echo_prediction(0.0), "without memory"),
    Attempt(5, M, "h_1 instead of h_10", lambda: ex01.check_echo_prediction(0.1), "that is h_1"),
    Attempt(5, M, "keeps 1 - u", lambda: ex01.check_echo_prediction(0.1 * 0.3**9), "not 1 - u"),
    Attempt(5, M, "a guess", lambda: ex01.check_echo_prediction(0.05), "is not it"),
    Attempt(5, J, "placeholder", lambda: ex01.check_echo_prediction(...), status=NOT_ATTEMPTED),
    Attempt(5, J, "text", lambda: ex01.check_echo_prediction("0.004")),
    Attempt(5, J, "the whole echo", lambda: ex01.check_echo_prediction(np.full(10, 0.004)), "one number"),
    Attempt(5, J, "NaN", lambda: ex01.check_echo_prediction(float("nan"))),
]


def _echo_by_loop():
    h = 0.0
    for x in [0.05] + [0.0] * 9:
        h = np.tanh(2.0 * x + 0.7 * h)
    return h


def test_ex01_echo_reference_is_keras():
    """The check's reference h_10 is what keras.layers.SimpleRNN computes."""
    import keras

    layer = keras.layers.SimpleRNN(1)
    layer.build((None, 10, 1))
    layer.set_weights([np.array([[2.0]]), np.array([[0.7]]), np.zeros(1)])
    pulse = np.zeros((1, 10, 1), dtype="float32")
    pulse[0, 0, 0] = 0.05
    measured = float(np.asarray(layer(pulse))[0, 0])
    assert abs(measured - float(ex01.echo_states()[-1])) < 1e-6
    assert ex01.check_echo_prediction(measured).status == CORRECT


def _fresh_weights():
    import keras

    layer = keras.layers.SimpleRNN(5, return_sequences=True)
    layer(IN01)
    return layer.get_weights()   # what the layer had before: W, U, b never handed over


def _shapes_from_keras():
    import keras

    x = np.zeros((32, 10, 8), dtype="float32")
    seq = keras.layers.SimpleRNN(16, return_sequences=True)(x).shape
    last = np.array(keras.layers.SimpleRNN(16)(x).shape)
    return ex01.check_shapes(seq, last)


@pytest.mark.parametrize("attempt", TABLE01, ids=ids(TABLE01))
def test_ex01_attempt_table(attempt):
    assert judge(attempt) is None, judge(attempt)


def test_ex01_table_covers_every_task():
    assert too_thin(TABLE01) == {}
    assert sorted({a.task for a in TABLE01}) == list(range(1, checks.task_count(ex01.EXERCISE) + 1))


# --- every registered check, on junk ---

def _all_check_modules():
    import importlib
    import pkgutil

    import helpers.checks as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("ex"):
            importlib.import_module(f"helpers.checks.{info.name}")
    return checks.registered()


REGISTERED = _all_check_modules()
JUNK_VALUES = [None, ..., 3, -1.5, float("nan"), True, "text", b"bytes", [1, 2], (), {"a": 1},
               np.zeros(3), np.full((2, 2), np.nan), object(), lambda *a, **k: 1 / 0,
               lambda *a, **k: None]


@pytest.mark.parametrize("key", list(REGISTERED), ids=[f"{e}-t{t}" for e, t in REGISTERED])
def test_every_registered_check_survives_junk(key, capsys):
    import inspect

    check_fn = REGISTERED[key]
    params = inspect.signature(check_fn).parameters
    required = [p for p in params.values() if p.default is inspect.Parameter.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    for junk in JUNK_VALUES:
        verdict = check_fn(*[junk] * len(required))
        assert verdict.status in (NOT_ATTEMPTED, WRONG), (key, junk, verdict)
        assert (verdict.exercise, verdict.task) == key
        assert "\x1b[" not in verdict.message


def test_registry_derives_task_counts():
    counts = {exercise: checks.task_count(exercise) for exercise, _ in REGISTERED}
    assert len(counts) >= 9, counts
    assert all(n >= 3 for n in counts.values()), counts
    for exercise, n in counts.items():
        assert sorted(t for e, t in REGISTERED if e == exercise) == list(range(1, n + 1))
