"""How a client reaches the network: httpx transports, and for AsyncOrchestra a fair queue in
front of its connection pools, over httpx's own transport or, with the ``aiohttp`` extra, over
aiohttp (``_aiohttp.py``). A transport here does what an httpx transport does: send (and wait
its turn); every decision about tries and answers is made above it (``_pipeline``).

    PerLoop -> QueuedTransport -> httpx.AsyncHTTPTransport x N | AiohttpBackend

Waiting for a connection happens in the queue (a FIFO of futures: cheap and first come, first
served), never inside httpcore's pool, whose cost grows with the number of requests waiting in
it. The queue lets through as many requests as there are connections (``max_connections``)
and holds a place until the response is closed, so no pool below is ever full. The httpx
backend splits its connections over small pools (``_shards``).

A try that waits longer than its pool timeout was never sent: it raises ``QueueTimeout`` (an
``httpx.PoolTimeout``), which the pipeline does not retry, since sending again would join the
same queue at its end. The wait happens inside each try, so it counts against the budget.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import ssl
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Literal

import httpx

from ._errors import ConfigurationError

if TYPE_CHECKING:
    import asyncio  # imported where a call first waits

logger = logging.getLogger("orchestra_payments")

HttpBackend = Literal["httpx", "aiohttp"]
BACKENDS: tuple[str, ...] = HttpBackend.__args__  # type: ignore[attr-defined]

# Idle connections close after 4 s, before a server's usual 5 s keep-alive timeout: a request
# sent on a connection the server is closing gets no answer, an unknown outcome for a payment.
DEFAULT_LIMITS = httpx.Limits(
    max_connections=100, max_keepalive_connections=20, keepalive_expiry=4.0
)
# The async httpx backend splits limits.max_connections over pools of at most this many.
HTTPCORE_POOL_SIZE = 5


@functools.cache
def default_tls() -> ssl.SSLContext:
    """One TLS context for every client, pool and event loop of the process: loading the CA
    bundle costs some 20 to 40 ms each time (httpx makes one per transport)."""
    return httpx.create_ssl_context()


def sync_transport(limits: httpx.Limits, proxy: str | httpx.Proxy | None) -> httpx.BaseTransport:
    return httpx.HTTPTransport(limits=limits, proxy=proxy, verify=default_tls())


class QueueTimeout(httpx.PoolTimeout):
    """No connection came free within the pool timeout: the request was not sent."""

    def __init__(
        self, message: str, *, request: httpx.Request, waited: float, busy: int, waiting: int
    ) -> None:
        super().__init__(message, request=request)
        self.waited, self.busy, self.waiting = waited, busy, waiting


class FairQueue:
    """At most ``slots`` holders at once; the others wait first come, first served: an
    ``asyncio.Semaphore`` (it wakes waiters in arrival order, a newcomer never overtakes, and a
    waiter cancelled as its turn comes passes the place on), with the counts a log shows."""

    __slots__ = ("_semaphore", "in_use", "slots", "waiting")

    def __init__(self, slots: int) -> None:
        import asyncio

        if slots < 1:
            raise ConfigurationError("limits.max_connections must be at least 1")
        self.slots, self.in_use, self.waiting = slots, 0, 0
        self._semaphore = asyncio.Semaphore(slots)

    async def acquire(self, timeout: float | None) -> bool:
        """Wait for a place: True once held, False when ``timeout`` seconds passed first."""
        if not self._semaphore.locked():  # a free place and nobody waiting: no suspension
            await self._semaphore.acquire()
        else:
            import asyncio

            self.waiting += 1
            try:
                async with asyncio.timeout(timeout):
                    await self._semaphore.acquire()
            except TimeoutError:
                return False
            finally:
                self.waiting -= 1
        self.in_use += 1
        return True

    def release(self) -> None:
        self.in_use -= 1
        self._semaphore.release()


class _Releasing(httpx.AsyncByteStream):
    """The response body; closing it gives the request's place to the next in line."""

    __slots__ = ("_pool", "_stream", "_transport")

    def __init__(
        self, stream: httpx.AsyncByteStream, transport: QueuedTransport, pool: int
    ) -> None:
        self._stream = stream
        self._transport: QueuedTransport | None = transport
        self._pool = pool

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            transport, self._transport = self._transport, None
            if transport is not None:
                transport.release(self._pool)


class QueuedTransport(httpx.AsyncBaseTransport):
    """Lets through at most as many requests as ``pools`` have connections; the rest wait in
    a FairQueue. Each place belongs to one pool, so no pool is ever asked for more than it has.

    Args:
        pools: (transport, connections) pairs.
    """

    def __init__(
        self,
        pools: Sequence[tuple[httpx.AsyncBaseTransport, int]],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.pools = [transport for transport, _ in pools]
        # One entry per connection: the pool it is in. Last in, first out, so a busy client
        # keeps using the same warm connections.
        self._places = [i for i, (_, size) in enumerate(pools) for _ in range(size)]
        self.queue = FairQueue(len(self._places))
        self.clock = clock

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout: float | None = (request.extensions.get("timeout") or {}).get("pool")
        started = self.clock()
        if not await self.queue.acquire(timeout):
            raise self._timed_out(request, self.clock() - started)
        pool = self._places.pop()
        try:
            response = await self.pools[pool].handle_async_request(request)
        except BaseException:
            self.release(pool)
            raise
        if response.is_closed:  # read in full already (a test double's answer)
            self.release(pool)
            return response
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Releasing(response.stream, self, pool)
        return response

    def release(self, pool: int) -> None:
        self._places.append(pool)
        self.queue.release()

    def _timed_out(self, request: httpx.Request, waited: float) -> QueueTimeout:
        return QueueTimeout(
            f"all {self.queue.slots} connections stayed busy for {waited:.1f} s (the pool timeout)",
            request=request,
            waited=waited,
            busy=self.queue.in_use,
            waiting=self.queue.waiting,
        )

    async def aclose(self) -> None:
        for pool in self.pools:
            await pool.aclose()


def async_transport(
    backend: str,
    transport: httpx.AsyncBaseTransport | None,
    *,
    limits: httpx.Limits,
    proxy: str | httpx.Proxy | None,
) -> httpx.AsyncBaseTransport:
    """The client's transport: the caller's own as it is, else the backend's pool
    behind a fair queue sized from ``limits.max_connections`` (no queue when that is None)."""
    if backend not in BACKENDS:
        raise ConfigurationError(
            f"http_backend must be one of {', '.join(map(repr, BACKENDS))}, not {backend!r}"
        )
    if transport is not None:
        if backend != "httpx":
            raise ConfigurationError(
                "pass either transport= or http_backend=, not both (the backend builds the "
                "transport)"
            )
        return transport
    if backend == "aiohttp":
        _check_aiohttp()
    connections = limits.max_connections

    def build() -> httpx.AsyncBaseTransport:
        if connections is None:
            return _pool(backend, limits, proxy)
        tls = default_tls() if backend == "httpx" else None
        pools = [
            (_pool(backend, limits, proxy, size, tls), size)
            for size in _shards(backend, connections, HTTPCORE_POOL_SIZE)
        ]
        return QueuedTransport(pools)

    return PerLoop(build)


class PerLoop(httpx.AsyncBaseTransport):
    """One transport per event loop, built on first use there.

    Connections, their locks and the queue's futures belong to the loop that made them; a
    client used from another loop (a worker that runs ``asyncio.run`` per job, function-scoped
    test loops) gets its own instead of failing in the middle of a request. A loop's transport
    is closed when the loop shuts down (``asyncio.run`` and ``asyncio.Runner`` finalize async
    generators first: a suspended one closes it); those of loops closed otherwise are dropped
    (their connections died with their loop)."""

    def __init__(self, build: Callable[[], httpx.AsyncBaseTransport]) -> None:
        self._build = build
        self._by_loop: dict[asyncio.AbstractEventLoop, httpx.AsyncBaseTransport] = {}
        self._closers: dict[asyncio.AbstractEventLoop, AsyncGenerator[None, None]] = {}

    @property
    def inner(self) -> httpx.AsyncBaseTransport:
        """The running loop's transport."""
        import asyncio

        loop = asyncio.get_running_loop()
        transport = self._by_loop.get(loop)
        if transport is None:
            for old in [old for old in self._by_loop if old.is_closed()]:
                del self._by_loop[old]
                self._closers.pop(old, None)
            transport = self._by_loop[loop] = self._build()
        return transport

    def transports(self) -> list[httpx.AsyncBaseTransport]:
        return list(self._by_loop.values())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self.inner
        import asyncio

        loop = asyncio.get_running_loop()
        if loop not in self._closers:
            closer = self._closers[loop] = self._close_at_shutdown(loop, transport)
            await anext(closer)  # suspended: the loop's shutdown_asyncgens() resumes it
        return await transport.handle_async_request(request)

    async def _close_at_shutdown(
        self, loop: asyncio.AbstractEventLoop, transport: httpx.AsyncBaseTransport
    ) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            if self._by_loop.get(loop) is transport:
                del self._by_loop[loop]
                self._closers.pop(loop, None)
                try:
                    await transport.aclose()
                except Exception:  # the loop is going away: nothing to tell
                    logger.debug(
                        "closing a loop's connections at its shutdown failed", exc_info=True
                    )

    async def aclose(self) -> None:
        import asyncio

        by_loop, self._by_loop = self._by_loop, {}
        closers, self._closers = self._closers, {}
        transport = by_loop.get(asyncio.get_running_loop())
        if transport is not None:
            await transport.aclose()
        closer = closers.get(asyncio.get_running_loop())
        if closer is not None:
            with contextlib.suppress(Exception):
                await closer.aclose()


def _check_aiohttp() -> None:
    try:
        from ._aiohttp import AiohttpBackend  # noqa: F401
    except ImportError as exc:
        raise ConfigurationError(
            f"http_backend='aiohttp' needs the aiohttp extra ({exc.name} is not installed): "
            "pip install 'orchestra-payments[aiohttp]'"
        ) from None


def _shards(backend: str, connections: int, most: int) -> list[int]:
    """Connections per pool. httpcore's pool scans all of its connections, for each idle one,
    at every request and every answer: its cost grows with the square of its size. So the
    httpx backend spreads its connections over pools of at most ``most``; aiohttp's connector
    has no such cost."""
    if backend != "httpx" or connections <= most:
        return [connections]
    count = -(-connections // most)
    return [connections // count + (i < connections % count) for i in range(count)]


def _pool(
    backend: str,
    limits: httpx.Limits,
    proxy: str | httpx.Proxy | None,
    size: int | None = None,
    tls: ssl.SSLContext | None = None,
) -> httpx.AsyncBaseTransport:
    if backend == "aiohttp":
        from ._aiohttp import AiohttpBackend

        return AiohttpBackend(limits=limits, proxy=proxy, verify=default_tls())
    if size is not None:
        # httpcore closes an idle connection whenever its pool holds more connections in all
        # than max_keepalive_connections, so a pool larger than that opens a new connection
        # for nearly every request; within a small pool, every connection may stay open.
        keepalive = limits.max_keepalive_connections
        limits = httpx.Limits(
            max_connections=size,
            max_keepalive_connections=size if keepalive is None else min(size, keepalive),
            keepalive_expiry=limits.keepalive_expiry,
        )
    return httpx.AsyncHTTPTransport(limits=limits, proxy=proxy, verify=tls or True)
