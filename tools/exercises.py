"""Generate exercise notebooks from their solutions (the single source).

A solution notebook ``solutions/NN_topic_solution.ipynb`` marks what students
must write::

    def rnn_step(x_t, h_prev, W, U, b):
        # BEGIN SOLUTION
        return np.tanh(x_t @ W + h_prev @ U + b)
        # END SOLUTION
        # STUB: return ...

The generator writes ``exercises/NN_topic_exercise.ipynb`` where

* every ``# BEGIN SOLUTION`` .. ``# END SOLUTION`` block becomes one
  ``# YOUR CODE HERE`` line (same indentation);
* every ``# STUB: code`` comment becomes ``code``, so the unsolved notebook
  still defines the names later cells use (usually as ``...``, which the
  checks report as "not attempted");
* cells tagged ``solution-only`` are dropped (for example the final
  ``checks.assert_all_correct()`` that keeps the solution honest);
* ``(solution)`` in the title becomes ``(exercise)``;
* every ``## Task N · ...`` heading gets what the task is worth, ``(2 points)``, read
  from the ``points=`` of its ``@check(EXERCISE, N, points=...)`` in
  ``helpers/checks/exNN_topic.py`` (default 1), so the two never drift apart.

Everything else (task text, setup cells, check cells) is copied unchanged.
Run ``make exercises`` (``python -m tools.exercises``) after editing a
solution; ``python -m tools.exercises --check`` reports drift, as the tests do.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from tools import grading, nbtools

BEGIN = re.compile(r"^(?P<indent>\s*)# BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*# END SOLUTION\s*$")
STUB = re.compile(r"^(?P<indent>\s*)# STUB: ?(?P<code>.*)$")
PLACEHOLDER = "# YOUR CODE HERE"
SOLUTION_ONLY = nbtools.SOLUTION_ONLY_TAG


TASK_HEADING = re.compile(r"^(?P<head>##\s+Task\s+(?P<task>\d+)\b.*?)\s*$", re.M)


class ExerciseMarkupError(ValueError):
    """The solution's BEGIN/END SOLUTION markers are unbalanced or misplaced."""


def strip_solution(source: str, where: str = "cell") -> str:
    """Replace solution blocks by placeholders and activate stubs in one cell's source."""
    out: list[str] = []
    inside = False
    for number, line in enumerate(source.splitlines(), start=1):
        begin, end, stub = BEGIN.match(line), END.match(line), STUB.match(line)
        if begin:
            if inside:
                raise ExerciseMarkupError(f"{where}, line {number}: BEGIN SOLUTION inside a block")
            inside = True
            out.append(begin["indent"] + PLACEHOLDER)
        elif end:
            if not inside:
                raise ExerciseMarkupError(f"{where}, line {number}: END SOLUTION without BEGIN")
            inside = False
        elif inside:
            continue
        elif stub:
            out.append(stub["indent"] + stub["code"])
        else:
            out.append(line)
    if inside:
        raise ExerciseMarkupError(f"{where}: BEGIN SOLUTION is never closed by END SOLUTION")
    return "\n".join(out)


def check_module(solution_path: Path) -> Path:
    """``solutions/NN_topic_solution.ipynb`` -> ``helpers/checks/exNN_topic.py``."""
    topic = solution_path.name.removesuffix("_solution.ipynb")
    return solution_path.parent.parent / "helpers" / "checks" / f"ex{topic}.py"


def task_points(module: Path) -> dict[int, float]:
    """``{task: points}`` of the ``@check(EXERCISE, task, points=...)`` decorators in ``module``.

    Read from the source with ``ast`` (tools never import ``helpers``): the task is the
    decorator's second argument and ``points`` its keyword (default 1). A missing module
    gives ``{}``.
    """
    if not module.exists():
        return {}
    return {task: worth for _, task, worth in grading.read_checks(module).values()}


def _with_points(source: str, points: dict[int, float]) -> str:
    def add(match: re.Match[str]) -> str:
        worth = points.get(int(match["task"]))
        if worth is None:
            return match.group(0)
        return f"{match['head']} ({worth:g} point{'' if worth == 1 else 's'})"

    return TASK_HEADING.sub(add, source)


def generate(solution: NotebookNode, points: dict[int, float] | None = None) -> NotebookNode:
    """Build the exercise notebook from a solution notebook (returns a new, clean notebook).

    ``points`` (``{task: points}``) adds each task's worth to its ``## Task N`` heading.
    """
    cells = []
    for index, cell in enumerate(solution.cells):
        if SOLUTION_ONLY in cell.metadata.get("tags", []):
            continue
        new = nbformat.from_dict(dict(cell))
        if cell.cell_type == "code":
            new.source = strip_solution(cell.source, where=f"cell {index}")
        elif cell.cell_type == "markdown" and points:
            new.source = _with_points(cell.source, points)
        cells.append(new)
    if cells and cells[0].cell_type == "markdown":
        cells[0].source = cells[0].source.replace("(solution)", "(exercise)", 1)
    exercise = nbformat.v4.new_notebook(cells=cells)
    return nbtools.clean(exercise)


def build(solution_path: Path) -> NotebookNode:
    """The exercise notebook for ``solution_path``, with the points of its check module."""
    return generate(nbtools.read(solution_path), task_points(check_module(solution_path)))


def exercise_path(solution_path: Path) -> Path:
    """``solutions/NN_topic_solution.ipynb`` -> ``exercises/NN_topic_exercise.ipynb``."""
    name = solution_path.name
    if not name.endswith("_solution.ipynb"):
        raise ValueError(f"{name}: solution notebooks are named NN_topic_solution.ipynb")
    return solution_path.parent.parent / "exercises" / name.replace("_solution.ipynb", "_exercise.ipynb")


def solution_paths(root: Path | None = None) -> list[Path]:
    """Every solution notebook, sorted."""
    return sorted(((root or nbtools.repo_root()) / "solutions").glob("*_solution.ipynb"))


def first_difference(expected: NotebookNode, actual: NotebookNode) -> str | None:
    """Describe the first cell where two notebooks differ, or None when they are equal."""
    for index, (a, b) in enumerate(zip(expected.cells, actual.cells, strict=False)):
        if a.cell_type != b.cell_type or a.source != b.source or a.metadata != b.metadata:
            first_line = (a.source.splitlines() or [""])[0][:60]
            return f"cell {index} differs (regenerated cell starts: {first_line!r})"
    if len(expected.cells) != len(actual.cells):
        return f"cell count differs: regenerated {len(expected.cells)}, committed {len(actual.cells)}"
    if nbtools.dumps(expected) != nbtools.dumps(actual):
        return "notebook metadata or formatting differs"
    return None


def main(argv: list[str] | None = None) -> int:
    """Regenerate every exercise (default) or, with --check, report which ones drifted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report drift; write nothing")
    args = parser.parse_args(argv)
    drift = 0
    for path in solution_paths():
        target = exercise_path(path)
        generated = build(path)
        if args.check:
            problem = (
                "missing" if not target.exists()
                else first_difference(generated, nbtools.read(target))
            )
            if problem:
                drift += 1
                print(f"{target.name}: {problem}")
        else:
            target.write_text(nbtools.dumps(generated))
            print(f"wrote {target}")
    return 1 if drift else 0


if __name__ == "__main__":
    raise SystemExit(main())
