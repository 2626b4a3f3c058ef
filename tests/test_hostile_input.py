"""Bad values and bad keys: a typed error naming the field, nothing sent, no secret echoed."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

import httpx
import pytest
from overlay_helpers import CHARGE_BODY, SUCCESS, make_client, status

from conftest import CVV, PAN, TEST_KEY
from orchestra_payments import ConfigurationError, Orchestra, RequestValidationError
from orchestra_payments._generated_params import MINOR_UNITS
from orchestra_payments._pipeline import check_headers, encode_json
from orchestra_payments._redact import redact_text

CYCLE: dict[str, Any] = {"a": 1}
CYCLE["self"] = CYCLE


def _charge(**over: Any) -> Any:
    return {**CHARGE_BODY, **over}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_charge(amount=math.nan), "amount"),
        (_charge(amount=math.inf), "amount"),
        (_charge(amount=-math.inf), "amount"),
        (_charge(amount=Decimal("NaN")), "amount"),
        (_charge(amount=Decimal("Infinity")), "amount"),
        (_charge(myRef="order-\ud800"), "myRef"),
        (_charge(card={**CHARGE_BODY["card"], "cardHolderName": "J\udfff"}), "card.cardHolderName"),
        (_charge(myRef={1, 2}), "myRef"),
        (_charge(myRef=b"order-1"), "myRef"),
        (_charge(myRef=object()), "myRef"),
        (_charge(orderDesc=CYCLE), "orderDesc.self"),
        (_charge(orderDesc={("a", "b"): 1}), "orderDesc"),
        (_charge(orderDesc={"k\ud800": 1}), "orderDesc.k\\ud800"),
        (_charge(orderDesc=[1, [2, math.nan]]), "orderDesc[1][1]"),
    ],
)
def test_a_value_json_cannot_carry_is_a_request_validation_error_and_nothing_is_sent(
    body: Any, field: str
) -> None:
    client, script, _ = make_client([status(200, SUCCESS)])
    with pytest.raises(RequestValidationError) as info:
        client.payment_gateway.charge(body)
    assert info.value.field == field
    assert script.requests == []
    shown = f"{info.value} {info.value!r}"
    assert PAN not in shown
    assert CVV not in shown
    assert info.value.__cause__ is None
    assert info.value.__context__ is None


def test_a_deeply_nested_value_is_refused_by_name() -> None:
    deep: Any = "x"
    for _ in range(5000):
        deep = [deep]
    client, script, _ = make_client([status(200, SUCCESS)])
    with pytest.raises(RequestValidationError) as info:
        client.payment_gateway.charge(_charge(orderDesc=deep))
    assert info.value.field is not None
    assert info.value.field.startswith("orderDesc[0]")
    assert script.requests == []


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("10.23"), "10.23"),
        (Decimal("0.10"), "0.10"),
        (Decimal("12345678901234567.89"), "12345678901234567.89"),
        (Decimal("1E+2"), "1E+2"),
        (10, "10"),
        (10.5, "10.5"),
    ],
)
def test_decimal_amounts_are_sent_as_their_exact_number_text(amount: Any, text: str) -> None:
    client, script, _ = make_client([status(200, SUCCESS)])
    client.payment_gateway.charge(_charge(amount=amount))
    sent = script.requests[0].content
    assert f'"amount":{text},'.encode() in sent
    assert json.loads(sent)["card"]["cardNumber"] == PAN


def test_the_fast_path_sends_what_httpx_would_send() -> None:
    client, script, _ = make_client([status(200, SUCCESS)])
    body = _charge(orderDesc="Café ☕ 北京")
    client.payment_gateway.charge(body)
    expected = httpx.Request("POST", "https://x.test", json=body).content
    assert script.requests[0].content == expected
    assert script.requests[0].headers["Content-Length"] == str(len(expected))
    assert script.requests[0].headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("currency", "amount", "ok"),
    [
        ("USD", 10.23, True),
        ("USD", 0.001, False),
        ("USD", Decimal("10.230"), True),
        ("USD", Decimal("10.231"), False),
        ("USD", 0.1 + 0.2, False),
        ("JPY", 1000, True),
        ("JPY", 1000.0, True),
        ("JPY", 1000.5, False),
        ("JPY", Decimal("1000.0"), True),
        ("KWD", 1.234, True),
        ("KWD", Decimal("1.2345"), False),
        ("CLF", Decimal("1.2345"), True),
        ("USD", 1e-7, False),
        ("XAU", 0.00001, True),
        ("QQQ", 0.00001, True),
    ],
)
def test_amounts_are_checked_against_the_currencys_minor_units(
    currency: str, amount: Any, ok: bool
) -> None:
    client, script, _ = make_client([status(200, SUCCESS)])
    body = _charge(amount=amount, currency=currency)
    if ok:
        client.payment_gateway.charge(body)
        assert len(script.requests) == 1
        return
    with pytest.raises(RequestValidationError) as info:
        client.payment_gateway.charge(body)
    assert info.value.field == "amount"
    assert currency in str(info.value)
    assert script.requests == []


def test_the_minor_units_table_holds_the_iso_4217_exceptions() -> None:
    assert (MINOR_UNITS["USD"], MINOR_UNITS["JPY"], MINOR_UNITS["KWD"]) == (2, 0, 3)
    assert MINOR_UNITS["CLF"] == 4
    assert "XAU" not in MINOR_UNITS


def test_a_string_body_with_a_lone_surrogate_is_refused() -> None:
    client, script, _ = make_client([status(200, {})])
    with pytest.raises(RequestValidationError) as info:
        client.ewallet.validate_results("abc.\ud800")
    assert info.value.field == "body"
    assert script.requests == []


def test_encode_json_names_the_field_without_showing_the_value() -> None:
    with pytest.raises(RequestValidationError) as info:
        encode_json({"card": {"cardNumber": PAN + "\ud800"}})
    assert info.value.field == "card.cardNumber"
    assert PAN not in str(info.value)


@pytest.mark.parametrize(
    "key",
    [
        TEST_KEY + "\x00",
        "\x00" + TEST_KEY,
        TEST_KEY[:5] + "\x7f" + TEST_KEY[5:],
        TEST_KEY + "é",
        TEST_KEY + "\u200b",
        TEST_KEY + "\n",
        " " + TEST_KEY,
    ],
)
def test_an_api_key_that_is_not_printable_ascii_is_refused_without_echoing_it(key: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        Orchestra(api_key=key)
    shown = f"{info.value} {info.value!r}"
    assert TEST_KEY not in shown
    assert TEST_KEY[:8] not in shown
    assert "API key" in str(info.value)


def test_a_non_string_api_key_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="must be a string"):
        Orchestra(api_key=b"sk_test_bytes")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "headers",
    [{"X-Api-Key": TEST_KEY + "\x00"}, {"X-Trace": "a\r\nInjected: 1"}, {"X-Trace": "é"}],
)
def test_header_values_must_be_printable_ascii(headers: dict[str, str]) -> None:
    with pytest.raises(RequestValidationError) as info:
        check_headers(headers, owner=Owner())
    name = next(iter(headers))
    assert info.value.field == f"header {name}"
    assert TEST_KEY not in str(info.value)


class Owner:
    """Stands for the client a per-call key belongs to."""


def test_a_key_given_per_call_joins_the_redactors_secrets_while_its_client_lives() -> None:
    import gc

    per_call = "sk_per_call_7d1e0b2c9a"
    owner = Owner()
    check_headers({"x-api-key": per_call}, owner)
    assert per_call not in redact_text(f"the server said: key {per_call} is unknown")
    del owner
    gc.collect()
    assert per_call in redact_text(f"the server said: key {per_call} is unknown")


def test_ten_thousand_clients_created_and_closed_leave_memory_and_the_redactor_flat() -> None:
    """A service that builds a client per tenant: after the first thousand (caches warm),
    nine thousand more leave fewer live memory blocks behind than there were clients, and the
    redactor knows no more keys than before."""
    import gc
    import sys

    from orchestra_payments._redact import known_secrets

    gc.collect()
    before = known_secrets()
    blocks = 0
    for i in range(10_000):  # ~4 s
        if i == 1_000:
            gc.collect()
            blocks = sys.getallocatedblocks()
        with Orchestra(api_key=f"sk_tenant_{i:05d}_key", base_url="http://127.0.0.1:9") as c:
            assert f"sk_tenant_{i:05d}_key" not in redact_text(f"key sk_tenant_{i:05d}_key")
        del c
    gc.collect()
    assert known_secrets() == before
    assert sys.getallocatedblocks() - blocks < 9_000


def test_a_body_with_a_field_name_that_is_not_a_string_is_refused_before_sending() -> None:
    client, script, _ = make_client([status(200, {})])
    body: Any = {**CHARGE_BODY, 5: 1}
    with pytest.raises(RequestValidationError) as info:
        client.payment_gateway.charge(body)
    assert info.value.field == "5"
    assert script.requests == []
