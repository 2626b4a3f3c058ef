"""`make demo`: the bundled sandbox unless `--live` (`make demo LIVE=1`) is asked for; live, it
says what it creates and deletes it again."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from conftest import ROOT
from orchestra_payments import NotFoundError, Orchestra
from orchestra_sandbox import SandboxServer

DEMO = str(ROOT / "examples" / "demo.py")


def run_demo(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ORCHESTRA_")}
    return subprocess.run(
        [sys.executable, DEMO, *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=60,
    )


def test_the_demo_runs_end_to_end_on_the_sandbox_even_with_a_key_set() -> None:
    result = run_demo(
        ORCHESTRA_API_KEY="sk_live_not_to_be_used", ORCHESTRA_BASE_URL="https://api.example.com"
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "ORCHESTRA_API_KEY is set but not used: `make demo LIVE=1`" in out
    assert "(bundled sandbox)" in out
    assert "api.example.com" not in out
    assert "GatewayRejectedError: gateway code NULL_FAILURE" in out
    assert "charge, then a proxy's 503         OutcomeUnknownError (HTTP 503), not resent" in out
    assert "reconcile: 503, 503, then found    succeeded (the transaction's latest" in out
    assert "retrying GatewayStatus after 503" in out
    assert "retrying GatewayCharge" not in out
    assert "Success -> Success -> Success (refunded 10.0)" in out
    assert "OutcomeUnknownError (generated myRef orc-" in out
    assert "payment_gateway.reconcile(error)   succeeded: Charge 19.0" in out
    assert "sandbox ledger: charges for it     1 (never sent twice)" in out
    assert "Demo finished." in out
    assert "4242424242424242" not in out + result.stderr


def test_live_without_a_key_says_what_is_missing() -> None:
    result = run_demo("--live")
    assert result.returncode != 0
    assert "make demo LIVE=1 needs ORCHESTRA_API_KEY" in result.stderr


def live_env(server: SandboxServer) -> dict[str, str]:
    """`--live` pointed at a sandbox standing in for the real API."""
    return {"ORCHESTRA_API_KEY": server.api_key, "ORCHESTRA_BASE_URL": server.base_url}


def leftovers(server: SandboxServer, out: str) -> tuple[list[str], bool]:
    """The gateway accounts left on the account, and whether the demo's token still exists."""
    token = re.search(r"Location \S+/StringTokens/(\S+)", out)
    assert token, out
    with Orchestra(api_key=server.api_key, base_url=server.base_url) as client:
        accounts = [str(a.name) for a in client.gateway_accounts.list()]
        try:
            client.string_tokens.retrieve_meta(token.group(1))
        except NotFoundError:
            return accounts, False
        return accounts, True


def test_live_announces_what_it_creates_and_deletes_it(
    orchestra_sandbox: SandboxServer,
) -> None:
    result = run_demo("--live", **live_env(orchestra_sandbox))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"Live demo against {orchestra_sandbox.base_url}. It will create" in out
    assert "gateway accounts demoNullSuccess and demoNullFailure" in out
    assert out.index("It will create") < out.index("validate API key")
    assert "proxy 503" in out and "skipped" in out
    assert "Demo finished." in out
    assert "Cleaned up" in out
    assert leftovers(orchestra_sandbox, out) == ([], False)


def test_live_cleans_up_when_a_step_fails(orchestra_sandbox: SandboxServer) -> None:
    orchestra_sandbox.app.inject("html_502", "GatewayAuthorize")
    result = run_demo("--live", **live_env(orchestra_sandbox))
    assert result.returncode != 0
    assert "Demo finished." not in result.stdout
    assert "Cleaned up" in result.stdout
    assert leftovers(orchestra_sandbox, result.stdout) == ([], False)


def test_live_refuses_to_overwrite_accounts_of_the_same_name(
    orchestra_sandbox: SandboxServer,
) -> None:
    with Orchestra(api_key=orchestra_sandbox.api_key, base_url=orchestra_sandbox.base_url) as c:
        c.gateway_accounts.set("demoNullSuccess", {"paymentGatewayName": "NULLFailure"})
    result = run_demo("--live", **live_env(orchestra_sandbox))
    assert result.returncode != 0
    assert "already has gateway accounts named demoNullSuccess" in result.stderr
    with Orchestra(api_key=orchestra_sandbox.api_key, base_url=orchestra_sandbox.base_url) as c:
        kept = c.gateway_accounts.retrieve("demoNullSuccess")
    assert kept.payment_gateway_name == "NULLFailure"


def test_the_demo_explains_its_options() -> None:
    result = run_demo("--help")
    assert result.returncode == 0
    assert "usage: make demo [-h] [--live]" in result.stdout
