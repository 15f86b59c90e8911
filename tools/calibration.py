"""How fast is this machine today? A fixed workload that ``make results`` times first.

Machines of the same kind differ by a factor of two or more from day to day (another job
on the host, a slower CPU), so a notebook's wall time alone cannot say whether the
notebook got slower or the machine did. ``make results`` therefore first runs this
workload, a small Keras training and a statsmodels fit of the kind the notebooks do, in a
fresh Python process with the course's packages, records its time in
``results/results.json`` and reports every notebook's time also as a multiple of it.
Multiples measured on different days compare; seconds do not.

The budget of the course (every notebook at most 100 s in full mode on an idle 2-core
machine) becomes a budget in multiples: ``BUDGET_S / REFERENCE_S``, where
``REFERENCE_S`` is this workload's time measured on an idle machine of the kind the budget
was set on.

This module imports no TensorFlow itself: the workload runs in a child process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BUDGET_S = 100.0
"""Full-mode budget of one notebook on an idle 2-core machine, in seconds."""
REFERENCE_S = 3.2
"""The workload's time on an idle 2-core machine of the course's kind: the median of three
runs on 2026-12-04 (3.13, 3.21 and 3.92 s, load average about 1.4). The same workload took
15 to 20 s on the same machine while eight other jobs shared its two cores."""
BUDGET_MULTIPLE = BUDGET_S / REFERENCE_S
"""A notebook's budget as a multiple of the calibration workload."""

# Runs in a child process (it imports helpers, and so TensorFlow, which tools never do).
WORKLOAD = (
    'import time\n'
    'import helpers\n'
    'import keras\n'
    'import numpy as np\n'
    'from statsmodels.tsa.statespace.sarimax import SARIMAX\n'
    '\n'
    'helpers.seed_everything(0)\n'
    'rng = np.random.default_rng(0)\n'
    'x = rng.normal(size=(1024, 24, 1)).astype("float32")\n'
    'y = (0.6 * x[:, -1, 0] + 0.3 * x[:, -12, 0]).astype("float32")\n'
    'months = np.arange(240)\n'
    'series = 10 * np.sin(2 * np.pi * months / 12) + np.cumsum(rng.normal(size=240))\n'
    'start = time.perf_counter()\n'
    'model = keras.Sequential([keras.Input((24, 1)), keras.layers.LSTM(16), keras.layers.Dense(1)])\n'
    'model.compile(optimizer="adam", loss="mse")\n'
    'model.fit(x, y, epochs=20, batch_size=32, verbose=0)\n'
    'SARIMAX(series, order=(1, 1, 1), seasonal_order=(1, 1, 0, 12)).fit(disp=False)\n'
    'print(f"calibration-seconds: {time.perf_counter() - start:.3f}")\n'
)


def measure(python: str = sys.executable, timeout: float = 600) -> float:
    """Run the workload once in a fresh process and return its seconds (after the imports).

    Raises ``RuntimeError`` with the end of the child's error output when it fails.
    """
    env = {k: v for k, v in os.environ.items() if k != "COURSE_FAST"}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    done = subprocess.run([python, "-c", WORKLOAD], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("calibration-seconds:")]
    if done.returncode != 0 or not lines:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"the calibration workload failed:\n{tail}")
    return float(lines[-1].split(":", 1)[1])


def multiple(wall_time_s: float, calibration_s: float | None) -> float | None:
    """``wall_time_s`` in units of the calibration workload (None without a calibration)."""
    if not calibration_s or calibration_s <= 0:
        return None
    return round(wall_time_s / calibration_s, 1)
