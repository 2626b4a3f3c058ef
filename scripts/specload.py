"""Read a vendor spec file, or say in one short paragraph why it cannot be used.

Every tool that takes a spec file (update-spec, spec-diff, generate) reads it here, so a
malformed or unsupported file gets the same short refusal everywhere and never a traceback:

- not a file, or not UTF-8 JSON (with the line and column);
- JSON that is not an OpenAPI 3 document (not an object, no ``openapi: 3.x``, Swagger 2.0, no
  ``paths`` object);
- a local ``$ref`` that points nowhere (each one listed with where it is, a few at most);
- with ``validate``: what openapi-spec-validator finds, its first problem, shortened (its own
  messages can hold the whole document).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MAX_LISTED = 5
MAX_MESSAGE = 300


class SpecUnreadable(Exception):
    """The file cannot be used as a spec; the message says why, briefly."""


def _pointer_get(doc: Any, pointer: str) -> bool:
    node = doc
    for raw in pointer.lstrip("/").split("/") if pointer not in ("", "/") else []:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    return True


def dangling_refs(spec: Any) -> list[tuple[str, str]]:
    """(where, $ref) for every local ``$ref`` that resolves to nothing, in document order."""
    found: list[tuple[str, str]] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#") and not _pointer_get(spec, ref[1:]):
                found.append((where or "/", ref))
            for key, value in node.items():
                walk(value, f"{where}/{str(key).replace('~', '~0').replace('/', '~1')}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk(spec, "")
    return found


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def check_document(spec: Any, name: str) -> dict[str, Any]:
    """``spec`` as an OpenAPI 3 document, or SpecUnreadable naming ``name``."""
    if not isinstance(spec, dict):
        raise SpecUnreadable(
            f"{name} is not an OpenAPI document: the JSON is a {type(spec).__name__}, not an object"
        )
    if "swagger" in spec and "openapi" not in spec:
        raise SpecUnreadable(
            f"{name} is a Swagger {spec.get('swagger')} document: only OpenAPI 3.0 and 3.1 "
            "are supported"
        )
    version = spec.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        shown = "no `openapi` field" if version is None else f"`openapi: {version!r}`"
        raise SpecUnreadable(
            f"{name} is not an OpenAPI 3 document ({shown}; top-level keys: "
            f"{', '.join(sorted(map(str, spec))[:8]) or 'none'})"
        )
    if not isinstance(spec.get("paths"), dict):
        raise SpecUnreadable(f"{name} is not an OpenAPI document this client can use: no `paths`")
    dangling = dangling_refs(spec)
    if dangling:
        from specpatch import describe

        listed = "; ".join(
            f"{ref} (in {describe(spec, where)}, at {where})"
            for where, ref in dangling[:MAX_LISTED]
        )
        more = f"; and {len(dangling) - MAX_LISTED} more" if len(dangling) > MAX_LISTED else ""
        raise SpecUnreadable(
            f"{name} has {len(dangling)} $ref{'s' if len(dangling) != 1 else ''} that "
            f"point{'' if len(dangling) != 1 else 's'} to nothing in the document: {listed}{more}"
        )
    return spec


def validate(spec: dict[str, Any], name: str) -> None:
    """openapi-spec-validator's verdict, its first problem shortened."""
    from openapi_spec_validator import validate as validate_spec

    try:
        validate_spec(spec)
    except Exception as exc:  # the validator raises several unrelated kinds
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        raise SpecUnreadable(
            f"{name} is not a valid OpenAPI document: {_short(str(message))}"
        ) from exc


def load(path: Path, *, full: bool = False) -> dict[str, Any]:
    """Read ``path`` as an OpenAPI 3 document (``full``: also openapi-spec-validator)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise SpecUnreadable(f"no file at {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecUnreadable(f"cannot read {path.name}: {_short(str(exc))}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecUnreadable(
            f"{path.name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    spec = check_document(data, path.name)
    if full:
        validate(spec, path.name)
    return spec
