"""The signature helper against the documented algorithm (API.md §5, docs/api.md)."""

import hashlib
import hmac

from notifications.signature import compute, parse, sign, verify

SECRET = "whsec_test_secret"
OTHER = "whsec_other_secret"
BODY = b'{"id":"evt_1","object":"event","type":"payment.succeeded"}'
T = 1_800_000_000


def documented(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def test_sign_is_the_documented_hmac_of_timestamp_dot_body():
    header = sign(SECRET, T, BODY)

    assert header == f"t={T},v1={documented(SECRET, T, BODY)}"
    assert compute(SECRET, T, BODY) == documented(SECRET, T, BODY)


def test_verify_accepts_a_fresh_signature_within_tolerance_either_side():
    header = sign(SECRET, T, BODY)

    assert verify(BODY, header, SECRET, now=T) is True
    assert verify(BODY, header, [SECRET], now=T + 300) is True
    assert verify(BODY, header, SECRET, now=T - 300) is True


def test_verify_rejects_a_tampered_body_a_wrong_secret_and_a_forged_value():
    header = sign(SECRET, T, BODY)

    assert verify(BODY + b" ", header, SECRET, now=T) is False
    assert verify(BODY.replace(b"succeeded", b"failed"), header, SECRET, now=T) is False
    assert verify(BODY, header, OTHER, now=T) is False
    assert verify(BODY, f"t={T},v1={'0' * 64}", SECRET, now=T) is False
    # A re-timestamped header without re-signing does not verify.
    assert verify(BODY, header.replace(f"t={T}", f"t={T + 1}"), SECRET, now=T) is False


def test_verify_rejects_stale_and_future_timestamps_beyond_tolerance():
    header = sign(SECRET, T, BODY)

    assert verify(BODY, header, SECRET, now=T + 301) is False
    assert verify(BODY, header, SECRET, now=T - 301) is False
    assert verify(BODY, header, SECRET, tolerance=600, now=T + 599) is True


def test_verify_rejects_malformed_headers():
    for header in ("", "garbage", f"t={T}", "v1=abc", "t=notanumber,v1=abc", f"t={T},v0=abc"):
        assert verify(BODY, header, SECRET, now=T) is False


def test_two_secrets_sign_during_rotation_and_either_verifies():
    header = sign([SECRET, OTHER], T, BODY)
    timestamp, signatures = parse(header)

    assert timestamp == T
    assert signatures == [documented(SECRET, T, BODY), documented(OTHER, T, BODY)]
    assert verify(BODY, header, SECRET, now=T) is True
    assert verify(BODY, header, OTHER, now=T) is True
    assert verify(BODY, header, "whsec_unrelated", now=T) is False
