"""Hooks for tests: a client's clock, waits and jitter, replaced.

The retry waits, the time budget of each call and the waits of ``payment_gateway.reconcile``
all read one clock and sleep through one function per client. A test that gives them a fake
clock runs a 30 s reconciliation in milliseconds::

    from orchestra_payments import Orchestra
    from orchestra_payments.testing import use_clock

    class FakeClock:
        now = 0.0

        def __call__(self) -> float:
            return self.now

        def sleep(self, seconds: float) -> None:
            self.now += seconds

    clock = FakeClock()
    client = use_clock(Orchestra(api_key="k"), clock=clock, sleep=clock.sleep)

The sandbox's pytest plugin has such a clock (the ``orchestra_sandbox_clock`` fixture).
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from typing import TypeVar, overload

from ._client import AsyncOrchestra, Orchestra
from ._telemetry import DELIVERIES

C = TypeVar("C", Orchestra, AsyncOrchestra)

__all__ = ["flush_hooks", "use_clock"]


def flush_hooks(timeout: float = 5.0) -> bool:
    """Wait until every hook event queued so far was delivered (hooks run on a background
    thread); False when ``timeout`` seconds passed first."""
    return DELIVERIES.flush(timeout)


@overload
def use_clock(
    client: Orchestra,
    *,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], None] | None = None,
    rng: random.Random | None = None,
) -> Orchestra: ...


@overload
def use_clock(
    client: AsyncOrchestra,
    *,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    rng: random.Random | None = None,
) -> AsyncOrchestra: ...


def use_clock(
    client: Orchestra | AsyncOrchestra,
    *,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], None] | Callable[[float], Awaitable[None]] | None = None,
    rng: random.Random | None = None,
) -> Orchestra | AsyncOrchestra:
    """Give ``client`` (and its ``with_options`` copies) another clock (seconds, monotonic),
    another ``sleep`` (an async function for ``AsyncOrchestra``) and another source of retry
    jitter; returns the client."""
    pipe = client._pipeline
    if clock is not None:
        pipe.clock = clock
    if sleep is not None:
        pipe.sleep = sleep
    if rng is not None:
        pipe.rng = rng
    return client
