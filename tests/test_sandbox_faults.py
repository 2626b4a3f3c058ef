"""The sandbox's reconciliation faults and status lookups, over raw HTTP (no client)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from overlay_helpers import Clock

from orchestra_sandbox import FAULT_KINDS, Fault, FaultError, SandboxServer, create_app

CARD = {
    "cardHolderName": "Jane Doe",
    "cardNumber": "4242424242424242",
    "expirationMonth": 12,
    "expirationYear": 2030,
}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(clock: Clock) -> Iterator[SandboxServer]:
    with SandboxServer(create_app(clock=clock)) as running:
        yield running


@pytest.fixture
def http(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.base_url, headers={"X-Api-Key": server.api_key}, timeout=5
    ) as client:
        client.put("/PaymentGatewayAccounts/ok1", json={"paymentGatewayName": "NULLSuccess"})
        yield client


def charge(http: httpx.Client, **over: Any) -> httpx.Response:
    body = {"amount": 5.0, "currency": "USD", "paymentGatewayAccountName": "ok1", "card": CARD}
    return http.post("/PaymentGateway/charge", json={**body, **over})


def test_the_new_fault_kinds_are_listed_and_validated() -> None:
    for kind in ("drop_before_commit", "late_commit", "status_429", "bad_gzip", "deep_nesting"):
        assert kind in FAULT_KINDS
    assert Fault.from_json({"kind": "late_commit", "seconds": 3}).seconds == 3
    with pytest.raises(FaultError):
        Fault.from_json({"kind": "late_commit", "seconds": -1})


def test_drop_before_commit_moves_nothing(server: SandboxServer, http: httpx.Client) -> None:
    server.app.inject("drop_before_commit", "GatewayCharge")
    with pytest.raises(httpx.RemoteProtocolError):
        charge(http, myRef="drop-000001")
    assert server.app.ledger() == []


def test_a_late_commit_lands_when_its_time_comes(
    server: SandboxServer, http: httpx.Client, clock: Clock
) -> None:
    server.app.inject("late_commit", "GatewayCharge", seconds=4.0)
    with pytest.raises(httpx.RemoteProtocolError):
        charge(http, myRef="late-000001")
    lookup = {"myRef": "late-000001", "paymentGatewayAccountName": "ok1"}
    assert http.post("/PaymentGateway/status", json=lookup).status_code == 409
    clock.now += 3.9
    assert server.app.ledger() == []
    clock.now += 0.1
    found = http.post("/PaymentGateway/status", json=lookup)
    assert (found.status_code, found.json()["operationResultCode"]) == (200, "Success")
    assert [e["myRef"] for e in server.app.ledger()] == ["late-000001"]


def test_a_late_commit_does_not_outlive_a_reset(
    server: SandboxServer, http: httpx.Client, clock: Clock
) -> None:
    server.app.inject("late_commit", "GatewayCharge", seconds=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        charge(http)
    server.app.reset()
    clock.now += 2
    assert server.app.ledger() == []


def test_429_with_retry_after_does_nothing(server: SandboxServer, http: httpx.Client) -> None:
    server.app.inject("status_429", "GatewayCharge", retry_after="7")
    answer = charge(http)
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "7")
    assert server.app.ledger() == []


@pytest.mark.parametrize("kind", ["bad_gzip", "deep_nesting"])
def test_broken_bodies_come_after_the_money_moved(
    server: SandboxServer, http: httpx.Client, kind: str
) -> None:
    server.app.inject(kind, "GatewayCharge")
    with http.stream("POST", "/PaymentGateway/charge", json=charge_body()) as answer:
        raw = b"".join(answer.iter_raw())
    assert answer.status_code == 202
    if kind == "bad_gzip":
        assert answer.headers["Content-Encoding"] == "gzip"
        assert not raw.startswith(b"{")
    else:
        assert raw.startswith(b"[[[[") and len(raw) == 200_000
    assert len(server.app.ledger()) == 1


def charge_body() -> dict[str, Any]:
    return {"amount": 5.0, "currency": "USD", "paymentGatewayAccountName": "ok1", "card": CARD}


def test_status_by_ref_trans_id_reports_the_latest_operation(http: httpx.Client) -> None:
    auth = http.post(
        "/PaymentGateway/authorize",
        json={**charge_body(), "myRef": "auth-000001"},
    ).json()
    ref = auth["gatewayReference"]
    follow = {**charge_body(), "refTransId": ref, "amount": 3.0}
    assert http.put("/PaymentGateway/capture", json=follow).status_code == 202
    lookup = {"refTransId": ref, "paymentGatewayAccountName": "ok1"}
    latest = http.post("/PaymentGateway/status", json=lookup).json()
    assert (latest["operationType"], latest["amount"]) == ("Capture", 3.0)
    assert http.request("DELETE", "/PaymentGateway/void", json=follow).status_code == 202
    latest = http.post("/PaymentGateway/status", json=lookup).json()
    assert latest["operationType"] == "Void"


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.parametrize("kind", ["drop_before_commit", "late_commit", "drop_after_commit"])
def test_a_drop_closes_the_connection_deliberately_and_logs_nothing(
    server: SandboxServer,
    http: httpx.Client,
    kind: str,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    # No filter hides anything: every record of the server's loggers (and asyncio's) is seen.
    loggers = [logging.getLogger(name) for name in ("", "uvicorn", "uvicorn.error", "asyncio")]
    seen = _Records()
    for logger in loggers:
        monkeypatch.setattr(logger, "filters", [])
        logger.addHandler(seen)
    try:
        sends: dict[str, Callable[[], httpx.Response]] = {
            "GatewayCharge": lambda: charge(http, myRef=f"{kind[:4]}-000001"),
            "ValidateApiKey": lambda: http.get("/Utils/apiKey"),  # no body to read
        }
        for operation, send in sends.items():
            server.app.inject(kind, operation, times=2)
            for _ in range(2):
                with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
                    send()
            assert http.get("/Utils/apiKey").status_code == 200  # a new connection answers
        assert server.app.settle(timeout=5)
    finally:
        for logger in loggers:
            logger.removeHandler(seen)
    assert [r.getMessage() for r in seen.records if r.levelno >= logging.WARNING] == []
    assert capfd.readouterr().err == ""
