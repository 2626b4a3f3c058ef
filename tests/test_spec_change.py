"""The spec-change workflow: the differ, and update-spec end to end on modified copies of the
locked spec (whichever spec is locked: every second spec is built here, never read from a file)."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from specdiff import diff

from conftest import ROOT

COMMIT = "0123456789abcdef0123456789abcdef01234567"
SPECDIFF = [sys.executable, str(ROOT / "scripts" / "specdiff.py")]
GENERATE_CMD = [sys.executable, str(ROOT / "scripts" / "generate.py")]


def write(path: Path, spec: dict[str, Any]) -> Path:
    path.write_text(json.dumps(spec, indent=2))
    return path


def reworded(spec: dict[str, Any]) -> dict[str, Any]:
    """The locked spec with only descriptions changed, as in the vendor's real second version."""
    changed = copy.deepcopy(spec)
    for tag in changed.get("tags", []):
        tag["description"] = (tag.get("description") or "") + " Reworded."
    changed["paths"]["/PaymentGateway/charge"]["post"]["description"] = "Charge a card, reworded."
    return changed


def test_a_description_only_change_is_no_structural_change(vendor_spec: dict[str, Any]) -> None:
    new = reworded(vendor_spec)
    report = diff(vendor_spec, new)
    assert report.changes == []
    assert report.descriptions == len(new.get("tags", [])) + 1
    text = report.to_markdown("old.json", "new.json")
    assert f"**No structural change.** {report.descriptions} descriptions changed." in text
    assert "Reworded" not in text


def test_the_cli_reports_patched_specs_and_exits_by_what_it_found(
    tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    old = write(tmp_path / "old.json", vendor_spec)
    same = write(tmp_path / "reworded.json", reworded(vendor_spec))
    broken = copy.deepcopy(vendor_spec)
    del broken["paths"]["/Utils/apiKey"]
    removed = write(tmp_path / "removed.json", broken)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*SPECDIFF, *args], capture_output=True, text=True)

    quiet = run(str(old), str(same), "--patched", "--fail-on-breaking")
    assert quiet.returncode == 0, quiet.stderr
    assert "**No structural change.**" in quiet.stdout
    reported = run(str(old), str(removed), "--patched")
    assert reported.returncode == 0
    gated = run(str(old), str(removed), "--patched", "--fail-on-breaking")
    assert gated.returncode == 1
    assert "**breaking**: operation removed" in gated.stdout
    assert "GET /Utils/apiKey (ValidateApiKey, `utils.validate_api_key`)" in gated.stdout
    assert "breaking change(s)" in gated.stderr
    (tmp_path / "bad.json").write_text("{not json")
    assert run(str(old), str(tmp_path / "bad.json")).returncode == 2
    assert "\x1b[" not in gated.stdout + reported.stdout


def base() -> dict[str, Any]:
    return {
        "openapi": "3.0.1",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/pay": {
                "post": {
                    "operationId": "Pay",
                    "description": "Pay.",
                    "parameters": [
                        {
                            "name": "name",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 10},
                        }
                    ],
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Req"}}
                        }
                    },
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Res"}}
                            },
                        },
                        "409": {"description": "Conflict"},
                    },
                }
            },
            "/old": {"get": {"operationId": "Old", "responses": {"200": {"description": "OK"}}}},
        },
        "components": {
            "schemas": {
                "Req": {
                    "type": "object",
                    "required": ["amount"],
                    "properties": {
                        "amount": {"type": "number"},
                        "note": {"type": "string", "nullable": True, "description": "a note"},
                        "kind": {"$ref": "#/components/schemas/Kind"},
                    },
                },
                "Res": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "ref": {"type": "string"},
                        "status": {"$ref": "#/components/schemas/Status"},
                    },
                },
                "Kind": {"type": "string", "enum": ["A", "B"]},
                "Status": {"type": "string", "enum": ["Ok", "Failed"]},
            }
        },
    }


def mutate(fn: Any) -> dict[str, Any]:
    spec = copy.deepcopy(base())
    fn(spec)
    return spec


S = "#/components/schemas/"
PAY = ("paths", "/pay", "post")


def _pay(spec: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = spec["paths"]["/pay"]["post"]
    return op


def _schema(spec: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec["components"]["schemas"][name]
    return schema


CASES = [
    (
        "operation added",
        lambda s: s["paths"].update(
            {"/new": {"get": {"operationId": "New", "responses": {"200": {"description": "OK"}}}}}
        ),
        False,
        "operation added",
    ),
    ("operation removed", lambda s: s["paths"].pop("/old"), True, "operation removed"),
    (
        "operationId renamed",
        lambda s: _pay(s).update(operationId="PayNow"),
        True,
        "operationId `Pay` → `PayNow`",
    ),
    (
        "request property added, required",
        lambda s: (
            _schema(s, "Req")["properties"].update(cvv={"type": "string"}),
            _schema(s, "Req")["required"].append("cvv"),
        ),
        True,
        "property `cvv` added (required",
    ),
    (
        "request property added, optional",
        lambda s: _schema(s, "Req")["properties"].update(tip={"type": "number"}),
        False,
        "property `tip` added (optional",
    ),
    (
        "response property added",
        lambda s: _schema(s, "Res")["properties"].update(extra={"type": "string"}),
        False,
        "property `extra` added",
    ),
    (
        "response property removed",
        lambda s: _schema(s, "Res")["properties"].pop("ref"),
        True,
        "property `ref` removed",
    ),
    (
        "property type changed",
        lambda s: _schema(s, "Res")["properties"]["code"].update(type="integer"),
        True,
        "property `code` type string → integer",
    ),
    (
        "property became required",
        lambda s: _schema(s, "Req")["required"].append("note"),
        True,
        "property `note` became required",
    ),
    (
        "response property became nullable",
        lambda s: _schema(s, "Res")["properties"]["code"].update(nullable=True),
        True,
        "property `code` became nullable",
    ),
    (
        "request property became non-nullable",
        lambda s: _schema(s, "Req")["properties"]["note"].pop("nullable"),
        True,
        "property `note` became non-nullable",
    ),
    (
        "enum value added",
        lambda s: _schema(s, "Status")["enum"].append("Pending"),
        False,
        "enum value `Pending` added",
    ),
    (
        "request enum value removed",
        lambda s: _schema(s, "Kind")["enum"].remove("B"),
        True,
        "enum value `B` removed",
    ),
    (
        "response code added",
        lambda s: _pay(s)["responses"].update({"503": {"description": "Unavailable"}}),
        False,
        "response 503 added (no body)",
    ),
    (
        "success response removed",
        lambda s: _pay(s)["responses"].pop("200"),
        True,
        "response 200 removed",
    ),
    (
        "response body added",
        lambda s: _pay(s)["responses"]["409"].update(
            content={"application/json": {"schema": {"$ref": S + "Res"}}}
        ),
        False,
        "response 409: body Res added",
    ),
    (
        "response body changed",
        lambda s: _pay(s)["responses"]["200"]["content"]["application/json"].update(
            schema={"type": "array", "items": {"$ref": S + "Res"}}
        ),
        True,
        "response 200: body Res → array of Res",
    ),
    (
        "parameter pattern changed",
        lambda s: _pay(s)["parameters"][0]["schema"].update(pattern="^[a-z0-9]+$"),
        True,
        "query parameter `name` pattern",
    ),
    (
        "parameter length limit dropped",
        lambda s: _pay(s)["parameters"][0]["schema"].pop("maxLength"),
        False,
        "query parameter `name` maxLength 10 → None (relaxed)",
    ),
    (
        "parameter length limit raised",
        lambda s: _pay(s)["parameters"][0]["schema"].update(maxLength=100),
        False,
        "query parameter `name` maxLength 10 → 100 (relaxed)",
    ),
    (
        "parameter length limit lowered",
        lambda s: _pay(s)["parameters"][0]["schema"].update(maxLength=5),
        True,
        "query parameter `name` maxLength 10 → 5 (tightened)",
    ),
    (
        "request property minimum added",
        lambda s: _schema(s, "Req")["properties"]["amount"].update(minimum=1),
        True,
        "property `amount` minimum None → 1 (tightened)",
    ),
    (
        "response property length limit added",
        lambda s: _schema(s, "Res")["properties"]["code"].update(maxLength=3),
        False,
        "property `code` maxLength None → 3 (tightened)",
    ),
    (
        "request property type changed",
        lambda s: _schema(s, "Req")["properties"]["amount"].update(type="string"),
        True,
        "property `amount` type number → string",
    ),
    (
        "response enum value removed",
        lambda s: _schema(s, "Status")["enum"].remove("Failed"),
        True,
        "enum value `Failed` removed",
    ),
    (
        "parameter became required",
        lambda s: _pay(s)["parameters"][0].update(required=True),
        True,
        "query parameter `name` became required",
    ),
    (
        "required parameter added",
        lambda s: _pay(s)["parameters"].append(
            {"name": "X-Id", "in": "header", "required": True, "schema": {"type": "string"}}
        ),
        True,
        "required header parameter `X-Id` added",
    ),
    (
        "request body schema changed",
        lambda s: _pay(s)["requestBody"]["content"]["application/json"].update(
            schema={"$ref": S + "Res"}
        ),
        True,
        "request body Req → Res",
    ),
    (
        "schema added",
        lambda s: s["components"]["schemas"].update(Extra={"type": "object"}),
        False,
        "schema added",
    ),
]


@pytest.mark.parametrize(("name", "change", "breaking", "text"), CASES, ids=[c[0] for c in CASES])
def test_each_change_kind_is_reported_and_classified(
    name: str, change: Any, breaking: bool, text: str
) -> None:
    report = diff(base(), mutate(change))
    matching = [c for c in report.changes if text in c.text]
    assert matching, [c.text for c in report.changes]
    assert all(c.breaking is breaking for c in matching)
    markdown = report.to_markdown("a", "b")
    assert ("**breaking**" if breaking else "non-breaking") in markdown


def test_description_only_changes_are_counted_not_listed() -> None:
    def reword(s: dict[str, Any]) -> None:
        _pay(s)["description"] = "Pay now."
        _schema(s, "Req")["properties"]["note"]["description"] = "a longer note"

    report = diff(base(), mutate(reword))
    assert report.changes == []
    assert report.descriptions == 2
    assert "a longer note" not in report.to_markdown("a", "b")


def test_changes_are_grouped_by_operation_and_schema() -> None:
    def several(s: dict[str, Any]) -> None:
        _pay(s)["responses"].pop("409")
        _schema(s, "Res")["properties"].pop("ref")

    text = diff(base(), mutate(several)).to_markdown("a", "b")
    assert "## Operations\n\n### POST /pay (Pay)\n\n- non-breaking: response 409 removed" in text
    assert "## Schemas\n\n### Res\n\n- **breaking**: property `ref` removed" in text
    assert text.splitlines()[2] == "**1 breaking, 1 non-breaking changes**; 0 descriptions changed."


# --- update-spec, end to end, in a copy of the repository --------------------------------------

Variant = Callable[[dict[str, Any]], None]
RESULT = "Payments.OperationResult"
CHARGE_REQUEST = "PayTools_Api.Models.AuthRequestModel"


def variant(spec: dict[str, Any], *changes: Variant) -> dict[str, Any]:
    changed = copy.deepcopy(spec)
    for change in changes:
        change(changed)
    return changed


def bump_version(spec: dict[str, Any]) -> None:
    spec["info"]["version"] = str(spec["info"].get("version", "")) + "-next"
    spec["info"]["description"] = str(spec["info"].get("description", "")) + " (next)"


def add_result_code(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["Payments.Result"]["enum"].append("PendingReview")


def add_optional_header(spec: dict[str, Any]) -> None:
    charge = spec["paths"]["/PaymentGateway/charge"]["post"]
    charge.setdefault("parameters", []).append(
        {
            "name": "X-Correlation-Id",
            "in": "header",
            "required": False,
            "schema": {"type": "string"},
        }
    )


def rename_result_schema(spec: dict[str, Any]) -> None:
    text = json.dumps(spec).replace(f'/schemas/{RESULT}"', '/schemas/Payments.OperationOutcome"')
    renamed = json.loads(text)
    schemas = renamed["components"]["schemas"]
    schemas["Payments.OperationOutcome"] = schemas.pop(RESULT)
    spec.clear()
    spec.update(renamed)


def remove_token_delete(spec: dict[str, Any]) -> None:
    del spec["paths"]["/StringTokens/{token}"]["delete"]


def amount_as_string(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"][CHARGE_REQUEST]["properties"]["amount"] = {"type": "string"}


def add_required_field(spec: dict[str, Any]) -> None:
    schema = spec["components"]["schemas"][CHARGE_REQUEST]
    schema["properties"]["merchantCategory"] = {"type": "string"}
    schema["required"].append("merchantCategory")


@pytest.fixture
def repo(tmp_path: Path, vendor_spec_path: Path) -> Path:
    """Just enough of the project to run the pipeline, with the locked spec beside it."""
    root = tmp_path / "project"
    for part in ("openapi", "scripts", "generated", "overlays", "sandbox"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("generator-config.yaml", "pyproject.toml", "CHANGELOG.md", "Makefile"):
        shutil.copy(ROOT / name, root / name)
    place_locked_spec(root, vendor_spec_path)
    return root


def place_locked_spec(root: Path, vendor_spec_path: Path) -> None:
    """Put the locked spec where the copy's lock says, whatever spec that is."""
    shared = root.parent / "shared" / "openapi"
    shared.mkdir(parents=True, exist_ok=True)
    shutil.copy(vendor_spec_path, shared / vendor_spec_path.name)
    lock_path = root / "openapi" / "spec.lock.json"
    lock = json.loads(lock_path.read_text())
    lock["default_path"] = f"../shared/openapi/{vendor_spec_path.name}"
    lock_path.write_text(json.dumps(lock, indent=2) + "\n")


def run_update(
    repo: Path, spec: Path, *extra: str, commit: str | None = COMMIT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(repo / "scripts" / "update_spec.py"),
            "--spec",
            str(spec),
            *(["--source-commit", commit] if commit else []),
            "--date",
            "2026-11-23",
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=repo,
    )


def report_of(repo: Path) -> str:
    return (repo / "reports" / "spec-change-report.md").read_text()


def plain(text: str, tmp_path: Path) -> None:
    """A report a reviewer can trust: no colour codes, no temporary paths."""
    assert "\x1b[" not in text
    assert str(tmp_path) not in text
    assert "/tmp/" not in text


@pytest.mark.e2e  # regenerates: minutes in all; make test-e2e
def test_update_spec_with_a_structural_change(
    repo: Path, tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    def changes(spec: dict[str, Any]) -> None:
        spec["components"]["schemas"][RESULT]["properties"]["riskScore"] = {
            "type": "integer",
            "nullable": True,
        }
        spec["components"]["schemas"]["Payments.Result"]["enum"].append("ManualReview")
        token = spec["components"]["schemas"]["PayTools_Api.Models.StringTokenOutputModel"]
        del token["properties"]["createTime"]

    new = write(tmp_path / "orchsol-next.json", variant(vendor_spec, changes))
    result = run_update(repo, new, "--no-tests")
    assert result.returncode == 0, result.stderr
    report = report_of(repo)
    plain(report, tmp_path)
    assert "### Payments.OperationResult (Python class `OperationResult`)" in report
    assert "property `riskScore` (`.risk_score`) added (optional, integer)" in report
    assert "enum value `ManualReview` added" in report
    assert "**breaking**: property `createTime` (`.create_time`) removed" in report
    python = report.split("## Python API")[1]
    assert "**breaking**: `StringToken.create_time`: attribute removed" in python
    assert "non-breaking: `OperationResult.risk_score`: optional attribute added" in python
    assert "non-breaking: `ResultCode.MANUAL_REVIEW`: enum member added" in python
    lock = json.loads((repo / "openapi" / "spec.lock.json").read_text())
    assert lock["file"] == "orchsol-next.json"
    # Given from elsewhere, the file is kept where the workflows keep vendor specs.
    assert lock["default_path"] == "../shared/openapi/orchsol-next.json"
    assert (tmp_path / "shared" / "openapi" / "orchsol-next.json").read_bytes() == new.read_bytes()
    assert lock["source"]["commit"] == COMMIT
    assert lock["locked_on"] == "2026-11-23"
    model = (repo / "generated" / "orchestra_api" / "models" / "operation_result.py").read_text()
    assert "risk_score" in model
    again = subprocess.run(
        [sys.executable, str(repo / "scripts" / "generate.py")],
        capture_output=True,
        text=True,
        cwd=repo,
    )
    assert again.returncode == 0, again.stderr


@pytest.mark.parametrize("commit", [None, "4d977c7", "unknown", "0" * 39 + "g"])
def test_update_spec_refuses_without_a_full_commit_sha(
    repo: Path, tmp_path: Path, vendor_spec: dict[str, Any], commit: str | None
) -> None:
    new = write(tmp_path / "next.json", variant(vendor_spec, bump_version))
    lock_before = (repo / "openapi" / "spec.lock.json").read_text()
    result = run_update(repo, new, "--no-tests", commit=commit)
    assert result.returncode == 1
    assert "full 40-hex-digit SHA" in result.stderr
    assert "add COMMIT=<sha> to the make command" in result.stderr
    assert (repo / "openapi" / "spec.lock.json").read_text() == lock_before


def assert_refused(repo: Path, result: subprocess.CompletedProcess[str], lock: str) -> None:
    assert result.returncode == 1
    assert "Nothing was changed." in result.stderr
    assert (repo / "openapi" / "spec.lock.json").read_text() == lock
    assert "**Refused: nothing was changed.**" in report_of(repo)


def test_a_renamed_schema_is_refused_listing_every_failing_patch_once(
    repo: Path, tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    new = write(tmp_path / "renamed.json", variant(vendor_spec, rename_result_schema))
    lock = (repo / "openapi" / "spec.lock.json").read_text()
    result = run_update(repo, new, "--no-tests")
    assert_refused(repo, result, lock)
    message = result.stderr
    assert "2 spec patches of openapi/patches.json no longer apply to renamed.json" in message
    for name in ("409-carries-operation-result", "202-carries-operation-result"):
        assert message.count(f"- patch {name!r}:") == 1
    assert "GatewayRefund (PUT /PaymentGateway/refund)" in message
    assert f"writes $ref #/components/schemas/{RESULT}, which the spec does not define" in message
    report = report_of(repo)
    plain(report, tmp_path)
    assert "- patch '409-carries-operation-result':" in report
    assert "**breaking**: schema removed" in report


@pytest.mark.e2e  # regenerates: minutes in all; make test-e2e
def test_fixing_the_patches_for_a_renamed_schema_lets_it_through(
    repo: Path, tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    new = write(tmp_path / "renamed.json", variant(vendor_spec, rename_result_schema))
    patches = repo / "openapi" / "patches.json"
    patches.write_text(patches.read_text().replace(RESULT, "Payments.OperationOutcome"))
    config = repo / "generator-config.yaml"
    config.write_text(
        config.read_text().replace("PaymentsOperationResult:", "PaymentsOperationOutcome:")
    )
    result = run_update(repo, new, "--no-tests")
    assert result.returncode == 0, result.stderr
    report = report_of(repo)
    assert "Refused" not in report
    assert "### Payments.OperationOutcome (Python class `OperationResult`)" in report
    assert "## Python API\n\nNo change to the Python API." in report


def test_a_removed_operation_is_refused_listing_every_failing_patch_once(
    repo: Path, tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    new = write(tmp_path / "removed.json", variant(vendor_spec, remove_token_delete))
    lock = (repo / "openapi" / "spec.lock.json").read_text()
    result = run_update(repo, new, "--no-tests")
    assert_refused(repo, result, lock)
    message = result.stderr
    for name in ("string-token-delete-operation-id", "string-token-pattern-anchored"):
        assert message.count(f"- patch {name!r}:") == 1
    assert "DELETE /StringTokens/{token} (not in the spec)" in message
    assert "removed.json" in message
    assert (
        "StringTokenDelete is listed in openapi/operations.yaml but the spec no longer has it"
        in (message)
    )
    assert "**breaking**: operation removed" in report_of(repo)


def test_update_spec_stops_on_an_unclassified_new_operation(
    repo: Path, tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    def payout(spec: dict[str, Any]) -> None:
        spec["paths"]["/PaymentGateway/payout"] = {
            "post": {
                "operationId": "GatewayPayout",
                "tags": ["PaymentGateway"],
                "responses": {"200": {"description": "OK"}, "409": {"description": "No"}},
            }
        }

    new = write(tmp_path / "payout.json", variant(vendor_spec, payout))
    lock = (repo / "openapi" / "spec.lock.json").read_text()
    result = run_update(repo, new, "--no-tests")
    assert_refused(repo, result, lock)
    assert "GatewayPayout (POST /PaymentGateway/payout) is new" in result.stderr
    assert "openapi/operations.yaml" in result.stderr
    assert "money = moves money" in result.stderr
    assert "safe = " in result.stderr
    assert "once = " in result.stderr


def test_update_spec_refuses_an_invalid_document(
    repo: Path, tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    spec = copy.deepcopy(vendor_spec)
    spec["paths"]["/PaymentGateway"]["get"]["responses"] = "nope"
    new = write(tmp_path / "invalid.json", spec)
    lock = (repo / "openapi" / "spec.lock.json").read_text()
    result = run_update(repo, new, "--no-tests")
    assert_refused(repo, result, lock)
    assert "invalid.json is not a valid OpenAPI document" in result.stderr


@pytest.mark.e2e  # regenerates: minutes in all; make test-e2e
@pytest.mark.parametrize(
    ("change", "spec_line", "python_line"),
    [
        (
            amount_as_string,
            "**breaking**: property `amount` type number (double) → string",
            "**breaking**: `ChargeRequest.amount`: type `float` → `str`",
        ),
        (
            add_required_field,
            "**breaking**: property `merchantCategory` (`.merchant_category`) added (required",
            "**breaking**: `ChargeRequest.merchant_category`: required constructor argument added",
        ),
    ],
    ids=["type-change", "new-required-field"],
)
def test_breaking_changes_are_reported_in_both_sections_and_can_fail_the_run(
    repo: Path,
    tmp_path: Path,
    vendor_spec: dict[str, Any],
    change: Variant,
    spec_line: str,
    python_line: str,
) -> None:
    new = write(tmp_path / "next.json", variant(vendor_spec, change))
    lock = (repo / "openapi" / "spec.lock.json").read_text()
    generated = (repo / "generated" / "orchestra_api" / "models" / "charge_request.py").read_text()
    gated = run_update(repo, new, "--no-tests", "--fail-on-breaking")
    assert_refused(repo, gated, lock)
    assert "--fail-on-breaking" in gated.stderr
    report = report_of(repo)
    plain(report, tmp_path)
    spec_part, python_part = report.split("## Python API")
    assert spec_line in spec_part
    assert python_line in python_part
    assert "### PayTools_Api.Models.AuthRequestModel (Python class `ChargeRequest`)" in spec_part
    assert (repo / "generated" / "orchestra_api" / "models" / "charge_request.py").read_text() == (
        generated
    )
    taken = run_update(repo, new, "--no-tests")
    assert taken.returncode == 0, taken.stderr
    assert python_line in report_of(repo)


# --- what the workflows rely on ---------------------------------------------------------------


def test_spec_status_tells_the_workflow_whether_the_spec_changed(
    tmp_path: Path, vendor_spec_path: Path
) -> None:
    out = tmp_path / "github_output"
    script = str(ROOT / "scripts" / "spec_status.py")

    def status(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, script, str(path)],
            capture_output=True,
            text=True,
            env={"GITHUB_OUTPUT": str(out)},
            check=True,
        )

    assert status(vendor_spec_path).stdout.strip() == "unchanged"
    assert "changed=false" in out.read_text()
    other = tmp_path / "other.json"
    other.write_bytes(vendor_spec_path.read_bytes() + b"\n")
    digest = hashlib.sha256(other.read_bytes()).hexdigest()
    assert status(other).stdout.strip() == f"changed {digest}"
    assert out.read_text().splitlines()[-2:] == ["changed=true", f"sha256={digest}"]
    commit = subprocess.run(
        [sys.executable, script, "--lock", "source.commit"], capture_output=True, text=True
    )
    assert re.fullmatch(r"[0-9a-f]{40}\n", commit.stdout)


def _workflow(name: str) -> dict[str, Any]:
    import yaml

    data: dict[str, Any] = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    return data


@pytest.mark.parametrize("name", ["ci.yml", "regenerate.yml"])
def test_workflows_pin_actions_by_sha_and_grant_least_privilege(name: str) -> None:
    text = (ROOT / ".github" / "workflows" / name).read_text()
    uses = re.findall(r"uses: (\S+)(.*)", text)
    assert uses
    for ref, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), ref
        assert re.fullmatch(r" # v\d+(\.\d+)*", comment), comment
    workflow = _workflow(name)
    assert workflow["permissions"] == {}
    for job in workflow["jobs"].values():
        assert job["permissions"] == {"contents": "read"}
        checkout = job["steps"][0]
        assert checkout["with"]["persist-credentials"] is False
    assert "spec_status.py --lock" in text
    assert "sha256sum --check" in text


def test_the_regenerate_workflow_publishes_the_report_and_opens_a_pr_that_runs_ci() -> None:
    steps = _workflow("regenerate.yml")["jobs"]["regenerate"]["steps"]
    text = json.dumps(steps)
    assert "scripts/spec_status.py" in text
    update = next(s for s in steps if "make update-spec" in str(s.get("run", "")))
    assert 'COMMIT="${NEW_COMMIT}"' in update["run"]
    assert "${{" not in update["run"]
    published = [s for s in steps if "reports/spec-change-report.md" in json.dumps(s)]
    summary = next(s for s in published if "GITHUB_STEP_SUMMARY" in str(s.get("run", "")))
    artifact = next(s for s in published if "upload-artifact" in str(s.get("uses", "")))
    for step in (summary, artifact):
        assert str(step["if"]).startswith("always()")
    pr = next(s for s in steps if "create-pull-request" in str(s.get("uses", "")))
    assert pr["with"]["token"] == "${{ secrets.SPEC_PR_TOKEN }}"
    assert pr["with"]["body-path"] == "reports/spec-change-report.md"
    assert pr["if"] == "steps.update.outcome == 'success'"
    assert "${{ steps.update.outputs.version }}" in pr["with"]["title"]
    assert {"pyproject.toml", "CHANGELOG.md"} <= set(pr["with"]["add-paths"].split())
    ci = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    assert "bash .ci/run" in ci


# --- the Python API section on two small trees -------------------------------------------------


def python_tree(root: Path, models: str, endpoint: str, facade: str) -> Path:
    package = root / "generated" / "orchestra_api"
    (package / "models").mkdir(parents=True)
    (package / "api" / "pay").mkdir(parents=True)
    for init in (package, package / "models", package / "api", package / "api" / "pay"):
        (init / "__init__.py").write_text("")
    (package / "models" / "things.py").write_text(models)
    (package / "api" / "pay" / "do_it.py").write_text(endpoint)
    (root / "overlays" / "orchestra_payments").mkdir(parents=True)
    (root / "overlays" / "orchestra_payments" / "_generated_facade.py").write_text(facade)
    return root


OLD_MODELS = """
from enum import StrEnum
from attrs import define
class Color(StrEnum):
    RED = "Red"
    BLUE = "Blue"
@define
class Thing:
    amount: float
    note: str | None = None
class Gone:
    pass
"""
NEW_MODELS = """
from enum import StrEnum
from attrs import define
class Color(StrEnum):
    RED = "Red"
    GREEN = "Green"
@define
class Thing:
    amount: str
    category: str
    note: str | None = None
"""


def test_the_python_api_section_names_every_change_by_python_name(tmp_path: Path) -> None:
    from pyapi import api_changes, to_markdown

    old = python_tree(
        tmp_path / "old",
        OLD_MODELS,
        "def sync_detailed(*, client: object, body: object) -> None: ...\n",
        "class Pay:\n    def do_it(self, body: object) -> None: ...\n"
        "    def old_way(self) -> None: ...\n",
    )
    new = python_tree(
        tmp_path / "new",
        NEW_MODELS,
        "def sync_detailed(*, client: object, body: object, x_id: str | None = None) -> None:\n"
        "    pass\n",
        "class Pay:\n    def do_it(self, body: object, amount: int) -> None: ...\n"
        "    def new_way(self) -> None: ...\n",
    )
    text = to_markdown(api_changes(old, new))
    for line in (
        "- **breaking**: `Color.BLUE`: enum member removed",
        "- non-breaking: `Color.GREEN`: enum member added ('Green')",
        "- **breaking**: `Gone`: class removed",
        "- **breaking**: `Thing.amount`: type `float` → `str`",
        "- **breaking**: `Thing.category`: required constructor argument added (`str`)",
        "- non-breaking: `pay.do_it`: optional parameter `x_id` added",
        "- **breaking**: `Pay.do_it`: required parameter `amount` added",
        "- **breaking**: `Pay.old_way`: facade method removed",
        "- non-breaking: `Pay.new_way`: facade method added",
    ):
        assert line in text
    assert "**6 breaking, 3 non-breaking changes**" in text
    assert "note" not in text
    assert to_markdown(api_changes(old, old)).endswith("No change to the Python API.\n")


OWN_MODELS = """
from attrs import define
@define
class Thing:
    amount: float
    tags: list[str] | None = None
"""
OWN_ENDPOINT = (
    "def sync_detailed(*, client: object, ref: str | None = None) -> Response[Thing]: ...\n"
)
OWN_FACADE = """
class Pay:
    def charge(self, body: Thing, *, ref: str | None = None) -> Thing: ...
    def void(self, id: str) -> Thing: ...
    def lookup(self, account: str, id: str, page: int = 1) -> Thing: ...
"""


def _removed_void(f: str) -> str:
    return f.replace("    def void(self, id: str) -> Thing: ...\n", "")


@pytest.mark.parametrize(
    ("models", "endpoint", "facade", "expected"),
    [
        pytest.param(
            OWN_MODELS,
            OWN_ENDPOINT,
            _removed_void(OWN_FACADE),
            ["- **breaking**: `Pay.void`: facade method removed"],
            id="removed-method",
        ),
        pytest.param(
            OWN_MODELS,
            OWN_ENDPOINT.replace("ref: str | None = None", "ref: str"),
            OWN_FACADE,
            [
                "- **breaking**: `pay.do_it`: parameter `ref` became required",
                "- **breaking**: `pay.do_it`: parameter `ref` type `str | None` → `str`",
            ],
            id="parameter-made-required",
        ),
        pytest.param(
            OWN_MODELS,
            OWN_ENDPOINT,
            OWN_FACADE.replace("-> Thing: ...\n    def void", "-> Other: ...\n    def void"),
            ["- **breaking**: `Pay.charge`: return type `Thing` → `Other`"],
            id="return-type-changed",
        ),
        pytest.param(
            OWN_MODELS,
            OWN_ENDPOINT.replace("Response[Thing]", "Response[Thing | Other]"),
            OWN_FACADE,
            [
                "- non-breaking: `pay.do_it`: return type `Response[Thing]` → "
                "`Response[Thing | Other]`"
            ],
            id="return-type-gains-a-member",
        ),
        pytest.param(
            OWN_MODELS,
            OWN_ENDPOINT.replace("Response[Thing]", "Response[Thing | None]"),
            OWN_FACADE,
            [
                "- **breaking**: `pay.do_it`: return type `Response[Thing]` → "
                "`Response[Thing | None]`"
            ],
            id="return-type-gains-none",
        ),
        pytest.param(
            OWN_MODELS.replace("    tags: list[str] | None = None\n", ""),
            OWN_ENDPOINT,
            OWN_FACADE,
            ["- **breaking**: `Thing.tags`: attribute removed"],
            id="removed-model-field",
        ),
        pytest.param(
            OWN_MODELS,
            OWN_ENDPOINT,
            OWN_FACADE.replace("page: int = 1", "page: int = 2"),
            ["- **breaking**: `Pay.lookup`: parameter `page` default `1` → `2`"],
            id="default-changed",
        ),
        pytest.param(
            OWN_MODELS,
            OWN_ENDPOINT,
            OWN_FACADE.replace("account: str, id: str", "id: str, account: str"),
            [
                "- **breaking**: `Pay.lookup`: parameter `account` moved from position 1 to "
                "position 2",
                "- **breaking**: `Pay.lookup`: parameter `id` moved from position 2 to position 1",
            ],
            id="positional-parameters-swapped",
        ),
        pytest.param(
            OWN_MODELS,
            OWN_ENDPOINT,
            OWN_FACADE.replace("account: str, id: str", "account: str, *, id: str"),
            [
                "- **breaking**: `Pay.lookup`: parameter `id` moved from position 2 to "
                "keyword-only",
                "- **breaking**: `Pay.lookup`: parameter `page` moved from position 3 to "
                "keyword-only",
            ],
            id="made-keyword-only",
        ),
    ],
)
def test_the_python_api_section_names_each_kind_of_change(
    tmp_path: Path, models: str, endpoint: str, facade: str, expected: list[str]
) -> None:
    from pyapi import api_changes, to_markdown

    old = python_tree(tmp_path / "old", OWN_MODELS, OWN_ENDPOINT, OWN_FACADE)
    new = python_tree(tmp_path / "new", models, endpoint, facade)
    text = to_markdown(api_changes(old, new))
    assert sorted(line for line in text.splitlines() if line.startswith("- ")) == sorted(expected)


def test_make_spec_diff_fails_on_a_breaking_change(
    tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    old = write(tmp_path / "old.json", vendor_spec)
    same = write(tmp_path / "reworded.json", reworded(vendor_spec))
    changed = variant(vendor_spec, add_required_field)
    breaking = write(tmp_path / "breaking.json", changed)
    (tmp_path / "bad.json").write_text("[")

    def make(new: Path) -> subprocess.CompletedProcess[str]:
        # STAMP= skips the install step: the tools are those of the running interpreter.
        return subprocess.run(
            [
                "make",
                "--no-print-directory",
                "spec-diff",
                "STAMP=",
                f"BIN={Path(sys.executable).parent}",
                f"OLD={old}",
                f"NEW={new}",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )

    assert make(same).returncode == 0
    failed = make(breaking)
    assert failed.returncode != 0
    assert "[Makefile" in failed.stderr and "Error 1" in failed.stderr
    assert "**breaking**: property `merchantCategory`" in failed.stdout
    unreadable = make(tmp_path / "bad.json")
    assert unreadable.returncode != 0
    assert "Error 2" in unreadable.stderr


# --- malformed and unsupported specs: a short refusal and a report, never a traceback ----------


def tree_state(root: Path) -> dict[str, str]:
    """Every file of the copy but the report, by content."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and "reports" not in p.parts
    }


def make_in(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`make` in a copy, with this run's tools (STAMP= skips the install step)."""
    return subprocess.run(
        ["make", "--no-print-directory", *args, "STAMP=", f"BIN={Path(sys.executable).parent}"],
        capture_output=True,
        text=True,
        cwd=root,
    )


def truncated(spec: dict[str, Any]) -> str:
    text = json.dumps(spec, indent=2)
    return text[: len(text) // 2]


def not_openapi(spec: dict[str, Any]) -> str:
    return json.dumps({"components": spec["components"], "info": spec["info"]})


def dangling_ref(spec: dict[str, Any]) -> str:
    changed = copy.deepcopy(spec)
    charge = changed["paths"]["/PaymentGateway/charge"]["post"]
    charge["responses"]["200"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/Payments.Gone"
    }
    return json.dumps(changed)


def inline_answer(spec: dict[str, Any]) -> str:
    changed = copy.deepcopy(spec)
    charge = changed["paths"]["/PaymentGateway/charge"]["post"]
    charge["responses"]["200"]["content"]["application/json"]["schema"] = {
        "type": "object",
        "properties": {"ok": {"type": "boolean"}},
    }
    return json.dumps(changed)


def xml_body(spec: dict[str, Any]) -> str:
    changed = copy.deepcopy(spec)
    body = changed["paths"]["/PaymentGateway/refund"]["put"]["requestBody"]
    body["content"] = {"application/xml": body["content"]["application/json"]}
    return json.dumps(changed)


MALFORMED = [
    ("invalid-json", truncated, "bad.json is not valid JSON: "),
    ("not-openapi", not_openapi, "bad.json is not an OpenAPI 3 document (no `openapi` field"),
    (
        "dangling-ref",
        dangling_ref,
        "bad.json has 1 $ref that points to nothing in the document: "
        "#/components/schemas/Payments.Gone (in GatewayCharge (POST /PaymentGateway/charge)",
    ),
    (
        "inline-answer",
        inline_answer,
        "GatewayCharge (POST /PaymentGateway/charge): a 200 answer that is neither a named "
        "schema nor an array of one: a shape the generated facade does not support",
    ),
    (
        "xml-request-body",
        xml_body,
        "operation GatewayRefund (PUT /PaymentGateway/refund): Unsupported content type "
        "application/xml",
    ),
]


@pytest.mark.parametrize(("kind", "build", "reason"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_or_unsupported_spec_is_refused_briefly_and_changes_nothing(
    repo: Path,
    tmp_path: Path,
    vendor_spec: dict[str, Any],
    kind: str,
    build: Callable[[dict[str, Any]], str],
    reason: str,
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(build(vendor_spec))
    before = tree_state(repo)
    result = make_in(repo, "update-spec", f"SPEC={bad}", f"COMMIT={COMMIT}", "NO_TESTS=1")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert reason in result.stderr, result.stderr
    assert "Nothing was changed." in result.stderr
    assert len(result.stderr) < 1500, f"{len(result.stderr)} characters on stderr"
    assert tree_state(repo) == before
    assert not (tmp_path / "shared" / "openapi" / "bad.json").exists()
    report = report_of(repo)
    assert "**Refused: nothing was changed.**" in report
    assert reason in report
    plain(report, tmp_path)


@pytest.mark.parametrize("kind", ["invalid-json", "not-openapi", "dangling-ref"])
def test_spec_diff_calls_an_unreadable_spec_unreadable(
    tmp_path: Path, vendor_spec: dict[str, Any], kind: str
) -> None:
    build = next(m[1] for m in MALFORMED if m[0] == kind)
    old = write(tmp_path / "old.json", vendor_spec)
    bad = tmp_path / "bad.json"
    bad.write_text(build(vendor_spec))
    result = make_in(ROOT, "spec-diff", f"OLD={old}", f"NEW={bad}")
    assert "Error 2" in result.stderr
    assert "spec-diff: unreadable: bad.json " in result.stderr
    assert "Traceback" not in result.stderr
    assert "# Spec change report" not in result.stdout


def test_another_file_of_the_same_name_in_shared_is_refused(
    repo: Path, tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    kept = tmp_path / "shared" / "openapi" / "next.json"
    kept.write_text("{}")
    new = write(tmp_path / "next.json", variant(vendor_spec, bump_version))
    lock = (repo / "openapi" / "spec.lock.json").read_text()
    result = run_update(repo, new, "--no-tests")
    assert_refused(repo, result, lock)
    assert "../shared/openapi/next.json exists and differs from" in result.stderr
    assert "make update-spec" not in result.stderr
    assert kept.read_text() == "{}"


def test_generate_reads_no_spec_from_the_environment(tmp_path: Path) -> None:
    """make exports SPEC to its recipes: a test's own generate run must not pick it up."""
    env = {**os.environ, "SPEC": str(tmp_path / "the-maintainers-file.json")}
    result = subprocess.run(
        [*GENERATE_CMD, "--output-root", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "generated" / "orchestra_api" / "client.py").is_file()


# --- the report understands the spec language ----------------------------------------------


def as_openapi_31(spec: dict[str, Any]) -> dict[str, Any]:
    """The same API in OpenAPI 3.1 syntax: type arrays with "null", anyOf for a nullable $ref."""

    def convert(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: convert(v) for k, v in node.items()}
            if out.pop("nullable", False):
                if "$ref" in out:
                    ref = out.pop("$ref")
                    out["anyOf"] = [{"$ref": ref}, {"type": "null"}]
                elif "type" in out:
                    out["type"] = [out["type"], "null"]
            return out
        if isinstance(node, list):
            return [convert(item) for item in node]
        return node

    converted: dict[str, Any] = convert(spec)
    converted["openapi"] = "3.1.0"
    return converted


def test_the_same_api_in_openapi_31_syntax_is_no_structural_change(
    vendor_spec: dict[str, Any],
) -> None:
    new = as_openapi_31(vendor_spec)
    assert '"null"' in json.dumps(new)
    report = diff(vendor_spec, new)
    assert report.breaking == []
    assert [c.text.split(" (")[0] for c in report.changes] == [
        f"OpenAPI version {vendor_spec['openapi']} → 3.1.0"
    ]


def test_a_31_type_array_change_is_read_as_nullable(vendor_spec: dict[str, Any]) -> None:
    new = as_openapi_31(vendor_spec)
    props = new["components"]["schemas"][RESULT]["properties"]
    props["operationResultDescription"]["type"] = "string"  # no longer ["string", "null"]
    props["amount"]["type"] = ["number", "null"]
    texts = {c.text for c in diff(vendor_spec, new).changes}
    assert "property `amount` became nullable" in texts
    assert "property `operationResultDescription` (`.operation_result_description`) became " in (
        "\n".join(texts)
    ) or any("operationResultDescription" in t and "non-nullable" in t for t in texts)


def test_compositions_are_merged_or_named_never_any() -> None:
    def wrap_in_all_of(s: dict[str, Any]) -> None:
        # allOf of one $ref with a description beside it: the same thing as the $ref.
        _schema(s, "Req")["properties"]["kind"] = {
            "allOf": [{"$ref": S + "Kind"}],
            "description": "the kind",
        }

    assert diff(base(), mutate(wrap_in_all_of)).changes == []

    def split_in_two(s: dict[str, Any]) -> None:
        # Res written as allOf of two pieces with the same properties: no change.
        res = _schema(s, "Res")
        s["components"]["schemas"]["ResCode"] = {
            "type": "object",
            "properties": {"code": res["properties"]["code"]},
        }
        s["components"]["schemas"]["Res"] = {
            "allOf": [
                {"$ref": S + "ResCode"},
                {
                    "type": "object",
                    "properties": {k: v for k, v in res["properties"].items() if k != "code"},
                },
            ]
        }

    split = diff(base(), mutate(split_in_two))
    assert [c.text for c in split.changes if c.subject == "Res"] == []

    def one_of(s: dict[str, Any]) -> None:
        _schema(s, "Res")["properties"]["status"] = {
            "oneOf": [{"$ref": S + "Status"}, {"$ref": S + "Kind"}]
        }

    texts = [c.text for c in diff(base(), mutate(one_of)).changes]
    assert "property `status` type Status → one of Status | Kind" in texts
    assert not any("any" in t.split("→")[-1] for t in texts)


def rename_account_name(spec: dict[str, Any]) -> None:
    paths = spec["paths"]
    item = paths.pop("/PaymentGatewayAccounts/{name}")
    for op in item.values():
        for param in op.get("parameters", []):
            if param["in"] == "path" and param["name"] == "name":
                param["name"] = "accountName"
    paths["/PaymentGatewayAccounts/{accountName}"] = item


def test_a_renamed_path_parameter_is_one_rename(vendor_spec: dict[str, Any]) -> None:
    new = variant(vendor_spec, rename_account_name)
    report = diff(
        vendor_spec, new, facade_names={"PaymentGatewayAccountSet": "gateway_accounts.set"}
    )
    assert len(report.changes) == 1, [c.text for c in report.changes]
    change = report.changes[0]
    assert change.breaking
    assert (
        change.subject == "/PaymentGatewayAccounts/{name} → /PaymentGatewayAccounts/{accountName}"
    )
    assert "`name` renamed `accountName` (Python argument `name` → `account_name`)" in change.text
    assert "DELETE (PaymentGatewayAccountDelete), GET (PaymentGatewayAccountRetrieve), PUT " in (
        change.text
    )


def test_a_deprecated_operation_and_property_are_reported(vendor_spec: dict[str, Any]) -> None:
    def deprecate(spec: dict[str, Any]) -> None:
        spec["paths"]["/PaymentGateway/void"]["delete"]["deprecated"] = True
        spec["components"]["schemas"][RESULT]["properties"]["amount"]["deprecated"] = True

    report = diff(
        vendor_spec,
        variant(vendor_spec, deprecate),
        facade_names={"GatewayVoid": "payment_gateway.void"},
    )
    texts = {(c.subject, c.text, c.breaking) for c in report.changes}
    assert (
        "DELETE /PaymentGateway/void (GatewayVoid, `payment_gateway.void`)",
        "operation deprecated by the vendor (`payment_gateway.void` now warns with "
        "DeprecationWarning)",
        False,
    ) in texts
    assert (RESULT, "property `amount` deprecated", False) in texts


def test_a_deprecated_operation_warns_and_says_so_in_its_docstring(
    tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    """The facade generated from a spec that deprecates void, used as a caller would."""
    spec = copy.deepcopy(vendor_spec)
    spec["paths"]["/PaymentGateway/void"]["delete"]["deprecated"] = True
    path = write(tmp_path / "deprecated.json", spec)
    out = tmp_path / "out"
    generated = subprocess.run(
        [*GENERATE_CMD, "--spec", str(path), "--unlocked", "--output-root", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert generated.returncode == 0, generated.stderr
    overlay = tmp_path / "overlays" / "orchestra_payments"
    shutil.copytree(ROOT / "overlays" / "orchestra_payments", overlay)
    shutil.copy(out / "overlays" / "orchestra_payments" / "_generated_facade.py", overlay)
    script = (
        "import warnings, httpx\n"
        "from orchestra_payments import Orchestra\n"
        "answer = {'operationType': 'Void', 'operationResultCode': 'Success'}\n"
        "mock = httpx.MockTransport(lambda request: httpx.Response(200, json=answer))\n"
        "client = Orchestra(api_key='sk_test_x', base_url='http://127.0.0.1:9', transport=mock)\n"
        "card = {'cardHolderName': 'J D', 'cardNumber': '@tok', 'expirationYear': 2030,"
        " 'expirationMonth': 12}\n"
        "body = {'paymentGatewayAccountName': 'nullok', 'refTransId': 'abc', 'amount': 5,"
        " 'currency': 'USD', 'card': card}\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    result = client.payment_gateway.void(body)\n"
        "    client.payment_gateway.charge\n"
        "print(result.operation_result_code.value)\n"
        "print([(w.category.__name__, str(w.message)) for w in caught])\n"
        "print('Deprecated:' in client.payment_gateway.void.__doc__)\n"
        "print('Deprecated' in (client.payment_gateway.capture.__doc__ or ''))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(out / "generated"), str(tmp_path / "overlays")]),
    }
    ran = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    lines = ran.stdout.splitlines()
    assert lines[0] == "Success"
    assert lines[1] == str(
        [
            (
                "DeprecationWarning",
                "payment_gateway.void (GatewayVoid) is deprecated by the Orchestra API",
            )
        ]
    )
    assert lines[2:] == ["True", "False"]


# --- a money operation never loses its facts silently --------------------------------------


def rename_void(spec: dict[str, Any]) -> None:
    spec["paths"]["/PaymentGateway/void"]["delete"]["operationId"] = "GatewayCancel"


def test_a_renamed_money_operation_is_refused_until_every_use_follows(
    repo: Path, tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    new = write(tmp_path / "renamed-void.json", variant(vendor_spec, rename_void))
    lock = (repo / "openapi" / "spec.lock.json").read_text()
    before = tree_state(repo)
    result = run_update(repo, new, "--no-tests")
    assert_refused(repo, result, lock)
    assert tree_state(repo) == before
    message = result.stderr
    assert "operationId `GatewayVoid` is gone from the new spec (new: `GatewayCancel`)" in message
    table_line = next(
        n
        for n, line in enumerate((repo / "openapi" / "operations.yaml").read_text().splitlines(), 1)
        if line.startswith("GatewayVoid:")
    )
    for use in (
        f"openapi/operations.yaml:{table_line}: GatewayVoid: {{facade: payment_gateway.void, "
        "retry: money, reported_as: Void, found_by: refTransId}",
        "sandbox/orchestra_sandbox/_app.py:",
        "scripts/hostile.py:",
    ):
        assert use in message, use
    assert "_generated_facade.py" not in message
    assert "`GatewayVoid`, " in report_of(repo)
    # Every use follows the rename: the spec is taken.
    for folder in ("openapi", "overlays", "sandbox", "scripts"):
        for path in (repo / folder).rglob("*"):
            if (
                path.is_file()
                and path.suffix in (".py", ".yaml")
                and "_generated_" not in path.name
            ):
                text = path.read_text()
                if "GatewayVoid" in text:
                    path.write_text(text.replace("GatewayVoid", "GatewayCancel"))
    taken = run_update(repo, new, "--no-tests")
    assert taken.returncode == 0, taken.stderr
    assert (
        "OP_GATEWAY_CANCEL"
        in (repo / "overlays" / "orchestra_payments" / "_generated_facade.py").read_text()
    )


@pytest.mark.e2e  # regenerates: minutes in all; make test-e2e
def test_a_servers_change_waits_for_the_hand_written_default_base_url(
    repo: Path, tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    def move(spec: dict[str, Any]) -> None:
        spec["servers"] = [{"url": "https://api2.orchestrasolutions.com"}]

    new = write(tmp_path / "moved.json", variant(vendor_spec, move))
    lock = (repo / "openapi" / "spec.lock.json").read_text()
    result = run_update(repo, new, "--no-tests")
    assert_refused(repo, result, lock)
    assert (
        "the spec's servers changed (https://api.orchestrasolutions.com → "
        "https://api2.orchestrasolutions.com)" in result.stderr
    )
    assert (
        "overlays/orchestra_payments/_client.py has DEFAULT_BASE_URL = "
        '"https://api.orchestrasolutions.com"' in result.stderr
    )
    assert "make update-spec" not in result.stderr
    constants = repo / "overlays" / "orchestra_payments" / "_client.py"
    constants.write_text(
        constants.read_text().replace(
            "https://api.orchestrasolutions.com", "https://api2.orchestrasolutions.com"
        )
    )
    taken = run_update(repo, new, "--no-tests")
    assert taken.returncode == 0, taken.stderr
    assert "**breaking**: servers" in report_of(repo)


# --- versions and the changelog ------------------------------------------------------------


def version_of(repo: Path) -> str:
    import tomllib

    version: str = tomllib.loads((repo / "pyproject.toml").read_text())["project"]["version"]
    return version


def set_version(repo: Path, version: str) -> None:
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(
        re.sub(
            r'^version = ".*"$',
            f'version = "{version}"',
            pyproject.read_text(),
            count=1,
            flags=re.M,
        )
    )


@pytest.mark.e2e  # regenerates: minutes in all; make test-e2e
@pytest.mark.parametrize(
    ("change", "start", "proposed", "entry_lines"),
    [
        (
            "description-only",
            "0.1.0",
            "0.1.1",
            ["### Changed", "- No change to the Python API; {n} description(s) reworded."],
        ),
        (
            "additive",
            "0.1.0",
            "0.2.0",
            [
                "### Added",
                "- `orchestra_api.models.OperationResult.risk_score`: optional attribute added "
                "(`int | None`).",
            ],
        ),
        (
            "breaking",
            "0.1.0",
            "0.2.0",
            [
                "### Breaking: what to change in your code",
                "- `orchestra_api.models.ChargeRequest.amount`: type `float` → `str`: pass and "
                "expect the new type.",
            ],
        ),
        (
            "breaking",
            "1.4.2",
            "2.0.0",
            [
                "- `client.payment_gateway.charge`: "
                if False
                else "### Breaking: what to change in your code"
            ],
        ),
    ],
    ids=["description-only", "additive", "breaking-0.x", "breaking-1.x"],
)
def test_update_spec_proposes_the_version_and_writes_the_changelog(
    repo: Path,
    tmp_path: Path,
    vendor_spec: dict[str, Any],
    change: str,
    start: str,
    proposed: str,
    entry_lines: list[str],
) -> None:
    def risk_score(spec: dict[str, Any]) -> None:
        spec["components"]["schemas"][RESULT]["properties"]["riskScore"] = {
            "type": "integer",
            "nullable": True,
        }

    def reword(spec: dict[str, Any]) -> None:
        spec.update(reworded(spec))

    build = {"description-only": reword, "additive": risk_score, "breaking": amount_as_string}
    new = write(tmp_path / "next.json", variant(vendor_spec, build[change]))
    set_version(repo, start)
    changelog_before = (repo / "CHANGELOG.md").read_text()
    out = tmp_path / "github_output"
    result = subprocess.run(
        [
            sys.executable,
            str(repo / "scripts" / "update_spec.py"),
            "--spec",
            str(new),
            "--source-commit",
            COMMIT,
            "--date",
            "2026-11-23",
            "--no-tests",
        ],
        capture_output=True,
        text=True,
        cwd=repo,
        env={**os.environ, "GITHUB_OUTPUT": str(out)},
    )
    assert result.returncode == 0, result.stderr
    assert version_of(repo) == proposed
    assert f"version={proposed}" in out.read_text().splitlines()
    changelog = (repo / "CHANGELOG.md").read_text()
    entry = changelog[changelog.index(f"## [{proposed}] - 2026-11-23") :]
    entry = entry[: entry.index("\n## [", 1)]
    assert "`next.json` (commit 0123456789ab)" in entry
    descriptions = len(vendor_spec.get("tags", [])) + 1  # what reworded() changes
    for line in entry_lines:
        assert line.format(n=descriptions) in entry.splitlines(), entry
    # Below the Unreleased section, above the last release; nothing else touched.
    assert changelog.index("## [Unreleased]") < changelog.index(f"## [{proposed}]")
    assert changelog.replace(entry + "\n", "", 1) == changelog_before
    report = report_of(repo)
    assert f"**Proposed release: {proposed}**" in report
    assert report.rstrip().endswith("## Tests\n\nnot run (--no-tests)")


def test_the_version_rules() -> None:
    from pyapi import ApiChange
    from release import propose
    from specdiff import Change, Report

    nothing = Report()
    reworded_only = Report(descriptions=2)
    additive = Report(changes=[Change("Schemas", "X", False, "property added")])
    breaking = Report(changes=[Change("Schemas", "X", True, "property removed")])
    api_breaking = [ApiChange("models", "X.y", True, "attribute removed")]
    assert propose("0.3.4", nothing, []).version == "0.3.5"
    assert propose("0.3.4", reworded_only, []).version == "0.3.5"
    assert propose("0.3.4", additive, []).version == "0.4.0"
    assert propose("0.3.4", breaking, []).version == "0.4.0"
    assert propose("0.3.4", nothing, api_breaking).version == "0.4.0"
    assert propose("1.3.4", additive, []).version == "1.4.0"
    assert propose("1.3.4", nothing, api_breaking).bump == "major"
    assert propose("1.3.4", nothing, api_breaking).version == "2.0.0"


def test_the_release_workflow_checks_builds_and_publishes_with_trusted_publishing() -> None:
    text = (ROOT / ".github" / "workflows" / "release.yml").read_text()
    for ref, comment in re.findall(r"uses: (\S+)(.*)", text):
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), ref
        assert re.fullmatch(r" # v\d+(\.\d+)*", comment), comment
    workflow = _workflow("release.yml")
    keys: dict[Any, Any] = workflow
    assert keys.get("on", keys.get(True)) == {"push": {"tags": ["v*"]}}  # YAML 1.1: `on` is True
    assert workflow["permissions"] == {}
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    assert build["permissions"] == {"contents": "read"}
    assert build["steps"][0]["with"]["persist-credentials"] is False
    runs = "\n".join(str(step.get("run", "")) for step in build["steps"])
    assert "bash .ci/run" in runs  # the checks, make package and twine check
    assert "scripts/release.py version" in runs and '"v${version}"' in runs
    assert "sha256sum --check" in runs
    assert publish["needs"] == "build"
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {
        "contents": "read",
        "id-token": "write",
        "attestations": "write",
    }
    uses = [str(step.get("uses", "")) for step in publish["steps"]]
    assert any(u.startswith("actions/attest-build-provenance@") for u in uses)
    pypi = next(s for s in publish["steps"] if "gh-action-pypi-publish" in str(s.get("uses")))
    assert pypi["with"] == {"attestations": True}  # trusted publishing: no token, no password
    assert "secrets." not in text
    ci = (ROOT / ".ci" / "run").read_text()
    assert "package" in ci and "test-e2e" in ci


def test_release_py_prints_the_version_the_tag_must_match() -> None:
    import tomllib

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "release.py"), "version"],
        capture_output=True,
        text=True,
        check=True,
    )
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert result.stdout == pyproject["project"]["version"] + "\n"


@pytest.mark.e2e  # regenerates: minutes in all; make test-e2e
def test_update_spec_takes_the_same_api_in_openapi_31_as_a_patch(
    repo: Path, tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    new = write(tmp_path / "v31.json", as_openapi_31(vendor_spec))
    major, minor, patch = version_of(repo).split(".")
    result = run_update(repo, new, "--no-tests")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = report_of(repo)
    assert "**0 breaking, 1 non-breaking change**" in report
    assert f"OpenAPI version {vendor_spec['openapi']} → 3.1.0" in report
    assert "## Python API\n\nNo change to the Python API." in report
    assert version_of(repo) == f"{major}.{minor}.{int(patch) + 1}"


@pytest.mark.e2e  # regenerates: minutes in all; make test-e2e
def test_a_patch_the_vendor_made_redundant_is_named_to_drop(
    repo: Path, tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    def declare_202_bodies(spec: dict[str, Any]) -> None:
        body = {"application/json": {"schema": {"$ref": f"#/components/schemas/{RESULT}"}}}
        for path, item in spec["paths"].items():
            if path.startswith("/PaymentGateway/"):
                for op in item.values():
                    if "202" in op["responses"]:
                        op["responses"]["202"]["content"] = copy.deepcopy(body)

    new = write(tmp_path / "next.json", variant(vendor_spec, declare_202_bodies))
    result = run_update(repo, new, "--no-tests")
    assert result.returncode == 0, result.stderr
    report = report_of(repo)
    patches = report.split("## Spec patches", 1)[1].split("\n## ", 1)[0]
    assert (
        "- `202-carries-operation-result` changes nothing in the new spec: the vendor made the "
        "same fix; drop it from openapi/patches.json"
    ) in patches
    assert patches.count("drop it") == 1
    vendor = report.split("## The vendor's own changes", 1)[1].split("\n## ", 1)[0]
    assert "#### PUT /PaymentGateway/refund (GatewayRefund, `payment_gateway.refund`)" in vendor
    assert "- non-breaking: response 202: body Payments.OperationResult added" in vendor
    # As the client sees it (patched), nothing changed.
    assert report.splitlines()[2] == "**No structural change.** 0 descriptions changed."
    assert "## Python API\n\nNo change to the Python API." in report


def test_the_changelog_entry_tells_users_what_to_change() -> None:
    from pyapi import ApiChange
    from release import changelog_entry, propose
    from specdiff import Change, Report

    spec = Report(
        changes=[
            Change("Schemas", "Req", True, "property `amount` type number → string"),
            Change(
                "Operations",
                "DELETE /void (GatewayVoid, `payment_gateway.void`)",
                False,
                "operation deprecated by the vendor",
            ),
        ]
    )
    api = [
        ApiChange("models", "ChargeRequest.amount", True, "type `float` → `str`"),
        ApiChange("facade", "PaymentGateway.refund", True, "required parameter `reason` added"),
        ApiChange("models", "OperationResult.risk", False, "optional attribute added (`int`)"),
    ]
    proposal = propose("1.2.3", spec, api)
    entry = changelog_entry(proposal, "2026-12-01", "orchsol.json", "ab" * 20, spec, api)
    lines = entry.splitlines()
    assert lines[0] == "## [2.0.0] - 2026-12-01"
    assert "Regenerated from the vendor's spec `orchsol.json` (commit abababababab)" in lines[2]
    assert lines.index("### Breaking: what to change in your code") < lines.index("### Added")
    assert (
        "- `orchestra_api.models.ChargeRequest.amount`: type `float` → `str`: pass and expect "
        "the new type."
    ) in lines
    assert (
        "- `client.payment_gateway.refund`: required parameter `reason` added: pass it in every "
        "call."
    ) in lines
    assert "- `orchestra_api.models.OperationResult.risk`: optional attribute added (`int`)." in (
        lines
    )
    assert "### Deprecated" in lines
    assert any(line.startswith("- DELETE /void (GatewayVoid") for line in lines)
