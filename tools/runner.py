"""Run the whole course headless: ``make results``, ``make html`` and ``make slides``.

* ``python -m tools.runner results`` executes every notebook in
  ``notebooks/`` and ``solutions/`` in **full mode**, one after another, with a
  progress bar; it records each notebook's wall time and the tables the
  notebooks publish (see :mod:`helpers.results`) in ``results/results.json``
  and renders ``results/RESULTS.md``, the README's headline results and the
  teaching guide's run-time table (see :mod:`tools.report`). Executed copies go
  to ``build/executed``.
* ``python -m tools.runner render`` re-renders those pages from the committed
  ``results/results.json`` without running anything.
* ``python -m tools.runner html`` turns the executed copies (running any that
  are missing or older than their source) into HTML under ``site/html`` with an
  ``index.html`` in course order. RequireJS and MathJax are copied next to the
  pages, so they render offline (npm fetches them once, as for the slides).
* ``python -m tools.runner slides`` writes reveal.js decks under
  ``site/slides`` from the slide metadata of the notebooks.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tools import nbtools
from tools.report import machine, render_markdown, update_readme, update_teaching_guide

# Where helpers.results.publish() writes each notebook's tables under `make results`
# (the same name as helpers.results.RESULTS_ENV; a test keeps the two equal).
RESULTS_ENV = "COURSE_RESULTS_DIR"

ROOT = nbtools.repo_root()
BUILD = ROOT / "build" / "executed"
SITE = ROOT / "site"
RESULTS = ROOT / "results"
RUN_DIRS = ("notebooks", "solutions")


def run_order() -> list[Path]:
    """Notebooks and solutions in course order (by number, notebook before solution)."""
    paths = [p for p in nbtools.course_notebooks() if p.parent.name in RUN_DIRS]
    return sorted(paths, key=lambda p: (p.name[:2], RUN_DIRS.index(p.parent.name), p.name))


def kernel_config(socket_dir: Path) -> Any:
    """Kernel settings for headless runs: IPC sockets in ``socket_dir`` where the OS has them.

    Over the default TCP transport every kernel logs "Kernel is running over TCP without
    encryption"; local Unix sockets need no encryption and keep ``make results`` quiet.
    Windows has no IPC transport, so it keeps TCP (and the warning).
    """
    from traitlets.config import Config

    config = Config()
    if os.name == "posix":
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(socket_dir / "kernel")
    return config


def execute(path: Path, env: dict[str, str], timeout: int = 1800) -> tuple[Any, str]:
    """Execute one notebook with nbclient; return the executed notebook and a status string."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(str(path), as_version=4)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    # Short, private directory: a Unix socket path must stay under about 100 characters.
    sockets = tempfile.TemporaryDirectory(prefix="course-kernel-")
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                config=kernel_config(Path(sockets.name)),
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
        status = "ok"
    except CellExecutionError as err:
        status = "failed: " + str(err).strip().splitlines()[-1][:200]
    finally:
        os.environ.clear()
        os.environ.update(saved)
        sockets.cleanup()
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


def results(fast: bool = False, only: list[str] | None = None) -> int:
    """``make results``: run everything, write results/results.json and RESULTS.md.

    With ``only`` (paths from the repository root), run just those notebooks and
    merge them into the existing results; the total is the sum of the per-notebook times.
    """
    paths = run_order()
    previous: dict[str, Any] = {}
    if only:
        wanted = set(only)
        unknown = wanted - {str(p.relative_to(ROOT)) for p in paths}
        if unknown:
            raise SystemExit(f"not a notebook or solution of the course: {sorted(unknown)}")
        paths = [p for p in paths if str(p.relative_to(ROOT)) in wanted]
        if (RESULTS / "results.json").exists():
            previous = json.loads((RESULTS / "results.json").read_text())["notebooks"]
    from tools import calibration

    calibration_s = calibration.measure()
    print(f"Calibration workload: {calibration_s:.1f} s (idle reference "
          f"{calibration.REFERENCE_S:g} s); notebook times are also reported as multiples of it.")
    facts = run_all(paths, fast=fast)
    for info in facts.values():
        info["calibration_s"] = round(calibration_s, 2)
        info["multiple"] = calibration.multiple(info["wall_time_s"], calibration_s)
    merged = {str(p.relative_to(ROOT)): facts.get(str(p.relative_to(ROOT)),
                                                  previous.get(str(p.relative_to(ROOT))))
              for p in run_order()}
    merged = {name: info for name, info in merged.items() if info is not None}
    data = {
        "mode": "fast" if fast else "full",
        "machine": machine(),
        "total_wall_time_s": round(sum(info["wall_time_s"] for info in merged.values()), 1),
        "calibration_s": round(calibration_s, 2),
        "notebooks": merged,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "results.json").write_text(json.dumps(data, indent=2) + "\n")
    render_pages(data)
    failed = [n for n, f in facts.items() if f["status"] != "ok"]
    print(f"Wrote {RESULTS / 'RESULTS.md'} ({data['total_wall_time_s'] / 60:.1f} min).")
    if failed:
        print("Failed notebooks:", ", ".join(failed))
    return 1 if failed else 0


def render_pages(data: dict[str, Any] | None = None) -> list[Path]:
    """Write RESULTS.md, the README's headline and the teaching guide's run times from ``data``.

    Without ``data``, the committed ``results/results.json`` is read: ``python -m
    tools.runner render`` refreshes the pages after their template changed, without
    running any notebook. Returns the files that changed.
    """
    if data is None:
        data = json.loads((RESULTS / "results.json").read_text())
    changed = []
    markdown = RESULTS / "RESULTS.md"
    if not markdown.exists() or markdown.read_text() != render_markdown(data):
        markdown.write_text(render_markdown(data))
        changed.append(markdown)
    if update_readme(ROOT / "README.md", data):
        changed.append(ROOT / "README.md")
    if update_teaching_guide(ROOT / "docs" / "teaching.md", data):
        changed.append(ROOT / "docs" / "teaching.md")
    return changed


def _stale(path: Path) -> bool:
    target = executed_path(path)
    return not target.exists() or target.stat().st_mtime < path.stat().st_mtime


# What the HTML pages load, relative to a page in site/html/<folder>/: vendored by make html.
HTML_VENDOR_URLS = {
    "require_js_url": "../vendor/requirejs/require.js",
    "mathjax_url": "../vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
}


def _drop_mermaid(body: str) -> str:
    """Remove the module script that imports Mermaid from a CDN (the course has no diagrams)."""
    return re.sub(r"<script type=\"module\">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*</script>",
                  "", body, flags=re.S)


def render_html(path: Path, out_dir: Path) -> Path:
    """Write one notebook as an HTML page under ``out_dir/<folder>/`` loading ``out_dir/vendor``."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    for key, value in HTML_VENDOR_URLS.items():
        setattr(config.HTMLExporter, key, value)
    source = executed_path(path) if executed_path(path).exists() else path
    body, _ = HTMLExporter(config=config, template_name="lab").from_filename(str(source))
    body = _drop_mermaid(body)
    target = out_dir / path.parent.name / path.with_suffix(".html").name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body)
    return target


def html() -> int:
    """``make html``: executed HTML copies of every notebook with an index page, offline."""
    paths = [p for p in nbtools.course_notebooks() if p.parent.name in RUN_DIRS + ("exercises",)]
    stale = [p for p in paths if _stale(p)]
    if stale:
        print(f"Executing {len(stale)} notebook(s) in full mode first...")
        run_all(stale)
    out = SITE / "html"
    vendor_assets(out, packages=("requirejs",))
    entries = []
    for path in sorted(paths, key=lambda p: (p.name[:2], p.parent.name)):
        target = render_html(path, out)
        remote = remote_references(target.read_text())
        if remote:
            raise SystemExit(f"{target.name} still loads from the network: {remote[:3]}")
        entries.append((path, target.relative_to(out)))
    items = "\n".join(
        f'<li><a href="{rel}">{path.parent.name}/{path.name}</a></li>' for path, rel in entries
    )
    (out / "index.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>RNN forecasting course</title>"
        "<h1>RNN forecasting course: reading copies</h1>"
        "<p>Executed in full mode by <code>make html</code>; they work offline.</p>"
        f"<ol>\n{items}\n</ol>\n"
    )
    print(f"Wrote {len(entries)} pages and {out / 'index.html'}")
    return 0


VENDOR_PACKAGES = ["reveal.js@4.6.1", "requirejs@2.3.7", "jquery@3.7.1", "font-awesome@4.7.0",
                   "mathjax@2.7.9"]
# What the decks load, relative to site/slides/: nothing comes from a CDN at view time.
VENDOR_URLS = {
    "reveal_url_prefix": "vendor/reveal.js",
    "require_js_url": "vendor/requirejs/require.js",
    "jquery_url": "vendor/jquery/dist/jquery.min.js",
    "font_awesome_url": "vendor/font-awesome/css/font-awesome.min.css",
    "mathjax_url": "vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
}
_MATHJAX_PARTS = ["MathJax.js", "config", "extensions", "jax/input/TeX", "jax/output/CommonHTML",
                  "jax/element", "localization/en", "fonts/HTML-CSS/TeX/woff"]


def remote_references(html: str) -> list[str]:
    """URLs a page would fetch from the network (scripts, styles, images), for the offline test."""
    pattern = r"""(?:src|href)\s*=\s*["'](https?:)?//[^"']+|require\(\s*\[?\s*["']https?://|""" \
              r"""@import\s+(?:url\()?["']?https?://|import\s[^;]*?from\s*["']https?://|""" \
              r"""import\(\s*["']https?://"""
    return [m.group(0) for m in re.finditer(pattern, html)]


def render_slides(path: Path, out_dir: Path) -> Path:
    """Write one notebook as a reveal.js deck that loads its assets from ``out_dir/vendor``."""
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    config = Config()
    for key, value in VENDOR_URLS.items():
        setattr(config.SlidesExporter, key, value)
    source = executed_path(path) if executed_path(path).exists() else path
    body, _ = SlidesExporter(config=config).from_filename(str(source))
    # The reveal template always imports Mermaid from a CDN; the course has no Mermaid
    # diagrams, so the import is dropped rather than vendored (it would be 20+ MB).
    body = _drop_mermaid(body).replace("</head>", FIT_CSS + "</head>", 1)
    target = out_dir / path.with_suffix(".slides.html").name
    target.write_text(body)
    return target


# Every slide fits its box (reveal's width x height): what is taller or wider scrolls inside
# the slide instead of running off it. Replaces nbconvert's reveal_scroll, which only
# handles vertical sub-slides and only after the first slide change.
FIT_CSS = """<style id="course-slide-fit">
.reveal .slides section:not(.stack) { box-sizing: border-box; max-height: 100%; overflow: auto; }
</style>
"""
# Injected into a temporary copy of a deck: visits every slide and reports its box.
_FIT_PROBE = """<script>
require(["vendor/reveal.js/dist/reveal.js"], function (Reveal) {
  function scrolls(value) { return value === "auto" || value === "scroll"; }
  function measure() {
    var config = Reveal.getConfig(), report = [];
    Reveal.getSlides().forEach(function (slide) {
      var at = Reveal.getIndices(slide);
      Reveal.slide(at.h, at.v);
      var style = getComputedStyle(slide), heading = slide.querySelector("h1, h2, h3");
      var inside = slide.offsetTop + slide.offsetHeight <= config.height + 1 &&
                   slide.offsetWidth <= config.width + 1;
      var tall = slide.scrollHeight > slide.clientHeight + 1 && !scrolls(style.overflowY);
      var wide = slide.scrollWidth > slide.clientWidth + 1 && !scrolls(style.overflowX);
      report.push({h: at.h, v: at.v, heading: heading ? heading.textContent.trim() : "",
                   top: slide.offsetTop, height: slide.offsetHeight,
                   content_height: slide.scrollHeight, fits: inside && !tall && !wide});
    });
    var pre = document.createElement("pre");
    pre.id = "fit-report";
    pre.textContent = JSON.stringify(report);
    document.body.appendChild(pre);
  }
  function whenReady() {
    if (!Reveal.isReady()) { setTimeout(whenReady, 100); return; }
    if (window.MathJax && MathJax.Hub) { MathJax.Hub.Queue(measure); } else { measure(); }
  }
  if (document.readyState === "complete") { whenReady(); }
  else { window.addEventListener("load", whenReady); }
});
</script>
"""


def find_chromium() -> str | None:
    """Path of a Chromium or Chrome binary for headless checks, or None."""
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    return None


def slide_fit_report(deck: Path, browser: str) -> list[dict[str, Any]]:
    """Render ``deck`` in headless Chromium and return one box report per slide.

    The deck must sit next to its ``vendor/`` folder (as ``make slides`` writes it).
    """
    import html as html_lib
    import subprocess

    probe = deck.with_name(deck.stem + ".fitcheck.html")
    probe.write_text(deck.read_text().replace("</body>", _FIT_PROBE + "</body>"))
    try:
        with tempfile.TemporaryDirectory(prefix="course-chromium-") as profile:
            result = subprocess.run(
                [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                 "--window-size=1280,800", "--virtual-time-budget=20000",
                 f"--user-data-dir={profile}", "--dump-dom", probe.as_uri()],
                capture_output=True, text=True, timeout=300,
            )
    finally:
        probe.unlink()
    match = re.search(r'<pre id="fit-report">(.*?)</pre>', result.stdout, re.S)
    if not match:
        raise RuntimeError(f"Chromium did not report on {deck.name}: {result.stderr[-1000:]}")
    return json.loads(html_lib.unescape(match[1]))


def vendor_assets(out_dir: Path,
                  packages: tuple[str, ...] = ("reveal.js", "requirejs", "jquery", "font-awesome"),
                  ) -> None:
    """Install reveal.js and friends once with npm (build time only); copy ``packages`` and
    the parts of MathJax the pages use to ``out_dir/vendor``."""
    import shutil
    import subprocess

    cache = ROOT / "build" / "slides-vendor"
    modules = cache / "node_modules"
    if not all((modules / p.split("@")[0]).exists() for p in VENDOR_PACKAGES):
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("make slides and make html need npm (Node.js) once, to fetch "
                             "reveal.js, MathJax, jQuery, RequireJS and Font Awesome for offline "
                             "pages. Install Node.js and run the command again.")
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix",
                        str(cache), *VENDOR_PACKAGES], check=True)
    vendor = out_dir / "vendor"
    for package in packages:
        shutil.copytree(modules / package, vendor / package, dirs_exist_ok=True)
    for part in _MATHJAX_PARTS:
        source, target = modules / "mathjax" / part, vendor / "mathjax" / part
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def slides() -> int:
    """``make slides``: offline reveal.js decks of every notebook in notebooks/, with an index."""
    out = SITE / "slides"
    out.mkdir(parents=True, exist_ok=True)
    vendor_assets(out)
    decks = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        target = render_slides(path, out)
        remote = remote_references(target.read_text())
        if remote:
            raise SystemExit(f"{target.name} still loads from the network: {remote[:3]}")
        decks.append(target)
    browser = find_chromium()
    if browser is None:
        print("No Chromium found: skipped checking that every slide fits "
              "(install chromium to check).")
    else:
        cut = [f"{deck.name} slide {r['h']}.{r['v']} ({r['heading'][:60]!r})"
               for deck in decks for r in slide_fit_report(deck, browser) if not r["fits"]]
        if cut:
            raise SystemExit("These slides run off the slide:\n  " + "\n  ".join(cut))
        print(f"Checked in {browser}: every slide of the {len(decks)} decks fits or scrolls.")
    items = "\n".join(f'<li><a href="{d.name}">{d.name}</a></li>' for d in decks)
    (out / "index.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>RNN forecasting course: slides</title>"
        "<h1>Slides</h1><p>Arrow keys move between slides; S opens speaker notes. Decks use "
        "executed notebooks when <code>make html</code> or <code>make results</code> ran first."
        f"</p><ol>\n{items}\n</ol>\n"
    )
    print(f"Wrote {len(decks)} decks and {out / 'index.html'} (open it in a browser; works offline).")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description="Run the course's notebooks headless.")
    parser.add_argument("command", choices=["results", "render", "html", "slides"])
    parser.add_argument("--fast", action="store_true", help="fast mode (for trying the runner)")
    parser.add_argument("--only", nargs="+", metavar="NOTEBOOK",
                        help="run only these notebooks and merge them into the existing results")
    args = parser.parse_args(argv)
    if args.command == "results":
        return results(fast=args.fast, only=args.only)
    if args.command == "render":
        for path in render_pages():
            print(f"updated {path.relative_to(ROOT)} from results/results.json")
        return 0
    if args.command == "slides":
        return slides()
    return html()


if __name__ == "__main__":
    raise SystemExit(main())
