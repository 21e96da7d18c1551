"""PP-OCR on large (2x) captures: warm time per image size and where it goes, and what a
detection size does to accuracy, for several detection sizes.

    .venv/bin/python bench/ppocr_large.py [--det none,1280,1600] [--repeat 3] [--json]
    .venv/bin/python bench/ppocr_large.py --det none,1280 --dev [--json]

Runs `capture.ppocr.PpOcrEngine` in this process (the worker runs the same code) with each
detection size (`none`: rapidocr's own sizing, as before docs/adr/014; N: the detector's
input longer side capped at N px, recognition from the full-resolution image).

Large images, made from the dev set (tests/data/evalset): the 1x desktop screenshots scaled
2x (LANCZOS), as a HiDPI screen shows them (about 1760x1180 to 2000x1600), and two full
screens tiled from them, 2560x1600 and 3840x2160. Each is read `--repeat` times after one
warm-up image; reported: median wall seconds per size and its split into detection,
recognition and the rest (conversion, cropping, boxes).

`--dev` also reads every dev image and its 2x version once per detection size and reports
the mean character similarity to the true text (difflib ratio of normalised text, lines
sorted) and the share of the set's queries whose every term is in the image's own text
(the search itself: bench/score_evalset.py, tests/test_eval_recall.py).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from capture.ppocr import PpOcrEngine, det_size  # noqa: E402
from storage.normalize import normalize  # noqa: E402

EVALSET = ROOT / "tests" / "data" / "evalset"


def _sidecars(set_dir: Path) -> list[dict[str, Any]]:
    out = []
    for sc in sorted(set_dir.glob("*.json")):
        meta = json.loads(sc.read_text(encoding="utf-8"))
        if isinstance(meta, dict) and "queries" in meta:
            out.append(meta)
    return out


def _open(set_dir: Path, meta: dict[str, Any]) -> Image.Image:
    img = Image.open(set_dir / meta["image"])
    img.load()
    return img.convert("RGB")


def _x2(img: Image.Image) -> Image.Image:
    return img.resize((img.width * 2, img.height * 2), Image.Resampling.LANCZOS)


def _screen(tiles: list[Image.Image], size: tuple[int, int]) -> Image.Image:
    """A full screen of `size` tiled with 2x screenshots, left to right, top to bottom."""
    canvas = Image.new("RGB", size, (240, 240, 240))
    x = y = row_h = 0
    for tile in tiles * 4:
        if x + tile.width > size[0] and x > 0:
            x, y, row_h = 0, y + row_h, 0
        if y >= size[1]:
            break
        canvas.paste(tile, (x, y))
        x += tile.width
        row_h = max(row_h, tile.height)
    return canvas


def large_images(set_dir: Path, metas: list[dict[str, Any]], per_size: int) -> list[tuple[str, Image.Image]]:
    desktop_1x = [m for m in metas if m["meta"].get("scale") == 1 and m["meta"].get("layout") == "desktop"]
    x2 = [(f"{m['image']}@2x", _x2(_open(set_dir, m))) for m in desktop_1x[:per_size]]
    tiles = [img for _, img in x2]
    screens = [
        ("screen 2560x1600", _screen(tiles, (2560, 1600))),
        ("screen 3840x2160", _screen(tiles[1:] + tiles[:1], (3840, 2160))),
    ]
    return x2 + screens


def _within(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """The size rapidocr's own pre-processing brings an image to (longer side <= max_side)."""
    if max(size) <= max_side:
        return size
    ratio = max_side / max(size)
    return int(size[0] * ratio), int(size[1] * ratio)


def _sim(text: str, truth: str) -> float:
    def lines(t: str) -> str:
        return "\n".join(sorted(normalize(ln) for ln in t.splitlines() if ln.strip()))

    return difflib.SequenceMatcher(None, lines(text), lines(truth), autojunk=False).ratio()


def _found(query: str, text: str) -> bool:
    norm = normalize(text).replace(" ", "")
    return all(normalize(term).replace(" ", "") in norm for term in query.split())


def _parse_det(value: str) -> int | None:
    return None if value == "none" else int(value)


def time_large(
    engine: PpOcrEngine, images: list[tuple[str, Image.Image]], repeat: int
) -> list[dict[str, Any]]:
    engine.recognize(images[0][1])  # warm-up: models loaded, ONNX Runtime's first-run costs paid
    rows = []
    for name, img in images:
        walls, stages = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = engine.recognize(img)
            walls.append(time.perf_counter() - t0)
            stages.append(dict(engine.last_stages))
        med = statistics.median(walls)
        row = {
            "image": name,
            "size": list(img.size),
            "det_size": list(det_size(_within(img.size, engine.rec_max_side), engine.det_max_side)),
            "wall_s": [round(w, 3) for w in walls],
            "median_s": round(med, 3),
            "det_s": round(statistics.median(s["det_s"] for s in stages), 3),
            "rec_s": round(statistics.median(s["rec_s"] for s in stages), 3),
            "other_s": round(statistics.median(s["other_s"] for s in stages), 3),
            "lines": result.text.count("\n") + 1 if result.text else 0,
        }
        rows.append(row)
        print(
            f"  {name:18s} {img.width}x{img.height} det@{row['det_size'][0]}x{row['det_size'][1]} "
            f"{med:5.2f} s (det {row['det_s']:.2f} rec {row['rec_s']:.2f} other {row['other_s']:.2f})",
            file=sys.stderr,
        )
    return rows


def dev_accuracy(engine: PpOcrEngine, set_dir: Path, metas: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for label, scale in (("dev", False), ("dev@2x", True)):
        sims, found, total, walls = [], 0, 0, []
        misses = []
        for meta in metas:
            img = _open(set_dir, meta)
            if scale:
                img = _x2(img)
            t0 = time.perf_counter()
            text = engine.recognize(img).text
            walls.append(time.perf_counter() - t0)
            sims.append(_sim(text, meta["text"]))
            for q in meta["queries"]:
                total += 1
                if _found(q["q"], text):
                    found += 1
                else:
                    misses.append(f"{meta['image']}: {q['q']}")
        out[label] = {
            "images": len(metas),
            "similarity_mean": round(statistics.mean(sims), 4),
            "queries_in_text": round(found / total, 4),
            "queries": total,
            "median_s": round(statistics.median(walls), 3),
            "total_s": round(sum(walls), 1),
            "misses": misses,
        }
        print(
            f"  {label:7s} similarity {out[label]['similarity_mean']:.4f} queries in text "
            f"{out[label]['queries_in_text']:.4f} ({found}/{total}) median {out[label]['median_s']} s",
            file=sys.stderr,
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", type=Path, default=EVALSET)
    ap.add_argument(
        "--det", default="none,1280", help="detection sizes: none (rapidocr's) or N px, comma-separated"
    )
    ap.add_argument("--repeat", type=int, default=3, help="timed reads of each large image")
    ap.add_argument("--images", type=int, default=4, help="2x screenshots timed (plus the two full screens)")
    ap.add_argument("--no-large", action="store_true", help="skip the timing of large images")
    ap.add_argument("--dev", action="store_true", help="also accuracy on the dev set and its 2x version")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)

    metas = _sidecars(args.set)
    images = [] if args.no_large else large_images(args.set, metas, args.images)
    report: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "loadavg_start": list(os.getloadavg()),
        "cpus": os.cpu_count(),
        "repeat": args.repeat,
        "variants": {},
    }
    version = ""
    for value in args.det.split(","):
        det = _parse_det(value.strip())
        print(f"detection size {value}:", file=sys.stderr)
        engine = PpOcrEngine(det_max_side=det)
        engine.load()
        version = engine.version
        variant: dict[str, Any] = {"det_max_side": det, "rec_max_side": engine.rec_max_side}
        if images:
            variant["large"] = time_large(engine, images, args.repeat)
        if args.dev:
            variant["dev"] = dev_accuracy(engine, args.set, metas)
        report["variants"][value.strip()] = variant
        del engine
    report["loadavg_end"] = list(os.getloadavg())
    report["version"] = version
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for name, v in report["variants"].items():
            for row in v.get("large", []):
                print(
                    f"{name:5s} {row['image']:18s} {row['size'][0]}x{row['size'][1]} {row['median_s']:.2f} s"
                )
            for label, acc in v.get("dev", {}).items():
                print(
                    f"{name:5s} {label}: similarity {acc['similarity_mean']} queries in text {acc['queries_in_text']}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
