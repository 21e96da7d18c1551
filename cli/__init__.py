"""Proofshot's command line: `main.py COMMAND ...` (docs/cli.md).

One module per noun registers its sub-commands, each with its handler through
`set_defaults(func=...)`:

* purchases.py: `purchases add|edit|list|show|activate|delete`, `merchants`;
* importing.py: `import`;
* captures.py: `captures list|show|move|note|delete|restore|empty-trash`;
* search.py: `search`;
* app.py: `status`, `capture`, and starting the tray app;
* check.py: `check`;
* ocr.py: `ocr`, and reading captures' text for `import` and `capture`;
* export.py: `export`, `verify`.

common.py has what they share (opening the library, JSON output, the capture line,
errors to exit codes); parser.py puts the parser together. Handlers import heavy
modules (the library and SQLAlchemy, Pillow, OCR, Qt) only when they run, so that a
command starts quickly and loads Qt only when it needs the running app or a PDF.
"""
