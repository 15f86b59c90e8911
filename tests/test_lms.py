"""Points, the gradebook files and the roster (tools.lms, tools.exercises' points); no kernel."""

from __future__ import annotations

import csv
import importlib
import json
from pathlib import Path

from helpers import checks

import nbformat
import pytest

from tools import CourseInputError, exercises, lms

ROOT = Path(__file__).resolve().parents[1]


def book(**overrides) -> lms.Gradebook:
    rows = [("ann", 1, "correct", "ok"), ("ann", 2, "wrong", "scaled on the test year"),
            ("bob", 1, "not attempted", "`x` is still `...`"), ("bob", 2, "correct", "ok")]
    values = dict(rows=rows, points={1: 1.0, 2: 2.5}, exercise="07_monthly_sales", mode="fast",
                  commit="abc123", graded_at="2026-12-04T12:00:00Z",
                  digests={"ann": "a" * 64, "bob": "b" * 64},
                  titles={1: "Task 1 · Load", 2: "Task 2 · Scale"})
    values.update(overrides)
    return lms.Gradebook(**values)


def read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_points_come_from_the_checks_and_the_generator_reads_the_same():
    """The headings (read from source) and the grader (the registry) agree for every exercise."""
    for solution in exercises.solution_paths():
        module = exercises.check_module(solution)
        exercise = solution.name.removesuffix("_solution.ipynb")
        importlib.import_module(f"helpers.checks.ex{exercise}")
        assert exercises.task_points(module) == checks.points(exercise), exercise


def test_every_exercise_heading_shows_its_points():
    for solution in exercises.solution_paths():
        worth = exercises.task_points(exercises.check_module(solution))
        generated = exercises.build(solution)
        text = "\n".join(c.source for c in generated.cells if c.cell_type == "markdown")
        for task, points in worth.items():
            unit = "point" if points == 1 else "points"
            assert f"({points:g} {unit})" in text.split(f"## Task {task} ")[1].splitlines()[0], \
                (solution.name, task)


def test_task_points_reads_keywords_and_defaults(tmp_path):
    module = tmp_path / "ex99_demo.py"
    module.write_text("EXERCISE = 'x'\n@check(EXERCISE, 1)\ndef a(): ...\n"
                      "@check(EXERCISE, 2, points=2.5)\ndef b(): ...\n", "utf-8")
    assert exercises.task_points(module) == {1: 1.0, 2: 2.5}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Task 2 · Scale\ntext")])
    out = exercises.generate(nb, {2: 2.5})
    assert out.cells[0].source.splitlines()[0] == "## Task 2 · Scale (2.5 points)"


def test_check_refuses_bad_points_and_summary_adds_them_up(capsys):
    with pytest.raises(ValueError, match="points must be a positive number"):
        checks.check("demo_points", 1, points=0)
    with pytest.raises(ValueError, match="points must be a positive number"):
        checks.check("demo_points", 1, points=True)

    @checks.check("demo_points", 1, points=2)
    def first(x):
        if x != 1:
            raise checks.Wrong("no")
        return "yes"

    @checks.check("demo_points", 2)
    def second(x):
        return "yes"

    assert checks.points("demo_points") == {1: 2.0, 2: 1.0}
    first(1)
    checks.summary("demo_points")
    assert "Points: 2 of 3." in capsys.readouterr().out
    first(0)
    checks.summary("demo_points")
    assert "Points: 0 of 3." in capsys.readouterr().out


def test_grades_verdicts_and_feedback(tmp_path):
    b = book()
    lms.write_grades(b, tmp_path / "grades.csv")
    rows = {r["student"]: r for r in read(tmp_path / "grades.csv")}
    assert (rows["ann"]["task_1"], rows["ann"]["task_2"], rows["ann"]["total"]) == ("1", "0", "1")
    assert (rows["bob"]["total"], rows["bob"]["max_score"], rows["bob"]["percent"]) == ("2.5", "3.5", "71.4")
    assert rows["ann"]["submission_sha256"] == "a" * 64 and rows["ann"]["course_commit"] == "abc123"
    lms.write_verdicts(b, tmp_path / "verdicts.csv")
    long = read(tmp_path / "verdicts.csv")
    assert [(r["student"], r["task"], r["points"], r["max_points"]) for r in long] == [
        ("ann", "1", "1", "1"), ("ann", "2", "0", "2.5"), ("bob", "1", "0", "1"), ("bob", "2", "2.5", "2.5")]
    written = lms.write_feedback(b, tmp_path / "feedback")
    assert [p.name for p in written] == ["ann.md", "bob.md"]
    text = written[0].read_text("utf-8")
    assert "Score: 1 of 3.5 points" in text and "scaled on the test year" in text
    assert "## Task 2 · Scale: 0 of 2.5" in text


def write_roster(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize(("text", "words"), [
    ("", "no header row"),
    ("Student,ID,Section\nAnn,1,A\n", "has no column 'SIS Login ID'"),
    ("Student,SIS Login ID\nAnn,ann\nAnn B,ann\n", "appear more than once: ['ann']"),
    ("Student,SIS Login ID\nAnn,\n", "has no 'SIS Login ID'"),
])
def test_a_roster_that_would_mislead_is_refused(tmp_path, text, words):
    with pytest.raises(CourseInputError, match=words.replace("(", r"\(").replace("[", r"\[")):
        lms.read_roster(write_roster(tmp_path, text))


def test_missing_roster_file_and_other_key(tmp_path):
    with pytest.raises(CourseInputError, match="is not a file"):
        lms.read_roster(tmp_path / "nope.csv")
    roster = lms.read_roster(write_roster(tmp_path, "Name,email\nAnn,ann\nBob,bob\n"), key="email")
    assert roster.keys() == ["ann", "bob"]


def test_canvas_matches_by_key_lists_the_rest_and_drops_nobody(tmp_path):
    roster = lms.read_roster(write_roster(
        tmp_path, "Student,ID,SIS Login ID,Section,Other\n    Points Possible,,,,5\n"
                  "Ann,1,ANN,A,3\nCy,3,cy,B,4\n"))
    report = lms.write_canvas(book(), roster, tmp_path / "canvas.csv", "Exercise 7")
    rows = read(tmp_path / "canvas.csv")
    assert list(rows[0]) == ["Student", "ID", "SIS Login ID", "Section", "Exercise 7"]
    assert rows[0]["Exercise 7"] == "3.5"  # points possible
    assert [(r["SIS Login ID"], r["Exercise 7"]) for r in rows[1:]] == [("ANN", "1"), ("cy", "")]
    assert report.unmatched_submissions == ["bob"] and report.without_submission == ["cy"]
    lines = lms.report_lines(report, "SIS Login ID")
    assert any("bob" in line for line in lines) and any("cy" in line for line in lines)


def test_gradescope_results_shape():
    results = lms.gradescope_results(book(), "ann", seconds=12.34)
    assert results["score"] == 1.0 and results["execution_time"] == 12.3
    assert [t["name"] for t in results["tests"]] == ["Task 1 · Load", "Task 2 · Scale"]
    assert results["tests"][1] | {"output": ""} == {
        "name": "Task 2 · Scale", "number": "2", "score": 0.0, "max_score": 2.5,
        "status": "failed", "output": "", "visibility": "visible"}
    json.dumps(results)


def test_task_titles_ignore_the_points_suffix():
    cells = [{"cell_type": "markdown", "source": "## Task 3 · Scale with the training part (2 points)"}]
    assert lms.task_titles(cells) == {3: "Task 3 · Scale with the training part"}
