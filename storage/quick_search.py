"""Searching a library without opening it: `main.py search`'s fast path.

`Library.open` brings SQLAlchemy (about 0.3 s of imports), migrates, rebuilds a stale
search index and recovers interrupted captures. A search needs none of that when the
library is already as this version wants it, which is nearly always: then this module
answers on a plain sqlite3 connection, in one read transaction, with the same code as
`Library.search` (storage.searching). When anything is due (no database yet, another
schema, an index built by another version, a capture in the journal), it returns None and
the caller opens the library, which does what is due. Nothing here writes.
(docs/adr/011-search-at-scale.md)
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from .files import DB_NAME
from .records import SearchHit
from .searching import INDEX_VERSION, Filters, ParsedQuery, find

#: storage.state.SEARCH_INDEX_VERSION, storage.db.BUSY_TIMEOUT_MS (those modules import
#: SQLAlchemy; a test keeps these equal).
INDEX_VERSION_KEY = "search_normalizer"
BUSY_TIMEOUT_S = 15.0

_VERSIONS = Path(__file__).with_name("migrations") / "versions"
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


def schema_head() -> str | None:
    """The newest schema revision this version ships: the highest NNNN of the migration
    files NNNN_name.py (their revision ids; a test keeps it equal to storage.db.SCHEMA_HEAD)."""
    revs = [m.group(1) for p in _VERSIONS.iterdir() if (m := _REVISION_FILE.match(p.name))]
    return max(revs) if revs else None


def search(root: Path | str, parsed: ParsedQuery, filters: Filters, limit: int) -> list[SearchHit] | None:
    """The hits `Library.open(root).search(...)` would give, or None when the library
    needs opening first (it does not exist, its schema or search index is not this
    version's, or the journal holds a capture to recover)."""
    root = Path(root).expanduser().absolute()
    db = root / DB_NAME
    if not db.is_file():
        return None
    journal = root / "journal"
    if journal.is_dir() and any(journal.glob("*.json")):
        return None
    try:
        con = sqlite3.connect(f"file:{db}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        con.execute("PRAGMA query_only=ON")
        con.execute("BEGIN")
        try:
            rev = con.execute("SELECT version_num FROM alembic_version").fetchone()
            ver = con.execute("SELECT value FROM settings WHERE key = ?", (INDEX_VERSION_KEY,)).fetchone()
            if con.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                return None
        except sqlite3.DatabaseError:
            return None  # not a library this version knows: Library.open explains
        if rev is None or rev[0] != schema_head() or ver is None or ver[0] != INDEX_VERSION:
            return None
        hits = find(con, parsed, filters, limit)
        con.execute("COMMIT")
        return hits
    finally:
        con.close()
