"""Translate openapi-python-client's warnings into the operations and schemas they concern.

The generator reports an endpoint it skips as ``WARNING parsing POST /path within tag.`` and a
schema it drops as ``Unable to process schema /components/schemas/Name:``, with an object repr
where the status code should be. A reviewer needs the operationId, the response code and the
Python class instead, so each block is rewritten in those terms.
"""

from __future__ import annotations

import re
from typing import Any

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_ENDPOINT = re.compile(r"^WARNING parsing (\w+) (\S+) within [^.]*\.(.*)$")
_SCHEMA = re.compile(r"^Unable to process schema /components/schemas/(\S+?):?$")
_REF = re.compile(r'"\$ref": "([^"]+)"')
_OBJECT_REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>")
_NOISE = ("Generating ", "Warning(s) encountered", "If you believe this was a mistake")


def _blocks(output: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    for raw in output.splitlines():
        line = raw.rstrip()
        if not line or line.startswith(_NOISE):
            continue
        if _ENDPOINT.match(line) or _SCHEMA.match(line) or not blocks:
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return blocks


def _codes_with_ref(op: dict[str, Any], ref: str) -> list[str]:
    return sorted(code for code, resp in op.get("responses", {}).items() if ref in str(resp))


def translate(output: str, spec: dict[str, Any], class_names: dict[str, str]) -> list[str]:
    """One line per generator complaint, naming the operation or schema (and Python class)."""
    lines: list[str] = []
    for block in _blocks(output):
        head, rest = block[0], block[1:]
        refs = [m.group(1) for line in rest for m in [_REF.search(line)] if m]
        detail = " ".join(
            _OBJECT_REPR.sub("<code>", line).strip()
            for line in rest
            if not _REF.search(line) and line.strip() not in "{}"
        )
        endpoint, schema = _ENDPOINT.match(head), _SCHEMA.match(head)
        if endpoint:
            method, path, tail = endpoint.group(1), endpoint.group(2), endpoint.group(3).strip()
            op = spec.get("paths", {}).get(path, {}).get(method.lower(), {})
            label = f"operation {op.get('operationId', '?')} ({method} {path})"
            for ref in refs:
                codes = _codes_with_ref(op, ref)
                if codes:
                    detail = detail.replace("<code>", "/".join(codes))
                detail += f" [refers to {ref}]"
            lines.append(f"{label}: {detail} {tail}".strip())
        elif schema:
            name = schema.group(1)
            cls = class_names.get(name)
            label = f"schema {name}" + (f" (Python class {cls})" if cls else "")
            removed = [
                line.strip().rsplit("/", 1)[-1]
                for line in rest
                if "/components/schemas/" in line and not _REF.search(line)
            ]
            reason = " ".join(
                line.strip()
                for line in rest
                if "/components/schemas/" not in line
                and not _REF.search(line)
                and line.strip() not in "{}"
                and not line.startswith("Failure to process schema")
            )
            text = f"{label}: {reason}"
            if refs:
                text += f" [refers to {', '.join(refs)}]"
            if removed:
                text += f"; the generator left out: {', '.join(removed)}"
            lines.append(text)
        else:
            lines.append(" ".join(line.strip() for line in block))
    return lines
