"""`check` only reads: a stale search index is reported, never rebuilt behind the user's
back; `Library.reindex()` (`main.py check --repair`) is the explicit rebuild."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage.library import DB_NAME, Library


def _sql(db: Path, statement: str, *args: object) -> None:
    con = sqlite3.connect(db)
    with con:
        con.execute(statement, args)
    con.close()


def _files(root: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and modification time of the database and its WAL (when there is one)."""
    out = {}
    for name in (DB_NAME, DB_NAME + "-wal"):
        path = root / name
        if path.exists():
            out[name] = (path.read_bytes(), path.stat().st_mtime_ns)
    return out


def _library_with_a_stale_index(lib: Library, make_png) -> tuple[int, int]:
    p = lib.add_purchase({"title": "退款的耳机"})
    kept = lib.add_capture(make_png(1), source="region", purchase_id=p.id, note="退款凭证")
    dropped = lib.add_capture(make_png(2), source="region", purchase_id=p.id, note="发货记录")
    assert lib.check().ok
    # The index loses a capture's document (as a crash of an older version could leave it).
    _sql(lib.db_path, "DELETE FROM search_doc WHERE capture_id = ?", dropped.id)
    return kept.id, dropped.id


def test_check_reports_a_stale_index_and_writes_nothing(lib: Library, make_png) -> None:
    _, dropped = _library_with_a_stale_index(lib, make_png)
    watcher = lib.watch()
    before = _files(lib.root)
    report = lib.check()
    assert [p.kind for p in report.problems] == ["search_index"]
    [problem] = report.problems
    assert "covers 1 of 2 captures" in problem.message
    assert "main.py check --repair" in problem.message
    assert watcher.poll() is None, "check committed something"
    assert _files(lib.root) == before
    # Checking again finds the same: nothing was repaired behind the user's back.
    assert [p.kind for p in lib.check().problems] == ["search_index"]
    watcher.close()


def test_reindex_rebuilds_the_index(lib: Library, make_png) -> None:
    kept, dropped = _library_with_a_stale_index(lib, make_png)
    assert [h.capture_id for h in lib.search("退款")] == [kept]
    assert lib.reindex() == 2
    assert lib.check().ok
    assert sorted(h.capture_id for h in lib.search("退款")) == sorted([kept, dropped])  # the purchase title
    assert [h.capture_id for h in lib.search("发货")] == [dropped]


def test_check_reports_documents_of_captures_that_are_gone(lib: Library, make_png) -> None:
    c = lib.add_capture(make_png(1), source="region", purchase_id=None)
    _sql(lib.db_path, "INSERT INTO search_doc(capture_id, body) VALUES(?, 'ghost')", c.id + 100)
    [problem] = lib.check().problems
    assert problem.kind == "search_index" and "1 document(s) of captures that are gone" in problem.message
    lib.reindex()
    assert lib.check().ok


def test_check_reports_an_index_built_for_another_version(lib: Library, make_png) -> None:
    lib.add_capture(make_png(1), source="region", purchase_id=None)
    lib.set_setting("search_normalizer", "0.old")
    [problem] = lib.check().problems
    assert problem.kind == "search_index" and "another version" in problem.message
    lib.reindex()
    assert lib.check().ok


def test_check_command_reads_only_and_check_repair_rebuilds(cli, make_png) -> None:
    with Library.open(cli.library) as lib:
        kept, dropped = _library_with_a_stale_index(lib, make_png)
    before = _files(cli.library)

    proc = cli.run("check", check=False)
    assert proc.returncode == 1
    assert "main.py check --repair" in proc.stdout
    assert _files(cli.library) == before, "main.py check changed the database"

    report = cli.json("check", "--repair")
    assert (report["ok"], report["problems"], report["repaired"]) == (True, [], ["search_index"])
    report = cli.json("check")
    assert (report["ok"], report["problems"], "repaired" in report) == (True, [], False)
    # Nothing left to repair: --repair repairs nothing.
    assert cli.json("check", "--repair")["repaired"] == []
    with Library.open(cli.library) as lib:
        assert [h.capture_id for h in lib.search("发货")] == [dropped]


def test_check_repair_says_what_it_did(cli, make_png) -> None:
    with Library.open(cli.library) as lib:
        _library_with_a_stale_index(lib, make_png)
    out = cli.run("check", "--repair").stdout
    assert "The search index was rebuilt." in out
    assert "problem:" not in out
