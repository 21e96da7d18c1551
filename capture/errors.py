"""Errors of the capture package.

`KnownCaptureError` is a condition of the user's machine or input (tesseract not
installed, a language missing, an image that is not an image): its message says
what happened and what to do, and it is shown to the user as is. Anything else
raised from this package is a bug.
"""

from __future__ import annotations


class CaptureError(Exception):
    """Base of every error this package raises on purpose."""


class KnownCaptureError(CaptureError):
    """A condition to explain to the user, with what to do about it."""


class OcrUnavailable(KnownCaptureError):
    """The OCR engine (or a language it needs) is not installed."""


class OcrFailed(KnownCaptureError):
    """The OCR engine ran but did not produce a result (timeout, crash)."""
