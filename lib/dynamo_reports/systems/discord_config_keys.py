"""001 Discord config: the keys of its items and its index (pure: no boto3).

The one place that writes or parses the 001 key formats; the repository
(:mod:`.discord_config`), the demo dataset and :mod:`dynamo_reports.analytics.bot_config` ask it::

    channel config  PK=GUILD#{g}  SK=CHANNEL#{c}  GSI_PK=CHANNEL#{c}  GSI_SK=GUILD#{g}
    guild settings  PK=GUILD#{g}  SK=SETTINGS

GSI ``ChannelIndex`` (``GSI_PK`` / ``GSI_SK``, projection ALL).
"""

from __future__ import annotations

import re
from typing import Any

from .base import KeyPrefix

CHANNEL_INDEX = "ChannelIndex"
CHANNEL_TYPE = "channel_config"
SETTINGS_TYPE = "guild_settings"
SETTINGS_SK = "SETTINGS"
GUILD_PREFIX = "GUILD#"
CHANNEL_PREFIX = "CHANNEL#"


guild_pk = KeyPrefix(GUILD_PREFIX)
#: ``CHANNEL#{c}``: a channel config's ``SK`` and ``GSI_PK``.
channel_sk = KeyPrefix(CHANNEL_PREFIX)


def channel_key(guild_id: str, channel_id: str) -> dict[str, str]:
    """The primary key of a channel config."""
    return {"PK": guild_pk(guild_id), "SK": channel_sk(channel_id)}


def channel_index_key(guild_id: str, channel_id: str) -> dict[str, str]:
    """``GSI_PK`` / ``GSI_SK`` of a channel config (its ``ChannelIndex`` entry)."""
    return {"GSI_PK": channel_sk(channel_id), "GSI_SK": guild_pk(guild_id)}


def channel_keys(guild_id: str, channel_id: str) -> dict[str, str]:
    """Every key attribute of a channel config: ``PK``, ``SK``, ``GSI_PK``, ``GSI_SK``."""
    return {**channel_key(guild_id, channel_id), **channel_index_key(guild_id, channel_id)}


def settings_key(guild_id: str) -> dict[str, str]:
    """The primary key of a guild's settings."""
    return {"PK": guild_pk(guild_id), "SK": SETTINGS_SK}


#: The guild id of ``GUILD#{g}``; ``None`` for anything else.
guild_id_from_pk = guild_pk.parse
#: The channel id of ``CHANNEL#{c}`` (an ``SK`` or a ``GSI_PK``); ``None`` for anything else.
channel_id_from_sk = channel_sk.parse
is_guild_pk = guild_pk.matches
is_channel_sk = channel_sk.matches


def is_settings_sk(sk: Any) -> bool:
    return sk == SETTINGS_SK


__all__ = [
    "CHANNEL_INDEX", "CHANNEL_PREFIX", "CHANNEL_TYPE", "GUILD_PREFIX", "SETTINGS_SK", "SETTINGS_TYPE",
    "channel_id_from_sk", "channel_index_key", "channel_key", "channel_keys", "channel_sk", "guild_id_from_pk",
    "guild_pk", "is_channel_sk", "is_guild_pk", "is_settings_sk", "settings_key",
]


_SNOWFLAKE_RE = re.compile(r"[0-9]{1,20}")


def is_snowflake(value: Any) -> bool:
    """A Discord id (user, guild, channel) as a string of 1-20 digits (a 64-bit snowflake)."""
    return isinstance(value, str) and _SNOWFLAKE_RE.fullmatch(value) is not None
