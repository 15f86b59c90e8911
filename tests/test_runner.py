"""Headless runner pieces that run quickly: ordering, offline slide decks."""

from __future__ import annotations

import os
import re

import helpers  # noqa: F401

import pytest

from tools import nbtools, runner

ROOT = nbtools.repo_root()


def test_run_order_is_course_order_with_notebook_before_solution():
    order = [str(p.relative_to(ROOT)) for p in runner.run_order()]
    assert order[0] == "notebooks/00_start_here.ipynb"
    assert not any(name.startswith("exercises/") for name in order)
    numbers = [name.split("/")[1][:2] for name in order]
    assert numbers == sorted(numbers)
    if "solutions/01_rnn_basics_solution.ipynb" in order and \
            "notebooks/01_sequences_and_recurrent_neurons.ipynb" in order:
        assert order.index("notebooks/01_sequences_and_recurrent_neurons.ipynb") < \
            order.index("solutions/01_rnn_basics_solution.ipynb")


def test_remote_references_are_detected():
    html = ('<script src="https://cdn.example/x.js"></script><link href="//cdn/y.css">'
            "<script type=module>import m from 'https://cdn/z.mjs';</script>"
            '<script src="vendor/local.js"></script>')
    found = runner.remote_references(html)
    assert len(found) == 3
    assert runner.remote_references('<script src="vendor/reveal.js/dist/reveal.js"></script>') == []


def test_slide_deck_loads_nothing_from_the_network(tmp_path):
    deck = runner.render_slides(ROOT / "notebooks" / "00_start_here.ipynb", tmp_path)
    html = deck.read_text()
    assert runner.remote_references(html) == []
    assert 'src="vendor/requirejs/require.js"' in html
    assert "vendor/reveal.js/dist/reveal.js" in html
    assert html.count('<section') >= 5, "headings should start separate slides"


@pytest.mark.slow
def test_headless_run_is_quiet_and_uses_local_sockets(tmp_path, capfd):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os\nprint(40 + 2)")]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, str(path))
    executed, status = runner.execute(path, dict(os.environ), timeout=120)
    assert status == "ok"
    assert executed.cells[0].outputs[0]["text"].strip() == "42"
    captured = capfd.readouterr()
    assert "without encryption" not in captured.out + captured.err
    if os.name == "posix":
        assert runner.kernel_config(tmp_path).KernelManager.transport == "ipc"


@pytest.mark.slow
def test_the_longest_stretch_without_output_is_recorded_with_its_cell(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# t"),
                nbformat.v4.new_code_cell("import time\nprint('start')\ntime.sleep(1.5)"),
                nbformat.v4.new_code_cell("print('quick')")]
    path = tmp_path / "quiet.ipynb"
    nbformat.write(nb, str(path))
    silences = {}
    _, status = runner.execute(path, dict(os.environ), timeout=120, silences=silences)
    assert status == "ok" and set(silences) == {1, 2}, silences
    found = runner.longest_silence(silences)
    assert found["longest_silence_cell"] == 2 and found["longest_silence_s"] >= 1.0, found


def test_slides_carry_the_figures_alt_text(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("plot()")
    cell.outputs = [nbformat.v4.new_output(
        "display_data", data={"image/png": "iVBORw0KGgo="},
        metadata={"image/png": {"alt": 'Line chart titled "Sales". x axis: month.'}})]
    nb.cells = [nbformat.v4.new_markdown_cell("# 99 · Deck"), cell]
    (tmp_path / "slides-src").mkdir()
    source = tmp_path / "slides-src" / "99_deck.ipynb"
    nbformat.write(nb, str(source))
    deck = runner.render_slides(source, tmp_path).read_text()
    assert re.search(r"""<img alt=["']Line chart titled (&quot;|")Sales""", deck), deck[-2000:]
    assert "No description has been provided" not in deck
