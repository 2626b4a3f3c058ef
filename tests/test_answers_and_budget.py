"""Malformed answers stay typed on every path; retries keep their promises (budget as a total,
mid-body failures, an already-done delete, 429); the per-call deadline."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from overlay_helpers import CHARGE_BODY, SUCCESS, Clock, make_async_client, make_client, status

from orchestra_payments import (
    APITimeoutError,
    AsyncOrchestra,
    AuthenticationError,
    BadRequestError,
    Orchestra,
    OrchestraError,
    OutcomeUnknownError,
    RateLimitError,
    RequestValidationError,
    RetryPolicy,
    UnexpectedResponseError,
)
from orchestra_payments.testing import use_clock

Answer = Callable[[httpx.Request], httpx.Response]


def bad_gzip(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        202,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        content=b"\x1f\x8b\x08\x00 not gzip at all",
        request=request,
    )


def deep(request: httpx.Request) -> httpx.Response:
    return httpx.Response(202, content=b"[" * 100_000 + b"]" * 100_000, request=request)


def empty(request: httpx.Request) -> httpx.Response:
    return httpx.Response(202, content=b"", request=request)


def truncated(request: httpx.Request) -> httpx.Response:
    return httpx.Response(202, content=b'{"operationResultCode": "Succ', request=request)


class _CutOff(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that drops after its first bytes."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"operationRes'
        raise httpx.ReadError("connection reset while reading the body")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"operationRes'
        raise httpx.ReadError("connection reset while reading the body")


def cut_off(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, stream=_CutOff(), request=request)


def wrong_container(request: httpx.Request) -> httpx.Response:
    return httpx.Response(202, content=b'"Success"', request=request)


BAD: dict[str, Answer] = {
    "bad_gzip": bad_gzip,
    "deep_nesting": deep,
    "empty": empty,
    "truncated": truncated,
    "wrong_container": wrong_container,
}


def low_level_charge(client: Orchestra) -> Any:
    from orchestra_api.api.payment_gateway import gateway_charge
    from orchestra_api.models import ChargeRequest

    return gateway_charge.sync_detailed(
        client=client.low_level, body=ChargeRequest.from_dict(CHARGE_BODY)
    )


def low_level_list(client: Orchestra) -> Any:
    from orchestra_api.api.payment_gateway import gateway_list

    return gateway_list.sync_detailed(client=client.low_level)


PATHS: dict[str, tuple[Callable[[Orchestra], Any], type[OrchestraError]]] = {
    "facade charge": (lambda c: c.payment_gateway.charge(CHARGE_BODY), OutcomeUnknownError),
    "raw charge": (
        lambda c: c.with_raw_response.payment_gateway.charge(CHARGE_BODY),
        OutcomeUnknownError,
    ),
    "low-level charge": (low_level_charge, OutcomeUnknownError),
    "facade list": (lambda c: c.payment_gateway.list_gateways(), UnexpectedResponseError),
    "low-level list": (low_level_list, UnexpectedResponseError),
}


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("answer", sorted(BAD))
def test_a_malformed_answer_is_a_typed_error_on_every_path(path: str, answer: str) -> None:
    call, expected = PATHS[path]
    client, script, _ = make_client([BAD[answer]])
    with pytest.raises(OrchestraError) as info:
        call(client)
    assert type(info.value) is expected
    assert len(script.requests) == 1  # a money operation is never sent again
    if expected is OutcomeUnknownError:
        assert info.value.my_ref == "order-123456"


@pytest.mark.parametrize("answer", sorted(BAD))
async def test_async_malformed_answers_are_typed_on_facade_and_low_level(answer: str) -> None:
    from orchestra_api.api.payment_gateway import gateway_charge, gateway_list
    from orchestra_api.models import ChargeRequest

    client, _, _ = make_async_client([BAD[answer]])
    async with client:
        with pytest.raises(OutcomeUnknownError):
            await client.payment_gateway.charge(CHARGE_BODY)
        with pytest.raises(UnexpectedResponseError):
            await client.gateway_accounts.list()
        with pytest.raises(OutcomeUnknownError):
            await gateway_charge.asyncio_detailed(
                client=client.low_level, body=ChargeRequest.from_dict(CHARGE_BODY)
            )
        with pytest.raises(UnexpectedResponseError):
            await gateway_list.asyncio_detailed(client=client.low_level)


@pytest.mark.parametrize(
    ("code", "content", "expected"),
    [
        # A 409 without the gateway's result on a charge: maybe a proxy's, after forwarding.
        (409, b"", OutcomeUnknownError),
        (409, b'{"operationResultCode": "Rej', OutcomeUnknownError),
        (400, b"<html>bad request</html>", BadRequestError),
        (401, b"[]", AuthenticationError),
    ],
)
def test_a_low_level_error_answer_with_a_broken_body_is_typed(
    code: int, content: bytes, expected: type[OrchestraError]
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(code, content=content, request=request)

    client, script, _ = make_client([answer])
    with pytest.raises(expected):
        low_level_charge(client)
    assert len(script.requests) == 1


def test_a_low_level_error_answer_with_a_good_body_is_returned_parsed() -> None:
    client, _, _ = make_client([status(409, {**SUCCESS, "operationResultCode": "Rejected"})])
    response = low_level_charge(client)
    assert response.status_code == 409
    assert str(response.parsed.operation_result_code) == "Rejected"


def test_a_body_cut_off_mid_read_is_retried_for_a_safe_operation() -> None:
    client, script, _ = make_client([cut_off, status(200, [])])
    assert client.gateway_accounts.list() == []
    assert len(script.requests) == 2


def test_a_body_cut_off_mid_read_on_a_charge_is_outcome_unknown_once() -> None:
    client, script, _ = make_client([cut_off, status(202, SUCCESS)])
    with pytest.raises(OutcomeUnknownError):
        client.payment_gateway.charge(CHARGE_BODY)
    assert len(script.requests) == 1


async def test_async_body_cut_off_mid_read_is_retried_for_a_safe_operation() -> None:
    client, script, _ = make_async_client([cut_off, status(200, [])])
    async with client:
        assert await client.gateway_accounts.list() == []
    assert len(script.requests) == 2


TOKEN = "b" * 32


def test_a_retried_delete_that_finds_nothing_is_already_deleted() -> None:
    client, script, _ = make_client([httpx.ReadTimeout("lost"), status(404)])
    answer = client.with_raw_response.string_tokens.delete(TOKEN)
    assert answer.status_code == 200
    assert len(script.requests) == 2


def test_a_delete_that_finds_nothing_at_first_try_is_still_not_found() -> None:
    from orchestra_payments import NotFoundError

    client, _, _ = make_client([status(404)])
    with pytest.raises(NotFoundError):
        client.string_tokens.delete(TOKEN)


# --- 429 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.payment_gateway.charge(CHARGE_BODY),
        lambda c: c.gateway_accounts.list(),
        lambda c: c.string_tokens.create({"payload": "x"}),
    ],
    ids=["charge", "list", "store-token"],
)
def test_429_is_retried_for_every_operation_then_raises_rate_limit_error(
    call: Callable[[Orchestra], Any],
) -> None:
    client, script, clock = make_client([status(429, **{"Retry-After": "120"})])
    with pytest.raises(RateLimitError) as info:
        call(client)
    assert not isinstance(info.value, OutcomeUnknownError)
    assert info.value.attempts == len(script.requests) == 3
    assert info.value.retry_after == "120"
    assert clock.sleeps == [30.0, 30.0]  # Retry-After capped; a third wait would pass 90 s


def test_429_then_success_charges_once() -> None:
    client, script, clock = make_client([status(429, **{"Retry-After": "2"}), status(202, SUCCESS)])
    assert client.payment_gateway.charge(CHARGE_BODY).gateway_reference == "ref-1"
    assert clock.sleeps == [2.0]
    assert len(script.requests) == 2


# --- the budget is a total -------------------------------------------------------------------


def slow_client(
    *, budget: float, read: float, attempts: int = 4
) -> tuple[Orchestra, list[dict[str, float]], Clock]:
    """Every try takes its whole read timeout on the fake clock, then times out."""
    seen: list[dict[str, float]] = []
    clock = Clock()

    def handler(request: httpx.Request) -> httpx.Response:
        timeouts = dict(request.extensions["timeout"])
        seen.append(timeouts)
        clock.now += timeouts["read"]
        raise httpx.ReadTimeout("slow")

    client = use_clock(
        Orchestra(
            api_key="sk_test_budget",
            base_url="https://api.orchestrasolutions.com",
            transport=httpx.MockTransport(handler),
            timeout=httpx.Timeout(5.0, read=read),
            retry=RetryPolicy(attempts=attempts, wait_jitter=0, timeout=budget),
        ),
        sleep=clock.sleep,
        clock=clock,
    )
    return client, seen, clock


@pytest.mark.parametrize(("budget", "read"), [(90.0, 60.0), (10.0, 4.0), (5.0, 30.0)])
def test_a_safe_call_never_exceeds_the_budget_in_total(budget: float, read: float) -> None:
    client, seen, clock = slow_client(budget=budget, read=read)
    start = clock.now
    with pytest.raises(APITimeoutError):
        client.gateway_accounts.list()
    assert clock.now - start <= budget
    assert all(t["read"] <= read for t in seen)


def test_each_try_is_cut_to_what_is_left() -> None:
    client, seen, clock = slow_client(budget=90.0, read=60.0)
    with pytest.raises(APITimeoutError):
        client.gateway_accounts.list()
    assert [t["read"] for t in seen] == [60.0, 29.0]  # 60 s, 1 s backoff, then what is left
    assert clock.sleeps == [1.0]


def test_a_per_call_deadline_bounds_the_call_across_tries() -> None:
    client, seen, clock = slow_client(budget=90.0, read=60.0)
    start = clock.now
    with pytest.raises(APITimeoutError):
        client.gateway_accounts.list(deadline=7.0)
    assert clock.now - start <= 7.0
    assert [t["read"] for t in seen] == [7.0]


@pytest.mark.parametrize("deadline", [0, -1.0, float("nan"), float("inf")])
def test_a_deadline_that_is_not_a_positive_number_is_refused(deadline: float) -> None:
    client, script, _ = make_client([status(200, [])])
    with pytest.raises(RequestValidationError) as info:
        client.gateway_accounts.list(deadline=deadline)
    assert info.value.field == "deadline"
    assert script.requests == []


class _Trickle(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that arrives a byte a second on the test's clock (each byte within any read
    timeout, the whole far past the call's budget)."""

    def __init__(self, clock: Clock, body: bytes) -> None:
        self.clock, self.body, self.sent = clock, body, 0

    def __iter__(self) -> Iterator[bytes]:
        for byte in self.body:
            self.clock.now += 1.0
            self.sent += 1
            yield bytes([byte])

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk


TRICKLED = json.dumps(SUCCESS).encode()


def test_an_answer_that_trickles_in_ends_with_the_calls_deadline() -> None:
    streams: list[_Trickle] = []

    def answer(request: httpx.Request) -> httpx.Response:
        streams.append(_Trickle(clock, TRICKLED))
        return httpx.Response(200, stream=streams[-1], request=request)

    client, script, clock = make_client([answer])
    start = clock.now
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.charge(CHARGE_BODY, deadline=5)
    assert "time budget (5 s) ran out" in str(info.value.__cause__)
    assert clock.now - start <= 6 and streams[0].sent < len(TRICKLED)
    assert len(script.requests) == 1
    status_start = clock.now
    with pytest.raises(APITimeoutError):
        client.payment_gateway.status({"myRef": "order-123456"}, deadline=5)
    assert clock.now - status_start <= 6


async def test_an_async_answer_that_trickles_in_ends_with_the_calls_deadline() -> None:
    streams: list[_Trickle] = []

    def answer(request: httpx.Request) -> httpx.Response:
        streams.append(_Trickle(clock, TRICKLED))
        return httpx.Response(200, stream=streams[-1], request=request)

    client, _, clock = make_async_client([answer])
    start = clock.now
    async with client:
        with pytest.raises(OutcomeUnknownError):
            await client.payment_gateway.charge(CHARGE_BODY, deadline=5)
    assert clock.now - start <= 6 and streams[0].sent < len(TRICKLED)


async def test_an_async_answer_whose_headers_never_end_is_cut_at_the_deadline() -> None:
    """Endless 1xx lines or headers a byte at a time: no read times out, the try's own bound
    does (real time: a 0.2 s deadline)."""
    stalled = asyncio.Event()

    async def hang(request: httpx.Request) -> httpx.Response:
        await stalled.wait()  # never set: the answer never completes
        raise AssertionError("unreachable")

    client = AsyncOrchestra(
        api_key="sk_test_x",
        base_url="https://api.orchestrasolutions.com",
        transport=httpx.MockTransport(hang),
    )
    async with client:
        with pytest.raises(OutcomeUnknownError) as info:
            await asyncio.wait_for(
                client.payment_gateway.charge(CHARGE_BODY, deadline=0.2), timeout=10
            )
    assert info.value.my_ref == "order-123456"
