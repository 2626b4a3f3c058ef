"""The next version and its changelog entry, from what a new vendor spec changes for callers.

Semantic versioning, from the change report's classification:

- a change that breaks callers (spec or Python API): **major**, or **minor** while the version
  is 0.x (where a minor release may break, by semver's own rule for 0.y.z);
- anything added or changed that does not break callers: **minor**;
- descriptions only, or nothing but the generated code (a generator or template change):
  **patch**.

``pyproject.toml``'s ``version`` is rewritten in place (one line), and the CHANGELOG.md entry
goes right below ``## [Unreleased]``'s section, written for users: the Python names that
changed and what to change in their code.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from pyapi import ApiChange
from specdiff import Report

VERSION_LINE = re.compile(r'^version = "(\d+)\.(\d+)\.(\d+)"$', re.M)


@dataclass(frozen=True)
class Proposal:
    bump: str  # "major" | "minor" | "patch"
    current: str
    version: str
    why: str


def current_version(pyproject: Path) -> str:
    match = VERSION_LINE.search(pyproject.read_text())
    if match is None:
        raise ValueError(f'{pyproject.name}: no `version = "X.Y.Z"` line')
    return ".".join(match.groups())


def classify(spec: Report, api: list[ApiChange]) -> tuple[str, str]:
    """(kind, why): kind is "breaking", "additive" or "patch"."""
    # The OpenAPI version alone (3.0 -> 3.1 spelling) changes nothing for callers.
    changes = [c for c in spec.changes if (c.group, c.subject) != ("Document", "openapi")]
    counts = f"{len(changes)} spec change(s), {len(api)} Python API change(s)"
    breaking = len(spec.breaking) + sum(c.breaking for c in api)
    if breaking:
        return "breaking", f"{counts}; {breaking} break callers"
    if changes or api:
        return "additive", f"{counts}, none breaking"
    if spec.descriptions:
        return "patch", f"descriptions only ({spec.descriptions})"
    if spec.changes:
        return "patch", "the same API in another OpenAPI version's syntax"
    return "patch", "no change to the API (generated code or templates only)"


def propose(current: str, spec: Report, api: list[ApiChange]) -> Proposal:
    major, minor, patch = (int(part) for part in current.split("."))
    kind, why = classify(spec, api)
    if kind == "breaking" and major > 0:
        bump, version = "major", f"{major + 1}.0.0"
    elif kind in ("breaking", "additive"):
        bump, version = "minor", f"{major}.{minor + 1}.0"
        if kind == "breaking":
            why += " (minor while 0.x)"
    else:
        bump, version = "patch", f"{major}.{minor}.{patch + 1}"
    return Proposal(bump, current, version, why)


def write_version(pyproject: Path, version: str) -> None:
    text = pyproject.read_text()
    new, count = VERSION_LINE.subn(f'version = "{version}"', text, count=1)
    if count != 1:
        raise ValueError(f'{pyproject.name}: no `version = "X.Y.Z"` line')
    pyproject.write_text(new)


ADVICE = {
    "attribute removed": "stop reading or passing it",
    "class removed": "stop importing it",
    "enum member removed": "compare with the new members (an unknown value still parses)",
    "facade method removed": "calls to it fail with AttributeError: use what replaced it",
    "endpoint function removed": "stop importing it",
    "parameter removed": "stop passing it",
    "became required": "always pass it",
    "became a required constructor argument": "always pass it when constructing the model",
    "required constructor argument added": "pass it when constructing the model",
    "changed between enum and model class": "read it as its new kind",
}


def _advice(change: ApiChange) -> str:
    for key, advice in ADVICE.items():
        if key in change.text:
            return advice
    if "required parameter" in change.text:
        return "pass it in every call"
    if " type `" in change.text or change.text.startswith("type `"):
        return "pass and expect the new type"
    return "adapt the calls"


def _where(change: ApiChange) -> str:
    if change.where == "facade":
        return f"`client.{_snake_resource(change.name)}`"
    if change.where == "endpoints":
        return f"`orchestra_api.api.{change.name}`"
    return f"`orchestra_api.models.{change.name}`"


def _snake_resource(name: str) -> str:
    resource, _, method = name.partition(".")
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", resource).lower()
    return f"{snake}.{method}" if method else snake


def changelog_entry(
    proposal: Proposal,
    today: str,
    spec_file: str,
    commit: str,
    spec: Report,
    api: list[ApiChange],
) -> str:
    lines = [
        f"## [{proposal.version}] - {today}",
        "",
        f"Regenerated from the vendor's spec `{spec_file}` (commit {commit[:12]}): {proposal.why}.",
    ]
    breaking = [c for c in api if c.breaking]
    added = [c for c in api if not c.breaking]
    if breaking or spec.breaking:
        lines += ["", "### Breaking: what to change in your code", ""]
        lines += [f"- {_where(c)}: {c.text}: {_advice(c)}." for c in breaking]
        lines += [f"- In the API ({c.subject}): {c.text}." for c in spec.breaking]
    if added:
        lines += ["", "### Added", ""]
        lines += [f"- {_where(c)}: {c.text}." for c in added]
    deprecated = [c for c in spec.changes if not c.breaking and " deprecated" in c.text]
    if deprecated:
        lines += ["", "### Deprecated", ""]
        lines += [
            f"- {c.subject}: {c.text}; plan to stop using it before the vendor removes it."
            for c in deprecated
        ]
    other = [c for c in spec.changes if not c.breaking and c not in deprecated]
    if other and not added:
        lines += ["", "### Changed", ""]
        lines += [f"- {c.subject}: {c.text}." for c in other]
    if not (breaking or spec.breaking or added or deprecated or other):
        lines += [
            "",
            "### Changed",
            "",
            "- No change to the Python API"
            + (f"; {spec.descriptions} description(s) reworded." if spec.descriptions else "."),
        ]
    return "\n".join(lines) + "\n"


def insert_changelog(changelog: Path, entry: str) -> None:
    """Put ``entry`` below the [Unreleased] section (or first, without one)."""
    text = changelog.read_text() if changelog.is_file() else "# Changelog\n"
    unreleased = text.find("## [Unreleased]")
    start = text.find("\n## [", unreleased + 1 if unreleased >= 0 else 0)
    if unreleased < 0:
        start = text.find("\n## [")
    if start < 0:
        changelog.write_text(text.rstrip("\n") + "\n\n" + entry)
        return
    changelog.write_text(text[: start + 1] + entry + "\n" + text[start + 1 :])


def main(argv: list[str]) -> int:
    """`release.py version`: print pyproject.toml's version (the release workflow checks the
    tag against it)."""
    root = Path(__file__).resolve().parent.parent
    if argv == ["version"]:
        print(current_version(root / "pyproject.toml"))
        return 0
    print("usage: release.py version", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
