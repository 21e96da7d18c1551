"""The storage helper process: the tray app's database work, outside the tray (ADR 012).

`python -m storage.helper --library ROOT [--scan] [--idle S]` opens the library as
`Library.open` does (migrating it, rebuilding an outdated search index, recovering what a
crash left in the journal), says hello (its open report, or the error that kept it from
opening), then answers calls of the library's public methods one at a time over its
stdin/stdout pipes, until stdin closes (the app quit or died) or nothing comes for
`--idle` seconds. Exiting frees SQLAlchemy and the database caches: the tray app at rest
holds neither. `storage.remote.RemoteLibrary` is the client, started again on next use.

Wire format (storage.pipes): a request is pickle((method, args, kwargs)), a reply
pickle(("ok", value)) or pickle(("error", ErrorInfo)). Pickle is safe here: both ends are
this app, over pipes only they hold. A method not in `METHODS` is refused.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pickle
import select
import signal
import sys
from pathlib import Path
from typing import Any

from .errors import KnownStorageError, StorageBug
from .pipes import read_message_blocking, write_message

log = logging.getLogger("storage.helper")

#: Seconds the helper waits for the next call before it exits (as the PP-OCR worker).
IDLE_SECONDS = 180.0
#: Exit status after an idle timeout or the end of stdin: no call was cut short.
EXIT_IDLE = 0

#: The `Library` methods the helper answers. The others are the client's own: `open`,
#: `close`, `watch` (a read-only connection of the caller's), `blob_path` (a path),
#: `local`, `local_ready`, `prewarm`, and `bulk_add` (for tools, with a lazy iterable).
METHODS = frozenset(
    {
        "get_setting",
        "set_setting",
        "record_event",
        "events",
        "verify_custody",
        "add_purchase",
        "edit_purchase",
        "get_purchase",
        "list_purchases",
        "list_merchants",
        "merchant_usage",
        "delete_merchant",
        "merge_merchants",
        "restore_merchant",
        "own_details",
        "set_own_details",
        "delete_purchase",
        "active_purchase",
        "set_active_purchase",
        "find_by_sha",
        "add_capture",
        "add_long_capture",
        "long_capture_frames",
        "long_capture_recipe",
        "recover",
        "get_capture",
        "get_captures",
        "read_capture_bytes",
        "page_png",
        "list_captures",
        "count_captures",
        "move_captures",
        "set_note",
        "trash",
        "restore",
        "empty_trash",
        "captures_needing_ocr",
        "set_ocr_result",
        "set_ocr_problem",
        "reindex",
        "rebuild_search_index",
        "search",
        "check",
    }
)

#: Modules whose exception classes cross the pipe as themselves.
_ERROR_MODULES = ("storage.errors", "builtins")

#: (module, class name, args, attributes) of an exception raised in the helper.
ErrorInfo = tuple[str, str, tuple[Any, ...], dict[str, Any]]


def encode_error(exc: BaseException) -> ErrorInfo:
    attrs: dict[str, Any] = {}
    for key, value in vars(exc).items():
        try:
            pickle.dumps(value)
        except Exception:
            continue
        attrs[key] = value
    args: tuple[Any, ...] = tuple(
        a if isinstance(a, (str, int, float, type(None))) else str(a) for a in exc.args
    )
    return (type(exc).__module__, type(exc).__qualname__, args, attrs)


def decode_error(info: ErrorInfo) -> Exception:
    """The exception to raise in the client: the same class with the same message and
    attributes when it is one of storage's or a builtin one, else a StorageBug."""
    module, name, args, attrs = info
    if module in _ERROR_MODULES:
        cls = getattr(importlib.import_module(module), name, None)
        if isinstance(cls, type) and issubclass(cls, Exception):
            exc = cls.__new__(cls)
            exc.args = args
            exc.__dict__.update(attrs)
            return exc
    message = args[0] if args else ""
    return StorageBug(f"{name}: {message}" if message else name)


def _reply(value: Any) -> bytes:
    try:
        return pickle.dumps(("ok", value), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # a value that cannot cross (a bug in METHODS)
        log.exception("cannot send a reply")
        return pickle.dumps(("error", encode_error(exc)))


def serve(root: Path, *, scan: bool, idle_seconds: float) -> int:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # anything printed must not corrupt the replies
    # Ctrl+C in the app's terminal reaches this process too: finish the call, then see
    # stdin close when the app has quit.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .library import Library

    try:
        lib = Library.open(root, scan=scan)
    except Exception as exc:
        if not isinstance(exc, KnownStorageError):
            log.exception("cannot open the library")
        write_message(stdout, pickle.dumps(("error", encode_error(exc))))
        stdout.flush()
        return 1
    try:
        write_message(stdout, _reply({"open_report": lib.open_report, "pid": os.getpid()}))
        stdout.flush()
        fd = stdin.fileno()
        while True:
            ready, _, _ = select.select([fd], [], [], idle_seconds)
            if not ready:
                return EXIT_IDLE  # nothing was read: a call arriving now is sent again
            message = read_message_blocking(stdin)
            if message is None:
                return EXIT_IDLE
            name, args, kwargs = pickle.loads(message)
            del message
            try:
                if name not in METHODS:
                    raise StorageBug(f"the storage helper does not answer {name!r}")
                payload = _reply(getattr(lib, name)(*args, **kwargs))
            except Exception as exc:
                if not isinstance(exc, KnownStorageError):
                    log.exception("%s failed", name)
                payload = pickle.dumps(("error", encode_error(exc)))
            del args, kwargs
            write_message(stdout, payload)
            stdout.flush()
            del payload
    finally:
        lib.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Proofshot's storage helper (started by the app)")
    ap.add_argument("--library", required=True, type=Path)
    ap.add_argument("--scan", action="store_true", help="check every blob is present when opening")
    ap.add_argument("--idle", type=float, default=IDLE_SECONDS, help="exit after this many idle seconds")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="storage-helper %(levelname)s %(name)s: %(message)s")
    return serve(args.library, scan=args.scan, idle_seconds=args.idle)


if __name__ == "__main__":
    sys.exit(main())
