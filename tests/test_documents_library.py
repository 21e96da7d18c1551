"""Documents (PDF, OFD, XML e-invoices, e-mails) in the library: kept byte for byte as
captures with their details, logged, searchable, read (text and invoice facts), shown page
by page, kept through a crash, and libraries of schema 0004 upgraded."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from storage.blobs import sha256_bytes
from storage.errors import BadDocument, InvalidInput, NotFound
from storage.highlight import matching_word_boxes_by_page
from storage.library import Library
from storage.records import NewCapture, OcrData, OcrWordBox
from tests import fixtures_docs as docs
from tests import fixtures_pdf as pdfs
from tests.old_libraries import capture_columns, library_at

from .conftest import ROOT


def _scan_image() -> Image.Image:
    img = Image.new("RGB", (400, 300), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((20, 20, 380, 280), outline="black", width=3)
    draw.text((40, 40), "INVOICE 24442000000123456789", fill="black")
    return img


#: (file name, bytes maker, kind, media type, pages)
DOCUMENTS: list[tuple[str, Callable[[], bytes], str, str, int]] = [
    ("invoice.pdf", lambda: pdfs.invoice_pdf(), "pdf", "application/pdf", 1),
    ("two-pages.pdf", lambda: pdfs.text_pdf([["第一页 退款"], ["第二页 发货"]]), "pdf", "application/pdf", 2),
    ("scan.pdf", lambda: pdfs.scanned_pdf([_scan_image()]), "pdf", "application/pdf", 1),
    ("invoice.ofd", lambda: docs.ofd_invoice(), "ofd", "application/ofd", 1),
    ("invoice.xml", lambda: docs.invoice_xml(), "xml", "application/xml", 0),
    ("notice.eml", docs.eml_gbk_subject, "email", "message/rfc822", 0),
    ("order.eml", docs.eml_quoted_printable, "email", "message/rfc822", 0),
    ("receipt.eml", docs.eml_base64_body, "email", "message/rfc822", 0),
    ("html.eml", docs.eml_html_only_remote_image, "email", "message/rfc822", 0),
]


def _state(lib: Library) -> tuple[object, ...]:
    """Everything a refused change must leave as it was."""
    counts = lib.count_captures()
    return (
        counts,
        len(lib.events()),
        sorted(lib.blobs.iter_shas()),
        sorted(p.name for p in lib.journal.iterdir()),
    )


@pytest.mark.parametrize(("name", "make", "kind", "media", "pages"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_a_document_is_kept_byte_for_byte_with_its_details(
    lib: Library, name: str, make: Callable[[], bytes], kind: str, media: str, pages: int
) -> None:
    data = make()
    p = lib.add_purchase({"title": "健身月卡"})
    rec = lib.add_capture(data, source="import", purchase_id=p.id, source_name=name, name=name)
    assert lib.read_capture_bytes(rec.id) == data
    assert rec.sha256 == sha256_bytes(data) and rec.bytes == len(data)
    assert (rec.doc_kind, rec.media_type, rec.page_count, rec.doc_problem) == (kind, media, pages, None)
    assert rec.is_document and rec.parent_id is None and rec.attachment_ids == ()
    assert isinstance(rec.doc_info, dict)
    if kind in ("pdf", "ofd"):
        assert rec.width > 0 and rec.height > 0
    else:
        assert (rec.width, rec.height) == (0, 0)
    assert rec.ocr_status == "pending" and rec.id in lib.captures_needing_ocr()
    [event] = [e for e in lib.events(capture_id=rec.id)]
    assert event.kind == "imported"
    assert event.data["document"] == {"kind": kind, "pages": pages, "problem": None}
    assert event.data["sha256"] == rec.sha256 and event.data["media_type"] == media
    assert "parent_capture_id" not in event.data
    d = rec.to_dict()
    assert d["doc_kind"] == kind and d["page_count"] == pages and d["attachment_ids"] == []
    listed = {c.id: c for c in lib.list_captures()}[rec.id]
    assert (listed.doc_kind, listed.page_count, listed.media_type) == (kind, pages, media)
    assert lib.check().ok


def test_an_image_has_no_document_details(lib: Library, make_png: Callable[..., bytes]) -> None:
    rec = lib.add_capture(make_png(1), source="region", purchase_id=None)
    assert not rec.is_document
    assert (rec.doc_kind, rec.page_count, rec.doc_info, rec.doc_problem, rec.facts, rec.parent_id) == (
        None,
        0,
        None,
        None,
        None,
        None,
    )
    [event] = lib.events(capture_id=rec.id)
    assert "document" not in event.data


def test_a_password_protected_pdf_is_kept_marked_and_never_queued(lib: Library) -> None:
    data = pdfs.encrypted_pdf()
    rec = lib.add_capture(
        data, source="import", purchase_id=None, source_name="secret.pdf", name="secret.pdf"
    )
    assert lib.read_capture_bytes(rec.id) == data
    assert rec.doc_kind == "pdf" and rec.doc_problem and "password" in rec.doc_problem
    assert rec.ocr_status == "failed" and rec.ocr_error == rec.doc_problem
    assert rec.id not in lib.captures_needing_ocr(include_failed=True)
    [event] = lib.events(capture_id=rec.id)
    assert event.data["document"]["problem"] == rec.doc_problem
    with pytest.raises(InvalidInput, match="cannot be shown"):
        lib.page_png(rec.id, 0)
    assert lib.check().ok


def test_documents_that_are_not_whole_or_safe_change_nothing(lib: Library) -> None:
    before = _state(lib)
    for name, data in [
        ("fake.pdf", pdfs.fake_pdf()),
        ("not.pdf", pdfs.not_a_pdf()),
        ("bomb.ofd", docs.ofd_zip_bomb()),
        ("evil.ofd", docs.ofd_with_traversal()),
        ("entities.xml", docs.xml_with_entities()),
        ("list.eml", docs.eml_no_headers()),
    ]:
        with pytest.raises(BadDocument) as info:
            lib.add_capture(data, source="import", purchase_id=None, source_name=name, name=name)
        assert str(info.value).startswith(name), str(info.value)
    assert _state(lib) == before


def test_an_attachment_must_come_from_an_email(lib: Library, make_png: Callable[..., bytes]) -> None:
    image = lib.add_capture(make_png(1), source="region", purchase_id=None)
    pdf = lib.add_capture(pdfs.invoice_pdf(), source="import", purchase_id=None)
    xml = docs.invoice_xml()
    before = _state(lib)
    for parent in (9999, image.id, pdf.id):
        with pytest.raises(InvalidInput):
            lib.add_capture(xml, source="attachment", purchase_id=None, parent_id=parent, source_name="a.xml")
    email = lib.add_capture(docs.eml_base64_body(), source="import", purchase_id=None)
    before = _state(lib)
    with pytest.raises(InvalidInput, match="attachment"):
        lib.add_capture(xml, source="import", purchase_id=None, parent_id=email.id, source_name="a.xml")
    assert _state(lib) == before
    att = lib.add_capture(xml, source="attachment", purchase_id=None, parent_id=email.id, source_name="a.xml")
    assert att.parent_id == email.id and att.source == "attachment"
    assert lib.get_capture(email.id).attachment_ids == (att.id,)
    assert lib.get_captures([email.id, att.id])[0].attachment_ids == (att.id,)
    [event] = lib.events(capture_id=att.id)
    assert event.kind == "imported" and event.data["parent_capture_id"] == email.id
    assert event.data["source"] == "attachment"


def test_bulk_add_takes_images_only(lib: Library) -> None:
    with pytest.raises(InvalidInput, match="one by one"):
        lib.bulk_add([NewCapture(data=pdfs.invoice_pdf(), source="import")])


def test_email_headers_are_searchable_before_its_text_is_read(lib: Library) -> None:
    rec = lib.add_capture(docs.eml_gbk_subject(), source="import", purchase_id=None, source_name="n.eml")
    assert rec.doc_info is not None and "iPhone 15" in rec.doc_info["subject"]
    hits = lib.search("闲鱼订单已发货")
    assert [h.capture_id for h in hits] == [rec.id] and hits[0].field == "document"
    assert [h.capture_id for h in lib.search("goofish")] == [rec.id]


# ---------------------------------------------------------------- text, facts and pages


def _read(lib: Library, capture_id: int) -> OcrData:
    """What the capture pipeline does for a document with a text layer (capture.pipeline)."""
    from storage.documents import read_text

    rec = lib.get_capture(capture_id)
    text = read_text(lib.read_capture_bytes(capture_id), rec.media_type)
    facts = text.facts.to_dict() if text.facts is not None else None
    return OcrData(text.text, text.engine, "1", "", None, text.words, facts)


def test_reading_a_pdf_stores_its_text_words_and_facts(lib: Library) -> None:
    rec = lib.add_capture(pdfs.invoice_pdf(), source="import", purchase_id=None, source_name="inv.pdf")
    ocr = _read(lib, rec.id)
    assert ocr.facts and ocr.facts["invoice_number"] == pdfs.INVOICE_NUMBER
    done = lib.set_ocr_result(rec.id, ocr)
    assert done.ocr_status == "done" and done.facts == dict(ocr.facts)
    assert lib.get_capture(rec.id).facts == dict(ocr.facts)
    events = lib.events(capture_id=rec.id)
    assert events[-1].kind == "ocr_done" and events[-1].data["facts"] == dict(ocr.facts)
    hits = lib.search(pdfs.INVOICE_NUMBER)
    assert [h.capture_id for h in hits] == [rec.id]
    words = lib.get_capture(rec.id, with_words=True).words
    boxes = matching_word_boxes_by_page(words, pdfs.INVOICE_NUMBER)
    assert list(boxes) == [0] and boxes[0]
    assert rec.id not in lib.captures_needing_ocr()


def test_word_pages_are_kept_and_old_rows_still_read(lib: Library, make_png: Callable[..., bytes]) -> None:
    rec = lib.add_capture(pdfs.text_pdf([["退款"], ["发货"]]), source="import", purchase_id=None)
    words = (
        OcrWordBox("退款", (10, 10, 60, 30), 100.0),
        OcrWordBox("发货", (10, 10, 60, 30), 100.0, page=1),
    )
    lib.set_ocr_result(rec.id, OcrData("退款\n\n发货", "pdf-text", "1", "", None, words))
    assert lib.get_capture(rec.id, with_words=True).words == words
    d = lib.get_capture(rec.id, with_words=True).to_dict(with_words=True)
    assert d["words"] == [["退款", 10, 10, 60, 30, 100.0], ["发货", 10, 10, 60, 30, 100.0, 1]]
    assert matching_word_boxes_by_page(words, "发货") == {1: [(10, 10, 60, 30)]}
    assert matching_word_boxes_by_page(words, "退款 发货") == {0: [(10, 10, 60, 30)], 1: [(10, 10, 60, 30)]}
    assert matching_word_boxes_by_page(words, "") == {} and matching_word_boxes_by_page((), "x") == {}
    # A row written before documents (six elements) reads as page 0.
    img = lib.add_capture(make_png(3), source="region", purchase_id=None)
    con = sqlite3.connect(lib.db_path)
    with con:
        con.execute("UPDATE captures SET ocr_words = ? WHERE id = ?", ('[["订单",1,2,3,4,90.0]]', img.id))
    con.close()
    assert lib.get_capture(img.id, with_words=True).words == (OcrWordBox("订单", (1, 2, 3, 4), 90.0),)


def test_a_reading_without_facts_clears_them(lib: Library) -> None:
    rec = lib.add_capture(docs.invoice_xml(), source="import", purchase_id=None, source_name="i.xml")
    facts = {"invoice_number": "1", "total": "2.00", "currency": "CNY", "source": "xml"}
    lib.set_ocr_result(rec.id, OcrData("x", "xml", "1", "", None, (), facts))
    assert lib.get_capture(rec.id).facts == facts
    lib.set_ocr_result(rec.id, OcrData("x", "xml", "1", "", None))
    assert lib.get_capture(rec.id).facts is None
    assert "facts" not in lib.events(capture_id=rec.id)[-1].data


def test_page_png_renders_and_caches_pages(lib: Library, make_png: Callable[..., bytes]) -> None:
    rec = lib.add_capture(pdfs.text_pdf([["第一页"], ["第二页"]]), source="import", purchase_id=None)
    path = lib.page_png(rec.id, 1)
    assert path.is_file() and lib.root / "pages" in path.parents
    with Image.open(path) as img:
        assert img.format == "PNG" and img.width > 0
    first = lib.page_png(rec.id, 0)
    with Image.open(first) as img:
        assert img.size == (rec.width, rec.height)
    assert lib.page_png(rec.id, 1) == path  # cached
    assert oct((lib.root / "pages").stat().st_mode & 0o777) == oct(0o700)
    with pytest.raises(InvalidInput, match="no page 3"):
        lib.page_png(rec.id, 2)
    with pytest.raises(InvalidInput):
        lib.page_png(rec.id, -1)
    image = lib.add_capture(make_png(1), source="region", purchase_id=None)
    with pytest.raises(InvalidInput, match="no pages"):
        lib.page_png(image.id, 0)
    email = lib.add_capture(docs.eml_base64_body(), source="import", purchase_id=None)
    with pytest.raises(InvalidInput, match="no pages"):
        lib.page_png(email.id, 0)
    with pytest.raises(NotFound):
        lib.page_png(9999, 0)
    # Pages are derived: deleting them loses nothing.
    shutil.rmtree(lib.root / "pages")
    assert lib.page_png(rec.id, 0).is_file()


def test_page_png_of_an_ofd(lib: Library) -> None:
    rec = lib.add_capture(docs.ofd_invoice(), source="import", purchase_id=None, source_name="i.ofd")
    with Image.open(lib.page_png(rec.id, 0)) as img:
        assert img.size == (rec.width, rec.height)


# ---------------------------------------------------------------- integrity, crash, upgrade


def test_check_hashes_documents_and_finds_a_changed_one(lib: Library) -> None:
    rec = lib.add_capture(pdfs.invoice_pdf(), source="import", purchase_id=None)
    lib.add_capture(docs.eml_quoted_printable(), source="import", purchase_id=None)
    report = lib.check()
    assert report.ok and report.blobs_checked == 2
    path = lib.blobs.path(rec.sha256)
    os.chmod(path, 0o600)
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    assert [p.kind for p in lib.check().problems] == ["hash_mismatch"]


CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from storage.library import Library
    lib = Library.open(sys.argv[1])
    data = open(sys.argv[2], "rb").read()
    parent = int(sys.argv[3]) if len(sys.argv) > 3 else None
    real_put = lib.blobs.put
    def put(data, sha=None):
        real_put(data, sha)
        os.kill(os.getpid(), signal.SIGKILL)
    lib.blobs.put = put
    lib.add_capture(data, source="attachment" if parent else "import", purchase_id=None,
                    source_name="invoice.pdf", name="invoice.pdf", note="kept through a crash",
                    parent_id=parent)
    print("survived")
    """
)


def _kill_while_adding(library: Path, doc: Path, *extra: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(library), str(doc), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert "survived" not in proc.stdout and proc.returncode == -9, proc.stderr


def test_a_document_interrupted_before_commit_is_adopted_whole(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    lib = Library.open(library)
    email = lib.add_capture(docs.eml_base64_body(), source="import", purchase_id=None)
    lib.close()
    doc = tmp_path / "invoice.pdf"
    data = pdfs.text_pdf([["第一页"], ["第二页"]])
    doc.write_bytes(data)
    _kill_while_adding(library, doc, str(email.id))
    assert list((library / "journal").glob("*.json"))
    lib = Library.open(library)
    try:
        [cid] = lib.open_report.recovered
        rec = lib.get_capture(cid)
        assert (rec.doc_kind, rec.page_count, rec.media_type) == ("pdf", 2, "application/pdf")
        assert rec.sha256 == sha256_bytes(data) and rec.width > 0
        assert rec.parent_id == email.id and "recovered" in rec.flags
        assert rec.source == "attachment" and rec.note == "kept through a crash"
        [event] = lib.events(capture_id=cid)
        assert event.kind == "recovered" and event.data["document"]["kind"] == "pdf"
        assert lib.get_capture(email.id).attachment_ids == (cid,)
        assert not list((library / "journal").glob("*.json")) and lib.check().ok
    finally:
        lib.close()


def test_an_encrypted_pdf_interrupted_is_adopted_marked(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    Library.open(library).close()
    doc = tmp_path / "secret.pdf"
    doc.write_bytes(pdfs.encrypted_pdf())
    _kill_while_adding(library, doc)
    lib = Library.open(library)
    try:
        [cid] = lib.open_report.recovered
        rec = lib.get_capture(cid)
        assert rec.doc_problem and rec.ocr_status == "failed"
        assert cid not in lib.captures_needing_ocr()
    finally:
        lib.close()


def test_a_stray_document_blob_is_adopted_by_the_scan(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    sha = lib.blobs.put(docs.ofd_invoice())
    lib.close()
    again = Library.open(tmp_path / "lib", scan=True)
    try:
        [cid] = again.open_report.recovered
        rec = again.get_capture(cid)
        assert rec.sha256 == sha and rec.doc_kind == "ofd" and rec.source == "recovered"
        assert again.check().ok
    finally:
        again.close()


def _library_at_0004(tmp_path: Path) -> Path:
    root = library_at(tmp_path, "0004")
    assert "doc_kind" not in capture_columns(root)
    return root


def test_a_0004_library_upgrades_keeping_its_data(tmp_path: Path) -> None:
    root = _library_at_0004(tmp_path)
    lib = Library.open(root)
    try:
        assert lib.open_report.backup is not None and lib.open_report.reindexed
        con = sqlite3.connect(root / "library.sqlite3")
        try:
            cols = {r[1] for r in con.execute("PRAGMA table_info(captures)")}
            indexes = {r[1] for r in con.execute("PRAGMA index_list(captures)")}
        finally:
            con.close()
        assert {"doc_kind", "page_count", "doc_info", "doc_problem", "facts", "parent_id"} <= cols
        assert "ix_captures_parent" in indexes
        caps = lib.list_captures()
        assert len(caps) == 2 and not any(c.is_document for c in caps)
        assert all(c.page_count == 0 and c.parent_id is None and c.facts is None for c in caps)
        assert [h.capture_id for h in lib.search("退款")] == [1]
        assert lib.check().ok
        rec = lib.add_capture(pdfs.invoice_pdf(), source="import", purchase_id=None)
        assert rec.doc_kind == "pdf" and len(lib.list_captures()) == 3 and lib.check().ok
    finally:
        lib.close()
    assert json.loads(json.dumps(rec.to_dict()))["doc_kind"] == "pdf"


def test_a_stray_blob_that_is_no_image_nor_document_is_left_not_adopted(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    sha = lib.blobs.put(b"neither a picture nor a document\n")
    lib.close()
    again = Library.open(tmp_path / "lib", scan=True)
    try:
        assert again.open_report.recovered == () and again.list_captures() == []
        assert [(p.kind, p.sha256) for p in again.check().problems] == [("orphan_blob", sha)]
    finally:
        again.close()
