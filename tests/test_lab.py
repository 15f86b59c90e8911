"""`make lab` smoke test: the pinned JupyterLab starts on the course and answers /api/status."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAB_SETTINGS = ROOT / "tools" / "lab-settings" / "overrides.json"
NOTIFICATION = "@jupyterlab/apputils-extension:notification"


def test_the_course_settings_switch_off_the_news_prompt():
    settings = json.loads(LAB_SETTINGS.read_text())[NOTIFICATION]
    # "none" (the default) is what makes JupyterLab ask "get notified about Jupyter news?"
    assert settings == {"fetchNews": "false", "checkForUpdates": False}


def test_make_lab_installs_the_course_settings():
    if shutil.which("make") is None:
        pytest.skip("no make here")
    done = subprocess.run(["make", "-n", "-B", "lab"], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    assert ("cp tools/lab-settings/overrides.json "
            ".venv/share/jupyter/lab/settings/overrides.json") in done.stdout
    assert done.stdout.index("overrides.json") < done.stdout.index("jupyter lab")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_jupyterlab_starts_and_reports_status(tmp_path):
    port, token = free_port(), "course-smoke-test"
    # The course's settings, where make lab puts them (the app settings folder of .venv).
    settings = tmp_path / "app-settings"
    settings.mkdir()
    shutil.copy(LAB_SETTINGS, settings / "overrides.json")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
         "--ServerApp.open_browser=False", f"--LabApp.app_settings_dir={settings}",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path),
             "JUPYTER_CONFIG_DIR": str(tmp_path / "config")},
    )
    url = f"http://127.0.0.1:{port}/api/status?token={token}"
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    status = json.load(response)
                break
            except OSError:
                time.sleep(0.5)
        assert server.poll() is None, f"JupyterLab exited early:\n{server.stderr.read()[-2000:]}"
        assert status is not None, "JupyterLab did not answer /api/status within 90 s"
        assert "started" in status
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/contents/notebooks?token={token}", timeout=5
        ) as response:
            names = {item["name"] for item in json.load(response)["content"]}
        assert "00_start_here.ipynb" in names
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/lab/api/settings/{NOTIFICATION}?token={token}", timeout=5
        ) as response:
            # the server applies overrides.json to the schema's defaults
            defaults = {key: value.get("default")
                        for key, value in json.load(response)["schema"]["properties"].items()}
        assert defaults["fetchNews"] == "false", "JupyterLab would still ask about its news"
        assert defaults["checkForUpdates"] is False
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
