"""Retry policy, decided per operation: tables over httpx.MockTransport (no sockets)."""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from overlay_helpers import (
    CHARGE_BODY,
    REFUND_BODY,
    SUCCESS,
    Script,
    make_async_client,
    make_client,
    status,
)

from conftest import PAN
from orchestra_payments import (
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    GatewayError,
    GatewayRejectedError,
    GatewayUnavailableError,
    NotFoundError,
    Orchestra,
    OutcomeUnknownError,
    RateLimitError,
    RetryPolicy,
    TransactionNotFoundError,
)
from orchestra_payments._pipeline import retry_delay
from orchestra_payments.testing import use_clock

TOKEN = "a" * 32
Call = Callable[[Orchestra], Any]

CALLS: dict[str, Call] = {
    "GatewayCharge": lambda c: c.payment_gateway.charge(CHARGE_BODY),
    "GatewayAuthorize": lambda c: c.payment_gateway.authorize(CHARGE_BODY),
    "GatewayCapture": lambda c: c.payment_gateway.capture(REFUND_BODY),
    "GatewayRefund": lambda c: c.payment_gateway.refund(REFUND_BODY),
    "GatewayVoid": lambda c: c.payment_gateway.void(REFUND_BODY),
    "GatewayStatus": lambda c: c.payment_gateway.status({"myRef": "order-123456"}),
    "GatewayTokenize": lambda c: c.payment_gateway.tokenize({"card": CHARGE_BODY["card"]}),
    "GatewayList": lambda c: c.payment_gateway.list_gateways(),
    "StoreStringToken": lambda c: c.string_tokens.create({"payload": PAN}),
    "StringTokenRetrieve": lambda c: c.string_tokens.retrieve(TOKEN),
    "StringTokenDelete": lambda c: c.string_tokens.delete(TOKEN),
    "PaymentGatewayAccountSet": lambda c: c.gateway_accounts.set(
        "nullok", {"paymentGatewayName": "NULLSuccess"}
    ),
    "PaymentGatewayAccountsList": lambda c: c.gateway_accounts.list(),
    "PaymentGatewayAccountDelete": lambda c: c.gateway_accounts.delete("nullok"),
    "StartSession": lambda c: c.ewallet.start_session({"amount": 5.0}),
    "ValidateApiKey": lambda c: c.utils.validate_api_key(),
}
MONEY = ["GatewayCharge", "GatewayAuthorize", "GatewayCapture", "GatewayRefund", "GatewayVoid"]
SAFE_AFTER_SEND = [
    "GatewayStatus",
    "GatewayList",
    "StringTokenRetrieve",
    "StringTokenDelete",
    "PaymentGatewayAccountSet",
    "PaymentGatewayAccountsList",
    "PaymentGatewayAccountDelete",
    "ValidateApiKey",
]
NOT_IDEMPOTENT = ["GatewayTokenize", "StoreStringToken", "StartSession"]

STATUS_ERRORS = {
    400: BadRequestError,
    401: AuthenticationError,
    404: NotFoundError,
    409: GatewayRejectedError,
    500: GatewayError,
    503: GatewayUnavailableError,
}


@pytest.mark.parametrize("op", sorted(CALLS))
@pytest.mark.parametrize(
    ("code", "tries"), [(400, 1), (401, 1), (404, 1), (409, 1), (500, 1), (503, 4)]
)
def test_status_by_operation_is_retried_only_for_503(op: str, code: int, tries: int) -> None:
    client, script, clock = make_client([status(code)])
    expected: type[Exception] = STATUS_ERRORS[code]
    if (op, code) == ("GatewayStatus", 409):
        expected = TransactionNotFoundError  # a lookup that finds nothing is not a decline
    if op in MONEY and (code >= 500 or code == 409):
        # A 500 or 503, or a 409 without the gateway's result (this one has no body), may come
        # from a proxy that forwarded the request: never resent.
        expected, tries = OutcomeUnknownError, 1
    with pytest.raises(expected) as info:
        CALLS[op](client)
    assert len(script.requests) == tries
    error: Any = info.value
    assert error.operation == op
    assert error.status_code == code
    assert len(clock.sleeps) == tries - 1


def test_503_503_200_succeeds_after_three_attempts_with_backoff() -> None:
    client, script, clock = make_client([status(503), status(503), status(200, SUCCESS)])
    result = client.payment_gateway.status({"myRef": "order-123456"})
    assert str(result.operation_result_code) == "Success"
    assert len(script.requests) == 3
    assert clock.sleeps == [1.0, 2.0]
    assert all(r.content == script.requests[0].content for r in script.requests)


def test_503_every_time_raises_gateway_unavailable_with_the_attempts() -> None:
    client, script, clock = make_client([status(503)], retry=RetryPolicy(attempts=5, wait_jitter=0))
    with pytest.raises(GatewayUnavailableError) as info:
        client.gateway_accounts.list()
    assert info.value.attempts == 5
    assert len(script.requests) == 5
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0]


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [("3", 3.0), ("0", 0.0), ("120", 30.0), ("soon", 1.0)],
)
def test_retry_after_seconds_is_honoured_and_capped(retry_after: str, expected: float) -> None:
    client, _, clock = make_client(
        [status(503, **{"Retry-After": retry_after}), status(200, SUCCESS)]
    )
    client.payment_gateway.status({"myRef": "order-123456"})
    assert clock.sleeps == [expected]


def test_retry_after_http_date_is_honoured() -> None:
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 7, usegmt=True)
    assert retry_delay(RetryPolicy(), 1, date, now=now) == pytest.approx(7.0)
    far = email.utils.formatdate(now + 3600, usegmt=True)
    assert retry_delay(RetryPolicy(retry_after_max=12), 1, far, now=now) == 12.0
    past = email.utils.formatdate(now - 60, usegmt=True)
    assert retry_delay(RetryPolicy(), 1, past, now=now) == 0.0


@pytest.mark.parametrize(
    ("attempt", "jitter_max", "low", "high"),
    [(1, 0.0, 1.0, 1.0), (2, 0.0, 2.0, 2.0), (3, 0.5, 4.0, 4.5), (6, 0.5, 8.0, 8.0)],
)
def test_backoff_is_exponential_capped_with_jitter(
    attempt: int, jitter_max: float, low: float, high: float
) -> None:
    import random

    policy = RetryPolicy(wait_initial=1, wait_max=8, wait_jitter=jitter_max)
    delays = [retry_delay(policy, attempt, rng=random.Random(seed)) for seed in range(50)]
    assert all(low <= d <= high for d in delays)


def test_the_total_budget_is_never_exceeded() -> None:
    policy = RetryPolicy(attempts=10, wait_initial=1, wait_max=8, wait_jitter=0, timeout=10)
    client, script, clock = make_client([status(503)], retry=policy)
    with pytest.raises(GatewayUnavailableError) as info:
        client.payment_gateway.status({"myRef": "order-123456"})
    assert sum(clock.sleeps) <= 10
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert info.value.attempts == len(script.requests) == 4


def test_a_retry_after_past_the_budget_is_not_waited_for() -> None:
    policy = RetryPolicy(timeout=5, retry_after_max=60)
    client, script, clock = make_client([status(503, **{"Retry-After": "30"})], retry=policy)
    with pytest.raises(GatewayUnavailableError) as info:
        client.payment_gateway.status({"myRef": "order-123456"})
    assert clock.sleeps == []
    assert info.value.attempts == 1
    assert len(script.requests) == 1


@pytest.mark.parametrize("op", MONEY)
@pytest.mark.parametrize(
    "error",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset"),
        httpx.WriteTimeout("write timed out"),
    ],
)
def test_no_answer_on_a_money_operation_is_outcome_unknown_and_never_resent(
    op: str, error: Exception
) -> None:
    client, script, clock = make_client([error, status(200, SUCCESS)])
    with pytest.raises(OutcomeUnknownError) as info:
        CALLS[op](client)
    assert len(script.requests) == 1
    assert clock.sleeps == []
    assert info.value.operation == op
    assert info.value.my_ref == "order-123456"
    assert "status" in str(info.value)


@pytest.mark.parametrize("op", SAFE_AFTER_SEND)
def test_no_answer_on_a_safe_operation_is_retried(op: str) -> None:
    ok = {"GatewayStatus": status(200, SUCCESS), "StringTokenRetrieve": status(200, {})}
    client, script, _ = make_client(
        [httpx.ReadTimeout("slow"), ok.get(op, status(200, [] if "List" in op else {}))]
    )
    CALLS[op](client)
    assert len(script.requests) == 2


@pytest.mark.parametrize("op", NOT_IDEMPOTENT)
def test_no_answer_on_a_non_idempotent_operation_is_not_retried(op: str) -> None:
    client, script, _ = make_client([httpx.ReadTimeout("slow"), status(200, {})])
    with pytest.raises(APITimeoutError):
        CALLS[op](client)
    assert len(script.requests) == 1


@pytest.mark.parametrize("op", sorted(CALLS))
@pytest.mark.parametrize(
    "error", [httpx.ConnectError("refused"), httpx.ConnectTimeout("syn"), httpx.PoolTimeout("p")]
)
def test_a_request_that_never_left_is_retried_for_every_operation(
    op: str, error: Exception
) -> None:
    client, script, _ = make_client([error, status(429)])
    with pytest.raises(RateLimitError):
        CALLS[op](client)
    assert len(script.requests) == 4


def test_connection_errors_until_the_end_raise_a_connection_error() -> None:
    from orchestra_payments import APIConnectionError

    client, script, _ = make_client([httpx.ConnectError("refused")])
    with pytest.raises(APIConnectionError) as info:
        client.payment_gateway.charge(CHARGE_BODY)
    assert not isinstance(info.value, OutcomeUnknownError)
    assert len(script.requests) == 4


def test_retries_are_logged_with_operation_status_attempt_and_delay(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, _, _ = make_client([status(503), status(200, SUCCESS)])
    with caplog.at_level("WARNING", logger="orchestra_payments"):
        client.payment_gateway.status({"myRef": "order-123456"})
    assert caplog.messages == ["retrying GatewayStatus after 503 in 1.00 s, attempt 2/4"]


def test_retry_policy_rejects_nonsense() -> None:
    from orchestra_payments import ConfigurationError

    with pytest.raises(ConfigurationError, match="attempts"):
        RetryPolicy(attempts=0)
    with pytest.raises(ConfigurationError, match="timeout"):
        RetryPolicy(timeout=0)


async def test_async_503_503_200_succeeds_after_three_attempts() -> None:
    client, script, clock = make_async_client([status(503), status(503), status(200, SUCCESS)])
    async with client:
        result = await client.payment_gateway.status({"myRef": "order-123456"})
    assert result.gateway_reference == "ref-1"
    assert len(script.requests) == 3
    assert clock.sleeps == [1.0, 2.0]


async def test_async_read_timeout_on_refund_is_outcome_unknown_with_one_request() -> None:
    client, script, _ = make_async_client([httpx.ReadTimeout("slow"), status(200, SUCCESS)])
    async with client:
        with pytest.raises(OutcomeUnknownError) as info:
            await client.payment_gateway.refund(REFUND_BODY)
    assert info.value.operation == "GatewayRefund"
    assert len(script.requests) == 1


async def test_async_read_timeout_on_a_get_is_retried() -> None:
    client, script, _ = make_async_client([httpx.ReadTimeout("slow"), status(200, [])])
    async with client:
        assert await client.gateway_accounts.list() == []
    assert len(script.requests) == 2


def test_low_level_generated_functions_go_through_the_same_retries_and_key() -> None:
    from orchestra_api.api.payment_gateway import gateway_charge
    from orchestra_api.models import ChargeRequest, OperationResult

    client, script, _ = make_client([status(429), status(202, SUCCESS)])
    response = gateway_charge.sync_detailed(
        client=client.low_level, body=ChargeRequest.from_dict(CHARGE_BODY)
    )
    assert response.status_code == 202
    assert isinstance(response.parsed, OperationResult)
    assert len(script.requests) == 2
    assert script.requests[0].headers["X-Api-Key"] == client._settings.api_key


def test_low_level_read_timeout_on_charge_is_outcome_unknown_too() -> None:
    from orchestra_api.api.payment_gateway import gateway_charge
    from orchestra_api.models import ChargeRequest

    client, script, _ = make_client([httpx.ReadTimeout("slow")])
    with pytest.raises(OutcomeUnknownError):
        gateway_charge.sync_detailed(
            client=client.low_level, body=ChargeRequest.from_dict(CHARGE_BODY)
        )
    assert len(script.requests) == 1


def test_operations_are_recognised_behind_a_base_path() -> None:
    script = Script([httpx.ReadTimeout("slow")])
    client = use_clock(
        Orchestra(
            api_key="k",
            base_url="https://proxy.example.test/orchestra/",
            transport=httpx.MockTransport(script),
        ),
        sleep=lambda s: None,
    )
    with pytest.raises(OutcomeUnknownError):
        client.payment_gateway.charge(CHARGE_BODY)
    assert script.requests[0].url.path == "/orchestra/PaymentGateway/charge"
    assert len(script.requests) == 1


@pytest.mark.parametrize(
    "answer",
    [
        status(503, b"upstream connect error or disconnect/reset before headers"),
        status(299, SUCCESS),
        status(200, {**SUCCESS, "operationType": 7}),
        status(409, {**SUCCESS, "operationResultCode": 5}),
    ],
    ids=["proxy 503", "status 299", "bad enum", "bad 409"],
)
def test_a_low_level_charge_answered_unusably_raises_outcome_unknown(
    answer: httpx.Response,
) -> None:
    """The generated functions would return a 5xx as a plain response (``.sync``: None) or
    raise ValueError on a value they cannot parse: the same typed error as the facade's."""
    from orchestra_api.api.payment_gateway import gateway_charge
    from orchestra_api.models import ChargeRequest

    client, script, _ = make_client([answer, status(200, SUCCESS)])
    with pytest.raises(OutcomeUnknownError) as info:
        gateway_charge.sync(client=client.low_level, body=ChargeRequest.from_dict(CHARGE_BODY))
    assert info.value.my_ref == "order-123456"
    assert len(script.requests) == 1
