"""A local emulator of Orchestra's documented sandbox, with fault injection.

It implements the API from the spec's side (it imports neither the client nor the generated
package), so it can prove the client wrong.

    from orchestra_sandbox import SandboxServer
    with SandboxServer() as server:
        server.app.inject("status_503", "GatewayCharge", times=2)
        ...  # talk to server.base_url with X-Api-Key: server.api_key
        server.app.ledger()
"""

from ._app import SandboxApp, create_app
from ._data import APPROVED_CARDS, DECLINED_CARDS, DEFAULT_API_KEY, GATEWAYS
from ._faults import FAULT_KINDS, Fault, FaultError
from ._server import SandboxServer, serve
from ._state import Engine


def __getattr__(name: str) -> str:
    """``__version__``: shipped in the orchestra-payments distribution, whose metadata holds
    it (read on first use)."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("orchestra-payments")
    except PackageNotFoundError:
        return "0+unknown"


__all__ = [
    "APPROVED_CARDS",
    "DECLINED_CARDS",
    "DEFAULT_API_KEY",
    "FAULT_KINDS",
    "GATEWAYS",
    "Engine",
    "Fault",
    "FaultError",
    "SandboxApp",
    "SandboxServer",
    "__version__",
    "create_app",
    "serve",
]
