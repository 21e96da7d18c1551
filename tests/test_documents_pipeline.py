"""Reading documents' text on the capture side (capture.doc_text, capture.pipeline) and the
suggestions an invoice's facts make (capture.suggestions)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace

import pytest
from PIL import Image, ImageDraw, ImageFont

from capture.doc_text import read_document
from capture.errors import OcrFailed, OcrUnavailable
from capture.ocr import OcrResult, TesseractEngine, tesseract_available
from capture.suggestions import purchase_suggestions
from storage.records import CaptureRecord, MerchantRecord, PurchaseRecord

from . import fixtures_docs, fixtures_pdf

PDF = "application/pdf"
NUMBER = fixtures_pdf.INVOICE_NUMBER
#: The seller's credit code on fixtures_pdf.invoice_pdf().
SELLER_TAX_ID = fixtures_pdf.invoice_lines.__kwdefaults__["seller_tax_id"]
#: The size of a scanned test page: A4 at 144 dpi, which scanned_pdf keeps (scale 2).
PAGE = (1190, 1684)

needs_tesseract = pytest.mark.skipif(not tesseract_available(), reason="tesseract is not installed")


def scan(lines: list[tuple[int, str]]) -> tuple[Image.Image, dict[str, tuple[int, int, int, int]]]:
    """A white page with each (y, text) drawn in 40 px black letters at x=100, and where
    each text is (its ink's box)."""
    img = Image.new("RGB", PAGE, "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=40)
    where = {}
    for y, text in lines:
        draw.text((100, y), text, fill="black", font=font)
        where[text] = draw.textbbox((100, y), text, font=font)
    return img, where


def mixed_pdf(text_page: list[str], scanned: Image.Image) -> bytes:
    """Page 1 with a text layer, page 2 a scan (the two fixtures' pages joined)."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    for data in (fixtures_pdf.text_pdf([text_page]), fixtures_pdf.scanned_pdf([scanned])):
        out.import_pages(pdfium.PdfDocument(data))
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


@dataclass
class FakeEngine:
    """An engine that reads nothing, or raises `error`; counts its calls."""

    error: Exception | None = None
    name: str = "fake"
    calls: list[tuple[int, int]] = field(default_factory=list)

    def recognize(self, image: Image.Image) -> OcrResult:
        self.calls.append(image.size)
        if self.error is not None:
            raise self.error
        return OcrResult("", (), self.name, "0", "eng", None, 0.0)


def overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int], slack: int = 12) -> bool:
    return a[0] < b[2] + slack and b[0] < a[2] + slack and a[1] < b[3] + slack and b[1] < a[3] + slack


# --------------------------------------------------------------------------- scanned pages


@needs_tesseract
def test_a_scanned_page_is_ocred_and_its_words_are_on_that_page_where_they_are_drawn() -> None:
    first, _ = scan([(200, "FIRST PAGE 31415")])
    second, where = scan([(300, f"INVOICE {NUMBER}"), (500, "TOTAL 128.00")])
    data = fixtures_pdf.scanned_pdf([first, second])
    reading = read_document(data, PDF, TesseractEngine(languages="eng"), page_count=2)
    ocr = reading.data
    assert ocr.engine == "pdf-text+tesseract" and reading.unread_pages == () and reading.problem is None
    assert ocr.text.index("31415") < ocr.text.index(NUMBER) < ocr.text.index("128.00")
    [number] = [w for w in ocr.words if NUMBER in w.text]
    assert number.page == 1
    ink = where[f"INVOICE {NUMBER}"]
    assert overlaps(number.box, ink) and number.box[0] > ink[0] + 100  # the number, not the label
    assert abs(number.box[1] - ink[1]) < 15 and abs(number.box[3] - ink[3]) < 15
    assert {w.page for w in ocr.words if "31415" in w.text} == {0}
    assert ocr.confidence is not None and ocr.languages == "eng"


@needs_tesseract
def test_a_mixed_pdf_keeps_its_text_layer_and_ocrs_only_the_scanned_page() -> None:
    scanned, _ = scan([(300, f"INVOICE {NUMBER}")])
    data = mixed_pdf(["订单确认 保温杯 已发货"], scanned)
    engine = TesseractEngine(languages="eng")
    reading = read_document(data, PDF, engine, page_count=2)
    ocr = reading.data
    assert ocr.engine == "pdf-text+tesseract"
    assert ocr.text.index("订单确认") < ocr.text.index(NUMBER)
    assert {w.page for w in ocr.words if NUMBER in w.text} == {1}
    layer = [w for w in ocr.words if w.page == 0]
    assert layer and "订单确认" in "".join(w.text for w in layer)
    assert all(w.page in (0, 1) for w in ocr.words)


@needs_tesseract
def test_a_scanned_invoices_facts_are_read_from_its_ocr_text() -> None:
    from storage.documents import render_page

    # The invoice printed and scanned at 288 dpi (its 9 pt print is then 36 px high).
    page = render_page(fixtures_pdf.invoice_pdf(), PDF, 0, scale=4)
    data = fixtures_pdf.scanned_pdf([page], dpi=288)
    facts = read_document(data, PDF, TesseractEngine(languages="chi_sim+eng"), page_count=1).data.facts
    assert facts is not None and facts["source"] == "pdf-ocr"
    assert facts["invoice_number"] == NUMBER


def test_a_pdf_with_a_text_layer_needs_no_engine() -> None:
    engine = FakeEngine(error=AssertionError("the engine must not be asked"))
    reading = read_document(fixtures_pdf.invoice_pdf(), PDF, engine, page_count=1)
    assert engine.calls == []
    assert reading.data.engine == "pdf-text" and NUMBER in reading.data.text
    assert reading.data.facts is not None and reading.data.facts["invoice_number"] == NUMBER


@pytest.mark.parametrize(
    ("data", "media_type", "engine_name"),
    [
        (fixtures_docs.ofd_invoice(), "application/ofd", "ofd-text"),
        (fixtures_docs.invoice_xml(), "application/xml", "xml"),
        (fixtures_docs.eml_gbk_subject(), "message/rfc822", "email"),
    ],
    ids=["ofd", "xml", "email"],
)
def test_ofd_xml_and_email_are_read_with_no_engine_at_all(
    data: bytes, media_type: str, engine_name: str
) -> None:
    reading = read_document(data, media_type, None)
    assert reading.data.engine == engine_name and reading.data.text.strip()
    assert reading.unread_pages == () and reading.problem is None


def test_the_invoice_facts_of_an_ofd_and_an_xml_are_kept() -> None:
    for data, media_type in (
        (fixtures_docs.ofd_invoice(), "application/ofd"),
        (fixtures_docs.invoice_xml(), "application/xml"),
    ):
        facts = read_document(data, media_type, None).data.facts
        assert facts is not None
        assert facts["invoice_number"] == fixtures_docs.INVOICE_NUMBER
        assert facts["seller_tax_id"] == fixtures_docs.SELLER_TAX_ID
        assert facts["total"] == fixtures_docs.TOTAL


# --------------------------------------------------------------------------- no engine


def test_with_the_engine_missing_a_mixed_pdf_keeps_its_text_and_names_the_page_not_read() -> None:
    scanned, _ = scan([(300, f"INVOICE {NUMBER}")])
    data = mixed_pdf(["订单确认 保温杯 已发货"], scanned)
    engine = FakeEngine(error=OcrUnavailable("Tesseract OCR is not installed"))
    reading = read_document(data, PDF, engine, page_count=2)
    assert reading.unread_pages == (1,)
    assert reading.problem is not None
    assert "page 2" in reading.problem and "Tesseract OCR is not installed" in reading.problem
    assert "订单确认" in reading.data.text and reading.data.engine == "pdf-text"
    # No engine given at all: the same.
    assert read_document(data, PDF, None, page_count=2).unread_pages == (1,)


def test_a_scanned_page_that_fails_leaves_the_other_pages_read(monkeypatch: pytest.MonkeyPatch) -> None:
    scanned, _ = scan([(300, f"INVOICE {NUMBER}")])
    data = mixed_pdf(["订单确认 保温杯 已发货"], scanned)
    reading = read_document(data, PDF, FakeEngine(error=OcrFailed("the engine broke")), page_count=2)
    assert reading.unread_pages == (1,) and "the engine broke" in (reading.problem or "")
    assert "订单确认" in reading.data.text

    import capture.doc_text

    def cannot_render(*args: object, **kwargs: object) -> Image.Image:
        from storage.errors import BadDocument

        raise BadDocument("page 2 of the PDF cannot be drawn")

    monkeypatch.setattr(capture.doc_text, "render_page", cannot_render)
    reading = read_document(data, PDF, FakeEngine(), page_count=2)
    assert reading.unread_pages == (1,) and "cannot be drawn" in (reading.problem or "")
    assert "订单确认" in reading.data.text


def test_with_the_engine_missing_a_scanned_pdf_is_unavailable_as_an_image_would_be() -> None:
    first, _ = scan([(200, "ONE")])
    second, _ = scan([(200, "TWO")])
    data = fixtures_pdf.scanned_pdf([first, second])
    engine = FakeEngine(error=OcrUnavailable("Tesseract OCR is not installed"))
    with pytest.raises(OcrUnavailable, match="not installed"):
        read_document(data, PDF, engine, page_count=2)
    assert len(engine.calls) == 1  # the second page is not rendered for nothing
    with pytest.raises(OcrFailed, match="broke"):
        read_document(data, PDF, FakeEngine(error=OcrFailed("the engine broke")), page_count=2)


# --------------------------------------------------------------------------- through the library


def _add(lib, data: bytes, name: str) -> int:
    from storage.importing import import_bytes

    outcome = import_bytes(lib, data, name, purchase_id=None)
    assert outcome.record is not None, outcome.problem
    return outcome.record.id


def test_ocr_capture_reads_a_document_and_stores_its_facts(lib) -> None:
    from capture.pipeline import ocr_capture

    cid = _add(lib, fixtures_docs.invoice_xml(), "invoice.xml")
    outcome = ocr_capture(lib, FakeEngine(error=AssertionError("no engine for XML")), cid)
    assert outcome.status == "done", outcome.message
    rec = lib.get_capture(cid)
    assert rec.ocr_engine == "xml" and fixtures_docs.SELLER_NAME in (rec.ocr_text or "")
    assert rec.facts is not None and rec.facts["invoice_number"] == fixtures_docs.INVOICE_NUMBER
    assert [h.capture_id for h in lib.search(fixtures_docs.INVOICE_NUMBER)] == [cid]


def test_ocr_capture_of_a_mixed_pdf_with_no_engine_is_done_with_the_pages_not_read(lib) -> None:
    from capture.pipeline import ocr_capture

    scanned, _ = scan([(300, f"INVOICE {NUMBER}")])
    cid = _add(lib, mixed_pdf(["订单确认 保温杯 已发货"], scanned), "mixed.pdf")
    outcome = ocr_capture(lib, FakeEngine(error=OcrUnavailable("Tesseract OCR is not installed")), cid)
    assert outcome.status == "done" and outcome.message is not None and "page 2" in outcome.message
    rec = lib.get_capture(cid)
    assert rec.ocr_status == "done" and "订单确认" in (rec.ocr_text or "")
    if hasattr(rec, "ocr_error") and rec.ocr_error is not None:  # kept when storage keeps it
        assert "page 2" in rec.ocr_error


def test_ocr_capture_of_a_scanned_pdf_with_no_engine_is_unavailable(lib) -> None:
    from capture.pipeline import ocr_capture

    page, _ = scan([(300, "NOTHING ELSE")])
    cid = _add(lib, fixtures_pdf.scanned_pdf([page]), "scan.pdf")
    outcome = ocr_capture(lib, None, cid)
    assert outcome.status == "unavailable"
    assert lib.get_capture(cid).ocr_status == "unavailable"


def test_a_password_protected_pdf_is_failed_with_its_problem(lib) -> None:
    from capture.pipeline import ocr_capture

    cid = _add(lib, fixtures_pdf.encrypted_pdf(), "locked.pdf")
    outcome = ocr_capture(lib, FakeEngine(error=AssertionError("not asked")), cid)
    assert outcome.status == "failed" and "password" in (outcome.message or "")


# --------------------------------------------------------------------------- suggestions

FACTS = {
    "invoice_number": NUMBER,
    "issued_on": "2026-11-20",
    "seller_name": "广州市示例电子商务有限公司",
    "seller_tax_id": SELLER_TAX_ID,
    "buyer_name": "张三",
    "buyer_tax_id": "91330106MA2H3K4P5R",
    "total": "128.00",
    "currency": "CNY",
    "source": "pdf-text",
}


def doc(i: int, text: str, facts: dict[str, str] | None) -> CaptureRecord:
    return CaptureRecord(
        i, 1, "t", "0" * 64, "application/pdf", 1, 0, 0, f"2026-11-2{i}T00:00:00.000000Z", 480,
        "import", None, None, None, "done", text, None, None, None, None, None, (), None,
        doc_kind="pdf", page_count=1, facts=facts,
    )  # fmt: skip


def purchase(merchant: MerchantRecord | None = None, **fields: str) -> PurchaseRecord:
    return PurchaseRecord(
        1, "t", merchant, fields.get("order_no"), None, "CNY", fields.get("ordered_at"), "open",
        fields.get("notes"), "", "",
    )  # fmt: skip


INVOICE_TEXT = fixtures_pdf.invoice_text()


def test_an_invoices_facts_are_suggested_first_and_never_the_buyers() -> None:
    found = purchase_suggestions(purchase(), [doc(1, INVOICE_TEXT, FACTS)])
    facts = [(s.kind, s.field, s.value) for s in found if s.source == "invoice"]
    assert facts == [
        ("company", "company", "广州市示例电子商务有限公司"),
        ("credit_code", "credit_code", SELLER_TAX_ID),
        ("amount", "amount", "128.00"),
        ("invoice_date", "ordered_at", "2026-11-20"),
        ("invoice_no", "notes", f"发票号码 {NUMBER}"),
    ]
    assert found[: len(facts)] == [s for s in found if s.source == "invoice"]
    amount = next(s for s in found if s.kind == "amount")
    assert amount.total == 3 and amount.currency == "CNY" and amount.raw == "128.00"
    values = " ".join(s.value for s in found)
    assert "张三" not in values and "91330106MA2H3K4P5R" not in values
    # The invoice number is not offered again as an order number, nor the line prices as amounts.
    assert not [s for s in found if s.kind == "order_no" and NUMBER in s.value]
    assert [s.value for s in found if s.kind == "amount"] == ["128.00"]


def test_facts_the_purchase_or_its_seller_already_has_are_not_suggested() -> None:
    seller = MerchantRecord(1, "示例", company="广州市示例电子商务有限公司", credit_code=SELLER_TAX_ID)
    p = purchase(seller, ordered_at="2026-11-20", notes=f"发票号码 {NUMBER}")
    p = replace(p, amount_minor=12800)
    assert purchase_suggestions(p, [doc(1, "", FACTS)]) == []


def test_a_facts_suggestion_comes_before_text_found_ones_of_its_field() -> None:
    caps = [doc(1, "实付款 ¥99.00 联系 a@b.cn", None), doc(2, "", FACTS)]
    found = purchase_suggestions(purchase(), caps)
    amounts = [s for s in found if s.field == "amount"]
    assert [(s.value, s.source) for s in amounts] == [("128.00", "invoice"), ("99.00", "text")]
    notes = [s for s in found if s.field == "notes"]
    assert notes[0].kind == "invoice_no" and notes[1].kind == "email"


def test_the_same_invoice_in_two_captures_is_suggested_once() -> None:
    found = purchase_suggestions(purchase(), [doc(1, "", FACTS), doc(2, "", {**FACTS, "source": "xml"})])
    assert len([s for s in found if s.kind == "company"]) == 1
    assert next(s for s in found if s.kind == "company").capture_id == 1


def test_an_invoice_in_another_currency_is_noted_in_english() -> None:
    facts = {"invoice_number": "INV-2026-0042", "total": "59.90", "currency": "USD", "source": "xml"}
    found = purchase_suggestions(purchase(), [doc(1, "", facts)])
    assert [(s.kind, s.value, s.currency) for s in found] == [
        ("amount", "59.90", "USD"),
        ("invoice_no", "Invoice INV-2026-0042", None),
    ]


def test_an_emails_recipients_are_the_buyer_and_never_suggested() -> None:
    mail = replace(
        doc(1, "From: shop@seller.cn\nTo: 李明 <liming@example.cn>\nCc: boss@example.cn\n\n谢谢", None),
        doc_kind="email",
        doc_info={"from": "shop@seller.cn", "to": "李明 <liming@example.cn>", "cc": "boss@example.cn"},
    )
    assert [s.value for s in purchase_suggestions(purchase(), [mail])] == ["shop@seller.cn"]


def test_an_e_invoice_xml_offers_its_facts_not_the_codes_in_its_text() -> None:
    xml = replace(
        doc(1, "<TaxBureauCode>14403000000</TaxBureauCode> 价税合计 ¥128.00", FACTS), doc_kind="xml"
    )
    found = purchase_suggestions(purchase(), [xml])
    assert {s.source for s in found} == {"invoice"} and len(found) == 5
