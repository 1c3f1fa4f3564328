"""Webhook secrets at rest: AES-GCM, bound to the endpoint, keys rotatable."""

import base64
import os

import pytest

from notifications.crypto import SecretDecryptionError, decrypt_secret, encrypt_secret


def key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def test_a_secret_round_trips_and_is_not_readable_in_the_ciphertext():
    sealed = encrypt_secret("whsec_abc", bound_to="we_1")

    assert "whsec_abc" not in sealed
    assert sealed.startswith("v1.")
    assert encrypt_secret("whsec_abc", bound_to="we_1") != sealed  # a fresh nonce each time
    assert decrypt_secret(sealed, bound_to="we_1") == "whsec_abc"


def test_a_ciphertext_copied_to_another_endpoint_or_tampered_does_not_decrypt():
    sealed = encrypt_secret("whsec_abc", bound_to="we_1")
    version, _, blob = sealed.partition(".")
    raw = bytearray(base64.urlsafe_b64decode(blob))
    raw[-1] ^= 1

    with pytest.raises(SecretDecryptionError):
        decrypt_secret(sealed, bound_to="we_2")
    with pytest.raises(SecretDecryptionError):
        decrypt_secret(
            f"{version}.{base64.urlsafe_b64encode(bytes(raw)).decode()}", bound_to="we_1"
        )
    with pytest.raises(SecretDecryptionError):
        decrypt_secret("v0.abc", bound_to="we_1")


def test_configured_keys_rotate_the_first_encrypts_all_decrypt(settings):
    old, new = key(), key()
    settings.WEBHOOK_SECRET_KEYS = [old]
    sealed_with_old = encrypt_secret("whsec_old", bound_to="we_1")

    settings.WEBHOOK_SECRET_KEYS = [new, old]
    sealed_with_new = encrypt_secret("whsec_new", bound_to="we_1")

    assert decrypt_secret(sealed_with_old, bound_to="we_1") == "whsec_old"
    settings.WEBHOOK_SECRET_KEYS = [new]
    assert decrypt_secret(sealed_with_new, bound_to="we_1") == "whsec_new"
    with pytest.raises(SecretDecryptionError):
        decrypt_secret(sealed_with_old, bound_to="we_1")


def test_a_malformed_key_is_refused(settings):
    settings.WEBHOOK_SECRET_KEYS = ["c2hvcnQ"]

    with pytest.raises(ValueError, match="32 bytes"):
        encrypt_secret("whsec_abc", bound_to="we_1")
