"""Grade a class: run every submitted exercise notebook in isolation and tabulate the verdicts.

``python -m tools.grading --exercise 01 --submissions DIR --out DIR [--jobs N] [--full]``
(or ``make grade EXERCISE=01 SUBMISSIONS=DIR OUT=DIR``) grades every ``*.ipynb`` in
``DIR``; the student id is the file name without ``.ipynb``. It writes

* ``OUT/grades.csv``: one row per student: the points of each task, ``total``,
  ``max_score``, ``percent``, the submission's SHA-256, the course commit, the mode and the
  time of grading (for regrade disputes);
* ``OUT/verdicts.csv``: one row per student and task, ``student,task,status,message,points,
  max_points``, ``status`` one of ``correct``, ``wrong``, ``not attempted``, ``error``;
* ``OUT/feedback/<student>.md``: each task's verdict and hint, written to the student;
* ``OUT/canvas.csv`` with ``--roster``: Canvas's gradebook import (:mod:`tools.lms`);
* ``OUT/summary.md``: per task the share correct and the most common hints, per student
  the points, and the time each submission took.

A task is worth the ``points=`` of its ``@check`` (default 1).

How one submission is graded (``--jobs`` at a time, each job slot keeping one worker
process that grades its submissions one after another):

1. The file is read; a file that is not a notebook, or a notebook of another exercise,
   gets an ``error`` row per task without running anything.
2. A temporary copy of the course (``helpers/``, ``data/`` and ``exercises/`` holding
   only this submission, outputs stripped) is made, and the notebook runs there headless
   with nbclient, in a fresh kernel whose working directory is the copy's
   ``exercises/``, with a timeout per cell and per notebook. Where the OS allows it the
   kernel runs in its own network namespace (no network) and sees the course checkout
   read-only (``unshare``; see :func:`sandbox_prefix`).
3. After the student's cells, the grader sends a cell of its own: it drops every
   ``helpers.checks`` module the student's kernel holds, imports the checks fresh, and
   evaluates the check calls taken from the course's *own* exercise notebook (never
   from the submission) on the student's variables. The verdicts go to a JSON file in a
   private temporary folder whose name the student's code cannot know when it runs.
   Nothing printed by the notebook, and none of its saved outputs, is ever read.
4. A cell that runs too long, a kernel that dies, output beyond ``--max-output-mb``, or
   a notebook that changed the working directory or deleted or edited course files
   turns every task of that submission into ``error`` with the reason.

This module imports only the standard library at import time; nbclient/nbformat are
imported where they are used. The grader's own process never imports ``helpers`` or
TensorFlow: the check registry is read from the check module's source (:func:`registry_of`),
and TensorFlow only runs in the kernels.
"""

from __future__ import annotations

import argparse
import ast
import functools
import hashlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# The verdict statuses of helpers.checks (a test keeps them equal), plus the grader's own.
CORRECT, NOT_ATTEMPTED, WRONG, ERROR = "correct", "not attempted", "wrong", "error"
STATUSES = (CORRECT, WRONG, NOT_ATTEMPTED, ERROR)

COURSE_PARTS = ("helpers", "data", "pyproject.toml")
"""What the temporary course copy holds besides ``exercises/``."""

DEFAULT_CELL_TIMEOUT = {True: 300, False: 1800}
DEFAULT_NOTEBOOK_TIMEOUT = {True: 900, False: 3600}
DEFAULT_MAX_OUTPUT_MB = 20.0
DEFAULT_MAX_FILE_MB = 100.0


@dataclass(frozen=True)
class CheckCall:
    """One check call of the course's exercise notebook: ``alias.func(args...)``."""

    task: int
    func: str
    alias: str
    source: str


@dataclass
class Plan:
    """Everything a worker needs to grade one submission (written to it as JSON)."""

    student: str
    submission: str
    exercise: str
    module: str
    notebook_name: str
    calls: list[dict[str, Any]]
    tasks: list[int]
    template: str
    fast: bool
    cell_timeout: float
    notebook_timeout: float
    max_output_bytes: int
    max_file_bytes: int
    sandbox: list[str]
    result: str
    pidfile: str


@dataclass
class Outcome:
    """The grade of one submission: a verdict per task, or one reason for them all."""

    student: str
    verdicts: dict[int, tuple[str, str]] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def rows(self, tasks: list[int]) -> list[tuple[str, int, str, str]]:
        """``(student, task, status, message)`` for every task."""
        if self.error is not None:
            return [(self.student, t, ERROR, self.error) for t in tasks]
        rows = []
        for t in tasks:
            status, message = self.verdicts.get(
                t, (ERROR, "the grader got no verdict for this task"))
            rows.append((self.student, t, status, message))
        return rows


# --------------------------------------------------------------------------- the exercise


def find_exercise(number: str, root: Path = ROOT) -> tuple[str, Path, str]:
    """``(exercise id, trusted exercise notebook, check module)`` for an exercise number.

    ``"1"``, ``"01"`` and ``"01_rnn_basics"`` all name exercise ``01_rnn_basics``.
    """
    from tools import CourseInputError

    text = str(number).strip()
    match = re.fullmatch(r"(\d{1,2})(_[a-z0-9_]+)?", text)
    if not match:
        raise CourseInputError(f"--exercise {number!r} is not an exercise number: give two "
                               "digits such as --exercise 01.")
    prefix = f"{int(match.group(1)):02d}"
    found = sorted((root / "exercises").glob(f"{prefix}_*_exercise.ipynb"))
    if len(found) != 1:
        known = ", ".join(p.name[:2] for p in sorted((root / "exercises").glob("*_exercise.ipynb")))
        raise CourseInputError(f"There is no exercise {prefix} in {root / 'exercises'}. "
                               f"Exercises: {known}.")
    notebook = found[0]
    exercise = notebook.name[: -len("_exercise.ipynb")]
    module = f"helpers.checks.ex{exercise}"
    if not (root / "helpers" / "checks" / f"ex{exercise}.py").exists():
        raise CourseInputError(f"Exercise {exercise} has no check module helpers/checks/"
                               f"ex{exercise}.py, so it cannot be graded.")
    return exercise, notebook, module


def check_aliases(tree: ast.AST, module: str) -> set[str]:
    """The names a cell binds to the check module (``from helpers.checks import exNN as a``)."""
    package, _, leaf = module.rpartition(".")
    aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == package:
            aliases |= {a.asname or a.name for a in node.names if a.name == leaf}
        elif isinstance(node, ast.Import):
            aliases |= {a.asname for a in node.names if a.name == module and a.asname}
    return aliases


def check_calls(notebook: Path, module: str, registry: dict[str, int]) -> list[CheckCall]:
    """The check calls of the course's own exercise notebook, one per task, in task order.

    ``registry`` maps each check function's name to its task (from
    :func:`helpers.checks.registered`). A check cell is a top-level expression
    ``alias.check_something(...)`` where ``alias`` is bound to the check module.
    """
    import nbformat

    from tools import CourseInputError

    nb = nbformat.read(str(notebook), as_version=4)
    aliases: set[str] = set()
    calls: dict[int, CheckCall] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        aliases |= check_aliases(tree, module)
        for stmt in tree.body:
            value = stmt.value if isinstance(stmt, ast.Expr) else None
            if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                    and isinstance(value.func.value, ast.Name)
                    and value.func.value.id in aliases and value.func.attr in registry):
                continue
            task = registry[value.func.attr]
            calls[task] = CheckCall(task, value.func.attr, value.func.value.id,
                                    ast.get_source_segment(cell.source, value) or "")
    missing = sorted(set(registry.values()) - set(calls))
    if missing:
        raise CourseInputError(f"{notebook.name} has no check cell for task(s) {missing}, so "
                               "those tasks cannot be graded.")
    return [calls[t] for t in sorted(calls)]


# Runs in a child process: importing the checks imports ``helpers`` and so TensorFlow,
# which the grader's own process never does.
def registry_of(module: str, exercise: str, root: Path = ROOT) -> dict[str, int]:
    """``{check function name: task}`` from the course's check module.

    Read from the module's source with ``ast`` (see :func:`_registry`), so the grader
    imports neither ``helpers`` nor TensorFlow: a grading run, and a Gradescope container
    that grades one submission, start one TensorFlow (the kernel's) instead of two.
    """
    return {name: task for name, (task, _) in _registry(module, exercise, Path(root)).items()}


def points_of(module: str, exercise: str, root: Path = ROOT) -> dict[int, float]:
    """``{task: points}`` from the course's check module (the ``points=`` of each ``@check``)."""
    return {task: worth for task, worth in _registry(module, exercise, Path(root)).values()}


def read_checks(path: Path) -> dict[str, tuple[Any, int, float]]:
    """``{function name: (exercise, task, points)}`` of the ``@check`` functions in ``path``.

    Read from the source with ``ast``, so neither ``helpers`` nor TensorFlow is imported:
    ``exercise`` is the decorator's first argument (a string, or a module-level name such
    as ``EXERCISE`` resolved to its string), ``task`` its second, ``points`` its keyword
    (default 1). Also used by :func:`tools.exercises.task_points`.
    """
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    named = {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
             for target in node.targets if isinstance(target, ast.Name)
             and isinstance(node.value, ast.Constant)}
    found: dict[str, tuple[Any, int, float]] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            if not (isinstance(deco, ast.Call) and getattr(deco.func, "id", None) == "check"
                    and len(deco.args) >= 2 and isinstance(deco.args[1], ast.Constant)):
                continue
            first = deco.args[0]
            owner = (first.value if isinstance(first, ast.Constant)
                     else named.get(first.id) if isinstance(first, ast.Name) else None)
            worth = next((k.value for k in deco.keywords if k.arg == "points"), None)
            found[node.name] = (owner, int(deco.args[1].value),
                                1.0 if worth is None else float(ast.literal_eval(worth)))
    return found


@functools.cache
def _registry(module: str, exercise: str, root: Path) -> dict[str, tuple[int, float]]:
    """``{function name: (task, points)}`` of the ``@check(EXERCISE, task, points=...)`` functions.

    The module's ``EXERCISE = "..."`` must name ``exercise``; a test compares this reading
    with the registry that importing the module fills, for every exercise.
    """
    path = root.joinpath(*module.split(".")).with_suffix(".py")
    if not path.is_file():
        raise RuntimeError(f"could not read the checks registered by {module}: no {path}")
    found = read_checks(path)
    for name, (owner, _, _) in found.items():
        if owner != exercise:
            raise RuntimeError(f"could not read the checks registered by {module}: "
                               f"{name} is registered for {owner!r}, not {exercise!r}")
    if not found:
        raise RuntimeError(f"could not read the checks registered by {module}: no @check "
                           "functions in it")
    return {name: (task, worth) for name, (_, task, worth) in found.items()}


# --------------------------------------------------------------------------- isolation


def _copy_course(target: Path, root: Path = ROOT) -> None:
    target.mkdir(parents=True, exist_ok=True)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for part in COURSE_PARTS:
        source = root / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=skip)
        elif source.exists():
            shutil.copy2(source, target / part)
    (target / "exercises").mkdir(exist_ok=True)


def manifest(course: Path) -> dict[str, str]:
    """SHA-256 of every file the course copy started with (``helpers/``, ``data/``...)."""
    digests = {}
    for part in COURSE_PARTS:
        base = course / part
        files = [base] if base.is_file() else sorted(base.rglob("*")) if base.is_dir() else []
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digests[str(path.relative_to(course))] = hashlib.sha256(
                    path.read_bytes()).hexdigest()
    return digests


def tampered(course: Path, expected: dict[str, str]) -> list[str]:
    """The course files that are missing or changed, compared with ``expected``."""
    found = manifest(course) if course.is_dir() else {}
    return sorted(name for name, digest in expected.items() if found.get(name) != digest)


_RO_WRAPPER = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'


def sandbox_prefix(root: Path = ROOT) -> tuple[list[str], str]:
    """A command prefix that runs the kernel without network, and how much it isolates.

    Tries, in order, with ``unshare`` (util-linux): a new network and mount namespace in
    which the course checkout is mounted read-only; a new network namespace only; the
    same two inside a user namespace (``--user --map-root-user``) for users who are not
    root. The kernel still talks to the grader over Unix sockets in a temporary folder,
    which a network namespace does not cut. Where none works (macOS, Windows, containers
    that forbid namespaces) it returns ``[]`` and the kernel has the network.
    """
    unshare = shutil.which("unshare")
    if not unshare or os.name != "posix":
        return [], "none: no `unshare` on this system, so the kernels can reach the network"
    ro = ["sh", "-c", _RO_WRAPPER, str(root)]
    candidates = []
    for user in ([], ["--user", "--map-root-user"]):
        candidates.append(([unshare, *user, "--net", "--mount", "--", *ro],
                           "network off (own network namespace), course checkout read-only "
                           "(own mount namespace)"))
        candidates.append(([unshare, *user, "--net", "--"],
                           "network off (own network namespace); the course checkout is "
                           "writable by the kernel's user"))
    # /proc/self/net/dev lists the interfaces of the reader's network namespace: only lo.
    probe = ("import sys; lines = open('/proc/self/net/dev').read().splitlines()[2:]; "
             "sys.exit([line.split(':')[0].strip() for line in lines] != ['lo'])")
    for prefix, words in candidates:
        try:
            done = subprocess.run([*prefix, sys.executable, "-c", probe], capture_output=True,
                                  timeout=30, check=False)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return prefix, words
    return [], "none: `unshare` is not permitted here, so the kernels can reach the network"


# --------------------------------------------------------------------------- one submission

# Runs inside the student's kernel after the student's cells. It must not rely on any
# name the student defined; it writes the verdicts to a file only the grader knows.
GRADER_SOURCE = r'''
def _grade(result_path, module_name, exercise, calls, folder):
    import contextlib, importlib, io, json, os, sys
    record = {"cwd": os.getcwd(), "verdicts": {}, "problem": None}
    try:
        if os.path.realpath(record["cwd"]) != os.path.realpath(folder):
            raise RuntimeError(f"the working directory is {record['cwd']}, not {folder}")
        for name in [n for n in sys.modules
                     if n == "helpers.checks" or n.startswith("helpers.checks.")]:
            del sys.modules[name]
        checks = importlib.import_module("helpers.checks")
        module = importlib.import_module(module_name)
        record["checks_file"] = module.__file__
        namespace = dict(get_ipython().user_ns)
        for call in calls:
            namespace[call["alias"]] = module
            sink = io.StringIO()
            try:
                with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                    verdict = eval(compile(call["source"], "<check>", "eval"), namespace)
                if not isinstance(verdict, checks.Verdict):
                    raise TypeError(f"the check returned {type(verdict).__name__}")
                record["verdicts"][str(call["task"])] = [verdict.status, verdict.message]
            except NameError as err:
                record["verdicts"][str(call["task"])] = [
                    checks.WRONG, f"the notebook does not define what the check needs "
                    f"({err}): run every cell, and keep the names the task gives."]
            except BaseException as err:
                record["verdicts"][str(call["task"])] = [
                    "error", "the check itself failed: " + checks.describe_error(err)]
    except BaseException as err:
        record["problem"] = f"{type(err).__name__}: {err}"
    with open(result_path, "w", encoding="utf-8") as handle:
        json.dump(record, handle)
'''


def _grader_cell(result: Path, plan: Plan, folder: Path) -> str:
    arguments = ", ".join(repr(v) for v in (str(result), plan.module, plan.exercise, plan.calls,
                                            str(folder)))
    return ("__import__('builtins').exec(" + repr(GRADER_SOURCE + f"\n_grade({arguments})\n")
            + ", {'get_ipython': get_ipython, '__name__': 'course_grader'})")


def wrong_exercise(nb: Any, exercise: str) -> str | None:
    """Why ``nb`` looks like another exercise than ``exercise``, or None when it may be it."""
    number = exercise[:2]
    seen: set[str] = set()
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if cell.get("cell_type") == "code":
            for line in source.splitlines():
                if "helpers.checks" in line:
                    seen |= set(re.findall(r"\bex(\d\d)_[a-z][a-z0-9_]*", line))
        elif cell.get("cell_type") == "markdown":
            seen |= set(re.findall(r"^#\s*Exercise\s+(\d\d)\b", source, flags=re.M))
    if seen and number not in seen:
        return (f"this is not exercise {number}: the notebook belongs to exercise "
                f"{', '.join(sorted(seen))}. Ask the student for exercises/"
                f"{exercise}_exercise.ipynb.")
    return None


def _client_class() -> type:
    """An nbclient NotebookClient that keeps no outputs, only their size and the errors."""
    from nbclient import NotebookClient

    class QuietClient(NotebookClient):  # type: ignore[misc, valid-type]
        output_bytes = 0
        cell_errors: list[str]

        def output(self, outs: list, msg: dict, display_id: str | None,
                   cell_index: int) -> None:
            content = msg.get("content", {})
            self.output_bytes += len(json.dumps(content, default=str))
            if msg.get("msg_type") == "error" and len(self.cell_errors) < 20:
                self.cell_errors.append(f"cell {cell_index + 1}: {content.get('ename')}: "
                                        f"{str(content.get('evalue'))[:200]}")
            return None

    return QuietClient


def _kernel_manager_class(sandbox: list[str]) -> type:
    """An async kernel manager whose kernel command starts with ``sandbox``."""
    from jupyter_client.manager import AsyncKernelManager

    class SandboxedKernelManager(AsyncKernelManager):  # type: ignore[misc, valid-type]
        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            return [*sandbox, *super().format_kernel_cmd(extra_arguments)]

    return SandboxedKernelManager


def _kernel_config(sockets: Path) -> Any:
    """IPC sockets in ``sockets`` where the OS has them (they cross network namespaces)."""
    from traitlets.config import Config

    config = Config()
    if os.name == "posix":
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(sockets / "kernel")
    return config


def _kernel_env(plan: Plan, course: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COURSE_", "JPY_", "PYTEST_")) and k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(course), HOME=str(home), MPLBACKEND="Agg",
               PYTHONDONTWRITEBYTECODE="1", KERAS_HOME=str(home / ".keras"))
    if plan.fast:
        env["COURSE_FAST"] = "1"
    return env


def grade_one(plan: Plan) -> Outcome:
    """Grade one submission (runs in a worker process); never raises."""
    start = time.perf_counter()
    outcome = Outcome(plan.student)
    try:
        _grade_into(plan, outcome)
    except Exception as err:  # the grader's own failure still gives rows
        outcome.error = f"the grader failed on this submission: {type(err).__name__}: {err}"
    outcome.seconds = round(time.perf_counter() - start, 1)
    return outcome


def _grade_into(plan: Plan, outcome: Outcome) -> None:
    import nbformat
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    path = Path(plan.submission)
    size = path.stat().st_size
    if size > plan.max_file_bytes:
        outcome.error = (f"the file is {size / 1e6:.0f} MB, over the {plan.max_file_bytes / 1e6:.0f}"
                         " MB limit: ask for the notebook with its outputs cleared.")
        return
    try:
        nb = nbformat.reads(path.read_text(encoding="utf-8", errors="replace"), as_version=4)
        cells = [c for c in nb.cells if c.get("cell_type") in ("code", "markdown", "raw")]
        if not isinstance(nb.cells, list) or len(cells) != len(nb.cells):
            raise ValueError("it has cells of unknown types")
    except Exception as err:
        first = str(err).strip().splitlines()[0][:200] if str(err).strip() else ""
        outcome.error = (f"not a readable notebook ({type(err).__name__}: {first}). The file "
                         "may be truncated or edited by hand; ask for it again.")
        return
    reason = wrong_exercise(nb, plan.exercise)
    if reason:
        outcome.error = reason
        return
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.source = "".join(cell.source) if isinstance(cell.source, list) else cell.source
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}

    work = Path(tempfile.mkdtemp(prefix="grade-"))
    private = Path(tempfile.mkdtemp())
    try:
        course = work / "course"
        shutil.copytree(plan.template, course)
        expected = manifest(course)
        folder = course / "exercises"
        nbformat.write(nb, str(folder / plan.notebook_name))
        home = work / "home"
        home.mkdir()
        result = private / f"{os.urandom(8).hex()}.json"
        _run(plan, nb, folder, home, work, result, outcome, CellTimeoutError, DeadKernelError,
             lambda: tampered(course, expected))
        if outcome.error is None:
            broken = tampered(course, expected)
            record = json.loads(result.read_text()) if result.exists() else None
            if broken:
                shown = ", ".join(broken[:3]) + (f" and {len(broken) - 3} more"
                                                 if len(broken) > 3 else "")
                outcome.error = (f"the notebook deleted or changed course files ({shown}); "
                                 "graded notebooks must leave helpers/ and data/ alone.")
            elif record is None:
                outcome.error = ("the grader's own cell did not finish: "
                                 + ("; ".join(outcome.notes[-1:]) or "no reason given"))
            elif Path(record["cwd"]).resolve() != folder.resolve():
                outcome.error = (f"the notebook changed the working directory (os.chdir) to "
                                 f"{record['cwd']}; remove the chdir: the notebook must run "
                                 "from its exercise folder.")
            elif record["problem"]:
                outcome.error = f"the checks could not be imported: {record['problem']}"
            else:
                outcome.verdicts = {int(t): (s, m) for t, (s, m) in record["verdicts"].items()}
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(private, ignore_errors=True)


def _run(plan: Plan, nb: Any, folder: Path, home: Path, work: Path, result: Path,
         outcome: Outcome, timeout_error: type, dead_error: type,
         tampered_now: Callable[[], list[str]]) -> None:
    """Execute the student's cells, then the grader's cell, in one fresh kernel.

    The grader's cell is skipped when the student's cells changed course files (the caller
    reports which), and it imports no check when the working directory moved: both are
    errors whatever the checks would say, and importing the checks costs a TensorFlow import.
    """
    import nbformat

    sockets = Path(tempfile.mkdtemp(prefix="k-", dir=work))
    client = _client_class()(nb, kernel_name="python3", timeout=None, allow_errors=True,
                             kernel_manager_class=_kernel_manager_class(plan.sandbox),
                             config=_kernel_config(sockets), interrupt_on_timeout=False,
                             shutdown_kernel="immediate", iopub_timeout=10,
                             resources={"metadata": {"path": str(folder)}})
    client.cell_errors = []
    deadline = time.monotonic() + plan.notebook_timeout + 600  # reset once the kernel is up
    index, stage, by_budget = -1, "start", False
    try:
        with client.setup_kernel(env=_kernel_env(plan, folder.parent, home), cwd=str(folder)):
            pid = getattr(client.km.provisioner, "pid", None)
            if pid:
                Path(plan.pidfile).write_text(str(pid))
            stage = "student"
            deadline = time.monotonic() + plan.notebook_timeout
            for index, cell in enumerate(nb.cells):
                left = deadline - time.monotonic()
                by_budget = left < plan.cell_timeout
                if left <= 0:
                    raise timeout_error("notebook deadline")
                client.timeout = max(1, int(min(plan.cell_timeout, left)))
                client.execute_cell(cell, index)
                if client.output_bytes > plan.max_output_bytes:
                    outcome.error = (f"cell {index + 1} brought the notebook's output to "
                                     f"{client.output_bytes / 1e6:.1f} MB, over the "
                                     f"{plan.max_output_bytes / 1e6:g} MB limit; printing "
                                     "that much is not part of any task.")
                    return
            if tampered_now():
                return
            stage, index = "grader", len(nb.cells)
            client.timeout = max(1, int(plan.cell_timeout))
            grader = nbformat.v4.new_code_cell(_grader_cell(result, plan, folder))
            nb.cells.append(grader)
            client.execute_cell(grader, index)
            outcome.notes.extend(client.cell_errors)
    except timeout_error:
        if stage == "grader":
            outcome.error = (f"a function from the notebook ran longer than {plan.cell_timeout:g}"
                             " s when the checks called it (an endless loop?).")
        elif by_budget:
            outcome.error = (f"the notebook ran longer than {plan.notebook_timeout:g} s in "
                             f"total (stopped in cell {index + 1}).")
        else:
            outcome.error = (f"cell {index + 1} ran longer than {plan.cell_timeout:g} s "
                             "(an endless loop?) and was stopped.")
    except dead_error:
        where = "in the grader's cell" if stage == "grader" else f"in cell {index + 1}"
        outcome.error = (f"the kernel died {where} (os._exit, a crash or running out of "
                         "memory); the cells after it never ran.")
    except Exception as err:
        outcome.error = f"the notebook could not be run: {type(err).__name__}: {err}"
    if client.output_bytes > plan.max_output_bytes and outcome.error is None:
        outcome.error = (f"the notebook printed {client.output_bytes / 1e6:.1f} MB of output, "
                         f"over the {plan.max_output_bytes / 1e6:g} MB limit.")


# --------------------------------------------------------------------------- the class

# A worker loads this file by path, without importing the ``helpers`` package (which
# imports TensorFlow): only the kernels need TensorFlow. One worker grades many plans, one
# after another: it reads a plan's path per line on stdin and answers each with a line on
# stdout once the plan's outcome is written, so Python, nbclient and jupyter_client start
# once per job slot, not once per submission.
_WORKER_BOOT = (
    "import importlib.util, sys\n"
    "spec = importlib.util.spec_from_file_location('course_grading_worker', sys.argv[1])\n"
    "module = importlib.util.module_from_spec(spec)\n"
    "sys.modules[spec.name] = module\n"
    "spec.loader.exec_module(module)\n"
    "sys.exit(module.worker_loop(sys.stdin, sys.stdout))\n"
)


def worker_main(plan_path: str) -> int:
    """Grade the plan in ``plan_path`` and write its outcome to the plan's result file."""
    plan = Plan(**json.loads(Path(plan_path).read_text()))
    outcome = grade_one(plan)
    Path(plan.result).write_text(json.dumps(asdict(outcome)))
    return 0


def worker_loop(requests: Any, replies: Any) -> int:
    """A worker's main loop: one plan path per line in, one ``done`` line out per plan."""
    for line in requests:
        path = line.strip()
        if not path:
            break
        worker_main(path)
        replies.write("done\n")
        replies.flush()
    return 0


def _kill_group(pid: int) -> None:
    """SIGKILL the process group led by ``pid`` (a worker or a kernel: each leads its own)."""
    if pid <= 1:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


class Worker:
    """A worker process that grades plans one after another (one per job slot).

    :meth:`grade` sends it a plan and waits for the outcome up to the plan's time limit;
    a worker that overruns it is killed with its kernel's process group, and the next plan
    starts a fresh worker, so one endless notebook costs only its own submission.
    """

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.process: subprocess.Popen | None = None
        self.stderr: Any = None

    def _start(self) -> subprocess.Popen:
        self.stderr = tempfile.TemporaryFile(dir=self.scratch)
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER_BOOT, __file__], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self.stderr, text=True, start_new_session=True)
        return self.process

    def _stderr_tail(self) -> str:
        if self.stderr is None:
            return ""
        self.stderr.seek(0)
        lines = self.stderr.read().decode(errors="replace").strip().splitlines()
        return lines[-1][:200] if lines else ""

    def _wait_reply(self, process: subprocess.Popen, limit: float) -> bool:
        import selectors

        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout=limit):
                return False
        return process.stdout.readline().strip() == "done"

    def grade(self, plan: Plan) -> Outcome:
        """Grade ``plan``; turn anything that goes wrong into an error outcome."""
        plan_path = self.scratch / f"{plan.student}.plan.json"
        plan_path.write_text(json.dumps(asdict(plan)))
        start = time.perf_counter()
        # Kernel start-up and the grader's own cell come on top of the notebook's budget.
        limit = plan.notebook_timeout + plan.cell_timeout + 120
        process = self.process if self.process and self.process.poll() is None else self._start()
        replied = False
        try:
            process.stdin.write(f"{plan_path}\n")
            process.stdin.flush()
            replied = self._wait_reply(process, limit)
        except (OSError, ValueError):
            replied = False
        if not replied:
            tail = self._stderr_tail()
            self.close(kill=True)
            pidfile = Path(plan.pidfile)
            text = pidfile.read_text().strip() if pidfile.exists() else ""
            if text.isdigit():  # the kernel leads a session of its own: end it too
                _kill_group(int(text))
        result = Path(plan.result)
        if result.exists():
            data = json.loads(result.read_text())
            data["verdicts"] = {int(t): tuple(v) for t, v in data["verdicts"].items()}
            return Outcome(**data)
        return Outcome(plan.student, error=("grading this submission stopped without a result "
                                            f"after {time.perf_counter() - start:.0f} s"
                                            + (f": {tail}" if tail else "")),
                       seconds=round(time.perf_counter() - start, 1))

    def close(self, kill: bool = False) -> None:
        """End the worker: politely (an empty line) or, with ``kill``, with its group."""
        process, self.process = self.process, None
        if process is not None:
            if not kill and process.poll() is None:
                try:
                    process.stdin.write("\n")
                    process.stdin.flush()
                    process.wait(timeout=30)
                except (OSError, ValueError, subprocess.TimeoutExpired):
                    kill = True
            if kill or process.poll() is None:
                _kill_group(process.pid)
                process.wait()
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()
        if self.stderr is not None:
            self.stderr.close()
            self.stderr = None


def run_worker(plan: Plan, plan_dir: Path) -> Outcome:
    """Grade ``plan`` in a worker process of its own (Gradescope's layout, one per container)."""
    worker = Worker(plan_dir)
    try:
        return worker.grade(plan)
    finally:
        worker.close()


def shorten(message: str) -> str:
    """A hint with its numbers blanked, so the same mistake counts once in the summary."""
    return re.sub(r"-?\d+(\.\d+)?(e-?\d+)?", "#", message)


def summarise(rows: list[tuple[str, int, str, str]], outcomes: list[Outcome],
              exercise: str, fast: bool, wall: float, jobs: int, isolation: str,
              points: dict[int, float] | None = None, extra: list[str] | None = None) -> str:
    """The Markdown summary: per task, per student, and time per submission.

    ``points`` (``{task: points}``, default 1 each) gives each student's score in points;
    ``extra`` lines (the roster match) go under the header.
    """
    tasks = sorted({r[1] for r in rows})
    students = sorted({r[0] for r in rows})
    lines = [f"# Grades for exercise {exercise}", "",
             f"{len(students)} submission(s), {'fast' if fast else 'full'} mode, "
             f"{jobs} at a time, {wall:.0f} s in all.", ""]
    seconds = [o.seconds for o in outcomes]
    if seconds:
        lines += [f"Time per submission: median {statistics.median(seconds):.1f} s, mean "
                  f"{statistics.fmean(seconds):.1f} s, longest {max(seconds):.1f} s "
                  f"({max(outcomes, key=lambda o: o.seconds).student}).", ""]
    lines += [*(f"{line}" for line in extra or []), *([""] if extra else []),
              f"Isolation: {isolation}.", "", "## Per task", "",
              "| task | correct | wrong | not attempted | error | share correct | most common hints |",
              "|---|---|---|---|---|---|---|"]
    for task in tasks:
        got = [r for r in rows if r[1] == task]
        count = Counter(r[2] for r in got)
        hints = Counter(shorten(r[3]) for r in got if r[2] == WRONG)
        example = {shorten(r[3]): r[3] for r in got if r[2] == WRONG}
        shown = "<br>".join(f"{n}× {_cell(example[h])}" for h, n in hints.most_common(3))
        share = count[CORRECT] / len(got) if got else 0.0
        lines.append(f"| {task} | {count[CORRECT]} | {count[WRONG]} | {count[NOT_ATTEMPTED]} | "
                     f"{count[ERROR]} | {share:.0%} | {shown} |")
    worth = points or {task: 1.0 for task in tasks}
    lines += ["", "## Per student", "",
              "| student | points | correct tasks | time (s) | note |", "|---|---|---|---|---|"]
    by_student = {o.student: o for o in outcomes}
    for student in students:
        got = [r for r in rows if r[0] == student]
        right = [str(r[1]) for r in got if r[2] == CORRECT]
        outcome = by_student.get(student)
        note = _cell(outcome.error) if outcome and outcome.error else ""
        score = sum(worth.get(r[1], 0.0) for r in got if r[2] == CORRECT)
        lines.append(f"| {_cell(student)} | {score:g}/{sum(worth.values()):g} | "
                     f"{', '.join(right)} | "
                     f"{outcome.seconds if outcome else 0:.1f} | {note} |")
    lines += ["", "`error` means the grader could not judge the notebook (the note says why); "
              "`not attempted` means the `...` placeholder was still there. Points per task "
              "are in grades.csv, every verdict with its hint in verdicts.csv, and each "
              "student's feedback in feedback/.", ""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def grade(exercise: str, submissions: Path, out: Path, jobs: int | None = None,
          fast: bool = True, cell_timeout: float | None = None,
          notebook_timeout: float | None = None, max_output_mb: float = DEFAULT_MAX_OUTPUT_MB,
          max_file_mb: float = DEFAULT_MAX_FILE_MB, progress: bool = True,
          root: Path = ROOT, roster: Path | None = None, roster_key: str | None = None,
          assignment: str | None = None) -> list[tuple[str, int, str, str]]:
    """Grade every ``*.ipynb`` in ``submissions``; write the gradebook files to ``out``.

    Writes grades.csv, verdicts.csv, feedback/, summary.md and, with ``roster``,
    canvas.csv (see the module docstring). Returns the verdict rows
    ``(student, task, status, message)``. Raises :class:`tools.CourseInputError` for an
    unknown exercise, a missing submissions folder or a roster that would mislead
    (checked before anything runs).
    """
    from tools import CourseInputError, lms

    submissions, out = Path(submissions), Path(out)
    if not submissions.is_dir():
        raise CourseInputError(f"--submissions {submissions} is not a folder: collect the "
                               "notebooks into one folder, one file per student.")
    class_list = lms.read_roster(roster, roster_key or lms.DEFAULT_ROSTER_KEY) if roster else None
    exercise_id, notebook, module = find_exercise(exercise, root)
    registry = registry_of(module, exercise_id, root)
    calls = check_calls(notebook, module, registry)
    tasks = [c.task for c in calls]
    files = sorted(p for p in submissions.glob("*.ipynb") if p.is_file())
    if not files:
        raise CourseInputError(f"No *.ipynb files in {submissions}: the grader reads one "
                               "notebook per student, named <student id>.ipynb.")
    jobs = max(1, jobs or os.cpu_count() or 1)
    cell_timeout = cell_timeout or DEFAULT_CELL_TIMEOUT[fast]
    notebook_timeout = notebook_timeout or DEFAULT_NOTEBOOK_TIMEOUT[fast]
    out.mkdir(parents=True, exist_ok=True)
    sandbox, isolation = sandbox_prefix(root)
    start = time.perf_counter()
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="grading-") as scratch:
        template = Path(scratch) / "course"
        _copy_course(template, root)
        plans = [Plan(student=path.stem, submission=str(path.resolve()), exercise=exercise_id,
                      module=module, notebook_name=notebook.name,
                      calls=[asdict(c) for c in calls], tasks=tasks, template=str(template),
                      fast=fast, cell_timeout=cell_timeout, notebook_timeout=notebook_timeout,
                      max_output_bytes=int(max_output_mb * 1e6),
                      max_file_bytes=int(max_file_mb * 1e6), sandbox=sandbox,
                      result=str(Path(scratch) / f"{i}.result.json"),
                      pidfile=str(Path(scratch) / f"{i}.pid"))
                 for i, path in enumerate(files)]
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(plans), unit="notebook", desc=f"grading {exercise_id}",
                       file=sys.stderr)
        slots = threading.local()
        workers: list[Worker] = []

        def run(plan: Plan) -> Outcome:
            # each of the ``jobs`` threads keeps one worker process for all its plans
            if not hasattr(slots, "worker"):
                slots.worker = Worker(Path(scratch))
                workers.append(slots.worker)
            return slots.worker.grade(plan)

        try:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                futures = [pool.submit(run, plan) for plan in plans]
                for future in as_completed(futures):
                    outcomes.append(future.result())
                    if bar is not None:
                        bar.update(1)
        finally:
            for worker in workers:
                worker.close()
        if bar is not None:
            bar.close()
    wall = time.perf_counter() - start
    outcomes.sort(key=lambda o: o.student)
    rows = [row for o in outcomes for row in o.rows(tasks)]
    import nbformat

    book = lms.Gradebook(
        rows=rows, points=points_of(module, exercise_id, root), exercise=exercise_id,
        mode="fast" if fast else "full", commit=lms.course_commit(root),
        graded_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        digests={path.stem: lms.sha256_of(path) for path in files},
        titles=lms.task_titles(nbformat.read(str(notebook), as_version=4).cells))
    lms.write_grades(book, out / "grades.csv")
    lms.write_verdicts(book, out / "verdicts.csv")
    lms.write_feedback(book, out / "feedback")
    extra: list[str] = []
    if class_list is not None:
        report = lms.write_canvas(book, class_list, out / "canvas.csv", assignment)
        extra = list(lms.report_lines(report, class_list.key))
        for line in extra:
            print(line, file=sys.stderr)
    (out / "summary.md").write_text(
        summarise(rows, outcomes, exercise_id, fast, wall, jobs, isolation, book.points, extra),
        encoding="utf-8")
    return rows


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m tools.grading --exercise NN --submissions DIR --out DIR``."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.grading",
        description="Run every submitted exercise notebook in isolation and tabulate the "
                    "verdicts of the exercise's checks.")
    parser.add_argument("--exercise", required=True, help="exercise number, e.g. 01")
    parser.add_argument("--submissions", required=True, type=Path,
                        help="folder of <student id>.ipynb files")
    parser.add_argument("--out", required=True, type=Path,
                        help="folder for grades.csv and summary.md")
    parser.add_argument("--jobs", type=int, default=None,
                        help="submissions graded at once (default: the number of cores)")
    parser.add_argument("--full", action="store_true",
                        help="full mode (default: fast mode, COURSE_FAST=1 in the kernels)")
    parser.add_argument("--cell-timeout", type=float, default=None,
                        help="seconds per cell (default 300 fast, 1800 full)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds per notebook (default 900 fast, 3600 full)")
    parser.add_argument("--max-output-mb", type=float, default=DEFAULT_MAX_OUTPUT_MB,
                        help="output a notebook may print before it is stopped")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--roster", type=Path, default=None,
                        help="class list CSV (e.g. a Canvas gradebook export): also write "
                             "canvas.csv")
    parser.add_argument("--roster-key", default=None,
                        help="roster column that holds the submissions' file names "
                             "(default 'SIS Login ID')")
    parser.add_argument("--assignment", default=None,
                        help="canvas.csv's assignment column (default 'Exercise NN_topic')")
    args = parser.parse_args(argv)
    from tools import CourseInputError

    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be 1 or more")
    try:
        rows = grade(args.exercise, args.submissions, args.out, jobs=args.jobs,
                     fast=not args.full, cell_timeout=args.cell_timeout,
                     notebook_timeout=args.timeout, max_output_mb=args.max_output_mb,
                     progress=not args.no_progress, roster=args.roster,
                     roster_key=args.roster_key, assignment=args.assignment)
    except CourseInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    count = Counter(r[2] for r in rows)
    print(f"{len({r[0] for r in rows})} submission(s): "
          + ", ".join(f"{count[s]} {s}" for s in STATUSES)
          + ". Wrote grades.csv, verdicts.csv, feedback/"
          + (", canvas.csv" if args.roster else "") + f" and summary.md to {args.out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
