"""Settings → Trusted time: whether to ask a time-stamp authority (TSA) to vouch for the
time of captures and exports, which TSA, and what it is shown (only a hash).

Off by default. The settings dialog adds this group to its pages and asks it for its
part of the settings (`apply`) and for what stops saving (`problem`).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QLabel, QVBoxLayout, QWidget

from storage.settings import AppSettings

#: Public TSAs offered in the list (docs/trusted-time.md says more about each).
PUBLIC_TSAS = (
    ("https://freetsa.org/tsr", "FreeTSA"),
    ("http://timestamp.digicert.com", "DigiCert"),
    ("http://timestamp.sectigo.com", "Sectigo"),
)


class TrustedTimeGroup(QGroupBox):
    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Trusted time (RFC 3161 time-stamps)"), parent)
        self.setObjectName("trustedTimeGroup")
        box = QVBoxLayout(self)
        self.enabled_box = QCheckBox(self.tr("Ask a time-stamp authority to vouch for the time"))
        self.url_combo = QComboBox()
        self.url_combo.setEditable(True)
        self.url_combo.setObjectName("tsaUrl")
        for url, name in PUBLIC_TSAS:
            self.url_combo.addItem(f"{url}", url)
            self.url_combo.setItemData(self.url_combo.count() - 1, name)
        self.url_combo.setToolTip(self.tr("Choose a time-stamp authority or type its address"))
        self.captures_box = QCheckBox(self.tr("Stamp each capture when it is taken"))
        self.exports_box = QCheckBox(self.tr("Stamp each export"))
        note = QLabel(
            self.tr(
                "Only the picture's fingerprint (its SHA-256 hash) is sent to the time-stamp authority, "
                "never the picture, its text or anything about you. With this off, Proofshot connects "
                "to nothing. Without a network, requests wait and are sent later."
            )
        )
        note.setWordWrap(True)
        note.setObjectName("trustedTimeNote")
        self.message = QLabel()
        self.message.setWordWrap(True)
        for w in (self.enabled_box, self.url_combo, self.captures_box, self.exports_box, note, self.message):
            box.addWidget(w)
        self.enabled_box.toggled.connect(self._update)
        self.set_settings(settings)

    def set_settings(self, s: AppSettings) -> None:
        self.enabled_box.setChecked(s.tsa_enabled)
        self.url_combo.setEditText(s.tsa_url or PUBLIC_TSAS[0][0])
        self.captures_box.setChecked(s.tsa_stamp_captures)
        self.exports_box.setChecked(s.tsa_stamp_exports)
        self._update()

    def _update(self) -> None:
        on = self.enabled_box.isChecked()
        for w in (self.url_combo, self.captures_box, self.exports_box):
            w.setEnabled(on)

    def url(self) -> str:
        return self.url_combo.currentText().strip()

    def problem(self) -> str | None:
        if not self.enabled_box.isChecked():
            return None
        url = self.url()
        if not url.lower().startswith(("http://", "https://")) or len(url) < 10:
            return self.tr("The time-stamp authority's address must start with http:// or https://.")
        return None

    def apply(self, s: AppSettings) -> AppSettings:
        # Switched off with no TSA chosen before: the address shown is only a suggestion.
        chosen = self.enabled_box.isChecked() or bool(s.tsa_url)
        url = self.url() if chosen and self.problem() is None else s.tsa_url
        return replace(
            s,
            tsa_enabled=self.enabled_box.isChecked(),
            tsa_url=url,
            tsa_stamp_captures=self.captures_box.isChecked(),
            tsa_stamp_exports=self.exports_box.isChecked(),
        )
