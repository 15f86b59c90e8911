"""Run the whole course headless: ``make results``, ``make html`` and ``make slides``.

* ``python -m helpers.runner results`` executes every notebook in
  ``notebooks/`` and ``solutions/`` in **full mode**, one after another, with a
  progress bar; it records each notebook's wall time and the tables the
  notebooks publish (see :mod:`helpers.results`) in ``results/results.json``
  and renders ``results/RESULTS.md``. Executed copies go to ``build/executed``.
* ``python -m helpers.runner html`` turns the executed copies (running any that
  are missing or older than their source) into HTML under ``site/html`` with an
  ``index.html`` in course order.
* ``python -m helpers.runner slides`` writes reveal.js decks under
  ``site/slides`` from the slide metadata of the notebooks.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from helpers import nbtools
from helpers.results import RESULTS_ENV, machine, render_markdown

ROOT = nbtools.repo_root()
BUILD = ROOT / "build" / "executed"
SITE = ROOT / "site"
RESULTS = ROOT / "results"
RUN_DIRS = ("notebooks", "solutions")


def run_order() -> list[Path]:
    """Notebooks and solutions in course order (by number, notebook before solution)."""
    paths = [p for p in nbtools.course_notebooks() if p.parent.name in RUN_DIRS]
    return sorted(paths, key=lambda p: (p.name[:2], RUN_DIRS.index(p.parent.name), p.name))


def execute(path: Path, env: dict[str, str], timeout: int = 1800) -> tuple[Any, str]:
    """Execute one notebook with nbclient; return the executed notebook and a status string."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(str(path), as_version=4)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
        status = "ok"
    except CellExecutionError as err:
        status = "failed: " + str(err).strip().splitlines()[-1][:200]
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return nb, status


def executed_path(path: Path) -> Path:
    return BUILD / path.parent.name / path.name


def run_all(paths: list[Path], fast: bool = False) -> dict[str, Any]:
    """Execute ``paths`` in order, saving executed copies; return per-notebook facts."""
    import nbformat
    from tqdm.auto import tqdm

    env = {k: v for k, v in os.environ.items() if k != "COURSE_FAST"}
    if fast:
        env["COURSE_FAST"] = "1"
    env.setdefault("MPLBACKEND", "Agg")
    facts: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as parts:
        env[RESULTS_ENV] = parts
        bar = tqdm(paths, unit="notebook", file=sys.stdout)
        for path in bar:
            name = str(path.relative_to(ROOT))
            bar.set_postfix_str(name)
            start = time.perf_counter()
            nb, status = execute(path, env)
            wall = time.perf_counter() - start
            target = executed_path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, str(target))
            published = []
            part = Path(parts) / (name.replace("/", "__").replace(".ipynb", ".json"))
            if part.exists():
                published.append(json.loads(part.read_text()))
            facts[name] = {"status": status, "wall_time_s": round(wall, 1), "published": published}
            tqdm.write(f"{name}: {status} in {wall:.0f} s")
    return facts


def results(fast: bool = False) -> int:
    """``make results``: run everything, write results/results.json and RESULTS.md."""
    start = time.perf_counter()
    facts = run_all(run_order(), fast=fast)
    data = {
        "mode": "fast" if fast else "full",
        "machine": machine(),
        "total_wall_time_s": round(time.perf_counter() - start, 1),
        "notebooks": facts,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "results.json").write_text(json.dumps(data, indent=2) + "\n")
    (RESULTS / "RESULTS.md").write_text(render_markdown(data))
    failed = [n for n, f in facts.items() if f["status"] != "ok"]
    print(f"Wrote {RESULTS / 'RESULTS.md'} ({data['total_wall_time_s'] / 60:.1f} min).")
    if failed:
        print("Failed notebooks:", ", ".join(failed))
    return 1 if failed else 0


def _stale(path: Path) -> bool:
    target = executed_path(path)
    return not target.exists() or target.stat().st_mtime < path.stat().st_mtime


def html() -> int:
    """``make html``: executed HTML copies of every notebook with an index page."""
    from nbconvert import HTMLExporter

    paths = [p for p in nbtools.course_notebooks() if p.parent.name in RUN_DIRS + ("exercises",)]
    stale = [p for p in paths if _stale(p)]
    if stale:
        print(f"Executing {len(stale)} notebook(s) in full mode first...")
        run_all(stale)
    exporter = HTMLExporter(template_name="lab")
    out = SITE / "html"
    entries = []
    for path in sorted(paths, key=lambda p: (p.name[:2], p.parent.name)):
        body, _ = exporter.from_filename(str(executed_path(path)))
        target = out / path.parent.name / path.with_suffix(".html").name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body)
        entries.append((path, target.relative_to(out)))
    items = "\n".join(
        f'<li><a href="{rel}">{path.parent.name}/{path.name}</a></li>' for path, rel in entries
    )
    (out / "index.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>RNN forecasting course</title>"
        "<h1>RNN forecasting course: reading copies</h1>"
        "<p>Executed in full mode by <code>make html</code>.</p>"
        f"<ol>\n{items}\n</ol>\n"
    )
    print(f"Wrote {len(entries)} pages and {out / 'index.html'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description="Run the course's notebooks headless.")
    parser.add_argument("command", choices=["results", "html"])
    parser.add_argument("--fast", action="store_true", help="fast mode (for trying the runner)")
    args = parser.parse_args(argv)
    if args.command == "results":
        return results(fast=args.fast)
    return html()


if __name__ == "__main__":
    raise SystemExit(main())
