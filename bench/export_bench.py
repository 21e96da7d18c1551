"""Benchmark exporting one purchase of many captures as an evidence folder (ARCHITECTURE.md §7).

Builds a library with one purchase of N distinct captures (the dev-set screenshots in
tests/data/evalset, each copy made distinct by a PNG text chunk, so the bytes are
real screenshots of real sizes; OCR text is the dev set's ground truth), then, in the same
run, times:

- `copytree`: `shutil.copytree` of the library's blob folder (the same original bytes,
  no fsync, no hashing): the floor for "copy the files";
- `export_no_pdf`: `export_purchase(..., render_pdf=None)`;
- `export`: `export_purchase` with the Qt PDF renderer (gui/report_pdf.py), with the
  PDF rendering timed on its own, and the PDF's size and page count;
- `verify`: `verify_evidence` of the exported folder, and `zip` (`--zip` on).

    .venv/bin/python bench/export_bench.py --json
    .venv/bin/python bench/export_bench.py --captures 100 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from storage.export import export_purchase  # noqa: E402
from storage.library import Library  # noqa: E402
from storage.records import OcrData  # noqa: E402
from storage.verify import verify_evidence  # noqa: E402

EVALSET = ROOT / "tests" / "data" / "evalset"


def _distinct_png(data: bytes, n: int) -> bytes:
    """The same image with a tEXt chunk before IEND, so every copy has its own SHA-256."""
    body = b"Comment\x00copy " + str(n).encode()
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + body) & 0xFFFFFFFF)
    iend = data.rindex(b"IEND") - 4
    return data[:iend] + chunk + data[iend:]


def build_library(root: Path, captures: int) -> tuple[Library, int]:
    lib = Library.open(root)
    p = lib.add_purchase(
        {"title": "二手相机 benchmark", "order_no": "2026102788123456", "amount": "1280"},
        merchant={"display_name": "老王数码", "platform": "xianyu", "phone": "13800138000"},
    )
    sources = sorted(EVALSET.glob("[0-9][0-9][0-9][0-9].png"))
    for i in range(captures):
        src = sources[i % len(sources)]
        text = json.loads(src.with_suffix(".json").read_text(encoding="utf-8"))["text"]
        minute, second = divmod(i, 60)
        c = lib.add_capture(
            _distinct_png(src.read_bytes(), i),
            source="region",
            purchase_id=p.id,
            captured_at=f"2026-10-27T{minute // 60:02d}:{minute % 60:02d}:{second:02d}.000000Z",
            utc_offset_min=480,
            encoded_here=True,
        )
        lib.set_ocr_result(c.id, OcrData(text, "tesseract", "5.3.0", "chi_sim+eng", 90.0))
    return lib, p.id


def _dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def run(captures: int, repeat: int, work: Path) -> dict[str, Any]:
    from gui.report_pdf import render_report_pdf

    t0 = time.perf_counter()
    lib, pid = build_library(work / "lib", captures)
    build_s = time.perf_counter() - t0
    blob_bytes = _dir_bytes(lib.blobs.root)
    results: dict[str, list[float]] = {"copytree": [], "export_no_pdf": [], "export": [], "pdf_render": []}
    results.update({"verify": [], "zip_export": []})
    pdf_info: dict[str, Any] = {}
    for r in range(repeat):
        dest = work / f"copy{r}"
        t = time.perf_counter()
        shutil.copytree(lib.blobs.root, dest)
        results["copytree"].append(time.perf_counter() - t)

        res = export_purchase(lib, pid, work / f"nopdf{r}", language="zh_CN")
        results["export_no_pdf"].append(res.seconds)

        render_s: list[float] = []

        def timed(html: str, images: Mapping[str, Path], out: Path, _acc: list[float] = render_s) -> None:
            t = time.perf_counter()
            render_report_pdf(html, images, out)
            _acc.append(time.perf_counter() - t)

        res = export_purchase(lib, pid, work / f"pdf{r}", language="zh_CN", render_pdf=timed, make_zip=True)
        results["export"].append(res.seconds)
        results["pdf_render"].append(render_s[0])
        pdf = res.folder / "report.pdf"
        pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pdf_info = {
            "pdf_bytes": pdf.stat().st_size,
            "pdf_pages": int(
                next((ln.split()[-1] for ln in pages.splitlines() if ln.startswith("Pages:")), 0)
            ),
            "folder_bytes": _dir_bytes(res.folder),
            "zip_bytes": res.zip_path.stat().st_size if res.zip_path else None,
        }
        t = time.perf_counter()
        assert verify_evidence(res.folder).ok
        results["verify"].append(time.perf_counter() - t)
        results["zip_export"].append(res.seconds)
        for d in (dest, work / f"nopdf{r}", work / f"pdf{r}"):
            shutil.rmtree(d, ignore_errors=True)
    lib.close()
    del results["zip_export"]  # the `export` run writes the zip too
    return {
        "captures": captures,
        "repeat": repeat,
        "blob_bytes": blob_bytes,
        "library_build_s": round(build_s, 2),
        "seconds_median": {k: round(statistics.median(v), 3) for k, v in results.items()},
        "seconds_all": {k: [round(x, 3) for x in v] for k, v in results.items()},
        **pdf_info,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--captures", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, help="scratch folder (default: a new temporary folder)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="proofshot-export-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        out = run(args.captures, args.repeat, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(out, indent=1))
    else:
        for k, v in out["seconds_median"].items():
            print(f"{k:15s} {v:8.3f} s")
        print(f"report.pdf      {out['pdf_bytes'] / 1e6:.1f} MB, {out['pdf_pages']} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
