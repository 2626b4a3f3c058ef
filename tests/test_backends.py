"""AsyncOrchestra's transports: the fair queue in front of the pool, backend selection, and the
money-safety faults run against every backend (the ``http_backend`` fixture)."""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from conftest import PAN, TEST_KEY, HttpBackend
from orchestra_api.models import ResultCode
from orchestra_payments import (
    APIConnectionError,
    AsyncOrchestra,
    ConfigurationError,
    OutcomeUnknownError,
    PoolTimeoutError,
    RetryPolicy,
)
from orchestra_payments._transport import FairQueue, QueuedTransport, _shards
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
        "myRef": "order-300001",
        "paymentGatewayAccountName": "nullok",
        "card": CARD,
        **over,
    }


def ledger(sandbox: SandboxServer, operation: str) -> list[dict[str, Any]]:
    return [e for e in sandbox.app.ledger() if e["operation"] == operation]


# --- the fair queue ------------------------------------------------------------------------------


async def test_the_queue_serves_waiters_first_come_first_served() -> None:
    queue = FairQueue(1)
    assert await queue.acquire(None)
    order: list[int] = []

    async def waiter(i: int) -> None:
        await queue.acquire(None)
        order.append(i)
        queue.release()

    tasks = [asyncio.create_task(waiter(i)) for i in range(5)]
    await asyncio.sleep(0)  # let all five join the line
    assert queue.waiting == 5
    assert await queue.acquire(0) is False  # a newcomer does not overtake the line
    queue.release()
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3, 4]
    assert (queue.in_use, queue.waiting) == (0, 0)


async def test_a_wait_past_its_timeout_gives_up_and_leaves_the_line() -> None:
    queue = FairQueue(1)
    assert await queue.acquire(None)
    assert await queue.acquire(0) is False
    assert (queue.in_use, queue.waiting) == (1, 0)
    queue.release()
    assert await queue.acquire(None)


async def test_a_waiter_cancelled_as_its_turn_comes_passes_the_place_on() -> None:
    queue = FairQueue(1)
    assert await queue.acquire(None)
    first = asyncio.create_task(queue.acquire(None))
    second = asyncio.create_task(queue.acquire(None))
    await asyncio.sleep(0)
    queue.release()  # the place is handed to `first`...
    first.cancel()  # ...which is cancelled before it runs
    await asyncio.gather(first, return_exceptions=True)
    assert await second is True
    assert (queue.in_use, queue.waiting) == (1, 0)


# --- the queue as a transport --------------------------------------------------------------------


class Body(httpx.AsyncByteStream):
    """A body read from the network, as real transports give it (not read in advance)."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"ok": true}'


class Gate(httpx.AsyncBaseTransport):
    """Answers 200 when the test opens the gate; counts what is in flight."""

    def __init__(self) -> None:
        self.open = asyncio.Event()
        self.in_flight = 0
        self.peak = 0
        self.sent: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        self.sent.append(request.url.path)
        try:
            await self.open.wait()
            return httpx.Response(200, stream=Body())
        finally:
            self.in_flight -= 1


def queued(inner: httpx.AsyncBaseTransport, slots: int) -> QueuedTransport:
    return QueuedTransport([(inner, slots)])


async def test_no_more_requests_reach_the_pool_than_it_has_connections() -> None:
    gate = Gate()
    async with httpx.AsyncClient(transport=queued(gate, 3), base_url="http://x") as client:
        calls = [asyncio.create_task(client.get(f"/{i}")) for i in range(20)]
        for _ in range(5):
            await asyncio.sleep(0)
        assert gate.in_flight == 3
        gate.open.set()
        answers = await asyncio.gather(*calls)
    assert [a.status_code for a in answers] == [200] * 20
    assert gate.peak == 3
    assert gate.sent == [f"/{i}" for i in range(20)]  # served in arrival order


async def test_no_pool_is_asked_for_more_connections_than_it_has() -> None:
    gates = [Gate(), Gate(), Gate()]
    transport = QueuedTransport([(gates[0], 2), (gates[1], 3), (gates[2], 1)])
    async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
        calls = [asyncio.create_task(client.get(f"/{i}")) for i in range(30)]
        for _ in range(5):
            await asyncio.sleep(0)
        assert [g.in_flight for g in gates] == [2, 3, 1]
        for gate in gates:
            gate.open.set()
        await asyncio.gather(*calls)
    assert [g.peak for g in gates] == [2, 3, 1]
    assert sum(len(g.sent) for g in gates) == 30


@pytest.mark.parametrize(
    ("backend", "connections", "pools"),
    [
        ("httpx", 100, [5] * 20),
        ("httpx", 12, [4, 4, 4]),
        ("httpx", 5, [5]),
        ("httpx", 1, [1]),
        ("aiohttp", 100, [100]),
    ],
)
def test_the_httpx_backend_splits_its_connections_over_small_pools(
    backend: str, connections: int, pools: list[int]
) -> None:
    assert _shards(backend, connections, 5) == pools


async def test_a_place_is_held_until_the_body_is_closed() -> None:
    gate = Gate()
    gate.open.set()
    transport = queued(gate, 1)
    async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
        async with client.stream("GET", "/a") as response:
            assert transport.queue.in_use == 1
            await response.aread()
        assert transport.queue.in_use == 0


async def test_a_failed_request_gives_its_place_back() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    transport = queued(httpx.MockTransport(fail), 1)
    async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
        for _ in range(3):
            with pytest.raises(httpx.ConnectError):
                await client.get("/")
    assert transport.queue.in_use == 0


# --- the queue in the client, on the sandbox -----------------------------------------------------


async def test_a_charge_that_waited_past_the_pool_timeout_is_not_sent_and_says_so(
    orchestra_sandbox: SandboxServer, caplog: pytest.LogCaptureFixture, http_backend: HttpBackend
) -> None:
    async with AsyncOrchestra(
        api_key=orchestra_sandbox.api_key,
        base_url=orchestra_sandbox.base_url,
        limits=httpx.Limits(max_connections=1),
        http_backend=http_backend,
    ) as client:
        await client.gateway_accounts.set("nullok", {"paymentGatewayName": "NULLSuccess"})
        orchestra_sandbox.app.inject("latency", "GatewayCharge", seconds=0.5)
        slow = asyncio.create_task(client.payment_gateway.charge(body(myRef="order-slow01")))
        while orchestra_sandbox.app.faults.pending():
            await asyncio.sleep(0.005)  # the slow charge has reached the sandbox
        with (
            caplog.at_level(logging.WARNING, logger="orchestra_payments"),
            pytest.raises(PoolTimeoutError) as info,
        ):
            await client.payment_gateway.charge(
                body(myRef="order-queued"), timeout=httpx.Timeout(5.0, pool=0.0)
            )
        assert (await slow).operation_result_code is ResultCode.SUCCESS
    assert isinstance(info.value, APIConnectionError)  # not OutcomeUnknownError: never sent
    assert info.value.operation == "GatewayCharge"
    assert "not sent" in str(info.value)
    assert [e["myRef"] for e in ledger(orchestra_sandbox, "Charge")] == ["order-slow01"]
    assert [r.getMessage() for r in caplog.records] == [
        "not sending GatewayCharge: no connection came free in 0.0 s (1 busy, 0 waiting)"
    ]


async def test_a_wait_for_a_connection_ends_at_the_calls_deadline(
    orchestra_sandbox: SandboxServer, http_backend: HttpBackend
) -> None:
    async with AsyncOrchestra(
        api_key=orchestra_sandbox.api_key,
        base_url=orchestra_sandbox.base_url,
        limits=httpx.Limits(max_connections=1),
        http_backend=http_backend,
    ) as client:
        await client.gateway_accounts.set("nullok", {"paymentGatewayName": "NULLSuccess"})
        orchestra_sandbox.app.inject("latency", "GatewayCharge", seconds=1.0)
        slow = asyncio.create_task(client.payment_gateway.charge(body(myRef="order-slow02")))
        while orchestra_sandbox.app.faults.pending():
            await asyncio.sleep(0.005)  # the slow charge has reached the sandbox
        with pytest.raises(PoolTimeoutError) as info:
            await client.payment_gateway.charge(body(myRef="order-queue2"), deadline=0.05)
        await slow
    assert 0.04 <= info.value.waited < 0.5  # the deadline, not the 10 s pool timeout
    assert [e["myRef"] for e in ledger(orchestra_sandbox, "Charge")] == ["order-slow02"]


async def test_500_concurrent_charges_through_10_connections_all_succeed_once(
    orchestra_sandbox: SandboxServer, http_backend: HttpBackend
) -> None:
    async with AsyncOrchestra(
        api_key=orchestra_sandbox.api_key,
        base_url=orchestra_sandbox.base_url,
        limits=httpx.Limits(max_connections=10),
        http_backend=http_backend,
    ) as client:
        await client.gateway_accounts.set("nullok", {"paymentGatewayName": "NULLSuccess"})
        results = await asyncio.gather(
            *(client.payment_gateway.charge(body(myRef=f"load-{i:06d}")) for i in range(500))
        )
    assert {r.operation_result_code for r in results} == {ResultCode.SUCCESS}
    refs = [e["myRef"] for e in ledger(orchestra_sandbox, "Charge")]
    assert sorted(refs) == [f"load-{i:06d}" for i in range(500)]


# --- choosing a backend --------------------------------------------------------------------------


def test_an_unknown_backend_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="'httpx', 'aiohttp'"):
        AsyncOrchestra(api_key=TEST_KEY, http_backend="curl")  # type: ignore[arg-type]


def test_a_transport_and_a_backend_together_are_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="either transport= or http_backend="):
        AsyncOrchestra(
            api_key=TEST_KEY,
            transport=httpx.AsyncHTTPTransport(),
            http_backend="aiohttp",
        )


def test_the_aiohttp_backend_without_its_extra_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(sys.modules, "orchestra_payments._aiohttp", raising=False)
    monkeypatch.setitem(sys.modules, "httpx_aiohttp", None)
    with pytest.raises(ConfigurationError) as info:
        AsyncOrchestra(api_key=TEST_KEY, http_backend="aiohttp")
    assert "pip install 'orchestra-payments[aiohttp]'" in str(info.value)
    assert "httpx_aiohttp is not installed" in str(info.value)


# --- money safety on every backend ---------------------------------------------------------------


Sleeps = list[float]


@pytest.fixture
async def sandbox_client(
    orchestra_sandbox: SandboxServer, http_backend: HttpBackend
) -> AsyncIterator[tuple[AsyncOrchestra, Sleeps]]:
    sleeps: Sleeps = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async with use_clock(
        AsyncOrchestra(
            api_key=orchestra_sandbox.api_key,
            base_url=orchestra_sandbox.base_url,
            retry=RetryPolicy(wait_jitter=0),
            http_backend=http_backend,
        ),
        sleep=sleep,
    ) as client:
        await client.gateway_accounts.set("nullok", {"paymentGatewayName": "NULLSuccess"})
        yield client, sleeps


async def test_a_503_burst_is_ridden_out(
    sandbox_client: tuple[AsyncOrchestra, Sleeps], orchestra_sandbox: SandboxServer
) -> None:
    client, sleeps = sandbox_client
    await client.payment_gateway.charge(body(myRef="order-300001"))
    orchestra_sandbox.app.inject("status_503", "GatewayStatus", times=2)
    result = await client.payment_gateway.status(
        {"myRef": "order-300001", "paymentGatewayAccountName": "nullok"}
    )
    assert result.operation_result_code is ResultCode.SUCCESS
    assert sleeps == [1.0, 2.0]
    assert len(ledger(orchestra_sandbox, "Charge")) == 1


async def test_a_503_on_a_charge_is_not_resent(
    sandbox_client: tuple[AsyncOrchestra, Sleeps], orchestra_sandbox: SandboxServer
) -> None:
    client, sleeps = sandbox_client
    orchestra_sandbox.app.inject("status_503", "GatewayCharge", times=2)
    with pytest.raises(OutcomeUnknownError) as info:
        await client.payment_gateway.charge(body(myRef="order-300003"))
    assert (info.value.status_code, info.value.my_ref) == (503, "order-300003")
    assert sleeps == []
    assert ledger(orchestra_sandbox, "Charge") == []


async def charged(client: AsyncOrchestra) -> str:
    result = await client.payment_gateway.charge(body())
    return str(result.gateway_reference)


MONEY_CALLS: dict[str, Callable[[AsyncOrchestra, str], Awaitable[object]]] = {
    "GatewayCharge": lambda c, ref: c.payment_gateway.charge(body(myRef="order-300002")),
    "GatewayRefund": lambda c, ref: c.payment_gateway.refund(body(refTransId=ref, amount=5.0)),
    "GatewayVoid": lambda c, ref: c.payment_gateway.void(body(refTransId=ref)),
}
LEDGER_NAME = {"GatewayCharge": "Charge", "GatewayRefund": "Refund", "GatewayVoid": "Void"}


@pytest.mark.parametrize("operation", MONEY_CALLS)
async def test_a_connection_dropped_after_commit_is_outcome_unknown_and_never_resent(
    sandbox_client: tuple[AsyncOrchestra, Sleeps],
    orchestra_sandbox: SandboxServer,
    operation: str,
) -> None:
    """A refund is a PUT and a void a DELETE: aiohttp would resend both by itself."""
    client, sleeps = sandbox_client
    ref = await charged(client)
    orchestra_sandbox.app.inject("drop_after_commit", operation)
    with pytest.raises(OutcomeUnknownError) as info:
        await MONEY_CALLS[operation](client, ref)
    assert info.value.operation == operation
    expected = 2 if operation == "GatewayCharge" else 1  # the setup charge, then this one
    assert len(ledger(orchestra_sandbox, LEDGER_NAME[operation])) == expected
    assert sleeps == []


async def test_a_dropped_status_lookup_is_retried(
    sandbox_client: tuple[AsyncOrchestra, Sleeps], orchestra_sandbox: SandboxServer
) -> None:
    client, sleeps = sandbox_client
    await charged(client)
    orchestra_sandbox.app.inject("drop_after_commit", "GatewayStatus")
    found = await client.payment_gateway.status({"myRef": "order-300001"})
    assert found.amount == 12.5
    assert sleeps == [1.0]


async def test_a_refund_answered_past_the_read_timeout_is_outcome_unknown_and_sent_once(
    sandbox_client: tuple[AsyncOrchestra, Sleeps], orchestra_sandbox: SandboxServer
) -> None:
    client, _ = sandbox_client
    ref = await charged(client)
    orchestra_sandbox.app.inject("latency", "GatewayRefund", seconds=0.3)
    with pytest.raises(OutcomeUnknownError):
        await client.payment_gateway.refund(
            body(refTransId=ref, amount=5.0), timeout=httpx.Timeout(5.0, read=0.05)
        )
    for _ in range(250):  # the sandbox commits the refund once its latency has passed
        if ledger(orchestra_sandbox, "Refund"):
            break
        await asyncio.sleep(0.02)
    assert len(ledger(orchestra_sandbox, "Refund")) == 1


@pytest.mark.parametrize("kind", ["truncated_body", "empty_body", "html_502"])
async def test_a_broken_answer_to_a_charge_is_outcome_unknown(
    sandbox_client: tuple[AsyncOrchestra, Sleeps], orchestra_sandbox: SandboxServer, kind: str
) -> None:
    client, sleeps = sandbox_client
    orchestra_sandbox.app.inject(kind, "GatewayCharge")
    with pytest.raises(OutcomeUnknownError):
        await client.payment_gateway.charge(body())
    assert len(ledger(orchestra_sandbox, "Charge")) == (0 if kind == "html_502" else 1)
    assert sleeps == []


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_refused_connection_was_never_sent_so_a_charge_is_retried(
    http_backend: HttpBackend,
) -> None:
    sleeps: Sleeps = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async with use_clock(
        AsyncOrchestra(
            api_key=TEST_KEY,
            base_url=f"http://127.0.0.1:{closed_port()}",
            retry=RetryPolicy(attempts=3, wait_jitter=0),
            http_backend=http_backend,
        ),
        sleep=sleep,
    ) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.payment_gateway.charge(body())
    assert not isinstance(info.value, OutcomeUnknownError)
    assert sleeps == [0.1, 0.1]  # retried, with short waits: a server on this machine is down


# --- faults below HTTP: a raw loopback server -----------------------------------------------------


class RawServer:
    """Reads one request per connection, counts it, then misbehaves as told."""

    def __init__(self, answer: Callable[[asyncio.StreamWriter], Awaitable[None]]) -> None:
        self.answer = answer
        self.requests: list[bytes] = []
        self.server: asyncio.Server | None = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            0,
        )
        self.requests.append(head.split(b"\r\n", 1)[0] + await reader.readexactly(length))
        await self.answer(writer)

    async def __aenter__(self) -> str:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()


async def cut_body(writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    writer.write(b"Content-Length: 200\r\n\r\n")
    writer.write(b'{"operationType": "Refund", "operationResultCode": "Succ')
    await writer.drain()
    writer.close()


async def reset(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


@pytest.mark.parametrize("answer", [cut_body, reset], ids=["body cut mid-read", "reset"])
async def test_a_refund_whose_connection_breaks_after_sending_is_sent_once(
    http_backend: HttpBackend, answer: Callable[[asyncio.StreamWriter], Awaitable[None]]
) -> None:
    server = RawServer(answer)
    async with (
        server as url,
        AsyncOrchestra(
            api_key=TEST_KEY,
            base_url=url,
            retry=RetryPolicy(wait_jitter=0),
            http_backend=http_backend,
        ) as client,
    ):
        with pytest.raises(OutcomeUnknownError) as info:
            await client.payment_gateway.refund(body(refTransId="tx-000001", amount=5.0))
    assert info.value.my_ref == "order-300001"
    assert [r.split(b" ", 1)[0] for r in server.requests] == [b"PUT"]


# --- why the aiohttp backend wraps httpx-aiohttp -------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "outcome"),
    [
        ("GatewayCharge", "ConnectTimeout, so the retry policy sends the charge again"),
        ("GatewayRefund", "aiohttp resends the PUT by itself"),
    ],
)
async def test_httpx_aiohttp_alone_would_move_money_twice_after_a_drop(
    orchestra_sandbox: SandboxServer, operation: str, outcome: str
) -> None:
    """What our backend guards against, checked on the versions installed: if this fails,
    httpx-aiohttp or aiohttp changed and orchestra_payments/_aiohttp.py should be revisited."""
    from httpx_aiohttp import AiohttpTransport

    async def sleep(seconds: float) -> None:
        pass

    async with use_clock(
        AsyncOrchestra(
            api_key=orchestra_sandbox.api_key,
            base_url=orchestra_sandbox.base_url,
            transport=AiohttpTransport(),
        ),
        sleep=sleep,
    ) as client:
        await client.gateway_accounts.set("nullok", {"paymentGatewayName": "NULLSuccess"})
        ref = await charged(client)
        orchestra_sandbox.app.inject("drop_after_commit", operation)
        await MONEY_CALLS[operation](client, ref)  # no error: the second send answered
    expected = 3 if operation == "GatewayCharge" else 2
    assert len(ledger(orchestra_sandbox, LEDGER_NAME[operation])) == expected, outcome


def _connector_error() -> BaseException:
    import types

    import aiohttp

    key: Any = types.SimpleNamespace(host="127.0.0.1", port=1, ssl=True)
    return aiohttp.ClientConnectorError(key, ConnectionRefusedError(111, "Connection refused"))


def _aiohttp_error(name: str) -> BaseException:
    import aiohttp

    if name == "ClientConnectorError":
        return _connector_error()
    if name == "ConnectTimeout from ServerDisconnectedError":  # httpx-aiohttp's own mapping
        mapped = httpx.ConnectTimeout("Server disconnected")
        mapped.__cause__ = aiohttp.ServerDisconnectedError()
        return mapped
    if name == "RuntimeError":
        return RuntimeError("something nobody mapped")
    error: BaseException = getattr(aiohttp, name)("boom")
    return error


@pytest.mark.parametrize(
    ("error", "before_answer", "while_reading_body"),
    [
        ("ClientConnectorError", "not sent", "maybe sent"),
        ("ConnectionTimeoutError", "not sent", "maybe sent"),
        ("SocketTimeoutError", "maybe sent", "maybe sent"),
        ("ServerTimeoutError", "maybe sent", "maybe sent"),
        ("ServerDisconnectedError", "maybe sent", "maybe sent"),
        ("ClientOSError", "maybe sent", "maybe sent"),
        ("ClientConnectionResetError", "maybe sent", "maybe sent"),
        ("ClientPayloadError", "maybe sent", "maybe sent"),
        ("ConnectTimeout from ServerDisconnectedError", "maybe sent", "maybe sent"),
        ("RuntimeError", "maybe sent", "maybe sent"),
    ],
)
def test_aiohttp_errors_count_as_not_sent_only_when_no_connection_was_made(
    error: str, before_answer: str, while_reading_body: str
) -> None:
    from orchestra_payments._aiohttp import transport_error
    from orchestra_payments._pipeline import Outcome, outcome_of_error

    def meaning(answered: bool) -> str:
        outcome = outcome_of_error(transport_error(_aiohttp_error(error), answered=answered))
        return "not sent" if outcome is Outcome.NOT_SENT else "maybe sent"

    assert (meaning(False), meaning(True)) == (before_answer, while_reading_body)


def test_a_client_used_from_one_event_loop_per_job_closes_each_loops_connections(
    http_backend: HttpBackend, orchestra_sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A worker that runs ``asyncio.run`` per job: each job's loop gets its own connections,
    and they are closed when that loop shuts down (nothing left for the garbage collector to
    complain about)."""
    import gc

    client = AsyncOrchestra(
        api_key=orchestra_sandbox.api_key,
        base_url=orchestra_sandbox.base_url,
        http_backend=http_backend,
        limits=httpx.Limits(max_connections=4),
    )

    async def job() -> int:
        return len(await client.payment_gateway.list_gateways())

    with caplog.at_level("ERROR", logger="asyncio"):
        assert [asyncio.run(job()) for _ in range(3)] == [3, 3, 3]
        gc.collect()
    assert client.http_client._transport.transports() == []  # type: ignore[attr-defined]
    assert [r.getMessage() for r in caplog.records if "nclosed" in r.getMessage()] == []
