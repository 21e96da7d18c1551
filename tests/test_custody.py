"""The custody log and `check`: tampering with history or originals is detected."""

from __future__ import annotations

import os
import sqlite3

from storage.library import Library


def _library_with_history(lib: Library, make_png) -> int:
    p = lib.add_purchase({"title": "Evidence"})
    c = lib.add_capture(make_png(1), source="region", purchase_id=p.id)
    lib.set_note(c.id, "first note")
    lib.set_note(c.id, "second note")
    lib.trash([c.id])
    lib.restore([c.id])
    assert lib.verify_custody() == []
    assert lib.check().ok
    return c.id


def _sql(lib: Library, statement: str, *args: object) -> None:
    con = sqlite3.connect(lib.db_path)
    with con:
        con.execute(statement, args)
    con.close()


def test_an_edited_event_is_detected(lib: Library, make_png) -> None:
    _library_with_history(lib, make_png)
    _sql(
        lib, "UPDATE events SET data = replace(data, 'first note', 'forged note') WHERE kind = 'note_edited'"
    )
    problems = lib.verify_custody()
    assert any("altered" in p for p in problems)
    assert not lib.check().ok


def test_an_event_removed_from_the_middle_is_detected(lib: Library, make_png) -> None:
    _library_with_history(lib, make_png)
    _sql(lib, "DELETE FROM events WHERE kind = 'deleted'")
    assert any("does not follow" in p for p in lib.verify_custody())


def test_the_last_event_removed_is_detected(lib: Library, make_png) -> None:
    _library_with_history(lib, make_png)
    _sql(lib, "DELETE FROM events WHERE id = (SELECT max(id) FROM events)")
    assert any("removed from the end" in p for p in lib.verify_custody())


def test_a_rehashed_forgery_still_breaks_the_next_link(lib: Library, make_png) -> None:
    """Someone who edits an event and recomputes its hash breaks the following event."""
    import json

    from storage.custody import chain_hash, event_payload

    _library_with_history(lib, make_png)
    con = sqlite3.connect(lib.db_path)
    row = con.execute(
        "SELECT id, at, kind, capture_id, purchase_id, data, prev_hash FROM events WHERE kind='note_edited' LIMIT 1"
    ).fetchone()
    data = json.loads(row[5])
    data["new"] = "forged"
    new_hash = chain_hash(row[6], event_payload(row[0], row[1], row[2], row[3], row[4], data))
    with con:
        con.execute("UPDATE events SET data=?, hash=? WHERE id=?", (json.dumps(data), new_hash, row[0]))
    con.close()
    assert any("does not follow" in p for p in lib.verify_custody())


def test_check_finds_a_changed_and_a_missing_original(lib: Library, make_png) -> None:
    cid = _library_with_history(lib, make_png)
    other = lib.add_capture(make_png(2), source="region", purchase_id=None)
    blob = lib.blob_path(lib.get_capture(cid).sha256)
    os.chmod(blob, 0o600)
    data = bytearray(blob.read_bytes())
    data[-20] ^= 0xFF
    blob.write_bytes(bytes(data))
    lib.blob_path(other.sha256).unlink()
    report = lib.check()
    kinds = {(p.kind, p.capture_id) for p in report.problems}
    assert ("hash_mismatch", cid) in kinds
    assert ("missing_blob", other.id) in kinds


def test_check_reports_a_stray_blob(lib: Library, make_png) -> None:
    lib.blobs.put(make_png(5))
    report = lib.check()
    assert [p.kind for p in report.problems] == ["orphan_blob"]


def test_open_with_scan_reports_missing_originals_without_changing_anything(tmp_path, make_png) -> None:
    lib = Library.open(tmp_path / "l")
    c = lib.add_capture(make_png(1), source="region", purchase_id=None)
    lib.close()
    os.chmod(lib.blob_path(c.sha256), 0o600)
    lib.blob_path(c.sha256).unlink()
    again = Library.open(tmp_path / "l", scan=True)
    assert [p.kind for p in again.open_report.problems] == ["missing_blob"]
    assert again.get_capture(c.id).sha256 == c.sha256
