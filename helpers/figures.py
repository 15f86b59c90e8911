"""Figures everyone can read: the course's style, readable dates and alt text.

Importing ``helpers`` calls :func:`install` once, so every notebook, exercise and
solution draws with

* the **Petroff 10 colour cycle** (matplotlib's ``petroff10`` style, chosen in a
  survey for colour-blind readers) instead of matplotlib's default ``C0..C9``;
* a **white figure background**, so axes and labels stay visible in a dark
  JupyterLab theme (transparent PNGs show black text on a black page there);
* **concise date labels** on every date axis (``1990``, ``Jul``, ``1991`` instead
  of ``1990-071991-01`` running into each other): ``date.converter: concise``;
* **alt text** on every inline figure: in IPython and Jupyter the PNG of a
  matplotlib figure carries ``{"alt": describe_figure(fig)}`` as its metadata, which
  JupyterLab, nbconvert (slides) and the course website write into the ``<img>``.

:func:`describe_figure` builds the text from the figure itself (kind of chart,
title, axis labels, legend entries, x range). A figure without a title or with an
unlabelled axis cannot be described well, so ``describe_figure`` refuses it with a
:class:`helpers.validation.CourseInputError` saying what to add; in a notebook the
figure is still shown, with a warning and an alt text that says what is missing.

Not used in a notebook; ``import helpers`` applies it to every figure of the course.

>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots()
>>> _ = ax.plot([1, 2, 3], [2, 4, 3], label="sales")
>>> _ = ax.set(title="Sales", xlabel="month", ylabel="bottles")
>>> _ = ax.legend()
>>> describe_figure(fig)
'Line chart titled "Sales". x axis: month, from 1 to 3. y axis: bottles. Legend: sales.'
>>> plt.close(fig)
"""

from __future__ import annotations

import warnings
from typing import Any

from helpers.validation import CourseInputError

import numpy as np

__all__ = ["COURSE_RC", "apply_style", "describe_figure", "install", "install_alt_text"]

# What the course changes in matplotlib's defaults, on top of the petroff10 style.
COURSE_RC = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "date.converter": "concise",
}


def apply_style() -> None:
    """Use the Petroff 10 colour cycle, white backgrounds and concise date labels.

    Not used in a notebook; ``import helpers`` calls it (through :func:`install`).
    """
    import matplotlib
    import matplotlib.style

    matplotlib.style.use("petroff10")
    matplotlib.rcParams.update(COURSE_RC)


def _is_date_axis(axis: Any) -> bool:
    import matplotlib.dates as mdates

    formatter = axis.get_major_formatter()
    return isinstance(formatter, mdates.DateFormatter | mdates.ConciseDateFormatter
                      | mdates.AutoDateFormatter) or "date" in type(formatter).__name__.lower()


def _format_range(axis: Any, low: float, high: float) -> str:
    import matplotlib.dates as mdates
    import pandas as pd

    formatter = axis.get_major_formatter()
    freq = getattr(formatter, "freq", None)
    if freq is not None and type(formatter).__module__.startswith("pandas"):
        # pandas' own time-series axes (Series.plot) count periods, not days
        try:
            start = pd.Period(ordinal=int(round(low)), freq=freq)
            end = pd.Period(ordinal=int(round(high)), freq=freq)
        except (TypeError, ValueError, OverflowError):
            return f"from {low:.4g} to {high:.4g}"
        return f"from {start} to {end}"
    if _is_date_axis(axis):
        try:
            start, end = mdates.num2date(low), mdates.num2date(high)
        except (ValueError, OverflowError):
            return f"from {low:.4g} to {high:.4g}"
        fmt = "%Y-%m-%d" if (high - low) < 2 * 365 else "%Y-%m"
        return f"from {start.strftime(fmt)} to {end.strftime(fmt)}"
    return f"from {low:.4g} to {high:.4g}"


def _chart_kind(ax: Any) -> str:
    """A few words for what ``ax`` shows: line chart, bar chart, scatter plot, heatmap..."""
    from matplotlib.collections import PathCollection, PolyCollection
    from matplotlib.container import BarContainer
    from matplotlib.image import AxesImage

    # Reference lines (axhline, axvline) are drawn in axes coordinates: not data lines.
    lines = [line for line in ax.get_lines() if line.get_transform() == ax.transData
             and np.size(line.get_xdata()) > 0]
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    kinds = []
    if any(isinstance(image, AxesImage) for image in ax.get_images()):
        kinds.append("heatmap")
    if bars:
        kinds.append("bar chart")
    if lines:
        kinds.append("line chart")
    if any(isinstance(c, PathCollection) for c in ax.collections):
        kinds.append("scatter plot")
    kind = " and ".join(kinds) or "chart"
    if any(isinstance(c, PolyCollection) and not isinstance(c, PathCollection)
           for c in ax.collections) and "bar chart" not in kinds:
        kind += " with shaded bands"
    return kind


def _visible_axes(fig: Any) -> list[Any]:
    return [ax for ax in fig.get_axes() if ax.get_visible() and ax.axison
            and ax.get_label() != "<colorbar>"]


def _shared(ax: Any, which: str, axes: list[Any]) -> list[Any]:
    """The other visible axes that share ``ax``'s x (or y) axis."""
    group = ax.get_shared_x_axes() if which == "x" else ax.get_shared_y_axes()
    return [other for other in group.get_siblings(ax) if other is not ax and other in axes]


def _label(ax: Any, which: str, axes: list[Any]) -> str:
    """``ax``'s x or y label, or the label of an axes sharing that axis (stacked panels)."""
    getter = f"get_{which}label"
    own = getattr(ax, getter)()
    if own:
        return own
    return next((getattr(o, getter)() for o in _shared(ax, which, axes) if getattr(o, getter)()), "")


def _titled(ax: Any, axes: list[Any]) -> bool:
    """Whether ``ax`` has a title, or is a panel in a stack sharing x with a titled one."""
    return bool(ax.get_title()) or any(o.get_title() for o in _shared(ax, "x", axes))


def _problems(fig: Any) -> list[str]:
    axes = _visible_axes(fig)
    if not axes:
        return ["the figure has no axes: draw something first"]
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    problems = []
    for i, ax in enumerate(axes):
        name = "the plot" if len(axes) == 1 else f"plot {i + 1} of {len(axes)}"
        if not (_titled(ax, axes) or suptitle):
            problems.append(f"{name} has no title: ax.set_title('...') (or fig.suptitle('...'))")
        for which in ("x", "y"):
            if not _label(ax, which, axes):
                problems.append(f"{name} has no {which} axis label: ax.set_{which}label('...')")
    return problems


def _describe_axes(ax: Any, axes: list[Any]) -> str:
    kind = _chart_kind(ax)
    title = ax.get_title()
    parts = [f'{kind[0].upper()}{kind[1:]}' + (f' titled "{title}"' if title else "")]
    x_label, y_label = _label(ax, "x", axes), _label(ax, "y", axes)
    if "bar chart" in kind and ax.get_xticklabels() and not _is_date_axis(ax.xaxis):
        names = [" ".join(t.get_text().split()) for t in ax.get_xticklabels() if t.get_text()]
        parts.append(f"x axis: {x_label or 'unlabelled'}, bars for " + ", ".join(names[:12]))
    else:
        low, high = ax.get_xlim()
        if ax.get_lines() or ax.collections:
            data = ax.dataLim
            if data.width > 0 and abs(data.x0) != float("inf"):
                low, high = data.x0, data.x1
        parts.append(f"x axis: {x_label or 'unlabelled'}, {_format_range(ax.xaxis, low, high)}")
    log = ax.get_yscale() == "log" and "log" not in y_label.lower()
    parts.append(f"y axis: {y_label or 'unlabelled'}" + (" (log scale)" if log else ""))
    legend = ax.get_legend()
    if legend is not None:
        entries = [t.get_text() for t in legend.get_texts() if t.get_text()]
        if entries:
            parts.append("Legend: " + ", ".join(entries))
    return ". ".join(parts) + "."


def describe_figure(fig: Any, strict: bool = True) -> str:
    """Alt text for a matplotlib figure, built from what the figure shows.

    Not used in a notebook; the course's PNG formatter (:func:`install_alt_text`)
    attaches it to every figure a notebook displays.

    Args:
        fig: a matplotlib ``Figure`` (or an ``Axes``: its figure is described).
        strict: refuse a figure without a title or with an unlabelled axis (the
            default). With ``False`` the text says what is missing instead.

    Raises:
        CourseInputError: ``strict`` and a title or axis label is missing; the message
            names each one and the call that adds it.
    """
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    if isinstance(fig, Axes):
        fig = fig.figure
    if not isinstance(fig, Figure | SubFigure):
        raise CourseInputError(
            f"describe_figure needs a matplotlib Figure, got {type(fig).__name__}; pass "
            "fig from fig, ax = plt.subplots(), or ax.figure."
        )
    problems = _problems(fig)
    if strict and problems:
        raise CourseInputError("This figure cannot be described for readers who cannot see it: "
                               + "; ".join(problems) + ".")
    axes = _visible_axes(fig)
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    texts = []
    if suptitle:
        texts.append(f'Figure titled "{suptitle}"' + (f" with {len(axes)} plots." if len(axes) > 1
                                                       else "."))
    if len(axes) > 1:
        texts += [f"Plot {i + 1}: " + _describe_axes(ax, axes) for i, ax in enumerate(axes)]
    elif axes:
        texts.append(_describe_axes(axes[0], axes))
    return " ".join(texts)


_FLAG = "_course_alt_text"


def _wrap(formatter: Any) -> Any:
    """A PNG formatter that returns ``(png, {"alt": ...})`` around ``formatter``."""
    if formatter is None or getattr(formatter, _FLAG, False):
        return formatter

    def png_with_alt(fig: Any) -> Any:
        data = formatter(fig)
        if data is None:
            return None
        metadata: dict[str, Any] = {}
        if isinstance(data, tuple):
            data, metadata = data[0], dict(data[1] or {})
        try:
            alt = describe_figure(fig)
        except CourseInputError as err:
            warnings.warn(f"{err} Until then its alt text says what is missing.", stacklevel=2)
            alt = describe_figure(fig, strict=False)
        metadata["alt"] = alt
        return data, metadata

    setattr(png_with_alt, _FLAG, True)
    return png_with_alt


def install_alt_text(shell: Any = None) -> bool:
    """Make IPython attach alt text to every matplotlib figure it shows as a PNG.

    Not used in a notebook; ``import helpers`` calls it (through :func:`install`).
    Outside IPython it does nothing and returns ``False``. The wrapper is
    re-applied before every cell, so ``%matplotlib inline`` or a change of
    ``InlineBackend.figure_formats`` does not remove it.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    # Load the backend now: the inline backend registers its PNG formatter when it loads,
    # which would otherwise replace ours at the first figure.
    try:
        plt.switch_backend(matplotlib.get_backend())
    except (ImportError, RuntimeError):  # a GUI backend without its toolkit: keep going
        pass
    png = shell.display_formatter.formatters["image/png"]

    def rewrap(*_: Any) -> None:
        try:
            current = png.lookup_by_type(Figure)
        except KeyError:
            return
        if not getattr(current, _FLAG, False):
            png.for_type(Figure, _wrap(current))

    rewrap()
    if not getattr(shell, _FLAG, False):
        shell.events.register("pre_run_cell", rewrap)
        setattr(shell, _FLAG, True)
    return True


def install() -> None:
    """The course's figure settings: :func:`apply_style` and :func:`install_alt_text`.

    Not used in a notebook; ``import helpers`` calls it once.
    """
    install_alt_text()  # first: loading the inline backend applies its own rc settings
    apply_style()
