"""Refresh the translation files from the code: lupdate into the .ts, then lrelease into the .qm.

Run it after changing any user-visible string, and again after translating:
    .venv/bin/python resources/translations/update.py
Existing translations are kept; strings no longer in the code are dropped.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LANGUAGES = ("zh_CN",)


def ts_path(language: str) -> Path:
    return HERE / f"proofshot_{language}.ts"


def qm_path(language: str) -> Path:
    return HERE / f"proofshot_{language}.qm"


def sources() -> list[Path]:
    """The Python files whose self.tr(...) / QCoreApplication.translate(...) strings are shipped."""
    return [*sorted((ROOT / "gui").glob("*.py")), ROOT / "main.py"]


def tool(name: str) -> str | None:
    """pyside6-lupdate / pyside6-lrelease: next to this Python first (the venv), then on PATH."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    return shutil.which(name)


def _run(name: str, args: list[str]) -> None:
    exe = tool(name)
    if exe is None:
        raise SystemExit(f"{name} not found; install PySide6 into this Python's environment")
    subprocess.run([exe, *args], check=True, cwd=ROOT)


def lupdate(ts: Path, language: str) -> None:
    """Merge the code's strings into `ts` (created if missing), dropping the ones that are gone.

    No source locations are stored: with several people editing gui/ at once, line numbers
    would change the .ts on every run and make merges painful.
    """
    _run(
        "pyside6-lupdate",
        [
            *(str(p) for p in sources()),
            "-no-obsolete",
            "-locations",
            "none",
            "-source-language",
            "en_US",
            "-target-language",
            language,
            "-silent",
            "-ts",
            str(ts),
        ],
    )


def lrelease(ts: Path, qm: Path) -> None:
    _run("pyside6-lrelease", [str(ts), "-qm", str(qm), "-silent"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--no-release", action="store_true", help="only update the .ts files, do not build the .qm files"
    )
    args = parser.parse_args(argv)
    for language in LANGUAGES:
        ts, qm = ts_path(language), qm_path(language)
        lupdate(ts, language)
        print(f"updated {ts.relative_to(ROOT)}")
        if not args.no_release:
            lrelease(ts, qm)
            print(f"built   {qm.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
