"""Orchestra and AsyncOrchestra: configured clients with the typed facade."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from . import _constants as c
from ._backends import HttpBackend, async_transport
from ._base import ApiResponse, Operation, TimeoutTypes
from ._config import Settings, resolve_settings
from ._encode import check_headers, check_minor_units, encode_json
from ._exceptions import (
    ClientClosedError,
    ConfigurationError,
    OrchestraError,
    OutcomeUnknownError,
    RedactedError,
    RequestValidationError,
    moved_nothing,
)
from ._generated_facade import (
    OPERATIONS,
    AsyncResources,
    AsyncResourcesRaw,
    Resources,
    ResourcesRaw,
)
from ._logging import redact_token_ids
from ._options import DEFAULTS, ClientOptions, apply_options
from ._outcome import FOLLOW_UPS, FollowUpLog, SentFollowUp, ensure_my_ref, facts_of_body
from ._reconcile import AsyncReconcilingPaymentGateway, ReconcilingPaymentGateway
from ._redact import (
    install_log_filter,
    register_secret,
    scrub_exception,
    scrub_model,
    secrets_in,
)
from ._response import handle_response
from ._retry import (
    AsyncRetryTransport,
    RetryPolicy,
    RetryTransport,
    error_for,
    undecodable,
    unexpected_failure,
)
from ._tls import default_tls
from ._version import package_version

if TYPE_CHECKING:
    from orchestra_api.client import AuthenticatedClient

T = TypeVar("T")
logger = logging.getLogger("orchestra_payments")
EventHooks = Mapping[str, list[Callable[..., Any]]]


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


def _unreadable(op: Operation, exc: httpx.RequestError) -> OrchestraError:
    """An answer httpx could not read (the retry transport types a broken Content-Encoding
    first; this is the net for anything else httpx raises after sending)."""
    try:
        request: httpx.Request | None = exc.request
    except RuntimeError:
        request = None
    if request is None:
        request = httpx.Request(op.method, "http://unknown/")
    return undecodable(op, request, None)


def _stamp(parsed: Any, my_ref: str | None) -> None:
    """The myRef used, on the result (``result["myRef"]``), which the API does not echo."""
    extra = getattr(parsed, "additional_properties", None)
    if my_ref and isinstance(extra, dict):
        extra.setdefault("myRef", my_ref)


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
    _facade_client: Any
    # What a with_options() copy shares with its client (resources are built per copy).
    _SHARED = (
        "_settings",
        "timeout",
        "retry",
        "_prefix",
        "_follow_ups",
        "_http",
        "_sleep",
        "_clock",
    )

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout,
        retry: RetryPolicy | None,
    ) -> None:
        self._settings = resolve_settings(api_key, base_url)
        register_secret(self._settings.api_key, self)
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry = retry or RetryPolicy()
        self._prefix = httpx.URL(self._settings.base_url).path.rstrip("/")
        self._options = DEFAULTS
        self._follow_ups = FollowUpLog()
        install_log_filter(redact_token_ids, stand_in=RedactedError)

    def with_options(
        self,
        *,
        timeout: TimeoutTypes = None,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Self:
        """A copy of this client with other defaults for each call, sharing its connection
        pool (closing either closes both).

        Args:
            timeout: seconds for each whole call (tries and waits included), or an
                ``httpx.Timeout`` for each try.
            retry: the ``RetryPolicy`` of each call.
            headers: added to each request (a call's ``extra_headers`` win).

        Raises:
            ConfigurationError: a header value that cannot go on the wire.
        """
        clone = object.__new__(type(self))
        if headers:
            try:
                check_headers(headers, clone)  # a key among them lives as long as the copy
            except RequestValidationError as exc:
                raise ConfigurationError(str(exc).replace("; nothing was sent", "")) from None
        for name in self._SHARED:  # the connections, key, policies and follow-up record
            setattr(clone, name, getattr(self, name))
        clone._options = ClientOptions(
            timeout=self._options.timeout if timeout is None else timeout,
            retry=retry or self._options.retry,
            headers={**(self._options.headers or {}), **(headers or {})} or None,
        )
        clone._facade_client = clone
        register_secret(self._settings.api_key, clone)
        return clone

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    def _classify(self, request: httpx.Request) -> Operation | None:
        return classify(request, self._prefix)

    def _http_options(
        self, headers: Mapping[str, str] | None, event_hooks: EventHooks | None
    ) -> dict[str, Any]:
        """What the sync and async httpx clients share."""
        merged = {"User-Agent": f"orchestra-payments-python/{package_version()}", **(headers or {})}
        merged[c.API_KEY_HEADER] = self._settings.api_key
        try:
            check_headers(merged, self)
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

    def _prepare(
        self,
        op: Operation,
        kwargs: dict[str, Any],
        closed: bool,
        timeout: TimeoutTypes,
        deadline: float | None,
        retry: RetryPolicy | None,
        extra_headers: Mapping[str, str] | None,
    ) -> tuple[Any, str | None]:
        """Check and encode the request before anything is sent; returns the JSON body and the
        myRef it carries (generated for a charge or authorize that has none, so that it can
        always be reconciled)."""
        if closed:
            raise _closed(self, op)
        if (
            timeout is not None
            or deadline is not None
            or retry is not None
            or extra_headers
            or self._options is not DEFAULTS
        ):
            apply_options(kwargs, self._options, timeout, deadline, retry, extra_headers)
        kwargs["extensions"] = {**kwargs.get("extensions", {}), c.FACADE_EXTENSION: True}
        headers = kwargs.get("headers")
        if headers:
            check_headers(headers, self)
        body = kwargs.pop("json", _NO_BODY)
        my_ref = None
        if body is not _NO_BODY:
            if op.moves_money:
                my_ref = ensure_my_ref(op, body)
            kwargs["content"] = encode_json(body)
            check_minor_units(body)
        return body, my_ref

    def _track(self, op: Operation, body: Any) -> SentFollowUp | None:
        """Note a capture, refund or void about to be sent (what reconcile needs to tell it
        from the other follow-ups on its transaction)."""
        kind = FOLLOW_UPS.get(op.operation_id)
        if kind is None or body is _NO_BODY:
            return None
        facts = facts_of_body(body)
        if not facts.ref_trans_id:
            return None
        return self._follow_ups.sent(facts.ref_trans_id, kind, facts.amount)

    def _settle(self, entry: SentFollowUp | None, error: Exception | None) -> None:
        """Its answer came (or provably never will): unknown outcomes stay open."""
        if entry is None:
            return
        if isinstance(error, OutcomeUnknownError):
            error._sent = entry
            return
        self._follow_ups.finished(entry, void=error is not None and moved_nothing(error))

    @staticmethod
    def _failure(op: Operation, exc: Exception, body: Any, my_ref: str | None) -> Exception:
        """The exception to raise for a failed call, its whole chain redacted (an httpcore
        error may quote a header; a server may echo the request)."""
        error: Exception = exc
        if isinstance(exc, httpx.RequestError):
            if isinstance(exc, httpx.TransportError):
                error = _transport_error(op, exc)
            else:
                error = _unreadable(op, exc)
            error.__cause__ = exc
            error.__suppress_context__ = True
        elif not isinstance(exc, OrchestraError):
            # Nothing but an OrchestraError leaves a public call, whatever failed below.
            facts = facts_of_body(body) if body is not _NO_BODY else None
            error = unexpected_failure(op, facts, exc)
            error.__cause__ = exc
            error.__suppress_context__ = True
        secrets = secrets_in(body) if body is not _NO_BODY else ()
        scrub_exception(error, secrets)
        scrub_model(getattr(error, "result", None), secrets)
        if isinstance(error, OrchestraError) and error.my_ref is None:
            error.my_ref = my_ref
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
        sleep, clock, rng: injectable for tests (the retry waits, the budget, and the waits
            of ``payment_gateway.reconcile``).

    Every method also takes ``timeout=`` and ``deadline=`` (total seconds across tries). A
    charge or authorize sent without ``myRef`` gets a generated one (``orc-`` and 16 hex
    digits), on the result as ``result["myRef"]`` and on any error as ``.my_ref``.

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
        inner = transport or httpx.HTTPTransport(limits=limits, proxy=proxy, verify=default_tls())
        retrying = RetryTransport(
            inner, policy=self.retry, classify=self._classify, sleep=sleep, clock=clock, rng=rng
        )
        self._http = httpx.Client(transport=retrying, **self._http_options(headers, event_hooks))
        self._facade_client = self
        self._sleep = sleep
        self._clock = clock

    @cached_property
    def payment_gateway(self) -> ReconcilingPaymentGateway:
        """Payment gateway operations, plus ``reconcile`` for an unknown outcome."""
        return ReconcilingPaymentGateway(self)

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
        timeout: TimeoutTypes = None,
        *,
        deadline: float | None = None,
        retry: RetryPolicy | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ApiResponse[T]:
        body, my_ref = self._prepare(
            op, kwargs, self._http.is_closed, timeout, deadline, retry, extra_headers
        )
        entry = self._track(op, body)
        try:
            answer = handle_response(op, self._http.request(**kwargs), parse)
        except Exception as exc:  # redacted, then raised outside this block
            error = self._failure(op, exc, body, my_ref)
        else:
            self._settle(entry, None)
            if op.moves_money or op.lookup:  # gateway text; never a token's own payload
                scrub_model(answer.parsed, secrets_in(body) if body is not _NO_BODY else ())
            _stamp(answer.parsed, my_ref)
            return answer
        self._settle(entry, error)
        raise error

    def close(self) -> None:
        """Close the connections. A failure while closing is logged, never raised."""
        try:
            self._http.close()
        except Exception:
            logger.warning("closing the client's connections failed", exc_info=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncOrchestra(_BaseOrchestra, AsyncResources):
    """The Orchestra API client for asyncio, with a pooled ``httpx.AsyncClient``.

    Takes the same arguments as ``Orchestra``; ``transport`` is an async transport and
    ``sleep`` an async function. At most ``limits.max_connections`` requests are in flight;
    the others wait their turn in a fair queue, at most the pool timeout (then
    ``PoolTimeoutError``: not sent).

    Args:
        http_backend: ``"httpx"`` (default) or ``"aiohttp"``, faster under heavy concurrency
            (``pip install 'orchestra-payments[aiohttp]'``).
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
        http_backend: HttpBackend = "httpx",
    ) -> None:
        super().__init__(api_key=api_key, base_url=base_url, timeout=timeout, retry=retry)
        inner = async_transport(
            http_backend, transport, limits=limits, proxy=proxy, classify=self._classify
        )
        retrying = AsyncRetryTransport(
            inner, policy=self.retry, classify=self._classify, sleep=sleep, clock=clock, rng=rng
        )
        self._http = httpx.AsyncClient(
            transport=retrying, **self._http_options(headers, event_hooks)
        )
        self._facade_client = self
        self._sleep = sleep
        self._clock = clock

    @cached_property
    def payment_gateway(self) -> AsyncReconcilingPaymentGateway:
        """Payment gateway operations, plus ``reconcile`` for an unknown outcome."""
        return AsyncReconcilingPaymentGateway(self)

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
        timeout: TimeoutTypes = None,
        *,
        deadline: float | None = None,
        retry: RetryPolicy | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ApiResponse[T]:
        body, my_ref = self._prepare(
            op, kwargs, self._http.is_closed, timeout, deadline, retry, extra_headers
        )
        entry = self._track(op, body)
        try:
            answer = handle_response(op, await self._http.request(**kwargs), parse)
        except asyncio.CancelledError:
            if op.moves_money:
                logger.warning(
                    "%s cancelled while in flight (myRef %r): it may have reached the gateway; "
                    "reconcile before sending it again",
                    op.operation_id,
                    my_ref,
                )
            raise
        except Exception as exc:  # redacted, then raised outside this block
            error = self._failure(op, exc, body, my_ref)
        else:
            self._settle(entry, None)
            if op.moves_money or op.lookup:  # gateway text; never a token's own payload
                scrub_model(answer.parsed, secrets_in(body) if body is not _NO_BODY else ())
            _stamp(answer.parsed, my_ref)
            return answer
        self._settle(entry, error)
        raise error

    async def aclose(self) -> None:
        """Close the connections of the running event loop (those of loops that have closed
        went with them). A failure while closing is logged, never raised."""
        try:
            await self._http.aclose()
        except Exception:
            logger.warning("closing the client's connections failed", exc_info=True)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
