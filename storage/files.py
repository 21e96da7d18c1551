"""Crash-safe file writes: a leaf module (plain Python, no SQLAlchemy) that capture may use.

`write_atomic` leaves either the old file or the new one after a crash, never a mix;
`fsync_dir` makes a rename or a new file in a folder survive a power cut. The blob store
(`storage/blobs.py`), settings, export and the capture side's autostart entries all use them
(docs/adr/006-one-direction-of-dependencies.md).
"""

from __future__ import annotations

import os
from pathlib import Path

#: The library's database file, in the library folder.
DB_NAME = "library.sqlite3"


def fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write `data` to `path` so that a crash leaves either the old file or the new one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
