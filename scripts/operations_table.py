"""Check openapi/operations.yaml against a (patched) spec: every operation classified, none stale.

A new vendor operation stops generation until a reviewer decides, in that file, where it lives
on the facade and how the pipeline may retry it; nothing is classified by default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

TABLE_FILE = "openapi/operations.yaml"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
RETRY_CLASSES = {
    "money": "moves money: never retried once it may have reached Orchestra",
    "safe": "moves no money and repeating it is harmless: retried",
    "once": "moves no money but is not idempotent: not retried",
}


def load_table(path: Path) -> dict[str, Any]:
    table = yaml.safe_load(path.read_text()) or {}
    if not isinstance(table, dict):
        raise ValueError(f"{TABLE_FILE} must map operationIds to {{facade, retry}}")
    return table


def operations(spec: dict[str, Any]) -> dict[str, str]:
    """operationId -> 'METHOD /path' for every operation of the spec."""
    found: dict[str, str] = {}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            if isinstance(op, dict):
                found[str(op.get("operationId", f"{method.upper()} {path}"))] = (
                    f"{method.upper()} {path}"
                )
    return found


def problems(spec: dict[str, Any], table: dict[str, Any]) -> list[str]:
    """What is wrong with the table for this spec, each as one reviewer-ready sentence."""
    found = operations(spec)
    classes = "; ".join(f"{name} = {meaning}" for name, meaning in RETRY_CLASSES.items())
    out: list[str] = []
    for op_id, where in found.items():
        entry = table.get(op_id)
        if entry is None:
            out.append(
                f"operation {op_id} ({where}) is new: classify it in {TABLE_FILE} before "
                f"generating, as `{op_id}: {{facade: <resource>.<method>, retry: <class>}}` "
                f"with one of the three retry classes: {classes}"
            )
        elif not isinstance(entry, dict) or entry.get("retry") not in RETRY_CLASSES:
            out.append(
                f"operation {op_id} ({where}) has no valid retry class in {TABLE_FILE}: "
                f"use one of {', '.join(RETRY_CLASSES)}"
            )
        else:
            out.extend(f"{TABLE_FILE}: {op_id}: {why}" for why in entry_problems(entry))
    for op_id in sorted(set(table) - set(found)):
        out.append(
            f"operation {op_id} is listed in {TABLE_FILE} but the spec no longer has it: "
            f"remove it there (and from any code that calls it)"
        )
    return out


FOUND_BY = ("myRef", "refTransId")
FACTS = {"facade", "retry", "reported_as", "found_by", "lookup", "gone_when_done"}


def entry_problems(entry: dict[str, Any]) -> list[str]:
    """What is wrong with one operation's facts (its retry class already checked)."""
    out = [
        f"unknown fact {name!r} (one of {', '.join(sorted(FACTS))})"
        for name in entry
        if name not in FACTS
    ]
    facade = entry.get("facade")
    if not isinstance(facade, str) or facade.count(".") != 1:
        out.append("facade must be <resource>.<method>")
    money = entry["retry"] == "money"
    if money != ("reported_as" in entry) or money != ("found_by" in entry):
        out.append(
            "a money operation needs reported_as and found_by (what status reports and how "
            "reconcile finds it); no other operation has them"
        )
    if money and entry.get("found_by") not in FOUND_BY:
        out.append(f"found_by must be one of {', '.join(FOUND_BY)}")
    if entry.get("gone_when_done") and entry["retry"] != "safe":
        out.append("gone_when_done applies to an operation retried after a lost answer (safe)")
    return out
