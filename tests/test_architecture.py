"""The package boundaries and the code checks run with the tests.

One direction of dependencies (docs/adr/006-one-direction-of-dependencies.md):
gui → capture → storage, and capture uses only storage's plain leaf modules, so the
capture side never loads SQLAlchemy. Neither capture nor storage loads Qt.
"""

from __future__ import annotations

import ast
import importlib.util
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

#: The storage modules capture may import: plain leaves that load no SQLAlchemy (ADR 006).
CAPTURE_MAY_IMPORT_FROM_STORAGE = frozenset(
    {
        "storage.records",
        "storage.vocabulary",
        "storage.normalize",
        "storage.images",
        "storage.values",
        "storage.settings",
        "storage.errors",
        "storage.files",
        "storage.stitched",
        "storage.pipes",
    }
)
#: Documents (PDF, OFD, XML, e-mail) are read on the capture side through this plain
#: package: it and every module in it may be imported by capture, and load no SQLAlchemy or Qt.
CAPTURE_MAY_IMPORT_STORAGE_PACKAGE = "storage.documents"

#: What `ruff format --check` covers: every tree of Python code in the project.
FORMAT_CHECKED = ("capture", "storage", "gui", "cli", "main.py", "tests", "bench")


def _modules(package: str) -> list[str]:
    return [f"{package}.{m.name}" for m in pkgutil.iter_modules([str(ROOT / package)])]


def _loaded_after_import(modules: list[str]) -> set[str]:
    """The modules a fresh interpreter has loaded after importing `modules`."""
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def _absolute_imports(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """(line, module) for every absolute import in `source`, at any depth (functions,
    `if TYPE_CHECKING:` blocks). `from storage import x` counts as `storage.x`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module in ("storage", "gui"):
                found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def _documents_modules() -> list[str]:
    """storage.documents and its modules (found on disk: they are imported lazily)."""
    package = CAPTURE_MAY_IMPORT_STORAGE_PACKAGE
    folder = ROOT / Path(*package.split("."))
    return [package, *(f"{package}.{m.name}" for m in pkgutil.iter_modules([str(folder)]))]


def _forbidden_for_capture(module: str) -> bool:
    top = module.split(".")[0]
    if top in ("gui", "main"):
        return True
    package = CAPTURE_MAY_IMPORT_STORAGE_PACKAGE
    if module == package or module.startswith(package + "."):
        return False
    return top == "storage" and module not in CAPTURE_MAY_IMPORT_FROM_STORAGE


def _tool(name: str) -> list[str]:
    """The command that runs `name` from this interpreter's environment. A missing tool is a
    broken setup (`pip install -e '.[dev]'`), so the check fails instead of being skipped."""
    if importlib.util.find_spec(name) is None:
        pytest.fail(f"{name} is not installed in {sys.prefix}: run `pip install -e '.[dev]'`")
    return [sys.executable, "-m", name]


def test_capture_and_storage_load_no_qt() -> None:
    loaded = _loaded_after_import(_modules("capture") + _modules("storage") + _documents_modules())
    assert not {m for m in loaded if m.startswith("PySide6")}


def test_storage_never_imports_capture_or_gui() -> None:
    loaded = _loaded_after_import(_modules("storage"))
    assert not {m for m in loaded if m.split(".")[0] in ("capture", "gui")}


@pytest.mark.parametrize("module", ["capture", *_modules("capture")])
def test_importing_a_capture_module_loads_no_sqlalchemy(module: str) -> None:
    loaded = _loaded_after_import([module])
    assert not {m for m in loaded if m.split(".")[0] == "sqlalchemy"}


@pytest.mark.parametrize("module", sorted(CAPTURE_MAY_IMPORT_FROM_STORAGE) + _documents_modules())
def test_the_storage_modules_capture_may_use_load_no_sqlalchemy(module: str) -> None:
    loaded = _loaded_after_import([module])
    assert not {m for m in loaded if m.split(".")[0] == "sqlalchemy"}


def test_reading_a_document_on_the_capture_side_loads_no_sqlalchemy() -> None:
    """capture.pipeline reads documents (storage.documents' readers, loaded on first use)
    without loading the library: the readers are plain too."""
    loaded = _loaded_after_import(["capture.pipeline", "capture.doc_text", *_documents_modules()])
    assert "storage.documents" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("sqlalchemy", "PySide6")}


def test_capture_imports_from_storage_only_its_leaf_modules() -> None:
    bad = []
    for path in sorted((ROOT / "capture").glob("*.py")):
        for line, module in _absolute_imports(path.read_text(encoding="utf-8"), str(path)):
            if _forbidden_for_capture(module):
                bad.append(f"capture/{path.name}:{line} imports {module}")
    allowed = ", ".join([*sorted(CAPTURE_MAY_IMPORT_FROM_STORAGE), CAPTURE_MAY_IMPORT_STORAGE_PACKAGE + ".*"])
    rule = f"capture may import from storage only {allowed}, and nothing from gui or main:\n"
    assert not bad, rule + "\n".join(bad)


def test_the_import_scan_sees_every_form_of_import() -> None:
    source = (
        "from storage.library import Library\n"
        "import storage.db\n"
        "from storage import search, normalize\n"
        "from storage.documents import read_text\n"
        "import storage.documents.pdf\n"
        "from gui import app\n"
        "import main\n"
        "from .errors import OcrFailed\n"
        "def later():\n"
        "    from storage.export import export_purchase\n"
        "if True:\n"
        "    import storage.normalize\n"
    )
    found = _absolute_imports(source)
    assert [m for _, m in found if _forbidden_for_capture(m)] == [
        "storage.library",
        "storage.db",
        "storage.search",
        "gui.app",
        "main",
        "storage.export",
    ]
    assert (3, "storage.normalize") in found and (12, "storage.normalize") in found
    assert (4, "storage.documents") in found and (5, "storage.documents.pdf") in found


def test_the_library_is_what_capture_pipeline_asks_for(tmp_path: Path) -> None:
    """capture.pipeline takes an `OcrLibrary` protocol instead of importing Library; mypy checks
    that Library (being restructured separately) still fits it."""
    check = tmp_path / "library_fits_ocr_library.py"
    check.write_text(
        "from capture.pipeline import OcrLibrary\n"
        "from storage.library import Library\n\n\n"
        "def as_ocr_library(lib: Library) -> OcrLibrary:\n"
        "    return lib\n",
        encoding="utf-8",
    )
    proc = subprocess.run([*_tool("mypy"), str(check)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_commands_load_no_qt() -> None:
    """The command line must stay quick: Qt is only for the tray app."""
    loaded = _loaded_after_import(["main"])
    assert not {m for m in loaded if m.startswith("PySide6")}


def test_ruff_is_clean() -> None:
    proc = subprocess.run([*_tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_is_clean() -> None:
    proc = subprocess.run(
        [*_tool("ruff"), "format", "--check", *FORMAT_CHECKED], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_on_every_package() -> None:
    proc = subprocess.run(
        [*_tool("mypy"), "capture", "storage", "gui", "cli", "main.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
