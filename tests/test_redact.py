"""The redaction used for messages and excerpts."""

from __future__ import annotations

import json
import logging
import traceback

import pytest

from orchestra_payments import Orchestra, OrchestraError, RedactedError
from orchestra_payments._redact import (
    RedactingFilter,
    excerpt,
    redact_text,
    register_secret,
    scrub_exception,
)


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


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("The security code 846 was wrong", "846"),
        ("security code: 846", "846"),
        ("Card verification value 846", "846"),
        ("card verification code=8461", "8461"),
        ("CVC2 846", "846"),
        ('{"cvv": 846}', "846"),
        ("card 4242 4242  4242 4242", "4242 4242  4242"),
        ("card 4242.4242.4242.4242", "4242.4242.4242"),
        ("card 4242\u200b4242\u200b4242\u200b4242", "4242\u200b4242\u200b4242"),
        ("card \u0664\u0662\u0664\u0662" * 4, "\u0664\u0662\u0664\u0662\u0664\u0662"),
        ('{"clearPayload": "{\\"cvv\\": \\"846\\", \\"cardNumber\\": \\"42', "846"),
        ('{"clearPayload":"cut off mid-val', "cut off"),
        ("{'cardNumber': 'abc-secret', 'cvv': '846'}", "abc-secret"),
        ('{"credentials": [{"key": "apiSecret", "value": "s3cr3t-value', "s3cr3t-value"),
    ],
)
def test_redact_text_in_every_phrasing(text: str, gone: str) -> None:
    assert gone not in redact_text(text)


def test_a_registered_key_is_redacted_in_every_spelling() -> None:
    key = "sk_test_quote'and\\backslash"
    owner = type("Client", (), {})()
    register_secret(key, owner)
    for shown in (key, repr(key), repr(key.encode()), json.dumps(key)):
        assert redact_text(f"x {shown} y").count("<redacted>") == 1


def test_a_chain_link_that_would_still_show_a_secret_is_replaced() -> None:
    Orchestra(api_key="sk_test_stand_in", base_url="http://127.0.0.1:9").close()
    body = '{"cardNumber": "4111111111111111x"}\ud800'
    inner = UnicodeEncodeError("utf-8", body, 0, 1, "surrogates not allowed")
    outer = RuntimeError("while sending 4111111111111111")
    outer.__context__ = inner
    scrub_exception(outer)
    assert "4111111111111111" not in str(outer)
    assert isinstance(outer.__context__, RedactedError)
    assert isinstance(outer.__context__, OrchestraError)
    assert "UnicodeEncodeError" in str(outer.__context__)
    assert "4111111111111111" not in "".join(traceback.format_exception(outer))


def test_the_log_filter_redacts_the_formatted_message() -> None:
    record = logging.LogRecord(
        "httpcore.http11", logging.DEBUG, "f", 1, "sent %s", ("cvv=846",), None
    )
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "sent cvv=<redacted>"


def test_a_secret_echoed_url_encoded_is_masked_too() -> None:
    owner = type("Client", (), {})()
    register_secret("sk_live_url_encoded_1", owner)
    assert "sk%5Flive" not in redact_text("GET /x?k=sk%5Flive%5Furl%5Fencoded%5F1 failed")
    assert "987" not in redact_text("bad request: cvv%3D987", secrets=("cvv=987",))
