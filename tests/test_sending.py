"""The pipeline sends through the client's transport itself (not ``httpx.Client.send``): what
httpx's client did for a call still happens (event hooks, its log line, ``elapsed``, the
client's headers and base URL as they are now), and what a payments client must not do does
not (cookies an answer sets are never sent back)."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from overlay_helpers import Script, status

from conftest import TEST_KEY
from orchestra_payments import (
    AsyncOrchestra,
    ClientClosedError,
    NotFoundError,
    Orchestra,
    OrchestraError,
    RetryPolicy,
)
from orchestra_payments.testing import use_clock

BASE = "https://api.orchestrasolutions.com"
LIST = status(200, [])


def client_on(script: Script, **kwargs: object) -> Orchestra:
    return use_clock(
        Orchestra(
            api_key=TEST_KEY,
            base_url=BASE,
            transport=httpx.MockTransport(script),
            retry=RetryPolicy(wait_jitter=0.0),
            **kwargs,  # type: ignore[arg-type]
        ),
        sleep=lambda _seconds: None,
    )


def test_event_hooks_see_every_try_and_its_answer() -> None:
    seen: list[str] = []
    script = Script([status(503), LIST])
    hooks = {
        "request": [lambda r: seen.append(f"request {r.method} {r.url.path}")],
        "response": [lambda r: seen.append(f"response {r.status_code}")],
    }
    with client_on(script, event_hooks=hooks) as client:
        assert client.payment_gateway.list_gateways() == []
    assert seen == [
        "request GET /PaymentGateway",
        "response 503",
        "request GET /PaymentGateway",
        "response 200",
    ]


def test_a_response_hook_that_fails_ends_the_call_with_a_typed_error() -> None:
    def broken(_response: httpx.Response) -> None:
        raise RuntimeError("hook failed")

    script = Script([LIST])
    client = client_on(script, event_hooks={"response": [broken]})
    with client, pytest.raises(OrchestraError) as caught:
        client.payment_gateway.list_gateways()
    assert "hook failed" in str(caught.value)


def test_async_event_hooks_are_awaited() -> None:
    seen: list[int] = []

    async def on_response(response: httpx.Response) -> None:
        seen.append(response.status_code)

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[], request=request)

    async def main() -> int:
        async with AsyncOrchestra(
            api_key=TEST_KEY,
            base_url=BASE,
            transport=httpx.MockTransport(handler),
            event_hooks={"response": [on_response]},
        ) as client:
            return len(await client.payment_gateway.list_gateways())

    assert asyncio.run(main()) == 0
    assert seen == [200]


def test_a_cookie_an_answer_sets_is_never_sent_back() -> None:
    script = Script([status(200, [], **{"Set-Cookie": "session=abc; Path=/"})])
    with client_on(script) as client:
        client.payment_gateway.list_gateways()
        client.payment_gateway.list_gateways()
    assert [r.headers.get("Cookie") for r in script.requests] == [None, None]
    assert not client.http_client.cookies


def test_the_http_clients_headers_and_base_url_are_read_at_each_call() -> None:
    script = Script([LIST])
    with client_on(script) as client:
        client.payment_gateway.list_gateways()
        client.http_client.headers["X-Tenant"] = "t-2"
        client.http_client.base_url = httpx.URL("https://eu.example.test/v2/")
        client.payment_gateway.list_gateways()
    first, second = script.requests
    assert str(first.url) == f"{BASE}/PaymentGateway"
    assert "X-Tenant" not in first.headers
    assert str(second.url) == "https://eu.example.test/v2/PaymentGateway"
    assert second.headers["X-Tenant"] == "t-2"
    assert second.headers["X-Api-Key"] == TEST_KEY


def test_many_distinct_paths_each_reach_their_own_url() -> None:
    script = Script([status(200, {"paymentGatewayName": "NULLSuccess"})])
    names = [f"acct{i}" for i in range(600)]  # past what the pipeline keeps of joined URLs
    with client_on(script) as client:
        for name in names:
            client.gateway_accounts.retrieve(name)
    assert [r.url.path for r in script.requests] == [f"/PaymentGatewayAccounts/{n}" for n in names]


def test_the_answer_of_an_error_tells_how_long_it_took() -> None:
    script = Script([status(404, {"message": "no"})])
    with client_on(script) as client, pytest.raises(NotFoundError) as caught:
        client.gateway_accounts.retrieve("missing")
    assert caught.value.response is not None
    assert caught.value.response.elapsed.total_seconds() >= 0


def test_httpx_logs_its_line_once_per_try(caplog: pytest.LogCaptureFixture) -> None:
    script = Script([status(503), status(202, [])])
    with client_on(script) as client, caplog.at_level(logging.INFO, logger="httpx"):
        client.payment_gateway.list_gateways()
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert lines == [
        f'HTTP Request: GET {BASE}/PaymentGateway "HTTP/1.1 503 Service Unavailable"',
        f'HTTP Request: GET {BASE}/PaymentGateway "HTTP/1.1 202 Accepted"',
    ]


def test_a_client_closed_while_a_call_waits_to_retry_sends_nothing_more() -> None:
    script = Script([status(503), LIST])
    client = Orchestra(
        api_key=TEST_KEY,
        base_url=BASE,
        transport=httpx.MockTransport(script),
        retry=RetryPolicy(wait_jitter=0.0),
    )
    use_clock(client, sleep=lambda _seconds: client.close())
    with pytest.raises(ClientClosedError, match="waited to retry; try 2 was not sent"):
        client.payment_gateway.list_gateways()
    assert len(script.requests) == 1


def test_threads_sharing_a_client_each_send_their_own_headers() -> None:
    from concurrent.futures import ThreadPoolExecutor

    script = Script([status(200, {"paymentGatewayName": "NULLSuccess"})])

    def one(i: int) -> None:
        client.gateway_accounts.set(
            f"acct{i}", {"paymentGatewayName": "NULLSuccess"}, extra_headers={"X-Request": str(i)}
        )

    with client_on(script) as client, ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(400)))
    sent = sorted((int(r.headers["X-Request"]), r.url.path) for r in script.requests)
    assert sent == [(i, f"/PaymentGatewayAccounts/acct{i}") for i in range(400)]
    assert {r.headers["Content-Type"] for r in script.requests} == {"application/json"}


def test_the_low_level_functions_of_the_other_flavour_are_refused_unsent() -> None:
    from orchestra_api.api.payment_gateway import gateway_list
    from orchestra_payments import ConfigurationError

    script = Script([LIST])
    async_client = AsyncOrchestra(api_key=TEST_KEY, transport=httpx.MockTransport(script))
    with pytest.raises(ConfigurationError, match="belongs to an AsyncOrchestra: use the asyncio"):
        gateway_list.sync_detailed(client=async_client.low_level)
    with client_on(script) as client, pytest.raises(ConfigurationError, match="an Orchestra: use"):
        asyncio.run(gateway_list.asyncio_detailed(client=client.low_level))
    assert script.requests == []
