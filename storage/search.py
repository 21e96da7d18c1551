"""Full-text search over captures (ARCHITECTURE.md §6).

Each capture has one row in `search_doc` holding its normalised document: OCR text,
note, and its purchase's and merchant's fields, separated by FIELD_SEPARATOR so no
match spans two fields. Two contentless FTS5 tables index it:

* `fts_tri` (trigram tokenizer): substring match for query terms of 3+ characters;
* `fts_char` (one token per character, written as its hex code point): phrase
  match for 1-2 character terms, such as the two-character Chinese words (退款,
  发货) users search for most.

Every query term is normalised like the documents and quoted as one FTS5 string, so
user input is always literal: FTS syntax in it (quotes, `*`, `AND`, `NEAR(`) can
neither raise nor change the meaning. Terms are ANDed. Searching (parsing, the query
plan, ranking, snippets) is `storage.searching`, on a plain sqlite3 connection without
SQLAlchemy; `find` here runs it in a session's read transaction.
See docs/adr/002-search-index.md, docs/adr/011-search-at-scale.md and docs/benchmarks.md.

This module owns every row of the index: what a capture's document is
(`document_fields`), writing it in the caller's transaction (`reindex_capture`,
`index_documents`) and rebuilding it (`rebuild`). Nothing else writes `search_doc`,
`fts_tri` or `fts_char`; the benchmarks build their libraries through `Library.bulk_add`,
which calls `index_documents` too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session, object_session

from . import searching, state
from .models import Capture, Purchase
from .normalize import FIELD_SEPARATOR, normalize
from .records import MERCHANT_TEXT_FIELDS, SearchHit

# Searching (parsing, the query plan, ranking, snippets) is storage.searching, which imports
# no SQLAlchemy (`main.py search` starts without it); its names are here for this module's callers.
from .searching import CANDIDATES as CANDIDATES
from .searching import INDEX_FORMAT as INDEX_FORMAT
from .searching import INDEX_VERSION as INDEX_VERSION
from .searching import Filters as Filters
from .searching import ParsedQuery as ParsedQuery
from .searching import char_match, spaced
from .searching import parse_query as parse_query
from .searching import parse_user_query as parse_user_query
from .searching import score_document as score_document
from .searching import snippet as snippet


def count_matches(conn: Connection, parsed: ParsedQuery) -> int:
    """How many documents (the Trash's included) contain every term of `parsed`, counted
    on the per-character index, which answers terms of any length. For statistics such as
    the benchmarks' "matches", not for searching."""
    if parsed.empty:
        return 0
    m = char_match(parsed.terms)
    return int(
        conn.execute(text("SELECT count(*) FROM fts_char WHERE fts_char MATCH :m"), {"m": m}).scalar_one()
    )


def build_document(fields: Sequence[str | None]) -> str:
    return FIELD_SEPARATOR.join(normalize(f) for f in fields if f)


def index_document(conn: Connection, capture_id: int, body: str | None) -> None:
    """Replace capture `capture_id`'s document with `body` (None removes it).

    Runs in the caller's transaction, so the index can never disagree with the row.
    """
    old = conn.execute(
        text("SELECT body FROM search_doc WHERE capture_id = :id"), {"id": capture_id}
    ).scalar_one_or_none()
    if old is not None:
        if old == body:
            return
        conn.execute(
            text("INSERT INTO fts_tri(fts_tri, rowid, body) VALUES('delete', :id, :b)"),
            {"id": capture_id, "b": old},
        )
        conn.execute(
            text("INSERT INTO fts_char(fts_char, rowid, body) VALUES('delete', :id, :b)"),
            {"id": capture_id, "b": spaced(old)},
        )
        conn.execute(text("DELETE FROM search_doc WHERE capture_id = :id"), {"id": capture_id})
    if body is None:
        return
    conn.execute(
        text("INSERT INTO search_doc(capture_id, body) VALUES(:id, :b)"), {"id": capture_id, "b": body}
    )
    conn.execute(text("INSERT INTO fts_tri(rowid, body) VALUES(:id, :b)"), {"id": capture_id, "b": body})
    conn.execute(
        text("INSERT INTO fts_char(rowid, body) VALUES(:id, :b)"), {"id": capture_id, "b": spaced(body)}
    )


def clear_index(conn: Connection) -> None:
    conn.execute(text("DELETE FROM search_doc"))
    conn.execute(text("INSERT INTO fts_tri(fts_tri) VALUES('delete-all')"))
    conn.execute(text("INSERT INTO fts_char(fts_char) VALUES('delete-all')"))


#: Documents written per statement by index_documents (bounds memory, not correctness).
_BATCH = 1000


def index_documents(conn: Connection, docs: Iterable[tuple[int, str]]) -> int:
    """Add the documents (capture id, body) of captures that have none yet: a rebuild
    after `clear_index`, or new captures in bulk. The same rows `index_document` writes
    for one new capture, in a few large statements. Returns how many were written."""
    n = 0
    batch: list[tuple[int, str]] = []

    def flush() -> None:
        docs_rows = [{"id": cid, "b": body} for cid, body in batch]
        conn.execute(text("INSERT INTO search_doc(capture_id, body) VALUES(:id, :b)"), docs_rows)
        conn.execute(text("INSERT INTO fts_tri(rowid, body) VALUES(:id, :b)"), docs_rows)
        conn.execute(
            text("INSERT INTO fts_char(rowid, body) VALUES(:id, :b)"),
            [{"id": cid, "b": spaced(body)} for cid, body in batch],
        )
        batch.clear()

    for doc in docs:
        batch.append(doc)
        n += 1
        if len(batch) >= _BATCH:
            flush()
    if batch:
        flush()
    return n


# ---------------------------------------------------------------------------- documents


def document_fields(
    ocr_text: str | None,
    note: str | None,
    purchase: Purchase | None,
    window_title: str | None = None,
    window_app: str | None = None,
) -> list[str | None]:
    """What a capture is found by, in order: its text as read, its note, the title and
    application of the window it was taken from (a WeChat window's title holds the
    seller's nickname), its purchase's title, order number and notes, and its seller's
    name and identifying fields."""
    fields: list[str | None] = [ocr_text, note, window_title, window_app]
    if purchase is not None:
        fields += [purchase.title, purchase.order_no, purchase.notes]
        if purchase.merchant is not None:
            fields += [getattr(purchase.merchant, f) for f in MERCHANT_TEXT_FIELDS]
    return fields


def parent_info(s: Session | None, parent_id: int | None) -> str | None:
    """The details (doc_info JSON) of the e-mail an attachment was filed from, or None."""
    if s is None or parent_id is None:
        return None
    return s.scalar(select(Capture.doc_info).where(Capture.id == parent_id))


def document_extra(c: Capture) -> list[str | None]:
    """A document's own fields (searching.document_extra_fields): an e-mail's headers and
    attachment names, and for a file filed from an e-mail, the e-mail's subject (so an
    invoice attached to an order e-mail is found by either). Nothing for an image."""
    return searching.document_extra_fields(
        c.doc_kind, c.doc_info, parent_info(object_session(c), c.parent_id)
    )


def capture_document(c: Capture) -> str:
    """The normalised document of capture `c` as the index should hold it now."""
    return build_document(
        document_fields(c.ocr_text, c.note, c.purchase, c.source_title, c.source_app) + document_extra(c)
    )


def reindex_capture(s: Session, c: Capture) -> None:
    """Bring capture `c`'s document up to date with its row (in the caller's transaction)."""
    s.flush()
    index_document(s.connection(), c.id, capture_document(c))


def reindex_purchase(s: Session, purchase_id: int) -> None:
    """Bring the documents of the captures filed under a purchase up to date (its title,
    order number, notes or seller changed)."""
    s.flush()
    for c in s.scalars(select(Capture).where(Capture.purchase_id == purchase_id)):
        reindex_capture(s, c)


def is_current(s: Session) -> bool:
    """Was the index built by this version's normaliser and layout?"""
    return state.get(s, state.SEARCH_INDEX_VERSION) == INDEX_VERSION


def rebuild(s: Session) -> int:
    """Build the whole index again from the rows. Returns the number of documents."""
    conn = s.connection()
    clear_index(conn)
    n = index_documents(conn, ((c.id, capture_document(c)) for c in s.scalars(select(Capture)).unique()))
    state.put(s, state.SEARCH_INDEX_VERSION, INDEX_VERSION)
    return n


def indexed_count(s: Session) -> int:
    return int(s.scalar(text("SELECT count(*) FROM search_doc")) or 0)


# ---------------------------------------------------------------------------- searching


def find(s: Session, parsed: ParsedQuery, filters: Filters, limit: int) -> list[SearchHit]:
    """Captures matching every term of `parsed` and the filters, best first, read in the
    session's read transaction (storage.searching.find has the plan)."""
    con = s.connection().connection.driver_connection
    assert isinstance(con, sqlite3.Connection)
    return searching.find(con, parsed, filters, limit)
