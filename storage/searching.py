"""Searching the index (ARCHITECTURE.md §6): query parsing, the query plan, ranking and
snippets, on a plain sqlite3 connection.

`storage.search` owns what the index holds and writes it; this module only reads it, and
imports neither SQLAlchemy nor the models, so a command that only searches (`main.py
search`) starts without them (docs/adr/011-search-at-scale.md). `storage.search.find`
runs it on the connection of a SQLAlchemy session's read transaction.

Plan of a search without filters (the library window's search box, `main.py search`):

1. candidates: the newest CANDIDATES captures matching every term, from the FTS indexes
   and `search_doc` only (`candidates`), so no captures row is read for them;
2. their normalised documents from `search_doc` (a narrow table: about seven documents a
   page), scored in Python;
3. captures rows only for the best few, walked in rank order until `limit` not in the
   Trash are found.

The captures table's rows are large (OCR word boxes), and every column after them costs
the whole row; reading a few dozen instead of 400 a query is most of what a cold search
saves (docs/benchmarks.md). With filters (a purchase, a seller, a status, dates), the
FTS table drives a join with the filters in newest-first order, as before, so that a
selective filter with a common word still finds its newest matches.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .errors import InvalidInput
from .normalize import FIELD_SEPARATOR, NORMALIZER_VERSION, is_cjk, normalize, normalize_with_map
from .readahead import random_reads
from .records import MERCHANT_TEXT_FIELDS, SearchHit
from .values import local_day_bound_utc, parse_status

#: Bump when the layout of the index tables' contents changes (libraries rebuild at open).
#: 3: a capture's window title and application (migration 0003) are in its document.
#: 4: a document's details (migration 0005): an e-mail's From, To, Cc, Subject and
#:    attachment names; an attachment's e-mail's subject.
INDEX_FORMAT = 4
#: (It is here, not in storage.search, so that `quick_search` can tell a current index
#: without SQLAlchemy.)
#: What an index is built for (the normaliser and the layout); kept in the settings
#: table (state.SEARCH_INDEX_VERSION). A library whose index differs rebuilds it at open.
INDEX_VERSION = f"{NORMALIZER_VERSION}.{INDEX_FORMAT}"

#: How many of the newest matching captures are scored for ranking.
CANDIDATES = 400
#: A query longer than this is cut (a pasted paragraph is still a fine query).
MAX_QUERY_CHARS = 500
MAX_TERMS = 16

_DIGITS_ONLY = re.compile(r"^[\d\s\-+()（）.]+$")
#: "+86 138…", "+1 (878) 555-8502", "+44 75 8201 4215": a country code, then the number.
_COUNTRY_CODE = re.compile(r"^\s*(?:\+\s*\d{1,3}|0086)[\s\-.(（]+(?=\d|\()")
_CN_MOBILE = re.compile(r"^(?:0086|86)(1\d{10})$")


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


def national_number(query: str) -> str:
    """A phone number typed with its country code ("+86 138 0013 8000", "+1 (878)
    555-8502", "0086 13800138000", "+8613800138000") without it, so that it also finds the
    number written the national way ("138-0013-8000", "(878) 555-8502"); the text written
    with the country code holds the national number too. Anything else is returned as is."""
    m = _COUNTRY_CODE.match(query)
    if m:
        return query[m.end() :]
    # Without separators: 86 or 0086, then a Chinese mobile number (1xx xxxx xxxx).
    cn = _CN_MOBILE.match(re.sub(r"\D", "", query))
    return cn.group(1) if cn else query


def parse_query(query: str) -> ParsedQuery:
    """Split a user's query into normalised AND terms.

    A query made only of digits and separators ("138 0013 8000", "(021) 5555-1234")
    is one number, so its groups are joined instead of being separate terms; a country
    code in front of it ("+86", "+1") is dropped (`national_number`).
    """
    query = query[:MAX_QUERY_CHARS]
    raw_terms = [national_number(query)] if _DIGITS_ONLY.match(query) else query.split()
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


def parse_user_query(query: object) -> ParsedQuery:
    """The query a user typed, parsed; refused when it is not text or has nothing to find."""
    if not isinstance(query, str):
        raise InvalidInput("the search must be text")
    parsed = parse_query(query)
    if parsed.empty:
        raise InvalidInput("type a word, a number or some Chinese characters to search for")
    return parsed


def fts_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def char_match(terms: Sequence[str]) -> str:
    """The fts_char MATCH expression: every term as a phrase of its characters."""
    return " AND ".join(fts_string(spaced(t)) for t in terms)


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


def plan_candidates(con: sqlite3.Connection, parsed: ParsedQuery, narrow: bool = False) -> CandidatePlan:
    """Choose how to find the captures containing every term of `parsed` (with filters).

    `narrow` means the caller's filters already select few captures (one purchase):
    then scanning those documents beats any full-text index."""
    long_terms = [t for t in parsed.terms if len(t) >= 3]
    short_terms = [t for t in parsed.terms if len(t) < 3]
    params: dict[str, str] = {}
    if narrow:
        return CandidatePlan(None, params, _instr_checks(parsed.terms, params))
    if long_terms:
        params["m"] = " AND ".join(fts_string(t) for t in long_terms)
        if not short_terms:
            return CandidatePlan("fts_tri", params, ())
        n = con.execute(
            f"SELECT count(*) FROM (SELECT rowid FROM fts_tri WHERE fts_tri MATCH :m LIMIT {PROBE_LIMIT})",
            params,
        ).fetchone()[0]
        if n < PROBE_LIMIT:
            return CandidatePlan("fts_tri", params, _instr_checks(short_terms, params))
    params = {"m": char_match(parsed.terms)}
    return CandidatePlan("fts_char", params, ())


#: A search without filters and with long and short terms: when the long terms match fewer
#: captures than this, their documents are read and the short terms checked on them; else
#: fts_char answers every term (docs/adr/011-search-at-scale.md).
DOC_PROBE_LIMIT = 500


def candidates(con: sqlite3.Connection, parsed: ParsedQuery, k: int) -> list[tuple[int, str]]:
    """(id, document) of the newest `k` captures (the Trash's included) whose document
    holds every term, from the FTS indexes and `search_doc` only (no captures row).

    Every term 3+ characters long: `fts_tri`. Only short terms: `fts_char`, every term a
    phrase. Both: the long terms' matches from `fts_tri` when they are few (their
    documents are read for ranking anyway, and a short term is checked on them), else the
    short terms' from `fts_char` when they are few (the long terms checked on them), else
    the long terms from `fts_tri` and the short ones from `fts_char`, merged newest first.
    (`fts_char` with a long term as a phrase walks the doclists of its characters, in
    nearly every document: 3,000 pages at 100,000 captures for a long number.)"""
    long_terms = [t for t in parsed.terms if len(t) >= 3]
    short_terms = [t for t in parsed.terms if len(t) < 3]
    tri = "SELECT rowid FROM fts_tri WHERE fts_tri MATCH ? ORDER BY rowid DESC LIMIT ?"
    if long_terms:
        m = " AND ".join(fts_string(t) for t in long_terms)
        if not short_terms:
            return _bodies(con, [r for (r,) in con.execute(tri, (m, k))])
        ids = [r for (r,) in con.execute(tri, (m, DOC_PROBE_LIMIT))]
        if len(ids) < DOC_PROBE_LIMIT:
            docs = _bodies(con, ids)
            return [(cid, body) for cid, body in docs if all(t in body for t in short_terms)][:k]
        # The long terms are common: each index answers its own terms, newest first, and
        # the two lists are merged. fts_char with the long terms as phrases of their
        # characters would walk the doclists of every letter ("积木 screen": 14 MB cold at
        # 1,000,000 captures; docs/benchmarks.md).
        short = "SELECT rowid FROM fts_char WHERE fts_char MATCH ? ORDER BY rowid DESC"
        cm = char_match(short_terms)
        ids = [r for (r,) in con.execute(short + " LIMIT ?", (cm, DOC_PROBE_LIMIT))]
        if len(ids) < DOC_PROBE_LIMIT:  # the short terms are the rare ones
            docs = _bodies(con, ids)
            return [(cid, body) for cid, body in docs if all(t in body for t in long_terms)][:k]
        both = _intersect_newest(
            con.execute(tri.removesuffix(" LIMIT ?"), (m,)), con.execute(short, (cm,)), k
        )
        return _bodies(con, both)
    sql = "SELECT rowid FROM fts_char WHERE fts_char MATCH ? ORDER BY rowid DESC LIMIT ?"
    return _bodies(con, [r for (r,) in con.execute(sql, (char_match(parsed.terms), k))])


def _intersect_newest(a: sqlite3.Cursor, b: sqlite3.Cursor, k: int) -> list[int]:
    """The first `k` ids found in both cursors, each of which yields (id,) rows in
    descending id order; each is read only as far as needed."""
    out: list[int] = []
    x, y = a.fetchone(), b.fetchone()
    while x is not None and y is not None and len(out) < k:
        if x[0] == y[0]:
            out.append(int(x[0]))
            x, y = a.fetchone(), b.fetchone()
        elif x[0] > y[0]:
            x = a.fetchone()
        else:
            y = b.fetchone()
    a.close()
    b.close()
    return out


# ---------------------------------------------------------------------------- filters


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

    @property
    def none(self) -> bool:
        """Nothing narrows the search but the Trash."""
        return self == Filters()

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


# ---------------------------------------------------------------------------- finding

#: What a hit needs of its capture, purchase and seller (not the OCR word boxes).
_HIT_COLUMNS = (
    "c.id, c.purchase_id, c.sha256, c.captured_at, c.ocr_status, c.ocr_text, c.note, "
    "c.source_title, c.source_app, c.deleted_at, c.doc_kind, c.doc_info, "
    "(SELECT pc.doc_info FROM captures pc WHERE pc.id = c.parent_id), p.title, p.order_no, p.notes, "
    + ", ".join(f"m.{f}" for f in MERCHANT_TEXT_FIELDS)
)
_HIT_FROM = "FROM captures c LEFT JOIN purchases p ON p.id = c.purchase_id LEFT JOIN merchants m ON m.id = p.merchant_id"


def find(con: sqlite3.Connection, parsed: ParsedQuery, filters: Filters, limit: int) -> list[SearchHit]:
    """Captures matching every term of `parsed` and the filters, best first (run inside
    the caller's read transaction on `con`), with the kernel's read-ahead off for the
    database meanwhile (storage.readahead)."""
    with random_reads(con):
        return _find(con, parsed, filters, limit)


def _find(con: sqlite3.Connection, parsed: ParsedQuery, filters: Filters, limit: int) -> list[SearchHit]:
    limit = max(1, min(int(limit), 1000))
    k = max(CANDIDATES, limit)
    docs = candidates(con, parsed, k) if filters.none else _filtered(con, parsed, filters, k)
    scored = [(score_document(body, parsed), cid) for cid, body in docs]
    # Best score first; among equals, the newest capture (the highest id) first.
    scored.sort(key=lambda t: (-t[0], -t[1]))
    hits: list[SearchHit] = []
    start = 0
    while len(hits) < limit and start < len(scored):
        # The best few not in the Trash (1% of captures are, typically): a few more rows
        # than needed, then more if the Trash took some.
        chunk = scored[start : start + (limit - len(hits)) + 4]
        start += len(chunk)
        rows = _hit_rows(con, [cid for _s, cid in chunk])
        for score, cid in chunk:
            row = rows.get(cid)
            if row is not None and row["deleted_at"] is None and len(hits) < limit:
                hits.append(_hit(row, parsed, score))
    return hits


def _bodies(con: sqlite3.Connection, ids: Sequence[int]) -> list[tuple[int, str]]:
    """(id, document) for `ids`, in their order."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    found = dict(
        con.execute(
            f"SELECT capture_id, body FROM search_doc WHERE capture_id IN ({marks}) ORDER BY capture_id DESC",
            ids,
        )
    )
    return [(cid, found[cid]) for cid in ids if cid in found]


def _filtered(
    con: sqlite3.Connection, parsed: ParsedQuery, filters: Filters, k: int
) -> list[tuple[int, str]]:
    """(id, document) of the newest `k` captures matching the terms and the filters: the
    FTS table chosen by `plan_candidates` drives the join newest first, so SQLite stops
    after `k` rows."""
    where, args = filters.sql()
    args["cand"] = k
    plan = plan_candidates(con, parsed, narrow=filters.purchase_id is not None)
    args.update(plan.params)
    conditions = " AND ".join([*where, *plan.checks])
    if plan.table is None:
        sql = (
            "SELECT c.id, d.body FROM captures c "
            "JOIN search_doc d ON d.capture_id = c.id "
            "LEFT JOIN purchases p ON p.id = c.purchase_id "
            f"WHERE {conditions} ORDER BY c.id DESC LIMIT :cand"
        )
    else:
        sql = (
            f"SELECT c.id, d.body FROM {plan.table} f "
            "JOIN captures c ON c.id = f.rowid "
            "JOIN search_doc d ON d.capture_id = c.id "
            "LEFT JOIN purchases p ON p.id = c.purchase_id "
            f"WHERE {plan.table} MATCH :m AND {conditions} ORDER BY f.rowid DESC LIMIT :cand"
        )
    return [(int(cid), str(body)) for cid, body in con.execute(sql, args)]


def _hit_rows(con: sqlite3.Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    cur = con.execute(f"SELECT {_HIT_COLUMNS} {_HIT_FROM} WHERE c.id IN ({marks})", ids)
    names = [
        "id",
        "purchase_id",
        "sha256",
        "captured_at",
        "ocr_status",
        "ocr_text",
        "note",
        "source_title",
        "source_app",
        "deleted_at",
        "doc_kind",
        "doc_info",
        "parent_info",
        "p_title",
        "p_order_no",
        "p_notes",
        *(f"m_{f}" for f in MERCHANT_TEXT_FIELDS),
    ]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cur}


def _hit(row: dict[str, Any], parsed: ParsedQuery, score: float) -> SearchHit:
    snip, marks, field = snippet_for(snippet_sources(row), parsed)
    return SearchHit(
        capture_id=row["id"],
        purchase_id=row["purchase_id"],
        purchase_title=row["p_title"] if row["purchase_id"] is not None else None,
        sha256=row["sha256"],
        captured_at=row["captured_at"],
        ocr_status=row["ocr_status"],
        snippet=snip,
        highlights=marks,
        score=score,
        field=field,
    )


def _json_dict(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def email_fields(doc_info: str | None) -> list[str | None]:
    """What an e-mail is found by besides its text: its From, To, Cc and Subject headers
    and the names of its attachments (storage.documents DocInfo.info of an e-mail)."""
    info = _json_dict(doc_info)
    fields: list[str | None] = [_text(info.get(k)) for k in ("subject", "from", "to", "cc")]
    attachments = info.get("attachments")
    if isinstance(attachments, list):
        fields += [_text(a.get("name")) for a in attachments if isinstance(a, dict)]
    return fields


def document_extra_fields(
    doc_kind: str | None, doc_info: str | None, parent_info: str | None
) -> list[str | None]:
    """A document's own searchable fields: an e-mail's headers and attachment names, and for
    a file filed from an e-mail (`parent_info`: that e-mail's doc_info), its subject."""
    fields: list[str | None] = []
    if doc_kind == "email":
        fields += email_fields(doc_info)
    if parent_info is not None:
        fields.append(_text(_json_dict(parent_info).get("subject")))
    return fields


def snippet_sources(row: dict[str, Any]) -> list[tuple[str, str | None]]:
    """Where a hit's snippet may come from, in order: OCR text, note, source window and
    purchase details (its title, order number, notes and seller's fields)."""
    window = " · ".join(x for x in (row["source_title"], row["source_app"]) if x)
    sources: list[tuple[str, str | None]] = [
        ("ocr", row["ocr_text"]),
        ("note", row["note"]),
        ("window", window),
    ]
    extra = [f for f in document_extra_fields(row["doc_kind"], row["doc_info"], row["parent_info"]) if f]
    if extra:
        sources.append(("document", " · ".join(extra)))
    if row["purchase_id"] is not None:
        meta = [row["p_title"], row["p_order_no"], row["p_notes"]]
        meta += [row[f"m_{f}"] for f in MERCHANT_TEXT_FIELDS]
        sources.append(("purchase", " · ".join(x for x in meta if x)))
    return sources


def snippet_for(
    sources: Sequence[tuple[str, str | None]], parsed: ParsedQuery
) -> tuple[str, tuple[tuple[int, int], ...], str]:
    """The snippet shown for a hit: from the first source that has a match (else the
    first that has text), with where it came from."""
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


# ---------------------------------------------------------------------------- ranking


#: A term found this near the start of a document (the document starts with it, perhaps
#: after a clock's digits: a chat's title, a shop's name on a receipt) weighs more.
HEAD_CHARS = 4
#: Terms found this close together (in characters of the normalised document) count as
#: standing together.
NEAR_CHARS = 24
#: What a second and a third occurrence, an occurrence near the start and a number standing
#: alone add to a term's weight (chosen with bench/scale_recall.py).
REPEAT_WEIGHT = 0.0
HEAD_WEIGHT = 0.5
ALONE_WEIGHT = 0.5


def score_document(body: str, parsed: ParsedQuery) -> float:
    """Rank a matching document (docs/adr/011-search-at-scale.md).

    Per term, weighted by its length (a longer term is more specific): being there counts;
    repeating it does not (REPEAT_WEIGHT 0: a capture that repeats a word is hardly more
    about it than one that says it once, and look-alike captures repeat common words, so
    counting occurrences put them above the capture looked for); the document starting with
    it and a number standing alone (not inside a longer run of digits) add more. The whole query as one phrase counts most,
    the terms close together less. Equal scores go to the newest capture (the caller)."""
    score = 0.0
    for t in parsed.terms:
        first = body.find(t)
        if first < 0:
            continue
        w = 1.0 + len(t) / 4
        n = body.count(t)
        score += w * (1.0 + REPEAT_WEIGHT * min(n - 1, 2))
        if first < HEAD_CHARS:
            score += HEAD_WEIGHT * w
        if t.isdigit() and _stands_alone(body, t, first):
            score += ALONE_WEIGHT * w
    if len(parsed.terms) > 1:
        if "".join(parsed.terms) in body:
            score += 10.0
        elif _near(body, parsed.terms):
            score += 5.0
    return round(score, 3)


def _stands_alone(body: str, term: str, start: int) -> bool:
    """Does some occurrence of the digits `term` have no digit right before or after it?"""
    while start >= 0:
        end = start + len(term)
        if (start == 0 or not body[start - 1].isdigit()) and (end == len(body) or not body[end].isdigit()):
            return True
        start = body.find(term, start + 1)
    return False


def _near(body: str, terms: Sequence[str]) -> bool:
    """Do all `terms` occur within NEAR_CHARS of the first one's some occurrence?"""
    head = terms[0]
    start = body.find(head)
    while start >= 0:
        lo, hi = max(0, start - NEAR_CHARS), start + len(head) + NEAR_CHARS
        window = body[lo:hi]
        if all(t in window for t in terms[1:]):
            return True
        start = body.find(head, start + 1)
    return False


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


__all__ = [
    "CANDIDATES",
    "FIELD_SEPARATOR",
    "CandidatePlan",
    "Filters",
    "ParsedQuery",
    "find",
    "parse_query",
    "parse_user_query",
    "score_document",
    "snippet",
    "spaced",
]
