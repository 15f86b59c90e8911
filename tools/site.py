"""The course website and its PDF: ``make site`` and ``make pdf`` (Sphinx + MyST-NB).

``python -m tools.site html`` builds a static site under ``site/html`` from the
executed full-mode copies that ``make results`` writes to ``build/executed``
(running in full mode only those that are missing, older than their source or
from fast mode). Nothing is executed by Sphinx (``nb_execution_mode = "off"``).
The site has the course map as its table of contents, previous/next links,
full-text search, the exercises and solutions, the results tables of the README,
and on each notebook's page a link to its exercise. It loads nothing from the
network: MathJax 3 is copied next to the pages (npm fetches it once, as for the
slides), the theme ships its own fonts and icons, and :func:`remote_assets` fails
the build if any page or stylesheet still points at another host.

``python -m tools.site pdf`` writes the same sources as LaTeX (``sphinx -b
latex``) to ``build/site-latex`` and, when ``latexmk`` and XeLaTeX are installed
(Debian: ``latexmk texlive-xetex texlive-latex-extra texlive-fonts-recommended
fonts-freefont-otf``), runs them to ``site/course.pdf``.

The Sphinx configuration is ``docs/site/conf.py``; the sources are staged in
``build/site-src`` (copies, so the committed notebooks stay clean).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tools import nbtools
from tools.report import HEADLINE_END

ROOT = nbtools.repo_root()
CONF = ROOT / "docs" / "site" / "conf.py"
STAGE = ROOT / "build" / "site-src"
EXECUTED = ROOT / "build" / "executed"
HTML_OUT = ROOT / "site" / "html"
LATEX_OUT = ROOT / "build" / "site-latex"
PDF_OUT = ROOT / "site" / "course.pdf"
MATHJAX_PACKAGE = "mathjax@3.2.2"
MATHJAX_CACHE = ROOT / "build" / "site-vendor"
# The parts of MathJax 3 the pages load: the combined TeX -> CommonHTML component and its fonts.
MATHJAX_PARTS = ["es5/tex-chtml.js", "es5/output/chtml/fonts/woff-v2"]
SECTIONS = (("notebooks", "Notebooks"), ("exercises", "Exercises"), ("solutions", "Solutions"))
LOCAL_HOSTS = ("localhost", "127.0.0.1")


def vendor_mathjax(target: Path, cache: Path = MATHJAX_CACHE) -> Path:
    """Copy MathJax 3 to ``target`` (fetched once with npm into ``cache``); return ``target``."""
    source = cache / "node_modules" / "mathjax"
    if not (source / MATHJAX_PARTS[0]).exists():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("make site needs npm (Node.js) once, to fetch MathJax for offline "
                             "math. Install Node.js and run the command again.")
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix",
                        str(cache), MATHJAX_PACKAGE], check=True)
    for part in MATHJAX_PARTS:
        src, dst = source / part, target / Path(part).relative_to("es5")
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    return target


def _number(path: Path) -> str:
    return path.name[:2]


def _partner(path: Path, folder: str, root: Path) -> Path | None:
    found = sorted((root / folder).glob(f"{_number(path)}_*.ipynb"))
    return found[0] if found else None


def exercise_cell(path: Path, root: Path) -> str | None:
    """Markdown for a notebook page: a link to its exercise and solution (None if it has none)."""
    exercise = _partner(path, "exercises", root)
    if exercise is None:
        return None
    solution = _partner(path, "solutions", root)
    text = (f"**Exercise:** practise this notebook in [Exercise {_number(path)}]"
            f"(../exercises/{exercise.name})")
    if solution is not None:
        text += f" (its [solution](../solutions/{solution.name}) is on the site too)"
    return text + "."


def page_source(path: Path, executed: Path | None, root: Path) -> Any:
    """The notebook to publish for ``path``: its executed copy if given, plus the exercise link."""
    import nbformat

    nb = nbformat.read(str(executed or path), as_version=4)
    if path.parent.name == "notebooks":
        cell = exercise_cell(path, root)
        if cell is not None:
            nb.cells.insert(1, nbformat.v4.new_markdown_cell(cell))
    # The staged copy keeps only what the site reads: stray widget state or kernel details
    # from an executed copy are not needed.
    nb.metadata.pop("widgets", None)
    return nb


def results_page(readme: Path) -> str:
    """The README's results section (its introduction and tables) as a page of the site."""
    text = readme.read_text()
    start = text.index("## Results")
    end = text.index(HEADLINE_END, start)
    body = text[start:end].replace("## Results", "# Results", 1)
    body = re.sub(r"<!--.*?-->", "", body)
    return body.rstrip() + "\n"


def index_page(root: Path, names: dict[str, list[str]]) -> str:
    """The home page: the README's opening, the course map and one table of contents per part."""
    readme = (root / "README.md").read_text()
    title, _, rest = readme.partition("\n")
    intro = rest.strip().split("\n\n")[0]
    table = nbtools.course_map(prefix="", root=root)
    table = "\n".join(line for line in table.splitlines() if not line.startswith("<!--"))
    parts = [title, "", intro, "",
             "Read the notebooks in order; after each one, do its exercise. Outputs on these "
             "pages come from the full-mode run (`make results`); the search box finds "
             "any term on them.", "", "## Course map", "", table.strip(), ""]
    for folder, caption in (*SECTIONS, ("", "Results")):
        entries = names.get(folder, []) if folder else ["results"]
        if not entries:
            continue
        parts += ["```{toctree}", f":caption: {caption}", ":maxdepth: 1", "",
                  *[f"{folder}/{name}" if folder else name for name in entries], "```", ""]
    return "\n".join(parts)


def is_current(path: Path, executed: Path) -> bool:
    """Whether ``executed`` is a full-mode run of ``path`` made after its last change."""
    if not executed.exists() or executed.stat().st_mtime < path.stat().st_mtime:
        return False
    try:
        mode = json.loads(executed.read_text()).get("metadata", {}).get("course_run", {})
    except (OSError, ValueError):
        return False
    return mode.get("mode", "full") == "full"


def stage(paths: list[Path], out: Path, root: Path = ROOT, executed_dir: Path | None = EXECUTED,
          mathjax: Path | None = None) -> Path:
    """Write the Sphinx sources for ``paths`` to ``out``: conf.py, pages, MathJax, notebooks.

    ``executed_dir`` holds executed copies (``<folder>/<name>.ipynb``); a notebook without
    one is published without outputs. ``mathjax`` is a folder with ``tex-chtml.js``
    (:func:`vendor_mathjax` makes one).
    """
    import nbformat

    if out.exists():
        shutil.rmtree(out)
    (out / "_static").mkdir(parents=True)
    shutil.copy2(root / "docs" / "site" / "conf.py", out / "conf.py")
    if mathjax is not None:
        shutil.copytree(mathjax, out / "_static" / "mathjax")
    names: dict[str, list[str]] = {}
    for path in sorted(paths, key=lambda p: (p.parent.name, p.name)):
        copy = executed_dir / path.parent.name / path.name if executed_dir else None
        nb = page_source(path, copy if copy is not None and copy.exists() else None, root)
        target = out / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(target))
        names.setdefault(path.parent.name, []).append(path.stem)
    (out / "results.md").write_text(results_page(root / "README.md"))
    (out / "index.md").write_text(index_page(root, names))
    return out


def sphinx(source: Path, out: Path, builder: str = "html", quiet: bool = True,
           env: dict[str, str] | None = None) -> None:
    """Run ``sphinx-build -b builder source out`` in a fresh process; raise with its log."""
    command = [sys.executable, "-m", "sphinx", "-b", builder, "-j", "1", "-E",
               *(["-q"] if quiet else []), str(source), str(out)]
    # MyST-NB copies the notebooks to <out>/../jupyter_execute even when it runs nothing.
    scratch = out.parent / "jupyter_execute"
    existed = scratch.exists()
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if not existed:
        shutil.rmtree(scratch, ignore_errors=True)
    if result.returncode != 0:
        raise SystemExit(f"sphinx-build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


_ASSET = re.compile(
    r"""<(?:script|img|iframe|audio|video|source|embed)\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']|"""
    r"""<link\b[^>]*?\bhref\s*=\s*["']([^"']+)["'][^>]*>""", re.I)
_CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])([^"')\s]+)""", re.I)
_INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.I | re.S)
_REMOTE = re.compile(r"^(?:https?:)?//([^/:'\"]+)", re.I)


def _remote(url: str) -> bool:
    match = _REMOTE.match(url.strip())
    return bool(match) and match[1].lower() not in LOCAL_HOSTS


def remote_assets(site: Path) -> list[str]:
    """What the built site would fetch from another host: ``file: url`` for each.

    Looks at every page's scripts, images, frames and ``<link>`` tags (stylesheets,
    preloads, icons), at URLs inside inline scripts, and at ``url(...)`` and
    ``@import`` in every stylesheet. Plain ``<a href>`` links to other sites are
    allowed: following one is the reader's choice, not something the page loads.
    """
    found = []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(errors="replace")
        for match in _ASSET.finditer(text):
            url = match[1] or match[2]
            tag = match[0].lower()
            if match[2] and not re.search(r"rel\s*=\s*[\"']?(?:stylesheet|preload|icon|"
                                          r"modulepreload|prefetch|manifest)", tag):
                continue
            if _remote(url):
                found.append(f"{page.relative_to(site)}: {url}")
        for script in _INLINE_SCRIPT.findall(text):
            found += [f"{page.relative_to(site)}: {url}"
                      for url in re.findall(r"""["'`]((?:https?:)?//[^"'`\s]+)""", script)
                      if _remote(url)]
    for sheet in sorted(site.rglob("*.css")):
        found += [f"{sheet.relative_to(site)}: {url}"
                  for url in _CSS_URL.findall(sheet.read_text(errors="replace")) if _remote(url)]
    return found


def images_without_alt(site: Path) -> list[str]:
    """Output images on the built pages whose ``alt`` text is missing or generic."""
    missing = []
    for page in sorted(site.rglob("*.html")):
        for tag in re.findall(r"<img\b[^>]*>", page.read_text(errors="replace"), re.I):
            if "_static/" in tag or "logo" in tag:
                continue
            alt = re.search(r"""\balt\s*=\s*["']([^"']*)["']""", tag)
            if alt is None or alt[1].strip().lower() in ("", "image", "png", "figure"):
                missing.append(f"{page.relative_to(site)}: {tag[:120]}")
    return missing


def course_paths(root: Path = ROOT) -> list[Path]:
    """Every notebook, exercise and solution of the course, in course order."""
    return sorted((p for p in nbtools.course_notebooks(root)
                   if p.parent.name in {folder for folder, _ in SECTIONS}),
                  key=lambda p: (p.name[:2], p.parent.name))


def refresh_executed(paths: list[Path]) -> None:
    """Run in full mode the notebooks and solutions whose executed copy is not current."""
    from tools import runner

    stale = [p for p in paths if p.parent.name in runner.RUN_DIRS
             and not is_current(p, runner.executed_path(p))]
    if stale:
        print(f"Executing {len(stale)} notebook(s) in full mode first (make results does all)...")
        runner.run_all(stale)


def html(execute: bool = True, executed_dir: Path = EXECUTED) -> int:
    """``make site``: the course website under site/html."""
    paths = course_paths()
    if execute:
        refresh_executed(paths)
    mathjax = vendor_mathjax(MATHJAX_CACHE / "mathjax-site")
    source = stage(paths, STAGE, executed_dir=executed_dir, mathjax=mathjax)
    if HTML_OUT.exists():
        shutil.rmtree(HTML_OUT)
    sphinx(source, HTML_OUT, "html")
    remote = remote_assets(HTML_OUT)
    if remote:
        raise SystemExit("The site would load from the network:\n  " + "\n  ".join(remote[:10]))
    no_alt = images_without_alt(HTML_OUT)
    if no_alt:
        print(f"{len(no_alt)} image(s) without alt text:\n  " + "\n  ".join(no_alt[:10]))
    print(f"Wrote {HTML_OUT / 'index.html'} ({len(paths)} notebooks; open it in a browser, "
          "works offline).")
    return 0


def pdf(execute: bool = True, executed_dir: Path = EXECUTED) -> int:
    """``make pdf``: LaTeX sources of the whole course, and the PDF when LaTeX is installed."""
    paths = course_paths()
    if execute:
        refresh_executed(paths)
    source = stage(paths, STAGE, executed_dir=executed_dir)
    if LATEX_OUT.exists():
        shutil.rmtree(LATEX_OUT)
    sphinx(source, LATEX_OUT, "latex")
    tex = LATEX_OUT / "course.tex"
    if shutil.which("latexmk") is None or shutil.which("xelatex") is None:
        print(f"Wrote {tex}. No latexmk/xelatex here, so no PDF: install them (Debian: "
              "apt-get install latexmk texlive-xetex texlive-latex-extra "
              "texlive-fonts-recommended fonts-freefont-otf) and run make pdf again.")
        return 0
    subprocess.run(["latexmk", "-pdfxe", "-interaction=nonstopmode", "-halt-on-error",
                    tex.name], cwd=LATEX_OUT, check=True, stdout=subprocess.DEVNULL)
    PDF_OUT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(LATEX_OUT / "course.pdf", PDF_OUT)
    print(f"Wrote {PDF_OUT}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description="Build the course website or its PDF.")
    parser.add_argument("command", choices=["html", "pdf"])
    parser.add_argument("--no-execute", action="store_true",
                        help="publish the executed copies there are; run nothing")
    parser.add_argument("--executed", type=Path, default=EXECUTED, metavar="DIR",
                        help="publish the executed copies in DIR (<folder>/<name>.ipynb), e.g. "
                             "a fast-mode preview; implies --no-execute")
    args = parser.parse_args(argv)
    execute = not args.no_execute and args.executed == EXECUTED
    if args.command == "pdf":
        return pdf(execute=execute, executed_dir=args.executed)
    return html(execute=execute, executed_dir=args.executed)


if __name__ == "__main__":
    raise SystemExit(main())
