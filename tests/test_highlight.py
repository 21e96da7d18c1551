"""Finding a search query's words on a capture's image and in its text (storage.highlight)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storage.highlight import matching_spans, matching_word_boxes
from storage.records import OcrWordBox


def w(text: str, x0: int, y0: int, x1: int, y1: int) -> OcrWordBox:
    return OcrWordBox(text, (x0, y0, x1, y1), 90.0)


def chinese_line(text: str, x: int, y: int, step: int = 15, height: int = 15) -> list[OcrWordBox]:
    """How tesseract reads a Chinese line: one word per character."""
    return [w(ch, x + i * step, y, x + (i + 1) * step - 1, y + height) for i, ch in enumerate(text)]


def test_a_chinese_term_split_into_single_characters_is_one_rectangle() -> None:
    # given a line read as one word per character
    words = chinese_line("亲断连的情况我们核实一下", 100, 400)
    # when searching for a two-character word in it
    boxes = matching_word_boxes(words, "断连")
    # then the two characters' boxes are merged into one rectangle
    assert boxes == [(115, 400, 144, 415)]


def test_a_term_wrapping_onto_the_next_line_gives_one_rectangle_per_line() -> None:
    words = chinese_line("麻烦退", 100, 10) + chinese_line("款谢谢", 100, 40)
    assert matching_word_boxes(words, "退款") == [(130, 10, 144, 25), (100, 40, 114, 55)]


def test_a_phone_number_split_into_groups_is_found_whoever_typed_it() -> None:
    words = [
        w("电话", 10, 10, 40, 25),
        w("138", 50, 10, 80, 25),
        w("0013", 88, 10, 128, 25),
        w("8000", 136, 10, 176, 25),
        w("谢谢", 190, 10, 220, 25),
    ]
    for query in ("13800138000", "138 0013 8000", "138-0013-8000", "(138) 0013 8000"):
        assert matching_word_boxes(words, query) == [(50, 10, 176, 25)], query


def test_english_matches_ignore_case_and_full_width_forms() -> None:
    words = [w("Refund", 0, 0, 60, 12), w("REQUEST", 70, 0, 140, 12), w("ｒｅｆｕｎｄ", 0, 30, 60, 42)]
    assert matching_word_boxes(words, "refund") == [(0, 0, 60, 12), (0, 30, 60, 42)]


def test_every_term_of_a_multi_word_query_is_highlighted() -> None:
    words = [w("order", 0, 0, 50, 10), w("shipped", 60, 0, 120, 10), w("refund", 0, 20, 50, 30)]
    assert matching_word_boxes(words, "refund shipped") == [(60, 0, 120, 10), (0, 20, 50, 30)]


def test_part_of_a_long_word_highlights_only_its_slice() -> None:
    # given a word where Chinese (double width) is followed by an order number
    words = [w("订单号2026041236099765", 0, 0, 220, 20)]
    # when searching the number
    [(x0, y0, x1, y1)] = matching_word_boxes(words, "2026041236099765")
    # then the box starts after the three Chinese characters (6 of 22 width units)
    assert (x0, y0, x1, y1) == (60, 0, 220, 20)


def test_every_occurrence_is_highlighted_once() -> None:
    words = chinese_line("退款退款", 0, 0)
    assert matching_word_boxes(words, "退款 退款") == [(0, 0, 29, 15), (30, 0, 59, 15)]


def test_no_match_and_empty_queries_give_nothing() -> None:
    words = chinese_line("已经发货", 0, 0)
    assert matching_word_boxes(words, "退款") == []
    assert matching_word_boxes(words, "") == []
    assert matching_word_boxes(words, "  ，。!! ") == []
    assert matching_word_boxes([], "发货") == []


def test_spans_point_into_the_text_as_read() -> None:
    text = "订单号是2026041236099765，麻烦查一下\n电话 151-5761-5746"
    spans = matching_spans(text, "151 5761 5746")
    assert [text[a:b] for a, b in spans] == ["151-5761-5746"]
    spans = matching_spans(text, "麻烦 2026041236099765")
    assert [text[a:b] for a, b in spans] == ["2026041236099765", "麻烦"]


def test_spans_cross_the_spaces_tesseract_puts_between_chinese_characters() -> None:
    text = "亲 , 断 连 的 情 况"
    assert [text[a:b] for a, b in matching_spans(text, "断连")] == ["断 连"]


def test_overlapping_spans_are_merged() -> None:
    assert matching_spans("aaaa", "aa") == [(0, 4)]
    assert matching_spans("Refund refund", "REFUND") == [(0, 6), (7, 13)]
    assert matching_spans("", "x") == []
    assert matching_spans("abc", "") == []
    assert matching_spans("abc", "xyz") == []


_boxes = st.tuples(*(st.integers(-(2**31), 2**31) for _ in range(4)))
_words = st.lists(st.builds(OcrWordBox, st.text(max_size=6), _boxes, st.floats(allow_nan=True)), max_size=12)


@settings(max_examples=150, deadline=None)
@given(words=_words, query=st.text(max_size=30))
def test_any_words_and_any_query_never_raise(words: list[OcrWordBox], query: str) -> None:
    for x0, y0, x1, y1 in matching_word_boxes(words, query):
        assert x0 <= x1 and y0 <= y1
    text = "\n".join(word.text for word in words)
    for a, b in matching_spans(text, query):
        assert 0 <= a < b <= len(text)
