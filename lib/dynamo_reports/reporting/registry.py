"""The reports: which notebook, which title, which headline numbers.

Notebooks live in the repository's ``notebooks/`` directory (``DYNAMO_REPORTS_NOTEBOOKS``
points elsewhere, e.g. at test fixtures). A report whose notebook does not exist yet is
registered but not *available*.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..exceptions import ParameterError

__all__ = [
    "NOTEBOOKS_ENV",
    "REPORTS",
    "ReportDef",
    "Rule",
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
class Rule:
    """What a report accepts for one parameter beyond its type (the type comes from the
    notebook's parameters cell): a range, a set of choices, a rule for every item of a list
    or every value of a dict, or a non-empty text."""

    at_least: float | None = None
    above: float | None = None
    at_most: float | None = None
    choices: tuple[Any, ...] | None = None
    each: Rule | None = None
    keys: tuple[str, ...] | None = None
    not_empty: bool = False
    #: a further check, ``validator(name, value)``, raising ``ParameterError``
    validator: Callable[[str, Any], None] | None = None

    def describe(self) -> str:
        parts = []
        if self.choices is not None:
            parts.append("one of " + ", ".join(repr(c) for c in self.choices))
        if self.at_least is not None:
            parts.append(f">= {self.at_least:g}")
        if self.above is not None:
            parts.append(f"> {self.above:g}")
        if self.at_most is not None:
            parts.append(f"<= {self.at_most:g}")
        if self.not_empty:
            parts.append("not empty")
        return " and ".join(parts)

    def check(self, name: str, value: Any) -> None:
        """Raise ``ParameterError(name)`` when ``value`` breaks the rule."""
        if self.choices is not None and value not in self.choices:
            raise ParameterError(name, f"{value!r} is not allowed; use {self.describe()}")
        if self.not_empty and (value is None or (isinstance(value, str | list | dict) and not value)):
            raise ParameterError(name, "must not be empty")
        if isinstance(value, str) and self.not_empty and not value.strip():
            raise ParameterError(name, "must not be blank")
        bounded = any(b is not None for b in (self.at_least, self.above, self.at_most))
        if bounded:
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ParameterError(name, f"{value!r} is not a finite number; use {self.describe()}")
            if ((self.at_least is not None and value < self.at_least)
                    or (self.above is not None and value <= self.above)
                    or (self.at_most is not None and value > self.at_most)):
                raise ParameterError(name, f"{value!r} is out of range; use {self.describe()}")
        if self.keys is not None and isinstance(value, dict):
            unknown = sorted(str(k) for k in value if k not in self.keys)
            if unknown:
                raise ParameterError(name, f"unknown key {unknown[0]!r}; known: {', '.join(self.keys)}")
        if self.each is not None:
            items = value.items() if isinstance(value, dict) else enumerate(value or ())
            for key, item in items:
                self.each.check(f"{name}[{key!r}]", item)
        if self.validator is not None:
            self.validator(name, value)


def _price_overrides(name: str, value: Any) -> None:
    """Overrides must name prices the price table has (``gb_month``, ``provisioned.rcu_hour`` ...)."""
    from ..capacity import price_regions, price_table

    try:
        price_table(price_regions()[0], value)
    except ValueError as exc:
        raise ParameterError(name, str(exc)) from None


#: Rules used by several reports.
COUNT = Rule(at_least=0)
POSITIVE_COUNT = Rule(at_least=1)
PRICE = Rule(above=0)


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
    #: per parameter, what the report accepts beyond the type (checked before anything runs)
    rules: Mapping[str, Rule] = field(default_factory=dict, hash=False, compare=False)
    #: the top-level keys of the report's summary.json: what alert rules may name (nested
    #: paths below them and the virtual ``data_quality.total`` are allowed); empty = undeclared
    summary_keys: tuple[str, ...] = field(default_factory=tuple)
    #: unit of a summary value in the index, the findings box and notices (``"USD"``, ``"share"``
    #: for a 0..1 ratio, ``"%"`` for a value already in percent, ``"min"``);
    #: ``"{quote_asset}"`` is replaced by that summary value
    units: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        # accept lists for convenience, keep the dataclass hashable
        object.__setattr__(self, "headline_keys", tuple(self.headline_keys))
        object.__setattr__(self, "tables", tuple(self.tables))
        object.__setattr__(self, "summary_keys", tuple(self.summary_keys))

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
        {"symbols": Rule(each=Rule(not_empty=True)), "starting_balance": PRICE,
         "fee_rates": Rule(each=PRICE), "mark_prices": Rule(each=PRICE),
         "quote_asset": Rule(not_empty=True), "tolerance": COUNT},
        summary_keys=("as_of", "by_symbol", "data_quality", "max_drawdown", "max_drawdown_pct", "profit_factor",
                      "quote_asset", "read_units", "realized_pnl", "reconciliation", "source", "total_fees",
                      "trade_count", "unconverted_fees", "unrealized_pnl", "win_rate", "window"),
        units={"realized_pnl": "{quote_asset}", "unrealized_pnl": "{quote_asset}", "total_fees": "{quote_asset}",
               "max_drawdown": "{quote_asset}", "win_rate": "share", "max_drawdown_pct": "%"},
    ),
    ReportDef(
        "participants", "participant_investment_report.ipynb", "SolanaShares participant investments", "000",
        ("total_invested", "participant_count", "gini"), ("solanashares",),
        {"top_n": POSITIVE_COUNT},
        summary_keys=("active_participants", "as_of", "data_quality", "gini", "median_investment",
                      "participant_count", "read_units", "source", "stats_drift", "top10_share", "total_invested",
                      "window"),
        units={"total_invested": "SOL", "median_investment": "SOL", "top10_share": "share"},
    ),
    ReportDef(
        "leads", "affiliate_leads_report.ipynb", "Commercive affiliate leads", "003",
        ("lead_count", "approval_rate", "commission_approved"),
        ("leads", "affiliate_links", "affiliate_stats"),
        {"duplicate_days": COUNT, "top_n": POSITIVE_COUNT},
        summary_keys=("affiliates_without_stats", "approval_rate", "as_of", "by_status", "commission_approved",
                      "commission_pending", "data_quality", "lead_count", "links_without_leads",
                      "median_hours_to_review", "p90_hours_to_review", "read_units", "review_backlog", "source",
                      "stats_drift", "top_affiliates", "total_commission", "window"),
        units={"approval_rate": "share", "total_commission": "USD", "commission_approved": "USD",
               "commission_pending": "USD", "median_hours_to_review": "h", "p90_hours_to_review": "h"},
    ),
    ReportDef(
        "capacity", "capacity_report.ipynb", "DynamoDB capacity and cost", "all five",
        ("total_monthly_cost", "cheapest_total_monthly_cost", "within_budget"), (),
        {"monthly_budget": COUNT, "messages_per_day": COUNT, "active_users": COUNT,
         "chat_poll_seconds": PRICE, "scale_factors": Rule(not_empty=True, each=PRICE),
         "prices": Rule(each=COUNT, validator=_price_overrides), "replay_events": COUNT},
        summary_keys=("as_of", "break_even_scale", "by_system", "cache_savings", "cheapest_plan",
                      "cheapest_total_monthly_cost", "data_quality", "free_tier", "free_tier_fit",
                      "missing_tables", "monthly_budget", "prices", "read_units", "recommendations", "sensitivity",
                      "source", "tables", "total_monthly_cost", "window", "within_budget"),
        units={"total_monthly_cost": "USD/month", "cheapest_total_monthly_cost": "USD/month",
               "monthly_budget": "USD/month"},
    ),
    ReportDef(
        "bot-config", "bot_config_audit.ipynb", "Discord bot configuration audit", "001",
        ("guilds", "channels", "cache_hit_ratio"), ("discord_config",),
        {"messages_per_day": COUNT, "uncached_sample": COUNT, "replay_seed": COUNT},
        summary_keys=("as_of", "cache_hit_ratio", "cached", "channels", "data_quality", "guilds",
                      "guilds_out_of_range", "guilds_with_channels", "index_mismatches", "invalid_tag_types",
                      "orphans", "read_units", "replay", "source", "summary_preferences", "uncached",
                      "unknown_timezones", "warmup_pages", "warmup_read_units", "warmup_requests", "window"),
        units={"cache_hit_ratio": "share"},
    ),
    ReportDef(
        "distributions", "link_distribution_report.ipynb", "Flavaflav link distributions", "004",
        ("distributions", "members_served", "gini"),
        ("members", "inventory", "distributions", "lists"),
        {"top_n": POSITIVE_COUNT},
        summary_keys=("active_lists", "as_of", "data_quality", "distributions", "gini", "links_available",
                      "links_distributed", "members_never_served", "members_served", "read_units", "source",
                      "top_n", "top_share", "window"),
        units={"top_share": "share"},
    ),
    ReportDef(
        "support", "support_chat_report.ipynb", "Commercive support chat", "003",
        ("conversations_opened", "open_backlog", "median_minutes_to_first_reply"),
        ("conversations", "messages"),
        summary_keys=("as_of", "awaiting_first_reply", "conversations_closed", "conversations_opened",
                      "data_quality", "median_minutes_to_first_reply", "oldest_open_hours", "open_backlog",
                      "p90_minutes_to_first_reply", "read_units", "source", "unread", "window"),
        units={"median_minutes_to_first_reply": "min", "p90_minutes_to_first_reply": "min", "oldest_open_hours": "h"},
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
