"""How AsyncOrchestra reaches the network: a fair queue in front of a connection pool, over
httpx's own transport or, with the ``aiohttp`` extra, over aiohttp (``_aiohttp.py``).

    AsyncRetryTransport  ->  QueuedTransport  ->  httpx.AsyncHTTPTransport | AiohttpBackend

Waiting for a connection happens in the queue (a FIFO of futures: cheap and first come, first
served), never inside httpcore's pool, whose cost grows with the number of requests waiting in
it. The queue lets through as many requests as the pool has connections (``max_connections``),
and holds a place until the response is closed, so the pool below always has a connection free.

A try that waits longer than its pool timeout was never sent: it raises ``PoolTimeoutError``
(logged), which the retry transport does not retry, since sending again would join the same
queue at its end. The wait happens inside each try, so it counts against the retry budget.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Literal

import httpx

from ._base import Operation
from ._exceptions import ConfigurationError, PoolTimeoutError

logger = logging.getLogger("orchestra_payments")

HttpBackend = Literal["httpx", "aiohttp"]
BACKENDS: tuple[str, ...] = HttpBackend.__args__  # type: ignore[attr-defined]
Classifier = Callable[[httpx.Request], Operation | None]


class FairQueue:
    """At most ``slots`` holders at once; the others wait first come, first served.

    A released place goes straight to the longest waiter, so a newcomer never overtakes."""

    __slots__ = ("_free", "_waiters", "slots")

    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ConfigurationError("limits.max_connections must be at least 1")
        self.slots = slots
        self._free = slots
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    @property
    def in_use(self) -> int:
        return self.slots - self._free

    def try_acquire(self) -> bool:
        if self._free and not self._waiters:
            self._free -= 1
            return True
        return False

    async def acquire(self, timeout: float | None) -> bool:
        """Wait for a place: True once held, False when ``timeout`` seconds passed first."""
        if self.try_acquire():
            return True
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(timeout):
                await waiter
        except TimeoutError:
            return self._handed_over(waiter)
        except BaseException:
            if not self._handed_over(waiter):
                raise
            self.release()  # cancelled just as a place came: pass it on
            raise
        return True

    def _handed_over(self, waiter: asyncio.Future[None]) -> bool:
        """Whether ``waiter`` got a place after all; if not, it leaves the line."""
        if waiter.done() and not waiter.cancelled():
            return True
        waiter.cancel()
        with contextlib.suppress(ValueError):
            self._waiters.remove(waiter)
        return False

    def release(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1


class _Releasing(httpx.AsyncByteStream):
    """The response body; closing it gives the request's place to the next in line."""

    __slots__ = ("_queue", "_stream")

    def __init__(self, stream: httpx.AsyncByteStream, queue: FairQueue) -> None:
        self._stream = stream
        self._queue: FairQueue | None = queue

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            queue, self._queue = self._queue, None
            if queue is not None:
                queue.release()


class QueuedTransport(httpx.AsyncBaseTransport):
    """Lets through at most ``slots`` requests at once; the rest wait in a FairQueue."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        slots: int,
        classify: Classifier,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inner = inner
        self.queue = FairQueue(slots)
        self.classify = classify
        self.clock = clock

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        queue = self.queue
        if not queue.try_acquire():
            timeout: float | None = (request.extensions.get("timeout") or {}).get("pool")
            started = self.clock()
            if not await queue.acquire(timeout):
                raise self._timed_out(request, self.clock() - started)
        try:
            response = await self.inner.handle_async_request(request)
        except BaseException:
            queue.release()
            raise
        if response.is_closed:  # read in full already (a test double's answer)
            queue.release()
            return response
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Releasing(response.stream, queue)
        return response

    def _timed_out(self, request: httpx.Request, waited: float) -> PoolTimeoutError:
        op = self.classify(request)
        name = op.operation_id if op else f"{request.method} {request.url.path}"
        logger.warning(
            "not sending %s: no connection came free in %.1f s (%d busy, %d waiting)",
            name,
            waited,
            self.queue.in_use,
            self.queue.waiting,
        )
        return PoolTimeoutError(
            f"{name}: not sent: all {self.queue.slots} connections stayed busy for {waited:.1f} s "
            "(the pool timeout). Nothing reached Orchestra, so sending again is safe; make "
            "fewer calls at once, or raise limits.max_connections or the pool timeout.",
            operation=name,
            waited=waited,
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


def async_transport(
    backend: str,
    transport: httpx.AsyncBaseTransport | None,
    *,
    limits: httpx.Limits,
    proxy: str | httpx.Proxy | None,
    classify: Classifier,
) -> httpx.AsyncBaseTransport:
    """The transport under the retries: the caller's own as it is, else the backend's pool
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
    inner: httpx.AsyncBaseTransport
    if backend == "aiohttp":
        try:
            from ._aiohttp import AiohttpBackend
        except ImportError as exc:
            raise ConfigurationError(
                f"http_backend='aiohttp' needs the aiohttp extra ({exc.name} is not installed): "
                "pip install 'orchestra-payments[aiohttp]'"
            ) from None
        inner = AiohttpBackend(limits=limits, proxy=proxy)
    else:
        inner = httpx.AsyncHTTPTransport(limits=limits, proxy=proxy)
    if limits.max_connections is None:
        return inner
    return QueuedTransport(inner, slots=limits.max_connections, classify=classify)
