"""Exercise generation: markers, stubs, naming, and committed exercises in sync."""

from __future__ import annotations

import nbformat
import pytest

from tools import exercises, nbtools
from tools.exercises import ExerciseMarkupError, generate, strip_solution

ROOT = nbtools.repo_root()
SOLUTIONS = exercises.solution_paths()


def test_strip_solution_keeps_indentation_and_activates_stubs():
    source = (
        "def f(x):\n"
        '    """Doc."""\n'
        "    # BEGIN SOLUTION\n"
        "    y = x + 1\n"
        "    return y\n"
        "    # END SOLUTION\n"
        "    # STUB: return ...\n"
        "print(f(1))"
    )
    assert strip_solution(source) == (
        'def f(x):\n    """Doc."""\n    # YOUR CODE HERE\n    return ...\nprint(f(1))'
    )


def test_strip_solution_leaves_plain_cells_alone():
    assert strip_solution("a = 1\n# a comment") == "a = 1\n# a comment"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("# BEGIN SOLUTION\nx = 1", "never closed"),
        ("x = 1\n# END SOLUTION", "END SOLUTION without BEGIN"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside a block"),
    ],
)
def test_unbalanced_markers_are_reported(source, message):
    with pytest.raises(ExerciseMarkupError, match=message):
        strip_solution(source)


def test_generate_drops_solution_only_cells_and_retitles():
    solution = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Exercise 99 · Demo (solution)\nText."),
        nbformat.v4.new_code_cell("# BEGIN SOLUTION\nx = 2\n# END SOLUTION\n# STUB: x = ..."),
        nbformat.v4.new_code_cell("check(x)"),
        nbformat.v4.new_code_cell("assert_all()", metadata={"tags": ["solution-only"]}),
    ])
    exercise = generate(solution)
    assert [c.source for c in exercise.cells] == [
        "# Exercise 99 · Demo (exercise)\nText.",
        "# YOUR CODE HERE\nx = ...",
        "check(x)",
    ]
    assert nbtools.problems(exercise) == []


def test_exercise_path_naming():
    path = ROOT / "solutions" / "07_sales_solution.ipynb"
    assert exercises.exercise_path(path) == ROOT / "exercises" / "07_sales_exercise.ipynb"
    with pytest.raises(ValueError, match="NN_topic_solution"):
        exercises.exercise_path(ROOT / "solutions" / "07_sales.ipynb")


def test_there_is_at_least_one_exercise():
    assert SOLUTIONS, "no solution notebooks found"


def test_every_exercise_has_a_solution():
    for path in (ROOT / "exercises").glob("*.ipynb"):
        assert path.name.endswith("_exercise.ipynb"), f"{path.name}: name it NN_topic_exercise.ipynb"
        solution = ROOT / "solutions" / path.name.replace("_exercise", "_solution")
        assert solution.exists(), f"{path.name} has no solution {solution.name}"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_committed_exercise_matches_its_solution(solution):
    target = exercises.exercise_path(solution)
    assert target.exists(), f"{target.name} is missing: run `make exercises`"
    difference = exercises.first_difference(exercises.build(solution), nbtools.read(target))
    assert difference is None, f"{target.name} drifted from {solution.name}: {difference}. " \
        "Run `make exercises`."


@pytest.mark.parametrize("solution", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_solution_marks_tasks_and_checks_them(solution):
    nb = nbtools.read(solution)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert code.count("# BEGIN SOLUTION") >= 3, "an exercise has at least three tasks"
    assert "assert_all_correct" in code, "the solution ends by asserting every check passes"
    exercise = generate(nb)
    assert "# BEGIN SOLUTION" not in "\n".join(c.source for c in exercise.cells)


def test_first_difference_names_the_cell():
    a = nbtools.from_percent("# %%\nx = 1\n# %%\ny = 2\n")
    b = nbtools.from_percent("# %%\nx = 1\n# %%\ny = 3\n")
    assert exercises.first_difference(a, a) is None
    assert "cell 1 differs" in exercises.first_difference(a, b)


def test_check_mode_reports_drift(tmp_path, monkeypatch, capsys):
    (tmp_path / "solutions").mkdir()
    (tmp_path / "exercises").mkdir()
    nbtools.write(nbtools.from_percent("# %%\n# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n"),
                  tmp_path / "solutions" / "01_demo_solution.ipynb")
    monkeypatch.setattr(exercises, "solution_paths",
                        lambda root=None: sorted((tmp_path / "solutions").glob("*.ipynb")))
    assert exercises.main(["--check"]) == 1
    assert "missing" in capsys.readouterr().out
    assert exercises.main([]) == 0
    assert exercises.main(["--check"]) == 0
