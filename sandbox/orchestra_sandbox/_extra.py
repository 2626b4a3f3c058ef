"""The server needs the `sandbox` extra; say how to install it instead of a bare import error."""

from __future__ import annotations

import importlib
from types import ModuleType

INSTALL_HINT = "pip install 'orchestra-payments[sandbox]'"
# What the `sandbox` extra installs (pyproject.toml).
EXTRA_PACKAGES = frozenset({"starlette", "uvicorn", "httptools"})


class SandboxExtraMissing(ModuleNotFoundError):
    """A package of the `sandbox` extra is not installed."""


def load(module: str) -> ModuleType:
    """Import one of this package's modules that needs the `sandbox` extra.

    Raises:
        SandboxExtraMissing: naming the missing package and the command that installs it.
    """
    try:
        return importlib.import_module(module, __package__)
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").partition(".")[0]
        if missing not in EXTRA_PACKAGES:
            raise
        raise SandboxExtraMissing(
            f"The Orchestra sandbox needs {missing}, which is not installed: {INSTALL_HINT}",
            name=exc.name,
        ) from exc
