"""Documents in the library window (offscreen Qt, a real library): importing every kind by
Import files…, drop and paste; a PDF's pages one at a time with the search's highlights on
the right page; an e-mail's headers, text and attachments (plain text only, nothing fetched);
an XML e-invoice's facts; the thumbnails of documents; a document that cannot be read."""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QLabel, QMessageBox, QTextBrowser, QTextEdit

from capture.pipeline import ocr_capture
from gui.library_import import import_files
from gui.library_window import LibraryWindow
from gui.thumbnails import ThumbnailCache
from storage.library import Library
from tests import fixtures_docs as docs
from tests.fixtures_pdf import encrypted_pdf, line_box_pixels, text_pdf
from tests.test_library_window import drop_files

PAGES = [["第一页 苹果 订单"], ["第二页 香蕉 退款"], ["第三页 樱桃 发票"]]


@pytest.fixture
def window(qtbot, lib: Library, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "config"))
    w = LibraryWindow(lib)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    yield w
    w.runner.wait()
    w.thumbnails.shutdown()


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


def _import(lib: Library, tmp_path: Path, name: str, data: bytes, read: bool = True) -> list[int]:
    """Import one file the window's way; read the text of what was kept (no OCR engine:
    documents with a text layer need none)."""
    ids, problems = import_files(lib, [_file(tmp_path, name, data)], None)
    assert problems == [] and ids
    if read:
        for cid in ids:
            if lib.get_capture(cid).ocr_status == "pending":
                ocr_capture(lib, None, cid)
    return ids


def _wait_loaded(qtbot, w: LibraryWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not w.runner.pending("load") and not w._search_timer.isActive(), timeout=10000)


def _select(qtbot, w: LibraryWindow, capture_id: int) -> None:  # type: ignore[no-untyped-def]
    """Show capture `capture_id` in the preview, as a click on its tile does."""
    w.reload()
    _wait_loaded(qtbot, w)
    row = w.captures.row_of(capture_id)
    assert row is not None
    w.current_view().setCurrentIndex(w.captures.index(row, 0))
    _wait_preview(qtbot, w, capture_id)


def _wait_preview(qtbot, w: LibraryWindow, capture_id: int) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(
        lambda: (
            w.preview.record is not None
            and w.preview.record.id == capture_id
            and not w.runner.pending("preview")
            and not w.runner.pending("page")
            and (
                w.preview._image_stack.currentWidget() is not w.preview.image_message
                or w.preview.image_message.text() != "Loading…"
            )
        ),
        timeout=15000,
    )


def _inside(box: tuple[int, int, int, int], band: tuple[int, int, int, int]) -> bool:
    return band[0] <= box[0] and band[1] <= box[1] and box[2] <= band[2] and box[3] <= band[3]


# ---------------------------------------------------------------------- importing


def test_every_kind_is_imported_byte_exact_with_attachments(lib: Library, tmp_path: Path) -> None:
    files = {
        "三页.pdf": text_pdf(PAGES),
        "发票.ofd": docs.ofd_invoice(),
        "发票.xml": docs.invoice_xml(),
        "闲鱼.eml": docs.eml_gbk_subject(),
        "淘宝.eml": docs.eml_html_only_remote_image(),
        "发票邮件.eml": docs.eml_with_invoice_pdf(text_pdf([["附件发票 24442000000123456789"]])),
        "locked.pdf": encrypted_pdf(),
        "broken.pdf": b"%PDF-1.7\n garbage",
        "notes.txt": b"just some words, not a document",
    }
    paths = [_file(tmp_path, name, data) for name, data in files.items()]
    paths.append(tmp_path / "in")  # a folder
    ids, problems = import_files(lib, paths, None)
    records = {r.source_name: r for r in lib.get_captures(ids)}
    for name in ("三页.pdf", "发票.ofd", "发票.xml", "闲鱼.eml", "淘宝.eml", "发票邮件.eml", "locked.pdf"):
        assert lib.read_capture_bytes(records[name].id) == files[name], name
    assert records["三页.pdf"].doc_kind == "pdf" and records["三页.pdf"].page_count == 3
    assert records["locked.pdf"].doc_problem
    mail = lib.get_capture(records["发票邮件.eml"].id)
    attached = lib.get_captures(list(mail.attachment_ids))
    # The attached PDF is filed; the attached OFD and XML are the files imported above:
    # reported, not kept twice.
    assert [a.doc_kind for a in attached] == ["pdf"]
    assert all(a.parent_id == mail.id and a.source == "attachment" and a.id in ids for a in attached)
    assert sum("already in the library (attached to 发票邮件.eml)" in p for p in problems) == 2, problems
    # One line a file for the rest, each naming its file.
    for name in ("broken.pdf", "notes.txt", "in"):
        assert sum(p.startswith(name) for p in problems) == 1, (name, problems)
    assert not any(str(tmp_path) in p for p in problems)  # the name, not the whole path


def test_the_import_dialog_offers_documents(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []

    def fake_dialog(_parent: Any, _title: str, _dir: str, filters: str) -> tuple[list[str], str]:
        asked.append(filters)
        return [], ""

    monkeypatch.setattr("gui.library_window.QFileDialog.getOpenFileNames", fake_dialog)
    window.act_import.trigger()
    for suffix in ("*.png", "*.jpg", "*.pdf", "*.ofd", "*.xml", "*.eml"):
        assert suffix in asked[0].split(";;")[0]


def _drag_enter(window: LibraryWindow, paths: list[Path]) -> bool:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    event.setAccepted(False)
    window.dragEnterEvent(event)
    return event.isAccepted()


def test_dropping_documents_imports_them(qtbot, window, lib, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pdf = _file(tmp_path, "invoice.pdf", text_pdf([["发票 一"]]))
    mail = _file(tmp_path, "order.eml", docs.eml_gbk_subject())
    other = _file(tmp_path, "notes.txt", b"words")
    assert _drag_enter(window, [pdf])
    assert _drag_enter(window, [mail, other])
    assert not _drag_enter(window, [other])
    imported: list[list[int]] = []
    window.captures_imported.connect(imported.append)
    drop_files(window, [pdf, mail])
    qtbot.waitUntil(lambda: bool(imported), timeout=10000)
    assert sorted(r.doc_kind or "" for r in lib.get_captures(imported[0])) == ["email", "pdf"]


def test_paste_of_copied_files_imports_them(qtbot, window, lib, tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = lib.add_purchase({"title": "健身月卡"})
    window.refresh_purchases()
    window.tree.setCurrentIndex(window.purchases.index_for("purchase", p.id))
    pdf = _file(tmp_path, "invoice.pdf", text_pdf([["发票 二"]]))
    xml = _file(tmp_path, "invoice.xml", docs.invoice_xml())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pdf)), QUrl.fromLocalFile(str(xml))])
    QGuiApplication.clipboard().setMimeData(mime)
    window.act_paste.trigger()
    qtbot.waitUntil(lambda: len(lib.list_captures(purchase_id=p.id)) == 2, timeout=10000)
    kept = lib.list_captures(purchase_id=p.id)
    assert {c.source_name for c in kept} == {"invoice.pdf", "invoice.xml"}
    assert all(c.source == "import" for c in kept)


# ---------------------------------------------------------------------- pages


def test_a_pdf_is_shown_page_by_page(qtbot, window, lib, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (cid,) = _import(lib, tmp_path, "三页.pdf", text_pdf(PAGES))
    _select(qtbot, window, cid)
    pane = window.preview
    assert pane.page == 0 and pane.page_count == 3
    assert pane.page_label.text() == "Page 1 of 3"
    assert pane.image_view.sceneRect().width() == lib.get_capture(cid).width
    assert not pane.previous_page_button.isEnabled() and pane.next_page_button.isEnabled()
    first = pane.image_view.grab().toImage()

    pane.next_page_button.click()
    qtbot.waitUntil(lambda: pane.page == 1 and not window.runner.pending("page"), timeout=10000)
    assert pane.page_label.text() == "Page 2 of 3"
    assert pane.image_view.grab().toImage() != first

    # The search's matches are boxed on the page they are on, and only there.
    pane.set_query("香蕉")
    assert len(pane.image_boxes) == 1 and _inside(pane.image_boxes[0], line_box_pixels(0))
    assert len(pane.image_view.highlight_items) == 1
    pane.previous_page()  # Page Up does the same
    qtbot.waitUntil(lambda: pane.page == 0 and not window.runner.pending("page"), timeout=10000)
    assert pane.image_boxes == [] and pane.image_view.highlight_items == []
    assert "2" in pane.match_label.text()  # says on which page the match is

    pane.go_to_page(2)
    qtbot.waitUntil(lambda: pane.page == 2 and not window.runner.pending("page"), timeout=10000)
    assert not pane.next_page_button.isEnabled()
    pane.next_page()  # past the last page: nothing
    assert pane.page == 2 and not window.runner.pending("page")
    # Page images are cached under the library, derived and rebuildable.
    assert len(list((lib.root / "pages").rglob("*.png"))) == 3


def test_page_down_and_up_turn_the_pages(qtbot, window, lib, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (cid,) = _import(lib, tmp_path, "三页.pdf", text_pdf(PAGES))
    _select(qtbot, window, cid)
    pane = window.preview
    pane.image_view.setFocus()
    qtbot.keyClick(pane.image_view, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: pane.page == 1 and not window.runner.pending("page"), timeout=10000)
    qtbot.keyClick(pane.image_view, Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: pane.page == 0 and not window.runner.pending("page"), timeout=10000)
    # In the text below, Page Down scrolls the text as it always did.
    pane.ocr_text.setFocus()
    qtbot.keyClick(pane.ocr_text, Qt.Key.Key_PageDown)
    assert pane.page == 0 and not window.runner.pending("page")


def test_a_search_opens_the_pdf_at_the_page_it_matched(qtbot, window, lib, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (cid,) = _import(lib, tmp_path, "三页.pdf", text_pdf(PAGES))
    window.search_box.setText("香蕉")
    _wait_loaded(qtbot, window)
    assert window.captures.row_of(cid) == 0
    _wait_preview(qtbot, window, cid)
    pane = window.preview
    assert pane.page == 1 and pane.page_label.text() == "Page 2 of 3"
    assert len(pane.image_boxes) == 1 and _inside(pane.image_boxes[0], line_box_pixels(0))
    # A new search turns to the page of its first match.
    window.search_box.setText("樱桃")
    _wait_loaded(qtbot, window)
    qtbot.waitUntil(lambda: pane.page == 2 and not window.runner.pending("page"), timeout=10000)
    assert len(pane.image_view.highlight_items) == 1


def test_a_password_protected_pdf_shows_its_problem(qtbot, window, lib, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (cid,) = _import(lib, tmp_path, "locked.pdf", encrypted_pdf())
    _select(qtbot, window, cid)
    pane = window.preview
    problem = lib.get_capture(cid).doc_problem
    assert problem and "password" in problem
    assert pane.image_message.text() == problem[0].upper() + problem[1:]
    assert pane.warning_frame.isVisibleTo(pane) and problem[1:] in pane.warning_label.text()
    assert pane.ocr_status_label.text() == "No text can be read from this document."
    assert not pane.rerun_button.isEnabled()
    assert not pane.page_label.isVisibleTo(pane)
    assert "cannot be read" in pane.document_label.text()


# ---------------------------------------------------------------------- e-mails


def test_an_email_shows_its_decoded_headers_and_text(qtbot, window, lib, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (cid,) = _import(lib, tmp_path, "闲鱼.eml", docs.eml_gbk_subject())
    _select(qtbot, window, cid)
    view = window.preview.email_view
    assert window.preview._image_stack.currentWidget() is view
    assert view.header_labels["subject"].text() == "闲鱼订单已发货：iPhone 15 128G 王镕的闲置"
    assert "闲鱼" in view.header_labels["from"].text()
    assert "李明" in view.header_labels["to"].text()
    assert "2026" in view.header_labels["date"].text()
    assert "顺丰单号 SF1234567890123" in view.body.toPlainText()
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in view.header_labels.values())
    assert not view.remote_label.isVisibleTo(view)
    assert view.attachment_buttons == []
    assert window.preview.document_label.text() == "E-mail"
    # Never handed to a mail program, which could load what it points to.
    assert not window.act_copy.isEnabled() and not window.act_open.isEnabled()
    opened: list[object] = []
    monkeypatch.setattr("gui.capture_actions.QDesktopServices.openUrl", lambda url: opened.append(url))
    window.open_original()  # a double-click on the tile
    assert opened == [] and "text only" in window.statusBar().currentMessage()


def test_a_pdf_opens_in_the_viewer_through_a_link_named_pdf(qtbot, window, lib, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    from tests.fixtures_pdf import invoice_pdf

    (cid,) = _import(lib, tmp_path, "发票.pdf", invoice_pdf())
    _select(qtbot, window, cid)
    opened: list[object] = []
    monkeypatch.setattr("gui.capture_actions.QDesktopServices.openUrl", lambda url: opened.append(url))
    assert window.act_open.isEnabled()
    window.open_original()
    [url] = opened
    link = Path(url.toLocalFile())  # type: ignore[attr-defined]
    rec = lib.get_capture(cid)
    assert link.suffix == ".pdf" and link.resolve() == lib.blob_path(rec.sha256).resolve()
    assert link.read_bytes() == invoice_pdf()


def test_an_html_email_is_shown_as_text_and_nothing_is_fetched(qtbot, window, lib, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    connections: list[object] = []

    def no_network(*args: object, **kwargs: object) -> None:
        connections.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    (cid,) = _import(lib, tmp_path, "淘宝.eml", docs.eml_html_only_remote_image())
    _select(qtbot, window, cid)
    pane = window.preview
    view = pane.email_view
    text = view.body.toPlainText()
    assert "华为 FreeBuds 6i" in text and "订单号：3921847562019384799" in text
    assert "<img" not in text and "<script" not in text and "document.write" not in text
    assert view.remote_label.isVisibleTo(view)
    assert "remote images were not loaded" in view.remote_label.text()
    remote = lib.get_capture(cid).doc_info["remote_content"]
    assert remote >= 1 and view.remote_label.text().startswith(str(remote))
    # Nothing that renders HTML or loads URLs is in the pane, nor is a web engine loaded.
    assert pane.findChildren(QTextBrowser) == []
    assert all(edit.toHtml().count("<img") == 0 for edit in pane.findChildren(QTextEdit))
    assert all(
        label.textFormat() == Qt.TextFormat.PlainText
        for label in view.findChildren(QLabel)
        if label.text() and label in view.header_labels.values()
    )
    assert not any(name.startswith("PySide6.QtWebEngine") for name in sys.modules)
    assert connections == []


def test_an_attachment_opens_from_the_email_and_back(qtbot, window, lib, tmp_path) -> None:  # type: ignore[no-untyped-def]
    invoice = text_pdf([["附件发票 24442000000123456789"]])
    ids = _import(lib, tmp_path, "发票邮件.eml", docs.eml_with_invoice_pdf(invoice))
    mail = lib.get_capture(ids[0])
    pdf = next(r for r in lib.get_captures(list(mail.attachment_ids)) if r.doc_kind == "pdf")
    _select(qtbot, window, mail.id)
    view = window.preview.email_view
    assert view.header_labels["cc"].text() == "finance@qingning-tech.cn"
    names = [b.toolTip() for b in view.attachment_buttons]
    assert len(view.attachment_buttons) == 3, names  # PDF, OFD, XML; the .zip stays inside
    button = next(b for b in view.attachment_buttons if b.property("captureId") == pdf.id)
    # A search that does not find the PDF: opening it shows it all the same.
    window.search_box.setText("发票")
    _wait_loaded(qtbot, window)
    button.click()
    _wait_preview(qtbot, window, pdf.id)
    pane = window.preview
    assert pane.page_count == 1
    assert pane.from_email_frame.isVisibleTo(pane)
    subject = mail.doc_info["subject"]
    assert pane.from_email_label.text() == f"From the e-mail “{subject}”"
    assert window.current_view().currentIndex().row() == window.captures.row_of(pdf.id)
    pane.open_email_button.click()
    _wait_preview(qtbot, window, mail.id)
    assert not pane.from_email_frame.isVisibleTo(pane)


# ---------------------------------------------------------------------- XML and facts


def test_an_xml_invoice_shows_its_facts(qtbot, window, lib, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (cid,) = _import(lib, tmp_path, "发票.xml", docs.invoice_xml())
    _select(qtbot, window, cid)
    pane = window.preview
    assert pane._image_stack.currentWidget() is pane.xml_view
    facts = pane.xml_view.fact_labels
    assert facts["Invoice number"] == docs.INVOICE_NUMBER
    assert facts["Seller's tax ID"] == docs.SELLER_TAX_ID
    assert facts["Total with tax"] == f"{docs.TOTAL} CNY"
    assert docs.SELLER_NAME in pane.xml_view.text.toPlainText()
    details = pane.facts_label.text()
    for value in (docs.INVOICE_NUMBER, docs.ISSUED_ON, docs.SELLER_NAME, docs.SELLER_TAX_ID, docs.BUYER_NAME):
        assert value in details
    assert pane.document_label.text() == "XML e-invoice"


def test_an_xml_invoice_shows_its_facts_before_its_text_is_read(qtbot, window, lib, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (cid,) = _import(lib, tmp_path, "发票.xml", docs.invoice_xml(), read=False)
    assert lib.get_capture(cid).facts is None
    _select(qtbot, window, cid)
    pane = window.preview
    assert pane.xml_view.fact_labels["Invoice number"] == docs.INVOICE_NUMBER
    assert docs.INVOICE_NUMBER in pane.facts_label.text()
    assert docs.SELLER_NAME in pane.xml_view.text.toPlainText()


def test_a_pdf_invoice_shows_its_facts_in_the_details(qtbot, window, lib, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.fixtures_pdf import INVOICE_NUMBER, SELLER_TAX_ID, invoice_pdf

    (cid,) = _import(lib, tmp_path, "invoice.pdf", invoice_pdf())
    _select(qtbot, window, cid)
    pane = window.preview
    assert INVOICE_NUMBER in pane.facts_label.text() and SELLER_TAX_ID in pane.facts_label.text()
    assert pane.document_label.text() == "PDF invoice, 1 page(s)"


# ---------------------------------------------------------------------- thumbnails


def _thumbnail(qtbot, lib: Library, sha: str) -> QImage:  # type: ignore[no-untyped-def]
    cache = ThumbnailCache(lib, 160)
    try:
        assert cache.get(sha) is None
        qtbot.waitUntil(lambda: cache.get(sha) is not None, timeout=15000)
        pixmap = cache.get(sha)
        assert pixmap is not None and not cache.is_missing(sha)
        assert pixmap.cacheKey() != cache.placeholder().cacheKey()
        return pixmap.toImage()
    finally:
        cache.shutdown()


def _shares(image: QImage) -> tuple[float, float]:
    """The share of near-white and of dark pixels."""
    white = dark = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            gray = QColorGray(image.pixel(x, y))
            white += gray > 235
            dark += gray < 160
    total = ((image.height() + 1) // 2) * ((image.width() + 1) // 2)
    return white / total, dark / total


def QColorGray(rgb: int) -> int:  # noqa: N802
    return ((rgb >> 16 & 0xFF) * 11 + (rgb >> 8 & 0xFF) * 16 + (rgb & 0xFF) * 5) // 32


def test_the_thumbnail_of_a_pdf_is_its_first_page(qtbot, lib, tmp_path) -> None:  # type: ignore[no-untyped-def]
    big = [["发票 " * 12] * 30]  # a page full of text, so the small picture shows it
    (cid,) = _import(lib, tmp_path, "page.pdf", text_pdf(big + [["第二页"]]), read=False)
    image = _thumbnail(qtbot, lib, lib.get_capture(cid).sha256)
    assert image.height() == 160 and 100 < image.width() < 130  # an A4 page's shape
    white, dark = _shares(image)
    assert white > 0.4 and dark > 0.01  # paper with print on it


def test_the_thumbnail_of_an_ofd_is_its_first_page(qtbot, lib, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (cid,) = _import(lib, tmp_path, "发票.ofd", docs.ofd_invoice(), read=False)
    image = _thumbnail(qtbot, lib, lib.get_capture(cid).sha256)
    assert max(image.width(), image.height()) == 160
    white, dark = _shares(image)
    assert white > 0.4 and dark > 0.005
    assert list(lib.thumbs.rglob("*_card_*.png")) == []  # a page, not a card


def test_emails_and_xml_get_a_card_and_unreadable_pdfs_too(qtbot, lib, tmp_path) -> None:  # type: ignore[no-untyped-def]
    shas = {}
    for name, data in (
        ("a.eml", docs.eml_gbk_subject()),
        ("b.xml", docs.invoice_xml()),
        ("c.pdf", encrypted_pdf()),
    ):
        (cid,) = _import(lib, tmp_path, name, data, read=False)
        shas[name] = lib.get_capture(cid).sha256
    cards = {name: _thumbnail(qtbot, lib, sha) for name, sha in shas.items()}
    for card in cards.values():
        assert card.size().width() == 160 and card.size().height() == 160
        white, dark = _shares(card)
        assert white > 0.5 and dark > 0.005
    assert len({c.cacheKey() for c in cards.values()}) == 3
    assert cards["a.eml"] != cards["b.xml"] != cards["c.pdf"]
    # Cached on disk per language, read back as they are.
    assert len(list(lib.thumbs.rglob("*_card_*.png"))) == 3
    again = _thumbnail(qtbot, lib, shas["a.eml"])
    assert again == cards["a.eml"]


def test_a_document_with_a_problem_is_never_shown_as_pages(qtbot, window, lib, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    (cid,) = _import(lib, tmp_path, "locked.pdf", encrypted_pdf())
    _select(qtbot, window, cid)
    assert window.preview.page_count == 0
    window.preview.next_page()
    assert not window.runner.pending("page") and warnings == []


# ---------------------------------------------------------------------- suggestions


def test_invoice_facts_are_used_with_one_click_each(qtbot, lib, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from gui.purchase_editor import PurchaseEditor

    p = lib.add_purchase({"title": "健身月卡"}, {"display_name": "乐动健身"})
    ids, problems = import_files(lib, [_file(tmp_path, "发票.xml", docs.invoice_xml())], p.id)
    assert problems == []
    ocr_capture(lib, None, ids[0])
    editor = PurchaseEditor(lib, p.id)
    qtbot.addWidget(editor)
    qtbot.waitUntil(lambda: bool(editor.suggestions), timeout=5000)
    by_kind = {s.kind: (s, b) for s, b in zip(editor.suggestions, editor.suggestion_buttons, strict=True)}
    assert {"company", "credit_code", "amount", "invoice_date", "invoice_no"} <= set(by_kind)
    texts = [label.text() for label in editor.suggestions_group.findChildren(QLabel)]
    assert any("发票.xml" in t for t in texts)  # named by the document it was read from
    for kind in ("company", "credit_code", "amount", "invoice_date", "invoice_no"):
        qtbot.mouseClick(by_kind[kind][1], Qt.MouseButton.LeftButton)
        assert editor.question is None  # nothing to replace: one click is enough
        assert not by_kind[kind][1].isEnabled(), kind
    assert editor.seller_edits["company"].text() == docs.SELLER_NAME
    assert editor.seller_edits["credit_code"].text() == docs.SELLER_TAX_ID
    assert (editor.amount_edit.text(), editor.currency_combo.currentText()) == (docs.TOTAL, "CNY")
    assert editor.date_edit.text() == docs.ISSUED_ON
    assert docs.INVOICE_NUMBER in editor.notes_edit.toPlainText()
    assert docs.BUYER_NAME not in [s.value for s in editor.suggestions]
    editor.reject()
