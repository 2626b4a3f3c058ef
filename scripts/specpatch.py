"""Apply the project's spec patches (RFC 6902 JSON Patch, strictly).

Strict means every operation must find its target, so a patch whose target the vendor removed or
renamed stops the pipeline with the patch's name instead of being skipped:

- ``add``: the parent must exist (for an object member, adding over an existing member is
  allowed, as RFC 6902 says, and is reported when it changes nothing);
- ``replace`` / ``remove`` / ``test``: the target itself must exist;
- ``test``: the value must be equal.

A patch every operation of which changes nothing is reported as unnecessary: the vendor has made
the same fix.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class PatchError(Exception):
    """A patch does not apply to the spec; the message names the patch and the operation."""


@dataclass(frozen=True)
class PatchReport:
    applied: list[str] = field(default_factory=list)
    unnecessary: list[str] = field(default_factory=list)


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _split(pointer: str) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    return [_unescape(t) for t in pointer[1:].split("/")]


def _walk(doc: Any, tokens: list[str], pointer: str) -> Any:
    node = doc
    for i, token in enumerate(tokens):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            missing = "/" + "/".join(tokens[: i + 1])
            raise LookupError(f"{pointer}: nothing at {missing}")
    return node


def _apply_op(doc: Any, op: dict[str, Any]) -> bool:
    """Apply one operation in place; return whether it changed the document."""
    kind = op.get("op")
    pointer = op.get("path")
    if not isinstance(pointer, str):
        raise ValueError(f"operation without a path: {op!r}")
    tokens = _split(pointer)
    if not tokens:
        raise ValueError("operations on the whole document are not allowed")
    parent = _walk(doc, tokens[:-1], pointer)
    last = tokens[-1]
    if kind == "add":
        value = op["value"]
        if isinstance(parent, dict):
            changed = bool(parent.get(last, object()) != value)
            parent[last] = copy.deepcopy(value)
            return changed
        if isinstance(parent, list):
            index = len(parent) if last == "-" else int(last)
            if index > len(parent):
                raise LookupError(f"{pointer}: index {index} past the end")
            parent.insert(index, copy.deepcopy(value))
            return True
        raise LookupError(f"{pointer}: parent is not a container")
    target = _walk(doc, tokens, pointer)
    if kind == "test":
        if target != op["value"]:
            raise LookupError(f"{pointer}: expected {op['value']!r}, found {target!r}")
        return False
    if kind == "replace":
        changed = bool(target != op["value"])
        if isinstance(parent, list):
            parent[int(last)] = copy.deepcopy(op["value"])
        else:
            parent[last] = copy.deepcopy(op["value"])
        return changed
    if kind == "remove":
        if isinstance(parent, list):
            del parent[int(last)]
        else:
            del parent[last]
        return True
    raise ValueError(f"unsupported operation {kind!r}")


def apply_patches(spec: dict[str, Any], patches: list[dict[str, Any]]) -> tuple[Any, PatchReport]:
    """Return a patched copy of ``spec`` and what each patch did.

    Raises:
        PatchError: a patch's target is missing or a ``test`` fails; names the patch.
    """
    doc = copy.deepcopy(spec)
    report = PatchReport()
    for patch in patches:
        name = patch.get("name", "<unnamed>")
        changed = False
        for index, op in enumerate(patch.get("ops", [])):
            try:
                changed = _apply_op(doc, op) or changed
            except (LookupError, ValueError, KeyError) as exc:
                raise PatchError(
                    f"spec patch {name!r} (operation {index + 1}, {op.get('op')} "
                    f"{op.get('path')}) no longer applies: {exc}. The vendor's spec changed "
                    f"there: update or drop this patch in openapi/patches.json."
                ) from exc
        (report.applied if changed else report.unnecessary).append(name)
    return doc, report


def load_patches(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text())
    patches = data["patches"]
    if not isinstance(patches, list):
        raise PatchError(f"{path}: 'patches' must be a list")
    return patches
