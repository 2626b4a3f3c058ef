"""The client against the emulator over real loopback sockets: the faults that matter for money."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conftest import PAN, HttpBackend
from orchestra_api.models import CurrencyCode, ResultCode
from orchestra_payments import (
    AsyncOrchestra,
    GatewayRejectedError,
    Orchestra,
    OutcomeUnknownError,
    RetryPolicy,
    UnexpectedResponseError,
)
from orchestra_payments.testing import use_clock
from orchestra_sandbox import SandboxServer

CARD = {
    "cardHolderName": "Jane Doe",
    "cardNumber": PAN,
    "expirationMonth": 12,
    "expirationYear": 2030,
}


def body(**over: Any) -> Any:
    return {
        "amount": 12.5,
        "currency": "USD",
        "myRef": "order-200001",
        "paymentGatewayAccountName": "nullok",
        "card": CARD,
        **over,
    }


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(orchestra_sandbox: SandboxServer, sleeps: list[float]) -> Iterator[Orchestra]:
    with use_clock(
        Orchestra(
            api_key=orchestra_sandbox.api_key,
            base_url=orchestra_sandbox.base_url,
            retry=RetryPolicy(wait_jitter=0),
        ),
        sleep=sleeps.append,
    ) as c:
        c.gateway_accounts.set("nullok", {"paymentGatewayName": "NULLSuccess"})
        yield c


def charges(sandbox: SandboxServer) -> list[dict[str, Any]]:
    return [e for e in sandbox.app.ledger() if e["operation"] == "Charge"]


def test_a_503_burst_is_ridden_out(
    client: Orchestra, orchestra_sandbox: SandboxServer, sleeps: list[float]
) -> None:
    client.payment_gateway.charge(body())
    orchestra_sandbox.app.inject("status_503", "GatewayStatus", times=2)
    result = client.payment_gateway.status(
        {"myRef": body()["myRef"], "paymentGatewayAccountName": body()["paymentGatewayAccountName"]}
    )
    assert result.operation_result_code is ResultCode.SUCCESS
    assert sleeps == [1.0, 2.0]
    assert len(charges(orchestra_sandbox)) == 1


def test_drop_after_commit_on_a_charge_is_outcome_unknown_and_charges_once(
    client: Orchestra, orchestra_sandbox: SandboxServer
) -> None:
    orchestra_sandbox.app.inject("drop_after_commit", "GatewayCharge")
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.charge(body())
    assert info.value.my_ref == "order-200001"
    assert len(charges(orchestra_sandbox)) == 1
    found = client.payment_gateway.status({"myRef": "order-200001"})
    assert found.operation_result_code is ResultCode.SUCCESS
    assert found.gateway_reference == charges(orchestra_sandbox)[0]["refTransId"]


def test_drop_after_commit_on_status_is_retried(
    client: Orchestra, orchestra_sandbox: SandboxServer
) -> None:
    client.payment_gateway.charge(body())
    orchestra_sandbox.app.inject("drop_after_commit", "GatewayStatus")
    assert client.payment_gateway.status({"myRef": "order-200001"}).amount == 12.5


def test_a_slow_gateway_on_a_refund_is_outcome_unknown_never_a_second_refund(
    client: Orchestra, orchestra_sandbox: SandboxServer
) -> None:
    ref = client.payment_gateway.charge(body()).gateway_reference
    orchestra_sandbox.app.inject("latency", "GatewayRefund", seconds=0.3)
    with pytest.raises(OutcomeUnknownError):
        client.payment_gateway.refund(
            body(refTransId=ref, amount=5.0), timeout=httpx.Timeout(5.0, read=0.05)
        )
    deadline = time.monotonic() + 5
    refunds: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not refunds:
        refunds = [e for e in orchestra_sandbox.app.ledger() if e["operation"] == "Refund"]
        time.sleep(0.02)
    assert len(refunds) == 1


@pytest.mark.parametrize("kind", ["truncated_body", "empty_body", "html_502"])
def test_a_broken_answer_to_a_charge_is_outcome_unknown(
    client: Orchestra, orchestra_sandbox: SandboxServer, kind: str
) -> None:
    orchestra_sandbox.app.inject(kind, "GatewayCharge")
    with pytest.raises(OutcomeUnknownError):
        client.payment_gateway.charge(body())


def test_a_proxy_page_on_a_read_is_an_unexpected_response(
    client: Orchestra, orchestra_sandbox: SandboxServer
) -> None:
    orchestra_sandbox.app.inject("html_502", "GatewayList")
    with pytest.raises(UnexpectedResponseError) as info:
        client.payment_gateway.list_gateways()
    assert info.value.status_code == 502
    assert "502 Bad Gateway" in info.value.excerpt


def test_unknown_enum_values_from_the_server_parse(
    client: Orchestra, orchestra_sandbox: SandboxServer
) -> None:
    orchestra_sandbox.app.inject("unknown_enum", "GatewayCharge")
    result = client.payment_gateway.charge(body())
    assert isinstance(result.currency, CurrencyCode)
    assert result.currency.is_unknown
    assert result.currency.value == "XBT"
    assert result.to_dict()["operationType"] == "Reauthorization"


def test_a_decline_carries_the_gateways_codes(client: Orchestra) -> None:
    client.gateway_accounts.set("nullko", {"paymentGatewayName": "NULLFailure"})
    with pytest.raises(GatewayRejectedError) as info:
        client.payment_gateway.charge(body(paymentGatewayAccountName="nullko"))
    assert info.value.gateway_result_code == "NULL_FAILURE"
    assert info.value.result is not None
    assert info.value.result.amount == 12.5


def test_a_vaulted_card_pays_by_reference(
    client: Orchestra, orchestra_sandbox: SandboxServer
) -> None:
    raw = client.with_raw_response.string_tokens.create({"payload": PAN})
    token = raw.parsed.token
    assert isinstance(token, str)
    assert raw.headers["Location"].endswith(token)
    assert client.string_tokens.retrieve(token).clear_payload == PAN
    result = client.payment_gateway.charge(body(card={**CARD, "cardNumber": f"@{token}"}))
    assert result.operation_result_code is ResultCode.SUCCESS


async def test_async_client_rides_out_503_on_the_sandbox(
    orchestra_sandbox: SandboxServer, http_backend: HttpBackend
) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    orchestra_sandbox.app.inject("status_503", "PaymentGatewayAccountsList", times=1)
    async with use_clock(
        AsyncOrchestra(
            api_key=orchestra_sandbox.api_key,
            base_url=orchestra_sandbox.base_url,
            http_backend=http_backend,
        ),
        sleep=sleep,
    ) as client:
        await client.gateway_accounts.set("acct1", {"paymentGatewayName": "NULLSuccess"})
        accounts = await client.gateway_accounts.list()
    assert [a.name for a in accounts] == ["acct1"]
    assert len(waits) == 1


def test_one_sync_client_is_safe_to_share_between_threads(
    client: Orchestra, orchestra_sandbox: SandboxServer
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def charge(i: int) -> str:
        return str(client.payment_gateway.charge(body(myRef=f"thread-{i:06d}")).gateway_reference)

    with ThreadPoolExecutor(max_workers=8) as pool:
        refs = list(pool.map(charge, range(64)))
    assert len(set(refs)) == 64
    ledger = charges(orchestra_sandbox)
    assert len(ledger) == 64
    assert {e["myRef"] for e in ledger} == {f"thread-{i:06d}" for i in range(64)}
