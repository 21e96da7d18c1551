"""What a capture's commit waits for while OCR's work runs in the same process.

No screen, no app: a real `Library` in a temporary folder; the main thread plays the
capture writer (`encode_png` of a 1920x1080 screenshot composed as in the capture bench,
then `Library.add_capture`, one every `--interval` s, timed from the start of the encode
to the commit), while a second thread plays the app's OCR thread: at nice 10 (`--ocr-nice`), as the
app's `ocr-worker` thread was, it stores a realistic OCR reading (the dev set's true text of a
chat screenshot, with a box per character) with `Library.set_ocr_result`, again and again,
and builds the result objects as `capture.ppocr_worker` does (Python work that holds the
GIL). `--hogs N` adds N busy processes at nice 0 (other programs on the machine).

Modes (`--mode`, default both): `shared` (OCR runs whenever it likes: the code before
the capture gate), `gate` (OCR waits for gui.workers.CaptureGate before each piece of work,
as the app now does). Reported: commit latency (median, p95, max), the OCR thread's
`set_ocr_result` time, and how many OCR results were stored meanwhile.

    PYTHONPATH=. .venv/bin/python bench/commit_contention.py --commits 40 --hogs 2 --json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import capture_bench as cb  # noqa: E402
from PIL import Image  # noqa: E402

from capture.screen import encode_png  # noqa: E402
from gui.workers import CaptureGate  # noqa: E402
from storage.library import Library  # noqa: E402
from storage.records import OcrData, OcrWordBox  # noqa: E402

TRUTH = ROOT / "tests" / "data" / "evalset"


def ocr_text() -> str:
    """A chat screenshot's true text from the dev set (about what PP-OCR reads), or filler."""
    for path in sorted(TRUTH.glob("*.json"))[:40]:
        try:
            doc = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        text = doc.get("text") or doc.get("truth") or ""
        if isinstance(text, str) and len(text) > 300:
            return text
    return "订单号 2024112345678 退款 客服 您好 请问 快递 已经 发货 了吗 " * 30


def reading(text: str) -> OcrData:
    words = tuple(
        OcrWordBox(ch, (10 * (i % 90), 20 * (i // 90), 10, 18), 0.9)
        for i, ch in enumerate(text)
        if not ch.isspace()
    )
    return OcrData(text=text, engine="ppocr", version="bench", languages="ch", confidence=0.9, words=words)


def hog() -> None:
    while True:
        pass


def run_mode(mode: str, args: argparse.Namespace, screen: Image.Image, text: str) -> dict[str, Any]:
    gate = CaptureGate()
    with tempfile.TemporaryDirectory(prefix="commit_contention.") as tmp:
        lib = Library.open(Path(tmp) / "library")
        try:
            first = lib.add_capture(encode_png(screen), source="region", purchase_id=None)
            stop = threading.Event()
            ocr_times: list[float] = []

            def ocr_thread() -> None:
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), args.ocr_nice)
                while not stop.is_set():
                    if mode == "gate":
                        gate.wait_idle()
                    data = reading(text)  # the reply turned into words (Python work)
                    if mode == "gate":
                        gate.wait_idle()
                    t = time.perf_counter()
                    lib.set_ocr_result(first.id, data)
                    ocr_times.append((time.perf_counter() - t) * 1000)

            worker = threading.Thread(target=ocr_thread, daemon=True)
            worker.start()
            latencies: list[float] = []
            try:
                for i in range(args.commits):
                    time.sleep(args.interval)
                    shifted = screen.transform(screen.size, Image.Transform.AFFINE, (1, 0, i + 1, 0, 1, 0))
                    gate.enter()
                    t = time.perf_counter()
                    try:
                        lib.add_capture(
                            encode_png(shifted), source="region", purchase_id=None, encoded_here=True
                        )
                    finally:
                        gate.leave()
                    latencies.append((time.perf_counter() - t) * 1000)
            finally:
                stop.set()
                worker.join(30)
        finally:
            lib.close()
    return {
        "commit_ms": cb.stats(latencies),
        "set_ocr_result_ms": cb.stats(ocr_times),
        "ocr_results_stored": len(ocr_times),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--commits", type=int, default=40)
    ap.add_argument("--interval", type=float, default=0.3, help="seconds between captures")
    ap.add_argument("--hogs", type=int, default=0, help="busy processes at nice 0 meanwhile")
    ap.add_argument("--mode", choices=("shared", "gate"), action="append")
    ap.add_argument("--ocr-nice", type=int, default=10, help="nice of the OCR thread (the app's: 10)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="commit_contention.") as tmp:
        path = Path(tmp) / "screen.png"
        cb.compose_screen(1920, 1080, path)
        screen = Image.open(path).convert("RGB")
    text = ocr_text()
    result: dict[str, Any] = {
        "loadavg_before": Path("/proc/loadavg").read_text().split()[:3],
        "ocr_text_chars": len(text),
        "hogs": args.hogs,
        "ocr_nice": args.ocr_nice,
    }
    hogs = [multiprocessing.Process(target=hog, daemon=True) for _ in range(args.hogs)]
    for h in hogs:
        h.start()
    try:
        for mode in args.mode or ["shared", "gate"]:
            result[mode] = run_mode(mode, args, screen, text)
            print(f"[commit_contention] {mode}: {result[mode]}", file=sys.stderr, flush=True)
    finally:
        for h in hogs:
            h.terminate()
            h.join()
    result["loadavg_after"] = Path("/proc/loadavg").read_text().split()[:3]
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
