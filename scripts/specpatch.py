"""Apply the project's spec patches: RFC 6902 JSON Patch operations, strictly, and rules.

A patch is either

- **pinned**: ``ops`` whose ``path`` is a JSON pointer into the document; or
- a **rule**: ``rule`` selects places, and ``ops`` (pointers relative to each place) apply at
  every one of them, so an operation or schema the vendor adds later gets the same fix:

  - ``{"operations": "/PaymentGateway/*", "response": "409", "require": true}``: every
    operation whose path matches the glob (``*`` also crosses ``/``; optional ``methods``);
    with ``response``, the place is that response, and ``require`` makes an operation that
    does not declare it a problem (without it such operations are passed over);
  - ``{"schemas": "*", "where": {"additionalProperties": false}}``: every component schema
    whose name matches and which has those members.

Strict means every operation must find its target, so a patch whose target the vendor removed or
renamed stops the pipeline instead of being skipped:

- ``add``: the parent must exist (for an object member, adding over an existing member is
  allowed, as RFC 6902 says, except in a rule: there it would silently replace what the vendor
  now declares, so it is a problem when the values differ);
- ``replace`` / ``remove`` / ``test``: the target itself must exist;
- ``test``: the value must be equal;
- a ``$ref`` a patch writes must resolve in the patched document;
- a rule must match at least one place.

Every problem of every patch is collected, so one run lists them all. A patch every operation of
which changes nothing is reported as unnecessary: the vendor has made the same fix.
"""

from __future__ import annotations

import copy
import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
PATCHES_FILE = "openapi/patches.json"


@dataclass(frozen=True)
class Problem:
    """One reason a patch does not apply: which patch, where, and why."""

    patch: str
    where: str  # "GatewayRefund (PUT /PaymentGateway/refund)", "schema X" or a pointer
    step: str  # "operation 2 (replace /paths/...)" or "" for a whole-patch problem
    reason: str

    def line(self) -> str:
        step = f"{self.step}: " if self.step else ""
        return f"{self.where}: {step}{self.reason}"


class PatchError(Exception):
    """Patches do not apply to a spec; the message lists every problem, grouped by patch."""

    def __init__(self, problems: list[Problem], spec_name: str) -> None:
        self.problems = problems
        self.spec_name = spec_name
        super().__init__(format_problems(problems, spec_name))

    @property
    def patch_names(self) -> list[str]:
        return list(dict.fromkeys(p.patch for p in self.problems))


def format_problems(problems: list[Problem], spec_name: str) -> str:
    names = list(dict.fromkeys(p.patch for p in problems))
    lines = [
        f"{len(names)} spec patch{'es' if len(names) != 1 else ''} of {PATCHES_FILE} "
        f"no longer appl{'y' if len(names) != 1 else 'ies'} to {spec_name}:"
    ]
    for name in names:
        lines.append(f"- patch {name!r}:")
        lines += [f"    - {p.line()}" for p in problems if p.patch == name]
    lines.append(
        f"The vendor's spec changed there: update or drop these patches in {PATCHES_FILE} "
        f"(a rule covers new operations by itself)."
    )
    return "\n".join(lines)


@dataclass(frozen=True)
class PatchReport:
    applied: list[str] = field(default_factory=list)
    unnecessary: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


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
            missing = "/" + "/".join(escape(t) for t in tokens[: i + 1])
            raise LookupError(f"{pointer}: nothing at {missing}")
    return node


def _apply_op(doc: Any, op: dict[str, Any], *, keep_existing: bool = False) -> bool:
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
            if keep_existing and last in parent and parent[last] != value:
                raise LookupError(
                    f"{pointer}: the spec now declares its own value there "
                    f"({json.dumps(parent[last], sort_keys=True)[:160]})"
                )
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


# --- where a pointer lands, in words --------------------------------------------------------


def _operation_label(spec: dict[str, Any], path: str, method: str) -> str:
    op = spec.get("paths", {}).get(path, {}).get(method)
    if isinstance(op, dict):
        return f"{op.get('operationId', '?')} ({method.upper()} {path})"
    return f"{method.upper()} {path} (not in the spec)"


def describe(spec: dict[str, Any], pointer: str) -> str:
    """Name the API operation or schema a pointer is inside of, as a reviewer would."""
    try:
        tokens = _split(pointer)
    except ValueError:
        return pointer
    if len(tokens) >= 3 and tokens[0] == "paths" and tokens[2] in METHODS:
        return _operation_label(spec, tokens[1], tokens[2])
    if len(tokens) >= 2 and tokens[0] == "paths":
        return f"path {tokens[1]}" + (
            "" if tokens[1] in spec.get("paths", {}) else " (not in the spec)"
        )
    if len(tokens) >= 3 and tokens[:2] == ["components", "schemas"]:
        schemas = spec.get("components", {}).get("schemas", {})
        return f"schema {tokens[2]}" + ("" if tokens[2] in schemas else " (not in the spec)")
    return pointer


def _refs_in(value: Any) -> list[str]:
    found: list[str] = []
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str):
            found.append(ref)
        for item in value.values():
            found += _refs_in(item)
    elif isinstance(value, list):
        for item in value:
            found += _refs_in(item)
    return found


def _resolves(doc: Any, ref: str) -> bool:
    if not ref.startswith("#"):
        return True  # an external reference is the generator's business
    try:
        _walk(doc, _split(ref[1:]), ref)
    except (LookupError, ValueError):
        return False
    return True


# --- rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    base: str  # pointer prefix for the rule's ops
    where: str  # words for messages


def _rule_places(
    spec: dict[str, Any], name: str, rule: dict[str, Any]
) -> tuple[list[Place], list[Problem]]:
    places: list[Place] = []
    problems: list[Problem] = []
    if "operations" in rule:
        methods = [m.lower() for m in rule.get("methods", METHODS)]
        response = rule.get("response")
        for path, item in spec.get("paths", {}).items():
            if not fnmatch.fnmatchcase(path, rule["operations"]) or not isinstance(item, dict):
                continue
            for method in METHODS:
                op = item.get(method)
                if method not in methods or not isinstance(op, dict):
                    continue
                base = f"/paths/{escape(path)}/{method}"
                where = _operation_label(spec, path, method)
                if response is not None:
                    if str(response) not in op.get("responses", {}):
                        if rule.get("require"):
                            problems.append(
                                Problem(name, where, "", f"declares no {response} response")
                            )
                        continue
                    base += f"/responses/{escape(str(response))}"
                places.append(Place(base, where))
    elif "schemas" in rule:
        where_members = rule.get("where", {})
        for schema_name, schema in spec.get("components", {}).get("schemas", {}).items():
            if not fnmatch.fnmatchcase(schema_name, rule["schemas"]):
                continue
            if not isinstance(schema, dict):
                continue
            if all(k in schema and schema[k] == v for k, v in where_members.items()):
                places.append(
                    Place(f"/components/schemas/{escape(schema_name)}", f"schema {schema_name}")
                )
    else:
        problems.append(Problem(name, "rule", "", "selects neither 'operations' nor 'schemas'"))
    if not places and not problems:
        problems.append(
            Problem(name, "rule", "", f"matches nothing in the spec: {json.dumps(rule)}")
        )
    return places, problems


# --- entry points ---------------------------------------------------------------------------


def apply_patches(
    spec: dict[str, Any],
    patches: list[dict[str, Any]],
    *,
    spec_name: str = "the spec",
    strict: bool = True,
) -> tuple[Any, PatchReport]:
    """Return a patched copy of ``spec`` and what each patch did.

    With ``strict=False`` nothing is raised: whatever applies is applied and the problems are in
    the report. A failing operation is skipped, and a failing ``test`` also skips the operations
    it guards (up to the next ``test``). This is for change reports only (the old side, whose
    patches may since have been edited for the new spec, and a refused new side), never for
    generation.

    Raises:
        PatchError: some patches do not apply; lists every problem of every patch.
    """
    doc = copy.deepcopy(spec)
    report = PatchReport()
    for patch in patches:
        name = str(patch.get("name", "<unnamed>"))
        found: list[Problem] = []
        changed = False
        if "rule" in patch:
            places, found = _rule_places(doc, name, patch["rule"])
        else:
            places = [Place("", "")]
        for place in places:
            guarded = False
            for index, op in enumerate(patch.get("ops", [])):
                pointer = place.base + str(op.get("path", ""))
                step = f"operation {index + 1} ({op.get('op')} {pointer})"
                where = place.where or describe(spec, pointer)
                if op.get("op") == "test":
                    guarded = False
                elif guarded:
                    continue
                dangling = [ref for ref in _refs_in(op.get("value")) if not _resolves(doc, ref)]
                if dangling:
                    found += [
                        Problem(
                            name, where, step, f"writes $ref {ref}, which the spec does not define"
                        )
                        for ref in dangling
                    ]
                    continue
                try:
                    concrete = {**op, "path": pointer}
                    changed = _apply_op(doc, concrete, keep_existing="rule" in patch) or changed
                except (LookupError, ValueError, KeyError) as exc:
                    found.append(Problem(name, where, step, str(exc)))
                    guarded = op.get("op") == "test"
        report.problems.extend(found)
        if not found:
            (report.applied if changed else report.unnecessary).append(name)
    if report.problems and strict:
        raise PatchError(report.problems, spec_name)
    return doc, report


def load_patches(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text())
    patches = data["patches"]
    if not isinstance(patches, list):
        raise ValueError(f"{path}: 'patches' must be a list")
    return patches
