"""001 — multi-guild Discord bot configuration: table ``discord-bot-config``.

Document: shared/seeds/001_a431fe2fc451daee.txt (its create-table command says
``solanashares-config``: the physical name is configuration). Items: guild settings
``GUILD#{g}``/``SETTINGS`` (``Type=guild_settings``) and channel configs
``GUILD#{g}``/``CHANNEL#{c}`` (``Type=channel_config``) with ``GSI_PK=CHANNEL#{c}``,
``GSI_SK=GUILD#{g}`` in GSI ``ChannelIndex`` (projection ALL).
"""

from __future__ import annotations

from .base import IndexSpec, TableSpec

SYSTEM = "001"
TITLE = "Multi-guild Discord bot configuration"

CONFIG = TableSpec(
    logical="discord_config",
    system=SYSTEM,
    description="guild settings (GUILD#/SETTINGS) and channel configs (GUILD#/CHANNEL#)",
    hash_key="PK",
    range_key="SK",
    indexes=(IndexSpec("ChannelIndex", "GSI_PK", "GSI_SK", "ALL"),),
)

TABLES = (CONFIG,)
