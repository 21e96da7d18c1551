"""Ranking at scale: the dev evaluation screenshots hidden among the search bench's look-alikes.

Copies the search bench's library (bench/search_bench.py; built there if it is missing,
with the same `--captures`/`--seed`), imports every screenshot of the evaluation set
(tests/data/evalset, the dev set kept in this repository) into the copy with
`Library.add_capture` and gives each its **true text** (the sidecar's `text`) as its OCR
text, so this measures ranking, not OCR. Then it asks `Library.search(q, limit=10)` for
every query of the set and scores where the screenshot the query came from ranks:
recall@1 and recall@10, overall and by query type.

    .venv/bin/python bench/scale_recall.py --captures 100000 --json
    .venv/bin/python bench/scale_recall.py --captures 2000 --library /tmp/sb2k

Three ranks per query:

* `rank`: where the app puts the screenshot;
* `lookalike_rank`: the same list without the set's other screenshots. 79 of the dev set's
  221 queries also match another screenshot of the set (the same shop or customer, the same
  product in two screenshots), and which of them a query "meant" is the set's choice; this
  rank is about the 100,000 look-alikes the screenshot is hidden among;
* `strict_rank`: the screenshots are imported after the bench's captures, so they are the
  newest matches, and the app breaks ties in favour of the newest, which helps them. This
  rank takes that help away: the screenshot comes after every other matching capture (the
  whole library, not only the newest candidates the app scores) with an equal or better
  score.

The copy (`--work`, default `<library>-scale-recall`) is reused when it was made from the
same library and set (its `scale_recall.json` says so); the bench library is never changed.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_bench  # noqa: E402

from storage import searching  # noqa: E402
from storage.library import DB_NAME, Library  # noqa: E402
from storage.records import OcrData  # noqa: E402

DEFAULT_SET = ROOT / "tests" / "data" / "evalset"
PARAMS_FILE = "scale_recall.json"
LIMIT = 10


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def load_items(set_dir: Path) -> list[dict[str, Any]]:
    items = []
    for sc in sorted(set_dir.glob("*.json")):
        meta = json.loads(sc.read_text(encoding="utf-8"))
        if isinstance(meta, dict) and "image" in meta and "queries" in meta:
            items.append(meta)
    return items


def prepare(args: argparse.Namespace, items: list[dict[str, Any]]) -> tuple[Path, dict[str, int]]:
    """The working copy with the set imported; returns it and {image name: capture id}."""
    bench_root, info, _reused = search_bench.prepare_library(args)
    work = Path(args.work or f"{bench_root}-scale-recall").absolute()
    want = {"bench": info["params"], "set": [m["image"] for m in items], "truth_as_ocr": True}
    pfile = work / PARAMS_FILE
    if pfile.is_file():
        done = json.loads(pfile.read_text())
        if done.get("params") == want and (work / DB_NAME).is_file():
            log(f"reusing {work}")
            return work, {k: int(v) for k, v in done["ids"].items()}
        shutil.rmtree(work)
    elif work.exists() and any(work.iterdir()):
        raise SystemExit(f"{work} exists and is not a scale-recall copy; give an empty or new folder")
    log(f"copying {bench_root} to {work}")
    t0 = time.perf_counter()
    shutil.copytree(bench_root, work, ignore=shutil.ignore_patterns(search_bench.PARAMS_FILE))
    ids: dict[str, int] = {}
    with Library.open(work) as lib:
        for meta in items:
            data = (args.set / meta["image"]).read_bytes()
            c = lib.add_capture(data, source="import", purchase_id=None, source_name=meta["image"])
            lib.set_ocr_result(c.id, OcrData(meta["text"], "truth", "1", "chi_sim+eng"))
            ids[meta["image"]] = c.id
    log(f"copied and imported {len(items)} screenshots in {time.perf_counter() - t0:.0f}s")
    pfile.write_text(json.dumps({"params": want, "ids": ids}, indent=1) + "\n")
    return work, ids


def strict_rank(con: sqlite3.Connection, parsed: searching.ParsedQuery, target: int) -> int | None:
    """1 + how many other matching captures (not in the Trash) score at least as well as
    `target`, over every match in the library; None when `target` does not match."""
    m = searching.char_match(parsed.terms)
    rows = con.execute(
        "SELECT d.capture_id, d.body FROM fts_char f JOIN search_doc d ON d.capture_id = f.rowid "
        "JOIN captures c ON c.id = f.rowid WHERE fts_char MATCH ? AND c.deleted_at IS NULL",
        (m,),
    ).fetchall()
    scores = {cid: searching.score_document(body, parsed) for cid, body in rows}
    if target not in scores:
        return None
    mine = scores[target]
    return 1 + sum(1 for cid, s in scores.items() if cid != target and s >= mine)


def score(ranks: list[int | None]) -> dict[str, Any]:
    n = len(ranks)
    return {
        "n": n,
        "recall@1": round(sum(1 for r in ranks if r == 1) / n, 4) if n else None,
        f"recall@{LIMIT}": round(sum(1 for r in ranks if r and r <= LIMIT) / n, 4) if n else None,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    items = load_items(args.set)
    if not items:
        raise SystemExit(f"no NNNN.json sidecars with image and queries in {args.set}")
    work, ids = prepare(args, items)
    dev = set(ids.values())
    per_type: dict[str, list[int | None]] = collections.defaultdict(list)
    alike_type: dict[str, list[int | None]] = collections.defaultdict(list)
    strict_type: dict[str, list[int | None]] = collections.defaultdict(list)
    misses = []
    times = []
    con = sqlite3.connect(f"file:{work / DB_NAME}?mode=ro", uri=True)
    try:
        with Library.open(work) as lib:
            n_caps = lib.count_captures()["all"]
            for meta in items:
                target = ids[meta["image"]]
                for q in meta["queries"]:
                    t = time.perf_counter()
                    hits = lib.search(q["q"], limit=LIMIT + len(items))
                    times.append((time.perf_counter() - t) * 1000)
                    got = [h.capture_id for h in hits]
                    rank = got.index(target) + 1 if target in got[:LIMIT] else None
                    alike = [cid for cid in got if cid == target or cid not in dev]
                    arank = alike.index(target) + 1 if target in alike[:LIMIT] else None
                    srank = strict_rank(con, searching.parse_query(q["q"]), target) if args.strict else None
                    per_type[q["type"]].append(rank)
                    alike_type[q["type"]].append(arank)
                    strict_type[q["type"]].append(srank)
                    if rank != 1 or arank != 1 or (args.strict and srank != 1):
                        misses.append(
                            {
                                "image": meta["image"],
                                "type": q["type"],
                                "query": q["q"],
                                "rank": rank,
                                "lookalike_rank": arank,
                                "strict_rank": srank,
                                "first": got[0] if got else None,
                            }
                        )
    finally:
        con.close()
    every = [r for v in per_type.values() for r in v]
    report: dict[str, Any] = {
        "captures": n_caps,
        "library": str(work),
        "set": str(args.set.resolve().relative_to(ROOT))
        if args.set.resolve().is_relative_to(ROOT)
        else str(args.set),
        "images": len(items),
        "queries": len(every),
        "ocr_text": "the sidecar's true text",
        "all": score(every),
        "by_type": {k: score(v) for k, v in sorted(per_type.items())},
        "lookalike_all": score([r for v in alike_type.values() for r in v]),
        "lookalike_by_type": {k: score(v) for k, v in sorted(alike_type.items())},
        "search_ms_median": round(statistics.median(times), 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "misses": misses,
    }
    if args.strict:
        report["strict_all"] = score([r for v in strict_type.values() for r in v])
        report["strict_by_type"] = {k: score(v) for k, v in sorted(strict_type.items())}
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--captures", type=int, default=100_000, help="size of the search bench library")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--library", help="the search bench library folder (built there if missing)")
    ap.add_argument("--work", help="folder of the copy with the set imported")
    ap.add_argument("--set", type=Path, default=DEFAULT_SET, help="evaluation set (default %(default)s)")
    ap.add_argument("--no-strict", dest="strict", action="store_false", help="skip the strict ranks")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    res = run(args)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return
    k = f"recall@{LIMIT}"
    print(f"{res['images']} screenshots among {res['captures']} captures, {res['queries']} queries")
    print(f"recall@1 {res['all']['recall@1']}  {k} {res['all'][k]}")
    la = res["lookalike_all"]
    print(f"among the look-alikes only: recall@1 {la['recall@1']}  {k} {la[k]}")
    for name, v in res["by_type"].items():
        av = res["lookalike_by_type"][name]
        line = f"  {name:10s} n={v['n']:3d}  recall@1 {v['recall@1']:.2f}  {k} {v[k]:.2f}"
        line += f"   look-alikes: recall@1 {av['recall@1']:.2f}  {k} {av[k]:.2f}"
        if args.strict:
            sv = res["strict_by_type"][name]
            line += f"   strict: recall@1 {sv['recall@1']:.2f}  {k} {sv[k]:.2f}"
        print(line)
    if args.strict:
        print(f"strict: recall@1 {res['strict_all']['recall@1']}  {k} {res['strict_all'][k]}")
    for m in res["misses"][:40]:
        print(
            f"  {m['image']} {m['type']:9s} rank {m['rank']} look-alikes {m['lookalike_rank']} "
            f"strict {m['strict_rank']}  {m['query']}"
        )


if __name__ == "__main__":
    main()
