"""A fresh course process: importing helpers keeps TensorFlow's C++ log lines out of notebooks,
also while training, and switches TensorFloat-32 off before any notebook code runs.

Both are checked in one subprocess, which pays for one TensorFlow import.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tools import nbtools

SCRIPT = """
import helpers
import keras
import numpy as np
import tensorflow as tf

print("tf32 on import:", tf.config.experimental.tensor_float_32_execution_enabled())

helpers.seed_everything(1)  # deterministic ops: tf.data then logged 'E0000 ... NodeDef' lines
x = np.zeros((64, 5, 2), dtype="float32")
y = np.zeros((64, 2), dtype="float32")
model = keras.Sequential([keras.Input((5, 2)), keras.layers.LSTM(3), keras.layers.Dense(2)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=1, validation_split=0.25, verbose=0)
model.predict(x, verbose=0)
print("trained")
"""


def test_training_after_seeding_prints_no_tensorflow_log_lines():
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_TF_LOGS", "TF_CPP_MIN_LOG_LEVEL")}
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=nbtools.repo_root(), env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "trained" in result.stdout
    # the switch happens on import (seed_everything switches it off again later, too)
    assert "tf32 on import: False" in result.stdout, result.stdout[-2000:]
    assert "NodeDef mentions attribute" not in result.stderr, result.stderr[-2000:]
    assert "E0000" not in result.stderr, result.stderr[-2000:]
