"""End to end (`make test-e2e`, not `make test`): `make update-spec` as the regenerate workflow
runs it, in a fresh clone of this repository, on modified copies of the locked spec, then the
suite and the staleness check there. Minutes, not seconds: each run executes the suite again.

The clone is made from this repository's HEAD, with the work tree's uncommitted changes
copied over (so the test checks what is on disk) and committed there, so that the clone is
clean, as a checkout in CI is. Its parent holds `shared/openapi/` with the vendor files (links
to the real ones), where the workflow keeps them (`../shared/openapi/`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from test_spec_change import add_optional_header, add_result_code, bump_version, variant

from conftest import CVV, PAN, ROOT, TEST_KEY

pytestmark = pytest.mark.e2e

COMMIT = "89abcdef0123456789abcdef0123456789abcdef"
# What make exports to its recipes: a test must not depend on the caller's.
MAKE_VARIABLES = ("SPEC", "COMMIT", "OLD", "NEW", "NO_TESTS", "FAIL_ON_BREAKING", "PYTEST_ARGS")
MAKE_STATE = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in MAKE_VARIABLES + MAKE_STATE and k != "PYTHONPATH"
    }
    env.update(extra)
    return env


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=e2e", "-c", "user.email=e2e@example.invalid", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def fresh_clone(tmp_path: Path, vendor_spec_path: Path) -> Path:
    """A clone of this repository with the work tree's changes, beside `shared/openapi/`."""
    shared = tmp_path / "shared" / "openapi"
    shared.mkdir(parents=True)
    for vendor_file in sorted(vendor_spec_path.parent.glob("*.json")):
        (shared / vendor_file.name).symlink_to(vendor_file.resolve())
    root = tmp_path / "project"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(root)],
        check=True,
        capture_output=True,
    )
    changed = git(ROOT, "ls-files", "--modified", "--others", "--exclude-standard", "-z")
    for name in filter(None, changed.split("\0")):
        source, target = ROOT / name, root / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    for name in filter(None, git(ROOT, "ls-files", "--deleted", "-z").split("\0")):
        (root / name).unlink(missing_ok=True)
    if git(root, "status", "--porcelain"):
        git(root, "add", "-A")
        git(root, "commit", "--quiet", "-m", "the work tree under test")
    return root


def streamed(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``cmd``, echoing its output line by line (progress: `make test-e2e` runs with -s)."""
    lines: list[str] = []
    with subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            sys.stdout.write(f"    | {line}")
            sys.stdout.flush()
    output = "".join(lines)
    return subprocess.CompletedProcess(cmd, proc.returncode, output, output)


def make(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`make` in the clone, which installs its own `.venv` as a fresh checkout does."""
    print(f"\n  $ make {' '.join(args)}", flush=True)
    return streamed(["make", "--no-print-directory", *args], root, clean_env())


def in_copy(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    paths = [str(root / part) for part in ("generated", "overlays", "sandbox")]
    env = clean_env(PYTHONPATH=os.pathsep.join(paths))
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=root, env=env
    )


def with_optional_note(spec: dict[str, Any]) -> None:
    """One optional string property on the payment result: the smallest additive change."""
    result = spec["components"]["schemas"]["Payments.OperationResult"]
    result["properties"]["merchantNote"] = {"type": "string", "nullable": True}


def test_make_update_spec_as_the_workflow_runs_it_is_green(
    tmp_path: Path, vendor_spec_path: Path, vendor_spec: dict[str, Any]
) -> None:
    root = fresh_clone(tmp_path, vendor_spec_path)
    before = tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"]
    # As .github/workflows/regenerate.yml: downloaded into ../shared/openapi/, then make.
    name = f"orchestra-api-{COMMIT}.json"
    (tmp_path / "shared" / "openapi" / name).write_text(
        json.dumps(variant(vendor_spec, with_optional_note), indent=2)
    )
    result = make(root, "update-spec", f"SPEC=../shared/openapi/{name}", f"COMMIT={COMMIT}")
    assert result.returncode == 0, result.stdout[-4000:]
    assert re.search(r"^\d{3,} passed", result.stdout, re.M), result.stdout[-3000:]
    lock = json.loads((root / "openapi" / "spec.lock.json").read_text())
    assert lock["default_path"] == f"../shared/openapi/{name}"
    assert lock["file"] == name
    assert lock["source"]["commit"] == COMMIT
    report = (root / "reports" / "spec-change-report.md").read_text()
    assert "property `merchantNote` (`.merchant_note`) added (optional, string)" in report
    assert "non-breaking: `OperationResult.merchant_note`: optional attribute added" in report
    assert str(tmp_path) not in report
    # The report ends with the test result, written after the tests ran.
    tests_section = report.rsplit("\n## Tests\n", 1)[1]
    assert re.match(r"\n\*\*\d{3,} passed, 0 failed\*\*", tests_section), tests_section
    # The proposed release: an additive change is a minor version.
    major, minor, _ = (int(part) for part in before.split("."))
    version = tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"]
    assert version == f"{major}.{minor + 1}.0"
    assert f"## [{version}] - " in (root / "CHANGELOG.md").read_text()
    assert f"**Proposed release: {version}** (minor after {before}" in report
    # Committed as the pull request would be, the staleness check is green.
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "Take vendor spec")
    staleness = make(root, "check-generated")
    assert staleness.returncode == 0, staleness.stdout[-3000:]
    assert "generated code is up to date" in staleness.stdout


def test_an_enum_value_and_a_header_reach_the_client_and_the_suite_stays_green(
    tmp_path: Path, vendor_spec_path: Path, vendor_spec: dict[str, Any]
) -> None:
    root = fresh_clone(tmp_path, vendor_spec_path)
    later = variant(vendor_spec, bump_version, add_result_code, add_optional_header)
    new = tmp_path / "elsewhere" / "enum-and-header.json"
    new.parent.mkdir()
    new.write_text(json.dumps(later, indent=2))
    result = make(root, "update-spec", f"SPEC={new}", f"COMMIT={COMMIT}")
    assert result.returncode == 0, result.stdout[-4000:]
    assert re.search(r"^\d{3,} passed", result.stdout, re.M), result.stdout[-3000:]
    # A spec given from elsewhere is kept where the workflow keeps vendor specs.
    lock = json.loads((root / "openapi" / "spec.lock.json").read_text())
    assert lock["default_path"] == "../shared/openapi/enum-and-header.json"
    assert (tmp_path / "shared" / "openapi" / "enum-and-header.json").read_bytes() == (
        new.read_bytes()
    )
    report = (root / "reports" / "spec-change-report.md").read_text()
    assert "non-breaking: `ResultCode.PENDING_REVIEW`: enum member added" in report
    assert "optional parameter `x_correlation_id` added" in report

    known = in_copy(
        root,
        "-c",
        "from orchestra_api.models import ResultCode; "
        "print(ResultCode('PendingReview').is_unknown)",
    )
    assert known.stdout.strip() == "False", known.stderr
    # A money operation answered with the new value returns it as data, not OutcomeUnknownError.
    answer = {"operationType": "Charge", "operationResultCode": "PendingReview", "amount": 10.0}
    charge = {
        "amount": 10.0,
        "currency": "USD",
        "myRef": "order-123456",
        "paymentGatewayAccountName": "nullok",
        "card": {
            "cardHolderName": "Jane Doe",
            "cardNumber": PAN,
            "cvv": CVV,
            "expirationMonth": 12,
            "expirationYear": 2030,
        },
    }
    as_data = in_copy(
        root,
        "-c",
        "import httpx, json, sys; from orchestra_payments import Orchestra; "
        f"answer = json.loads({json.dumps(json.dumps(answer))}); "
        "mock = httpx.MockTransport(lambda request: httpx.Response(202, json=answer)); "
        f"client = Orchestra(api_key={TEST_KEY!r}, base_url='http://127.0.0.1:9', "
        "transport=mock); "
        f"result = client.payment_gateway.charge(json.loads({json.dumps(json.dumps(charge))})); "
        "print(result.operation_result_code.value, result.operation_result_code.is_unknown)",
    )
    assert as_data.stdout.split() == ["PendingReview", "False"], as_data.stderr[-2000:]
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "Take vendor spec")
    staleness = make(root, "check-generated")
    assert staleness.returncode == 0, staleness.stdout[-3000:]
