"""Tests for helpers.diagrams: every drawing has a title and axis labels, refuses bad input
with a CourseInputError, and draws what its docstring says (Agg backend)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from helpers import diagrams
from helpers.validation import CourseInputError

import matplotlib.pyplot as plt
import pytest

DRAWINGS = {
    "folded_and_unrolled": {},
    "recurrent_layer": {"units": 4, "features": 1},
    "io_patterns": {},
    "bptt_graph": {"steps": 5},
    "lstm_cell": {},
    "gru_cell": {"reset_after": False},
    "stacked_layers": {},
    "bidirectional_flow": {"merge": "ave"},
    "recursive_walkthrough": {},
}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def texts(ax):
    return [t.get_text() for t in ax.texts if t.get_text()]


def test_every_public_drawing_is_tested():
    public = {name for name in diagrams.__all__ if callable(getattr(diagrams, name))}
    assert public == set(DRAWINGS)


@pytest.mark.parametrize("name", sorted(DRAWINGS))
def test_drawing_has_title_labels_and_content(name):
    ax = getattr(diagrams, name)(**DRAWINGS[name])
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert len(ax.patches) + len(ax.texts) >= 5, "a diagram draws boxes, nodes and labels"
    assert not ax.get_xticks().size and not ax.get_yticks().size


@pytest.mark.parametrize("name", sorted(DRAWINGS))
def test_drawing_uses_the_given_axes(name):
    _, (left, right) = plt.subplots(1, 2)
    assert getattr(diagrams, name)(ax=right) is right
    assert not left.patches


@pytest.mark.parametrize("name", sorted(DRAWINGS))
def test_drawing_refuses_a_figure_for_ax(name):
    fig = plt.figure()
    with pytest.raises(CourseInputError, match="figure"):
        getattr(diagrams, name)(ax=fig)


@pytest.mark.parametrize(("name", "kwargs", "message"), [
    ("folded_and_unrolled", {"steps": 0}, "steps must be >= 1"),
    ("recurrent_layer", {"units": 2.5}, "units must be an integer"),
    ("io_patterns", {"steps": 1}, "steps must be >= 2"),
    ("bptt_graph", {"steps": "4"}, "Pass a number, not text"),
    ("lstm_cell", {"peepholes": "yes"}, "peepholes"),
    ("gru_cell", {"reset_after": None}, "reset_after"),
    ("stacked_layers", {"layers": []}, "non-empty list"),
    ("stacked_layers", {"layers": [("GRU", 32)]}, r"\(name, units, return_sequences\)"),
    ("stacked_layers", {"layers": [(32, "GRU", True)]}, "name must be text"),
    ("stacked_layers", {"layers": [("GRU", 0, True)]}, "units must be >= 1"),
    ("bidirectional_flow", {"merge": "max"}, "merge must be one of"),
    ("recursive_walkthrough", {"history": []}, "non-empty"),
    ("recursive_walkthrough", {"predictions": ["a"]}, "list of numbers"),
    ("recursive_walkthrough", {"history": [[1, 2], [3, 4]]}, "flat list"),
])
def test_bad_input_is_named(name, kwargs, message):
    with pytest.raises(CourseInputError, match=message):
        getattr(diagrams, name)(**kwargs)


def test_titles_follow_the_arguments():
    assert "peephole" in diagrams.lstm_cell(peepholes=True).get_title()
    assert "peephole" not in diagrams.lstm_cell().get_title()
    assert "after" in diagrams.gru_cell().get_title()
    assert "before" in diagrams.gru_cell(reset_after=False).get_title()
    assert "7 time steps" in diagrams.folded_and_unrolled(steps=7).get_title()


def test_peepholes_add_three_labelled_arrows():
    assert {"$p_f$", "$p_i$", "$p_o$"} <= set(texts(diagrams.lstm_cell(peepholes=True)))
    assert not {"$p_f$", "$p_i$", "$p_o$"} & set(texts(diagrams.lstm_cell()))


def test_gru_variants_put_the_reset_gate_in_different_places():
    after, before = texts(diagrams.gru_cell()), texts(diagrams.gru_cell(reset_after=False))
    assert "$h_{t-1}U_h + b^h_h$" in after and "$h_{t-1}U_h + b^h_h$" not in before
    assert r"$\cdot U_h$" in before and r"$\cdot U_h$" not in after


def test_stacked_layers_print_the_shapes_and_flag_a_missing_return_sequences():
    ok = texts(diagrams.stacked_layers([("GRU", 32, True), ("GRU", 16, False)], steps=10, features=8))
    assert "input: (batch, 10, 8)" in ok
    assert "GRU(32, return_sequences=True)\nreturns (batch, 10, 32)" in ok
    assert "GRU(16, return_sequences=False)\nreturns (batch, 16)" in ok
    assert not [t for t in ok if t.startswith("✗")]
    bad = texts(diagrams.stacked_layers([("LSTM", 8, False), ("LSTM", 4, True), ("LSTM", 2, False)]))
    assert len([t for t in bad if t.startswith("✗")]) == 1, "only the layer above the vector is refused"


def test_recursive_walkthrough_slides_the_window():
    shown = texts(diagrams.recursive_walkthrough([1, 2, 3], [4, 5.5]))
    assert shown == ["1", "2", "3", "model", "4", "2", "3", "4", "model", "5.5"]


def test_gate_colours_are_distinct():
    assert len(set(diagrams.GATE_COLOURS.values())) == len(diagrams.GATE_COLOURS)
