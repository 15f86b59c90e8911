"""Run several notebooks top to bottom in one Jupyter kernel, each in a fresh namespace.

Test infrastructure (not part of the course): ``tests/test_exercise_notebooks.py`` runs each
solution and its generated exercise with it, so the pair pays for one kernel start and one
TensorFlow import instead of two. Before each notebook the kernel is reset to what a fresh
kernel would show that notebook:

* every name the previous notebook defined is gone (``%reset -f``), so a cell that uses a
  name its own notebook never defines still fails with ``NameError``;
* the working directory is the notebook's folder (as under nbval and Jupyter);
* the log of exercise verdicts is empty (``helpers.checks.reset``), so
  ``assert_all_correct`` only counts the checks this notebook ran;
* figures are closed and Keras's global state (layer-name counters, graphs) is cleared.

What stays is what a kernel cannot drop without restarting: imported modules (so each
notebook's ``import`` lines still run, but faster). A cell that raises fails the run, as
under ``pytest --nbval-lax``, with the notebook, the cell number and the traceback.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["NotebookFailed", "reset_source", "run_in_one_kernel"]

RESET = """\
%reset -f
import os as _os, sys as _sys
_os.chdir({folder!r})
for _name, _call in (("helpers.checks", "reset"), ("matplotlib.pyplot", "close")):
    if _name in _sys.modules:
        getattr(_sys.modules[_name], _call)(*(("all",) if _call == "close" else ()))
if "keras" in _sys.modules:
    _sys.modules["keras"].backend.clear_session()
del _os, _sys, _name, _call
"""


class NotebookFailed(AssertionError):
    """A cell of one of the notebooks raised; the message names the notebook and the cell,
    ``path`` is the notebook."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


def reset_source(folder: Path) -> str:
    """The cell the kernel runs before each notebook: clean namespace, cwd ``folder``.

    >>> print(reset_source(Path("/course/solutions")).splitlines()[:3])
    ['%reset -f', 'import os as _os, sys as _sys', "_os.chdir('/course/solutions')"]
    """
    return RESET.format(folder=str(folder))


def run_in_one_kernel(paths: list[Path], timeout: int = 600) -> None:
    """Execute every code cell of ``paths``, in order, in one kernel; raise on the first error.

    ``timeout`` is per cell (seconds), like ``--nbval-cell-timeout``. The kernel inherits
    this process's environment (``COURSE_FAST``, ``MPLBACKEND``), as nbval's does.
    Raises :class:`NotebookFailed` naming the notebook, the cell (1-based, counting every
    cell as Jupyter shows them) and the error.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from tools.runner import kernel_config

    paths = [Path(p).resolve() for p in paths]
    if not paths:
        raise ValueError("run_in_one_kernel needs at least one notebook")
    notebooks = [nbformat.read(str(p), as_version=4) for p in paths]
    with tempfile.TemporaryDirectory(prefix="course-kernel-") as sockets:
        client = NotebookClient(notebooks[0], timeout=timeout, kernel_name="python3",
                                config=kernel_config(Path(sockets)), allow_errors=False,
                                resources={"metadata": {"path": str(paths[0].parent)}})
        with client.setup_kernel(cwd=str(paths[0].parent), env=dict(os.environ)):
            for path, nb in zip(paths, notebooks, strict=True):
                reset = nbformat.v4.new_code_cell(reset_source(path.parent))
                # nbclient stores each executed cell back into client.nb at its index
                client.nb = nbformat.v4.new_notebook(cells=[reset])
                try:
                    client.execute_cell(reset, 0)
                except CellExecutionError as err:
                    raise NotebookFailed(f"resetting the kernel before {path.name} failed:"
                                         f"\n{err}", path) from None
                client.nb = nb
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type != "code":
                        continue
                    try:
                        client.execute_cell(cell, index)
                    except CellExecutionError as err:
                        before = ", ".join(p.name for p in paths[:paths.index(path)])
                        raise NotebookFailed(
                            f"{path.parent.name}/{path.name}, cell {index + 1} failed"
                            + (f" (run after {before} in the same kernel)" if before else "")
                            + f":\n{err}", path) from None
