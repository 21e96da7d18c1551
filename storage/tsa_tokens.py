"""RFC 3161 time-stamp tokens: building a request, reading a TSA's reply, checking a token.

Plain Python and no database (a leaf module): the ASN.1 is rfc3161-client's (requests,
parsing, signature and chain checks); nothing here encodes or decodes ASN.1 by hand
(docs/adr/010-trusted-time.md). The network POST lives in capture/tsa_client.py.

A token vouches that the SHA-256 of some bytes existed no later than the TSA's time
(`genTime`). Proofshot keeps the TSA's whole reply (`.tsr`, a TimeStampResp) unchanged,
and beside it the certificates the TSA sent (PEM, "as received").

One quirk is handled here: OpenSSL-based TSAs configured to send their chain (`certs=`)
write the certificate SET in chain order, not in DER order, and rfc3161-client refuses
such a reply ("InvalidSetOrdering"). `read_reply` then raises `UnsortedCertificates`
carrying the certificates, read with asn1crypto (which accepts BER); the caller asks the
TSA again without certificates (`certReq` false), gets a token rfc3161-client reads, and
keeps the certificates of the first reply as the chain.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding

#: How long the TSA may take to answer, in seconds (capture/tsa_client.py uses it).
DEFAULT_TIMEOUT_S = 20.0
#: The largest reply read from a TSA (real ones are a few kilobytes).
MAX_REPLY_BYTES = 256 * 1024
#: The media types of RFC 3161 over HTTP.
QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"

_SHA256_OID = "2.16.840.1.101.3.4.2.1"

#: An export's SHA256SUMS token and the certificates that came with it, beside SHA256SUMS
#: (written after it, so listed in neither SHA256SUMS nor manifest.json).
SUMS_TOKEN = "SHA256SUMS.tsr"
SUMS_CHAIN = "SHA256SUMS.chain.pem"


class TokenError(ValueError):
    """A reply or token that is not a valid time-stamp for the expected hash; the message
    says what is wrong in plain words."""


class UnsortedCertificates(TokenError):
    """The reply's certificates are not in DER order (module doc); `certificates` holds
    them (DER), as received."""

    def __init__(self, certificates: list[bytes]) -> None:
        super().__init__("the TSA's reply lists its certificates out of DER order")
        self.certificates = certificates


@dataclass(frozen=True)
class Request:
    der: bytes
    nonce: int | None
    sha256: str  # hex digest of the stamped bytes


@dataclass(frozen=True)
class Token:
    """A granted reply for the expected hash."""

    der: bytes  # the TSA's reply (TimeStampResp), unchanged
    certificates: tuple[bytes, ...]  # DER, as received (embedded, or from the first reply)
    sha256: str  # the message imprint, hex
    tsa_time: str  # genTime, ISO 8601 UTC with a Z
    tsa_name: str  # the TSA's name in the token, else the signer certificate's subject
    serial: int

    def chain_pem(self) -> bytes:
        return certificates_pem(self.certificates)


@dataclass(frozen=True)
class Verified:
    """What checking a token found (it raises TokenError when the token fails)."""

    sha256: str
    tsa_time: str
    tsa_name: str
    signer: str  # the signing certificate's subject
    root: str  # the subject of the certificate the chain ends at
    chain_complete: bool  # True: ends at a self-signed root, chain checked; False: signature checked only

    def root_text(self) -> str:
        if self.chain_complete:
            return f"chains to the root {self.root} (as included; judge that root yourself)"
        return (
            f"the token's signature was checked against the TSA's certificate {self.signer}, but the TSA "
            f"did not send its root certificate (the chain stops at {self.root}): check the chain with "
            "`openssl ts -verify` and that TSA's published root"
        )


def iso(dt: datetime) -> str:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def certificates_pem(certificates: Sequence[bytes]) -> bytes:
    return b"".join(x509.load_der_x509_certificate(der).public_bytes(Encoding.PEM) for der in certificates)


def read_pem_certificates(pem: bytes) -> list[bytes]:
    """DER of each certificate in `pem` (empty input: none). Raises TokenError."""
    if not pem.strip():
        return []
    try:
        return [c.public_bytes(Encoding.DER) for c in x509.load_pem_x509_certificates(pem)]
    except ValueError as exc:
        raise TokenError(f"the certificate chain is not readable PEM ({exc})") from None


def make_request(data: bytes, *, cert_req: bool = True) -> Request:
    """A SHA-256 time-stamp request for `data` (only its hash goes into the request)."""
    from rfc3161_client import HashAlgorithm, TimestampRequestBuilder

    req = (
        TimestampRequestBuilder()
        .data(data)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=cert_req)
        .build()
    )
    return Request(req.as_bytes(), req.nonce, hashlib.sha256(data).hexdigest())


def _certs_of_unsorted_reply(reply: bytes) -> list[bytes]:
    from asn1crypto import tsp

    try:
        resp = tsp.TimeStampResp.load(reply)
        certs = resp["time_stamp_token"]["content"]["certificates"]
        return [c.chosen.dump() for c in certs] if certs.native is not None else []
    except (ValueError, TypeError, KeyError) as exc:
        raise TokenError(f"the TSA's answer is not a readable time-stamp reply ({exc})") from None


def _parse(reply: bytes) -> object:
    from rfc3161_client import decode_timestamp_response

    if not reply:
        raise TokenError("the TSA's answer was empty")
    try:
        return decode_timestamp_response(reply)
    except ValueError as exc:
        if "InvalidSetOrdering" in str(exc):
            raise UnsortedCertificates(_certs_of_unsorted_reply(reply)) from None
        raise TokenError(
            "the TSA's answer is not an RFC 3161 time-stamp reply (is the URL a time-stamp service?)"
        ) from None


def _name_text(name: object) -> str:
    value = getattr(name, "value", None)
    if isinstance(value, x509.Name):
        return value.rfc4514_string()
    return str(value) if value is not None else ""


def _facts(resp: object) -> tuple[str, str, str, int, tuple[bytes, ...]]:
    """(imprint hex, genTime, TSA name, serial, embedded certificates) of a granted reply."""
    from rfc3161_client import PKIStatus

    status = int(resp.status)  # type: ignore[attr-defined]
    if status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        why = "; ".join(resp.status_string) or f"status {status}"  # type: ignore[attr-defined]
        raise TokenError(f"the TSA refused the request ({why})")
    info = resp.tst_info  # type: ignore[attr-defined]
    if info.message_imprint.hash_algorithm.dotted_string != _SHA256_OID:
        raise TokenError("the token is not over a SHA-256 hash")
    certs = tuple(sorted(resp.signed_data.certificates))  # type: ignore[attr-defined]
    try:
        name = _name_text(info.name)
    except (ValueError, AttributeError):
        name = ""
    return info.message_imprint.message.hex(), iso(info.gen_time), name, int(info.serial_number), certs


def read_reply(reply: bytes, request: Request, extra_certificates: Sequence[bytes] = ()) -> Token:
    """Check a TSA's reply to `request`: readable, granted, for the same hash and nonce,
    and its signature valid when the chain reaches a root. Raises TokenError (or
    UnsortedCertificates, see the module doc)."""
    resp = _parse(reply)
    imprint, gen_time, name, serial, embedded = _facts(resp)
    if imprint != request.sha256:
        raise TokenError(
            f"the TSA answered with a token for another hash ({imprint[:16]}…, asked {request.sha256[:16]}…)"
        )
    nonce = resp.tst_info.nonce  # type: ignore[attr-defined]
    if request.nonce is not None and nonce != request.nonce:
        raise TokenError("the TSA's answer does not carry this request's nonce (a replayed answer?)")
    certs = tuple(dict.fromkeys([*embedded, *extra_certificates]))
    if not certs:
        raise TokenError("the TSA sent no certificate, so its token cannot be checked")
    verified = verify_token(reply, request.sha256, certs)
    return Token(reply, certs, imprint, gen_time, name or verified.signer, serial)


def _chain(leaf: x509.Certificate, pool: list[x509.Certificate]) -> list[x509.Certificate]:
    """The leaf and its issuers found in `pool`, leaf first, up to a self-signed one."""
    chain = [leaf]
    while chain[-1].issuer != chain[-1].subject and len(chain) < 10:
        up = next((c for c in pool if c.subject == chain[-1].issuer and c not in chain), None)
        if up is None:
            break
        chain.append(up)
    return chain


def verify_token(tsr: bytes, sha256: str, certificates: Sequence[bytes] = ()) -> Verified:
    """Check a kept reply against the hash of the file it stamps: the imprint equals
    `sha256`, and the signature and chain are valid against the certificates included
    (embedded ones and `certificates`). Raises TokenError naming what fails."""
    from rfc3161_client import VerificationError, VerifierBuilder

    try:
        resp = _parse(tsr)
    except UnsortedCertificates:
        raise TokenError("the token lists its certificates out of DER order and cannot be read") from None
    imprint, gen_time, name, _serial, embedded = _facts(resp)
    if imprint != sha256:
        raise TokenError(f"the token is for another file (its hash is {imprint}, the file's is {sha256})")
    pool_der = list(dict.fromkeys([*embedded, *certificates]))
    try:
        pool = [x509.load_der_x509_certificate(d) for d in pool_der]
    except ValueError as exc:
        raise TokenError(f"a certificate is not readable ({exc})") from None
    signers = resp.signed_data.signer_infos  # type: ignore[attr-defined]
    if len(signers) != 1:
        raise TokenError(f"the token has {len(signers)} signers, not one")
    si = next(iter(signers))
    leaf = next((c for c in pool if c.issuer == si.issuer and c.serial_number == si.serial_number), None)
    if leaf is None:
        raise TokenError("the certificate that signed the token is not included")
    chain = _chain(leaf, pool)
    top = chain[-1]
    complete = top.issuer == top.subject
    if complete:
        builder = VerifierBuilder().add_root_certificate(top)
        for c in chain[1:-1]:
            builder = builder.add_intermediate_certificate(c)
        if leaf.public_bytes(Encoding.DER) not in embedded:
            builder = builder.tsa_certificate(leaf)
        try:
            builder.build().verify(resp, bytes.fromhex(sha256))  # type: ignore[arg-type]
        except VerificationError as exc:
            raise TokenError(f"the token's signature or certificate chain is not valid ({exc})") from None
    else:
        _check_signature(tsr, leaf)
    signer = leaf.subject.rfc4514_string()
    return Verified(imprint, gen_time, name or signer, signer, top.subject.rfc4514_string(), complete)


def _check_signature(tsr: bytes, leaf: x509.Certificate) -> None:
    """Without the TSA's root the chain cannot be checked, but the signature can: the token's
    signed attributes must be signed by `leaf`'s key, their message digest must be the hash
    of the TSTInfo they sign, and `leaf` must be a time-stamping certificate (critical
    extendedKeyUsage timeStamping only). Parsing is asn1crypto's, the maths cryptography's.
    Raises TokenError naming what fails."""
    from asn1crypto import tsp
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID

    try:
        eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        raise TokenError("the TSA's certificate is not for time-stamping (no extended key usage)") from None
    if not eku.critical or list(eku.value) != [ExtendedKeyUsageOID.TIME_STAMPING]:
        raise TokenError("the TSA's certificate is not only and critically for time-stamping")
    digests: dict[str, hashes.HashAlgorithm] = {
        "sha256": hashes.SHA256(),
        "sha384": hashes.SHA384(),
        "sha512": hashes.SHA512(),
    }
    try:
        signed = tsp.TimeStampResp.load(tsr)["time_stamp_token"]["content"]
        [si] = list(signed["signer_infos"])
        content = signed["encap_content_info"]["content"].contents
        attrs = si["signed_attrs"]
        digest_name = si["digest_algorithm"]["algorithm"].native
        digest = next(a["values"][0].native for a in attrs if a["type"].native == "message_digest")
        to_verify = b"\x31" + attrs.dump()[1:]  # the attributes as a SET OF, as signed (RFC 5652 5.4)
        signature = si["signature"].native
        sig_alg = si["signature_algorithm"].signature_algo
    except (ValueError, TypeError, KeyError, StopIteration) as exc:
        raise TokenError(f"the token's signature cannot be read ({exc})") from None
    algorithm = digests.get(str(digest_name))
    if algorithm is None:
        raise TokenError(f"the token is signed with {digest_name}, which Proofshot does not check")
    h = hashes.Hash(algorithm)
    h.update(content)
    if h.finalize() != digest:
        raise TokenError("the token's signed content does not match its signature (changed?)")
    key = leaf.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey) and sig_alg == "rsassa_pkcs1v15":
            key.verify(signature, to_verify, padding.PKCS1v15(), algorithm)
        elif isinstance(key, rsa.RSAPublicKey) and sig_alg == "rsassa_pss":
            key.verify(
                signature, to_verify, padding.PSS(padding.MGF1(algorithm), padding.PSS.AUTO), algorithm
            )
        elif isinstance(key, ec.EllipticCurvePublicKey) and sig_alg == "ecdsa":
            key.verify(signature, to_verify, ec.ECDSA(algorithm))
        else:
            raise TokenError(f"the token's signature ({sig_alg}) is of a kind Proofshot does not check")
    except InvalidSignature:
        raise TokenError("the token's signature is not valid for the TSA's certificate") from None
