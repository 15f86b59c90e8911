"""Tests for helpers.training: the progress logger, fit(), early stopping and input checks."""

from __future__ import annotations

import helpers
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


# --- tf.data datasets are checked like arrays ----------------------------------


def dataset_of(x, y, batch=8):
    import tensorflow as tf

    return tf.data.Dataset.from_tensor_slices((x, y)).batch(batch)


def test_dataset_with_multi_step_labels_for_a_one_output_model(data):
    x, _ = data
    y3 = np.repeat(x[:, -1:, 0], 3, axis=1)  # (32, 3)
    with pytest.raises(
        CourseInputError, match=r"outputs shape \(None, 1\).*dataset's targets.*broadcast"
    ):
        fit(tiny_model(), dataset_of(x, y3), epochs=1)


def test_dataset_with_longer_windows_than_the_model(data):
    x, y = data
    long_x = np.concatenate([x, x], axis=1)  # 10 steps for a 5-step model
    with pytest.raises(
        CourseInputError, match=r"expects inputs of shape \(samples, 5, 1\).*\(None, 10, 1\)"
    ):
        fit(tiny_model(), dataset_of(long_x, y), epochs=1)


def test_validation_dataset_is_checked_too(data):
    x, y = data
    y3 = np.repeat(y[:, None], 3, axis=1)
    with pytest.raises(CourseInputError, match="validation dataset's targets"):
        fit(tiny_model(), dataset_of(x, y), epochs=1, validation_data=dataset_of(x, y3))


def test_unbatched_dataset_and_dataset_without_labels(data):
    import tensorflow as tf

    x, y = data
    with pytest.raises(CourseInputError, match=r"single windows.*dataset.batch\(32\)"):
        fit(tiny_model(), tf.data.Dataset.from_tensor_slices((x, y)), epochs=1)
    with pytest.raises(CourseInputError, match=r"yields single tensors.*\(inputs, targets\)"):
        fit(tiny_model(), tf.data.Dataset.from_tensor_slices(x).batch(8), epochs=1)
    with pytest.raises(CourseInputError, match="leave y out"):
        fit(tiny_model(), dataset_of(x, y), y, epochs=1)
    with pytest.raises(CourseInputError, match="validation_split cannot split a tf.data.Dataset"):
        fit(tiny_model(), dataset_of(x, y), epochs=1, validation_split=0.2)


def test_dataset_trains_without_keras_shuffle_warning(data, recwarn, capsys):
    x, y = data
    history = fit(tiny_model(), dataset_of(x, y), epochs=2, validation_data=dataset_of(x, y))
    assert len(history.history["val_loss"]) == 2
    assert not [w for w in recwarn if "shuffle" in str(w.message)]


def test_windows_dataset_trains(capsys):
    from helpers.windows import windows_dataset

    ds = windows_dataset(np.sin(np.arange(60.0)), window=5, batch_size=8, shuffle=True, seed=0)
    assert len(fit(tiny_model(), ds, epochs=1).history["loss"]) == 1


# --- other slips -----------------------------------------------------------------


def test_validation_data_without_targets(data):
    x, y = data
    with pytest.raises(
        CourseInputError,
        match=r"validation_data must be the pair \(x_val, y_val\).*ndarray of shape \(32, 5, 1\)",
    ):
        fit(tiny_model(), x, y, epochs=1, validation_data=x)
    with pytest.raises(CourseInputError, match="a tuple of 1"):
        fit(tiny_model(), x, y, epochs=1, validation_data=(x,))


def test_lists_are_checked_like_arrays(data, capsys):
    x, y = data
    with pytest.raises(CourseInputError, match=r"x has shape \(32, 5\).*np.newaxis"):
        fit(tiny_model(), x[..., 0].tolist(), y.tolist(), epochs=1)
    history = fit(
        tiny_model(), x.tolist(), y.tolist(), epochs=1, validation_data=(x.tolist(), y.tolist())
    )
    assert len(history.history["val_loss"]) == 1


def test_transposed_targets_are_not_broadcast(data):
    x, _ = data
    model = tiny_model(outputs=3)
    with pytest.raises(CourseInputError, match="broadcast"):
        fit(model, x, np.zeros((32, 1, 3)), epochs=1)
    model3 = keras.Sequential(
        [
            keras.Input((5, 1)),
            keras.layers.SimpleRNN(3, return_sequences=False),
            keras.layers.Reshape((3, 1)),
        ]
    )
    model3.compile(loss="mse")
    with pytest.raises(CourseInputError, match="broadcast"):
        fit(model3, x, np.zeros((32, 1, 3)), epochs=1)


def test_keras_squeezable_targets_are_accepted(data, capsys):
    x, y = data
    fit(tiny_model(), x, y[:, None], epochs=1)  # (N, 1) against (None, 1)
    fit(tiny_model(outputs=3), x, np.zeros((32, 3, 1)), epochs=1)  # trailing 1 dropped


def test_callbacks_single_or_list(data, capsys):
    x, y = data
    seen = []

    class Count(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(epoch)

    fit(tiny_model(), x, y, epochs=2, callbacks=Count())
    assert seen == [0, 1]
    with pytest.raises(CourseInputError, match=r"the class EarlyStopping.*EarlyStopping\(...\)"):
        fit(tiny_model(), x, y, epochs=1, callbacks=[keras.callbacks.EarlyStopping])
    with pytest.raises(CourseInputError, match="must hold Keras callbacks"):
        fit(tiny_model(), x, y, epochs=1, callbacks=["early"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"shuffle": "no"}, "shuffle must be True or False"),
        ({"validation_split": "0.2"}, "validation_split must be a fraction"),
    ],
)
def test_text_where_a_value_belongs(data, kwargs, message):
    x, y = data
    with pytest.raises(CourseInputError, match=message):
        fit(tiny_model(), x, y, epochs=1, **kwargs)


def test_x_none(data):
    with pytest.raises(CourseInputError, match="x is None"):
        fit(tiny_model(), None, data[1], epochs=1)


def test_epoch_logger_print_fn_must_be_callable():
    with pytest.raises(CourseInputError, match="print_fn must be a function"):
        EpochLogger(2, print_fn="stdout")


def test_epoch_timer_records_one_time_per_epoch_and_leaves_out_the_first():
    from helpers.training import EpochTimer

    timer = EpochTimer()
    with pytest.raises(CourseInputError, match="No epoch was timed"):
        _ = timer.median_seconds
    timer.seconds = [10.0, 1.0, 3.0, 2.0]
    assert timer.median_seconds == 2.0, "the first epoch (compilation) is left out"
    timer.seconds = [4.0]
    assert timer.median_seconds == 4.0
    model = keras.Sequential([keras.Input(shape=(3, 1)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((4, 3, 1)), np.zeros((4, 3, 1)), epochs=2, verbose=0, callbacks=[timer])
    assert len(timer.seconds) == 2 and all(s > 0 for s in timer.seconds), "fit resets and refills the list"


@pytest.mark.parametrize("split", [0.0, 0.1])
def test_fit_trains_exactly_as_keras_does_and_never_runs_out_of_batches(split):
    import warnings

    rng = np.random.default_rng(0)
    x = rng.normal(size=(53, 6, 1)).astype("float32")
    y = x[:, -2:, 0].sum(axis=1, keepdims=True)

    def trained(use_helper):
        helpers.seed_everything(0)
        model = keras.Sequential([keras.Input((6, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse", steps_per_execution=2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if use_helper:
                fit(model, x, y, epochs=3, batch_size=8, validation_split=split, verbose_every=0)
            else:
                model.fit(x, y, epochs=3, batch_size=8, validation_split=split, verbose=0)
        assert not [w for w in caught if "ran out of data" in str(w.message)]
        return model.get_weights(), model.history.history

    (ours, our_history), (theirs, their_history) = trained(True), trained(False)
    assert our_history == their_history
    assert all(np.array_equal(a, b) for a, b in zip(ours, theirs, strict=True))
