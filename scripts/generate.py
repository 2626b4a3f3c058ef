"""Regenerate the client: locked vendor spec + project patches -> generated/ (+ the facade
and the request parameter types of the overlay).

    python scripts/generate.py [--spec PATH] [--write-patched-spec PATH]

--spec defaults to the locked file beside the project (../shared/openapi/<file>, the lock's
`default_path`); no environment variable is read (make exports its command-line variables to
every recipe, and to the tests' own runs of this script). Its sha256 must match
openapi/spec.lock.json; `make update-spec` is how a new vendor version is taken. The output is
byte-for-byte the same on every run.
"""

from __future__ import annotations

import argparse
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

# Run as `python scripts/generate.py`, Python puts scripts/ first on sys.path: the pipeline's
# modules import each other by name (tests get the same through pytest's `pythonpath`).
import specload
from facade import FILES as FACADE_FILES
from facade import render_all
from generator_errors import translate
from operations_table import load_table
from operations_table import problems as table_problems
from pynames import class_names
from specpatch import apply_patches, format_problems, load_patches

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "openapi" / "spec.lock.json"
PATCHES = ROOT / "openapi" / "patches.json"
TEMPLATES = ROOT / "openapi" / "templates"
CONFIG = ROOT / "generator-config.yaml"
GENERATED = ROOT / "generated"
PACKAGE = "orchestra_api"
OVERLAY = ROOT / "overlays" / "orchestra_payments"
FACADE = OVERLAY / "_generated_facade.py"


class PipelineError(Exception):
    """A step of the pipeline failed; the message says what to do."""


def load_lock() -> dict[str, Any]:
    lock: dict[str, Any] = json.loads(LOCK.read_text())
    return lock


def resolve_spec(spec: str | None) -> Path:
    lock = load_lock()
    path = Path(spec).expanduser() if spec else ROOT / lock["default_path"]
    if not path.is_file():
        raise PipelineError(
            f"The vendor spec is not at {path}.\n"
            f"It is not committed here (it is the vendor's document). Get {lock['file']} "
            f"(sha256 {lock['sha256']}): the Orchestra docs' 'Download OpenAPI Spec', or "
            f"{lock['source']['repository']} file {lock['source']['path']} at commit "
            f"{lock['source']['commit']}; put it at {lock['default_path']} (where CI keeps it), "
            f"or pass its path: make generate SPEC=/path/to/that/file"
        )
    return path


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def verify_spec(path: Path) -> None:
    lock = load_lock()
    digest = sha256_of(path)
    if digest != lock["sha256"]:
        raise PipelineError(
            f"{path} has sha256 {digest}, but openapi/spec.lock.json locks {lock['sha256']} "
            f"({lock['file']}).\n"
            f"If this is a new vendor version, take it with: make update-spec SPEC={path} "
            f"COMMIT=<the vendor commit's full SHA>\n"
            f"Otherwise point SPEC at the locked file."
        )


def check_patched(spec: dict[str, Any], spec_name: str) -> dict[str, Any]:
    """Apply every patch and check the operations table; one error listing every problem.

    Raises:
        PipelineError: patches that no longer apply and operations the table does not classify
            (or lists though the spec lost them), all of them, naming ``spec_name``.
    """
    patched, report = apply_patches(spec, load_patches(PATCHES), spec_name=spec_name, strict=False)
    sections = []
    if report.problems:
        sections.append(format_problems(report.problems, spec_name))
    table = table_problems(patched, load_table(ROOT / "openapi" / "operations.yaml"))
    if table:
        sections.append(
            f"openapi/operations.yaml does not match the operations of {spec_name}:\n"
            + "\n".join(f"- {line}" for line in table)
        )
    if sections:
        raise PipelineError("\n\n".join(sections))
    result: dict[str, Any] = patched
    return result


def patched_spec(path: Path) -> dict[str, Any]:
    try:
        spec = specload.load(path)
    except specload.SpecUnreadable as exc:
        raise PipelineError(str(exc)) from exc
    return check_patched(spec, path.name)


def _patch_outlook(path: Path) -> str:
    """For a spec that is not the locked one: would the patches still apply to it?"""
    try:
        patched_spec(path)
    except PipelineError as exc:
        return f"\nBefore taking it, fix this: {exc}"
    return "\nEvery spec patch applies to it."


def _tool_env() -> dict[str, str]:
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env["RUFF_NO_CACHE"] = "true"
    return env


def run_generator(spec: dict[str, Any], work: Path) -> Path:
    spec_file = work / "orchestra-api.patched.json"
    spec_file.write_text(json.dumps(spec, indent=2, sort_keys=True))
    out = work / PACKAGE
    cmd = [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(spec_file),
        "--config",
        str(CONFIG),
        "--custom-template-path",
        str(TEMPLATES),
        "--meta",
        "none",
        "--output-path",
        str(out),
    ]
    proc = subprocess.run(cmd, cwd=work, env=_tool_env(), capture_output=True, text=True)
    output = proc.stdout + proc.stderr
    if proc.returncode != 0 or "Warning" in output or "Error" in output:
        lines = translate(output.replace(str(work), "<work>"), spec, class_names(spec, CONFIG))
        raise PipelineError(
            "openapi-python-client could not generate everything from the patched spec:\n"
            + "\n".join(f"- {line}" for line in lines)
            + "\nFix it with a spec patch (openapi/patches.json) or generator-config.yaml."
        )
    (out / "py.typed").write_text("")
    return out


def format_file(path: Path) -> None:
    steps = (
        ["check", "--isolated", "--no-cache", "--fix-only", "--select", "F401,I", "--quiet"],
        ["format", "--isolated", "--no-cache", "--quiet"],
    )
    for args in steps:
        subprocess.run(
            [sys.executable, "-m", "ruff", *args, str(path)], check=True, env=_tool_env()
        )


def generate(
    spec_arg: str | None,
    *,
    out_root: Path = ROOT,
    check_lock: bool = True,
    patched_out: str | None = None,
) -> float:
    """Regenerate into ``out_root`` (generated/ and the facade); return the seconds taken."""
    started = time.perf_counter()
    path = resolve_spec(spec_arg)
    if check_lock:
        try:
            verify_spec(path)
        except PipelineError as exc:
            raise PipelineError(f"{exc}{_patch_outlook(path)}") from exc
    spec = patched_spec(path)
    if patched_out:
        Path(patched_out).write_text(json.dumps(spec, indent=2, sort_keys=True))
    with tempfile.TemporaryDirectory(prefix="orchestra-gen-") as tmp:
        work = Path(tmp)
        out = run_generator(spec, work)
        try:
            texts = render_all(spec, ROOT / "openapi" / "operations.yaml", CONFIG)
        except ValueError as exc:
            raise PipelineError(str(exc)) from exc
        except (KeyError, TypeError, AttributeError, IndexError) as exc:
            raise PipelineError(
                "the facade generator (scripts/facade.py) cannot read this spec: "
                f"{type(exc).__name__} {str(exc)[:200]}; a shape it does not support: patch the "
                "spec (openapi/patches.json) or teach the facade generator"
            ) from exc
        for name, text in texts.items():
            (work / name).write_text(text)
            format_file(work / name)
        target = out_root / GENERATED.relative_to(ROOT) / PACKAGE
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(out, target)
        overlay = out_root / OVERLAY.relative_to(ROOT)
        overlay.mkdir(parents=True, exist_ok=True)
        for name in texts:
            shutil.copyfile(work / name, overlay / name)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=None, help="the spec file (default: the locked one)")
    parser.add_argument(
        "--write-patched-spec", default=None, help="also write the patched spec (JSON) to this path"
    )
    parser.add_argument(
        "--output-root", default=None, help="write generated/ and the facade under this folder"
    )
    parser.add_argument(
        "--unlocked",
        action="store_true",
        help="accept a spec whose sha256 differs from the lock (a candidate new version)",
    )
    parser.add_argument(
        "--patched-spec-only",
        action="store_true",
        help="write the patched spec (--write-patched-spec) and generate nothing",
    )
    args = parser.parse_args()
    if args.patched_spec_only:
        if not args.write_patched_spec:
            parser.error("--patched-spec-only needs --write-patched-spec PATH")
        try:
            path = resolve_spec(args.spec)
            verify_spec(path)
            spec = patched_spec(path)
        except PipelineError as exc:
            print(f"generate: {exc}", file=sys.stderr)
            return 1
        Path(args.write_patched_spec).write_text(json.dumps(spec, indent=2, sort_keys=True))
        return 0
    try:
        seconds = generate(
            args.spec,
            out_root=Path(args.output_root) if args.output_root else ROOT,
            check_lock=not args.unlocked,
            patched_out=args.write_patched_spec,
        )
    except PipelineError as exc:
        print(f"generate: {exc}", file=sys.stderr)
        return 1
    print(f"generated {GENERATED.name}/{PACKAGE} and {', '.join(FACADE_FILES)} in {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
