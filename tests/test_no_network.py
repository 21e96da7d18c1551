"""Proofshot opens no network connection unless trusted time is on (issue 14).

A fresh interpreter records every Internet socket it creates, connects or resolves
(`sys.addaudithook`: socket.__new__, socket.connect, socket.getaddrinfo) while it keeps
a capture (import), hands it to the app's stamping worker, searches, exports (report PDF
included) and verifies. With trusted time off there must be none; with it on, the only
connections go to the TSA's address. Where `unshare -n` works (root), the same run with
trusted time off also succeeds in a network namespace that has no interfaces at all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .tsa_server import LocalTsa

SCRIPT = r"""
import json, socket, sys
seen = []
def hook(event, args):
    if event == "socket.__new__" and args[1] in (socket.AF_INET, socket.AF_INET6):
        seen.append([event, str(args[1])])
    elif event == "socket.connect" and args[0].family in (socket.AF_INET, socket.AF_INET6):
        seen.append([event, repr(args[1])])
    elif event == "socket.getaddrinfo":
        seen.append([event, repr(args[:2])])
sys.addaudithook(hook)

lib_dir, png, out = sys.argv[1:4]
from main import main
assert main(["--library", lib_dir, "purchases", "add", "--title", "Headphones"]) == 0
assert main(["--library", lib_dir, "import", png, "--purchase", "1", "--no-ocr"]) == 0

# The app's stamping worker is told about the capture as the controller tells it.
from PySide6.QtWidgets import QApplication
app = QApplication.instance() or QApplication([])
from storage.library import Library
from storage.settings import load_settings
from gui.timestamp_worker import TimestampWorker
lib = Library.open(lib_dir)
worker = TimestampWorker(lib, load_settings())
worker.start()
cid = lib.list_captures()[0].id
worker.capture_saved(cid)
import time
deadline = time.monotonic() + 20
from storage import timestamps as ts
while load_settings().tsa_enabled and time.monotonic() < deadline:
    if any(r.status != ts.PENDING for r in ts.requests(lib)):
        break
    time.sleep(0.05)
worker.stop()
status = [r.status for r in ts.requests(lib)]
lib.close()

assert main(["--library", lib_dir, "search", "Headphones"]) in (0, 1)
assert main(["--library", lib_dir, "export", "1", "--out", out]) == 0
import glob
[folder] = glob.glob(out + "/Proofshot_*")
assert main(["verify", folder]) == 0
print("RESULT " + json.dumps({"sockets": seen, "status": status}))
"""


def _run(tmp_path: Path, make_png, config: dict[str, object], prefix: list[str] = ()) -> dict[str, object]:
    png = tmp_path / "shot.png"
    png.write_bytes(make_png(seed=3))
    conf_dir = tmp_path / "config"
    conf_dir.mkdir(exist_ok=True)
    (conf_dir / "settings.json").write_text(json.dumps(config))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PROOFSHOT_CONFIG_DIR": str(conf_dir),
        "QT_QPA_PLATFORM": "offscreen",
    }
    proc = subprocess.run(
        [*prefix, sys.executable, "-c", SCRIPT, str(tmp_path / "lib"), str(png), str(tmp_path / "out")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    result: dict[str, object] = json.loads(line[len("RESULT ") :])
    return result


def test_with_trusted_time_off_nothing_opens_a_socket(tmp_path, make_png):
    result = _run(tmp_path, make_png, {})
    assert result["sockets"] == []
    assert result["status"] == []  # nothing was even queued


def test_with_trusted_time_on_only_the_tsa_is_contacted(tmp_path, make_png):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed for the local TSA")
    tsa = LocalTsa(tmp_path / "tsa").start()
    try:
        result = _run(
            tmp_path,
            make_png,
            {"tsa_enabled": True, "tsa_url": tsa.url, "tsa_stamp_captures": True, "tsa_stamp_exports": True},
        )
    finally:
        tsa.stop()
    assert result["status"] == ["stamped"]
    sockets = result["sockets"]
    assert isinstance(sockets, list) and sockets
    connects = {s[1] for s in sockets if s[0] == "socket.connect"}
    assert connects == {repr(("127.0.0.1", tsa.port))}
    assert all("127.0.0.1" in s[1] for s in sockets if s[0] == "socket.getaddrinfo")


def _unshare_works() -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _unshare_works(), reason="needs root and `unshare -n`")
def test_with_trusted_time_off_all_works_without_any_network(tmp_path, make_png):
    result = _run(tmp_path, make_png, {}, prefix=["unshare", "-n"])
    assert result["sockets"] == [] and result["status"] == []


@pytest.mark.skipif(not _unshare_works(), reason="needs root and `unshare -n`")
def test_with_trusted_time_on_but_no_network_the_capture_is_kept_and_waits(tmp_path, make_png):
    result = _run(
        tmp_path,
        make_png,
        {"tsa_enabled": True, "tsa_url": "https://freetsa.org/tsr", "tsa_stamp_exports": False},
        prefix=["unshare", "-n"],
    )
    assert result["status"] == ["failed"]
