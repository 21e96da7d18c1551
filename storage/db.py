"""Database engines and schema migrations for one library.

Two engines share the SQLite file: writes start with BEGIN IMMEDIATE, so two
writers (the tray app and a command line) queue on SQLite's lock instead of failing
half-way; reads use ordinary deferred transactions and never block writers (WAL).
Migrations are alembic revisions shipped inside this package and applied at open,
after the database has been copied aside.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from .errors import LibraryTooNew, LibraryUnavailable

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
#: The newest revision in migrations/versions (a test keeps it equal to alembic's head).
#: Knowing it without loading alembic keeps every command's start-up quick when the
#: library is already up to date, which is nearly always.
SCHEMA_HEAD = "0006"
BUSY_TIMEOUT_MS = 15000

#: Opens one transaction and yields its session (Library._tx writes, Library._ro reads);
#: given to the storage functions that need more than one (recovery, the integrity check).
Transaction = Callable[[], AbstractContextManager[Session]]


def _make_engine(db_path: Path, immediate: bool) -> Engine:
    engine = create_engine(f"sqlite:///{db_path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event emit BEGIN, not the sqlite3 module.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_engines(db_path: Path) -> tuple[Engine, Engine]:
    """Return (write_engine, read_engine) for the database at `db_path`."""
    return _make_engine(db_path, immediate=True), _make_engine(db_path, immediate=False)


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def peek_revision(db_path: Path) -> str | None:
    """The schema revision of an existing database, read without changing a byte of it
    (the engines would switch it to WAL mode on connect)."""
    if not db_path.exists():
        return None
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            return None
        raise LibraryUnavailable(f"the library database {db_path} cannot be read ({exc})") from None
    finally:
        con.close()
    return str(row[0]) if row else None


def backup_database(db_path: Path, backups: Path, label: str) -> Path:
    """Copy the database aside with SQLite's backup API (consistent even in WAL mode)."""
    backups.mkdir(mode=0o700, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    dest = backups / f"library-{stamp}-before-{label}.sqlite3"
    n = 1
    while dest.exists():
        n += 1
        dest = backups / f"library-{stamp}-before-{label}-{n}.sqlite3"
    src = sqlite3.connect(db_path)
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    dest.chmod(0o600)
    return dest


def migrate(engine: Engine, db_path: Path, backups: Path) -> str | None:
    """Bring the database to the newest schema. Returns the backup path made, if any.

    Raises LibraryTooNew when the database was written by a newer Proofshot.
    """
    peeked = peek_revision(db_path)
    if peeked == SCHEMA_HEAD:
        return None
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config()
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head()
    known = {rev.revision for rev in script.walk_revisions()}
    if peeked is not None and peeked not in known:
        raise LibraryTooNew(
            f"the library at {db_path.parent} was written by a newer version of Proofshot "
            f"(schema {peeked}); update Proofshot to open it. Nothing was changed."
        )
    try:
        current = current_revision(engine)
    except OperationalError as exc:
        raise LibraryUnavailable(f"cannot read the library database {db_path}: {exc.orig}") from None
    if current == head:
        return None
    backup: Path | None = None
    if current is not None:
        backup = backup_database(db_path, backups, f"schema-{head}")
        log.info("library schema %s -> %s; backup at %s", current, head, backup)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return str(backup) if backup else None
