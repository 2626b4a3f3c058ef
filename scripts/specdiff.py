"""What changed between two versions of the spec, for the services that use the client.

    python scripts/specdiff.py OLD NEW [--patched] [--output report.md] [--fail-on-breaking]

Exit status: 0 when the report is written (and, with --fail-on-breaking, nothing breaks);
1 with --fail-on-breaking when a change breaks callers; 2 when a file is unreadable (not JSON,
not an OpenAPI 3 document, or a $ref that points nowhere: scripts/specload.py).

A small differ of our own: no maintained OpenAPI diff installs from the registries this project
uses (oasdiff is a Go binary; the Python packages found are unmaintained or unproven), and the
questions asked here are narrow: operations, parameters, bodies, response codes and schema
properties, each change classified *breaking* or *non-breaking* for client users. Description
changes are counted, not listed.

Classification, from the side of Python code calling the client: a request that demands more
(a new required field or parameter, a tightened constraint: a larger minimum, a smaller maximum,
a new or changed pattern) breaks callers, a relaxed one does not; a response that promises less
(a removed field, a changed type, a field that may now be null or be absent) breaks callers; a
removed field or enum value breaks either way (the Python attribute or member disappears). An
enum value added is not breaking: the generated enums keep unknown values. Schemas are named
with their generated Python class, properties with their attribute, operations with their
facade method, where those names are given.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from specnorm import normalize

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
DESCRIPTIVE = {"description", "summary", "title", "example", "examples", "externalDocs"}
CONSTRAINTS = (
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "format",
    "multipleOf",
)
LOWER_BOUNDS = {"minLength", "minimum", "minItems"}
UPPER_BOUNDS = {"maxLength", "maximum", "maxItems"}


def tightened(constraint: str, old: Any, new: Any) -> bool:
    """Whether a request would be refused now that was accepted before."""
    if new is None or new is False:
        return False
    if old is None or old is False or isinstance(new, bool):
        return True
    if constraint in LOWER_BOUNDS and isinstance(old, int | float) and isinstance(new, int | float):
        return bool(new > old)
    if constraint in UPPER_BOUNDS and isinstance(old, int | float) and isinstance(new, int | float):
        return bool(new < old)
    return True  # a changed pattern, format or multipleOf may refuse what passed before


def _constraint_text(constraint: str, old: Any, new: Any) -> str:
    way = "tightened" if tightened(constraint, old, new) else "relaxed"
    return f"{constraint} {old!r} → {new!r} ({way})"


@dataclass(frozen=True)
class Change:
    group: str  # "Operations" | "Schemas" | "Document"
    subject: str  # "POST /PaymentGateway/charge (GatewayCharge)" | "Payments.OperationResult"
    breaking: bool
    text: str


@dataclass
class Report:
    changes: list[Change] = field(default_factory=list)
    descriptions: int = 0
    description_places: list[str] = field(default_factory=list)
    class_names: dict[str, str] = field(default_factory=dict)  # schema -> Python class
    facade_names: dict[str, str] = field(default_factory=dict)  # operationId -> facade method

    def add(self, group: str, subject: str, breaking: bool, text: str) -> None:
        self.changes.append(Change(group, subject, breaking, text))

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.breaking]

    def to_markdown(self, old_name: str, new_name: str) -> str:
        lines = [f"# Spec change report: `{old_name}` → `{new_name}`", ""]
        if not self.changes:
            lines.append(
                f"**No structural change.** {self.descriptions} description"
                f"{'s' if self.descriptions != 1 else ''} changed."
            )
        else:
            lines.append(
                f"**{len(self.breaking)} breaking, "
                f"{len(self.changes) - len(self.breaking)} non-breaking "
                f"change{'s' if len(self.changes) != 1 else ''}**; "
                f"{self.descriptions} description"
                f"{'s' if self.descriptions != 1 else ''} changed."
            )
        grouped: dict[str, dict[str, list[Change]]] = defaultdict(lambda: defaultdict(list))
        for change in self.changes:
            grouped[change.group][change.subject].append(change)
        for group in ("Operations", "Schemas", "Document"):
            if group not in grouped:
                continue
            lines += ["", f"## {group}"]
            for subject in sorted(grouped[group]):
                python = self.class_names.get(subject) if group == "Schemas" else None
                heading = f"{subject} (Python class `{python}`)" if python else subject
                lines += ["", f"### {heading}", ""]
                for c in sorted(grouped[group][subject], key=lambda c: (not c.breaking, c.text)):
                    lines.append(f"- {'**breaking**' if c.breaking else 'non-breaking'}: {c.text}")
        return "\n".join(lines) + "\n"


# --- helpers ------------------------------------------------------------------------------


def _operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): op
        for path, item in spec.get("paths", {}).items()
        for method, op in item.items()
        if method in METHODS
    }


def _label(key: tuple[str, str], op: dict[str, Any], report: Report) -> str:
    op_id = str(op.get("operationId", "?"))
    python = report.facade_names.get(op_id)
    return f"{key[0]} {key[1]} ({op_id}" + (f", `{python}`)" if python else ")")


def _prop(name: str) -> str:
    """A property as the spec and the generated model name it."""
    attribute = snake(name)
    return f"`{name}`" + (f" (`.{attribute}`)" if attribute != name else "")


def snake(name: str) -> str:
    try:
        from openapi_python_client.strings import snake_case
    except ImportError:  # the differ also runs without the generator installed
        return name
    return str(snake_case(name))


def _ref_name(schema: dict[str, Any] | None) -> str | None:
    if isinstance(schema, dict) and "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    return None


def _shape(schema: dict[str, Any] | None) -> str:
    """A short, comparable name for a schema: its $ref, or its type (of items)."""
    if schema is None:
        return "no body"
    ref = _ref_name(schema)
    if ref:
        return ref
    if "x-composed" in schema:  # allOf / oneOf / anyOf, named by specnorm
        return str(schema["x-composed"])
    if schema.get("type") == "array":
        return f"array of {_shape(schema.get('items'))}"
    if "type" in schema:
        return str(schema["type"])
    if "properties" in schema:
        return "object"
    return "any value (no type given)"


def _body_schema(holder: dict[str, Any] | None) -> dict[str, Any] | None:
    if not holder:
        return None
    content = holder.get("content") or {}
    media = content.get("application/json") or next(iter(content.values()), None)
    return media.get("schema") if isinstance(media, dict) else None


def _refs(value: Any, found: set[str]) -> None:
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str):
            found.add(ref.rsplit("/", 1)[-1])
        for item in value.values():
            _refs(item, found)
    elif isinstance(value, list):
        for item in value:
            _refs(item, found)


def schema_usage(spec: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Schema names reachable from request bodies / parameters, and from responses."""
    schemas = spec.get("components", {}).get("schemas", {})

    def closure(roots: set[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(roots)
        while todo:
            name = todo.pop()
            if name in seen or name not in schemas:
                continue
            seen.add(name)
            more: set[str] = set()
            _refs(schemas[name], more)
            todo.extend(more - seen)
        return seen

    request_roots: set[str] = set()
    response_roots: set[str] = set()
    for op in _operations(spec).values():
        _refs(op.get("requestBody"), request_roots)
        _refs(op.get("parameters"), request_roots)
        _refs(op.get("responses"), response_roots)
    return closure(request_roots), closure(response_roots)


def _count_descriptions(old: Any, new: Any, report: Report, where: str) -> None:
    """Count descriptive text that differs; structure is compared elsewhere."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old.keys() & new.keys():
            if key in DESCRIPTIVE and old[key] != new[key]:
                report.descriptions += 1
                report.description_places.append(f"{where}/{key}")
            elif key not in DESCRIPTIVE:
                _count_descriptions(old[key], new[key], report, f"{where}/{key}")
        for key in (old.keys() ^ new.keys()) & DESCRIPTIVE:
            report.descriptions += 1
            report.description_places.append(f"{where}/{key}")
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            key = a.get("name", i) if isinstance(a, dict) else i
            _count_descriptions(a, b, report, f"{where}/{key}")


# --- operations ---------------------------------------------------------------------------


def _diff_params(
    subject: str,
    old: dict[str, Any],
    new: dict[str, Any],
    report: Report,
    renamed: dict[str, str] | None = None,
) -> None:
    """Parameters compared by location and name; ``renamed`` maps old path parameter names to
    new ones (a path template whose placeholders were renamed: reported once, elsewhere)."""
    renamed = renamed or {}

    def index(op: dict[str, Any], names: dict[str, str]) -> dict[tuple[str, str], dict[str, Any]]:
        out = {}
        for p in op.get("parameters", []):
            if isinstance(p, dict):
                where, name = str(p.get("in", "?")), str(p.get("name", "?"))
                out[(where, names.get(name, name) if where == "path" else name)] = p
        return out

    before, after = index(old, renamed), index(new, {})
    for key in sorted(after.keys() - before.keys()):
        required = bool(after[key].get("required"))
        report.add(
            "Operations",
            subject,
            required,
            f"{'required' if required else 'optional'} {key[0]} parameter `{key[1]}` added",
        )
    for key in sorted(before.keys() - after.keys()):
        report.add("Operations", subject, True, f"{key[0]} parameter `{key[1]}` removed")
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        if bool(a.get("required")) != bool(b.get("required")):
            report.add(
                "Operations",
                subject,
                bool(b.get("required")),
                f"{key[0]} parameter `{key[1]}` became "
                f"{'required' if b.get('required') else 'optional'}",
            )
        if bool(a.get("deprecated")) != bool(b.get("deprecated")):
            report.add(
                "Operations",
                subject,
                False,
                f"{key[0]} parameter `{key[1]}` "
                + ("deprecated" if b.get("deprecated") else "no longer deprecated"),
            )
        sa, sb = a.get("schema", {}), b.get("schema", {})
        if _type_of(sa) != _type_of(sb):
            report.add(
                "Operations",
                subject,
                True,
                f"{key[0]} parameter `{key[1]}` type {_type_of(sa)} → {_type_of(sb)}",
            )
        for c in CONSTRAINTS:
            if sa.get(c) != sb.get(c):
                report.add(
                    "Operations",
                    subject,
                    tightened(c, sa.get(c), sb.get(c)),
                    f"{key[0]} parameter `{key[1]}` {_constraint_text(c, sa.get(c), sb.get(c))}",
                )


def _diff_responses(subject: str, old: dict[str, Any], new: dict[str, Any], report: Report) -> None:
    before, after = old.get("responses", {}), new.get("responses", {})
    for code in sorted(after.keys() - before.keys()):
        report.add(
            "Operations",
            subject,
            False,
            f"response {code} added ({_shape(_body_schema(after[code]))})",
        )
    for code in sorted(before.keys() - after.keys()):
        report.add("Operations", subject, code.startswith("2"), f"response {code} removed")
    for code in sorted(before.keys() & after.keys()):
        a, b = _body_schema(before[code]), _body_schema(after[code])
        if _shape(a) == _shape(b):
            continue
        if a is None:
            report.add("Operations", subject, False, f"response {code}: body {_shape(b)} added")
        elif b is None:
            report.add("Operations", subject, True, f"response {code}: body {_shape(a)} removed")
        else:
            report.add(
                "Operations", subject, True, f"response {code}: body {_shape(a)} → {_shape(b)}"
            )


def _diff_operation(
    key: tuple[str, str],
    old: dict[str, Any],
    new: dict[str, Any],
    report: Report,
    renamed: dict[str, str] | None = None,
) -> None:
    subject = _label(key, new, report)
    if bool(old.get("deprecated")) != bool(new.get("deprecated")):
        python = report.facade_names.get(str(new.get("operationId")))
        report.add(
            "Operations",
            subject,
            False,
            "operation deprecated by the vendor"
            + (f" (`{python}` now warns with DeprecationWarning)" if python else "")
            if new.get("deprecated")
            else "operation no longer deprecated",
        )
    if old.get("operationId") != new.get("operationId"):
        report.add(
            "Operations",
            subject,
            True,
            f"operationId `{old.get('operationId')}` → "
            f"`{new.get('operationId')}` (generated function and module renamed)",
        )
    _diff_params(subject, old, new, report, renamed)
    a, b = _body_schema(old.get("requestBody")), _body_schema(new.get("requestBody"))
    if _shape(a) != _shape(b):
        report.add("Operations", subject, True, f"request body {_shape(a)} → {_shape(b)}")
    ra = bool((old.get("requestBody") or {}).get("required"))
    rb = bool((new.get("requestBody") or {}).get("required"))
    if a is not None and b is not None and ra != rb:
        report.add(
            "Operations", subject, rb, f"request body became {'required' if rb else 'optional'}"
        )
    _diff_responses(subject, old, new, report)


# --- schemas ------------------------------------------------------------------------------


def _type_of(schema: dict[str, Any]) -> str:
    return (
        _shape(schema)
        if "$ref" in schema or "x-composed" in schema or schema.get("type") == "array"
        else _shape(schema) + (f" ({schema['format']})" if "format" in schema else "")
    )


def _diff_schema(
    name: str,
    old: dict[str, Any],
    new: dict[str, Any],
    used_in_request: bool,
    used_in_response: bool,
    report: Report,
) -> None:
    def add(breaking: bool, text: str) -> None:
        report.add("Schemas", name, breaking, text)

    if old.get("type") != new.get("type"):
        add(True, f"type {old.get('type')} → {new.get('type')}")
    if bool(old.get("deprecated")) != bool(new.get("deprecated")):
        add(False, "schema deprecated" if new.get("deprecated") else "schema no longer deprecated")
    old_enum, new_enum = old.get("enum"), new.get("enum")
    if isinstance(old_enum, list) and isinstance(new_enum, list):
        for value in [v for v in new_enum if v not in old_enum]:
            add(False, f"enum value `{value}` added")
        for value in [v for v in old_enum if v not in new_enum]:
            add(True, f"enum value `{value}` removed (the Python enum member goes)")
    props_a, props_b = old.get("properties", {}), new.get("properties", {})
    req_a, req_b = set(old.get("required", [])), set(new.get("required", []))
    for prop in sorted(props_b.keys() - props_a.keys()):
        required = prop in req_b
        add(
            required and used_in_request,
            f"property {_prop(prop)} added ({'required' if required else 'optional'}, "
            f"{_type_of(props_b[prop])})",
        )
    for prop in sorted(props_a.keys() - props_b.keys()):
        add(True, f"property {_prop(prop)} removed")
    for prop in sorted(props_a.keys() & props_b.keys()):
        a, b = props_a[prop], props_b[prop]
        if _type_of(a) != _type_of(b):
            add(True, f"property {_prop(prop)} type {_type_of(a)} → {_type_of(b)}")
        if bool(a.get("deprecated")) != bool(b.get("deprecated")):
            add(
                False,
                f"property {_prop(prop)} "
                + ("deprecated" if b.get("deprecated") else "no longer deprecated"),
            )
        if bool(a.get("nullable")) != bool(b.get("nullable")):
            became = bool(b.get("nullable"))
            add(
                used_in_response if became else used_in_request,
                f"property {_prop(prop)} became {'nullable' if became else 'non-nullable'}",
            )
        for c in CONSTRAINTS:
            if c != "format" and a.get(c) != b.get(c):
                add(
                    used_in_request and tightened(c, a.get(c), b.get(c)),
                    f"property {_prop(prop)} {_constraint_text(c, a.get(c), b.get(c))}",
                )
        ea, eb = a.get("enum"), b.get("enum")
        if isinstance(ea, list) and isinstance(eb, list) and ea != eb:
            for value in [v for v in eb if v not in ea]:
                add(False, f"property {_prop(prop)} enum value `{value}` added")
            for value in [v for v in ea if v not in eb]:
                add(True, f"property {_prop(prop)} enum value `{value}` removed")
    for prop in sorted((req_b - req_a) & props_b.keys() & props_a.keys()):
        add(used_in_request, f"property {_prop(prop)} became required")
    for prop in sorted((req_a - req_b) & props_b.keys()):
        add(used_in_response, f"property {_prop(prop)} became optional")
    if old.get("additionalProperties") != new.get("additionalProperties"):
        add(
            False,
            f"additionalProperties {old.get('additionalProperties')!r} → "
            f"{new.get('additionalProperties')!r}",
        )


# --- paths whose parameters were renamed ------------------------------------------------


def _template(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _placeholders(path: str) -> list[str]:
    return re.findall(r"\{([^}]+)\}", path)


def _report_renamed_paths(
    moved: dict[tuple[str, str], tuple[str, str]],
    ops_b: dict[tuple[str, str], dict[str, Any]],
    report: Report,
) -> None:
    """One change per renamed path, naming the Python arguments and every operation on it."""
    by_path: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for old_key, new_key in moved.items():
        by_path[(old_key[1], new_key[1])].append(new_key)
    for (old_path, new_path), keys in sorted(by_path.items()):
        pairs = [
            (a, b)
            for a, b in zip(_placeholders(old_path), _placeholders(new_path), strict=True)
            if a != b
        ]
        arguments = ", ".join(
            f"`{a}` renamed `{b}` (Python argument `{snake(a)}` → `{snake(b)}`)" for a, b in pairs
        )
        operations = ", ".join(
            f"{method} ({ops_b[(method, path)].get('operationId', '?')}"
            + (
                f", `{report.facade_names[str(ops_b[(method, path)].get('operationId'))]}`)"
                if str(ops_b[(method, path)].get("operationId")) in report.facade_names
                else ")"
            )
            for method, path in sorted(keys)
        )
        report.add(
            "Operations",
            f"{old_path} → {new_path}",
            True,
            f"path parameter {arguments}, in {operations}: callers passing it by keyword "
            "must rename it",
        )


# --- entry points -------------------------------------------------------------------------


def diff(
    old: dict[str, Any],
    new: dict[str, Any],
    *,
    class_names: dict[str, str] | None = None,
    facade_names: dict[str, str] | None = None,
) -> Report:
    """Every structural change from ``old`` to ``new``, classified for Python callers.

    ``class_names`` (schema -> generated class) and ``facade_names`` (operationId -> facade
    method) only add the Python names to the report.
    """
    report = Report(class_names=dict(class_names or {}), facade_names=dict(facade_names or {}))
    old, new = normalize(old), normalize(new)
    ops_a, ops_b = _operations(old), _operations(new)
    # A path whose placeholders were renamed ({name} -> {accountName}) is the same path.
    templates_b = {(m, _template(p)): (m, p) for m, p in ops_b}
    moved: dict[tuple[str, str], tuple[str, str]] = {}
    for key in sorted(ops_a.keys() - ops_b.keys()):
        twin = templates_b.get((key[0], _template(key[1])))
        if twin is not None and twin not in ops_a:
            moved[key] = twin
    _report_renamed_paths(moved, ops_b, report)
    for key in sorted(ops_b.keys() - ops_a.keys() - set(moved.values())):
        report.add("Operations", _label(key, ops_b[key], report), False, "operation added")
    for key in sorted(ops_a.keys() - ops_b.keys() - moved.keys()):
        report.add("Operations", _label(key, ops_a[key], report), True, "operation removed")
    for key in sorted(ops_a.keys() & ops_b.keys()):
        _diff_operation(key, ops_a[key], ops_b[key], report)
    for key, twin in sorted(moved.items()):
        names = dict(zip(_placeholders(key[1]), _placeholders(twin[1]), strict=True))
        _diff_operation(twin, ops_a[key], ops_b[twin], report, names)
    schemas_a = old.get("components", {}).get("schemas", {})
    schemas_b = new.get("components", {}).get("schemas", {})
    request_use, response_use = schema_usage(new)
    old_request, old_response = schema_usage(old)
    for name in sorted(schemas_b.keys() - schemas_a.keys()):
        report.add("Schemas", name, False, "schema added")
    for name in sorted(schemas_a.keys() - schemas_b.keys()):
        report.add("Schemas", name, True, "schema removed")
    for name in sorted(schemas_a.keys() & schemas_b.keys()):
        _diff_schema(
            name,
            schemas_a[name],
            schemas_b[name],
            name in request_use or name in old_request,
            name in response_use or name in old_response,
            report,
        )
    if old.get("openapi") != new.get("openapi"):
        report.add(
            "Document",
            "openapi",
            False,
            f"OpenAPI version {old.get('openapi')} → {new.get('openapi')} (the same schemas "
            "compare by meaning: 3.1 type arrays and 3.0 `nullable` alike)",
        )
    if old.get("servers") != new.get("servers"):
        report.add(
            "Document", "servers", True, f"servers {old.get('servers')} → {new.get('servers')}"
        )
    _count_descriptions(old, new, report, "")
    return report


def _load(path: Path) -> dict[str, Any]:
    from specload import load

    return load(path)


def python_names(spec: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Generated class per schema and facade method per operationId, from the project files."""
    # scripts/ is on sys.path: first when run as a file, through pytest's pythonpath in tests.
    from pynames import class_names

    scripts = Path(__file__).resolve().parent

    table_path = scripts.parent / "openapi" / "operations.yaml"
    facade: dict[str, str] = {}
    if table_path.is_file():
        import yaml

        table = yaml.safe_load(table_path.read_text()) or {}
        facade = {k: str(v["facade"]) for k, v in table.items() if isinstance(v, dict)}
    return class_names(spec), facade


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument(
        "--patched", action="store_true", help="apply openapi/patches.json to both sides first"
    )
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument(
        "--fail-on-breaking",
        action="store_true",
        help="exit 1 when a change breaks callers (for CI gates)",
    )
    args = parser.parse_args()
    from specload import SpecUnreadable

    try:
        old, new = _load(args.old), _load(args.new)
    except SpecUnreadable as exc:
        print(f"spec-diff: unreadable: {exc}", file=sys.stderr)
        return 2
    notes = ""
    if args.patched:
        from specpatch import apply_patches, format_problems, load_patches

        patches = load_patches(Path(__file__).resolve().parent.parent / "openapi" / "patches.json")
        for side, path in (("old", args.old), ("new", args.new)):
            doc = old if side == "old" else new
            patched, outcome = apply_patches(doc, patches, spec_name=path.name, strict=False)
            if outcome.problems:
                notes += (
                    "\n## Spec patches left out\n\n"
                    + format_problems(outcome.problems, path.name)
                    + "\n"
                )
            if side == "old":
                old = patched
            else:
                new = patched
    classes, facade = python_names(new)
    report = diff(old, new, class_names=classes, facade_names=facade)
    text = report.to_markdown(args.old.name, args.new.name) + notes
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text)
    print(text, end="")
    if args.fail_on_breaking and report.breaking:
        print(
            f"spec-diff: {len(report.breaking)} breaking change(s) (--fail-on-breaking)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
