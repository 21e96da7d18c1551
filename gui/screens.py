"""The screens as Qt sees them, for the screen grabbers (capture.grabbers.ScreenInfo)."""

from __future__ import annotations

import os

from PySide6.QtGui import QGuiApplication

from capture.grabbers import ScreenInfo
from capture.region import Rect
from capture.session import session_kind

_app: QGuiApplication | None = None


def prefer_wayland() -> None:
    """On a Wayland session, talk to the compositor directly rather than through XWayland
    (which would hide the outputs' names and scales from the screen grabbers). Call before
    the QGuiApplication exists; an explicit QT_QPA_PLATFORM wins."""
    if (
        not os.environ.get("QT_QPA_PLATFORM")
        and os.environ.get("WAYLAND_DISPLAY")
        and session_kind() == "wayland"
    ):
        os.environ["QT_QPA_PLATFORM"] = "wayland;xcb"


def current_screens() -> list[ScreenInfo]:
    """Every screen: its output name, its geometry in desktop coordinates (logical on
    Wayland) and its scale. Needs a QGuiApplication."""
    screens = []
    for screen in QGuiApplication.screens():
        g = screen.geometry()
        screens.append(
            ScreenInfo(screen.name(), Rect(g.x(), g.y(), g.width(), g.height()), screen.devicePixelRatio())
        )
    return screens


def screens_without_app() -> list[ScreenInfo]:
    """The screens, for the command line when no Proofshot window runs (Wayland only: there
    the layout comes from the compositor, which Qt asks). Starts a QGuiApplication once."""
    global _app
    if QGuiApplication.instance() is None:
        prefer_wayland()
        _app = QGuiApplication(["proofshot"])  # kept: Qt's screens live as long as it does
    return current_screens()
