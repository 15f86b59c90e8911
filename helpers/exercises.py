"""Temporary shim, removed at integration: the module moved to ``tools.exercises``.

Keeps ``python -m helpers.exercises ...`` working while other work is in progress.
"""

from tools.exercises import *  # noqa: F403
from tools.exercises import main

if __name__ == "__main__":
    raise SystemExit(main())
