"""The forked generator templates are recorded against the upstream templates they came from.

A file of openapi/templates/ whose relative path is also a template of the installed
openapi-python-client (``openapi_python_client/templates/<path>``) replaces that template by
name: it is a fork. openapi/templates/UPSTREAM/ records every fork: forks.json names the
template, its upstream template, the openapi-python-client version it was forked from and the
sha256 of that upstream text; ``UPSTREAM/<path>.diff`` is the fork's change, upstream -> ours, as
a unified diff (``patch -p1`` applies it to a copy of the upstream templates folder). The generator
loads templates by name only, so nothing under UPSTREAM/ reaches the generated code.

    python tests/test_templates.py --refresh
        rewrite UPSTREAM/ from the installed openapi-python-client and the forks as they are now
        (the installed version must be the one pinned in pyproject.toml: `make install`).
    python tests/test_templates.py --upstream-changes
        after an upgrade: for each fork whose upstream template changed, the change between the
        recorded upstream text (recovered from the fork and its recorded diff) and the installed
        one, the change to carry into (or review against) the fork.

The tests fail when the pinned, installed and recorded versions differ, when an upstream template
is not the recorded text, when a fork was edited without refreshing its diff, and when a fork is
not recorded or a record has no fork.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import importlib.metadata
import json
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "openapi" / "templates"
RECORDS = TEMPLATES / "UPSTREAM"
MANIFEST = RECORDS / "forks.json"
DISTRIBUTION = "openapi-python-client"
UPSTREAM_FOLDER = "openapi_python_client/templates"
REFRESH = "python tests/test_templates.py --refresh"
UPSTREAM_CHANGES = "python tests/test_templates.py --upstream-changes"
HUNK = re.compile(r"@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
NO_NEWLINE = "\\ No newline at end of file\n"


@dataclass(frozen=True)
class Fork:
    """One record of forks.json: ``template`` is relative to openapi/templates/."""

    template: str
    upstream: str
    upstream_version: str
    upstream_sha256: str
    diff: str

    @property
    def path(self) -> Path:
        return TEMPLATES / self.template

    @property
    def diff_path(self) -> Path:
        return RECORDS / self.diff


def pinned_version() -> str:
    """The ``openapi-python-client==X`` of pyproject.toml's dependency groups."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pins = {
        match.group(1)
        for group in project.get("dependency-groups", {}).values()
        for requirement in group
        if isinstance(requirement, str)
        and (match := re.fullmatch(r"\s*openapi-python-client\s*==\s*([^\s;,]+)\s*", requirement))
    }
    assert len(pins) == 1, (
        f"pyproject.toml should pin {DISTRIBUTION} exactly once (==) in a dependency group, "
        f"found {sorted(pins)}"
    )
    return pins.pop()


def installed_version() -> str:
    return importlib.metadata.version(DISTRIBUTION)


def upstream_root() -> Path:
    """The installed package's templates folder (the package itself is not imported)."""
    located = importlib.metadata.distribution(DISTRIBUTION).locate_file(UPSTREAM_FOLDER)
    return Path(str(located))


def template_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def forked_templates() -> list[str]:
    """Our templates that replace an upstream one (same relative path), sorted."""
    upstream = template_files(upstream_root())
    ours = {t for t in template_files(TEMPLATES) if not t.startswith(f"{RECORDS.name}/")}
    return sorted(ours & upstream)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def read(path: Path) -> str:
    # newline="": the text exactly as stored, so a diff and a sha256 see every byte.
    with path.open(encoding="utf-8", newline="") as f:
        return f.read()


def load_forks() -> list[Fork]:
    manifest: dict[str, Any] = json.loads(MANIFEST.read_text())
    return [Fork(**record) for record in manifest["forks"]]


def _diff_lines(
    a: list[str], b: list[str], template: str, a_dir: str = "a", b_dir: str = "b"
) -> list[str]:
    out: list[str] = []
    for line in difflib.unified_diff(a, b, f"{a_dir}/{template}", f"{b_dir}/{template}", n=3):
        out.append(line if line.endswith("\n") else f"{line}\n{NO_NEWLINE}")
    return out


def diff_of(template: str, upstream_text: str, fork_text: str, version: str) -> str:
    """The recorded diff of a fork: a short preamble (patch and git apply skip it), then the
    unified diff upstream -> ours with ``a/``, ``b/`` paths relative to the templates folders."""
    preamble = (
        f"openapi/templates/{template}: a fork of {UPSTREAM_FOLDER}/{template}\n"
        f"from {DISTRIBUTION} {version} (upstream sha256 {sha256_text(upstream_text)}).\n"
        f"The change upstream -> ours. Written by `{REFRESH}`, checked by\n"
        "tests/test_templates.py: refresh it after changing the fork.\n"
    )
    a = upstream_text.splitlines(keepends=True)
    b = fork_text.splitlines(keepends=True)
    return preamble + "".join(_diff_lines(a, b, template))


def upstream_from(fork_text: str, diff_text: str) -> str:
    """The upstream text a recorded diff was made from: the diff applied in reverse to the fork.

    Raises:
        ValueError: the fork does not match the diff (edited since its record).
    """
    fork = fork_text.splitlines(keepends=True)
    lines = diff_text.splitlines(keepends=True)
    out: list[str] = []
    pos = 0
    i = next((n for n, line in enumerate(lines) if line.startswith("@@ ")), len(lines))
    while i < len(lines):
        match = HUNK.match(lines[i])
        if match is None:
            raise ValueError(f"not a hunk header: {lines[i]!r}")
        start, count = int(match.group(1)), int(match.group(2) or "1")
        first = start if count == 0 else start - 1
        if first < pos:
            raise ValueError("hunks out of order")
        out.extend(fork[pos:first])
        pos = first
        i += 1
        while i < len(lines) and not lines[i].startswith("@@ "):
            line = lines[i]
            tag, body = line[0], line[1:]
            if line == NO_NEWLINE:
                if lines[i - 1][0] in " -":
                    out[-1] = out[-1].removesuffix("\n")
            elif tag in " +":
                if pos >= len(fork) or fork[pos].removesuffix("\n") != body.removesuffix("\n"):
                    raise ValueError(f"the fork differs from the diff at its line {pos + 1}")
                if tag == " ":
                    out.append(body)
                pos += 1
            elif tag == "-":
                out.append(body)
            else:
                raise ValueError(f"not a diff line: {line!r}")
            i += 1
    out.extend(fork[pos:])
    return "".join(out)


def refresh() -> None:
    """Rewrite openapi/templates/UPSTREAM/ from the installed generator and the forks."""
    version = installed_version()
    pinned = pinned_version()
    if version != pinned:
        sys.exit(
            f"{DISTRIBUTION} {version} is installed but pyproject.toml pins {pinned}: "
            "run `make install` first (the records name the installed templates)."
        )
    root = upstream_root()
    before = {f.template: f.upstream_sha256 for f in load_forks()} if MANIFEST.is_file() else {}
    records = []
    RECORDS.mkdir(exist_ok=True)
    for stale in RECORDS.rglob("*.diff"):
        stale.unlink()
    for template in forked_templates():
        upstream_text = read(root / template)
        diff_name = f"{template}.diff"
        (RECORDS / diff_name).parent.mkdir(parents=True, exist_ok=True)
        text = diff_of(template, upstream_text, read(TEMPLATES / template), version)
        with (RECORDS / diff_name).open("w", encoding="utf-8", newline="") as f:
            f.write(text)
        records.append(
            {
                "template": template,
                "upstream": f"{UPSTREAM_FOLDER}/{template}",
                "upstream_version": version,
                "upstream_sha256": sha256_text(upstream_text),
                "diff": diff_name,
            }
        )
    for folder in sorted(RECORDS.rglob("*"), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    manifest = {
        "about": (
            "Templates of openapi/templates/ that replace an openapi-python-client template of "
            f"the same path, each with its upstream version and text's sha256; <diff> is the "
            f"change upstream -> ours. Written by `{REFRESH}`, checked by tests/test_templates.py."
        ),
        "forks": records,
    }
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")
    print(
        f"recorded {len(records)} forks of {DISTRIBUTION} {version} in {RECORDS.relative_to(ROOT)}"
    )
    moved = [
        r["template"]
        for r in records
        if before.get(r["template"], r["upstream_sha256"]) != r["upstream_sha256"]
    ]
    if moved:
        print(
            f"upstream changed since the old records: {', '.join(moved)}. If that change is not "
            f"carried into the forks yet: `git checkout -- {RECORDS.relative_to(ROOT)}`, then "
            f"`{UPSTREAM_CHANGES}`."
        )


def upstream_changes() -> int:
    """Print, for each fork whose upstream template changed, recorded upstream -> installed."""
    root = upstream_root()
    changed = 0
    for fork in load_forks():
        installed = root / fork.template
        if not installed.is_file():
            print(
                f"== {fork.template}: no longer a template of {DISTRIBUTION} {installed_version()}"
            )
            changed += 1
            continue
        now = read(installed)
        if sha256_text(now) == fork.upstream_sha256:
            continue
        changed += 1
        try:
            before = upstream_from(read(fork.path), read(fork.diff_path))
        except (OSError, ValueError) as exc:
            print(f"== {fork.template}: the recorded upstream text cannot be recovered ({exc})")
            continue
        if sha256_text(before) != fork.upstream_sha256:
            print(f"== {fork.template}: the fork was edited since its record; see git log")
            continue
        version = installed_version()
        print(f"== {fork.template}: upstream {fork.upstream_version} -> {version}")
        a, b = before.splitlines(True), now.splitlines(True)
        sys.stdout.writelines(_diff_lines(a, b, fork.template, fork.upstream_version, version))
    if changed:
        print(f"{changed} forked template(s) changed upstream: carry the changes into the forks")
        print(f"(or judge they do not apply), then `{REFRESH}` and `make check-generated`")
    else:
        print(f"no forked template changed upstream since its record: `{REFRESH}` is all it takes")
    return 0


# --- the tests ---------------------------------------------------------------------------------

UPGRADED = (
    f"After an upgrade of {DISTRIBUTION}: `{UPSTREAM_CHANGES}` prints what changed upstream in "
    "each forked template; carry it into the fork (or judge it does not apply), then "
    f"`{REFRESH}` and `make check-generated`, and review the records' diff with the forks'."
)
EDITED = f"A fork was changed: `{REFRESH}`, review the refreshed diff and commit it with the fork."


def test_the_recorded_version_is_the_pinned_and_the_installed_one() -> None:
    pinned, installed = pinned_version(), installed_version()
    assert installed == pinned, (
        f"{DISTRIBUTION} {installed} is installed, pyproject.toml pins {pinned}: run `make install`"
    )
    stale = {f.template: f.upstream_version for f in load_forks() if f.upstream_version != pinned}
    assert not stale, (
        f"forks recorded against another version than the pinned {pinned}: {stale}\n{UPGRADED}"
    )


def test_the_recorded_upstream_templates_are_the_installed_ones() -> None:
    root = upstream_root()
    problems = []
    for fork in load_forks():
        assert fork.upstream == f"{UPSTREAM_FOLDER}/{fork.template}", fork
        installed = root / fork.template
        if not installed.is_file():
            problems.append(f"{fork.template}: no such upstream template any more")
        elif (digest := sha256_text(read(installed))) != fork.upstream_sha256:
            problems.append(
                f"{fork.template}: upstream sha256 {digest}, recorded {fork.upstream_sha256}"
            )
    assert not problems, "\n".join(
        ["upstream templates differ from the records:", *problems, UPGRADED]
    )


def test_each_recorded_diff_is_the_fork_s_change_now() -> None:
    root = upstream_root()
    stale = []
    for fork in load_forks():
        upstream = root / fork.template
        if not (upstream.is_file() and fork.path.is_file() and fork.diff_path.is_file()):
            continue  # reported by the other tests
        if sha256_text(read(upstream)) != fork.upstream_sha256:
            continue  # upstream changed: reported by the test of the upstream templates
        expected = diff_of(fork.template, read(upstream), read(fork.path), fork.upstream_version)
        if read(fork.diff_path) != expected:
            stale.append(f"{RECORDS.relative_to(ROOT)}/{fork.diff}")
    assert not stale, "\n".join(
        ["recorded diffs that are not the fork's change now:", *stale, EDITED]
    )


def test_every_fork_is_recorded_and_every_record_is_a_fork() -> None:
    forks = load_forks()
    recorded = [f.template for f in forks]
    assert len(recorded) == len(set(recorded)), f"a template recorded twice in {MANIFEST}"
    unrecorded = sorted(set(forked_templates()) - set(recorded))
    assert not unrecorded, (
        f"templates of openapi/templates/ that replace an {DISTRIBUTION} template of the same "
        f"path but are not recorded (a new fork, or upstream now has a template by that name): "
        f"{unrecorded}\nIf it is meant to replace the upstream one: `{REFRESH}`; otherwise "
        "rename ours."
    )
    missing = [f.template for f in forks if not f.path.is_file()]
    assert not missing, f"records of forks that do not exist: {missing}\nRun `{REFRESH}`."
    not_forks = sorted(set(recorded) - set(forked_templates()) - set(missing))
    assert not not_forks, (
        f"recorded forks that no longer replace a template of {DISTRIBUTION} (upstream dropped "
        f"it: nothing loads ours unless it is included by name): {not_forks}\n{UPGRADED}"
    )
    diffs = {p.relative_to(RECORDS).as_posix() for p in RECORDS.rglob("*.diff")}
    assert diffs == {f.diff for f in forks}, (
        f"the .diff files under {RECORDS.relative_to(ROOT)} are not the recorded ones: "
        f"{sorted(diffs ^ {f.diff for f in forks})}\nRun `{REFRESH}`."
    )
    assert not any(t.startswith(f"{RECORDS.name}/") for t in template_files(upstream_root())), (
        f"{DISTRIBUTION} has templates under {RECORDS.name}/: move the records elsewhere"
    )


def test_the_recorded_upstream_text_is_recovered_from_each_fork() -> None:
    """What `--upstream-changes` relies on once the recorded upstream is no longer installed."""
    problems = []
    for fork in load_forks():
        try:
            recovered = upstream_from(read(fork.path), read(fork.diff_path))
        except ValueError as exc:
            problems.append(f"{fork.template}: {exc}")
            continue
        if sha256_text(recovered) != fork.upstream_sha256:
            problems.append(f"{fork.template}: the fork and its diff give another upstream text")
    assert not problems, "\n".join(
        ["forks whose recorded upstream text cannot be recovered:", *problems, EDITED]
    )


def test_upstream_from_handles_a_missing_final_newline() -> None:
    cases = [
        ("a\nb\nc", "a\nB\nc\n"),
        ("x\n", "x"),
        ("", "new\n"),
        ("old\n", ""),
        ("1\n2\n", "0\n1\n2\n"),
    ]
    for before, after in cases:
        text = "".join(_diff_lines(before.splitlines(True), after.splitlines(True), "t"))
        assert upstream_from(after, text) == before, (before, after, text)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument(
        "--refresh", action="store_true", help="rewrite openapi/templates/UPSTREAM/"
    )
    action.add_argument(
        "--upstream-changes",
        action="store_true",
        help="what upstream changed in the forked templates since their records",
    )
    args = parser.parse_args()
    if args.refresh:
        refresh()
        return 0
    return upstream_changes()


if __name__ == "__main__":
    sys.exit(main())
