"""Attempt tables: what a student might submit for a task, and the verdict a teacher would give.

The tests describe every task with a table of :class:`Attempt` rows: valid
alternative answers (``VALID``), realistic mistakes (``MISTAKE``) and junk
(``JUNK``). :func:`judge` runs one row and returns what went wrong, so a test can
fail on any misjudgement, and :func:`counts` tells how well a table covers its
tasks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from helpers.checks import CORRECT, NOT_ATTEMPTED, WRONG, Verdict

VALID, MISTAKE, JUNK = "valid", "mistake", "junk"
_EXPECTED = {VALID: (CORRECT,), MISTAKE: (WRONG,), JUNK: (WRONG, NOT_ATTEMPTED)}


@dataclass(frozen=True)
class Attempt:
    """One submission for one task, and the verdict it deserves.

    ``run`` calls the check with the student's objects and returns its verdict.
    ``hint`` (optional) is a piece of text the check's message must contain, so a
    mistake is not only rejected but explained. ``status`` overrides the verdict
    expected from ``kind`` (for instance ``not attempted`` for a placeholder).
    """

    task: int
    kind: str
    label: str
    run: Callable[[], Verdict]
    hint: str | None = None
    status: str | None = None
    tags: tuple[str, ...] = field(default=())

    @property
    def id(self) -> str:
        return f"t{self.task}-{self.kind}-{self.label}"


def judge(attempt: Attempt) -> str | None:
    """Run ``attempt``; return a description of the misjudgement, or None when judged right."""
    verdict = attempt.run()
    if not isinstance(verdict, Verdict):
        return f"the check returned {verdict!r}, not a Verdict"
    wanted = (attempt.status,) if attempt.status else _EXPECTED[attempt.kind]
    if verdict.status not in wanted:
        return f"expected {' or '.join(wanted)}, got {verdict.status}: {verdict.message}"
    if verdict.task != attempt.task:
        return f"the verdict is for task {verdict.task}, not {attempt.task}"
    if attempt.hint and attempt.hint.lower() not in verdict.message.lower():
        return f"the hint should mention {attempt.hint!r}: {verdict.message}"
    if "\x1b[" in verdict.message:
        return f"the message contains terminal colour codes: {verdict.message!r}"
    return None


def counts(table: Iterable[Attempt]) -> dict[int, dict[str, int]]:
    """``{task: {"valid": n, "mistake": n, "junk": n}}`` for a table."""
    tally: dict[int, Counter[str]] = {}
    for attempt in table:
        tally.setdefault(attempt.task, Counter())[attempt.kind] += 1
    return {task: {kind: tally[task][kind] for kind in (VALID, MISTAKE, JUNK)}
            for task in sorted(tally)}


def too_thin(table: Iterable[Attempt], valid: int = 3, mistake: int = 4,
             junk: int = 3) -> dict[int, dict[str, int]]:
    """The tasks whose table has fewer rows of some kind than asked (empty when all is well)."""
    need = {VALID: valid, MISTAKE: mistake, JUNK: junk}
    return {task: row for task, row in counts(table).items()
            if any(row[kind] < need[kind] for kind in need)}


def ids(table: Iterable[Any]) -> list[str]:
    """Test ids for ``pytest.mark.parametrize``."""
    return [attempt.id for attempt in table]
