"""The cache of rendered document pages: <library>/pages/<sha[:2]>/<sha>/<page>.png.

Page images are derived from a document's original bytes (kept in the blob store), so the
whole folder can be deleted at any time and is rebuilt on use. A page is rendered once, at
RENDER_SCALE under the pixel cap, and written atomically (a temporary file renamed into
place), so a reader never sees half a PNG; a damaged or truncated cache file is noticed
when it is next asked for and rendered again. Two threads asking for the same page render
it once; different pages render one after the other (PDFium is serialised anyway).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from PIL import Image, UnidentifiedImageError

_SHA256 = re.compile(r"[0-9a-f]{64}")


class PageCache:
    """Rendered pages of documents, one PNG per page, keyed by the original's SHA-256."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._guard = threading.Lock()
        self._locks: dict[tuple[str, int], threading.Lock] = {}
        # Files checked whole since this cache was made: path -> (size, mtime_ns) then.
        self._checked: dict[Path, tuple[int, int]] = {}

    def path(self, sha256: str, page: int) -> Path:
        """Where page `page` (0-based) of the document `sha256` is kept (it may not exist)."""
        if not _SHA256.fullmatch(sha256):
            raise ValueError(f"not a SHA-256 in hex: {sha256!r}")
        if page < 0:
            raise ValueError(f"no page {page}")
        return self.root / sha256[:2] / sha256 / f"{page}.png"

    def _lock(self, key: tuple[str, int]) -> threading.Lock:
        with self._guard:
            lock = self._locks.get(key)
            if lock is None:
                lock = self._locks[key] = threading.Lock()
            return lock

    def page_png(self, sha256: str, data_loader: Callable[[], bytes], media_type: str, page: int) -> Path:
        """The PNG of page `page` of the document `sha256`, rendered from `data_loader()`'s
        bytes on first use (or when the cached file is damaged). Raises BadDocument when
        the document cannot be rendered or has no such page."""
        target = self.path(sha256, page)
        key = (sha256, page)
        lock = self._lock(key)
        try:
            with lock:
                if self._is_good(target):
                    return target
                from . import render_page

                image = render_page(data_loader(), media_type, page)
                self._write(target, image)
                self._remember(target)
                return target
        finally:
            with self._guard:
                # Forget the lock once nobody holds it, so the table does not grow forever.
                if self._locks.get(key) is lock and not lock.locked():
                    del self._locks[key]

    def _is_good(self, target: Path) -> bool:
        """The cached file is a complete PNG: checked whole once, then by its size and
        modification time (a file changed since is checked again)."""
        try:
            st = target.stat()
        except OSError:
            return False
        with self._guard:
            known = self._checked.get(target)
        if known == (st.st_size, st.st_mtime_ns):
            return True
        if not _is_good_png(target):
            return False
        self._remember(target)
        return True

    def _remember(self, target: Path) -> None:
        with contextlib.suppress(OSError):
            st = target.stat()
            with self._guard:
                self._checked[target] = (st.st_size, st.st_mtime_ns)

    def _write(self, target: Path, image: Image.Image) -> None:
        for folder in (self.root, target.parent.parent, target.parent):
            folder.mkdir(mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".page-", suffix=".png.tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                image.save(fh, "PNG", compress_level=3)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def discard(self, sha256: str) -> None:
        """Delete the cached pages of one document (they are rebuilt on use)."""
        folder = self.path(sha256, 0).parent
        if not folder.is_dir():
            return
        for child in folder.iterdir():
            with self._guard:
                self._checked.pop(child, None)
            with contextlib.suppress(OSError):
                child.unlink()
        with contextlib.suppress(OSError):
            folder.rmdir()


def _is_good_png(path: Path) -> bool:
    """True when `path` is a complete PNG: every chunk up to IEND present, its CRC right."""
    try:
        with Image.open(path) as img:
            if img.format != "PNG":
                return False
            img.verify()
        return True
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError):
        return False
