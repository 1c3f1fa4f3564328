"""Encryption at rest of webhook signing secrets (AES-256-GCM).

Keys come from `WEBHOOK_SECRET_KEYS` (url-safe base64 of 32 bytes each; the first encrypts, every
one decrypts, so a key can be rotated by prepending a new one and re-encrypting). Without it a
key is derived from `SECRET_KEY` with HKDF, so development needs no setup. A ciphertext is
`v1.<base64(nonce + ciphertext + tag)>`; the endpoint id is bound as associated
data, so a ciphertext copied to another endpoint's row does not decrypt.
"""

import base64
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_NONCE_BYTES = 12
_VERSION = "v1"


class SecretDecryptionError(Exception):
    """No configured key decrypts this ciphertext (wrong keys, or tampered data)."""


@cache
def _keys(configured: tuple[str, ...], secret_key: str) -> tuple[AESGCM, ...]:
    if configured:
        raw = [base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)) for key in configured]
        if any(len(key) != 32 for key in raw):
            raise ValueError("WEBHOOK_SECRET_KEYS entries must be base64 of 32 bytes")
    else:
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"mcp_payments.webhook_secrets"
        ).derive(secret_key.encode())
        raw = [derived]
    return tuple(AESGCM(key) for key in raw)


def _current_keys() -> tuple[AESGCM, ...]:
    return _keys(tuple(settings.WEBHOOK_SECRET_KEYS), settings.SECRET_KEY)


def encrypt_secret(secret: str, *, bound_to: str) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _current_keys()[0].encrypt(nonce, secret.encode(), bound_to.encode())
    return f"{_VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt_secret(ciphertext: str, *, bound_to: str) -> str:
    version, _, encoded = ciphertext.partition(".")
    if version != _VERSION:
        raise SecretDecryptionError("unknown ciphertext version")
    blob = base64.urlsafe_b64decode(encoded)
    nonce, sealed = blob[:_NONCE_BYTES], blob[_NONCE_BYTES:]
    for key in _current_keys():
        try:
            return key.decrypt(nonce, sealed, bound_to.encode()).decode()
        except InvalidTag:
            continue
    raise SecretDecryptionError("no configured key decrypts this secret")
