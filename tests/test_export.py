"""Evidence folder export and verification (ARCHITECTURE.md §7, docs/evidence-format.md)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import jsonschema
import pytest
from PIL import Image

from storage.evidence_format import MANIFEST, is_partial_name, manifest_schema, safe_name
from storage.export import ExportError, export_purchase
from storage.records import OcrData
from storage.verify import verify_evidence, verify_path

from .conftest import EVALSET, ROOT

MERCHANT = "老王/数码..店😀"
ORDER_NO = "2026102788123456"


def _ocr_text(image_id: str) -> str:
    return str(json.loads((EVALSET / f"{image_id}.json").read_text(encoding="utf-8"))["text"])


@pytest.fixture(scope="module")
def originals() -> dict[str, bytes]:
    """A dark-theme chat, an order page (real dev-set screenshots) and an imported JPEG."""
    buf = io.BytesIO()
    Image.open(EVALSET / "0002.png").convert("RGB").save(buf, "JPEG", quality=90)
    return {
        "0047": (EVALSET / "0047.png").read_bytes(),  # dark WeChat chat
        "0026": (EVALSET / "0026.png").read_bytes(),  # order page
        "0002": buf.getvalue(),
    }


@pytest.fixture
def purchase(lib, originals):
    p = lib.add_purchase(
        {"title": "二手相机", "order_no": ORDER_NO, "amount": "1280", "ordered_at": "2026-10-27"},
        merchant={"display_name": MERCHANT, "platform": "xianyu", "phone": "13800138000"},
    )
    times = {"0047": "2026-10-28T06:39:00.000000Z", "0026": "2026-10-27T02:10:05.000000Z"}
    times["0002"] = "2026-10-29T11:00:00.000000Z"
    for image_id, data in originals.items():
        c = lib.add_capture(
            data,
            source="import" if image_id == "0002" else "region",
            purchase_id=p.id,
            captured_at=times[image_id],
            utc_offset_min=480,
            note="卖家承诺七天无理由退货" if image_id == "0047" else None,
        )
        lib.set_ocr_result(c.id, OcrData(_ocr_text(image_id), "tesseract", "5", "chi_sim+eng", 90.0))
    return p


@pytest.fixture(scope="module")
def pdf_renderer():
    from gui.report_pdf import render_report_pdf

    return render_report_pdf


@pytest.fixture
def exported(lib, purchase, tmp_path, pdf_renderer):
    result = export_purchase(
        lib, purchase.id, tmp_path / "out", language="zh_CN", render_pdf=pdf_renderer, make_zip=True
    )
    return result


def _problems(path: Path) -> list[str]:
    return [str(p) for p in verify_evidence(path).problems]


# ---------------------------------------------------------------------- the good export


def test_export_is_complete_and_checks_itself(lib, purchase, exported, originals):
    folder = exported.folder
    assert MERCHANT not in folder.name and "/" not in folder.name and ".." not in folder.name
    assert "老王" in folder.name and folder.name.startswith(f"Proofshot_{purchase.id}_")
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    for required in (
        "README.txt",
        "manifest.json",
        "custody.jsonl",
        "SHA256SUMS",
        "report.html",
        "report.pdf",
    ):
        assert required in names

    # sha256sum -c passes in the folder
    proc = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    # every capture is byte-identical to the original, with its real extension, in time order
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    jsonschema.validate(manifest, manifest_schema())
    assert manifest["merchant"]["display_name"] == MERCHANT  # the real name is kept
    by_sha = {lib.get_capture(c["capture_id"]).sha256: c for c in manifest["captures"]}
    for data in originals.values():
        import hashlib

        entry = by_sha[hashlib.sha256(data).hexdigest()]
        assert (folder / entry["file"]).read_bytes() == data
        assert (folder / entry["ocr"]["text_file"]).is_file()
    files = [c["file"] for c in manifest["captures"]]
    assert [f.rsplit(".", 1)[1] for f in files] == ["png", "png", "jpg"]
    assert files == sorted(files) and files[0].startswith("captures/0001_20261027T021005Z_")

    # the PDF has real text: the merchant's Chinese name, the order number, every SHA-256
    text = subprocess.run(
        ["pdftotext", str(folder / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "老王/数码..店" in text and ORDER_NO in text
    for c in manifest["captures"]:
        assert c["sha256"] in text
    assert "⽼" not in text  # a Kangxi radical instead of 老 would break copy and search

    assert verify_evidence(folder).ok
    assert exported.zip_path is not None and verify_evidence(exported.zip_path).ok
    last = lib.events(purchase_id=purchase.id)[-1]
    assert last.kind == "exported" and last.data["manifest_sha256"] == exported.manifest_sha256
    assert lib.verify_custody() == []


def test_readme_reads_plainly(lib, purchase, exported):
    """README.txt is the first thing a recipient opens: no raw codes, ids or ISO stamps."""
    import re

    readme = (exported.folder / "README.txt").read_text(encoding="utf-8")
    assert "闲鱼" in readme and "Xianyu" in readme and "xianyu" not in readme
    assert f"#{purchase.id}" not in readme
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", readme)
    assert re.search(r"导出时间.*\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（UTC[+-]\d{2}:\d{2}）", readme)
    assert re.search(r"Exported.*\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} \(UTC[+-]\d{2}:\d{2}\)", readme)
    assert "taken or imported" in readme and "截取或导入" in readme


def test_zip_is_deterministic(lib, purchase, exported, tmp_path):
    from storage.export import write_zip

    manifest = json.loads((exported.folder / MANIFEST).read_text(encoding="utf-8"))
    again = write_zip(exported.folder, tmp_path / "again.zip", manifest["exported_at"])
    assert again.read_bytes() == exported.zip_path.read_bytes()
    with zipfile.ZipFile(again) as zf:
        names = zf.namelist()
    assert names == sorted(names) and all(n.startswith(exported.folder.name + "/") for n in names)


def test_exporting_twice_never_overwrites(lib, purchase, exported, tmp_path):
    second = export_purchase(lib, purchase.id, tmp_path / "out")
    assert second.folder != exported.folder and second.folder.name == exported.folder.name + "_2"
    assert verify_evidence(exported.folder).ok and verify_evidence(second.folder).ok


# ---------------------------------------------------------------------- tampering


@pytest.mark.parametrize("what", ["capture_byte", "delete", "manifest", "custody_line", "stray"])
def test_tampering_is_detected_and_named(exported, what):
    folder = exported.folder
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    capture = manifest["captures"][1]["file"]
    if what == "capture_byte":
        data = bytearray((folder / capture).read_bytes())
        data[len(data) // 2] ^= 0x01
        os.chmod(folder / capture, 0o644)
        (folder / capture).write_bytes(bytes(data))
        expect = capture
    elif what == "delete":
        (folder / capture).unlink()
        expect = capture
    elif what == "manifest":
        manifest["purchase"]["order_no"] = "9999"
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        expect = MANIFEST
    elif what == "custody_line":
        lines = (folder / "custody.jsonl").read_text(encoding="utf-8").splitlines()
        lines[1] = lines[1].replace('"kind":"', '"kind":"x', 1)
        (folder / "custody.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        expect = "custody.jsonl"
    else:
        (folder / "captures" / "extra.png").write_bytes(b"not evidence")
        expect = "captures/extra.png"
    problems = _problems(folder)
    assert problems and any(p.startswith(expect) for p in problems), problems


def test_custody_line_removed_or_reordered_is_detected(exported):
    path = exported.folder / "custody.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], *lines[2:]]) + "\n", encoding="utf-8")
    assert any("custody.jsonl line 2" in p for p in _problems(exported.folder))
    path.write_text("\n".join([lines[1], lines[0], *lines[2:]]) + "\n", encoding="utf-8")
    assert any("custody.jsonl line 1" in p for p in _problems(exported.folder))


def test_cli_verify_names_the_problem_and_exits_1(exported, cli):
    (exported.folder / "report.html").write_text("changed", encoding="utf-8")
    proc = cli.run("verify", str(exported.folder), check=False)
    assert proc.returncode == 1
    assert "report.html" in proc.stdout
    assert cli.run("verify", str(exported.zip_path)).returncode == 0


# ---------------------------------------------------------------------- bad input, names, crashes


def test_bad_input_leaves_nothing(lib, purchase, tmp_path):
    from storage.errors import NotFound

    out = tmp_path / "out"
    with pytest.raises(NotFound):
        export_purchase(lib, 999, out)
    assert not out.exists()
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="is a file"):
        export_purchase(lib, purchase.id, tmp_path / "file")
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o500)
    if os.geteuid() != 0:
        with pytest.raises(ExportError, match="cannot write"):
            export_purchase(lib, purchase.id, ro)
        assert list(ro.iterdir()) == []

    def broken_renderer(html, images, out_path):
        raise ExportError("the PDF could not be drawn")

    with pytest.raises(ExportError, match="PDF"):
        export_purchase(lib, purchase.id, out, render_pdf=broken_renderer)
    assert not out.exists()  # it was created for this export, so it goes too
    ro.chmod(0o700)
    with pytest.raises(ExportError, match="PDF"):
        export_purchase(lib, purchase.id, ro, render_pdf=broken_renderer)
    assert list(ro.iterdir()) == []


def test_purchase_without_captures_exports(lib, tmp_path):
    p = lib.add_purchase({"title": "空的 empty"})
    result = export_purchase(lib, p.id, tmp_path / "out", language="en")
    assert result.captures == 0 and verify_evidence(result.folder).ok
    assert "has no captures" in (result.folder / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("老王/数码..店😀", "老王_数码.店"),
        ("CON", "_CON"),
        ("aux.txt", "_aux.txt"),
        ("name. ", "name"),
        ("a\x00b\nc\\d:e", "a_b_c_d_e"),
        ("../..", "unnamed"),
        ("商" * 40, "商" * 20),
    ],
)
def test_safe_name(raw, expected):
    assert safe_name(raw) == expected


def test_killed_export_leaves_no_complete_looking_folder(lib, purchase, tmp_path):
    """A renderer that hangs stands for a long export; the process is killed part-way."""
    out = tmp_path / "out"
    script = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
from storage.library import Library
from storage.export import export_purchase
def slow(html, images, path):
    print("rendering", flush=True)
    time.sleep(60)
lib = Library.open({str(lib.root)!r})
export_purchase(lib, {purchase.id}, __import__("pathlib").Path({str(out)!r}), render_pdf=slow)
"""
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "rendering"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    entries = list(out.iterdir())
    assert entries and all(is_partial_name(e.name) for e in entries)
    reports = verify_path(out)
    assert not reports[0].ok and any("unfinished export" in n for n in reports[0].notes)
    assert not verify_evidence(entries[0]).ok
    # the next export removes the stale partial folder and succeeds
    result = export_purchase(lib, purchase.id, out)
    assert [e.name for e in out.iterdir()] == [result.folder.name]


def test_cli_export_and_verify(cli, tmp_path, make_png):
    png = tmp_path / "a.png"
    png.write_bytes(make_png(3))
    p = cli.json("purchases", "add", "--title", "T", "--merchant", MERCHANT)
    cli.run("import", str(png), "--purchase", str(p["id"]), "--no-ocr")
    started = time.perf_counter()
    doc = cli.json("export", str(p["id"]), "--out", str(tmp_path / "out"), "--zip", "--language", "en")
    assert time.perf_counter() - started < 60
    assert doc["verified"] and Path(doc["folder"]).is_dir() and Path(doc["zip"]).is_file()
    assert cli.run("verify", doc["folder"]).returncode == 0
    bad = cli.run("export", "999", "--out", str(tmp_path / "out2"), check=False)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and not (tmp_path / "out2").exists()
