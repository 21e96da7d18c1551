"""The capture bench on Wayland: a headless sway (tests/wayland.py), grim or the screenshot portal.

Run through `bench/capture_bench.py --wayland grim|portal` (same options and output style as
the X11 bench). Starts its own headless sway (WaylandSession, default one 1920x1080 output),
creates the virtual pointer first (so every Qt client binds its wl_pointer at start-up and
no press is lost), shows the same 2x2 composite of dev screenshots full-screen (checked with
grim), starts the app (`main.py --no-welcome -v`, QT_QPA_PLATFORM=wayland, the grab backend
forced with PROOFSHOT_SCREEN_GRABBER=grim|portal; for the portal a session bus, pipewire and
xdg-desktop-portal(-wlr, -gtk) from WaylandSession.start_portal()) and reads its
`proofshot.timing` log lines:

1. trigger -> overlay visible, `--runs` runs each, Escape (wtype) closing the overlay between
   runs. Three triggers, t0 = time.time() right before each:
   - *shortcut*: the sway binding of `main.py --library L capture` (WaylandSession.bind:
     wtype's virtual keyboard -> sway -> the harness's relay -> the command, which forwards
     the request to the running app over its local socket): what a user's desktop shortcut does;
   - *command*: the bench runs `main.py --library L capture` itself (no wtype, no sway binding);
   - *request*: the bench sends the same `{"cmd": "capture"}` request over the app's local
     socket itself (gui.single_instance.send_request): the part inside the app (request
     received -> overlay painted), since the app logs no "request received" line.
   The latency is `overlay_visible_at` - t0; `screens_grabbed_ms` (grim or the portal on the
   grab thread) is reported with it. With no system tray (headless sway has none) the app shows
   its window, which it hides before each grab and then waits one compositor frame (50 ms,
   gui.controller.COMPOSITOR_FRAME_S) before grabbing: that wait is in the latency, not in
   `screens_grabbed_ms`. The wall time of `wtype` for an unbound key is the wtype overhead.
   Escape is sent once sway shows the overlay focused (its first paint may come earlier); when
   the overlay is still open 0.5 s later (a lost key, see WaylandSession.press_keys) a right
   click closes it (counted).
2. release -> capture committed (`capture_committed_ms`): `--runs` near-whole-screen drags
   ((W-40)x(H-40), offset by up to 39 px) alternating with `--runs` 900x700 drags, each in an
   overlay opened by the shortcut; the offsets differ on every run, so every capture has
   distinct bytes. "OCR busy" as in the X11 bench.
3. The backend alone, outside the app (`--runs` each, alternating): `grim -t ppm -o OUTPUT
   FILE` (what the grim backend runs) and, for the portal run, a Screenshot(interactive=False)
   call by the harness's own D-Bus client (request -> Response signal: the portal, its wlr
   backend and the grim it runs, which writes a PNG; then the file read and deleted). Their
   difference is the portal's own cost.
4. VmRSS of the app after start and after the captures.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import capture_bench as cb  # noqa: E402 (bench/ is the script's folder)
from PIL import ImageChops  # noqa: E402

from tests.wayland import HarnessError, WaylandSession, portal_file_lock  # noqa: E402
from tests.wayland_pointer import BTN_RIGHT  # noqa: E402

MAIN = ROOT / "main.py"
OVERLAY = "Proofshot capture"
KEYS = "Ctrl+Alt+p"
UNBOUND_KEYS = "Ctrl+Alt+o"
TARGETS = {"overlay_p95_ms_grim": 250.0}


def package_versions() -> dict[str, str]:
    names = ["sway", "grim", "wtype", "xdg-desktop-portal", "xdg-desktop-portal-wlr", "pipewire"]
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Package} ${Version}\n", *names],
            capture_output=True,
            text=True,
            timeout=20,
        ).stdout
    except OSError:
        return {}
    return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)


class WaylandBench(cb.AppProcess):
    def __init__(self, w: WaylandSession, tmp: Path, args: argparse.Namespace) -> None:
        self.w = w
        self.args = args
        self.tmp = tmp
        self.library = tmp / "library"
        self.log = cb.AppLog(tmp / "app.log")
        self.env = {
            **w.env(),
            "PROOFSHOT_CONFIG_DIR": str(tmp / "config"),
            "PROOFSHOT_TRAY_WAIT_S": "0",
            "PROOFSHOT_SCREEN_GRABBER": args.wayland,
            "PYTHONPATH": str(ROOT),
            **dict(kv.split("=", 1) for kv in args.app_env),
        }
        self.app_env: dict[str, str] = {}  # already in env: the shortcut's runs get them too
        self.app: subprocess.Popen[bytes] | None = None
        self.binding = w.bind(
            KEYS,
            [sys.executable, str(MAIN), "--library", str(self.library), "capture"],
            env=self.env,
            cwd=ROOT,
        )
        self.binding_runs = 0
        self.escape_lost = 0

    # --- the overlay ---------------------------------------------------------------------

    def overlay_windows(self) -> list[dict[str, Any]]:
        assert self.app is not None
        return [v for v in self.w.windows() if v.get("pid") == self.app.pid and v.get("name") == OVERLAY]

    def wait_overlay_closed(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.overlay_windows():
            if time.monotonic() > deadline:
                raise TimeoutError("the overlay did not close")
            time.sleep(0.02)

    def open_overlay(self, trigger: str) -> dict[str, float]:
        """Trigger a capture; the times from t0 (just before the trigger) to the overlay. For
        the portal, under the harness's portal file lock (xdg-desktop-portal-wlr writes one
        fixed /tmp/out.png for every session on the machine), taken before t0."""
        lock = portal_file_lock() if self.args.wayland == "portal" else contextlib.nullcontext()
        with lock:
            return self._open_overlay(trigger)

    def _open_overlay(self, trigger: str) -> dict[str, float]:
        self.log.skip_to_end()
        proc: subprocess.Popen[bytes] | None = None
        t0 = time.time()
        if trigger == "shortcut":
            self.w.press_keys(KEYS)
            self.binding_runs += 1
        elif trigger == "command":
            proc = subprocess.Popen(
                [sys.executable, str(MAIN), "--library", str(self.library), "capture"],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=ROOT,
            )
        else:
            from gui.single_instance import send_request

            reply = send_request(
                self.library, {"cmd": "capture", "purchase_id": None, "inbox": False, "note": None}, 10000
            )
            if not reply or not reply.get("opened"):
                raise RuntimeError(f"the app did not open the overlay: {reply}")
        grabbed = self.log.wait_for("screens_grabbed_ms", timeout=30)
        visible = self.log.wait_for("overlay_visible_at", timeout=30)
        # The command has answered by now or soon: let it exit before the next step.
        if trigger == "shortcut":
            proc = self.binding.wait_run(self.binding_runs)
        if proc is not None:
            proc.wait(30)
            if proc.returncode != 0:
                raise RuntimeError(f"main.py capture exited with {proc.returncode}")
        return {"latency_ms": (visible - t0) * 1000, "grab_ms": grabbed}

    def wait_overlay_focused(self, timeout: float = 10.0) -> None:
        """Until sway shows the overlay and has given it the keyboard: its first paint may
        come before that, and a key sent earlier goes elsewhere."""
        deadline = time.monotonic() + timeout
        while not any(v.get("focused") for v in self.overlay_windows()):
            if time.monotonic() > deadline:
                raise TimeoutError("sway does not show the overlay focused")
            time.sleep(0.01)

    def close_overlay(self) -> None:
        """Escape in the overlay, and a right click (which cancels too) when Escape was lost:
        each `wtype` run is a keyboard with its own keymap, and a Qt client now and then drops
        the key sent with a keymap switch (see WaylandSession.press_keys)."""
        self.wait_overlay_focused()
        self.w.press_keys("Escape")
        with contextlib.suppress(TimeoutError):
            self.wait_overlay_closed(timeout=0.5)
            return
        self.escape_lost += 1
        self.w.pointer.click(self.args.width // 2, self.args.height // 2, self.w.extents(), button=BTN_RIGHT)
        self.wait_overlay_closed()

    # --- phases --------------------------------------------------------------------------

    def wtype_overhead(self, n: int) -> list[float]:
        out = []
        for _ in range(n):
            t = time.perf_counter()
            self.w.press_keys(UNBOUND_KEYS)
            out.append((time.perf_counter() - t) * 1000)
            time.sleep(0.02)
        return out

    def overlay_runs(self, trigger: str, n: int) -> list[dict[str, float]]:
        runs = []
        for i in range(n):
            r = self.open_overlay(trigger)
            runs.append(r)
            self.close_overlay()
            time.sleep(0.15)  # let the app go idle, like a user between captures
            if i == 0 or (i + 1) % 10 == 0:
                cb.progress(f"{trigger} run {i + 1}/{n}: {r['latency_ms']:.1f} ms (grab {r['grab_ms']:.1f})")
        return runs

    def commit_run(self, i: int, mode: str) -> dict[str, Any]:
        assert self.app is not None
        w, h = self.args.width, self.args.height
        if mode == "large":
            rw, rh = w - 40, h - 40
            x0, y0 = i % 40, (i * 7) % 40
        else:
            rw, rh = min(900, w - 40), min(700, h - 40)
            x0 = 20 + (i * 7) % max(1, w - rw - 40)
            y0 = 20 + (i * 5) % max(1, h - rh - 40)
        overlay = self.open_overlay("shortcut")
        children = cb.ocr_children(self.app.pid)
        ticks = cb.ocr_worker_ticks(self.app.pid) + cb.cpu_ticks(children)
        self.wait_overlay_focused()
        self.w.drag(x0, y0, x0 + rw, y0 + rh)
        fields = self.log.wait_for_fields("capture_committed_ms", timeout=30)
        # OCR competed if an OCR process (tesseract, the PP-OCR worker) or the app's OCR
        # thread used CPU while the capture was being kept.
        children = sorted(set(children) | set(cb.ocr_children(self.app.pid)))
        busy = cb.ocr_worker_ticks(self.app.pid) + cb.cpu_ticks(children) > ticks
        self.wait_overlay_closed()
        time.sleep(0.15)
        return cb.capture_result(mode, fields, busy, overlay["latency_ms"])

    def backend_alone(self, n: int, portal: bool) -> dict[str, list[float]]:
        """grim as the grim backend runs it, and the portal's Screenshot call, outside the app."""
        output = self.w.outputs()[0].name
        out: dict[str, list[float]] = {"grim": [], "portal": []}
        env = self.w.env()
        for _ in range(n):
            path = self.tmp / "grim.ppm"
            t = time.perf_counter()
            subprocess.run(["grim", "-t", "ppm", "-o", output, str(path)], env=env, check=True, timeout=30)
            out["grim"].append((time.perf_counter() - t) * 1000)
            path.unlink()
            if portal:
                t = time.perf_counter()
                self.w.portal_screenshot()  # its file read and deleted, under the portal lock
                out["portal"].append((time.perf_counter() - t) * 1000)
            time.sleep(0.1)
        return out


def check_screen(w: WaylandSession, picture: Any, args: argparse.Namespace) -> None:
    """The output shows the picture, but for the cursor in the bottom-right corner."""
    changed = ImageChops.difference(w.grim(), picture.expected()).getbbox()
    if changed is not None and (changed[0] < args.width - 32 or changed[1] < args.height - 32):
        raise RuntimeError(f"the screen does not show the picture alone: {changed} differ")


def overlay_stats(runs: list[dict[str, float]]) -> dict[str, Any]:
    s = cb.stats([r["latency_ms"] for r in runs])
    s["first"] = round(runs[0]["latency_ms"], 1)
    s["without_first"] = cb.stats([r["latency_ms"] for r in runs[1:]])
    return s


def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.monotonic()
    portal = args.wayland == "portal"
    result: dict[str, Any] = {
        "session": "wayland",
        "backend": args.wayland,
        "machine": {**cb.machine_info(), "packages": package_versions()},
        "screen": f"{args.width}x{args.height} (headless sway, pixman)",
        "runs": args.runs,
        "targets": TARGETS,
    }
    with tempfile.TemporaryDirectory(prefix="capture_bench_wayland.") as tmpdir:
        tmp = Path(tmpdir)
        screen_png = tmp / "screen.png"
        cb.compose_screen(args.width, args.height, screen_png)
        with WaylandSession(width=args.width, height=args.height, log_dir=args.wayland_logs) as w:
            if portal:
                t = time.monotonic()
                w.start_portal()
                result["portal_start_s"] = round(time.monotonic() - t, 2)
            # A virtual keyboard that lives as long as the session: each `wtype` makes its own
            # keyboard and drops it on exit, so without this one the seat gains and loses its
            # keyboard on every key and Qt clients (which bind wl_keyboard when the seat gains
            # one) never see the key; sway's own bindings do.
            keyboard = subprocess.Popen(["wtype", "-s", "100000000"], env=w.env(), start_new_session=True)
            time.sleep(0.3)
            # The pointer exists before the app starts (the app binds its wl_pointer at
            # start-up, so no press is lost); it waits in the bottom-right corner. The session
            # now sets `seat * hide_cursor 1` and show_picture waits for the exact pixels; the
            # fallback and check_screen (which allows the corner) stay from when headless sway
            # drew the cursor into every screenshot.
            w.move_to(args.width - 1, args.height - 1)
            try:
                picture = w.show_picture(screen_png, timeout=15)
            except HarnessError:
                picture = w._pictures[-1]  # noqa: SLF001 (the window is up; its pixels are checked below)
            check_screen(w, picture, args)
            bench = WaylandBench(w, tmp, args)
            try:
                cb.progress(f"sway {w.socket} {result['screen']}, backend {args.wayland}; starting the app")
                result["app_start_s"] = round(bench.start_app(), 2)
                time.sleep(args.idle)
                assert bench.app is not None
                check_screen(w, picture, args)
                result["rss_mb"] = {"idle_after_start": cb.vm_rss_mb(bench.app.pid)}
                cb.progress(f"idle RSS after start: {result['rss_mb']['idle_after_start']} MB")

                result["wtype_key_wall_ms"] = cb.stats(bench.wtype_overhead(min(args.runs, 20)))
                for trigger in ("shortcut", "command", "request"):
                    cb.progress(f"{trigger} -> overlay: {args.runs} runs")
                    runs = bench.overlay_runs(trigger, args.runs)
                    result[f"{trigger}_to_overlay_ms"] = overlay_stats(runs)
                    result[f"{trigger}_screens_grabbed_ms"] = cb.stats([r["grab_ms"] for r in runs])

                n_total = 2 * args.runs
                cb.progress(f"{args.runs} large and {args.runs} 900x700 drags, alternating")
                caps_runs: list[dict[str, Any]] = []
                for k in range(n_total):
                    mode = "large" if k % 2 == 0 else "region"
                    caps_runs.append(bench.commit_run(k // 2, mode))
                    if k == 0 or (k + 1) % 10 == 0:
                        r = caps_runs[-1]
                        cb.progress(
                            f"capture {k + 1}/{n_total} ({mode}): {r['commit_ms']:.1f} ms, ocr busy {r['ocr_busy']}"
                        )
                cb.phases(
                    caps_runs,
                    bench.log.lines_with("ocr_job_started_at"),
                    bench.log.lines_with("ocr_job_start_at"),
                    None,
                    n_total,
                    result,
                )
                result["rss_mb"]["after_all_captures_ocr_running"] = cb.vm_rss_mb(bench.app.pid)
                for name in ("large", "region"):
                    sel = [r for r in caps_runs if r["mode"] == name]
                    result[f"commit_{name}_ms"] = cb.stats([r["commit_ms"] for r in sel])
                    result[f"commit_{name}_ms"]["ocr_busy_runs"] = sum(r["ocr_busy"] for r in sel)
                result["commit_large_size"] = f"{args.width - 40}x{args.height - 40}"
                result["shortcut_to_overlay_ms_during_captures"] = cb.stats(
                    [r["overlay_ms"] for r in caps_runs]
                )
                caps = bench.captures()
                result["captures"] = len(caps)
                result["distinct_sha256"] = len({c.get("sha256") for c in caps})
                if result["distinct_sha256"] < len(caps):
                    cb.progress("WARNING: some captures are duplicates")

                cb.progress(f"the backend alone, outside the app: {args.runs} runs")
                alone = bench.backend_alone(args.runs, portal)
                result["escape_lost_closed_by_right_click"] = bench.escape_lost
                result["grim_alone_ms"] = cb.stats(alone["grim"])
                if portal:
                    result["portal_alone_ms"] = cb.stats(alone["portal"])
                if not portal:
                    result["ok"] = {
                        "overlay_p95": result["shortcut_to_overlay_ms"]["p95"]
                        <= TARGETS["overlay_p95_ms_grim"]
                    }
            except BaseException:
                cb.progress("failed; the app log ends with:\n" + bench.log.text()[-3000:])
                if isinstance(sys.exc_info()[1], HarnessError):
                    cb.progress(w.logs())
                raise
            finally:
                bench.stop_app()
                keyboard.terminate()
                keyboard.wait(10)
    result["loadavg_after"] = Path("/proc/loadavg").read_text().split()[:3]
    if args.app_env:
        result["app_env"] = args.app_env
    result["total_s"] = round(time.monotonic() - started, 1)
    return result


if __name__ == "__main__":  # pragma: no cover - run through capture_bench.py --wayland
    print("run: PYTHONPATH=. .venv/bin/python bench/capture_bench.py --wayland grim|portal", file=sys.stderr)
    sys.exit(2)
