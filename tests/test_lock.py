"""The lock (requirements.txt) pins every package, agrees with requirements.in and with .venv."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
# Installers and the course's own editable package live in .venv but are not locked.
NOT_LOCKED = {"pip", "uv", "rnn-forecasting-helpers"}


@dataclass
class Entry:
    """One pinned requirement of the lock: ``name==version ; marker`` with its hashes."""

    name: str
    version: str
    marker: str | None
    hashes: list[str] = field(default_factory=list)
    via: list[str] = field(default_factory=list)

    def applies_here(self) -> bool:
        return self.marker is None or Marker(self.marker).evaluate()


def read_lock(path: Path = ROOT / "requirements.txt") -> list[Entry]:
    """Parse uv's ``--generate-hashes`` output into entries."""
    entries: list[Entry] = []
    in_via = False
    for line in path.read_text().splitlines():
        head = re.match(r"^([A-Za-z0-9][A-Za-z0-9_.\-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$",
                        line)
        if head:
            entries.append(Entry(canonicalize_name(head[1]), head[2], head[3]))
            in_via = False
        elif hashed := re.match(r"^\s+--hash=(sha256:[0-9a-f]{64})", line):
            entries[-1].hashes.append(hashed[1])
        elif via := re.match(r"^\s+# via(?:\s+(.*))?$", line):
            in_via = True
            if via[1]:
                entries[-1].via.append(via[1].strip())
        elif in_via and (more := re.match(r"^\s+#\s+(\S.*)$", line)):
            entries[-1].via.append(more[1].strip())
        else:
            in_via = False
    return entries


def read_top_level(path: Path = ROOT / "requirements.in") -> dict[str, str]:
    """``{name: version}`` of the exact pins in requirements.in."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9_.\-]*)==(\S+)", line)
            assert match, f"requirements.in: {line!r} is not an exact name==version pin"
            pins[canonicalize_name(match[1])] = match[2]
    return pins


LOCK = read_lock()


def test_lock_parses_and_every_entry_has_hashes():
    assert len(LOCK) > 50, "requirements.txt should pin every transitive package: run `make lock`"
    unhashed = [e.name for e in LOCK if not e.hashes]
    assert not unhashed, f"entries without --hash: {unhashed}; run `make lock`"


def test_lock_covers_every_installed_distribution():
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    problems = {}
    for name, version in sorted(installed.items()):
        if name in NOT_LOCKED:
            continue
        here = [e.version for e in LOCK if e.name == name and e.applies_here()]
        if here != [version]:
            problems[name] = {"installed": version, "locked": here or "not in the lock"}
    assert not problems, (
        f"installed distributions the lock does not pin exactly: {problems}. Add new top-level "
        "packages to requirements.in and run `make lock`; re-install with `make env`."
    )


def test_every_locked_package_for_this_platform_is_installed():
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    absent = {e.name: e.version for e in LOCK if e.applies_here() and
              installed.get(e.name) != e.version}
    assert not absent, f"locked but not installed at that version: {absent}. Run `make env`."


def test_lock_agrees_with_requirements_in():
    top = read_top_level()
    assert "tensorflow" in top and "keras" in top
    for name, version in top.items():
        locked = [e for e in LOCK if e.name == name]
        assert locked, f"{name} is in requirements.in but not in requirements.txt: run `make lock`"
        assert {e.version for e in locked} == {version}, (
            f"{name}: requirements.in pins {version}, the lock has "
            f"{sorted(e.version for e in locked)}: run `make lock`"
        )
    from_in = {e.name for e in LOCK if "-r requirements.in" in e.via}
    assert from_in == set(top), (
        f"the lock was compiled from other top-level packages: only in the lock "
        f"{sorted(from_in - set(top))}, only in requirements.in {sorted(set(top) - from_in)}"
    )


def test_lock_is_universal():
    # Resolved for every platform TensorFlow 2.21 has wheels for, not only this machine:
    # packages that only Windows or macOS need are pinned too, under markers.
    markers = " ".join(e.marker or "" for e in LOCK)
    assert "sys_platform == 'win32'" in markers and "sys_platform == 'darwin'" in markers
    tensorflow = next(e for e in LOCK if e.name == "tensorflow")
    assert len(tensorflow.hashes) >= 4, "one wheel hash per platform at least"
    makefile = (ROOT / "Makefile").read_text()
    for flag in ("--universal", "--generate-hashes", "requirements.in", "-o requirements.txt"):
        assert flag in makefile, f"`make lock` should run uv pip compile with {flag}"


def test_environment_yml_installs_the_lock():
    lines = [line.strip() for line in (ROOT / "environment.yml").read_text().splitlines()
             if line.strip() and not line.strip().startswith("#")]
    assert "- -r requirements.txt" in lines
    pins = [line for line in lines if "==" in line]
    assert not pins, f"environment.yml should take every pin from the lock, not repeat {pins}"
    assert "- python=3.11" in lines
