"""Every facade method's docstring is written by the generator from the spec: the summary, the
body's fields with their types and whether they are required, what it returns, what it raises
and what to do then, in Google style so that the reference documentation renders it."""

from __future__ import annotations

import copy
import inspect
import logging
from typing import Any

import griffe
import pytest
import yaml
from specpatch import apply_patches, load_patches

import orchestra_payments
from conftest import ROOT
from orchestra_payments import AsyncOrchestra, Orchestra
from orchestra_payments._generated_operations import OPERATIONS

BY_ID = {op.operation_id: op for op in OPERATIONS}

TABLE: dict[str, Any] = yaml.safe_load((ROOT / "openapi" / "operations.yaml").read_text())
MONEY = [op for op, entry in TABLE.items() if entry["retry"] == "money"]


def _operation(spec: dict[str, Any], operation_id: str) -> dict[str, Any]:
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return operation
    raise AssertionError(f"{operation_id} not in the spec")


def _method(client: Orchestra | AsyncOrchestra, operation_id: str) -> Any:
    resource, name = TABLE[operation_id]["facade"].split(".")
    return getattr(getattr(client, resource), name)


def _sections(doc: str, caplog: pytest.LogCaptureFixture) -> dict[str, Any]:
    """The docstring parsed as mkdocstrings parses it; griffe's warnings fail the test."""
    with caplog.at_level(logging.WARNING, logger="griffe"):
        parsed = griffe.Docstring(inspect.cleandoc(doc), parser="google").parse()
    # Without the function itself griffe cannot see the annotations: those warnings aside,
    # the docstring must parse cleanly.
    problems = [r.message for r in caplog.records if "No type or annotation" not in r.message]
    assert problems == []
    return {section.kind.value: section.value for section in parsed}


@pytest.fixture(scope="module")
def patched_spec(vendor_spec: dict[str, Any]) -> dict[str, Any]:
    """The spec as the generator reads it (operationIds renamed by the patches included)."""
    patches = load_patches(ROOT / "openapi" / "patches.json")
    spec: dict[str, Any] = apply_patches(copy.deepcopy(vendor_spec), patches)[0]
    return spec


@pytest.fixture(scope="module")
def clients() -> tuple[Orchestra, AsyncOrchestra]:
    return (
        Orchestra(api_key="k", base_url="http://127.0.0.1:9"),
        AsyncOrchestra(api_key="k", base_url="http://127.0.0.1:9"),
    )


@pytest.mark.parametrize("operation_id", sorted(TABLE))
def test_each_method_documents_summary_body_returns_and_raises(
    operation_id: str,
    patched_spec: dict[str, Any],
    clients: tuple[Orchestra, AsyncOrchestra],
    caplog: pytest.LogCaptureFixture,
) -> None:
    spec_op = _operation(patched_spec, operation_id)
    for client in clients:
        doc = _method(client, operation_id).__doc__
        assert doc, f"{operation_id}: no docstring"
        sections = _sections(doc, caplog)
        assert sections["text"].startswith(spec_op["summary"].strip().rstrip("."))
        assert {"parameters", "returns", "raises"} <= set(sections)
        raised = [r.annotation for r in sections["raises"]]
        # Each named exception is one a user can import and catch.
        assert set(raised) <= set(orchestra_payments.__all__), raised
        assert "AuthenticationError" in raised and "BadRequestError" in raised
        assert ("PoolTimeoutError" in raised) == isinstance(client, AsyncOrchestra)
        params = {p.name: p.description for p in sections["parameters"]}
        assert "**options" in params
        body = spec_op.get("requestBody", {}).get("content", {}).get("application/json", {})
        ref = body.get("schema", {}).get("$ref")
        if ref:
            schema = patched_spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
            required = set(schema.get("required", []))
            for name in schema.get("properties", {}):
                kind = "required" if name in required else "optional"
                assert f"`{name}` (`" in params["body"], (operation_id, name)
                line = params["body"].split(f"`{name}` (`", 1)[1].split("\n- ", 1)[0]
                assert f"`, {kind})" in line, (operation_id, name, line)


@pytest.mark.parametrize("operation_id", MONEY)
def test_money_methods_say_reconcile_on_an_unknown_outcome_and_major_units(
    operation_id: str, clients: tuple[Orchestra, AsyncOrchestra], caplog: pytest.LogCaptureFixture
) -> None:
    assert BY_ID[operation_id].moves_money
    doc = _method(clients[0], operation_id).__doc__
    assert doc
    raises = {r.annotation: r.description for r in _sections(doc, caplog)["raises"]}
    assert "client.payment_gateway.reconcile(error)" in raises["OutcomeUnknownError"]
    assert "no money moved" in raises["GatewayRejectedError"].replace("\n", " ")
    assert "nothing was sent, so sending it again is safe" in " ".join(
        raises["APIConnectionError"].split()
    )
    assert "`10.00` is ten dollars, not cents" in " ".join(doc.split())


def test_charge_lists_its_fields_with_types(
    clients: tuple[Orchestra, AsyncOrchestra], caplog: pytest.LogCaptureFixture
) -> None:
    doc = clients[0].payment_gateway.charge.__doc__
    assert doc
    body = {p.name: p.description for p in _sections(doc, caplog)["parameters"]}["body"]
    text = " ".join(body.split())
    assert "- `amount` (`float | Decimal`, required): The amount to be charged" in text
    assert "- `card` (`CardParams`, required)" in text
    assert "- `myRef` (`str | None`, optional): Your custom reference" in text
    assert "a `ChargeRequest` or a dict typed as `ChargeParams`" in text
