"""Take a new vendor spec: validate, patch, regenerate, report what changed, run the tests.

    python scripts/update_spec.py --spec NEW.json --source-commit SHA
        [--fail-on-breaking] [--no-tests] [--pytest-args "..."]

SHA is the full (40 hex digits) commit of the vendor's repository the file was taken from: the
lock records it with the file's sha256, so CI can fetch exactly that file again.

Nothing is changed unless the new spec validates, every patch applies to *it*, every operation
is classified in openapi/operations.yaml and generation succeeds (and, with
--fail-on-breaking, nothing breaks callers); then the lock is rewritten and generated/ and the
facade replaced. Either way the change report (plain Markdown) goes to
reports/spec-change-report.md and standard output: why it was refused, if it was; the spec
changes classified for Python callers; the patches the vendor has made unnecessary; and the
Python API changes of the regenerated package and facade, by Python name.

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
from specdiff import Report, diff
from specpatch import apply_patches, load_patches

REPORT = ROOT / "reports" / "spec-change-report.md"
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


def old_side() -> tuple[str, dict[str, Any]]:
    """The locked spec, patched as the generated code was (patches that fail are left out)."""
    path = resolve_spec(None)
    spec = json.loads(path.read_text())
    patched, _ = apply_patches(spec, committed_patches(), spec_name=path.name, strict=False)
    return path.name, patched


def spec_section(old: dict[str, Any], new: dict[str, Any]) -> Report:
    import yaml

    table = yaml.safe_load((ROOT / "openapi" / "operations.yaml").read_text()) or {}
    facade = {k: str(v.get("facade")) for k, v in table.items() if isinstance(v, dict)}
    return diff(old, new, class_names=class_names(new), facade_names=facade)


def report_text(
    names: tuple[str, str],
    spec_report: Report,
    unnecessary: list[str],
    api: list[ApiChange] | None,
    refusal: str | None,
) -> str:
    text = spec_report.to_markdown(*names)
    heading, _, rest = text.partition("\n")
    parts = [heading, ""]
    if refusal:
        parts += [
            "**Refused: nothing was changed.** Fix what follows, then run update-spec again.",
            "",
            "## Why it was refused",
            "",
            refusal.strip(),
            "",
            "The changes below compare the two specs with the patches that apply to each; where "
            "a patch listed above no longer applies, what it used to add shows as a change.",
            "",
        ]
    parts.append(rest.strip("\n"))
    if refusal is None:
        parts += ["", "## Spec patches", ""]
        parts += (
            [
                f"- `{name}` changes nothing any more: the vendor made the same fix; "
                f"drop it from openapi/patches.json"
                for name in unnecessary
            ]
            if unnecessary
            else ["- every patch still applies and still changes the spec"]
        )
    if api is not None:
        parts += ["", api_markdown(api).rstrip("\n")]
    return "\n".join(parts) + "\n"


def publish(text: str) -> None:
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(text)
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


def run_suite(pytest_args: list[str]) -> int:
    """The tests, against this tree's generated package and overlay whatever is installed.

    Run as `make test` runs them (in parallel, the e2e tests left out), with none of make's
    variables in their environment: a test's own `make` or generate run must not see the
    maintainer's SPEC.
    """
    env = {k: v for k, v in os.environ.items() if k not in MAKE_ENV}
    paths = [str(ROOT / part) for part in ("generated", "overlays", "sandbox")]
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "auto", *pytest_args], cwd=ROOT, env=env
    )
    return result.returncode


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
    old_name, old_patched = old_side()
    names = (old_name, new_path.name)
    try:
        try:
            new = specload.load(new_path, full=True)
        except specload.SpecUnreadable as exc:
            raise Refused(str(exc)) from exc
        kept = shared_place(new_path)
    except Refused as exc:
        publish(
            f"# Spec change report: `{old_name}` → `{new_path.name}`\n\n"
            f"**Refused: nothing was changed.**\n\n## Why it was refused\n\n{exc}\n"
        )
        raise
    # What the vendor changed, patched where the patches still apply: shown even on refusal.
    lenient, patch_report = apply_patches(
        new, load_patches(PATCHES), spec_name=new_path.name, strict=False
    )
    spec_report = spec_section(old_patched, lenient)
    with tempfile.TemporaryDirectory(prefix="orchestra-update-") as tmp:
        tree = Path(tmp)
        try:
            check_patched(new, new_path.name)
            generate(str(new_path), out_root=tree, check_lock=False)
        except PipelineError as exc:
            publish(report_text(names, spec_report, [], None, str(exc)))
            raise Refused(str(exc)) from exc
        api = api_changes(ROOT, tree, FACADE.relative_to(ROOT))
        spec_breaking = len(spec_report.breaking)
        api_breaking = sum(c.breaking for c in api)
        refusal = None
        if fail_on_breaking and (spec_breaking or api_breaking):
            refusal = (
                f"--fail-on-breaking: {spec_breaking} breaking spec change(s) and "
                f"{api_breaking} breaking Python API change(s), listed below."
            )
        publish(report_text(names, spec_report, patch_report.unnecessary, api, refusal))
        if refusal:
            raise Refused(refusal)
        try:
            keep_in_shared(new_path, kept, commit)
        except Refused as exc:
            publish(report_text(names, spec_report, [], api, str(exc)))
            raise
        install(tree)
    write_lock(kept, new, commit, today)
    print(
        f"\nupdate-spec: lock and generated code updated in {time.perf_counter() - started:.1f} s;"
        f" report in {REPORT.relative_to(ROOT)}"
    )
    if not run_tests:
        return 0
    code = run_suite(pytest_args or [])
    if code != 0:
        print(
            "update-spec: the tests fail against the regenerated client. If recorded traffic "
            "no longer matches, re-record with `make record`; if a test names a changed "
            "model or operation, adapt the overlay or the test.",
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
        parser.error("give the new spec: make update-spec SPEC=/path/to/orchsol.json COMMIT=<sha>")
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
