"""Cut a time series into (input window, label) pairs for supervised learning.

An RNN learns from examples: ``window`` consecutive time steps go in, and the
next ``horizon`` steps of the target column(s) are what it must predict. Sliding
that frame one step at a time over a series of ``T`` values gives
``N = T - window - horizon + 1`` examples. :func:`make_windows` returns them as
NumPy arrays, :func:`windows_dataset` as a batched ``tf.data.Dataset`` and
:class:`Windows` bundles both with names, a readable summary and a plot.

>>> X, y = make_windows(range(10), window=3, horizon=2)
>>> X.shape, y.shape
((6, 3, 1), (6, 2))
>>> X[0, :, 0].tolist(), y[0].tolist()
([0.0, 1.0, 2.0], [3.0, 4.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from helpers.validation import (
    CourseInputError,
    as_float_array,
    check_bool,
    check_index,
    check_no_nans,
    check_positive_int,
    check_regular,
)

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import tensorflow as tf
    from matplotlib.axes import Axes

__all__ = ["Windows", "make_windows", "windows_dataset"]

Targets = str | int | Sequence[str | int] | None

# make_windows copies every window into one array; beyond this many bytes it
# refuses (a 56 GiB request would freeze a laptop) and points to windows_dataset.
MAX_WINDOW_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class _Prepared:
    """A validated series and the columns to predict."""

    data: np.ndarray  # (T, F) float64
    feature_names: list[str]
    target_columns: list[int]
    n_samples: int


def _feature_names(values: Any, n_features: int) -> list[str]:
    if isinstance(values, pd.DataFrame):
        return [str(column) for column in values.columns]
    if isinstance(values, pd.Series) and values.name is not None:
        return [str(values.name)]
    return [f"x{i}" for i in range(n_features)]


def _resolve_targets(targets: Targets, feature_names: list[str]) -> list[int]:
    """Turn ``targets`` (names, positions or None) into a list of column positions."""
    n_features = len(feature_names)
    if targets is None:
        return list(range(n_features))
    if isinstance(targets, str | int | np.integer):
        targets = [targets]
    elif isinstance(targets, pd.Index | np.ndarray):
        targets = list(targets)
    if not isinstance(targets, Sequence) or isinstance(targets, str):
        raise CourseInputError(
            f"targets must be a column name, a column position, or a list of them; got "
            f"{type(targets).__name__}. For example targets='temp_max' or targets=[0, 2]."
        )
    if len(targets) == 0:
        raise CourseInputError(
            "targets is an empty list, so there would be nothing to predict. Name at least "
            "one column, or pass targets=None to predict every column."
        )
    columns: list[int] = []
    for target in targets:
        if isinstance(target, str):
            if target not in feature_names:
                available = ", ".join(repr(name) for name in feature_names)
                raise CourseInputError(
                    f"Unknown target column {target!r}. Available columns: {available}. "
                    "Check the spelling, or pass a column position such as targets=0."
                )
            column = feature_names.index(target)
        elif isinstance(target, int | np.integer) and not isinstance(target, bool):
            column = int(target)
            if not -n_features <= column < n_features:
                raise CourseInputError(
                    f"Target column position {column} is out of range: the data has "
                    f"{n_features} column(s), so use a position from 0 to {n_features - 1} "
                    "(or a negative one counting from the end)."
                )
            column %= n_features
        else:
            raise CourseInputError(
                f"Each target must be a column name (str) or position (int); got {target!r} "
                f"of type {type(target).__name__}."
            )
        if column in columns:
            raise CourseInputError(
                f"Target column {feature_names[column]!r} is listed twice in targets; "
                "list each column once."
            )
        columns.append(column)
    return columns


def _prepare(values: Any, window: int, horizon: int, targets: Targets) -> _Prepared:
    """Validate the inputs shared by :func:`make_windows` and :func:`windows_dataset`."""
    window = check_positive_int(window, "window")
    horizon = check_positive_int(horizon, "horizon")
    if isinstance(values, pd.Series | pd.DataFrame):
        check_index(values.index, name="values")
        check_regular(values.index, name="values")
    elif isinstance(values, dict):
        raise CourseInputError(
            "values is a dict; pass a DataFrame instead (pd.DataFrame(values)) so that "
            "each key becomes a named column."
        )
    array = as_float_array(values, "values")
    if array.ndim not in (1, 2):
        raise CourseInputError(
            f"values must be 1-D (time,) or 2-D (time, features), got {array.ndim}-D with "
            f"shape {array.shape}. Pass the raw series, not windows that are already cut; "
            "for one series use series.to_numpy(), for several columns a DataFrame."
        )
    if array.ndim == 2 and array.shape[0] == 1 and array.shape[1] > 1:
        raise CourseInputError(
            f"values has shape {array.shape}: one time step with {array.shape[1]} features. "
            "If it is one series stored as a row, pass values.ravel() (shape "
            f"({array.shape[1]},)); rows must be time steps and columns features."
        )
    if array.size == 0:
        raise CourseInputError(f"values is empty (shape {array.shape}); pass the series.")
    check_no_nans(array, "values")  # before reshaping, so a 1-D position reads as one number
    if array.ndim == 1:
        array = array[:, None]
    n_steps = array.shape[0]
    if window + horizon > n_steps:
        raise CourseInputError(
            f"window ({window}) + horizon ({horizon}) = {window + horizon} steps, but the "
            f"series has only {n_steps} values; use a shorter window/horizon or more data."
        )
    feature_names = _feature_names(values, array.shape[1])
    target_columns = _resolve_targets(targets, feature_names)
    return _Prepared(
        data=array,
        feature_names=feature_names,
        target_columns=target_columns,
        n_samples=n_steps - window - horizon + 1,
    )


def _labels(prepared: _Prepared, window: int, horizon: int) -> np.ndarray:
    """The labels y in their Dense-output shape, float32."""
    n = prepared.n_samples
    rows = np.arange(n)[:, None] + window + np.arange(horizon)
    labels = prepared.data[rows][:, :, prepared.target_columns].astype("float32")
    n_targets = len(prepared.target_columns)
    if n_targets == 1:
        y = labels[:, :, 0]  # (N, horizon)
    elif horizon == 1:
        y = labels[:, 0, :]  # (N, n_targets)
    else:
        y = labels  # (N, horizon, n_targets)
    return np.ascontiguousarray(y)


def _check_memory(prepared: _Prepared, window: int, horizon: int) -> None:
    """Refuse windows whose copy would not fit in memory, before allocating them."""
    n_features = prepared.data.shape[1]
    n_bytes = (
        4 * prepared.n_samples * (window * n_features + horizon * len(prepared.target_columns))
    )
    if n_bytes > MAX_WINDOW_BYTES:
        raise CourseInputError(
            f"{prepared.n_samples:,} windows of {window} steps x {n_features} feature(s) "
            f"would need {n_bytes / 1024**3:,.1f} GiB of memory as one array. Use a shorter "
            "window or less data, or windows_dataset(...), which cuts the windows batch by "
            "batch while training."
        )


def _cut(prepared: _Prepared, window: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Build X (N, window, F) and y in its Dense-output shape, both float32."""
    _check_memory(prepared, window, horizon)
    data = prepared.data.astype("float32")
    n = prepared.n_samples
    # X[i, j] is data[i + j]: index with an (N, window) grid of row numbers.
    starts = np.arange(n)[:, None]
    X = data[starts + np.arange(window)]
    return np.ascontiguousarray(X), _labels(prepared, window, horizon)


def _check_dataset_args(batch_size: int, shuffle: bool, seed: int | None) -> int:
    batch_size = check_positive_int(batch_size, "batch_size")
    check_bool(shuffle, "shuffle")
    if seed is not None:
        check_positive_int(seed, "seed", minimum=0)
    return batch_size


def _dataset(
    data: np.ndarray,
    y: np.ndarray,
    window: int,
    batch_size: int,
    shuffle: bool,
    seed: int | None,
) -> tf.data.Dataset:
    """Batch the windows of ``data`` with the labels ``y`` (already cut)."""
    import keras

    n_samples = len(y)
    # Window i is data[i : i + window], so the last of the N windows ends at row
    # N + window - 1; the rows after it only appear in labels and are trimmed off.
    # Keras refuses data of length 1, so keep 2 rows; the label array still caps N.
    n_rows = max(n_samples + window - 1, 2)
    return keras.utils.timeseries_dataset_from_array(
        data=data[:n_rows].astype("float32"),
        targets=y,
        sequence_length=window,
        sequence_stride=1,
        batch_size=batch_size,
        shuffle=bool(shuffle),
        seed=seed,
    )


def make_windows(
    values: Any, window: int, horizon: int = 1, targets: Targets = None
) -> tuple[np.ndarray, np.ndarray]:
    """Cut ``values`` into input windows ``X`` and labels ``y``.

    Taught in 05 §2.

    Window ``i`` is ``values[i : i + window]`` (all columns) and its label is
    ``values[i + window : i + window + horizon]`` (target columns only).

    Args:
        values: the series, shape (T,) or (T, F): a list, NumPy array, pandas
            Series or DataFrame. Scale it first; no scaling happens here.
        window: number of past time steps the model sees.
        horizon: number of future time steps it predicts.
        targets: which columns to predict. ``None`` (default) means all of them;
            otherwise a column name or position, or a list of them.

    Returns:
        ``(X, y)`` as float32. ``X`` has shape ``(N, window, F)`` (``F = 1`` for a
        1-D series), with ``N = T - window - horizon + 1``. ``y`` has the shape a
        ``Dense`` output layer gives: ``(N, horizon)`` for one target,
        ``(N, n_targets)`` when ``horizon == 1``, else ``(N, horizon, n_targets)``.

    Raises:
        CourseInputError: bad window/horizon, a series too short for them,
            NaN/inf values, unsorted or duplicated dates, unknown targets or
            input with more than two dimensions.
    """
    prepared = _prepare(values, window, horizon, targets)
    return _cut(prepared, window, horizon)


def windows_dataset(
    values: Any,
    window: int,
    horizon: int = 1,
    targets: Targets = None,
    batch_size: int = 32,
    shuffle: bool = False,
    seed: int | None = None,
) -> tf.data.Dataset:
    """The windows of :func:`make_windows` as a batched ``tf.data.Dataset``.

    Taught in 05 §2.

    Built with ``keras.utils.timeseries_dataset_from_array``; each element is a
    batch ``(X, y)`` with the same shapes and values as :func:`make_windows`
    (in the same order unless ``shuffle=True``). Pass it straight to
    ``model.fit``. Shuffle training windows, never validation or test ones.

    >>> ds = windows_dataset(range(10), window=3, horizon=2, batch_size=4)
    >>> [tuple(x.shape) for x, y in ds]   # the 6 windows in batches of 4
    [(4, 3, 1), (2, 3, 1)]

    Args:
        values, window, horizon, targets: as in :func:`make_windows`.
        batch_size: windows per batch (the last batch may be smaller).
        shuffle: shuffle the order of the windows.
        seed: seed for the shuffle, for reproducible runs.
    """
    batch_size = _check_dataset_args(batch_size, shuffle, seed)
    prepared = _prepare(values, window, horizon, targets)
    y = _labels(prepared, window, horizon)  # X is cut lazily, batch by batch
    return _dataset(prepared.data, y, window, batch_size, shuffle, seed)


def _steps(start: int, stop: int) -> str:
    def name(k: int) -> str:
        return "t" if k == 0 else f"t{k:+d}"

    return name(start) if start == stop else f"{name(start)} .. {name(stop)}"


class Windows:
    """A series cut into windows, with names, a summary and a plot.

    Taught in 05 §2.

    >>> w = Windows(range(10), window=3, horizon=2)
    >>> w.X.shape, w.y.shape, w.n_samples
    ((6, 3, 1), (6, 2), 6)
    >>> ds = w.dataset(batch_size=4)   # for model.fit(ds, ...)

    Attributes:
        X, y: the arrays from :func:`make_windows`.
        window, horizon: as given.
        feature_names: names of the input columns (the DataFrame's columns, the
            Series' name, or ``x0, x1, ...``).
        target_names: names of the predicted columns.
        n_samples: number of windows ``N``.
    """

    def __init__(
        self, values: Any, window: int = 12, horizon: int = 1, targets: Targets = None
    ) -> None:
        prepared = _prepare(values, window, horizon, targets)
        self.window: int = int(window)
        self.horizon: int = int(horizon)
        self.feature_names: list[str] = prepared.feature_names
        self.target_names: list[str] = [prepared.feature_names[c] for c in prepared.target_columns]
        self.n_samples: int = prepared.n_samples
        self.X, self.y = _cut(prepared, self.window, self.horizon)
        self._data = prepared.data
        self._target_columns = prepared.target_columns

    def dataset(
        self, batch_size: int = 32, shuffle: bool = False, seed: int | None = None
    ) -> tf.data.Dataset:
        """The windows as a batched ``tf.data.Dataset`` (see :func:`windows_dataset`)."""
        batch_size = _check_dataset_args(batch_size, shuffle, seed)
        return _dataset(self._data, self.y, self.window, batch_size, shuffle, seed)

    def diagram(self) -> str:
        """One line showing which time steps are inputs and which are labels."""
        return f"inputs: {_steps(-(self.window - 1), 0)} | labels: {_steps(1, self.horizon)}"

    def __repr__(self) -> str:
        def names(items: list[str]) -> str:
            shown = ", ".join(items[:8]) + (", ..." if len(items) > 8 else "")
            return f"{len(items)} ({shown})"

        if self.window + self.horizon <= 60:
            bar = "[" + "x" * self.window + "|" + "y" * self.horizon + "]"
            bar += "  x = input step, y = label step"
        else:
            bar = f"[{self.window} input steps | {self.horizon} label steps]"
        return "\n".join(
            [
                f"Windows(window={self.window}, horizon={self.horizon})",
                f"  features: {names(self.feature_names)}",
                f"  targets:  {names(self.target_names)}",
                f"  samples:  {self.n_samples}",
                f"  X shape:  {self.X.shape}  (samples, window, features)",
                f"  y shape:  {self.y.shape}",
                f"  {self.diagram()}",
                f"  {bar}",
            ]
        )

    def plot(self, n: int = 3, ax: Axes | None = None, target: str | int | None = None) -> Axes:
        """Plot the first ``n`` windows: inputs as lines, labels as separate markers.

        Args:
            n: how many windows to draw (at most ``n_samples``).
            ax: a matplotlib Axes to draw on; a new figure is made when None.
            target: which target to show when there are several (name or
                position among the targets); the first one by default.

        Returns:
            The matplotlib Axes.
        """
        import matplotlib.pyplot as plt

        n = min(check_positive_int(n, "n"), self.n_samples)
        if target is None:
            k = 0
        elif isinstance(target, str) and target in self.target_names:
            k = self.target_names.index(target)
        elif (
            isinstance(target, int | np.integer)
            and not isinstance(target, bool)
            and -len(self.target_names) <= target < len(self.target_names)
        ):
            k = int(target) % len(self.target_names)
        else:
            raise CourseInputError(
                f"target={target!r} is not one of the targets {self.target_names}; pass one "
                f"of these names or a position from 0 to {len(self.target_names) - 1}."
            )
        column = self._target_columns[k]
        name = self.target_names[k]
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 3.5))
        else:
            from helpers.plotting import check_axes

            ax = check_axes(ax)
        input_steps = np.arange(self.window)
        label_steps = np.arange(self.window, self.window + self.horizon)
        for i in range(n):
            inputs = self.X[i, :, column]
            labels = self._data[i + self.window : i + self.window + self.horizon, column]
            (line,) = ax.plot(input_steps, inputs, marker="o", label=f"window {i}: inputs")
            ax.plot(
                label_steps,
                labels,
                linestyle="none",
                marker="*",
                markersize=11,
                color=line.get_color(),
                markeredgecolor="black",
                label=f"window {i}: labels",
            )
        ax.axvline(self.window - 0.5, color="grey", linestyle="--", linewidth=1)
        ax.set_xlabel("time step in window")
        ax.set_ylabel(name)
        ax.set_title(
            f"First {n} window(s): {self.window} input step(s) -> {self.horizon} label step(s)"
        )
        ax.legend(fontsize="small", ncol=2)
        return ax
