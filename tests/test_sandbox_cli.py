"""`python -m orchestra_sandbox`: a proper program name, and without the `sandbox` extra a
message saying how to install it rather than a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

INSTALL = "pip install 'orchestra-payments[sandbox]'"


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def without(package: str, then: str) -> str:
    """Python code that runs `then` as if `package` were not installed."""
    return f"import sys; sys.modules[{package!r}] = None\n{then}"


RUN_MAIN = (
    "import runpy, sys; sys.argv = ['orchestra_sandbox']\n"
    "runpy.run_module('orchestra_sandbox', run_name='__main__', alter_sys=True)"
)


def test_help_names_the_program() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "orchestra_sandbox", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("usage: python -m orchestra_sandbox [-h]")
    assert "__main__" not in result.stdout


@pytest.mark.parametrize("package", ["starlette", "uvicorn"])
def test_without_the_extra_it_says_how_to_install_it(package: str) -> None:
    result = run_python(without(package, RUN_MAIN))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"python -m orchestra_sandbox: The Orchestra sandbox needs {package}, "
        f"which is not installed: {INSTALL}"
    )


def test_help_works_without_the_extra() -> None:
    code = without("starlette", RUN_MAIN.replace("['orchestra_sandbox']", "['x', '--help']"))
    result = run_python(code)
    assert result.returncode == 0
    assert "usage: python -m orchestra_sandbox" in result.stdout


def test_importing_the_server_without_the_extra_names_the_install_command() -> None:
    code = without(
        "uvicorn",
        "import orchestra_sandbox\n"
        "print(sorted(orchestra_sandbox.APPROVED_CARDS)[0])\n"
        "from orchestra_sandbox import SandboxServer",
    )
    result = run_python(code)
    assert result.returncode == 1
    assert result.stdout.strip().isdigit()  # the parts that need no extra still import
    last = result.stderr.strip().splitlines()[-1]
    assert last.endswith(
        f": The Orchestra sandbox needs uvicorn, which is not installed: {INSTALL}"
    )
    assert "SandboxExtraMissing" in last  # a ModuleNotFoundError
