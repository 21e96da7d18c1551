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
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from .normalize import FIELD_SEPARATOR, is_cjk, normalize, normalize_with_map

#: Bump when the layout of the index tables' contents changes (libraries rebuild at open).
INDEX_FORMAT = 2

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
