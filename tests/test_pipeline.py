"""The regeneration pipeline: lock, strict patches, determinism, clear failures."""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
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


def test_generation_is_deterministic_and_matches_the_committed_output(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert run_generate("--output-root", str(first)).returncode == 0
    assert run_generate("--output-root", str(second)).returncode == 0
    digest = tree_digest(first / "generated")
    assert digest == tree_digest(second / "generated")
    assert digest == tree_digest(ROOT / "generated")
    for name in ("_generated_facade.py", "_generated_params.py"):
        facade = f"overlays/orchestra_payments/{name}"
        assert (first / facade).read_bytes() == (second / facade).read_bytes()
        assert (first / facade).read_bytes() == (ROOT / facade).read_bytes()
    assert (first / "generated" / "orchestra_api" / "py.typed").is_file()


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
    assert len(ids) == 19
    assert ids == set(table)
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


def test_make_generate_on_a_changed_spec_names_the_patch_that_broke(
    tmp_path: Path, vendor_spec: dict[str, Any]
) -> None:
    spec = copy.deepcopy(vendor_spec)
    del spec["paths"]["/PaymentGateway/capture"]["put"]["responses"]["202"]
    path = tmp_path / "no-capture-202.json"
    path.write_text(json.dumps(spec))
    result = run_generate("--spec", str(path), "--output-root", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "make update-spec" in result.stderr
    assert "'202-carries-operation-result'" in result.stderr
    assert not (tmp_path / "out").exists()
