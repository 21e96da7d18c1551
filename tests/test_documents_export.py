"""Documents in the evidence folder (issue 13): a purchase holding a text PDF, an OFD
invoice, a 数电票 XML and an order e-mail with its attached invoices exports with the
originals, their text, their rendered pages and the facts read from them; the folder and
its zip verify; a changed page or original is found and named."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import zipfile
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from storage.evidence_format import (
    DOCUMENT_MEDIA_TYPES,
    MANIFEST,
    MAX_EXPORT_PAGES,
    MEDIA_EXTENSIONS,
    SUMS,
    manifest_schema,
    parse_sums,
)
from storage.export import ExportResult, export_purchase
from storage.report import build_report_html
from storage.verify import verify_evidence

from . import fixtures_docs as fd
from . import fixtures_pdf as fp
from .test_report import visible_text

PDF_LINES = [
    ["健身月卡 购买记录 第一页", "订单号 2026112012345678"],
    ["第二页 会员协议", "七天无理由退款"],
    ["第三页 收据"],
]
OFD_NUMBER = "24442000000987654321"
XML_NUMBER = "24442000000555555555"
#: An e-mail subject and body that must reach the report as text, never as markup.
HOSTILE_SUBJECT = "订单 <b>#42</b> & <script>alert(1)</script>"


def _hostile_email() -> bytes:
    msg = EmailMessage()
    msg["From"] = "shop@example.cn"
    msg["To"] = "buyer@example.cn"
    msg["Subject"] = HOSTILE_SUBJECT
    msg["Date"] = "Sat, 21 Nov 2026 09:00:00 +0800"
    msg.set_content(
        "<html><body><p>您的订单已发货 <b>SF1234567890</b></p>"
        '<script>document.write("x")</script><img src="http://tracker.invalid/p.png"></body></html>',
        subtype="html",
    )
    return msg.as_bytes()


def _import_and_read(lib: Any, folder: Path, files: dict[str, bytes], purchase_id: int) -> None:
    from capture.pipeline import ocr_capture
    from storage.importing import import_file

    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        outcome = import_file(lib, path, purchase_id=purchase_id)
        assert outcome.problem is None and outcome.record is not None, outcome.problem
    for c in lib.list_captures(purchase_id=purchase_id):
        ocr_capture(lib, None, c.id)  # documents need no OCR engine


@pytest.fixture(scope="module")
def pdf_renderer() -> Any:
    from gui.report_pdf import render_report_pdf

    return render_report_pdf


@pytest.fixture(scope="module")
def docs_export(tmp_path_factory: pytest.TempPathFactory, pdf_renderer: Any) -> Iterator[dict[str, Any]]:
    """One library and one export (English, PDF, zip) shared by the tests that only read it."""
    from storage.library import Library

    tmp = tmp_path_factory.mktemp("docs")
    lib = Library.open(tmp / "lib")
    try:
        p = lib.add_purchase(
            {"title": "健身月卡", "order_no": "2026112012345678", "amount": "128"},
            merchant={"display_name": "乐动健身", "platform": "webshop"},
        )
        files = {
            "购买记录.pdf": fp.text_pdf(PDF_LINES, title="购买记录"),
            "发票.ofd": fd.ofd_invoice(number=OFD_NUMBER),
            "发票.xml": fd.invoice_xml(number=XML_NUMBER),
            "发票邮件.eml": fd.eml_with_invoice_pdf(),
            "shipped.eml": _hostile_email(),
        }
        src = tmp / "src"
        src.mkdir()
        _import_and_read(lib, src, files, p.id)
        result = export_purchase(
            lib, p.id, tmp / "out", language="en", render_pdf=pdf_renderer, make_zip=True
        )
        manifest = json.loads((result.folder / MANIFEST).read_text(encoding="utf-8"))
        yield {"lib": lib, "purchase": p, "files": files, "result": result, "manifest": manifest, "tmp": tmp}
    finally:
        lib.close()


def _by_name(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(c["source_name"]): c for c in manifest["captures"]}


def _problems(path: Path) -> list[str]:
    return [str(p) for p in verify_evidence(path).problems]


# ---------------------------------------------------------------------- the export


def test_the_format_names_documents_as_the_documents_package_does() -> None:
    from storage import documents

    for media, ext in documents.EXTENSIONS.items():
        assert MEDIA_EXTENSIONS[media] == ext
    assert DOCUMENT_MEDIA_TYPES == documents.MEDIA_TYPES


def test_documents_export_verify_and_validate(docs_export: dict[str, Any]) -> None:
    result: ExportResult = docs_export["result"]
    manifest = docs_export["manifest"]
    folder = result.folder
    jsonschema.validate(manifest, manifest_schema())
    assert manifest["format_version"] == 2
    assert verify_evidence(folder).ok, _problems(folder)
    assert result.zip_path is not None
    assert verify_evidence(result.zip_path).ok, _problems(result.zip_path)
    proc = subprocess.run(["sha256sum", "-c", SUMS], cwd=folder, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    by_name = _by_name(manifest)
    # every imported file is there byte for byte, with its own extension
    for name, data in docs_export["files"].items():
        c = by_name[name]
        assert (folder / c["file"]).read_bytes() == data
        assert c["sha256"] == hashlib.sha256(data).hexdigest()
        assert c["file"].endswith("." + MEDIA_EXTENSIONS[c["media_type"]])
        assert (
            c["document"]["kind"] == {".pdf": "pdf", ".ofd": "ofd", ".xml": "xml", ".eml": "email"}[name[-4:]]
        )
    # their text
    pdf = by_name["购买记录.pdf"]
    text = (folder / pdf["ocr"]["text_file"]).read_text(encoding="utf-8")
    assert "七天无理由退款" in text and "第三页" in text
    assert XML_NUMBER in (folder / by_name["发票.xml"]["ocr"]["text_file"]).read_text(encoding="utf-8")
    assert by_name["发票.xml"]["document"]["facts"]["invoice_number"] == XML_NUMBER
    assert by_name["发票.ofd"]["document"]["facts"]["invoice_number"] == OFD_NUMBER

    # rendered pages: one file per page, hashed in the manifest and in SHA256SUMS
    sums, bad = parse_sums((folder / SUMS).read_text(encoding="utf-8"))
    assert not bad
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    for c in manifest["captures"]:
        doc = c["document"]
        if doc["kind"] in ("pdf", "ofd"):
            assert doc["pages"] >= 1 and len(doc["page_files"]) == doc["pages"]
        else:
            assert doc["page_files"] == []
        for pf in doc["page_files"]:
            data = (folder / pf["file"]).read_bytes()
            assert data.startswith(b"\x89PNG")
            assert hashlib.sha256(data).hexdigest() == pf["sha256"] == sums[pf["file"]] == listed[pf["file"]]
            assert re.fullmatch(r"pages/\d{4}_\d{8}T\d{6}Z_[0-9a-f]{8}-p\d{3}\.png", pf["file"])
    assert len(pdf["document"]["page_files"]) == 3
    assert [pf["page"] for pf in pdf["document"]["page_files"]] == [1, 2, 3]


def test_the_email_and_its_attachments_point_at_each_other(docs_export: dict[str, Any]) -> None:
    manifest = docs_export["manifest"]
    by_seq = {c["seq"]: c for c in manifest["captures"]}
    email = _by_name(manifest)["发票邮件.eml"]
    headers = email["document"]["email"]
    assert fd.INVOICE_NUMBER in headers["subject"] and headers["from"] and "乐动健身" in headers["from"]
    atts = {a["name"]: a for a in headers["attachments"]}
    pdf_att = atts[f"电子发票_{fd.INVOICE_NUMBER}.pdf"]
    assert pdf_att["filed"] and pdf_att["seq"] is not None
    filed = by_seq[pdf_att["seq"]]
    assert filed["sha256"] == pdf_att["sha256"] and filed["source"] == "attachment"
    assert filed["document"]["parent_seq"] == email["seq"]
    assert filed["document"]["facts"]["invoice_number"] == fd.INVOICE_NUMBER
    zipped = atts["会员协议.zip"]
    assert not zipped["filed"] and zipped["seq"] is None  # kept inside the e-mail only


def test_the_report_shows_pages_facts_and_the_email_as_text(docs_export: dict[str, Any]) -> None:
    folder = docs_export["result"].folder
    manifest = docs_export["manifest"]
    html = (folder / "report.html").read_text(encoding="utf-8")
    text = visible_text(html)
    by_name = _by_name(manifest)
    # pages as images, each from pages/
    for c in manifest["captures"]:
        for pf in c["document"]["page_files"]:
            assert f'src="{pf["file"]}"' in html
        assert f'src="{c["file"]}"' not in html  # the original itself is not an image
    assert "Page 2 of 3" in text
    # invoice facts as a table
    facts_tables = re.findall(r'<table class="kv facts".*?</table>', html, re.S)
    assert len(facts_tables) >= 3
    assert any(XML_NUMBER in t and fd.SELLER_TAX_ID in t for t in facts_tables)
    assert "Invoice number" in text and "Total with tax" in text and "128.00 CNY" in text
    # the e-mail: headers and text, escaped; nothing of its HTML or remote content
    assert HOSTILE_SUBJECT in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "<b>#42</b>" not in html
    assert not re.search(r'<img[^>]*src="https?:', html)
    assert "SF1234567890" in text
    # the attachment and its e-mail link to each other
    email_seq = by_name["发票邮件.eml"]["seq"]
    assert f'href="#capture-{email_seq}"' in html
    assert "filed as Capture" in text and "kept inside the e-mail" in text


def test_the_pdf_report_has_the_pages_and_the_facts(docs_export: dict[str, Any]) -> None:
    folder = docs_export["result"].folder
    manifest = docs_export["manifest"]
    pdf = folder / "report.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert XML_NUMBER in flat and OFD_NUMBER in flat and fd.SELLER_TAX_ID in flat
    assert re.sub(r"\s+", "", HOSTILE_SUBJECT) in flat
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    images = [line for line in listing.splitlines()[2:] if line.strip() and " image " in line]
    pages = sum(len(c["document"]["page_files"]) for c in manifest["captures"])
    assert pages >= 5 and len(images) >= pages
    # derived page images are kept at twice their size in the report (about 190 dpi), not full size
    widths = [int(line.split()[3]) for line in images]
    assert max(widths) <= 2 * 620, listing


def test_a_changed_page_or_original_fails_and_is_named(docs_export: dict[str, Any], tmp_path: Path) -> None:
    import shutil

    manifest = docs_export["manifest"]
    pdf = _by_name(manifest)["购买记录.pdf"]
    for rel in (
        pdf["document"]["page_files"][1]["file"],
        pdf["file"],
        _by_name(manifest)["发票.ofd"]["file"],
    ):
        copy = tmp_path / rel.replace("/", "_") / docs_export["result"].folder.name
        shutil.copytree(docs_export["result"].folder, copy)
        target = copy / rel
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0x01
        os.chmod(target, 0o644)
        target.write_bytes(bytes(data))
        problems = _problems(copy)
        assert problems and any(p.startswith(rel + ":") for p in problems), problems
        # and through a zip of the changed folder
        from storage.export import write_zip

        zipped = write_zip(copy, tmp_path / f"{rel.replace('/', '_')}.zip", manifest["exported_at"])
        assert any(p.startswith(rel + ":") for p in _problems(zipped))
    # a page file removed from the folder and from both lists is still missed by the manifest
    copy = tmp_path / "gone" / docs_export["result"].folder.name
    shutil.copytree(docs_export["result"].folder, copy)
    page = pdf["document"]["page_files"][0]["file"]
    (copy / page).unlink()
    assert any(p.startswith(page + ":") for p in _problems(copy))


def test_the_zip_holds_the_pages(docs_export: dict[str, Any], tmp_path: Path) -> None:
    result = docs_export["result"]
    with zipfile.ZipFile(result.zip_path) as zf:
        names = zf.namelist()
        infos = {i.filename: i for i in zf.infolist()}
        zf.extractall(tmp_path / "unzipped")
    # the round trip: the folder taken out of the zip verifies as the original did
    assert verify_evidence(tmp_path / "unzipped" / result.folder.name).ok
    pages = [n for n in names if "/pages/" in n]
    assert pages and all(infos[n].compress_type == zipfile.ZIP_STORED for n in pages)
    ofd = [n for n in names if n.endswith(".ofd")]
    assert ofd and all(infos[n].compress_type == zipfile.ZIP_STORED for n in ofd)


# ---------------------------------------------------------------------- more cases


def test_a_password_protected_pdf_is_kept_and_says_it_cannot_be_read(lib: Any, tmp_path: Path) -> None:
    p = lib.add_purchase({"title": "加密"})
    _import_and_read(lib, tmp_path, {"locked.pdf": fp.encrypted_pdf()}, p.id)
    for language, sentence in (
        ("en", "password-protected: it is kept as it is; it cannot be read"),
        ("zh_CN", "已按原样保存，无法读取"),
    ):
        result = export_purchase(lib, p.id, tmp_path / language, language=language)
        manifest = json.loads((result.folder / MANIFEST).read_text(encoding="utf-8"))
        doc = manifest["captures"][0]["document"]
        assert doc["problem"] and doc["page_files"] == [] and doc["pages"] == 0
        assert sentence in visible_text((result.folder / "report.html").read_text(encoding="utf-8"))
        assert (result.folder / manifest["captures"][0]["file"]).read_bytes() == fp.encrypted_pdf()
        assert verify_evidence(result.folder).ok


def test_at_most_fifty_pages_a_document_are_drawn(lib: Any, tmp_path: Path) -> None:
    p = lib.add_purchase({"title": "长文件"})
    n = MAX_EXPORT_PAGES + 3
    _import_and_read(lib, tmp_path, {"long.pdf": fp.many_pages_pdf(n)}, p.id)
    result = export_purchase(lib, p.id, tmp_path / "out", language="en")
    manifest = json.loads((result.folder / MANIFEST).read_text(encoding="utf-8"))
    doc = manifest["captures"][0]["document"]
    assert doc["pages"] == n and len(doc["page_files"]) == MAX_EXPORT_PAGES
    assert len(list((result.folder / "pages").iterdir())) == MAX_EXPORT_PAGES
    text = visible_text((result.folder / "report.html").read_text(encoding="utf-8"))
    assert f"Pages {MAX_EXPORT_PAGES + 1}–{n} are in the original file" in text
    assert verify_evidence(result.folder).ok


def test_an_export_without_documents_is_still_version_1(lib: Any, tmp_path: Path, make_png: Any) -> None:
    p = lib.add_purchase({"title": "图片"})
    lib.add_capture(make_png(1), source="region", purchase_id=p.id)
    result = export_purchase(lib, p.id, tmp_path / "out")
    manifest = json.loads((result.folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["format_version"] == 1 and "document" not in manifest["captures"][0]
    assert not (result.folder / "pages").exists() and verify_evidence(result.folder).ok


def test_a_manifest_claiming_a_page_the_document_lacks_is_refused(
    docs_export: dict[str, Any], tmp_path: Path
) -> None:
    """Consistency beyond the hashes: rewrite the manifest (and SHA256SUMS to match) so a
    page belongs to another document's numbering, or an attachment to another capture."""
    import shutil

    from storage.evidence_format import format_sums

    copy = tmp_path / docs_export["result"].folder.name
    shutil.copytree(docs_export["result"].folder, copy)
    manifest = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    by_name = _by_name(manifest)
    by_name["购买记录.pdf"]["document"]["page_files"][2]["page"] = 9
    email = by_name["发票邮件.eml"]["document"]["email"]
    filed = next(a for a in email["attachments"] if a["seq"] is not None)
    filed["seq"] = by_name["购买记录.pdf"]["seq"]
    (copy / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    sums, _ = parse_sums((copy / SUMS).read_text(encoding="utf-8"))
    sums[MANIFEST] = hashlib.sha256((copy / MANIFEST).read_bytes()).hexdigest()
    (copy / SUMS).write_text(format_sums(list(sums.items())), encoding="utf-8")
    problems = _problems(copy)
    assert any("lists page 9" in p for p in problems), problems
    assert any(filed["name"] in p and "does not hold that file" in p for p in problems), problems


def test_the_chinese_report_of_documents(docs_export: dict[str, Any], tmp_path: Path) -> None:
    lib, p = docs_export["lib"], docs_export["purchase"]
    result = export_purchase(lib, p.id, tmp_path / "zh", language="zh_CN")
    text = visible_text((result.folder / "report.html").read_text(encoding="utf-8"))
    for words in (
        "发票号码",
        "价税合计",
        "销售方纳税人识别号",
        "电子邮件",
        "附件",
        "第 2 页（共 3 页）",
        "128.00 元（人民币）",
    ):
        assert words in text, words
    assert verify_evidence(result.folder).ok


def test_report_of_a_document_manifest_without_a_library() -> None:
    """build_report_html reads only the manifest: an e-mail entry as another tool may write it."""
    manifest = {
        "exported_at": "2026-12-02T09:00:00.000000Z",
        "export_utc_offset_min": 480,
        "app": {"name": "Proofshot", "version": "0.2.0"},
        "purchase": {"id": 1, "title": "T", "amount": None, "currency": "CNY", "status": "open"},
        "merchant": None,
        "captures": [
            {
                "seq": 1, "capture_id": 3, "file": "captures/0001_x.eml", "sha256": "0" * 64, "bytes": 900,
                "media_type": "message/rfc822", "width": 0, "height": 0, "captured_at": "2026-12-02T06:03:00Z",
                "utc_offset_min": 480, "source": "import", "source_name": "a.eml", "note": None,
                "ocr": {"status": "done", "text_file": "captures/0001_x.txt"},
                "document": {
                    "kind": "email", "pages": 0, "page_files": [], "facts": None, "problem": None,
                    "parent_seq": None,
                    "email": {
                        "from": "<shop@x.cn>", "to": "me@x.cn", "subject": "<i>hi</i>", "remote_content": 2,
                        "attachments": [{"name": "<x>.zip", "media_type": "application/zip", "bytes": 10,
                                         "sha256": None, "filed": False, "seq": None}],
                    },
                },
            }
        ],
        "custody": {"events": 0},
    }  # fmt: skip
    html = build_report_html(manifest, "en", ocr_texts={1: "Subject: <i>hi</i>\n\nbody"}, events=[])
    assert "<i>" not in html and "&lt;i&gt;hi&lt;/i&gt;" in html and "&lt;x&gt;.zip" in html
    text = visible_text(html)
    assert "2 remote images or styles of the e-mail were left out" in text
    assert "E-mail (.eml file)" in text and "Text of the e-mail" in text


def test_command_line_import_export_and_verify_of_an_email(cli: Any, tmp_path: Path) -> None:
    """The whole path a user takes: `import` an e-mail with its invoices, `export --zip`,
    `verify` the folder and the zip; a changed page is named with exit 1."""
    eml = tmp_path / "发票邮件.eml"
    eml.write_bytes(fd.eml_with_invoice_pdf())
    p = cli.json("purchases", "add", "--title", "健身月卡")
    assert isinstance(p, dict)
    cli.run("import", str(eml), "--purchase", str(p["id"]))
    doc = cli.json("export", str(p["id"]), "--out", str(tmp_path / "out"), "--zip", "--no-pdf")
    assert isinstance(doc, dict) and doc["verified"] and doc["captures"] == 4  # the e-mail, PDF, OFD, XML
    folder = Path(doc["folder"])
    assert cli.run("verify", str(folder)).returncode == 0 and cli.run("verify", doc["zip"]).returncode == 0
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    page = next(pf["file"] for c in manifest["captures"] for pf in c["document"]["page_files"])
    (folder / page).write_bytes(b"not the page")
    proc = cli.run("verify", str(folder), check=False)
    assert proc.returncode == 1 and page in proc.stdout
