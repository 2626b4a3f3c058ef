"""Money safety, end to end: what reconcile may conclude about follow-ups (captures, refunds), the
minimum window before "not_found", answers a proxy gives after the money moved, event loops,
the async queue's places, stale keep-alive connections, and the generated myRef.

Most tests run three ways (``flavour``): the sync ``Orchestra`` and ``AsyncOrchestra`` on each
backend (httpx, aiohttp), against the sandbox on a fake clock shared with the client, so that
waits cost nothing. Servers are on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, Literal, TypeVar

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from overlay_helpers import (
    CHARGE_BODY,
    SUCCESS,
    Clock,
    make_async_client,
    make_client,
    status,
)
from raw_servers import (
    PROXY_ANSWERS,
    AsyncRawServer,
    ForwardingProxy,
    OneShotServer,
)

import orchestra_payments._client as constants
from conftest import PAN, TEST_KEY, HttpBackend
from orchestra_api.models import ChargeRequest, OperationResult
from orchestra_payments import (
    MY_REF_PREFIX,
    AsyncOrchestra,
    ClientClosedError,
    GatewayUnavailableError,
    Orchestra,
    OrchestraError,
    OutcomeUnknownError,
    Reconciliation,
    RequestValidationError,
    RetryPolicy,
    generate_my_ref,
)
from orchestra_payments._redact import redact_text
from orchestra_payments.testing import use_clock
from orchestra_sandbox import FAULT_KINDS, SandboxServer, create_app

T = TypeVar("T")
Flavour = Literal["sync", "httpx", "aiohttp"]
ACCOUNT = "acct1"
MY_REF = re.compile(r"^orc-[0-9a-f]{16}$")
MIN_WINDOW = 10.0  # the documented RECONCILE_MIN_WINDOW (checked below)
REAL_TIME_GUARD = 10.0  # real seconds: only so that a broken build fails instead of hanging
# Fewer connections than the default 100 (20 httpx pools, each building its own TLS context):
# the same code paths, a fraction of the set-up time.
LIMITS = httpx.Limits(max_connections=10, max_keepalive_connections=10, keepalive_expiry=4.0)
CARD: dict[str, Any] = {
    "cardHolderName": "Jane Doe",
    "cardNumber": PAN,
    "expirationMonth": 12,
    "expirationYear": 2030,
}


# --- the sandbox on a fake clock, and one client API for sync and both async backends ----------


class ClockSlot:
    """The sandbox's clock: the current test's Clock (one sandbox for the module)."""

    def __init__(self) -> None:
        self.clock = Clock()

    def __call__(self) -> float:
        return self.clock()


SLOT = ClockSlot()


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[SandboxServer]:
    with SandboxServer(create_app(clock=SLOT)) as server:
        yield server


@pytest.fixture
def clock() -> Clock:
    SLOT.clock = Clock()
    return SLOT.clock


@pytest.fixture
def sandbox(sandbox_server: SandboxServer, clock: Clock) -> Iterator[SandboxServer]:
    sandbox_server.app.reset()
    yield sandbox_server
    sandbox_server.app.reset()


@pytest.fixture(params=["sync", "httpx", "aiohttp"])
def flavour(request: pytest.FixtureRequest) -> Flavour:
    """The sync client, and AsyncOrchestra on each http_backend."""
    value: Flavour = request.param
    return value


class Driver:
    """The same calls on ``Orchestra`` or on ``AsyncOrchestra`` (run in its own event loop)."""

    def __init__(
        self,
        flavour: Flavour,
        base_url: str,
        api_key: str,
        clock: Clock,
        *,
        on_request: Callable[[httpx.Request], None] | None = None,
    ) -> None:
        self.flavour = flavour
        retry = RetryPolicy(wait_jitter=0)
        self._sync: Orchestra | None = None
        self._async: AsyncOrchestra | None = None
        self._runner: asyncio.Runner | None = None
        if flavour == "sync":
            self._sync = use_clock(
                Orchestra(
                    api_key=api_key,
                    base_url=base_url,
                    retry=retry,
                    event_hooks={"request": [on_request]} if on_request else None,
                ),
                sleep=clock.sleep,
                clock=clock,
            )
            return

        async def hook(request: httpx.Request) -> None:
            if on_request is not None:
                on_request(request)

        self._runner = asyncio.Runner()
        self._async = use_clock(
            AsyncOrchestra(
                api_key=api_key,
                base_url=base_url,
                retry=retry,
                event_hooks={"request": [hook]},
                limits=LIMITS,
                http_backend=flavour,
            ),
            sleep=clock.async_sleep,
            clock=clock,
        )

    def _do(
        self, sync: Callable[[Orchestra], T], aio: Callable[[AsyncOrchestra], Awaitable[T]]
    ) -> T:
        if self._sync is not None:
            return sync(self._sync)
        assert self._runner is not None and self._async is not None
        client = self._async

        async def bounded() -> T:
            return await asyncio.wait_for(aio(client), REAL_TIME_GUARD)

        return self._runner.run(bounded())

    def set_account(self) -> None:
        account: Any = {"paymentGatewayName": "NULLSuccess"}
        self._do(
            lambda c: c.gateway_accounts.set(ACCOUNT, account),
            lambda a: a.gateway_accounts.set(ACCOUNT, account),
        )

    def charge(self, body: Any) -> OperationResult:
        return self._do(
            lambda c: c.payment_gateway.charge(body), lambda a: a.payment_gateway.charge(body)
        )

    def authorize(self, body: Any) -> OperationResult:
        return self._do(
            lambda c: c.payment_gateway.authorize(body),
            lambda a: a.payment_gateway.authorize(body),
        )

    def capture(self, body: Any) -> OperationResult:
        return self._do(
            lambda c: c.payment_gateway.capture(body), lambda a: a.payment_gateway.capture(body)
        )

    def refund(self, body: Any) -> OperationResult:
        return self._do(
            lambda c: c.payment_gateway.refund(body), lambda a: a.payment_gateway.refund(body)
        )

    def status(self, body: Any) -> OperationResult:
        return self._do(
            lambda c: c.payment_gateway.status(body), lambda a: a.payment_gateway.status(body)
        )

    def reconcile(self, error: OutcomeUnknownError | None = None, **kwargs: Any) -> Reconciliation:
        return self._do(
            lambda c: c.payment_gateway.reconcile(error, **kwargs),
            lambda a: a.payment_gateway.reconcile(error, **kwargs),
        )

    def close(self) -> None:
        if self._sync is not None:
            self._sync.close()
        if self._runner is not None and self._async is not None:
            self._runner.run(self._async.aclose())
            self._runner.close()


@pytest.fixture
def open_driver(flavour: Flavour, clock: Clock) -> Iterator[Callable[..., Driver]]:
    """``open_driver(base_url, api_key, on_request=None)``: a Driver closed after the test."""
    drivers: list[Driver] = []

    def make(
        base_url: str, api_key: str, on_request: Callable[[httpx.Request], None] | None = None
    ) -> Driver:
        driver = Driver(flavour, base_url, api_key, clock, on_request=on_request)
        drivers.append(driver)
        return driver

    yield make
    for driver in drivers:
        driver.close()


@pytest.fixture
def pay_client(sandbox: SandboxServer, open_driver: Callable[..., Driver]) -> Driver:
    """A Driver on the sandbox, with the NULLSuccess account ``acct1``."""
    driver = open_driver(sandbox.base_url, sandbox.api_key)
    driver.set_account()
    return driver


def pay(amount: float, my_ref: str | None = None) -> Any:
    body: dict[str, Any] = {
        "amount": amount,
        "currency": "USD",
        "paymentGatewayAccountName": ACCOUNT,
        "card": CARD,
    }
    if my_ref is not None:
        body["myRef"] = my_ref
    return body


def follow_up(ref_trans_id: str | None, amount: float) -> Any:
    assert ref_trans_id
    return {**pay(amount), "refTransId": ref_trans_id}


def landed(sandbox: SandboxServer, operation: str) -> list[float]:
    """The amounts of the successful ``operation`` entries in the sandbox's ledger."""
    return [
        float(e["amount"])
        for e in sandbox.app.ledger()
        if e["operation"] == operation and e["result"] == "Success"
    ]


def reason_of(outcome: Reconciliation) -> str:
    """The verdict's reason, which must say something to a person."""
    reason = outcome.reason
    assert isinstance(reason, str) and reason.strip(), f"no human-readable reason: {reason!r}"
    return reason


async def until_set(event: asyncio.Event, task: asyncio.Task[Any]) -> None:
    """Wait for ``event``; if ``task`` ends first, its result or error shows instead."""
    waiter = asyncio.ensure_future(event.wait())
    done, _ = await asyncio.wait(
        {task, waiter}, timeout=REAL_TIME_GUARD, return_when=asyncio.FIRST_COMPLETED
    )
    waiter.cancel()
    if task in done:
        pytest.fail(f"the call ended before the event: {task.result()!r}")
    assert event.is_set(), "neither the event nor the call came within the guard time"


# --- 1. follow-ups: the latest operation on a transaction is not proof of this one -------------


def test_a_refund_lost_after_landing_then_a_capture_is_never_refunded_twice(
    pay_client: Driver, sandbox: SandboxServer
) -> None:
    """Authorize 10, capture 5, refund 5 (landed, answer lost), capture 5: status by refTransId
    now reports the capture, which says nothing about the refund. Following reconcile's advice
    (send again only on "not_found") must not refund twice."""
    ref = pay_client.authorize(pay(10.0, "order-fu-000001")).gateway_reference
    pay_client.capture(follow_up(ref, 5.0))
    sandbox.app.inject("drop_after_commit", "GatewayRefund")
    with pytest.raises(OutcomeUnknownError) as info:
        pay_client.refund(follow_up(ref, 5.0))
    pay_client.capture(follow_up(ref, 5.0))
    outcome = pay_client.reconcile(info.value)
    if outcome.verdict == "not_found":  # what a caller following the advice does
        with contextlib.suppress(OrchestraError):
            pay_client.refund(follow_up(ref, 5.0))
    assert outcome.verdict in ("succeeded", "undetermined")
    assert landed(sandbox, "Refund") == [5.0]


def test_a_partial_refund_lost_before_landing_is_not_mistaken_for_the_next_one(
    pay_client: Driver, sandbox: SandboxServer
) -> None:
    """Charge 10, refund 5 (lost, never landed), refund 5 (ok): the lookup reports "Refund 5",
    which is the second refund. "succeeded" would have the merchant believe 10 was refunded."""
    ref = pay_client.charge(pay(10.0, "order-fu-000002")).gateway_reference
    sandbox.app.inject("drop_before_commit", "GatewayRefund")
    with pytest.raises(OutcomeUnknownError) as info:
        pay_client.refund(follow_up(ref, 5.0))
    pay_client.refund(follow_up(ref, 5.0))
    outcome = pay_client.reconcile(info.value)
    assert outcome.verdict == "undetermined"
    reason_of(outcome)
    assert landed(sandbox, "Refund") == [5.0]


def test_a_partial_capture_lost_before_landing_is_not_mistaken_for_the_next_one(
    pay_client: Driver, sandbox: SandboxServer
) -> None:
    """Authorize 10, capture 4 (lost, never landed), capture 4 (ok): "succeeded" would have the
    merchant believe 8 was captured and never collect the missing 4."""
    ref = pay_client.authorize(pay(10.0, "order-fu-000003")).gateway_reference
    sandbox.app.inject("drop_before_commit", "GatewayCapture")
    with pytest.raises(OutcomeUnknownError) as info:
        pay_client.capture(follow_up(ref, 4.0))
    pay_client.capture(follow_up(ref, 4.0))
    outcome = pay_client.reconcile(info.value)
    assert outcome.verdict == "undetermined"
    reason_of(outcome)
    assert landed(sandbox, "Capture") == [4.0]


def test_a_lost_refund_that_did_not_land_with_nothing_after_it_is_not_found(
    pay_client: Driver, sandbox: SandboxServer
) -> None:
    """The lookup still reports the charge: the refund did not happen, and sending it again
    refunds once."""
    ref = pay_client.charge(pay(10.0, "order-fu-000004")).gateway_reference
    sandbox.app.inject("drop_before_commit", "GatewayRefund")
    with pytest.raises(OutcomeUnknownError) as info:
        pay_client.refund(follow_up(ref, 5.0))
    outcome = pay_client.reconcile(info.value)
    assert outcome.verdict == "not_found"
    assert landed(sandbox, "Refund") == []
    pay_client.refund(follow_up(ref, 5.0))
    assert landed(sandbox, "Refund") == [5.0]


@pytest.mark.parametrize("operation", ["refund", "capture"])
def test_reconciling_a_follow_up_by_reference_needs_its_amount(operation: str) -> None:
    client, script, _ = make_client([status(200, SUCCESS)])
    with pytest.raises(RequestValidationError) as info:
        client.payment_gateway.reconcile(
            ref_trans_id="tx-000001", operation=operation, payment_gateway_account_name=ACCOUNT
        )
    assert info.value.field == "amount"
    assert script.requests == []


@pytest.mark.parametrize("operation", ["refund", "capture"])
async def test_reconciling_a_follow_up_by_reference_needs_its_amount_async(
    operation: str,
) -> None:
    client, script, _ = make_async_client([status(200, SUCCESS)])
    async with client:
        with pytest.raises(RequestValidationError) as info:
            await client.payment_gateway.reconcile(
                ref_trans_id="tx-000001", operation=operation, payment_gateway_account_name=ACCOUNT
            )
    assert info.value.field == "amount"
    assert script.requests == []


# --- 2. "not_found" only after absent lookups spread over the minimum window --------------------


def test_the_minimum_window_is_ten_seconds() -> None:
    assert constants.RECONCILE_MIN_WINDOW == MIN_WINDOW


def test_no_wait_right_after_a_lost_charge_is_undetermined_then_the_late_commit_is_found(
    pay_client: Driver, sandbox: SandboxServer
) -> None:
    """The charge lands 3 s after its answer was lost: asking once at once must not say
    "not_found" (a caller would charge again); asking with the default wait finds it."""
    sandbox.app.inject("late_commit", "GatewayCharge", seconds=3.0)
    with pytest.raises(OutcomeUnknownError) as info:
        pay_client.charge(pay(10.0, "order-win-00001"))
    assert landed(sandbox, "Charge") == []
    hasty = pay_client.reconcile(info.value, wait=0)
    assert hasty.verdict == "undetermined"
    assert re.search(r"\b10(?:\.0+)?\b", reason_of(hasty)), reason_of(hasty)
    later = pay_client.reconcile(info.value)
    assert later.verdict == "succeeded"
    assert landed(sandbox, "Charge") == [10.0]


@pytest.mark.parametrize("wait", [0.0, 9.5, 30.0])
def test_not_found_needs_absent_lookups_spread_over_the_minimum_window_whatever_the_wait(
    sandbox: SandboxServer,
    open_driver: Callable[..., Driver],
    clock: Clock,
    wait: float,
) -> None:
    lookups: list[float] = []

    def record(request: httpx.Request) -> None:
        if request.url.path == "/PaymentGateway/status":
            lookups.append(clock.now)

    driver = open_driver(sandbox.base_url, sandbox.api_key, record)
    driver.set_account()
    sandbox.app.inject("drop_before_commit", "GatewayCharge")
    with pytest.raises(OutcomeUnknownError) as info:
        driver.charge(pay(10.0, "order-win-00002"))
    outcome = driver.reconcile(info.value, wait=wait)
    if wait >= MIN_WINDOW:
        assert outcome.verdict == "not_found"
    assert outcome.verdict in ("not_found", "undetermined")
    if outcome.verdict == "not_found":
        assert len(lookups) >= 2
        assert lookups[-1] - lookups[0] >= MIN_WINDOW, lookups
    else:
        reason_of(outcome)
    assert landed(sandbox, "Charge") == []


# --- 3. wait bounds the whole call ------------------------------------------------------------


def test_wait_bounds_the_whole_reconcile_when_status_keeps_answering_503() -> None:
    client, _, clock = make_client([httpx.ReadTimeout("slow"), status(503)])
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.charge(CHARGE_BODY)
    start = clock.now
    outcome = client.payment_gateway.reconcile(info.value, wait=1)
    assert outcome.verdict == "undetermined"
    assert clock.now - start <= 1.5, clock.sleeps


async def test_wait_bounds_the_whole_reconcile_when_status_keeps_answering_503_async() -> None:
    client, _, clock = make_async_client([httpx.ReadTimeout("slow"), status(503)])
    async with client:
        with pytest.raises(OutcomeUnknownError) as info:
            await client.payment_gateway.charge(CHARGE_BODY)
        start = clock.now
        outcome = await client.payment_gateway.reconcile(info.value, wait=1)
    assert outcome.verdict == "undetermined"
    assert clock.now - start <= 1.5, clock.sleeps


# --- 4. a closed client -----------------------------------------------------------------------


def test_reconcile_on_a_closed_client_raises_client_closed_and_sends_nothing() -> None:
    client, script, _ = make_client([httpx.ReadTimeout("slow"), status(200, SUCCESS)])
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.charge(CHARGE_BODY)
    client.close()
    sent = len(script.requests)
    with pytest.raises(ClientClosedError):
        client.payment_gateway.reconcile(info.value)
    with pytest.raises(ClientClosedError):
        client.payment_gateway.reconcile(
            my_ref="order-123456", payment_gateway_account_name="nullok"
        )
    assert len(script.requests) == sent


async def test_reconcile_on_a_closed_async_client_raises_client_closed_and_sends_nothing() -> None:
    client, script, _ = make_async_client([httpx.ReadTimeout("slow"), status(200, SUCCESS)])
    with pytest.raises(OutcomeUnknownError) as info:
        await client.payment_gateway.charge(CHARGE_BODY)
    await client.aclose()
    sent = len(script.requests)
    with pytest.raises(ClientClosedError):
        await client.payment_gateway.reconcile(info.value)
    with pytest.raises(ClientClosedError):
        await client.payment_gateway.reconcile(
            my_ref="order-123456", payment_gateway_account_name="nullok"
        )
    assert len(script.requests) == sent


# --- 5. a myRef that could never be looked up is refused before sending -------------------------

UNUSABLE_MY_REFS = [
    pytest.param("", id="empty"),
    pytest.param("   ", id="blank"),
    pytest.param(123, id="int"),
]


def charge_body(my_ref: object) -> dict[str, Any]:
    return {**CHARGE_BODY, "myRef": my_ref}


@pytest.mark.parametrize("my_ref", UNUSABLE_MY_REFS)
def test_an_unusable_my_ref_is_refused_on_the_facade(my_ref: object) -> None:
    client, script, _ = make_client([status(200, SUCCESS)])
    body: Any = charge_body(my_ref)
    with pytest.raises(RequestValidationError) as info:
        client.payment_gateway.charge(body)
    assert info.value.field == "myRef"
    assert script.requests == []


@pytest.mark.parametrize("my_ref", UNUSABLE_MY_REFS)
async def test_an_unusable_my_ref_is_refused_on_the_async_facade(my_ref: object) -> None:
    client, script, _ = make_async_client([status(200, SUCCESS)])
    body: Any = charge_body(my_ref)
    async with client:
        with pytest.raises(RequestValidationError) as info:
            await client.payment_gateway.charge(body)
    assert info.value.field == "myRef"
    assert script.requests == []


@pytest.mark.parametrize("my_ref", UNUSABLE_MY_REFS)
def test_an_unusable_my_ref_is_refused_on_the_low_level_path(my_ref: object) -> None:
    from orchestra_api.api.payment_gateway import gateway_charge

    client, script, _ = make_client([status(200, SUCCESS)])
    with pytest.raises(RequestValidationError) as info:
        gateway_charge.sync_detailed(
            client=client.low_level, body=ChargeRequest.from_dict(charge_body(my_ref))
        )
    assert info.value.field == "myRef"
    assert script.requests == []


@pytest.mark.parametrize("my_ref", UNUSABLE_MY_REFS)
async def test_an_unusable_my_ref_is_refused_on_the_async_low_level_path(my_ref: object) -> None:
    from orchestra_api.api.payment_gateway import gateway_charge

    client, script, _ = make_async_client([status(200, SUCCESS)])
    async with client:
        with pytest.raises(RequestValidationError) as info:
            await gateway_charge.asyncio_detailed(
                client=client.low_level, body=ChargeRequest.from_dict(charge_body(my_ref))
            )
    assert info.value.field == "myRef"
    assert script.requests == []


def test_an_explicit_none_my_ref_is_as_if_absent_and_a_generated_one_is_sent() -> None:
    """None is "no myRef" (as on the low-level path, whose model drops None): the payment gets a
    generated myRef and stays reconcilable."""
    client, script, _ = make_client([status(200, SUCCESS)])
    body: Any = charge_body(None)
    result = client.payment_gateway.charge(body)
    sent = json.loads(script.requests[0].content)["myRef"]
    assert MY_REF.fullmatch(sent)
    assert result["myRef"] == sent


# --- 6. an answer a proxy gives after the money moved is not a reason to send it again ----------


@pytest.fixture
def proxy(sandbox: SandboxServer) -> Iterator[ForwardingProxy]:
    with ForwardingProxy(sandbox.base_url) as server:
        yield server


@pytest.fixture
def proxied(
    proxy: ForwardingProxy, sandbox: SandboxServer, open_driver: Callable[..., Driver]
) -> Driver:
    driver = open_driver(proxy.base_url, sandbox.api_key)
    driver.set_account()
    return driver


@pytest.mark.parametrize("code", [503, 502, 500], ids=["envoy-503", "nginx-502", "json-500"])
def test_a_charge_answered_by_a_proxy_after_it_landed_is_outcome_unknown_and_sent_once(
    proxied: Driver, proxy: ForwardingProxy, sandbox: SandboxServer, code: int
) -> None:
    proxy.answer_after_forwarding("POST", "/PaymentGateway/charge", PROXY_ANSWERS[code])
    with pytest.raises(OutcomeUnknownError) as info:
        proxied.charge(pay(10.0, "order-px-000001"))
    assert (info.value.status_code, info.value.my_ref) == (code, "order-px-000001")
    assert [p for _, p, _, _ in proxy.seen if p == "/PaymentGateway/charge"] == [
        "/PaymentGateway/charge"
    ]
    assert landed(sandbox, "Charge") == [10.0]
    assert proxied.reconcile(info.value).verdict == "succeeded"
    assert landed(sandbox, "Charge") == [10.0]


@pytest.mark.parametrize("code", [503, 500], ids=["envoy-503", "json-500"])
def test_a_refund_answered_by_a_proxy_after_it_landed_is_outcome_unknown_and_sent_once(
    proxied: Driver, proxy: ForwardingProxy, sandbox: SandboxServer, code: int
) -> None:
    ref = proxied.charge(pay(10.0, "order-px-000002")).gateway_reference
    proxy.answer_after_forwarding("PUT", "/PaymentGateway/refund", PROXY_ANSWERS[code])
    with pytest.raises(OutcomeUnknownError) as info:
        proxied.refund(follow_up(ref, 4.0))
    assert info.value.status_code == code
    assert info.value.ref_trans_id == ref
    assert landed(sandbox, "Refund") == [4.0]
    assert proxied.reconcile(info.value).verdict == "succeeded"


@pytest.mark.parametrize("kind", ["proxy_503", "proxy_502", "proxy_500"])
def test_the_sandbox_proxy_faults_commit_then_answer_like_a_proxy(
    pay_client: Driver, sandbox: SandboxServer, kind: str
) -> None:
    assert kind in FAULT_KINDS
    sandbox.app.inject(kind, "GatewayCharge")
    with pytest.raises(OutcomeUnknownError) as info:
        pay_client.charge(pay(10.0, "order-px-000003"))
    assert (info.value.status_code, info.value.my_ref) == (int(kind[-3:]), "order-px-000003")
    assert landed(sandbox, "Charge") == [10.0]
    assert pay_client.reconcile(info.value).verdict == "succeeded"


def test_a_status_lookup_answered_503_twice_is_still_retried_with_backoff(
    proxied: Driver, proxy: ForwardingProxy, clock: Clock
) -> None:
    """A lookup moves no money: the vendor's "retry 503 with backoff" still applies, also to a
    proxy's 503."""
    proxied.charge(pay(10.0, "order-px-000004"))
    proxy.answer_after_forwarding("POST", "/PaymentGateway/status", PROXY_ANSWERS[503], times=2)
    found = proxied.status({"myRef": "order-px-000004", "paymentGatewayAccountName": ACCOUNT})
    assert found.amount == 10.0
    assert clock.sleeps == [1.0, 2.0]


# --- 7. TemporaryFailure on a money call: it may still land -----------------------------------

TEMPORARY = {**SUCCESS, "operationResultCode": "TemporaryFailure"}


def test_a_temporary_failure_on_a_charge_is_outcome_unknown_and_reconciles() -> None:
    client, script, _ = make_client(
        [status(200, TEMPORARY), status(200, TEMPORARY), status(200, SUCCESS)]
    )
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.charge(CHARGE_BODY)
    assert not isinstance(info.value, GatewayUnavailableError)
    assert info.value.status_code == 200
    assert info.value.result is not None
    assert str(info.value.result.operation_result_code) == "TemporaryFailure"
    assert len(script.requests) == 1  # not sent again
    outcome = client.payment_gateway.reconcile(info.value)
    assert outcome.verdict == "succeeded"
    assert {r.url.path for r in script.requests[1:]} == {"/PaymentGateway/status"}


async def test_a_temporary_failure_on_an_async_charge_is_outcome_unknown() -> None:
    client, script, _ = make_async_client([status(200, TEMPORARY), status(200, SUCCESS)])
    async with client:
        with pytest.raises(OutcomeUnknownError) as info:
            await client.payment_gateway.charge(CHARGE_BODY)
    assert not isinstance(info.value, GatewayUnavailableError)
    assert info.value.my_ref == "order-123456"
    assert len(script.requests) == 1


# --- 8. one AsyncOrchestra across event loops --------------------------------------------------


def run_in_new_loop(step: str, coro: Awaitable[T]) -> T:
    """``asyncio.run``; fails the test, naming the step, on anything that is not a result."""

    async def bounded() -> T:
        return await asyncio.wait_for(coro, REAL_TIME_GUARD)

    try:
        return asyncio.run(bounded())
    except OrchestraError as exc:
        pytest.fail(f"{step}: {type(exc).__name__}: {exc}")
    except Exception as exc:
        pytest.fail(f"{step}: a {type(exc).__name__} escaped (not an OrchestraError): {exc}")


def loop_client(sandbox: SandboxServer, clock: Clock, backend: HttpBackend) -> AsyncOrchestra:
    return use_clock(
        AsyncOrchestra(
            api_key=sandbox.api_key,
            base_url=sandbox.base_url,
            retry=RetryPolicy(wait_jitter=0),
            limits=LIMITS,
            http_backend=backend,
        ),
        sleep=clock.async_sleep,
        clock=clock,
    )


def test_one_async_client_serves_two_successive_asyncio_runs(
    sandbox: SandboxServer, clock: Clock, http_backend: HttpBackend
) -> None:
    client = loop_client(sandbox, clock, http_backend)
    account: Any = {"paymentGatewayName": "NULLSuccess"}

    async def first_run() -> OperationResult:
        await client.gateway_accounts.set(ACCOUNT, account)
        return await client.payment_gateway.charge(pay(10.0, "loop-000001"))

    first = run_in_new_loop("first asyncio.run", first_run())
    second = run_in_new_loop(
        "second asyncio.run", client.payment_gateway.charge(pay(7.0, "loop-000002"))
    )
    run_in_new_loop("aclose in a third asyncio.run", client.aclose())
    assert (first.amount, second.amount) == (10.0, 7.0)
    assert landed(sandbox, "Charge") == [10.0, 7.0]


def test_an_async_client_first_used_in_a_loop_that_is_now_closed_works_in_another(
    sandbox: SandboxServer, clock: Clock, http_backend: HttpBackend
) -> None:
    """First use in a loop of another thread, closed since; then in this thread's loop."""
    client = loop_client(sandbox, clock, http_backend)
    account: Any = {"paymentGatewayName": "NULLSuccess"}
    done: list[OperationResult] = []

    def first_loop() -> None:
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(client.gateway_accounts.set(ACCOUNT, account))
            done.append(
                loop.run_until_complete(client.payment_gateway.charge(pay(3.0, "loop-000003")))
            )
        finally:
            loop.close()

    thread = threading.Thread(target=first_loop)
    thread.start()
    thread.join(REAL_TIME_GUARD)
    assert [r.amount for r in done] == [3.0]

    async def second_loop() -> OperationResult:
        try:
            return await client.payment_gateway.charge(pay(4.0, "loop-000004"))
        finally:
            await client.aclose()

    second = run_in_new_loop("second loop", second_loop())
    assert second.amount == 4.0
    assert landed(sandbox, "Charge") == [3.0, 4.0]


# --- 9. the queue gives every place back, whatever happens to the body -------------------------


def queue_in_use(client: AsyncOrchestra) -> int:
    """The places held in the client's fair queue (found under the client's transport)."""
    transport: object = getattr(client.http_client, "_transport", None)
    for _ in range(8):
        queue = getattr(transport, "queue", None)
        if queue is not None and hasattr(queue, "in_use"):
            return int(queue.in_use)
        transport = getattr(transport, "inner", None)
        if transport is None:
            break
    pytest.fail("no fair queue found under the client's transport")


async def test_no_queue_place_is_lost_to_cut_bodies_bad_gzip_or_cancelled_reads(
    http_backend: HttpBackend,
) -> None:
    clock = Clock()
    async with (
        AsyncRawServer() as server,
        use_clock(
            AsyncOrchestra(
                api_key=TEST_KEY,
                base_url=server.base_url,
                limits=httpx.Limits(max_connections=2, max_keepalive_connections=2),
                timeout=httpx.Timeout(5.0, pool=1.0),
                retry=RetryPolicy(wait_jitter=0),
                http_backend=http_backend,
            ),
            sleep=clock.async_sleep,
            clock=clock,
        ) as client,
    ):
        for mode in ("cut", "bad_gzip"):
            server.mode = mode
            for i in range(5):
                with pytest.raises(OutcomeUnknownError):
                    await asyncio.wait_for(
                        client.payment_gateway.charge(pay(10.0, f"queue-{mode}-{i}")),
                        REAL_TIME_GUARD,
                    )
            assert queue_in_use(client) == 0, f"places still held after {mode}"
        server.mode = "stall"
        for i in range(5):
            server.headers_sent.clear()
            task = asyncio.create_task(client.payment_gateway.charge(pay(10.0, f"queue-st-{i}")))
            await until_set(server.headers_sent, task)
            for _ in range(50):  # let the client take the headers and start on the body
                await asyncio.sleep(0)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        assert queue_in_use(client) == 0, "places still held after cancelled reads"
        server.mode = "ok"
        result = await asyncio.wait_for(
            client.payment_gateway.charge(pay(10.0, "queue-ok")), REAL_TIME_GUARD
        )
        assert result.gateway_reference == "SBX-RAW-0001"
        assert queue_in_use(client) == 0
    assert len(server.requests) == 16


# --- 10. a keep-alive connection the server has since closed ----------------------------------


async def test_twenty_charges_over_connections_the_server_closed_while_idle_all_succeed(
    http_backend: HttpBackend,
) -> None:
    """Each answer is complete and valid; then, while the connection sits idle in the client's
    pool, the server closes it without ever having said ``Connection: close`` (an idle
    timeout). The close happens while the client's loop is blocked, as in a busy application,
    so the client learns of it only if it checks before reusing the connection. Reusing it
    would lose the next charge's answer (OutcomeUnknownError for a charge the server never
    even received)."""
    unknown = 0
    with OneShotServer() as server:
        async with use_clock(
            AsyncOrchestra(
                api_key=TEST_KEY,
                base_url=server.base_url,
                retry=RetryPolicy(wait_jitter=0),
                limits=LIMITS,
                http_backend=http_backend,
            ),
            sleep=Clock().async_sleep,
        ) as client:
            for i in range(20):
                received = len(server.requests)
                try:
                    await asyncio.wait_for(
                        client.payment_gateway.charge(pay(10.0, f"stale-{i:06d}")),
                        REAL_TIME_GUARD,
                    )
                except OutcomeUnknownError:
                    unknown += 1
                if len(server.requests) > received:
                    assert server.close_idle_connection(REAL_TIME_GUARD)
        received = len(server.requests)
    assert (unknown, received) == (0, 20)


# --- 11. the generated myRef is shown exactly, everywhere -----------------------------------------


def test_twenty_thousand_generated_my_refs_are_never_masked() -> None:
    for _ in range(20_000):
        ref = generate_my_ref()
        assert MY_REF.fullmatch(ref), ref
        assert redact_text(ref) == ref


HEX16 = st.one_of(
    st.text(alphabet="0123456789", min_size=16, max_size=16),
    st.text(alphabet="0123456789abcdef", min_size=16, max_size=16),
)


@settings(max_examples=150, deadline=None)
@given(draws=st.lists(HEX16, min_size=1, max_size=6))
def test_whatever_the_randomness_a_generated_my_ref_is_well_formed_and_never_masked(
    draws: list[str],
) -> None:
    """The generator's randomness injected: any sequence of draws (all digits included)."""
    import secrets

    pending = list(draws)

    def token_hex(nbytes: int) -> str:
        return pending.pop(0) if pending else secrets.token_hex(nbytes)

    ref = generate_my_ref(token_hex=token_hex)
    assert MY_REF.fullmatch(ref), ref
    assert ref.startswith(MY_REF_PREFIX)
    assert redact_text(ref) == ref


@pytest.mark.parametrize(
    "draw", ["53adc443be1e737e", "a737b737c737d737", "4242ab4242cd4242", "0a1b2c3d4e5f6789"]
)
def test_a_lost_charge_names_its_generated_my_ref_exactly_whatever_digits_it_holds(
    monkeypatch: pytest.MonkeyPatch, draw: str
) -> None:
    """The message of the error is what ends up in logs: it must name the myRef to reconcile
    exactly, even when the generated one happens to contain the call's CVV (737) or the card's
    last four digits (the randomness is injected, so that the case is certain)."""
    from orchestra_payments import _pipeline

    monkeypatch.setattr(
        _pipeline, "generate_my_ref", lambda: generate_my_ref(token_hex=lambda nbytes: draw)
    )
    body: Any = {k: v for k, v in CHARGE_BODY.items() if k != "myRef"}
    assert body["card"]["cvv"] == "737"
    client, script, _ = make_client([httpx.ReadTimeout("slow")])
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.charge(body)
    sent = json.loads(script.requests[0].content)["myRef"]
    assert sent == MY_REF_PREFIX + draw
    assert info.value.my_ref == sent
    assert f"myRef {sent!r}" in str(info.value), str(info.value)


@pytest.mark.parametrize("draw", [None, "a737b737c737d737"], ids=["random", "holds-cvv"])
async def test_the_cancellation_warning_shows_the_exact_generated_my_ref(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, draw: str | None
) -> None:
    if draw is not None:
        from orchestra_payments import _pipeline

        monkeypatch.setattr(
            _pipeline, "generate_my_ref", lambda: generate_my_ref(token_hex=lambda nbytes: draw)
        )
    body: Any = {k: v for k, v in CHARGE_BODY.items() if k != "myRef"}
    started = asyncio.Event()
    refs: list[str] = []

    async def hang(request: httpx.Request) -> httpx.Response:
        refs.append(json.loads(request.content)["myRef"])
        started.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async with AsyncOrchestra(
        api_key=TEST_KEY,
        base_url="https://api.orchestrasolutions.com",
        transport=httpx.MockTransport(hang),
    ) as client:
        with caplog.at_level(logging.WARNING, logger="orchestra_payments"):
            for _ in range(20):
                started.clear()
                task = asyncio.create_task(client.payment_gateway.charge(body))
                await until_set(started, task)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == len(refs) == 20
    for ref, message in zip(refs, warnings, strict=True):
        assert MY_REF.fullmatch(ref)
        assert "GatewayCharge cancelled" in message
        assert repr(ref) in message, (ref, message)
