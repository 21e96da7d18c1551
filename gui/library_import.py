"""Bringing pictures into the library from the library window: image files (Import files…,
or dropped on the window) and the clipboard's image (Paste).

The window asks and reports; the work is here. `import_image_files` and `keep_clipboard_png`
run on the window's task runner (gui.tasks), off the GUI thread, and return the new capture
ids with the problems, one line a file, for the window to list.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMimeData
from PySide6.QtGui import QGuiApplication

from storage.blobs import sha256_bytes
from storage.errors import KnownStorageError
from storage.library import Library
from storage.values import file_modified_utc

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp"}

#: New capture ids, and what went wrong with the others (one line a file).
ImportResult = tuple[list[int], list[str]]


def import_image_files(lib: Library, paths: list[Path], purchase_id: int | None) -> ImportResult:
    """Keep each file as a capture of `purchase_id` (None: the Inbox), named as the file
    and dated by its modification time. A folder, a file already in the library or one
    that cannot be read is listed, not kept; the others are kept all the same."""
    ids: list[int] = []
    problems: list[str] = []
    for path in paths:
        try:
            if path.is_dir():
                raise KnownStorageError(f"{path.name} is a folder")
            data = path.read_bytes()
            if lib.find_by_sha(sha256_bytes(data)) is not None:
                problems.append(f"{path.name}: already in the library")
                continue
            rec = lib.add_capture(
                data,
                source="import",
                purchase_id=purchase_id,
                source_name=path.name,
                name=path.name,
                file_modified_at=file_modified_utc(path),
            )
            ids.append(rec.id)
        except KnownStorageError as exc:
            problems.append(str(exc) if str(exc).startswith(path.name) else f"{path.name}: {exc}")
        except OSError as exc:
            problems.append(f"{path.name}: {exc.strerror or exc}")
    return ids, problems


def clipboard_png() -> bytes | None:
    """The clipboard's image as PNG bytes, or None when it holds no image. GUI thread only."""
    image = QGuiApplication.clipboard().image()
    if image.isNull():
        return None
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    # The stubs want the format as bytes, but PySide6 takes only a str here (bytes raise ValueError).
    image.save(buf, "PNG")  # type: ignore[call-overload]
    return bytes(buf.data().data())


def keep_clipboard_png(lib: Library, data: bytes, purchase_id: int | None) -> ImportResult:
    """Keep a pasted image (`clipboard_png`) as a capture of `purchase_id` (None: the Inbox)."""
    return [lib.add_capture(data, source="clipboard", purchase_id=purchase_id).id], []


def local_files(data: QMimeData) -> list[Path]:
    """The local files of a drag (links to elsewhere are left out)."""
    urls = data.urls() if data.hasUrls() else []
    return [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]


__all__ = [
    "IMAGE_SUFFIXES",
    "ImportResult",
    "clipboard_png",
    "import_image_files",
    "keep_clipboard_png",
    "local_files",
]
