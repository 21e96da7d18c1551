"""The library window's preview pane (gui.preview), driven with pytest-qt offscreen."""

from __future__ import annotations

import json
import os
import unicodedata
from dataclasses import replace

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QLocale, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPalette, QWheelEvent  # noqa: E402

from gui.preview import PreviewPane, format_capture_time  # noqa: E402
from storage.records import CaptureRecord, OcrWordBox  # noqa: E402

from .conftest import EVALSET, ROOT  # noqa: E402

SHA = "3f" * 32


def record(capture_id: int = 1, **changes: object) -> CaptureRecord:
    base = CaptureRecord(
        id=capture_id,
        purchase_id=None,
        purchase_title=None,
        sha256=SHA,
        media_type="image/png",
        bytes=123456,
        width=400,
        height=300,
        captured_at="2026-10-27T06:39:05.000000Z",
        utc_offset_min=480,
        source="region",
        source_name=None,
        screen_geometry=None,
        note=None,
        ocr_status="done",
        ocr_text="订单号 2026041236099765\n电话 138 0013 8000",
        ocr_engine="tesseract",
        ocr_version="5.3.0",
        ocr_languages="chi_sim+eng",
        ocr_confidence=91.0,
        ocr_error=None,
        flags=(),
        deleted_at=None,
        words=(
            OcrWordBox("订", (10, 20, 30, 40), 90),
            OcrWordBox("单", (32, 20, 52, 40), 90),
            OcrWordBox("号", (54, 20, 74, 40), 90),
            OcrWordBox("2026041236099765", (80, 20, 240, 40), 90),
            OcrWordBox("电", (10, 60, 30, 80), 90),
            OcrWordBox("话", (32, 60, 52, 80), 90),
            OcrWordBox("138", (60, 60, 90, 80), 90),
            OcrWordBox("0013", (96, 60, 136, 80), 90),
            OcrWordBox("8000", (142, 60, 182, 80), 90),
        ),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def image(width: int = 400, height: int = 300) -> QImage:
    img = QImage(width, height, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    return img


@pytest.fixture
def pane(qtbot):  # type: ignore[no-untyped-def]
    widget = PreviewPane()
    qtbot.addWidget(widget)
    widget.resize(520, 760)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def scene_rects(pane: PreviewPane) -> list[tuple[int, int, int, int]]:
    out = []
    for item in pane.image_view.highlight_items:
        r = item.rect()
        out.append((round(r.left()), round(r.top()), round(r.right()), round(r.bottom())))
    return out


def highlighted_text(pane: PreviewPane) -> list[str]:
    return [s.cursor.selectedText() for s in pane.ocr_text.extraSelections()]


# ------------------------------------------------------------------ details


def test_showing_a_capture_shows_its_evidence_details(pane: PreviewPane) -> None:
    pane.show_capture(record(purchase_title="蓝牙耳机 退款"), image())
    assert pane.sha_edit.text() == SHA
    assert pane.sha_edit.isReadOnly()
    assert pane.local_time_label.text() == "2026-10-27 14:39:05 (UTC+08:00)"
    assert pane.utc_time_label.text() == "2026-10-27 06:39:05 UTC"
    assert pane.title_label.text() == "2026-10-27 14:39:05 (UTC+08:00)"
    # the engine in plain words; its technical name and version on hover
    assert pane.ocr_status_label.text() == (
        "Text read by this computer (Chinese and English). It can contain mistakes: the picture is what counts."
    )
    assert pane.ocr_status_label.toolTip() == "Text recognition: Tesseract 5.3.0; languages: chi_sim+eng"
    assert pane.source_label.text() == "Screen region"
    assert pane.filed_label.text() == "蓝牙耳机 退款"
    assert pane.size_label.text() == f"400 × 300 px, 120.56 kB ({QLocale().toString(123456)} bytes)"
    assert pane.ocr_text.toPlainText() == record().ocr_text
    assert pane.ocr_text.isReadOnly()
    assert pane.warning_frame.isHidden()


def test_copy_puts_the_sha_on_the_clipboard(pane: PreviewPane) -> None:
    pane.show_capture(record(), image())
    pane.copy_sha_button.click()
    assert QGuiApplication.clipboard().text() == SHA


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"source": "fullscreen"}, "Full screen"),
        ({"source": "import", "source_name": "订单截图.png"}, "Imported file (订单截图.png)"),
        ({"source": "clipboard"}, "Clipboard"),
        ({"source": "recovered"}, "Recovered after an interruption"),
    ],
)
def test_the_source_is_said_in_words(pane: PreviewPane, changes: dict[str, object], expected: str) -> None:
    pane.show_capture(record(**changes), image())
    assert pane.source_label.text() == expected


def test_warnings_and_the_trash_are_shown(pane: PreviewPane) -> None:
    pane.show_capture(record(flags=("uniform",), deleted_at="2026-10-28T00:00:00.000000Z"), image())
    assert not pane.warning_frame.isHidden()
    assert "In the Trash" in pane.warning_label.text()
    assert "Almost entirely one colour — the window may block screenshots" in pane.warning_label.text()
    assert pane.filed_label.text() == "Inbox"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"ocr_status": "pending", "ocr_text": None}, "Reading the text…"),
        (
            {"ocr_status": "failed", "ocr_error": "tesseract crashed"},
            "Could not read the text: tesseract crashed",
        ),
        ({"ocr_status": "unavailable"}, "Text recognition is not installed"),
    ],
)
def test_the_text_status_is_said_in_plain_words(
    pane: PreviewPane, changes: dict[str, object], expected: str
) -> None:
    pane.show_capture(record(**changes), image())
    assert pane.ocr_status_label.text() == expected
    assert pane.rerun_button.isEnabled() == (changes["ocr_status"] != "pending")


def test_capture_time_is_local_with_its_offset_and_utc() -> None:
    assert format_capture_time("2026-10-27T06:39:05.000000Z", -330) == (
        "2026-10-27 01:09:05 (UTC-05:30)",
        "2026-10-27 06:39:05 UTC",
    )
    assert format_capture_time("garbage", 0) == ("garbage", "garbage")


# ------------------------------------------------------------------ highlights


def test_matched_words_are_boxed_at_their_image_coordinates(pane: PreviewPane) -> None:
    # given a capture shown with a search for a phone number typed with dashes
    pane.show_capture(record(), image(), query="138-0013-8000")
    # then its three word boxes are one rectangle, in image pixels
    assert scene_rects(pane) == [(60, 60, 182, 80)]
    assert len(pane.image_view.highlight_items) == len(pane.image_boxes) == 1


@pytest.mark.parametrize("zoom", [0.5, 1.0, 2.0, 3.0])
def test_boxes_follow_the_zoom_exactly(pane: PreviewPane, zoom: float) -> None:
    pane.show_capture(record(), image(), query="订单")
    assert scene_rects(pane) == [(10, 20, 52, 40)]
    pane.image_view.set_zoom(zoom)
    view = pane.image_view
    # the box's corners land where the same image pixels are drawn
    top_left = view.mapFromScene(QPointF(10, 20))
    bottom_right = view.mapFromScene(QPointF(52, 40))
    assert bottom_right.x() - top_left.x() == pytest.approx(42 * zoom, abs=1)
    assert bottom_right.y() - top_left.y() == pytest.approx(20 * zoom, abs=1)
    pixmap_origin = view.mapFromScene(QPointF(0, 0))
    assert top_left.x() - pixmap_origin.x() == pytest.approx(10 * zoom, abs=1)
    assert top_left.y() - pixmap_origin.y() == pytest.approx(20 * zoom, abs=1)


def test_several_terms_are_all_boxed_and_highlighted_in_the_text(pane: PreviewPane) -> None:
    pane.show_capture(record(), image(), query="2026041236099765 电话")
    assert scene_rects(pane) == [(80, 20, 240, 40), (10, 60, 52, 80)]
    assert highlighted_text(pane) == ["2026041236099765", "电话"]
    assert pane.match_label.text() == "Matches in the text: 2"


def test_a_new_search_rehighlights_without_reloading_the_picture(pane: PreviewPane) -> None:
    pane.show_capture(record(), image(), query="订单")
    pixmap = pane.image_view._pixmap_item
    pane.set_query("13800138000")
    assert pane.image_view._pixmap_item is pixmap
    assert scene_rects(pane) == [(60, 60, 182, 80)]
    assert highlighted_text(pane) == ["138 0013 8000"]
    pane.set_query("")
    assert pane.image_view.highlight_items == []
    assert pane.ocr_text.extraSelections() == []


def test_a_search_that_matched_elsewhere_says_so(pane: PreviewPane) -> None:
    pane.show_capture(record(), image(), query="耳机")
    assert pane.image_view.highlight_items == []
    assert pane.match_label.text().startswith("Not in the text")


def test_highlights_count_utf16_positions_for_rare_characters(pane: PreviewPane) -> None:
    pane.show_capture(record(ocr_text="😀𠀀 退款 refund"), image(), query="refund")
    assert highlighted_text(pane) == ["refund"]


# ------------------------------------------------------------------ zoom


def test_the_picture_starts_fitted_to_the_width_and_zooms(pane: PreviewPane, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane.show_capture(record(width=2000, height=1000), image(2000, 1000))
    view = pane.image_view
    assert view.fitting and pane.fit_button.isChecked()
    assert view.zoom == pytest.approx(view.fit_scale())
    assert view.zoom * 2000 <= view.viewport().width()
    assert view.zoom * 2000 >= view.viewport().width() - 30
    fitted = view.zoom
    pane.zoom_in()
    assert view.zoom == pytest.approx(fitted * 1.25)
    assert not pane.fit_button.isChecked()
    pane.zoom_out()
    pane.zoom_out()
    assert view.zoom == pytest.approx(fitted / 1.25)
    pane.zoom_actual()
    assert view.zoom == 1.0 and pane.zoom_label.text() == "100%"
    pane.zoom_fit()
    assert view.zoom == pytest.approx(fitted)


def test_a_small_picture_is_not_enlarged_to_fit(pane: PreviewPane) -> None:
    pane.show_capture(record(width=120, height=80), image(120, 80))
    assert pane.image_view.zoom == 1.0


def test_ctrl_wheel_zooms(pane: PreviewPane) -> None:
    pane.show_capture(record(width=2000, height=1000), image(2000, 1000))
    view = pane.image_view
    before = view.zoom
    centre = QPointF(view.viewport().rect().center())
    event = QWheelEvent(
        centre,
        view.viewport().mapToGlobal(centre),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    view.wheelEvent(event)
    assert view.zoom == pytest.approx(before * 1.25)


def test_loading_shows_details_at_once_and_the_picture_later(pane: PreviewPane) -> None:
    pane.show_loading(record())
    assert pane.image_message.text() == "Loading…"
    assert pane.sha_edit.text() == SHA
    assert not pane.zoom_in_button.isEnabled()
    pane.show_capture(record(), image(), query="订单")
    assert pane.image_view.isVisible()
    assert len(pane.image_view.highlight_items) == 1


def test_showing_the_same_capture_again_keeps_the_picture_zoom_and_scroll(pane: PreviewPane) -> None:
    # given a capture zoomed in and scrolled
    pane.show_capture(record(width=2000, height=1000), image(2000, 1000))
    pane.zoom_actual()
    pane.image_view.verticalScrollBar().setValue(300)
    # when the window reloads it after an edit (loading, then the decoded picture)
    pane.show_loading(record(width=2000, height=1000, note="edited elsewhere"))
    assert pane.image_view.isVisible()
    pane.show_capture(record(width=2000, height=1000, note="edited elsewhere"), image(2000, 1000))
    # then the view is where the user left it
    assert pane.image_view.zoom == 1.0
    assert pane.image_view.verticalScrollBar().value() == 300
    # but another capture starts fitted
    pane.show_capture(record(2, width=2000, height=1000), image(2000, 1000))
    assert pane.image_view.fitting


def test_a_picture_that_could_not_be_decoded_says_so(pane: PreviewPane) -> None:
    pane.show_capture(record(), QImage())
    assert pane.image_message.text() == "This picture could not be shown."


# ------------------------------------------------------------------ note


def test_editing_and_saving_the_note(pane: PreviewPane, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane.show_capture(record(note="卖家承诺七天无理由"), image())
    assert pane.note_edit.toPlainText() == "卖家承诺七天无理由"
    assert not pane.save_note_button.isEnabled()
    pane.note_edit.setPlainText("卖家承诺七天无理由退货")
    assert pane.save_note_button.isEnabled()
    with qtbot.waitSignal(pane.note_saved) as blocker:
        pane.save_note_button.click()
    assert blocker.args == [1, "卖家承诺七天无理由退货", "卖家承诺七天无理由"]
    assert not pane.save_note_button.isEnabled()


def test_ctrl_enter_saves_the_note(pane: PreviewPane, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane.show_capture(record(), image())
    pane.tabs.setCurrentIndex(1)
    pane.note_edit.setFocus()
    qtbot.keyClicks(pane.note_edit, "seller promised a refund")
    with qtbot.waitSignal(pane.note_saved) as blocker:
        qtbot.keyClick(pane.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [1, "seller promised a refund", ""]


def test_an_edited_note_is_saved_when_another_capture_is_shown(pane: PreviewPane, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane.show_capture(record(1, note="old"), image())
    pane.note_edit.setPlainText("new words")
    with qtbot.waitSignal(pane.note_saved) as blocker:
        pane.show_capture(record(2, note="second"), image())
    assert blocker.args == [1, "new words", "old"]
    assert pane.note_edit.toPlainText() == "second"
    # and clearing the pane saves too
    pane.note_edit.setPlainText("second, edited")
    with qtbot.waitSignal(pane.note_saved) as blocker:
        pane.clear()
    assert blocker.args == [2, "second, edited", "second"]


def test_an_unchanged_note_is_not_saved_on_switch(pane: PreviewPane, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane.show_capture(record(1, note="same"), image())
    with qtbot.assertNotEmitted(pane.note_saved):
        pane.show_capture(record(2), image())
        pane.clear()


def test_refreshing_the_same_capture_keeps_a_note_being_edited(pane: PreviewPane, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane.show_capture(record(1, note="old"), image())
    pane.note_edit.setPlainText("half typed")
    with qtbot.assertNotEmitted(pane.note_saved):
        pane.update_record(record(1, note="old", ocr_text="new text"))
    assert pane.note_edit.toPlainText() == "half typed"
    assert pane.ocr_text.toPlainText() == "new text"
    assert pane.has_unsaved_note()
    assert pane.note_conflict_label.isHidden()


def test_a_note_changed_elsewhere_while_typing_is_announced_and_sent_as_the_base(
    pane: PreviewPane, qtbot
) -> None:  # type: ignore[no-untyped-def]
    pane.show_capture(record(1, note="old"), image())
    pane.note_edit.setPlainText("half typed")
    pane.update_record(record(1, note="written by the tray app"))
    assert pane.note_edit.toPlainText() == "half typed"  # the typing is kept
    assert not pane.note_conflict_label.isHidden()
    with qtbot.waitSignal(pane.note_saved) as blocker:
        pane.save_note()
    # the base is the note the typing started from, so the window can see it is outdated
    assert blocker.args == [1, "half typed", "old"]
    assert pane.note_conflict_label.isHidden()


# ------------------------------------------------------------------ OCR again, clear


def test_read_text_again_asks_the_window(pane: PreviewPane, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane.show_capture(record(7, ocr_status="failed", ocr_error="boom"), image())
    with qtbot.waitSignal(pane.ocr_rerun_requested) as blocker:
        pane.rerun_button.click()
    assert blocker.args == [7]
    assert pane.ocr_status_label.text() == "Reading the text…"
    assert not pane.rerun_button.isEnabled()
    # when the window reports the new result
    pane.update_record(record(7))
    assert pane.ocr_status_label.text().startswith("Text read by")
    assert pane.rerun_button.isEnabled()


def test_clear_shows_a_message(pane: PreviewPane) -> None:
    pane.show_capture(record(), image(), query="订单")
    pane.clear("No results")
    assert pane.message_label.isVisible() and pane.message_label.text() == "No results"
    assert pane.record is None
    pane.clear()
    assert pane.message_label.text() == "Select a capture to see it here"


# ------------------------------------------------------------------ layout and palette


def test_long_chinese_text_does_not_widen_the_pane(pane: PreviewPane) -> None:
    long = "这是一个非常非常长的购买标题，用来检查布局在中文文字很长的时候是否还能保持" * 3
    pane.show_capture(
        record(
            purchase_title=long,
            source="import",
            source_name=long + ".png",
            ocr_status="failed",
            ocr_error=long,
        ),
        image(),
    )
    assert pane.minimumSizeHint().width() < 360


def test_the_backdrop_follows_a_dark_palette(pane: PreviewPane) -> None:
    dark = QPalette(pane.palette())
    dark.setColor(QPalette.ColorRole.Window, QColor(32, 32, 36))
    pane.show_capture(record(), image())
    pane.clear()
    pane.image_view.setPalette(dark)
    assert pane.image_view.backgroundBrush().color().lightness() < 80
    pane.show_capture(record(), image())
    pane.image_view.setPalette(QPalette(pane.palette()))


# ------------------------------------------------------------------ docs screenshot


def _dev_words(sample: dict[str, object]) -> tuple[OcrWordBox, ...]:
    """Word boxes the way tesseract reads this evalset image: one per Chinese character,
    one per run of Latin letters/digits, placed along each line's known box."""
    words: list[OcrWordBox] = []
    for line in sample["lines"]:  # type: ignore[attr-defined]
        text, (x0, y0, x1, y1) = line["text"], line["bbox"]
        units = [2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text]
        per_unit = (x1 - x0) / max(1, sum(units))
        x = float(x0)
        tokens: list[tuple[str, float, float]] = []
        for ch, u in zip(text, units, strict=True):
            nx = x + u * per_unit
            if ch.isspace():
                pass
            elif u == 1 and tokens and tokens[-1][0][-1:].isascii() and tokens[-1][2] == x and ch.isalnum():
                tokens[-1] = (tokens[-1][0] + ch, tokens[-1][1], nx)
            else:
                tokens.append((ch, x, nx))
            x = nx
        words += [OcrWordBox(t, (round(a), y0, round(b), y1), 90.0) for t, a, b in tokens]
    return tuple(words)


@pytest.mark.skipif(
    os.environ.get("PROOFSHOT_DOCS_SCREENSHOTS") != "1", reason="docs screenshots not asked for"
)
def test_docs_screenshot_of_the_preview(pane: PreviewPane, qtbot) -> None:  # type: ignore[no-untyped-def]
    sample = json.loads((EVALSET / "0002.json").read_text(encoding="utf-8"))
    img = QImage(str(EVALSET / "0002.png"))
    rec = record(
        12,
        width=img.width(),
        height=img.height(),
        bytes=(EVALSET / "0002.png").stat().st_size,
        sha256="9b1f0c3e5d2a47f8b6c1e0d9a8f7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9",
        purchase_title="乐高积木 — 乐活健身 (订单 2026041236099765)",
        ocr_text=sample["text"],
        words=_dev_words(sample),
        note="客服说今天一定发货；如果没发就申请退款。",
    )
    pane.resize(760, 900)
    pane.show_capture(rec, img, query="2026041236099765")
    qtbot.wait(50)
    assert len(pane.image_view.highlight_items) == 1
    out = ROOT / "docs" / "img" / "preview.png"
    assert pane.grab().save(str(out))
