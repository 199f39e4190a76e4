"""001 — multi-guild Discord bot configuration: table ``discord-bot-config``.

Document: shared/seeds/001_a431fe2fc451daee.txt (its create-table command says
``solanashares-config``: the physical name is configuration). Items: guild settings
``GUILD#{g}``/``SETTINGS`` (``Type=guild_settings``) and channel configs
``GUILD#{g}``/``CHANNEL#{c}`` (``Type=channel_config``) with ``GSI_PK=CHANNEL#{c}``,
``GSI_SK=GUILD#{g}`` in GSI ``ChannelIndex`` (projection ALL).
"""

from __future__ import annotations

import logging
import threading
import time
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from boto3.dynamodb.conditions import Key

from .. import reads
from ..cache import TTLCache, get_or_load
from ..codec import item_to_python, item_to_wire, to_wire
from ..connection import Connection
from ..exceptions import DynamoDBRequestError, DynamoReportsError, ParameterError
from . import discord_config_keys as keys
from .base import IndexSpec, TableSpec
from .discord_config_keys import CHANNEL_INDEX, CHANNEL_TYPE, SETTINGS_SK, SETTINGS_TYPE, is_snowflake

SYSTEM = "001"
TITLE = "Multi-guild Discord bot configuration"

CONFIG = TableSpec(
    logical="discord_config",
    system=SYSTEM,
    description="guild settings (GUILD#/SETTINGS) and channel configs (GUILD#/CHANNEL#)",
    hash_key="PK",
    range_key="SK",
    indexes=(IndexSpec(CHANNEL_INDEX, "GSI_PK", "GSI_SK", "ALL"),),
)

TABLES = (CONFIG,)

# ---------------------------------------------------------------------------------------------
# Repository: the document's access patterns through its in-memory caches.
#
# Item layout (DESIGN.md, "Data model"; attribute names as the document's interfaces):
#
#   channel config  PK=GUILD#{g}  SK=CHANNEL#{c}  GSI_PK=CHANNEL#{c}  GSI_SK=GUILD#{g}
#                   Type="channel_config", channelId, guildId, image, notifyOnClose, pin (bool),
#                   tagType ("USER" | "ROLE"), tagId (number), threshold (number)
#   guild settings  PK=GUILD#{g}  SK=SETTINGS  Type="guild_settings", guildId, timezone (IANA),
#                   positionDisplayEnabled (bool), summaryPreferences (map: dailySummary,
#                   weeklySummary, monthlySummary booleans + the channel parameters)
# ---------------------------------------------------------------------------------------------


log = logging.getLogger(__name__)

TAG_TYPES = ("USER", "ROLE")
KEY_ATTRIBUTES = ("PK", "SK", "GSI_PK", "GSI_SK", "Type")

# The document's ChannelConfig fields (besides channelId / guildId), and their kind.
CHANNEL_FIELDS: dict[str, str] = {
    "image": "bool", "notifyOnClose": "bool", "pin": "bool",
    "tagType": "tag_type", "tagId": "snowflake_number", "threshold": "number",
}
SUMMARY_FIELDS: dict[str, str] = {
    "dailySummary": "bool", "weeklySummary": "bool", "monthlySummary": "bool", **CHANNEL_FIELDS,
}
SETTINGS_FIELDS: dict[str, str] = {
    "timezone": "timezone", "positionDisplayEnabled": "bool", "summaryPreferences": "summary",
}



# -- errors ------------------------------------------------------------------------------------

class ChannelExistsError(DynamoReportsError):
    """``add_channel`` for a channel that is already configured (pass ``replace=True``)."""

    def __init__(self, guild_id: str, channel_id: str, existing_guild_id: str | None = None):
        self.guild_id = guild_id
        self.channel_id = channel_id
        self.existing_guild_id = existing_guild_id or guild_id
        where = (f"in guild {self.existing_guild_id}" if self.existing_guild_id != guild_id
                 else _key_text(keys.channel_key(guild_id, channel_id)))
        super().__init__(f"channel {channel_id} is already configured {where}"
                         + ("; remove it there first" if self.existing_guild_id != guild_id
                            else "; use update_channel or replace=True"))


class ChannelNotFoundError(DynamoReportsError, LookupError):
    """``update_channel`` for a channel that is not configured in that guild."""

    def __init__(self, guild_id: str, channel_id: str):
        self.guild_id = guild_id
        self.channel_id = channel_id
        super().__init__(f"no channel config {_key_text(keys.channel_key(guild_id, channel_id))}")


# -- validation --------------------------------------------------------------------------------


def _check_snowflake(name: str, value: Any) -> str:
    if not is_snowflake(value):
        raise ParameterError(name, f"must be a Discord id (a string of 1-20 digits), got {value!r}")
    return value


def _check_value(name: str, kind: str, value: Any) -> Any:
    """One field's value, validated and converted to what is stored."""
    if kind == "bool":
        if not isinstance(value, bool):
            raise ParameterError(name, f"must be true or false, got {value!r}")
        return value
    if kind == "tag_type":
        if value not in TAG_TYPES:
            raise ParameterError(name, f"must be one of {', '.join(TAG_TYPES)}, got {value!r}")
        return value
    if kind == "snowflake_number":
        # The document types tagId as a number; Discord ids exceed 2^53, so never via float.
        if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**64:
            return value
        if is_snowflake(value) and int(value) < 2**64:
            return int(value)
        raise ParameterError(name, f"must be a Discord id (a non-negative integer or digit string), got {value!r}")
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise ParameterError(name, f"must be a number, got {type(value).__name__} {value!r}")
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            raise ParameterError(name, f"must be a finite number, got {value!r}")
        return number
    if kind == "timezone":
        if not isinstance(value, str) or not value.strip():
            raise ParameterError(name, f"must be an IANA time zone name such as 'Europe/Paris', got {value!r}")
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as e:
            raise ParameterError(name, f"unknown time zone {value!r} (IANA names such as 'Europe/Paris')") from e
        return value
    if kind == "summary":
        if not isinstance(value, Mapping):
            raise ParameterError(name, f"must be a mapping of summary preferences, got {value!r}")
        return _check_fields(value, SUMMARY_FIELDS, prefix=f"{name}.")
    raise AssertionError(kind)


def _check_fields(values: Any, fields: Mapping[str, str], *, prefix: str = "", name: str = "config",
                  required: tuple[str, ...] = ()) -> dict[str, Any]:
    if not isinstance(values, Mapping):
        raise ParameterError(name, f"must be a mapping of {', '.join(fields)}, got {type(values).__name__}")
    unknown = sorted(str(k) for k in values if k not in fields)
    if unknown:
        raise ParameterError(f"{prefix}{unknown[0]}", f"unknown field; known: {', '.join(fields)}")
    missing = [f for f in required if f not in values]
    if missing:
        raise ParameterError(f"{prefix}{missing[0]}", "is required")
    return {key: _check_value(f"{prefix}{key}", fields[key], value) for key, value in values.items()}


def validate_channel_config(config: Any, *, partial: bool = False) -> dict[str, Any]:
    """The document's ChannelConfig fields, checked; ParameterError names the first bad field."""
    values = dict(config.as_fields()) if isinstance(config, ChannelConfig) else config
    checked = _check_fields(values, CHANNEL_FIELDS, required=() if partial else tuple(CHANNEL_FIELDS))
    if partial and not checked:
        raise ParameterError("changes", "must change at least one field")
    return checked


def validate_guild_settings(settings: Any) -> dict[str, Any]:
    """The document's GuildSettings fields (``timezone`` required), checked."""
    values = dict(settings.as_fields()) if isinstance(settings, GuildSettings) else settings
    return _check_fields(values, SETTINGS_FIELDS, name="settings", required=("timezone",))


# -- entities ----------------------------------------------------------------------------------

def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, set):
        return frozenset(value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def _key_text(key: Mapping[str, str]) -> str:
    """``PK/SK`` of a key, for messages."""
    return f"{key['PK']}/{key['SK']}"


def _lenient(item: Mapping[str, Any], fields: Mapping[str, str], problems: list[str]) -> dict[str, Any]:
    """Stored fields as they are, with a problem noted for each that does not validate."""
    out: dict[str, Any] = {}
    for key, kind in fields.items():
        if key not in item:
            problems.append(f"{key} missing")
            out[key] = None
            continue
        value = item[key]
        try:
            out[key] = _check_value(key, kind, value)
        except ParameterError as e:
            problems.append(e.problem if e.parameter == key else str(e))
            out[key] = value
            continue
        if kind == "snowflake_number" and isinstance(value, str):
            problems.append(f"{key} is stored as a string; the document says number")
    return out


@dataclass(frozen=True)
class ChannelConfig:
    """A tracked channel (the document's ``ChannelConfig``), immutable.

    ``extra`` holds any other stored attribute; ``problems`` lists what does not match the
    data model (a stored item that is malformed is still loaded, never dropped silently).
    """

    channel_id: str
    guild_id: str
    image: bool | None = None
    notify_on_close: bool | None = None
    pin: bool | None = None
    tag_type: str | None = None
    tag_id: int | None = None
    threshold: Decimal | None = None
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    problems: tuple[str, ...] = ()

    def as_fields(self) -> dict[str, Any]:
        """The document's fields (camelCase), without the ids."""
        return {"image": self.image, "notifyOnClose": self.notify_on_close, "pin": self.pin,
                "tagType": self.tag_type, "tagId": self.tag_id, "threshold": self.threshold}

    def as_dict(self) -> dict[str, Any]:
        """``{channelId, guildId, ...fields, ...extra}``: the document's cache value."""
        return {"channelId": self.channel_id, "guildId": self.guild_id, **self.as_fields(), **_thaw(self.extra)}

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> ChannelConfig:
        """Map a stored item (never raises): ids from the keys, as the document's warm-up does."""
        problems: list[str] = []
        channel_id = keys.channel_id_from_sk(item.get("SK")) or keys.channel_id_from_sk(item.get("GSI_PK")) or ""
        guild_id = keys.guild_id_from_pk(item.get("PK")) or ""
        if not is_snowflake(channel_id):
            problems.append(f"channel id {channel_id!r} is not a Discord id")
        if not is_snowflake(guild_id):
            problems.append(f"guild id {guild_id!r} is not a Discord id")
        if item.get("Type") != CHANNEL_TYPE:
            problems.append(f"Type is {item.get('Type')!r}, expected {CHANNEL_TYPE!r}")
        expected = keys.channel_index_key(guild_id, channel_id)
        if item.get("GSI_PK") != expected["GSI_PK"] or item.get("GSI_SK") != expected["GSI_SK"]:
            problems.append("GSI_PK/GSI_SK do not match the keys: the channel is missing from ChannelIndex")
        for attr, stated in (("channelId", channel_id), ("guildId", guild_id)):
            if attr in item and item[attr] != stated:
                problems.append(f"{attr} {item[attr]!r} differs from the key ({stated!r})")
        values = _lenient(item, CHANNEL_FIELDS, problems)
        extra = {k: v for k, v in item.items()
                 if k not in CHANNEL_FIELDS and k not in KEY_ATTRIBUTES and k not in ("channelId", "guildId")}
        return cls(channel_id=channel_id, guild_id=guild_id, image=values["image"],
                   notify_on_close=values["notifyOnClose"], pin=values["pin"], tag_type=values["tagType"],
                   tag_id=values["tagId"],
                   threshold=values["threshold"], extra=_freeze(extra), problems=tuple(problems))


@dataclass(frozen=True)
class GuildSettings:
    """A guild's settings (the document's ``GuildSettings``), immutable."""

    guild_id: str
    timezone: str | None = None
    position_display_enabled: bool | None = None
    summary_preferences: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    problems: tuple[str, ...] = ()

    def as_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"timezone": self.timezone}
        if self.position_display_enabled is not None:
            fields["positionDisplayEnabled"] = self.position_display_enabled
        if self.summary_preferences:
            fields["summaryPreferences"] = _thaw(self.summary_preferences)
        return fields

    def as_dict(self) -> dict[str, Any]:
        return {"guildId": self.guild_id, **self.as_fields(), **_thaw(self.extra)}

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> GuildSettings:
        problems: list[str] = []
        guild_id = keys.guild_id_from_pk(item.get("PK")) or ""
        if not is_snowflake(guild_id):
            problems.append(f"guild id {guild_id!r} is not a Discord id")
        if item.get("Type") != SETTINGS_TYPE:
            problems.append(f"Type is {item.get('Type')!r}, expected {SETTINGS_TYPE!r}")
        if "guildId" in item and item["guildId"] != guild_id:
            problems.append(f"guildId {item['guildId']!r} differs from the key ({guild_id!r})")
        timezone = item.get("timezone")
        try:
            _check_value("timezone", "timezone", timezone)
        except ParameterError as e:
            problems.append(e.problem)
        position = item.get("positionDisplayEnabled")
        if position is not None and not isinstance(position, bool):
            problems.append(f"positionDisplayEnabled is not a boolean: {position!r}")
        summary = item.get("summaryPreferences") or {}
        if not isinstance(summary, Mapping):
            problems.append(f"summaryPreferences is not a map: {summary!r}")
            summary = {}
        else:
            try:
                _check_fields(summary, SUMMARY_FIELDS, prefix="summaryPreferences.")
            except ParameterError as e:
                problems.append(str(e))
        extra = {k: v for k, v in item.items() if k not in SETTINGS_FIELDS and k not in KEY_ATTRIBUTES
                 and k != "guildId"}
        return cls(guild_id=guild_id, timezone=timezone, position_display_enabled=position,
                   summary_preferences=_freeze(summary), extra=_freeze(extra), problems=tuple(problems))


def channel_item(guild_id: str, channel_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    return {**keys.channel_key(guild_id, channel_id), "Type": CHANNEL_TYPE,
            **keys.channel_index_key(guild_id, channel_id),
            "channelId": channel_id, "guildId": guild_id, **fields}


def settings_item(guild_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    return {**keys.settings_key(guild_id), "Type": SETTINGS_TYPE, "guildId": guild_id, **fields}


# -- repository --------------------------------------------------------------------------------

class ChannelConfigRepository:
    """The document's access patterns over ``discord-bot-config``, through three caches.

    * ``channel_cache``        channelId -> :class:`ChannelConfig` (includes the guild id)
    * ``guild_channels_cache`` guildId -> tuple of channelIds (sorted, no duplicates)
    * ``guild_settings_cache`` guildId -> :class:`GuildSettings`

    :meth:`warm_up` loads all three with one paginated Scan (every page: the document's sample
    reads only the first 1 MB). After a completed warm-up the caches are *complete*: a miss
    means "not configured" and is answered **without a table read** — the document's
    onMessageCreate ignores untracked channels from the cache alone, and a GSI query per
    message in an untracked channel would be the cost the design avoids. The table (or GSI)
    is read on a miss only when the caches are not complete (never warmed, or after
    :meth:`invalidate_all`), or when asked with ``fallback=True`` (e.g.
    :meth:`get_channel_config_safe`, the document's getChannelConfigSafe); such a read
    repairs the caches, and "not found" is remembered at most ``negative_ttl`` seconds.

    Safety refresh: every ``refresh_interval`` seconds (document: 30 minutes) the caches are
    reloaded by :meth:`refresh_if_due` — called by the lookups themselves when
    ``auto_refresh`` is on (the lookup that finds the refresh due pays for the scan; if the
    scan fails the old caches keep serving and the refresh is tried again a minute later),
    or by the caller's own timer.

    Writes go to the table first; the caches change only after the write succeeded.
    """

    def __init__(self, conn: Connection, *, clock: Callable[[], float] = time.monotonic,
                 refresh_interval: float = 1800.0, auto_refresh: bool = True, negative_ttl: float = 0.0,
                 refresh_retry: float = 60.0) -> None:
        if not isinstance(conn, Connection):
            raise ParameterError("conn", f"must be a dynamo_reports Connection, got {type(conn).__name__}")
        for name, value in (("refresh_interval", refresh_interval), ("refresh_retry", refresh_retry)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ParameterError(name, f"must be a positive number of seconds, got {value!r}")
        if not callable(clock):
            raise ParameterError("clock", "must be a callable returning seconds")
        self.conn = conn
        self.table = conn.table_name(CONFIG.logical)
        self.clock = clock
        self.refresh_interval = float(refresh_interval)
        self.refresh_retry = float(refresh_retry)
        self.auto_refresh = bool(auto_refresh)
        self.channel_cache: TTLCache[ChannelConfig] = TTLCache(
            "discord_config.channel", negative_ttl=negative_ttl, clock=clock)
        self.guild_channels_cache: TTLCache[tuple[str, ...]] = TTLCache(
            "discord_config.guild_channels", negative_ttl=negative_ttl, clock=clock)
        self.guild_settings_cache: TTLCache[GuildSettings] = TTLCache(
            "discord_config.guild_settings", negative_ttl=negative_ttl, clock=clock)
        self.warmed_at: float | None = None       # clock() of the last completed warm-up
        self.last_warm_up: dict[str, Any] | None = None
        self.warm_ups = 0
        self._complete = False
        self._next_refresh_at: float | None = None
        self._write_lock = threading.RLock()      # writes and warm-ups, one at a time
        self._cache_lock = threading.Lock()       # multi-cache updates and repairs
        self._generation = 0                      # bumped by every write / warm-up

    @property
    def meter(self):
        return self.conn.meter

    @property
    def caches(self) -> tuple[TTLCache, ...]:
        return (self.channel_cache, self.guild_channels_cache, self.guild_settings_cache)

    @property
    def is_complete(self) -> bool:
        """True after a completed warm-up (and until :meth:`invalidate_all`)."""
        return self._complete

    def cache_stats(self) -> list[dict[str, Any]]:
        """Hits, misses, expirations, table reads and size of each cache."""
        return [cache.stats.as_dict() for cache in self.caches]

    def invalidate_all(self) -> None:
        """Forget everything: lookups read the table (and repair) until the next warm-up."""
        with self._cache_lock:
            self._generation += 1
            self._complete = False
            for cache in self.caches:
                cache.clear()

    # -- warm-up and refresh -------------------------------------------------------------------

    def warm_up(self, *, page_size: int | None = None) -> dict[str, Any]:
        """Load every item with one paginated Scan and replace the three caches.

        Returns a summary: items read, channels, guilds, settings, items that are neither
        (``other_items``), channels found in two guilds, items with problems, and what it cost
        (``requests``, ``pages``, ``read_units``, from the connection's meter).
        """
        with self._write_lock:
            mark = self.conn.meter.mark()
            started = self.clock()
            items = reads.read_table(self.conn, self.table, page_size=page_size, progress=False)
            channels: dict[str, ChannelConfig] = {}
            guild_channels: dict[str, set[str]] = {}
            settings: dict[str, GuildSettings] = {}
            other = duplicates = with_problems = 0
            for item in items:
                sk = item.get("SK")
                if not keys.is_guild_pk(item.get("PK")):
                    other += 1
                elif keys.is_channel_sk(sk):
                    config = ChannelConfig.from_item(item)
                    with_problems += bool(config.problems)
                    guild_channels.setdefault(config.guild_id, set()).add(config.channel_id)
                    previous = channels.get(config.channel_id)
                    if previous is not None:
                        duplicates += 1
                        log.warning("channel %s is configured in guilds %s and %s; using the first",
                                    config.channel_id, previous.guild_id, config.guild_id)
                        if previous.guild_id < config.guild_id:
                            continue
                    channels[config.channel_id] = config
                elif keys.is_settings_sk(sk):
                    guild = GuildSettings.from_item(item)
                    with_problems += bool(guild.problems)
                    settings[guild.guild_id] = guild
                else:
                    other += 1
            lists = {g: tuple(sorted(ids)) for g, ids in guild_channels.items()}
            with self._cache_lock:
                self._generation += 1
                replacements: tuple[tuple[TTLCache[Any], Mapping[str, Any]], ...] = (
                    (self.channel_cache, channels), (self.guild_channels_cache, lists),
                    (self.guild_settings_cache, settings))
                for cache, fresh in replacements:
                    # Put the new entries before dropping the stale ones, so a reader never
                    # finds a configured channel missing while the caches are replaced.
                    for name, value in fresh.items():
                        cache.put(name, value)
                    for stale in list(cache.keys()):
                        if stale not in fresh:
                            cache.invalidate(stale)
                self._complete = True
                now = self.clock()
                self.warmed_at = now
                self._next_refresh_at = now + self.refresh_interval
            records = self.conn.meter.since(mark)
            totals = self.conn.meter.totals(records)
            self.warm_ups += 1
            summary = {
                "items": len(items),
                "channels": len(channels),
                "guilds": len(set(lists) | set(settings)),
                "guild_settings": len(settings),
                "other_items": other,
                "duplicate_channels": duplicates,
                "items_with_problems": with_problems,
                "requests": int(totals["requests"]),
                "pages": sum(1 for r in records if r.operation == "Scan"),
                "items_examined": int(totals["items_examined"]),
                "read_units": totals["read_units"],
                "started_at": started,
                "warmed_at": now,
            }
            self.last_warm_up = summary
            log.info("discord config cache warmed: %d channels, %d guild settings, %d pages, %.1f RCU",
                     summary["channels"], summary["guild_settings"], summary["pages"], summary["read_units"])
            return summary

    def refresh_due(self) -> bool:
        """True when the last warm-up is ``refresh_interval`` seconds old (never warmed: False)."""
        return self._next_refresh_at is not None and self.clock() >= self._next_refresh_at

    def refresh_if_due(self) -> dict[str, Any] | None:
        """Warm up again when the safety refresh is due; returns the warm-up summary, else None."""
        if not self.refresh_due():
            return None
        with self._write_lock:
            if not self.refresh_due():  # another thread refreshed meanwhile
                return None
            return self.warm_up()

    def _auto_refresh(self) -> None:
        if not self._write_lock.acquire(blocking=False):
            return  # a refresh or a write is in progress: serve the current caches
        try:
            if self.refresh_due():
                try:
                    self.warm_up()
                except DynamoReportsError as e:
                    self._next_refresh_at = self.clock() + self.refresh_retry
                    log.warning("discord config safety refresh failed, keeping the cached config: %s", e)
        finally:
            self._write_lock.release()

    def _use_table(self, fallback: bool | None) -> bool:
        return (not self._complete) if fallback is None else bool(fallback)

    # -- lookups --------------------------------------------------------------------------------

    def get_channel_config(self, channel_id: str, *, fallback: bool | None = None) -> ChannelConfig | None:
        """The onMessageCreate path: the channel's config, or ``None`` if it is not tracked.

        From the cache alone once warm (zero table reads). ``fallback``: ``None`` (default)
        queries ``ChannelIndex`` on a miss only when the cache is not complete; ``True``
        always does on a miss; ``False`` never does.
        """
        _check_snowflake("channel_id", channel_id)
        if self.auto_refresh and self._next_refresh_at is not None and self.clock() >= self._next_refresh_at:
            self._auto_refresh()

        def load() -> ChannelConfig | None:
            items = reads.query(self.conn, self.table, Key("GSI_PK").eq(keys.channel_sk(channel_id)),
                                index=CHANNEL_INDEX, progress=False)
            configs = [ChannelConfig.from_item(i) for i in items if keys.is_channel_sk(i.get("SK"))]
            return min(configs, key=lambda c: c.guild_id) if configs else None

        def store(found: ChannelConfig) -> None:
            self.channel_cache.put(channel_id, found)
            self._list_channel(found.guild_id, channel_id)

        return get_or_load(self.channel_cache, channel_id, load, lock=self._cache_lock,
                           generation=self._cache_generation, store=store, read_table=self._use_table(fallback))

    def get_channel_config_safe(self, channel_id: str) -> ChannelConfig | None:
        """The document's getChannelConfigSafe: on a miss, always ask ``ChannelIndex`` (and repair)."""
        return self.get_channel_config(channel_id, fallback=True)

    def _cache_generation(self) -> int:
        return self._generation

    def channels_of_guild(self, guild_id: str, *, fallback: bool | None = None) -> list[str]:
        """The channel ids a guild tracks (sorted); on a miss, Query ``PK = GUILD#{g}`` (see ``fallback``)."""
        _check_snowflake("guild_id", guild_id)
        configs: list[ChannelConfig] = []

        def load() -> tuple[str, ...]:
            items = reads.query(self.conn, self.table,
                                Key("PK").eq(keys.guild_pk(guild_id)) & Key("SK").begins_with(keys.CHANNEL_PREFIX),
                                progress=False)
            configs.extend(ChannelConfig.from_item(i) for i in items)
            return tuple(sorted({c.channel_id for c in configs}))

        def store(ids: tuple[str, ...]) -> None:
            self.guild_channels_cache.put(guild_id, ids)
            for config in configs:
                current = self.channel_cache.peek(config.channel_id)
                if not current or current.guild_id == guild_id:
                    self.channel_cache.put(config.channel_id, config)

        ids = get_or_load(self.guild_channels_cache, guild_id, load, lock=self._cache_lock,
                          generation=self._cache_generation, store=store, read_table=self._use_table(fallback))
        return list(ids) if ids else []

    def channel_configs_of_guild(self, guild_id: str, *, fallback: bool | None = None) -> list[ChannelConfig]:
        """The configs of a guild's channels, in channel id order."""
        configs = []
        for channel_id in self.channels_of_guild(guild_id, fallback=fallback):
            config = self.channel_cache.peek(channel_id)
            if config is None:
                config = self.get_channel_config(channel_id, fallback=True)
            if config:
                configs.append(config)
        return configs

    def guild_settings(self, guild_id: str, *, fallback: bool | None = None) -> GuildSettings | None:
        """A guild's settings: the cache, then GetItem ``GUILD#{g}``/``SETTINGS`` (see ``fallback``)."""
        _check_snowflake("guild_id", guild_id)

        def load() -> GuildSettings | None:
            item = reads.get_item(self.conn, self.table, keys.settings_key(guild_id))
            return GuildSettings.from_item(item) if item else None

        return get_or_load(self.guild_settings_cache, guild_id, load, lock=self._cache_lock,
                           generation=self._cache_generation, read_table=self._use_table(fallback))

    # -- writes (table first, then the caches) -----------------------------------------------

    def add_channel(self, guild_id: str, channel_id: str, config: Mapping[str, Any] | ChannelConfig, *,
                    replace: bool = False) -> ChannelConfig:
        """Track a channel: PutItem of the full config, then the caches.

        ``config`` has the document's six fields (image, notifyOnClose, pin, tagType, tagId,
        threshold). Refuses a channel already configured (in this guild unless ``replace``, or
        in another guild: a channel id is unique across Discord).
        """
        _check_snowflake("guild_id", guild_id)
        _check_snowflake("channel_id", channel_id)
        fields = validate_channel_config(config)
        with self._write_lock:
            owner = self._owner_guild(channel_id)
            if owner is not None and owner != guild_id:
                raise ChannelExistsError(guild_id, channel_id, owner)
            item = channel_item(guild_id, channel_id, fields)
            params: dict[str, Any] = {"TableName": self.table, "Item": item_to_wire(item)}
            if not replace:
                params["ConditionExpression"] = "attribute_not_exists(PK)"
            try:
                self.conn.call("PutItem", **params)
            except DynamoDBRequestError as e:
                if e.code == "ConditionalCheckFailedException":
                    raise ChannelExistsError(guild_id, channel_id) from e
                raise
            config_out = ChannelConfig.from_item(item)
            self._cache_channel(config_out)
            return config_out

    def update_channel(self, guild_id: str, channel_id: str, changes: Mapping[str, Any]) -> ChannelConfig:
        """Change some fields of a tracked channel (UpdateItem, must exist), then the caches."""
        _check_snowflake("guild_id", guild_id)
        _check_snowflake("channel_id", channel_id)
        fields = validate_channel_config(changes, partial=True)
        names = {f"#f{i}": name for i, name in enumerate(fields)}
        values = {f":v{i}": to_wire(value) for i, value in enumerate(fields.values())}
        with self._write_lock:
            try:
                response = self.conn.call(
                    "UpdateItem", TableName=self.table,
                    Key=item_to_wire(keys.channel_key(guild_id, channel_id)),
                    UpdateExpression="SET " + ", ".join(f"{n} = :v{i}" for i, n in enumerate(names)),
                    ConditionExpression="attribute_exists(PK)",
                    ExpressionAttributeNames=names, ExpressionAttributeValues=values,
                    ReturnValues="ALL_NEW")
            except DynamoDBRequestError as e:
                if e.code == "ConditionalCheckFailedException":
                    raise ChannelNotFoundError(guild_id, channel_id) from e
                raise
            config = ChannelConfig.from_item(item_to_python(response["Attributes"]))
            self._cache_channel(config)
            return config

    def remove_channel(self, guild_id: str, channel_id: str) -> bool:
        """Stop tracking a channel (DeleteItem), then the caches. True if it was configured."""
        _check_snowflake("guild_id", guild_id)
        _check_snowflake("channel_id", channel_id)
        with self._write_lock:
            response = self.conn.call(
                "DeleteItem", TableName=self.table,
                Key=item_to_wire(keys.channel_key(guild_id, channel_id)),
                ReturnValues="ALL_OLD")
            with self._cache_lock:
                self._generation += 1
                cached = self.channel_cache.peek(channel_id)
                if cached is not None and (not cached or cached.guild_id == guild_id):
                    self.channel_cache.invalidate(channel_id)
                listed = self.guild_channels_cache.peek(guild_id)
                if listed:
                    self.guild_channels_cache.put(guild_id, tuple(c for c in listed if c != channel_id))
            return "Attributes" in response

    def put_guild_settings(self, guild_id: str, settings: Mapping[str, Any] | GuildSettings) -> GuildSettings:
        """Create or replace a guild's settings (PutItem), then the cache."""
        _check_snowflake("guild_id", guild_id)
        fields = validate_guild_settings(settings)
        with self._write_lock:
            item = settings_item(guild_id, fields)
            self.conn.call("PutItem", TableName=self.table, Item=item_to_wire(item))
            result = GuildSettings.from_item(item)
            with self._cache_lock:
                self._generation += 1
                self.guild_settings_cache.put(guild_id, result)
            return result

    def remove_guild_settings(self, guild_id: str) -> bool:
        """Delete a guild's settings (DeleteItem), then the cache. True if there were some."""
        _check_snowflake("guild_id", guild_id)
        with self._write_lock:
            response = self.conn.call(
                "DeleteItem", TableName=self.table,
                Key=item_to_wire(keys.settings_key(guild_id)), ReturnValues="ALL_OLD")
            with self._cache_lock:
                self._generation += 1
                self.guild_settings_cache.invalidate(guild_id)
            return "Attributes" in response

    def _owner_guild(self, channel_id: str) -> str | None:
        """The guild a channel is configured in: the cache when complete, else ``ChannelIndex``."""
        cached = self.channel_cache.peek(channel_id)
        if cached:
            return cached.guild_id
        if self._complete:
            return None
        items = reads.query(self.conn, self.table, Key("GSI_PK").eq(keys.channel_sk(channel_id)),
                            index=CHANNEL_INDEX, progress=False)
        guilds = sorted(g for g in (keys.guild_id_from_pk(i.get("PK")) for i in items) if g)
        return guilds[0] if guilds else None

    def _cache_channel(self, config: ChannelConfig) -> None:
        """After a successful write: the channel and its guild's list, in step."""
        with self._cache_lock:
            self._generation += 1
            self.channel_cache.put(config.channel_id, config)
            self._list_channel(config.guild_id, config.channel_id)

    def _list_channel(self, guild_id: str, channel_id: str) -> None:
        """Add a channel to its guild's cached list (caller holds ``_cache_lock``).

        A guild's list is only ever cached complete: extend a cached list (or a known-empty
        one), start one only when the caches are complete; otherwise leave it to the next
        :meth:`channels_of_guild` query.
        """
        listed = self.guild_channels_cache.peek(guild_id)
        if listed:
            if channel_id not in listed:
                self.guild_channels_cache.put(guild_id, tuple(sorted((*listed, channel_id))))
        elif listed is not None or self._complete:
            self.guild_channels_cache.put(guild_id, (channel_id,))


__all__ = [
    "CHANNEL_FIELDS", "CHANNEL_INDEX", "CHANNEL_TYPE", "CONFIG", "SETTINGS_SK", "SETTINGS_TYPE", "ChannelConfig",
    "ChannelConfigRepository", "ChannelExistsError", "ChannelNotFoundError", "GuildSettings", "TABLES", "channel_item",
    "is_snowflake", "settings_item", "validate_channel_config", "validate_guild_settings",
]
