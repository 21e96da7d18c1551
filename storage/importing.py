"""Bringing files into the library: the one import path of the command line (`main.py
import`) and the library window (Import files…, drag-and-drop, paste of files).

A file is kept as a capture byte for byte, whatever it is: an image (PNG, JPEG, WebP, BMP)
or a document (PDF, OFD, XML e-invoice, .eml e-mail; storage.documents). A file already in
the library (the same SHA-256) is not kept twice: the capture it already is is reported as a
duplicate. A file that cannot be kept (a folder, missing, unreadable, too large, damaged,
unsafe) gets a plain problem and changes nothing.

An e-mail's attachments that are images or documents are filed right after the e-mail, each
its own capture (source "attachment", `parent_id` the e-mail, the same purchase, named by
the attachment's file name); one already in the library is reported as a duplicate and not
linked again. Attachments of other types stay inside the e-mail (its original holds them)
and are listed in its details with `filed: false` and a reason. An attachment that cannot be
kept is reported with its problem; the e-mail is kept all the same.

Plain Python: callers run it off the GUI thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .blobs import sha256_bytes
from .errors import InvalidInput, KnownStorageError
from .images import MAX_BYTES
from .values import file_modified_utc
from .vocabulary import CaptureSource

if TYPE_CHECKING:
    from .library import Library
    from .records import CaptureRecord

log = logging.getLogger(__name__)

#: What the file dialogs offer (a file of another name is still kept when its bytes are an
#: image or a document: the bytes decide, never the name).
SUPPORTED_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".bmp", ".pdf", ".ofd", ".xml", ".eml"})
#: E-mails inside e-mails are filed this deep at most (an e-mail attached to an e-mail is
#: filed; its own attachments too; deeper ones stay inside their e-mail).
MAX_NESTING = 3


@dataclass(frozen=True)
class ImportOutcome:
    """What became of one file (or one e-mail attachment)."""

    #: The file name as given (an attachment: its file name in the e-mail).
    name: str
    #: The new capture, or the capture already in the library (None when nothing was kept).
    record: CaptureRecord | None
    #: Already in the library: `record` is the capture it already was.
    duplicate: bool
    #: A plain message when nothing was kept (starts with `name`).
    problem: str | None
    #: An e-mail's attachments, each filed as its own capture (or refused with its problem).
    attachments: tuple[ImportOutcome, ...] = ()

    @property
    def kept(self) -> bool:
        """A new capture was made of this file now."""
        return self.record is not None and not self.duplicate

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "capture_id": self.record.id if self.record is not None else None,
            "duplicate": self.duplicate,
            "problem": self.problem,
            "attachments": [a.to_dict() for a in self.attachments],
        }


def _message(name: str, exc: Exception) -> str:
    text = str(exc)
    return text if text.startswith(name) else f"{name}: {text}"


def read_import_file(path: Path) -> bytes:
    """The bytes of a file to import. A folder, a missing or unreadable file, or one larger
    than storage.images.MAX_BYTES (checked before reading) raises InvalidInput with a plain
    message that starts with the path as given."""
    name = str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InvalidInput(f"{name}: no such file") from None
    except OSError as exc:
        raise InvalidInput(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if path.is_dir():
        raise InvalidInput(f"{name} is a folder; give the files in it (for example {name}/*.pdf)")
    if st.st_size > MAX_BYTES:
        raise InvalidInput(
            f"{name} is {st.st_size // (1024 * 1024)} MB, larger than the "
            f"{MAX_BYTES // (1024 * 1024)} MB a file may be"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:  # it grew since stat
        raise InvalidInput(f"{name} is larger than the {MAX_BYTES // (1024 * 1024)} MB a file may be")
    return data


def import_file(lib: Library, path: Path, *, purchase_id: Any, note: str | None = None) -> ImportOutcome:
    """Keep the file at `path` as a capture of `purchase_id` (None: the Inbox; ACTIVE: the
    active purchase), named as the file and dated by its modification time (kept in the
    custody event). Never raises for a file that cannot be kept: the outcome says why."""
    name = str(path)
    try:
        data = read_import_file(path)
    except KnownStorageError as exc:
        return ImportOutcome(name, None, False, _message(name, exc))
    return import_bytes(
        lib, data, name, purchase_id=purchase_id, note=note, file_modified_at=file_modified_utc(path)
    )


def import_bytes(
    lib: Library,
    data: bytes,
    name: str,
    *,
    purchase_id: Any,
    note: str | None = None,
    source: str = CaptureSource.IMPORT,
    file_modified_at: str | None = None,
) -> ImportOutcome:
    """Keep `data` (a file called `name`) as a capture, and an e-mail's attachments after
    it. A duplicate is not kept again (nor are its attachments filed again)."""
    return _import(lib, data, name, purchase_id, note, source, file_modified_at, None, 0)


def _import(
    lib: Library,
    data: bytes,
    name: str,
    purchase_id: Any,
    note: str | None,
    source: str,
    file_modified_at: str | None,
    parent_id: int | None,
    depth: int,
) -> ImportOutcome:
    try:
        existing = lib.find_by_sha(sha256_bytes(data))
        if existing is not None:
            return ImportOutcome(name, existing, True, None)
        rec = lib.add_capture(
            data,
            source=source,
            purchase_id=purchase_id,
            note=note,
            source_name=Path(name).name or None,
            file_modified_at=file_modified_at,
            name=name,
            parent_id=parent_id,
        )
    except KnownStorageError as exc:
        return ImportOutcome(name, None, False, _message(name, exc))
    attachments: tuple[ImportOutcome, ...] = ()
    if rec.doc_kind == "email" and rec.doc_problem is None and depth < MAX_NESTING:
        attachments = _file_attachments(lib, data, rec, depth)
    return ImportOutcome(name, rec, False, None, attachments)


def _file_attachments(
    lib: Library, data: bytes, email: CaptureRecord, depth: int
) -> tuple[ImportOutcome, ...]:
    """File an e-mail's image and document attachments under the e-mail's purchase."""
    from .documents import read_email

    try:
        parsed = read_email(data)
    except KnownStorageError as exc:  # probed fine a moment ago; should not happen
        log.warning("e-mail capture %s: its attachments could not be read: %s", email.id, exc)
        return ()
    out: list[ImportOutcome] = []
    for att in parsed.attachments:
        if att.kind is None or att.data is None:
            continue  # listed in the e-mail's details (filed: false), kept inside its original
        try:
            out.append(
                _import(
                    lib,
                    att.data,
                    att.name,
                    email.purchase_id,
                    None,
                    CaptureSource.ATTACHMENT,
                    None,
                    email.id,
                    depth + 1,
                )
            )
        except Exception as exc:  # a bug in a reader must not hide what was kept before it
            log.exception("e-mail capture %s: attachment %r could not be filed", email.id, att.name)
            problem = f"{att.name}: could not be filed ({type(exc).__name__}); it stays inside the e-mail"
            out.append(ImportOutcome(att.name, None, False, problem))
    return tuple(out)


__all__ = ["SUPPORTED_SUFFIXES", "ImportOutcome", "import_bytes", "import_file", "read_import_file"]
