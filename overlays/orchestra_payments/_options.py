"""Per-call and per-client options: a time budget for the whole call, a retry policy, headers.

The facade hands them to the client's ``_request``; what the retry transport needs travels in
the request's extensions (the call's budget in ``DEADLINE_EXTENSION``, its policy in
``RETRY_EXTENSION``), so the transport stays the one place that decides about tries and waits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

import httpx

from . import _constants as c
from ._exceptions import RequestValidationError

if TYPE_CHECKING:
    from ._base import TimeoutTypes
    from ._retry import RetryPolicy


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
class ClientOptions:
    """The defaults a client applies to each call (``with_options`` makes a copy with others)."""

    timeout: TimeoutTypes = None
    retry: RetryPolicy | None = None
    headers: Mapping[str, str] | None = None


DEFAULTS = ClientOptions()


def _seconds(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not (0 < value < math.inf):
        raise RequestValidationError(f"{name} must be a positive number of seconds", field=name)
    return float(value)


def apply_options(
    kwargs: dict[str, Any],
    defaults: ClientOptions,
    timeout: TimeoutTypes,
    deadline: float | None,
    retry: RetryPolicy | None,
    extra_headers: Mapping[str, str] | None,
) -> None:
    """Fold the per-call options, over the client's defaults, into the httpx request arguments.

    ``timeout`` in seconds is the budget of the whole call (every try and wait); an
    ``httpx.Timeout`` sets connect/read/write/pool for each try. ``deadline`` is such a total
    too; with both, the shorter wins.

    Raises:
        RequestValidationError: a budget that is not a positive number of seconds.
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
        total = _seconds("timeout", timeout)
    if deadline is not None:
        seconds = _seconds("deadline", deadline)
        total = seconds if total is None else min(total, seconds)
    extensions: dict[str, Any] = {}
    if total is not None:
        extensions[c.DEADLINE_EXTENSION] = total
    if retry is not None:
        extensions[c.RETRY_EXTENSION] = retry
    if extensions:
        kwargs["extensions"] = {**kwargs.get("extensions", {}), **extensions}
