"""Signing of camera webhooks: HMAC-SHA256 under the source's secret over
`<timestamp>.<raw body>` (the timestamp header, a full stop, then the body bytes exactly as sent),
hex encoded, sent as `X-Gongzhi-Signature: sha256=<hex>`."""

from __future__ import annotations

import hashlib
import hmac

SOURCE_HEADER = "X-Gongzhi-Source"
TIMESTAMP_HEADER = "X-Gongzhi-Timestamp"
SIGNATURE_HEADER = "X-Gongzhi-Signature"


def sign(secret: str, timestamp: str | int, body: bytes) -> str:
    """The signature header value for `body` sent at `timestamp` (unix seconds)."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """Whether `signature` is the signature of `body` at `timestamp` (constant-time comparison)."""
    if not secret or not signature or not timestamp:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body).encode(), signature.strip().encode())
