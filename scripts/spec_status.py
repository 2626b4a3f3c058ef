"""Is this spec file the locked one? For the scheduled regeneration workflow.

    python scripts/spec_status.py PATH

Prints `unchanged` (exit 0) when PATH has the locked sha256, `changed <sha256>` (exit 0) when
it differs, and writes `changed=true|false` to $GITHUB_OUTPUT when that is set.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def status(path: Path) -> tuple[bool, str]:
    lock = json.loads((ROOT / "openapi" / "spec.lock.json").read_text())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest != lock["sha256"], digest


def main() -> int:
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_file():
        print("usage: spec_status.py PATH (an existing spec file)", file=sys.stderr)
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
