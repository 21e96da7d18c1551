"""Time and memory of each OCR engine on an evaluation set (recall: bench/score_evalset.py).

    .venv/bin/python bench/ocr_engines.py --engine ppocr [--limit N] [--set tests/data/evalset]

For each image: wall seconds, CPU seconds (this process and the PP-OCR worker), and
text similarity to the truth. Reports the cold first image (worker start and model
load included), warm seconds per image (median, mean, p90), the worker's peak memory
(VmHWM), and this process's own memory: what the tray app's process pays for OCR.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from capture.ocr import make_engine  # noqa: E402
from storage.normalize import normalize  # noqa: E402


def _status(pid: int, key: str) -> float:
    """A /proc/PID/status value in MB (0 when gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def _worker_pid(engine: object) -> int | None:
    for part in (engine, getattr(engine, "first", None)):
        pid = getattr(part, "pid", None)
        if pid:
            return int(pid)
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", type=Path, default=ROOT / "tests" / "data" / "evalset")
    ap.add_argument("--engine", default="auto", choices=("auto", "tesseract", "ppocr", "both"))
    ap.add_argument("--limit", type=int, default=0, help="only the first N images")
    args = ap.parse_args()

    sidecars = [p for p in sorted(args.set.glob("*.json")) if p.name != "manifest.json"]
    if args.limit:
        sidecars = sidecars[: args.limit]
    engine = make_engine(args.engine)
    rows = []
    worker_cpu = 0.0
    worker_peak = 0.0
    for sc in sidecars:
        truth = json.loads(sc.read_text(encoding="utf-8"))
        img = Image.open(args.set / truth["image"])
        img.load()
        pid_before = _worker_pid(engine)
        cpu_before = _cpu(pid_before) if pid_before else 0.0
        own_before = time.process_time()
        t0 = time.perf_counter()
        result = engine.recognize(img)
        wall = time.perf_counter() - t0
        pid = _worker_pid(engine)
        wcpu = 0.0
        if pid:
            wcpu = _cpu(pid) - (cpu_before if pid == pid_before else 0.0)
            worker_peak = max(worker_peak, _status(pid, "VmHWM"))
        worker_cpu += wcpu
        own = time.process_time() - own_before
        sim = difflib.SequenceMatcher(
            None, normalize(result.text), normalize(truth["text"]), autojunk=False
        ).ratio()
        rows.append(
            {
                "image": truth["image"],
                "size": list(img.size),
                "wall_s": round(wall, 3),
                "cpu_s": round(wcpu + own, 3),
                "similarity": round(sim, 3),
            }
        )
        print(
            f"{truth['image']} {img.size[0]}x{img.size[1]} {wall:6.2f} s wall {wcpu + own:6.2f} s cpu  sim {sim:.3f}",
            file=sys.stderr,
        )
    version = getattr(engine, "version", "")
    close = getattr(engine, "close", None)
    if close is not None:
        close()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    warm = [r["wall_s"] for r in rows[1:]] or [rows[0]["wall_s"]]
    warm_cpu = [r["cpu_s"] for r in rows[1:]] or [rows[0]["cpu_s"]]
    summary = {
        "engine": args.engine,
        "version": version,
        "images": len(rows),
        "cold_first_image_s": rows[0]["wall_s"] if rows else None,
        "warm_median_s": round(statistics.median(warm), 3),
        "warm_mean_s": round(statistics.mean(warm), 3),
        "warm_p90_s": round(sorted(warm)[int(0.9 * (len(warm) - 1))], 3),
        "warm_cpu_mean_s": round(statistics.mean(warm_cpu), 3),
        "similarity_mean": round(statistics.mean(r["similarity"] for r in rows), 3),
        "worker_peak_mb": round(worker_peak, 1),
        "children_peak_mb": round(children.ru_maxrss / 1024, 1),
        "this_process_rss_mb": round(_status(os.getpid(), "VmRSS"), 1),
        "this_process_peak_mb": round(_status(os.getpid(), "VmHWM"), 1),
        "heavy_modules_here": [m for m in ("cv2", "onnxruntime", "numpy") if m in sys.modules],
    }
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
