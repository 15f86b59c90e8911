"""The Gradescope autograder, without Gradescope: its zip, its directory tree and results.json.

The zip is unpacked into a temporary ``/autograder`` tree laid out as Gradescope lays it
out (``source/``, ``submission/``, ``results/``), and the course *inside the zip* grades the
submission, so a file missing from the zip fails here. One solved submission starts a
kernel; the broken ones (no notebook, two notebooks, invalid JSON) are judged before any
kernel starts.
"""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from pathlib import Path

import jsonschema
import nbformat
import pytest

from tools import CourseInputError, gradescope

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "01_rnn_basics_solution.ipynb"

# Gradescope's documented results.json (the parts the course writes), as a JSON schema.
VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
RESULTS_SCHEMA = {
    "type": "object",
    "required": ["tests", "score", "execution_time", "output"],
    "properties": {
        "score": {"type": "number", "minimum": 0},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "tests": {"type": "array", "items": {
            "type": "object",
            "required": ["name", "score", "max_score", "output", "visibility"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "number": {"type": "string"},
                "score": {"type": "number", "minimum": 0},
                "max_score": {"type": "number", "exclusiveMinimum": 0},
                "status": {"enum": ["passed", "failed"]},
                "output": {"type": "string"},
                "visibility": VISIBILITY,
            },
            "additionalProperties": False,
        }},
    },
}


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory) -> Path:
    return gradescope.build("01", tmp_path_factory.mktemp("zip"))


@pytest.fixture(scope="module")
def tree(autograder_zip, tmp_path_factory) -> Path:
    """The /autograder tree Gradescope makes: the zip unpacked in source/ (once per module:
    the grader reads the check registry once per course copy)."""
    root = tmp_path_factory.mktemp("gs") / "autograder"
    with zipfile.ZipFile(autograder_zip) as zipped:
        zipped.extractall(root / "source")
    return root


def unpack(tree: Path) -> Path:
    """An empty submission/ and results/ in ``tree``, as for a new submission."""
    for folder in ("submission", "results"):
        shutil.rmtree(tree / folder, ignore_errors=True)
        (tree / folder).mkdir()
    return tree


def test_the_zip_holds_the_scripts_and_the_course(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as zipped:
        names = set(zipped.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in zipped.infolist()}
        setup = zipped.read("setup.sh").decode()
        run = zipped.read("run_autograder").decode()
    for needed in ("setup.sh", "run_autograder", "course/requirements.txt", "course/pyproject.toml",
                   "course/helpers/checks/ex01_rnn_basics.py", "course/tools/grading.py",
                   "course/exercises/01_rnn_basics_exercise.ipynb"):
        assert needed in names, needed
    assert not any("__pycache__" in n for n in names)
    assert all(modes[n] & stat.S_IXUSR for n in ("setup.sh", "run_autograder"))
    assert "-r course/requirements.txt" in setup and "uv python install 3.11" in setup
    assert "tools.gradescope run --exercise 01" in run


@pytest.mark.parametrize(("files", "words"), [
    ({}, "found none"),
    ({"a.ipynb": "{}", "b.ipynb": "{}"}, "found a.ipynb, b.ipynb"),
])
def test_no_or_two_notebooks_get_a_zero_with_the_reason(tree, files, words):
    root = unpack(tree)
    for name, text in files.items():
        (root / "submission" / name).write_text(text, "utf-8")
    results = gradescope.run("01", root, root=root / "source" / "course")
    jsonschema.validate(results, RESULTS_SCHEMA)
    assert results["score"] == 0 and words in results["output"]
    assert json.loads((root / "results" / "results.json").read_text()) == results


def tasks_01() -> int:
    """Exercise 01's task count, read from the solution's "## Task N" headings (1 point each)."""
    cells = nbformat.read(str(SOLUTION), as_version=4).cells
    return sum(c.cell_type == "markdown" and "## Task " in c.source for c in cells)


def test_invalid_json_gets_every_task_at_zero_with_the_reason(tree):
    root = unpack(tree)
    (root / "submission" / "mine.ipynb").write_text('{"cells": [', "utf-8")
    results = gradescope.run("01", root, root=root / "source" / "course")
    jsonschema.validate(results, RESULTS_SCHEMA)
    assert results["score"] == 0 and len(results["tests"]) == tasks_01()
    assert all("not a readable notebook" in t["output"] for t in results["tests"])


def test_a_solved_submission_scores_full_marks_from_the_zipped_course(tree):
    root = unpack(tree)
    nbformat.write(nbformat.read(str(SOLUTION), as_version=4),
                   str(root / "submission" / "01_rnn_basics_exercise.ipynb"))
    results = gradescope.run("01", root, root=root / "source" / "course")
    jsonschema.validate(results, RESULTS_SCHEMA)
    assert [t["status"] for t in results["tests"]] == ["passed"] * tasks_01(), results["tests"]
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) == tasks_01()
    assert results["tests"][0]["name"].startswith("Task 1 · ")


def test_unknown_exercise_is_refused(tmp_path):
    with pytest.raises(CourseInputError, match="no exercise 42"):
        gradescope.build("42", tmp_path)
    assert gradescope.main(["build", "--exercise", "42", "--out", str(tmp_path)]) == 2
