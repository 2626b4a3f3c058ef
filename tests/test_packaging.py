"""What the published package says about itself (pyproject.toml), and how a clone installs
the tools that are not published. `make package` builds and `twine check`s the real thing."""

from __future__ import annotations

import re
import tomllib
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


def test_only_runtime_sandbox_and_aiohttp_are_published_extras() -> None:
    assert set(PROJECT.get("optional-dependencies", {})) == {"sandbox", "aiohttp"}
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
    }


def test_the_package_description_is_the_user_readme() -> None:
    assert PROJECT["readme"] == "README.md"
    readme = (ROOT / "README.md").read_text()
    for section in ("## Install", "## Quickstart", "## Errors", "## Retries"):
        assert section in readme
    # The maintainer's guide lives in CONTRIBUTING.md, not in the package description.
    for maintainer_topic in ("make generate", "make bench", "make update-spec", "make record"):
        assert maintainer_topic not in readme
        assert maintainer_topic in (ROOT / "CONTRIBUTING.md").read_text()
