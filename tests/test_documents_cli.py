"""Documents through the command line (`main.py import`, `search`, `captures show`,
`purchases show`): real processes, real libraries, the test documents of
tests/fixtures_pdf.py and tests/fixtures_docs.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

from capture.ocr import tesseract_available

from . import fixtures_docs, fixtures_pdf

NUMBER = fixtures_pdf.INVOICE_NUMBER
#: The seller's credit code on fixtures_pdf.invoice_pdf().
SELLER_TAX_ID = fixtures_pdf.invoice_lines.__kwdefaults__["seller_tax_id"]
assert NUMBER == fixtures_docs.INVOICE_NUMBER
#: Text reading with tesseract (installed here), never PP-OCR: only scanned pages need it.
ENGINE = ("--ocr-engine", "tesseract")


def scanned_invoice() -> bytes:
    """A one-page scan (no text layer) with the invoice number in 40 px digits."""
    img = Image.new("RGB", (1190, 1684), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=40)
    draw.text((100, 200), "SCANNED RECEIPT", fill="black", font=font)
    draw.text((100, 320), f"INVOICE {NUMBER}", fill="black", font=font)
    draw.text((100, 440), "TOTAL 128.00", fill="black", font=font)
    return fixtures_pdf.scanned_pdf([img])


#: name -> (file name, its bytes, a phrase in it, whether its text has the invoice number,
#: the reading's engine)
KINDS: dict[str, tuple[str, Callable[[], bytes], str, bool, str]] = {
    "pdf": ("发票.pdf", fixtures_pdf.invoice_pdf, "保温杯", True, "pdf-text"),
    "scanned-pdf": ("scan.pdf", scanned_invoice, "SCANNED RECEIPT", True, "pdf-text+tesseract"),
    "ofd": ("发票.ofd", fixtures_docs.ofd_invoice, "健身月卡", True, "ofd-text"),
    "xml": ("发票.xml", fixtures_docs.invoice_xml, "健身月卡", True, "xml"),
    "email": ("闲鱼.eml", fixtures_docs.eml_gbk_subject, "王镕", False, "email"),
}


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def show(cli: Any, capture_id: int) -> dict[str, Any]:
    out: dict[str, Any] = cli.json("captures", "show", str(capture_id))
    return out


def found(cli: Any, query: str) -> list[int]:
    return [h["capture_id"] for h in cli.json("search", query)]


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_imports_byte_exact_and_is_found_by_a_phrase_and_its_invoice_number(
    cli: Any, tmp_path: Path, kind: str
) -> None:
    name, make, phrase, has_number, engine = KINDS[kind]
    if kind == "scanned-pdf" and not tesseract_available():
        pytest.skip("tesseract is not installed")
    path = write(tmp_path, name, make())
    [c] = cli.json("import", *ENGINE, str(path))
    assert c["duplicate"] is False and c["source"] == "import" and c["doc_kind"] == kind.split("-")[-1]
    assert c["ocr_status"] == "done", c["ocr_error"]
    assert c["ocr_engine"] == engine
    shown = show(cli, c["id"])
    assert Path(shown["path"]).read_bytes() == path.read_bytes()
    assert shown["sha256"] == c["sha256"] and shown["bytes"] == path.stat().st_size
    assert c["id"] in found(cli, phrase)
    if has_number:
        assert c["id"] in found(cli, NUMBER)


def test_an_email_files_its_attachments_and_each_is_found_either_way(cli: Any, tmp_path: Path) -> None:
    pdf = fixtures_pdf.invoice_pdf()
    path = write(tmp_path, "invoice-mail.eml", fixtures_docs.eml_with_invoice_pdf(pdf))
    proc = cli.run("import", *ENGINE, str(path))
    lines = proc.stdout.splitlines()
    assert len(lines) == 4 and all(x.startswith("    attachment #") for x in lines[1:]), proc.stdout
    mail = show(cli, min(c["id"] for c in cli.json("captures", "list")))
    assert mail["doc_kind"] == "email" and Path(mail["path"]).read_bytes() == path.read_bytes()
    filed = {a["name"]: a for a in mail["attachments"]}
    assert {n for n, a in filed.items() if a["capture_id"]} == {
        f"电子发票_{NUMBER}.pdf",
        f"电子发票_{NUMBER}.ofd",
        f"{NUMBER}.xml",
    }
    assert filed["会员协议.zip"]["capture_id"] is None and filed["会员协议.zip"]["filed"] is False
    attached = show(cli, filed[f"电子发票_{NUMBER}.pdf"]["capture_id"])
    assert Path(attached["path"]).read_bytes() == pdf
    assert attached["source"] == "attachment" and attached["parent_id"] == mail["id"]
    assert attached["parent_email"]["id"] == mail["id"] and attached["ocr_status"] == "done"
    ids = sorted(a["capture_id"] for a in filed.values() if a["capture_id"])
    assert sorted(mail["attachment_ids"]) == ids
    # By the invoice number: the e-mail (its subject) and every attachment.
    assert {mail["id"], *ids} <= set(found(cli, NUMBER))
    # By the e-mail's words: the attached PDF too ("found either way").
    assert attached["id"] in found(cli, "健身月卡")
    # The text output names the attachments with their captures, and the e-mail.
    text = cli.run("captures", "show", str(mail["id"])).stdout
    assert "document      email" in text and "Subject:" in text and "乐动健身" in text
    assert f"capture #{filed[f'{NUMBER}.xml']['capture_id']}" in text and "kept in the e-mail only" in text
    text = cli.run("captures", "show", str(attached["id"])).stdout
    assert f"from e-mail   #{mail['id']}" in text and "您的电子发票" in text


def test_import_json_lists_an_emails_attachments_under_it(cli: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "invoice-mail.eml", fixtures_docs.eml_with_invoice_pdf())
    [mail] = cli.json("import", "--no-ocr", str(path))
    assert mail["doc_kind"] == "email" and len(mail["attachments"]) == 3
    assert all(a["parent_id"] == mail["id"] and a["ocr_status"] == "pending" for a in mail["attachments"])
    # Imported again: the same e-mail, a duplicate.
    [again] = cli.json("import", "--no-ocr", str(path))
    assert again["id"] == mail["id"] and again["duplicate"] is True
    assert len(cli.json("captures", "list")) == 4


def test_captures_show_prints_a_documents_pages_and_facts(cli: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "发票.pdf", fixtures_pdf.invoice_pdf())
    [c] = cli.json("import", *ENGINE, str(path))
    text = cli.run("captures", "show", str(c["id"])).stdout
    assert "document      pdf, 1 page" in text
    assert f"invoice number  {NUMBER}" in text
    assert f"seller tax ID   {SELLER_TAX_ID}" in text and "total           128.00 CNY" in text
    shown = show(cli, c["id"])
    assert shown["page_count"] == 1 and shown["facts"]["invoice_number"] == NUMBER
    assert shown["words"] and shown["attachments"] == [] and shown["parent_email"] is None


def test_a_password_protected_pdf_is_kept_and_says_it_cannot_be_read(cli: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "locked.pdf", fixtures_pdf.encrypted_pdf())
    proc = cli.run("import", *ENGINE, str(path), "--json")
    [c] = json.loads(proc.stdout)
    assert c["ocr_status"] == "failed" and "password" in (c["doc_problem"] or "")
    # Said once, as what it is (not as an OCR failure).
    assert proc.stderr.strip() == f"{path}: {c['doc_problem']}"
    assert Path(show(cli, c["id"])["path"]).read_bytes() == path.read_bytes()
    assert "problem       " in cli.run("captures", "show", str(c["id"])).stdout


def _library_files(root: Path) -> dict[str, bytes]:
    blobs = root / "blobs"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(blobs.rglob("*")) if p.is_file()}


def test_hostile_files_are_refused_by_name_and_change_nothing(cli: Any, tmp_path: Path, make_png) -> None:
    good = write(tmp_path, "good.png", make_png(1))
    cli.json("import", "--no-ocr", str(good))
    before = (_library_files(cli.library), cli.json("captures", "list"))
    events_before = len(show(cli, before[1][0]["id"])["events"])
    hostile = {
        "fake.pdf": fixtures_pdf.fake_pdf(),
        "truncated.pdf": fixtures_pdf.truncated_pdf(),
        "many-pages.pdf": fixtures_pdf.many_pages_pdf(1001),
        "bomb.ofd": fixtures_docs.ofd_zip_bomb(),
        "traversal.ofd": fixtures_docs.ofd_with_traversal(),
        "no-ofd-xml.ofd": fixtures_docs.ofd_without_ofd_xml(),
        "entities.xml": fixtures_docs.xml_with_entities(),
        "external.xml": fixtures_docs.xml_external_entity_only(),
        "no-headers.eml": fixtures_docs.eml_no_headers(),
    }
    paths = [write(tmp_path, n, d) for n, d in hostile.items()]
    proc = cli.run("import", *ENGINE, *map(str, paths), check=False)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    for p in paths:
        assert any(str(p) in x for x in lines), (p.name, proc.stderr)
    assert lines[-1] == f"0 imported, {len(paths)} could not be imported"
    assert (_library_files(cli.library), cli.json("captures", "list")) == before
    assert len(show(cli, before[1][0]["id"])["events"]) == events_before


def test_purchases_show_suggests_the_invoice_facts(cli: Any, tmp_path: Path) -> None:
    p = cli.json("purchases", "add", "--title", "保温杯")
    path = write(tmp_path, "发票.pdf", fixtures_pdf.invoice_pdf())
    cli.json("import", *ENGINE, "--purchase", str(p["id"]), str(path))
    shown = cli.json("purchases", "show", str(p["id"]))
    facts = [(s["kind"], s["field"], s["value"]) for s in shown["suggestions"] if s["source"] == "invoice"]
    assert facts == [
        ("company", "company", "广州市示例电子商务有限公司"),
        ("credit_code", "credit_code", SELLER_TAX_ID),
        ("amount", "amount", "128.00"),
        ("invoice_date", "ordered_at", "2026-11-20"),
        ("invoice_no", "notes", f"发票号码 {NUMBER}"),
    ]
    assert "张三" not in json.dumps(shown["suggestions"], ensure_ascii=False)
    text = cli.run("purchases", "show", str(p["id"])).stdout
    assert f"credit_code  {SELLER_TAX_ID}" in text and "--credit-code" in text
    # Once the seller's credit code is recorded, it is no longer suggested.
    cli.json("purchases", "edit", str(p["id"]), "--merchant", "示例", "--credit-code", SELLER_TAX_ID)
    kinds = [s["kind"] for s in cli.json("purchases", "show", str(p["id"]))["suggestions"]]
    assert "credit_code" not in kinds and "company" in kinds


def test_documents_are_read_without_an_ocr_engine_except_their_scanned_pages(
    cli: Any, tmp_path: Path
) -> None:
    """Tesseract asked for a language it does not have is an engine that is not available."""
    from .test_documents_pipeline import mixed_pdf, scan

    page, _ = scan([(300, f"INVOICE {NUMBER}")])
    mail = write(tmp_path, "invoice-mail.eml", fixtures_docs.eml_with_invoice_pdf())
    mixed = write(tmp_path, "mixed.pdf", mixed_pdf(["订单确认 保温杯 已发货"], page))
    scanned = write(tmp_path, "scan.pdf", fixtures_pdf.scanned_pdf([page]))
    no_engine = ("--ocr-engine", "tesseract", "--languages", "nosuchlanguage")
    proc = cli.run("import", *no_engine, str(mail), str(mixed), str(scanned), "--json")
    assert proc.returncode == 0, proc.stderr
    out = {Path(c["name"]).name: c for c in json.loads(proc.stdout)}
    assert out["invoice-mail.eml"]["ocr_status"] == "done"
    assert all(a["ocr_status"] == "done" for a in out["invoice-mail.eml"]["attachments"])
    assert out["mixed.pdf"]["ocr_status"] == "done" and out["mixed.pdf"]["ocr_engine"] == "pdf-text"
    assert f"capture {out['mixed.pdf']['id']}: page 2 has no text layer and could not be read" in proc.stderr
    assert out["scan.pdf"]["ocr_status"] == "unavailable" and "nosuchlanguage" in out["scan.pdf"]["ocr_error"]
    assert out["mixed.pdf"]["id"] in found(cli, "保温杯")
