"""Length-prefixed messages over a worker process's stdin/stdout pipes.

Shared by the PP-OCR worker (`capture.ppocr_worker`) and the storage helper
(`storage.helper`): each message is a 4-byte big-endian length and that many bytes.
"""

from __future__ import annotations

import os
import select
import struct
import subprocess
import time
from typing import IO


def write_message(stream: IO[bytes], payload: bytes) -> None:
    stream.write(struct.pack(">I", len(payload)) + payload)


def read_exact_blocking(stream: IO[bytes], n: int) -> bytes | None:
    """Read n bytes, waiting as long as it takes; None on end of file."""
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def read_message_blocking(stream: IO[bytes]) -> bytes | None:
    """One whole message; None on end of file."""
    raw = read_exact_blocking(stream, 4)
    return None if raw is None else read_exact_blocking(stream, struct.unpack(">I", raw)[0])


def read_exact(fd: int, n: int, deadline: float) -> bytes | None:
    """Read n bytes from fd before `deadline` (monotonic). None on end of file;
    TimeoutError when the deadline passes."""
    parts: list[bytes] = []
    got = 0
    while got < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            raise TimeoutError
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def read_message(fd: int, deadline: float) -> bytes | None:
    """One whole message from fd before `deadline`; None on end of file."""
    raw = read_exact(fd, 4, deadline)
    return None if raw is None else read_exact(fd, struct.unpack(">I", raw)[0], deadline)


def close_worker(proc: subprocess.Popen[bytes] | None, timeout: float) -> None:
    """Close a worker's stdin (it finishes what it is doing and exits), wait up to `timeout`
    seconds, then kill it."""
    if proc is None:
        return
    try:
        if proc.stdin:
            proc.stdin.close()
        proc.wait(timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):
        proc.kill()
        proc.wait()
    finally:
        if proc.stdout:
            proc.stdout.close()


def kill_worker(proc: subprocess.Popen[bytes] | None) -> None:
    """Kill a worker now (a hang, or one that stopped answering) and close its pipes."""
    if proc is None:
        return
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for stream in (proc.stdin, proc.stdout):
        if stream:
            stream.close()


def spawn_worker(cmd: list[str]) -> subprocess.Popen[bytes]:
    """Start `cmd` (a `python -m <module>` of this project) with pipes on stdin and stdout,
    from the project's folder and with it on PYTHONPATH. OSError when it cannot start."""
    project = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = project + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=project)
