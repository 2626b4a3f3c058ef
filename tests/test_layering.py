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


def test_opentelemetry_is_imported_only_by_the_telemetry_module() -> None:
    folder = ROOT / "overlays" / "orchestra_payments"
    users = {p.name for p in folder.glob("*.py") if "opentelemetry" in imported_roots_of(p)}
    assert users == {"_telemetry.py"}


def test_the_runtime_depends_only_on_httpx_attrs_and_dateutil() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {d.split(">")[0].split("=")[0].split("<")[0] for d in project["dependencies"]}
    # sniffio is for httpcore (which looks for it at every lock), never imported by us.
    assert names == {"httpx", "attrs", "python-dateutil", "sniffio"}
    third_party = imported_roots(ROOT / "overlays") | imported_roots(ROOT / "generated")
    outside = third_party - {"orchestra_api", "orchestra_payments"} - sys.stdlib_module_names
    assert outside - OPTIONAL - {"opentelemetry"} <= {"httpx", "attrs", "dateutil"}


# The overlay's modules, bottom up: each imports only modules of lower layers (at module level,
# inside functions and under TYPE_CHECKING alike), so there is no cycle and a transport never
# reaches up into the policy above it.
OVERLAY_LAYERS = {
    "_generated_operations": 0,
    "_redact": 1,
    "_generated_params": 1,
    "_errors": 2,
    "params": 2,
    "_aiohttp": 2,
    "_transport": 3,
    "_telemetry": 3,
    "_pipeline": 4,
    "_generated_facade": 5,
    "_client": 6,
    "testing": 7,
    "__init__": 8,
}


def overlay_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                names = [node.module] if node.module else [a.name for a in node.names]
                found |= {n.split(".")[0] for n in names if n}
            elif node.module and node.module.startswith("orchestra_payments."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {
                a.name.split(".")[1] for a in node.names if a.name.startswith("orchestra_payments.")
            }
    return found


def test_the_overlay_calls_only_downwards() -> None:
    folder = ROOT / "overlays" / "orchestra_payments"
    modules = {p.stem for p in folder.glob("*.py")}
    assert modules == set(OVERLAY_LAYERS), "a new module: give it its layer here"
    upward = {
        (path.stem, target)
        for path in folder.glob("*.py")
        for target in overlay_imports(path)
        if OVERLAY_LAYERS[target] >= OVERLAY_LAYERS[path.stem]
    }
    assert upward == set()
    # Six hand-written modules on the path of every call; the aiohttp backend is entered only
    # when chosen.
    hand_written = {m for m in modules if m.startswith("_") and not m.startswith(("_gen", "__"))}
    assert hand_written - {"_aiohttp"} == {
        "_client",
        "_pipeline",
        "_telemetry",
        "_transport",
        "_errors",
        "_redact",
    }
