"""The regeneration pipeline: lock, strict patches, determinism, clear failures."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from generator_errors import translate
from operations_table import problems as table_problems
from specpatch import PatchError, apply_patches, load_patches

from conftest import ROOT

GENERATE = [sys.executable, str(ROOT / "scripts" / "generate.py")]


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def run_generate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GENERATE, *args], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.e2e  # regenerates: minutes in all; make test-e2e
def test_generation_is_deterministic_and_matches_the_committed_output(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert run_generate("--output-root", str(first)).returncode == 0
    assert run_generate("--output-root", str(second)).returncode == 0
    digest = tree_digest(first / "generated")
    assert digest == tree_digest(second / "generated")
    assert digest == tree_digest(ROOT / "generated")
    for name in ("_generated_operations.py", "_generated_facade.py", "_generated_params.py"):
        facade = f"overlays/orchestra_payments/{name}"
        assert (first / facade).read_bytes() == (second / facade).read_bytes()
        assert (first / facade).read_bytes() == (ROOT / facade).read_bytes()
    assert (first / "generated" / "orchestra_api" / "py.typed").is_file()


@pytest.mark.e2e  # regenerates: minutes in all; make test-e2e
def test_any_copy_of_the_locked_spec_generates(tmp_path: Path, vendor_spec_path: Path) -> None:
    copy_path = tmp_path / "orchsol.json"
    copy_path.write_bytes(vendor_spec_path.read_bytes())
    result = run_generate("--spec", str(copy_path), "--output-root", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "generated" / "orchestra_api" / "models" / "card.py").is_file()


def test_a_spec_that_differs_from_the_lock_is_refused_with_what_to_do(
    tmp_path: Path, vendor_spec_path: Path
) -> None:
    changed = tmp_path / "changed.json"
    changed.write_bytes(vendor_spec_path.read_bytes() + b"\n")
    result = run_generate("--spec", str(changed), "--output-root", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "sha256" in result.stderr
    assert "make update-spec" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_missing_spec_says_where_to_get_it(tmp_path: Path) -> None:
    result = run_generate("--spec", str(tmp_path / "nope.json"))
    assert result.returncode == 1
    assert "orchestra-solutions/mintlify" in result.stderr
    assert "make generate SPEC=" in result.stderr


def test_a_patch_whose_target_was_removed_fails_naming_the_patch(
    tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    spec = copy.deepcopy(vendor_spec)
    del spec["paths"]["/PaymentGateway/refund"]["put"]["responses"]["409"]
    path = tmp_path / "no-refund-409.json"
    path.write_text(json.dumps(spec))
    result = run_generate("--spec", str(path), "--unlocked", "--output-root", str(tmp_path))
    assert result.returncode == 1
    assert "'409-carries-operation-result'" in result.stderr
    assert "/PaymentGateway/refund" in result.stderr.replace("~1", "/")


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ({"op": "test", "path": "/a/b", "value": 2}, "expected 2"),
        ({"op": "replace", "path": "/a/missing", "value": 1}, "nothing at /a/missing"),
        ({"op": "remove", "path": "/a/missing"}, "nothing at /a/missing"),
        ({"op": "add", "path": "/gone/x", "value": 1}, "nothing at /gone"),
    ],
)
def test_strict_patch_operations_fail_on_a_missing_target(
    op: dict[str, Any], expected: str
) -> None:
    with pytest.raises(PatchError) as info:
        apply_patches({"a": {"b": 1}}, [{"name": "p1", "ops": [op]}])
    assert "'p1'" in str(info.value)
    assert expected in str(info.value)


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ({"op": "add", "path": "/a/list/9", "value": 1}, "/a/list/9: can't insert outside of list"),
        (
            {"op": "add", "path": "", "value": {}},
            "operations on the whole document are not allowed",
        ),
        ({"op": "add", "path": "a/b", "value": 1}, "not a JSON pointer: 'a/b'"),
        ({"op": "frob", "path": "/a/b"}, "/a/b: Unknown operation 'frob'"),
    ],
)
def test_a_refused_operation_says_why_without_printing_the_spec(
    op: dict[str, Any], expected: str
) -> None:
    spec = {"a": {"b": 1, "list": [0], "secret-ish": "x" * 40}}
    with pytest.raises(PatchError) as info:
        apply_patches(spec, [{"name": "p1", "ops": [op]}], spec_name="s.json")
    text = str(info.value)
    assert "- patch 'p1':" in text
    assert f"operation 1 ({op['op']} {op['path']}): " in text
    assert expected in text
    assert "x" * 40 not in text


def test_list_operations_follow_rfc_6902() -> None:
    spec = {"a": {"tags": ["x", "y"]}}
    ops = [
        {"op": "add", "path": "/a/tags/0", "value": "first"},
        {"op": "add", "path": "/a/tags/-", "value": "last"},
        {"op": "remove", "path": "/a/tags/2"},
        {"op": "copy", "from": "/a/tags/0", "path": "/a/head"},
        {"op": "move", "from": "/a/tags/1", "path": "/a/moved"},
    ]
    patched, report = apply_patches(spec, [{"name": "lists", "ops": ops}])
    assert patched == {"a": {"tags": ["first", "last"], "head": "first", "moved": "x"}}
    assert report.applied == ["lists"]


def test_a_rule_operation_takes_from_relative_to_each_place() -> None:
    spec = {"components": {"schemas": {"A": {"old": 1}, "B": {"old": 2}}}}
    rule = {"schemas": "*", "where": {}}
    patches = [
        {"name": "rename", "rule": rule, "ops": [{"op": "move", "from": "/old", "path": "/new"}]}
    ]
    patched, _ = apply_patches(spec, patches)
    assert patched["components"]["schemas"] == {"A": {"new": 1}, "B": {"new": 2}}


def test_a_patch_the_vendor_made_unnecessary_is_reported() -> None:
    spec = {"a": {"b": 1}}
    patched, report = apply_patches(
        spec,
        [
            {"name": "same", "ops": [{"op": "add", "path": "/a/b", "value": 1}]},
            {"name": "new", "ops": [{"op": "add", "path": "/a/c", "value": 2}]},
        ],
    )
    assert patched == {"a": {"b": 1, "c": 2}}
    assert report.unnecessary == ["same"]
    assert report.applied == ["new"]
    assert spec == {"a": {"b": 1}}


def test_every_project_patch_changes_the_locked_spec(vendor_spec: dict[str, Any]) -> None:
    _, report = apply_patches(vendor_spec, load_patches(ROOT / "openapi" / "patches.json"))
    assert report.unnecessary == []
    assert len(report.applied) == len(load_patches(ROOT / "openapi" / "patches.json"))


def test_every_operation_is_in_the_operations_table(vendor_spec: dict[str, Any]) -> None:
    import yaml

    table = yaml.safe_load((ROOT / "openapi" / "operations.yaml").read_text())
    patched, _ = apply_patches(vendor_spec, load_patches(ROOT / "openapi" / "patches.json"))
    ids = {o["operationId"] for item in patched["paths"].values() for o in item.values()}
    assert ids == set(table)
    assert table_problems(patched, table) == []
    money = {k for k, v in table.items() if v["retry"] == "money"}
    assert money == {
        "GatewayCharge",
        "GatewayAuthorize",
        "GatewayCapture",
        "GatewayRefund",
        "GatewayVoid",
    }


def test_the_lock_matches_the_vendor_file(vendor_spec_path: Path) -> None:
    lock = json.loads((ROOT / "openapi" / "spec.lock.json").read_text())
    assert hashlib.sha256(vendor_spec_path.read_bytes()).hexdigest() == lock["sha256"]
    assert lock["source"]["repository"] == "orchestra-solutions/mintlify"
    assert lock["source"]["path"] == "orchsol.json"
    assert re.fullmatch(r"[0-9a-f]{40}", lock["source"]["commit"]), "a full commit SHA"


def test_make_generate_on_a_changed_spec_names_the_patch_that_broke(
    tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    spec = copy.deepcopy(vendor_spec)
    del spec["paths"]["/PaymentGateway/capture"]["put"]["responses"]["409"]
    path = tmp_path / "no-capture-409.json"
    path.write_text(json.dumps(spec))
    result = run_generate("--spec", str(path), "--output-root", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "make update-spec" in result.stderr
    assert "'409-carries-operation-result'" in result.stderr
    assert "GatewayCapture (PUT /PaymentGateway/capture): declares no 409 response" in result.stderr
    assert not (tmp_path / "out").exists()


# --- patches as rules ---------------------------------------------------------------------------

PATCHES = ROOT / "openapi" / "patches.json"
RESULT_REF = "#/components/schemas/Payments.OperationResult"


def _body_ref(op: dict[str, Any], code: str) -> str | None:
    content = op["responses"][code].get("content")
    return None if content is None else str(content["application/json"]["schema"]["$ref"])


def with_payout(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy with a new payment operation, declaring 202/409/401 without bodies."""
    changed = copy.deepcopy(spec)
    changed["paths"]["/PaymentGateway/payout"] = {
        "post": {
            "operationId": "GatewayPayout",
            "tags": ["PaymentGateway"],
            "responses": {
                code: {"description": code} for code in ("200", "202", "401", "409", "503")
            },
        }
    }
    return changed


def test_a_new_payment_operation_gets_the_rule_patches(vendor_spec: dict[str, Any]) -> None:
    patched, report = apply_patches(with_payout(vendor_spec), load_patches(PATCHES))
    payout = patched["paths"]["/PaymentGateway/payout"]["post"]
    assert _body_ref(payout, "202") == RESULT_REF
    assert _body_ref(payout, "409") == RESULT_REF
    assert _body_ref(payout, "401") == (
        "#/components/schemas/PayTools_Shared.Models.ValidationErrorMessage"
    )
    assert _body_ref(payout, "503") is None
    assert report.problems == []


def test_every_operation_of_the_locked_spec_is_covered_by_the_rules(
    vendor_spec: dict[str, Any],
) -> None:
    patched, _ = apply_patches(vendor_spec, load_patches(PATCHES))
    for path, item in patched["paths"].items():
        for op in item.values():
            assert op["responses"]["401"]["content"], op["operationId"]
            if path.startswith("/PaymentGateway/"):
                assert _body_ref(op, "409") == RESULT_REF
                if "202" in op["responses"]:
                    assert _body_ref(op, "202") == RESULT_REF
    schemas = patched["components"]["schemas"]
    assert all(s.get("additionalProperties") is not False for s in schemas.values())


def test_a_new_operation_stops_generation_until_classified(
    tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    path = tmp_path / "payout.json"
    path.write_text(json.dumps(with_payout(vendor_spec)))
    result = run_generate("--spec", str(path), "--unlocked", "--output-root", str(tmp_path / "o"))
    assert result.returncode == 1
    message = result.stderr
    assert "GatewayPayout (POST /PaymentGateway/payout)" in message
    assert "openapi/operations.yaml" in message
    for retry_class in ("money", "safe", "once"):
        assert f"{retry_class} = " in message
    assert not (tmp_path / "o").exists()


def test_every_problem_of_every_patch_is_listed_once_naming_the_spec() -> None:
    spec = {"paths": {"/a": {"get": {"operationId": "A", "responses": {"200": {}}}}}}
    patches: list[dict[str, Any]] = [
        {"name": "p1", "ops": [{"op": "replace", "path": "/paths/~1a/get/x", "value": 1}]},
        {
            "name": "p2",
            "rule": {"operations": "*", "response": "409", "require": True},
            "ops": [{"op": "add", "path": "/content", "value": {}}],
        },
        {
            "name": "p3",
            "rule": {"operations": "*", "response": "200"},
            "ops": [{"op": "add", "path": "/content", "value": {"$ref": "#/components/x"}}],
        },
        {"name": "p4", "rule": {"schemas": "*"}, "ops": []},
    ]
    with pytest.raises(PatchError) as info:
        apply_patches(spec, patches, spec_name="next.json")
    text = str(info.value)
    assert info.value.patch_names == ["p1", "p2", "p3", "p4"]
    assert text.startswith("4 spec patches of openapi/patches.json no longer apply to next.json")
    for name in ("p1", "p2", "p3", "p4"):
        assert text.count(f"- patch {name!r}:") == 1
    assert "A (GET /a): operation 1 (replace /paths/~1a/get/x): " in text
    assert "A (GET /a): declares no 409 response" in text
    assert "writes $ref #/components/x, which the spec does not define" in text
    assert "matches nothing in the spec" in text


def test_a_rule_does_not_silently_replace_a_body_the_vendor_now_declares(
    vendor_spec: dict[str, Any],
) -> None:
    spec = copy.deepcopy(vendor_spec)
    refund = spec["paths"]["/PaymentGateway/refund"]["put"]
    refund["responses"]["409"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/Payments.BankCard"}}
    }
    with pytest.raises(PatchError) as info:
        apply_patches(spec, load_patches(PATCHES), spec_name="s.json")
    assert info.value.patch_names == ["409-carries-operation-result"]
    assert "GatewayRefund (PUT /PaymentGateway/refund)" in str(info.value)
    assert "the spec now declares its own value there" in str(info.value)


def test_lenient_application_applies_what_applies_and_says_what_does_not(
    vendor_spec: dict[str, Any],
) -> None:
    spec = copy.deepcopy(vendor_spec)
    del spec["paths"]["/StringTokens/{token}"]["delete"]
    meta = spec["paths"]["/StringTokens/{token}/meta"]["get"]
    meta["parameters"][0]["schema"]["pattern"] = "[A-Za-z0-9]{16}"
    patched, report = apply_patches(spec, load_patches(PATCHES), strict=False)
    assert {p.patch for p in report.problems} == {
        "string-token-delete-operation-id",
        "string-token-pattern-anchored",
    }
    assert "409-carries-operation-result" in report.applied
    tokens = patched["paths"]["/StringTokens/{token}"]
    assert tokens["get"]["parameters"][0]["schema"]["pattern"] == "^[A-Za-z0-9]{32}$"
    # a failing `test` also skips the operation it guards
    meta = patched["paths"]["/StringTokens/{token}/meta"]["get"]
    assert meta["parameters"][0]["schema"]["pattern"] == "[A-Za-z0-9]{16}"
    with pytest.raises(PatchError):
        apply_patches(spec, load_patches(PATCHES))


# --- generator errors, in the terms of the spec -------------------------------------------------


def test_a_generator_error_names_the_operation_and_response(
    tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    spec = copy.deepcopy(vendor_spec)
    charge = spec["paths"]["/PaymentGateway/charge"]["post"]
    charge["responses"]["200"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/Payments.Gone"
    }
    path = tmp_path / "dangling.json"
    path.write_text(json.dumps(spec))
    result = run_generate("--spec", str(path), "--unlocked", "--output-root", str(tmp_path / "o"))
    assert result.returncode == 1
    assert (
        "dangling.json has 1 $ref that points to nothing in the document: "
        "#/components/schemas/Payments.Gone (in GatewayCharge (POST /PaymentGateway/charge), at "
        "/paths/~1PaymentGateway~1charge/post/responses/200/content/application~1json/schema)"
    ) in result.stderr
    assert "Traceback" not in result.stderr
    assert "object at 0x" not in result.stderr
    assert "/tmp/orchestra-gen" not in result.stderr


def test_a_dropped_schema_is_named_with_its_python_class() -> None:
    output = (
        "Generating /tmp/x/orchestra_api\n\nUnable to process schema "
        "/components/schemas/Payments.BankCard:\n\nCould not find reference\n\n"
        "Failure to process schema has resulted in the removal of:\n"
        "/components/schemas/Payments.BankCard\n/components/schemas/eWallet.Models.X\n\n"
        '{\n  "$ref": "#/components/schemas/Gone"\n}\n'
    )
    lines = translate(output, {}, {"Payments.BankCard": "BankCard"})
    assert lines == [
        "schema Payments.BankCard (Python class BankCard): Could not find reference "
        "[refers to #/components/schemas/Gone]; the generator left out: "
        "Payments.BankCard, eWallet.Models.X"
    ]
