"""The sandbox's tables: its routes are the spec's operations, every fault kind has one handler."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from specpatch import apply_patches, load_patches

from conftest import ROOT
from orchestra_sandbox._app import AFTER_FAULTS, API_ROUTES, BEFORE_FAULTS
from orchestra_sandbox._faults import BEFORE, FAULT_KINDS

METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture(scope="module")
def patched(vendor_spec: dict[str, Any]) -> dict[str, Any]:
    """The spec as the client is generated from it (operationIds as the faults name them)."""
    spec, _ = apply_patches(copy.deepcopy(vendor_spec), load_patches(ROOT / "openapi/patches.json"))
    result: dict[str, Any] = spec
    return result


def test_the_route_table_is_the_specs_operations(patched: dict[str, Any]) -> None:
    spec = {
        (method.upper(), path, op["operationId"])
        for path, item in patched["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }
    table = {(r.method, r.path, r.operation_id) for r in API_ROUTES}
    assert table == spec
    assert len(API_ROUTES) == len(table)


def test_a_route_reads_a_body_exactly_when_the_spec_gives_it_one(patched: dict[str, Any]) -> None:
    for route in API_ROUTES:
        op = patched["paths"][route.path][route.method.lower()]
        assert route.body == ("requestBody" in op), route.operation_id


def test_every_fault_kind_is_handled_once_on_its_side_of_the_operation() -> None:
    assert set(BEFORE_FAULTS) == set(BEFORE)
    assert set(AFTER_FAULTS) == set(FAULT_KINDS) - set(BEFORE)
