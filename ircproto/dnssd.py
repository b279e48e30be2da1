"""DNS-SD for LocalChat: the `_irc._tcp.local.` service type and its TXT keys, built and parsed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

SERVICE_TYPE = "_irc._tcp.local."
MAX_INSTANCE_BYTES = 63  # one DNS label (RFC 6763 section 4.1.1)
_FINGERPRINT = re.compile(r"^[0-9A-F]{64}$")


class TxtError(ValueError):
    """A TXT value that is not what LocalChat announces (its message names the key)."""


@dataclass(frozen=True, slots=True)
class ServiceTxt:
    """What a server says about itself in TXT: its TLS port and certificate's SHA-256
    fingerprint (colon-separated upper-case hex, as the client's pins), whether a password is
    needed, the channel everyone joins, the server's version."""

    tls_port: int | None = None
    fingerprint: str | None = None
    password: bool = False
    channel: str = ""
    version: str = ""


def instance_name_error(name: str) -> str:
    """Why name cannot be a DNS-SD instance name, or '' when it can."""
    if not name.strip():
        return "the advertised name must not be empty"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "the advertised name must not contain control characters"
    if len(name.encode("utf-8")) > MAX_INSTANCE_BYTES:
        return f"the advertised name must be at most {MAX_INSTANCE_BYTES} bytes (UTF-8)"
    return ""


def normalize_fingerprint(text: str) -> str:
    """A SHA-256 fingerprint written with or without colons, any case, as AA:BB:...;
    TxtError when it is not 32 bytes of hex."""
    digits = text.replace(":", "").strip().upper()
    if not _FINGERPRINT.match(digits):
        raise TxtError(f"fp is not a SHA-256 fingerprint: {text!r}")
    return ":".join(digits[i:i + 2] for i in range(0, 64, 2))


def build_txt(txt: ServiceTxt) -> dict[str, str]:
    """The TXT properties for txt: tls and fp only with TLS, pw=1 only with a password."""
    properties = {"v": txt.version}
    if txt.channel:
        properties["ch"] = txt.channel
    if txt.password:
        properties["pw"] = "1"
    if txt.tls_port is not None:
        properties["tls"] = str(txt.tls_port)
        if txt.fingerprint:
            properties["fp"] = normalize_fingerprint(txt.fingerprint)
    return properties


def parse_txt(properties: Mapping[bytes, bytes | None]) -> ServiceTxt:
    """The ServiceTxt in properties as zeroconf gives them (bytes keys and values, None for a
    key without '='); unknown keys are ignored, a bad known value raises TxtError."""
    values = {_text(key).lower(): _text(value) for key, value in properties.items()}
    fp = values.get("fp") or None
    return ServiceTxt(
        tls_port=_port(values["tls"]) if values.get("tls") else None,
        fingerprint=normalize_fingerprint(fp) if fp else None,
        password=values.get("pw", "0") not in ("", "0"),
        channel=values.get("ch", ""),
        version=values.get("v", ""),
    )


def _text(value: bytes | None) -> str:
    if value is None:
        return ""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise TxtError(f"a TXT entry is not UTF-8: {value!r}") from None


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 65536:
        raise TxtError(f"tls is not a port number: {text!r}")
    return int(text)
