"""Notebook cleaning and the percent-script builder."""

from __future__ import annotations

import nbformat

from tools import nbtools

SCRIPT = """\
# %% [markdown]
# # Title
# Some *text*.

# %%
x = 1
x

# %% tags=["solution"]
y = x + 1
"""


def test_from_percent_builds_cells_with_tags():
    nb = nbtools.from_percent(SCRIPT)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]
    assert nb.cells[0].source == "# Title\nSome *text*."
    assert nb.cells[1].source == "x = 1\nx"
    assert nb.cells[2].metadata["tags"] == ["solution"]
    assert nbtools.problems(nb) == []


def test_slide_metadata_follows_headings_and_keeps_author_choices():
    nb = nbtools.from_percent(
        "# %% [markdown]\n# # T\n# %% [markdown]\n# text\n# %% [markdown]\n# ## Part\n"
        "# %% [markdown]\n# ### Sub\n# %%\nx = 1\n# %% tags=[\"solution-only\"]\ny = 2\n"
    )
    kinds = [c.metadata["slideshow"]["slide_type"] for c in nb.cells]
    assert kinds == ["slide", "-", "slide", "subslide", "-", "skip"]
    nb.cells[4].metadata["slideshow"] = {"slide_type": "fragment"}
    assert nbtools.clean(nb).cells[4].metadata["slideshow"]["slide_type"] == "fragment"
    del nb.cells[1].metadata["slideshow"]
    assert "cell 1 has no slideshow metadata" in nbtools.problems(nb)


def test_clean_strips_outputs_counts_and_editor_metadata():
    nb = nbtools.from_percent(SCRIPT)
    nb.metadata["widgets"] = {"state": {}}
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    nb.cells[1].execution_count = 3
    nb.cells[1].metadata["collapsed"] = True
    nb.cells[1].id = "random-id"
    found = nbtools.problems(nb)
    assert any("outputs" in p for p in found)
    assert any("execution count" in p for p in found)
    assert any("editor metadata" in p for p in found)
    assert any("notebook metadata" in p for p in found)
    assert any("has id" in p for p in found)
    cleaned = nbtools.clean(nb)
    assert nbtools.problems(cleaned) == []
    assert cleaned.cells[2].metadata["tags"] == ["solution"]
    assert nbtools.dumps(cleaned) == nbtools.dumps(nbtools.clean(cleaned))


def test_write_and_read_round_trip(tmp_path):
    path = tmp_path / "x.ipynb"
    nbtools.write(nbtools.from_percent(SCRIPT), path)
    assert nbtools.problems(nbtools.read(path)) == []
    assert path.read_text().endswith("}\n")
