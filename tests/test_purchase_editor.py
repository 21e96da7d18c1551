"""The purchase editor (gui.purchase_editor): validation, saving, sellers and suggestions."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QDate, Qt  # noqa: E402
from PySide6.QtGui import QColor, QPalette  # noqa: E402
from PySide6.QtWidgets import QDialog  # noqa: E402

from storage.library import Library  # noqa: E402
from storage.records import OcrData, PurchaseRecord  # noqa: E402

from .conftest import ROOT  # noqa: E402

CHAT_TEXT = (
    "小李数码 微信号: shop_li88 电话 138 0013 8000\n"
    "订单号：202610270001234 实付 ¥1,280.50\n"
    "售后邮箱 kefu@example.com 店铺 https://shop.example.com/li"
)


def make(qtbot: Any, lib: Library, purchase_id: int | None = None) -> Any:
    from gui.purchase_editor import PurchaseEditor

    editor = PurchaseEditor(lib, purchase_id)
    qtbot.addWidget(editor)
    return editor


def save(qtbot: Any, editor: Any) -> PurchaseRecord:
    with qtbot.waitSignal(editor.purchase_saved, timeout=2000) as blocker:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.result() == QDialog.DialogCode.Accepted
    record = blocker.args[0]
    assert isinstance(record, PurchaseRecord)
    return record


def press_save_expecting_a_problem(qtbot: Any, editor: Any) -> None:
    saved: list[object] = []
    editor.purchase_saved.connect(saved.append)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert saved == []
    assert editor.result() != QDialog.DialogCode.Accepted


def visible_error(editor: Any, field: str) -> str:
    label = editor.errors[field]
    return label.text() if not label.isHidden() else ""


def kinds(lib: Library) -> list[str]:
    return [e.kind for e in lib.events()]


def answer(qtbot: Any, dialog: Any, button: str) -> None:
    """Wait for the question `dialog` asks and press its `button`."""
    from gui.widgets import find_button

    qtbot.waitUntil(lambda: dialog.question is not None and dialog.question.isVisible(), timeout=2000)
    qtbot.mouseClick(find_button(dialog.question, button), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.question is None, timeout=2000)


@pytest.fixture
def bought(lib: Library) -> PurchaseRecord:
    """A saved purchase with a seller that has a name and a phone."""
    return lib.add_purchase(
        {"title": "蓝牙耳机", "amount": "128", "ordered_at": "2026-10-27"},
        {"display_name": "小李数码", "platform": "wechat", "phone": "13900001111"},
    )


# --------------------------------------------------------------------------- saving


def test_a_new_purchase_is_saved_with_its_seller(qtbot: Any, lib: Library) -> None:
    editor = make(qtbot, lib)
    editor.title_edit.setText("  Wireless earbuds ")
    editor.order_no_edit.setText("202610270001234")
    editor.amount_edit.setText("128.50")
    editor.currency_combo.setCurrentText("HKD")
    editor.date_edit.setText("2026/10/27")
    editor.status_combo.setCurrentIndex(editor.status_combo.findData("disputed"))
    editor.notes_edit.setPlainText("Promised delivery in 3 days")
    editor.seller_edits["display_name"].setText("Li Digital")
    editor.platform_combo.setCurrentIndex(editor.platform_combo.findData("taobao"))
    editor.seller_edits["phone"].setText("13800138000")

    record = save(qtbot, editor)

    assert record == lib.get_purchase(record.id)
    assert (record.title, record.order_no, record.amount_minor, record.currency) == (
        "Wireless earbuds",
        "202610270001234",
        12850,
        "HKD",
    )
    assert (record.ordered_at, record.status, record.notes) == (
        "2026-10-27",
        "disputed",
        "Promised delivery in 3 days",
    )
    assert record.merchant is not None
    assert (record.merchant.display_name, record.merchant.platform, record.merchant.phone) == (
        "Li Digital",
        "taobao",
        "13800138000",
    )
    assert kinds(lib)[-2:] == ["merchant_created", "purchase_created"]


def test_a_purchase_needs_no_seller(qtbot: Any, lib: Library) -> None:
    editor = make(qtbot, lib)
    editor.title_edit.setText("Desk lamp")

    record = save(qtbot, editor)

    assert record.merchant is None and record.currency == "CNY" and record.status == "open"


def test_editing_sends_only_what_changed(qtbot: Any, lib: Library, bought: PurchaseRecord) -> None:
    before = len(lib.events())
    editor = make(qtbot, lib, bought.id)
    assert editor.title_edit.text() == "蓝牙耳机"
    assert editor.amount_edit.text() == "128.00"
    assert editor.date_edit.text() == "2026-10-27"
    assert editor.seller_edits["phone"].text() == "13900001111"
    editor.title_edit.setText("蓝牙耳机 Pro")

    record = save(qtbot, editor)

    new = lib.events()[before:]
    assert [e.kind for e in new] == ["purchase_edited"]
    assert new[0].data["changes"] == {"title": ["蓝牙耳机", "蓝牙耳机 Pro"]}
    assert record.merchant == bought.merchant


def test_saving_an_unchanged_purchase_records_nothing(
    qtbot: Any, lib: Library, bought: PurchaseRecord
) -> None:
    before = kinds(lib)

    save(qtbot, make(qtbot, lib, bought.id))

    assert kinds(lib) == before


def test_an_emptied_field_is_cleared(qtbot: Any, lib: Library, bought: PurchaseRecord) -> None:
    editor = make(qtbot, lib, bought.id)
    editor.amount_edit.clear()
    editor.date_edit.clear()
    editor.seller_edits["phone"].clear()

    record = save(qtbot, editor)

    assert record.amount_minor is None and record.ordered_at is None
    assert record.merchant is not None and record.merchant.phone is None
    assert kinds(lib)[-2:] == ["merchant_edited", "purchase_edited"]


def test_cancel_changes_nothing(qtbot: Any, lib: Library, bought: PurchaseRecord) -> None:
    before = kinds(lib)
    editor = make(qtbot, lib, bought.id)
    editor.title_edit.setText("Something else")
    editor.seller_edits["real_name"].setText("李四")

    qtbot.mouseClick(editor.cancel_button, Qt.MouseButton.LeftButton)

    assert editor.result() == QDialog.DialogCode.Rejected
    assert lib.get_purchase(bought.id) == bought
    assert kinds(lib) == before


# --------------------------------------------------------------------------- validation


def test_a_title_is_required(qtbot: Any, lib: Library) -> None:
    editor = make(qtbot, lib)
    editor.title_edit.setText("   ")

    press_save_expecting_a_problem(qtbot, editor)

    assert "what you bought" in visible_error(editor, "title").lower()
    assert lib.list_purchases() == []


@pytest.mark.parametrize("amount", ["12.345", "abc", "-3"])
def test_bad_amounts_are_refused_with_a_message(qtbot: Any, lib: Library, amount: str) -> None:
    editor = make(qtbot, lib)
    editor.title_edit.setText("Earbuds")
    editor.amount_edit.setText(amount)

    press_save_expecting_a_problem(qtbot, editor)

    message = visible_error(editor, "amount")
    assert amount in message and "128.50" in message
    assert editor.amount_edit.hasFocus() or not editor.isActiveWindow()
    assert lib.list_purchases() == []


@pytest.mark.parametrize(("typed", "minor"), [("¥1,280.5", 128050), ("1280", 128000), ("０.５", 50)])
def test_amounts_are_read_the_way_people_write_them(qtbot: Any, lib: Library, typed: str, minor: int) -> None:
    editor = make(qtbot, lib)
    editor.title_edit.setText("Earbuds")
    editor.amount_edit.setText(typed)

    assert save(qtbot, editor).amount_minor == minor


def test_a_bad_currency_is_refused(qtbot: Any, lib: Library) -> None:
    editor = make(qtbot, lib)
    editor.title_edit.setText("Earbuds")
    editor.amount_edit.setText("12")
    editor.currency_combo.setCurrentText("dollars")

    press_save_expecting_a_problem(qtbot, editor)

    assert "CNY" in visible_error(editor, "amount")


@pytest.mark.parametrize("typed", ["2026-13-01", "yesterday", "27/10/2026"])
def test_bad_dates_are_refused_with_a_message(qtbot: Any, lib: Library, typed: str) -> None:
    editor = make(qtbot, lib)
    editor.title_edit.setText("Earbuds")
    editor.date_edit.setText(typed)

    press_save_expecting_a_problem(qtbot, editor)

    message = visible_error(editor, "ordered_at")
    assert typed in message and "2026-10-27" in message
    assert lib.list_purchases() == []


def test_the_calendar_fills_the_date(qtbot: Any, lib: Library) -> None:
    editor = make(qtbot, lib)
    editor.show()
    editor.date_edit.setText("2026-10-27")

    qtbot.mouseClick(editor.date_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.calendar.isVisible(), timeout=2000)
    assert editor.calendar.selectedDate() == QDate(2026, 10, 27)
    editor.calendar.clicked.emit(QDate(2026, 11, 2))

    assert editor.date_edit.text() == "2026-11-02"
    qtbot.waitUntil(lambda: not editor.calendar.isVisible(), timeout=2000)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2026年10月27日", "2026-10-27"),
        ("2026.10.27", "2026-10-27"),
        ("2026-10-27 14:30", "2026-10-27 14:30"),
    ],
)
def test_dates_are_read_in_the_usual_forms(qtbot: Any, lib: Library, typed: str, stored: str) -> None:
    editor = make(qtbot, lib)
    editor.title_edit.setText("Earbuds")
    editor.date_edit.setText(typed)

    assert save(qtbot, editor).ordered_at == stored


def test_every_problem_is_shown_at_once_and_cleared_when_fixed(qtbot: Any, lib: Library) -> None:
    editor = make(qtbot, lib)
    editor.amount_edit.setText("abc")
    editor.date_edit.setText("soon")
    editor.seller_edits["phone"].setText("13800138000")

    press_save_expecting_a_problem(qtbot, editor)

    assert all(visible_error(editor, f) for f in ("title", "amount", "ordered_at", "display_name"))

    editor.title_edit.setText("Earbuds")
    editor.amount_edit.setText("12")
    editor.date_edit.setText("2026-10-27")
    editor.seller_edits["display_name"].setText("Li")
    record = save(qtbot, editor)

    assert not any(visible_error(editor, f) for f in editor.errors)
    assert record.merchant is not None and record.merchant.phone == "13800138000"


def test_a_storage_refusal_is_shown_and_nothing_is_saved(qtbot: Any, lib: Library) -> None:
    editor = make(qtbot, lib)
    editor.title_edit.setText("Earbuds")
    editor.seller_edits["display_name"].setText("Li")
    editor.seller_edits["address"].setText("x" * 3000)  # longer than storage keeps

    press_save_expecting_a_problem(qtbot, editor)

    assert not editor.save_error.isHidden() and "too long" in editor.save_error.text()
    assert lib.list_purchases() == [] and lib.list_merchants() == []


# --------------------------------------------------------------------------- sellers


def test_choosing_a_saved_seller_fills_and_edits_it(qtbot: Any, lib: Library, bought: PurchaseRecord) -> None:
    assert bought.merchant is not None
    editor = make(qtbot, lib)
    editor.title_edit.setText("充电器")
    editor.merchant_combo.setCurrentIndex(editor.merchant_combo.findData(bought.merchant.id))

    assert editor.seller_edits["display_name"].text() == "小李数码"
    assert editor.seller_edits["phone"].text() == "13900001111"
    assert editor.platform_combo.currentData() == "wechat"
    assert "every purchase" in editor.merchant_note.text()

    editor.seller_edits["real_name"].setText("李四")
    record = save(qtbot, editor)

    assert record.merchant is not None and record.merchant.id == bought.merchant.id
    assert len(lib.list_merchants()) == 1
    assert lib.get_purchase(bought.id).merchant.real_name == "李四"  # type: ignore[union-attr]
    edited = [e for e in lib.events() if e.kind == "merchant_edited"][-1]
    assert edited.data["changes"] == {"real_name": [None, "李四"]}


def test_back_to_new_seller_starts_from_empty_fields(
    qtbot: Any, lib: Library, bought: PurchaseRecord
) -> None:
    editor = make(qtbot, lib, bought.id)
    editor.merchant_combo.setCurrentIndex(0)

    assert all(edit.text() == "" for edit in editor.seller_edits.values())
    assert editor.platform_combo.currentData() is None


def test_typing_a_saved_sellers_name_in_the_picker_chooses_it(
    qtbot: Any, lib: Library, bought: PurchaseRecord
) -> None:
    editor = make(qtbot, lib)
    editor.merchant_combo.setEditText("小李数码")
    editor.merchant_combo.lineEdit().editingFinished.emit()

    assert editor.chosen_merchant() == bought.merchant
    assert editor.seller_edits["phone"].text() == "13900001111"

    editor.merchant_combo.setEditText("老王五金")
    editor.merchant_combo.lineEdit().editingFinished.emit()

    assert editor.chosen_merchant() is None
    assert editor.seller_edits["display_name"].text() == "老王五金"
    assert editor.seller_edits["phone"].text() == ""


def test_renaming_a_saved_seller_saves_a_new_one(qtbot: Any, lib: Library, bought: PurchaseRecord) -> None:
    editor = make(qtbot, lib, bought.id)
    editor.seller_edits["display_name"].setText("小李数码旗舰店")

    assert "小李数码旗舰店" in editor.merchant_note.text() and "小李数码" in editor.merchant_note.text()
    record = save(qtbot, editor)

    assert record.merchant is not None and record.merchant.display_name == "小李数码旗舰店"
    assert record.merchant.phone == "13900001111"  # the details came along
    assert sorted(m.display_name for m in lib.list_merchants()) == ["小李数码", "小李数码旗舰店"]


def test_completeness_hint_follows_the_typing(qtbot: Any, lib: Library) -> None:
    editor = make(qtbot, lib)
    assert "0 of 7" in editor.completeness_text() and "real name" in editor.completeness_text()
    assert not editor.completeness_advice.isHidden()

    editor.seller_edits["phone"].setText("13800138000")
    editor.seller_edits["real_name"].setText("李四")
    editor.seller_edits["account_id"].setText("shop_li88")

    assert editor.completeness_label.text() == "Seller details: 3 of 7 recorded"
    assert editor.completeness_missing.text() == ("Still missing: company, credit code, shop link, address")
    assert editor.completeness_panel.property("complete") is False

    for name in ("company", "credit_code", "shop_url", "address"):
        editor.seller_edits[name].setText("x")

    assert editor.completeness_text() == "Seller details: all 7 recorded"
    assert editor.completeness_panel.property("complete") is True
    assert editor.completeness_advice.isHidden()


def test_the_hint_follows_a_dark_theme(qtbot: Any, lib: Library, qapp: Any) -> None:
    from gui.style import tone_color

    editor = make(qtbot, lib)
    light = editor.completeness_label.palette().color(QPalette.ColorRole.WindowText)
    original = qapp.palette()
    dark = QPalette(original)
    dark.setColor(QPalette.ColorRole.Window, QColor("#2b2b2b"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#e6e6e6"))
    try:
        qapp.setPalette(dark)
        qtbot.waitUntil(
            lambda: (
                editor.completeness_label.palette().color(QPalette.ColorRole.WindowText)
                == tone_color("todo", dark)
            ),
            timeout=2000,
        )
    finally:
        qapp.setPalette(original)
    assert tone_color("todo", dark) != light


# --------------------------------------------------------------------------- suggestions


@pytest.fixture
def with_capture(lib: Library, bought: PurchaseRecord, make_png: Callable[..., bytes]) -> int:
    capture = lib.add_capture(make_png(1), source="import", purchase_id=bought.id)
    lib.set_ocr_result(
        capture.id, OcrData(text=CHAT_TEXT, engine="tesseract", version="5", languages="chi_sim+eng")
    )
    return capture.id


def test_suggestions_are_listed_and_use_fills_the_field(
    qtbot: Any, lib: Library, bought: PurchaseRecord, with_capture: int
) -> None:
    editor = make(qtbot, lib, bought.id)
    qtbot.waitUntil(lambda: bool(editor.suggestions), timeout=2000)

    by_kind = {s.kind: (s, b) for s, b in zip(editor.suggestions, editor.suggestion_buttons, strict=True)}
    assert {"phone", "wechat_id", "order_no", "amount", "url", "email"} <= set(by_kind)
    assert not editor.suggestions_group.isHidden()
    texts = [label.text() for label in editor.suggestions_group.findChildren(type(editor.merchant_note))]
    assert any("13800138000" in t for t in texts)
    assert not any(f"#{with_capture}" in t or "capture" in t.lower() for t in texts)

    for kind in ("phone", "wechat_id", "order_no", "amount", "url", "email"):
        qtbot.mouseClick(by_kind[kind][1], Qt.MouseButton.LeftButton)
        if kind in ("phone", "amount"):  # the seller's phone and the amount were filled before
            answer(qtbot, editor, "Replace")
        assert not by_kind[kind][1].isEnabled()

    assert editor.seller_edits["phone"].text() == "13800138000"
    assert editor.seller_edits["account_id"].text() == "shop_li88"
    assert editor.seller_edits["shop_url"].text() == "https://shop.example.com/li"
    assert editor.order_no_edit.text() == "202610270001234"
    assert (editor.amount_edit.text(), editor.currency_combo.currentText()) == ("1280.50", "CNY")
    assert editor.notes_edit.toPlainText().endswith("kefu@example.com")
    before = kinds(lib)
    assert lib.get_purchase(bought.id).amount_minor == bought.amount_minor  # nothing saved by Use

    record = save(qtbot, editor)

    assert kinds(lib)[len(before) :] == ["merchant_edited", "purchase_edited"]
    assert record.amount_minor == 128050 and record.merchant is not None
    assert record.merchant.account_id == "shop_li88"


def test_a_new_purchase_lists_no_suggestions(qtbot: Any, lib: Library, with_capture: int) -> None:
    editor = make(qtbot, lib)
    qtbot.wait(10)

    assert editor.suggestions == [] and editor.suggestions_group.isHidden()


# --------------------------------------------------------------------------- looks


def test_screenshot_for_the_docs(
    qtbot: Any, lib: Library, bought: PurchaseRecord, with_capture: int, tmp_path: Path
) -> None:
    """Renders the editor with Chinese data; with PROOFSHOT_DOCS_SCREENSHOTS=1 it also
    updates docs/img/purchase-editor.png."""
    lib.edit_purchase(
        bought.id,
        {"status": "disputed", "notes": "卖家承诺七天无理由退货，收货后左耳没有声音，联系后一直不回复。"},
        {"real_name": "李明", "account_id": "wxid_li8899"},
    )
    editor = make(qtbot, lib, bought.id)
    editor.show()
    qtbot.waitExposed(editor)
    qtbot.waitUntil(lambda: bool(editor.suggestions), timeout=2000)
    editor.title_edit.deselect()
    qtbot.wait(50)

    image = editor.grab().toImage()

    for label in editor.findChildren(type(editor.merchant_note)):
        if label.isVisible() and label.wordWrap():
            assert label.height() >= label.heightForWidth(label.width()), label.text()
    assert image.width() >= 640 and image.height() >= 400
    out = tmp_path / "purchase-editor.png"
    assert image.save(str(out))
    if os.environ.get("PROOFSHOT_DOCS_SCREENSHOTS") == "1":
        target = ROOT / "docs" / "img" / "purchase-editor.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        assert image.save(str(target))


# --------------------------------------------------------------------------- never writing what was not chosen

SHOP_TEXT = "卖家客服电话 139 1234 5678\n订单号：202610270009999 实付 ¥56.00\n店铺 https://shop.example.com/x"


@pytest.fixture
def typed_phone(lib: Library, make_png: Callable[..., bytes]) -> PurchaseRecord:
    """A purchase whose seller has the phone the user typed, 138-0013-8000, and a
    screenshot that shows another number."""
    p = lib.add_purchase({"title": "台灯"}, {"display_name": "灯具店", "phone": "138-0013-8000"})
    capture = lib.add_capture(make_png(7), source="import", purchase_id=p.id)
    lib.set_ocr_result(
        capture.id, OcrData(text=SHOP_TEXT, engine="tesseract", version="5", languages="chi_sim")
    )
    return p


def suggestion_button(qtbot: Any, editor: Any, kind: str) -> Any:
    qtbot.waitUntil(lambda: bool(editor.suggestions), timeout=2000)
    for s, b in zip(editor.suggestions, editor.suggestion_buttons, strict=True):
        if s.kind == kind:
            return b
    raise AssertionError(f"no {kind} suggestion in {editor.suggestions}")


def test_use_never_replaces_a_typed_phone_without_asking(
    qtbot: Any, lib: Library, typed_phone: PurchaseRecord
) -> None:
    editor = make(qtbot, lib, typed_phone.id)
    button = suggestion_button(qtbot, editor, "phone")

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: editor.question is not None and editor.question.isVisible(), timeout=2000)
    assert editor.seller_edits["phone"].text() == "138-0013-8000"  # untouched while it asks
    assert "138-0013-8000" in editor.question.text() and "13912345678" in editor.question.informativeText()
    answer(qtbot, editor, "Cancel")
    assert editor.seller_edits["phone"].text() == "138-0013-8000"
    assert button.isEnabled()

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    answer(qtbot, editor, "Add as a second number")
    assert editor.seller_edits["phone"].text() == "138-0013-8000 / 13912345678"
    assert not button.isEnabled()

    record = save(qtbot, editor)
    assert record.merchant is not None and record.merchant.phone == "138-0013-8000 / 13912345678"


def test_replace_is_a_choice_for_every_kind_of_suggestion(
    qtbot: Any, lib: Library, typed_phone: PurchaseRecord
) -> None:
    editor = make(qtbot, lib, typed_phone.id)
    editor.order_no_edit.setText("TB-12345")
    qtbot.mouseClick(suggestion_button(qtbot, editor, "order_no"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.question is not None and editor.question.isVisible(), timeout=2000)
    texts = [b.text() for b in editor.question.buttons()]
    assert "Replace" in texts and "Cancel" in texts and "Add as a second number" not in texts
    assert editor.order_no_edit.text() == "TB-12345"
    answer(qtbot, editor, "Replace")
    assert editor.order_no_edit.text() == "202610270009999"

    qtbot.mouseClick(suggestion_button(qtbot, editor, "phone"), Qt.MouseButton.LeftButton)
    answer(qtbot, editor, "Replace")
    assert editor.seller_edits["phone"].text() == "13912345678"


def test_use_fills_an_empty_field_and_a_same_value_without_asking(
    qtbot: Any, lib: Library, typed_phone: PurchaseRecord
) -> None:
    editor = make(qtbot, lib, typed_phone.id)
    assert editor.use_suggestion(next(s for s in editor_suggestions(qtbot, editor) if s.kind == "url"))
    assert editor.seller_edits["shop_url"].text() == "https://shop.example.com/x"
    editor.seller_edits["phone"].setText("+86 139-1234-5678")  # the same number, written otherwise
    assert editor.use_suggestion(next(s for s in editor.suggestions if s.kind == "phone"))
    assert editor.question is None and editor.seller_edits["phone"].text() == "+86 139-1234-5678"


def editor_suggestions(qtbot: Any, editor: Any) -> list[Any]:
    qtbot.waitUntil(lambda: bool(editor.suggestions), timeout=2000)
    return list(editor.suggestions)


# --------------------------------------------------------------------------- what is suggested, and from where


def test_a_suggestion_names_its_screenshot_by_time_and_thumbnail(
    qtbot: Any, lib: Library, bought: PurchaseRecord, make_png: Callable[..., bytes]
) -> None:
    from PySide6.QtCore import QLocale

    from gui.suggestions_panel import capture_time_text

    capture = lib.add_capture(
        make_png(3),
        source="import",
        purchase_id=bought.id,
        captured_at="2026-12-12T06:03:00.000000Z",
        utc_offset_min=480,
    )
    lib.set_ocr_result(capture.id, OcrData(text=SHOP_TEXT, engine="tesseract", version="5", languages="eng"))
    original = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    try:
        editor = make(qtbot, lib, bought.id)
        editor_suggestions(qtbot, editor)
        sources = [
            label.text() for label in editor.findChildren(type(editor.merchant_note), "suggestionSource")
        ]
        assert sources and all("12 Dec 2026 14:03" in t or "12 Dec 14:03" in t for t in sources)
        texts = [label.text() for label in editor.findChildren(type(editor.merchant_note), "suggestionText")]
        assert not any("#" in t or "capture" in t.lower() for t in texts + sources)
        thumbs = editor.findChildren(type(editor.merchant_note), "suggestionThumbnail")
        assert len(thumbs) == len(editor.suggestions)
        qtbot.waitUntil(lambda: all(t.property("thumbnailReady") for t in thumbs), timeout=5000)
        assert all(not t.pixmap().isNull() for t in thumbs)
        from datetime import datetime

        assert capture_time_text(capture.captured_at, 480, now=datetime(2026, 12, 20)) == "12 Dec 14:03"
        assert capture_time_text(capture.captured_at, 480, now=datetime(2027, 1, 2)) == "12 Dec 2026 14:03"
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        assert capture_time_text(capture.captured_at, 480, now=datetime(2026, 12, 20)) == "12月12日 14:03"
    finally:
        QLocale.setDefault(original)


def test_the_buyers_own_phone_is_not_suggested(
    qtbot: Any, lib: Library, make_png: Callable[..., bytes]
) -> None:
    from storage.settings import OwnDetails

    p = lib.add_purchase({"title": "香肠"})
    capture = lib.add_capture(make_png(4), source="import", purchase_id=p.id)
    text = (
        "收货地址： 赵磊，141-2898-3235\n卖家： 潮玩研究所 电话 139 1234 5678\n"
        "四川麻辣香肠 ¥91.00 1 ¥91.00\n商品总价： ¥182.00\n实付款： ¥172.00"
    )
    lib.set_ocr_result(capture.id, OcrData(text=text, engine="tesseract", version="5", languages="chi_sim"))
    lib.set_own_details(OwnDetails(phones=("14128983235",)))

    editor = make(qtbot, lib, p.id)
    found = {(s.kind, s.value) for s in editor_suggestions(qtbot, editor)}

    assert ("phone", "13912345678") in found and ("phone", "14128983235") not in found
    assert [v for k, v in found if k == "amount"] == ["172.00"]  # the total, not ¥91 or 商品总价
    labels = [label.text() for label in editor.findChildren(type(editor.merchant_note), "suggestionText")]
    assert any(t.startswith("Amount paid") and "172.00" in t for t in labels)


# --------------------------------------------------------------------------- checking seller details


@pytest.mark.parametrize(
    ("field", "typed", "words"),
    [
        ("phone", "abcyesterday", "not a phone number"),
        ("phone", "138 0013 800", "not a phone number"),
        ("credit_code", "91350100M000100Y44", "last character"),
        ("credit_code", "9135010", "18 characters"),
        ("credit_code", "91350100M000100I43", "capital letters"),
    ],
)
def test_bad_seller_details_are_refused_inline(
    qtbot: Any, lib: Library, field: str, typed: str, words: str
) -> None:
    editor = make(qtbot, lib)
    editor.title_edit.setText("Earbuds")
    editor.seller_edits["display_name"].setText("Li")
    editor.seller_edits[field].setText(typed)

    press_save_expecting_a_problem(qtbot, editor)

    assert words in visible_error(editor, field) and typed in visible_error(editor, field)
    assert lib.list_purchases() == [] and lib.list_merchants() == []


def test_a_wechat_id_is_checked_for_a_wechat_seller_only(qtbot: Any, lib: Library) -> None:
    editor = make(qtbot, lib)
    editor.title_edit.setText("Earbuds")
    editor.seller_edits["display_name"].setText("Li")
    editor.seller_edits["account_id"].setText("小李")
    editor.platform_combo.setCurrentIndex(editor.platform_combo.findData("wechat"))

    press_save_expecting_a_problem(qtbot, editor)

    assert "WeChat ID" in visible_error(editor, "account_id")
    editor.platform_combo.setCurrentIndex(editor.platform_combo.findData("taobao"))
    record = save(qtbot, editor)
    assert record.merchant is not None and record.merchant.account_id == "小李"


def test_good_seller_details_are_saved(qtbot: Any, lib: Library) -> None:
    editor = make(qtbot, lib)
    editor.title_edit.setText("Earbuds")
    editor.seller_edits["display_name"].setText("Li")
    editor.platform_combo.setCurrentIndex(editor.platform_combo.findData("wechat"))
    editor.seller_edits["account_id"].setText("shop_li88")
    editor.seller_edits["phone"].setText("+86 138-0013-8000 / 010 6552 9988")
    editor.seller_edits["credit_code"].setText("91350100m000100y43")

    record = save(qtbot, editor)

    assert record.merchant is not None and record.merchant.credit_code == "91350100M000100Y43"
    assert record.merchant.phone == "+86 138-0013-8000 / 010 6552 9988"


# --------------------------------------------------------------------------- undo of a seller change


def test_a_seller_change_shown_on_other_purchases_can_be_undone(
    qtbot: Any, lib: Library, bought: PurchaseRecord
) -> None:
    assert bought.merchant is not None
    other = lib.add_purchase({"title": "充电器"}, {}, bought.merchant.id)
    editor = make(qtbot, lib, other.id)
    editor.seller_edits["phone"].setText("13700001111")
    editor.seller_edits["real_name"].setText("李四")
    restored: list[object] = []
    editor.seller_restored.connect(restored.append)

    save(qtbot, editor)

    assert lib.get_purchase(bought.id).merchant.phone == "13700001111"  # type: ignore[union-attr]
    toast = editor.undo_toast
    assert toast is not None and toast.isVisible()
    assert "one other purchase" in toast._body.text()
    undo = next(b for b in toast.buttons() if b.text() == "Undo")
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: bool(restored), timeout=2000)
    assert lib.get_purchase(bought.id).merchant == bought.merchant
    assert lib.get_purchase(other.id).merchant == bought.merchant
    assert lib.events()[-1].data.get("undo") is True
    toast.hide()


def test_no_undo_is_offered_for_a_seller_on_this_purchase_only(
    qtbot: Any, lib: Library, bought: PurchaseRecord
) -> None:
    editor = make(qtbot, lib, bought.id)
    editor.seller_edits["real_name"].setText("李四")

    save(qtbot, editor)

    assert editor.undo_toast is None


# --------------------------------------------------------------------------- managing sellers


def open_manager(qtbot: Any, editor: Any) -> Any:
    qtbot.mouseClick(editor.manage_sellers_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: editor.seller_manager is not None and editor.seller_manager.isVisible(), timeout=2000
    )
    return editor.seller_manager


def test_a_seller_made_by_a_typo_and_unused_can_be_deleted(
    qtbot: Any, lib: Library, bought: PurchaseRecord
) -> None:
    typo = lib.add_purchase({"title": "x"}, {"display_name": "小李数吗"})
    lib.delete_purchase(typo.id)  # the seller stays behind, on no purchase
    editor = make(qtbot, lib)
    manager = open_manager(qtbot, editor)
    assert typo.merchant is not None and bought.merchant is not None

    manager.select(bought.merchant.id)
    assert not manager.delete_button.isEnabled() and "merge" in manager.delete_hint.text()
    manager.select(typo.merchant.id)
    assert manager.delete_button.isEnabled()
    qtbot.mouseClick(manager.delete_button, Qt.MouseButton.LeftButton)
    answer(qtbot, manager, "Cancel")
    assert len(lib.list_merchants()) == 2

    qtbot.mouseClick(manager.delete_button, Qt.MouseButton.LeftButton)
    answer(qtbot, manager, "Delete")

    assert [m.display_name for m in lib.list_merchants()] == ["小李数码"]
    assert lib.events()[-1].kind == "merchant_deleted"
    assert editor.merchant_combo.findText("小李数吗") == -1
    assert editor.merchant_combo.findText("小李数码") > 0


def test_a_seller_can_be_merged_into_another_from_the_editor(
    qtbot: Any, lib: Library, bought: PurchaseRecord
) -> None:
    typo = lib.add_purchase({"title": "充电器"}, {"display_name": "小李数吗", "real_name": "李四"})
    assert typo.merchant is not None and bought.merchant is not None
    editor = make(qtbot, lib, typo.id)
    editor.title_edit.setText("充电器 65W")  # typed, not saved: it must survive the merge
    manager = open_manager(qtbot, editor)
    assert manager.selected() == typo.merchant
    manager.merge_target.setCurrentIndex(manager.merge_target.findData(bought.merchant.id))

    qtbot.mouseClick(manager.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: manager.question is not None and manager.question.isVisible(), timeout=2000)
    assert "小李数吗" in manager.question.text() and "小李数码" in manager.question.text()
    answer(qtbot, manager, "Merge")

    assert lib.get_purchase(typo.id).merchant.id == bought.merchant.id  # type: ignore[union-attr]
    assert [m.display_name for m in lib.list_merchants()] == ["小李数码"]
    assert [e.kind for e in lib.events()[-2:]] == ["purchase_edited", "merchant_merged"]
    # The editor now shows the seller kept, with the details the merge copied to it.
    assert editor.chosen_merchant() is not None and editor.chosen_merchant().id == bought.merchant.id
    assert editor.seller_edits["display_name"].text() == "小李数码"
    assert editor.seller_edits["real_name"].text() == "李四"
    assert editor.title_edit.text() == "充电器 65W"
    manager.close()

    before = kinds(lib)
    record = save(qtbot, editor)
    assert record.title == "充电器 65W" and record.merchant is not None
    assert record.merchant.id == bought.merchant.id and record.merchant.real_name == "李四"
    assert kinds(lib)[len(before) :] == ["purchase_edited"]


def test_the_library_windows_thumbnails_are_reused(
    qtbot: Any, lib: Library, typed_phone: PurchaseRecord
) -> None:
    from PySide6.QtWidgets import QWidget

    from gui.purchase_editor import PurchaseEditor
    from gui.thumbnails import ThumbnailCache

    window = QWidget()
    qtbot.addWidget(window)
    window.thumbnails = ThumbnailCache(lib, 160, window)  # type: ignore[attr-defined]
    for _ in range(2):  # a second editor from the same window shows them too
        editor = PurchaseEditor(lib, typed_phone.id, window)
        editor_suggestions(qtbot, editor)
        assert editor.suggestions_group.thumbnails is window.thumbnails  # type: ignore[attr-defined]
        thumbs = editor.findChildren(type(editor.merchant_note), "suggestionThumbnail")
        qtbot.waitUntil(lambda t=thumbs: all(x.property("thumbnailReady") for x in t), timeout=5000)
        editor.reject()
    window.thumbnails.shutdown()  # type: ignore[attr-defined]


def test_from_the_tray_the_form_saves_through_the_storage_helper(qtbot: Any, tmp_path: Path) -> None:
    """The tray's library is a RemoteLibrary (ADR 012): the form opened from the tray menu
    saves through the storage helper, and the helper's refusals are shown as the library's."""
    from storage.remote import RemoteLibrary

    remote = RemoteLibrary.open(tmp_path / "lib")
    try:
        editor = make(qtbot, remote)
        editor.title_edit.setText("Desk lamp")
        editor.seller_edits["display_name"].setText("Li")
        editor.seller_edits["address"].setText("x" * 3000)
        press_save_expecting_a_problem(qtbot, editor)
        assert "too long" in editor.save_error.text()
        editor.seller_edits["address"].setText("Shenzhen")
        record = save(qtbot, editor)
        assert remote.helper_pid is not None and remote.starts == 1
    finally:
        remote.close()
    with Library.open(tmp_path / "lib") as lib:
        assert lib.get_purchase(record.id).title == "Desk lamp"
        assert [m.display_name for m in lib.list_merchants()] == ["Li"]
