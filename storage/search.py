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
neither raise nor change the meaning. Terms are ANDed. The FTS table drives the query
in descending rowid order with the filters joined on, so SQLite stops after the newest
few hundred matches (ordering a joined result instead cost 0.3-0.6 s at 100,000
captures); those are scored in Python by how often and how completely the query occurs.
See docs/adr/002-search-index.md and docs/benchmarks.md.

This module owns every row of the index: what a capture's document is
(`document_fields`), writing it in the caller's transaction (`reindex_capture`,
`index_documents`), rebuilding it (`rebuild`) and the hand-built SQL that searches it
(`find`). Nothing else writes `search_doc`, `fts_tri` or `fts_char`; the benchmarks
build their libraries through `Library.bulk_add`, which calls `index_documents` too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session, object_session

from . import state
from .errors import InvalidInput
from .models import Capture, Purchase
from .normalize import FIELD_SEPARATOR, NORMALIZER_VERSION, is_cjk, normalize, normalize_with_map
from .records import MERCHANT_TEXT_FIELDS, SearchHit
from .values import local_day_bound_utc, parse_status

#: Bump when the layout of the index tables' contents changes (libraries rebuild at open).
#: 3: a capture's window title and application (migration 0003) are in its document.
#: 4: a document's details (migration 0005): an e-mail's From, To, Cc, Subject and
#:    attachment names; an attachment's e-mail's subject.
INDEX_FORMAT = 4
#: What an index is built for (the normaliser and the layout); kept in the settings
#: table (state.SEARCH_INDEX_VERSION). A library whose index differs rebuilds it at open.
INDEX_VERSION = f"{NORMALIZER_VERSION}.{INDEX_FORMAT}"

#: How many of the newest matching captures are scored for ranking.
CANDIDATES = 400
#: A query longer than this is cut (a pasted paragraph is still a fine query).
MAX_QUERY_CHARS = 500
MAX_TERMS = 16

_DIGITS_ONLY = re.compile(r"^[\d\s\-+()（）.]+$")


def spaced(body: str) -> str:
    """The per-character form indexed in fts_char: each character as its code point
    in hex, so every character is one ASCII token whatever SQLite's Unicode tables
    think of it (a phrase of such tokens is exactly a substring)."""
    return " ".join(format(ord(ch), "x") for ch in body)


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[str, ...]  # normalised, non-empty, de-duplicated

    @property
    def empty(self) -> bool:
        return not self.terms


def parse_query(query: str) -> ParsedQuery:
    """Split a user's query into normalised AND terms.

    A query made only of digits and separators ("138 0013 8000", "(021) 5555-1234")
    is one number, so its groups are joined instead of being separate terms.
    """
    query = query[:MAX_QUERY_CHARS]
    raw_terms = [query] if _DIGITS_ONLY.match(query) else query.split()
    normalised: list[str] = []
    in_run = False
    for raw in raw_terms:
        t = normalize(raw)
        if not t:
            continue
        # Chinese puts no spaces between words: single characters separated by spaces
        # (as in text copied from tesseract's output, "退 款") are one phrase.
        single = len(t) == 1 and is_cjk(t)
        if single and in_run:
            normalised[-1] += t
        else:
            normalised.append(t)
        in_run = single
    terms: list[str] = []
    for t in normalised:
        if t not in terms:
            terms.append(t)
    # A term contained in another term adds nothing to an AND.
    terms = [t for t in terms if not any(t != o and t in o for o in terms)]
    return ParsedQuery(tuple(terms[:MAX_TERMS]))


def _fts_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


#: With both long and short terms: if the long terms match fewer captures than this,
#: the short terms are checked on those documents directly; else fts_char drives.
PROBE_LIMIT = 3000


@dataclass(frozen=True)
class CandidatePlan:
    """How to find matching captures: an FTS table to drive the query (newest rowid
    first, so SQLite stops after the candidates it needs) and substring checks on the
    normalised document `d.body` for terms that table does not cover."""

    table: str | None  # "fts_tri", "fts_char", or None: no FTS, check every term on d.body
    params: dict[str, str]
    checks: tuple[str, ...]


def _instr_checks(terms: Sequence[str], params: dict[str, str]) -> tuple[str, ...]:
    checks = []
    for i, t in enumerate(terms):
        params[f"s{i}"] = t
        checks.append(f"instr(d.body, :s{i}) > 0")
    return tuple(checks)


def plan_candidates(conn: Connection, parsed: ParsedQuery, narrow: bool = False) -> CandidatePlan:
    """Choose how to find the captures containing every term of `parsed`.

    `narrow` means the caller's filters already select few captures (one purchase):
    then scanning those documents beats any full-text index."""
    long_terms = [t for t in parsed.terms if len(t) >= 3]
    short_terms = [t for t in parsed.terms if len(t) < 3]
    params: dict[str, str] = {}
    if narrow:
        return CandidatePlan(None, params, _instr_checks(parsed.terms, params))
    if long_terms:
        params["m"] = " AND ".join(_fts_string(t) for t in long_terms)
        if not short_terms:
            return CandidatePlan("fts_tri", params, ())
        n = conn.execute(
            text(
                f"SELECT count(*) FROM (SELECT rowid FROM fts_tri WHERE fts_tri MATCH :m LIMIT {PROBE_LIMIT})"
            ),
            params,
        ).scalar_one()
        if n < PROBE_LIMIT:
            return CandidatePlan("fts_tri", params, _instr_checks(short_terms, params))
    params = {"m": " AND ".join(_fts_string(spaced(t)) for t in parsed.terms)}
    return CandidatePlan("fts_char", params, ())


def count_matches(conn: Connection, parsed: ParsedQuery) -> int:
    """How many documents (the Trash's included) contain every term of `parsed`, counted
    on the per-character index, which answers terms of any length. For statistics such as
    the benchmarks' "matches", not for searching."""
    if parsed.empty:
        return 0
    m = " AND ".join(_fts_string(spaced(t)) for t in parsed.terms)
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


def _info(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def email_fields(doc_info: str | None) -> list[str | None]:
    """What an e-mail is found by besides its text: its From, To, Cc and Subject headers
    and the names of its attachments (storage.documents DocInfo.info of an e-mail)."""
    info = _info(doc_info)
    fields: list[str | None] = [_text(info.get(k)) for k in ("subject", "from", "to", "cc")]
    attachments = info.get("attachments")
    if isinstance(attachments, list):
        fields += [_text(a.get("name")) for a in attachments if isinstance(a, dict)]
    return fields


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def parent_subject(s: Session | None, parent_id: int | None) -> str | None:
    """The subject of the e-mail an attachment was filed from (None when there is none)."""
    if s is None or parent_id is None:
        return None
    raw = s.scalar(select(Capture.doc_info).where(Capture.id == parent_id))
    return _text(_info(raw).get("subject"))


def document_extra(c: Capture) -> list[str | None]:
    """A document's own fields: an e-mail's headers and attachment names, and for a file
    filed from an e-mail, the e-mail's subject (so an invoice attached to an order e-mail
    is found by either). Nothing for an image."""
    fields: list[str | None] = []
    if c.doc_kind == "email":
        fields += email_fields(c.doc_info)
    if c.parent_id is not None:
        fields.append(parent_subject(object_session(c), c.parent_id))
    return fields


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


def parse_user_query(query: object) -> ParsedQuery:
    """The query a user typed, parsed; refused when it is not text or has nothing to find."""
    if not isinstance(query, str):
        raise InvalidInput("the search must be text")
    parsed = parse_query(query)
    if parsed.empty:
        raise InvalidInput("type a word, a number or some Chinese characters to search for")
    return parsed


@dataclass(frozen=True)
class Filters:
    """What narrows a search besides the query: one purchase or the Inbox, a seller, a
    purchase status, an OCR state, and a range of capture times (UTC bounds)."""

    purchase_id: int | None = None
    inbox: bool = False
    merchant_id: int | None = None
    status: str | None = None
    ocr_status: str | None = None
    since: str | None = None
    until: str | None = None

    @classmethod
    def parse(
        cls,
        *,
        purchase_id: int | None = None,
        inbox: bool = False,
        merchant_id: int | None = None,
        status: str | None = None,
        ocr_status: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Filters:
        """Filters as a user gave them: `status` in any accepted spelling, `since` and
        `until` local dates (or date-times)."""
        return cls(
            purchase_id=None if inbox else purchase_id,
            inbox=inbox,
            merchant_id=merchant_id,
            status=parse_status(status) if status else None,
            ocr_status=ocr_status or None,
            since=local_day_bound_utc(since, end=False, field="--since") if since else None,
            until=local_day_bound_utc(until, end=True, field="--until") if until else None,
        )

    def sql(self) -> tuple[list[str], dict[str, Any]]:
        """SQL conditions on `c` (captures) and `p` (purchases), and their parameters."""
        where = ["c.deleted_at IS NULL"]
        args: dict[str, Any] = {}
        if self.inbox:
            where.append("c.purchase_id IS NULL")
        elif self.purchase_id is not None:
            where.append("c.purchase_id = :pid")
            args["pid"] = self.purchase_id
        if self.merchant_id is not None:
            where.append("p.merchant_id = :mid")
            args["mid"] = self.merchant_id
        if self.status:
            where.append("p.status = :status")
            args["status"] = self.status
        if self.ocr_status:
            where.append("c.ocr_status = :ocr")
            args["ocr"] = self.ocr_status
        if self.since:
            where.append("c.captured_at >= :since")
            args["since"] = self.since
        if self.until:
            where.append("c.captured_at <= :until")
            args["until"] = self.until
        return where, args


def find(s: Session, parsed: ParsedQuery, filters: Filters, limit: int) -> list[SearchHit]:
    """Captures matching every term of `parsed` and the filters, best first.

    The FTS table chosen by `plan_candidates` drives the query newest first with the
    filters joined on, so SQLite stops after CANDIDATES rows; those are scored in Python.
    """
    limit = max(1, min(int(limit), 1000))
    where, args = filters.sql()
    args["cand"] = max(CANDIDATES, limit)
    plan = plan_candidates(s.connection(), parsed, narrow=filters.purchase_id is not None)
    args.update(plan.params)
    conditions = " AND ".join([*where, *plan.checks])
    if plan.table is None:
        sql = (
            "SELECT c.id, d.body, c.captured_at FROM captures c "
            "JOIN search_doc d ON d.capture_id = c.id "
            "LEFT JOIN purchases p ON p.id = c.purchase_id "
            f"WHERE {conditions} ORDER BY c.id DESC LIMIT :cand"
        )
    else:
        sql = (
            f"SELECT c.id, d.body, c.captured_at FROM {plan.table} f "
            "JOIN captures c ON c.id = f.rowid "
            "JOIN search_doc d ON d.capture_id = c.id "
            "LEFT JOIN purchases p ON p.id = c.purchase_id "
            f"WHERE {plan.table} MATCH :m AND {conditions} ORDER BY f.rowid DESC LIMIT :cand"
        )
    rows = s.execute(text(sql), args).all()
    scored = [(score_document(body, parsed), at, cid) for cid, body, at in rows]
    # Best score first; among equals, newest first (two stable sorts).
    scored.sort(key=lambda t: (t[1], t[2]), reverse=True)
    scored.sort(key=lambda t: -t[0])
    top = scored[:limit]
    caps = {c.id: c for c in s.scalars(select(Capture).where(Capture.id.in_([t[2] for t in top]))).unique()}
    hits = []
    for score, _at, cid in top:
        c = caps[cid]
        snip, marks, field = _snippet_for(c, parsed)
        hits.append(
            SearchHit(
                capture_id=c.id,
                purchase_id=c.purchase_id,
                purchase_title=c.purchase.title if c.purchase else None,
                sha256=c.sha256,
                captured_at=c.captured_at,
                ocr_status=c.ocr_status,
                snippet=snip,
                highlights=marks,
                score=score,
                field=field,
            )
        )
    return hits


def _snippet_for(c: Capture, parsed: ParsedQuery) -> tuple[str, tuple[tuple[int, int], ...], str]:
    """The snippet shown for a hit: from the first of OCR text, note, source window and
    purchase details that has a match (else the first that has text), with where it came from."""
    p = c.purchase
    m = p.merchant if p else None
    window = " · ".join(x for x in (c.source_title, c.source_app) if x)
    sources: list[tuple[str, str | None]] = [("ocr", c.ocr_text), ("note", c.note), ("window", window)]
    extra = [f for f in document_extra(c) if f]
    if extra:
        sources.append(("document", " · ".join(extra)))
    if p is not None:
        meta = [p.title, p.order_no, p.notes]
        if m is not None:
            meta += [getattr(m, f) for f in MERCHANT_TEXT_FIELDS]
        sources.append(("purchase", " · ".join(x for x in meta if x)))
    fallback: tuple[str, tuple[tuple[int, int], ...], str] | None = None
    for field, value in sources:
        if not value:
            continue
        snip, marks = snippet(value, parsed)
        if marks:
            return snip, marks, field
        if fallback is None:
            fallback = (snip, (), field)
    return fallback or ("", (), "ocr")


def score_document(body: str, parsed: ParsedQuery) -> float:
    """Rank a matching document: every occurrence of a term counts (a few times at
    most), longer terms count more, and the whole query standing together counts most."""
    score = 0.0
    for t in parsed.terms:
        n = body.count(t)
        score += min(n, 5) * (1.0 + len(t) / 4)
    if len(parsed.terms) > 1 and "".join(parsed.terms) in body:
        score += 10.0
    return round(score, 3)


def snippet(display: str, parsed: ParsedQuery, width: int = 36) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Cut a snippet of `display` (text as read) around the first match and return it
    with the [start, end) offsets of every match inside the snippet."""
    norm, origin = normalize_with_map(display)
    spans: list[tuple[int, int]] = []
    for t in parsed.terms:
        start = 0
        while True:
            i = norm.find(t, start)
            if i < 0:
                break
            spans.append((origin[i], origin[i + len(t) - 1] + 1))
            start = i + len(t)
    one_line = " ".join(display.split())
    if not spans:
        return (one_line[: width * 2] + ("…" if len(one_line) > width * 2 else "")), ()
    spans.sort()
    first = spans[0][0]
    lo = max(0, first - width // 2)
    hi = min(len(display), lo + width * 2)
    lo = max(0, min(lo, hi - width * 2))
    # Rebuild the window on a single line while keeping offsets right.
    out: list[str] = []
    pos_map: dict[int, int] = {}
    prev_space = False
    for i in range(lo, hi):
        ch = display[i]
        if ch.isspace():
            if prev_space:
                pos_map[i] = len(out)
                continue
            ch = " "
            prev_space = True
        else:
            prev_space = False
        pos_map[i] = len(out)
        out.append(ch)
    pos_map[hi] = len(out)
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(display) else ""
    shift = len(prefix)
    highlights: list[tuple[int, int]] = []
    for s, e in spans:
        if s >= lo and e <= hi:
            a, b = pos_map[s] + shift, pos_map[e] + shift
            if highlights and a <= highlights[-1][1]:
                highlights[-1] = (highlights[-1][0], max(b, highlights[-1][1]))
            else:
                highlights.append((a, b))
    return prefix + "".join(out) + suffix, tuple(highlights)
