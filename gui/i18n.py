"""Loading the app's translations (English built in, Simplified Chinese shipped)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from .resources import TRANSLATIONS

log = logging.getLogger(__name__)


def ui_locale(ui_language: str) -> QLocale:
    if ui_language == "zh_CN":
        return QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    if ui_language == "en":
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    system = QLocale.system()
    if system.language() == QLocale.Language.C:
        # LANG=C (or unset) shows dates as "2 12 2026": the interface is English then,
        # and so are its dates.
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    return system


def install_translators(app: QCoreApplication, ui_language: str) -> list[QTranslator]:
    """Install Proofshot's and Qt's own translations for the chosen language.
    Returns the translators (keep them alive as long as the app runs)."""
    locale = ui_locale(ui_language)
    QLocale.setDefault(locale)
    installed: list[QTranslator] = []
    if locale.language() != QLocale.Language.Chinese:
        return installed
    ours = QTranslator(app)
    if ours.load(locale, "proofshot", "_", str(TRANSLATIONS)):
        app.installTranslator(ours)
        installed.append(ours)
    else:
        log.warning("no Proofshot translation for %s in %s", locale.name(), TRANSLATIONS)
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    return installed
