"""The library service: every use case of the evidence library, one transaction each.

A `Library` owns one folder on disk (ARCHITECTURE.md §4) and its two database engines.
Public methods open a short session, do the whole change (rows, search index and
custody event) in one SQLite transaction, and return frozen records. Original bytes
are written to the blob store before the transaction, announced first in a journal
file, so that a crash between the two leaves something `recover()` adopts on the next
open instead of losing it (ADR 003).

The work itself lives in modules that each answer one question and take the session
explicitly; a method here cleans what the caller typed, opens the transaction and
calls one of them:

* purchases.py: purchases, sellers, the active purchase, the user's own details;
* captures.py: making, filing, noting, trashing, listing captures; OCR results;
* recovery.py: the journal, and adopting what a crash left behind;
* search.py: what a capture's document is, writing it, and searching;
* custody_log.py: appending to, reading and verifying the custody log;
* documents/: what a PDF, OFD, XML e-invoice or e-mail is, its text and its pages (cached
  under <library>/pages, derived);
* importing.py: files (images and documents) and an e-mail's attachments made captures,
  the one import path of the command line and the window;
* integrity.py: the read-only check of blobs, chain, index and journal;
* state.py: library-wide values in the settings table;
* vocabulary.py: the stored words (purchase statuses, OCR states, sources, platforms).

Tools that build large libraries (the benchmarks) use `bulk_add`, which writes through
the same functions as `add_capture`, never the tables directly.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from . import captures, custody_log, integrity, long_captures, purchases, recovery, state
from . import search as search_mod
from .blobs import BlobStore, sha256_bytes
from .changes import ChangeWatcher
from .db import make_engines, migrate
from .documents.pages import PageCache
from .errors import BadDocument, InvalidInput, LibraryUnavailable
from .files import DB_NAME as DB_NAME
from .purchases import ACTIVE as ACTIVE
from .purchases import INBOX as INBOX
from .purchases import PURCHASE_FIELDS as PURCHASE_FIELDS
from .purchases import _Active
from .records import (
    CaptureOrigin,
    CaptureRecord,
    CheckReport,
    EventRecord,
    FrameRecord,
    MerchantRecord,
    NewCapture,
    OcrData,
    OpenReport,
    Problem,
    PurchaseRecord,
    SearchHit,
)
from .settings import OwnDetails
from .values import MAX_NOTE_CHARS, clean_text
from .vocabulary import CaptureSource, OcrStatus

#: set_note's `expected` when the caller does not care what the note was.
_ANY = captures.ANY_NOTE


class Library:
    """One evidence library folder. Thread-safe for use from several threads."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db_path = root / DB_NAME
        self.blobs = BlobStore(root / "blobs")
        self.journal = root / "journal"
        self.thumbs = root / "thumbs"
        #: Rendered pages of PDF and OFD documents (derived, rebuilt when missing).
        self.pages = PageCache(root / "pages")
        self.backups = root / "backups"
        self._w, self._r = make_engines(self.db_path)
        self.open_report = OpenReport(None, (), (), False)

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, root: Path | str, *, scan: bool = False) -> Library:
        """Open (creating if needed) the library at `root`, migrate it, rebuild a search
        index built for another version and recover captures interrupted by a crash.
        With `scan`, also check that every capture's blob is present (its hash is
        checked by `check`) and adopt blobs no capture refers to."""
        root = Path(root).expanduser().absolute()
        if root.exists() and not root.is_dir():
            raise LibraryUnavailable(f"the library location {root} is a file, not a folder")
        try:
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
            fresh = not (root / DB_NAME).exists()
            if fresh:
                root.chmod(0o700)
            for sub in ("journal", "thumbs", "pages", "backups"):
                (root / sub).mkdir(mode=0o700, exist_ok=True)
            lib = cls(root)
            lib.blobs.ensure()
            backup = migrate(lib._w, lib.db_path, lib.backups)
            lib.db_path.chmod(0o600)
        except PermissionError as exc:
            raise LibraryUnavailable(f"no permission to use the library at {root}: {exc.strerror}") from None
        except OSError as exc:
            if isinstance(exc, LibraryUnavailable):
                raise
            raise LibraryUnavailable(f"cannot open the library at {root}: {exc.strerror or exc}") from None
        if fresh:
            lib.record_event("library_created", app="Proofshot", path=str(root))
        reindexed = lib._ensure_search_index()
        recovered = lib.recover()
        lib.blobs.clean_tmp()
        problems: tuple[Problem, ...] = ()
        if scan:
            with lib._ro() as s:
                rows = integrity.blob_rows(s)
                frames = integrity.frame_rows(s)
            found = list(integrity.scan_blobs(rows, lib.blobs, hash_check=False, frames=frames))
            orphans = [p.sha256 for p in found if p.kind == "orphan_blob" and p.sha256]
            recovered += recovery.adopt_orphans(lib.blobs, lib._tx, lib._ro, orphans)
            problems = tuple(p for p in found if p.kind != "orphan_blob")
        lib.open_report = OpenReport(backup, tuple(recovered), problems, reindexed)
        return lib

    def watch(self) -> ChangeWatcher:
        """A watcher that tells what anyone (this process, another window, the command
        line) committed to this library since it last looked (storage.changes)."""
        return ChangeWatcher(self.db_path)

    def local(self) -> Library:
        """The library in this process: itself (storage.remote.RemoteLibrary opens one)."""
        return self

    def prewarm(self) -> None:
        """Get ready for a capture: nothing to do in this process (a RemoteLibrary starts
        its helper)."""

    def local_ready(self) -> bool:
        """Whether `local()` returns at once (a RemoteLibrary must first load the database
        layer and open the library in this process)."""
        return True

    def close(self) -> None:
        self._w.dispose()
        self._r.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE: writers queue instead of failing)."""
        with Session(self._w, expire_on_commit=False) as s, s.begin():
            yield s

    @contextlib.contextmanager
    def _ro(self) -> Iterator[Session]:
        """One read transaction (never blocks writers: WAL)."""
        with Session(self._r) as s, s.begin():
            yield s

    # ------------------------------------------------------------------ settings

    def get_setting(self, key: str) -> str | None:
        with self._ro() as s:
            return state.get(s, key)

    def set_setting(self, key: str, value: str | None) -> None:
        with self._tx() as s:
            state.put(s, key, value)

    # ------------------------------------------------------------------ custody

    def record_event(
        self, kind: str, *, capture_id: int | None = None, purchase_id: int | None = None, **data: Any
    ) -> EventRecord:
        """Append an event that is not tied to a change made here (e.g. 'exported')."""
        with self._tx() as s:
            return custody_log.append(s, kind, capture_id=capture_id, purchase_id=purchase_id, **data)

    def events(self, *, capture_id: int | None = None, purchase_id: int | None = None) -> list[EventRecord]:
        """Events of one capture, of one purchase and its captures, or all of them."""
        with self._ro() as s:
            return custody_log.events(s, capture_id=capture_id, purchase_id=purchase_id)

    def verify_custody(self) -> list[str]:
        with self._ro() as s:
            return custody_log.verify(s)

    # ------------------------------------------------------------------ merchants & purchases

    def add_purchase(
        self, fields: dict[str, Any], merchant: dict[str, Any] | None = None, merchant_id: int | None = None
    ) -> PurchaseRecord:
        """Create a purchase. `fields` use the names in PURCHASE_FIELDS (amount as text);
        `merchant` the names in MERCHANT_FIELDS; an existing merchant with the same
        display name is reused."""
        if "title" not in fields:
            raise InvalidInput("a purchase needs a title (what was bought)")
        clean = purchases.clean_purchase_fields(fields)
        mclean = purchases.clean_merchant_fields(merchant or {})
        with self._tx() as s:
            return purchases.add_purchase(s, clean, mclean, merchant_id)

    def edit_purchase(
        self,
        purchase_id: int,
        fields: dict[str, Any] | None = None,
        merchant: dict[str, Any] | None = None,
        merchant_id: int | None = None,
    ) -> PurchaseRecord:
        clean = purchases.clean_purchase_fields(fields or {})
        mclean = purchases.clean_merchant_fields(merchant or {})
        with self._tx() as s:
            return purchases.edit_purchase(s, purchase_id, clean, mclean, merchant_id)

    def get_purchase(self, purchase_id: int) -> PurchaseRecord:
        with self._ro() as s:
            return purchases.get_purchase(s, purchase_id)

    def list_purchases(self, status: str | None = None) -> list[PurchaseRecord]:
        with self._ro() as s:
            return purchases.list_purchases(s, status)

    def list_merchants(self) -> list[MerchantRecord]:
        with self._ro() as s:
            return purchases.list_merchants(s)

    def merchant_usage(self) -> dict[int, int]:
        """How many purchases each saved seller is on (every seller; 0 when unused)."""
        with self._ro() as s:
            return purchases.merchant_usage(s)

    def delete_merchant(self, merchant_id: int) -> MerchantRecord:
        """Delete a seller that no purchase refers to (one made by a typo, say). A seller
        still on a purchase is refused: merge it into another seller instead."""
        with self._tx() as s:
            return purchases.delete_merchant(s, merchant_id)

    def merge_merchants(self, merchant_id: int, into_id: int) -> MerchantRecord:
        """Move every purchase of seller `merchant_id` to seller `into_id`, then delete the
        first. Details only the first had fill the empty fields of the other; the first's
        full details stay in the custody log. Returns the seller kept."""
        with self._tx() as s:
            return purchases.merge_merchants(s, merchant_id, into_id)

    def restore_merchant(self, merchant_id: int, changes: dict[str, list[Any]]) -> MerchantRecord:
        """Undo an edit of a saved seller. `changes` are {field: [before, after]} as in its
        merchant_edited event; each field goes back to `before`. Refused, changing nothing,
        when a field no longer holds `after` (the seller was edited again since)."""
        with self._tx() as s:
            return purchases.restore_merchant(s, merchant_id, changes)

    def own_details(self) -> OwnDetails:
        """The user's own phones, names and addresses (storage.settings.OwnDetails)."""
        with self._ro() as s:
            return purchases.own_details(s)

    def set_own_details(self, details: OwnDetails) -> OwnDetails:
        """Keep the user's own details with the library. The custody log records that
        they changed and how many there are, never the details themselves."""
        with self._tx() as s:
            return purchases.set_own_details(s, details)

    def delete_purchase(self, purchase_id: int) -> PurchaseRecord:
        """Delete a purchase record. Its captures are never deleted with it: they move
        to the Inbox, each move recorded."""
        with self._tx() as s:
            return purchases.delete_purchase(s, purchase_id)

    def active_purchase(self) -> PurchaseRecord | None:
        with self._ro() as s:
            return purchases.active_purchase(s)

    def set_active_purchase(self, purchase_id: int | None) -> PurchaseRecord | None:
        with self._tx() as s:
            return purchases.set_active_purchase(s, purchase_id)

    # ------------------------------------------------------------------ captures

    def find_by_sha(self, sha256: str, include_trash: bool = False) -> CaptureRecord | None:
        with self._ro() as s:
            return captures.find_by_sha(s, sha256, include_trash)

    def add_capture(
        self,
        data: bytes,
        *,
        source: str,
        purchase_id: int | None | _Active = ACTIVE,
        note: str | None = None,
        captured_at: str | None = None,
        utc_offset_min: int | None = None,
        source_name: str | None = None,
        file_modified_at: str | None = None,
        screen_geometry: str | None = None,
        flags: Sequence[str] = (),
        name: str = "the image",
        encoded_here: bool = False,
        origin: CaptureOrigin | None = None,
        parent_id: int | None = None,
    ) -> CaptureRecord:
        """Keep `data` (PNG/JPEG/WebP/BMP bytes, or a PDF, OFD, XML or e-mail document;
        unchanged) as a new capture.

        A document is checked whole and safe (storage.documents.probe_document, which
        refuses with BadDocument, writing nothing); one that is kept but cannot be read (a
        password-protected PDF) is marked so and never queued for text reading.
        `parent_id` is the e-mail capture an attachment was found in (source "attachment";
        InvalidInput unless that capture exists and is an e-mail). Several files of an
        e-mail are filed by storage.importing.

        `encoded_here` says the bytes were just encoded by this app from pixels it
        grabbed, so only their header is read back (files from outside are always
        decoded in full to refuse damaged ones).

        `file_modified_at` is an imported file's own modification time (ISO 8601 with a
        zone, e.g. from its st_mtime); it is kept in the custody event, not in a column.

        `origin` is where the pixels came from (the window, output, rectangle and grab
        backend; None or None fields: not recorded). It is kept in the row, searchable
        (title and application), and in the `captured` custody event.

        The blob is written and fsynced before the row is committed; the journal entry
        written first lets `recover()` adopt the blob if the process dies in between."""
        kept = captures.prepare(
            data,
            source=source,
            note=note,
            captured_at=captured_at,
            utc_offset_min=utc_offset_min,
            source_name=source_name,
            file_modified_at=file_modified_at,
            screen_geometry=screen_geometry,
            flags=flags,
            name=name,
            decode=not encoded_here,
            origin=origin,
            parent_id=parent_id,
        )
        with self._ro() as s:
            kept = replace(kept, purchase_id=purchases.resolve(s, purchase_id))
            captures.check_parent(s, kept.parent_id)
        with recovery.journal_entry(self.journal, recovery.intent(kept)):
            self.blobs.put(data, kept.sha256)
            with self._tx() as s:
                # The purchase may have been deleted meanwhile: then this refuses.
                kept = replace(kept, purchase_id=purchases.resolve(s, kept.purchase_id))
                captures.check_parent(s, kept.parent_id)
                return captures.record_capture(captures.add(s, kept))

    def add_long_capture(
        self,
        frames: Sequence[bytes],
        recipe_json: str,
        image_png: bytes,
        *,
        purchase_id: int | None | _Active = ACTIVE,
        note: str | None = None,
        origin: CaptureOrigin | None = None,
        screen_geometry: str | None = None,
        captured_at: str | None = None,
    ) -> CaptureRecord:
        """Keep a long (scrolling) capture: `image_png` (the long image, PNG) as a new capture
        of source "long", and `frames` (the PNG files of the frames `recipe_json` names,
        storage.stitched.Recipe with frame_digest "sha256-png") as originals of their own,
        listed with it (`long_capture_frames`), never as captures.

        Refused with LongCaptureMismatch, writing nothing, unless the recipe is valid, names
        exactly the frames given (by the SHA-256 of their PNG bytes) and rebuilds exactly the
        long image's pixels (storage.long_captures). Kept like `add_capture` (ADR 003): a
        journal entry naming the frames and the recipe, the frames' blobs then the long
        image's (each written once, fsynced, renamed), then one transaction with the row,
        the frames' rows, the `captured` event (listing the frames' hashes and the recipe's
        SHA-256) and the search document. OCR reads the long image."""
        checked = long_captures.check_long_capture(frames, recipe_json, image_png)
        kept = captures.prepare(
            image_png,
            source=CaptureSource.LONG,
            note=note,
            captured_at=captured_at,
            screen_geometry=screen_geometry,
            name="the long image",
            decode=False,  # decoded in full by the check above
            origin=origin,
        )
        kept = replace(kept, long=checked.parts)
        with self._ro() as s:
            kept = replace(kept, purchase_id=purchases.resolve(s, purchase_id))
        with recovery.journal_entry(self.journal, recovery.intent(kept)):
            for sha, data in checked.frame_bytes.items():
                self.blobs.put(data, sha)
            self.blobs.put(image_png, kept.sha256)  # last: a whole long image means whole frames
            with self._tx() as s:
                kept = replace(kept, purchase_id=purchases.resolve(s, kept.purchase_id))
                return captures.record_capture(captures.add(s, kept))

    def long_capture_frames(self, capture_id: int) -> list[FrameRecord]:
        """A long capture's frames in the recipe's order (empty for an ordinary capture)."""
        with self._ro() as s:
            return captures.frames_of(s, capture_id)

    def long_capture_recipe(self, capture_id: int) -> str | None:
        """A long capture's recipe (storage.stitched.Recipe JSON); None for an ordinary one."""
        with self._ro() as s:
            return captures.recipe_of(s, capture_id)

    def bulk_add(self, new: Iterable[NewCapture], *, per_transaction: int = 5000) -> list[int]:
        """Add many captures, each kept exactly as `add_capture` (then `set_ocr_result`,
        when its text is given) would keep it: the same row, custody events and search
        document, made by the same functions (captures.add_many). Returns the new ids.

        For tools that build large libraries, such as the benchmarks, so that a change to
        how rows, events or index entries are written cannot leave them building a library
        the app would not have written. Not for the app's own captures:
        - bytes are checked by their header only (as with `add_capture(encoded_here=True)`);
        - there is no journal: blobs are stored before each transaction of
          `per_transaction` captures, so a crash leaves blobs no capture refers to (adopted
          by the next `open(scan=True)`), never rows without blobs;
        - a capture goes to the purchase it names (None: the Inbox), never ACTIVE.
        `new` is read lazily, one transaction's worth at a time."""
        ids: list[int] = []
        stored: set[str] = set()
        batch: list[tuple[captures.Kept, OcrData | None]] = []

        def commit() -> None:
            with self._tx() as s:
                ids.extend(captures.add_many(s, batch))
            batch.clear()

        for item in new:
            kept = captures.prepare(
                item.data,
                source=item.source,
                purchase_id=item.purchase_id,
                note=item.note,
                captured_at=item.captured_at,
                utc_offset_min=item.utc_offset_min,
                source_name=item.source_name,
                decode=False,
                origin=item.origin,
            )
            if kept.sha256 not in stored:
                self.blobs.put(item.data, kept.sha256)
                stored.add(kept.sha256)
            batch.append((kept, item.ocr))
            if len(batch) >= per_transaction:
                commit()
        if batch:
            commit()
        return ids

    def recover(self) -> list[int]:
        """Adopt blobs whose capture was never committed (the process died between
        writing the blob and committing its row). They land in the Inbox, flagged."""
        return recovery.recover(self.journal, self.blobs, self._tx)

    def get_capture(self, capture_id: int, with_words: bool = False) -> CaptureRecord:
        with self._ro() as s:
            return captures.record_capture(captures.get_row(s, capture_id), with_words)

    def get_captures(self, ids: Sequence[int]) -> list[CaptureRecord]:
        """Several captures in one query, in the order of `ids` (unknown ids skipped)."""
        with self._ro() as s:
            return captures.get_captures(s, ids)

    def read_capture_bytes(self, capture_id: int) -> bytes:
        rec = self.get_capture(capture_id)
        return self.blobs.read(rec.sha256)

    def page_png(self, capture_id: int, page: int) -> Path:
        """The PNG file of page `page` (0 first) of a PDF or OFD capture, rendered at
        storage.documents.RENDER_SCALE on first use and cached under <library>/pages
        (derived: deleting the folder loses nothing). The original is read, and its SHA-256
        checked, only when the page must be rendered.

        NotFound for an unknown capture; InvalidInput for an image, an e-mail or XML (no
        pages), a document that cannot be read, or a page it does not have."""
        rec = self.get_capture(capture_id)
        if rec.doc_kind not in ("pdf", "ofd"):
            what = "an image" if rec.doc_kind is None else f"a {rec.doc_kind} document"
            raise InvalidInput(f"capture {capture_id} is {what}; it has no pages to show")
        if rec.doc_problem:
            raise InvalidInput(f"capture {capture_id} cannot be shown: {rec.doc_problem}")
        if not 0 <= page < rec.page_count:
            raise InvalidInput(
                f"capture {capture_id} has {rec.page_count} page(s); there is no page {page + 1}"
            )

        def load() -> bytes:
            try:
                data = self.blobs.read(rec.sha256)
            except OSError as exc:
                raise BadDocument(
                    f"the original file of capture {capture_id} cannot be read ({exc.strerror or exc}); "
                    "its pages cannot be shown (run `main.py check`)"
                ) from None
            if sha256_bytes(data) != rec.sha256:
                raise BadDocument(
                    f"the original file of capture {capture_id} no longer matches its SHA-256; "
                    "its pages cannot be shown (run `main.py check`)"
                )
            return data

        return self.pages.page_png(rec.sha256, load, rec.media_type, page)

    def blob_path(self, sha256: str) -> Path:
        return self.blobs.path(sha256)

    def list_captures(
        self,
        *,
        purchase_id: int | None = None,
        trash: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[CaptureRecord]:
        """Captures newest first: of one purchase (INBOX for the Inbox), or all; the
        Trash only with `trash`. Word boxes are not loaded (get_capture has them)."""
        with self._ro() as s:
            return captures.list_captures(s, purchase_id=purchase_id, trash=trash, limit=limit, offset=offset)

    def count_captures(self) -> dict[str, int]:
        with self._ro() as s:
            return captures.count_captures(s)

    def move_captures(self, ids: Iterable[int], purchase_id: int | None) -> list[CaptureRecord]:
        """File captures under `purchase_id` (None = Inbox). All or nothing."""
        with self._tx() as s:
            return captures.move_captures(s, ids, purchase_id)

    def set_note(self, capture_id: int, note: str | None, *, expected: Any = _ANY) -> CaptureRecord:
        """Replace a capture's note. With `expected` (the note as the editor last read it),
        refuse with NoteChanged when someone else changed it meanwhile, so that a note
        typed in one window never silently replaces a newer one written elsewhere."""
        clean = clean_text(note, field="note", multiline=True, limit=MAX_NOTE_CHARS)
        with self._tx() as s:
            return captures.set_note(s, capture_id, clean, expected)

    def trash(self, ids: Iterable[int]) -> list[CaptureRecord]:
        """Move captures to the Trash (kept, with their blobs, until the Trash is emptied)."""
        with self._tx() as s:
            return captures.trash(s, ids)

    def restore(self, ids: Iterable[int]) -> list[CaptureRecord]:
        with self._tx() as s:
            return captures.restore(s, ids)

    def empty_trash(self) -> list[int]:
        """Delete the captures in the Trash for good: rows, index entries and blobs no
        other capture uses. The custody log keeps a 'purged' event for each."""
        with self._tx() as s:
            ids, unused = captures.empty_trash(s)
        for sha in unused:  # after the commit: a crash in between leaves orphans, never holes
            self.blobs.remove(sha)
        return ids

    # ------------------------------------------------------------------ OCR results

    def captures_needing_ocr(self, include_failed: bool = True) -> list[int]:
        with self._ro() as s:
            return captures.needing_ocr(s, include_failed)

    def set_ocr_result(self, capture_id: int, ocr: OcrData) -> CaptureRecord:
        words = captures.words_json(ocr)
        with self._tx() as s:
            return captures.set_ocr_result(s, capture_id, ocr, words)

    def set_ocr_problem(self, capture_id: int, status: str, error: str) -> CaptureRecord:
        """Mark a capture's OCR as `failed` (retryable) or `unavailable` (engine missing)."""
        if status not in (OcrStatus.FAILED, OcrStatus.UNAVAILABLE):
            raise InvalidInput(f"unknown OCR status {status}")
        with self._tx() as s:
            return captures.set_ocr_problem(s, capture_id, status, error)

    # ------------------------------------------------------------------ search

    def _ensure_search_index(self) -> bool:
        with self._ro() as s:
            if search_mod.is_current(s):
                return False
        self.rebuild_search_index()
        return True

    def reindex(self) -> int:
        """Rebuild the whole search index from the rows, in one transaction (what
        `main.py check --repair` does when `check` finds the index stale). Returns the
        number of captures indexed."""
        with self._tx() as s:
            return search_mod.rebuild(s)

    def rebuild_search_index(self) -> None:
        """The same as `reindex` (the older name)."""
        self.reindex()

    def search(
        self,
        query: str,
        *,
        purchase_id: int | None = None,
        merchant_id: int | None = None,
        status: str | None = None,
        ocr_status: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        """Captures matching every term of `query`, best first.

        `query` is literal text. `purchase_id` may be INBOX; `status` is a purchase
        status; `since`/`until` are local dates (or date-times) the user typed."""
        parsed = search_mod.parse_user_query(query)
        filters = search_mod.Filters.parse(
            purchase_id=purchase_id,
            inbox=purchase_id == INBOX,
            merchant_id=merchant_id,
            status=status,
            ocr_status=ocr_status,
            since=since,
            until=until,
        )
        with self._ro() as s:
            return search_mod.find(s, parsed, filters, limit)

    # ------------------------------------------------------------------ integrity

    def check(self) -> CheckReport:
        """Verify every blob against its hash, the custody chain and the search index.

        Writes nothing: a command that checks must not change what it checks. A stale
        search index is reported (kind "search_index") with the command that rebuilds
        it; `reindex()` is that rebuild."""
        return integrity.check(self._ro, self.blobs, self.journal)
