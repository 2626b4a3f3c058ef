from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["orchestra_sandbox.pytest_plugin"]

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

TEST_KEY = "sk_test_4f1c2a9e7b3d5f60"
PAN = "4242424242424242"
CVV = "737"


def load_lock() -> dict[str, Any]:
    lock: dict[str, Any] = json.loads((ROOT / "openapi" / "spec.lock.json").read_text())
    return lock


@pytest.fixture(scope="session")
def vendor_spec_path() -> Path:
    return ROOT / load_lock()["default_path"]


@pytest.fixture(scope="session")
def vendor_spec(vendor_spec_path: Path) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(vendor_spec_path.read_text())
    return spec
