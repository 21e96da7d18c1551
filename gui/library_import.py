"""Bringing files into the library from the library window: pictures and documents (PDF,
OFD, XML e-invoices, .eml e-mails) from Import files…, dropped on the window or pasted
(files copied in a file manager), and the clipboard's image (Paste).

The window asks and reports; the work is here, through storage.importing (the one import
path, shared with the command line). `import_files` and `keep_clipboard_png` run on the
window's task runner (gui.tasks), off the GUI thread, and return the new capture ids (an
e-mail's filed attachments included) with the problems, one line a file, for the window
to list.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QIODevice, QMimeData
from PySide6.QtGui import QGuiApplication

from storage.errors import KnownStorageError
from storage.importing import SUPPORTED_SUFFIXES, ImportOutcome, import_file

if TYPE_CHECKING:
    from storage.library import Library

log = logging.getLogger(__name__)

#: What the file dialog offers and a drop accepts: pictures and documents.
IMPORT_SUFFIXES = frozenset(SUPPORTED_SUFFIXES)

#: New capture ids, and what went wrong with the others (one line a file).
ImportResult = tuple[list[int], list[str]]


def _problem_line(name: str, problem: str) -> str:
    return problem if problem.startswith(name) else f"{name}: {problem}"


def _collect(outcome: ImportOutcome, ids: list[int], problems: list[str], within: str | None = None) -> None:
    """The new captures of one outcome (and its e-mail's attachments) into `ids`, what was
    not kept into `problems`."""
    problem = outcome.problem
    if problem is None and outcome.duplicate:
        problem = "already in the library"
    if problem is not None:
        # Named by the file's name (the outcome's is the path as given).
        short = Path(outcome.name).name or outcome.name
        if problem.startswith(outcome.name):
            problem = short + problem[len(outcome.name) :]
        line = _problem_line(short, problem)
        problems.append(line if within is None else f"{line} (attached to {within})")
    elif outcome.record is not None:
        ids.append(outcome.record.id)
    for attachment in outcome.attachments:
        _collect(attachment, ids, problems, within=Path(outcome.name).name or outcome.name)


def import_files(lib: Library, paths: list[Path], purchase_id: int | None) -> ImportResult:
    """Keep each file (a picture or a document) as a capture of `purchase_id` (None: the
    Inbox), named as the file and dated by its modification time; an e-mail's attachments
    are filed after it. A folder, a file already in the library, or one that is not a
    picture or document Proofshot keeps, or cannot be read, is listed, not kept; the others
    are kept all the same."""
    ids: list[int] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            problems.append(f"{path.name} is a folder")
            continue
        try:
            outcome = import_file(lib, path, purchase_id=purchase_id)
        except KnownStorageError as exc:
            problems.append(_problem_line(path.name, str(exc)))
        except OSError as exc:
            problems.append(f"{path.name}: {exc.strerror or exc}")
        except Exception as exc:  # a bug must not lose the files kept before it (their OCR)
            log.exception("importing %s failed", path.name)
            problems.append(f"{path.name}: could not be imported ({exc!r})")
        else:
            _collect(outcome, ids, problems)
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


def clipboard_files() -> list[Path]:
    """The local files on the clipboard (copied in a file manager), or []. GUI thread only."""
    data = QGuiApplication.clipboard().mimeData()
    return local_files(data) if data is not None else []


def keep_clipboard_png(lib: Library, data: bytes, purchase_id: int | None) -> ImportResult:
    """Keep a pasted image (`clipboard_png`) as a capture of `purchase_id` (None: the Inbox)."""
    return [lib.add_capture(data, source="clipboard", purchase_id=purchase_id).id], []


def local_files(data: QMimeData) -> list[Path]:
    """The local files of a drag or the clipboard (links to elsewhere are left out)."""
    urls = data.urls() if data.hasUrls() else []
    return [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]


def importable(paths: list[Path]) -> bool:
    """Whether any of `paths` looks like a file Proofshot keeps (by its name; the import
    checks the content)."""
    return any(p.suffix.lower() in IMPORT_SUFFIXES for p in paths)


__all__ = [
    "IMPORT_SUFFIXES",
    "ImportResult",
    "clipboard_files",
    "clipboard_png",
    "import_files",
    "importable",
    "keep_clipboard_png",
    "local_files",
]
