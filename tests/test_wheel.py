"""The built wheel carries every module of the source tree, not only the top-level packages."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


PACKAGES = ("helpers", "tools")


def source_modules() -> set[str]:
    """``helpers/...py`` and ``tools/...py`` paths of the source tree, as a wheel names them."""
    return {
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "__pycache__" not in path.parts
    }


@pytest.mark.slow
def test_wheel_contains_every_helpers_and_tools_module(tmp_path):
    # The PEP 517 hook runs in-process with the setuptools of this environment: no build
    # isolation, so no download. Python 3.12+ venvs come without setuptools.
    pytest.importorskip("setuptools.build_meta", reason="setuptools is needed to build the wheel")
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, project / name)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, project / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path / "dist"
    result = subprocess.run(
        [sys.executable, "-c",
         "import sys, setuptools.build_meta as b; print(b.build_wheel(sys.argv[1]))", str(dist)],
        cwd=project, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, f"wheel build failed:\n{result.stderr[-3000:]}"
    wheel = dist / result.stdout.strip().splitlines()[-1]
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = {name for name in archive.namelist()
                    if name.startswith(tuple(f"{p}/" for p in PACKAGES)) and name.endswith(".py")}
    expected = source_modules()
    assert {"helpers/checks/__init__.py", "tools/__init__.py"} <= expected
    assert in_wheel == expected, (
        f"missing from the wheel: {sorted(expected - in_wheel)}; "
        f"only in the wheel: {sorted(in_wheel - expected)}"
    )
