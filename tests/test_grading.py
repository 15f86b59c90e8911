"""The class grader: fabricated submissions of exercise 01 graded in fast mode.

One grading run covers a solved copy, the untouched exercise, a copy with faked
verdicts, and the hostile or broken cases (invalid JSON, the wrong exercise, a kernel
crash, enormous output, deleted course files, a chdir). Endless loops get a run of
their own with short timeouts. The rest are unit tests that start no kernel.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

from helpers import checks

import nbformat
import pytest

from tools import CourseInputError, grading

ROOT = grading.ROOT
EXERCISE = ROOT / "exercises" / "01_rnn_basics_exercise.ipynb"
SOLUTION = ROOT / "solutions" / "01_rnn_basics_solution.ipynb"
TASKS = [1, 2, 3, 4, 5]  # exercise 01's tasks, one point each


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def _code(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source)


def _tiny(*sources: str) -> nbformat.NotebookNode:
    """A notebook of exercise 01's title and the given code cells (no TensorFlow import)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Exercise 01 · RNN basics"),
                *(_code(s) for s in sources)]
    return nb


def _faked(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The solution with tanh left out of task 1, its check cells printing fake verdicts and
    saved with ✅ outputs."""
    nb = copy.deepcopy(solution)
    step = next(c for c in nb.cells if c.source.startswith("def rnn_step"))
    assert "np.tanh(" in step.source
    step.source = step.source.replace("np.tanh(", "(")
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("ex01.check_"):
            cell.source = 'print("✅ Task 1 correct: matches the reference.")'
            cell.outputs = [nbformat.v4.new_output(
                "stream", name="stdout", text="✅ Task 1 correct: matches the reference.\n")]
    return nb


def _rows(out: Path) -> dict[str, list[dict[str, str]]]:
    with open(out / "verdicts.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_student: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_student.setdefault(row["student"], []).append(row)
    return by_student


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Grade one class of fabricated submissions once for the tests below."""
    base = tmp_path_factory.mktemp("grading")
    subs, out = base / "submissions", base / "out"
    subs.mkdir()
    exercise, solution = _read(EXERCISE), _read(SOLUTION)
    nbformat.write(solution, str(subs / "solved.ipynb"))
    nbformat.write(exercise, str(subs / "untouched.ipynb"))
    nbformat.write(_faked(solution), str(subs / "faker.ipynb"))
    (subs / "invalid_json.ipynb").write_text('{"cells": [{"cell_type": "code", ', "utf-8")
    nbformat.write(_read(ROOT / "exercises" / "02_gradients_exercise.ipynb"),
                   str(subs / "wrong_exercise.ipynb"))
    nbformat.write(_tiny("print('before')", "import os\nos._exit(1)", "print('after')"),
                   str(subs / "crash.ipynb"))
    nbformat.write(_tiny("for _ in range(30):\n    print('x' * 100_000)"),
                   str(subs / "enormous.ipynb"))
    nbformat.write(_tiny("import os\nos.remove('../helpers/checks/ex01_rnn_basics.py')"),
                   str(subs / "deleter.ipynb"))
    nbformat.write(_tiny("import os\nos.chdir('/')"), str(subs / "wanderer.ipynb"))
    (subs / "notes.txt").write_text("not a notebook: ignored", "utf-8")
    (base / "roster.csv").write_text(ROSTER, "utf-8")
    grading.grade("01", subs, out, jobs=2, fast=True, cell_timeout=240, notebook_timeout=600,
                  max_output_mb=1.0, progress=False, roster=base / "roster.csv")
    return out, _rows(out)


# A Canvas gradebook export: identity columns, another assignment, the Points Possible row.
# "Untouched" differs in case from the file name; "absent" handed nothing in; the hostile
# submissions are not on the roster.
ROSTER = """Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (101)
    Points Possible,,,,,10
"Doe, Sam",1,u1,solved,A,7
"Roe, Kim",2,u2,Untouched,A,8
"Poe, Lee",3,u3,faker,B,9
"Loe, Ann",4,u4,absent,B,6
"""


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_one_row_per_student_and_task(graded):
    out, rows = graded
    assert sorted(rows) == sorted(["solved", "untouched", "faker", "invalid_json",
                                   "wrong_exercise", "crash", "enormous", "deleter", "wanderer"])
    for student, got in rows.items():
        assert [int(r["task"]) for r in got] == TASKS, student
        assert all(r["status"] in grading.STATUSES for r in got)


def test_solved_copy_is_all_correct(graded):
    _, rows = graded
    assert {r["status"] for r in rows["solved"]} == {"correct"}, rows["solved"]


def test_untouched_exercise_is_all_not_attempted(graded):
    _, rows = graded
    assert {r["status"] for r in rows["untouched"]} == {"not attempted"}, rows["untouched"]


def test_printed_and_saved_fake_verdicts_are_ignored(graded):
    _, rows = graded
    status = {int(r["task"]): r["status"] for r in rows["faker"]}
    assert status[1] == "wrong", rows["faker"]  # tanh left out, whatever it printed
    assert status[4] == status[5] == "correct", rows["faker"]
    assert "error" not in status.values(), rows["faker"]


@pytest.mark.parametrize(("student", "reason"), [
    ("invalid_json", "not a readable notebook"),
    ("wrong_exercise", "belongs to exercise 02"),
    ("crash", "kernel died in cell 3"),
    ("enormous", "over the 1 MB limit"),
    ("deleter", "helpers/checks/ex01_rnn_basics.py"),
    ("wanderer", "changed the working directory"),
])
def test_hostile_or_broken_submission_gets_error_rows_with_the_reason(graded, student, reason):
    _, rows = graded
    assert {r["status"] for r in rows[student]} == {"error"}, rows[student]
    assert all(reason in r["message"] for r in rows[student]), rows[student][0]["message"]


def test_the_course_checkout_is_untouched(graded):
    assert (ROOT / "helpers" / "checks" / "ex01_rnn_basics.py").exists()


def test_summary_reports_tasks_students_and_time(graded):
    out, rows = graded
    text = (out / "summary.md").read_text("utf-8")
    assert "Time per submission" in text
    # task 1: solved correct, faker wrong, untouched not attempted, six errors
    hint = next(r["message"] for r in rows["faker"] if r["task"] == "1")
    assert f"| 1 | 1 | 1 | 1 | 6 | 11% | 1× {hint}" in text.replace("\\|", "|")
    assert "| solved | 5/5 | 1, 2, 3, 4, 5 |" in text
    assert "| untouched | 0/5 |" in text
    assert "Isolation:" in text
    assert "Roster students without a submission (empty cell in canvas.csv): absent." in text


def test_grades_csv_has_one_row_per_student_with_points_and_provenance(graded):
    out, _ = graded
    rows = {r["student"]: r for r in _csv(out / "grades.csv")}
    assert len(rows) == 9
    solved = rows["solved"]
    assert [solved[f"task_{t}"] for t in TASKS] == ["1"] * len(TASKS)
    assert (solved["total"], solved["max_score"], solved["percent"]) == ("5", "5", "100.0")
    faker = rows["faker"]
    assert faker["task_1"] == "0" and faker["task_4"] == "1"
    assert rows["crash"]["total"] == "0"
    digest = hashlib.sha256((out.parent / "submissions" / "solved.ipynb").read_bytes()).hexdigest()
    assert solved["submission_sha256"] == digest
    assert solved["mode"] == "fast" and solved["course_commit"] and solved["graded_at"].endswith("Z")


def test_feedback_speaks_to_each_student(graded):
    out, rows = graded
    assert sorted(p.stem for p in (out / "feedback").glob("*.md")) == sorted(rows)
    solved = (out / "feedback" / "solved.md").read_text("utf-8")
    assert "**Score: 5 of 5 points.**" in solved and "## Task 1 · " in solved
    faker = (out / "feedback" / "faker.md").read_text("utf-8")
    hint = next(r["message"] for r in rows["faker"] if r["task"] == "1")
    assert hint in faker and "not quite" in faker
    assert "kernel died" in (out / "feedback" / "crash.md").read_text("utf-8")


def test_canvas_csv_keeps_every_roster_student_and_only_them(graded):
    out, verdicts = graded
    rows = _csv(out / "canvas.csv")
    assert list(rows[0]) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                             "Exercise 01_rnn_basics"]
    assert rows[0]["Student"].strip() == "Points Possible"
    assert rows[0]["Exercise 01_rnn_basics"] == str(len(TASKS))
    scores = {r["SIS Login ID"]: r["Exercise 01_rnn_basics"] for r in rows[1:]}
    faker = sum(r["status"] == "correct" for r in verdicts["faker"])
    assert 0 < faker < len(TASKS)
    assert scores == {"solved": str(len(TASKS)), "Untouched": "0", "faker": str(faker), "absent": ""}


def test_endless_loops_are_stopped_per_cell_and_per_notebook(tmp_path):
    subs = tmp_path / "submissions"
    subs.mkdir()
    nbformat.write(_tiny("while True:\n    pass"), str(subs / "spinner.ipynb"))
    # each of the sleeper's cells stays under the cell limit; together they pass the total
    nbformat.write(_tiny("import time\ntime.sleep(1.5)", "import time\ntime.sleep(1.5)",
                         "import time\ntime.sleep(1.5)"), str(subs / "sleeper.ipynb"))
    grading.grade("01", subs, tmp_path / "out", jobs=2, cell_timeout=3, notebook_timeout=4,
                  progress=False)
    rows = _rows(tmp_path / "out")
    assert {r["status"] for r in rows["spinner"]} == {"error"}
    assert "cell 2 ran longer than 3 s" in rows["spinner"][0]["message"]
    assert {r["status"] for r in rows["sleeper"]} == {"error"}
    assert "longer than 4 s in total" in rows["sleeper"][0]["message"]


def test_no_check_runs_once_the_notebook_changed_course_files(tmp_path):
    # the grader's cell (which would import the checks, and TensorFlow with them) is skipped
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    folder, home, result = tmp_path / "exercises", tmp_path / "home", tmp_path / "result.json"
    folder.mkdir()
    home.mkdir()
    plan = grading.Plan(
        student="s", submission="", exercise="01_rnn_basics",
        module="helpers.checks.ex01_rnn_basics", notebook_name="s.ipynb", calls=[], tasks=[],
        template="", fast=True, cell_timeout=60, notebook_timeout=120, max_output_bytes=10**6,
        max_file_bytes=10**7, sandbox=[], result="", pidfile=str(tmp_path / "pid"))
    outcome = grading.Outcome("s")
    grading._run(plan, _tiny("print('hello')"), folder, home, tmp_path, result, outcome,
                 CellTimeoutError, DeadKernelError, lambda: ["helpers/checks/ex01_rnn_basics.py"])
    assert outcome.error is None and not result.exists()


# --------------------------------------------------------------------------- no kernel


def test_statuses_are_those_of_the_checks():
    assert (grading.CORRECT, grading.WRONG, grading.NOT_ATTEMPTED) == (
        checks.CORRECT, checks.WRONG, checks.NOT_ATTEMPTED)


def test_check_calls_come_from_the_course_exercise():
    exercise, notebook, module = grading.find_exercise("1")
    assert (exercise, notebook, module) == ("01_rnn_basics", EXERCISE,
                                            "helpers.checks.ex01_rnn_basics")
    calls = grading.check_calls(notebook, module, grading.registry_of(module, exercise))
    assert [c.task for c in calls] == TASKS
    assert calls[0].source == "ex01.check_step(rnn_step)"
    assert {c.alias for c in calls} == {"ex01"}


def test_a_task_without_check_cell_is_refused(tmp_path):
    nb = _read(EXERCISE)
    nb.cells = [c for c in nb.cells if "check_shapes" not in c.source]
    path = tmp_path / "01_rnn_basics_exercise.ipynb"
    nbformat.write(nb, str(path))
    module = "helpers.checks.ex01_rnn_basics"
    with pytest.raises(CourseInputError, match=r"task\(s\) \[4\]"):
        grading.check_calls(path, module, grading.registry_of(module, "01_rnn_basics"))


@pytest.mark.parametrize("number", ["99", "one", ""])
def test_unknown_exercise_is_refused(number):
    with pytest.raises(CourseInputError, match="exercise"):
        grading.find_exercise(number)


def test_missing_submissions_folder_is_refused(tmp_path, capsys):
    assert grading.main(["--exercise", "01", "--submissions", str(tmp_path / "nope"),
                         "--out", str(tmp_path / "out")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_wrong_exercise_is_recognised():
    assert grading.wrong_exercise(_read(EXERCISE), "01_rnn_basics") is None
    other = _read(ROOT / "exercises" / "03_lstm_gru_cells_exercise.ipynb")
    assert "exercise 03" in grading.wrong_exercise(other, "01_rnn_basics")


def test_summary_counts_a_hint_once_whatever_its_numbers():
    outcomes = [grading.Outcome("a", {1: ("wrong", "differs by up to 0.25")}, seconds=2.0),
                grading.Outcome("b", {1: ("wrong", "differs by up to 1.5")}, seconds=4.0),
                grading.Outcome("c", {1: ("correct", "fine")}, seconds=6.0)]
    rows = [r for o in outcomes for r in o.rows([1])]
    text = grading.summarise(rows, outcomes, "01_rnn_basics", True, 10.0, 2, "none")
    assert "| 1 | 1 | 2 | 0 | 0 | 33% | 2× differs by up to" in text
    assert "median 4.0 s" in text


def test_importing_the_grader_does_not_import_tensorflow():
    code = ("import importlib.util, sys\n"
            f"spec = importlib.util.spec_from_file_location('g', {str(grading.__file__)!r})\n"
            "module = importlib.util.module_from_spec(spec); sys.modules['g'] = module\n"
            "spec.loader.exec_module(module)\n"
            "heavy = [m for m in ('tensorflow', 'keras', 'nbclient', 'numpy') if m in sys.modules]\n"
            "sys.exit(str(heavy) if heavy else 0)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr + done.stdout


def test_sandbox_cuts_the_network_and_protects_the_checkout(tmp_path):
    prefix, words = grading.sandbox_prefix()
    if not prefix:
        pytest.skip(f"no sandbox on this system: {words}")
    probe = ("import sys\n"
             "lines = open('/proc/self/net/dev').read().splitlines()[2:]\n"
             "names = [line.split(':')[0].strip() for line in lines]\n"
             "assert names == ['lo'], names\n"
             "try:\n"
             f"    open({str(ROOT / '.grading-write-probe')!r}, 'w')\n"
             "except OSError:\n"
             "    sys.exit(0)\n"
             "sys.exit(3)\n")
    done = subprocess.run([*prefix, sys.executable, "-c", probe], capture_output=True,
                          text=True, timeout=60, check=False)
    (ROOT / ".grading-write-probe").unlink(missing_ok=True)
    if "read-only" in words:
        assert done.returncode == 0, done.stderr
    else:
        assert done.returncode in (0, 3), done.stderr


def _broken_plan(tmp_path: Path, student: str) -> grading.Plan:
    """A plan whose submission is not JSON: graded without starting a kernel."""
    path = tmp_path / f"{student}.ipynb"
    path.write_text('{"cells": [', "utf-8")
    return grading.Plan(student=student, submission=str(path), exercise="01_rnn_basics",
                        module="helpers.checks.ex01_rnn_basics",
                        notebook_name="01_rnn_basics_exercise.ipynb", calls=[], tasks=[1, 2],
                        template=str(tmp_path), fast=True, cell_timeout=30,
                        notebook_timeout=60, max_output_bytes=10**6, max_file_bytes=10**6,
                        sandbox=[], result=str(tmp_path / f"{student}.result.json"),
                        pidfile=str(tmp_path / f"{student}.pid"))


def test_one_worker_process_grades_plan_after_plan_and_is_replaced_when_it_dies(tmp_path):
    worker = grading.Worker(tmp_path)
    try:
        first = worker.grade(_broken_plan(tmp_path, "a"))
        pid = worker.process.pid
        second = worker.grade(_broken_plan(tmp_path, "b"))
        assert worker.process.pid == pid  # Python and nbclient started once, not per plan
        for outcome, student in ((first, "a"), (second, "b")):
            assert outcome.student == student and "not a readable notebook" in outcome.error
        worker.process.kill()
        worker.process.wait()
        third = worker.grade(_broken_plan(tmp_path, "c"))
        assert worker.process.pid != pid and "not a readable notebook" in third.error
    finally:
        worker.close()
    assert worker.process is None


def test_a_worker_that_dies_mid_plan_gives_an_error_outcome_not_a_hang(tmp_path):
    plan = _broken_plan(tmp_path, "gone")
    plan.submission = str(tmp_path / "no-such-file.ipynb")  # stat() raises in grade_one...
    plan.result = str(tmp_path / "no-such-dir" / "result.json")  # ...and so does the write
    worker = grading.Worker(tmp_path)
    try:
        outcome = worker.grade(plan)
    finally:
        worker.close()
    assert "stopped without a result" in outcome.error
    assert outcome.student == "gone"


def test_the_registry_read_from_source_is_the_one_importing_fills():
    import importlib

    modules = sorted((ROOT / "helpers" / "checks").glob("ex[0-9][0-9]_*.py"))
    assert len(modules) >= 11
    for path in modules:
        module = f"helpers.checks.{path.stem}"
        importlib.import_module(module)
        exercise = path.stem[2:]
        imported = {f.__name__: (task, checks.points(exercise)[task])
                    for (_, task), f in checks.registered(exercise).items()}
        assert grading._registry(module, exercise, ROOT) == imported, module


def test_a_check_module_of_another_exercise_is_refused(tmp_path):
    (tmp_path / "helpers" / "checks").mkdir(parents=True)
    (tmp_path / "helpers" / "checks" / "ex99_demo.py").write_text(
        'EXERCISE = "98_other"\n\n@check(EXERCISE, 1)\ndef check_a(x):\n    return "ok"\n')
    with pytest.raises(RuntimeError, match="registered for '98_other'"):
        grading._registry("helpers.checks.ex99_demo", "99_demo", tmp_path)
    with pytest.raises(RuntimeError, match="no .*ex98"):
        grading._registry("helpers.checks.ex98_none", "98_none", tmp_path)


def test_the_grader_cell_imports_no_check_when_the_working_directory_moved(tmp_path):
    namespace = {"get_ipython": lambda: None, "__name__": "course_grader"}
    exec(grading.GRADER_SOURCE, namespace)
    before, result = sys.modules["helpers.checks"], tmp_path / "result.json"
    namespace["_grade"](str(result), "helpers.checks.ex01_rnn_basics", "01_rnn_basics", [],
                        str(tmp_path / "exercises"))
    record = json.loads(result.read_text())
    assert "the working directory is" in record["problem"] and "checks_file" not in record
    assert sys.modules["helpers.checks"] is before  # not deleted and imported again
