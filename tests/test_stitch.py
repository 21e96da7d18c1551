"""The long-capture stitcher (capture/stitch.py) on synthetic chats.

A synthetic chat is a tall image: a title bar and an input box that never scroll, and between
them a tall column of messages on a single-colour background (every message's rows distinct,
plus runs of identical "好的" bubbles). A frame is what a window of the chat shows at a scroll
position: the title bar, `region` rows of the column from that position, the input box. The
long image made from any frames must be the title bar, the part of the column the stitched
frames showed, and the input box, byte for byte; an offset must never be wrong.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from capture.stitch import DIGEST_PNG, DIGEST_RGB, FrameResult, Recipe, Stitcher, render

W = 48
TITLE = 14
INPUT = 10
BACKGROUND = bytes((236, 236, 236))


def _noise_row(rng: random.Random, width: int = W) -> bytes:
    """A message row: background margins and a bubble of noise, so every row differs."""
    left = rng.randrange(2, 8)
    right = rng.randrange(W - 8, W - 2)
    row = bytearray(BACKGROUND * width)
    row[left * 3 : right * 3] = rng.randbytes((right - left) * 3)
    return bytes(row)


@dataclass
class Chat:
    """`column`: the scrolling rows; `title`, `input`: the static bands; a frame shows
    `region` rows of the column."""

    column: list[bytes]
    title: list[bytes]
    input: list[bytes]
    region: int

    @property
    def frame_height(self) -> int:
        return len(self.title) + self.region + len(self.input)

    @property
    def max_scroll(self) -> int:
        return len(self.column) - self.region

    def frame(self, scroll: int) -> bytes:
        assert 0 <= scroll <= self.max_scroll
        return b"".join(self.title + self.column[scroll : scroll + self.region] + self.input)

    def expected(self, lo: int, hi: int) -> bytes:
        """The long image of frames scrolled from `lo` to `hi` (inclusive)."""
        return b"".join(self.title + self.column[lo : hi + self.region] + self.input)


def make_chat(seed: int, messages: int = 40, region: int = 120, repeats: tuple[int, ...] = ()) -> Chat:
    """`messages` distinct messages; before each message whose index is in `repeats`, a run of
    8-13 identical bubbles (one bubble per run, 10 rows and 5 of background: period 15)."""
    rng = random.Random(seed)
    column: list[bytes] = [BACKGROUND * W] * 6
    for i in range(messages):
        if i in repeats:
            bubble = [_noise_row(rng) for _ in range(10)]
            for _ in range(rng.randrange(8, 14)):
                column += bubble + [BACKGROUND * W] * 5
        column += [_noise_row(rng) for _ in range(rng.randrange(6, 24))]
        column += [BACKGROUND * W] * rng.randrange(3, 12)
    title = (
        [bytes((30, 90, 200)) * W] * 3
        + [_noise_row(rng) for _ in range(TITLE - 6)]
        + [bytes((30, 90, 200)) * W] * 3
    )
    inp = [bytes((250, 250, 250)) * W] * 2 + [_noise_row(rng) for _ in range(INPUT - 2)]
    return Chat(column, title, inp, region)


def run(chat: Chat, scrolls: list[int], **options: object) -> tuple[Stitcher, list[FrameResult]]:
    s = Stitcher(W, chat.frame_height, **options)  # type: ignore[arg-type]
    return s, [s.add(chat.frame(y)) for y in scrolls]


def rendered(s: Stitcher, chat: Chat, scrolls: list[int]) -> bytes:
    frames = {digest(chat.frame(y)): chat.frame(y) for y in scrolls}
    return render(s.recipe(), frames).tobytes()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def assert_never_wrong(scrolls: list[int], results: list[FrameResult]) -> None:
    """Every stitched frame sits where it truly is (relative to the first frame)."""
    for y, r in zip(scrolls, results, strict=True):
        if r.stitched:
            assert r.position == y - scrolls[0], (r, y)


def test_scrolling_down_in_steady_steps_rebuilds_the_chat_exactly() -> None:
    chat = make_chat(1)
    scrolls = list(range(0, chat.max_scroll, 45)) + [chat.max_scroll]
    s, results = run(chat, scrolls)
    assert [r.kind for r in results] == ["first"] + ["stitched"] * (len(scrolls) - 1)
    assert_never_wrong(scrolls, results)
    assert (s.static_top, s.static_bottom) == (TITLE, INPUT)
    image = rendered(s, chat, scrolls)
    assert image == b"".join(chat.title + chat.column + chat.input)  # title and input box once
    assert s.recipe().height == TITLE + len(chat.column) + INPUT


def test_scrolling_up_from_the_bottom_and_back_down_gives_the_same_image() -> None:
    chat = make_chat(2)
    top = chat.max_scroll
    up = list(range(top, -1, -37)) + [0]
    s, results = run(chat, up)
    assert all(r.stitched for r in results)
    assert_never_wrong(up, results)
    assert results[1].step == -37
    image_up = rendered(s, chat, up)
    assert image_up == chat.expected(0, top)
    back_and_forth = up + list(range(0, top, 51)) + [top]
    s2, results2 = run(chat, back_and_forth)
    assert_never_wrong(back_and_forth, results2)
    assert rendered(s2, chat, back_and_forth) == image_up
    assert sum(r.new_rows for r in results2) == len(chat.column) + TITLE + INPUT


def test_unchanged_frames_are_dropped() -> None:
    chat = make_chat(3)
    scrolls = [0, 0, 30, 30, 30, 60]
    s, results = run(chat, scrolls)
    assert [r.kind for r in results] == [
        "first",
        "unchanged",
        "stitched",
        "unchanged",
        "unchanged",
        "stitched",
    ]
    assert s.frames_kept == 3
    assert len(s.recipe().frames) == 3


def test_too_fast_a_scroll_is_a_gap_and_a_later_overlapping_frame_continues() -> None:
    chat = make_chat(4)
    region = chat.region
    scrolls = [0, 40, 40 + region + 30, 40 + region - 50, 40 + region + 30]
    s, results = run(chat, scrolls)
    assert [r.kind for r in results] == ["first", "stitched", "gap", "stitched", "stitched"]
    assert "scroll back" in results[2].message
    assert_never_wrong(scrolls, results)
    assert rendered(s, chat, scrolls) == chat.expected(0, 40 + region + 30)


def test_an_overlap_below_the_minimum_is_a_gap_not_a_stitch() -> None:
    chat = make_chat(5)
    s, results = run(chat, [0, chat.region - 10])  # 10 rows in common, min_overlap is 32
    assert results[1].kind == "gap"
    assert s.frames_kept == 1


def test_a_run_of_identical_bubbles_is_stitched_right_or_flagged_never_wrong() -> None:
    chat = make_chat(6, messages=12, repeats=(4,))
    scrolls = list(range(0, chat.max_scroll, 23)) + [chat.max_scroll]
    s, results = run(chat, scrolls)
    kinds = [r.kind for r in results]
    assert "ambiguous" in kinds  # the run is longer than the window: nothing tells how far it moved
    assert_never_wrong(scrolls, results)
    flagged = next(r for r in results if r.kind == "ambiguous")
    assert 23 in flagged.candidates and len(flagged.candidates) > 1
    assert "several offsets" in flagged.message
    # what was stitched is a true prefix of the chat
    last = max(y for y, r in zip(scrolls, results, strict=True) if r.stitched)
    assert rendered(s, chat, scrolls) == chat.expected(0, last)


def test_a_short_run_of_identical_bubbles_is_resolved_by_the_whole_overlap() -> None:
    chat = make_chat(7, messages=20, repeats=(5,), region=200)
    scrolls = list(range(0, chat.max_scroll, 40)) + [chat.max_scroll]
    s, results = run(chat, scrolls)
    assert all(r.stitched for r in results), [r.kind for r in results]
    assert rendered(s, chat, scrolls) == chat.expected(0, chat.max_scroll)


@pytest.mark.parametrize("scrolls", [[45, 71, 42, 102], [73, 41, 34, 75, 97, 38]])
def test_repeats_the_previous_frame_cannot_decide_are_resolved_by_the_larger_context(
    scrolls: list[int],
) -> None:
    """Inside a run of identical bubbles the last frame's overlap with the previous frame
    matches at several offsets, but the frame also reaches rows stitched before (outside the
    previous frame), and those decide."""
    base = make_chat(6, messages=12, repeats=(4,))
    chat = Chat(base.column, base.title, base.input, region=150)
    s, results = run(chat, scrolls)
    assert all(r.stitched for r in results)
    assert_never_wrong(scrolls, results)
    last = results[-1]
    assert len(last.candidates) > 1 and last.step in last.candidates
    assert rendered(s, chat, scrolls) == chat.expected(min(scrolls), max(scrolls))


def test_a_changed_overlap_is_not_stitched() -> None:
    chat = make_chat(8)
    s = Stitcher(W, chat.frame_height)
    s.add(chat.frame(0))
    s.add(chat.frame(40))
    # a new message pushed into the middle of what was shown, then the user scrolled
    changed = list(chat.column)
    changed[90:90] = [_noise_row(random.Random(99)) for _ in range(12)]
    other = Chat(changed, chat.title, chat.input, chat.region)
    r = s.add(other.frame(60))
    assert r.kind == "changed"
    assert s.frames_kept == 2
    # in place: an animated sticker in the middle of the window, nothing scrolled
    animated = list(chat.column)
    animated[100:108] = [_noise_row(random.Random(7)) for _ in range(8)]
    r2 = s.add(Chat(animated, chat.title, chat.input, chat.region).frame(40))
    assert r2.kind == "changed" and r2.step == 0
    # the original content again continues normally
    assert s.add(chat.frame(80)).kind == "stitched"


def test_a_change_before_the_bands_are_known_is_not_taken_for_a_scroll() -> None:
    chat = make_chat(9)
    s = Stitcher(W, chat.frame_height)
    s.add(chat.frame(0))
    animated = list(chat.column)
    animated[50:58] = [_noise_row(random.Random(3)) for _ in range(8)]
    r = s.add(Chat(animated, chat.title, chat.input, chat.region).frame(0))
    assert r.kind == "changed"
    assert s.add(chat.frame(30)).kind == "stitched"
    # background rows that happen to stay put join the bands; harmless: they are the same
    # in every frame, so the long image is still exact
    assert s.static_top >= TITLE and s.static_bottom >= INPUT
    assert rendered(s, chat, [0, 30]) == chat.expected(0, 30)


def test_the_previous_step_guess_is_opt_in_and_marked() -> None:
    chat = make_chat(6, messages=12, repeats=(4,))
    scrolls = list(range(0, chat.max_scroll, 23)) + [chat.max_scroll]
    s, results = run(chat, scrolls, guess_from_previous_step=True)
    guessed = [r for r in results if r.guessed]
    assert guessed and all(r.kind == "stitched" and r.step == 23 for r in guessed)
    assert_never_wrong(scrolls, results)  # steady steps: the guess is right here
    assert any(f.guessed for f in s.recipe().frames)
    last = max(y for y, r in zip(scrolls, results, strict=True) if r.stitched)
    assert rendered(s, chat, scrolls) == chat.expected(0, last)
    # unsteady steps: the same frames without the guess are flagged, not stitched wrongly
    unsteady = [0, 23, 46, 69, 84, 107, 130, 145, 168, 191]
    _, plain = run(chat, unsteady)
    assert_never_wrong(unsteady, plain)


def test_recipe_json_round_trip_and_render_from_images() -> None:
    chat = make_chat(10)
    scrolls = [0, 50, 100, 70, 150]
    s = Stitcher(W, chat.frame_height)
    images = {}
    for i, y in enumerate(scrolls):
        digest = f"{i:064x}"
        images[digest] = Image.frombytes("RGB", (W, chat.frame_height), chat.frame(y)).convert("RGBA")
        s.add(images[digest], sha256=digest)
    recipe = s.recipe()
    assert recipe.frame_digest == DIGEST_PNG
    text = recipe.to_json()
    assert Recipe.from_json(text) == recipe
    assert Recipe.from_json(text).to_json() == text
    data = recipe.to_dict()
    assert set(data) == {
        "kind",
        "version",
        "frame_digest",
        "width",
        "frame_height",
        "height",
        "static_top",
        "static_bottom",
        "band_frame",
        "frames",
    }
    assert set(data["frames"][0]) == {"sha256", "y", "rows", "step", "guessed"}
    assert data["frames"][3]["rows"] is None  # scrolled back: nothing new
    loads: list[str] = []

    def load(sha: str) -> Image.Image:
        loads.append(sha)
        return images[sha]

    out = render(Recipe.from_json(text), load)
    assert out.mode == "RGB"
    assert out.tobytes() == chat.expected(0, 150)
    assert f"{3:064x}" not in loads


def test_a_tampered_recipe_is_refused() -> None:
    chat = make_chat(11)
    s, _ = run(chat, [0, 50, 100])
    data = s.recipe().to_dict()
    data["frames"][1]["rows"][0] -= 5  # two frames would both paint the same rows
    with pytest.raises(ValueError, match="tiled"):
        Recipe.from_dict(data)
    data = s.recipe().to_dict()
    data["height"] += 1
    with pytest.raises(ValueError):
        Recipe.from_dict(data)
    with pytest.raises(ValueError):
        Recipe.from_json('{"kind": "something else", "version": 1}')


def test_a_single_frame_is_a_recipe_of_itself_and_digests_default_to_the_rgb_bytes() -> None:
    chat = make_chat(12)
    s, results = run(chat, [33])
    assert results[0].kind == "first"
    recipe = s.recipe()
    assert recipe.frame_digest == DIGEST_RGB
    assert recipe.height == chat.frame_height
    assert rendered(s, chat, [33]) == chat.frame(33)
    with pytest.raises(ValueError, match="every frame"):
        s.add(chat.frame(40), sha256="ab" * 32)


def test_wrong_frame_sizes_are_refused() -> None:
    s = Stitcher(10, 10)
    with pytest.raises(ValueError):
        s.add(b"\0" * 299)
    with pytest.raises(ValueError):
        s.add(Image.new("RGB", (10, 11)))


# -- properties ---------------------------------------------------------------------------

_CHATS = {
    "plain": make_chat(20, messages=30),
    "repeats": make_chat(21, messages=24, repeats=(3, 9, 15)),
}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    chat_name=st.sampled_from(sorted(_CHATS)),
    start=st.integers(0, 10_000),
    steps=st.lists(
        st.one_of(st.integers(-90, 90), st.integers(-200, 200)),
        min_size=1,
        max_size=25,
    ),
)
def test_any_scrolling_gives_a_true_image_or_flags(chat_name: str, start: int, steps: list[int]) -> None:
    chat = _CHATS[chat_name]
    y = start % (chat.max_scroll + 1)
    scrolls = [y]
    for step in steps:
        y = min(max(y + step, 0), chat.max_scroll)
        scrolls.append(y)
    s, results = run(chat, scrolls)
    assert_never_wrong(scrolls, results)
    placed = [y for y, r in zip(scrolls, results, strict=True) if r.stitched]
    assert rendered(s, chat, scrolls) == chat.expected(min(placed), max(placed))
    min_overlap = s.min_overlap or 0
    prev = scrolls[0]
    for y, r in zip(scrolls[1:], results[1:], strict=True):
        moved = abs(y - prev)
        if moved == 0:
            assert r.kind == "unchanged"
        elif chat_name == "plain" and chat.region - moved >= min_overlap + 20:
            assert r.kind == "stitched", (r, y, prev)  # distinct content: never needlessly flagged
        elif chat.region - moved <= 0:
            # no overlap at all; inside a run of identical bubbles the two frames may look alike
            # in several ways (ambiguous, or changed in place), never stitched
            assert r.kind == "gap" if chat_name == "plain" else not r.stitched
        if r.stitched:
            prev = y
