"""Check an evidence folder or its zip: SHA256SUMS, the manifest, every capture, custody.

Works on anything in the format of docs/evidence-format.md, without the library that
made it. Every problem names the file it concerns; a folder holds only when there are
none. Unfinished exports (`.Proofshot_….partial-…`) are never taken for evidence.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .custody import chain_hash, event_payload
from .errors import KnownStorageError
from .evidence_format import (
    CAPTURES_DIR,
    CUSTODY,
    DOCUMENT_MEDIA_TYPES,
    EVENT_FIELDS,
    FOLDER_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    PAGES_DIR,
    SUMS,
    is_partial_name,
    is_safe_relpath,
    line_hash,
    manifest_schema,
    parse_sums,
)

log = logging.getLogger(__name__)

_CHUNK = 1 << 20
_MAX_SCHEMA_PROBLEMS = 5
_ORIGIN_KINDS = ("captured", "imported", "recovered")


class VerifyError(KnownStorageError):
    """The path to verify does not exist or cannot be read at all."""


@dataclass(frozen=True)
class VerifyProblem:
    file: str  # relative path inside the export ("" for the export as a whole)
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}" if self.file else self.message


@dataclass(frozen=True)
class VerifyReport:
    path: Path
    files: int = 0
    captures: int = 0
    events: int = 0
    problems: tuple[VerifyProblem, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "ok": self.ok,
            "files": self.files,
            "captures": self.captures,
            "custody_events": self.events,
            "problems": [{"file": p.file, "message": p.message} for p in self.problems],
            "notes": list(self.notes),
        }


# ---------------------------------------------------------------------- reading a folder or a zip


class _Tree:
    """The files of an export, by relative posix path."""

    def names(self) -> list[str]:
        raise NotImplementedError

    def read(self, rel: str) -> bytes:
        raise NotImplementedError

    def chunks(self, rel: str) -> Iterator[bytes]:
        yield self.read(rel)

    def digest(self, rel: str) -> tuple[str, int]:
        h = hashlib.sha256()
        n = 0
        for chunk in self.chunks(rel):
            h.update(chunk)
            n += len(chunk)
        return h.hexdigest(), n


class _FolderTree(_Tree):
    def __init__(self, root: Path, problems: list[VerifyProblem]) -> None:
        self.root = root
        self._names: list[str] = []
        for dirpath, dirs, files in os.walk(root):
            base = Path(dirpath)
            for d in list(dirs):
                if (base / d).is_symlink():
                    problems.append(VerifyProblem((base / d).relative_to(root).as_posix(), "is a link"))
                    dirs.remove(d)
            for name in files:
                rel = (base / name).relative_to(root).as_posix()
                if (base / name).is_symlink():
                    problems.append(VerifyProblem(rel, "is a link, not a file of the export"))
                    continue
                self._names.append(rel)

    def names(self) -> list[str]:
        return self._names

    def read(self, rel: str) -> bytes:
        return (self.root / rel).read_bytes()

    def chunks(self, rel: str) -> Iterator[bytes]:
        with open(self.root / rel, "rb") as f:
            while chunk := f.read(_CHUNK):
                yield chunk


class _ZipTree(_Tree):
    def __init__(self, zf: zipfile.ZipFile, problems: list[VerifyProblem]) -> None:
        self.zf = zf
        self.members: dict[str, str] = {}
        tops = {n.split("/", 1)[0] for n in zf.namelist()}
        self.top = next(iter(tops)) if len(tops) == 1 else ""
        if len(tops) != 1:
            problems.append(VerifyProblem("", "the zip must hold exactly one folder"))
        for n in zf.namelist():
            if n.endswith("/"):
                continue
            rel = n.split("/", 1)[1] if self.top and "/" in n else n
            if not is_safe_relpath(rel):
                problems.append(VerifyProblem(n, "unsafe path inside the zip"))
                continue
            self.members[rel] = n

    def names(self) -> list[str]:
        return list(self.members)

    def read(self, rel: str) -> bytes:
        return self.zf.read(self.members[rel])

    def chunks(self, rel: str) -> Iterator[bytes]:
        with self.zf.open(self.members[rel]) as f:
            while chunk := f.read(_CHUNK):
                yield chunk


# ---------------------------------------------------------------------- the checks


def _check(tree: _Tree, path: Path, problems: list[VerifyProblem]) -> VerifyReport:
    def bad(file: str, message: str) -> None:
        problems.append(VerifyProblem(file, message))

    present = set(tree.names())
    digests: dict[str, tuple[str, int]] = {}

    def digest(rel: str) -> tuple[str, int]:
        if rel not in digests:
            digests[rel] = tree.digest(rel)
        return digests[rel]

    # SHA256SUMS: every listed file is there and unchanged; nothing else is there.
    sums: dict[str, str] = {}
    if SUMS not in present:
        bad(SUMS, "missing (it lists the SHA-256 of every file)")
    else:
        try:
            sums, unreadable = parse_sums(tree.read(SUMS).decode("utf-8"))
        except UnicodeDecodeError:
            sums, unreadable = {}, ["(not UTF-8 text)"]
        for line in unreadable[:3]:
            bad(SUMS, f"unreadable line: {line[:80]!r}")
        for rel, expected in sorted(sums.items()):
            if not is_safe_relpath(rel):
                bad(SUMS, f"lists a path outside the folder: {rel!r}")
            elif rel not in present:
                bad(rel, "listed in SHA256SUMS but missing (deleted?)")
            elif digest(rel)[0] != expected:
                bad(rel, "changed: its SHA-256 does not match SHA256SUMS")

    # manifest.json: readable, the right format, valid against the schema.
    manifest: dict[str, Any] | None = None
    if MANIFEST not in present:
        bad(MANIFEST, "missing")
    else:
        try:
            loaded = json.loads(tree.read(MANIFEST).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            bad(MANIFEST, f"is not valid JSON ({exc})")
        else:
            manifest = loaded if isinstance(loaded, dict) else None
            if manifest is None:
                bad(MANIFEST, "is not a JSON object")
    if manifest is not None:
        if manifest.get("format") != FORMAT:
            bad(MANIFEST, f"is not a Proofshot evidence manifest (format {manifest.get('format')!r})")
            manifest = None
        elif isinstance(manifest.get("format_version"), int) and manifest["format_version"] > FORMAT_VERSION:
            bad(MANIFEST, f"format version {manifest['format_version']} is newer than this Proofshot reads")
            manifest = None
    if manifest is not None:
        import jsonschema

        errors = sorted(
            jsonschema.Draft202012Validator(manifest_schema()).iter_errors(manifest),
            key=lambda e: list(e.absolute_path),
        )
        for e in errors[:_MAX_SCHEMA_PROBLEMS]:
            where = "/".join(str(p) for p in e.absolute_path) or "(top)"
            bad(MANIFEST, f"does not match the format at {where}: {e.message}")
        if errors:
            manifest = None

    listed = set(sums)
    captures: list[dict[str, Any]] = []
    if manifest is not None:
        in_manifest = {f["path"]: f for f in manifest["files"]}
        for rel, f in sorted(in_manifest.items()):
            if rel not in present:
                if rel not in sums:  # already reported above when listed in SHA256SUMS
                    bad(rel, "listed in manifest.json but missing (deleted?)")
            elif digest(rel) != (f["sha256"], f["bytes"]):
                bad(rel, "changed: its SHA-256 or size does not match manifest.json")
        listed |= set(in_manifest) | {MANIFEST}
        captures = manifest["captures"]
        for c in captures:
            rel = c["file"]
            if not rel.startswith(CAPTURES_DIR + "/"):
                bad(MANIFEST, f"capture {c['seq']} is outside {CAPTURES_DIR}/: {rel}")
            if rel not in present:
                if rel not in listed:
                    bad(rel, "capture file missing")
                continue
            got, size = digest(rel)
            if got != c["sha256"]:
                bad(rel, f"capture {c['seq']} changed: its SHA-256 is {got}, recorded {c['sha256']}")
            elif size != c["bytes"]:
                bad(rel, f"capture {c['seq']} has {size} bytes, recorded {c['bytes']}")
            text_rel = c["ocr"]["text_file"]
            if text_rel not in present and text_rel not in listed:
                bad(text_rel, "OCR text file missing")
            if isinstance(c.get("long"), dict):
                _check_long(tree, present, c, digest, bad)
        _check_documents(present, manifest, digest, bad)
    from .export_timestamps import UNLISTED, check_tokens

    notes = check_tokens(tree.read, present, captures, digest, bad)  # trusted time
    for rel in sorted(present - listed - {SUMS, *UNLISTED}):
        bad(rel, "not part of the export: not listed in SHA256SUMS or manifest.json (added later?)")

    events = _check_custody(tree, present, manifest, captures, bad)
    return VerifyReport(
        path=path,
        files=len(present),
        captures=len(captures),
        events=events,
        problems=tuple(problems),
        notes=tuple(notes),
    )


def _check_documents(present: set[str], manifest: dict[str, Any], digest: Any, bad: Any) -> None:
    """Documents (format version 2): each rendered page file is there and unchanged, and
    the links between an e-mail and its attachments name captures of this export."""
    captures: list[dict[str, Any]] = manifest["captures"]
    by_seq = {c["seq"]: c for c in captures}
    docs = [c for c in captures if isinstance(c.get("document"), dict)]
    if docs and manifest.get("format_version") == 1:
        bad(MANIFEST, "holds documents but says format version 1 (documents need version 2)")
    for c in docs:
        seq, doc = c["seq"], c["document"]
        if DOCUMENT_MEDIA_TYPES.get(doc["kind"]) != c["media_type"]:
            bad(
                MANIFEST, f"capture {seq} is a {doc['kind']} document but its media type is {c['media_type']}"
            )
        seen: set[int] = set()
        for pf in doc["page_files"]:
            rel, n = pf["file"], pf["page"]
            if not rel.startswith(PAGES_DIR + "/"):
                bad(MANIFEST, f"page {n} of capture {seq} is outside {PAGES_DIR}/: {rel}")
                continue
            if n > doc["pages"] or n in seen:
                bad(MANIFEST, f"capture {seq} lists page {n}, but its document has {doc['pages']} pages")
            seen.add(n)
            if rel not in present:
                bad(rel, f"page {n} of document {seq} is missing")
                continue
            got, size = digest(rel)
            if got != pf["sha256"]:
                bad(rel, f"page {n} of document {seq} changed: its SHA-256 is {got}, recorded {pf['sha256']}")
            elif size != pf["bytes"]:
                bad(rel, f"page {n} of document {seq} has {size} bytes, recorded {pf['bytes']}")
        parent = doc.get("parent_seq")
        if parent is not None:
            p = by_seq.get(parent)
            if p is None or not isinstance(p.get("document"), dict) or p["document"]["kind"] != "email":
                bad(
                    MANIFEST,
                    f"capture {seq} names capture {parent} as its e-mail, which is not an e-mail of this export",
                )
        email = doc.get("email")
        if isinstance(email, dict):
            for a in email["attachments"]:
                if a["seq"] is None:
                    continue
                target = by_seq.get(a["seq"])
                if target is None or target["sha256"] != a["sha256"]:
                    bad(
                        MANIFEST,
                        f"the attachment {a['name']!r} of e-mail {seq} is said to be capture {a['seq']}, "
                        "which does not hold that file",
                    )


def _check_long(tree: _Tree, present: set[str], c: dict[str, Any], digest: Any, bad: Any) -> None:
    """A long capture: its frames and recipe are there and unchanged, the recipe names
    exactly those frames, and rebuilding the long image from them (storage.stitched.render)
    gives exactly the long image's pixels."""
    from PIL import Image, UnidentifiedImageError

    from .stitched import Recipe, compare_rebuilt

    seq, long = c["seq"], c["long"]
    frames: list[dict[str, Any]] = long["frames"]
    ok = True
    for f in frames:
        rel, n = f["file"], f["position"] + 1
        if not rel.startswith(CAPTURES_DIR + "/"):
            bad(MANIFEST, f"frame {n} of capture {seq} is outside {CAPTURES_DIR}/: {rel}")
            ok = False
        elif rel not in present:
            bad(rel, f"frame {n} of long capture {seq} is missing")
            ok = False
        elif digest(rel)[0] != f["sha256"]:
            bad(
                rel,
                f"frame {n} of long capture {seq} changed: its SHA-256 is {digest(rel)[0]}, "
                f"recorded {f['sha256']}",
            )
    recipe_rel = long["recipe_file"]
    if recipe_rel not in present:
        bad(recipe_rel, f"the recipe of long capture {seq} is missing")
        return
    if digest(recipe_rel)[0] != long["recipe_sha256"]:
        bad(recipe_rel, f"the recipe of long capture {seq} changed: its SHA-256 does not match manifest.json")
    try:
        recipe = Recipe.from_json(tree.read(recipe_rel).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        bad(recipe_rel, f"the recipe of long capture {seq} is not valid ({exc})")
        return
    if [f.sha256 for f in recipe.frames] != [f["sha256"] for f in frames]:
        bad(recipe_rel, f"the recipe of long capture {seq} does not name the frames manifest.json lists")
        return
    if not ok or c["file"] not in present:
        return
    files = {f["sha256"]: f["file"] for f in frames}
    try:
        image = Image.open(io.BytesIO(tree.read(c["file"])))
        diff = compare_rebuilt(recipe, lambda sha: Image.open(io.BytesIO(tree.read(files[sha]))), image)
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
        bad(c["file"], f"long capture {seq} cannot be rebuilt from its frames ({exc})")
        return
    if diff is not None:
        bad(
            c["file"],
            f"long capture {seq} is not what its frames and recipe make (rebuilt and compared): {diff}",
        )


def _check_custody(
    tree: _Tree,
    present: set[str],
    manifest: dict[str, Any] | None,
    captures: list[dict[str, Any]],
    bad: Any,
) -> int:
    if CUSTODY not in present:
        if manifest is not None and CUSTODY not in {f["path"] for f in manifest["files"]}:
            bad(CUSTODY, "missing")
        return 0
    try:
        raw_lines = tree.read(CUSTODY).decode("utf-8").splitlines()
    except UnicodeDecodeError:
        bad(CUSTODY, "is not UTF-8 text")
        return 0
    from .custody import GENESIS

    prev = GENESIS
    origins: dict[int, str] = {}
    origin_data: dict[int, dict[str, Any]] = {}
    count = 0
    for n, raw in enumerate(raw_lines, start=1):
        where = f"{CUSTODY} line {n}"
        if not raw.strip():
            bad(where, "empty line")
            continue
        count += 1
        try:
            ev = json.loads(raw)
            if not isinstance(ev, dict) or any(
                k not in ev for k in (*EVENT_FIELDS, "line_prev", "line_hash")
            ):
                raise ValueError("missing fields")
            own = chain_hash(
                ev["prev_hash"],
                event_payload(
                    ev["id"], ev["at"], ev["kind"], ev["capture_id"], ev["purchase_id"], ev["data"]
                ),
            )
        except (ValueError, TypeError) as exc:
            bad(where, f"unreadable custody event ({exc})")
            prev = ""
            continue
        if own != ev["hash"]:
            bad(where, f"custody event {ev['id']} ({ev['kind']}) was altered after it was recorded")
        expected_line = line_hash(prev, ev)
        if ev["line_prev"] != prev or ev["line_hash"] != expected_line:
            bad(where, "does not follow the line before it (a line was removed, reordered or edited)")
        prev = ev["line_hash"]
        if ev["kind"] in _ORIGIN_KINDS and isinstance(ev["data"], dict) and ev["capture_id"] is not None:
            # The latest: a library may reuse the number of a capture deleted for good.
            origins[ev["capture_id"]] = str(ev["data"].get("sha256"))
            origin_data[ev["capture_id"]] = ev["data"]
    if manifest is not None:
        cust = manifest["custody"]
        if count != cust["events"]:
            bad(
                CUSTODY,
                f"has {count} events but manifest.json records {cust['events']} (lines removed or added)",
            )
        elif prev != cust["last_line_hash"]:
            bad(CUSTODY, "does not end with the line manifest.json records (the last line was changed)")
        for c in captures:
            if origins.get(c["capture_id"]) != c["sha256"]:
                bad(
                    c["file"],
                    f"custody.jsonl has no record of capture {c['seq']} being taken with this SHA-256",
                )
            elif isinstance(c.get("long"), dict):
                data = origin_data.get(c["capture_id"], {})
                if (
                    data.get("frames") != [f["sha256"] for f in c["long"]["frames"]]
                    or data.get("recipe_sha256") != c["long"]["recipe_sha256"]
                ):
                    bad(
                        c["file"],
                        f"custody.jsonl records other frames or another recipe for long capture {c['seq']}",
                    )
    return count


# ---------------------------------------------------------------------- entry points


def verify_evidence(path: Path | str) -> VerifyReport:
    """Check one export: a folder or a `.zip` of one."""
    path = Path(path).expanduser()
    if not path.exists():
        raise VerifyError(f"there is nothing at {path}")
    problems: list[VerifyProblem] = []
    if is_partial_name(path.name):
        problems.append(
            VerifyProblem(
                "",
                f"{path.name} is an unfinished export (it was interrupted while being written); "
                "it is not evidence: delete it and export again",
            )
        )
        return VerifyReport(path=path, problems=tuple(problems))
    if path.is_dir():
        return _check(_FolderTree(path, problems), path, problems)
    try:
        with zipfile.ZipFile(path) as zf:
            return _check(_ZipTree(zf, problems), path, problems)
    except (zipfile.BadZipFile, OSError) as exc:
        raise VerifyError(f"{path} is neither an evidence folder nor a readable zip ({exc})") from None


def verify_path(path: Path | str) -> list[VerifyReport]:
    """Check an export, or every export inside a folder of exports (such as the --out
    folder). Unfinished exports in such a folder are skipped with a note."""
    path = Path(path).expanduser()
    if (
        not path.is_dir()
        or is_partial_name(path.name)
        or (path / MANIFEST).exists()
        or (path / SUMS).exists()
    ):
        return [verify_evidence(path)]
    reports: list[VerifyReport] = []
    notes: list[str] = []
    for entry in sorted(path.iterdir()):
        if is_partial_name(entry.name):
            notes.append(f"ignored {entry.name}: an unfinished export (interrupted); it can be deleted")
        elif entry.name.startswith(FOLDER_PREFIX) and entry.is_dir() and (entry / MANIFEST).exists():
            reports.append(verify_evidence(entry))
    if not reports:
        report = verify_evidence(path)  # reports what is missing
        return [
            VerifyReport(
                report.path, report.files, report.captures, report.events, report.problems, tuple(notes)
            )
        ]
    first = reports[0]
    reports[0] = VerifyReport(
        first.path, first.files, first.captures, first.events, first.problems, first.notes + tuple(notes)
    )
    return reports
