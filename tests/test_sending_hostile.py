"""Hostile cases for the pipeline that sends through the client's transport itself (joined URLs
and merged headers kept, httpx's event hooks and log line replayed, no cookies, no redirects):
what users of Orchestra, AsyncOrchestra and ``client.low_level`` must still be able to rely on.
Money calls of the sync client run outside any event loop (it refuses them inside one)."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from overlay_helpers import CHARGE_BODY, SUCCESS, Script, Step, status

from conftest import PAN, TEST_KEY
from orchestra_api.api.payment_gateway import gateway_charge, gateway_list
from orchestra_api.api.payment_gateway_accounts import (
    payment_gateway_account_delete,
    payment_gateway_account_retrieve,
)
from orchestra_api.models.charge_request import ChargeRequest
from orchestra_payments import (
    APIConnectionError,
    AsyncOrchestra,
    ClientClosedError,
    ConfigurationError,
    NotFoundError,
    Orchestra,
    OrchestraError,
    OutcomeUnknownError,
    RequestValidationError,
    RetryPolicy,
    UnexpectedResponseError,
)
from orchestra_payments.params import ChargeParams, GatewayAccountParams
from orchestra_payments.testing import use_clock

BASE = "https://api.example.test"
PREFIXED = "https://host.example/v2"
OTHER_KEY = "sk_live_9a8b7c6d5e4f3a2b"  # a second key: given per call, or set on http_client
ACCOUNT: GatewayAccountParams = {"paymentGatewayName": "NULLSuccess"}
LIST = status(200, [])
ONCE = RetryPolicy(attempts=1)
Hooks = dict[str, list[Callable[..., Any]]]


def charge_body(ref: str = "order-123456") -> ChargeParams:
    body = copy.deepcopy(CHARGE_BODY)
    body["myRef"] = ref
    return body


def low_charge(client: Orchestra) -> Any:
    body = ChargeRequest.from_dict(charge_body())
    return gateway_charge.sync_detailed(client=client.low_level, body=body)


def sync_client(
    steps: list[Step], base: str = BASE, hooks: Hooks | None = None, **kw: Any
) -> tuple[Orchestra, Script]:
    script = Script(steps)
    kw.setdefault("retry", RetryPolicy(wait_jitter=0.0))
    client = Orchestra(**_options(script, base, hooks), **kw)
    return use_clock(client, sleep=lambda _s: None), script


def async_client(
    steps: list[Step], base: str = BASE, hooks: Hooks | None = None
) -> tuple[AsyncOrchestra, Script]:
    script = Script(steps)  # MockTransport awaits what the handler returns only if it must
    client = AsyncOrchestra(**_options(script, base, hooks), retry=RetryPolicy(wait_jitter=0.0))
    return use_clock(client, sleep=lambda _s: asyncio.sleep(0)), script


def _options(script: Script, base: str, hooks: Hooks | None) -> dict[str, Any]:
    transport = httpx.MockTransport(script)
    return {"api_key": TEST_KEY, "base_url": base, "transport": transport, "event_hooks": hooks}


def by_path(request: httpx.Request) -> httpx.Response:
    """A list for the list endpoint, 404 for the account "missing", an account otherwise."""
    if request.url.path.endswith("/missing"):
        return httpx.Response(404, json={"message": "no"}, request=request)
    body = [] if request.url.path.endswith("/PaymentGateway") else ACCOUNT
    return httpx.Response(200, json=body, request=request)


class _Dies(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body whose first bytes arrive, then the connection (or the backend) fails."""

    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"operationType": "Ch'
        raise self.exc

    async def __aiter__(self) -> Any:
        yield b'{"operationType": "Ch'
        raise self.exc


def dies_mid_body(exc: Exception) -> Step:
    return lambda request: httpx.Response(200, stream=_Dies(exc), request=request)


# --- URLs: a base path prefix, path parameters, the bounded cache --------------------------


@pytest.mark.parametrize("base", [PREFIXED, PREFIXED + "/"])
def test_a_base_url_path_prefix_is_kept_on_every_path(base: str) -> None:
    client, script = sync_client([by_path], base=base)
    client.payment_gateway.list_gateways()
    client.gateway_accounts.retrieve("acct1")
    gateway_list.sync_detailed(client=client.low_level)
    payment_gateway_account_retrieve.sync_detailed("a/b?c#d%", client=client.low_level)
    aclient, ascript = async_client([by_path], base=base)

    async def main() -> None:
        async with aclient:
            await aclient.gateway_accounts.retrieve("acct3")
            await payment_gateway_account_retrieve.asyncio_detailed(
                "acct4", client=aclient.low_level
            )

    asyncio.run(main())
    assert [r.url.raw_path.decode() for r in script.requests + ascript.requests] == [
        "/v2/PaymentGateway",
        "/v2/PaymentGatewayAccounts/acct1",
        "/v2/PaymentGateway",
        "/v2/PaymentGatewayAccounts/a%2Fb%3Fc%23d%25",  # one segment, nothing in the query
        "/v2/PaymentGatewayAccounts/acct3",
        "/v2/PaymentGatewayAccounts/acct4",
    ]


@pytest.mark.parametrize("name", [".", ".."])
def test_a_low_level_delete_never_reaches_another_path(name: str) -> None:
    client, script = sync_client([status(200, b"")], base=PREFIXED)
    with contextlib.suppress(OrchestraError):  # refused, as the facade refuses it: fine
        payment_gateway_account_delete.sync_detailed(name, client=client.low_level)
    for sent in script.requests:  # else it must delete that one account, nothing above it
        segment = sent.url.raw_path.removeprefix(b"/v2/PaymentGatewayAccounts/")
        assert segment != sent.url.raw_path and segment not in (b"", b".", b"..")


async def test_many_account_names_each_reach_their_own_url_async_and_low_level() -> None:
    names = [f"acct{i}" for i in range(300)]  # past the 256 joined URLs (and headers) kept
    client, script = sync_client([by_path])
    for name in names:
        payment_gateway_account_retrieve.sync_detailed(name, client=client.low_level)
    aclient, ascript = async_client([by_path])
    async with aclient:
        for name in names:
            await aclient.gateway_accounts.retrieve(name, extra_headers={"X-N": name})
        with pytest.raises(NotFoundError) as caught:
            await aclient.gateway_accounts.retrieve("missing")
    expected = [f"/PaymentGatewayAccounts/{n}" for n in names]
    assert [r.url.path for r in script.requests] == expected
    assert [r.url.path for r in ascript.requests] == [*expected, "/PaymentGatewayAccounts/missing"]
    assert [r.headers["X-N"] for r in ascript.requests[:-1]] == names
    assert caught.value.response is not None and caught.value.response.elapsed.total_seconds() >= 0


# --- headers: per call, per copy, changed on http_client; keys redacted ----------------------


async def test_a_per_call_key_replaces_the_clients_and_is_redacted_from_errors() -> None:
    echo = status(418, f"refused key {OTHER_KEY}".encode())
    refused = httpx.ConnectError(f"proxy refused X-Api-Key: {OTHER_KEY}")
    client, script = sync_client([echo, refused], retry=ONCE)
    aclient, ascript = async_client([refused])
    caught: list[Any] = []
    for headers in ({"x-api-key": OTHER_KEY}, {"X-Api-Key": OTHER_KEY}):
        with pytest.raises(OrchestraError) as sync_error:
            client.payment_gateway.list_gateways(extra_headers=headers)
        caught.append(sync_error)
    async with aclient:
        with pytest.raises(APIConnectionError) as async_error:
            await aclient.payment_gateway.list_gateways(retry=ONCE, extra_headers=headers)
    sent = [r.headers.get_list("X-Api-Key") for r in script.requests + ascript.requests]
    assert sent == [[OTHER_KEY]] * 3
    errors = [e.value for e in (*caught, async_error)]
    assert [type(e) for e in errors] == [UnexpectedResponseError, *[APIConnectionError] * 2]
    for error in errors:
        shown = f"{error} {error!r} {error.__cause__} {getattr(error, 'excerpt', '')}"
        assert OTHER_KEY not in shown and TEST_KEY not in shown


@pytest.mark.parametrize("name", ["X-Caf\u00e9", "X-A\r\nX-Injected", 7], ids=repr)
def test_an_unusable_extra_header_name_is_refused_before_sending(name: Any) -> None:
    client, script = sync_client([status(200, SUCCESS)])
    headers: dict[Any, str] = {name: "1"}
    with pytest.raises(RequestValidationError):  # not a raw UnicodeEncodeError, AttributeError
        client.payment_gateway.charge(charge_body(), extra_headers=headers)
    assert script.requests == []


async def test_copies_extra_headers_and_http_client_timeout_each_reach_the_transport() -> None:
    client, script = sync_client([LIST], headers={"X-Tenant": "a"})
    copy_b = client.with_options(headers={"X-Tenant": "b"})
    client.payment_gateway.list_gateways()
    copy_b.payment_gateway.list_gateways()
    copy_b.payment_gateway.list_gateways(extra_headers={"X-Tenant": "c"})
    client.http_client.timeout = httpx.Timeout(3.0)
    client.payment_gateway.list_gateways()
    copy_b.payment_gateway.list_gateways()
    aclient, ascript = async_client([LIST])
    async with aclient:
        aclient.http_client.timeout = httpx.Timeout(4.0, connect=1.0)
        await aclient.payment_gateway.list_gateways()
    tenants = [r.headers.get_list("X-Tenant") for r in script.requests]
    assert tenants == [["a"], ["b"], ["c"], ["a"], ["b"]]
    assert all(r.headers["X-Api-Key"] == TEST_KEY for r in script.requests)
    timeouts = [r.extensions["timeout"] for r in script.requests + ascript.requests]
    assert [t["read"] for t in timeouts] == [60.0, 60.0, 60.0, 3.0, 3.0, 4.0]
    assert timeouts[-1] == {"connect": 1.0, "read": 4.0, "write": 4.0, "pool": 4.0}


@pytest.mark.parametrize(
    "step",
    [status(400, {"errors": [f"bad key {OTHER_KEY}"]}), httpx.ConnectError(f"said {OTHER_KEY}")],
    ids=["400 echo", "connect error"],
)
def test_a_key_rotated_on_http_client_is_redacted_from_errors(step: Step) -> None:
    client, script = sync_client([step], retry=ONCE)
    client.http_client.headers["X-Api-Key"] = OTHER_KEY  # the docs: such a change takes effect
    with pytest.raises(OrchestraError) as caught:
        client.payment_gateway.list_gateways()
    assert script.requests[0].headers["X-Api-Key"] == OTHER_KEY
    assert OTHER_KEY not in f"{caught.value} {caught.value!r} {caught.value.__cause__}"


# --- cookies and redirects -------------------------------------------------------------------


async def test_hand_set_cookies_are_sent_and_answer_cookies_never_are() -> None:
    answer = status(200, [], **{"Set-Cookie": "srv=1; Path=/"})
    client, script = sync_client([answer])
    aclient, ascript = async_client([answer])
    client.payment_gateway.list_gateways()
    client.http_client.cookies.set("lb", "node-7")
    client.payment_gateway.list_gateways()
    client.payment_gateway.list_gateways()
    async with aclient:
        aclient.http_client.cookies.set("lb", "node-8")
        await aclient.payment_gateway.list_gateways()
        await aclient.payment_gateway.list_gateways()
    sent = script.requests + ascript.requests
    assert [r.headers.get("Cookie") for r in sent] == [None, *["lb=node-7"] * 2, *["lb=node-8"] * 2]
    assert all(r.headers["X-Api-Key"] == TEST_KEY for r in sent)


async def _charge(client: AsyncOrchestra) -> None:
    await client.payment_gateway.charge(charge_body())


@pytest.mark.parametrize("code", [302, 307])
def test_a_redirect_is_never_followed_nor_a_charge_resent(code: int) -> None:
    redirect = status(code, b"", Location=f"{BASE}/PaymentGateway/charge")
    client, script = sync_client([redirect, status(200, SUCCESS)])
    client.http_client.follow_redirects = True  # even when asked to (httpx would resend)
    with pytest.raises(OutcomeUnknownError):
        client.payment_gateway.charge(charge_body())
    with pytest.raises(UnexpectedResponseError):
        client.payment_gateway.list_gateways()
    aclient, ascript = async_client([redirect, status(200, SUCCESS)])
    aclient.http_client.follow_redirects = True
    with pytest.raises(OutcomeUnknownError):
        asyncio.run(_charge(aclient))
    assert len(script.requests) == 2 and len(ascript.requests) == 1


def test_a_low_level_charge_answered_with_a_redirect_is_an_unknown_outcome() -> None:
    client, script = sync_client([status(307, b"", Location=f"{BASE}/elsewhere")])
    with pytest.raises(OutcomeUnknownError):  # as the facade says; None reads as "no charge"
        gateway_charge.sync(client=client.low_level, body=ChargeRequest.from_dict(charge_body()))
    assert len(script.requests) == 1


# --- event hooks and failures after the answer arrived ---------------------------------------

AFTER_THE_ANSWER: dict[str, tuple[Exception, bool]] = {  # (the error, whether a hook raises it)
    "hook RuntimeError": (RuntimeError("audit log full"), True),
    "hook ReadTimeout": (httpx.ReadTimeout("metrics call timed out"), True),
    "hook ConnectError": (httpx.ConnectError("metrics collector down"), True),
    "body ConnectError": (httpx.ConnectError("odd transport"), False),
}


@pytest.mark.parametrize("case", AFTER_THE_ANSWER)
@pytest.mark.parametrize("path", ["sync", "async", "low-level"])
def test_a_failure_after_a_charge_was_answered_is_never_a_resend(case: str, path: str) -> None:
    exc, in_hook = AFTER_THE_ANSWER[case]
    answer = status(200, SUCCESS) if in_hook else dies_mid_body(exc)

    def hook(_response: httpx.Response) -> None:  # raises before AsyncOrchestra awaits it
        raise exc

    with pytest.raises(OrchestraError) as caught:
        if path == "async":
            aclient, script = async_client([answer], hooks={"response": [hook] * in_hook})
            asyncio.run(_charge(aclient))
        else:
            client, script = sync_client([answer], hooks={"response": [hook] * in_hook})
            _ = (
                client.payment_gateway.charge(charge_body())
                if path == "sync"
                else low_charge(client)
            )
    assert len(script.requests) == 1  # the charge reached the gateway: it is never sent again
    assert isinstance(caught.value, OutcomeUnknownError)


def test_a_request_hook_that_fails_sends_nothing_and_is_typed() -> None:
    def hook(_request: httpx.Request) -> None:  # raises before AsyncOrchestra awaits it
        raise RuntimeError("signing failed")

    client, script = sync_client([status(200, SUCCESS)], hooks={"request": [hook]})
    aclient, ascript = async_client([status(200, SUCCESS)], hooks={"request": [hook]})
    # Nothing was sent: not an unknown outcome (which would send the caller to reconcile).
    not_sent = "an event hook on the request raised RuntimeError: signing failed; try 1 was not"
    with pytest.raises(ConfigurationError, match=not_sent):
        client.payment_gateway.charge(charge_body())
    with pytest.raises(ConfigurationError, match=not_sent):
        client.payment_gateway.list_gateways()
    with pytest.raises(ConfigurationError, match=not_sent):
        asyncio.run(_charge(aclient))
    assert script.requests == ascript.requests == []


# --- transport failures and odd answers ------------------------------------------------------

FAILURES: dict[str, tuple[Step, int, type[OrchestraError] | None]] = {
    # the step; how many requests a list makes; the list's error (None: the retry answered)
    "transport RuntimeError": (RuntimeError("custom transport broke"), 1, APIConnectionError),
    "RemoteProtocolError mid-body": (dies_mid_body(httpx.RemoteProtocolError("eof")), 2, None),
    "stream dies with OSError": (dies_mid_body(OSError("backend died")), 1, APIConnectionError),
}


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_an_unusual_transport_failure_on_charge_and_list(failure: str, flavour: str) -> None:
    step, list_requests, list_error = FAILURES[failure]
    make: Any = sync_client if flavour == "sync" else async_client
    charge_client, charged = make([step])
    list_client, listed = make([step, LIST])

    def run(call: Callable[[], Any]) -> Any:
        return asyncio.run(call()) if flavour == "async" else call()

    with pytest.raises(OutcomeUnknownError) as unknown:
        run(lambda: charge_client.payment_gateway.charge(charge_body()))
    assert unknown.value.my_ref == "order-123456" and len(charged.requests) == 1
    if list_error is None:
        assert run(list_client.payment_gateway.list_gateways) == []
    else:
        with pytest.raises(list_error):
            run(list_client.payment_gateway.list_gateways)
    assert len(listed.requests) == list_requests


@pytest.mark.parametrize("content", [b"", b"<html>502</html>", b"[" * 100_000, b"x" * 4_000_000])
def test_an_empty_non_json_or_huge_answer_is_typed_and_short(content: bytes) -> None:
    answer = status(200, content) if content else httpx.Response(200)
    client, script = sync_client([answer])
    aclient, ascript = async_client([answer])
    with pytest.raises(OutcomeUnknownError):
        client.payment_gateway.charge(charge_body())
    with pytest.raises(UnexpectedResponseError) as listed:
        client.gateway_accounts.retrieve("acct1")
    with pytest.raises(UnexpectedResponseError):
        gateway_list.sync_detailed(client=client.low_level)
    with pytest.raises(OutcomeUnknownError):
        asyncio.run(_charge(aclient))
    assert len(script.requests) == 3 and len(ascript.requests) == 1
    assert len(str(listed.value)) < 1_000


# --- a client closed while a call waits to retry ---------------------------------------------


@pytest.mark.parametrize(("code", "op"), [(429, "charge"), (503, "list")])
@pytest.mark.parametrize("path", ["sync", "low-level", "async"])
def test_a_client_closed_during_a_retry_wait_sends_nothing_more(
    code: int, op: str, path: str
) -> None:
    steps: list[Step] = [status(code), status(200, SUCCESS if op == "charge" else [])]
    with pytest.raises(ClientClosedError, match="try 2 was not sent"):
        if path == "async":
            aclient, script = async_client(steps)
            use_clock(aclient, sleep=lambda _seconds: aclient.aclose())

            async def main() -> None:
                pay = aclient.payment_gateway
                await (pay.charge(charge_body()) if op == "charge" else pay.list_gateways())

            asyncio.run(main())
        else:
            client, script = sync_client(steps)
            use_clock(client, sleep=lambda _seconds: client.close())
            calls: dict[tuple[str, str], Callable[[], object]] = {
                ("sync", "charge"): lambda: client.payment_gateway.charge(charge_body()),
                ("sync", "list"): client.payment_gateway.list_gateways,
                ("low-level", "charge"): lambda: low_charge(client),
                ("low-level", "list"): lambda: gateway_list.sync(client=client.low_level),
            }
            calls[path, op]()
    assert len(script.requests) == 1


# --- threads, logs ---------------------------------------------------------------------------


def test_threads_sharing_one_client_each_send_their_own_request() -> None:
    client, script = sync_client([by_path])
    answers: dict[int, str | None] = {}

    def one(i: int) -> None:
        tenant = client.with_options(headers={"X-Tenant": f"t{i % 7}"})
        tenant.gateway_accounts.set(f"acct{i}", ACCOUNT, extra_headers={"X-I": str(i)})
        answers[i] = tenant.gateway_accounts.retrieve(f"acct{i}").payment_gateway_name

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(300)))
    puts = [r for r in script.requests if r.method == "PUT"]
    assert len(puts) == len(answers) == 300
    for sent in puts:
        i = int(sent.headers["X-I"])
        assert sent.url.path == f"/PaymentGatewayAccounts/acct{i}"
        assert sent.headers["X-Tenant"] == f"t{i % 7}" and sent.headers["X-Api-Key"] == TEST_KEY
    assert sorted(answers.items()) == [(i, "NULLSuccess") for i in range(300)]


def test_httpx_log_lines_show_no_token_key_or_card(caplog: pytest.LogCaptureFixture) -> None:
    token = "A" * 16 + "b" * 16
    client, _ = sync_client([status(404, {"message": "no"}), status(200, SUCCESS)])
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(NotFoundError) as caught:
            client.string_tokens.retrieve(token)
        client.payment_gateway.charge(charge_body(), extra_headers={"X-Api-Key": OTHER_KEY})
    lines = [r.getMessage() for r in caplog.records if r.name.startswith(("httpx", "orch"))]
    assert any(line.startswith("HTTP Request: GET") for line in lines)
    for text in (*lines, str(caught.value)):
        for secret in (token, TEST_KEY, OTHER_KEY, PAN):
            assert secret not in text
