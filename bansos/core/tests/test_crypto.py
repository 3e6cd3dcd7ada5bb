import base64
import hmac

import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import ImproperlyConfigured

from bansos.core import crypto
from bansos.core.logging import redact

KEY_A = base64.b64encode(b"a" * 32).decode()
KEY_B = base64.b64encode(b"b" * 32).decode()
BLIND = base64.b64encode(b"c" * 32).decode()
NIK = "3171014506850001"


def test_round_trip_and_random_nonce() -> None:
    first, second = crypto.encrypt(NIK), crypto.encrypt(NIK)
    assert first != second
    assert NIK.encode() not in first
    assert crypto.decrypt(first) == crypto.decrypt(second) == NIK


def test_blind_index_is_keyed_deterministic_and_short() -> None:
    ring_one = crypto.parse_keyring(f"k1:{KEY_A}", BLIND)
    ring_two = crypto.parse_keyring(f"k1:{KEY_A}", KEY_B)
    assert crypto.blind_index(NIK, ring_one) == crypto.blind_index(NIK, ring_one)
    assert crypto.blind_index(NIK, ring_one) != crypto.blind_index(NIK, ring_two)
    assert len(crypto.blind_index(NIK, ring_one)) == 32
    assert crypto.blind_index(NIK, ring_one) != crypto.blind_index("3171014506850002", ring_one)


def test_blind_index_is_hmac_sha256_truncated_to_128_bits() -> None:
    """The precomputed-pad implementation gives exactly the bytes of the standard HMAC (stored indexes
    stay valid)."""
    ring = crypto.parse_keyring(f"k1:{KEY_A}", BLIND)
    for value in (NIK, "", "3171011506850001", "x" * 200):
        expected = hmac.digest(b"c" * 32, value.encode(), "sha256")[:16].hex()
        assert crypto.blind_index(value, ring) == expected


def test_key_rotation_old_ciphertexts_still_decrypt() -> None:
    old_ring = crypto.parse_keyring(f"old:{KEY_A}", BLIND)
    token = crypto.encrypt(NIK, old_ring)
    new_ring = crypto.parse_keyring(f"new:{KEY_B},old:{KEY_A}", BLIND)
    assert crypto.decrypt(token, new_ring) == NIK
    assert crypto.encrypt(NIK, new_ring)[1:4] == b"new"


def test_tampered_ciphertext_is_refused() -> None:
    token = bytearray(crypto.encrypt(NIK))
    token[-1] ^= 1
    with pytest.raises(InvalidTag):
        crypto.decrypt(bytes(token))


@pytest.mark.parametrize(
    ("field_keys", "blind"),
    [("", BLIND), ("k1:not-base64!", BLIND), ("k1:" + base64.b64encode(b"short").decode(), BLIND),
     ("nokeyid", BLIND), (f"k1:{KEY_A}", "")],
)  # fmt: skip
def test_bad_key_configuration_is_refused(field_keys: str, blind: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keyring(field_keys, blind)


def test_log_redaction_masks_sixteen_digit_numbers() -> None:
    assert redact(f"lookup {NIK} failed") == "lookup 3171************ failed"
    assert redact("order 12345 and phone 081234567890") == "order 12345 and phone 081234567890"
    assert redact(f"x{NIK}1") == f"x{NIK}1"  # 17 digits is not an identifier


def test_logging_filter_applies_to_configured_handlers(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from bansos.core.logging import RedactIdentifiersFilter

    logger = logging.getLogger("bansos.test")
    handler = logging.StreamHandler()
    handler.addFilter(RedactIdentifiersFilter())
    records: list[str] = []
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:
        logger.warning("nik %s not found", NIK)
    finally:
        logger.removeHandler(handler)
    assert records == ["nik 3171************ not found"]


def test_encrypt_many_gives_independent_tokens_that_decrypt() -> None:
    values = [NIK, NIK, "3171011506850001", ""]
    tokens = crypto.encrypt_many(values)
    assert [crypto.decrypt(token) for token in tokens] == values
    assert len(set(tokens)) == len(tokens)  # a fresh nonce each
    assert crypto.encrypt_many([]) == []
