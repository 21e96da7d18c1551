"""The evidence report read as a stranger reads it: one name per capture, no raw codes or
internal ids, times labelled for what they are, dates in the report's language."""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from storage.evidence_format import MANIFEST, manifest_schema
from storage.export import export_purchase
from storage.records import PLATFORMS
from storage.report import build_report_html, format_date, format_local, format_utc, platform_name
from storage.verify import verify_evidence

IMPORT_NAME = "订单截图.png"
FILE_MTIME = "2026-11-30T23:15:42.000000Z"  # 1 Dec 2026, 07:15:42 at UTC+08:00


class _Text(HTMLParser):
    """The text a reader sees: no head, no style, no attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("head", "style", "title"):
            self._skip += 1
        elif tag in ("br", "p", "tr", "td", "th", "h1", "h2", "h3", "div"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("head", "style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    p = _Text()
    p.feed(html)
    return "".join(p.parts)


def _rows(html: str, table_class: str) -> list[list[str]]:
    """The cells (visible text) of every row of the first table with this class."""
    start = html.index(f'<table class="{table_class}"')
    body = html[start : html.index("</table>", start)]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        rows.append([visible_text(c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)])
    return rows


@pytest.fixture
def story(lib, make_png):
    """A purchase on Xianyu with a screenshot, an imported file (its own time known), a
    pasted image without it, one screenshot moved to another purchase and one deleted for
    good; another purchase's events fall between them in the library's log."""
    p = lib.add_purchase(
        {"title": "二手相机", "order_no": "2026102788123456", "amount": "1280", "ordered_at": "2026-12-02"},
        merchant={"display_name": "老王数码", "platform": "xianyu", "phone": "13800138000"},
    )
    other = lib.add_purchase({"title": "别的东西"}, merchant={"display_name": "B 店", "platform": "wechat"})
    shot = lib.add_capture(
        make_png(1),
        source="region",
        purchase_id=p.id,
        captured_at="2026-12-02T06:03:00.000000Z",
        utc_offset_min=480,
        note="卖家承诺七天无理由退货",
    )
    lib.add_capture(make_png(2), source="region", purchase_id=other.id)
    imported = lib.add_capture(
        make_png(3),
        source="import",
        purchase_id=p.id,
        source_name=IMPORT_NAME,
        name=IMPORT_NAME,
        captured_at="2026-12-03T01:00:00.000000Z",
        utc_offset_min=480,
        file_modified_at=FILE_MTIME,
    )
    moved = lib.add_capture(
        make_png(4),
        source="region",
        purchase_id=p.id,
        captured_at="2026-12-03T02:00:00.000000Z",
        utc_offset_min=480,
    )
    lib.move_captures([moved.id], other.id)
    gone = lib.add_capture(make_png(5), source="clipboard", purchase_id=p.id)
    lib.trash([gone.id])
    lib.empty_trash()
    pasted = lib.add_capture(
        make_png(6),
        source="import",
        purchase_id=p.id,
        source_name="old.png",
        captured_at="2026-12-04T01:00:00.000000Z",
        utc_offset_min=480,
    )
    return {"purchase": p, "shot": shot, "imported": imported, "moved": moved, "gone": gone, "old": pasted}


def _export(lib, story, tmp_path: Path, language: str, render_pdf=None):
    result = export_purchase(
        lib, story["purchase"].id, tmp_path / f"out-{language}", language=language, render_pdf=render_pdf
    )
    html = (result.folder / "report.html").read_text(encoding="utf-8")
    manifest = json.loads((result.folder / MANIFEST).read_text(encoding="utf-8"))
    return result, html, manifest


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_custody_appendix_names_every_capture_one_way(lib, story, tmp_path, language):
    result, html, manifest = _export(lib, story, tmp_path, language)
    assert verify_evidence(result.folder).ok
    word = "Capture" if language == "en" else "截图"
    gone_label = "a capture no longer in this purchase" if language == "en" else "已不在本购买中的截图"
    seq_of = {c["capture_id"]: c["seq"] for c in manifest["captures"]}
    events = [json.loads(line) for line in (result.folder / "custody.jsonl").read_text("utf-8").splitlines()]
    rows = _rows(html, "log")[1:]
    assert len(rows) == len(events)
    # The capture filed last never takes the number of the one deleted for good before
    # it (older libraries did that; the report still tells their events apart).
    assert story["old"].id != story["gone"].id
    purged: set[int] = set()
    left_labels: dict[tuple[int, bool], str] = {}
    for ev, row in zip(events, rows, strict=True):
        cell = row[3]
        cid = ev["capture_id"]
        if cid is None:
            assert cell in ("", "—")
        elif cid in seq_of and (cid != story["gone"].id or cid in purged):
            assert cell == f"{word} {seq_of[cid]}"
        else:
            assert cell.startswith(gone_label), cell
            assert not re.search(r"\d", cell)  # never a number that looks like an exported capture
            assert left_labels.setdefault((cid, cid in purged), cell) == cell
        if ev["kind"] == "purged":
            purged.add(cid)
    assert set(left_labels) == {(story["moved"].id, False), (story["gone"].id, False)}
    assert len(set(left_labels.values())) == 2  # the two captures that left are told apart
    text = visible_text(html)
    assert not re.search(r"\bid \d", text) and "#" not in text
    # each capture's heading uses the same name, matching its file's number
    for c in manifest["captures"]:
        assert f"{word} {c['seq']}" in text
        assert Path(c["file"]).name.startswith(f"{c['seq']:04d}_")
    # the gaps in the log numbers and the captures that left are explained
    ids = [ev["id"] for ev in events]
    assert ids != list(range(ids[0], ids[0] + len(ids)))  # the fixture has gaps
    if language == "en":
        assert "events of other purchases" in text and "still verifies" in text
        assert "moved to another purchase" in text
    else:
        assert "其他购买的事件" in text and "仍可校验" in text
        assert "移到其他购买" in text


def test_events_say_what_happened_from_this_purchase_point_of_view(lib, story, tmp_path):
    result, html, _ = _export(lib, story, tmp_path, "en")
    kinds = [r[2] for r in _rows(html, "log")[1:]]
    assert "moved to another purchase" in kinds
    assert "filed under a purchase" not in kinds
    events = [json.loads(line) for line in (result.folder / "custody.jsonl").read_text("utf-8").splitlines()]
    pasted = next(i for i, ev in enumerate(events) if ev["capture_id"] == story["gone"].id)
    assert kinds[pasted] == "pasted from the clipboard"  # not "captured": nobody took a screenshot


@pytest.mark.parametrize("code", PLATFORMS)
@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_platforms_are_words(code, language):
    name = platform_name(code, language)
    assert name and (name != code or code in ("qq", "other"))
    if language == "zh_CN":
        assert not re.search(r"[a-z]", name), name  # no English inside the Chinese report


def test_platform_in_the_report_is_a_word(lib, story, tmp_path):
    _, zh, _ = _export(lib, story, tmp_path, "zh_CN")
    _, en, _ = _export(lib, story, tmp_path, "en")
    assert "闲鱼" in visible_text(zh) and "xianyu" not in visible_text(zh)
    assert "Xianyu" in visible_text(en) and "xianyu" not in visible_text(en)


def test_imported_files_show_import_time_and_their_own_time(lib, story, tmp_path):
    result, html, manifest = _export(lib, story, tmp_path, "zh_CN")
    by_id = {c["capture_id"]: c for c in manifest["captures"]}
    jsonschema.validate(manifest, manifest_schema())
    assert by_id[story["imported"].id]["file_modified_at"] == FILE_MTIME
    assert by_id[story["old"].id]["file_modified_at"] is None
    assert by_id[story["shot"].id]["file_modified_at"] is None
    assert verify_evidence(result.folder).ok

    def section(cid: int) -> dict[str, str]:
        seq = by_id[cid]["seq"]
        start = html.index(f'id="capture-{seq}"')
        end = html.find('id="capture-', start + 10)
        return {r[0]: r[1] for r in _rows(html[start : end if end > 0 else None], "kv")}

    imp = section(story["imported"].id)
    assert imp["导入时间（当地）"] == "2026年12月3日 09:00:00（UTC+08:00）"
    assert "截取时间（当地）" not in imp
    assert imp["文件自身的修改时间"].startswith("2026年12月1日 07:15:42（UTC+08:00）")
    assert IMPORT_NAME in imp["来源"]
    assert section(story["old"].id)["文件自身的修改时间"] == "未记录"
    shot = section(story["shot"].id)
    assert shot["截取时间（当地）"] == "2026年12月2日 14:03:00（UTC+08:00）"
    assert "文件自身的修改时间" not in shot

    _, en, _ = _export(lib, story, tmp_path, "en")
    assert "Imported at (local time)" in en and "File last modified" in en


def test_add_capture_refuses_a_file_time_that_is_not_a_time(lib, make_png):
    from storage.errors import InvalidInput

    with pytest.raises(InvalidInput):
        lib.add_capture(make_png(9), source="import", file_modified_at="yesterday")
    rec = lib.add_capture(make_png(9), source="import", file_modified_at="2026-11-30T23:15:42Z")
    data = lib.events(capture_id=rec.id)[0].data
    assert data["file_modified_at"] == FILE_MTIME


@pytest.mark.parametrize(
    ("language", "local", "utc", "date"),
    [
        ("zh_CN", "2026年12月2日 14:03（UTC+08:00）", "2026年12月2日 06:03（UTC）", "2026年12月2日"),
        ("en", "2 Dec 2026, 14:03 (UTC+08:00)", "2 Dec 2026, 06:03 (UTC)", "2 Dec 2026"),
    ],
)
def test_dates_follow_the_report_language(language, local, utc, date):
    assert format_local("2026-12-02T06:03:00.000000Z", 480, language) == local
    assert format_utc("2026-12-02T06:03:00.000000Z", language) == utc
    assert format_date("2026-12-02", language) == date
    neg = format_local("2026-12-02T06:03:00.000000Z", -150, language)
    assert "03:33" in neg and "UTC-02:30" in neg


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_no_iso_or_c_locale_dates_anywhere_in_the_report(lib, story, tmp_path, language, monkeypatch):
    import locale

    monkeypatch.setattr(locale, "getlocale", lambda *a: ("C", None))
    _, html, manifest = _export(lib, story, tmp_path, language)
    text = visible_text(html)
    files = [c["file"] for c in manifest["captures"]]
    for f in files:
        text = text.replace(f, "")
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), re.findall(r".{20}\d{4}-\d{2}-\d{2}.{20}", text)
    assert not re.search(r"\b\d{1,2} \d{1,2} \d{4}\b", text)
    footer = re.search(r'name="proofshot-footer" content="([^"]*)"', html)
    assert footer is not None and not re.search(r"\d{4}-\d{2}-\d{2}", footer.group(1))
    if language == "zh_CN":
        assert "2026年12月2日" in text and "下单日期" in text
        assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", footer.group(1))
    else:
        assert "2 Dec 2026" in text


_ALLOWED_LATIN = {
    # names of the folder's files and of the tools, and technical units a reader can look up
    "Proofshot", "SHA", "UTC", "OCR", "PNG", "README", "txt", "manifest", "json", "custody", "jsonl",
    "SHA256SUMS", "sha256sum", "c", "main", "py", "verify", "captures", "report", "html", "pdf",
    "ID",  # 账号 / 店铺 ID, as Chinese shops write it
    "A", "B",  # the letters that tell apart captures no longer in this purchase
}  # fmt: skip


def test_the_chinese_report_has_no_english_words_or_codes(lib, story, tmp_path):
    _, html, manifest = _export(lib, story, tmp_path, "zh_CN")
    text = visible_text(html)
    for c in manifest["captures"]:
        text = text.replace(c["file"], "").replace(c["sha256"], "")
    for value in (manifest["purchase"]["order_no"], "13800138000", IMPORT_NAME, "old.png"):
        text = text.replace(value, "")
    text = re.sub(r"\b[0-9a-f]{16}\b", "", text)  # event hashes
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9]*", text))
    assert words <= _ALLOWED_LATIN, sorted(words - _ALLOWED_LATIN)
    assert "CNY" not in text and "image/png" not in text and "import" not in text


def test_the_english_report_has_no_codes(lib, story, tmp_path):
    _, html, _ = _export(lib, story, tmp_path, "en")
    text = visible_text(html)
    lines = {line.strip() for line in text.splitlines()}
    for code in ("image/png", "xianyu", "ocr_done"):
        assert code not in text, code
    for code in ("clipboard", "region", "import", "moved", "CNY"):
        assert code not in lines, code


def test_report_of_an_older_manifest_still_builds():
    """A manifest written before file_modified_at existed (format 1 as first published)."""
    manifest = {
        "exported_at": "2026-12-02T09:00:00.000000Z",
        "export_utc_offset_min": 480,
        "app": {"name": "Proofshot", "version": "0.1.0"},
        "folder_name": "Proofshot_1_x_20261202",
        "purchase": {"id": 1, "title": "T", "amount": None, "currency": "CNY", "status": "open"},
        "merchant": {"id": 1, "display_name": "M", "platform": "someday-new"},
        "captures": [
            {
                "seq": 1, "capture_id": 7, "file": "captures/0001_x.png", "sha256": "0" * 64, "bytes": 10,
                "media_type": "image/png", "width": 10, "height": 10, "captured_at": "2026-12-02T06:03:00Z",
                "utc_offset_min": 480, "source": "import", "note": None, "ocr": {"status": "pending"},
            }
        ],
        "custody": {"events": 0},
    }  # fmt: skip
    html = build_report_html(manifest, "zh_CN", events=[])
    text = visible_text(html)
    assert "someday-new" in text  # an unknown platform is shown as recorded
    assert "文件自身的修改时间" in text and "未记录" in text


def test_pdf_reads_the_same(lib, story, tmp_path):
    from gui.report_pdf import render_report_pdf

    result, _, manifest = _export(lib, story, tmp_path, "zh_CN", render_pdf=render_report_pdf)
    text = subprocess.run(
        ["pdftotext", str(result.folder / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    assert "闲鱼" in text and "xianyu" not in text
    assert "2026年12月2日14:03（UTC+08:00）" in flat
    assert "导入时间" in text and "截图2" in flat and "已不在本购买中的截图" in flat
    assert not re.search(r"\bid \d", text) and not re.search(r"\d{4}-\d{2}-\d{2}", text)
    info = subprocess.run(
        ["pdfinfo", str(result.folder / "report.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"^Title:\s+网购证据材料 — 二手相机$", info, re.M), (
        info
    )  # what a viewer's title bar shows
    assert verify_evidence(result.folder).ok
