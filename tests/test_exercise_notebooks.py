"""Every notebook, then its solution and exercise, runs top to bottom in fast mode.

`make test` gives no notebook to nbval: each course notebook ``notebooks/NN_*.ipynb`` runs
here with the solution and the exercise of the same number, and two numbers share one
kernel (``tests/shared_kernel.py``): 00 and 01, 02 and 03, and so on. The first notebook
runs in a fresh kernel, exactly as nbval would run it; every later one in a reset namespace
(fresh names, its own folder, an empty check log, Keras cleared). Each solution's
``assert_all_correct`` cell proves every check accepts the reference answers; each unsolved
exercise must survive Run All (every cell that needs an answer waits for it, and every check
reports the ``...`` placeholder as not attempted). One kernel start and one TensorFlow import
per two numbers instead of six. What a reset cannot undo is an imported module, so
``test_every_notebook_imports_the_course_modules_it_uses`` checks that each notebook imports
the ``helpers`` modules it uses. When a notebook fails, the number after it in the class
still runs, in a new kernel, so one failure hides no other.
``pytest -p no:xdist --nbval-lax notebooks/NN_*.ipynb`` (or ``solutions/NN_*.ipynb``) still
runs one notebook on its own, cell by cell, while writing it.

Each pair is a test class of its own (``TestNotebooks02and03``...): `make test` runs
``--dist loadscope``, which keeps a file's functions on one worker but spreads classes;
``tests/conftest.py`` puts these classes first and ``--no-loadscope-reorder`` keeps that
order, so the two workers share them and the many small test files fill in around them.
"""

from __future__ import annotations

import ast
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


def clean(failed):
    """The failure's message without the traceback's terminal colours."""
    return re.sub(r"\x1b\[[0-9;]*m", "", str(failed))


def run_groups(groups):
    """Run the groups one after another in one kernel. When one fails, the groups after it
    go on in a new kernel, so one failure hides no other; every failure is reported, with
    its notebook, cell and traceback."""
    for path in (p for g in groups for p in g):
        assert path.exists(), f"{path.name} is missing: run `make exercises`"
    failures, rest = [], list(groups)
    while rest:
        try:
            run_in_one_kernel([p for g in rest for p in g])
            rest = []
        except NotebookFailed as failed:
            failures.append(clean(failed))
            broken = next(k for k, g in enumerate(rest) if failed.path in [p.resolve() for p in g])
            rest = rest[broken + 1:]
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


def pairs(notebooks):
    """The numbers two by two (00 with 01, 02 with 03...): each class runs two numbers."""
    return [notebooks[k:k + 2] for k in range(0, len(notebooks), 2)]


def _notebook_class(notebooks):
    groups = [group(nb) for nb in notebooks]

    @pytest.mark.slow
    def test_notebooks_then_their_solutions_and_exercises_run_top_to_bottom(self):
        run_groups(groups)

    name = "TestNotebooks" + "and".join(nb.name[:2] for nb in notebooks)
    names = ", ".join(p.name for g in groups for p in g)
    return name, type(name, (), {"__doc__": f"{names}: one kernel, in this order.",
                                 "test_notebooks_then_their_solutions_and_exercises_run_top_to_bottom":
                                 test_notebooks_then_their_solutions_and_exercises_run_top_to_bottom})


# One class per pair (not a parametrized function): --dist loadscope schedules classes apart.
globals().update(_notebook_class(pair) for pair in pairs(NOTEBOOKS))


def test_every_notebook_exercise_and_solution_is_run_by_a_class():
    """Nothing in notebooks/, exercises/ or solutions/ escapes the classes above."""
    run = {p for nb in NOTEBOOKS for p in group(nb)}
    on_disk = {p for folder in nbtools.NOTEBOOK_DIRS for p in (ROOT / folder).glob("*.ipynb")}
    assert on_disk <= run, f"not run by any class: {sorted(p.name for p in on_disk - run)}"
    assert len(NOTEBOOKS) >= 13 and all(len(group(nb)) in (1, 3) for nb in NOTEBOOKS)
    assert [nb for pair in pairs(NOTEBOOKS) for nb in pair] == NOTEBOOKS
    classes = [name for name in globals() if name.startswith("TestNotebooks")]
    assert len(classes) == len(pairs(NOTEBOOKS)) == (len(NOTEBOOKS) + 1) // 2, classes


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


@pytest.mark.slow
def test_a_failing_notebook_hides_no_failure_after_it(tmp_path):
    fails = [_write(tmp_path / "notebooks" / "97_a.ipynb", "x = 1", "1 / 0")]
    passes = [_write(tmp_path / "notebooks" / "98_b.ipynb", "print(x if 'x' in dir() else 0)")]
    also_fails = [_write(tmp_path / "notebooks" / "99_c.ipynb", "raise KeyError('c')")]
    with pytest.raises(pytest.fail.Exception) as caught:
        run_groups([fails, passes, also_fails])
    message = str(caught.value)
    assert "97_a.ipynb, cell 3 failed" in message and "ZeroDivisionError" in message, message
    assert "99_c.ipynb, cell 2 failed" in message and "KeyError" in message, message
    assert len(re.findall(r"cell \d+ failed", message)) == 2, message  # 98 passed
    assert "(run after 98_b.ipynb in the same kernel)" in message, message  # a fresh kernel


# --------------------------------------------------------------------------- imports
# Notebooks share a kernel (above), and a reset cannot unload a module: a notebook that
# reaches `helpers.memory` after only `import helpers` would pass after a notebook that
# imported helpers.memory, and fail in a student's fresh kernel. This static check catches it.


def _module_file(name):
    """The file of a module of this course (helpers.x), or None."""
    base = ROOT / name.replace(".", "/")
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    return None


def _top_level_imports(tree):
    """Import statements that run when the code runs (not those inside functions or classes)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            todo.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt))


def _imported_modules(node):
    """Course modules an import statement loads (a submodule loads its parent packages too)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif node.level or not node.module:
        return set()
    else:
        names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    found = set()
    for name in names:
        parts = name.split(".")
        found |= {".".join(parts[:k]) for k in range(1, len(parts) + 1)}
    return {name for name in found if name.split(".")[0] == "helpers" and _module_file(name)}


def loaded_by(tree):
    """Every course module that running ``tree`` imports in a fresh kernel, followed through
    the modules' own top-level imports."""
    seen, todo = set(), [m for node in _top_level_imports(tree) for m in _imported_modules(node)]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(m for node in _top_level_imports(ast.parse(_module_file(name).read_text(
                encoding="utf-8"))) for m in _imported_modules(node))
    return seen


def unimported_modules(source):
    """``helpers`` submodules that ``source`` reaches as attributes (``helpers.memory.x``) but
    that neither its imports nor theirs load: an AttributeError in a fresh kernel."""
    tree = ast.parse(source)
    loaded = loaded_by(tree)
    local = {}  # the name an import binds -> the module it stands for
    for node in _top_level_imports(tree):
        for alias in node.names:
            if isinstance(node, ast.Import):
                local[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0])
            elif node.module and not node.level:
                local[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    missing = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = local.get(node.value.id)
            wanted = f"{module}.{node.attr}" if module else None
            if wanted and wanted.startswith("helpers.") and _module_file(wanted) and wanted not in loaded:
                missing.add(wanted)
    return missing


def _code(path):
    cells = nbformat.read(str(path), as_version=4).cells
    return "\n".join(c.source for c in cells if c.cell_type == "code"
                     and not c.source.lstrip().startswith(("%", "!")))


def test_a_module_reached_but_not_imported_is_found():
    assert unimported_modules("import helpers\nhelpers.memory.snapshot") == {"helpers.memory"}
    assert unimported_modules("from helpers import checks\nchecks.ex03_lstm_gru_cells.x") == {
        "helpers.checks.ex03_lstm_gru_cells"}
    assert not unimported_modules("import helpers\nfrom helpers import memory\nhelpers.memory.x")
    assert not unimported_modules("import helpers.memory\nhelpers.memory.snapshot")
    assert not unimported_modules("import helpers\nhelpers.mode.pick")  # `import helpers` loads it
    assert not unimported_modules("import helpers\nhelpers.pick")  # a name, not a module


@pytest.mark.parametrize("path", [p for nb in NOTEBOOKS for p in group(nb)], ids=lambda p: p.name)
def test_every_notebook_imports_the_course_modules_it_uses(path):
    assert not unimported_modules(_code(path)), (
        f"{path.name} uses {sorted(unimported_modules(_code(path)))} without importing them: "
        "add `from helpers import x` (it passes only after another notebook imported them).")
