"""Authoring and publishing tools for the course (not imported by notebooks).

``helpers`` is what notebooks, exercises and solutions import; it imports TensorFlow.
``tools`` is for the people who write and run the course: building and cleaning
notebooks (:mod:`tools.nbtools`), generating exercises (:mod:`tools.exercises`),
running everything headless (:mod:`tools.runner`), rendering the results pages
(:mod:`tools.report`), grading a class (:mod:`tools.grading`) with its gradebook files
(:mod:`tools.lms`) and Gradescope autograder (:mod:`tools.gradescope`).

No module here imports ``helpers``, TensorFlow or Keras, so every command starts in
about the time nbformat takes to import; ``tests/test_tools.py`` keeps it so.
"""

from __future__ import annotations

import sys


class CourseInputError(ValueError):
    """A tool was given input it cannot use; the message says how to fix it.

    The tools' own twin of ``helpers.validation.CourseInputError`` (importing that one
    would import TensorFlow); same name, same base class.
    """


def _import_jsonschema_without_iri_grammar() -> None:
    """Import jsonschema's format checkers without building rfc3987-syntax's IRI parsers.

    nbformat imports jsonschema, whose format module imports ``rfc3987_syntax`` when it
    is installed; that package builds Lark parsers for RFC 3987 at import time, about
    2.5 s of CPU, for the ``iri`` and ``iri-reference`` format checks. nbformat's notebook
    schemas use no ``format`` keyword and nbformat validates without a format checker, so
    the tools skip those two checkers: ``rfc3987_syntax`` is hidden only while
    ``jsonschema._format`` is first imported, then importable again as before.
    """
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        return
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # import -> ImportError
    try:
        import jsonschema._format  # noqa: F401
    except ImportError:  # no jsonschema: nothing to speed up
        pass
    finally:
        del sys.modules["rfc3987_syntax"]


_import_jsonschema_without_iri_grammar()
