"""Temporary shim, removed at integration: the module moved to ``tools.nbtools``.

Keeps ``python -m helpers.nbtools ...`` working while other work is in progress.
"""

from tools.nbtools import *  # noqa: F403
from tools.nbtools import main

if __name__ == "__main__":
    raise SystemExit(main())
