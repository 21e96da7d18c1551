"""The purchase editor: one dialog for what was bought and who sold it.

It validates what the user typed next to each field, saves through the library in one
call (so nothing is ever half-saved) and reports the saved record with `purchase_saved`.
Details found in the purchase's screenshots are offered with a "Use" button each; they
fill a field but are never saved until the user presses Save.

The editor never writes what the user did not choose: "Use" fills an empty field, but
asks before replacing something already there (for a phone it can also add the number
as a second one). Each suggestion names the screenshot it was read from by its time and
a thumbnail, as the library window shows it. The user's own details (Settings, "About
you") are never suggested as the seller's.

A change to a saved seller shows on every purchase with that seller, so after saving
such a change the editor offers Undo (a confirmation in the corner of the screen) for
as long as it shows. "Manage sellers…" deletes a seller that no purchase uses (one made
by a typo) or merges one seller into another.

The dialog is put together from its parts: the seller's half (gui.seller_form), the
suggestions (gui.suggestions_panel) and Manage sellers… (gui.seller_manager). What the
purchase is, saving, using a suggestion and undoing a seller change are here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

from PySide6.QtCore import QDate, QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QCalendarWidget,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from capture.suggestions import TARGET_FIELDS, Suggestion, purchase_suggestions
from storage.errors import InvalidInput, KnownStorageError, NotFound
from storage.records import (
    MERCHANT_FIELDS,
    PURCHASE_STATUSES,
    MerchantRecord,
    PurchaseRecord,
)
from storage.values import (
    add_phone,
    parse_amount,
    parse_currency,
    parse_user_date,
    phone_digits,
    split_phones,
)

from .seller_form import SellerForm
from .seller_manager import SellerManager
from .style import set_text_tone
from .suggestions_panel import SuggestionsPanel
from .thumbnails import ThumbnailCache
from .toast import Toast
from .vocabulary import purchase_status_label
from .widgets import form_layout, line_edit, question, with_error

if TYPE_CHECKING:
    from storage.library import Library

log = logging.getLogger(__name__)

# Offered in the currency box, most common first; any other three-letter code can be typed.
CURRENCIES = ("CNY", "USD", "HKD", "EUR", "GBP", "JPY", "TWD", "MOP", "KRW", "SGD")
# How long the Undo for a seller change stays on screen (it stays while hovered).
UNDO_MS = 15000


def _same_value(target: str, current: str, new: str) -> bool:
    """Whether `new` is already what `current` says (a phone among several counts)."""
    if target == "phone":
        wanted = phone_digits(new) or new
        return any((phone_digits(n) or n) == wanted for n in split_phones(current))
    if target == "amount":
        try:
            return parse_amount(current) == parse_amount(new)
        except InvalidInput:
            return False
    squeeze = "".join(ch for ch in current if ch.isalnum()).lower()
    return squeeze == "".join(ch for ch in new if ch.isalnum()).lower()


class ParsedPurchase(TypedDict):
    """The purchase values `PurchaseEditor.validate` parsed from the form."""

    amount_minor: int | None
    currency: str
    ordered_at: str | None


#: A seller's fields an edit changed: {field: [before, after]}, as Library.restore_merchant takes them.
SellerChanges = dict[str, list[str | None]]


class PurchaseEditor(QDialog):
    """Create a purchase (`purchase_id` None) or edit one, with its seller.

    Choosing a saved seller edits that seller, for every purchase that has it; the
    dialog says so, and after saving offers to undo it. Save validates inline and keeps
    the dialog open on a problem.
    """

    purchase_saved = Signal(object)  # the PurchaseRecord after saving
    seller_restored = Signal(object)  # the MerchantRecord after Undo put its details back

    def __init__(
        self, library: Library, purchase_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._lib = library
        # An unknown id raises storage.errors.NotFound here: the caller chose it.
        self._purchase: PurchaseRecord | None = (
            library.get_purchase(purchase_id) if purchase_id is not None else None
        )
        self._sized = False  # until __init__ has chosen the first size
        self.errors: dict[str, QLabel] = {}
        # The open question (replace a value, delete or merge a seller), for tests to answer.
        self.question: QMessageBox | None = None
        self.seller_manager: SellerManager | None = None
        self.undo_toast: Toast | None = None
        self._undo: tuple[int, SellerChanges] | None = None  # (seller id, changes)

        self.setObjectName("purchaseEditor")
        if self._purchase is None:
            self.setWindowTitle(self.tr("New purchase"))
        else:
            self.setWindowTitle(self.tr("Edit purchase: {title}").format(title=self._purchase.title))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 18, 18, 14)
        layout.setSpacing(12)
        columns = QHBoxLayout()
        columns.setSpacing(14)
        left = QVBoxLayout()
        left.setSpacing(12)
        left.addWidget(self._build_purchase_group())
        # The library window's thumbnails when it is the parent; else made on first use.
        shared = getattr(parent, "thumbnails", None)
        self.suggestions_group = SuggestionsPanel(
            library, shared if isinstance(shared, ThumbnailCache) else None
        )
        self.suggestions_group.use_requested.connect(self.use_suggestion)
        left.addWidget(self.suggestions_group)
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(12)
        self.seller_form = SellerForm(library.list_merchants(), self.errors)
        self.seller_form.manage_requested.connect(self.open_seller_manager)
        self.seller_form.texts_changed.connect(self._grow_to_fit)
        right.addWidget(self.seller_form)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout.addLayout(columns, 1)
        # The seller form's widgets under the editor's own names: the dialog is filled and
        # checked through them (as the tests do), whichever part builds them.
        self.merchant_combo = self.seller_form.merchant_combo
        self.manage_sellers_button = self.seller_form.manage_sellers_button
        self.merchant_note = self.seller_form.merchant_note
        self.seller_edits = self.seller_form.edits
        self.platform_combo = self.seller_form.platform_combo
        self.completeness_panel = self.seller_form.completeness_panel
        self.completeness_label = self.seller_form.completeness_label
        self.completeness_missing = self.seller_form.completeness_missing
        self.completeness_advice = self.seller_form.completeness_advice

        self.save_error = QLabel()
        self.save_error.setObjectName("saveError")
        self.save_error.setWordWrap(True)
        self.save_error.setTextFormat(Qt.TextFormat.PlainText)
        set_text_tone(self.save_error, "error")
        self.save_error.hide()
        layout.addWidget(self.save_error)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save"))
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._load()
        self.save_button.setDefault(True)
        self.title_edit.setFocus()
        if self._purchase is not None:
            # Reading every capture's text is quick, but not needed to show the dialog.
            QTimer.singleShot(0, self, self._load_suggestions)
        self.setMinimumWidth(640)
        width = max(self.sizeHint().width(), 860)
        # Word-wrapped labels make the plain size hint too narrow and too tall.
        self.resize(width, layout.totalHeightForWidth(width))
        self._sized = True

    # ------------------------------------------------------------------ building

    def _build_purchase_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("What you bought"))
        form = form_layout(group)

        self.title_edit = line_edit("title", self.tr("e.g. wireless earbuds (required)"))
        form.addRow(self.tr("Item:"), with_error("title", self.title_edit, self.errors))

        self.order_no_edit = line_edit("order_no", self.tr("from the order page or chat"))
        form.addRow(self.tr("Order number:"), with_error("order_no", self.order_no_edit, self.errors))

        self.amount_edit = line_edit("amount", self.tr("e.g. 128.50"))
        self.currency_combo = QComboBox()
        self.currency_combo.setObjectName("currency")
        self.currency_combo.setEditable(True)
        self.currency_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.currency_combo.addItems(CURRENCIES)
        self.currency_combo.setToolTip(
            self.tr("The currency you paid in; type another code if it is not listed.")
        )
        self.currency_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        amount_row = QHBoxLayout()
        amount_row.setSpacing(6)
        amount_row.addWidget(self.amount_edit, 1)
        amount_row.addWidget(self.currency_combo)
        form.addRow(self.tr("Amount paid:"), with_error("amount", amount_row, self.errors))

        self.date_edit = line_edit("ordered_at", self.tr("e.g. 2026-10-27"))
        self.date_edit.setToolTip(
            self.tr(
                "The day you ordered, like 2026-10-27 or 2026-10-27 14:30. Leave empty if you don't know."
            )
        )
        self.date_button = QToolButton()
        self.date_button.setObjectName("pickDate")
        self.date_button.setText(self.tr("Calendar…"))
        self.date_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.date_button.setToolTip(self.tr("Pick the day on a calendar"))
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(False)
        self.calendar.clicked.connect(self._on_calendar_date_clicked)
        self.calendar.activated.connect(self._on_calendar_date_clicked)
        # A plain button opening the menu: a menu button's arrow would crowd the short label.
        self._calendar_menu = QMenu(self.date_button)
        action = QWidgetAction(self._calendar_menu)
        action.setDefaultWidget(self.calendar)
        self._calendar_menu.addAction(action)
        self.date_button.clicked.connect(self._on_calendar_button_clicked)
        date_row = QHBoxLayout()
        date_row.setSpacing(6)
        date_row.addWidget(self.date_edit, 1)
        date_row.addWidget(self.date_button)
        form.addRow(self.tr("Order date:"), with_error("ordered_at", date_row, self.errors))

        self.status_combo = QComboBox()
        self.status_combo.setObjectName("status")
        for status in PURCHASE_STATUSES:
            self.status_combo.addItem(purchase_status_label(status), status)
        form.addRow(self.tr("Status:"), self.status_combo)

        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("notes")
        self.notes_edit.setPlaceholderText(
            self.tr("Anything worth remembering: promises made, delivery, refunds…")
        )
        self.notes_edit.setTabChangesFocus(True)
        line = self.notes_edit.fontMetrics().lineSpacing()
        self.notes_edit.setMinimumHeight(line * 4 + 12)
        self.notes_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.MinimumExpanding)
        form.addRow(self.tr("Notes:"), with_error("notes", self.notes_edit, self.errors))
        return group

    # ------------------------------------------------------------------ values

    def _load(self) -> None:
        p = self._purchase
        self.currency_combo.setCurrentText(p.currency if p else "CNY")
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(p.status if p else "open")))
        if p is not None:
            self.title_edit.setText(p.title)
            self.order_no_edit.setText(p.order_no or "")
            self.amount_edit.setText(p.amount or "")
            self.date_edit.setText(p.ordered_at or "")
            self.notes_edit.setPlainText(p.notes or "")
        self.seller_form.show_seller(p.merchant if p else None)

    def _purchase_values(self) -> dict[str, str]:
        return {
            "title": self.title_edit.text().strip(),
            "order_no": self.order_no_edit.text().strip(),
            "amount": self.amount_edit.text().strip(),
            "currency": self.currency_combo.currentText().strip(),
            "ordered_at": self.date_edit.text().strip(),
            "status": str(self.status_combo.currentData()),
            "notes": self.notes_edit.toPlainText().strip(),
        }

    def validate(self) -> ParsedPurchase | None:
        """Check the form, showing a message next to each wrong field.
        Returns the parsed purchase values, or None when something must be fixed."""
        for label in self.errors.values():
            label.hide()
        self.save_error.hide()
        values = self._purchase_values()
        problems: dict[str, str] = {}
        amount_minor: int | None = None
        currency = ""
        ordered_at: str | None = None
        if not values["title"]:
            problems["title"] = self.tr("Say what you bought, e.g. “wireless earbuds”.")
        try:
            amount_minor = parse_amount(values["amount"])
        except InvalidInput:
            problems["amount"] = self.tr("“{value}” is not an amount: write it like 128 or 128.50.").format(
                value=values["amount"]
            )
        try:
            currency = parse_currency(values["currency"])
        except InvalidInput:
            if "amount" not in problems:  # one message per field: the amount's comes first
                problems["amount"] = self.tr(
                    "“{value}” is not a currency: use three letters such as CNY, USD or HKD."
                ).format(value=values["currency"])
        try:
            ordered_at = parse_user_date(values["ordered_at"], field="order date")
        except InvalidInput:
            problems["ordered_at"] = self.tr(
                "“{value}” is not a date: write it like 2026-10-27 or 2026-10-27 14:30."
            ).format(value=values["ordered_at"])
        had_seller = self._purchase is not None and self._purchase.merchant is not None
        problems.update(self.seller_form.problems(had_seller))
        for name, message in problems.items():
            self.errors[name].setText(message)
            self.errors[name].show()
        if problems:
            first = next(iter(problems))
            widget = self.seller_edits.get(first) or {
                "title": self.title_edit,
                "amount": self.amount_edit,
                "ordered_at": self.date_edit,
            }.get(first)
            if widget is not None:
                widget.setFocus()
            log.debug("purchase editor: fix %s", ", ".join(problems))
            self._grow_to_fit()
            return None
        return ParsedPurchase(amount_minor=amount_minor, currency=currency, ordered_at=ordered_at)

    def _changed_purchase_fields(self, parsed: ParsedPurchase) -> dict[str, str]:
        """What to send for the purchase: every filled field when new, only changes when editing."""
        values = self._purchase_values()
        p = self._purchase
        if p is None:
            return {k: v for k, v in values.items() if v or k == "title"}
        fields: dict[str, str] = {}
        if values["title"] != p.title:
            fields["title"] = values["title"]
        if values["order_no"] != (p.order_no or ""):
            fields["order_no"] = values["order_no"]
        if parsed["amount_minor"] != p.amount_minor:
            fields["amount"] = values["amount"]
        if parsed["currency"] != p.currency:
            fields["currency"] = parsed["currency"]
        if parsed["ordered_at"] != p.ordered_at:
            fields["ordered_at"] = values["ordered_at"]
        if values["status"] != p.status:
            fields["status"] = values["status"]
        if values["notes"] != (p.notes or ""):
            fields["notes"] = values["notes"]
        return fields

    # ------------------------------------------------------------------ live updates

    def _grow_to_fit(self) -> None:
        """Grow the dialog when wrapped text got taller (messages, hints): Qt's minimum
        size ignores word wrap, so without this the lines would overlap."""
        layout = self.layout()
        if layout is None or not self._sized:
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    # ------------------------------------------------------------------ suggestions

    @Slot()
    def _load_suggestions(self) -> None:
        if self._purchase is None:
            return
        try:
            purchase = self._lib.get_purchase(self._purchase.id)
            captures = self._lib.list_captures(purchase_id=purchase.id)
            own = self._lib.own_details()
        except KnownStorageError as exc:
            log.warning("no suggestions for purchase %s: %s", self._purchase.id, exc)
            return
        found = [s for s in purchase_suggestions(purchase, captures, own) if s.kind in TARGET_FIELDS]
        log.debug("%d suggestions from %d captures", len(found), len(captures))
        self.suggestions_group.show_suggestions(found, {c.id: c for c in captures})
        # After the new rows are polished: until then their size hints are not final.
        QTimer.singleShot(0, self, self._grow_to_fit)

    @property
    def suggestions(self) -> list[Suggestion]:
        """The suggestions listed, in order."""
        return self.suggestions_group.suggestions

    @property
    def suggestion_buttons(self) -> list[QPushButton]:
        """Their Use buttons, in the same order."""
        return self.suggestions_group.buttons

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.suggestions_group.fit_rows()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Re-colour the hint and messages when the theme changes (light <-> dark)."""
        super().changeEvent(event)
        if self._sized and event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            for label in (*self.errors.values(), self.save_error):
                set_text_tone(label, "error", self.palette())
            self.seller_form.update_completeness(self.palette())

    def done(self, result: int) -> None:
        self.suggestions_group.stop_thumbnails()
        super().done(result)

    # ------------------------------------------------------------------ using a suggestion

    def _target_text(self, target: str) -> str:
        if target == "amount":
            return self.amount_edit.text().strip()
        if target == "order_no":
            return self.order_no_edit.text().strip()
        if target == "ordered_at":
            return self.date_edit.text().strip()
        if target in self.seller_edits:
            return self.seller_edits[target].text().strip()
        return ""

    def use_suggestion(self, suggestion: Suggestion, used: Callable[[], None] | None = None) -> bool:
        """Copy `suggestion` into its field (capture.suggestions.TARGET_FIELDS); nothing is saved.

        An empty field is filled at once. A field holding something else is left alone
        until the user answers a question (`self.question`): replace it, add the number
        as a second phone, or cancel. `used` runs once the suggestion is in the form.
        Returns whether it is in the form now."""
        target = TARGET_FIELDS.get(suggestion.kind)
        if target is None or (
            target not in ("notes", "amount", "order_no", "ordered_at") and target not in self.seller_edits
        ):
            log.warning("no field for a %s suggestion", suggestion.kind)
            return False
        if target == "notes":
            current = self.notes_edit.toPlainText().rstrip()
            if suggestion.value not in current:
                self.notes_edit.setPlainText(
                    f"{current}\n{suggestion.value}" if current else suggestion.value
                )
            self._suggestion_used(suggestion, used)
            return True
        current = self._target_text(target)
        if current and not _same_value(target, current, suggestion.value):
            self._ask_replace(suggestion, target, current, used)
            return False
        if not current:  # the same value written otherwise stays as the user wrote it
            self._fill(suggestion, target, suggestion.value)
        self._suggestion_used(suggestion, used)
        return True

    def _fill(self, suggestion: Suggestion, target: str, text: str) -> None:
        if target == "amount":
            self.amount_edit.setText(text)
            if suggestion.currency:
                self.currency_combo.setCurrentText(suggestion.currency)
        elif target == "order_no":
            self.order_no_edit.setText(text)
        elif target == "ordered_at":
            self.date_edit.setText(text)
        else:
            self.seller_edits[target].setText(text)
            if suggestion.kind == "wechat_id" and not self.platform_combo.currentData():
                self.platform_combo.setCurrentIndex(self.platform_combo.findData("wechat"))
        if target in self.errors:
            self.errors[target].hide()

    def _suggestion_used(self, suggestion: Suggestion, used: Callable[[], None] | None) -> None:
        log.debug("used a %s suggestion from capture %s", suggestion.kind, suggestion.capture_id)
        if used is not None:
            used()

    def _field_names(self) -> dict[str, str]:
        """The fields a suggestion fills, as named in the question before replacing one."""
        return {
            "amount": self.tr("amount paid"),
            "order_no": self.tr("order number"),
            "ordered_at": self.tr("order date"),
            "company": self.tr("company name"),
            "credit_code": self.tr("credit code"),
            "phone": self.tr("phone"),
            "account_id": self.tr("WeChat ID / shop ID"),
            "shop_url": self.tr("shop link"),
        }

    def _ask(self, title: str, text: str, informative: str = "") -> QMessageBox:
        """A question over this dialog that does not block (tests answer `self.question`)."""
        if self.question is not None:
            self.question.close()
        self.question = question(self, title, text, informative)
        return self.question

    def _ask_replace(
        self, suggestion: Suggestion, target: str, current: str, used: Callable[[], None] | None
    ) -> None:
        field = self._field_names().get(target, target)
        box = self._ask(
            self.tr("Replace what is there?"),
            self.tr("The {field} already says “{current}”.").format(field=field, current=current),
            (
                self.tr("Use “{new}” from the invoice instead?")
                if suggestion.source == "invoice"
                else self.tr("Use “{new}” from the screenshot instead?")
            ).format(new=suggestion.value),
        )
        choices: dict[QAbstractButton, str] = {}
        choices[box.addButton(self.tr("Replace"), QMessageBox.ButtonRole.AcceptRole)] = "replace"
        if target == "phone":
            add = box.addButton(self.tr("Add as a second number"), QMessageBox.ButtonRole.ActionRole)
            choices[add] = "add"
        cancel = box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        choices[cancel] = "cancel"
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)

        def answered(button: QAbstractButton) -> None:
            choice = choices.get(button, "cancel")
            if choice == "replace":
                self._fill(suggestion, target, suggestion.value)
            elif choice == "add":
                self._fill(suggestion, target, add_phone(self._target_text(target), suggestion.value))
            if choice != "cancel":
                self._suggestion_used(suggestion, used)

        box.buttonClicked.connect(answered)
        box.open()

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_calendar_button_clicked(self) -> None:
        try:
            current = parse_user_date(self.date_edit.text())
        except InvalidInput:
            current = None
        date = QDate.fromString(current[:10], "yyyy-MM-dd") if current else QDate.currentDate()
        self.calendar.setSelectedDate(date)
        self._calendar_menu.popup(self.date_button.mapToGlobal(self.date_button.rect().bottomLeft()))

    @Slot(QDate)
    def _on_calendar_date_clicked(self, date: QDate) -> None:
        self.date_edit.setText(date.toString("yyyy-MM-dd"))
        self.errors["ordered_at"].hide()
        self._calendar_menu.close()

    @Slot()
    def _on_save_clicked(self) -> None:
        parsed = self.validate()
        if parsed is None:
            return
        fields = self._changed_purchase_fields(parsed)
        merchant, merchant_id = self.seller_form.merchant_arguments()
        try:
            before: MerchantRecord | None = None
            others = 0
            if merchant_id is not None and merchant:
                # The seller as it is now, and how many other purchases show it.
                before = next((m for m in self._lib.list_merchants() if m.id == merchant_id), None)
                mine = self._purchase.merchant if self._purchase is not None else None
                on_this = mine is not None and mine.id == merchant_id
                others = self._lib.merchant_usage().get(merchant_id, 0) - (1 if on_this else 0)
            if self._purchase is None:
                record = self._lib.add_purchase(fields, merchant, merchant_id)
            else:
                record = self._lib.edit_purchase(self._purchase.id, fields, merchant, merchant_id)
        except KnownStorageError as exc:
            # One transaction in the library: on an error nothing was written.
            log.warning("purchase not saved: %s", exc)
            self.save_error.setText(self.tr("Not saved: {reason}").format(reason=str(exc)))
            self.save_error.show()
            self._grow_to_fit()
            return
        log.info("purchase %s saved", record.id)
        self._purchase = record
        after = record.merchant
        if before is not None and after is not None and after.id == before.id and others > 0:
            changes: SellerChanges = {
                f: [getattr(before, f), getattr(after, f)]
                for f in MERCHANT_FIELDS
                if getattr(before, f) != getattr(after, f)
            }
            if changes:
                self._offer_undo(after, changes, others)
        self.purchase_saved.emit(record)
        self.accept()

    # ------------------------------------------------------------------ undo of a seller change

    def _show_toast(self, title: str, body: str, actions: list[tuple[str, Callable[[], None]]]) -> Toast:
        if self.undo_toast is None:
            # Its own window: it outlives this dialog, which closes on Save.
            self.undo_toast = Toast()
            self.undo_toast.setObjectName("sellerUndo")
        self.undo_toast.show_message(title, body, actions, UNDO_MS)
        return self.undo_toast

    def _offer_undo(self, seller: MerchantRecord, changes: SellerChanges, others: int) -> None:
        self._undo = (seller.id, changes)
        if others == 1:
            body = self.tr("The new details also show on one other purchase.")
        else:
            body = self.tr("The new details also show on {count} other purchases.").format(count=others)
        self._show_toast(
            self.tr("Seller “{name}” updated").format(name=seller.display_name),
            body,
            [(self.tr("Undo"), self._on_undo_clicked)],
        )

    def _on_undo_clicked(self) -> None:
        self.undo_seller_change()

    def undo_seller_change(self) -> MerchantRecord | None:
        """Put back the seller's details as they were before the last Save (when that
        changed a seller other purchases show). Refused when the seller changed since."""
        if self._undo is None:
            return None
        merchant_id, changes = self._undo
        self._undo = None
        try:
            restored = self._lib.restore_merchant(merchant_id, changes)
        except NotFound:
            self._show_toast(self.tr("Not undone"), self.tr("That seller no longer exists."), [])
            return None
        except InvalidInput:
            self._show_toast(
                self.tr("Not undone"),
                self.tr("The seller was changed again since, so nothing was undone."),
                [],
            )
            return None
        except KnownStorageError as exc:
            log.warning("seller change not undone: %s", exc)
            self._show_toast(self.tr("Not undone"), str(exc), [])
            return None
        log.info("seller %s: change undone", merchant_id)
        self._show_toast(
            self.tr("Seller details put back"),
            self.tr("“{name}” has its earlier details again, on every purchase.").format(
                name=restored.display_name
            ),
            [],
        )
        self.seller_restored.emit(restored)
        return restored

    # ------------------------------------------------------------------ managing sellers

    @Slot()
    def open_seller_manager(self) -> None:
        """Open the small dialog that deletes or merges sellers (it does not block)."""
        chosen = self.seller_form.chosen_merchant()
        manager = SellerManager(self._lib, chosen.id if chosen else None, self)
        manager.sellers_changed.connect(self._on_sellers_changed)
        manager.finished.connect(lambda *_: manager.deleteLater())
        self.seller_manager = manager
        manager.open()

    @Slot(int, object)
    def _on_sellers_changed(self, removed_id: int, kept_id: int | None) -> None:
        """A seller was deleted or merged: show the sellers as they are now, keeping what
        the user typed."""
        try:
            merchants = self._lib.list_merchants()
            if self._purchase is not None:
                self._purchase = self._lib.get_purchase(self._purchase.id)
        except KnownStorageError as exc:
            log.warning("sellers not reloaded: %s", exc)
            return
        self.seller_form.reload_merchants(merchants, removed_id, kept_id)

    def chosen_merchant(self) -> MerchantRecord | None:
        """The saved seller chosen in the picker, or None for a new one."""
        return self.seller_form.chosen_merchant()

    def completeness_text(self) -> str:
        """The completeness hint as one line ("Seller details: 3 of 7 recorded — still missing: …")."""
        return self.seller_form.completeness_text()


#: What makes a purchase form: (library, the purchase's id or None for a new one, parent).
PurchaseEditorFactory = Callable[["Library", int | None, QWidget | None], PurchaseEditor]


__all__ = [
    "CURRENCIES",
    "ParsedPurchase",
    "PurchaseEditor",
    "PurchaseEditorFactory",
    "SellerChanges",
]
