"""Diagrams of recurrent networks, drawn with matplotlib: nothing to download, no image files.

Each function draws one picture the theory notebooks teach with (a recurrent neuron folded
and unrolled, a layer of recurrent neurons, the input/output patterns, backpropagation
through time, the LSTM and GRU cells, stacked and bidirectional layers, recursive
forecasting), on ``ax`` (a new figure when it is ``None``), and returns the Axes. None of
them calls ``plt.show()``. The colours follow the course's equation tables: in the LSTM the
input gate is blue, the forget gate orange, the candidate green and the output gate red.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> ax = lstm_cell(peepholes=True)
>>> ax.get_title()
'An LSTM cell with peephole connections'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from helpers.plotting import check_axes
from helpers.validation import CourseInputError, check_bool, check_positive_int

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.patches import Circle, FancyBboxPatch

__all__ = [
    "GATE_COLOURS",
    "bidirectional_flow",
    "bptt_graph",
    "folded_and_unrolled",
    "gru_cell",
    "io_patterns",
    "lstm_cell",
    "recurrent_layer",
    "recursive_walkthrough",
    "stacked_layers",
]

#: One colour per gate, the same in every drawing and table (matplotlib's C0..C4).
GATE_COLOURS = {
    "input": "C0",  # i_t
    "forget": "C1",  # f_t
    "candidate": "C2",  # c~_t (LSTM), h~_t (GRU)
    "output": "C3",  # o_t
    "update": "C4",  # z_t (GRU)
    "reset": "C5",  # r_t (GRU)
    "state": "C7",  # h and c themselves
}


def _canvas(ax: Axes | None, xlim: tuple[float, float], ylim: tuple[float, float], title: str,
            xlabel: str, ylabel: str, figsize: tuple[float, float]) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    else:
        ax = check_axes(ax)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel, xticks=[], yticks=[])
    for spine in ax.spines.values():
        spine.set_visible(False)
    return ax


def _box(ax: Axes, x: float, y: float, text: str, colour: str = "C7", width: float = 0.8,
         height: float = 0.5, fontsize: float = 11, alpha: float = 0.3) -> None:
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=colour, alpha=alpha, edgecolor=colour))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _node(ax: Axes, x: float, y: float, text: str, colour: str = "white", radius: float = 0.17,
          fontsize: float = 12) -> None:
    face = colour if colour == "white" else to_rgba(colour, 0.35)
    ax.add_patch(Circle((x, y), radius, facecolor=face, edgecolor="black", zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=4)


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], label: str | None = None,
           colour: str = "black", style: str = "-", rad: float = 0.0, offset: tuple[float, float] = (0, 0.12),
           fontsize: float = 10, width: float = 1.2) -> None:
    ax.annotate("", xy=end, xytext=start,
                arrowprops={"arrowstyle": "->", "color": colour, "linestyle": style, "lw": width,
                            "connectionstyle": f"arc3,rad={rad}", "shrinkA": 2, "shrinkB": 2})
    if label:
        mid = ((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1])
        ax.text(*mid, label, ha="center", va="center", fontsize=fontsize, color=colour)


def folded_and_unrolled(steps: int = 3, ax: Axes | None = None) -> Axes:
    """One recurrent neuron drawn folded (a loop back to itself) and unrolled over ``steps``.

    Left: the neuron with its output fed back through the weight ``u``. Right: the same
    neuron drawn once per time step, the output of step t-1 entering step t; every copy
    has the same weights ``w``, ``u`` and ``b``, and the first step starts from y_0 = 0.

    First used in 01 §3.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> folded_and_unrolled(steps=4).get_title()
    'One recurrent neuron, folded (left) and unrolled over 4 time steps (right)'
    """
    steps = check_positive_int(steps, "steps")
    ax = _canvas(ax, (-0.9, steps + 3.0), (0.4, 3.5),
                 f"One recurrent neuron, folded (left) and unrolled over {steps} time steps (right)",
                 "time step t (unrolled view) →", "input (bottom) → output (top)", (2.2 + 1.6 * steps, 3.4))
    _box(ax, 0, 2, "neuron\n$w, u, b$", "C0", width=0.9, height=0.7)
    _arrow(ax, (0, 0.9), (0, 1.62), "$x_t$", offset=(-0.25, -0.3))
    _arrow(ax, (0, 2.38), (0, 3.1), "$y_t$", offset=(-0.25, 0.3))
    ax.annotate("", xy=(0.45, 1.8), xytext=(0.45, 2.2),
                arrowprops={"arrowstyle": "->", "connectionstyle": "arc3,rad=-2.2", "lw": 1.2})
    ax.text(0.95, 2.0, "$u$\n$y_{t-1}$", ha="left", va="center", fontsize=10)
    ax.text(1.55, 2.0, "=", ha="center", va="center", fontsize=22)
    for t in range(1, steps + 1):
        x = 1.8 + t
        _box(ax, x, 2, "$w, u, b$", "C0", width=0.62, height=0.55, fontsize=10)
        _arrow(ax, (x, 0.9), (x, 1.7), f"$x_{t}$", offset=(-0.2, -0.3))
        _arrow(ax, (x, 2.3), (x, 3.1), f"$y_{t}$", offset=(-0.2, 0.3))
        _arrow(ax, (x - 0.69, 2), (x - 0.32, 2), f"$y_{t - 1}$" if t > 1 else "$y_0 = 0$",
               offset=(0, 0.2), fontsize=9)
    return ax


def recurrent_layer(units: int = 3, features: int = 2, ax: Axes | None = None) -> Axes:
    """A layer of ``units`` recurrent neurons reading ``features`` inputs, at one time step.

    Every neuron sees every input (through W, shape (features, units)) and the previous
    output of every neuron of the layer (through U, shape (units, units)); the outputs
    h_t are both the layer's output and, one step later, its state h_{t-1}.

    First used in 01 §3.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> recurrent_layer(units=3, features=2).get_title()
    'A layer of 3 recurrent neurons reading 2 features'
    """
    units = check_positive_int(units, "units")
    features = check_positive_int(features, "features")
    width = max(units, features)
    ax = _canvas(ax, (-2.4, width + 2.6), (-0.2, 4.3),
                 f"A layer of {units} recurrent neuron{'s' * (units > 1)} reading {features} "
                 f"feature{'s' * (features > 1)}", "neurons of the layer (one column each)",
                 "input $x_t$ (bottom) → output $h_t$ (top)", (1.8 + 1.5 * width, 4.2))
    xs_in = np.linspace(0, width - 1, features) if features > 1 else np.array([(width - 1) / 2])
    xs_unit = np.linspace(0, width - 1, units) if units > 1 else np.array([(width - 1) / 2])
    for j, x in enumerate(xs_in, start=1):
        _node(ax, x, 0.4, f"$x_{{t,{j}}}$", "C7", radius=0.25, fontsize=9)
    for k, x in enumerate(xs_unit, start=1):
        _node(ax, x, 2.0, "tanh", "C0", radius=0.28, fontsize=9)
        _arrow(ax, (x, 2.3), (x, 3.6), f"$h_{{t,{k}}}$", offset=(-0.3, 0.55), fontsize=9)
        for xi in xs_in:
            _arrow(ax, (xi, 0.65), (x, 1.72), colour="C0", width=0.8)
    delay = width + 0.9
    _box(ax, delay, 2.8, "$h_{t-1}$\n(last step's\noutputs)", "C7", width=1.3, height=1.0, fontsize=9)
    for x in xs_unit:
        _arrow(ax, (x + 0.1, 3.3), (delay - 0.65, 3.0), colour="C7", style=":", width=0.8)
        _arrow(ax, (delay - 0.65, 2.55), (x + 0.22, 2.12), colour="C1", width=0.8)
    ax.text(-0.6, 1.2, "$W$: every input\nto every neuron", color="C0", fontsize=9, ha="right")
    ax.text(delay, 1.7, "$U$: every neuron's\nlast output to\nevery neuron", color="C1", fontsize=9,
            ha="center", va="top")
    return ax


_PATTERNS = {
    "sequence-to-sequence": ("all", "all"),
    "sequence-to-vector": ("all", "last"),
    "vector-to-sequence": ("repeat", "all"),
}


def _chain(ax: Axes, x0: float, y0: float, steps: int, inputs: str, outputs: str, colour: str = "C0",
           in_label: str = "$x_{t}$", out_label: str = "$y_{t}$") -> None:
    for t in range(steps):
        x = x0 + t
        _box(ax, x, y0, "", colour, width=0.5, height=0.4)
        if t:
            _arrow(ax, (x - 0.75, y0), (x - 0.25, y0))
        if inputs == "all" or (inputs == "repeat"):
            style = ":" if inputs == "repeat" and t else "-"
            _arrow(ax, (x, y0 - 0.75), (x, y0 - 0.2), style=style)
        if outputs == "all" or (outputs == "last" and t == steps - 1):
            _arrow(ax, (x, y0 + 0.2), (x, y0 + 0.75), colour="C3")
    if inputs != "none":
        ax.text(x0 - 0.45, y0 - 0.6, in_label, ha="right", va="center", fontsize=10)
    if outputs != "none":
        ax.text(x0 + steps - 0.55, y0 + 0.6, out_label, ha="left", va="center", fontsize=10, color="C3")


def io_patterns(steps: int = 4, ax: Axes | None = None) -> Axes:
    """The four input/output patterns of recurrent networks, each unrolled over ``steps``.

    Sequence-to-sequence (an output at every step), sequence-to-vector (only the last),
    vector-to-sequence (one vector copied to every step, as ``RepeatVector`` does; dotted
    arrows are the copies) and encoder-decoder (a sequence read into one vector, which a
    second layer unfolds into a new sequence). Black arrows carry the state, red arrows
    are outputs.

    First used in 01 §6.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> io_patterns().get_title()
    'Four input/output patterns (boxes: one step of a recurrent layer; red: outputs)'
    """
    steps = check_positive_int(steps, "steps", minimum=2)
    half = steps + 2.0
    ax = _canvas(ax, (-1.2, 2 * half + steps - 0.5), (-0.2, 5.4),
                 "Four input/output patterns (boxes: one step of a recurrent layer; red: outputs)",
                 "time step →", "input (bottom of each) → output (top)", (3.2 * steps, 5.2))
    places = [(0, 3.9), (half + 1.3, 3.9), (0, 1.2)]
    for (name, (inputs, outputs)), (x0, y0) in zip(_PATTERNS.items(), places, strict=True):
        _chain(ax, x0, y0, steps, inputs, outputs,
               in_label="$x$ (copied)" if inputs == "repeat" else "$x_t$",
               out_label="$y$" if outputs == "last" else "$y_t$")
        ax.text(x0 + (steps - 1) / 2, y0 + 1.15, name, ha="center", fontsize=11, weight="bold")
    x0, y0 = half + 1.3, 1.2
    encoder = max(steps - 1, 2)
    _chain(ax, x0, y0, encoder, "all", "none", colour="C0")
    _node(ax, x0 + encoder - 0.1, y0 + 0.85, "$v$", "C7", radius=0.2, fontsize=10)
    _arrow(ax, (x0 + encoder - 1, y0 + 0.2), (x0 + encoder - 0.25, y0 + 0.7))
    _chain(ax, x0 + encoder + 0.8, y0, encoder, "none", "all", colour="C2")
    for t in range(encoder):
        _arrow(ax, (x0 + encoder + 0.05, y0 + 0.7), (x0 + encoder + 0.8 + t, y0 + 0.2), style=":",
               colour="C7", width=0.8)
    ax.text(x0 + encoder - 0.1, y0 + 2.05 - 0.9, "encoder-decoder", ha="center", fontsize=11,
            weight="bold")
    ax.text(x0 + (encoder - 1) / 2, y0 - 1.0, "encoder", ha="center", fontsize=9, color="C0")
    ax.text(x0 + encoder + 0.8 + (encoder - 1) / 2, y0 - 1.0, "decoder", ha="center", fontsize=9,
            color="C2")
    return ax


def bptt_graph(steps: int = 4, ax: Axes | None = None) -> Axes:
    """Backpropagation through time over ``steps`` steps, with the step Jacobians on the arrows.

    Forward (black): h_t = tanh(x_t W + h_{t-1} U + b); a small change of h_{t-1} changes
    h_t by the step Jacobian U D_t with D_t = diag(1 - h_t^2) (row vectors, as in Keras).
    Backward (red, dashed): the gradient of the loss flows from the last state to the
    first, multiplied at each step by the transposed Jacobian (U D_t)^T. Because the same
    U is used at every step, dL/dU is a sum with one term per step; a window of L steps
    backpropagates through at most L steps (truncated backpropagation through time).

    First used in 02 §4.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> bptt_graph(steps=3).get_title()
    'Backpropagation through 3 time steps'
    """
    steps = check_positive_int(steps, "steps", minimum=2)
    ax = _canvas(ax, (-0.9, steps + 1.6), (-0.2, 4.2), f"Backpropagation through {steps} time steps",
                 "time step t →", "input → state → loss", (2.4 * steps + 2, 4.3))
    for t in range(1, steps + 1):
        _box(ax, t, 2, f"$h_{t}$", "C0", width=0.5, height=0.45, fontsize=12)
        _arrow(ax, (t, 0.7), (t, 1.75), f"$W D_{t}$", offset=(0.28, 0.0), fontsize=9)
        ax.text(t, 0.5, f"$x_{t}$", ha="center", va="center", fontsize=12)
        prev = "$h_0 = 0$" if t == 1 else None
        if prev:
            ax.text(0.05, 2, prev, ha="center", va="center", fontsize=10)
        _arrow(ax, (t - 0.72 if t > 1 else 0.4, 2.08), (t - 0.26, 2.08), f"$U D_{t}$" if t > 1 else None,
               offset=(0, 0.22), fontsize=9)
        if t > 1:
            _arrow(ax, (t - 0.26, 1.9), (t - 0.72, 1.9), f"$\\times (U D_{t})^\\top$", colour="C3",
                   style="--", offset=(0, -0.28), fontsize=8)
    _box(ax, steps + 1, 3.4, "loss $L$", "C3", width=0.75, height=0.45, fontsize=10)
    _arrow(ax, (steps + 0.25, 2.15), (steps + 0.8, 3.2), "forward", offset=(-0.35, 0.1), fontsize=8)
    _arrow(ax, (steps + 1.1, 3.15), (steps + 0.3, 1.9), "$\\partial L/\\partial h$", colour="C3",
           style="--", offset=(0.4, -0.2), fontsize=9)
    ax.text((steps + 1) / 2, 3.75,
            r"$\partial L/\partial U$ = a sum over the steps: one term per arrow $U D_t$; "
            "a window of L steps gives at most L terms",
            ha="center", fontsize=9, color="C3")
    return ax


_LSTM_GATES = [("$f_t$", "σ", "forget"), ("$i_t$", "σ", "input"), (r"$\tilde c_t$", "tanh", "candidate"),
               ("$o_t$", "σ", "output")]


def lstm_cell(peepholes: bool = False, ax: Axes | None = None) -> Axes:
    """The LSTM cell: x_t and h_{t-1} into four gates, the carry line c, and h_t out.

    The cell state (Keras: carry) runs along the top, multiplied by the forget gate f_t
    and added to i_t * c~_t; the hidden state h_t = o_t * tanh(c_t) leaves at the bottom
    right and at the top. Gate colours are ``GATE_COLOURS``. With ``peepholes=True``
    dashed arrows show the peephole weights: c_{t-1} into f_t and i_t, c_t into o_t.

    First used in 03 §1.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> lstm_cell().get_title()
    'An LSTM cell'
    """
    peepholes = check_bool(peepholes, "peepholes")
    ax = _canvas(ax, (-1.3, 7.6), (-0.6, 5.0),
                 "An LSTM cell with peephole connections" if peepholes else "An LSTM cell",
                 "inputs enter on the left and bottom; the new states leave on the right",
                 "hidden state (bottom), cell state (top)", (10, 5.6))
    ax.add_patch(FancyBboxPatch((-0.2, 0.2), 6.9, 4.1, boxstyle="round,pad=0.05", facecolor="none",
                                edgecolor="C7", linestyle="--"))
    top, bus = 3.8, 0.7
    gate_x = [0.8, 1.9, 3.0, 4.4]
    # the carry line
    _arrow(ax, (-1.1, top), (1.45 - 0.6, top), "$c_{t-1}$", offset=(-0.5, 0.25), width=2.2)
    _node(ax, 0.8 + 0.05, top, "×")
    _arrow(ax, (1.02, top), (3.0 - 0.2, top), width=2.2)
    _node(ax, 3.0, top, "+")
    _arrow(ax, (3.2, top), (7.4, top), "$c_t$ (cell state, carry)", offset=(0.4, 0.25), width=2.2)
    # the hidden-state bus
    _arrow(ax, (-1.1, bus), (0.0, bus), "$h_{t-1}$", offset=(-0.45, 0.25))
    ax.plot([0.0, 4.6], [bus, bus], color="black", lw=1.2)
    _arrow(ax, (0.0, -0.5), (0.0, bus - 0.05), "$x_t$", offset=(-0.3, -0.3))
    ax.text(2.2, bus - 0.35, r"$[x_t, h_{t-1}]$ goes to all four gates", ha="center", fontsize=8)
    for x, (symbol, act, name) in zip(gate_x, _LSTM_GATES, strict=True):
        colour = GATE_COLOURS[name]
        _arrow(ax, (x, bus), (x, 1.55))
        _box(ax, x, 1.8, f"{act}\n{symbol}", colour, width=0.75, height=0.55, fontsize=9, alpha=0.45)
        ax.text(x, 1.35, name, ha="center", va="top", fontsize=7, color=colour)
    _arrow(ax, (0.8, 2.08), (0.85, top - 0.18), colour=GATE_COLOURS["forget"])
    _node(ax, 2.45, 2.9, "×")
    _arrow(ax, (1.9, 2.08), (2.3, 2.8), colour=GATE_COLOURS["input"])
    _arrow(ax, (3.0, 2.08), (2.6, 2.8), colour=GATE_COLOURS["candidate"])
    _arrow(ax, (2.6, 3.03), (2.87, top - 0.12))
    # output: h_t = o_t * tanh(c_t)
    _box(ax, 5.5, 3.0, "tanh", "C7", width=0.6, height=0.35, fontsize=9)
    _arrow(ax, (5.5, top), (5.5, 3.18))
    _node(ax, 5.5, 1.8, "×")
    _arrow(ax, (5.5, 2.82), (5.5, 1.97))
    _arrow(ax, (4.78, 1.8), (5.33, 1.8), colour=GATE_COLOURS["output"])
    ax.plot([5.5, 5.5], [1.63, bus], color="black", lw=1.2)
    _arrow(ax, (5.5, bus), (7.4, bus), "$h_t$ (hidden state, output)", offset=(0.4, 0.25))
    _arrow(ax, (6.2, bus), (6.2, 4.6))
    ax.text(6.3, 4.5, "$h_t$ also goes up,\nto the next layer", fontsize=8, va="top")
    if peepholes:
        for x, label, start in [(0.8, "$p_f$", 0.35), (1.9, "$p_i$", 0.35), (4.4, "$p_o$", 4.4)]:
            _arrow(ax, (start + 0.1, top - 0.05), (x + 0.15, 2.08), label, colour="C6", style="--",
                   offset=(0.2, 0.1), fontsize=9)
    return ax


def gru_cell(reset_after: bool = True, ax: Axes | None = None) -> Axes:
    """The GRU cell: two gates, one state, in either of Keras's two variants.

    The state h runs along the top: h_t = z_t * h_{t-1} + (1 - z_t) * h~_t. With
    ``reset_after=True`` (Keras's default, the cuDNN variant) the reset gate multiplies
    the recurrent product h_{t-1} U_h + b_h; with ``False`` (Cho et al. 2014) it
    multiplies h_{t-1} before the product. Gate colours are ``GATE_COLOURS``.

    First used in 03 §2.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> gru_cell(reset_after=False).get_title()
    'A GRU cell, reset_after=False: the reset gate acts before the product'
    """
    reset_after = check_bool(reset_after, "reset_after")
    where = "after" if reset_after else "before"
    ax = _canvas(ax, (-1.3, 7.6), (-0.6, 5.0),
                 f"A GRU cell, reset_after={reset_after}: the reset gate acts {where} the product",
                 "inputs enter on the left and bottom; the new state leaves on the right",
                 "hidden state (top), gates (middle)", (10, 5.6))
    ax.add_patch(FancyBboxPatch((-0.2, 0.2), 6.9, 4.1, boxstyle="round,pad=0.05", facecolor="none",
                                edgecolor="C7", linestyle="--"))
    top, bus = 3.8, 0.7
    _arrow(ax, (-1.1, top), (1.3, top), "$h_{t-1}$", offset=(-0.6, 0.25), width=2.2)
    _node(ax, 1.5, top, "×")
    _arrow(ax, (1.67, top), (4.6, top), width=2.2)
    _node(ax, 4.8, top, "+")
    _arrow(ax, (4.97, top), (7.4, top), "$h_t$ (the only state)", offset=(0.9, -0.3), width=2.2)
    ax.plot([-0.05, -0.05], [top, bus], color="black", lw=1.2)
    ax.plot([-0.05, 3.0], [bus, bus], color="black", lw=1.2)
    _arrow(ax, (0.6, -0.5), (0.6, bus - 0.05), "$x_t$", offset=(-0.3, -0.3))
    for x, symbol, name in [(0.6, "$z_t$", "update"), (1.6, "$r_t$", "reset")]:
        _arrow(ax, (x, bus), (x, 1.55))
        _box(ax, x, 1.8, f"σ\n{symbol}", GATE_COLOURS[name], width=0.7, height=0.55, fontsize=9, alpha=0.45)
        ax.text(x, 1.35, name, ha="center", va="top", fontsize=7, color=GATE_COLOURS[name])
    _arrow(ax, (0.6, 2.08), (1.45, top - 0.17), "$z_t$", colour=GATE_COLOURS["update"], offset=(-0.25, 0))
    _box(ax, 3.9, 1.8, r"tanh" "\n" r"$\tilde h_t$", GATE_COLOURS["candidate"], width=0.75, height=0.55,
         fontsize=9, alpha=0.45)
    ax.text(3.9, 1.35, "candidate", ha="center", va="top", fontsize=7, color=GATE_COLOURS["candidate"])
    _arrow(ax, (3.0, bus), (3.75, 1.52), "$x_t W_h$", offset=(0.35, -0.05), fontsize=8)
    _node(ax, 2.7, 2.6, "×")
    _arrow(ax, (1.6, 2.08), (2.53, 2.55), colour=GATE_COLOURS["reset"])
    if reset_after:
        _box(ax, 2.7, 3.25, "$h_{t-1}U_h + b^h_h$", "C7", width=1.2, height=0.3, fontsize=8)
        _arrow(ax, (2.7, top), (2.7, 3.4))
        _arrow(ax, (2.7, 3.1), (2.7, 2.77))
        _arrow(ax, (2.85, 2.5), (3.7, 2.08))
    else:
        _arrow(ax, (2.7, top), (2.7, 2.77))
        _box(ax, 3.05, 2.05, r"$\cdot U_h$", "C7", width=0.5, height=0.28, fontsize=8)
        _arrow(ax, (2.75, 2.43), (2.95, 2.2))
        _arrow(ax, (3.3, 2.05), (3.52, 1.9))
    _node(ax, 1.5 + 0.0, 2.6, "1−z", "white", radius=0.22, fontsize=8)
    _arrow(ax, (0.85, 2.0), (1.3, 2.5), colour=GATE_COLOURS["update"])
    _node(ax, 4.8, 2.9, "×")
    _arrow(ax, (3.9, 2.08), (4.65, 2.82), colour=GATE_COLOURS["candidate"])
    _arrow(ax, (1.7, 2.72), (4.63, 2.95), colour=GATE_COLOURS["update"], rad=-0.25)
    _arrow(ax, (4.8, 3.07), (4.8, top - 0.17))
    _arrow(ax, (6.2, top), (6.2, 4.6))
    ax.text(6.3, 4.6, "$h_t$ is also the output", fontsize=8, va="top")
    return ax


def _layer_spec(layer: Any, index: int) -> tuple[str, int, bool]:
    if not (isinstance(layer, Sequence) and not isinstance(layer, str) and len(layer) == 3):
        raise CourseInputError(
            f"layers[{index}] must be (name, units, return_sequences), e.g. ('GRU', 32, True), got {layer!r}."
        )
    name, units, sequences = layer
    if not isinstance(name, str):
        raise CourseInputError(f"layers[{index}]: the name must be text such as 'LSTM', got {name!r}.")
    return name, check_positive_int(units, f"layers[{index}] units"), check_bool(sequences, f"layers[{index}] return_sequences")


def stacked_layers(layers: Sequence[Any] = (("GRU", 32, True), ("GRU", 16, False)), steps: int = 10,
                   features: int = 8, ax: Axes | None = None) -> Axes:
    """A stack of recurrent layers, unrolled, with the shape of what each layer returns.

    ``layers`` lists ``(name, units, return_sequences)`` from the input up. A layer with
    ``return_sequences=True`` passes up one output per step, (batch, steps, units); with
    ``False`` only the last one, (batch, units). A recurrent layer needs a sequence, so a
    recurrent layer above one that returns a single vector is marked in red: Keras
    refuses that stack. Four steps are drawn whatever ``steps`` is.

    First used in 04 §2.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = stacked_layers([("LSTM", 8, False), ("LSTM", 4, False)])
    >>> [t.get_text() for t in ax.texts if t.get_text().startswith("✗")]
    ['✗ LSTM needs (batch, steps, features): set return_sequences=True below it']
    """
    specs = [_layer_spec(layer, i) for i, layer in enumerate(layers)] if isinstance(layers, Sequence) else None
    if not specs:
        raise CourseInputError("layers must be a non-empty list of (name, units, return_sequences) tuples.")
    steps = check_positive_int(steps, "steps")
    features = check_positive_int(features, "features")
    shown = min(steps, 4)
    height = 1.4 * len(specs) + 1.4
    ax = _canvas(ax, (-0.8, shown + 5.2), (-0.2, height + 0.5),
                 f"{len(specs)} stacked recurrent layer{'s' * (len(specs) > 1)}, unrolled",
                 "time step → (each layer runs over every step)", "layers, input at the bottom",
                 (9, 1.2 * len(specs) + 2.4))
    for t in range(shown):
        ax.text(t, 0.3, f"$x_{{{t + 1 if t < shown - 1 or shown == steps else steps}}}$", ha="center",
                fontsize=10)
    ax.text(shown + 0.6, 0.3, f"input: (batch, {steps}, {features})", fontsize=9, va="center")
    incoming = "sequence"
    for level, (name, units, sequences) in enumerate(specs):
        y = 1.4 * (level + 1)
        refused = incoming == "vector"
        colour = "C3" if refused else "C0"
        for t in range(shown):
            _box(ax, t, y, "", colour, width=0.5, height=0.4)
            if t:
                _arrow(ax, (t - 0.75, y), (t - 0.25, y))
            if incoming == "sequence" or (t == shown - 1):
                _arrow(ax, (t, y - 1.05 if level else 0.5), (t, y - 0.2),
                       style="-" if incoming == "sequence" else ":", colour="C3" if refused else "black")
        if refused:
            ax.text(shown + 0.6, y - 0.7,
                    f"✗ {name} needs (batch, steps, features): set return_sequences=True below it",
                    color="C3", fontsize=8, va="center")
        out = f"(batch, {steps}, {units})" if sequences else f"(batch, {units})"
        ax.text(shown + 0.6, y, f"{name}({units}, return_sequences={sequences})\nreturns {out}",
                fontsize=9, va="center", color=colour)
        incoming = "sequence" if sequences else "vector"
        for t in range(shown):
            if sequences or t == shown - 1:
                _arrow(ax, (t, y + 0.2), (t, y + 0.55), colour="C3" if not sequences else "black")
    if shown < steps:
        ax.text(shown - 1.5, 0.3, "…", ha="center", fontsize=12)
    return ax


def bidirectional_flow(steps: int = 4, merge: str = "concat", ax: Axes | None = None) -> Axes:
    """A bidirectional layer: a forward copy reads steps 1..T, a backward copy T..1.

    At every step the two outputs are merged (``merge`` as in ``keras.layers.Bidirectional``:
    "concat" doubles the width, "sum", "mul" and "ave" keep it). The output at step t has
    therefore seen the whole sequence, future steps included: fine for filling a gap,
    a leak for forecasting the future.

    First used in 04 §3.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> bidirectional_flow(merge="sum").get_title()
    'A bidirectional layer over 4 steps, outputs merged by sum'
    """
    steps = check_positive_int(steps, "steps", minimum=2)
    if merge not in ("concat", "sum", "mul", "ave"):
        raise CourseInputError(f"merge must be one of 'concat', 'sum', 'mul', 'ave' (as in Bidirectional), got {merge!r}.")
    ax = _canvas(ax, (-1.6, steps + 0.8), (-0.2, 4.6),
                 f"A bidirectional layer over {steps} steps, outputs merged by {merge}",
                 "time step t →", "input, the two directions, merged output", (2.2 * steps + 2, 4.6))
    for t in range(1, steps + 1):
        ax.text(t, 0.3, f"$x_{t}$", ha="center", fontsize=11)
        _box(ax, t, 1.4, "", "C0", width=0.5, height=0.4)
        _box(ax, t, 2.5, "", "C1", width=0.5, height=0.4)
        _arrow(ax, (t, 0.5), (t, 1.2))
        _arrow(ax, (t - 0.3, 0.5), (t - 0.3, 2.3), colour="C1", width=0.8)
        _node(ax, t, 3.4, "+" if merge != "concat" else "‖", "white", radius=0.18)
        _arrow(ax, (t + 0.15, 1.6), (t + 0.12, 3.22), colour="C0", width=0.8)
        _arrow(ax, (t, 2.7), (t, 3.22), colour="C1")
        _arrow(ax, (t, 3.58), (t, 4.2), f"$y_{t}$", offset=(0.25, 0))
        if t > 1:
            _arrow(ax, (t - 0.75, 1.4), (t - 0.25, 1.4), colour="C0")
            _arrow(ax, (t - 0.25, 2.5), (t - 0.75, 2.5), colour="C1")
    ax.text(0.5, 1.4, "forward →", ha="right", va="center", color="C0", fontsize=9)
    ax.text(0.5, 2.5, "← backward", ha="right", va="center", color="C1", fontsize=9)
    ax.text(0.5, 3.4, merge, ha="right", va="center", fontsize=9)
    return ax


def recursive_walkthrough(history: Sequence[float] = (6, 7, 8, 9), predictions: Sequence[float] = (10, 11.2, 12.1),
                          ax: Axes | None = None) -> Axes:
    """Recursive forecasting step by step: each prediction joins the next input window.

    Row 1 feeds the observed ``history`` to a one-step model, which answers
    ``predictions[0]``; row 2 drops the oldest value and appends that prediction, and so
    on. Observed values are grey, predictions orange: from the row where a window holds a
    prediction, its errors feed the next forecast. The default numbers are illustrative
    (the seed's walk-through: [6, 7, 8, 9] -> 10, then [7, 8, 9, 10] -> 11.2).

    First used in 05 §5a.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = recursive_walkthrough()
    >>> [t.get_text() for t in ax.texts if t.get_text()][:5]
    ['6', '7', '8', '9', 'model']
    """
    window = _as_values(history, "history")
    answers = _as_values(predictions, "predictions")
    width = len(window)
    rows = len(answers)
    ax = _canvas(ax, (-0.8, width + rows + 1.2), (-rows - 0.3, 0.9),
                 "Recursive forecasting: each prediction joins the next window",
                 "position in the series (time step) →", "forecast step (top: first)", (1.3 * (width + rows) + 2, 1.1 * rows + 1.4))
    series = list(window)
    for row, answer in enumerate(answers):
        y = -row
        for k in range(width):
            pos = row + k
            observed = pos < width
            _box(ax, pos, y, _fmt(series[pos]), "C7" if observed else "C1", width=0.8, height=0.55, alpha=0.35)
        _arrow(ax, (row + width - 0.5, y), (row + width + 0.4, y), "model", offset=(0, 0.22), fontsize=8)
        _box(ax, row + width + 0.9, y, _fmt(answer), "C1", width=0.8, height=0.55, alpha=0.8)
        series.append(answer)
    return ax


def _fmt(value: float) -> str:
    return f"{value:g}"


def _as_values(values: Any, name: str) -> list[float]:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise CourseInputError(f"{name} must be a list of numbers, e.g. [6, 7, 8, 9], got {values!r}.") from None
    if array.ndim != 1 or array.size == 0 or not np.all(np.isfinite(array)):
        raise CourseInputError(f"{name} must be a non-empty flat list of finite numbers, got {values!r}.")
    return [float(v) for v in array]
