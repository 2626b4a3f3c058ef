"""Render the typed facade (overlays/orchestra_payments/_facade.py) from the patched spec.

One method per operation, named by openapi/operations.yaml, calling the generated endpoint
module's request builder and parsing with the generated models. Per-endpoint code is generated
here so that the hand-written overlay stays endpoint-agnostic.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openapi_python_client.strings import ClassName, PythonIdentifier, snake_case

METHOD_ORDER = ("get", "put", "post", "delete", "patch")
SUCCESS_CODES = ("200", "201", "202")
RETRY_CLASSES = ("money", "safe", "once")
RESULT_SCHEMA = "Payments.OperationResult"


@dataclass(frozen=True)
class Param:
    name: str
    python_name: str
    pattern: str | None


@dataclass(frozen=True)
class Op:
    operation_id: str
    method: str
    path: str
    module: str
    resource: str
    method_name: str
    retry: str
    summary: str
    params: tuple[Param, ...]
    body_class: str | None  # a model class, "str" for a JSON string body, None for no body
    body_module: str | None
    body_required: tuple[Any, ...]  # required fields, nested: (name, required, children)
    success: str  # "object" | "array" | "empty"
    success_class: str | None
    success_module: str | None
    checks_result: bool


def _class_of(ref: str, overrides: dict[str, Any]) -> tuple[str, str]:
    schema = ref.rsplit("/", 1)[-1]
    generated = ClassName(schema, "field_")
    override = overrides.get(generated) or {}
    name = override.get("class_name") or generated
    module = override.get("module_name") or snake_case(name)
    return str(name), str(module)


def required_tree(spec: dict[str, Any], ref: str, depth: int = 0) -> tuple[Any, ...]:
    """The fields a request body must have: (name, required, children) for each field that is
    required, or an object whose own fields are (checked when present)."""
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    required = set(schema.get("required", []))
    tree: list[tuple[Any, ...]] = []
    for name, prop in schema.get("properties", {}).items():
        children: tuple[Any, ...] = ()
        if "$ref" in prop and depth < 4:
            target = spec["components"]["schemas"][prop["$ref"].rsplit("/", 1)[-1]]
            if target.get("type") == "object":
                children = required_tree(spec, prop["$ref"], depth + 1)
        if name in required or children:
            tree.append((name, name in required, children))
    return tuple(tree)


def _regex_for(path: str) -> str:
    parts = re.split(r"(\{[^}]+\})", path)
    return "^" + "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "$"


def collect(spec: dict[str, Any], table: dict[str, Any], overrides: dict[str, Any]) -> list[Op]:
    ops: list[Op] = []
    seen: set[str] = set()
    for path, item in spec["paths"].items():
        for method in METHOD_ORDER:
            if method not in item:
                continue
            o = item[method]
            op_id = o["operationId"]
            seen.add(op_id)
            entry = table.get(op_id)
            if entry is None:
                raise ValueError(
                    f"the spec has an operation {op_id} ({method.upper()} {path}) that "
                    f"openapi/operations.yaml does not list: add it with its facade name and "
                    f"retry class ({', '.join(RETRY_CLASSES)})"
                )
            if entry.get("retry") not in RETRY_CLASSES:
                raise ValueError(f"openapi/operations.yaml: {op_id} has no valid retry class")
            resource, method_name = entry["facade"].split(".")
            tag = o.get("tags", ["default"])[0]
            params = tuple(
                Param(
                    p["name"],
                    str(PythonIdentifier(p["name"], "field_")),
                    p.get("schema", {}).get("pattern"),
                )
                for p in o.get("parameters", [])
                if p.get("in") == "path"
            )
            body_class = body_module = None
            body_required: tuple[Any, ...] = ()
            rb = o.get("requestBody")
            if rb:
                schema = rb["content"]["application/json"]["schema"]
                if "$ref" in schema:
                    body_class, body_module = _class_of(schema["$ref"], overrides)
                    body_required = required_tree(spec, schema["$ref"])
                elif schema.get("type") == "string":
                    body_class = "str"
                else:
                    raise ValueError(f"{op_id}: request body shape not supported by the facade")
            success, success_class, success_module = "empty", None, None
            schema_ref = None
            for code in SUCCESS_CODES:
                content = o["responses"].get(code, {}).get("content")
                if content:
                    schema = content["application/json"]["schema"]
                    if schema.get("type") == "array":
                        success, schema_ref = "array", schema["items"]["$ref"]
                    else:
                        success, schema_ref = "object", schema["$ref"]
                    break
            if schema_ref:
                success_class, success_module = _class_of(schema_ref, overrides)
            ops.append(
                Op(
                    operation_id=op_id,
                    method=method.upper(),
                    path=path,
                    module=f"orchestra_api.api.{snake_case(tag)}.{snake_case(op_id)}",
                    resource=resource,
                    method_name=method_name,
                    retry=entry["retry"],
                    summary=(o.get("summary") or op_id).strip().rstrip("."),
                    params=params,
                    body_class=body_class,
                    body_module=body_module,
                    body_required=body_required,
                    success=success,
                    success_class=success_class,
                    success_module=success_module,
                    checks_result=(
                        schema_ref is not None
                        and schema_ref.endswith(RESULT_SCHEMA)
                        and entry["retry"] == "money"
                    ),
                )
            )
    stale = sorted(set(table) - seen)
    if stale:
        raise ValueError(
            f"openapi/operations.yaml lists operations the spec no longer has: "
            f"{', '.join(stale)}; remove them"
        )
    return ops


def _const(op: Op) -> str:
    return "OP_" + snake_case(op.operation_id).upper()


def _const_name(class_name: str) -> str:
    return snake_case(class_name).upper()


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _method(op: Op, *, is_async: bool, raw: bool) -> str:
    args: list[str] = [f"{p.python_name}: str" for p in op.params]
    if op.body_class == "str":
        args.append("body: str")
    elif op.body_class:
        args.append(f"body: {op.body_class} | Mapping[str, Any]")
    sig = ", ".join(
        ["self", *args, "*", "timeout: TimeoutTypes = None", "deadline: float | None = None"]
    )
    if op.success == "empty":
        result = "None"
    elif op.success == "array":
        result = f"list[{op.success_class}]"
    else:
        result = str(op.success_class)
    ret = f"ApiResponse[{result}]" if raw else result
    imports = [f"from {op.module.rsplit('.', 1)[0]} import {op.module.rsplit('.', 1)[1]}"]
    kwargs: list[str] = []
    for p in op.params:
        kwargs.append(
            f"{p.python_name}=check_param({p.name!r}, {p.python_name}, "
            f"{_const(op)}_{p.python_name.upper()})"
        )
    if op.body_class == "str":
        kwargs.append("body=check_str_body(body)")
    elif op.body_class:
        imports.append(f"from orchestra_api.models.{op.body_module} import {op.body_class}")
        kwargs.append(
            f"body=coerce_body({op.body_class}, body, REQUIRED_{_const_name(op.body_class)})"
        )
    if op.success_class:
        imports.append(f"from orchestra_api.models.{op.success_module} import {op.success_class}")
    if op.success == "object":
        parse = f"{op.success_class}.from_dict"
    elif op.success == "array":
        parse = f"parse_list({op.success_class}.from_dict)"
    else:
        parse = "None"
    module_alias = op.module.rsplit(".", 1)[1]
    call = (
        f"self._call({_const(op)}, {module_alias}._get_kwargs({', '.join(kwargs)}), "
        f"{parse}, timeout, deadline)"
    )
    if is_async:
        call = f"(await {call})" if not raw else f"await {call}"
    if raw:
        body = f"return {call}"
    elif op.success == "empty":
        body = call
    else:
        body = f"return {call}.parsed"
    money = (
        " Moves money: never retried after it may have reached Orchestra; an unknown "
        "outcome raises OutcomeUnknownError."
        if op.retry == "money"
        else ""
    )
    detail = textwrap.wrap(f"{op.method} {op.path}.{money}", width=80)
    doc = [f'    """{op.summary}.', "", *[f"    {line}" for line in detail], '    """']
    lines = [
        f"{'async ' if is_async else ''}def {op.method_name}({sig}) -> {ret}:",
        *doc,
        *[f"    {i}" for i in imports],
        f"    {body}",
    ]
    return "\n".join("    " + line for line in lines)


def render(ops: list[Op]) -> str:
    out: list[str] = [
        '"""Typed facade over the generated endpoints.',
        "",
        "GENERATED by scripts/facade.py from the patched spec and openapi/operations.yaml:",
        "do not edit; run `make generate`.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "import re",
        "from collections.abc import Mapping",
        "from functools import cached_property",
        "from typing import TYPE_CHECKING, Any",
        "",
        "from ._base import (",
        "    ApiResponse,",
        "    AsyncCaller,",
        "    AsyncResource,",
        "    Operation,",
        "    RequiredFields,",
        "    SyncCaller,",
        "    SyncResource,",
        "    TimeoutTypes,",
        "    check_param,",
        "    check_str_body,",
        "    coerce_body,",
        "    parse_list,",
        ")",
        "",
        "if TYPE_CHECKING:",
    ]
    model_imports = sorted(
        {
            f"    from orchestra_api.models.{m} import {c}"
            for op in ops
            for c, m in ((op.body_class, op.body_module), (op.success_class, op.success_module))
            if c and m
        }
    )
    out += [*model_imports, ""]
    for op in ops:
        out.append(
            f"{_const(op)} = Operation({op.operation_id!r}, {op.method!r}, {op.path!r}, "
            f"re.compile({_regex_for(op.path)!r}), retry={op.retry!r}, "
            f"success={op.success!r}, checks_result={op.checks_result!r})"
        )
        for p in op.params:
            pattern = p.pattern or ".+"
            if not pattern.startswith("^"):
                pattern = "^" + pattern
            if not pattern.endswith("$"):
                pattern += "$"
            out.append(f"{_const(op)}_{p.python_name.upper()} = re.compile({pattern!r})")
    out.append("")
    out.append("# Required request fields, nested as (name, required, children): a mapping body is")
    out.append("# checked against these and sent as given, without building the model.")
    done: set[str] = set()
    for op in ops:
        if op.body_class and op.body_class != "str" and op.body_class not in done:
            done.add(op.body_class)
            out.append(
                f"REQUIRED_{_const_name(op.body_class)}: RequiredFields = {op.body_required!r}"
            )
    out.append("")
    out.append("OPERATIONS: tuple[Operation, ...] = (")
    out += [f"    {_const(op)}," for op in ops]
    out.append(")")
    resources: dict[str, list[Op]] = {}
    for op in ops:
        resources.setdefault(op.resource, []).append(op)
    for is_async in (False, True):
        for raw in (False, True):
            for resource, rops in resources.items():
                cls = ("Async" if is_async else "") + _pascal(resource) + ("Raw" if raw else "")
                base = "AsyncResource" if is_async else "SyncResource"
                what = "raw responses (status, headers, bytes, parsed)" if raw else "parsed models"
                out += [
                    "",
                    "",
                    f"class {cls}({base}):",
                    f'    """{_pascal(resource)} operations returning {what}."""',
                    "",
                ]
                out += ["\n\n".join(_method(op, is_async=is_async, raw=raw) for op in rops)]
            prefix = "Async" if is_async else ""
            suffix = "Raw" if raw else ""
            caller = "AsyncCaller" if is_async else "SyncCaller"
            out += [
                "",
                "",
                f"class {prefix}Resources{suffix}:",
                f'    """The resources of the {prefix.lower() or "sync"} client, returning '
                f'{what}."""',
                "",
                f"    _facade_client: {caller}",
            ]
            for resource in resources:
                cls = prefix + _pascal(resource) + suffix
                out += [
                    "",
                    "    @cached_property",
                    f"    def {resource}(self) -> {cls}:",
                    f"        return {cls}(self._facade_client)",
                ]
    return "\n".join(out) + "\n"


def render_facade(spec: dict[str, Any], table_path: Path, config_path: Path) -> str:
    table = yaml.safe_load(table_path.read_text())
    config = yaml.safe_load(config_path.read_text())
    return render(collect(spec, table, config.get("class_overrides") or {}))
