"""One module per source document: table specs and a repository per access pattern."""

from __future__ import annotations

from . import commercive, discord_config, flavaflav, solanashares, trading
from .base import IndexSpec, TableSpec, create_table, create_tables, register

SYSTEMS = {
    "000": solanashares,
    "001": discord_config,
    "002": trading,
    "003": commercive,
    "004": flavaflav,
}

ALL_TABLES: tuple[TableSpec, ...] = tuple(spec for module in SYSTEMS.values() for spec in module.TABLES)


def spec_for(logical: str) -> TableSpec:
    for spec in ALL_TABLES:
        if spec.logical == logical:
            return spec
    from ..exceptions import TableNotFoundError

    raise TableNotFoundError(logical)


__all__ = ["ALL_TABLES", "SYSTEMS", "IndexSpec", "TableSpec", "create_table", "create_tables", "register", "spec_for"]
