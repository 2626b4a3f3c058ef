"""A newcomer's first hour with the sandbox: fault names as the ledger spells them, a fake
clock for reconcile, a clear word on a busy port, and 400 field names without a leading dot."""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conftest import PAN
from orchestra_payments import (
    AsyncOrchestra,
    BadRequestError,
    Orchestra,
    OutcomeUnknownError,
    RetryPolicy,
)
from orchestra_payments.testing import use_clock
from orchestra_sandbox import FaultError, SandboxServer
from orchestra_sandbox.pytest_plugin import SandboxClock

CARD = {
    "cardHolderName": "Jane Doe",
    "cardNumber": PAN,
    "expirationMonth": 12,
    "expirationYear": 2030,
}
MY_REF = "order-300001"


def charge_body(**over: Any) -> Any:
    return {
        "amount": 12.5,
        "currency": "USD",
        "myRef": MY_REF,
        "paymentGatewayAccountName": "nullok",
        "card": CARD,
        **over,
    }


def ledger_ops(server: SandboxServer) -> list[str]:
    return [entry["operation"] for entry in server.app.ledger()]


@pytest.fixture
def api(orchestra_sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=orchestra_sandbox.base_url,
        headers={"X-Api-Key": orchestra_sandbox.api_key},
        timeout=10,
    ) as client:
        yield client


@pytest.fixture
def client(orchestra_sandbox: SandboxServer) -> Iterator[Orchestra]:
    with use_clock(
        Orchestra(
            api_key=orchestra_sandbox.api_key,
            base_url=orchestra_sandbox.base_url,
            retry=RetryPolicy(wait_jitter=0),
        ),
        sleep=lambda seconds: None,
    ) as c:
        c.gateway_accounts.set("nullok", {"paymentGatewayName": "NULLSuccess"})
        yield c


# --- 1. faults named as the ledger names operations ----------------------------------------


@pytest.mark.parametrize(
    ("name", "operation_id"),
    [
        ("Charge", "GatewayCharge"),
        ("PreAuth", "GatewayAuthorize"),
        ("Capture", "GatewayCapture"),
        ("Refund", "GatewayRefund"),
        ("Void", "GatewayVoid"),
        ("charge", "GatewayCharge"),
        ("status", "GatewayStatus"),
        ("GatewayCharge", "GatewayCharge"),
        (None, None),
    ],
)
def test_a_fault_accepts_the_ledgers_names_and_stores_the_operation_id(
    orchestra_sandbox: SandboxServer, name: str | None, operation_id: str | None
) -> None:
    fault = orchestra_sandbox.app.inject("status_503", name)
    assert fault.operation == operation_id
    assert [f.operation for f in orchestra_sandbox.app.faults.pending()] == [operation_id]


def test_drop_after_commit_on_charge_by_its_ledger_name_fires(
    client: Orchestra, orchestra_sandbox: SandboxServer
) -> None:
    orchestra_sandbox.app.inject("drop_after_commit", "Charge")
    with pytest.raises(OutcomeUnknownError):
        client.payment_gateway.charge(charge_body())
    assert ledger_ops(orchestra_sandbox) == ["Charge"]  # the money moved, the answer was lost
    assert orchestra_sandbox.app.faults.pending() == []


def test_an_unknown_operation_is_refused_listing_the_operation_ids(
    orchestra_sandbox: SandboxServer,
) -> None:
    with pytest.raises(FaultError) as info:
        orchestra_sandbox.app.inject("drop_after_commit", "Chrge")
    message = str(info.value)
    assert message.startswith("unknown operation 'Chrge' (did you mean 'GatewayCharge'?); ")
    for operation_id in ("GatewayCharge", "GatewayAuthorize", "GatewayStatus", "StartSession"):
        assert operation_id in message
    assert "Charge (= GatewayCharge)" in message
    assert orchestra_sandbox.app.faults.pending() == []


def test_an_ambiguous_operation_says_which_to_use(orchestra_sandbox: SandboxServer) -> None:
    with pytest.raises(FaultError) as info:
        orchestra_sandbox.app.inject("status_503", "Delete")
    assert str(info.value) == (
        "operation 'Delete' is ambiguous: use one of PaymentGatewayAccountDelete, StringTokenDelete"
    )
    assert orchestra_sandbox.app.faults.pending() == []


def test_the_faults_route_maps_ledger_names_and_refuses_unknown_ones(api: httpx.Client) -> None:
    ok = api.post("/_sandbox/faults", json={"kind": "drop_after_commit", "operation": "Refund"})
    assert ok.status_code == 201
    assert ok.json()["operation"] == "GatewayRefund"
    bad = api.post("/_sandbox/faults", json={"kind": "drop_after_commit", "operation": "Chrage"})
    assert bad.status_code == 400
    assert bad.json()["error"].startswith("unknown operation 'Chrage'")
    assert "GatewayCharge" in bad.json()["error"]
    not_text = api.post("/_sandbox/faults", json={"kind": "status_503", "operation": 5})
    assert not_text.status_code == 400
    assert "operation must be a string" in not_text.json()["error"]
    assert [f["operation"] for f in api.get("/_sandbox/faults").json()] == ["GatewayRefund"]


# --- 2. the fake clock ---------------------------------------------------------------------


def test_the_clock_moves_only_when_slept_on() -> None:
    clock = SandboxClock()
    assert clock() == 0.0
    clock.sleep(1.5)
    asyncio.run(clock.async_sleep(2.0))
    clock.advance(0.5)
    assert clock() == 4.0
    assert clock.slept == [1.5, 2.0]
    with pytest.raises(ValueError):
        clock.sleep(-1)


def test_a_lost_charge_reconciles_to_not_found_in_well_under_a_second(
    orchestra_sandbox_with_clock: SandboxServer, orchestra_sandbox_clock: SandboxClock
) -> None:
    server, clock = orchestra_sandbox_with_clock, orchestra_sandbox_clock
    with use_clock(
        Orchestra(api_key=server.api_key, base_url=server.base_url), sleep=clock.sleep, clock=clock
    ) as client:
        client.gateway_accounts.set("nullok", {"paymentGatewayName": "NULLSuccess"})
        server.app.inject("drop_before_commit", "Charge")
        with pytest.raises(OutcomeUnknownError) as info:
            client.payment_gateway.charge(charge_body())
        started = time.monotonic()
        found = client.payment_gateway.reconcile(info.value)
        real_seconds = time.monotonic() - started
    assert found.verdict == "not_found"
    assert found.lookups >= 2
    assert clock() >= 10.0  # the lookups spread over the 10 s a "not_found" needs...
    assert real_seconds < 1.0  # ...on the fake clock
    assert ledger_ops(server) == []  # no money moved: charging again is safe


def test_a_lost_async_charge_reconciles_on_the_fake_clock(
    orchestra_sandbox_with_clock: SandboxServer, orchestra_sandbox_clock: SandboxClock
) -> None:
    server, clock = orchestra_sandbox_with_clock, orchestra_sandbox_clock

    async def scenario() -> str:
        async with use_clock(
            AsyncOrchestra(api_key=server.api_key, base_url=server.base_url),
            sleep=clock.async_sleep,
            clock=clock,
        ) as client:
            await client.gateway_accounts.set("nullok", {"paymentGatewayName": "NULLSuccess"})
            server.app.inject("drop_before_commit", "Charge")
            with pytest.raises(OutcomeUnknownError) as info:
                await client.payment_gateway.charge(charge_body())
            return (await client.payment_gateway.reconcile(info.value)).verdict

    started = time.monotonic()
    assert asyncio.run(scenario()) == "not_found"
    assert time.monotonic() - started < 1.0
    assert clock() >= 10.0


def test_a_late_commit_lands_when_the_fake_clock_reaches_it(
    orchestra_sandbox_with_clock: SandboxServer, orchestra_sandbox_clock: SandboxClock
) -> None:
    server, clock = orchestra_sandbox_with_clock, orchestra_sandbox_clock
    assert server.app.clock is clock
    with use_clock(
        Orchestra(api_key=server.api_key, base_url=server.base_url), sleep=clock.sleep, clock=clock
    ) as client:
        client.gateway_accounts.set("nullok", {"paymentGatewayName": "NULLSuccess"})
        server.app.inject("late_commit", "Charge", seconds=5.0)
        with pytest.raises(OutcomeUnknownError):
            client.payment_gateway.charge(charge_body())
        clock.advance(4.9)
        assert ledger_ops(server) == []
        clock.advance(0.1)
        assert ledger_ops(server) == ["Charge"]
        found = client.payment_gateway.status({"myRef": MY_REF})
    assert found.amount == 12.5


def test_the_plain_fixture_keeps_the_real_clock(orchestra_sandbox: SandboxServer) -> None:
    # After the fake-clock tests above: their fixture gave the shared server its clock back.
    assert orchestra_sandbox.app.clock is time.monotonic
    assert orchestra_sandbox.app.ledger() == []


# --- 3. python -m orchestra_sandbox on a busy port -----------------------------------------


def run_sandbox(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestra_sandbox", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_busy_port_is_one_clear_line_and_no_banner() -> None:
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        result = run_sandbox("--port", str(port))
    assert result.returncode == 1
    assert result.stdout == ""  # no "Orchestra sandbox on ..." banner first
    assert result.stderr == (
        f"python -m orchestra_sandbox: port {port} is already in use on 127.0.0.1 "
        f"(is another sandbox running?); pass another port (--port {port + 1}), "
        "or --port 0 for a free one\n"
    )


def test_a_port_that_is_not_a_port_is_one_line() -> None:
    result = run_sandbox("--port", "70000")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "python -m orchestra_sandbox: port 70000 is not a TCP port; "
        "pass 1 to 65535, or 0 for a free one\n"
    )


def test_port_0_serves_on_a_free_port_and_prints_it() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestra_sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        match = re.fullmatch(r"Orchestra sandbox on http://127\.0\.0\.1:(\d+)\n", banner)
        assert match, banner
        port = int(match[1])
        assert port != 0
        # The socket listens before the banner: the request waits for the server, not fails.
        answer = httpx.get(
            f"http://127.0.0.1:{port}/Utils/apiKey",
            headers={"X-Api-Key": "sandbox-orchestra-key"},
            timeout=30,
        )
        assert answer.status_code == 200
        assert answer.json()["isSandbox"] is True
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


# --- 4. 400 field names, without a leading dot ---------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"paymentGatewayName": "Nope"}, "paymentGatewayName"),
        ({"paymentGatewayName": "SandboxCards", "credentials": []}, "credentials"),
        ({"paymentGatewayName": "SandboxCards", "credentials": "x"}, "credentials"),
        ({"paymentGatewayName": "SandboxCards", "credentials": [1]}, "credentials[0]"),
    ],
)
def test_an_account_400_names_the_field_without_a_dot(
    api: httpx.Client, body: dict[str, Any], field: str
) -> None:
    r = api.put("/PaymentGatewayAccounts/acct1", json=body)
    assert r.status_code == 400
    assert r.json()["fieldName"] == field
    assert api.get("/PaymentGatewayAccounts/acct1").status_code == 404


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"card": {**CARD, "cardNumber": "4242424242424241"}}, "card.cardNumber"),
        ({"card": {**CARD, "cvv": "12"}}, "card.cvv"),
        (
            {
                "paymentGatewayAccountName": None,
                "paymentGatewayAccount": {"paymentGatewayName": "Nope"},
            },
            "paymentGatewayAccount.paymentGatewayName",
        ),
        (
            {
                "paymentGatewayAccountName": None,
                "paymentGatewayAccount": {"paymentGatewayName": "SandboxCards"},
            },
            "paymentGatewayAccount.credentials",
        ),
        (
            {"payerDetails": {"clientIPAddress": "10.0.0.1", "countryCode": "usa"}},
            "payerDetails.countryCode",
        ),
    ],
)
def test_a_charge_400_names_nested_fields_with_dots_between_only(
    api: httpx.Client, over: dict[str, Any], field: str
) -> None:
    api.put("/PaymentGatewayAccounts/nullok", json={"paymentGatewayName": "NULLSuccess"})
    r = api.post("/PaymentGateway/charge", json=charge_body(**over))
    assert r.status_code == 400
    assert r.json()["fieldName"] == field
    assert api.get("/_sandbox/ledger").json() == []


def test_the_client_sees_the_field_name_without_a_dot(client: Orchestra) -> None:
    with pytest.raises(BadRequestError) as info:
        client.gateway_accounts.set("acct1", {"paymentGatewayName": "NoSuchGateway"})
    assert info.value.field_name == "paymentGatewayName"
