"""Trusted time (issue 14): RFC 3161 tokens from a local TSA made by the tests.

The TSA is `openssl ts -reply` behind an HTTP server on 127.0.0.1 (tests/tsa_server.py),
with and without its CA certificate in the reply (OpenSSL's `certs=`: rfc3161-client
refuses such replies, "InvalidSetOrdering"; Proofshot asks again without certificates and
keeps the chain of the first reply, see storage/tsa_tokens.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from storage import timestamps as ts
from storage.export import export_purchase
from storage.export_timestamps import ExportStamping
from storage.tsa_tokens import SUMS_CHAIN, SUMS_TOKEN, TokenError, verify_token
from storage.verify import verify_evidence

from .conftest import Cli
from .tsa_server import LocalTsa

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed for the local TSA")


def send_with(timeout: float = 5.0) -> ts.Sender:
    from capture.tsa_client import post

    return lambda url, der: post(url, der, timeout)


@pytest.fixture(params=[False, True], ids=["leaf-only", "with-chain"])
def tsa(request: pytest.FixtureRequest, tmp_path: Path):
    server = LocalTsa(tmp_path / "tsa", with_chain=request.param).start()
    yield server
    server.stop()


@pytest.fixture
def plain_tsa(tmp_path: Path):
    server = LocalTsa(tmp_path / "tsa", with_chain=False).start()
    yield server
    server.stop()


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "config"
    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(d))
    return d


def _purchase_with_captures(lib, make_png, n: int = 2):
    p = lib.add_purchase({"title": "Headphones"}, merchant={"display_name": "Shop"})
    caps = [lib.add_capture(make_png(seed=i), source="import", purchase_id=p.id) for i in range(n)]
    return p, caps


def _openssl_verify(folder: Path, data_rel: str, token_rel: str, chain_rel: str, ca: Path | None) -> str:
    args = ["openssl", "ts", "-verify", "-data", data_rel, "-in", token_rel]
    args += ["-CAfile", str(ca) if ca is not None else chain_rel, "-untrusted", chain_rel]
    proc = subprocess.run(args, cwd=folder, capture_output=True, text=True, timeout=60)
    return proc.stdout + proc.stderr


def test_a_stamped_capture_travels_into_the_export_and_verifies(lib, make_png, tsa, tmp_path):
    p, caps = _purchase_with_captures(lib, make_png)
    queued = ts.queue_captures(lib, [caps[0].id], tsa.url)
    [outcome] = ts.process(lib, send_with(), queued)
    assert outcome.ok, outcome.message
    rec = outcome.request
    assert rec.status == ts.STAMPED and rec.tsa_time and rec.token_sha256 and rec.chain_sha256
    # With the chain the TSA was asked twice: the reply with certificates is refused by
    # rfc3161-client, the one without them is kept with the first reply's certificates.
    assert tsa.requests == (2 if tsa.with_chain else 1)
    # The token is a blob in tokens/, and a custody event says so.
    assert (lib.root / "tokens" / rec.token_sha256[:2] / rec.token_sha256).is_file()
    [event] = [e for e in lib.events(capture_id=caps[0].id) if e.kind == "timestamped"]
    assert event.data["token_sha256"] == rec.token_sha256 and event.data["sha256"] == caps[0].sha256
    assert lib.verify_custody() == []
    status = ts.status_by_capture(lib, [c.id for c in caps])
    assert status[caps[0].id].status == ts.STAMPED and caps[1].id not in status

    result = export_purchase(
        lib,
        p.id,
        tmp_path / "out",
        timestamp=ExportStamping(tsa.url, send_with()),
        language="en",
        make_zip=True,
    )
    assert result.timestamp and result.timestamp.startswith("SHA256SUMS stamped")
    folder = result.folder
    manifest = json.loads((folder / "manifest.json").read_text())
    stamped = [c for c in manifest["captures"] if c.get("timestamps")]
    assert [c["capture_id"] for c in stamped] == [caps[0].id]
    entry = stamped[0]["timestamps"][0]
    assert entry["imprint_sha256"] == caps[0].sha256 and entry["tsa_time"] == rec.tsa_time
    assert {entry["file"], entry["chain_file"]} <= {f["path"] for f in manifest["files"]}
    assert (folder / SUMS_TOKEN).is_file() and (folder / SUMS_CHAIN).is_file()
    report = verify_evidence(folder)
    assert report.ok, report.problems
    assert any("SHA256SUMS: time vouched for by" in n for n in report.notes)
    assert any(stamped[0]["file"] in n for n in report.notes)
    html = (folder / "report.html").read_text()
    assert "time vouched for by" in html and "TSA&#x27;s time is" in html
    readme = (folder / "README.txt").read_text()
    assert "openssl ts -verify" in readme and "可信时间戳" in readme

    # OpenSSL agrees, with the chain as included (and the CA, when the TSA sent only its leaf).
    ca = None if tsa.with_chain else tsa.dir / "ca.pem"
    out = _openssl_verify(folder, "SHA256SUMS", SUMS_TOKEN, SUMS_CHAIN, ca)
    assert "Verification: OK" in out, out
    out = _openssl_verify(folder, stamped[0]["file"], entry["file"], entry["chain_file"], ca)
    assert "Verification: OK" in out, out
    if tsa.with_chain:
        assert any("chains to the root CN=Proofshot Test Root CA" in n for n in report.notes)
    else:
        assert any("signature was checked against the TSA's certificate" in n for n in report.notes)
        assert any("did not send its root certificate" in n for n in report.notes)


def test_a_changed_capture_or_token_fails_and_is_named(lib, make_png, plain_tsa, tmp_path):
    p, caps = _purchase_with_captures(lib, make_png, n=1)
    ts.process(lib, send_with(), ts.queue_captures(lib, [caps[0].id], plain_tsa.url))
    result = export_purchase(
        lib, p.id, tmp_path / "out", timestamp=ExportStamping(plain_tsa.url, send_with())
    )
    manifest = json.loads((result.folder / "manifest.json").read_text())
    cap = manifest["captures"][0]
    token_rel = cap["timestamps"][0]["file"]

    changed = tmp_path / "changed"
    shutil.copytree(result.folder, changed)
    (changed / cap["file"]).chmod(0o644)
    with open(changed / cap["file"], "ab") as f:
        f.write(b"x")
    problems = [str(pr) for pr in verify_evidence(changed).problems]
    assert any(pr.startswith(cap["file"]) for pr in problems)
    assert any(pr.startswith(token_rel) and "another file" in pr for pr in problems), problems

    forged = tmp_path / "forged"
    shutil.copytree(result.folder, forged)
    token = bytearray((forged / token_rel).read_bytes())
    token[-40] ^= 0xFF
    (forged / token_rel).chmod(0o644)
    (forged / token_rel).write_bytes(bytes(token))
    problems = [str(pr) for pr in verify_evidence(forged).problems]
    assert any(pr.startswith(token_rel) for pr in problems), problems

    # The SHA256SUMS token for other bytes (a stamp of another export's SHA256SUMS) is named too.
    other = tmp_path / "other"
    shutil.copytree(result.folder, other)
    (other / SUMS_TOKEN).chmod(0o644)
    (other / SUMS_TOKEN).write_bytes(plain_tsa.other_reply())
    problems = [str(pr) for pr in verify_evidence(other).problems]
    assert any(pr.startswith(SUMS_TOKEN) for pr in problems), problems


def test_verify_token_refuses_a_token_for_another_hash(plain_tsa):
    from storage.tsa_tokens import make_request

    req = make_request(b"the file")
    token = ts.stamp_bytes(b"the file", plain_tsa.url, send_with())
    assert token.sha256 == req.sha256
    with pytest.raises(TokenError, match="another file"):
        verify_token(token.der, "00" * 32)


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("down", "cannot reach"),
        ("slow", "did not answer within"),
        ("garbage", "not an RFC 3161 time-stamp reply"),
        ("http500", "HTTP 500"),
        ("other", "token for another hash"),
    ],
)
def test_a_failing_tsa_changes_nothing_and_the_request_waits(lib, make_png, plain_tsa, config, mode, words):
    from storage.settings import AppSettings, save_settings

    _p, caps = _purchase_with_captures(lib, make_png, n=1)
    before = [e.kind for e in lib.events()]
    if mode == "down":
        plain_tsa.stop()
    else:
        plain_tsa.mode = mode
    [outcome] = ts.process(lib, send_with(timeout=1.0), ts.queue_captures(lib, [caps[0].id], plain_tsa.url))
    plain_tsa.release.set()
    assert not outcome.ok and words in outcome.message, outcome.message
    rec = outcome.request
    assert (
        rec.status == ts.FAILED and rec.attempts == 1 and rec.next_try_at and words in (rec.last_error or "")
    )
    # Nothing else changed: the capture and its bytes are as they were, no event was added.
    assert lib.read_capture_bytes(caps[0].id) == make_png(seed=0)
    assert [e.kind for e in lib.events()] == before
    assert ts.due_requests(lib) == []  # back-off: not due again at once

    # Later the TSA works again: `timestamp --pending` (ignoring the back-off) succeeds.
    if mode == "down":
        plain_tsa.start()
        # the same port may be taken meanwhile; the --tsa override handles a new one
    plain_tsa.mode = "ok"
    save_settings(AppSettings(tsa_url=plain_tsa.url))
    cli = Cli(lib.root)
    proc = cli.run("timestamp", "--pending", "--tsa", plain_tsa.url)
    assert "stamped: capture" in proc.stdout, proc.stderr
    assert ts.status_by_capture(lib, [caps[0].id])[caps[0].id].status == ts.STAMPED
    assert [e.kind for e in lib.events()] == [*before, "timestamped"]


def test_back_off_grows_and_is_capped():
    delays = [ts.retry_delay_s(n) for n in range(1, 12)]
    assert delays[:4] == [60, 120, 240, 480]
    assert max(delays) == ts.MAX_RETRY_S and delays == sorted(delays)


def test_bad_urls_are_refused_plainly(lib, make_png, config):
    from capture.tsa_client import TsaUnavailable, check_url

    for url in ("", "ftp://tsa.example", "file:///etc/passwd", "not a url"):
        with pytest.raises(TsaUnavailable):
            check_url(url)
    _p, caps = _purchase_with_captures(lib, make_png, n=1)
    proc = Cli(lib.root).run("timestamp", str(caps[0].id), "--tsa", "ftp://x", check=False)
    assert proc.returncode == 1 and "not an http:// or https:// address" in proc.stderr
    proc = Cli(lib.root).run("timestamp", str(caps[0].id), check=False)
    assert proc.returncode == 1 and "no time-stamp authority is set" in proc.stderr
    assert ts.requests(lib) == []


def test_cli_stamps_captures_remembers_the_tsa_and_lists(lib, make_png, plain_tsa, config):
    from storage.settings import load_settings

    _p, caps = _purchase_with_captures(lib, make_png)
    cli = Cli(lib.root)
    proc = cli.run("timestamp", str(caps[0].id), str(caps[1].id), "--tsa", plain_tsa.url)
    assert proc.stdout.count("stamped: capture") == 2
    assert load_settings().tsa_url == plain_tsa.url
    again = cli.run("timestamp", str(caps[0].id))
    assert "already stamped" in again.stdout and plain_tsa.requests == 2
    listing = cli.json("timestamp")
    assert isinstance(listing, list) and {r["status"] for r in listing} == {"stamped"}


def test_an_export_stamped_while_the_tsa_is_down_is_stamped_later(lib, make_png, plain_tsa, tmp_path, config):
    p, _caps = _purchase_with_captures(lib, make_png, n=1)
    plain_tsa.mode = "http500"
    result = export_purchase(
        lib, p.id, tmp_path / "out", timestamp=ExportStamping(plain_tsa.url, send_with())
    )
    assert result.timestamp and "queued" in result.timestamp
    assert verify_evidence(result.folder).ok and not (result.folder / SUMS_TOKEN).exists()
    [waiting] = ts.requests(lib, statuses=[ts.FAILED])
    assert waiting.kind == ts.EXPORT and waiting.export_path == str(result.folder)

    plain_tsa.mode = "ok"
    proc = Cli(lib.root).run("timestamp", "--pending", "--tsa", plain_tsa.url)
    assert "stamped: export" in proc.stdout
    assert (result.folder / SUMS_TOKEN).is_file()
    report = verify_evidence(result.folder)
    assert report.ok and any("SHA256SUMS: time vouched" in n for n in report.notes)
    # --export stamps an existing export once; a second time is refused plainly.
    proc = Cli(lib.root).run("timestamp", "--export", str(result.folder), check=False)
    assert proc.returncode == 1 and "already has a time-stamp token" in proc.stderr


def test_the_report_shows_a_large_difference_plainly():
    from storage.export_timestamps import difference_text

    words, large = difference_text("2026-01-01T10:00:00.000000Z", "2026-01-01T10:00:03Z", "en")
    assert not large and "3 s after" in words
    words, large = difference_text("2026-01-01T10:00:00.000000Z", "2026-01-03T10:00:00Z", "en")
    assert large and "2.0 days after" in words and "large difference" in words
    words, large = difference_text("2026-01-01T10:00:00.000000Z", "2026-01-01T09:00:00Z", "zh_CN")
    assert large and "早于" in words


def test_settings_default_to_off_and_keep_only_web_urls(config):
    from storage.settings import AppSettings, load_settings, save_settings

    assert AppSettings().tsa_enabled is False and AppSettings().tsa_url == ""
    save_settings(AppSettings(tsa_enabled=True, tsa_url="  https://freetsa.org/tsr "))
    assert load_settings().tsa_url == "https://freetsa.org/tsr" and load_settings().tsa_enabled
    save_settings(AppSettings(tsa_url="file:///etc/passwd"))
    assert load_settings().tsa_url == ""
    assert os.environ["PROOFSHOT_CONFIG_DIR"] == str(config)


def test_check_finds_a_damaged_or_missing_token(lib, make_png, plain_tsa):
    _p, caps = _purchase_with_captures(lib, make_png, n=1)
    [outcome] = ts.process(lib, send_with(), ts.queue_captures(lib, [caps[0].id], plain_tsa.url))
    assert lib.check().ok
    path = lib.root / "tokens" / outcome.request.token_sha256[:2] / outcome.request.token_sha256
    path.chmod(0o600)
    path.write_bytes(b"damaged")
    problems = [p for p in lib.check().problems if p.kind == "token"]
    assert len(problems) == 1 and f"capture {caps[0].id}" in problems[0].message
    assert "no longer matches" in problems[0].message
    # The originals' scan never takes a token for a lost capture.
    assert not [p for p in lib.check().problems if p.kind == "orphan_blob"]


def test_a_reply_with_its_chain_out_of_der_order_is_read_with_a_second_request(tmp_path):
    """OpenSSL's `certs=` reply is refused by rfc3161-client ("InvalidSetOrdering"): the
    certificates are read from it as received, and a token without them is asked for."""
    from storage.tsa_tokens import UnsortedCertificates, make_request, read_reply

    server = LocalTsa(tmp_path / "tsa", with_chain=True)
    req = make_request(b"evidence")
    with pytest.raises(UnsortedCertificates) as caught:
        read_reply(server.reply_for(req.der), req)
    assert len(caught.value.certificates) == 2
    req2 = make_request(b"evidence", cert_req=False)
    token = read_reply(server.reply_for(req2.der), req2, caught.value.certificates)
    assert token.der == (server.dir / "reply.tsr").read_bytes()
    v = verify_token(token.der, req.sha256, token.certificates)
    assert v.chain_complete and v.root == "CN=Proofshot Test Root CA"


def test_a_leaf_only_token_has_its_signature_checked_offline(tmp_path):
    """A TSA that sends only its own certificate (the usual case): the chain cannot be checked
    without its root, but the signature is, against that certificate; a token whose signed
    content or signature was changed fails."""
    from asn1crypto import tsp

    from storage.tsa_tokens import TokenError, make_request, read_reply

    server = LocalTsa(tmp_path / "tsa", with_chain=False)
    req = make_request(b"evidence")
    token = read_reply(server.reply_for(req.der), req)
    v = verify_token(token.der, req.sha256, token.certificates)
    assert not v.chain_complete and v.signer == "CN=Proofshot Test TSA"
    assert "signature was checked" in v.root_text()

    resp = tsp.TimeStampResp.load(token.der)
    si = resp["time_stamp_token"]["content"]["signer_infos"][0]
    sig = bytearray(si["signature"].native)
    sig[10] ^= 0xFF
    si["signature"] = bytes(sig)
    with pytest.raises(TokenError, match="signature is not valid"):
        verify_token(resp.dump(force=True), req.sha256, token.certificates)

    resp = tsp.TimeStampResp.load(token.der)
    si = resp["time_stamp_token"]["content"]["signer_infos"][0]
    attrs = si["signed_attrs"]
    for a in attrs:
        if a["type"].native == "message_digest":
            a["values"][0] = bytes(32)
    with pytest.raises(TokenError, match="does not match its signature|not valid"):
        verify_token(resp.dump(force=True), req.sha256, token.certificates)
