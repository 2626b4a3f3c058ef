"""One spelling for schemas that mean the same, so that comparisons see meaning, not syntax.

OpenAPI 3.1 writes a nullable string as ``type: [string, "null"]`` where 3.0 writes ``type:
string, nullable: true``; a ``$ref`` that may be null is ``anyOf: [{$ref}, {type: "null"}]``
in 3.1 and ``nullable: true`` beside it (or ``allOf: [{$ref}]``) in 3.0; 3.1's numeric
``exclusiveMinimum: 5`` is 3.0's ``minimum: 5, exclusiveMinimum: true``; ``const: x`` is
``enum: [x]``. ``normalize`` rewrites every schema of a document into the 3.0 spelling:

- type arrays: ``null`` becomes ``nullable: true``; one type left is that type; several are
  kept as ``"integer | string"`` (a string, so it compares and hashes);
- ``allOf``/``oneOf``/``anyOf`` with a ``{type: null}`` member lose it and become nullable;
  one member left (with only descriptive text beside it) is that member;
- ``allOf`` of several members is merged into one object (properties and ``required``
  combined, ``$ref`` members resolved) and remembers what it was built from in
  ``x-composed`` (``all of A & B``), so a report can name it;
- ``oneOf``/``anyOf`` of several members are kept, named in ``x-composed`` (``one of A | B``);
- ``nullable: false`` is dropped (it is the default); a schema with no type at all (any
  value) is nullable, as 3.1 reads it.

The document itself is not changed; a normalized copy is returned.
"""

from __future__ import annotations

import copy
from typing import Any

DESCRIPTIVE = {"description", "summary", "title", "example", "examples", "externalDocs"}
COMPOSITIONS = {"allOf": "all of", "oneOf": "one of", "anyOf": "any of"}
JOINERS = {"allOf": " & ", "oneOf": " | ", "anyOf": " | "}
MAX_DEPTH = 20


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and (
        schema.get("type") == "null" or schema.get("type") == ["null"] or schema == {"enum": [None]}
    )


def _name(schema: Any) -> str:
    if isinstance(schema, dict):
        if isinstance(schema.get("$ref"), str):
            return str(schema["$ref"]).rsplit("/", 1)[-1]
        if "x-composed" in schema:
            return str(schema["x-composed"])
        if isinstance(schema.get("type"), str):
            return str(schema["type"])
    return "object"


class _Normalizer:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.schemas: dict[str, Any] = (spec.get("components") or {}).get("schemas") or {}

    def resolve(self, schema: Any, depth: int) -> Any:
        seen = 0
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and seen < 10:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in self.schemas:
                return schema
            schema, seen = self.schemas[name], seen + 1
        return self.schema(schema, depth + 1)

    def schema(self, node: Any, depth: int = 0) -> Any:
        if not isinstance(node, dict) or depth > MAX_DEPTH:
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("properties", "patternProperties", "$defs", "definitions") and isinstance(
                value, dict
            ):
                out[key] = {k: self.schema(v, depth + 1) for k, v in value.items()}
            elif key in ("items", "additionalProperties", "not", "contains") and isinstance(
                value, dict
            ):
                out[key] = self.schema(value, depth + 1)
            elif key in COMPOSITIONS and isinstance(value, list):
                out[key] = [self.schema(v, depth + 1) for v in value]
            else:
                out[key] = value
        kind = out.get("type")
        if isinstance(kind, list):
            types = [t for t in kind if t != "null"]
            if len(types) != len(kind):
                out["nullable"] = True
            if len(types) == 1:
                out["type"] = types[0]
            elif types:
                out["type"] = " | ".join(sorted(map(str, types)))
            else:
                out["type"] = "null"
        if "const" in out:
            out["enum"] = [out.pop("const")]
        for bound, flag in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            value = out.get(bound)
            if isinstance(value, int | float) and not isinstance(value, bool):
                out[flag] = value
                out[bound] = True
        if out.get("nullable") is False:
            del out["nullable"]
        if not (out.keys() - DESCRIPTIVE - {"nullable", "deprecated", "readOnly", "writeOnly"}):
            out["nullable"] = True  # no type at all: any value, null included (3.1's reading)
        for key in COMPOSITIONS:
            if key in out:
                out = self.composition(out, key, depth)
        return out

    def composition(self, out: dict[str, Any], key: str, depth: int) -> dict[str, Any]:
        members = [m for m in out[key] if not _is_null(m)]
        if len(members) != len(out[key]):
            out["nullable"] = True
        rest = {k: v for k, v in out.items() if k != key}
        if len(members) == 1 and set(rest) <= DESCRIPTIVE | {"nullable"}:
            merged = dict(members[0]) if isinstance(members[0], dict) else {}
            merged.update(rest)
            return merged
        if not members:
            rest["type"] = "null"
            return rest
        label = f"{COMPOSITIONS[key]} " + JOINERS[key].join(_name(m) for m in members)
        if key != "allOf":
            return {**rest, key: members, "x-composed": label}
        properties: dict[str, Any] = dict(rest.get("properties") or {})
        required: list[str] = list(rest.get("required") or [])
        for member in members:
            target = self.resolve(member, depth)
            if not isinstance(target, dict):
                continue
            properties.update(target.get("properties") or {})
            required += [r for r in target.get("required") or [] if r not in required]
            for k in ("type", "enum", "format"):
                if k in target and k not in rest:
                    rest[k] = target[k]
        merged = {k: v for k, v in rest.items() if k not in ("properties", "required")}
        if properties:
            merged["properties"] = properties
            merged.setdefault("type", "object")
        if required:
            merged["required"] = required
        merged["x-composed"] = label
        return merged


def _walk_schemas(node: Any, fix: Any) -> Any:
    """Apply ``fix`` to every ``schema`` of parameters, bodies and responses, recursively."""
    if isinstance(node, dict):
        return {
            key: fix(value) if key == "schema" else _walk_schemas(value, fix)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_walk_schemas(item, fix) for item in node]
    return node


def normalize(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` with every schema in its 3.0 spelling (see the module's text)."""
    doc = copy.deepcopy(spec)
    normalizer = _Normalizer(spec)
    components = doc.get("components")
    if isinstance(components, dict) and isinstance(components.get("schemas"), dict):
        components["schemas"] = {
            name: normalizer.schema(schema) for name, schema in components["schemas"].items()
        }
    if isinstance(doc.get("paths"), dict):
        doc["paths"] = _walk_schemas(doc["paths"], normalizer.schema)
    return doc
