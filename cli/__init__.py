"""Proofshot's command line: `main.py COMMAND ...` (docs/cli.md).

common.py has what the commands share (opening the library, JSON output, the capture
line, errors to exit codes). Handlers import heavy modules (the library and SQLAlchemy,
Pillow, OCR, Qt) only when they run, so that a command starts quickly.
"""
