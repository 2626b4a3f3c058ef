"""What changed in the Python API a service sees, between two generated trees (griffe, static).

Compared by Python name, from a caller's side:

- models (``orchestra_api.models``): a removed class, attribute or enum member, a changed
  attribute type and a new required constructor argument break callers; additions do not;
- endpoint functions (``orchestra_api.api.<tag>.<operation>.sync_detailed``) and the facade's
  methods (``<Resource>.<method>``): a removed function or parameter, a new required parameter,
  a changed parameter type or default, a positional parameter moved (or made keyword-only) and
  a changed return type break callers; a new optional parameter or method does not, nor does a
  return type that only gains members (a new response body), unless it gains ``None``.

griffe reads the trees; the comparison is ours. ``griffe.find_breaking_changes`` was weighed
and not adopted: it compares no annotations (parameter, attribute or return types), does not
see the constructor attrs writes (a new required field), and reports no additions, which the
report and the version proposal need (CONTRIBUTING, "What stays hand-written and why").

Each tree is a folder holding ``generated/orchestra_api`` and
``overlays/orchestra_payments/_generated_facade.py``, as ``scripts/generate.py --output-root``
writes. The facade writes each method once, on ``<Resource>Raw`` (the parsed twin on
``<Resource>`` takes the same parameters) and again on ``Async<Resource>Raw``: the sync raw
class stands for all four, under the resource's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import griffe

PACKAGE = "orchestra_api"
FACADE = Path("overlays") / "orchestra_payments" / "_generated_facade.py"
ENUM_BASES = {"Enum", "StrEnum", "IntEnum", "str"}


@dataclass(frozen=True)
class ApiChange:
    where: str  # "models" | "endpoints" | "facade"
    name: str  # Python name: "OperationResult.amount", "PaymentGateway.charge"
    breaking: bool
    text: str


@dataclass(frozen=True)
class Param:
    annotation: str
    default: str | None  # None: required
    position: int | None  # among the positional parameters; None: keyword-only


@dataclass(frozen=True)
class Signature:
    params: dict[str, Param]
    returns: str


@dataclass(frozen=True)
class Model:
    enum_members: dict[str, str] | None  # name -> value, for an enum
    attributes: dict[str, tuple[str, bool]]  # name -> (annotation, required in __init__)


@dataclass(frozen=True)
class Surface:
    models: dict[str, Model]
    endpoints: dict[str, Signature]
    facade: dict[str, Signature]


def _collection_load(root: Path) -> Any:
    return griffe.load(
        PACKAGE,
        search_paths=[root / "generated"],
        allow_inspection=False,
        modules_collection=griffe.ModulesCollection(),
        lines_collection=griffe.LinesCollection(),
    )


def _signature(fn: Any) -> Signature:
    params: dict[str, Param] = {}
    positional = 0
    for p in fn.parameters:
        kind = str(p.kind.value)
        if p.name in ("self", "cls") or kind.startswith("variadic"):
            continue
        position: int | None = None
        if kind != "keyword-only":
            position, positional = positional, positional + 1
        default = None if p.default is None else str(p.default)
        params[p.name] = Param(str(p.annotation or ""), default, position)
    return Signature(params, str(fn.returns or ""))


def _names(annotation: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][\w.]*", annotation))


def _param_changes(param: str, a: Param, b: Param) -> list[tuple[bool, str]]:
    """(breaking, text) for one parameter both signatures have."""
    out: list[tuple[bool, str]] = []
    if a.annotation != b.annotation:
        out.append((True, f"parameter `{param}` type `{a.annotation}` → `{b.annotation}`"))
    if b.default is None and a.default is not None:
        out.append((True, f"parameter `{param}` became required"))
    elif None not in (a.default, b.default) and a.default != b.default:
        # a call that leaves the argument out now sends something else
        out.append((True, f"parameter `{param}` default `{a.default}` → `{b.default}`"))
    if a.position is not None and b.position != a.position:
        where = f"position {b.position + 1}" if b.position is not None else "keyword-only"
        out.append((True, f"parameter `{param}` moved from position {a.position + 1} to {where}"))
    return out


def _model(cls: Any) -> Model:
    bases = {str(b).rsplit(".", 1)[-1] for b in cls.bases}
    attributes: dict[str, tuple[str, bool]] = {}
    members: dict[str, str] = {}
    for name, member in cls.members.items():
        if member.is_alias or not member.is_attribute or name.startswith("_"):
            continue
        if "property" in member.labels:
            continue
        if bases & ENUM_BASES:
            if member.value is not None:
                members[name] = str(member.value)
            continue
        value = str(member.value) if member.value is not None else None
        if value is not None and "init=False" in value:
            continue
        attributes[name] = (str(member.annotation or ""), value is None)
    return Model(members if bases & ENUM_BASES else None, attributes)


def _walk_classes(module: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for member in module.members.values():
        if member.is_alias:
            continue
        if member.is_module:
            found.update(_walk_classes(member))
        elif member.is_class and not member.name.startswith("_"):
            found[member.name] = member
    return found


def load_surface(root: Path, facade_path: Path = FACADE) -> Surface:
    package = _collection_load(root)
    models = {name: _model(cls) for name, cls in _walk_classes(package["models"]).items()}
    endpoints: dict[str, Signature] = {}
    for tag in package["api"].members.values():
        if tag.is_alias or not tag.is_module:
            continue
        for op in tag.members.values():
            if op.is_module and "sync_detailed" in op.members:
                endpoints[f"{tag.name}.{op.name}"] = _signature(op["sync_detailed"])
    facade: dict[str, Signature] = {}
    facade_file = root / facade_path
    if facade_file.is_file():
        module = griffe.visit(
            "_facade",
            filepath=facade_file,
            code=facade_file.read_text(),
            modules_collection=griffe.ModulesCollection(),
            lines_collection=griffe.LinesCollection(),
        )
        for cls in module.members.values():
            if cls.is_alias or not cls.is_class or cls.name.startswith(("_", "Async")):
                continue
            resource = cls.name.removesuffix("Raw")
            for name, fn in cls.members.items():
                if fn.is_alias or not fn.is_function or name.startswith("_"):
                    continue
                facade[f"{resource}.{name}"] = _signature(fn)
    return Surface(models, endpoints, facade)


def _diff_signatures(
    where: str, old: dict[str, Signature], new: dict[str, Signature], what: str
) -> list[ApiChange]:
    out: list[ApiChange] = []
    for name in sorted(new.keys() - old.keys()):
        out.append(ApiChange(where, name, False, f"{what} added"))
    for name in sorted(old.keys() - new.keys()):
        out.append(ApiChange(where, name, True, f"{what} removed"))
    for name in sorted(old.keys() & new.keys()):
        a, b = old[name].params, new[name].params
        for param in sorted(b.keys() - a.keys()):
            required = b[param].default is None
            kind = "required" if required else "optional"
            out.append(ApiChange(where, name, required, f"{kind} parameter `{param}` added"))
        for param in sorted(a.keys() - b.keys()):
            out.append(ApiChange(where, name, True, f"parameter `{param}` removed"))
        for param in sorted(a.keys() & b.keys()):
            out += [ApiChange(where, name, *c) for c in _param_changes(param, a[param], b[param])]
        ra, rb = old[name].returns, new[name].returns
        if ra != rb:
            # Only more possible types (a new response body) breaks nobody, unless one is None.
            widened = _names(ra) <= _names(rb) and "None" not in _names(rb) - _names(ra)
            out.append(ApiChange(where, name, not widened, f"return type `{ra}` → `{rb}`"))
    return out


def _diff_models(old: dict[str, Model], new: dict[str, Model]) -> list[ApiChange]:
    out: list[ApiChange] = []
    for name in sorted(new.keys() - old.keys()):
        out.append(ApiChange("models", name, False, "class added"))
    for name in sorted(old.keys() - new.keys()):
        out.append(ApiChange("models", name, True, "class removed"))
    for name in sorted(old.keys() & new.keys()):
        a, b = old[name], new[name]
        if a.enum_members is not None and b.enum_members is not None:
            for member in sorted(b.enum_members.keys() - a.enum_members.keys()):
                out.append(
                    ApiChange(
                        "models",
                        f"{name}.{member}",
                        False,
                        f"enum member added ({b.enum_members[member]})",
                    )
                )
            for member in sorted(a.enum_members.keys() - b.enum_members.keys()):
                out.append(ApiChange("models", f"{name}.{member}", True, "enum member removed"))
            continue
        if (a.enum_members is None) != (b.enum_members is None):
            out.append(ApiChange("models", name, True, "changed between enum and model class"))
            continue
        for attr in sorted(b.attributes.keys() - a.attributes.keys()):
            annotation, required = b.attributes[attr]
            out.append(
                ApiChange(
                    "models",
                    f"{name}.{attr}",
                    required,
                    f"{'required constructor argument' if required else 'optional attribute'} "
                    f"added (`{annotation}`)",
                )
            )
        for attr in sorted(a.attributes.keys() - b.attributes.keys()):
            out.append(ApiChange("models", f"{name}.{attr}", True, "attribute removed"))
        for attr in sorted(a.attributes.keys() & b.attributes.keys()):
            (ta, ra), (tb, rb) = a.attributes[attr], b.attributes[attr]
            if ta != tb:
                out.append(ApiChange("models", f"{name}.{attr}", True, f"type `{ta}` → `{tb}`"))
            if rb and not ra:
                out.append(
                    ApiChange(
                        "models", f"{name}.{attr}", True, "became a required constructor argument"
                    )
                )
    return out


def api_changes(old_root: Path, new_root: Path, facade_path: Path = FACADE) -> list[ApiChange]:
    """Every Python API change from the tree at ``old_root`` to the one at ``new_root``.

    ``facade_path`` is the generated facade's path relative to each root.
    """
    old, new = load_surface(old_root, facade_path), load_surface(new_root, facade_path)
    return (
        _diff_models(old.models, new.models)
        + _diff_signatures("endpoints", old.endpoints, new.endpoints, "endpoint function")
        + _diff_signatures("facade", old.facade, new.facade, "facade method")
    )


TITLES = {
    "models": "Models (`orchestra_api.models`)",
    "endpoints": "Endpoint functions (`orchestra_api.api`, `sync_detailed` and siblings)",
    "facade": "Facade methods (`Orchestra` / `AsyncOrchestra` resources)",
}


def to_markdown(changes: list[ApiChange]) -> str:
    breaking = [c for c in changes if c.breaking]
    lines = ["## Python API", ""]
    if not changes:
        return "\n".join([*lines, "No change to the Python API.", ""])
    lines.append(
        f"**{len(breaking)} breaking, {len(changes) - len(breaking)} non-breaking "
        f"change{'s' if len(changes) != 1 else ''}** for code that uses the client."
    )
    for where, title in TITLES.items():
        group = [c for c in changes if c.where == where]
        if not group:
            continue
        lines += ["", f"### {title}", ""]
        for c in sorted(group, key=lambda c: (not c.breaking, c.name, c.text)):
            label = "**breaking**" if c.breaking else "non-breaking"
            lines.append(f"- {label}: `{c.name}`: {c.text}")
    return "\n".join(lines) + "\n"
