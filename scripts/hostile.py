"""Hostile requests against a running sandbox: malformed and out-of-range values on each of the
API's 19 operations. None may answer 5xx or hang; the ledger and reads must keep working.

    python scripts/hostile.py --url http://127.0.0.1:8765 [--api-key KEY]

Used by scripts/conformance.py (after schemathesis) and by tests/test_sandbox_robustness.py.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

PAN = "4242424242424242"
CARD = {
    "cardHolderName": "Jane Doe",
    "cardNumber": PAN,
    "expirationMonth": 12,
    "expirationYear": 2030,
    "cvv": "123",
}
PAY = {
    "amount": 10.0,
    "currency": "USD",
    "myRef": "hostile-0001",
    "paymentGatewayAccountName": "hostileok",
    "card": CARD,
}
INLINE = {
    "paymentGatewayName": "SandboxCards",
    "credentials": [{"key": "merchantId", "value": "m1"}, {"key": "apiSecret", "value": "s"}],
}
_HOLE = "\x00HOSTILE\x00"
_HOLE_JSON = json.dumps(_HOLE)

# A value replacing one field, as raw JSON text (NaN and friends are not JSON, on purpose).
VALUES: dict[str, str] = {
    "NaN": "NaN",
    "Infinity": "Infinity",
    "-Infinity": "-Infinity",
    "1e309 (overflows to infinity)": "1e309",
    "10**400": "1" + "0" * 400,
    "1e308": "1e308",
    "zero": "0",
    "negative": "-1",
    "too many decimals": "0.001",
    "true": "true",
    "a number": "5",
    "a string": '"x"',
    "a lone surrogate": '"\\ud800"',
    "a lone low surrogate in text": '"ab\\udfffcd"',
    "non-ASCII digits": json.dumps("\u0664\u0662\u0664\u0662" * 4),
    "a list": "[1, 2]",
    "an object": '{"a": 1}',
    "null": "null",
    "nested 30 deep": "[" * 30 + "]" * 30,
    "nested 5000 deep": "[" * 5000 + "]" * 5000,
}


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    body: Any  # a valid body, or None for an operation without one
    fields: tuple[str, ...] = ()  # dotted paths to replace with hostile values


def _follow_up(ref: str) -> dict[str, Any]:
    return {**PAY, "refTransId": ref}


def operations(ref: str, token: str) -> list[Operation]:
    """The 19 operations, each with a valid body for a sandbox prepared by ``prepare``."""
    pay_fields = (
        "amount",
        "currency",
        "myRef",
        "card",
        "card.cardNumber",
        "card.cvv",
        "card.expirationMonth",
        "paymentGatewayAccountName",
        "payerDetails",
    )
    inline_fields = ("paymentGatewayAccount.credentials", "paymentGatewayAccount.credentials[1]")
    inline_pay = {**PAY, "paymentGatewayAccountName": None, "paymentGatewayAccount": INLINE}
    return [
        Operation("GatewayList", "GET", "/PaymentGateway", None),
        Operation("ValidateApiKey", "GET", "/Utils/apiKey", None),
        Operation("PaymentGatewayAccountsList", "GET", "/PaymentGatewayAccounts", None),
        Operation("PaymentGatewayAccountRetrieve", "GET", "/PaymentGatewayAccounts/{}", None),
        Operation("PaymentGatewayAccountDelete", "DELETE", "/PaymentGatewayAccounts/{}", None),
        Operation(
            "PaymentGatewayAccountSet",
            "PUT",
            "/PaymentGatewayAccounts/hostileset",
            INLINE,
            ("paymentGatewayName", "credentials", "credentials[0]", "credentials[1].value"),
        ),
        Operation("GatewayCharge", "POST", "/PaymentGateway/charge", PAY, pay_fields),
        Operation(
            "GatewayAuthorize", "POST", "/PaymentGateway/authorize", inline_pay, inline_fields
        ),
        Operation("GatewayCapture", "PUT", "/PaymentGateway/capture", _follow_up(ref), pay_fields),
        Operation("GatewayRefund", "PUT", "/PaymentGateway/refund", _follow_up(ref), pay_fields),
        Operation(
            "GatewayVoid", "DELETE", "/PaymentGateway/void", _follow_up(ref), ("refTransId",)
        ),
        Operation(
            "GatewayTokenize",
            "POST",
            "/PaymentGateway/tokenize",
            {"card": CARD, "paymentGatewayAccountName": "hostileok"},
            ("card", "card.cardNumber", "card.cardHolderName"),
        ),
        Operation(
            "GatewayStatus",
            "POST",
            "/PaymentGateway/status",
            {"refTransId": ref, "myRef": "hostile-0001"},
            ("refTransId", "myRef"),
        ),
        Operation("StoreStringToken", "POST", "/StringTokens", {"payload": "p"}, ("payload",)),
        Operation("StringTokenRetrieve", "GET", "/StringTokens/{}", None),
        Operation("StringTokenRetrieveMetaData", "GET", "/StringTokens/{}/meta", None),
        Operation("StringTokenDelete", "DELETE", "/StringTokens/{}", None),
        Operation(
            "StartSession",
            "POST",
            "/EWalletOperations",
            {"operation": "CHARGE", "amount": 25.0, "currencyCode": "EUR"},
            ("operation", "amount", "currencyCode"),
        ),
        Operation("ValidateResults", "POST", "/EWalletOperations/validateResults", "a.b", ("",)),
    ]


@dataclass(frozen=True)
class Probe:
    operation_id: str
    method: str
    path: str
    content: bytes | None
    what: str


def _with_hole(body: Any, field: str) -> Any:
    """A copy of ``body`` with the value at the dotted ``field`` path replaced by _HOLE."""
    if not field:
        return _HOLE
    data = json.loads(json.dumps(body))
    parts = field.replace("[", ".[").split(".")
    node = data
    for part in parts[:-1]:
        node = node[int(part[1:-1])] if part.startswith("[") else node[part]
    last = parts[-1]
    if last.startswith("["):
        node[int(last[1:-1])] = _HOLE
    else:
        node[last] = _HOLE
    return data


PATH_VALUES = {
    "an encoded lone surrogate": "%ED%A0%80",
    "a NUL": "%00",
    "non-ASCII digits": "%D9%A4%D9%A2%D9%A4",
    "invalid UTF-8": "%FF%FE",
    "dot segments": "..%2F..%2Fetc",
    "5000 characters": "a" * 5000,
}
WHOLE_BODIES: dict[str, bytes] = {
    "not JSON": b"{",
    "invalid UTF-8": b'{"payload": "\xff\xfe"}',
    "empty": b"",
    "a JSON string": b'"x"',
    "a JSON array": b"[]",
    "NaN": b"NaN",
    "nested 100000 deep": b"[" * 100_000 + b"]" * 100_000,
    "2 MB": b'{"payload": "' + b"x" * 2_000_000 + b'"}',
}


def probes(ops: list[Operation], token: str) -> Iterator[Probe]:
    """Every hostile request: each field by each value, whole bodies, path parameters."""
    for op in ops:
        if "{}" in op.path:
            valid = "nope1"
            if "String" in op.path:
                valid = token if op.method == "GET" else "b" * 32  # keep the token readable
            names = {**PATH_VALUES, "a valid value": valid}
            for what, value in names.items():
                yield Probe(op.operation_id, op.method, op.path.format(value), None, what)
            continue
        if op.body is None:
            yield Probe(op.operation_id, op.method, op.path, b"NaN", "an unexpected body")
            yield Probe(op.operation_id, op.method, op.path + "?x=%ED%A0%80", None, "a query")
            continue
        for field in op.fields:
            template = json.dumps(_with_hole(op.body, field))
            for what, raw in VALUES.items():
                content = template.replace(_HOLE_JSON, raw).encode()
                yield Probe(op.operation_id, op.method, op.path, content, f"{field}: {what}")
        for what, content in WHOLE_BODIES.items():
            yield Probe(op.operation_id, op.method, op.path, content, f"body: {what}")


def prepare(client: httpx.Client) -> tuple[str, str]:
    """Accounts, a charge to follow up and a stored token: the reference and the token."""
    client.put("/PaymentGatewayAccounts/hostileok", json={"paymentGatewayName": "NULLSuccess"})
    charged = client.post("/PaymentGateway/charge", json=PAY).json()
    stored = client.post("/StringTokens", json={"payload": "kept"}).json()
    return str(charged["gatewayReference"]), str(stored["token"])


ALLOWED = frozenset({200, 201, 202, 400, 401, 404, 405, 409, 413})


def run(client: httpx.Client) -> tuple[int, list[str]]:
    """Send every probe; the number sent and the problems (5xx, hangs, broken reads)."""
    ref, token = prepare(client)
    problems: list[str] = []
    sent = 0
    for probe in probes(operations(ref, token), token):
        sent += 1
        label = f"{probe.operation_id} {probe.what}"
        headers = {"Content-Type": "application/json"} if probe.content is not None else {}
        try:
            r = client.request(probe.method, probe.path, content=probe.content, headers=headers)
        except httpx.TimeoutException:
            problems.append(f"{label}: no answer in time")
            continue
        except httpx.TransportError as exc:
            problems.append(f"{label}: {type(exc).__name__}")
            continue
        if r.status_code not in ALLOWED:
            problems.append(f"{label}: HTTP {r.status_code}")
        elif r.status_code == 400 and not isinstance(r.json().get("fieldName"), str):
            problems.append(f"{label}: a 400 without fieldName")
    problems += check_reads(client, token)
    return sent, problems


def check_reads(client: httpx.Client, token: str) -> list[str]:
    """After the probes: the ledger, the accounts and the token still read, all values sane."""
    problems = []
    ledger = client.get("/_sandbox/ledger")
    if ledger.status_code != 200:
        return [f"the ledger answers HTTP {ledger.status_code}"]
    for entry in ledger.json():
        amount = entry.get("amount")
        if not isinstance(amount, int | float) or not math.isfinite(amount) or amount <= 0:
            problems.append(f"the ledger holds an invalid amount: {amount!r}")
    accounts = client.get("/PaymentGatewayAccounts")
    if accounts.status_code != 200:
        problems.append(f"the account list answers HTTP {accounts.status_code}")
    else:
        for account in accounts.json():
            r = client.get(f"/PaymentGatewayAccounts/{account['name']}")
            if r.status_code != 200:
                problems.append(f"account {account['name']} answers HTTP {r.status_code}")
    if client.get(f"/StringTokens/{token}").status_code != 200:
        problems.append("the stored token no longer reads")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--api-key", default="sandbox-orchestra-key")
    args = parser.parse_args()
    with httpx.Client(
        base_url=args.url, headers={"X-Api-Key": args.api_key}, timeout=10.0
    ) as client:
        sent, problems = run(client)
    for problem in problems:
        print(f"FAIL {problem}")
    print(f"hostile requests: {sent} sent, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
