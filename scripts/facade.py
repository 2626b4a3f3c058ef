"""Render the typed facade and the request parameter types from the patched spec.

The operation table (method, path, parameters, body, success shape) and the request schemas are
read here; the Python text comes from Jinja templates under openapi/templates/facade/, as the
generator's own does. Two generated modules of the overlay come out of it:

- ``_generated_facade.py``: one method per operation (named by openapi/operations.yaml), built
  from the operation table and the models' public ``to_dict``/``from_dict``;
- ``_generated_params.py``: a ``TypedDict`` per request schema (``ChargeParams``, ...), the
  field tables that check a mapping body at run time, and the ISO 4217 minor units the client
  checks amounts against (from the project's one table, ``ISO4217``: the client reads no data
  file at run time).
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml
from openapi_python_client.strings import ClassName, PythonIdentifier, snake_case
from operations_table import problems
from specnorm import normalize

METHOD_ORDER = ("get", "put", "post", "delete", "patch")
SUCCESS_CODES = ("200", "201", "202")
RESULT_SCHEMA = "Payments.OperationResult"
PARAM_LOCATIONS = ("path", "query", "header")
TEMPLATES = Path(__file__).resolve().parent.parent / "openapi" / "templates" / "facade"
ISO4217 = Path(__file__).resolve().parent.parent / "sandbox" / "orchestra_sandbox" / "iso4217.json"
MAX_DEPTH = 6
FILES = ("_generated_operations.py", "_generated_facade.py", "_generated_params.py")


@dataclass(frozen=True)
class Param:
    """A path, query or header parameter of an operation."""

    name: str
    python_name: str
    location: str
    required: bool
    python_type: str
    pattern: str | None
    description: str = ""  # the spec's first sentence, for the docstring


@dataclass(frozen=True)
class BodyField:
    """A top-level field of a request body, as a method's docstring lists it."""

    name: str
    python_type: str
    required: bool
    description: str


@dataclass(frozen=True)
class Raised:
    """An exception a facade method raises: when, and what the caller does then."""

    exception: str
    when: str


@dataclass(frozen=True)
class Op:
    operation_id: str
    method: str
    path: str
    resource: str
    method_name: str
    retry: str
    summary: str
    params: tuple[Param, ...]
    body_kind: str | None  # "model", "str" (a JSON string body) or None
    body_class: str | None
    body_module: str | None
    body_params: str | None  # the TypedDict accepted in place of the model
    body_required: bool
    body_media: str  # the request body's media type, sent as Content-Type
    success: str  # "object" | "array" | "empty"
    success_class: str | None
    success_module: str | None
    checks_result: bool
    deprecated: bool = False  # the spec's `deprecated: true`: the method warns
    reported_as: str | None = None  # what a status lookup calls it once landed (money only)
    found_by: str | None = None  # "myRef" | "refTransId": how reconcile looks it up
    lookup: bool = False  # a status lookup (its 409 is "not found", not a decline)
    endpoint: str = ""  # the generated endpoint module: orchestra_api.api.<endpoint>
    gone_when_done: bool = False  # a 404 after a try whose answer was lost: it was done
    body_fields: tuple[BodyField, ...] = ()  # the body's top-level fields, for the docstring
    response_codes: tuple[str, ...] = ()  # the statuses the (patched) spec declares

    @property
    def raises(self) -> tuple[Raised, ...]:
        """What the method raises, for its docstring's ``Raises:`` section."""
        return raised(self)

    @property
    def endpoint_name(self) -> str:
        """The name the generated ``_get_kwargs`` gives the operation (its module's name)."""
        return self.endpoint.rsplit(".", 1)[-1]

    @property
    def const(self) -> str:
        return "OP_" + snake_case(self.operation_id).upper()

    @property
    def path_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "path")

    @property
    def query_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "query")

    @property
    def header_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "header")

    @property
    def path_regex(self) -> str:
        parts = re.split(r"(\{[^}]+\})", self.path)
        return "^" + "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "$"

    @property
    def url_expression(self) -> str:
        """The request path as a Python expression (an f-string when it has parameters)."""
        if not self.path_params:
            return repr(self.path)
        by_name = {p.name: p.python_name for p in self.path_params}
        text = re.sub(
            r"\{([^}]+)\}",
            lambda m: "{quote(" + by_name[m.group(1)] + ', safe="")}',
            self.path,
        )
        return "f" + repr(text)


@dataclass
class Shape:
    """A request schema: the TypedDict and the field table derived from it."""

    schema: str
    params: str  # the TypedDict's name
    const: str  # the field table's name
    fields: list[tuple[str, bool, str]] = field(default_factory=list)  # name, required, type
    descriptions: dict[str, str] = field(default_factory=dict)  # field -> the spec's words
    nested: list[tuple[str, str]] = field(default_factory=list)  # field, table of the object
    lists: list[tuple[str, str]] = field(default_factory=list)  # field, table of each item

    @property
    def plain(self) -> bool:
        """Whether every field name can be a class-syntax TypedDict key."""
        return all(name.isidentifier() and not keyword.iskeyword(name) for name in self.names)

    @property
    def names(self) -> list[str]:
        return sorted(name for name, _, _ in self.fields)

    @property
    def required(self) -> list[str]:
        return sorted(name for name, required, _ in self.fields if required)


def class_of(ref: str, overrides: dict[str, Any]) -> tuple[str, str]:
    schema = ref.rsplit("/", 1)[-1]
    generated = ClassName(schema, "field_")
    override = overrides.get(generated) or {}
    name = override.get("class_name") or generated
    module = override.get("module_name") or snake_case(name)
    return str(name), str(module)


def params_name(class_name: str) -> str:
    """``ChargeRequest`` -> ``ChargeParams``, ``Card`` -> ``CardParams``."""
    for suffix in ("Request", "Input"):
        if class_name.endswith(suffix) and class_name != suffix:
            return class_name[: -len(suffix)] + "Params"
    return class_name + "Params"


class Shapes:
    """Every object schema a request body reaches, leaves first (a table names only tables
    defined before it)."""

    def __init__(self, spec: dict[str, Any], overrides: dict[str, Any]) -> None:
        self.schemas: dict[str, Any] = spec["components"]["schemas"]
        self.overrides = overrides
        self.by_schema: dict[str, Shape] = {}
        self.order: list[Shape] = []
        self.enums: dict[str, tuple[str, str, list[str]]] = {}  # class -> (module, class, values)

    def add(self, ref: str, depth: int = 0) -> Shape:
        schema_name = ref.rsplit("/", 1)[-1]
        if schema_name in self.by_schema:
            return self.by_schema[schema_name]
        if depth > MAX_DEPTH:
            raise ValueError(f"request schema {schema_name} nests deeper than {MAX_DEPTH} levels")
        class_name, _ = class_of(ref, self.overrides)
        name = params_name(class_name)
        shape = Shape(schema_name, name, snake_case(name).upper() + "_FIELDS")
        schema = self.schemas[schema_name]
        required = set(schema.get("required", []))
        for prop, spec in schema.get("properties", {}).items():
            python_type = self.type_of(prop, spec, shape, depth)
            shape.fields.append((prop, prop in required, python_type))
            shape.descriptions[prop] = first_sentence(spec.get("description"))
        self.by_schema[schema_name] = shape
        self.order.append(shape)
        return shape

    def _object(self, ref: str) -> bool:
        target = self.schemas[ref.rsplit("/", 1)[-1]]
        return target.get("type") == "object" or "properties" in target

    def type_of(self, prop: str, spec: dict[str, Any], shape: Shape, depth: int) -> str:
        ref = spec.get("$ref") or next(
            (s["$ref"] for s in spec.get("allOf", []) if "$ref" in s), None
        )
        nullable = " | None" if spec.get("nullable") else ""
        if ref:
            if self._object(ref):
                inner = self.add(ref, depth + 1)
                shape.nested.append((prop, inner.const))
                return inner.params + nullable
            return self.enum_type(ref) + nullable
        kind = spec.get("type")
        if kind == "array":
            items = spec.get("items", {})
            item_ref = items.get("$ref")
            if item_ref and self._object(item_ref):
                inner = self.add(item_ref, depth + 1)
                shape.lists.append((prop, inner.const))
                return f"Sequence[{inner.params}]" + nullable
            return f"Sequence[{self.type_of(prop, items, shape, depth)}]" + nullable
        # A number may be a Decimal: the client sends it exactly as written.
        scalar = {"string": "str", "integer": "int", "number": "float | Decimal", "boolean": "bool"}
        if kind in scalar:
            return scalar[kind] + nullable
        return "Any"

    def enum_type(self, ref: str) -> str:
        target = self.schemas[ref.rsplit("/", 1)[-1]]
        if "enum" not in target:
            return "Any"
        class_name, module = class_of(ref, self.overrides)
        values = [str(v) for v in target["enum"]]
        self.enums[class_name] = (module, class_name, values)
        return f"{class_name} | {class_name}Value"


def first_sentence(text: Any) -> str:
    """The first sentence of a spec description as plain text for a docstring: HTML tags
    dropped, whitespace collapsed, nothing that could end the docstring or escape."""
    if not isinstance(text, str):
        return ""
    plain = " ".join(re.sub(r"<[^>]+>", "", text).split())
    plain = plain.replace("\\", "/").replace('"', "'")
    match = re.match(r"(.+?[.!?])(\s|$)", plain)
    return (match.group(1) if match else plain).strip()


# What a facade method raises and what its caller does then: (applies to, exception, when).
# "applies to" is a retry class (money, safe, once), "not-money" (safe and once), "all", a
# declared status ("404", "409": not for money operations and lookups, which have their own
# rows) or "lookup" (a status lookup). Rendered into each method's ``Raises:`` section.
RAISES: tuple[tuple[str, str, str], ...] = (
    (
        "money",
        "OutcomeUnknownError",
        "The answer was lost or cannot be trusted (no answer, a 5xx from Orchestra or a "
        "proxy, a body that cannot be read, a `TemporaryFailure` result): the money may have "
        "moved. Never send it again blindly: `client.payment_gateway.reconcile(error)` says "
        "whether it happened (`succeeded`, `declined`, `not_found` or `undetermined`).",
    ),
    (
        "money",
        "GatewayRejectedError",
        "The gateway declined it (a 409, or a `Rejected` or `NotImplemented` result): no money "
        "moved; `.gateway_result_code` and `.gateway_result_description` say why.",
    ),
    ("money", "GatewayError", "The gateway reported a `FatalFailure`: the operation failed."),
    (
        "lookup",
        "TransactionNotFoundError",
        "The gateway knows no such transaction (yet). Not a decline: right after a lost "
        "answer, `client.payment_gateway.reconcile(...)` asks again over a bounded wait.",
    ),
    (
        "409",
        "GatewayRejectedError",
        "The payment gateway refused the request (409); `.result` holds its answer.",
    ),
    ("404", "NotFoundError", "Nothing by that name or token exists (404)."),
    ("not-money", "GatewayError", "The payment gateway failed (500)."),
    ("not-money", "GatewayUnavailableError", "503 after every retry: try again later."),
    (
        "not-money",
        "UnexpectedResponseError",
        "An answer that cannot be used (an undocumented status, a body that cannot be "
        "decoded, a proxy's HTML page); `.excerpt` shows its start, redacted.",
    ),
    (
        "all",
        "BadRequestError",
        "Orchestra refused the request (400): `.field_name` names the field and `.errors` "
        "says why. Nothing was processed: fix the field, then send it again.",
    ),
    (
        "all",
        "RequestValidationError",
        "The input was refused before sending (a missing required field, an unknown key, an "
        "amount with more decimals than its currency has...): nothing was sent; `.field` "
        "names the field.",
    ),
    (
        "all",
        "AuthenticationError",
        "The API key was refused (401): check `api_key=` or `ORCHESTRA_API_KEY`.",
    ),
    ("all", "RateLimitError", "429 after every retry: nothing was processed; send it later."),
    (
        "money",
        "APIConnectionError",
        "The connection never opened (after the retries): nothing was sent, so sending it "
        "again is safe.",
    ),
    (
        "safe",
        "APIConnectionError",
        "No connection, or no answer, after every retry: calling it again is safe.",
    ),
    (
        "once",
        "APIConnectionError",
        "No connection after the retries, or the connection was lost after sending (not "
        "retried: a second try could store a second token or start a second session): check "
        "before sending it again.",
    ),
    (
        "all",
        "APITimeoutError",
        "A timeout: the call's time budget (`timeout=`, `deadline=`) ran out, or (on calls "
        "that move no money) an answer never came after the retries.",
    ),
    ("all", "ClientClosedError", "The client was closed: nothing was sent."),
)


def raised(op: Op) -> tuple[Raised, ...]:
    """The rows of ``RAISES`` that apply to ``op``, in the table's order."""
    kinds = {"all", op.retry, "money" if op.retry == "money" else "not-money"}
    if op.lookup:
        kinds.add("lookup")
    if op.retry != "money" and not op.lookup and "409" in op.response_codes:
        kinds.add("409")
    if "404" in op.response_codes:
        kinds.add("404")
    return tuple(Raised(exc, when) for kind, exc, when in RAISES if kind in kinds)


def _param(p: dict[str, Any]) -> Param:
    schema = p.get("schema", {})
    kind = {"integer": "int", "number": "float", "boolean": "bool"}.get(schema.get("type"), "str")
    return Param(
        name=p["name"],
        python_name=str(PythonIdentifier(p["name"], "field_")),
        location=p["in"],
        required=bool(p.get("required")) or p["in"] == "path",
        python_type=kind,
        pattern=schema.get("pattern"),
        description=first_sentence(p.get("description")),
    )


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    """A local ``$ref`` (a parameter, request body or response) replaced by its target."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < MAX_DEPTH:
        target: Any = spec
        for token in node["$ref"].lstrip("#/").split("/"):
            target = target.get(token.replace("~1", "/").replace("~0", "~"), {})
        node, seen = target, seen + 1
    return node


def collect(
    spec: dict[str, Any], table: dict[str, Any], overrides: dict[str, Any]
) -> tuple[list[Op], Shapes]:
    issues = problems(spec, table)  # the table's one check
    if issues:
        raise ValueError("\n".join(issues))
    ops: list[Op] = []
    shapes = Shapes(spec, overrides)
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method in METHOD_ORDER:
            if method not in item:
                continue
            o = item[method]
            op_id = o["operationId"]
            entry = table[op_id]
            resource, method_name = entry["facade"].split(".")
            where = f"{op_id} ({method.upper()} {path})"

            def unsupported(what: str, where: str = where) -> ValueError:
                return ValueError(
                    f"{where}: {what}: a shape the generated facade does not support "
                    f"(scripts/facade.py, openapi/templates/facade/); patch the spec "
                    f"(openapi/patches.json) or teach the facade generator"
                )

            raw_params = {}
            for p in [*shared, *o.get("parameters", [])]:
                p = _resolve(spec, p)
                if not isinstance(p, dict) or "name" not in p or "in" not in p:
                    raise unsupported(f"a parameter without a name or location: {p!r:.80}")
                raw_params[(p["in"], p["name"])] = p
            unsupported_params = [
                p["name"] for p in raw_params.values() if p["in"] not in PARAM_LOCATIONS
            ]
            if unsupported_params:
                raise unsupported(f"parameters in {PARAM_LOCATIONS}: {unsupported_params}")
            params = [_param(p) for p in raw_params.values()]
            # Required first, so that the signature keeps Python's argument order.
            params.sort(key=lambda p: (p.location != "path", not p.required))
            body_kind = body_class = body_module = body_params = None
            body_fields: tuple[BodyField, ...] = ()
            rb = _resolve(spec, o.get("requestBody"))
            media = "application/json"
            if rb:
                schema = (rb.get("content", {}).get(media) or {}).get("schema")
                if not isinstance(schema, dict):
                    raise unsupported(
                        f"a request body that is not JSON ({', '.join(rb.get('content', {}))})"
                    )
                if "$ref" in schema:
                    body_kind = "model"
                    body_class, body_module = class_of(schema["$ref"], overrides)
                    body_shape = shapes.add(schema["$ref"])
                    body_params = body_shape.params
                    # Required fields first, then by name.
                    body_fields = tuple(
                        BodyField(name, python_type, required, body_shape.descriptions[name])
                        for name, required, python_type in sorted(
                            body_shape.fields, key=lambda f: (not f[1], f[0])
                        )
                    )
                elif schema.get("type") == "string":
                    body_kind = "str"
                else:
                    raise unsupported("a request body that is neither a named schema nor a string")
            success, success_class, success_module = "empty", None, None
            schema_ref = None
            for code in SUCCESS_CODES:
                content = _resolve(spec, o["responses"].get(code, {})).get("content")
                if content:
                    schema = (content.get("application/json") or {}).get("schema")
                    if not isinstance(schema, dict):
                        raise unsupported(
                            f"a {code} answer that is not JSON ({', '.join(content)})"
                        )
                    if schema.get("type") == "array" and "$ref" in schema.get("items", {}):
                        success, schema_ref = "array", schema["items"]["$ref"]
                    elif "$ref" in schema:
                        success, schema_ref = "object", schema["$ref"]
                    else:
                        raise unsupported(
                            f"a {code} answer that is neither a named schema nor an array of one"
                        )
                    break
            if schema_ref:
                success_class, success_module = class_of(schema_ref, overrides)
            ops.append(
                Op(
                    operation_id=op_id,
                    method=method.upper(),
                    path=path,
                    resource=resource,
                    method_name=method_name,
                    retry=entry["retry"],
                    summary=(o.get("summary") or op_id).strip().rstrip("."),
                    params=tuple(params),
                    body_kind=body_kind,
                    body_class=body_class,
                    body_module=body_module,
                    body_params=body_params,
                    body_required=bool(rb and rb.get("required")),
                    body_media=media,
                    success=success,
                    success_class=success_class,
                    success_module=success_module,
                    deprecated=bool(o.get("deprecated")),
                    reported_as=entry.get("reported_as"),
                    found_by=entry.get("found_by"),
                    lookup=bool(entry.get("lookup")),
                    endpoint=".".join(
                        (
                            snake_case((o.get("tags") or ["default"])[0]),
                            str(PythonIdentifier(op_id, "field_")),
                        )
                    ),
                    gone_when_done=bool(entry.get("gone_when_done")),
                    body_fields=body_fields,
                    response_codes=tuple(sorted(str(code) for code in o["responses"])),
                    checks_result=(
                        schema_ref is not None
                        and schema_ref.endswith(RESULT_SCHEMA)
                        and entry["retry"] == "money"
                    ),
                )
            )
    return ops, shapes


def pattern_of(param: Param) -> str:
    pattern = param.pattern or ".+"
    if not pattern.startswith("^"):
        pattern = "^" + pattern
    if not pattern.endswith("$"):
        pattern += "$"
    return pattern


def pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 (Python source, not HTML)
    )
    env.filters["pascal"] = pascal
    env.filters["py"] = repr
    env.filters["add_suffix"] = lambda text, suffix: f"{text}{suffix}"
    env.filters["pattern"] = pattern_of
    env.filters["regex_prefix"] = lambda path: path.split("{token}", 1)[0]
    env.tests["containing"] = lambda text, part: part in text
    return env


def minor_units(path: Path = ISO4217) -> list[tuple[str, int]]:
    """The ISO 4217 table's codes that have minor units, with them, by code."""
    table: dict[str, int | None] = json.loads(path.read_text("utf-8"))["minorUnits"]
    return sorted((code, units) for code, units in table.items() if units is not None)


def render_all(spec: dict[str, Any], table_path: Path, config_path: Path) -> dict[str, str]:
    """The generated modules' text, by file name."""
    table = yaml.safe_load(table_path.read_text())
    config = yaml.safe_load(config_path.read_text())
    # 3.1 spellings (type arrays, anyOf with null, ...) read as their 3.0 equivalents.
    ops, shapes = collect(normalize(spec), table, config.get("class_overrides") or {})
    resources: dict[str, list[Op]] = {}
    for op in ops:
        resources.setdefault(op.resource, []).append(op)
    models = sorted(
        {
            (module, cls)
            for op in ops
            for cls, module in (
                (op.body_class, op.body_module),
                (op.success_class, op.success_module),
            )
            if cls and module
        }
    )
    env = environment()
    context = {
        "ops": ops,
        "resources": resources,
        "models": models,
        "shapes": shapes.order,
        "enums": sorted(shapes.enums.values()),
        "by_params": {s.params: s for s in shapes.order},
        "minor_units": minor_units(),
    }
    return {name: env.get_template(name + ".jinja").render(context) for name in FILES}
