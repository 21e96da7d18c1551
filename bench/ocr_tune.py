"""Tune OCR pre-processing on the dev evaluation set.

For every image of the set, runs `TesseractEngine` with a pre-processing variant and checks
each of the image's queries against the OCR text of that image: a query is found when every
space-separated term, normalised with `storage.normalize.normalize`, is a substring of the
normalised OCR text. Reports, per variant, the fraction found by query type, a character
similarity (difflib ratio of normalised OCR text vs normalised true text) and seconds per image.

    .venv/bin/python bench/ocr_tune.py --set tests/data/evalset --variants default,plain
    .venv/bin/python bench/ocr_tune.py --list
    .venv/bin/python bench/ocr_tune.py --variants default --misses

Per-image results are written to --out (default /tmp/proofshot-ocr-tune/<variant>.json).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import resource
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from capture.imageprep import DEFAULT_PREP, PrepConfig  # noqa: E402
from storage.normalize import normalize  # noqa: E402

_BASE = PrepConfig(upscale=1.0, grayscale=False, scale_step=0)

#: name -> (PrepConfig, psm, fix_digits)
VARIANTS: dict[str, tuple[PrepConfig, int, bool]] = {
    "plain": (_BASE, 3, False),
    "gray": (replace(_BASE, grayscale=True), 3, False),
    "gray_x2": (replace(_BASE, grayscale=True, upscale=2.0), 3, False),
    "gray_auto24": (replace(DEFAULT_PREP, target_text_px=24.0), 3, False),
    "gray_auto30": (replace(DEFAULT_PREP, target_text_px=30.0), 3, False),
    "gray_auto36": (replace(DEFAULT_PREP, target_text_px=36.0), 3, False),
    "gray_auto30_fix": (replace(DEFAULT_PREP, target_text_px=30.0), 3, True),
    "auto30_psm6": (replace(DEFAULT_PREP, target_text_px=30.0), 6, False),
    "auto30_psm11": (replace(DEFAULT_PREP, target_text_px=30.0), 11, False),
    "auto30_invert": (replace(DEFAULT_PREP, target_text_px=30.0, invert_dark=True), 3, False),
    "auto30_autocontrast": (replace(DEFAULT_PREP, target_text_px=30.0, autocontrast=True), 3, False),
    "auto30_sharpen": (replace(DEFAULT_PREP, target_text_px=30.0, sharpen=True), 3, False),
    "auto30_binarize": (
        replace(DEFAULT_PREP, target_text_px=30.0, binarize=True, invert_dark=True),
        3,
        False,
    ),
    "default": (DEFAULT_PREP, 3, True),  # + rescue_lines, see _variant
}


def _variant(name: str) -> tuple[PrepConfig, int, bool, str | None, bool, bool]:
    if name == "default":  # exactly what TesseractEngine() does
        return DEFAULT_PREP, 3, True, None, True, False
    if name in VARIANTS:
        return (*VARIANTS[name], None, False, False)
    # ad-hoc: "auto<target>[_max<m>][_step<s>][_psm<n>][_lang<chi|eng|chieng|engchi>][_rescue][_fix]"
    # e.g. auto30_rescue_fix
    parts = name.split("_")
    cfg = DEFAULT_PREP
    psm, fix = 3, False
    langs: str | None = None
    rescue = chifirst = False
    for p in parts:
        if p.startswith("auto"):
            cfg = replace(cfg, upscale="auto", target_text_px=float(p[4:]))
        elif p.startswith("max"):
            cfg = replace(cfg, max_scale=float(p[3:]))
        elif p.startswith("step"):
            cfg = replace(cfg, scale_step=float(p[4:]))
        elif p.startswith("psm"):
            psm = int(p[3:])
        elif p.startswith("lang"):
            langs = {"chi": "chi_sim", "eng": "eng", "engchi": "eng+chi_sim", "chieng": "chi_sim+eng"}[p[4:]]
        elif p == "chifirst":
            chifirst = True
        elif p == "rescue":
            rescue = True
        elif p == "fix":
            fix = True
        elif p == "invert":
            cfg = replace(cfg, invert_dark=True)
        elif p == "binarize":
            cfg = replace(cfg, binarize=True)
        elif p == "sharpen":
            cfg = replace(cfg, sharpen=True)
        elif p.startswith("x"):
            cfg = replace(cfg, upscale=float(p[1:]))
        else:
            raise SystemExit(f"unknown variant part {p!r} in {name!r}")
    return cfg, psm, fix, langs, rescue, chifirst


def _work(args: tuple[str, str]) -> dict[str, Any]:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    from PIL import Image

    from capture.imageprep import prepare
    from capture.ocr import TesseractEngine

    variant, png = args
    cfg, psm, fix, langs, rescue, chifirst = _variant(variant)
    engine = TesseractEngine(
        langs, psm=psm, prep=cfg, fix_digits=fix, rescue_lines=rescue, chinese_first=chifirst
    )
    truth = json.loads(Path(png).with_suffix(".json").read_text(encoding="utf-8"))
    with Image.open(png) as im:
        im.load()
        _, scale = prepare(im, cfg)
        r0s, r0c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        result = engine.recognize(im)
        seconds = time.perf_counter() - t0
        r1s, r1c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time of this process plus its tesseract child: robust against other load on the
    # machine (with OMP_THREAD_LIMIT=1 it is about the wall time on an idle machine).
    cpu = sum(
        getattr(b, f) - getattr(a, f) for a, b in ((r0s, r1s), (r0c, r1c)) for f in ("ru_utime", "ru_stime")
    )
    norm_ocr = normalize(result.text)
    norm_true = normalize(truth["text"])
    queries = []
    for q in truth["queries"]:
        terms = [normalize(t) for t in q["q"].split()]
        found = all(t in norm_ocr for t in terms if t)
        queries.append({"q": q["q"], "type": q["type"], "found": found})
    sim = difflib.SequenceMatcher(None, norm_ocr, norm_true, autojunk=False).ratio()
    return {
        "id": truth["id"],
        "meta": truth["meta"],
        "seconds": seconds,
        "cpu_seconds": cpu,
        "scale": scale,
        "similarity": sim,
        "queries": queries,
        "text": result.text,
    }


def run_variant(variant: str, pngs: list[str], workers: int) -> list[dict[str, Any]]:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_work, [(variant, p) for p in pngs]))


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_type: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        for q in r["queries"]:
            by_type[q["type"]].append(q["found"])
    all_found = [f for v in by_type.values() for f in v]
    return {
        "recall": {t: sum(v) / len(v) for t, v in sorted(by_type.items())},
        "counts": {t: len(v) for t, v in sorted(by_type.items())},
        "all": sum(all_found) / max(1, len(all_found)),
        "similarity": sum(r["similarity"] for r in rows) / max(1, len(rows)),
        "sec_per_image": sum(r["seconds"] for r in rows) / max(1, len(rows)),
        "sec_max": max((r["seconds"] for r in rows), default=0.0),
        "cpu_per_image": sum(r["cpu_seconds"] for r in rows) / max(1, len(rows)),
        "cpu_max": max((r["cpu_seconds"] for r in rows), default=0.0),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", default=str(ROOT / "tests" / "data" / "evalset"))
    ap.add_argument("--variants", default="default")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="only the first N images")
    ap.add_argument("--out", default="/tmp/proofshot-ocr-tune")
    ap.add_argument("--misses", action="store_true", help="print the queries not found")
    ap.add_argument("--list", action="store_true", help="list the named variants")
    args = ap.parse_args(argv)
    if args.list:
        for name, (cfg, psm, fix) in VARIANTS.items():
            print(f"{name:22} psm={psm} fix_digits={fix} {cfg}")
        return 0
    pngs = sorted(str(p) for p in Path(args.set).glob("[0-9]*.png"))
    if args.limit:
        pngs = pngs[: args.limit]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    table: list[tuple[str, dict[str, Any]]] = []
    for variant in [v.strip() for v in args.variants.split(",") if v.strip()]:
        t0 = time.perf_counter()
        rows = run_variant(variant, pngs, args.workers)
        wall = time.perf_counter() - t0
        summary = summarise(rows)
        summary["wall_seconds"] = wall
        (out / f"{variant}.json").write_text(
            json.dumps({"summary": summary, "rows": rows}, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        table.append((variant, summary))
        print(
            f"{variant}: all={summary['all']:.3f} sim={summary['similarity']:.3f} "
            f"s/img={summary['sec_per_image']:.2f} cpu/img={summary['cpu_per_image']:.2f} "
            f"cpu_max={summary['cpu_max']:.2f} wall={wall:.0f}s",
            file=sys.stderr,
            flush=True,
        )
        if args.misses:
            for r in rows:
                for q in r["queries"]:
                    if not q["found"]:
                        m = r["meta"]
                        print(
                            f"  miss {r['id']} [{q['type']}] {q['q']!r}  "
                            f"({m['kind']} {m['theme']} x{m['scale']} {m['font_px']}px, scale {r['scale']:.2f})"
                        )
    types = list(table[0][1]["recall"]) if table else []
    header = "| variant | all | " + " | ".join(f"{t} (n={table[0][1]['counts'][t]})" for t in types)
    header += " | similarity | wall s/image | CPU s/image | max CPU s |"
    print(header)
    print("|" + "---|" * (len(types) + 6))
    for variant, s in table:
        cells = " | ".join(f"{s['recall'][t]:.2f}" for t in types)
        print(
            f"| {variant} | {s['all']:.3f} | {cells} | {s['similarity']:.3f} | "
            f"{s['sec_per_image']:.2f} | {s['cpu_per_image']:.2f} | {s['cpu_max']:.2f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
