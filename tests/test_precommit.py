"""The authors' optional pre-commit hooks: valid, pinned like the lock, and runnable."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys

import nbformat
import pytest
import yaml

from tools import nbtools

ROOT = nbtools.repo_root()
CONFIG = ROOT / ".pre-commit-config.yaml"
RUFF_HOOKS = {"ruff", "ruff-check", "ruff-format"}  # what astral-sh/ruff-pre-commit offers


def _pins() -> dict[str, str]:
    text = (ROOT / "requirements.in").read_text()
    return {m[1].lower(): m[2] for m in re.finditer(r"(?m)^([A-Za-z0-9_.-]+)==([^\s;#]+)", text)}


def _config() -> dict:
    config = yaml.safe_load(CONFIG.read_text())
    assert isinstance(config, dict) and isinstance(config.get("repos"), list), \
        ".pre-commit-config.yaml needs a top-level `repos:` list"
    return config


def _local_hooks() -> list[dict]:
    return [h for r in _config()["repos"] if r["repo"] == "local" for h in r["hooks"]]


def test_ruff_hook_uses_the_locked_ruff():
    remote = [r for r in _config()["repos"] if "ruff-pre-commit" in r["repo"]]
    assert len(remote) == 1, "expected one astral-sh/ruff-pre-commit entry"
    assert remote[0]["rev"] == "v" + _pins()["ruff"], "pin ruff-pre-commit to requirements.in's ruff"
    ids = {h["id"] for h in remote[0]["hooks"]}
    assert ids and ids <= RUFF_HOOKS, ids
    assert any("jupyter" in h.get("types_or", []) for h in remote[0]["hooks"]), \
        "ruff should lint the notebooks too, as `make lint` does"


def test_local_hooks_pin_their_dependencies_like_the_lock():
    pins = _pins()
    hooks = _local_hooks()
    assert {h["id"] for h in hooks} >= {"clean-notebooks", "exercises-in-sync"}
    for hook in hooks:
        assert hook["language"] in ("python", "system"), hook["id"]
        for requirement in hook.get("additional_dependencies", []):
            name, _, version = requirement.partition("==")
            assert pins.get(name.lower()) == version, f"{hook['id']}: {requirement} vs the lock"


@pytest.mark.parametrize("hook", _local_hooks(), ids=lambda h: h["id"])
def test_local_hook_files_pattern_matches_course_files(hook):
    pattern = re.compile(hook["files"])
    files = [str(p.relative_to(ROOT)) for p in nbtools.course_notebooks()]
    assert any(pattern.search(f) for f in files), f"{hook['id']} would never run"
    assert not pattern.search("helpers/data.py")


def _run_entry(hook: dict, *files: str) -> subprocess.CompletedProcess:
    words = shlex.split(hook["entry"])
    assert words[:2] == ["python", "-m"], "local hooks run a tools module with python -m"
    return subprocess.run([sys.executable, *words[1:], *files], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)


def test_clean_hook_cleans_the_notebooks_it_is_given(tmp_path):
    hook = next(h for h in _local_hooks() if h["id"] == "clean-notebooks")
    source = ROOT / "notebooks" / "00_start_here.ipynb"
    dirty = nbformat.read(str(source), as_version=4)
    dirty.metadata["widgets"] = {"state": {}}
    dirty.cells[1].metadata["collapsed"] = True
    target = tmp_path / source.name
    nbformat.write(dirty, str(target))
    assert nbtools.problems(nbtools.read(target)), "the fixture should start dirty"
    done = _run_entry(hook, str(target))
    assert done.returncode == 0, done.stderr[-2000:]
    assert nbtools.problems(nbtools.read(target)) == []
    assert target.read_text() == source.read_text()


def test_exercises_hook_passes_on_the_committed_exercises():
    hook = next(h for h in _local_hooks() if h["id"] == "exercises-in-sync")
    assert hook.get("pass_filenames") is False
    done = _run_entry(hook)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_pre_commit_validates_the_config_where_installed():
    found = shutil.which("pre-commit")
    if found is None:
        pytest.skip("pre-commit is not installed (optional: pipx install pre-commit)")
    done = subprocess.run([found, "validate-config", str(CONFIG)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
