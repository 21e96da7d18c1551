"""The evidence report as HTML, in English or Chinese, built from an export's manifest.

The same HTML is written as `report.html` and handed to the PDF renderer (Qt's rich
text engine in gui/report_pdf.py), so it keeps to the HTML and CSS subset Qt renders:
tables, inline styles, `page-break-before`, images with explicit sizes. Storage cannot
use Qt's translator, so the report's texts are a table here in both languages.

The report is read by strangers (a consumer association, the police), so everything it
shows is in words of the report's language: platforms, sources, image formats and
currencies by name, dates written the way the language writes them (never through the
C locale), and captures named one way only, by their number in this export ("Capture 2",
the file captures/0002_…); the library's own ids are never shown.
"""

from __future__ import annotations

import html
import locale
import os
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from .documents.invoice import FACT_FIELDS
from .records import MERCHANT_FIELDS
from .values import utc_offset_label
from .vocabulary import CaptureSource, OcrStatus

LANGUAGES = ("en", "zh_CN")

#: Largest size (CSS pixels) of a capture in the report, so a page never has to cut it.
IMAGE_BOX = (620, 700)

_T: dict[str, tuple[str, str]] = {
    "doc_title": ("Evidence of an online purchase", "网购证据材料"),
    "subtitle": (
        "Screenshots kept by Proofshot, with their SHA-256 and the time each was taken or imported",
        "由 Proofshot 保存的截图，附每张截图的 SHA-256 值和截取或导入时间",
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
    "not_recorded_fields": ("Not recorded", "未记录的信息"),
    "list_sep": (", ", "、"),
    "export": ("This export", "本次导出"),
    "exported_at": ("Exported at", "导出时间"),
    "folder": ("Folder name at export", "导出时的文件夹名称"),
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
        "Every capture of this purchase, oldest first. Capture 1 is the file captures/0001_…, "
        "Capture 2 the file captures/0002_…, and so on. Each time is shown as the computer's local "
        "time, with its offset from UTC, and in UTC.",
        "本购买的全部截图，按时间从早到晚排列。“截图 1”即文件 captures/0001_…，“截图 2”即文件 "
        "captures/0002_…，依此类推。每个时间都以电脑的当地时间（含与 UTC 的时差）和 UTC 时间显示。",
    ),
    "no_captures": (
        "This purchase has no captures. The folder records the purchase and its custody log only.",
        "此购买没有截图。本材料仅包含购买信息及其保管记录。",
    ),
    "capture_n": ("Capture {n}", "截图 {n}"),
    "capture_of": ("Capture {n} (of {total})", "截图 {n}（共 {total} 张）"),
    # What the recorded time of a capture is, by where the capture came from.
    "at_region": ("Captured at", "截取时间"),
    "at_fullscreen": ("Captured at", "截取时间"),
    "at_import": ("Imported at", "导入时间"),
    "at_clipboard": ("Pasted at", "粘贴时间"),
    "at_recovered": ("Recorded at", "记录时间"),
    "at_long": ("Captured at", "截取时间"),
    "local_suffix": (" (local time)", "（当地）"),
    "utc_suffix": (" (UTC)", "（UTC）"),
    "file_mtime": ("File last modified", "文件自身的修改时间"),
    "file_mtime_hint": (
        "as the file system gave it when the file was imported; any program can change it, so it is only a hint",
        "导入时从文件系统读取；任何程序都能修改这个时间，仅供参考",
    ),
    "file": ("File", "文件"),
    "sha256": ("SHA-256", "SHA-256"),
    "image": ("Image", "图像"),
    "image_desc": ("{w} × {h} pixels, {fmt}, {size} bytes", "{w} × {h} 像素，{fmt} 格式，{size} 字节"),
    "source": ("Source", "来源"),
    "origin_window": ("Window", "窗口"),
    "origin_app": ("Application", "应用程序"),
    "origin_screen": ("Screen and area", "屏幕与区域"),
    "origin_area": ("{w} × {h} at {x}, {y} (desktop coordinates)", "{w} × {h}，位于 {x}, {y}（桌面坐标）"),
    "origin_backend": ("Captured with", "截取方式"),
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
    "ev_no": ("Log no.", "日志序号"),
    "ev_at": ("Time (UTC)", "时间（UTC）"),
    "ev_kind": ("Event", "事件"),
    "ev_capture": ("Capture", "截图"),
    "ev_hash": ("Event hash (first 16)", "事件哈希（前 16 位）"),
    "ev_gone": ("a capture no longer in this purchase", "已不在本购买中的截图"),
    "ev_gone_n": ("a capture no longer in this purchase ({letter})", "已不在本购买中的截图（{letter}）"),
    "log_gaps": (
        "The log numbers skip the events of other purchases, which stay in the app's one custody log "
        "and are left out here; each event listed keeps the hashes that link it into that log, so the "
        "chain still verifies.",
        "日志序号不连续，是因为其他购买的事件仍保存在本软件统一的保管记录链中、未列入本材料；这里列出的每条事件"
        "都保留了将其链入完整记录的哈希值，记录链仍可校验。",
    ),
    "log_gone": (
        "“A capture no longer in this purchase” is a screenshot that was in this purchase at some "
        "point and was later moved to another purchase, to the Trash, or deleted for good. The "
        "custody log never drops an event, so what happened to it is listed here, but its image is "
        "not part of this export.",
        "“已不在本购买中的截图”是指曾经属于本购买、后来被移到其他购买、移入回收站或永久删除的截图。"
        "保管记录从不删除任何事件，所以它的经历仍列在这里，但其图片不在本材料中。",
    ),
    "no_events": ("No events.", "无记录。"),
    "page_footer": (
        "Proofshot evidence report · {title} · exported {date} · page {{page}} of {{pages}}",
        "Proofshot 证据报告 · {title} · 导出于 {date} · 第 {{page}} / {{pages}} 页",
    ),
    "src_region": ("screen region", "屏幕区域截图"),
    "src_fullscreen": ("full screen", "全屏截图"),
    "src_import": ("imported file", "导入的文件"),
    "src_import_named": ("imported file ({name})", "导入的文件（{name}）"),
    "src_clipboard": ("pasted from the clipboard", "从剪贴板粘贴"),
    "src_recovered": ("recovered after an interruption", "中断后恢复"),
    "src_long": (
        "long capture (frames taken while scrolling, stitched)",
        "长截图（滚动时截取的多帧拼接而成）",
    ),
    "frames": ("Frames", "帧"),
    "frames_desc": (
        "{n} frames, kept as originals in {dir}/; the long image is rebuilt from them by `main.py verify`",
        "共 {n} 帧，原始文件保存在 {dir}/ 中；`main.py verify` 会用它们重建长图并核对",
    ),
    "st_open": ("open", "进行中"),
    "st_disputed": ("disputed", "有争议"),
    "st_resolved": ("resolved", "已解决"),
    "st_closed": ("closed", "已关闭"),
    "pf_wechat": ("WeChat", "微信"),
    "pf_qq": ("QQ", "QQ"),
    "pf_taobao": ("Taobao", "淘宝"),
    "pf_jd": ("JD.com", "京东"),
    "pf_pinduoduo": ("Pinduoduo", "拼多多"),
    "pf_xianyu": ("Xianyu", "闲鱼"),
    "pf_douyin": ("Douyin", "抖音"),
    "pf_webshop": ("web shop", "网店"),
    "pf_other": ("other", "其他"),
    "kind_captured": ("captured", "截取"),
    "kind_imported": ("imported", "导入"),
    "kind_timestamped": ("time-stamped by a TSA", "加盖可信时间戳"),
    "kind_pasted": ("pasted from the clipboard", "从剪贴板粘贴"),
    "kind_ocr_done": ("text read", "文字识别完成"),
    "kind_ocr_redone": ("text read again", "重新识别文字"),
    "kind_moved": ("filed under a purchase", "归入购买"),
    "kind_moved_in": ("filed under this purchase", "归入本购买"),
    "kind_moved_out": ("moved to another purchase", "移到其他购买"),
    "kind_moved_unfiled": ("taken out of this purchase (left unfiled)", "移出本购买（未归入任何购买）"),
    "kind_moved_elsewhere": ("filed under another purchase", "归入其他购买"),
    "kind_moved_out_other": ("taken out of another purchase", "移出其他购买"),
    "kind_note_edited": ("note changed", "修改备注"),
    "kind_recovered": ("recovered after an interruption", "中断后恢复"),
    "kind_purged": ("deleted for good", "永久删除"),
    "kind_ocr_failed": ("text recognition failed", "文字识别失败"),
    "kind_ocr_unavailable": ("text recognition unavailable", "文字识别不可用"),
    "kind_purchase_deleted": ("purchase deleted", "删除购买记录"),
    "kind_deleted": ("moved to the Trash", "移入回收站"),
    "kind_restored": ("restored from the Trash", "从回收站恢复"),
    "kind_purchase_created": ("purchase recorded", "创建购买记录"),
    "kind_purchase_edited": ("purchase edited", "修改购买记录"),
    "kind_exported": ("exported (an earlier export)", "导出（此前的一次导出）"),
    # Documents: PDF, OFD, XML e-invoices and e-mails (format version 2).
    "proves_docs": (
        "Documents (PDF, OFD and XML e-invoices, e-mails) are kept the same way: the file in "
        "captures/ is the original, byte for byte, with its SHA-256. The page images in pages/ are "
        "drawn from it so that it can be read here, and can be drawn again from it; the invoice "
        "details and the text shown are what Proofshot read from it.",
        "文件（PDF、OFD、XML 电子发票和电子邮件）同样保存：captures/ 中的文件即原始文件，逐字节相同，并附 SHA-256 值。"
        "pages/ 中的页面图像由原始文件生成，便于在此阅读，可随时重新生成；所列发票信息和文字是 Proofshot 从原始文件中读出的。",
    ),
    "at_attachment": ("Imported at", "导入时间"),
    "src_attachment": ("attachment of an e-mail ({name})", "电子邮件的附件（{name}）"),
    "doc_kind": ("Kind of file", "文件类型"),
    "doc_pdf": ("PDF document", "PDF 文件"),
    "doc_ofd": ("OFD document (GB/T 33190)", "OFD 版式文件（GB/T 33190）"),
    "doc_xml": ("XML file", "XML 文件"),
    "doc_xml_invoice": ("XML e-invoice", "XML 电子发票"),
    "doc_email": ("E-mail (.eml file)", "电子邮件（.eml 文件）"),
    "doc_pages_1": ("1 page", "1 页"),
    "doc_pages_n": ("{n} pages", "{n} 页"),
    "doc_bytes": ("{size} bytes", "{size} 字节"),
    "doc_name": ("Original file name", "原文件名"),
    "doc_parent": ("Attached to", "所属邮件"),
    "doc_parent_seq": ("the e-mail in Capture {n}", "截图 {n} 中的电子邮件"),
    "doc_parent_gone": ("an e-mail that is not part of this export", "不在本材料中的一封电子邮件"),
    "doc_unreadable": ("Cannot be read", "无法读取"),
    "doc_password": (
        "The PDF is password-protected: it is kept as it is; it cannot be read.",
        "此 PDF 设有密码：已按原样保存，无法读取。",
    ),
    "doc_problem": ("Kept as it is; cannot be read: {reason}", "已按原样保存，但无法读取。"),
    "doc_page_of": ("Page {n} of {total}", "第 {n} 页（共 {total} 页）"),
    "doc_pages_rest": (
        "Pages {first}–{last} are in the original file, {file}; their text is in {text}.",
        "第 {first}–{last} 页见原始文件 {file}；其文字见 {text}。",
    ),
    "doc_pages_missing": (
        "The pages could not be drawn for this report ({reason}); the original file is complete.",
        "未能为本报告生成页面图像；原始文件完整无缺。",
    ),
    "facts_title": ("Invoice details read from the document", "从文件中读出的发票信息"),
    "facts_hint": (
        "Read by Proofshot from {source}; compare them with the document itself.",
        "由 Proofshot 从{source}中读出，请与原件核对。",
    ),
    "fsrc_xml": ("the invoice's XML", "发票 XML"),
    "fsrc_ofd-xml": ("the invoice XML inside the OFD file", "OFD 文件内嵌的发票 XML"),
    "fsrc_ofd-text": ("the text of the OFD file", "OFD 文件的文字"),
    "fsrc_pdf-text": ("the text of the PDF", "PDF 的文字"),
    "fsrc_email-text": ("the text of the e-mail", "邮件正文"),
    "fsrc_other": ("the document", "文件"),
    "fact_invoice_number": ("Invoice number", "发票号码"),
    "fact_issued_on": ("Date of issue", "开票日期"),
    "fact_seller_name": ("Seller", "销售方名称"),
    "fact_seller_tax_id": (
        "Seller's tax ID (unified social credit code)",
        "销售方纳税人识别号（统一社会信用代码）",
    ),
    "fact_buyer_name": ("Buyer", "购买方名称"),
    "fact_buyer_tax_id": ("Buyer's tax ID", "购买方纳税人识别号"),
    "fact_total": ("Total with tax", "价税合计"),
    "email_title": ("The e-mail", "电子邮件"),
    "em_from": ("From", "发件人"),
    "em_to": ("To", "收件人"),
    "em_cc": ("Cc", "抄送"),
    "em_date": ("Date, as written in the e-mail", "日期（邮件中所写）"),
    "em_date_utc": ("Date (UTC)", "日期（UTC）"),
    "em_subject": ("Subject", "主题"),
    "em_message_id": ("Message ID", "邮件标识"),
    "em_remote": (
        "{n} remote images or styles of the e-mail were left out; nothing was loaded from the internet.",
        "已略去邮件中的 {n} 个远程图片或样式；未从网络加载任何内容。",
    ),
    "em_attachments": ("Attachments", "附件"),
    "em_no_attachments": ("none", "无"),
    "em_att_seq": ("filed as Capture {n}", "另存为截图 {n}"),
    "em_att_elsewhere": ("filed separately, not in this purchase", "已另存，不在本购买中"),
    "em_att_inside": ("kept inside the e-mail", "保存在邮件原件中"),
    "doc_text": (
        "Text of the document (its own text; scanned pages read by OCR may contain errors)",
        "文件中的文字（取自文件本身；扫描页经 OCR 识别，可能有误）",
    ),
    "email_text": (
        "Text of the e-mail (as plain text; nothing remote was loaded)",
        "邮件正文（纯文本；未加载任何远程内容）",
    ),
    "doc_text_none": ("No text was read from this document.", "未从此文件读出文字。"),
}

#: Image formats by media type, as a reader knows them.
_MEDIA = {
    "application/pdf": "PDF",
    "application/ofd": "OFD",
    "application/xml": "XML",
    "message/rfc822": "EML",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/webp": "WebP",
    "image/bmp": "BMP",
    "image/gif": "GIF",
}

#: Currency names (English, Chinese) for the codes people use; others are shown as recorded.
_CURRENCIES = {
    "CNY": ("Chinese yuan", "元（人民币）"),
    "HKD": ("Hong Kong dollars", "港元"),
    "MOP": ("Macau patacas", "澳门元"),
    "TWD": ("New Taiwan dollars", "新台币"),
    "USD": ("US dollars", "美元"),
    "EUR": ("euros", "欧元"),
    "GBP": ("pounds sterling", "英镑"),
    "JPY": ("Japanese yen", "日元"),
    "KRW": ("South Korean won", "韩元"),
}

#: The seller's fields in the order the report shows them (its private notes are not shown).
_MERCHANT_KEYS = tuple(f for f in MERCHANT_FIELDS if f != "notes")

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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


def platform_name(code: str | None, language: str) -> str:
    """'闲鱼' / 'Xianyu' for 'xianyu'; a code this version does not know is shown as stored."""
    return _t("platform", language, "pf_", code)


# ---------------------------------------------------------------------- dates
# Written out by hand, not with strftime's %b or %x, so that the C locale (or any other)
# never decides how a date in the report reads.


def _parse_utc(iso_utc: str) -> datetime:
    return datetime.strptime(iso_utc[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)


def _day(d: date, language: str) -> str:
    if language == "zh_CN":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _stamp(dt: datetime, language: str, *, seconds: bool, zone: str | None) -> str:
    clock = f"{dt:%H:%M:%S}" if seconds else f"{dt:%H:%M}"
    if language == "zh_CN":
        return f"{_day(dt, language)} {clock}" + (f"（{zone}）" if zone else "")
    return f"{_day(dt, language)}, {clock}" + (f" ({zone})" if zone else "")


def format_local(iso_utc: str, offset_min: int, language: str, *, seconds: bool = False) -> str:
    """'2026年12月2日 14:03（UTC+08:00）' / '2 Dec 2026, 14:03 (UTC+08:00)'."""
    local = _parse_utc(iso_utc).astimezone(timezone(timedelta(minutes=offset_min)))
    return _stamp(local, language, seconds=seconds, zone=utc_offset_label(offset_min))


def format_utc(iso_utc: str, language: str, *, seconds: bool = False, zone: bool = True) -> str:
    """'2026年12月2日 06:03（UTC）' / '2 Dec 2026, 06:03 (UTC)'."""
    return _stamp(_parse_utc(iso_utc), language, seconds=seconds, zone="UTC" if zone else None)


def format_date(value: str, language: str) -> str:
    """A date the user typed ('2026-12-02' or '2026-12-02 14:30', no time zone) in words;
    anything else is shown as it was typed."""
    try:
        if len(value) == 10:
            return _day(date.fromisoformat(value), language)
        dt = datetime.strptime(value, "%Y-%m-%d %H:%M")
    except ValueError:
        return value
    return _stamp(dt, language, seconds=False, zone=None)


def format_amount(amount: str, currency: str, language: str) -> str:
    """'1,280.00 元（人民币）' / '1,280.00 CNY (Chinese yuan)' for ('1280.00', 'CNY')."""
    m = re.fullmatch(r"(-?)(\d+)\.(\d{2})", amount)
    number = f"{m.group(1)}{int(m.group(2)):,}.{m.group(3)}" if m else amount
    names = _CURRENCIES.get(currency)
    if names is None:
        return f"{number} {currency}"
    return f"{number} {names[1]}" if language == "zh_CN" else f"{number} {currency} ({names[0]})"


def fit_image(width: int, height: int, box: tuple[int, int] = IMAGE_BOX) -> tuple[int, int]:
    scale = min(1.0, box[0] / max(width, 1), box[1] / max(height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _multiline(value: str) -> str:
    return "<br/>".join(_e(line) for line in value.splitlines()) or "&nbsp;"


def _letters(i: int) -> str:
    """A, B, … Z, AA, AB …: names for the captures that left the purchase (no digits, so
    they never look like the numbers of exported captures)."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


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


def _kv(rows: list[tuple[str, str] | tuple[str, str, bool]]) -> str:
    """A table of (label, value HTML[, monospace]) rows."""
    out = ['<table class="kv" width="100%" cellspacing="0" cellpadding="3">']
    for row in rows:
        k, v = row[0], row[1]
        cls = ' class="mono"' if len(row) > 2 and row[2] else ""
        out.append(f'<tr><td class="k" width="25%">{_e(k)}</td><td{cls}>{v}</td></tr>')
    out.append("</table>")
    return "\n".join(out)


def _footer_title(title: str, limit: int = 24) -> str:
    title = " ".join(title.split()).replace("{", "(").replace("}", ")")
    return title if len(title) <= limit else title[: limit - 1] + "…"


def _origin_of(c: Mapping[str, Any]) -> str:
    """What a capture's recorded time is: taken, imported, pasted or recorded."""
    source = str(c.get("source") or "")
    return source if f"at_{source}" in _T else CaptureSource.RECOVERED


def _source_text(c: Mapping[str, Any], language: str) -> str:
    if c.get("source") == CaptureSource.IMPORT and c.get("source_name"):
        return text("src_import_named", language, name=c["source_name"])
    if c.get("source") == CaptureSource.ATTACHMENT:
        return text("src_attachment", language, name=c.get("source_name") or "—")
    return _t("source", language, "src_", c.get("source"))


def _origin_rows(
    c: Mapping[str, Any], language: str, val: Callable[[Any], str]
) -> list[tuple[str, str] | tuple[str, str, bool]]:
    """Where a screenshot's pixels came from: its window's title and application, the
    screen and area, and what grabbed them; each "not recorded" when it was not. None for
    imported and pasted images (no screen was grabbed) unless something was recorded."""
    raw = c.get("origin")
    origin: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
    if c.get("source") in (CaptureSource.IMPORT, CaptureSource.CLIPBOARD) and not any(origin.values()):
        return []
    app = origin.get("app")
    window_class = origin.get("window_class")
    app_text = val(app)
    if app and window_class and window_class != app:
        app_text += f' <span class="sub">(WM_CLASS {_e(window_class)})</span>'
    rect = origin.get("rect")
    pieces = []
    if origin.get("output"):
        pieces.append(_e(origin["output"]))
    if isinstance(rect, list) and len(rect) == 4:
        x, y, w, h = rect
        pieces.append(_e(text("origin_area", language, x=x, y=y, w=w, h=h)))
    screen = ", ".join(pieces) if pieces else val(None)
    return [
        (text("origin_window", language), val(origin.get("title"))),
        (text("origin_app", language), app_text),
        (text("origin_screen", language), screen),
        (text("origin_backend", language), val(origin.get("backend"))),
    ]


def _event_kind(ev: Mapping[str, Any], purchase_id: Any, language: str) -> str:
    """The event in words; a move is told from this purchase's point of view."""
    kind = str(ev.get("kind"))
    data = ev.get("data")
    if kind == "moved" and isinstance(data, dict):
        to, frm = data.get("to"), data.get("from")
        if to is not None and to == purchase_id:
            key = "kind_moved_in"
        elif frm is not None and frm == purchase_id:
            key = "kind_moved_out" if to is not None else "kind_moved_unfiled"
        else:
            key = "kind_moved_elsewhere" if to is not None else "kind_moved_out_other"
        return text(key, language)
    if kind == "captured" and isinstance(data, dict) and data.get("source") == CaptureSource.CLIPBOARD:
        return text("kind_pasted", language)
    if f"kind_{kind}" in _T:
        return text(f"kind_{kind}", language)
    return kind.replace("_", " ")


def _pages_text(n: int, language: str) -> str:
    return text("doc_pages_1", language) if n == 1 else text("doc_pages_n", language, n=n)


def _document_rows(
    c: Mapping[str, Any], language: str, val: Callable[[Any], str]
) -> list[tuple[str, str] | tuple[str, str, bool]]:
    """A document's own rows in its table: its kind, pages and size, its file's name, the
    e-mail it came from, and why it cannot be read."""
    doc: Mapping[str, Any] = c["document"]
    kind = str(doc.get("kind"))
    key = "doc_xml_invoice" if kind == "xml" and doc.get("facts") else f"doc_{kind}"
    what = [text(key, language) if key in _T else kind]
    if kind in ("pdf", "ofd") and int(doc.get("pages") or 0) > 0:
        what.append(_pages_text(int(doc["pages"]), language))
    what.append(text("doc_bytes", language, size=f"{int(c['bytes']):,}"))
    rows: list[tuple[str, str] | tuple[str, str, bool]] = [
        (text("doc_kind", language), _e(text("list_sep", language).join(what))),
        (text("doc_name", language), val(c.get("source_name"))),
    ]
    if c.get("source") == CaptureSource.ATTACHMENT or doc.get("parent_seq") is not None:
        parent = doc.get("parent_seq")
        rows.append(
            (
                text("doc_parent", language),
                f'<a href="#capture-{int(parent)}">{_e(text("doc_parent_seq", language, n=parent))}</a>'
                if parent is not None
                else _e(text("doc_parent_gone", language)),
            )
        )
    if doc.get("problem"):
        rows.append(
            (text("doc_unreadable", language), f"<b>{_e(_problem_text(str(doc['problem']), language))}</b>")
        )
    return rows


def _problem_text(problem: str, language: str) -> str:
    if "password" in problem.lower() or "密码" in problem:
        return text("doc_password", language)
    return text("doc_problem", language, reason=problem)


def _document_parts(c: Mapping[str, Any], language: str, val: Callable[[Any], str]) -> list[str]:
    """The invoice details, the e-mail's headers and attachments, and the pages."""
    doc: Mapping[str, Any] = c["document"]
    out: list[str] = []
    facts = doc.get("facts")
    if isinstance(facts, dict) and any(facts.get(k) for k in FACT_FIELDS):
        rows: list[tuple[str, str] | tuple[str, str, bool]] = []
        for k in FACT_FIELDS:
            value = facts.get(k)
            if value in (None, ""):
                continue
            if k == "total":
                shown = _e(format_amount(str(value), str(facts.get("currency") or "CNY"), language))
            elif k == "issued_on":
                shown = _e(format_date(str(value), language))
            else:
                shown = _e(value)
            rows.append(
                (text(f"fact_{k}", language), shown, k in ("invoice_number", "seller_tax_id", "buyer_tax_id"))
            )
        source = str(facts.get("source") or "other")
        source_text = text(f"fsrc_{source}" if f"fsrc_{source}" in _T else "fsrc_other", language)
        out += [
            f"<p><b>{_e(text('facts_title', language))}</b></p>",
            _kv(rows).replace('<table class="kv"', '<table class="kv facts"', 1),
            f'<p class="sub">{_e(text("facts_hint", language, source=source_text))}</p>',
        ]
    email = doc.get("email")
    if isinstance(email, dict):
        rows = []
        for k in ("from", "to", "cc", "date", "date_utc", "subject", "message_id"):
            value = email.get(k)
            if value in (None, "") and k in ("cc", "date_utc", "message_id"):
                continue
            shown = val(value)
            if k == "date_utc" and value:
                try:
                    shown = _e(format_utc(str(value), language, seconds=True))
                except ValueError:
                    shown = _e(value)
            rows.append((text(f"em_{k}", language), shown, k == "message_id"))
        atts = email.get("attachments") or []
        listing = []
        for a in atts:
            size = text("doc_bytes", language, size=f"{int(a.get('bytes') or 0):,}")
            line = f'{_e(a.get("name") or "—")} <span class="sub">({_e(size)})</span> — '
            if a.get("seq") is not None:
                line += (
                    f'<a href="#capture-{int(a["seq"])}">{_e(text("em_att_seq", language, n=a["seq"]))}</a>'
                )
            elif a.get("filed"):
                line += _e(text("em_att_elsewhere", language))
            else:
                line += _e(text("em_att_inside", language))
            listing.append(line)
        rows.append(
            (
                text("em_attachments", language),
                "<br/>".join(listing) or _e(text("em_no_attachments", language)),
            )
        )
        out += [f"<p><b>{_e(text('email_title', language))}</b></p>", _kv(rows)]
        if int(email.get("remote_content") or 0) > 0:
            out.append(f'<p class="sub">{_e(text("em_remote", language, n=email["remote_content"]))}</p>')
    pages = doc.get("page_files") or []
    total = int(doc.get("pages") or 0)
    for pf in pages:
        w, h = fit_image(int(pf["width"]), int(pf["height"]))
        # The caption under its page: a page image that does not fit moves to the next
        # sheet of the PDF, and its caption goes with it.
        out += [
            f'<p align="center"><img class="shot" src="{_e(pf["file"])}" width="{w}" height="{h}" '
            f'alt="{_e(pf["file"])}"/></p>',
            f'<p align="center" class="sub">{_e(text("doc_page_of", language, n=pf["page"], total=total))}</p>',
        ]
    if doc.get("pages_problem"):
        out.append(
            f'<p class="sub">{_e(text("doc_pages_missing", language, reason=doc["pages_problem"]))}</p>'
        )
    elif pages and total > len(pages):
        out.append(
            "<p><b>"
            + _e(
                text(
                    "doc_pages_rest",
                    language,
                    first=len(pages) + 1,
                    last=total,
                    file=c["file"],
                    text=c["ocr"]["text_file"],
                )
            )
            + "</b></p>"
        )
    return out


def report_rows(c: Mapping[str, Any], lang: str, fmt: Any) -> list[tuple[str, str]]:
    """Trusted time: the rows of a capture's tokens (storage/export_timestamps.py)."""
    from .export_timestamps import report_rows as rows

    return rows(c, lang, fmt)


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

    amount = (
        format_amount(str(p["amount"]), str(p.get("currency") or ""), lang)
        if p.get("amount") is not None
        else None
    )
    ordered = format_date(str(p["ordered_at"]), lang) if p.get("ordered_at") else None
    exported_at = str(manifest["exported_at"])
    export_offset = int(manifest.get("export_utc_offset_min", 0))
    export_day = _day(_parse_utc(exported_at).astimezone(timezone(timedelta(minutes=export_offset))), lang)
    footer = t("page_footer", title=_footer_title(str(p["title"])), date=export_day)
    parts: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh_CN" else "en"}"><head><meta charset="utf-8"/>',
        f"<title>{_e(t('doc_title'))} — {_e(p['title'])}</title>",
        f'<meta name="proofshot-footer" content="{_e(footer)}"/>',
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{_e(t('doc_title'))}</h1>",
        f'<p class="sub">{_e(t("subtitle"))}</p>',
        '<hr class="rule"/>',
        f"<h2>{_e(t('purchase'))}</h2>",
        _kv(
            [
                (t("what"), val(p["title"])),
                (t("ordered_at"), val(ordered)),
                (t("order_no"), val(p.get("order_no")), True),
                (t("amount"), val(amount)),
                (t("status"), val(_t("status", lang, "st_", p.get("status")))),
                (t("notes"), _multiline(p["notes"]) if p.get("notes") else missing),
            ]
        ),
        f"<h2>{_e(t('merchant'))}</h2>",
    ]
    if m:
        shown = {k: m.get(k) for k in _MERCHANT_KEYS}
        shown["platform"] = platform_name(m.get("platform"), lang)
        rows: list[tuple[str, str] | tuple[str, str, bool]] = [
            (t("display_name"), val(m.get("display_name")))
        ]
        rows += [(t(k), _e(v)) for k, v in shown.items() if k != "display_name" and v not in (None, "")]
        if m.get("notes"):
            rows.append((t("notes"), _multiline(m["notes"])))
        # What was not recorded, in one row, so the page is about what is known.
        absent = [t(k) for k, v in shown.items() if k != "display_name" and v in (None, "")]
        if absent:
            rows.append(
                (
                    t("not_recorded_fields"),
                    f'<span style="color:#888888">{_e(t("list_sep").join(absent))}</span>',
                )
            )
        parts.append(_kv(rows))
    else:
        parts.append(f"<p>{_e(t('no_merchant'))}</p>")
    app = manifest.get("app") or {}
    export_rows: list[tuple[str, str] | tuple[str, str, bool]] = [
        (
            t("exported_at"),
            _e(format_local(exported_at, export_offset, lang, seconds=True))
            + "<br/>"
            + _e(format_utc(exported_at, lang, seconds=True)),
        ),
    ]
    if manifest.get("folder_name"):
        export_rows.append((t("folder"), _e(manifest["folder_name"])))
    export_rows += [
        (t("app"), _e(f"{app.get('name', 'Proofshot')} {app.get('version', '')}".strip())),
        (t("captures_count"), _e(len(captures))),
        (t("custody_count"), _e(manifest["custody"]["events"])),
    ]
    parts += [
        f"<h2>{_e(t('export'))}</h2>",
        _kv(export_rows),
        f"<h2>{_e(t('proves_title'))}</h2>",
        f'<table class="statement" width="100%" cellpadding="8" cellspacing="0"><tr><td>'
        f"<p>{_e(t('proves'))}</p>"
        + (f"<p>{_e(t('proves_docs'))}</p>" if any("document" in c for c in captures) else "")
        + f"<p><b>{_e(t('not_proves'))}</b></p><p>{_e(t('how_check'))}</p>"
        "</td></tr></table>",
        f'<h2 class="capture">{_e(t("timeline"))}</h2>',
        f"<p>{_e(t('timeline_intro'))}</p>",
    ]
    if not captures:
        parts.append(f"<p><b>{_e(t('no_captures'))}</b></p>")
    total = len(captures)
    for i, c in enumerate(captures):
        offset = int(c["utc_offset_min"])
        at_label = t(f"at_{_origin_of(c)}")
        w, h = fit_image(c["width"], c["height"])
        ocr = c["ocr"]
        ocr_text = (ocr_texts or {}).get(c["seq"], "")
        doc = c.get("document") if isinstance(c.get("document"), dict) else None
        if ocr_text.strip():
            ocr_html = f'<div class="ocr">{_multiline(ocr_text)}</div>'
        elif doc is not None and doc.get("problem"):
            ocr_html = f'<p class="ocr">{_e(_problem_text(str(doc["problem"]), lang))}</p>'
        elif ocr["status"] == OcrStatus.DONE:
            ocr_html = f'<p class="ocr">{_e(t("doc_text_none" if doc is not None else "ocr_none"))}</p>'
        else:
            ocr_html = f'<p class="ocr">{_e(t("ocr_status_" + ocr["status"]))}</p>'
        size = f"{c['bytes']:,}"
        media = _MEDIA.get(str(c["media_type"]), str(c["media_type"]))
        capture_rows: list[tuple[str, str] | tuple[str, str, bool]] = [
            (at_label + t("local_suffix"), _e(format_local(c["captured_at"], offset, lang, seconds=True))),
            (at_label + t("utc_suffix"), _e(format_utc(c["captured_at"], lang, seconds=True))),
        ]
        if c.get("source") in (CaptureSource.IMPORT, CaptureSource.ATTACHMENT) or c.get("file_modified_at"):
            modified = c.get("file_modified_at")
            capture_rows.append(
                (
                    t("file_mtime"),
                    _e(format_local(modified, offset, lang, seconds=True))
                    + f'<br/><span class="sub">{_e(t("file_mtime_hint"))}</span>'
                    if modified
                    else missing,
                )
            )
        capture_rows += [
            (t("sha256"), _e(c["sha256"]), True),
            (t("file"), _e(c["file"]), True),
        ]
        if doc is not None:
            capture_rows += _document_rows(c, lang, val)
        else:
            capture_rows.append(
                (t("image"), _e(t("image_desc", w=c["width"], h=c["height"], fmt=media, size=size)))
            )
        capture_rows.append((t("source"), _e(_source_text(c, lang))))
        capture_rows += _origin_rows(c, lang, val)
        capture_rows += report_rows(c, lang, lambda v, o=offset: format_local(v, o, lang, seconds=True))
        long = c.get("long")
        if isinstance(long, dict) and long.get("frames"):
            frames = long["frames"]
            folder = str(frames[0]["file"]).rsplit("/", 1)[0]
            listing = "<br/>".join(f"{int(f['position']) + 1:02d} {_e(f['sha256'])}" for f in frames)
            capture_rows.append(
                (
                    t("frames"),
                    _e(t("frames_desc", n=len(frames), dir=folder))
                    + f'<br/><span class="mono">{listing}</span>',
                )
            )
        capture_rows += [
            (t("note"), _multiline(c["note"]) if c.get("note") else missing),
        ]
        # The first capture follows the timeline heading on its page; each other one starts a page.
        cls = ' class="capture"' if i > 0 else ""
        parts += [
            f'<h3{cls} id="capture-{c["seq"]}"><a name="capture-{c["seq"]}"></a>'
            f"{_e(t('capture_of', n=c['seq'], total=total))}"
            f" &nbsp;·&nbsp; {_e(format_local(c['captured_at'], offset, lang))}</h3>",
            _kv(capture_rows),
        ]
        if doc is not None:
            text_key = "email_text" if doc.get("kind") == "email" else "doc_text"
            parts += _document_parts(c, lang, val)
        else:
            text_key = "ocr_text"
            parts.append(
                f'<p align="center"><img class="shot" src="{_e(c["file"])}" width="{w}" height="{h}" '
                f'alt="{_e(c["file"])}"/></p>'
            )
        parts += [f"<p><b>{_e(t(text_key))}</b></p>", ocr_html]
    parts += [
        f'<h2 class="capture">{_e(t("appendix"))}</h2>',
        f"<p>{_e(t('appendix_intro'))}</p>",
    ]
    if events:
        parts += _custody_table(events, captures, p.get("id"), lang)
    else:
        parts.append(f"<p>{_e(t('no_events'))}</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _custody_table(
    events: list[dict[str, Any]], captures: list[dict[str, Any]], purchase_id: Any, lang: str
) -> list[str]:
    """The appendix: one row per custody event, captures named as in the rest of the
    report, and a sentence for each thing a stranger would otherwise wonder about."""

    def t(key: str, **fmt: Any) -> str:
        return text(key, lang, **fmt)

    seq_of = {c["capture_id"]: c["seq"] for c in captures}
    # The library may give a new capture the number of one deleted for good before it, so
    # a capture is its number and how many times that number was purged before the event.
    purges: dict[Any, int] = {}
    for ev in events:
        if ev.get("kind") == "purged":
            purges[ev.get("capture_id")] = purges.get(ev.get("capture_id"), 0) + 1
    seen: dict[Any, int] = {}
    who: list[tuple[Any, int] | None] = []
    gone: list[tuple[Any, int]] = []
    for ev in events:
        cid = ev.get("capture_id")
        if cid is None:
            who.append(None)
            continue
        this = (cid, seen.get(cid, 0))
        who.append(this)
        if ev.get("kind") == "purged":
            seen[cid] = this[1] + 1
        if not (cid in seq_of and this[1] == purges.get(cid, 0)) and this not in gone:
            gone.append(this)

    def capture_name(key: tuple[Any, int] | None) -> str:
        if key is None:
            return "—"
        if key not in gone:
            return t("capture_n", n=seq_of[key[0]])
        if len(gone) == 1:
            return t("ev_gone")
        return t("ev_gone_n", letter=_letters(gone.index(key)))

    out = ['<table class="log" width="100%" cellspacing="0" cellpadding="2">']
    out.append(
        "<tr>"
        + "".join(f"<th>{_e(t(k))}</th>" for k in ("ev_no", "ev_at", "ev_kind", "ev_capture", "ev_hash"))
        + "</tr>"
    )
    for ev, key in zip(events, who, strict=True):
        at = format_utc(str(ev["at"]), lang, seconds=True, zone=False)
        out.append(
            f"<tr><td>{_e(ev['id'])}</td><td>{_e(at)}</td>"
            f"<td>{_e(_event_kind(ev, purchase_id, lang))}</td><td>{_e(capture_name(key))}</td>"
            f'<td class="mono">{_e(str(ev["hash"])[:16])}</td></tr>'
        )
    out.append("</table>")
    ids = [ev["id"] for ev in events if isinstance(ev.get("id"), int)]
    if any(b - a > 1 for a, b in zip(ids, ids[1:], strict=False)):
        out.append(f'<p class="sub">{_e(t("log_gaps"))}</p>')
    if gone:
        out.append(f'<p class="sub">{_e(t("log_gone"))}</p>')
    return out
