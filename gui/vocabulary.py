"""The words every window uses for the library's fixed vocabulary, in one place.

Labels are translated with the fixed context "Vocabulary" (QCoreApplication.translate, not
a class's `tr`), so each has one entry in the translation files whichever window shows it.
Keys are storage.vocabulary's members, which are their stored strings: a label is found
by either.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

from storage.vocabulary import PurchaseStatus


def purchase_status_label(status: str) -> str:
    """A purchase status in the interface language ("Open", "Disputed"…); a code this
    version does not know is shown as it is stored."""
    labels: dict[str, str] = {
        PurchaseStatus.OPEN: QCoreApplication.translate("Vocabulary", "Open", "purchase status"),
        PurchaseStatus.DISPUTED: QCoreApplication.translate("Vocabulary", "Disputed", "purchase status"),
        PurchaseStatus.RESOLVED: QCoreApplication.translate("Vocabulary", "Resolved", "purchase status"),
        PurchaseStatus.CLOSED: QCoreApplication.translate("Vocabulary", "Closed", "purchase status"),
    }
    return labels.get(status, status)


def utc_offset_text(minutes: int) -> str:
    """A capture's offset from UTC as the windows show it: 'UTC+08:00' for 480, 'UTC-03:30'
    for -210 (the same in every language)."""
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


__all__ = ["purchase_status_label", "utc_offset_text"]


def document_kind_label(kind: str | None, facts: Mapping[str, Any] | None = None) -> str:
    """A document's kind in plain words (storage.documents kinds; an invoice when its facts
    have an invoice number)."""
    invoice = bool(facts and facts.get("invoice_number"))
    if kind == "pdf":
        return (
            QCoreApplication.translate("Vocabulary", "PDF invoice")
            if invoice
            else QCoreApplication.translate("Vocabulary", "PDF document")
        )
    if kind == "ofd":
        return QCoreApplication.translate("Vocabulary", "OFD e-invoice")
    if kind == "xml":
        return (
            QCoreApplication.translate("Vocabulary", "XML e-invoice")
            if invoice
            else QCoreApplication.translate("Vocabulary", "XML document")
        )
    if kind == "email":
        return QCoreApplication.translate("Vocabulary", "E-mail")
    return kind or ""
