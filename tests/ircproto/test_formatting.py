"""mIRC formatting codes are removed, colour digits with them; other text is left alone."""

from __future__ import annotations

import pytest

from ircproto.formatting import strip_formatting


@pytest.mark.parametrize(("text", "plain"), [
    ("\x02bold\x02 and \x1ditalic\x1d", "bold and italic"),
    ("\x0304red\x03 \x034,12on blue\x03", "red on blue"),
    ("\x04ff0000hex\x04 \x04ff0000,00ff00two\x04", "hex two"),
    ("\x0f\x11\x16\x1e\x1fall", "all"),
    ("\x03 no colour digits", " no colour digits"),
    ("100% plain, 12:30\t[ok]", "100% plain, 12:30\t[ok]"),
])
def test_strip_formatting_removes_codes_only(text: str, plain: str) -> None:
    assert strip_formatting(text) == plain
