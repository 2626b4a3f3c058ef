"""Every money operation x every fault kind, with and without a caller myRef, sync and async:
after each, reconcile and compare with the sandbox's ledger (``make chaos`` prints the table).

The sandbox and the client share a fake clock: retry waits, reconcile's backoff and the
sandbox's late commits all move it, so nothing sleeps but the latency cases (the client's
read timeout must really expire).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from chaos import (
    CASES,
    LATENCY_TIMEOUT,
    MATRIX,
    NOTHING_HAPPENED,
    OPERATION_ID,
    ORIGINAL,
    RUN,
    Case,
    fault_options,
    money_body,
    reconcile_kwargs,
    record,
)
from overlay_helpers import Clock

from conftest import HttpBackend
from orchestra_payments import (
    AsyncOrchestra,
    Orchestra,
    OrchestraError,
    OutcomeUnknownError,
    Reconciliation,
    RetryPolicy,
)
from orchestra_payments.testing import use_clock
from orchestra_sandbox import SandboxServer, create_app


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def server(clock: Clock) -> Iterator[SandboxServer]:
    with SandboxServer(create_app(clock=clock)) as running:
        yield running


@pytest.fixture
def sync_client(server: SandboxServer, clock: Clock) -> Iterator[Orchestra]:
    server.app.reset()
    with use_clock(
        Orchestra(
            api_key=server.api_key, base_url=server.base_url, retry=RetryPolicy(wait_jitter=0)
        ),
        sleep=clock.sleep,
        clock=clock,
    ) as client:
        client.gateway_accounts.set("chaosok", {"paymentGatewayName": "NULLSuccess"})
        yield client
    server.app.settle()
    server.app.reset()


@pytest.fixture
async def async_client(
    server: SandboxServer, clock: Clock, http_backend: HttpBackend
) -> AsyncIterator[AsyncOrchestra]:
    server.app.reset()
    async with use_clock(
        AsyncOrchestra(
            api_key=server.api_key,
            base_url=server.base_url,
            retry=RetryPolicy(wait_jitter=0),
            http_backend=http_backend,
        ),
        sleep=clock.async_sleep,
        clock=clock,
    ) as client:
        await client.gateway_accounts.set("chaosok", {"paymentGatewayName": "NULLSuccess"})
        yield client
    server.app.settle()
    server.app.reset()


def _timeout(case: Case) -> httpx.Timeout | None:
    return httpx.Timeout(5.0, read=LATENCY_TIMEOUT) if case.fault == "latency" else None


def _check(
    case: Case, outcome: Any, verdict: Reconciliation, server: SandboxServer, ref: Any
) -> None:
    row = record(case, outcome, verdict, server.app.ledger(), ref)
    assert not row.duplicated, row
    assert not row.reported_failed, row
    assert not row.disagrees, row
    # What a caller sees: a result, or an unknown outcome, never a wrong typed failure.
    assert row.raised in ("", "OutcomeUnknownError"), row
    if case.fault in NOTHING_HAPPENED:
        assert (row.verdict, row.movements) == ("not_found", 0), row
    else:
        assert (row.verdict, row.movements) == ("succeeded", 1), row


SYNC = [c for c in RUN if c.mode == "sync"]
ASYNC = [c for c in RUN if c.mode == "async"]


@pytest.mark.parametrize("case", SYNC, ids=[c.id for c in SYNC])
def test_sync(case: Case, sync_client: Orchestra, server: SandboxServer) -> None:
    pg = sync_client.payment_gateway
    extra: dict[str, Any] = {}
    ref = None
    if case.operation in ORIGINAL:
        ref = getattr(pg, ORIGINAL[case.operation])(money_body(None)).gateway_reference
        extra["refTransId"] = ref
    body = money_body(f"chaos-{CASES.index(case):06d}" if case.caller_my_ref else None, **extra)
    kind, options = fault_options(case)
    server.app.inject(kind, OPERATION_ID[case.operation], **options)
    outcome: Any
    try:
        outcome = getattr(pg, case.operation)(body, timeout=_timeout(case))
    except OrchestraError as exc:
        outcome = exc
    server.app.settle()
    if isinstance(outcome, OutcomeUnknownError):
        verdict = pg.reconcile(outcome)
    elif isinstance(outcome, OrchestraError):
        verdict = Reconciliation("undetermined", None)
    else:
        verdict = pg.reconcile(**reconcile_kwargs(case, outcome, body))
    _check(case, outcome, verdict, server, ref)


@pytest.mark.parametrize("case", ASYNC, ids=[c.id for c in ASYNC])
async def test_async(case: Case, async_client: AsyncOrchestra, server: SandboxServer) -> None:
    pg = async_client.payment_gateway
    extra: dict[str, Any] = {}
    ref = None
    if case.operation in ORIGINAL:
        original = await getattr(pg, ORIGINAL[case.operation])(money_body(None))
        ref = original.gateway_reference
        extra["refTransId"] = ref
    body = money_body(f"chaos-{CASES.index(case):06d}" if case.caller_my_ref else None, **extra)
    kind, options = fault_options(case)
    server.app.inject(kind, OPERATION_ID[case.operation], **options)
    outcome: Any
    try:
        outcome = await getattr(pg, case.operation)(body, timeout=_timeout(case))
    except OrchestraError as exc:
        outcome = exc
    server.app.settle()
    if isinstance(outcome, OutcomeUnknownError):
        verdict = await pg.reconcile(outcome)
    elif isinstance(outcome, OrchestraError):
        verdict = Reconciliation("undetermined", None)
    else:
        verdict = await pg.reconcile(**reconcile_kwargs(case, outcome, body))
    _check(case, outcome, verdict, server, ref)


def test_the_matrix_has_at_least_200_cases_and_the_readme_shows_its_counts() -> None:
    from chaos import FAULTS, OPERATIONS

    from conftest import ROOT

    assert len(CASES) >= 200
    assert {c.mode for c in CASES} == {"sync", "async"}
    assert {c.operation for c in CASES} == set(OPERATIONS)
    per_fault = len(CASES) // len(FAULTS)
    readme = (ROOT / "README.md").read_text()
    assert f"| **total** | **{len(CASES)}** |" in readme
    assert f"| `drop_after_commit` | {per_fault} |" in readme
    assert MATRIX.rows == [] or all(not r.duplicated and not r.disagrees for r in MATRIX.rows)
