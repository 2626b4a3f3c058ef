"""The README's quickstart runs as written against the sandbox it tells the reader to start."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from orchestra_sandbox import DEFAULT_API_KEY, SandboxServer
from orchestra_sandbox.__main__ import build_parser

README = (ROOT / "README.md").read_text()
QUICKSTART = README.split("## Quickstart\n", 1)[1].split("\n## ", 1)[0]


def block(language: str) -> str:
    match = re.search(rf"```{language}\n(.*?)```", QUICKSTART, re.S)
    assert match, f"no {language} block in the quickstart"
    return match.group(1)


def test_the_quickstart_starts_the_sandbox_it_then_talks_to() -> None:
    shell, code = block("sh"), block("python")
    assert "installed with its `sandbox` extra ([Install](#install))" in QUICKSTART
    assert "python -m orchestra_sandbox" in shell
    defaults = build_parser().parse_args([])
    url = f"http://{defaults.host}:{defaults.port}"
    assert url in shell
    assert f'api_key="{DEFAULT_API_KEY}", base_url="{url}"' in code


def test_the_quickstart_charges_as_written(
    orchestra_sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("ORCHESTRA_API_KEY", "ORCHESTRA_BASE_URL", "ORCHESTRA_API_URL"):
        monkeypatch.delenv(name, raising=False)
    assert orchestra_sandbox.api_key == DEFAULT_API_KEY
    # The one change: the test's sandbox listens on a free port, not the default one.
    code = block("python").replace("http://127.0.0.1:8765", orchestra_sandbox.base_url)
    exec(compile(code, "README quickstart", "exec"), {})
    printed = capsys.readouterr().out.strip()
    expected = re.search(r"print\(.*\)  # (.+)", code)
    assert expected
    assert printed == expected.group(1) == "Success SBX00000001"
    charges = [e for e in orchestra_sandbox.app.ledger() if e["operation"] == "Charge"]
    assert len(charges) == 1
