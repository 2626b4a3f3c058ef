"""The spec-change workflow: the differ on real and synthetic pairs, and update-spec end to end."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from specdiff import diff

from conftest import ROOT

SHARED = ROOT.parent / "shared" / "openapi"
OLD = SHARED / "orchestra-api-1.0.9.36-920bb3e.json"
NEW = SHARED / "orchestra-api-1.0.9.36-4d977c7.json"


def test_the_real_upstream_pair_is_description_only() -> None:
    report = diff(json.loads(OLD.read_text()), json.loads(NEW.read_text()))
    text = report.to_markdown(OLD.name, NEW.name)
    assert report.changes == []
    assert report.descriptions == 3
    assert "**No structural change.** 3 descriptions changed." in text


def test_the_cli_prints_the_same_report_with_patches_applied() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "specdiff.py"), str(OLD), str(NEW), "--patched"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "**No structural change.** 3 descriptions changed." in result.stdout


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
        "query parameter `name` maxLength 10 → None",
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


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Just enough of the project to run the pipeline, with the locked spec beside it."""
    root = tmp_path / "project"
    for part in ("openapi", "scripts", "generated"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "generator-config.yaml", root / "generator-config.yaml")
    facade = root / "overlays" / "orchestra_payments"
    facade.mkdir(parents=True)
    for name in ("_generated_facade.py", "_generated_params.py"):
        shutil.copy(ROOT / "overlays" / "orchestra_payments" / name, facade / name)
    (tmp_path / "shared" / "openapi").mkdir(parents=True)
    shutil.copy(NEW, tmp_path / "shared" / "openapi" / NEW.name)
    return root


def run_update(repo: Path, spec: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(repo / "scripts" / "update_spec.py"),
            "--spec",
            str(spec),
            "--no-tests",
            "--source-commit",
            "abc1234",
            "--date",
            "2026-11-23",
        ],
        capture_output=True,
        text=True,
        cwd=repo,
    )


def vendor() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(NEW.read_text())
    return spec


def test_update_spec_with_a_structural_change(repo: Path, tmp_path: Path) -> None:
    spec = vendor()
    result_schema = spec["components"]["schemas"]["Payments.OperationResult"]
    result_schema["properties"]["riskScore"] = {"type": "integer", "nullable": True}
    spec["components"]["schemas"]["Payments.Result"]["enum"].append("PartiallyApproved")
    del spec["components"]["schemas"]["PayTools_Api.Models.StringTokenOutputModel"]["properties"][
        "createTime"
    ]
    new = tmp_path / "orchsol-next.json"
    new.write_text(json.dumps(spec, indent=2))
    result = run_update(repo, new)
    assert result.returncode == 0, result.stderr
    report = (repo / "reports" / "spec-change-report.md").read_text()
    assert "property `riskScore` added (optional, integer)" in report
    assert "enum value `PartiallyApproved` added" in report
    assert "**breaking**: property `createTime` removed" in report
    assert "## Python API of the generated package (griffe)" in report
    assert "create_time" in report.split("(griffe)")[1]
    lock = json.loads((repo / "openapi" / "spec.lock.json").read_text())
    assert lock["file"] == "orchsol-next.json"
    assert lock["source"]["commit"] == "abc1234"
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


def test_update_spec_stops_on_a_patch_that_no_longer_applies(repo: Path, tmp_path: Path) -> None:
    spec = vendor()
    del spec["paths"]["/PaymentGateway/void"]["delete"]["responses"]["202"]
    new = tmp_path / "broken.json"
    new.write_text(json.dumps(spec))
    lock_before = (repo / "openapi" / "spec.lock.json").read_text()
    result = run_update(repo, new)
    assert result.returncode == 1
    assert "'202-carries-operation-result'" in result.stderr
    assert "Nothing was changed." in result.stderr
    assert (repo / "openapi" / "spec.lock.json").read_text() == lock_before


def test_update_spec_stops_on_an_unclassified_new_operation(repo: Path, tmp_path: Path) -> None:
    spec = vendor()
    spec["paths"]["/PaymentGateway/payout"] = {
        "post": {
            "operationId": "GatewayPayout",
            "tags": ["PaymentGateway"],
            "responses": {"200": {"description": "OK"}},
        }
    }
    new = tmp_path / "payout.json"
    new.write_text(json.dumps(spec))
    result = run_update(repo, new)
    assert result.returncode == 1
    assert "GatewayPayout" in result.stderr
    assert "openapi/operations.yaml" in result.stderr


def test_update_spec_refuses_an_invalid_document(repo: Path, tmp_path: Path) -> None:
    spec = vendor()
    spec["paths"]["/PaymentGateway"]["get"]["responses"] = "nope"
    new = tmp_path / "invalid.json"
    new.write_text(json.dumps(spec))
    result = run_update(repo, new)
    assert result.returncode == 1
    assert "not a valid OpenAPI document" in result.stderr


def test_spec_status_tells_the_workflow_whether_the_spec_changed(tmp_path: Path) -> None:
    out = tmp_path / "github_output"
    script = str(ROOT / "scripts" / "spec_status.py")
    same = subprocess.run(
        [sys.executable, script, str(NEW)],
        capture_output=True,
        text=True,
        env={"GITHUB_OUTPUT": str(out)},
        check=True,
    )
    assert same.stdout.strip() == "unchanged"
    assert "changed=false" in out.read_text()
    other = subprocess.run(
        [sys.executable, script, str(OLD)],
        capture_output=True,
        text=True,
        env={"GITHUB_OUTPUT": str(out)},
        check=True,
    )
    assert other.stdout.startswith("changed fe261d4d")
    assert out.read_text().splitlines()[-2] == "changed=true"


def test_the_workflows_call_what_the_tests_cover() -> None:
    import yaml

    regen = yaml.safe_load((ROOT / ".github" / "workflows" / "regenerate.yml").read_text())
    steps = regen["jobs"]["regenerate"]["steps"]
    text = json.dumps(steps)
    assert "scripts/spec_status.py" in text
    assert "make update-spec" in text
    assert any(str(s.get("uses", "")).startswith("peter-evans/create-pull-request") for s in steps)
    assert any(s.get("with", {}).get("body-path") == "reports/spec-change-report.md" for s in steps)
    ci = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    assert "bash .ci/run" in ci
