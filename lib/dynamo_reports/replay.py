"""Measure what the in-memory caches save: replay a simulated day of lookups through the repositories.

Seeds 000 and 001 call their caches critical. :func:`replay_caches` draws one day of the
traffic model's lookups (:func:`~dynamo_reports.analytics.capacity_model.replay_plan`) and
drives it through the real repositories twice, counting the table requests with the
connection's meter:

- **caches on**: one repository for the whole day (001: warmed up first, then its safety
  refresh runs as the simulated clock passes);
- **caches off**: a fresh repository for every lookup, so nothing is remembered.

Every request is accounted as DynamoDB would bill it, but an identical read is sent only once
(:class:`RepeatingConnection`): the caches-off pass asks the same few keys again and again
(1,000 ``GLOBAL#STATS`` GetItems a day, each channel's query dozens of times), the caches-on pass
repeats its warm-up scan at every safety refresh, and on tables nothing writes during the
replay the same request gets the same items and costs the same read units. The repeats are
counted, in full, from the first answer; the requests actually sent are real reads on the
report's connection and appear in the report's own cost.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from .analytics import bot_config
from .analytics import capacity_model as cm
from .analytics.participants import shorten_wallet
from .capacity import Price
from .connection import DATA_READ_OPERATIONS, Connection, RequestMeter, RequestRecord, canonical_operation
from .exceptions import ParameterError
from .systems.discord_config import ChannelConfigRepository, is_snowflake
from .systems.discord_config_keys import channel_id_from_sk
from .systems.solanashares import ParticipantRepository
from .systems.solanashares_keys import PARTICIPANT_TYPE, STATS_PK, is_valid_wallet

__all__ = [
    "CHANNEL_LOOKUP_001",
    "LOOKUPS_000",
    "CacheReplay",
    "ChannelCacheReplay",
    "RepeatingConnection",
    "SystemReplay",
    "UncachedLookups",
    "channel_keys",
    "measure_uncached_lookups",
    "lookup_twice",
    "participant_keys",
    "replay_caches",
    "replay_channel_cache",
    "replay_system",
]

LOOKUPS_000 = {"wallet": "000 find by wallet (cache, then WalletAddressIndex)",
               "user": "000 find by Discord user (cache, then USER# partition)",
               "stats": "000 global stats (30 s cache, then GetItem)"}
CHANNEL_LOOKUP_001 = "001 onMessageCreate: channel config"
_UNTRACKED_CHANNEL_BASE = 900000000000000000  # snowflakes no demo or real guild config uses


class RepeatingConnection(Connection):
    """A view of ``base`` that sends each distinct read once and accounts for every repeat.

    A data read (GetItem, Query, Scan, BatchGetItem, TransactGetItems, by :meth:`call` or
    :meth:`read`) whose operation and parameters are identical to one already answered is not
    sent again: it gets a copy of the first answer, and :attr:`meter` records a copy of the first
    request's record (same items, bytes and read units). That is exact as long as nothing writes
    the tables meanwhile: a report's connection is read-only, and any other operation through
    this view forgets every answer. Requests actually sent go through ``base`` (its meter, its
    read-only guard, its errors); :attr:`meter` is this view's own, holding the sent and the
    repeated requests alike, and :attr:`sent` / :attr:`repeated` count them.
    """

    def __init__(self, base: Connection) -> None:
        if not isinstance(base, Connection):
            raise ParameterError("conn", f"must be a dynamo_reports Connection, got {type(base).__name__}")
        self.__dict__.update(base.__dict__)  # settings, client, read_only, table and index maps
        self.base = base
        self.meter = RequestMeter()
        self.sent = 0
        self.repeated = 0
        # request -> (the first answer, pickled; the meter records a repeat of it adds)
        self._answers: dict[tuple[str, str, str], tuple[bytes, list[RequestRecord]]] = {}

    def call(self, operation: str, **params: Any) -> dict:
        return self._once("call", operation, params)

    def read(self, operation: str, **params: Any) -> dict:
        return self._once("read", operation, params)

    def _once(self, via: str, operation: str, params: dict[str, Any]) -> dict:
        operation = canonical_operation(operation)
        key = (via, operation, json.dumps(params, sort_keys=True, default=repr))
        if operation in DATA_READ_OPERATIONS and key in self._answers:
            response, repeat_records = self._answers[key]
            for record in repeat_records:  # the same record objects each time: nothing changes a record
                self.meter.add(record)
            self.repeated += 1
            return pickle.loads(response)  # a fresh copy: the caller may change what it gets
        if operation not in DATA_READ_OPERATIONS:
            self._answers.clear()
        mark = self.base.meter.mark()
        try:
            response = getattr(self.base, via)(operation, **params)
        finally:
            records = self.base.meter.since(mark)
            for record in records:
                self.meter.add(record)
            self.sent += 1
        if operation in DATA_READ_OPERATIONS:
            repeats = [replace(record, duration_ms=0.0, throttled=0) for record in records]
            self._answers[key] = (pickle.dumps(response, pickle.HIGHEST_PROTOCOL), repeats)
        return response


@dataclass
class SystemReplay:
    """One system's day replayed both ways.

    ``on`` / ``off`` hold ``lookups`` and ``requests`` per kind, ``prepare_requests``, the last
    ``repository``, the meter ``records`` of that pass and their ``read_units``. ``scale``
    extrapolates the replayed events back to a whole day (1 when nothing was thinned).
    """

    system: str
    events: list[tuple[float, str, str]]
    scale: float
    on: dict[str, Any]
    off: dict[str, Any]

    @property
    def lookups(self) -> int:
        return sum(self.on["lookups"].values())

    @property
    def requests_on(self) -> int:
        return len(self.on["records"])

    @property
    def requests_off(self) -> int:
        return len(self.off["records"])

    @property
    def warm_up_requests(self) -> int:
        """Requests of the caches-on pass that were scans (001's warm-up and its refreshes)."""
        return sum(1 for rec in self.on["records"] if rec.operation == "Scan")

    @property
    def lookup_requests_on(self) -> int:
        """Requests of the caches-on pass that served a lookup (not a warm-up scan)."""
        return self.requests_on - self.warm_up_requests

    def monthly_cost(self, read_units: float, read_price: float) -> float:
        """USD a month of ``read_units`` per replayed day, at ``read_price`` per read request unit."""
        per_month = self.scale * cm.DAYS_PER_MONTH
        return read_units * per_month * read_price

    def savings(self, read_price: float) -> dict[str, Any]:
        """The summary.json entry of this system's replay."""
        out = {
            "lookups": self.lookups, "requests_with_cache": self.requests_on,
            "requests_without_cache": self.requests_off,
            "read_units_with_cache": self.on["read_units"], "read_units_without_cache": self.off["read_units"],
            "extrapolation_factor": self.scale,
            "monthly_cost_with_cache": self.monthly_cost(self.on["read_units"], read_price),
            "monthly_cost_without_cache": self.monthly_cost(self.off["read_units"], read_price),
        }
        if self.system == "001":
            out.update({"warm_ups": self.on["repository"].warm_ups, "warm_up_requests": self.warm_up_requests,
                        "lookup_requests_with_cache": self.lookup_requests_on})
        return out


@dataclass
class CacheReplay:
    """Every system replayed (none when the replay was skipped)."""

    systems: dict[str, SystemReplay] = field(default_factory=dict)
    requests_sent: int = 0  # of :attr:`requests`, those sent to the table (the others repeated one)

    @property
    def requests(self) -> int:
        """Table requests the replay accounts for, both passes of every system."""
        return sum(r.requests_on + r.requests_off for r in self.systems.values())

    @property
    def hit_ratios(self) -> dict[str, float]:
        """Measured cache hit ratio per access pattern of the cost model (1 - requests / lookups)."""
        ratios: dict[str, float] = {}
        if "000" in self.systems:
            on = self.systems["000"].on
            for kind, pattern in LOOKUPS_000.items():
                n = on["lookups"].get(kind, 0)
                if n:
                    ratios[pattern] = 1 - on["requests"].get(kind, 0) / n
        if "001" in self.systems:
            r = self.systems["001"]
            if r.lookups:
                ratios[CHANNEL_LOOKUP_001] = 1 - r.lookup_requests_on / r.lookups
        return ratios

    def savings(self, prices: Mapping[str, Price]) -> dict[str, dict[str, Any]]:
        """Per system: lookups, requests and read units with and without the caches, and their month."""
        read_price = prices["on_demand.read_request_unit"].usd
        return {system: r.savings(read_price) for system, r in self.systems.items()}

    def frame(self, prices: Mapping[str, Price]) -> pd.DataFrame:
        """One row per system: the day's lookups and requests both ways, and USD a month both ways."""
        rows = []
        for system, s in self.savings(prices).items():
            rows.append({"system": system, "lookups replayed": s["lookups"],
                         "day extrapolation": s["extrapolation_factor"],
                         "requests, caches on": s["requests_with_cache"],
                         "requests, caches off": s["requests_without_cache"],
                         "read units, on": s["read_units_with_cache"], "read units, off": s["read_units_without_cache"],
                         "USD/month, on": s["monthly_cost_with_cache"],
                         "USD/month, off": s["monthly_cost_without_cache"]})
        return pd.DataFrame(rows)

    def lookups_000(self) -> pd.DataFrame:
        """000 per lookup kind: lookups, requests both ways, measured hit ratio (empty if not replayed)."""
        if "000" not in self.systems:
            return pd.DataFrame(columns=["lookup", "lookups", "requests, caches on", "requests, caches off",
                                         "hit ratio"])
        r, ratios = self.systems["000"], self.hit_ratios
        return pd.DataFrame([{"lookup": pattern, "lookups": r.on["lookups"].get(kind, 0),
                              "requests, caches on": r.on["requests"].get(kind, 0),
                              "requests, caches off": r.off["requests"].get(kind, 0),
                              "hit ratio": ratios.get(pattern, float("nan"))} for kind, pattern in LOOKUPS_000.items()])


def _read_units(records: Sequence[RequestRecord]) -> float:
    return sum(r.read_units for r in records)


def replay_system(conn: Connection, system: str, kinds: Mapping[str, tuple[float, Sequence[str]]],
                  new_repository: Callable[[cm.SimulatedClock], Any], lookup: Callable[[Any, str, str], Any], *,
                  max_events: int, prepare: Callable[[Any], Any] | None = None) -> SystemReplay:
    """Replay one system's day (``kinds``: lookup kind -> (events a day, keys)) with caches on, then off."""
    events, scale = cm.replay_plan(kinds, max_events=max_events)
    passes: dict[str, dict[str, Any]] = {}
    for label, cached in (("on", True), ("off", False)):
        mark = conn.meter.mark()
        result = cm.replay_lookups(events, new_repository, lookup, cached=cached,
                                   prepare=prepare if cached else None, requests_so_far=conn.meter.mark)
        records = conn.meter.since(mark)
        passes[label] = {**result, "records": records, "read_units": _read_units(records)}
    return SystemReplay(system, events, scale, passes["on"], passes["off"])


def participant_keys(items: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[str]]:
    """The valid wallets and Discord user ids of the participants among 000's items, sorted."""
    participants = [i for i in items if i.get("Type") == PARTICIPANT_TYPE]
    wallets = sorted({i["walletAddress"] for i in participants if is_valid_wallet(i.get("walletAddress"))})
    users = sorted({i["userId"] for i in participants
                    if isinstance(i.get("userId"), str) and i["userId"].isdigit() and len(i["userId"]) <= 20})
    return wallets, users


def channel_keys(items: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[str]]:
    """The channel ids configured among 001's items, sorted, and as many ids no guild configured."""
    channel_ids = (channel_id_from_sk(item.get("SK")) for item in items)
    tracked = {channel_id for channel_id in channel_ids if channel_id is not None and channel_id.isdigit()}
    untracked = [str(_UNTRACKED_CHANNEL_BASE + n) for n in range(len(tracked))]
    return sorted(tracked), untracked


def _lookup_000(repo: ParticipantRepository, kind: str, key: str) -> Any:
    if kind == "wallet":
        return repo.find_participant_by_wallet(key)
    if kind == "user":
        return repo.find_participant_by_user(key)
    return repo.global_stats()


def replay_caches(conn: Connection, items_by_table: Mapping[str, Sequence[Mapping[str, Any]]],
                  model: cm.TrafficModel, *, max_events: int) -> CacheReplay:
    """Replay 000's participant lookups and 001's onMessageCreate lookups (``max_events`` 0: skip).

    ``items_by_table`` holds every item of each table present, by logical name; a system whose
    table is absent is not replayed. Keys are drawn uniformly from the items stored (000: valid
    wallets and user ids plus the global stats; 001: the configured channels, and as many
    untracked ones). Requests go through a :class:`RepeatingConnection` over ``conn``: the
    systems' counts and read units include every repeat; ``conn``'s meter sees the
    :attr:`CacheReplay.requests_sent` requests actually sent.
    """
    replay = CacheReplay()
    if isinstance(max_events, bool) or not isinstance(max_events, int) or max_events < 0:
        raise ParameterError("max_events", f"must be an integer >= 0, got {max_events!r}")
    conn = RepeatingConnection(conn)  # each distinct read sent once, every repeat accounted
    if max_events and "solanashares" in items_by_table:
        wallets, users = participant_keys(items_by_table["solanashares"])
        replay.systems["000"] = replay_system(
            conn, "000", {"wallet": (model.wallet_lookups_per_day, wallets),
                          "user": (model.user_lookups_per_day, users),
                          "stats": (model.stats_views_per_day, [STATS_PK])},
            lambda clock: ParticipantRepository(conn, clock=clock), _lookup_000, max_events=max_events)
    if max_events and "discord_config" in items_by_table:
        tracked, untracked = channel_keys(items_by_table["discord_config"])
        share = model.untracked_message_share
        replay.systems["001"] = replay_system(
            conn, "001", {"tracked": (model.messages_per_day * (1 - share), tracked),
                          "untracked": (model.messages_per_day * share, untracked)},
            lambda clock: ChannelConfigRepository(conn, clock=clock),
            lambda repo, kind, key: repo.get_channel_config(key),
            max_events=max_events, prepare=lambda repo: repo.warm_up())
    replay.requests_sent = conn.sent
    return replay


# ------------------------------------------------------------------------------------------------
# 001 alone: the bot's own warm-up, then a replay of a day of messages (the bot-config audit)
# ------------------------------------------------------------------------------------------------

@dataclass
class ChannelCacheReplay:
    """001's warm-up and a replay of ``traffic`` through the warmed repository (no safety refresh)."""

    repository: ChannelConfigRepository
    warm_up: dict[str, Any]
    traffic: list[str]
    answers: list[Any]
    reads: dict[str, float]  # meter totals of the replay alone (the warm-up excluded)
    counters: pd.DataFrame  # cache counters during the replay (bot_config.cache_delta)

    @property
    def channel_counters(self) -> pd.Series:
        """The channel cache's counters during the replay: hits, misses, table_reads, ..."""
        return self.counters.set_index("cache").loc["discord_config.channel"]

    @property
    def hit_ratio(self) -> float | None:
        """Channel-cache hits per replayed message, rounded to 4 places (None with no traffic)."""
        return round(self.channel_counters["hits"] / len(self.traffic), 4) if self.traffic else None


@dataclass
class UncachedLookups:
    """Lookups through a fresh, cold repository each: the document's fallback path, measured."""

    events: int
    reads: dict[str, float]
    answers_differ: int  # lookups whose answer (found / not found) differs from the cached one


def replay_channel_cache(conn: Connection, tracked_channel_ids: Sequence[str], messages: int,
                         seed: int) -> ChannelCacheReplay:
    """Warm a :class:`ChannelConfigRepository` up (one paginated Scan), then answer ``messages`` messages.

    Channel ids are drawn by :func:`bot_config.replay_traffic` from the tracked ids that are
    valid snowflakes, plus untracked ones; requests are counted by the connection's meter.
    """
    repo = ChannelConfigRepository(conn, auto_refresh=False)
    warm = repo.warm_up()
    traffic = bot_config.replay_traffic([c for c in tracked_channel_ids if is_snowflake(c)], messages, seed)
    before = repo.cache_stats()
    mark = conn.meter.mark()
    answers = [repo.get_channel_config(channel_id) for channel_id in traffic]
    reads = conn.meter.totals(conn.meter.since(mark))
    return ChannelCacheReplay(repo, warm, traffic, answers, reads, bot_config.cache_delta(before, repo.cache_stats()))


def measure_uncached_lookups(conn: Connection, channel_ids: Sequence[str],
                             cached_answers: Sequence[Any]) -> UncachedLookups:
    """Look each channel up through a fresh repository (one ChannelIndex Query each) and compare answers."""
    mark = conn.meter.mark()
    cold = [ChannelConfigRepository(conn, auto_refresh=False).get_channel_config(c) for c in channel_ids]
    reads = conn.meter.totals(conn.meter.since(mark))
    differ = sum((warm is None) != (c is None) for warm, c in zip(cached_answers, cold, strict=False))
    return UncachedLookups(len(channel_ids), reads, differ)


# ------------------------------------------------------------------------------------------------
# 000 alone: a lookup, then the same lookup again (the participant report)
# ------------------------------------------------------------------------------------------------

def lookup_twice(conn: Connection, repo: ParticipantRepository, lookups: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """Each ``(kind, value)`` lookup (kind ``"wallet"`` or ``"user"``) made twice through ``repo``.

    One row per attempt: who answered (``cache`` when a cache hit was counted, else ``table``),
    the read units it cost on the connection's meter, and what was found (wallets shortened).
    """
    rows = []
    for kind, value in lookups:
        for attempt in (1, 2):
            units_before = conn.meter.totals()["read_units"]
            hits_before = sum(c["hits"] for c in repo.cache_stats())
            found = repo.find_participant_by_wallet(value) if kind == "wallet" else repo.find_participant_by_user(value)
            rows.append({
                "lookup": f"by {kind}", "value": shorten_wallet(value) if kind == "wallet" else value,
                "attempt": attempt,
                "answered by": "cache" if sum(c["hits"] for c in repo.cache_stats()) > hits_before else "table",
                "read units": conn.meter.totals()["read_units"] - units_before,
                "Discord user": found.user_id if found else "not found",
                "wallet": shorten_wallet(found.wallet_address) if found else "",
                "invested (SOL)": float(found.invested_amount) if found and found.invested_amount is not None else None,
            })
    return pd.DataFrame(rows)
