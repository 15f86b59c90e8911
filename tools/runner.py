"""Run the whole course headless: ``make results`` and ``make slides``.

* ``python -m tools.runner results`` executes every notebook in
  ``notebooks/`` and ``solutions/`` in **full mode**, one after another, with a
  progress bar; it records each notebook's wall time, its longest stretch without
  output (a cell over ``SILENCE_LIMIT_S`` without progress is flagged) and the tables the
  notebooks publish (see :mod:`helpers.results`) in ``results/results.json``
  and renders ``results/RESULTS.md``, the README's headline results and the
  teaching guide's run-time table (see :mod:`tools.report`). Executed copies go
  to ``build/executed``.
* ``python -m tools.runner render`` re-renders those pages from the committed
  ``results/results.json`` without running anything.
* The course website (``make site``) and PDF (``make pdf``) are built from the
  executed copies by :mod:`tools.site`.
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
from tools.report import (
    SILENCE_LIMIT_S,
    machine,
    render_markdown,
    update_readme,
    update_teaching_guide,
)

# Where helpers.results.publish() writes each notebook's tables under `make results`
# (the same name as helpers.results.RESULTS_ENV; a test keeps the two equal).
RESULTS_ENV = "COURSE_RESULTS_DIR"

ROOT = nbtools.repo_root()
BUILD = ROOT / "build" / "executed"
SITE = ROOT / "site"
RESULTS = ROOT / "results"
RUN_DIRS = ("notebooks", "solutions")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
SLIDES_TEMPLATES = Path(__file__).resolve().parent / "slides-template"


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


def _silence_client() -> type:
    """An nbclient NotebookClient that records each cell's longest stretch without output."""
    from nbclient import NotebookClient

    class SilenceClient(NotebookClient):  # type: ignore[misc, valid-type]
        """``silences[cell_index]``: the longest wait, in seconds, between a code cell's start,
        its outputs and its end, as this process receives them (the kernel sends printed text
        every 0.2 s or so, which is far below what matters here)."""

        silences: dict[int, float]
        _last: float | None = None

        async def async_execute_cell(self, cell: Any, cell_index: int, *args: Any,
                                     **kwargs: Any) -> Any:
            if cell.cell_type != "code":
                return await super().async_execute_cell(cell, cell_index, *args, **kwargs)
            self._last = time.perf_counter()
            try:
                return await super().async_execute_cell(cell, cell_index, *args, **kwargs)
            finally:
                self._mark(cell_index)

        def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> Any:
            self._mark(cell_index)
            return super().output(outs, msg, display_id, cell_index)

        def _mark(self, cell_index: int) -> None:
            now = time.perf_counter()
            if self._last is not None:
                wait = now - self._last
                self.silences[cell_index] = max(self.silences.get(cell_index, 0.0), wait)
            self._last = now

    return SilenceClient


def longest_silence(silences: dict[int, float]) -> dict[str, Any]:
    """The longest stretch without output and its cell (numbered as Jupyter shows them).

    >>> longest_silence({0: 0.2, 4: 31.46, 7: 3.0})
    {'longest_silence_s': 31.5, 'longest_silence_cell': 5}
    >>> longest_silence({})
    {}
    """
    if not silences:
        return {}
    index = max(silences, key=silences.get)
    return {"longest_silence_s": round(silences[index], 1), "longest_silence_cell": index + 1}


def execute(path: Path, env: dict[str, str], timeout: int = 1800,
            silences: dict[int, float] | None = None) -> tuple[Any, str]:
    """Execute one notebook with nbclient; return the executed notebook and a status string.

    With ``silences`` (a dict), fill it with each code cell's longest stretch without output
    in seconds, by cell index (from 0, counting every cell).
    """
    import nbformat
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(str(path), as_version=4)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    # Short, private directory: a Unix socket path must stay under about 100 characters.
    sockets = tempfile.TemporaryDirectory(prefix="course-kernel-")
    try:
        client = _silence_client()(nb, timeout=timeout, kernel_name="python3",
                                   config=kernel_config(Path(sockets.name)),
                                   resources={"metadata": {"path": str(path.parent)}})
        client.silences = silences if silences is not None else {}
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
    # The inline backend, as in JupyterLab: the executed copies keep their figures (with the
    # alt text helpers.figures attaches) for the course website. Agg would drop them.
    env["MPLBACKEND"] = INLINE_BACKEND
    facts: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as parts:
        env[RESULTS_ENV] = parts
        bar = tqdm(paths, unit="notebook", file=sys.stdout)
        for path in bar:
            name = str(path.relative_to(ROOT))
            bar.set_postfix_str(name)
            start, silences = time.perf_counter(), {}
            nb, status = execute(path, env, silences=silences)
            wall = time.perf_counter() - start
            target = executed_path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            # The website publishes full-mode copies only (tools.site.is_current reads this).
            nb.metadata["course_run"] = {"mode": "fast" if fast else "full", "status": status}
            nbformat.write(nb, str(target))
            published = []
            part = Path(parts) / (name.replace("/", "__").replace(".ipynb", ".json"))
            if part.exists():
                published.append(json.loads(part.read_text()))
            facts[name] = {"status": status, "wall_time_s": round(wall, 1), "published": published,
                           **longest_silence(silences)}
            tqdm.write(f"{name}: {status} in {wall:.0f} s")
            quiet = facts[name].get("longest_silence_s", 0)
            if quiet > SILENCE_LIMIT_S:
                tqdm.write(f"  cell {facts[name]['longest_silence_cell']} ran {quiet:.0f} s without "
                           f"output (over {SILENCE_LIMIT_S:g} s): let it show progress")
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


def _drop_mermaid(body: str) -> str:
    """Remove the module script that imports Mermaid from a CDN (the course has no diagrams)."""
    return re.sub(r"<script type=\"module\">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*</script>",
                  "", body, flags=re.S)


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
    # The course's template adds each figure's alt text (see tools/slides-template).
    config.SlidesExporter.extra_template_basedirs = [str(SLIDES_TEMPLATES)]
    config.SlidesExporter.template_name = "course-reveal"
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


def vendor_assets(out_dir: Path) -> None:
    """Install reveal.js and friends once with npm (build time only); copy them and the
    parts of MathJax the decks use to ``out_dir/vendor``."""
    import shutil
    import subprocess

    cache = ROOT / "build" / "slides-vendor"
    modules = cache / "node_modules"
    if not all((modules / p.split("@")[0]).exists() for p in VENDOR_PACKAGES):
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("make slides needs npm (Node.js) once, to fetch reveal.js, "
                             "MathJax, jQuery, RequireJS and Font Awesome for offline decks. "
                             "Install Node.js and run the command again.")
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix",
                        str(cache), *VENDOR_PACKAGES], check=True)
    vendor = out_dir / "vendor"
    for package in ("reveal.js", "requirejs", "jquery", "font-awesome"):
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
        "executed notebooks when <code>make results</code> or <code>make site</code> ran first."
        f"</p><ol>\n{items}\n</ol>\n"
    )
    print(f"Wrote {len(decks)} decks and {out / 'index.html'} (open it in a browser; works offline).")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description="Run the course's notebooks headless.")
    parser.add_argument("command", choices=["results", "render", "slides"])
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
    return slides()


if __name__ == "__main__":
    raise SystemExit(main())
