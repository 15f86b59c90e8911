"""Slides fit their box: content taller or wider than a slide scrolls inside it.

The real check renders a deck in headless Chromium (reveal.js lays the slides out, then
every slide's box is measured). It needs Chromium and the reveal.js files that
`make slides` fetches once with npm; where either is missing that test is skipped with
the reason, and the CSS test below still runs everywhere.
"""

from __future__ import annotations

import helpers  # noqa: F401

import pytest

from tools import nbtools, runner

ROOT = nbtools.repo_root()
# The longest deck: its Summary slide used to lose its last line.
DECK = ROOT / "notebooks" / "07_monthly_sales.ipynb"


def test_decks_carry_the_fit_css_and_not_nbconverts_scroll_handler(tmp_path):
    html = runner.render_slides(DECK, tmp_path).read_text()
    assert runner.FIT_CSS in html
    assert "max-height: 100%; overflow: auto" in runner.FIT_CSS
    assert "var scroll = false" in html, "nbconvert's reveal_scroll handler fights the CSS"


@pytest.mark.slow
def test_every_slide_fits_in_headless_chromium(tmp_path):
    browser = runner.find_chromium()
    if browser is None:
        pytest.skip("no Chromium on PATH (apt-get install chromium) to render slides")
    if not (ROOT / "build" / "slides-vendor" / "node_modules" / "reveal.js").exists():
        pytest.skip("reveal.js not fetched yet: run `make slides` once (needs npm)")
    runner.vendor_assets(tmp_path)
    deck = runner.render_slides(DECK, tmp_path)
    report = runner.slide_fit_report(deck, browser)
    assert len(report) >= 5, f"expected one report per slide, got {report}"
    cut = [r for r in report if not r["fits"]]
    assert not cut, f"slides that run off their box: {cut}"
