"""The redaction used for messages and excerpts."""

from __future__ import annotations

import pytest

from orchestra_payments._redact import excerpt, redact_text


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        ('{"cardNumber": "4111111111111111"}', "4111111111111111", '"cardNumber": "<redacted>"'),
        ('{"cvv":"123","x":1}', '"123"', '"x":1'),
        ('{"clearPayload": "secret stuff"}', "secret stuff", "<redacted>"),
        ('{"payload": "4242 4242 4242 4242"}', "4242 4242", "<redacted>"),
        ('{"credentials": [{"key": "k", "value": "v"}]}', '"value": "v"', '"credentials"'),
        ("card 5555-5555-5555-4444 declined", "5555-5555-5555-4444", "****4444"),
        ("cvv=123&x=1", "cvv=123", "cvv=<redacted>&x=1"),
        ("CVC: 9876", "9876", "<redacted>"),
        ("order 12345 for 10.00 USD", "<redacted>", "order 12345 for 10.00 USD"),
    ],
)
def test_redact_text(text: str, gone: str, kept: str) -> None:
    out = redact_text(text)
    assert gone not in out
    assert kept in out


def test_redact_text_removes_given_secrets() -> None:
    assert redact_text("key=sk_live_abc", secrets=["sk_live_abc"]) == "key=<redacted>"


def test_excerpt_is_short_single_line_and_redacted() -> None:
    body = ("<html>\n<body>" + "x" * 500 + " 4242424242424242</body></html>").encode()
    out = excerpt(body)
    assert len(out) <= 200
    assert "\n" not in out
    assert "4242424242424242" not in excerpt(b"<p>4242424242424242</p>")
