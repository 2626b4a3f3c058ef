"""Retries as wrapper transports, decided per operation (never per HTTP method).

The policy in one sentence: a 503 is retried for every operation; a request that provably never
left (connect error, no pooled connection) is retried for every operation; a request that may
have reached Orchestra (read timeout, dropped connection) is retried only for operations that
move no money and are harmless to repeat; for a money-moving operation it raises
OutcomeUnknownError; nothing else is retried.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

import httpx

from . import _constants as c
from ._base import Operation
from ._connection import describe_failure
from ._exceptions import (
    APIConnectionError,
    APITimeoutError,
    ConfigurationError,
    OrchestraError,
    OutcomeUnknownError,
)

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

    UNAVAILABLE = "503"  # Orchestra answered 503: nothing happened, retry
    NOT_SENT = "a connection error before sending"  # the request never left: nothing happened
    MAYBE_SENT = "no answer"  # the request may have reached Orchestra
    ANSWERED = "answered"  # any other answer: final


def outcome_of_error(exc: httpx.TransportError) -> Outcome:
    """Whether a transport error proves the request never left."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Outcome.NOT_SENT
    return Outcome.MAYBE_SENT


def should_retry(op: Operation | None, outcome: Outcome) -> bool:
    """The retry decision, by operation and outcome alone."""
    if outcome in (Outcome.UNAVAILABLE, Outcome.NOT_SENT):
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
    try:
        body = json.loads(request.content or b"null")
    except (ValueError, httpx.RequestNotRead):
        return None
    ref = body.get("myRef") if isinstance(body, dict) else None
    return ref if isinstance(ref, str) else None


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
        ref = my_ref_of(request) if request is not None else None
        hint = (
            f"ask payment_gateway.status({{'myRef': {ref!r}}})"
            if ref
            else "ask payment_gateway.status by the reference (send myRef next time)"
        )
        return OutcomeUnknownError(
            f"{name}: no answer after the request may have reached the gateway "
            f"({type(exc).__name__}); it may have succeeded. Do not retry blindly: {hint}.",
            operation=name,
            my_ref=ref,
        )
    failure = f"{name}: {describe_failure(exc, request)}"
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(failure, operation=name)
    return APIConnectionError(failure, operation=name)


Classifier = Callable[[httpx.Request], Operation | None]


class _Tries:
    """The bookkeeping shared by the sync and async loops."""

    def __init__(self, transport: _RetryBase, request: httpx.Request) -> None:
        self.t = transport
        self.request = request
        self.op = transport.classify(request)
        self.start = transport.clock()
        self.attempt = 1

    @property
    def name(self) -> str:
        return self.op.operation_id if self.op else f"{self.request.method} {self.request.url.path}"

    def next_wait(self, outcome: Outcome, retry_after: str | None = None) -> float | None:
        """Seconds to wait before the next try, or None when this try is final."""
        policy = self.t.policy
        if not should_retry(self.op, outcome) or self.attempt >= policy.attempts:
            return None
        delay = retry_delay(policy, self.attempt, retry_after, rng=self.t.rng)
        if self.t.clock() - self.start + delay > policy.timeout:
            logger.warning(
                "not retrying %s after %s: the %.1f s budget would be exceeded",
                self.name,
                outcome.value,
                policy.timeout,
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
        while True:
            try:
                response = self.inner.handle_request(request)
            except httpx.TransportError as exc:
                wait = tries.next_wait(outcome_of_error(exc))
                if wait is None:
                    raise error_for(tries.op, request, exc) from exc
                self.sleep(wait)
                continue
            if response.status_code == 503:
                wait = tries.next_wait(Outcome.UNAVAILABLE, response.headers.get("Retry-After"))
                if wait is not None:
                    response.read()
                    response.close()
                    self.sleep(wait)
                    continue
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
        tries = _Tries(self, request)
        while True:
            try:
                response = await self.inner.handle_async_request(request)
            except httpx.TransportError as exc:
                wait = tries.next_wait(outcome_of_error(exc))
                if wait is None:
                    raise error_for(tries.op, request, exc) from exc
                await self.sleep(wait)
                continue
            if response.status_code == 503:
                wait = tries.next_wait(Outcome.UNAVAILABLE, response.headers.get("Retry-After"))
                if wait is not None:
                    await response.aread()
                    await response.aclose()
                    await self.sleep(wait)
                    continue
            return tries.done(response)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def _asyncio_sleep(seconds: float) -> None:
    import asyncio  # kept off the import path of sync users

    await asyncio.sleep(seconds)
