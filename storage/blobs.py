"""The blob store: original capture bytes, named by their SHA-256, never modified.

Writing is crash-safe: bytes go to a temporary file in `blobs/tmp/`, are fsynced,
made read-only and renamed into `blobs/ab/abcdef…`, then the folder is fsynced. A
blob that exists is never overwritten unless its bytes no longer match its name
(then the damaged copy is replaced by the good bytes, which is a repair, not an edit).
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

# Moved to storage/files.py (a leaf module capture may use); re-exported for existing callers.
from .files import fsync_dir as fsync_dir
from .files import write_atomic as write_atomic

log = logging.getLogger(__name__)

_CHUNK = 1 << 20
TMP_MAX_AGE_S = 3600


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"

    def ensure(self) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.tmp.mkdir(mode=0o700, exist_ok=True)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def put(self, data: bytes, sha256: str | None = None) -> str:
        """Store `data` and return its SHA-256. Idempotent for identical bytes."""
        digest = sha256 or sha256_bytes(data)
        final = self.path(digest)
        if final.is_file():
            if final.stat().st_size == len(data) and sha256_file(final) == digest:
                return digest
            log.warning("blob %s was damaged on disk; replacing it with the good bytes", digest)
        final.parent.mkdir(mode=0o700, exist_ok=True)
        fd_path = self.tmp / f"{digest}.{os.getpid()}.{time.monotonic_ns()}"
        fd = os.open(fd_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(fd_path, 0o400)
            os.replace(fd_path, final)
        except BaseException:
            fd_path.unlink(missing_ok=True)
            raise
        fsync_dir(final.parent)
        return digest

    def remove(self, sha256: str) -> None:
        p = self.path(sha256)
        if p.exists():
            os.chmod(p, 0o600)
            p.unlink()
            fsync_dir(p.parent)

    def verify(self, sha256: str) -> str | None:
        """None when the blob is present and intact, else "missing" or "mismatch"."""
        p = self.path(sha256)
        if not p.is_file():
            return "missing"
        return None if sha256_file(p) == sha256 else "mismatch"

    def iter_shas(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for sub in sorted(self.root.iterdir()):
            if sub.name == "tmp" or not sub.is_dir() or len(sub.name) != 2:
                continue
            for f in sorted(sub.iterdir()):
                if len(f.name) == 64 and f.name.startswith(sub.name):
                    yield f.name

    def clean_tmp(self, max_age_s: float = TMP_MAX_AGE_S) -> int:
        """Remove temporary files left by a crash (old enough not to be in flight)."""
        removed = 0
        if not self.tmp.is_dir():
            return 0
        now = time.time()
        for f in self.tmp.iterdir():
            try:
                if now - f.stat().st_mtime > max_age_s:
                    os.chmod(f, 0o600)
                    f.unlink()
                    removed += 1
            except OSError:
                continue
        return removed
