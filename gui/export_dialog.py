"""Export… in the library window: choose where, export in the background, show the folder.

The export itself (storage.export) builds the folder in a temporary place, verifies
it after renaming and records an `exported` custody event; this dialog only asks
where, shows that work is going on, and reports the outcome in plain words: once done,
the choices make way for the whole destination path (selectable, wrapped, never cut
off) with Show folder and Copy path beside each other.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QResizeEvent, QTextOption
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from storage.errors import KnownStorageError
from storage.report import resolve_language
from storage.settings import load_settings

from .tasks import TaskRunner

if TYPE_CHECKING:
    from storage.export import ExportResult  # loaded when an export starts, not with the dialog
    from storage.library import Library

log = logging.getLogger(__name__)

APP_NAME = "Proofshot"
APP_VERSION = "0.1.0"


def default_export_folder() -> str:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return str(Path(docs or Path.home()) / "Proofshot exports")


class PathView(QTextEdit):
    """A path shown whole: read-only, selectable, wrapped anywhere (a path has no spaces to
    wrap at), and exactly as tall as its lines, so nothing is cut off or needs scrolling."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().setDocumentMargin(4)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)

    def set_path(self, path: str) -> None:
        self.setPlainText(path)
        self._fit()

    def _fit(self, *_: object) -> None:
        height = math.ceil(self.document().size().height()) + 2 * self.frameWidth()
        if height != self.height():
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.height())


class ExportDialog(QDialog):
    export_finished = Signal(object)  # storage.export.ExportResult

    def __init__(self, library: Library, purchase_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lib = library
        self.purchase = library.get_purchase(purchase_id)
        # The export's outcome once it is done (not `result`: that would hide QDialog.result()).
        self.outcome: ExportResult | None = None
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
        if self.purchase.capture_count == 1:
            heading = self.tr("Purchase: {title} (1 capture)").format(title=self.purchase.title)
        else:
            heading = self.tr("Purchase: {title} ({n} captures)").format(
                title=self.purchase.title, n=self.purchase.capture_count
            )
        title = QLabel(heading)
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
        self.options = QWidget()
        form = QFormLayout(self.options)
        form.setContentsMargins(0, 0, 0, 0)
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

        # What is shown once the export is done: where it is, and what to do with it.
        self.result_box = QWidget()
        self.path_view = PathView()
        self.zip_label = QLabel(self.tr("Zip file:"))
        self.zip_view = PathView()
        self.show_button = QPushButton(self.tr("Show folder"))
        self.copy_button = QPushButton(self.tr("Copy path"))
        self.copy_button.setToolTip(
            self.tr("Copy the folder's full path, to paste it into an email or a form")
        )
        actions = QHBoxLayout()
        actions.setContentsMargins(0, 0, 0, 0)
        actions.addWidget(self.show_button)
        actions.addWidget(self.copy_button)
        actions.addStretch(1)
        result_layout = QVBoxLayout(self.result_box)
        result_layout.setContentsMargins(0, 0, 0, 0)
        result_layout.addWidget(QLabel(self.tr("Saved in:")))
        result_layout.addWidget(self.path_view)
        result_layout.addWidget(self.zip_label)
        result_layout.addWidget(self.zip_view)
        result_layout.addLayout(actions)
        for w in (self.result_box, self.zip_label, self.zip_view, self.show_button, self.copy_button):
            w.hide()
        self.show_button.clicked.connect(self.show_folder)
        self.copy_button.clicked.connect(self.copy_path)
        self._copied_reset = QTimer(self)
        self._copied_reset.setSingleShot(True)
        self._copied_reset.setInterval(2000)
        self._copied_reset.timeout.connect(lambda: self.copy_button.setText(self.tr("Copy path")))

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.export_button.clicked.connect(self.start_export)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(title)
        layout.addWidget(self.options)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.result_box)
        layout.addStretch(1)
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
        from storage.settings import load_settings

        from .timestamp_worker import export_stamping  # trusted time, when on

        stamping = export_stamping(load_settings())
        lib, pid, language, make_zip = (
            self.lib,
            self.purchase.id,
            self.language.currentData(),
            self.zip.isChecked(),
        )

        def work() -> ExportResult:
            return export_purchase(
                lib,
                pid,
                out,
                language=language,
                render_pdf=render_pdf,
                make_zip=make_zip,
                app_name=APP_NAME,
                app_version=APP_VERSION,
                timestamp=stamping,
            )

        for w in (self.folder, self.language, self.pdf, self.zip, self.export_button):
            w.setEnabled(False)
        self.progress.show()
        self.status.setText(
            self.tr("Exporting and checking the result… this can take a while for many captures.")
        )
        self.runner.run("export", work, self._on_exported, self._on_failed)

    def _on_exported(self, result: ExportResult) -> None:
        self.outcome = result
        self.progress.hide()
        self.options.hide()
        self.export_button.hide()
        if result.captures == 1:
            done = self.tr("Done: 1 capture was exported and checked.")
        else:
            done = self.tr("Done: {n} captures were exported and checked.").format(n=result.captures)
        checked = self.tr("Every file matches its checksum and the custody log is intact.")
        if result.timestamp:
            checked += "\n" + self.tr("Trusted time: {outcome}").format(outcome=result.timestamp)
        self.status.setText(done + "\n" + checked)
        self.status.setStyleSheet("color: #1b6e2f; font-weight: 600;")
        self.path_view.set_path(str(result.folder))
        if result.zip_path:
            self.zip_view.set_path(str(result.zip_path))
        for view in (self.zip_label, self.zip_view):
            view.setVisible(bool(result.zip_path))
        for w in (self.result_box, self.show_button, self.copy_button):
            w.show()
        self.close_button.setText(self.tr("Close"))
        self.close_button.setFocus()
        # Once the path views have their wrapped height, fit the dialog around them.
        QTimer.singleShot(0, self._fit_height)
        self.export_finished.emit(result)

    def _fit_height(self) -> None:
        """As tall as the content needs at the dialog's width (adjustSize would measure the
        wrapped labels at their narrowest and leave a gap)."""
        layout = self.layout()
        if layout is None:
            return  # never: __init__ gives the dialog its layout
        if layout.hasHeightForWidth():
            height = layout.totalHeightForWidth(self.width())
        else:
            height = layout.totalSizeHint().height()
        self.resize(self.width(), max(height, layout.totalMinimumSize().height()))

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
        if self.outcome is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.outcome.folder)))

    def copy_path(self) -> None:
        if self.outcome is not None:
            QGuiApplication.clipboard().setText(str(self.outcome.folder))
            self.copy_button.setText(self.tr("Path copied"))
            self._copied_reset.start()

    def wait(self, msecs: int = 120000) -> bool:
        return self.runner.wait(msecs)
