"""Telling the kernel that a search reads the database at random.

A search reads a few hundred pages scattered over the database. Linux reads ahead of
what is asked for (here `read_ahead_kb` is 8192), and SQLite's reads of consecutive
documents look sequential enough for it to read megabytes no one asked for: at 100,000
captures a cold search read 2.4 MB median, 5.5 MB p95 from disk for 1.3 MB / 2.4 MB of
pages. `posix_fadvise(POSIX_FADV_RANDOM)` on SQLite's file descriptor turns that off for
the search, and `POSIX_FADV_NORMAL` turns it back on (a full scan such as `check` profits
from reading ahead). SQLite does not expose its descriptor, so it is found by its path in
/proc/self/fd; where that does not exist (not Linux), this does nothing.
(docs/adr/011-search-at-scale.md, docs/benchmarks.md)
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator

_FD_DIR = "/proc/self/fd"


def database_file(con: sqlite3.Connection) -> str | None:
    """The file of `con`'s main database ('' for an in-memory one)."""
    for _seq, name, path in con.execute("PRAGMA database_list"):
        if name == "main":
            return str(path) or None
    return None


def _advise(path: str, advice: int) -> int:
    """Give `advice` for every descriptor of this process open on `path`; how many."""
    n = 0
    try:
        fds = os.listdir(_FD_DIR)
    except OSError:
        return 0
    for fd in fds:
        try:
            if os.readlink(f"{_FD_DIR}/{fd}") == path:
                os.posix_fadvise(int(fd), 0, 0, advice)
                n += 1
        except (OSError, ValueError):
            continue
    return n


@contextlib.contextmanager
def random_reads(con: sqlite3.Connection) -> Iterator[None]:
    """While inside, the kernel does not read ahead of `con`'s database reads."""
    path = database_file(con) if hasattr(os, "posix_fadvise") else None
    if path:
        path = os.path.realpath(path)
        con.execute("PRAGMA schema_version").fetchone()  # SQLite opens its file on first use
    if not path:
        yield
        return
    _advise(path, os.POSIX_FADV_RANDOM)
    try:
        yield
    finally:
        _advise(path, os.POSIX_FADV_NORMAL)
