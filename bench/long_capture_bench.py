"""Benchmark the long-capture stitcher (capture/stitch.py) on synthetic chats.

A synthetic chat (title bar and input box that stay put, messages of noisy rows on a
single-colour background with gaps between them, every row distinct) `--screens` screens
tall is scrolled down in steps of about a third of the window (`--step`, varied by a few
rows; every fifth grab repeats the previous one, as a grab taken while nothing moved), and
every grab is given to `Stitcher.add`; after every tenth stitched frame, one grab two
windows further down is offered too (a "gap": too fast a scroll), timed apart. Frames are built on the fly (not timed); the chat
itself is never held whole.

For each size it reports the time of `add` per frame (median, p95, max; stitched,
unchanged and gap frames apart), the time of `render` (the whole long image, as `verify` will do),
and, in a fresh process each, memory: tracemalloc's peak while stitching (every frame
passing through, the stitcher's state) and what the stitcher holds at the end, and the
process's RSS before and its peak (VmHWM) after stitching and after rendering (with
the frames loaded one at a time, as `verify` would read them from disk).

Sizes: a 1000x900 region and a full 1920x1080 screen at 1x, and the same at 2x (2000x1800,
3840x2160).

    .venv/bin/python bench/long_capture_bench.py --json
    .venv/bin/python bench/long_capture_bench.py --sizes 1920x1080 --screens 40

`--json` prints one JSON object on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from capture.stitch import Stitcher, render  # noqa: E402

SIZES = ("1000x900", "1920x1080", "2000x1800", "3840x2160")
BACKGROUND = bytes((237, 237, 237))


class SyntheticChat:
    """Rows of a tall chat, made on demand: row i is the same bytes every time."""

    def __init__(self, width: int, height: int, screens: int, seed: int = 1) -> None:
        self.width, self.height = width, height
        scale = max(1, height // 900)
        self.title = max(40, height // 14)
        self.input = max(60, height // 9)
        self.region = height - self.title - self.input
        self.length = screens * self.region
        rng = random.Random(seed)
        self._pool = [rng.randbytes(width * 3) for _ in range(64)]
        self._bg = BACKGROUND * width
        # message layout: (start, end, left, right) of each bubble; the rest is background
        self._rows: list[tuple[int, int, int] | None] = []
        y = 0
        while y < self.length:
            gap = rng.randrange(8, 24) * scale
            self._rows += [None] * gap
            left = rng.randrange(width // 20, width // 4)
            right = rng.randrange(width // 2, width - width // 20)
            for _ in range(rng.randrange(20, 120) * scale):
                self._rows.append((rng.randrange(64), left, right))
            y += gap
        self._title = [rng.randbytes(width * 3) for _ in range(self.title)]
        self._input = [BACKGROUND * width] * 4 + [rng.randbytes(width * 3) for _ in range(self.input - 4)]

    @property
    def max_scroll(self) -> int:
        return self.length - self.region

    def row(self, i: int) -> bytes:
        spec = self._rows[i]
        if spec is None:
            return self._bg
        pool, left, right = spec
        # a bubble of noise from the pool, with the row number written in: every row differs
        row = bytearray(self._bg)
        row[left * 3 : right * 3] = self._pool[pool][left * 3 : right * 3]
        row[left * 3 : left * 3 + 8] = i.to_bytes(8, "little")
        return bytes(row)

    def frame(self, scroll: int) -> bytes:
        return b"".join(
            self._title + [self.row(i) for i in range(scroll, scroll + self.region)] + self._input
        )

    def scrolls(self, seed: int = 2) -> Iterator[int]:
        rng = random.Random(seed)
        y, n = 0, 0
        while True:
            yield y
            n += 1
            if y >= self.max_scroll:
                return
            if n % 5:
                y = min(self.max_scroll, y + self.region // 3 + rng.randrange(-20, 21))


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def _summary(ms: list[float]) -> dict[str, float | int]:
    if not ms:
        return {"n": 0}
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 2),
        "p95_ms": round(_pct(ms, 0.95), 2),
        "max_ms": round(max(ms), 2),
    }


def time_case(width: int, height: int, screens: int) -> dict[str, Any]:
    chat = SyntheticChat(width, height, screens)
    stitcher = Stitcher(width, height)
    frames: dict[str, bytes] = {}
    times: dict[str, list[float]] = {}
    for scroll in chat.scrolls():
        data = chat.frame(scroll)
        digest = f"{len(frames):064x}"
        t0 = time.perf_counter()
        result = stitcher.add(data, sha256=digest)
        ms = (time.perf_counter() - t0) * 1000
        times.setdefault(result.kind, []).append(ms)
        if result.stitched:
            frames[digest] = data
            if result.position != scroll:
                raise SystemExit(f"{width}x{height}: frame at {scroll} placed at {result.position}")
            far = scroll + 2 * chat.region
            if len(frames) % 10 == 0 and far <= chat.max_scroll:  # a grab after too fast a scroll
                data = chat.frame(far)
                t0 = time.perf_counter()
                result = stitcher.add(data, sha256=f"{len(frames):064x}")
                times.setdefault(result.kind, []).append((time.perf_counter() - t0) * 1000)
    recipe = stitcher.recipe()
    t0 = time.perf_counter()
    image = render(recipe, frames)
    render_ms = (time.perf_counter() - t0) * 1000
    expected_height = chat.title + chat.length + chat.input
    if image.size != (width, expected_height):
        raise SystemExit(f"{width}x{height}: long image {image.size}, expected {width}x{expected_height}")
    all_ms = [m for ms in times.values() for m in ms]
    return {
        "size": f"{width}x{height}",
        "screens": screens,
        "frames": sum(len(v) for v in times.values()),
        "kinds": {k: len(v) for k, v in sorted(times.items())},
        "long_image": f"{image.size[0]}x{image.size[1]}",
        "add_all": _summary(all_ms),
        "add_stitched": _summary(times.get("stitched", [])),
        "add_unchanged": _summary(times.get("unchanged", [])),
        "add_gap": _summary(times.get("gap", [])),
        "render_ms": round(render_ms, 1),
    }


def _status_mb(field: str) -> float:
    """VmRSS / VmHWM (peak RSS) of this process, in MB. (Not ru_maxrss: Linux carries that
    over from the parent across fork and exec.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def memory_case(width: int, height: int, screens: int) -> dict[str, Any]:
    """Run in a fresh process: peak RSS is per process."""
    chat = SyntheticChat(width, height, screens)
    scrolls = list(chat.scrolls())
    rss_start, hwm_start = _status_mb("VmRSS"), _status_mb("VmHWM")
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    stitcher = Stitcher(width, height)
    for i, scroll in enumerate(scrolls):
        stitcher.add(chat.frame(scroll), sha256=f"{i:064x}")
    held = tracemalloc.get_traced_memory()[0] - base
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    hwm_stitched = _status_mb("VmHWM")
    recipe = stitcher.recipe()
    del stitcher
    frames = {f"{i:064x}": scrolls[i] for i in range(len(scrolls))}
    image = render(recipe, lambda sha: chat.frame(frames[sha]))
    hwm_rendered = _status_mb("VmHWM")
    frame_mb = width * height * 3 / 2**20
    return {
        "size": f"{width}x{height}",
        "frame_rgb_mb": round(frame_mb, 1),
        "long_image_rgb_mb": round(image.size[0] * image.size[1] * 3 / 2**20, 1),
        "tracemalloc_peak_mb": round(peak / 2**20, 1),
        "stitcher_holds_mb": round(held / 2**20, 1),
        "rss_before_mb": rss_start,
        "rss_peak_before_mb": hwm_start,
        "rss_peak_after_stitching_mb": hwm_stitched,
        "rss_peak_after_render_mb": hwm_rendered,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=",".join(SIZES), help="comma-separated WxH")
    ap.add_argument("--screens", type=int, default=20, help="chat height in screens (default 20)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--memory-case", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_case:
        w, h = map(int, args.memory_case.split("x"))
        print(json.dumps(memory_case(w, h, args.screens)))
        return
    out: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "loadavg_before": [round(x, 2) for x in os.getloadavg()],
        },
        "timing": [],
        "memory": [],
    }
    for size in args.sizes.split(","):
        w, h = map(int, size.split("x"))
        print(f"timing {size} ...", file=sys.stderr)
        out["timing"].append(time_case(w, h, args.screens))
        print(f"memory {size} ...", file=sys.stderr)
        proc = subprocess.run(
            [sys.executable, __file__, "--memory-case", size, "--screens", str(args.screens)],
            capture_output=True,
            text=True,
            check=True,
        )
        out["memory"].append(json.loads(proc.stdout))
    out["machine"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for t, m in zip(out["timing"], out["memory"], strict=True):
            print(
                f"{t['size']}: {t['frames']} frames {t['kinds']}, add median {t['add_all']['median_ms']} ms "
                f"p95 {t['add_all']['p95_ms']} ms; render {t['render_ms']} ms; "
                f"tracemalloc peak {m['tracemalloc_peak_mb']} MB, holds {m['stitcher_holds_mb']} MB, "
                f"RSS peak {m['rss_peak_after_stitching_mb']} MB ({m['rss_peak_after_render_mb']} MB with render)"
            )


if __name__ == "__main__":
    main()
