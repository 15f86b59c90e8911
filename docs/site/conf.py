"""Sphinx configuration of the course website and PDF (``make site``, ``make pdf``).

tools/site.py copies this file next to the staged sources in build/site-src; it is not
meant to be run from here. Nothing is executed (the pages show the outputs of
``make results``) and nothing is loaded from the network: MathJax is served from
_static/mathjax, and the theme's fonts and icons ship with it.
"""

project = "Recurrent neural networks for time-series forecasting"
author = "The course authors"
copyright = "the course authors, MIT licence"

extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# Notebooks: show what make results stored, run nothing.
nb_execution_mode = "off"
nb_output_stderr = "remove-warn"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
# Links to files of the repository that are not pages (README, helpers/...) stay plain text.
suppress_warnings = ["myst.xref_missing", "myst.header", "mystnb.unknown_mime_type",
                     "misc.highlighting_failure"]

# Math offline: MathJax 3 copied by tools/site.py (a relative path is under _static/); it
# finds its fonts next to itself (output/chtml/fonts/woff-v2).
mathjax_path = "mathjax/tex-chtml.js"

html_theme = "sphinx_book_theme"
html_title = "RNN forecasting course"
html_static_path = ["_static"]
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "show_toc_level": 2,
    # pydata-sphinx-theme: no version switcher or analytics that would call out.
    "navigation_with_keys": True,
}

latex_engine = "xelatex"
latex_documents = [("index", "course.tex", project, author, "manual")]
# The exercises' check marks are emoji, which the TeX fonts lack: words instead.
latex_elements = {"papersize": "a4paper", "pointsize": "10pt",
                  "preamble": r"""\setcounter{tocdepth}{1}
\usepackage{newunicodechar}
\newunicodechar{✅}{\textbf{[correct]}}
\newunicodechar{❌}{\textbf{[not quite]}}
\newunicodechar{⏳}{\textbf{[not attempted]}}"""}


def _alt_from_output_metadata(app):
    """Give each output image the ``alt`` text stored with it (helpers.figures writes one).

    MyST-NB 1.4 copies only ``width`` and ``height`` from an output's metadata into the
    image; this wraps its image renderer so ``alt`` comes along too.
    """
    from myst_nb.core.render import NbElementRenderer

    original = NbElementRenderer.render_image
    if getattr(original, "course_alt", False):
        return

    def render_image(self, data):
        images = original(self, data)
        alt = data.output_metadata.get(data.mime_type, {}).get("alt")
        if alt:
            for image in images:
                image["alt"] = str(alt)
        return images

    render_image.course_alt = True
    NbElementRenderer.render_image = render_image


def setup(app):
    _alt_from_output_metadata(app)
    return {"parallel_read_safe": True}
