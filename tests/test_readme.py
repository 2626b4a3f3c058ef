"""The README's quickstart runs as written (against the sandbox instead of the real API)."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from orchestra_payments import Orchestra
from orchestra_sandbox import SandboxServer


def quickstart() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quickstart", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match
    return match.group(1)


def test_the_quickstart_is_at_most_five_lines_to_a_charge() -> None:
    lines = [line for line in quickstart().splitlines() if line.strip()]
    assert len(lines) <= 5
    assert "payment_gateway.charge(" in lines[3]


def test_the_quickstart_charges(
    orchestra_sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ORCHESTRA_BASE_URL", orchestra_sandbox.base_url)
    with Orchestra(api_key=orchestra_sandbox.api_key, base_url=orchestra_sandbox.base_url) as c:
        c.gateway_accounts.set("main", {"paymentGatewayName": "NULLSuccess"})
    code = quickstart().replace('api_key="..."', f'api_key="{orchestra_sandbox.api_key}"')
    exec(compile(code, "README quickstart", "exec"), {})
    assert capsys.readouterr().out.strip() == "Success SBX00000001"
