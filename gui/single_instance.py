"""One running app per library, reachable from other processes.

The server name is derived from the library's path, so two libraries never collide.
A second process sends one JSON request per connection and reads one JSON reply:
`{"cmd": "show"}`, `{"cmd": "status"}`, `{"cmd": "capture", ...}`, `{"cmd": "quit"}`.
A socket left by a crashed instance is noticed (nobody answers) and replaced.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from .instance_client import parse_reply, server_name

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 1000
MAX_REQUEST_BYTES = 64 * 1024

#: A request or reply: a JSON object. Its values are whatever JSON holds, so they are Any.
Message = dict[str, Any]
#: Answers one request; only the first answer is sent.
Responder = Callable[[Message], None]


def send_request(library: Path, request: Message, timeout_ms: int = 30000) -> Message | None:
    """Send `request` to the instance running for `library`; None when none is running."""
    sock = QLocalSocket()
    sock.connectToServer(server_name(library))
    if not sock.waitForConnected(CONNECT_TIMEOUT_MS):
        return None
    sock.write((json.dumps(request, ensure_ascii=False) + "\n").encode("utf-8"))
    sock.flush()
    sock.waitForBytesWritten(CONNECT_TIMEOUT_MS)
    data = b""
    while not data.endswith(b"\n"):
        if not sock.waitForReadyRead(timeout_ms) and sock.bytesAvailable() == 0:
            break
        data += bytes(sock.readAll().data())
    sock.disconnectFromServer()
    return parse_reply(data)


class InstanceServer(QObject):
    """Listens for requests from other processes; emits each with a way to answer it."""

    request_received = Signal(dict, object)  # (request, responder)

    def __init__(self, library: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(library)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)

    def listen(self) -> bool:
        """Start listening; False if another live instance already serves this library."""
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(300):
            probe.disconnectFromServer()
            return False
        QLocalServer.removeServer(self.name)  # a stale socket from a crash
        if not self._server.listen(self.name):
            log.error("cannot listen on %s: %s", self.name, self._server.errorString())
            return False
        return True

    def close(self) -> None:
        self._server.close()

    def _on_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            buf = bytearray()

            def on_ready(sock: QLocalSocket = sock, buf: bytearray = buf) -> None:
                buf.extend(bytes(sock.readAll().data()))
                if len(buf) > MAX_REQUEST_BYTES:
                    sock.abort()
                    return
                if b"\n" not in buf:
                    return
                sock.readyRead.disconnect()
                line = bytes(buf).split(b"\n", 1)[0]
                try:
                    request = json.loads(line.decode("utf-8"))
                    if not isinstance(request, dict):
                        raise ValueError("not an object")
                except ValueError:
                    self._answer(sock, {"ok": False, "error": "unreadable request"})
                    return
                answered = False

                def respond(reply: Message) -> None:
                    nonlocal answered
                    if answered:
                        return
                    answered = True
                    self._answer(sock, reply)

                self.request_received.emit(request, respond)

            sock.readyRead.connect(on_ready)
            sock.disconnected.connect(sock.deleteLater)

    @staticmethod
    def _answer(sock: QLocalSocket, reply: Message) -> None:
        if sock.state() != QLocalSocket.LocalSocketState.ConnectedState:
            return
        sock.write((json.dumps(reply, ensure_ascii=False) + "\n").encode("utf-8"))
        sock.flush()
        sock.disconnectFromServer()
