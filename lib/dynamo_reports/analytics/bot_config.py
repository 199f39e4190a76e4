"""001 Discord bot configuration: an audit of ``discord-bot-config`` and what its cache saves.

Pure functions over DataFrames (no I/O). The input is the table's items as one raw frame::

    raw = codec.items_to_frame(items, numbers=())

— values exactly as stored (``Decimal`` numbers, booleans, the ``summaryPreferences`` map), so
this module decides what is valid. The document's item layout (shared/seeds/001, DESIGN.md):

=================  ==================  =========================================================
PK                 SK                  attributes
=================  ==================  =========================================================
``GUILD#{g}``      ``SETTINGS``        Type=guild_settings, timezone (IANA), positionDisplayEnabled,
                                       summaryPreferences {dailySummary, weeklySummary, monthlySummary}
``GUILD#{g}``      ``CHANNEL#{c}``     Type=channel_config, GSI_PK=CHANNEL#{c}, GSI_SK=GUILD#{g},
                                       image, notifyOnClose, pin, tagType USER|ROLE, tagId, threshold
=================  ==================  =========================================================

Ids come from the keys (as the document's warm-up does): the guild from ``PK``, the channel
from ``SK``. A channel whose ``GSI_PK``/``GSI_SK`` are not built from those ids is still in
the bot's cache (the warm-up scans the table) but a ``ChannelIndex`` lookup — the document's
fallback — misses it.

The cache part is arithmetic only: :func:`replay_traffic` draws a deterministic day of
onMessageCreate channel ids, :func:`extrapolate_uncached_cost` scales a measured sample of
uncached lookups to a month.
"""

from __future__ import annotations

import math
import random
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError
from ..systems import discord_config_keys as keys
from ..systems.discord_config_keys import CHANNEL_TYPE, SETTINGS_SK, SETTINGS_TYPE
from .quality import Findings
from .quality import as_text as _text
from .quality import is_missing as _missing

__all__ = [
    "AuditResult", "CHANNEL_COLUMNS", "CHANNELS_PER_GUILD", "DAYS_PER_MONTH", "PREFERENCES", "RULES", "THRESHOLD_RANGE",
    "SAFETY_REFRESHES_PER_DAY", "SETTINGS_COLUMNS", "TAG_TYPES", "UNTRACKED_CHANNELS", "UNTRACKED_SHARE", "audit",
    "cache_delta", "cached_monthly_cost", "channel_count_distribution", "channel_frame", "channels_per_guild",
    "describe_rules", "extrapolate_uncached_cost", "index_mismatches", "invalid_tag_types", "is_known_timezone",
    "orphan_channels", "replay_traffic", "settings_frame", "summary_preferences", "unknown_timezones",
]

TAG_TYPES = ("USER", "ROLE")
#: The document's business constraint: 1-5 tracked channels per guild (mean 3).
CHANNELS_PER_GUILD = (1, 5)
#: summaryPreferences flags, in the document's order.
PREFERENCES = ("dailySummary", "weeklySummary", "monthlySummary")
#: Share of the replayed messages posted in channels the bot does not track, and how many such
#: channels the replay invents (a guild has more channels than the 1-5 it tracks).
UNTRACKED_SHARE = 0.2
UNTRACKED_CHANNELS = 40
#: The document's 30-minute safety refresh: one full warm-up scan every half hour.
SAFETY_REFRESHES_PER_DAY = 48
DAYS_PER_MONTH = 30

#: Every data-quality rule of the report: name -> what it checks.
RULES: dict[str, str] = {
    "channel_without_guild_settings": "channel config whose guild has no GUILD#/SETTINGS item (an orphan)",
    "channel_gsi_mismatch": ("GSI_PK != CHANNEL#{channel id of SK} or GSI_SK != GUILD#{guild id of PK}: "
                             "a ChannelIndex lookup by channel id misses the channel"),
    "invalid_tag_type": "tagType is not USER or ROLE",
    "unknown_timezone": "guild timezone missing or not an IANA time zone known to zoneinfo",
    "channels_per_guild_out_of_range": "a guild tracks fewer than 1 or more than 5 channels (document: 1-5)",
    "channel_in_several_guilds": "one channel id configured under several guilds (Discord ids are global)",
    "id_attribute_mismatch": "channelId / guildId attribute differs from the id in the key",
    "invalid_field": "a boolean, number or summary preference that is missing or of the wrong type",
    "unexpected_item": "item that is neither guild settings nor a channel config (key or Type)",
}

#: Plausibility range of a channel's ``threshold`` (issue 11): a count the bot compares with, so never
#: negative; above a million it is typed data (``-1E+120`` / ``1E+120``), not a setting (demo: 1-10).
THRESHOLD_RANGE = (0, 10**6)

_CHANNEL_BOOLS = ("image", "notifyOnClose", "pin")
_CHANNEL_NUMBERS = ("tagId", "threshold")
_RAW_COLUMNS = ("PK", "SK", "Type", "GSI_PK", "GSI_SK", "channelId", "guildId", *_CHANNEL_BOOLS, "tagType",
                *_CHANNEL_NUMBERS, "timezone", "positionDisplayEnabled", "summaryPreferences")

CHANNEL_COLUMNS = ["key", "guild_id", "channel_id", "type", "gsi_pk", "gsi_sk", "channel_attr", "guild_attr",
                   "image", "notify_on_close", "pin", "tag_type", "tag_id", "threshold"]
SETTINGS_COLUMNS = ["key", "guild_id", "type", "guild_attr", "timezone", "position_display_enabled",
                    "summary_preferences"]


def describe_rules(findings: Findings) -> None:
    """Declare every rule of this report, so a rule that found nothing is shown with 0."""
    findings.describe_all(RULES)


# -- value helpers --------------------------------------------------------------------------------



def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def _is_number(value: Any) -> bool:
    if _is_bool(value) or _missing(value):
        return False
    if isinstance(value, Decimal):
        return value.is_finite()
    if isinstance(value, (int, np.integer)):
        return True
    return isinstance(value, (float, np.floating)) and math.isfinite(value)


def is_known_timezone(name: Any) -> bool:
    """True when ``name`` is an IANA time zone that :mod:`zoneinfo` can load."""
    if not isinstance(name, str) or not name.strip():
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _column(raw: pd.DataFrame, name: str) -> pd.Series:
    return raw[name] if name in raw else pd.Series([None] * len(raw), index=raw.index, dtype=object)


# -- the two kinds of item --------------------------------------------------------------------------

def _kinds(raw: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    pk = _column(raw, "PK").map(_text)
    sk = _column(raw, "SK").map(_text)
    guild_key = pk.map(keys.is_guild_pk)
    return guild_key & sk.map(keys.is_channel_sk), guild_key & sk.map(keys.is_settings_sk)


def channel_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per ``GUILD#{g}``/``CHANNEL#{c}`` item: ids from the keys, attributes as stored."""
    is_channel, _ = _kinds(raw)
    rows = raw[is_channel]
    frame = pd.DataFrame({
        "key": _column(rows, "PK").map(_text) + " / " + _column(rows, "SK").map(_text),
        "guild_id": _column(rows, "PK").map(lambda v: keys.guild_id_from_pk(v) or ""),
        "channel_id": _column(rows, "SK").map(lambda v: keys.channel_id_from_sk(v) or ""),
        "type": _column(rows, "Type").map(_text),
        "gsi_pk": _column(rows, "GSI_PK").map(_text),
        "gsi_sk": _column(rows, "GSI_SK").map(_text),
        "channel_attr": _column(rows, "channelId"),
        "guild_attr": _column(rows, "guildId"),
        "image": _column(rows, "image"),
        "notify_on_close": _column(rows, "notifyOnClose"),
        "pin": _column(rows, "pin"),
        "tag_type": _column(rows, "tagType"),
        "tag_id": _column(rows, "tagId"),
        "threshold": _column(rows, "threshold"),
    }, columns=CHANNEL_COLUMNS)
    return frame.reset_index(drop=True)


def settings_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per ``GUILD#{g}``/``SETTINGS`` item."""
    _, is_settings = _kinds(raw)
    rows = raw[is_settings]
    frame = pd.DataFrame({
        "key": _column(rows, "PK").map(_text) + " / " + _column(rows, "SK").map(_text),
        "guild_id": _column(rows, "PK").map(lambda v: keys.guild_id_from_pk(v) or ""),
        "type": _column(rows, "Type").map(_text),
        "guild_attr": _column(rows, "guildId"),
        "timezone": _column(rows, "timezone"),
        "position_display_enabled": _column(rows, "positionDisplayEnabled"),
        "summary_preferences": _column(rows, "summaryPreferences"),
    }, columns=SETTINGS_COLUMNS)
    return frame.reset_index(drop=True)


# -- the checks ----------------------------------------------------------------------------------

def channels_per_guild(channels: pd.DataFrame, settings: pd.DataFrame,
                       bounds: tuple[int, int] = CHANNELS_PER_GUILD) -> pd.DataFrame:
    """Per guild (with settings, or with channels): channels tracked and whether that is in ``bounds``.

    Columns ``guild_id``, ``has_settings``, ``channels`` (distinct channel ids), ``within_bounds``;
    ordered by guild id.
    """
    lo, hi = bounds
    counts = channels.groupby("guild_id")["channel_id"].nunique() if len(channels) else pd.Series(dtype=int)
    guilds = sorted(set(settings["guild_id"]) | set(counts.index))
    with_settings = set(settings["guild_id"])
    frame = pd.DataFrame({
        "guild_id": guilds,
        "has_settings": [g in with_settings for g in guilds],
        "channels": [int(counts.get(g, 0)) for g in guilds],
    }, columns=["guild_id", "has_settings", "channels"])
    frame["within_bounds"] = frame["channels"].between(lo, hi)
    return frame


def channel_count_distribution(per_guild: pd.DataFrame, bounds: tuple[int, int] = CHANNELS_PER_GUILD) -> pd.DataFrame:
    """How many guilds track 0, 1, 2, ... channels (every count from 0 to max(5, largest) shown)."""
    top = max([bounds[1], *per_guild["channels"].tolist()])
    counts = per_guild["channels"].value_counts()
    return pd.DataFrame({"channels": list(range(top + 1)),
                         "guilds": [int(counts.get(n, 0)) for n in range(top + 1)]})


def orphan_channels(channels: pd.DataFrame, settings: pd.DataFrame) -> pd.DataFrame:
    """Channel rows whose guild has no ``SETTINGS`` item."""
    has_settings = channels["guild_id"].isin(set(settings["guild_id"])).astype(bool)
    return channels[~has_settings].reset_index(drop=True)


def index_mismatches(channels: pd.DataFrame) -> pd.DataFrame:
    """Channel rows whose ``GSI_PK``/``GSI_SK`` are not ``CHANNEL#{c}``/``GUILD#{g}`` of their keys.

    Adds ``expected_gsi_pk``, ``expected_gsi_sk`` and a ``detail`` saying what a lookup would do.
    """
    expected_pk = channels["channel_id"].map(keys.channel_sk)
    expected_sk = channels["guild_id"].map(keys.guild_pk)
    bad = ((channels["gsi_pk"] != expected_pk) | (channels["gsi_sk"] != expected_sk)).astype(bool)
    out = channels[bad].copy()
    out["expected_gsi_pk"] = expected_pk[bad]
    out["expected_gsi_sk"] = expected_sk[bad]

    def detail(row: pd.Series) -> str:
        parts = []
        if row["gsi_pk"] != row["expected_gsi_pk"]:
            parts.append(f"GSI_PK is {row['gsi_pk'] or 'missing'!r}, expected {row['expected_gsi_pk']!r}")
        if row["gsi_sk"] != row["expected_gsi_sk"]:
            parts.append(f"GSI_SK is {row['gsi_sk'] or 'missing'!r}, expected {row['expected_gsi_sk']!r}")
        return "; ".join(parts) + f": a ChannelIndex lookup of channel {row['channel_id']} misses it"

    out["detail"] = [detail(row) for _, row in out.iterrows()] if len(out) else pd.Series(dtype=object)
    return out.reset_index(drop=True)


def invalid_tag_types(channels: pd.DataFrame) -> pd.DataFrame:
    """Channel rows whose ``tagType`` is not USER or ROLE (missing included)."""
    valid = channels["tag_type"].map(lambda v: isinstance(v, str) and v in TAG_TYPES).astype(bool)
    return channels[~valid].reset_index(drop=True)


def unknown_timezones(settings: pd.DataFrame) -> pd.DataFrame:
    """Settings rows whose ``timezone`` is missing or unknown to :mod:`zoneinfo`."""
    known = settings["timezone"].map(is_known_timezone).astype(bool)
    return settings[~known].reset_index(drop=True)


def _preference(prefs: Any, name: str) -> Any:
    return prefs.get(name) if isinstance(prefs, Mapping) else None


def summary_preferences(settings: pd.DataFrame) -> pd.DataFrame:
    """Per summary preference: guilds with it on, off, and not set (or not a boolean)."""
    rows = []
    for name in PREFERENCES:
        values = settings["summary_preferences"].map(lambda p, n=name: _preference(p, n))
        on = int(values.map(lambda v: v is True or v is np.True_).sum())
        off = int(values.map(lambda v: v is False or v is np.False_).sum())
        rows.append({"preference": name, "enabled": on, "disabled": off, "not_set": len(values) - on - off})
    return pd.DataFrame(rows, columns=["preference", "enabled", "disabled", "not_set"])


def _field_problems_channel(row: pd.Series) -> list[str]:
    problems = []
    for attr, col in (("image", "image"), ("notifyOnClose", "notify_on_close"), ("pin", "pin")):
        value = row[col]
        if not _is_bool(value):
            problems.append(f"{attr} is {'missing' if _missing(value) else repr(value)}, expected true/false")
    for attr, col in (("tagId", "tag_id"), ("threshold", "threshold")):
        value = row[col]
        if not _is_number(value):
            problems.append(f"{attr} is {'missing' if _missing(value) else repr(value)}, expected a number")
        elif attr == "threshold" and not THRESHOLD_RANGE[0] <= value <= THRESHOLD_RANGE[1]:
            problems.append(f"threshold is {value}, outside the plausible {THRESHOLD_RANGE[0]}-{THRESHOLD_RANGE[1]:,}")
    return problems


def _field_problems_settings(row: pd.Series) -> list[str]:
    problems = []
    position = row["position_display_enabled"]
    if not _missing(position) and not _is_bool(position):
        problems.append(f"positionDisplayEnabled is {position!r}, expected true/false")
    prefs = row["summary_preferences"]
    if _missing(prefs):
        return problems
    if not isinstance(prefs, Mapping):
        return problems + [f"summaryPreferences is {prefs!r}, expected a map"]
    for name in PREFERENCES:
        if name in prefs and not _is_bool(prefs[name]):
            problems.append(f"summaryPreferences.{name} is {prefs[name]!r}, expected true/false")
    return problems


# -- the whole audit --------------------------------------------------------------------------------

@dataclass
class AuditResult:
    channels: pd.DataFrame          # every channel config (see channel_frame)
    settings: pd.DataFrame          # every guild settings item (see settings_frame)
    per_guild: pd.DataFrame         # channels_per_guild
    orphans: pd.DataFrame
    index_mismatches: pd.DataFrame
    invalid_tag_types: pd.DataFrame
    unknown_timezones: pd.DataFrame
    preferences: pd.DataFrame       # summary_preferences
    unexpected: pd.DataFrame        # raw rows that are neither kind

    @property
    def tracked_channel_ids(self) -> list[str]:
        """The channel ids the bot's warm-up would cache, sorted (ids come from the keys)."""
        return sorted(set(self.channels["channel_id"]) - {""})


def audit(raw: pd.DataFrame, findings: Findings, *, table: str = "",
          bounds: tuple[int, int] = CHANNELS_PER_GUILD) -> AuditResult:
    """Split the items, run every check, and add one finding per problem item to ``findings``."""
    raw = raw.copy()
    for col in _RAW_COLUMNS:
        if col not in raw:
            raw[col] = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    is_channel, is_settings = _kinds(raw)
    channels = channel_frame(raw)
    settings = settings_frame(raw)
    unexpected = raw[~is_channel & ~is_settings]

    for _, row in unexpected.iterrows():
        findings.add("unexpected_item", f"{_text(row['PK'])} / {_text(row['SK'])}",
                     f"key is not {keys.GUILD_PREFIX}{{g}} / {SETTINGS_SK} or {keys.CHANNEL_PREFIX}{{c}} "
                     f"(Type {_text(row['Type']) or 'missing'!r}): "
                     "neither settings nor a channel, the warm-up ignores it", table=table)
    for frame, expected in ((channels, CHANNEL_TYPE), (settings, SETTINGS_TYPE)):
        for _, row in frame[(frame["type"] != expected).astype(bool)].iterrows():
            findings.add("unexpected_item", row["key"], f"Type is {row['type'] or 'missing'!r}, expected {expected!r}",
                         table=table)

    orphans = orphan_channels(channels, settings)
    for _, row in orphans.iterrows():
        findings.add("channel_without_guild_settings", row["key"],
                     f"guild {row['guild_id']} has no {keys.guild_pk(row['guild_id'])} / {SETTINGS_SK} item "
                     "(no time zone, no summary preferences)", table=table)
    mismatches = index_mismatches(channels)
    for _, row in mismatches.iterrows():
        findings.add("channel_gsi_mismatch", row["key"], row["detail"], table=table)
    bad_tags = invalid_tag_types(channels)
    for _, row in bad_tags.iterrows():
        value = row["tag_type"]
        findings.add("invalid_tag_type", row["key"],
                     f"tagType is {'missing' if _missing(value) else repr(value)} (allowed: USER, ROLE)", table=table)
    bad_zones = unknown_timezones(settings)
    for _, row in bad_zones.iterrows():
        value = row["timezone"]
        findings.add("unknown_timezone", row["key"],
                     f"timezone is {'missing' if _missing(value) else repr(value)}, not an IANA time zone", table=table)

    per_guild = channels_per_guild(channels, settings, bounds)
    for _, row in per_guild[~per_guild["within_bounds"]].iterrows():
        findings.add("channels_per_guild_out_of_range", keys.guild_pk(row['guild_id']),
                     f"{row['channels']} channel(s) tracked (document: {bounds[0]}-{bounds[1]})", table=table)

    owners = channels.groupby("channel_id")["guild_id"].apply(lambda s: sorted(set(s))) if len(channels) else {}
    for channel_id, guilds in (owners.items() if len(channels) else []):
        for guild in guilds[1:]:
            findings.add("channel_in_several_guilds", f"{keys.guild_pk(guild)} / {keys.channel_sk(channel_id)}",
                         f"channel {channel_id} is also configured in guild {guilds[0]}: "
                         "the cache keeps one of them", table=table)

    for _, row in channels.iterrows():
        for attr, col, expected in (("channelId", "channel_attr", row["channel_id"]),
                                    ("guildId", "guild_attr", row["guild_id"])):
            if not _missing(row[col]) and row[col] != expected:
                findings.add("id_attribute_mismatch", row["key"],
                             f"{attr} is {row[col]!r} but the key says {expected!r}", table=table)
        problems = _field_problems_channel(row)
        if problems:
            findings.add("invalid_field", row["key"], "; ".join(problems), table=table)
    for _, row in settings.iterrows():
        if not _missing(row["guild_attr"]) and row["guild_attr"] != row["guild_id"]:
            findings.add("id_attribute_mismatch", row["key"],
                         f"guildId is {row['guild_attr']!r} but the key says {row['guild_id']!r}", table=table)
        problems = _field_problems_settings(row)
        if problems:
            findings.add("invalid_field", row["key"], "; ".join(problems), table=table)

    return AuditResult(channels=channels, settings=settings, per_guild=per_guild, orphans=orphans,
                       index_mismatches=mismatches, invalid_tag_types=bad_tags, unknown_timezones=bad_zones,
                       preferences=summary_preferences(settings), unexpected=unexpected.reset_index(drop=True))


# -- the cache: traffic and cost ---------------------------------------------------------------------

def replay_traffic(tracked: Sequence[str], events: int, seed: int, *, untracked_share: float = UNTRACKED_SHARE,
                   untracked_channels: int = UNTRACKED_CHANNELS) -> list[str]:
    """A deterministic day of onMessageCreate events: the channel id of each message.

    With ``random.Random(seed)``: first ``untracked_channels`` invented channel ids (18-19 digit
    snowflakes, none of them tracked), then per event a draw — with probability
    ``untracked_share`` (or always, when nothing is tracked) a uniformly chosen untracked
    channel, else a uniformly chosen ``tracked`` one. Same inputs, same list, on every machine.
    """
    if isinstance(events, bool) or not isinstance(events, int) or events < 0:
        raise DataError(f"events must be an integer >= 0, got {events!r}")
    if not 0 <= untracked_share <= 1:
        raise DataError(f"untracked_share must be within [0, 1], got {untracked_share!r}")
    tracked = list(tracked)
    known = set(tracked)
    rng = random.Random(seed)
    untracked: list[str] = []
    while len(untracked) < max(untracked_channels, 1):
        candidate = str(rng.randrange(10**17, 10**19))
        if candidate not in known:
            known.add(candidate)
            untracked.append(candidate)
    out = []
    for _ in range(events):
        if not tracked or rng.random() < untracked_share:
            out.append(rng.choice(untracked))
        else:
            out.append(rng.choice(tracked))
    return out


def cache_delta(before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Counters gained between two ``cache_stats()`` snapshots, per cache, with the hit ratio."""
    start = {s["cache"]: s for s in before}
    rows = []
    for s in after:
        b = start.get(s["cache"], {})
        row = {"cache": s["cache"]}
        for counter in ("hits", "misses", "expirations", "table_reads"):
            row[counter] = int(s.get(counter, 0)) - int(b.get(counter, 0))
        lookups = row["hits"] + row["misses"]
        row["hit_ratio"] = row["hits"] / lookups if lookups else None
        row["size"] = int(s.get("size", 0))
        rows.append(row)
    return pd.DataFrame(rows, columns=["cache", "hits", "misses", "expirations", "table_reads", "hit_ratio", "size"])


def extrapolate_uncached_cost(sample_read_units: float, sample_events: int, events_per_day: int,
                              usd_per_read_unit: float, *, days: int = DAYS_PER_MONTH) -> dict[str, Any]:
    """Scale a measured sample of uncached lookups (one ChannelIndex Query each) to a month.

    ``read_units_per_event`` = sample units / sample events; per day x ``events_per_day``;
    per month x ``days``; USD at ``usd_per_read_unit`` (on-demand read request unit).
    """
    if sample_events <= 0:
        per_event = 0.0
    else:
        per_event = float(sample_read_units) / sample_events
    per_day = per_event * events_per_day
    per_month = per_day * days
    return {"sample_events": int(sample_events), "sample_read_units": float(sample_read_units),
            "read_units_per_event": per_event, "read_units_per_day": per_day,
            "read_units_per_month": per_month, "usd_per_month": per_month * usd_per_read_unit,
            "requests_per_month": int(events_per_day) * days}


def cached_monthly_cost(warmup_read_units: float, usd_per_read_unit: float, *,
                        refreshes_per_day: int = SAFETY_REFRESHES_PER_DAY,
                        days: int = DAYS_PER_MONTH) -> dict[str, Any]:
    """With the cache, the only reads are the warm-up scans: ``refreshes_per_day`` of them a day."""
    per_day = float(warmup_read_units) * refreshes_per_day
    per_month = per_day * days
    return {"read_units_per_day": per_day, "read_units_per_month": per_month,
            "usd_per_month": per_month * usd_per_read_unit, "requests_per_month": refreshes_per_day * days}
