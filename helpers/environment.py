"""Check that this machine has what the course expects: package versions and hardware."""

from __future__ import annotations

import os
import platform
import re
from importlib import metadata
from pathlib import Path

import pandas as pd

_PIN = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s#;]+)")


def read_pins(path: Path | str | None = None) -> dict[str, str]:
    """Read ``name==version`` lines from requirements.txt into ``{name: version}``."""
    path = Path(path) if path else Path(__file__).resolve().parent.parent / "requirements.txt"
    pins = {}
    for line in path.read_text().splitlines():
        match = _PIN.match(line)
        if match:
            pins[match[1].lower()] = match[2]
    return pins


def versions_table(pins: dict[str, str] | None = None) -> pd.DataFrame:
    """Installed version of every pinned package next to its pin, with a status column."""
    pins = read_pins() if pins is None else pins
    rows = []
    for name, wanted in pins.items():
        try:
            found = metadata.version(name)
        except metadata.PackageNotFoundError:
            found = None
        status = "ok" if found == wanted else ("missing" if found is None else "different")
        rows.append({"package": name, "pinned": wanted, "installed": found, "status": status})
    return pd.DataFrame(rows).set_index("package")


def hardware() -> dict[str, object]:
    """Python version, CPU count and the GPUs TensorFlow can see (usually none)."""
    import tensorflow as tf

    gpus = [d.name for d in tf.config.list_physical_devices("GPU")]
    return {
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "cpu cores": os.cpu_count(),
        "GPUs visible to TensorFlow": gpus or "none (CPU only: fine for this course)",
    }
