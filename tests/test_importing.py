"""storage.importing: files (images and documents) become captures byte for byte; an
e-mail's attachments are filed with it and linked both ways; duplicates are reported; a file
that cannot be kept gets a plain problem and changes nothing."""

from __future__ import annotations

import os
from collections.abc import Callable
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

import storage.importing as importing
from storage.blobs import sha256_bytes
from storage.importing import SUPPORTED_SUFFIXES, ImportOutcome, import_bytes, import_file, read_import_file
from storage.library import ACTIVE, Library
from storage.records import OcrData
from tests import fixtures_docs as docs
from tests import fixtures_pdf as pdfs

from .test_documents_library import DOCUMENTS, _state


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (1_700_000_000, 1_700_000_000))
    return path


def test_supported_suffixes() -> None:
    assert {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".pdf", ".ofd", ".xml", ".eml"} == set(
        SUPPORTED_SUFFIXES
    )


@pytest.mark.parametrize(("name", "make", "kind", "media", "pages"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_import_file_keeps_each_document(
    lib: Library, tmp_path: Path, name: str, make: Callable[[], bytes], kind: str, media: str, pages: int
) -> None:
    data = make()
    path = _write(tmp_path, name, data)
    p = lib.add_purchase({"title": "健身月卡"})
    out = import_file(lib, path, purchase_id=p.id, note="from the shop")
    assert isinstance(out, ImportOutcome) and out.problem is None and not out.duplicate and out.kept
    assert out.name == str(path) and out.attachments == ()
    rec = out.record
    assert rec is not None
    assert lib.read_capture_bytes(rec.id) == data and rec.sha256 == sha256_bytes(data)
    assert (rec.doc_kind, rec.media_type, rec.page_count) == (kind, media, pages)
    assert (rec.purchase_id, rec.source, rec.source_name, rec.note) == (p.id, "import", name, "from the shop")
    [event] = lib.events(capture_id=rec.id)
    assert event.kind == "imported" and event.data["file_modified_at"] == "2023-11-14T22:13:20.000000Z"
    assert event.data["document"]["kind"] == kind
    # The same file again is a duplicate: the capture it already is, nothing new.
    again = import_file(lib, path, purchase_id=p.id)
    assert again.duplicate and again.record is not None and again.record.id == rec.id and not again.kept
    assert lib.count_captures()["all"] == 1 and len(lib.events(capture_id=rec.id)) == 1


def test_import_file_keeps_images_as_before(
    lib: Library, tmp_path: Path, make_png: Callable[..., bytes]
) -> None:
    data = make_png(4)
    out = import_file(lib, _write(tmp_path, "shot.png", data), purchase_id=None)
    assert out.record is not None and out.record.media_type == "image/png" and not out.record.is_document
    assert lib.read_capture_bytes(out.record.id) == data and out.record.purchase_id is None


def test_import_goes_to_the_active_purchase(lib: Library, tmp_path: Path) -> None:
    p = lib.add_purchase({"title": "月卡"})
    lib.set_active_purchase(p.id)
    out = import_file(lib, _write(tmp_path, "i.xml", docs.invoice_xml()), purchase_id=ACTIVE)
    assert out.record is not None and out.record.purchase_id == p.id


def test_an_email_files_its_attachments_linked_both_ways(lib: Library, tmp_path: Path) -> None:
    p = lib.add_purchase({"title": "健身月卡"})
    data = docs.eml_with_invoice_pdf()
    out = import_file(lib, _write(tmp_path, "invoice.eml", data), purchase_id=p.id)
    email = out.record
    assert email is not None and email.doc_kind == "email" and out.problem is None
    assert lib.read_capture_bytes(email.id) == data
    names = {a.name: a for a in out.attachments}
    number = docs.INVOICE_NUMBER
    assert set(names) == {f"电子发票_{number}.pdf", f"电子发票_{number}.ofd", f"{number}.xml"}
    kinds = {}
    for name, a in names.items():
        assert a.problem is None and not a.duplicate and a.record is not None
        rec = a.record
        kinds[rec.doc_kind] = rec
        assert (rec.source, rec.parent_id, rec.purchase_id, rec.source_name) == (
            "attachment",
            email.id,
            p.id,
            name,
        )
        [event] = lib.events(capture_id=rec.id)
        assert event.kind == "imported" and event.data["parent_capture_id"] == email.id
        assert "file_modified_at" not in event.data
    assert set(kinds) == {"pdf", "ofd", "xml"}
    assert lib.get_capture(email.id).attachment_ids == tuple(
        sorted(a.record.id for a in out.attachments if a.record)
    )
    # The zip stays inside the e-mail, listed as not filed.
    info = lib.get_capture(email.id).doc_info
    assert info is not None
    [zipped] = [a for a in info["attachments"] if a["name"] == "会员协议.zip"]
    assert zipped["filed"] is False and zipped["reason"]
    # Found either way: the e-mail's subject finds the attachments, the attachment's name the e-mail.
    subject_hits = {h.capture_id for h in lib.search("健身月卡")}
    assert {email.id, *(r.id for r in kinds.values())} <= subject_hits
    assert email.id in {h.capture_id for h in lib.search("会员协议")}
    # A rebuilt index (what `check --repair` and an index-format change do) finds them the same.
    assert lib.reindex() == 4
    assert {email.id, *(r.id for r in kinds.values())} <= {h.capture_id for h in lib.search("健身月卡")}
    # Importing the e-mail again files nothing again.
    again = import_bytes(lib, data, "again.eml", purchase_id=None)
    assert again.duplicate and again.attachments == ()
    assert lib.count_captures()["all"] == 4
    assert lib.check().ok


def test_searching_the_invoice_number_finds_the_pdf_once_read(lib: Library, tmp_path: Path) -> None:
    from storage.documents import read_text

    out = import_file(
        lib, _write(tmp_path, "inv.pdf", pdfs.invoice_pdf(number="99990000111122223333")), purchase_id=None
    )
    assert out.record is not None
    text = read_text(lib.read_capture_bytes(out.record.id), out.record.media_type)
    assert lib.search("99990000111122223333") == []  # not read yet
    lib.set_ocr_result(out.record.id, OcrData(text.text, text.engine, "1", "", None, text.words))
    [hit] = lib.search("99990000111122223333")
    assert hit.capture_id == out.record.id and hit.field == "ocr"


def test_an_attachment_already_kept_is_a_duplicate_not_relinked(lib: Library, tmp_path: Path) -> None:
    xml = import_bytes(lib, docs.invoice_xml(), "mine.xml", purchase_id=None)
    assert xml.record is not None
    out = import_bytes(lib, docs.eml_with_invoice_pdf(), "invoice.eml", purchase_id=None)
    [dup] = [a for a in out.attachments if a.duplicate]
    assert dup.record is not None and dup.record.id == xml.record.id
    assert lib.get_capture(xml.record.id).parent_id is None
    assert out.record is not None
    assert xml.record.id not in lib.get_capture(out.record.id).attachment_ids
    assert len(lib.get_capture(out.record.id).attachment_ids) == 2


def _email_with(parts: list[tuple[bytes, str, str]]) -> bytes:
    msg = MIMEMultipart("mixed")
    msg["From"] = "shop@example.cn"
    msg["To"] = "liming@example.cn"
    msg["Subject"] = "broken attachment"
    msg["Date"] = "Fri, 20 Nov 2026 10:25:00 +0800"
    msg.attach(MIMEText("see attached", "plain", "utf-8"))
    for data, subtype, name in parts:
        part = MIMEApplication(data, subtype)
        part.add_header("Content-Disposition", "attachment", filename=name)
        msg.attach(part)
    return msg.as_bytes()


def test_an_attachment_that_cannot_be_kept_is_reported_and_the_email_kept(lib: Library) -> None:
    data = _email_with([(pdfs.fake_pdf(), "pdf", "broken.pdf"), (docs.invoice_xml(), "xml", "ok.xml")])
    out = import_bytes(lib, data, "mail.eml", purchase_id=None)
    assert out.record is not None and out.problem is None
    found = {a.name: a for a in out.attachments}
    assert found["ok.xml"].record is not None
    bad = found["broken.pdf"]  # a PDF by its name and type, but not a whole one: refused, named
    assert bad.record is None and not bad.duplicate and bad.problem and bad.problem.startswith("broken.pdf")
    assert lib.count_captures()["all"] == 2
    assert lib.get_capture(out.record.id).attachment_ids == (found["ok.xml"].record.id,)


def test_an_unexpected_failure_of_one_attachment_keeps_the_others(
    lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in one reader (any exception, not a known refusal) while filing an attachment
    is that attachment's problem: the e-mail and the attachments filed before it stay kept
    and are all in the outcome, so the caller can announce them."""
    data = _email_with(
        [(docs.invoice_xml(), "xml", "ok.xml"), (pdfs.text_pdf([["第二个附件"]]), "pdf", "b.pdf")]
    )
    real = Library.add_capture

    def add_capture(self: Library, data: bytes, **kw: object) -> object:
        if kw.get("name") == "b.pdf":
            raise RuntimeError("a reader's bug")
        return real(self, data, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Library, "add_capture", add_capture)
    out = import_bytes(lib, data, "mail.eml", purchase_id=None)
    assert out.record is not None and out.problem is None
    found = {a.name: a for a in out.attachments}
    assert found["ok.xml"].record is not None
    assert found["b.pdf"].record is None and "RuntimeError" in (found["b.pdf"].problem or "")
    assert lib.count_captures()["all"] == 2


def test_a_password_protected_pdf_is_kept_and_marked(lib: Library, tmp_path: Path) -> None:
    out = import_file(lib, _write(tmp_path, "secret.pdf", pdfs.encrypted_pdf()), purchase_id=None)
    assert out.problem is None and out.record is not None
    assert out.record.doc_problem and out.record.ocr_status == "failed"
    assert out.record.id not in lib.captures_needing_ocr()


HOSTILE: list[tuple[str, Callable[[], bytes]]] = [
    ("not.pdf", pdfs.not_a_pdf),
    ("fake.pdf", pdfs.fake_pdf),
    ("truncated.pdf", pdfs.truncated_pdf),
    ("thousand.pdf", lambda: pdfs.many_pages_pdf(1001)),
    ("bomb.ofd", docs.ofd_zip_bomb),
    ("lying.ofd", docs.ofd_lying_sizes),
    ("traversal.ofd", docs.ofd_with_traversal),
    ("entries.ofd", docs.ofd_too_many_entries),
    ("no-ofd-xml.ofd", docs.ofd_without_ofd_xml),
    ("entities.xml", docs.xml_with_entities),
    ("external.xml", docs.xml_external_entity_only),
    ("list.eml", docs.eml_no_headers),
    ("empty.pdf", lambda: b""),
    ("text.png", lambda: b"not a picture"),
]


@pytest.mark.parametrize(("name", "make"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_file_is_refused_and_changes_nothing(
    lib: Library, tmp_path: Path, name: str, make: Callable[[], bytes]
) -> None:
    lib.add_capture(docs.invoice_xml(), source="import", purchase_id=None, source_name="x.xml")
    before = _state(lib)
    path = _write(tmp_path, name, make())
    out = import_file(lib, path, purchase_id=None)
    assert out.record is None and not out.duplicate and out.attachments == ()
    assert out.problem and out.problem.startswith(str(path)) and len(out.problem) > len(str(path)) + 5
    assert _state(lib) == before
    assert not list(lib.journal.iterdir())


def test_folders_missing_and_too_large_files_are_refused(
    lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _state(lib)
    folder = tmp_path / "folder"
    folder.mkdir()
    out = import_file(lib, folder, purchase_id=None)
    assert out.record is None and out.problem and "folder" in out.problem
    out = import_file(lib, tmp_path / "nowhere.pdf", purchase_id=None)
    assert out.problem == f"{tmp_path / 'nowhere.pdf'}: no such file"
    big = _write(tmp_path, "big.pdf", pdfs.invoice_pdf())
    monkeypatch.setattr(importing, "MAX_BYTES", 100)
    out = import_file(lib, big, purchase_id=None)
    assert out.record is None and out.problem and "MB" in out.problem
    with pytest.raises(Exception, match="no such file"):
        read_import_file(tmp_path / "nowhere.pdf")
    assert _state(lib) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_refused(lib: Library, tmp_path: Path) -> None:
    path = _write(tmp_path, "locked.pdf", pdfs.invoice_pdf())
    path.chmod(0)
    try:
        out = import_file(lib, path, purchase_id=None)
    finally:
        path.chmod(0o600)
    assert out.record is None and out.problem and "cannot be read" in out.problem


def test_an_email_with_a_huge_part_keeps_it_inside(lib: Library) -> None:
    out = import_bytes(lib, docs.eml_huge_part(200_000), "video.eml", purchase_id=None)
    assert out.record is not None and out.attachments == ()
    info = out.record.doc_info
    assert info is not None
    [video] = info["attachments"]
    assert video["name"] == "unboxing.mp4" and video["filed"] is False


def test_a_forwarded_email_files_the_original_and_its_parts(lib: Library) -> None:
    out = import_bytes(lib, docs.eml_nested_message(), "fwd.eml", purchase_id=None)
    assert out.record is not None
    inner = [a for a in out.attachments if a.record is not None and a.record.doc_kind == "email"]
    for a in inner:
        assert a.record is not None and a.record.parent_id == out.record.id
