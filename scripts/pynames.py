"""Python names of spec things, as the generator writes them (for messages and reports)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from openapi_python_client.strings import ClassName, snake_case

CONFIG = Path(__file__).resolve().parent.parent / "generator-config.yaml"


def class_names(spec: dict[str, Any], config_path: Path = CONFIG) -> dict[str, str]:
    """Schema name -> the generated class name (generator-config.yaml's class_overrides)."""
    config = yaml.safe_load(config_path.read_text()) if config_path.is_file() else {}
    overrides: dict[str, Any] = (config or {}).get("class_overrides", {}) or {}
    names: dict[str, str] = {}
    for name in spec.get("components", {}).get("schemas", {}):
        key = str(ClassName(name, ""))
        names[name] = str(overrides.get(key, {}).get("class_name", key))
    return names


def attribute(prop: str) -> str:
    """A schema property's attribute name on the generated model."""
    return str(snake_case(prop))
