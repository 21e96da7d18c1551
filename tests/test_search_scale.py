"""Search at scale (docs/adr/011-search-at-scale.md): phone numbers however written, the
ranking, the query plan against a brute-force scan, the Trash among the candidates,
`main.py search` without opening the library (no SQLAlchemy), and read-ahead."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from storage import db as db_mod
from storage import quick_search, readahead, searching, state
from storage.library import DB_NAME, INBOX, Library
from storage.normalize import normalize
from storage.records import OcrData

from .conftest import ROOT


def _add(lib: Library, make_png, seed: int, text: str, at: str | None = None) -> int:
    c = lib.add_capture(make_png(seed), source="region", purchase_id=None, captured_at=at)
    lib.set_ocr_result(c.id, OcrData(text, "tesseract", "5", "chi_sim+eng"))
    return c.id


def found(lib: Library, q: str, **kw: object) -> list[int]:
    return [h.capture_id for h in lib.search(q, **kw)]  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- phones

PHONES = {
    "us_paren": "客服电话 (972) 420-8726 工作日",
    "cn_plus": "联系人 王先生 +86 138 0013 8000",
    "other": "快递员电话 139-1111-2222",
}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("(972) 420-8726", "us_paren"),
        ("972.420.8726", "us_paren"),
        ("972-420-8726", "us_paren"),
        ("+1 (972) 420-8726", "us_paren"),
        ("9724208726", "us_paren"),
        ("+86 138 0013 8000", "cn_plus"),
        ("138-0013-8000", "cn_plus"),
        ("138 0013 8000", "cn_plus"),
        ("+8613800138000", "cn_plus"),
        ("0086 13800138000", "cn_plus"),
        ("(138) 0013-8000", "cn_plus"),
    ],
)
def test_phone_numbers_match_however_they_are_written(
    lib: Library, make_png, query: str, expected: str
) -> None:
    ids = {name: _add(lib, make_png, i, text) for i, (name, text) in enumerate(PHONES.items())}
    assert found(lib, query) == [ids[expected]]


def test_a_number_written_with_its_country_code_is_found_by_the_national_number(
    lib: Library, make_png
) -> None:
    a = _add(lib, make_png, 1, "Tel: +44 75 8201 4215")
    b = _add(lib, make_png, 2, "电话 138-0013-8000")
    assert found(lib, "07582014215") == []  # a trunk 0 is not in the text as written
    assert found(lib, "75 8201 4215") == [a]
    assert found(lib, "+44 75 8201 4215") == [a]
    assert found(lib, "+86 138-0013-8000") == [b]


def test_national_number_leaves_other_numbers_alone() -> None:
    assert searching.national_number("2026102788123456") == "2026102788123456"
    assert searching.national_number("(021) 5555-1234") == "(021) 5555-1234"
    assert searching.national_number("+86 138 0013 8000") == "138 0013 8000"
    assert searching.national_number("8613800138000") == "13800138000"
    assert searching.parse_query("86 1380013").terms == ("861380013",)  # not a whole mobile number


# ---------------------------------------------------------------------------- ranking


def test_repeating_a_word_does_not_rank_above_the_newer_capture(lib: Library, make_png) -> None:
    old = _add(lib, make_png, 1, "仓库发货：郑州\n中转：郑州\n派送：郑州", "2026-10-01T00:00:00.000000Z")
    new = _add(lib, make_png, 2, "收货地址是郑州吗", "2026-10-02T00:00:00.000000Z")
    assert found(lib, "郑州") == [new, old]


def test_the_whole_phrase_ranks_before_scattered_terms_and_close_terms_before_far(
    lib: Library, make_png
) -> None:
    phrase = _add(lib, make_png, 1, "请尽快退款处理，谢谢" + "。" * 10 + "无关的话" * 10)
    close = _add(lib, make_png, 2, "退款的事情请尽快处理" + "无关的话" * 10)
    far = _add(lib, make_png, 3, "退款" + "无关的话" * 20 + "处理")
    assert found(lib, "退款 处理") == [phrase, close, far]


def test_a_number_standing_alone_ranks_before_one_inside_a_longer_number(lib: Library, make_png) -> None:
    alone = _add(lib, make_png, 1, "取件码 4644 请尽快取件")
    inside = _add(lib, make_png, 2, "订单号 2026464412345678")
    assert found(lib, "4644") == [alone, inside]


def test_a_document_starting_with_the_term_ranks_first(lib: Library, make_png) -> None:
    top = _add(lib, make_png, 1, "Oak Street Books\nSALES RECEIPT\nTotal 12.00")
    later = _add(lib, make_png, 2, "Your package was delivered\nFrom: Oak Street Books")
    assert found(lib, "Oak Street Books") == [top, later]


# ---------------------------------------------------------------------------- plan


WORDS = [
    "退款",
    "发货",
    "快递",
    "地址",
    "郑州",
    "原价",
    "refund",
    "order",
    "12.00",
    "13800138000",
    "SF1234567",
]


def _library_of(lib: Library, make_png, n: int, seed: int) -> dict[int, str]:
    r = random.Random(seed)
    texts = {}
    for i in range(n):
        text = " ".join(r.choice(WORDS) for _ in range(r.randint(1, 6)))
        texts[_add(lib, make_png, i, text)] = normalize(text)
    return texts


@pytest.mark.parametrize("probe", [2, 12, 30, 500])
def test_every_plan_finds_what_a_scan_finds(lib: Library, make_png, monkeypatch, probe: int) -> None:
    """Unfiltered searches take their candidates from fts_tri, fts_char, the documents of
    the long or of the short terms' matches, or fts_tri and fts_char merged
    (DOC_PROBE_LIMIT chooses); all of them agree with a substring scan."""
    monkeypatch.setattr(searching, "DOC_PROBE_LIMIT", probe)
    texts = _library_of(lib, make_png, 60, seed=probe)
    r = random.Random(7)
    for _ in range(60):
        q = " ".join(r.sample(WORDS, r.randint(1, 3)))
        terms = searching.parse_query(q).terms
        want = {cid for cid, body in texts.items() if all(t in body for t in terms)}
        assert set(found(lib, q, limit=1000)) == want, q


def test_common_long_and_short_terms_give_the_newest_captures_holding_both(
    lib: Library, make_png, monkeypatch
) -> None:
    """Long terms matching many captures (more than DOC_PROBE_LIMIT): fts_tri (long terms)
    and fts_char (short ones) are merged newest first, as far as the k newest captures
    holding every term."""
    monkeypatch.setattr(searching, "DOC_PROBE_LIMIT", 2)
    texts = _library_of(lib, make_png, 80, seed=3)
    con = sqlite3.connect(lib.db_path)
    try:
        for q in ("refund 退款", "SF1234567 发货"):
            parsed = searching.parse_query(q)
            holding = (cid for cid, body in texts.items() if all(t in body for t in parsed.terms))
            want = sorted(holding, reverse=True)
            assert len(want) > 3, q
            for k in (1, 3, 1000):
                got = [cid for cid, _body in searching.candidates(con, parsed, k)]
                assert got == want[:k], (q, k)
    finally:
        con.close()


@pytest.mark.parametrize("probe", [3, 10, 100])
def test_a_common_long_term_with_a_rare_short_one(lib: Library, make_png, monkeypatch, probe: int) -> None:
    """ "积木 screen": the long term in many captures, the short one in few. Whichever plan
    DOC_PROBE_LIMIT picks (the long term's documents, the short term's documents, or both
    indexes merged), the captures holding both come back, newest first."""
    monkeypatch.setattr(searching, "DOC_PROBE_LIMIT", probe)
    both = []
    for i in range(40):
        _add(lib, make_png, i, f"screen page {i}")
        if i % 10 == 3:
            both.append(_add(lib, make_png, 100 + i, f"积木 screen shot {i}"))
        if i % 17 == 5:
            _add(lib, make_png, 200 + i, f"积木 玩具 {i}")
    con = sqlite3.connect(lib.db_path)
    try:
        got = [cid for cid, _body in searching.candidates(con, searching.parse_query("积木 screen"), 400)]
    finally:
        con.close()
    assert got == sorted(both, reverse=True)
    assert sorted(found(lib, "积木 screen", limit=10)) == sorted(both)


def test_captures_in_the_trash_are_skipped_and_the_limit_still_filled(lib: Library, make_png) -> None:
    ids = [_add(lib, make_png, i, f"退款申请 第{i}次") for i in range(12)]
    lib.trash(ids[-5:])  # the five newest, which rank first among equals
    assert found(lib, "退款申请", limit=5) == list(reversed(ids[2:7]))
    assert len(found(lib, "退款申请", limit=1000)) == 7


def test_filtered_and_unfiltered_searches_agree(lib: Library, make_png) -> None:
    _library_of(lib, make_png, 40, seed=3)
    for q in ("退款", "refund 退款", "13800138000 快递"):
        plain = found(lib, q, limit=1000)
        dated = found(lib, q, limit=1000, since="2000-01-01")  # a filter that excludes nothing
        assert sorted(plain) == sorted(dated)


# ---------------------------------------------------------------------------- main.py search


def test_quick_search_gives_what_library_search_gives(lib: Library, make_png) -> None:
    _library_of(lib, make_png, 30, seed=5)
    for q in ("退款", "refund order", "郑州 12.00", "13800138000"):
        parsed = searching.parse_user_query(q)
        quick = quick_search.search(lib.root, parsed, searching.Filters(), 20)
        assert quick == lib.search(q)
        inbox = quick_search.search(lib.root, parsed, searching.Filters.parse(inbox=True), 5)
        assert inbox == lib.search(q, purchase_id=INBOX, limit=5)


def test_quick_search_steps_aside_when_the_library_needs_opening(
    lib: Library, make_png, tmp_path: Path
) -> None:
    _add(lib, make_png, 1, "退款")
    parsed = searching.parse_query("退款")
    assert quick_search.search(lib.root, parsed, searching.Filters(), 5) is not None
    assert quick_search.search(tmp_path / "nothing", parsed, searching.Filters(), 5) is None
    (lib.journal / "x.json").write_text("{}")
    assert quick_search.search(lib.root, parsed, searching.Filters(), 5) is None
    (lib.journal / "x.json").unlink()
    con = sqlite3.connect(lib.db_path)
    with con:
        con.execute("UPDATE settings SET value = '0.0' WHERE key = ?", (state.SEARCH_INDEX_VERSION,))
    con.close()
    assert quick_search.search(lib.root, parsed, searching.Filters(), 5) is None


def test_quick_search_constants_are_the_library_s() -> None:
    assert quick_search.DB_NAME == DB_NAME
    assert quick_search.INDEX_VERSION_KEY == state.SEARCH_INDEX_VERSION
    assert quick_search.BUSY_TIMEOUT_S * 1000 == db_mod.BUSY_TIMEOUT_MS
    assert quick_search.schema_head() == db_mod.SCHEMA_HEAD


def test_main_py_search_does_not_import_sqlalchemy(lib: Library, make_png) -> None:
    cid = _add(lib, make_png, 1, "售后电话 150-9903-4644")
    lib.close()
    code = (
        "import sys, json; sys.argv = ['main.py']; import main; "
        f"rc = main.main(['--library', {str(lib.root)!r}, 'search', '150 9903 4644', '--json']); "
        "print(json.dumps({'rc': rc, 'sqlalchemy': 'sqlalchemy' in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    hits, status = json.loads("\n".join(lines[:-1])), json.loads(lines[-1])
    assert status == {"rc": 0, "sqlalchemy": False}
    assert [h["capture_id"] for h in hits] == [cid]


def test_main_py_search_opens_a_library_that_needs_it(tmp_path: Path) -> None:
    """No library yet: the command creates it through Library.open (and finds nothing)."""
    out = subprocess.run(
        [sys.executable, "main.py", "--library", str(tmp_path / "new"), "search", "退款", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []
    assert (tmp_path / "new" / DB_NAME).is_file()


# ---------------------------------------------------------------------------- read-ahead


def test_random_reads_finds_sqlite_s_descriptor(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "x.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t(x)")
    advised: list[int] = []
    real = readahead._advise
    monkeypatch.setattr(readahead, "_advise", lambda p, a: advised.append(real(p, a)) or advised[-1])
    with readahead.random_reads(con):
        con.execute("SELECT * FROM t").fetchall()
    con.close()
    if Path("/proc/self/fd").is_dir():
        assert advised == [1, 1]  # RANDOM on entry, NORMAL on exit, on SQLite's one descriptor
    memory = sqlite3.connect(":memory:")
    with readahead.random_reads(memory):  # no file: nothing to advise
        memory.execute("SELECT 1").fetchall()
