"""bench/import_bench.py runs end to end on tiny sizes: every case imports through
storage.importing, reads the text with no OCR engine, and reports its numbers; the export
case draws every page of its small PDF into the export."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ROOT


def test_the_import_bench_runs_every_case() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "import_bench.py"), "--json"]
        + ["--small", "2", "--large", "4", "--count", "2", "--repeat", "1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    cases = out["cases"]
    assert set(cases) == {"pdf20", "pdf200", "ofd", "email", "export200"}
    export = cases.pop("export200")
    assert export["page_files"] == 4 and export["export_s_median"] > 0 and export["report_pdf_bytes"] > 0
    assert cases["pdf20"]["pages_per_document"] == 2 and cases["pdf200"]["pages_per_document"] == 4
    assert cases["ofd"]["documents"] == 2 and cases["email"]["documents"] == 2
    assert cases["email"]["captures"] == 4  # each e-mail files its attached PDF
    for case in cases.values():
        assert case["total_s_median"] > 0 and case["peak_rss_mb"] > 0
        assert "pdf-text" in case["engines"] or "ofd-text" in case["engines"] or "email" in case["engines"]
    assert cases["pdf200"]["ms_per_page"] > 0 and cases["pdf200"]["first_page_s_median"] > 0
    assert out["machine"]["cpus"] and len(out["machine"]["loadavg_1_5_15"]) == 3
