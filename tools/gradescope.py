"""Gradescope's autograder for one exercise: the engine for classes that outgrow one machine.

``make gradescope EXERCISE=NN`` (``python -m tools.gradescope build --exercise NN``)
writes ``build/gradescope/NN_topic_autograder.zip``. Upload it as a Gradescope
"Programming Assignment" autograder; Gradescope then grades every submission in a
container of its own, in parallel, at any class size. The zip holds, at its root:

* ``setup.sh``: run once when Gradescope builds the image: installs Python 3.11 with uv
  and the course's lock (``requirements.txt``, every package pinned with hashes) into
  ``/autograder/venv``;
* ``run_autograder``: run for each submission: grades the one notebook in
  ``/autograder/submission`` and writes ``/autograder/results/results.json``;
* ``course/``: what grading needs: ``helpers/``, ``data/``, ``tools/``, the exercise
  notebook, ``pyproject.toml`` and ``requirements.txt``.

Grading is :mod:`tools.grading`'s, unchanged: a fresh kernel in a temporary copy of the
course, the course's own check calls evaluated on the student's variables (printed or
forged ✅ count for nothing), timeouts, output limits. ``results.json`` has one test per
task with ``score``, ``max_score``, the check's hint as ``output`` and
``visibility: "visible"`` (:func:`tools.lms.gradescope_results`). A submission that cannot
be graded (no notebook, two notebooks, broken JSON, another exercise, an endless loop)
still gets a results.json, with score 0 and the reason.
"""

from __future__ import annotations

import argparse
import json
import shutil
import stat
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from tools import CourseInputError

ROOT = Path(__file__).resolve().parent.parent
COURSE_FILES = ("helpers", "data", "tools", "pyproject.toml", "requirements.txt")
UV_VERSION = "0.13.9"

SETUP_SH = f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
cd /autograder/source
apt-get update -q && apt-get install -y -q python3-pip curl >/dev/null
python3 -m pip install --quiet "uv=={UV_VERSION}" || python3 -m pip install --quiet --break-system-packages "uv=={UV_VERSION}"
uv python install 3.11
uv venv --python 3.11 /autograder/venv
uv pip install --python /autograder/venv/bin/python --compile-bytecode -r course/requirements.txt
uv pip install --python /autograder/venv/bin/python --no-deps -e course
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission; results go to /autograder/results/results.json.
cd /autograder/source/course
exec /autograder/venv/bin/python -m tools.gradescope run --exercise {exercise} {mode}
"""


def _executable(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    info.external_attr = (stat.S_IFREG | 0o755) << 16
    return info


def build(exercise: str, out: Path | None = None, root: Path = ROOT, full: bool = False) -> Path:
    """Write the autograder zip for ``exercise`` and return its path.

    ``full`` grades in full mode (``--full``); the default is fast mode, as ``make grade``.
    """
    from tools import grading

    exercise_id, notebook, _ = grading.find_exercise(exercise, root)
    out = Path(out) if out is not None else root / "build" / "gradescope"
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{exercise_id}_autograder.zip"
    skip = {"__pycache__", ".ipynb_checkpoints"}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_executable(zipfile.ZipInfo("setup.sh")), SETUP_SH)
        run = RUN_AUTOGRADER.format(exercise=exercise_id[:2], mode="--full" if full else "")
        archive.writestr(_executable(zipfile.ZipInfo("run_autograder")), run)
        for part in COURSE_FILES:
            source = root / part
            files = sorted(source.rglob("*")) if source.is_dir() else [source]
            for path in files:
                if path.is_file() and not skip & set(path.parts) and path.suffix != ".pyc":
                    archive.write(path, f"course/{path.relative_to(root)}")
        archive.write(notebook, f"course/exercises/{notebook.name}")
    return target


def _failure(reason: str, exercise: str, seconds: float) -> dict:
    return {"score": 0, "execution_time": round(seconds, 1), "visibility": "visible",
            "output": f"Exercise {exercise} could not be graded: {reason}", "tests": []}


def run(exercise: str, autograder: Path = Path("/autograder"), full: bool = False,
        root: Path = ROOT) -> dict:
    """Grade the notebook in ``autograder/submission``; write and return ``results.json``."""
    from tools import grading, lms

    start = time.perf_counter()
    results_path = autograder / "results" / "results.json"
    results_path.parent.mkdir(parents=True, exist_ok=True)
    exercise_id, notebook, _ = grading.find_exercise(exercise, root)
    notebooks = sorted(p for p in (autograder / "submission").rglob("*.ipynb")
                       if ".ipynb_checkpoints" not in p.parts)
    if len(notebooks) != 1:
        found = ", ".join(p.name for p in notebooks) or "none"
        results = _failure(f"upload exactly one notebook (.ipynb); found {found}. Submit "
                           f"exercises/{notebook.name} with your answers.", exercise_id,
                           time.perf_counter() - start)
    else:
        with tempfile.TemporaryDirectory(prefix="gradescope-") as scratch:
            folder = Path(scratch) / "submissions"
            folder.mkdir()
            shutil.copy2(notebooks[0], folder / "submission.ipynb")
            out = Path(scratch) / "out"
            grading.grade(exercise_id, folder, out, jobs=1, fast=not full, progress=False,
                          root=root)
            rows = grading_rows(out / "verdicts.csv")
            import nbformat

            book = lms.Gradebook(
                rows=rows, points=grading.points_of(f"helpers.checks.ex{exercise_id}",
                                                    exercise_id, root),
                exercise=exercise_id, mode="full" if full else "fast",
                commit=lms.course_commit(root), graded_at="",
                titles=lms.task_titles(nbformat.read(str(notebook), as_version=4).cells))
            results = lms.gradescope_results(book, "submission", time.perf_counter() - start,
                                             note=f"Graded file: {notebooks[0].name}.")
    results_path.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return results


def grading_rows(path: Path) -> list[tuple[str, int, str, str]]:
    """The ``(student, task, status, message)`` rows of a verdicts.csv."""
    import csv

    with open(path, newline="", encoding="utf-8") as handle:
        return [(r["student"], int(r["task"]), r["status"], r["message"])
                for r in csv.DictReader(handle)]


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.gradescope build --exercise NN`` or ``... run --exercise NN``."""
    parser = argparse.ArgumentParser(prog="python -m tools.gradescope",
                                     description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("build", help="write the autograder zip")
    make.add_argument("--exercise", required=True)
    make.add_argument("--out", type=Path, default=None)
    make.add_argument("--full", action="store_true", help="grade in full mode")
    grade = sub.add_parser("run", help="grade /autograder/submission (inside Gradescope)")
    grade.add_argument("--exercise", required=True)
    grade.add_argument("--autograder", type=Path, default=Path("/autograder"))
    grade.add_argument("--full", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            target = build(args.exercise, args.out, full=args.full)
            print(f"Wrote {target}: upload it as the assignment's autograder on Gradescope.")
        else:
            results = run(args.exercise, args.autograder, args.full)
            print(f"score {results['score']:g}; wrote {args.autograder}/results/results.json")
    except CourseInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
