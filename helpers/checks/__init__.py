"""Self-checks for the exercises: friendly verdicts that never crash.

Every check takes the student's answer and prints one of three verdicts:

* ``correct`` — the answer matches the reference;
* ``not attempted`` — the placeholder (``...`` or ``None``) is still there;
* ``wrong`` — with a specific hint (wrong shape, a missing ``tanh``, a scaler
  fitted on the test set, a forecast that was not inverse-scaled...).

A check never raises, whatever the student passes in: any error while
checking becomes a ``wrong`` verdict that quotes it. The verdict is also
returned (as a :class:`Verdict`) and logged, so :func:`summary` can list
progress and a solution notebook can end with :func:`assert_all_correct`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helpers.models import model_shape as _declared_shape

import numpy as np

CORRECT, NOT_ATTEMPTED, WRONG = "correct", "not attempted", "wrong"
_ICONS = {CORRECT: "✅", NOT_ATTEMPTED: "⏳", WRONG: "❌"}

_LOG: dict[tuple[str, int], Verdict] = {}
_REGISTRY: dict[tuple[str, int], Callable[..., Verdict]] = {}
_POINTS: dict[tuple[str, int], float] = {}
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check."""

    exercise: str
    task: int
    status: str
    message: str

    def __bool__(self) -> bool:
        return self.status == CORRECT

    def __str__(self) -> str:
        label = {CORRECT: "correct", NOT_ATTEMPTED: "not attempted yet", WRONG: "not quite"}
        return f"{_ICONS[self.status]} Task {self.task} {label[self.status]}: {self.message}"

    def _ipython_display_(self) -> None:
        # The check already printed the verdict; showing it again would only repeat it.
        return None


class Wrong(Exception):
    """Raised inside a check to report a wrong answer with a hint."""


class NotAttempted(Exception):
    """Raised inside a check when the answer is still the placeholder."""


def _shown(value: Any) -> str:
    """How a placeholder is written in the exercise: ``...`` rather than ``Ellipsis``."""
    return "..." if value is Ellipsis else repr(value)


def is_placeholder(value: Any) -> bool:
    """True for the values exercise stubs use: ``...``, ``None`` and ``NotImplemented``."""
    return value is Ellipsis or value is None or value is NotImplemented


def require(value: Any, name: str) -> Any:
    """Raise :class:`NotAttempted` when ``value`` is a placeholder; else return it."""
    if is_placeholder(value):
        raise NotAttempted(f"`{name}` is still `{_shown(value)}`. Write your code under # YOUR CODE HERE.")
    return value


def require_function(value: Any, name: str) -> Any:
    """Like :func:`require`, and also raise :class:`Wrong` when ``value`` is not callable."""
    require(value, name)
    if not callable(value):
        raise Wrong(f"`{name}` should be a function, but it is a {type(value).__name__}.")
    return value


def _valid_points(points: Any, exercise: str, task: int) -> float:
    """``points`` as a positive finite number, or a ValueError naming the check."""
    if isinstance(points, bool) or not isinstance(points, int | float | np.integer | np.floating) \
            or not np.isfinite(points) or points <= 0:
        raise ValueError(f"@check({exercise!r}, {task}, points={points!r}): points must be a "
                         "positive number such as 1 or 2.5.")
    return float(points)


def check(exercise: str, task: int,
          points: float = 1) -> Callable[[Callable[..., str]], Callable[..., Verdict]]:
    """Decorator turning a function that returns a success message into a safe check.

    The wrapped function raises :class:`Wrong` (with a hint) or
    :class:`NotAttempted`; any other exception, including ones raised by the
    student's own code, becomes a ``wrong`` verdict with a readable message.
    The check is also registered, so :func:`task_count` knows how many tasks an
    exercise has and the tests can run every check on junk input.

    ``points`` is what the task is worth when graded (default 1): the exercise
    notebook shows it next to the task's heading (``make exercises`` writes it there),
    :func:`summary` adds up the points earned and ``make grade`` scores with it.
    """
    worth = _valid_points(points, exercise, task)

    def decorate(func: Callable[..., str]) -> Callable[..., Verdict]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Verdict:
            try:
                status, message = CORRECT, func(*args, **kwargs)
            except NotAttempted as err:
                status, message = NOT_ATTEMPTED, str(err)
            except Wrong as err:
                status, message = WRONG, str(err)
            except Exception as err:  # a check must never crash
                status, message = WRONG, f"checking your answer failed: {describe_error(err)}"
            verdict = Verdict(exercise, task, status, message)
            _LOG[(exercise, task)] = verdict
            print(verdict)
            return verdict

        wrapper.exercise, wrapper.task = exercise, task  # type: ignore[attr-defined]
        wrapper.points = worth  # type: ignore[attr-defined]
        _REGISTRY[(exercise, task)] = wrapper
        _POINTS[(exercise, task)] = worth
        return wrapper

    return decorate


def registered(exercise: str | None = None) -> dict[tuple[str, int], Callable[..., Verdict]]:
    """Every registered check, keyed by ``(exercise, task)`` (only ``exercise``'s when given)."""
    return {key: func for key, func in sorted(_REGISTRY.items()) if exercise in (None, key[0])}


def points(exercise: str) -> dict[int, float]:
    """``{task: points}`` for every task of ``exercise`` (from the ``@check`` registry)."""
    return {task: worth for (ex, task), worth in sorted(_POINTS.items()) if ex == exercise}


def task_count(exercise: str) -> int:
    """How many tasks ``exercise`` has: the number of checks registered for it."""
    return len(registered(exercise))


def describe_error(err: BaseException) -> str:
    """A short, readable description of an exception raised by student code or a library.

    Terminal colour codes and the long traces some libraries append are dropped, and
    common failures get a plain-words explanation.
    """
    text = _ANSI.sub("", str(err)).strip()
    first = text.splitlines()[0] if text else ""
    if len(first) > 200:
        first = first[:200] + "..."
    low = text.lower()
    hint = ""
    if "matmul" in low or "incompatible shapes" in low or "shapes" in low and "align" in low \
            or "dimension" in low and ("must be equal" in low or "mismatch" in low) \
            or "size of tensor" in low or "input 0 of layer" in low \
            or "expected shape" in low or "incompatible with the layer" in low:
        hint = (" The shapes of two arrays or tensors do not fit together: print the shapes "
                "of what you pass in and compare them with what the task asks for.")
    elif isinstance(err, ZeroDivisionError):
        hint = " Something was divided by zero."
    elif isinstance(err, NameError):
        hint = " A name is not defined: run the cells above first, or check the spelling."
    return f"{type(err).__name__}: {first}{hint}"


def call_student(func: Callable[..., Any], *args: Any, name: str = "your function",
                 **kwargs: Any) -> Any:
    """Call a student's function; translate what goes wrong into a verdict.

    Returns the result. Raises :class:`NotAttempted` when it returns the ``...``
    placeholder, :class:`Wrong` with a "forgot ``return``?" hint when it returns
    ``None``, and :class:`Wrong` with a readable message when it raises.
    """
    try:
        result = func(*args, **kwargs)
    except (Wrong, NotAttempted):
        raise
    except Exception as err:
        raise Wrong(f"calling {name} raised {describe_error(err)}") from None
    if result is Ellipsis or result is NotImplemented:
        raise NotAttempted(f"{name} still returns `...`. Write your code under # YOUR CODE HERE.")
    if result is None:
        raise Wrong(f"{name} returned None: did you forget `return`? The function must end "
                    "with `return` followed by its result.")
    return result


def waiting(task: int, *values: Any) -> bool:
    """Return True (and print a note) when any of ``values`` is still a placeholder.

    Use it in cells that need an earlier answer::

        if not checks.waiting(2, outputs):
            plot(outputs)
    """
    pending = [v for v in values if is_placeholder(v)]
    if pending:
        print(f"⏳ waiting for task {task}: this cell runs once task {task} is answered.")
        return True
    return False


def as_array(value: Any, name: str) -> np.ndarray:
    """Convert an answer to a float array, or raise :class:`Wrong` saying what it was."""
    if hasattr(value, "numpy") and callable(value.numpy):
        value = value.numpy()
    try:
        array = np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        raise Wrong(
            f"`{name}` should be a NumPy array of numbers, but it is a {type(value).__name__}."
        ) from None
    if array.dtype == object:
        raise Wrong(f"`{name}` should be a NumPy array of numbers.")
    return array


def as_number(value: Any, name: str) -> float:
    """One finite number from an int, float, NumPy scalar, 0-d array or 1-element tensor."""
    if is_placeholder(value):
        raise NotAttempted(f"`{name}` is still `{_shown(value)}`. Write your code under # YOUR CODE HERE.")
    if isinstance(value, bool | np.bool_) or isinstance(value, str | bytes):
        raise Wrong(f"`{name}` should be a number, not {value!r}.")
    if hasattr(value, "numpy") and callable(value.numpy):
        value = value.numpy()
    try:
        array = np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        raise Wrong(f"`{name}` should be one number, not a {type(value).__name__}.") from None
    if array.size != 1:
        raise Wrong(f"`{name}` should be one number, but it holds {array.size} values "
                    f"(shape {array.shape}).")
    number = float(array.reshape(()))
    if not np.isfinite(number):
        raise Wrong(f"`{name}` is {number}, not a finite number: look for NaN in the "
                    "values it was computed from.")
    return number


def as_int(value: Any, name: str) -> int:
    """A whole number from an int, NumPy integer or a float such as 12.0."""
    if is_placeholder(value):
        raise NotAttempted(f"`{name}` is still `{_shown(value)}`. Write your code under # YOUR CODE HERE.")
    number = as_number(value, name)
    if number != int(number):
        raise Wrong(f"`{name}` should be a whole number, got {value!r}.")
    return int(number)


def as_shape(value: Any, name: str) -> tuple[int, ...]:
    """A shape given as a tuple, list, array or TensorShape -> a tuple of ints."""
    if is_placeholder(value):
        raise NotAttempted(f"`{name}` is still `{_shown(value)}`. Write your code under # YOUR CODE HERE.")
    if getattr(value, "ndim", 0) > 1:
        raise Wrong(f"`{name}` is an array or tensor of shape {tuple(value.shape)}; give only "
                    "its shape, a tuple of ints: tuple(output.shape).")
    if isinstance(value, str | bytes | dict) or not hasattr(value, "__iter__"):
        raise Wrong(f"`{name}` should be a shape, a tuple of ints like (32, 16), not {value!r}.")
    try:
        shape = tuple(as_int(d, f"{name} entry") for d in value)
    except (Wrong, NotAttempted, TypeError):
        raise Wrong(f"`{name}` should be a shape, a tuple of ints like (32, 16), not "
                    f"{value!r}.") from None
    if not shape:
        raise Wrong(f"`{name}` is empty; a shape has one entry per axis, like (32, 16).")
    return shape


def close(a: Any, b: Any, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
    """True when ``a`` and ``b`` have the same shape and all values agree; NaN never agrees."""
    try:
        x, y = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    except (TypeError, ValueError):
        return False
    if x.shape != y.shape or not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        return False
    return bool(np.allclose(x, y, rtol=rtol, atol=atol))


def show(value: Any) -> None:
    """Display ``value`` (a table, a frame) in the notebook, or nothing while it is a placeholder."""
    if is_placeholder(value):
        return
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with the notebook stack
        print(value)
    else:
        display(value)


def batch_dimension_hint(got: Any, expected: Any, subject: str = "It") -> str:
    """The sentence for a shape one dimension short of ``expected``; "" when it is not.

    Every check that compares shapes says the same thing when the batch axis is the
    one missing, that is when ``got`` is ``expected`` without its first entry.

    >>> batch_dimension_hint((10, 16), (32, 10, 16), subject="`shape_seq` = (10, 16)")
    '`shape_seq` = (10, 16) is missing the batch dimension at the front: the batch size, 32, comes first.'
    >>> batch_dimension_hint((16, 10), (32, 10, 16))
    'One dimension is missing (the batch dimension?).'
    >>> batch_dimension_hint((32, 10, 16), (32, 10, 16))
    ''

    Args:
        got: the shape given.
        expected: the right shape, batch size first.
        subject: what the sentence is about, e.g. "`shape_last` = (16,)".
    """
    got, expected = tuple(got), tuple(expected)
    if len(got) != len(expected) - 1:
        return ""
    if got != expected[1:]:
        return "One dimension is missing (the batch dimension?)."
    return f"{subject} is missing the batch dimension at the front: the batch size, {expected[0]}, comes first."


def expect_shape(array: np.ndarray, shape: tuple[int, ...], name: str, meaning: str = "") -> None:
    """Raise :class:`Wrong` when ``array.shape`` differs, with a hint for common slips."""
    if array.shape == tuple(shape):
        return
    hint = ""
    if sorted(array.shape) == sorted(shape):
        hint = " The same sizes in another order: check the axis order (transposed?)."
    elif array.size == int(np.prod(shape)):
        hint = " It has the right number of values: you may need a reshape."
    elif array.ndim == len(shape) - 1:
        hint = " " + batch_dimension_hint(array.shape, shape)
    explain = f" ({meaning})" if meaning else ""
    raise Wrong(f"`{name}` has shape {array.shape}, expected {tuple(shape)}{explain}.{hint}")


def expect_close(array: np.ndarray, expected: np.ndarray, name: str, atol: float = 1e-5) -> None:
    """Raise :class:`Wrong` when values differ by more than ``atol`` anywhere."""
    if not np.all(np.isfinite(array)):
        raise Wrong(f"`{name}` contains NaN or infinite values.")
    diff = float(np.max(np.abs(array - expected))) if array.size else 0.0
    if diff > atol:
        raise Wrong(f"`{name}` has the right shape but its values differ from the reference "
                    f"by up to {diff:.3g}.")


def model_shape(model: Any, attribute: str) -> tuple | None:
    """``model.input_shape`` / ``model.output_shape`` as a tuple, or None when it is unknown.

    A model with several inputs gives a tuple of their shapes. Read by
    :func:`helpers.models.model_shape`.
    """
    shape = _declared_shape(model, attribute)
    return tuple(shape) if shape is not None else None


def summary(exercise: str | None = None) -> list[Verdict]:
    """Print and return the latest verdict of every task checked so far."""
    verdicts = [v for (ex, _), v in sorted(_LOG.items()) if exercise in (None, ex)]
    if not verdicts:
        print("No task has been checked yet: run the check cell after each task.")
    done = sum(bool(v) for v in verdicts)
    for verdict in verdicts:
        print(f"  {_ICONS[verdict.status]} task {verdict.task}: {verdict.status}")
    if verdicts:
        print(f"{done} of {len(verdicts)} checked tasks correct.")
    worth = points(exercise) if exercise is not None else {}
    if worth:
        earned = sum(worth.get(v.task, 0.0) for v in verdicts if v)
        print(f"Points: {earned:g} of {sum(worth.values()):g}.")
    return verdicts


def assert_all_correct(exercise: str, tasks: int | None = None) -> None:
    """Raise AssertionError unless tasks 1..``tasks`` of ``exercise`` were all checked correct.

    ``tasks`` defaults to the number of checks registered for ``exercise``.
    Solution notebooks end with this (in a ``solution-only`` cell), so a solution
    that stops passing its own checks fails the test suite.
    """
    if tasks is None:
        tasks = task_count(exercise)
        assert tasks, f"{exercise}: no checks are registered (import its check module first)"
    missing = [t for t in range(1, tasks + 1) if (exercise, t) not in _LOG]
    wrong = [str(_LOG[(exercise, t)]) for t in range(1, tasks + 1)
             if (exercise, t) in _LOG and not _LOG[(exercise, t)]]
    assert not missing, f"{exercise}: tasks never checked: {missing}"
    assert not wrong, f"{exercise}: checks failed on the solution: {wrong}"


def reset() -> None:
    """Forget every logged verdict (used by tests)."""
    _LOG.clear()
