"""The calendar address is a password in all but name: whoever has it reads the calendar.

Stored Fernet-encrypted (cryptography) under a key derived from `SECRET_KEY` when that is set;
without it the address is stored as is (a local trial) and marked so. Only `hint` is ever
shown back or logged.
"""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FERNET = "fernet:"
PLAIN = "plain:"


class SecretUnavailable(Exception):
    """The stored address was encrypted under a key this process does not have."""


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"pipeline-coach", info=b"calendar-url").derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(url: str, secret_key: str | None) -> str:
    if not secret_key:
        return PLAIN + url
    return FERNET + _fernet(secret_key).encrypt(url.encode()).decode()


def unseal(stored: str, secret_key: str | None) -> str:
    if stored.startswith(PLAIN):
        return stored[len(PLAIN) :]
    if not stored.startswith(FERNET) or not secret_key:
        raise SecretUnavailable()
    try:
        return _fernet(secret_key).decrypt(stored[len(FERNET) :].encode()).decode()
    except InvalidToken:
        raise SecretUnavailable() from None


def hint(url: str) -> str:
    """What the rep sees of their address: scheme and host, the secret part elided."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}/…"[:120]
