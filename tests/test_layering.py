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


def test_the_runtime_depends_only_on_httpx_attrs_and_dateutil() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {d.split(">")[0].split("=")[0].split("<")[0] for d in project["dependencies"]}
    assert names == {"httpx", "attrs", "python-dateutil"}
    third_party = imported_roots(ROOT / "overlays") | imported_roots(ROOT / "generated")
    outside = third_party - {"orchestra_api", "orchestra_payments"} - sys.stdlib_module_names
    assert outside <= {"httpx", "attrs", "dateutil"}
