"""python -m orchestra_sandbox [--host 127.0.0.1] [--port 8765] [--api-key KEY]"""

from __future__ import annotations

import argparse
import sys

from ._data import DEFAULT_API_KEY
from ._extra import SandboxExtraMissing, load

PROG = "python -m orchestra_sandbox"
DEFAULT_PORT = 8765


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Run the local Orchestra sandbox (an emulator of Orchestra's documented "
        "sandbox, with fault injection) in the foreground.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback by default")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="default %(default)s; 0: a free port"
    )
    parser.add_argument(
        "--api-key", default=DEFAULT_API_KEY, help="the X-Api-Key it accepts (%(default)s)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        server = load("._server")
    except SandboxExtraMissing as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    try:
        server.serve(host=args.host, port=args.port, api_key=args.api_key)
    except server.BindError as exc:
        print(f"{PROG}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
