"""Every Python fragment of README.md and of the documentation (docs/) runs as written.

Each fragment is one of three kinds, told apart by what it says:
- a test (it defines ``test_...`` functions and uses the sandbox's pytest fixtures): all such
  fragments are run by pytest in a subprocess, in a folder whose ``conftest.py`` holds the one
  line the README tells users to write (``pytest_plugins = [...]``);
- a script that talks to "the sandbox of the Quickstart" (``http://127.0.0.1:8765``, which the
  reader started with ``python -m orchestra_sandbox``): run against a fresh sandbox, its URL put
  in place of that one (the one change);
- a self-contained script (it starts its own ``SandboxServer``): run as it is.

Every ``print(...)  # expected`` line must print what its comment says, in order, and every
fragment must check something (a print with its expected output, or an ``assert``).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT
from orchestra_sandbox import SandboxServer

QUICKSTART_URL = "http://127.0.0.1:8765"
FENCE = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)
EXPECTED_PRINT = re.compile(r"^\s*print\(.*\)  # (.+)$", re.M)
TEST_FUNCTION = re.compile(r"^(?:async )?def (test_\w+)\(", re.M)
# The fragments' own pytest run: only the plugins a user's suite would need (pytest-asyncio for
# the async fragment; pytest-recording to block the network but for loopback), no cache.
PYTEST = ["-q", "-p", "no:cacheprovider", "-p", "pytest_asyncio.plugin"]
PYTEST += ["-p", "pytest_recording.plugin", "--block-network"]
PYTEST += ["--allowed-hosts=127.0.0.1,localhost,::1"]
PLUGIN_LINE = 'pytest_plugins = ["orchestra_sandbox.pytest_plugin"]'


@dataclass(frozen=True)
class Fragment:
    source: str  # the file, relative to the repository
    line: int  # the fence's line
    code: str

    @property
    def id(self) -> str:
        return f"{self.source}:{self.line}"

    @property
    def is_test(self) -> bool:
        return TEST_FUNCTION.search(self.code) is not None

    @property
    def expected(self) -> list[str]:
        return EXPECTED_PRINT.findall(self.code)


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def fragments() -> list[Fragment]:
    found = []
    for path in documents():
        text = path.read_text()
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(Fragment(str(path.relative_to(ROOT)), line, match.group(1)))
    return found


FRAGMENTS = fragments()
SCRIPTS = [f for f in FRAGMENTS if not f.is_test]
TESTS = [f for f in FRAGMENTS if f.is_test]


def test_the_documents_have_fragments_of_each_kind() -> None:
    sources = {f.source for f in FRAGMENTS}
    assert "README.md" in sources
    assert any(s.startswith("docs/") for s in sources)
    assert len(TESTS) >= 3
    assert any(QUICKSTART_URL in f.code for f in SCRIPTS)
    assert any("SandboxServer()" in f.code for f in SCRIPTS)


@pytest.mark.parametrize("fragment", FRAGMENTS, ids=lambda f: f.id)
def test_each_fragment_checks_something(fragment: Fragment) -> None:
    assert fragment.expected or re.search(r"^\s*assert ", fragment.code, re.M), (
        f"{fragment.id}: a fragment shows what it gives: a `print(...)  # expected` or an `assert`"
    )


@pytest.mark.parametrize("fragment", SCRIPTS, ids=lambda f: f.id)
def test_each_script_fragment_runs_as_written(
    fragment: Fragment,
    orchestra_sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("ORCHESTRA_API_KEY", "ORCHESTRA_BASE_URL", "ORCHESTRA_API_URL"):
        monkeypatch.delenv(name, raising=False)
    code = fragment.code.replace(QUICKSTART_URL, orchestra_sandbox.base_url)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        # A fresh thread: a fragment may call asyncio.run, which needs no running loop.
        asyncio.run(
            asyncio.to_thread(exec, compile(code, fragment.id, "exec"), {"__name__": "__main__"})
        )
    printed = out.getvalue().splitlines()
    assert printed == fragment.expected, fragment.id


def test_each_test_fragment_passes_under_pytest_with_the_plugin(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(PLUGIN_LINE + "\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    expected = []
    for i, fragment in enumerate(TESTS):
        module = f"test_fragment_{i}"
        (tmp_path / f"{module}.py").write_text(fragment.code)
        expected += [(module, name) for name in TEST_FUNCTION.findall(fragment.code)]
    report = tmp_path / "report.xml"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", *PYTEST, f"--junitxml={report}", str(tmp_path)],
        cwd=tmp_path,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    cases = ET.parse(report).getroot().iter("testcase")
    passed = sorted(
        (case.get("classname", ""), case.get("name", ""))
        for case in cases
        if not list(case)  # no failure, error or skipped child
    )
    assert passed == sorted(expected)


def test_the_cardparams_annotation_makes_mypy_name_a_misspelt_nested_key(tmp_path: Path) -> None:
    """README: annotated (`card: CardParams = {...}`), a dict built beforehand is checked key by
    key and mypy names the misspelt key; unannotated, it is a `dict[str, object]` and the error
    names none. The fragment itself type-checks as written."""
    from mypy import api

    (fragment,) = [f for f in SCRIPTS if "card: CardParams = {" in f.code]
    typo = fragment.code.replace('"cardNumber"', '"cardNumbr"', 1)
    variants = {
        "as_written": fragment.code,
        "misspelt": typo,
        "misspelt_unannotated": typo.replace("card: CardParams = {", "card = {", 1),
    }
    for name, code in variants.items():
        (tmp_path / f"{name}.py").write_text(code)
    out, err, _ = api.run(
        ["--strict", "--cache-dir", str(tmp_path / ".mypy_cache"), "--no-error-summary"]
        + [str(tmp_path / f"{name}.py") for name in variants]
    )
    assert err == ""
    errors: dict[str, list[str]] = {name: [] for name in variants}
    for line in out.splitlines():
        errors[Path(line.split(":", 1)[0]).stem].append(line)
    assert errors["as_written"] == []
    assert any('Extra key "cardNumbr" for TypedDict "CardParams"' in e for e in errors["misspelt"])
    assert errors["misspelt_unannotated"], "mypy still refuses the body"
    assert not any("cardNumbr" in e for e in errors["misspelt_unannotated"])
    assert any('"dict[str, object]"' in e for e in errors["misspelt_unannotated"])
