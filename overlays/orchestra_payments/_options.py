"""Per-call and per-client options: a time budget for the whole call, a retry policy, headers.

The facade hands them to the client's ``_request``; what the retry transport needs travels in
the request's extensions (``CALL_EXTENSION``), so the transport stays the one place that
decides about tries and waits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

import httpx

from ._exceptions import ConfigurationError

if TYPE_CHECKING:
    from ._base import TimeoutTypes
    from ._retry import RetryPolicy

CALL_EXTENSION = "orchestra_call"


class RequestOptions(TypedDict, total=False):
    """What every facade method takes besides the operation's own parameters.

    Attributes:
        timeout: seconds for the whole call, every try and backoff wait included (each try's
            timeouts are cut to what is left); or an ``httpx.Timeout`` for each try.
        deadline: seconds for the whole call, as ``timeout`` in seconds (with both, the
            shorter wins): a total that no try or wait outlasts.
        retry: the ``RetryPolicy`` of this call, in place of the client's.
        extra_headers: headers added to this request.
    """

    timeout: TimeoutTypes
    deadline: float | None
    retry: RetryPolicy | None
    extra_headers: Mapping[str, str] | None


@dataclass(frozen=True, slots=True)
class CallBudget:
    """What one call allows: ``end`` on the client's clock (None: no limit beyond the retry
    policy's own budget) and the retry policy for this call (None: the client's)."""

    end: float | None
    policy: RetryPolicy | None

    def remaining(self, now: float) -> float | None:
        return None if self.end is None else self.end - now


@dataclass(frozen=True, slots=True)
class ClientOptions:
    """The defaults a client applies to each call (``with_options`` makes a copy with others)."""

    timeout: TimeoutTypes = None
    retry: RetryPolicy | None = None
    headers: Mapping[str, str] | None = None


DEFAULTS = ClientOptions()


def _check_seconds(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigurationError(f"{name} must be a finite number of seconds, got {value!r}")
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive, got {value!r}")


def apply_options(
    kwargs: dict[str, Any],
    defaults: ClientOptions,
    clock: Callable[[], float],
    timeout: TimeoutTypes,
    deadline: float | None,
    retry: RetryPolicy | None,
    extra_headers: Mapping[str, str] | None,
) -> None:
    """Fold the per-call options, over the client's defaults, into the httpx request arguments.

    ``timeout`` in seconds is the budget of the whole call (every try and wait); an
    ``httpx.Timeout`` sets connect/read/write/pool for each try. ``deadline`` is such a total
    too; with both, the shorter wins.
    """
    if timeout is None:
        timeout = defaults.timeout
    if retry is None:
        retry = defaults.retry
    if defaults.headers or extra_headers:
        headers = dict(defaults.headers or {})
        headers.update(kwargs.get("headers") or {})
        headers.update(extra_headers or {})
        kwargs["headers"] = headers
    total: float | None = None
    if isinstance(timeout, httpx.Timeout):
        kwargs["timeout"] = timeout
    elif timeout is not None:
        _check_seconds("timeout", timeout)
        total = timeout
    if deadline is not None:
        _check_seconds("deadline", deadline)
        total = deadline if total is None else min(total, deadline)
    end = None if total is None else clock() + total
    if end is not None or retry is not None:
        kwargs["extensions"] = {CALL_EXTENSION: CallBudget(end, retry)}


def capped_timeouts(request: httpx.Request, remaining: float) -> None:
    """Cap this try's connect/read/write/pool timeouts to what is left of the call's budget."""
    current = request.extensions.get("timeout") or {}
    request.extensions["timeout"] = {
        phase: remaining if current.get(phase) is None else min(current[phase], remaining)
        for phase in ("connect", "read", "write", "pool")
    }
