"""The walls between layers: overlay, sandbox, generated package and pipeline scripts."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from conftest import ROOT


def imported_roots(folder: Path) -> set[str]:
    roots: set[str] = set()
    for path in folder.rglob("*.py"):
        roots |= imported_roots_of(path)
    return roots


def imported_roots_of(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("overlays/orchestra_payments", {"orchestra_sandbox"}),
        ("sandbox/orchestra_sandbox", {"orchestra_payments", "orchestra_api"}),
        ("generated/orchestra_api", {"orchestra_payments", "orchestra_sandbox"}),
        ("scripts", {"orchestra_payments"}),
    ],
)
def test_a_layer_never_imports_across_its_wall(folder: str, forbidden: set[str]) -> None:
    roots = imported_roots(ROOT / folder)
    assert roots, folder
    assert not roots & forbidden


OPTIONAL = {"aiohttp", "httpx_aiohttp"}  # the aiohttp extra


def test_the_aiohttp_extra_is_imported_only_by_its_backend_and_only_when_chosen() -> None:
    import subprocess

    folder = ROOT / "overlays" / "orchestra_payments"
    users = {p.name for p in folder.glob("*.py") if imported_roots_of(p) & OPTIONAL}
    assert users == {"_aiohttp.py"}
    code = (
        "import sys, orchestra_payments as o; o.AsyncOrchestra(api_key='k'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'aiohttp', 'httpx_aiohttp'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_runtime_depends_only_on_httpx_attrs_and_dateutil() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {d.split(">")[0].split("=")[0].split("<")[0] for d in project["dependencies"]}
    # sniffio is for httpcore (which looks for it at every lock), never imported by us.
    assert names == {"httpx", "attrs", "python-dateutil", "sniffio"}
    third_party = imported_roots(ROOT / "overlays") | imported_roots(ROOT / "generated")
    outside = third_party - {"orchestra_api", "orchestra_payments"} - sys.stdlib_module_names
    assert outside - OPTIONAL <= {"httpx", "attrs", "dateutil"}
