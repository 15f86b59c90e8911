"""Reading what a Keras model declares about itself, without calling it.

The training loop, the forecasters and the exercise checks all need a model's
input or output shape to explain a mismatch before Keras raises a long traceback.
They read it here, so a model that is not built yet, a subclassed model or a
model with several inputs is handled the same way everywhere.

>>> import keras
>>> model = keras.Sequential([keras.Input(shape=(12, 1)), keras.layers.Dense(3)])
>>> model_shape(model), model_shape(model, "output_shape")
((None, 12, 1), (None, 12, 3))
>>> model_shape(keras.Sequential()) is None   # not built: no declared shape
True
"""

from __future__ import annotations

from typing import Any

__all__ = ["model_shape"]

Shape = tuple[Any, ...]


def model_shape(model: Any, attribute: str = "input_shape", *, single: bool = False) -> Shape | list[Any] | None:
    """A model's declared ``input_shape`` or ``output_shape``, or None when it has none.

    Not used in a notebook; fit(), the forecasters and the exercise checks read shapes with it.

    Keras gives one tuple such as ``(None, 12, 1)`` (batch axis first) for a model with
    one input, and a list of tuples for a model with several. A model that is not built
    yet, a subclassed model without a declared input, or something that is not a model
    at all has no shape: the answer is None instead of an exception.

    >>> class TwoInputs:
    ...     input_shape = [(None, 12, 1), (None, 4)]
    >>> model_shape(TwoInputs())
    [(None, 12, 1), (None, 4)]
    >>> class OneInputInAList:
    ...     input_shape = [(None, 12, 1)]
    >>> model_shape(OneInputInAList(), single=True)
    (None, 12, 1)
    >>> model_shape("not a model") is None
    True

    Args:
        model: a Keras model (anything else gives None).
        attribute: ``"input_shape"`` or ``"output_shape"``; any other name is refused
            with a CourseInputError (a typo must not read as "no shape").
        single: unwrap a list holding one shape into that shape (a model built with
            ``inputs=[x]``); a list of several shapes stays a list.

    Returns:
        A tuple for one input (output), a list for several, or None when unknown.
    """
    if attribute not in ("input_shape", "output_shape"):
        from helpers.validation import CourseInputError

        raise CourseInputError(
            f"model_shape() reads 'input_shape' or 'output_shape', got {attribute!r}; a "
            "misspelt name would look like a model without a shape and skip every check.")
    try:
        shape = getattr(model, attribute)
    except (AttributeError, ValueError, RuntimeError):  # not built, or no declared shape
        return None
    if isinstance(shape, list):
        if single and len(shape) == 1:
            return tuple(shape[0]) if shape[0] is not None else None
        return list(shape)
    return tuple(shape) if isinstance(shape, tuple) else None
