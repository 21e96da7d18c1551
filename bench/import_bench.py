"""Benchmark importing documents (issue 13): PDF pages, OFD invoices, e-mails.

Each case runs in its own child process with a fresh library in a temporary folder, so its
peak memory (`ru_maxrss`) is its own. The documents are made by the test makers
(tests/fixtures_pdf.py, tests/fixtures_docs.py), every one distinct, before the clock
starts. What is timed is what the app does when a file is imported:

- `import`: `storage.importing.import_file` (read, sniff, probe, store the original with
  its SHA-256, custody event; an e-mail also files its attachment);
- `read`: `capture.pipeline.ocr_capture(lib, None, id)`, the text reading (a PDF's text
  layer, the OFD's page text and invoice XML, the e-mail's text): no OCR engine is given,
  and none is needed, every page having text;
- `first_page`: `Library.page_png(id, 0)`, the first page drawn for a thumbnail (PDF/OFD).

Cases: `pdf20` and `pdf200` (a text PDF of 20 / 200 A4 pages, 30 lines of Chinese and
digits each), `ofd` (one-page OFD 数电票 with its embedded invoice XML, `--count` of them),
`email` (an order e-mail with an invoice PDF attached, `--count` of them; the attachment
is filed and read too); and `export200`: the 200-page PDF (imported and read, untimed)
exported with its report PDF (`storage.export.export_purchase` with gui/report_pdf.py: the
first 50 pages drawn into pages/ and into report.pdf), with its own peak memory.

    .venv/bin/python bench/import_bench.py --json
    .venv/bin/python bench/import_bench.py --repeat 1 --count 3 --small 3 --large 10
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CASES = ("pdf20", "pdf200", "ofd", "email", "export200")


def _page_lines(doc: int, page: int) -> list[str]:
    return [
        f"第{page + 1}页 第{i + 1}行 订单号 2026{doc:04d}{page:04d}{i:04d} 健身月卡 价税合计 ¥128.00 七天无理由退款"
        for i in range(30)
    ]


def text_pdf(pages: int, doc: int = 0) -> bytes:
    from tests.fixtures_pdf import text_pdf as make

    return make([_page_lines(doc, p) for p in range(pages)], title=f"购买记录 {doc}")


def ofd(doc: int) -> bytes:
    from tests.fixtures_docs import ofd_invoice

    return ofd_invoice(number=f"2444200000{doc:010d}")


def email_with_pdf(doc: int) -> bytes:
    from tests.fixtures_pdf import invoice_pdf

    number = f"2444210000{doc:010d}"
    msg = EmailMessage()
    msg["From"] = "乐动健身 <invoice@ledong-fit.cn>"
    msg["To"] = "liming@example.cn"
    msg["Subject"] = f"您的电子发票 {number}（健身月卡）"
    msg["Date"] = "Fri, 20 Nov 2026 10:25:00 +0800"
    msg["Message-ID"] = f"<invoice-{number}@ledong-fit.cn>"
    msg.set_content("您好，您购买的健身月卡的电子发票已开具，请查收附件。\n价税合计 ¥128.00\n")
    msg.add_attachment(
        invoice_pdf(number=number), maintype="application", subtype="pdf", filename=f"电子发票_{number}.pdf"
    )
    return msg.as_bytes()


def _rss_mb() -> float:
    """Peak resident memory of this process so far, MB (Linux reports kilobytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


def _current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except OSError:
        return float("nan")


def run_export(large: int, repeat: int, work: Path) -> dict[str, Any]:
    """The export of a purchase holding one large PDF, with its report PDF."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from capture.pipeline import ocr_capture
    from gui.report_pdf import render_report_pdf
    from storage.export import export_purchase
    from storage.importing import import_file
    from storage.library import Library

    (work / "doc.pdf").write_bytes(text_pdf(large))
    rss_before = _current_rss_mb()
    lib = Library.open(work / "lib")
    try:
        purchase = lib.add_purchase({"title": "bench"})
        outcome = import_file(lib, work / "doc.pdf", purchase_id=purchase.id)
        assert outcome.record is not None, outcome.problem
        ocr_capture(lib, None, outcome.record.id)
        peak_before_export = _rss_mb()
        seconds: list[float] = []
        render: list[float] = []
        info: dict[str, Any] = {}
        for r in range(repeat):
            acc: list[float] = []

            def timed(html: str, images: Any, out: Path, _acc: list[float] = acc) -> None:
                t = time.perf_counter()
                render_report_pdf(html, images, out)
                _acc.append(time.perf_counter() - t)

            res = export_purchase(lib, purchase.id, work / f"out{r}", language="zh_CN", render_pdf=timed)
            seconds.append(res.seconds)
            render.append(acc[0])
            info = {
                "page_files": len(list((res.folder / "pages").iterdir())),
                "report_pdf_bytes": (res.folder / "report.pdf").stat().st_size,
            }
            shutil.rmtree(res.folder)
    finally:
        lib.close()
    return {
        "case": "export200",
        "pages_per_document": large,
        **info,
        "export_s_median": round(statistics.median(seconds), 3),
        "export_s_all": [round(x, 3) for x in seconds],
        "pdf_render_s_median": round(statistics.median(render), 3),
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_before_export_mb": round(peak_before_export, 1),
        "peak_rss_mb": round(_rss_mb(), 1),
    }


def run_case(case: str, *, small: int, large: int, count: int, repeat: int, work: Path) -> dict[str, Any]:
    """One case in this process (the child): documents made first, then imported and read."""
    from capture.pipeline import ocr_capture
    from storage.importing import import_file
    from storage.library import Library

    if case == "export200":
        return run_export(large, repeat, work)
    if case in ("pdf20", "pdf200"):
        pages = small if case == "pdf20" else large
        files = [(f"doc{r}.pdf", text_pdf(pages, r)) for r in range(repeat)]
        per = pages
    elif case == "ofd":
        files = [(f"inv{i}.ofd", ofd(i)) for i in range(count * repeat)]
        per = 1
    elif case == "email":
        files = [(f"mail{i}.eml", email_with_pdf(i)) for i in range(count * repeat)]
        per = 1
    else:
        raise SystemExit(f"unknown case {case}")
    src = work / "src"
    src.mkdir()
    for name, data in files:
        (src / name).write_bytes(data)
    sizes = [len(d) for _, d in files]
    del files
    rss_before = _current_rss_mb()
    imports: list[float] = []
    reads: list[float] = []
    first_pages: list[float] = []
    peak_after_import: list[float] = []
    captures = 0
    lib = Library.open(work / "lib")
    try:
        purchase = lib.add_purchase({"title": "bench"})
        for name in sorted(os.listdir(src), key=lambda n: (len(n), n)):
            t = time.perf_counter()
            outcome = import_file(lib, src / name, purchase_id=purchase.id)
            imports.append(time.perf_counter() - t)
            if outcome.problem is not None or outcome.record is None:
                raise SystemExit(f"{name}: {outcome.problem}")
            peak_after_import.append(_rss_mb())
            ids = [outcome.record.id] + [a.record.id for a in outcome.attachments if a.record is not None]
            captures += len(ids)
            t = time.perf_counter()
            for cid in ids:
                result = ocr_capture(lib, None, cid)
                if result.status != "done":
                    raise SystemExit(f"{name}: text not read ({result.status}: {result.message})")
            reads.append(time.perf_counter() - t)
            if outcome.record.doc_kind in ("pdf", "ofd"):
                t = time.perf_counter()
                lib.page_png(outcome.record.id, 0)
                first_pages.append(time.perf_counter() - t)
        engines = sorted({str(c.ocr_engine) for c in lib.list_captures(purchase_id=purchase.id)})
    finally:
        lib.close()
    totals = [a + b for a, b in zip(imports, reads, strict=True)]
    out: dict[str, Any] = {
        "case": case,
        "documents": len(imports),
        "captures": captures,
        "pages_per_document": per if case.startswith("pdf") else None,
        "file_bytes_median": int(statistics.median(sizes)),
        "engines": engines,
        "import_s_median": round(statistics.median(imports), 4),
        "read_s_median": round(statistics.median(reads), 4),
        "total_s_median": round(statistics.median(totals), 4),
        "total_s_all": [round(x, 4) for x in totals][:10],
        "first_page_s_median": round(statistics.median(first_pages), 4) if first_pages else None,
        "rss_before_mb": round(rss_before, 1),
        # Peak memory of the process once the (first) document was stored, and in the end
        # (after its text was read and its first page drawn).
        "peak_rss_after_first_import_mb": round(peak_after_import[0], 1),
        "peak_rss_mb": round(_rss_mb(), 1),
    }
    if case.startswith("pdf"):
        out["ms_per_page"] = round(1000 * statistics.median(totals) / per, 2)
    return out


def _child(case: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        case,
        "--small",
        str(args.small),
        "--large",
        str(args.large),
        "--count",
        str(args.count),
        "--repeat",
        str(args.repeat),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(f"case {case} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def machine() -> dict[str, Any]:
    import PIL
    from pypdfium2.version import PDFIUM_INFO, PYPDFIUM_INFO

    return {
        "cpus": os.cpu_count(),
        "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "pypdfium2": f"{PYPDFIUM_INFO} (pdfium {PDFIUM_INFO})",
        "pillow": PIL.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--small", type=int, default=20, help="pages of the small PDF (case pdf20)")
    ap.add_argument("--large", type=int, default=200, help="pages of the large PDF (case pdf200)")
    ap.add_argument("--count", type=int, default=10, help="OFD invoices and e-mails per run")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each case (new documents each)")
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        work = Path(tempfile.mkdtemp(prefix="proofshot-import-bench-"))
        try:
            result = run_case(
                args.child,
                small=args.small,
                large=args.large,
                count=args.count,
                repeat=args.repeat,
                work=work,
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(json.dumps(result))
        return 0
    started = datetime.now(UTC)
    load_before = machine()["loadavg_1_5_15"]
    results = {case: _child(case, args) for case in args.cases.split(",") if case}
    out: dict[str, Any] = {
        "measured_at": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seconds": round((datetime.now(UTC) - started).total_seconds(), 1),
        "command": " ".join([Path(sys.executable).name, "bench/import_bench.py", *(argv or sys.argv[1:])]),
        "settings": {"small": args.small, "large": args.large, "count": args.count, "repeat": args.repeat},
        "cases": results,
        "machine": {**machine(), "loadavg_before": load_before},
    }
    if args.json:
        print(json.dumps(out, indent=1, ensure_ascii=False))
    else:
        print(f"{'case':8s} {'docs':>5s} {'import s':>9s} {'read s':>8s} {'total s':>8s} {'ms/page':>8s} "
              f"{'page 1 s':>9s} {'peak MB':>8s}")  # fmt: skip
        for case, r in results.items():
            if case == "export200":
                print(
                    f"export of a {r['pages_per_document']}-page PDF: {r['export_s_median']:.2f} s "
                    f"({r['pdf_render_s_median']:.2f} s of it report.pdf; {r['page_files']} pages drawn), "
                    f"peak {r['peak_rss_mb']:.1f} MB (before the export {r['peak_rss_before_export_mb']:.1f} MB)"
                )
                continue
            per_page = f"{r['ms_per_page']:8.2f}" if "ms_per_page" in r else f"{'':8s}"
            first = f"{r['first_page_s_median']:9.3f}" if r["first_page_s_median"] is not None else f"{'':9s}"
            print(
                f"{case:8s} {r['documents']:5d} {r['import_s_median']:9.3f} {r['read_s_median']:8.3f} "
                f"{r['total_s_median']:8.3f} {per_page} {first} {r['peak_rss_mb']:8.1f}"
            )
        m = out["machine"]
        print(
            f"{m['cpus']} cpus, load {m['loadavg_before']} before, {m['loadavg_1_5_15']} after; {m['platform']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
