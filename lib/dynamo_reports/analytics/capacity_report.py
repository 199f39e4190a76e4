"""The capacity report's own pieces, pure: parameter checks, prices, findings, tables, summary.

The cost model itself is :mod:`dynamo_reports.analytics.capacity_model`; this module turns its
results into what the report shows and writes. No I/O: the table reads, the cache replay
(:mod:`dynamo_reports.replay`) and the deployed-vs-documented check
(:mod:`dynamo_reports.systems.deployment`) happen elsewhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import pandas as pd

from .. import capacity
from ..exceptions import ParameterError
from .quality import Findings

__all__ = [
    "FALLBACK_PRICE_REGION",
    "FINDING_RULES",
    "PLAN_LABELS",
    "CapacityParameters",
    "add_inventory_findings",
    "break_even_frame",
    "capacity_summary",
    "check_parameters",
    "findings_frame",
    "gsi_frame",
    "hot_keys_frame",
    "pattern_frame",
    "plans_frame",
    "price_caption",
    "price_frame",
    "recommendations_frame",
    "report_prices",
    "system_costs",
    "ttl_frame",
]

FALLBACK_PRICE_REGION = "us-east-1"

FINDING_RULES = {
    "table_missing": "a table of the five systems does not exist on this endpoint",
    "item_over_300KB": "an item above 300 KB, close to DynamoDB's 400 KB item limit",
    "past_ttl_still_stored": "an item whose TTL is past at the as-of time but is still stored",
    "ttl_not_a_number": "a TTL attribute that is not a number of epoch seconds",
    "item_size_unknown": "an item whose size cannot be computed by AWS's rules",
}

PLAN_LABELS = {
    "configured": "as configured",
    "on_demand": "everything on-demand",
    "provisioned": "everything provisioned",
    "per_table": "each table on its cheaper mode",
    "free_tier_packing": "provisioned inside the free tier, rest on-demand",
}


class CapacityParameters(NamedTuple):
    """The report's numeric parameters, checked and converted to floats."""

    monthly_budget: float
    messages_per_day: float
    active_users: float
    chat_poll_seconds: float
    scale_factors: list[float]


def _number(name: str, value: Any, *, positive: bool = False) -> float:
    if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0
            or (positive and value == 0)):
        raise ParameterError(name, f"must be a number {'> 0' if positive else '>= 0'}, got {value!r}")
    return float(value)


def check_parameters(*, monthly_budget: Any, messages_per_day: Any, active_users: Any, chat_poll_seconds: Any,
                     scale_factors: Any, prices: Any, replay_events: Any) -> CapacityParameters:
    """Check the capacity report's own parameters; raise :class:`ParameterError` naming the first bad one."""
    checked = CapacityParameters(
        monthly_budget=_number("monthly_budget", monthly_budget),
        messages_per_day=_number("messages_per_day", messages_per_day),
        active_users=_number("active_users", active_users),
        chat_poll_seconds=_number("chat_poll_seconds", chat_poll_seconds, positive=True),
        scale_factors=[],
    )
    if not isinstance(scale_factors, list) or not scale_factors:
        raise ParameterError("scale_factors", f"must be a non-empty list of positive numbers, got {scale_factors!r}")
    checked.scale_factors.extend(_number("scale_factors", f, positive=True) for f in scale_factors)
    if not isinstance(prices, dict):
        raise ParameterError("prices", f"must be a dict of unit -> USD, got {prices!r}")
    if isinstance(replay_events, bool) or not isinstance(replay_events, int) or replay_events < 0:
        raise ParameterError("replay_events", f"must be an integer >= 0, got {replay_events!r}")
    return checked


def report_prices(region: str, overrides: Mapping[str, float] | None = None) -> tuple[dict[str, capacity.Price], str]:
    """The price table of ``region`` with ``overrides``, and the region it is for.

    A region without known prices falls back to ``us-east-1`` (the caption says so); a bad
    override is the ``prices`` parameter's fault and raises :class:`ParameterError`.
    """
    used = region if region in capacity.price_regions() else FALLBACK_PRICE_REGION
    try:
        return capacity.price_table(used, overrides), used
    except ValueError as e:  # the region is known: only an override can be wrong
        raise ParameterError("prices", str(e)) from None


def price_frame(prices: Mapping[str, capacity.Price]) -> pd.DataFrame:
    """One row per price: key, USD per unit, region, as-of date, source."""
    return pd.DataFrame([{"price": key, "USD per unit": p.usd, "region": p.region, "as of": p.as_of,
                          "source": p.source} for key, p in prices.items()])


def price_caption(price_region: str, region: str) -> str:
    """The caption of the price table, saying when another region's prices stand in."""
    note = "" if price_region == region else f"; no prices known for {region}, {price_region}'s used"
    return f"Price table used (region {price_region}{note})"


def add_inventory_findings(findings: Findings, inventories: Iterable[Any], *, as_of: pd.Timestamp) -> None:
    """Record each inventory's items near the size limit, past their TTL, with an unreadable TTL or size."""
    for inv in inventories:
        for row in inv.near_limit:
            findings.add("item_over_300KB", row["key"], f"{row['bytes']:,} bytes", table=inv.logical)
        for key in inv.ttl_expired_keys:
            findings.add("past_ttl_still_stored", key, f"'{inv.ttl_attribute}' is before {as_of:%Y-%m-%d %H:%M} UTC",
                         table=inv.logical)
        for row in inv.ttl_unreadable:
            findings.add("ttl_not_a_number", row["key"], f"'{inv.ttl_attribute}' = {row['value']}", table=inv.logical)
        for row in inv.unsized:
            findings.add("item_size_unknown", row["key"], row["error"], table=inv.logical)


def gsi_frame(inventories: Iterable[Any]) -> pd.DataFrame:
    """One row per global secondary index: entries, sizes and key spread."""
    return pd.DataFrame([{"table": inv.logical, "index": i.name, "projection": i.projection, "entries": i.entries,
                          "entry_bytes": i.entry_bytes, "storage_bytes": i.storage_bytes,
                          "avg_entry_bytes": i.avg_entry_bytes, "key_values": i.index_keys,
                          "avg_entries_per_key": i.avg_entries_per_key, "max_entries_per_key": i.max_entries_per_key}
                         for inv in inventories for i in inv.indexes])


def hot_keys_frame(inventories: Iterable[Any]) -> pd.DataFrame:
    """Per table: partition-key values and the hottest value with its items and bytes.

    The hottest key, its items and bytes are left blank when it holds a single item (every
    partition then holds one).
    """
    rows = []
    for inv in inventories:
        hot: Mapping[str, Any] = inv.hot_keys[0] if inv.hot_keys else {"key": "", "items": 0, "bytes": 0}
        spread = hot["items"] > 1
        rows.append({"table": inv.logical, "partition-key values": inv.hash_keys,
                     "hottest partition key": hot["key"] if spread else "",
                     "its items": hot["items"] if spread else None, "its bytes": hot["bytes"] if spread else None})
    return pd.DataFrame(rows, columns=["table", "partition-key values", "hottest partition key", "its items",
                                       "its bytes"])


def ttl_frame(inventories: Iterable[Any]) -> pd.DataFrame:
    """Per table: the documented TTL attribute and the items past it still stored."""
    return pd.DataFrame([{"table": inv.logical, "TTL attribute (documented)": inv.ttl_attribute or "none",
                          "items past TTL still stored": inv.ttl_expired, "their bytes": inv.ttl_expired_bytes}
                         for inv in inventories])


PATTERN_COLUMNS = ["table", "pattern", "operation", "requests_per_month", "read_units_per_month",
                   "write_units_per_month", "on_demand_cost", "basis"]


def pattern_frame(patterns: pd.DataFrame) -> pd.DataFrame:
    """The cost model's patterns as the report shows them: the operation with its index in one
    column (``Query on gsi2-date``), the month's requests, units and cost, and the basis. Left
    out: the system (the per-table cost says it), the events (requests are the events the caches
    did not answer, the hit ratios being the replay's) and the per-request units (the month's
    units divided by its requests)."""
    shown = patterns.copy()
    indexes = shown["index"].fillna("").astype(str) if "index" in shown else pd.Series("", index=shown.index)
    shown["operation"] = [f"{op} on {index}" if index else op for op, index in zip(shown["operation"], indexes,
                                                                                      strict=True)]
    return shown[PATTERN_COLUMNS].reset_index(drop=True)


def _advice_group(advice: Mapping[str, Any]) -> tuple[str, str]:
    """(kind, the text shared by the advice's group): ``action`` when given, else the text itself
    without its leading ``"table: "``."""
    text = str(advice.get("action") or advice["text"])
    table = str(advice.get("table") or "")
    if not advice.get("action") and table and text.startswith(f"{table}: "):
        text = text[len(table) + 2:]
    return str(advice["kind"]), text


def recommendations_frame(advice: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per distinct recommendation: its kind, the tables it applies to (each with its own
    figures, from the advice's ``detail``), how many, and the recommendation. Order: first
    appearance. Every advice item is in exactly one row."""
    groups: dict[tuple[str, str], list[str]] = {}
    for a in advice:
        tables = groups.setdefault(_advice_group(a), [])
        if a.get("table"):
            tables.append(f"{a['table']}: {a['detail']}" if a.get("detail") else str(a["table"]))
    return pd.DataFrame([{"kind": kind.replace("_", " "), "tables": "; ".join(tables), "count": len(tables),
                          "recommendation": text} for (kind, text), tables in groups.items()],
                        columns=["kind", "tables", "count", "recommendation"])


#: a finding group lists every key up to this many, else the first and last ones around "… N more …"
LISTED_KEYS = 10


def _listed(keys: Sequence[str]) -> str:
    if len(keys) <= LISTED_KEYS:
        return ", ".join(keys)
    head, last = keys[:LISTED_KEYS // 2], keys[-1]
    return f"{', '.join(head)}, … {len(keys) - len(head) - 1:,} more …, {last}"


def findings_frame(findings: Findings) -> pd.DataFrame:
    """Every rule of the report, with its findings grouped: one row per rule and table (per rule
    alone when it found nothing). ``items`` counts the row's findings exactly; ``what is wrong``
    is given once when they all say the same, else each key carries its own; ``keys`` lists them
    all up to :data:`LISTED_KEYS`, else the first ones, how many more, and the last."""
    frame = findings.to_frame()
    rows = []
    for rule, description in findings.rules.items():
        found = frame[frame["rule"] == rule]
        if found.empty:
            rows.append({"rule": rule, "what it checks": description, "table": "", "items": 0,
                         "what is wrong": "", "keys": ""})
            continue
        for table, group in found.groupby("table", sort=False):
            same = group["detail"].nunique() == 1
            keys = (list(group["key"]) if same
                    else [f"{k} ({d})" for k, d in zip(group["key"], group["detail"], strict=True)])
            rows.append({"rule": rule, "what it checks": description, "table": table, "items": len(group),
                         "what is wrong": group["detail"].iloc[0] if same else "", "keys": _listed(keys)})
    return pd.DataFrame(rows, columns=["rule", "what it checks", "table", "items", "what is wrong", "keys"])


def system_costs(tables: pd.DataFrame, titles: Mapping[str, str]) -> pd.DataFrame:
    """The per-table cost frame summed per system, with each system's title."""
    by_system = tables.groupby("system", as_index=False)[["monthly_cost_on_demand", "monthly_cost_provisioned",
                                                           "provisioned_rcu", "provisioned_wcu",
                                                           "storage_bytes"]].sum()
    by_system["title"] = [titles[s] for s in by_system["system"]]
    return by_system


def plans_frame(totals: Mapping[str, Any]) -> pd.DataFrame:
    """One row per account plan (:data:`PLAN_LABELS`): reads, writes, storage, total, tables provisioned."""
    return pd.DataFrame([{"plan": PLAN_LABELS[name], "reads": totals[name]["reads"],
                          "writes": totals[name]["writes"], "storage": totals[name]["storage"],
                          "total": totals[name]["total"],
                          "provisioned tables": sum(1 for m in totals["plans"][name].values() if m == "provisioned")}
                         for name in PLAN_LABELS])


def break_even_frame(break_even: Mapping[str, Any], *, found_only: bool = False) -> pd.DataFrame:
    """The account's break-even scale, then each table's (``found_only``: only those with one)."""
    rows = [{"scope": "whole account (free tier applied)", "provisioned beats on-demand from": break_even["account"]}]
    rows += [{"scope": t, "provisioned beats on-demand from": f} for t, f in break_even["tables"].items()]
    if found_only:
        rows = [r for r in rows if r["provisioned beats on-demand from"] is not None]
    return pd.DataFrame(rows, columns=["scope", "provisioned beats on-demand from"])


def capacity_summary(*, tables: pd.DataFrame, inventories: Mapping[str, Any], physical_names: Mapping[str, str],
                     totals: Mapping[str, Any], monthly_budget: float, cache_savings: Mapping[str, Any],
                     advice: Sequence[Mapping[str, Any]], by_system: pd.DataFrame, sensitivity: pd.DataFrame,
                     break_even: Mapping[str, Any], prices: Mapping[str, capacity.Price], price_region: str,
                     overrides: Iterable[str], all_tables: Iterable[str]) -> dict[str, Any]:
    """The capacity report's summary.json body (``report.write_summary`` adds the common keys)."""
    return {
        "tables": {row.table: {"items": int(row.items), "bytes": int(inventories[row.table].item_bytes),
                               "storage_bytes": int(row.storage_bytes),
                               "avg_item_bytes": float(inventories[row.table].avg_item_bytes),
                               "monthly_cost_on_demand": float(row.monthly_cost_on_demand),
                               "monthly_cost_provisioned": float(row.monthly_cost_provisioned),
                               "provisioned_rcu": int(row.provisioned_rcu),
                               "provisioned_wcu": int(row.provisioned_wcu),
                               "configured_mode": row.configured_mode, "cheapest_mode": row.cheapest_mode,
                               "physical_name": physical_names[row.table], "system": row.system}
                   for row in tables.itertuples()},
        "total_monthly_cost": float(totals["total_monthly_cost"]),
        "cheapest_total_monthly_cost": float(totals["cheapest_total_monthly_cost"]),
        "cheapest_plan": totals["cheapest_plan"],
        "monthly_budget": monthly_budget,
        "within_budget": bool(totals["within_budget"]),
        "free_tier_fit": bool(totals["free_tier"]["fits"]),
        "free_tier": totals["free_tier"],
        "cache_savings": dict(cache_savings),
        "recommendations": [{"kind": a["kind"], "table": a["table"], "text": a["text"]} for a in advice],
        "by_system": {row.system: {"monthly_cost_on_demand": float(row.monthly_cost_on_demand),
                                   "monthly_cost_provisioned": float(row.monthly_cost_provisioned)}
                      for row in by_system.itertuples()},
        "sensitivity": [{"vary": row.vary, "value": row.value, "on_demand": row.on_demand,
                         "provisioned": row.provisioned, "cheapest": row.cheapest}
                        for row in sensitivity.itertuples()],
        "break_even_scale": break_even["account"],
        "prices": {"region": price_region, "as_of": max(p.as_of for p in prices.values()),
                   "overrides": sorted(overrides)},
        "missing_tables": [logical for logical in all_tables if logical not in inventories],
    }
