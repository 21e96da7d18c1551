"""Stitching for long (scrolling) captures, in plain Python (no Qt, no numpy).

The caller grabs the same screen region again and again while the user scrolls and feeds
each grab to a `Stitcher`. For every frame the stitcher finds how far the content moved
since the previous *kept* frame (the last one it stitched) and says what it did with it
(`FrameResult.kind`):

- ``"first"``: the first frame, kept whole.
- ``"stitched"``: placed; ``step`` rows moved (positive: the content moved up, i.e. the user
  scrolled down; negative: scrolled up), ``new_rows`` rows of content were added.
- ``"unchanged"``: identical to the previous kept frame; dropped.
- ``"ambiguous"``: several offsets explain the frame equally well (runs of identical bubbles)
  and nothing decides between them; not stitched (``candidates`` lists them).
- ``"gap"``: no (or too little) overlap with the previous kept frame: the user scrolled too
  fast and should scroll back a little. A later frame that overlaps again continues normally.
- ``"changed"``: the frame overlaps but the overlap is not the same any more (a new message,
  an animation, content that differs from what was stitched before); not stitched.

How an offset is found. Every row of a frame gets a CRC-32 of its bytes. Rows that stay
put from frame to frame at the top (title bar with the seller's name) and bottom (input box)
are the *static bands*: the leading and trailing rows identical (byte for byte) in every
stitched frame; they are kept once, from the first frame, at the top and bottom of the long
image, and left out of the matching. Between the bands (the scrolling region, ``n`` rows),
an offset ``d`` is a *match* when every row of the overlap (``n - |d|`` rows) is equal in
both frames; matches are enumerated from the row hashes (an overlap that holds any
non-uniform row holds the first non-uniform row of its frame, so only offsets that line that
row up are tried) and confirmed by comparing the overlap's bytes. A match is *accepted*
only when its overlap has at least ``min_overlap`` rows with at least ``min_informative``
non-uniform (not single-colour) rows, and no other offset matches with an overlap holding a
non-uniform row, once offsets that contradict content stitched earlier (rows outside the
previous frame that were already seen, compared by their hashes: the "larger context") are
set aside. An overlap made only of single-colour rows proves nothing and is ignored.

Evidence: the result is a `Recipe` naming each stitched frame by the caller's SHA-256 (what
storage keeps: the SHA-256 of the frame's original PNG file) with its position and the rows
it contributes, plus the static bands. `render(recipe, frames)` rebuilds the long image from
the frames alone, byte for byte the same pixels every time; `Recipe.to_json()` /
`Recipe.from_json()` store it (fields documented on `Recipe`). `Recipe`, `RecipeFrame` and
`render` live in `storage/stitched.py` (so that storage's `verify` rebuilds a long image
without importing capture) and are re-exported here.

Memory: the stitcher holds the previous kept frame's bytes and row hashes, the first frame's
static-band rows, and one 32-bit hash per row of stitched content; frames are not kept
(the caller stores them), and the long image exists only when `render` builds it.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from PIL import Image

from storage.stitched import (
    DIGEST_PNG,
    DIGEST_RGB,
    RECIPE_KIND,
    RECIPE_VERSION,
    FrameSource,
    Recipe,
    RecipeFrame,
    render,
)

__all__ = [
    "DIGEST_PNG",
    "DIGEST_RGB",
    "RECIPE_KIND",
    "RECIPE_VERSION",
    "FrameKind",
    "FrameResult",
    "FrameSource",
    "Recipe",
    "RecipeFrame",
    "Stitcher",
    "render",
]

FrameKind = Literal["first", "stitched", "unchanged", "ambiguous", "gap", "changed"]

#: Rows compared per chunk when confirming an overlap byte for byte.
_CHUNK_ROWS = 16
#: At most this many matching offsets are confirmed byte for byte: two already make the frame
#: ambiguous (the others are listed by their row hashes); a stitched offset is always confirmed.
_MAX_CONFIRMED = 2


@dataclass(frozen=True)
class FrameResult:
    """What `Stitcher.add` did with one frame.

    `index` counts every frame offered (0-based). `step` is the offset from the previous
    kept frame in rows (content moved up by `step`; negative: moved down), known for
    "stitched" and, as the best partial match, for "changed". `position` is the frame's
    row 0 in content coordinates (the first frame's row 0 is 0; negative above it), for
    "first" and "stitched". `new_rows` is how many rows of content the frame added.
    `candidates` are the matching offsets of an "ambiguous" frame; for a "stitched" one, the
    offsets that matched the previous frame alone when more than one did (the others were
    ruled out by content stitched before). `static_top` and
    `static_bottom` are the bands as known after this frame (they only ever shrink; a
    caller that draws a preview redraws when they do). `message` says it in words.
    """

    kind: FrameKind
    index: int
    step: int | None = None
    position: int | None = None
    new_rows: int = 0
    candidates: tuple[int, ...] = ()
    static_top: int = 0
    static_bottom: int = 0
    guessed: bool = False
    message: str = ""

    @property
    def stitched(self) -> bool:
        return self.kind in ("first", "stitched")


@dataclass
class _Kept:
    """A stitched frame: its digest, position (content coordinates of its row 0), step."""

    sha256: str
    position: int
    step: int
    guessed: bool = False


@dataclass
class _Frame:
    data: bytes
    hashes: list[int]
    informative: list[bool]


@dataclass
class _Match:
    """The outcome of matching a frame against the previous kept one."""

    kind: FrameKind
    step: int | None = None
    candidates: tuple[int, ...] = ()
    guessed: bool = False
    message: str = ""


@dataclass
class Stitcher:
    """Stitches frames of one `width` x `height` region into a `Recipe` (see the module doc).

    `min_overlap`: fewest rows two frames must share to be stitched (default: an eighth of
    the height, at least 32). `min_informative`: fewest non-uniform rows in that overlap
    (default 8). `guess_from_previous_step`: when several offsets match equally and exactly
    one of them equals the previous step, take it (marked ``guessed``) instead of flagging
    the frame; off by default, since identical bubbles make such a guess wrong whenever the
    user's scrolling was not steady.
    """

    width: int
    height: int
    min_overlap: int | None = None
    min_informative: int = 8
    guess_from_previous_step: bool = False

    _kept: list[_Kept] = field(default_factory=list, init=False, repr=False)
    _prev: _Frame | None = field(default=None, init=False, repr=False)
    _top: int = field(default=0, init=False)
    _bottom: int = field(default=0, init=False)
    _bands_known: bool = field(default=False, init=False)
    _band_rows: list[tuple[int, bytes]] = field(default_factory=list, init=False, repr=False)
    _content: dict[int, int] = field(default_factory=dict, init=False, repr=False)
    _digest: str | None = field(default=None, init=False)
    _count: int = field(default=0, init=False)
    _uniform: dict[bytes, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0:
            raise ValueError("the frame size must be positive")
        if self.min_overlap is None:
            self.min_overlap = max(32, self.height // 8)
        self._stride = self.width * 3

    # -- public ---------------------------------------------------------------------------

    @property
    def static_top(self) -> int:
        return self._top

    @property
    def static_bottom(self) -> int:
        return self._bottom

    @property
    def frames_kept(self) -> int:
        return len(self._kept)

    def add(self, frame: Image.Image | bytes, sha256: str | None = None) -> FrameResult:
        """Offer the next grab. `frame` is a PIL image (converted to RGB if needed) or raw RGB
        bytes (``width * height * 3``). `sha256` is the caller's digest of the frame's
        original PNG; without it the SHA-256 of the RGB bytes is used. Every frame of one
        stitcher must be named the same way."""
        data = self._rgb(frame)
        digest = DIGEST_PNG if sha256 is not None else DIGEST_RGB
        if self._digest is None:
            self._digest = digest
        elif digest != self._digest:
            raise ValueError("give every frame's sha256, or none")
        index = self._count
        self._count += 1
        cur = self._analyse(data)
        prev = self._prev
        if prev is None:
            self._keep(cur, sha256 or hashlib.sha256(data).hexdigest(), 0, 0, False, self._top, self._bottom)
            return self._result(
                "first", index, step=0, position=0, new_rows=self.height, message="first frame"
            )
        if cur.hashes == prev.hashes and self._same(prev.data, 0, cur.data, 0, self.height):
            return self._result("unchanged", index, message="nothing moved; frame dropped")
        top, bottom = self._bands_for(cur)
        match = self._match(prev, cur, top, bottom)
        if match.kind != "stitched":
            return self._result(
                match.kind, index, step=match.step, candidates=match.candidates, message=match.message
            )
        assert match.step is not None
        step = match.step
        position = self._kept[-1].position + step
        before = self._extent()
        self._keep(
            cur, sha256 or hashlib.sha256(data).hexdigest(), position, step, match.guessed, top, bottom
        )
        after = self._extent()
        return self._result(
            "stitched",
            index,
            step=step,
            position=position,
            new_rows=(after[1] - after[0]) - (before[1] - before[0]),
            candidates=match.candidates,
            guessed=match.guessed,
            message=match.message or f"moved {step} rows",
        )

    def recipe(self) -> Recipe:
        """The recipe of what has been stitched so far (at least one frame)."""
        if not self._kept:
            raise ValueError("no frame stitched yet")
        h, top, bottom = self.height, self._top, self._bottom
        pmin = min(k.position for k in self._kept)
        pmax = max(k.position for k in self._kept)
        frames: list[RecipeFrame] = []
        lo = hi = 0  # covered content rows [lo, hi), in long-image rows
        for i, k in enumerate(self._kept):
            y = k.position - pmin
            start, end = y + top, y + h - bottom
            rows: tuple[int, int] | None = None
            if i == 0:
                lo, hi = start, end
                rows = (top, h - bottom)
            else:
                assert start < hi and end > lo, "a stitched frame always overlaps what came before"
                if start < lo:
                    rows = (top, top + lo - start)
                    lo = start
                elif end > hi:
                    rows = (h - bottom - (end - hi), h - bottom)
                    hi = end
            frames.append(RecipeFrame(k.sha256, y, rows, k.step, k.guessed))
        assert self._digest is not None
        return Recipe(
            frame_digest=self._digest,
            width=self.width,
            frame_height=h,
            height=pmax - pmin + h,
            static_top=top,
            static_bottom=bottom,
            band_frame=0,  # the bands are the first frame's rows
            frames=tuple(frames),
        )

    # -- frames ---------------------------------------------------------------------------

    def _rgb(self, frame: Image.Image | bytes) -> bytes:
        if isinstance(frame, Image.Image):
            if frame.size != (self.width, self.height):
                raise ValueError(f"frame is {frame.size}, expected {(self.width, self.height)}")
            if frame.mode != "RGB":
                frame = frame.convert("RGB")
            return frame.tobytes()
        data = bytes(frame)
        if len(data) != self._stride * self.height:
            raise ValueError(f"{len(data)} bytes is not a {self.width}x{self.height} RGB frame")
        return data

    def _analyse(self, data: bytes) -> _Frame:
        s, w = self._stride, self.width
        view = memoryview(data)
        hashes = [zlib.crc32(view[i : i + s]) for i in range(0, len(data), s)]
        uniform = self._uniform
        informative = []
        for y, hsh in enumerate(hashes):
            colour = data[y * s : y * s + 3]
            u = uniform.get(colour)
            if u is None:
                u = uniform[colour] = zlib.crc32(colour * w)
            informative.append(hsh != u or data[y * s : y * s + s] != colour * w)
        return _Frame(data, hashes, informative)

    def _same(self, a: bytes, ay: int, b: bytes, by: int, rows: int) -> bool:
        """Rows [ay, ay+rows) of `a` equal rows [by, by+rows) of `b`, byte for byte."""
        s = self._stride
        va, vb = memoryview(a), memoryview(b)
        for r in range(0, rows, _CHUNK_ROWS):
            n = min(_CHUNK_ROWS, rows - r) * s
            i, j = (ay + r) * s, (by + r) * s
            if va[i : i + n].tobytes() != vb[j : j + n].tobytes():
                return False
        return True

    def _row(self, f: _Frame, y: int) -> bytes:
        return f.data[y * self._stride : (y + 1) * self._stride]

    # -- static bands ---------------------------------------------------------------------

    def _bands_for(self, cur: _Frame) -> tuple[int, int]:
        """The static bands if `cur` is stitched: the rows at top and bottom identical in
        every stitched frame so far and in `cur`."""
        h = self.height
        ref: list[tuple[int, bytes]]
        if not self._bands_known:
            prev = self._prev
            assert prev is not None
            ref = [(prev.hashes[y], self._row(prev, y)) for y in range(h)]
            limit_top, limit_bottom = h, h
        else:
            ref = self._band_rows
            limit_top, limit_bottom = self._top, self._bottom
        top = 0
        while top < limit_top and self._ref_equal(ref, top, cur, top):
            top += 1
        bottom = 0
        while bottom < limit_bottom and top + bottom < h:
            ry = len(ref) - 1 - bottom if self._bands_known else h - 1 - bottom
            if not self._ref_equal(ref, ry, cur, h - 1 - bottom):
                break
            bottom += 1
        if top + bottom >= h:  # every row the same: not a scroll at all
            bottom = max(0, h - 1 - top)
        return top, bottom

    def _ref_equal(self, ref: list[tuple[int, bytes]], ry: int, cur: _Frame, y: int) -> bool:
        hsh, row = ref[ry]
        return hsh == cur.hashes[y] and row == self._row(cur, y)

    # -- matching -------------------------------------------------------------------------

    def _match(self, prev: _Frame, cur: _Frame, top: int, bottom: int) -> _Match:
        h = self.height
        a, b = top, h - bottom
        n = b - a
        A, B = prev.hashes[a:b], cur.hashes[a:b]
        ia, ib = prev.informative[a:b], cur.informative[a:b]
        matches = self._exact_offsets(A, B, ia, ib)
        min_overlap = self.min_overlap or 0
        # larger context: rows outside the previous frame that were already stitched
        base = self._kept[-1].position
        agree = [d for d in matches if self._agrees_with_content(cur, base + d, a, b, base)]
        confirmed = [
            d
            for d in agree[:_MAX_CONFIRMED]
            if self._same(prev.data, a + max(d, 0), cur.data, a + max(-d, 0), n - abs(d))
        ]
        if len(agree) > _MAX_CONFIRMED:
            confirmed += agree[_MAX_CONFIRMED:]
        usable = [
            d
            for d in confirmed
            if n - abs(d) >= min_overlap and sum(ib[max(-d, 0) : n - max(d, 0)]) >= self.min_informative
        ]
        if len(confirmed) == 1 and usable:
            ruled_out = tuple(sorted(matches)) if len(matches) > 1 else ()
            return _Match("stitched", step=usable[0], candidates=ruled_out)
        if len(confirmed) > 1 and usable:
            last = self._kept[-1].step if len(self._kept) > 1 else None
            if (
                self.guess_from_previous_step
                and last is not None
                and last in usable
                and self._same(prev.data, a + max(last, 0), cur.data, a + max(-last, 0), n - abs(last))
            ):
                return _Match(
                    "stitched",
                    step=last,
                    guessed=True,
                    message=f"several offsets matched; took {last} as before",
                )
            return _Match(
                "ambiguous",
                candidates=tuple(sorted(confirmed)),
                message="repeated content: several offsets match; scroll a little further",
            )
        if confirmed:
            return _Match("gap", message="too little overlap with the previous frame; scroll back a little")
        # no match, or only ones that contradict content stitched before (repeated content
        # seen across a gap, or content that changed): tell which by how much still agrees
        return self._classify(prev, cur)

    def _exact_offsets(self, A: list[int], B: list[int], ia: list[bool], ib: list[bool]) -> list[int]:
        """Every offset d != 0 whose overlap holds a non-uniform row and is equal row for row
        (by hash). d > 0: B[0 : n-d] == A[d : n]; d < 0: B[-d : n] == A[0 : n+d]."""
        n = len(A)
        found: list[int] = []
        # d > 0: the overlap is a prefix of B; if informative it holds B's first informative row
        j0 = next((j for j, x in enumerate(ib) if x), None)
        if j0 is not None:
            key = B[j0]
            for p in range(j0 + 1, n):
                if A[p] == key:
                    d = p - j0
                    if A[d:] == B[: n - d]:
                        found.append(d)
        # d < 0: the overlap is a prefix of A; it holds A's first informative row
        i0 = next((i for i, x in enumerate(ia) if x), None)
        if i0 is not None:
            key = A[i0]
            for q in range(i0 + 1, n):
                if B[q] == key:
                    e = q - i0
                    if B[e:] == A[: n - e]:
                        found.append(-e)
        found.sort(key=lambda d: (abs(d), d))
        return found

    def _agrees_with_content(self, cur: _Frame, position: int, a: int, b: int, base: int) -> bool:
        """The rows of `cur` placed at `position` that fall outside the previous kept frame
        (at `base`) equal what was stitched there before, where anything was."""
        content = self._content
        lo, hi = base + a, base + b
        for y in range(a, b):
            c = position + y
            if lo <= c < hi:
                continue
            known = content.get(c)
            if known is not None and known != cur.hashes[y]:
                return False
        return True

    def _classify(self, prev: _Frame, cur: _Frame) -> _Match:
        """No offset matches: "changed" when most of an overlap agrees (content changed in
        place or while scrolling), else "gap"."""
        h = self.height
        a, b = (self._top, h - self._bottom) if self._bands_known else (0, h)
        n = b - a
        A, B = prev.hashes[a:b], cur.hashes[a:b]
        ib = cur.informative[a:b]
        where: dict[int, list[int]] = {}
        for y, hsh in enumerate(A):
            where.setdefault(hsh, []).append(y)
        votes: Counter[int] = Counter()
        for y, hsh in enumerate(B):
            if ib[y]:
                ps = where.get(hsh, ())
                if 0 < len(ps) <= 3:
                    votes.update(p - y for p in ps)
        min_overlap = self.min_overlap or 0
        best: tuple[float, int] | None = None
        for d in {0, *(d for d, _ in votes.most_common(5))}:
            overlap = n - abs(d)
            if overlap < min_overlap:
                continue
            js = range(max(-d, 0), n - max(d, 0))
            info = [j for j in js if ib[j]]
            if len(info) < self.min_informative:
                continue
            agree = sum(1 for j in info if B[j] == A[j + d])
            score = agree / len(info)
            if agree >= self.min_informative and (best is None or score > best[0]):
                best = (score, d)
        if best is not None and best[0] >= 0.5:
            return _Match(
                "changed",
                step=best[1],
                message="the overlap changed (a new message or an animation?); not stitched",
            )
        return _Match("gap", message="no overlap with the previous frame; scroll back a little")

    # -- bookkeeping ----------------------------------------------------------------------

    def _keep(
        self, cur: _Frame, sha: str, position: int, step: int, guessed: bool, top: int, bottom: int
    ) -> None:
        h = self.height
        content = self._content
        if self._prev is not None and not self._bands_known:
            # the second frame: the bands are now known; keep the first frame's band rows and
            # its scrolling rows' hashes
            prev, first = self._prev, self._kept[0].position
            self._band_rows = [
                (prev.hashes[y], self._row(prev, y)) for y in (*range(top), *range(h - bottom, h))
            ]
            self._bands_known = True
            for y in range(top, h - bottom):
                content[first + y] = prev.hashes[y]
        elif self._bands_known and (top, bottom) != (self._top, self._bottom):
            rows = self._band_rows
            self._band_rows = rows[:top] + (rows[len(rows) - bottom :] if bottom else [])
        self._top, self._bottom = top, bottom
        if self._bands_known:
            for y in range(top, h - bottom):
                content.setdefault(position + y, cur.hashes[y])
        self._kept.append(_Kept(sha, position, step, guessed))
        self._prev = cur

    def _extent(self) -> tuple[int, int]:
        ps = [k.position for k in self._kept]
        return min(ps), max(ps) + self.height

    def _result(
        self,
        kind: FrameKind,
        index: int,
        *,
        step: int | None = None,
        position: int | None = None,
        new_rows: int = 0,
        candidates: tuple[int, ...] = (),
        guessed: bool = False,
        message: str = "",
    ) -> FrameResult:
        return FrameResult(
            kind=kind,
            index=index,
            step=step,
            position=position,
            new_rows=new_rows,
            candidates=candidates,
            static_top=self._top,
            static_bottom=self._bottom,
            guessed=guessed,
            message=message,
        )
