"""A process killed at any point while keeping a capture loses nothing and duplicates nothing."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from storage.library import Library

from .conftest import ROOT

CHILD = textwrap.dedent(
    """
    import io, os, signal, sys, pathlib
    from PIL import Image
    from storage.library import Library
    lib = Library.open(sys.argv[1])
    where = sys.argv[2]
    def die(*a, **k):
        os.kill(os.getpid(), signal.SIGKILL)
    if where == "after_blob":
        real_put = lib.blobs.put
        def put(data, sha=None):
            real_put(data, sha)
            die()
        lib.blobs.put = put
    elif where == "in_transaction":
        import storage.custody_log  # the capture's custody event is appended inside its transaction
        storage.custody_log.append_events = die
    elif where == "after_commit":
        real_unlink = pathlib.Path.unlink
        def unlink(self, *a, **k):
            if self.parent.name == "journal":
                die()
            return real_unlink(self, *a, **k)
        pathlib.Path.unlink = unlink
    elif where == "during_blob_write":
        real_fsync = os.fsync
        calls = []
        def fsync(fd):
            calls.append(fd)
            if len(calls) == 3:  # journal file, journal dir, then the blob's temp file
                die()
            return real_fsync(fd)
        os.fsync = fsync
    img = Image.new("RGB", (120, 80), (10, 200, 30))
    buf = io.BytesIO(); img.save(buf, "PNG")
    lib.add_capture(buf.getvalue(), source="region", purchase_id=None, note="kept through a crash")
    print("survived")
    """
)


def _run_child(library: Path, where: str) -> int:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(library), where],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert "survived" not in proc.stdout, proc.stderr
    return proc.returncode


@pytest.mark.parametrize("where", ["after_blob", "in_transaction"])
def test_killed_before_commit_the_capture_is_adopted_into_the_inbox(tmp_path: Path, where: str) -> None:
    library = tmp_path / "lib"
    assert _run_child(library, where) == -9
    assert list((library / "journal").glob("*.json")), "the interrupted capture left its journal entry"
    lib = Library.open(library)
    [rec] = lib.list_captures()
    assert lib.open_report.recovered == (rec.id,)
    assert rec.purchase_id is None and "recovered" in rec.flags and rec.note == "kept through a crash"
    assert lib.read_capture_bytes(rec.id)[:8] == b"\x89PNG\r\n\x1a\n"
    assert [e.kind for e in lib.events(capture_id=rec.id)] == ["recovered"]
    assert lib.check().ok
    assert not list((library / "journal").glob("*.json"))
    # Opening again adopts nothing twice.
    assert Library.open(library).open_report.recovered == ()
    assert len(Library.open(library).list_captures()) == 1


def test_killed_after_commit_keeps_exactly_one_capture(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    assert _run_child(library, "after_commit") == -9
    lib = Library.open(library)
    [rec] = lib.list_captures()
    assert lib.open_report.recovered == ()
    assert "recovered" not in rec.flags
    assert lib.check().ok


def test_killed_while_writing_the_blob_keeps_nothing_half_written(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    assert _run_child(library, "during_blob_write") == -9
    lib = Library.open(library)
    assert lib.list_captures() == []
    assert list(lib.blobs.iter_shas()) == []
    assert lib.check().ok


def test_a_capture_in_flight_in_another_process_is_left_alone(tmp_path: Path, make_png) -> None:
    lib = Library.open(tmp_path / "lib")
    data = make_png(1)
    sha = lib.blobs.put(data)
    entry = lib.journal / f"{sha}.abcd.json"
    entry.write_text(f'{{"sha256": "{sha}", "captured_at": "2026-11-28T00:00:00.000000Z"}}')
    fd = os.open(entry, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as the writing process holds it
    try:
        assert Library.open(tmp_path / "lib").open_report.recovered == ()
        assert entry.exists()
    finally:
        os.close(fd)
    assert len(Library.open(tmp_path / "lib").open_report.recovered) == 1


def test_a_stray_blob_is_adopted_by_the_app_but_a_purged_one_is_removed(tmp_path: Path, make_png) -> None:
    lib = Library.open(tmp_path / "lib")
    stray = lib.blobs.put(make_png(7))  # e.g. left by an older version's crash
    c = lib.add_capture(make_png(8), source="region", purchase_id=None)
    lib.trash([c.id])
    lib.empty_trash()
    lib.blobs.put(make_png(8))  # as if the crash came between the commit and removing the file
    assert {p.kind for p in lib.check().problems} == {"orphan_blob"}
    again = Library.open(tmp_path / "lib", scan=True)
    [adopted] = again.open_report.recovered
    assert again.get_capture(adopted).sha256 == stray and "recovered" in again.get_capture(adopted).flags
    assert not again.blobs.exists(c.sha256)
    assert again.check().ok
