"""Tests for helpers.training: the progress logger, fit(), early stopping and input checks."""

from __future__ import annotations

from helpers.training import EpochLogger, fit
from helpers.validation import CourseInputError

import keras
import numpy as np
import pytest


def tiny_model(timesteps=5, features=1, outputs=1, learning_rate=0.01, compile=True):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(timesteps, features)),
            keras.layers.SimpleRNN(4),
            keras.layers.Dense(outputs),
        ]
    )
    if compile:
        model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
    return model


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 5, 1)).astype("float32")
    y = x[:, -1, 0] * 0.5
    return x, y


def test_epoch_logger_prints_every_n_epochs_and_at_the_end(data, capsys):
    x, y = data
    model = tiny_model()
    model.fit(x, y, epochs=5, validation_split=0.25, verbose=0, callbacks=[EpochLogger(every=2)])
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("  ")[0] for line in lines] == ["epoch 2/5", "epoch 4/5", "epoch 5/5"]
    for line in lines:
        assert "  loss " in line and "  val_loss " in line
        assert line.endswith(" s")
    # loss comes before val_loss
    assert lines[0].index("  loss ") < lines[0].index("val_loss")


def test_epoch_logger_print_fn_and_no_duplicate_last_line(data):
    x, y = data
    lines = []
    tiny_model().fit(x, y, epochs=4, verbose=0, callbacks=[EpochLogger(2, print_fn=lines.append)])
    assert len(lines) == 2
    assert lines[1].startswith("epoch 4/4  loss ")


def test_epoch_logger_rejects_bad_every():
    with pytest.raises(CourseInputError, match="every must be >= 1"):
        EpochLogger(every=0)


def test_fit_trains_and_logs_every_epoch_by_default(data, capsys):
    x, y = data
    model = tiny_model()
    history = fit(model, x, y, epochs=2, validation_data=(x[:8], y[:8]), batch_size=8)
    assert isinstance(history, keras.callbacks.History)
    assert history.epoch == [0, 1]
    assert set(history.history) == {"loss", "val_loss"}
    assert all(np.isfinite(history.history["loss"]))
    out = capsys.readouterr().out.strip().splitlines()
    assert [line.split("  ")[0] for line in out] == ["epoch 1/2", "epoch 2/2"]


def test_fit_verbose_every_zero_prints_nothing(data, capsys):
    x, y = data
    fit(tiny_model(), x, y, epochs=1, verbose_every=0)
    assert capsys.readouterr().out == ""


def test_fit_early_stopping_stops_and_says_so(data, capsys):
    x, y = data
    # With a learning rate of 0 the validation loss never improves after epoch 1.
    model = tiny_model(learning_rate=0.0)
    history = fit(model, x, y, epochs=20, validation_split=0.25, patience=2, verbose_every=5)
    assert len(history.epoch) == 3
    out = capsys.readouterr().out
    assert "epoch  3/20" in out
    assert "stopped after epoch 3 of 20" in out
    assert "restored the weights of the best epoch, 1" in out


# --- input checks, raised before TensorFlow sees the data ------------------------------


def test_length_mismatch_says_both_lengths(data):
    x, y = data
    with pytest.raises(CourseInputError, match="x has 32 samples but y has 30"):
        fit(tiny_model(), x, y[:30], epochs=1)


def test_nans_in_x_or_y(data):
    x, y = data
    x_bad = x.copy()
    x_bad[3, 2, 0] = np.nan
    with pytest.raises(CourseInputError, match=r"x contains 1 NaN.*\(3, 2, 0\)"):
        fit(tiny_model(), x_bad, y, epochs=1)
    y_bad = y.copy()
    y_bad[5] = np.nan
    with pytest.raises(CourseInputError, match="y contains 1 NaN.*position 5"):
        fit(tiny_model(), x, y_bad, epochs=1)


def test_missing_feature_axis_suggests_newaxis(data):
    x, y = data
    with pytest.raises(
        CourseInputError, match=r"\(None, 5, 1\).*x has shape \(32, 5\).*x\[\.\.\., np\.newaxis\]"
    ):
        fit(tiny_model(), x[..., 0], y, epochs=1)


def test_wrong_number_of_features(data):
    x, y = data
    x2 = np.concatenate([x, x], axis=-1)
    with pytest.raises(CourseInputError, match=r"expects 1 feature\(s\) per step but x has 2"):
        fit(tiny_model(), x2, y, epochs=1)


def test_wrong_number_of_timesteps(data):
    x, y = data
    with pytest.raises(CourseInputError, match=r"\(32, 4, 1\).*shape=x\.shape\[1:\]"):
        fit(tiny_model(), x[:, :4], y, epochs=1)


def test_targets_that_do_not_fit_the_output(data):
    x, _ = data
    with pytest.raises(CourseInputError, match=r"outputs shape \(None, 1\).*\(32, 3\)"):
        fit(tiny_model(), x, np.zeros((32, 3)), epochs=1)


def test_patience_needs_validation_data(data):
    x, y = data
    with pytest.raises(CourseInputError, match="patience=3.*no validation data"):
        fit(tiny_model(), x, y, epochs=5, patience=3)


def test_validation_data_is_checked_too(data):
    x, y = data
    with pytest.raises(CourseInputError, match="validation x has 8 samples but validation y has 7"):
        fit(tiny_model(), x, y, epochs=1, validation_data=(x[:8], y[:7]))


def test_other_bad_arguments(data):
    x, y = data
    with pytest.raises(CourseInputError, match="not compiled.*model.compile"):
        fit(tiny_model(compile=False), x, y, epochs=1)
    with pytest.raises(CourseInputError, match="y is missing"):
        fit(tiny_model(), x, epochs=1)
    with pytest.raises(CourseInputError, match="validation_split must be a fraction"):
        fit(tiny_model(), x, y, epochs=1, validation_split=1.5)
    with pytest.raises(CourseInputError, match="epochs must be >= 1"):
        fit(tiny_model(), x, y, epochs=0)
    with pytest.raises(CourseInputError, match="must be a Keras model"):
        fit("model", x, y, epochs=1)
