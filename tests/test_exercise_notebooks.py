"""Every notebook, then its solution and exercise, runs top to bottom in fast mode: one kernel.

`make test` gives no notebook to nbval: each course notebook ``notebooks/NN_*.ipynb`` runs
here with the solution and the exercise of the same number, in one kernel
(``tests/shared_kernel.py``). The notebook runs first, in a fresh kernel, exactly as nbval
would run it; then the solution in a reset namespace (so its ``assert_all_correct`` cell
proves every check accepts the reference answers); then the unsolved exercise (so Run All on
an untouched exercise must not fail: every cell that needs an answer waits for it, and every
check reports the ``...`` placeholder as not attempted). One kernel start and one TensorFlow
import per number instead of three. ``pytest -p no:xdist --nbval-lax notebooks/NN_*.ipynb``
(or ``solutions/NN_*.ipynb``) still runs one notebook on its own, cell by cell, while writing
it.

Each number is a test class of its own (``TestNotebook01``...): `make test` runs
``--dist loadscope``, which keeps a file's functions on one worker but spreads classes;
``tests/conftest.py`` puts these classes first and ``--no-loadscope-reorder`` keeps that
order, so the two workers share them and the many small test files fill in around them.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from shared_kernel import NotebookFailed, run_in_one_kernel

from tools import exercises, nbtools

ROOT = nbtools.repo_root()
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = exercises.solution_paths()


def group(notebook):
    """``notebook``, then each solution of its number and that solution's exercise."""
    solutions = [s for s in SOLUTIONS if s.name[:2] == notebook.name[:2]]
    return [notebook, *(p for s in solutions for p in (s, exercises.exercise_path(s)))]


def run_group(paths):
    """Run ``paths`` in order in one kernel; fail with the failing notebook's traceback."""
    for path in paths:
        assert path.exists(), f"{path.name} is missing: run `make exercises`"
    try:
        run_in_one_kernel(paths)
    except NotebookFailed as failed:  # the notebook's traceback (without colours), not ours
        pytest.fail(re.sub(r"\x1b\[[0-9;]*m", "", str(failed)), pytrace=False)


def _notebook_class(notebook):
    paths = group(notebook)

    @pytest.mark.slow
    def test_notebook_then_its_solution_and_exercise_run_top_to_bottom(self):
        run_group(paths)

    name = f"TestNotebook{notebook.name[:2]}"
    names = ", ".join(p.name for p in paths)
    return name, type(name, (), {"__doc__": f"{names}: one kernel, in this order.",
                                 "test_notebook_then_its_solution_and_exercise_run_top_to_bottom":
                                 test_notebook_then_its_solution_and_exercise_run_top_to_bottom})


# One class per number (not a parametrized function): --dist loadscope schedules classes apart.
globals().update(_notebook_class(path) for path in NOTEBOOKS)


def test_every_notebook_exercise_and_solution_is_run_by_a_class():
    """Nothing in notebooks/, exercises/ or solutions/ escapes the classes above."""
    run = {p for nb in NOTEBOOKS for p in group(nb)}
    on_disk = {p for folder in nbtools.NOTEBOOK_DIRS for p in (ROOT / folder).glob("*.ipynb")}
    assert on_disk <= run, f"not run by any class: {sorted(p.name for p in on_disk - run)}"
    assert len(NOTEBOOKS) >= 13 and all(len(group(nb)) in (1, 3) for nb in NOTEBOOKS)


def _write(path, *sources):
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# demo"),
                                         *(nbformat.v4.new_code_cell(s) for s in sources)])
    nbformat.write(nb, str(path))
    return path


@pytest.mark.slow
def test_shared_kernel_gives_each_notebook_a_fresh_namespace_and_its_folder(tmp_path):
    """The second notebook may not see the first one's names, and runs in its own folder."""
    first = _write(tmp_path / "solutions" / "99_demo_solution.ipynb",
                   "import os\nx = 1\nassert os.getcwd().endswith('solutions')")
    second = _write(tmp_path / "exercises" / "99_demo_exercise.ipynb",
                    "import os\nassert os.getcwd().endswith('exercises'), os.getcwd()",
                    "print(x)")
    with pytest.raises(NotebookFailed) as caught:
        run_in_one_kernel([first, second], timeout=60)
    message = str(caught.value)
    assert "exercises/99_demo_exercise.ipynb, cell 3 failed" in message, message
    assert "after 99_demo_solution.ipynb" in message and "NameError" in message, message
