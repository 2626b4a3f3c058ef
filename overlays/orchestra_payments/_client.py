"""Orchestra and AsyncOrchestra: configured clients with the typed facade."""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from . import _constants as c
from ._base import ApiResponse, Operation, TimeoutTypes
from ._config import Settings, resolve_settings
from ._encode import check_headers, check_minor_units, encode_json
from ._exceptions import (
    APIConnectionError,
    ClientClosedError,
    ConfigurationError,
    OrchestraError,
    OutcomeUnknownError,
    RequestValidationError,
)
from ._facade import OPERATIONS, AsyncResources, AsyncResourcesRaw, Resources, ResourcesRaw
from ._logging import install_log_redaction
from ._redact import install_log_filter, scrub_exception, secrets_in
from ._response import handle_response
from ._retry import AsyncRetryTransport, RetryPolicy, RetryTransport, error_for

if TYPE_CHECKING:
    from orchestra_api.client import AuthenticatedClient

T = TypeVar("T")
EventHooks = Mapping[str, list[Callable[..., Any]]]

_USER_AGENT = "orchestra-payments-python/0.1.0"


_STATIC = {(op.method, op.path): op for op in OPERATIONS if "{" not in op.path}
_TEMPLATED = tuple(op for op in OPERATIONS if "{" in op.path)
_NO_BODY: Any = object()


def classify(request: httpx.Request, prefix: str = "") -> Operation | None:
    """The operation a request belongs to, by method and path (so low-level calls count too).

    ``prefix`` is the base URL's path (a gateway or proxy in front of Orchestra)."""
    path = request.url.path
    if prefix and path.startswith(prefix):
        path = path[len(prefix) :]
    op = _STATIC.get((request.method, path))
    if op is not None:
        return op
    for candidate in _TEMPLATED:
        if candidate.method == request.method and candidate.pattern.match(path):
            return candidate
    return None


def _transport_error(op: Operation, exc: httpx.TransportError) -> OrchestraError:
    """Also for failures after the transport returned (a body cut off mid-read)."""
    try:
        request: httpx.Request | None = exc.request
    except RuntimeError:
        request = None
    return error_for(op, request, exc)


def _closed(client: object, op: Operation) -> ClientClosedError:
    name = type(client).__name__
    return ClientClosedError(
        f"{op.operation_id}: this {name} was closed (close() or the end of its `with` block); "
        f"nothing was sent. Create a new {name} for further calls."
    )


def _unreadable(op: Operation, body: Any, exc: httpx.RequestError) -> OrchestraError:
    """An answer httpx could not read (a broken Content-Encoding): no usable answer."""
    name = op.operation_id
    if op.moves_money:
        ref = body.get("myRef") if isinstance(body, dict) else None
        return OutcomeUnknownError(
            f"{name}: the answer could not be read ({type(exc).__name__}); Orchestra may have "
            "moved the money. Reconcile with payment_gateway.status before trying again.",
            operation=name,
            my_ref=ref if isinstance(ref, str) else None,
        )
    return APIConnectionError(
        f"{name}: the answer could not be read ({type(exc).__name__})", operation=name
    )


def _low_level(settings: Settings, timeout: httpx.Timeout) -> AuthenticatedClient:
    from orchestra_api.client import AuthenticatedClient

    # The key travels in the shared httpx client's headers, never in this object's fields.
    return AuthenticatedClient(
        base_url=settings.base_url,
        token="",
        timeout=timeout,
        auth_header_name=c.API_KEY_HEADER,
        prefix="",
    )


class _BaseOrchestra:
    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout,
        retry: RetryPolicy | None,
    ) -> None:
        self._settings = resolve_settings(api_key, base_url)
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry = retry or RetryPolicy()
        self._prefix = httpx.URL(self._settings.base_url).path.rstrip("/")
        install_log_filter()
        install_log_redaction()

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    def _classify(self, request: httpx.Request) -> Operation | None:
        return classify(request, self._prefix)

    def _http_options(
        self, headers: Mapping[str, str] | None, event_hooks: EventHooks | None
    ) -> dict[str, Any]:
        """What the sync and async httpx clients share."""
        merged = {"User-Agent": _USER_AGENT, **(headers or {})}
        merged[c.API_KEY_HEADER] = self._settings.api_key
        try:
            check_headers(merged)
        except RequestValidationError as exc:
            raise ConfigurationError(str(exc).replace("; nothing was sent", "")) from None
        return {
            "base_url": self.base_url,
            "headers": merged,
            "timeout": self.timeout,
            "event_hooks": dict(event_hooks) if event_hooks else None,
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    @staticmethod
    def _prepare(kwargs: dict[str, Any], timeout: TimeoutTypes) -> Any:
        """Check and encode the request before anything is sent; returns the JSON body."""
        if timeout is not None:
            kwargs["timeout"] = timeout
        headers = kwargs.get("headers")
        if headers:
            check_headers(headers)
        body = kwargs.pop("json", _NO_BODY)
        if body is not _NO_BODY:
            kwargs["content"] = encode_json(body)
            check_minor_units(body)
        return body

    @staticmethod
    def _failure(op: Operation, exc: Exception, body: Any) -> Exception:
        """The exception to raise for a failed call, its whole chain redacted (an httpcore
        error may quote a header; a server may echo the request)."""
        error: Exception = exc
        if isinstance(exc, httpx.RequestError):
            if isinstance(exc, httpx.TransportError):
                error = _transport_error(op, exc)
            else:
                error = _unreadable(op, body, exc)
            error.__cause__ = exc
            error.__suppress_context__ = True
        scrub_exception(error, secrets_in(body) if body is not _NO_BODY else ())
        return error


class Orchestra(_BaseOrchestra, Resources):
    """The Orchestra API client (sync, thread-safe).

    ``client.payment_gateway.charge(...)`` returns the parsed success or raises an
    ``OrchestraError``; ``client.with_raw_response.<resource>.<method>`` returns an
    ``ApiResponse`` with status, headers and bytes as well.

    Args:
        api_key: the API key; else ``ORCHESTRA_API_KEY``. Required.
        base_url: else ``ORCHESTRA_BASE_URL``, else ``ORCHESTRA_API_URL`` (the vendor's name),
            else ``https://api.orchestrasolutions.com``. Plain ``http://`` only to loopback.
        timeout: seconds or an ``httpx.Timeout``; default connect 5 s, read 60 s.
        retry: a ``RetryPolicy``; ``RetryPolicy(attempts=1)`` disables retries.
        transport: an httpx transport to send through (wrapped by the retry transport).
        limits, proxy, event_hooks, headers: passed to httpx.
        sleep, clock, rng: injectable for tests (the retry waits and the budget).

    Raises:
        ConfigurationError: no key, an unusable URL, or http:// to a remote host.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = c.DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        limits: httpx.Limits = c.DEFAULT_LIMITS,
        proxy: str | httpx.Proxy | None = None,
        event_hooks: EventHooks | None = None,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(api_key=api_key, base_url=base_url, timeout=timeout, retry=retry)
        inner = transport or httpx.HTTPTransport(limits=limits, proxy=proxy)
        retrying = RetryTransport(
            inner, policy=self.retry, classify=self._classify, sleep=sleep, clock=clock, rng=rng
        )
        self._http = httpx.Client(transport=retrying, **self._http_options(headers, event_hooks))
        self._facade_client = self

    @cached_property
    def with_raw_response(self) -> ResourcesRaw:
        """The same operations, returning ``ApiResponse`` (status, headers, bytes, parsed)."""
        raw = ResourcesRaw()
        raw._facade_client = self
        return raw

    @cached_property
    def low_level(self) -> AuthenticatedClient:
        """The generated client sharing this one's connection pool, key, timeouts and retries:
        ``gateway_charge.sync_detailed(client=orchestra.low_level, body=...)``."""
        client = _low_level(self._settings, self.timeout)
        client.set_httpx_client(self._http)
        return client

    @property
    def http_client(self) -> httpx.Client:
        return self._http

    def _request(
        self,
        op: Operation,
        kwargs: dict[str, Any],
        parse: Callable[[Any], T] | None,
        timeout: TimeoutTypes,
    ) -> ApiResponse[T]:
        if self._http.is_closed:
            raise _closed(self, op)
        body = self._prepare(kwargs, timeout)
        try:
            return handle_response(op, self._http.request(**kwargs), parse)
        except Exception as exc:  # redacted, then raised outside this block
            error = self._failure(op, exc, body)
        raise error

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncOrchestra(_BaseOrchestra, AsyncResources):
    """The Orchestra API client for asyncio, with a pooled ``httpx.AsyncClient``.

    Takes the same arguments as ``Orchestra``; ``transport`` is an async transport and
    ``sleep`` an async function.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = c.DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        limits: httpx.Limits = c.DEFAULT_LIMITS,
        proxy: str | httpx.Proxy | None = None,
        event_hooks: EventHooks | None = None,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(api_key=api_key, base_url=base_url, timeout=timeout, retry=retry)
        inner = transport or httpx.AsyncHTTPTransport(limits=limits, proxy=proxy)
        retrying = AsyncRetryTransport(
            inner, policy=self.retry, classify=self._classify, sleep=sleep, clock=clock, rng=rng
        )
        self._http = httpx.AsyncClient(
            transport=retrying, **self._http_options(headers, event_hooks)
        )
        self._facade_client = self

    @cached_property
    def with_raw_response(self) -> AsyncResourcesRaw:
        """The same operations, returning ``ApiResponse`` (status, headers, bytes, parsed)."""
        raw = AsyncResourcesRaw()
        raw._facade_client = self
        return raw

    @cached_property
    def low_level(self) -> AuthenticatedClient:
        """The generated client sharing this one's pool, key, timeouts and retries:
        ``await gateway_charge.asyncio_detailed(client=orchestra.low_level, body=...)``."""
        client = _low_level(self._settings, self.timeout)
        client.set_async_httpx_client(self._http)
        return client

    @property
    def http_client(self) -> httpx.AsyncClient:
        return self._http

    async def _request(
        self,
        op: Operation,
        kwargs: dict[str, Any],
        parse: Callable[[Any], T] | None,
        timeout: TimeoutTypes,
    ) -> ApiResponse[T]:
        if self._http.is_closed:
            raise _closed(self, op)
        body = self._prepare(kwargs, timeout)
        try:
            return handle_response(op, await self._http.request(**kwargs), parse)
        except Exception as exc:  # redacted, then raised outside this block
            error = self._failure(op, exc, body)
        raise error

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
