"""The evidence report as HTML, in English or Chinese, built from an export's manifest.

The same HTML is written as `report.html` and handed to the PDF renderer (Qt's rich
text engine in gui/report_pdf.py), so it keeps to the HTML and CSS subset Qt renders:
tables, inline styles, `page-break-before`, images with explicit sizes. Storage cannot
use Qt's translator, so the report's texts are a table here in both languages.
"""

from __future__ import annotations

import html
import locale
import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

LANGUAGES = ("en", "zh_CN")

#: Largest size (CSS pixels) of a capture in the report, so a page never has to cut it.
IMAGE_BOX = (620, 700)

_T: dict[str, tuple[str, str]] = {
    "doc_title": ("Evidence of an online purchase", "网购证据材料"),
    "subtitle": (
        "Screenshots kept by Proofshot, with their SHA-256 and the time each was taken",
        "由 Proofshot 保存的截图，附每张截图的 SHA-256 值和截取时间",
    ),
    "purchase": ("Purchase", "购买信息"),
    "what": ("What was bought", "购买物品"),
    "ordered_at": ("Ordered on", "下单日期"),
    "order_no": ("Order number", "订单号"),
    "amount": ("Amount", "金额"),
    "status": ("Status", "状态"),
    "notes": ("Notes", "备注"),
    "merchant": ("Merchant (seller)", "商家（卖家）"),
    "display_name": ("Name", "名称"),
    "platform": ("Platform", "平台"),
    "account_id": ("Account / shop ID", "账号 / 店铺 ID"),
    "phone": ("Phone", "电话"),
    "real_name": ("Real name", "真实姓名"),
    "company": ("Registered company", "注册公司名称"),
    "credit_code": ("Unified social credit code", "统一社会信用代码"),
    "shop_url": ("Shop URL", "店铺网址"),
    "address": ("Address", "地址"),
    "no_merchant": ("No merchant was recorded for this purchase.", "此购买未记录商家信息。"),
    "not_recorded": ("not recorded", "未记录"),
    "export": ("This export", "本次导出"),
    "exported_at": ("Exported at", "导出时间"),
    "app": ("Made with", "生成软件"),
    "captures_count": ("Captures", "截图数量"),
    "custody_count": ("Custody events", "保管记录条数"),
    "proves_title": ("What this folder proves, and what it does not", "本材料能证明什么，不能证明什么"),
    "proves": (
        "Each image in the folder captures/ is byte-for-byte the file Proofshot stored when the "
        "screenshot was taken or imported; its SHA-256 is listed here, in manifest.json and in "
        "SHA256SUMS, so any later change to a file can be detected. The times are those recorded "
        "by this app on the user's own computer, and custody.jsonl lists everything the app did with "
        "these captures, each entry linked by hashes to the one before it.",
        "captures/ 文件夹中的每张图片都与 Proofshot 截取或导入时保存的文件逐字节相同；其 SHA-256 值列于本报告、"
        "manifest.json 和 SHA256SUMS 中，事后对任何文件的改动都能被发现。时间为本软件在用户本人电脑上记录的时间；"
        "custody.jsonl 列出了本软件对这些截图做过的每一项操作，每条记录都通过哈希值与前一条相连。",
    ),
    "not_proves": (
        "It is not a notarised record: the times come from the user's computer clock, and nothing "
        "here was witnessed or time-stamped by a third party. It does not prove that a screen showed "
        "what really happened, only what was on it. Keep the original phone, chat history and order "
        "records too; for court, ask a notary or a recognised electronic evidence service.",
        "本材料不是公证文书：时间来自用户电脑的时钟，未经第三方见证或加盖可信时间戳。它只能说明屏幕上显示过什么，"
        "不能单独证明事情的真实经过。请同时保留原手机、聊天记录和订单记录；如需诉讼，请咨询公证机构或正规电子数据存证服务。",
    ),
    "how_check": (
        "To check the folder: run `sha256sum -c SHA256SUMS` inside it, or `main.py verify FOLDER` "
        "with Proofshot. See README.txt.",
        "校验方法：在文件夹内运行 `sha256sum -c SHA256SUMS`，或使用 Proofshot 运行 `main.py verify 文件夹`。详见 README.txt。",
    ),
    "timeline": ("Timeline of captures", "截图时间线"),
    "timeline_intro": (
        "Every capture of this purchase, oldest first. Times are shown as local time with its "
        "offset from UTC, and in UTC.",
        "本购买的全部截图，按时间从早到晚排列。时间同时以当地时间（含与 UTC 的时差）和 UTC 时间显示。",
    ),
    "no_captures": (
        "This purchase has no captures. The folder records the purchase and its custody log only.",
        "此购买没有截图。本材料仅包含购买信息及其保管记录。",
    ),
    "capture_n": ("Capture {n} of {total}", "截图 {n} / {total}"),
    "taken_local": ("Captured (local time)", "截取时间（当地）"),
    "taken_utc": ("Captured (UTC)", "截取时间（UTC）"),
    "file": ("File", "文件"),
    "sha256": ("SHA-256", "SHA-256"),
    "image": ("Image", "图像"),
    "source": ("Source", "来源"),
    "note": ("Note", "备注"),
    "ocr_text": ("Text read from the image (OCR; may contain errors)", "图中识别出的文字（OCR，可能有误）"),
    "ocr_none": ("No text was read from this image.", "未从此图识别出文字。"),
    "ocr_status_pending": ("Text not read yet.", "文字尚未识别。"),
    "ocr_status_failed": ("Text recognition failed.", "文字识别失败。"),
    "ocr_status_unavailable": ("Text recognition was not available.", "文字识别不可用。"),
    "appendix": ("Appendix: custody log", "附录：保管记录"),
    "appendix_intro": (
        "The events the app recorded for this purchase and its captures, in order (full records "
        "with hashes in custody.jsonl).",
        "本软件为此购买及其截图记录的事件，按顺序排列（含哈希值的完整记录见 custody.jsonl）。",
    ),
    "ev_no": ("#", "序号"),
    "ev_at": ("Time (UTC)", "时间（UTC）"),
    "ev_kind": ("Event", "事件"),
    "ev_capture": ("Capture", "截图"),
    "ev_hash": ("Event hash (first 16)", "事件哈希（前 16 位）"),
    "no_events": ("No events.", "无记录。"),
    "page_footer": (
        "Proofshot evidence report · purchase #{id} · exported {date} · page {{page}} of {{pages}}",
        "Proofshot 证据报告 · 购买 #{id} · 导出于 {date} · 第 {{page}} / {{pages}} 页",
    ),
    "bytes": ("{n} bytes", "{n} 字节"),
    "src_region": ("screen region", "屏幕区域截图"),
    "src_fullscreen": ("full screen", "全屏截图"),
    "src_import": ("imported file", "导入的文件"),
    "src_clipboard": ("clipboard", "剪贴板"),
    "src_recovered": ("recovered after an interruption", "中断后恢复"),
    "st_open": ("open", "进行中"),
    "st_disputed": ("disputed", "有争议"),
    "st_resolved": ("resolved", "已解决"),
    "st_closed": ("closed", "已关闭"),
    "kind_captured": ("captured", "截取"),
    "kind_imported": ("imported", "导入"),
    "kind_ocr_done": ("text read", "文字识别完成"),
    "kind_ocr_redone": ("text read again", "重新识别文字"),
    "kind_moved": ("filed under a purchase", "归入购买"),
    "kind_note_edited": ("note changed", "修改备注"),
    "kind_recovered": ("recovered after an interruption", "中断后恢复"),
    "kind_purged": ("deleted for good", "永久删除"),
    "kind_ocr_failed": ("text recognition failed", "文字识别失败"),
    "kind_ocr_unavailable": ("text recognition unavailable", "文字识别不可用"),
    "kind_purchase_deleted": ("purchase deleted", "删除购买记录"),
    "kind_deleted": ("moved to the Trash", "移入回收站"),
    "kind_restored": ("restored", "恢复"),
    "kind_purchase_created": ("purchase recorded", "创建购买记录"),
    "kind_purchase_edited": ("purchase edited", "修改购买记录"),
    "kind_exported": ("exported", "导出"),
}


def resolve_language(ui_language: str | None, environ: Mapping[str, str] | None = None) -> str:
    """`en` or `zh_CN` for a settings value (`system` follows the system locale)."""
    if ui_language in LANGUAGES:
        return str(ui_language)
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var)
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    if environ is None:
        loc = locale.getlocale()[0] or ""
        if loc.lower().startswith("zh"):
            return "zh_CN"
    return "en"


def text(key: str, language: str, **fmt: Any) -> str:
    en, zh = _T[key]
    s = zh if language == "zh_CN" else en
    return s.format(**fmt) if fmt else s


def _t(key: str, language: str, prefix: str, value: str | None) -> str:
    if value is None:
        return ""
    return text(f"{prefix}{value}", language) if f"{prefix}{value}" in _T else value


def local_and_utc(iso_utc: str, offset_min: int) -> tuple[str, str]:
    """('2026-10-27 14:39:00 (UTC+08:00)', '2026-10-27 06:39:00 UTC')."""
    dt = datetime.strptime(iso_utc[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    local = dt.astimezone(timezone(timedelta(minutes=offset_min)))
    sign = "+" if offset_min >= 0 else "-"
    off = f"UTC{sign}{abs(offset_min) // 60:02d}:{abs(offset_min) % 60:02d}"
    return f"{local:%Y-%m-%d %H:%M:%S} ({off})", f"{dt:%Y-%m-%d %H:%M:%S} UTC"


def fit_image(width: int, height: int, box: tuple[int, int] = IMAGE_BOX) -> tuple[int, int]:
    scale = min(1.0, box[0] / max(width, 1), box[1] / max(height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _multiline(value: str) -> str:
    return "<br/>".join(_e(line) for line in value.splitlines()) or "&nbsp;"


_CSS = """
body { font-family: 'DejaVu Sans', 'Segoe UI', 'Helvetica Neue', Arial, 'Noto Sans CJK SC', 'Microsoft YaHei',
       'PingFang SC', sans-serif;
       font-size: 10pt; color: #1a1a1a; }
h1 { font-size: 20pt; font-weight: 600; margin: 0 0 4px 0; }
h2 { font-size: 13pt; font-weight: 600; margin: 18px 0 6px 0; color: #1a1a1a; }
h3 { font-size: 11.5pt; font-weight: 600; margin: 0 0 6px 0; }
p { margin: 4px 0 6px 0; }
.sub { color: #555555; font-size: 9.5pt; }
.rule { border-bottom: 1px solid #888888; }
table.kv { border-collapse: collapse; width: 100%; }
table.kv td { padding: 3px 6px; vertical-align: top; border-bottom: 1px solid #dddddd; }
table.kv td.k { color: #555555; width: 25%; }
table.log { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
table.log th { text-align: left; padding: 3px 4px; background-color: #eeeeee; font-weight: 600; }
table.log td { padding: 2px 4px; vertical-align: top; border-bottom: 1px solid #e4e4e4; }
.mono { font-family: 'DejaVu Sans Mono', 'Consolas', 'Menlo', monospace; font-size: 8pt; }
.box { background-color: #f4f4f4; padding: 6px; }
.ocr { font-size: 9pt; color: #333333; }
.statement { background-color: #f6f6f2; padding: 8px; }
.capture { page-break-before: always; }
img.shot { border: 1px solid #999999; }
@media screen { body { max-width: 760px; margin: 24px auto; } img.shot { max-width: 100%; height: auto; } }
"""


def _kv(rows: list[tuple[str, str]], mono: set[int] | None = None) -> str:
    mono = mono or set()
    out = ['<table class="kv" width="100%" cellspacing="0" cellpadding="3">']
    for i, (k, v) in enumerate(rows):
        cls = ' class="mono"' if i in mono else ""
        out.append(f'<tr><td class="k" width="25%">{_e(k)}</td><td{cls}>{v}</td></tr>')
    out.append("</table>")
    return "\n".join(out)


def build_report_html(
    manifest: dict[str, Any],
    language: str,
    *,
    ocr_texts: Mapping[int, str] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> str:
    """The whole report for an export's manifest (see storage/export.py), with each
    capture's OCR text by `seq` and the custody events as written to custody.jsonl."""
    lang = language if language in LANGUAGES else "en"

    def t(key: str, **fmt: Any) -> str:
        return text(key, lang, **fmt)

    p = manifest["purchase"]
    m = manifest.get("merchant")
    captures = manifest["captures"]
    missing = f'<span style="color:#888888">{_e(t("not_recorded"))}</span>'

    def val(v: Any) -> str:
        return _e(v) if v not in (None, "") else missing

    amount = f"{p['amount']} {p['currency']}" if p.get("amount") is not None else None
    parts: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh_CN" else "en"}"><head><meta charset="utf-8"/>',
        f"<title>{_e(t('doc_title'))} — {_e(p['title'])}</title>",
        f'<meta name="proofshot-footer" content="{_e(t("page_footer", id=p["id"], date=manifest["exported_at"][:10]))}"/>',
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{_e(t('doc_title'))}</h1>",
        f'<p class="sub">{_e(t("subtitle"))}</p>',
        '<hr class="rule"/>',
        f"<h2>{_e(t('purchase'))}</h2>",
        _kv(
            [
                (t("what"), val(p["title"])),
                (t("ordered_at"), val(p.get("ordered_at"))),
                (t("order_no"), val(p.get("order_no"))),
                (t("amount"), val(amount)),
                (t("status"), val(_t("status", lang, "st_", p.get("status")))),
                (t("notes"), _multiline(p["notes"]) if p.get("notes") else missing),
            ],
            mono={2},
        ),
        f"<h2>{_e(t('merchant'))}</h2>",
    ]
    if m:
        keys = ["display_name", "platform", "account_id", "phone", "real_name", "company", "credit_code"]
        keys += ["shop_url", "address"]
        rows = [(t(k), val(m.get(k))) for k in keys]
        if m.get("notes"):
            rows.append((t("notes"), _multiline(m["notes"])))
        parts.append(_kv(rows))
    else:
        parts.append(f"<p>{_e(t('no_merchant'))}</p>")
    app = manifest.get("app") or {}
    exp_local, exp_utc = local_and_utc(manifest["exported_at"], int(manifest.get("export_utc_offset_min", 0)))
    parts += [
        f"<h2>{_e(t('export'))}</h2>",
        _kv(
            [
                (t("exported_at"), f"{_e(exp_local)}<br/>{_e(exp_utc)}"),
                (t("app"), _e(f"{app.get('name', 'Proofshot')} {app.get('version', '')}".strip())),
                (t("captures_count"), _e(len(captures))),
                (t("custody_count"), _e(manifest["custody"]["events"])),
            ]
        ),
        f"<h2>{_e(t('proves_title'))}</h2>",
        f'<table class="statement" width="100%" cellpadding="8" cellspacing="0"><tr><td>'
        f"<p>{_e(t('proves'))}</p><p><b>{_e(t('not_proves'))}</b></p><p>{_e(t('how_check'))}</p>"
        "</td></tr></table>",
        f'<h2 class="capture">{_e(t("timeline"))}</h2>',
        f"<p>{_e(t('timeline_intro'))}</p>",
    ]
    if not captures:
        parts.append(f"<p><b>{_e(t('no_captures'))}</b></p>")
    total = len(captures)
    for i, c in enumerate(captures):
        local, utc = local_and_utc(c["captured_at"], c["utc_offset_min"])
        w, h = fit_image(c["width"], c["height"])
        ocr = c["ocr"]
        ocr_text = (ocr_texts or {}).get(c["seq"], "")
        if ocr_text.strip():
            ocr_html = f'<div class="ocr">{_multiline(ocr_text)}</div>'
        elif ocr["status"] == "done":
            ocr_html = f'<p class="ocr">{_e(t("ocr_none"))}</p>'
        else:
            ocr_html = f'<p class="ocr">{_e(t("ocr_status_" + ocr["status"]))}</p>'
        # The first capture follows the timeline heading on its page; each other one starts a page.
        cls = ' class="capture"' if i > 0 else ""
        parts += [
            f'<h3{cls} id="capture-{c["seq"]}">{_e(t("capture_n", n=c["seq"], total=total))}'
            f" &nbsp;·&nbsp; {_e(local)}</h3>",
            _kv(
                [
                    (t("taken_local"), _e(local)),
                    (t("taken_utc"), _e(utc)),
                    (t("sha256"), _e(c["sha256"])),
                    (t("file"), _e(c["file"])),
                    (
                        t("image"),
                        _e(f"{c['width']} × {c['height']}, {c['media_type']}, ")
                        + _e(t("bytes", n=f"{c['bytes']:,}")),
                    ),
                    (t("source"), _e(_t("source", lang, "src_", c.get("source")))),
                    (t("note"), _multiline(c["note"]) if c.get("note") else missing),
                ],
                mono={2, 3},
            ),
            f'<p align="center"><img class="shot" src="{_e(c["file"])}" width="{w}" height="{h}" '
            f'alt="{_e(c["file"])}"/></p>',
            f"<p><b>{_e(t('ocr_text'))}</b></p>",
            ocr_html,
        ]
    parts += [
        f'<h2 class="capture">{_e(t("appendix"))}</h2>',
        f"<p>{_e(t('appendix_intro'))}</p>",
    ]
    if events:
        seq_of = {c["capture_id"]: c["seq"] for c in captures}
        parts.append('<table class="log" width="100%" cellspacing="0" cellpadding="2">')
        parts.append(
            "<tr>"
            + "".join(f"<th>{_e(t(k))}</th>" for k in ("ev_no", "ev_at", "ev_kind", "ev_capture", "ev_hash"))
            + "</tr>"
        )
        for ev in events:
            cid = ev.get("capture_id")
            cap = "" if cid is None else (f"{seq_of[cid]}" if cid in seq_of else f"id {cid}")
            at = ev["at"][:19].replace("T", " ")
            parts.append(
                f"<tr><td>{_e(ev['id'])}</td><td>{_e(at)}</td>"
                f"<td>{_e(_t('kind', lang, 'kind_', ev['kind']))}</td><td>{_e(cap)}</td>"
                f'<td class="mono">{_e(ev["hash"][:16])}</td></tr>'
            )
        parts.append("</table>")
    else:
        parts.append(f"<p>{_e(t('no_events'))}</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
