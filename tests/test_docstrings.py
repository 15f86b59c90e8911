"""Every public helper says where the course teaches it, and that reference stays true.

A public helper is a function or class named in the ``__all__`` of a student module (what
notebooks, exercises and solutions import), plus ``helpers.results.publish`` and
``check_periods``. Its docstring carries one or both of (once each):

- ``First used in NN §S.``: notebook NN calls it in a code cell of section S, and no
  earlier notebook or earlier section calls it;
- ``Taught in NN §S.``: notebook NN calls it in section S, and the text of that section
  names it in backticks;

or else:

- ``Not used in a notebook``: and indeed no notebook calls it (then no reference).

Section S is the label of a numbered heading: ``## 5.`` is ``5``, ``### 5a.`` is ``5a``, and
``### a.`` under ``## 4.`` is ``4a``. "Calls" means the code uses the name as the notebook
imported it (``fit(...)`` after ``from helpers.training import fit``, ``bl.rolling_origin``
after ``from helpers import baselines as bl``, ``helpers.pick``), not in a comment, a string
or an import line, and not ``model.fit``. So a test fails when a notebook changes under a
reference.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import re
from functools import cache
from pathlib import Path

import helpers

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
STUDENT_MODULES = ["baselines", "data", "deepar", "diagrams", "environment", "experiments",
                   "figures", "forecasting", "global_models", "intervals", "local_models",
                   "memory", "metrics", "mode", "models", "multistep", "plotting", "recipes",
                   "selection", "significance", "splits", "tables", "training", "validation",
                   "windows"]
EXTRA = {"results": ["publish", "check_periods"]}

REFERENCE = re.compile(r"\b(Taught in|First used in) (\d\d) §(\d+[a-z]?)\.")
NOT_USED = "Not used in a notebook"
HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def public_helpers() -> dict[str, tuple[object, set[str]]]:
    """``{"module.name": (object, {modules that export it})}``, each object once."""
    found: dict[str, tuple[object, set[str]]] = {}
    exports = {name: list(importlib.import_module(f"helpers.{name}").__all__) for name in STUDENT_MODULES}
    exports.update(EXTRA)
    for module_name, names in exports.items():
        module = importlib.import_module(f"helpers.{module_name}")
        for name in names:
            obj = getattr(module, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue  # constants (QUANTILES, FAST) carry no docstring of their own
            key = f"{obj.__module__.removeprefix('helpers.')}.{obj.__name__}"
            found.setdefault(key, (obj, set()))[1].add(module_name)
    return found


def section_label(text: str, major: str | None) -> tuple[str | None, str | None]:
    """The label of a heading (``5``, ``5a``, ``4a`` for ``### a.`` under 4) and the new major number."""
    numbered = re.match(r"(\d+)([a-z]?)\.\s", text)
    if numbered:
        return numbered.group(1) + numbered.group(2), numbered.group(1) if not numbered.group(2) else major
    lettered = re.match(r"([a-z])\.\s", text)
    if lettered and major:
        return major + lettered.group(1), major
    return None, major


@cache
def notebook_sections(number: str) -> tuple[tuple[str | None, str, str], ...]:
    """``(section label, cell type, source)`` for each cell of notebook ``number``, in order.

    A markdown cell belongs to the last section it opens, or else the one it is in. A level-1 or level-2
    heading without a number (``## Summary``, ``# Part B``) ends the numbered section
    before it; deeper unnumbered headings (``### Batches``) stay inside it.
    """
    (path,) = NOTEBOOKS.glob(f"{number}_*.ipynb")
    label = major = None
    cells = []
    for cell in json.loads(path.read_text())["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            for line in source.splitlines():
                heading = HEADING.match(line)
                if heading is None:
                    continue
                new_label, major = section_label(heading.group(2), major)
                if new_label is not None:
                    label = new_label
                elif len(heading.group(1)) <= 2:
                    label = major = None
        cells.append((label, cell["cell_type"], source))
    return tuple(cells)


def notebook_cells(number: str) -> tuple[tuple[str | None, str], ...]:
    """``(section label, source)`` for each code cell of notebook ``number``, in order."""
    return tuple((label, source) for label, kind, source in notebook_sections(number) if kind == "code")


def prose_names(number: str, label: str, name: str) -> bool:
    """Whether the text of section ``label`` names the helper as code (in backticks)."""
    pattern = re.compile(rf"`[^`\n]*\b{re.escape(name)}\b[^`\n]*`")
    return any(kind == "markdown" and lab == label and pattern.search(source)
               for lab, kind, source in notebook_sections(number))


@cache
def notebook_labels(number: str) -> tuple[str, ...]:
    """Every section label of notebook ``number``, in order."""
    (path,) = NOTEBOOKS.glob(f"{number}_*.ipynb")
    labels, major = [], None
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for line in "".join(cell["source"]).splitlines():
            heading = HEADING.match(line)
            if heading:
                label, major = section_label(heading.group(2), major)
                if label is not None:
                    labels.append(label)
                elif len(heading.group(1)) <= 2:
                    major = None
    return tuple(labels)


@cache
def parse(source: str) -> ast.Module | None:
    """The code of a cell, without IPython magics and shell lines; None when it is not Python."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def bindings(number: str, name: str, modules: set[str]) -> tuple[set[str], set[str]]:
    """How notebook ``number`` can name the helper: bare names, and module aliases.

    ``from helpers.training import fit`` gives the bare name ``fit``; ``from helpers import
    baselines as bl`` gives the alias ``bl``; ``import helpers`` gives ``helpers.training``
    (and ``helpers`` itself for the names the package re-exports).
    """
    bare, aliases = set(), set()
    for _, source in notebook_cells(number):
        for node in index(source)[2]:
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    if node.module.removeprefix("helpers.") in modules and alias.name == name:
                        bare.add(alias.asname or alias.name)
                    if node.module == "helpers" and alias.name in modules:
                        aliases.add(alias.asname or alias.name)
                    if node.module == "helpers" and alias.name == name:
                        bare.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "helpers":
                        aliases.update(f"helpers.{module}" for module in modules)
                        if name in getattr(helpers, "__all__", ()):
                            aliases.add("helpers")
                    elif alias.name.removeprefix("helpers.") in modules:
                        aliases.add(alias.asname or alias.name)
    return bare, aliases


def dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


@cache
def index(source: str) -> tuple[frozenset[str], frozenset[tuple[str, str | None]], tuple[ast.AST, ...]]:
    """One walk over a cell (each is asked about every helper): the names it loads, its
    ``(attribute, dotted owner)`` pairs, and its import statements."""
    tree = parse(source)
    loads, attributes, imports = set(), set(), []
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            loads.add(node.id)
        elif isinstance(node, ast.Attribute):
            attributes.add((node.attr, dotted(node.value)))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            imports.append(node)
    return frozenset(loads), frozenset(attributes), tuple(imports)


def calls(source: str, name: str, bare: set[str], aliases: set[str]) -> bool:
    """Whether a code cell uses the helper (not an import line, a comment or a string)."""
    loads, attributes, _ = index(source)
    return bool(loads & set(bare)) or any((name, alias) in attributes for alias in aliases)


def sections_using(number: str, name: str, modules: set[str]) -> list[str | None]:
    """The labels of the sections of notebook ``number`` whose code uses the helper, in order."""
    bare, aliases = bindings(number, name, modules)
    used: list[str | None] = []
    if not bare and not aliases:
        return used
    for label, source in notebook_cells(number):
        if calls(source, name, bare, aliases) and label not in used:
            used.append(label)
    return used


def notebook_numbers() -> list[str]:
    return sorted(p.name[:2] for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


HELPERS = public_helpers()


# Modules of helpers/ that are not the student library: the package's own __init__;
# results is in EXTRA. (The authoring tools live in tools/.)
NOT_STUDENT_MODULES = {"__init__", "results"}


def test_every_student_module_is_checked():
    modules = {p.stem for p in (ROOT / "helpers").glob("*.py")}
    unchecked = modules - set(STUDENT_MODULES) - NOT_STUDENT_MODULES
    assert not unchecked, f"add {sorted(unchecked)} to STUDENT_MODULES (with an __all__) or NOT_STUDENT_MODULES"


def test_the_public_helpers_are_found():
    assert {"training.fit", "windows.make_windows", "results.publish", "intervals.coverage"} <= set(HELPERS)
    assert len(HELPERS) > 50


@pytest.mark.parametrize("key", sorted(HELPERS))
def test_public_helper_names_where_it_is_taught(key):
    obj, modules = HELPERS[key]
    name = obj.__name__
    doc = inspect.getdoc(obj) or ""
    references = REFERENCE.findall(doc)
    if NOT_USED in doc:
        assert not references, f"{key}: says both '{NOT_USED}' and {references}"
        users = [n for n in notebook_numbers() if sections_using(n, name, modules)]
        assert not users, f"{key} says '{NOT_USED}', but notebook(s) {users} call it: name the section instead."
        return
    kinds = [kind for kind, _, _ in references]
    assert references and len(set(kinds)) == len(kinds), (
        f"{key}: the docstring needs a line 'Taught in NN §S.' or 'First used in NN §S.' (or both, "
        f"once each, or '{NOT_USED}; ...'), found {references}."
    )
    for kind, number, label in references:
        check_reference(key, name, modules, kind, number, label)


def check_reference(key: str, name: str, modules: set[str], kind: str, number: str, label: str) -> None:
    assert list(NOTEBOOKS.glob(f"{number}_*.ipynb")), f"{key}: notebook {number} does not exist."
    assert label in notebook_labels(number), (
        f"{key}: notebook {number} has no section {label} (its sections: {notebook_labels(number)})."
    )
    used = sections_using(number, name, modules)
    assert label in used, f"{key}: notebook {number} §{label} does not call {name}; it does in {used}."
    if kind == "Taught in":
        assert prose_names(number, label, name), (
            f"{key}: 'Taught in {number} §{label}', but the text of that section never names "
            f"`{name}`; say 'First used in' or explain it there."
        )
    if kind == "First used in":
        earlier = [n for n in notebook_numbers() if n < number and sections_using(n, name, modules)]
        assert not earlier, f"{key}: 'First used in {number}', but notebook(s) {earlier} call it before."
        assert used[0] == label, f"{key}: 'First used in {number} §{label}', but §{used[0]} calls it before."


def test_references_fail_when_the_notebook_does_not_call_the_helper():
    assert sections_using("06", "future_index", {"forecasting"})
    assert not sections_using("06", "windows_dataset", {"windows"})
    # model.fit is Keras, not helpers.training.fit
    assert not calls("history = model.fit(x, y)", "fit", set(), {"helpers.training"})
    assert not calls("# fit(model) would do it", "fit", {"fit"}, set())
    assert calls("h = fit(model, x, y)", "fit", {"fit"}, set())
    assert calls("bl.rolling_origin(s, f, 7)", "rolling_origin", set(), {"bl"})


def test_section_labels():
    assert section_label("5a. Recursive: one step", "5") == ("5a", "5")
    assert section_label("a. The spread of a seed ensemble", "4") == ("4a", "4")
    assert section_label("Batches", "1") == (None, "1")
    assert "5a" in notebook_labels("05")
