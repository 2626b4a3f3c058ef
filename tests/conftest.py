from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Literal

import pytest

pytest_plugins = ["orchestra_sandbox.pytest_plugin"]

ROOT = Path(__file__).resolve().parent.parent

TEST_KEY = "sk_test_4f1c2a9e7b3d5f60"
PAN = "4242424242424242"
CVV = "737"


def load_lock() -> dict[str, Any]:
    lock: dict[str, Any] = json.loads((ROOT / "openapi" / "spec.lock.json").read_text())
    return lock


HttpBackend = Literal["httpx", "aiohttp"]


@pytest.fixture(params=["httpx", "aiohttp"])
def http_backend(request: pytest.FixtureRequest) -> HttpBackend:
    """Every AsyncOrchestra backend: a test taking this runs once per backend."""
    backend: HttpBackend = request.param
    return backend


@pytest.fixture(scope="session")
def vendor_spec_path() -> Path:
    return ROOT / str(load_lock()["default_path"])


@pytest.fixture(scope="session")
def vendor_spec(vendor_spec_path: Path) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(vendor_spec_path.read_text())
    return spec


def pytest_recording_configure(config: Any, vcr: Any) -> None:
    from cassette_support import ReadableSerializer, json_body_matcher

    vcr.register_serializer("yaml", ReadableSerializer)
    vcr.register_matcher("json_body", json_body_matcher)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many cassette tests ran (they replay recorded traffic offline), and print the
    chaos matrix when it ran (tests/chaos.py)."""
    chaos = sys.modules.get("chaos")
    if chaos is not None and chaos.MATRIX.rows:
        for line in chaos.MATRIX.table().splitlines():
            terminalreporter.write_line(line)
    model = sys.modules.get("money_model")
    if model is not None:
        for line in model.STATS.lines():
            terminalreporter.write_line(line)
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for outcome in counts:
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") in ("call", "setup") and "test_cassettes.py" in (
                getattr(report, "nodeid", "")
            ):
                counts[outcome] += 1
    if any(counts.values()):
        terminalreporter.write_line(
            f"cassette tests: {counts['passed']} passed, {counts['failed']} failed, "
            f"{counts['skipped']} skipped (replayed from tests/cassettes, network blocked)"
        )
