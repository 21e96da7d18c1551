"""The command line as a user (and score_project.py) drives it: real processes, real files."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from .conftest import EVALSET

CHAT = EVALSET / "0000.png"  # a Chinese chat screenshot with 退款 and a phone number


def test_import_prints_each_capture_with_the_files_sha256(cli, tmp_path: Path, make_png) -> None:
    files = []
    for i, fmt in enumerate(("PNG", "JPEG", "WEBP", "BMP")):
        f = tmp_path / f"shot{i}.{fmt.lower()}"
        f.write_bytes(make_png(i, fmt=fmt))
        files.append(f)
    out = cli.json("import", "--no-ocr", *map(str, files))
    assert [c["sha256"] for c in out] == [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    for c, f in zip(out, files, strict=True):
        assert {
            "id",
            "purchase_id",
            "sha256",
            "width",
            "height",
            "captured_at",
            "source",
            "ocr_status",
        } <= set(c)
        assert c["source"] == "import" and c["ocr_status"] == "pending"
        shown = cli.json("captures", "show", str(c["id"]))
        assert Path(shown["path"]).read_bytes() == f.read_bytes()


def test_import_with_ocr_makes_a_chat_searchable(cli) -> None:
    from capture.ocr import resolve_engine

    [c] = cli.json("import", str(CHAT))
    # the automatic engine: PP-OCR where it is installed (the default set-up), else tesseract
    assert c["ocr_status"] == "done" and c["ocr_engine"] == resolve_engine("auto")
    for q in ("退款", "150-9903-4644", "15099034644"):
        hits = cli.json("search", q)
        assert hits and hits[0]["sha256"] == c["sha256"], q
        assert {"capture_id", "purchase_id", "sha256", "captured_at", "snippet", "score"} <= set(hits[0])
    shown = cli.json("captures", "show", str(c["id"]))
    assert {"kind": "phone", "value": "15099034644"}.items() <= next(
        s for s in shown["suggestions"] if s["kind"] == "phone"
    ).items()
    assert [e["kind"] for e in shown["events"]] == ["imported", "ocr_done"]


def test_a_batch_import_reports_bad_files_and_keeps_the_good_ones(cli, tmp_path: Path, make_png) -> None:
    good = tmp_path / "good.png"
    good.write_bytes(make_png(1))
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(make_png(2)[:30])
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    proc = cli.run(
        "import",
        "--no-ocr",
        str(good),
        str(corrupt),
        str(text),
        str(tmp_path),
        str(tmp_path / "missing.png"),
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert any("corrupt.png" in x and ("damaged" in x or "not an image" in x) for x in lines)
    assert any("notes.txt" in x and "not an image" in x for x in lines)
    assert any("is a folder" in x for x in lines)
    assert any("missing.png: no such file" in x for x in lines)
    assert len(cli.json("captures", "list")) == 1


def test_importing_the_same_file_twice_keeps_one_capture(cli, tmp_path: Path, make_png) -> None:
    f = tmp_path / "a.png"
    f.write_bytes(make_png(1))
    first = cli.json("import", "--no-ocr", str(f))
    second = cli.json("import", "--no-ocr", str(f))
    assert second[0]["id"] == first[0]["id"] and second[0]["duplicate"] is True
    assert len(cli.json("captures", "list")) == 1


def test_purchases_round_trip(cli, tmp_path: Path, make_png) -> None:
    p = cli.json(
        "purchases",
        "add",
        "--title",
        "二手相机",
        "--merchant",
        "老王数码",
        "--platform",
        "xianyu",
        "--account",
        "laowang_88",
        "--phone",
        "13800138000",
        "--order",
        "2026102788123456",
        "--amount",
        "1280",
        "--ordered-at",
        "2026-10-27",
        "--activate",
    )
    assert p["active"] and p["amount"] == "1280.00" and p["merchant"]["account_id"] == "laowang_88"
    assert "real_name" in p["merchant"]["missing_identity"]
    p2 = cli.json("purchases", "edit", str(p["id"]), "--status", "disputed", "--real-name", "王某")
    assert p2["status"] == "disputed" and p2["merchant"]["real_name"] == "王某"
    f = tmp_path / "a.png"
    f.write_bytes(make_png(1))
    [c] = cli.json("import", "--no-ocr", str(f))
    assert c["purchase_id"] == p["id"]  # filed under the active purchase
    assert [x["id"] for x in cli.json("purchases", "list")] == [p["id"]]
    assert cli.json("search", "老王数码")[0]["capture_id"] == c["id"]
    cli.run("purchases", "activate", "--inbox")
    moved = cli.json("captures", "move", str(c["id"]), "--to", "inbox")
    assert moved[0]["purchase_id"] is None
    assert cli.json("captures", "note", str(c["id"]), "他说七天包退")[0]["note"] == "他说七天包退"
    assert cli.json("captures", "delete", str(c["id"]))[0]["in_trash"] is True
    assert cli.json("captures", "list", "--trash")[0]["id"] == c["id"]
    assert cli.json("captures", "restore", str(c["id"]))[0]["in_trash"] is False
    deleted = cli.json("purchases", "delete", str(p["id"]))
    assert deleted["id"] == p["id"]
    assert cli.json("purchases", "list") == []
    check = cli.json("check")
    assert check["ok"] and check["problems"] == []


def _fingerprint(library: Path) -> tuple[object, ...]:
    import sqlite3

    con = sqlite3.connect(library / "library.sqlite3")
    try:
        return tuple(
            tuple(con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall())
            for t in ("captures", "purchases", "merchants", "events", "settings", "search_doc")
        )
    finally:
        con.close()


@pytest.mark.parametrize(
    "args, message",
    [
        (("captures", "show", "999"), "there is no capture 999"),
        (("captures", "show", "abc"), "not a capture id"),
        (("captures", "move", "1", "--to", "42"), "there is no purchase 42"),
        (("purchases", "show", "7"), "there is no purchase 7"),
        (("purchases", "add", "--title", "x", "--amount", "12,3.456"), "not an amount"),
        (("purchases", "add", "--title", "x", "--ordered-at", "tomorrow"), "not a date"),
        (("purchases", "add", "--title", "x", "--platform", "ebay-ish"), "not a known platform"),
        (("purchases", "edit", "1"), "nothing to change"),
        (("search", ""), "type a word"),
        (("search", "!!!"), "type a word"),
        (("search", "x", "--since", "someday"), "not a date"),
        (("import", "--purchase", "5", "whatever.png"), "there is no purchase 5"),
        (("captures", "empty-trash"), "--yes"),
    ],
)
def test_user_mistakes_get_one_clear_line_and_change_nothing(cli, make_png, tmp_path, args, message) -> None:
    from storage.library import Library

    with Library.open(cli.library) as lib:
        lib.add_capture(make_png(1), source="import", purchase_id=None)
        lib.add_purchase({"title": "existing"})
    before = _fingerprint(cli.library)
    proc = cli.run(*args, check=False)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1 and message in err[0] and "Traceback" not in proc.stderr
    assert _fingerprint(cli.library) == before


@pytest.mark.parametrize("query", ['"', "'", "*", "AND", "NEAR(", "a OR b", '退款" OR "x', ";--", "x" * 5000])
def test_hostile_search_text_never_breaks_the_command(cli, make_png, tmp_path, query) -> None:
    from storage.library import Library

    with Library.open(cli.library) as lib:
        lib.add_capture(make_png(1), source="import", purchase_id=None)
    proc = cli.run("search", query, "--json", check=False)
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr
    if proc.returncode == 0:
        assert proc.stdout.startswith("[")


def test_missing_tesseract_keeps_the_capture_and_explains(cli, tmp_path: Path) -> None:
    """With no tesseract on PATH the capture is kept as `unavailable`; `ocr --pending`
    reads it once tesseract is back."""
    import os

    env_path = os.environ["PATH"]
    tess = shutil.which("tesseract")
    assert tess, "these tests need tesseract"
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    for tool in ("python3",):
        if shutil.which(tool):
            (fake_bin / tool).symlink_to(shutil.which(tool))
    os.environ["PATH"] = str(fake_bin)
    try:
        proc = cli.run("import", str(CHAT), "--ocr-engine", "tesseract", "--json", check=False)
    finally:
        os.environ["PATH"] = env_path
    assert proc.returncode == 0, proc.stderr
    assert "OCR is not available" in proc.stderr and "apt-get install" in proc.stderr
    assert "ocr --pending" in proc.stderr
    cid = cli.json("captures", "list")[0]["id"]
    assert cli.json("captures", "show", str(cid))["ocr_status"] == "unavailable"
    redone = cli.json("ocr", "--pending")
    assert redone[0]["ocr_status"] == "done"
    assert cli.json("search", "退款")[0]["capture_id"] == cid


def test_check_fails_and_names_a_tampered_original(cli, make_png, tmp_path) -> None:
    import os

    f = tmp_path / "a.png"
    f.write_bytes(make_png(1))
    [c] = cli.json("import", "--no-ocr", str(f))
    blob = Path(cli.json("captures", "show", str(c["id"]))["path"])
    os.chmod(blob, 0o600)
    blob.write_bytes(blob.read_bytes() + b"x")
    proc = cli.run("check", check=False)
    assert proc.returncode == 1
    assert f"capture {c['id']}" in proc.stdout and "no longer matches" in proc.stdout


def test_purchases_show_never_suggests_the_users_own_phone(cli, tmp_path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 28)
    img = Image.new("RGB", (760, 220), "white")
    draw = ImageDraw.Draw(img)
    draw.text((20, 20), "卖家电话 13912345678", fill="black", font=font)
    draw.text((20, 110), "收货人 张三 13800138000", fill="black", font=font)
    shot = tmp_path / "order.png"
    img.save(shot)
    pid = cli.json("purchases", "add", "--title", "耳机")["id"]  # type: ignore[index]
    cli.run("import", str(shot), "--purchase", str(pid), "--ocr-engine", "tesseract")
    from storage.library import Library
    from storage.settings import OwnDetails

    lib = Library.open(cli.library)
    try:
        lib.set_own_details(OwnDetails(phones=("138-0013-8000",), names=("张三",)))
    finally:
        lib.close()
    shown = cli.json("purchases", "show", str(pid))
    values = [s["value"] for s in shown["suggestions"]]  # type: ignore[index]
    assert any("13912345678" in v.replace("-", "").replace(" ", "") for v in values), values
    assert not any("13800138000" in v.replace("-", "").replace(" ", "") for v in values), values


def test_import_keeps_the_files_own_modification_time(cli, tmp_path: Path, make_png) -> None:
    import os

    shot = tmp_path / "old.png"
    shot.write_bytes(make_png(7))
    os.utime(shot, (1_700_000_000, 1_700_000_000))  # 2023-11-14 22:13:20 UTC
    cid = cli.json("import", "--no-ocr", str(shot))[0]["id"]  # type: ignore[index]
    from storage.library import Library

    lib = Library.open(cli.library)
    try:
        imported = [e for e in lib.events(capture_id=cid) if e.kind == "imported"][0]
    finally:
        lib.close()
    assert imported.data["file_modified_at"].startswith("2023-11-14T22:13:20")


# --------------------------------------------------------------------------- the cli package


def test_the_commands_choices_are_storages() -> None:
    """cli keeps copies of two lists that live in heavier storage modules (so parsing the
    command line does not load them); they must stay the same."""
    from cli.export import REPORT_LANGUAGES
    from cli.ocr import OCR_ENGINES
    from storage.report import LANGUAGES
    from storage.settings import OCR_ENGINES as SETTINGS_OCR_ENGINES

    assert OCR_ENGINES == SETTINGS_OCR_ENGINES
    assert REPORT_LANGUAGES == LANGUAGES


def test_help_names_the_stored_statuses_and_platforms(cli) -> None:
    from storage.vocabulary import Platform, PurchaseStatus

    *others, last = [s.value for s in PurchaseStatus]  # today "open, disputed, resolved or closed"
    text = " ".join(cli.run("purchases", "add", "--help").stdout.split())
    assert f"{', '.join(others)} or {last}" in text
    assert ", ".join(p.value for p in Platform) in text


def test_parsing_a_command_loads_no_database_images_ocr_or_qt() -> None:
    """A command starts quickly: the library (SQLAlchemy), Pillow, OCR and Qt are loaded
    by the handlers that use them, never by importing the command line."""
    import subprocess
    import sys

    from .conftest import ROOT

    code = (
        "import sys, pkgutil, importlib, main\n"
        "for m in pkgutil.iter_modules(['cli']): importlib.import_module('cli.' + m.name)\n"
        "main.build_parser().parse_args(['purchases', 'list'])\n"
        "print('\\n'.join(sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    heavy = {m for m in out.stdout.split() if m.split(".")[0] in ("sqlalchemy", "PIL", "PySide6", "capture")}
    assert not heavy, sorted(heavy)


def test_errors_become_exit_codes(tmp_path: Path, monkeypatch, capsys) -> None:
    import argparse

    from cli.common import EXIT_BUG, EXIT_OK, EXIT_USER, Handler, UserError, run_command
    from storage.errors import KnownStorageError

    monkeypatch.setenv("PROOFSHOT_LOG_DIR", str(tmp_path))
    args = argparse.Namespace(library=tmp_path / "lib", json=False)

    def raising(exc: BaseException) -> Handler:
        def handler(_: argparse.Namespace) -> int:
            raise exc

        return handler

    assert run_command(args, lambda _: 3) == 3
    assert run_command(args, raising(UserError("give an id"))) == EXIT_USER
    assert capsys.readouterr().err == "proofshot: give an id\n"
    assert run_command(args, raising(KnownStorageError("there is no capture 9"))) == EXIT_USER
    assert capsys.readouterr().err == "proofshot: there is no capture 9\n"
    assert run_command(args, raising(KeyboardInterrupt())) == 130
    assert "interrupted" in capsys.readouterr().err
    assert run_command(args, raising(BrokenPipeError())) == EXIT_OK
    assert run_command(args, raising(RuntimeError("oops"))) == EXIT_BUG
    err = capsys.readouterr().err
    assert err.startswith("proofshot: internal error (RuntimeError('oops'))") and "crash.log" in err
    assert "RuntimeError: oops" in (tmp_path / "crash.log").read_text(encoding="utf-8")


def test_the_plain_text_output(cli, tmp_path: Path, make_png) -> None:
    """What a person reads (--json aside), line for line."""
    assert cli.run("purchases", "list").stdout == (
        "No purchases yet. Add one with: main.py purchases add --title 'what you bought'\n"
    )
    shown = cli.run(
        "purchases", "add", "--title", "耳机", "--merchant", "老王", "--amount", "12.5", "--phone", ""
    )
    assert shown.stdout == (
        "Purchase #1: 耳机\n"
        "  status         open\n"
        "  amount         12.50 CNY\n"
        "  captures       0\n"
        "Merchant #1: 老王\n"
        "  still missing: account id, phone, real name, company, credit code, shop url, address\n"
    )
    assert cli.run("purchases", "list").stdout == " #1    open         0 captures  耳机  · 老王  12.50 CNY\n"
    assert cli.run("purchases", "activate", "1").stdout == "New captures will be filed under #1 耳机.\n"
    f = tmp_path / "a.png"
    f.write_bytes(make_png(1))
    sha = hashlib.sha256(f.read_bytes()).hexdigest()
    line = cli.run("import", "--no-ocr", str(f)).stdout
    assert line.startswith("#1     ") and line.endswith(f"  64x48  ocr:pending     {sha}  #1 耳机\n")
    assert cli.run("captures", "list").stdout == line
    assert cli.run("search", "老王").stdout.splitlines()[1] == "       耳机 · [老王]"
    assert cli.run("check").stdout == (
        "All 1 captures match their SHA-256 and the custody log of 4 events is intact.\n"
    )
    proc = cli.run("status", check=False)
    assert proc.returncode == 3 and proc.stdout == f"Proofshot is not running for {cli.library}.\n"
    usage = cli.run("captures", "show", check=False)
    assert usage.returncode == 2 and usage.stdout == ""
    assert usage.stderr.endswith("main.py captures show: error: the following arguments are required: id\n")
