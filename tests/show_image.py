"""Show an image at the top-left corner of the X screen, frameless (for e2e tests).

python tests/show_image.py IMAGE
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication(sys.argv[:1])
label = QLabel()
label.setWindowTitle("proofshot-test-image")
label.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.X11BypassWindowManagerHint)
pixmap = QPixmap(sys.argv[1])
label.setPixmap(pixmap)
label.setGeometry(0, 0, pixmap.width(), pixmap.height())
label.show()
sys.exit(app.exec())
