"""The repository is self-contained: a clone can install, run, test and benchmark the
project with nothing beside it. No tracked text file names a path outside the
repository, and the evaluation set the tests and benches use is complete in
tests/data/evalset."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from .conftest import EVALSET, ROOT

# Built from pieces so that this file does not match its own patterns.
_SIBLING = ".." + "/shared"
#: The old way of reaching a sibling folder by path arithmetic: ROOT.parent joined with a
#: quoted shared folder name and then more path parts.
_SHARED_JOIN = re.compile(r"""["']""" + "shared" + r"""["']\s*/""")


def tracked_files() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.decode(
        "utf-8", "surrogateescape"
    )
    return [ROOT / name for name in out.split("\0") if name]


def text_of(path: Path) -> str | None:
    """The file's text, or None for a binary file (or one gone from the work tree)."""
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return None
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def outside_patterns() -> list[tuple[str, re.Pattern[str]]]:
    patterns = [
        (_SIBLING, re.compile(re.escape(_SIBLING))),
        ("a shared folder joined to a path (path arithmetic out of the repository)", _SHARED_JOIN),
    ]
    # The brief's folders, wherever they were reached from.
    patterns.append(("the brief's shared folders", re.compile("/" + "shared/(evalset|design|hooks)\\b")))
    parent = ROOT.resolve().parent
    # The folder this checkout sits in, unless it is a common one (a clone in /tmp has /tmp as
    # its parent, and a bench's default /tmp/proofshot-... folder is not a path to a sibling).
    common = {Path("/"), Path("/tmp"), Path("/var/tmp"), Path(tempfile.gettempdir()).resolve(), Path.home()}
    if parent not in common:
        patterns.append((str(parent), re.compile(re.escape(str(parent)) + r"(?![\w.-])")))
    return patterns


def test_no_tracked_file_names_a_path_outside_the_repository() -> None:
    patterns = outside_patterns()
    found = []
    for path in tracked_files():
        text = text_of(path)
        if text is None:
            continue
        for lineno, line in enumerate(text.splitlines(), 1):
            for label, pattern in patterns:
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{lineno}: {label}: {line.strip()[:120]}")
    assert not found, "paths outside the repository:\n" + "\n".join(found)


def test_evalset_is_inside_the_repository() -> None:
    assert EVALSET.resolve().is_relative_to(ROOT.resolve())
    assert EVALSET.is_dir(), f"the evaluation set is missing: {EVALSET}"


def test_evalset_is_complete() -> None:
    manifest = json.loads((EVALSET / "manifest.json").read_text(encoding="utf-8"))
    listed = manifest["images"]
    assert len(listed) == manifest["n"] > 0
    ids = {entry["id"] for entry in listed}
    problems = []
    for entry in listed:
        image = EVALSET / entry["image"]
        if not image.is_file():
            problems.append(f"manifest: {entry['image']} is missing")
        for q in entry["queries"]:
            for rel in q.get("relevant", [entry["id"]]):
                if rel not in ids or not (EVALSET / f"{rel}.png").is_file():
                    problems.append(f"manifest: query {q['q']!r} refers to {rel}, which is missing")
    sidecars = [p for p in sorted(EVALSET.glob("*.json")) if p.name != "manifest.json"]
    for sidecar in sidecars:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        image = EVALSET / meta["image"]
        if not image.is_file():
            problems.append(f"{sidecar.name}: its image {meta['image']} is missing")
        if meta["id"] not in ids:
            problems.append(f"{sidecar.name}: not in manifest.json")
        if not meta.get("queries") or not meta.get("text"):
            problems.append(f"{sidecar.name}: no queries or no true text")
        for q in meta.get("queries", []):
            if not q.get("q") or not q.get("type"):
                problems.append(f"{sidecar.name}: query without text or type: {q}")
    pngs = sorted(p.stem for p in EVALSET.glob("*.png"))
    if sorted(p.stem for p in sidecars) != pngs:
        problems.append("every NNNN.png needs its NNNN.json and every NNNN.json its NNNN.png")
    if sorted(ids) != pngs:
        problems.append("manifest.json and the images differ")
    assert not problems, "\n".join(problems)


def test_evalset_files_are_tracked() -> None:
    """A clone gets the whole set: none of its files is left out of git."""
    tracked = {p.resolve() for p in tracked_files()}
    untracked = [p.name for p in sorted(EVALSET.iterdir()) if p.is_file() and p.resolve() not in tracked]
    assert not untracked, f"not in git: {untracked}"
