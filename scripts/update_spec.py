"""Take a new vendor spec: validate, patch, regenerate, report what changed, run the tests.

    python scripts/update_spec.py --spec NEW.json --source-commit SHA
        [--fail-on-breaking] [--no-tests] [--pytest-args "..."]

SHA is the full (40 hex digits) commit of the vendor's repository the file was taken from: the
lock records it with the file's sha256, so CI can fetch exactly that file again.

Nothing is changed unless the new spec reads and validates (scripts/specload.py: a short
refusal, never a traceback), every patch applies to *it*, every operation is classified in
openapi/operations.yaml, no operationId the project names is gone, a `servers` change is
matched by the hand-written DEFAULT_BASE_URL, and generation succeeds (and, with
--fail-on-breaking, nothing breaks callers); then the spec is kept in ../shared/openapi/ (the
lock's `default_path`), the lock is rewritten, generated/ and the facade replaced, and the
proposed version written to pyproject.toml with a CHANGELOG.md entry. Either way the change
report (plain Markdown) goes to reports/spec-change-report.md and standard output: why it was
refused, if it was; the spec changes classified for Python callers, as the client sees them
(patched) and as the vendor made them (raw); the patches the vendor has made redundant; the
Python API changes by Python name; the release; and, last, the test result.

No environment variable is read for the spec: make exports its command-line variables (SPEC,
COMMIT, ...) to its recipes, and the test run gets none of them.

Exit status: 0 taken (and the tests pass); 1 refused or the tests fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import specload
from generate import (
    FACADE,
    GENERATED,
    LOCK,
    PACKAGE,
    PATCHES,
    ROOT,
    PipelineError,
    check_patched,
    generate,
    load_lock,
    resolve_spec,
)
from pyapi import ApiChange, api_changes
from pyapi import to_markdown as api_markdown
from pynames import class_names
from release import (
    Proposal,
    changelog_entry,
    current_version,
    insert_changelog,
    propose,
    write_version,
)
from specdiff import Report, diff
from specpatch import apply_patches, load_patches

REPORT = ROOT / "reports" / "spec-change-report.md"
PYPROJECT = ROOT / "pyproject.toml"
CHANGELOG = ROOT / "CHANGELOG.md"
FULL_SHA = re.compile(r"[0-9a-f]{40}")


class Refused(PipelineError):
    """The new spec is not taken; the report says why."""


SHARED = "../shared/openapi"  # where CI and the workflows keep vendor specs, beside the clone
# Variables make exports to its recipes (and passes on in MAKEFLAGS): never into the tests.
MAKE_ENV = (
    "SPEC",
    "COMMIT",
    "OLD",
    "NEW",
    "NO_TESTS",
    "FAIL_ON_BREAKING",
    "PYTEST_ARGS",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
    "MAKEOVERRIDES",
)


def default_path_for(spec: Path) -> str:
    """The lock's `default_path`: the same on every machine, where the workflows put the file."""
    return f"{SHARED}/{spec.name}"


def shared_place(spec: Path) -> Path:
    """Where the spec is kept, ../shared/openapi/<name>; refused if another file is there.

    Nothing is written here: ``keep_in_shared`` copies the file once the spec is taken.
    """
    target = ROOT / SHARED / spec.name
    if (
        target.exists()
        and target.resolve() != spec.resolve()
        and target.read_bytes() != spec.read_bytes()
    ):
        raise Refused(
            f"{SHARED}/{spec.name} exists and differs from {spec}: vendor specs are kept "
            f"there by file name (the lock records {SHARED}/<file>). Give the new file "
            "another name, e.g. orchestra-api-<commit>.json"
        )
    return target


def keep_in_shared(spec: Path, target: Path, commit: str) -> None:
    """Copy a spec given from elsewhere to ``target`` (../shared/openapi/), where CI finds it.

    Raises:
        Refused: the copy cannot be made; the message gives the commands that put it there.
    """
    if target.exists():
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(spec, target)
    except OSError as exc:
        raise Refused(
            f"cannot copy {spec} to {SHARED}/ ({exc.strerror}), where the lock records vendor "
            f"specs. Put it there yourself: mkdir -p {SHARED} && cp {spec} "
            f"{SHARED}/{spec.name}; then make update-spec SPEC={SHARED}/{spec.name} "
            f"COMMIT={commit}"
        ) from exc


def write_lock(spec_path: Path, spec: dict[str, Any], commit: str, today: str) -> None:
    lock = load_lock()
    lock.update(
        {
            "file": spec_path.name,
            "default_path": default_path_for(spec_path),
            "sha256": hashlib.sha256(spec_path.read_bytes()).hexdigest(),
            "version": str(
                spec.get("info", {}).get("description") or spec.get("info", {}).get("version", "")
            ),
            "locked_on": today,
        }
    )
    lock["source"] = {**lock.get("source", {}), "commit": commit}
    LOCK.write_text(json.dumps(lock, indent=2) + "\n")


def committed_patches() -> list[dict[str, Any]]:
    """The patches the current generated code was made with: git's HEAD version if any.

    When a reviewer edits openapi/patches.json for the new spec, the old side of the report
    must still be patched the way it was, not with patches written for the new spec.
    """
    try:
        proc = subprocess.run(
            ["git", "show", f"HEAD:{PATCHES.relative_to(ROOT).as_posix()}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        proc = None
    if proc is not None and proc.returncode == 0:
        try:
            data = json.loads(proc.stdout)
            patches: list[dict[str, Any]] = data["patches"]
            return patches
        except (ValueError, KeyError):
            pass
    return load_patches(PATCHES)


def old_side() -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The locked spec: its name, as the vendor wrote it, and patched as the generated code was
    (patches that fail are left out)."""
    path = resolve_spec(None)
    try:
        spec = specload.load(path)
    except specload.SpecUnreadable as exc:
        raise PipelineError(f"the locked spec: {exc}") from exc
    patched, _ = apply_patches(spec, committed_patches(), spec_name=path.name, strict=False)
    return path.name, spec, patched


def spec_section(old: dict[str, Any], new: dict[str, Any]) -> Report:
    import yaml

    table = yaml.safe_load((ROOT / "openapi" / "operations.yaml").read_text()) or {}
    facade = {k: str(v.get("facade")) for k, v in table.items() if isinstance(v, dict)}
    return diff(old, new, class_names=class_names(new), facade_names=facade)


# --- what must follow a spec change before it is taken -------------------------------------

# Hand-written code and tables that name operations (generated files are regenerated).
FOLLOWERS = ("openapi", "overlays", "sandbox", "scripts", "tests")
TEXT_SUFFIXES = {".py", ".yaml", ".yml", ".json", ".jinja", ".md", ".toml", ".txt"}
CONSTANTS = ROOT / "overlays" / "orchestra_payments" / "_client.py"


def _operation_ids(spec: dict[str, Any]) -> set[str]:
    return {
        str(op.get("operationId"))
        for item in (spec.get("paths") or {}).values()
        if isinstance(item, dict)
        for op in item.values()
        if isinstance(op, dict) and op.get("operationId")
    }


def operation_uses(op_ids: list[str]) -> dict[str, list[str]]:
    """Every line of the hand-written files that names one of ``op_ids``: the operationId,
    its generated module (``gateway_charge``) or its facade constant (``OP_GATEWAY_CHARGE``)."""
    from openapi_python_client.strings import snake_case

    patterns = {
        op_id: re.compile(
            rf"\b({re.escape(op_id)}|{re.escape(snake_case(op_id))}|"
            rf"OP_{re.escape(snake_case(op_id).upper())})\b"
        )
        for op_id in op_ids
    }
    found: dict[str, list[str]] = {op_id: [] for op_id in op_ids}
    for folder in FOLLOWERS:
        for path in sorted((ROOT / folder).rglob("*")):
            if (
                not path.is_file()
                or path.suffix not in TEXT_SUFFIXES
                or "__pycache__" in path.parts
                or path.name.startswith("_generated_")
            ):
                continue
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                continue
            for number, line in enumerate(lines, 1):
                for op_id, pattern in patterns.items():
                    if pattern.search(line):
                        where = path.relative_to(ROOT).as_posix()
                        found[op_id].append(f"{where}:{number}: {line.strip()[:100]}")
    return {op_id: lines for op_id, lines in found.items() if lines}


def lost_operations(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """Refusal text when an operationId the project names is gone (renamed or removed)."""
    gone = sorted(_operation_ids(old) - _operation_ids(new))
    uses = operation_uses(gone)
    if not uses:
        return None
    added = sorted(_operation_ids(new) - _operation_ids(old))
    lines = [
        f"operationId {', '.join(f'`{g}`' for g in uses)} "
        f"{'is' if len(uses) == 1 else 'are'} gone from the new spec"
        + (f" (new: {', '.join(f'`{a}`' for a in added)})" if added else "")
        + ". A money operation must not lose its retry class, facade name or tests "
        "silently: make every use below follow (rename or remove it), then take the spec:"
    ]
    for op_id, places in uses.items():
        lines.append(f"- `{op_id}`, {len(places)} use(s):")
        lines += [f"    - {place}" for place in places]
    return "\n".join(lines)


def default_base_url() -> str | None:
    if not CONSTANTS.is_file():
        return None
    match = re.search(r'^DEFAULT_BASE_URL = "([^"]*)"', CONSTANTS.read_text(), re.M)
    return match.group(1) if match else None


def servers_problem(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """A changed `servers` list is taken only once the client's default base URL is one of
    the new servers: that default is hand-written, not generated."""
    if old.get("servers") == new.get("servers"):
        return None
    urls = [str(s.get("url")) for s in new.get("servers") or [] if isinstance(s, dict)]
    default = default_base_url()
    if default is None or default.rstrip("/") in [u.rstrip("/") for u in urls]:
        return None
    before = [str(s.get("url")) for s in old.get("servers") or [] if isinstance(s, dict)]
    return (
        f"the spec's servers changed ({', '.join(before) or 'none'} → "
        f"{', '.join(urls) or 'none'}), and the client's default base URL is hand-written: "
        f'overlays/orchestra_payments/_client.py has DEFAULT_BASE_URL = "{default}". '
        "Decide there which server the client talks to by default (a reviewed change); the "
        "spec is taken once DEFAULT_BASE_URL is one of its servers."
    )


# --- the report ------------------------------------------------------------------------------


@dataclass
class Outcome:
    """Everything the report says, filled in as update-spec goes."""

    names: tuple[str, str]
    spec: Report | None = None  # patched old -> patched new
    vendor: Report | None = None  # raw old -> raw new
    unnecessary: list[str] = field(default_factory=list)
    api: list[ApiChange] | None = None
    refusal: str | None = None
    proposal: Proposal | None = None
    changelog: str | None = None
    tests: str | None = None


def _demoted(markdown: str) -> list[str]:
    """A report's body one heading level down, without its title and summary."""
    body = markdown.split("\n", 3)[3] if markdown.count("\n") >= 3 else ""
    lines = body.strip("\n").split("\n")
    return [("#" + line) if line.startswith("#") else line for line in lines]


def report_text(outcome: Outcome) -> str:
    old_name, new_name = outcome.names
    parts = [f"# Spec change report: `{old_name}` → `{new_name}`", ""]
    if outcome.spec is not None:
        parts.append(outcome.spec.to_markdown(old_name, new_name).split("\n")[2])
    if outcome.proposal is not None:
        p = outcome.proposal
        parts += ["", f"**Proposed release: {p.version}** ({p.bump} after {p.current}: {p.why})."]
    if outcome.refusal:
        parts += [
            "",
            "**Refused: nothing was changed.**",
            "",
            "## Why it was refused",
            "",
            outcome.refusal.strip(),
        ]
        if outcome.spec is not None:
            parts += [
                "",
                "The changes below compare the two specs with the patches that apply to each; "
                "where a patch listed above no longer applies, what it used to add shows as a "
                "change.",
            ]
    if outcome.spec is not None:
        body = outcome.spec.to_markdown(old_name, new_name).split("\n", 3)
        if len(body) > 3 and body[3].strip():
            parts += ["", body[3].strip("\n")]
    if outcome.vendor is not None:
        vendor = outcome.vendor
        parts += ["", "## The vendor's own changes (the raw specs, before our patches)", ""]
        summary = vendor.to_markdown(old_name, new_name).split("\n")[2]
        parts.append(summary)
        demoted = _demoted(vendor.to_markdown(old_name, new_name))
        if any(line.strip() for line in demoted):
            parts += ["", *demoted]
    if outcome.spec is not None:
        parts += ["", "## Spec patches", ""]
        parts += (
            [
                f"- `{name}` changes nothing in the new spec: the vendor made the same fix; "
                f"drop it from openapi/patches.json"
                for name in outcome.unnecessary
            ]
            if outcome.unnecessary
            else ["- every patch still changes the new spec (none made redundant by the vendor)"]
        )
    if outcome.api is not None:
        parts += ["", api_markdown(outcome.api).rstrip("\n")]
    if outcome.changelog is not None:
        parts += ["", "## Release", "", "pyproject.toml's version and CHANGELOG.md:", ""]
        parts += [
            ("#" + line) if line.startswith("#") else line
            for line in outcome.changelog.strip("\n").split("\n")
        ]
    parts += ["", "## Tests", ""]
    parts.append(outcome.tests or ("not run: refused first" if outcome.refusal else "running..."))
    return "\n".join(parts) + "\n"


def publish(outcome: Outcome, *, echo: bool = True) -> None:
    REPORT.parent.mkdir(exist_ok=True)
    text = report_text(outcome)
    REPORT.write_text(text)
    if echo:
        print(text, end="")


def install(tree: Path) -> None:
    """Put what generation wrote under ``tree`` in place: the package whole, other files each."""
    package = GENERATED.relative_to(ROOT) / PACKAGE
    target = ROOT / package
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(tree / package, target)
    for path in sorted(tree.rglob("*")):
        relative = path.relative_to(tree)
        if path.is_file() and not relative.is_relative_to(package):
            (ROOT / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, ROOT / relative)


def run_suite(pytest_args: list[str]) -> tuple[int, str]:
    """The tests, against this tree's generated package and overlay whatever is installed;
    returns pytest's exit status and the report's Tests section (which tests failed).

    Run as `make test` runs them (in parallel, the e2e tests left out), with none of make's
    variables in their environment: a test's own `make` or generate run must not see the
    maintainer's SPEC.
    """
    env = {k: v for k, v in os.environ.items() if k not in MAKE_ENV}
    paths = [str(ROOT / part) for part in ("generated", "overlays", "sandbox")]
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    with tempfile.TemporaryDirectory(prefix="orchestra-tests-") as tmp:
        junit = Path(tmp) / "junit.xml"
        command = ["pytest", "-q", "-n", "auto", *pytest_args]
        result = subprocess.run(
            [sys.executable, "-m", *command, f"--junitxml={junit}"], cwd=ROOT, env=env
        )
        return result.returncode, tests_section(result.returncode, junit, " ".join(command))


def tests_section(code: int, junit: Path, command: str) -> str:
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    failed: list[str] = []
    try:
        import xml.etree.ElementTree as ET

        root = ET.parse(junit).getroot()  # noqa: S314
    except (OSError, SyntaxError):
        return f"**The tests did not run to the end** (`{command}` exited {code}): see the log."
    for case in root.iter("testcase"):
        name = f"{case.get('classname', '').replace('.', '/')}.py::{case.get('name')}"
        if case.find("failure") is not None:
            counts["failed"] += 1
            failed.append(name)
        elif case.find("error") is not None:
            counts["errors"] += 1
            failed.append(name)
        elif case.find("skipped") is not None:
            counts["skipped"] += 1
        else:
            counts["passed"] += 1
    line = (
        f"**{counts['passed']} passed, {counts['failed']} failed**"
        + (f", {counts['errors']} errors" if counts["errors"] else "")
        + (f", {counts['skipped']} skipped" if counts["skipped"] else "")
        + f" (`{command}`, against the regenerated client)."
    )
    if not failed and code != 0:
        line += f" pytest exited {code}: see the log."
    if failed:
        line += "\n\nFailed:\n\n" + "\n".join(f"- `{name}`" for name in failed[:50])
        if len(failed) > 50:
            line += f"\n- and {len(failed) - 50} more"
    return line


def refresh_installed_version() -> str | None:
    """After the version changed in pyproject.toml, the editable install's metadata (which
    ``orchestra_payments.__version__`` reads) still names the old one: reinstall it (no
    dependencies) when it is an editable install of this tree. Returns a warning, or None."""
    import importlib.metadata

    try:
        dist = importlib.metadata.distribution("orchestra-payments")
        direct = json.loads(dist.read_text("direct_url.json") or "{}")
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return None
    url = str(direct.get("url", ""))
    if not direct.get("dir_info", {}).get("editable") or not url.startswith("file://"):
        return None
    if Path(url.removeprefix("file://")).resolve() != ROOT.resolve():
        return None
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    proc = subprocess.run(
        [*pip, "--no-deps", "-e", str(ROOT)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        return "could not refresh the installed package's version: " + proc.stderr[-300:]
    return None


def github_output(**values: str) -> None:
    """For the workflow's next steps (the pull request title carries the version)."""
    path = os.environ.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a") as fh:
            fh.writelines(f"{key}={value}\n" for key, value in values.items())


def update(
    spec_arg: str,
    *,
    commit: str | None,
    run_tests: bool,
    today: str,
    fail_on_breaking: bool = False,
    pytest_args: list[str] | None = None,
) -> int:
    started = time.perf_counter()
    if not commit or not FULL_SHA.fullmatch(commit):
        raise PipelineError(
            "give the vendor commit the spec was taken from, as its full 40-hex-digit SHA "
            f"(got {commit or 'none'}): add COMMIT=<sha> to the make command (the script: "
            "--source-commit <sha>). The lock records it so CI can fetch exactly this file again."
        )
    new_path = Path(spec_arg).expanduser()
    if not new_path.is_file():
        raise PipelineError(f"no spec at {spec_arg}")
    old_name, old_raw, old_patched = old_side()
    outcome = Outcome((old_name, new_path.name))

    def refuse(reason: str) -> Refused:
        outcome.refusal = reason
        publish(outcome)
        return Refused(reason)

    try:
        new = specload.load(new_path, full=True)
        kept = shared_place(new_path)
    except specload.SpecUnreadable as exc:
        raise refuse(str(exc)) from exc
    except Refused as exc:
        raise refuse(str(exc)) from exc
    # What the vendor changed (raw), and what the client sees (patched where the patches
    # still apply): both shown, even on refusal.
    lenient, patch_report = apply_patches(
        new, load_patches(PATCHES), spec_name=new_path.name, strict=False
    )
    outcome.spec = spec_section(old_patched, lenient)
    outcome.vendor = spec_section(old_raw, new)
    outcome.unnecessary = list(patch_report.unnecessary)
    problems = [
        text
        for text in (lost_operations(old_patched, lenient), servers_problem(old_raw, new))
        if text
    ]
    try:
        check_patched(new, new_path.name)
    except PipelineError as exc:
        problems.insert(0, str(exc))
    if problems:
        raise refuse("\n\n".join(problems))
    with tempfile.TemporaryDirectory(prefix="orchestra-update-") as tmp:
        tree = Path(tmp)
        try:
            generate(str(new_path), out_root=tree, check_lock=False)
        except PipelineError as exc:
            raise refuse(str(exc)) from exc
        outcome.api = api_changes(ROOT, tree, FACADE.relative_to(ROOT))
        outcome.proposal = propose(current_version(PYPROJECT), outcome.spec, outcome.api)
        spec_breaking = len(outcome.spec.breaking)
        api_breaking = sum(c.breaking for c in outcome.api)
        if fail_on_breaking and (spec_breaking or api_breaking):
            raise refuse(
                f"--fail-on-breaking: {spec_breaking} breaking spec change(s) and "
                f"{api_breaking} breaking Python API change(s), listed below."
            )
        keep_in_shared(new_path, kept, commit)
        install(tree)
    write_lock(kept, new, commit, today)
    proposal = outcome.proposal
    outcome.changelog = changelog_entry(
        proposal, today, kept.name, commit, outcome.spec, outcome.api
    )
    write_version(PYPROJECT, proposal.version)
    insert_changelog(CHANGELOG, outcome.changelog)
    warning = refresh_installed_version()
    if warning:
        print(f"update-spec: {warning}", file=sys.stderr)
    github_output(version=proposal.version, bump=proposal.bump)
    outcome.tests = "not run (--no-tests)" if not run_tests else None
    publish(outcome)
    print(
        f"\nupdate-spec: lock, generated code, version ({proposal.current} → {proposal.version}) "
        f"and CHANGELOG.md updated in {time.perf_counter() - started:.1f} s; report in "
        f"{REPORT.relative_to(ROOT)}"
    )
    if not run_tests:
        return 0
    code, outcome.tests = run_suite(pytest_args or [])
    publish(outcome, echo=False)
    print(f"\n## Tests\n\n{outcome.tests}\n")
    if code != 0:
        print(
            "update-spec: the tests fail against the regenerated client (listed at the end of "
            f"{REPORT.relative_to(ROOT)}). If recorded traffic no longer matches, re-record "
            "with `make record`; if a test names a changed model or operation, adapt the "
            "overlay or the test.",
            file=sys.stderr,
        )
    return code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=None, help="the new vendor spec file")
    parser.add_argument(
        "--source-commit",
        default=None,
        help="full SHA of the vendor commit the spec comes from (required)",
    )
    parser.add_argument("--no-tests", action="store_true")
    parser.add_argument(
        "--fail-on-breaking",
        action="store_true",
        help="refuse (exit 1, nothing changed) when a change breaks callers; report anyway",
    )
    parser.add_argument(
        "--pytest-args", default="", help="arguments for the test run, e.g. a subset of tests"
    )
    parser.add_argument("--date", default=dt.date.today().isoformat())
    args = parser.parse_args()
    if not args.spec:
        parser.error(
            "give the new spec: SPEC=/path/to/orchsol.json COMMIT=<sha> on the make command line "
            "(the script: --spec PATH --source-commit SHA)"
        )
    try:
        return update(
            args.spec,
            commit=args.source_commit,
            run_tests=not args.no_tests,
            today=args.date,
            fail_on_breaking=args.fail_on_breaking,
            pytest_args=shlex.split(args.pytest_args),
        )
    except PipelineError as exc:
        print(f"update-spec: {exc}\nNothing was changed.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
