"""The reports: which notebook, which title, which headline numbers.

Notebooks live in the repository's ``notebooks/`` directory (``DYNAMO_REPORTS_NOTEBOOKS``
points elsewhere, e.g. at test fixtures). A report whose notebook does not exist yet is
registered but not *available*.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from ..exceptions import ParameterError

__all__ = [
    "NOTEBOOKS_ENV",
    "REPORTS",
    "ReportDef",
    "available_reports",
    "get_report",
    "notebooks_dir",
]

#: Environment variable that overrides the notebooks directory.
NOTEBOOKS_ENV = "DYNAMO_REPORTS_NOTEBOOKS"


def notebooks_dir() -> Path:
    """The directory holding the report notebooks (``$DYNAMO_REPORTS_NOTEBOOKS`` or ``<repo>/notebooks``)."""
    override = os.environ.get(NOTEBOOKS_ENV, "").strip()
    if override:
        return Path(override).expanduser().resolve()
    return (Path(__file__).resolve().parents[3] / "notebooks").resolve()


@dataclass(frozen=True)
class ReportDef:
    """One report: its CLI name, notebook file, title, source document and headline keys."""

    name: str
    notebook: str
    title: str
    source_document: str
    headline_keys: tuple[str, ...] = field(default_factory=tuple)
    #: logical names of the tables the report cannot run without (checked before the kernel
    #: starts); empty for a report that reports missing tables itself (capacity)
    tables: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        # accept lists for convenience, keep the dataclass hashable
        object.__setattr__(self, "headline_keys", tuple(self.headline_keys))
        object.__setattr__(self, "tables", tuple(self.tables))

    def notebook_path(self, directory: str | os.PathLike[str] | None = None) -> Path:
        """Absolute path of the notebook (in ``directory`` or :func:`notebooks_dir`)."""
        path = Path(self.notebook)
        if path.is_absolute():
            return path
        base = Path(directory).expanduser().resolve() if directory is not None else notebooks_dir()
        return base / path

    def is_available(self, directory: str | os.PathLike[str] | None = None) -> bool:
        return self.notebook_path(directory).is_file()


def _defs(*defs: ReportDef) -> dict[str, ReportDef]:
    return {d.name: d for d in defs}


#: Every report, in display order.
REPORTS: Mapping[str, ReportDef] = _defs(
    ReportDef(
        "pnl", "pnl_report.ipynb", "Trading bot P&L", "002",
        ("realized_pnl", "trade_count", "win_rate"), ("trades", "bot_config", "reports"),
    ),
    ReportDef(
        "participants", "participant_investment_report.ipynb", "SolanaShares participant investments", "000",
        ("total_invested", "participant_count", "gini"), ("solanashares",),
    ),
    ReportDef(
        "leads", "affiliate_leads_report.ipynb", "Commercive affiliate leads", "003",
        ("lead_count", "approval_rate", "commission_approved"),
        ("leads", "affiliate_links", "affiliate_stats"),
    ),
    ReportDef(
        "capacity", "capacity_report.ipynb", "DynamoDB capacity and cost", "all five",
        ("total_monthly_cost", "cheapest_total_monthly_cost", "within_budget"),
    ),
    ReportDef(
        "bot-config", "bot_config_audit.ipynb", "Discord bot configuration audit", "001",
        ("guilds", "channels", "cache_hit_ratio"), ("discord_config",),
    ),
    ReportDef(
        "distributions", "link_distribution_report.ipynb", "Flavaflav link distributions", "004",
        ("distributions", "members_served", "gini"),
        ("members", "inventory", "distributions", "lists"),
    ),
    ReportDef(
        "support", "support_chat_report.ipynb", "Commercive support chat", "003",
        ("conversations_opened", "open_backlog", "median_minutes_to_first_reply"),
        ("conversations", "messages"),
    ),
)


def available_reports(
    directory: str | os.PathLike[str] | None = None,
    reports: Mapping[str, ReportDef] | None = None,
) -> dict[str, ReportDef]:
    """The reports whose notebook file exists, in registry order."""
    reports = REPORTS if reports is None else reports
    return {name: d for name, d in reports.items() if d.is_available(directory)}


def get_report(name: str, reports: Mapping[str, ReportDef] | None = None) -> ReportDef:
    """The :class:`ReportDef` called ``name``; an unknown name raises ``ParameterError('report')``."""
    reports = REPORTS if reports is None else reports
    try:
        return reports[name]
    except KeyError:
        known = ", ".join(reports) or "(none)"
        raise ParameterError("report", f"unknown report {name!r}; known reports: {known}") from None
