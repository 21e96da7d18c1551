"""A local time-stamp authority for the tests: a self-made CA and TSA certificate
(critical extendedKeyUsage timeStamping) and `openssl ts -reply` behind a small HTTP
server on 127.0.0.1 (loopback only), started and stopped by the test.

`mode` picks how it answers: "ok"; "garbage" (bytes that are no reply); "http500";
"other" (a genuine token, but for another hash); "slow" (answers only after `release`
is set, so a client with a short timeout gives up); "down" is `stop()`.
`with_chain` makes the TSA include its CA certificate too (OpenSSL's `certs=`).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_CONF = """[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = {dir}
serial = {dir}/serial
crypto_device = builtin
signer_cert = {dir}/tsa.pem
signer_key = {dir}/tsa.key
{certs}signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _run(*args: str, cwd: Path) -> None:
    subprocess.run(list(args), cwd=cwd, check=True, capture_output=True, timeout=60)


def make_pki(d: Path) -> None:
    """CA (self-signed root) and a TSA certificate it issued, in `d`."""
    d.mkdir(parents=True, exist_ok=True)
    _run(
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "3650", "-subj", "/CN=Proofshot Test Root CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=d,
    )  # fmt: skip
    _run(
        "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr",
        "-subj", "/CN=Proofshot Test TSA",
        cwd=d,
    )  # fmt: skip
    (d / "ext.cnf").write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=critical,timeStamping\n"
        # Makes the TSA certificate's DER longer than the CA's whatever the serial numbers:
        # with `certs=` OpenSSL then sends [TSA, CA], which is out of DER order every time,
        # so the tests always take the path rfc3161-client needs ("InvalidSetOrdering").
        f"nsComment=Proofshot test TSA certificate {'.' * 200}\n"
    )
    _run(
        "openssl", "x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "tsa.pem", "-days", "3650", "-extfile", "ext.cnf",
        cwd=d,
    )  # fmt: skip
    (d / "serial").write_text("01\n")


class LocalTsa:
    def __init__(self, d: Path, *, with_chain: bool = False) -> None:
        if shutil.which("openssl") is None:
            raise RuntimeError("openssl is needed for the local TSA")
        self.dir = d
        make_pki(d)
        self.with_chain = with_chain
        self.mode = "ok"
        self.release = threading.Event()
        self.requests = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/tsr"

    def _conf(self) -> Path:
        path = self.dir / ("ts-chain.cnf" if self.with_chain else "ts.cnf")
        certs = f"certs = {self.dir}/ca.pem\n" if self.with_chain else ""
        path.write_text(_CONF.format(dir=self.dir, certs=certs))
        return path

    def reply_for(self, query: bytes) -> bytes:
        with self._lock:
            q = self.dir / "query.tsq"
            r = self.dir / "reply.tsr"
            q.write_bytes(query)
            _run(
                "openssl",
                "ts",
                "-reply",
                "-config",
                str(self._conf()),
                "-queryfile",
                str(q),
                "-out",
                str(r),
                cwd=self.dir,
            )
            return r.read_bytes()

    def other_reply(self) -> bytes:
        with self._lock:
            (self.dir / "other.txt").write_bytes(b"some other file")
            _run(
                "openssl",
                "ts",
                "-query",
                "-data",
                "other.txt",
                "-sha256",
                "-cert",
                "-out",
                "other.tsq",
                cwd=self.dir,
            )
        return self.reply_for((self.dir / "other.tsq").read_bytes())

    def start(self) -> LocalTsa:
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                tsa.requests += 1
                mode = tsa.mode
                if mode == "slow":
                    tsa.release.wait(30)
                if mode == "http500":
                    self.send_error(500, "TSA broken")
                    return
                if mode == "garbage":
                    data = b"<html>not a time-stamp</html>"
                elif mode == "other":
                    data = tsa.other_reply()
                else:
                    data = tsa.reply_for(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.release = threading.Event()
