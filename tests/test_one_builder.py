"""One way each request is built: the facade and the generated functions (``client.low_level``)
send the same bytes for the same call, through the same pipeline."""

from __future__ import annotations

import importlib
from typing import Any

import httpx
import pytest
from overlay_helpers import CHARGE_BODY, REFUND_BODY, SUCCESS, make_client, status

from orchestra_payments import OutcomeUnknownError
from orchestra_payments._generated_operations import OPERATIONS

BY_ID = {op.operation_id: op for op in OPERATIONS}
ACCOUNT = {"paymentGatewayName": "NULLSuccess"}
TOKEN = {"payload": "4111111111111111"}
TOKEN_ID = "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6"
STATUS_BODY = {"myRef": "order-123456", "paymentGatewayAccountName": "acct1"}

# operationId: (facade method, positional arguments, the generated function's keywords, answer)
CASES: dict[str, tuple[str, tuple[Any, ...], dict[str, Any], Any]] = {
    "GatewayCharge": ("payment_gateway.charge", (CHARGE_BODY,), {"body": CHARGE_BODY}, SUCCESS),
    "GatewayRefund": (
        "payment_gateway.refund",
        (REFUND_BODY,),
        {"body": REFUND_BODY},
        {**SUCCESS, "operationType": "Refund"},
    ),
    "GatewayStatus": ("payment_gateway.status", (STATUS_BODY,), {"body": STATUS_BODY}, SUCCESS),
    "GatewayList": ("payment_gateway.list_gateways", (), {}, []),
    "StoreStringToken": ("string_tokens.create", (TOKEN,), {"body": TOKEN}, {"token": "t1"}),
    "StringTokenRetrieve": ("string_tokens.retrieve", (TOKEN_ID,), {"token": TOKEN_ID}, TOKEN),
    "StringTokenDelete": ("string_tokens.delete", (TOKEN_ID,), {"token": TOKEN_ID}, None),
    "PaymentGatewayAccountSet": (
        "gateway_accounts.set",
        ("acct1", ACCOUNT),
        {"name": "acct1", "body": ACCOUNT},
        {"name": "acct1", **ACCOUNT},
    ),
    "StartSession": ("ewallet.start_session", (), {}, {"token": "s1"}),
    "ValidateResults": ("ewallet.validate_results", ("abc",), {"body": "abc"}, {}),
}


def sent_by_facade(operation_id: str) -> httpx.Request:
    path, args, _, answer = CASES[operation_id]
    client, script, _ = make_client([status(200, answer)])
    resource, method = path.split(".")
    getattr(getattr(client, resource), method)(*args)
    return script.requests[0]


def sent_low_level(operation_id: str) -> httpx.Request:
    _, _, kwargs, answer = CASES[operation_id]
    client, script, _ = make_client([status(200, answer)])
    endpoint = importlib.import_module(f"orchestra_api.api.{BY_ID[operation_id].endpoint}")
    endpoint.sync_detailed(client=client.low_level, **kwargs)
    return script.requests[0]


@pytest.mark.parametrize("operation_id", sorted(CASES))
def test_the_facade_and_the_generated_function_send_the_same_request(operation_id: str) -> None:
    facade, low_level = sent_by_facade(operation_id), sent_low_level(operation_id)
    assert (facade.method, str(facade.url)) == (low_level.method, str(low_level.url))
    assert facade.content == low_level.content
    assert facade.headers.get("Content-Type") == low_level.headers.get("Content-Type")
    assert facade.extensions["operation_id"] == low_level.extensions["operation_id"]


def test_a_session_started_without_a_body_sends_none_on_both_paths() -> None:
    assert sent_by_facade("StartSession").content == b""
    assert sent_low_level("StartSession").content == b""


def test_a_low_level_refund_whose_answer_was_lost_is_reconciled_with_the_clients_record() -> None:
    """The generated function's follow-up is recorded as the facade's is: the reconciliation
    knows this client sent it, and no other refund of that amount."""
    from orchestra_api.api.payment_gateway import gateway_refund

    client, _, _ = make_client(
        [httpx.ReadTimeout("slow"), status(200, {**SUCCESS, "operationType": "Refund"})]
    )
    with pytest.raises(OutcomeUnknownError) as lost:
        gateway_refund.sync_detailed(client=client.low_level, body=REFUND_BODY)
    outcome = client.payment_gateway.reconcile(lost.value, wait=2)
    assert outcome.verdict == "succeeded", outcome.reason
    assert "no record" not in outcome.reason
