"""Take a new vendor spec: validate, patch, regenerate, report what changed, run the tests.

    python scripts/update_spec.py --spec NEW.json [--source-commit SHA] [--no-tests]

Nothing is changed unless the new spec validates, every patch applies and generation succeeds;
then the lock is rewritten and generated/ replaced. The change report (Markdown) goes to
reports/spec-change-report.md and standard output: the spec diff of the patched documents, the
patches the vendor has made unnecessary, and the Python API breakages (griffe) of the
regenerated package against the previous one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import (
    GENERATED,
    LOCK,
    PACKAGE,
    PATCHES,
    ROOT,
    PipelineError,
    generate,
    load_lock,
    patched_spec,
    resolve_spec,
)
from specdiff import diff
from specpatch import PatchError, apply_patches, load_patches

REPORT = ROOT / "reports" / "spec-change-report.md"


def validate(spec: Any, path: Path) -> None:
    from openapi_spec_validator import validate as validate_spec
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    if not isinstance(spec, dict):
        raise PipelineError(f"{path} is not an OpenAPI document (not a JSON object)")
    try:
        validate_spec(spec)
    except OpenAPIValidationError as exc:
        raise PipelineError(f"{path} is not a valid OpenAPI document: {exc}") from exc


def api_breakages(old_root: Path, new_root: Path) -> list[str]:
    """griffe's breaking-change detection, old generated package against the new one."""
    import griffe

    def load(root: Path) -> Any:
        return griffe.load(
            PACKAGE,
            search_paths=[root],
            allow_inspection=False,
            modules_collection=griffe.ModulesCollection(),
            lines_collection=griffe.LinesCollection(),
        )

    old, new = load(old_root), load(new_root)
    found = []
    for breakage in griffe.find_breaking_changes(old, new):
        found.append(breakage.explain(style=griffe.ExplanationStyle.ONE_LINE))
    return sorted(set(found))


def default_path_for(spec: Path) -> str:
    shared = (ROOT.parent / "shared" / "openapi").resolve()
    resolved = spec.resolve()
    if resolved.parent == shared:
        return f"../shared/openapi/{resolved.name}"
    return os.path.relpath(resolved, ROOT)


def write_lock(spec_path: Path, spec: dict[str, Any], commit: str | None, today: str) -> None:
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
    lock["source"] = {**lock.get("source", {}), "commit": commit or "unknown"}
    LOCK.write_text(json.dumps(lock, indent=2) + "\n")


def report_text(
    old_path: Path,
    new_path: Path,
    old_patched: dict[str, Any],
    new_patched: dict[str, Any],
    unnecessary: list[str],
    breakages: list[str],
) -> str:
    text = diff(old_patched, new_patched).to_markdown(old_path.name, new_path.name)
    text += "\n## Spec patches\n\n"
    if unnecessary:
        text += "".join(
            f"- `{name}` changes nothing any more: the vendor made the same fix; "
            f"drop it from openapi/patches.json\n"
            for name in unnecessary
        )
    else:
        text += "- every patch still applies and still changes the spec\n"
    text += "\n## Python API of the generated package (griffe)\n\n"
    text += (
        "".join(f"- **breaking**: {b}\n" for b in breakages)
        if breakages
        else "- no breaking change\n"
    )
    return text


def update(spec_arg: str, *, commit: str | None, run_tests: bool, today: str) -> int:
    started = time.perf_counter()
    new_path = Path(spec_arg).expanduser()
    if not new_path.is_file():
        raise PipelineError(f"no spec at {new_path}")
    try:
        new = json.loads(new_path.read_text())
    except json.JSONDecodeError as exc:
        raise PipelineError(f"{new_path} is not valid JSON: {exc}") from exc
    validate(new, new_path)
    try:
        new_patched, patch_report = apply_patches(new, load_patches(PATCHES))
    except PatchError as exc:
        raise PipelineError(str(exc)) from exc
    old_path = resolve_spec(None)
    old_patched = patched_spec(old_path)
    with tempfile.TemporaryDirectory(prefix="orchestra-update-") as tmp:
        baseline = Path(tmp) / "baseline"
        shutil.copytree(GENERATED / PACKAGE, baseline / PACKAGE)
        generate(str(new_path), check_lock=False)
        write_lock(new_path, new, commit, today)
        breakages = api_breakages(baseline, GENERATED)
    text = report_text(
        old_path, new_path, old_patched, new_patched, patch_report.unnecessary, breakages
    )
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(text)
    print(text, end="")
    print(
        f"\nupdate-spec: lock and generated code updated in {time.perf_counter() - started:.1f} s;"
        f" report in {REPORT.relative_to(ROOT)}"
    )
    if not run_tests:
        return 0
    result = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=ROOT)
    if result.returncode != 0:
        print(
            "update-spec: the tests fail against the regenerated client. If recorded traffic "
            "no longer matches, re-record with `make record`; if a test names a changed "
            "model or operation, adapt the overlay or the test.",
            file=sys.stderr,
        )
    return result.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=os.environ.get("SPEC") or None, required=False)
    parser.add_argument("--source-commit", default=None)
    parser.add_argument("--no-tests", action="store_true")
    parser.add_argument("--date", default=dt.date.today().isoformat())
    args = parser.parse_args()
    if not args.spec:
        parser.error("give the new spec: make update-spec SPEC=/path/to/orchsol.json")
    try:
        return update(
            args.spec, commit=args.source_commit, run_tests=not args.no_tests, today=args.date
        )
    except PipelineError as exc:
        print(f"update-spec: {exc}\nNothing was changed.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
