"""The purchase editor: one dialog for what was bought and who sold it.

It validates what the user typed next to each field, saves through the library in one
call (so nothing is ever half-saved) and reports the saved record with `purchase_saved`.
Details found in the purchase's screenshots are offered with a "Use" button each; they
fill a field but are never saved until the user presses Save.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette, QResizeEvent
from PySide6.QtWidgets import (
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
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from capture.suggestions import Suggestion, purchase_suggestions
from storage.errors import InvalidInput, KnownStorageError
from storage.library import Library
from storage.records import (
    MERCHANT_IDENTITY_FIELDS,
    MERCHANT_TEXT_FIELDS,
    PLATFORMS,
    PURCHASE_STATUSES,
    MerchantRecord,
    PurchaseRecord,
)
from storage.values import parse_amount, parse_currency, parse_user_date

log = logging.getLogger(__name__)

# Offered in the currency box, most common first; any other three-letter code can be typed.
CURRENCIES = ("CNY", "USD", "HKD", "EUR", "GBP", "JPY", "TWD", "MOP", "KRW", "SGD")
# The seller fields shown as line edits, in the order of the form (display name first).
SELLER_TEXT_FIELDS = MERCHANT_TEXT_FIELDS
_PURCHASE_TEXT_FIELDS = ("title", "order_no", "amount", "ordered_at")
# Where a suggestion goes: the Suggestion.kind -> the editor's field name.
SUGGESTION_TARGETS = {
    "phone": "phone",
    "wechat_id": "account_id",
    "order_no": "order_no",
    "amount": "amount",
    "url": "shop_url",
    "email": "notes",
}
_SUGGESTION_ROWS_VISIBLE = 6
_LONGEST_SHOWN = 48

# (light theme, dark theme) colours; picked by the window's lightness so dark themes stay legible.
_TONES = {
    "error": ("#c0262d", "#ff7b7b"),
    "done": ("#1e7b34", "#7ad894"),
    "todo": ("#8a5300", "#f2b862"),
}


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def tone_color(tone: str, palette: QPalette | None = None) -> QColor:
    """The colour of `tone` ("error", "done", "todo") that reads well on `palette`."""
    light, dark = _TONES[tone]
    return QColor(dark if _is_dark(palette or QGuiApplication.palette()) else light)


def _set_text_tone(label: QLabel, tone: str, theme: QPalette | None = None) -> None:
    """Colour a label's text in `tone` ("error", "done", "todo") for the `theme` palette
    (the application's by default)."""
    palette = label.palette()  # only WindowText is set here; the rest follows the theme
    palette.setColor(QPalette.ColorRole.WindowText, tone_color(tone, theme))
    label.setPalette(palette)


def _blend(a: QColor, b: QColor, share_of_b: float) -> QColor:
    keep = 1.0 - share_of_b
    return QColor(
        round(a.red() * keep + b.red() * share_of_b),
        round(a.green() * keep + b.green() * share_of_b),
        round(a.blue() * keep + b.blue() * share_of_b),
    )


def _muted(label: QLabel) -> QLabel:
    """A smaller, greyer label for explanations; the theme's placeholder colour, so it
    follows light and dark themes by itself."""
    font = label.font()
    font.setPointSizeF(max(font.pointSizeF() * 0.92, 7.0))
    label.setFont(font)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def _text(value: str | None) -> str:
    return value or ""


class PurchaseEditor(QDialog):
    """Create a purchase (`purchase_id` None) or edit one, with its seller.

    Choosing a saved seller edits that seller, for every purchase that has it; the
    dialog says so. Save validates inline and keeps the dialog open on a problem.
    """

    purchase_saved = Signal(object)  # the PurchaseRecord after saving

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
        self.suggestions: list[Suggestion] = []
        self.suggestion_buttons: list[QPushButton] = []
        self.errors: dict[str, QLabel] = {}

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
        left.addWidget(self._build_suggestions_group())
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
        _set_text_tone(self.save_error, "error")
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
        _set_text_tone(error, "error")
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
        names = self._status_names()
        for code in PURCHASE_STATUSES:
            self.status_combo.addItem(names[code], code)
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

    def _build_suggestions_group(self) -> QGroupBox:
        self.suggestions_group = QGroupBox(self.tr("Found in this purchase's screenshots"))
        self.suggestions_group.setObjectName("suggestions")
        box = QVBoxLayout(self.suggestions_group)
        box.setSpacing(6)
        box.addWidget(
            _muted(
                self._wrapped(
                    self.tr("Check each one against the screenshot, then press Use to copy it into the form.")
                )
            )
        )
        self._suggestion_host = QWidget()
        self._suggestion_rows = QVBoxLayout(self._suggestion_host)
        self._suggestion_rows.setContentsMargins(0, 0, 0, 0)
        self._suggestion_rows.setSpacing(4)
        self._suggestion_scroll = QScrollArea()
        self._suggestion_scroll.setWidget(self._suggestion_host)
        self._suggestion_scroll.setWidgetResizable(True)
        self._suggestion_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._suggestion_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Transparent, so the list sits on the group's own background.
        self._suggestion_scroll.viewport().setAutoFillBackground(False)
        self._suggestion_host.setAutoFillBackground(False)
        box.addWidget(self._suggestion_scroll)
        self.suggestions_group.hide()
        return self.suggestions_group

    def _wrapped(self, text: str = "") -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def _build_seller_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("Seller"))
        form = self._form(group)

        self.merchant_combo = QComboBox()
        self.merchant_combo.setObjectName("merchant")
        self.merchant_combo.setEditable(True)
        # Typing filters the saved sellers; a name that is not saved yet starts a new seller.
        self.merchant_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.merchant_combo.addItem(self.tr("New seller…"), None)
        for merchant in sorted(self._merchants.values(), key=lambda m: m.display_name.casefold()):
            self.merchant_combo.addItem(merchant.display_name, merchant.id)
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
        form.addRow(self.tr("Seller:"), self.merchant_combo)

        self.merchant_note = _muted(self._wrapped())
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

    def _build_completeness_panel(self) -> QFrame:
        panel = QFrame()
        panel.setObjectName("completeness")
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setAutoFillBackground(True)
        box = QVBoxLayout(panel)
        box.setContentsMargins(10, 8, 10, 8)
        box.setSpacing(4)
        self.completeness_label = self._wrapped()
        self.completeness_label.setObjectName("completenessSummary")
        bold = QFont(self.completeness_label.font())
        bold.setBold(True)
        self.completeness_label.setFont(bold)
        self.completeness_missing = self._wrapped()
        self.completeness_missing.setObjectName("completenessMissing")
        self.completeness_advice = self._wrapped(
            self.tr(
                "Before paying, ask for the seller's real name and phone: consumer associations "
                "need them to follow up."
            )
        )
        box.addWidget(self.completeness_label)
        box.addWidget(self.completeness_missing)
        box.addWidget(_muted(self.completeness_advice))
        self.completeness_panel = panel
        return panel

    # ------------------------------------------------------------------ names in words

    def _status_names(self) -> dict[str, str]:
        return {
            "open": self.tr("Open", "purchase status"),
            "disputed": self.tr("Disputed", "purchase status"),
            "resolved": self.tr("Resolved", "purchase status"),
            "closed": self.tr("Closed", "purchase status"),
        }

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

    def _suggestion_kind_name(self, kind: str) -> str:
        names = {
            "phone": self.tr("Phone"),
            "wechat_id": self.tr("WeChat ID"),
            "order_no": self.tr("Order number"),
            "amount": self.tr("Amount"),
            "url": self.tr("Link"),
            "email": self.tr("E-mail"),
        }
        return names.get(kind, kind)

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
        _set_text_tone(self.completeness_label, tone, theme)
        panel_palette = self.completeness_panel.palette()
        background = _blend(theme.color(QPalette.ColorRole.Window), tone_color(tone, theme), 0.12)
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
        except KnownStorageError as exc:
            log.warning("no suggestions for purchase %s: %s", self._purchase.id, exc)
            return
        found = [s for s in purchase_suggestions(purchase, captures) if s.kind in SUGGESTION_TARGETS]
        log.debug("%d suggestions from %d captures", len(found), len(captures))
        self.show_suggestions(found)

    def show_suggestions(self, suggestions: list[Suggestion]) -> None:
        """List `suggestions`, each with a Use button (replaces any listed before)."""
        while self._suggestion_rows.count():
            item = self._suggestion_rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.suggestions = list(suggestions)
        self.suggestion_buttons = []
        for suggestion in self.suggestions:
            self._suggestion_rows.addWidget(self._suggestion_row(suggestion))
        self.suggestions_group.setVisible(bool(self.suggestions))
        self._fit_suggestions()
        # After the new rows are polished: until then their size hints are not final.
        QTimer.singleShot(0, self, self._grow_to_fit)

    def _fit_suggestions(self) -> None:
        """Show up to _SUGGESTION_ROWS_VISIBLE rows in full at the list's current width;
        more scroll. Wrapped labels change height with width, so this runs on resize too."""
        if not self.suggestions:
            return
        width = self._suggestion_scroll.viewport().width()
        rows = self._suggestion_rows
        height = 0
        for i in range(min(rows.count(), _SUGGESTION_ROWS_VISIBLE)):
            item = rows.itemAt(i)
            row = item.widget() if item is not None else None
            if row is None:
                continue
            hint = row.heightForWidth(width) if row.hasHeightForWidth() else -1
            height += (hint if hint > 0 else row.sizeHint().height()) + (rows.spacing() if i else 0)
        self._suggestion_scroll.setFixedHeight(height + 2)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_suggestions()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Re-colour the hint and messages when the theme changes (light <-> dark)."""
        super().changeEvent(event)
        if self._sized and event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            for label in (*self.errors.values(), self.save_error):
                _set_text_tone(label, "error", self.palette())
            self._update_completeness()

    def _suggestion_text(self, suggestion: Suggestion) -> str:
        value = suggestion.value
        if len(value) > _LONGEST_SHOWN:
            # A long link has no place to wrap and would widen the whole dialog.
            value = value[: _LONGEST_SHOWN - 1] + "…"
        if suggestion.kind == "amount" and suggestion.currency:
            value = f"{value} {suggestion.currency}"
        return self.tr("{kind} {value} (from capture #{capture})").format(
            kind=self._suggestion_kind_name(suggestion.kind), value=value, capture=suggestion.capture_id
        )

    def _suggestion_row(self, suggestion: Suggestion) -> QWidget:
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        label = self._wrapped(self._suggestion_text(suggestion))
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setToolTip(
            self.tr("{value}\nAs read in the screenshot: {raw}").format(
                value=suggestion.value, raw=suggestion.raw
            )
        )
        button = QPushButton(self.tr("Use"))
        button.setObjectName(f"use_{suggestion.kind}")
        button.setAutoDefault(False)
        button.setToolTip(self.tr("Copy it into the form (nothing is saved until you press Save)."))
        button.clicked.connect(self._use_callback(suggestion, row))
        box.addWidget(label, 1)
        box.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self.suggestion_buttons.append(button)
        return row

    def _use_callback(self, suggestion: Suggestion, row: QWidget) -> Callable[[], None]:
        def use() -> None:
            self.use_suggestion(suggestion)
            row.setEnabled(False)

        return use

    def use_suggestion(self, suggestion: Suggestion) -> None:
        """Copy `suggestion` into its field (see SUGGESTION_TARGETS); nothing is saved."""
        target = SUGGESTION_TARGETS.get(suggestion.kind)
        if target == "notes":
            current = self.notes_edit.toPlainText().rstrip()
            self.notes_edit.setPlainText(f"{current}\n{suggestion.value}" if current else suggestion.value)
        elif target == "amount":
            self.amount_edit.setText(suggestion.value)
            if suggestion.currency:
                self.currency_combo.setCurrentText(suggestion.currency)
        elif target == "order_no":
            self.order_no_edit.setText(suggestion.value)
        elif target in self.seller_edits:
            self.seller_edits[target].setText(suggestion.value)
            if suggestion.kind == "wechat_id" and not self.platform_combo.currentData():
                self.platform_combo.setCurrentIndex(self.platform_combo.findData("wechat"))
        else:
            log.warning("no field for a %s suggestion", suggestion.kind)
            return
        log.debug("used a %s suggestion from capture %s", suggestion.kind, suggestion.capture_id)

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
        self.purchase_saved.emit(record)
        self.accept()


__all__ = ["CURRENCIES", "SUGGESTION_TARGETS", "PurchaseEditor", "tone_color"]
