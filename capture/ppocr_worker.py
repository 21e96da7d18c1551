"""PP-OCR in a worker process of its own, and the engine that talks to it.

`PpOcrProcessEngine` (what the app and the command line use) starts
`python -m capture.ppocr_worker` on first use. The worker loads the models once,
serves images one after another over its stdin/stdout pipes, and exits after
`idle_seconds` without work or when its parent goes away. An image that takes longer
than `timeout` gets the worker killed and the capture marked failed (retryable); the
next image starts a fresh worker. So the app's own process never loads numpy, OpenCV
or ONNX Runtime, stays small when idle, and survives a crash or hang of the engine.

Wire format: each message is a 4-byte big-endian length and that many bytes; a request
is a JSON header followed by the raw pixels, a reply is one JSON object.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from capture.errors import OcrFailed, OcrUnavailable
from capture.ocr import OcrResult, OcrWord
from storage.pipes import close_worker, kill_worker, read_message, read_message_blocking, spawn_worker
from storage.pipes import write_message as _write

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)
timing = logging.getLogger("proofshot.timing")

#: Seconds a worker waits for the next image before it exits (and frees its memory).
IDLE_SECONDS = 180.0
#: Seconds one image may take (a 4K capture reads in about 8 s on 2 cores).
IMAGE_TIMEOUT = 120.0
#: Seconds the worker may take to start and load its models.
START_TIMEOUT = 120.0
_EXIT_IDLE = 0

# --------------------------------------------------------------------------- the worker


def _result_to_json(result: OcrResult) -> dict[str, Any]:
    return {
        "text": result.text,
        "words": [[w.text, list(w.box), w.conf] for w in result.words],
        "engine": result.engine,
        "version": result.version,
        "languages": result.languages,
        "confidence": result.confidence,
        "seconds": result.seconds,
    }


def _result_from_json(doc: dict[str, Any]) -> OcrResult:
    return OcrResult(
        text=str(doc["text"]),
        words=tuple(
            OcrWord(str(t), (int(b[0]), int(b[1]), int(b[2]), int(b[3])), float(c))
            for t, b, c in doc["words"]
        ),
        engine=str(doc["engine"]),
        version=str(doc["version"]),
        languages=str(doc["languages"]),
        confidence=None if doc["confidence"] is None else float(doc["confidence"]),
        seconds=float(doc["seconds"]),
    )


def serve(idle_seconds: float = IDLE_SECONDS) -> int:
    """The worker's loop: load the models, then answer requests until stdin closes or
    nothing comes for `idle_seconds`."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # Anything the libraries print must not corrupt the replies.
    sys.stdout = sys.stderr
    from PIL import Image as PILImage

    from capture.ppocr import PpOcrEngine

    engine = PpOcrEngine()
    try:
        started = time.perf_counter()
        engine.load()
        hello: dict[str, Any] = {"ready": True, "version": engine.version, "pid": os.getpid()}
        timing.debug("ppocr_worker_load_s=%.2f", time.perf_counter() - started)
    except OcrUnavailable as exc:
        hello = {"ready": False, "kind": "unavailable", "message": str(exc)}
    _write(stdout, json.dumps(hello).encode())
    stdout.flush()
    if not hello["ready"]:
        return 1
    fd = stdin.fileno()
    while True:
        ready, _, _ = select.select([fd], [], [], idle_seconds)
        if not ready:
            return _EXIT_IDLE
        header = read_message_blocking(stdin)
        pixels = None if header is None else read_message_blocking(stdin)
        if header is None or pixels is None:
            return 0
        request = json.loads(header)
        try:
            image = PILImage.frombytes(request["mode"], tuple(request["size"]), pixels)
            reply: dict[str, Any] = {"ok": True, "result": _result_to_json(engine.recognize(image))}
        except OcrUnavailable as exc:
            reply = {"ok": False, "kind": "unavailable", "message": str(exc)}
        except (OcrFailed, OSError, ValueError) as exc:
            reply = {"ok": False, "kind": "failed", "message": str(exc)}
        del pixels
        _write(stdout, json.dumps(reply, ensure_ascii=False).encode())
        stdout.flush()


# --------------------------------------------------------------------------- the client


class PpOcrProcessEngine:
    """An `OcrEngine` that runs PP-OCR in a worker process (see the module docstring).

    Thread-safe: requests from several threads are served one at a time by the one
    worker (ONNX Runtime already uses every core for one image)."""

    name = "ppocr"

    def __init__(
        self,
        timeout: float = IMAGE_TIMEOUT,
        idle_seconds: float = IDLE_SECONDS,
        start_timeout: float = START_TIMEOUT,
        command: list[str] | None = None,
    ) -> None:
        self.timeout = timeout
        self.idle_seconds = idle_seconds
        self.start_timeout = start_timeout
        self._command = command
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.version = ""
        self.starts = 0  # how many workers this engine has started (tests and benchmarks)
        atexit.register(self.close)

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def close(self) -> None:
        """Stop the worker (it would stop by itself after `idle_seconds`)."""
        proc, self._proc = self._proc, None
        close_worker(proc, timeout=2)

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        kill_worker(proc)

    def _start(self) -> subprocess.Popen[bytes]:
        from capture.ppocr import INSTALL_HINT, ppocr_available

        if self._command is None and not ppocr_available():
            raise OcrUnavailable(
                f"The PP-OCR engine (rapidocr, onnxruntime) is not installed. {INSTALL_HINT}"
            )
        cmd = self._command or [
            sys.executable,
            "-m",
            "capture.ppocr_worker",
            "--idle",
            str(self.idle_seconds),
        ]
        started = time.perf_counter()
        try:
            proc = spawn_worker(cmd)
        except OSError as exc:
            raise OcrFailed(f"The PP-OCR worker could not be started: {exc}") from exc
        self._proc = proc
        self.starts += 1
        assert proc.stdout is not None
        try:
            hello = self._reply(proc, self.start_timeout)
        except TimeoutError:
            self._kill()
            raise OcrFailed(f"The PP-OCR worker did not start within {self.start_timeout:g} s.") from None
        if hello is None or not hello.get("ready"):
            message = (hello or {}).get("message") or "the PP-OCR worker stopped while starting"
            self._kill()
            if hello is not None and hello.get("kind") == "unavailable":
                raise OcrUnavailable(message)
            raise OcrFailed(message)
        self.version = str(hello.get("version", ""))
        timing.debug("ppocr_worker_start_s=%.2f", time.perf_counter() - started)
        return proc

    @staticmethod
    def _reply(proc: subprocess.Popen[bytes], timeout: float) -> dict[str, Any] | None:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        body = read_message(fd, time.monotonic() + timeout)
        if body is None:
            return None
        doc = json.loads(body)
        return doc if isinstance(doc, dict) else None

    def recognize(self, image: Image.Image) -> OcrResult:
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA" if "transparency" in image.info or "A" in image.mode else "RGB")
        header = json.dumps({"mode": image.mode, "size": list(image.size)}).encode()
        pixels = image.tobytes()
        with self._lock:
            # A worker that went idle (or was killed) between two images is simply
            # replaced; one that dies *while* reading an image fails that image only.
            reply: dict[str, Any] | None = None
            for attempt in (1, 2):
                proc = self._proc
                if proc is None or proc.poll() is not None:
                    self._kill()
                    proc = self._start()
                assert proc.stdin is not None
                try:
                    _write(proc.stdin, header)
                    _write(proc.stdin, pixels)
                    proc.stdin.flush()
                    reply = self._reply(proc, self.timeout)
                except (BrokenPipeError, ConnectionResetError):
                    reply = None
                except TimeoutError:
                    self._kill()
                    raise OcrFailed(
                        f"PP-OCR did not finish within {self.timeout:g} s and was stopped; "
                        "the capture can be read again later."
                    ) from None
                if reply is not None:
                    break
                code = proc.wait()
                self._kill()
                if attempt == 2 or code != _EXIT_IDLE:
                    raise OcrFailed(
                        f"The PP-OCR worker stopped unexpectedly (exit status {code}); "
                        "the capture can be read again later."
                    )
        assert reply is not None
        if not reply.get("ok"):
            message = str(reply.get("message", "PP-OCR failed"))
            raise OcrUnavailable(message) if reply.get("kind") == "unavailable" else OcrFailed(message)
        return _result_from_json(reply["result"])


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="Proofshot's PP-OCR worker (started by the app)")
    ap.add_argument("--idle", type=float, default=IDLE_SECONDS, help="exit after this many idle seconds")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="ppocr-worker %(levelname)s %(name)s: %(message)s")
    return serve(args.idle)


if __name__ == "__main__":
    sys.exit(main())
