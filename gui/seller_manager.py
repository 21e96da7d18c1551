"""Manage sellers…: delete a seller no purchase uses, or merge one seller into another.

Opened from the purchase editor; it asks before each change, and reports the seller
removed (and the one kept) with `sellers_changed` so the editor can show them as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from storage.errors import KnownStorageError
from storage.records import MerchantRecord

from .style import set_text_tone
from .widgets import muted, question

if TYPE_CHECKING:
    from storage.library import Library

log = logging.getLogger(__name__)


class SellerManager(QDialog):
    """Delete a seller no purchase uses, or merge one seller into another (its purchases
    move there). Each asks first; the library records it in the custody log."""

    # The seller removed, and the seller its purchases went to (None when it was deleted).
    sellers_changed = Signal(int, object)

    def __init__(
        self, library: Library, current_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._lib = library
        self._merchants: dict[int, MerchantRecord] = {}
        self._usage: dict[int, int] = {}
        self.question: QMessageBox | None = None
        self.setObjectName("sellerManager")
        self.setWindowTitle(self.tr("Manage sellers"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.setSpacing(8)
        intro = QLabel(
            self.tr(
                "A seller saved twice, or under a misspelt name, can be merged into the right one: "
                "its purchases move there. A seller that no purchase uses can be deleted."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(muted(intro))

        self.seller_list = QListWidget()
        self.seller_list.setObjectName("sellers")
        self.seller_list.currentItemChanged.connect(self._on_selection_changed)
        layout.addWidget(self.seller_list, 1)

        self.delete_button = QPushButton(self.tr("Delete…"))
        self.delete_button.setObjectName("deleteSeller")
        self.delete_button.setAutoDefault(False)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.delete_hint = muted(QLabel())
        self.delete_hint.setWordWrap(True)
        delete_row = QHBoxLayout()
        delete_row.addWidget(self.delete_button)
        delete_row.addWidget(self.delete_hint, 1)
        layout.addLayout(delete_row)

        merge_label = QLabel(self.tr("Merge into:"))
        self.merge_target = QComboBox()
        self.merge_target.setObjectName("mergeTarget")
        merge_label.setBuddy(self.merge_target)
        self.merge_button = QPushButton(self.tr("Merge…"))
        self.merge_button.setObjectName("mergeSeller")
        self.merge_button.setAutoDefault(False)
        self.merge_button.clicked.connect(self._on_merge_clicked)
        merge_row = QHBoxLayout()
        merge_row.addWidget(merge_label)
        merge_row.addWidget(self.merge_target, 1)
        merge_row.addWidget(self.merge_button)
        layout.addLayout(merge_row)

        self.message = QLabel()
        self.message.setObjectName("managerMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        layout.addWidget(self.message)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.reload(current_id)
        self.setMinimumWidth(460)

    # ------------------------------------------------------------------ contents

    def reload(self, select_id: int | None = None) -> None:
        self._merchants = {m.id: m for m in self._lib.list_merchants()}
        self._usage = self._lib.merchant_usage()
        self.seller_list.clear()
        current: QListWidgetItem | None = None
        for m in sorted(self._merchants.values(), key=lambda m: m.display_name.casefold()):
            item = QListWidgetItem(self._item_text(m))
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.seller_list.addItem(item)
            if m.id == select_id or current is None:
                current = item
        if current is not None:
            self.seller_list.setCurrentItem(current)
        self._on_selection_changed()

    def _item_text(self, m: MerchantRecord) -> str:
        used = self._usage.get(m.id, 0)
        if used == 0:
            return self.tr("{name} · on no purchase").format(name=m.display_name)
        if used == 1:
            return self.tr("{name} · on 1 purchase").format(name=m.display_name)
        return self.tr("{name} · on {count} purchases").format(name=m.display_name, count=used)

    def selected(self) -> MerchantRecord | None:
        item = self.seller_list.currentItem()
        return self._merchants.get(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def select(self, merchant_id: int) -> None:
        for row in range(self.seller_list.count()):
            item = self.seller_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == merchant_id:
                self.seller_list.setCurrentItem(item)
                return

    @Slot()
    def _on_selection_changed(self) -> None:
        seller = self.selected()
        used = self._usage.get(seller.id, 0) if seller else 0
        self.delete_button.setEnabled(seller is not None and used == 0)
        if seller is not None and used:
            self.delete_hint.setText(
                self.tr("A seller on a purchase cannot be deleted; merge it into another seller instead.")
            )
        else:
            self.delete_hint.setText("")
        self.merge_target.clear()
        for m in sorted(self._merchants.values(), key=lambda m: m.display_name.casefold()):
            if seller is not None and m.id != seller.id:
                self.merge_target.addItem(m.display_name, m.id)
        self.merge_button.setEnabled(seller is not None and self.merge_target.count() > 0)
        self.merge_target.setEnabled(self.merge_target.count() > 0)

    def _show_message(self, text: str, *, error: bool) -> None:
        self.message.setText(text)
        set_text_tone(self.message, "error" if error else "done", self.palette())
        self.message.show()

    # ------------------------------------------------------------------ actions

    def _ask(self, title: str, text: str, informative: str, yes: str, act: Callable[[], None]) -> None:
        if self.question is not None:
            self.question.close()
        box = question(self, title, text, informative)
        go = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.buttonClicked.connect(lambda button: act() if button is go else None)
        self.question = box
        box.open()

    @Slot()
    def _on_delete_clicked(self) -> None:
        seller = self.selected()
        if seller is None:
            return
        self._ask(
            self.tr("Delete seller?"),
            self.tr("Delete the seller “{name}”?").format(name=seller.display_name),
            self.tr("No purchase uses it. The custody log keeps a record of its details."),
            self.tr("Delete"),
            lambda: self._delete(seller),
        )

    def _delete(self, seller: MerchantRecord) -> None:
        try:
            self._lib.delete_merchant(seller.id)
        except KnownStorageError as exc:
            log.warning("seller %s not deleted: %s", seller.id, exc)
            self._show_message(self.tr("Not deleted: {reason}").format(reason=str(exc)), error=True)
            self.reload(seller.id)
            return
        log.info("seller %s deleted", seller.id)
        self.reload()
        self._show_message(self.tr("“{name}” was deleted.").format(name=seller.display_name), error=False)
        self.sellers_changed.emit(seller.id, None)

    @Slot()
    def _on_merge_clicked(self) -> None:
        seller = self.selected()
        target = self._merchants.get(self.merge_target.currentData())
        if seller is None or target is None:
            return
        count = self._usage.get(seller.id, 0)
        if count == 0:
            moves = self.tr("“{name}” is on no purchase.").format(name=seller.display_name)
        elif count == 1:
            moves = self.tr("Its purchase will show the seller “{other}”.").format(other=target.display_name)
        else:
            moves = self.tr("Its {count} purchases will show the seller “{other}”.").format(
                count=count, other=target.display_name
            )
        details = self.tr(
            "“{name}” will be removed; details only it has are copied to “{other}”. "
            "The custody log keeps a record."
        ).format(name=seller.display_name, other=target.display_name)
        self._ask(
            self.tr("Merge sellers?"),
            self.tr("Merge “{name}” into “{other}”?").format(
                name=seller.display_name, other=target.display_name
            ),
            f"{moves}\n{details}",  # two sentences, each on its line (no space to strand in Chinese)
            self.tr("Merge"),
            lambda: self._merge(seller, target),
        )

    def _merge(self, seller: MerchantRecord, target: MerchantRecord) -> None:
        try:
            self._lib.merge_merchants(seller.id, target.id)
        except KnownStorageError as exc:
            log.warning("seller %s not merged: %s", seller.id, exc)
            self._show_message(self.tr("Not merged: {reason}").format(reason=str(exc)), error=True)
            self.reload(seller.id)
            return
        log.info("seller %s merged into %s", seller.id, target.id)
        self.reload(target.id)
        self._show_message(
            self.tr("“{name}” was merged into “{other}”.").format(
                name=seller.display_name, other=target.display_name
            ),
            error=False,
        )
        self.sellers_changed.emit(seller.id, target.id)


__all__ = ["SellerManager"]
