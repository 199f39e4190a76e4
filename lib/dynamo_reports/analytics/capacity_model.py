"""Capacity and cost model of the five systems' tables (issue 6): pure, no I/O, no boto3.

Three parts, each a set of functions over plain items and small DataFrames:

* **Inventory** (:func:`table_inventory`): from every item of a table (the report's one
  deliberate full read), its size by AWS's rules (:func:`dynamo_reports.capacity.item_size`),
  billed storage (+100 bytes per item and per GSI entry), the size distribution, items near
  the 400 KB limit, each GSI's entries (the items carrying all of its key attributes) and their
  size from the index's projection, items already past their TTL but still stored, and the
  hottest partition keys.
* **Traffic and cost** (:class:`TrafficModel`, :func:`access_patterns`, :func:`pattern_costs`,
  :func:`table_costs`, :func:`account_totals`): each document's access patterns with a traffic
  model whose defaults come from the documents, turned into requests and request units per
  month from the *measured* average item sizes, then into a monthly cost per table on
  on-demand and on provisioned capacity (sized for the model's peak), with the always-free
  tier applied once per account.
* **What-ifs and advice** (:func:`sensitivity`, :func:`break_even_scale`,
  :func:`recommendations`), and the event plan and driver of the cache replay
  (:func:`replay_plan`, :func:`replay_lookups`) — the repositories and the meter are passed in.

Conventions: a month is 730 hours (8760 / 12), so 730 / 24 days; money is USD; prices are a
:func:`dynamo_reports.capacity.price_table`.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from .. import capacity as cap
from ..exceptions import DataError, UnknownNameError
from ..systems import commercive_keys, discord_config_keys, flavaflav_keys, solanashares_keys, trading_keys

__all__ = [
    "DAYS_PER_MONTH", "HOURS_PER_MONTH", "NEAR_LIMIT_BYTES", "AccessPattern", "IndexInventory",
    "TableInventory", "TrafficModel", "access_patterns", "account_totals", "break_even_scale",
    "cost_model", "inventory_frame", "pattern_costs", "pattern_units", "plan_cost", "recommendations", "replay_lookups",
    "replay_plan", "sensitivity", "table_costs", "table_inventory",
]

HOURS_PER_MONTH = 730.0
DAYS_PER_MONTH = HOURS_PER_MONTH / 24
NEAR_LIMIT_BYTES = 300 * 1024
"""Items above this size are listed as near DynamoDB's 400 KB item limit."""

READ_OPERATIONS = ("GetItem", "BatchGetItem", "Query", "Scan")
WRITE_OPERATIONS = ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems")


# ------------------------------------------------------------------------------------------------
# Inventory
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class IndexInventory:
    """One GSI as the measured items fill it."""

    name: str
    projection: str
    entries: int                  # items carrying every key attribute of the index
    entry_bytes: int              # sum of entry sizes (keys + projected attributes)
    storage_bytes: int            # entry_bytes + 100 per entry
    avg_entry_bytes: float
    index_keys: int               # distinct index hash-key values
    avg_entries_per_key: float
    max_entries_per_key: int


@dataclass(frozen=True)
class TableInventory:
    """One table, measured item by item."""

    logical: str
    system: str
    billing_mode: str
    ttl_attribute: str | None
    items: int
    item_bytes: int               # sum of item sizes by AWS's rules
    storage_bytes: int            # item_bytes + 100 per item (the table alone, GSIs apart)
    avg_item_bytes: float
    p95_item_bytes: float
    max_item_bytes: int
    near_limit: list[dict]        # {"key", "bytes"} of items above NEAR_LIMIT_BYTES
    hash_keys: int                # distinct partition-key values
    avg_items_per_key: float
    hot_keys: list[dict]          # {"key", "items", "bytes"}, most items first
    ttl_expired: int              # items whose TTL is before as_of but are still stored
    ttl_expired_bytes: int
    ttl_expired_keys: list[str]   # keys of those items
    ttl_unreadable: list[dict]    # {"key", "value"}: a TTL attribute that is not a number
    unsized: list[dict]           # {"key", "error"}: items whose size cannot be computed
    indexes: tuple[IndexInventory, ...] = ()
    sizes: tuple[int, ...] = field(default=(), repr=False)

    @property
    def index_storage_bytes(self) -> int:
        return sum(i.storage_bytes for i in self.indexes)

    @property
    def total_storage_bytes(self) -> int:
        """Billed storage of the table and its GSIs."""
        return self.storage_bytes + self.index_storage_bytes

    def index(self, name: str) -> IndexInventory:
        for idx in self.indexes:
            if idx.name == name:
                return idx
        raise UnknownNameError(name, f"table {self.logical!r} has no index {name!r}")


def _attr_bytes(item: Mapping[str, Any], names: Iterable[str]) -> int:
    return sum(len(n.encode("utf-8")) + cap.attribute_value_size(item[n]) for n in names if n in item)


def _key_label(item: Mapping[str, Any], key_names: Sequence[str]) -> str:
    return " / ".join(str(item.get(k, "")) for k in key_names)


def _epoch_seconds(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def table_inventory(spec: Any, items: Sequence[Mapping[str, Any]], *, as_of: pd.Timestamp | None = None,
                    hot_keys: int = 5, near_limit_bytes: int = NEAR_LIMIT_BYTES) -> TableInventory:
    """Measure one table from all of its items (Python form, numbers as Decimal).

    ``spec`` is a :class:`dynamo_reports.systems.base.TableSpec` (or anything with the same
    attributes: ``logical``, ``system``, ``hash_key``, ``range_key``, ``indexes``,
    ``ttl_attribute``, ``billing_mode``). A GSI entry is billed as base-table key + index key +
    projected attributes: ``ALL`` projects the whole item (so the entry is the item's size),
    ``KEYS_ONLY`` nothing more, ``INCLUDE`` the listed non-key attributes present in the item.
    TTL values are epoch seconds; an item whose TTL is before ``as_of`` is still stored until
    DynamoDB's background deletion gets to it, and still billed.
    """
    table_keys = [k for k in (spec.hash_key, spec.range_key) if k]
    sizes: list[int] = []
    sized_items: list[tuple[Mapping[str, Any], int]] = []
    unsized: list[dict] = []
    for item in items:
        try:
            size = cap.item_size(item)
        except ValueError as e:
            unsized.append({"key": _key_label(item, table_keys), "error": str(e)})
            continue
        sizes.append(size)
        sized_items.append((item, size))

    series = pd.Series(sizes, dtype="float64")
    near = [{"key": _key_label(i, table_keys), "bytes": s} for i, s in sized_items if s > near_limit_bytes]

    per_key: Counter = Counter()
    bytes_per_key: Counter = Counter()
    for item, size in sized_items:
        value = str(item.get(spec.hash_key, ""))
        per_key[value] += 1
        bytes_per_key[value] += size
    hot = [{"key": k, "items": n, "bytes": bytes_per_key[k]} for k, n in
           sorted(per_key.items(), key=lambda kv: (-kv[1], kv[0]))[:hot_keys]]

    indexes = []
    for idx in getattr(spec, "indexes", ()):
        keys = [k for k in (idx.hash_key, idx.range_key) if k]
        extra_keys = [k for k in keys if k not in table_keys]
        entry_sizes: list[int] = []
        entries_per_key: Counter = Counter()
        for item, size in sized_items:
            if not all(k in item for k in keys):
                continue
            table_key_bytes = _attr_bytes(item, table_keys)
            index_key_bytes = _attr_bytes(item, extra_keys)
            if idx.projection == "ALL":
                projected = size - table_key_bytes - index_key_bytes
            elif idx.projection == "INCLUDE":
                projected = _attr_bytes(item, [a for a in idx.non_key_attributes if a not in keys + table_keys])
            else:
                projected = 0
            entry_sizes.append(cap.gsi_entry_size(table_key_bytes, index_key_bytes, projected))
            entries_per_key[str(item[idx.hash_key])] += 1
        n = len(entry_sizes)
        indexes.append(IndexInventory(
            name=idx.name, projection=idx.projection, entries=n, entry_bytes=sum(entry_sizes),
            storage_bytes=cap.storage_bytes(entry_sizes), avg_entry_bytes=sum(entry_sizes) / n if n else 0.0,
            index_keys=len(entries_per_key), avg_entries_per_key=n / len(entries_per_key) if entries_per_key else 0.0,
            max_entries_per_key=max(entries_per_key.values()) if entries_per_key else 0,
        ))

    expired = expired_bytes = 0
    expired_keys: list[str] = []
    unreadable: list[dict] = []
    ttl = getattr(spec, "ttl_attribute", None)
    if ttl and as_of is not None:
        cutoff = pd.Timestamp(as_of).timestamp()
        for item, size in sized_items:
            if ttl not in item:
                continue
            seconds = _epoch_seconds(item[ttl])
            if seconds is None:
                unreadable.append({"key": _key_label(item, table_keys), "value": str(item[ttl])})
            elif seconds < cutoff:
                expired += 1
                expired_bytes += size
                expired_keys.append(_key_label(item, table_keys))

    n = len(sizes)
    return TableInventory(
        logical=spec.logical, system=spec.system, billing_mode=getattr(spec, "billing_mode", "PAY_PER_REQUEST"),
        ttl_attribute=ttl, items=n, item_bytes=sum(sizes), storage_bytes=cap.storage_bytes(sizes),
        avg_item_bytes=sum(sizes) / n if n else 0.0,
        p95_item_bytes=float(series.quantile(0.95)) if n else 0.0,
        max_item_bytes=max(sizes) if sizes else 0, near_limit=near, hash_keys=len(per_key),
        avg_items_per_key=n / len(per_key) if per_key else 0.0, hot_keys=hot, ttl_expired=expired,
        ttl_expired_bytes=expired_bytes, ttl_expired_keys=expired_keys, ttl_unreadable=unreadable, unsized=unsized,
        indexes=tuple(indexes), sizes=tuple(sizes),
    )


def inventory_frame(inventories: Iterable[TableInventory]) -> pd.DataFrame:
    """One row per table: the inventory's headline numbers."""
    rows = []
    for inv in inventories:
        rows.append({
            "system": inv.system, "table": inv.logical, "items": inv.items, "bytes": inv.item_bytes,
            "storage_bytes": inv.storage_bytes, "gsi_storage_bytes": inv.index_storage_bytes,
            "avg_item_bytes": inv.avg_item_bytes, "p95_item_bytes": inv.p95_item_bytes,
            "max_item_bytes": inv.max_item_bytes, "near_400KB": len(inv.near_limit),
            "ttl": inv.ttl_attribute or "", "past_ttl_still_stored": inv.ttl_expired,
            "billing_mode": inv.billing_mode,
        })
    return pd.DataFrame(rows, columns=["system", "table", "items", "bytes", "storage_bytes", "gsi_storage_bytes",
                                       "avg_item_bytes", "p95_item_bytes", "max_item_bytes", "near_400KB", "ttl",
                                       "past_ttl_still_stored", "billing_mode"])


# ------------------------------------------------------------------------------------------------
# Traffic model
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrafficModel:
    """Traffic per system; defaults from the documents, or marked as assumed where they are silent.

    :meth:`scaled` multiplies the *volume* fields (users, guilds, messages, trades, lookups...),
    never the intervals or the item sizes.
    """

    # 000 SolanaShares: lookups "fréquent", global stats "très fréquent", listing "rare" (assumed figures)
    wallet_lookups_per_day: float = 300
    user_lookups_per_day: float = 300
    stats_views_per_day: float = 1000
    participant_writes_per_day: float = 10
    participant_listings_per_day: float = 1
    # 001 Discord config: "max 20 guilds", "1-5 channels (moyenne 3)", onMessageCreate 99 % of traffic
    guilds: float = 20
    channels_per_guild: float = 3
    messages_per_day: float = 2000
    untracked_message_share: float = 0.5      # assumed: messages in channels the bot does not follow
    cache_refresh_minutes: float = 30         # "le cache se mettra à jour tous les 30 minutes"
    guild_listings_per_day: float = 2         # "rare, admin"
    config_writes_per_day: float = 1          # "très rare"
    # 002 trading bot: "max_trades_per_day 50", one daily report
    trades_per_day: float = 50
    bot_runs_per_day: float = 288             # assumed: one run per 5-minute cooldown
    daily_reports_per_day: float = 1
    # 003 Commercive: chat polled every 10 s, admin/affiliate pages every 30 s
    active_users: float = 50
    chat_poll_seconds: float = 10
    admin_poll_seconds: float = 30
    active_hours_per_day: float = 8           # assumed: hours a day the pages are open
    admin_users: float = 2                    # assumed
    active_affiliates: float = 10             # assumed
    messages_sent_per_user_per_day: float = 4  # assumed
    leads_per_day: float = 5                  # assumed
    lead_reviews_per_day: float = 5           # assumed
    # 004 Flavaflav: lookups and distributions per day (assumed figures)
    distributions_per_day: float = 20
    member_lookups_per_day: float = 100
    history_views_per_day: float = 20
    inventory_adds_per_day: float = 20
    # provisioned sizing: the busiest second against the average of a pattern's active hours
    peak_factor: float = 2.0

    VOLUME_FIELDS = (
        "wallet_lookups_per_day", "user_lookups_per_day", "stats_views_per_day", "participant_writes_per_day",
        "guilds", "messages_per_day", "guild_listings_per_day", "config_writes_per_day", "trades_per_day",
        "active_users", "admin_users", "active_affiliates", "leads_per_day", "lead_reviews_per_day",
        "distributions_per_day", "member_lookups_per_day", "history_views_per_day", "inventory_adds_per_day",
    )

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise DataError(f"TrafficModel.{name} must be a number >= 0, got {value!r}")
        for name in ("chat_poll_seconds", "admin_poll_seconds", "cache_refresh_minutes", "peak_factor"):
            if getattr(self, name) <= 0:
                raise DataError(f"TrafficModel.{name} must be > 0")
        if not 0 < self.active_hours_per_day <= 24:
            raise DataError("TrafficModel.active_hours_per_day must be in (0, 24]")
        if self.untracked_message_share > 1:
            raise DataError("TrafficModel.untracked_message_share must be in [0, 1]")

    def scaled(self, factor: float) -> TrafficModel:
        """The same model with every volume multiplied by ``factor`` (intervals unchanged)."""
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or factor <= 0:
            raise DataError(f"factor must be a positive number, got {factor!r}")
        return replace(self, **{f: getattr(self, f) * factor for f in self.VOLUME_FIELDS})


@dataclass(frozen=True)
class AccessPattern:
    """One access pattern of one document, as requests a day before any cache.

    ``items_per_request``: ``None`` takes the measured average items per partition key of the
    table (or index) for a Query, 1 for GetItem/PutItem/UpdateItem/DeleteItem, and every item of
    the table for a Scan. ``cache_hit_ratio``: the share of the events the application's cache
    answers without a request. ``hours_per_day``: the hours the events are spread over (for
    the provisioned peak). ``creates_items``: each event adds an item (table growth).
    ``index_key_change``: the write moves the item in every GSI (delete + put).
    """

    system: str
    table: str
    name: str
    operation: str
    per_day: float
    index: str | None = None
    items_per_request: float | None = None
    consistent: bool = False
    cache_hit_ratio: float = 0.0
    hours_per_day: float = 24.0
    creates_items: bool = False
    index_key_change: bool = False
    basis: str = ""

    def __post_init__(self) -> None:
        if self.operation not in READ_OPERATIONS + WRITE_OPERATIONS:
            raise DataError(f"unknown operation {self.operation!r}")
        if not 0 <= self.cache_hit_ratio <= 1:
            raise DataError(f"cache_hit_ratio must be in [0, 1], got {self.cache_hit_ratio!r}")
        if self.per_day < 0 or not 0 < self.hours_per_day <= 24:
            raise DataError("per_day must be >= 0 and hours_per_day in (0, 24]")

    @property
    def key(self) -> str:
        return f"{self.system} {self.name}"


def access_patterns(model: TrafficModel, cache_hit_ratios: Mapping[str, float] | None = None) -> list[AccessPattern]:
    """The documents' access patterns under ``model``.

    ``cache_hit_ratios`` (pattern key ``"<system> <name>"`` -> ratio) replaces the default
    hit ratio of a cached pattern — the report passes the ratios its replay measured. Defaults:
    001's lookups are answered by the complete cache (1.0, the document's design); the 000
    caches depend on the traffic's shape, so they default to 0 (no saving assumed).
    """
    m = model
    active = m.active_hours_per_day
    chat_polls = m.active_users * active * 3600 / m.chat_poll_seconds
    admin_polls = m.admin_users * active * 3600 / m.admin_poll_seconds
    affiliate_polls = m.active_affiliates * active * 3600 / m.admin_poll_seconds
    sent = m.active_users * m.messages_sent_per_user_per_day
    refreshes = 24 * 60 / m.cache_refresh_minutes
    P = AccessPattern
    patterns = [
        # 000 — solanashares-logistic
        P("000", "solanashares", "find by wallet (cache, then WalletAddressIndex)", "Query", m.wallet_lookups_per_day,
          index=solanashares_keys.WALLET_INDEX, basis="document: fréquent; cache by wallet"),
        P("000", "solanashares", "find by Discord user (cache, then USER# partition)", "Query", m.user_lookups_per_day,
          basis="document: fréquent; cache by user"),
        P("000", "solanashares", "global stats (30 s cache, then GetItem)", "GetItem", m.stats_views_per_day,
          basis="document: très fréquent; 30 s cache"),
        P("000", "solanashares", "CRUD participant (transaction with GLOBAL#STATS)", "TransactWriteItems",
          m.participant_writes_per_day, items_per_request=2, creates_items=True,
          basis="document: CRUD; participant + stats in one transaction"),
        P("000", "solanashares", "list all participants (Scan)", "Scan", m.participant_listings_per_day,
          basis="document: rare, for reports"),
        # 001 — discord-bot-config
        P("001", "discord_config", "onMessageCreate: channel config", "Query", m.messages_per_day,
          index=discord_config_keys.CHANNEL_INDEX, items_per_request=1 - m.untracked_message_share, cache_hit_ratio=1.0,
          basis="document: 99 % of traffic, answered by the complete cache"),
        P("001", "discord_config", "cache warm-up and safety refresh (Scan)", "Scan", refreshes,
          basis=f"document: 1 scan at start + refresh every {m.cache_refresh_minutes:g} min"),
        P("001", "discord_config", "list channels of a guild", "Query", m.guild_listings_per_day,
          cache_hit_ratio=1.0, basis="document: rare, admin; guild cache"),
        P("001", "discord_config", "CRUD channel / guild settings", "PutItem", m.config_writes_per_day,
          basis="document: très rare"),
        # 002 — trading bot
        P("002", "bot_config", "bot run: read CONFIG#bot and CONFIG#limits", "GetItem", 2 * m.bot_runs_per_day,
          basis="assumed: one run per 5-minute cooldown"),
        P("002", "bot_config", "bot run: update last_execution", "UpdateItem", m.bot_runs_per_day,
          basis="document: last_execution, last_signal"),
        P("002", "trades", "trades of today (daily limit check)", "Query", m.bot_runs_per_day,
          index=trading_keys.DATE_INDEX, basis="document: max_trades_per_day"),
        P("002", "trades", "record a trade (METADATA)", "PutItem", m.trades_per_day, creates_items=True,
          basis="document: at most 50 trades a day"),
        P("002", "trades", "status update row (UPDATE#)", "PutItem", m.trades_per_day, creates_items=True,
          basis="document: UPDATE#{timestamp} rows"),
        P("002", "trades", "daily report: trades of the day", "Query", m.daily_reports_per_day,
          index=trading_keys.DATE_INDEX, basis="document: one daily report"),
        P("002", "reports", "daily report: write REPORT#", "PutItem", m.daily_reports_per_day, creates_items=True,
          basis="document: one daily report, TTL 90 days"),
        P("002", "reports", "reports of the month", "Query", m.daily_reports_per_day, index=trading_keys.MONTH_INDEX,
          basis="document: gsi1-month"),
        # 003 — Commercive
        P("003", "conversations", "chat poll: my conversations", "Query", chat_polls,
          index=commercive_keys.USER_CONVERSATIONS_INDEX, hours_per_day=active,
          basis=f"document: polled every {m.chat_poll_seconds:g} s by active_users"),
        P("003", "messages", "chat poll: messages of a conversation", "Query", chat_polls, hours_per_day=active,
          basis=f"document: polled every {m.chat_poll_seconds:g} s by active_users"),
        P("003", "conversations", "admin poll: open conversations", "Query", admin_polls,
          index=commercive_keys.CONVERSATION_STATUS_INDEX, hours_per_day=active,
          basis=f"document: admin pages every {m.admin_poll_seconds:g} s"),
        P("003", "leads", "admin poll: leads by status", "Query", admin_polls, index=commercive_keys.LEAD_STATUS_INDEX,
          hours_per_day=active, basis=f"document: admin pages every {m.admin_poll_seconds:g} s"),
        P("003", "leads", "affiliate stats poll: leads of an affiliate", "Query", affiliate_polls,
          index=commercive_keys.AFFILIATE_LEADS_INDEX, hours_per_day=active,
          basis=f"document: affiliate dashboard every {m.admin_poll_seconds:g} s"),
        P("003", "messages", "send / reply: new message", "PutItem", sent, creates_items=True, hours_per_day=active,
          basis="assumed messages per user"),
        P("003", "conversations", "send / reply: touch conversation updated_at", "UpdateItem", sent,
          index_key_change=True, hours_per_day=active, basis="updated_at is both GSIs' sort key"),
        P("003", "messages", "mark as read", "UpdateItem", sent, hours_per_day=active, basis="document: mark-read"),
        P("003", "affiliate_links", "submit lead: find affiliate by link_id (Scan: no index on link_id)", "Scan",
          m.leads_per_day, basis="document: looks up affiliate from link_id; the table is keyed by affiliate_id"),
        P("003", "leads", "submit lead", "PutItem", m.leads_per_day, creates_items=True,
          basis="document: submit-lead"),
        P("003", "leads", "approve / reject lead", "UpdateItem", m.lead_reviews_per_day, index_key_change=True,
          basis="document: approve-lead; status is LeadStatusIndex's key"),
        P("003", "affiliate_stats", "recompute affiliate stats", "PutItem", m.lead_reviews_per_day,
          basis="Affiliate Stats row per review"),
        # 004 — Flavaflav
        P("004", "inventory", "distribution: available links of a quality", "Query", m.distributions_per_day,
          index=flavaflav_keys.AVAILABILITY_QUALITY_INDEX, basis="assumed distributions per day"),
        P("004", "inventory", "distribution: mark link distributed", "UpdateItem", m.distributions_per_day,
          index_key_change=True, basis="availability is the index key"),
        P("004", "distributions", "distribution: record it", "PutItem", m.distributions_per_day, creates_items=True,
          basis="audit trail"),
        P("004", "lists", "distribution: active lists of a quality", "Query", m.distributions_per_day,
          index=flavaflav_keys.ACTIVE_QUALITY_INDEX, basis="lists of eligible members"),
        P("004", "members", "member lookup", "GetItem", m.member_lookups_per_day, basis="assumed lookups per day"),
        P("004", "distributions", "member history", "Query", m.history_views_per_day,
          index=flavaflav_keys.MEMBER_DATE_INDEX, basis="assumed"),
        P("004", "inventory", "add links", "PutItem", m.inventory_adds_per_day, creates_items=True, basis="assumed"),
    ]
    overrides = dict(cache_hit_ratios or {})
    unknown = sorted(set(overrides) - {p.key for p in patterns})
    if unknown:
        raise DataError(f"cache_hit_ratios names unknown patterns: {unknown}")
    return [replace(p, cache_hit_ratio=float(overrides[p.key])) if p.key in overrides else p for p in patterns]


# ------------------------------------------------------------------------------------------------
# Units and cost per pattern
# ------------------------------------------------------------------------------------------------

def _query_units(total_bytes: float, consistent: bool) -> tuple[float, int]:
    """Read units and requests (pages) of reading ``total_bytes`` with one paginated Query/Scan."""
    pages = max(1, math.ceil(total_bytes / cap.MAX_PAGE_BYTES))
    sizes = [cap.MAX_PAGE_BYTES] * (pages - 1) + [total_bytes - cap.MAX_PAGE_BYTES * (pages - 1)]
    return cap.read_units_for_pages([[s] for s in sizes], consistent), pages


def _index_writes(inv: TableInventory, items_written: float, key_change: bool) -> dict[str, float]:
    """Write units per GSI of writing ``items_written`` average items of ``inv``.

    An index is written for the share of items that carry its keys (entries / items), each entry
    rounded up to 1 KB; a key change costs a delete and a put.
    """
    out = {}
    for idx in inv.indexes:
        share = idx.entries / inv.items if inv.items else 0.0
        per_entry = cap.write_units_for_item(idx.avg_entry_bytes) * (2 if key_change else 1)
        out[idx.name] = items_written * share * per_entry
    return out


def pattern_units(pattern: AccessPattern, inv: TableInventory) -> dict[str, Any]:
    """Requests, read units and write units of ONE event of ``pattern`` on the measured table."""
    op = pattern.operation
    if op in READ_OPERATIONS:
        if pattern.index:
            idx = inv.index(pattern.index)
            avg, per_key, count = idx.avg_entry_bytes, idx.avg_entries_per_key, idx.entries
        else:
            avg, per_key, count = inv.avg_item_bytes, inv.avg_items_per_key, inv.items
        if op == "GetItem":
            n = pattern.items_per_request if pattern.items_per_request is not None else 1
            return {"requests": 1, "read_units": cap.read_units_for_get(avg if n else 0, pattern.consistent),
                    "items": n, "write_units": 0.0, "index_writes": {}}
        if op == "BatchGetItem":
            n = pattern.items_per_request if pattern.items_per_request is not None else 1
            return {"requests": max(1, math.ceil(n / 100)), "items": n, "write_units": 0.0, "index_writes": {},
                    "read_units": n * cap.read_units_for_get(avg, pattern.consistent)}
        if op == "Scan":
            n = count if pattern.items_per_request is None else pattern.items_per_request
        else:
            n = per_key if pattern.items_per_request is None else pattern.items_per_request
        units, pages = _query_units(n * avg, pattern.consistent)
        return {"requests": pages, "read_units": units, "items": n, "write_units": 0.0, "index_writes": {}}
    n = pattern.items_per_request if pattern.items_per_request is not None else 1
    table_units = n * cap.write_units_for_item(inv.avg_item_bytes)
    index_writes = _index_writes(inv, n, pattern.index_key_change)
    factor = 2 if op == "TransactWriteItems" else 1
    index_writes = {k: v * factor for k, v in index_writes.items()}
    return {"requests": 1, "read_units": 0.0, "items": n, "write_units": table_units * factor,
            "index_writes": index_writes}


_PATTERN_COLUMNS = [
    "system", "table", "pattern", "key", "operation", "index", "events_per_month", "cache_hit_ratio",
    "requests_per_month", "requests_without_cache_per_month", "items_per_request", "read_units_per_request",
    "write_units_per_request", "read_units_per_month", "write_units_per_month", "table_write_units_per_month",
    "index_write_units", "on_demand_cost", "peak_read_units_per_second", "peak_write_units_per_second",
    "peak_index_write_units_per_second", "new_items_per_month", "hours_per_day", "basis"]

_UnitsMemo = dict[tuple[Any, ...], dict[str, Any]]


def _units_key(pattern: AccessPattern) -> tuple[Any, ...]:
    """What :func:`pattern_units` reads of a pattern (its volume apart): the memo key of a table's units."""
    return (pattern.table, pattern.operation, pattern.index, pattern.items_per_request, pattern.consistent,
            pattern.index_key_change)


def _pattern_rows(patterns: Sequence[AccessPattern], inventories: Mapping[str, TableInventory],
                  prices: Mapping[str, cap.Price], units_memo: _UnitsMemo | None = None) -> list[dict[str, Any]]:
    """The rows of :func:`pattern_costs`. ``units_memo`` keeps each pattern's units per event across
    calls on the same inventories (a sweep over scales changes volumes, never the units of one event)."""
    rru_price = prices["on_demand.read_request_unit"].usd
    wru_price = prices["on_demand.write_request_unit"].usd
    rows = []
    for p in patterns:
        inv = inventories.get(p.table)
        if inv is None:
            continue
        if units_memo is None:
            u = pattern_units(p, inv)
        else:
            key = _units_key(p)
            if key not in units_memo:
                units_memo[key] = pattern_units(p, inv)
            u = units_memo[key]
        served = p.per_day * (1 - p.cache_hit_ratio) * DAYS_PER_MONTH
        index_writes = {k: v * served for k, v in u["index_writes"].items()}
        rru = u["read_units"] * served
        wru = u["write_units"] * served + sum(index_writes.values())
        seconds = p.hours_per_day * 3600 * DAYS_PER_MONTH
        rows.append({
            "system": p.system, "table": p.table, "pattern": p.name, "key": p.key, "operation": p.operation,
            "index": p.index or "", "events_per_month": p.per_day * DAYS_PER_MONTH,
            "cache_hit_ratio": p.cache_hit_ratio, "requests_per_month": u["requests"] * served,
            "requests_without_cache_per_month": u["requests"] * p.per_day * DAYS_PER_MONTH,
            "items_per_request": u["items"], "read_units_per_request": u["read_units"],
            "write_units_per_request": u["write_units"] + sum(u["index_writes"].values()),
            "read_units_per_month": rru, "write_units_per_month": wru,
            "table_write_units_per_month": u["write_units"] * served, "index_write_units": index_writes,
            "on_demand_cost": rru * rru_price + wru * wru_price,
            "peak_read_units_per_second": rru / seconds,
            "peak_write_units_per_second": u["write_units"] * served / seconds,
            "peak_index_write_units_per_second": {k: v / seconds for k, v in index_writes.items()},
            "new_items_per_month": served * u["items"] if p.creates_items else 0.0,
            "hours_per_day": p.hours_per_day, "basis": p.basis,
        })
    return rows


def pattern_costs(patterns: Sequence[AccessPattern], inventories: Mapping[str, TableInventory],
                  prices: Mapping[str, cap.Price]) -> pd.DataFrame:
    """Per pattern: events, requests, read and write units per month, on-demand cost, peak units/s.

    Missing tables (not in ``inventories``) are left out. Request units are on-demand's; the
    peak columns feed the provisioned sizing: units per second averaged over the pattern's
    active hours, times ``peak_factor`` applied later by :func:`table_costs`.
    """
    return pd.DataFrame(_pattern_rows(patterns, inventories, prices), columns=_PATTERN_COLUMNS)


# ------------------------------------------------------------------------------------------------
# Cost per table and for the account
# ------------------------------------------------------------------------------------------------

def _capacity_units(peak: float) -> int:
    return cap.provisioned_capacity_for(peak, 0)[0]


def _sum(values: Iterable[float]) -> float:
    """The sum pandas' ``Series.sum`` gives (numpy's pairwise reduction, not Python's left-to-right
    one), so that figures summed from plain rows are the very floats a frame's column sum gives."""
    return float(np.add.reduce(np.fromiter(values, dtype=np.float64)))


def _table_rows(pattern_rows: Sequence[Mapping[str, Any]], inventories: Mapping[str, TableInventory],
                prices: Mapping[str, cap.Price], *, peak_factor: float) -> list[dict[str, Any]]:
    """The rows of :func:`table_costs` from pattern rows (:func:`_pattern_rows`), grouped once."""
    by_table: dict[str, list[Mapping[str, Any]]] = {}
    for row in pattern_rows:
        by_table.setdefault(row["table"], []).append(row)
    region = _region(prices)
    rows = []
    for logical, inv in inventories.items():
        mine = by_table.get(logical, [])
        rru = _sum(r["read_units_per_month"] for r in mine)
        wru = _sum(r["write_units_per_month"] for r in mine)
        base_reads = _sum(r["peak_read_units_per_second"] for r in mine if r["index"] == "") * peak_factor
        rcu = _capacity_units(base_reads)
        wcu = _capacity_units(_sum(r["peak_write_units_per_second"] for r in mine) * peak_factor)
        for idx in inv.indexes:
            reads = _sum(r["peak_read_units_per_second"] for r in mine if r["index"] == idx.name) * peak_factor
            writes = sum(r["peak_index_write_units_per_second"].get(idx.name, 0.0) for r in mine) * peak_factor
            rcu += _capacity_units(reads)
            wcu += _capacity_units(writes)
        stored = inv.total_storage_bytes
        on_demand = cap.monthly_cost(read_request_units=rru, write_request_units=wru, storage_bytes=stored,
                                     billing_mode="on_demand", apply_free_tier=False, prices=prices, region=region)
        provisioned = cap.monthly_cost(storage_bytes=stored, billing_mode="provisioned", provisioned_rcu=rcu,
                                       provisioned_wcu=wcu, hours=HOURS_PER_MONTH, apply_free_tier=False,
                                       prices=prices, region=region)
        configured = "provisioned" if inv.billing_mode == "PROVISIONED" else "on_demand"
        cheapest = "provisioned" if provisioned.total < on_demand.total else "on_demand"
        rows.append({
            "system": inv.system, "table": logical, "configured_mode": configured, "items": inv.items,
            "storage_bytes": stored, "read_units_per_month": rru, "write_units_per_month": wru,
            "on_demand_reads": on_demand.reads, "on_demand_writes": on_demand.writes,
            "on_demand_storage": on_demand.storage, "monthly_cost_on_demand": on_demand.total,
            "provisioned_rcu": rcu, "provisioned_wcu": wcu, "provisioned_reads": provisioned.reads,
            "provisioned_writes": provisioned.writes, "provisioned_storage": provisioned.storage,
            "monthly_cost_provisioned": provisioned.total, "cheapest_mode": cheapest,
            "new_items_per_month": _sum(r["new_items_per_month"] for r in mine),
        })
    return rows


def table_costs(pattern_frame: pd.DataFrame, inventories: Mapping[str, TableInventory],
                prices: Mapping[str, cap.Price], *, peak_factor: float = 2.0) -> pd.DataFrame:
    """Monthly cost per table on both billing modes, free tier NOT applied (it is per account).

    Provisioned capacity is sized for the model's peak — the patterns' units per second over
    their active hours, summed, times ``peak_factor`` — rounded up, at least 1 RCU and 1 WCU for
    the table and for each GSI (a provisioned GSI has its own capacity). Storage: items and GSI
    entries, each +100 bytes.
    """
    return pd.DataFrame(_table_rows(pattern_frame.to_dict("records"), inventories, prices, peak_factor=peak_factor))


def _region(prices: Mapping[str, cap.Price]) -> str:
    return next(iter(prices.values())).region if prices else "us-east-1"


_TOTALS_COLUMNS = ("table", "configured_mode", "cheapest_mode", "read_units_per_month", "write_units_per_month",
                   "provisioned_rcu", "provisioned_wcu", "storage_bytes", "on_demand_reads", "on_demand_writes")
"""The columns of a :func:`table_costs` frame that the account's month reads."""

_Columns = dict[str, list[Any]]


def _frame_columns(tables: pd.DataFrame) -> _Columns:
    if tables.empty:
        return {c: [] for c in _TOTALS_COLUMNS}
    return {c: tables[c].tolist() for c in _TOTALS_COLUMNS}


def _row_columns(rows: Sequence[Mapping[str, Any]]) -> _Columns:
    return {c: [r[c] for r in rows] for c in _TOTALS_COLUMNS}


def _packing_value(cost: float, units: float) -> float:
    """On-demand request cost per capacity unit, as numpy divides (x / 0: inf, 0 / 0: NaN)."""
    if units:
        return cost / units
    return math.nan if cost == 0 else math.copysign(math.inf, cost)


def _free_tier_packing(cols: _Columns) -> dict[str, str]:
    """Provisioned for the tables whose capacity fits together in the free 25 RCU / 25 WCU,
    the most expensive on-demand request cost per capacity unit first; on-demand for the rest."""
    names, rcus, wcus = cols["table"], cols["provisioned_rcu"], cols["provisioned_wcu"]
    modes = {t: "on_demand" for t in names}
    values = [_packing_value(r + w, c + u) for r, w, c, u in
              zip(cols["on_demand_reads"], cols["on_demand_writes"], rcus, wcus, strict=True)]
    # most valuable first, then by name; a NaN value last (a frame's sort_values, na_position="last")
    ranked = sorted(range(len(names)), key=lambda i: (math.isnan(values[i]),
                                                      0.0 if math.isnan(values[i]) else -values[i], names[i]))
    rcu = wcu = 0
    for i in ranked:
        if rcu + rcus[i] <= cap.FREE_TIER["rcu"] and wcu + wcus[i] <= cap.FREE_TIER["wcu"]:
            modes[names[i]] = "provisioned"
            rcu += rcus[i]
            wcu += wcus[i]
    return modes


def _plan_cost(cols: _Columns, modes: Mapping[str, str], prices: Mapping[str, cap.Price]) -> dict[str, float]:
    region = _region(prices)
    names = cols["table"]
    on = [i for i, t in enumerate(names) if modes[t] == "on_demand"]
    prov = [i for i, t in enumerate(names) if modes[t] == "provisioned"]
    od = cap.monthly_cost(read_request_units=_sum(cols["read_units_per_month"][i] for i in on),
                          write_request_units=_sum(cols["write_units_per_month"][i] for i in on),
                          billing_mode="on_demand", prices=prices, region=region, apply_free_tier=False)
    pv = cap.monthly_cost(provisioned_rcu=_sum(cols["provisioned_rcu"][i] for i in prov),
                          provisioned_wcu=_sum(cols["provisioned_wcu"][i] for i in prov),
                          billing_mode="provisioned", prices=prices, region=region, hours=HOURS_PER_MONTH)
    gb = _sum(cols["storage_bytes"]) / cap.GB_BYTES
    storage = max(0.0, gb - cap.FREE_TIER["storage_gb"]) * prices["on_demand.gb_month"].usd
    return {"reads": od.reads + pv.reads, "writes": od.writes + pv.writes, "storage": storage,
            "total": od.total + pv.total + storage}


def plan_cost(tables: pd.DataFrame, modes: Mapping[str, str], prices: Mapping[str, cap.Price]) -> dict[str, float]:
    """The account's month with each table on ``modes[table]``, the free tier applied once:
    25 GB of storage on every mode, 25 RCU / 25 WCU over the provisioned tables and GSIs."""
    return _plan_cost(_frame_columns(tables), modes, prices)


def _account_totals(cols: _Columns, prices: Mapping[str, cap.Price], *, monthly_budget: float) -> dict[str, Any]:
    names = list(cols["table"])
    plans = {
        "configured": dict(zip(names, cols["configured_mode"], strict=True)),
        "on_demand": {t: "on_demand" for t in names},
        "provisioned": {t: "provisioned" for t in names},
        "per_table": dict(zip(names, cols["cheapest_mode"], strict=True)),
        "free_tier_packing": _free_tier_packing(cols) if names else {},
    }
    costs = {name: _plan_cost(cols, modes, prices) for name, modes in plans.items()}
    best = min(plans, key=lambda name: (costs[name]["total"], name != "configured"))
    rcu = int(_sum(cols["provisioned_rcu"])) if names else 0
    wcu = int(_sum(cols["provisioned_wcu"])) if names else 0
    storage_gb = _sum(cols["storage_bytes"]) / cap.GB_BYTES if names else 0.0
    fit = rcu <= cap.FREE_TIER["rcu"] and wcu <= cap.FREE_TIER["wcu"] and storage_gb <= cap.FREE_TIER["storage_gb"]
    return {
        **costs, "plans": plans,
        "total_monthly_cost": costs["configured"]["total"], "cheapest_total_monthly_cost": costs[best]["total"],
        "cheapest_plan": best, "cheapest_modes": plans[best], "monthly_budget": monthly_budget,
        "within_budget": costs["configured"]["total"] <= monthly_budget,
        "free_tier": {"fits": fit, "provisioned_rcu": rcu, "provisioned_wcu": wcu, "storage_gb": storage_gb,
                      "free_rcu": cap.FREE_TIER["rcu"], "free_wcu": cap.FREE_TIER["wcu"],
                      "free_storage_gb": cap.FREE_TIER["storage_gb"]},
    }


def account_totals(tables: pd.DataFrame, prices: Mapping[str, cap.Price], *, monthly_budget: float) -> dict[str, Any]:
    """The month for the whole account, the always-free tier applied ONCE (:func:`plan_cost`).

    Plans: ``configured`` (each table on its configured mode), ``on_demand`` and
    ``provisioned`` (every table on that mode), ``per_table`` (each table on its cheaper mode
    before the free tier) and ``free_tier_packing`` (provisioned for the tables that fit
    together in the free 25 RCU / 25 WCU, on-demand for the rest). The cheapest of them gives
    ``cheapest_total_monthly_cost`` and ``cheapest_modes``. ``free_tier.fits`` is True when
    every table provisioned for the model's peak fits in the free tier: the month would be free.
    """
    return _account_totals(_frame_columns(tables), prices, monthly_budget=monthly_budget)


def _model_rows(model: TrafficModel, inventories: Mapping[str, TableInventory], prices: Mapping[str, cap.Price],
                cache_hit_ratios: Mapping[str, float] | None,
                units_memo: _UnitsMemo | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Pattern rows and table rows of one traffic model, no frame built (the sweeps call this)."""
    pattern_rows = _pattern_rows(access_patterns(model, cache_hit_ratios), inventories, prices, units_memo)
    return pattern_rows, _table_rows(pattern_rows, inventories, prices, peak_factor=model.peak_factor)


def cost_model(model: TrafficModel, inventories: Mapping[str, TableInventory], prices: Mapping[str, cap.Price], *,
               monthly_budget: float = 5.0, cache_hit_ratios: Mapping[str, float] | None = None) -> dict[str, Any]:
    """Patterns, tables and account totals for one traffic model (see the functions it chains)."""
    pattern_rows, table_rows = _model_rows(model, inventories, prices, cache_hit_ratios)
    return {"patterns": pd.DataFrame(pattern_rows, columns=_PATTERN_COLUMNS), "tables": pd.DataFrame(table_rows),
            "totals": _account_totals(_row_columns(table_rows), prices, monthly_budget=monthly_budget)}


# ------------------------------------------------------------------------------------------------
# Sensitivity
# ------------------------------------------------------------------------------------------------

def sensitivity(model: TrafficModel, inventories: Mapping[str, TableInventory], prices: Mapping[str, cap.Price], *,
                scale_factors: Sequence[float] = (1, 10, 100), poll_seconds: Sequence[float] = (),
                cache_hit_ratios: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Account totals on each mode against traffic scale and against the chat polling interval.

    Storage is the measured one at every scale (the tables as they are today). Each point is
    :func:`cost_model`'s totals, computed on plain rows (no frame per point) with each pattern's
    units per event computed once for the whole sweep.
    """
    rows = []
    memo: _UnitsMemo = {}
    for what, values in (("scale", scale_factors), ("chat_poll_seconds", poll_seconds)):
        for value in values:
            m = model.scaled(value) if what == "scale" else replace(model, chat_poll_seconds=float(value))
            _, table_rows = _model_rows(m, inventories, prices, cache_hit_ratios, memo)
            t = _account_totals(_row_columns(table_rows), prices, monthly_budget=5.0)
            rows.append({"vary": what, "value": float(value), "on_demand": t["on_demand"]["total"],
                         "provisioned": t["provisioned"]["total"], "configured": t["configured"]["total"],
                         "cheapest": t["cheapest_total_monthly_cost"]})
    return pd.DataFrame(rows, columns=["vary", "value", "on_demand", "provisioned", "configured", "cheapest"])


def break_even_scale(model: TrafficModel, inventories: Mapping[str, TableInventory],
                     prices: Mapping[str, cap.Price], *, cache_hit_ratios: Mapping[str, float] | None = None,
                     low: float = 0.1, high: float = 10_000.0, steps: int = 41) -> dict[str, Any]:
    """The smallest traffic scale, on a log grid from ``low`` to ``high``, at which provisioned
    capacity costs no more than on-demand: for the whole account (free tier applied once) and
    for each table (before the free tier). ``None`` where it never does on the grid.
    """
    account: float | None = None
    per_table: dict[str, float | None] = {t: None for t in inventories}
    memo: _UnitsMemo = {}
    for i in range(steps):
        factor = low * (high / low) ** (i / (steps - 1))
        _, table_rows = _model_rows(model.scaled(factor), inventories, prices, cache_hit_ratios, memo)
        t = _account_totals(_row_columns(table_rows), prices, monthly_budget=5.0)
        if account is None and t["provisioned"]["total"] <= t["on_demand"]["total"]:
            account = factor
        for row in table_rows:
            if per_table[row["table"]] is None and row["monthly_cost_provisioned"] <= row["monthly_cost_on_demand"]:
                per_table[row["table"]] = factor
    return {"account": account, "tables": per_table, "grid": (low, high, steps)}


# ------------------------------------------------------------------------------------------------
# Recommendations
# ------------------------------------------------------------------------------------------------

def recommendations(patterns: pd.DataFrame, tables: pd.DataFrame, totals: Mapping[str, Any],
                    inventories: Mapping[str, TableInventory], *, frequent_per_day: float = 24,
                    dominant_share: float = 1 / 3) -> list[dict[str, Any]]:
    """Advice computed from the numbers: each item has ``kind``, ``table``, ``text`` and the figures.

    Advice that can apply to many tables alike (``billing_mode``, ``add_ttl``) also has ``action``
    (the text every such table shares) and ``detail`` (this table's figures), so that a report can
    group it.

    * ``billing_mode``: a table whose mode in the cheapest plan (:func:`account_totals`)
      differs from its configured one;
    * ``frequent_scan``: a Scan run ``frequent_per_day`` times a day or more;
    * ``dominant_pattern``: the pattern with the largest on-demand request cost when it is at
      least ``dominant_share`` of the total;
    * ``add_ttl``: a table without TTL that the patterns grow every month;
    * ``expired_items``: items past their TTL still stored;
    * ``near_item_limit``: items above 300 KB;
    * ``over_budget``: the configured month above the budget;
    * ``free_tier``: the provisioned sizing exceeds the free 25 RCU / 25 WCU.
    """
    out: list[dict[str, Any]] = []
    best = totals.get("cheapest_modes", {})
    if best and totals["cheapest_total_monthly_cost"] < totals["total_monthly_cost"]:
        for row in tables.itertuples():
            mode = best.get(row.table, row.configured_mode)
            if mode != row.configured_mode:
                capacity_text = (f" ({row.provisioned_rcu} RCU / {row.provisioned_wcu} WCU)"
                                 if mode == "provisioned" else "")
                switch = f"switch {row.configured_mode.replace('_', '-')} -> {mode.replace('_', '-')}"
                plan = (f"part of the cheapest plan '{totals['cheapest_plan']}' "
                        f"(${totals['cheapest_total_monthly_cost']:.4f} against ${totals['total_monthly_cost']:.4f} "
                        f"a month as configured)")
                out.append({"kind": "billing_mode", "table": row.table, "mode": mode,
                            "text": f"{row.table}: {switch}{capacity_text}; {plan}",
                            "action": f"{switch}; {plan}", "detail": capacity_text.strip(" ()")})
    for row in patterns[patterns["operation"] == "Scan"].itertuples():
        per_day = row.events_per_month / DAYS_PER_MONTH * (1 - row.cache_hit_ratio)
        if per_day >= frequent_per_day:
            out.append({"kind": "frequent_scan", "table": row.table, "pattern": row.pattern,
                        "read_units_per_month": row.read_units_per_month,
                        "text": f"{row.table}: '{row.pattern}' scans the whole table {per_day:,.0f} times a day — "
                                f"{row.read_units_per_month:,.0f} read units (${row.on_demand_cost:.4f}) a month, "
                                f"growing with the table"})
    cost_total = float(patterns["on_demand_cost"].sum()) if len(patterns) else 0.0
    if cost_total > 0:
        top = patterns.loc[patterns["on_demand_cost"].idxmax()]
        share = top["on_demand_cost"] / cost_total
        if share >= dominant_share:
            out.append({"kind": "dominant_pattern", "table": top["table"], "pattern": top["pattern"], "share": share,
                        "text": f"{top['system']} '{top['pattern']}' is {share:.0%} of the on-demand request cost "
                                f"(${top['on_demand_cost']:.4f} of ${cost_total:.4f} a month)"})
    for row in tables.itertuples():
        inv = inventories[row.table]
        if not inv.ttl_attribute and row.new_items_per_month > 0:
            growth = row.new_items_per_month * (inv.avg_item_bytes + cap.STORAGE_OVERHEAD_BYTES)
            detail = f"about {row.new_items_per_month:,.0f} items ({growth / 1024 ** 2:,.2f} MB before GSIs) a month"
            out.append({"kind": "add_ttl", "table": row.table, "new_items_per_month": row.new_items_per_month,
                        "text": f"{row.table}: no TTL, grows by {detail}, forever — add a TTL or archive old items",
                        "action": "no TTL, grows every month, forever — add a TTL or archive old items",
                        "detail": detail})
        if inv.ttl_expired:
            out.append({"kind": "expired_items", "table": row.table, "items": inv.ttl_expired,
                        "text": f"{row.table}: {inv.ttl_expired} item(s) ({inv.ttl_expired_bytes:,} bytes) are past "
                                f"their '{inv.ttl_attribute}' but still stored and billed — check that TTL is enabled "
                                f"on the table (deletion usually follows within a few days)"})
        if inv.near_limit:
            out.append({"kind": "near_item_limit", "table": row.table, "items": len(inv.near_limit),
                        "text": f"{row.table}: {len(inv.near_limit)} item(s) above {NEAR_LIMIT_BYTES // 1024} KB, "
                                f"close to the 400 KB item limit"})
    if not totals["within_budget"]:
        out.append({"kind": "over_budget", "table": "", "text":
                    f"the configured month costs ${totals['total_monthly_cost']:.2f}, over the "
                    f"${totals['monthly_budget']:.2f} budget "
                    f"(cheapest plan: ${totals['cheapest_total_monthly_cost']:.2f})"})
    free = totals["free_tier"]
    if not free["fits"]:
        out.append({"kind": "free_tier", "table": "", "text":
                    f"provisioned sizing needs {free['provisioned_rcu']} RCU / {free['provisioned_wcu']} WCU over "
                    f"all tables and GSIs (at least 1 each), more than the free {free['free_rcu']} / "
                    f"{free['free_wcu']}; on-demand has no free request units (only the 25 GB of storage)"})
    return out


# ------------------------------------------------------------------------------------------------
# Cache replay
# ------------------------------------------------------------------------------------------------

def replay_plan(kinds: Mapping[str, tuple[float, Sequence[str]]], *, max_events: int, seed: int = 6,
                day_seconds: float = 86_400.0) -> tuple[list[tuple[float, str, str]], float]:
    """One simulated day of lookups: ``[(t_seconds, kind, key)]`` in time order, and the scale.

    ``kinds`` maps a lookup kind to (events per day, the keys it picks from uniformly). When the
    day holds more than ``max_events`` events, each kind is thinned in proportion and the
    returned scale (events per day / events replayed, >= 1) extrapolates the measured requests
    back to a day. Times are uniform over the day; a fixed ``seed`` keeps it deterministic.
    """
    if isinstance(max_events, bool) or not isinstance(max_events, int) or max_events < 0:
        raise DataError(f"max_events must be an int >= 0, got {max_events!r}")
    rng = random.Random(seed)
    total = sum(n for n, keys in kinds.values() if keys)
    thin = min(1.0, max_events / total) if total else 1.0
    events = []
    for kind, (per_day, keys) in kinds.items():
        if not keys:
            continue
        for _ in range(int(round(per_day * thin))):
            events.append((rng.uniform(0, day_seconds), kind, rng.choice(list(keys))))
    events.sort()
    scale = (total / len(events)) if events else 1.0
    return events, scale


class SimulatedClock:
    """A clock the replay moves forward event by event (the repositories take ``clock=``)."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = float(start)

    def __call__(self) -> float:
        return self.now


def replay_lookups(events: Sequence[tuple[float, str, str]], new_repository: Callable[[SimulatedClock], Any],
                   lookup: Callable[[Any, str, str], Any], *, cached: bool,
                   prepare: Callable[[Any], Any] | None = None,
                   requests_so_far: Callable[[], int] | None = None) -> dict[str, Any]:
    """Drive ``events`` through repositories and count the table requests they make.

    Caches on: one repository for the whole replay (``prepare`` runs once on it first, e.g. the
    warm-up); caches off: a fresh repository for every lookup, so nothing is remembered.
    ``lookup(repository, kind, key)`` performs one event at simulated time ``t`` (the
    repositories get the :class:`SimulatedClock` so their expiries follow the replayed day).
    ``requests_so_far`` reads the caller's request meter (e.g. ``lambda: meter.mark()``).

    Returns the last repository (its cache counters), ``lookups`` per kind, ``requests`` per
    kind (requests made while serving those lookups) and ``prepare_requests``.
    """
    count = requests_so_far or (lambda: 0)
    clock = SimulatedClock(events[0][0] if events else 0.0)
    repo = new_repository(clock)
    before = count()
    if cached and prepare is not None:
        prepare(repo)
    prepare_requests = count() - before
    lookups: Counter = Counter()
    requests: Counter = Counter()
    for t, kind, key in events:
        clock.now = t
        if not cached:
            repo = new_repository(clock)
        before = count()
        lookup(repo, kind, key)
        lookups[kind] += 1
        requests[kind] += count() - before
    return {"repository": repo, "lookups": dict(lookups), "requests": dict(requests),
            "prepare_requests": prepare_requests}
