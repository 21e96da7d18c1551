"""The one network connection Proofshot makes: POSTing a time-stamp request to the TSA
the user chose (docs/trusted-time.md, docs/architecture.md §6).

Only called when the user has turned trusted time on (Settings → Trusted time, or
`main.py timestamp`); it sends the DER request (a hash and a nonce, nothing else) and
returns the reply's bytes. Standard library only (urllib). Every failure becomes a
`TsaUnavailable` with a message a user can act on; nothing here knows the library.
"""

from __future__ import annotations

import http.client
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from storage.errors import KnownStorageError

#: Mirrors storage.tsa_tokens (capture does not import that module).
QUERY_TYPE = "application/timestamp-query"
MAX_REPLY_BYTES = 256 * 1024
#: How long the TSA may take to answer, in seconds.
DEFAULT_TIMEOUT_S = 20.0


class TsaUnavailable(KnownStorageError):
    """The TSA could not be asked or did not answer usefully (the request stays queued)."""


def check_url(url: str) -> str:
    """The URL cleaned, or TsaUnavailable saying why it cannot be a TSA's address."""
    url = (url or "").strip()
    if not url:
        raise TsaUnavailable(
            "no time-stamp authority (TSA) URL is set: choose one in Settings → Trusted time"
        )
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TsaUnavailable(f"{url!r} is not an http:// or https:// address of a time-stamp authority")
    return url


def post(url: str, request_der: bytes, timeout: float) -> bytes:
    """POST `request_der` to the TSA at `url` and return its reply's bytes."""
    url = check_url(url)
    req = urllib.request.Request(
        url,
        data=request_der,
        method="POST",
        headers={"Content-Type": QUERY_TYPE, "User-Agent": "Proofshot"},
    )
    host = urllib.parse.urlsplit(url).hostname
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - http(s) checked above
            data: bytes = resp.read(MAX_REPLY_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise TsaUnavailable(f"the TSA at {host} answered HTTP {exc.code} ({exc.reason})") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, socket.timeout | TimeoutError):
            raise TsaUnavailable(f"the TSA at {host} did not answer within {timeout:g} s") from None
        if isinstance(reason, socket.gaierror):
            raise TsaUnavailable(f"cannot find {host} (offline, or a wrong address?)") from None
        raise TsaUnavailable(f"cannot reach the TSA at {host}: {reason}") from None
    except TimeoutError:
        raise TsaUnavailable(f"the TSA at {host} did not answer within {timeout:g} s") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise TsaUnavailable(f"cannot reach the TSA at {host}: {exc}") from None
    if len(data) > MAX_REPLY_BYTES:
        raise TsaUnavailable(
            f"the TSA at {host} sent more than {MAX_REPLY_BYTES // 1024} KiB; not a time-stamp"
        )
    return data


def sender(timeout: float | None = None) -> Callable[[str, bytes], bytes]:
    """`post` with a timeout, as storage.timestamps.process takes it."""
    wait = timeout or DEFAULT_TIMEOUT_S

    def send(url: str, der: bytes) -> bytes:
        return post(url, der, wait)

    return send
