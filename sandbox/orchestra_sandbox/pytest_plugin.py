"""pytest fixtures: ``pytest_plugins = ["orchestra_sandbox.pytest_plugin"]``.

- ``orchestra_sandbox_server``: one sandbox on a free loopback port for the test session.
- ``orchestra_sandbox``: the same server, reset (no state, no faults) for each test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._server import SandboxServer


@pytest.fixture(scope="session")
def orchestra_sandbox_server() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture
def orchestra_sandbox(orchestra_sandbox_server: SandboxServer) -> Iterator[SandboxServer]:
    orchestra_sandbox_server.app.reset()
    yield orchestra_sandbox_server
    orchestra_sandbox_server.app.reset()
