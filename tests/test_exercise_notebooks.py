"""Every solution, then its generated exercise, runs top to bottom in fast mode: one kernel each.

`make test` runs nbval over notebooks/ only; the exercises and their solutions run here
instead, a pair per kernel (``tests/shared_kernel.py``): the solution first, in a fresh
kernel, exactly as nbval would run it (so its ``assert_all_correct`` cell proves every check
accepts the reference answers), then the unsolved exercise in a reset namespace (so Run All
on an untouched exercise must not fail: every cell that needs an answer waits for it, and
every check reports the ``...`` placeholder as not attempted). One kernel start and one
TensorFlow import per pair instead of two. ``pytest --nbval-lax solutions/NN_*.ipynb`` still
runs one notebook on its own while writing it.

Each pair is a test class of its own (``TestPair01``...): `make test` runs ``--dist loadscope``,
which keeps a file's functions (and a notebook's cells) on one worker but spreads classes, so
the pairs are shared by both workers.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from shared_kernel import NotebookFailed, run_in_one_kernel

from tools import exercises, nbtools

SOLUTIONS = exercises.solution_paths()


def run_pair(solution):
    """Run ``solution``, then its exercise, in one kernel; fail with the notebook's traceback."""
    exercise = exercises.exercise_path(solution)
    assert exercise.exists(), f"{exercise.name} is missing: run `make exercises`"
    try:
        run_in_one_kernel([solution, exercise])
    except NotebookFailed as failed:  # the notebook's traceback (without colours), not ours
        pytest.fail(re.sub(r"\x1b\[[0-9;]*m", "", str(failed)), pytrace=False)


def _pair_class(solution):
    @pytest.mark.slow
    def test_solution_then_its_exercise_run_top_to_bottom(self):
        run_pair(solution)

    name = f"TestPair{solution.name[:2]}"
    return name, type(name, (), {"__doc__": f"{solution.name} and its exercise, one kernel.",
                                 "test_solution_then_its_exercise_run_top_to_bottom":
                                 test_solution_then_its_exercise_run_top_to_bottom})


# One class per pair (not a parametrized function): --dist loadscope schedules classes apart.
globals().update(_pair_class(path) for path in SOLUTIONS)


def test_every_exercise_and_solution_is_run_by_a_pair():
    """Nothing under exercises/ or solutions/ escapes the pairs (make test's nbval skips them)."""
    root = nbtools.repo_root()
    paired = {p for s in SOLUTIONS for p in (s, exercises.exercise_path(s))}
    on_disk = set((root / "solutions").glob("*.ipynb")) | set((root / "exercises").glob("*.ipynb"))
    assert on_disk <= paired, f"not run by any pair: {sorted(p.name for p in on_disk - paired)}"


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
