"""Trusted time in an export: the tokens of its captures, the token of its SHA256SUMS,
what the report and README say about them, and how `verify` checks them.

Each token a capture was given (storage/timestamps.py) goes into `timestamps/` as the
TSA's reply unchanged (`<capture stem>.<n>.tsr`) with the certificates it came with
(`<capture stem>.<n>.chain.pem`), both listed in SHA256SUMS and manifest.json, and
described in the capture's manifest entry under `timestamps`. When the export is
stamped, `SHA256SUMS.tsr` and `SHA256SUMS.chain.pem` sit beside SHA256SUMS (written after
it, so listed in neither). docs/evidence-format.md describes the layout; export.py and
verify.py call the functions here through small hooks.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .tsa_tokens import SUMS_CHAIN, SUMS_TOKEN, Token, TokenError, read_pem_certificates, verify_token

if TYPE_CHECKING:
    from .library import Library
    from .records import CaptureRecord
    from .timestamps import Sender

TIMESTAMPS_DIR = "timestamps"
#: A TSA time this far from the device's time is called out in the report.
LARGE_DIFFERENCE_S = 120

#: Files an export may hold beyond those SHA256SUMS and manifest.json list.
UNLISTED = (SUMS_TOKEN, SUMS_CHAIN)


@dataclass(frozen=True)
class ExportStamping:
    """Stamp the export's SHA256SUMS with the TSA at `url`; `send` posts the request."""

    url: str
    send: Sender


# ---------------------------------------------------------------------- writing


def write_capture_tokens(
    lib: Library, write: Callable[[str, bytes], str], root: Path, c: CaptureRecord, stem: str
) -> list[dict[str, Any]]:
    """Write capture `c`'s tokens into `timestamps/`; their manifest entries."""
    from .timestamps import token_bytes, tokens_by_capture

    stamped = tokens_by_capture(lib, [c.id]).get(c.id, [])
    out: list[dict[str, Any]] = []
    for n, r in enumerate(stamped, start=1):
        if r.token_sha256 is None or r.chain_sha256 is None:
            continue
        (root / TIMESTAMPS_DIR).mkdir(exist_ok=True)
        rel = f"{TIMESTAMPS_DIR}/{stem}.{n}.tsr"
        chain_rel = f"{TIMESTAMPS_DIR}/{stem}.{n}.chain.pem"
        token = token_bytes(lib, r.token_sha256)
        write(rel, token)
        write(chain_rel, token_bytes(lib, r.chain_sha256))
        out.append(
            {
                "file": rel,
                "chain_file": chain_rel,
                "sha256": r.token_sha256,
                "bytes": len(token),
                "imprint_sha256": r.sha256,
                "tsa_url": r.tsa_url,
                "tsa_name": r.tsa_name,
                "tsa_time": r.tsa_time,
            }
        )
    return out


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "xb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def stamp_sums(folder: Path, sums: bytes, stamping: ExportStamping) -> tuple[Token | None, str | None]:
    """Ask for a token over SHA256SUMS and write it beside it: (token, None), or
    (None, why not) when the TSA could not give one (the caller queues a request)."""
    from .errors import KnownStorageError
    from .timestamps import stamp_bytes

    try:
        token = stamp_bytes(sums, stamping.url, stamping.send)
    except (TokenError, KnownStorageError, OSError) as exc:
        return None, str(exc) or exc.__class__.__name__
    _fsync_write(folder / SUMS_CHAIN, token.chain_pem())
    _fsync_write(folder / SUMS_TOKEN, token.der)
    return token, None


# ---------------------------------------------------------------------- words


def _seconds_between(device_utc: str, tsa_utc: str) -> float:
    def parse(v: str) -> datetime:
        return datetime.fromisoformat(v.replace("Z", "+00:00"))

    return (parse(tsa_utc) - parse(device_utc)).total_seconds()


def difference_text(device_utc: str, tsa_utc: str, language: str) -> tuple[str, bool]:
    """(the TSA time minus the device time in words, whether it is large)."""
    d = _seconds_between(device_utc, tsa_utc)
    large = abs(d) > LARGE_DIFFERENCE_S
    mag = abs(d)
    if mag < 90:
        amount = f"{mag:.0f} s" if language != "zh_CN" else f"{mag:.0f} 秒"
    elif mag < 5400:
        amount = f"{mag / 60:.0f} min" if language != "zh_CN" else f"{mag / 60:.0f} 分钟"
    elif mag < 2 * 86400:
        amount = f"{mag / 3600:.1f} h" if language != "zh_CN" else f"{mag / 3600:.1f} 小时"
    else:
        amount = f"{mag / 86400:.1f} days" if language != "zh_CN" else f"{mag / 86400:.1f} 天"
    if language == "zh_CN":
        side = "晚于" if d >= 0 else "早于"
        words = f"时间戳时间{side}设备时间 {amount}"
        if large:
            words += "（差异较大：设备时钟可能不准，或截图在盖时间戳之前很久就已保存）"
    else:
        side = "after" if d >= 0 else "before"
        words = f"the TSA's time is {amount} {side} the device's time"
        if large:
            words += (
                " (a large difference: the device clock may be wrong, or the capture was "
                "stamped long after it was taken)"
            )
    return words, large


def report_rows(
    c: Mapping[str, Any], language: str, format_time: Callable[[str], str]
) -> list[tuple[str, str]]:
    """The report's rows for a capture's tokens (HTML-escaped values)."""
    from html import escape

    rows: list[tuple[str, str]] = []
    for ts in c.get("timestamps") or []:
        tsa = escape(str(ts.get("tsa_name") or ts.get("tsa_url") or "?"))
        when = escape(format_time(str(ts["tsa_time"])))
        words, large = difference_text(str(c["captured_at"]), str(ts["tsa_time"]), language)
        diff = f"<b>{escape(words)}</b>" if large else escape(words)
        if language == "zh_CN":
            label, value = "可信时间", f"由 {tsa} 担保的时间：{when}<br/>{diff}"
        else:
            label, value = "Trusted time", f"time vouched for by {tsa} at {when}<br/>{diff}"
        value += f'<br/><span class="mono">{escape(str(ts["file"]))}</span>'
        rows.append((label, value))
    return rows


def readme_section(stamped_sums: bool, any_tokens: bool) -> str:
    if not (stamped_sums or any_tokens):
        return ""
    return f"""
【可信时间戳 / Trusted time (RFC 3161)】
timestamps/ 中的 .tsr 文件是时间戳服务机构（TSA）对截图 SHA-256 值签发的时间戳，.chain.pem
是 TSA 随之发送的证书链。{SUMS_TOKEN}（如有）是对 SHA256SUMS 的时间戳。TSA 只收到了哈希值，
没有收到截图内容。用 OpenSSL 校验（在本文件夹内）：
  openssl ts -verify -data SHA256SUMS -in {SUMS_TOKEN} -CAfile {SUMS_CHAIN} -untrusted {SUMS_CHAIN}
  openssl ts -verify -data captures/文件名.png -in timestamps/文件名.1.tsr \\
      -CAfile timestamps/文件名.1.chain.pem -untrusted timestamps/文件名.1.chain.pem
应显示 “Verification: OK”。若 TSA 没有发送根证书，请从该 TSA 的网站取得其根证书，用 -CAfile 指定
（或加 -partial_chain 仅信任所附证书）。main.py verify 也会检查每个时间戳，并说明证书链终止于哪个
根证书；是否信任该根证书由您判断。

The .tsr files in timestamps/ are time-stamp tokens a time-stamp authority (TSA) signed
over each capture's SHA-256; the .chain.pem beside each is the certificates the TSA sent.
{SUMS_TOKEN} (when present) stamps SHA256SUMS itself. The TSA received only hashes,
never the images. To check with OpenSSL, in this folder:
  openssl ts -verify -data SHA256SUMS -in {SUMS_TOKEN} -CAfile {SUMS_CHAIN} -untrusted {SUMS_CHAIN}
  openssl ts -verify -data captures/NAME.png -in timestamps/NAME.1.tsr \\
      -CAfile timestamps/NAME.1.chain.pem -untrusted timestamps/NAME.1.chain.pem
Each must print "Verification: OK". If the TSA did not send its root certificate, get
that root from the TSA's website and give it with -CAfile (or add -partial_chain to trust
the included certificates). `main.py verify` checks every token too and says which root
its chain ends at; whether to trust that root is for you to judge.
"""


# ---------------------------------------------------------------------- verifying


def check_tokens(
    read: Callable[[str], bytes],
    present: set[str],
    captures: list[dict[str, Any]],
    digest: Callable[[str], tuple[str, int]],
    bad: Callable[[str, str], None],
) -> list[str]:
    """Check every capture's tokens and the SHA256SUMS token; notes for the report."""
    notes: list[str] = []
    for c in captures:
        for ts in c.get("timestamps") or []:
            if not isinstance(ts, dict) or not isinstance(ts.get("file"), str):
                bad("manifest.json", f"capture {c.get('seq')} has an unreadable timestamps entry")
                continue
            rel, chain_rel = ts["file"], ts.get("chain_file")
            if rel not in present:
                bad(rel, f"the time-stamp token of capture {c['seq']} is missing")
                continue
            chain: list[bytes] = []
            if isinstance(chain_rel, str) and chain_rel in present:
                try:
                    chain = read_pem_certificates(read(chain_rel))
                except TokenError as exc:
                    bad(chain_rel, str(exc))
            file_sha = digest(c["file"])[0] if c["file"] in present else c["sha256"]
            try:
                v = verify_token(read(rel), file_sha, chain)
            except TokenError as exc:
                bad(rel, f"time-stamp token of capture {c['seq']} ({c['file']}) fails: {exc}")
                continue
            if v.tsa_time != ts.get("tsa_time"):
                bad(rel, f"the token's time {v.tsa_time} is not the time manifest.json records")
            notes.append(f"{c['file']}: time vouched for by {v.tsa_name} at {v.tsa_time}; {v.root_text()}")
    if SUMS_TOKEN in present:
        chain = []
        if SUMS_CHAIN in present:
            try:
                chain = read_pem_certificates(read(SUMS_CHAIN))
            except TokenError as exc:
                bad(SUMS_CHAIN, str(exc))
        if "SHA256SUMS" not in present:
            bad(SUMS_TOKEN, "stamps SHA256SUMS, which is missing")
        else:
            try:
                v = verify_token(read(SUMS_TOKEN), digest("SHA256SUMS")[0], chain)
            except TokenError as exc:
                bad(SUMS_TOKEN, f"the time-stamp of SHA256SUMS fails: {exc}")
            else:
                notes.append(f"SHA256SUMS: time vouched for by {v.tsa_name} at {v.tsa_time}; {v.root_text()}")
    elif SUMS_CHAIN in present:
        bad(SUMS_CHAIN, f"is there without {SUMS_TOKEN}")
    return notes
