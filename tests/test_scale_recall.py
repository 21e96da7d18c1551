"""bench/scale_recall.py runs end to end on a small bench library: it builds the library,
imports the dev set into a copy, and reports recall by query type (a smoke test: the
figures at 100,000 captures are in docs/benchmarks.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT


def test_scale_recall_reports_recall_by_query_type(tmp_path: Path) -> None:
    cmd = [
        sys.executable,
        str(ROOT / "bench" / "scale_recall.py"),
        "--captures",
        "150",
        "--library",
        str(tmp_path / "bench"),
        "--work",
        str(tmp_path / "copy"),
        "--json",
    ]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout)
    assert report["images"] == 60 and report["queries"] == 221
    assert report["captures"] >= 60 + 140  # the bench's captures (a few in the Trash) and the set
    assert set(report["by_type"]) >= {"zh2", "phone", "order_no", "nickname"}
    # The set's numbers are unique among look-alikes: any ranking finds them first.
    assert report["by_type"]["phone"]["recall@1"] == 1.0
    assert report["by_type"]["order_no"]["recall@1"] == 1.0
    assert 0.9 <= report["all"]["recall@10"] <= 1.0
    assert report["strict_all"]["n"] == 221
    # The copy is reused; the bench library is left as it was.
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "reusing" in again.stderr
    assert json.loads(again.stdout)["all"] == report["all"]
