"""Benchmark the capture path of the tray app under a real X server (Xvfb).

Starts its own Xvfb (default 1920x1080x24, trayer as tray host), shows a full-screen
image composed of four dev-set chat screenshots (so captures are not trivially
compressible PNGs), starts the app (`main.py --no-welcome -v`: no first-start window) on a
temporary library and config dir, drives it with xdotool and reads the app's
`proofshot.timing` log lines:

1. hotkey -> overlay visible: t0 = time.time(); `xdotool key ctrl+alt+p`; latency =
   `overlay_visible_at` - t0 (same clock). Split into t0 -> `hotkey_received_at`
   (xdotool process + X RECORD + pynput + queued signal) and hotkey_received ->
   overlay painted (in the app). The wall time of `xdotool key ctrl+alt+o` (unbound)
   is reported as the xdotool overhead. Escape closes the overlay between runs.
2. mouse release / Enter -> capture committed (`capture_committed_ms`): N whole-screen
   captures (Enter in the overlay) alternating with N 900x700 region drags. The image
   window is moved by a pixel before each run so every capture has distinct bytes. Each
   commit is labelled "ocr busy" when an OCR process of the app (tesseract or the PP-OCR
   worker) or the app's ocr-worker thread used CPU while it was being saved, and is put in
   an OCR phase from the app's `ocr_job_*` lines (`commit_by_phase_ms`: `ocr_idle`,
   `ocr_reading` while the queue is being read, `worker_starting` while the PP-OCR worker
   is started for an image). Each commit carries the writer's own breakdown (`queued_ms`,
   `encode_ms`, `store_ms`, `cpu_ms` on a CPU, `runq_ms` waiting for one) and what the
   writer thread was sampled doing every 3 ms (`writer_state`: running or runnable, futex =
   the GIL or a lock, disk = fsync and writes).
3. VmRSS of the app (/proc/PID/status): idle after start; idle after the first
   `--rss-after` (20) captures once their OCR is done (the bench pauses there, so the
   captures after it start with OCR idle); and right after the last capture. OCR of the
   captures after the pause is not waited for.

    PYTHONPATH=. .venv/bin/python bench/capture_bench.py --json
    PYTHONPATH=. .venv/bin/python bench/capture_bench.py --runs 10 --width 1280 --height 800

`--wayland grim` or `--wayland portal` runs the same measurements on a headless sway instead
(bench/capture_bench_wayland.py, which says what it measures):

    PYTHONPATH=. .venv/bin/python bench/capture_bench.py --wayland grim --runs 30 --json
    PYTHONPATH=. .venv/bin/python bench/capture_bench.py --wayland portal --runs 30 --json

`--json` prints one JSON object on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from tests.xdisplay import (  # noqa: E402
    SHOW_IMAGE,
    drag,
    wait_for_no_window,
    wait_for_window,
    xdotool,
    xvfb,
)

MAIN = ROOT / "main.py"
EVALSET = ROOT / "tests" / "data" / "evalset"
OVERLAY = "Proofshot capture"
IMAGE_WINDOW = "proofshot-test-image"
#: Four ~950x700 chat/order screenshots, one per quadrant of the composed screen.
TILES = ("0002", "0009", "0022", "0034")
TARGETS = {"overlay_p95_ms": 150.0, "commit_fullscreen_p95_ms": 100.0, "idle_rss_mb": 120.0}


def progress(msg: str) -> None:
    print(f"[capture_bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def stats(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0}
    s = sorted(values)
    rank = lambda q: s[min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))]  # noqa: E731 nearest rank
    return {
        "n": len(s),
        "min": round(s[0], 1),
        "median": round(statistics.median(s), 1),
        "p95": round(rank(0.95), 1),
        "max": round(s[-1], 1),
    }


def compose_screen(width: int, height: int, path: Path) -> None:
    """A full-screen image: the dev screenshots tiled 2x2, each cropped to its quadrant."""
    canvas = Image.new("RGB", (width, height), (236, 236, 240))
    qw, qh = width // 2, height // 2
    for i, name in enumerate(TILES):
        src = EVALSET / f"{name}.png"
        if not src.exists():
            continue
        im = Image.open(src).convert("RGB")
        canvas.paste(im.crop((0, 0, min(qw, im.width), min(qh, im.height))), ((i % 2) * qw, (i // 2) * qh))
    canvas.save(path)


def wait_screen_shows(env: dict[str, str], expected: Path, timeout: float = 20.0) -> None:
    """Wait until the X screen shows `expected` pixel for pixel (the image window painted)."""
    import mss

    want = Image.open(expected).convert("RGB").tobytes()
    old = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = env["DISPLAY"]
    try:
        deadline = time.monotonic() + timeout
        while True:
            with mss.MSS() as sct:
                got = bytes(sct.grab(sct.monitors[1]).rgb)
            if got == want:
                return
            if time.monotonic() > deadline:
                raise RuntimeError("the screen does not show the composed image")
            time.sleep(0.2)
    finally:
        if old is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = old


class AppLog:
    """The app's stderr (a file), read incrementally for timing lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pos = 0
        self.buf = ""

    def text(self) -> str:
        return self.path.read_text(errors="replace") if self.path.exists() else ""

    def skip_to_end(self) -> None:
        self.pos = self.path.stat().st_size if self.path.exists() else 0
        self.buf = ""

    def wait_for(self, key: str, timeout: float = 15.0) -> float:
        """The float after the next `key=` in the log (lines not yet consumed)."""
        pattern = re.compile(re.escape(key) + r"=([0-9.]+)")
        deadline = time.monotonic() + timeout
        while True:
            m = pattern.search(self.buf)
            if m:
                self.buf = self.buf[m.end() :]
                return float(m.group(1))
            if self._read_more():
                continue
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {key}= in the app log within {timeout}s")
            time.sleep(0.002)

    def _read_more(self) -> bool:
        """Append what the app wrote to the log since the last read; False when nothing."""
        with open(self.path, "rb") as f:
            f.seek(self.pos)
            chunk = f.read()
        if not chunk:
            return False
        self.pos += len(chunk)
        self.buf += chunk.decode(errors="replace")
        return True

    def wait_for_fields(self, key: str, timeout: float = 15.0) -> dict[str, float]:
        """Every `name=number` on the next line with `key=` (lines not yet consumed)."""
        deadline = time.monotonic() + timeout
        while True:
            at = self.buf.find(key + "=")
            end = self.buf.find("\n", at) if at >= 0 else -1
            if end >= 0:
                start = self.buf.rfind("\n", 0, at) + 1
                line, self.buf = self.buf[start:end], self.buf[end:]
                return {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", line)}
            if self._read_more():
                continue
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {key}= in the app log within {timeout}s")
            time.sleep(0.002)

    def lines_with(self, key: str) -> list[dict[str, float]]:
        """The `name=number` fields of every line of the whole log with `key=`."""
        return [
            {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", line)}
            for line in self.text().splitlines()
            if key + "=" in line
        ]

    def find_all(self, key: str) -> list[float]:
        return [float(v) for v in re.findall(re.escape(key) + r"=([0-9.]+)", self.text())]


def vm_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmRSS")


def ocr_worker_ticks(pid: int) -> int:
    """CPU clock ticks used so far by the app's "ocr-worker" thread (QThread names it)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        if comm.startswith("ocr-worker"):
            fields = stat[stat.rindex(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def ocr_children(pid: int) -> list[int]:
    """The OCR processes the app started: tesseract, or the PP-OCR worker
    (`python -m capture.ppocr_worker`)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
            if ppid != pid:
                continue
            comm = stat[stat.index("(") + 1 : stat.rindex(")")]
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if comm.startswith("tesseract") or b"capture.ppocr_worker" in cmdline:
            found.append(int(entry))
    return found


def cpu_ticks(pids: list[int]) -> int:
    """utime + stime of these processes (all their threads), in clock ticks."""
    total = 0
    for p in pids:
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])
    return total


def child_processes(pid: int) -> list[tuple[int, list[bytes]]]:
    """(pid, command line) of the app's running child processes (the storage helper, the
    PP-OCR worker); one that exited stays a zombie, holding nothing, until the app next
    uses it, and is left out."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            kids = (task / "children").read_text().split()
        except OSError:
            continue
        for kid in kids:
            try:
                if Path(f"/proc/{kid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
                found.append((int(kid), Path(f"/proc/{kid}/cmdline").read_bytes().split(b"\0")))
            except OSError:
                continue
    return found


def storage_helper_running(pid: int) -> bool:
    """Whether the app's storage helper process (storage.helper) runs."""
    return any(b"storage.helper" in cmdline for _kid, cmdline in child_processes(pid))


def ocr_child_running(pid: int) -> bool:
    """True when an OCR process started by the app (tesseract or the PP-OCR worker) is alive."""
    return bool(ocr_children(pid))


#: What a thread blocked in the kernel waits on, by its wchan (/proc/PID/task/TID/wchan).
WCHAN_KINDS = (
    ("futex", "futex (the GIL or a lock)"),
    ("nanosleep", "sleep (SQLite busy handler)"),
    ("poll", "poll/select"),
    ("select", "poll/select"),
    ("pipe", "pipe"),
)


def wchan_kind(state: str, wchan: str) -> str:
    if state == "R":
        return "running or runnable"
    for needle, kind in WCHAN_KINDS:
        if needle in wchan:
            return kind
    if state == "D" or any(
        w in wchan for w in ("sync", "jbd2", "folio", "wait_on_page", "ext4", "blk", "io_")
    ):
        return f"disk ({wchan})"
    return f"other ({state} {wchan})"


class ThreadSampler:
    """Samples one thread of the app (by name) every `period` s: its state and wchan,
    with the wall time. `kinds(t0, t1)` counts the samples in a time span: what the
    thread was doing (e.g. the capture writer between a release and its commit)."""

    def __init__(self, pid: int, name: str, period: float = 0.003) -> None:
        import threading

        self.pid, self.name, self.period = pid, name, period
        self.samples: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._tid: int | None = None
        self._thread.start()

    def _find(self) -> int | None:
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            try:
                if (task / "comm").read_text().strip() == self.name:
                    return int(task.name)
            except OSError:
                continue
        return None

    def _run(self) -> None:
        while not self._stop.wait(self.period):
            try:
                if self._tid is None:
                    self._tid = self._find()
                    if self._tid is None:
                        continue
                base = f"/proc/{self.pid}/task/{self._tid}"
                stat = Path(f"{base}/stat").read_text()
                wchan = Path(f"{base}/wchan").read_text().strip()
            except OSError:
                continue
            state = stat[stat.rindex(")") + 2]
            self.samples.append((time.time(), wchan_kind(state, wchan)))

    def kinds(self, t0: float, t1: float) -> dict[str, int]:
        out: dict[str, int] = {}
        for t, kind in self.samples:
            if t0 <= t <= t1:
                out[kind] = out.get(kind, 0) + 1
        return out

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)


def machine_info() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    try:
        out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout
        tess = out.split("\n")[0]
    except OSError:
        tess = None
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "pyside6": pyside_version,
        "qt": qVersion(),
        "tesseract": tess,
        "platform": platform.platform(),
        "loadavg_before": Path("/proc/loadavg").read_text().split()[:3],
    }


#: The phases a commit is sorted into, by what OCR was doing between release and commit.
PHASES = ("ocr_idle", "ocr_reading", "worker_starting")


def phases(
    runs: list[dict[str, Any]],
    jobs: list[dict[str, float]],
    jobs_started: list[dict[str, float]],
    sampler: ThreadSampler | None,
    first_n: int,
    result: dict[str, Any],
) -> None:
    """Label each commit with the OCR phase it fell in, from the app's `ocr_job_*` lines:
    `worker_starting` when it overlapped an image for which a PP-OCR worker process was
    started (spawn, models loading, its first image), `ocr_reading` when it overlapped any
    other image being read (the queue filling), `ocr_idle` otherwise. Adds, per phase and
    for the first `first_n` commits and the rest, the commit statistics and what the
    capture writer thread was sampled doing (`writer_state`)."""
    finished = len(jobs)
    if jobs_started and len(jobs_started) > len(jobs):
        # The image being read when the bench stopped: from its start on.
        last = jobs_started[-1]
        jobs = [
            *jobs,
            {
                "ocr_job_started_at": last["ocr_job_start_at"],
                "ocr_job_ended_at": math.inf,
                "ocr_worker_starts": last.get("ocr_worker_cold", 0),
            },
        ]
    for r in runs:
        at = r.get("committed_at")
        if at is None:
            r["phase"] = "unknown"
            continue
        t0, t1 = at - r["commit_ms"] / 1000, at
        over = [j for j in jobs if j["ocr_job_started_at"] < t1 and j["ocr_job_ended_at"] > t0]
        if any(j.get("ocr_worker_starts", 0) > 0 for j in over):
            r["phase"] = "worker_starting"
        elif over:
            r["phase"] = "ocr_reading"
        else:
            r["phase"] = "ocr_idle"
        if sampler is not None:
            r["writer_state"] = sampler.kinds(t0, t1)

    def summary(sel: list[dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = stats([r["commit_ms"] for r in sel])
        for key in ("queued_ms", "encode_ms", "store_ms", "cpu_ms", "runq_ms"):
            vals = [r["writer"][key] for r in sel if key in r.get("writer", {})]
            if vals:
                out[key] = stats(vals)
        states: dict[str, int] = {}
        for r in sel:
            for k, n in r.get("writer_state", {}).items():
                states[k] = states.get(k, 0) + n
        if states:
            total = sum(states.values())
            out["writer_state_share"] = {
                k: round(n / total, 3) for k, n in sorted(states.items(), key=lambda kv: -kv[1])
            }
        return out

    result["commit_by_phase_ms"] = {
        name: summary([r for r in runs if r.get("phase") == name]) for name in PHASES
    }
    result["commit_first_ms"] = summary(runs[:first_n])
    result["commit_after_first_ms"] = summary(runs[first_n:])
    result["ocr_jobs_started"] = len(jobs_started)
    result["ocr_jobs_finished"] = finished
    result["ocr_worker_starts"] = sum(int(j.get("ocr_worker_starts", 0)) for j in jobs)
    result["commits"] = [
        {k: r[k] for k in ("mode", "commit_ms", "phase", "writer", "writer_state") if k in r} for r in runs
    ]


class AppProcess:
    """The tray app being measured, and its command line: shared by this bench and the
    Wayland one (bench/capture_bench_wayland.py). Subclasses set `library`, `log`, `env`
    (the command line's environment) and `app_env` (extra variables for the app)."""

    library: Path
    log: AppLog
    env: dict[str, str]
    app_env: dict[str, str]
    app: subprocess.Popen[bytes] | None = None

    # --- the app -------------------------------------------------------------------------

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(MAIN), "--library", str(self.library), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )

    def start_app(self) -> float:
        t = time.monotonic()
        with open(self.log.path, "ab") as out:
            self.app = subprocess.Popen(
                # --no-welcome: the tray app alone, as the Wayland bench runs it. With the
                # first-start window open, every grab hides it and waits a repaint (~100 ms).
                [sys.executable, str(MAIN), "--no-welcome", "-v", "--library", str(self.library)],
                env={**self.env, **self.app_env},
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.app.poll() is not None:
                raise RuntimeError(f"the app exited with {self.app.returncode}:\n{self.log.text()}")
            if self.cli("status").returncode == 0:
                return time.monotonic() - t
            time.sleep(0.2)
        raise RuntimeError("the app did not start:\n" + self.log.text())

    def stop_app(self) -> None:
        if self.app is not None and self.app.poll() is None:
            self.app.send_signal(signal.SIGTERM)
            try:
                self.app.wait(20)
            except subprocess.TimeoutExpired:
                self.app.kill()
                self.app.wait()

    def captures(self) -> list[dict[str, Any]]:
        proc = self.cli("captures", "list", "--json")
        if proc.returncode != 0:
            raise RuntimeError(f"captures list failed: {proc.stderr}")
        return json.loads(proc.stdout)  # type: ignore[no-any-return]


class Bench(AppProcess):
    def __init__(self, env: dict[str, str], tmp: Path, args: argparse.Namespace) -> None:
        self.args = args
        self.env = {**env, "PROOFSHOT_CONFIG_DIR": str(tmp / "config"), "PYTHONPATH": str(ROOT)}
        self.app_env = dict(kv.split("=", 1) for kv in args.app_env)
        self.library = tmp / "library"
        self.log = AppLog(tmp / "app.log")
        self.app: subprocess.Popen[bytes] | None = None
        self.image_wid: str | None = None
        self.shift = 0

    # --- the screen ----------------------------------------------------------------------

    def change_screen(self) -> None:
        """Move the image window by one pixel so the next capture has new bytes."""
        if self.image_wid is None:
            return
        self.shift += 1
        xdotool(
            self.env, "windowmove", self.image_wid, str(-(self.shift % 64)), str(-(self.shift // 64 % 64))
        )

    def open_overlay(self) -> dict[str, float]:
        self.log.skip_to_end()
        t0 = time.time()
        subprocess.run(["xdotool", "key", "ctrl+alt+p"], env=self.env, check=True, timeout=20)
        received = self.log.wait_for("hotkey_received_at")
        grabbed = self.log.wait_for("screens_grabbed_ms")
        visible = self.log.wait_for("overlay_visible_at")
        return {
            "latency_ms": (visible - t0) * 1000,
            "to_received_ms": (received - t0) * 1000,
            "in_app_ms": (visible - received) * 1000,
            "grab_ms": grabbed,
        }

    # --- phases --------------------------------------------------------------------------

    def xdotool_overhead(self, n: int) -> list[float]:
        out = []
        for _ in range(n):
            t = time.perf_counter()
            subprocess.run(["xdotool", "key", "ctrl+alt+o"], env=self.env, check=True, timeout=20)
            out.append((time.perf_counter() - t) * 1000)
            time.sleep(0.02)
        return out

    def hotkey_runs(self, n: int) -> list[dict[str, float]]:
        runs = []
        for i in range(n):
            r = self.open_overlay()
            runs.append(r)
            xdotool(self.env, "key", "Escape")
            wait_for_no_window(self.env, OVERLAY, timeout=10)
            time.sleep(0.15)  # let the app go idle, like a user between captures
            if i == 0 or (i + 1) % 10 == 0:
                progress(f"hotkey run {i + 1}/{n}: {r['latency_ms']:.1f} ms")
        return runs

    def commit_run(self, i: int, mode: str) -> dict[str, Any]:
        """One capture: open the overlay, Enter (whole screen) or drag a region, read the commit time."""
        assert self.app is not None
        w, h = self.args.width, self.args.height
        rw, rh = min(900, w - 40), min(700, h - 40)
        self.change_screen()
        time.sleep(0.05)
        overlay = self.open_overlay()
        children = ocr_children(self.app.pid)
        busy = bool(children)
        ticks = ocr_worker_ticks(self.app.pid) + cpu_ticks(children)
        if mode == "fullscreen":
            xdotool(self.env, "key", "Return")
        else:
            x0 = 20 + (i * 7) % max(1, w - rw - 40)
            y0 = 20 + (i * 5) % max(1, h - rh - 40)
            drag(self.env, x0, y0, x0 + rw, y0 + rh)
        fields = self.log.wait_for_fields("capture_committed_ms", timeout=30)
        # OCR competed if an OCR process (tesseract, the PP-OCR worker) or the app's OCR
        # thread used CPU while the capture was being kept.
        children = sorted(set(children) | set(ocr_children(self.app.pid)))
        busy = busy or bool(children) or ocr_worker_ticks(self.app.pid) + cpu_ticks(children) > ticks
        wait_for_no_window(self.env, OVERLAY, timeout=10)
        time.sleep(0.15)
        return capture_result(mode, fields, busy, overlay["latency_ms"])

    def wait_ocr_done(self, expected: int, timeout: float) -> tuple[list[dict[str, Any]], float]:
        t = time.monotonic()
        deadline = t + timeout
        last = -1
        while True:
            caps = self.captures()
            pending = sum(1 for c in caps if c.get("ocr_status") == "pending")
            if len(caps) >= expected and pending == 0:
                return caps, time.monotonic() - t
            if pending != last:
                progress(f"waiting for OCR: {pending} of {len(caps)} captures pending")
                last = pending
            if time.monotonic() > deadline:
                raise TimeoutError(f"OCR still pending on {pending} captures after {timeout}s")
            time.sleep(2)


def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.monotonic()
    result: dict[str, Any] = {
        "machine": machine_info(),
        "screen": f"{args.width}x{args.height}x24",
        "runs": args.runs,
        "targets": TARGETS,
    }
    with tempfile.TemporaryDirectory(prefix="capture_bench.") as tmpdir:
        tmp = Path(tmpdir)
        screen_png = tmp / "screen.png"
        compose_screen(args.width, args.height, screen_png)
        with xvfb(args.width, args.height) as env:
            shower = subprocess.Popen(
                [sys.executable, str(SHOW_IMAGE), str(screen_png)],
                env={**env, "PYTHONPATH": str(ROOT)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            bench = Bench(env, tmp, args)
            try:
                ids = wait_for_window(env, IMAGE_WINDOW, timeout=20)
                bench.image_wid = ids[0]
                wait_screen_shows(env, screen_png)
                progress(f"Xvfb {env['DISPLAY']} {result['screen']}; starting the app")
                result["app_start_s"] = round(bench.start_app(), 2)
                time.sleep(args.idle)
                assert bench.app is not None
                result["rss_mb"] = {"idle_after_start": vm_rss_mb(bench.app.pid)}
                progress(f"idle RSS after start: {result['rss_mb']['idle_after_start']} MB")

                overhead = bench.xdotool_overhead(min(args.runs, 20))
                result["xdotool_key_wall_ms"] = stats(overhead)

                progress(f"hotkey -> overlay: {args.runs} runs")
                hk = bench.hotkey_runs(args.runs)
                result["hotkey_to_overlay_ms"] = stats([r["latency_ms"] for r in hk])
                result["hotkey_to_overlay_ms"]["first"] = round(hk[0]["latency_ms"], 1)
                result["hotkey_to_overlay_ms"]["without_first"] = stats([r["latency_ms"] for r in hk[1:]])
                result["hotkey_to_received_ms"] = stats([r["to_received_ms"] for r in hk])
                result["received_to_overlay_ms"] = stats([r["in_app_ms"] for r in hk])
                result["screens_grabbed_ms"] = stats([r["grab_ms"] for r in hk])

                n_total = 2 * args.runs
                rss_at = min(args.rss_after, n_total)
                progress(
                    f"{args.runs} whole-screen and {args.runs} {min(900, args.width - 40)}x"
                    f"{min(700, args.height - 40)} region captures, alternating; RSS after {rss_at}"
                )
                runs: list[dict[str, Any]] = []
                sampler = ThreadSampler(bench.app.pid, "capture-writer")
                for k in range(n_total):
                    mode = "fullscreen" if k % 2 == 0 else "region"
                    runs.append(bench.commit_run(k // 2, mode))
                    if k == 0 or (k + 1) % 10 == 0:
                        r = runs[-1]
                        progress(
                            f"capture {k + 1}/{n_total} ({mode}): {r['commit_ms']:.1f} ms, ocr busy {r['ocr_busy']}"
                        )
                    if rss_at and k + 1 == rss_at:
                        caps, waited = bench.wait_ocr_done(rss_at, timeout=args.ocr_timeout)
                        result["ocr_wait_s"] = round(waited, 1)
                        result["ocr_status_at_rss"] = {
                            st: sum(1 for c in caps if c.get("ocr_status") == st)
                            for st in sorted({str(c.get("ocr_status")) for c in caps})
                        }
                        time.sleep(args.idle)
                        result["rss_mb"]["idle_after_captures"] = vm_rss_mb(bench.app.pid)
                        result["rss_mb"]["captures_before"] = len(caps)
                        progress(
                            f"idle RSS after {len(caps)} captures, OCR done: {result['rss_mb']['idle_after_captures']} MB"
                        )
                sampler.stop()
                phases(
                    runs,
                    bench.log.lines_with("ocr_job_started_at"),
                    bench.log.lines_with("ocr_job_start_at"),
                    sampler,
                    rss_at or n_total,
                    result,
                )
                full = [r for r in runs if r["mode"] == "fullscreen"]
                region = [r for r in runs if r["mode"] == "region"]
                for name, sel in (("fullscreen", full), ("region", region)):
                    result[f"commit_{name}_ms"] = stats([r["commit_ms"] for r in sel])
                    result[f"commit_{name}_ms"]["ocr_busy_runs"] = sum(r["ocr_busy"] for r in sel)
                    result[f"commit_{name}_ms_ocr_busy"] = stats(
                        [r["commit_ms"] for r in sel if r["ocr_busy"]]
                    )
                    result[f"commit_{name}_ms_ocr_idle"] = stats(
                        [r["commit_ms"] for r in sel if not r["ocr_busy"]]
                    )
                # every overlay opening during the capture runs: the overlay with OCR running
                result["hotkey_to_overlay_ms_during_captures"] = stats([r["overlay_ms"] for r in runs])
                if args.after_helper_exit:
                    # Captures that find the storage helper gone (it exits when idle; ADR 012): it
                    # is started as the capture starts, and the commit waits for whatever of its
                    # start the selection did not cover. The app must run with a short idle time
                    # (--app-env PROOFSHOT_STORAGE_IDLE_S=2).
                    cold = []
                    for k in range(args.after_helper_exit):
                        waited = time.monotonic()
                        while storage_helper_running(bench.app.pid):
                            if time.monotonic() - waited > 600:
                                raise RuntimeError(
                                    "the storage helper did not exit: is PROOFSHOT_STORAGE_IDLE_S set?"
                                )
                            time.sleep(0.1)
                        cold.append(bench.commit_run(1000 + k, "region"))
                        progress(f"capture after the helper exited {k + 1}: {cold[-1]['commit_ms']:.1f} ms")
                    result["commit_after_helper_exit_ms"] = stats([r["commit_ms"] for r in cold])
                    result["storage_helper_start_ms"] = stats(bench.log.find_all("storage_helper_start_ms"))
                caps = bench.captures()
                result["captures"] = len(caps)
                result["distinct_sha256"] = len({c.get("sha256") for c in caps})
                result["flagged_uniform"] = sum(1 for c in caps if "uniform" in str(c.get("flags") or ""))
                if result["distinct_sha256"] < len(caps) or result["flagged_uniform"]:
                    progress("WARNING: some captures are duplicates or blank: the screen did not change")
                result["rss_mb"]["after_all_captures_ocr_running"] = vm_rss_mb(bench.app.pid)
                result["ok"] = {
                    "overlay_p95": result["hotkey_to_overlay_ms"]["p95"] <= TARGETS["overlay_p95_ms"],
                    "commit_fullscreen_p95": result["commit_fullscreen_ms"]["p95"]
                    <= TARGETS["commit_fullscreen_p95_ms"],
                    "idle_rss_after_start": result["rss_mb"]["idle_after_start"] <= TARGETS["idle_rss_mb"],
                    "idle_rss_after_captures": result["rss_mb"].get("idle_after_captures", math.inf)
                    <= TARGETS["idle_rss_mb"],
                }
            except BaseException:
                progress("failed; the app log ends with:\n" + bench.log.text()[-3000:])
                raise
            finally:
                bench.stop_app()
                shower.terminate()
                try:
                    shower.wait(10)
                except subprocess.TimeoutExpired:
                    shower.kill()
                    shower.wait()
    result["loadavg_after"] = Path("/proc/loadavg").read_text().split()[:3]
    if args.app_env:
        result["app_env"] = args.app_env
    result["total_s"] = round(time.monotonic() - started, 1)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    ap.add_argument("--runs", type=int, default=30, help="runs per measurement (default 30)")
    ap.add_argument("--width", type=int, default=1920)
    ap.add_argument("--height", type=int, default=1080)
    ap.add_argument("--idle", type=float, default=4.0, help="seconds idle before reading RSS")
    ap.add_argument(
        "--app-env",
        action="append",
        default=[],
        metavar="K=V",
        help="extra environment for the app (repeatable)",
    )
    ap.add_argument(
        "--rss-after",
        type=int,
        default=20,
        help="captures before the second RSS reading (the bench waits for their OCR there); 0: no pause",
    )
    ap.add_argument("--ocr-timeout", type=float, default=400.0, help="max seconds to wait for OCR")
    ap.add_argument(
        "--after-helper-exit",
        type=int,
        default=0,
        metavar="N",
        help="then N region captures, each after the storage helper exited when idle "
        "(with --app-env PROOFSHOT_STORAGE_IDLE_S=2)",
    )
    ap.add_argument(
        "--wayland",
        choices=("grim", "portal"),
        help="run under a headless sway with this grab backend instead of Xvfb (bench/capture_bench_wayland.py)",
    )
    ap.add_argument("--wayland-logs", type=Path, help="copy the Wayland session's logs (sway, portal) here")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if any("=" not in kv for kv in args.app_env):
        ap.error("--app-env takes K=V")
    if args.wayland:
        import capture_bench_wayland

        result = capture_bench_wayland.run(args)
    else:
        result = run(args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


def capture_result(mode: str, fields: dict[str, float], ocr_busy: bool, overlay_ms: float) -> dict[str, Any]:
    """One capture's figures as both capture benches report them: the commit latency and
    time from the app's log line, the writer's breakdown, whether OCR was busy, and the
    hotkey-to-overlay latency."""
    return {
        "mode": mode,
        "commit_ms": fields["capture_committed_ms"],
        "committed_at": fields.get("capture_committed_at"),
        "writer": {
            k: fields[k] for k in ("queued_ms", "encode_ms", "store_ms", "cpu_ms", "runq_ms") if k in fields
        },
        "ocr_busy": ocr_busy,
        "overlay_ms": overlay_ms,
    }


if __name__ == "__main__":
    sys.exit(main())
