"""Trust model tests: fingerprints, pin keys as typed, and fingerprint recognition."""

import hashlib

from app.models.trust import fingerprint, is_fingerprint, parse_server_key, server_key


def test_trust_fingerprint_is_colon_separated_sha256():
    der = b"\x30\x82certificate bytes"
    expected = hashlib.sha256(der).hexdigest().upper()
    result = fingerprint(der)
    assert result.replace(":", "") == expected
    assert len(result.split(":")) == 32 and is_fingerprint(result)
    assert fingerprint(b"other") != result


def test_trust_is_fingerprint_rejects_other_text():
    good = ":".join(["AB"] * 32)
    assert is_fingerprint(good)
    assert not is_fingerprint(good.lower())
    assert not is_fingerprint(good[:-3])
    assert not is_fingerprint(12)


def test_trust_server_keys_fold_the_host_and_bracket_ipv6():
    assert server_key("LAN-Box", 6697) == "lan-box:6697"
    assert server_key("fe80::1", 6697) == "[fe80::1]:6697"
    assert parse_server_key(" LAN-Box:6697 ") == "lan-box:6697"
    assert parse_server_key("[fe80::1]:6697") == "[fe80::1]:6697"
    assert parse_server_key("lan-box:65536") == ""
