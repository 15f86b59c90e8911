"""`make site` / `make pdf`: the Sphinx + MyST-NB website of a few notebooks, built offline.

The build runs with the network cut (a sitecustomize that refuses every connection to a
non-local host, and records the attempt), from committed notebooks plus one executed copy
whose figure carries the alt text of helpers.figures, and must load nothing remote.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from helpers.figures import _wrap

import matplotlib.pyplot as plt
import nbformat
import pytest

from tools import site

ROOT = Path(__file__).resolve().parent.parent
NUMBERS = ("00", "10")

NO_NETWORK = textwrap.dedent('''
    import os, socket
    _connect = socket.socket.connect
    def _refuse(self, address, *args):
        host = address[0] if isinstance(address, tuple) else str(address)
        if isinstance(address, tuple) and host not in ("127.0.0.1", "::1", "localhost"):
            with open(os.environ["COURSE_NETWORK_LOG"], "a") as log:
                log.write(f"{host}\\n")
            raise OSError("network cut by tests/test_site.py")
        return _connect(self, address, *args)
    socket.socket.connect = _refuse
''')


def figure_output() -> dict:
    """A display_data output as Jupyter stores it, made by the course's PNG formatter."""
    def png(fig):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=40)
        return base64.b64encode(buffer.getvalue()).decode()

    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [5, 3, 4], label="median")
    ax.set(title="Coverage by origin", xlabel="origin", ylabel="coverage (%)")
    ax.legend()
    data, metadata = _wrap(png)(fig)
    plt.close(fig)
    return nbformat.v4.new_output("display_data", data={"image/png": data},
                                  metadata={"image/png": metadata})


def mathjax_folder(tmp: Path) -> Path:
    """The vendored MathJax when npm fetched it before; a stand-in file otherwise (offline)."""
    cached = site.MATHJAX_CACHE / "node_modules" / "mathjax"
    if (cached / site.MATHJAX_PARTS[0]).exists():
        return site.vendor_mathjax(tmp / "mathjax")
    (tmp / "mathjax").mkdir()
    (tmp / "mathjax" / "tex-chtml.js").write_text("/* stand-in for MathJax 3 */\n")
    return tmp / "mathjax"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("site")
    paths = [p for p in site.course_paths(ROOT) if p.name[:2] in NUMBERS]
    executed = tmp / "executed"
    ten = next(p for p in paths if p.parent.name == "notebooks" and p.name.startswith("10"))
    nb = nbformat.read(str(ten), as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and "fan_chart" in c.source)
    cell.outputs = [figure_output()]
    (executed / "notebooks").mkdir(parents=True)
    nbformat.write(nb, str(executed / "notebooks" / ten.name))

    (tmp / "offline").mkdir()
    (tmp / "offline" / "sitecustomize.py").write_text(NO_NETWORK)
    log = tmp / "network.log"
    env = {**os.environ, "PYTHONPATH": str(tmp / "offline"), "COURSE_NETWORK_LOG": str(log),
           "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}
    source = site.stage(paths, tmp / "src", root=ROOT, executed_dir=executed,
                        mathjax=mathjax_folder(tmp))
    site.sphinx(source, tmp / "html", "html", env=env)
    return {"html": tmp / "html", "src": source, "env": env, "log": log, "tmp": tmp}


def test_the_build_made_no_network_call(built):
    assert not built["log"].exists(), built["log"].read_text()


def test_the_build_leaves_no_scratch_copies(built):
    assert not (built["tmp"] / "jupyter_execute").exists()


def test_the_site_loads_nothing_from_the_network(built):
    assert site.remote_assets(built["html"]) == []
    page = (built["html"] / "notebooks" / "10_forecast_uncertainty.html").read_text()
    assert re.search(r'<script[^>]*src="\.\./_static/mathjax/tex-chtml\.js', page)
    assert (built["html"] / "_static" / "mathjax" / "tex-chtml.js").exists()


def test_the_course_map_is_the_table_of_contents(built):
    index = (built["html"] / "index.html").read_text()
    for caption in ("Notebooks", "Exercises", "Solutions", "Results"):
        assert f'<span class="caption-text">{caption}</span>' in index
    assert 'href="notebooks/10_forecast_uncertainty.html"' in index
    assert 'href="exercises/10_forecast_uncertainty_exercise.html"' in index
    start = (built["html"] / "notebooks" / "00_start_here.html").read_text()
    assert re.search(r'<a class="right-next"\s+href="10_forecast_uncertainty.html"', start)


def test_each_notebook_page_links_its_exercise(built):
    page = (built["html"] / "notebooks" / "10_forecast_uncertainty.html").read_text()
    assert 'href="../exercises/10_forecast_uncertainty_exercise.html"' in page
    assert 'href="../solutions/10_forecast_uncertainty_solution.html"' in page


def test_the_results_tables_are_a_page(built):
    page = (built["html"] / "results.html").read_text()
    assert "<table" in page and "notebooks/10_forecast_uncertainty.ipynb" in page


def test_search_finds_pinball_in_notebook_10(built):
    text = (built["html"] / "searchindex.js").read_text()
    index = json.loads(text[text.index("(") + 1: text.rindex(")")])
    docs = index["docnames"]
    found = set()
    for kind in ("terms", "titleterms"):  # words of the text and of headings, stemmed
        hits = index[kind].get("pinbal", [])
        found |= {docs[i] for i in (hits if isinstance(hits, list) else [hits])}
    assert "notebooks/10_forecast_uncertainty" in found
    assert "notebooks/00_start_here" not in found


def test_figures_keep_their_alt_text(built):
    page = (built["html"] / "notebooks" / "10_forecast_uncertainty.html").read_text()
    assert 'alt="Line chart titled &quot;Coverage by origin&quot;. x axis: origin' in page \
        or 'alt="Line chart titled "Coverage by origin"' in page
    assert site.images_without_alt(built["html"]) == []


def test_the_latex_step_of_make_pdf(built):
    """make pdf writes LaTeX with Sphinx first (the TeX run itself needs Debian's TeX Live)."""
    start = [p for p in site.course_paths(ROOT) if p.name.startswith("00")]
    source = site.stage(start, built["tmp"] / "latex-src", root=ROOT, executed_dir=None)
    site.sphinx(source, built["tmp"] / "latex", "latex", env=built["env"])
    tex = (built["tmp"] / "latex" / "course.tex").read_text()
    assert r"\documentclass" in tex and r"\begin{document}" in tex
    assert "Start here" in tex and "Course map" in tex
    assert not built["log"].exists()


def test_the_checks_can_fail(tmp_path):
    (tmp_path / "a.html").write_text(
        '<script src="https://cdn.example.org/x.js"></script><a href="https://ok.org">ok</a>'
        '<link rel="stylesheet" href="//fonts.example.com/f.css">'
        '<script>load("https://cdn.example.org/y.js")</script><img src="p.png" alt="Image">')
    (tmp_path / "s.css").write_text("@font-face { src: url(https://fonts.example.com/a.woff2) }")
    assert len(site.remote_assets(tmp_path)) == 4
    assert len(site.images_without_alt(tmp_path)) == 1


def test_make_site_and_make_pdf_exist_and_make_html_is_gone():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^site: env\n\t\$\(BIN\)/python -m tools.site html", makefile, re.M)
    assert re.search(r"^pdf: env\n\t\$\(BIN\)/python -m tools.site pdf", makefile, re.M)
    assert not re.search(r"^html:", makefile, re.M)


def test_only_current_full_mode_copies_count_as_executed(tmp_path):
    source, copy = tmp_path / "nb.ipynb", tmp_path / "executed.ipynb"
    nb = nbformat.v4.new_notebook()
    nbformat.write(nb, str(source))
    assert not site.is_current(source, copy)  # missing
    for mode, expected in (("full", True), ("fast", False)):
        nb.metadata["course_run"] = {"mode": mode, "status": "ok"}
        nbformat.write(nb, str(copy))
        os.utime(copy, (source.stat().st_mtime + 10,) * 2)
        assert site.is_current(source, copy) is expected, mode
    nb.metadata["course_run"]["mode"] = "full"
    nbformat.write(nb, str(copy))
    os.utime(copy, (source.stat().st_mtime - 10,) * 2)
    assert not site.is_current(source, copy)  # the source changed after the run
