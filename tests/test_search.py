"""Search: normalisation, short Chinese words, phone formats, AND, filters, hostile input."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.errors import InvalidInput
from storage.library import INBOX, Library
from storage.normalize import normalize
from storage.records import OcrData
from storage.search import parse_query, snippet

TEXTS = {
    "chat": "客服糖糖\n您可以直接联系我们售后电话\n150-9903-4644\n退款¥157.00已原路返回，请注\n意查收",
    "order": "订单编号 2026102788123456\n实付款 ￥ 89.90\n物流单号 SF1234567890123\n发货时间 2026-10-27",
    "email": "Dear customer, your refund of $45.00 has been approved.\nOrder #A-55231 shipped via UPS.",
    "spaced": "退 款 申 请 已 提 交 ， 商 家 同 意 七 天 无 理 由",
}


@pytest.fixture
def filled(lib: Library, make_png) -> tuple[Library, dict[str, int]]:
    ids = {}
    for i, (name, text) in enumerate(TEXTS.items()):
        c = lib.add_capture(make_png(i), source="import", purchase_id=None)
        lib.set_ocr_result(c.id, OcrData(text, "tesseract", "5.3.0", "chi_sim+eng"))
        ids[name] = c.id
    return lib, ids


def found(lib: Library, q: str, **kw: object) -> list[int]:
    return [h.capture_id for h in lib.search(q, **kw)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("退款", {"chat", "spaced"}),  # two-character Chinese word
        ("售后电话", {"chat"}),
        ("请注意查收", {"chat"}),  # across a wrapped line
        ("商家同意", {"spaced"}),  # tesseract's spaces between CJK characters
        ("15099034644", {"chat"}),
        ("150-9903-4644", {"chat"}),
        ("150 9903 4644", {"chat"}),
        ("9903", {"chat"}),
        ("2026102788123456", {"order"}),
        ("89.90", {"order"}),
        ("sf1234567890123", {"order"}),
        ("REFUND", {"email"}),
        ("refund approved", {"email"}),  # AND of terms, in any order
        ("approved refund", {"email"}),
        ("ＵＰＳ", {"email"}),  # full-width letters
        ("退款 七天", {"spaced"}),
        ("退款 不存在", set()),
        ("糖", {"chat"}),  # one character
    ],
)
def test_queries_find_the_right_captures(filled, query: str, expected: set[str]) -> None:
    lib, ids = filled
    assert set(found(lib, query)) == {ids[n] for n in expected}


def test_results_rank_fuller_matches_first_and_snippets_highlight(filled) -> None:
    lib, ids = filled
    hits = lib.search("退款")
    top = hits[0]
    marked = [top.snippet[a:b] for a, b in top.highlights]
    assert marked and all(normalize(m) == "退款" for m in marked)
    hit = lib.search("150 9903 4644")[0]
    assert normalize(hit.snippet[slice(*hit.highlights[0])]) == "15099034644"


def test_filters_by_purchase_status_inbox_and_dates(lib: Library, make_png) -> None:
    p = lib.add_purchase({"title": "T", "status": "disputed"})
    a = lib.add_capture(
        make_png(1), source="region", purchase_id=p.id, captured_at="2026-10-01T04:00:00.000000Z"
    )
    b = lib.add_capture(
        make_png(2), source="region", purchase_id=None, captured_at="2026-10-20T04:00:00.000000Z"
    )
    for c in (a, b):
        lib.set_ocr_result(c.id, OcrData("发货太慢了", "tesseract", "5", "chi_sim"))
    assert set(found(lib, "发货")) == {a.id, b.id}
    assert found(lib, "发货", purchase_id=p.id) == [a.id]
    assert found(lib, "发货", purchase_id=INBOX) == [b.id]
    assert found(lib, "发货", status="disputed") == [a.id]
    assert found(lib, "发货", status="closed") == []
    assert found(lib, "发货", since="2026-10-10") == [b.id]
    assert found(lib, "发货", until="2026-10-10") == [a.id]
    with pytest.raises(InvalidInput, match="not a date"):
        lib.search("发货", since="last week")


def test_newest_first_among_equal_matches(lib: Library, make_png) -> None:
    ids = []
    for i in range(3):
        c = lib.add_capture(
            make_png(i), source="region", purchase_id=None, captured_at=f"2026-10-0{i + 1}T00:00:00.000000Z"
        )
        lib.set_ocr_result(c.id, OcrData("质量问题", "t", "1", "chi_sim"))
        ids.append(c.id)
    assert found(lib, "质量") == list(reversed(ids))


def test_empty_or_punctuation_only_queries_are_a_clear_mistake(lib: Library) -> None:
    for q in ("", "   ", "!!!", '"', "，。？"):
        with pytest.raises(InvalidInput, match="type a word"):
            lib.search(q)


def test_fts_syntax_is_literal(filled) -> None:
    lib, ids = filled
    # None of these may raise, and they mean their letters, not FTS operators.
    for q in (
        '"',
        "'",
        "*",
        "AND",
        "OR refund",
        "NEAR(",
        "refund NOT approved",
        "^dear",
        "col:refund",
        ";",
        "{x}",
    ):
        with contextlib.suppress(InvalidInput):
            lib.search(q)
    assert set(found(lib, "refund NOT approved")) == set()  # 'not' is a word to find, not an operator
    assert set(found(lib, "refund*")) == {ids["email"]}


def test_parse_query_joins_phone_groups_and_drops_redundant_terms() -> None:
    assert parse_query("138 0013 8000").terms == ("13800138000",)
    # A country code is dropped: the number is found however it was written.
    assert parse_query("+86 (138) 0013-8000").terms == ("13800138000",)
    assert parse_query("退款 退款申请").terms == ("退款申请",)
    assert parse_query("x" * 10000).terms == ("x" * 500,)


def test_snippet_maps_highlights_back_to_the_text_as_read() -> None:
    text = "前面的话\n退 款 申请 已经 提交\n后面"
    snip, marks = snippet(text, parse_query("退款申请"))
    assert [snip[a:b] for a, b in marks] == ["退 款 申请"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(min_size=0, max_size=80))
def test_any_query_either_works_or_is_refused_clearly(filled, q: str) -> None:
    lib, _ = filled
    try:
        hits = lib.search(q)
    except InvalidInput:
        assert parse_query(q).empty
        return
    for h in hits:
        assert all(0 <= a < b <= len(h.snippet) for a, b in h.highlights)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    words=st.lists(
        st.sampled_from(
            ['"', "*", "AND", "OR", "NOT", "NEAR(", ")", "'", ";", "--", "退款", "refund", "-", ":", "^"]
        ),
        min_size=1,
        max_size=8,
    )
)
def test_fts_operator_soup_never_raises(filled, words: list[str]) -> None:
    lib, _ = filled
    q = " ".join(words)
    try:
        lib.search(q)
    except InvalidInput:
        assert parse_query(q).empty


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=3, max_size=60)
)
def test_any_stored_text_is_found_by_a_piece_of_itself(lib: Library, make_png, text: str) -> None:
    norm = normalize(text)
    if len(norm) < 1:
        return
    c = lib.add_capture(make_png(len(lib.list_captures()) + 1000), source="region", purchase_id=None)
    lib.set_ocr_result(c.id, OcrData(text, "t", "1", "x"))
    piece = text[len(text) // 3 : len(text) // 3 + 4] or text
    if parse_query(piece).empty:
        return
    if any(len(t) and t not in norm for t in parse_query(piece).terms):
        return  # a piece cut inside a multi-character fold
    assert c.id in found(lib, piece, limit=1000)
    lib.trash([c.id])


def test_single_chinese_characters_separated_by_spaces_are_one_phrase() -> None:
    assert parse_query("退 款").terms == ("退款",)
    assert parse_query("颜 色 的 问 题 退款").terms == ("颜色的问题", "退款")
    assert parse_query("a b").terms == ("a", "b")
