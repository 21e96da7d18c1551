"""The command line reaches the running app over a plain Unix socket (no Qt loaded)."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from gui.instance_client import plain_sockets, send_request, socket_path

pytestmark = pytest.mark.skipif(not plain_sockets(), reason="the app's server is a named pipe here")


def test_no_app_and_a_socket_left_by_a_crashed_app_both_mean_not_running(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    library = tmp_path / "lib"
    assert send_request(library, {"cmd": "status"}, 2) is None
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(socket_path(library)))  # bound, never listening: what a crash leaves
    stale.close()
    assert send_request(library, {"cmd": "status"}, 2) is None


def test_the_real_server_answers_the_plain_client(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    from gui.single_instance import InstanceServer

    library = tmp_path / "lib"
    server = InstanceServer(library)
    assert server.listen()
    server.request_received.connect(lambda request, respond: respond({"ok": True, "echo": request["cmd"]}))
    replies: list[object] = []
    worker = threading.Thread(target=lambda: replies.append(send_request(library, {"cmd": "状态"}, 10)))
    worker.start()
    qtbot.waitUntil(lambda: replies != [], timeout=10000)
    worker.join()
    assert replies == [{"ok": True, "echo": "状态"}]
    server.close()
