"""Errors of the storage package.

`KnownStorageError` and its subclasses are conditions to explain to the user (an
unknown id, a corrupt file, a library made by a newer app); their message is
complete and meant to be shown as is. Anything else is a bug.
"""

from __future__ import annotations


class StorageError(Exception):
    """Base of every error this package raises on purpose."""


class KnownStorageError(StorageError):
    """A condition to explain to the user, with what to do about it."""


class NotFound(KnownStorageError):
    """A purchase, merchant or capture id that does not exist."""


class InvalidInput(KnownStorageError):
    """A value the user gave that cannot be stored (bad amount, date, status...)."""


class BadImage(KnownStorageError):
    """A file that is not an image Proofshot can keep (corrupt, too large, wrong type)."""


class BadDocument(KnownStorageError):
    """A file that is not a document Proofshot can keep (not a PDF/OFD/XML/e-mail, damaged,
    too many pages, unsafe); the message starts with the file's name."""


class LibraryTooNew(KnownStorageError):
    """The library was written by a newer Proofshot than this one."""


class LibraryUnavailable(KnownStorageError):
    """The library folder or database cannot be opened (permissions, disk, locked)."""


class NoteChanged(KnownStorageError):
    """A note was changed elsewhere after the editor read it; nothing was written."""

    def __init__(self, capture_id: int, current: str) -> None:
        super().__init__(
            f"the note of capture {capture_id} was changed elsewhere while you were typing; nothing was saved"
        )
        self.capture_id = capture_id
        self.current = current


class LongCaptureMismatch(KnownStorageError):
    """A long capture whose image, recipe and frames do not agree; nothing was written."""


class StorageProcessFailed(KnownStorageError):
    """The storage helper process (storage.helper) could not be started or stopped while
    answering; what it had written is safe (ADR 003) and recovered at the next open."""


class StorageBug(StorageError):
    """An unexpected error inside the storage helper process (a bug, logged there)."""
