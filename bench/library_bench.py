"""Benchmark the library window on a large library (docs/benchmarks.md, "Library window").

Measures, with a real `gui.library_window.LibraryWindow` on a 10,000-capture library:

1. *open*: from constructing the window (QApplication created and the library opened
   beforehand; `Library.open` is timed separately) to the first screen of the thumbnail
   grid painted with real thumbnails (no placeholder left on any row visible in the grid's
   viewport), with the thumbnail disk cache emptied before each run (cold), and once
   with it filled (warm: a new window, so the in-memory cache is empty).
2. *keystroke to results*: ~100 varied queries (search_bench's query classes) typed into
   the search box as a user would: ASCII with key clicks 60 ms apart, Chinese and other
   non-ASCII text committed two characters at a time 150 ms apart as an input method does
   (both under the search debounce, so one search runs per query). Times run from the last
   keystroke (`textChanged`) and from the debounce firing to the new results being painted.

    .venv/bin/python bench/library_bench.py --json
    .venv/bin/python bench/library_bench.py --captures 10000 --debounce-ms 100 --queries 50

The library is built by bench/search_bench.py's `build()` (the same generator, through
storage's public API: `add_purchase`, `add_capture`, `Library.bulk_add`, `trash`), with a
real screenshot-like PNG for every capture instead of a shared tiny one: `--bases` distinct
images cropped / tiled from the dev screenshots in tests/data/evalset at varying offsets
and sizes (phone pages, window-sized regions, whole 1920x1080 screens), and the newest
`--distinct` captures each get their own variant (shifted crop plus a drawn status-bar
clock), so their thumbnails are all different files. Images are encoded with the app's
own `capture.screen.encode_png`. The folder is reused when its `library_bench.json`
records the same parameters. `--build-only` builds (or reuses) it and stops, without Qt.

Qt runs on its own Xvfb 1920x1080x24 (tests/xdisplay.py) unless `--platform offscreen`
or Xvfb cannot start; the JSON says which. `PROOFSHOT_CONFIG_DIR` points at a temporary
folder so saved window geometry or list mode never leak in; the window is shown at 1280x800.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import search_bench as sb  # noqa: E402
from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from storage.blobs import BlobStore  # noqa: E402
from storage.library import DB_NAME, Library  # noqa: E402

PARAMS_FILE = "library_bench.json"
#: Bump when the blob generator changes, so an old library is not reused.
BLOB_VERSION = 2
DEV_DIR = ROOT / "tests" / "data" / "evalset"
WINDOW_SIZE = (1280, 800)

log = sb.log


def now() -> float:
    return time.perf_counter()


# ============================================================================ blobs


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def make_bases(n: int, seed: int) -> list[Image.Image]:
    """`n` distinct screenshot-like images cut from the dev screenshots: phone pages
    (tall crops scaled to 750 px wide), window-sized regions and whole 1920x1080 screens
    (2x2 tiles of four screenshots)."""
    r = random.Random(seed * 31 + 5)
    srcs = sorted(DEV_DIR.glob("*.png"))
    if not srcs:
        raise SystemExit(f"no dev screenshots in {DEV_DIR}")
    cache: dict[Path, Image.Image] = {}

    def src(p: Path) -> Image.Image:
        if p not in cache:
            with Image.open(p) as im:
                cache[p] = im.convert("RGB")
        return cache[p]

    tall = [p for p in srcs if src(p).height > src(p).width * 1.3]
    wide = [p for p in srcs if p not in tall]
    out: list[Image.Image] = []
    for i in range(n):
        kind = ("phone", "region", "region", "screen")[i % 4]
        if kind == "phone" and tall:
            im = src(r.choice(tall))
            w = min(im.width, r.randint(int(im.width * 0.8), im.width))
            h = min(im.height, int(w * r.uniform(1.9, 2.17)))
            x, y = r.randint(0, im.width - w), r.randint(0, im.height - h)
            page = im.crop((x, y, x + w, y + h))
            out.append(page.resize((750, round(750 * h / w)), Image.Resampling.BILINEAR))
        elif kind == "region":
            im = src(r.choice(wide or srcs))
            w = r.randint(min(600, im.width), min(1600, im.width))
            h = r.randint(min(400, im.height), min(1000, im.height))
            x, y = r.randint(0, im.width - w), r.randint(0, im.height - h)
            out.append(im.crop((x, y, x + w, y + h)))
        else:
            screen = Image.new("RGB", (1920, 1080), (236, 236, 236))
            for ox, oy in ((0, 0), (960, 0), (0, 540), (960, 540)):
                im = src(r.choice(srcs))
                x = r.randint(0, max(0, im.width - 960))
                y = r.randint(0, max(0, im.height - 540))
                screen.paste(im.crop((x, y, x + 960, y + 540)), (ox, oy))
            out.append(screen)
    return out


def variant(base: Image.Image, j: int, font: Any) -> Image.Image:
    """A capture of its own: the base shifted by a few pixels with a status-bar clock."""
    dx, dy = j % 17, (j * 7) % 23
    im = base.crop((dx, dy, base.width, base.height))
    d = ImageDraw.Draw(im)
    d.rectangle((0, 0, im.width, 30), fill=(250, 250, 250))
    d.text((12, 5), f"{(j // 60) % 24:02d}:{j % 60:02d}  #{j}", fill=(20, 20, 20), font=font)
    return im


def screenshots(captures: int, bases_n: int, distinct: int, seed: int) -> sb.ImageFor:
    """What search_bench's `build` gives each capture (0 = oldest) as its bytes: the newest
    `distinct` captures a variant of their own, the others the base images in turn, all
    encoded with the app's own `capture.screen.encode_png`."""
    from capture.screen import encode_png

    bases = make_bases(bases_n, seed)
    encoded = [encode_png(im) for im in bases]
    font = _font(20)

    def image_for(i: int) -> bytes:
        k = captures - 1 - i  # 0 = the newest, the first the window shows
        if k < distinct:
            return encode_png(variant(bases[k % len(bases)], k, font))
        return encoded[k % len(encoded)]

    return image_for


def prepare(args: argparse.Namespace) -> tuple[Path, dict[str, Any], bool]:
    root = Path(args.library or f"/tmp/proofshot-library-bench-{args.captures}-s{args.seed}").absolute()
    want = {
        **sb.library_params(argparse.Namespace(captures=args.captures, seed=args.seed)),
        "blobs": BLOB_VERSION,
        "bases": args.bases,
        "distinct": args.distinct,
    }
    pfile = root / PARAMS_FILE
    if pfile.is_file():
        info = json.loads(pfile.read_text())
        if info.get("params") == want and (root / DB_NAME).is_file():
            log(f"reusing the library at {root}")
            return root, info, True
        log(f"{root} holds a library bench library with other parameters; rebuilding it")
        shutil.rmtree(root)
    elif root.exists() and any(root.iterdir()):
        raise SystemExit(f"{root} exists and is not a library bench library; give an empty or new folder")
    log(f"building a library of {args.captures} captures at {root}")
    t0 = now()
    image_for = screenshots(args.captures, args.bases, args.distinct, args.seed)
    blob_s = now() - t0
    log(f"{args.bases} base images made in {blob_s:.1f}s")
    info = {"params": want, **sb.build(root, args.captures, args.seed, image_for=image_for)}
    info["blob_seconds"] = round(blob_s, 1)
    info["distinct_blobs"] = sum(1 for _ in BlobStore(root / "blobs").iter_shas())
    pfile.write_text(json.dumps(info, indent=1) + "\n")
    return root, info, False


# ============================================================================ prototype fixes
#
# `--patch NAME[,NAME...]` measures candidate fixes without touching gui/ or storage/:
#
#   search-limit=N  gui.library_window.SEARCH_LIMIT = N (search results per query).


def apply_patches(names: list[str], root: Path) -> list[str]:
    applied = []
    for name in names:
        if name.startswith("search-limit="):
            import gui.library_window as lw

            lw.SEARCH_LIMIT = int(name.split("=", 1)[1])
        else:
            raise SystemExit(f"unknown --patch {name!r}")
        applied.append(name)
    if applied:
        log(f"prototype fixes applied: {', '.join(applied)}")
    return applied


# ============================================================================ Qt helpers


def start_display(stack: ExitStack, want: str) -> str:
    """Xvfb 1920x1080 (DISPLAY set for this process) or the offscreen platform."""
    if want == "xvfb":
        try:
            from tests.xdisplay import xvfb

            env = stack.enter_context(xvfb(1920, 1080, tray=False))
            os.environ["DISPLAY"] = env["DISPLAY"]
            os.environ.pop("QT_QPA_PLATFORM", None)
            os.environ.pop("WAYLAND_DISPLAY", None)
            return f"xcb (Xvfb {env['DISPLAY']} 1920x1080x24)"
        except Exception as exc:  # fall back, and say so
            log(f"Xvfb unavailable ({exc}); using the offscreen platform")
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return "offscreen"


class PaintWatch:
    """Times of completed paints of some widgets (the end is taken by a zero timer queued
    from the paint event, i.e. right after the paint and its flush were handled)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QEvent, QObject, QTimer

        watch = self
        self.ends: list[float] = []

        class Filter(QObject):
            def eventFilter(self, obj: Any, ev: Any) -> bool:  # noqa: N802
                if ev.type() == QEvent.Type.Paint:
                    QTimer.singleShot(0, lambda: watch.ends.append(now()))
                return False

        self.filter = Filter()

    def watch(self, *widgets: Any) -> None:
        for w in widgets:
            w.installEventFilter(self.filter)

    def first_after(self, t: float) -> float | None:
        return next((e for e in self.ends if e >= t), None)


def wait_until(app: Any, cond: Any, timeout: float) -> bool:
    """Run the event loop until `cond()` is true (checked every ~2 ms and after events)."""
    from PySide6.QtCore import QEventLoop

    deadline = now() + timeout
    while now() < deadline:
        if cond():
            return True
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 2)
        time.sleep(0.001)  # the GUI thread must not spin: workers need the CPU (and the GIL)
    return cond()


def pump(app: Any, seconds: float) -> None:
    from PySide6.QtTest import QTest

    QTest.qWait(max(0, int(seconds * 1000)))


def visible_shas(w: Any) -> list[str]:
    """The capture hashes of the rows the grid viewport shows (even partly)."""
    view = w.current_view()
    area = view.viewport().rect()
    shas = []
    for row in range(min(w.captures.rowCount(), 400)):
        rect = view.visualRect(w.captures.index(row, 0))
        if rect.isValid() and rect.intersects(area):
            shas.append(w.captures.record(row).sha256)
        elif rect.isValid() and rect.top() > area.bottom():
            break
    return shas


def stats(ms: list[float]) -> dict[str, float]:
    out = sb.stats(ms)
    if out:
        out["mean_ms"] = round(statistics.fmean(ms), 2)
    return out


def teardown(app: Any, w: Any) -> None:
    w.close()
    w.runner.wait()
    w.thumbnails.shutdown()
    w.deleteLater()
    pump(app, 0.05)


# ============================================================================ 1. open


def open_run(app: Any, root: Path, cold: bool, expected_rows: int) -> dict[str, Any]:
    from PySide6.QtCore import QCoreApplication, QEvent

    from gui.library_window import LibraryWindow

    thumbs = root / "thumbs"
    if cold:
        for child in thumbs.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    t = now()
    lib = Library.open(root, scan=True)  # as gui.app opens it
    open_ms = (now() - t) * 1000
    try:
        t0 = now()
        w = LibraryWindow(lib)
        t_ctor = now()
        # The window as built by 214494c never loads by itself: refresh_purchases() selects
        # "All captures" with the tree's signals blocked, so the constructor's own
        # setCurrentIndex changes nothing and reload() is never called. Do what the fix
        # (a reload() at the end of __init__) would do, and report it.
        self_loading = w.runner.pending("load")
        if not self_loading:
            w.reload()
        ready: dict[str, float] = {}
        resets: list[float] = []
        w.thumbnails.thumbnail_ready.connect(lambda sha: ready.setdefault(sha, now()))
        w.captures.modelReset.connect(lambda: resets.append(now()))
        paints = PaintWatch()
        paints.watch(w.grid.viewport(), w.list.viewport())
        w.resize(*WINDOW_SIZE)
        w.show()
        t_show = now()
        state: dict[str, Any] = {}

        def loaded() -> bool:
            return bool(resets) and w.captures.rowCount() == expected_rows and not w.runner.pending("load")

        def first_screen() -> bool:
            if not loaded():
                return False
            shas = visible_shas(w)
            if not shas:
                return False
            if any(w.thumbnails.is_missing(s) for s in shas):
                state["missing"] = True
            if all(s in ready for s in shas):
                t_last = max(ready[s] for s in shas)
                painted = paints.first_after(t_last)
                if painted is not None:
                    state.update(visible=len(set(shas)), rows=len(shas), t_last=t_last, painted=painted)
                    return True
            return False

        if not wait_until(app, first_screen, 60):
            raise SystemExit("the first screen of thumbnails did not appear within 60 s")
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        res = {
            "library_open_ms": round(open_ms, 1),
            "window_loads_by_itself": self_loading,
            "window_constructed_ms": round((t_ctor - t0) * 1000, 1),
            "shown_ms": round((t_show - t0) * 1000, 1),
            "list_loaded_ms": round((resets[-1] - t0) * 1000, 1),
            "thumbnails_ready_ms": round((state["t_last"] - t0) * 1000, 1),
            "first_screen_ms": round((state["painted"] - t0) * 1000, 1),
            "visible_rows": state["rows"],
            "visible_distinct_blobs": state["visible"],
            "missing": bool(state.get("missing")),
            "thumbnails_made_before_first_screen": sum(1 for v in ready.values() if v <= state["t_last"]),
        }
        teardown(app, w)
        return res
    finally:
        lib.close()


# ============================================================================ 2. keystrokes


def segments(q: str) -> list[tuple[str, str]]:
    """How a user enters `q`: ("key", c) per ASCII character, ("ime", chunk) per
    two-character commit of anything else (pinyin input commits words)."""
    out: list[tuple[str, str]] = []
    buf = ""
    for ch in q:
        if ch.isascii():
            if buf:
                out += [("ime", buf[i : i + 2]) for i in range(0, len(buf), 2)]
                buf = ""
            out.append(("key", ch))
        else:
            buf += ch
    if buf:
        out += [("ime", buf[i : i + 2]) for i in range(0, len(buf), 2)]
    return out


def keystroke_runs(
    app: Any, root: Path, queries: list[tuple[str, str]], args: argparse.Namespace
) -> dict[str, Any]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    import gui.library_window as lw

    if args.debounce_ms is not None:
        lw.SEARCH_DEBOUNCE_MS = args.debounce_ms
    lib = Library.open(root, scan=True)
    w = lw.LibraryWindow(lib)
    if not w.runner.pending("load"):
        w.reload()  # see open_run
    w.resize(*WINDOW_SIZE)
    w.show()
    paints = PaintWatch()
    paints.watch(w.grid.viewport(), w.list.viewport(), w.empty_label)
    ev: dict[str, Any] = {}
    keys: list[float] = []
    w.search_box.textChanged.connect(lambda _t: keys.append(now()))
    w.captures.modelReset.connect(lambda: ev.setdefault("reset", now()))

    # Instrument (instance attributes only; the window's code is unchanged).
    real_run = w.runner.run

    def run(key: str, fn: Any, on_done: Any, on_failed: Any = None) -> int:
        if key == "load":
            ev.setdefault("fired", []).append(now())
        return real_run(key, fn, on_done, on_failed)

    w.runner.run = run  # type: ignore[method-assign]
    real_search, real_get = lib.search, lib.get_captures

    def search(q: str, **kw: Any) -> Any:
        t = now()
        try:
            return real_search(q, **kw)
        finally:
            ev.setdefault("search", {})[q] = (t, now())

    def get_captures(ids: Any) -> Any:
        t = now()
        try:
            return real_get(ids)
        finally:
            ev["get"] = (t, now())

    lib.search = search  # type: ignore[method-assign]
    lib.get_captures = get_captures  # type: ignore[method-assign]
    real_loaded = w._on_loaded

    def on_loaded(result: Any) -> None:
        t = now()
        real_loaded(result)
        if result[2] == w.query():
            ev["loaded"] = (result[2], t, now(), len(result[0]))

    w._on_loaded = on_loaded  # type: ignore[method-assign]
    profiler = cProfile.Profile() if args.profile else None

    wait_until(app, lambda: w.captures.rowCount() > 0 and not w.runner.pending("load"), 60)
    pump(app, 1.0)
    w.search_box.setFocus()
    per: list[dict[str, Any]] = []
    for i, (cls, q) in enumerate(queries):
        if q.strip() == w.query():
            continue
        # idle: nothing loading, thumbnails of the last results made
        wait_until(app, lambda: not w.runner.pending("load") and not w.runner.pending("preview"), 10)
        wait_until(app, lambda: w.thumbnails.pool.activeThreadCount() == 0, 2)
        pump(app, 0.1)
        ev.clear()
        w.search_box.selectAll()
        steps = segments(q)
        for k, (kind, s) in enumerate(steps):
            if k:
                pump(app, args.key_gap / 1000 if kind == "key" else args.ime_gap / 1000)
            if kind == "key":
                QTest.keyClick(w.search_box, s, Qt.KeyboardModifier.NoModifier)
            else:
                w.search_box.insert(s)
        t_key = keys[-1]
        if profiler:
            profiler.enable()

        def shown(q: str = q) -> bool:
            got = ev.get("loaded")
            return got is not None and got[0] == q.strip() and paints.first_after(got[2]) is not None

        ok = wait_until(app, shown, 20)
        if profiler:
            profiler.disable()
        if not ok:
            log(f"query {q!r}: results not shown within 20 s")
            continue
        _, t_deliver, t_done, n = ev["loaded"]
        painted = paints.first_after(t_done)
        fired = [f for f in ev.get("fired", []) if f >= t_key]
        t_fire = fired[0] if fired else float("nan")
        s0, s1 = ev.get("search", {}).get(q.strip(), (float("nan"), float("nan")))
        g0, g1 = ev.get("get", (float("nan"), float("nan")))
        per.append(
            {
                "class": cls,
                "query": q,
                "keystrokes": len(steps),
                "searches_fired": len(ev.get("fired", [])),
                "results": n,
                "total_ms": round((painted - t_key) * 1000, 1),
                "after_debounce_ms": round((painted - t_fire) * 1000, 1),
                "debounce_ms": round((t_fire - t_key) * 1000, 1),
                "search_ms": round((s1 - s0) * 1000, 1),
                "get_captures_ms": round((g1 - g0) * 1000, 1),
                "queue_to_gui_ms": round((t_deliver - g1) * 1000, 1),
                "on_loaded_ms": round((t_done - t_deliver) * 1000, 1),
                "to_paint_ms": round((painted - t_done) * 1000, 1),
            }
        )
        if i % 20 == 19:
            log(f"queries {i + 1}/{len(queries)}")
    interval = w._search_timer.interval()
    teardown(app, w)
    lib.close()
    by_class: dict[str, Any] = {}
    for cls in sb.CLASSES:
        rows = [p for p in per if p["class"] == cls]
        if rows:
            by_class[cls] = {
                "queries": len(rows),
                "median_results": statistics.median(p["results"] for p in rows),
                "after_debounce": stats([p["after_debounce_ms"] for p in rows]),
                "search": stats([p["search_ms"] for p in rows]),
                "example": rows[0]["query"],
            }
    parts = ("search_ms", "get_captures_ms", "queue_to_gui_ms", "on_loaded_ms", "to_paint_ms")
    out: dict[str, Any] = {
        "debounce_interval_ms": interval,
        "queries": len(per),
        "total": stats([p["total_ms"] for p in per]),
        "after_debounce": stats([p["after_debounce_ms"] for p in per]),
        "debounce_measured": stats([p["debounce_ms"] for p in per]),
        "parts": {k: stats([p[k] for p in per]) for k in parts},
        "extra_searches": sum(p["searches_fired"] - 1 for p in per),
        "by_class": by_class,
        "slowest": sorted(per, key=lambda p: -p["after_debounce_ms"])[:10],
        **({"per_query": per} if args.per_query else {}),
    }
    if profiler:
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats("cumulative").print_stats(30)
        log(buf.getvalue())
    return out


# ============================================================================ main


def run(args: argparse.Namespace) -> dict[str, Any]:
    root, info, reused = prepare(args)
    if args.build_only:
        return {"library": str(root), "reused_library": reused, **info}
    patches = apply_patches([p for p in (args.patch or "").split(",") if p], root)
    queries = sb.make_queries(root / DB_NAME, args.queries, args.seed)
    with ExitStack() as stack:
        config = stack.enter_context(tempfile.TemporaryDirectory(prefix="library-bench-config-"))
        os.environ["PROOFSHOT_CONFIG_DIR"] = config
        display = start_display(stack, args.platform)
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import qVersion
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication(sys.argv[:1])
        app.setApplicationName("Proofshot")
        with Library.open(root) as lib:
            expected = lib.count_captures()["all"]
        # Library.open alone (the app opens with scan=True: every blob's presence checked)
        opens: dict[str, list[float]] = {"scan": [], "no_scan": []}
        for _ in range(3):
            for key, scan in (("no_scan", False), ("scan", True)):
                t = now()
                Library.open(root, scan=scan).close()
                opens[key].append((now() - t) * 1000)
        # What the window's initial load does in its worker, timed alone
        with Library.open(root) as lib:
            t = now()
            lib.list_captures()
            list_ms = (now() - t) * 1000
        cold = []
        for k in range(args.open_runs):
            res = open_run(app, root, cold=True, expected_rows=expected)
            cold.append(res)
            log(
                f"open run {k + 1}/{args.open_runs} (cold thumbnails): first screen {res['first_screen_ms']} ms"
            )
        warm = open_run(app, root, cold=False, expected_rows=expected) if args.open_runs else {}
        if warm:
            log(f"open run (warm thumbnails): first screen {warm['first_screen_ms']} ms")
        keys = keystroke_runs(app, root, queries, args) if args.queries else {}
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())

    def agg(key: str) -> dict[str, float]:
        v = [r[key] for r in cold]
        if not v:
            return {}
        return {"median_ms": round(statistics.median(v), 1), "max_ms": round(max(v), 1)}

    return {
        "captures": expected,
        "library": str(root),
        "reused_library": reused,
        "build_seconds": info.get("build_seconds"),
        "blob_seconds": info.get("blob_seconds"),
        "distinct_blobs": info.get("distinct_blobs"),
        "library_bytes": size,
        "display": display,
        "patches": patches,
        "window": f"{WINDOW_SIZE[0]}x{WINDOW_SIZE[1]}",
        "machine": {
            "nproc": os.cpu_count(),
            "loadavg": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
            "pyside6": pyside_version,
            "qt": qVersion(),
            "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(),
        },
        "library_open_ms": {
            k: {"median_ms": round(statistics.median(v), 1), "max_ms": round(max(v), 1)}
            for k, v in opens.items()
        },
        "list_captures_all_ms": round(list_ms, 1),
        "open": {
            "runs": len(cold),
            "first_screen_cold": agg("first_screen_ms"),
            "list_loaded_cold": agg("list_loaded_ms"),
            "window_constructed_cold": agg("window_constructed_ms"),
            "thumbnails_ready_cold": agg("thumbnails_ready_ms"),
            "first_screen_warm_ms": warm.get("first_screen_ms"),
            "cold_runs": cold,
            "warm_run": warm,
        },
        "keystroke": keys,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--captures", type=int, default=10_000)
    ap.add_argument(
        "--library", help="library folder (built there, or reused if built with the same parameters)"
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bases", type=int, default=80, help="distinct base screenshots")
    ap.add_argument("--distinct", type=int, default=800, help="newest captures with a blob of their own")
    ap.add_argument("--open-runs", type=int, default=5)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--debounce-ms", type=int, help="override gui.library_window.SEARCH_DEBOUNCE_MS")
    ap.add_argument("--key-gap", type=int, default=60, help="ms between ASCII key clicks")
    ap.add_argument("--ime-gap", type=int, default=150, help="ms between input-method commits")
    ap.add_argument("--platform", choices=("xvfb", "offscreen"), default="xvfb")
    ap.add_argument(
        "--patch",
        help="changes to measure: search-limit=N (the fast listings it once prototyped are now in storage)",
    )
    ap.add_argument(
        "--profile", action="store_true", help="cProfile the GUI thread while waiting for results"
    )
    ap.add_argument("--json", action="store_true", help="print one JSON object to stdout")
    ap.add_argument("--per-query", action="store_true", help="include every query's timings in the JSON")
    ap.add_argument(
        "--build-only",
        action="store_true",
        help="build (or reuse) the library, print what it is and stop (no display needed)",
    )
    args = ap.parse_args()
    res = run(args)
    if args.json or args.build_only:
        print(json.dumps(res, ensure_ascii=False, indent=1))
    else:
        o, k = res["open"], res["keystroke"]
        print(f"captures {res['captures']}  display {res['display']}  window {res['window']}")
        print(f"Library.open {res['library_open_ms']}")
        print(f"open → first screen (cold): {o['first_screen_cold']}  warm: {o['first_screen_warm_ms']} ms")
        if k:
            print(f"keystroke → results (debounce {k['debounce_interval_ms']} ms): total {k['total']}")
            print(f"  after debounce: {k['after_debounce']}")
            for name, s in k["parts"].items():
                print(f"  {name}: {s}")


if __name__ == "__main__":
    main()
