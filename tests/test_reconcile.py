"""Reconciliation: what an OutcomeUnknownError carries, and reconcile()'s verdicts."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from overlay_helpers import (
    CHARGE_BODY,
    REFUND_BODY,
    SUCCESS,
    Clock,
    make_async_client,
    make_client,
    status,
)

from orchestra_payments import (
    MY_REF_PREFIX,
    AsyncOrchestra,
    GatewayRejectedError,
    NotFoundError,
    Orchestra,
    OutcomeUnknownError,
    RequestValidationError,
    RetryPolicy,
    TransactionNotFoundError,
)
from orchestra_payments.testing import use_clock
from orchestra_sandbox import SandboxServer, create_app

NOT_FOUND = {**SUCCESS, "operationResultCode": "Rejected", "gatewayResultCode": "NOT_FOUND"}
MY_REF = re.compile(r"^orc-[0-9a-f]{16}$")


def sent(request: httpx.Request) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(request.content)
    return body


# --- what the error carries -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "call"),
    [
        ("GatewayCapture", "capture"),
        ("GatewayRefund", "refund"),
        ("GatewayVoid", "void"),
    ],
)
def test_a_lost_follow_up_carries_its_transaction_and_advice_by_ref_trans_id(
    op: str, call: str
) -> None:
    client, _, _ = make_client([httpx.ReadTimeout("slow")])
    with pytest.raises(OutcomeUnknownError) as info:
        getattr(client.payment_gateway, call)(REFUND_BODY)
    error = info.value
    assert (error.operation, error.ref_trans_id, error.payment_gateway_account_name) == (
        op,
        "tx-1",
        "nullok",
    )
    assert error.amount == 10.0
    assert error.status_code is None and error.result is None
    message = str(error)
    assert "reconcile(error)" in message
    assert "refTransId 'tx-1'" in message
    assert "status by myRef does not find" in message
    assert "4242" not in message and "737" not in message


def test_a_lost_charge_carries_its_my_ref_and_advice_by_my_ref() -> None:
    client, _, _ = make_client([httpx.RemoteProtocolError("dropped")])
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.charge(CHARGE_BODY)
    assert info.value.my_ref == "order-123456"
    assert info.value.ref_trans_id is None
    assert "myRef 'order-123456'" in str(info.value)


def test_an_unknown_result_code_is_outcome_unknown_with_the_parsed_result() -> None:
    client, _, _ = make_client(
        [status(202, {**SUCCESS, "operationResultCode": "x-unlisted-result"})]
    )
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.refund(REFUND_BODY)
    assert info.value.status_code == 202
    assert info.value.result is not None
    assert info.value.result.gateway_reference == "ref-1"


# --- the generated myRef --------------------------------------------------------------------


def test_a_charge_without_my_ref_gets_one_visible_on_request_result_and_error() -> None:
    body: Any = {k: v for k, v in CHARGE_BODY.items() if k != "myRef"}
    client, script, _ = make_client([status(202, SUCCESS), httpx.ReadTimeout("slow")])
    result = client.payment_gateway.charge(body)
    first = sent(script.requests[0])["myRef"]
    assert MY_REF.fullmatch(first) and first.startswith(MY_REF_PREFIX)
    assert result["myRef"] == first
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.authorize(body)
    second = sent(script.requests[1])["myRef"]
    assert info.value.my_ref == second != first
    assert "myRef" not in body  # the caller's mapping is not changed


def test_a_decline_names_the_my_ref_used() -> None:
    body: Any = {k: v for k, v in CHARGE_BODY.items() if k != "myRef"}
    client, script, _ = make_client([status(409, {**SUCCESS, "operationResultCode": "Rejected"})])
    with pytest.raises(GatewayRejectedError) as info:
        client.payment_gateway.charge(body)
    assert info.value.my_ref == sent(script.requests[0])["myRef"]


def test_a_caller_my_ref_is_sent_unchanged_and_follow_ups_get_none() -> None:
    client, script, _ = make_client([status(202, SUCCESS)])
    client.payment_gateway.charge(CHARGE_BODY)
    body: Any = {k: v for k, v in REFUND_BODY.items() if k != "myRef"}
    client.payment_gateway.refund(body)
    assert sent(script.requests[0])["myRef"] == "order-123456"
    assert "myRef" not in sent(script.requests[1])


@pytest.mark.parametrize("typo", ["myref", "MyRef", "MYREF"])
def test_a_misspelt_my_ref_is_refused_before_sending(typo: str) -> None:
    body: Any = {**{k: v for k, v in CHARGE_BODY.items() if k != "myRef"}, typo: "order-1"}
    client, script, _ = make_client([status(202, SUCCESS)])
    with pytest.raises(RequestValidationError, match="myRef") as info:
        client.payment_gateway.charge(body)
    assert info.value.field == typo
    assert script.requests == []


# --- reconcile() on scripted answers -------------------------------------------------------


def lost_charge(client: Orchestra) -> OutcomeUnknownError:
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.charge(CHARGE_BODY)
    return info.value


def test_reconcile_asks_again_until_found_and_never_sends_money() -> None:
    client, script, clock = make_client(
        [
            httpx.ReadTimeout("slow"),
            status(409, NOT_FOUND),
            status(409, NOT_FOUND),
            status(200, SUCCESS),
        ]
    )
    error = lost_charge(client)
    start = clock.now
    outcome = client.payment_gateway.reconcile(error)
    assert outcome.verdict == "succeeded"
    assert outcome.result is not None and outcome.result.gateway_reference == "ref-1"
    assert outcome.lookups == 3
    assert clock.now - start == 0.5 + 1.0
    lookups = script.requests[1:]
    assert {r.url.path for r in lookups} == {"/PaymentGateway/status"}
    assert sent(lookups[0]) == {"myRef": "order-123456", "paymentGatewayAccountName": "nullok"}


def test_not_found_only_after_the_whole_wait() -> None:
    client, script, clock = make_client([httpx.ReadTimeout("slow"), status(409, NOT_FOUND)])
    error = lost_charge(client)
    start = clock.now
    outcome = client.payment_gateway.reconcile(error, wait=20)
    assert outcome.verdict == "not_found"
    # The last lookup starts with RECONCILE_LOOKUP_TIME (0.5 s) of the wait left for it.
    assert clock.now - start == 19.5
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0]
    assert outcome.lookups == len(script.requests) - 1 == 8
    assert "8 lookups over 19.5 s" in outcome.reason


@pytest.mark.parametrize("wait", [0, 1, 5, 10])
def test_no_not_found_from_lookups_over_less_than_the_minimum_window(wait: float) -> None:
    client, script, clock = make_client([httpx.ReadTimeout("slow"), status(409, NOT_FOUND)])
    error = lost_charge(client)
    start = clock.now
    outcome = client.payment_gateway.reconcile(error, wait=wait)
    assert outcome.verdict == "undetermined"
    assert "at least 10 s" in outcome.reason
    assert clock.now - start <= wait
    if wait == 0:
        assert outcome.lookups == 0 and len(script.requests) == 1


@pytest.mark.parametrize(
    "answer",
    [
        status(200, {**SUCCESS, "operationResultCode": "NotImplemented"}),
        status(401, {"fieldName": "X-Api-Key", "errors": ["no"]}),
        status(400, {"fieldName": "myRef", "errors": ["bad"]}),
    ],
    ids=["NotImplemented", "401", "400"],
)
def test_a_lookup_the_gateway_cannot_answer_is_undetermined_at_once(
    answer: httpx.Response,
) -> None:
    client, script, _ = make_client([httpx.ReadTimeout("slow"), answer])
    outcome = client.payment_gateway.reconcile(lost_charge(client))
    assert outcome.verdict == "undetermined"
    assert len(script.requests) == 2


@pytest.mark.parametrize(
    "failure",
    [status(500), status(502, b"<html>502 Bad Gateway</html>"), status(200, b"")],
    ids=["500", "proxy 502", "empty 200"],
)
def test_a_lookup_that_failed_on_the_way_is_asked_again(failure: httpx.Response) -> None:
    client, script, _ = make_client(
        [httpx.ReadTimeout("slow"), failure, status(200, SUCCESS)], retry=RetryPolicy(attempts=1)
    )
    outcome = client.payment_gateway.reconcile(lost_charge(client))
    assert outcome.verdict == "succeeded"
    assert outcome.lookups == 2 and len(script.requests) == 3


def test_a_lookup_that_stays_unavailable_is_undetermined_not_not_found() -> None:
    client, _, _ = make_client(
        [httpx.ReadTimeout("slow"), status(503)], retry=RetryPolicy(attempts=1)
    )
    outcome = client.payment_gateway.reconcile(lost_charge(client), wait=5)
    assert outcome.verdict == "undetermined"


def test_a_charge_found_with_another_amount_is_undetermined() -> None:
    other = {**SUCCESS, "amount": 99.0}  # a reused myRef: not the charge that was lost
    client, _, _ = make_client([httpx.ReadTimeout("slow"), status(200, other)])
    outcome = client.payment_gateway.reconcile(lost_charge(client), wait=2)
    assert outcome.verdict == "undetermined"


def test_a_declined_charge_is_declined() -> None:
    rejected = {**SUCCESS, "operationResultCode": "Rejected", "gatewayResultCode": "05"}
    client, _, _ = make_client([httpx.ReadTimeout("slow"), status(200, rejected)])
    outcome = client.payment_gateway.reconcile(lost_charge(client))
    assert outcome.verdict == "declined"
    assert outcome.result is not None and outcome.result.gateway_result_code == "05"


def refund_answer(kind: str, amount: float) -> httpx.Response:
    return status(200, {**SUCCESS, "operationType": kind, "amount": amount})


@pytest.mark.parametrize(
    ("answers", "verdict"),
    [
        ([refund_answer("Refund", 10.0)], "succeeded"),
        ([refund_answer("Charge", 10.0)], "not_found"),
        ([refund_answer("Charge", 10.0), refund_answer("Refund", 10.0)], "succeeded"),
        ([refund_answer("Refund", 3.0)], "undetermined"),  # an earlier refund, not this one
        ([refund_answer("Void", 10.0)], "undetermined"),
    ],
)
def test_a_refund_is_judged_by_type_and_amount_of_the_latest_operation(
    answers: list[httpx.Response], verdict: str
) -> None:
    client, script, _ = make_client([httpx.ReadTimeout("slow"), *answers])
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.refund(REFUND_BODY)
    outcome = client.payment_gateway.reconcile(info.value, wait=12)
    assert outcome.verdict == verdict
    assert sent(script.requests[1]) == {"refTransId": "tx-1", "paymentGatewayAccountName": "nullok"}
    assert {r.url.path for r in script.requests[1:]} == {"/PaymentGateway/status"}


def test_reconcile_by_a_stored_my_ref_without_the_exception() -> None:
    client, script, _ = make_client([status(200, SUCCESS)])
    outcome = client.payment_gateway.reconcile(
        my_ref="order-123456", payment_gateway_account_name="nullok"
    )
    assert outcome.verdict == "succeeded"
    assert sent(script.requests[0])["myRef"] == "order-123456"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"my_ref": "order-123456"}, "payment_gateway_account_name"),
        ({"ref_trans_id": "tx-1", "payment_gateway_account_name": "a1b"}, "operation"),
        ({"payment_gateway_account_name": "a1b"}, "my_ref"),
        ({"my_ref": "x", "operation": "tokenize", "payment_gateway_account_name": "a1b"}, None),
        ({"operation": "refund", "payment_gateway_account_name": "a1b"}, "ref_trans_id"),
    ],
)
def test_reconcile_without_enough_to_look_up_says_what_is_missing(
    kwargs: dict[str, Any], field: str | None
) -> None:
    client, script, _ = make_client([status(200, SUCCESS)])
    with pytest.raises(RequestValidationError) as info:
        client.payment_gateway.reconcile(**kwargs)
    assert info.value.field == (field or "operation")
    assert script.requests == []


async def test_async_reconcile_waits_with_the_injected_sleep() -> None:
    client, script, clock = make_async_client(
        [httpx.ReadTimeout("slow"), status(409, NOT_FOUND), status(200, SUCCESS)]
    )
    async with client:
        with pytest.raises(OutcomeUnknownError) as info:
            await client.payment_gateway.charge(CHARGE_BODY)
        outcome = await client.payment_gateway.reconcile(info.value)
    assert outcome.verdict == "succeeded"
    assert clock.sleeps == [0.5]
    assert len(script.requests) == 3


# --- against the sandbox ----------------------------------------------------------------------


@pytest.fixture
def fake_clock() -> Clock:
    return Clock()


@pytest.fixture
def sandbox(fake_clock: Clock) -> Iterator[SandboxServer]:
    with SandboxServer(create_app(clock=fake_clock)) as server:
        yield server


@pytest.fixture
def client(sandbox: SandboxServer, fake_clock: Clock) -> Iterator[Orchestra]:
    with use_clock(
        Orchestra(
            api_key=sandbox.api_key, base_url=sandbox.base_url, retry=RetryPolicy(wait_jitter=0)
        ),
        sleep=fake_clock.sleep,
        clock=fake_clock,
    ) as c:
        c.gateway_accounts.set("nullok", {"paymentGatewayName": "NULLSuccess"})
        yield c


def pay(**over: Any) -> Any:
    card: dict[str, Any] = {
        "cardHolderName": "J D",
        "cardNumber": "4242424242424242",
        "expirationMonth": 12,
        "expirationYear": 2030,
    }
    base: dict[str, Any] = {
        "amount": 30.0,
        "currency": "USD",
        "paymentGatewayAccountName": "nullok",
    }
    return {**base, "card": card, **over}


def entries(sandbox: SandboxServer, kind: str) -> list[dict[str, Any]]:
    return [e for e in sandbox.app.ledger() if e["operation"] == kind and e["result"] == "Success"]


def test_a_refund_dropped_after_commit_reconciles_as_succeeded_with_one_refund(
    client: Orchestra, sandbox: SandboxServer
) -> None:
    charge = client.payment_gateway.charge(pay())
    sandbox.app.inject("drop_after_commit", "GatewayRefund")
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.refund(pay(refTransId=charge.gateway_reference, amount=12.0))
    outcome = client.payment_gateway.reconcile(info.value)
    assert outcome.verdict == "succeeded"
    assert outcome.result is not None and str(outcome.result.operation_type) == "Refund"
    assert len(entries(sandbox, "Refund")) == 1


def test_reconciling_during_a_late_commit_waits_and_gives_succeeded(
    client: Orchestra, sandbox: SandboxServer, fake_clock: Clock
) -> None:
    sandbox.app.inject("late_commit", "GatewayCharge", seconds=5.0)
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.charge(pay())
    assert entries(sandbox, "Charge") == []  # not landed yet
    start = fake_clock.now
    outcome = client.payment_gateway.reconcile(info.value)
    assert outcome.verdict == "succeeded"
    assert fake_clock.now - start >= 5.0
    assert outcome.lookups >= 3
    assert len(entries(sandbox, "Charge")) == 1


def test_a_status_lookup_that_finds_nothing_is_not_a_decline(client: Orchestra) -> None:
    with pytest.raises(TransactionNotFoundError) as info:
        client.payment_gateway.status(
            {"myRef": "never-sent-1", "paymentGatewayAccountName": "nullok"}
        )
    assert not isinstance(info.value, GatewayRejectedError)
    assert info.value.gateway_result_code == "NOT_FOUND"
    assert info.value.status_code == 409


def test_status_by_ref_trans_id_reports_the_latest_operation(
    client: Orchestra, sandbox: SandboxServer
) -> None:
    auth = client.payment_gateway.authorize(pay(myRef="order-777777"))
    ref = auth.gateway_reference
    client.payment_gateway.capture(pay(refTransId=ref, amount=20.0))
    latest = client.payment_gateway.status(
        {"refTransId": ref, "paymentGatewayAccountName": "nullok"}
    )
    assert (str(latest.operation_type), latest.amount) == ("Capture", 20.0)
    by_ref = client.payment_gateway.status({"myRef": "order-777777"})
    assert by_ref.gateway_reference == ref


def test_drop_before_commit_moves_nothing_and_reconciles_as_not_found(
    client: Orchestra, sandbox: SandboxServer
) -> None:
    sandbox.app.inject("drop_before_commit", "GatewayCharge")
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.charge(pay())
    assert client.payment_gateway.reconcile(info.value, wait=11).verdict == "not_found"
    assert sandbox.app.ledger() == []


# --- cancellation ---------------------------------------------------------------------------


async def test_a_cancelled_charge_logs_a_warning_with_my_ref_and_reraises(
    caplog: pytest.LogCaptureFixture,
) -> None:
    started = asyncio.Event()

    async def hang(request: httpx.Request) -> httpx.Response:
        started.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    client = AsyncOrchestra(
        api_key="sk_test_x",
        base_url="https://api.orchestrasolutions.com",
        transport=httpx.MockTransport(hang),
    )
    async with client:
        task = asyncio.create_task(client.payment_gateway.charge(CHARGE_BODY))
        await started.wait()
        task.cancel()
        with (
            caplog.at_level("WARNING", logger="orchestra_payments"),
            pytest.raises(asyncio.CancelledError),
        ):
            await task
    assert any("GatewayCharge cancelled" in m and "order-123456" in m for m in caplog.messages), (
        caplog.messages
    )


async def test_a_cancelled_read_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    started = asyncio.Event()

    async def hang(request: httpx.Request) -> httpx.Response:
        started.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    client = AsyncOrchestra(
        api_key="sk_test_x",
        base_url="https://api.orchestrasolutions.com",
        transport=httpx.MockTransport(hang),
    )
    async with client:
        task = asyncio.create_task(client.gateway_accounts.list())
        await started.wait()
        task.cancel()
        with (
            caplog.at_level("WARNING", logger="orchestra_payments"),
            pytest.raises(asyncio.CancelledError),
        ):
            await task
    assert caplog.messages == []


# --- the low-level path -------------------------------------------------------------------


def test_a_low_level_charge_without_my_ref_gets_one_and_is_reconcilable() -> None:
    from orchestra_api.api.payment_gateway import gateway_charge
    from orchestra_api.models import ChargeRequest

    body: Any = {k: v for k, v in CHARGE_BODY.items() if k != "myRef"}
    client, script, _ = make_client([httpx.ReadTimeout("slow"), status(200, SUCCESS)])
    with pytest.raises(OutcomeUnknownError) as info:
        gateway_charge.sync_detailed(client=client.low_level, body=ChargeRequest.from_dict(body))
    sent_ref = sent(script.requests[0])["myRef"]
    assert MY_REF.fullmatch(sent_ref)
    assert info.value.my_ref == sent_ref
    assert f"myRef {sent_ref!r}" in str(info.value)
    assert client.payment_gateway.reconcile(info.value).verdict == "succeeded"
    assert sent(script.requests[1])["myRef"] == sent_ref


def test_a_low_level_charge_with_my_ref_is_sent_byte_for_byte() -> None:
    from orchestra_api.api.payment_gateway import gateway_charge
    from orchestra_api.models import ChargeRequest

    client, script, _ = make_client([status(202, SUCCESS)])
    gateway_charge.sync_detailed(client=client.low_level, body=ChargeRequest.from_dict(CHARGE_BODY))
    request = script.requests[0]
    assert sent(request)["myRef"] == "order-123456"
    assert int(request.headers["Content-Length"]) == len(request.content)


def test_a_charge_that_cannot_be_looked_up_says_so() -> None:
    from orchestra_payments._errors import advice, facts_of_body

    message = advice("GatewayCharge", facts_of_body({"amount": 1}))
    assert "without myRef" in message and "reconcile" not in message


def test_a_token_delete_whose_answer_was_dropped_reports_success(
    client: Orchestra, sandbox: SandboxServer
) -> None:
    token = client.string_tokens.create({"payload": "4242424242424242"}).token
    assert isinstance(token, str)
    sandbox.app.inject("drop_after_commit", "StringTokenDelete")
    client.string_tokens.delete(token)  # the first try deleted it; the retry finds nothing
    with pytest.raises(NotFoundError):
        client.string_tokens.retrieve(token)


def test_a_refund_resent_after_not_found_is_told_from_the_one_that_never_landed(
    client: Orchestra, sandbox: SandboxServer
) -> None:
    charge = client.payment_gateway.charge(pay(amount=20.0))
    refund = pay(refTransId=charge.gateway_reference, amount=5.0)
    sandbox.app.inject("drop_before_commit", "GatewayRefund")
    with pytest.raises(OutcomeUnknownError) as first:
        client.payment_gateway.refund(refund)
    assert client.payment_gateway.reconcile(first.value).verdict == "not_found"
    sandbox.app.inject("drop_after_commit", "GatewayRefund")
    with pytest.raises(OutcomeUnknownError) as again:
        client.payment_gateway.refund(refund)  # as README advises after not_found
    outcome = client.payment_gateway.reconcile(again.value)
    assert outcome.verdict == "succeeded", outcome.reason
    assert len(entries(sandbox, "Refund")) == 1


def test_the_follow_up_record_is_bounded() -> None:
    from orchestra_payments._pipeline import (
        FOLLOW_UP_TRANSACTIONS,
        FOLLOW_UPS_PER_TRANSACTION,
        FollowUpLog,
    )

    log = FollowUpLog()
    for i in range(FOLLOW_UP_TRANSACTIONS + 500):
        log.sent(f"tx-{i}", "Refund", 1.0)
    assert len(log) == FOLLOW_UP_TRANSACTIONS
    assert log.record("tx-0") is None  # the least recently used went first
    for _ in range(FOLLOW_UPS_PER_TRANSACTION + 3):
        log.sent("busy", "Capture", 1.0)
    busy = log.record("busy")
    assert busy is not None
    assert (len(busy.follow_ups), busy.complete) == (FOLLOW_UPS_PER_TRANSACTION, False)


def test_a_follow_up_whose_record_was_evicted_is_undetermined() -> None:
    from orchestra_payments._pipeline import FOLLOW_UP_TRANSACTIONS

    client, _, _ = make_client(
        [httpx.ReadTimeout("slow"), status(200, {**SUCCESS, "operationType": "Refund"})]
    )
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.refund(REFUND_BODY)
    for i in range(FOLLOW_UP_TRANSACTIONS):  # other transactions push this one out
        client._pipeline.follow_ups.sent(f"other-{i}", "Refund", 1.0)
    outcome = client.payment_gateway.reconcile(info.value, wait=2)
    assert outcome.verdict == "undetermined"
    assert "no longer holds its record" in outcome.reason


def test_what_reconcile_knows_of_each_operation_comes_from_the_operations_table() -> None:
    import yaml

    from conftest import ROOT
    from orchestra_payments._generated_operations import FOLLOW_UPS, OPERATIONS, ORIGINALS

    table: dict[str, dict[str, Any]] = yaml.safe_load(
        (ROOT / "openapi" / "operations.yaml").read_text()
    )
    money = {name: row for name, row in table.items() if row["retry"] == "money"}
    assert {
        name: row["reported_as"] for name, row in money.items() if row["found_by"] == "myRef"
    } == ORIGINALS
    assert {
        name: row["reported_as"] for name, row in money.items() if row["found_by"] == "refTransId"
    } == FOLLOW_UPS
    assert (
        {op.operation_id for op in OPERATIONS if op.lookup}
        == {name for name, row in table.items() if row.get("lookup")}
        == {"GatewayStatus"}
    )


def test_a_refund_of_a_decimal_amount_is_reconciled_by_its_amount(
    client: Orchestra, sandbox: SandboxServer
) -> None:
    from decimal import Decimal

    charge = client.payment_gateway.charge(pay(amount=20.0))
    sandbox.app.inject("drop_after_commit", "GatewayRefund")
    with pytest.raises(OutcomeUnknownError) as info:
        client.payment_gateway.refund(
            pay(refTransId=charge.gateway_reference, amount=Decimal("7.50"))
        )
    assert info.value.amount == 7.5
    assert client.payment_gateway.reconcile(info.value).verdict == "succeeded"
    by_reference = client.payment_gateway.reconcile(
        ref_trans_id=charge.gateway_reference,
        operation="refund",
        amount=Decimal("7.50"),
        payment_gateway_account_name="nullok",
    )
    assert by_reference.verdict == "succeeded"
