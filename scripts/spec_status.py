"""Is this spec file the locked one? And what does the lock say? For the workflows.

    python scripts/spec_status.py PATH
    python scripts/spec_status.py --lock FIELD      (e.g. source.commit, sha256, default_path)

The first form prints `unchanged` (exit 0) when PATH has the locked sha256, `changed <sha256>`
(exit 0) when it differs, and writes `changed=true|false` and `sha256=...` to $GITHUB_OUTPUT
when that is set. The second prints one field of openapi/spec.lock.json.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def load_lock() -> dict[str, Any]:
    lock: dict[str, Any] = json.loads((ROOT / "openapi" / "spec.lock.json").read_text())
    return lock


def status(path: Path) -> tuple[bool, str]:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest != load_lock()["sha256"], digest


def lock_field(name: str) -> str:
    value: Any = load_lock()
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            raise KeyError(name)
        value = value[part]
    return str(value)


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--lock":
        try:
            print(lock_field(sys.argv[2]))
        except KeyError:
            print(f"spec.lock.json has no field {sys.argv[2]}", file=sys.stderr)
            return 2
        return 0
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_file():
        print("usage: spec_status.py PATH (an existing spec file) | --lock FIELD", file=sys.stderr)
        return 2
    changed, digest = status(Path(sys.argv[1]))
    print(f"changed {digest}" if changed else "unchanged")
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a") as fh:
            fh.write(f"changed={'true' if changed else 'false'}\nsha256={digest}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
