"""python -m orchestra_sandbox [--host 127.0.0.1] [--port 8765] [--api-key KEY]"""

from __future__ import annotations

import argparse

from ._data import DEFAULT_API_KEY
from ._server import serve


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the local Orchestra sandbox.")
    parser.add_argument("--host", default="127.0.0.1", help="loopback by default")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--api-key", default=DEFAULT_API_KEY)
    args = parser.parse_args()
    serve(host=args.host, port=args.port, api_key=args.api_key)


if __name__ == "__main__":
    main()
