"""Long captures in the library: frames kept as originals, the long image as one capture,
refused when image, recipe and frames disagree, kept through a crash, exported and verified."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from capture.stitch import Recipe, Stitcher, render
from storage.errors import LongCaptureMismatch
from storage.library import Library
from storage.records import OcrData
from storage.stitched import RecipeFrame
from tests.old_libraries import capture_columns, library_at

from .conftest import ROOT
from .test_stitch import W, make_chat


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Long:
    frames: list[bytes]  # the PNGs of the frames the recipe names, in its order
    recipe_json: str
    image_png: bytes
    tall: bytes  # the chat's true content (title, every message, input box) as RGB bytes
    height: int


def make_long(seed: int = 1, messages: int = 12, step: int = 45) -> Long:
    """A synthetic tall chat scrolled in steps, stitched with the real Stitcher."""
    chat = make_chat(seed, messages=messages)
    scrolls = [*range(0, chat.max_scroll, step), chat.max_scroll]
    stitcher = Stitcher(W, chat.frame_height)
    kept: list[bytes] = []
    for y in scrolls:
        img = Image.frombytes("RGB", (W, chat.frame_height), chat.frame(y))
        png = _png(img)
        if stitcher.add(img, sha256=_sha(png)).stitched:
            kept.append(png)
    recipe = stitcher.recipe()
    image = render(recipe, {_sha(p): Image.open(io.BytesIO(p)) for p in kept})
    tall = b"".join(chat.title + chat.column + chat.input)
    return Long(kept, recipe.to_json(), _png(image), tall, recipe.height)


@pytest.fixture(scope="module")
def long() -> Long:
    return make_long()


def test_the_synthetic_long_capture_is_the_whole_chat(long: Long) -> None:
    assert len(long.frames) >= 4
    img = Image.open(io.BytesIO(long.image_png))
    assert img.size == (W, long.height) and img.convert("RGB").tobytes() == long.tall


def test_add_long_capture_keeps_frames_and_long_image_as_one_capture(lib: Library, long: Long) -> None:
    p = lib.add_purchase({"title": "健身卡"})
    rec = lib.add_long_capture(
        long.frames, long.recipe_json, long.image_png, purchase_id=p.id, note="整段聊天"
    )
    assert rec.source == "long" and rec.frames == len(long.frames) and rec.is_long
    assert (rec.width, rec.height, rec.purchase_id, rec.note) == (W, long.height, p.id, "整段聊天")
    assert rec.sha256 == _sha(long.image_png) and lib.read_capture_bytes(rec.id) == long.image_png
    frames = lib.long_capture_frames(rec.id)
    assert [f.sha256 for f in frames] == [_sha(f) for f in long.frames]
    assert [f.position for f in frames] == list(range(len(long.frames)))
    recipe = Recipe.from_json(lib.long_capture_recipe(rec.id) or "")
    assert [f.y for f in frames] == [f.y for f in recipe.frames]
    for f, data in zip(frames, long.frames, strict=True):
        assert (f.bytes, f.width, f.height) == (len(data), W, recipe.frame_height)
        assert lib.blobs.read(f.sha256) == data  # each frame an original of its own
        assert lib.blob_path(f.sha256).stat().st_mode & 0o777 == 0o400  # written once, read-only
    # one capture: frames are never listed, counted or found as captures
    assert [c.id for c in lib.list_captures()] == [rec.id]
    assert lib.count_captures()["all"] == 1
    assert all(lib.find_by_sha(_sha(f)) is None for f in long.frames)
    assert lib.get_capture(rec.id).frames == len(long.frames)
    assert lib.list_captures()[0].frames == len(long.frames)
    # the custody event names the frames and the recipe
    [event] = lib.events(capture_id=rec.id)
    assert event.kind == "captured" and event.data["source"] == "long"
    assert event.data["frames"] == [_sha(f) for f in long.frames]
    assert event.data["recipe_sha256"] == _sha((lib.long_capture_recipe(rec.id) or "").encode())
    report = lib.check()
    assert report.ok, report.problems
    assert report.blobs_checked == 1 + len(long.frames)
    # an ordinary capture has no frames
    assert (
        lib.long_capture_frames(lib.add_capture(long.frames[0], source="region", purchase_id=None).id) == []
    )


def test_ocr_and_search_see_one_capture(lib: Library, long: Long) -> None:
    rec = lib.add_long_capture(long.frames, long.recipe_json, long.image_png, purchase_id=None)
    assert lib.captures_needing_ocr() == [rec.id]
    lib.set_ocr_result(
        rec.id,
        OcrData(text="退款 乐活健身 年卡", engine="test", version="1", languages="chi_sim", confidence=90.0),
    )
    assert [h.capture_id for h in lib.search("乐活健身")] == [rec.id]
    assert lib.captures_needing_ocr() == []


def _refused(lib: Library, frames: list[bytes], recipe_json: str, image_png: bytes, match: str) -> None:
    before = sorted(lib.blobs.iter_shas())
    with pytest.raises(LongCaptureMismatch, match=match):
        lib.add_long_capture(frames, recipe_json, image_png, purchase_id=None)
    assert lib.list_captures() == [] and sorted(lib.blobs.iter_shas()) == before
    assert not list(lib.journal.glob("*.json"))


def test_a_long_image_that_is_not_its_frames_is_refused(lib: Library, long: Long) -> None:
    img = Image.open(io.BytesIO(long.image_png)).convert("RGB")
    img.putpixel((W // 2, long.height // 2), (1, 2, 3))
    _refused(lib, long.frames, long.recipe_json, _png(img), r"does not match its frames.*rows")
    _refused(lib, long.frames, long.recipe_json, _png(img.crop((0, 0, W, long.height - 1))), "pixels")


def test_a_missing_extra_or_changed_frame_is_refused(lib: Library, long: Long) -> None:
    _refused(lib, long.frames[:-1], long.recipe_json, long.image_png, "not given")
    other = make_long(seed=9)
    _refused(
        lib, [*long.frames, other.frames[0]], long.recipe_json, long.image_png, "not in the long capture's"
    )
    changed = Image.open(io.BytesIO(long.frames[1])).convert("RGB")
    changed.putpixel((3, 3), (0, 0, 0))
    frames = list(long.frames)
    frames[1] = _png(changed)
    _refused(lib, frames, long.recipe_json, long.image_png, "not given")


def test_a_bad_recipe_is_refused(lib: Library, long: Long) -> None:
    _refused(lib, long.frames, "{}", long.image_png, "recipe is not valid")
    data = json.loads(long.recipe_json)
    data["height"] += 1
    _refused(lib, long.frames, json.dumps(data), long.image_png, "recipe is not valid")
    recipe = Recipe.from_json(long.recipe_json)
    # a recipe naming frames by their RGB bytes cannot be checked against the stored PNGs
    rgb = Recipe(**{**recipe.__dict__, "frame_digest": "sha256-rgb"})
    _refused(lib, long.frames, rgb.to_json(), long.image_png, "sha256-png")
    # frames exchanged (a valid tiling, wrong pixels)
    a, b, *rest = recipe.frames
    swapped = Recipe(
        **{
            **recipe.__dict__,
            "frames": (
                RecipeFrame(b.sha256, a.y, a.rows, a.step),
                RecipeFrame(a.sha256, b.y, b.rows, b.step),
                *rest,
            ),
        }
    )
    _refused(lib, long.frames, swapped.to_json(), long.image_png, "does not match")


def test_trash_and_empty_trash_remove_the_frames_too(lib: Library, long: Long) -> None:
    rec = lib.add_long_capture(long.frames, long.recipe_json, long.image_png, purchase_id=None)
    keep = lib.add_capture(long.frames[0], source="region", purchase_id=None)  # same bytes as a frame
    lib.trash([rec.id])
    assert lib.check().ok
    assert lib.empty_trash() == [rec.id]
    assert set(lib.blobs.iter_shas()) == {keep.sha256}
    purged = [e for e in lib.events(capture_id=rec.id) if e.kind == "purged"]
    assert purged[0].data["frames"] == [_sha(f) for f in long.frames]
    assert lib.check().ok


def test_check_reports_a_damaged_or_missing_frame(lib: Library, long: Long) -> None:
    rec = lib.add_long_capture(long.frames, long.recipe_json, long.image_png, purchase_id=None)
    [f0, f1, *_] = lib.long_capture_frames(rec.id)
    path = lib.blob_path(f0.sha256)
    path.chmod(0o600)
    path.write_bytes(b"x" + path.read_bytes()[1:])
    lib.blob_path(f1.sha256).unlink()
    problems = {(p.kind, p.capture_id): p.message for p in lib.check().problems}
    assert "frame 1" in problems[("hash_mismatch", rec.id)]
    assert "frame 2" in problems[("missing_blob", rec.id)]
    # the app's scan does not take a long capture's frames for orphans
    Library.open(lib.root).close()
    again = Library.open(lib.root, scan=True)
    assert again.open_report.recovered == ()
    again.close()


def _library_at_0003(tmp_path: Path) -> Path:
    root = library_at(tmp_path, "0003")
    assert "recipe" not in capture_columns(root)
    return root


def test_a_0003_library_upgrades_keeping_its_data(tmp_path: Path, long: Long) -> None:
    root = _library_at_0003(tmp_path)
    lib = Library.open(root)
    try:
        assert lib.open_report.backup is not None
        caps = lib.list_captures()
        assert len(caps) == 2 and all(c.frames == 0 and not c.is_long for c in caps)
        assert all(
            lib.long_capture_frames(c.id) == [] and lib.long_capture_recipe(c.id) is None for c in caps
        )
        assert [h.capture_id for h in lib.search("退款")] == [1]
        assert lib.check().ok
        rec = lib.add_long_capture(long.frames, long.recipe_json, long.image_png, purchase_id=None)
        assert len(lib.long_capture_frames(rec.id)) == len(long.frames)
        assert len(lib.list_captures()) == 3 and lib.check().ok
    finally:
        lib.close()


CHILD = textwrap.dedent(
    """
    import os, signal, sys, pathlib
    from storage.library import Library
    from tests.test_long_capture_storage import make_long
    long = make_long()
    lib = Library.open(sys.argv[1])
    where = sys.argv[2]
    def die(*a, **k):
        os.kill(os.getpid(), signal.SIGKILL)
    real_put = lib.blobs.put
    puts = []
    def put(data, sha=None):
        puts.append(sha)
        if where == "mid_frames" and len(puts) == 3:
            die()  # two frames written, the third not
        real_put(data, sha)
        if where == "after_blobs" and data == long.image_png:
            die()
    lib.blobs.put = put
    if where == "in_transaction":
        import storage.custody_log
        storage.custody_log.append_events = die
    elif where == "after_commit":
        real_unlink = pathlib.Path.unlink
        def unlink(self, *a, **k):
            if self.parent.name == "journal":
                die()
            return real_unlink(self, *a, **k)
        pathlib.Path.unlink = unlink
    lib.add_long_capture(long.frames, long.recipe_json, long.image_png, purchase_id=None, note="kept through a crash")
    print("survived")
    """
)


def _run_child(library: Path, where: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(library), where],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert "survived" not in proc.stdout and proc.returncode == -9, proc.stderr


@pytest.mark.parametrize("where", ["after_blobs", "in_transaction"])
def test_killed_before_commit_the_long_capture_is_adopted_whole(
    tmp_path: Path, long: Long, where: str
) -> None:
    library = tmp_path / "lib"
    _run_child(library, where)
    assert list((library / "journal").glob("*.json"))
    lib = Library.open(library)
    [rec] = lib.list_captures()
    assert lib.open_report.recovered == (rec.id,)
    assert rec.source == "long" and "recovered" in rec.flags and rec.note == "kept through a crash"
    assert rec.frames == len(long.frames) and lib.read_capture_bytes(rec.id) == long.image_png
    assert [f.sha256 for f in lib.long_capture_frames(rec.id)] == [_sha(f) for f in long.frames]
    assert Recipe.from_json(lib.long_capture_recipe(rec.id) or "").to_json() == long.recipe_json
    [event] = lib.events(capture_id=rec.id)
    assert event.kind == "recovered" and event.data["frames"] == [_sha(f) for f in long.frames]
    assert lib.check().ok and not list((library / "journal").glob("*.json"))
    lib.close()
    again = Library.open(library, scan=True)
    assert again.open_report.recovered == () and len(again.list_captures()) == 1
    again.close()


def test_killed_after_commit_keeps_exactly_one_long_capture(tmp_path: Path, long: Long) -> None:
    library = tmp_path / "lib"
    _run_child(library, "after_commit")
    lib = Library.open(library, scan=True)
    [rec] = lib.list_captures()
    assert lib.open_report.recovered == () and "recovered" not in rec.flags
    assert rec.frames == len(long.frames) and lib.check().ok
    lib.close()


def test_killed_while_writing_the_frames_loses_no_original(tmp_path: Path, long: Long) -> None:
    library = tmp_path / "lib"
    _run_child(library, "mid_frames")
    lib = Library.open(library)
    assert lib.list_captures() == [] and lib.open_report.recovered == ()
    written = set(lib.blobs.iter_shas())
    assert written == {_sha(f) for f in long.frames[:2]}  # whole blobs only; no long image
    assert not list((library / "journal").glob("*.json"))
    lib.close()
    # The frames written are originals: the app's scan adopts them rather than lose them.
    again = Library.open(library, scan=True)
    assert len(again.open_report.recovered) == 2
    assert {c.sha256 for c in again.list_captures()} == written
    assert again.check().ok
    again.close()


# ---------------------------------------------------------------------- export and verify


@pytest.fixture
def exported_long(lib: Library, long: Long, tmp_path: Path) -> tuple[Path, int]:
    from storage.export import export_purchase

    p = lib.add_purchase({"title": "健身卡"}, {"display_name": "乐活健身"})
    lib.add_capture(make_long(seed=3).frames[0], source="region", purchase_id=p.id)  # an ordinary one too
    rec = lib.add_long_capture(long.frames, long.recipe_json, long.image_png, purchase_id=p.id)
    result = export_purchase(lib, p.id, tmp_path / "out", language="en", make_zip=True)
    assert result.zip_path is not None
    return result.folder, rec.id


def _verify(path: Path) -> list[str]:
    from storage.verify import verify_evidence

    return [str(p) for p in verify_evidence(path).problems]


def test_export_holds_frames_long_image_and_recipe_and_verifies(
    exported_long: tuple[Path, int], long: Long
) -> None:
    folder, cid = exported_long
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    [entry] = [c for c in manifest["captures"] if c["capture_id"] == cid]
    assert entry["source"] == "long" and (folder / entry["file"]).read_bytes() == long.image_png
    assert [c for c in manifest["captures"] if c["capture_id"] != cid][0].get("long") is None
    frames = entry["long"]["frames"]
    assert [f["sha256"] for f in frames] == [_sha(f) for f in long.frames]
    stem = entry["file"].rsplit(".", 1)[0]
    for n, (f, data) in enumerate(zip(frames, long.frames, strict=True), start=1):
        assert f["file"] == f"{stem}-frames/{n:02d}-{_sha(data)[:8]}.png"
        assert (folder / f["file"]).read_bytes() == data
    recipe_rel = entry["long"]["recipe_file"]
    assert recipe_rel == f"{stem}.recipe.json"
    recipe_bytes = (folder / recipe_rel).read_bytes()
    assert Recipe.from_json(recipe_bytes.decode()).to_json() == long.recipe_json
    assert entry["long"]["recipe_sha256"] == _sha(recipe_bytes)
    sums = (folder / "SHA256SUMS").read_text(encoding="utf-8")
    for rel in [recipe_rel, *(f["file"] for f in frames)]:
        assert f"{_sha((folder / rel).read_bytes())}  {rel}" in sums
        assert rel in {f["path"] for f in manifest["files"]}
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert f"{len(frames)} frames" in report and all(f["sha256"] in report for f in frames)
    assert _verify(folder) == []
    assert _verify(folder.with_name(folder.name + ".zip")) == []


def _writable(path: Path) -> Path:
    path.chmod(0o644)
    return path


def test_a_tampered_frame_fails_verify_naming_it(exported_long: tuple[Path, int]) -> None:
    folder, cid = exported_long
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    [entry] = [c for c in manifest["captures"] if c["capture_id"] == cid]
    frame = entry["long"]["frames"][1]
    path = _writable(folder / frame["file"])
    img = Image.open(path).convert("RGB")
    img.putpixel((W // 2, 30), (255, 0, 0))
    path.write_bytes(_png(img))
    problems = _verify(folder)
    assert any(
        p.startswith(frame["file"]) and "frame 2 of long capture" in p and "changed" in p for p in problems
    )


def test_a_tampered_long_image_fails_verify_even_with_every_hash_rewritten(
    exported_long: tuple[Path, int], long: Long
) -> None:
    folder, cid = exported_long
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    [entry] = [c for c in manifest["captures"] if c["capture_id"] == cid]
    img = Image.open(io.BytesIO(long.image_png)).convert("RGB")
    img.putpixel((W // 2, long.height // 2), (0, 0, 0))
    forged = _png(img)
    _writable(folder / entry["file"]).write_bytes(forged)
    problems = _verify(folder)
    assert any(
        p.startswith(entry["file"]) and "is not what its frames and recipe make" in p for p in problems
    )
    # someone rewrites the manifest and SHA256SUMS to match: the rebuild still catches it
    entry["sha256"], entry["bytes"] = _sha(forged), len(forged)
    for f in manifest["files"]:
        if f["path"] == entry["file"]:
            f["sha256"], f["bytes"] = _sha(forged), len(forged)
    _writable(folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    sums = [
        line
        for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
        if not line.endswith(entry["file"])
    ]
    sums.append(f"{_sha(forged)}  {entry['file']}")
    _writable(folder / "SHA256SUMS").write_text("\n".join(sums) + "\n")
    problems = _verify(folder)
    assert any("is not what its frames and recipe make" in p and "rows" in p for p in problems), problems


# ---------------------------------------------------------------------- shown to the user


def test_get_capture_carries_the_frame_hashes(lib: Library, long: Long) -> None:
    rec = lib.add_long_capture(long.frames, long.recipe_json, long.image_png, purchase_id=None)
    assert lib.get_capture(rec.id, with_words=True).frame_hashes == tuple(_sha(f) for f in long.frames)
    assert lib.get_captures([rec.id])[0].frame_hashes == tuple(_sha(f) for f in long.frames)
    assert lib.get_capture(rec.id) == lib.list_captures()[0]  # the hashes do not make records differ


def test_preview_details_list_the_frames(qtbot, lib: Library, long: Long) -> None:  # type: ignore[no-untyped-def]
    from gui.preview import PreviewPane

    from .test_preview import image

    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.show()
    rec = lib.add_long_capture(long.frames, long.recipe_json, long.image_png, purchase_id=None)
    pane.show_capture(lib.get_capture(rec.id, with_words=True), image())
    assert pane.source_label.text() == "Long capture"
    assert pane._details_form.isRowVisible(pane.frames_label)
    lines = pane.frames_label.text().splitlines()
    assert lines[0].startswith(f"{len(long.frames)} frames")
    assert lines[1:] == [f"{n}. {_sha(f)[:12]}…" for n, f in enumerate(long.frames, start=1)]
    plain = lib.add_capture(long.frames[0], source="region", purchase_id=None)
    pane.show_capture(lib.get_capture(plain.id, with_words=True), image())
    assert not pane._details_form.isRowVisible(pane.frames_label)


def test_captures_show_lists_the_frames(cli, long: Long) -> None:  # type: ignore[no-untyped-def]
    lib = Library.open(cli.library)
    rec = lib.add_long_capture(long.frames, long.recipe_json, long.image_png, purchase_id=None)
    lib.close()
    doc = cli.json("captures", "show", str(rec.id))
    assert doc["source"] == "long" and doc["frame_count"] == len(long.frames)
    assert [f["sha256"] for f in doc["frames"]] == [_sha(f) for f in long.frames]
    assert all(
        Path(f["path"]).read_bytes() == data for f, data in zip(doc["frames"], long.frames, strict=True)
    )
    out = cli.run("captures", "show", str(rec.id)).stdout
    assert f"frames        {len(long.frames)}," in out
    assert all(_sha(f) in out for f in long.frames)
    listed = cli.json("captures", "list")
    assert [c["id"] for c in listed] == [rec.id]
