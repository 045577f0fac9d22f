"""Index folders that several processes save into: old files go only once no one can still be about to use them."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path

SETTLED_S = 120.0
"""Unused files are deleted only when older than this: another process saving into the same folder may have
written them for a manifest it has not swapped in yet."""


def remove_unused(folder: Path, in_use: Callable[[str], bool]) -> None:
    """Delete the plain files of `folder` that `in_use` does not claim (by name) and that have settled."""
    settled = time.time() - SETTLED_S
    for path in folder.iterdir():
        if in_use(path.name) or path.name.endswith(".tmp"):
            continue
        with contextlib.suppress(OSError):
            if path.is_file() and path.stat().st_mtime < settled:
                path.unlink()
