"""The package version: pyproject.toml is the one place it is written; this reads it from the
installed distribution's metadata."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("orchestra-payments")
except PackageNotFoundError:  # a source tree on sys.path, never installed
    __version__ = "0+unknown"
