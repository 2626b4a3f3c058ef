"""Checking a mapping body against the request schema's field names, before anything is sent.

A misspelt key (``myref`` for ``myRef``) would otherwise be sent and ignored by the API: the
charge goes through without the reference that reconciliation needs. The check is a set
difference per object, so it costs little on the way out.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ._exceptions import RequestValidationError


@dataclass(frozen=True, slots=True)
class Fields:
    """The fields of one request object: all names, the required ones (in the order they are
    reported), and the nested objects (``nested``) and lists of objects (``lists``)."""

    name: str
    names: frozenset[str]
    required: tuple[str, ...] = ()
    nested: Mapping[str, Fields] = field(default_factory=dict)
    lists: Mapping[str, Fields] = field(default_factory=dict)


def closest(name: str, names: frozenset[str]) -> str | None:
    """The valid name a misspelt one was most likely meant to be."""
    folded = {n.casefold(): n for n in names}
    if name.casefold() in folded:
        return folded[name.casefold()]
    match = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.6)
    return match[0] if match else None


def _unknown(path: str, name: str, fields: Fields) -> RequestValidationError:
    where = f"{path}{name}"
    guess = closest(name, fields.names)
    hint = (
        f", did you mean {path}{guess}?"
        if guess
        else f" (valid: {', '.join(sorted(fields.names))})"
    )
    return RequestValidationError(f"{where}: unknown field{hint}", field=where)


def check_fields(body: Mapping[str, object], fields: Fields, path: str = "") -> None:
    """Reject unknown keys (naming the closest valid one) and missing required ones, in nested
    objects too.

    Raises:
        RequestValidationError: naming the first offending field by its path (``card.cvv``).
    """
    keys = body.keys()
    for key in keys:
        if not isinstance(key, str):
            raise RequestValidationError(
                f"{path or 'body'}: a field name must be a string, not {type(key).__name__}",
                field=f"{path}{key!r}",
            )
    unknown = keys - fields.names
    if unknown:
        raise _unknown(path, min(unknown, key=str), fields)
    for name in fields.required:
        if body.get(name) is None:
            raise RequestValidationError(f"{path}{name} is required", field=f"{path}{name}")
    for name, inner in fields.nested.items():
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, Mapping):
            raise RequestValidationError(f"{path}{name} must be an object", field=f"{path}{name}")
        check_fields(value, inner, f"{path}{name}.")
    for name, inner in fields.lists.items():
        items = body.get(name)
        if items is None:
            continue
        if not isinstance(items, Sequence) or isinstance(items, str | bytes):
            raise RequestValidationError(f"{path}{name} must be a list", field=f"{path}{name}")
        for index, item in enumerate(items):
            where = f"{path}{name}[{index}]"
            if not isinstance(item, Mapping):
                raise RequestValidationError(f"{where} must be an object", field=where)
            check_fields(item, inner, f"{where}.")
