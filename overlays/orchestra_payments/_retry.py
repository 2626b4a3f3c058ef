"""Retries as wrapper transports, decided per operation (never per HTTP method).

The policy in one sentence: a 503 or a 429 is retried for every operation; a request that
provably never left (connect error, no pooled connection) is retried for every operation; a
request that may have reached Orchestra (read timeout, dropped connection, a body cut off while
being read) is retried only for operations that move no money and are harmless to repeat; for a
money-moving operation it raises OutcomeUnknownError; nothing else is retried.

The budget (``RetryPolicy.timeout``, or a per-call deadline) is a total: each try's timeouts are
cut to what is left of it, and no wait ends past it.

The transport also reads each known operation's answer in full, so that an answer that cannot
be used (content that fails decoding, a body that is empty, truncated or nested too deep) is a
typed error on every path, the generated low-level functions included.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from http import HTTPStatus

import httpx

from . import _constants as c
from ._base import Operation
from ._connection import describe_failure
from ._exceptions import (
    APIConnectionError,
    APITimeoutError,
    ConfigurationError,
    OrchestraError,
    UnexpectedResponseError,
)
from ._outcome import Facts, facts_of, outcome_unknown, with_my_ref
from ._redact import excerpt
from ._response import make_status_error

logger = logging.getLogger("orchestra_payments")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try.

    Args:
        attempts: tries in all, the first included (1 disables retries).
        wait_initial: the first backoff wait, in seconds; doubled at each retry.
        wait_max: the cap of one backoff wait.
        wait_jitter: at most this many seconds added at random to each wait.
        timeout: the total budget, in seconds, from the first try: no wait ever ends past it.
        retry_after_max: the cap put on a server's ``Retry-After``.
    """

    attempts: int = c.DEFAULT_ATTEMPTS
    wait_initial: float = c.DEFAULT_WAIT_INITIAL
    wait_max: float = c.DEFAULT_WAIT_MAX
    wait_jitter: float = c.DEFAULT_WAIT_JITTER
    timeout: float = c.DEFAULT_RETRY_BUDGET
    retry_after_max: float = c.DEFAULT_RETRY_AFTER_MAX

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ConfigurationError("RetryPolicy.attempts must be at least 1")
        for name in ("wait_initial", "wait_max", "wait_jitter", "retry_after_max"):
            if getattr(self, name) < 0:
                raise ConfigurationError(f"RetryPolicy.{name} must not be negative")
        if self.timeout <= 0:
            raise ConfigurationError("RetryPolicy.timeout must be positive")


NO_RETRY = RetryPolicy(attempts=1)


class Outcome(Enum):
    """What one try came to, as far as retrying is concerned."""

    UNAVAILABLE = "503"  # 503: retried for operations that move no money
    RATE_LIMITED = "429"  # rate limited (by Orchestra or a proxy): not processed, retry
    NOT_SENT = "a connection error before sending"  # the request never left: nothing happened
    MAYBE_SENT = "no answer"  # the request may have reached Orchestra
    ANSWERED = "answered"  # any other answer: final


def outcome_of_error(exc: httpx.TransportError) -> Outcome:
    """Whether a transport error proves the request never left."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Outcome.NOT_SENT
    return Outcome.MAYBE_SENT


_STATUS_OUTCOMES = {503: Outcome.UNAVAILABLE, 429: Outcome.RATE_LIMITED}


def should_retry(op: Operation | None, outcome: Outcome) -> bool:
    """The retry decision, by operation and outcome alone.

    A 503 on a money-moving operation is not retried: the spec documents no body for
    Orchestra's own 503, so it cannot be told apart from a proxy's 503 sent after the request
    was forwarded (it becomes an ``OutcomeUnknownError``). A 429 means nothing was processed."""
    if outcome is Outcome.UNAVAILABLE:
        return op is None or not op.moves_money
    if outcome in (Outcome.RATE_LIMITED, Outcome.NOT_SENT):
        return True
    if outcome is Outcome.MAYBE_SENT:
        return op is not None and op.retry == "safe"
    return False


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)


def retry_delay(
    policy: RetryPolicy,
    attempt: int,
    retry_after: str | None = None,
    *,
    now: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """The wait before try ``attempt + 1``: Retry-After (capped) or capped backoff + jitter."""
    server = parse_retry_after(retry_after, time.time() if now is None else now)
    if server is not None:
        return min(server, policy.retry_after_max)
    backoff = min(policy.wait_max, policy.wait_initial * 2.0 ** (attempt - 1))
    jitter = float((rng or random).uniform(0, policy.wait_jitter)) if policy.wait_jitter else 0.0
    return min(policy.wait_max, backoff + jitter)


def my_ref_of(request: httpx.Request) -> str | None:
    return facts_of(request).my_ref


def error_for(
    op: Operation | None, request: httpx.Request | None, exc: httpx.TransportError
) -> OrchestraError:
    """The exception for a try that got no answer and will not be retried."""
    if op is not None:
        name = op.operation_id
    elif request is not None:
        name = f"{request.method} {request.url.path}"
    else:
        name = "request"
    if op is not None and op.moves_money and outcome_of_error(exc) is Outcome.MAYBE_SENT:
        return outcome_unknown(
            op,
            request,
            f"no answer after the request may have reached the gateway ({type(exc).__name__})",
        )
    failure = f"{name}: {describe_failure(exc, request)}"
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(failure, operation=name)
    return APIConnectionError(failure, operation=name)


def unexpected_failure(
    op: Operation, request: httpx.Request | Facts | None, exc: Exception
) -> OrchestraError:
    """The typed error for anything else that failed below the client once a request was on
    its way (an event loop closed or changed, a backend's own exception): it may have been
    sent."""
    what = f"the call failed after it may have been sent ({type(exc).__name__}: {exc})"
    if op.moves_money:
        return outcome_unknown(op, request, what)
    return APIConnectionError(f"{op.operation_id}: {what}", operation=op.operation_id)


def unusable_body(
    op: Operation, response: httpx.Response, why: str, *, content: bytes = b""
) -> OrchestraError:
    """A 2xx answer whose body cannot be used: money may have moved on a money operation."""
    status = response.status_code
    if op.moves_money:
        return outcome_unknown(op, response.request, f"HTTP {status} but {why}", status_code=status)
    key = response.request.headers.get(c.API_KEY_HEADER, "")
    shown = excerpt(content, secrets=(key,))
    return UnexpectedResponseError(
        f"{op.operation_id}: HTTP {status}, {why}: {shown!r}",
        operation=op.operation_id,
        status_code=status,
        excerpt=shown,
    )


def undecodable(
    op: Operation, request: httpx.Request, response: httpx.Response | None
) -> OrchestraError:
    """An answer whose content fails decoding (a bad gzip stream...)."""
    status = response.status_code if response is not None else None
    what = f"HTTP {status} but the content failed decoding" if status else "undecodable content"
    if op.moves_money:
        return outcome_unknown(op, request, what, status_code=status)
    return UnexpectedResponseError(
        f"{op.operation_id}: {what}",
        operation=op.operation_id,
        status_code=status or 0,
        excerpt="",
    )


_HTTP_STATUSES = frozenset(int(s) for s in HTTPStatus)
# Error statuses whose bodies the generated low-level functions parse as a JSON object.
_PARSED_ERRORS = frozenset({400, 401, 409})


def check_body(op: Operation, response: httpx.Response) -> None:
    """Parse a read 2xx body once (kept in the response's extensions for the facade), or
    raise the typed error for a body that is empty, not JSON, nested too deep, or not the
    documented JSON container."""
    status = response.status_code
    if status not in _HTTP_STATUSES:  # 299, 999...: no known meaning (and the generated
        raise unusable_body(op, response, "an undocumented status")  # code cannot parse it)
    low_level = not response.request.extensions.get(c.FACADE_EXTENSION)
    if not 200 <= status < 300:
        if low_level and op.moves_money and status >= 500:
            # The generated functions would hand back a 5xx as a plain response (`.sync` as
            # None): on a money call, one that may have moved money. The same error as the
            # facade's.
            raise make_status_error(op, response)
        if status in _PARSED_ERRORS and low_level:
            _check_error_body(op, response)
        return
    if op.success == "empty":
        return
    content = response.content
    if not content.strip():
        raise unusable_body(op, response, "the body is empty")
    try:
        body = json.loads(content)
    except RecursionError:
        raise unusable_body(op, response, "the body is nested too deep", content=content) from None
    except (ValueError, UnicodeDecodeError):
        raise unusable_body(
            op, response, "the body is not JSON (truncated?)", content=content
        ) from None
    expected = list if op.success == "array" else dict
    if not isinstance(body, expected):
        raise unusable_body(op, response, f"the body is not a JSON {expected.__name__}")
    if (
        low_level
        and (op.checks_result or op.lookup)
        and isinstance(body, dict)
        and not _fits_result(body)
    ):
        raise unusable_body(op, response, "the body does not fit the documented model")
    response.extensions[c.JSON_EXTENSION] = body


def _check_error_body(op: Operation, response: httpx.Response) -> None:
    """On the low-level path, an error answer whose body the generated parser would choke on
    raises the typed error the facade gives for it (never a JSONDecodeError)."""
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        body = None
    if not isinstance(body, dict):
        raise make_status_error(op, response)
    if response.status_code == 409 and not _fits_result(body):
        raise make_status_error(op, response)


def _fits_result(body: dict[str, object]) -> bool:
    """Whether the generated ``OperationResult`` can parse this body (a value of the wrong
    type in an enum field makes it raise ``ValueError``)."""
    from orchestra_api.models.operation_result import OperationResult

    try:
        OperationResult.from_dict(body)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError):
        return False
    return True


Classifier = Callable[[httpx.Request], Operation | None]


class _Tries:
    """The bookkeeping shared by the sync and async loops."""

    def __init__(self, transport: _RetryBase, request: httpx.Request) -> None:
        self.t = transport
        self.op = op = transport.classify(request)
        if op is not None and op.moves_money and not request.extensions.get(c.FACADE_EXTENSION):
            request = with_my_ref(op, request)
        self.request = request
        self.start = transport.clock()
        self.attempt = 1
        self.ambiguous = False  # a try that may have reached Orchestra got no answer
        policy = request.extensions.get(c.RETRY_EXTENSION)
        self.policy: RetryPolicy = policy if isinstance(policy, RetryPolicy) else transport.policy
        deadline = request.extensions.get(c.DEADLINE_EXTENSION)
        budget = self.policy.timeout
        self.budget = min(budget, float(deadline)) if deadline is not None else budget
        self.timeouts: dict[str, float | None] = dict(request.extensions.get("timeout") or {})
        # Whether the first try's timeouts can outlast the budget (else they stay as they are).
        self.cut = (
            deadline is not None
            or not self.timeouts
            or any(v is None or v > budget for v in self.timeouts.values())
        )

    @property
    def name(self) -> str:
        return self.op.operation_id if self.op else f"{self.request.method} {self.request.url.path}"

    def left(self) -> float:
        return self.budget - (self.t.clock() - self.start)

    def overrun(self, request: httpx.Request) -> httpx.ReadTimeout:
        """The try whose answer did not come in full within the budget: it may have been
        sent."""
        return httpx.ReadTimeout(
            f"the call's time budget ({self.budget:g} s) ran out before the answer was read",
            request=request,
        )

    def arm(self) -> None:
        """Cut this try's timeouts to what is left of the budget."""
        if self.attempt == 1 and not self.cut:
            return
        left = self.left()
        if left <= 0 and self.attempt > 1:
            # Only a wait that overran (a descheduled process) gets here: send nothing more.
            raise APITimeoutError(
                f"{self.name}: the call's time budget ran out before try {self.attempt}",
                operation=self.name,
            )
        left = max(left, 0.001)
        self.request.extensions["timeout"] = {
            k: left if (v := self.timeouts.get(k)) is None else min(float(v), left)
            for k in ("connect", "read", "write", "pool")
        }

    def next_wait(self, outcome: Outcome, retry_after: str | None = None) -> float | None:
        """Seconds to wait before the next try, or None when this try is final."""
        policy = self.policy
        if outcome is Outcome.MAYBE_SENT:
            self.ambiguous = True
        if not should_retry(self.op, outcome) or self.attempt >= policy.attempts:
            return None
        delay = retry_delay(policy, self.attempt, retry_after, rng=self.t.rng)
        if self.left() - delay <= 0:
            logger.warning(
                "not retrying %s after %s: the %.1f s budget would be exceeded",
                self.name,
                outcome.value,
                self.budget,
            )
            return None
        logger.warning(
            "retrying %s after %s in %.2f s, attempt %d/%d",
            self.name,
            outcome.value,
            delay,
            self.attempt + 1,
            policy.attempts,
        )
        self.attempt += 1
        return delay

    def done(self, response: httpx.Response) -> httpx.Response:
        op = self.op
        if (
            op is not None
            and response.status_code == 404
            and self.ambiguous
            and op.retry == "safe"
            and op.method == "DELETE"
        ):
            # The try whose answer was lost did the delete: this one finds nothing left.
            logger.info("%s: 404 after a try whose answer was lost: already deleted", self.name)
            response.close()
            response = httpx.Response(200, request=self.request)
        response.extensions[c.ATTEMPTS_EXTENSION] = self.attempt
        return response


class _RetryBase:
    def __init__(
        self,
        *,
        policy: RetryPolicy,
        classify: Classifier,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy
        self.classify = classify
        self.clock = clock
        self.rng = rng or random.Random()  # noqa: S311 (jitter, not security)


class RetryTransport(_RetryBase, httpx.BaseTransport):
    """Wraps a sync transport with the retry policy."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        policy: RetryPolicy,
        classify: Classifier,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(policy=policy, classify=classify, clock=clock, rng=rng)
        self.inner = inner
        self.sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        tries = _Tries(self, request)
        request = tries.request
        while True:
            tries.arm()
            response: httpx.Response | None = None
            try:
                try:
                    response = self.inner.handle_request(request)
                    response.request = request
                    if tries.op is not None:
                        # A body that trickles in would outlast every read's timeout: reading
                        # it ends with the budget (headers that trickle cannot be cut here).
                        assert isinstance(response.stream, httpx.SyncByteStream)
                        response.stream = _Budgeted(response.stream, tries, request)
                        response.read()  # a body cut off mid-read is a try without an answer
                except BaseException:
                    if response is not None:  # its connection goes back to the pool
                        _close(response)
                    raise
            except httpx.TransportError as exc:
                wait = tries.next_wait(outcome_of_error(exc))
                if wait is None:
                    raise error_for(tries.op, request, exc) from exc
                self.sleep(wait)
                continue
            except httpx.DecodingError as exc:
                if tries.op is None:
                    raise
                raise undecodable(tries.op, request, response) from exc
            except (OrchestraError, httpx.HTTPError):
                raise
            except Exception as exc:
                if tries.op is None:
                    raise
                raise unexpected_failure(tries.op, request, exc) from exc
            outcome = _STATUS_OUTCOMES.get(response.status_code)
            if outcome is not None:
                wait = tries.next_wait(outcome, response.headers.get("Retry-After"))
                if wait is not None:
                    _close(response)
                    self.sleep(wait)
                    continue
            if tries.op is not None:
                check_body(tries.op, response)
            return tries.done(response)

    def close(self) -> None:
        self.inner.close()


class AsyncRetryTransport(_RetryBase, httpx.AsyncBaseTransport):
    """Wraps an async transport with the retry policy."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        policy: RetryPolicy,
        classify: Classifier,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(policy=policy, classify=classify, clock=clock, rng=rng)
        self.inner = inner
        self.sleep = sleep or _asyncio_sleep

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import asyncio  # kept off the import path of sync users

        tries = _Tries(self, request)
        request = tries.request
        while True:
            tries.arm()
            response: httpx.Response | None = None
            try:
                try:
                    # Each read has its timeout, but an answer that trickles in (a byte at a
                    # time, endless 1xx lines) would outlast them all: the try as a whole ends
                    # with the budget (and a little more, so that the pool and read timeouts,
                    # cut to the budget, speak first: a wait in the queue was never sent).
                    async with asyncio.timeout(max(tries.left(), 0.001) + _OVERRUN_GRACE):
                        response = await self.inner.handle_async_request(request)
                        response.request = request
                        if tries.op is not None:
                            assert isinstance(response.stream, httpx.AsyncByteStream)
                            response.stream = _AsyncBudgeted(response.stream, tries, request)
                            await response.aread()  # cut off mid-read: a try without an answer
                except BaseException:
                    if response is not None:  # its queue place and connection come back
                        await _aclose(response)
                    raise
            except TimeoutError as exc:
                overrun = tries.overrun(request)
                wait = tries.next_wait(outcome_of_error(overrun))
                if wait is None:
                    raise error_for(tries.op, request, overrun) from exc
                await self.sleep(wait)
                continue
            except httpx.TransportError as exc:
                wait = tries.next_wait(outcome_of_error(exc))
                if wait is None:
                    raise error_for(tries.op, request, exc) from exc
                await self.sleep(wait)
                continue
            except httpx.DecodingError as exc:
                if tries.op is None:
                    raise
                raise undecodable(tries.op, request, response) from exc
            except (OrchestraError, httpx.HTTPError):
                raise
            except Exception as exc:  # an event loop closed or changed, a backend's own error
                if tries.op is None:
                    raise
                raise unexpected_failure(tries.op, request, exc) from exc
            outcome = _STATUS_OUTCOMES.get(response.status_code)
            if outcome is not None:
                wait = tries.next_wait(outcome, response.headers.get("Retry-After"))
                if wait is not None:
                    await _aclose(response)
                    await self.sleep(wait)
                    continue
            if tries.op is not None:
                check_body(tries.op, response)
            return tries.done(response)

    async def aclose(self) -> None:
        await self.inner.aclose()


_OVERRUN_GRACE = 0.25  # seconds past the budget before a try that still has no answer is cut


class _Budgeted(httpx.SyncByteStream):
    """A sync response body whose reading stops when the call's budget runs out."""

    def __init__(self, stream: httpx.SyncByteStream, tries: _Tries, request: httpx.Request):
        self._stream, self._tries, self._request = stream, tries, request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            if self._tries.left() <= 0:
                raise self._tries.overrun(self._request)
            yield chunk

    def close(self) -> None:
        self._stream.close()


class _AsyncBudgeted(httpx.AsyncByteStream):
    """The async twin of ``_Budgeted`` (on the client's clock; a stalled read is cut by the
    try's ``asyncio.timeout``)."""

    def __init__(
        self, stream: httpx.AsyncByteStream, tries: _Tries, request: httpx.Request
    ) -> None:
        self._stream, self._tries, self._request = stream, tries, request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            if self._tries.left() <= 0:
                raise self._tries.overrun(self._request)
            yield chunk

    async def aclose(self) -> None:
        await self._stream.aclose()


def _close(response: httpx.Response) -> None:
    """Close an answer that is given up on; a failure to close it changes nothing."""
    try:
        response.close()
    except Exception:
        logger.debug("closing an abandoned answer failed", exc_info=True)


async def _aclose(response: httpx.Response) -> None:
    try:
        await response.aclose()
    except Exception:
        logger.debug("closing an abandoned answer failed", exc_info=True)


async def _asyncio_sleep(seconds: float) -> None:
    import asyncio  # kept off the import path of sync users

    await asyncio.sleep(seconds)
