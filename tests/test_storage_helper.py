"""The storage helper process and its client (storage.helper, storage.remote; ADR 012):
the tray app's library calls answered by a process that exits when idle, so the tray
never loads SQLAlchemy. Real processes, real SQLite files."""

from __future__ import annotations

import inspect
import io
import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from storage.errors import LibraryUnavailable, NoteChanged, NotFound, StorageProcessFailed
from storage.helper import METHODS, decode_error, encode_error
from storage.library import Library
from storage.remote import RemoteLibrary
from storage.targets import ACTIVE, INBOX

from .wayland import alive

ROOT = Path(__file__).resolve().parent.parent


def png(color: str = "white", size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def wait_for(condition: Callable[[], object], what: str, timeout: float = 60.0) -> None:
    """Wait for a condition (a hang guard, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[RemoteLibrary]:
    lib = RemoteLibrary.open(tmp_path / "lib", scan=True)
    yield lib
    lib.close()


def test_every_public_library_method_is_answered_by_the_helper_or_the_client() -> None:
    public = {
        name
        for name, value in inspect.getmembers(Library)
        if not name.startswith("_") and (inspect.isfunction(value) or inspect.ismethod(value))
    }
    client_side = {"open", "close", "watch", "blob_path", "local", "local_ready", "prewarm", "bulk_add"}
    assert METHODS | client_side == public
    assert not METHODS & client_side


def test_active_keeps_its_identity_across_a_pipe() -> None:
    assert pickle.loads(pickle.dumps(ACTIVE)) is ACTIVE


def test_calls_are_answered_by_the_helper_with_the_librarys_own_records_and_errors(
    remote: RemoteLibrary,
) -> None:
    assert remote.helper_pid is not None and remote.helper_pid != os.getpid()
    p = remote.add_purchase({"title": "Shoes"})
    remote.set_active_purchase(p.id)
    rec = remote.add_capture(png(), source="region", purchase_id=ACTIVE, encoded_here=True)
    assert rec.purchase_id == p.id
    # The original is in the blob store, byte for byte, read here without the helper.
    assert remote.blobs.read(rec.sha256) == png()
    assert remote.blob_path(rec.sha256).is_file()
    assert remote.read_capture_bytes(rec.id) == png()
    # One-shot iterables cross the pipe.
    assert [r.id for r in remote.trash(iter([rec.id]))] == [rec.id]
    assert [r.id for r in remote.restore({rec.id: 1}.keys())] == [rec.id]

    with pytest.raises(NotFound, match="no capture 999"):
        remote.get_capture(999)
    remote.set_note(rec.id, "seller promised a refund")
    with pytest.raises(NoteChanged) as caught:
        remote.set_note(rec.id, "typed here", expected="an older note")
    assert caught.value.capture_id == rec.id and caught.value.current == "seller promised a refund"
    # A method the helper does not serve is refused here.
    with pytest.raises(AttributeError):
        remote.__getattr__("_tx")

    # The same library, opened in this process, sees exactly what the helper wrote.
    with Library.open(remote.root) as lib:
        assert lib.get_capture(rec.id).note == "seller promised a refund"
        assert lib.verify_custody() == []
        assert [c.id for c in lib.list_captures(purchase_id=p.id)] == [rec.id]
        assert lib.list_captures(purchase_id=INBOX) == []


def test_errors_of_unknown_classes_arrive_as_storage_bugs() -> None:
    class Odd(Exception):
        pass

    err = decode_error(encode_error(Odd("broken")))
    assert type(err).__name__ == "StorageBug" and "Odd: broken" in str(err)
    err = decode_error(encode_error(ValueError("bad value")))
    assert isinstance(err, ValueError) and str(err) == "bad value"


def test_a_library_that_cannot_be_opened_says_why(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    with pytest.raises(LibraryUnavailable, match="is a file, not a folder"):
        RemoteLibrary.open(not_a_folder)


def test_the_helper_exits_when_idle_and_starts_again_on_the_next_call(tmp_path: Path) -> None:
    lib = RemoteLibrary.open(tmp_path / "lib", idle_seconds=0.3)
    try:
        first = lib.helper_pid
        assert first is not None
        wait_for(lambda: lib.helper_pid is None, "the idle helper to exit")
        assert not alive(first)
        rec = lib.add_capture(png("red"), source="region", purchase_id=None, encoded_here=True)
        assert lib.starts == 2
        assert lib.get_capture(rec.id).sha256 == rec.sha256
    finally:
        lib.close()


def test_a_helper_killed_between_calls_is_replaced(remote: RemoteLibrary) -> None:
    pid = remote.helper_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: remote.helper_pid is None, "the killed helper to be seen gone")
    # Nothing was sent to it: the call goes to a fresh helper.
    assert remote.count_captures()["all"] == 0
    assert remote.starts == 2
    assert remote.helper_pid not in (None, pid)


FAKE_HELPER = textwrap.dedent(
    """
    import os, pickle, sys
    sys.path.insert(0, {root!r})
    from storage.pipes import read_message_blocking, write_message
    from storage.records import OpenReport
    out = sys.stdout.buffer
    write_message(out, pickle.dumps(("ok", {{"open_report": OpenReport(None, (), (), False), "pid": os.getpid()}})))
    out.flush()
    read_message_blocking(sys.stdin.buffer)
    os._exit(3)  # dies while answering
    """
)


def test_a_helper_that_dies_during_a_call_fails_that_call_only(tmp_path: Path) -> None:
    script = tmp_path / "fake_helper.py"
    script.write_text(FAKE_HELPER.format(root=str(ROOT)))
    lib = RemoteLibrary(tmp_path / "lib", command=[sys.executable, str(script)])
    try:
        with pytest.raises(StorageProcessFailed, match="exit status 3"):
            lib.add_capture(png(), source="region", purchase_id=None, encoded_here=True)
        assert lib.starts == 1  # a write is never sent twice
        with pytest.raises(StorageProcessFailed):
            lib.count_captures()
        assert lib.starts == 2
    finally:
        lib.close()


def test_the_purchase_menu_is_answered_without_starting_the_helper_until_something_changes(
    tmp_path: Path,
) -> None:
    lib = RemoteLibrary.open(tmp_path / "lib", idle_seconds=0.3)
    try:
        lib.add_purchase({"title": "Phone case"})
        assert [p.title for p in lib.list_purchases()] == ["Phone case"]
        wait_for(lambda: lib.helper_pid is None, "the idle helper to exit")
        items = lib.list_purchases()
        assert [p.title for p in items] == ["Phone case"] and lib.starts == 1
        items.clear()  # callers get their own list
        assert len(lib.list_purchases()) == 1
        # Another process (the command line, the library window) changes the library.
        with Library.open(lib.root) as other:
            other.add_purchase({"title": "Lamp"})
        assert sorted(p.title for p in lib.list_purchases()) == ["Lamp", "Phone case"]
        assert lib.starts == 2
    finally:
        lib.close()


def test_local_opens_the_library_in_this_process_and_stops_the_helper(remote: RemoteLibrary) -> None:
    rec = remote.add_capture(png(), source="region", purchase_id=None, encoded_here=True)
    pid = remote.helper_pid
    assert pid is not None
    assert not remote.local_ready()
    local = remote.local()
    assert isinstance(local, Library) and remote.local() is local and remote.local_ready()
    wait_for(lambda: not alive(pid), "the helper to stop")
    assert remote.helper_pid is None
    assert remote.get_capture(rec.id).id == rec.id  # answered in this process now
    assert remote.starts == 1


CLIENT = textwrap.dedent(
    """
    import io, json, sys
    from PIL import Image
    from storage.remote import RemoteLibrary
    from storage.targets import ACTIVE
    lib = RemoteLibrary.open(sys.argv[1], scan=True)
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buf, "PNG")
    p = lib.add_purchase({"title": "Desk"})
    lib.set_active_purchase(p.id)
    rec = lib.add_capture(buf.getvalue(), source="region", purchase_id=ACTIVE, encoded_here=True)
    lib.move_captures([rec.id], None)
    print(json.dumps({"helper": lib.helper_pid, "sqlalchemy": "sqlalchemy" in sys.modules,
                      "library": "storage.library" in sys.modules, "titles": [x.title for x in lib.list_purchases()]}))
    sys.stdout.flush()
    if sys.argv[2] == "die":
        import os
        os._exit(9)  # the app is killed: the helper must not outlive it
    lib.close()
    """
)


def run_client(library: Path, how: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", CLIENT, str(library), how],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.stdout, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return result


def test_the_client_process_never_loads_sqlalchemy(tmp_path: Path) -> None:
    result = run_client(tmp_path / "lib", "close")
    assert result["sqlalchemy"] is False and result["library"] is False
    assert result["titles"] == ["Desk"]


def test_the_helper_does_not_outlive_a_killed_app(tmp_path: Path) -> None:
    result = run_client(tmp_path / "lib", "die")
    pid = result["helper"]
    assert isinstance(pid, int)
    wait_for(lambda: not alive(pid), "the helper to exit after its app died")
    with Library.open(tmp_path / "lib") as lib:  # what it had committed is there, whole
        assert lib.count_captures()["inbox"] == 1
        assert lib.verify_custody() == []
