"""Flavaflav link distributions (document 004): inventory, distributions over time, who received
what, fairness, the active lists and the data-quality rules of the four tables.

Pure functions over DataFrames: no boto3, no I/O. Frames are the ones
:func:`dynamo_reports.systems.flavaflav.members_frame` & co. build (timestamps as UTC datetimes).

Definitions, and the choices made where issue 7 leaves them open:

* **Inventory** is what the ``availability-quality-index`` returns for ``available`` and
  ``distributed``: a link whose ``availability`` is anything else sits in no partition read and
  is not counted (nor seen by the rules below).
* **History.** The data-quality rules and "never served" need every distribution, not only the
  window's: the report reads the whole distributions table with one scan asked for by name
  (cheaper than one ``date-index`` Query per day of history, each costing at least 0.5 read units).
* **Links received** per member = distributions whose ``member_id`` is that member. Every member
  is listed (zero included); a ``member_id`` that is in no member item is listed as unknown.
* **Members never served** = *active* members (``active`` true) with no distribution in the whole
  history, as of the as-of time.
* **Fairness** is over the window's distributions: the population is every active member plus
  anyone who received a link in the window (inactive or unknown members included), each with the
  number of links received in the window (zeros count). Gini coefficient
  G = Σ_i Σ_j |x_i − x_j| / (2 n² mean), 0 = everyone got the same, → 1 = one member got all;
  ``share of the top n`` = links of the n members who received most ÷ all links.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import ParameterError
from .attributes import ATTRIBUTE_RULES, Attribute, check_attributes
from .concentration import gini, top_share
from .quality import Findings
from .quality import as_text as _text

__all__ = [
    "AVAILABILITIES", "RULES", "describe_rules", "check_report_parameters", 
    "inventory_by", "distributions_per_period", "links_per_member", "members_never_served",
    "window_counts", "gini", "top_share", "fairness", "active_lists",
    "check_link_ids", "check_distributions", "check_availability", "check_item_attributes", "headline",
    "ATTRIBUTES",
]

AVAILABILITIES = ("available", "distributed")

#: The data-quality rules of the distributions report (declared with ``Findings.describe``).
RULES: dict[str, str] = {
    "unsanitized_link_id": "inventory link_id not in the sanitized form (contains a space, '/', '-' or '%': "
                           "a legacy id; lookups by the sanitized id miss it)",
    "distribution_missing_link": "distribution whose link_id is not in the inventory (read through the index)",
    "distribution_missing_member": "distribution whose member_id is not in the members table",
    "available_but_distributed": "link marked available although a distribution already gave it away",
    "unreadable_timestamp": "distributed_at missing or unreadable (the distribution is left out of time charts); "
                            "joined_at, added_at or created_at unreadable",
    **{rule: text for rule, text in ATTRIBUTE_RULES.items() if rule != "missing_attribute"},
}

#: The rule of every attribute the report uses, per table (document 004 and DESIGN.md's data model).
#: ``distributed_at`` is checked by :func:`check_distributions`; keys are always present.
ATTRIBUTES: dict[str, tuple[Attribute, ...]] = {
    "members": (Attribute("discord_id", "text"), Attribute("username", "text"), Attribute("joined_at", "timestamp"),
                Attribute("active", "bool")),
    "inventory": (Attribute("link_id", "text"), Attribute("quality", "text"), Attribute("link_type", "text"),
                  Attribute("added_at", "timestamp")),
    "distributions": (Attribute("distribution_id", "text"), Attribute("member_id", "text"),
                      Attribute("link_id", "text"), Attribute("quality", "text"), Attribute("link_type", "text"),
                      Attribute("distribution_date", "date"), Attribute("list_id", "text")),
    "lists": (Attribute("list_id", "text"), Attribute("name", "text"), Attribute("quality", "text"),
              Attribute("active", "choice", choices=("true", "false")), Attribute("member_ids", "string_set"),
              Attribute("created_at", "timestamp")),
}
_KEY_OF = {"members": "discord_id", "inventory": "link_id", "distributions": "distribution_id", "lists": "list_id"}


def describe_rules(findings: Findings) -> None:
    """Declare every rule, so a rule that found nothing is shown with 0."""
    findings.describe_all(RULES)


def check_report_parameters(*, top_n: Any) -> None:
    if isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1:
        raise ParameterError("top_n", f"must be a positive integer, got {top_n!r}")


def _is_active(value: Any) -> bool:
    """``active`` is a boolean on members; ``"true"`` (a string) is accepted too."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


# -- history ------------------------------------------------------------------------------------

def inventory_by(inventory: pd.DataFrame, column: str) -> pd.DataFrame:
    """Links per ``column`` value (``quality`` or ``link_type``): ``available``, ``distributed``,
    ``total``; sorted by total (descending) then name. Other availabilities get their own column."""
    columns = [column, *AVAILABILITIES, "total"]
    if inventory.empty:
        return pd.DataFrame(columns=columns)
    keys = inventory[column].map(_text).replace("", "(missing)")
    table = pd.crosstab(keys, inventory["availability"].map(_text).replace("", "(missing)"))
    extra = sorted(c for c in table.columns if c not in AVAILABILITIES)
    table = table.reindex(columns=[*AVAILABILITIES, *extra], fill_value=0)
    table["total"] = table.sum(axis=1)
    table = table.rename_axis(column).reset_index()
    table.columns.name = None
    return table.sort_values(["total", column], ascending=[False, True]).reset_index(drop=True)


# -- distributions over time --------------------------------------------------------------------

def _period_start(times: pd.Series, timezone: str, freq: str) -> pd.Series:
    local = times.dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize()
    if freq == "W":
        local = local - pd.to_timedelta(local.dt.weekday, unit="D")   # Monday 00:00
    return local


def distributions_per_period(distributions: pd.DataFrame, *, freq: str = "W", timezone: str = "UTC",
                             lo: pd.Timestamp | None = None, hi: pd.Timestamp | None = None) -> pd.DataFrame:
    """Distributions per day (``freq="D"``) or week starting Monday (``"W"``) in ``timezone``, one
    column per quality; every period from ``lo`` to ``hi`` (exclusive) is present, zeros included."""
    if freq not in ("D", "W"):
        raise ParameterError("freq", f"must be 'D' or 'W', got {freq!r}")
    dated = distributions[distributions["distributed_at"].notna()]
    periods = _period_start(dated["distributed_at"], timezone, freq)
    first = periods.min() if not dated.empty else None
    last = periods.max() if not dated.empty else None
    if lo is not None:
        first = _period_start(pd.Series([lo]), timezone, freq).iloc[0]
    if hi is not None:
        last = _period_start(pd.Series([hi - pd.Timedelta(microseconds=1)]), timezone, freq).iloc[0]
    step = "7D" if freq == "W" else "1D"
    index = (pd.date_range(first, last, freq=step) if first is not None and last is not None and first <= last
             else pd.DatetimeIndex([]))
    index.name = "week" if freq == "W" else "day"
    if dated.empty:
        return pd.DataFrame(index=index)
    counts = pd.crosstab(periods.values, dated["quality"].map(_text).replace("", "(missing)").values)
    out = counts.reindex(index=index, fill_value=0).fillna(0).astype(int)
    out.index.name = index.name
    out.columns.name = None
    return out


# -- members ------------------------------------------------------------------------------------

def links_per_member(distributions: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """One row per member (every member, zero included) and per unknown ``member_id``:
    ``member_id``, ``username``, ``active``, ``known``, ``links``, ``last_received``.
    Sorted by links (descending), then username and id."""
    columns = ["member_id", "username", "active", "known", "links", "last_received"]
    base = pd.DataFrame({
        "member_id": members["discord_id"].map(_text) if not members.empty else pd.Series(dtype=object),
        "username": members["username"].map(_text) if not members.empty else pd.Series(dtype=object),
        "active": members["active"].map(_is_active) if not members.empty else pd.Series(dtype=bool),
        "known": True,
    })
    base = base.drop_duplicates("member_id")
    ids = distributions["member_id"].map(_text)
    grouped = distributions.assign(member_id=ids).groupby("member_id")
    received = pd.DataFrame({"links": grouped.size(), "last_received": grouped["distributed_at"].max()})
    unknown = sorted(set(received.index) - set(base["member_id"]))
    if unknown:
        base = pd.concat([base, pd.DataFrame({"member_id": unknown, "username": "", "active": False,
                                              "known": False})], ignore_index=True)
    out = base.merge(received, how="left", left_on="member_id", right_index=True)
    out["links"] = out["links"].fillna(0).astype(int)
    out["last_received"] = pd.to_datetime(out["last_received"], utc=True)
    out = out.sort_values(["links", "username", "member_id"], ascending=[False, True, True])
    return out.reindex(columns=columns).reset_index(drop=True)


def members_never_served(members: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Active members with no distribution in ``history`` (all of it): ``member_id``, ``username``,
    ``joined_at``; oldest member first."""
    columns = ["member_id", "username", "joined_at"]
    if members.empty:
        return pd.DataFrame(columns=columns)
    served = set(history["member_id"].map(_text))
    active = members[members["active"].map(_is_active)]
    never = active[~active["discord_id"].map(_text).isin(served)]
    out = pd.DataFrame({"member_id": never["discord_id"].map(_text), "username": never["username"].map(_text),
                        "joined_at": never["joined_at"]})
    return out.sort_values(["joined_at", "member_id"]).reset_index(drop=True)


def window_counts(per_member: pd.DataFrame) -> pd.Series:
    """The fairness population from :func:`links_per_member` over the window's distributions:
    every active member and anyone who received a link (see the module docstring)."""
    chosen = per_member[per_member["active"].astype(bool) | (per_member["links"] > 0)]
    return pd.Series(chosen["links"].to_numpy(dtype=float), index=chosen["member_id"].to_numpy())


def fairness(counts: pd.Series, top_n: int) -> dict[str, Any]:
    """``members`` (population size), ``links``, ``gini``, ``top_n``, ``top_share``."""
    values = counts.to_numpy(dtype=float)
    return {"members": int(len(values)), "links": int(np.nansum(values)) if len(values) else 0,
            "gini": gini(values), "top_n": int(top_n), "top_share": top_share(values, top_n)}


# -- lists --------------------------------------------------------------------------------------

def active_lists(lists: pd.DataFrame, members: pd.DataFrame, distributions: pd.DataFrame) -> pd.DataFrame:
    """Per list: ``list_id``, ``name``, ``quality``, ``members`` (ids in the list), ``eligible``
    (ids of active members), ``inactive``, ``unknown`` (ids in no member item), ``distributions``
    (of ``distributions`` made from that list). Sorted by quality then name."""
    columns = ["list_id", "name", "quality", "members", "eligible", "inactive", "unknown", "distributions"]
    if lists.empty:
        return pd.DataFrame(columns=columns)
    status = ({} if members.empty else
              dict(zip(members["discord_id"].map(_text), members["active"].map(_is_active), strict=True)))
    per_list = distributions["list_id"].map(_text).value_counts() if not distributions.empty else pd.Series(dtype=int)
    rows = []
    for row in lists.itertuples(index=False):
        ids = row.member_ids if isinstance(row.member_ids, (set, frozenset, list, tuple)) else ()
        ids = {str(i) for i in ids}
        rows.append({
            "list_id": _text(row.list_id), "name": _text(row.name), "quality": _text(row.quality),
            "members": len(ids), "eligible": sum(1 for i in ids if status.get(i) is True),
            "inactive": sum(1 for i in ids if status.get(i) is False),
            "unknown": sum(1 for i in ids if i not in status),
            "distributions": int(per_list.get(_text(row.list_id), 0)),
        })
    return pd.DataFrame(rows, columns=columns).sort_values(["quality", "name"]).reset_index(drop=True)


# -- data quality -------------------------------------------------------------------------------

def check_link_ids(inventory: pd.DataFrame, findings: Findings, *,
                   is_sanitized: Callable[[Any], bool] | None = None,
                   sanitize_type: Callable[[str], str] | None = None) -> None:
    """``unsanitized_link_id`` for every link whose id is not in sanitized form; the detail gives the
    sanitized form ``{quality}_{sanitized link_type}_{number}`` when it can be rebuilt.

    ``is_sanitized`` / ``sanitize_type`` default to the document's rules
    (:mod:`dynamo_reports.systems.flavaflav`, the one implementation)."""
    if is_sanitized is None or sanitize_type is None:
        from ..systems.flavaflav import is_sanitized_link_id, sanitize_link_type

        is_sanitized = is_sanitized or is_sanitized_link_id
        sanitize_type = sanitize_type or sanitize_link_type
    for row in inventory.itertuples(index=False):
        if is_sanitized(row.link_id):
            continue
        detail = f"link_id {_text(row.link_id)!r} is not sanitized"
        quality, link_type, link_id = _text(row.quality), _text(row.link_type), _text(row.link_id)
        number = link_id.rsplit("_", 1)[-1] if "_" in link_id else ""
        if quality and link_type and number:
            try:
                detail += f"; the sanitized form is {quality}_{sanitize_type(link_type)}_{number}"
            except Exception:  # noqa: BLE001 - a type the rules refuse: no suggestion
                pass
        findings.add("unsanitized_link_id", link_id, detail, table="inventory")


def check_distributions(history: pd.DataFrame, inventory: pd.DataFrame, members: pd.DataFrame,
                        findings: Findings) -> None:
    """``distribution_missing_link``, ``distribution_missing_member`` and ``unreadable_timestamp``
    over every distribution of ``history``."""
    links = set(inventory["link_id"].map(_text))
    member_ids = set(members["discord_id"].map(_text))
    bad_times = set(history.attrs.get("invalid_timestamps", {}).get("distributed_at", []))
    for idx, row in history.iterrows():
        key = _text(row["distribution_id"])
        link, member = _text(row["link_id"]), _text(row["member_id"])
        if link not in links:
            findings.add("distribution_missing_link", key, f"link {link or '(missing)'} is not in the inventory",
                         table="distributions")
        if member not in member_ids:
            findings.add("distribution_missing_member", key,
                         f"member {member or '(missing)'} is not in the members table", table="distributions")
        if pd.isna(row["distributed_at"]) or idx in bad_times:
            findings.add("unreadable_timestamp", key, "distributed_at missing or unreadable", table="distributions")


def _key_text(row: Any, column: str) -> str:
    return _text(row[column])


def check_item_attributes(findings: Findings, **frames: pd.DataFrame) -> dict[str, set[Any]]:
    """Every :data:`ATTRIBUTES` rule over the frames given by table name (``members=``, ``inventory=``,
    ``distributions=``, ``lists=``): a member whose ``active`` is ``"yes"`` or ``1``, a list whose
    ``member_ids`` is a String, an ``added_at`` of ``"never"``, a ``distribution_date`` of
    ``"2025-13-45"`` are findings. Returns the flagged index labels per table.

    A member whose ``active`` is not a Boolean is not active (:func:`_is_active`: not eligible, not
    "never served"; only the String ``"true"`` is still read as active); a list whose ``member_ids``
    is not a String Set has no members.
    """
    flagged = {}
    for table, frame in frames.items():
        flagged[table] = check_attributes(frame, ATTRIBUTES[table], findings, table=table,
                                          key=partial(_key_text, column=_KEY_OF[table]))
    return flagged


def check_availability(inventory: pd.DataFrame, history: pd.DataFrame, findings: Findings) -> None:
    """``available_but_distributed``: a link marked available that a distribution already gave away."""
    if inventory.empty or history.empty:
        return
    given = history.assign(link_id=history["link_id"].map(_text)).sort_values("distributed_at")
    last = given.groupby("link_id").tail(1).set_index("link_id")
    available = inventory[inventory["availability"].map(_text) == "available"]
    for row in available.itertuples(index=False):
        link = _text(row.link_id)
        if link in last.index:
            d = last.loc[link]
            when = d["distributed_at"].strftime("%Y-%m-%d %H:%M UTC") if pd.notna(d["distributed_at"]) else "?"
            findings.add("available_but_distributed", link,
                         f"availability is available, but distribution {_text(d['distribution_id'])} gave it to "
                         f"member {_text(d['member_id'])} on {when}", table="inventory")


# -- headline -----------------------------------------------------------------------------------

def headline(inventory: pd.DataFrame, window: pd.DataFrame, never: pd.DataFrame,
             fair: dict[str, Any]) -> dict[str, Any]:
    """The summary numbers: ``links_available``, ``links_distributed``, ``distributions`` (window),
    ``members_served`` (distinct ``member_id`` in the window), ``members_never_served``, ``gini``."""
    availability = inventory["availability"].map(_text)
    return {
        "links_available": int((availability == "available").sum()),
        "links_distributed": int((availability == "distributed").sum()),
        "distributions": int(len(window)),
        "members_served": int(window["member_id"].map(_text).nunique()),
        "members_never_served": int(len(never)),
        "gini": fair["gini"],
    }
