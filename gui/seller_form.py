"""The seller half of the purchase editor: who sold it, and how much of them is known.

The picker chooses a saved seller (whose details then show, and are edited for every
purchase with that seller) or starts a new one; typing a saved name chooses it. Below
it, the seller's details, checked as storage.values checks them, and a panel that counts
the identifying details recorded and names the ones still missing. The form only edits:
the editor saves, with `merchant_arguments()`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from storage.records import MERCHANT_IDENTITY_FIELDS, MERCHANT_TEXT_FIELDS, PLATFORMS, MerchantRecord
from storage.values import credit_code_problem, is_wechat_id, normalize_credit_code, phone_problem

from .style import blend, set_text_tone, tone_color
from .widgets import form_layout, line_edit, muted, with_error, wrapped

# The seller fields shown as line edits, in the order of the form (display name first).
SELLER_TEXT_FIELDS = MERCHANT_TEXT_FIELDS


def _text(value: str | None) -> str:
    return value or ""


class SellerForm(QGroupBox):
    """Choose or type the seller, and edit their details.

    `errors` is the editor's: each field's message line is put there under its name.
    """

    manage_requested = Signal()  # Manage sellers… was pressed
    # A text that wraps changed (the hint, the completeness panel): the dialog may need to grow.
    texts_changed = Signal()

    def __init__(
        self, merchants: list[MerchantRecord], errors: dict[str, QLabel], parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Seller"), parent)
        self._merchants: dict[int, MerchantRecord] = {m.id: m for m in merchants}
        self._names = {m.display_name: m.id for m in self._merchants.values()}
        self._errors = errors
        self._loading = False
        form = form_layout(self)

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
        line = self.merchant_combo.lineEdit()
        if line is not None:
            line.editingFinished.connect(self._on_merchant_typed)
        self.manage_sellers_button = QToolButton()
        self.manage_sellers_button.setObjectName("manageSellers")
        self.manage_sellers_button.setText(self.tr("Manage sellers…"))
        self.manage_sellers_button.setToolTip(
            self.tr("Delete a seller no purchase uses, or merge a seller saved twice into the other.")
        )
        self.manage_sellers_button.clicked.connect(self.manage_requested)
        self.manage_sellers_button.setEnabled(bool(self._merchants))
        picker_row = QHBoxLayout()
        picker_row.setSpacing(6)
        picker_row.addWidget(self.merchant_combo, 1)
        picker_row.addWidget(self.manage_sellers_button)
        form.addRow(self.tr("Seller:"), picker_row)

        self.merchant_note = muted(wrapped())
        self.merchant_note.setObjectName("merchantNote")
        form.addRow("", self.merchant_note)

        self.edits: dict[str, QLineEdit] = {}
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
            edit = line_edit(name, placeholders[name])
            self.edits[name] = edit
            edit.textChanged.connect(self._on_seller_field_changed)
            form.addRow(labels[name], with_error(name, edit, errors))
            if name == "display_name":
                self.platform_combo = QComboBox()
                self.platform_combo.setObjectName("platform")
                self.platform_combo.addItem(self.tr("Not set"), None)
                platform_names = self._platform_names()
                for code in PLATFORMS:
                    self.platform_combo.addItem(platform_names[code], code)
                form.addRow(self.tr("Platform:"), self.platform_combo)
        self.edits["credit_code"].setToolTip(
            self.tr(
                "The unified social credit code (统一社会信用代码) printed on a Chinese business licence."
            )
        )

        form.addRow(self._build_completeness_panel())

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

    def show_seller(self, merchant: MerchantRecord | None) -> None:
        """Show `merchant` (a saved seller) chosen, with its details; None for a new one."""
        self._loading = True
        try:
            index = self.merchant_combo.findData(merchant.id) if merchant else 0
            self.merchant_combo.setCurrentIndex(max(0, index))
            self._fill_seller(merchant)
        finally:
            self._loading = False
        self.update_merchant_note()
        self.update_completeness()

    def _fill_seller(self, merchant: MerchantRecord | None) -> None:
        for name, edit in self.edits.items():
            edit.setText(_text(getattr(merchant, name)) if merchant else "")
        platform = merchant.platform if merchant else None
        self.platform_combo.setCurrentIndex(max(0, self.platform_combo.findData(platform)))

    def chosen_merchant(self) -> MerchantRecord | None:
        """The saved seller chosen in the picker, or None for a new one."""
        merchant_id = self.merchant_combo.currentData()
        return self._merchants.get(merchant_id) if merchant_id is not None else None

    def seller_values(self) -> dict[str, str]:
        """The seller fields as typed (stripped; "" for empty), platform as its code or ""."""
        values = {name: edit.text().strip() for name, edit in self.edits.items()}
        values["platform"] = self.platform_combo.currentData() or ""
        return values

    def missing_identity(self) -> list[str]:
        """The identifying seller fields (MERCHANT_IDENTITY_FIELDS) still empty in the form."""
        values = self.seller_values()
        return [name for name in MERCHANT_IDENTITY_FIELDS if not values[name]]

    def _renaming_saved_seller(self) -> bool:
        chosen = self.chosen_merchant()
        name = self.edits["display_name"].text().strip()
        return chosen is not None and bool(name) and name != chosen.display_name

    def problems(self, had_seller: bool) -> dict[str, str]:
        """A message for each seller field that must be fixed before saving: a seller needs
        a name (one the purchase `had_seller` before, too), and what would be saved must be
        a phone, WeChat ID or credit code if it says it is one."""
        seller = self.seller_values()
        problems: dict[str, str] = {}
        if not seller["display_name"] and (
            had_seller
            or self.chosen_merchant() is not None
            or any(v for k, v in seller.items() if k != "display_name")
        ):
            problems["display_name"] = self.tr("Give the seller a name, e.g. their shop name or nickname.")
        problems.update(self._seller_problems(seller))
        return problems

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

    def merchant_arguments(self) -> tuple[dict[str, str] | None, int | None]:
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

    def reload_merchants(self, merchants: list[MerchantRecord], removed_id: int, kept_id: int | None) -> None:
        """The saved sellers after one was deleted or merged (`removed_id`; its purchases
        went to `kept_id`): the form keeps what the user typed, and a field they did not
        touch takes the saved seller's new value."""
        chosen_id = self.merchant_combo.currentData()
        old = self._merchants
        self._merchants = {m.id: m for m in merchants}
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
                for name, edit in self.edits.items():
                    if typed[name] == _text(getattr(was, name)):
                        edit.setText(_text(getattr(fresh, name)))
        finally:
            self._loading = False
        self.manage_sellers_button.setEnabled(bool(self._merchants))
        self.update_merchant_note()
        self.update_completeness()

    # ------------------------------------------------------------------ live updates

    def update_completeness(self, theme: QPalette | None = None) -> None:
        """Count the identifying details recorded, in the tone of `theme` (the form's
        palette unless the dialog passes its own, new one)."""
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
        theme = theme or self.palette()
        set_text_tone(self.completeness_label, tone, theme)
        panel_palette = self.completeness_panel.palette()
        background = blend(theme.color(QPalette.ColorRole.Window), tone_color(tone, theme), 0.12)
        panel_palette.setColor(QPalette.ColorRole.Window, background)
        self.completeness_panel.setPalette(panel_palette)
        self.completeness_panel.setProperty("complete", not missing)
        self.texts_changed.emit()

    def completeness_text(self) -> str:
        """The completeness hint as one line ("Seller details: 3 of 7 recorded — still missing: …")."""
        if self.completeness_missing.isHidden():
            return self.completeness_label.text()
        return f"{self.completeness_label.text()} \u2014 {self.completeness_missing.text()}"

    def update_merchant_note(self) -> None:
        chosen = self.chosen_merchant()
        name = self.edits["display_name"].text().strip()
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

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_seller_field_changed(self) -> None:
        if self._loading:
            return
        self.update_completeness()
        self.update_merchant_note()

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
        self._errors["display_name"].hide()
        self.update_merchant_note()
        self.update_completeness()

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
            self.edits["display_name"].setText(text)


__all__ = ["SELLER_TEXT_FIELDS", "SellerForm"]
