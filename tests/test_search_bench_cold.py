"""bench/search_bench.py's cold pass: every query on a freshly opened library with its
files evicted from the OS cache, with bytes and pages read from /proc/self/io (a smoke test
on a small library; the figures at 100,000 captures are in docs/benchmarks.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux's /proc/self/io")
def test_the_cold_pass_reports_bytes_and_pages_per_query_and_class(tmp_path: Path) -> None:
    cmd = [
        sys.executable,
        str(ROOT / "bench" / "search_bench.py"),
        "--captures",
        "150",
        "--queries",
        "28",
        "--repeat",
        "1",
        "--library",
        str(tmp_path / "bench"),
        "--json",
        "--per-query",
    ]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    res = json.loads(out.stdout)
    assert res["page_size"] > 0 and len(res["load_average"]["start"]) == 3
    for key in ("search_cold", "cold_read", "cold_rchar", "cold_pages"):
        assert key in res
        assert all(key in c for c in res["by_class"].values())
    for q in res["per_query"]:
        assert q["cold_rchar"] >= 0 and q["cold_read_bytes"] >= 0 and q["search_cold_ms"] >= 0
        assert q["cold_pages"] == round(q["cold_rchar"] / res["page_size"], 1)
    # A search that finds something reads pages of the database (SQLite's cache was empty).
    assert max(q["cold_rchar"] for q in res["per_query"]) > 0
    assert len(res["most_read_cold"]) == min(10, len(res["per_query"]))
