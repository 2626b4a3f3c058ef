"""Property tests: every generated model round-trips its wire form, unknown enum values too."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_python_client.strings import ClassName
from specpatch import apply_patches, load_patches

import orchestra_api.models as models
from conftest import ROOT

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _load_schemas() -> dict[str, Any]:
    import json

    lock = json.loads((ROOT / "openapi" / "spec.lock.json").read_text())
    spec = json.loads((ROOT / lock["default_path"]).read_text())
    patched, _ = apply_patches(spec, load_patches(ROOT / "openapi" / "patches.json"))
    result: dict[str, Any] = patched["components"]["schemas"]
    return result


SCHEMAS = _load_schemas()
OBJECTS = sorted(n for n, s in SCHEMAS.items() if s.get("type") == "object")
ENUMS = sorted(n for n, s in SCHEMAS.items() if "enum" in s)


@functools.cache
def class_for(schema_name: str) -> Any:
    import yaml

    overrides = yaml.safe_load((ROOT / "generator-config.yaml").read_text())["class_overrides"]
    return getattr(models, overrides[ClassName(schema_name, "field_")]["class_name"])


DATETIMES = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2100, 1, 1),
    timezones=st.just(dt.UTC),
).map(dt.datetime.isoformat)
UNKNOWN_WORDS = st.text(alphabet=st.characters(categories=["Lu", "Ll"]), min_size=1, max_size=12)
JSON_LEAF = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=8)


def strategy(schema: dict[str, Any], schemas: dict[str, Any], depth: int = 0) -> Any:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return strategy(schemas[name], schemas, depth + 1)
    base: Any
    if "enum" in schema:
        # Known values and values no version of the spec lists.
        base = st.sampled_from(schema["enum"]) | UNKNOWN_WORDS
    elif schema.get("type") == "object":
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        fields = {k: strategy(v, schemas, depth + 1) for k, v in props.items()}
        if depth > 3:
            fields = {k: v for k, v in fields.items() if k in required}
        base = st.fixed_dictionaries(
            {k: v for k, v in fields.items() if k in required},
            optional={k: v for k, v in fields.items() if k not in required},
        )
    elif schema.get("type") == "array":
        base = st.lists(strategy(schema["items"], schemas, depth + 1), max_size=2)
    elif schema.get("type") == "string":
        base = DATETIMES if schema.get("format") == "date-time" else st.text(max_size=12)
    elif schema.get("type") == "integer":
        base = st.integers(-(2**31), 2**31 - 1)
    elif schema.get("type") == "number":
        base = st.floats(allow_nan=False, allow_infinity=False, width=64)
    elif schema.get("type") == "boolean":
        base = st.booleans()
    else:
        base = JSON_LEAF
    return st.none() | base if schema.get("nullable") else base


def test_the_tables_cover_every_schema() -> None:
    assert len(OBJECTS) == 29
    assert len(ENUMS) == 7
    assert len(OBJECTS) + len(ENUMS) == len(SCHEMAS)


def without_optional_nulls(value: Any, schema: dict[str, Any]) -> Any:
    """The wire form as a model writes it back: an optional field sent as null reads as None,
    like an absent one, and is left out."""
    if "$ref" in schema:
        return without_optional_nulls(value, SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]])
    if schema.get("type") == "object" and isinstance(value, dict):
        required = set(schema.get("required", []))
        props = schema.get("properties", {})
        return {
            k: without_optional_nulls(v, props.get(k, {}))
            for k, v in value.items()
            if v is not None or k in required
        }
    if schema.get("type") == "array" and isinstance(value, list):
        return [without_optional_nulls(item, schema["items"]) for item in value]
    return value


@pytest.mark.parametrize("name", OBJECTS)
@SETTINGS
@given(data=st.data())
def test_every_model_round_trips_its_wire_form(name: str, data: st.DataObject) -> None:
    cls = class_for(name)
    wire = data.draw(strategy(SCHEMAS[name], SCHEMAS))
    model = cls.from_dict(wire)
    assert model.to_dict() == without_optional_nulls(wire, SCHEMAS[name])
    assert cls.from_dict(model.to_dict()) == model


ALL_OPTIONAL = [
    n for n in OBJECTS if SCHEMAS[n].get("properties") and not SCHEMAS[n].get("required")
]


@pytest.mark.parametrize("name", ALL_OPTIONAL)
def test_an_absent_optional_field_reads_none_and_is_left_out(name: str) -> None:
    model = class_for(name).from_dict({})
    assert model.to_dict() == {}
    assert "Unset" not in repr(model) and "UNSET" not in repr(model)
    for field in model.__attrs_attrs__:
        if field.name != "additional_properties":
            assert getattr(model, field.name) is None, field.name


@pytest.mark.parametrize("name", ENUMS)
@SETTINGS
@given(data=st.data())
def test_every_enum_round_trips_known_and_unknown_values(name: str, data: st.DataObject) -> None:
    cls = class_for(name)
    known = set(SCHEMAS[name]["enum"])
    value = data.draw(st.sampled_from(sorted(known)) | UNKNOWN_WORDS)
    member = cls(value)
    assert member.value == value
    assert str(member) == value
    assert member.is_unknown == (value not in known)


@pytest.mark.parametrize(
    ("member", "value"),
    [
        (models.ResultCode.FATAL_FAILURE, "FatalFailure"),
        (models.ResultCode.TEMPORARY_FAILURE, "TemporaryFailure"),
        (models.ResultCode.NOT_IMPLEMENTED, "NotImplemented"),
        (models.OperationType.PRE_AUTH, "PreAuth"),
        (models.CardType.EN_ROUTE, "enRoute"),
        (models.CardType.MC_ALASKA, "MC_Alaska"),
        (models.EWalletOperation.CHARGE_AND_TOKENIZE, "CHARGE_AND_TOKENIZE"),
    ],
)
def test_enum_members_are_upper_snake_case_split_at_words(member: Any, value: str) -> None:
    assert member.value == value
    assert type(member)(value) is member


@pytest.mark.parametrize("name", ENUMS)
def test_every_enum_member_name_is_upper_snake_case(name: str) -> None:
    cls = class_for(name)
    assert {m.value for m in cls} == set(SCHEMAS[name]["enum"])
    for member in cls:
        assert re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*", member.name), member.name
