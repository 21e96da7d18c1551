"""Memory of the tray app at rest: the floor, what each import costs, and where the app's
resident memory lives.

Three measurements (all on this machine, RSS = VmRSS; Pss and private bytes from
/proc/PID/smaps_rollup, which do not depend on what other processes share):

1. `floor`: minimal PySide6 programs under Xvfb with trayer as tray host, 4 s after
   start: a QGuiApplication; a QApplication with a tray icon and a menu; the same with a
   pynput hotkey listener (what the tray app must at least be).
2. `imports`: a fresh interpreter importing, one after the other, the modules the tray
   app loads at start-up; the RSS and private bytes after each (the cost of each, in the
   order the app pays it).
3. `app`: the real app (`main.py --no-welcome --library <tmp>`, PROOFSHOT_CONFIG_DIR=<tmp>)
   under Xvfb showing the capture bench's screen: after start, after `--captures` captures
   taken with `main.py capture --region` once their OCR is done, and where that memory
   is (smaps grouped: Qt libraries, Python extension modules, fonts, the heap and anonymous
   memory, thread stacks), with the modules loaded (`sys.modules` is not visible from
   outside, so it lists the mapped extension modules).

    PYTHONPATH=. .venv/bin/python bench/memory_bench.py --json
    PYTHONPATH=. .venv/bin/python bench/memory_bench.py --only app --captures 20 --app-env MALLOC_ARENA_MAX=2

`--json` prints one JSON object on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))

import capture_bench as cb  # noqa: E402

from tests.xdisplay import SHOW_IMAGE, wait_for_window, xvfb  # noqa: E402

#: Modules the tray app imports at start-up, in about the order it does (main.py -> cli ->
#: gui.app), each measured on top of the ones before.
IMPORTS = (
    "PySide6.QtCore",
    "PySide6.QtGui",
    "PySide6.QtWidgets",
    "PIL.Image",
    "pynput.keyboard",
    "storage.remote",
    "capture.screen",
    "capture.grabbers",
    "capture.windows",
    "gui.overlay",
    "gui.workers",
    "gui.controller",
    "gui.app",
)

FLOOR_PROGRAM = textwrap.dedent(
    """
    import sys, time
    from PySide6.QtCore import QTimer
    kind = sys.argv[1]
    if kind == "qgui":
        from PySide6.QtGui import QGuiApplication
        app = QGuiApplication(sys.argv[:1])
    else:
        from PySide6.QtGui import QIcon
        from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon
        app = QApplication(sys.argv[:1])
        app.setQuitOnLastWindowClosed(False)
        menu = QMenu()
        for i in range(8):
            menu.addAction(f"Action {i}")
        tray = QSystemTrayIcon(QIcon(sys.argv[2]))
        tray.setContextMenu(menu)
        tray.show()
        if kind == "tray+pynput":
            from pynput import keyboard
            listener = keyboard.GlobalHotKeys({"<ctrl>+<alt>+p": lambda: None})
            listener.start()
    QTimer.singleShot(int(float(sys.argv[3]) * 1000), app.quit)
    app.exec()
    print(open("/proc/self/status").read(), flush=True)
    print("SMAPS", open("/proc/self/smaps_rollup").read(), flush=True)
    """
)

IMPORT_PROGRAM = textwrap.dedent(
    """
    import importlib, json, sys
    def mem():
        out = {}
        for line in open("/proc/self/smaps_rollup"):
            parts = line.split()
            if len(parts) >= 3 and parts[0].rstrip(":") in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
                out[parts[0].rstrip(":")] = int(parts[1])
        return {"rss_mb": round(out["Rss"] / 1024, 1),
                "private_mb": round((out["Private_Clean"] + out["Private_Dirty"]) / 1024, 1)}
    rows = [{"module": "(python)", **mem()}]
    for name in sys.argv[1:]:
        importlib.import_module(name)
        rows.append({"module": name, **mem()})
    print(json.dumps(rows))
    """
)


def progress(msg: str) -> None:
    print(f"[memory_bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def status_mb(text: str, key: str) -> float:
    m = re.search(rf"^{key}:\s+(\d+) kB", text, re.M)
    return round(int(m.group(1)) / 1024, 1) if m else 0.0


def rollup_mb(text: str) -> dict[str, float]:
    vals = {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB", text, re.M)}
    return {
        "rss_mb": round(vals.get("Rss", 0) / 1024, 1),
        "pss_mb": round(vals.get("Pss", 0) / 1024, 1),
        "private_mb": round((vals.get("Private_Clean", 0) + vals.get("Private_Dirty", 0)) / 1024, 1),
        "anonymous_mb": round(vals.get("Anonymous", 0) / 1024, 1),
    }


def smaps_groups(pid: int) -> dict[str, Any]:
    """The process's resident memory grouped by what is mapped: MB Rss per group, and the
    largest files. Anonymous memory is told apart by its shape: `[heap]` is malloc's main
    arena (the GUI thread's), a 64 MB-aligned block of 64 MB (with its PROT_NONE tail) a
    thread's malloc arena, 8 MB after a guard page a thread's stack, the rest mmapped
    blocks (large buffers, Python's object arenas, Qt's)."""
    maps: list[tuple[int, int, str, str, int]] = []  # start, end, perms, name, rss kB
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split(maxsplit=5)
        if len(head) >= 5 and "-" in head[0] and not head[0].endswith(":"):
            lo, hi = (int(x, 16) for x in head[0].split("-"))
            maps.append((lo, hi, head[1], head[5].strip() if len(head) == 6 else "", 0))
        elif line.startswith("Rss:") and maps:
            lo, hi, perms, name, _ = maps[-1]
            maps[-1] = (lo, hi, perms, name, int(line.split()[1]))
    arena = 64 << 20
    groups: dict[str, int] = {}
    files: dict[str, int] = {}
    for i, (lo, hi, _perms, name, kb) in enumerate(maps):
        if name:
            group = classify(name)
            if name.startswith("/"):
                files[name] = files.get(name, 0) + kb
        else:
            prev = maps[i - 1] if i else None
            nxt = maps[i + 1] if i + 1 < len(maps) else None
            guarded = prev is not None and prev[1] == lo and prev[2].startswith("---") and not prev[3]
            tail = hi - lo + (nxt[1] - nxt[0] if nxt and nxt[0] == hi and nxt[2].startswith("---") else 0)
            if lo % arena == 0 and tail == arena:
                group = "malloc arenas of other threads"
            elif guarded and hi - lo in (8 << 20, (8 << 20) - 4096, 16 << 20):
                group = "thread stacks"
            else:
                group = "mmapped anonymous blocks (large buffers, Python's arenas, Qt)"
        groups[group] = groups.get(group, 0) + kb
    top = sorted(files.items(), key=lambda kv: -kv[1])[:25]
    return {
        "groups_mb": {k: round(v / 1024, 1) for k, v in sorted(groups.items(), key=lambda kv: -kv[1]) if v},
        "largest_files_mb": {short(k): round(v / 1024, 1) for k, v in top},
    }


def short(path: str) -> str:
    """A mapped file's path without the machine's own folders."""
    for marker in ("site-packages/", "/lib/python3", "/usr/lib/", "/usr/share/"):
        if marker in path:
            return marker.strip("/").split("/")[-1] + ":" + path.split(marker, 1)[1]
    return Path(path).name


def classify(name: str) -> str:
    if name == "[heap]":
        return "malloc main arena ([heap]: the GUI thread's)"
    if name.startswith("[stack"):
        return "main thread stack"
    if name.startswith("["):
        return name
    low = name.lower()
    if low.endswith((".ttf", ".ttc", ".otf", ".otc")) or "/fonts/" in low:
        return "fonts"
    if "libqt6" in low or "/pyside6/qt/" in low:
        return "Qt libraries"
    if "/pyside6/" in low or "shiboken" in low:
        return "PySide6 bindings"
    if "libpython" in low or re.search(r"/bin/python3?[.0-9]*$", low):
        return "Python interpreter"
    if "site-packages" in low or "lib-dynload" in low:
        return "Python extension modules"
    if "/icu" in low or "libicu" in low:
        return "ICU"
    if low.endswith(".cache") or "fontconfig" in low:
        return "fontconfig cache"
    return "other libraries and files"


def loaded_extensions(pid: int) -> list[str]:
    """Python extension modules and big libraries mapped by the process (what was imported)."""
    seen: set[str] = set()
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and ("site-packages" in parts[5] or "lib-dynload" in parts[5]):
            seen.add(short(parts[5].strip()))
    return sorted(seen)


# ------------------------------------------------------------------------------ the floor


def floor(seconds: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    icon = str(ROOT / "resources" / "icons" / "proofshot.svg")
    with xvfb(1920, 1080) as env:
        for kind in ("qgui", "tray", "tray+pynput"):
            proc = subprocess.run(
                [sys.executable, "-c", FLOOR_PROGRAM, kind, icon, str(seconds)],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            if proc.returncode != 0:
                raise RuntimeError(f"{kind}: {proc.stderr[-2000:]}")
            status, _, smaps = proc.stdout.partition("SMAPS")
            out[kind] = {"vm_rss_mb": status_mb(status, "VmRSS"), **rollup_mb(smaps)}
            progress(f"floor {kind}: {out[kind]}")
    return out


def imports() -> list[dict[str, Any]]:
    with xvfb(640, 480, tray=False) as env:  # pynput needs a display to import
        proc = subprocess.run(
            [sys.executable, "-c", IMPORT_PROGRAM, *IMPORTS],
            env={**env, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
        )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    rows: list[dict[str, Any]] = json.loads(proc.stdout)
    for before, row in zip(rows, rows[1:], strict=False):
        row["rss_added_mb"] = round(row["rss_mb"] - before["rss_mb"], 1)
        row["private_added_mb"] = round(row["private_mb"] - before["private_mb"], 1)
    for row in rows:
        progress(f"import {row}")
    return rows


# -------------------------------------------------------------------------------- the app


def children(pid: int) -> list[int]:
    """The app's running child processes (the storage helper, the PP-OCR worker)."""
    return [kid for kid, _cmdline in cb.child_processes(pid)]


def child_memory(pid: int) -> list[dict[str, Any]]:
    out = []
    for kid, cmdline in cb.child_processes(pid):
        try:
            status = Path(f"/proc/{kid}/status").read_text()
        except OSError:
            continue
        module = cmdline[cmdline.index(b"-m") + 1].decode() if b"-m" in cmdline else cmdline[0].decode()
        out.append({"pid": kid, "module": module, "vm_rss_mb": status_mb(status, "VmRSS")})
    return out


def app_memory(pid: int) -> dict[str, Any]:
    status = Path(f"/proc/{pid}/status").read_text()
    threads = int(re.search(r"^Threads:\s+(\d+)", status, re.M).group(1))  # type: ignore[union-attr]
    maps = Path(f"/proc/{pid}/maps").read_text()
    return {
        "vm_rss_mb": status_mb(status, "VmRSS"),
        "vm_hwm_mb": status_mb(status, "VmHWM"),
        "threads": threads,
        "sqlalchemy_loaded": "/sqlalchemy/" in maps,
        "children": child_memory(pid),
        **rollup_mb(Path(f"/proc/{pid}/smaps_rollup").read_text()),
        **smaps_groups(pid),
    }


def app(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {
        "captures": args.captures,
        "app_env": args.app_env,
        "fresh_library": args.fresh_library,
    }
    bench_args = argparse.Namespace(app_env=args.app_env, width=1920, height=1080)
    with tempfile.TemporaryDirectory(prefix="memory_bench.") as tmpdir:
        tmp = Path(tmpdir)
        screen_png = tmp / "screen.png"
        cb.compose_screen(1920, 1080, screen_png)
        with xvfb(1920, 1080) as env:
            shower = subprocess.Popen(
                [sys.executable, str(SHOW_IMAGE), str(screen_png)],
                env={**env, "PYTHONPATH": str(ROOT)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            bench = cb.Bench(env, tmp, bench_args)
            try:
                bench.image_wid = wait_for_window(env, cb.IMAGE_WINDOW, timeout=20)[0]
                cb.wait_screen_shows(env, screen_png)
                if not args.fresh_library:
                    # An existing library, as a user's: a new one is created and migrated
                    # by the app itself, which loads alembic, mako and pygments (~13 MB).
                    bench.cli("captures", "list")
                out["app_start_s"] = round(bench.start_app(), 2)
                time.sleep(args.idle)
                assert bench.app is not None
                pid = bench.app.pid
                out["after_start"] = app_memory(pid)
                out["after_start"]["extensions"] = loaded_extensions(pid)
                progress(f"after start: {out['after_start']['vm_rss_mb']} MB")
                for i in range(args.captures):
                    bench.change_screen()
                    time.sleep(0.05)
                    x, y = 20 + (i * 7) % 900, 20 + (i * 5) % 300
                    proc = bench.cli("capture", "--region", f"{x},{y},900,700")
                    if proc.returncode != 0:
                        raise RuntimeError(f"capture failed: {proc.stderr}")
                if args.captures:
                    out["rss_right_after_captures_mb"] = cb.vm_rss_mb(pid)
                    caps, waited = bench.wait_ocr_done(args.captures, timeout=args.ocr_timeout)
                    out["ocr_wait_s"] = round(waited, 1)
                    time.sleep(args.idle)
                    out["after_captures"] = app_memory(pid)
                    out["after_captures"]["extensions"] = loaded_extensions(pid)
                    progress(f"after {len(caps)} captures, OCR done: {out['after_captures']['vm_rss_mb']} MB")
                if args.rest:
                    # At rest: the storage helper and the PP-OCR worker exit after their idle
                    # time (180 s each); what stays is the tray alone.
                    waited = time.monotonic()
                    while children(pid) and time.monotonic() - waited < args.rest:
                        time.sleep(1)
                    out["rest_wait_s"] = round(time.monotonic() - waited, 1)
                    time.sleep(args.idle)
                    out["at_rest"] = app_memory(pid)
                    progress(f"at rest, helpers gone: {out['at_rest']['vm_rss_mb']} MB")
            except BaseException:
                progress("failed; the app log ends with:\n" + bench.log.text()[-3000:])
                raise
            finally:
                bench.stop_app()
                shower.terminate()
                shower.wait(10)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    ap.add_argument(
        "--only", choices=("floor", "imports", "app"), action="append", help="run only these parts"
    )
    ap.add_argument("--captures", type=int, default=20, help="captures before the second app reading")
    ap.add_argument("--idle", type=float, default=4.0, help="seconds idle before each reading")
    ap.add_argument("--ocr-timeout", type=float, default=900.0)
    ap.add_argument(
        "--rest",
        type=float,
        default=0.0,
        metavar="S",
        help="then wait up to S seconds for the app's helper processes to exit when idle, and read again",
    )
    ap.add_argument(
        "--fresh-library",
        action="store_true",
        help="let the app create the library (as the capture bench does)",
    )
    ap.add_argument(
        "--app-env", action="append", default=[], metavar="K=V", help="extra environment for the app"
    )
    args = ap.parse_args()
    parts = args.only or ["floor", "imports", "app"]
    result: dict[str, Any] = {"loadavg_before": Path("/proc/loadavg").read_text().split()[:3]}
    if "floor" in parts:
        result["floor"] = floor(args.idle)
    if "imports" in parts:
        result["imports"] = imports()
    if "app" in parts:
        result["app"] = app(args)
    result["loadavg_after"] = Path("/proc/loadavg").read_text().split()[:3]
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
