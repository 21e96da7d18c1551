"""Libraries as an older Proofshot left them, for upgrade tests: the committed test library
of schema 0001 (tests/data/schema-0001) upgraded by the real migrations to `revision` only."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from storage.db import alembic_config

DATA = Path(__file__).with_name("data")


def library_at(tmp_path: Path, revision: str) -> Path:
    """A copy of the 0001 test library in `tmp_path / "lib"`, upgraded to `revision`."""
    from alembic import command
    from sqlalchemy import create_engine

    root = tmp_path / "lib"
    shutil.copytree(DATA / "schema-0001", root)
    engine = create_engine(f"sqlite:///{root / 'library.sqlite3'}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()
    assert schema_version(root) == revision
    return root


def schema_version(root: Path) -> str:
    con = sqlite3.connect(root / "library.sqlite3")
    try:
        return str(con.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        con.close()


def capture_columns(root: Path) -> set[str]:
    """The columns of the `captures` table of the library at `root`."""
    con = sqlite3.connect(root / "library.sqlite3")
    try:
        return {r[1] for r in con.execute("PRAGMA table_info(captures)")}
    finally:
        con.close()
