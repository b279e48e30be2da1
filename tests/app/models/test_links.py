"""Link detection (app.models.links): schemes, bare www., punctuation at the end, brackets,
international domain names, and what is not a link."""

from __future__ import annotations

import pytest

from app.models.links import Link, browser_url, find_links


def shown(text: str) -> list[str]:
    return [text[link.start:link.end] for link in find_links(text)]


def test_links_schemes_and_www():
    text = "see https://a.example/x?q=1#f and http://b.example, www.c.example or mailto:d@e.org"
    assert shown(text) == ["https://a.example/x?q=1#f", "http://b.example", "www.c.example",
                           "mailto:d@e.org"]
    assert [link.url for link in find_links("www.c.example")] == ["http://www.c.example"]


@pytest.mark.parametrize("text, link", [
    ("go to https://x.example/page.", "https://x.example/page"),
    ("really? https://x.example/?!", "https://x.example/"),
    ("https://x.example/a... and more", "https://x.example/a"),
    ('"https://x.example/q"', "https://x.example/q"),
    ("it's at https://x.example/a;", "https://x.example/a"),
    ("<https://x.example/angle>", "https://x.example/angle"),
])
def test_links_trailing_punctuation_is_not_the_link(text: str, link: str):
    assert shown(text) == [link]


@pytest.mark.parametrize("text, link", [
    ("(see https://x.example/a)", "https://x.example/a"),
    ("(https://en.wikipedia.org/wiki/Tk_(toolkit))", "https://en.wikipedia.org/wiki/Tk_(toolkit)"),
    ("https://en.wikipedia.org/wiki/Tk_(toolkit).", "https://en.wikipedia.org/wiki/Tk_(toolkit)"),
    ("[https://x.example/b]", "https://x.example/b"),
    ("{http://x.example/c}", "http://x.example/c"),
    ("https://x.example/a[1]", "https://x.example/a[1]"),
])
def test_links_brackets_balance(text: str, link: str):
    assert shown(text) == [link]


def test_links_international_domain_names_kept_as_typed():
    text = "bücher: https://bücher.example/straße and www.пример.рф."
    assert shown(text) == ["https://bücher.example/straße", "www.пример.рф"]
    assert find_links(text)[1].url == "http://www.пример.рф"


def test_links_positions_and_case():
    assert find_links("x HTTPS://X.EXAMPLE y") == [Link(2, 19, "HTTPS://X.EXAMPLE")]


@pytest.mark.parametrize("text", [
    "http:// nothing", "https://", "www.", "mailto:nobody", "ftp://x.example", "nowww.example",
    "user@www.example", "a.www.example", "no links here", "https://.example", "",
])
def test_links_what_is_not_a_link(text: str):
    assert find_links(text) == []


def test_links_browser_url():
    assert browser_url("WWW.x.example") == "http://WWW.x.example"
    assert browser_url("https://x.example") == "https://x.example"
