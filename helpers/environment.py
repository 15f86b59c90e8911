"""Check that this machine has what the course expects: package versions and hardware."""

from __future__ import annotations

import os
import platform
import re
from importlib import metadata
from pathlib import Path

from helpers.validation import CourseInputError

import pandas as pd

__all__ = ["hardware", "read_pins", "versions_table"]

_PIN = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s#;\\]+)\s*(?:;\s*([^#\\]+))?")


def _applies_here(marker: str | None) -> bool:
    """Whether an environment marker such as ``sys_platform == 'win32'`` holds on this machine."""
    if not marker or not marker.strip():
        return True
    try:
        from packaging.markers import InvalidMarker, Marker
    except ImportError:  # pragma: no cover - packaging comes with pip's toolchain
        return True
    try:
        return bool(Marker(marker.strip()).evaluate())
    except InvalidMarker:
        return True


def read_pins(path: Path | str | None = None) -> dict[str, str]:
    """Read ``name==version`` lines from requirements.txt into ``{name: version}``.

    First used in 00 §1.

    Pins with an environment marker for another platform (``; sys_platform ==
    'win32'``) are left out, as pip would skip them here.

    Args:
        path: the requirements file (a ``Path`` or a string); the course's own by default.

    Raises:
        CourseInputError: the file does not exist.
    """
    path = Path(path) if path else Path(__file__).resolve().parent.parent / "requirements.txt"
    if not path.is_file():
        raise CourseInputError(
            f"{path} is not a file; pass the path of a requirements.txt, or nothing for the "
            "course's own."
        )
    pins = {}
    for line in path.read_text().splitlines():
        match = _PIN.match(line)
        if match and _applies_here(match[3]):
            pins[match[1].lower()] = match[2]
    return pins


def versions_table(pins: dict[str, str] | None = None) -> pd.DataFrame:
    """Installed version of every pinned package next to its pin, with a status column.

    First used in 00 §1.

    ``pins`` is ``{package: version}`` (or a path to a requirements file); by default
    the course's ``requirements.txt``.
    """
    pins = read_pins() if pins is None else pins
    if isinstance(pins, str | Path):
        pins = read_pins(pins)  # a path to a requirements file
    if not isinstance(pins, dict):
        raise CourseInputError(
            f"pins must be a dict {{package: version}} (from read_pins()), got "
            f"{type(pins).__name__}."
        )
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
    """Python version, CPU count and the GPUs TensorFlow can see (usually none).

    First used in 00 §2.
    """
    import tensorflow as tf

    gpus = [d.name for d in tf.config.list_physical_devices("GPU")]
    return {
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "cpu cores": os.cpu_count(),
        "GPUs visible to TensorFlow": gpus or "none (CPU only: fine for this course)",
    }
