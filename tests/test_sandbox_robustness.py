"""The sandbox under hostile input: a 400 naming the field (or 413), never a 500 or a hang;
nothing invalid is stored, so the ledger and every read keep working."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import hostile
import httpx
import pytest

from orchestra_sandbox import SandboxServer
from orchestra_sandbox._validate import MAX_AMOUNT, MAX_BODY_BYTES


@pytest.fixture
def api(orchestra_sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=orchestra_sandbox.base_url,
        headers={"X-Api-Key": orchestra_sandbox.api_key, "Content-Type": "application/json"},
        timeout=httpx.Timeout(10.0),
    ) as client:
        client.put("/PaymentGatewayAccounts/hostileok", json={"paymentGatewayName": "NULLSuccess"})
        yield client


def _raw(body: dict[str, Any], field: str, raw: str) -> bytes:
    """``body`` as JSON with ``field`` (top level) set to the raw JSON text ``raw``."""
    return json.dumps({**body, field: "\x00"}).replace('"\\u0000"', raw).encode()


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("NaN", "finite"),
        ("Infinity", "finite"),
        ("-Infinity", "finite"),
        ("1e309", "finite"),
        ("1" + "0" * 400, "below"),
        ("1e308", "below"),
        (str(MAX_AMOUNT), "below"),
        ("0", "greater than zero"),
        ("-5", "greater than zero"),
        ("0.001", "decimal places"),
        ("true", "must be a number"),
        ('"10"', "must be a number"),
    ],
)
def test_a_bad_amount_is_a_400_naming_amount_and_nothing_is_recorded(
    api: httpx.Client, raw: str, why: str
) -> None:
    for path in ("/PaymentGateway/charge", "/PaymentGateway/authorize"):
        r = api.post(path, content=_raw(hostile.PAY, "amount", raw))
        assert r.status_code == 400
        assert r.json()["fieldName"] == "amount"
        assert why in r.json()["errors"][0]
    ledger = api.get("/_sandbox/ledger")
    assert ledger.status_code == 200
    assert ledger.json() == []


@pytest.mark.parametrize(
    ("currency", "amount", "status"),
    [
        ("USD", "10.23", 202),
        ("USD", "10.231", 400),
        ("JPY", "1000", 202),
        ("JPY", "1000.5", 400),
        ("KWD", "1.234", 202),
        ("KWD", "1.2345", 400),
        ("CLF", "1.2345", 202),
        ("XAU", "0.00001", 202),
    ],
)
def test_amounts_respect_the_currencys_minor_units(
    api: httpx.Client, currency: str, amount: str, status: int
) -> None:
    body = {**hostile.PAY, "currency": currency}
    r = api.post("/PaymentGateway/charge", content=_raw(body, "amount", amount))
    assert r.status_code == status
    if status == 400:
        assert r.json()["fieldName"] == "amount"
        assert currency in r.json()["errors"][0]


def test_a_follow_up_checks_its_amount_too(api: httpx.Client) -> None:
    ref = api.post("/PaymentGateway/charge", json=hostile.PAY).json()["gatewayReference"]
    body = {**hostile.PAY, "refTransId": ref}
    for method, path in (("PUT", "/PaymentGateway/refund"), ("PUT", "/PaymentGateway/capture")):
        r = api.request(method, path, content=_raw(body, "amount", "NaN"))
        assert (r.status_code, r.json()["fieldName"]) == (400, "amount")
    assert [e["operation"] for e in api.get("/_sandbox/ledger").json()] == ["Charge"]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/PaymentGateway/charge", {**hostile.PAY, "myRef": "\ud800"}, "myRef"),
        (
            "POST",
            "/PaymentGateway/charge",
            {**hostile.PAY, "card": {**hostile.CARD, "cardHolderName": "J\udc00"}},
            "card.cardHolderName",
        ),
        ("POST", "/StringTokens", {"payload": '{"cvv": "\ud800"}'}, "payload"),
        (
            "PUT",
            "/PaymentGatewayAccounts/acct1",
            {
                "paymentGatewayName": "SandboxCards",
                "credentials": [
                    {"key": "merchantId", "value": "m\ud800"},
                    {"key": "apiSecret", "value": "s"},
                ],
            },
            "credentials[0].value",
        ),
        ("POST", "/EWalletOperations/validateResults", "abc.\udfff", "body"),
    ],
)
def test_a_lone_surrogate_is_a_400_naming_the_field_and_is_not_stored(
    api: httpx.Client, method: str, path: str, body: Any, field: str
) -> None:
    content = json.dumps(body).encode()  # ensure_ascii: the surrogate travels as \\udXXX
    r = api.request(method, path, content=content)
    assert r.status_code == 400
    assert r.json()["fieldName"] == field
    assert api.get("/_sandbox/ledger").json() == []
    assert api.get("/PaymentGatewayAccounts/acct1").status_code == 404


@pytest.mark.parametrize(
    ("credentials", "field"),
    [
        ("5", "paymentGatewayAccount.credentials"),
        ("true", "paymentGatewayAccount.credentials"),
        ('"merchantId"', "paymentGatewayAccount.credentials"),
        ("[1]", "paymentGatewayAccount.credentials[0]"),
        ('[{"key": 1}]', "paymentGatewayAccount.credentials[0]"),
        ('[{"key": "merchantId", "value": 5}]', "paymentGatewayAccount.credentials[0].value"),
    ],
)
def test_inline_credentials_must_be_a_list_of_key_value_strings(
    api: httpx.Client, credentials: str, field: str
) -> None:
    inline = json.dumps({"paymentGatewayName": "SandboxCards", "credentials": "\x00"})
    body = json.dumps(
        {**hostile.PAY, "paymentGatewayAccountName": None, "paymentGatewayAccount": 0}
    )
    content = body.replace('"paymentGatewayAccount": 0', f'"paymentGatewayAccount": {inline}')
    content = content.replace('"\\u0000"', credentials)
    r = api.post("/PaymentGateway/charge", content=content.encode())
    assert r.status_code == 400
    assert r.json()["fieldName"] == field


@pytest.mark.parametrize(
    "credentials", ["5", "true", '"x"', "[1]", '[{"key": "merchantId", "value": []}]']
)
def test_stored_credentials_must_be_a_list_of_key_value_strings(
    api: httpx.Client, credentials: str
) -> None:
    content = _raw({"paymentGatewayName": "SandboxCards"}, "credentials", credentials)
    r = api.put("/PaymentGatewayAccounts/acct1", content=content)
    assert r.status_code == 400
    assert r.json()["fieldName"].startswith("credentials")
    assert api.get("/PaymentGatewayAccounts/acct1").status_code == 404
    assert api.get("/PaymentGatewayAccounts").status_code == 200


@pytest.mark.parametrize(
    "number", ["\u0664\u0662\u0664\u0662" * 4, "\uff14\uff12" * 8, "4242424242424242\u00b2"]
)
def test_a_card_number_is_ascii_digits(api: httpx.Client, number: str) -> None:
    body = {**hostile.PAY, "card": {**hostile.CARD, "cardNumber": number}}
    r = api.post("/PaymentGateway/charge", json=body)
    assert (r.status_code, r.json()["fieldName"]) == (400, "card.cardNumber")


@pytest.mark.parametrize("depth", [33, 5000, 200_000])
def test_deep_nesting_is_a_400(api: httpx.Client, depth: int) -> None:
    content = b'{"payload": ' + b"[" * depth + b"]" * depth + b"}"
    r = api.post("/StringTokens", content=content)
    assert r.status_code == 400
    assert r.json()["fieldName"].startswith(("body", "payload"))


@pytest.mark.parametrize("size", [MAX_BODY_BYTES + 1, 10 * 1024 * 1024])
def test_a_body_over_the_limit_is_413_and_the_sandbox_keeps_answering(
    orchestra_sandbox: SandboxServer, size: int
) -> None:
    content = b'{"payload": "' + b"x" * (size - 15) + b'"}'
    assert len(content) >= size
    headers = {"X-Api-Key": orchestra_sandbox.api_key, "Content-Type": "application/json"}
    with httpx.Client(base_url=orchestra_sandbox.base_url, timeout=10.0) as client:
        r = client.post("/StringTokens", content=content, headers=headers)
        assert r.status_code == 413
        assert r.json()["fieldName"] == "body"
        assert client.get("/Utils/apiKey", headers=headers).status_code == 200


def test_a_body_just_under_the_limit_is_read(api: httpx.Client) -> None:
    content = b'{"payload": "' + b"x" * (MAX_BODY_BYTES - 100) + b'"}'
    r = api.post("/StringTokens", content=content)
    assert r.status_code == 400
    assert r.json()["fieldName"] == "payload"  # read, then refused for its length


def test_the_ewallet_completion_route_rejects_bad_tokens(api: httpx.Client) -> None:
    for token in ("[1]", '{"a": 1}', "5"):
        r = api.post("/_sandbox/ewallet/complete", content=_raw({}, "sessionToken", token))
        assert (r.status_code, r.json()["fieldName"]) == (400, "sessionToken")


def test_hundreds_of_hostile_requests_across_the_19_operations(api: httpx.Client) -> None:
    """No 5xx, no hang (a bounded timeout per request), every 400 naming a field; afterwards
    the ledger, the accounts and the stored token still read."""
    ref, token = hostile.prepare(api)
    all_probes = list(hostile.probes(hostile.operations(ref, token), token))
    assert len(all_probes) >= 100
    assert len({p.operation_id for p in all_probes}) == 19
    sent, problems = hostile.run(api)
    assert problems == []
    assert sent >= 100
    ledger = api.get("/_sandbox/ledger")
    assert ledger.status_code == 200
    assert all(entry["amount"] > 0 for entry in ledger.json())
