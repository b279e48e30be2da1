"""The TXT keys LocalChat announces: built, parsed back, and bad values refused clearly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ircproto.dnssd import (
    ServiceTxt,
    TxtError,
    build_txt,
    instance_name_error,
    normalize_fingerprint,
    parse_txt,
)

FP = ":".join(["AB"] * 32)


def test_a_full_txt_round_trips() -> None:
    txt = ServiceTxt(tls_port=6697, fingerprint=FP, password=True, channel="#lobby",
                     version="localchat-0.1")
    built = build_txt(txt)
    assert built == {"v": "localchat-0.1", "ch": "#lobby", "pw": "1", "tls": "6697", "fp": FP}
    wire = {key.encode(): value.encode() for key, value in built.items()}
    assert parse_txt(wire) == txt


def test_no_tls_means_no_tls_or_fp_key_and_no_password_no_pw() -> None:
    assert build_txt(ServiceTxt(fingerprint=FP, version="1")) == {"v": "1"}


def test_parsing_tolerates_case_missing_values_and_unknown_keys() -> None:
    txt = parse_txt({b"TLS": b"6697", b"fp": FP.replace(":", "").lower().encode(),
                     b"pw": None, b"extra": b"x"})
    assert txt == ServiceTxt(tls_port=6697, fingerprint=FP, password=False)


def test_an_empty_record_is_a_plain_server() -> None:
    assert parse_txt({}) == ServiceTxt()


@pytest.mark.parametrize("properties, problem", [
    ({b"tls": b"99999"}, "tls is not a port"),
    ({b"tls": b"abc"}, "tls is not a port"),
    ({b"tls": "٦٦٩٧".encode()}, "tls is not a port"),  # digits, but not ASCII ones
    ({b"fp": b"12:34"}, "fp is not a SHA-256"),
    ({b"ch": b"\xff\xfe"}, "not UTF-8"),
])
def test_bad_values_raise_a_clear_error(properties: dict[bytes, bytes], problem: str) -> None:
    with pytest.raises(TxtError, match=problem):
        parse_txt(properties)


def test_fingerprints_are_normalized() -> None:
    assert normalize_fingerprint(FP.lower()) == FP
    with pytest.raises(TxtError):
        normalize_fingerprint("zz" * 32)


def test_instance_names() -> None:
    assert instance_name_error("LocalChat on pc") == ""
    assert "63" in instance_name_error("é" * 32)  # 64 bytes in UTF-8


@given(st.dictionaries(st.sampled_from([b"tls", b"fp", b"pw", b"ch", b"v", b"x"]),
                       st.one_of(st.none(), st.binary(max_size=80)), max_size=6))
def test_any_txt_parses_or_raises_txt_error(properties: dict[bytes, bytes | None]) -> None:
    try:
        txt = parse_txt(properties)
    except TxtError:
        return
    assert txt.tls_port is None or 0 < txt.tls_port < 65536
    assert txt.fingerprint is None or len(txt.fingerprint) == 95
