"""What changed in a library since the last look, whoever changed it.

The tray app, its library window, a second window and the command line all write the
same SQLite file. Views must show the library as it is now, so they need one way to
learn about every change, not a refresh call after each action they happen to know of.

`ChangeWatcher` keeps its own connection to the database and polls SQLite's
`PRAGMA data_version`, which changes whenever *another* connection commits: since the
watcher never writes, that is every commit, this process's included. Polling it costs
a read of the shared-memory WAL index, no disk I/O, so a view can ask a few times a
second. When it changed, the custody events appended since the last look say what
changed (every change to captures and purchases appends one in the same transaction);
a change that appended none (the active purchase is a setting) is reported too, as a
change with no events.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

#: Events that change what a capture shows (its text, its note), not where it is.
CONTENT_KINDS = frozenset(
    {"ocr_done", "ocr_redone", "ocr_failed", "ocr_unavailable", "note_edited", "timestamped"}
)
#: Events that change nothing a view shows.
SILENT_KINDS = frozenset({"exported"})


@dataclass(frozen=True)
class Change:
    """Custody events appended since the last poll, summarised for views."""

    kinds: frozenset[str] = field(default_factory=frozenset)
    capture_ids: frozenset[int] = field(default_factory=frozenset)
    purchase_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def only_content(self) -> bool:
        """True when only the text or notes of existing captures changed (or nothing a
        view shows), so a view can update those rows in place instead of reloading."""
        return self.kinds <= CONTENT_KINDS | SILENT_KINDS

    @property
    def silent(self) -> bool:
        """True when nothing changed that a view shows (an export was recorded)."""
        return bool(self.kinds) and self.kinds <= SILENT_KINDS


class ChangeWatcher:
    """Polls one library database for commits by anyone. Not thread-safe: one owner."""

    def __init__(self, db_path: Path | str) -> None:
        self._conn: sqlite3.Connection | None = sqlite3.connect(
            str(db_path), isolation_level=None, check_same_thread=False, timeout=5
        )
        self._conn.execute("PRAGMA query_only=ON")
        self._version = self._data_version()
        self._last_event = self._max_event_id()

    def _data_version(self) -> int:
        assert self._conn is not None
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _max_event_id(self) -> int:
        assert self._conn is not None
        return int(self._conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])

    def poll(self) -> Change | None:
        """None when nothing was committed since the last call, else what changed."""
        if self._conn is None:
            return None
        try:
            version = self._data_version()
            if version == self._version:
                return None
            rows = self._conn.execute(
                "SELECT id, kind, capture_id, purchase_id FROM events WHERE id > ? ORDER BY id",
                (self._last_event,),
            ).fetchall()
        except sqlite3.OperationalError:
            # Locked or busy for longer than the timeout: look again at the next poll.
            return None
        self._version = version
        if rows:
            self._last_event = int(rows[-1][0])
        return Change(
            kinds=frozenset(str(r[1]) for r in rows),
            capture_ids=frozenset(int(r[2]) for r in rows if r[2] is not None),
            purchase_ids=frozenset(int(r[3]) for r in rows if r[3] is not None),
        )

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
