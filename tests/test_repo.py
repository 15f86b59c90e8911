"""Repository conventions: pinned environment, clean notebooks, offline, nbval coverage."""

from __future__ import annotations

import re
import subprocess
import sys

from helpers.environment import read_pins

import pytest

from tools import nbtools

ROOT = nbtools.repo_root()
NOTEBOOKS = nbtools.course_notebooks()
NB_IDS = [str(p.relative_to(ROOT)) for p in NOTEBOOKS]


def test_environment_yml_uses_python_311():
    assert re.search(r"^\s*-\s*python=3\.11\s*$", (ROOT / "environment.yml").read_text(), re.M)


def test_core_stack_is_pinned():
    pins = read_pins(ROOT / "requirements.in")
    assert pins["tensorflow"] == "2.21.0"
    assert pins["keras"].startswith("3.")
    for name in ["pandas", "numpy", "scikit-learn", "statsmodels", "matplotlib", "jupyterlab",
                 "ipykernel", "nbval", "pytest", "pytest-xdist", "ruff", "nbformat"]:
        assert name in pins, f"{name} is not pinned in requirements.in"


def test_ci_runs_make_test_only():
    lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    commands = [line for line in lines if not line.startswith(("set ", "cd "))]
    assert commands == ["make test"]


def test_there_are_notebooks():
    assert (ROOT / "notebooks" / "00_start_here.ipynb") in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NB_IDS)
def test_notebook_is_committed_clean(path):
    found = nbtools.problems(nbtools.read(path))
    assert not found, f"{path.name}: {found}. Run `make clean` to strip outputs and metadata."


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NB_IDS)
def test_notebook_structure(path):
    nb = nbtools.read(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "must open with a title"
    assert re.search(r"you will learn|you will practise", first.source, re.I), (
        "the first cell says what you will learn"
    )
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and "import helpers" in code[0].source or "from helpers" in code[0].source, (
        "the first code cell is the setup cell importing helpers"
    )
    tail = "\n".join(c.source for c in nb.cells[-2:] if c.cell_type == "markdown")
    assert re.search(r"summary", tail, re.I), "ends with a summary"
    assert re.search(r"next", tail, re.I), "says what comes next"


MAX_CELL_LINES = 30  # the lesson is the code: longer cells go into helpers/ (CONTRIBUTING.md)


def long_cells(nb):
    """(cell number as Jupyter counts it, line count) of each code cell over the limit."""
    return [(k + 1, len(c.source.splitlines())) for k, c in enumerate(nb.cells)
            if c.cell_type == "code" and len(c.source.splitlines()) > MAX_CELL_LINES]


def test_a_long_cell_is_found():
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# t\n" + "x\n" * 40),
                                         nbformat.v4.new_code_cell("x = 1\n" * 30),
                                         nbformat.v4.new_code_cell("x = 1\n" * 31)])
    assert long_cells(nb) == [(3, 31)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NB_IDS)
def test_no_code_cell_is_over_30_lines(path):
    found = long_cells(nbtools.read(path))
    assert not found, (f"{path.name}: code cell(s) over {MAX_CELL_LINES} lines (cell, lines): "
                       f"{found}. Split the cell, or move plumbing into helpers/.")


NETWORK = re.compile(
    r"https?://|urlopen|urllib\.request|import requests|requests\.get|get_file\(|"
    r"keras\.datasets|load_data\(|pd\.read_html|socket\.|tfds\.load|get_rdataset|webuse\("
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NB_IDS)
def test_notebook_code_does_not_touch_the_network(path):
    nb = nbtools.read(path)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            match = NETWORK.search(cell.source)
            assert not match, f"{path.name} cell {index} uses the network ({match[0]!r})"


def test_helpers_do_not_touch_the_network():
    for path in (ROOT / "helpers").glob("*.py"):
        match = NETWORK.search(path.read_text())
        assert not match, f"{path.name} uses the network ({match[0]!r})"


def test_nbval_collects_every_notebook():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "--nbval-lax", "-p", "no:xdist",
         *nbtools.NOTEBOOK_DIRS],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    collected = {line.split("::")[0] for line in result.stdout.splitlines() if "::" in line}
    missing = [nb for nb in NB_IDS if nb not in collected]
    assert not missing, f"nbval does not collect {missing}\n{result.stdout[-2000:]}"


def test_start_here_and_readme_link_every_notebook():
    start = (ROOT / "notebooks" / "00_start_here.ipynb").read_text()
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        rel = str(path.relative_to(ROOT))
        assert f"({rel})" in readme, f"README does not link {rel}: run `make map`"
        if path.name != "00_start_here.ipynb":
            assert f"(../{rel})" in start, f"00_start_here does not link {rel}: run `make map`"


def test_course_maps_are_up_to_date():
    readme = (ROOT / "README.md").read_text()
    assert nbtools.course_map("") in readme, "README's course map is stale: run `make map`"
    start = nbtools.read(ROOT / "notebooks" / "00_start_here.ipynb")
    cell = next(c.source for c in start.cells if nbtools.MAP_START in c.source)
    assert nbtools.course_map("../") in cell, "00_start_here's course map is stale: run `make map`"


def test_makefile_targets():
    makefile = (ROOT / "Makefile").read_text()
    for target in ["lab:", "test:", "lint:", "exercises:", "env:"]:
        assert re.search(rf"^{target}", makefile, re.M), target
    assert "COURSE_FAST=1" in makefile and "--dist loadscope --no-loadscope-reorder" in makefile
    # make test runs every notebook with its solution and exercise (one kernel each) in
    # tests/test_exercise_notebooks.py, so nbval gets no notebook folder (or each runs twice)
    line = re.search(r"^test:.*?\n((?:\t.*\n)+)", makefile, re.M)[1]
    assert line.rstrip().endswith("tests helpers tools"), line
    assert not any(folder in line.split() for folder in nbtools.NOTEBOOK_DIRS), line
    assert (ROOT / "tests" / "test_exercise_notebooks.py").exists()
