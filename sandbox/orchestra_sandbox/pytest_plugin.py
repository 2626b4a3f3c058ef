"""pytest fixtures: ``pytest_plugins = ["orchestra_sandbox.pytest_plugin"]``.

- ``orchestra_sandbox_server``: one sandbox on a free loopback port for the test session.
- ``orchestra_sandbox``: the same server, reset (no state, no faults) for each test.
- ``orchestra_sandbox_clock``: a fake clock (a ``SandboxClock``) for one test: call it for the
  time; its ``sleep`` and ``async_sleep`` move it forward instead of waiting.
- ``orchestra_sandbox_with_clock``: the same server, reset, with its late commits landing on
  ``orchestra_sandbox_clock``. Give the client the clock too, and waits that take seconds
  (retries, ``reconcile``) take milliseconds::

      def test_lost_charge(orchestra_sandbox_with_clock, orchestra_sandbox_clock):
          server, clock = orchestra_sandbox_with_clock, orchestra_sandbox_clock
          client = use_clock(  # from orchestra_payments.testing
              Orchestra(api_key=server.api_key, base_url=server.base_url),
              clock=clock,
              sleep=clock.sleep,
          )  # async: use_clock(AsyncOrchestra(...), clock=clock, sleep=clock.async_sleep)
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from ._server import SandboxServer


class SandboxClock:
    """A fake monotonic clock: ``clock()`` is the time in seconds; only sleeping moves it.

    ``sleep(s)`` and ``await async_sleep(s)`` return at once, ``s`` seconds later on this
    clock (``async_sleep`` still yields to the event loop once); ``advance(s)`` moves it
    without counting a sleep. ``slept`` lists every sleep, in order. Thread-safe: the sandbox
    reads it from its server thread.
    """

    def __init__(self, start: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._now = float(start)
        self.slept: list[float] = []

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock does not go back: seconds must be >= 0")
        with self._lock:
            self._now += seconds

    def sleep(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        with self._lock:
            self._now += seconds
            self.slept.append(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)

    def __repr__(self) -> str:
        return f"SandboxClock(now={self():g}, sleeps={len(self.slept)})"


@pytest.fixture(scope="session")
def orchestra_sandbox_server() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture
def orchestra_sandbox(orchestra_sandbox_server: SandboxServer) -> Iterator[SandboxServer]:
    orchestra_sandbox_server.app.reset()
    yield orchestra_sandbox_server
    orchestra_sandbox_server.app.reset()


@pytest.fixture
def orchestra_sandbox_clock() -> SandboxClock:
    return SandboxClock()


@pytest.fixture
def orchestra_sandbox_with_clock(
    orchestra_sandbox_server: SandboxServer, orchestra_sandbox_clock: SandboxClock
) -> Iterator[SandboxServer]:
    app = orchestra_sandbox_server.app
    real_clock = app.clock
    app.reset()
    app.clock = orchestra_sandbox_clock
    try:
        yield orchestra_sandbox_server
    finally:
        app.reset()
        app.clock = real_clock
