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
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QCalendarWidget,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
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
from storage.library import Library
from storage.records import (
    MERCHANT_FIELDS,
    MERCHANT_IDENTITY_FIELDS,
    MERCHANT_TEXT_FIELDS,
    PLATFORMS,
    PURCHASE_STATUSES,
    MerchantRecord,
    PurchaseRecord,
)
from storage.values import (
    add_phone,
    credit_code_problem,
    is_wechat_id,
    normalize_credit_code,
    parse_amount,
    parse_currency,
    parse_user_date,
    phone_digits,
    phone_problem,
    split_phones,
)

from .seller_manager import SellerManager
from .style import blend, set_text_tone, tone_color
from .suggestions_panel import SuggestionsPanel
from .thumbnails import ThumbnailCache
from .toast import Toast
from .vocabulary import purchase_status_label
from .widgets import muted, question, wrapped

log = logging.getLogger(__name__)

# Offered in the currency box, most common first; any other three-letter code can be typed.
CURRENCIES = ("CNY", "USD", "HKD", "EUR", "GBP", "JPY", "TWD", "MOP", "KRW", "SGD")
# The seller fields shown as line edits, in the order of the form (display name first).
SELLER_TEXT_FIELDS = MERCHANT_TEXT_FIELDS
_PURCHASE_TEXT_FIELDS = ("title", "order_no", "amount", "ordered_at")
# How long the Undo for a seller change stays on screen (it stays while hovered).
UNDO_MS = 15000


def _text(value: str | None) -> str:
    return value or ""


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
        self._merchants: dict[int, MerchantRecord] = {m.id: m for m in library.list_merchants()}
        self._names = {m.display_name: m.id for m in self._merchants.values()}
        self._loading = False
        self._sized = False  # until __init__ has chosen the first size
        self.errors: dict[str, QLabel] = {}
        # The open question (replace a value, delete or merge a seller), for tests to answer.
        self.question: QMessageBox | None = None
        self.seller_manager: SellerManager | None = None
        self.undo_toast: Toast | None = None
        self._undo: tuple[int, dict[str, list[Any]]] | None = None  # (seller id, changes)

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
        right.addWidget(self._build_seller_group())
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout.addLayout(columns, 1)

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

    def _line(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.setClearButtonEnabled(True)
        return edit

    def _with_error(self, name: str, field: QWidget | QHBoxLayout) -> QWidget:
        """`field` with a red message line under it, hidden until there is a problem."""
        host = QWidget()
        box = QVBoxLayout(host)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        if isinstance(field, QHBoxLayout):
            box.addLayout(field)
        else:
            box.addWidget(field)
        error = QLabel()
        error.setObjectName(f"{name}_error")
        error.setWordWrap(True)
        error.setTextFormat(Qt.TextFormat.PlainText)
        set_text_tone(error, "error")
        error.hide()
        box.addWidget(error)
        self.errors[name] = error
        return host

    def _form(self, group: QGroupBox) -> QFormLayout:
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(6)
        return form

    def _build_purchase_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("What you bought"))
        form = self._form(group)

        self.title_edit = self._line("title", self.tr("e.g. wireless earbuds (required)"))
        form.addRow(self.tr("Item:"), self._with_error("title", self.title_edit))

        self.order_no_edit = self._line("order_no", self.tr("from the order page or chat"))
        form.addRow(self.tr("Order number:"), self._with_error("order_no", self.order_no_edit))

        self.amount_edit = self._line("amount", self.tr("e.g. 128.50"))
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
        form.addRow(self.tr("Amount paid:"), self._with_error("amount", amount_row))

        self.date_edit = self._line("ordered_at", self.tr("e.g. 2026-10-27"))
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
        form.addRow(self.tr("Order date:"), self._with_error("ordered_at", date_row))

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
        form.addRow(self.tr("Notes:"), self._with_error("notes", self.notes_edit))
        return group

    def _build_seller_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("Seller"))
        form = self._form(group)

        self.merchant_combo = QComboBox()
        self.merchant_combo.setObjectName("merchant")
        self.merchant_combo.setEditable(True)
        # Typing filters the saved sellers; a name that is not saved yet starts a new seller.
        self.merchant_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._fill_merchant_combo()
        completer = self.merchant_combo.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.merchant_combo.setToolTip(
            self.tr("Choose a seller you saved before, or New seller… to add one.")
        )
        self.merchant_combo.currentIndexChanged.connect(self._on_merchant_chosen)
        line_edit = self.merchant_combo.lineEdit()
        if line_edit is not None:
            line_edit.editingFinished.connect(self._on_merchant_typed)
        self.manage_sellers_button = QToolButton()
        self.manage_sellers_button.setObjectName("manageSellers")
        self.manage_sellers_button.setText(self.tr("Manage sellers…"))
        self.manage_sellers_button.setToolTip(
            self.tr("Delete a seller no purchase uses, or merge a seller saved twice into the other.")
        )
        self.manage_sellers_button.clicked.connect(self.open_seller_manager)
        self.manage_sellers_button.setEnabled(bool(self._merchants))
        picker_row = QHBoxLayout()
        picker_row.setSpacing(6)
        picker_row.addWidget(self.merchant_combo, 1)
        picker_row.addWidget(self.manage_sellers_button)
        form.addRow(self.tr("Seller:"), picker_row)

        self.merchant_note = muted(wrapped())
        self.merchant_note.setObjectName("merchantNote")
        form.addRow("", self.merchant_note)

        self.seller_edits: dict[str, QLineEdit] = {}
        labels = self._seller_labels()
        placeholders = {
            "display_name": self.tr("shop or nickname, e.g. 小李数码"),
            "account_id": self.tr("e.g. wxid_… or the shop's ID"),
            "phone": self.tr("e.g. 138 0013 8000"),
            "real_name": self.tr("the person behind the shop"),
            "company": self.tr("registered company name"),
            "credit_code": self.tr("18 characters, on the business licence"),
            "shop_url": self.tr("https://…"),
            "address": self.tr("shop or return address"),
        }
        for name in SELLER_TEXT_FIELDS:
            edit = self._line(name, placeholders[name])
            self.seller_edits[name] = edit
            edit.textChanged.connect(self._on_seller_field_changed)
            form.addRow(labels[name], self._with_error(name, edit))
            if name == "display_name":
                self.platform_combo = QComboBox()
                self.platform_combo.setObjectName("platform")
                self.platform_combo.addItem(self.tr("Not set"), None)
                platform_names = self._platform_names()
                for code in PLATFORMS:
                    self.platform_combo.addItem(platform_names[code], code)
                form.addRow(self.tr("Platform:"), self.platform_combo)
        self.seller_edits["credit_code"].setToolTip(
            self.tr(
                "The unified social credit code (统一社会信用代码) printed on a Chinese business licence."
            )
        )

        form.addRow(self._build_completeness_panel())
        return group

    def _fill_merchant_combo(self) -> None:
        """The picker's items: New seller…, then the saved sellers by name."""
        self.merchant_combo.clear()
        self.merchant_combo.addItem(self.tr("New seller…"), None)
        for merchant in sorted(self._merchants.values(), key=lambda m: m.display_name.casefold()):
            self.merchant_combo.addItem(merchant.display_name, merchant.id)

    def _build_completeness_panel(self) -> QFrame:
        panel = QFrame()
        panel.setObjectName("completeness")
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setAutoFillBackground(True)
        box = QVBoxLayout(panel)
        box.setContentsMargins(10, 8, 10, 8)
        box.setSpacing(4)
        self.completeness_label = wrapped()
        self.completeness_label.setObjectName("completenessSummary")
        bold = QFont(self.completeness_label.font())
        bold.setBold(True)
        self.completeness_label.setFont(bold)
        self.completeness_missing = wrapped()
        self.completeness_missing.setObjectName("completenessMissing")
        self.completeness_advice = wrapped(
            self.tr(
                "Before paying, ask for the seller's real name and phone: consumer associations "
                "need them to follow up."
            )
        )
        box.addWidget(self.completeness_label)
        box.addWidget(self.completeness_missing)
        box.addWidget(muted(self.completeness_advice))
        self.completeness_panel = panel
        return panel

    # ------------------------------------------------------------------ names in words

    def _platform_names(self) -> dict[str, str]:
        return {
            "wechat": self.tr("WeChat"),
            "qq": self.tr("QQ"),
            "taobao": self.tr("Taobao"),
            "jd": self.tr("JD"),
            "pinduoduo": self.tr("Pinduoduo"),
            "xianyu": self.tr("Xianyu"),
            "douyin": self.tr("Douyin"),
            "webshop": self.tr("Web shop"),
            "other": self.tr("Other", "platform"),
        }

    def _seller_labels(self) -> dict[str, str]:
        return {
            "display_name": self.tr("Name:"),
            "account_id": self.tr("WeChat ID / shop ID:"),
            "phone": self.tr("Phone:"),
            "real_name": self.tr("Real name:"),
            "company": self.tr("Company:"),
            "credit_code": self.tr("Credit code:"),
            "shop_url": self.tr("Shop link:"),
            "address": self.tr("Address:"),
        }

    def _identity_names(self) -> dict[str, str]:
        """The identifying fields as the completeness hint lists them."""
        return {
            "account_id": self.tr("WeChat ID / shop ID"),
            "phone": self.tr("phone"),
            "real_name": self.tr("real name"),
            "company": self.tr("company"),
            "credit_code": self.tr("credit code"),
            "shop_url": self.tr("shop link"),
            "address": self.tr("address"),
        }

    # ------------------------------------------------------------------ values

    def _load(self) -> None:
        self._loading = True
        try:
            p = self._purchase
            self.currency_combo.setCurrentText(p.currency if p else "CNY")
            self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(p.status if p else "open")))
            if p is not None:
                self.title_edit.setText(p.title)
                self.order_no_edit.setText(_text(p.order_no))
                self.amount_edit.setText(_text(p.amount))
                self.date_edit.setText(_text(p.ordered_at))
                self.notes_edit.setPlainText(_text(p.notes))
            merchant = p.merchant if p else None
            index = self.merchant_combo.findData(merchant.id) if merchant else 0
            self.merchant_combo.setCurrentIndex(max(0, index))
            self._fill_seller(merchant)
        finally:
            self._loading = False
        self._update_merchant_note()
        self._update_completeness()

    def _fill_seller(self, merchant: MerchantRecord | None) -> None:
        for name, edit in self.seller_edits.items():
            edit.setText(_text(getattr(merchant, name)) if merchant else "")
        platform = merchant.platform if merchant else None
        self.platform_combo.setCurrentIndex(max(0, self.platform_combo.findData(platform)))

    def chosen_merchant(self) -> MerchantRecord | None:
        """The saved seller chosen in the picker, or None for a new one."""
        merchant_id = self.merchant_combo.currentData()
        return self._merchants.get(merchant_id) if merchant_id is not None else None

    def seller_values(self) -> dict[str, str]:
        """The seller fields as typed (stripped; "" for empty), platform as its code or ""."""
        values = {name: edit.text().strip() for name, edit in self.seller_edits.items()}
        values["platform"] = self.platform_combo.currentData() or ""
        return values

    def missing_identity(self) -> list[str]:
        """The identifying seller fields (MERCHANT_IDENTITY_FIELDS) still empty in the form."""
        values = self.seller_values()
        return [name for name in MERCHANT_IDENTITY_FIELDS if not values[name]]

    def _renaming_saved_seller(self) -> bool:
        chosen = self.chosen_merchant()
        name = self.seller_edits["display_name"].text().strip()
        return chosen is not None and bool(name) and name != chosen.display_name

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

    def validate(self) -> dict[str, Any] | None:
        """Check the form, showing a message next to each wrong field.
        Returns the parsed purchase values, or None when something must be fixed."""
        for label in self.errors.values():
            label.hide()
        self.save_error.hide()
        values = self._purchase_values()
        problems: dict[str, str] = {}
        parsed: dict[str, Any] = {}
        if not values["title"]:
            problems["title"] = self.tr("Say what you bought, e.g. “wireless earbuds”.")
        try:
            parsed["amount_minor"] = parse_amount(values["amount"])
        except InvalidInput:
            problems["amount"] = self.tr("“{value}” is not an amount: write it like 128 or 128.50.").format(
                value=values["amount"]
            )
        try:
            parsed["currency"] = parse_currency(values["currency"])
        except InvalidInput:
            if "amount" not in problems:  # one message per field: the amount's comes first
                problems["amount"] = self.tr(
                    "“{value}” is not a currency: use three letters such as CNY, USD or HKD."
                ).format(value=values["currency"])
        try:
            parsed["ordered_at"] = parse_user_date(values["ordered_at"], field="order date")
        except InvalidInput:
            problems["ordered_at"] = self.tr(
                "“{value}” is not a date: write it like 2026-10-27 or 2026-10-27 14:30."
            ).format(value=values["ordered_at"])
        seller = self.seller_values()
        had_seller = self._purchase is not None and self._purchase.merchant is not None
        if not seller["display_name"] and (
            had_seller
            or self.chosen_merchant() is not None
            or any(v for k, v in seller.items() if k != "display_name")
        ):
            problems["display_name"] = self.tr("Give the seller a name, e.g. their shop name or nickname.")
        problems.update(self._seller_problems(seller))
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
        return parsed

    def _seller_problems(self, seller: dict[str, str]) -> dict[str, str]:
        """Messages for a phone, WeChat ID or credit code that is not one (storage.values
        checks them the same way). Only what would be saved is checked: a value saved
        before these checks existed does not block saving something else."""
        chosen = None if self._renaming_saved_seller() else self.chosen_merchant()

        def changed(name: str) -> bool:
            return chosen is None or seller[name] != _text(getattr(chosen, name))

        problems: dict[str, str] = {}
        phone = seller["phone"]
        bad_phone = phone_problem(phone) if phone and changed("phone") else None
        if bad_phone is not None:
            problems["phone"] = self.tr(
                "“{value}” is not a phone number: write a mobile number like 138 0013 8000, a landline "
                "with its area code like 010 6552 9988, or a number from abroad starting with +."
            ).format(value=bad_phone)
        account = seller["account_id"]
        wechat = seller["platform"] == "wechat"
        if (
            account
            and wechat
            and (changed("account_id") or changed("platform"))
            and not is_wechat_id(account)
        ):
            problems["account_id"] = self.tr(
                "“{value}” is not a WeChat ID: a WeChat ID has 6 to 20 letters, digits, _ or -, and "
                "starts with a letter. It is shown as 微信号 in the seller's profile."
            ).format(value=account)
        code = seller["credit_code"]
        issue = credit_code_problem(code) if code and changed("credit_code") else None
        if issue == "length":
            problems["credit_code"] = self.tr(
                "A credit code has 18 characters; “{value}” has {count}."
            ).format(value=code, count=len(normalize_credit_code(code)))
        elif issue == "characters":
            problems["credit_code"] = self.tr(
                "“{value}” is not a credit code: it has only digits and capital letters "
                "(never I, O, S, V or Z)."
            ).format(value=code)
        elif issue == "check":
            problems["credit_code"] = self.tr(
                "“{value}” is not a valid credit code: its last character does not match the others. "
                "Check it against the business licence."
            ).format(value=code)
        return problems

    def _changed_purchase_fields(self, parsed: dict[str, Any]) -> dict[str, str]:
        """What to send for the purchase: every filled field when new, only changes when editing."""
        values = self._purchase_values()
        p = self._purchase
        if p is None:
            return {k: v for k, v in values.items() if v or k == "title"}
        fields: dict[str, str] = {}
        if values["title"] != p.title:
            fields["title"] = values["title"]
        if values["order_no"] != _text(p.order_no):
            fields["order_no"] = values["order_no"]
        if parsed["amount_minor"] != p.amount_minor:
            fields["amount"] = values["amount"]
        if parsed["currency"] != p.currency:
            fields["currency"] = parsed["currency"]
        if parsed["ordered_at"] != p.ordered_at:
            fields["ordered_at"] = values["ordered_at"]
        if values["status"] != p.status:
            fields["status"] = values["status"]
        if values["notes"] != _text(p.notes):
            fields["notes"] = values["notes"]
        return fields

    def _merchant_arguments(self) -> tuple[dict[str, str] | None, int | None]:
        """(merchant fields, merchant_id) for Library.add_purchase / edit_purchase."""
        seller = self.seller_values()
        chosen = self.chosen_merchant()
        if chosen is None or self._renaming_saved_seller():
            # A new seller: only what was typed (the library reuses a saved seller of the same
            # name, and empty values would wipe that seller's details).
            typed = {k: v for k, v in seller.items() if v}
            return (typed or None), None
        changed = {k: v for k, v in seller.items() if k != "display_name" and v != _text(getattr(chosen, k))}
        return (changed or None), chosen.id

    # ------------------------------------------------------------------ live updates

    def _update_completeness(self) -> None:
        missing = self.missing_identity()
        total = len(MERCHANT_IDENTITY_FIELDS)
        recorded = total - len(missing)
        names = self._identity_names()
        if missing:
            text = self.tr("Seller details: {recorded} of {total} recorded").format(
                recorded=recorded, total=total
            )
            still = self.tr("Still missing: {fields}").format(
                fields=self.tr(", ", "list separator").join(names[m] for m in missing)
            )
            tone = "todo"
        else:
            text = self.tr("Seller details: all {total} recorded").format(total=total)
            still = ""
            tone = "done"
        self.completeness_label.setText(text)
        self.completeness_missing.setText(still)
        self.completeness_missing.setVisible(bool(missing))
        self.completeness_advice.setVisible(bool(missing))
        theme = self.palette()
        set_text_tone(self.completeness_label, tone, theme)
        panel_palette = self.completeness_panel.palette()
        background = blend(theme.color(QPalette.ColorRole.Window), tone_color(tone, theme), 0.12)
        panel_palette.setColor(QPalette.ColorRole.Window, background)
        self.completeness_panel.setPalette(panel_palette)
        self.completeness_panel.setProperty("complete", not missing)
        self._grow_to_fit()

    def completeness_text(self) -> str:
        """The completeness hint as one line ("Seller details: 3 of 7 recorded — still missing: …")."""
        if self.completeness_missing.isHidden():
            return self.completeness_label.text()
        return f"{self.completeness_label.text()} \u2014 {self.completeness_missing.text()}"

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

    def _update_merchant_note(self) -> None:
        chosen = self.chosen_merchant()
        name = self.seller_edits["display_name"].text().strip()
        if chosen is not None and self._renaming_saved_seller():
            text = self.tr(
                "A new seller called “{new}” will be saved with these details; “{old}” stays as it is."
            ).format(new=name, old=chosen.display_name)
        elif chosen is not None:
            text = self.tr("Changes apply to every purchase with this seller.")
        elif name in self._names:
            text = self.tr(
                "You already saved a seller called “{name}”: saving adds these details to it."
            ).format(name=name)
        else:
            text = self.tr("Fill in what you know; you can choose this seller again for other purchases.")
        self.merchant_note.setText(text)

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
            self._update_completeness()

    def done(self, result: int) -> None:
        self.suggestions_group.stop_thumbnails()
        super().done(result)

    # ------------------------------------------------------------------ using a suggestion

    def _target_text(self, target: str) -> str:
        if target == "amount":
            return self.amount_edit.text().strip()
        if target == "order_no":
            return self.order_no_edit.text().strip()
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
            target not in ("notes", "amount", "order_no") and target not in self.seller_edits
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
            self.tr("Use “{new}” from the screenshot instead?").format(new=suggestion.value),
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
    def _on_seller_field_changed(self) -> None:
        if self._loading:
            return
        self._update_completeness()
        self._update_merchant_note()

    @Slot(int)
    def _on_merchant_chosen(self, index: int) -> None:
        if self._loading:
            return
        merchant = self.chosen_merchant()
        self._loading = True
        try:
            if merchant is not None:
                self._fill_seller(merchant)
            else:
                # Back to a new seller: start from empty fields rather than a copy of another seller.
                self._fill_seller(None)
        finally:
            self._loading = False
        self.errors["display_name"].hide()
        self._update_merchant_note()
        self._update_completeness()

    @Slot()
    def _on_merchant_typed(self) -> None:
        """A name typed into the picker: a saved seller is chosen, a new one starts one."""
        text = self.merchant_combo.currentText().strip()
        current_text = self.merchant_combo.itemText(self.merchant_combo.currentIndex())
        if text == current_text:
            return
        index = self.merchant_combo.findText(text, Qt.MatchFlag.MatchFixedString)
        if index > 0:
            self.merchant_combo.setCurrentIndex(index)
            return
        if self.merchant_combo.currentIndex() != 0:
            self.merchant_combo.setCurrentIndex(0)
        else:
            self.merchant_combo.setEditText(current_text)
        if text:
            self.seller_edits["display_name"].setText(text)

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
        merchant, merchant_id = self._merchant_arguments()
        try:
            before: MerchantRecord | None = None
            others = 0
            if merchant_id is not None and merchant:
                # The seller as it is now, and how many other purchases show it.
                before = next((m for m in self._lib.list_merchants() if m.id == merchant_id), None)
                mine = self._purchase is not None and self._purchase.merchant is not None
                on_this = mine and self._purchase.merchant.id == merchant_id  # type: ignore[union-attr]
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
            changes = {
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

    def _offer_undo(self, seller: MerchantRecord, changes: dict[str, list[Any]], others: int) -> None:
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
        chosen = self.chosen_merchant()
        manager = SellerManager(self._lib, chosen.id if chosen else None, self)
        manager.sellers_changed.connect(self._on_sellers_changed)
        manager.finished.connect(lambda *_: manager.deleteLater())
        self.seller_manager = manager
        manager.open()

    @Slot(int, object)
    def _on_sellers_changed(self, removed_id: int, kept_id: int | None) -> None:
        """A seller was deleted or merged: show the sellers as they are now, keeping what
        the user typed (a field they did not touch takes the saved seller's new value)."""
        chosen_id = self.merchant_combo.currentData()
        old = self._merchants
        try:
            self._merchants = {m.id: m for m in self._lib.list_merchants()}
            if self._purchase is not None:
                self._purchase = self._lib.get_purchase(self._purchase.id)
        except KnownStorageError as exc:
            log.warning("sellers not reloaded: %s", exc)
            return
        self._names = {m.display_name: m.id for m in self._merchants.values()}
        typed = self.seller_values()
        new_id = kept_id if chosen_id == removed_id else chosen_id
        self._loading = True
        try:
            self._fill_merchant_combo()
            index = self.merchant_combo.findData(new_id) if new_id is not None else 0
            self.merchant_combo.setCurrentIndex(max(0, index))
            fresh = self._merchants.get(new_id) if new_id is not None else None
            if chosen_id == removed_id:
                self._fill_seller(fresh)  # the seller shown is gone: show the one kept, or none
            elif fresh is not None and chosen_id in old:
                was = old[chosen_id]
                for name, edit in self.seller_edits.items():
                    if typed[name] == _text(getattr(was, name)):
                        edit.setText(_text(getattr(fresh, name)))
        finally:
            self._loading = False
        self.manage_sellers_button.setEnabled(bool(self._merchants))
        self._update_merchant_note()
        self._update_completeness()


__all__ = [
    "CURRENCIES",
    "PurchaseEditor",
]
