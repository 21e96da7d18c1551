"""Libraries written by older schemas open with the current code; newer ones are refused."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from storage.db import head_revision
from storage.errors import LibraryTooNew
from storage.library import Library

DATA = Path(__file__).with_name("data")


def _copy_of(name: str, tmp_path: Path) -> Path:
    dest = tmp_path / name
    shutil.copytree(DATA / name, dest)
    return dest


def _revision(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return str(con.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        con.close()


def test_first_schema_library_is_upgraded_with_a_backup(tmp_path: Path) -> None:
    root = _copy_of("schema-0001", tmp_path)
    before = hashlib.sha256((root / "library.sqlite3").read_bytes()).hexdigest()
    lib = Library.open(root)
    assert _revision(root / "library.sqlite3") == head_revision()
    backup = Path(lib.open_report.backup or "")
    assert backup.is_file() and backup.parent == root / "backups"
    assert _revision(backup) == "0001"
    assert hashlib.sha256(backup.read_bytes()).hexdigest() != "" and before  # copy exists and is readable
    assert lib.open_report.reindexed

    # Everything written by the old schema is there and works with the new code.
    [p] = lib.list_purchases()
    assert (p.title, p.status, p.amount, p.active) == ("乐高积木", "disputed", "157.00", True)
    assert p.merchant is not None and p.merchant.account_id == "tangtang88"
    assert len(lib.list_captures(purchase_id=p.id)) == 2
    assert [h.capture_id for h in lib.search("退款")] == [1]  # OCR text indexed during the upgrade
    assert [h.capture_id for h in lib.search("七天")] == [2]  # notes too
    assert len(lib.search("糖糖的小店")) == 2  # and merchant fields
    assert lib.check().ok
    assert lib.captures_needing_ocr() == [2]


def test_library_from_a_newer_app_is_refused_unchanged(tmp_path: Path) -> None:
    root = _copy_of("schema-0001", tmp_path)
    db = root / "library.sqlite3"
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.close()
    before = db.read_bytes()
    with pytest.raises(LibraryTooNew, match="newer version of Proofshot"):
        Library.open(root)
    assert db.read_bytes() == before
    assert not any((root / "backups").glob("*")) if (root / "backups").exists() else True


def test_current_library_opens_without_migrating(tmp_path: Path) -> None:
    Library.open(tmp_path / "l").close()
    again = Library.open(tmp_path / "l")
    assert again.open_report.backup is None and not again.open_report.reindexed


def test_schema_head_constant_matches_the_migrations() -> None:
    from storage.db import SCHEMA_HEAD

    assert head_revision() == SCHEMA_HEAD
