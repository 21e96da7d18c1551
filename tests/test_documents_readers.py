"""The document readers: OFD (text, word boxes, drawing, hostile zips), e-invoice XML and
invoice facts, e-mails (.eml) and HTML bodies."""

from __future__ import annotations

import base64
import email.policy
import hashlib
import io
import zipfile
from collections.abc import Callable
from email.parser import BytesParser

import pytest
from PIL import Image

from storage import documents
from storage.documents import email_doc, html_text, invoice, ofd, xmldoc
from storage.documents.invoice import InvoiceFacts, facts_from_text, facts_from_xml
from storage.errors import BadDocument
from tests import fixtures_docs as fx

PX_PER_MM = 72 / 25.4 * documents.RENDER_SCALE


def _px(mm: float) -> int:
    return int(mm * PX_PER_MM)


def _expected_facts(source: str) -> InvoiceFacts:
    return InvoiceFacts(
        invoice_number=fx.INVOICE_NUMBER,
        issued_on=fx.ISSUED_ON,
        seller_name=fx.SELLER_NAME,
        seller_tax_id=fx.SELLER_TAX_ID,
        buyer_name=fx.BUYER_NAME,
        buyer_tax_id=fx.BUYER_TAX_ID,
        total=fx.TOTAL,
        source=source,
    )


# ------------------------------------------------------------------ OFD


def test_ofd_probe_describes_the_invoice() -> None:
    info = ofd.probe(fx.ofd_invoice(), "发票.ofd")
    assert (info.kind, info.media_type, info.pages) == ("ofd", "application/ofd", 1)
    # 210 x 140 mm at RENDER_SCALE pixels per point: the size a PDF page of that size gets.
    assert (info.width, info.height) == (_px(210), _px(140))
    assert info.info == {"page_sizes": [[_px(210), _px(140)]], "text_layer": True}
    assert info.title == f"发票 {fx.INVOICE_NUMBER}"
    assert info.problem is None


def test_ofd_probe_through_the_package_api() -> None:
    assert documents.sniff(fx.ofd_invoice(), "a.ofd") == "ofd"
    info = documents.probe_document(fx.ofd_invoice(pages=3), "发票.ofd")
    assert info.kind == "ofd" and info.pages == 3 and len(info.info["page_sizes"]) == 3


def test_ofd_text_in_reading_order_with_word_boxes_on_the_page() -> None:
    text = ofd.read_text(fx.ofd_invoice())
    assert text.engine == "ofd-text"
    lines = text.text.splitlines()
    assert lines[0] == "电子发票（普通发票）"
    assert f"发票号码：{fx.INVOICE_NUMBER}" in lines
    assert f"价税合计（大写）壹佰贰拾捌圆整 （小写）¥{fx.TOTAL}" in lines
    assert text.text.index(fx.BUYER_NAME) < text.text.index(fx.SELLER_NAME)
    assert all(w.page == 0 for w in text.words)
    number = next(w for w in text.words if w.text == f"发票号码：{fx.INVOICE_NUMBER}")
    x0, y0, x1, y1 = number.box
    # the TextObject sits at (12, 20) mm with 3.5 mm characters, baseline 3.5 mm below its top
    assert abs(x0 - _px(12)) <= 2
    assert _px(20) <= y0 < _px(23.5) < y1 <= _px(25)
    assert x1 - x0 == pytest.approx(_px(5 * 3.5 + 20 * 1.75), abs=3)


def test_ofd_words_split_at_spaces_and_pages_count_from_zero() -> None:
    text = ofd.read_text(fx.ofd_invoice(pages=2))
    assert {w.page for w in text.words} == {0, 1}
    assert "数量" in [w.text for w in text.words if w.page == 1]
    assert text.text.count(fx.INVOICE_NUMBER) == 2
    assert "\n\n" in text.text


def _dark(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    gray = image.crop(box).convert("L")
    return sum(1 for v in gray.get_flattened_data() if isinstance(v, int) and v < 128)


def test_ofd_page_is_drawn_with_text_paths_template_and_seal() -> None:
    image = ofd.render_page(fx.ofd_invoice(), 0)
    assert image.mode == "RGB" and image.size == (_px(210), _px(140))
    words = ofd.read_text(fx.ofd_invoice()).words
    for word in words:
        assert _dark(image, word.box) > 10, word.text  # ink where the text layer says text is
    assert _dark(image, (_px(60), _px(110), _px(150), _px(135))) == 0  # blank paper stays white
    # the table frame (PathObject): a rule across at 33 mm
    row = [image.getpixel((x, _px(33))) for x in range(_px(20), _px(190), 10)]
    assert all(isinstance(p, tuple) and sum(p) < 600 for p in row)
    # the template's red title rule (drawn under the page) at 18.5 mm
    r, g, b = image.getpixel((_px(100), round(18.5 * PX_PER_MM)))  # type: ignore[misc]
    assert r > 150 and g < 80 and b < 80
    # the seal image (ImageObject, PNG from the package) in its 30 mm box at (160, 96)
    seal = image.crop((_px(160), _px(96), _px(190), _px(126)))
    red = sum(
        1
        for p in seal.get_flattened_data()
        if isinstance(p, tuple) and p[0] > 180 and p[1] < 80 and p[2] < 80
    )
    assert red > 500
    # the QR block, a page annotation with its own boundary at (182, 4) mm
    assert _dark(image, (_px(183), _px(5), _px(201), _px(23))) == (_px(201) - _px(183)) * (_px(23) - _px(5))
    assert _dark(image, (_px(180), _px(25), _px(200), _px(28))) == 0


def test_ofd_render_is_capped_in_pixels_not_refused() -> None:
    image = ofd.render_page(fx.ofd_invoice(), 0, max_pixels=100_000)
    assert image.width * image.height <= 100_000
    assert image.width / image.height == pytest.approx(210 / 140, rel=0.02)
    big = ofd.render_page(fx.ofd_invoice(), 0, scale=1.0)
    assert big.size == (int(210 * 72 / 25.4), int(140 * 72 / 25.4))


def test_ofd_render_through_the_package_api_and_page_out_of_range() -> None:
    data = fx.ofd_invoice(pages=2)
    assert documents.render_page(data, "application/ofd", 1).size == (_px(210), _px(140))
    with pytest.raises(BadDocument, match="no page 3"):
        documents.render_page(data, "application/ofd", 2)


def test_ofd_text_still_drawn_without_a_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ofd, "cjk_font_path", lambda: None)
    ofd._font.cache_clear()
    try:
        image = ofd.render_page(fx.ofd_invoice(), 0)
    finally:
        ofd._font.cache_clear()
    assert _dark(image, (_px(12), _px(20), _px(80), _px(25))) > 10


def test_ofd_facts_come_from_the_attached_invoice_xml() -> None:
    assert ofd.read_text(fx.ofd_invoice()).facts == _expected_facts("ofd-xml")


def test_ofd_facts_from_the_page_text_and_custom_tags_without_an_attachment() -> None:
    assert ofd.read_text(fx.ofd_invoice(attachment=False)).facts == _expected_facts("ofd-text")
    assert ofd.read_text(fx.ofd_invoice(attachment=False, custom_tags=False)).facts == _expected_facts(
        "ofd-text"
    )


def test_ofd_custom_tags_win_over_the_text() -> None:
    # the text says another date; the custom tag points at the object with the real one
    data = fx.ofd_invoice(attachment=False)
    facts = ofd.read_text(data).facts
    assert facts is not None and facts.issued_on == fx.ISSUED_ON and facts.invoice_number == fx.INVOICE_NUMBER


HOSTILE_OFDS: dict[str, tuple[Callable[[], bytes], str]] = {
    "zip bomb (ratio)": (fx.ofd_zip_bomb, "compressed more than 100 times"),
    "declared over 256 MB": (fx.ofd_declared_huge, "more than 256 MB"),
    "more bytes than declared": (fx.ofd_lying_sizes, "does not match its recorded size"),
    "dot-dot path": (fx.ofd_with_traversal, "leaves the package"),
    "absolute path": (lambda: fx.ofd_with_traversal("/etc/passwd"), "leaves the package"),
    "backslash path": (lambda: fx.ofd_with_traversal("Doc_0\\..\\..\\evil.xml"), "leaves the package"),
    "drive path": (lambda: fx.ofd_with_traversal("C:/Windows/evil.xml"), "leaves the package"),
    "too many entries": (fx.ofd_too_many_entries, "more than the 2000"),
    "encrypted member": (fx.ofd_encrypted, "encrypted"),
    "no OFD.xml": (fx.ofd_without_ofd_xml, "no OFD.xml"),
    "not a zip": (lambda: b"PK\x03\x04 this is not really a zip", "zip structure is damaged"),
    "truncated": (lambda: fx.ofd_invoice()[:2000], "damaged"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_OFDS))
def test_hostile_ofd_is_refused_with_a_plain_message(case: str) -> None:
    make, expected = HOSTILE_OFDS[case]
    data = make()
    for call in (
        lambda: ofd.probe(data, "发票.ofd"),
        lambda: ofd.read_text(data, "发票.ofd"),
    ):
        with pytest.raises(BadDocument) as caught:
            call()
        message = str(caught.value)
        assert message.startswith("发票.ofd "), message
        assert expected in message, message
        assert "Traceback" not in message and "\n" not in message
    with pytest.raises(BadDocument):
        ofd.render_page(data, 0)


def test_hostile_ofd_is_refused_by_probe_document() -> None:
    with pytest.raises(BadDocument, match=r"^bomb\.ofd .*zip bomb"):
        documents.probe_document(fx.ofd_zip_bomb(), "bomb.ofd")


def test_ofd_reading_counts_bytes_against_the_total(monkeypatch: pytest.MonkeyPatch) -> None:
    """Headers can lie; what is actually unpacked is counted too."""
    pkg = ofd.Package(fx.ofd_invoice(), "a.ofd")
    monkeypatch.setattr(ofd, "MAX_UNCOMPRESSED_BYTES", 3000)
    with pytest.raises(BadDocument, match="more than 0 MB"):
        pkg.check_all()


def test_ofd_with_too_many_pages_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_PAGES", 2)
    with pytest.raises(BadDocument, match=r"^big\.ofd has 3 pages, more than the 2"):
        ofd.probe(fx.ofd_invoice(pages=3), "big.ofd")


def _rewrite(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            body = src.read(name)
            dst.writestr(name, change(body) if name == member else body)
    return out.getvalue()


def test_ofd_locations_leaving_the_package_are_never_followed() -> None:
    data = _rewrite(
        fx.ofd_invoice(),
        "Doc_0/Document.xml",
        lambda b: b.replace(b"Pages/Page_0/Content.xml", b"../../../../etc/passwd"),
    )
    with pytest.raises(BadDocument, match=r"^x\.ofd is a damaged OFD file: one of its pages is missing"):
        ofd.probe(data, "x.ofd")
    assert ofd.resolve("Doc_0", "../../etc/passwd") == ""
    assert ofd.resolve("Doc_0", "/Doc_0/Res/a.png") == "Doc_0/Res/a.png"
    assert ofd.resolve("Doc_0/Pages/Page_0", "../../Res/a.png") == "Doc_0/Res/a.png"


def test_ofd_with_hostile_xml_inside_is_refused() -> None:
    data = _rewrite(fx.ofd_invoice(), "Doc_0/Pages/Page_0/Content.xml", lambda _: fx.xml_with_entities())
    with pytest.raises(
        BadDocument, match=r"^x\.ofd \(Doc_0/Pages/Page_0/Content\.xml\) is an XML file with a"
    ):
        ofd.probe(data, "x.ofd")


def test_ofd_with_a_damaged_image_still_draws_the_rest() -> None:
    data = _rewrite(fx.ofd_invoice(), "Doc_0/Res/image_5.png", lambda _: b"\x89PNG not really")
    image = ofd.render_page(data, 0)
    assert _dark(image, (_px(12), _px(20), _px(80), _px(25))) > 10


def test_ofd_draw_params_give_paths_their_colour_and_width() -> None:
    data = _rewrite(
        fx.ofd_invoice(),
        "Doc_0/DocumentRes.xml",
        lambda b: b.replace(
            b"<ofd:MultiMedias>",
            b'<ofd:DrawParams><ofd:DrawParam ID="7" LineWidth="2"><ofd:StrokeColor Value="0 0 255"/>'
            b'</ofd:DrawParam><ofd:DrawParam ID="8" Relative="7"/></ofd:DrawParams><ofd:MultiMedias>',
        ),
    )
    data = _rewrite(
        data,
        "Doc_0/Pages/Page_0/Content.xml",
        lambda b: b.replace(b'LineWidth="0.4"><ofd:StrokeColor Value="128 64 0"/>', b'DrawParam="8">'),
    )
    image = ofd.render_page(data, 0)
    r, g, b = image.getpixel((_px(100), _px(33)))  # type: ignore[misc]
    assert b > 200 and r < 60 and g < 60
    # 2 mm wide: still blue 0.8 mm off the rule's centre
    r, g, b = image.getpixel((_px(100), round((33 + 0.8) * PX_PER_MM)))  # type: ignore[misc]
    assert b > 200 and r < 60


def test_ofd_absurd_sizes_are_drawn_within_bounds() -> None:
    data = _rewrite(
        fx.ofd_invoice(),
        "Doc_0/Pages/Page_0/Content.xml",
        lambda b: b.replace(b'LineWidth="0.4"', b'LineWidth="1e308"').replace(
            b'Size="3.5"', b'Size="1e308"', 1
        ),
    )
    image = ofd.render_page(data, 0)
    assert image.size == (_px(210), _px(140))
    assert ofd.read_text(data).text


def test_a_page_is_read_and_drawn_within_its_budgets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ofd, "MAX_GLYPHS_PER_PAGE", 50)
    monkeypatch.setattr(ofd, "MAX_POINTS_PER_PAGE", 1)
    text = ofd.read_text(fx.ofd_invoice())
    assert sum(len(w.text) for w in text.words) == 50
    page = ofd.read_page(*ofd._open(fx.ofd_invoice(), "x"), 0)
    assert page.paths == [] and page.glyphs == 50  # the template rule and the frame are over budget


# ------------------------------------------------------------------ XML and facts


def test_facts_from_the_e_invoice_xml() -> None:
    assert facts_from_xml(fx.invoice_xml()) == _expected_facts("xml")


def test_facts_from_xml_ignore_namespaces_and_case() -> None:
    data = (
        b'<?xml version="1.0"?><inv:einvoice xmlns:inv="urn:x"><inv:header><inv:eiid>'
        + fx.INVOICE_NUMBER.encode()
        + b"</inv:eiid></inv:header><inv:SELLERIDNUM>"
        + fx.SELLER_TAX_ID.encode()
        + b"</inv:SELLERIDNUM><inv:totaltax-includedamount>99.5</inv:totaltax-includedamount>"
        + b"<inv:requesttime>2026-01-02 08:00:00</inv:requesttime></inv:einvoice>"
    )
    facts = facts_from_xml(data)
    assert facts is not None
    assert (facts.invoice_number, facts.seller_tax_id, facts.total, facts.issued_on) == (
        fx.INVOICE_NUMBER,
        fx.SELLER_TAX_ID,
        "99.50",
        "2026-01-02",
    )
    assert facts.buyer_name is None and facts.seller_name is None


def test_facts_from_the_older_attachment_names() -> None:
    data = (
        "<FP><Fpdm>044001900111</Fpdm><Fphm>12345678</Fphm><Kprq>20250315</Kprq>"
        f"<Xfmc>{fx.SELLER_NAME}</Xfmc><Xfsbh>{fx.SELLER_TAX_ID}</Xfsbh>"
        f"<Gfmc>{fx.BUYER_NAME}</Gfmc><Gfsbh>{fx.BUYER_TAX_ID}</Gfsbh><Jshj>128.00</Jshj></FP>"
    ).encode()
    facts = facts_from_xml(data)
    assert facts == InvoiceFacts(
        invoice_number="12345678",
        issued_on="2025-03-15",
        seller_name=fx.SELLER_NAME,
        seller_tax_id=fx.SELLER_TAX_ID,
        buyer_name=fx.BUYER_NAME,
        buyer_tax_id=fx.BUYER_TAX_ID,
        total="128.00",
        source="xml",
    )


def test_an_invalid_credit_code_is_left_out_never_guessed() -> None:
    bad = fx.SELLER_TAX_ID[:-1] + ("0" if fx.SELLER_TAX_ID[-1] != "0" else "1")
    facts = facts_from_xml(fx.invoice_xml(seller_tax_id=bad, issued_on="2026-02-30"))
    assert facts is not None and facts.seller_tax_id is None and facts.issued_on is None
    assert facts.seller_name == fx.SELLER_NAME


def test_xml_that_is_not_an_invoice_has_no_facts() -> None:
    assert facts_from_xml("<?xml version='1.0'?><shopping><item>牛奶</item></shopping>".encode()) is None
    assert facts_from_xml(b"not xml at all") is None
    assert facts_from_xml(fx.xml_with_entities()) is None


def test_xml_probe_and_text() -> None:
    info = xmldoc.probe(fx.invoice_xml(), "inv.xml")
    assert (info.kind, info.media_type, info.pages, info.width, info.height) == (
        "xml",
        "application/xml",
        0,
        0,
        0,
    )
    assert info.info == {"root": "EInvoice", "invoice": True}
    assert info.title == f"发票 {fx.INVOICE_NUMBER}"
    text = xmldoc.read_text(fx.invoice_xml())
    assert text.engine == "xml" and text.words == ()
    assert fx.SELLER_NAME in text.text.splitlines() and "128.00" in text.text
    assert text.facts == _expected_facts("xml")
    other = xmldoc.probe(
        "<?xml version='1.0'?><ns:list xmlns:ns='urn:a'><ns:item>牛奶</ns:item></ns:list>".encode()
    )
    assert other.info == {"root": "list", "invoice": False} and other.title is None


def test_xml_through_the_package_api() -> None:
    info = documents.probe_document(fx.invoice_xml(), "inv.xml")
    assert info.kind == "xml" and info.info["invoice"] is True
    assert documents.read_text(fx.invoice_xml(), "application/xml").facts == _expected_facts("xml")


HOSTILE_XML: dict[str, tuple[Callable[[], bytes], str]] = {
    "billion laughs and XXE": (fx.xml_with_entities, "document type declaration"),
    "external entity": (fx.xml_external_entity_only, "document type declaration"),
    "malformed": (lambda: b"<?xml version='1.0'?><a><b></a>", "not well-formed XML"),
    "empty": (lambda: b"", "not well-formed XML"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_XML))
def test_hostile_or_broken_xml_is_refused_with_a_plain_message(case: str) -> None:
    make, expected = HOSTILE_XML[case]
    for call in (xmldoc.probe, xmldoc.read_text):
        with pytest.raises(BadDocument) as caught:
            call(make(), "发票.xml")
        assert str(caught.value).startswith("发票.xml "), str(caught.value)
        assert expected in str(caught.value)
        assert "root:" not in str(caught.value)  # /etc/passwd never read


def test_oversized_xml_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xmldoc, "MAX_XML_BYTES", 100)
    with pytest.raises(BadDocument, match=r"^big\.xml is an XML file of 0 MB, larger than"):
        xmldoc.probe(fx.invoice_xml(), "big.xml")


def test_facts_from_pdf_invoice_text() -> None:
    fixtures_pdf = pytest.importorskip("tests.fixtures_pdf")
    facts = facts_from_text(fixtures_pdf.invoice_text(), "pdf-text")
    assert facts is not None
    assert facts.invoice_number == fixtures_pdf.INVOICE_NUMBER
    assert facts.seller_name == fixtures_pdf.SELLER_NAME and facts.seller_tax_id == fixtures_pdf.SELLER_TAX_ID
    assert facts.buyer_name == "张三" and facts.buyer_tax_id is None  # a person: no code, none guessed
    assert facts.total == "128.00" and facts.issued_on == "2026-11-20" and facts.source == "pdf-text"


def test_facts_from_a_real_pdf_text_layer() -> None:
    fixtures_pdf = pytest.importorskip("tests.fixtures_pdf")
    text = documents.read_text(fixtures_pdf.invoice_pdf(), "application/pdf").text
    facts = facts_from_text(text, "pdf-text")
    assert (
        facts is not None and facts.invoice_number == fixtures_pdf.INVOICE_NUMBER and facts.total == "128.00"
    )


def test_facts_from_side_by_side_blocks() -> None:
    text = (
        f"发票号码: {fx.INVOICE_NUMBER}\n开票日期: 2026 年 11 月 20 日\n"
        f"购买方信息 名称：{fx.BUYER_NAME} 销售方信息 名称：{fx.SELLER_NAME}\n"
        f"统一社会信用代码/纳税人识别号：{fx.BUYER_TAX_ID} 统一社会信用代码/纳税人识别号：{fx.SELLER_TAX_ID}\n"
        "价税合计（大写） 壹佰贰拾捌圆整 （小写） ￥1,128.00\n"
    )
    facts = facts_from_text(text, "ofd-text")
    assert facts == InvoiceFacts(
        invoice_number=fx.INVOICE_NUMBER,
        issued_on="2026-11-20",
        seller_name=fx.SELLER_NAME,
        seller_tax_id=fx.SELLER_TAX_ID,
        buyer_name=fx.BUYER_NAME,
        buyer_tax_id=fx.BUYER_TAX_ID,
        total="1128.00",
        source="ofd-text",
    )


def test_facts_from_text_never_guess() -> None:
    assert facts_from_text("", "pdf-text") is None
    assert facts_from_text("收据 谢谢惠顾 合计 128.00", "pdf-text") is None
    two = facts_from_text("发票号码：12345678\n发票号码：87654321\n开票日期：2026年13月40日", "pdf-text")
    assert two is None  # two different numbers and an impossible date: nothing
    old = facts_from_text("发票代码：044001900111 发票号码：12345678", "pdf-text")
    assert old is not None and old.invoice_number == "12345678"
    bad_code = facts_from_text(f"销售方 名称：某公司 纳税人识别号：{fx.SELLER_TAX_ID[:-1]}0", "pdf-text")
    assert bad_code is not None and bad_code.seller_tax_id is None and bad_code.seller_name == "某公司"
    assert facts_from_text("发票号码：123456789", "pdf-text") is None  # 9 digits is no invoice number


def test_facts_from_english_text() -> None:
    facts = facts_from_text(
        "INVOICE\nInvoice No.: INV-2026-0042\nInvoice Date: 2026-11-20\nTotal: CNY 12.00", "pdf-text"
    )
    assert facts is not None
    assert (facts.invoice_number, facts.issued_on, facts.total) == ("INV-2026-0042", "2026-11-20", "12.00")


def test_invoice_facts_round_trip() -> None:
    facts = _expected_facts("xml")
    assert InvoiceFacts.from_dict(facts.to_dict()) == facts
    assert InvoiceFacts.from_dict(None) is None
    assert InvoiceFacts.from_dict({"source": "xml"}) is None
    assert InvoiceFacts.from_dict({"total": 5, "invoice_number": "12345678"}) == InvoiceFacts(
        invoice_number="12345678"
    )
    assert InvoiceFacts().empty and not facts.empty
    assert invoice.clean_amount("¥1,280.5") == "1280.50" and invoice.clean_amount("abc") is None


# ------------------------------------------------------------------ e-mails


def test_gbk_subject_and_undeclared_8bit_header_are_decoded() -> None:
    doc = email_doc.read_email(fx.eml_gbk_subject())
    # declared gb2312 but holding 镕 (GBK only): read as GB18030
    assert doc.headers["subject"] == "闲鱼订单已发货：iPhone 15 128G 王镕的闲置"
    assert doc.headers["from"] == "闲鱼 <notice@service.goofish.com>"
    assert doc.headers["to"] == "李明 <liming@example.cn>"  # raw GB18030 bytes, no charset declared
    assert "顺丰单号 SF1234567890123" in doc.text
    assert doc.attachments == ()


def test_quoted_printable_and_base64_bodies() -> None:
    qp = email_doc.read_email(fx.eml_quoted_printable())
    assert "商品：小米手环 9 NFC版\n实付款：¥249.00" in qp.text
    assert qp.headers["from"] == "淘宝网 <service@mail.taobao.com>"
    b64 = email_doc.read_email(fx.eml_base64_body())
    assert "卡种：健身月卡\n金额：128.00 元" in b64.text
    assert b64.headers["subject"] == "会员卡开通成功"


def test_html_only_e_mail_becomes_text_and_remote_content_is_counted() -> None:
    doc = email_doc.read_email(fx.eml_html_only_remote_image())
    assert "华为 FreeBuds 6i\t¥399.00" in doc.text
    assert "• 订单号：3921847562019384799" in doc.text
    assert "订单详情 (https://buyertrade.taobao.com/order?id=3921847562019384799)" in doc.text
    assert "客服热线 <9510211>" in doc.text
    assert "document.write" not in doc.text and "color: red" not in doc.text and "<p>" not in doc.text
    assert doc.remote_content == 2  # the tracking pixel and the stylesheet, never fetched
    info = email_doc.probe(fx.eml_html_only_remote_image(), "order.eml")
    assert info.info["remote_content"] == 2 and info.title == "您的订单已确认"


def test_e_mail_with_invoice_attachments_lists_them_with_kinds() -> None:
    pdf = b"%PDF-1.4\n% a stand-in\n"
    doc = email_doc.read_email(fx.eml_with_invoice_pdf(pdf))
    assert [(a.name, a.kind) for a in doc.attachments] == [
        (f"电子发票_{fx.INVOICE_NUMBER}.pdf", "pdf"),
        (f"电子发票_{fx.INVOICE_NUMBER}.ofd", "ofd"),
        (f"{fx.INVOICE_NUMBER}.xml", "xml"),
        ("会员协议.zip", None),
    ]
    assert doc.attachments[0].data == pdf and doc.attachments[0].media_type == "application/pdf"
    assert doc.attachments[1].data == fx.ofd_invoice()
    info = email_doc.probe(fx.eml_with_invoice_pdf(pdf), "invoice.eml")
    assert (
        info.kind == "email"
        and info.pages == 0
        and info.title == f"您的电子发票 {fx.INVOICE_NUMBER}（健身月卡）"
    )
    assert info.info["cc"] == "finance@qingning-tech.cn"
    assert info.info["date_utc"] == "2026-11-20T02:25:00+00:00"
    assert info.info["message_id"] == f"<invoice-{fx.INVOICE_NUMBER}@ledong-fit.cn>"
    rows = info.info["attachments"]
    assert rows[0]["sha256"] == hashlib.sha256(pdf).hexdigest() and rows[0]["bytes"] == len(pdf)
    assert [r["filed"] for r in rows] == [True, True, True, False]
    assert rows[3]["reason"] and "application/zip" in rows[3]["reason"]


def test_e_mail_with_the_real_invoice_pdf() -> None:
    fixtures_pdf = pytest.importorskip("tests.fixtures_pdf")
    doc = email_doc.read_email(fx.eml_with_invoice_pdf())
    assert doc.attachments[0].data == fixtures_pdf.invoice_pdf()
    assert documents.sniff(doc.attachments[0].data or b"", doc.attachments[0].name) == "pdf"


def test_e_mail_text_for_search_has_headers_then_body() -> None:
    text = email_doc.read_text(fx.eml_base64_body())
    assert text.engine == "email" and text.words == ()
    assert text.text.startswith("From: 乐动健身 <vip@ledong-fit.cn>\nTo: liming@example.cn\n")
    assert "Subject: 会员卡开通成功\n\n会员卡开通成功！" in text.text
    through_api = documents.read_text(fx.eml_base64_body(), "message/rfc822")
    assert through_api.text == text.text


def test_a_part_over_the_limit_is_listed_not_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_EMAIL_PART_BYTES", 1024 * 1024)
    decoded: list[int] = []
    real = email_doc._decoded

    def spy(part: object) -> bytes:
        data = real(part)  # type: ignore[arg-type]
        decoded.append(len(data))
        return data

    monkeypatch.setattr(email_doc, "_decoded", spy)
    data = fx.eml_huge_part(3 * 1024 * 1024)
    doc = email_doc.read_email(data)
    [video] = doc.attachments
    assert (video.name, video.media_type, video.data, video.kind) == ("unboxing.mp4", "video/mp4", None, None)
    assert 2 * 1024 * 1024 < video.size < 3 * 1024 * 1024
    assert all(n < 1024 * 1024 for n in decoded)  # only the small text part was decoded
    assert doc.text == "Unboxing video attached."
    row = email_doc.probe(data, "v.eml").info["attachments"][0]
    assert row["filed"] is False and row["sha256"] is None and "too large" in row["reason"]


def test_a_large_pdf_part_is_still_known_as_a_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_EMAIL_PART_BYTES", 10)
    doc = email_doc.read_email(fx.eml_with_invoice_pdf(b"%PDF-1.4 " + b"x" * 100))
    assert doc.attachments[0].data is None and doc.attachments[0].kind == "pdf"


def test_nested_message_is_an_attachment_of_kind_email() -> None:
    doc = email_doc.read_email(fx.eml_nested_message())
    assert doc.text == "请报销，原邮件见附件。"
    [inner] = doc.attachments
    assert (inner.name, inner.media_type, inner.kind) == ("订单付款成功通知.eml", "message/rfc822", "email")
    assert inner.data is not None
    again = email_doc.read_email(inner.data)
    assert again.headers["subject"] == "订单付款成功通知" and "实付款：¥249.00" in again.text
    parsed = BytesParser(policy=email.policy.default).parsebytes(inner.data)
    assert parsed["message-id"] == "<qp-3921847562019384756@taobao.com>"


def test_inline_image_with_a_name_is_an_attachment() -> None:
    doc = email_doc.read_email(fx.eml_with_inline_image())
    assert [(a.name, a.kind) for a in doc.attachments] == [("seal.png", "image")]
    assert doc.text == "见印章"


@pytest.mark.parametrize(
    "disposition",
    [
        b'filename="=?GBK?B?' + base64.b64encode("电子发票.pdf".encode("gbk")) + b'?="',
        b'filename="' + "电子发票.pdf".encode("gbk") + b'"',
        b'filename="' + "电子发票.pdf".encode() + b'"',
        b"filename*=gbk''" + "".join(f"%{c:02X}" for c in "电子发票.pdf".encode("gbk")).encode(),
        b'filename="../../tmp/\x07\xe7\x94\xb5\xe5\xad\x90\xe5\x8f\x91\xe7\xa5\xa8.pdf"',
    ],
)
def test_attachment_names_as_chinese_mailers_write_them(disposition: bytes) -> None:
    data = (
        b'From: a@b.cn\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n--B\r\nContent-Type: application/pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; " + disposition + b"\r\n\r\n"
        b"JVBERi0xLjQgeA==\r\n--B--\r\n"
    )
    [attachment] = email_doc.read_email(data).attachments
    assert (attachment.name, attachment.kind, attachment.data) == ("电子发票.pdf", "pdf", b"%PDF-1.4 x")


def test_an_unnamed_inline_logo_is_not_an_attachment() -> None:
    data = fx.eml_with_inline_image().replace(b'Content-Disposition: inline; filename="seal.png"\n', b"")
    assert b"filename" not in data
    assert email_doc.read_email(data).attachments == ()


def test_broken_header_bytes_are_replaced_never_raised() -> None:
    data = (
        b"From: =?gb2312?B?////?= <a@b.cn>\r\nSubject: =?utf-8?B?5Lit5paH?= \xff\xfe\xc0\r\n"
        b"To: =?unknown-charset?Q?caf=C3=A9?=\r\nDate: not a date\r\n\r\nbody\r\n"
    )
    doc = email_doc.read_email(data)
    assert doc.headers["subject"].startswith("中文 ")
    assert "\ufffd" in doc.headers["from"] or doc.headers["from"].endswith("<a@b.cn>")
    assert doc.headers["to"] == "café"
    info = email_doc.probe(data, "x.eml")
    assert info.info["date"] == "not a date" and info.info["date_utc"] is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (fx.eml_no_headers(), "no From, Subject or Date header"),
        (b"From: a@b.cn\r\nSubject: nothing\r\n\r\n", "no body"),
        (b"", "no From, Subject or Date header"),
    ],
)
def test_not_an_e_mail_is_refused(data: bytes, expected: str) -> None:
    for call in (email_doc.probe, email_doc.read_text):
        with pytest.raises(BadDocument) as caught:
            call(data, "notes.eml")
        assert str(caught.value).startswith("notes.eml ") and expected in str(caught.value)


def test_deeply_nested_e_mail_is_refused_or_read_never_crashes() -> None:
    for depth in (300, 3000):
        head = b'From: a@b.cn\r\nSubject: deep\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n'
        body = b"".join(
            b'--b%d\r\nContent-Type: multipart/mixed; boundary="b%d"\r\n\r\n' % (i, i + 1)
            for i in range(depth)
        )
        body += b"--b%d\r\nContent-Type: text/plain\r\n\r\nhi\r\n" % depth
        body += b"".join(b"--b%d--\r\n" % i for i in range(depth, -1, -1))
        try:
            doc = email_doc.read_email(head + body, "deep.eml")
        except BadDocument as exc:
            assert str(exc).startswith("deep.eml ")
        else:
            assert doc.text == "hi"


def test_html_text_details() -> None:
    result = html_text.html_to_text(
        "<div>a&amp;b<br>c</div><p>x\n   y</p><a href='https://e.cn'>https://e.cn</a>"
        "<a href='mailto:z@e.cn'>z@e.cn</a><link rel='stylesheet' href='//cdn.e.cn/a.css'>"
        "<img src='data:image/png;base64,AAAA'><img src='http://t.cn/p.gif'/><script>x()</script>"
    )
    assert result.text == "a&b\nc\n\nx y\n\nhttps://e.cnz@e.cn"
    assert result.remote_content == 2
    assert (
        html_text.html_to_text("<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>").text
        == "1\t2\n3"
    )
    assert html_text.html_to_text("<<<>>><p unclosed").remote_content == 0


# ------------------------------------------------------------------ damaged files


def _mutations(seed: bytes, count: int, rng_seed: int) -> list[bytes]:
    import random

    rng = random.Random(rng_seed)
    out = []
    for _ in range(count):
        data = bytearray(seed)
        for _ in range(rng.randint(1, 6)):
            pos = rng.randrange(len(data))
            if rng.random() < 0.6:
                data[pos] = rng.randrange(256)
            else:
                del data[pos : pos + rng.randint(1, 40)]
        out.append(bytes(data))
    return out


def _ofd_with_odd_values(rng_seed: int) -> list[bytes]:
    """The invoice OFD with attribute values and path data replaced by odd numbers."""
    import random
    import re

    rng = random.Random(rng_seed)
    src = zipfile.ZipFile(io.BytesIO(fx.ofd_invoice()))
    members = {n: src.read(n) for n in src.namelist()}
    odd = ["nan", "inf", "-1e308", "1e308", "", "abc", "0", "g 99999999 1", "g", "-5", "1 2"]
    out = []
    for _ in range(40):
        changed = dict(members)
        name = rng.choice(sorted(n for n in changed if n.endswith(".xml")))
        text = changed[name].decode()
        for _ in range(rng.randint(1, 4)):
            spots = list(re.finditer(r'="([^"]*)"', text))
            if spots:
                spot = rng.choice(spots)
                text = text[: spot.start(1)] + rng.choice(odd) + text[spot.end(1) :]
        text = text.replace("M 0 0", rng.choice(["M nan 0", "B 1 2", "Q 1", "C C", "M 1e308 1 L -1e308 5"]))
        changed[name] = text.encode()
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for member, body in changed.items():
                zf.writestr(member, body)
        out.append(buf.getvalue())
    return out


def test_damaged_files_raise_only_bad_document() -> None:
    cases: list[tuple[bytes, list[Callable[[bytes, str], object]]]] = []
    ofd_readers: list[Callable[[bytes, str], object]] = [
        ofd.probe,
        ofd.read_text,
        lambda d, _n: ofd.render_page(d, 0, max_pixels=200_000),
    ]
    email_readers: list[Callable[[bytes, str], object]] = [email_doc.probe, email_doc.read_text]
    xml_readers: list[Callable[[bytes, str], object]] = [xmldoc.probe, xmldoc.read_text]
    cases += [(d, ofd_readers) for d in _mutations(fx.ofd_invoice(), 40, 1)]
    cases += [(d, ofd_readers) for d in _ofd_with_odd_values(2)]
    cases += [(d, email_readers) for d in _mutations(fx.eml_gbk_subject(), 60, 3)]
    cases += [(d, email_readers) for d in _mutations(fx.eml_with_invoice_pdf(b"%PDF-1.4 x"), 40, 4)]
    cases += [(d, xml_readers) for d in _mutations(fx.invoice_xml(), 60, 5)]
    for data, readers in cases:
        for read in readers:
            try:
                read(data, "x")
            except BadDocument as exc:
                assert str(exc).startswith("x ") or str(exc).startswith("the OFD file "), str(exc)
