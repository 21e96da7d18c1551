"""Paths to the files in resources/ (icons, translations)."""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
ICONS = RESOURCES / "icons"
TRANSLATIONS = RESOURCES / "translations"


def icon_path(name: str) -> str:
    return str(ICONS / f"{name}.svg")
