"""Export… in the library window: choose where, export in the background, show the folder.

The export itself (storage.export) builds the folder in a temporary place, verifies
it after renaming and records an `exported` custody event; this dialog only asks
where, shows that work is going on, and reports the outcome in plain words.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from storage.errors import KnownStorageError
from storage.library import Library
from storage.report import resolve_language
from storage.settings import load_settings

from .tasks import TaskRunner

log = logging.getLogger(__name__)

APP_NAME = "Proofshot"
APP_VERSION = "0.1.0"


def default_export_folder() -> str:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return str(Path(docs or Path.home()) / "Proofshot exports")


class ExportDialog(QDialog):
    export_finished = Signal(object)  # storage.export.ExportResult

    def __init__(self, library: Library, purchase_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lib = library
        self.purchase = library.get_purchase(purchase_id)
        self.result: Any = None
        self.runner = TaskRunner(self, max_threads=1)
        self.setWindowTitle(self.tr("Export evidence"))
        self.setMinimumWidth(520)

        intro = QLabel(
            self.tr(
                "Proofshot writes one folder with the original captures, their text, a report (HTML and PDF) "
                "and checksums, for a consumer association, a platform's dispute team or the police. "
                "Anyone can check that nothing in it was changed."
            )
        )
        intro.setWordWrap(True)
        title = QLabel(
            self.tr("Purchase: {title} ({n} captures)").format(
                title=self.purchase.title, n=self.purchase.capture_count
            )
        )
        title.setWordWrap(True)
        title.setStyleSheet("font-weight: 600;")

        self.folder = QLineEdit(default_export_folder())
        choose = QPushButton(self.tr("Choose…"))
        choose.clicked.connect(self._on_choose_clicked)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        self.language = QComboBox()
        self.language.addItem(self.tr("English"), "en")
        self.language.addItem("简体中文", "zh_CN")
        current = resolve_language(load_settings().ui_language)
        self.language.setCurrentIndex(1 if current == "zh_CN" else 0)
        self.pdf = QCheckBox(self.tr("Include the PDF report (slower for many captures)"))
        self.pdf.setChecked(True)
        self.zip = QCheckBox(self.tr("Also make a .zip file of the folder"))
        form = QFormLayout()
        form.addRow(self.tr("Save in:"), folder_row)
        form.addRow(self.tr("Report language:"), self.language)
        form.addRow("", self.pdf)
        form.addRow("", self.zip)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.show_button = self.buttons.addButton(
            self.tr("Show folder"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.show_button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.export_button.clicked.connect(self.start_export)
        self.show_button.clicked.connect(self.show_folder)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    def _on_choose_clicked(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self, self.tr("Save the evidence folder in"), self.folder.text()
        )
        if path:
            self.folder.setText(path)

    def start_export(self) -> None:
        from storage.export import export_purchase

        out = Path(self.folder.text().strip()).expanduser()
        if not self.folder.text().strip():
            self.status.setText(self.tr("Choose a folder to save the evidence in."))
            return
        render_pdf = None
        if self.pdf.isChecked():
            from .report_pdf import render_report_pdf

            render_pdf = render_report_pdf
        lib, pid, language, make_zip = (
            self.lib,
            self.purchase.id,
            self.language.currentData(),
            self.zip.isChecked(),
        )

        def work() -> Any:
            return export_purchase(
                lib,
                pid,
                out,
                language=language,
                render_pdf=render_pdf,
                make_zip=make_zip,
                app_name=APP_NAME,
                app_version=APP_VERSION,
            )

        for w in (self.folder, self.language, self.pdf, self.zip, self.export_button):
            w.setEnabled(False)
        self.progress.show()
        self.status.setText(
            self.tr("Exporting and checking the result… this can take a while for many captures.")
        )
        self.runner.run("export", work, self._on_exported, self._on_failed)

    def _on_exported(self, result: Any) -> None:
        self.result = result
        self.progress.hide()
        self.status.setText(
            self.tr(
                "Done. {n} captures were exported to {folder} and checked: every file matches its checksum "
                "and the custody log is intact."
            ).format(n=result.captures, folder=result.folder)
            + (self.tr("\nZip file: {zip}").format(zip=result.zip_path) if result.zip_path else "")
        )
        self.show_button.show()
        self.close_button.setText(self.tr("Close"))
        self.export_finished.emit(result)

    def _on_failed(self, exc: Exception) -> None:
        self.progress.hide()
        for w in (self.folder, self.language, self.pdf, self.zip, self.export_button):
            w.setEnabled(True)
        if isinstance(exc, KnownStorageError):
            self.status.setText(self.tr("The export was not made: {error}").format(error=exc))
        else:
            log.error("export failed", exc_info=exc)
            self.status.setText(
                self.tr("The export failed because of an internal error: {error!r}").format(error=exc)
            )

    def show_folder(self) -> None:
        if self.result is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result.folder)))

    def wait(self, msecs: int = 120000) -> bool:
        return self.runner.wait(msecs)
