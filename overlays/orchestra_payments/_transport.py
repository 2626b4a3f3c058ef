"""How a client reaches the network. These transports only send (and wait their turn); every
decision about tries and answers is made above them (``_pipeline``). AsyncOrchestra's:

    PerLoop -> QueuedTransport -> httpx.AsyncHTTPTransport x N | AiohttpBackend (``_aiohttp``)

Requests wait for a connection in a fair queue, never in httpcore's pool (whose cost grows with
the requests waiting in it): it lets one request through per connection, holding the place
until the response is closed, so no pool below is ever full (httpx's are small: ``_shards``).
A try that waits past its pool timeout was never sent: ``QueueTimeout`` (an ``httpx.PoolTimeout``),
not retried (it would rejoin the queue at its end); the wait counts against the try's budget.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import ssl
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Literal, get_args

import httpx

from ._errors import ConfigurationError

if TYPE_CHECKING:
    import asyncio  # imported where a call first waits

logger = logging.getLogger("orchestra_payments")

HttpBackend = Literal["httpx", "aiohttp"]
BACKENDS: tuple[str, ...] = get_args(HttpBackend)

# Idle connections close after 4 s, before a server's usual 5 s keep-alive timeout: a request
# sent on a connection the server is closing gets no answer, an unknown outcome for a payment.
DEFAULT_LIMITS = httpx.Limits(
    max_connections=100, max_keepalive_connections=20, keepalive_expiry=4.0
)
HTTPCORE_POOL_SIZE = 5  # the most connections in one pool of the async httpx backend


@functools.cache
def default_tls() -> ssl.SSLContext:
    """One TLS context for all: loading the CA bundle takes 20 to 40 ms (httpx: per transport)."""
    return httpx.create_ssl_context()


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
    """Lets through one request per connection of ``pools`` ((transport, connections) pairs),
    the rest wait in a FairQueue; a place belongs to one pool, never asked for more than it has."""

    def __init__(self, pools: Sequence[tuple[httpx.AsyncBaseTransport, int]]) -> None:
        self.pools = [transport for transport, _ in pools]
        # One entry per connection: the pool it is in. Last in, first out, so a busy client
        # keeps using the same warm connections.
        self._places = [i for i, (_, size) in enumerate(pools) for _ in range(size)]
        self.queue = FairQueue(len(self._places))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout: float | None = (request.extensions.get("timeout") or {}).get("pool")
        started = time.monotonic()
        if not await self.queue.acquire(timeout):
            raise self._timed_out(request, time.monotonic() - started)
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


def open_transport(
    backend: str,
    transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None,
    *,
    limits: httpx.Limits,
    proxy: str | httpx.Proxy | None,
    asynchronous: bool,
) -> httpx.BaseTransport | httpx.AsyncBaseTransport:
    """The caller's transport as it is, else the backend's: httpx's pool for the sync client;
    for the async one, the backend's pools behind a fair queue sized from
    ``limits.max_connections`` (no queue when that is None)."""
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
    if not asynchronous:
        if backend != "httpx":
            raise ConfigurationError(
                f"http_backend={backend!r} is for AsyncOrchestra; Orchestra sends through httpx"
            )
        return httpx.HTTPTransport(limits=limits, proxy=proxy, verify=default_tls())
    if backend == "aiohttp":
        try:
            from ._aiohttp import AiohttpBackend  # noqa: F401
        except ImportError as exc:
            raise ConfigurationError(
                f"http_backend='aiohttp' needs the aiohttp extra ({exc.name} is not installed): "
                "pip install 'orchestra-payments[aiohttp]'"
            ) from None
    connections = limits.max_connections

    def build() -> httpx.AsyncBaseTransport:
        if connections is None:
            return _pool(backend, limits, proxy)
        pools = [
            (_pool(backend, limits, proxy, size, default_tls()), size)
            for size in _shards(backend, connections, HTTPCORE_POOL_SIZE)
        ]
        return QueuedTransport(pools)

    return PerLoop(build)


class PerLoop(httpx.AsyncBaseTransport):
    """One transport per event loop, built on first use there: connections, locks and the queue
    belong to one loop, and a client used from another (``asyncio.run`` per job, test loops)
    must not fail mid-request. Closed at the loop's shutdown (``asyncio.run`` and ``Runner``
    finalize async generators first); a loop closed otherwise takes its connections with it."""

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

        loop = asyncio.get_running_loop()
        transport = self._by_loop.get(loop)
        closer = self._closers.get(loop)
        self._by_loop, self._closers = {}, {}
        if transport is not None:
            await transport.aclose()
        if closer is not None:
            with contextlib.suppress(Exception):
                await closer.aclose()


def _shards(backend: str, connections: int, most: int) -> list[int]:
    """Connections per pool: at most ``most`` for httpx, as httpcore's pool (not aiohttp's) costs
    the square of its size (each request and answer scans every connection per idle one)."""
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
        # httpcore closes an idle connection whenever its pool holds more than
        # max_keepalive_connections (a big pool opens one per request); a small one keeps all.
        keepalive = limits.max_keepalive_connections
        limits = httpx.Limits(
            max_connections=size,
            max_keepalive_connections=size if keepalive is None else min(size, keepalive),
            keepalive_expiry=limits.keepalive_expiry,
        )
    return httpx.AsyncHTTPTransport(limits=limits, proxy=proxy, verify=tls or True)
