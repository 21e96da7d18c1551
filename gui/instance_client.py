"""Reaching the running app without Qt (for the command line, which must start fast).

The app's `QLocalServer` (gui.single_instance) listens on a Unix socket named after the
library in Qt's temporary folder ($TMPDIR, else /tmp). One JSON request per connection,
one JSON reply line. Windows uses named pipes: there the command line goes through Qt.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import time
from pathlib import Path
from typing import Any

CONNECT_TIMEOUT_S = 1.0


def server_name(library: Path) -> str:
    key = str(Path(library).expanduser().absolute())
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return f"proofshot-{uid}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}"


def socket_path(library: Path) -> Path:
    """Where QLocalServer puts the app's socket (QDir::tempPath() + the server name)."""
    return Path(os.environ.get("TMPDIR") or "/tmp") / server_name(library)


def plain_sockets() -> bool:
    """Whether this platform's QLocalServer is a Unix socket this module can reach."""
    return hasattr(socket, "AF_UNIX") and os.name == "posix"


def send_request(library: Path, request: dict[str, Any], timeout_s: float = 30.0) -> dict[str, Any] | None:
    """Send `request` to the app running for `library`; None when none is running."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with contextlib.closing(sock):
        sock.settimeout(CONNECT_TIMEOUT_S)
        try:
            sock.connect(str(socket_path(library)))
            sock.sendall((json.dumps(request, ensure_ascii=False) + "\n").encode("utf-8"))
        except OSError:  # no socket, a socket nobody listens on (a crashed app), a stuck app
            return None
        deadline = time.monotonic() + timeout_s
        data = b""
        while not data.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            sock.settimeout(left)
            try:
                chunk = sock.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
    return parse_reply(data)


def parse_reply(data: bytes) -> dict[str, Any]:
    """The app's reply line as an object; a missing or garbled one as an error reply."""
    if not data:
        return {"ok": False, "error": "the running Proofshot did not answer"}
    try:
        reply = json.loads(data.decode("utf-8"))
    except ValueError:
        return {"ok": False, "error": "the running Proofshot sent an unreadable answer"}
    return reply if isinstance(reply, dict) else {"ok": False, "error": "unexpected answer"}
