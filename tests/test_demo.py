"""`make demo` runs the whole tour against a fresh sandbox and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT


def test_the_demo_runs_end_to_end_on_the_sandbox() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORCHESTRA_")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "(bundled sandbox)" in out
    assert "GatewayRejectedError: gateway code NULL_FAILURE" in out
    assert "503, 503, then success" in out
    assert "retrying GatewayCharge after 503" in out
    assert "Success -> Success -> Success (refunded 10.0)" in out
    assert "OutcomeUnknownError (generated myRef orc-" in out
    assert "payment_gateway.reconcile(error)   succeeded: Charge 19.0" in out
    assert "sandbox ledger: charges for it     1 (never sent twice)" in out
    assert "Demo finished." in out
    assert "4242424242424242" not in out + result.stderr
