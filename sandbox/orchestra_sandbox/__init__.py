"""A local emulator of Orchestra's documented sandbox, with fault injection.

It implements the API from the spec's side (it imports neither the client nor the generated
package), so it can prove the client wrong.

    from orchestra_sandbox import SandboxServer
    with SandboxServer() as server:
        server.app.inject("status_503", "GatewayCharge", times=2)
        ...  # talk to server.base_url with X-Api-Key: server.api_key
        server.app.ledger()
"""

from typing import TYPE_CHECKING, Any

from ._data import APPROVED_CARDS, DECLINED_CARDS, DEFAULT_API_KEY, GATEWAYS
from ._extra import load
from ._faults import FAULT_KINDS, Fault, FaultError
from ._state import Engine

if TYPE_CHECKING:
    from ._app import SandboxApp, create_app
    from ._server import SandboxServer, serve

# Names whose modules need the `sandbox` extra (starlette, uvicorn): imported on first use, so
# that without the extra the error says how to install it.
_NEEDS_EXTRA = {
    "SandboxApp": "._app",
    "create_app": "._app",
    "SandboxServer": "._server",
    "serve": "._server",
}


def __getattr__(name: str) -> Any:
    """``__version__``, read from the orchestra-payments distribution's metadata; and the
    names that need the `sandbox` extra, imported on first use."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("orchestra-payments")
        except PackageNotFoundError:
            return "0+unknown"
    module = _NEEDS_EXTRA.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(load(module), name)


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
