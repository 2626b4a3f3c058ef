"""The package version: pyproject.toml is the one place it is written; it is read from the
installed distribution's metadata, on first use (importlib.metadata is not free to import)."""

import functools


@functools.cache
def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("orchestra-payments")
    except PackageNotFoundError:  # a source tree on sys.path, never installed
        return "0+unknown"
