"""Notebook housekeeping for course authors: build, clean and check notebooks.

Notebooks are committed without outputs and with minimal metadata, so diffs
show only what an author changed. This module defines what "clean" means and
is used by the tests, by ``make clean`` and by the exercise generator.

Authors can also write a notebook as a plain-text "percent" script and build
it with ``python -m tools.nbtools build SCRIPT.py NOTEBOOK.ipynb``::

    # %% [markdown]
    # # Title
    # Some text.

    # %% tags=["solution"]
    x = 1
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
from nbformat import NotebookNode

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
NOTEBOOK_METADATA = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
ALLOWED_CELL_METADATA = {"tags", "slideshow"}
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
NOTEBOOK_DIRS = ("notebooks", "exercises", "solutions")
SOLUTION_ONLY_TAG = "solution-only"

_HEADER = re.compile(r"^# %%(?P<kind> \[markdown\])?(?P<meta>.*)$")


def repo_root() -> Path:
    """The repository's top folder (the parent of ``tools/``)."""
    return Path(__file__).resolve().parent.parent


def course_notebooks(root: Path | None = None) -> list[Path]:
    """Every notebook in notebooks/, exercises/ and solutions/, sorted by path."""
    root = root or repo_root()
    found: list[Path] = []
    for folder in NOTEBOOK_DIRS:
        found.extend(
            p for p in (root / folder).glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
        )
    return sorted(found)


def slide_type(cell: NotebookNode, index: int) -> str:
    """The slideshow role the course gives a cell when its author did not choose one.

    The title and every ``##`` section start a slide, ``###`` headings a sub-slide,
    solution-only cells are skipped, and everything else continues the current
    slide (RISE and the static deck scroll long slides).
    """
    if SOLUTION_ONLY_TAG in cell.metadata.get("tags", []):
        return "skip"
    if cell.cell_type == "markdown":
        first = cell.source.lstrip()
        if index == 0 or first.startswith(("# ", "## ")):
            return "slide"
        if first.startswith("### "):
            return "subslide"
    return "-"


def _cell_id(index: int) -> str:
    return f"cell-{index:03d}"


def clean(nb: NotebookNode) -> NotebookNode:
    """Return ``nb`` without outputs, execution counts or editor metadata.

    Cell ids are renumbered ``cell-000``, ``cell-001``... so that rebuilding a
    notebook gives byte-identical files.
    """
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = nbformat.from_dict(json.loads(json.dumps(NOTEBOOK_METADATA)))
    for index, cell in enumerate(nb.cells):
        cell.id = _cell_id(index)
        cell.metadata = nbformat.from_dict(
            {k: v for k, v in cell.metadata.items() if k in ALLOWED_CELL_METADATA and v}
        )
        if "slide_type" not in cell.metadata.get("slideshow", {}):
            cell.metadata["slideshow"] = {"slide_type": slide_type(cell, index)}
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def problems(nb: NotebookNode) -> list[str]:
    """List the ways in which ``nb`` is not clean (empty list: clean)."""
    found = []
    if dict(nb.metadata) != NOTEBOOK_METADATA:
        extra = sorted(set(nb.metadata) - set(NOTEBOOK_METADATA))
        found.append(f"notebook metadata differs from the standard one (extra keys: {extra})")
    for index, cell in enumerate(nb.cells):
        where = f"cell {index}"
        if cell.cell_type == "code":
            if cell.get("outputs"):
                found.append(f"{where} has outputs")
            if cell.get("execution_count") is not None:
                found.append(f"{where} has an execution count")
        extra = set(cell.metadata) - ALLOWED_CELL_METADATA
        if extra:
            found.append(f"{where} has editor metadata {sorted(extra)}")
        if "slide_type" not in cell.metadata.get("slideshow", {}):
            found.append(f"{where} has no slideshow metadata")
        if cell.get("id") != _cell_id(index):
            found.append(f"{where} has id {cell.get('id')!r}, expected {_cell_id(index)!r}")
    return found


def read(path: Path | str) -> NotebookNode:
    """Read a notebook file (nbformat 4)."""
    return nbformat.read(str(path), as_version=4)


def dumps(nb: NotebookNode) -> str:
    """Serialise a notebook exactly as the course commits it."""
    return nbformat.writes(nb) + "\n"


def write(nb: NotebookNode, path: Path | str) -> None:
    """Clean ``nb`` and write it to ``path``."""
    Path(path).write_text(dumps(clean(nb)))


def from_percent(text: str) -> NotebookNode:
    """Build a clean notebook from a percent-format script (see the module docstring)."""
    cells: list[NotebookNode] = []
    kind, meta, lines = None, {}, []

    def flush() -> None:
        if kind is None:
            return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(
                line[2:] if line.startswith("# ") else line.lstrip("#")
                for line in body.splitlines()
            )
            cells.append(nbformat.v4.new_markdown_cell(body, metadata=meta))
        else:
            cells.append(nbformat.v4.new_code_cell(body, metadata=meta))

    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            flush()
            kind = "markdown" if match["kind"] else "code"
            meta = {}
            raw_meta = match["meta"].strip()
            if raw_meta.startswith("tags="):
                meta = {"tags": json.loads(raw_meta[len("tags=") :])}
            lines = []
        elif kind is not None:
            lines.append(line)
    flush()
    return clean(nbformat.v4.new_notebook(cells=cells))


MAP_START, MAP_END = "<!-- course-map:start -->", "<!-- course-map:end -->"


def _title(path: Path) -> str:
    first = read(path).cells[0].source.splitlines()[0]
    return re.sub(r"^#\s*(Exercise\s+)?\d+\s*·\s*", "", first).replace(" (solution)", "").replace(" (exercise)", "").strip()


def course_map(prefix: str = "", root: Path | None = None) -> str:
    """The course map as a markdown table, one row per number NN, links relative to ``prefix``.

    Built from the files themselves, so it cannot list a notebook that does not exist.
    """
    root = root or repo_root()
    rows: dict[str, dict[str, Path]] = {}
    for folder in NOTEBOOK_DIRS:
        for path in sorted((root / folder).glob("[0-9][0-9]_*.ipynb")):
            rows.setdefault(path.name[:2], {})[folder] = path
    lines = [MAP_START, "", "| # | notebook | exercise | solution |", "|---|---|---|---|"]
    for number, files in sorted(rows.items()):
        cells = [number]
        for folder, label in (("notebooks", None), ("exercises", "exercise"), ("solutions", "solution")):
            path = files.get(folder)
            if path is None:
                cells.append("")
            else:
                text = label or _title(path)
                cells.append(f"[{text}]({prefix}{folder}/{path.name})")
        if "notebooks" not in files:
            cells[1] = _title(next(iter(files.values())))
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", MAP_END]
    return "\n".join(lines)


def _replace_map(text: str, table: str) -> str:
    start, end = text.find(MAP_START), text.find(MAP_END)
    if start < 0 or end < start:
        raise ValueError(f"the course map markers {MAP_START} ... {MAP_END} are missing")
    return text[:start] + table + text[end + len(MAP_END):]


def update_course_map(root: Path | None = None) -> list[Path]:
    """Rewrite the course map in README.md and notebooks/00_start_here.ipynb; return changed files."""
    root = root or repo_root()
    changed = []
    readme = root / "README.md"
    new = _replace_map(readme.read_text(), course_map("", root))
    if new != readme.read_text():
        readme.write_text(new)
        changed.append(readme)
    start = root / "notebooks" / "00_start_here.ipynb"
    nb = read(start)
    for cell in nb.cells:
        if MAP_START in cell.source:
            cell.source = _replace_map(cell.source, course_map("../", root))
    if dumps(clean(nb)) != start.read_text():
        write(nb, start)
        changed.append(start)
    return changed


def main(argv: list[str] | None = None) -> int:
    """Command line: ``build SCRIPT NOTEBOOK``, ``clean [NOTEBOOK...]``, ``check``, ``map``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["build"] and len(args) == 3:
        write(from_percent(Path(args[1]).read_text()), args[2])
        return 0
    if args[:1] == ["clean"]:
        paths = [Path(a) for a in args[1:]] or course_notebooks()
        for path in paths:
            write(read(path), path)
        return 0
    if args[:1] == ["map"]:
        for path in update_course_map():
            print(f"updated the course map in {path}")
        return 0
    if args[:1] == ["check"]:
        bad = {p: problems(read(p)) for p in course_notebooks()}
        for path, issues in bad.items():
            for issue in issues:
                print(f"{path}: {issue}")
        return 1 if any(bad.values()) else 0
    print(
        "usage: python -m tools.nbtools build SCRIPT.py NOTEBOOK.ipynb | clean [NB...] | check"
        " | map"
    )
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
