"""The search and library benchmarks build their libraries through storage's public API
(`Library.bulk_add` and friends), so the library they build is one the app would accept."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from storage.library import Library

from .conftest import ROOT


def _search_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("search_bench", ROOT / "bench" / "search_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("search_bench", module)
    spec.loader.exec_module(module)
    return module


def test_the_search_bench_library_passes_the_library_s_own_check(tmp_path: Path) -> None:
    sb = _search_bench()
    info = sb.build(tmp_path / "bench", 120, seed=3)
    assert info["purchases"] == 10
    with Library.open(tmp_path / "bench") as lib:
        assert not lib.open_report.reindexed  # built for this index version
        report = lib.check()
        assert report.ok, report.problems
        counts = lib.count_captures()
        assert counts["all"] + counts["trash"] == 120
        assert len(lib.search("退款", limit=1000)) > 10
        assert all(c.ocr_status == "done" for c in lib.list_captures())
