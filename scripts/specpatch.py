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

Each operation is applied by ``jsonpatch`` (RFC 6902, pointers by ``jsonpointer``), one at a time
so that a failure names its patch and operation. What jsonpatch has no notion of stays here:
rules and their places, the rule's no-overwrite ``add``, the ban on whole-document operations,
``$ref`` checks, "changed nothing" (unnecessary patches), collecting every problem, the lenient
mode, and messages that say where the document stops instead of printing its parent.
"""

from __future__ import annotations

import copy
import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonpatch import JsonPatch, JsonPatchException, JsonPatchTestFailed
from jsonpointer import JsonPointer, JsonPointerException, escape

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
PATCHES_FILE = "openapi/patches.json"
_ABSENT = object()


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


def _at(doc: Any, parts: list[str]) -> Any:
    """The value at ``parts``, or ``_ABSENT``."""
    return JsonPointer.from_parts(parts).resolve(doc, _ABSENT)


def _nothing_at(doc: Any, parts: list[str]) -> str | None:
    """The shortest prefix of ``parts`` that leads nowhere, as a pointer (None: all exist)."""
    for end in range(1, len(parts) + 1):
        if _at(doc, parts[:end]) is _ABSENT:
            return JsonPointer.from_parts(parts[:end]).path
    return None


def _apply_op(doc: Any, op: dict[str, Any], *, keep_existing: bool = False) -> bool:
    """Apply one operation in place (jsonpatch); return whether it changed the document.

    Ours, around the RFC: no operation on the whole document; in a rule (``keep_existing``),
    ``add`` never replaces a value the vendor now declares; a failure names the pointer where
    the document stops, not jsonpatch's dump of the whole parent.
    """
    pointer = op.get("path")
    if not isinstance(pointer, str):
        raise ValueError(f"operation without a path: {op!r}")
    try:
        parts = JsonPointer(pointer).parts
    except JsonPointerException:
        raise ValueError(f"not a JSON pointer: {pointer!r}") from None
    if not parts:
        raise ValueError("operations on the whole document are not allowed")
    kind, value = op.get("op"), op.get("value")
    parent, before = _at(doc, parts[:-1]), _at(doc, parts)
    overwrites = kind == "add" and isinstance(parent, dict) and before not in (_ABSENT, value)
    if keep_existing and overwrites:
        raise LookupError(
            f"{pointer}: the spec now declares its own value there "
            f"({json.dumps(before, sort_keys=True)[:160]})"
        )
    try:
        JsonPatch([op]).apply(doc, in_place=True)
    except (JsonPatchException, JsonPointerException) as exc:
        stops = _nothing_at(doc, parts[:-1] if kind == "add" else parts)
        if stops is not None:
            raise LookupError(f"{pointer}: nothing at {stops}") from None
        if isinstance(exc, JsonPatchTestFailed):
            raise LookupError(f"{pointer}: expected {value!r}, found {before!r}") from None
        raise LookupError(f"{pointer}: {exc}") from None
    if kind in ("add", "replace"):
        return (kind == "add" and isinstance(parent, list)) or before != value
    return kind != "test"


# --- where a pointer lands, in words --------------------------------------------------------


def _operation_label(spec: dict[str, Any], path: str, method: str) -> str:
    op = spec.get("paths", {}).get(path, {}).get(method)
    if isinstance(op, dict):
        return f"{op.get('operationId', '?')} ({method.upper()} {path})"
    return f"{method.upper()} {path} (not in the spec)"


def describe(spec: dict[str, Any], pointer: str) -> str:
    """Name the API operation or schema a pointer is inside of, as a reviewer would."""
    try:
        tokens = JsonPointer(pointer).parts
    except JsonPointerException:
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
        return JsonPointer(ref[1:]).resolve(doc, _ABSENT) is not _ABSENT
    except JsonPointerException:
        return False


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
                    if "from" in op:
                        concrete["from"] = place.base + str(op["from"])
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
