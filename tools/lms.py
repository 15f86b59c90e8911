"""What ``make grade`` writes for a gradebook: points per student, feedback, and a Canvas import.

The grader (:mod:`tools.grading`) produces one verdict per student and task. This module
turns them into the files an instructor uploads or hands out:

* ``grades.csv``: one row per student (nbgrader's and otter-grader's shape): the points of
  each task, ``total``, ``max_score``, ``percent``, and for regrade disputes the
  submission's SHA-256, the course commit, the mode and the time of grading;
* ``verdicts.csv``: one row per student and task with status, message and points;
* ``feedback/<student>.md``: each task's verdict and hint, written to the student;
* ``canvas.csv`` (with a roster): Canvas's gradebook import, the roster's identity columns
  plus one assignment column of points. Submissions the roster does not know and roster
  students without a submission are listed, never dropped.

Only the standard library is used, so the grader's process stays free of TensorFlow.
"""

from __future__ import annotations

import csv
import hashlib
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tools import CourseInputError

Row = tuple[str, int, str, str]  # (student, task, status, message), as the grader makes them

CORRECT = "correct"
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
"""The identity columns of a Canvas gradebook export, kept in canvas.csv when present."""
DEFAULT_ROSTER_KEY = "SIS Login ID"
POINTS_POSSIBLE = "Points Possible"

_TASK_HEADING = re.compile(r"^##\s+Task\s+(\d+)\s*[·:.-]?\s*(.*?)\s*(\(\d+(\.\d+)? points?\))?\s*$",
                           re.M)


def task_titles(cells: Iterable[dict]) -> dict[int, str]:
    """``{task: "Task 3 · Scale with the training part only"}`` from an exercise's headings."""
    titles: dict[int, str] = {}
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        for match in _TASK_HEADING.finditer(source):
            task, title = int(match[1]), match[2]
            titles.setdefault(task, f"Task {task} · {title}" if title else f"Task {task}")
    return titles


def earned(status: str, worth: float) -> float:
    """Points for one verdict: all of them when correct, none otherwise."""
    return worth if status == CORRECT else 0.0


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def course_commit(root: Path) -> str:
    """The course checkout's commit (``+dirty`` with uncommitted changes), or ``unknown``."""
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=30, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + ("+dirty" if dirty else "") if head else "unknown"


def _number(value: float) -> str:
    return f"{value:g}"


@dataclass
class Gradebook:
    """Verdict rows with the exercise's points, and what identifies the grading run."""

    rows: list[Row]
    points: dict[int, float]
    exercise: str
    mode: str
    commit: str
    graded_at: str
    digests: dict[str, str] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)

    @property
    def tasks(self) -> list[int]:
        """The exercise's tasks, in order."""
        return sorted(self.points)

    @property
    def max_score(self) -> float:
        """What the exercise is worth."""
        return sum(self.points.values())

    @property
    def students(self) -> list[str]:
        """Every graded student, sorted."""
        return sorted({r[0] for r in self.rows})

    def verdicts(self, student: str) -> dict[int, tuple[str, str]]:
        """``{task: (status, message)}`` of one student."""
        return {r[1]: (r[2], r[3]) for r in self.rows if r[0] == student}

    def total(self, student: str) -> float:
        """The student's points over every task."""
        got = self.verdicts(student)
        return sum(earned(got.get(t, ("", ""))[0], w) for t, w in self.points.items())


def write_verdicts(book: Gradebook, path: Path) -> None:
    """``verdicts.csv``: student, task, status, message, points (one row per student and task)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "task", "status", "message", "points", "max_points"])
        for student, task, status, message in book.rows:
            worth = book.points.get(task, 0.0)
            writer.writerow([student, task, status, message, _number(earned(status, worth)),
                             _number(worth)])


def write_grades(book: Gradebook, path: Path) -> None:
    """``grades.csv``: one row per student, a column of points per task, total and provenance."""
    columns = ["student", *(f"task_{t}" for t in book.tasks), "total", "max_score", "percent",
               "submission_sha256", "course_commit", "mode", "graded_at"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for student in book.students:
            got = book.verdicts(student)
            total = book.total(student)
            percent = 100 * total / book.max_score if book.max_score else 0.0
            writer.writerow([student,
                             *(_number(earned(got.get(t, ("", ""))[0], book.points[t]))
                               for t in book.tasks),
                             _number(total), _number(book.max_score), f"{percent:.1f}",
                             book.digests.get(student, ""), book.commit, book.mode,
                             book.graded_at])


_ICON = {"correct": "✅", "wrong": "❌", "not attempted": "⏳", "error": "⚠️"}
_SAYS = {"correct": "correct", "wrong": "not quite", "not attempted": "not attempted",
         "error": "could not be graded"}


def feedback_text(book: Gradebook, student: str) -> str:
    """The Markdown feedback for one student: score, then each task's verdict and hint."""
    got = book.verdicts(student)
    total = book.total(student)
    lines = [f"# Exercise {book.exercise}: feedback for {student}", "",
             f"**Score: {_number(total)} of {_number(book.max_score)} points.**", ""]
    for task in book.tasks:
        status, message = got.get(task, ("error", "the grader got no verdict for this task"))
        title = book.titles.get(task, f"Task {task}")
        worth = book.points[task]
        lines += [f"## {title}: {_number(earned(status, worth))} of {_number(worth)}", "",
                  f"{_ICON.get(status, '')} {_SAYS.get(status, status)}: {message}", ""]
    lines += ["---", "", f"Graded in {book.mode} mode at {book.graded_at}, course commit "
              f"`{book.commit}`, submission SHA-256 `{book.digests.get(student, '?')}`. "
              "The checks are the ones in your exercise notebook: run it again to see each "
              "hint next to your code.", ""]
    return "\n".join(lines)


def write_feedback(book: Gradebook, folder: Path) -> list[Path]:
    """``feedback/<student>.md`` for every student; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for student in book.students:
        path = folder / f"{student}.md"
        path.write_text(feedback_text(book, student), encoding="utf-8")
        written.append(path)
    return written


# --------------------------------------------------------------------------- roster, Canvas


@dataclass
class Roster:
    """A class list read from CSV (a Canvas gradebook export, or any CSV with a key column)."""

    path: Path
    key: str
    columns: list[str]
    students: list[dict[str, str]]
    points_possible: dict[str, str] | None = None

    def keys(self) -> list[str]:
        """Every student's key, in roster order."""
        return [row[self.key] for row in self.students]


def read_roster(path: Path, key: str = DEFAULT_ROSTER_KEY) -> Roster:
    """Read and validate a roster; raise :class:`tools.CourseInputError` on what would mislead.

    Refused: a missing file, no header, no ``key`` column (the message lists the columns
    and how to name another), a student without a key, and keys that appear twice (each
    would get the other's grade). Canvas's "Points Possible" row is kept apart.
    """
    path = Path(path)
    if not path.is_file():
        raise CourseInputError(f"ROSTER={path} is not a file: export the gradebook from your "
                               "LMS as CSV and pass its path.")
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip() for c in (reader.fieldnames or [])]
        if not columns:
            raise CourseInputError(f"{path} has no header row: the first line must name the "
                                   "columns, e.g. Student,ID,SIS Login ID,Section.")
        if key not in columns:
            raise CourseInputError(
                f"{path} has no column {key!r} to match submissions with; its columns are "
                f"{columns}. Name the column that holds the submissions' file names with "
                "ROSTER_KEY=<column> (make grade) or --roster-key.")
        students, possible = [], None
        for line, raw in enumerate(reader, start=2):
            row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
            if row.get("Student", "").startswith(POINTS_POSSIBLE) and not row.get(key):
                possible = row
                continue
            if not any(row.values()):
                continue
            if not row.get(key):
                raise CourseInputError(f"{path}, line {line}: the student "
                                       f"{row.get('Student') or '(no name)'} has no {key!r}; "
                                       "fill it in or remove the row.")
            students.append(row)
    seen: dict[str, int] = {}
    for row in students:
        seen[row[key]] = seen.get(row[key], 0) + 1
    twice = sorted(k for k, n in seen.items() if n > 1)
    if twice:
        raise CourseInputError(f"{path}: these {key!r} values appear more than once: {twice}. "
                               "Each student must appear once, or one would get another's "
                               "grade.")
    return Roster(path, key, columns, students, possible)


@dataclass
class CanvasReport:
    """What :func:`write_canvas` matched and what it could not."""

    matched: list[str]
    unmatched_submissions: list[str]
    without_submission: list[str]


def write_canvas(book: Gradebook, roster: Roster, path: Path,
                 assignment: str | None = None) -> CanvasReport:
    """``canvas.csv``: the roster's identity columns and one assignment column of points.

    A submission named ``<key>.ipynb`` matches the roster row whose key column holds
    ``<key>`` (exact match first, then ignoring case). Roster students without a
    submission keep an empty cell (Canvas then leaves their grade as it is); submissions
    the roster does not know are reported, and stay in grades.csv.
    """
    assignment = assignment or f"Exercise {book.exercise}"
    by_key = {k: k for k in roster.keys()}
    folded: dict[str, list[str]] = {}
    for k in roster.keys():
        folded.setdefault(k.casefold(), []).append(k)
    submitted: dict[str, str] = {}
    unmatched = []
    for student in book.students:
        key = by_key.get(student)
        if key is None and len(folded.get(student.casefold(), [])) == 1:
            key = folded[student.casefold()][0]
        if key is None or key in submitted:
            unmatched.append(student)
        else:
            submitted[key] = student
    identity = [c for c in CANVAS_IDENTITY if c in roster.columns]
    if roster.key not in identity:
        identity.append(roster.key)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*identity, assignment])
        if roster.points_possible is not None:
            writer.writerow([*(roster.points_possible.get(c, "") for c in identity),
                             _number(book.max_score)])
        for row in roster.students:
            student = submitted.get(row[roster.key])
            score = "" if student is None else _number(book.total(student))
            writer.writerow([*(row.get(c, "") for c in identity), score])
    missing = [k for k in roster.keys() if k not in submitted]
    return CanvasReport(sorted(submitted.values()), unmatched, missing)


# --------------------------------------------------------------------------- Gradescope


def gradescope_results(book: Gradebook, student: str, seconds: float = 0.0,
                       note: str = "") -> dict:
    """Gradescope's ``results.json`` for one student: one test per task.

    Each test has ``name``, ``number``, ``score``, ``max_score``, ``status`` ("passed" or
    "failed"), ``output`` (the check's hint) and ``visibility`` ("visible": the hints are
    written for the student).
    """
    got = book.verdicts(student)
    tests = []
    for task in book.tasks:
        status, message = got.get(task, ("error", "the grader got no verdict for this task"))
        worth = book.points[task]
        score = earned(status, worth)
        tests.append({"name": book.titles.get(task, f"Task {task}"), "number": str(task),
                      "score": score, "max_score": worth,
                      "status": "passed" if status == CORRECT else "failed",
                      "output": f"{_SAYS.get(status, status)}: {message}",
                      "visibility": "visible"})
    output = (f"Exercise {book.exercise}, graded in {book.mode} mode (course commit "
              f"{book.commit}).")
    if note:
        output += " " + note
    return {"score": book.total(student), "execution_time": round(seconds, 1),
            "output": output, "visibility": "visible", "stdout_visibility": "hidden",
            "tests": tests}


def report_lines(report: CanvasReport, key: str) -> Sequence[str]:
    """Human-readable lines about a Canvas match, for the terminal and summary.md."""
    lines = [f"Canvas: {len(report.matched)} submission(s) matched the roster by {key!r}."]
    if report.unmatched_submissions:
        lines.append("Submissions not in the roster (kept in grades.csv, not in canvas.csv): "
                     + ", ".join(report.unmatched_submissions) + ".")
    if report.without_submission:
        lines.append("Roster students without a submission (empty cell in canvas.csv): "
                     + ", ".join(report.without_submission) + ".")
    return lines
