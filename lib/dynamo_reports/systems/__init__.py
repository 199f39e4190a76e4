"""One module per source document: table specs and a repository per access pattern.

Each system's item shapes (key builders and parsers, index names, validators) live in a pure
``<system>_keys`` module that imports neither boto3 nor the connection, so the analytics and
the capacity model can ask it. The repository modules (and boto3) are imported only when
``SYSTEMS`` / ``ALL_TABLES`` / ``spec_for`` or a repository module is first used.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from ..exceptions import TableNotFoundError
from .base import IndexSpec, TableSpec, create_table, create_tables, register

#: Source document id -> the name of its module in this package.
SYSTEM_MODULES = {
    "000": "solanashares",
    "001": "discord_config",
    "002": "trading",
    "003": "commercive",
    "004": "flavaflav",
}


def _systems() -> dict[str, ModuleType]:
    return {system: importlib.import_module(f"{__name__}.{name}") for system, name in SYSTEM_MODULES.items()}


def __getattr__(name: str) -> Any:
    if name == "SYSTEMS":
        return _systems()
    if name == "ALL_TABLES":
        return tuple(spec for module in _systems().values() for spec in module.TABLES)
    if name in SYSTEM_MODULES.values():
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def spec_for(logical: str) -> TableSpec:
    for spec in __getattr__("ALL_TABLES"):
        if spec.logical == logical:
            return spec
    raise TableNotFoundError(logical)


__all__ = [
    "ALL_TABLES", "SYSTEMS", "SYSTEM_MODULES", "IndexSpec", "TableSpec", "create_table", "create_tables", "register",
    "spec_for",
]
