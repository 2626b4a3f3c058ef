"""What the published package says about itself (pyproject.toml), and how a clone installs
the tools that are not published. `make package` builds and `twine check`s the real thing."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path
from typing import Any

from conftest import ROOT

PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT: dict[str, Any] = PYPROJECT["project"]


def test_the_license_is_declared_and_shipped() -> None:
    assert PROJECT["license"] == "Apache-2.0"
    assert PROJECT["license-files"] == ["LICENSE"]
    assert "Apache License" in (ROOT / "LICENSE").read_text().splitlines()[1]


def test_the_project_links_to_its_source_issues_and_changelog() -> None:
    urls = PROJECT["urls"]
    assert set(urls) >= {"Source", "Issues", "Changelog"}
    assert urls["Changelog"].endswith("/CHANGELOG.md")
    assert (ROOT / "CHANGELOG.md").is_file()
    assert PROJECT["authors"]
    assert "Typing :: Typed" in PROJECT["classifiers"]


def test_only_runtime_sandbox_aiohttp_and_otel_are_published_extras() -> None:
    assert set(PROJECT.get("optional-dependencies", {})) == {"sandbox", "aiohttp", "otel"}
    assert [d.split(">")[0] for d in PROJECT["optional-dependencies"]["otel"]] == [
        "opentelemetry-api"
    ]  # the API only: the application picks and configures the SDK
    dev = PYPROJECT["dependency-groups"]["dev"]
    names = {re.split(r"[=<>\[]", d, maxsplit=1)[0] for d in dev if isinstance(d, str)}
    assert {"build", "twine", "pytest", "mypy", "ruff"} <= names
    assert all("==" in d for d in dev if isinstance(d, str)), "development tools are pinned"


def test_make_installs_the_dev_group_and_the_demo_only_what_it_needs() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "-e '.[sandbox]' --group dev" in makefile
    assert "-e '.[sandbox]' --group demo" in makefile
    assert "'pip>=25.1'" in makefile  # the first pip with --group
    demo_group = PYPROJECT["dependency-groups"]["demo"]
    assert {d.split("==")[0] for d in demo_group} == {
        re.split(r"[=<>]", d, maxsplit=1)[0] for d in PROJECT["optional-dependencies"]["sandbox"]
    } | {"opentelemetry-api", "opentelemetry-sdk"}  # the demo prints a trace


def test_the_package_description_is_the_user_readme() -> None:
    assert PROJECT["readme"] == "README.md"
    readme = (ROOT / "README.md").read_text()
    for section in ("## Install", "## Quickstart", "## Errors", "## Retries"):
        assert section in readme
    # The maintainer's guide lives in CONTRIBUTING.md, not in the package description.
    # (`make record LIVE=1` is there: how a user checks the client against the real API.)
    for maintainer_topic in ("make generate", "make bench", "make update-spec"):
        assert maintainer_topic not in readme
        assert maintainer_topic in (ROOT / "CONTRIBUTING.md").read_text()


README = (ROOT / "README.md").read_text()


def test_the_readme_shows_no_repository_paths_or_relative_links() -> None:
    """README is the package's page on the index, where the repository's files do not exist."""
    folders = {"overlays", "generated", "sandbox", "scripts", "tests", "openapi", "examples"}
    folders |= {"benchmarks", "docs", ".github", ".ci"}
    paths = re.findall(
        r"(?<![\w./-])((?:" + "|".join(map(re.escape, folders)) + r")/[\w./-]*)", README
    )
    assert paths == []
    targets = re.findall(r"\]\(([^)]+)\)", README)
    assert targets, "the README links somewhere"
    relative = [t for t in targets if not t.startswith(("https://", "#"))]
    assert relative == []
    anchors = {t[1:] for t in targets if t.startswith("#")}
    headings = {
        re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
        for h in re.findall(r"^#+ (.+)$", README, re.M)
    }
    assert anchors <= headings


def test_the_readme_says_how_to_install_today_and_once_published() -> None:
    install = README.split("## Install\n", 1)[1].split("\n## ", 1)[0]
    assert "not on PyPI yet" in install
    for step in ("make install", "pip install -e '.[sandbox]'", "make package"):
        assert step in install
    assert 'pip install "$(ls dist/orchestra_payments-*.whl)[sandbox]"' in install
    assert "Once a release is published" in install


def test_the_readme_says_make_test_needs_the_vendor_spec_where_the_lock_puts_it() -> None:
    lock = json.loads((ROOT / "openapi" / "spec.lock.json").read_text())
    folder = lock["default_path"].rsplit("/", 1)[0] + "/"
    assert folder == "../shared/openapi/"
    try_it = README.split("## Try it", 1)[1].split("\n## ", 1)[0]
    assert "`make test` also needs the vendor's spec file" in try_it
    assert f"`{folder}`" in " ".join(try_it.split())


def test_the_readme_says_what_was_verified_against_the_real_api() -> None:
    verified = README.split("## What has been verified", 1)[1].split("\n## ", 1)[0]
    assert "Nothing yet against the real Orchestra API" in verified
    assert "make demo LIVE=1" in verified and "make record LIVE=1" in verified
    assert "ORCHESTRA_API_KEY" in verified


BUILD_WHEEL = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir"]
PIP_INSTALL_OFFLINE = [
    "install",
    "--quiet",
    "--no-index",
    "--no-deps",
    "--disable-pip-version-check",
]


def test_the_built_wheel_installs_into_a_fresh_venv_and_charges(tmp_path: Path) -> None:
    """The wheel a user installs (`make package`), built and installed offline: built without
    isolation (the pinned build backend is in the dev group), installed with `--no-index
    --no-deps` into a fresh venv whose dependencies come from this environment's
    site-packages (a path, so that this clone's editable install is not seen). The installed
    package, not the clone, then charges against its own bundled sandbox."""
    build = subprocess.run(
        [*BUILD_WHEEL, str(tmp_path / "dist"), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = (tmp_path / "dist").glob("orchestra_payments-*-py3-none-any.whl")
    assert wheel.name == f"orchestra_payments-{PROJECT['version']}-py3-none-any.whl"

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=60)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), *PIP_INSTALL_OFFLINE, str(wheel)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    (site,) = (venv / "lib").glob("python3.*/site-packages")
    (site / "_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    script = """
import orchestra_api, orchestra_payments, orchestra_sandbox
from orchestra_payments import Orchestra
from orchestra_sandbox import SandboxServer

for module in (orchestra_api, orchestra_payments, orchestra_sandbox):
    assert module.__file__.startswith(VENV), module.__file__
with SandboxServer() as sandbox, Orchestra(api_key=sandbox.api_key, base_url=sandbox.base_url) as c:
    c.gateway_accounts.set("main", {"paymentGatewayName": "NULLSuccess"})
    card = {"cardHolderName": "J D", "cardNumber": "4242424242424242",
            "expirationMonth": 12, "expirationYear": 2030}
    r = c.payment_gateway.charge({"amount": 10.0, "currency": "USD",
                                  "paymentGatewayAccountName": "main", "card": card})
    print(orchestra_payments.__version__, r.operation_result_code.value, r.amount)
"""
    run = subprocess.run(
        [str(python), "-I", "-c", f"VENV = {str(venv)!r}\n" + script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.split() == [PROJECT["version"], "Success", "10.0"]
    # The wheel declares the runtime dependencies pyproject lists, and the sandbox extra.
    metadata = next((site).glob("orchestra_payments-*.dist-info")) / "METADATA"
    requires = [
        line.split(": ", 1)[1]
        for line in metadata.read_text().splitlines()
        if line.startswith("Requires-Dist: ")
    ]
    for dependency in PROJECT["dependencies"]:
        assert any(r.startswith(dependency.split(">")[0]) for r in requires), dependency
    assert any("extra == 'sandbox'" in r for r in requires)
