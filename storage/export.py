"""Export one purchase as a self-checking evidence folder (ARCHITECTURE.md §7).

The folder is built under a hidden `.Proofshot_….partial-…` name in the output folder,
every file is fsynced, and only then is it renamed to its final name, so an export
killed part-way never leaves a folder that looks finished. The result is read back and
verified (storage/verify.py) before it is reported, and an `exported` event is added to
the library's custody log. The PDF is drawn by a renderer the caller passes in (Qt lives
in gui/), so this module stays plain Python.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .blobs import fsync_dir
from .errors import KnownStorageError
from .evidence_format import (
    CAPTURES_DIR,
    CUSTODY,
    FOLDER_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    FORMAT_VERSION_IMAGES,
    MANIFEST,
    MAX_EXPORT_PAGES,
    MEDIA_EXTENSIONS,
    PAGES_DIR,
    PARTIAL_MARK,
    README,
    REPORT_HTML,
    REPORT_PDF,
    SUMS,
    capture_file_stem,
    custody_lines,
    format_sums,
    frame_file,
    frames_dir,
    is_partial_name,
    page_file,
    recipe_file,
    safe_name,
)
from .export_timestamps import ExportStamping, readme_section, stamp_sums, write_capture_tokens
from .report import build_report_html, format_local, platform_name
from .values import local_offset_minutes, now_utc, utc_offset_text

if TYPE_CHECKING:
    from .library import Library
    from .records import CaptureRecord, PurchaseRecord

log = logging.getLogger(__name__)

#: Draws report.pdf: (report HTML, {image src in the HTML: its file}, path to write).
PdfRenderer = Callable[[str, Mapping[str, Path], Path], None]

_CHUNK = 1 << 20
#: Without a way to ask whether the process that wrote a partial export still runs.
_STALE_PARTIAL_S = 24 * 3600


class ExportError(KnownStorageError):
    """The export could not be made (output folder unusable, original damaged...)."""


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    zip_path: Path | None
    files: int
    captures: int
    events: int
    manifest_sha256: str
    language: str
    pdf: bool
    seconds: float
    #: Trusted time: what became of stamping SHA256SUMS (None: not asked for).
    timestamp: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "zip": str(self.zip_path) if self.zip_path else None,
            "files": self.files,
            "captures": self.captures,
            "custody_events": self.events,
            "manifest_sha256": self.manifest_sha256,
            "language": self.language,
            "pdf": self.pdf,
            "seconds": round(self.seconds, 3),
            "verified": True,
            "timestamp": self.timestamp,
        }


# ---------------------------------------------------------------------- names


def folder_base_name(purchase: PurchaseRecord, when_local: datetime) -> str:
    """`Proofshot_<purchase id>_<merchant>_<yyyymmdd>`, safe on every platform."""
    who = purchase.merchant.display_name if purchase.merchant else purchase.title
    return f"{FOLDER_PREFIX}{purchase.id}_{safe_name(who, max_bytes=60, fallback='purchase')}_{when_local:%Y%m%d}"


def _free_name(out_dir: Path, base: str, with_zip: bool) -> str:
    """`base`, or `base_2`, `base_3`... so that an earlier export is never overwritten."""
    n = 1
    while True:
        name = base if n == 1 else f"{base}_{n}"
        if not (out_dir / name).exists() and not (with_zip and (out_dir / f"{name}.zip").exists()):
            return name
        n += 1


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_partials(out_dir: Path) -> list[Path]:
    """Remove unfinished exports left in `out_dir` by a process that no longer runs."""
    removed: list[Path] = []
    try:
        entries = list(out_dir.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not (is_partial_name(entry.name) and entry.name.startswith("." + FOLDER_PREFIX)):
            continue
        try:
            pid = int(entry.name.rsplit(PARTIAL_MARK, 1)[1].split("-")[0])
        except (IndexError, ValueError):
            continue
        try:
            age = time.time() - entry.lstat().st_mtime
        except OSError:
            continue
        if (pid != os.getpid() and not _pid_alive(pid)) or age > _STALE_PARTIAL_S:
            log.info("removing unfinished export %s", entry)
            _remove(entry)
            removed.append(entry)
    return removed


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


# ---------------------------------------------------------------------- writing


class _Writer:
    """Writes files into the partial folder, fsynced, remembering each file's hash."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, tuple[str, int]] = {}

    def write(self, rel: str, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        path = self.root / rel
        with open(path, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        self.files[rel] = (digest, len(data))
        return digest

    def copy(self, rel: str, src: Path) -> str:
        h = hashlib.sha256()
        size = 0
        with open(src, "rb") as fin, open(self.root / rel, "xb") as fout:
            while chunk := fin.read(_CHUNK):
                h.update(chunk)
                fout.write(chunk)
                size += len(chunk)
            fout.flush()
            os.fsync(fout.fileno())
        digest = h.hexdigest()
        self.files[rel] = (digest, size)
        return digest

    def adopt(self, rel: str) -> None:
        """Record a file someone else (the PDF renderer) wrote, after fsyncing it."""
        path = self.root / rel
        h = hashlib.sha256()
        size = 0
        with open(path, "rb+") as f:
            while chunk := f.read(_CHUNK):
                h.update(chunk)
                size += len(chunk)
            os.fsync(f.fileno())
        self.files[rel] = (h.hexdigest(), size)


def _readme(manifest: dict[str, Any]) -> str:
    p = manifest["purchase"]
    m = manifest.get("merchant") or {}
    n = len(manifest["captures"])
    max_pages = MAX_EXPORT_PAGES
    at, offset = manifest["exported_at"], int(manifest["export_utc_offset_min"])
    merchant = m.get("display_name") or "-"
    if m.get("platform"):
        pf_zh, pf_en = platform_name(m["platform"], "zh_CN"), platform_name(m["platform"], "en")
        merchant += f"（{pf_zh} / {pf_en}）" if pf_zh != pf_en else f"（{pf_zh}）"
    return f"""Proofshot 证据材料 / Proofshot evidence folder
================================================

购买 / Purchase:   {p["title"]}
商家 / Merchant:   {merchant}
订单号 / Order no: {p.get("order_no") or "-"}
截图与文件 / Captures and documents: {n}
导出时间：{format_local(at, offset, "zh_CN")}
Exported: {format_local(at, offset, "en")}

【中文】
这是 Proofshot 为一笔网购导出的证据材料。captures/ 文件夹中的图片是截取或导入时保存的原始
文件，未经任何修改；每张图片旁的 .txt 文件是从图中识别出的文字（可能有误）。导入的文件（PDF、
OFD、XML 电子发票和 .eml 电子邮件）也以原始文件保存在 captures/ 中，旁边的 .txt 是从中读出的文字；
pages/ 文件夹中的图片是 PDF 和 OFD 各页的渲染图（由原始文件生成，便于查看；每份文件最多 {max_pages} 页，
其余页见原始文件）。
report.pdf 和 report.html 是可打印的报告：购买信息、商家信息、按时间排列的全部截图（含截取或导入
时间和 SHA-256 值）以及保管记录。manifest.json 是机器可读的清单，custody.jsonl 是本软件对这些
截图所做操作的记录，每条记录都通过哈希值与前一条相连。

如何校验：
  1. 在本文件夹内运行：sha256sum -c SHA256SUMS
     （Windows PowerShell 可用 Get-FileHash -Algorithm SHA256 逐个核对）
     每一行都应显示“成功 / OK”。
  2. 或使用 Proofshot：main.py verify 本文件夹（或其 .zip 文件）
     它还会检查清单、每张截图的哈希值和保管记录链。

本材料能证明：这些文件自导出后未被改动，并且由 Proofshot 在所记录的时间保存。
本材料不能证明：它不是公证文书，时间来自用户电脑的时钟。请同时保留原手机和聊天记录。

[English]
This folder is evidence about one online purchase, exported by Proofshot. The images in
captures/ are the original files stored when each was taken or imported, unchanged; the
.txt file beside each one is the text read from it (OCR; it may contain errors).
Imported documents (PDF, OFD and XML e-invoices, .eml e-mails) are in captures/ too, as
the original files, each with the text read from it; pages/ holds the pages of each PDF
and OFD drawn as images (made from the original, for reading; at most {max_pages} pages a
document, the rest are in the original file).
report.pdf and report.html are a printable report: the purchase, the merchant, every
capture in time order with its time and SHA-256, and the custody log. manifest.json is a
machine-readable record; custody.jsonl lists what the app did with these captures, each
entry linked by hashes to the one before.

How to check it:
  1. In this folder run:  sha256sum -c SHA256SUMS
     (Windows PowerShell: Get-FileHash -Algorithm SHA256 for each file)
     Every line must say OK.
  2. Or with Proofshot:   main.py verify THIS_FOLDER   (or its .zip)
     which also checks the manifest, each capture's hash and the custody chain.

What it proves: these files have not changed since the export, and were recorded by
Proofshot at the times stated. What it does not: it is not a notarised record, and the
times come from the user's computer clock. Keep the original phone and chat too.

Format: {FORMAT} version {manifest["format_version"]} (docs/evidence-format.md in Proofshot).
"""


def _capture_entry(
    seq: int, c: CaptureRecord, file_rel: str, text_rel: str, file_modified_at: str | None
) -> dict[str, Any]:
    return {
        "seq": seq,
        "capture_id": c.id,
        "file": file_rel,
        "sha256": c.sha256,
        "bytes": c.bytes,
        "media_type": c.media_type,
        "width": c.width,
        "height": c.height,
        "captured_at": c.captured_at,
        "utc_offset": utc_offset_text(c.utc_offset_min),
        "utc_offset_min": c.utc_offset_min,
        "source": c.source,
        "source_name": c.source_name,
        "file_modified_at": file_modified_at,
        # Where the pixels came from; null fields were not recorded (imports, older captures).
        "origin": c.origin.to_dict(),
        "note": c.note,
        "flags": list(c.flags),
        "ocr": {
            "status": c.ocr_status,
            "engine": c.ocr_engine,
            "version": c.ocr_version,
            "languages": c.ocr_languages,
            "text_file": text_rel,
            "confidence": c.ocr_confidence,
        },
    }


def _export_long(lib: Library, w: _Writer, c: CaptureRecord, stem: str) -> dict[str, Any]:
    """Write a long capture's recipe and frames beside its long image; its manifest entry."""
    recipe = lib.long_capture_recipe(c.id)
    frames = lib.long_capture_frames(c.id)
    if recipe is None or not frames:
        raise ExportError(f"capture {c.id} is a long capture without its frames; run `main.py check`")
    recipe_rel = recipe_file(stem)
    recipe_sha = w.write(recipe_rel, recipe.encode("utf-8"))
    (w.root / frames_dir(stem)).mkdir()
    out = []
    for f in frames:
        rel = frame_file(stem, f.position, f.sha256)
        try:
            digest = w.copy(rel, lib.blob_path(f.sha256))
        except FileNotFoundError:
            raise ExportError(
                f"frame {f.position + 1} of capture {c.id} is missing from the library; run `main.py check`"
            ) from None
        if digest != f.sha256:
            raise ExportError(
                f"frame {f.position + 1} of capture {c.id} no longer matches its SHA-256; run `main.py check`"
            )
        out.append(
            {
                "position": f.position,
                "file": rel,
                "sha256": f.sha256,
                "bytes": f.bytes,
                "width": f.width,
                "height": f.height,
                "y": f.y,
            }
        )
    fsync_dir(w.root / frames_dir(stem))
    return {"recipe_file": recipe_rel, "recipe_sha256": recipe_sha, "frames": out}


def _export_document(
    lib: Library,
    w: _Writer,
    c: CaptureRecord,
    stem: str,
    seq_of_id: Mapping[int, int],
    seq_of_sha: Mapping[str, int],
    images: dict[str, Path],
) -> dict[str, Any]:
    """Write a document's rendered pages (PDF, OFD: at most MAX_EXPORT_PAGES) into pages/;
    its manifest entry's `document` object. The original and its text are written by the
    caller like any capture's."""
    from PIL import Image

    info: Mapping[str, Any] = c.doc_info if isinstance(c.doc_info, dict) else {}
    page_files: list[dict[str, Any]] = []
    pages_problem: str | None = None
    if c.doc_kind in ("pdf", "ofd") and c.page_count > 0 and not c.doc_problem:
        (w.root / PAGES_DIR).mkdir(exist_ok=True)
        for page in range(min(c.page_count, MAX_EXPORT_PAGES)):
            try:
                src = lib.page_png(c.id, page)
            except KnownStorageError as exc:
                # The original is still exported; the reader is told why pages are missing.
                log.warning("capture %s: page %s not rendered: %s", c.id, page + 1, exc)
                pages_problem = str(exc)
                break
            rel = page_file(stem, page + 1)
            digest = w.copy(rel, src)
            try:
                with Image.open(w.root / rel) as im:
                    width, height = im.size
            except (OSError, Image.DecompressionBombError) as exc:
                raise ExportError(f"page {page + 1} of capture {c.id} could not be drawn ({exc})") from None
            page_files.append(
                {
                    "page": page + 1,
                    "file": rel,
                    "sha256": digest,
                    "bytes": w.files[rel][1],
                    "width": width,
                    "height": height,
                }
            )
            images[rel] = w.root / rel
        fsync_dir(w.root / PAGES_DIR)
    email: dict[str, Any] | None = None
    if c.doc_kind == "email":
        email = {
            k: _text_or_none(info.get(k))
            for k in ("from", "to", "cc", "date", "date_utc", "subject", "message_id")
        }
        email["remote_content"] = max(0, int(info.get("remote_content") or 0))
        attachments = []
        for a in info.get("attachments") or []:
            if not isinstance(a, dict):
                continue
            sha = a.get("sha256") if isinstance(a.get("sha256"), str) else None
            attachments.append(
                {
                    "name": str(a.get("name") or ""),
                    "media_type": str(a.get("media_type") or "application/octet-stream"),
                    "bytes": max(0, int(a.get("bytes") or 0)),
                    "sha256": sha,
                    "kind": _text_or_none(a.get("kind")),
                    "filed": bool(a.get("filed")),
                    "reason": _text_or_none(a.get("reason")),
                    # The attachment's own capture, when it is part of this export.
                    "seq": seq_of_sha.get(sha) if sha else None,
                }
            )
        email["attachments"] = attachments
    return {
        "kind": c.doc_kind,
        "pages": c.page_count,
        "page_files": page_files,
        "pages_problem": pages_problem,
        "facts": dict(c.facts) if isinstance(c.facts, dict) and c.facts else None,
        "problem": c.doc_problem,
        "email": email,
        "parent_seq": seq_of_id.get(c.parent_id) if c.parent_id is not None else None,
    }


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _file_times(events: list[dict[str, Any]]) -> dict[int, str]:
    """{capture id: the imported file's own modification time} from the custody events
    that recorded the captures (storage.library add_capture keeps it there)."""
    times: dict[int, str] = {}
    for ev in events:
        data = ev.get("data")
        if ev.get("kind") == "imported" and isinstance(data, dict) and ev.get("capture_id") is not None:
            value = data.get("file_modified_at")
            if isinstance(value, str) and value:
                times.setdefault(int(ev["capture_id"]), value)
    return times


def _purchase_entry(p: PurchaseRecord) -> dict[str, Any]:
    d = p.to_dict()
    for k in ("merchant", "capture_count", "active"):
        d.pop(k, None)
    return d


def _fs_error(out_dir: Path, exc: OSError) -> ExportError:
    reason = exc.strerror or str(exc)
    return ExportError(f"cannot write the export into {out_dir}: {reason}")


def _prepare_out_dir(out_dir: Path) -> bool:
    """Make sure `out_dir` is a folder we can write to. Returns True if it was created."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir} is a file, not a folder; give --out a folder")
    created = False
    if not out_dir.exists():
        try:
            out_dir.mkdir(parents=True)
            created = True
        except OSError as exc:
            raise _fs_error(out_dir, exc) from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write the export into {out_dir}: permission denied")
    return created


def export_purchase(
    lib: Library,
    purchase_id: int,
    out_dir: Path,
    *,
    language: str = "en",
    render_pdf: PdfRenderer | None = None,
    make_zip: bool = False,
    app_name: str = "Proofshot",
    app_version: str = "",
    timestamp: ExportStamping | None = None,
) -> ExportResult:
    """Export purchase `purchase_id` into a new folder inside `out_dir` (see module doc)."""
    from .verify import verify_evidence

    started = time.perf_counter()
    purchase = lib.get_purchase(purchase_id)  # NotFound for an unknown id, before touching disk
    captures = sorted(lib.list_captures(purchase_id=purchase_id), key=lambda c: (c.captured_at, c.id))
    events = [e.to_dict() for e in lib.events(purchase_id=purchase_id)]
    out_dir = Path(out_dir).expanduser().absolute()
    created_out = _prepare_out_dir(out_dir)
    remove_stale_partials(out_dir)

    exported_at = now_utc()
    offset = local_offset_minutes()
    base = folder_base_name(purchase, datetime.now().astimezone())
    partial = out_dir / f".{base}{PARTIAL_MARK}{os.getpid()}-{secrets.token_hex(4)}"
    final: Path | None = None
    zip_path: Path | None = None
    try:
        try:
            partial.mkdir(mode=0o755)
            (partial / CAPTURES_DIR).mkdir()
        except OSError as exc:
            raise _fs_error(out_dir, exc) from None
        w = _Writer(partial)
        entries = []
        ocr_texts: dict[int, str] = {}
        file_times = _file_times(events)
        images: dict[str, Path] = {}
        seq_of_id = {c.id: seq for seq, c in enumerate(captures, start=1)}
        seq_of_sha: dict[str, int] = {}
        for seq, c in enumerate(captures, start=1):
            seq_of_sha.setdefault(c.sha256, seq)
        for seq, c in enumerate(captures, start=1):
            stem = capture_file_stem(seq, c.captured_at, c.sha256)
            ext = MEDIA_EXTENSIONS.get(c.media_type, "bin")
            file_rel = f"{CAPTURES_DIR}/{stem}.{ext}"
            text_rel = f"{CAPTURES_DIR}/{stem}.txt"
            src = lib.blob_path(c.sha256)
            try:
                digest = w.copy(file_rel, src)
            except FileNotFoundError:
                raise ExportError(
                    f"the original of capture {c.id} is missing from the library; run `main.py check`"
                ) from None
            if digest != c.sha256:
                raise ExportError(
                    f"the original of capture {c.id} no longer matches its SHA-256; run `main.py check`"
                )
            text = c.ocr_text or ""
            w.write(text_rel, text.encode("utf-8"))
            ocr_texts[seq] = text
            entry = _capture_entry(seq, c, file_rel, text_rel, file_times.get(c.id))
            if c.doc_kind is not None:
                entry["document"] = _export_document(lib, w, c, stem, seq_of_id, seq_of_sha, images)
            else:
                images[file_rel] = partial / file_rel
            if c.is_long:
                entry["long"] = _export_long(lib, w, c, stem)
            tokens = write_capture_tokens(lib, w.write, partial, c, stem)  # trusted time
            if tokens:
                entry["timestamps"] = tokens
            entries.append(entry)

        lines, last_line = custody_lines(events)
        w.write(CUSTODY, "".join(line + "\n" for line in lines).encode("utf-8"))

        manifest: dict[str, Any] = {
            "format": FORMAT,
            # Version 2 only when there is a document, so older readers still check the rest.
            "format_version": FORMAT_VERSION
            if any("document" in e for e in entries)
            else FORMAT_VERSION_IMAGES,
            "exported_at": exported_at,
            "export_utc_offset_min": offset,
            "app": {"name": app_name, "version": app_version},
            "language": language,
            "folder_name": "",  # filled in below, once the final name is known
            "purchase": _purchase_entry(purchase),
            "merchant": purchase.merchant.to_dict() if purchase.merchant else None,
            "captures": entries,
            "custody": {"file": CUSTODY, "events": len(lines), "last_line_hash": last_line},
            "report": {"html": REPORT_HTML, "pdf": REPORT_PDF if render_pdf else None},
            "files": [],
        }
        if manifest["merchant"] is not None:
            manifest["merchant"].pop("missing_identity", None)
        final_name = _free_name(out_dir, base, make_zip)
        manifest["folder_name"] = final_name

        any_tokens = any(e.get("timestamps") for e in entries)
        readme = _readme(manifest) + readme_section(timestamp is not None, any_tokens)
        w.write(README, readme.encode("utf-8"))
        html = build_report_html(manifest, language, ocr_texts=ocr_texts, events=events)
        w.write(REPORT_HTML, html.encode("utf-8"))
        if render_pdf is not None:
            render_pdf(html, images, partial / REPORT_PDF)
            w.adopt(REPORT_PDF)

        manifest["files"] = [
            {"path": rel, "sha256": d, "bytes": n} for rel, (d, n) in sorted(w.files.items())
        ]
        manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        manifest_sha = w.write(MANIFEST, manifest_bytes)
        sums = format_sums([(rel, d) for rel, (d, _) in w.files.items()]).encode("utf-8")
        w.write(SUMS, sums)
        sums_token, sums_error = stamp_sums(partial, sums, timestamp) if timestamp else (None, None)
        if any_tokens:
            fsync_dir(partial / "timestamps")
        fsync_dir(partial / CAPTURES_DIR)
        if (partial / PAGES_DIR).is_dir():
            fsync_dir(partial / PAGES_DIR)
        fsync_dir(partial)

        # Rename into place; a name taken meanwhile gets the next suffix, never an overwrite.
        while True:
            final = out_dir / final_name
            if not final.exists():
                try:
                    os.rename(partial, final)
                    break
                except OSError as exc:
                    if final.exists():
                        final_name = _free_name(out_dir, base, make_zip)
                        continue
                    raise _fs_error(out_dir, exc) from None
            final_name = _free_name(out_dir, base, make_zip)
        if final_name != manifest["folder_name"]:
            log.info("export folder name changed to %s while writing", final_name)
        fsync_dir(out_dir)

        report = verify_evidence(final)
        if not report.ok:
            first = report.problems[0]
            raise ExportError(f"the export failed its own check: {first.file}: {first.message}")
        if make_zip:
            zip_path = write_zip(final, out_dir / f"{final_name}.zip", exported_at)
            zreport = verify_evidence(zip_path)
            if not zreport.ok:
                first = zreport.problems[0]
                raise ExportError(f"the zip failed its own check: {first.file}: {first.message}")
    except BaseException:
        _remove(partial)
        if final is not None and final.exists():
            _remove(final)
        if zip_path is not None:
            _remove(zip_path)
        if created_out:
            with contextlib.suppress(OSError):
                out_dir.rmdir()
        raise

    lib.record_event(
        "exported",
        purchase_id=purchase_id,
        folder=str(final),
        zip=str(zip_path) if zip_path else None,
        files=len(w.files),
        captures=len(entries),
        manifest_sha256=manifest_sha,
        format_version=manifest["format_version"],
    )
    stamp_text = None
    if timestamp is not None:
        from .timestamps import after_export_stamp

        stamp_text = after_export_stamp(lib, final, timestamp.url, sums_token, sums_error)
    seconds = time.perf_counter() - started
    log.debug("exported purchase %s to %s in %.2f s", purchase_id, final, seconds)
    return ExportResult(
        folder=final,
        zip_path=zip_path,
        files=len(w.files),
        captures=len(entries),
        events=len(lines),
        manifest_sha256=manifest_sha,
        language=language,
        pdf=render_pdf is not None,
        seconds=seconds,
        timestamp=stamp_text,
    )


# ---------------------------------------------------------------------- zip

_STORED_EXT = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".pdf", ".ofd")


def _walk(folder: Path) -> Iterator[str]:
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            yield (Path(dirpath) / name).relative_to(folder).as_posix()


def write_zip(folder: Path, dest: Path, exported_at: str) -> Path:
    """Zip `folder` as `dest` (entries under the folder's name, sorted, all with the
    export's time), written under a partial name and renamed when complete."""
    stamp = datetime.strptime(exported_at[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    tmp = dest.with_name(f".{dest.stem}{PARTIAL_MARK}{os.getpid()}-{secrets.token_hex(4)}.zip")
    try:
        with zipfile.ZipFile(tmp, "x") as zf:
            for rel in sorted(_walk(folder)):
                info = zipfile.ZipInfo(f"{folder.name}/{rel}", date_time=date_time)
                info.external_attr = 0o644 << 16
                info.create_system = 3
                info.compress_type = (
                    zipfile.ZIP_STORED if rel.lower().endswith(_STORED_EXT) else zipfile.ZIP_DEFLATED
                )
                with open(folder / rel, "rb") as src, zf.open(info, "w") as out:
                    shutil.copyfileobj(src, out, _CHUNK)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        if dest.exists():
            raise ExportError(f"{dest} appeared while the export was written; export again")
        os.rename(tmp, dest)
        fsync_dir(dest.parent)
    except BaseException:
        _remove(tmp)
        raise
    return dest
