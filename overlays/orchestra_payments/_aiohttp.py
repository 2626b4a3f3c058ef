"""The aiohttp backend (``pip install 'orchestra-payments[aiohttp]'``): httpx-aiohttp's transport,
made exactly as strict as httpx's own about what may have reached Orchestra (tests check each):

- httpx-aiohttp (0.2) maps ``aiohttp.ClientConnectionError``, the parent of
  ``ServerDisconnectedError``, ``ClientOSError`` and ``ClientConnectionResetError``, to
  ``httpx.ConnectTimeout``, "never connected", which makes a charge safe to retry: a connection
  dropped *after* a charge was sent (or while its body was read) would move money twice. So
  every error is classified again from aiohttp's own exception: only a failure to connect or to
  get a connection in time proves the request was not sent; anything else, known or not, may
  have reached the gateway. (Read timeouts and cut bodies it maps well.)
- aiohttp resends an "idempotent" request (GET, PUT, DELETE...) once by itself after
  ``ServerDisconnectedError`` or ``ClientOSError``: a refund (PUT) or void (DELETE) would go
  twice, unlogged, whatever the retry policy. A middleware stops that resend (the dropped
  connection then reaches us unmapped).
- aiohttp, unlike httpcore, reuses a pooled connection the server closed while the loop was
  busy, losing the charge sent on it: each request first lets the loop read what has arrived
  (two ``asyncio.sleep(0)``), so aiohttp drops such a connection.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

# aiohttp's exception -> what httpx's own transport would have raised. First match wins.
_NOT_SENT: tuple[tuple[type[BaseException], type[httpx.TransportError]], ...] = (
    (aiohttp.ClientConnectorError, httpx.ConnectError),  # refused, DNS, TLS: no connection
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),  # no connection (pool or connect)
)
_MAYBE_SENT: tuple[tuple[type[BaseException], type[httpx.TransportError]], ...] = (
    (asyncio.TimeoutError, httpx.ReadTimeout),  # SocketTimeoutError: no answer in time
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),  # dropped, maybe after commit
)
_AIOHTTP_ERRORS = (aiohttp.ClientError, OSError, asyncio.TimeoutError, httpx.TransportError)


class _NotResent(aiohttp.ClientError):
    """Carries a dropped connection past aiohttp's resend of PUT/DELETE (see the docstring)."""


async def _no_resend(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    try:
        return await handler(request)
    except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError):
        raise  # never sent: aiohttp does not resend these either
    except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError) as exc:
        raise _NotResent(str(exc)) from exc


def transport_error(exc: BaseException, *, answered: bool) -> httpx.TransportError:
    """The httpx error for an aiohttp failure: "not sent" only when that is proven (never once
    ``answered``: the status line had come, so it was sent)."""
    origin = exc  # aiohttp's own exception, behind httpx-aiohttp's mapping and our middleware
    while isinstance(origin, httpx.TransportError | _NotResent) and origin.__cause__ is not None:
        origin = origin.__cause__
    rows = _MAYBE_SENT if answered else _NOT_SENT + _MAYBE_SENT
    for kind, mapped in rows:
        if isinstance(origin, kind):
            return mapped(f"{type(origin).__name__}: {origin}")
    return httpx.ReadError(f"{type(origin).__name__}: {origin}")


class _Checked(httpx.AsyncByteStream):
    """The response body, with read errors classified like the request's."""

    __slots__ = ("_stream",)

    def __init__(self, stream: httpx.AsyncByteStream) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._stream:
                yield chunk
        except _AIOHTTP_ERRORS as exc:
            raise transport_error(exc, answered=True) from exc

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        except _AIOHTTP_ERRORS as exc:
            raise transport_error(exc, answered=True) from exc


class AiohttpBackend(httpx.AsyncBaseTransport):
    """httpx-aiohttp's transport with aiohttp's resend off and errors classified strictly."""

    def __init__(
        self, *, limits: httpx.Limits, proxy: str | httpx.Proxy | None, verify: ssl.SSLContext
    ) -> None:
        self.limits = limits
        self.inner = AiohttpTransport(
            limits=limits,
            proxy=httpx.Proxy(proxy) if isinstance(proxy, str) else proxy,
            client=self._session,
            verify=verify,
        )

    def _session(self) -> aiohttp.ClientSession:
        """Built on the first request, inside the running event loop (as aiohttp needs)."""
        connector = aiohttp.TCPConnector(
            limit=self.limits.max_connections or 0,
            keepalive_timeout=self.limits.keepalive_expiry,  # None: no expiry, as in httpx
            ssl=self.inner.ssl_context,
        )
        return aiohttp.ClientSession(connector=connector, middlewares=(_no_resend,))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # Let the loop read the end-of-stream of idle connections the server closed (see above).
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        try:
            response = await self.inner.handle_async_request(request)
        except _AIOHTTP_ERRORS as exc:
            raise transport_error(exc, answered=False) from exc
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Checked(response.stream)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
