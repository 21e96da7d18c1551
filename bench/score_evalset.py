#!/usr/bin/env python3
"""Score Proofshot's OCR + search end to end through its command line.

Imports every image of an evaluation set into a fresh, temporary library with
`main.py import` (one command for the whole set), then asks
`main.py search QUERY --limit N --json` for each of the set's query phrases and
checks where the image the phrase came from ranks (matched by SHA-256). Prints
recall@1 and recall@N overall and by query type, and the misses; `--json` prints
one object that also has the figures by kind of screenshot and the timings.

    .venv/bin/python bench/score_evalset.py
    .venv/bin/python bench/score_evalset.py --set tests/data/evalset --json

The default set is tests/data/evalset (the dev evaluation set kept in this
repository); relative paths are taken from the current directory. It runs main.py
of this checkout with .venv/bin/python when that exists (else this interpreter).
Exit status: 0 when it ran (whatever the scores), 2 when the project could not
be driven (a command failed or printed something that is not the expected JSON).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SET = ROOT / "tests" / "data" / "evalset"


def run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def results_of(doc: object) -> list[dict[str, Any]]:
    """The result list of `search --json`: a list, or an object with one."""
    if isinstance(doc, dict):
        for key in ("results", "hits", "captures"):
            if isinstance(doc.get(key), list):
                return doc[key]
    if isinstance(doc, list):
        return doc
    raise ValueError("search --json printed neither a list nor an object with a results list")


def load_items(set_dir: Path) -> list[tuple[Path, str, dict[str, Any]]]:
    """(image path, its SHA-256, its sidecar) for every NNNN.json sidecar of the set;
    manifest.json (no `image`/`queries` keys) is skipped."""
    items = []
    for sc in sorted(set_dir.glob("*.json")):
        meta = json.loads(sc.read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or "image" not in meta or "queries" not in meta:
            continue  # the set's manifest.json, not a sidecar
        img = set_dir / meta["image"]
        items.append((img, hashlib.sha256(img.read_bytes()).hexdigest(), meta))
    return items


def score(ranks: list[int | None], limit: int) -> dict[str, Any]:
    n = len(ranks)
    return {
        "n": n,
        "recall@1": round(sum(1 for r in ranks if r == 1) / n, 4) if n else None,
        f"recall@{limit}": round(sum(1 for r in ranks if r) / n, 4) if n else None,
    }


def _display(path: Path) -> str:
    """`path` relative to the repository when it is inside it (reports name no machine's folders)."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--set", type=Path, default=DEFAULT_SET, help="folder of NNNN.png + NNNN.json (default %(default)s)"
    )
    ap.add_argument("--python", default=None, help="interpreter that runs main.py")
    ap.add_argument("--main", type=Path, default=ROOT / "main.py", help="path of main.py")
    ap.add_argument("--limit", type=int, default=10, help="results asked for per query")
    ap.add_argument("--import-timeout", type=float, default=1800)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--keep", action="store_true", help="keep the temporary library")
    args = ap.parse_args(argv)

    venv_py = ROOT / ".venv" / "bin" / "python"
    py = args.python or (str(venv_py) if venv_py.exists() else sys.executable)
    set_dir = args.set.resolve()
    if not set_dir.is_dir() or not any(set_dir.glob("*.json")):
        print(f"no *.json sidecars in {args.set}", file=sys.stderr)
        return 2
    items = load_items(set_dir)
    if not items:
        print(f"no NNNN.json sidecars with image and queries in {args.set}", file=sys.stderr)
        return 2

    lib = Path(tempfile.mkdtemp(prefix="proofshot-eval-"))
    base = [py, str(args.main.resolve()), "--library", str(lib)]
    try:
        t0 = time.perf_counter()
        proc = run(base + ["import", *[str(i[0]) for i in items]], args.import_timeout)
        import_s = time.perf_counter() - t0
        if proc.returncode != 0:
            print(f"import failed ({proc.returncode}): {proc.stderr.strip()[-800:]}", file=sys.stderr)
            return 2

        per_type: dict[str, list[int | None]] = collections.defaultdict(list)
        per_kind: dict[str, list[int | None]] = collections.defaultdict(list)
        misses = []
        search_s = []
        for _img, sha, meta in items:
            for q in meta.get("queries", []):
                t1 = time.perf_counter()
                proc = run(base + ["search", q["q"], "--limit", str(args.limit), "--json"], 120)
                search_s.append(time.perf_counter() - t1)
                if proc.returncode != 0:
                    print(
                        f"search {q['q']!r} failed ({proc.returncode}): {proc.stderr.strip()[-400:]}",
                        file=sys.stderr,
                    )
                    return 2
                try:
                    hits = results_of(json.loads(proc.stdout))
                except (ValueError, json.JSONDecodeError) as exc:
                    print(
                        f"search {q['q']!r}: unreadable output: {exc}: {proc.stdout[:200]!r}", file=sys.stderr
                    )
                    return 2
                shas = [h.get("sha256") for h in hits]
                rank = shas.index(sha) + 1 if sha in shas else None
                per_type[q.get("type", "?")].append(rank)
                per_kind[meta.get("meta", {}).get("kind", "?")].append(rank)
                if rank is None:
                    misses.append({"image": meta["image"], "query": q["q"], "type": q.get("type")})
    finally:
        if not args.keep:
            shutil.rmtree(lib, ignore_errors=True)

    every = [r for ranks in per_type.values() for r in ranks]
    search_s.sort()
    report: dict[str, Any] = {
        "set": _display(args.set),
        "images": len(items),
        "queries": len(every),
        "all": score(every, args.limit),
        "by_type": {k: score(v, args.limit) for k, v in sorted(per_type.items())},
        "by_kind": {k: score(v, args.limit) for k, v in sorted(per_kind.items())},
        "import_seconds": round(import_s, 2),
        "import_seconds_per_image": round(import_s / len(items), 3),
        "search_process_seconds_median": round(search_s[len(search_s) // 2], 3) if search_s else None,
        "omp_thread_limit": os.environ.get("OMP_THREAD_LIMIT"),
        "misses": misses,
    }
    if args.keep:
        report["library"] = str(lib)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        a = report["all"]
        k = f"recall@{args.limit}"
        print(f"{report['images']} images, {report['queries']} queries, import {report['import_seconds']} s")
        print(f"recall@1 {a['recall@1']}  {k} {a[k]}")
        for name, v in report["by_type"].items():
            print(f"  {name:12s} n={v['n']:3d}  recall@1 {v['recall@1']}  {k} {v[k]}")
        for m in misses[:40]:
            print(f"  miss {m['image']} {m['type']}: {m['query']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
